/*-------------------------------------------------------------------------
 *
 * pg_compat.h
 *		What differs between the PostgreSQL versions dynastore_fdw is
 *		written for (14 to 18), in one place.
 *
 * Only PostgreSQL 15 is built and tested here (Debian 12's); the branches
 * for the other versions follow their release notes and headers, and are
 * compiled only where those versions are installed.  Each entry names the
 * version that changed the API.  Functions a version lacks are given under
 * their own name, so the calling code reads as on current PostgreSQL.
 * (The planner's own differences, create_foreignscan_path() and PathKey,
 * are guarded where dynastore_fdw.c calls them.)
 *
 *-------------------------------------------------------------------------
 */
#ifndef DS_PG_COMPAT_H
#define DS_PG_COMPAT_H

#include "nodes/value.h"
#include "utils/acl.h"
#include "utils/pg_locale.h"

#if PG_VERSION_NUM < 140000 || PG_VERSION_NUM >= 190000
#error "dynastore_fdw is written for PostgreSQL 14 to 18"
#endif

/* 15 added Boolean nodes; before, fdw_private flags are Integers. */
#if PG_VERSION_NUM < 150000
#define makeBoolean(b)	makeInteger((b) ? 1 : 0)
#define boolVal(v)		(intVal(v) != 0)
#endif

/* 16 replaced the per-object aclcheck functions with object_aclcheck(). */
#if PG_VERSION_NUM >= 160000
#include "catalog/pg_foreign_server.h"
static inline AclResult
ds_server_aclcheck(Oid serverid, Oid roleid, AclMode mode)
{
	return object_aclcheck(ForeignServerRelationId, serverid, roleid, mode);
}
#else
#define ds_server_aclcheck(serverid, roleid, mode) \
	pg_foreign_server_aclcheck(serverid, roleid, mode)
#endif

/* 18 removed lc_collate_is_c(); the collation's locale says it now. */
#if PG_VERSION_NUM >= 180000
static inline bool
lc_collate_is_c(Oid collation)
{
	return pg_newlocale_from_collation(collation)->collate_is_c;
}
#endif

/* 18 moved the EXPLAIN property functions out of commands/explain.h. */
#if PG_VERSION_NUM >= 180000
#include "commands/explain_format.h"
#include "commands/explain_state.h"
#endif

#endif							/* DS_PG_COMPAT_H */
