/*-------------------------------------------------------------------------
 *
 * dsu_codec.c
 *		Unit tests of the read side of the attribute codec (attr_value.c):
 *		column roles, AttributeValue -> Datum for every tag and column
 *		type, the natural JSON of attributes, expiry, and fields.
 *
 * The columns are those of a real foreign table that the test SQL creates
 * (sql/unit_backend.sql), worked out by attr_table_columns, as a scan
 * does: their names, types and "attribute" options choose their roles.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "attr_value.h"
#include "dsu.h"

PG_FUNCTION_INFO_V1(dsu_run_codec_tests);


static const char *
role_name(DsColumnRole role)
{
	switch (role)
	{
		case DS_ROLE_ID:
			return "ID";
		case DS_ROLE_NAME:
			return "NAME";
		case DS_ROLE_VERSION:
			return "VERSION";
		case DS_ROLE_EXPIRES:
			return "EXPIRES";
		case DS_ROLE_VALUE:
			return "VALUE";
		case DS_ROLE_FIELDS:
			return "FIELDS";
		case DS_ROLE_ATTRIBUTE:
			return "ATTRIBUTE";
	}
	return "?";
}

static char *
role_text(const DsColumn *col)
{
	return psprintf("%s %s", role_name(col->role),
					col->attribute ? col->attribute : DSU_NULL);
}

/* ---- roles: what attr_column_init makes of each column ---- */

typedef struct RoleCase
{
	const char *column;
	const char *expected;		/* role and attribute */
} RoleCase;

static const RoleCase role_cases[] = {
	{"id", "ID id"},
	{"name", "NAME name"},
	{"version", "VERSION version"},
	{"expires", "EXPIRES expires"},
	{"value", "VALUE payload"},
	{"fields", "FIELDS " DSU_NULL},
	{"value_jsonb", "VALUE payload"},	/* attribute 'payload' */
	{"value_json", "VALUE payload"},
	{"value_bytea", "VALUE payload"},
	{"version_num", "VERSION version"},
	{"expires_secs", "EXPIRES expires"},
	{"expires_ts", "EXPIRES expires"},
	{"a_text", "ATTRIBUTE a_text"},
	{"a_renamed", "ATTRIBUTE created"},
	{"a_value", "ATTRIBUTE value"}, /* the attribute "value", not payload */
	{"a_fields", "ATTRIBUTE fields"},
};

static char *
role_case(const void *arg)
{
	return role_text((const DsColumn *) arg);
}

/* ---- types a role refuses, when the table is used ---- */

typedef struct TypeCase
{
	const char *column;			/* the column (name and options) */
	Oid			typid;			/* the type it is given instead of its own */
	const char *expected;
} TypeCase;

static const TypeCase type_cases[] = {
	{"id", INT8OID, "ERROR HV004"},
	{"name", VARCHAROID, "NAME name"},
	{"name", BYTEAOID, "ERROR HV004"},
	{"version", TEXTOID, "ERROR HV004"},
	{"version", INT4OID, "VERSION version"},
	{"version", NUMERICOID, "VERSION version"},
	{"expires", DATEOID, "ERROR HV004"},
	{"expires", TEXTOID, "ERROR HV004"},
	{"expires", TIMESTAMPOID, "EXPIRES expires"},
	{"expires", INT4OID, "EXPIRES expires"},
	{"value", INT8OID, "ERROR HV004"},
	{"value", JSONOID, "VALUE payload"},
	{"value", BPCHAROID, "VALUE payload"},
	{"fields", TEXTOID, "ERROR HV004"},
	{"fields", JSONOID, "FIELDS " DSU_NULL},
	{"a_text", POINTOID, "ATTRIBUTE a_text"},
};

typedef struct TypeArg
{
	TestTable  *tt;
	const TypeCase *c;
} TypeArg;

static char *
type_case(const void *arg)
{
	const TypeArg *a = arg;
	DsColumn   *like = find_column(a->tt, a->c->column);
	DsColumn	col;

	attr_column_init(&col, a->tt->relid, like->attnum, like->colname,
					 a->c->typid, -1);
	return role_text(&col);
}

