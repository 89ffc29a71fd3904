/*-------------------------------------------------------------------------
 *
 * aws_client.c
 *		One DynamoDB call over HTTP: transport, signing, retries, errors.
 *
 * A client (AwsClient, one per server and user mapping: connection.c) keeps
 * libcurl easy handles inside one multi handle, created on first use, so
 * that the TCP and TLS connections to DynamoDB survive from one statement
 * to the next.  Keys come from a credential provider (credentials.c) at
 * each signing.  The transfer is driven by a loop that polls
 * with a short timeout and checks for interrupts, which is what lets Ctrl-C
 * and statement_timeout stop a request in flight.
 *
 * libcurl allocates with malloc and must never be unwound through by
 * longjmp: nothing here raises an error from inside a libcurl callback, and
 * every error raised while a transfer is attached goes through PG_FINALLY,
 * which detaches it first.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "common/jsonapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/memutils.h"
#include "utils/pg_crc.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "aws_client.h"
#include "credentials.h"
#include "pg_compat.h"
#include "sigv4.h"

#define DDB_TARGET_PREFIX	"DynamoDB_20120810."
#define DDB_CONTENT_TYPE	"application/x-amz-json-1.0"
#define DDB_SERVICE			"dynamodb"

/* How long one poll of the sockets lasts before interrupts are checked. */
#define DDB_POLL_MS			50

/*
 * DynamoDB's largest answer (BatchGetItem) is 16 MB; anything far beyond is
 * not DynamoDB talking, and must not exhaust the backend's memory.
 */
#define DDB_MAX_RESPONSE	((size_t) 64 * 1024 * 1024)

/* Backoff between retries: full jitter over an exponential ceiling. */
#define DDB_BACKOFF_BASE_MS			50
#define DDB_THROTTLE_BACKOFF_BASE_MS 100
#define DDB_BACKOFF_CAP_MS			5000

/* Longest piece of DynamoDB's own text quoted in an error. */
#define DDB_MAX_QUOTED		1000

/*
 * curl_easy_setopt on a handle, keeping libcurl's compile-time type checks.
 * A failure is a bug or a libcurl built without something we need.
 */
