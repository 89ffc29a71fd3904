/*-------------------------------------------------------------------------
 *
 * ddb_json.c
 *		Reading DynamoDB's JSON answers and writing JSON requests.
 *
 * Answers become jsonb.  PostgreSQL 15's JSON lexer appends the contents
 * of every string to a buffer a character at a time, which made parsing a
 * 1 MB page the larger part of a scan's CPU; so the JSON that DynamoDB
 * and dynastore apps write in practice (strings without \u escapes other
 * than ASCII ones) is read by a parser of our own that builds the same
 * jsonb through the same pushJsonbValue(), numbers through numeric_in.
 * Anything else, malformed JSON included, goes to jsonb_in, which decides
 * and words the error as PostgreSQL always does.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/numeric.h"

#include "ddb_json.h"

/* More members than jsonb takes, or palloc: jsonb_in's to refuse. */
#define FAST_MAX_MEMBERS \
	((int) Min(MaxAllocSize / sizeof(JsonbPair), JB_CMASK))

/* The text being parsed by the fast path, and where it stands. */
typedef struct FastJson
{
	const char *p;
	const char *end;
} FastJson;

static bool fast_value(FastJson *fj, JsonbValue *v);

static inline void
fast_skip_space(FastJson *fj)
{
	while (fj->p < fj->end &&
		   (*fj->p == ' ' || *fj->p == '\n' || *fj->p == '\r' ||
			*fj->p == '\t'))
		fj->p++;
}

/*
 * Does any of the 8 bytes of w end or escape a string (a quote, a
 * backslash, a control character)?  The classic tests for a zero byte and
 * a byte below n, on all 8 at once.
 */
static inline bool
fast_special_byte(uint64 w)
{
	const uint64 ones = UINT64CONST(0x0101010101010101);
	const uint64 highs = UINT64CONST(0x8080808080808080);
	uint64		quote = w ^ (ones * '"');
	uint64		slash = w ^ (ones * '\\');

	return ((((quote - ones) & ~quote) | ((slash - ones) & ~slash) |
			 ((w - ones * 0x20) & ~w)) & highs) != 0;
}

/*
 * A string at fj->p (its opening quote) into *v: pointing into the text
 * when it has no escape, else a palloc'd copy with the escapes decoded.
 * False for what the fast path leaves to jsonb_in: a control character,
 * a \u escape of anything but a non-NUL ASCII character, a bad escape, no
 * closing quote.
 */
static bool
fast_string(FastJson *fj, JsonbValue *v)
{
	const char *start = ++fj->p;
	const char *q = start;
	StringInfoData buf;
	bool		copied = false;

	for (;;)
	{
		uint64		w;

		/* eight bytes at a time over plain text, then one */
		while (fj->end - q >= 8)
		{
			memcpy(&w, q, 8);
			if (fast_special_byte(w))
				break;
			q += 8;
		}
		while (q < fj->end && *q != '"' && *q != '\\' &&
			   (unsigned char) *q >= 0x20)
			q++;
		if (q >= fj->end || (unsigned char) *q < 0x20)
			return false;
		if (*q == '"')
			break;
		if (*q != '\\')
			continue;

		/* an escape: the text so far, then what it stands for */
		if (!copied)
		{
			initStringInfo(&buf);
			copied = true;
		}
		appendBinaryStringInfo(&buf, start, q - start);
		if (q + 1 >= fj->end)
			return false;
		switch (q[1])
		{
			case '"':
			case '\\':
			case '/':
				appendStringInfoChar(&buf, q[1]);
				break;
			case 'b':
				appendStringInfoChar(&buf, '\b');
				break;
			case 'f':
				appendStringInfoChar(&buf, '\f');
				break;
			case 'n':
				appendStringInfoChar(&buf, '\n');
				break;
			case 'r':
				appendStringInfoChar(&buf, '\r');
				break;
			case 't':
				appendStringInfoChar(&buf, '\t');
				break;
			case 'u':
				{
					int			c = 0;
					int			i;

					if (fj->end - q < 6)
						return false;
					for (i = 2; i < 6; i++)
					{
						char		h = q[i];

						c <<= 4;
						if (h >= '0' && h <= '9')
							c |= h - '0';
						else if (h >= 'a' && h <= 'f')
							c |= h - 'a' + 10;
						else if (h >= 'A' && h <= 'F')
							c |= h - 'A' + 10;
						else
							return false;
					}
					if (c == 0 || c >= 0x80)
						return false;
					appendStringInfoChar(&buf, (char) c);
					q += 4;
					break;
				}
			default:
				return false;
		}
		q += 2;
		start = q;
	}

	v->type = jbvString;
	if (copied)
	{
		appendBinaryStringInfo(&buf, start, q - start);
		v->val.string.val = buf.data;
		v->val.string.len = buf.len;
	}
	else
	{
		v->val.string.val = (char *) start;
		v->val.string.len = q - start;
	}
	if (v->val.string.len > JENTRY_OFFLENMASK)
		return false;
	fj->p = q + 1;
	return true;
}

