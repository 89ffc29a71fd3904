/*-------------------------------------------------------------------------
 *
 * helpers.c
 *		SQL functions for getting started: create a DynamoDB table in
 *		dynastore's layout, list the partitions of one, and the version.
 *
 * They talk to DynamoDB with the server's options and the caller's user
 * mapping, as a foreign table of that server would, and need USAGE on the
 * server.  A NULL argument means the argument's default.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "attr_value.h"
#include "aws_client.h"
#include "ddb_json.h"
#include "ddb_table.h"
#include "dynastore_fdw.h"
#include "import.h"
#include "option.h"
#include "pg_compat.h"

PG_FUNCTION_INFO_V1(dynastore_fdw_create_table);
PG_FUNCTION_INFO_V1(dynastore_fdw_partitions);
PG_FUNCTION_INFO_V1(dynastore_fdw_version);

/* dynastore's own index names (its test suite's): idx_<field>, idx_global_1 */
#define LOCAL_INDEX_PREFIX	"idx_"
#define GLOBAL_INDEX_NAME	"idx_global_1"
#define DEFAULT_CAPACITY	5
#define DEFAULT_WAIT_MS		(5 * 60 * 1000)
/* DescribeTable while waiting: from this often, doubling up to the next */
#define POLL_FIRST_MS		20
#define POLL_MAX_MS			1000

/* What dynastore_fdw_create_table makes. */
typedef struct TableSpec
{
	const char *table;
	const char *local_field;	/* NULL: no local index */
	const char *global_hash;	/* NULL: no global index */
	const char *global_range;	/* NULL: the global index has none */
	bool		provisioned;
	int			read_capacity;
	int			write_capacity;
} TableSpec;

static DsTableOptions *server_options(text *server_name);
static const char *text_arg(FunctionCallInfo fcinfo, int n, const char *name,
							const char *dflt);
static void check_index_attribute(const char *attribute, const char *what);
static char *create_table_body(const TableSpec *spec);
static void wait_until_active(const AwsConfig *aws, const char *table,
							  int wait_ms);
static const char *turn_on_ttl(const AwsConfig *aws, const char *table);

/*
 * The options of the named server and the caller's user mapping, after
 * checking that the caller may use the server.
 */
static DsTableOptions *
server_options(text *server_name)
{
	ForeignServer *server = GetForeignServerByName(text_to_cstring(server_name),
												   false);
	AclResult	aclresult = ds_server_aclcheck(server->serverid, GetUserId(),
											   ACL_USAGE);

	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, OBJECT_FOREIGN_SERVER, server->servername);
	return ds_get_server_options(server, GetUserId());
}

/* Text argument n, or dflt when it is NULL; required when dflt is NULL. */
static const char *
text_arg(FunctionCallInfo fcinfo, int n, const char *name, const char *dflt)
{
	if (PG_ARGISNULL(n))
	{
		if (dflt == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("argument \"%s\" must not be null", name)));
		return dflt;
	}
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/*
 * An index key must be a field: one of the string attributes a dynastore
 * app writes besides the record's own, and usable in an index name.
 */
static void
check_index_attribute(const char *attribute, const char *what)
{
	const char *p;
	int			i;

	for (i = 0; i < ATTR_NRESERVED; i++)
		if (strcmp(attribute, attr_reserved[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s \"%s\" is an attribute of dynastore's own",
							what, attribute),
					 errhint("Index a field, an attribute such as \"created\" or \"pk1\" that the application sets; not id, name, version, expires or payload.")));
	for (p = attribute; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
			break;
	if (attribute[0] == '\0' || *p != '\0' || strlen(attribute) > 250)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s: \"%s\"", what, attribute),
				 errdetail("An index key here is 1 to 250 letters, digits, \"_\", \"-\" or \".\", so that it can name the index.")));
}