#define ddb_setopt(handle, option, value) \
	do { \
		CURLcode	setopt_rc_ = curl_easy_setopt((handle), (option), (value)); \
		\
		if (setopt_rc_ != CURLE_OK) \
			elog(ERROR, "could not set libcurl option %s: %s", \
				 #option, curl_easy_strerror(setopt_rc_)); \
	} while (0)

/* The endpoint, taken apart once per call. */
typedef struct DdbEndpoint
{
	char	   *url;			/* what libcurl is given, path included */
	char	   *host;			/* Host header: host, or host:port */
	char	   *path;			/* canonical URI that is signed */
	char	   *query;			/* NULL when none */
	char	   *display;		/* scheme://host[:port], for messages */
} DdbEndpoint;

/* The response body, grown inside a libcurl callback without ereport. */
typedef struct DdbBuffer
{
	MemoryContext cxt;
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		too_large;
	bool		out_of_memory;
} DdbBuffer;

/* What one HTTP attempt came to. */
/*
 * The request body, handed to libcurl by a read callback rather than as
 * CURLOPT_POSTFIELDS, so that a rewind shows: libcurl silently sends a
 * request again when a reused connection dies before any answer, which for
 * a write means it may apply twice.
 */
typedef struct DdbUpload
{
	const char *data;
	size_t		len;
	size_t		pos;
	bool		may_resend;		/* let libcurl send it again */
	int			resends;		/* times it did */
} DdbUpload;

typedef struct DdbAttempt
{
	CURLcode	result;
	long		status;
	bool		sent;			/* request bytes went out on a connection */
	bool		has_crc;		/* the answer carried x-amz-crc32 */
	uint32		crc;			/* ... this CRC32 of its body */
	bool		crc_failed;		/* the body did not match it */
	DdbUpload	upload;
	DdbBuffer	response;
	char		errbuf[CURL_ERROR_SIZE];
	char		content_type[64];	/* of the answer, "" when none */
	char		signature[65];	/* only to scrub it from DynamoDB's text */
	uint64		credentials_generation; /* of the keys it was signed with */
} DdbAttempt;

/* Top-level "__type" and "message" of an error body. */
typedef struct DdbErrorParse
{
	int			depth;
	char	  **target;			/* where the next scalar goes, if anywhere */
	char	   *type;
	char	   *message;
} DdbErrorParse;

/*
 * Error types that mean "the request was never executed, slow down".  They
 * are retried when the call is retry-safe.  LimitExceededException is not
 * here: it is about concurrent control-plane operations and does not clear
 * by waiting a few milliseconds.
 */
static const char *const ddb_throttling_errors[] = {
	"ProvisionedThroughputExceededException",
	"ThrottlingException",
	"RequestLimitExceeded",
	"TransactionConflictException", /* the item is in a transaction */
	NULL
};

/* Server-side failures worth another try, besides any 5xx status. */
static const char *const ddb_server_errors[] = {
	"InternalServerError",
	"ServiceUnavailable",
	NULL
};

static const char *const ddb_auth_errors[] = {
	"UnrecognizedClientException",
	"InvalidSignatureException",
	"IncompleteSignatureException",
	"MissingAuthenticationTokenException",
	"ExpiredTokenException",
	"InvalidClientTokenId",
	"SignatureDoesNotMatch",
	NULL
};

/* Where one request of a batch stands. */
typedef enum DdbCallState
{
	DDB_CALL_WAITING,			/* to be (re)sent, not before not_before */
	DDB_CALL_RUNNING,			/* its transfer is attached */
	DDB_CALL_DONE,				/* answered; req->response is set */
	DDB_CALL_FAILED,			/* to be raised once nothing is in flight */
	DDB_CALL_ENDED				/* sent ahead: its transfer ended, to be
								 * judged by aws_ahead_finish */
} DdbCallState;

typedef struct DdbCall
{
	AwsRequest *req;
	DdbCallState state;
	DdbAttempt *att;			/* the current or last attempt */
	int			attempts;		/* attempts started */
	int			handle;			/* pool slot while running */
	struct curl_slist *headers; /* of the running attempt; malloc'd */
	TimestampTz not_before;		/* backoff: no attempt before this */
	bool		uncertain;		/* an earlier attempt may have applied */
	bool		maybe_applied;	/* for the error of a failed call */
	TimestampTz first_start;	/* of the first attempt */
	bool		refreshed;		/* sent again after an expired token */
	AwsClient  *client;
} DdbCall;

/*
 * A client's libcurl state; see ddb_curl_discard for when it is dropped.
 * The connections live in the multi handle's cache, which any easy handle
 * may take one from; the pool only bounds how many run at once.  Sockets
 * are opened and closed by our callbacks, which count them.
 */
struct AwsClient
{
	CURLM	   *multi;
	CURL	   *pool[AWS_MAX_CONCURRENCY];
	char		errbufs[AWS_MAX_CONCURRENCY][CURL_ERROR_SIZE];
	long		requests;		/* attempts started */
	int			open_sockets;
	struct AwsAhead *ahead[AWS_MAX_AHEAD];	/* requests sent ahead */
	int			nahead;
};

/*
 * A request sent ahead (aws_ahead_start).  Its transfer runs in the
 * client's multi handle beside those of aws_dynamodb_call_many, which
 * leaves its pool slot alone and notes when it ends; only aws_ahead_finish
 * judges it, starts its retries and raises its error, so that all of that
 * happens in the scan that asked for it, never in another one.
 */
struct AwsAhead
{
	AwsClient  *client;			/* NULL once forgotten or the client gone */
	const AwsConfig *cfg;
	AwsCallStats *stats;
	MemoryContext cxt;			/* holds all of it */
	DdbEndpoint *ep;
	AwsRequest	req;
	DdbCall		call;
	MemoryContextCallback forget;	/* drops it with its memory */
};

static bool ddb_curl_global_done = false;
static AwsClient ddb_default_client;	/* for configs without a client */

static DdbEndpoint *ddb_parse_endpoint(const AwsConfig *cfg);
static void ddb_start(const AwsConfig *cfg, const DdbEndpoint *ep,
					  DdbCall *call, int handle);
static void ddb_finish(DdbCall *call, CURLcode result);
static void ddb_detach(DdbCall *call);
static bool ddb_judge(const AwsConfig *cfg, DdbCall *call, int max_retries);
static void ddb_keep_failure(const AwsConfig *cfg, const DdbEndpoint *ep,
							 DdbCall *call);
static void ddb_raise_failed(const AwsConfig *cfg, const DdbEndpoint *ep,
							 DdbCall *call) pg_attribute_noreturn();
static AwsClient *ddb_client(const AwsConfig *cfg);
static void ddb_curl_ensure(AwsClient *client);
static CURL *ddb_handle(AwsClient *client, int slot);
static void ddb_curl_discard(AwsClient *client);
static void ddb_ahead_send(AwsAhead *ahead);
static void ddb_ahead_perform(AwsClient *client);
static bool ddb_ahead_ended(AwsClient *client, CURLMsg *msg);
static void ddb_ahead_forget(void *arg);
static curl_socket_t ddb_open_socket_cb(void *clientp, curlsocktype purpose,
										struct curl_sockaddr *address);
static int	ddb_close_socket_cb(void *clientp, curl_socket_t item);
static struct curl_slist *ddb_header_append(struct curl_slist *list,
											const char *line);
static struct curl_slist *ddb_sign(const AwsConfig *cfg,
								   const DdbEndpoint *ep,
								   const char *operation,
								   const char *body, size_t body_len,
								   struct curl_slist *headers,
								   DdbAttempt *att);
static bool ddb_not_dynamodb(const DdbAttempt *att);
static size_t ddb_write_cb(char *ptr, size_t size, size_t nmemb,
						   void *userdata);
static size_t ddb_read_cb(char *buffer, size_t size, size_t nitems,
						  void *userdata);
static size_t ddb_header_cb(char *buffer, size_t size, size_t nitems,
							void *userdata);
static bool ddb_crc_matches(DdbAttempt *att);
static int	ddb_seek_cb(void *userdata, curl_off_t offset, int origin);
static bool ddb_transport_retryable(CURLcode code);
static void ddb_parse_error_body(const AwsConfig *cfg, const DdbAttempt *att,
								 char **type, char **message);
static char *ddb_clean_text(const AwsConfig *cfg, const DdbAttempt *att,
							const char *text, size_t len);
static bool ddb_type_in(const char *type, const char *const *list);
static long ddb_backoff_ms(int retry, bool throttled);
static void ddb_wait_until(TimestampTz until);
static const char *ddb_sentence(const char *text);
static const char *ddb_attempts_note(int attempts);
static bool ddb_proxy_in_use(const AwsConfig *cfg, const DdbEndpoint *ep);
static void ddb_raise_transport(const AwsConfig *cfg, const DdbEndpoint *ep,
								const DdbAttempt *att, int attempts,
								bool maybe_applied) pg_attribute_noreturn();
static void ddb_raise_http(const AwsConfig *cfg, const DdbEndpoint *ep,
						   long status, const char *type,
						   const char *message, int attempts,
						   bool maybe_applied)
			pg_attribute_noreturn();
static void ddb_raise_not_dynamodb(const DdbEndpoint *ep,
								   const DdbAttempt *att)
			pg_attribute_noreturn();


/*
 * Call DynamoDB_20120810.<operation>; the contract is in aws_client.h.
 */
AwsResponse *
aws_dynamodb_call(const AwsConfig *cfg, const char *operation,
				  const char *body, size_t body_len, bool retry_safe,
				  const char *const *accepted_errors, AwsCallStats *stats)
{
	AwsRequest	req;

	req.operation = operation;
	req.body = body;
	req.body_len = body_len;
	req.retry = retry_safe ? AWS_RETRY_SAFE : AWS_RETRY_UNSENT;
	req.accepted_errors = accepted_errors;
	req.keep_failure = false;
	req.give_up_after_ms = 0;
	req.response = NULL;
	aws_dynamodb_call_many(cfg, &req, 1, 1, stats);
	return req.response;
}

/*
 * Run several calls at once; the contract is in aws_client.h.
 *
 * One loop drives every transfer: it starts attempts while fewer than
 * concurrency run, lets libcurl move bytes, judges each finished attempt
 * (done, retry after a backoff, or failed), and checks for interrupts at
 * least every DDB_POLL_MS.  A retry waits in its own call's not_before, so
 * one throttled request does not hold up the others.
 */
void
aws_dynamodb_call_many(const AwsConfig *cfg, AwsRequest *requests,
					   int nrequests, int concurrency, AwsCallStats *stats)
{
	DdbEndpoint *ep;
	DdbCall    *calls;
	DdbCall    *volatile failed = NULL;
	AwsClient  *client = ddb_client(cfg);
	int			max_retries = Max(cfg->max_retries, 0);
	volatile bool abandoned = true;
	const int	width = Min(Max(1, Min(concurrency, AWS_MAX_CONCURRENCY)),
							nrequests);

	/* The region is part of every signature, and of the default endpoint. */
	if (cfg->region == NULL || cfg->region[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_FDW_DYNAMIC_PARAMETER_VALUE_NEEDED),
				 errmsg("DynamoDB region is not set"),
				 errhint("Set the region option of the foreign server.")));
	if (nrequests <= 0)
		return;

	ep = ddb_parse_endpoint(cfg);
	calls = palloc0(sizeof(DdbCall) * nrequests);
	for (int i = 0; i < nrequests; i++)
	{
		Assert(requests[i].operation != NULL &&
			   strpbrk(requests[i].operation, "\r\n") == NULL);
		if (requests[i].body == NULL)
		{
			requests[i].body = "";
			requests[i].body_len = 0;
		}
		requests[i].response = NULL;
		calls[i].req = &requests[i];
		calls[i].state = DDB_CALL_WAITING;
		calls[i].handle = -1;
		calls[i].client = client;
	}

	ddb_curl_ensure(client);

	PG_TRY();
	{
		for (;;)
		{
			TimestampTz now = GetCurrentTimestamp();
			TimestampTz wake = 0;	/* earliest not_before still ahead */
			bool		busy[AWS_MAX_CONCURRENCY] = {false};
			int			running = 0;
			int			ahead_running = 0;
			int			waiting = 0;
			CURLMcode	mc;
			CURLMsg    *msg;
			int			still;
			int			left;

			for (int i = 0; i < nrequests; i++)
			{
				if (calls[i].state == DDB_CALL_RUNNING)
				{
					busy[calls[i].handle] = true;
					running++;
				}
			}
			/* requests sent ahead keep their slots */
			for (int i = 0; i < client->nahead; i++)
			{
				if (client->ahead[i]->call.state == DDB_CALL_RUNNING)
				{
					busy[client->ahead[i]->call.handle] = true;
					ahead_running++;
				}
			}

			/* Start what may start, in order. */
			for (int i = 0; i < nrequests && failed == NULL; i++)
			{
				DdbCall    *call = &calls[i];
				int			slot;

				if (call->state != DDB_CALL_WAITING)
					continue;
				if (call->not_before > now)
				{
					if (wake == 0 || call->not_before < wake)
						wake = call->not_before;
					waiting++;
					continue;
				}
				if (running >= width ||
					running + ahead_running >= AWS_MAX_CONCURRENCY)
				{
					waiting++;
					continue;
				}
				for (slot = 0; busy[slot]; slot++)
					;
				busy[slot] = true;
				if (stats)
				{
					stats->requests++;
					if (call->attempts > 0)
						stats->retries++;
				}
				client->requests++;
				ddb_start(cfg, ep, call, slot);
				running++;
			}

			if (running == 0)
			{
				if (waiting == 0 || failed != NULL)
					break;
				/* Everything left is backing off: sleep on the latch. */
				ddb_wait_until(wake);
				continue;
			}

			mc = curl_multi_perform(client->multi, &still);
			if (mc != CURLM_OK)
				elog(ERROR, "curl_multi_perform failed: %s",
					 curl_multi_strerror(mc));

			while ((msg = curl_multi_info_read(client->multi, &left)) != NULL)
			{
				DdbCall    *call = NULL;

				if (msg->msg != CURLMSG_DONE)
					continue;
				for (int i = 0; i < nrequests; i++)
				{
					if (calls[i].state == DDB_CALL_RUNNING &&
						client->pool[calls[i].handle] == msg->easy_handle)
					{
						call = &calls[i];
						break;
					}
				}
				if (call == NULL)
				{
					(void) ddb_ahead_ended(client, msg);
					continue;
				}
				ddb_finish(call, msg->data.result);
				if (ddb_judge(cfg, call, max_retries))
					continue;
				if (call->req->keep_failure && call->maybe_applied)
					ddb_keep_failure(cfg, ep, call);
				else if (failed == NULL)
					failed = call;
			}

			if (still > 0)
			{
				long		timeout = DDB_POLL_MS;

				if (wake != 0)
					timeout = Min(timeout,
								  Max(TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
																	  wake), 1));
				/* Shows as an Extension wait in pg_stat_activity. */
				pgstat_report_wait_start(PG_WAIT_EXTENSION);
				mc = curl_multi_poll(client->multi, NULL, 0, (int) timeout,
									 NULL);
				pgstat_report_wait_end();
				if (mc != CURLM_OK)
					elog(ERROR, "curl_multi_poll failed: %s",
						 curl_multi_strerror(mc));
			}

			/* Ctrl-C or statement_timeout: PG_FINALLY drops the transfers. */
			CHECK_FOR_INTERRUPTS();
		}
		abandoned = false;
	}
	PG_FINALLY();
	{
		for (int i = 0; i < nrequests; i++)
		{
			if (calls[i].state == DDB_CALL_RUNNING)
			{
				ddb_detach(&calls[i]);
				calls[i].state = DDB_CALL_WAITING;
			}
		}

		/*
		 * A transfer cut short may have left a half-read response on its
		 * connection; start the next statement from fresh handles rather
		 * than trust libcurl to notice.
		 */
		if (abandoned)
			ddb_curl_discard(client);
	}
	PG_END_TRY();

	if (failed != NULL)
		ddb_raise_failed(cfg, ep, failed);
}

/*
 * Send a read ahead; the contract is in aws_client.h.  The region is
 * checked by the usual call that a NULL sends the caller to.
 */
AwsAhead *
aws_ahead_start(const AwsConfig *cfg, const char *operation,
				const char *body, const char *const *accepted_errors,
				AwsCallStats *stats, MemoryContext parent)
{
	AwsClient  *client = ddb_client(cfg);
	MemoryContext cxt;
	MemoryContext oldcxt;
	AwsAhead   *ahead;

	if (client->nahead >= AWS_MAX_AHEAD ||
		cfg->region == NULL || cfg->region[0] == '\0')
		return NULL;
	Assert(operation != NULL && strpbrk(operation, "\r\n") == NULL);
	ddb_curl_ensure(client);

	cxt = AllocSetContextCreate(parent, "dynastore_fdw ahead",
								ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);
	ahead = palloc0(sizeof(AwsAhead));
	ahead->cxt = cxt;
	ahead->cfg = cfg;
	ahead->stats = stats;
	ahead->forget.func = ddb_ahead_forget;
	ahead->forget.arg = ahead;
	MemoryContextRegisterResetCallback(cxt, &ahead->forget);
	ahead->ep = ddb_parse_endpoint(cfg);
	ahead->req.operation = pstrdup(operation);
	ahead->req.body = pstrdup(body);
	ahead->req.body_len = strlen(body);
	ahead->req.retry = AWS_RETRY_SAFE;
	ahead->req.accepted_errors = accepted_errors;
	ahead->call.req = &ahead->req;
	ahead->call.state = DDB_CALL_WAITING;
	ahead->call.handle = -1;
	ahead->call.client = client;

	/* from here on the client knows it, and the callback unties them */
	ahead->client = client;
	client->ahead[client->nahead++] = ahead;
	ddb_ahead_send(ahead);
	MemoryContextSwitchTo(oldcxt);

	/* libcurl moves bytes only when asked: let the request leave now */
	ddb_ahead_perform(client);
	return ahead;
}

