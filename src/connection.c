/*-------------------------------------------------------------------------
 *
 * connection.c
 *		The backend's DynamoDB clients, one per server and user mapping, and
 *		the SQL functions that show and close them.
 *
 * An entry holds an AWS client (its kept-alive HTTP connections) and the
 * credentials it signs with: the user mapping's keys, or the host's chain,
 * whose temporary keys are cached here for the life of the entry.  The
 * entry is keyed by the user mapping's OID, as postgres_fdw does, so that
 * users of a PUBLIC mapping share one.
 *
 * ALTER or DROP of the server or the user mapping makes the entry stale
 * (a syscache invalidation callback), and the next statement gets a fresh
 * one.  A stale entry that a statement of the current transaction used may
 * still be in the hands of an open scan, so it is retired rather than
 * freed, and goes at the end of the transaction.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_user_mapping.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "aws_client.h"
#include "connection.h"
#include "txn_writes.h"
#include "credentials.h"

typedef struct DsConnection
{
	Oid			umid;			/* hash key: the user mapping */
	Oid			serverid;
	Oid			userid;			/* InvalidOid for a PUBLIC mapping */
	uint32		server_hashvalue;
	uint32		mapping_hashvalue;
	bool		invalidated;	/* the server or mapping changed */
	bool		xact_used;		/* a statement of this transaction used it */
	MemoryContext cxt;			/* NULL: the entry is empty; owns the rest */
	AwsClient  *client;
	AwsCredentialProvider *credentials;
	bool		chain;			/* credentials from the host, not the mapping */
	char	   *endpoint;
	char	   *region;
} DsConnection;

static HTAB *ds_connections = NULL;
static List *ds_retired = NIL;	/* DsConnection * copies, in TopMemoryContext */

static bool close_connections(Oid serverid);

static void ds_connections_init(void);
static Oid	mapping_user(UserMapping *mapping);
static void ds_connection_make(DsConnection *entry, DsTableOptions *opts,
							   ForeignServer *server, UserMapping *mapping);
static void ds_connection_free(DsConnection *entry);
static void ds_connection_retire(DsConnection *entry);
static bool ds_connection_close(DsConnection *entry);
static void ds_inval_callback(Datum arg, int cacheid, uint32 hashvalue);
static void ds_xact_callback(XactEvent event, void *arg);

PG_FUNCTION_INFO_V1(dynastore_fdw_get_connections);
PG_FUNCTION_INFO_V1(dynastore_fdw_disconnect);
PG_FUNCTION_INFO_V1(dynastore_fdw_disconnect_all);


/* Attach the entry of a server and mapping; the contract is in connection.h. */
void
ds_connection_attach(DsTableOptions *opts, ForeignServer *server,
					 UserMapping *mapping)
{
	DsConnection *entry;
	bool		found;

	if (ds_connections == NULL)
		ds_connections_init();

	entry = hash_search(ds_connections, &mapping->umid, HASH_ENTER, &found);
	if (!found)
		entry->cxt = NULL;
	else if (entry->cxt != NULL && entry->invalidated)
	{
		if (entry->xact_used)
			ds_connection_retire(entry);
		else
			ds_connection_free(entry);
	}
	if (entry->cxt == NULL)
		ds_connection_make(entry, opts, server, mapping);

	entry->xact_used = true;
	opts->aws.client = entry->client;
	opts->aws.credentials = entry->credentials;
}

static void
ds_connections_init(void)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(DsConnection);
	ds_connections = hash_create("dynastore_fdw connections", 8, &ctl,
								 HASH_ELEM | HASH_BLOBS);

	CacheRegisterSyscacheCallback(FOREIGNSERVEROID, ds_inval_callback,
								  (Datum) 0);
	CacheRegisterSyscacheCallback(USERMAPPINGOID, ds_inval_callback,
								  (Datum) 0);
	RegisterXactCallback(ds_xact_callback, NULL);
}

/*
 * Fill an empty entry.  The keys of the mapping win; without them the
 * server must allow the chain, which only a superuser can (option.c).
 * Until the entry is complete its cxt stays NULL, so an error half way
 * leaves an empty entry, not a broken one.
 */
