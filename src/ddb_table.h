/*-------------------------------------------------------------------------
 *
 * ddb_table.h
 *		The key schema and indexes of DynamoDB tables, cached per backend.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DDB_TABLE_H
#define DDB_TABLE_H

#include "aws_client.h"

typedef struct DdbIndex
{
	char	   *name;
	char	   *hash_key;
	char	   *range_key;		/* NULL when the index has none */
	bool		global;			/* a GSI: never consistent */
	bool		projects_all;	/* ProjectionType ALL */
} DdbIndex;

typedef struct DdbTableSchema
{
	char	   *hash_key;
	char	   *range_key;
	int			nindexes;
	DdbIndex   *indexes;		/* those keyed by strings only */
	double		item_count;		/* DynamoDB's estimate, updated ~6 hourly */
	char	   *key_error;		/* why the key is not dynastore's, or NULL */
	char	   *denied;			/* DescribeTable was denied: DynamoDB's
								 * message; no index is known */
	bool		noticed;		/* the NOTICE about it was given */
} DdbTableSchema;

extern DdbTableSchema *ddb_table_schema(const AwsConfig *cfg,
										const char *table,
										bool want_indexes);
extern void ddb_table_schema_forget(const AwsConfig *cfg, const char *table);

#endif							/* DDB_TABLE_H */
