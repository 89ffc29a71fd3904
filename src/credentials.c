/*-------------------------------------------------------------------------
 *
 * credentials.c
 *		AWS credentials: keys given by the caller, or the AWS SDKs' default
 *		chain of the database server's host, cached and refreshed.
 *
 * The chain looks where the SDKs look, in their order, and the first
 * source that is set up wins:
 *
 *	1. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 *	   AWS_SESSION_TOKEN;
 *	2. the shared credentials and config files (AWS_SHARED_CREDENTIALS_FILE,
 *	   AWS_CONFIG_FILE, else ~/.aws/credentials and ~/.aws/config), profile
 *	   from the caller, else AWS_PROFILE, else "default"; a profile may hold
 *	   keys or a web identity (web_identity_token_file and role_arn);
 *	3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, traded
 *	   with STS AssumeRoleWithWebIdentity (EKS's IAM roles for service
 *	   accounts), at AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL if set;
 *	4. the container credentials endpoint: AWS_CONTAINER_CREDENTIALS_
 *	   RELATIVE_URI (ECS, under http://169.254.170.2, which the variable
 *	   DYNASTORE_FDW_CONTAINER_ENDPOINT replaces, for tests) or _FULL_URI
 *	   (EKS Pod Identity), with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
 *	   AWS_CONTAINER_AUTHORIZATION_TOKEN;
 *	5. EC2 instance metadata, with an IMDSv2 session token, at
 *	   AWS_EC2_METADATA_SERVICE_ENDPOINT if set; AWS_EC2_METADATA_DISABLED
 *	   turns it off.
 *
 * The environment is the backend's, which is the postmaster's.  A source
 * that is set up but fails (an unreadable token file, an endpoint that
 * refuses) is an error rather than a reason to try the next: quietly using
 * another identity would be worse.  The metadata service not answering is
 * the one failure that only means "not on EC2".
 *
 * Requests to the credential endpoints are short libcurl transfers driven
 * by a loop that checks for interrupts, as aws_client.c does for DynamoDB.
 * The metadata and container endpoints are local and never go through a
 * proxy; STS goes through the caller's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "common/jsonapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "aws_client.h"
#include "credentials.h"
#include "pg_compat.h"

/* Refresh this long before keys expire, or at half their life if shorter. */
#define CRED_REFRESH_WINDOW_US	((int64) 5 * 60 * USECS_PER_SEC)
/*
 * Keys closer than this to their expiry (or than a quarter of their life)
 * are not kept after a failed refresh.
 */
#define CRED_MIN_VALID_US		((int64) 10 * USECS_PER_SEC)

/* Bounds on what is read from files and endpoints. */
#define CRED_MAX_FILE			((size_t) 1024 * 1024)
#define CRED_MAX_TOKEN_FILE		((size_t) 64 * 1024)
#define CRED_MAX_ANSWER			((size_t) 64 * 1024)
#define CRED_MAX_QUOTED			500

#define CRED_POLL_MS			50

#define IMDS_DEFAULT_ENDPOINT	"http://169.254.169.254"
#define IMDS_DEFAULT_ENDPOINT6	"http://[fd00:ec2::254]"
#define IMDS_TOKEN_TTL			"21600"
#define ECS_DEFAULT_ENDPOINT	"http://169.254.170.2"
#define STS_RETRIES				2
#define CONTAINER_TIMEOUT_MS	5000

typedef enum CredSource
{
	CRED_NONE,
	CRED_STATIC,
	CRED_ENVIRONMENT,
	CRED_CREDENTIALS_FILE,
	CRED_CONFIG_FILE,
	CRED_WEB_IDENTITY,
	CRED_CONTAINER,
	CRED_INSTANCE_METADATA
} CredSource;

static const char *const cred_source_names[] = {
	[CRED_NONE] = NULL,
	[CRED_STATIC] = NULL,
	[CRED_ENVIRONMENT] = "environment",
	[CRED_CREDENTIALS_FILE] = "shared credentials file",
	[CRED_CONFIG_FILE] = "shared config file",
	[CRED_WEB_IDENTITY] = "web identity",
	[CRED_CONTAINER] = "container credentials endpoint",
	[CRED_INSTANCE_METADATA] = "instance metadata",
};

struct AwsCredentialProvider
{
	MemoryContext cxt;			/* owns the strings below */
	bool		chain;
	AwsChainSettings settings;
	AwsCredentials current;
	AwsCredentials previous;	/* kept to scrub them from late messages */
	CredSource	source;
	TimestampTz fetched_at;
	uint64		generation;
	bool		stale;			/* DynamoDB said the token expired */
};

/* One answer of a credential endpoint. */
typedef struct CredAnswer
{
	CURLcode	result;
	long		status;
	char	   *body;			/* palloc'd, NUL-terminated, wiped by caller */
	size_t		len;
	bool		too_large;
	char		errbuf[CURL_ERROR_SIZE];
} CredAnswer;

/* The top-level string fields of a JSON object that we want. */
typedef struct CredJsonField
{
	const char *name;
	char	   *value;
} CredJsonField;

typedef struct CredJsonParse
{
	int			depth;
	CredJsonField *fields;
	int			nfields;
	char	  **target;
} CredJsonParse;

static void cred_resolve(AwsCredentialProvider *p, AwsCredentials *out,
						 CredSource *source);
static bool cred_from_environment(AwsCredentials *out, StringInfo tried);
static bool cred_from_profile(AwsCredentialProvider *p, AwsCredentials *out,
							  CredSource *source, StringInfo tried);
static void cred_web_identity(AwsCredentialProvider *p,
							  const char *token_file, const char *role_arn,
							  const char *session_name, AwsCredentials *out);
static bool cred_from_container(AwsCredentialProvider *p,
								AwsCredentials *out, StringInfo tried);
static bool cred_from_instance_metadata(AwsCredentialProvider *p,
										AwsCredentials *out,
										StringInfo tried);
static void cred_http(const char *method, const char *url,
					  const char *const *headers, int nheaders,
					  const char *body, int connect_timeout_ms,
					  int timeout_ms, const char *ca_file, const char *proxy,
					  CredAnswer *answer);
static size_t cred_write_cb(char *ptr, size_t size, size_t nmemb,
							void *userdata);
static void cred_answer_wipe(CredAnswer *answer);
static bool cred_json_fields(const char *json, size_t len,
							 CredJsonField *fields, int nfields);
static char *cred_json_get(CredJsonField *fields, int nfields,
						   const char *name);
static void cred_take_json_keys(const char *what, const char *where,
								CredAnswer *answer, AwsCredentials *out);
