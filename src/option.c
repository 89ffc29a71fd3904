/*-------------------------------------------------------------------------
 *
 * option.c
 *		Validation of dynastore_fdw's options and their reading at run time.
 *
 * Every value is checked when CREATE or ALTER names it, so a bad endpoint
 * or region fails there and not at the first query.  Credentials live only
 * in the user mapping and are never echoed in a message.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/reloptions.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "connection.h"
#include "credentials.h"
#include "option.h"
#include "txn_writes.h"

typedef enum DsOptionKind
{
	DS_OPT_STRING,				/* any non-empty string */
	DS_OPT_REGION,
	DS_OPT_ENDPOINT,
	DS_OPT_TABLE_NAME,
	DS_OPT_BOOL,
	DS_OPT_MS,					/* duration, ms by default, units allowed */
	DS_OPT_COUNT,				/* integer >= 0 */
	DS_OPT_POSITIVE,			/* integer >= 1 */
	DS_OPT_INSERT_MODE,			/* 'create' or 'put' */
	DS_OPT_WRITE_MODE,			/* 'transaction' or 'single' */
	DS_OPT_SEGMENTS,			/* Scan segments: 1 to 64 */
	DS_OPT_CREDENTIALS,			/* 'user_mapping' or 'chain' (superuser) */
	DS_OPT_PROFILE,				/* a profile of the shared AWS files */
	DS_OPT_CA_FILE,				/* an absolute path (superuser) */
	DS_OPT_PROXY,				/* a proxy URL or 'environment' */
	DS_OPT_KEY					/* a credential: printable ASCII */
} DsOptionKind;

typedef struct DsOption
{
	const char *name;
	Oid			context;		/* catalog the option belongs to */
	DsOptionKind kind;
} DsOption;

static const DsOption ds_options[] = {
	{"region", ForeignServerRelationId, DS_OPT_REGION},
	{"endpoint", ForeignServerRelationId, DS_OPT_ENDPOINT},
	{"connect_timeout", ForeignServerRelationId, DS_OPT_MS},
	{"request_timeout", ForeignServerRelationId, DS_OPT_MS},
	{"max_retries", ForeignServerRelationId, DS_OPT_COUNT},
	{"consistent_read", ForeignServerRelationId, DS_OPT_BOOL},
	{"page_size", ForeignServerRelationId, DS_OPT_COUNT},
	{"allow_scan", ForeignServerRelationId, DS_OPT_BOOL},
	{"scan_segments", ForeignServerRelationId, DS_OPT_SEGMENTS},
	{"batch_size", ForeignServerRelationId, DS_OPT_POSITIVE},
	{"write_mode", ForeignServerRelationId, DS_OPT_WRITE_MODE},
	{"credentials", ForeignServerRelationId, DS_OPT_CREDENTIALS},
	{"profile", ForeignServerRelationId, DS_OPT_PROFILE},
	{"ca_file", ForeignServerRelationId, DS_OPT_CA_FILE},
	{"proxy", ForeignServerRelationId, DS_OPT_PROXY},

	{"access_key_id", UserMappingRelationId, DS_OPT_KEY},
	{"secret_access_key", UserMappingRelationId, DS_OPT_KEY},
	{"session_token", UserMappingRelationId, DS_OPT_KEY},

	{"table", ForeignTableRelationId, DS_OPT_TABLE_NAME},
	{"partition", ForeignTableRelationId, DS_OPT_STRING},
	{"consistent_read", ForeignTableRelationId, DS_OPT_BOOL},
	{"page_size", ForeignTableRelationId, DS_OPT_COUNT},
	{"allow_scan", ForeignTableRelationId, DS_OPT_BOOL},
	{"scan_segments", ForeignTableRelationId, DS_OPT_SEGMENTS},
	{"estimated_rows", ForeignTableRelationId, DS_OPT_COUNT},
	{"batch_size", ForeignTableRelationId, DS_OPT_POSITIVE},
	{"insert_mode", ForeignTableRelationId, DS_OPT_INSERT_MODE},
	{"write_mode", ForeignTableRelationId, DS_OPT_WRITE_MODE},

	{"attribute", AttributeRelationId, DS_OPT_STRING},
	{NULL, InvalidOid, DS_OPT_STRING}
};