/* The body a request sent ahead carries. */
const char *
aws_ahead_body(const AwsAhead *ahead)
{
	return ahead->req.body;
}

/*
 * The answer of a request sent ahead; the contract is in aws_client.h.
 * The attempt that ended while nobody looked is judged now, by the rules
 * of aws_dynamodb_call_many, and retried or raised as it would be there.
 */
AwsResponse *
aws_ahead_finish(AwsAhead *ahead)
{
	DdbCall    *call = &ahead->call;
	AwsClient  *client = ahead->client;
	int			max_retries = Max(ahead->cfg->max_retries, 0);
	MemoryContext oldcxt;

	if (client == NULL)
		elog(ERROR, "a DynamoDB request sent ahead outlived its client");

	oldcxt = MemoryContextSwitchTo(ahead->cxt);
	for (;;)
	{
		if (call->state == DDB_CALL_ENDED)
			(void) ddb_judge(ahead->cfg, call, max_retries);
		if (call->state == DDB_CALL_DONE || call->state == DDB_CALL_FAILED)
			break;
		if (call->state == DDB_CALL_WAITING)
		{
			/* backing off, as the usual call would: on the latch */
			ddb_wait_until(call->not_before);
			ddb_ahead_send(ahead);
		}
		ddb_ahead_perform(client);
		if (call->state == DDB_CALL_RUNNING)
		{
			CURLMcode	mc;

			pgstat_report_wait_start(PG_WAIT_EXTENSION);
			mc = curl_multi_poll(client->multi, NULL, 0, DDB_POLL_MS, NULL);
			pgstat_report_wait_end();
			if (mc != CURLM_OK)
				elog(ERROR, "curl_multi_poll failed: %s",
					 curl_multi_strerror(mc));
		}
		/* Ctrl-C or statement_timeout: the memory's callback drops it */
		CHECK_FOR_INTERRUPTS();
	}
	MemoryContextSwitchTo(oldcxt);

	if (call->state == DDB_CALL_FAILED)
		ddb_raise_failed(ahead->cfg, ahead->ep, call);
	return ahead->req.response;
}

/* Drop a request sent ahead, answered or not, and its memory. */
void
aws_ahead_drop(AwsAhead *ahead)
{
	if (ahead == NULL)
		return;
	ddb_ahead_forget(ahead);
	MemoryContextDelete(ahead->cxt);
}

/* Start an attempt of a request sent ahead on a slot no one else uses. */
static void
ddb_ahead_send(AwsAhead *ahead)
{
	AwsClient  *client = ahead->client;
	bool		busy[AWS_MAX_CONCURRENCY] = {false};
	MemoryContext oldcxt;
	int			slot;

	/* outside aws_dynamodb_call_many, only requests sent ahead run */
	for (int i = 0; i < client->nahead; i++)
		if (client->ahead[i]->call.state == DDB_CALL_RUNNING)
			busy[client->ahead[i]->call.handle] = true;
	for (slot = 0; busy[slot]; slot++)
		;

	if (ahead->stats)
	{
		ahead->stats->requests++;
		if (ahead->call.attempts > 0)
			ahead->stats->retries++;
	}
	client->requests++;
	ddb_curl_ensure(client);
	oldcxt = MemoryContextSwitchTo(ahead->cxt);
	ddb_start(ahead->cfg, ahead->ep, &ahead->call, slot);
	MemoryContextSwitchTo(oldcxt);
}

/* Let a client's requests sent ahead move bytes, without waiting. */
static void
ddb_ahead_perform(AwsClient *client)
{
	CURLMcode	mc;
	CURLMsg    *msg;
	int			still;
	int			left;

	if (client->multi == NULL)
		return;
	mc = curl_multi_perform(client->multi, &still);
	if (mc != CURLM_OK)
		elog(ERROR, "curl_multi_perform failed: %s", curl_multi_strerror(mc));
	while ((msg = curl_multi_info_read(client->multi, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE)
			(void) ddb_ahead_ended(client, msg);
}

/*
 * Is msg the end of a request sent ahead?  Then note how it went, for
 * aws_ahead_finish to judge, wherever the loop that read it was.
 */
static bool
ddb_ahead_ended(AwsClient *client, CURLMsg *msg)
{
	for (int i = 0; i < client->nahead; i++)
	{
		DdbCall    *call = &client->ahead[i]->call;

		if (call->state == DDB_CALL_RUNNING &&
			client->pool[call->handle] == msg->easy_handle)
		{
			ddb_finish(call, msg->data.result);
			call->state = DDB_CALL_ENDED;
			return true;
		}
	}
	return false;
}

/*
 * Untie a request sent ahead from its client, cancelling its transfer if
 * it is still running.  Never raises: it runs as its memory goes, on an
 * error too.
 */
static void
ddb_ahead_forget(void *arg)
{
	AwsAhead   *ahead = (AwsAhead *) arg;
	AwsClient  *client = ahead->client;
	DdbCall    *call = &ahead->call;

	if (client == NULL)
		return;
	ahead->client = NULL;
	for (int i = 0; i < client->nahead; i++)
	{
		if (client->ahead[i] == ahead)
		{
			client->ahead[i] = client->ahead[--client->nahead];
			break;
		}
	}

	if (call->state == DDB_CALL_RUNNING)
	{
		int			slot = call->handle;

		ddb_detach(call);

		/*
		 * A transfer cut short may leave half an answer on its connection:
		 * the slot's handle goes, and that connection with it.
		 */
		if (client->pool[slot])
		{
			curl_easy_cleanup(client->pool[slot]);
			client->pool[slot] = NULL;
		}
	}
	else
	{
		curl_slist_free_all(call->headers);
		call->headers = NULL;
	}
	call->state = DDB_CALL_FAILED;
}

/*
 * Take cfg->endpoint apart with libcurl's own URL parser, so that the Host
 * header and path we sign are exactly the ones libcurl sends.  Without an
 * endpoint, the region's public one is used.
 */
static DdbEndpoint *
ddb_parse_endpoint(const AwsConfig *cfg)
{
	DdbEndpoint *ep = palloc0(sizeof(DdbEndpoint));
	const char *endpoint = cfg->endpoint;
	CURLU	   *volatile url = NULL;
	char	   *volatile parts[6] = {NULL};
	enum
	{
		P_SCHEME, P_HOST, P_PORT, P_PATH, P_QUERY, P_URL
	};

	if (endpoint == NULL || endpoint[0] == '\0')
		endpoint = psprintf("https://dynamodb.%s.%s", cfg->region,
							aws_dns_suffix(cfg->region));

	PG_TRY();
	{
		CURLUcode	rc;
		char	   *path;

		url = curl_url();
		if (url == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));

		rc = curl_url_set(url, CURLUPART_URL, endpoint, 0);
		if (rc == CURLUE_OK)
			rc = curl_url_get(url, CURLUPART_SCHEME,
							  (char **) &parts[P_SCHEME], 0);
		if (rc == CURLUE_OK &&
			strcmp(parts[P_SCHEME], "http") != 0 &&
			strcmp(parts[P_SCHEME], "https") != 0)
			rc = CURLUE_UNSUPPORTED_SCHEME;
		if (rc == CURLUE_OK)
			rc = curl_url_get(url, CURLUPART_PATH,
							  (char **) &parts[P_PATH], 0);

		/* The API lives at <endpoint>/: give the path its trailing slash. */
		if (rc == CURLUE_OK)
		{
			path = parts[P_PATH];
			if (path[0] == '\0' || path[strlen(path) - 1] != '/')
				rc = curl_url_set(url, CURLUPART_PATH,
								  psprintf("%s/", path), 0);
			curl_free(parts[P_PATH]);
			parts[P_PATH] = NULL;
		}
		if (rc == CURLUE_OK)
			rc = curl_url_get(url, CURLUPART_PATH,
							  (char **) &parts[P_PATH], 0);
		if (rc == CURLUE_OK)
			rc = curl_url_get(url, CURLUPART_HOST, (char **) &parts[P_HOST], 0);

		/* libcurl leaves a scheme's default port out of Host; so do we. */
		if (rc == CURLUE_OK)
		{
			rc = curl_url_get(url, CURLUPART_PORT, (char **) &parts[P_PORT],
							  CURLU_NO_DEFAULT_PORT);
			if (rc == CURLUE_NO_PORT)
				rc = CURLUE_OK;
		}
		if (rc == CURLUE_OK)
		{
			rc = curl_url_get(url, CURLUPART_QUERY,
							  (char **) &parts[P_QUERY], 0);
			if (rc == CURLUE_NO_QUERY)
				rc = CURLUE_OK;
		}
		if (rc == CURLUE_OK)
			rc = curl_url_get(url, CURLUPART_URL, (char **) &parts[P_URL], 0);

		if (rc != CURLUE_OK)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid DynamoDB endpoint \"%s\"", endpoint),
					 errdetail("%s", ddb_sentence(curl_url_strerror(rc))),
					 errhint("Give an http or https URL such as \"https://dynamodb.us-east-1.amazonaws.com\".")));

		ep->url = pstrdup(parts[P_URL]);
		ep->path = pstrdup(parts[P_PATH]);
		ep->query = parts[P_QUERY] ? pstrdup(parts[P_QUERY]) : NULL;
		if (parts[P_PORT])
			ep->host = psprintf("%s:%s", parts[P_HOST], parts[P_PORT]);
		else
			ep->host = pstrdup(parts[P_HOST]);
		/* Built from parts so that user:password@ never reaches a message. */
		ep->display = psprintf("%s://%s", parts[P_SCHEME], ep->host);
	}
	PG_FINALLY();
	{
		for (int i = 0; i < (int) lengthof(parts); i++)
			curl_free(parts[i]);
		curl_url_cleanup(url);
	}
	PG_END_TRY();

	return ep;
}

