/*-------------------------------------------------------------------------
 *
 * read_overlay.c
 *		Reads that show the transaction's own writes kept until COMMIT.
 *
 * A statement sees what the transaction wrote before it (the states of
 * txn_writes.c below its snapshot's command id), as if it were applied:
 * DynamoDB's item of such a record is replaced by the record as the
 * transaction left it, then tested again against the read's key
 * conditions (an update may move a record out of an index range, or into
 * it); records the transaction created come after DynamoDB's items when
 * they match.  Items are in the database's encoding, as answers are; the
 * transaction's attributes are in UTF-8, as they go on the wire.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "attr_value.h"
#include "aws_client.h"
#include "ddb_json.h"
#include "read_overlay.h"
#include "txn_writes.h"

/* An item kept to be returned once DynamoDB's are through. */
typedef struct KeptItem
{
	Jsonb	   *item;
	char	   *sort_key;		/* its sort attribute's S value, or NULL */
	int			seq;			/* the order it came in */
} KeptItem;

struct DsOverlay
{
	DsTableOptions *opts;
	CommandId	curcid;			/* the reading statement sees below this */
	DdbOperation op;
	List	   *hashes;			/* Query: values its hash key may have */
	const char *hash_attribute;
	DdbKeyCond *range;			/* Query: the range condition, or NULL */
	List	   *keys;			/* GetItem, BatchGetItem: the keys asked */
	List	   *filters;		/* Scan: equality filters */
	List	   *unmet;			/* DdbKey *: written records not met yet */
	const char *sort_attribute; /* keep every item, sort them at the end */
	bool		forward;
	KeptItem   *later;			/* the items to return after DynamoDB's */
	int			nlater;
	int			maxlater;
	int			pos;
	bool		none;			/* the read can match no record at all */
	bool		by_index;		/* an index read: updates move records */
	bool		finished;		/* DynamoDB's items are all through */
	bool		prepared;		/* ordered: the records to merge are known */
	List	   *taken;			/* ordered: DdbKey * of the records merged
								 * from the transaction's, not DynamoDB's */
	JsonbContainer *stash;		/* ordered: DynamoDB's item, held back while
								 * the transaction's that sort first go */
	MemoryContext cxt;			/* the read's, where kept items live */
};

static char *item_string(JsonbContainer *item, const char *attribute);
static bool matches(DsOverlay *ov, JsonbContainer *item);
static bool moves_in(DsOverlay *ov, const DsTxnView *view);
static JsonbContainer *as_written(DsOverlay *ov, const DsTxnView *view,
								  const DdbKey *key, JsonbContainer *item);
static void keep_later(DsOverlay *ov, JsonbContainer *item);
static int	compare_kept(const void *a, const void *b, void *arg);
static void prepare_ordered(DsOverlay *ov);
static bool item_key(JsonbContainer *item, DdbKey *key, DdbKey *shown);
static DdbKey *find_key(List *keys, const DdbKey *key);
static bool written_record(DsOverlay *ov, const DdbKey *key,
						   JsonbContainer **item);
static bool sorts_before(DsOverlay *ov, KeptItem *kept, JsonbContainer *item);
static bool sets(const DsTxnView *view, const char *attribute);

/*
 * The overlay of a read about to start, or NULL when the transaction keeps
 * no write to its table.  hashes are a Query's hash key values (C
 * strings), keys a BatchGetItem's or GetItem's lists of key conditions;
 * sort_attribute is the key a Query's items come in order of when the
 * plan relies on it.  In the current memory context.
 */
