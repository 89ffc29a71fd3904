/*-------------------------------------------------------------------------
 *
 * scan.c
 *		Executing a foreign scan: paging through DynamoDB's answers.
 *
 * One request fetches a page (up to 1 MB, or page_size items); its answer
 * is parsed once into a context reset at the next page, and each item is
 * converted in a context reset at the next row, so a scan of any size
 * holds one page at a time, and the next one on its way: it is asked for
 * as soon as the answer naming it has come (read-ahead, send_ahead).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/table.h"
#include "executor/executor.h"
#include "foreign/foreign.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/ruleutils.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "attr_value.h"
#include "aws_client.h"
#include "ddb_answer.h"
#include "ddb_json.h"
#include "ddb_request.h"
#include "ddb_table.h"
#include "option.h"
#include "read_overlay.h"
#include "scan.h"
#include "txn_writes.h"

/* Errors DynamoDB gives when an index the plan chose is gone. */
static const char *const index_errors[] = {"ValidationException", NULL};

/*
 * BatchGetItem rounds (of a hundred keys) in flight at once: 1,000 keys
 * take two round trips, not ten.  DynamoDB answers a round with at most
 * 16 MB, so a page of rounds holds at most 128 MB (800 items of 1 KB are
 * 800 KB).
 */
#define DS_BATCH_ROUNDS		8

/* A key condition of the plan; its values come from fdw_exprs. */
typedef struct DsCond
{
	const char *attribute;
	DdbCondOp	op;
	int			arg;
	int			arg2;
	bool		is_array;
} DsCond;

struct DsScanState
{
	Relation	rel;
	DsTableOptions *opts;
	DdbRead		read;			/* the request being paged */

	DsColumn   *columns;		/* the columns to fill */
	int			ncolumns;
	bool		has_fields;		/* a fields column: every attribute read */
	const char **claimed;		/* attributes that are not fields */
	int			nclaimed;

	/* the plan's key conditions and the states of their values */
	DsCond	   *conds;
	int			nconds;
	List	   *arg_states;
	ExprContext *econtext;
	bool		filter_partition;
	bool		global_index;

	/* set at each (re)start from the values of the conditions */
	MemoryContext start_cxt;	/* values and keys of this (re)start */
	List	   *hash_values;	/* Query: partitions still to read */
	List	   *pending_keys;	/* BatchGetItem: keys still to ask for */
	int			unprocessed_rounds; /* BatchGetItem: rounds that came back
									 * with UnprocessedKeys */
	int			idle_rounds;	/* BatchGetItem: rounds in a row in which
								 * DynamoDB processed no key at all */
	DdbAnswerState answer;		/* the checks of answers that span pages */
	char	  **segment_keys;	/* Scan: each segment's next start key */
	bool	   *segment_done;

	/*
	 * Read-ahead: the requests that follow the current page, sent as soon
	 * as the answer naming them came, each in a memory context of its own
	 * under the scan's (see send_ahead).
	 */
	AwsAhead   *ahead;			/* Query, undivided Scan: the next page */
	AwsAhead   *segment_ahead[AWS_MAX_AHEAD];	/* Scan: a segment's next */
	AwsAhead   *batch_ahead[DS_BATCH_ROUNDS];	/* BatchGetItem: the next
												 * rounds */
	List	   *batch_ahead_keys[DS_BATCH_ROUNDS];	/* their keys, in
													 * start_cxt */
	int			nbatch_ahead;

	MemoryContext page_cxt;		/* the current page's answer */
	MemoryContext parse_cxt;	/* the parser's, kept from page to page */
	MemoryContext row_cxt;		/* the current row's values */
	List	   *arrays;			/* the page's arrays of items */
	int			array_pos;		/* the array being read */
	JsonbIterator *items;		/* position in it */
	char	   *next_key;		/* LastEvaluatedKey, in start_cxt */
	bool		started;
	bool		done;			/* no page left to fetch */
	int64		now;			/* epoch seconds that decide expiry */

	AttrPresence *presence;		/* attribute columns met by the records */

	/* the item being converted, for the error context */
	JsonbContainer *item;
	JsonbContainer *last_item;	/* the item ds_scan_next returned last */
	DsColumn   *column;

	/* for EXPLAIN ANALYZE */
	AwsCallStats stats;
	long		pages;
	long		items_read;
	double		capacity;
	int64		counted;		/* read.count_only: the Counts summed */

	/* commit mode: the transaction's own writes, shown as if applied */
	const char *sort_attribute; /* the order the plan relies on, or "" */
	DsOverlay  *overlay;		/* NULL: the transaction wrote no record */
	bool		check_reads;	/* FOR SHARE: each row read is a condition */
};

static void start_reading(DsScanState *st);
static void start_overlay(DsScanState *st);
static char *segment_request(DsScanState *st, int i);
static void fetch_page(DsScanState *st);
static void fetch_batch_rounds(DsScanState *st);
static bool reads_ahead(DsScanState *st);
static void send_ahead(DsScanState *st);
static void send_batch_ahead(DsScanState *st);
static void drop_ahead(DsScanState *st);
static bool next_item(DsScanState *st, JsonbContainer **item);
static void fill_values(DsScanState *st, JsonbContainer *item,
						Datum *values, bool *nulls);
static void conversion_error_callback(void *arg);
static DdbKeyCond *make_cond(const char *attribute, DdbCondOp op,
							 const char *value);
static List *unique_strings(List *strings);

/*
 * Could a stored key equal this value?  Keys are never empty nor longer
 * than DynamoDB's limit (in bytes of UTF-8, whatever the database's
 * encoding), and DynamoDB refuses such values in a request.
 */
static inline bool
usable_key(const char *value, size_t limit)
{
	return value[0] != '\0' && ddb_utf8_length(value) <= limit;
}

/*
 * A scan of a foreign table that fills the columns in retrieved (all of
 * them when whole_row), reading the partition with a Query or, without
 * one, the table with a Scan.  Options are read anew per statement, so
 * ALTER SERVER and ALTER USER MAPPING take effect at the next statement.
 */
