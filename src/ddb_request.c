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

/* {"id":{"S":..},"name":{"S":..}} from equality conditions. */
static void
append_key(StringInfo buf, List *conds)
{
	ListCell   *lc;
	bool		first = true;

	appendStringInfoChar(buf, '{');
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
 * A condition expression over conds with placeholders #<p>N and :<p>N,
 * "AND"-joined; the values go to values, the names to names.
 */
static void
append_conditions(StringInfo expr, StringInfo names, StringInfo values,
				  List *conds, char p)
{
	ListCell   *lc;
	int			n = 0;

	foreach(lc, conds)
	{
		DdbKeyCond *c = lfirst(lc);

		if (n > 0)
			appendStringInfoString(expr, " AND ");
		if (c->op == DDB_COND_BEGINS_WITH)
			appendStringInfo(expr, "begins_with(#%c%d, :%c%d)", p, n, p, n);
		else if (c->op == DDB_COND_BETWEEN)
			appendStringInfo(expr, "#%c%d BETWEEN :%c%d AND :%c%db",
							 p, n, p, n, p, n);
		else
			appendStringInfo(expr, "#%c%d %s :%c%d", p, n,
							 ddb_cond_op_text(c->op), p, n);

		appendStringInfo(names, "%s\"#%c%d\":", names->len > 0 ? "," : "",
						 p, n);
		ddb_json_string(names, c->attribute);
		appendStringInfo(values, "%s\":%c%d\":", values->len > 0 ? "," : "",
						 p, n);
		append_string_value(values, c->value);
		if (c->op == DDB_COND_BETWEEN)
		{
			appendStringInfo(values, ",\":%c%db\":", p, n);
			append_string_value(values, c->value2);
		}
		n++;
	}
}

/*
 * dynastore's rule for a live record, as a condition: no "expires", or a
 * number no earlier than now.  DynamoDB compares values of different
 * types as false, so an "expires" that is not a number is expired, as
 * attr_is_expired() decides.  ANDed to what expr holds.
 */
static void
append_live_condition(StringInfo expr, StringInfo names, StringInfo values,
					  int64 now)
{
	if (expr->len > 0)
		appendStringInfoString(expr, " AND ");
	appendStringInfoString(expr,
						   "(attribute_not_exists(#x0) OR #x0 >= :x0)");
	appendStringInfo(names, "%s\"#x0\":\"expires\"",
					 names->len > 0 ? "," : "");
	appendStringInfo(values, "%s\":x0\":{\"N\":\"" INT64_FORMAT "\"}",
					 values->len > 0 ? "," : "", now);
}

/* ProjectionExpression with #pN placeholders, names into names. */
static void
append_projection(StringInfo buf, StringInfo names, List *projection)
{
	StringInfoData expr;
	ListCell   *lc;
	int			n = 0;

	if (projection == NIL)
		return;
	initStringInfo(&expr);
	foreach(lc, projection)
	{
		appendStringInfo(&expr, "%s#p%d", n > 0 ? ", " : "", n);
		appendStringInfo(names, "%s\"#p%d\":", names->len > 0 ? "," : "", n);
		ddb_json_string(names, (const char *) lfirst(lc));
		n++;
	}
	appendStringInfoString(buf, ",\"ProjectionExpression\":");
	ddb_json_string(buf, expr.data);
	pfree(expr.data);
}

/*
 * Build the body of a GetItem, Query, Scan or BatchGetItem.  Every name
 * and value goes through a placeholder: #kN/:kN in key conditions, #fN/:fN
 * in the filter, #x0/:x0 in the expiry condition of a count, #pN in the
 * projection.
 */
char *
ddb_request_read(const DdbRead *read)
{
	StringInfoData buf;
	StringInfoData names;
	StringInfoData values;
	ListCell   *lc;

	initStringInfo(&buf);
	initStringInfo(&names);
	initStringInfo(&values);

	if (read->op == DDB_BATCH_GET_ITEM)
	{
		bool		first = true;

		appendStringInfoString(&buf, "{\"RequestItems\":{");
		ddb_json_string(&buf, read->table);
		appendStringInfoString(&buf, ":{\"Keys\":[");
		foreach(lc, read->batch_keys)
		{
			if (!first)
				appendStringInfoChar(&buf, ',');
			first = false;
			append_key(&buf, (List *) lfirst(lc));
		}
		appendStringInfoChar(&buf, ']');
		append_projection(&buf, &names, read->projection);
		if (names.len > 0)
			appendStringInfo(&buf, ",\"ExpressionAttributeNames\":{%s}",
							 names.data);
		if (read->consistent)
			appendStringInfoString(&buf, ",\"ConsistentRead\":true");
		appendStringInfoString(&buf, "}},\"ReturnConsumedCapacity\":\"TOTAL\"}");
		return buf.data;
	}

	appendStringInfoString(&buf, "{\"TableName\":");
	ddb_json_string(&buf, read->table);
	if (read->index)
	{
		appendStringInfoString(&buf, ",\"IndexName\":");
		ddb_json_string(&buf, read->index);
	}

	if (read->op == DDB_GET_ITEM)
	{
		appendStringInfoString(&buf, ",\"Key\":");
		append_key(&buf, read->key_conds);
	}
	else if (read->op == DDB_QUERY)
	{
		StringInfoData expr;

		initStringInfo(&expr);
		append_conditions(&expr, &names, &values, read->key_conds, 'k');
		appendStringInfoString(&buf, ",\"KeyConditionExpression\":");
		ddb_json_string(&buf, expr.data);
		if (!read->forward)
			appendStringInfoString(&buf, ",\"ScanIndexForward\":false");
	}
	else if (read->op == DDB_SCAN && read->total_segments > 1)
		appendStringInfo(&buf, ",\"Segment\":%d,\"TotalSegments\":%d",
						 read->segment, read->total_segments);

	if ((read->filter_conds != NIL || read->count_only) &&
		read->op != DDB_GET_ITEM)
	{
		StringInfoData expr;

		initStringInfo(&expr);
		append_conditions(&expr, &names, &values, read->filter_conds, 'f');
		if (read->count_only)
			append_live_condition(&expr, &names, &values, read->now);
		appendStringInfoString(&buf, ",\"FilterExpression\":");
		ddb_json_string(&buf, expr.data);
	}

	if (read->count_only)
		appendStringInfoString(&buf, ",\"Select\":\"COUNT\"");
	else
		append_projection(&buf, &names, read->projection);
	if (names.len > 0)
		appendStringInfo(&buf, ",\"ExpressionAttributeNames\":{%s}",
						 names.data);
	if (values.len > 0)
		appendStringInfo(&buf, ",\"ExpressionAttributeValues\":{%s}",
						 values.data);

	if (read->consistent)
		appendStringInfoString(&buf, ",\"ConsistentRead\":true");
	if (read->limit > 0 && read->op != DDB_GET_ITEM)
		appendStringInfo(&buf, ",\"Limit\":%d", read->limit);
	if (read->start_key && read->op != DDB_GET_ITEM)
		appendStringInfo(&buf, ",\"ExclusiveStartKey\":%s", read->start_key);
	appendStringInfoString(&buf, ",\"ReturnConsumedCapacity\":\"TOTAL\"}");

	pfree(names.data);
	pfree(values.data);
	return buf.data;
}
