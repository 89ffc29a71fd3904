/*-------------------------------------------------------------------------
 *
 * txn_writes.c
 *		A transaction's writes, kept until COMMIT (write_mode 'commit').
 *
 * Each record the transaction writes is one entry here, however often it
 * is written: DynamoDB takes one action per item in a transaction.  The
 * entry keeps the condition of the record's first write (the version the
 * transaction first read, or "no live record" for a create) and a history
 * of what the record holds after each write, tagged with the command and
 * subtransaction that made it.  The history gives three things:
 *
 *	- the merged action sent at commit: the first write's condition, the
 *	  last state's effect;
 *	- ROLLBACK TO SAVEPOINT: the states its subtransactions made go;
 *	- read-your-writes as PostgreSQL has it: a statement sees the states
 *	  made before it started (command id below its snapshot's), never its
 *	  own.
 *
 * At PRE_COMMIT the actions go out as one TransactWriteItems with a
 * ClientRequestToken (write_buffer.c sends it and judges the outcome): a
 * failed condition fails the COMMIT with 40001 or 23505 and nothing is
 * applied; an outcome that stays unknown is 40003.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "foreign/foreign.h"
#include "common/hashfn.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "attr_value.h"
#include "aws_client.h"
#include "ddb_json.h"
#include "pg_compat.h"
#include "read_overlay.h"
#include "txn_writes.h"

bool		ds_write_at_commit = false;

/* One state of a record: what it holds after a write. */
typedef struct TxnState
{
	CommandId	cid;			/* the command that wrote it */
	SubTransactionId subid;		/* and its subtransaction */
	DsTxnView	view;
	size_t		size;			/* bytes DynamoDB counts for the action */
} TxnState;

/* A record the transaction writes or checks. */
typedef struct TxnRecord
{
	char	   *hkey;			/* table, id and name: the hash key */
	char	   *table;
	DdbKey		key;			/* UTF-8 */
	DdbKey		shown;			/* the database's encoding, for messages */
	char	   *relname;		/* the foreign table first written through */
	DsWriteKind first;			/* its condition at commit comes from */
	bool		base_has_version;	/* the version first read */
	int64		base_version;
	List	   *states;			/* TxnState *, oldest first, never empty */
} TxnRecord;

/* An entry of txn_records. */
typedef struct TxnEntry
{
	char	   *hkey;
	TxnRecord  *rec;
} TxnEntry;

/* The transaction's writes; all in txn_cxt, a child of TopTransactionContext */
static MemoryContext txn_cxt = NULL;
static HTAB *txn_records = NULL;
static List *txn_order = NIL;	/* TxnRecord *, first written first */
static Oid	txn_serverid = InvalidOid;
static Oid	txn_userid = InvalidOid;
static Oid	txn_relid = InvalidOid; /* a foreign table to reach them by */

static void txn_xact_callback(XactEvent event, void *arg);
static void txn_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								 SubTransactionId parentSubid, void *arg);
static void forget_all(void);
static void commit_writes(void);
static DsTableOptions *sending_options(void);
static TxnRecord *find_record(const char *table, const DdbKey *key,
							  bool create, const DsTableOptions *opts,
							  const char *relname, const DdbKey *shown);
static void push_state(TxnRecord *rec, DsTxnView *view, size_t size,
					   CommandId cid);
static bool remote_live(DsTableOptions *opts, const char *table,
						const DdbKey *key);
static uint32 key_hash(const void *key, Size keysize);
static int	key_match(const void *key1, const void *key2, Size keysize);

