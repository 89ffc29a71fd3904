/*-------------------------------------------------------------------------
 *
 * dsu_write.c
 *		Unit tests of the write side: Datum -> AttributeValue
 *		(attr_value.c) and the JSON of each write (ddb_write.c).
 *
 * Values are given as SQL text and go through the column's input function;
 * the columns are those of the test table, as in dsu_codec.c.  Every write
 * body is checked by dsu_request_check (it parses, and its expressions use
 * placeholders for every name and value) before it is compared.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "utils/builtins.h"

#include "attr_value.h"
#include "ddb_write.h"
#include "dsu.h"

PG_FUNCTION_INFO_V1(dsu_run_write_tests);


static Datum
input(DsColumn *col, const char *text)
{
	return InputFunctionCall(&col->infunc, (char *) text, col->ioparam,
							 col->typmod);
}

static char *
attr_text(DdbAttr *attr)
{
	return psprintf("%s %s size %zu", attr->name,
					attr->value ? attr->value : "<remove>", attr->size);
}

/* ---- attr_from_datum: the attribute a column writes ---- */

typedef struct FromCase
{
	const char *column;
	const char *value;			/* SQL text; NULL: SQL NULL */
	const char *expected;		/* name, AttributeValue and size */
} FromCase;

static const FromCase from_cases[] = {
	/* the payload: S, an empty value as NULL */
	{"value", "hello", "payload {'S':'hello'} size 12"},
	{"value", "", "payload {'NULL':true} size 8"},
	{"value", NULL, "payload {'NULL':true} size 8"},
	{"value", "naïve ✓", "payload {'S':'naïve ✓'} size 17"},
	{"value", "a\"b\\c\n\001", "payload {'S':'a\\'b\\\\c\\n\\u0001'} size 14"},
	{"value_jsonb", "{\"b\": 1, \"a\": [true, null]}",
	"payload {'S':'{\\'a\\': [true, null], \\'b\\': 1}'} size 34"},
	{"value_jsonb", "\"str\"", "payload {'S':'\\'str\\''} size 12"},
	{"value_jsonb", "\"\"", "payload {'S':'\\'\\''} size 9"},
	{"value_json", "{\"b\":1,  \"a\":2}",
	"payload {'S':'{\\'b\\':1,  \\'a\\':2}'} size 22"},
	{"value_bytea", "\\x6869", "payload {'S':'aGk='} size 11"},
	{"value_bytea", "\\x00ff", "payload {'S':'AP8='} size 11"},
	{"value_bytea", "\\x", "payload {'NULL':true} size 8"},
	{"value_bytea", NULL, "payload {'NULL':true} size 8"},

	/* expires: N epoch seconds, rounded down */
	{"expires", "2024-01-01 00:00:00+00", "expires {'N':'1704067200'} size 13"},
	{"expires", "2024-01-01 00:00:00.9+00",
	"expires {'N':'1704067200'} size 13"},
	{"expires", "2024-01-01 02:00:00+02", "expires {'N':'1704067200'} size 13"},
	{"expires", "1970-01-01 00:00:00+00", "expires {'N':'0'} size 9"},
	{"expires", "1969-12-31 23:59:59.5+00", "expires {'N':'-1'} size 9"},
	{"expires", "infinity", "ERROR 22008"},
	{"expires", "-infinity", "ERROR 22008"},
	{"expires", NULL, "expires <remove> size 7"},
	{"expires_secs", "1704067200", "expires {'N':'1704067200'} size 13"},
	{"expires_ts", "2024-01-01 00:00:00.5", "expires {'N':'1704067200'} size 13"},
	{"expires_ts", "infinity", "ERROR 22008"},

	/* other columns: their natural type */
	{"a_text", "x", "a_text {'S':'x'} size 7"},
	{"a_text", NULL, "a_text <remove> size 6"},
	{"a_renamed", "v", "created {'S':'v'} size 8"},
	{"a_varchar", "abc", "a_varchar {'S':'abc'} size 12"},
	{"a_boolean", "true", "a_boolean {'BOOL':true} size 10"},
	{"a_boolean", "false", "a_boolean {'BOOL':false} size 10"},
	{"a_bigint", "-42", "a_bigint {'N':'-42'} size 10"},
	{"a_bigint", "9223372036854775807",
	"a_bigint {'N':'9223372036854775807'} size 19"},
	{"a_numeric", "1.50", "a_numeric {'N':'1.50'} size 12"},
	{"a_numeric", "NaN", "ERROR 22003"},
	{"a_numeric", "Infinity", "ERROR 22003"},
	{"a_timestamptz", "2024-01-02 03:04:05.5+00",
	"a_timestamptz {'S':'2024-01-02T03:04:05.5Z'} size 35"},
	{"a_timestamptz", "2024-01-02 03:04:05+02",
	"a_timestamptz {'S':'2024-01-02T01:04:05Z'} size 33"},
	{"a_timestamptz", "2024-01-02 03:04:05.000001+00",
	"a_timestamptz {'S':'2024-01-02T03:04:05.000001Z'} size 40"},
	{"a_timestamptz", "infinity", "ERROR 22008"},
	{"a_timestamptz", "0044-03-15 00:00:00+00 BC", "ERROR 22008"},
	{"a_date", "2024-01-02", "a_date {'S':'2024-01-02'} size 16"},
	{"a_date", "0044-03-15 BC", "ERROR 22008"},
	{"a_date", "10000-01-01", "ERROR 22008"},
	{"a_date", "infinity", "ERROR 22008"},
	{"a_bytea", "\\x6869", "a_bytea {'S':'aGk='} size 11"},
	{"a_jsonb", "{\"a\": [1, \"x\", null, true, {\"b\": false}]}",
		"a_jsonb {'M':{'a':{'L':[{'N':'1'},{'S':'x'},{'NULL':true},"
	"{'BOOL':true},{'M':{'b':{'BOOL':false}}}]}}} size 31"},
	{"a_jsonb", "{\"q\\\"k\": \"v\", \"é\": []}",
	"a_jsonb {'M':{'é':{'L':[]},'q\\'k':{'S':'v'}}} size 21"},
	{"a_jsonb", "\"s\"", "a_jsonb {'S':'s'} size 8"},
	{"a_jsonb", "12.5", "a_jsonb {'N':'12.5'} size 10"},
	{"a_jsonb", "null", "a_jsonb {'NULL':true} size 8"},
};

