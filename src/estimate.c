/*-------------------------------------------------------------------------
 *
 * estimate.c
 *		What the planner assumes of a foreign table without statistics.
 *
 * Foreign tables are never analyzed by autovacuum, so most partitions are
 * planned without statistics.  A wrong guess is not symmetric: planning a
 * large partition as small makes a join read all of it (twenty requests
 * and 20,000 items where a batched key join needs two requests), while
 * planning a small one as large costs at most a request or two more than
 * needed.  So a partition never analyzed is assumed large: at least
 * DS_UNANALYZED_ROWS rows, or DescribeTable's ItemCount when that is more,
 * since how the table's items spread over its partitions is unknowable
 * and any one partition may hold nearly all of them.  ANALYZE, or the
 * table option estimated_rows, replaces the guess.
 *
 * The key of a partition (name) is unique in it, which the planner cannot
 * know without statistics: it would take a join of 200 keys with a large
 * partition to return thousands of rows.  A get_relation_stats_hook says
 * so, for that column only and only while ANALYZE has not spoken.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/selfuncs.h"
#include "utils/syscache.h"

#include "dynastore_fdw.h"
#include "estimate.h"

static get_relation_stats_hook_type prev_relation_stats_hook = NULL;

/*
 * The rows of a foreign table that ANALYZE never read and whose
 * estimated_rows is not set.  DynamoDB's ItemCount counts the whole table,
 * is updated about every six hours and is 0 for a new table.
 */
double
ds_estimate_tuples(const DsTableOptions *opts, const DdbTableSchema *schema)
{
	double		rows = DS_UNANALYZED_ROWS;

	if (schema && schema->item_count > rows)
		rows = schema->item_count;
	return rows;
}

/*
 * The items one request returns when reading many: DynamoDB stops a page
 * at 1 MB of items read (before projection), so the table's mean item
 * size (TableSizeBytes / ItemCount) decides it; page_size caps it.
 */
double
ds_estimate_items_per_page(const DsTableOptions *opts,
						   const DdbTableSchema *schema)
{
	double		per_page = DS_ITEMS_PER_PAGE;

	if (schema && schema->item_count >= 1 && schema->table_size_bytes > 0)
		per_page = Max(1.0, floor(DS_PAGE_BYTES * schema->item_count /
								  schema->table_size_bytes));
	if (opts->page_size > 0)
		per_page = Min(per_page, (double) opts->page_size);
	return per_page;
}

/*
 * Statistics of a partition's key column that ANALYZE never gathered:
 * no nulls, every value distinct.  Any other column, and any column that
 * has statistics, is left to PostgreSQL.
 */
static bool
key_column_stats(PlannerInfo *root, RangeTblEntry *rte, AttrNumber attnum,
				 VariableStatData *vardata)
{
	Relation	sd;
	Datum		values[Natts_pg_statistic];
	bool		nulls[Natts_pg_statistic];
	int			i;

	if (prev_relation_stats_hook &&
		prev_relation_stats_hook(root, rte, attnum, vardata))
		return true;

	if (rte->rtekind != RTE_RELATION || vardata->rel == NULL ||
		!ds_is_dynastore_rel(vardata->rel) ||
		ds_rel_key_attnum(vardata->rel) != attnum || attnum <= 0)
		return false;
	if (SearchSysCacheExists3(STATRELATTINH, ObjectIdGetDatum(rte->relid),
							  Int16GetDatum(attnum),
							  BoolGetDatum(rte->inh)))
		return false;

	memset(values, 0, sizeof(values));
	memset(nulls, false, sizeof(nulls));
	values[Anum_pg_statistic_starelid - 1] = ObjectIdGetDatum(rte->relid);
	values[Anum_pg_statistic_staattnum - 1] = Int16GetDatum(attnum);
	values[Anum_pg_statistic_stainherit - 1] = BoolGetDatum(rte->inh);
	values[Anum_pg_statistic_stanullfrac - 1] = Float4GetDatum(0.0);
	values[Anum_pg_statistic_stawidth - 1] =
		Int32GetDatum(get_typavgwidth(TEXTOID, -1));
	values[Anum_pg_statistic_stadistinct - 1] = Float4GetDatum(-1.0);
	for (i = 0; i < STATISTIC_NUM_SLOTS; i++)
	{
		/* no slot: no most common values, no histogram */
		values[Anum_pg_statistic_stakind1 - 1 + i] = Int16GetDatum(0);
		values[Anum_pg_statistic_staop1 - 1 + i] = ObjectIdGetDatum(InvalidOid);
		values[Anum_pg_statistic_stacoll1 - 1 + i] = ObjectIdGetDatum(InvalidOid);
		nulls[Anum_pg_statistic_stanumbers1 - 1 + i] = true;
		nulls[Anum_pg_statistic_stavalues1 - 1 + i] = true;
	}

	sd = table_open(StatisticRelationId, AccessShareLock);
	vardata->statsTuple = heap_form_tuple(RelationGetDescr(sd), values, nulls);
	table_close(sd, AccessShareLock);
	vardata->freefunc = heap_freetuple;
	vardata->acl_ok = true;		/* it tells nothing of the records */
	return true;
}

void
ds_estimate_init(void)
{
	prev_relation_stats_hook = get_relation_stats_hook;
	get_relation_stats_hook = key_column_stats;
}
