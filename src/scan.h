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

/* Positions in ForeignScan.fdw_private, written by the planner. */
enum DsScanPrivate
{
	DS_PRIV_RETRIEVED,			/* IntList of the attnums to fill */
	DS_PRIV_ALL_ATTRIBUTES		/* Boolean: read every attribute */
};

extern void ds_begin_scan(ForeignScanState *node, int eflags);
extern TupleTableSlot *ds_iterate_scan(ForeignScanState *node);
extern void ds_rescan(ForeignScanState *node);
extern void ds_end_scan(ForeignScanState *node);
extern void ds_explain_scan(ForeignScanState *node, ExplainState *es);

#endif							/* DS_SCAN_H */
