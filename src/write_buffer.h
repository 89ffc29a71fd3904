/*-------------------------------------------------------------------------
 *
 * write_buffer.h
 *		The writes of one statement, kept until it has produced them all.
 *
 * INSERT, UPDATE and DELETE hand their writes here instead of sending them.
 * When the statement has run (its AFTER triggers and check options
 * included), the buffer sends them: conditional writes as TransactWriteItems
 * of up to 100 actions with a ClientRequestToken, so that a statement of up
 * to 100 records applies all or nothing and no retry applies twice.  Until
 * then nothing of the statement is in DynamoDB, so its reads cannot see its
 * own writes.
 *
 *-------------------------------------------------------------------------
 */
#ifndef WRITE_BUFFER_H
#define WRITE_BUFFER_H

#include "nodes/execnodes.h"

#include "ddb_write.h"
#include "option.h"

typedef enum DsWriteKind
{
	DS_WRITE_CREATE,			/* INSERT: no live record has the key */
	DS_WRITE_UPDATE,			/* UPDATE: the version read */
	DS_WRITE_DELETE,			/* DELETE: the version read */
	DS_WRITE_PUT,				/* insert_mode 'put': no condition */
	DS_WRITE_CHECK				/* commit mode: a record read FOR SHARE */
} DsWriteKind;

typedef enum DsWriteOutcome
{
	DS_OUTCOME_PENDING,			/* not sent yet */
	DS_OUTCOME_APPLIED,
	DS_OUTCOME_CONFLICT,		/* its condition failed: not applied */
	DS_OUTCOME_SKIPPED,			/* ON CONFLICT DO NOTHING: not applied */
	DS_OUTCOME_NOT_APPLIED,		/* its transaction failed on another one */
	DS_OUTCOME_UNKNOWN			/* may or may not have applied */
} DsWriteOutcome;

/* What a foreign table's writes counted, for EXPLAIN ANALYZE. */
typedef struct DsWriteStats
{
	long		requests;		/* HTTP requests, retries included */
	long		transactions;	/* TransactWriteItems calls that applied */
	long		written;
	long		conflicts;
	double		capacity;		/* write capacity units consumed */
} DsWriteStats;

/* One record's write. */
typedef struct DsWrite
{
	DsWriteKind kind;
	const char *relname;		/* the foreign table, for messages */
	const char *table;			/* the DynamoDB table (set by ds_write_add) */
	DdbKey		key;			/* UTF-8, for the wire */
	DdbKey		shown;			/* in the database encoding, for messages */
	bool		has_version;	/* UPDATE, DELETE: the version read */
	int64		version;
	char	   *item;			/* CREATE, PUT: the whole item */
	List	   *attrs;			/* UPDATE: the DdbAttrs to set and remove */
	size_t		size;			/* bytes DynamoDB counts for the item */
	bool		skip_conflict;	/* CREATE under ON CONFLICT DO NOTHING */
	DsWriteStats *stats;
	DsWriteOutcome outcome;
	char	   *found;			/* CONFLICT: what the record was, if known */
} DsWrite;

typedef struct DsWriteBuffer DsWriteBuffer;

extern void ds_write_buffer_init(void);
extern DsWriteBuffer *ds_write_buffer(EState *estate, DsTableOptions *opts,
									  bool immediate);
extern DsWrite *ds_write_add(DsWriteBuffer *buf, const DsWrite *write,
							 const char *table, bool *already);
extern void ds_write_flush(DsWriteBuffer *buf);
extern void ds_write_flush_statement(EState *estate);
extern void ds_write_send_commit(DsTableOptions *opts, DsWrite **writes,
								 int n);
extern char *ds_write_record_key(const char *table, const DdbKey *key);

#endif							/* WRITE_BUFFER_H */
