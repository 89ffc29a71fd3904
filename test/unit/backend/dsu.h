/*-------------------------------------------------------------------------
 *
 * dsu.h
 *		The harness of the backend unit tests of dynastore_fdw.
 *
 * Each suite is a set-returning SQL function that runs table-driven cases
 * and returns one line per case: "ok <case>", or "FAILED <case>: expected
 * <x> got <y>".  A case computes a string, in a subtransaction of its own;
 * an error it raises becomes "ERROR <sqlstate>: <message>", so that an
 * expectation of "ERROR 22021" asserts the SQLSTATE of an error.
 *
 * JSON in the case tables is written with ' for ", to stay readable
 * (dsu_q); a quote character inside JSON text is written \u0027.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DSU_H
#define DSU_H

#include "fmgr.h"
#include "utils/jsonb.h"
#include "utils/tuplestore.h"

#include "attr_value.h"

/* What a suite's cases write to. */
typedef struct DsuRun
{
	Tuplestorestate *store;
	TupleDesc	desc;
	MemoryContext casecxt;		/* a case's memory, reset after it */
} DsuRun;

/* The text of SQL NULL (and of a NULL C string) in results. */
#define DSU_NULL "<NULL>"

/* A case: a function of its argument, returning the string to compare. */
typedef char *(*DsuCaseFn) (const void *arg);

extern void dsu_begin(DsuRun *run, FunctionCallInfo fcinfo);
extern void dsu_end(DsuRun *run);
extern void dsu_case(DsuRun *run, const char *name, const char *expected,
					 DsuCaseFn fn, const void *arg);

/* The columns of the test table, as a scan works them out. */
typedef struct TestTable
{
	Oid			relid;
	DsColumn   *columns;
	int			ncolumns;
} TestTable;

extern DsColumn *find_column(TestTable *tt, const char *name);

extern char *dsu_q(const char *s);
extern JsonbValue *dsu_av(const char *json);
extern Jsonb *dsu_jsonb(const char *json);
extern char *dsu_request_check(const char *json);

#endif							/* DSU_H */
