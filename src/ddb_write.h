/*-------------------------------------------------------------------------
 *
 * ddb_write.h
 *		The JSON of each DynamoDB write, and of the read that checks one.
 *
 * As for reads, every attribute name in an expression goes through a #name
 * placeholder and every value through a :value placeholder; the names and
 * values of an Item are JSON keys and values, never expression text.
 * Strings given here are in UTF-8, as they go on the wire.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DDB_WRITE_H
#define DDB_WRITE_H

#include "lib/stringinfo.h"
#include "nodes/pg_list.h"

/* DynamoDB's limits, checked before anything is sent. */
#include "ddb_request.h"

#define DDB_MAX_ITEM_SIZE		(400 * 1024)	/* bytes of names and values */
#define DDB_MAX_BATCH_WRITE		25	/* items of one BatchWriteItem */
#define DDB_MAX_TRANSACT_ACTIONS	100 /* actions of one TransactWriteItems */
#define DDB_MAX_TRANSACT_BYTES	(4 * 1024 * 1024)	/* its items' size */
#define DDB_MAX_TOKEN_LEN		36	/* of a ClientRequestToken */

/* One attribute to write. */
typedef struct DdbAttr
{
	char	   *name;			/* attribute name, UTF-8 */
	char	   *value;			/* AttributeValue JSON ({"S":"x"}), or NULL
								 * to remove the attribute */
	size_t		size;			/* bytes DynamoDB counts for name and value */
} DdbAttr;

/* The key of a record. */
typedef struct DdbKey
{
	const char *id;				/* the partition */
	const char *name;			/* the record key */
} DdbKey;

/* A write as a request of its own, or as an action of a transaction. */
typedef enum DdbWriteShape
{
	DDB_WRITE_REQUEST,
	DDB_WRITE_ACTION
} DdbWriteShape;

/* The condition of a transaction's merged write of one record. */
typedef enum DdbCondition
{
	DDB_IF_ANY,					/* none (a put) */
	DDB_IF_ABSENT,				/* no live record: INSERT's */
	DDB_IF_LIVE_VERSION,		/* the version read, not expired: UPDATE's */
	DDB_IF_VERSION				/* the version read: DELETE's */
} DdbCondition;

/* What the merged write does to the record. */
typedef enum DdbEffect
{
	DDB_DO_CHECK,				/* nothing: ConditionCheck */
	DDB_DO_PUT,					/* write the whole item */
	DDB_DO_UPDATE,				/* set and remove attributes, add to version */
	DDB_DO_DELETE
} DdbEffect;

extern DdbAttr *ddb_attr_make(const char *name, char *value, size_t value_size);
extern size_t ddb_key_size(const DdbKey *key);

extern char *ddb_write_item(const DdbKey *key, List *attrs);
extern char *ddb_write_create(const char *table, const char *item,
							  int64 now, DdbWriteShape shape);
extern char *ddb_write_batch_put(const char *table, List *items);
extern char *ddb_write_update(const char *table, const DdbKey *key,
							  List *attrs, bool has_version, int64 version,
							  int64 now, DdbWriteShape shape);
extern char *ddb_write_delete(const char *table, const DdbKey *key,
							  bool has_version, int64 version,
							  DdbWriteShape shape);
extern char *ddb_write_transaction(char **actions, int nactions,
								   const char *token);
extern char *ddb_write_action(const char *table, const DdbKey *key,
							  DdbCondition cond, bool has_version,
							  int64 version, int64 now, DdbEffect effect,
							  List *attrs, int64 increment);
extern char *ddb_write_get(const char *table, const DdbKey *key);

#endif							/* DDB_WRITE_H */
