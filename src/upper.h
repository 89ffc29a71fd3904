/*-------------------------------------------------------------------------
 *
 * upper.h
 *		count(*) of a foreign table computed by DynamoDB (Select COUNT).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DS_UPPER_H
#define DS_UPPER_H

#include "commands/explain.h"
#include "nodes/execnodes.h"
#include "nodes/pathnodes.h"
#include "nodes/plannodes.h"

#include "pg_compat.h"

extern void ds_get_upper_paths(PlannerInfo *root, UpperRelationKind stage,
							   RelOptInfo *input_rel, RelOptInfo *output_rel,
							   void *extra);
extern ForeignScan *ds_count_plan(PlannerInfo *root, RelOptInfo *rel,
								  ForeignPath *best_path, List *tlist);

extern bool ds_is_count_scan(ForeignScanState *node);
extern void ds_count_begin(ForeignScanState *node, int eflags);
extern TupleTableSlot *ds_count_iterate(ForeignScanState *node);
extern void ds_count_explain(ForeignScanState *node, ExplainState *es);

#endif							/* DS_UPPER_H */