void
ds_txn_init(void)
{
	DefineCustomBoolVariable("dynastore_fdw.write_at_commit",
							 "Keeps every write to a dynastore_fdw foreign table until COMMIT.",
							 "When on, foreign tables behave as with write_mode 'commit': a transaction's writes go to DynamoDB at COMMIT as one TransactWriteItems, all or none.",
							 &ds_write_at_commit,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("dynastore_fdw");
	RegisterXactCallback(txn_xact_callback, NULL);
	RegisterSubXactCallback(txn_subxact_callback, NULL);
}

static uint32
key_hash(const void *key, Size keysize)
{
	const char *k = *(char *const *) key;

	return hash_bytes((const unsigned char *) k, strlen(k));
}

static int
key_match(const void *key1, const void *key2, Size keysize)
{
	return strcmp(*(char *const *) key1, *(char *const *) key2);
}


/* ---------------------------------------------------------------------
 * The transaction's end
 * ---------------------------------------------------------------------
 */

static void
txn_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
			if (txn_order != NIL)
				commit_writes();
			forget_all();
			break;
		case XACT_EVENT_PRE_PREPARE:
			if (txn_order != NIL)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot PREPARE a transaction that has writes to a dynastore_fdw foreign table kept until COMMIT"),
						 errdetail_plural("DynamoDB has no two-phase commit: the %d record kept in commit mode can only be sent at COMMIT.",
										  "DynamoDB has no two-phase commit: the %d records kept in commit mode can only be sent at COMMIT.",
										  list_length(txn_order),
										  list_length(txn_order)),
						 errhint("COMMIT the transaction instead, or write with write_mode 'transaction'.")));
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			forget_all();
			break;
	}
}

/* The memory goes with TopTransactionContext; forget what pointed to it. */
static void
forget_all(void)
{
	txn_cxt = NULL;
	txn_records = NULL;
	txn_order = NIL;
	txn_serverid = InvalidOid;
	txn_userid = InvalidOid;
	txn_relid = InvalidOid;
}

/*
 * ROLLBACK TO SAVEPOINT, or a subtransaction that failed: the states it
 * and its children made are undone; a record left with none is not
 * written at all.  Subtransaction ids only grow within a transaction, so
 * "made at or after mySubid" is exactly "made inside it".
 */
static void
txn_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					 SubTransactionId parentSubid, void *arg)
{
	ListCell   *lc;

	if (event != SUBXACT_EVENT_ABORT_SUB || txn_order == NIL)
		return;
	foreach(lc, txn_order)
	{
		TxnRecord  *rec = lfirst(lc);

		while (rec->states != NIL &&
			   ((TxnState *) llast(rec->states))->subid >= mySubid)
			rec->states = list_delete_last(rec->states);
		if (rec->states == NIL)
		{
			(void) hash_search(txn_records, &rec->hkey, HASH_REMOVE, NULL);
			txn_order = foreach_delete_current(txn_order, lc);
		}
	}
}

/*
 * Where the writes go: the first foreign table's options, or its server's
 * when the table was dropped since (the writes were made all the same).
 */
static DsTableOptions *
sending_options(void)
{
	ForeignServer *server;

	if (SearchSysCacheExists1(FOREIGNTABLEREL, ObjectIdGetDatum(txn_relid)))
		return ds_get_table_options(txn_relid, txn_userid);
	server = GetForeignServerExtended(txn_serverid, FSV_MISSING_OK);
	if (server == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot commit writes to DynamoDB whose foreign server was dropped"),
				 errdetail_plural("The transaction keeps %d record in commit mode, and the server it goes to was dropped in the same transaction; nothing was written.",
								  "The transaction keeps %d records in commit mode, and the server they go to was dropped in the same transaction; nothing was written.",
								  list_length(txn_order),
								  list_length(txn_order)),
				 errhint("Drop the server in a transaction of its own.")));
	return ds_get_server_options(server, txn_userid);
}

/*
 * Send the transaction's writes as one TransactWriteItems: each record's
 * action has the condition of its first write and the effect of its last
 * state.  Raises (so the COMMIT fails and PostgreSQL rolls back) when
 * DynamoDB refused it, or when its outcome could not be learnt.
 */
