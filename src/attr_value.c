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

#include <ctype.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "common/base64.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "attr_value.h"
#include "ddb_json.h"
#include "option.h"

/* The record's own attributes; no fields member may take them. */
const char *const attr_reserved[ATTR_NRESERVED] =
{"id", "name", "version", "expires", "payload"};

/* An AttributeValue taken apart: its type tag and its JSON value. */
typedef struct AttrParts
{
	char		tag[5];			/* "S", "N", "B", "BOOL", "NULL", "M", ... */
	JsonbValue	value;
} AttrParts;

#define TAG_IS(parts, t) (strcmp((parts)->tag, (t)) == 0)

static void attr_unpack(JsonbValue *av, AttrParts *parts);
static char *attr_text(JsonbValue *av, AttrParts *parts);
static bytea *attr_bytes(AttrParts *parts);
static char *bytes_as_text(bytea *bytes);
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
	col->basetype = getBaseType(typid);
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
	Oid			t = col->basetype;
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
 * Is this text a number as DynamoDB writes one (N)?  An optional sign,
 * digits with an optional fraction, an optional exponent.  Anything else
 * would, spliced into JSON, be something else than a number.
 */
static bool
valid_number(const char *s, int len)
{
	int			i = 0;
	int			digits = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < len && isdigit((unsigned char) s[i]))
		i++, digits++;
	if (i < len && s[i] == '.')
	{
		i++;
		while (i < len && isdigit((unsigned char) s[i]))
			i++, digits++;
	}
	if (digits == 0)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		int			exp_digits = 0;

		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		while (i < len && isdigit((unsigned char) s[i]))
			i++, exp_digits++;
		if (exp_digits == 0)
			return false;
	}
	return i == len;
}

static void
malformed_attribute(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_REPLY_HANDLE),
			 errmsg("DynamoDB returned a malformed attribute value"),
			 errdetail("%s", detail),
			 errhint("The endpoint may not be DynamoDB, or something between the server and DynamoDB changes its answers.")));
}

/* Every element of a set or list of values is a string (a number for NS). */
static void
check_set_elements(JsonbValue *v, bool numbers)
{
	JsonbIterator *it = JsonbIteratorInit(v->val.binary.data);
	JsonbIteratorToken tok;
	JsonbValue	e;

	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (e.type != jbvString)
			malformed_attribute("An element of a set is not a string.");
		if (numbers && !valid_number(e.val.string.val, e.val.string.len))
			malformed_attribute("An element of a number set is not a number.");
	}
}

/*
 * Split {"TAG": value} into its parts, and check that they are an
 * AttributeValue: a known type tag, and a value of its JSON type (S, N, B
 * strings, N a number, BOOL true or false, NULL true, M an object, L and
 * the sets arrays).  Anything else is an error: read as something, it
 * would be a wrong value.  Members of M and L are checked when they are
 * read.
 */
static void
attr_unpack(JsonbValue *av, AttrParts *parts)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	JsonbValue *value = &parts->value;
	bool		found = false;

	if (av == NULL || av->type != jbvBinary ||
		!JsonContainerIsObject(av->val.binary.data))
		malformed_attribute("An attribute value is not a JSON object.");

	it = JsonbIteratorInit(av->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			if (found || v.val.string.len >= (int) sizeof(parts->tag))
				malformed_attribute("An attribute value is not an object of one member named by its type.");
			memcpy(parts->tag, v.val.string.val, v.val.string.len);
			parts->tag[v.val.string.len] = '\0';
		}
		else if (tok == WJB_VALUE)
		{
			parts->value = v;
			found = true;
		}
	}
	if (!found)
		malformed_attribute("An attribute value is an empty object.");

	if (TAG_IS(parts, "S") || TAG_IS(parts, "B"))
	{
		if (value->type != jbvString)
			malformed_attribute(psprintf("A value of type %s is not a string.",
										 parts->tag));
	}
	else if (TAG_IS(parts, "N"))
	{
		if (value->type != jbvString ||
			!valid_number(value->val.string.val, value->val.string.len))
			malformed_attribute("A value of type N is not a number in a string.");
	}
	else if (TAG_IS(parts, "BOOL"))
	{
		if (value->type != jbvBool)
			malformed_attribute("A value of type BOOL is not true or false.");
	}
	else if (TAG_IS(parts, "NULL"))
	{
		if (value->type != jbvBool || !value->val.boolean)
			malformed_attribute("A value of type NULL is not true.");
	}
	else if (TAG_IS(parts, "M"))
	{
		if (value->type != jbvBinary ||
			!JsonContainerIsObject(value->val.binary.data))
			malformed_attribute("A value of type M is not an object.");
	}
	else if (TAG_IS(parts, "L") || TAG_IS(parts, "SS") ||
			 TAG_IS(parts, "NS") || TAG_IS(parts, "BS"))
	{
		if (value->type != jbvBinary ||
			!JsonContainerIsArray(value->val.binary.data))
			malformed_attribute(psprintf("A value of type %s is not an array.",
										 parts->tag));
		if (!TAG_IS(parts, "L"))
			check_set_elements(value, TAG_IS(parts, "NS"));
	}
	else
		malformed_attribute(psprintf("\"%s\" is not a type of DynamoDB.",
									 parts->tag));
}

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
	/* through void *: 18 made the bytes uint8, before char */
	len = pg_b64_decode(v->val.string.val, v->val.string.len,
						(void *) VARDATA(result),
						pg_b64_dec_len(v->val.string.len));
	if (len < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("value is not valid base64"),
				 errdetail("dynastore keeps bytes as standard padded base64 text.")));
	SET_VARSIZE(result, VARHDRSZ + len);
	return result;
}

