/*-------------------------------------------------------------------------
 *
 * import.h
 *		IMPORT FOREIGN SCHEMA from the DynamoDB tables of a server.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DS_IMPORT_H
#define DS_IMPORT_H

#include "nodes/parsenodes.h"

#include "ddb_table.h"

extern List *ds_import_foreign_schema(ImportForeignSchemaStmt *stmt,
									  Oid serverOid);
extern const char *ds_not_dynastore_layout(const DdbTableSchema *schema);

#endif							/* DS_IMPORT_H */