static const DsOption *find_option(const char *name, Oid context);
static void check_option_value(const DsOption *opt, DefElem *def);
static bool is_region_name(const char *s);
static const char *url_problem(const char *s, bool proxy);
static bool option_credentials_chain(DefElem *def);
static bool is_table_name(const char *s);
static int	option_ms(DefElem *def);
static int	option_count(DefElem *def);
static int	option_segments(DefElem *def);
static int	option_positive(DefElem *def);
static DsInsertMode option_insert_mode(DefElem *def);
static DsWriteMode option_write_mode(DefElem *def);
static UserMapping *find_user_mapping(Oid userid, ForeignServer *server);

PG_FUNCTION_INFO_V1(dynastore_fdw_validator);

/*
 * Validate the options of one object.  The validator sees the object's
 * whole option list after CREATE or ALTER, so required options and options
 * that only make sense together are checked here too.
 */
Datum
dynastore_fdw_validator(PG_FUNCTION_ARGS)
{
	List	   *options = untransformRelOptions(PG_GETARG_DATUM(0));
	Oid			catalog = PG_GETARG_OID(1);
	ListCell   *lc;
	bool		has_table = false;
	bool		has_key = false;
	bool		has_secret = false;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);
		const DsOption *opt = find_option(def->defname, catalog);

		if (opt == NULL)
		{
			StringInfoData valid;
			const DsOption *o;

			initStringInfo(&valid);
			for (o = ds_options; o->name; o++)
				if (o->context == catalog)
					appendStringInfo(&valid, "%s%s",
									 valid.len > 0 ? ", " : "", o->name);
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("invalid option \"%s\"", def->defname),
					 valid.len > 0
					 ? errhint("Valid options in this context are: %s.",
							   valid.data)
					 : errhint("There are no valid options in this context.")));
		}
		check_option_value(opt, def);

		if (strcmp(def->defname, "table") == 0)
			has_table = true;
		else if (strcmp(def->defname, "access_key_id") == 0)
			has_key = true;
		else if (strcmp(def->defname, "secret_access_key") == 0)
			has_secret = true;
	}

	if (catalog == ForeignTableRelationId && !has_table)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("option \"table\" is required for a dynastore_fdw foreign table"),
				 errhint("Name the DynamoDB table, as in OPTIONS (table 'CRMTable', partition 'customers').")));

	if (catalog == UserMappingRelationId && has_key != has_secret)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("options \"access_key_id\" and \"secret_access_key\" must be given together")));

	PG_RETURN_VOID();
}

