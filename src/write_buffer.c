/*-------------------------------------------------------------------------
 *
 * write_buffer.c
 *		The writes of one statement: kept, then sent, and their outcome.
 *
 * A statement's writes wait here until the statement has produced them all
 * (ExecutorFinish, after its AFTER triggers; EndForeignInsert for COPY), so
 * its reads never see them and a failing trigger, check option or later
 * row leaves DynamoDB as it was.  Each record is written at most once per
 * statement: a second write of the same key is refused here.
 *
 * How they go out depends on write_mode:
 *
 *	transaction	 TransactWriteItems of up to 100 actions (4 MB), each with
 *				 a ClientRequestToken.  A resend of the same body with the
 *				 same token applies at most once (for ten minutes; resends
 *				 stop well before), so a lost answer is simply sent again,
 *				 and a cancelled transaction applied nothing.  Several go
 *				 out at once when the statement has more than 100 records.
 *	single		 one PutItem, UpdateItem or DeleteItem a record, never sent
 *				 again once it may have reached DynamoDB: a write whose
 *				 answer is lost is reported as unknown (40003).
 *	put			 (insert_mode 'put') BatchWriteItem of 25 items, no
 *				 condition, UnprocessedItems sent again.
 *
 * No outcome is ever guessed from what the record holds: a write applied
 * when DynamoDB said so, did not when DynamoDB said its condition failed,
 * and otherwise is unknown, and the statement says so.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "attr_value.h"
#include "aws_client.h"
#include "ddb_json.h"
#include "txn_writes.h"
#include "write_buffer.h"

/* Resends of one TransactWriteItems stop this long after the first. */
#define DS_TOKEN_WINDOW_MS		(9 * 60 * 1000)

/* Keys named in the detail of an unknown outcome. */
#define DS_MAX_KEYS_SHOWN		10

struct DsWriteBuffer
{
	EState	   *estate;			/* the statement's */
	SubTransactionId subid;		/* where it was made */
	Oid			serverid;
	Oid			userid;
	DsWriteMode mode;
	bool		immediate;		/* sent by its caller as it goes (ON
								 * CONFLICT DO NOTHING), not at the end */
	const char *what;			/* "statement", or "transaction" at COMMIT */
	bool		at_commit;		/* a transaction's writes, sent at COMMIT */
	DsTableOptions *opts;		/* commit mode: where the writes go */
	AwsConfig	aws;
	MemoryContext cxt;			/* the buffer's, a child of the statement's */
	MemoryContext pending_cxt;	/* the writes not sent yet; reset after */
	HTAB	   *seen;			/* every key this statement writes */
	List	   *pending;		/* DsWrite *, in the statement's order */
	bool		sent;			/* pending holds writes already sent */
	long		written;		/* records of the statement written */
	long		total;			/* records of the statement */
	DsWriteBuffer *next;
};

/* A record the statement writes: its key, and its write while pending. */
typedef struct SeenKey
{
	char	   *key;			/* table, id and name, length-prefixed */
	DsWrite    *write;			/* NULL once sent */
} SeenKey;

/* One request of a flush, and the writes it carries. */
typedef struct FlushRequest
{
	DsWrite   **writes;
	int			nwrites;
	char		token[DDB_MAX_TOKEN_LEN + 1];
	bool		done;
	bool		maybe_applied;	/* an attempt under token may apply */
	TimestampTz first_sent;		/* the first attempt of the writes */
} FlushRequest;

/* What a flush has sent so far, for the context of an error. */
typedef struct FlushProgress
{
	DsWriteBuffer *buf;
	AwsRequest *reqs;			/* those in flight */
	int		   *weights;		/* writes each of them carries */
	int			nreqs;
	long		applied;		/* writes known applied */
} FlushProgress;

static DsWriteBuffer *ds_buffers = NULL;
static ExecutorFinish_hook_type prev_executor_finish = NULL;

static const char *const ds_txn_errors[] = {
	"TransactionCanceledException",
	"TransactionInProgressException",
	"UnknownOperationException",
	NULL
};
static const char *const ds_conditional_errors[] = {
	"ConditionalCheckFailedException",
	NULL
};

static void ds_executor_finish(QueryDesc *queryDesc);
static void forget_buffer(void *arg);
static void forget_on_abort(XactEvent event, void *arg);
static void forget_on_subabort(SubXactEvent event, SubTransactionId mySubid,
							   SubTransactionId parentSubid, void *arg);
static uint32 seen_hash(const void *key, Size keysize);
static int	seen_match(const void *key1, const void *key2, Size keysize);
static char *seen_key(const DsWrite *write, const char *table);
static DsWrite *keep_for_commit(DsWriteBuffer *buf, const DsWrite *write,
								const char *table);
static char *write_body(DsWriteBuffer *buf, const DsWrite *write,
						const char *table, DdbWriteShape shape);
static void send_transactions(DsWriteBuffer *buf, DsWrite **writes, int n,
							  FlushProgress *progress);
static bool judge_cancellation(DsWriteBuffer *buf, FlushRequest *fl,
							   AwsResponse *res, bool *conflicted,
							   bool *changed);
static void settle_unfinished(FlushRequest *fl);
static void send_requests(DsWriteBuffer *buf, AwsRequest *reqs, int nreqs,
						  int *weights, DsWriteStats *stats,
						  FlushProgress *progress);
static void send_singles(DsWriteBuffer *buf, DsWrite **writes, int n,
						 FlushProgress *progress);
static void send_puts(DsWriteBuffer *buf, DsWrite **writes, int n,
					  FlushProgress *progress);
static int	take_unprocessed(AwsResponse *res, DsWrite **writes, int n,
							 DsWrite **left);
