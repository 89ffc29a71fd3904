/*-------------------------------------------------------------------------
 *
 * modify.c
 *		INSERT, UPDATE and DELETE as dynastore's AtomicPut and AtomicDelete.
 *
 * Every write is conditional, so that SQL writers are as safe as apps that
 * use dynastore: INSERT creates only where no live record has the key
 * (23505 otherwise), UPDATE and DELETE apply only to the version that the
 * statement read (40001 otherwise).  The version read travels from the scan
 * to here as a row identity column, like postgres_fdw's ctid; so do the key
 * and, for UPDATE, the fields as read, from which the attributes to remove
 * are worked out.
 *
 * Nothing is sent from here: each write goes to the statement's write
 * buffer (write_buffer.c), which sends them all when the statement has
 * produced them, exactly once and, up to 100 records, all or nothing.
 * Only INSERT ... ON CONFLICT DO NOTHING sends each batch at once, since
 * the executor must know which rows were inserted.
 *
 * ROLLBACK does not undo what a statement wrote.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "foreign/foreign.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "optimizer/appendinfo.h"
#include "optimizer/inherit.h"
#include "optimizer/pathnode.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "attr_value.h"
#include "aws_client.h"
#include "ddb_json.h"
#include "ddb_write.h"
#include "modify.h"
#include "option.h"
#include "txn_writes.h"
#include "write_buffer.h"

/* Positions in ModifyTable.fdw_private, written by ds_plan_modify. */
enum DsModifyPrivate
{
	DS_MOD_TARGET_ATTRS,		/* IntList: the columns UPDATE assigns */
	DS_MOD_DO_NOTHING			/* Boolean: ON CONFLICT DO NOTHING */
};

/* Row identity columns that the scan hands to UPDATE and DELETE. */
#define DS_JUNK_NAME		"ds_name"
#define DS_JUNK_ID			"ds_id"
#define DS_JUNK_VERSION		"ds_version"
#define DS_JUNK_FIELDS		"ds_fields"
#define DS_JUNK_ROW			"ds_wholerow"

typedef struct DsModifyState
{
	Relation	rel;
	CmdType		operation;
	DsTableOptions *opts;

	DsColumn   *columns;		/* every live column */
	int			ncolumns;
	DsColumn   *id_col;			/* the columns of the record's parts */
	DsColumn   *name_col;
	DsColumn   *version_col;
	DsColumn   *fields_col;
	const char **claimed;		/* attributes no fields member may take */
	int			nclaimed;

	List	   *target_attrs;	/* UPDATE: the columns written */
	bool		do_nothing;		/* INSERT ... ON CONFLICT DO NOTHING */

	/* row identity columns in the subplan's output */
	AttrNumber	junk_name;
	AttrNumber	junk_id;
	AttrNumber	junk_version;
	AttrNumber	junk_fields;
	AttrNumber	junk_row;

	MemoryContext temp_cxt;		/* reset per row or batch */
	MemoryContext batch_cxt;	/* the array a batch insert returns */

	DsWriteBuffer *buffer;		/* the statement's writes */
	DsWriteStats stats;			/* for EXPLAIN ANALYZE */
} DsModifyState;

/* A row of an INSERT, ready for the buffer. */
typedef struct DsPendingRow
{
	DsWrite		write;
	DsWrite    *buffered;		/* the buffer's copy; NULL: not written */
} DsPendingRow;

static DsColumn *column_of_role(DsColumn *columns, int ncolumns,
								DsColumnRole role);
static char *table_partition(Oid relid);
static void require_column(Relation rel, const char *column,
						   const char *command, const char *why);
static void add_identity(PlannerInfo *root, Index rtindex, Relation rel,
						 DsColumn *col, const char *name);
static DsModifyState *create_modify_state(ResultRelInfo *rinfo,
										  EState *estate, CmdType operation,
										  List *target_attrs,
										  bool do_nothing);
static DsColumn *column_by_attnum(DsModifyState *st, AttrNumber attnum);
static int	insert_rows(DsModifyState *st, ResultRelInfo *rinfo,
						TupleTableSlot **slots, int nslots,
						TupleTableSlot **inserted);
static void prepare_insert(DsModifyState *st, TupleTableSlot *slot,
						   DsPendingRow *row);
static void check_key(DsModifyState *st, DdbKey *key);
static void check_field_names(DsModifyState *st, List *attrs);
static List *add_attr(List *attrs, DdbAttr *attr, DsColumn *col,
					  List **owners);
static void check_item_size(DsModifyState *st, const DdbKey *shown,
							size_t size);
static size_t row_size(DsModifyState *st, TupleTableSlot *slot,
					   Jsonb *old_fields);
static void identity_of(DsModifyState *st, TupleTableSlot *planSlot,
						DdbKey *key, DdbKey *shown, bool *has_version,
						int64 *version);
static List *row_attrs(DsModifyState *st, TupleTableSlot *slot,
					   List **owners);
static void identity_missing(DsModifyState *st, DsColumn *col,
							 const char *attribute) pg_attribute_noreturn();
static void check_version_room(DsModifyState *st, const DdbKey *shown,
							   bool has_version, int64 version);
static Jsonb *parse_item(const char *json, const char *operation);
static void fill_from_item(DsModifyState *st, TupleTableSlot *slot,
						   JsonbContainer *item);
static void set_version(DsModifyState *st, TupleTableSlot *slot,
						int64 version);
static void show_as_stored(DsModifyState *st, TupleTableSlot *slot);
static char *normalized_number(char *av);


/* ---------------------------------------------------------------------
 * Planner callbacks
 * ---------------------------------------------------------------------
 */

/*
 * Ask the scan for what UPDATE and DELETE need to condition their write:
 * the key and the version read, and for UPDATE the fields as read.  These
 * are the table's own columns, so a table without a version column cannot
 * be updated: there would be nothing to condition on.
 */
