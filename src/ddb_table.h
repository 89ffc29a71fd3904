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

/* An AttributeDefinition: the type of a key attribute of the table or an index. */
typedef struct DdbAttributeDef
{
	char	   *name;
	char	   *type;			/* "S", "N" or "B" */
} DdbAttributeDef;

typedef struct DdbTableSchema
{
	char	   *hash_key;
	char	   *range_key;
	int			nindexes;
	DdbIndex   *indexes;		/* those keyed by strings only */
	int			nattributes;	/* AttributeDefinitions */
	DdbAttributeDef *attributes;
	double		item_count;		/* DynamoDB's estimate, updated ~6 hourly */
	double		table_size_bytes;	/* the same, in bytes of items */
	char	   *key_error;		/* why the key is not dynastore's, or NULL */
	char	   *denied;			/* DescribeTable was denied: DynamoDB's
								 * message; no index is known */
	bool		noticed;		/* the NOTICE about it was given */
} DdbTableSchema;

extern DdbTableSchema *ddb_table_schema(const AwsConfig *cfg,
										const char *table,
										bool want_indexes);
extern DdbTableSchema *ddb_table_describe(const AwsConfig *cfg,
										  const char *table);
extern const char *ddb_table_attribute_type(const DdbTableSchema *schema,
											const char *attribute);
extern void ddb_table_schema_forget(const AwsConfig *cfg, const char *table);

#endif							/* DDB_TABLE_H */
