/*-------------------------------------------------------------------------
 *
 * estimate.h
 *		What the planner assumes of a foreign table without statistics.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DS_ESTIMATE_H
#define DS_ESTIMATE_H

#include "ddb_table.h"
#include "option.h"

/*
 * Rows assumed in a partition (or a whole table) that was never analyzed
 * and has no estimated_rows: at least this many, more when DescribeTable's
 * ItemCount says the table holds more.
 */
#define DS_UNANALYZED_ROWS	100000.0

/* DynamoDB's page: at most 1 MB of items read, whatever is projected. */
#define DS_PAGE_BYTES		(1024.0 * 1024.0)

/* Items a page holds when the table does not say how large its items are. */
#define DS_ITEMS_PER_PAGE	1000.0

extern double ds_estimate_tuples(const DsTableOptions *opts,
								 const DdbTableSchema *schema);
extern double ds_estimate_items_per_page(const DsTableOptions *opts,
										 const DdbTableSchema *schema);
extern void ds_estimate_init(void);

#endif							/* DS_ESTIMATE_H */