typedef struct FromArg
{
	DsColumn   *col;
	const char *value;
} FromArg;

static char *
from_case(const void *arg)
{
	const FromArg *a = arg;
	Datum		d = a->value ? input(a->col, a->value) : (Datum) 0;

	return attr_text(attr_from_datum(a->col, d, a->value == NULL));
}

/* ---- keys and versions ---- */

static char *
key_text_case(const void *arg)
{
	const FromArg *a = arg;

	return attr_key_text(a->col, input(a->col, a->value));
}

static char *
version_case(const void *arg)
{
	const FromArg *a = arg;

	return psprintf(INT64_FORMAT,
					attr_version_value(a->col, input(a->col, a->value)));
}

/* ---- attr_fields_from_datum: the fields object of a write ---- */

typedef struct FieldsCase
{
	const char *value;			/* the new fields; NULL: SQL NULL */
	const char *old;			/* the fields as read; NULL: a new record */
	const char *expected;
} FieldsCase;

static const FieldsCase fields_cases[] = {
	{"{'pk1': 'x', 'created': '2024'}", NULL,
	"set pk1={'S':'x'} created={'S':'2024'}; remove; size 15"},
	{"{}", NULL, "set; remove; size 0"},
	{"{'we\\'ird': '\\u00e9'}", NULL, "set we'ird={'S':'é'}; remove; size 8"},
	{"[1]", NULL, "ERROR 22023"},
	{"'s'", NULL, "ERROR 22023"},
	{"{'a': 1}", NULL, "ERROR 22023"},
	{"{'a': {'b': 'c'}}", NULL, "ERROR 22023"},
	/* an UPDATE writes what changed and removes what is gone */
	{"{'a': 1, 'b': 'y'}", "{'a': 1, 'b': 'x'}",
	"set b={'S':'y'}; remove; size 5"},
	{"{'b': 'x'}", "{'a': '1', 'b': 'x'}", "set; remove a; size 2"},
	{NULL, "{'a': '1', 'b': 'x'}", "set; remove a b; size 0"},
	{"{'a': 2}", "{'a': 1}", "ERROR 22023"},
	{"{'a': '1'}", "{'a': 1}", "set a={'S':'1'}; remove; size 2"},
};