void
ds_add_update_targets(PlannerInfo *root, Index rtindex,
					  RangeTblEntry *target_rte, Relation target_relation)
{
	CmdType		operation = root->parse->commandType;
	const char *command = (operation == CMD_DELETE) ? "DELETE" : "UPDATE";
	int			ncolumns;
	DsColumn   *columns = attr_table_columns(target_relation, &ncolumns);
	DsColumn   *name_col = column_of_role(columns, ncolumns, DS_ROLE_NAME);
	DsColumn   *id_col = column_of_role(columns, ncolumns, DS_ROLE_ID);
	DsColumn   *version_col = column_of_role(columns, ncolumns,
											 DS_ROLE_VERSION);
	DsColumn   *fields_col = column_of_role(columns, ncolumns,
											DS_ROLE_FIELDS);
	bool		partitioned = table_partition(RelationGetRelid(target_relation)) != NULL;

	if (name_col == NULL)
		require_column(target_relation, "name", command,
					   "It is the key of the record.");
	if (id_col == NULL && !partitioned)
		require_column(target_relation, "id", command,
					   "Without the partition option it is part of the key of the record.");
	if (version_col == NULL)
		require_column(target_relation, "version", command,
					   "The write is conditioned on the version each record had when the statement read it.");

	add_identity(root, rtindex, target_relation, name_col, DS_JUNK_NAME);
	if (!partitioned)
		add_identity(root, rtindex, target_relation, id_col, DS_JUNK_ID);
	add_identity(root, rtindex, target_relation, version_col,
				 DS_JUNK_VERSION);
	if (operation == CMD_UPDATE && fields_col != NULL)
		add_identity(root, rtindex, target_relation, fields_col,
					 DS_JUNK_FIELDS);

	/* DELETE ... RETURNING returns the row as read, which is what went */
	if (operation == CMD_DELETE && root->parse->returningList != NIL)
		add_row_identity_var(root,
							 makeWholeRowVar(target_rte, rtindex, 0, false),
							 rtindex, DS_JUNK_ROW);
}

/*
 * Note what the executor needs: for UPDATE the columns assigned (which
 * must not be the key or the version), and whether INSERT skips conflicts.
 */
List *
ds_plan_modify(PlannerInfo *root, ModifyTable *plan, Index resultRelation,
			   int subplan_index)
{
	CmdType		operation = plan->operation;
	List	   *target_attrs = NIL;
	bool		do_nothing = false;

	if (operation == CMD_UPDATE)
	{
		RangeTblEntry *rte = planner_rt_fetch(resultRelation, root);
		RelOptInfo *rel = find_base_rel(root, resultRelation);
		Bitmapset  *cols = get_rel_all_updated_cols(root, rel);
		Relation	relation = table_open(rte->relid, NoLock);
		int			ncolumns;
		DsColumn   *columns = attr_table_columns(relation, &ncolumns);
		int			col = -1;

		while ((col = bms_next_member(cols, col)) >= 0)
		{
			AttrNumber	attno = col + FirstLowInvalidHeapAttributeNumber;
			DsColumn   *c = NULL;

			if (attno <= InvalidAttrNumber)
				elog(ERROR, "system-column update is not supported");
			for (int i = 0; i < ncolumns; i++)
				if (columns[i].attnum == attno)
					c = &columns[i];
			if (c == NULL)
				continue;
			if (c->role == DS_ROLE_VERSION)
				ereport(ERROR,
						(errcode(ERRCODE_GENERATED_ALWAYS),
						 errmsg("column \"%s\" of foreign table \"%s\" cannot be assigned",
								c->colname, RelationGetRelationName(relation)),
						 errdetail("The wrapper manages the version: 1 on INSERT, one more on each UPDATE.")));
			if (c->role == DS_ROLE_ID || c->role == DS_ROLE_NAME)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot change the key of a record in foreign table \"%s\"",
								RelationGetRelationName(relation)),
						 errdetail("Column \"%s\" is part of the record's key.",
								   c->colname),
						 errhint("Delete the record and insert it under the new key.")));
			target_attrs = lappend_int(target_attrs, attno);
		}
		table_close(relation, NoLock);
	}

	if (plan->onConflictAction == ONCONFLICT_NOTHING)
		do_nothing = true;
	else if (plan->onConflictAction != ONCONFLICT_NONE)
		elog(ERROR, "unexpected ON CONFLICT specification: %d",
			 (int) plan->onConflictAction);

	return list_make2(target_attrs, makeBoolean(do_nothing));
}

static DsColumn *
column_of_role(DsColumn *columns, int ncolumns, DsColumnRole role)
{
	for (int i = 0; i < ncolumns; i++)
		if (columns[i].role == role)
			return &columns[i];
	return NULL;
}

/* The partition option of a foreign table, without a user mapping. */
static char *
table_partition(Oid relid)
{
	ListCell   *lc;

	foreach(lc, GetForeignTable(relid)->options)
	{
		DefElem    *def = lfirst(lc);

		if (strcmp(def->defname, "partition") == 0)
			return defGetString(def);
	}
	return NULL;
}

static void
require_column(Relation rel, const char *column, const char *command,
			   const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
			 errmsg("%s on foreign table \"%s\" needs a column \"%s\"",
					command, RelationGetRelationName(rel), column),
			 errdetail("%s", why),
			 strcmp(column, "version") == 0 ?
			 errhint("Add it: ALTER FOREIGN TABLE %s ADD COLUMN version bigint.",
					 quote_identifier(RelationGetRelationName(rel))) :
			 errhint("Add it: ALTER FOREIGN TABLE %s ADD COLUMN %s text.",
					 quote_identifier(RelationGetRelationName(rel)), column)));
}

/*
 * The Var must be the column's own, collation included: the planner keeps
 * one Var a column in the scan's targetlist, and a sort by the column
 * (a merge join on name COLLATE "C") must find it there.
 */
static void
add_identity(PlannerInfo *root, Index rtindex, Relation rel, DsColumn *col,
			 const char *name)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel),
										  col->attnum - 1);

	add_row_identity_var(root,
						 makeVar(rtindex, col->attnum, att->atttypid,
								 att->atttypmod, att->attcollation, 0),
						 rtindex, name);
}


