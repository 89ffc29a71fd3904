/*-------------------------------------------------------------------------
 *
 * ddb_request.h
 *		The JSON of each DynamoDB read, built from a plan and parameters.
 *
 * Every attribute name goes through a #name placeholder and every value
 * through a :value placeholder; nothing of the user's is spliced into an
 * expression.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DDB_REQUEST_H
#define DDB_REQUEST_H

#include "nodes/pg_list.h"

/* DynamoDB's limits on key values, in bytes: no stored key is longer. */
#define DDB_MAX_HASH_KEY		2048	/* "id", and an index's hash key */
#define DDB_MAX_RANGE_KEY		1024	/* "name", and an index's range key */

/* BatchGetItem takes at most this many keys a request. */
#define DDB_MAX_BATCH_GET_KEYS	100

typedef enum DdbOperation
{
	DDB_GET_ITEM,
	DDB_QUERY,
	DDB_SCAN,
	DDB_BATCH_GET_ITEM
} DdbOperation;

typedef enum DdbCondOp
{
	DDB_COND_EQ,
	DDB_COND_BEGINS_WITH,
	DDB_COND_LT,
	DDB_COND_LE,
	DDB_COND_GT,
	DDB_COND_GE,
	DDB_COND_BETWEEN
} DdbCondOp;

/* One part of a key condition; keys are strings (S) in dynastore. */
typedef struct DdbKeyCond
{
	const char *attribute;
	DdbCondOp	op;
	const char *value;
	const char *value2;			/* upper bound of BETWEEN */
} DdbKeyCond;

typedef struct DdbRead
{
	DdbOperation op;
	const char *table;
	const char *index;			/* NULL: the table itself */
	List	   *key_conds;		/* of DdbKeyCond *; hash key first.  For
								 * GetItem and BatchGetItem, the equality
								 * conditions of one key */
	List	   *batch_keys;		/* BatchGetItem: List of key_conds lists */
	List	   *filter_conds;	/* of DdbKeyCond * (equality) */
	List	   *projection;		/* attribute names; NIL: all */
	bool		consistent;
	int			limit;			/* 0: no Limit */
	bool		forward;		/* ScanIndexForward */
	int			segment;		/* Scan: this segment of total_segments */
	int			total_segments; /* Scan: 0 or 1 for an undivided Scan */
	const char *start_key;		/* ExclusiveStartKey as JSON, or NULL */
	bool		count_only;		/* Query, Scan: Select COUNT of the items
								 * that live at now, none returned */
	int64		now;			/* epoch seconds that decide expiry */
} DdbRead;

extern const char *ddb_operation_name(DdbOperation op);
extern const char *ddb_cond_op_text(DdbCondOp op);
extern char *ddb_request_read(const DdbRead *read);

#endif							/* DDB_REQUEST_H */