/*
 * Raw bytes read as text: UTF-8, as DynamoDB keeps text, converted to the
 * database encoding; invalid UTF-8 or a zero byte is an error, not a text
 * cut short.
 */
static char *
bytes_as_text(bytea *bytes)
{
	int			len = VARSIZE_ANY_EXHDR(bytes);
	char	   *text = pnstrdup(VARDATA_ANY(bytes), len);

	if (memchr(VARDATA_ANY(bytes), '\0', len) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("binary attribute contains a zero byte and cannot be read as text"),
				 errhint("Declare the column as bytea.")));
	return pg_any_to_server(text, len, PG_UTF8);
}

/*
 * The column's value from its text form.  jsonb (not a domain over it,
 * whose checks its input function makes) goes through the fast path of
 * ddb_json.c when the text is plain JSON, to the same value.
 */
static Datum
input_datum(DsColumn *col, const char *text)
{
	if (col->typid == JSONBOID)
	{
		Jsonb	   *jb = ddb_jsonb_from_text(text, strlen(text), NULL);

		if (jb)
			return JsonbPGetDatum(jb);
	}
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
	Oid			t = col->basetype;

	*isnull = false;
	if (av == NULL)
	{
		*isnull = true;
		return (Datum) 0;
	}
	attr_unpack(av, &parts);
	if (TAG_IS(&parts, "NULL"))
	{
		*isnull = true;
		return (Datum) 0;
	}

	/*
	 * A version that is not a number would condition every write on a value
	 * DynamoDB never matches: refuse it where it is read.
	 */
	if (col->role == DS_ROLE_VERSION && !TAG_IS(&parts, "N"))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("attribute \"%s\" of the record is not a number",
						col->attribute),
				 errdetail("It is of DynamoDB type %s; dynastore keeps the version as N.",
						   parts.tag),
				 errhint("Rewrite the attribute as a number with another tool, or map the column to another attribute.")));

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
			return input_datum(col, bytes_as_text(attr_bytes(&parts)));
		else
		{
			StringInfoData buf;

			initStringInfo(&buf);
			attr_append_json(&buf, av);
			return input_datum(col, buf.data);
		}
	}

	if (TAG_IS(&parts, "B"))
		return input_datum(col, bytes_as_text(attr_bytes(&parts)));

	return input_datum(col, attr_text(av, &parts));
}

/*
 * dynastore's rule: a record whose "expires" is present and earlier than
 * now (in whole seconds) is gone, and so is one whose "expires" is not a
 * number.  Its AtomicPut agrees: it updates only while expires >= now.
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
	attr_unpack(av, &parts);
	if (!TAG_IS(&parts, "N"))
		return true;
	num = pnstrdup(parts.value.val.string.val, parts.value.val.string.len);
	expires = strtod(num, &end);
	if (end == num || *end != '\0')
		return true;
	return expires < (double) now;
}

/*
 * A number (checked by attr_unpack) as JSON.  JSON takes no "+", no
 * leading zeros and no bare "." that DynamoDB's numbers might carry: those
 * go through numeric's text.
 */