static void
commit_writes(void)
{
	int			n = list_length(txn_order);
	DsWrite    *writes = palloc0(sizeof(DsWrite) * n);
	DsWrite   **ptrs = palloc(sizeof(DsWrite *) * n);
	DsTableOptions *opts;
	static DsWriteStats stats;
	int64		now = attr_now();
	int			nactions = 0;
	ListCell   *lc;

	opts = sending_options();
	memset(&stats, 0, sizeof(stats));
	foreach(lc, txn_order)
	{
		TxnRecord  *rec = lfirst(lc);
		TxnState   *last = llast(rec->states);
		DsWrite    *w = &writes[nactions];
		DdbCondition cond;
		DdbEffect	effect;
		int64		increment = 0;

		switch (rec->first)
		{
			case DS_WRITE_CREATE:
				cond = DDB_IF_ABSENT;
				break;
			case DS_WRITE_UPDATE:
			case DS_WRITE_CHECK:
				cond = DDB_IF_LIVE_VERSION;
				break;
			case DS_WRITE_DELETE:
				cond = DDB_IF_VERSION;
				break;
			default:
				cond = DDB_IF_ANY;
				break;
		}
		switch (last->view.final)
		{
			case DS_TXN_UNCHANGED:
				effect = DDB_DO_CHECK;
				break;
			case DS_TXN_ABSENT:
				effect = rec->first == DS_WRITE_CREATE ? DDB_DO_CHECK :
					DDB_DO_DELETE;
				break;
			case DS_TXN_ITEM:
				effect = DDB_DO_PUT;
				break;
			default:
				effect = DDB_DO_UPDATE;
				increment = last->view.version -
					(rec->base_has_version ? rec->base_version : 0);
				break;
		}
		w->kind = rec->first;
		w->relname = rec->relname;
		w->table = rec->table;
		w->key = rec->key;
		w->shown = rec->shown;
		w->has_version = rec->base_has_version;
		w->version = rec->base_version;
		w->size = last->size;
		w->stats = &stats;
		w->outcome = DS_OUTCOME_PENDING;
		w->item = ddb_write_action(rec->table, &rec->key, cond,
								   rec->base_has_version, rec->base_version,
								   now, effect, last->view.attrs, increment);
		ptrs[nactions++] = w;
	}
	ds_write_send_commit(opts, ptrs, nactions);
}


/* ---------------------------------------------------------------------
 * Adding writes
 * ---------------------------------------------------------------------
 */

/*
 * The transaction's entry for table's record key, or NULL; made when
 * create, after the checks that the transaction can take one more.
 */
static TxnRecord *
find_record(const char *table, const DdbKey *key, bool create,
			const DsTableOptions *opts, const char *relname,
			const DdbKey *shown)
{
	char	   *hkey;
	TxnEntry   *entry;
	TxnRecord  *rec;
	bool		found;
	MemoryContext oldcxt;

	if (txn_records == NULL)
	{
		HASHCTL		ctl;

		if (!create)
			return NULL;
		txn_cxt = AllocSetContextCreate(TopTransactionContext,
										"dynastore_fdw transaction writes",
										ALLOCSET_DEFAULT_SIZES);
		ctl.keysize = sizeof(char *);
		ctl.entrysize = sizeof(TxnEntry);
		ctl.hash = key_hash;
		ctl.match = key_match;
		ctl.hcxt = txn_cxt;
		txn_records = hash_create("dynastore_fdw transaction records", 64,
								  &ctl, HASH_ELEM | HASH_FUNCTION |
								  HASH_COMPARE | HASH_CONTEXT);
	}

	hkey = ds_write_record_key(table, key);
	entry = hash_search(txn_records, &hkey, create ? HASH_ENTER : HASH_FIND,
						&found);
	if (entry == NULL)
	{
		pfree(hkey);
		return NULL;
	}
	if (found)
	{
		pfree(hkey);
		return entry->rec;
	}

	/* a new record of the transaction: may it take one more? */
	if (list_length(txn_order) >= DDB_MAX_TRANSACT_ACTIONS)
	{
		(void) hash_search(txn_records, &hkey, HASH_REMOVE, NULL);
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("transaction writes more than %d records in commit mode",
						DDB_MAX_TRANSACT_ACTIONS),
				 errdetail("Key (id, name)=(%s, %s) of foreign table \"%s\" would be record %d; DynamoDB applies at most %d in one transaction.",
						   shown->id, shown->name, relname,
						   list_length(txn_order) + 1,
						   DDB_MAX_TRANSACT_ACTIONS),
				 errhint("Split the work into transactions of at most %d records, or write with write_mode 'transaction', which applies each statement on its own.",
						 DDB_MAX_TRANSACT_ACTIONS)));
	}

	oldcxt = MemoryContextSwitchTo(txn_cxt);
	rec = palloc0(sizeof(TxnRecord));
	rec->hkey = pstrdup(hkey);
	rec->table = pstrdup(table);
	rec->key.id = pstrdup(key->id);
	rec->key.name = pstrdup(key->name);
	rec->shown.id = pstrdup(shown->id);
	rec->shown.name = pstrdup(shown->name);
	rec->relname = pstrdup(relname);
	txn_order = lappend(txn_order, rec);
	MemoryContextSwitchTo(oldcxt);
	if (list_length(txn_order) == 1)
	{
		/* where the transaction's writes go */
		txn_serverid = opts->serverid;
		txn_userid = opts->userid;
		txn_relid = opts->relid;
	}
	entry->hkey = rec->hkey;
	entry->rec = rec;
	pfree(hkey);
	return rec;
}