/* ---------------------------------------------------------------------
 * Executor callbacks
 * ---------------------------------------------------------------------
 */

void
ds_begin_modify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
				List *fdw_private, int subplan_index, int eflags)
{
	DsModifyState *st;

	st = create_modify_state(rinfo, mtstate->ps.state, mtstate->operation,
							 (List *) list_nth(fdw_private,
											   DS_MOD_TARGET_ATTRS),
							 boolVal(list_nth(fdw_private,
											  DS_MOD_DO_NOTHING)));
	rinfo->ri_FdwState = st;

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	if (st->operation == CMD_UPDATE || st->operation == CMD_DELETE)
	{
		Plan	   *subplan = outerPlanState(mtstate)->plan;

		st->junk_name = ExecFindJunkAttributeInTlist(subplan->targetlist,
													 DS_JUNK_NAME);
		st->junk_id = ExecFindJunkAttributeInTlist(subplan->targetlist,
												   DS_JUNK_ID);
		st->junk_version = ExecFindJunkAttributeInTlist(subplan->targetlist,
														DS_JUNK_VERSION);
		st->junk_fields = ExecFindJunkAttributeInTlist(subplan->targetlist,
													   DS_JUNK_FIELDS);
		st->junk_row = ExecFindJunkAttributeInTlist(subplan->targetlist,
													DS_JUNK_ROW);
		if (!AttributeNumberIsValid(st->junk_name) ||
			!AttributeNumberIsValid(st->junk_version) ||
			(st->opts->partition == NULL &&
			 !AttributeNumberIsValid(st->junk_id)))
			elog(ERROR, "could not find the row identity of foreign table \"%s\"",
				 RelationGetRelationName(st->rel));
	}
}

/*
 * COPY and tuple routing into a foreign partition insert without a plan
 * of their own.
 */
void
ds_begin_insert(ModifyTableState *mtstate, ResultRelInfo *rinfo)
{
	ModifyTable *plan = castNode(ModifyTable, mtstate->ps.plan);
	bool		do_nothing = false;

	if (plan && plan->operation == CMD_UPDATE && rinfo->ri_FdwState)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot route tuples into foreign table \"%s\" that is being updated",
						RelationGetRelationName(rinfo->ri_RelationDesc))));
	if (plan && plan->onConflictAction == ONCONFLICT_NOTHING)
		do_nothing = true;
	else if (plan && plan->onConflictAction != ONCONFLICT_NONE)
		elog(ERROR, "unexpected ON CONFLICT specification: %d",
			 (int) plan->onConflictAction);

	/*
	 * COPY runs no ExecutorStart, which would mark its command id used:
	 * commit mode tags its writes with it, so that cursors opened before
	 * do not see them.
	 */
	if (plan == NULL)
		mtstate->ps.state->es_output_cid = GetCurrentCommandId(true);
	rinfo->ri_FdwState = create_modify_state(rinfo, mtstate->ps.state,
											 CMD_INSERT, NIL, do_nothing);
}

static DsModifyState *
create_modify_state(ResultRelInfo *rinfo, EState *estate, CmdType operation,
					List *target_attrs, bool do_nothing)
{
	Relation	rel = rinfo->ri_RelationDesc;
	Oid			userid = ds_result_rel_check_as_user(rinfo, estate);
	DsModifyState *st = palloc0(sizeof(DsModifyState));

	st->rel = rel;
	st->operation = operation;
	st->opts = ds_get_table_options(RelationGetRelid(rel), userid);
	st->columns = attr_table_columns(rel, &st->ncolumns);
	st->id_col = column_of_role(st->columns, st->ncolumns, DS_ROLE_ID);
	st->name_col = column_of_role(st->columns, st->ncolumns, DS_ROLE_NAME);
	st->version_col = column_of_role(st->columns, st->ncolumns,
									 DS_ROLE_VERSION);
	st->fields_col = column_of_role(st->columns, st->ncolumns,
									DS_ROLE_FIELDS);
	st->target_attrs = target_attrs;
	st->do_nothing = do_nothing;

	st->claimed = attr_claimed_names(st->columns, st->ncolumns,
									 &st->nclaimed);

	/*
	 * A BEFORE UPDATE trigger may change any column, not only those the
	 * statement assigns: write them all (the row holds every column).
	 */
	if (operation == CMD_UPDATE && rinfo->ri_TrigDesc &&
		rinfo->ri_TrigDesc->trig_update_before_row)
	{
		st->target_attrs = NIL;
		for (int i = 0; i < st->ncolumns; i++)
			if (st->columns[i].role == DS_ROLE_VALUE ||
				st->columns[i].role == DS_ROLE_EXPIRES ||
				st->columns[i].role == DS_ROLE_ATTRIBUTE ||
				st->columns[i].role == DS_ROLE_FIELDS)
				st->target_attrs = lappend_int(st->target_attrs,
											   st->columns[i].attnum);
	}

	if (operation == CMD_INSERT)
	{
		if (st->name_col == NULL)
			require_column(rel, "name", "INSERT", "It is the key of the record.");
		if (st->id_col == NULL && st->opts->partition == NULL)
			require_column(rel, "id", "INSERT",
						   "Without the partition option it is part of the key of the record.");
		if (do_nothing && st->opts->insert_mode == DS_INSERT_PUT)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("ON CONFLICT DO NOTHING is not supported on foreign table \"%s\"",
							RelationGetRelationName(rel)),
					 errdetail("With insert_mode 'put' an INSERT replaces whatever has the key, so nothing conflicts."),
					 errhint("Use insert_mode 'create' to skip records that exist.")));
	}

	st->buffer = ds_write_buffer(estate, st->opts, do_nothing);
	st->temp_cxt = AllocSetContextCreate(estate->es_query_cxt,
										 "dynastore_fdw modify",
										 ALLOCSET_DEFAULT_SIZES);
	st->batch_cxt = AllocSetContextCreate(estate->es_query_cxt,
										  "dynastore_fdw batch",
										  ALLOCSET_SMALL_SIZES);
	return st;
}