/*
 * dynastore_fdw_create_table(server, table_name, local_index_field,
 *   global_index_partition_key, global_index_sort_key, billing_mode,
 *   read_capacity, write_capacity, ttl, timeout)
 *   -> (status, indexes, time_to_live)
 *
 * Creates the table with dynastore's key (id, name: strings), waits until
 * it and its indexes are ACTIVE, then turns TTL on for "expires".  Every
 * index key is a string (S), as dynastore writes fields.  A server without
 * the TTL API (dynalite) gets a WARNING and the table without TTL.
 */
Datum
dynastore_fdw_create_table(PG_FUNCTION_ARGS)
{
	DsTableOptions *opts;
	TableSpec	spec = {0};
	const char *billing;
	bool		ttl;
	int			wait_ms = DEFAULT_WAIT_MS;
	char	   *body;
	AwsResponse *resp;
	static const char *const create_errors[] = {"ResourceInUseException",
	NULL};
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	Datum		indexes[2];
	int			nindexes = 0;
	const char *ttl_status = "off";

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not be null", "server")));
	spec.table = text_arg(fcinfo, 1, "table_name", NULL);
	spec.local_field = text_arg(fcinfo, 2, "local_index_field", "");
	spec.global_hash = text_arg(fcinfo, 3, "global_index_partition_key", "");
	spec.global_range = text_arg(fcinfo, 4, "global_index_sort_key", "");
	billing = text_arg(fcinfo, 5, "billing_mode", "PAY_PER_REQUEST");
	ttl = PG_ARGISNULL(8) ? true : PG_GETARG_BOOL(8);

	if (!ds_valid_table_name(spec.table))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid DynamoDB table name: \"%s\"", spec.table),
				 errhint("A table name has 3 to 255 characters among letters, digits, \"_\", \"-\" and \".\".")));

	if (spec.local_field[0] == '\0')
		spec.local_field = NULL;
	else
		check_index_attribute(spec.local_field, "local index field");
	if (spec.global_hash[0] == '\0')
		spec.global_hash = NULL;
	else
		check_index_attribute(spec.global_hash, "global index partition key");
	if (spec.global_range[0] == '\0')
		spec.global_range = NULL;
	else
	{
		check_index_attribute(spec.global_range, "global index sort key");
		if (spec.global_hash == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a global index sort key needs a global index partition key"),
					 errhint("Pass global_index_partition_key too, as in global_index_partition_key => 'pk1', global_index_sort_key => 'sk1'.")));
		if (strcmp(spec.global_range, spec.global_hash) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the global index's partition key and sort key are both \"%s\"",
							spec.global_hash)));
	}

	if (pg_strcasecmp(billing, "PAY_PER_REQUEST") == 0)
		spec.provisioned = false;
	else if (pg_strcasecmp(billing, "PROVISIONED") == 0)
		spec.provisioned = true;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid billing mode: \"%s\"", billing),
				 errhint("The billing mode is PAY_PER_REQUEST (on demand) or PROVISIONED, with read_capacity and write_capacity.")));
	if (!spec.provisioned && (!PG_ARGISNULL(6) || !PG_ARGISNULL(7)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("read_capacity and write_capacity apply only to billing mode PROVISIONED")));
	spec.read_capacity = PG_ARGISNULL(6) ? DEFAULT_CAPACITY : PG_GETARG_INT32(6);
	spec.write_capacity = PG_ARGISNULL(7) ? DEFAULT_CAPACITY : PG_GETARG_INT32(7);
	if (spec.read_capacity < 1 || spec.write_capacity < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("read_capacity and write_capacity must be 1 or more")));

	if (!PG_ARGISNULL(9))
	{
		Interval   *iv = PG_GETARG_INTERVAL_P(9);
		double		ms = (iv->time +
						  ((double) iv->month * DAYS_PER_MONTH + iv->day) *
						  USECS_PER_DAY) / 1000.0;

		if (ms < 1 || ms > INT_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("timeout must be positive and under 24 days")));
		wait_ms = (int) ms;
	}

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	opts = server_options(PG_GETARG_TEXT_PP(0));

	/*
	 * Not retried after a lost answer: a second CreateTable of a table the
	 * first one made would read as "already exists".
	 */
	body = create_table_body(&spec);
	resp = aws_dynamodb_call(&opts->aws, "CreateTable", body, strlen(body),
							 false, create_errors, NULL);
	if (resp->error_type)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("DynamoDB table \"%s\" already exists", spec.table),
				 errdetail("DynamoDB returned %s%s%s", resp->error_type,
						   resp->error_message[0] ? ": " : ".",
						   resp->error_message),
				 errhint("Choose another name, or use the table as it is: IMPORT FOREIGN SCHEMA makes foreign tables for it.")));
	ddb_table_schema_forget(&opts->aws, spec.table);

	wait_until_active(&opts->aws, spec.table, wait_ms);
	if (ttl)
		ttl_status = turn_on_ttl(&opts->aws, spec.table);

	if (spec.local_field)
		indexes[nindexes++] =
			CStringGetTextDatum(psprintf("%s%s (local: id, %s)",
										 LOCAL_INDEX_PREFIX, spec.local_field,
										 spec.local_field));
	if (spec.global_hash)
		indexes[nindexes++] =
			CStringGetTextDatum(spec.global_range ?
								psprintf("%s (global: %s, %s)", GLOBAL_INDEX_NAME,
										 spec.global_hash, spec.global_range) :
								psprintf("%s (global: %s)", GLOBAL_INDEX_NAME,
										 spec.global_hash));
	values[0] = CStringGetTextDatum("ACTIVE");
	values[1] = PointerGetDatum(construct_array(indexes, nindexes, TEXTOID,
												-1, false, TYPALIGN_INT));
	values[2] = CStringGetTextDatum(ttl_status);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc),
													  values, nulls)));
}