/* Record what the record holds after a write of command cid. */
static void
push_state(TxnRecord *rec, DsTxnView *view, size_t size, CommandId cid)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(txn_cxt);
	TxnState   *state = palloc0(sizeof(TxnState));
	size_t		total = size;
	ListCell   *lc;
	ListCell   *ac;

	foreach(lc, txn_order)
	{
		TxnRecord  *other = lfirst(lc);

		if (other != rec && other->states != NIL)
			total += ((TxnState *) llast(other->states))->size;
	}
	if (total > DDB_MAX_TRANSACT_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("transaction writes more than 4 MB in commit mode"),
				 errdetail("With key (id, name)=(%s, %s) of foreign table \"%s\" its records would hold %zu bytes; DynamoDB applies at most 4 MB in one transaction.",
						   rec->shown.id, rec->shown.name, rec->relname,
						   total),
				 errhint("Split the work into smaller transactions, or write with write_mode 'transaction'.")));

	state->cid = cid;
	state->subid = GetCurrentSubTransactionId();
	state->view = *view;
	state->view.attrs = NIL;
	foreach(ac, view->attrs)
	{
		DdbAttr    *a = lfirst(ac);
		DdbAttr    *copy = palloc(sizeof(DdbAttr));

		copy->name = pstrdup(a->name);
		copy->value = a->value ? pstrdup(a->value) : NULL;
		copy->size = a->size;
		state->view.attrs = lappend(state->view.attrs, copy);
	}
	state->size = size;
	rec->states = lappend(rec->states, state);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * base's attributes that delta does not name, then delta's: those with a
 * value only (an item with delta applied), or all (two updates as one,
 * removals kept).  Returns a new list; the DdbAttrs are shared.
 */
static List *
merge(List *base, List *delta, bool keep_removals)
{
	List	   *out = NIL;
	ListCell   *lc;
	ListCell   *dc;

	foreach(lc, base)
	{
		DdbAttr    *a = lfirst(lc);
		bool		replaced = false;

		foreach(dc, delta)
			replaced |= strcmp(((DdbAttr *) lfirst(dc))->name, a->name) == 0;
		if (!replaced)
			out = lappend(out, a);
	}
	foreach(dc, delta)
	{
		DdbAttr    *d = lfirst(dc);

		if (d->value != NULL || keep_removals)
			out = lappend(out, d);
	}
	return out;
}

/* The attributes of an item with an update's (delta) applied. */
List *
ds_txn_merge_attrs(List *base, List *delta)
{
	return merge(base, delta, false);
}

/*
 * Has the record as the transaction left it expired?  Known when the
 * transaction wrote its expires (the whole item, or an update of it); an
 * expired record is no record, to INSERT as to every read.
 */
static bool
view_expired(const DsTxnView *view)
{
	ListCell   *lc;

	foreach(lc, view->attrs)
	{
		DdbAttr    *a = lfirst(lc);
		Jsonb	   *av;
		JsonbValue	v;

		if (strcmp(a->name, "expires") != 0 || a->value == NULL)
			continue;
		/* decided as reads decide it */
		av = ddb_json_parse(a->value, "a transaction's write");
		v.type = jbvBinary;
		v.val.binary.data = &av->root;
		v.val.binary.len = VARSIZE(av) - VARHDRSZ;
		return attr_is_expired(&v, attr_now());
	}
	return false;
}