DsScanState *
ds_scan_create(Relation rel, Oid userid, List *retrieved, bool whole_row)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	Oid			relid = RelationGetRelid(rel);
	DsScanState *st = palloc0(sizeof(DsScanState));
	List	   *projection = NIL;
	int			i;

	st->rel = rel;
	st->opts = ds_get_table_options(relid, userid);

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

	/*
	 * Expiry is decided here, so "expires" is always read; and the key,
	 * which every item's is checked against what was asked for.
	 */
	if (!list_member(projection, makeString("expires")))
		projection = lappend(projection, makeString("expires"));
	if (!list_member(projection, makeString("id")))
		projection = lappend(projection, makeString("id"));
	if (!list_member(projection, makeString("name")))
		projection = lappend(projection, makeString("name"));

	/* fields: what neither the record nor any column of the table claims */
	if (st->has_fields)
	{
		int			ncolumns;
		DsColumn   *all = attr_table_columns(rel, &ncolumns);

		st->claimed = attr_claimed_names(all, ncolumns, &st->nclaimed);
	}

	/* a fields column needs every attribute, so project nothing */
	if (!st->has_fields)
	{
		ListCell   *lc;

		foreach(lc, projection)
			st->read.projection = lappend(st->read.projection,
										  strVal(lfirst(lc)));
	}

	st->presence = attr_presence_create(relid, st->columns, st->ncolumns,
										st->has_fields);

	st->read.table = st->opts->table;
	st->read.consistent = st->opts->consistent_read;
	st->read.limit = st->opts->page_size;
	st->read.forward = true;
	st->read.op = st->opts->partition ? DDB_QUERY : DDB_SCAN;

	st->start_cxt = AllocSetContextCreate(CurrentMemoryContext,
										  "dynastore_fdw keys",
										  ALLOCSET_SMALL_SIZES);
	st->page_cxt = AllocSetContextCreate(CurrentMemoryContext,
										 "dynastore_fdw page",
										 ALLOCSET_DEFAULT_SIZES);
	st->row_cxt = AllocSetContextCreate(CurrentMemoryContext,
										"dynastore_fdw row",
										ALLOCSET_SMALL_SIZES);
	st->answer.cxt = st->start_cxt;
	return st;
}

/* Take the planner's choice of request from the plan. */
void
ds_begin_scan(ForeignScanState *node, int eflags)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	Oid			userid = ds_scan_check_as_user(fsplan, node->ss.ps.state);

	node->fdw_state = ds_scan_from_plan(node, node->ss.ss_currentRelation,
										userid);
}

/*
 * The scan of rel that the plan of node describes (fdw_private as scan.h
 * lays it out, fdw_exprs), read with userid's user mapping.
 */
DsScanState *
ds_scan_from_plan(ForeignScanState *node, Relation rel, Oid userid)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	List	   *priv = fsplan->fdw_private;
	DsScanState *st;
	char	   *index;
	char	   *sort_attribute;
	List	   *conds;
	ListCell   *lc;
	int			i;

	st = ds_scan_create(rel, userid,
						list_nth(priv, DS_PRIV_RETRIEVED),
						boolVal(list_nth(priv, DS_PRIV_ALL_ATTRIBUTES)));

	st->read.op = intVal(list_nth(priv, DS_PRIV_OPERATION));
	index = strVal(list_nth(priv, DS_PRIV_INDEX));
	st->read.index = index[0] ? index : NULL;
	st->global_index = boolVal(list_nth(priv, DS_PRIV_GLOBAL_INDEX));
	st->filter_partition = boolVal(list_nth(priv, DS_PRIV_FILTER_PARTITION));
	st->read.forward = boolVal(list_nth(priv, DS_PRIV_FORWARD));
	if (intVal(list_nth(priv, DS_PRIV_LIMIT)) > 0)
		st->read.limit = intVal(list_nth(priv, DS_PRIV_LIMIT));
	/*
	 * UPDATE and DELETE are conditioned on the version read: an eventually
	 * consistent read could see an old one and fail for nothing.  A global
	 * index cannot be read consistently at all.
	 */
	if (boolVal(list_nth(priv, DS_PRIV_FOR_WRITE)))
		st->read.consistent = true;
	if (st->global_index)
		st->read.consistent = false;

	conds = list_nth(priv, DS_PRIV_KEY_CONDS);
	st->nconds = list_length(conds);
	st->conds = palloc0(sizeof(DsCond) * (st->nconds + 1));
	i = 0;
	foreach(lc, conds)
	{
		List	   *c = lfirst(lc);

		st->conds[i].attribute = strVal(list_nth(c, DS_COND_ATTRIBUTE));
		st->conds[i].op = intVal(list_nth(c, DS_COND_OP));
		st->conds[i].arg = intVal(list_nth(c, DS_COND_ARG));
		st->conds[i].arg2 = intVal(list_nth(c, DS_COND_ARG2));
		st->conds[i].is_array = boolVal(list_nth(c, DS_COND_IS_ARRAY));
		i++;
	}
	/* the attributes of the key conditions, to check the items against */
	for (i = 0; i < st->nconds && st->read.projection != NIL; i++)
	{
		bool		found = false;

		foreach(lc, st->read.projection)
			found |= (strcmp(lfirst(lc), st->conds[i].attribute) == 0);
		if (!found)
			st->read.projection = lappend(st->read.projection,
										  (char *) st->conds[i].attribute);
	}

	/*
	 * The order the plan relies on is checked; strings compare as DynamoDB
	 * orders them only in UTF-8.
	 */
	sort_attribute = strVal(list_nth(priv, DS_PRIV_SORT_ATTRIBUTE));
	st->sort_attribute = sort_attribute;

	/*
	 * In commit mode a row read FOR SHARE or FOR UPDATE makes its version a
	 * condition of the COMMIT, so the version is read.
	 */
	if (st->opts->write_mode == DS_WRITE_COMMIT)
	{
		ExecRowMark *erm = ExecFindRowMark(node->ss.ps.state,
										   fsplan->scan.scanrelid, true);

		if (erm && erm->strength != LCS_NONE)
		{
			bool		found = false;

			st->check_reads = true;
			foreach(lc, st->read.projection)
				found |= (strcmp(lfirst(lc), "version") == 0);
			if (st->read.projection != NIL && !found)
				st->read.projection = lappend(st->read.projection, "version");
		}
	}
	if (sort_attribute[0] && (GetDatabaseEncoding() == PG_UTF8 ||
							  GetDatabaseEncoding() == PG_SQL_ASCII))
	{
		st->answer.sort_attribute = sort_attribute;
		st->answer.sort_unique = (st->read.index == NULL);
	}
	st->arg_states = ExecInitExprList(fsplan->fdw_exprs, (PlanState *) node);
	st->econtext = node->ss.ps.ps_ExprContext;
	return st;
}

