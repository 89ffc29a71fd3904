/*-------------------------------------------------------------------------
 *
 * dsu_harness.c
 *		The harness of the backend unit tests: cases run in subtransactions,
 *		result lines, and checks shared by the suites.
 *
 * dynastore_fdw_unit is a test-only module: it compiles the product's
 * sources that the tests need into itself and exports nothing but its SQL
 * functions (exports.txt), so that it can share a backend with the
 * product's own library without either binding to the other's symbols.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/xact.h"
#include "funcapi.h"
#include "nodes/value.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "ddb_json.h"
#include "dsu.h"

PG_MODULE_MAGIC;

static char *run_protected(DsuCaseFn fn, const void *arg);
static bool matches(const char *expected, const char *got);
static char *one_line(const char *s);
static void check_request_object(JsonbContainer *obj, StringInfo problems);

/* Set up the suite's result set: one text column, materialized. */
void
dsu_begin(DsuRun *run, FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	run->store = rsinfo->setResult;
	run->desc = rsinfo->setDesc;
	run->casecxt = AllocSetContextCreate(CurrentMemoryContext,
										 "dynastore_fdw_unit case",
										 ALLOCSET_DEFAULT_SIZES);
}

void
dsu_end(DsuRun *run)
{
	MemoryContextDelete(run->casecxt);
}

/*
 * Run one case and add its line.  expected "ERROR <sqlstate>" matches any
 * error of that SQLSTATE; anything else must equal the case's string.
 */
void
dsu_case(DsuRun *run, const char *name, const char *expected,
		 DsuCaseFn fn, const void *arg)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(run->casecxt);
	char	   *got = run_protected(fn, arg);
	char	   *line;
	Datum		value;
	bool		isnull = false;

	if (expected == NULL)
		expected = DSU_NULL;
	if (matches(expected, got))
		line = psprintf("ok %s", one_line(name));
	else
		line = psprintf("FAILED %s: expected %s got %s", one_line(name),
						one_line(expected), one_line(got));

	value = CStringGetTextDatum(line);
	tuplestore_putvalues(run->store, run->desc, &value, &isnull);

	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(run->casecxt);
}

/*
 * fn(arg) in a subtransaction, as PL/pgSQL runs a block with an EXCEPTION
 * clause: an error, whatever it left behind, is rolled back and reported
 * as the case's result.
 */
static char *
run_protected(DsuCaseFn fn, const void *arg)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	char	   *volatile result = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		result = fn(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		result = psprintf("ERROR %s: %s", unpack_sql_state(edata->sqlerrcode),
						  edata->message);
		FreeErrorData(edata);
	}
	PG_END_TRY();

	return result ? result : DSU_NULL;
}

static bool
matches(const char *expected, const char *got)
{
	size_t		len = strlen("ERROR 12345");

	if (strcmp(expected, got) == 0)
		return true;
	return strncmp(expected, "ERROR ", 6) == 0 && strlen(expected) == len &&
		strncmp(got, expected, len) == 0 && got[len] == ':';
}

/* A string on one line: control characters as \xNN, backslash doubled. */
static char *
one_line(const char *s)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (; *s; s++)
	{
		unsigned char c = (unsigned char) *s;

		if (c < 0x20 || c == 0x7f)
			appendStringInfo(&buf, "\\x%02x", c);
		else if (c == '\\')
			appendStringInfoString(&buf, "\\\\");
		else
			appendStringInfoChar(&buf, c);
	}
	return buf.data;
}

/* The case tables' JSON, with ' standing for ". */
char *
dsu_q(const char *s)
{
	char	   *result = pstrdup(s);

	for (char *p = result; *p; p++)
		if (*p == '\'')
			*p = '"';
	return result;
}

/*
 * An AttributeValue as the readers get it: a member of an item parsed by
 * ddb_json_parse, taken with ddb_json_get.
 */
JsonbValue *
dsu_av(const char *json)
{
	char	   *item = psprintf("{\"v\":%s}", dsu_q(json));

	return ddb_json_get(&ddb_json_parse(item, "a test")->root, "v");
}

Jsonb *
dsu_jsonb(const char *json)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
											  CStringGetDatum(dsu_q(json))));
}

/*
 * Check a request body as DynamoDB would, and for what the design asks:
 * it parses as JSON; its expressions hold nothing but placeholders,
 * keywords and operators (no name or value spliced in); every placeholder
 * used is defined, and every one defined is used (DynamoDB refuses unused
 * ones).  Returns the body, or what is wrong with it followed by the body.
 */