static void
append_number(StringInfo buf, JsonbValue *v)
{
	const char *s = v->val.string.val;
	int			len = v->val.string.len;
	int			i = (len > 0 && s[0] == '-') ? 1 : 0;
	bool		plain;

	plain = i < len && isdigit((unsigned char) s[i]) &&
		!(s[i] == '0' && i + 1 < len && isdigit((unsigned char) s[i + 1]));
	for (; plain && i < len && isdigit((unsigned char) s[i]); i++)
		;
	if (plain && i < len && s[i] == '.')
		plain = i + 1 < len && isdigit((unsigned char) s[i + 1]);

	if (plain)
		appendBinaryStringInfo(buf, s, len);
	else
	{
		Datum		num = DirectFunctionCall3(numeric_in,
											  CStringGetDatum(pnstrdup(s, len)),
											  ObjectIdGetDatum(InvalidOid),
											  Int32GetDatum(-1));

		appendStringInfoString(buf,
							   DatumGetCString(DirectFunctionCall1(numeric_out,
																   num)));
	}
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
	attr_unpack(av, &parts);

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


/* ----------------------------------------------------------------------
 * Datums -> AttributeValues, for writes
 *
 * What SQL writes must read back the same, in SQL and in dynastore: the
 * payload as S (text as is, JSON as its text, bytes as standard padded
 * base64), an empty or NULL value as NULL, "expires" as N epoch seconds,
 * fields as S.  Other columns take their natural type: numbers N, booleans
 * BOOL, jsonb the AttributeValue of the same shape, timestamps ISO 8601
 * text that the read side parses back.  Strings go out in UTF-8.
 * ----------------------------------------------------------------------
 */

static char *
to_utf8(const char *s)
{
	return pg_server_to_any(s, strlen(s), PG_UTF8);
}

/* {"S":"..."} of a UTF-8 string; *size gets what DynamoDB counts. */
static char *
av_string(const char *utf8, size_t *size)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"S\":");
	escape_json(&buf, utf8);
	appendStringInfoChar(&buf, '}');
	*size = strlen(utf8);
	return buf.data;
}

/* DynamoDB's size of a number: a byte per two significant digits, and one. */
static size_t
number_size(const char *num)
{
	int			digits = 0;
	const char *p;

	for (p = num; *p && *p != 'e' && *p != 'E'; p++)
		if (*p >= '0' && *p <= '9')
			digits++;
	return (digits + 1) / 2 + 1;
}

/* {"N":"..."} of number text, which needs no escaping. */
static char *
av_number(const char *num, size_t *size)
{
	*size = number_size(num);
	return psprintf("{\"N\":\"%s\"}", num);
}

/* Standard padded base64, as dynastore keeps bytes. */
static char *
base64_text(const char *data, int len)
{
	int			enclen = pg_b64_enc_len(len);
	char	   *out = palloc(enclen + 1);
	int			n = pg_b64_encode((const void *) data, len, out, enclen);	/* uint8 in 18 */

	if (n < 0)
		elog(ERROR, "could not encode %d bytes as base64", len);
	out[n] = '\0';
	return out;
}

/*
 * A timestamp as ISO 8601 text ("2024-05-01T10:00:00Z", fractions of a
 * second only when there are some), independent of DateStyle.
 */
static char *
iso_timestamp(Timestamp ts, bool zulu, DsColumn *col)
{
	struct pg_tm tm;
	fsec_t		fsec;
	StringInfoData buf;

	if (TIMESTAMP_NOT_FINITE(ts) ||
		timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0 ||
		tm.tm_year < 1 || tm.tm_year > 9999)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("value of column \"%s\" is out of range for DynamoDB",
						col->colname),
				 errdetail("Timestamps are written as ISO 8601 text of the years 1 to 9999.")));

	initStringInfo(&buf);
	appendStringInfo(&buf, "%04d-%02d-%02dT%02d:%02d:%02d",
					 tm.tm_year, tm.tm_mon, tm.tm_mday,
					 tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (fsec != 0)
	{
		char		frac[8];
		int			end;

		snprintf(frac, sizeof(frac), ".%06d", (int) fsec);
		for (end = strlen(frac); frac[end - 1] == '0'; end--)
			;
		appendBinaryStringInfo(&buf, frac, end);
	}
	if (zulu)
		appendStringInfoChar(&buf, 'Z');
	return buf.data;
}

static void
check_finite_number(DsColumn *col, bool finite)
{
	if (!finite)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value of column \"%s\" cannot be stored in DynamoDB",
						col->colname),
				 errdetail("DynamoDB numbers cannot be NaN or infinite.")));
}

static void jsonb_value_av(StringInfo buf, JsonbValue *v, size_t *size);