static void
ds_connection_make(DsConnection *entry, DsTableOptions *opts,
				   ForeignServer *server, UserMapping *mapping)
{
	MemoryContext cxt;
	const AwsConfig *aws = &opts->aws;
	bool		has_keys = aws->access_key_id != NULL &&
		aws->secret_access_key != NULL;

	if (!has_keys && !opts->credentials_chain)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("user mapping for server \"%s\" has no AWS credentials",
						server->servername),
				 errhint("Set the options access_key_id and secret_access_key of the user mapping, or have a superuser set the server option credentials 'chain' to use the AWS credentials of the database server's host.")));

	cxt = AllocSetContextCreate(TopMemoryContext, "dynastore_fdw connection",
								ALLOCSET_SMALL_SIZES);
	PG_TRY();
	{
		entry->client = aws_client_create(cxt);
		if (has_keys)
			entry->credentials = aws_credentials_static(cxt,
														aws->access_key_id,
														aws->secret_access_key,
														aws->session_token);
		else
		{
			AwsChainSettings settings = {0};

			settings.profile = opts->profile;
			settings.region = aws->region;
			settings.ca_file = aws->ca_file;
			settings.proxy = aws->proxy;
			settings.connect_timeout_ms = aws->connect_timeout_ms;
			settings.request_timeout_ms = aws->request_timeout_ms;
			settings.hint = "Give the database server's host AWS credentials (see \"Credentials on AWS\" in the README of dynastore_fdw), or put access_key_id and secret_access_key in the user mapping.";
			entry->credentials = aws_credentials_chain(cxt, &settings);
		}
		entry->chain = !has_keys;
		entry->endpoint = MemoryContextStrdup(cxt, aws->endpoint);
		entry->region = MemoryContextStrdup(cxt, aws->region);
	}
	PG_CATCH();
	{
		MemoryContextDelete(cxt);
		PG_RE_THROW();
	}
	PG_END_TRY();

	entry->serverid = server->serverid;
	entry->userid = mapping_user(mapping);
	entry->server_hashvalue =
		GetSysCacheHashValue1(FOREIGNSERVEROID,
							  ObjectIdGetDatum(server->serverid));
	entry->mapping_hashvalue =
		GetSysCacheHashValue1(USERMAPPINGOID,
							  ObjectIdGetDatum(mapping->umid));
	entry->invalidated = false;
	entry->xact_used = false;
	entry->cxt = cxt;
}

/*
 * The role of the mapping itself, InvalidOid for PUBLIC: GetUserMapping
 * puts the user it was asked for in the struct, whichever mapping applied.
 */
static Oid
mapping_user(UserMapping *mapping)
{
	HeapTuple	tp = SearchSysCache1(USERMAPPINGOID,
									 ObjectIdGetDatum(mapping->umid));
	Oid			user;

	if (!HeapTupleIsValid(tp))
		return mapping->userid;
	user = ((Form_pg_user_mapping) GETSTRUCT(tp))->umuser;
	ReleaseSysCache(tp);
	return user;
}

/* Close the connections of an entry and wipe its keys; leaves it empty. */
static void
ds_connection_free(DsConnection *entry)
{
	if (entry->cxt == NULL)
		return;
	aws_client_destroy(entry->client);
	aws_credentials_free(entry->credentials);
	MemoryContextDelete(entry->cxt);
	entry->cxt = NULL;
	entry->client = NULL;
	entry->credentials = NULL;
}

/* Keep a used entry's contents until the transaction ends; leave it empty. */
static void
ds_connection_retire(DsConnection *entry)
{
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
	DsConnection *copy = palloc(sizeof(DsConnection));

	*copy = *entry;
	ds_retired = lappend(ds_retired, copy);
	MemoryContextSwitchTo(old);
	entry->cxt = NULL;
	entry->client = NULL;
	entry->credentials = NULL;
}

/*
 * Close an entry for the disconnect functions, unless a statement of this
 * transaction used it: a scan may still hold it, as in postgres_fdw.
 */
static bool
ds_connection_close(DsConnection *entry)
{
	if (entry->cxt == NULL)
		return false;
	if (entry->xact_used)
	{
		ForeignServer *server = GetForeignServerExtended(entry->serverid,
														 FSV_MISSING_OK);

		ereport(WARNING,
				(errmsg("cannot close the connection to server \"%s\" because this transaction used it",
						server ? server->servername : "(dropped)"),
				 errhint("Close it in a transaction of its own.")));
		return false;
	}
	ds_connection_free(entry);
	return true;
}

/*
 * A server or user mapping changed or went: mark the entries that used it.
 * Only marks, since this runs wherever invalidations are processed; the
 * next ds_connection_attach replaces the entry.  A hash value of 0 means
 * the whole cache was reset.
 */
static void
ds_inval_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	HASH_SEQ_STATUS scan;
	DsConnection *entry;

	hash_seq_init(&scan, ds_connections);
	while ((entry = hash_seq_search(&scan)) != NULL)
	{
		if (entry->cxt == NULL)
			continue;
		if (hashvalue == 0 ||
			(cacheid == FOREIGNSERVEROID &&
			 entry->server_hashvalue == hashvalue) ||
			(cacheid == USERMAPPINGOID &&
			 entry->mapping_hashvalue == hashvalue))
			entry->invalidated = true;
	}
}

