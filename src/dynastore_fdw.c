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

#include <math.h>

#include "access/stratnum.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "foreign/fdwapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/pg_locale.h"
#include "utils/rel.h"

#include "analyze.h"
#include "attr_value.h"
#include "ddb_table.h"
#include "dynastore_fdw.h"
#include "estimate.h"
#include "import.h"
#include "modify.h"
#include "option.h"
#include "pushdown.h"
#include "scan.h"
#include "upper.h"
#include "txn_writes.h"
#include "write_buffer.h"

/* 18 lets a library name itself and its version (pg_get_loaded_modules) */
#ifdef PG_MODULE_MAGIC_EXT
PG_MODULE_MAGIC_EXT(.name = "dynastore_fdw", .version = DYNASTORE_FDW_VERSION);
#else
PG_MODULE_MAGIC;
#endif

void		_PG_init(void);

/*
 * Offer the batched key join to the planner, tell it what a partition
 * without statistics holds, and send each statement's writes when it has
 * finished.
 */
void
_PG_init(void)
{
	ds_batch_join_init();
	ds_estimate_init();
	ds_write_buffer_init();
	ds_txn_init();
}


/* One way of reading the foreign table: a DynamoDB operation and its keys. */
typedef struct DsAccess
{
	DdbOperation op;
	const DdbIndex *index;		/* NULL: the table itself */
	List	   *conds;			/* DsKeyQual *: hash key, then range key */
	bool		filter_partition;	/* a GSI read of a partition table */
	const char *sort_attribute; /* the order items come in, or NULL */
	bool		forward;
	int			limit;
	double		items;			/* estimated items read */
	double		requests;		/* estimated requests */
} DsAccess;

typedef struct DsRelInfo
{
	DsTableOptions *opts;
	Bitmapset  *attrs_used;		/* columns the query reads */
	List	   *key_columns;	/* DsKeyColumn *: text columns */
	List	   *key_quals;		/* DsKeyQual * of the restriction quals */
	const char *hash_key;		/* the table's key attributes */
	const char *range_key;
	DdbTableSchema *schema;		/* NULL when no index could serve */
	double		items_per_page; /* items a request returns, reading many */
} DsRelInfo;

static void dsGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
								Oid foreigntableid);
static void dsGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
							  Oid foreigntableid);
static ForeignScan *dsGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
									 Oid foreigntableid, ForeignPath *best_path,
									 List *tlist, List *scan_clauses,
									 Plan *outer_plan);
static void dsBeginForeignScan(ForeignScanState *node, int eflags);
static TupleTableSlot *dsIterateForeignScan(ForeignScanState *node);
static void dsExplainForeignScan(ForeignScanState *node, ExplainState *es);

PG_FUNCTION_INFO_V1(dynastore_fdw_handler);

Datum
dynastore_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	routine->GetForeignRelSize = dsGetForeignRelSize;
	routine->GetForeignPaths = dsGetForeignPaths;
	routine->GetForeignPlan = dsGetForeignPlan;
	routine->GetForeignUpperPaths = ds_get_upper_paths;
	routine->BeginForeignScan = dsBeginForeignScan;
	routine->IterateForeignScan = dsIterateForeignScan;
	routine->ReScanForeignScan = ds_rescan;
	routine->EndForeignScan = ds_end_scan;
	routine->ExplainForeignScan = dsExplainForeignScan;
	routine->AnalyzeForeignTable = ds_analyze_table;

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

	routine->ImportForeignSchema = ds_import_foreign_schema;

	PG_RETURN_POINTER(routine);
}

/* A scan reads a foreign table (scan.c) or counts its records (upper.c). */
static void
dsBeginForeignScan(ForeignScanState *node, int eflags)
{
	if (ds_is_count_scan(node))
		ds_count_begin(node, eflags);
	else
		ds_begin_scan(node, eflags);
}