DsOverlay *
ds_overlay_start(DsTableOptions *opts, DdbRead *read, List *hashes,
				 List *keys, const char *sort_attribute)
{
	DsOverlay  *ov;

	if (!ds_txn_touches(opts->serverid, opts->table))
		return NULL;
	ov = palloc0(sizeof(DsOverlay));
	ov->cxt = CurrentMemoryContext;
	ov->opts = opts;
	ov->curcid = ActiveSnapshotSet() ? GetActiveSnapshot()->curcid :
		GetCurrentCommandId(false);
	ov->op = read->op;
	ov->hashes = list_copy(hashes);
	if (read->key_conds != NIL && read->op == DDB_QUERY)
	{
		ov->hash_attribute = ((DdbKeyCond *) linitial(read->key_conds))->attribute;
		if (list_length(read->key_conds) > 1)
			ov->range = lsecond(read->key_conds);
	}
	/* a Query with no key condition was found to match nothing */
	ov->none = (read->op == DDB_QUERY && ov->hash_attribute == NULL);
	ov->by_index = (read->index != NULL);
	ov->keys = keys;
	ov->filters = read->filter_conds;
	ov->unmet = list_copy(ds_txn_keys(opts->serverid, opts->table,
									  ov->curcid));
	ov->sort_attribute = sort_attribute && sort_attribute[0] ?
		sort_attribute : NULL;
	ov->forward = read->forward;
	return ov;
}

/*
 * An item DynamoDB returned, as the transaction sees it: the same item,
 * the record as the transaction changed it, or NULL when the transaction
 * deleted it or moved it out of what the read asks for.  In an ordered
 * read, one of the transaction's records that sorts before it may come
 * first, the item held back (ds_overlay_ready).
 */
JsonbContainer *
ds_overlay_item(DsOverlay *ov, JsonbContainer *item)
{
	DdbKey		key;
	DdbKey		shown;
	const DsTxnView *view;

	if (ov->sort_attribute && !ov->prepared)
		prepare_ordered(ov);
	if (item_key(item, &key, &shown))
	{
		/* a record merged in order from the transaction's: not here */
		if (find_key(ov->taken, &key))
			return NULL;
		ov->unmet = list_delete_ptr(ov->unmet, find_key(ov->unmet, &key));
		view = ds_txn_lookup(ov->opts->serverid, ov->opts->table, &key,
							 ov->curcid);
		if (view)
		{
			item = as_written(ov, view, &key, item);
			if (item == NULL || !matches(ov, item))
				return NULL;
		}
	}
	if (ov->sort_attribute && ov->pos < ov->nlater &&
		sorts_before(ov, &ov->later[ov->pos], item))
	{
		/* the transaction's records that sort first go first */
		ov->stash = item;
		return &ov->later[ov->pos++].item->root;
	}
	return item;
}

/*
 * Ordered reads: the item to return before reading on, if any: one of
 * the transaction's records that sorts before DynamoDB's held-back item,
 * or that item.  NULL when DynamoDB's next item is due.
 */
JsonbContainer *
ds_overlay_ready(DsOverlay *ov)
{
	JsonbContainer *item = ov->stash;

	if (item == NULL)
		return NULL;
	if (ov->pos < ov->nlater && sorts_before(ov, &ov->later[ov->pos], item))
		return &ov->later[ov->pos++].item->root;
	ov->stash = NULL;
	return item;
}

/*
 * Ordered reads: before DynamoDB's first item, the transaction's records
 * that may be in the read with another sort key than DynamoDB has (created,
 * or updated in a way that can move them), as the transaction has them and
 * sorted; they are merged into DynamoDB's items, which come in order.
 */
static void
prepare_ordered(DsOverlay *ov)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(ov->cxt);
	ListCell   *lc;

	ov->prepared = true;
	foreach(lc, ov->unmet)
	{
		JsonbContainer *item;

		if (!written_record(ov, lfirst(lc), &item))
			continue;
		ov->taken = lappend(ov->taken, lfirst(lc));
		ov->unmet = foreach_delete_current(ov->unmet, lc);
		if (item)
			keep_later(ov, item);
	}
	if (ov->nlater > 1)
		qsort_arg(ov->later, ov->nlater, sizeof(KeptItem), compare_kept,
				  &ov->forward);
	MemoryContextSwitchTo(oldcxt);
}