/*
 * Rows an INSERT hands over at once.  Batching stays off whenever each row
 * must be seen before the next (RETURNING, row triggers, WITH CHECK
 * OPTION), as in postgres_fdw.
 */
int
ds_modify_batch_size(ResultRelInfo *rinfo)
{
	DsModifyState *st = rinfo->ri_FdwState;

	if (rinfo->ri_projectReturning != NULL ||
		rinfo->ri_WithCheckOptions != NIL ||
		(rinfo->ri_TrigDesc &&
		 (rinfo->ri_TrigDesc->trig_insert_before_row ||
		  rinfo->ri_TrigDesc->trig_insert_after_row)))
		return 1;
	return st ? st->opts->batch_size : DS_DEFAULT_BATCH_SIZE;
}

TupleTableSlot *
ds_exec_insert(EState *estate, ResultRelInfo *rinfo, TupleTableSlot *slot,
			   TupleTableSlot *planSlot)
{
	DsModifyState *st = rinfo->ri_FdwState;
	TupleTableSlot *inserted;

	return insert_rows(st, rinfo, &slot, 1, &inserted) == 1 ? slot : NULL;
}

/*
 * A batch's conditional writes go out together, each on its own
 * connection.  The slots of the rows written are returned in an array of
 * our own: the executor reuses the slots it passed, so theirs must stay as
 * they are.
 */
TupleTableSlot **
ds_exec_batch_insert(EState *estate, ResultRelInfo *rinfo,
					 TupleTableSlot **slots, TupleTableSlot **planSlots,
					 int *numSlots)
{
	DsModifyState *st = rinfo->ri_FdwState;
	TupleTableSlot **inserted;

	MemoryContextReset(st->batch_cxt);
	inserted = MemoryContextAlloc(st->batch_cxt,
								  sizeof(TupleTableSlot *) * Max(*numSlots, 1));
	*numSlots = insert_rows(st, rinfo, slots, *numSlots, inserted);
	return inserted;
}

/*
 * Insert rows: check them all, then hand them to the statement's buffer.
 * A key the statement writes already is a duplicate, as a second row with
 * one key is in a local table with a unique index.  Under ON CONFLICT DO
 * NOTHING the rows go out at once, and those that found a record are
 * skipped.  Returns how many were inserted, and their slots in inserted[].
 */
static int
insert_rows(DsModifyState *st, ResultRelInfo *rinfo, TupleTableSlot **slots,
			int nslots, TupleTableSlot **inserted)
{
	MemoryContext oldcxt;
	DsPendingRow *rows;
	int			ninserted = 0;

	MemoryContextReset(st->temp_cxt);
	oldcxt = MemoryContextSwitchTo(st->temp_cxt);

	rows = palloc0(sizeof(DsPendingRow) * nslots);
	for (int i = 0; i < nslots; i++)
	{
		CHECK_FOR_INTERRUPTS();
		prepare_insert(st, slots[i], &rows[i]);
	}

	for (int i = 0; i < nslots; i++)
	{
		bool		already;

		rows[i].buffered = ds_write_add(st->buffer, &rows[i].write,
										st->opts->table, &already);
		if (already && !st->do_nothing)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("key already exists in foreign table \"%s\"",
							RelationGetRelationName(st->rel)),
					 errdetail("Key (id, name)=(%s, %s) is written twice by this statement. Nothing of the statement was written.",
							   rows[i].write.shown.id, rows[i].write.shown.name),
					 errhint("Give each row its own key, or use INSERT ... ON CONFLICT DO NOTHING to keep the first.")));
	}
	if (st->do_nothing)
		ds_write_flush(st->buffer);

	for (int i = 0; i < nslots; i++)
	{
		if (rows[i].buffered == NULL ||
			(st->do_nothing && rows[i].buffered->outcome != DS_OUTCOME_APPLIED))
			continue;
		if (rinfo->ri_projectReturning != NULL)
			fill_from_item(st, slots[i],
						   &parse_item(rows[i].write.item, "PutItem")->root);
		else
			set_version(st, slots[i], 1);
		inserted[ninserted++] = slots[i];
	}

	MemoryContextSwitchTo(oldcxt);
	return ninserted;
}

/*
 * The attributes of a row's columns and fields that have a value, in
 * dynastore's order; owners gets the column of each.
 */
static List *
row_attrs(DsModifyState *st, TupleTableSlot *slot, List **owners)
{
	List	   *attrs = NIL;

	for (int i = 0; i < st->ncolumns; i++)
	{
		DsColumn   *col = &st->columns[i];
		int			idx = col->attnum - 1;

		if (col->role == DS_ROLE_VALUE || col->role == DS_ROLE_EXPIRES ||
			col->role == DS_ROLE_ATTRIBUTE)
		{
			DdbAttr    *attr = attr_from_datum(col, slot->tts_values[idx],
											   slot->tts_isnull[idx]);

			if (attr->value != NULL)
				attrs = add_attr(attrs, attr, col, owners);
		}
	}
	if (st->fields_col)
	{
		int			idx = st->fields_col->attnum - 1;
		List	   *removed;
		List	   *members;
		size_t		size;

		members = attr_fields_from_datum(st->fields_col,
										 slot->tts_values[idx],
										 slot->tts_isnull[idx], NULL,
										 &removed, &size);
		check_field_names(st, members);
		attrs = list_concat(attrs, members);
		while (list_length(*owners) < list_length(attrs))
			*owners = lappend(*owners, st->fields_col);
	}
	return attrs;
}

/*
 * Turn a row into the item dynastore would write for it, checking
 * everything DynamoDB would refuse, and more: the item reads back as the
 * row in SQL and in dynastore.
 */