typedef struct FieldsArg
{
	DsColumn   *col;
	const FieldsCase *c;
} FieldsArg;

static char *
fields_case(const void *arg)
{
	const FieldsArg *a = arg;
	Datum		d = a->c->value ?
		input(a->col, dsu_q(a->c->value)) : (Datum) 0;
	Jsonb	   *old = a->c->old ? dsu_jsonb(a->c->old) : NULL;
	List	   *removed;
	size_t		size;
	List	   *set;
	StringInfoData buf;
	ListCell   *lc;

	set = attr_fields_from_datum(a->col, d, a->c->value == NULL, old,
								 &removed, &size);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "set");
	foreach(lc, set)
	{
		DdbAttr    *attr = lfirst(lc);

		appendStringInfo(&buf, " %s=%s", attr->name,
						 attr->value ? attr->value : "<remove>");
	}
	appendStringInfoString(&buf, "; remove");
	foreach(lc, removed)
	{
		DdbAttr    *attr = lfirst(lc);

		appendStringInfo(&buf, " %s%s", attr->name,
						 attr->value ? "<with a value>" : "");
	}
	appendStringInfo(&buf, "; size %zu", size);
	return buf.data;
}

/* ---- the JSON of writes ---- */

static DdbKey key_pk = {"p", "k"};
static DdbKey key_odd = {"a\"b", "c\\d\001é/"};

/* payload S, a_text removed, created S */
static List *
some_attrs(void)
{
	return list_make3(ddb_attr_make("payload", dsu_q("{'S':'v'}"), 1),
					  ddb_attr_make("a_text", NULL, 0),
					  ddb_attr_make("created", dsu_q("{'S':'2024'}"), 4));
}

typedef struct WriteCase
{
	const char *name;
	char	   *(*build) (TestTable *tt);
	const char *expected;
} WriteCase;

static char *
build_item(TestTable *tt)
{
	return ddb_write_item(&key_pk,
						  list_make2(linitial(some_attrs()),
									 lsecond(some_attrs())));
}

static char *
build_create(TestTable *tt)
{
	return ddb_write_create("T", build_item(tt), 1700000000,
							DDB_WRITE_REQUEST);
}

static char *
build_create_odd(TestTable *tt)
{
	List	   *attrs = list_make1(ddb_attr_make("we\"ird\\",
												 dsu_q("{'S':'\\u0001'}"),
												 1));

	return ddb_write_create("T", ddb_write_item(&key_odd, attrs),
							1700000000, DDB_WRITE_REQUEST);
}

static char *
build_update(TestTable *tt)
{
	return ddb_write_update("T", &key_pk, some_attrs(), true, 3, 1700000000,
							DDB_WRITE_REQUEST);
}

static char *
build_update_unversioned(TestTable *tt)
{
	return ddb_write_update("T", &key_pk, some_attrs(), false, 0, 1700000000,
							DDB_WRITE_ACTION);
}

static char *
build_update_nothing(TestTable *tt)
{
	return ddb_write_update("T", &key_pk, NIL, true, 1, 1700000000,
							DDB_WRITE_REQUEST);
}

static char *
build_update_removes(TestTable *tt)
{
	return ddb_write_update("T", &key_pk,
							list_make2(ddb_attr_make("a", NULL, 0),
									   ddb_attr_make("b", NULL, 0)),
							true, 1, 1700000000, DDB_WRITE_REQUEST);
}

