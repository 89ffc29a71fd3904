/*-------------------------------------------------------------------------
 *
 * upper.c
 *		count(*) of a foreign table computed by DynamoDB (Select COUNT).
 *
 * Counting the records of a partition locally ships every item, if only
 * to check its "expires".  DynamoDB counts by itself: a Query or Scan with
 * Select COUNT returns no item, only how many of those it read pass the
 * FilterExpression, one page (1 MB of items read) at a time.  So a bare
 * count(*) or count(1), without GROUP BY or HAVING, over a foreign table
 * whose every condition DynamoDB answers exactly (a Query of the
 * partition, its key conditions, or a Scan of the table), becomes such a
 * read, with a filter that keeps the records dynastore calls live.
 * Anything else (another aggregate, a condition left to PostgreSQL, a
 * join) is aggregated by PostgreSQL as before.
 *
 * The plan is a ForeignScan of the grouping relation (scanrelid 0) whose
 * one row holds the count; scan.c pages the read, as for any scan.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_aggregate.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/tlist.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "dynastore_fdw.h"
#include "scan.h"
#include "upper.h"

/*
 * count(*), or count() of a constant that is not NULL: what counts rows
 * and nothing else.
 */
static bool
is_row_count(Aggref *agg)
{
	TargetEntry *arg;

	if (agg->aggfilter != NULL || agg->aggdistinct != NIL ||
		agg->aggorder != NIL || agg->aggkind != AGGKIND_NORMAL ||
		agg->agglevelsup != 0 || agg->aggsplit != AGGSPLIT_SIMPLE)
		return false;
	if (agg->aggfnoid == F_COUNT_)
		return true;
	if (agg->aggfnoid != F_COUNT_ANY || list_length(agg->args) != 1)
		return false;
	arg = linitial(agg->args);
	return IsA(arg->expr, Const) && !((Const *) arg->expr)->constisnull;
}

/* Does expr use no column, and no aggregate but row counts? */
static bool
only_row_counts_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Aggref))
		return !is_row_count((Aggref *) node);
	if (IsA(node, Var) || IsA(node, PlaceHolderVar) ||
		IsA(node, GroupingFunc) || IsA(node, WindowFunc))
		return true;
	return expression_tree_walker(node, only_row_counts_walker, context);
}

/*
 * Offer the count for the aggregation of a query over one foreign table
 * of ours, when it groups by nothing, keeps every group (no HAVING) and
 * counts rows only.  Pseudoconstant quals would be lost (the gating
 * Result goes with the scan that the count replaces), so none may be.
 */
void
ds_get_upper_paths(PlannerInfo *root, UpperRelationKind stage,
				   RelOptInfo *input_rel, RelOptInfo *output_rel,
				   void *extra)
{
	Query	   *parse = root->parse;
	PathTarget *target = root->upper_targets[UPPERREL_GROUP_AGG];
	List	   *priv;
	List	   *exprs;
	double		requests;
	Cost		startup;
	Cost		total;
	Path	   *path;

	if (stage != UPPERREL_GROUP_AGG || !ds_is_dynastore_rel(input_rel))
		return;
	if (parse->groupClause != NIL || parse->groupingSets != NIL ||
		parse->havingQual != NULL || root->hasPseudoConstantQuals ||
		target == NULL)
		return;
	if (only_row_counts_walker((Node *) target->exprs, NULL))
		return;
	if (!ds_exact_read(root, input_rel, &requests, &priv, &exprs))
		return;

	/* the read's requests, and no item */
	startup = requests * DS_REQUEST_COST;
	total = startup + cpu_tuple_cost;

	/* 17 added fdw_restrictinfo, 18 disabled_nodes */
#if PG_VERSION_NUM >= 180000
	path = (Path *) create_foreign_upper_path(root, output_rel, target, 1, 0,
											  startup, total, NIL, NULL, NIL,
											  list_make2(priv, exprs));
#elif PG_VERSION_NUM >= 170000
	path = (Path *) create_foreign_upper_path(root, output_rel, target, 1,
											  startup, total, NIL, NULL, NIL,
											  list_make2(priv, exprs));
#else
	path = (Path *) create_foreign_upper_path(root, output_rel, target, 1,
											  startup, total, NIL, NULL,
											  list_make2(priv, exprs));
#endif
	add_path(output_rel, path);
}

/*
 * The count's plan: the scan tuple holds one column per row count of the
 * target list (each the same count), from which the target list computes
 * the rest.
 */
ForeignScan *
ds_count_plan(PlannerInfo *root, RelOptInfo *rel, ForeignPath *best_path,
			  List *tlist)
{
	List	   *priv = linitial(best_path->fdw_private);
	List	   *exprs = lsecond(best_path->fdw_private);
	List	   *scan_tlist;

	scan_tlist = add_to_flat_tlist(NIL,
								   pull_var_clause((Node *) tlist,
												   PVC_INCLUDE_AGGREGATES));
	return make_foreignscan(tlist, NIL, 0, exprs, priv, scan_tlist, NIL,
							NULL);
}

/* Is node the scan of a count (a plan of ds_count_plan)? */
bool
ds_is_count_scan(ForeignScanState *node)
{
	return ((ForeignScan *) node->ss.ps.plan)->scan.scanrelid == 0;
}

/*
 * The executor opens no relation for a scan of an upper relation: open
 * the one foreign table it counts, and set up its read as a count.
 */
void
ds_count_begin(ForeignScanState *node, int eflags)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	Index		rtindex = bms_singleton_member(fsplan->fs_relids);
#if PG_VERSION_NUM >= 160000
	/* 16 keeps the role to check as in the plan, for upper relations too */
	Oid			userid = ds_scan_check_as_user(fsplan, estate);
#else
	RangeTblEntry *rte = exec_rt_fetch(rtindex, estate);
	Oid			userid = OidIsValid(rte->checkAsUser) ?
		rte->checkAsUser : GetUserId();
#endif
	Relation	rel = ExecOpenScanRelation(estate, rtindex, eflags);
	DsScanState *st = ds_scan_from_plan(node, rel, userid);

	ds_scan_set_count_only(st);
	node->fdw_state = st;
}

/* One row: the count in each column. */
TupleTableSlot *
ds_count_iterate(ForeignScanState *node)
{
	DsScanState *st = node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	int64		count;
	int			i;

	ExecClearTuple(slot);
	if (!ds_scan_count(st, &count))
		return slot;
	for (i = 0; i < slot->tts_tupleDescriptor->natts; i++)
	{
		slot->tts_values[i] = Int64GetDatum(count);
		slot->tts_isnull[i] = false;
	}
	ExecStoreVirtualTuple(slot);
	return slot;
}

/* EXPLAIN: what is counted, then the read as for any scan. */
void
ds_count_explain(ForeignScanState *node, ExplainState *es)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	Index		rtindex = bms_singleton_member(fsplan->fs_relids);
	RangeTblEntry *rte = rt_fetch(rtindex, es->rtable);
	char	   *refname = list_nth(es->rtable_names, rtindex - 1);
	char	   *relname = get_rel_name(rte->relid);

	if (refname == NULL || strcmp(refname, relname) == 0)
		ExplainPropertyText("Relations",
							psprintf("Aggregate on (%s)",
									 quote_identifier(relname)), es);
	else
		ExplainPropertyText("Relations",
							psprintf("Aggregate on (%s %s)",
									 quote_identifier(relname),
									 quote_identifier(refname)), es);
	ds_explain_scan(node, es);
}