static void
append_attribute_definition(StringInfo buf, const char *attribute)
{
	appendStringInfoString(buf, ",{\"AttributeName\":");
	ddb_json_string(buf, attribute);
	appendStringInfoString(buf, ",\"AttributeType\":\"S\"}");
}

static void
append_key_schema(StringInfo buf, const char *hash, const char *range)
{
	appendStringInfoString(buf, "\"KeySchema\":[{\"AttributeName\":");
	ddb_json_string(buf, hash);
	appendStringInfoString(buf, ",\"KeyType\":\"HASH\"}");
	if (range)
	{
		appendStringInfoString(buf, ",{\"AttributeName\":");
		ddb_json_string(buf, range);
		appendStringInfoString(buf, ",\"KeyType\":\"RANGE\"}");
	}
	appendStringInfoChar(buf, ']');
}

static void
append_throughput(StringInfo buf, const TableSpec *spec)
{
	if (spec->provisioned)
		appendStringInfo(buf, ",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":%d,\"WriteCapacityUnits\":%d}",
						 spec->read_capacity, spec->write_capacity);
}

/* The CreateTable request of a table in dynastore's layout. */
static char *
create_table_body(const TableSpec *spec)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"TableName\":");
	ddb_json_string(&buf, spec->table);
	appendStringInfoString(&buf, ",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"},{\"AttributeName\":\"name\",\"AttributeType\":\"S\"}");
	if (spec->local_field)
		append_attribute_definition(&buf, spec->local_field);
	if (spec->global_hash &&
		!(spec->local_field && strcmp(spec->global_hash, spec->local_field) == 0))
		append_attribute_definition(&buf, spec->global_hash);
	if (spec->global_range &&
		!(spec->local_field && strcmp(spec->global_range, spec->local_field) == 0))
		append_attribute_definition(&buf, spec->global_range);
	appendStringInfoString(&buf, "],");
	append_key_schema(&buf, "id", "name");
	appendStringInfo(&buf, ",\"BillingMode\":\"%s\"",
					 spec->provisioned ? "PROVISIONED" : "PAY_PER_REQUEST");
	append_throughput(&buf, spec);

	if (spec->local_field)
	{
		appendStringInfoString(&buf, ",\"LocalSecondaryIndexes\":[{\"IndexName\":");
		ddb_json_string(&buf, psprintf("%s%s", LOCAL_INDEX_PREFIX,
									   spec->local_field));
		appendStringInfoChar(&buf, ',');
		append_key_schema(&buf, "id", spec->local_field);
		appendStringInfoString(&buf, ",\"Projection\":{\"ProjectionType\":\"ALL\"}}]");
	}
	if (spec->global_hash)
	{
		appendStringInfoString(&buf, ",\"GlobalSecondaryIndexes\":[{\"IndexName\":\"" GLOBAL_INDEX_NAME "\",");
		append_key_schema(&buf, spec->global_hash, spec->global_range);
		appendStringInfoString(&buf, ",\"Projection\":{\"ProjectionType\":\"ALL\"}");
		append_throughput(&buf, spec);
		appendStringInfoString(&buf, "}]");
	}
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/*
 * Is the table ACTIVE, and each of its global indexes?  *status is the
 * table's status, or NULL when DynamoDB does not know the table (its
 * answers are eventually consistent, so a new table may not show at once).
 */