static void
prepare_insert(DsModifyState *st, TupleTableSlot *slot, DsPendingRow *row)
{
	List	   *attrs = NIL;
	List	   *owners = NIL;
	size_t		size;
	ListCell   *lc;

	slot_getallattrs(slot);

	/* the key */
	if (st->id_col && !slot->tts_isnull[st->id_col->attnum - 1])
	{
		Datum		id = slot->tts_values[st->id_col->attnum - 1];

		row->write.shown.id = OutputFunctionCall(&st->id_col->outfunc, id);
		row->write.key.id = attr_key_text(st->id_col, id);
		if (st->opts->partition &&
			strcmp(row->write.shown.id, st->opts->partition) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("new row for foreign table \"%s\" is outside its partition",
							RelationGetRelationName(st->rel)),
					 errdetail("Column \"%s\" is \"%s\", the table's partition is \"%s\".",
							   st->id_col->colname, row->write.shown.id,
							   st->opts->partition),
					 errhint("Leave the column out, or insert into a foreign table of that partition.")));
	}
	else if (st->opts->partition)
	{
		row->write.shown.id = st->opts->partition;
		row->write.key.id = pg_server_to_any(st->opts->partition,
									   strlen(st->opts->partition), PG_UTF8);
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("null value in column \"%s\" of foreign table \"%s\" violates not-null constraint",
						st->id_col->colname, RelationGetRelationName(st->rel)),
				 errdetail("It is the record's partition, part of its key.")));

	if (slot->tts_isnull[st->name_col->attnum - 1])
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("null value in column \"%s\" of foreign table \"%s\" violates not-null constraint",
						st->name_col->colname, RelationGetRelationName(st->rel)),
				 errdetail("It is the record's key.")));
	row->write.shown.name = OutputFunctionCall(&st->name_col->outfunc,
										 slot->tts_values[st->name_col->attnum - 1]);
	row->write.key.name = attr_key_text(st->name_col,
								  slot->tts_values[st->name_col->attnum - 1]);
	check_key(st, &row->write.key);

	if (st->version_col && !slot->tts_isnull[st->version_col->attnum - 1])
		ereport(ERROR,
				(errcode(ERRCODE_GENERATED_ALWAYS),
				 errmsg("cannot insert a value into column \"%s\" of foreign table \"%s\"",
						st->version_col->colname,
						RelationGetRelationName(st->rel)),
				 errdetail("The wrapper manages the version: a new record has version 1."),
				 errhint("Leave the column out of the INSERT, or give it NULL.")));

	/* version 1, then the columns, then the fields, as dynastore does */
	attrs = lappend(attrs, ddb_attr_make("version", pstrdup("{\"N\":\"1\"}"), 2));
	owners = lappend(owners, NULL);
	attrs = list_concat(attrs, row_attrs(st, slot, &owners));

	size = ddb_key_size(&row->write.key);
	foreach(lc, attrs)
		size += ((DdbAttr *) lfirst(lc))->size;
	check_item_size(st, &row->write.shown, size);

	row->write.item = ddb_write_item(&row->write.key, attrs);
	row->write.attrs = attrs;	/* commit mode keeps them */
	row->write.kind = st->opts->insert_mode == DS_INSERT_PUT ?
		DS_WRITE_PUT : DS_WRITE_CREATE;
	row->write.relname = RelationGetRelationName(st->rel);
	row->write.size = size;
	row->write.skip_conflict = st->do_nothing;
	row->write.stats = &st->stats;
}

/* A key DynamoDB would refuse is refused here, before anything is sent. */
static void
check_key(DsModifyState *st, DdbKey *key)
{
	if (key->id[0] == '\0' || key->name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key of a record in foreign table \"%s\" cannot be empty",
						RelationGetRelationName(st->rel)),
				 errdetail("DynamoDB keys are non-empty strings; column \"%s\" is empty.",
						   key->id[0] == '\0' ?
						   (st->id_col ? st->id_col->colname : "id") :
						   st->name_col->colname)));
	if (strlen(key->id) > DDB_MAX_HASH_KEY)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("partition key of %zu bytes exceeds DynamoDB's maximum of %d",
						strlen(key->id), DDB_MAX_HASH_KEY),
				 errdetail("A record's \"id\" is its partition key.")));
	if (strlen(key->name) > DDB_MAX_RANGE_KEY)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("record key of %zu bytes exceeds DynamoDB's maximum of %d",
						strlen(key->name), DDB_MAX_RANGE_KEY),
				 errdetail("A record's \"name\" is its sort key.")));
}

/*
 * A fields member may not take one of the record's own attributes, nor one
 * that a column holds: dynastore refuses the first, and the second would
 * read back in that column rather than in fields.
 */
static void
check_field_names(DsModifyState *st, List *attrs)
{
	ListCell   *lc;

	foreach(lc, attrs)
	{
		DdbAttr    *attr = lfirst(lc);

		if (attr->name[0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("column \"%s\" has a member with an empty name",
							st->fields_col->colname),
					 errdetail("DynamoDB attribute names cannot be empty.")));
		for (int i = 0; i < lengthof(attr_reserved); i++)
			if (strcmp(attr->name, attr_reserved[i]) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("column \"%s\" contains the reserved attribute name \"%s\"",
								st->fields_col->colname, attr_reserved[i]),
						 errdetail("id, name, version, expires and payload are the record's own attributes; dynastore refuses them as fields.")));
		for (int i = 0; i < st->nclaimed; i++)
			if (strcmp(attr->name, st->claimed[i]) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("column \"%s\" contains attribute \"%s\", which a column of foreign table \"%s\" holds",
								st->fields_col->colname, st->claimed[i],
								RelationGetRelationName(st->rel)),
						 errhint("Set the column instead.")));
	}
}

/*
 * Add an attribute unless another column already writes it; two columns
 * mapped to one attribute must agree on its value.
 */
