/*-------------------------------------------------------------------------
 *
 * aws_client.h
 *		One DynamoDB call over HTTP: transport, signing, retries, errors.
 *
 * Knows nothing of SQL: callers hand it a JSON body and get a JSON body
 * back.  Failures are raised with ereport and a fitting SQLSTATE, with
 * DynamoDB's own message in the detail and never a credential anywhere.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AWS_CLIENT_H
#define AWS_CLIENT_H

struct AwsCredentialProvider;

/*
 * A client: the libcurl handles, their kept-alive connections and counters.
 * Each one is independent of the others; see aws_client_create.
 */
typedef struct AwsClient AwsClient;

typedef struct AwsConfig
{
	const char *region;			/* "us-east-1" */
	const char *endpoint;		/* "https://dynamodb.us-east-1.amazonaws.com"
								 * or a local URL; no trailing slash needed */
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token;	/* NULL when none */
	int			connect_timeout_ms;
	int			request_timeout_ms;
	int			max_retries;	/* retries after the first attempt */
	const char *table;			/* the DynamoDB table, for messages; or NULL */
	const char *ca_file;		/* CA certificates for https; NULL: the
								 * system's */
	const char *proxy;			/* NULL: no proxy, whatever the environment
								 * says; AWS_PROXY_ENVIRONMENT: libcurl's
								 * http_proxy, https_proxy, no_proxy; else a
								 * proxy URL */
	AwsClient  *client;			/* NULL: the backend's default client */

	/*
	 * Where the keys come from: NULL means the three strings above; else
	 * the provider's, fetched as needed and fetched again once when
	 * DynamoDB says the token expired.
	 */
	struct AwsCredentialProvider *credentials;
} AwsConfig;

/* AwsConfig.proxy value that lets libcurl read the proxy environment. */
#define AWS_PROXY_ENVIRONMENT	"environment"

/* Counters a caller may keep per scan, for EXPLAIN ANALYZE. */
typedef struct AwsCallStats
{
	long		requests;		/* HTTP requests sent, retries included */
	long		retries;
} AwsCallStats;

typedef struct AwsResponse
{
	int			status;			/* HTTP status of the final attempt */
	char	   *body;			/* palloc'd, NUL-terminated */
	size_t		body_len;
	/* Set only when DynamoDB answered with an error the caller accepted: */
	char	   *error_type;		/* "ConditionalCheckFailedException" */
	char	   *error_message;

	/*
	 * An earlier attempt got no definite answer (the connection broke after
	 * the request was sent, or DynamoDB answered 5xx), so it may have taken
	 * effect.  Only AWS_RETRY_CHECKED requests are retried after that.
	 */
	bool		uncertain;

	/*
	 * Set only for a request with keep_failure that failed for good: the
	 * error was not raised, and this says what it was.  maybe_applied tells
	 * whether DynamoDB may have run it all the same.
	 */
	bool		failed;
	bool		maybe_applied;
	char	   *failure;		/* a sentence, no secret in it */
} AwsResponse;

/*
 * Call DynamoDB_20120810.<operation> with a JSON body.
 *
 * Throttling, 5xx answers and transport failures are retried with backoff
 * (waiting on the latch) up to cfg->max_retries times when retry_safe is
 * true.  When it is false, only failures after which DynamoDB provably never
 * ran the request are retried: throttling, and a connection that failed
 * before the request was sent.  An error whose type is listed in
 * accepted_errors (NULL-terminated, may be NULL) is returned to the caller
 * with error_type set; any other error is raised.  Ctrl-C and
 * statement_timeout stop a request in flight.  The result is palloc'd in
 * CurrentMemoryContext.
 */
extern AwsResponse *aws_dynamodb_call(const AwsConfig *cfg,
									  const char *operation,
									  const char *body, size_t body_len,
									  bool retry_safe,
									  const char *const *accepted_errors,
									  AwsCallStats *stats);

/*
 * When a request may be sent again after a failure that left its fate
 * unknown (no answer, or a 5xx).
 */