static bool
table_is_active(const AwsConfig *aws, const char *table, char **status)
{
	static const char *const describe_errors[] = {"ResourceNotFoundException",
	NULL};
	StringInfoData body;
	AwsResponse *resp;
	Jsonb	   *answer;
	JsonbValue *tv;
	JsonbValue *gsis;
	bool		active;

	initStringInfo(&body);
	appendStringInfoString(&body, "{\"TableName\":");
	ddb_json_string(&body, table);
	appendStringInfoChar(&body, '}');
	resp = aws_dynamodb_call(aws, "DescribeTable", body.data, body.len, true,
							 describe_errors, NULL);
	if (resp->error_type)
	{
		*status = NULL;
		return false;
	}
	answer = ddb_json_parse(resp->body, "DescribeTable");
	tv = ddb_json_get(&answer->root, "Table");
	if (tv == NULL || tv->type != jbvBinary)
	{
		*status = "unknown";
		return false;
	}
	*status = ddb_json_get_string(tv->val.binary.data, "TableStatus");
	if (*status == NULL)
		*status = "unknown";
	active = strcmp(*status, "ACTIVE") == 0;

	gsis = ddb_json_get(tv->val.binary.data, "GlobalSecondaryIndexes");
	if (active && gsis && gsis->type == jbvBinary)
	{
		JsonbIterator *it = JsonbIteratorInit(gsis->val.binary.data);
		JsonbIteratorToken tok;
		JsonbValue	v;

		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			char	   *istatus;

			if (tok != WJB_ELEM || v.type != jbvBinary)
				continue;
			istatus = ddb_json_get_string(v.val.binary.data, "IndexStatus");
			if (istatus && strcmp(istatus, "ACTIVE") != 0)
			{
				*status = psprintf("ACTIVE, with a global index %s", istatus);
				active = false;
			}
		}
	}
	return active;
}

/*
 * Ask DescribeTable, more and more seldom, until the table is ACTIVE.  The
 * waits are on the latch, so Ctrl-C and statement_timeout end them.
 */
static void
wait_until_active(const AwsConfig *aws, const char *table, int wait_ms)
{
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   wait_ms);
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
											  "dynastore_fdw wait",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
	long		poll_ms = POLL_FIRST_MS;
	char	   *status;

	for (;;)
	{
		long		left;

		MemoryContextReset(cxt);
		if (table_is_active(aws, table, &status))
			break;
		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
		if (left <= 0)
		{
			MemoryContextSwitchTo(oldcxt);
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("DynamoDB table \"%s\" did not become ACTIVE in time",
							table),
					 status ? errdetail("Its status is %s.", status) :
					 errdetail("DescribeTable does not find it yet."),
					 errhint("The table exists and DynamoDB goes on creating it; time to live was not turned on.")));
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Min(poll_ms, left), PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		poll_ms = Min(poll_ms * 2, POLL_MAX_MS);
	}
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(cxt);
}