static TupleTableSlot *
dsIterateForeignScan(ForeignScanState *node)
{
	if (ds_is_count_scan(node))
		return ds_count_iterate(node);
	return ds_iterate_scan(node);
}

static void
dsExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	if (ds_is_count_scan(node))
		ds_count_explain(node, es);
	else
		ds_explain_scan(node, es);
}

/*
 * Gather what planning needs: the options, the text columns that can be
 * keys, the quals on them, and (only when a qual could use one) the
 * table's indexes.  Estimate the rows.
 */
static void
dsGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
					Oid foreigntableid)
{
	DsRelInfo  *info = palloc0(sizeof(DsRelInfo));
	Oid			userid = OidIsValid(baserel->userid) ?
		baserel->userid : GetUserId();
	Relation	rel;
	TupleDesc	tupdesc;
	ListCell   *lc;
	bool		need_schema = false;
	DdbTableSchema *schema;
	int			i;

	/*
	 * Planning looks up the user mapping and may ask DynamoDB about the
	 * table: not before the privileges the executor will check, so that a
	 * role without them learns nothing but that.
	 */
	ds_check_rte_permissions(root, planner_rt_fetch(baserel->relid, root));

	baserel->fdw_private = info;
	info->opts = ds_get_table_options(foreigntableid, userid);
	info->hash_key = "id";
	info->range_key = "name";

	pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid,
				   &info->attrs_used);
	foreach(lc, baserel->baserestrictinfo)
		pull_varattnos((Node *) ((RestrictInfo *) lfirst(lc))->clause,
					   baserel->relid, &info->attrs_used);

	/* text columns can carry key conditions: name, id, index keys */
	rel = table_open(foreigntableid, NoLock);
	tupdesc = RelationGetDescr(rel);
	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		DsColumn	col;
		DsKeyColumn *kc;

		if (att->attisdropped)
			continue;
		attr_column_init(&col, foreigntableid, att->attnum,
						 NameStr(att->attname), att->atttypid,
						 att->atttypmod);
		if (col.role == DS_ROLE_FIELDS || col.role == DS_ROLE_VALUE ||
			col.role == DS_ROLE_VERSION || col.role == DS_ROLE_EXPIRES)
			continue;
		if (col.role == DS_ROLE_ID && info->opts->partition)
			continue;
		if (getBaseType(att->atttypid) != TEXTOID &&
			getBaseType(att->atttypid) != VARCHAROID)
			continue;
		kc = palloc(sizeof(DsKeyColumn));
		kc->attnum = att->attnum;
		kc->attribute = col.attribute;
		info->key_columns = lappend(info->key_columns, kc);
	}
	table_close(rel, NoLock);

	foreach(lc, baserel->baserestrictinfo)
	{
		DsKeyQual  *kq = ds_key_qual(root, baserel, lfirst(lc),
									 info->key_columns);

		if (kq == NULL)
			continue;
		info->key_quals = lappend(info->key_quals, kq);
		if (strcmp(kq->attribute, info->hash_key) != 0 &&
			strcmp(kq->attribute, info->range_key) != 0)
			need_schema = true;
	}
	/*
	 * The table's key is checked once per backend, and its indexes are
	 * kept, when a qual could use them.
	 */
	if (!(need_schema || (info->opts->partition == NULL &&
						  info->key_quals == NIL && baserel->joininfo != NIL)))
		schema = ddb_table_schema(&info->opts->aws, info->opts->table, false);
	else
		schema = info->schema = ddb_table_schema(&info->opts->aws,
												 info->opts->table, true);
	info->items_per_page = ds_estimate_items_per_page(info->opts, schema);

	/*
	 * rows: from ANALYZE, else the estimated_rows option, else what
	 * estimate.c assumes of a table never analyzed
	 */
	if (baserel->tuples < 0)
		baserel->tuples = info->opts->estimated_rows >= 0 ?
			info->opts->estimated_rows :
			ds_estimate_tuples(info->opts, schema);
	baserel->rows = clamp_row_est(baserel->tuples *
								  clauselist_selectivity(root,
														 baserel->baserestrictinfo,
														 0, JOIN_INNER, NULL));
}

