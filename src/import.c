/*-------------------------------------------------------------------------
 *
 * import.c
 *		IMPORT FOREIGN SCHEMA: foreign tables for the DynamoDB tables of a
 *		server, from ListTables and DescribeTable.
 *
 * A DynamoDB account has tables and no schemas, so the remote schema name
 * of the statement is not used.  Each table in dynastore's shape (hash key
 * "id", range key "name", both strings) becomes one foreign table spanning
 * all its partitions, or, with the option partitions, one foreign table per
 * partition named after it.  Besides the record's own columns, every key
 * attribute of an index becomes a typed column, so that conditions on it
 * can use the index; sort keys that are strings are declared COLLATE "C",
 * the collation under which ranges and ORDER BY reach DynamoDB (see
 * pushdown.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"

#include "attr_value.h"
#include "aws_client.h"
#include "ddb_json.h"
#include "ddb_table.h"
#include "import.h"
#include "option.h"

/* The options of IMPORT FOREIGN SCHEMA ... OPTIONS (...). */
typedef struct ImportOptions
{
	const char *value_type;		/* "text", "jsonb" or "bytea" */
	const char *table;			/* only this DynamoDB table, or NULL */
	List	   *partitions;		/* of char *: one foreign table each */
} ImportOptions;

/* ListTables answers at most this many names a page. */
#define LIST_TABLES_PAGE	100

static ImportOptions *import_options(List *options);
static List *split_partitions(const char *list);
static List *list_tables(const AwsConfig *aws);
static bool wanted(ImportForeignSchemaStmt *stmt, const char *relname);
static char *column_list(const DdbTableSchema *schema, const char *value_type);
static char *create_statement(const char *relname, const char *columns,
							  const char *server, const char *table,
							  const char *partition);

/*
 * The CREATE FOREIGN TABLE statements of an import.  LIMIT TO and EXCEPT
 * name the foreign tables, as everywhere in PostgreSQL: the DynamoDB
 * tables in a whole-table import, the partitions with the option
 * partitions.  Tables that are not in dynastore's shape are skipped with a
 * NOTICE saying why.
 */
List *
ds_import_foreign_schema(ImportForeignSchemaStmt *stmt, Oid serverOid)
{
	ForeignServer *server = GetForeignServer(serverOid);
	DsTableOptions *opts = ds_get_server_options(server, GetUserId());
	ImportOptions *io = import_options(stmt->options);
	List	   *tables = list_tables(&opts->aws);
	List	   *commands = NIL;
	ListCell   *lc;

	if (io->table)
	{
		bool		found = false;

		foreach(lc, tables)
			if (strcmp(lfirst(lc), io->table) == 0)
				found = true;
		if (!found)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
					 errmsg("DynamoDB table \"%s\" does not exist", io->table),
					 errdetail("ListTables of server \"%s\" does not name it.",
							   server->servername),
					 errhint("Check the option table of IMPORT FOREIGN SCHEMA and the region and endpoint options of the server.")));
		tables = list_make1(pstrdup(io->table));
	}

	foreach(lc, tables)
	{
		const char *table = lfirst(lc);
		DdbTableSchema *schema;
		const char *why;
		char	   *columns;
		ListCell   *pc;

		/* a whole-table import names the foreign table after the table */
		if (io->partitions == NIL && !wanted(stmt, table))
			continue;

		/* ask DynamoDB anew: the import is what the table is now */
		ddb_table_schema_forget(&opts->aws, table);
		schema = ddb_table_describe(&opts->aws, table);
		if ((why = ds_not_dynastore_layout(schema)) != NULL)
		{
			ereport(NOTICE,
					(errmsg("skipping DynamoDB table \"%s\": it is not in dynastore's layout",
							table),
					 errdetail("%s", why)));
			continue;
		}

		columns = column_list(schema, io->value_type);
		if (io->partitions == NIL)
		{
			commands = lappend(commands,
							   create_statement(table, columns,
												server->servername, table,
												NULL));
			continue;
		}
		foreach(pc, io->partitions)
		{
			const char *partition = lfirst(pc);

			if (wanted(stmt, partition))
				commands = lappend(commands,
								   create_statement(partition, columns,
													server->servername,
													table, partition));
		}
	}
	return commands;
}