/*
 * A number as JSON writes it, through numeric_in as jsonb_in does; one
 * that numeric_in might refuse (an exponent of four digits, a thousand
 * characters) is left to jsonb_in, whose error it then is.
 */
static bool
fast_number(FastJson *fj, JsonbValue *v)
{
	const char *start = fj->p;
	const char *q = start;
	char		digits[64];
	char	   *text;

	if (q < fj->end && *q == '-')
		q++;
	if (q < fj->end && *q == '0')
		q++;
	else if (q < fj->end && *q >= '1' && *q <= '9')
		while (q < fj->end && *q >= '0' && *q <= '9')
			q++;
	else
		return false;
	if (q < fj->end && *q == '.')
	{
		q++;
		if (q >= fj->end || *q < '0' || *q > '9')
			return false;
		while (q < fj->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < fj->end && (*q == 'e' || *q == 'E'))
	{
		const char *digits_start;

		q++;
		if (q < fj->end && (*q == '+' || *q == '-'))
			q++;
		digits_start = q;
		if (q >= fj->end || *q < '0' || *q > '9')
			return false;
		while (q < fj->end && *q >= '0' && *q <= '9')
			q++;
		/* an exponent numeric_in may refuse is jsonb_in's to refuse */
		if (q - digits_start > 3)
			return false;
	}
	if (q - start > 1000)
		return false;

	if (q - start < (int) sizeof(digits))
	{
		memcpy(digits, start, q - start);
		digits[q - start] = '\0';
		text = digits;
	}
	else
		text = pnstrdup(start, q - start);
	v->type = jbvNumeric;
	v->val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in,
														 CStringGetDatum(text),
														 ObjectIdGetDatum(InvalidOid),
														 Int32GetDatum(-1)));
	fj->p = q;
	return true;
}

static bool
fast_literal(FastJson *fj, const char *word, JsonbValue *v)
{
	size_t		len = strlen(word);

	if ((size_t) (fj->end - fj->p) < len || memcmp(fj->p, word, len) != 0)
		return false;
	fj->p += len;
	/* a literal ends where a token may start */
	if (fj->p < fj->end && ((*fj->p >= 'a' && *fj->p <= 'z') ||
							(*fj->p >= 'A' && *fj->p <= 'Z') ||
							(*fj->p >= '0' && *fj->p <= '9') ||
							*fj->p == '_' || (unsigned char) *fj->p >= 0x80))
		return false;
	if (word[0] == 'n')
		v->type = jbvNull;
	else
	{
		v->type = jbvBool;
		v->val.boolean = (word[0] == 't');
	}
	return true;
}