/* ---- attr_to_datum: every tag into every type, per role ---- */

typedef struct ReadCase
{
	const char *column;
	const char *av;				/* the AttributeValue; NULL: absent */
	const char *expected;		/* the column type's output, or an error */
} ReadCase;

/* one AttributeValue of each document and set tag */
#define AV_M	"{'M':{'b':{'N':'1'},'a':{'S':'x'}}}"
#define AV_L	"{'L':[{'S':'x'},{'N':'1'},{'BOOL':false}]}"
#define AV_SS	"{'SS':['b','a']}"
#define AV_NS	"{'NS':['2.5','1']}"
#define AV_BS	"{'BS':['aGk=']}"
#define AV_BOOL "{'BOOL':true}"
#define AV_NULL "{'NULL':true}"

static const ReadCase read_cases[] = {
	/* the key, version and expiry */
	{"id", "{'S':'customers'}", "customers"},
	{"id", "{'N':'5'}", "5"},
	{"id", "{'B':'cA=='}", "p"},
	{"id", AV_BOOL, "true"},
	{"id", AV_NULL, DSU_NULL},
	{"id", AV_M, "{'a':'x','b':1}"},
	{"id", AV_SS, "['b','a']"},
	{"name", "{'S':'a/b/'}", "a/b/"},
	{"name", "{'S':'caf\\u00e9 ✓'}", "café ✓"},
	{"name", NULL, DSU_NULL},
	{"version", "{'N':'7'}", "7"},
	{"version", "{'S':'7'}", "ERROR HV004"},	/* only N conditions a write */
	{"version", "{'N':'1.5'}", "ERROR 22P02"},
	{"version", NULL, DSU_NULL},
	{"version", "{'B':'Nw=='}", "ERROR HV004"},
	{"version", AV_BOOL, "ERROR HV004"},
	{"version", AV_NULL, DSU_NULL},
	{"version", AV_M, "ERROR HV004"},
	{"version", AV_NS, "ERROR HV004"},
	{"version_num", "{'N':'7'}", "7"},
	{"version_num", "{'N':'7.0'}", "7.0"},
	{"expires", "{'N':'1704067200'}", "2024-01-01 00:00:00+00"},
	{"expires", "{'N':'1704067200.25'}", "2024-01-01 00:00:00.25+00"},
	{"expires", "{'N':'-1'}", "1969-12-31 23:59:59+00"},
	{"expires", "{'S':'2024-01-01T00:00:00Z'}", "2024-01-01 00:00:00+00"},
	{"expires", "{'N':'1704067200.000001'}", "2024-01-01 00:00:00.000001+00"},
	{"expires", "{'N':'1.7040672E+9'}", "2024-01-01 00:00:00+00"},
	{"expires", NULL, DSU_NULL},
	{"expires", AV_NULL, DSU_NULL},
	{"expires", AV_BOOL, "ERROR 22007"},
	{"expires", AV_L, "ERROR 22007"},
	{"expires", AV_NS, "ERROR 22007"},
	{"expires_secs", "{'N':'1704067200'}", "1704067200"},
	{"expires_secs", "{'S':'1704067200'}", "1704067200"},
	{"expires_secs", AV_BOOL, "ERROR 22P02"},
	{"expires_ts", "{'N':'1704067200'}", "2024-01-01 00:00:00"},

	/* the payload as text: S as is, B raw bytes that must be valid text */
	{"value", "{'S':'hello'}", "hello"},
	{"value", "{'S':''}", ""},
	{"value", "{'S':'line\\nnext \\u00e9'}", "line\nnext é"},
	{"value", AV_NULL, DSU_NULL},
	{"value", NULL, DSU_NULL},
	{"value", "{'N':'42'}", "42"},
	{"value", "{'B':'aGk='}", "hi"},
	{"value", "{'B':'w6k='}", "é"},
	{"value", "{'B':'/w=='}", "ERROR 22021"},	/* 0xff */
	{"value", "{'B':'wyg='}", "ERROR 22021"},	/* 0xc3 0x28 */
	{"value", "{'B':'AGE='}", "ERROR 22P05"},	/* a zero byte */
	{"value", AV_BOOL, "true"},
	{"value", "{'M':{'a':{'S':'x'}}}", "{'a':'x'}"},
	{"value", "{'L':[{'S':'x'}]}", "['x']"},
	{"value", AV_SS, "['b','a']"},
	{"value", AV_NS, "[2.5,1]"},
	{"value", AV_BS, "['aGk=']"},

	/* the payload as jsonb: S (or B) is JSON text; others their JSON */
	{"value_jsonb", "{'S':'{\\'b\\': [1, 2], \\'a\\': null}'}",
	"{'a': null, 'b': [1, 2]}"},
	{"value_jsonb", "{'S':'\\'str\\''}", "'str'"},
	{"value_jsonb", "{'S':'42'}", "42"},
	{"value_jsonb", "{'S':'not json'}", "ERROR 22P02"},
	{"value_jsonb", "{'S':''}", "ERROR 22P02"},
	{"value_jsonb", "{'B':'eyJhIjoxfQ=='}", "{'a': 1}"},
	{"value_jsonb", "{'B':'/w=='}", "ERROR 22021"},
	{"value_jsonb", "{'B':'eyJhIjoxfQB4eA=='}", "ERROR 22P05"},	/* a zero byte */
	{"value_json", "{'B':'eyJhIjoxfQB4eA=='}", "ERROR 22P05"},
	{"value_jsonb", "{'M':{'a':{'N':'1'}}}", "{'a': 1}"},
	{"value_jsonb", "{'L':[{'N':'1'},{'S':'x'}]}", "[1, 'x']"},
	{"value_jsonb", "{'N':'1.50'}", "1.50"},
	{"value_jsonb", "{'BOOL':false}", "false"},
	{"value_jsonb", AV_NULL, DSU_NULL},
	{"value_jsonb", AV_SS, "['b', 'a']"},
	{"value_jsonb", AV_NS, "[2.5, 1]"},
	{"value_jsonb", AV_BS, "['aGk=']"},
	{"value_json", "{'S':'{\\'b\\':1,  \\'a\\':2}'}", "{'b':1,  'a':2}"},

	/* the payload as bytea: S standard padded base64, B raw */
	{"value_bytea", "{'S':'aGk='}", "\\x6869"},
	{"value_bytea", "{'S':'aGVsbG8='}", "\\x68656c6c6f"},
	{"value_bytea", "{'S':'YQ=='}", "\\x61"},
	{"value_bytea", "{'S':'AP8='}", "\\x00ff"},
	{"value_bytea", "{'S':''}", "\\x"},
	{"value_bytea", "{'S':'aGk'}", "ERROR 22P03"},	/* unpadded */
	{"value_bytea", "{'S':'aG*='}", "ERROR 22P03"},
	{"value_bytea", "{'S':'aGk= '}", "ERROR 22P03"},
	{"value_bytea", "{'B':'AP8='}", "\\x00ff"},
	{"value_bytea", "{'B':'aGk'}", "ERROR 22P03"},
	{"value_bytea", AV_NULL, DSU_NULL},
	{"value_bytea", "{'N':'1'}", "ERROR HV004"},
	{"value_bytea", AV_BOOL, "ERROR HV004"},
	{"value_bytea", AV_M, "ERROR HV004"},
	{"value_bytea", AV_L, "ERROR HV004"},
	{"value_bytea", AV_SS, "ERROR HV004"},
	{"value_bytea", AV_NS, "ERROR HV004"},
	{"value_bytea", AV_BS, "ERROR HV004"},

	/* what is not an AttributeValue: DynamoDB never sends it */
	{"value", "{'S':'x','N':'1'}", "ERROR HV00K"},
	{"value", "'x'", "ERROR HV00K"},
	{"value", "{}", "ERROR HV00K"},
	{"value", "{'STRING':'x'}", "ERROR HV00K"},
	{"value", "{'S':5}", "ERROR HV00K"},
	{"value", "{'NULL':false}", "ERROR HV00K"},
	{"a_text", "{'BOOL':'yes'}", "ERROR HV00K"},
	{"a_text", "{'N':'1,\\\"injected\\\":true'}", "ERROR HV00K"},

	/* any other attribute, by the column's type */
	{"a_text", "{'S':'hello'}", "hello"},
	{"a_text", "{'N':'42'}", "42"},
	{"a_text", "{'B':'aGk='}", "hi"},
	{"a_text", AV_BOOL, "true"},
	{"a_text", AV_NULL, DSU_NULL},
	{"a_text", AV_M, "{'a':'x','b':1}"},
	{"a_text", AV_L, "['x',1,false]"},
	{"a_text", AV_SS, "['b','a']"},
	{"a_text", AV_NS, "[2.5,1]"},
	{"a_text", AV_BS, "['aGk=']"},
	{"a_varchar", "{'S':'abc'}", "abc"},
	{"a_varchar", "{'S':'abcd'}", "ERROR 22001"},

	{"a_jsonb", "{'S':'hello'}", "'hello'"},
	{"a_jsonb", "{'S':'[1]'}", "'[1]'"},	/* only the payload is parsed */
	{"a_jsonb", "{'N':'42'}", "42"},
	{"a_jsonb", "{'B':'aGk='}", "'aGk='"},
	{"a_jsonb", AV_BOOL, "true"},
	{"a_jsonb", AV_NULL, DSU_NULL},
	{"a_jsonb", AV_M, "{'a': 'x', 'b': 1}"},
	{"a_jsonb", AV_L, "['x', 1, false]"},
	{"a_jsonb", AV_SS, "['b', 'a']"},
	{"a_jsonb", AV_NS, "[2.5, 1]"},
	{"a_jsonb", AV_BS, "['aGk=']"},

	{"a_bytea", "{'S':'aGk='}", "\\x6869"},
	{"a_bytea", "{'N':'42'}", "ERROR HV004"},
	{"a_bytea", "{'B':'aGk='}", "\\x6869"},
	{"a_bytea", AV_BOOL, "ERROR HV004"},
	{"a_bytea", AV_NULL, DSU_NULL},
	{"a_bytea", AV_M, "ERROR HV004"},
	{"a_bytea", AV_L, "ERROR HV004"},
	{"a_bytea", AV_SS, "ERROR HV004"},
	{"a_bytea", AV_NS, "ERROR HV004"},
	{"a_bytea", AV_BS, "ERROR HV004"},

	{"a_bigint", "{'S':'42'}", "42"},
	{"a_bigint", "{'S':'x'}", "ERROR 22P02"},
	{"a_bigint", "{'N':'42'}", "42"},
	{"a_bigint", "{'N':'-9223372036854775808'}", "-9223372036854775808"},
	{"a_bigint", "{'N':'9223372036854775808'}", "ERROR 22003"},
	{"a_bigint", "{'N':'1.5'}", "ERROR 22P02"},
	{"a_bigint", "{'B':'NDI='}", "42"},
	{"a_bigint", AV_BOOL, "ERROR 22P02"},
	{"a_bigint", AV_NULL, DSU_NULL},
	{"a_bigint", AV_M, "ERROR 22P02"},
	{"a_bigint", AV_L, "ERROR 22P02"},
	{"a_bigint", AV_SS, "ERROR 22P02"},
	{"a_bigint", AV_NS, "ERROR 22P02"},
	{"a_bigint", AV_BS, "ERROR 22P02"},

	{"a_numeric", "{'S':'1.50'}", "1.50"},
	{"a_numeric", "{'N':'-0.001'}", "-0.001"},
	{"a_numeric", "{'N':'1E+2'}", "100"},
	{"a_numeric", "{'N':'12345678901234567890123456789012345678'}",
	"12345678901234567890123456789012345678"},
	{"a_numeric", "{'B':'MS41'}", "1.5"},
	{"a_numeric", AV_BOOL, "ERROR 22P02"},
	{"a_numeric", AV_NULL, DSU_NULL},
	{"a_numeric", AV_M, "ERROR 22P02"},
	{"a_numeric", AV_L, "ERROR 22P02"},
	{"a_numeric", AV_SS, "ERROR 22P02"},
	{"a_numeric", AV_NS, "ERROR 22P02"},
	{"a_numeric", AV_BS, "ERROR 22P02"},

	{"a_boolean", "{'S':'true'}", "t"},
	{"a_boolean", "{'N':'1'}", "t"},
	{"a_boolean", "{'N':'0'}", "f"},
	{"a_boolean", "{'N':'2'}", "ERROR 22P02"},
	{"a_boolean", "{'B':'dHJ1ZQ=='}", "t"},
	{"a_boolean", AV_BOOL, "t"},
	{"a_boolean", "{'BOOL':false}", "f"},
	{"a_boolean", AV_NULL, DSU_NULL},
	{"a_boolean", AV_M, "ERROR 22P02"},
	{"a_boolean", AV_L, "ERROR 22P02"},
	{"a_boolean", AV_SS, "ERROR 22P02"},
	{"a_boolean", AV_NS, "ERROR 22P02"},
	{"a_boolean", AV_BS, "ERROR 22P02"},

	{"a_timestamptz", "{'S':'2024-01-02T03:04:05.5Z'}",
	"2024-01-02 03:04:05.5+00"},
	{"a_timestamptz", "{'N':'1704067200'}", "2024-01-01 00:00:00+00"},
	{"a_timestamptz", "{'N':'-1.5'}", "1969-12-31 23:59:58.5+00"},
	{"a_timestamptz", "{'N':'abc'}", "ERROR HV00K"},
	{"a_timestamptz", "{'N':'1e20'}", "ERROR 22008"},
	{"a_timestamptz", "{'B':'MjAyNC0wMS0wMg=='}", "2024-01-02 00:00:00+00"},
	{"a_timestamptz", AV_BOOL, "ERROR 22007"},
	{"a_timestamptz", AV_NULL, DSU_NULL},
	{"a_timestamptz", AV_M, "ERROR 22007"},
	{"a_timestamptz", AV_L, "ERROR 22007"},
	{"a_timestamptz", AV_SS, "ERROR 22007"},
	{"a_timestamptz", AV_NS, "ERROR 22007"},
	{"a_timestamptz", AV_BS, "ERROR 22007"},

	{"a_date", "{'S':'2024-01-02'}", "2024-01-02"},
	{"a_date", "{'S':'2024-01-02T03:04:05Z'}", "2024-01-02"},
	{"a_date", "{'N':'1704067200'}", "ERROR 22008"},
	{"a_date", "{'B':'MjAyNC0wMS0wMg=='}", "2024-01-02"},
	{"a_date", AV_BOOL, "ERROR 22007"},
	{"a_date", AV_NULL, DSU_NULL},
	{"a_date", AV_M, "ERROR 22007"},
	{"a_date", AV_L, "ERROR 22007"},
	{"a_date", AV_SS, "ERROR 22007"},
	{"a_date", AV_NS, "ERROR 22007"},
	{"a_date", AV_BS, "ERROR 22007"},
};