static char *describe_found(DsWrite *write, JsonbValue *item);
static void note_applied(FlushProgress *progress, DsWrite *write);
static void note_capacity(DsWriteStats *stats, const char *body);
static void make_token(char *token);
static void flush_error_context(void *arg);
static void report_outcome(DsWriteBuffer *buf, DsWrite **writes, int n);


/* ---------------------------------------------------------------------
 * The statement's buffers
 * ---------------------------------------------------------------------
 */

/*
 * Called once from _PG_init: flush each statement's writes when it has
 * finished, and forget the buffers of statements that failed.
 */
void
ds_write_buffer_init(void)
{
	prev_executor_finish = ExecutorFinish_hook;
	ExecutorFinish_hook = ds_executor_finish;
	RegisterXactCallback(forget_on_abort, NULL);
	RegisterSubXactCallback(forget_on_subabort, NULL);
}

/*
 * After the statement's own finish (remaining CTEs, AFTER triggers), so
 * that everything that could still fail it has run, and before EXPLAIN
 * ANALYZE prints what the writes cost.
 */
static void
ds_executor_finish(QueryDesc *queryDesc)
{
	if (prev_executor_finish)
		prev_executor_finish(queryDesc);
	else
		standard_ExecutorFinish(queryDesc);
	ds_write_flush_statement(queryDesc->estate);
}

/*
 * The buffer of the statement running in estate for the writes through
 * opts' server, user mapping and write mode; made on first use, in the
 * statement's memory.  An immediate buffer is one its caller sends as it
 * goes (INSERT ... ON CONFLICT DO NOTHING): it keeps the statement's
 * other writes out of those early sends.
 */
DsWriteBuffer *
ds_write_buffer(EState *estate, DsTableOptions *opts, bool immediate)
{
	DsWriteBuffer *buf;
	MemoryContextCallback *cb;
	HASHCTL		ctl;

	for (buf = ds_buffers; buf; buf = buf->next)
		if (buf->estate == estate && buf->serverid == opts->serverid &&
			buf->userid == opts->userid && buf->mode == opts->write_mode &&
			buf->immediate == immediate)
			return buf;

	buf = MemoryContextAllocZero(estate->es_query_cxt, sizeof(DsWriteBuffer));
	buf->cxt = AllocSetContextCreate(estate->es_query_cxt,
									 "dynastore_fdw write buffer",
									 ALLOCSET_DEFAULT_SIZES);
	buf->pending_cxt = AllocSetContextCreate(buf->cxt,
											 "dynastore_fdw pending writes",
											 ALLOCSET_DEFAULT_SIZES);
	buf->estate = estate;
	buf->subid = GetCurrentSubTransactionId();
	buf->serverid = opts->serverid;
	buf->userid = opts->userid;
	buf->mode = opts->write_mode;
	buf->immediate = immediate;
	buf->aws = opts->aws;
	buf->what = "statement";
	buf->opts = opts;

	ctl.keysize = sizeof(char *);
	ctl.entrysize = sizeof(SeenKey);
	ctl.hash = seen_hash;
	ctl.match = seen_match;
	ctl.hcxt = buf->cxt;
	buf->seen = hash_create("dynastore_fdw written keys", 256, &ctl,
							HASH_ELEM | HASH_FUNCTION | HASH_COMPARE |
							HASH_CONTEXT);

	/* gone with the statement's memory, however the statement ends */
	cb = MemoryContextAlloc(buf->cxt, sizeof(MemoryContextCallback));
	cb->func = forget_buffer;
	cb->arg = buf;
	MemoryContextRegisterResetCallback(buf->cxt, cb);

	buf->next = ds_buffers;
	ds_buffers = buf;
	return buf;
}

static void
forget_buffer(void *arg)
{
	DsWriteBuffer **p;

	for (p = &ds_buffers; *p; p = &(*p)->next)
		if (*p == arg)
		{
			*p = (*p)->next;
			return;
		}
}

/* A failed statement's writes are never sent: drop its buffers at once. */
static void
forget_on_abort(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		ds_buffers = NULL;
}

static void
forget_on_subabort(SubXactEvent event, SubTransactionId mySubid,
				   SubTransactionId parentSubid, void *arg)
{
	DsWriteBuffer **p = &ds_buffers;

	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	while (*p)
	{
		if ((*p)->subid >= mySubid)
			*p = (*p)->next;
		else
			p = &(*p)->next;
	}
}

/* Send what every buffer of the statement holds. */
void
ds_write_flush_statement(EState *estate)
{
	DsWriteBuffer *buf;

	for (buf = ds_buffers; buf; buf = buf->next)
		if (buf->estate == estate && buf->pending != NIL && !buf->sent)
			ds_write_flush(buf);
}

static uint32
seen_hash(const void *key, Size keysize)
{
	const char *k = *(char *const *) key;

	return hash_bytes((const unsigned char *) k, strlen(k));
}

static int
seen_match(const void *key1, const void *key2, Size keysize)
{
	return strcmp(*(char *const *) key1, *(char *const *) key2);
}

/* Table, id and name, each after its length, so no two keys collide. */
char *
ds_write_record_key(const char *table, const DdbKey *key)
{
	return psprintf("%zu:%s%zu:%s%zu:%s", strlen(table), table,
					strlen(key->id), key->id, strlen(key->name), key->name);
}

static char *
seen_key(const DsWrite *write, const char *table)
{
	return ds_write_record_key(table, &write->key);
}


/* ---------------------------------------------------------------------
 * Adding writes
 * ---------------------------------------------------------------------
 */

/*
 * Keep a write of table's record until the statement is done.  Returns
 * the buffer's copy, or NULL with *already set when the statement writes
 * the record already: the caller decides what that means (a duplicate
 * for INSERT, "updated by self" for UPDATE and DELETE).  A put of a record
 * put already replaces the first, as it would one after the other.
 */
