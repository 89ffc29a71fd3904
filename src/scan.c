/*-------------------------------------------------------------------------
 *
 * scan.c
 *		Executing a foreign scan: paging through DynamoDB's answers.
 *
 * One request fetches a page (up to 1 MB, or page_size items); its answer
 * is parsed once into a context reset at the next page, and each item is
 * converted in a context reset at the next row, so a scan of any size
 * holds one page at a time.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "executor/executor.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "attr_value.h"
#include "aws_client.h"
#include "ddb_json.h"
#include "ddb_request.h"
#include "option.h"
#include "scan.h"

typedef struct DsScanState
{
	DsTableOptions *opts;
	DdbRead		read;			/* the request, less its start key */

	DsColumn   *columns;		/* the columns to fill */
	int			ncolumns;
	bool		has_fields;		/* a fields column: every attribute read */

	MemoryContext page_cxt;		/* the current page's answer */
	MemoryContext row_cxt;		/* the current row's values */
	JsonbIterator *items;		/* position in the page's items */
	char	   *next_key;		/* LastEvaluatedKey, in the scan context */
	bool		started;
	bool		done;			/* no page left to fetch */
	int64		now;			/* epoch seconds that decide expiry */

	/* the item being converted, for the error context */
	JsonbContainer *item;
	DsColumn   *column;
	Relation	rel;

	/* for EXPLAIN ANALYZE */
	AwsCallStats stats;
	long		pages;
	long		items_read;
	double		capacity;
} DsScanState;

static void fetch_page(DsScanState *st);
static bool next_item(DsScanState *st, JsonbContainer **item);
static void fill_slot(DsScanState *st, JsonbContainer *item,
					  TupleTableSlot *slot);
static Datum fields_datum(DsScanState *st, DsColumn *col,
						  JsonbContainer *item);
static void conversion_error_callback(void *arg);

/*
 * Set up the request from the table's options and the planner's list of
 * columns.  Options are read anew per statement, so ALTER SERVER and ALTER
 * USER MAPPING take effect at the next statement.
 */
void
ds_begin_scan(ForeignScanState *node, int eflags)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	Relation	rel = node->ss.ss_currentRelation;
	TupleDesc	tupdesc = RelationGetDescr(rel);
	Oid			relid = RelationGetRelid(rel);
	RangeTblEntry *rte = exec_rt_fetch(fsplan->scan.scanrelid,
									   node->ss.ps.state);
	Oid			userid = OidIsValid(rte->checkAsUser) ?
		rte->checkAsUser : GetUserId();
	List	   *retrieved = list_nth(fsplan->fdw_private, DS_PRIV_RETRIEVED);
	bool		whole_row = boolVal(list_nth(fsplan->fdw_private,
											 DS_PRIV_ALL_ATTRIBUTES));
	DsScanState *st = palloc0(sizeof(DsScanState));
	List	   *projection = NIL;
	int			i;

	node->fdw_state = st;
	st->rel = rel;
	st->opts = ds_get_table_options(relid, userid);

	/* the columns to fill: those the query uses, or all for a whole row */
	st->columns = palloc0(sizeof(DsColumn) * tupdesc->natts);
	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		DsColumn   *col;

		if (att->attisdropped)
			continue;
		if (!whole_row && !list_member_int(retrieved, att->attnum))
			continue;
		col = &st->columns[st->ncolumns++];
		attr_column_init(col, relid, att->attnum, NameStr(att->attname),
						 att->atttypid, att->atttypmod);
		if (col->role == DS_ROLE_FIELDS)
			st->has_fields = true;
		else if (!list_member(projection, makeString(col->attribute)))
			projection = lappend(projection, makeString(col->attribute));
	}

	/* expiry is decided here, so "expires" is always read */
	if (!list_member(projection, makeString("expires")))
		projection = lappend(projection, makeString("expires"));

	st->read.table = st->opts->table;
	st->read.consistent = st->opts->consistent_read;
	st->read.limit = st->opts->page_size;
	st->read.forward = true;
	if (st->opts->partition)
	{
		DdbKeyCond *cond = palloc0(sizeof(DdbKeyCond));

		cond->attribute = "id";
		cond->op = DDB_COND_EQ;
		cond->value = st->opts->partition;
		st->read.op = DDB_QUERY;
		st->read.key_conds = list_make1(cond);
	}
	else
		st->read.op = DDB_SCAN;

	/* a fields column needs every attribute, so project nothing */
	if (!st->has_fields)
	{
		ListCell   *lc;

		foreach(lc, projection)
			st->read.projection = lappend(st->read.projection,
										  strVal(lfirst(lc)));
	}

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	st->page_cxt = AllocSetContextCreate(CurrentMemoryContext,
										 "dynastore_fdw page",
										 ALLOCSET_DEFAULT_SIZES);
	st->row_cxt = AllocSetContextCreate(CurrentMemoryContext,
										"dynastore_fdw row",
										ALLOCSET_SMALL_SIZES);
}