static DdbAttr *
version_attr(int64 version)
{
	char	   *value = psprintf("{\"N\":\"" INT64_FORMAT "\"}", version);

	return ddb_attr_make("version", value, strlen(value) - 8);
}

/* The transaction may write through one server and user mapping only. */
static void
check_destination(DsTableOptions *opts, const char *relname)
{
	if (txn_order == NIL)
		return;
	if (opts->serverid != txn_serverid || opts->userid != txn_userid)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot write to foreign table \"%s\" in commit mode in this transaction",
						relname),
				 errdetail("The transaction already keeps writes for another server or user mapping; one DynamoDB transaction goes to one account with one set of credentials."),
				 errhint("Commit the transaction first, or write to this table with write_mode 'transaction'.")));
}

/*
 * A record the transaction has not written: does DynamoDB have it live?
 * INSERT ... ON CONFLICT DO NOTHING decides this at the statement, with a
 * strongly consistent read; the create is still conditioned at commit.
 */
static bool
remote_live(DsTableOptions *opts, const char *table, const DdbKey *key)
{
	JsonbContainer *item = ds_overlay_fetch(opts, table, key);

	return item && !attr_is_expired(ddb_json_get(item, "expires"),
									attr_now());
}

/*
 * Take one write of a statement (command cid) into the transaction.
 * Returns APPLIED when it is kept (it will be sent at commit), SKIPPED
 * for a create under ON CONFLICT DO NOTHING that found a record.  What
 * the transaction itself wrote decides at once: a create of a record it
 * has is 23505 now, not at commit.
 */
DsWriteOutcome
ds_txn_add(DsTableOptions *opts, const DsWrite *w, const char *table,
		   CommandId cid)
{
	TxnRecord  *rec;
	TxnState   *top;
	DsTxnView	view;
	bool		present;

	check_destination(opts, w->relname);
	rec = find_record(table, &w->key, false, NULL, NULL, NULL);
	top = rec ? llast(rec->states) : NULL;
	present = top && top->view.final != DS_TXN_ABSENT &&
		!view_expired(&top->view);

	memset(&view, 0, sizeof(view));
	switch (w->kind)
	{
		case DS_WRITE_CREATE:
			if (present || (!rec && w->skip_conflict &&
							remote_live(opts, table, &w->key)))
			{
				if (w->skip_conflict)
					return DS_OUTCOME_SKIPPED;
				ereport(ERROR,
						(errcode(ERRCODE_UNIQUE_VIOLATION),
						 errmsg("key already exists in foreign table \"%s\"",
								w->relname),
						 errdetail("Key (id, name)=(%s, %s) exists for this transaction, which read or wrote it and keeps its writes until COMMIT.",
								   w->shown.id, w->shown.name),
						 errhint("Use INSERT ... ON CONFLICT DO NOTHING to skip records that exist, or UPDATE to change them.")));
			}
			/* FALLTHROUGH */
		case DS_WRITE_PUT:
			view.final = DS_TXN_ITEM;
			view.attrs = w->attrs;
			view.has_version = true;
			view.version = 1;
			break;
		case DS_WRITE_UPDATE:
		case DS_WRITE_DELETE:
			if (top && (!present || top->view.has_version != w->has_version ||
						top->view.version != w->version))
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not write record in foreign table \"%s\": key has been modified",
								w->relname),
						 errdetail("Key (id, name)=(%s, %s) was read as it was before this transaction's own writes to it.",
								   w->shown.id, w->shown.name),
						 errhint("Read the record again and retry.")));
			if (w->kind == DS_WRITE_DELETE)
			{
				view.final = DS_TXN_ABSENT;
				break;
			}
			view.has_version = true;
			view.version = w->has_version ? w->version + 1 : 1;
			if (top && top->view.final == DS_TXN_ITEM)
			{
				view.final = DS_TXN_ITEM;
				view.attrs = ds_txn_merge_attrs(top->view.attrs,
												lappend(list_copy(w->attrs),
														version_attr(view.version)));
			}
			else
			{
				view.final = DS_TXN_DELTA;
				view.attrs = top ? merge(top->view.attrs, w->attrs, true) :
					w->attrs;
			}
			break;
		case DS_WRITE_CHECK:
			elog(ERROR, "a check is not a write");
			break;
	}

	if (rec == NULL)
	{
		rec = find_record(table, &w->key, true, opts, w->relname, &w->shown);
		rec->first = w->kind;
		rec->base_has_version = w->has_version;
		rec->base_version = w->version;
	}
	push_state(rec, &view, w->size, cid);
	return DS_OUTCOME_APPLIED;
}