/* jsonb's order of keys: shorter first, then by bytes; later wins ties. */
static inline int
fast_key_cmp(const JsonbPair *a, const JsonbPair *b)
{
	int			la = a->key.val.string.len;
	int			lb = b->key.val.string.len;
	int			r;

	if (la != lb)
		return la < lb ? -1 : 1;
	r = memcmp(a->key.val.string.val, b->key.val.string.val, la);
	if (r != 0)
		return r;
	return a->order > b->order ? -1 : 1;
}

/*
 * Sort an object's pairs into jsonb's order and drop the repeated keys,
 * keeping the last one written, as pushJsonbValue() does.  Objects are
 * small (an AttributeValue has one member, an item a handful): an
 * insertion sort.
 */
static void
fast_sort_pairs(JsonbValue *object)
{
	JsonbPair  *pairs = object->val.object.pairs;
	int			n = object->val.object.nPairs;
	int			i;
	int			kept;

	for (i = 1; i < n; i++)
	{
		JsonbPair	cur = pairs[i];
		int			j = i - 1;

		while (j >= 0 && fast_key_cmp(&pairs[j], &cur) > 0)
		{
			pairs[j + 1] = pairs[j];
			j--;
		}
		pairs[j + 1] = cur;
	}
	kept = n > 0 ? 1 : 0;
	for (i = 1; i < n; i++)
	{
		JsonbPair  *last = &pairs[kept - 1];

		if (pairs[i].key.val.string.len == last->key.val.string.len &&
			memcmp(pairs[i].key.val.string.val, last->key.val.string.val,
				   last->key.val.string.len) == 0)
			continue;
		pairs[kept++] = pairs[i];
	}
	object->val.object.nPairs = kept;
}

/*
 * Past an object's or array's opening: true, past the closing too, when it
 * is empty.
 */
static bool
fast_empty(FastJson *fj, char close)
{
	fj->p++;
	fast_skip_space(fj);
	if (fj->p < fj->end && *fj->p == close)
	{
		fj->p++;
		return true;
	}
	return false;
}

/* Room for member n of *members, cap of size bytes: doubled up to the limit. */
static bool
fast_room(void **members, int *cap, int n, Size size)
{
	if (n < *cap)
		return true;
	*cap *= 2;
	if (*cap > FAST_MAX_MEMBERS)
		return false;
	*members = repalloc(*members, size * *cap);
	return true;
}

/* After a member: a comma (more follow) or close (*done); else invalid. */
static bool
fast_after_member(FastJson *fj, char close, bool *done)
{
	fast_skip_space(fj);
	if (fj->p >= fj->end || (*fj->p != ',' && *fj->p != close))
		return false;
	*done = (*fj->p == close);
	fj->p++;
	return true;
}

/* The members of an object, fj->p at its opening brace. */
static bool
fast_object(FastJson *fj, JsonbValue *v)
{
	int			cap = 4;
	int			n = 0;
	JsonbPair  *pairs = palloc(sizeof(JsonbPair) * cap);
	bool		done = fast_empty(fj, '}');

	while (!done)
	{
		if (!fast_room((void **) &pairs, &cap, n, sizeof(JsonbPair)))
			return false;
		fast_skip_space(fj);
		if (fj->p >= fj->end || *fj->p != '"' ||
			!fast_string(fj, &pairs[n].key))
			return false;
		fast_skip_space(fj);
		if (fj->p >= fj->end || *fj->p != ':')
			return false;
		fj->p++;
		if (!fast_value(fj, &pairs[n].value))
			return false;
		pairs[n].order = n;
		n++;
		if (!fast_after_member(fj, '}', &done))
			return false;
	}
	v->type = jbvObject;
	v->val.object.pairs = pairs;
	v->val.object.nPairs = n;
	fast_sort_pairs(v);
	return true;
}