/*
 * TTL on "expires", so that DynamoDB deletes expired records in time.  A
 * server without the API (dynalite answers UnknownOperationException) is
 * no error: the table works without it, and reads hide expired records
 * anyway.
 */
static const char *
turn_on_ttl(const AwsConfig *aws, const char *table)
{
	static const char *const ttl_errors[] = {"UnknownOperationException",
	NULL};
	StringInfoData body;
	AwsResponse *resp;

	initStringInfo(&body);
	appendStringInfoString(&body, "{\"TableName\":");
	ddb_json_string(&body, table);
	appendStringInfoString(&body, ",\"TimeToLiveSpecification\":{\"AttributeName\":\"expires\",\"Enabled\":true}}");
	resp = aws_dynamodb_call(aws, "UpdateTimeToLive", body.data, body.len,
							 false, ttl_errors, NULL);
	if (resp->error_type == NULL)
		return "enabled on expires";
	ereport(WARNING,
			(errmsg("time to live was not turned on for DynamoDB table \"%s\"",
					table),
			 errdetail("The server does not know UpdateTimeToLive (it answered %s).",
					   resp->error_type),
			 errhint("Expired records stay stored until they are deleted; SQL and dynastore do not show them.")));
	return "not supported by the server";
}

/* ---- dynastore_fdw_partitions ---- */

/* A partition name met by the Scan; the key is the pointer to the name. */
typedef struct PartitionEntry
{
	char	   *name;
} PartitionEntry;

static uint32
partition_hash(const void *key, Size keysize)
{
	const char *s = *(const char *const *) key;

	return string_hash(s, strlen(s) + 1);
}

static int
partition_match(const void *a, const void *b, Size keysize)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static int
compare_names(const ListCell *a, const ListCell *b)
{
	return strcmp(lfirst(a), lfirst(b));
}

/*
 * Add the partitions of one page of a Scan, in keep; false once there are
 * max.
 */
static bool
take_partitions(JsonbContainer *answer, HTAB *seen, List **names, int max,
				MemoryContext keep)
{
	JsonbValue *items = ddb_json_get(answer, "Items");
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;

	if (items == NULL || items->type != jbvBinary)
		return true;
	it = JsonbIteratorInit(items->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		JsonbValue *id;
		char	   *name;
		PartitionEntry *e;
		bool		found;
		MemoryContext oldcxt;

		if (tok != WJB_ELEM || v.type != jbvBinary)
			continue;
		id = ddb_json_get(v.val.binary.data, "id");
		if (id == NULL || id->type != jbvBinary ||
			(name = ddb_json_get_string(id->val.binary.data, "S")) == NULL)
			continue;
		e = hash_search(seen, &name, HASH_ENTER, &found);
		if (found)
			continue;
		oldcxt = MemoryContextSwitchTo(keep);
		e->name = pstrdup(name);
		*names = lappend(*names, e->name);
		MemoryContextSwitchTo(oldcxt);
		if (list_length(*names) >= max)
			return false;
	}
	return true;
}

/*
 * The distinct partitions of a table, by a Scan that projects only "id",
 * in the bytes' order; at most max of them, and the Scan stops once it has
 * found that many.
 */