static char *cred_xml_text(const char *xml, const char *tag);
static void cred_check_keys(const char *what, AwsCredentials *creds);
static bool cred_parse_time(const char *s, TimestampTz *result);
static char *cred_read_file(const char *path, size_t max, int *err);
static char *cred_home_path(const char *envvar, const char *relative);
static List *cred_ini_section(const char *text, const char *section,
							  bool *found);
static const char *cred_ini_get(List *pairs, const char *key);
static const char *cred_getenv(const char *name);
static char *cred_trim(char *s);
static char *cred_url_origin(const char *url);
static char *cred_quote(const char *text, const char *const *secrets,
						int nsecrets);
static const char *cred_sentence(const char *text);
static void cred_form_append(StringInfo buf, const char *name,
							 const char *value);
static void cred_wipe_string(char *s);
static void cred_wipe(AwsCredentials *creds, bool free_strings);
static void cred_copy(MemoryContext cxt, AwsCredentials *dst,
					  const AwsCredentials *src);


/* ---------------------------------------------------------------- providers */

AwsCredentialProvider *
aws_credentials_static(MemoryContext cxt, const char *access_key_id,
					   const char *secret_access_key,
					   const char *session_token)
{
	AwsCredentialProvider *p = MemoryContextAllocZero(cxt, sizeof(*p));
	AwsCredentials given = {0};

	p->cxt = cxt;
	p->chain = false;
	given.access_key_id = (char *) access_key_id;
	given.secret_access_key = (char *) secret_access_key;
	given.session_token = (char *) session_token;
	cred_copy(cxt, &p->current, &given);
	p->source = CRED_STATIC;
	p->generation = 1;
	return p;
}

AwsCredentialProvider *
aws_credentials_chain(MemoryContext cxt, const AwsChainSettings *settings)
{
	AwsCredentialProvider *p = MemoryContextAllocZero(cxt, sizeof(*p));

#define COPY_SETTING(f) \
	(p->settings.f = settings->f ? MemoryContextStrdup(cxt, settings->f) : NULL)

	p->cxt = cxt;
	p->chain = true;
	COPY_SETTING(profile);
	COPY_SETTING(region);
	COPY_SETTING(ca_file);
	COPY_SETTING(proxy);
	COPY_SETTING(hint);
	p->settings.connect_timeout_ms = settings->connect_timeout_ms;
	p->settings.request_timeout_ms = settings->request_timeout_ms;
	p->source = CRED_NONE;
	return p;
#undef COPY_SETTING
}

void
aws_credentials_free(AwsCredentialProvider *provider)
{
	if (provider == NULL)
		return;
	cred_wipe(&provider->current, true);
	cred_wipe(&provider->previous, true);
	pfree(provider);
}

/*
 * The keys to sign with; the contract is in credentials.h.
 *
 * A failed refresh is forgiven only while the keys in hand have a while to
 * live, only when DynamoDB has not refused them, and only for the errors
 * the chain itself raises; a cancel or anything else goes on up.
 */
const AwsCredentials *
aws_credentials_get(AwsCredentialProvider *p)
{
	TimestampTz now;
	bool		have;
	AwsCredentials fresh = {0};
	CredSource	source = CRED_NONE;
	MemoryContext oldcxt = CurrentMemoryContext;

	if (!p->chain)
		return &p->current;

	now = GetCurrentTimestamp();
	have = p->source != CRED_NONE && !p->stale;
	if (have)
	{
		TimestampTz exp = p->current.expiration;
		int64		window;

		if (exp == 0)
			return &p->current;
		window = Min(CRED_REFRESH_WINDOW_US, (exp - p->fetched_at) / 2);
		if (now < exp - window)
			return &p->current;
		have = (exp - now) > Min(CRED_MIN_VALID_US, (exp - p->fetched_at) / 4);
	}

	PG_TRY();
	{
		cred_resolve(p, &fresh, &source);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		if (!have ||
			(edata->sqlerrcode != ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION &&
			 edata->sqlerrcode != ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION &&
			 edata->sqlerrcode != ERRCODE_CONNECTION_FAILURE))
		{
			FreeErrorData(edata);
			PG_RE_THROW();
		}
		FlushErrorState();
		ereport(LOG,
				(errmsg("could not refresh AWS credentials; keeping those from the %s until they expire",
						cred_source_names[p->source]),
				 errdetail_internal("%s", edata->message)));
		FreeErrorData(edata);
		return &p->current;
	}
	PG_END_TRY();

	cred_wipe(&p->previous, true);
	p->previous = p->current;
	cred_copy(p->cxt, &p->current, &fresh);
	cred_wipe(&fresh, false);
	p->source = source;
	p->fetched_at = now;
	p->generation++;
	p->stale = false;
	return &p->current;
}

uint64
aws_credentials_generation(AwsCredentialProvider *provider)
{
	return provider->generation;
}

bool
aws_credentials_expired(AwsCredentialProvider *provider, uint64 generation)
{
	if (!provider->chain)
		return false;
	if (generation == provider->generation)
		provider->stale = true;
	return true;
}

const char *
aws_credentials_source(AwsCredentialProvider *provider)
{
	return cred_source_names[provider->source];
}

TimestampTz
aws_credentials_expiration(AwsCredentialProvider *provider)
{
	return provider->source == CRED_NONE ? 0 : provider->current.expiration;
}

bool
aws_credentials_from_host(AwsCredentialProvider *provider)
{
	return provider->chain;
}

int
aws_credentials_secrets(AwsCredentialProvider *provider, const char **out)
{
	int			n = 0;
	const AwsCredentials *sets[2] = {&provider->current, &provider->previous};

	for (int i = 0; i < 2; i++)
	{
		if (sets[i]->access_key_id)
			out[n++] = sets[i]->access_key_id;
		if (sets[i]->secret_access_key)
			out[n++] = sets[i]->secret_access_key;
		if (sets[i]->session_token)
			out[n++] = sets[i]->session_token;
	}
	Assert(n <= AWS_CREDENTIALS_MAX_SECRETS);
	return n;
}

bool
aws_credentials_printable(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return false;
	return true;
}


/* ---------------------------------------------------------------- the chain */

/*
 * Walk the chain; the first source that is set up gives the keys.  What
 * each source that was not set up lacked goes into the error's detail.
 */