TupleTableSlot *
ds_iterate_scan(ForeignScanState *node)
{
	DsScanState *st = node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	JsonbContainer *item;

	if (!st->started)
	{
		st->started = true;
		st->now = (int64) (GetCurrentTimestamp() / USECS_PER_SEC) +
			(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
		fetch_page(st);
	}

	for (;;)
	{
		CHECK_FOR_INTERRUPTS();

		if (next_item(st, &item))
		{
			if (attr_is_expired(ddb_json_get(item, "expires"), st->now))
				continue;
			fill_slot(st, item, slot);
			return slot;
		}
		if (st->done)
			return ExecClearTuple(slot);
		fetch_page(st);
	}
}

/* Start again from the first page. */
void
ds_rescan(ForeignScanState *node)
{
	DsScanState *st = node->fdw_state;

	st->started = false;
	st->done = false;
	st->items = NULL;
	if (st->next_key)
		pfree(st->next_key);
	st->next_key = NULL;
	MemoryContextReset(st->page_cxt);
	MemoryContextReset(st->row_cxt);
}

void
ds_end_scan(ForeignScanState *node)
{
	/* the contexts go with the executor's; nothing to release early */
}

/*
 * Request the next page.  The previous page, and the items iterator over
 * it, are dropped first.
 */
static void
fetch_page(DsScanState *st)
{
	MemoryContext oldcxt;
	const char *operation = ddb_operation_name(st->read.op);
	AwsResponse *resp;
	Jsonb	   *answer;
	JsonbValue *items;
	JsonbValue *lek;
	JsonbValue *consumed;
	char	   *body;

	MemoryContextReset(st->row_cxt);
	MemoryContextReset(st->page_cxt);
	st->items = NULL;
	oldcxt = MemoryContextSwitchTo(st->page_cxt);

	st->read.start_key = st->next_key;
	body = ddb_json_wire(ddb_request_read(&st->read));
	resp = aws_dynamodb_call(&st->opts->aws, operation, body, strlen(body),
							 true, NULL, &st->stats);
	answer = ddb_json_parse(resp->body, operation);
	pfree(resp->body);			/* the parsed form is all we read */
	st->pages++;

	if (st->read.op == DDB_GET_ITEM)
	{
		items = ddb_json_get(&answer->root, "Item");
		st->done = true;
	}
	else
	{
		items = ddb_json_get(&answer->root, "Items");
		lek = ddb_json_get(&answer->root, "LastEvaluatedKey");
		if (st->next_key)
			pfree(st->next_key);
		st->next_key = NULL;
		if (lek && lek->type == jbvBinary)
			st->next_key = MemoryContextStrdup(GetMemoryChunkContext(st),
											   ddb_json_to_text(lek->val.binary.data));
		st->done = (st->next_key == NULL);
	}

	consumed = ddb_json_get(&answer->root, "ConsumedCapacity");
	if (consumed && consumed->type == jbvBinary)
		st->capacity += ddb_json_get_number(consumed->val.binary.data,
											"CapacityUnits", 0);

	if (items && items->type == jbvBinary)
	{
		JsonbContainer *c = items->val.binary.data;

		if (JsonContainerIsArray(c))
			st->items = JsonbIteratorInit(c);
		else if (JsonContainerIsObject(c))
		{
			/* GetItem's one item: iterate over an array of it */
			JsonbParseState *ps = NULL;
			JsonbValue *arr;

			pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
			pushJsonbValue(&ps, WJB_ELEM, items);
			arr = pushJsonbValue(&ps, WJB_END_ARRAY, NULL);
			st->items = JsonbIteratorInit(&JsonbValueToJsonb(arr)->root);
		}
	}

	MemoryContextSwitchTo(oldcxt);
}

/* The next item of the current page, if any. */
static bool
next_item(DsScanState *st, JsonbContainer **item)
{
	JsonbValue	v;
	JsonbIteratorToken tok;
	MemoryContext oldcxt;
	bool		found = false;

	if (st->items == NULL)
		return false;

	oldcxt = MemoryContextSwitchTo(st->page_cxt);
	while ((tok = JsonbIteratorNext(&st->items, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_ELEM && v.type == jbvBinary &&
			JsonContainerIsObject(v.val.binary.data))
		{
			*item = v.val.binary.data;
			st->items_read++;
			found = true;
			break;
		}
	}
	if (!found)
		st->items = NULL;		/* the iterator freed itself at the end */
	MemoryContextSwitchTo(oldcxt);
	return found;
}

static void
fill_slot(DsScanState *st, JsonbContainer *item, TupleTableSlot *slot)
{
	ErrorContextCallback errcallback;
	MemoryContext oldcxt;
	int			natts = slot->tts_tupleDescriptor->natts;
	int			i;

	ExecClearTuple(slot);
	MemoryContextReset(st->row_cxt);
	oldcxt = MemoryContextSwitchTo(st->row_cxt);

	memset(slot->tts_isnull, true, sizeof(bool) * natts);

	st->item = item;
	errcallback.callback = conversion_error_callback;
	errcallback.arg = st;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	for (i = 0; i < st->ncolumns; i++)
	{
		DsColumn   *col = &st->columns[i];
		int			idx = col->attnum - 1;

		st->column = col;
		if (col->role == DS_ROLE_FIELDS)
		{
			slot->tts_values[idx] = fields_datum(st, col, item);
			slot->tts_isnull[idx] = false;
		}
		else
			slot->tts_values[idx] =
				attr_to_datum(col, ddb_json_get(item, col->attribute),
							  &slot->tts_isnull[idx]);
	}

	error_context_stack = errcallback.previous;
	st->item = NULL;
	MemoryContextSwitchTo(oldcxt);
	ExecStoreVirtualTuple(slot);
}

static bool
is_claimed(DsScanState *st, const char *name, int len)
{
	static const char *const reserved[] =
	{"id", "name", "version", "expires", "payload"};
	int			i;

	for (i = 0; i < lengthof(reserved); i++)
		if ((int) strlen(reserved[i]) == len &&
			memcmp(reserved[i], name, len) == 0)
			return true;
	for (i = 0; i < st->ncolumns; i++)
	{
		const char *a = st->columns[i].attribute;

		if (a && (int) strlen(a) == len && memcmp(a, name, len) == 0)
			return true;
	}
	return false;
}

/* The attributes that no column claims, as one JSON object. */
static Datum
fields_datum(DsScanState *st, DsColumn *col, JsonbContainer *item)
{
	StringInfoData buf;
	JsonbIterator *it = JsonbIteratorInit(item);
	JsonbIteratorToken tok;
	JsonbValue	v;
	bool		skip = false;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			skip = is_claimed(st, v.val.string.val, v.val.string.len);
			if (skip)
				continue;
			if (!first)
				appendStringInfoChar(&buf, ',');
			first = false;
			ddb_json_string_len(&buf, v.val.string.val, v.val.string.len);
			appendStringInfoChar(&buf, ':');
		}
		else if (tok == WJB_VALUE && !skip)
			attr_append_json(&buf, &v);
	}
	appendStringInfoChar(&buf, '}');

	return InputFunctionCall(&col->infunc, buf.data, col->ioparam,
							 col->typmod);
}

