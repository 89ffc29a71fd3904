/*-------------------------------------------------------------------------
 *
 * attr_value.c
 *		DynamoDB AttributeValues <-> Datums, per column type.
 *
 * An AttributeValue is a one-member JSON object whose key names its type
 * ({"S":"text"}, {"N":"12"}, {"B":"<base64>"}, {"M":{...}}, ...).  dynastore
 * keeps the value in "payload" as S, bytes as base64 text in S, and an
 * empty value as NULL; other tools may leave B, M or L there.  The reader
 * must know from the column type what the text means.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/base64.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "attr_value.h"
#include "ddb_json.h"
#include "option.h"

/* An AttributeValue taken apart: its type tag and its JSON value. */
typedef struct AttrParts
{
	char		tag[5];			/* "S", "N", "B", "BOOL", "NULL", "M", ... */
	JsonbValue	value;
} AttrParts;

static bool attr_unpack(JsonbValue *av, AttrParts *parts);
static char *attr_text(JsonbValue *av, AttrParts *parts);
static bytea *attr_bytes(AttrParts *parts);
static Datum input_datum(DsColumn *col, const char *text);
static void check_role_type(DsColumn *col);
static bool is_text_type(Oid typid);

/*
 * Work out what a column holds from its name, its attribute option and its
 * type, and look up its I/O functions.  The column names of the contract
 * (id, name, version, expires, value, fields) pick the record's parts.
 */
void
attr_column_init(DsColumn *col, Oid relid, AttrNumber attnum,
				 const char *colname, Oid typid, int32 typmod)
{
	char	   *attribute = ds_column_attribute(relid, attnum);
	bool		renamed = (strcmp(attribute, colname) != 0);
	Oid			infunc;
	Oid			outfunc;
	bool		varlena;

	col->attnum = attnum;
	col->colname = pstrdup(colname);
	col->typid = typid;
	col->typmod = typmod;

	if (!renamed && strcmp(colname, "fields") == 0)
	{
		col->role = DS_ROLE_FIELDS;
		attribute = NULL;
	}
	else if (!renamed && strcmp(colname, "value") == 0)
		attribute = "payload";

	col->attribute = attribute ? pstrdup(attribute) : NULL;
	if (attribute == NULL)
		;
	else if (strcmp(attribute, "id") == 0)
		col->role = DS_ROLE_ID;
	else if (strcmp(attribute, "name") == 0)
		col->role = DS_ROLE_NAME;
	else if (strcmp(attribute, "version") == 0)
		col->role = DS_ROLE_VERSION;
	else if (strcmp(attribute, "expires") == 0)
		col->role = DS_ROLE_EXPIRES;
	else if (strcmp(attribute, "payload") == 0)
		col->role = DS_ROLE_VALUE;
	else
		col->role = DS_ROLE_ATTRIBUTE;

	check_role_type(col);

	getTypeInputInfo(typid, &infunc, &col->ioparam);
	fmgr_info(infunc, &col->infunc);
	getTypeOutputInfo(typid, &outfunc, &varlena);
	fmgr_info(outfunc, &col->outfunc);
}

static bool
is_text_type(Oid typid)
{
	return TypeCategory(getBaseType(typid)) == TYPCATEGORY_STRING;
}

/* Refuse, when the table is used, a type that cannot hold the role. */
static void
check_role_type(DsColumn *col)
{
	Oid			t = getBaseType(col->typid);
	const char *allowed = NULL;

	switch (col->role)
	{
		case DS_ROLE_ID:
		case DS_ROLE_NAME:
			if (!is_text_type(t))
				allowed = "text";
			break;
		case DS_ROLE_VERSION:
			if (t != INT8OID && t != INT4OID && t != NUMERICOID)
				allowed = "bigint, integer or numeric";
			break;
		case DS_ROLE_EXPIRES:
			if (t != TIMESTAMPTZOID && t != TIMESTAMPOID && t != INT8OID &&
				t != INT4OID && t != NUMERICOID)
				allowed = "timestamptz, timestamp, bigint, integer or numeric";
			break;
		case DS_ROLE_VALUE:
			if (!is_text_type(t) && t != JSONBOID && t != JSONOID &&
				t != BYTEAOID)
				allowed = "text, jsonb, json or bytea";
			break;
		case DS_ROLE_FIELDS:
			if (t != JSONBOID && t != JSONOID)
				allowed = "jsonb or json";
			break;
		case DS_ROLE_ATTRIBUTE:
			break;
	}

	if (allowed)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("column \"%s\" cannot be of type %s",
						col->colname, format_type_be(col->typid)),
				 errdetail("The column holds the dynastore attribute \"%s\".",
						   col->attribute ? col->attribute : "fields"),
				 errhint("Declare it as %s.", allowed)));
}

