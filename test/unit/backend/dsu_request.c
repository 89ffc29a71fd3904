/*-------------------------------------------------------------------------
 *
 * dsu_request.c
 *		Unit tests of the JSON of reads (ddb_request.c) and of the JSON
 *		helpers (ddb_json.c).
 *
 * Each request body is checked by dsu_request_check (it parses, and its
 * expressions use placeholders for every name and value, all defined and
 * all used) and then compared with its golden text.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "ddb_json.h"
#include "ddb_request.h"
#include "dsu.h"

PG_FUNCTION_INFO_V1(dsu_run_request_tests);

/* ---- ddb_request_read ---- */

/* Arrays of conditions and names, ended by NULL, for the case table. */
#define CONDS(...)	((const DdbKeyCond[]) {__VA_ARGS__, {NULL}})
#define EQ(a, v)	{a, DDB_COND_EQ, v, NULL}
#define OP(a, o, v) {a, o, v, NULL}
#define NAMES(...)	((const char *const[]) {__VA_ARGS__, NULL})
#define KEY_PK		CONDS(EQ("id", "p"), EQ("name", "k"))

typedef struct ReadCase
{
	const char *name;
	DdbOperation op;
	const char *table;			/* NULL: "T" */
	const char *index;
	const DdbKeyCond *keys;
	const DdbKeyCond *const *batch; /* BatchGetItem: keys, ended by NULL */
	const DdbKeyCond *filter;
	const char *const *projection;
	bool		consistent;
	int			limit;
	bool		backward;		/* ScanIndexForward false */
	int			segment;
	int			total_segments;
	const char *start_key;
	const char *expected;
} ReadCase;