DsWrite *
ds_write_add(DsWriteBuffer *buf, const DsWrite *write, const char *table,
			 bool *already)
{
	MemoryContext oldcxt;
	char	   *key;
	SeenKey    *entry;
	bool		found;
	DsWrite    *copy;

	*already = false;
	if (buf->mode != DS_WRITE_COMMIT && ds_txn_holds(table, &write->key))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot write record in foreign table \"%s\" outside commit mode",
						write->relname),
				 errdetail("Key (id, name)=(%s, %s) has a write this transaction keeps until COMMIT; a write sent now would be overwritten by it.",
						   write->shown.id, write->shown.name),
				 errhint("Write the record through a table in commit mode, or commit first.")));
	if (buf->sent)
	{
		/* the writes of the last flush have been judged by now */
		MemoryContextReset(buf->pending_cxt);
		buf->pending = NIL;
		buf->sent = false;
	}

	oldcxt = MemoryContextSwitchTo(buf->cxt);
	key = seen_key(write, table);
	entry = hash_search(buf->seen, &key, HASH_ENTER, &found);
	if (found)
	{
		pfree(key);
		MemoryContextSwitchTo(oldcxt);
		/* a put again: the transaction keeps the last */
		if (write->kind == DS_WRITE_PUT && buf->mode == DS_WRITE_COMMIT)
			return keep_for_commit(buf, write, table);
		if (write->kind == DS_WRITE_PUT && entry->write &&
			entry->write->kind == DS_WRITE_PUT)
		{
			entry->write->item = MemoryContextStrdup(buf->pending_cxt,
													 write_body(buf, write, table,
																DDB_WRITE_REQUEST));
			return entry->write;
		}
		*already = true;
		return NULL;
	}

	if (buf->mode == DS_WRITE_COMMIT)
	{
		/* kept by the transaction until COMMIT; nothing to send now */
		MemoryContextSwitchTo(oldcxt);
		entry->key = key;
		entry->write = NULL;
		buf->total++;
		return keep_for_commit(buf, write, table);
	}

	MemoryContextSwitchTo(buf->pending_cxt);
	copy = palloc(sizeof(DsWrite));
	*copy = *write;
	copy->key.id = pstrdup(write->key.id);
	copy->key.name = pstrdup(write->key.name);
	copy->shown.id = pstrdup(write->shown.id);
	copy->shown.name = pstrdup(write->shown.name);
	copy->relname = pstrdup(write->relname);
	copy->attrs = NIL;
	copy->outcome = DS_OUTCOME_PENDING;
	copy->found = NULL;
	copy->item = write_body(buf, write, table,
							(buf->mode == DS_WRITE_TRANSACTION &&
							 write->kind != DS_WRITE_PUT) ?
							DDB_WRITE_ACTION : DDB_WRITE_REQUEST);
	copy->table = pstrdup(table);
	buf->pending = lappend(buf->pending, copy);
	buf->total++;
	MemoryContextSwitchTo(oldcxt);

	entry->key = key;
	entry->write = copy;
	return copy;
}

/*
 * Commit mode: the transaction takes the write (txn_writes.c); the copy
 * returned says whether it was kept or, for ON CONFLICT DO NOTHING,
 * skipped.  In the statement's pending memory, like any other copy.
 */
static DsWrite *
keep_for_commit(DsWriteBuffer *buf, const DsWrite *write, const char *table)
{
	DsWrite    *copy = MemoryContextAlloc(buf->pending_cxt, sizeof(DsWrite));

	*copy = *write;
	copy->outcome = ds_txn_add(buf->opts, write, table,
							   buf->estate->es_output_cid);
	return copy;
}

/* The JSON a write goes out as, in the current memory context. */
static char *
write_body(DsWriteBuffer *buf, const DsWrite *write, const char *table,
		   DdbWriteShape shape)
{
	int64		now = attr_now();

	switch (write->kind)
	{
		case DS_WRITE_CREATE:
			return ddb_write_create(table, write->item, now, shape);
		case DS_WRITE_UPDATE:
			return ddb_write_update(table, &write->key, write->attrs,
									write->has_version, write->version, now,
									shape);
		case DS_WRITE_DELETE:
			return ddb_write_delete(table, &write->key, write->has_version,
									write->version, shape);
		case DS_WRITE_PUT:
			return pstrdup(write->item);
		case DS_WRITE_CHECK:
			break;
	}
	return NULL;				/* keep compiler quiet */
}


/* ---------------------------------------------------------------------
 * Sending
 * ---------------------------------------------------------------------
 */

/*
 * Send every pending write, then judge the outcome: raise on a conflict
 * or an unknown outcome, else count what was written.  Afterwards each
 * pending write's outcome is set, until the next ds_write_add.
 */
void
ds_write_flush(DsWriteBuffer *buf)
{
	int			n = list_length(buf->pending);
	DsWrite   **conditional = palloc(sizeof(DsWrite *) * Max(n, 1));
	DsWrite   **puts = palloc(sizeof(DsWrite *) * Max(n, 1));
	int			nconditional = 0;
	int			nputs = 0;
	ListCell   *lc;
	FlushProgress progress;
	ErrorContextCallback errcallback;

	if (n == 0 || buf->sent || buf->mode == DS_WRITE_COMMIT)
		return;
	buf->sent = true;

	foreach(lc, buf->pending)
	{
		DsWrite    *w = lfirst(lc);

		/* at COMMIT, puts are actions of the one transaction too */
		if (w->kind == DS_WRITE_PUT && !buf->at_commit)
			puts[nputs++] = w;
		else
			conditional[nconditional++] = w;
	}

	memset(&progress, 0, sizeof(progress));
	progress.buf = buf;
	errcallback.callback = flush_error_context;
	errcallback.arg = &progress;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	if (nconditional > 0)
	{
		if (buf->mode == DS_WRITE_TRANSACTION)
			send_transactions(buf, conditional, nconditional, &progress);
		else
			send_singles(buf, conditional, nconditional, &progress);
	}
	if (nputs > 0)
		send_puts(buf, puts, nputs, &progress);

	error_context_stack = errcallback.previous;

	/* the keys of what was sent are written: no later put replaces them */
	foreach(lc, buf->pending)
	{
		DsWrite    *w = lfirst(lc);
		char	   *key;
		SeenKey    *entry;

		if (buf->seen == NULL)
			break;
		key = seen_key(w, w->table);
		entry = hash_search(buf->seen, &key, HASH_FIND, NULL);
		if (entry)
			entry->write = NULL;
		pfree(key);
	}

	if (nconditional > 0)
		report_outcome(buf, conditional, nconditional);
	if (nputs > 0)
		report_outcome(buf, puts, nputs);
}