static const DsOption *
find_option(const char *name, Oid context)
{
	const DsOption *o;

	for (o = ds_options; o->name; o++)
		if (o->context == context && strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/*
 * Check one value.  Values end up in HTTP headers and URLs, so a control
 * character (a line break would start a header of its own) is refused in
 * every option, and credentials must be printable ASCII; neither message
 * echoes the value.
 */
static void
check_option_value(const DsOption *opt, DefElem *def)
{
	char	   *value = defGetString(def);
	const char *problem = NULL;
	const char *hint = NULL;

	for (const char *c = value; *c; c++)
	{
		if ((unsigned char) *c < 0x20 || *c == 0x7f)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"%s\"", opt->name),
					 errdetail("The value contains a control character (byte 0x%02x).",
							   (unsigned char) *c),
					 errhint("Option values go into HTTP requests, where control characters such as line breaks are not allowed.")));
	}

	switch (opt->kind)
	{
		case DS_OPT_STRING:
			if (value[0] == '\0')
				problem = "The value must not be empty.";
			break;
		case DS_OPT_KEY:
			if (value[0] == '\0')
				problem = "The value must not be empty.";
			else if (!aws_credentials_printable(value))
				problem = "AWS keys and tokens are printable ASCII without spaces.";
			break;
		case DS_OPT_CREDENTIALS:
			if (option_credentials_chain(def) && !superuser())
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("only a superuser can set option \"credentials\" to \"chain\""),
						 errdetail("The chain gives the server the AWS identity of the database server's host."),
						 errhint("Ask a superuser to create or alter the server, or put access_key_id and secret_access_key in your user mapping.")));
			break;
		case DS_OPT_PROFILE:
			if (value[0] == '\0' || strlen(value) > 128 ||
				strpbrk(value, "[] \t") != NULL)
				problem = "A profile name has 1 to 128 characters, without spaces or brackets.";
			break;
		case DS_OPT_CA_FILE:
			if (!superuser() &&
				!has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("only a superuser or a member of pg_read_server_files can set option \"ca_file\""),
						 errdetail("The database server reads the file.")));
			if (value[0] != '/')
				problem = "The value must be an absolute path.";
			break;
		case DS_OPT_PROXY:
			if (strcmp(value, AWS_PROXY_ENVIRONMENT) != 0 &&
				(problem = url_problem(value, true)) != NULL)
				hint = "Give a URL such as \"http://proxy.example.com:3128\", or \"environment\" to use the http_proxy, https_proxy and no_proxy variables of the database server's environment.";
			break;
		case DS_OPT_REGION:
			if (!is_region_name(value))
			{
				problem = "The value is not an AWS region name.";
				hint = "A region name looks like \"us-east-1\" or \"eu-central-2\".";
			}
			break;
		case DS_OPT_ENDPOINT:
			if ((problem = url_problem(value, false)) != NULL)
				hint = "Give a URL such as \"https://dynamodb.eu-west-1.amazonaws.com\" or \"http://127.0.0.1:8000\".";
			break;
		case DS_OPT_TABLE_NAME:
			if (!is_table_name(value))
			{
				problem = "The value is not a DynamoDB table name.";
				hint = "A table name has 3 to 255 characters among letters, digits, \"_\", \"-\" and \".\".";
			}
			break;
		case DS_OPT_BOOL:
			(void) defGetBoolean(def);
			break;
		case DS_OPT_MS:
			(void) option_ms(def);
			break;
		case DS_OPT_COUNT:
			(void) option_count(def);
			break;
		case DS_OPT_POSITIVE:
			(void) option_positive(def);
			break;
		case DS_OPT_INSERT_MODE:
			(void) option_insert_mode(def);
			break;
		case DS_OPT_WRITE_MODE:
			(void) option_write_mode(def);
			break;
		case DS_OPT_SEGMENTS:
			(void) option_segments(def);
			break;
	}

	if (problem)
	{
		/* never echo a credential back */
		bool		secret = (opt->kind == DS_OPT_KEY);

		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 secret
				 ? errmsg("invalid value for option \"%s\"", opt->name)
				 : errmsg("invalid value for option \"%s\": \"%s\"",
						  opt->name, value),
				 errdetail("%s", problem),
				 hint ? errhint("%s", hint) : 0));
	}
}

/* "us-east-1", "us-gov-west-1", "cn-northwest-1": letters, dashes, a number. */
static bool
is_region_name(const char *s)
{
	const char *p = s;
	int			parts = 0;

	for (;;)
	{
		const char *start = p;

		while (*p >= 'a' && *p <= 'z')
			p++;
		if (p == start || *p != '-')
			break;
		p++;
		parts++;
	}
	if (parts < 2 || !(*p >= '0' && *p <= '9'))
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0' && strlen(s) <= 32;
}

/*
 * Why s is not a URL that libcurl can be given for DynamoDB (proxy false:
 * http or https, a path allowed) or for a proxy (http, https or socks,
 * nothing after the port); NULL when it is one.  The host must be a name,
 * an IPv4 address or a bracketed IPv6 address, the port 1 to 65535; a
 * user:password@ is refused, since messages show the URL.
 */
