/*-------------------------------------------------------------------------
 *
 * pushdown.h
 *		Which quals DynamoDB can answer as key conditions.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DS_PUSHDOWN_H
#define DS_PUSHDOWN_H

#include "nodes/pathnodes.h"

#include "ddb_request.h"

/* A qual on a key attribute that can become part of a key condition. */
typedef struct DsKeyQual
{
	RestrictInfo *rinfo;		/* where it came from */
	const char *attribute;		/* the DynamoDB key attribute */
	DdbCondOp	op;
	Expr	   *arg;			/* the value: Const, Param or outer expr */
	Expr	   *arg2;			/* upper bound of BETWEEN */
	bool		is_array;		/* attribute = ANY(arg) */
	bool		exact;			/* DynamoDB applies the qual exactly */
} DsKeyQual;

/* The key attributes of one foreign table, with their columns. */
typedef struct DsKeyColumn
{
	AttrNumber	attnum;
	const char *attribute;
} DsKeyColumn;

extern DsKeyQual *ds_key_qual(PlannerInfo *root, RelOptInfo *baserel,
							  RestrictInfo *rinfo, List *key_columns);
extern char *ds_like_prefix(const char *pattern, bool *exact);

#endif							/* DS_PUSHDOWN_H */
