/*-------------------------------------------------------------------------
 *
 * dsu_json.c
 *		The fast path of ddb_json.c against jsonb_in: for a JSON text, the
 *		fast path either leaves it to jsonb_in or builds the very bytes
 *		jsonb_in builds.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"

#include "ddb_json.h"
#include "dsu.h"

PG_FUNCTION_INFO_V1(dsu_json_fast);

/*
 * "jsonb_in" when the fast path leaves the text to jsonb_in (which is not
 * called: the text may be invalid), "fast" when it builds the same jsonb
 * as jsonb_in, byte for byte, else what differs.
 */
Datum
dsu_json_fast(PG_FUNCTION_ARGS)
{
	char	   *json = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Jsonb	   *fast = ddb_jsonb_from_text(json, strlen(json), NULL);
	Jsonb	   *std;

	if (fast == NULL)
		PG_RETURN_TEXT_P(cstring_to_text("jsonb_in"));
	std = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
	if (VARSIZE(fast) == VARSIZE(std) &&
		memcmp(fast, std, VARSIZE(std)) == 0)
		PG_RETURN_TEXT_P(cstring_to_text("fast"));
	PG_RETURN_TEXT_P(cstring_to_text(psprintf("DIFFERENT: fast %s, jsonb_in %s",
											  JsonbToCString(NULL, &fast->root, VARSIZE(fast)),
											  JsonbToCString(NULL, &std->root, VARSIZE(std)))));
}