static void
cred_resolve(AwsCredentialProvider *p, AwsCredentials *out,
			 CredSource *source)
{
	StringInfoData tried;

	initStringInfo(&tried);

	if (cred_from_environment(out, &tried))
	{
		*source = CRED_ENVIRONMENT;
		return;
	}
	CHECK_FOR_INTERRUPTS();
	if (cred_from_profile(p, out, source, &tried))
		return;
	CHECK_FOR_INTERRUPTS();
	{
		const char *token_file = cred_getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
		const char *role_arn = cred_getenv("AWS_ROLE_ARN");

		if (token_file && role_arn)
		{
			cred_web_identity(p, token_file, role_arn,
							  cred_getenv("AWS_ROLE_SESSION_NAME"), out);
			*source = CRED_WEB_IDENTITY;
			return;
		}
		appendStringInfoString(&tried,
							   " AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set.");
	}
	CHECK_FOR_INTERRUPTS();
	if (cred_from_container(p, out, &tried))
	{
		*source = CRED_CONTAINER;
		return;
	}
	CHECK_FOR_INTERRUPTS();
	if (cred_from_instance_metadata(p, out, &tried))
	{
		*source = CRED_INSTANCE_METADATA;
		return;
	}

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("no AWS credentials found on the database server's host"),
			 errdetail("Looked where the AWS SDKs look, in turn.%s",
					   tried.data),
			 p->settings.hint ? errhint("%s", p->settings.hint) : 0));
}

static bool
cred_from_environment(AwsCredentials *out, StringInfo tried)
{
	const char *key = cred_getenv("AWS_ACCESS_KEY_ID");
	const char *secret = cred_getenv("AWS_SECRET_ACCESS_KEY");

	if (key == NULL || secret == NULL)
	{
		appendStringInfoString(tried,
							   " The environment has no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.");
		return false;
	}
	out->access_key_id = pstrdup(key);
	out->secret_access_key = pstrdup(secret);
	out->session_token = cred_getenv("AWS_SESSION_TOKEN") ?
		pstrdup(cred_getenv("AWS_SESSION_TOKEN")) : NULL;
	out->expiration = 0;
	cred_check_keys("the environment", out);
	return true;
}

/*
 * The profile in the shared files.  The credentials file wins over the
 * config file, as in the SDKs.  Settings of profiles that need more than
 * this (assumed roles, processes, SSO) are an error, not skipped: the
 * profile was meant to be used.
 */
static bool
cred_from_profile(AwsCredentialProvider *p, AwsCredentials *out,
				  CredSource *source, StringInfo tried)
{
	const char *profile = p->settings.profile;
	bool		chosen = true;
	char	   *cred_path = cred_home_path("AWS_SHARED_CREDENTIALS_FILE",
										   ".aws/credentials");
	char	   *conf_path = cred_home_path("AWS_CONFIG_FILE", ".aws/config");
	char	   *cred_text;
	char	   *conf_text;
	int			cred_err = 0;
	int			conf_err = 0;
	List	   *cred_sec = NIL;
	List	   *conf_sec = NIL;
	bool		in_cred = false;
	bool		in_conf = false;
	static const char *const unsupported[] = {
		"role_arn", "credential_process", "sso_session", "sso_start_url",
		"credential_source", "source_profile", NULL
	};

	if (profile == NULL)
		profile = cred_getenv("AWS_PROFILE");
	if (profile == NULL)
	{
		profile = "default";
		chosen = false;
	}

	cred_text = cred_path ? cred_read_file(cred_path, CRED_MAX_FILE, &cred_err) : NULL;
	conf_text = conf_path ? cred_read_file(conf_path, CRED_MAX_FILE, &conf_err) : NULL;
	if (cred_text)
		cred_sec = cred_ini_section(cred_text, profile, &in_cred);
	if (conf_text)
	{
		conf_sec = cred_ini_section(conf_text,
									psprintf("profile %s", profile), &in_conf);
		if (!in_conf && strcmp(profile, "default") == 0)
			conf_sec = cred_ini_section(conf_text, "default", &in_conf);
	}

	for (int i = 0; i < 2; i++)
	{
		List	   *sec = i == 0 ? cred_sec : conf_sec;
		const char *path = i == 0 ? cred_path : conf_path;
		const char *key = cred_ini_get(sec, "aws_access_key_id");
		const char *secret = cred_ini_get(sec, "aws_secret_access_key");

		if (key == NULL && secret == NULL)
			continue;
		if (key == NULL || secret == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("AWS profile \"%s\" in \"%s\" has only one of aws_access_key_id and aws_secret_access_key",
							profile, path)));
		out->access_key_id = pstrdup(key);
		out->secret_access_key = pstrdup(secret);
		out->session_token = cred_ini_get(sec, "aws_session_token") ?
			pstrdup(cred_ini_get(sec, "aws_session_token")) : NULL;
		out->expiration = 0;
		cred_check_keys(psprintf("profile \"%s\" in \"%s\"", profile, path),
						out);
		*source = i == 0 ? CRED_CREDENTIALS_FILE : CRED_CONFIG_FILE;
		if (cred_text)
			cred_wipe_string(cred_text);
		if (conf_text)
			cred_wipe_string(conf_text);
		return true;
	}

	/* A web identity of the profile. */
	for (int i = 0; i < 2; i++)
	{
		List	   *sec = i == 0 ? cred_sec : conf_sec;
		const char *token_file = cred_ini_get(sec, "web_identity_token_file");
		const char *role_arn = cred_ini_get(sec, "role_arn");

		if (token_file && role_arn)
		{
			cred_web_identity(p, token_file, role_arn,
							  cred_ini_get(sec, "role_session_name"), out);
			*source = CRED_WEB_IDENTITY;
			return true;
		}
	}

	for (int i = 0; i < 2; i++)
	{
		List	   *sec = i == 0 ? cred_sec : conf_sec;

		for (const char *const *u = unsupported; *u; u++)
			if (cred_ini_get(sec, *u) != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
						 errmsg("AWS profile \"%s\" in \"%s\" uses \"%s\", which dynastore_fdw does not support",
								profile, i == 0 ? cred_path : conf_path, *u),
						 errhint("Give the profile aws_access_key_id and aws_secret_access_key, or web_identity_token_file and role_arn, or use another source of the chain.")));
	}

	if (chosen && !in_cred && !in_conf)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("AWS profile \"%s\" not found", profile),
				 errdetail("It is in neither \"%s\" nor \"%s\".",
						   cred_path ? cred_path : "~/.aws/credentials",
						   conf_path ? conf_path : "~/.aws/config")));

	appendStringInfo(tried, " No keys for profile \"%s\" are in \"%s\"%s or \"%s\"%s.",
					 profile,
					 cred_path ? cred_path : "~/.aws/credentials",
					 cred_err == ENOENT ? " (no such file)" :
					 cred_err ? " (unreadable)" : "",
					 conf_path ? conf_path : "~/.aws/config",
					 conf_err == ENOENT ? " (no such file)" :
					 conf_err ? " (unreadable)" : "");
	if (cred_text)
		cred_wipe_string(cred_text);
	if (conf_text)
		cred_wipe_string(conf_text);
	return false;
}

