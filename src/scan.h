/*-------------------------------------------------------------------------
 *
 * scan.h
 *		Executing a foreign scan: paging through DynamoDB's answers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DS_SCAN_H
#define DS_SCAN_H

#include "commands/explain.h"
#include "nodes/execnodes.h"
#include "utils/relcache.h"

#include "pg_compat.h"

/*
 * Positions in ForeignScan.fdw_private, written by the planner.  The
 * values of the key conditions are the plan's fdw_exprs, evaluated at
 * (re)scan start.
 */
enum DsScanPrivate
{
	DS_PRIV_RETRIEVED,			/* IntList of the attnums to fill */
	DS_PRIV_ALL_ATTRIBUTES,		/* Boolean: read every attribute */
	DS_PRIV_OPERATION,			/* Integer: DdbOperation */
	DS_PRIV_INDEX,				/* String: index name, "" for the table */
	DS_PRIV_GLOBAL_INDEX,		/* Boolean: the index is a GSI */
	DS_PRIV_KEY_CONDS,			/* List of DS_COND_* lists */
	DS_PRIV_FILTER_PARTITION,	/* Boolean: filter id = partition */
	DS_PRIV_FORWARD,			/* Boolean: ScanIndexForward */
	DS_PRIV_LIMIT,				/* Integer: Limit per request, 0 none */
	DS_PRIV_FOR_WRITE,			/* Boolean: the rows are to be updated or
								 * deleted, so read the latest version */
	DS_PRIV_SORT_ATTRIBUTE		/* String: the key a Query's items come
								 * sorted by, when the plan relies on it;
								 * "" otherwise */
};

/* One key condition in DS_PRIV_KEY_CONDS. */
enum DsCondPrivate
{
	DS_COND_ATTRIBUTE,			/* String */
	DS_COND_OP,					/* Integer: DdbCondOp */
	DS_COND_ARG,				/* Integer: position in fdw_exprs */
	DS_COND_ARG2,				/* Integer: position in fdw_exprs, or -1 */
	DS_COND_IS_ARRAY			/* Boolean: attribute = ANY(arg) */
};

typedef struct DsScanState DsScanState;

extern DsScanState *ds_scan_create(Relation rel, Oid userid, List *retrieved,
								   bool whole_row);
extern DsScanState *ds_scan_from_plan(ForeignScanState *node, Relation rel,
									 Oid userid);
extern bool ds_scan_next(DsScanState *st, Datum *values, bool *nulls);
extern bool ds_scan_count(DsScanState *st, int64 *count);
extern void ds_scan_set_count_only(DsScanState *st);
extern void ds_scan_batch(DsScanState *st, List *names);
extern char *ds_scan_item_name(DsScanState *st);
extern struct DsTableOptions *ds_scan_options(DsScanState *st);
extern void ds_scan_explain_counts(DsScanState *st, ExplainState *es);
extern void ds_begin_scan(ForeignScanState *node, int eflags);
extern TupleTableSlot *ds_iterate_scan(ForeignScanState *node);
extern void ds_rescan(ForeignScanState *node);
extern void ds_end_scan(ForeignScanState *node);
extern void ds_explain_scan(ForeignScanState *node, ExplainState *es);

#endif							/* DS_SCAN_H */
