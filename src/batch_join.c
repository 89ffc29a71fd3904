/*-------------------------------------------------------------------------
 *
 * batch_join.c
 *		A join of other rows with a partition by key, a hundred keys a
 *		request.
 *
 * PostgreSQL runs a parameterized scan once per outer row, so a join of
 * 200 local keys with a partition would make 200 GetItem requests.  This
 * custom join gathers the outer rows in batches (a hundred, then eight
 * hundred at a time), reads their records with BatchGetItem (a request a
 * hundred keys, those of a batch at once), and joins them in memory,
 * keeping the outer rows' order.  It is offered through set_join_pathlist_hook for
 * inner and left joins on name = <a column of the other side>, and the
 * planner takes it when it costs least.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/pg_collation.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/prep.h"
#include "optimizer/restrictinfo.h"
#include "optimizer/tlist.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"

#include "ddb_request.h"
#include "dynastore_fdw.h"
#include "option.h"
#include "scan.h"

#define BATCH_JOIN_NAME		"DynamoDB Batched Key Join"

/*
 * Outer rows a batch: the first batch of a scan a request's worth (a
 * LIMIT may need no more), the next ones eight requests', which the scan
 * sends at once.
 */
#define FIRST_BATCH_ROWS	DDB_MAX_BATCH_GET_KEYS
#define BATCH_ROWS			(8 * DDB_MAX_BATCH_GET_KEYS)

/* Positions in CustomScan.custom_private. */
enum BatchJoinPrivate
{
	BJ_INNER_MEMBER,			/* Integer: which member of custom_relids
								 * (counting from 0) is the foreign table's
								 * range-table index; setrefs offsets the
								 * set, not this */
	BJ_OUTER_KEY,				/* Integer: resno of the key in the outer
								 * plan's output */
	BJ_SCAN_INNER,				/* IntList: per custom_scan_tlist entry, 1
								 * when it is the foreign table's */
	BJ_SCAN_ATTNO,				/* IntList: per entry, the outer resno or
								 * the inner attnum (0: the whole row,
								 * TableOidAttributeNumber: tableoid) */
	BJ_RETRIEVED,				/* IntList: inner attnums to read */
	BJ_WHOLE_ROW,				/* Boolean: the inner whole row is used */
	BJ_JOINTYPE,				/* Integer: JOIN_INNER or JOIN_LEFT */
	BJ_CHECK_AS_USER			/* Integer: the foreign table's
								 * RelOptInfo.userid, the role to read as
								 * (0: the current user), as 16's
								 * ForeignScan.checkAsUser */
};

/*
 * CustomScan.custom_exprs holds the pseudoconstant quals: they are checked
 * once per scan, as the gating Result of a plain join would.
 */

/* A record read for the current batch. */
typedef struct InnerRow
{
	char	   *name;
	Datum	   *values;
	bool	   *nulls;
	Datum		whole_row;		/* the record as a composite, when used */
} InnerRow;

typedef struct BatchJoinState
{
	CustomScanState css;
	PlanState  *outer;
	Relation	rel;
	Index		inner_rti;		/* the foreign table's range-table index */
	DsScanState *scan;
	int			outer_key;
	List	   *scan_inner;
	List	   *scan_attno;
	bool		whole_row;
	JoinType	jointype;
	TupleTableSlot *outer_slot;
	TupleTableSlot *epq_slot;	/* the foreign table's EPQ test row */
	ExprState  *gate;			/* the pseudoconstant quals, or NULL */
	bool		gate_checked;	/* since the last (re)scan */
	bool		gate_passed;

	MemoryContext batch_cxt;	/* the batch's outer rows and records */
	MinimalTuple outer_rows[BATCH_ROWS];
	char	   *keys[BATCH_ROWS];	/* their keys, NULL for a null */
	int			nrows;
	int			pos;
	InnerRow   *inner;			/* sorted by name */
	int			ninner;
	bool		outer_done;
	bool		first_batch;	/* the next batch is the scan's first */
	Datum	   *values;			/* the foreign table's row, from the scan */
	bool	   *nulls;
} BatchJoinState;

static set_join_pathlist_hook_type prev_join_pathlist_hook = NULL;

static void add_batch_join_path(PlannerInfo *root, RelOptInfo *joinrel,
								RelOptInfo *outerrel, RelOptInfo *innerrel,
								JoinType jointype, JoinPathExtraData *extra);