/* The AttributeValue of the same shape as a jsonb container. */
static void
jsonb_container_av(StringInfo buf, JsonbContainer *c, size_t *size)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	bool		first = true;
	bool		object;

	check_stack_depth();
	if (JsonContainerIsScalar(c))
	{
		JsonbExtractScalar(c, &v);
		jsonb_value_av(buf, &v, size);
		return;
	}

	object = JsonContainerIsObject(c);
	appendStringInfoString(buf, object ? "{\"M\":{" : "{\"L\":[");
	*size += 3;
	it = JsonbIteratorInit(c);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			char	   *key = to_utf8(pnstrdup(v.val.string.val,
											   v.val.string.len));

			if (!first)
				appendStringInfoChar(buf, ',');
			first = false;
			escape_json(buf, key);
			appendStringInfoChar(buf, ':');
			*size += strlen(key) + 1;
		}
		else if (tok == WJB_VALUE)
			jsonb_value_av(buf, &v, size);
		else if (tok == WJB_ELEM)
		{
			if (!first)
				appendStringInfoChar(buf, ',');
			first = false;
			jsonb_value_av(buf, &v, size);
			*size += 1;
		}
	}
	appendStringInfoString(buf, object ? "}}" : "]}");
}

static void
jsonb_value_av(StringInfo buf, JsonbValue *v, size_t *size)
{
	size_t		n = 0;

	switch (v->type)
	{
		case jbvNull:
			appendStringInfoString(buf, "{\"NULL\":true}");
			*size += 1;
			break;
		case jbvBool:
			appendStringInfoString(buf, v->val.boolean ?
								   "{\"BOOL\":true}" : "{\"BOOL\":false}");
			*size += 1;
			break;
		case jbvNumeric:
			appendStringInfoString(buf,
								   av_number(DatumGetCString(DirectFunctionCall1(numeric_out,
																				 NumericGetDatum(v->val.numeric))),
											 &n));
			*size += n;
			break;
		case jbvString:
			appendStringInfoString(buf,
								   av_string(to_utf8(pnstrdup(v->val.string.val,
															  v->val.string.len)),
											 &n));
			*size += n;
			break;
		case jbvBinary:
			jsonb_container_av(buf, v->val.binary.data, size);
			break;
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
	}
}

/* A key column's value as UTF-8 text. */
char *
attr_key_text(DsColumn *col, Datum value)
{
	return to_utf8(OutputFunctionCall(&col->outfunc, value));
}

/* A version column's value (bigint, integer or numeric). */
int64
attr_version_value(DsColumn *col, Datum value)
{
	Oid			t = col->basetype;

	if (t == INT8OID)
		return DatumGetInt64(value);
	if (t == INT4OID)
		return (int64) DatumGetInt32(value);
	return DatumGetInt64(DirectFunctionCall1(numeric_int8, value));
}

/* "expires" as whole epoch seconds, rounded down, as dynastore keeps it. */
static char *
expires_number(DsColumn *col, Datum value)
{
	Oid			t = col->basetype;

	if (t == TIMESTAMPOID || t == TIMESTAMPTZOID)
	{
		TimestampTz ts = DatumGetTimestampTz(value);
		int64		secs;

		/* an infinite timestamp stays infinite as timestamptz */
		if (t == TIMESTAMPOID && !TIMESTAMP_NOT_FINITE(ts))
			ts = DatumGetTimestampTz(DirectFunctionCall1(timestamp_timestamptz,
														 value));
		if (TIMESTAMP_NOT_FINITE(ts))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("value of column \"%s\" cannot be stored in DynamoDB",
							col->colname),
					 errdetail("\"expires\" holds epoch seconds, which cannot be infinite.")));
		secs = ts / USECS_PER_SEC;
		if (ts < 0 && secs * USECS_PER_SEC != ts)
			secs--;
		secs += (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
		return psprintf(INT64_FORMAT, secs);
	}
	if (t == NUMERICOID)
	{
		check_finite_number(col, !numeric_is_nan(DatumGetNumeric(value)) &&
							!numeric_is_inf(DatumGetNumeric(value)));
		value = DirectFunctionCall1(numeric_floor, value);
	}
	return OutputFunctionCall(&col->outfunc, value);
}

/*
 * The attribute a column writes.  Its value is NULL when the column says
 * "no attribute" (SQL NULL, except for the payload, which dynastore keeps
 * as NULL): an INSERT leaves the attribute out, an UPDATE removes it.
 * The fields column has its own function below.
 */