/*
 * Start one attempt of a call on pool handle slot: sign it afresh (a retry
 * may cross a clock second) and attach its transfer.  The headers are kept
 * in the call as soon as they exist, so that whoever unwinds frees them.
 */
static void
ddb_start(const AwsConfig *cfg, const DdbEndpoint *ep, DdbCall *call,
		  int slot)
{
	AwsRequest *req = call->req;
	AwsClient  *client = call->client;
	CURL	   *easy = ddb_handle(client, slot);
	DdbAttempt *att;
	struct curl_slist *headers = NULL;
	CURLMcode	mc;

	if (call->att == NULL)
		call->att = palloc0(sizeof(DdbAttempt));
	else
	{
		/* Drop what the failed attempt left before trying again. */
		if (call->att->response.data)
			pfree(call->att->response.data);
		memset(call->att, 0, sizeof(DdbAttempt));
	}
	att = call->att;
	att->result = CURLE_FAILED_INIT;
	att->response.cxt = CurrentMemoryContext;
	if (call->attempts++ == 0)
		call->first_start = GetCurrentTimestamp();
	call->handle = slot;

	headers = ddb_header_append(headers, psprintf("Host: %s", ep->host));
	call->headers = headers;
	headers = ddb_header_append(headers, "Content-Type: " DDB_CONTENT_TYPE);
	headers = ddb_header_append(headers,
								psprintf("X-Amz-Target: " DDB_TARGET_PREFIX "%s",
										 req->operation));

	/*
	 * Empty values make libcurl drop these headers: "Expect: 100-continue"
	 * would cost a round trip on large bodies, and nothing unsigned beyond
	 * Content-Length needs to travel.
	 */
	headers = ddb_header_append(headers, "Expect:");
	headers = ddb_header_append(headers, "Accept:");
	headers = ddb_sign(cfg, ep, req->operation, req->body, req->body_len,
					   headers, att);

	/*
	 * The handle is reused, so every option a previous call may have set is
	 * set again here.
	 */
	ddb_setopt(easy, CURLOPT_URL, ep->url);
	ddb_setopt(easy, CURLOPT_HTTPHEADER, headers);
	att->upload.data = req->body;
	att->upload.len = req->body_len;
	att->upload.may_resend = (req->retry != AWS_RETRY_UNSENT);
	ddb_setopt(easy, CURLOPT_POST, 1L);
	ddb_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) req->body_len);
	ddb_setopt(easy, CURLOPT_READFUNCTION, ddb_read_cb);
	ddb_setopt(easy, CURLOPT_READDATA, &att->upload);
	ddb_setopt(easy, CURLOPT_SEEKFUNCTION, ddb_seek_cb);
	ddb_setopt(easy, CURLOPT_SEEKDATA, &att->upload);
	ddb_setopt(easy, CURLOPT_WRITEFUNCTION, ddb_write_cb);
	ddb_setopt(easy, CURLOPT_WRITEDATA, &att->response);
	ddb_setopt(easy, CURLOPT_HEADERFUNCTION, ddb_header_cb);
	ddb_setopt(easy, CURLOPT_HEADERDATA, att);
	ddb_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
			   (long) Max(cfg->connect_timeout_ms, 0));
	ddb_setopt(easy, CURLOPT_TIMEOUT_MS,
			   (long) Max(cfg->request_timeout_ms, 0));
	aws_curl_transport_options(easy, cfg->ca_file, cfg->proxy);

	client->errbufs[slot][0] = '\0';
	mc = curl_multi_add_handle(client->multi, easy);
	if (mc != CURLM_OK)
		elog(ERROR, "curl_multi_add_handle failed: %s",
			 curl_multi_strerror(mc));
	call->state = DDB_CALL_RUNNING;
}

/* Record how a finished attempt went, and detach its transfer. */
static void
ddb_finish(DdbCall *call, CURLcode result)
{
	CURL	   *easy = call->client->pool[call->handle];
	DdbAttempt *att = call->att;
	curl_off_t	total_us = 0;
	long		connects = 0;
	long		request_size = 0;
	char	   *content_type = NULL;

	att->result = result;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &att->status);
	curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_size);
	curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
	curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total_us);
	if (curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &content_type) ==
		CURLE_OK && content_type != NULL)
	{
		/* printable ASCII only: it may be quoted in a message */
		strlcpy(att->content_type, content_type, sizeof(att->content_type));
		for (char *c = att->content_type; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				*c = '?';
	}
	att->sent = request_size > 0 || att->upload.resends > 0;
	strlcpy(att->errbuf, call->client->errbufs[call->handle],
			sizeof(att->errbuf));

	/* libcurl sent it again itself: the first sending may have applied */
	if (att->upload.resends > 0)
		call->uncertain = true;

	elog(DEBUG2,
		 "DynamoDB %s: HTTP status %ld, libcurl code %d, %ld ms, %ld new connection(s)",
		 call->req->operation, att->status, (int) att->result,
		 (long) (total_us / 1000), connects);

	ddb_detach(call);
}

/* Take a call's transfer out of the multi handle.  Never raises. */
static void
ddb_detach(DdbCall *call)
{
	CURL	   *easy = call->client->pool[call->handle];

	if (easy)
	{
		curl_multi_remove_handle(call->client->multi, easy);
		/* Leave no pointer into memory that is about to go. */
		curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);
		curl_easy_setopt(easy, CURLOPT_WRITEDATA, NULL);
		curl_easy_setopt(easy, CURLOPT_HEADERDATA, NULL);
		curl_easy_setopt(easy, CURLOPT_READDATA, NULL);
		curl_easy_setopt(easy, CURLOPT_SEEKDATA, NULL);
	}
	curl_slist_free_all(call->headers);
	call->headers = NULL;
	call->handle = -1;
}

/*
 * Decide what a finished attempt comes to.  Returns true when the call is
 * done (answered, or to be retried later) and false when it failed; the
 * failure is raised by ddb_raise_failed once nothing is in flight.
 *
 * What may be retried depends on the request's AwsRetry.  Throttling and a
 * connection that never carried the request are retried always: DynamoDB
 * did not run it.  After no answer or a 5xx, the request may have run, so
 * only AWS_RETRY_SAFE and AWS_RETRY_CHECKED requests are sent again, and
 * the latter learn from AwsResponse.uncertain that it happened.
 */
static bool
ddb_judge(const AwsConfig *cfg, DdbCall *call, int max_retries)
{
	DdbAttempt *att = call->att;
	AwsRequest *req = call->req;
	AwsResponse *res;
	bool		may_repeat = (req->retry != AWS_RETRY_UNSENT);
	bool		can_retry = (call->attempts <= max_retries);
	char	   *type = NULL;
	char	   *message = NULL;
	bool		throttled;

	/* a resend past the caller's window might no longer be idempotent */
	if (req->give_up_after_ms > 0 &&
		TimestampDifferenceExceeds(call->first_start, GetCurrentTimestamp(),
								   (int) req->give_up_after_ms))
		can_retry = false;

	if (att->response.too_large)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("DynamoDB response too large"),
				 errdetail("The answer to %s exceeded %zu bytes.",
						   req->operation, DDB_MAX_RESPONSE)));
	if (att->response.out_of_memory)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Failed while reading a DynamoDB response of %zu bytes.",
						   att->response.len)));

	if (att->result != CURLE_OK)
	{
		bool		retryable = ddb_transport_retryable(att->result);

		if (can_retry && retryable && (may_repeat || !att->sent))
		{
			call->uncertain |= att->sent;
			call->not_before = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
														   ddb_backoff_ms(call->attempts - 1, false));
			call->state = DDB_CALL_WAITING;
			return true;
		}
		call->maybe_applied = req->retry != AWS_RETRY_SAFE &&
			(att->sent || call->uncertain);
		call->state = DDB_CALL_FAILED;
		return false;
	}

	/*
	 * An answer whose body does not match its x-amz-crc32 was damaged on
	 * the way: it is read as no answer at all, and sent again when that is
	 * safe, as the SDKs do.  The request did reach DynamoDB.
	 */
	if (!ddb_crc_matches(att))
	{
		att->crc_failed = true;
		call->uncertain = true;
		if (can_retry && may_repeat)
		{
			call->not_before = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
														   ddb_backoff_ms(call->attempts - 1, false));
			call->state = DDB_CALL_WAITING;
			return true;
		}
		call->maybe_applied = req->retry != AWS_RETRY_SAFE;
		call->state = DDB_CALL_FAILED;
		return false;
	}

	res = palloc0(sizeof(AwsResponse));
	res->status = (int) att->status;
	res->body = att->response.data ? att->response.data : pstrdup("");
	res->body_len = att->response.len;
	res->uncertain = call->uncertain;

	/* A web page, not DynamoDB: raised by ddb_raise_failed. */
	if (att->status >= 200 && att->status < 300 && ddb_not_dynamodb(att))
	{
		pfree(res);
		call->state = DDB_CALL_FAILED;
		return false;
	}

	if (att->status >= 200 && att->status < 300)
	{
		req->response = res;
		call->state = DDB_CALL_DONE;
		return true;
	}

	ddb_parse_error_body(cfg, att, &type, &message);

	/*
	 * Temporary credentials that expired under us: fetch them again and
	 * send the request once more.  DynamoDB refused it before running it,
	 * so this is safe for every request.  Only the first call to notice
	 * makes the provider fetch; the others sign with what it got.
	 */
	if (type && strcmp(type, "ExpiredTokenException") == 0 &&
		cfg->credentials != NULL && !call->refreshed &&
		aws_credentials_expired(cfg->credentials,
								att->credentials_generation))
	{
		call->refreshed = true;
		pfree(res);
		call->not_before = 0;
		call->state = DDB_CALL_WAITING;
		return true;
	}

	if (type && ddb_type_in(type, req->accepted_errors))
	{
		res->error_type = type;
		res->error_message = message ? message : pstrdup("");
		req->response = res;
		call->state = DDB_CALL_DONE;
		return true;
	}

	throttled = (type && ddb_type_in(type, ddb_throttling_errors)) ||
		att->status == 429;
	if (can_retry &&
		(throttled ||
		 (may_repeat &&
		  (att->status >= 500 ||
		   (type && ddb_type_in(type, ddb_server_errors))))))
	{
		if (!throttled)
			call->uncertain = true;
		pfree(res);
		/* The body goes with the attempt's buffer at the next start. */
		call->not_before = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   ddb_backoff_ms(call->attempts - 1, throttled));
		call->state = DDB_CALL_WAITING;
		return true;
	}

	pfree(res);
	/* a throttled last attempt says nothing of the earlier ones */
	call->maybe_applied = req->retry != AWS_RETRY_SAFE &&
		(call->uncertain ||
		 (!throttled &&
		  (att->status >= 500 ||
		   (type && ddb_type_in(type, ddb_server_errors)))));
	call->state = DDB_CALL_FAILED;
	return false;
}