/*
 * Send a transaction's writes at COMMIT (txn_writes.c has merged them, one
 * action a record, at most 100, and made each item its action): one
 * TransactWriteItems, judged as a statement's are.
 */
void
ds_write_send_commit(DsTableOptions *opts, DsWrite **writes, int n)
{
	DsWriteBuffer buf;
	size_t		bytes = 0;

	memset(&buf, 0, sizeof(buf));
	buf.mode = DS_WRITE_TRANSACTION;
	buf.serverid = opts->serverid;
	buf.userid = opts->userid;
	buf.aws = opts->aws;
	buf.opts = opts;
	buf.what = "transaction";
	buf.at_commit = true;
	for (int i = 0; i < n; i++)
	{
		bytes += writes[i]->size;
		buf.pending = lappend(buf.pending, writes[i]);
	}

	/* one TransactWriteItems, or the COMMIT would apply in parts */
	if (n > DDB_MAX_TRANSACT_ACTIONS || bytes > DDB_MAX_TRANSACT_BYTES)
		elog(ERROR, "a transaction's writes exceed one TransactWriteItems: %d actions, %zu bytes",
			 n, bytes);
	buf.total = n;
	buf.seen = NULL;
	ds_write_flush(&buf);
}

/*
 * Conditional writes as TransactWriteItems of up to 100 actions and 4 MB,
 * all at once.  An answer that is lost, or a 5xx, is sent again with the
 * same token and the same body: DynamoDB applies it at most once.  A
 * transaction cancelled on a conflict with another transaction or on
 * throttling applied nothing and goes again under a new token; so does
 * the rest of one whose only failed conditions were ON CONFLICT DO
 * NOTHING's.
 */
static void
send_transactions(DsWriteBuffer *buf, DsWrite **writes, int n,
				  FlushProgress *progress)
{
	FlushRequest *fl = palloc0(sizeof(FlushRequest) * n);
	int			nfl = 0;
	int			round = 0;
	int			max_rounds = Max(buf->aws.max_retries, 0) + 1 +
		DDB_MAX_TRANSACT_ACTIONS;
	MemoryContext round_cxt = AllocSetContextCreate(CurrentMemoryContext,
													"dynastore_fdw transactions",
													ALLOCSET_DEFAULT_SIZES);

	/* cut into transactions, each with its own copy of its writes */
	for (int i = 0; i < n;)
	{
		size_t		bytes = 0;
		int			j = i;

		while (j < n && j - i < DDB_MAX_TRANSACT_ACTIONS &&
			   (j == i || bytes + writes[j]->size <= DDB_MAX_TRANSACT_BYTES))
			bytes += writes[j++]->size;
		fl[nfl].nwrites = j - i;
		fl[nfl].writes = palloc(sizeof(DsWrite *) * fl[nfl].nwrites);
		memcpy(fl[nfl].writes, &writes[i], sizeof(DsWrite *) * fl[nfl].nwrites);
		make_token(fl[nfl].token);
		nfl++;
		i = j;
	}

	for (;;)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(round_cxt);
		AwsRequest *reqs = palloc0(sizeof(AwsRequest) * nfl);
		int		   *which = palloc(sizeof(int) * nfl);
		int			nreqs = 0;
		bool		throttled = false;
		bool		left = false;
		int		   *weights;

		CHECK_FOR_INTERRUPTS();
		for (int f = 0; f < nfl; f++)
		{
			char	  **actions;
			long		used;

			if (fl[f].done)
				continue;
			if (fl[f].first_sent == 0)
				fl[f].first_sent = GetCurrentTimestamp();
			used = TimestampDifferenceMilliseconds(fl[f].first_sent,
												   GetCurrentTimestamp());
			if (used >= DS_TOKEN_WINDOW_MS)
			{
				/* past the token's window a resend could apply again */
				settle_unfinished(&fl[f]);
				continue;
			}
			actions = palloc(sizeof(char *) * fl[f].nwrites);
			for (int k = 0; k < fl[f].nwrites; k++)
				actions[k] = fl[f].writes[k]->item;
			reqs[nreqs].operation = "TransactWriteItems";
			reqs[nreqs].body = ddb_write_transaction(actions, fl[f].nwrites,
													 fl[f].token);
			reqs[nreqs].body_len = strlen(reqs[nreqs].body);
			reqs[nreqs].retry = AWS_RETRY_CHECKED;
			reqs[nreqs].accepted_errors = ds_txn_errors;
			reqs[nreqs].keep_failure = true;
			reqs[nreqs].give_up_after_ms = DS_TOKEN_WINDOW_MS - used;
			which[nreqs++] = f;
		}
		if (nreqs == 0)
		{
			MemoryContextSwitchTo(oldcxt);
			break;
		}

		weights = palloc(sizeof(int) * nreqs);
		for (int r = 0; r < nreqs; r++)
			weights[r] = fl[which[r]].nwrites;
		/* one request, maybe many tables: charged to the first write's */
		send_requests(buf, reqs, nreqs, weights, writes[0]->stats, progress);

		for (int r = 0; r < nreqs; r++)
		{
			FlushRequest *f = &fl[which[r]];
			AwsResponse *res = reqs[r].response;
			bool		conflicted = false;
			bool		changed = false;

			f->maybe_applied |= res->uncertain;
			if (res->failed)
			{
				for (int k = 0; k < f->nwrites; k++)
					f->writes[k]->outcome = DS_OUTCOME_UNKNOWN;
				f->done = true;
			}
			else if (res->error_type == NULL)
			{
				for (int k = 0; k < f->nwrites; k++)
					note_applied(progress, f->writes[k]);
				writes[0]->stats->transactions++;
				note_capacity(writes[0]->stats, res->body);
				f->done = true;
			}
			else if (strcmp(res->error_type, "UnknownOperationException") == 0)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_ERROR),
						 errmsg("DynamoDB endpoint does not know TransactWriteItems"),
						 errdetail("The writes of write_mode 'transaction' and 'commit' go out as TransactWriteItems, which %s refused as an unknown operation; nothing was written.",
								   buf->aws.endpoint),
						 errhint("Emulators such as dynalite have no transactions: set the server option write_mode to 'single', or use DynamoDB or DynamoDB Local.")));
			else if (strcmp(res->error_type, "TransactionInProgressException") == 0)
			{
				/* the same token is still running: ask again, unchanged */
				f->maybe_applied = true;
			}
			else if (!judge_cancellation(buf, f, res, &conflicted, &changed))
			{
				/*
				 * Cancelled, so nothing of it applied.  A body sent before
				 * goes again under its token, in case an earlier attempt
				 * is still on its way; a changed body gets a new token,
				 * unless an earlier attempt may yet apply.
				 */
				if (changed && f->maybe_applied)
					settle_unfinished(f);
				else if (changed || !f->maybe_applied)
					make_token(f->token);
				throttled |= !conflicted;
			}
		}
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(round_cxt);

		progress->applied = 0;
		for (int f = 0; f < nfl; f++)
		{
			left |= !fl[f].done;
			for (int k = 0; k < fl[f].nwrites; k++)
				if (fl[f].writes[k]->outcome == DS_OUTCOME_APPLIED)
					progress->applied++;
		}
		if (!left)
			break;
		if (++round >= max_rounds)
		{
			for (int f = 0; f < nfl; f++)
				if (!fl[f].done)
					settle_unfinished(&fl[f]);
			break;
		}
		aws_backoff_wait(round - 1, throttled);
	}
	MemoryContextDelete(round_cxt);
}