/*
 * Trade a web identity token for keys with STS AssumeRoleWithWebIdentity,
 * a request that carries no signature: the token is the proof.  The token
 * file is read each time, since the platform rotates it.
 */
static void
cred_web_identity(AwsCredentialProvider *p, const char *token_file,
				  const char *role_arn, const char *session_name,
				  AwsCredentials *out)
{
	int			err = 0;
	char	   *token = cred_read_file(token_file, CRED_MAX_TOKEN_FILE, &err);
	const char *endpoint = cred_getenv("AWS_ENDPOINT_URL_STS");
	const char *region = p->settings.region ? p->settings.region : "us-east-1";
	const char *headers[] = {
		"Content-Type: application/x-www-form-urlencoded; charset=utf-8",
		"Accept: text/xml",
		"Expect:"
	};
	const char *secrets[1];
	StringInfoData body;
	CredAnswer	answer;
	char	   *origin;

	if (token == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("could not read the web identity token file \"%s\": %s",
						token_file, strerror(err))));
	token = cred_trim(token);
	if (token[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("the web identity token file \"%s\" is empty",
						token_file)));

	if (endpoint == NULL)
		endpoint = cred_getenv("AWS_ENDPOINT_URL");
	if (endpoint == NULL)
		endpoint = psprintf("https://sts.%s.%s", region, aws_dns_suffix(region));
	origin = cred_url_origin(endpoint);
	if (session_name == NULL)
		session_name = psprintf("dynastore-fdw-%d-%ld", MyProcPid,
								(long) time(NULL));

	initStringInfo(&body);
	cred_form_append(&body, "Action", "AssumeRoleWithWebIdentity");
	cred_form_append(&body, "Version", "2011-06-15");
	cred_form_append(&body, "RoleArn", role_arn);
	cred_form_append(&body, "RoleSessionName", session_name);
	cred_form_append(&body, "WebIdentityToken", token);
	secrets[0] = token;

	/* A few tries for what passes: throttling, 5xx, a broken connection. */
	for (int attempt = 0;; attempt++)
	{
		char	   *code;
		char	   *message;
		bool		again;

		cred_http("POST", endpoint, headers, lengthof(headers), body.data,
				  p->settings.connect_timeout_ms,
				  p->settings.request_timeout_ms, p->settings.ca_file,
				  p->settings.proxy, &answer);

		if (answer.result == CURLE_OK && answer.status == 200)
			break;

		code = answer.result == CURLE_OK ?
			cred_xml_text(answer.body, "Code") : NULL;
		again = answer.result != CURLE_OK || answer.status >= 500 ||
			(code && (strcmp(code, "Throttling") == 0 ||
					  strcmp(code, "IDPCommunicationError") == 0));
		if (again && attempt < STS_RETRIES)
		{
			cred_answer_wipe(&answer);
			aws_backoff_wait(attempt, code != NULL);
			continue;
		}

		cred_wipe_string(body.data);
		if (answer.result != CURLE_OK)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("could not reach STS at %s for the web identity",
							origin),
					 errdetail("%s", answer.errbuf[0] ? answer.errbuf :
							   curl_easy_strerror(answer.result))));
		message = cred_xml_text(answer.body, "Message");
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("STS refused the web identity for role \"%s\"",
						role_arn),
				 errdetail("STS at %s answered HTTP status %ld, %s",
						   origin, answer.status,
						   cred_sentence(psprintf("%s: %s",
												  code ? cred_quote(code, secrets, 1) : "no error code",
												  message ? cred_quote(message, secrets, 1) : "no message"))),
				 errhint("Check the role's trust policy for the identity provider, and the token file \"%s\".",
						 token_file)));
	}
	cred_wipe_string(body.data);
	cred_wipe_string(token);

	out->access_key_id = cred_xml_text(answer.body, "AccessKeyId");
	out->secret_access_key = cred_xml_text(answer.body, "SecretAccessKey");
	out->session_token = cred_xml_text(answer.body, "SessionToken");
	{
		char	   *exp = cred_xml_text(answer.body, "Expiration");

		if (exp == NULL || !cred_parse_time(exp, &out->expiration))
			out->expiration = 0;
	}
	cred_answer_wipe(&answer);
	cred_check_keys(psprintf("STS at %s", origin), out);
	if (out->expiration == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("STS at %s answered without a valid expiration time",
						origin)));
}

/*
 * The container credentials endpoint.  A full URI over plain http must
 * stay on the host or on the link-local addresses ECS and EKS use, as the
 * SDKs require, since the authorization token travels in the clear.
 */