DdbAttr *
attr_from_datum(DsColumn *col, Datum value, bool isnull)
{
	Oid			t = col->basetype;
	const char *name = to_utf8(col->attribute);
	char	   *av = NULL;
	size_t		size = 0;

	Assert(col->role != DS_ROLE_FIELDS);

	if (col->role == DS_ROLE_VALUE)
	{
		char	   *text = NULL;

		if (isnull)
			;
		else if (t == BYTEAOID)
		{
			bytea	   *b = DatumGetByteaPP(value);

			if (VARSIZE_ANY_EXHDR(b) > 0)
				text = base64_text(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
		}
		else if (t == JSONBOID)
		{
			Jsonb	   *jb = DatumGetJsonbP(value);

			text = to_utf8(JsonbToCString(NULL, &jb->root, VARSIZE(jb)));
		}
		else
			text = to_utf8(OutputFunctionCall(&col->outfunc, value));

		/* dynastore stores an empty value as NULL */
		if (text == NULL || text[0] == '\0')
		{
			av = pstrdup("{\"NULL\":true}");
			size = 1;
		}
		else
			av = av_string(text, &size);
		return ddb_attr_make(name, av, size);
	}

	if (isnull)
		return ddb_attr_make(name, NULL, 0);

	if (col->role == DS_ROLE_EXPIRES)
	{
		av = av_number(expires_number(col, value), &size);
		return ddb_attr_make(name, av, size);
	}

	switch (t)
	{
		case BOOLOID:
			av = pstrdup(DatumGetBool(value) ?
						 "{\"BOOL\":true}" : "{\"BOOL\":false}");
			size = 1;
			break;
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case OIDOID:
			av = av_number(OutputFunctionCall(&col->outfunc, value), &size);
			break;
		case NUMERICOID:
			check_finite_number(col, !numeric_is_nan(DatumGetNumeric(value)) &&
								!numeric_is_inf(DatumGetNumeric(value)));
			av = av_number(OutputFunctionCall(&col->outfunc, value), &size);
			break;
		case FLOAT4OID:
		case FLOAT8OID:
			{
				double		d = (t == FLOAT4OID) ?
					(double) DatumGetFloat4(value) : DatumGetFloat8(value);

				check_finite_number(col, !isnan(d) && !isinf(d));
				av = av_number(OutputFunctionCall(&col->outfunc, value),
							   &size);
				break;
			}
		case TIMESTAMPTZOID:
			av = av_string(iso_timestamp(DatumGetTimestampTz(value), true, col),
						   &size);
			break;
		case TIMESTAMPOID:
			av = av_string(iso_timestamp(DatumGetTimestamp(value), false, col),
						   &size);
			break;
		case DATEOID:
			{
				DateADT		d = DatumGetDateADT(value);
				int			y = 0,
							m = 0,
							dd = 0;

				if (!DATE_NOT_FINITE(d))
					j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &dd);
				if (DATE_NOT_FINITE(d) || y < 1 || y > 9999)
					ereport(ERROR,
							(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
							 errmsg("value of column \"%s\" is out of range for DynamoDB",
									col->colname),
							 errdetail("Dates are written as ISO 8601 text of the years 1 to 9999.")));
				av = av_string(psprintf("%04d-%02d-%02d", y, m, dd), &size);
				break;
			}
		case JSONBOID:
		case JSONOID:
			{
				Jsonb	   *jb = attr_fields_jsonb(col, value);
				StringInfoData buf;

				initStringInfo(&buf);
				jsonb_container_av(&buf, &jb->root, &size);
				av = buf.data;
				break;
			}
		case BYTEAOID:
			{
				bytea	   *b = DatumGetByteaPP(value);

				av = av_string(base64_text(VARDATA_ANY(b),
										   VARSIZE_ANY_EXHDR(b)), &size);
				break;
			}
		default:
			av = av_string(to_utf8(OutputFunctionCall(&col->outfunc, value)),
						   &size);
			break;
	}
	return ddb_attr_make(name, av, size);
}

/* A json or jsonb value as jsonb. */
Jsonb *
attr_fields_jsonb(DsColumn *col, Datum value)
{
	if (col->basetype == JSONBOID)
		return DatumGetJsonbP(value);
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
											  CStringGetDatum(OutputFunctionCall(&col->outfunc,
																				 value))));
}

