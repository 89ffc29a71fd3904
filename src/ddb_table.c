/*-------------------------------------------------------------------------
 *
 * ddb_table.c
 *		The key schema and indexes of DynamoDB tables, cached per backend.
 *
 * The planner needs a table's indexes to choose a Query on one, and must
 * know that the table has dynastore's key (id and name, both strings)
 * before it reads it as dynastore's.  Both come from DescribeTable, asked
 * once per backend, table and credentials: two AWS accounts behind one
 * endpoint may have two tables of one name.  A request that DynamoDB
 * refuses because an index is gone makes the caller forget the entry, so
 * the next statement asks again.
 *
 * A role may be denied dynamodb:DescribeTable and still read the table:
 * then no index is used, and a NOTICE says so once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/pg_list.h"
#include "utils/memutils.h"

#include "ddb_json.h"
#include "ddb_table.h"

typedef struct SchemaCacheEntry
{
	char	   *where;			/* endpoint and region, a newline, the table */
	char	   *who;			/* the access key id */
	DdbTableSchema *schema;
	MemoryContext cxt;			/* owns the entry */
	struct SchemaCacheEntry *next;
} SchemaCacheEntry;

static SchemaCacheEntry *schema_cache = NULL;

static char *
cache_where(const AwsConfig *cfg, const char *table)
{
	return psprintf("%s\n%s\n%s", cfg->endpoint ? cfg->endpoint : "",
					cfg->region ? cfg->region : "", table);
}

/* The type (S, N or B) of an attribute in AttributeDefinitions. */
static char
attribute_type(JsonbContainer *table, const char *attribute)
{
	JsonbValue *defs = ddb_json_get(table, "AttributeDefinitions");
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	char		result = '\0';

	if (defs == NULL || defs->type != jbvBinary ||
		!JsonContainerIsArray(defs->val.binary.data))
		ddb_answer_error("DescribeTable",
						 "The table has no AttributeDefinitions array.");
	it = JsonbIteratorInit(defs->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *name;
		char	   *type;

		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvBinary)
			ddb_answer_error("DescribeTable",
							 "An attribute definition is not an object.");
		name = ddb_json_get_string(v.val.binary.data, "AttributeName");
		type = ddb_json_get_string(v.val.binary.data, "AttributeType");
		if (name == NULL || type == NULL)
			ddb_answer_error("DescribeTable",
							 "An attribute definition lacks its name or type.");
		if (strcmp(name, attribute) == 0 && result == '\0')
		{
			if (strcmp(type, "S") != 0 && strcmp(type, "N") != 0 &&
				strcmp(type, "B") != 0)
				ddb_answer_error("DescribeTable",
								 "Attribute \"%s\" has the type \"%s\", not S, N or B.",
								 name, type);
			result = type[0];
		}
	}
	if (result == '\0')
		ddb_answer_error("DescribeTable",
						 "Key attribute \"%s\" is not in AttributeDefinitions.",
						 attribute);
	return result;
}

/* Read a KeySchema array into hash and range attribute names and types. */
static void
read_key_schema(JsonbContainer *table, JsonbContainer *obj,
				char **hash_key, char *hash_type,
				char **range_key, char *range_type)
{
	JsonbValue *ks = ddb_json_get(obj, "KeySchema");
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;

	*hash_key = NULL;
	*range_key = NULL;
	*hash_type = *range_type = '\0';
	if (ks == NULL || ks->type != jbvBinary ||
		!JsonContainerIsArray(ks->val.binary.data))
		ddb_answer_error("DescribeTable", "A KeySchema is missing or not an array.");
	it = JsonbIteratorInit(ks->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *name;
		char	   *type;

		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvBinary)
			ddb_answer_error("DescribeTable", "A key schema element is not an object.");
		name = ddb_json_get_string(v.val.binary.data, "AttributeName");
		type = ddb_json_get_string(v.val.binary.data, "KeyType");
		if (name && type && strcmp(type, "HASH") == 0 && *hash_key == NULL)
			*hash_key = name;
		else if (name && type && strcmp(type, "RANGE") == 0 &&
				 *range_key == NULL)
			*range_key = name;
		else
			ddb_answer_error("DescribeTable",
							 "A key schema element is not one HASH or one RANGE attribute.");
	}
	if (*hash_key == NULL)
		ddb_answer_error("DescribeTable", "A key schema has no HASH attribute.");
	*hash_type = attribute_type(table, *hash_key);
	if (*range_key)
		*range_type = attribute_type(table, *range_key);
}

/*
 * The indexes that can answer the key conditions of this wrapper, whose
 * values are text: those keyed by strings.  An index keyed by a number
 * orders and compares its keys as numbers, and one keyed by binary
 * refuses string values, so neither may serve.
 */