/*
 * Hand a call that ddb_judge found failed back to its caller instead of
 * raising: the response says what happened, and whether it may have
 * applied.
 */
static void
ddb_keep_failure(const AwsConfig *cfg, const DdbEndpoint *ep, DdbCall *call)
{
	DdbAttempt *att = call->att;
	AwsResponse *res = palloc0(sizeof(AwsResponse));
	const char *note = ddb_attempts_note(call->attempts);

	res->status = (int) att->status;
	res->body = pstrdup("");
	res->failed = true;
	res->uncertain = call->uncertain;
	res->maybe_applied = call->maybe_applied;
	if (att->result != CURLE_OK)
		res->failure = psprintf("No answer from %s: %s%s", ep->display,
								ddb_sentence(att->errbuf[0] ? att->errbuf :
											 curl_easy_strerror(att->result)),
								note);
	else
	{
		char	   *type = NULL;
		char	   *message = NULL;

		ddb_parse_error_body(cfg, att, &type, &message);
		res->error_type = type;
		res->error_message = message;
		res->failure = psprintf("DynamoDB answered HTTP %ld%s%s%s%s", att->status,
								type ? " " : "", type ? type : "",
								message ? ": " : ".",
								message ? ddb_sentence(message) : "");
		res->failure = psprintf("%s%s", res->failure, note);
	}
	call->req->response = res;
	call->state = DDB_CALL_DONE;
}

/* Raise the error of a call that ddb_judge found failed. */
static void
ddb_raise_failed(const AwsConfig *cfg, const DdbEndpoint *ep, DdbCall *call)
{
	DdbAttempt *att = call->att;
	char	   *type = NULL;
	char	   *message = NULL;

	if (att->result != CURLE_OK)
		ddb_raise_transport(cfg, ep, att, call->attempts, call->maybe_applied);
	if (att->crc_failed)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_REPLY_HANDLE),
				 errmsg("DynamoDB's answer to %s failed its CRC32 check",
						call->req->operation),
				 errdetail("The body of the answer does not match its x-amz-crc32 header.%s",
						   ddb_attempts_note(call->attempts)),
				 call->maybe_applied ?
				 errhint("The request may have taken effect in DynamoDB.") :
				 errhint("Something between the server and DynamoDB damages its answers.")));
	if (ddb_not_dynamodb(att))
		ddb_raise_not_dynamodb(ep, att);
	ddb_parse_error_body(cfg, att, &type, &message);
	ddb_raise_http(cfg, ep, att->status, type, message, call->attempts,
				   call->maybe_applied);
}

/*
 * Whether an answer is a web page rather than DynamoDB's JSON: its type
 * says HTML, or its body starts with "<".  A wrong endpoint (a web server,
 * a captive portal, a proxy's error page) answers so.
 */
static bool
ddb_not_dynamodb(const DdbAttempt *att)
{
	const char *p = att->response.data;

	if (strstr(att->content_type, "html") != NULL)
		return true;
	if (p == NULL)
		return false;
	for (size_t i = 0; i < att->response.len && i < 512; i++)
	{
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
			continue;
		return p[i] == '<';
	}
	return false;
}

/* The client a config names, or the backend's default one. */
static AwsClient *
ddb_client(const AwsConfig *cfg)
{
	return cfg->client ? cfg->client : &ddb_default_client;
}

/*
 * Create a client's multi handle on first use.  It keeps up to
 * AWS_MAX_CONCURRENCY idle connections, whatever number of easy handles
 * happens to be attached.
 */
static void
ddb_curl_ensure(AwsClient *client)
{
	if (!ddb_curl_global_done)
	{
		if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not initialize libcurl")));
		ddb_curl_global_done = true;
	}

	if (client->multi == NULL)
	{
		client->multi = curl_multi_init();
		if (client->multi == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("Failed on creating a libcurl multi handle.")));
		if (curl_multi_setopt(client->multi, CURLMOPT_MAXCONNECTS,
							  (long) AWS_MAX_CONCURRENCY) != CURLM_OK)
			elog(ERROR, "could not set libcurl option CURLMOPT_MAXCONNECTS");
	}
}

/*
 * The easy handle of a client's pool slot, created on first use.  Options
 * that never change are set here; per-request ones in ddb_start.
 */
static CURL *
ddb_handle(AwsClient *client, int slot)
{
	CURL	   *volatile easy;

	if (client->pool[slot] != NULL)
		return client->pool[slot];

	easy = curl_easy_init();
	if (easy == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Failed on creating a libcurl handle.")));

	/* Publish the handle only once it is fully configured. */
	PG_TRY();
	{
		/* Signals belong to the backend (SIGALRM is statement_timeout's). */
		ddb_setopt(easy, CURLOPT_NOSIGNAL, 1L);
		ddb_setopt(easy, CURLOPT_ERRORBUFFER, client->errbufs[slot]);
		ddb_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
		ddb_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
		ddb_setopt(easy, CURLOPT_NOPROGRESS, 1L);
		ddb_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
		/* DynamoDB speaks HTTP/1.1; no ALPN surprises. */
		ddb_setopt(easy, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
#if LIBCURL_VERSION_NUM >= 0x075500
		ddb_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
		/* Count the client's connections. */
		ddb_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, ddb_open_socket_cb);
		ddb_setopt(easy, CURLOPT_OPENSOCKETDATA, client);
		ddb_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, ddb_close_socket_cb);
		ddb_setopt(easy, CURLOPT_CLOSESOCKETDATA, client);
	}
	PG_CATCH();
	{
		curl_easy_cleanup(easy);
		PG_RE_THROW();
	}
	PG_END_TRY();
	client->pool[slot] = easy;
	return easy;
}

/* libcurl's socket callbacks: open and close a socket, and count it. */
static curl_socket_t
ddb_open_socket_cb(void *clientp, curlsocktype purpose,
				   struct curl_sockaddr *address)
{
	curl_socket_t fd = socket(address->family, address->socktype,
							  address->protocol);

	if (fd != CURL_SOCKET_BAD)
		((AwsClient *) clientp)->open_sockets++;
	return fd;
}

static int
ddb_close_socket_cb(void *clientp, curl_socket_t item)
{
	((AwsClient *) clientp)->open_sockets--;
	return close(item);
}

/*
 * Forget a client's handles, closing their connections.  Never raises,
 * so it is safe in PG_FINALLY.
 */
static void
ddb_curl_discard(AwsClient *client)
{
	/*
	 * A request sent ahead loses its transfer with the handles, not to a
	 * failure of DynamoDB: it is sent again, uncounted, if it is still
	 * wanted.
	 */
	for (int i = 0; i < client->nahead; i++)
	{
		DdbCall    *call = &client->ahead[i]->call;

		if (call->state != DDB_CALL_RUNNING)
			continue;
		curl_slist_free_all(call->headers);
		call->headers = NULL;
		call->handle = -1;
		call->attempts--;
		call->not_before = 0;
		call->state = DDB_CALL_WAITING;
	}
	for (int i = 0; i < AWS_MAX_CONCURRENCY; i++)
	{
		if (client->pool[i])
		{
			if (client->multi)
				curl_multi_remove_handle(client->multi, client->pool[i]);
			curl_easy_cleanup(client->pool[i]);
		}
		client->pool[i] = NULL;
	}
	if (client->multi)
		curl_multi_cleanup(client->multi);
	client->multi = NULL;
}

/* A client with no connection yet; the contract is in aws_client.h. */
AwsClient *
aws_client_create(MemoryContext cxt)
{
	return MemoryContextAllocZero(cxt, sizeof(AwsClient));
}

