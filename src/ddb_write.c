/*-------------------------------------------------------------------------
 *
 * ddb_write.c
 *		The JSON of each DynamoDB write, and of the read that checks one.
 *
 * The conditions are dynastore's, with one repair: a create may replace a
 * record that has expired, which dynastore intends and its condition never
 * allows.  "Expired" means here what it means to a read (attr_is_expired):
 * expires present and earlier than now, or not a number.
 *
 *	create	PutItem, condition: no record, or an expired one.  PutItem
 *			replaces the whole item, so what an expired record held does
 *			not survive into the new one, and its version starts at 1.
 *	update	UpdateItem, ADD version 1, SET and REMOVE of what changed;
 *			condition: the version read, and not expired.
 *	delete	DeleteItem, condition: the version read.
 *
 * Each comes in two shapes: a request of its own, or an action of a
 * TransactWriteItems, which applies at most once however often it is sent.
 *
 * A record without a version (written by another tool) is matched by the
 * version's absence, and must still exist.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_json.h"
#include "ddb_write.h"

/*
 * The conditions of dynastore's writes, once for the single writes and the
 * merged actions of commit mode: no live record (INSERT); the version read
 * and not expired (UPDATE); the version read (DELETE); and, for records
 * with no version, that they still have none.
 */
#define COND_ABSENT \
	"attribute_not_exists(#n) OR #e < :now" \
	" OR (attribute_exists(#e) AND NOT attribute_type(#e, :num))"
#define COND_LIVE_VERSION \
	"#v = :v AND (attribute_not_exists(#e) OR #e >= :now)"
#define COND_LIVE_NO_VERSION \
	"attribute_exists(#n) AND attribute_not_exists(#v)" \
	" AND (attribute_not_exists(#e) OR #e >= :now)"
#define COND_VERSION	"#v = :v"
#define COND_NO_VERSION "attribute_exists(#n) AND attribute_not_exists(#v)"

static void append_key(StringInfo buf, const DdbKey *key);
static void append_string_av(StringInfo buf, const char *value);
static void append_condition_values(StringInfo buf, bool has_version,
									int64 version, int64 now);

/* An attribute to write; value is AttributeValue JSON, or NULL to remove. */
DdbAttr *
ddb_attr_make(const char *name, char *value, size_t value_size)
{
	DdbAttr    *attr = palloc(sizeof(DdbAttr));

	attr->name = pstrdup(name);
	attr->value = value;
	attr->size = strlen(name) + value_size;
	return attr;
}

/* Bytes the key attributes count toward the item size. */
size_t
ddb_key_size(const DdbKey *key)
{
	return strlen("id") + strlen(key->id) + strlen("name") + strlen(key->name);
}

static void
append_string_av(StringInfo buf, const char *value)
{
	appendStringInfoString(buf, "{\"S\":");
	ddb_json_string(buf, value);
	appendStringInfoChar(buf, '}');
}

/* "Key":{"id":{"S":..},"name":{"S":..}} */
static void
append_key(StringInfo buf, const DdbKey *key)
{
	appendStringInfoString(buf, "\"Key\":{\"id\":");
	append_string_av(buf, key->id);
	appendStringInfoString(buf, ",\"name\":");
	append_string_av(buf, key->name);
	appendStringInfoChar(buf, '}');
}

/*
 * The whole item of a record: its key and the attributes that have a value.
 * Attributes to remove have no place in a new item and are left out.
 */
char *
ddb_write_item(const DdbKey *key, List *attrs)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"id\":");
	append_string_av(&buf, key->id);
	appendStringInfoString(&buf, ",\"name\":");
	append_string_av(&buf, key->name);
	foreach(lc, attrs)
	{
		DdbAttr    *attr = lfirst(lc);

		if (attr->value == NULL)
			continue;
		appendStringInfoChar(&buf, ',');
		ddb_json_string(&buf, attr->name);
		appendStringInfoChar(&buf, ':');
		appendStringInfoString(&buf, attr->value);
	}
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/*
 * Close the members of one write: as a whole request (PutItem, UpdateItem,
 * DeleteItem) that reports its capacity, or as one action of a
 * TransactWriteItems ({"Put":{...}}) that returns the item as it was when
 * its condition fails, for the error message.
 */