static const char *
url_problem(const char *s, bool proxy)
{
	static const char *const endpoint_schemes[] = {"http://", "https://", NULL};
	static const char *const proxy_schemes[] = {
		"http://", "https://", "socks4://", "socks4a://", "socks5://",
		"socks5h://", NULL
	};
	const char *const *scheme = proxy ? proxy_schemes : endpoint_schemes;
	const char *host = NULL;
	const char *end;
	const char *port = NULL;
	size_t		authority;

	for (; *scheme; scheme++)
		if (pg_strncasecmp(s, *scheme, strlen(*scheme)) == 0)
			host = s + strlen(*scheme);
	if (host == NULL)
		return proxy ? "The value is not an http, https or socks URL." :
			"The value is not an http or https URL.";
	for (const char *p = host; *p; p++)
		if (*p <= ' ' || *p == '?' || *p == '#' || *p == '@' || *p == '\\')
			return *p == '@' ?
				"The URL must not hold a user name or password." :
				"The URL must not hold spaces, \"?\", \"#\" or \"\\\".";
	authority = strcspn(host, "/");
	if (authority == 0 || *host == ':')
		return "The URL has no host name.";
	if (proxy && host[authority] == '/' && host[authority + 1] != '\0')
		return "A proxy URL has no path.";

	if (*host == '[')
	{
		end = memchr(host, ']', authority);
		if (end == NULL || end == host + 1)
			return "The host name is not valid.";
		for (const char *p = host + 1; p < end; p++)
			if (!(isxdigit((unsigned char) *p) || *p == ':' || *p == '.'))
				return "The host name is not valid.";
		end++;
	}
	else
	{
		int			label = 0;

		end = host;
		while (end < host + authority && *end != ':')
		{
			if (*end == '.')
			{
				if (label == 0)
					return "The host name is not valid.";
				label = 0;
			}
			else if (isalnum((unsigned char) *end) || *end == '-' ||
					 *end == '_')
			{
				if (++label > 63)
					return "The host name is not valid.";
			}
			else
				return "The host name is not valid.";
			end++;
		}
		if (end == host || end - host > 253)
			return "The host name is not valid.";
	}

	if (end < host + authority)
	{
		long		n = 0;

		if (*end != ':')
			return "The host name is not valid.";
		port = end + 1;
		if (port == host + authority)
			return "The port must be a number from 1 to 65535.";
		for (const char *p = port; p < host + authority; p++)
		{
			if (!isdigit((unsigned char) *p) || n > 65535)
				return "The port must be a number from 1 to 65535.";
			n = n * 10 + (*p - '0');
		}
		if (n < 1 || n > 65535)
			return "The port must be a number from 1 to 65535.";
	}
	return NULL;
}

static bool
is_table_name(const char *s)
{
	size_t		len = strlen(s);
	const char *p;

	if (len < 3 || len > 255)
		return false;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
			return false;
	return true;
}

/* A valid DynamoDB table name, as the option table requires. */
bool
ds_valid_table_name(const char *name)
{
	return is_table_name(name);
}

static int
option_ms(DefElem *def)
{
	int			result;
	const char *hintmsg = NULL;

	if (!parse_int(defGetString(def), &result, GUC_UNIT_MS, &hintmsg) ||
		result <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, defGetString(def)),
				 errdetail("The value must be a positive duration."),
				 errhint("%s", hintmsg ? hintmsg :
						 "Give milliseconds, or a number with a unit such as \"5s\".")));
	return result;
}

static int
option_count(DefElem *def)
{
	int			result;

	if (!parse_int(defGetString(def), &result, 0, NULL) || result < 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, defGetString(def)),
				 errdetail("The value must be an integer of 0 or more.")));
	return result;
}

static int
option_positive(DefElem *def)
{
	int			result;

	if (!parse_int(defGetString(def), &result, 0, NULL) || result < 1)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, defGetString(def)),
				 errdetail("The value must be an integer of 1 or more.")));
	return result;
}

static DsInsertMode
option_insert_mode(DefElem *def)
{
	char	   *value = defGetString(def);

	if (strcmp(value, "create") == 0)
		return DS_INSERT_CREATE;
	if (strcmp(value, "put") == 0)
		return DS_INSERT_PUT;
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("invalid value for option \"%s\": \"%s\"",
					def->defname, value),
			 errdetail("The value must be \"create\" or \"put\"."),
			 errhint("\"create\" makes INSERT fail on a key that exists, as dynastore's AtomicPut does; \"put\" replaces the record.")));
	return DS_INSERT_CREATE;	/* keep compiler quiet */
}