/* Does the kept item sort before DynamoDB's item in the read's order? */
static bool
sorts_before(DsOverlay *ov, KeptItem *kept, JsonbContainer *item)
{
	KeptItem	other;

	other.sort_key = item_string(item, ov->sort_attribute);
	other.seq = kept->seq;		/* of one key, DynamoDB's first */
	return compare_kept(kept, &other, &ov->forward) < 0;
}

/* Does the update set or remove attribute? */
static bool
sets(const DsTxnView *view, const char *attribute)
{
	ListCell   *lc;

	foreach(lc, view->attrs)
		if (strcmp(((DdbAttr *) lfirst(lc))->name, attribute) == 0)
			return true;
	return false;
}

/*
 * After DynamoDB's last item: the records the transaction created that
 * the read asks for and DynamoDB did not return, then (when the order
 * matters) every item, sorted.  NULL at the end.
 */
JsonbContainer *
ds_overlay_next(DsOverlay *ov)
{
	if (ov->sort_attribute)
	{
		/* the rest of the transaction's, which sort after DynamoDB's */
		if (!ov->prepared)
			prepare_ordered(ov);
		ov->finished = true;
	}
	if (!ov->finished)
	{
		ListCell   *lc;

		ov->finished = true;
		foreach(lc, ov->unmet)
		{
			JsonbContainer *item;

			if (written_record(ov, lfirst(lc), &item) && item)
				keep_later(ov, item);
		}
		ov->unmet = NIL;
	}
	if (ov->pos >= ov->nlater)
		return NULL;
	return &ov->later[ov->pos++].item->root;
}

/*
 * A record read FOR SHARE (or FOR UPDATE) in commit mode: its version
 * becomes a condition of the COMMIT.
 */
void
ds_overlay_check_read(DsTableOptions *opts, const char *relname,
					  JsonbContainer *item)
{
	JsonbValue *version = ddb_json_get(item, "version");
	char	   *n = version && version->type == jbvBinary ?
		ddb_json_get_string(version->val.binary.data, "N") : NULL;
	DdbKey		key;
	DdbKey		shown;

	if (!item_key(item, &key, &shown))
		return;
	ds_txn_check(opts, relname, &key, &shown, n != NULL,
				 n ? pg_strtoint64(n) : 0);
}

/*
 * Could an update have brought a record DynamoDB did not return into this
 * read?  Through an index, when it changed any attribute (an index key);
 * through the table's own key, only by changing its expiry.
 */
static bool
moves_in(DsOverlay *ov, const DsTxnView *view)
{
	ListCell   *lc;

	if (ov->by_index)
		return true;
	foreach(lc, view->attrs)
		if (strcmp(((DdbAttr *) lfirst(lc))->name, "expires") == 0)
			return true;
	return false;
}

/*
 * table's record of key (UTF-8) as DynamoDB has it, strongly consistent,
 * or NULL: for records the transaction wrote that a read did not return,
 * and for ON CONFLICT DO NOTHING in commit mode.
 */
JsonbContainer *
ds_overlay_fetch(DsTableOptions *opts, const char *table, const DdbKey *key)
{
	char	   *body = ddb_write_get(table, key);
	AwsResponse *res;
	Jsonb	   *answer;
	JsonbValue *item;

	CHECK_FOR_INTERRUPTS();
	res = aws_dynamodb_call(&opts->aws, "GetItem", body, strlen(body),
							true, NULL, NULL);
	answer = ddb_json_parse(res->body, "GetItem");
	item = ddb_json_get(&answer->root, "Item");
	if (item == NULL || item->type != jbvBinary ||
		!JsonContainerIsObject(item->val.binary.data))
		return NULL;
	return item->val.binary.data;
}

