/*-------------------------------------------------------------------------
 *
 * ddb_answer.c
 *		Checking DynamoDB's answers to reads before anything of them is used.
 *
 * An answer that DynamoDB would not send (from a buggy emulator, a proxy,
 * or someone in the middle of plain http) must give an error, never a
 * wrong row, a crash or a read that never ends.  So each answer is checked
 * whole before its items are read: its shape for the operation, that every
 * item has dynastore's key and is one the request asked for (the key of a
 * GetItem, one of the keys of a BatchGetItem, within the key condition of
 * a Query, in the order of its sort key), that UnprocessedKeys are keys
 * that were asked for, and that no LastEvaluatedKey comes back twice.
 * The types of the items' other attributes are checked where they are
 * read (attr_value.c).
 *
 * Strings are compared as bytes: answers are converted from UTF-8 at one
 * place (ddb_json_parse), as the request's values were to it, and ranges
 * and orders are only pushed to DynamoDB in UTF-8 databases.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "mb/pg_wchar.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "ddb_answer.h"
#include "ddb_json.h"

/* The longest piece of a key quoted in an error. */
#define QUOTED_KEY		100

static const char *
quoted(const char *s, int len)
{
	int			cut = len;

	if (len > QUOTED_KEY)
		cut = pg_mbcliplen(s, len, QUOTED_KEY);

	return psprintf("\"%.*s\"%s", cut, s, cut < len ? "..." : "");
}

/*
 * The string of attribute attr of an item, which must be {"S": "..."}.
 * False when the item lacks it.
 */
static bool
string_attribute(const char *op, JsonbContainer *item, const char *attr,
				 const char **str, int *len)
{
	JsonbValue *av = ddb_json_get(item, attr);
	JsonbValue *s;

	if (av == NULL)
		return false;
	if (av->type != jbvBinary || !JsonContainerIsObject(av->val.binary.data) ||
		JsonContainerSize(av->val.binary.data) != 1 ||
		(s = ddb_json_get(av->val.binary.data, "S")) == NULL ||
		s->type != jbvString)
		ddb_answer_error(op, "Key attribute \"%s\" is not a string (S).",
						 attr);
	*str = s->val.string.val;
	*len = s->val.string.len;
	return true;
}