static List *
scan_partitions(const AwsConfig *aws, const char *table, int max)
{
	MemoryContext keep = CurrentMemoryContext;
	MemoryContext page_cxt = AllocSetContextCreate(CurrentMemoryContext,
												   "dynastore_fdw partitions page",
												   ALLOCSET_DEFAULT_SIZES);
	HASHCTL		ctl;
	HTAB	   *seen;
	List	   *names = NIL;
	char	   *start = NULL;
	bool		more = true;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(char *);
	ctl.entrysize = sizeof(PartitionEntry);
	ctl.hash = partition_hash;
	ctl.match = partition_match;
	ctl.hcxt = CurrentMemoryContext;
	seen = hash_create("dynastore_fdw partitions", 256, &ctl,
					   HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);

	while (more)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(page_cxt);
		StringInfoData body;
		AwsResponse *resp;
		Jsonb	   *answer;
		JsonbValue *last;

		initStringInfo(&body);
		appendStringInfoString(&body, "{\"TableName\":");
		ddb_json_string(&body, table);
		appendStringInfoString(&body, ",\"ProjectionExpression\":\"#i\",\"ExpressionAttributeNames\":{\"#i\":\"id\"}");
		if (start)
			appendStringInfo(&body, ",\"ExclusiveStartKey\":%s", start);
		appendStringInfoChar(&body, '}');
		resp = aws_dynamodb_call(aws, "Scan", body.data, body.len, true,
								 NULL, NULL);
		answer = ddb_json_parse(resp->body, "Scan");
		more = take_partitions(&answer->root, seen, &names, max, keep);

		last = ddb_json_get(&answer->root, "LastEvaluatedKey");
		start = NULL;
		if (last && last->type == jbvBinary)
			start = MemoryContextStrdup(keep,
										ddb_json_to_text(last->val.binary.data));
		if (start == NULL)
			more = false;
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(page_cxt);
	}
	MemoryContextDelete(page_cxt);
	hash_destroy(seen);

	list_sort(names, compare_names);
	return names;
}

/*
 * dynastore_fdw_partitions(server, table_name, max_partitions)
 *   -> SETOF text
 *
 * Any item counts, expired or not.  Without max_partitions partitions to
 * stop at, the Scan reads the whole table (DynamoDB charges the whole
 * items, though only their keys come back).
 */
Datum
dynastore_fdw_partitions(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	List	   *names;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcxt;
		DsTableOptions *opts;
		DdbTableSchema *schema;
		const char *table;
		const char *why;
		char	   *status;
		int			max;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcxt = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);

		if (PG_ARGISNULL(0))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("argument \"%s\" must not be null", "server")));
		table = text_arg(fcinfo, 1, "table_name", NULL);
		max = PG_ARGISNULL(2) ? 1000 : PG_GETARG_INT32(2);
		if (max < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_partitions must be 1 or more")));
		if (!ds_valid_table_name(table))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid DynamoDB table name: \"%s\"", table),
					 errhint("A table name has 3 to 255 characters among letters, digits, \"_\", \"-\" and \".\".")));

		opts = server_options(PG_GETARG_TEXT_PP(0));
		(void) table_is_active(&opts->aws, table, &status);
		if (status == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
					 errmsg("DynamoDB table \"%s\" does not exist", table),
					 errhint("Check the table name, and the region and endpoint options of the server.")));
		ddb_table_schema_forget(&opts->aws, table);
		schema = ddb_table_describe(&opts->aws, table);
		if ((why = ds_not_dynastore_layout(schema)) != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("DynamoDB table \"%s\" is not in dynastore's layout",
							table),
					 errdetail("%s", why)));

		funcctx->user_fctx = scan_partitions(&opts->aws, table, max);
		funcctx->max_calls = list_length(funcctx->user_fctx);
		MemoryContextSwitchTo(oldcxt);
	}

	funcctx = SRF_PERCALL_SETUP();
	names = funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		/* (SRF_RETURN_NEXT counts the call before it takes the result) */
		Datum		result = CStringGetTextDatum(list_nth(names,
														  funcctx->call_cntr));

		SRF_RETURN_NEXT(funcctx, result);
	}
	SRF_RETURN_DONE(funcctx);
}

/* dynastore_fdw_version() -> text: the version of the loaded library. */
Datum
dynastore_fdw_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(DYNASTORE_FDW_VERSION));
}
