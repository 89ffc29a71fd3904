/*-------------------------------------------------------------------------
 *
 * txn_writes.h
 *		A transaction's writes, kept until COMMIT (write_mode 'commit').
 *
 * In commit mode a statement's writes are not sent when it finishes: they
 * join the transaction's, one action per record, and at COMMIT go out as
 * one TransactWriteItems with a ClientRequestToken, so that COMMIT applies
 * them all or none and ROLLBACK (to a savepoint too) undoes them by never
 * sending them.  Until then every read of the transaction shows them as if
 * applied (read_overlay.c asks here what a record holds now).
 *
 *-------------------------------------------------------------------------
 */
#ifndef TXN_WRITES_H
#define TXN_WRITES_H

#include "access/htup.h"

#include "ddb_write.h"
#include "option.h"
#include "write_buffer.h"

/* GUC dynastore_fdw.write_at_commit: commit mode for every foreign table */
extern bool ds_write_at_commit;

/* What a record the transaction wrote holds for the transaction now. */
typedef enum DsTxnFinal
{
	DS_TXN_UNCHANGED,			/* only read (FOR SHARE): as DynamoDB has it */
	DS_TXN_ABSENT,				/* deleted, or created and deleted again */
	DS_TXN_ITEM,				/* a whole item: created or put */
	DS_TXN_DELTA				/* DynamoDB's record, updated */
} DsTxnFinal;

typedef struct DsTxnView
{
	DsTxnFinal	final;
	List	   *attrs;			/* ITEM: every attribute but the key; DELTA:
								 * those set (value) and removed (NULL);
								 * DdbAttr *, UTF-8 */
	bool		has_version;	/* the version the record shows now */
	int64		version;
} DsTxnView;

extern void ds_txn_init(void);
extern DsWriteOutcome ds_txn_add(DsTableOptions *opts, const DsWrite *write,
								 const char *table, CommandId cid);
extern void ds_txn_check(DsTableOptions *opts, const char *relname,
						 const DdbKey *key, const DdbKey *shown,
						 bool has_version, int64 version);
extern bool ds_txn_touches(Oid serverid, const char *table);
extern const DsTxnView *ds_txn_lookup(Oid serverid, const char *table,
									  const DdbKey *key, CommandId curcid);
extern List *ds_txn_keys(Oid serverid, const char *table, CommandId curcid);
extern bool ds_txn_holds(const char *table, const DdbKey *key);
extern int	ds_txn_pending(Oid serverid);
extern List *ds_txn_merge_attrs(List *base, List *delta);

#endif							/* TXN_WRITES_H */
