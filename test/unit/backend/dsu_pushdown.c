/*-------------------------------------------------------------------------
 *
 * dsu_pushdown.c
 *		Unit tests of ds_like_prefix (pushdown.c): the literal prefix of a
 *		LIKE pattern that becomes begins_with, and whether begins_with is
 *		the whole qual.
 *
 * Patterns are read in the database encoding (UTF-8 in the tests), with
 * LIKE's default escape character, the backslash.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "pushdown.h"
#include "dsu.h"

PG_FUNCTION_INFO_V1(dsu_run_pushdown_tests);

typedef struct LikeCase
{
	const char *pattern;
	const char *expected;		/* "<prefix> exact|inexact" */
} LikeCase;

static const LikeCase like_cases[] = {
	{"a%", "a exact"},
	{"abc/%", "abc/ exact"},
	{"a%%", "a exact"},
	{"a%%%", "a exact"},
	{"a%b", "a inexact"},
	{"a%b%", "a inexact"},
	{"a%_", "a inexact"},
	{"a_b%", "a inexact"},
	{"a_", "a inexact"},
	{"abc", "abc inexact"},		/* no wildcard: equality, checked locally */
	{"a\\%b%", "a%b exact"},
	{"a\\_b%", "a_b exact"},
	{"a\\\\%", "a\\ exact"},
	{"a\\\\", "a\\ inexact"},
	{"a\\b%", "ab exact"},		/* an escaped ordinary character */
	{"a\\", "a inexact"},		/* a trailing escape: LIKE's error */
	{"%x", DSU_NULL " inexact"},
	{"%", DSU_NULL " exact"},
	{"_x%", DSU_NULL " inexact"},
	{"", DSU_NULL " inexact"},
	{"\\%%", "% exact"},
	{"café%", "café exact"},
	{"名前/%", "名前/ exact"},
	{"é_%", "é inexact"},
	{"\\é%", "é exact"},
	{"✓\\%✓%%", "✓%✓ exact"},
	{"😀%", "😀 exact"},
};

static char *
like_case(const void *arg)
{
	bool		exact;
	char	   *prefix = ds_like_prefix((const char *) arg, &exact);

	return psprintf("%s %s", prefix ? prefix : DSU_NULL,
					exact ? "exact" : "inexact");
}

/* dsu_run_pushdown_tests(): LIKE patterns and their prefixes */
Datum
dsu_run_pushdown_tests(PG_FUNCTION_ARGS)
{
	DsuRun		run;

	dsu_begin(&run, fcinfo);
	for (int i = 0; i < lengthof(like_cases); i++)
		dsu_case(&run, psprintf("like prefix of '%s'", like_cases[i].pattern),
				 like_cases[i].expected, like_case, like_cases[i].pattern);
	dsu_end(&run);
	return (Datum) 0;
}