TupleTableSlot *
ds_iterate_scan(ForeignScanState *node)
{
	DsScanState *st = node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;

	ExecClearTuple(slot);
	if (!ds_scan_next(st, slot->tts_values, slot->tts_isnull))
		return slot;
	ExecStoreVirtualTuple(slot);
	return slot;
}

/*
 * The next live record into values and nulls (sized for the relation),
 * valid until the next call.  False at the end.
 */
bool
ds_scan_next(DsScanState *st, Datum *values, bool *nulls)
{
	JsonbContainer *item;

	if (!st->started)
		start_reading(st);

	for (;;)
	{
		bool		found;

		CHECK_FOR_INTERRUPTS();

		/* an ordered read may hold an item back for the transaction's */
		item = st->overlay ? ds_overlay_ready(st->overlay) : NULL;
		if (item)
			found = true;
		else if ((found = next_item(st, &item)) && st->overlay)
		{
			MemoryContext oldcxt = MemoryContextSwitchTo(st->page_cxt);

			item = ds_overlay_item(st->overlay, item);
			MemoryContextSwitchTo(oldcxt);
			if (item == NULL)
				continue;
		}
		else if (!found && st->done && st->overlay)
		{
			/* DynamoDB's items are through: the transaction's own */
			MemoryContext oldcxt = MemoryContextSwitchTo(st->start_cxt);

			item = ds_overlay_next(st->overlay);
			MemoryContextSwitchTo(oldcxt);
			found = (item != NULL);
		}
		if (found)
		{
			if (attr_is_expired(ddb_json_get(item, "expires"), st->now))
				continue;
			fill_values(st, item, values, nulls);
			st->last_item = item;
			if (st->check_reads)
				ds_overlay_check_read(st->opts,
									  RelationGetRelationName(st->rel), item);
			return true;
		}
		if (st->done)
			return false;
		fetch_page(st);
	}
}

/*
 * The overlay of the transaction's own writes for the read starting now
 * (in start_cxt), with what the read asks for: a Query's partitions (the
 * first of them being read), a lookup's keys.
 */
static void
start_overlay(DsScanState *st)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(st->start_cxt);
	List	   *hashes = NIL;
	ListCell   *lc;

	if (st->read.op == DDB_QUERY && st->read.key_conds != NIL)
	{
		DdbKeyCond *first = linitial(st->read.key_conds);

		hashes = list_make1((char *) first->value);
		foreach(lc, st->hash_values)
			hashes = lappend(hashes,
							 (char *) ((DdbKeyCond *) lfirst(lc))->value);
	}
	st->overlay = ds_overlay_start(st->opts, &st->read, hashes,
								   list_copy(st->pending_keys),
								   st->sort_attribute);
	MemoryContextSwitchTo(oldcxt);
}

/* Forget what the answers of the last (re)start showed: it was in start_cxt. */
static void
reset_answer_state(DsScanState *st)
{
	st->answer.have_last = false;
	st->answer.last_sort.data = NULL;
	st->answer.seen_keys = NULL;
	st->answer.answered = NULL;
	st->unprocessed_rounds = 0;
	st->idle_rounds = 0;
	/* what was sent ahead was for the last (re)start too */
	drop_ahead(st);
}

/* Start again: the values of the conditions may have changed. */
void
ds_rescan(ForeignScanState *node)
{
	DsScanState *st = node->fdw_state;

	st->started = false;
	st->done = false;
	st->overlay = NULL;
	st->items = NULL;
	st->arrays = NIL;
	st->next_key = NULL;
	MemoryContextReset(st->start_cxt);
	MemoryContextReset(st->page_cxt);
	MemoryContextReset(st->row_cxt);
	reset_answer_state(st);
}

void
ds_end_scan(ForeignScanState *node)
{
	DsScanState *st = node->fdw_state;

	/*
	 * The contexts go with the executor's; a request sent ahead, which an
	 * early end (LIMIT) leaves unread, goes now, and its connection with it.
	 */
	if (st)
	{
		drop_ahead(st);
		attr_presence_report(st->presence, RelationGetRelationName(st->rel));
	}
}

/*
 * Read the records of these names (C strings, repeats allowed) of the
 * partition with BatchGetItem, a hundred keys a request; ds_scan_next then
 * returns those
 * that exist and live, in no particular order.
 */
void
ds_scan_batch(DsScanState *st, List *names)
{
	MemoryContext oldcxt;
	ListCell   *lc;

	MemoryContextReset(st->start_cxt);
	oldcxt = MemoryContextSwitchTo(st->start_cxt);
	st->read.op = DDB_BATCH_GET_ITEM;
	st->pending_keys = NIL;
	foreach(lc, unique_strings(names))
	{
		char	   *name = pstrdup(lfirst(lc));

		if (usable_key(name, DDB_MAX_RANGE_KEY))
			st->pending_keys =
				lappend(st->pending_keys,
						list_make2(make_cond("id", DDB_COND_EQ,
											 st->opts->partition),
								   make_cond("name", DDB_COND_EQ, name)));
	}
	MemoryContextSwitchTo(oldcxt);
	reset_answer_state(st);
	start_overlay(st);
	st->started = true;
	st->done = (st->pending_keys == NIL);
	st->arrays = NIL;
	st->items = NULL;
	st->now = attr_now();
	MemoryContextReset(st->page_cxt);
}

/*
 * Count the live records the scan would return, with Select COUNT: no
 * item comes back, DynamoDB drops the expired ones (by the same rule as
 * ds_scan_next) and each page says how many it kept.  The pages are those
 * of the read itself, up to 1 MB of items each.  True with *count once
 * per (re)start of the scan, false after.
 */
