/*-------------------------------------------------------------------------
 *
 * analyze.c
 *		ANALYZE of a foreign table: a sample of its live records.
 *
 * The planner's estimates (rows of a partition, selectivity of a key
 * condition) come from these statistics.  DynamoDB cannot sample, so the
 * partition (or, without one, the table) is read whole, one page at a
 * time, and a reservoir keeps the sample.  It is read with the user
 * mapping of the table's owner, as postgres_fdw does: whoever runs
 * ANALYZE (the owner, or a superuser or the database owner for them)
 * gathers the owner's statistics.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "commands/vacuum.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/sampling.h"

#include "analyze.h"
#include "ddb_table.h"
#include "option.h"
#include "scan.h"

static int	acquire_sample_rows(Relation rel, int elevel, HeapTuple *rows,
								int targrows, double *totalrows,
								double *totaldeadrows);

bool
ds_analyze_table(Relation relation, AcquireSampleRowsFunc *func,
				 BlockNumber *totalpages)
{
	DsTableOptions *opts = ds_get_table_options(RelationGetRelid(relation),
												relation->rd_rel->relowner);

	/* reading a whole table was refused for this foreign table */
	if (opts->partition == NULL && !opts->allow_scan)
		return false;

	/* and the indexes may have changed too */
	ddb_table_schema_forget(&opts->aws, opts->table);

	*func = acquire_sample_rows;
	*totalpages = 1;
	return true;
}

/*
 * Read every live record and keep a uniform sample of targrows of them
 * (Vitter's reservoir, as PostgreSQL's own ANALYZE does).
 */
static int
acquire_sample_rows(Relation rel, int elevel, HeapTuple *rows, int targrows,
					double *totalrows, double *totaldeadrows)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	MemoryContext scancxt;
	MemoryContext oldcxt;
	DsScanState *st;
	ReservoirStateData rstate;
	Datum	   *values = palloc(sizeof(Datum) * tupdesc->natts);
	bool	   *nulls = palloc(sizeof(bool) * tupdesc->natts);
	double		seen = 0;
	double		rowstoskip = -1;
	int			numrows = 0;

	scancxt = AllocSetContextCreate(CurrentMemoryContext,
									"dynastore_fdw analyze",
									ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(scancxt);
	st = ds_scan_create(rel, rel->rd_rel->relowner, NIL, true);
	MemoryContextSwitchTo(oldcxt);

	reservoir_init_selection_state(&rstate, targrows);
	for (;;)
	{
		bool		found;

		ds_analyze_delay_point();
		MemoryContextSwitchTo(scancxt);
		found = ds_scan_next(st, values, nulls);
		MemoryContextSwitchTo(oldcxt);
		if (!found)
			break;

		/* the tuples are the caller's; the scan's memory is not */
		if (numrows < targrows)
			rows[numrows++] = heap_form_tuple(tupdesc, values, nulls);
		else
		{
			if (rowstoskip < 0)
				rowstoskip = reservoir_get_next_S(&rstate, seen, targrows);
			if (rowstoskip <= 0)
			{
				int			k = (int) (targrows *
									   sampler_random_fract(&rstate.randstate));

				heap_freetuple(rows[k]);
				rows[k] = heap_form_tuple(tupdesc, values, nulls);
			}
			rowstoskip -= 1;
		}
		seen += 1;
	}

	MemoryContextDelete(scancxt);
	*totalrows = seen;
	*totaldeadrows = 0;

	ereport(elevel,
			(errmsg("\"%s\": read %.0f live records from DynamoDB, kept a sample of %d",
					RelationGetRelationName(rel), seen, numrows)));
	return numrows;
}