static char *
finish_write(StringInfo members, const char *action, DdbWriteShape shape)
{
	StringInfoData buf;

	initStringInfo(&buf);
	if (shape == DDB_WRITE_REQUEST)
		appendStringInfo(&buf, "{%s,\"ReturnConsumedCapacity\":\"TOTAL\"}",
						 members->data);
	else
		appendStringInfo(&buf, "{\"%s\":{%s,\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\"}}",
						 action, members->data);
	pfree(members->data);
	return buf.data;
}

/*
 * PutItem of a new record (item from ddb_write_item), conditioned on no
 * live record having its key.  A non-number "expires" counts as expired,
 * as it does for reads; attribute_type needs the attribute to exist, hence
 * the attribute_exists beside it.
 */
char *
ddb_write_create(const char *table, const char *item, int64 now,
				 DdbWriteShape shape)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "\"TableName\":");
	ddb_json_string(&buf, table);
	appendStringInfo(&buf, ",\"Item\":%s", item);
	appendStringInfoString(&buf,
						   ",\"ConditionExpression\":\"" COND_ABSENT "\""
						   ",\"ExpressionAttributeNames\":{\"#n\":\"name\",\"#e\":\"expires\"}");
	appendStringInfo(&buf,
					 ",\"ExpressionAttributeValues\":{\":now\":{\"N\":\"" INT64_FORMAT "\"},"
					 "\":num\":{\"S\":\"N\"}}",
					 now);
	return finish_write(&buf, "Put", shape);
}

/*
 * BatchWriteItem of whole items (from ddb_write_item), no condition: each
 * replaces what has its key.  At most DDB_MAX_BATCH_WRITE items, no key
 * twice; the caller sees to both.
 */
char *
ddb_write_batch_put(const char *table, List *items)
{
	StringInfoData buf;
	ListCell   *lc;

	Assert(list_length(items) <= DDB_MAX_BATCH_WRITE);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"RequestItems\":{");
	ddb_json_string(&buf, table);
	appendStringInfoString(&buf, ":[");
	foreach(lc, items)
	{
		if (foreach_current_index(lc) > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfo(&buf, "{\"PutRequest\":{\"Item\":%s}}",
						 (char *) lfirst(lc));
	}
	appendStringInfoString(&buf, "]},\"ReturnConsumedCapacity\":\"TOTAL\"}");
	return buf.data;
}

/* ":v" (unless the record has no version) and ":now" of a condition. */
static void
append_condition_values(StringInfo buf, bool has_version, int64 version,
						int64 now)
{
	if (has_version)
		appendStringInfo(buf, "\":v\":{\"N\":\"" INT64_FORMAT "\"},", version);
	appendStringInfo(buf, "\":now\":{\"N\":\"" INT64_FORMAT "\"}", now);
}

/*
 * UpdateItem of a record read at version (or without one): ADD version 1,
 * SET of the attributes with a value, REMOVE of the others, conditioned on
 * the version and on the record not having expired.
 */