/* Compare a string of the answer with a value of the request, as bytes. */
static int
compare(const char *a, int alen, const char *b)
{
	int			blen = strlen(b);
	int			r = memcmp(a, b, Min(alen, blen));

	if (r != 0)
		return r;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static bool
condition_holds(const DdbKeyCond *c, const char *v, int len)
{
	switch (c->op)
	{
		case DDB_COND_EQ:
			return compare(v, len, c->value) == 0;
		case DDB_COND_BEGINS_WITH:
			return len >= (int) strlen(c->value) &&
				memcmp(v, c->value, strlen(c->value)) == 0;
		case DDB_COND_LT:
			return compare(v, len, c->value) < 0;
		case DDB_COND_LE:
			return compare(v, len, c->value) <= 0;
		case DDB_COND_GT:
			return compare(v, len, c->value) > 0;
		case DDB_COND_GE:
			return compare(v, len, c->value) >= 0;
		case DDB_COND_BETWEEN:
			return compare(v, len, c->value) >= 0 &&
				compare(v, len, c->value2) <= 0;
	}
	return false;
}

/*
 * Do the item's (or a key's) attributes satisfy every condition of conds,
 * the request's what?
 */
static void
check_conditions(const char *op, JsonbContainer *item, List *conds,
				 const char *what, const char *subject)
{
	ListCell   *lc;

	foreach(lc, conds)
	{
		DdbKeyCond *c = lfirst(lc);
		const char *v;
		int			len;

		if (!string_attribute(op, item, c->attribute, &v, &len))
			ddb_answer_error(op, "%s lacks the key attribute \"%s\" of the %s.",
							 subject, c->attribute, what);
		if (!condition_holds(c, v, len))
			ddb_answer_error(op, "%s has %s %s, which the %s of the request excludes.",
							 subject, c->attribute, quoted(v, len), what);
	}
}

/* Is the item the one of this key (a list of equality conditions)? */
static bool
item_has_key(const char *op, JsonbContainer *item, List *key)
{
	ListCell   *lc;

	foreach(lc, key)
	{
		DdbKeyCond *c = lfirst(lc);
		const char *v;
		int			len;

		if (!string_attribute(op, item, c->attribute, &v, &len) ||
			compare(v, len, c->value) != 0)
			return false;
	}
	return true;
}

/* Which key of the BatchGetItem request the item is, or -1. */
static int
batch_key_of(const char *op, JsonbContainer *item, const DdbRead *read)
{
	ListCell   *lc;

	foreach(lc, read->batch_keys)
	{
		if (item_has_key(op, item, lfirst(lc)))
			return foreach_current_index(lc);
	}
	return -1;
}

/*
 * Items of a Query come sorted by the index's (or the table's) sort key,
 * forward or backward; the table's keys are unique in a partition.
 */
static void
check_order(const char *op, JsonbContainer *item, const DdbRead *read,
			DdbAnswerState *state)
{
	const char *v;
	int			len;
	int			cmp;

	if (!string_attribute(op, item, state->sort_attribute, &v, &len))
	{
		/* only the table's items lacking an index's sort key are not in it */
		ddb_answer_error(op, "An item of the query lacks the sort key \"%s\".",
						 state->sort_attribute);
	}
	if (state->have_last)
	{
		state->last_sort.data[state->last_sort.len] = '\0';
		cmp = compare(v, len, state->last_sort.data);
		if (!read->forward)
			cmp = -cmp;
		if (cmp < 0 || (cmp == 0 && state->sort_unique))
			ddb_answer_error(op, "An item with %s %s comes after one with %s %s, out of the order of the query.",
							 state->sort_attribute, quoted(v, len),
							 state->sort_attribute,
							 quoted(state->last_sort.data, state->last_sort.len));
	}
	resetStringInfo(&state->last_sort);
	appendBinaryStringInfo(&state->last_sort, v, len);
	state->have_last = true;
}

/* Every item is a record of dynastore's, and one the request asked for. */
static void
check_item(const char *op, JsonbValue *v, const DdbRead *read,
		   DdbAnswerState *state)
{
	JsonbContainer *item;
	const char *s;
	int			len;
	int			k;

	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		ddb_answer_error(op, "An item is not a JSON object.");
	item = v->val.binary.data;
	if (!string_attribute(op, item, "id", &s, &len) ||
		!string_attribute(op, item, "name", &s, &len))
		ddb_answer_error(op, "An item lacks dynastore's key (id and name).");

	switch (read->op)
	{
		case DDB_GET_ITEM:
			check_conditions(op, item, read->key_conds, "key", "An item");
			break;
		case DDB_BATCH_GET_ITEM:
			k = batch_key_of(op, item, read);
			if (k < 0)
				ddb_answer_error(op, "An item has a key that the request did not ask for.");
			if (state->answered[k])
				ddb_answer_error(op, "Two items have the same key.");
			state->answered[k] = true;
			break;
		case DDB_QUERY:
			check_conditions(op, item, read->key_conds, "key condition", "An item");
			check_conditions(op, item, read->filter_conds, "filter", "An item");
			if (state->sort_attribute)
				check_order(op, item, read, state);
			break;
		case DDB_SCAN:
			check_conditions(op, item, read->filter_conds, "filter", "An item");
			break;
	}
}

/* Check every element of an array of items. */
static void
check_items(const char *op, JsonbValue *items, const DdbRead *read,
			DdbAnswerState *state, const char *member)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;

	if (items->type != jbvBinary || !JsonContainerIsArray(items->val.binary.data))
		ddb_answer_error(op, "%s is not an array.", member);
	it = JsonbIteratorInit(items->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_ELEM)
			check_item(op, &v, read, state);
	}
}

static double
capacity_units(const char *op, JsonbValue *v)
{
	JsonbValue *units;

	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		ddb_answer_error(op, "ConsumedCapacity is not an object.");
	units = ddb_json_get(v->val.binary.data, "CapacityUnits");
	if (units == NULL)
		return 0;
	if (units->type != jbvNumeric)
		ddb_answer_error(op, "CapacityUnits is not a number.");
	return ddb_json_get_number(v->val.binary.data, "CapacityUnits", 0);
}