static Plan *plan_batch_join(PlannerInfo *root, RelOptInfo *rel,
							 CustomPath *best_path, List *tlist,
							 List *clauses, List *custom_plans);
static Node *create_batch_join_state(CustomScan *cscan);
static void begin_batch_join(CustomScanState *node, EState *estate,
							 int eflags);
static TupleTableSlot *exec_batch_join(CustomScanState *node);
static void end_batch_join(CustomScanState *node);
static void rescan_batch_join(CustomScanState *node);
static void explain_batch_join(CustomScanState *node, List *ancestors,
							   ExplainState *es);

static const CustomPathMethods batch_join_path_methods = {
	.CustomName = BATCH_JOIN_NAME,
	.PlanCustomPath = plan_batch_join,
};

static const CustomScanMethods batch_join_scan_methods = {
	.CustomName = BATCH_JOIN_NAME,
	.CreateCustomScanState = create_batch_join_state,
};

static const CustomExecMethods batch_join_exec_methods = {
	.CustomName = BATCH_JOIN_NAME,
	.BeginCustomScan = begin_batch_join,
	.ExecCustomScan = exec_batch_join,
	.EndCustomScan = end_batch_join,
	.ReScanCustomScan = rescan_batch_join,
	.ExplainCustomScan = explain_batch_join,
};

void
ds_batch_join_init(void)
{
	prev_join_pathlist_hook = set_join_pathlist_hook;
	set_join_pathlist_hook = add_batch_join_path;
	RegisterCustomScanMethods(&batch_join_scan_methods);
}