/* An item's key, in UTF-8 and as shown; false when it has none. */
static bool
item_key(JsonbContainer *item, DdbKey *key, DdbKey *shown)
{
	shown->id = item_string(item, "id");
	shown->name = item_string(item, "name");
	if (shown->id == NULL || shown->name == NULL)
		return false;
	key->id = pg_server_to_any(shown->id, strlen(shown->id), PG_UTF8);
	key->name = pg_server_to_any(shown->name, strlen(shown->name), PG_UTF8);
	return true;
}

/* The DdbKey of keys equal to key, or NULL. */
static DdbKey *
find_key(List *keys, const DdbKey *key)
{
	ListCell   *lc;

	foreach(lc, keys)
	{
		DdbKey	   *k = lfirst(lc);

		if (strcmp(k->id, key->id) == 0 && strcmp(k->name, key->name) == 0)
			return k;
	}
	return NULL;
}

/*
 * A record DynamoDB's answer may not hold rightly, as the transaction has
 * it: true when the transaction decides it (created, or updated in a way
 * that can move it into the read or, in an ordered read, along it), with
 * *item the record if the read asks for it, else NULL.  An update's record
 * is fetched from DynamoDB (strongly consistent) and the update applied.
 */
static bool
written_record(DsOverlay *ov, const DdbKey *key, JsonbContainer **item)
{
	const DsTxnView *view = ds_txn_lookup(ov->opts->serverid,
										  ov->opts->table, key, ov->curcid);

	*item = NULL;
	if (view == NULL || ov->none)
		return false;
	if (view->final == DS_TXN_ITEM)
		*item = as_written(ov, view, key, NULL);
	else if (view->final == DS_TXN_DELTA &&
			 (moves_in(ov, view) ||
			  (ov->sort_attribute && sets(view, ov->sort_attribute))))
	{
		*item = ds_overlay_fetch(ov->opts, ov->opts->table, key);
		if (*item)
			*item = as_written(ov, view, key, *item);
	}
	else
		return false;
	if (*item && !matches(ov, *item))
		*item = NULL;
	return true;
}

/* The S value of an item's attribute, or NULL. */
static char *
item_string(JsonbContainer *item, const char *attribute)
{
	JsonbValue *v = ddb_json_get(item, attribute);

	if (v == NULL || v->type != jbvBinary)
		return NULL;
	return ddb_json_get_string(v->val.binary.data, "S");
}

/* Does a key condition hold for value (NULL: the item lacks it)? */
static bool
cond_holds(DdbKeyCond *c, const char *value)
{
	int			cmp;

	if (value == NULL)
		return false;
	cmp = strcmp(value, c->value);
	switch (c->op)
	{
		case DDB_COND_EQ:
			return cmp == 0;
		case DDB_COND_LT:
			return cmp < 0;
		case DDB_COND_LE:
			return cmp <= 0;
		case DDB_COND_GT:
			return cmp > 0;
		case DDB_COND_GE:
			return cmp >= 0;
		case DDB_COND_BETWEEN:
			return cmp >= 0 && strcmp(value, c->value2) <= 0;
		case DDB_COND_BEGINS_WITH:
			return strncmp(value, c->value, strlen(c->value)) == 0;
	}
	return false;
}

/* Is item one the read asks for? */
static bool
matches(DsOverlay *ov, JsonbContainer *item)
{
	ListCell   *lc;

	if (ov->none)
		return false;
	switch (ov->op)
	{
		case DDB_GET_ITEM:
		case DDB_BATCH_GET_ITEM:
			foreach(lc, ov->keys)
			{
				List	   *conds = lfirst(lc);
				DdbKeyCond *h = linitial(conds);
				DdbKeyCond *r = lsecond(conds);

				if (cond_holds(h, item_string(item, h->attribute)) &&
					cond_holds(r, item_string(item, r->attribute)))
					return true;
			}
			return false;
		case DDB_QUERY:
			{
				char	   *h = item_string(item, ov->hash_attribute);
				bool		found = false;

				foreach(lc, ov->hashes)
					found |= (h && strcmp(h, lfirst(lc)) == 0);
				if (!found)
					return false;
				if (ov->range &&
					!cond_holds(ov->range, item_string(item, ov->range->attribute)))
					return false;
			}
			/* FALLTHROUGH */
		case DDB_SCAN:
			foreach(lc, ov->filters)
			{
				DdbKeyCond *f = lfirst(lc);

				if (!cond_holds(f, item_string(item, f->attribute)))
					return false;
			}
			return true;
	}
	return false;
}