typedef struct ReadArg
{
	DsColumn   *col;
	const char *av;
} ReadArg;

static char *
read_case(const void *arg)
{
	const ReadArg *a = arg;
	bool		isnull;
	Datum		d;

	d = attr_to_datum(a->col, a->av ? dsu_av(a->av) : NULL, &isnull);
	if (isnull)
		return DSU_NULL;
	return OutputFunctionCall(&a->col->outfunc, d);
}

/* ---- attr_append_json: the natural JSON of an attribute ---- */

typedef struct JsonCase
{
	const char *av;
	const char *expected;
} JsonCase;

static const JsonCase json_cases[] = {
	{"{'S':'x'}", "'x'"},
	{"{'S':'a\\'b\\\\c\\n\\u0001\\u00e9'}", "'a\\'b\\\\c\\n\\u0001é'"},
	{"{'N':'-1.5e3'}", "-1.5e3"},
	{"{'B':'aGk='}", "'aGk='"},
	{"{'BOOL':true}", "true"},
	{"{'BOOL':false}", "false"},
	{"{'NULL':true}", "null"},
	{"{'M':{}}", "{}"},
	{"{'L':[]}", "[]"},
	{"{'M':{'b':{'L':[{'N':'1'},{'M':{'c':{'NULL':true}}}]},'a':{'BS':['AA==']}}}",
	"{'a':['AA=='],'b':[1,{'c':null}]}"},
	{"{'L':[{'L':[{'L':[]}]},{'SS':['x']},{'M':{'k':{'BOOL':false}}}]}",
	"[[[]],['x'],{'k':false}]"},
	{"{'M':{'q\\'k':{'S':'v'},'\\u00fc':{'N':'0'}}}", "{'ü':0,'q\\'k':'v'}"},
	{"{'SS':['b','a']}", "['b','a']"},
	{"{'NS':['1','2.5','-3E+2']}", "[1,2.5,-3E+2]"},
	{"{'BS':['aGk=','AA==']}", "['aGk=','AA==']"},
	/* numbers as JSON writes them */
	{"{'N':'+5'}", "5"},
	{"{'N':'.5'}", "0.5"},
	{"{'N':'007'}", "7"},
	{"{'N':'5.'}", "5"},
	/* what is not an AttributeValue is an error, never a wrong value */
	{"{'S':'x','N':'1'}", "ERROR HV00K"},
	{"{}", "ERROR HV00K"},
	{"'x'", "ERROR HV00K"},
	{"{'S':5}", "ERROR HV00K"},
	{"{'N':5}", "ERROR HV00K"},
	{"{'N':'1,\\\"injected\\\":true'}", "ERROR HV00K"},
	{"{'N':'1e'}", "ERROR HV00K"},
	{"{'BOOL':'yes'}", "ERROR HV00K"},
	{"{'NULL':false}", "ERROR HV00K"},
	{"{'M':'x'}", "ERROR HV00K"},
	{"{'L':[{'S':'x'},7]}", "ERROR HV00K"},
	{"{'SS':[1]}", "ERROR HV00K"},
	{"{'NS':['x']}", "ERROR HV00K"},
	{"{'X':'x'}", "ERROR HV00K"},
};