static void
read_indexes(JsonbContainer *table, const char *member, bool global,
			 List **indexes)
{
	JsonbValue *arr = ddb_json_get(table, member);
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;

	if (arr == NULL)
		return;
	if (arr->type != jbvBinary || !JsonContainerIsArray(arr->val.binary.data))
		ddb_answer_error("DescribeTable", "%s is not an array.", member);
	it = JsonbIteratorInit(arr->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		DdbIndex   *idx;
		JsonbValue *proj;
		char	   *ptype = NULL;
		char		hash_type;
		char		range_type;

		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvBinary)
			ddb_answer_error("DescribeTable", "An element of %s is not an object.",
							 member);
		idx = palloc0(sizeof(DdbIndex));
		idx->name = ddb_json_get_string(v.val.binary.data, "IndexName");
		if (idx->name == NULL)
			ddb_answer_error("DescribeTable", "An index of %s has no name.",
							 member);
		idx->global = global;
		read_key_schema(table, v.val.binary.data, &idx->hash_key, &hash_type,
						&idx->range_key, &range_type);
		proj = ddb_json_get(v.val.binary.data, "Projection");
		if (proj && proj->type == jbvBinary)
			ptype = ddb_json_get_string(proj->val.binary.data,
										"ProjectionType");
		idx->projects_all = ptype && strcmp(ptype, "ALL") == 0;
		if (hash_type == 'S' && (idx->range_key == NULL || range_type == 'S'))
			*indexes = lappend(*indexes, idx);
	}
}

/* Read AttributeDefinitions: the types of the key attributes. */
static void
read_attribute_definitions(JsonbContainer *table, List **defs)
{
	JsonbValue *arr = ddb_json_get(table, "AttributeDefinitions");
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;

	if (arr == NULL || arr->type != jbvBinary)
		return;
	it = JsonbIteratorInit(arr->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		DdbAttributeDef *def;

		if (tok != WJB_ELEM || v.type != jbvBinary)
			continue;
		def = palloc0(sizeof(DdbAttributeDef));
		def->name = ddb_json_get_string(v.val.binary.data, "AttributeName");
		def->type = ddb_json_get_string(v.val.binary.data, "AttributeType");
		if (def->name && def->type)
			*defs = lappend(*defs, def);
	}
}

/*
 * Describe the table: its key schema, checked to be dynastore's, and its
 * indexes.  A refusal for lack of permission gives a schema without
 * indexes and unchecked.  Allocates in CurrentMemoryContext.
 */
static DdbTableSchema *
describe_table(const AwsConfig *cfg, const char *table)
{
	static const char *const denied[] = {"AccessDeniedException", NULL};
	StringInfoData body;
	AwsResponse *resp;
	Jsonb	   *answer;
	JsonbValue *tv;
	DdbTableSchema *schema = palloc0(sizeof(DdbTableSchema));
	List	   *indexes = NIL;
	List	   *defs = NIL;
	ListCell   *lc;
	char		hash_type;
	char		range_type;
	int			i;

	initStringInfo(&body);
	appendStringInfoString(&body, "{\"TableName\":");
	ddb_json_string(&body, table);
	appendStringInfoChar(&body, '}');
	resp = aws_dynamodb_call(cfg, "DescribeTable", body.data, body.len,
							 true, denied, NULL);
	if (resp->error_type)
	{
		schema->denied = pstrdup(resp->error_message);
		schema->indexes = palloc0(sizeof(DdbIndex));
		return schema;
	}

	answer = ddb_json_parse(resp->body, "DescribeTable");
	tv = ddb_json_get(&answer->root, "Table");
	if (tv == NULL || tv->type != jbvBinary ||
		!JsonContainerIsObject(tv->val.binary.data))
		ddb_answer_error("DescribeTable", "The answer has no Table object.");
	read_key_schema(tv->val.binary.data, tv->val.binary.data,
					&schema->hash_key, &hash_type,
					&schema->range_key, &range_type);
	if (strcmp(schema->hash_key, "id") != 0 || hash_type != 'S' ||
		schema->range_key == NULL || strcmp(schema->range_key, "name") != 0 ||
		range_type != 'S')
	{
		StringInfoData key;

		initStringInfo(&key);
		appendStringInfo(&key, "Its key is %s (HASH, %c)", schema->hash_key,
						 hash_type);
		if (schema->range_key)
			appendStringInfo(&key, " and %s (RANGE, %c)", schema->range_key,
							 range_type);
		else
			appendStringInfoString(&key, " alone");
		appendStringInfoString(&key, "; dynastore keeps records under id (HASH, S) and name (RANGE, S).");
		schema->key_error = key.data;
	}
	read_indexes(tv->val.binary.data, "LocalSecondaryIndexes", false,
				 &indexes);
	read_indexes(tv->val.binary.data, "GlobalSecondaryIndexes", true,
				 &indexes);
	read_attribute_definitions(tv->val.binary.data, &defs);
	schema->item_count = ddb_json_get_number(tv->val.binary.data,
											 "ItemCount", 0);
	schema->table_size_bytes = ddb_json_get_number(tv->val.binary.data,
												   "TableSizeBytes", 0);
	schema->nindexes = list_length(indexes);
	schema->indexes = palloc0(sizeof(DdbIndex) * (schema->nindexes + 1));
	i = 0;
	foreach(lc, indexes)
		schema->indexes[i++] = *(DdbIndex *) lfirst(lc);
	schema->nattributes = list_length(defs);
	schema->attributes = palloc0(sizeof(DdbAttributeDef) *
								 (schema->nattributes + 1));
	i = 0;
	foreach(lc, defs)
		schema->attributes[i++] = *(DdbAttributeDef *) lfirst(lc);
	return schema;
}