/* Close a client's connections and free it.  Never raises. */
void
aws_client_destroy(AwsClient *client)
{
	if (client == NULL)
		return;
	ddb_curl_discard(client);
	for (int i = 0; i < client->nahead; i++)
		client->ahead[i]->client = NULL;
	client->nahead = 0;
	pfree(client);
}

void
aws_client_stats(const AwsClient *client, long *requests,
				 int *open_connections)
{
	*requests = client->requests;
	*open_connections = client->open_sockets;
}

/*
 * The DNS suffix of a region's endpoints.  China's regions live apart, as
 * do the isolated ones of the US government.
 */
const char *
aws_dns_suffix(const char *region)
{
	if (region == NULL)
		return "amazonaws.com";
	if (strncmp(region, "cn-", 3) == 0)
		return "amazonaws.com.cn";
	if (strncmp(region, "us-isob-", 8) == 0)
		return "sc2s.sgov.gov";
	if (strncmp(region, "us-iso-", 7) == 0)
		return "c2s.ic.gov";
	return "amazonaws.com";
}

/*
 * TLS and proxy options of one transfer; the contract is in aws_client.h.
 * libcurl verifies by default; saying so keeps a reused handle honest, as
 * does setting the CA certificates back to libcurl's defaults.
 * An empty CURLOPT_PROXY is libcurl's way to ignore http_proxy and
 * friends; with an explicit proxy an empty CURLOPT_NOPROXY ignores
 * no_proxy too, so that the option alone decides.
 */
void
aws_curl_transport_options(void *handle, const char *ca_file,
						   const char *proxy)
{
	CURL	   *easy = (CURL *) handle;

	ddb_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
	ddb_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca_file != NULL)
	{
		/* The file replaces the system's certificates. */
		ddb_setopt(easy, CURLOPT_CAINFO, ca_file);
		ddb_setopt(easy, CURLOPT_CAPATH, NULL);
	}
	else
	{
		/* libcurl's built-in defaults, which a NULL would clear */
		curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

		ddb_setopt(easy, CURLOPT_CAINFO, v->cainfo);
		ddb_setopt(easy, CURLOPT_CAPATH, v->capath);
	}
	if (proxy == NULL)
	{
		ddb_setopt(easy, CURLOPT_PROXY, "");
		ddb_setopt(easy, CURLOPT_NOPROXY, NULL);
	}
	else if (strcmp(proxy, AWS_PROXY_ENVIRONMENT) == 0)
	{
		ddb_setopt(easy, CURLOPT_PROXY, NULL);
		ddb_setopt(easy, CURLOPT_NOPROXY, NULL);
	}
	else
	{
		ddb_setopt(easy, CURLOPT_PROXY, proxy);
		ddb_setopt(easy, CURLOPT_NOPROXY, "");
	}
}

/*
 * Append a header line.  On failure libcurl leaves the list as it was, so
 * the caller's PG_FINALLY still frees all of it.
 */
static struct curl_slist *
ddb_header_append(struct curl_slist *list, const char *line)
{
	struct curl_slist *result = curl_slist_append(list, line);

	if (result == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	return result;
}

/*
 * Add X-Amz-Date, X-Amz-Security-Token and Authorization to headers, and
 * copy the signature into the attempt, with the generation of the keys.
 * The keys are the provider's when the config has one (which may fetch
 * them now).  The Authorization line is built in malloc'd memory that is
 * wiped, and no error is raised while the signer's strings are held.
 */
static struct curl_slist *
ddb_sign(const AwsConfig *cfg, const DdbEndpoint *ep, const char *operation,
		 const char *body, size_t body_len, struct curl_slist *headers,
		 DdbAttempt *att)
{
	char		amz_date[17];
	char	   *target = psprintf(DDB_TARGET_PREFIX "%s", operation);
	const char *key_id = cfg->access_key_id;
	const char *secret = cfg->secret_access_key;
	const char *token = cfg->session_token;
	bool		has_token;
	char	   *signature = att->signature;
	SigV4Header signed_headers[5];
	SigV4Request request;
	SigV4Credentials credentials;
	SigV4Result result;
	struct curl_slist *appended = NULL;
	char	   *line;
	size_t		linelen;
	int			n = 0;

	if (cfg->credentials != NULL)
	{
		const AwsCredentials *creds = aws_credentials_get(cfg->credentials);

		key_id = creds->access_key_id;
		secret = creds->secret_access_key;
		token = creds->session_token;
		att->credentials_generation =
			aws_credentials_generation(cfg->credentials);
	}
	has_token = token && token[0];

	/*
	 * A line break in a key would add a header of its own.  Validation
	 * refuses such options, and fetched keys are checked, so this is only
	 * for user mappings made before that.
	 */
	if (!aws_credentials_printable(key_id) ||
		!aws_credentials_printable(secret) ||
		(has_token && !aws_credentials_printable(token)))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("AWS credentials contain a character that cannot be sent"),
				 errdetail("Access key ids, secret keys and session tokens are printable ASCII without spaces.")));

	/* Signed again on each attempt: a retry may cross a clock second. */
	sigv4_format_date(time(NULL), amz_date);

	signed_headers[n].name = "host";
	signed_headers[n++].value = ep->host;
	signed_headers[n].name = "content-type";
	signed_headers[n++].value = DDB_CONTENT_TYPE;
	signed_headers[n].name = "x-amz-date";
	signed_headers[n++].value = amz_date;
	signed_headers[n].name = "x-amz-target";
	signed_headers[n++].value = target;
	if (has_token)
	{
		signed_headers[n].name = "x-amz-security-token";
		signed_headers[n++].value = token;
	}

	request.method = "POST";
	request.path = ep->path;
	request.query = ep->query;
	request.headers = signed_headers;
	request.nheaders = n;
	request.payload = body;
	request.payload_len = body_len;

	credentials.access_key_id = key_id ? key_id : "";
	credentials.secret_access_key = secret ? secret : "";
	credentials.session_token = has_token ? token : NULL;

	headers = ddb_header_append(headers,
								psprintf("X-Amz-Date: %s", amz_date));
	if (has_token)
	{
		/* A token can be long; curl copies the line, we wipe ours. */
		line = psprintf("X-Amz-Security-Token: %s", token);
		appended = curl_slist_append(headers, line);
		explicit_bzero(line, strlen(line));
		pfree(line);
		if (appended == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		headers = appended;
	}

	/* No value goes into this message: any of them may be a secret. */
	if (!sigv4_sign(&request, &credentials, cfg->region, DDB_SERVICE,
					amz_date, &result))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not sign the DynamoDB request"),
				 errdetail("The signer ran out of memory or was given a malformed region, credential or header.")));

	linelen = strlen("Authorization: ") + strlen(result.authorization) + 1;
	line = malloc(linelen);
	appended = NULL;
	if (line)
	{
		snprintf(line, linelen, "Authorization: %s", result.authorization);
		appended = curl_slist_append(headers, line);
		explicit_bzero(line, linelen);
		free(line);
	}
	strlcpy(signature, result.signature ? result.signature : "", 65);
	sigv4_free_result(&result);

	if (appended == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	return appended;
}

/*
 * libcurl's write callback.  It must not raise an error, so running out of
 * memory or past DDB_MAX_RESPONSE is recorded, and returning short makes
 * libcurl stop the transfer with CURLE_WRITE_ERROR.
 */
static size_t
ddb_write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	DdbBuffer  *buf = (DdbBuffer *) userdata;
	size_t		n = size * nmemb;

	if (n > DDB_MAX_RESPONSE - buf->len)
	{
		buf->too_large = true;
		return 0;
	}

	if (buf->len + n + 1 > buf->cap)
	{
		size_t		newcap = Max(buf->cap, 16384);
		char	   *newdata;

		while (newcap < buf->len + n + 1)
			newcap *= 2;
		newcap = Min(newcap, DDB_MAX_RESPONSE + 1);

		newdata = MemoryContextAllocExtended(buf->cxt, newcap,
											 MCXT_ALLOC_NO_OOM);
		if (newdata == NULL)
		{
			buf->out_of_memory = true;
			return 0;
		}
		if (buf->data)
		{
			memcpy(newdata, buf->data, buf->len);
			pfree(buf->data);
		}
		buf->data = newdata;
		buf->cap = newcap;
	}

	memcpy(buf->data + buf->len, ptr, n);
	buf->len += n;
	buf->data[buf->len] = '\0';
	return n;
}

/* libcurl's read callback: the next piece of the request body. */
static size_t
ddb_read_cb(char *buffer, size_t size, size_t nitems, void *userdata)
{
	DdbUpload  *up = (DdbUpload *) userdata;
	size_t		n = Min(size * nitems, up->len - up->pos);

	memcpy(buffer, up->data + up->pos, n);
	up->pos += n;
	return n;
}

/*
 * libcurl's header callback: notes x-amz-crc32, DynamoDB's CRC32 of the
 * body.  It must not raise an error; a value that is not a number counts
 * as a CRC that nothing matches.
 */
static size_t
ddb_header_cb(char *buffer, size_t size, size_t nitems, void *userdata)
{
	DdbAttempt *att = (DdbAttempt *) userdata;
	size_t		n = size * nitems;
	static const char name[] = "x-amz-crc32:";
	size_t		i = sizeof(name) - 1;
	uint64		value = 0;
	bool		digits = false;

	if (att == NULL || n < i || pg_strncasecmp(buffer, name, i) != 0)
		return n;
	while (i < n && (buffer[i] == ' ' || buffer[i] == '\t'))
		i++;
	while (i < n && isdigit((unsigned char) buffer[i]) &&
		   value <= PG_UINT32_MAX)
	{
		value = value * 10 + (buffer[i++] - '0');
		digits = true;
	}
	while (i < n && (buffer[i] == ' ' || buffer[i] == '\t' ||
					 buffer[i] == '\r' || buffer[i] == '\n'))
		i++;
	att->has_crc = true;
	/* a value that does not parse is one that no body matches */
	if (digits && i == n && value <= PG_UINT32_MAX)
		att->crc = (uint32) value;
	else
		att->crc_failed = true;
	return n;
}