/* attributes made by the codec from SQL values, names that need escaping */
static char *
build_update_columns(TestTable *tt)
{
	DsColumn   *j = find_column(tt, "a_jsonb");
	DsColumn   *e = find_column(tt, "expires");
	List	   *attrs;

	attrs = list_make3(attr_from_datum(j, input(j, "{\"k\": [1, {\"n\": null}]}"),
									   false),
					   attr_from_datum(e, (Datum) 0, true),
					   ddb_attr_make("we\"ird\\ \001é", dsu_q("{'S':'x'}"), 1));
	return ddb_write_update("T", &key_odd, attrs, true, 9, 1700000000,
							DDB_WRITE_REQUEST);
}

static char *
build_delete(TestTable *tt)
{
	return ddb_write_delete("T", &key_pk, true, 3, DDB_WRITE_REQUEST);
}

static char *
build_delete_unversioned(TestTable *tt)
{
	return ddb_write_delete("T", &key_odd, false, 0, DDB_WRITE_ACTION);
}

static char *
build_transaction(TestTable *tt)
{
	char	   *actions[2];

	actions[0] = ddb_write_delete("T", &key_pk, true, 3, DDB_WRITE_ACTION);
	actions[1] = ddb_write_create("T", ddb_write_item(&key_odd, NIL),
								  1700000000, DDB_WRITE_ACTION);
	return ddb_write_transaction(actions, 2,
								 "0123456789abcdef0123456789abcdef");
}

static char *
build_batch_put(TestTable *tt)
{
	return ddb_write_batch_put("T", list_make2(build_item(tt),
											   ddb_write_item(&key_odd, NIL)));
}

static char *
build_get(TestTable *tt)
{
	return ddb_write_get("T", &key_odd);
}

