/*-------------------------------------------------------------------------
 *
 * ddb_table.c
 *		The key schema and indexes of DynamoDB tables, cached per backend.
 *
 * The planner needs a table's indexes to choose a Query on one.  They come
 * from DescribeTable, asked once per backend and table; a request that
 * DynamoDB refuses because an index is gone makes the caller forget the
 * entry, so the next statement asks again.
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
	char	   *key;			/* endpoint, a newline, the table */
	DdbTableSchema *schema;
	MemoryContext cxt;			/* owns key and schema */
	struct SchemaCacheEntry *next;
} SchemaCacheEntry;

static SchemaCacheEntry *schema_cache = NULL;

static char *
cache_key(const AwsConfig *cfg, const char *table)
{
	return psprintf("%s\n%s", cfg->endpoint, table);
}

/* Read a KeySchema array into hash and range attribute names. */
static void
read_key_schema(JsonbContainer *obj, char **hash_key, char **range_key)
{
	JsonbValue *ks = ddb_json_get(obj, "KeySchema");
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;

	*hash_key = NULL;
	*range_key = NULL;
	if (ks == NULL || ks->type != jbvBinary)
		return;
	it = JsonbIteratorInit(ks->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *name;
		char	   *type;

		if (tok != WJB_ELEM || v.type != jbvBinary)
			continue;
		name = ddb_json_get_string(v.val.binary.data, "AttributeName");
		type = ddb_json_get_string(v.val.binary.data, "KeyType");
		if (name && type && strcmp(type, "HASH") == 0)
			*hash_key = name;
		else if (name && type && strcmp(type, "RANGE") == 0)
			*range_key = name;
	}
}

static void
read_indexes(JsonbContainer *table, const char *member, bool global,
			 List **indexes)
{
	JsonbValue *arr = ddb_json_get(table, member);
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;

	if (arr == NULL || arr->type != jbvBinary)
		return;
	it = JsonbIteratorInit(arr->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		DdbIndex   *idx;
		JsonbValue *proj;
		char	   *ptype = NULL;

		if (tok != WJB_ELEM || v.type != jbvBinary)
			continue;
		idx = palloc0(sizeof(DdbIndex));
		idx->name = ddb_json_get_string(v.val.binary.data, "IndexName");
		idx->global = global;
		read_key_schema(v.val.binary.data, &idx->hash_key, &idx->range_key);
		proj = ddb_json_get(v.val.binary.data, "Projection");
		if (proj && proj->type == jbvBinary)
			ptype = ddb_json_get_string(proj->val.binary.data,
										"ProjectionType");
		idx->projects_all = ptype && strcmp(ptype, "ALL") == 0;
		if (idx->name && idx->hash_key)
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
 * The schema of a table, from the cache or from DescribeTable.  The result
 * lives as long as the backend, or until ddb_table_schema_forget().
 */
DdbTableSchema *
ddb_table_schema(const AwsConfig *cfg, const char *table)
{
	char	   *key = cache_key(cfg, table);
	SchemaCacheEntry *e;
	MemoryContext cxt;
	MemoryContext oldcxt;
	StringInfoData body;
	AwsResponse *resp;
	Jsonb	   *answer;
	JsonbValue *tv;
	DdbTableSchema *schema;
	List	   *indexes = NIL;
	List	   *defs = NIL;
	ListCell   *lc;
	int			i;

	for (e = schema_cache; e; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e->schema;

	initStringInfo(&body);
	appendStringInfoString(&body, "{\"TableName\":");
	ddb_json_string(&body, table);
	appendStringInfoChar(&body, '}');
	resp = aws_dynamodb_call(cfg, "DescribeTable", body.data, body.len,
							 true, NULL, NULL);

	cxt = AllocSetContextCreate(TopMemoryContext, "dynastore_fdw schema",
								ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		answer = ddb_json_parse(resp->body, "DescribeTable");
		tv = ddb_json_get(&answer->root, "Table");
		schema = palloc0(sizeof(DdbTableSchema));
		if (tv && tv->type == jbvBinary)
		{
			read_key_schema(tv->val.binary.data, &schema->hash_key,
							&schema->range_key);
			read_indexes(tv->val.binary.data, "LocalSecondaryIndexes", false,
						 &indexes);
			read_indexes(tv->val.binary.data, "GlobalSecondaryIndexes", true,
						 &indexes);
			read_attribute_definitions(tv->val.binary.data, &defs);
			schema->item_count = ddb_json_get_number(tv->val.binary.data,
													 "ItemCount", 0);
		}
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

		e = palloc0(sizeof(SchemaCacheEntry));
		e->key = pstrdup(key);
		e->schema = schema;
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

void
ddb_table_schema_forget(const AwsConfig *cfg, const char *table)
{
	char	   *key = cache_key(cfg, table);
	SchemaCacheEntry **p;

	for (p = &schema_cache; *p; p = &(*p)->next)
	{
		if (strcmp((*p)->key, key) == 0)
		{
			SchemaCacheEntry *gone = *p;

			*p = gone->next;
			MemoryContextDelete(gone->cxt);
			return;
		}
	}
}