/* Does the body match the answer's x-amz-crc32, when it has one? */
static bool
ddb_crc_matches(DdbAttempt *att)
{
	pg_crc32	crc;

	if (!att->has_crc)
		return true;
	if (att->crc_failed)
		return false;
	INIT_TRADITIONAL_CRC32(crc);
	if (att->response.len > 0)
		COMP_TRADITIONAL_CRC32(crc, att->response.data, att->response.len);
	FIN_TRADITIONAL_CRC32(crc);
	return crc == att->crc;
}

/*
 * libcurl's seek callback, called to rewind the body before sending it
 * again on a new connection.  Refused for requests that must not run twice,
 * which makes the transfer fail instead; counted for the others.
 */
static int
ddb_seek_cb(void *userdata, curl_off_t offset, int origin)
{
	DdbUpload  *up = (DdbUpload *) userdata;

	if (origin != SEEK_SET || offset < 0 || (size_t) offset > up->len)
		return CURL_SEEKFUNC_CANTSEEK;
	if (up->pos == 0 && offset == 0)
		return CURL_SEEKFUNC_OK;	/* nothing was sent yet */
	if (!up->may_resend)
		return CURL_SEEKFUNC_CANTSEEK;
	up->resends++;
	up->pos = (size_t) offset;
	return CURL_SEEKFUNC_OK;
}

/*
 * Transport failures that another attempt may get past.  Bad URLs,
 * certificate problems and our own write errors are not among them.
 */
static bool
ddb_transport_retryable(CURLcode code)
{
	switch (code)
	{
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_CONNECT:
		case CURLE_OPERATION_TIMEDOUT:
		case CURLE_SEND_ERROR:
		case CURLE_RECV_ERROR:
		case CURLE_GOT_NOTHING:
		case CURLE_PARTIAL_FILE:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_HTTP2:
		case CURLE_HTTP2_STREAM:
			return true;
		default:
			return false;
	}
}

/* JSON callbacks of ddb_parse_error_body: only top-level fields count. */
static ds_json_cb_result
ddb_json_nest(void *state)
{
	((DdbErrorParse *) state)->depth++;
	DS_JSON_CB_DONE;
}

static ds_json_cb_result
ddb_json_unnest(void *state)
{
	((DdbErrorParse *) state)->depth--;
	DS_JSON_CB_DONE;
}

static ds_json_cb_result
ddb_json_field(void *state, char *fname, bool isnull)
{
	DdbErrorParse *p = (DdbErrorParse *) state;

	p->target = NULL;
	if (p->depth != 1)
		DS_JSON_CB_DONE;
	if (strcmp(fname, "__type") == 0)
		p->target = &p->type;
	else if (strcmp(fname, "message") == 0 || strcmp(fname, "Message") == 0)
		p->target = &p->message;
	DS_JSON_CB_DONE;
}

static ds_json_cb_result
ddb_json_scalar(void *state, char *token, JsonTokenType tokentype)
{
	DdbErrorParse *p = (DdbErrorParse *) state;

	if (p->target && p->depth == 1 && tokentype == JSON_TOKEN_STRING &&
		*p->target == NULL)
		*p->target = token;
	p->target = NULL;
	DS_JSON_CB_DONE;
}

/*
 * Read DynamoDB's error type and message from a non-2xx body such as
 * {"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
 *  "message":"Requested resource not found"}.  The type loses its namespace
 * (everything up to the last '#').  A body that is not such JSON yields no
 * type and its own text, shortened, as the message.
 */
static void
ddb_parse_error_body(const AwsConfig *cfg, const DdbAttempt *att,
					 char **type, char **message)
{
	DdbErrorParse p = {0};
	JsonSemAction sem = {0};
	JsonLexContext *lex;
	char	   *json = att->response.data;
	size_t		len = att->response.len;

	*type = NULL;
	*message = NULL;
	if (json == NULL || len == 0)
		return;

	/*
	 * The backend's JSON lexer turns \u escapes into the server encoding and
	 * raises an error when one has no equivalent.  Outside UTF-8 databases
	 * parse a copy in which anything non-ASCII reads '?' instead.
	 */
	if (GetDatabaseEncoding() != PG_UTF8)
	{
		json = pnstrdup(json, len);
		for (size_t i = 0; i < len; i++)
		{
			if (IS_HIGHBIT_SET(json[i]))
				json[i] = '?';
			else if (json[i] == '\\' && i + 1 < len)
			{
				if (json[i + 1] == 'u' && i + 5 < len &&
					(strncmp(json + i + 2, "00", 2) != 0 ||
					 !strchr("01234567", json[i + 4])))
					memcpy(json + i + 2, "003f", 4);
				i++;			/* skip the escaped character */
			}
		}
	}

	sem.semstate = &p;
	sem.object_start = ddb_json_nest;
	sem.object_end = ddb_json_unnest;
	sem.array_start = ddb_json_nest;
	sem.array_end = ddb_json_unnest;
	sem.object_field_start = ddb_json_field;
	sem.scalar = ddb_json_scalar;

	lex = ds_json_lex_cstring(json, len, PG_UTF8, true);
	if (pg_parse_json(lex, &sem) == JSON_SUCCESS &&
		(p.type != NULL || p.message != NULL))
	{
		if (p.type)
		{
			char	   *hash = strrchr(p.type, '#');

			*type = ddb_clean_text(cfg, att, hash ? hash + 1 : p.type,
								   strlen(hash ? hash + 1 : p.type));
		}
		if (p.message)
			*message = ddb_clean_text(cfg, att, p.message,
									  strlen(p.message));
	}
	else
		*message = ddb_clean_text(cfg, att, att->response.data, len);
}

/*
 * Make DynamoDB's text fit to quote in an error: valid in the database
 * encoding, of bounded length, and with no credential in it.  Signature
 * errors from AWS can quote the canonical request, which carries the session
 * token, after a blank line, and the Authorization header with the key id
 * and signature, so that part is cut and the rest is scrubbed of every
 * credential we sent (the provider's current and previous keys too).
 * Scrubbing comes before shortening, or a credential cut in two at the
 * limit would survive in part.  Strings shorter than 4 bytes are no real
 * credential and are left alone, lest a test key "a" blank out every
 * letter a.
 */
static char *
ddb_clean_text(const AwsConfig *cfg, const DdbAttempt *att,
			   const char *text, size_t len)
{
	char	   *s = pnstrdup(text, len);
	char	   *cut;
	const char *secrets[4 + AWS_CREDENTIALS_MAX_SECRETS];
	int			nsecrets = 0;

	if ((cut = strstr(s, "\n\n")) != NULL)
		*cut = '\0';

	secrets[nsecrets++] = cfg->secret_access_key;
	secrets[nsecrets++] = cfg->session_token;
	secrets[nsecrets++] = cfg->access_key_id;
	secrets[nsecrets++] = att->signature;
	if (cfg->credentials != NULL)
		nsecrets += aws_credentials_secrets(cfg->credentials,
											secrets + nsecrets);
	for (int i = 0; i < nsecrets; i++)
	{
		const char *secret = secrets[i];
		size_t		secretlen = secret ? strlen(secret) : 0;
		StringInfoData buf;
		char	   *from;
		char	   *hit;

		if (secretlen < 4 || strstr(s, secret) == NULL)
			continue;
		initStringInfo(&buf);
		for (from = s; (hit = strstr(from, secret)) != NULL;
			 from = hit + secretlen)
		{
			appendBinaryStringInfo(&buf, from, hit - from);
			appendStringInfoString(&buf, "***");
		}
		appendStringInfoString(&buf, from);
		pfree(s);
		s = buf.data;
	}

	if (!pg_verifymbstr(s, strlen(s), true))
	{
		for (char *c = s; *c; c++)
			if (IS_HIGHBIT_SET(*c))
				*c = '?';
	}

	if (strlen(s) > DDB_MAX_QUOTED)
		s[pg_mbcliplen(s, strlen(s), DDB_MAX_QUOTED)] = '\0';
	return s;
}

static bool
ddb_type_in(const char *type, const char *const *list)
{
	if (list == NULL)
		return false;
	for (; *list; list++)
	{
		if (strcmp(type, *list) == 0)
			return true;
	}
	return false;
}

/*
 * The wait before retry number retry + 1: a random time up to
 * base * 2^retry, capped ("full jitter"), so that backends throttled
 * together do not come back together.
 */
static long
ddb_backoff_ms(int retry, bool throttled)
{
	long		ceiling = throttled ? DDB_THROTTLE_BACKOFF_BASE_MS :
		DDB_BACKOFF_BASE_MS;

	ceiling <<= Min(retry, 16);
	ceiling = Min(ceiling, DDB_BACKOFF_CAP_MS);
	return (long) (pg_prng_double(&pg_global_prng_state) * ceiling);
}

/* Back off before a caller's own retry; the contract is in aws_client.h. */
void
aws_backoff_wait(int retry, bool throttled)
{
	ddb_wait_until(TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
											   ddb_backoff_ms(retry, throttled)));
}

