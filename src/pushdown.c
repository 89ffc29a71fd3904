/*-------------------------------------------------------------------------
 *
 * pushdown.c
 *		Which quals DynamoDB can answer as key conditions.
 *
 * DynamoDB compares string keys by the bytes of their UTF-8 text, as the
 * "C" collation does in a UTF-8 database.  So equality and prefixes are
 * pushed under any deterministic collation, but <, <=, >, >= and BETWEEN
 * only under "C" or "POSIX" in a UTF-8 database: under another collation
 * DynamoDB would return a different set of rows than PostgreSQL computes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/pg_locale.h"

#include "pg_compat.h"
#include "pushdown.h"

static const char *key_attribute(Expr *expr, Index relid, List *key_columns);
static bool is_value_expr(Expr *expr, RelOptInfo *baserel);
static DdbCondOp commute(DdbCondOp op);
static bool orders_like_dynamodb(Oid collation);

/*
 * The key attribute a Var of the foreign table stands for, or NULL.
 * A RelabelType (varchar seen as text) is looked through.
 */
static const char *
key_attribute(Expr *expr, Index relid, List *key_columns)
{
	Var		   *var;
	ListCell   *lc;

	if (expr && IsA(expr, RelabelType))
		expr = ((RelabelType *) expr)->arg;
	if (expr == NULL || !IsA(expr, Var))
		return NULL;
	var = (Var *) expr;
	if (var->varno != relid || var->varlevelsup != 0)
		return NULL;
	foreach(lc, key_columns)
	{
		DsKeyColumn *kc = lfirst(lc);

		if (kc->attnum == var->varattno)
			return kc->attribute;
	}
	return NULL;
}

/*
 * A value computed once per scan (or per rescan): no Var of the foreign
 * table itself and nothing volatile.  Vars of other relations make the
 * path parameterized.
 */
static bool
is_value_expr(Expr *expr, RelOptInfo *baserel)
{
	Relids		relids = pull_varnos(NULL, (Node *) expr);

	if (bms_is_member(baserel->relid, relids))
		return false;
	if (contain_volatile_functions((Node *) expr))
		return false;
	return exprType((Node *) expr) == TEXTOID ||
		exprType((Node *) expr) == VARCHAROID ||
		exprType((Node *) expr) == TEXTARRAYOID;
}

static DdbCondOp
commute(DdbCondOp op)
{
	switch (op)
	{
		case DDB_COND_LT:
			return DDB_COND_GT;
		case DDB_COND_LE:
			return DDB_COND_GE;
		case DDB_COND_GT:
			return DDB_COND_LT;
		case DDB_COND_GE:
			return DDB_COND_LE;
		default:
			return op;
	}
}

static bool
orders_like_dynamodb(Oid collation)
{
	return OidIsValid(collation) && lc_collate_is_c(collation) &&
		GetDatabaseEncoding() == PG_UTF8;
}

/*
 * The literal prefix of a LIKE pattern (default escape "\"), or NULL when
 * the pattern starts with a wildcard.  *exact tells whether the pattern is
 * the prefix followed by nothing but "%", so begins_with is the whole qual.
 */
char *
ds_like_prefix(const char *pattern, bool *exact)
{
	StringInfoData buf;
	const char *p = pattern;

	initStringInfo(&buf);
	while (*p && *p != '%' && *p != '_')
	{
		int			len;

		if (*p == '\\')
		{
			p++;
			if (*p == '\0')
				break;			/* a trailing escape: LIKE raises the error */
		}
		len = pg_mblen(p);
		appendBinaryStringInfo(&buf, p, len);
		p += len;
	}

	*exact = (*p == '%');
	while (*exact && *p == '%')
		p++;
	*exact = *exact && *p == '\0';

	if (buf.len == 0)
		return NULL;
	return buf.data;
}