/*
 * A transaction given up: unknown when an attempt under its token may
 * have applied (or may still), else not applied.
 */
static void
settle_unfinished(FlushRequest *fl)
{
	for (int k = 0; k < fl->nwrites; k++)
		if (fl->writes[k]->outcome == DS_OUTCOME_PENDING)
			fl->writes[k]->outcome = fl->maybe_applied ?
				DS_OUTCOME_UNKNOWN : DS_OUTCOME_NOT_APPLIED;
	fl->done = true;
}

/*
 * Send requests, weights[r] writes in request r, all at once; the HTTP
 * requests made are counted in stats.  While they are in flight, progress
 * shows them to the error context.  A cancel (Ctrl-C, statement_timeout)
 * meanwhile leaves their outcome unknown, and says so with 40003 rather
 * than 57014: what was sent may have applied.
 */
static void
send_requests(DsWriteBuffer *buf, AwsRequest *reqs, int nreqs, int *weights,
			  DsWriteStats *stats, FlushProgress *progress)
{
	MemoryContext cxt = CurrentMemoryContext;
	AwsCallStats calls = {0};

	progress->reqs = reqs;
	progress->nreqs = nreqs;
	progress->weights = weights;
	PG_TRY();
	{
		aws_dynamodb_call_many(&buf->aws, reqs, nreqs, AWS_MAX_CONCURRENCY,
							   &calls);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		long		in_flight = 0;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_QUERY_CANCELED)
			PG_RE_THROW();
		FlushErrorState();
		for (int r = 0; r < nreqs; r++)
			if (reqs[r].response == NULL)
				in_flight += weights[r];
		ereport(ERROR,
				(errcode(ERRCODE_T_R_STATEMENT_COMPLETION_UNKNOWN),
				 buf->at_commit ?
				 errmsg("COMMIT was cancelled while the transaction's writes were being sent") :
				 errmsg("statement was cancelled while its writes were being sent"),
				 errdetail_plural("The cancel came while the write of %ld record was in flight (\"%s\"); it may or may not have been applied.",
								  "The cancel came while the writes of %ld records were in flight (\"%s\"); they may or may not have been applied.",
								  in_flight, in_flight, edata->message),
				 errhint("Read the records to see what they hold before writing them again.")));
	}
	PG_END_TRY();
	progress->reqs = NULL;
	stats->requests += calls.requests;
}

/*
 * Read the CancellationReasons of a cancelled transaction.  Returns true
 * when the transaction is done with: conditions failed, so none of its
 * writes applied.  Returns false when it should go again: cancelled for
 * reasons that pass (a conflicting transaction, throttling), or after
 * ON CONFLICT DO NOTHING's failed creates were taken out of it.
 */