static char *
json_case(const void *arg)
{
	StringInfoData buf;

	initStringInfo(&buf);
	attr_append_json(&buf, dsu_av((const char *) arg));
	return buf.data;
}

/* ---- attr_is_expired: dynastore's rule, at the boundary ---- */

typedef struct ExpiredCase
{
	const char *av;				/* "expires", NULL: absent */
	int64		now;
	const char *expected;
} ExpiredCase;

#define NOW 1700000000

static const ExpiredCase expired_cases[] = {
	{NULL, NOW, "live"},
	{"{'N':'1700000000'}", NOW, "live"},	/* expires == now: not earlier */
	{"{'N':'1699999999'}", NOW, "expired"},
	{"{'N':'1700000001'}", NOW, "live"},
	{"{'N':'1700000000.5'}", NOW, "live"},
	{"{'N':'1699999999.5'}", NOW, "expired"},
	{"{'N':'1.5'}", NOW, "expired"},
	{"{'N':'1.5'}", 1, "live"},
	{"{'N':'1.5'}", 2, "expired"},
	{"{'N':'1.7E+9'}", NOW, "live"},	/* 1700000000: now */
	{"{'N':'-1'}", NOW, "expired"},
	/* N that is not a number: not what DynamoDB sends */
	{"{'N':'abc'}", NOW, "ERROR HV00K"},
	{"{'N':''}", NOW, "ERROR HV00K"},
	{"{'N':'1800000000x'}", NOW, "ERROR HV00K"},
	{"{'N':1800000000}", NOW, "ERROR HV00K"},	/* a JSON number, not text */
	{"{'S':'1800000000'}", NOW, "expired"},
	{"{'NULL':true}", NOW, "expired"},
	{"{'BOOL':true}", NOW, "expired"},
	{"{'M':{}}", NOW, "expired"},
};