bool
ds_scan_count(DsScanState *st, int64 *count)
{
	if (st->started)
		return false;

	/* the transaction's own writes change the count: count the rows */
	if (ds_txn_touches(st->opts->serverid, st->opts->table))
	{
		int			natts = RelationGetDescr(st->rel)->natts;
		Datum	   *values = palloc(sizeof(Datum) * natts);
		bool	   *nulls = palloc(sizeof(bool) * natts);

		st->read.count_only = false;
		st->counted = 0;
		while (ds_scan_next(st, values, nulls))
			st->counted++;
		st->read.count_only = true;
		*count = st->counted;
		return true;
	}
	st->read.count_only = true;
	st->counted = 0;
	start_reading(st);
	while (!st->done)
	{
		char	   *asked = st->next_key;

		CHECK_FOR_INTERRUPTS();
		fetch_page(st);

		/* a page that names itself as the next would be counted forever */
		if (asked && st->next_key && strcmp(asked, st->next_key) == 0)
			ddb_answer_error(ddb_operation_name(st->read.op),
							 "The LastEvaluatedKey of a page is the ExclusiveStartKey it was asked with.");
	}
	MemoryContextReset(st->page_cxt);
	*count = st->counted;
	return true;
}

/* Make the scan a count (EXPLAIN shows it as one). */
void
ds_scan_set_count_only(DsScanState *st)
{
	st->read.count_only = true;
}

/* The key (name) of the record ds_scan_next returned last. */
char *
ds_scan_item_name(DsScanState *st)
{
	JsonbValue *nv = ddb_json_get(st->last_item, "name");

	if (nv && nv->type == jbvBinary)
		return ddb_json_get_string(nv->val.binary.data, "S");
	return NULL;
}

DsTableOptions *
ds_scan_options(DsScanState *st)
{
	return st->opts;
}

/* EXPLAIN ANALYZE's counts of a scan. */
void
ds_scan_explain_counts(DsScanState *st, ExplainState *es)
{
	ExplainPropertyInteger("DynamoDB Requests", NULL, st->stats.requests, es);
	ExplainPropertyInteger("DynamoDB Pages", NULL, st->pages, es);
	ExplainPropertyInteger("Items Read", NULL, st->items_read, es);
	if (st->read.count_only)
		ExplainPropertyInteger("Items Counted", NULL, st->counted, es);
	ExplainPropertyFloat("Read Capacity Units", NULL, st->capacity, 1, es);
}

/* The text values of the plan's value expression number n. */
static List *
eval_arg(DsScanState *st, int n, bool is_array)
{
	ExprState  *state = list_nth(st->arg_states, n);
	bool		isnull;
	Datum		value;
	List	   *result = NIL;

	value = ExecEvalExpr(state, st->econtext, &isnull);
	if (isnull)
		return NIL;
	if (!is_array)
		return list_make1(TextDatumGetCString(value));
	else
	{
		ArrayType  *arr = DatumGetArrayTypeP(value);
		Datum	   *elems;
		bool	   *elem_nulls;
		int			nelems;
		int			i;

		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, &elem_nulls, &nelems);
		for (i = 0; i < nelems; i++)
		{
			char	   *s;

			if (elem_nulls[i])
				continue;
			s = TextDatumGetCString(elems[i]);
			result = lappend(result, s);
		}
		return unique_strings(result);
	}
}

static int
compare_strings(const ListCell *a, const ListCell *b)
{
	return strcmp(lfirst(a), lfirst(b));
}

/*
 * The strings of a list, each once, in no particular order: BatchGetItem
 * refuses a key twice, and a Query per partition need not repeat one.
 */
static List *
unique_strings(List *strings)
{
	List	   *result = NIL;
	ListCell   *lc;

	strings = list_copy(strings);
	list_sort(strings, compare_strings);
	foreach(lc, strings)
		if (result == NIL || strcmp(llast(result), lfirst(lc)) != 0)
			result = lappend(result, lfirst(lc));
	list_free(strings);
	return result;
}

static DdbKeyCond *
make_cond(const char *attribute, DdbCondOp op, const char *value)
{
	DdbKeyCond *c = palloc0(sizeof(DdbKeyCond));

	c->attribute = attribute;
	c->op = op;
	c->value = value;
	return c;
}

/*
 * A range condition with its values, as DynamoDB accepts it.  Keys are
 * never empty, and DynamoDB refuses empty values and inverted BETWEENs, so
 * those are settled here: *none when no key can match, NULL when every
 * key does.
 */
static DdbKeyCond *
resolve_range(DsScanState *st, DsCond *c, bool *none)
{
	List	   *v = eval_arg(st, c->arg, false);
	List	   *v2 = c->arg2 >= 0 ? eval_arg(st, c->arg2, false) : NIL;
	const char *lo;
	const char *hi;
	DdbKeyCond *kc;

	if (v == NIL || (c->arg2 >= 0 && v2 == NIL))
	{
		*none = true;			/* a comparison with NULL */
		return NULL;
	}
	lo = linitial(v);
	hi = v2 ? linitial(v2) : NULL;
	kc = make_cond(c->attribute, c->op, lo);
	kc->value2 = hi;

	switch (c->op)
	{
		case DDB_COND_EQ:
			if (!usable_key(lo, DDB_MAX_RANGE_KEY))
				*none = true;
			break;
		case DDB_COND_LT:
		case DDB_COND_LE:
			if (lo[0] == '\0')
				*none = true;
			break;
		case DDB_COND_BEGINS_WITH:
			if (ddb_utf8_length(lo) > DDB_MAX_RANGE_KEY)
				*none = true;	/* no key is that long */
			if (lo[0] == '\0')
				return NULL;
			break;
		case DDB_COND_GT:
		case DDB_COND_GE:
			if (lo[0] == '\0')
				return NULL;
			break;
		case DDB_COND_BETWEEN:
			if (hi[0] == '\0' || strcmp(lo, hi) > 0)
				*none = true;
			else if (lo[0] == '\0')
			{
				kc->op = DDB_COND_LE;
				kc->value = hi;
			}
			break;
	}
	return *none ? NULL : kc;
}

/*
 * Evaluate the conditions' values and set up the first request.  When the
 * values can match nothing, no request is made at all.
 */