char *
ddb_write_update(const char *table, const DdbKey *key, List *attrs,
				 bool has_version, int64 version, int64 now,
				 DdbWriteShape shape)
{
	StringInfoData buf;
	StringInfoData expr;
	ListCell   *lc;
	bool		any;

	initStringInfo(&buf);
	initStringInfo(&expr);
	appendStringInfoString(&buf, "\"TableName\":");
	ddb_json_string(&buf, table);
	appendStringInfoChar(&buf, ',');
	append_key(&buf, key);

	appendStringInfoString(&expr, "ADD #v :one");
	any = false;
	foreach(lc, attrs)
	{
		DdbAttr    *attr = lfirst(lc);
		int			i = foreach_current_index(lc);

		if (attr->value == NULL)
			continue;
		appendStringInfo(&expr, "%s#a%d = :a%d", any ? ", " : " SET ", i, i);
		any = true;
	}
	any = false;
	foreach(lc, attrs)
	{
		DdbAttr    *attr = lfirst(lc);
		int			i = foreach_current_index(lc);

		if (attr->value != NULL)
			continue;
		appendStringInfo(&expr, "%s#a%d", any ? ", " : " REMOVE ", i);
		any = true;
	}
	appendStringInfoString(&buf, ",\"UpdateExpression\":");
	ddb_json_string(&buf, expr.data);

	appendStringInfoString(&buf, ",\"ConditionExpression\":");
	ddb_json_string(&buf, has_version ? COND_LIVE_VERSION :
					COND_LIVE_NO_VERSION);

	appendStringInfoString(&buf, ",\"ExpressionAttributeNames\":{"
						   "\"#v\":\"version\",\"#e\":\"expires\"");
	if (!has_version)
		appendStringInfoString(&buf, ",\"#n\":\"name\"");
	foreach(lc, attrs)
	{
		DdbAttr    *attr = lfirst(lc);

		appendStringInfo(&buf, ",\"#a%d\":", foreach_current_index(lc));
		ddb_json_string(&buf, attr->name);
	}
	appendStringInfoString(&buf, "},\"ExpressionAttributeValues\":{"
						   "\":one\":{\"N\":\"1\"},");
	append_condition_values(&buf, has_version, version, now);
	foreach(lc, attrs)
	{
		DdbAttr    *attr = lfirst(lc);

		if (attr->value == NULL)
			continue;
		appendStringInfo(&buf, ",\":a%d\":%s", foreach_current_index(lc),
						 attr->value);
	}
	appendStringInfoChar(&buf, '}');

	pfree(expr.data);
	return finish_write(&buf, "Update", shape);
}

/*
 * DeleteItem of a record read at version (or without one).  As in
 * dynastore's AtomicDelete, expiry plays no part: deleting a record that
 * expired since it was read removes what was gone anyway.
 */
char *
ddb_write_delete(const char *table, const DdbKey *key, bool has_version,
				 int64 version, DdbWriteShape shape)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "\"TableName\":");
	ddb_json_string(&buf, table);
	appendStringInfoChar(&buf, ',');
	append_key(&buf, key);
	if (has_version)
		appendStringInfo(&buf,
						 ",\"ConditionExpression\":\"" COND_VERSION "\""
						 ",\"ExpressionAttributeNames\":{\"#v\":\"version\"}"
						 ",\"ExpressionAttributeValues\":{\":v\":{\"N\":\"" INT64_FORMAT "\"}}",
						 version);
	else
		appendStringInfoString(&buf,
							   ",\"ConditionExpression\":\"" COND_NO_VERSION "\""
							   ",\"ExpressionAttributeNames\":{\"#n\":\"name\",\"#v\":\"version\"}");
	return finish_write(&buf, "Delete", shape);
}

/*
 * TransactWriteItems of actions (from the functions above, shaped as
 * DDB_WRITE_ACTION), at most DDB_MAX_TRANSACT_ACTIONS of them, no item
 * twice.  The token makes a resend of the same body apply at most once.
 */
char *
ddb_write_transaction(char **actions, int nactions, const char *token)
{
	StringInfoData buf;

	Assert(nactions > 0 && nactions <= DDB_MAX_TRANSACT_ACTIONS);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"TransactItems\":[");
	for (int i = 0; i < nactions; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfoString(&buf, actions[i]);
	}
	appendStringInfoString(&buf, "],\"ClientRequestToken\":");
	ddb_json_string(&buf, token);
	appendStringInfoString(&buf, ",\"ReturnConsumedCapacity\":\"TOTAL\"}");
	return buf.data;
}

/* Strongly consistent GetItem of one record, to learn what a write did. */
char *
ddb_write_get(const char *table, const DdbKey *key)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"TableName\":");
	ddb_json_string(&buf, table);
	appendStringInfoChar(&buf, ',');
	append_key(&buf, key);
	appendStringInfoString(&buf, ",\"ConsistentRead\":true}");
	return buf.data;
}

/*
 * One action of a transaction that writes a record once for everything a
 * SQL transaction did to it (write_mode 'commit'): the condition of its
 * first write, the effect of its last.  attrs are the item's attributes
 * but the key for a put, those to set (value) and remove (NULL) for an
 * update, which also adds increment to the version.
 */
