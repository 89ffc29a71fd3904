/*-------------------------------------------------------------------------
 *
 * modify.h
 *		INSERT, UPDATE and DELETE as dynastore's AtomicPut and AtomicDelete.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DS_MODIFY_H
#define DS_MODIFY_H

#include "commands/explain.h"
#include "nodes/execnodes.h"
#include "nodes/pathnodes.h"
#include "nodes/plannodes.h"
#include "utils/rel.h"

#include "pg_compat.h"

extern void ds_add_update_targets(PlannerInfo *root, Index rtindex,
								  RangeTblEntry *target_rte,
								  Relation target_relation);
extern List *ds_plan_modify(PlannerInfo *root, ModifyTable *plan,
							Index resultRelation, int subplan_index);
extern void ds_begin_modify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
							List *fdw_private, int subplan_index, int eflags);
extern TupleTableSlot *ds_exec_insert(EState *estate, ResultRelInfo *rinfo,
									  TupleTableSlot *slot,
									  TupleTableSlot *planSlot);
extern TupleTableSlot **ds_exec_batch_insert(EState *estate,
											 ResultRelInfo *rinfo,
											 TupleTableSlot **slots,
											 TupleTableSlot **planSlots,
											 int *numSlots);
extern int	ds_modify_batch_size(ResultRelInfo *rinfo);
extern TupleTableSlot *ds_exec_update(EState *estate, ResultRelInfo *rinfo,
									  TupleTableSlot *slot,
									  TupleTableSlot *planSlot);
extern TupleTableSlot *ds_exec_delete(EState *estate, ResultRelInfo *rinfo,
									  TupleTableSlot *slot,
									  TupleTableSlot *planSlot);
extern void ds_end_modify(EState *estate, ResultRelInfo *rinfo);
extern void ds_begin_insert(ModifyTableState *mtstate, ResultRelInfo *rinfo);
extern void ds_end_insert(EState *estate, ResultRelInfo *rinfo);
extern int	ds_rel_updatable(Relation rel);
extern void ds_explain_modify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
							  List *fdw_private, int subplan_index,
							  ExplainState *es);

#endif							/* DS_MODIFY_H */