static char *
expired_case(const void *arg)
{
	const ExpiredCase *c = arg;

	return pstrdup(attr_is_expired(c->av ? dsu_av(c->av) : NULL, c->now) ?
				   "expired" : "live");
}

/* ---- attr_fields_datum: the attributes no column claims ---- */

typedef struct FieldsCase
{
	const char *item;
	const char *expected;
} FieldsCase;

static const FieldsCase fields_cases[] = {
	/* the record's own, and created, a_text, value, fields: columns' */
	{"{'id':{'S':'p'},'name':{'S':'k'},'version':{'N':'1'},"
		"'expires':{'N':'1'},'payload':{'S':'v'},'created':{'S':'2024'},"
		"'a_text':{'S':'t'},'value':{'S':'claimed'},'fields':{'S':'f'},"
		"'pk1':{'S':'x'},'n2':{'N':'5'},'m':{'M':{'k':{'L':[{'NULL':true}]}}},"
	"'bs':{'BS':['AA==']}}",
	"{'m': {'k': [null]}, 'bs': ['AA=='], 'n2': 5, 'pk1': 'x'}"},
	{"{'id':{'S':'p'},'name':{'S':'k'},'payload':{'NULL':true}}", "{}"},
	{"{}", "{}"},
	{"{'we\\'ird\\\\':{'S':'v'},'\\u00e9t\\u00e9':{'S':'\\u0001'}}",
	"{'été': '\\u0001', 'we\\'ird\\\\': 'v'}"},
	{"{'x':{'S':'a','N':'1'}}", "ERROR HV00K"},
	{"{'x':{'N':'1,\\\"injected\\\":true'}}", "ERROR HV00K"},
};