/*
 * Split {"TAG": value} into its parts.  Returns false for anything that is
 * not a one-member object.
 */
static bool
attr_unpack(JsonbValue *av, AttrParts *parts)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	bool		found = false;

	if (av == NULL || av->type != jbvBinary ||
		!JsonContainerIsObject(av->val.binary.data))
		return false;

	it = JsonbIteratorInit(av->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			if (found || v.val.string.len >= (int) sizeof(parts->tag))
				return false;
			memcpy(parts->tag, v.val.string.val, v.val.string.len);
			parts->tag[v.val.string.len] = '\0';
		}
		else if (tok == WJB_VALUE)
		{
			parts->value = v;
			found = true;
		}
	}
	return found;
}

#define TAG_IS(parts, t) (strcmp((parts)->tag, (t)) == 0)

/*
 * The text of a scalar AttributeValue (S, N, BOOL), or the JSON text of a
 * document, set or binary value, for columns that take text.
 */
static char *
attr_text(JsonbValue *av, AttrParts *parts)
{
	JsonbValue *v = &parts->value;
	StringInfoData buf;

	if ((TAG_IS(parts, "S") || TAG_IS(parts, "N")) && v->type == jbvString)
		return pnstrdup(v->val.string.val, v->val.string.len);
	if (TAG_IS(parts, "BOOL") && v->type == jbvBool)
		return pstrdup(v->val.boolean ? "true" : "false");

	initStringInfo(&buf);
	attr_append_json(&buf, av);
	return buf.data;
}

/* The bytes of B (base64 on the wire) or of S holding base64 text. */
static bytea *
attr_bytes(AttrParts *parts)
{
	JsonbValue *v = &parts->value;
	bytea	   *result;
	int			len;

	if (!(TAG_IS(parts, "B") || TAG_IS(parts, "S")) || v->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("DynamoDB attribute of type %s cannot be read as bytea",
						parts->tag)));

	result = palloc(VARHDRSZ + pg_b64_dec_len(v->val.string.len) + 1);
	len = pg_b64_decode(v->val.string.val, v->val.string.len,
						VARDATA(result), pg_b64_dec_len(v->val.string.len));
	if (len < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("value is not valid base64"),
				 errdetail("dynastore keeps bytes as standard padded base64 text.")));
	SET_VARSIZE(result, VARHDRSZ + len);
	return result;
}

static Datum
input_datum(DsColumn *col, const char *text)
{
	return InputFunctionCall(&col->infunc, (char *) text, col->ioparam,
							 col->typmod);
}

/*
 * Convert one attribute (its AttributeValue, or NULL when the item lacks
 * it) to the column's type.  Errors name no record: the caller's error
 * context says which record and column.
 */
Datum
attr_to_datum(DsColumn *col, JsonbValue *av, bool *isnull)
{
	AttrParts	parts;
	Oid			t = getBaseType(col->typid);

	*isnull = false;
	if (av == NULL)
	{
		*isnull = true;
		return (Datum) 0;
	}
	if (!attr_unpack(av, &parts))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("DynamoDB returned a malformed attribute value")));
	if (TAG_IS(&parts, "NULL"))
	{
		*isnull = true;
		return (Datum) 0;
	}

	/* bytes: base64 text (dynastore's way) or B */
	if (t == BYTEAOID)
		return PointerGetDatum(attr_bytes(&parts));

	/* epoch seconds into a timestamp */
	if ((t == TIMESTAMPTZOID || t == TIMESTAMPOID) && TAG_IS(&parts, "N"))
	{
		char	   *num = attr_text(av, &parts);
		Datum		ts = DirectFunctionCall1(float8_timestamptz,
											 DirectFunctionCall1(float8in,
																 CStringGetDatum(num)));

		return t == TIMESTAMPTZOID ? ts :
			DirectFunctionCall1(timestamptz_timestamp, ts);
	}

	if (t == JSONBOID || t == JSONOID)
	{
		/*
		 * The value is JSON text that dynastore apps store in S; B holds
		 * the same text as bytes.  Other attributes map to their natural
		 * JSON.
		 */
		if (col->role == DS_ROLE_VALUE && TAG_IS(&parts, "S"))
			return input_datum(col, attr_text(av, &parts));
		if (col->role == DS_ROLE_VALUE && TAG_IS(&parts, "B"))
		{
			bytea	   *bytes = attr_bytes(&parts);
			char	   *text = pnstrdup(VARDATA(bytes), VARSIZE(bytes) - VARHDRSZ);

			pg_verifymbstr(text, strlen(text), false);
			return input_datum(col, text);
		}
		else
		{
			StringInfoData buf;

			initStringInfo(&buf);
			attr_append_json(&buf, av);
			return input_datum(col, buf.data);
		}
	}

	/* raw bytes into text must be valid in the database encoding */
	if (TAG_IS(&parts, "B"))
	{
		bytea	   *bytes = attr_bytes(&parts);
		int			len = VARSIZE(bytes) - VARHDRSZ;

		if (memchr(VARDATA(bytes), '\0', len) != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
					 errmsg("binary attribute contains a zero byte and cannot be read as text"),
					 errhint("Declare the column as bytea.")));
		pg_verifymbstr(VARDATA(bytes), len, false);
		return input_datum(col, pnstrdup(VARDATA(bytes), len));
	}

	return input_datum(col, attr_text(av, &parts));
}