/* Sleep until a time, on the latch, so that it can be cancelled. */
static void
ddb_wait_until(TimestampTz until)
{
	for (;;)
	{
		long		left;

		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), until);

		if (left <= 0)
			break;
		(void) WaitLatch(MyLatch,
						 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 left, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * text, ending with a full stop unless it already ends a sentence; AWS ends
 * some of its messages with a space.
 */
static const char *
ddb_sentence(const char *text)
{
	size_t		len = strlen(text);

	while (len > 0 && text[len - 1] == ' ')
		len--;
	if (len > 0 && strchr(".!?", text[len - 1]))
		return pnstrdup(text, len);
	return psprintf("%.*s.", (int) len, text);
}

/* " The request was attempted N times." after retries, for error details. */
static const char *
ddb_attempts_note(int attempts)
{
	if (attempts <= 1)
		return "";
	return psprintf(" The request was attempted %d times.", attempts);
}

/*
 * Whether requests to ep go through a proxy: an explicit one, or one of
 * the environment's when the config lets libcurl read it (no_proxy aside).
 */
static bool
ddb_proxy_in_use(const AwsConfig *cfg, const DdbEndpoint *ep)
{
	bool		https = strncmp(ep->display, "https:", 6) == 0;
	static const char *const http_vars[] = {"http_proxy", "all_proxy",
	"ALL_PROXY", NULL};
	static const char *const https_vars[] = {"https_proxy", "HTTPS_PROXY",
	"all_proxy", "ALL_PROXY", NULL};

	if (cfg->proxy == NULL)
		return false;
	if (strcmp(cfg->proxy, AWS_PROXY_ENVIRONMENT) != 0)
		return true;
	for (const char *const *v = https ? https_vars : http_vars; *v; v++)
	{
		const char *value = getenv(*v);

		if (value && value[0])
			return true;
	}
	return false;
}

/*
 * Raise a failure to get any HTTP answer.
 *
 * Nothing was sent (DNS, refused, connect timeout, TLS handshake): the
 * endpoint is unreachable, ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION.
 * The request was sent and then timed out or the connection broke: the
 * class 08 ERRCODE_CONNECTION_FAILURE.  When this or an earlier attempt of
 * a write may have taken effect, a hint says so.
 */
static void
ddb_raise_transport(const AwsConfig *cfg, const DdbEndpoint *ep,
					const DdbAttempt *att, int attempts, bool maybe_applied)
{
	const char *why = att->errbuf[0] ? att->errbuf :
		curl_easy_strerror(att->result);
	const char *note = ddb_attempts_note(attempts);

	/* TLS: say which part failed, and what to do about it. */
	if (att->result == CURLE_PEER_FAILED_VERIFICATION)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not verify the TLS certificate of %s",
						ep->display),
				 errdetail("%s", ddb_sentence(why)),
				 cfg->ca_file ?
				 errhint("The certificate must be signed by a CA of the server's ca_file option, and name the endpoint's host.") :
				 errhint("The certificate must be signed by a CA the system trusts, and name the endpoint's host; the server option ca_file names other CA certificates.")));
	if (att->result == CURLE_SSL_CACERT_BADFILE)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not load CA certificates from \"%s\"",
						cfg->ca_file ? cfg->ca_file : "(libcurl's default)"),
				 errdetail("%s", ddb_sentence(why)),
				 errhint("The server option ca_file must name a PEM file of CA certificates that the database server can read.")));
	if (att->result == CURLE_SSL_CONNECT_ERROR && !att->sent)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("TLS handshake with %s failed", ep->display),
				 errdetail("%s%s", ddb_sentence(why), note),
				 errhint("Check that the endpoint speaks https on that port; a plain http endpoint needs an http:// URL.")));
	if (att->result == CURLE_COULDNT_RESOLVE_PROXY ||
		(ddb_proxy_in_use(cfg, ep) && !att->sent &&
		 (att->result == CURLE_COULDNT_CONNECT ||
		  att->result == CURLE_RECV_ERROR)))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not connect to DynamoDB at %s through a proxy",
						ep->display),
				 errdetail("%s%s", ddb_sentence(why), note),
				 (cfg->proxy == NULL ||
				  strcmp(cfg->proxy, AWS_PROXY_ENVIRONMENT) == 0) ?
				 errhint("The proxy comes from the http_proxy, https_proxy and no_proxy variables of the database server's environment (server option proxy 'environment').") :
				 errhint("Check the proxy option of the server.")));

	if (!att->sent)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not connect to DynamoDB at %s", ep->display),
				 errdetail("%s%s", ddb_sentence(why), note),
				 maybe_applied ?
				 errhint("An earlier attempt of the request may have taken effect in DynamoDB.") : 0));

	if (att->result == CURLE_OPERATION_TIMEDOUT)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("DynamoDB request timed out"),
				 errdetail("No answer from %s within %d ms.%s",
						   ep->display, cfg->request_timeout_ms, note),
				 maybe_applied ?
				 errhint("The request may have taken effect in DynamoDB.") : 0));

	ereport(ERROR,
			(errcode(ERRCODE_CONNECTION_FAILURE),
			 errmsg("lost connection to DynamoDB at %s", ep->display),
			 errdetail("%s%s", ddb_sentence(why), note),
			 maybe_applied ?
			 errhint("The request may have taken effect in DynamoDB.") : 0));
	pg_unreachable();
}

/*
 * Raise an error answer of DynamoDB.  SQLSTATEs:
 *
 *	credentials rejected (key, signature, token)	28000
 *	AccessDeniedException							42501
 *	ResourceNotFoundException						HV00R
 *	throttling, retries exhausted					53000
 *	5xx, retries exhausted							08006
 *	ValidationException, anything else				HV000
 *
 * Throttling is class 53 because it is a shortage of capacity that passes
 * with time; 40001 would send application retry loops after a conflict that
 * does not exist.  A 5xx is DynamoDB failing, not the statement: class 08
 * tells clients to try again later, as for a lost server.
 */
static void
ddb_raise_http(const AwsConfig *cfg, const DdbEndpoint *ep, long status,
			   const char *type, const char *message, int attempts,
			   bool maybe_applied)
{
	StringInfoData detail;
	const char *note = ddb_attempts_note(attempts);
	const char *source = cfg->credentials ?
		aws_credentials_source(cfg->credentials) : NULL;

	initStringInfo(&detail);
	if (type)
		appendStringInfo(&detail, "DynamoDB returned %s", type);
	else
		appendStringInfo(&detail, "DynamoDB returned HTTP status %ld", status);
	if (message && message[0])
		appendStringInfo(&detail, ": %s", ddb_sentence(message));
	else
		appendStringInfoChar(&detail, '.');
	appendStringInfoString(&detail, note);

	/*
	 * A signature scoped to the wrong region is refused as a bad signature,
	 * although the keys are fine: DynamoDB at that endpoint lives in
	 * another region.
	 */
	if (type && strcmp(type, "InvalidSignatureException") == 0 && message &&
		strstr(message, "scoped to a valid region") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("DynamoDB at %s refused the region \"%s\"",
						ep->display, cfg->region),
				 errdetail("%s", detail.data),
				 errhint("The region is likely wrong, not the keys: set the server's region option to the region of the endpoint, or leave endpoint unset to use the region's own.")));

	/* Keys from the host, not from SQL: the hint says where to look. */
	if (type && ddb_type_in(type, ddb_auth_errors) && source != NULL &&
		aws_credentials_from_host(cfg->credentials))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("DynamoDB rejected the credentials"),
				 errdetail("%s The credentials came from the %s of the database server's host.",
						   detail.data, source),
				 errhint("Check the AWS identity of the database server's host, or put keys in the user mapping.")));

	if (type && ddb_type_in(type, ddb_auth_errors))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("DynamoDB rejected the credentials"),
				 errdetail("%s", detail.data),
				 strcmp(type, "ExpiredTokenException") == 0 ?
				 errhint("Put fresh temporary credentials in the access_key_id, secret_access_key and session_token options of the user mapping.") :
				 errhint("Check the access_key_id and secret_access_key options of the user mapping, and session_token for temporary credentials.")));

	if (type && strcmp(type, "AccessDeniedException") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("DynamoDB denied access"),
				 errdetail("%s", detail.data),
				 errhint("Check the IAM permissions of the access key in the user mapping.")));

	if (type && strcmp(type, "ResourceNotFoundException") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
				 cfg->table ?
				 errmsg("DynamoDB table \"%s\" not found in region \"%s\"",
						cfg->table, cfg->region) :
				 errmsg("DynamoDB table not found in region \"%s\"",
						cfg->region),
				 errdetail("%s The endpoint is %s.", detail.data, ep->display),
				 errhint("Check the table option of the foreign table and the region and endpoint options of the server.")));

	if (type && strcmp(type, "TransactionConflictException") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("DynamoDB refused the request: the item is being changed by a transaction"),
				 errdetail("%s", detail.data),
				 errhint("Retry the statement.")));

	if ((type && ddb_type_in(type, ddb_throttling_errors)) || status == 429)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("DynamoDB throttled the request"),
				 errdetail("%s", detail.data),
				 errhint("Retry later, or raise the capacity of the DynamoDB table.")));

	if (status >= 500 || (type && ddb_type_in(type, ddb_server_errors)))
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("DynamoDB failed to process the request"),
				 errdetail("%s", detail.data),
				 maybe_applied ?
				 errhint("The request may have taken effect in DynamoDB.") : 0));

	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("DynamoDB rejected the request"),
			 errdetail("%s", detail.data)));
	pg_unreachable();
}

/*
 * Raise an answer that is a web page: the endpoint is some web server,
 * not DynamoDB.  The page itself is left out; it tells nothing useful
 * and can be long.
 */
static void
ddb_raise_not_dynamodb(const DdbEndpoint *ep, const DdbAttempt *att)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
			 errmsg("the endpoint %s is not DynamoDB", ep->display),
			 errdetail("It answered HTTP status %ld with a web page (%s) where DynamoDB answers JSON.",
					   att->status,
					   att->content_type[0] ? att->content_type :
					   "no content type"),
			 errhint("Check the endpoint option of the server; for AWS itself, leave it unset and set the region.")));
}