/* ConsumedCapacity: one object, or (BatchGetItem) an array of them. */
double
ddb_answer_capacity(const char *op, Jsonb *answer)
{
	JsonbValue *consumed = ddb_json_get(&answer->root, "ConsumedCapacity");
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	double		total = 0;

	if (consumed == NULL)
		return 0;
	if (consumed->type == jbvBinary &&
		JsonContainerIsArray(consumed->val.binary.data))
	{
		it = JsonbIteratorInit(consumed->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_ELEM)
				total += capacity_units(op, &v);
		}
		return total;
	}
	return capacity_units(op, consumed);
}

/* Start the checks of order anew: the next partition of a Query. */
void
ddb_answer_restart(DdbAnswerState *state)
{
	state->have_last = false;
}

/*
 * Check the answer to read, and return its items: the array of Items
 * (Query, Scan) or of the table's Responses (BatchGetItem), or the Item
 * object (GetItem); NULL when there are none.  The capacity consumed is
 * added to *capacity.  For a BatchGetItem, state->answered tells which
 * keys of the request have an item, for ddb_answer_unprocessed.
 */
JsonbContainer *
ddb_answer_items(Jsonb *answer, const DdbRead *read, DdbAnswerState *state,
				 double *capacity)
{
	const char *op = ddb_operation_name(read->op);
	JsonbValue *items = NULL;

	if (!JsonContainerIsObject(&answer->root))
		ddb_answer_error(op, "The answer is not a JSON object.");
	*capacity += ddb_answer_capacity(op, answer);

	if (state->sort_attribute && state->last_sort.data == NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(state->cxt);

		initStringInfo(&state->last_sort);
		MemoryContextSwitchTo(oldcxt);
	}

	switch (read->op)
	{
		case DDB_GET_ITEM:
			items = ddb_json_get(&answer->root, "Item");
			if (items == NULL)
				return NULL;
			check_item(op, items, read, state);
			return items->val.binary.data;

		case DDB_BATCH_GET_ITEM:
			{
				JsonbValue *responses = ddb_json_get(&answer->root, "Responses");
				JsonbIterator *it;
				JsonbIteratorToken tok;
				JsonbValue	v;

				state->answered = palloc0(sizeof(bool) *
										  (list_length(read->batch_keys) + 1));
				if (responses == NULL || responses->type != jbvBinary ||
					!JsonContainerIsObject(responses->val.binary.data))
					ddb_answer_error(op, "The answer has no Responses object.");
				it = JsonbIteratorInit(responses->val.binary.data);
				while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
				{
					if (tok == WJB_KEY &&
						(v.val.string.len != (int) strlen(read->table) ||
						 memcmp(v.val.string.val, read->table,
								v.val.string.len) != 0))
						ddb_answer_error(op, "Responses has items of a table that the request did not name.");
				}
				items = ddb_json_get(responses->val.binary.data, read->table);
				if (items == NULL)
					return NULL;
				check_items(op, items, read, state, "Responses");
				return items->val.binary.data;
			}

		case DDB_QUERY:
		case DDB_SCAN:
			items = ddb_json_get(&answer->root, "Items");
			if (items == NULL)
				ddb_answer_error(op, "The answer has no Items.");
			check_items(op, items, read, state, "Items");
			return items->val.binary.data;
	}
	return NULL;
}

/*
 * The LastEvaluatedKey of a Query or Scan as JSON text, for the next
 * request's ExclusiveStartKey, or NULL on the last page.  It must be a key
 * (strings, numbers or binaries) of the partition queried, and new: one
 * that came back before would make the read go round for ever.
 */