/*
 * At the end of a transaction no scan holds an entry any more: free the
 * retired ones, and the stale ones now that nobody uses them.
 */
static void
ds_xact_callback(XactEvent event, void *arg)
{
	HASH_SEQ_STATUS scan;
	DsConnection *entry;
	ListCell   *lc;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT &&
		event != XACT_EVENT_PARALLEL_ABORT &&
		event != XACT_EVENT_PREPARE)
		return;

	foreach(lc, ds_retired)
	{
		DsConnection *old = (DsConnection *) lfirst(lc);

		ds_connection_free(old);
		pfree(old);
	}
	list_free(ds_retired);
	ds_retired = NIL;

	if (ds_connections == NULL)
		return;
	hash_seq_init(&scan, ds_connections);
	while ((entry = hash_seq_search(&scan)) != NULL)
	{
		entry->xact_used = false;
		if (entry->cxt != NULL && entry->invalidated)
			ds_connection_free(entry);
	}
}


/* ---------------------------------------------------------------- SQL functions */

/*
 * dynastore_fdw_get_connections(): the backend's clients, one row each:
 * server, user ("public" for a PUBLIC mapping), endpoint, region, where
 * the credentials come from and until when they hold, the HTTP requests
 * sent and the HTTP connections open, and whether the entry is still
 * valid (false: its server or mapping changed while this transaction used
 * it).
 */
Datum
dynastore_fdw_get_connections(PG_FUNCTION_ARGS)
{
#define DS_CONNECTION_COLS	10
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	HASH_SEQ_STATUS scan;
	DsConnection *entry;

	InitMaterializedSRF(fcinfo, 0);
	if (ds_connections == NULL)
		PG_RETURN_VOID();

	hash_seq_init(&scan, ds_connections);
	while ((entry = hash_seq_search(&scan)) != NULL)
	{
		Datum		values[DS_CONNECTION_COLS] = {0};
		bool		nulls[DS_CONNECTION_COLS] = {0};
		ForeignServer *server;
		const char *source;
		TimestampTz expiration;
		long		requests;
		int			open_connections;
		char	   *user;

		if (entry->cxt == NULL)
			continue;
		server = GetForeignServerExtended(entry->serverid, FSV_MISSING_OK);
		user = OidIsValid(entry->userid) ?
			GetUserNameFromId(entry->userid, true) : "public";
		aws_client_stats(entry->client, &requests, &open_connections);
		source = entry->chain ? aws_credentials_source(entry->credentials) :
			"user mapping";
		expiration = aws_credentials_expiration(entry->credentials);

		if (server)
			values[0] = CStringGetTextDatum(server->servername);
		else
			nulls[0] = true;
		if (user)
			values[1] = CStringGetTextDatum(user);
		else
			nulls[1] = true;
		values[2] = CStringGetTextDatum(entry->endpoint);
		values[3] = CStringGetTextDatum(entry->region);
		values[4] = CStringGetTextDatum(source ? source : "chain");
		if (expiration != 0)
			values[5] = TimestampTzGetDatum(expiration);
		else
			nulls[5] = true;
		values[6] = Int64GetDatum((int64) requests);
		values[7] = Int32GetDatum(open_connections);
		values[8] = BoolGetDatum(!entry->invalidated);
		values[9] = Int32GetDatum(ds_txn_pending(entry->serverid));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values,
							 nulls);
	}
	PG_RETURN_VOID();
}

/*
 * dynastore_fdw_disconnect(server): close the backend's clients of that
 * server (one per user mapping used), their HTTP connections with them,
 * and forget their cached credentials.  True if any was closed.
 */
Datum
dynastore_fdw_disconnect(PG_FUNCTION_ARGS)
{
	char	   *servername = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ForeignServer *server = GetForeignServerByName(servername, false);

	PG_RETURN_BOOL(close_connections(server->serverid));
}

/* dynastore_fdw_disconnect_all(): the same for every server. */
Datum
dynastore_fdw_disconnect_all(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(close_connections(InvalidOid));
}

/* Close the clients of serverid, or of every server; true if any was. */
static bool
close_connections(Oid serverid)
{
	HASH_SEQ_STATUS scan;
	DsConnection *entry;
	bool		closed = false;

	if (ds_connections == NULL)
		return false;
	hash_seq_init(&scan, ds_connections);
	while ((entry = hash_seq_search(&scan)) != NULL)
		if (!OidIsValid(serverid) || entry->serverid == serverid)
			closed |= ds_connection_close(entry);
	return closed;
}