/*
 * The key condition a qual amounts to, or NULL.  Recognised shapes, with
 * "key" a text key column and "v" a value expression:
 *   key = v, v = key, key = ANY(v)            any deterministic collation
 *   key LIKE 'prefix%', starts_with(key, v),
 *   key ^@ v                                   any deterministic collation
 *   key < v, <=, >, >= (either side)           "C" collation only
 */
DsKeyQual *
ds_key_qual(PlannerInfo *root, RelOptInfo *baserel, RestrictInfo *rinfo,
			List *key_columns)
{
	Expr	   *clause = rinfo->clause;
	DsKeyQual  *kq;
	const char *attribute = NULL;
	Expr	   *value = NULL;
	Oid			funcid = InvalidOid;
	Oid			collation = InvalidOid;
	bool		swapped = false;
	bool		is_array = false;

	if (IsA(clause, OpExpr) && list_length(((OpExpr *) clause)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) clause;
		Expr	   *left = linitial(op->args);
		Expr	   *right = lsecond(op->args);

		funcid = get_opcode(op->opno);
		collation = op->inputcollid;
		attribute = key_attribute(left, baserel->relid, key_columns);
		value = right;
		if (attribute == NULL)
		{
			attribute = key_attribute(right, baserel->relid, key_columns);
			value = left;
			swapped = true;
		}
	}
	else if (IsA(clause, FuncExpr) &&
			 ((FuncExpr *) clause)->funcid == F_STARTS_WITH &&
			 list_length(((FuncExpr *) clause)->args) == 2)
	{
		FuncExpr   *fe = (FuncExpr *) clause;

		funcid = F_STARTS_WITH;
		collation = fe->inputcollid;
		attribute = key_attribute(linitial(fe->args), baserel->relid,
								  key_columns);
		value = lsecond(fe->args);
	}
	else if (IsA(clause, ScalarArrayOpExpr) &&
			 ((ScalarArrayOpExpr *) clause)->useOr)
	{
		ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) clause;

		funcid = get_opcode(sa->opno);
		collation = sa->inputcollid;
		attribute = key_attribute(linitial(sa->args), baserel->relid,
								  key_columns);
		value = lsecond(sa->args);
		is_array = true;
	}

	if (attribute == NULL || value == NULL || !is_value_expr(value, baserel))
		return NULL;
	if (OidIsValid(collation) && !get_collation_isdeterministic(collation))
		return NULL;

	kq = palloc0(sizeof(DsKeyQual));
	kq->rinfo = rinfo;
	kq->attribute = attribute;
	kq->arg = value;
	kq->exact = true;
	kq->is_array = is_array;

	switch (funcid)
	{
		case F_TEXTEQ:
			kq->op = DDB_COND_EQ;
			break;
		case F_STARTS_WITH:
			if (swapped || is_array)
				return NULL;
			kq->op = DDB_COND_BEGINS_WITH;
			break;
		case F_TEXTLIKE:
			{
				char	   *prefix;
				bool		exact;

				if (swapped || is_array || !IsA(value, Const) ||
					((Const *) value)->constisnull)
					return NULL;
				prefix = ds_like_prefix(TextDatumGetCString(((Const *) value)->constvalue),
										&exact);
				if (prefix == NULL)
					return NULL;
				kq->op = DDB_COND_BEGINS_WITH;
				kq->arg = (Expr *) makeConst(TEXTOID, -1, collation, -1,
											 CStringGetTextDatum(prefix),
											 false, false);
				kq->exact = exact;
				break;
			}
		case F_TEXT_LT:
		case F_TEXT_LE:
		case F_TEXT_GT:
		case F_TEXT_GE:
			if (is_array || !orders_like_dynamodb(collation))
				return NULL;
			kq->op = funcid == F_TEXT_LT ? DDB_COND_LT :
				funcid == F_TEXT_LE ? DDB_COND_LE :
				funcid == F_TEXT_GT ? DDB_COND_GT : DDB_COND_GE;
			if (swapped)
				kq->op = commute(kq->op);
			break;
		default:
			return NULL;
	}
	if (is_array && kq->op != DDB_COND_EQ)
		return NULL;
	return kq;
}