static const WriteCase write_cases[] = {
	{"item", build_item,
	"{'id':{'S':'p'},'name':{'S':'k'},'payload':{'S':'v'}}"},
	{"create", build_create,
		"{'TableName':'T','Item':{'id':{'S':'p'},'name':{'S':'k'},"
		"'payload':{'S':'v'}},'ConditionExpression':'attribute_not_exists(#n)"
		" OR #e < :now OR (attribute_exists(#e) AND NOT attribute_type(#e, :num))',"
		"'ExpressionAttributeNames':{'#n':'name','#e':'expires'},"
		"'ExpressionAttributeValues':{':now':{'N':'1700000000'},':num':{'S':'N'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{"create with names to escape", build_create_odd,
		"{'TableName':'T','Item':{'id':{'S':'a\\'b'},'name':{'S':'c\\\\d\\u0001é/'},"
		"'we\\'ird\\\\':{'S':'\\u0001'}},'ConditionExpression':'attribute_not_exists(#n)"
		" OR #e < :now OR (attribute_exists(#e) AND NOT attribute_type(#e, :num))',"
		"'ExpressionAttributeNames':{'#n':'name','#e':'expires'},"
		"'ExpressionAttributeValues':{':now':{'N':'1700000000'},':num':{'S':'N'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{"update", build_update,
		"{'TableName':'T','Key':{'id':{'S':'p'},'name':{'S':'k'}},"
		"'UpdateExpression':'ADD #v :one SET #a0 = :a0, #a2 = :a2 REMOVE #a1',"
		"'ConditionExpression':'#v = :v AND (attribute_not_exists(#e) OR #e >= :now)',"
		"'ExpressionAttributeNames':{'#v':'version','#e':'expires',"
		"'#a0':'payload','#a1':'a_text','#a2':'created'},"
		"'ExpressionAttributeValues':{':one':{'N':'1'},':v':{'N':'3'},"
		"':now':{'N':'1700000000'},':a0':{'S':'v'},':a2':{'S':'2024'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{"update of a record without version", build_update_unversioned,
		"{'Update':{'TableName':'T','Key':{'id':{'S':'p'},'name':{'S':'k'}},"
		"'UpdateExpression':'ADD #v :one SET #a0 = :a0, #a2 = :a2 REMOVE #a1',"
		"'ConditionExpression':'attribute_exists(#n) AND attribute_not_exists(#v)"
		" AND (attribute_not_exists(#e) OR #e >= :now)',"
		"'ExpressionAttributeNames':{'#v':'version','#e':'expires','#n':'name',"
		"'#a0':'payload','#a1':'a_text','#a2':'created'},"
		"'ExpressionAttributeValues':{':one':{'N':'1'},"
		"':now':{'N':'1700000000'},':a0':{'S':'v'},':a2':{'S':'2024'}},"
	"'ReturnValuesOnConditionCheckFailure':'ALL_OLD'}}"},
	{"update of nothing but the version", build_update_nothing,
		"{'TableName':'T','Key':{'id':{'S':'p'},'name':{'S':'k'}},"
		"'UpdateExpression':'ADD #v :one',"
		"'ConditionExpression':'#v = :v AND (attribute_not_exists(#e) OR #e >= :now)',"
		"'ExpressionAttributeNames':{'#v':'version','#e':'expires'},"
		"'ExpressionAttributeValues':{':one':{'N':'1'},':v':{'N':'1'},"
	"':now':{'N':'1700000000'}},'ReturnConsumedCapacity':'TOTAL'}"},
	{"update that only removes", build_update_removes,
		"{'TableName':'T','Key':{'id':{'S':'p'},'name':{'S':'k'}},"
		"'UpdateExpression':'ADD #v :one REMOVE #a0, #a1',"
		"'ConditionExpression':'#v = :v AND (attribute_not_exists(#e) OR #e >= :now)',"
		"'ExpressionAttributeNames':{'#v':'version','#e':'expires','#a0':'a','#a1':'b'},"
		"'ExpressionAttributeValues':{':one':{'N':'1'},':v':{'N':'1'},"
	"':now':{'N':'1700000000'}},'ReturnConsumedCapacity':'TOTAL'}"},
	{"update of columns, names to escape", build_update_columns,
		"{'TableName':'T','Key':{'id':{'S':'a\\'b'},'name':{'S':'c\\\\d\\u0001é/'}},"
		"'UpdateExpression':'ADD #v :one SET #a0 = :a0, #a2 = :a2 REMOVE #a1',"
		"'ConditionExpression':'#v = :v AND (attribute_not_exists(#e) OR #e >= :now)',"
		"'ExpressionAttributeNames':{'#v':'version','#e':'expires',"
		"'#a0':'a_jsonb','#a1':'expires','#a2':'we\\'ird\\\\ \\u0001é'},"
		"'ExpressionAttributeValues':{':one':{'N':'1'},':v':{'N':'9'},"
		"':now':{'N':'1700000000'},"
		"':a0':{'M':{'k':{'L':[{'N':'1'},{'M':{'n':{'NULL':true}}}]}}},"
		"':a2':{'S':'x'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{"delete", build_delete,
		"{'TableName':'T','Key':{'id':{'S':'p'},'name':{'S':'k'}},"
		"'ConditionExpression':'#v = :v','ExpressionAttributeNames':{'#v':'version'},"
		"'ExpressionAttributeValues':{':v':{'N':'3'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{"delete of a record without version", build_delete_unversioned,
		"{'Delete':{'TableName':'T','Key':{'id':{'S':'a\\'b'},'name':{'S':'c\\\\d\\u0001é/'}},"
		"'ConditionExpression':'attribute_exists(#n) AND attribute_not_exists(#v)',"
		"'ExpressionAttributeNames':{'#n':'name','#v':'version'},"
	"'ReturnValuesOnConditionCheckFailure':'ALL_OLD'}}"},
	{"transaction", build_transaction,
		"{'TransactItems':[{'Delete':{'TableName':'T','Key':{'id':{'S':'p'},'name':{'S':'k'}},"
		"'ConditionExpression':'#v = :v','ExpressionAttributeNames':{'#v':'version'},"
		"'ExpressionAttributeValues':{':v':{'N':'3'}},"
		"'ReturnValuesOnConditionCheckFailure':'ALL_OLD'}},"
		"{'Put':{'TableName':'T','Item':{'id':{'S':'a\\'b'},'name':{'S':'c\\\\d\\u0001é/'}},"
		"'ConditionExpression':'attribute_not_exists(#n)"
		" OR #e < :now OR (attribute_exists(#e) AND NOT attribute_type(#e, :num))',"
		"'ExpressionAttributeNames':{'#n':'name','#e':'expires'},"
		"'ExpressionAttributeValues':{':now':{'N':'1700000000'},':num':{'S':'N'}},"
		"'ReturnValuesOnConditionCheckFailure':'ALL_OLD'}}],"
	"'ClientRequestToken':'0123456789abcdef0123456789abcdef','ReturnConsumedCapacity':'TOTAL'}"},
	{"batch put", build_batch_put,
		"{'RequestItems':{'T':[{'PutRequest':{'Item':{'id':{'S':'p'},"
		"'name':{'S':'k'},'payload':{'S':'v'}}}},{'PutRequest':{'Item':"
		"{'id':{'S':'a\\'b'},'name':{'S':'c\\\\d\\u0001é/'}}}}]},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{"get after a write", build_get,
		"{'TableName':'T','Key':{'id':{'S':'a\\'b'},'name':{'S':'c\\\\d\\u0001é/'}},"
	"'ConsistentRead':true}"},
};

