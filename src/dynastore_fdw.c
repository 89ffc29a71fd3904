/*-------------------------------------------------------------------------
 *
 * dynastore_fdw.c
 *		The handler of dynastore_fdw and its planner callbacks.
 *
 * A statement's path starts here: the planner callbacks decide which
 * DynamoDB request answers a scan and what it costs; scan.c executes it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/sysattr.h"
#include "foreign/fdwapi.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"

#include "modify.h"
#include "scan.h"

PG_MODULE_MAGIC;

/* Rows assumed in a partition that has never been analyzed. */
#define DS_DEFAULT_ROWS		1000
/* Cost of one request, and of reading one item, in seq_page_cost units. */
#define DS_REQUEST_COST		10.0
#define DS_ITEM_COST		0.01

typedef struct DsRelInfo
{
	Bitmapset  *attrs_used;		/* columns the query reads */
} DsRelInfo;

static void dsGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
								Oid foreigntableid);
static void dsGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
							  Oid foreigntableid);
static ForeignScan *dsGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
									 Oid foreigntableid, ForeignPath *best_path,
									 List *tlist, List *scan_clauses,
									 Plan *outer_plan);

PG_FUNCTION_INFO_V1(dynastore_fdw_handler);

Datum
dynastore_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	routine->GetForeignRelSize = dsGetForeignRelSize;
	routine->GetForeignPaths = dsGetForeignPaths;
	routine->GetForeignPlan = dsGetForeignPlan;
	routine->BeginForeignScan = ds_begin_scan;
	routine->IterateForeignScan = ds_iterate_scan;
	routine->ReScanForeignScan = ds_rescan;
	routine->EndForeignScan = ds_end_scan;
	routine->ExplainForeignScan = ds_explain_scan;

	routine->AddForeignUpdateTargets = ds_add_update_targets;
	routine->PlanForeignModify = ds_plan_modify;
	routine->BeginForeignModify = ds_begin_modify;
	routine->ExecForeignInsert = ds_exec_insert;
	routine->ExecForeignBatchInsert = ds_exec_batch_insert;
	routine->GetForeignModifyBatchSize = ds_modify_batch_size;
	routine->ExecForeignUpdate = ds_exec_update;
	routine->ExecForeignDelete = ds_exec_delete;
	routine->EndForeignModify = ds_end_modify;
	routine->BeginForeignInsert = ds_begin_insert;
	routine->EndForeignInsert = ds_end_insert;
	routine->IsForeignRelUpdatable = ds_rel_updatable;
	routine->ExplainForeignModify = ds_explain_modify;

	PG_RETURN_POINTER(routine);
}

/*
 * Note the columns the query needs, so that only their attributes are
 * requested, and estimate the rows.
 */
static void
dsGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
					Oid foreigntableid)
{
	DsRelInfo  *info = palloc0(sizeof(DsRelInfo));
	ListCell   *lc;

	pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid,
				   &info->attrs_used);
	foreach(lc, baserel->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst(lc);

		pull_varattnos((Node *) ri->clause, baserel->relid,
					   &info->attrs_used);
	}
	baserel->fdw_private = info;

	if (baserel->tuples <= 0)
		baserel->tuples = DS_DEFAULT_ROWS;
	baserel->rows = clamp_row_est(baserel->tuples *
								  clauselist_selectivity(root,
														 baserel->baserestrictinfo,
														 0, JOIN_INNER, NULL));
}

static void
dsGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	Cost		startup = DS_REQUEST_COST;
	Cost		total = startup + baserel->tuples * DS_ITEM_COST +
		baserel->tuples * cpu_tuple_cost;

	add_path(baserel, (Path *)
			 create_foreignscan_path(root, baserel, NULL, baserel->rows,
									 startup, total, NIL, NULL, NULL, NIL));
}

/*
 * Every qual is checked locally for now: the partition's Query returns a
 * superset and PostgreSQL filters it.
 */
static ForeignScan *
dsGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
				 ForeignPath *best_path, List *tlist, List *scan_clauses,
				 Plan *outer_plan)
{
	DsRelInfo  *info = baserel->fdw_private;
	List	   *retrieved = NIL;
	bool		whole_row;
	int			i;

	whole_row = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber,
							  info->attrs_used);
	i = -1;
	while ((i = bms_next_member(info->attrs_used, i)) >= 0)
	{
		AttrNumber	attno = i + FirstLowInvalidHeapAttributeNumber;

		if (attno > 0)
			retrieved = lappend_int(retrieved, attno);
	}

	scan_clauses = extract_actual_clauses(scan_clauses, false);

	return make_foreignscan(tlist, scan_clauses, baserel->relid, NIL,
							list_make2(retrieved, makeBoolean(whole_row)),
							NIL, NIL, outer_plan);
}