/* The first condition on attribute with operator op, or NULL. */
static DsKeyQual *
find_cond(List *quals, const char *attribute, DdbCondOp op, bool is_array)
{
	ListCell   *lc;

	foreach(lc, quals)
	{
		DsKeyQual  *kq = lfirst(lc);

		if (kq->op == op && kq->is_array == is_array &&
			strcmp(kq->attribute, attribute) == 0)
			return kq;
	}
	return NULL;
}

/*
 * The best single condition on a range key: DynamoDB takes one.  Equality,
 * then BETWEEN (from >= and <=), then a prefix, then one bound.
 */
static DsKeyQual *
range_cond(List *quals, const char *attribute)
{
	DsKeyQual  *kq;
	DsKeyQual  *lo;
	DsKeyQual  *hi;
	static const DdbCondOp bounds[] = {DDB_COND_GE, DDB_COND_GT,
	DDB_COND_LE, DDB_COND_LT};
	int			i;

	if (attribute == NULL)
		return NULL;
	if ((kq = find_cond(quals, attribute, DDB_COND_EQ, false)) != NULL)
		return kq;
	lo = find_cond(quals, attribute, DDB_COND_GE, false);
	hi = find_cond(quals, attribute, DDB_COND_LE, false);
	if (lo && hi)
	{
		kq = palloc(sizeof(DsKeyQual));
		*kq = *lo;
		kq->op = DDB_COND_BETWEEN;
		kq->arg2 = hi->arg;
		kq->rinfo = NULL;		/* two quals; see exactly_pushed() */
		return kq;
	}
	if ((kq = find_cond(quals, attribute, DDB_COND_BEGINS_WITH, false)) != NULL)
		return kq;
	for (i = 0; i < lengthof(bounds); i++)
		if ((kq = find_cond(quals, attribute, bounds[i], false)) != NULL)
			return kq;
	return NULL;
}

static double
quals_selectivity(PlannerInfo *root, List *conds)
{
	List	   *clauses = NIL;
	ListCell   *lc;

	foreach(lc, conds)
	{
		DsKeyQual  *kq = lfirst(lc);

		if (kq->rinfo)
			clauses = lappend(clauses, kq->rinfo);
	}
	return clauselist_selectivity(root, clauses, 0, JOIN_INNER, NULL);
}

static double
array_length_estimate(Expr *arg)
{
	if (IsA(arg, Const) && !((Const *) arg)->constisnull)
	{
		ArrayType  *arr = DatumGetArrayTypeP(((Const *) arg)->constvalue);

		return ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	}
	return 10;
}

static DsAccess *
new_access(DdbOperation op, const DdbIndex *index, List *conds)
{
	DsAccess   *a = palloc0(sizeof(DsAccess));

	a->op = op;
	a->index = index;
	a->conds = conds;
	a->forward = true;
	return a;
}

/* Items and requests of a Query returning the rows of its conditions. */
static void
estimate_query(PlannerInfo *root, RelOptInfo *baserel, DsAccess *a,
			   double partitions)
{
	DsRelInfo  *info = baserel->fdw_private;

	a->items = Max(1, Max(baserel->tuples, 1) *
				   quals_selectivity(root, a->conds));
	a->requests = Max(partitions, ceil(a->items / info->items_per_page));
}

/*
 * The DynamoDB requests that return every row the quals can accept, from
 * key conditions on the table and its indexes; the planner keeps the
 * cheapest.  A lookup of one key is always best and comes alone; a Scan
 * of the whole table only when nothing narrower exists.
 */
