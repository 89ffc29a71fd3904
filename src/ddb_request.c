/*-------------------------------------------------------------------------
 *
 * ddb_request.c
 *		The JSON of each DynamoDB read, built from a plan and parameters.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "ddb_json.h"
#include "ddb_request.h"

const char *
ddb_operation_name(DdbOperation op)
{
	switch (op)
	{
		case DDB_GET_ITEM:
			return "GetItem";
		case DDB_QUERY:
			return "Query";
		case DDB_SCAN:
			return "Scan";
		case DDB_BATCH_GET_ITEM:
			return "BatchGetItem";
	}
	return "?";
}

const char *
ddb_cond_op_text(DdbCondOp op)
{
	switch (op)
	{
		case DDB_COND_EQ:
			return "=";
		case DDB_COND_BEGINS_WITH:
			return "begins_with";
		case DDB_COND_LT:
			return "<";
		case DDB_COND_LE:
			return "<=";
		case DDB_COND_GT:
			return ">";
		case DDB_COND_GE:
			return ">=";
		case DDB_COND_BETWEEN:
			return "BETWEEN";
	}
	return "?";
}

static void
append_string_value(StringInfo buf, const char *value)
{
	appendStringInfoString(buf, "{\"S\":");
	ddb_json_string(buf, value);
	appendStringInfoChar(buf, '}');
}

/* "Key":{"id":{"S":..},"name":{"S":..}} from equality conditions. */
static void
append_key(StringInfo buf, List *conds)
{
	ListCell   *lc;
	bool		first = true;

	appendStringInfoString(buf, "\"Key\":{");
	foreach(lc, conds)
	{
		DdbKeyCond *c = lfirst(lc);

		if (!first)
			appendStringInfoChar(buf, ',');
		first = false;
		ddb_json_string(buf, c->attribute);
		appendStringInfoChar(buf, ':');
		append_string_value(buf, c->value);
	}
	appendStringInfoChar(buf, '}');
}

/*
 * Build the body of a GetItem, Query or Scan.  Placeholders: #kN and :kN
 * for key conditions, #pN for projected attributes.
 */
char *
ddb_request_read(const DdbRead *read)
{
	StringInfoData buf;
	StringInfoData expr;
	ListCell   *lc;
	int			n;
	bool		has_names = false;

	initStringInfo(&buf);
	initStringInfo(&expr);

	appendStringInfoString(&buf, "{\"TableName\":");
	ddb_json_string(&buf, read->table);
	if (read->index)
	{
		appendStringInfoString(&buf, ",\"IndexName\":");
		ddb_json_string(&buf, read->index);
	}

	if (read->op == DDB_GET_ITEM)
	{
		appendStringInfoChar(&buf, ',');
		append_key(&buf, read->key_conds);
	}
	else if (read->op == DDB_QUERY)
	{
		n = 0;
		foreach(lc, read->key_conds)
		{
			DdbKeyCond *c = lfirst(lc);

			if (n > 0)
				appendStringInfoString(&expr, " AND ");
			if (c->op == DDB_COND_BEGINS_WITH)
				appendStringInfo(&expr, "begins_with(#k%d, :k%d)", n, n);
			else if (c->op == DDB_COND_BETWEEN)
				appendStringInfo(&expr, "#k%d BETWEEN :k%d AND :k%db", n, n, n);
			else
				appendStringInfo(&expr, "#k%d %s :k%d", n,
								 ddb_cond_op_text(c->op), n);
			n++;
		}
		appendStringInfoString(&buf, ",\"KeyConditionExpression\":");
		ddb_json_string(&buf, expr.data);

		appendStringInfoString(&buf, ",\"ExpressionAttributeValues\":{");
		n = 0;
		foreach(lc, read->key_conds)
		{
			DdbKeyCond *c = lfirst(lc);

			appendStringInfo(&buf, "%s\":k%d\":", n > 0 ? "," : "", n);
			append_string_value(&buf, c->value);
			if (c->op == DDB_COND_BETWEEN)
			{
				appendStringInfo(&buf, ",\":k%db\":", n);
				append_string_value(&buf, c->value2);
			}
			n++;
		}
		appendStringInfoChar(&buf, '}');
		if (!read->forward)
			appendStringInfoString(&buf, ",\"ScanIndexForward\":false");
	}

	if (read->projection != NIL)
	{
		resetStringInfo(&expr);
		n = 0;
		foreach(lc, read->projection)
		{
			appendStringInfo(&expr, "%s#p%d", n > 0 ? ", " : "", n);
			n++;
		}
		appendStringInfoString(&buf, ",\"ProjectionExpression\":");
		ddb_json_string(&buf, expr.data);
	}

	/* the names of every placeholder used above */
	if (read->op == DDB_QUERY || read->projection != NIL)
	{
		appendStringInfoString(&buf, ",\"ExpressionAttributeNames\":{");
		n = 0;
		if (read->op == DDB_QUERY)
		{
			foreach(lc, read->key_conds)
			{
				DdbKeyCond *c = lfirst(lc);

				appendStringInfo(&buf, "%s\"#k%d\":", has_names ? "," : "", n++);
				ddb_json_string(&buf, c->attribute);
				has_names = true;
			}
		}
		n = 0;
		foreach(lc, read->projection)
		{
			appendStringInfo(&buf, "%s\"#p%d\":", has_names ? "," : "", n++);
			ddb_json_string(&buf, (const char *) lfirst(lc));
			has_names = true;
		}
		appendStringInfoChar(&buf, '}');
	}

	if (read->consistent)
		appendStringInfoString(&buf, ",\"ConsistentRead\":true");
	if (read->limit > 0 && read->op != DDB_GET_ITEM)
		appendStringInfo(&buf, ",\"Limit\":%d", read->limit);
	if (read->start_key && read->op != DDB_GET_ITEM)
		appendStringInfo(&buf, ",\"ExclusiveStartKey\":%s", read->start_key);
	appendStringInfoString(&buf, ",\"ReturnConsumedCapacity\":\"TOTAL\"}");

	pfree(expr.data);
	return buf.data;
}

/* The key condition as EXPLAIN shows it: id = 'customers' AND ... */
char *
ddb_describe_key_condition(const DdbRead *read)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, read->key_conds)
	{
		DdbKeyCond *c = lfirst(lc);

		if (buf.len > 0)
			appendStringInfoString(&buf, " AND ");
		if (c->op == DDB_COND_BEGINS_WITH)
			appendStringInfo(&buf, "begins_with(%s, %s)", c->attribute,
							 c->value ? quote_literal_cstr(c->value) : "$?");
		else if (c->op == DDB_COND_BETWEEN)
			appendStringInfo(&buf, "%s BETWEEN %s AND %s", c->attribute,
							 c->value ? quote_literal_cstr(c->value) : "$?",
							 c->value2 ? quote_literal_cstr(c->value2) : "$?");
		else
			appendStringInfo(&buf, "%s %s %s", c->attribute,
							 ddb_cond_op_text(c->op),
							 c->value ? quote_literal_cstr(c->value) : "$?");
	}
	return buf.data;
}
