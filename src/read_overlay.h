/*-------------------------------------------------------------------------
 *
 * read_overlay.h
 *		Reads that show the transaction's own writes kept until COMMIT.
 *
 * A scan of a table the transaction wrote in commit mode passes each item
 * DynamoDB returns through here: a record the transaction deleted is
 * hidden, one it changed is shown changed (and tested again against what
 * the read asked for), and records it created that DynamoDB does not have
 * come after DynamoDB's.  When the plan relies on the order of a Query,
 * the transaction's records that may sort elsewhere than DynamoDB has them
 * are sorted first and merged into DynamoDB's items, which come in order.
 *
 *-------------------------------------------------------------------------
 */
#ifndef READ_OVERLAY_H
#define READ_OVERLAY_H

#include "utils/jsonb.h"

#include "ddb_request.h"
#include "ddb_write.h"
#include "option.h"

typedef struct DsOverlay DsOverlay;

extern DsOverlay *ds_overlay_start(DsTableOptions *opts, DdbRead *read,
								   List *hashes, List *keys,
								   const char *sort_attribute);
extern JsonbContainer *ds_overlay_item(DsOverlay *ov, JsonbContainer *item);
extern JsonbContainer *ds_overlay_ready(DsOverlay *ov);
extern JsonbContainer *ds_overlay_next(DsOverlay *ov);
extern JsonbContainer *ds_overlay_fetch(DsTableOptions *opts,
										const char *table, const DdbKey *key);
extern void ds_overlay_check_read(DsTableOptions *opts, const char *relname,
								  JsonbContainer *item);

#endif							/* READ_OVERLAY_H */
