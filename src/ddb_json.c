/*-------------------------------------------------------------------------
 *
 * ddb_json.c
 *		Reading DynamoDB's JSON answers and writing JSON requests.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/numeric.h"

#include "ddb_json.h"

static void
answer_error_callback(void *arg)
{
	errcontext("reading the answer of DynamoDB to %s", (const char *) arg);
}

/*
 * Parse an answer of DynamoDB.  A body that is not JSON means something
 * between us and DynamoDB answered; say which operation it was.
 */
Jsonb *
ddb_json_parse(const char *text, const char *operation)
{
	MemoryContext callercxt = CurrentMemoryContext;
	MemoryContext parsecxt;
	Jsonb	   *parsed = NULL;
	Jsonb	   *result;
	char	   *local;
	ErrorContextCallback errcallback;

	/*
	 * The parser's working tree takes several times the size of the text;
	 * keep only the finished jsonb.
	 */
	parsecxt = AllocSetContextCreate(callercxt, "dynastore_fdw parse",
									 ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(parsecxt);

	/*
	 * DynamoDB speaks UTF-8; the database may not.  A character that the
	 * database's encoding lacks fails here, as it would in COPY.
	 */
	errcallback.callback = answer_error_callback;
	errcallback.arg = (void *) operation;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;
	local = pg_any_to_server(text, strlen(text), PG_UTF8);
	error_context_stack = errcallback.previous;

	PG_TRY();
	{
		parsed = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
													CStringGetDatum(local)));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		/* only a malformed body is ours to explain; the rest goes on */
		MemoryContextSwitchTo(callercxt);
		edata = CopyErrorData();
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION)
			PG_RE_THROW();
		FlushErrorState();
		MemoryContextDelete(parsecxt);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_REPLY_HANDLE),
				 errmsg("DynamoDB answered %s with something that is not JSON",
						operation),
				 errdetail("The JSON parser said: %s.", edata->message)));
	}
	PG_END_TRY();

	MemoryContextSwitchTo(callercxt);
	result = palloc(VARSIZE(parsed));
	memcpy(result, parsed, VARSIZE(parsed));
	MemoryContextDelete(parsecxt);
	return result;
}

JsonbValue *
ddb_json_get(JsonbContainer *object, const char *key)
{
	if (object == NULL || !JsonContainerIsObject(object))
		return NULL;
	return getKeyJsonValueFromContainer(object, key, strlen(key), NULL);
}

/* A string member as a palloc'd C string, or NULL. */
char *
ddb_json_get_string(JsonbContainer *object, const char *key)
{
	JsonbValue *v = ddb_json_get(object, key);

	if (v == NULL || v->type != jbvString)
		return NULL;
	return pnstrdup(v->val.string.val, v->val.string.len);
}

double
ddb_json_get_number(JsonbContainer *object, const char *key, double missing)
{
	JsonbValue *v = ddb_json_get(object, key);

	if (v == NULL || v->type != jbvNumeric)
		return missing;
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8,
											  NumericGetDatum(v->val.numeric)));
}

/* A container (object or array) back to JSON text, for echoing keys. */
char *
ddb_json_to_text(JsonbContainer *container)
{
	return JsonbToCString(NULL, container, 128);
}

/*
 * Raise the error of an answer that DynamoDB does not send: a wrong shape
 * or type, another key than asked, paging that goes round in circles.
 * Whatever sent it (a buggy emulator, a proxy, someone in the middle of
 * plain http), nothing of it is used.  detail says what is wrong, as a
 * sentence.
 */
void
ddb_answer_error(const char *operation, const char *fmt,...)
{
	StringInfoData detail;

	initStringInfo(&detail);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&detail, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&detail, needed);
	}
	ereport(ERROR,
			(errcode(ERRCODE_FDW_REPLY_HANDLE),
			 errmsg("DynamoDB sent an invalid answer to %s", operation),
			 errdetail("%s", detail.data),
			 errhint("The endpoint may not be DynamoDB, or something between the server and DynamoDB changes its answers.")));
	pg_unreachable();
}

/*
 * The length of a string of the database's encoding once in UTF-8, as
 * DynamoDB measures its limits.
 */
size_t
ddb_utf8_length(const char *str)
{
	char	   *utf8;
	size_t		len;

	if (GetDatabaseEncoding() == PG_UTF8 ||
		GetDatabaseEncoding() == PG_SQL_ASCII)
		return strlen(str);
	utf8 = pg_server_to_any(str, strlen(str), PG_UTF8);
	len = strlen(utf8);
	if (utf8 != str)
		pfree(utf8);
	return len;
}

/* A request body in UTF-8, as DynamoDB expects, from the database's text. */
char *
ddb_json_wire(const char *body)
{
	return pg_server_to_any(body, strlen(body), PG_UTF8);
}

void
ddb_json_string(StringInfo buf, const char *str)
{
	escape_json(buf, str);
}

/* Escape a string that is not NUL-terminated. */
void
ddb_json_string_len(StringInfo buf, const char *str, int len)
{
	char	   *copy = pnstrdup(str, len);

	escape_json(buf, copy);
	pfree(copy);
}