char *
ddb_write_action(const char *table, const DdbKey *key, DdbCondition cond,
				 bool has_version, int64 version, int64 now,
				 DdbEffect effect, List *attrs, int64 increment)
{
	StringInfoData buf;
	StringInfoData names;
	StringInfoData values;
	const char *expr = NULL;
	const char *action;
	ListCell   *lc;

	initStringInfo(&buf);
	initStringInfo(&names);
	initStringInfo(&values);
	appendStringInfoString(&buf, "\"TableName\":");
	ddb_json_string(&buf, table);
	appendStringInfoChar(&buf, ',');

	switch (cond)
	{
		case DDB_IF_ANY:
			break;
		case DDB_IF_ABSENT:
			expr = COND_ABSENT;
			appendStringInfoString(&names, ",\"#n\":\"name\",\"#e\":\"expires\"");
			appendStringInfo(&values, ",\":now\":{\"N\":\"" INT64_FORMAT "\"},"
							 "\":num\":{\"S\":\"N\"}", now);
			break;
		case DDB_IF_LIVE_VERSION:
			expr = has_version ? COND_LIVE_VERSION : COND_LIVE_NO_VERSION;
			appendStringInfoString(&names, ",\"#e\":\"expires\"");
			appendStringInfo(&values, ",\":now\":{\"N\":\"" INT64_FORMAT "\"}",
							 now);
			break;
		case DDB_IF_VERSION:
			expr = has_version ? COND_VERSION : COND_NO_VERSION;
			break;
	}
	if (cond == DDB_IF_LIVE_VERSION || cond == DDB_IF_VERSION)
	{
		appendStringInfoString(&names, ",\"#v\":\"version\"");
		if (has_version)
			appendStringInfo(&values, ",\":v\":{\"N\":\"" INT64_FORMAT "\"}",
							 version);
		else
			appendStringInfoString(&names, ",\"#n\":\"name\"");
	}

	if (effect == DDB_DO_PUT)
	{
		action = "Put";
		appendStringInfo(&buf, "\"Item\":%s", ddb_write_item(key, attrs));
	}
	else
	{
		action = effect == DDB_DO_CHECK ? "ConditionCheck" :
			effect == DDB_DO_UPDATE ? "Update" : "Delete";
		append_key(&buf, key);
	}

	if (effect == DDB_DO_UPDATE)
	{
		StringInfoData update;
		bool		any = false;

		initStringInfo(&update);
		appendStringInfoString(&update, "ADD #u :inc");
		appendStringInfoString(&names, ",\"#u\":\"version\"");
		appendStringInfo(&values, ",\":inc\":{\"N\":\"" INT64_FORMAT "\"}",
						 increment);
		foreach(lc, attrs)
		{
			DdbAttr    *attr = lfirst(lc);
			int			i = foreach_current_index(lc);

			appendStringInfo(&names, ",\"#a%d\":", i);
			ddb_json_string(&names, attr->name);
			if (attr->value == NULL)
				continue;
			appendStringInfo(&update, "%s#a%d = :a%d", any ? ", " : " SET ",
							 i, i);
			appendStringInfo(&values, ",\":a%d\":%s", i, attr->value);
			any = true;
		}
		any = false;
		foreach(lc, attrs)
		{
			DdbAttr    *attr = lfirst(lc);

			if (attr->value != NULL)
				continue;
			appendStringInfo(&update, "%s#a%d", any ? ", " : " REMOVE ",
							 foreach_current_index(lc));
			any = true;
		}
		appendStringInfoString(&buf, ",\"UpdateExpression\":");
		ddb_json_string(&buf, update.data);
	}

	if (expr)
	{
		appendStringInfoString(&buf, ",\"ConditionExpression\":");
		ddb_json_string(&buf, expr);
	}
	if (names.len > 0)
		appendStringInfo(&buf, ",\"ExpressionAttributeNames\":{%s}",
						 names.data + 1);
	if (values.len > 0)
		appendStringInfo(&buf, ",\"ExpressionAttributeValues\":{%s}",
						 values.data + 1);
	pfree(names.data);
	pfree(values.data);

	/* an action with no condition cannot fail one: ask for no item */
	if (expr == NULL)
	{
		StringInfoData out;

		initStringInfo(&out);
		appendStringInfo(&out, "{\"%s\":{%s}}", action, buf.data);
		pfree(buf.data);
		return out.data;
	}
	return finish_write(&buf, action, DDB_WRITE_ACTION);
}