static List *
add_attr(List *attrs, DdbAttr *attr, DsColumn *col, List **owners)
{
	ListCell   *lc;

	foreach(lc, attrs)
	{
		DdbAttr    *other = lfirst(lc);
		DsColumn   *owner = list_nth(*owners, foreach_current_index(lc));

		if (strcmp(other->name, attr->name) != 0)
			continue;
		if ((other->value == NULL) == (attr->value == NULL) &&
			(attr->value == NULL || strcmp(other->value, attr->value) == 0))
			return attrs;
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("columns \"%s\" and \"%s\" give attribute \"%s\" different values",
						owner ? owner->colname : "?", col->colname,
						attr->name)));
	}
	*owners = lappend(*owners, col);
	return lappend(attrs, attr);
}

static void
check_item_size(DsModifyState *st, const DdbKey *shown, size_t size)
{
	if (size > DDB_MAX_ITEM_SIZE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("record of %zu bytes exceeds DynamoDB's maximum item size of %d bytes",
						size, DDB_MAX_ITEM_SIZE),
				 errdetail("Key (id, name)=(%s, %s).", shown->id, shown->name)));
}

/*
 * The size of the item an UPDATE leaves: the new row's columns and fields,
 * as far as the table shows them.
 */
static size_t
row_size(DsModifyState *st, TupleTableSlot *slot, Jsonb *old_fields)
{
	size_t		size = strlen("version") + 2;

	for (int i = 0; i < st->ncolumns; i++)
	{
		DsColumn   *col = &st->columns[i];
		int			idx = col->attnum - 1;

		if (col->role == DS_ROLE_VALUE || col->role == DS_ROLE_EXPIRES ||
			col->role == DS_ROLE_ATTRIBUTE)
			size += attr_from_datum(col, slot->tts_values[idx],
									slot->tts_isnull[idx])->size;
		else if (col->role == DS_ROLE_FIELDS && !slot->tts_isnull[idx])
		{
			List	   *removed;
			size_t		fsize;
			Jsonb	   *now_fields = attr_fields_jsonb(col, slot->tts_values[idx]);

			/* compared with itself, nothing is written: only sized */
			(void) attr_fields_from_datum(col, slot->tts_values[idx], false,
										  now_fields, &removed, &fsize);
			size += fsize;
		}
	}
	return size;
}

/*
 * UPDATE: ADD version 1, SET what the statement assigned, REMOVE what it
 * set to NULL or dropped from fields, conditioned on the version read.
 * The write waits in the statement's buffer; the row returned is the
 * record as it will be, for RETURNING and AFTER triggers.  A record the
 * statement writes already is left alone, as PostgreSQL leaves a row
 * updated by the same command.
 */
TupleTableSlot *
ds_exec_update(EState *estate, ResultRelInfo *rinfo, TupleTableSlot *slot,
			   TupleTableSlot *planSlot)
{
	DsModifyState *st = rinfo->ri_FdwState;
	MemoryContext oldcxt;
	DsWrite		write;
	List	   *attrs = NIL;
	List	   *owners = NIL;
	Jsonb	   *old_fields = NULL;
	ListCell   *lc;
	bool		already;

	MemoryContextReset(st->temp_cxt);
	oldcxt = MemoryContextSwitchTo(st->temp_cxt);

	memset(&write, 0, sizeof(write));
	identity_of(st, planSlot, &write.key, &write.shown, &write.has_version,
				&write.version);
	check_version_room(st, &write.shown, write.has_version, write.version);
	slot_getallattrs(slot);

	if (AttributeNumberIsValid(st->junk_fields))
	{
		bool		isnull;
		Datum		d = ExecGetJunkAttribute(planSlot, st->junk_fields, &isnull);

		if (!isnull)
			old_fields = attr_fields_jsonb(st->fields_col, d);
	}

	foreach(lc, st->target_attrs)
	{
		DsColumn   *col = column_by_attnum(st, lfirst_int(lc));
		int			idx = col->attnum - 1;

		if (col->role == DS_ROLE_FIELDS)
		{
			List	   *removed;
			size_t		fsize;
			List	   *members;

			members = attr_fields_from_datum(col, slot->tts_values[idx],
											 slot->tts_isnull[idx],
											 old_fields ? old_fields :
											 DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
																				CStringGetDatum("{}"))),
											 &removed, &fsize);
			check_field_names(st, members);
			attrs = list_concat(attrs, members);
			attrs = list_concat(attrs, removed);
			while (list_length(owners) < list_length(attrs))
				owners = lappend(owners, col);
		}
		else
			attrs = add_attr(attrs,
							 attr_from_datum(col, slot->tts_values[idx],
											 slot->tts_isnull[idx]),
							 col, &owners);
	}

	write.kind = DS_WRITE_UPDATE;
	write.relname = RelationGetRelationName(st->rel);
	write.attrs = attrs;
	write.size = ddb_key_size(&write.key) + row_size(st, slot, old_fields);
	write.stats = &st->stats;
	check_item_size(st, &write.shown, write.size);

	(void) ds_write_add(st->buffer, &write, st->opts->table, &already);
	if (already)
	{
		MemoryContextSwitchTo(oldcxt);
		return NULL;
	}

	if (rinfo->ri_projectReturning != NULL)
		show_as_stored(st, slot);
	set_version(st, slot, write.has_version ? write.version + 1 : 1);

	MemoryContextSwitchTo(oldcxt);
	return slot;
}

/*
 * DELETE: conditioned on the version read, sent with the statement's
 * other writes.  A record the statement writes already is left alone.
 */
