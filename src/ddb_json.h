/*-------------------------------------------------------------------------
 *
 * ddb_json.h
 *		Reading DynamoDB's JSON answers and writing JSON requests.
 *
 * Answers are parsed once into jsonb (by a fast path for plain JSON, else
 * PostgreSQL's own parser), then read in place; requests are written into
 * a StringInfo with PostgreSQL's own string escaper.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DDB_JSON_H
#define DDB_JSON_H

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

#include "pg_compat.h"

extern Jsonb *ddb_json_parse(const char *text, const char *operation);
extern Jsonb *ddb_json_parse_in(const char *text, const char *operation,
								MemoryContext scratch);
extern Jsonb *ddb_jsonb_from_text(const char *text, size_t len,
								  MemoryContext scratch);
extern JsonbValue *ddb_json_get(JsonbContainer *object, const char *key);
extern char *ddb_json_get_string(JsonbContainer *object, const char *key);
extern double ddb_json_get_number(JsonbContainer *object, const char *key,
								  double missing);
extern char *ddb_json_to_text(JsonbContainer *container);
extern void ddb_answer_error(const char *operation, const char *fmt,...)
			pg_attribute_printf(2, 3) pg_attribute_noreturn();
extern size_t ddb_utf8_length(const char *str);

extern char *ddb_json_wire(const char *body);
extern void ddb_json_string(StringInfo buf, const char *str);
extern void ddb_json_string_len(StringInfo buf, const char *str, int len);

#endif							/* DDB_JSON_H */