/* Name the record and column whose conversion failed. */
static void
conversion_error_callback(void *arg)
{
	DsScanState *st = arg;
	char	   *name = NULL;
	JsonbValue *nv;

	if (st->item == NULL || st->column == NULL)
		return;
	nv = ddb_json_get(st->item, "name");
	if (nv && nv->type == jbvBinary)
	{
		JsonbValue *s = ddb_json_get(nv->val.binary.data, "S");

		if (s && s->type == jbvString)
			name = pnstrdup(s->val.string.val, s->val.string.len);
	}
	errcontext("column \"%s\" of record \"%s\" in foreign table \"%s\"",
			   st->column->colname, name ? name : "?",
			   RelationGetRelationName(st->rel));
}

/*
 * EXPLAIN: the DynamoDB operation, table, key condition and attributes;
 * with ANALYZE, the requests, pages, items and capacity it took.
 */
void
ds_explain_scan(ForeignScanState *node, ExplainState *es)
{
	DsScanState *st = node->fdw_state;
	DdbRead    *read = &st->read;

	ExplainPropertyText("DynamoDB Operation", ddb_operation_name(read->op), es);
	ExplainPropertyText("DynamoDB Table", read->table, es);
	if (read->index)
		ExplainPropertyText("DynamoDB Index", read->index, es);
	if (read->key_conds != NIL)
		ExplainPropertyText("Key Condition",
							ddb_describe_key_condition(read), es);
	if (read->projection != NIL)
	{
		StringInfoData buf;
		ListCell   *lc;

		initStringInfo(&buf);
		foreach(lc, read->projection)
			appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "",
							 (char *) lfirst(lc));
		ExplainPropertyText("Projection", buf.data, es);
	}
	else
		ExplainPropertyText("Projection", "all attributes", es);
	ExplainPropertyBool("Consistent Read", read->consistent, es);

	if (es->analyze)
	{
		ExplainPropertyInteger("DynamoDB Requests", NULL, st->stats.requests, es);
		ExplainPropertyInteger("DynamoDB Pages", NULL, st->pages, es);
		ExplainPropertyInteger("Items Read", NULL, st->items_read, es);
		ExplainPropertyFloat("Read Capacity Units", NULL, st->capacity, 1, es);
	}
}
