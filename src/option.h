/*-------------------------------------------------------------------------
 *
 * option.h
 *		Options of the server, user mapping, foreign table and columns.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DS_OPTION_H
#define DS_OPTION_H

#include "aws_client.h"

/* Defaults, also listed in the README. */
#define DS_DEFAULT_REGION			"us-east-1"
#define DS_DEFAULT_CONNECT_TIMEOUT	10000	/* ms */
#define DS_DEFAULT_REQUEST_TIMEOUT	30000	/* ms */
#define DS_DEFAULT_MAX_RETRIES		5
#define DS_DEFAULT_PAGE_SIZE		0	/* 0: DynamoDB's own 1 MB pages */

/* Everything a statement needs to reach one foreign table. */
typedef struct DsTableOptions
{
	char	   *table;			/* DynamoDB table name */
	char	   *partition;		/* NULL: the table spans all partitions */
	bool		consistent_read;
	int			page_size;		/* Limit per request, 0 for none */
	AwsConfig	aws;			/* endpoint, region, credentials, timeouts */
} DsTableOptions;

extern DsTableOptions *ds_get_table_options(Oid foreigntableid, Oid userid);
extern char *ds_column_attribute(Oid relid, AttrNumber attnum);

#endif							/* DS_OPTION_H */