static ImportOptions *
import_options(List *options)
{
	ImportOptions *io = palloc0(sizeof(ImportOptions));
	ListCell   *lc;

	io->value_type = "text";
	foreach(lc, options)
	{
		DefElem    *def = lfirst(lc);
		char	   *value = defGetString(def);

		if (strcmp(def->defname, "value_type") == 0)
		{
			if (strcmp(value, "text") != 0 && strcmp(value, "jsonb") != 0 &&
				strcmp(value, "bytea") != 0)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("invalid value for option \"%s\": \"%s\"",
								def->defname, value),
						 errdetail("The value must be \"text\", \"jsonb\" or \"bytea\".")));
			io->value_type = value;
		}
		else if (strcmp(def->defname, "table") == 0)
		{
			if (value[0] == '\0')
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("invalid value for option \"%s\": \"%s\"",
								def->defname, value),
						 errdetail("The value must not be empty.")));
			io->table = value;
		}
		else if (strcmp(def->defname, "partitions") == 0)
			io->partitions = split_partitions(value);
		else
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("invalid option \"%s\"", def->defname),
					 errhint("Valid options of IMPORT FOREIGN SCHEMA are: value_type, table, partitions.")));
	}

	if (io->partitions != NIL && io->table == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("option \"partitions\" needs the option \"table\""),
				 errdetail("The foreign tables are named after the partitions, so they are made from one DynamoDB table."),
				 errhint("Add table 'YourTable' to the OPTIONS of IMPORT FOREIGN SCHEMA.")));
	return io;
}

/* "customers, orders" -> ("customers", "orders"); no name may be empty. */
static List *
split_partitions(const char *list)
{
	List	   *result = NIL;
	const char *p = list;

	for (;;)
	{
		const char *start;
		const char *end;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t' ||
							   end[-1] == '\n'))
			end--;
		if (end == start)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"partitions\": \"%s\"",
							list),
					 errdetail("The value is a list of partition names separated by commas, none empty.")));
		result = lappend(result, pnstrdup(start, end - start));
		if (*p == '\0')
			break;
		p++;
	}
	return result;
}

/* Every table name of the account, in ListTables' order, page by page. */
static List *
list_tables(const AwsConfig *aws)
{
	List	   *names = NIL;
	char	   *start = NULL;

	do
	{
		StringInfoData body;
		AwsResponse *resp;
		Jsonb	   *answer;
		JsonbValue *arr;

		initStringInfo(&body);
		appendStringInfo(&body, "{\"Limit\":%d", LIST_TABLES_PAGE);
		if (start)
		{
			appendStringInfoString(&body, ",\"ExclusiveStartTableName\":");
			ddb_json_string(&body, start);
		}
		appendStringInfoChar(&body, '}');
		resp = aws_dynamodb_call(aws, "ListTables", body.data, body.len,
								 true, NULL, NULL);
		answer = ddb_json_parse(resp->body, "ListTables");
		arr = ddb_json_get(&answer->root, "TableNames");
		if (arr && arr->type == jbvBinary)
		{
			JsonbIterator *it = JsonbIteratorInit(arr->val.binary.data);
			JsonbIteratorToken tok;
			JsonbValue	v;

			while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
				if (tok == WJB_ELEM && v.type == jbvString)
					names = lappend(names, pnstrdup(v.val.string.val,
													v.val.string.len));
		}
		start = ddb_json_get_string(&answer->root, "LastEvaluatedTableName");
	} while (start != NULL);

	return names;
}

/* Does LIMIT TO / EXCEPT let the foreign table relname be made? */
static bool
wanted(ImportForeignSchemaStmt *stmt, const char *relname)
{
	ListCell   *lc;
	bool		listed = false;

	if (stmt->list_type == FDW_IMPORT_SCHEMA_ALL)
		return true;
	foreach(lc, stmt->table_list)
		if (strcmp(((RangeVar *) lfirst(lc))->relname, relname) == 0)
			listed = true;
	return stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO ? listed : !listed;
}

