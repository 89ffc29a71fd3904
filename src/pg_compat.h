/*-------------------------------------------------------------------------
 *
 * pg_compat.h
 *		What differs between the PostgreSQL versions dynastore_fdw is
 *		written for (14 to 18), in one place.
 *
 * Only PostgreSQL 15 is built and tested here (Debian 12's); the branches
 * for the other versions follow their release notes and headers, and have
 * been compiled for syntax only, against Debian's 17 and 18 server headers
 * (14's and 16's branches against 15's and 17's with PG_VERSION_NUM set
 * to theirs: see README.md).  Each entry names the version that changed
 * the API.  Functions a version lacks are given under their own name, so
 * the calling code reads as on current PostgreSQL.
 * (The planner's own differences, create_foreignscan_path() and PathKey,
 * are guarded where dynastore_fdw.c calls them.)
 *
 *-------------------------------------------------------------------------
 */
#ifndef DS_PG_COMPAT_H
#define DS_PG_COMPAT_H

#include "common/jsonapi.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/pathnodes.h"
#include "nodes/value.h"
#include "parser/parse_relation.h"
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

/*
 * 15 added the pg_prng generators; 14's backends seed random() at start.
 * The state argument is dropped unread.
 */
#if PG_VERSION_NUM >= 150000
#include "common/pg_prng.h"
#else
#define pg_prng_double(state) \
	((double) random() / ((double) PG_INT32_MAX + 1.0))
#endif

/* 15 renamed EmitWarningsOnPlaceholders() MarkGUCPrefixReserved(). */
#if PG_VERSION_NUM < 150000
#define MarkGUCPrefixReserved(prefix) EmitWarningsOnPlaceholders(prefix)
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

/*
 * The role a scan or a write checks privileges as, and asks DynamoDB as
 * through its user mapping.  16 moved checkAsUser out of RangeTblEntry into
 * RTEPermissionInfo, which an inheritance child's RTE does not have
 * (perminfoindex 0): the executor reads it from the ForeignScan (planned
 * from RelOptInfo.userid) and, for a result relation, from its root's.
 */
#if PG_VERSION_NUM >= 160000
#define ds_scan_check_as_user(fsplan, estate) \
	(OidIsValid((fsplan)->checkAsUser) ? (fsplan)->checkAsUser : GetUserId())
#define ds_result_rel_check_as_user(rinfo, estate) \
	ExecGetResultRelCheckAsUser((rinfo), (estate))
#else
static inline Oid
ds_scan_check_as_user(ForeignScan *fsplan, EState *estate)
{
	RangeTblEntry *rte = exec_rt_fetch(fsplan->scan.scanrelid, estate);

	return OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
}

static inline Oid
ds_result_rel_check_as_user(ResultRelInfo *rinfo, EState *estate)
{
	Index		rti = rinfo->ri_RangeTableIndex;

	/* a routed partition has no range table entry; its root has */
	if (rti == 0 && rinfo->ri_RootResultRelInfo)
		rti = rinfo->ri_RootResultRelInfo->ri_RangeTableIndex;
	if (rti != 0)
	{
		RangeTblEntry *rte = exec_rt_fetch(rti, estate);

		if (OidIsValid(rte->checkAsUser))
			return rte->checkAsUser;
	}
	return GetUserId();
}
#endif

/*
 * The executor's privilege check of one range table entry at planning,
 * ereporting a violation.  16 renamed ExecCheckRTPerms()
 * ExecCheckPermissions(), which takes the RTEPermissionInfos as a list
 * apart and, under assertions, wants the range table given to refer to
 * every one of them: the entry goes as a copy referring to its own as the
 * first of a list of one.  An entry without one (an inheritance child's)
 * has nothing to check, as before 16, when a child's requiredPerms were 0.
 */
#if PG_VERSION_NUM >= 160000
static inline void
ds_check_rte_permissions(PlannerInfo *root, RangeTblEntry *rte)
{
	RangeTblEntry *one;
	RTEPermissionInfo *perminfo;

	if (rte->perminfoindex == 0)
		return;
	perminfo = getRTEPermissionInfo(root->parse->rteperminfos, rte);
	one = palloc(sizeof(RangeTblEntry));
	memcpy(one, rte, sizeof(RangeTblEntry));
	one->perminfoindex = 1;
	(void) ExecCheckPermissions(list_make1(one), list_make1(perminfo), true);
}
#else
#define ds_check_rte_permissions(root, rte) \
	((void) ExecCheckRTPerms(list_make1(rte), true))
#endif

/*
 * 16 made the JSON parser's callbacks return JsonParseErrorType: declare
 * them ds_json_cb_result and leave them by DS_JSON_CB_DONE.
 */
#if PG_VERSION_NUM >= 160000
typedef JsonParseErrorType ds_json_cb_result;
#define DS_JSON_CB_DONE		return JSON_SUCCESS
#else
typedef void ds_json_cb_result;
#define DS_JSON_CB_DONE		return
#endif

/*
 * 17 gave makeJsonLexContextCstringLen() a first argument, a context to
 * fill in (NULL: a new one is allocated).
 */
#if PG_VERSION_NUM >= 170000
#define ds_json_lex_cstring(json, len, encoding, need_escapes) \
	makeJsonLexContextCstringLen(NULL, (json), (len), (encoding), (need_escapes))
#else
#define ds_json_lex_cstring(json, len, encoding, need_escapes) \
	makeJsonLexContextCstringLen((json), (int) (len), (encoding), (need_escapes))
#endif

/* 18 made vacuum_delay_point() say whether ANALYZE calls it. */
#if PG_VERSION_NUM >= 180000
#define ds_analyze_delay_point()	vacuum_delay_point(true)
#else
#define ds_analyze_delay_point()	vacuum_delay_point()
#endif

/*
 * 18 replaced the trailing pg_attribute_noreturn() by a leading
 * pg_noreturn; gcc and clang take the attribute where it always stood.
 */
#if PG_VERSION_NUM >= 180000 && !defined(pg_attribute_noreturn)
#if defined(__GNUC__)
#define pg_attribute_noreturn() __attribute__((noreturn))
#else
#define pg_attribute_noreturn()
#endif
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