static List *
candidate_accesses(PlannerInfo *root, RelOptInfo *baserel, DsRelInfo *info,
				   List *quals)
{
	List	   *result = NIL;
	const char *partition = info->opts->partition;
	DsKeyQual  *hash = NULL;
	DsKeyQual  *hash_in = NULL;
	DsKeyQual  *kq;
	DsAccess   *a;
	int			i;

	if (partition == NULL)
	{
		hash = find_cond(quals, info->hash_key, DDB_COND_EQ, false);
		hash_in = find_cond(quals, info->hash_key, DDB_COND_EQ, true);
	}

	if (partition || hash)
	{
		/* one partition: GetItem, BatchGetItem or a Query */
		List	   *prefix = hash ? list_make1(hash) : NIL;

		if ((kq = find_cond(quals, info->range_key, DDB_COND_EQ, false)))
		{
			a = new_access(DDB_GET_ITEM, NULL, lappend(prefix, kq));
			a->items = 1;
			a->requests = 1;
			return list_make1(a);
		}
		if ((kq = find_cond(quals, info->range_key, DDB_COND_EQ, true)))
		{
			a = new_access(DDB_BATCH_GET_ITEM, NULL,
						   lappend(list_copy(prefix), kq));
			a->items = array_length_estimate(kq->arg);
			a->requests = ceil(a->items / DDB_MAX_BATCH_GET_KEYS);
			result = lappend(result, a);
		}

		kq = range_cond(quals, info->range_key);
		a = new_access(DDB_QUERY, NULL,
					   kq ? lappend(list_copy(prefix), kq) : prefix);
		a->sort_attribute = info->range_key;
		estimate_query(root, baserel, a, 1);
		result = lappend(result, a);

		/* local indexes on other sort keys */
		for (i = 0; info->schema && i < info->schema->nindexes; i++)
		{
			const DdbIndex *idx = &info->schema->indexes[i];

			if (idx->global || !idx->projects_all || idx->range_key == NULL ||
				strcmp(idx->hash_key, info->hash_key) != 0)
				continue;
			if ((kq = range_cond(quals, idx->range_key)) == NULL)
				continue;
			a = new_access(DDB_QUERY, idx, lappend(list_copy(prefix), kq));
			a->sort_attribute = idx->range_key;
			estimate_query(root, baserel, a, 1);
			result = lappend(result, a);
		}
	}

	/* global indexes answer equality on their hash key */
	for (i = 0; info->schema && i < info->schema->nindexes; i++)
	{
		const DdbIndex *idx = &info->schema->indexes[i];
		DsKeyQual  *range;

		if (!idx->global || !idx->projects_all)
			continue;
		if ((kq = find_cond(quals, idx->hash_key, DDB_COND_EQ, false)) == NULL)
			continue;
		/*
		 * Items without the index's range key are not in the index, so only
		 * a condition on it (which they fail) lets the index answer.
		 */
		range = range_cond(quals, idx->range_key);
		if (idx->range_key && range == NULL)
			continue;
		a = new_access(DDB_QUERY, idx,
					   range ? list_make2(kq, range) : list_make1(kq));
		a->filter_partition = (partition != NULL);
		a->sort_attribute = idx->range_key;
		estimate_query(root, baserel, a, 1);
		result = lappend(result, a);
	}

	/* several partitions: one Query each */
	if (hash_in && !hash)
	{
		DsKeyQual  *range = range_cond(quals, info->range_key);

		a = new_access(DDB_QUERY, NULL,
					   range ? list_make2(hash_in, range) : list_make1(hash_in));
		estimate_query(root, baserel, a, array_length_estimate(hash_in->arg));
		result = lappend(result, a);
	}

	/* nothing narrower: the whole table */
	if (result == NIL)
	{
		a = new_access(DDB_SCAN, NULL, NIL);
		a->items = Max(baserel->tuples, 1);
		a->requests = Max(1, ceil(a->items / info->items_per_page));
		result = lappend(result, a);
	}
	return result;
}

/*
 * Requests dominate: a round trip costs as much as reading two thousand
 * items.  A Scan that allow_scan forbids is kept as a path of last resort,
 * refused if the planner picks it anyway.
 */