static bool
cred_from_container(AwsCredentialProvider *p, AwsCredentials *out,
					StringInfo tried)
{
	const char *relative = cred_getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = cred_getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *token_file = cred_getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *token_env = cred_getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	char	   *token = NULL;
	char	   *url;
	char	   *origin;
	const char *headers[1];
	int			nheaders = 0;
	CredAnswer	answer;

	if (relative != NULL)
	{
		const char *base = cred_getenv("DYNASTORE_FDW_CONTAINER_ENDPOINT");

		url = psprintf("%s%s%s", base ? base : ECS_DEFAULT_ENDPOINT,
					   relative[0] == '/' ? "" : "/", relative);
	}
	else if (full != NULL)
		url = pstrdup(full);
	else
	{
		appendStringInfoString(tried,
							   " AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set.");
		return false;
	}
	origin = cred_url_origin(url);

	if (relative == NULL && pg_strncasecmp(full, "https://", 8) != 0)
	{
		static const char *const allowed[] = {
			"http://127.", "http://localhost:", "http://localhost/",
			"http://[::1]", "http://169.254.170.2", "http://169.254.170.23",
			"http://[fd00:ec2::23]", NULL
		};
		bool		ok = false;

		for (const char *const *a = allowed; *a; a++)
			if (pg_strncasecmp(full, *a, strlen(*a)) == 0)
				ok = true;
		if (strcasecmp(full, "http://localhost") == 0)
			ok = true;
		if (!ok)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("AWS_CONTAINER_CREDENTIALS_FULL_URI names a host that is not allowed over http: %s",
							origin),
					 errhint("Over plain http the container credentials endpoint must be on the loopback interface or at 169.254.170.2 or 169.254.170.23; use https otherwise.")));
	}

	if (token_file != NULL)
	{
		int			err = 0;

		token = cred_read_file(token_file, CRED_MAX_TOKEN_FILE, &err);
		if (token == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("could not read the container authorization token file \"%s\": %s",
							token_file, strerror(err))));
		token = cred_trim(token);
	}
	else if (token_env != NULL)
		token = pstrdup(token_env);
	if (token != NULL)
	{
		/* a line break would make a header of its own */
		for (const char *c = token; *c; c++)
			if ((unsigned char) *c < 0x20 || *c == 0x7f)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
						 errmsg("the container authorization token contains a control character")));
		headers[nheaders++] = psprintf("Authorization: %s", token);
	}

	for (int attempt = 0;; attempt++)
	{
		cred_http("GET", url, headers, nheaders, NULL,
				  Min(p->settings.connect_timeout_ms, CONTAINER_TIMEOUT_MS),
				  CONTAINER_TIMEOUT_MS, p->settings.ca_file, NULL, &answer);
		if (answer.result == CURLE_OK && answer.status < 500)
			break;
		if (attempt >= 1)
			break;
		cred_answer_wipe(&answer);
		aws_backoff_wait(attempt, false);
	}
	if (token)
	{
		cred_wipe_string((char *) headers[0]);
		cred_wipe_string(token);
	}

	if (answer.result != CURLE_OK)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not reach the container credentials endpoint at %s",
						origin),
				 errdetail("%s", answer.errbuf[0] ? answer.errbuf :
						   curl_easy_strerror(answer.result))));
	if (answer.status != 200)
	{
		long		status = answer.status;

		cred_answer_wipe(&answer);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("the container credentials endpoint at %s refused to give credentials",
						origin),
				 errdetail("It answered HTTP status %ld.", status),
				 token ? 0 :
				 errhint("Set AWS_CONTAINER_AUTHORIZATION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE if the endpoint wants one.")));
	}
	cred_take_json_keys("the container credentials endpoint", origin,
						&answer, out);
	return true;
}

/*
 * EC2 instance metadata, IMDSv2 only: a session token from a PUT, then the
 * role's name and its keys.  IMDSv1's bare GETs are not used: they are
 * what server-side request forgery exploits.  No answer at all means this
 * is not an EC2 instance, and the chain ends.
 */
static bool
cred_from_instance_metadata(AwsCredentialProvider *p, AwsCredentials *out,
							StringInfo tried)
{
	const char *disabled = cred_getenv("AWS_EC2_METADATA_DISABLED");
	const char *base = cred_getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode = cred_getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	const char *timeout_s = cred_getenv("AWS_METADATA_SERVICE_TIMEOUT");
	const char *attempts_s = cred_getenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS");
	int			timeout_ms = 1000;
	int			attempts = 1;
	char	   *prefix;
	char	   *origin;
	char	   *token;
	char	   *role;
	const char *headers[1];
	CredAnswer	answer;

	if (disabled && pg_strcasecmp(disabled, "true") == 0)
	{
		appendStringInfoString(tried,
							   " The instance metadata service is off (AWS_EC2_METADATA_DISABLED).");
		return false;
	}
	if (base == NULL)
		base = (mode && pg_strcasecmp(mode, "IPv6") == 0) ?
			IMDS_DEFAULT_ENDPOINT6 : IMDS_DEFAULT_ENDPOINT;
	if (timeout_s && atoi(timeout_s) > 0)
		timeout_ms = Min(atoi(timeout_s), 60) * 1000;
	if (attempts_s && atoi(attempts_s) > 0)
		attempts = Min(atoi(attempts_s), 10);
	prefix = pstrdup(base);
	if (prefix[0] && prefix[strlen(prefix) - 1] == '/')
		prefix[strlen(prefix) - 1] = '\0';
	origin = cred_url_origin(prefix);

	headers[0] = "X-aws-ec2-metadata-token-ttl-seconds: " IMDS_TOKEN_TTL;
	for (int attempt = 0;; attempt++)
	{
		cred_http("PUT", psprintf("%s/latest/api/token", prefix), headers, 1,
				  "", timeout_ms, timeout_ms, NULL, NULL, &answer);
		if ((answer.result == CURLE_OK && answer.status < 500) ||
			attempt + 1 >= attempts)
			break;
		cred_answer_wipe(&answer);
		aws_backoff_wait(attempt, false);
	}
	if (answer.result != CURLE_OK)
	{
		appendStringInfo(tried,
						 " The instance metadata service at %s did not answer: %s",
						 origin,
						 cred_sentence(answer.errbuf[0] ? answer.errbuf :
									   curl_easy_strerror(answer.result)));
		return false;
	}
	if (answer.status != 200)
	{
		appendStringInfo(tried,
						 " The instance metadata service at %s answered HTTP status %ld to a request for an IMDSv2 token.",
						 origin, answer.status);
		cred_answer_wipe(&answer);
		return false;
	}
	token = cred_trim(answer.body);
	if (!aws_credentials_printable(token) || token[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("the instance metadata service at %s answered a malformed token",
						origin)));
	headers[0] = psprintf("X-aws-ec2-metadata-token: %s", token);
	cred_wipe_string(token);

	cred_http("GET", psprintf("%s/latest/meta-data/iam/security-credentials/",
							  prefix),
			  headers, 1, NULL, timeout_ms, timeout_ms, NULL, NULL, &answer);
	if (answer.result == CURLE_OK && answer.status == 404)
	{
		cred_wipe_string((char *) headers[0]);
		appendStringInfo(tried,
						 " The instance metadata service at %s knows no IAM role: the instance has no instance profile.",
						 origin);
		return false;
	}
	if (answer.result != CURLE_OK || answer.status != 200)
	{
		cred_wipe_string((char *) headers[0]);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not read the IAM role from the instance metadata service at %s",
						origin),
				 answer.result != CURLE_OK ?
				 errdetail("%s", answer.errbuf[0] ? answer.errbuf :
						   curl_easy_strerror(answer.result)) :
				 errdetail("It answered HTTP status %ld.", answer.status)));
	}
	role = cred_trim(answer.body);
	if (strchr(role, '\n'))
		*strchr(role, '\n') = '\0';
	role = cred_trim(role);
	if (role[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("the instance metadata service at %s answered no role name",
						origin)));
	for (const char *c = role; *c; c++)
		if (!(isalnum((unsigned char) *c) || strchr("+=,.@_-", *c)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("the instance metadata service at %s answered a malformed role name",
							origin)));

	cred_http("GET", psprintf("%s/latest/meta-data/iam/security-credentials/%s",
							  prefix, role),
			  headers, 1, NULL, timeout_ms, timeout_ms, NULL, NULL, &answer);
	cred_wipe_string((char *) headers[0]);
	if (answer.result != CURLE_OK || answer.status != 200)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not read the credentials of IAM role \"%s\" from the instance metadata service at %s",
						role, origin),
				 answer.result != CURLE_OK ?
				 errdetail("%s", answer.errbuf[0] ? answer.errbuf :
						   curl_easy_strerror(answer.result)) :
				 errdetail("It answered HTTP status %ld.", answer.status)));
	cred_take_json_keys("the instance metadata service", origin, &answer, out);
	return true;
}