TupleTableSlot *
ds_exec_delete(EState *estate, ResultRelInfo *rinfo, TupleTableSlot *slot,
			   TupleTableSlot *planSlot)
{
	DsModifyState *st = rinfo->ri_FdwState;
	MemoryContext oldcxt;
	DsWrite		write;
	bool		already;

	MemoryContextReset(st->temp_cxt);
	oldcxt = MemoryContextSwitchTo(st->temp_cxt);

	memset(&write, 0, sizeof(write));
	identity_of(st, planSlot, &write.key, &write.shown, &write.has_version,
				&write.version);
	write.kind = DS_WRITE_DELETE;
	write.relname = RelationGetRelationName(st->rel);
	write.size = ddb_key_size(&write.key);
	write.stats = &st->stats;
	(void) ds_write_add(st->buffer, &write, st->opts->table, &already);
	if (already)
	{
		MemoryContextSwitchTo(oldcxt);
		return NULL;
	}

	if (rinfo->ri_projectReturning != NULL &&
		AttributeNumberIsValid(st->junk_row))
	{
		bool		isnull;
		Datum		row = ExecGetJunkAttribute(planSlot, st->junk_row, &isnull);

		if (!isnull)
		{
			HeapTupleHeader td = DatumGetHeapTupleHeader(row);
			HeapTupleData tuple;

			tuple.t_len = HeapTupleHeaderGetDatumLength(td);
			ItemPointerSetInvalid(&tuple.t_self);
			tuple.t_tableOid = RelationGetRelid(st->rel);
			tuple.t_data = td;
			ExecForceStoreHeapTuple(&tuple, slot, false);
			ExecMaterializeSlot(slot);
		}
	}

	MemoryContextSwitchTo(oldcxt);
	return slot;
}

/*
 * The statement's writes go out when it finishes (ds_executor_finish);
 * COPY has no ExecutorFinish, so its writes go here.
 */
void
ds_end_modify(EState *estate, ResultRelInfo *rinfo)
{
	if (rinfo->ri_FdwState != NULL)
		ds_write_flush_statement(estate);
}

void
ds_end_insert(EState *estate, ResultRelInfo *rinfo)
{
	if (rinfo->ri_FdwState != NULL)
		ds_write_flush_statement(estate);
}

int
ds_rel_updatable(Relation rel)
{
	return (1 << CMD_INSERT) | (1 << CMD_UPDATE) | (1 << CMD_DELETE);
}

/*
 * EXPLAIN: the operation, its condition and batch; with ANALYZE, the
 * requests, transactions, writes, conflicts and capacity.
 */
void
ds_explain_modify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
				  List *fdw_private, int subplan_index, ExplainState *es)
{
	DsModifyState *st = rinfo->ri_FdwState;
	const char *operation = "?";
	const char *condition = NULL;

	if (st == NULL)
		return;
	switch (st->operation)
	{
		case CMD_INSERT:
			if (st->opts->insert_mode == DS_INSERT_PUT)
				operation = "BatchWriteItem";
			else
			{
				operation = "PutItem";
				condition = "no live record has the key";
			}
			break;
		case CMD_UPDATE:
			operation = "UpdateItem";
			condition = "version as read, record not expired";
			break;
		case CMD_DELETE:
			operation = "DeleteItem";
			condition = "version as read";
			break;
		default:
			break;
	}
	if (st->opts->write_mode == DS_WRITE_TRANSACTION &&
		!(st->operation == CMD_INSERT &&
		  st->opts->insert_mode == DS_INSERT_PUT))
		operation = psprintf("TransactWriteItems (%s)", operation);
	if (st->opts->write_mode == DS_WRITE_COMMIT)
		operation = psprintf("TransactWriteItems at COMMIT (%s)", operation);
	ExplainPropertyText("DynamoDB Operation", operation, es);
	ExplainPropertyText("DynamoDB Table", st->opts->table, es);
	if (condition)
		ExplainPropertyText("Condition", condition, es);
	if (st->operation == CMD_INSERT && rinfo->ri_BatchSize > 1)
		ExplainPropertyInteger("Batch Size", NULL, rinfo->ri_BatchSize, es);
	if (st->opts->write_mode == DS_WRITE_COMMIT)
		ExplainPropertyInteger("Pending Writes", NULL,
							   ds_txn_pending(st->opts->serverid), es);

	if (es->analyze)
	{
		ExplainPropertyInteger("DynamoDB Requests", NULL, st->stats.requests, es);
		if (st->opts->write_mode == DS_WRITE_TRANSACTION &&
			!(st->operation == CMD_INSERT &&
			  st->opts->insert_mode == DS_INSERT_PUT))
			ExplainPropertyInteger("Transactions", NULL,
								   st->stats.transactions, es);
		ExplainPropertyInteger("Records Written", NULL, st->stats.written, es);
		ExplainPropertyInteger("Conditional Check Failures", NULL,
							   st->stats.conflicts, es);
		ExplainPropertyFloat("Write Capacity Units", NULL, st->stats.capacity,
							 1, es);
	}
}


/* ---------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------
 */

static DsColumn *
column_by_attnum(DsModifyState *st, AttrNumber attnum)
{
	for (int i = 0; i < st->ncolumns; i++)
		if (st->columns[i].attnum == attnum)
			return &st->columns[i];
	elog(ERROR, "column %d of foreign table \"%s\" not found",
		 attnum, RelationGetRelationName(st->rel));
	return NULL;				/* keep compiler quiet */
}

/* A record the statement read has a NULL part of its key. */
static void
identity_missing(DsModifyState *st, DsColumn *col, const char *attribute)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
			 errmsg("record of foreign table \"%s\" has no \"%s\"",
					RelationGetRelationName(st->rel), attribute),
			 errdetail("Column \"%s\" of a record the statement read is NULL, so the record cannot be written.",
					   col->colname),
			 errhint("Check the column's attribute option: it must map to the record's key \"%s\".",
					 attribute)));
}