char *
ddb_answer_last_key(Jsonb *answer, const DdbRead *read,
					DdbAnswerState *state)
{
	const char *op = ddb_operation_name(read->op);
	JsonbValue *lek = ddb_json_get(&answer->root, "LastEvaluatedKey");
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	char	   *text;
	uint64		hash;
	bool		found;

	if (lek == NULL)
		return NULL;
	if (lek->type != jbvBinary || !JsonContainerIsObject(lek->val.binary.data) ||
		JsonContainerSize(lek->val.binary.data) == 0)
		ddb_answer_error(op, "LastEvaluatedKey is not an object of key attributes.");
	it = JsonbIteratorInit(lek->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		JsonbValue *s;

		if (tok != WJB_VALUE)
			continue;
		if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data) ||
			JsonContainerSize(v.val.binary.data) != 1 ||
			(((s = ddb_json_get(v.val.binary.data, "S")) == NULL &&
			  (s = ddb_json_get(v.val.binary.data, "N")) == NULL &&
			  (s = ddb_json_get(v.val.binary.data, "B")) == NULL) ||
			 s->type != jbvString))
			ddb_answer_error(op, "LastEvaluatedKey is not an object of key attributes.");
	}
	if (read->op == DDB_QUERY && read->key_conds != NIL)
		check_conditions(op, lek->val.binary.data,
						 list_make1(linitial(read->key_conds)),
						 "key condition", "LastEvaluatedKey");

	text = ddb_json_to_text(lek->val.binary.data);
	if (state->seen_keys == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(uint64);
		ctl.entrysize = sizeof(uint64);
		ctl.hcxt = state->cxt;
		state->seen_keys = hash_create("dynastore_fdw keys seen", 64, &ctl,
									   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	hash = hash_bytes_extended((const unsigned char *) text, strlen(text),
							   (uint64) read->segment);
	(void) hash_search(state->seen_keys, &hash, HASH_ENTER, &found);
	if (found)
		ddb_answer_error(op, "LastEvaluatedKey %s came back a second time: the read would go round for ever.",
						 quoted(text, strlen(text)));
	return text;
}

/*
 * The keys of a BatchGetItem request that DynamoDB left unprocessed, as
 * the request's own lists of conditions.  Each must be a key the request
 * asked for and the answer has no item of, named once.
 */
List *
ddb_answer_unprocessed(Jsonb *answer, const DdbRead *read,
					   DdbAnswerState *state)
{
	const char *op = ddb_operation_name(read->op);
	JsonbValue *up = ddb_json_get(&answer->root, "UnprocessedKeys");
	JsonbValue *t;
	JsonbValue *keys;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	bool	   *left;
	List	   *result = NIL;

	if (up == NULL)
		return NIL;
	if (up->type != jbvBinary || !JsonContainerIsObject(up->val.binary.data))
		ddb_answer_error(op, "UnprocessedKeys is not an object.");
	if (JsonContainerSize(up->val.binary.data) == 0)
		return NIL;
	t = ddb_json_get(up->val.binary.data, read->table);
	if (t == NULL || JsonContainerSize(up->val.binary.data) != 1)
		ddb_answer_error(op, "UnprocessedKeys names a table that the request did not name.");
	if (t->type != jbvBinary || !JsonContainerIsObject(t->val.binary.data) ||
		(keys = ddb_json_get(t->val.binary.data, "Keys")) == NULL ||
		keys->type != jbvBinary || !JsonContainerIsArray(keys->val.binary.data))
		ddb_answer_error(op, "UnprocessedKeys has no array of Keys.");

	left = palloc0(sizeof(bool) * (list_length(read->batch_keys) + 1));
	it = JsonbIteratorInit(keys->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		int			k;

		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data) ||
			JsonContainerSize(v.val.binary.data) !=
			list_length(linitial(read->batch_keys)))
			ddb_answer_error(op, "An unprocessed key is not a key of the table.");
		k = batch_key_of(op, v.val.binary.data, read);
		if (k < 0)
			ddb_answer_error(op, "An unprocessed key is not one that the request asked for.");
		if (state->answered[k])
			ddb_answer_error(op, "A key is both answered and unprocessed.");
		if (left[k])
			ddb_answer_error(op, "An unprocessed key is named twice.");
		left[k] = true;
		result = lappend(result, list_nth(read->batch_keys, k));
	}
	return result;
}