/*
 * Read AccessKeyId, SecretAccessKey, Token and Expiration from the JSON
 * that the metadata and container endpoints answer, and wipe the answer.
 */
static void
cred_take_json_keys(const char *what, const char *where, CredAnswer *answer,
					AwsCredentials *out)
{
	CredJsonField fields[] = {
		{"AccessKeyId"}, {"SecretAccessKey"}, {"Token"}, {"Expiration"},
		{"Code"}, {"Message"}
	};
	const char *code;
	char	   *exp;
	bool		parsed = cred_json_fields(answer->body, answer->len, fields,
										  lengthof(fields));
	const char *place = psprintf("%s at %s", what, where);

	cred_answer_wipe(answer);
	if (!parsed)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("%s answered something other than a JSON object of credentials",
						place)));
	code = cred_json_get(fields, lengthof(fields), "Code");
	if (code && strcmp(code, "Success") != 0)
	{
		const char *message = cred_json_get(fields, lengthof(fields), "Message");

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("%s gave no credentials", place),
				 errdetail("It answered code %s",
						   cred_sentence(psprintf("%s: %s",
												  cred_quote(code, NULL, 0),
												  message ? cred_quote(message, NULL, 0) : "no message")))));
	}
	out->access_key_id = cred_json_get(fields, lengthof(fields), "AccessKeyId");
	out->secret_access_key = cred_json_get(fields, lengthof(fields),
										   "SecretAccessKey");
	out->session_token = cred_json_get(fields, lengthof(fields), "Token");
	exp = cred_json_get(fields, lengthof(fields), "Expiration");
	if (exp == NULL || !cred_parse_time(exp, &out->expiration))
		out->expiration = 0;
	cred_check_keys(place, out);
	if (out->expiration == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("%s answered credentials without a valid expiration time",
						place)));
}

/*
 * Keys of any source must be present and printable: one with a line break
 * would add a header to the request signed with it.
 */
static void
cred_check_keys(const char *what, AwsCredentials *creds)
{
	if (creds->access_key_id == NULL || creds->access_key_id[0] == '\0' ||
		creds->secret_access_key == NULL ||
		creds->secret_access_key[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("%s gave no access key id or no secret access key",
						what)));
	if (creds->session_token && creds->session_token[0] == '\0')
		creds->session_token = NULL;
	if (!aws_credentials_printable(creds->access_key_id) ||
		!aws_credentials_printable(creds->secret_access_key) ||
		!aws_credentials_printable(creds->session_token) ||
		strlen(creds->access_key_id) > 128 ||
		strlen(creds->secret_access_key) > 256 ||
		(creds->session_token && strlen(creds->session_token) > 16384))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("%s gave malformed credentials", what),
				 errdetail("Keys and tokens are printable ASCII without spaces, of bounded length.")));
}


/* ---------------------------------------------------------------- HTTP */

/*
 * One request to a credential endpoint.  Transport failures come back in
 * answer->result (with libcurl's text in errbuf, which never holds a
 * header); an answer of any status in answer->status and body.  Ctrl-C
 * and statement_timeout stop it: the loop checks for interrupts, and
 * PG_FINALLY lets go of libcurl.
 */
static void
cred_http(const char *method, const char *url, const char *const *headers,
		  int nheaders, const char *body, int connect_timeout_ms,
		  int timeout_ms, const char *ca_file, const char *proxy,
		  CredAnswer *answer)
{
	CURLM	   *volatile multi = NULL;
	CURL	   *volatile easy = NULL;
	struct curl_slist *volatile list = NULL;
	CredAnswer *volatile ans = answer;

	memset(answer, 0, sizeof(*answer));
	answer->result = CURLE_FAILED_INIT;
	answer->body = palloc(CRED_MAX_ANSWER + 1);
	answer->body[0] = '\0';

	PG_TRY();
	{
		CURLMcode	mc;

		multi = curl_multi_init();
		easy = curl_easy_init();
		if (multi == NULL || easy == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("Failed on creating a libcurl handle.")));
		for (int i = 0; i < nheaders; i++)
		{
			struct curl_slist *l = curl_slist_append(list, headers[i]);

			if (l == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_OUT_OF_MEMORY),
						 errmsg("out of memory")));
			list = l;
		}

		curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, ans->errbuf);
		curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 1L);
		curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
		curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
		curl_easy_setopt(easy, CURLOPT_URL, url);
		curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
		curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
						 (long) Max(connect_timeout_ms, 1));
		curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long) Max(timeout_ms, 1));
		curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, cred_write_cb);
		curl_easy_setopt(easy, CURLOPT_WRITEDATA, ans);
		if (body != NULL)
		{
			curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
			curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
							 (curl_off_t) strlen(body));
		}
		if (strcmp(method, "POST") != 0 && strcmp(method, "GET") != 0)
			curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
		aws_curl_transport_options(easy, ca_file, proxy);

		mc = curl_multi_add_handle(multi, easy);
		if (mc != CURLM_OK)
			elog(ERROR, "curl_multi_add_handle failed: %s",
				 curl_multi_strerror(mc));

		/* Bounded by CURLOPT_TIMEOUT_MS. */
		for (;;)
		{
			int			still = 0;
			int			left;
			CURLMsg    *msg;
			bool		done = false;

			mc = curl_multi_perform(multi, &still);
			if (mc != CURLM_OK)
				elog(ERROR, "curl_multi_perform failed: %s",
					 curl_multi_strerror(mc));
			while ((msg = curl_multi_info_read(multi, &left)) != NULL)
			{
				if (msg->msg == CURLMSG_DONE)
				{
					ans->result = msg->data.result;
					done = true;
				}
			}
			if (done)
				break;
			pgstat_report_wait_start(PG_WAIT_EXTENSION);
			mc = curl_multi_poll(multi, NULL, 0, CRED_POLL_MS, NULL);
			pgstat_report_wait_end();
			if (mc != CURLM_OK)
				elog(ERROR, "curl_multi_poll failed: %s",
					 curl_multi_strerror(mc));
			CHECK_FOR_INTERRUPTS();
		}
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &ans->status);
		if (ans->too_large)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the answer of a credential endpoint exceeded %zu bytes",
							CRED_MAX_ANSWER)));
	}
	PG_FINALLY();
	{
		if (multi && easy)
			curl_multi_remove_handle(multi, easy);
		if (easy)
			curl_easy_cleanup(easy);
		if (multi)
			curl_multi_cleanup(multi);
		curl_slist_free_all(list);
	}
	PG_END_TRY();
}