/* Why a table is not in dynastore's layout, or NULL when it is. */
const char *
ds_not_dynastore_layout(const DdbTableSchema *schema)
{
	const char *hash_type;
	const char *range_type;

	if (schema->hash_key == NULL || schema->range_key == NULL)
		return psprintf("Its key is the partition key \"%s\" alone; a dynastore table's key is the partition key \"id\" and the sort key \"name\".",
						schema->hash_key ? schema->hash_key : "?");
	if (strcmp(schema->hash_key, "id") != 0 ||
		strcmp(schema->range_key, "name") != 0)
		return psprintf("Its key is (\"%s\", \"%s\"); a dynastore table's key is (\"id\", \"name\").",
						schema->hash_key, schema->range_key);
	hash_type = ddb_table_attribute_type(schema, "id");
	range_type = ddb_table_attribute_type(schema, "name");
	if (hash_type && strcmp(hash_type, "S") != 0)
		return psprintf("Its key attribute \"id\" is of type %s; dynastore's keys are strings (S).",
						hash_type);
	if (range_type && strcmp(range_type, "S") != 0)
		return psprintf("Its key attribute \"name\" is of type %s; dynastore's keys are strings (S).",
						range_type);
	return NULL;
}

/* Is attribute the sort key of some index? */
static bool
is_index_range_key(const DdbTableSchema *schema, const char *attribute)
{
	int			i;

	for (i = 0; i < schema->nindexes; i++)
		if (schema->indexes[i].range_key &&
			strcmp(schema->indexes[i].range_key, attribute) == 0)
			return true;
	return false;
}

/* Add the column of an index key attribute, once. */
static void
append_key_column(StringInfo buf, const DdbTableSchema *schema,
				  const char *attribute, List **done)
{
	const char *type = ddb_table_attribute_type(schema, attribute);
	ListCell   *lc;
	int			i;

	for (i = 0; i < ATTR_NRESERVED; i++)
		if (strcmp(attribute, attr_reserved[i]) == 0)
			return;
	foreach(lc, *done)
		if (strcmp(lfirst(lc), attribute) == 0)
			return;
	*done = lappend(*done, (char *) attribute);

	/* "value" and "fields" are column names with a meaning of their own */
	if (strcmp(attribute, "value") == 0 || strcmp(attribute, "fields") == 0)
		appendStringInfo(buf, ",\n  %s", quote_identifier(psprintf("%s_attribute",
																	attribute)));
	else
		appendStringInfo(buf, ",\n  %s", quote_identifier(attribute));

	if (type && strcmp(type, "N") == 0)
		appendStringInfoString(buf, " numeric");
	else if (type && strcmp(type, "B") == 0)
		appendStringInfoString(buf, " bytea");
	else
	{
		appendStringInfoString(buf, " text");
		if (is_index_range_key(schema, attribute))
			appendStringInfoString(buf, " COLLATE \"C\"");
	}
	if (strcmp(attribute, "value") == 0 || strcmp(attribute, "fields") == 0)
		appendStringInfo(buf, " OPTIONS (attribute %s)",
						 quote_literal_cstr(attribute));
}

/*
 * The columns: the record's own, then each index key attribute in the
 * order DescribeTable lists the indexes (local, then global).
 */
static char *
column_list(const DdbTableSchema *schema, const char *value_type)
{
	StringInfoData buf;
	List	   *done = NIL;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf,
					 "  id text,\n"
					 "  name text COLLATE \"C\",\n"
					 "  version bigint,\n"
					 "  expires timestamptz,\n"
					 "  value %s,\n"
					 "  fields jsonb", value_type);
	/*
	 * AttributeDefinitions name exactly the key attributes of the table and
	 * of its indexes, whatever their type (the planner uses only the indexes
	 * keyed by strings, but every key is worth a typed column).
	 */
	for (i = 0; i < schema->nattributes; i++)
		append_key_column(&buf, schema, schema->attributes[i].name, &done);
	return buf.data;
}

static char *
create_statement(const char *relname, const char *columns, const char *server,
				 const char *table, const char *partition)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE FOREIGN TABLE %s (\n%s\n) SERVER %s OPTIONS (table %s",
					 quote_identifier(relname), columns,
					 quote_identifier(server), quote_literal_cstr(table));
	if (partition)
		appendStringInfo(&buf, ", partition %s", quote_literal_cstr(partition));
	appendStringInfoChar(&buf, ')');
	return buf.data;
}