static bool
jsonb_values_equal(JsonbValue *a, JsonbValue *b)
{
	return compareJsonbContainers(&JsonbValueToJsonb(a)->root,
								  &JsonbValueToJsonb(b)->root) == 0;
}

/*
 * The attributes of a fields object: each member an S attribute, as
 * dynastore writes fields.  *size gets the bytes of all members.
 *
 * With old (the fields as read), only members that are new or changed are
 * returned, and *removed gets the old members that are gone, as attributes
 * to remove.  A member left as it was read is not written, so a number or
 * other non-string that another tool stored survives an UPDATE of the rest;
 * a member written must be a string.  Member names are the caller's to
 * check.
 */
List *
attr_fields_from_datum(DsColumn *col, Datum value, bool isnull, Jsonb *old,
					   List **removed, size_t *size)
{
	List	   *result = NIL;
	Jsonb	   *jb = NULL;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	char	   *key = NULL;

	*size = 0;
	*removed = NIL;
	if (!isnull)
	{
		jb = attr_fields_jsonb(col, value);
		if (!JB_ROOT_IS_OBJECT(jb))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("value of column \"%s\" must be a JSON object",
							col->colname),
					 errdetail("Each member of the object is an attribute of the record.")));

		it = JsonbIteratorInit(&jb->root);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY)
				key = pnstrdup(v.val.string.val, v.val.string.len);
			else if (tok == WJB_VALUE)
			{
				char	   *name = to_utf8(key);
				JsonbValue *was = NULL;
				size_t		n = 0;

				if (v.type == jbvString)
					(void) av_string(to_utf8(pnstrdup(v.val.string.val,
													  v.val.string.len)), &n);
				else
				{
					StringInfoData scratch;

					initStringInfo(&scratch);
					jsonb_value_av(&scratch, &v, &n);
					pfree(scratch.data);
				}
				*size += strlen(name) + n;

				if (old)
					was = getKeyJsonValueFromContainer(&old->root, key,
													   strlen(key), NULL);
				if (was && jsonb_values_equal(was, &v))
					continue;

				if (v.type != jbvString)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("member \"%s\" of column \"%s\" is not a string",
									key, col->colname),
							 errdetail("dynastore keeps fields as string attributes."),
							 errhint("Write the value as a JSON string, for example with to_jsonb(x::text).")));
				result = lappend(result,
								 ddb_attr_make(name,
											   av_string(to_utf8(pnstrdup(v.val.string.val,
																		  v.val.string.len)),
														 &n),
											   n));
			}
		}
	}

	if (old)
	{
		it = JsonbIteratorInit(&old->root);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok != WJB_KEY)
				continue;
			if (jb == NULL ||
				getKeyJsonValueFromContainer(&jb->root, v.val.string.val,
											 v.val.string.len, NULL) == NULL)
				*removed = lappend(*removed,
								   ddb_attr_make(to_utf8(pnstrdup(v.val.string.val,
																  v.val.string.len)),
												 NULL, 0));
		}
	}
	return result;
}

/* The foreign table's live columns, their roles worked out. */
DsColumn *
attr_table_columns(Relation rel, int *ncolumns)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	DsColumn   *columns = palloc0(sizeof(DsColumn) * Max(tupdesc->natts, 1));
	int			n = 0;

	for (int i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);

		if (att->attisdropped)
			continue;
		attr_column_init(&columns[n++], RelationGetRelid(rel), att->attnum,
						 NameStr(att->attname), att->atttypid,
						 att->atttypmod);
	}
	*ncolumns = n;
	return columns;
}

/*
 * A column whose attribute no record has reads NULL, silently: a
 * misspelled column name looks exactly like an attribute the records lack.
 * A scan notes which attribute columns met their attribute; at its end a
 * column that met none in ATTR_PRESENCE_MIN_RECORDS records or more gets
 * one WARNING per backend, with the attributes of a record in the hint when
 * the scan read whole records.  Fewer records say too little: a lookup of
 * one record without an optional field is no sign of a typo.
 */
#define ATTR_PRESENCE_MIN_RECORDS	5
#define ATTR_PRESENCE_MAX_LISTED	30

struct AttrPresence
{
	Oid			relid;
	DsColumn  **columns;		/* the attribute columns not yet met */
	int			nunseen;
	bool		whole_items;	/* items carry every attribute */
	long		records;
	char	   *first_name;		/* the first record's name, or NULL */
	char	   *first_attributes;	/* its attributes, or NULL */
	MemoryContext cxt;
};

/* Columns warned about in this backend, as (relid, attnum) pairs. */
static List *presence_warned_rels = NIL;
static List *presence_warned_cols = NIL;