typedef struct FieldsArg
{
	DsColumn   *col;
	const char **claimed;
	int			nclaimed;
	const char *item;
} FieldsArg;

static char *
fields_case(const void *arg)
{
	const FieldsArg *a = arg;
	Jsonb	   *item = dsu_jsonb(a->item);
	Datum		d;

	d = attr_fields_datum(a->col, &item->root, a->claimed, a->nclaimed);
	return OutputFunctionCall(&a->col->outfunc, d);
}

/* ---- attr_equal: whether a write was applied ---- */

typedef struct EqualCase
{
	const char *a;
	const char *b;
	const char *expected;
} EqualCase;

static const EqualCase equal_cases[] = {
	{"{'S':'a'}", "{'S':'a'}", "equal"},
	{"{'S':'a'}", "{'S':'b'}", "different"},
	{"{'S':'1'}", "{'N':'1'}", "different"},
	{"{'N':'1.50'}", "{'N':'1.5'}", "equal"},	/* DynamoDB normalizes */
	{"{'N':'100'}", "{'N':'1E+2'}", "equal"},
	{"{'N':'1'}", "{'N':'2'}", "different"},
	{"{'BOOL':true}", "{'BOOL':true}", "equal"},
	{"{'BOOL':true}", "{'BOOL':false}", "different"},
	{"{'NULL':true}", "{'NULL':true}", "equal"},
	{"{'B':'aGk='}", "{'B':'aGk='}", "equal"},
	{"{'M':{'a':{'N':'1.0'},'b':{'S':'x'}}}",
	"{'M':{'b':{'S':'x'},'a':{'N':'1'}}}", "equal"},
	{"{'M':{'a':{'N':'1'}}}", "{'M':{'a':{'N':'1'},'b':{'S':'x'}}}",
	"different"},
	{"{'M':{'a':{'N':'1'}}}", "{'M':{'b':{'N':'1'}}}", "different"},
	{"{'L':[{'N':'1.0'},{'M':{'c':{'N':'2.00'}}}]}",
	"{'L':[{'N':'1'},{'M':{'c':{'N':'2'}}}]}", "equal"},
	{"{'L':[{'N':'1'},{'N':'2'}]}", "{'L':[{'N':'2'},{'N':'1'}]}",
	"different"},
	{"{'L':[{'N':'1'}]}", "{'L':[{'N':'1'},{'N':'1'}]}", "different"},
	{"{'SS':['a','b']}", "{'SS':['a','b']}", "equal"},
	{"{'S':'a'}", "{'S':'a','N':'1'}", "ERROR HV00K"},
};