/* The elements of an array, fj->p at its opening bracket. */
static bool
fast_array(FastJson *fj, JsonbValue *v)
{
	int			cap = 4;
	int			n = 0;
	JsonbValue *elems = palloc(sizeof(JsonbValue) * cap);
	bool		done = fast_empty(fj, ']');

	while (!done)
	{
		if (!fast_room((void **) &elems, &cap, n, sizeof(JsonbValue)) ||
			!fast_value(fj, &elems[n++]) ||
			!fast_after_member(fj, ']', &done))
			return false;
	}
	v->type = jbvArray;
	v->val.array.elems = elems;
	v->val.array.nElems = n;
	v->val.array.rawScalar = false;
	return true;
}

/* A value into *v. */
static bool
fast_value(FastJson *fj, JsonbValue *v)
{
	check_stack_depth();
	fast_skip_space(fj);
	if (fj->p >= fj->end)
		return false;
	switch (*fj->p)
	{
		case '{':
			return fast_object(fj, v);
		case '[':
			return fast_array(fj, v);
		case '"':
			return fast_string(fj, v);
		case 't':
			return fast_literal(fj, "true", v);
		case 'f':
			return fast_literal(fj, "false", v);
		case 'n':
			return fast_literal(fj, "null", v);
		default:
			return fast_number(fj, v);
	}
}

/*
 * JSON text (of the database's encoding, len bytes) as jsonb, the same as
 * jsonb_in makes it, or NULL when the text is for jsonb_in to read (see
 * the file's header).  The working tree is built in scratch (NULL:
 * CurrentMemoryContext) and refers to the text; the result is allocated
 * in CurrentMemoryContext.
 */
Jsonb *
ddb_jsonb_from_text(const char *text, size_t len, MemoryContext scratch)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	FastJson	fj;
	JsonbValue	top;
	bool		ok;

	fj.p = text;
	fj.end = text + len;
	if (scratch)
		MemoryContextSwitchTo(scratch);
	ok = fast_value(&fj, &top);
	MemoryContextSwitchTo(oldcxt);
	if (!ok)
		return NULL;
	fast_skip_space(&fj);
	if (fj.p != fj.end)
		return NULL;
	if (top.type != jbvObject && top.type != jbvArray)
	{
		/* a scalar alone: a one-element raw-scalar array, as jsonb_in does */
		JsonbValue *elem = MemoryContextAlloc(scratch ? scratch : oldcxt,
											  sizeof(JsonbValue));

		*elem = top;
		top.type = jbvArray;
		top.val.array.elems = elem;
		top.val.array.nElems = 1;
		top.val.array.rawScalar = true;
	}
	return JsonbValueToJsonb(&top);
}

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
	return ddb_json_parse_in(text, operation, NULL);
}

/*
 * The same, with the parser's working memory in scratch, reset at the end
 * and not deleted, so that the next page of a scan finds it allocated
 * (NULL: a context of its own).  The result is in CurrentMemoryContext.
 */
Jsonb *
ddb_json_parse_in(const char *text, const char *operation,
				  MemoryContext scratch)
{
	MemoryContext callercxt = CurrentMemoryContext;
	MemoryContext parsecxt;
	Jsonb	   *parsed = NULL;
	Jsonb	   *result;
	char	   *local;
	ErrorContextCallback errcallback;

	/*
	 * The parser's working tree takes several times the size of the text;
	 * keep only the finished jsonb.  The fast path builds it in the caller's
	 * context directly; jsonb_in's is copied there.
	 */
	parsecxt = scratch ? scratch :
		AllocSetContextCreate(callercxt, "dynastore_fdw parse",
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

	/* the fast path's result is the caller's already */
	MemoryContextSwitchTo(callercxt);
	result = ddb_jsonb_from_text(local, strlen(local), parsecxt);
	if (result != NULL)
	{
		if (scratch)
			MemoryContextReset(scratch);
		else
			MemoryContextDelete(parsecxt);
		return result;
	}
	MemoryContextSwitchTo(parsecxt);

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
		if (scratch)
			MemoryContextReset(scratch);
		else
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
	if (scratch)
		MemoryContextReset(scratch);
	else
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