/*
 * The record of key as the transaction left it: its whole item, or the
 * item DynamoDB returned with the transaction's updates applied.  NULL
 * when the transaction deleted it.
 */
static JsonbContainer *
as_written(DsOverlay *ov, const DsTxnView *view, const DdbKey *key,
		   JsonbContainer *item)
{
	List	   *attrs;
	char	   *text;

	switch (view->final)
	{
		case DS_TXN_ABSENT:
			return NULL;
		case DS_TXN_UNCHANGED:
			return item;
		case DS_TXN_ITEM:
			attrs = view->attrs;
			break;
		default:
			{
				JsonbIterator *it = JsonbIteratorInit(item);
				JsonbIteratorToken tok;
				JsonbValue	v;
				char	   *name = NULL;
				char	   *version;

				attrs = NIL;
				while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
				{
					if (tok == WJB_KEY)
						name = pnstrdup(v.val.string.val, v.val.string.len);
					else if (tok == WJB_VALUE && name &&
							 strcmp(name, "id") != 0 &&
							 strcmp(name, "name") != 0)
					{
						char	   *value = v.type == jbvBinary ?
							ddb_json_to_text(v.val.binary.data) : NULL;

						if (value)
							attrs = lappend(attrs,
											ddb_attr_make(pg_server_to_any(name, strlen(name), PG_UTF8),
														  pg_server_to_any(value, strlen(value), PG_UTF8),
														  0));
					}
				}
				attrs = ds_txn_merge_attrs(attrs, view->attrs);
				version = psprintf("{\"N\":\"" INT64_FORMAT "\"}",
								   view->version);
				attrs = ds_txn_merge_attrs(attrs,
										   list_make1(ddb_attr_make("version",
																	version, 0)));
				break;
			}
	}
	text = ddb_write_item(key, attrs);
	return &ddb_json_parse(text, "a transaction's write")->root;
}

/*
 * Items in the order of their sort key (DynamoDB's: bytes; missing last),
 * ascending when *arg is true; those of one key in the order they came.
 */
static int
compare_kept(const void *a, const void *b, void *arg)
{
	const KeptItem *x = a;
	const KeptItem *y = b;
	bool		forward = *(bool *) arg;
	int			c;

	if (x->sort_key && y->sort_key)
		c = strcmp(x->sort_key, y->sort_key);
	else
		c = x->sort_key ? -1 : (y->sort_key ? 1 : 0);
	if (c != 0)
		return forward ? c : -c;
	return x->seq - y->seq;
}

/* A copy of item, to be returned once DynamoDB's are through. */
static void
keep_later(DsOverlay *ov, JsonbContainer *item)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(ov->cxt);
	char	   *text = ddb_json_to_text(item);
	KeptItem   *kept;

	if (ov->nlater == ov->maxlater)
	{
		ov->maxlater = Max(16, ov->maxlater * 2);
		ov->later = ov->later ?
			repalloc(ov->later, sizeof(KeptItem) * ov->maxlater) :
			palloc(sizeof(KeptItem) * ov->maxlater);
	}
	kept = &ov->later[ov->nlater];
	kept->item = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
													CStringGetDatum(text)));
	kept->sort_key = ov->sort_attribute ?
		item_string(&kept->item->root, ov->sort_attribute) : NULL;
	kept->seq = ov->nlater++;
	pfree(text);
	MemoryContextSwitchTo(oldcxt);
}