static bool
presence_warned(Oid relid, AttrNumber attnum)
{
	ListCell   *r;
	ListCell   *c;

	forboth(r, presence_warned_rels, c, presence_warned_cols)
		if (lfirst_oid(r) == relid && lfirst_int(c) == attnum)
			return true;
	return false;
}

/*
 * A tracker of the attribute columns among columns, or NULL when there is
 * nothing to track (no such column, or all warned about already).  It
 * lives in the current memory context.
 */
AttrPresence *
attr_presence_create(Oid relid, DsColumn *columns, int ncolumns,
					 bool whole_items)
{
	AttrPresence *p = NULL;

	for (int i = 0; i < ncolumns; i++)
	{
		if (columns[i].role != DS_ROLE_ATTRIBUTE ||
			presence_warned(relid, columns[i].attnum))
			continue;
		if (p == NULL)
		{
			p = palloc0(sizeof(AttrPresence));
			p->relid = relid;
			p->columns = palloc(sizeof(DsColumn *) * ncolumns);
			p->whole_items = whole_items;
			p->cxt = CurrentMemoryContext;
		}
		p->columns[p->nunseen++] = &columns[i];
	}
	return p;
}

static int
compare_name_cells(const ListCell *a, const ListCell *b)
{
	return strcmp(lfirst(a), lfirst(b));
}

/* The top-level attribute names of an item, sorted, comma-separated. */
static char *
item_attribute_names(JsonbContainer *item)
{
	JsonbIterator *it = JsonbIteratorInit(item);
	JsonbIteratorToken tok;
	JsonbValue	v;
	List	   *names = NIL;
	StringInfoData buf;
	ListCell   *lc;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		if (tok == WJB_KEY)
			names = lappend(names, pnstrdup(v.val.string.val,
											v.val.string.len));
	list_sort(names, compare_name_cells);
	initStringInfo(&buf);
	foreach(lc, names)
	{
		if (foreach_current_index(lc) == ATTR_PRESENCE_MAX_LISTED)
		{
			appendStringInfoString(&buf, ", ...");
			break;
		}
		appendStringInfo(&buf, "%s%s", buf.len ? ", " : "",
						 (char *) lfirst(lc));
	}
	return buf.data;
}

/* Note the attributes of one record read. */
void
attr_presence_note(AttrPresence *p, JsonbContainer *item)
{
	if (p == NULL || p->nunseen == 0)
		return;
	if (p->records++ == 0)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(p->cxt);
		JsonbValue *nv = ddb_json_get(item, "name");

		if (nv && nv->type == jbvBinary)
			p->first_name = ddb_json_get_string(nv->val.binary.data, "S");
		if (p->whole_items)
			p->first_attributes = item_attribute_names(item);
		MemoryContextSwitchTo(oldcxt);
	}
	for (int i = 0; i < p->nunseen;)
	{
		if (ddb_json_get(item, p->columns[i]->attribute) != NULL)
			p->columns[i] = p->columns[--p->nunseen];
		else
			i++;
	}
}

/* At the end of a scan: warn about the columns no record had. */
void
attr_presence_report(AttrPresence *p, const char *relname)
{
	if (p == NULL || p->records < ATTR_PRESENCE_MIN_RECORDS)
		return;
	for (int i = 0; i < p->nunseen; i++)
	{
		DsColumn   *col = p->columns[i];
		MemoryContext oldcxt;

		if (presence_warned(p->relid, col->attnum))
			continue;
		oldcxt = MemoryContextSwitchTo(TopMemoryContext);
		presence_warned_rels = lappend_oid(presence_warned_rels, p->relid);
		presence_warned_cols = lappend_int(presence_warned_cols, col->attnum);
		MemoryContextSwitchTo(oldcxt);

		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("column \"%s\" of foreign table \"%s\" matched no attribute in the %ld records read",
						col->colname, relname, p->records),
				 errdetail("No record read has an attribute \"%s\", so the column read NULL for each.",
						   col->attribute),
				 p->first_attributes ?
				 errhint("If the column name is misspelled, rename the column or set its option attribute.  Record \"%s\" has the attributes %s.",
						 p->first_name ? p->first_name : "?",
						 p->first_attributes) :
				 errhint("If the column name is misspelled, rename the column or set its option attribute.  A column \"fields jsonb\" shows the attributes that no other column claims.")));
	}
}