static void
cost_access(RelOptInfo *baserel, DsAccess *a, Cost *startup, Cost *total)
{
	DsRelInfo  *info = baserel->fdw_private;

	*startup = DS_REQUEST_COST;
	*total = a->requests * DS_REQUEST_COST + a->items * DS_ITEM_COST +
		a->items * (cpu_tuple_cost + baserel->baserestrictcost.per_tuple);
	if (a->op == DDB_SCAN && !info->opts->allow_scan)
		*total += disable_cost;
}

/*
 * Does the query want rows in the order the access returns them?  Only
 * under a collation that orders like DynamoDB (bytes of UTF-8).
 */
static bool
access_matches_order(PlannerInfo *root, RelOptInfo *baserel, DsRelInfo *info,
					 DsAccess *a, bool *forward)
{
	PathKey    *pk;
	EquivalenceClass *ec;
	ListCell   *lc;

	if (a->sort_attribute == NULL || list_length(root->query_pathkeys) != 1)
		return false;
	pk = linitial(root->query_pathkeys);
	ec = pk->pk_eclass;
	if (pk->pk_opfamily != TEXT_BTREE_FAM_OID ||
		!lc_collate_is_c(ec->ec_collation) ||
		GetDatabaseEncoding() != PG_UTF8)
		return false;
	foreach(lc, ec->ec_members)
	{
		EquivalenceMember *em = lfirst(lc);
		Expr	   *e = em->em_expr;
		ListCell   *kl;

		if (IsA(e, RelabelType))
			e = ((RelabelType *) e)->arg;
		if (!IsA(e, Var) || ((Var *) e)->varno != baserel->relid)
			continue;
		foreach(kl, info->key_columns)
		{
			DsKeyColumn *kc = lfirst(kl);

			if (kc->attnum == ((Var *) e)->varattno &&
				strcmp(kc->attribute, a->sort_attribute) == 0)
			{
#if PG_VERSION_NUM >= 180000
				*forward = (pk->pk_cmptype == COMPARE_LT);	/* 18: CompareType */
#else
				*forward = (pk->pk_strategy == BTLessStrategyNumber);
#endif
				return true;
			}
		}
	}
	return false;
}

/* Is this restriction enforced exactly by the access's key conditions? */
static bool
exactly_pushed(PlannerInfo *root, RelOptInfo *baserel, DsRelInfo *info,
			   DsAccess *a, RestrictInfo *rinfo)
{
	DsKeyQual  *kq = ds_key_qual(root, baserel, rinfo, info->key_columns);
	ListCell   *lc;

	if (kq == NULL || !kq->exact)
		return false;
	foreach(lc, a->conds)
	{
		DsKeyQual  *c = lfirst(lc);

		if (!c->exact || strcmp(c->attribute, kq->attribute) != 0)
			continue;
		if (c->op == DDB_COND_BETWEEN)
		{
			if ((kq->op == DDB_COND_GE && equal(kq->arg, c->arg)) ||
				(kq->op == DDB_COND_LE && equal(kq->arg, c->arg2)))
				return true;
		}
		else if (c->op == kq->op && c->is_array == kq->is_array &&
				 equal(c->arg, kq->arg))
			return true;
	}
	return false;
}