static void
start_reading(DsScanState *st)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(st->start_cxt);
	const char *hash_key = st->opts->partition ? "id" : NULL;
	List	   *hash_values = NIL;
	DdbKeyCond *range = NULL;
	DsCond	   *range_cond = NULL;
	bool		none = false;
	int			i;

	st->started = true;
	st->done = false;
	st->now = attr_now();
	st->read.now = st->now;

	/* the hash key: the partition, or the first condition */
	if (st->opts->partition && !st->global_index)
		hash_values = list_make1(st->opts->partition);
	i = 0;
	if (st->read.op != DDB_SCAN &&
		(st->opts->partition == NULL || st->global_index) && st->nconds > 0)
	{
		hash_key = st->conds[0].attribute;
		hash_values = eval_arg(st, st->conds[0].arg, st->conds[0].is_array);
		i = 1;
	}
	if (i < st->nconds)
		range_cond = &st->conds[i];

	st->read.key_conds = NIL;
	st->read.filter_conds = NIL;
	st->read.batch_keys = NIL;
	st->pending_keys = NIL;
	st->hash_values = NIL;
	reset_answer_state(st);

	if (st->filter_partition)
		st->read.filter_conds = list_make1(make_cond("id", DDB_COND_EQ,
													 st->opts->partition));

	switch (st->read.op)
	{
		case DDB_GET_ITEM:
		case DDB_BATCH_GET_ITEM:
			{
				List	   *names = eval_arg(st, range_cond->arg,
											 range_cond->is_array);
				ListCell   *lc;
				char	   *hash;

				if (hash_values == NIL || names == NIL)
				{
					none = true;
					break;
				}
				hash = linitial(hash_values);
				if (!usable_key(hash, DDB_MAX_HASH_KEY))
				{
					none = true;
					break;
				}
				foreach(lc, names)
				{
					char	   *name = lfirst(lc);

					if (!usable_key(name, DDB_MAX_RANGE_KEY))
						continue;
					st->pending_keys =
						lappend(st->pending_keys,
								list_make2(make_cond(hash_key, DDB_COND_EQ, hash),
										   make_cond(range_cond->attribute,
													 DDB_COND_EQ, name)));
				}
				none = (st->pending_keys == NIL);
				break;
			}
		case DDB_QUERY:
			{
				ListCell   *lc;

				if (range_cond)
					range = resolve_range(st, range_cond, &none);
				foreach(lc, hash_values)
				{
					char	   *h = lfirst(lc);

					if (usable_key(h, DDB_MAX_HASH_KEY))
						st->hash_values = lappend(st->hash_values,
												  make_cond(hash_key,
															DDB_COND_EQ, h));
				}
				if (st->hash_values == NIL)
					none = true;
				if (!none)
				{
					st->read.key_conds = list_make1(linitial(st->hash_values));
					st->hash_values = list_delete_first(st->hash_values);
					if (range)
						st->read.key_conds = lappend(st->read.key_conds, range);
				}
				break;
			}
		case DDB_SCAN:
			{
				int			n = Max(st->opts->scan_segments, 1);

				st->segment_keys = palloc0(sizeof(char *) * n);
				st->segment_done = palloc0(sizeof(bool) * n);
				st->read.total_segments = n;
				break;
			}
	}

	MemoryContextSwitchTo(oldcxt);
	st->next_key = NULL;
	st->arrays = NIL;
	st->items = NULL;
	if (!st->read.count_only)
		start_overlay(st);
	if (none)
		st->done = true;
	else
		fetch_page(st);
}

/*
 * Keys of BatchGetItem's UnprocessedKeys, back into pending_keys.  A
 * round in which DynamoDB processed none of the keys sent counts as idle:
 * DynamoDB never answers so (it refuses a request it cannot serve at all
 * as throttled), and after max_retries of them in a row the read stops.
 */
static void
requeue_unprocessed(DsScanState *st, Jsonb *answer)
{
	List	   *left = ddb_answer_unprocessed(answer, &st->read, &st->answer);
	int			sent = list_length(st->read.batch_keys);
	MemoryContext oldcxt;

	if (left == NIL)
	{
		st->unprocessed_rounds = 0;
		st->idle_rounds = 0;
		return;
	}
	st->unprocessed_rounds++;
	if (list_length(left) < sent)
		st->idle_rounds = 0;
	else if (++st->idle_rounds > st->opts->aws.max_retries)
		ddb_answer_error("BatchGetItem",
						 "It left all %d keys of the request unprocessed %d times in a row.",
						 sent, st->idle_rounds);
	oldcxt = MemoryContextSwitchTo(st->start_cxt);
	st->pending_keys = list_concat(st->pending_keys, left);
	MemoryContextSwitchTo(oldcxt);
}

/* Check an answer, and note its items (or its Count) and capacity. */
static void
take_answer(DsScanState *st, Jsonb *answer)
{
	JsonbContainer *items;

	if (st->read.count_only)
	{
		double		n = ddb_json_get_number(&answer->root, "Count", -1);

		st->capacity += ddb_answer_capacity(ddb_operation_name(st->read.op),
											answer);
		if (n < 0 || n != floor(n) || n > PG_INT32_MAX)
			ddb_answer_error(ddb_operation_name(st->read.op),
							 "The answer to a Select COUNT has no Count, or not a whole number.");
		st->counted += (int64) n;
		return;
	}

	items = ddb_answer_items(answer, &st->read, &st->answer, &st->capacity);
	if (items == NULL)
		return;
	if (JsonContainerIsArray(items))
		st->arrays = lappend(st->arrays, items);
	else
	{
		/* GetItem's one item: an array of it */
		JsonbParseState *ps = NULL;
		JsonbValue	item;
		JsonbValue *arr;

		item.type = jbvBinary;
		item.val.binary.data = items;
		item.val.binary.len = 0;
		pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
		pushJsonbValue(&ps, WJB_ELEM, &item);
		arr = pushJsonbValue(&ps, WJB_END_ARRAY, NULL);
		st->arrays = lappend(st->arrays, &JsonbValueToJsonb(arr)->root);
	}
}

static char *
last_key(DsScanState *st, Jsonb *answer)
{
	char	   *lek = ddb_answer_last_key(answer, &st->read, &st->answer);

	return lek ? MemoryContextStrdup(st->start_cxt, lek) : NULL;
}

/*
 * Where answers of many items are parsed: a context whose first block, as
 * large as a page's parse needs, survives the reset after each page, so
 * that the pages of a scan do not each allocate it, fault it in and give
 * it back.  NULL for a lookup, whose answer is small.
 */
static MemoryContext
parse_context(DsScanState *st)
{
	if (st->read.op == DDB_GET_ITEM)
		return NULL;
	if (st->parse_cxt == NULL)
		st->parse_cxt = AllocSetContextCreate(MemoryContextGetParent(st->page_cxt),
											  "dynastore_fdw parse",
											  0, 4 * 1024 * 1024,
											  8 * 1024 * 1024);
	return st->parse_cxt;
}