static bool
judge_cancellation(DsWriteBuffer *buf, FlushRequest *fl, AwsResponse *res,
				   bool *conflicted, bool *changed)
{
	Jsonb	   *answer = ddb_json_parse(res->body, "TransactWriteItems");
	JsonbValue *reasons = ddb_json_get(&answer->root, "CancellationReasons");
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	int			k = 0;
	bool		failed_condition = false;
	bool		only_skips = true;
	int			kept;

	if (reasons == NULL || reasons->type != jbvBinary ||
		!JsonContainerIsArray(reasons->val.binary.data) ||
		JsonContainerSize(reasons->val.binary.data) != fl->nwrites)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("DynamoDB cancelled a TransactWriteItems without saying why"),
				 errdetail("The answer has no CancellationReasons, one for each of its %d actions.",
						   fl->nwrites)));

	it = JsonbIteratorInit(reasons->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *code;
		DsWrite    *w;

		if (tok != WJB_ELEM)
			continue;
		w = fl->writes[k++];
		code = v.type == jbvBinary ?
			ddb_json_get_string(v.val.binary.data, "Code") : NULL;
		if (code == NULL || strcmp(code, "None") == 0)
			continue;
		if (strcmp(code, "ConditionalCheckFailed") == 0)
		{
			JsonbValue *item = ddb_json_get(v.val.binary.data, "Item");

			w->found = describe_found(w, item);
			failed_condition = true;
			w->outcome = w->skip_conflict ? DS_OUTCOME_SKIPPED :
				DS_OUTCOME_CONFLICT;
			if (!w->skip_conflict)
				only_skips = false;
			continue;
		}
		if (strcmp(code, "TransactionConflict") == 0 ||
			strcmp(code, "ThrottlingError") == 0 ||
			strcmp(code, "ProvisionedThroughputExceeded") == 0)
		{
			*conflicted |= strcmp(code, "TransactionConflict") == 0;
			continue;
		}
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("DynamoDB refused the write of a record in foreign table \"%s\"",
						w->relname),
				 errdetail("Key (id, name)=(%s, %s): %s. Nothing of its transaction was written.",
						   w->shown.id, w->shown.name, code)));
	}

	if (!failed_condition)
		return false;
	if (!only_skips)
	{
		for (int i = 0; i < fl->nwrites; i++)
			if (fl->writes[i]->outcome == DS_OUTCOME_PENDING)
				fl->writes[i]->outcome = DS_OUTCOME_NOT_APPLIED;
		fl->done = true;
		return true;
	}

	/* take out the creates that found a record, send the rest */
	kept = 0;
	for (int i = 0; i < fl->nwrites; i++)
		if (fl->writes[i]->outcome != DS_OUTCOME_SKIPPED)
			fl->writes[kept++] = fl->writes[i];
	fl->nwrites = kept;
	if (kept == 0)
	{
		fl->done = true;
		return true;
	}
	*conflicted = true;
	*changed = true;
	return false;
}

/*
 * write_mode 'single': one request a record, all at once.  Each is sent
 * again only when it provably never reached DynamoDB; after that its
 * outcome is unknown.
 */
static void
send_singles(DsWriteBuffer *buf, DsWrite **writes, int n,
			 FlushProgress *progress)
{
	AwsRequest *reqs = palloc0(sizeof(AwsRequest) * n);
	int		   *weights = palloc(sizeof(int) * n);

	for (int i = 0; i < n; i++)
	{
		reqs[i].operation = writes[i]->kind == DS_WRITE_CREATE ? "PutItem" :
			writes[i]->kind == DS_WRITE_UPDATE ? "UpdateItem" : "DeleteItem";
		reqs[i].body = writes[i]->item;
		reqs[i].body_len = strlen(writes[i]->item);
		reqs[i].retry = AWS_RETRY_UNSENT;
		reqs[i].accepted_errors = ds_conditional_errors;
		reqs[i].keep_failure = true;
	}
	for (int i = 0; i < n; i++)
		weights[i] = 1;
	send_requests(buf, reqs, n, weights, writes[0]->stats, progress);

	for (int i = 0; i < n; i++)
	{
		AwsResponse *res = reqs[i].response;

		if (res->failed)
			writes[i]->outcome = DS_OUTCOME_UNKNOWN;
		else if (res->error_type != NULL)
			writes[i]->outcome = writes[i]->skip_conflict ?
				DS_OUTCOME_SKIPPED : DS_OUTCOME_CONFLICT;
		else
		{
			note_applied(progress, writes[i]);
			note_capacity(writes[i]->stats, res->body);
		}
	}
}

/*
 * insert_mode 'put': BatchWriteItem of up to 25 items of one table, all at
 * once.  What DynamoDB leaves in UnprocessedItems is matched back to the
 * writes by key and their own items, already in UTF-8, sent again after a
 * backoff, as the AWS SDKs do.  A whole-item put with no condition may be
 * sent twice without harm to what it writes.
 */