/*
 * dynastore's rule: a record whose "expires" is present and not later than
 * now is gone, and so is one whose "expires" is not a number.
 */
bool
attr_is_expired(JsonbValue *av, int64 now)
{
	AttrParts	parts;
	char	   *end;
	double		expires;
	char	   *num;

	if (av == NULL)
		return false;
	if (!attr_unpack(av, &parts) || !TAG_IS(&parts, "N") ||
		parts.value.type != jbvString)
		return true;
	num = pnstrdup(parts.value.val.string.val, parts.value.val.string.len);
	expires = strtod(num, &end);
	if (end == num || *end != '\0')
		return true;
	return expires <= (double) now;
}

static void
append_number(StringInfo buf, JsonbValue *v)
{
	if (v->type == jbvString)
		appendBinaryStringInfo(buf, v->val.string.val, v->val.string.len);
	else
		appendStringInfoString(buf, "null");
}

static void
append_string(StringInfo buf, JsonbValue *v)
{
	if (v->type == jbvString)
		ddb_json_string_len(buf, v->val.string.val, v->val.string.len);
	else
		appendStringInfoString(buf, "null");
}

/*
 * The natural JSON of an AttributeValue: S a string, N a number, BOOL and
 * NULL themselves, B base64 text, M an object, L and the sets arrays.
 */
void
attr_append_json(StringInfo buf, JsonbValue *av)
{
	AttrParts	parts;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	bool		first = true;

	check_stack_depth();
	if (!attr_unpack(av, &parts))
	{
		appendStringInfoString(buf, "null");
		return;
	}

	if (TAG_IS(&parts, "S") || TAG_IS(&parts, "B"))
		append_string(buf, &parts.value);
	else if (TAG_IS(&parts, "N"))
		append_number(buf, &parts.value);
	else if (TAG_IS(&parts, "BOOL"))
		appendStringInfoString(buf, parts.value.type == jbvBool &&
							   parts.value.val.boolean ? "true" : "false");
	else if (parts.value.type != jbvBinary)
		appendStringInfoString(buf, "null");
	else if (TAG_IS(&parts, "M"))
	{
		appendStringInfoChar(buf, '{');
		it = JsonbIteratorInit(parts.value.val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY)
			{
				if (!first)
					appendStringInfoChar(buf, ',');
				first = false;
				append_string(buf, &v);
				appendStringInfoChar(buf, ':');
			}
			else if (tok == WJB_VALUE)
				attr_append_json(buf, &v);
		}
		appendStringInfoChar(buf, '}');
	}
	else
	{
		/* L, SS, NS, BS */
		appendStringInfoChar(buf, '[');
		it = JsonbIteratorInit(parts.value.val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok != WJB_ELEM)
				continue;
			if (!first)
				appendStringInfoChar(buf, ',');
			first = false;
			if (TAG_IS(&parts, "L"))
				attr_append_json(buf, &v);
			else if (TAG_IS(&parts, "NS"))
				append_number(buf, &v);
			else
				append_string(buf, &v);
		}
		appendStringInfoChar(buf, ']');
	}
}