/* For generate_implied_equalities_for_column: is em our key column? */
static bool
key_column_matches(PlannerInfo *root, RelOptInfo *rel,
				   EquivalenceClass *ec, EquivalenceMember *em, void *arg)
{
	DsKeyColumn *kc = arg;
	Expr	   *e = em->em_expr;

	if (IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	return IsA(e, Var) && ((Var *) e)->varno == rel->relid &&
		((Var *) e)->varattno == kc->attnum;
}

static void
add_access_path(PlannerInfo *root, RelOptInfo *baserel, DsAccess *a,
				double rows, List *pathkeys, Relids required_outer)
{
	Cost		startup;
	Cost		total;

	cost_access(baserel, a, &startup, &total);

	/*
	 * 17 added fdw_restrictinfo, 18 disabled_nodes: none of our paths
	 * restricts a join or is disabled by an enable_* setting.
	 */
#if PG_VERSION_NUM >= 180000
	add_path(baserel, (Path *)
			 create_foreignscan_path(root, baserel, NULL, rows, 0, startup,
									 total, pathkeys, required_outer, NULL,
									 NIL, list_make1(a)));
#elif PG_VERSION_NUM >= 170000
	add_path(baserel, (Path *)
			 create_foreignscan_path(root, baserel, NULL, rows, startup, total,
									 pathkeys, required_outer, NULL, NIL,
									 list_make1(a)));
#else
	add_path(baserel, (Path *)
			 create_foreignscan_path(root, baserel, NULL, rows, startup, total,
									 pathkeys, required_outer, NULL,
									 list_make1(a)));
#endif
}

/*
 * A path that reads by key for each row of the other relations that a
 * join clause (key = their expression) names: the inner side of a nested
 * loop.
 */
static void
add_param_path(PlannerInfo *root, RelOptInfo *baserel, DsRelInfo *info,
			   RestrictInfo *rinfo)
{
	DsKeyQual  *kq = ds_key_qual(root, baserel, rinfo, info->key_columns);
	Relids		outer;
	DsAccess   *a;
	ParamPathInfo *ppi;

	if (kq == NULL || kq->op != DDB_COND_EQ || kq->is_array)
		return;
	outer = bms_difference(rinfo->clause_relids,
						   bms_make_singleton(baserel->relid));
	if (bms_is_empty(outer) ||
		bms_overlap(outer, baserel->lateral_referencers))
		return;
	a = linitial(candidate_accesses(root, baserel, info,
									lappend(list_copy(info->key_quals), kq)));
	if (a->op != DDB_GET_ITEM &&
		!(a->op == DDB_QUERY && list_member_ptr(a->conds, kq)))
		return;
	ppi = get_baserel_parampathinfo(root, baserel, outer);
	add_access_path(root, baserel, a, ppi->ppi_rows, NIL, outer);
}

/*
 * A path for the restriction quals, one in the query's order when the
 * access can give it, and parameterized paths that read by key for each
 * row of another relation (the inner side of a nested loop).
 */
static void
dsGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	DsRelInfo  *info = baserel->fdw_private;
	bool		alone = bms_membership(root->all_baserels) == BMS_SINGLETON;
	ListCell   *lc;

	foreach(lc, candidate_accesses(root, baserel, info, info->key_quals))
	{
		DsAccess   *a = lfirst(lc);
		bool		all_pushed = true;
		bool		forward;
		ListCell   *rc;

		foreach(rc, baserel->baserestrictinfo)
			if (!exactly_pushed(root, baserel, info, a, lfirst(rc)))
				all_pushed = false;

		/*
		 * With LIMIT and every qual answered by DynamoDB, a page need hold
		 * no more items than the query wants.
		 */
		if (a->op == DDB_QUERY && all_pushed && alone &&
			root->limit_tuples > 0 && root->query_pathkeys == NIL)
			a->limit = (int) Min(root->limit_tuples, 1000);
		add_access_path(root, baserel, a, baserel->rows, NIL,
						baserel->lateral_relids);

		/* the same Query in the order the query wants, when it can */
		if (a->op == DDB_QUERY &&
			!(a->conds && ((DsKeyQual *) linitial(a->conds))->is_array) &&
			access_matches_order(root, baserel, info, a, &forward))
		{
			DsAccess   *ordered = palloc(sizeof(DsAccess));

			*ordered = *a;
			ordered->forward = forward;
			if (all_pushed && alone && root->limit_tuples > 0)
			{
				ordered->limit = (int) Min(root->limit_tuples, 1000);
				ordered->items = Min(ordered->items, ordered->limit);
				ordered->requests = 1;
			}
			add_access_path(root, baserel, ordered, baserel->rows,
							root->query_pathkeys, baserel->lateral_relids);
		}
	}

	/* key lookups driven by the rows of other relations */
	foreach(lc, baserel->joininfo)
		add_param_path(root, baserel, info, lfirst(lc));

	/* equality with another relation's column through an equivalence class */
	foreach(lc, info->key_columns)
	{
		ListCell   *cl;

		if (!baserel->has_eclass_joins)
			break;
		foreach(cl, generate_implied_equalities_for_column(root, baserel,
														   key_column_matches,
														   lfirst(lc), NULL))
			add_param_path(root, baserel, info, lfirst(cl));
	}
}

