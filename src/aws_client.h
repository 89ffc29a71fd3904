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
} AwsConfig;

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
} AwsResponse;

/*
 * Call DynamoDB_20120810.<operation> with a JSON body.
 *
 * Throttling, 5xx answers and transport failures are retried with backoff
 * (waiting on the latch) up to cfg->max_retries times when retry_safe is
 * true.  An error whose type is listed in accepted_errors (NULL-terminated,
 * may be NULL) is returned to the caller with error_type set; any other
 * error is raised.  Ctrl-C and statement_timeout stop a request in flight.
 * The result is palloc'd in CurrentMemoryContext.
 */
extern AwsResponse *aws_dynamodb_call(const AwsConfig *cfg,
									  const char *operation,
									  const char *body, size_t body_len,
									  bool retry_safe,
									  const char *const *accepted_errors,
									  AwsCallStats *stats);

#endif							/* AWS_CLIENT_H */