typedef enum AwsRetry
{
	AWS_RETRY_SAFE,				/* reads: retry whatever may pass */
	AWS_RETRY_UNSENT,			/* only when DynamoDB provably never ran it */
	AWS_RETRY_CHECKED			/* writes that cannot apply twice (conditional
								 * or idempotent): retry, and tell the caller
								 * in AwsResponse.uncertain that an earlier
								 * attempt may have applied */
} AwsRetry;

/* One request of aws_dynamodb_call_many. */
typedef struct AwsRequest
{
	const char *operation;		/* "UpdateItem" */
	const char *body;
	size_t		body_len;
	AwsRetry	retry;
	const char *const *accepted_errors;
	bool		keep_failure;	/* return a failure after which the request
								 * may have applied in the response, instead
								 * of raising it */
	long		give_up_after_ms;	/* no retry this long after the first
									 * attempt started; 0: no limit */
	AwsResponse *response;		/* out: set when the request completed */
} AwsRequest;

/*
 * Run nrequests calls, up to concurrency of them at a time, each on its own
 * kept-alive connection, with the retries of aws_dynamodb_call per request.
 * When one fails, no further request is started, those in flight are
 * awaited, and then the failure is raised: requests already answered have
 * taken effect.
 */
extern void aws_dynamodb_call_many(const AwsConfig *cfg,
								   AwsRequest *requests, int nrequests,
								   int concurrency, AwsCallStats *stats);

/*
 * A read sent ahead of its time, so that it travels while the caller works.
 *
 * aws_ahead_start sends one request (a read: AWS_RETRY_SAFE) on cfg's
 * client and returns at once; it returns NULL when the client has
 * AWS_MAX_AHEAD of them already (send it the usual way then).  Everything
 * of it, the answer included, lives in a memory context of its own under
 * parent; resetting or deleting parent drops it like aws_ahead_drop, which
 * is what happens on an error or a cancel.  Its transfer moves whenever any
 * call of the client runs, and at aws_ahead_finish, which waits for the
 * answer with the retries, backoff and errors of aws_dynamodb_call: the
 * response is valid until aws_ahead_drop, and an error is raised exactly as
 * aws_dynamodb_call would have raised it.  aws_ahead_body is the body it
 * sent, for a caller that must check the request is still the one it
 * needs.  aws_ahead_drop (NULL is fine) cancels a transfer still in flight
 * and frees it all.
 */
typedef struct AwsAhead AwsAhead;

extern AwsAhead *aws_ahead_start(const AwsConfig *cfg, const char *operation,
								 const char *body,
								 const char *const *accepted_errors,
								 AwsCallStats *stats, MemoryContext parent);
extern const char *aws_ahead_body(const AwsAhead *ahead);
extern AwsResponse *aws_ahead_finish(AwsAhead *ahead);
extern void aws_ahead_drop(AwsAhead *ahead);

/* Most requests a client keeps sent ahead at once. */
#define AWS_MAX_AHEAD			16

/*
 * Wait as aws_dynamodb_call does before retry number retry + 1, for callers
 * that retry on their own (BatchWriteItem's UnprocessedItems).
 */
extern void aws_backoff_wait(int retry, bool throttled);

/*
 * Most requests a client has in flight at once: aws_dynamodb_call_many's
 * and those sent ahead together.
 */
#define AWS_MAX_CONCURRENCY		32

/*
 * A client with no connection yet, allocated in cxt, which must outlive it.
 * aws_client_destroy closes its connections (and never raises).
 */
extern AwsClient *aws_client_create(MemoryContext cxt);
extern void aws_client_destroy(AwsClient *client);

/* HTTP requests the client sent, and its connections open now. */
extern void aws_client_stats(const AwsClient *client, long *requests,
							 int *open_connections);

/*
 * The DNS suffix of a region's AWS endpoints: "amazonaws.com.cn" for the
 * China regions, "amazonaws.com" for most.
 */
extern const char *aws_dns_suffix(const char *region);

/*
 * Set the TLS and proxy options on a libcurl easy handle (a CURL *): peer
 * and host verification always on, ca_file when not NULL, and the proxy as
 * AwsConfig.proxy says.  For the credential endpoints too.
 */
extern void aws_curl_transport_options(void *easy, const char *ca_file,
									   const char *proxy);

#endif							/* AWS_CLIENT_H */