/*
 * The answer to the request of st->read: the one sent ahead when it is that
 * very request, else a call made now.
 */
static Jsonb *
call(DsScanState *st)
{
	const char *operation = ddb_operation_name(st->read.op);
	char	   *body = ddb_json_wire(ddb_request_read(&st->read));
	AwsAhead   *ahead = st->ahead;
	AwsResponse *resp;
	Jsonb	   *answer;

	st->ahead = NULL;
	if (ahead && strcmp(aws_ahead_body(ahead), body) == 0)
		resp = aws_ahead_finish(ahead);
	else
	{
		/* never read an answer to another request as this one's */
		aws_ahead_drop(ahead);
		ahead = NULL;
		resp = aws_dynamodb_call(&st->opts->aws, operation, body,
								 strlen(body), true,
								 st->read.index ? index_errors : NULL,
								 &st->stats);
	}

	/*
	 * An index the plan chose may be gone since DescribeTable said it was
	 * there: forget what we knew, so that the next statement plans anew.
	 */
	if (resp->error_type)
	{
		const char *msg = resp->error_message ? resp->error_message : "";
		size_t		len = strlen(msg);

		ddb_table_schema_forget(&st->opts->aws, st->opts->table);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("DynamoDB rejected the request on index \"%s\" of table \"%s\"",
						st->read.index, st->opts->table),
				 errdetail("DynamoDB returned %s: %s%s", resp->error_type, msg,
						   len > 0 && msg[len - 1] == '.' ? "" : "."),
				 errhint("The table's indexes will be read again; run the statement again.")));
	}
	answer = ddb_json_parse_in(resp->body, operation, parse_context(st));
	/* the parsed form is all we read */
	if (ahead)
		aws_ahead_drop(ahead);
	else
		pfree(resp->body);
	return answer;
}

/* The request of Scan segment i, from where the segment stands. */
static char *
segment_request(DsScanState *st, int i)
{
	st->read.segment = i;
	st->read.start_key = st->segment_keys[i];
	return ddb_json_wire(ddb_request_read(&st->read));
}

/*
 * Every unfinished segment of a Scan reads its next page at once: the one
 * sent ahead, or one sent now.  Then each segment that goes on sends its
 * next page ahead.
 */
static void
fetch_scan_segments(DsScanState *st)
{
	int			n = st->read.total_segments;
	AwsRequest *reqs = palloc0(sizeof(AwsRequest) * n);
	AwsAhead  **aheads = palloc0(sizeof(AwsAhead *) * n);
	int		   *segs = palloc(sizeof(int) * n);
	int		   *req_of = palloc(sizeof(int) * n);
	int			nseg = 0;
	int			nreq = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		char	   *body;

		if (st->segment_done[i])
			continue;
		body = segment_request(st, i);
		segs[nseg] = i;
		if (i < AWS_MAX_AHEAD && st->segment_ahead[i] != NULL)
		{
			AwsAhead   *ahead = st->segment_ahead[i];

			st->segment_ahead[i] = NULL;
			if (strcmp(aws_ahead_body(ahead), body) == 0)
			{
				aheads[nseg++] = ahead;
				continue;
			}
			aws_ahead_drop(ahead);
		}
		reqs[nreq].operation = "Scan";
		reqs[nreq].body = body;
		reqs[nreq].body_len = strlen(body);
		reqs[nreq].retry = AWS_RETRY_SAFE;
		req_of[nseg++] = nreq++;
	}
	if (nreq > 0)
		aws_dynamodb_call_many(&st->opts->aws, reqs, nreq,
							   Min(nreq, AWS_MAX_CONCURRENCY), &st->stats);

	st->done = true;
	for (i = 0; i < nseg; i++)
	{
		AwsResponse *resp = aheads[i] ? aws_ahead_finish(aheads[i]) :
			reqs[req_of[i]].response;
		Jsonb	   *answer = ddb_json_parse_in(resp->body, "Scan",
											   parse_context(st));
		int			seg = segs[i];

		if (aheads[i])
			aws_ahead_drop(aheads[i]);
		else
			pfree(resp->body);
		st->read.segment = seg;
		take_answer(st, answer);
		st->segment_keys[seg] = last_key(st, answer);
		st->segment_done[seg] = (st->segment_keys[seg] == NULL);
		if (!st->segment_done[seg])
			st->done = false;
	}

	for (i = 0; i < n && i < AWS_MAX_AHEAD && reads_ahead(st); i++)
	{
		MemoryContext scan_cxt = MemoryContextGetParent(st->page_cxt);
		char	   *body;

		if (st->segment_done[i])
			continue;
		body = segment_request(st, i);
		st->segment_ahead[i] = aws_ahead_start(&st->opts->aws, "Scan", body,
											   NULL, &st->stats, scan_cxt);
	}
}

/*
 * The next rounds of a BatchGetItem, a hundred keys each: they do not
 * depend on one another, so up to DS_BATCH_ROUNDS of them are in flight at
 * once, and their answers make the page (at most DS_BATCH_ROUNDS answers of
 * DynamoDB's 16 MB).  The rounds sent ahead with the last page are this
 * page's; else they are sent now.  Either way, the rounds after them go
 * out at once too, ahead.  Keys DynamoDB left unprocessed go back to the
 * queue, and rounds not yet sent wait a backoff first.  In the page
 * context.
 */