static void
send_puts(DsWriteBuffer *buf, DsWrite **given, int n,
		  FlushProgress *progress)
{
	DsWrite   **writes = palloc(sizeof(DsWrite *) * n);
	DsWrite   **left = palloc(sizeof(DsWrite *) * n);
	int			round = 0;
	int			max_rounds = Max(buf->aws.max_retries, 1) * 2;

	memcpy(writes, given, sizeof(DsWrite *) * n);
	while (n > 0)
	{
		int			nreqs = 0;
		AwsRequest *reqs = palloc0(sizeof(AwsRequest) * n);
		int		   *first = palloc(sizeof(int) * n);
		int		   *count = palloc(sizeof(int) * n);
		int			nleft = 0;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < n;)
		{
			List	   *items = NIL;
			int			j = i;

			/* one table a request; the writes come grouped as given */
			while (j < n && j - i < DDB_MAX_BATCH_WRITE &&
				   strcmp(writes[j]->table, writes[i]->table) == 0)
				items = lappend(items, writes[j++]->item);
			reqs[nreqs].operation = "BatchWriteItem";
			reqs[nreqs].body = ddb_write_batch_put(writes[i]->table, items);
			reqs[nreqs].body_len = strlen(reqs[nreqs].body);
			reqs[nreqs].retry = AWS_RETRY_CHECKED;
			reqs[nreqs].keep_failure = true;
			first[nreqs] = i;
			count[nreqs] = j - i;
			nreqs++;
			i = j;
		}
		send_requests(buf, reqs, nreqs, count, writes[0]->stats, progress);

		for (int r = 0; r < nreqs; r++)
		{
			AwsResponse *res = reqs[r].response;
			DsWrite   **mine = &writes[first[r]];
			int			nmine = count[r];
			int			nback;

			if (res->failed)
			{
				for (int k = 0; k < nmine; k++)
					mine[k]->outcome = DS_OUTCOME_UNKNOWN;
				continue;
			}
			note_capacity(mine[0]->stats, res->body);
			nback = take_unprocessed(res, mine, nmine, &left[nleft]);
			for (int k = 0; k < nmine; k++)
				if (mine[k]->outcome == DS_OUTCOME_PENDING)
					note_applied(progress, mine[k]);
			/* back to pending for the next round */
			nleft += nback;
		}

		if (nleft == 0)
			break;
		if (++round >= max_rounds)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
					 errmsg("DynamoDB left %d items of a BatchWriteItem unprocessed",
							nleft),
					 errdetail("They were sent %d times; %ld records of the statement were written.",
							   round, buf->written + progress->applied),
					 errhint("Retry later, or raise the capacity of the DynamoDB table.")));
		for (int k = 0; k < nleft; k++)
		{
			left[k]->outcome = DS_OUTCOME_PENDING;
			writes[k] = left[k];
		}
		n = nleft;
		aws_backoff_wait(round - 1, true);
	}
}

/*
 * The writes of a BatchWriteItem that DynamoDB left unprocessed, found by
 * their key: into left[], marked NOT_APPLIED for now.  Returns how many.
 */
static int
take_unprocessed(AwsResponse *res, DsWrite **writes, int n, DsWrite **left)
{
	Jsonb	   *answer = ddb_json_parse(res->body, "BatchWriteItem");
	JsonbValue *unprocessed = ddb_json_get(&answer->root, "UnprocessedItems");
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	JsonbValue *mine;
	int			nleft = 0;

	if (unprocessed == NULL || unprocessed->type != jbvBinary)
		return 0;
	mine = ddb_json_get(unprocessed->val.binary.data, writes[0]->table);
	if (mine == NULL || mine->type != jbvBinary)
		return 0;

	it = JsonbIteratorInit(mine->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		JsonbValue *put;
		JsonbValue *item;
		JsonbValue *id;
		JsonbValue *name;
		char	   *id_s;
		char	   *name_s;
		bool		matched = false;

		if (tok != WJB_ELEM)
			continue;
		put = v.type == jbvBinary ?
			ddb_json_get(v.val.binary.data, "PutRequest") : NULL;
		item = put && put->type == jbvBinary ?
			ddb_json_get(put->val.binary.data, "Item") : NULL;
		id = item && item->type == jbvBinary ?
			ddb_json_get(item->val.binary.data, "id") : NULL;
		name = item && item->type == jbvBinary ?
			ddb_json_get(item->val.binary.data, "name") : NULL;
		id_s = id && id->type == jbvBinary ?
			ddb_json_get_string(id->val.binary.data, "S") : NULL;
		name_s = name && name->type == jbvBinary ?
			ddb_json_get_string(name->val.binary.data, "S") : NULL;

		/* answers arrive in the database encoding, as the shown key is */
		for (int k = 0; k < n && id_s && name_s; k++)
			if (writes[k]->outcome == DS_OUTCOME_PENDING &&
				strcmp(writes[k]->shown.id, id_s) == 0 &&
				strcmp(writes[k]->shown.name, name_s) == 0)
			{
				writes[k]->outcome = DS_OUTCOME_NOT_APPLIED;
				left[nleft++] = writes[k];
				matched = true;
				break;
			}
		if (!matched)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("DynamoDB left an item unprocessed that BatchWriteItem did not send"),
					 errdetail("UnprocessedItems names a key that is not one of the request's.")));
	}
	return nleft;
}

/*
 * What the record a failed condition met was, for the error's detail:
 * the ALL_OLD item of the cancellation reason.  NULL when unknown.
 */
static char *
describe_found(DsWrite *write, JsonbValue *item)
{
	JsonbValue *version;
	char	   *n;

	if (item == NULL || item->type != jbvBinary)
		return pstrdup(" It is gone now.");
	version = ddb_json_get(item->val.binary.data, "version");
	n = version && version->type == jbvBinary ?
		ddb_json_get_string(version->val.binary.data, "N") : NULL;
	if (n == NULL)
		return NULL;
	/* the version read, still there: the condition failed on expiry */
	if (write->has_version &&
		strcmp(n, psprintf(INT64_FORMAT, write->version)) == 0)
		return pstrdup(" It has expired.");
	return psprintf(" It is at version %s now.", n);
}

static void
note_applied(FlushProgress *progress, DsWrite *write)
{
	write->outcome = DS_OUTCOME_APPLIED;
	write->stats->written++;
	progress->applied++;
}

/*
 * ConsumedCapacity is an object, or for batches an array of them.  Read
 * leniently, unlike a read's (ddb_answer_capacity): the writes it reports
 * on have applied, and a malformed count must not turn that into an error.
 */