static const ReadCase read_cases[] = {
	{.name = "GetItem", .op = DDB_GET_ITEM, .keys = KEY_PK, .consistent = true,
		.expected = "{'TableName':'T','Key':{'id':{'S':'p'},'name':{'S':'k'}},"
	"'ConsistentRead':true,'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "GetItem with a projection; Limit, filter and start key ignored",
		.op = DDB_GET_ITEM, .keys = KEY_PK,
		.projection = NAMES("name", "payload"), .limit = 5,
		.filter = CONDS(EQ("pk1", "x")),
		.start_key = "{'id':{'S':'p'},'name':{'S':'a'}}",
		.expected = "{'TableName':'T','Key':{'id':{'S':'p'},'name':{'S':'k'}},"
		"'ProjectionExpression':'#p0, #p1',"
		"'ExpressionAttributeNames':{'#p0':'name','#p1':'payload'},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Query of a partition", .op = DDB_QUERY,
		.keys = CONDS(EQ("id", "p")), .consistent = true,
		.expected = "{'TableName':'T','KeyConditionExpression':'#k0 = :k0',"
		"'ExpressionAttributeNames':{'#k0':'id'},"
		"'ExpressionAttributeValues':{':k0':{'S':'p'}},"
	"'ConsistentRead':true,'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Query name <", .op = DDB_QUERY,
		.keys = CONDS(EQ("id", "p"), OP("name", DDB_COND_LT, "m")),
		.expected = "{'TableName':'T','KeyConditionExpression':'#k0 = :k0 AND #k1 < :k1',"
		"'ExpressionAttributeNames':{'#k0':'id','#k1':'name'},"
		"'ExpressionAttributeValues':{':k0':{'S':'p'},':k1':{'S':'m'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Query name <=", .op = DDB_QUERY,
		.keys = CONDS(EQ("id", "p"), OP("name", DDB_COND_LE, "m")),
		.expected = "{'TableName':'T','KeyConditionExpression':'#k0 = :k0 AND #k1 <= :k1',"
		"'ExpressionAttributeNames':{'#k0':'id','#k1':'name'},"
		"'ExpressionAttributeValues':{':k0':{'S':'p'},':k1':{'S':'m'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Query name >", .op = DDB_QUERY,
		.keys = CONDS(EQ("id", "p"), OP("name", DDB_COND_GT, "m")),
		.expected = "{'TableName':'T','KeyConditionExpression':'#k0 = :k0 AND #k1 > :k1',"
		"'ExpressionAttributeNames':{'#k0':'id','#k1':'name'},"
		"'ExpressionAttributeValues':{':k0':{'S':'p'},':k1':{'S':'m'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Query name >=", .op = DDB_QUERY,
		.keys = CONDS(EQ("id", "p"), OP("name", DDB_COND_GE, "m")),
		.expected = "{'TableName':'T','KeyConditionExpression':'#k0 = :k0 AND #k1 >= :k1',"
		"'ExpressionAttributeNames':{'#k0':'id','#k1':'name'},"
		"'ExpressionAttributeValues':{':k0':{'S':'p'},':k1':{'S':'m'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Query name =", .op = DDB_QUERY,
		.keys = CONDS(EQ("id", "p"), EQ("name", "m")),
		.expected = "{'TableName':'T','KeyConditionExpression':'#k0 = :k0 AND #k1 = :k1',"
		"'ExpressionAttributeNames':{'#k0':'id','#k1':'name'},"
		"'ExpressionAttributeValues':{':k0':{'S':'p'},':k1':{'S':'m'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Query name BETWEEN", .op = DDB_QUERY,
		.keys = CONDS(EQ("id", "p"), {"name", DDB_COND_BETWEEN, "a", "m"}),
		.expected = "{'TableName':'T',"
		"'KeyConditionExpression':'#k0 = :k0 AND #k1 BETWEEN :k1 AND :k1b',"
		"'ExpressionAttributeNames':{'#k0':'id','#k1':'name'},"
		"'ExpressionAttributeValues':{':k0':{'S':'p'},':k1':{'S':'a'},':k1b':{'S':'m'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Query begins_with", .op = DDB_QUERY,
		.keys = CONDS(EQ("id", "p"), OP("name", DDB_COND_BEGINS_WITH, "user/")),
		.expected = "{'TableName':'T',"
		"'KeyConditionExpression':'#k0 = :k0 AND begins_with(#k1, :k1)',"
		"'ExpressionAttributeNames':{'#k0':'id','#k1':'name'},"
		"'ExpressionAttributeValues':{':k0':{'S':'p'},':k1':{'S':'user/'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Query descending, Limit, ExclusiveStartKey", .op = DDB_QUERY,
		.keys = CONDS(EQ("id", "p")), .backward = true, .limit = 10,
		.consistent = true,
		.start_key = "{'id':{'S':'p'},'name':{'S':'k'}}",
		.expected = "{'TableName':'T','KeyConditionExpression':'#k0 = :k0',"
		"'ScanIndexForward':false,'ExpressionAttributeNames':{'#k0':'id'},"
		"'ExpressionAttributeValues':{':k0':{'S':'p'}},'ConsistentRead':true,"
		"'Limit':10,'ExclusiveStartKey':{'id':{'S':'p'},'name':{'S':'k'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Query of a local index", .op = DDB_QUERY, .index = "idx_created",
		.keys = CONDS(EQ("id", "p"), OP("created", DDB_COND_GE, "2024")),
		.expected = "{'TableName':'T','IndexName':'idx_created',"
		"'KeyConditionExpression':'#k0 = :k0 AND #k1 >= :k1',"
		"'ExpressionAttributeNames':{'#k0':'id','#k1':'created'},"
		"'ExpressionAttributeValues':{':k0':{'S':'p'},':k1':{'S':'2024'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Query with a filter and a projection", .op = DDB_QUERY,
		.index = "idx_global_1", .keys = CONDS(EQ("pk1", "x")),
		.filter = CONDS(EQ("id", "p"), EQ("sk1", "y")),
		.projection = NAMES("name", "version", "payload"),
		.expected = "{'TableName':'T','IndexName':'idx_global_1',"
		"'KeyConditionExpression':'#k0 = :k0',"
		"'FilterExpression':'#f0 = :f0 AND #f1 = :f1',"
		"'ProjectionExpression':'#p0, #p1, #p2',"
		"'ExpressionAttributeNames':{'#k0':'pk1','#f0':'id','#f1':'sk1',"
		"'#p0':'name','#p1':'version','#p2':'payload'},"
		"'ExpressionAttributeValues':{':k0':{'S':'x'},':f0':{'S':'p'},':f1':{'S':'y'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Scan", .op = DDB_SCAN,
	.expected = "{'TableName':'T','ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Scan of one segment", .op = DDB_SCAN, .segment = 2,
		.total_segments = 4, .consistent = true, .limit = 100,
		.expected = "{'TableName':'T','Segment':2,'TotalSegments':4,"
	"'ConsistentRead':true,'Limit':100,'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Scan undivided", .op = DDB_SCAN, .segment = 0,
		.total_segments = 1,
	.expected = "{'TableName':'T','ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Scan with a filter and a start key", .op = DDB_SCAN,
		.filter = CONDS(EQ("id", "p")), .projection = NAMES("name"),
		.start_key = "{'id':{'S':'p'},'name':{'S':'k'}}",
		.expected = "{'TableName':'T','FilterExpression':'#f0 = :f0',"
		"'ProjectionExpression':'#p0',"
		"'ExpressionAttributeNames':{'#f0':'id','#p0':'name'},"
		"'ExpressionAttributeValues':{':f0':{'S':'p'}},"
		"'ExclusiveStartKey':{'id':{'S':'p'},'name':{'S':'k'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "BatchGetItem", .op = DDB_BATCH_GET_ITEM,
		.batch = ((const DdbKeyCond *const[]) {
				CONDS(EQ("id", "p"), EQ("name", "a")),
				CONDS(EQ("id", "p"), EQ("name", "b")), NULL
		}),
		.projection = NAMES("name", "payload"), .consistent = true,
		.expected = "{'RequestItems':{'T':{'Keys':[{'id':{'S':'p'},'name':{'S':'a'}},"
		"{'id':{'S':'p'},'name':{'S':'b'}}],'ProjectionExpression':'#p0, #p1',"
		"'ExpressionAttributeNames':{'#p0':'name','#p1':'payload'},"
	"'ConsistentRead':true}},'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "BatchGetItem of one key, all attributes", .op = DDB_BATCH_GET_ITEM,
		.batch = ((const DdbKeyCond *const[]) {KEY_PK, NULL}),
		.expected = "{'RequestItems':{'T':{'Keys':[{'id':{'S':'p'},'name':{'S':'k'}}]}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},

	/* names and values that JSON must escape */
	{.name = "GetItem with values to escape", .op = DDB_GET_ITEM,
		.keys = CONDS(EQ("id", "q\"uote"), EQ("name", "back\\slash\001\n\tnaïve/名")),
		.projection = NAMES("we\"ird", "back\\", "ctl\037", "é"),
		.expected = "{'TableName':'T','Key':{'id':{'S':'q\\'uote'},"
		"'name':{'S':'back\\\\slash\\u0001\\n\\tnaïve/名'}},"
		"'ProjectionExpression':'#p0, #p1, #p2, #p3',"
		"'ExpressionAttributeNames':{'#p0':'we\\'ird','#p1':'back\\\\',"
		"'#p2':'ctl\\u001f','#p3':'é'},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "Query with names and values to escape", .op = DDB_QUERY,
		.index = "idx.\"odd\\",
		.keys = CONDS(EQ("h\"ash", "\"\\\b\f"),
					  {"r\\ange\001", DDB_COND_BETWEEN, "é", "名"}),
		.filter = CONDS(EQ("f\n", "x\"")),
		.start_key = "{'h\\'ash':{'S':'\\\\'}}",
		.expected = "{'TableName':'T','IndexName':'idx.\\'odd\\\\',"
		"'KeyConditionExpression':'#k0 = :k0 AND #k1 BETWEEN :k1 AND :k1b',"
		"'FilterExpression':'#f0 = :f0',"
		"'ExpressionAttributeNames':{'#k0':'h\\'ash','#k1':'r\\\\ange\\u0001',"
		"'#f0':'f\\n'},"
		"'ExpressionAttributeValues':{':k0':{'S':'\\'\\\\\\b\\f'},"
		"':k1':{'S':'é'},':k1b':{'S':'名'},':f0':{'S':'x\\''}},"
		"'ExclusiveStartKey':{'h\\'ash':{'S':'\\\\'}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
	{.name = "BatchGetItem with names and values to escape",
		.op = DDB_BATCH_GET_ITEM, .table = "T\"q\\",
		.batch = ((const DdbKeyCond *const[]) {
				CONDS(EQ("id", "a\"b"), EQ("name", "c\\d\001é")), NULL
		}),
		.projection = NAMES("x\"y"),
		.expected = "{'RequestItems':{'T\\'q\\\\':{'Keys':[{'id':{'S':'a\\'b'},"
		"'name':{'S':'c\\\\d\\u0001é'}}],'ProjectionExpression':'#p0',"
		"'ExpressionAttributeNames':{'#p0':'x\\'y'}}},"
	"'ReturnConsumedCapacity':'TOTAL'}"},
};

static List *
cond_list(const DdbKeyCond *conds)
{
	List	   *result = NIL;

	for (; conds && conds->attribute; conds++)
		result = lappend(result, (void *) conds);
	return result;
}

static char *
read_case(const void *arg)
{
	const ReadCase *c = arg;
	DdbRead		read;

	memset(&read, 0, sizeof(read));
	read.op = c->op;
	read.table = c->table ? c->table : "T";
	read.index = c->index;
	read.key_conds = cond_list(c->keys);
	for (const DdbKeyCond *const *k = c->batch; k && *k; k++)
		read.batch_keys = lappend(read.batch_keys, cond_list(*k));
	read.filter_conds = cond_list(c->filter);
	for (const char *const *p = c->projection; p && *p; p++)
		read.projection = lappend(read.projection, (void *) *p);
	read.consistent = c->consistent;
	read.limit = c->limit;
	read.forward = !c->backward;
	read.segment = c->segment;
	read.total_segments = c->total_segments;
	read.start_key = c->start_key ? dsu_q(c->start_key) : NULL;

	return dsu_request_check(ddb_request_read(&read));
}

/* ---- ddb_json: answers in, strings out ---- */

typedef struct JsonCase
{
	const char *name;
	DsuCaseFn	fn;
	const char *arg;			/* the member a get_* case asks for */
	const char *expected;
} JsonCase;

static char *
parse_object(const void *arg)
{
	return ddb_json_to_text(&ddb_json_parse("{\"b\":[1,\"x\"],\"a\":null}",
											"GetItem")->root);
}

static char *
parse_html(const void *arg)
{
	return ddb_json_to_text(&ddb_json_parse("<html>busy</html>", "Query")->root);
}

static char *
parse_empty(const void *arg)
{
	return ddb_json_to_text(&ddb_json_parse("", "Scan")->root);
}

static char *
parse_bad_utf8(const void *arg)
{
	return ddb_json_to_text(&ddb_json_parse("{\"a\":\"\xff\"}", "Scan")->root);
}

static char *
parse_utf8(const void *arg)
{
	return ddb_json_to_text(&ddb_json_parse("{\"a\":\"\xc3\xa9\\u00e9\"}",
											"Scan")->root);
}

static JsonbContainer *
sample(void)
{
	return &dsu_jsonb("{'s':'x','n':5,'o':{},'z':null}")->root;
}

static char *
get_string(const void *arg)
{
	return ddb_json_get_string(sample(), (const char *) arg);
}

static char *
get_number(const void *arg)
{
	return psprintf("%g", ddb_json_get_number(sample(), (const char *) arg,
											  -1));
}

static char *
get_in_array(const void *arg)
{
	return ddb_json_get(&dsu_jsonb("['s']")->root, "s") ? "found" : DSU_NULL;
}

static char *
string_escaped(const void *arg)
{
	StringInfoData buf;

	initStringInfo(&buf);
	ddb_json_string(&buf, "\"\\/\b\f\n\r\t\001\037 é名");
	return buf.data;
}

static char *
string_len(const void *arg)
{
	StringInfoData buf;

	initStringInfo(&buf);
	ddb_json_string_len(&buf, "a\"bc", 3);
	appendStringInfoChar(&buf, ' ');
	ddb_json_string_len(&buf, "xyz", 0);
	return buf.data;
}

static char *
wire(const void *arg)
{
	return ddb_json_wire("{\"S\":\"é名\"}");
}

static const JsonCase json_cases[] = {
	{"parse an answer", parse_object, NULL, "{'a': null, 'b': [1, 'x']}"},
	{"parse an answer that is not JSON", parse_html, NULL, "ERROR HV00K"},
	{"parse an empty answer", parse_empty, NULL, "ERROR HV00K"},
	{"parse an answer that is not UTF-8", parse_bad_utf8, NULL, "ERROR 22021"},
	{"parse an answer in UTF-8", parse_utf8, NULL, "{'a': 'éé'}"},
	{"get_string of a string", get_string, "s", "x"},
	{"get_string of a number", get_string, "n", DSU_NULL},
	{"get_string of a missing member", get_string, "missing", DSU_NULL},
	{"get_number of a number", get_number, "n", "5"},
	{"get_number of a string", get_number, "s", "-1"},
	{"get_number of null", get_number, "z", "-1"},
	{"get in an array", get_in_array, NULL, DSU_NULL},
	{"string escaped", string_escaped, NULL,
	"'\\'\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f é名'"},
	{"string of a length", string_len, NULL, "'a\\'b' ''"},
	{"wire text", wire, NULL, "{'S':'é名'}"},
};

/* dsu_run_request_tests(): the JSON of reads and the JSON helpers */
Datum
dsu_run_request_tests(PG_FUNCTION_ARGS)
{
	DsuRun		run;

	dsu_begin(&run, fcinfo);

	for (int i = 0; i < lengthof(read_cases); i++)
		dsu_case(&run, psprintf("request %s", read_cases[i].name),
				 dsu_q(read_cases[i].expected), read_case, &read_cases[i]);

	for (int i = 0; i < lengthof(json_cases); i++)
		dsu_case(&run, psprintf("json %s", json_cases[i].name),
				 dsu_q(json_cases[i].expected), json_cases[i].fn,
				 json_cases[i].arg);

	dsu_end(&run);
	return (Datum) 0;
}