/* The key and the version that the scan read, from the row identity. */
static void
identity_of(DsModifyState *st, TupleTableSlot *planSlot, DdbKey *key,
			DdbKey *shown, bool *has_version, int64 *version)
{
	bool		isnull;
	Datum		d;

	d = ExecGetJunkAttribute(planSlot, st->junk_name, &isnull);
	if (isnull)
		identity_missing(st, st->name_col, "name");
	shown->name = OutputFunctionCall(&st->name_col->outfunc, d);
	key->name = attr_key_text(st->name_col, d);

	if (st->opts->partition)
	{
		shown->id = st->opts->partition;
		key->id = pg_server_to_any(st->opts->partition,
								   strlen(st->opts->partition), PG_UTF8);
	}
	else
	{
		d = ExecGetJunkAttribute(planSlot, st->junk_id, &isnull);
		if (isnull)
			identity_missing(st, st->id_col, "id");
		shown->id = OutputFunctionCall(&st->id_col->outfunc, d);
		key->id = attr_key_text(st->id_col, d);
	}

	d = ExecGetJunkAttribute(planSlot, st->junk_version, &isnull);
	*has_version = !isnull;
	*version = isnull ? 0 : attr_version_value(st->version_col, d);
}

/*
 * An UPDATE adds one to the version: refuse, before anything is sent, a
 * version the column's type could not show afterwards.
 */
static void
check_version_room(DsModifyState *st, const DdbKey *shown, bool has_version,
				   int64 version)
{
	int64		max = getBaseType(st->version_col->typid) == INT4OID ?
		PG_INT32_MAX : PG_INT64_MAX;

	if (has_version && version >= max)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("version of a record in foreign table \"%s\" cannot be incremented",
						RelationGetRelationName(st->rel)),
				 errdetail("Key (id, name)=(%s, %s) has version " INT64_FORMAT ", the largest column \"%s\" can hold.",
						   shown->id, shown->name, version,
						   st->version_col->colname)));
}

static Jsonb *
parse_item(const char *json, const char *operation)
{
	return ddb_json_parse(json, operation);
}

/*
 * Fill a slot from an item, for RETURNING: what the record now holds, as a
 * read would show it.
 */
static void
fill_from_item(DsModifyState *st, TupleTableSlot *slot, JsonbContainer *item)
{
	int			natts = slot->tts_tupleDescriptor->natts;

	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * natts);
	for (int i = 0; i < st->ncolumns; i++)
	{
		DsColumn   *col = &st->columns[i];
		int			idx = col->attnum - 1;

		if (col->role == DS_ROLE_FIELDS)
		{
			slot->tts_values[idx] = attr_fields_datum(col, item, st->claimed,
													  st->nclaimed);
			slot->tts_isnull[idx] = false;
		}
		else
			slot->tts_values[idx] = attr_to_datum(col,
												  ddb_json_get(item, col->attribute),
												  &slot->tts_isnull[idx]);
	}
	ExecStoreVirtualTuple(slot);
	ExecMaterializeSlot(slot);
}

/*
 * An N AttributeValue as DynamoDB stores it: no trailing zeros after the
 * decimal point ({"N":"1.50"} is kept as 1.5).  Anything else as it is.
 */
static char *
normalized_number(char *av)
{
	size_t		len = strlen(av);
	char	   *num;
	char	   *end;

	if (strncmp(av, "{\"N\":\"", 6) != 0 || len < 9 ||
		strcmp(av + len - 2, "\"}") != 0)
		return av;
	num = pnstrdup(av + 6, len - 8);
	if (strchr(num, '.') == NULL || strpbrk(num, "eE") != NULL)
		return av;
	end = num + strlen(num);
	while (end > num && end[-1] == '0')
		*--end = '\0';
	if (end > num && end[-1] == '.')
		*--end = '\0';
	return psprintf("{\"N\":\"%s\"}", num);
}

/*
 * The row of an UPDATE as a read will show it once written, for RETURNING:
 * each column through the codec both ways (numbers normalized, expiry in
 * whole seconds).  fields stays as the row has it: what it does not
 * change is what the record keeps.
 */
static void
show_as_stored(DsModifyState *st, TupleTableSlot *slot)
{
	slot_getallattrs(slot);
	for (int i = 0; i < st->ncolumns; i++)
	{
		DsColumn   *col = &st->columns[i];
		int			idx = col->attnum - 1;
		DdbAttr    *attr;
		Jsonb	   *av;
		JsonbValue	v;

		if (col->role != DS_ROLE_VALUE && col->role != DS_ROLE_EXPIRES &&
			col->role != DS_ROLE_ATTRIBUTE)
			continue;
		attr = attr_from_datum(col, slot->tts_values[idx],
							   slot->tts_isnull[idx]);
		if (attr->value == NULL)
		{
			slot->tts_isnull[idx] = true;
			continue;
		}
		av = parse_item(normalized_number(attr->value), "UpdateItem");
		v.type = jbvBinary;
		v.val.binary.data = &av->root;
		v.val.binary.len = VARSIZE(av) - VARHDRSZ;
		slot->tts_values[idx] = attr_to_datum(col, &v, &slot->tts_isnull[idx]);
	}
}

/* Put the new version into the row written, for triggers and the like. */
static void
set_version(DsModifyState *st, TupleTableSlot *slot, int64 version)
{
	TupleDesc	tupdesc = slot->tts_tupleDescriptor;
	int			natts = tupdesc->natts;
	Datum	   *values = palloc(sizeof(Datum) * natts);
	bool	   *nulls = palloc(sizeof(bool) * natts);
	int			idx;
	Oid			t;

	if (st->version_col == NULL)
		return;
	slot_getallattrs(slot);
	for (int i = 0; i < natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);

		nulls[i] = slot->tts_isnull[i];
		values[i] = nulls[i] ? (Datum) 0 :
			datumCopy(slot->tts_values[i], att->attbyval, att->attlen);
	}

	idx = st->version_col->attnum - 1;
	t = getBaseType(st->version_col->typid);
	nulls[idx] = false;
	if (t == INT8OID)
		values[idx] = Int64GetDatum(version);
	else if (t == INT4OID)
		values[idx] = Int32GetDatum((int32) version);
	else
		values[idx] = NumericGetDatum(int64_to_numeric(version));

	ExecClearTuple(slot);
	memcpy(slot->tts_values, values, sizeof(Datum) * natts);
	memcpy(slot->tts_isnull, nulls, sizeof(bool) * natts);
	ExecStoreVirtualTuple(slot);
	ExecMaterializeSlot(slot);
}