typedef struct WriteArg
{
	TestTable  *tt;
	const WriteCase *c;
} WriteArg;

static char *
write_case(const void *arg)
{
	const WriteArg *a = arg;

	return dsu_request_check(a->c->build(a->tt));
}

static char *
key_size_case(const void *arg)
{
	return psprintf("%zu", ddb_key_size((const DdbKey *) arg));
}

/*
 * dsu_run_write_tests(regclass): the cases over the given foreign table
 * (sql/unit_backend.sql makes it).
 */
Datum
dsu_run_write_tests(PG_FUNCTION_ARGS)
{
	DsuRun		run;
	TestTable	tt;
	Relation	rel;

	tt.relid = PG_GETARG_OID(0);
	rel = table_open(tt.relid, AccessShareLock);
	tt.columns = attr_table_columns(rel, &tt.ncolumns);
	table_close(rel, AccessShareLock);

	dsu_begin(&run, fcinfo);

	for (int i = 0; i < lengthof(from_cases); i++)
	{
		const FromCase *c = &from_cases[i];
		FromArg		a = {find_column(&tt, c->column), c->value};

		dsu_case(&run, psprintf("write %s %s", c->column,
								c->value ? c->value : DSU_NULL),
				 dsu_q(c->expected), from_case, &a);
	}

	{
		FromArg		name = {find_column(&tt, "name"), "héllo/"};
		FromArg		version = {find_column(&tt, "version"), "7"};
		FromArg		version_num = {find_column(&tt, "version_num"), "8"};

		dsu_case(&run, "key text of name héllo/", "héllo/", key_text_case,
				 &name);
		dsu_case(&run, "version of bigint 7", "7", version_case, &version);
		dsu_case(&run, "version of numeric 8", "8", version_case,
				 &version_num);
		dsu_case(&run, "key size of p/k", "8", key_size_case, &key_pk);
	}

	for (int i = 0; i < lengthof(fields_cases); i++)
	{
		const FieldsCase *c = &fields_cases[i];
		FieldsArg	a = {find_column(&tt, "fields"), c};

		dsu_case(&run, psprintf("write fields %s over %s",
								c->value ? dsu_q(c->value) : DSU_NULL,
								c->old ? dsu_q(c->old) : "nothing"),
				 dsu_q(c->expected), fields_case, &a);
	}

	for (int i = 0; i < lengthof(write_cases); i++)
	{
		WriteArg	a = {&tt, &write_cases[i]};

		dsu_case(&run, psprintf("request %s", write_cases[i].name),
				 dsu_q(write_cases[i].expected), write_case, &a);
	}

	dsu_end(&run);
	return (Datum) 0;
}