/*
 * The schema of a table, from the cache or from DescribeTable, for the
 * credentials of cfg.  A table whose key is not dynastore's is an error,
 * every time, from the cache.  When DescribeTable was denied, a NOTICE
 * says once, at the first statement that an index could have served
 * (want_indexes), that none is used.  The result lives as long as the
 * backend, or until ddb_table_schema_forget().
 */
DdbTableSchema *
ddb_table_schema(const AwsConfig *cfg, const char *table, bool want_indexes)
{
	DdbTableSchema *schema = ddb_table_describe(cfg, table);

	if (schema->key_error)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("DynamoDB table \"%s\" does not have the key of dynastore's tables",
						table),
				 errdetail("%s", schema->key_error),
				 errhint("Point the table option of the foreign table at a table that dynastore writes.")));

	if (schema->denied && want_indexes && !schema->noticed)
	{
		schema->noticed = true;
		ereport(NOTICE,
				(errmsg("indexes of DynamoDB table \"%s\" are not used: DescribeTable was denied",
						table),
				 schema->denied[0] ?
				 errdetail("DynamoDB returned AccessDeniedException: %s%s",
						   schema->denied,
						   schema->denied[strlen(schema->denied) - 1] == '.' ? "" : ".") :
				 errdetail("DynamoDB returned AccessDeniedException."),
				 errhint("Allow dynamodb:DescribeTable to the access key of the user mapping, so that queries can use the table's indexes.")));
	}
	return schema;
}

/*
 * The schema of a table as DynamoDB describes it, cached as for
 * ddb_table_schema, whatever its key: for IMPORT FOREIGN SCHEMA and the
 * helpers, which judge it themselves.
 */
DdbTableSchema *
ddb_table_describe(const AwsConfig *cfg, const char *table)
{
	char	   *where = cache_where(cfg, table);
	const char *who = cfg->access_key_id ? cfg->access_key_id : "";
	SchemaCacheEntry *e;
	MemoryContext cxt;
	MemoryContext oldcxt;

	for (e = schema_cache; e; e = e->next)
		if (strcmp(e->where, where) == 0 && strcmp(e->who, who) == 0)
			break;

	if (e == NULL)
	{
		cxt = AllocSetContextCreate(TopMemoryContext, "dynastore_fdw schema",
									ALLOCSET_SMALL_SIZES);
		oldcxt = MemoryContextSwitchTo(cxt);
		PG_TRY();
		{
			e = palloc0(sizeof(SchemaCacheEntry));
			e->where = pstrdup(where);
			e->who = pstrdup(who);
			e->schema = describe_table(cfg, table);
			e->cxt = cxt;
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(oldcxt);
			MemoryContextDelete(cxt);
			PG_RE_THROW();
		}
		PG_END_TRY();
		MemoryContextSwitchTo(oldcxt);
		e->next = schema_cache;
		schema_cache = e;
	}

	return e->schema;
}

/* The type AttributeDefinitions give an attribute ("S", "N", "B"), or NULL. */
const char *
ddb_table_attribute_type(const DdbTableSchema *schema, const char *attribute)
{
	int			i;

	for (i = 0; i < schema->nattributes; i++)
		if (strcmp(schema->attributes[i].name, attribute) == 0)
			return schema->attributes[i].type;
	return NULL;
}

/*
 * Forget what is known of a table on an endpoint, for every credentials:
 * its indexes may have changed.
 */
void
ddb_table_schema_forget(const AwsConfig *cfg, const char *table)
{
	char	   *where = cache_where(cfg, table);
	SchemaCacheEntry **p = &schema_cache;

	while (*p)
	{
		if (strcmp((*p)->where, where) == 0)
		{
			SchemaCacheEntry *gone = *p;

			*p = gone->next;
			MemoryContextDelete(gone->cxt);
		}
		else
			p = &(*p)->next;
	}
}