static void
note_capacity(DsWriteStats *stats, const char *body)
{
	Jsonb	   *answer;
	JsonbValue *consumed;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;

	if (body == NULL || body[0] == '\0')
		return;
	answer = ddb_json_parse(body, "write");
	consumed = ddb_json_get(&answer->root, "ConsumedCapacity");
	if (consumed == NULL || consumed->type != jbvBinary)
		return;
	if (JsonContainerIsObject(consumed->val.binary.data))
	{
		stats->capacity += ddb_json_get_number(consumed->val.binary.data,
											   "CapacityUnits", 0);
		return;
	}
	it = JsonbIteratorInit(consumed->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		if (tok == WJB_ELEM && v.type == jbvBinary)
			stats->capacity += ddb_json_get_number(v.val.binary.data,
												   "CapacityUnits", 0);
}

/* 32 random hex digits: a ClientRequestToken no other call shares. */
static void
make_token(char *token)
{
	uint8		bytes[16];

	if (!pg_strong_random(bytes, sizeof(bytes)))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random ClientRequestToken")));
	for (int i = 0; i < 16; i++)
		sprintf(token + 2 * i, "%02x", bytes[i]);
	token[32] = '\0';
}

/* An error while sending says what of the statement was written. */
static void
flush_error_context(void *arg)
{
	FlushProgress *progress = arg;
	long		applied = progress->buf->written + progress->applied;

	/* requests answered in the round that failed count too */
	for (int r = 0; progress->reqs && r < progress->nreqs; r++)
	{
		AwsResponse *res = progress->reqs[r].response;

		if (res && !res->failed && res->error_type == NULL)
			applied += progress->weights[r];
	}
	if (applied > 0)
		errcontext("%ld of the %s's %ld records are known to be written",
				   applied, progress->buf->what, progress->buf->total);
	else
		errcontext("no record of the %s is known to be written",
				   progress->buf->what);
}


/* ---------------------------------------------------------------------
 * Outcomes
 * ---------------------------------------------------------------------
 */

/*
 * Count what was written, and raise when something was not: an unknown
 * outcome first (40003: the user must check), else the first conflict in
 * the statement's order (23505 for a create, 40001 otherwise).
 */
static void
report_outcome(DsWriteBuffer *buf, DsWrite **writes, int n)
{
	DsWrite    *conflict = NULL;
	DsWrite    *not_applied = NULL;
	int			unknown = 0;
	StringInfoData keys;
	const char *written_note;

	initStringInfo(&keys);
	for (int i = 0; i < n; i++)
	{
		DsWrite    *w = writes[i];

		switch (w->outcome)
		{
			case DS_OUTCOME_APPLIED:
				buf->written++;
				break;
			case DS_OUTCOME_CONFLICT:
				w->stats->conflicts++;
				if (conflict == NULL)
					conflict = w;
				break;
			case DS_OUTCOME_UNKNOWN:
				if (unknown < DS_MAX_KEYS_SHOWN)
					appendStringInfo(&keys, "%s(%s, %s)", unknown ? ", " : "",
									 w->shown.id, w->shown.name);
				unknown++;
				break;
			case DS_OUTCOME_NOT_APPLIED:
			case DS_OUTCOME_PENDING:
				if (not_applied == NULL)
					not_applied = w;
				break;
			case DS_OUTCOME_SKIPPED:
				break;
		}
	}

	written_note = buf->written == 0 ?
		psprintf("Nothing of the %s was written.", buf->what) :
		psprintf("%ld of the %s's %ld records were written.",
				 buf->written, buf->what, buf->total);

	if (unknown > 0)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_STATEMENT_COMPLETION_UNKNOWN),
				 errmsg_plural("outcome of %d write to foreign table \"%s\" is unknown",
							   "outcome of %d writes to foreign table \"%s\" is unknown",
							   unknown, unknown, writes[0]->relname),
				 errdetail_plural("DynamoDB gave no definite answer for key (id, name) %s%s: it may or may not have been written. %s",
								  "DynamoDB gave no definite answer for keys (id, name) %s%s: they may or may not have been written. %s",
								  unknown, keys.data,
								  unknown > DS_MAX_KEYS_SHOWN ? " and others" : "",
								  buf->written == 0 ?
								  psprintf("No other record of the %s was written.", buf->what) :
								  psprintf("%ld other records of the %s were written.",
										   buf->written, buf->what)),
				 errhint("Read the records to see what they hold before writing them again.")));

	if (conflict && conflict->kind == DS_WRITE_CREATE)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("key already exists in foreign table \"%s\"",
						conflict->relname),
				 errdetail("Key (id, name)=(%s, %s) already exists. %s",
						   conflict->shown.id, conflict->shown.name,
						   written_note),
				 errhint("Use INSERT ... ON CONFLICT DO NOTHING to skip records that exist, or UPDATE to change them.")));
	if (conflict)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 conflict->kind == DS_WRITE_CHECK ?
				 errmsg("could not commit: a record read in foreign table \"%s\" has been modified",
						conflict->relname) :
				 conflict->kind == DS_WRITE_UPDATE ?
				 errmsg("could not update record in foreign table \"%s\": key has been modified",
						conflict->relname) :
				 errmsg("could not delete record in foreign table \"%s\": key has been modified",
						conflict->relname),
				 conflict->has_version ?
				 errdetail("Key (id, name)=(%s, %s) no longer has version " INT64_FORMAT ", which this %s read: the record was changed, deleted or expired since.%s %s",
						   conflict->shown.id, conflict->shown.name,
						   conflict->version, buf->what,
						   conflict->found ? conflict->found : "",
						   written_note) :
				 errdetail("Key (id, name)=(%s, %s) had no version when this %s read it, and was changed, deleted or expired since.%s %s",
						   conflict->shown.id, conflict->shown.name, buf->what,
						   conflict->found ? conflict->found : "",
						   written_note),
				 errhint("Read the record again and retry.")));
	if (not_applied)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not write to foreign table \"%s\": DynamoDB kept cancelling the transaction",
						not_applied->relname),
				 errdetail("Key (id, name)=(%s, %s) was among the records of a transaction that other transactions or throttling cancelled each time it was sent; it was not written. %s",
						   not_applied->shown.id, not_applied->shown.name,
						   written_note),
				 errhint("Retry the %s.", buf->what)));
}
