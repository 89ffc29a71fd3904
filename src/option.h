/*-------------------------------------------------------------------------
 *
 * option.h
 *		Options of the server, user mapping, foreign table and columns.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DS_OPTION_H
#define DS_OPTION_H

#include "foreign/foreign.h"

#include "aws_client.h"
#include "pg_compat.h"

/* Defaults, also listed in the README. */
#define DS_DEFAULT_REGION			"us-east-1"
#define DS_DEFAULT_CONNECT_TIMEOUT	10000	/* ms */
#define DS_DEFAULT_REQUEST_TIMEOUT	30000	/* ms */
#define DS_DEFAULT_MAX_RETRIES		5
#define DS_DEFAULT_PAGE_SIZE		0	/* 0: DynamoDB's own 1 MB pages */
#define DS_MAX_SCAN_SEGMENTS		64
#define DS_DEFAULT_BATCH_SIZE		100 /* rows per INSERT batch */

/* What INSERT does with a key (table option insert_mode). */
typedef enum DsInsertMode
{
	DS_INSERT_CREATE,			/* 'create': fail when a live record has it */
	DS_INSERT_PUT				/* 'put': replace whatever is there */
} DsInsertMode;

/* How conditional writes go to DynamoDB (option write_mode). */
typedef enum DsWriteMode
{
	DS_WRITE_TRANSACTION,		/* 'transaction': TransactWriteItems with a
								 * token, exactly once, all or nothing */
	DS_WRITE_SINGLE,			/* 'single': one request a record; an
								 * unknown outcome is 40003 */
	DS_WRITE_COMMIT				/* 'commit': kept until COMMIT, then one
								 * TransactWriteItems for the transaction */
} DsWriteMode;

/* Everything a statement needs to reach one foreign table. */
typedef struct DsTableOptions
{
	char	   *table;			/* DynamoDB table name */
	char	   *partition;		/* NULL: the table spans all partitions */
	bool		consistent_read;
	int			page_size;		/* Limit per request, 0 for none */
	bool		allow_scan;		/* may a query read the whole table */
	int			scan_segments;	/* parallel segments of a Scan */
	double		estimated_rows; /* rows of the partition, -1: unknown */
	int			batch_size;		/* rows an INSERT sends at once */
	DsInsertMode insert_mode;
	DsWriteMode write_mode;
	Oid			relid;			/* the foreign table, InvalidOid for a server */
	Oid			serverid;		/* whose AWS account the writes go to */
	Oid			userid;			/* of the user mapping used */
	bool		credentials_chain;	/* server option credentials 'chain' */
	char	   *profile;		/* server option profile, or NULL */
	AwsConfig	aws;			/* endpoint, region, credentials, timeouts */
} DsTableOptions;

extern DsTableOptions *ds_get_table_options(Oid foreigntableid, Oid userid);
extern DsTableOptions *ds_get_server_options(ForeignServer *server,
											 Oid userid);
extern bool ds_valid_table_name(const char *name);
extern char *ds_column_attribute(Oid relid, AttrNumber attnum);

#endif							/* DS_OPTION_H */
