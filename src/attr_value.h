/*-------------------------------------------------------------------------
 *
 * attr_value.h
 *		DynamoDB AttributeValues <-> Datums, per column type.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ATTR_VALUE_H
#define ATTR_VALUE_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/jsonb.h"
#include "utils/relcache.h"

/* What a column holds, which decides how its attribute is converted. */
typedef enum DsColumnRole
{
	DS_ROLE_ID,					/* "id": the partition */
	DS_ROLE_NAME,				/* "name": the record key */
	DS_ROLE_VERSION,			/* "version": managed by the wrapper */
	DS_ROLE_EXPIRES,			/* "expires": epoch seconds */
	DS_ROLE_VALUE,				/* "payload": the value */
	DS_ROLE_FIELDS,				/* the attributes no column claims */
	DS_ROLE_ATTRIBUTE			/* any other top-level attribute */
} DsColumnRole;

typedef struct DsColumn
{
	AttrNumber	attnum;
	char	   *colname;
	char	   *attribute;		/* DynamoDB attribute; NULL for fields */
	DsColumnRole role;
	Oid			typid;
	Oid			basetype;		/* typid, or the type of its domain */
	int32		typmod;
	FmgrInfo	infunc;			/* the type's input function */
	Oid			ioparam;
	FmgrInfo	outfunc;		/* the type's output function */
} DsColumn;

#define ATTR_NRESERVED 5
extern const char *const attr_reserved[ATTR_NRESERVED];

extern DsColumn *attr_table_columns(Relation rel, int *ncolumns);
extern const char **attr_claimed_names(DsColumn *columns, int ncolumns,
									   int *nclaimed);
extern void attr_column_init(DsColumn *col, Oid relid, AttrNumber attnum,
							 const char *colname, Oid typid, int32 typmod);

/*
 * Whether the attribute columns of a scan met their attributes: a column
 * that none of the records read has is most likely misspelled.
 */
typedef struct AttrPresence AttrPresence;

extern AttrPresence *attr_presence_create(Oid relid, DsColumn *columns,
										  int ncolumns, bool whole_items);
extern void attr_presence_note(AttrPresence *p, JsonbContainer *item);
extern void attr_presence_report(AttrPresence *p, const char *relname);

extern Datum attr_to_datum(DsColumn *col, JsonbValue *av, bool *isnull);
extern bool attr_is_expired(JsonbValue *av, int64 now);
extern void attr_append_json(StringInfo buf, JsonbValue *av);

/* ---- Datums -> AttributeValues, for writes ---- */

#include "ddb_write.h"

extern char *attr_key_text(DsColumn *col, Datum value);
extern int64 attr_version_value(DsColumn *col, Datum value);
extern DdbAttr *attr_from_datum(DsColumn *col, Datum value, bool isnull);
extern List *attr_fields_from_datum(DsColumn *col, Datum value, bool isnull,
									Jsonb *old, List **removed,
									size_t *size);
extern Jsonb *attr_fields_jsonb(DsColumn *col, Datum value);
extern Datum attr_fields_datum(DsColumn *col, JsonbContainer *item,
							   const char *const *claimed, int nclaimed);
extern bool attr_equal(JsonbValue *a, JsonbValue *b);
extern int64 attr_now(void);

#endif							/* ATTR_VALUE_H */
