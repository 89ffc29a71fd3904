/*-------------------------------------------------------------------------
 *
 * ddb_answer.h
 *		Checking DynamoDB's answers to reads before anything of them is used.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DDB_ANSWER_H
#define DDB_ANSWER_H

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

#include "ddb_request.h"

/*
 * What the pages of one read have shown so far, for the checks that span
 * pages.  Zeroed by the caller, and again (ddb_answer_restart) for each
 * partition of a Query over several.
 */
typedef struct DdbAnswerState
{
	MemoryContext cxt;			/* where what spans pages is kept */
	const char *sort_attribute; /* Query: the key items come sorted by */
	bool		sort_unique;	/* ... which no two items share */
	bool		have_last;
	StringInfoData last_sort;	/* the last item's value of it */
	struct HTAB *seen_keys;		/* hashes of the LastEvaluatedKeys met */
	bool	   *answered;		/* BatchGetItem: the keys of the request
								 * that the answer has an item of */
} DdbAnswerState;

extern void ddb_answer_restart(DdbAnswerState *state);
extern JsonbContainer *ddb_answer_items(Jsonb *answer, const DdbRead *read,
										DdbAnswerState *state,
										double *capacity);
extern char *ddb_answer_last_key(Jsonb *answer, const DdbRead *read,
								 DdbAnswerState *state);
extern List *ddb_answer_unprocessed(Jsonb *answer, const DdbRead *read,
									DdbAnswerState *state);

extern double ddb_answer_capacity(const char *op, Jsonb *answer);

#endif							/* DDB_ANSWER_H */