static void
fetch_batch_rounds(DsScanState *st)
{
	AwsRequest	reqs[DS_BATCH_ROUNDS];
	AwsAhead   *aheads[DS_BATCH_ROUNDS];
	List	   *sent[DS_BATCH_ROUNDS];
	int			nreq = 0;
	int			i;

	memset(reqs, 0, sizeof(reqs));
	memset(aheads, 0, sizeof(aheads));
	if (st->nbatch_ahead > 0)
	{
		for (i = 0; i < st->nbatch_ahead; i++)
		{
			aheads[i] = st->batch_ahead[i];
			sent[i] = st->batch_ahead_keys[i];
			st->batch_ahead[i] = NULL;
			st->batch_ahead_keys[i] = NIL;
		}
		nreq = st->nbatch_ahead;
		st->nbatch_ahead = 0;
	}
	else
	{
		if (st->unprocessed_rounds > 0)
			aws_backoff_wait(st->unprocessed_rounds - 1, true);
		while (nreq < DS_BATCH_ROUNDS && st->pending_keys != NIL)
		{
			int			n = Min(list_length(st->pending_keys),
								DDB_MAX_BATCH_GET_KEYS);
			char	   *body;

			st->read.batch_keys = list_copy_head(st->pending_keys, n);
			sent[nreq] = st->read.batch_keys;
			body = ddb_json_wire(ddb_request_read(&st->read));
			MemoryContextSwitchTo(st->start_cxt);
			st->pending_keys = list_copy_tail(st->pending_keys, n);
			MemoryContextSwitchTo(st->page_cxt);
			reqs[nreq].operation = "BatchGetItem";
			reqs[nreq].body = body;
			reqs[nreq].body_len = strlen(body);
			reqs[nreq].retry = AWS_RETRY_SAFE;
			nreq++;
		}
	}
	send_batch_ahead(st);
	if (aheads[0] == NULL)
		aws_dynamodb_call_many(&st->opts->aws, reqs, nreq, nreq, &st->stats);

	for (i = 0; i < nreq; i++)
	{
		AwsResponse *resp = aheads[i] ? aws_ahead_finish(aheads[i]) :
			reqs[i].response;
		Jsonb	   *answer = ddb_json_parse_in(resp->body, "BatchGetItem",
											   parse_context(st));

		if (aheads[i])
			aws_ahead_drop(aheads[i]);
		else
			pfree(resp->body);
		/* each answer is checked against the keys its own request asked */
		st->read.batch_keys = sent[i];
		take_answer(st, answer);
		requeue_unprocessed(st, answer);
	}
	st->done = (st->pending_keys == NIL && st->nbatch_ahead == 0);
}

/*
 * Whether the scan reads ahead.  Not when a pushed LIMIT sized the page
 * (the next page is seldom wanted; only such a LIMIT makes read.limit
 * differ from page_size), nor for a count, which makes no rows in between
 * to overlap with.
 */
static bool
reads_ahead(DsScanState *st)
{
	return !st->read.count_only && st->read.limit == st->opts->page_size;
}

/*
 * Read ahead: ask for the page that follows the current one of a Query
 * (the next page of the partition, or the first of the next partition) or
 * of an undivided Scan as soon as the answer naming it has come, so that
 * it travels while the rows of this one are made.  At most one page is
 * asked for ahead of the one being read; call() takes it only if it is
 * still the very request it would make.
 */
static void
send_ahead(DsScanState *st)
{
	const char *operation = ddb_operation_name(st->read.op);
	char	   *body;

	Assert(st->ahead == NULL);
	if (st->done || !reads_ahead(st))
		return;
	st->read.start_key = st->next_key;
	body = ddb_json_wire(ddb_request_read(&st->read));
	st->ahead = aws_ahead_start(&st->opts->aws, operation, body,
								st->read.index ? index_errors : NULL,
								&st->stats,
								MemoryContextGetParent(st->page_cxt));
}

/*
 * Send the BatchGetItem rounds after those of the current page, unless
 * the last answers left keys unprocessed (then the next rounds back off
 * first).  A round the client has no room for stays in the queue.
 */
static void
send_batch_ahead(DsScanState *st)
{
	MemoryContext oldcxt;

	if (st->unprocessed_rounds > 0 || !reads_ahead(st))
		return;
	oldcxt = MemoryContextSwitchTo(st->start_cxt);
	while (st->nbatch_ahead < DS_BATCH_ROUNDS && st->pending_keys != NIL)
	{
		int			n = Min(list_length(st->pending_keys),
							DDB_MAX_BATCH_GET_KEYS);
		List	   *keys = list_copy_head(st->pending_keys, n);
		char	   *body;
		AwsAhead   *ahead;

		st->read.batch_keys = keys;
		body = ddb_json_wire(ddb_request_read(&st->read));
		ahead = aws_ahead_start(&st->opts->aws, "BatchGetItem", body, NULL,
								&st->stats,
								MemoryContextGetParent(st->page_cxt));
		pfree(body);
		if (ahead == NULL)
		{
			list_free(keys);
			break;
		}
		st->batch_ahead[st->nbatch_ahead] = ahead;
		st->batch_ahead_keys[st->nbatch_ahead++] = keys;
		st->pending_keys = list_copy_tail(st->pending_keys, n);
	}
	MemoryContextSwitchTo(oldcxt);
}

/*
 * Forget every request sent ahead, answered or not: its memory goes, and
 * a transfer still running is cut, with its connection.
 */
static void
drop_ahead(DsScanState *st)
{
	int			i;

	aws_ahead_drop(st->ahead);
	st->ahead = NULL;
	for (i = 0; i < AWS_MAX_AHEAD; i++)
	{
		aws_ahead_drop(st->segment_ahead[i]);
		st->segment_ahead[i] = NULL;
	}
	for (i = 0; i < st->nbatch_ahead; i++)
	{
		aws_ahead_drop(st->batch_ahead[i]);
		st->batch_ahead[i] = NULL;
		st->batch_ahead_keys[i] = NIL;
	}
	st->nbatch_ahead = 0;
}

/*
 * Request the next page: the next page of a Query or Scan, the next
 * partition of a Query over several, or the next rounds of a
 * BatchGetItem.  The previous page is dropped first.
 */
static void
fetch_page(DsScanState *st)
{
	MemoryContext oldcxt;
	Jsonb	   *answer;

	MemoryContextReset(st->row_cxt);
	MemoryContextReset(st->page_cxt);
	st->arrays = NIL;
	st->array_pos = 0;
	st->items = NULL;
	oldcxt = MemoryContextSwitchTo(st->page_cxt);
	st->pages++;

	switch (st->read.op)
	{
		case DDB_GET_ITEM:
			st->read.key_conds = linitial(st->pending_keys);
			take_answer(st, call(st));
			st->done = true;
			break;

		case DDB_BATCH_GET_ITEM:
			fetch_batch_rounds(st);
			break;

		case DDB_QUERY:
			st->read.start_key = st->next_key;
			answer = call(st);
			take_answer(st, answer);
			st->next_key = last_key(st, answer);
			if (st->next_key == NULL && st->hash_values != NIL)
			{
				/* on to the next partition */
				linitial(st->read.key_conds) = linitial(st->hash_values);
				st->hash_values = list_delete_first(st->hash_values);
				ddb_answer_restart(&st->answer);
			}
			else if (st->next_key == NULL)
				st->done = true;
			send_ahead(st);
			break;

		case DDB_SCAN:
			if (st->read.total_segments > 1)
				fetch_scan_segments(st);
			else
			{
				st->read.start_key = st->next_key;
				answer = call(st);
				take_answer(st, answer);
				st->next_key = last_key(st, answer);
				st->done = (st->next_key == NULL);
				send_ahead(st);
			}
			break;
	}

	MemoryContextSwitchTo(oldcxt);
}