static DsWriteMode
option_write_mode(DefElem *def)
{
	char	   *value = defGetString(def);

	if (strcmp(value, "transaction") == 0)
		return DS_WRITE_TRANSACTION;
	if (strcmp(value, "single") == 0)
		return DS_WRITE_SINGLE;
	if (strcmp(value, "commit") == 0)
		return DS_WRITE_COMMIT;
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("invalid value for option \"%s\": \"%s\"",
					def->defname, value),
			 errdetail("The value must be \"transaction\", \"single\" or \"commit\"."),
			 errhint("\"transaction\" sends conditional writes as TransactWriteItems, exactly once and all or nothing per statement, at two write units an item; \"single\" sends one PutItem, UpdateItem or DeleteItem per record, at one unit, and reports a write whose outcome is unknown with SQLSTATE 40003; \"commit\" keeps a transaction's writes until COMMIT and sends them as one TransactWriteItems.")));
	return DS_WRITE_TRANSACTION;	/* keep compiler quiet */
}

/* credentials: true for 'chain', false for 'user_mapping'. */
static bool
option_credentials_chain(DefElem *def)
{
	char	   *value = defGetString(def);

	if (strcmp(value, "chain") == 0)
		return true;
	if (strcmp(value, "user_mapping") == 0)
		return false;
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("invalid value for option \"%s\": \"%s\"",
					def->defname, value),
			 errdetail("The value must be \"user_mapping\" or \"chain\"."),
			 errhint("\"user_mapping\" takes the keys of the user mapping; \"chain\" also lets user mappings without keys use the AWS credentials of the database server's host, found as the AWS SDKs find them.")));
	return false;				/* keep compiler quiet */
}

/* Scan segments run at once, so keep them to what one backend can drive. */
static int
option_segments(DefElem *def)
{
	int			result = option_count(def);

	if (result < 1 || result > DS_MAX_SCAN_SEGMENTS)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, defGetString(def)),
				 errdetail("The value must be an integer from 1 to %d.",
						   DS_MAX_SCAN_SEGMENTS)));
	return result;
}

static DsTableOptions *gather_options(ForeignServer *server, Oid userid,
									  List *table_options);

/*
 * Gather the options of a foreign table, its server and the user mapping
 * of userid into one struct, in the current memory context.  Table options
 * override server options of the same name.
 */
DsTableOptions *
ds_get_table_options(Oid foreigntableid, Oid userid)
{
	ForeignTable *table = GetForeignTable(foreigntableid);
	DsTableOptions *opts;

	opts = gather_options(GetForeignServer(table->serverid), userid,
						  table->options);
	opts->relid = foreigntableid;
	return opts;
}

/*
 * The options of a server and of userid's user mapping, for requests that
 * concern no foreign table (IMPORT FOREIGN SCHEMA, the SQL helpers): the
 * table and partition are left unset.
 */
DsTableOptions *
ds_get_server_options(ForeignServer *server, Oid userid)
{
	return gather_options(server, userid, NIL);
}