char *
dsu_request_check(const char *json)
{
	Jsonb	   *jb;
	JsonbValue *items;
	StringInfoData problems;

	jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
	if (!JB_ROOT_IS_OBJECT(jb))
		return psprintf("NOT AN OBJECT: %s", json);

	initStringInfo(&problems);
	check_request_object(&jb->root, &problems);

	/* BatchGetItem: the expressions are per table */
	items = ddb_json_get(&jb->root, "RequestItems");
	if (items && items->type == jbvBinary &&
		JsonContainerIsObject(items->val.binary.data))
	{
		JsonbIterator *it = JsonbIteratorInit(items->val.binary.data);
		JsonbIteratorToken tok;
		JsonbValue	v;

		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			if (tok == WJB_VALUE && v.type == jbvBinary &&
				JsonContainerIsObject(v.val.binary.data))
				check_request_object(v.val.binary.data, &problems);
	}

	if (problems.len > 0)
		return psprintf("BAD REQUEST (%s): %s", problems.data, json);
	return pstrdup(json);
}

static const char *const expression_members[] = {
	"KeyConditionExpression", "FilterExpression", "ProjectionExpression",
	"ConditionExpression", "UpdateExpression"
};

static const char *const expression_words[] = {
	"AND", "OR", "NOT", "BETWEEN", "begins_with", "attribute_exists",
	"attribute_not_exists", "attribute_type", "ADD", "SET", "REMOVE"
};

static void
add_problem(StringInfo problems, const char *fmt, const char *what)
{
	if (problems->len > 0)
		appendStringInfoString(problems, "; ");
	appendStringInfo(problems, fmt, what);
}

/* The placeholders an expression uses, checking its words on the way. */
static List *
expression_placeholders(const char *expr, StringInfo problems)
{
	List	   *used = NIL;
	const char *p = expr;

	while (*p)
	{
		const char *start = p;

		if (strchr(" ,()=<>", *p))
		{
			p++;
			continue;
		}
		if (*p == '#' || *p == ':' || isalpha((unsigned char) *p) || *p == '_')
		{
			char	   *word;

			p++;
			while (isalnum((unsigned char) *p) || *p == '_')
				p++;
			word = pnstrdup(start, p - start);
			if (word[0] == '#' || word[0] == ':')
			{
				if (word[1] == '\0')
					add_problem(problems, "empty placeholder in \"%s\"", expr);
				used = list_append_unique(used, makeString(word));
			}
			else
			{
				bool		known = false;

				for (int i = 0; i < lengthof(expression_words); i++)
					known |= strcmp(word, expression_words[i]) == 0;
				if (!known)
					add_problem(problems, "literal \"%s\" in an expression",
								word);
			}
			continue;
		}
		add_problem(problems, "unexpected character in \"%s\"", expr);
		break;
	}
	return used;
}

/* The keys of a member that is an object, as String nodes. */
static List *
object_keys(JsonbContainer *obj, const char *member, StringInfo problems)
{
	JsonbValue *v = ddb_json_get(obj, member);
	List	   *keys = NIL;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	k;

	if (v == NULL)
		return NIL;
	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
	{
		add_problem(problems, "%s is not an object", member);
		return NIL;
	}
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
		if (tok == WJB_KEY)
			keys = lappend(keys, makeString(pnstrdup(k.val.string.val,
													 k.val.string.len)));
	return keys;
}

static void
check_request_object(JsonbContainer *obj, StringInfo problems)
{
	List	   *names = object_keys(obj, "ExpressionAttributeNames", problems);
	List	   *values = object_keys(obj, "ExpressionAttributeValues", problems);
	List	   *used = NIL;
	ListCell   *lc;

	for (int i = 0; i < lengthof(expression_members); i++)
	{
		char	   *expr = ddb_json_get_string(obj, expression_members[i]);

		if (expr)
			used = list_concat_unique(used,
									  expression_placeholders(expr, problems));
	}

	foreach(lc, used)
	{
		char	   *p = strVal(lfirst(lc));

		if (!list_member(p[0] == '#' ? names : values, lfirst(lc)))
			add_problem(problems, "%s is used but not defined", p);
	}
	foreach(lc, list_concat(list_copy(names), values))
	{
		char	   *p = strVal(lfirst(lc));

		if (p[0] != (list_member_ptr(names, lfirst(lc)) ? '#' : ':'))
			add_problem(problems, "%s is defined under the wrong member", p);
		if (!list_member(used, lfirst(lc)))
			add_problem(problems, "%s is defined but not used", p);
	}
}

DsColumn *
find_column(TestTable *tt, const char *name)
{
	for (int i = 0; i < tt->ncolumns; i++)
		if (strcmp(tt->columns[i].colname, name) == 0)
			return &tt->columns[i];
	elog(ERROR, "the test table has no column \"%s\"", name);
	return NULL;
}