/* libcurl's write callback: fills the fixed buffer, never raises. */
static size_t
cred_write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	CredAnswer *ans = (CredAnswer *) userdata;
	size_t		n = size * nmemb;

	if (n > CRED_MAX_ANSWER - ans->len)
	{
		ans->too_large = true;
		return 0;
	}
	memcpy(ans->body + ans->len, ptr, n);
	ans->len += n;
	ans->body[ans->len] = '\0';
	return n;
}

static void
cred_answer_wipe(CredAnswer *answer)
{
	if (answer->body)
	{
		explicit_bzero(answer->body, answer->len);
		answer->len = 0;
		answer->body[0] = '\0';
	}
}


/* ---------------------------------------------------------------- JSON and XML */

static ds_json_cb_result
cred_json_nest(void *state)
{
	((CredJsonParse *) state)->depth++;
	DS_JSON_CB_DONE;
}

static ds_json_cb_result
cred_json_unnest(void *state)
{
	((CredJsonParse *) state)->depth--;
	DS_JSON_CB_DONE;
}

static ds_json_cb_result
cred_json_field(void *state, char *fname, bool isnull)
{
	CredJsonParse *p = (CredJsonParse *) state;

	p->target = NULL;
	if (p->depth != 1)
		DS_JSON_CB_DONE;
	for (int i = 0; i < p->nfields; i++)
		if (strcmp(fname, p->fields[i].name) == 0)
			p->target = &p->fields[i].value;
	DS_JSON_CB_DONE;
}

static ds_json_cb_result
cred_json_scalar(void *state, char *token, JsonTokenType tokentype)
{
	CredJsonParse *p = (CredJsonParse *) state;

	if (p->target && p->depth == 1 && tokentype == JSON_TOKEN_STRING &&
		*p->target == NULL)
		*p->target = token;
	p->target = NULL;
	DS_JSON_CB_DONE;
}

/*
 * Fill fields with the top-level strings of a JSON object.  A parse error
 * is only a false: PostgreSQL's own error text would quote the input.
 */
static bool
cred_json_fields(const char *json, size_t len, CredJsonField *fields,
				 int nfields)
{
	CredJsonParse p = {0};
	JsonSemAction sem = {0};
	JsonLexContext *lex;

	for (size_t i = 0; i < len; i++)
		if (IS_HIGHBIT_SET(json[i]))
			return false;		/* credentials are ASCII */
	p.fields = fields;
	p.nfields = nfields;
	sem.semstate = &p;
	sem.object_start = cred_json_nest;
	sem.object_end = cred_json_unnest;
	sem.array_start = cred_json_nest;
	sem.array_end = cred_json_unnest;
	sem.object_field_start = cred_json_field;
	sem.scalar = cred_json_scalar;
	lex = ds_json_lex_cstring(pnstrdup(json, len), len, PG_UTF8, true);
	return pg_parse_json(lex, &sem) == JSON_SUCCESS;
}

static char *
cred_json_get(CredJsonField *fields, int nfields, const char *name)
{
	for (int i = 0; i < nfields; i++)
		if (strcmp(fields[i].name, name) == 0)
			return fields[i].value;
	return NULL;
}

/*
 * The text of the first <tag>...</tag> of an STS answer, with XML's five
 * entities decoded, or NULL.  STS answers are flat enough for this.
 */
static char *
cred_xml_text(const char *xml, const char *tag)
{
	char	   *open = psprintf("<%s>", tag);
	char	   *close = psprintf("</%s>", tag);
	const char *start;
	const char *end;
	StringInfoData out;

	if (xml == NULL || (start = strstr(xml, open)) == NULL)
		return NULL;
	start += strlen(open);
	if ((end = strstr(start, close)) == NULL)
		return NULL;
	initStringInfo(&out);
	for (const char *c = start; c < end; c++)
	{
		static const char *const entities[][2] = {
			{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},
			{"&quot;", "\""}, {"&apos;", "'"}
		};
		bool		decoded = false;

		if (*c == '&')
		{
			for (int i = 0; i < (int) lengthof(entities); i++)
			{
				size_t		n = strlen(entities[i][0]);

				if (end - c >= (ptrdiff_t) n && strncmp(c, entities[i][0], n) == 0)
				{
					appendStringInfoString(&out, entities[i][1]);
					c += n - 1;
					decoded = true;
					break;
				}
			}
		}
		if (!decoded)
			appendStringInfoChar(&out, *c);
	}
	return cred_trim(out.data);
}

/* "2024-05-01T12:34:56Z", with or without fractions, or "+00:00". */
static bool
cred_parse_time(const char *s, TimestampTz *result)
{
	struct pg_tm tm = {0};
	int			n = 0;
	const char *p;
	Timestamp	ts;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
			   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return false;
	p = s + n;
	if (*p == '.')
		for (p++; isdigit((unsigned char) *p); p++)
			;
	if (!(strcmp(p, "Z") == 0 || strcmp(p, "+00:00") == 0 || *p == '\0'))
		return false;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
		tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
		tm.tm_sec > 60)
		return false;
	if (tm2timestamp(&tm, 0, NULL, &ts) != 0)
		return false;
	*result = (TimestampTz) ts;
	return true;
}


/* ---------------------------------------------------------------- files */

/*
 * A whole file, NUL-terminated, or NULL with *err set (ENOENT when it is
 * not there, EFBIG when it is larger than max).
 */