/* The next item of the current page, if any. */
static bool
next_item(DsScanState *st, JsonbContainer **item)
{
	JsonbValue	v;
	JsonbIteratorToken tok;
	MemoryContext oldcxt = MemoryContextSwitchTo(st->page_cxt);
	bool		found = false;

	while (!found)
	{
		if (st->items == NULL)
		{
			if (st->array_pos >= list_length(st->arrays))
				break;
			st->items = JsonbIteratorInit(list_nth(st->arrays, st->array_pos++));
		}
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
			st->items = NULL;	/* the iterator freed itself at the end */
	}
	MemoryContextSwitchTo(oldcxt);
	return found;
}

static void
fill_values(DsScanState *st, JsonbContainer *item, Datum *values,
			bool *nulls)
{
	ErrorContextCallback errcallback;
	MemoryContext oldcxt;
	int			natts = RelationGetDescr(st->rel)->natts;
	int			i;

	MemoryContextReset(st->row_cxt);
	oldcxt = MemoryContextSwitchTo(st->row_cxt);

	memset(nulls, true, sizeof(bool) * natts);

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
			values[idx] = attr_fields_datum(col, item, st->claimed,
											st->nclaimed);
			nulls[idx] = false;
		}
		else
			values[idx] = attr_to_datum(col, ddb_json_get(item, col->attribute),
										&nulls[idx]);
	}

	error_context_stack = errcallback.previous;
	st->item = NULL;
	attr_presence_note(st->presence, item);
	MemoryContextSwitchTo(oldcxt);
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

/* An expression of the plan as EXPLAIN shows it: literals quoted. */
static char *
explain_arg(ForeignScanState *node, ExplainState *es, int n)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	Expr	   *e = list_nth(fsplan->fdw_exprs, n);
	List	   *ctx;

	if (IsA(e, Const))
	{
		Const	   *c = (Const *) e;
		Oid			typoutput;
		bool		varlena;

		if (c->constisnull)
			return "NULL";
		getTypeOutputInfo(c->consttype, &typoutput, &varlena);
		return quote_literal_cstr(OidOutputFunctionCall(typoutput,
														c->constvalue));
	}
	ctx = deparse_context_for_plan_tree(es->pstmt, es->rtable_names);
	ctx = set_deparse_context_plan(ctx, node->ss.ps.plan, NIL);
	return deparse_expression((Node *) e, ctx, false, false);
}

/* The key condition as EXPLAIN shows it: id = 'customers' AND ... */
static char *
explain_key_condition(ForeignScanState *node, ExplainState *es)
{
	DsScanState *st = node->fdw_state;
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	if (st->opts->partition && !st->global_index)
		appendStringInfo(&buf, "id = %s",
						 quote_literal_cstr(st->opts->partition));
	for (i = 0; i < st->nconds; i++)
	{
		DsCond	   *c = &st->conds[i];
		char	   *arg = explain_arg(node, es, c->arg);

		if (buf.len > 0)
			appendStringInfoString(&buf, " AND ");
		if (c->is_array)
			appendStringInfo(&buf, "%s = ANY (%s)", c->attribute, arg);
		else if (c->op == DDB_COND_BEGINS_WITH)
			appendStringInfo(&buf, "begins_with(%s, %s)", c->attribute, arg);
		else if (c->op == DDB_COND_BETWEEN)
			appendStringInfo(&buf, "%s BETWEEN %s AND %s", c->attribute, arg,
							 explain_arg(node, es, c->arg2));
		else
			appendStringInfo(&buf, "%s %s %s", c->attribute,
							 ddb_cond_op_text(c->op), arg);
	}
	return buf.data;
}

/*
 * EXPLAIN: the DynamoDB operation, table, index, key condition, filter and
 * attributes; with ANALYZE, the requests, pages, items and capacity.
 */
void
ds_explain_scan(ForeignScanState *node, ExplainState *es)
{
	DsScanState *st = node->fdw_state;
	DdbRead    *read = &st->read;

	ExplainPropertyText("DynamoDB Operation", ddb_operation_name(read->op), es);
	ExplainPropertyText("DynamoDB Table", read->table, es);
	if (read->index)
		ExplainPropertyText("DynamoDB Index",
							st->global_index ?
							psprintf("%s (global: eventually consistent)",
									 read->index) : read->index, es);
	if (read->op != DDB_SCAN)
		ExplainPropertyText("Key Condition", explain_key_condition(node, es),
							es);
	if (st->filter_partition || read->count_only)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		if (st->filter_partition)
			appendStringInfo(&buf, "id = %s",
							 quote_literal_cstr(st->opts->partition));
		if (st->filter_partition && read->count_only)
			appendStringInfoString(&buf, " AND ");
		if (read->count_only)
			appendStringInfoString(&buf, "(attribute_not_exists(expires) OR expires >= now)");
		ExplainPropertyText("DynamoDB Filter", buf.data, es);
	}
	if (read->op == DDB_QUERY && !read->forward)
		ExplainPropertyText("Order", "descending", es);
	if (read->op == DDB_SCAN && st->opts->scan_segments > 1)
		ExplainPropertyInteger("Scan Segments", NULL,
							   st->opts->scan_segments, es);
	if (read->limit > 0 && read->op != DDB_GET_ITEM)
		ExplainPropertyInteger("Page Limit", NULL, read->limit, es);
	if (read->count_only)
		ExplainPropertyText("DynamoDB Select", "COUNT", es);
	else if (read->projection != NIL)
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
	if (ds_txn_touches(st->opts->serverid, st->opts->table))
		ExplainPropertyText("Shows Pending Writes",
							psprintf("%d of the transaction's, kept until COMMIT",
									 ds_txn_pending(st->opts->serverid)), es);
	if (st->check_reads)
		ExplainPropertyText("Rows Read Are Checked", "at COMMIT", es);

	if (es->analyze)
		ds_scan_explain_counts(st, es);
}