static DsTableOptions *
gather_options(ForeignServer *server, Oid userid, List *table_options)
{
	UserMapping *mapping = find_user_mapping(userid, server);
	DsTableOptions *opts = palloc0(sizeof(DsTableOptions));
	const char *endpoint = NULL;
	List	   *lists[3];
	int			i;
	ListCell   *lc;

	opts->consistent_read = true;
	opts->page_size = DS_DEFAULT_PAGE_SIZE;
	opts->allow_scan = true;
	opts->scan_segments = 1;
	opts->estimated_rows = -1;
	opts->batch_size = DS_DEFAULT_BATCH_SIZE;
	opts->insert_mode = DS_INSERT_CREATE;
	opts->write_mode = DS_WRITE_TRANSACTION;
	opts->serverid = server->serverid;
	opts->userid = userid;
	opts->aws.region = DS_DEFAULT_REGION;
	opts->aws.connect_timeout_ms = DS_DEFAULT_CONNECT_TIMEOUT;
	opts->aws.request_timeout_ms = DS_DEFAULT_REQUEST_TIMEOUT;
	opts->aws.max_retries = DS_DEFAULT_MAX_RETRIES;

	/* later lists override earlier ones */
	lists[0] = server->options;
	lists[1] = mapping->options;
	lists[2] = table_options;
	for (i = 0; i < 3; i++)
	{
		foreach(lc, lists[i])
		{
			DefElem    *def = (DefElem *) lfirst(lc);
			const char *name = def->defname;

			if (strcmp(name, "region") == 0)
				opts->aws.region = defGetString(def);
			else if (strcmp(name, "endpoint") == 0)
				endpoint = defGetString(def);
			else if (strcmp(name, "connect_timeout") == 0)
				opts->aws.connect_timeout_ms = option_ms(def);
			else if (strcmp(name, "request_timeout") == 0)
				opts->aws.request_timeout_ms = option_ms(def);
			else if (strcmp(name, "max_retries") == 0)
				opts->aws.max_retries = option_count(def);
			else if (strcmp(name, "consistent_read") == 0)
				opts->consistent_read = defGetBoolean(def);
			else if (strcmp(name, "page_size") == 0)
				opts->page_size = option_count(def);
			else if (strcmp(name, "allow_scan") == 0)
				opts->allow_scan = defGetBoolean(def);
			else if (strcmp(name, "scan_segments") == 0)
				opts->scan_segments = option_segments(def);
			else if (strcmp(name, "estimated_rows") == 0)
				opts->estimated_rows = option_count(def);
			else if (strcmp(name, "batch_size") == 0)
				opts->batch_size = option_positive(def);
			else if (strcmp(name, "insert_mode") == 0)
				opts->insert_mode = option_insert_mode(def);
			else if (strcmp(name, "write_mode") == 0)
				opts->write_mode = option_write_mode(def);
			else if (strcmp(name, "access_key_id") == 0)
				opts->aws.access_key_id = defGetString(def);
			else if (strcmp(name, "secret_access_key") == 0)
				opts->aws.secret_access_key = defGetString(def);
			else if (strcmp(name, "session_token") == 0)
				opts->aws.session_token = defGetString(def);
			else if (strcmp(name, "table") == 0)
				opts->table = defGetString(def);
			else if (strcmp(name, "partition") == 0)
				opts->partition = defGetString(def);
			else if (strcmp(name, "credentials") == 0)
				opts->credentials_chain = option_credentials_chain(def);
			else if (strcmp(name, "profile") == 0)
				opts->profile = defGetString(def);
			else if (strcmp(name, "ca_file") == 0)
				opts->aws.ca_file = defGetString(def);
			else if (strcmp(name, "proxy") == 0)
				opts->aws.proxy = defGetString(def);
		}
	}

	opts->aws.endpoint = endpoint ? endpoint :
		psprintf("https://dynamodb.%s.%s", opts->aws.region,
				 aws_dns_suffix(opts->aws.region));
	opts->aws.table = opts->table;

	/* SET dynastore_fdw.write_at_commit = on: commit mode everywhere */
	if (ds_write_at_commit)
		opts->write_mode = DS_WRITE_COMMIT;

	/* the client, and the credentials: the mapping's keys or the chain */
	ds_connection_attach(opts, server, mapping);

	return opts;
}

/*
 * The user mapping of userid (or PUBLIC) on server.  PostgreSQL's own
 * GetUserMapping says only that none was found; this says what to create.
 */
static UserMapping *
find_user_mapping(Oid userid, ForeignServer *server)
{
	HeapTuple	tp;

	tp = SearchSysCache2(USERMAPPINGUSERSERVER, ObjectIdGetDatum(userid),
						 ObjectIdGetDatum(server->serverid));
	if (!HeapTupleIsValid(tp))
		tp = SearchSysCache2(USERMAPPINGUSERSERVER,
							 ObjectIdGetDatum(InvalidOid),
							 ObjectIdGetDatum(server->serverid));
	if (!HeapTupleIsValid(tp))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("user mapping not found for user \"%s\", server \"%s\"",
						GetUserNameFromId(userid, false), server->servername),
				 errhint("Create one: CREATE USER MAPPING FOR CURRENT_USER SERVER %s OPTIONS (access_key_id '...', secret_access_key '...'); or, if a superuser set the server's option credentials to 'chain', one without options, to use the AWS credentials of the database server's host.",
						 quote_identifier(server->servername))));
	ReleaseSysCache(tp);
	return GetUserMapping(userid, server->serverid);
}

/* The DynamoDB attribute a column maps to: its option, else its name. */
char *
ds_column_attribute(Oid relid, AttrNumber attnum)
{
	List	   *options = GetForeignColumnOptions(relid, attnum);
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "attribute") == 0)
			return defGetString(def);
	}
	return get_attname(relid, attnum, false);
}