/*
 * The plan's description of an access to baserel (fdw_private, laid out
 * as scan.h says) and the values of its key conditions (fdw_exprs).
 */
static List *
access_private(PlannerInfo *root, RelOptInfo *baserel, DsAccess *a,
			   List *pathkeys, List **exprs)
{
	DsRelInfo  *info = baserel->fdw_private;
	List	   *retrieved = NIL;
	List	   *conds = NIL;
	List	   *priv;
	bool		whole_row;
	ListCell   *lc;
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

	*exprs = NIL;
	foreach(lc, a->conds)
	{
		DsKeyQual  *kq = lfirst(lc);
		int			arg2 = -1;

		*exprs = lappend(*exprs, kq->arg);
		if (kq->arg2)
		{
			*exprs = lappend(*exprs, kq->arg2);
			arg2 = list_length(*exprs) - 1;
		}
		conds = lappend(conds,
						list_make5(makeString(pstrdup(kq->attribute)),
								   makeInteger(kq->op),
								   makeInteger(list_length(*exprs) - 1 -
											   (arg2 >= 0 ? 1 : 0)),
								   makeInteger(arg2),
								   makeBoolean(kq->is_array)));
	}

	priv = list_make5(retrieved, makeBoolean(whole_row), makeInteger(a->op),
					  makeString(a->index ? pstrdup(a->index->name) : ""),
					  makeBoolean(a->index && a->index->global));
	priv = lappend(priv, conds);
	priv = lappend(priv, makeBoolean(a->filter_partition));
	priv = lappend(priv, makeBoolean(a->forward));
	priv = lappend(priv, makeInteger(a->limit));
	priv = lappend(priv,
				   makeBoolean((root->parse->commandType == CMD_UPDATE ||
								root->parse->commandType == CMD_DELETE) &&
							   root->parse->resultRelation == baserel->relid));
	/* the key a Query's items come in order of, when the plan relies on it */
	priv = lappend(priv,
				   makeString(pathkeys != NIL && a->sort_attribute ?
							  pstrdup(a->sort_attribute) : ""));
	return priv;
}

/*
 * Serialize the chosen access into the plan.  The quals it answers are not
 * evaluated again, except by EvalPlanQual (fdw_recheck_quals).  A count
 * pushed down (an upper relation) is upper.c's.
 */
static ForeignScan *
dsGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
				 ForeignPath *best_path, List *tlist, List *scan_clauses,
				 Plan *outer_plan)
{
	DsRelInfo  *info;
	DsAccess   *a;
	List	   *local = NIL;
	List	   *recheck = NIL;
	List	   *exprs;
	List	   *priv;
	ListCell   *lc;

	if (IS_UPPER_REL(baserel))
		return ds_count_plan(root, baserel, best_path, tlist);

	info = baserel->fdw_private;
	a = linitial(best_path->fdw_private);
	if (a->op == DDB_SCAN && !info->opts->allow_scan)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("query on foreign table \"%s\" would scan the whole DynamoDB table \"%s\"",
						get_rel_name(foreigntableid), info->opts->table),
				 errdetail("The foreign table has allow_scan set to false."),
				 errhint("Add a condition on id, name or an index key, or set the option allow_scan to true.")));

	foreach(lc, scan_clauses)
	{
		RestrictInfo *rinfo = lfirst(lc);

		if (rinfo->pseudoconstant)
			continue;
		if (!exactly_pushed(root, baserel, info, a, rinfo))
			local = lappend(local, rinfo->clause);
		else
			recheck = lappend(recheck, rinfo->clause);
	}

	priv = access_private(root, baserel, a, best_path->path.pathkeys, &exprs);

	/*
	 * EvalPlanQual rechecks a row of the scan against what DynamoDB decided
	 * too: after a concurrent update, the row of another relation that a
	 * key condition named may no longer match.
	 */
	return make_foreignscan(tlist, local, baserel->relid, exprs, priv,
							NIL, recheck, outer_plan);
}