/*
 * The attributes that are not fields: the record's own and those of every
 * column of the table, whether or not a query reads the column, so that
 * fields holds the same members in every query.
 */
const char **
attr_claimed_names(DsColumn *columns, int ncolumns, int *nclaimed)
{
	const char **claimed = palloc(sizeof(char *) *
								  (lengthof(attr_reserved) + ncolumns));
	int			n = 0;

	for (int i = 0; i < lengthof(attr_reserved); i++)
		claimed[n++] = attr_reserved[i];
	for (int i = 0; i < ncolumns; i++)
		if (columns[i].attribute)
			claimed[n++] = columns[i].attribute;
	*nclaimed = n;
	return claimed;
}

/*
 * The fields column of an item: every attribute not among the claimed
 * names, each as its natural JSON, in one object.
 */
Datum
attr_fields_datum(DsColumn *col, JsonbContainer *item,
				  const char *const *claimed, int nclaimed)
{
	StringInfoData buf;
	JsonbIterator *it = JsonbIteratorInit(item);
	JsonbIteratorToken tok;
	JsonbValue	v;
	bool		skip = false;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			skip = false;
			for (int i = 0; i < nclaimed && !skip; i++)
				skip = ((int) strlen(claimed[i]) == v.val.string.len &&
						memcmp(claimed[i], v.val.string.val,
							   v.val.string.len) == 0);
			if (skip)
				continue;
			if (!first)
				appendStringInfoChar(&buf, ',');
			first = false;
			ddb_json_string_len(&buf, v.val.string.val, v.val.string.len);
			appendStringInfoChar(&buf, ':');
		}
		else if (tok == WJB_VALUE && !skip)
			attr_append_json(&buf, &v);
	}
	appendStringInfoChar(&buf, '}');
	return input_datum(col, buf.data);
}

/*
 * Whether two AttributeValues are the same value.  Numbers compare by
 * value, since DynamoDB normalizes them ("1.50" comes back as "1.5").
 */
bool
attr_equal(JsonbValue *a, JsonbValue *b)
{
	AttrParts	pa;
	AttrParts	pb;
	JsonbValue *va;
	JsonbValue *vb;

	check_stack_depth();
	if (a == NULL || b == NULL)
		return false;
	attr_unpack(a, &pa);
	attr_unpack(b, &pb);
	if (strcmp(pa.tag, pb.tag) != 0)
		return false;
	va = &pa.value;
	vb = &pb.value;

	if (TAG_IS(&pa, "N"))
	{
		char	   *na;
		char	   *nb;

		if (va->type != jbvString || vb->type != jbvString)
			return false;
		na = pnstrdup(va->val.string.val, va->val.string.len);
		nb = pnstrdup(vb->val.string.val, vb->val.string.len);
		return DatumGetBool(DirectFunctionCall2(numeric_eq,
												DirectFunctionCall3(numeric_in, CStringGetDatum(na),
																	ObjectIdGetDatum(InvalidOid),
																	Int32GetDatum(-1)),
												DirectFunctionCall3(numeric_in, CStringGetDatum(nb),
																	ObjectIdGetDatum(InvalidOid),
																	Int32GetDatum(-1))));
	}
	if (TAG_IS(&pa, "M") || TAG_IS(&pa, "L"))
	{
		JsonbIterator *it;
		JsonbIteratorToken tok;
		JsonbValue	v;
		int			i = 0;

		if (va->type != jbvBinary || vb->type != jbvBinary ||
			JsonContainerSize(va->val.binary.data) !=
			JsonContainerSize(vb->val.binary.data))
			return false;
		it = JsonbIteratorInit(va->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			JsonbValue *other;

			if (tok == WJB_KEY)
			{
				JsonbValue	member;

				other = getKeyJsonValueFromContainer(vb->val.binary.data,
													 v.val.string.val,
													 v.val.string.len, NULL);
				tok = JsonbIteratorNext(&it, &member, true);
				if (other == NULL || !attr_equal(&member, other))
					return false;
			}
			else if (tok == WJB_ELEM)
			{
				other = getIthJsonbValueFromContainer(vb->val.binary.data, i++);
				if (other == NULL || !attr_equal(&v, other))
					return false;
			}
		}
		return true;
	}
	/* S, B, BOOL, NULL and the sets: the same JSON */
	return jsonb_values_equal(va, vb);
}

/* Now as epoch seconds, what expiry is decided against. */
int64
attr_now(void)
{
	return (int64) (GetCurrentTimestamp() / USECS_PER_SEC) +
		(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
}