static char *
equal_case(const void *arg)
{
	const EqualCase *c = arg;

	return pstrdup(attr_equal(dsu_av(c->a), dsu_av(c->b)) ?
				   "equal" : "different");
}

/*
 * dsu_run_codec_tests(regclass): the cases over the given foreign table
 * (sql/unit_backend.sql makes it).
 */
Datum
dsu_run_codec_tests(PG_FUNCTION_ARGS)
{
	DsuRun		run;
	TestTable	tt;
	Relation	rel;
	const char **claimed;
	int			nclaimed;

	tt.relid = PG_GETARG_OID(0);
	rel = table_open(tt.relid, AccessShareLock);
	tt.columns = attr_table_columns(rel, &tt.ncolumns);
	table_close(rel, AccessShareLock);
	claimed = attr_claimed_names(tt.columns, tt.ncolumns, &nclaimed);

	dsu_begin(&run, fcinfo);

	for (int i = 0; i < lengthof(role_cases); i++)
		dsu_case(&run, psprintf("role of column %s", role_cases[i].column),
				 role_cases[i].expected, role_case,
				 find_column(&tt, role_cases[i].column));

	for (int i = 0; i < lengthof(type_cases); i++)
	{
		TypeArg		a = {&tt, &type_cases[i]};

		dsu_case(&run, psprintf("role of column %s as %s",
								type_cases[i].column,
								format_type_be(type_cases[i].typid)),
				 type_cases[i].expected, type_case, &a);
	}

	for (int i = 0; i < lengthof(read_cases); i++)
	{
		const ReadCase *c = &read_cases[i];
		ReadArg		a = {find_column(&tt, c->column), c->av};

		dsu_case(&run, psprintf("read %s %s", c->column,
								c->av ? dsu_q(c->av) : "absent"),
				 dsu_q(c->expected), read_case, &a);
	}

	for (int i = 0; i < lengthof(json_cases); i++)
		dsu_case(&run, psprintf("json of %s", dsu_q(json_cases[i].av)),
				 dsu_q(json_cases[i].expected), json_case, json_cases[i].av);

	for (int i = 0; i < lengthof(expired_cases); i++)
	{
		const ExpiredCase *c = &expired_cases[i];

		dsu_case(&run, psprintf("expired %s at " INT64_FORMAT,
								c->av ? dsu_q(c->av) : "absent", c->now),
				 c->expected, expired_case, c);
	}

	for (int i = 0; i < lengthof(fields_cases); i++)
	{
		FieldsArg	a = {find_column(&tt, "fields"), claimed, nclaimed,
		fields_cases[i].item};

		dsu_case(&run, psprintf("fields of %s", dsu_q(fields_cases[i].item)),
				 dsu_q(fields_cases[i].expected), fields_case, &a);
	}

	for (int i = 0; i < lengthof(equal_cases); i++)
		dsu_case(&run, psprintf("equal %s %s", dsu_q(equal_cases[i].a),
								dsu_q(equal_cases[i].b)),
				 equal_cases[i].expected, equal_case, &equal_cases[i]);

	dsu_end(&run);
	return (Datum) 0;
}