/*
 * A record read FOR SHARE (or FOR UPDATE) in commit mode: its version is
 * made a condition of the commit (a ConditionCheck), unless the
 * transaction writes the record, whose write carries one already.
 */
void
ds_txn_check(DsTableOptions *opts, const char *relname, const DdbKey *key,
			 const DdbKey *shown, bool has_version, int64 version)
{
	TxnRecord  *rec;
	DsTxnView	view;

	check_destination(opts, relname);
	if (find_record(opts->table, key, false, NULL, NULL, NULL) != NULL)
		return;
	rec = find_record(opts->table, key, true, opts, relname, shown);
	rec->first = DS_WRITE_CHECK;
	rec->base_has_version = has_version;
	rec->base_version = version;
	memset(&view, 0, sizeof(view));
	view.final = DS_TXN_UNCHANGED;
	view.has_version = has_version;
	view.version = version;
	/* a check counts as a write of the key's size */
	push_state(rec, &view, ddb_key_size(key), InvalidCommandId);
}


/* ---------------------------------------------------------------------
 * Reading through the transaction's writes
 * ---------------------------------------------------------------------
 */

/* Does the transaction keep writes to table of this server? */
bool
ds_txn_touches(Oid serverid, const char *table)
{
	ListCell   *lc;

	if (txn_order == NIL || serverid != txn_serverid)
		return false;
	foreach(lc, txn_order)
		if (strcmp(((TxnRecord *) lfirst(lc))->table, table) == 0)
			return true;
	return false;
}

/* The newest state of rec a statement whose snapshot is at curcid sees. */
static TxnState *
visible_state(TxnRecord *rec, CommandId curcid)
{
	TxnState   *seen = NULL;
	ListCell   *lc;

	foreach(lc, rec->states)
	{
		TxnState   *s = lfirst(lc);

		/* a check changes nothing: its state is no write to show */
		if (s->view.final == DS_TXN_UNCHANGED)
			continue;
		if (s->cid < curcid)
			seen = s;
	}
	return seen;
}

/*
 * What the record holds for a statement whose snapshot is at curcid, or
 * NULL when the transaction wrote nothing to it that the statement sees.
 */
const DsTxnView *
ds_txn_lookup(Oid serverid, const char *table, const DdbKey *key,
			  CommandId curcid)
{
	TxnRecord  *rec;
	TxnState   *s;

	if (txn_order == NIL || serverid != txn_serverid)
		return NULL;
	rec = find_record(table, key, false, NULL, NULL, NULL);
	if (rec == NULL)
		return NULL;
	s = visible_state(rec, curcid);
	return s ? &s->view : NULL;
}

/*
 * The keys (DdbKey *, UTF-8) of table's records that a statement at
 * curcid sees written, in the order they were first written.
 */
List *
ds_txn_keys(Oid serverid, const char *table, CommandId curcid)
{
	List	   *keys = NIL;
	ListCell   *lc;

	if (txn_order == NIL || serverid != txn_serverid)
		return NIL;
	foreach(lc, txn_order)
	{
		TxnRecord  *rec = lfirst(lc);

		if (strcmp(rec->table, table) == 0 && visible_state(rec, curcid))
			keys = lappend(keys, &rec->key);
	}
	return keys;
}

/*
 * Does the transaction keep a write to table's record key?  Then no other
 * write of the record may go out before COMMIT, which would apply first
 * and then be overwritten.
 */
bool
ds_txn_holds(const char *table, const DdbKey *key)
{
	return txn_order != NIL &&
		find_record(table, key, false, NULL, NULL, NULL) != NULL;
}

/* Records the transaction will send at COMMIT through server. */
int
ds_txn_pending(Oid serverid)
{
	if (serverid != txn_serverid)
		return 0;
	return list_length(txn_order);
}