/* A Var, seen through a RelabelType, or NULL. */
static Var *
plain_var(Expr *e)
{
	if (e && IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	return (e && IsA(e, Var) && ((Var *) e)->varlevelsup == 0) ?
		(Var *) e : NULL;
}

/*
 * Can the join produce every Var of the foreign table in exprs?  Its
 * columns, its whole row and tableoid come from the records read; other
 * system columns have no value for a foreign table, and a plain scan
 * would refuse them, so the join does not offer to.
 */
static bool
inner_vars_supported(List *exprs, Index inner_relid)
{
	List	   *vars = pull_var_clause((Node *) exprs,
									   PVC_INCLUDE_PLACEHOLDERS);
	ListCell   *lc;

	foreach(lc, vars)
	{
		Var		   *v = lfirst(lc);

		if (!IsA(v, Var))
			continue;
		if (v->varno == inner_relid && v->varattno < 0 &&
			v->varattno != TableOidAttributeNumber)
			return false;
	}
	return true;
}

/*
 * Offer the batched join when the inner side is a partition of ours, a
 * join clause equates its name with a plain column of the outer side, and
 * the outer side needs no parameters.  A left join is offered only when
 * that clause is all there is to it, since other clauses would decide the
 * null-extended rows.
 */
static void
add_batch_join_path(PlannerInfo *root, RelOptInfo *joinrel,
					RelOptInfo *outerrel, RelOptInfo *innerrel,
					JoinType jointype, JoinPathExtraData *extra)
{
	Path	   *outer;
	RestrictInfo *key_rinfo = NULL;
	Var		   *outer_var = NULL;
	AttrNumber	name_attnum = InvalidAttrNumber;
	List	   *quals = NIL;
	ListCell   *lc;
	CustomPath *cp;
	double		outer_rows;
	QualCost	qcost;

	if (prev_join_pathlist_hook)
		prev_join_pathlist_hook(root, joinrel, outerrel, innerrel,
								jointype, extra);

	if (jointype != JOIN_INNER && jointype != JOIN_LEFT)
		return;
	if (!ds_is_dynastore_rel(innerrel) ||
		!bms_is_empty(innerrel->lateral_relids))
		return;

	/*
	 * Rows locked FOR SHARE or FOR UPDATE are read by the foreign scan,
	 * which in commit mode makes each a condition of the COMMIT.
	 */
	if (innerrel->relid > 0)
	{
		PlanRowMark *rc = get_plan_rowmark(root->rowMarks, innerrel->relid);

		if (rc && rc->strength != LCS_NONE)
			return;
	}
	outer = outerrel->cheapest_total_path;
	if (outer == NULL || outer->param_info != NULL)
		return;

	foreach(lc, extra->restrictlist)
	{
		RestrictInfo *rinfo = lfirst(lc);
		AttrNumber	attnum;
		DsKeyQual  *kq = NULL;
		Var		   *v;

		if (key_rinfo == NULL &&
			(kq = ds_join_key_qual(root, innerrel, rinfo, &attnum)) != NULL &&
			(v = plain_var(kq->arg)) != NULL &&
			bms_is_member(v->varno, outerrel->relids))
		{
			key_rinfo = rinfo;
			outer_var = v;
			name_attnum = attnum;
		}
		else
			quals = lappend(quals, rinfo);
	}
	if (key_rinfo == NULL)
		return;
	if (jointype == JOIN_LEFT &&
		(quals != NIL || innerrel->baserestrictinfo != NIL))
		return;

	/* the inner side's own conditions filter the joined rows */
	quals = list_concat(quals, innerrel->baserestrictinfo);

	/* only Vars cross this join, no placeholders */
	foreach(lc, joinrel->reltarget->exprs)
	{
		if (plain_var(lfirst(lc)) == NULL)
			return;
	}
	if (!inner_vars_supported(joinrel->reltarget->exprs, innerrel->relid))
		return;
	foreach(lc, quals)
	{
		if (!inner_vars_supported(list_make1(((RestrictInfo *) lfirst(lc))->clause),
								  innerrel->relid))
			return;
	}

	outer_rows = Max(outer->rows, 1);
	cost_qual_eval(&qcost, quals, root);

	cp = makeNode(CustomPath);
	cp->path.pathtype = T_CustomScan;
	cp->path.parent = joinrel;
	cp->path.pathtarget = joinrel->reltarget;
	cp->path.param_info = NULL;
	cp->path.parallel_aware = false;
	cp->path.parallel_safe = false;
	cp->path.rows = joinrel->rows;
	cp->path.startup_cost = outer->startup_cost + DS_REQUEST_COST;
	cp->path.total_cost = outer->total_cost +
		ceil(outer_rows / DDB_MAX_BATCH_GET_KEYS) * DS_REQUEST_COST +
		outer_rows * (DS_ITEM_COST + cpu_tuple_cost + qcost.per_tuple) +
		qcost.startup;
	/* rows come out in the outer side's order */
	cp->path.pathkeys = outer->pathkeys;
	cp->custom_paths = list_make1(outer);
	cp->custom_private = list_make5(outer_var,
									makeInteger(name_attnum),
									quals,
									makeInteger(innerrel->relid),
									makeInteger(jointype));
	cp->methods = &batch_join_path_methods;
	add_path(joinrel, (Path *) cp);
}

/* The resno of a Var in a plan's output, or 0. */
static AttrNumber
output_position(Plan *plan, Var *var)
{
	ListCell   *lc;

	foreach(lc, plan->targetlist)
	{
		TargetEntry *tle = lfirst(lc);
		Var		   *v = plain_var(tle->expr);

		if (v && v->varno == var->varno && v->varattno == var->varattno)
			return tle->resno;
	}
	return 0;
}

/*
 * The scan tuple holds every column the join's output and conditions
 * use: the outer side's from its output, the foreign table's from the
 * records read.  Pseudoconstant quals become custom_exprs, checked once
 * per scan.
 */
static Plan *
plan_batch_join(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path,
				List *tlist, List *clauses, List *custom_plans)
{
	Plan	   *outer_plan = linitial(custom_plans);
	List	   *priv = best_path->custom_private;
	Var		   *outer_var = linitial(priv);
	AttrNumber	name_attnum = intVal(lsecond(priv));
	List	   *quals = extract_actual_clauses(lthird(priv), false);
	List	   *gating = extract_actual_clauses(lthird(priv), true);
	Index		inner_relid = intVal(lfourth(priv));
	JoinType	jointype = intVal(list_nth(priv, 4));
	List	   *vars;
	List	   *scan_tlist = NIL;
	List	   *scan_inner = NIL;
	List	   *scan_attno = NIL;
	List	   *retrieved = list_make1_int(name_attnum);
	bool		whole_row = false;
	CustomScan *cscan;
	AttrNumber	outer_key;
	int			member = 0;
	int			i;
	ListCell   *lc;

	vars = pull_var_clause((Node *) list_concat(list_copy(tlist), quals),
						   PVC_RECURSE_PLACEHOLDERS);
	foreach(lc, vars)
	{
		Var		   *v = lfirst(lc);

		if (tlist_member((Expr *) v, scan_tlist))
			continue;
		scan_tlist = lappend(scan_tlist,
							 makeTargetEntry((Expr *) copyObject(v),
											 list_length(scan_tlist) + 1,
											 NULL, false));
		if (v->varno == inner_relid)
		{
			scan_inner = lappend_int(scan_inner, 1);
			scan_attno = lappend_int(scan_attno, v->varattno);
			if (v->varattno == InvalidAttrNumber)
				whole_row = true;
			else if (v->varattno > 0)
				retrieved = list_append_unique_int(retrieved, v->varattno);
		}
		else
		{
			AttrNumber	pos = output_position(outer_plan, v);

			if (pos == 0)
				elog(ERROR, "column of the outer side missing from its output");
			scan_inner = lappend_int(scan_inner, 0);
			scan_attno = lappend_int(scan_attno, pos);
		}
	}

	outer_key = output_position(outer_plan, outer_var);
	if (outer_key == 0)
		elog(ERROR, "join key missing from the outer side's output");

	/* custom_relids is offset at setrefs: remember the position in it */
	i = -1;
	while ((i = bms_next_member(rel->relids, i)) >= 0 && i != inner_relid)
		member++;

	cscan = makeNode(CustomScan);
	cscan->scan.plan.targetlist = tlist;
	cscan->scan.plan.qual = quals;
	cscan->scan.scanrelid = 0;
	cscan->custom_scan_tlist = scan_tlist;
	cscan->custom_plans = custom_plans;
	cscan->custom_exprs = gating;
	cscan->custom_relids = bms_copy(rel->relids);
	cscan->flags = best_path->flags;
	cscan->methods = &batch_join_scan_methods;
	cscan->custom_private = list_make5(makeInteger(member),
									   makeInteger(outer_key),
									   scan_inner, scan_attno, retrieved);
	cscan->custom_private = lappend(cscan->custom_private,
									makeBoolean(whole_row));
	cscan->custom_private = lappend(cscan->custom_private,
									makeInteger(jointype));
	cscan->custom_private =
		lappend(cscan->custom_private,
				makeInteger((int) find_base_rel(root, inner_relid)->userid));
	return &cscan->scan.plan;
}

static Node *
create_batch_join_state(CustomScan *cscan)
{
	BatchJoinState *st = (BatchJoinState *) newNode(sizeof(BatchJoinState),
													T_CustomScanState);

	st->css.methods = &batch_join_exec_methods;
	return (Node *) st;
}

/*
 * The foreign table is read with the user mapping of the role the planner
 * checks it as, kept in the plan as for a plain scan: the owner's of the
 * view it was named in, or the current user's.
 */
static void
begin_batch_join(CustomScanState *node, EState *estate, int eflags)
{
	BatchJoinState *st = (BatchJoinState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	List	   *priv = cscan->custom_private;
	int			member = intVal(list_nth(priv, BJ_INNER_MEMBER));
	RangeTblEntry *rte;
	Oid			userid;
	int			rti = -1;

	while ((rti = bms_next_member(cscan->custom_relids, rti)) >= 0 &&
		   member-- > 0)
		;
	if (rti <= 0)
		elog(ERROR, "range-table index of the foreign table not found");
	st->inner_rti = rti;
	rte = exec_rt_fetch(rti, estate);
	userid = (Oid) intVal(list_nth(priv, BJ_CHECK_AS_USER));
	if (!OidIsValid(userid))
		userid = GetUserId();

	st->outer = ExecInitNode(linitial(cscan->custom_plans), estate, eflags);
	node->custom_ps = list_make1(st->outer);
	st->outer_key = intVal(list_nth(priv, BJ_OUTER_KEY));
	st->scan_inner = list_nth(priv, BJ_SCAN_INNER);
	st->scan_attno = list_nth(priv, BJ_SCAN_ATTNO);
	st->whole_row = boolVal(list_nth(priv, BJ_WHOLE_ROW));
	st->jointype = intVal(list_nth(priv, BJ_JOINTYPE));
	if (cscan->custom_exprs != NIL)
		st->gate = ExecInitQual(cscan->custom_exprs, (PlanState *) node);

	st->rel = table_open(rte->relid, NoLock);
	st->scan = ds_scan_create(st->rel, userid,
							  list_nth(priv, BJ_RETRIEVED), st->whole_row);
	st->values = palloc(sizeof(Datum) * RelationGetDescr(st->rel)->natts);
	st->nulls = palloc(sizeof(bool) * RelationGetDescr(st->rel)->natts);
	st->outer_slot = MakeSingleTupleTableSlot(ExecGetResultType(st->outer),
											  &TTSOpsMinimalTuple);
	st->epq_slot = MakeSingleTupleTableSlot(RelationGetDescr(st->rel),
											&TTSOpsVirtual);
	st->batch_cxt = AllocSetContextCreate(estate->es_query_cxt,
										  "dynastore_fdw batch join",
										  ALLOCSET_DEFAULT_SIZES);
	st->first_batch = true;
}

/*
 * The pseudoconstant quals, once per (re)scan.  When they fail, an inner
 * join has no row at all, and the outer side is not even read.
 */
static bool
gate_passes(BatchJoinState *st)
{
	ExprContext *econtext = st->css.ss.ps.ps_ExprContext;

	if (st->gate == NULL)
		return true;
	if (!st->gate_checked)
	{
		ResetExprContext(econtext);
		st->gate_passed = ExecQual(st->gate, econtext);
		st->gate_checked = true;
	}
	return st->gate_passed;
}

/* The record as a value of the foreign table's row type. */
static Datum
whole_row_datum(BatchJoinState *st, Datum *values, bool *nulls)
{
	TupleDesc	tupdesc = RelationGetDescr(st->rel);

	return heap_copy_tuple_as_datum(heap_form_tuple(tupdesc, values, nulls),
									tupdesc);
}

static int
compare_inner(const void *a, const void *b)
{
	return strcmp(((const InnerRow *) a)->name, ((const InnerRow *) b)->name);
}

/*
 * Read a batch of outer rows, then their records with BatchGetItem.
 * Everything lives in the batch context, reset at the next batch.
 */
static void
load_batch(BatchJoinState *st)
{
	TupleDesc	tupdesc = RelationGetDescr(st->rel);
	MemoryContext oldcxt;
	List	   *names = NIL;
	int			limit = st->first_batch ? FIRST_BATCH_ROWS : BATCH_ROWS;
	int			i;

	MemoryContextReset(st->batch_cxt);
	st->nrows = 0;
	st->pos = 0;
	st->ninner = 0;
	st->first_batch = false;

	while (st->nrows < limit)
	{
		TupleTableSlot *slot;
		bool		isnull;
		Datum		key;

		CHECK_FOR_INTERRUPTS();
		slot = ExecProcNode(st->outer);
		if (TupIsNull(slot))
		{
			st->outer_done = true;
			break;
		}
		key = slot_getattr(slot, st->outer_key, &isnull);
		oldcxt = MemoryContextSwitchTo(st->batch_cxt);
		st->outer_rows[st->nrows] = ExecCopySlotMinimalTuple(slot);
		st->keys[st->nrows] = isnull ? NULL : TextDatumGetCString(key);
		if (!isnull)
			names = lappend(names, st->keys[st->nrows]);
		MemoryContextSwitchTo(oldcxt);
		st->nrows++;
	}

	/* at most one record a key; the scan asks for equal keys once */
	st->inner = MemoryContextAllocZero(st->batch_cxt,
									   sizeof(InnerRow) * (st->nrows + 1));

	if (names == NIL)
		return;
	ds_scan_batch(st->scan, names);
	while (ds_scan_next(st->scan, st->values, st->nulls))
	{
		InnerRow   *row = &st->inner[st->ninner++];

		oldcxt = MemoryContextSwitchTo(st->batch_cxt);
		row->name = ds_scan_item_name(st->scan);
		if (row->name == NULL)
			row->name = "";		/* matches no key: keys are never empty */
		row->values = palloc(sizeof(Datum) * tupdesc->natts);
		row->nulls = palloc(sizeof(bool) * tupdesc->natts);
		for (i = 0; i < tupdesc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(tupdesc, i);

			row->nulls[i] = st->nulls[i];
			row->values[i] = st->nulls[i] ? (Datum) 0 :
				datumCopy(st->values[i], att->attbyval, att->attlen);
		}
		if (st->whole_row)
			row->whole_row = whole_row_datum(st, row->values, row->nulls);
		MemoryContextSwitchTo(oldcxt);
	}
	qsort(st->inner, st->ninner, sizeof(InnerRow), compare_inner);
}

static InnerRow *
find_inner(BatchJoinState *st, const char *key)
{
	InnerRow	probe;

	if (key == NULL)
		return NULL;
	probe.name = (char *) key;
	return bsearch(&probe, st->inner, st->ninner, sizeof(InnerRow),
				   compare_inner);
}

/*
 * One scan tuple from an outer row (in outer_slot, all its attributes
 * fetched) and the foreign table's record, or nulls for it when inner is
 * NULL: values, nulls and the whole row, when used.
 */
static TupleTableSlot *
fill_scan_tuple(BatchJoinState *st, TupleTableSlot *outer_slot,
				Datum *values, bool *nulls, Datum whole_row)
{
	TupleTableSlot *slot = st->css.ss.ss_ScanTupleSlot;
	ListCell   *li;
	ListCell   *la;
	int			i = 0;

	ExecClearTuple(slot);
	forboth(li, st->scan_inner, la, st->scan_attno)
	{
		int			attno = lfirst_int(la);

		if (!lfirst_int(li))
		{
			slot->tts_values[i] = outer_slot->tts_values[attno - 1];
			slot->tts_isnull[i] = outer_slot->tts_isnull[attno - 1];
		}
		else if (values == NULL)
		{
			slot->tts_values[i] = (Datum) 0;
			slot->tts_isnull[i] = true;
		}
		else if (attno == InvalidAttrNumber)
		{
			slot->tts_values[i] = whole_row;
			slot->tts_isnull[i] = false;
		}
		else if (attno == TableOidAttributeNumber)
		{
			slot->tts_values[i] = ObjectIdGetDatum(RelationGetRelid(st->rel));
			slot->tts_isnull[i] = false;
		}
		else
		{
			slot->tts_values[i] = values[attno - 1];
			slot->tts_isnull[i] = nulls[attno - 1];
		}
		i++;
	}
	return ExecStoreVirtualTuple(slot);
}

/* The next joined row, before the join's conditions and projection. */
static TupleTableSlot *
next_joined_row(ScanState *ss)
{
	BatchJoinState *st = (BatchJoinState *) ss;

	if (!gate_passes(st))
		return ExecClearTuple(ss->ss_ScanTupleSlot);

	for (;;)
	{
		InnerRow   *inner;
		int			i;

		CHECK_FOR_INTERRUPTS();
		if (st->pos >= st->nrows)
		{
			if (st->outer_done)
				return ExecClearTuple(ss->ss_ScanTupleSlot);
			load_batch(st);
			continue;
		}

		i = st->pos++;
		inner = find_inner(st, st->keys[i]);
		if (inner == NULL && st->jointype == JOIN_INNER)
			continue;

		ExecStoreMinimalTuple(st->outer_rows[i], st->outer_slot, false);
		slot_getallattrs(st->outer_slot);
		if (inner)
			return fill_scan_tuple(st, st->outer_slot, inner->values,
								   inner->nulls, inner->whole_row);
		return fill_scan_tuple(st, st->outer_slot, NULL, NULL, (Datum) 0);
	}
}

/*
 * The foreign table's EPQ test row into st->epq_slot: the row the join
 * returned first, kept by its row mark.  False when there is none (it was
 * null-extended).
 */
static bool
fetch_epq_inner(BatchJoinState *st)
{
	EPQState   *epq = st->css.ss.ps.state->es_epq_active;
	Index		rti = st->inner_rti;

	ExecClearTuple(st->epq_slot);
	if (epq->relsubs_slot[rti - 1] != NULL)
	{
		if (TupIsNull(epq->relsubs_slot[rti - 1]))
			return false;
		ExecCopySlot(st->epq_slot, epq->relsubs_slot[rti - 1]);
		return true;
	}
	if (epq->relsubs_rowmark[rti - 1] != NULL)
		return EvalPlanQualFetchRowMark(epq, rti, st->epq_slot) &&
			!TupIsNull(st->epq_slot);
	return false;
}

/*
 * EvalPlanQual: a scan of a join stands in for the join, so it must form
 * the joined row from the rows under test and check the join itself.  The
 * outer plan returns its test row (at most one); the foreign table's is
 * the one the join read first.  They join when the outer key still equals
 * the record's name; ExecScan then applies the other quals.
 */
static bool
recheck_joined_row(ScanState *ss, TupleTableSlot *slot)
{
	BatchJoinState *st = (BatchJoinState *) ss;
	CustomScan *cscan = (CustomScan *) ss->ps.plan;
	TupleTableSlot *outer_slot;
	AttrNumber	name_attnum;
	bool		found;
	bool		isnull;
	Datum		key;
	Datum		name;
	bool		name_null;

	/* the name column is the first retrieved */
	name_attnum = linitial_int(list_nth(cscan->custom_private, BJ_RETRIEVED));
	if (!gate_passes(st))
		return false;
	outer_slot = ExecProcNode(st->outer);
	if (TupIsNull(outer_slot))
		return false;
	slot_getallattrs(outer_slot);

	found = fetch_epq_inner(st);
	if (found)
	{
		slot_getallattrs(st->epq_slot);
		key = slot_getattr(outer_slot, st->outer_key, &isnull);
		name = slot_getattr(st->epq_slot, name_attnum, &name_null);
		found = !isnull && !name_null &&
			DatumGetBool(DirectFunctionCall2Coll(texteq, C_COLLATION_OID,
												 key, name));
	}
	if (!found && st->jointype == JOIN_INNER)
		return false;
	if (!found)
		fill_scan_tuple(st, outer_slot, NULL, NULL, (Datum) 0);
	else
		fill_scan_tuple(st, outer_slot, st->epq_slot->tts_values,
						st->epq_slot->tts_isnull,
						st->whole_row ?
						whole_row_datum(st, st->epq_slot->tts_values,
										st->epq_slot->tts_isnull) :
						(Datum) 0);
	return true;
}

static TupleTableSlot *
exec_batch_join(CustomScanState *node)
{
	return ExecScan(&node->ss, next_joined_row, recheck_joined_row);
}

static void
end_batch_join(CustomScanState *node)
{
	BatchJoinState *st = (BatchJoinState *) node;

	ExecEndNode(st->outer);
	ExecDropSingleTupleTableSlot(st->outer_slot);
	ExecDropSingleTupleTableSlot(st->epq_slot);
	table_close(st->rel, NoLock);
}

static void
rescan_batch_join(CustomScanState *node)
{
	BatchJoinState *st = (BatchJoinState *) node;

	ExecReScan(st->outer);
	MemoryContextReset(st->batch_cxt);
	st->nrows = 0;
	st->pos = 0;
	st->ninner = 0;
	st->outer_done = false;
	st->first_batch = true;
	st->gate_checked = false;
}

static void
explain_batch_join(CustomScanState *node, List *ancestors, ExplainState *es)
{
	BatchJoinState *st = (BatchJoinState *) node;
	Plan	   *outer_plan = st->outer->plan;
	DsTableOptions *opts = ds_scan_options(st->scan);
	TargetEntry *tle = get_tle_by_resno(outer_plan->targetlist, st->outer_key);
	List	   *ctx;
	char	   *key;

	ctx = set_deparse_context_plan(es->deparse_cxt, outer_plan, ancestors);
	key = deparse_expression((Node *) tle->expr, ctx, true, false);

	ExplainPropertyText("DynamoDB Operation", "BatchGetItem", es);
	ExplainPropertyText("DynamoDB Table", opts->table, es);
	ExplainPropertyText("Key Condition",
						psprintf("id = %s AND name = %s",
								 quote_literal_cstr(opts->partition), key),
						es);
	ExplainPropertyInteger("Keys per Request", NULL, DDB_MAX_BATCH_GET_KEYS,
						   es);
	if (((CustomScan *) node->ss.ps.plan)->custom_exprs != NIL)
	{
		List	   *gating = ((CustomScan *) node->ss.ps.plan)->custom_exprs;

		ctx = set_deparse_context_plan(es->deparse_cxt, node->ss.ps.plan,
									   ancestors);
		ExplainPropertyText("One-Time Filter",
							deparse_expression((Node *) make_ands_explicit(gating),
											   ctx, true, false),
							es);
	}
	if (es->analyze)
		ds_scan_explain_counts(st->scan, es);
}