/*
 * For a count pushed down (upper.c): the cheapest read of baserel, as a
 * Query or Scan, whose key conditions answer every restriction exactly,
 * so that counting its items is counting the rows.  False when there is
 * none.  *requests is its estimate; *priv and *exprs its plan's
 * fdw_private and fdw_exprs.
 */
bool
ds_exact_read(PlannerInfo *root, RelOptInfo *baserel, double *requests,
			  List **priv, List **exprs)
{
	DsRelInfo  *info = baserel->fdw_private;
	DsAccess   *best = NULL;
	ListCell   *lc;

	foreach(lc, candidate_accesses(root, baserel, info, info->key_quals))
	{
		DsAccess   *a = lfirst(lc);
		bool		all_pushed = true;
		ListCell   *rc;

		if (a->op != DDB_QUERY && a->op != DDB_SCAN)
			continue;
		if (a->op == DDB_SCAN && !info->opts->allow_scan)
			continue;
		foreach(rc, baserel->baserestrictinfo)
			if (!exactly_pushed(root, baserel, info, a, lfirst(rc)))
				all_pushed = false;
		if (all_pushed && (best == NULL || a->requests < best->requests))
			best = a;
	}
	if (best == NULL)
		return false;
	*requests = best->requests;
	*priv = access_private(root, baserel, best, NIL, exprs);
	return true;
}

/* Is rel a foreign table of this wrapper, planned by the functions above? */
bool
ds_is_dynastore_rel(RelOptInfo *rel)
{
	return rel->reloptkind == RELOPT_BASEREL && rel->fdwroutine != NULL &&
		rel->fdwroutine->GetForeignRelSize == dsGetForeignRelSize &&
		rel->fdw_private != NULL;
}

/*
 * The equality of a partition's key (name) with an expression of other
 * relations that a join clause states, or NULL.  *attnum is the name
 * column.
 */
DsKeyQual *
ds_join_key_qual(PlannerInfo *root, RelOptInfo *rel, RestrictInfo *rinfo,
				 AttrNumber *attnum)
{
	DsRelInfo  *info = rel->fdw_private;
	DsKeyQual  *kq;
	ListCell   *lc;

	if (info->opts->partition == NULL)
		return NULL;
	kq = ds_key_qual(root, rel, rinfo, info->key_columns);
	if (kq == NULL || kq->op != DDB_COND_EQ || kq->is_array ||
		strcmp(kq->attribute, info->range_key) != 0)
		return NULL;
	foreach(lc, info->key_columns)
	{
		DsKeyColumn *kc = lfirst(lc);

		if (strcmp(kc->attribute, info->range_key) == 0)
			*attnum = kc->attnum;
	}
	return kq;
}

/*
 * The attnum of a partition's key column (name), unique in the partition,
 * or InvalidAttrNumber: a table spanning partitions has no unique column.
 */
AttrNumber
ds_rel_key_attnum(RelOptInfo *rel)
{
	DsRelInfo  *info = rel->fdw_private;
	ListCell   *lc;

	if (info->opts->partition == NULL)
		return InvalidAttrNumber;
	foreach(lc, info->key_columns)
	{
		DsKeyColumn *kc = lfirst(lc);

		if (strcmp(kc->attribute, info->range_key) == 0)
			return kc->attnum;
	}
	return InvalidAttrNumber;
}