static char *
cred_read_file(const char *path, size_t max, int *err)
{
	int			fd = open(path, O_RDONLY | PG_BINARY, 0);
	struct stat st;
	char	   *buf;
	size_t		len = 0;

	*err = 0;
	if (fd < 0)
	{
		*err = errno;
		return NULL;
	}
	if (fstat(fd, &st) != 0)
	{
		*err = errno;
		close(fd);
		return NULL;
	}
	if ((size_t) st.st_size > max)
	{
		*err = EFBIG;
		close(fd);
		return NULL;
	}
	buf = palloc(st.st_size + 1);
	while (len < (size_t) st.st_size)
	{
		ssize_t		r = read(fd, buf + len, st.st_size - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += r;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/*
 * The path in envvar, else relative to the home directory of the server's
 * user; a leading "~/" is the home directory too, as in the SDKs.
 */
static char *
cred_home_path(const char *envvar, const char *relative)
{
	const char *path = cred_getenv(envvar);
	const char *home = cred_getenv("HOME");

	if (home == NULL)
	{
		struct passwd *pw = getpwuid(geteuid());

		home = pw ? pstrdup(pw->pw_dir) : NULL;
	}
	if (path != NULL && strncmp(path, "~/", 2) != 0)
		return pstrdup(path);
	if (home == NULL)
		return NULL;
	if (path != NULL)
		return psprintf("%s/%s", home, path + 2);
	return psprintf("%s/%s", home, relative);
}

/*
 * The key = value pairs of one [section] of an INI text, as a list of
 * alternating keys and values.  Comment lines start with '#' or ';';
 * indented lines are sub-settings of the line before, which no key here
 * needs.  *found tells whether the section exists at all.
 */
static List *
cred_ini_section(const char *text, const char *section, bool *found)
{
	List	   *pairs = NIL;
	bool		inside = false;
	char	   *copy = pstrdup(text);
	char	   *line = copy;

	*found = false;
	while (line != NULL && *line != '\0')
	{
		char	   *next = strchr(line, '\n');
		bool		indented = (*line == ' ' || *line == '\t');
		char	   *l;

		if (next)
			*next++ = '\0';
		l = cred_trim(line);
		line = next;
		if (*l == '\0' || *l == '#' || *l == ';')
			continue;
		if (*l == '[')
		{
			char	   *close = strrchr(l, ']');

			if (close == NULL)
				continue;
			*close = '\0';
			l = cred_trim(l + 1);
			/* "[profile  x]" and "[profile x]" are the same section */
			if (strncmp(l, "profile", 7) == 0 && isspace((unsigned char) l[7]) &&
				strncmp(section, "profile ", 8) == 0)
				inside = strcmp(cred_trim(l + 8), section + 8) == 0;
			else
				inside = strcmp(l, section) == 0;
			*found |= inside;
			continue;
		}
		if (!inside || indented)
			continue;
		{
			char	   *eq = strchr(l, '=');

			if (eq == NULL)
				continue;
			*eq = '\0';
			pairs = lappend(pairs, cred_trim(l));
			pairs = lappend(pairs, cred_trim(eq + 1));
		}
	}
	return pairs;
}

static const char *
cred_ini_get(List *pairs, const char *key)
{
	const char *result = NULL;

	for (int i = 0; i + 1 < list_length(pairs); i += 2)
		if (pg_strcasecmp((char *) list_nth(pairs, i), key) == 0)
		{
			result = (char *) list_nth(pairs, i + 1);
			if (result[0] == '\0')
				result = NULL;
		}
	return result;
}


/* ---------------------------------------------------------------- helpers */

/* A variable of the environment, NULL when unset or empty. */
static const char *
cred_getenv(const char *name)
{
	const char *v = getenv(name);

	return (v && v[0]) ? v : NULL;
}

static char *
cred_trim(char *s)
{
	char	   *end;

	while (*s && isspace((unsigned char) *s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char) end[-1]))
		*--end = '\0';
	return s;
}

/*
 * scheme://host[:port] of a URL, for messages: never a path (a container's
 * path names its task), a query or a user:password@.
 */
static char *
cred_url_origin(const char *url)
{
	const char *p = strstr(url, "://");
	const char *host;
	const char *end;
	const char *at;

	if (p == NULL)
		return pstrdup("(an invalid URL)");
	host = p + 3;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', end - host);
	if (at)
		host = at + 1;
	return psprintf("%.*s://%.*s", (int) (p - url), url, (int) (end - host),
					host);
}

/*
 * A piece of an endpoint's answer fit for a message: no secret of ours,
 * printable ASCII, then shortened.
 */
static char *
cred_quote(const char *text, const char *const *secrets, int nsecrets)
{
	StringInfoData buf;
	char	   *s = pstrdup(text);

	for (int i = 0; i < nsecrets; i++)
	{
		size_t		slen = secrets[i] ? strlen(secrets[i]) : 0;
		char	   *from;
		char	   *hit;

		if (slen < 4)
			continue;
		initStringInfo(&buf);
		for (from = s; (hit = strstr(from, secrets[i])) != NULL;
			 from = hit + slen)
		{
			appendBinaryStringInfo(&buf, from, hit - from);
			appendStringInfoString(&buf, "***");
		}
		appendStringInfoString(&buf, from);
		s = buf.data;
	}
	for (char *c = s; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			*c = '?';
	if (strlen(s) > CRED_MAX_QUOTED)
		strcpy(s + CRED_MAX_QUOTED - 3, "...");
	return s;
}

/* text, ending with a full stop unless it already ends a sentence. */
static const char *
cred_sentence(const char *text)
{
	size_t		len = strlen(text);

	if (len > 0 && strchr(".!?", text[len - 1]))
		return text;
	return psprintf("%s.", text);
}

/* name=value&, the value percent-encoded as forms want. */
static void
cred_form_append(StringInfo buf, const char *name, const char *value)
{
	if (buf->len > 0)
		appendStringInfoChar(buf, '&');
	appendStringInfo(buf, "%s=", name);
	for (const unsigned char *c = (const unsigned char *) value; *c; c++)
	{
		if (isalnum(*c) || *c == '-' || *c == '_' || *c == '.' || *c == '~')
			appendStringInfoChar(buf, (char) *c);
		else
			appendStringInfo(buf, "%%%02X", *c);
	}
}

static void
cred_wipe_string(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
}

/* Wipe keys; free them too when they are the provider's own copies. */
static void
cred_wipe(AwsCredentials *creds, bool free_strings)
{
	char	   *strings[3] = {creds->access_key_id, creds->secret_access_key,
	creds->session_token};

	for (int i = 0; i < 3; i++)
	{
		if (strings[i])
		{
			cred_wipe_string(strings[i]);
			if (free_strings)
				pfree(strings[i]);
		}
	}
	memset(creds, 0, sizeof(*creds));
}

static void
cred_copy(MemoryContext cxt, AwsCredentials *dst, const AwsCredentials *src)
{
	dst->access_key_id = src->access_key_id ?
		MemoryContextStrdup(cxt, src->access_key_id) : NULL;
	dst->secret_access_key = src->secret_access_key ?
		MemoryContextStrdup(cxt, src->secret_access_key) : NULL;
	dst->session_token = src->session_token ?
		MemoryContextStrdup(cxt, src->session_token) : NULL;
	dst->expiration = src->expiration;
}
