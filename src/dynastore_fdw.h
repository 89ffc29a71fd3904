/*-------------------------------------------------------------------------
 *
 * dynastore_fdw.h
 *		What the planner callbacks share with the batched key join.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNASTORE_FDW_H
#define DYNASTORE_FDW_H

#include "nodes/pathnodes.h"

#include "pushdown.h"

/* The library's version: META.json's, dynastore_fdw_version()'s. */
#define DYNASTORE_FDW_VERSION	"1.0.0"

/*
 * Cost of one DynamoDB request (a network round trip of milliseconds) and
 * of reading one item, in seq_page_cost units.
 */
#define DS_REQUEST_COST		100.0
#define DS_ITEM_COST		0.05

extern bool ds_is_dynastore_rel(RelOptInfo *rel);
extern AttrNumber ds_rel_key_attnum(RelOptInfo *rel);
extern bool ds_exact_read(PlannerInfo *root, RelOptInfo *baserel,
						  double *requests, List **priv, List **exprs);
extern DsKeyQual *ds_join_key_qual(PlannerInfo *root, RelOptInfo *rel,
								   RestrictInfo *rinfo, AttrNumber *attnum);

/* batch_join.c */
extern void ds_batch_join_init(void);

#endif							/* DYNASTORE_FDW_H */
