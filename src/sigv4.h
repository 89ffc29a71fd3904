/*-------------------------------------------------------------------------
 *
 * sigv4.h
 *		AWS Signature Version 4 for requests signed in headers.
 *
 * Pure C over OpenSSL: no PostgreSQL headers, so the unit tests can run it
 * with the fixed clock of each test vector.  Every string returned is
 * malloc'd and released by sigv4_free_result().
 *
 *-------------------------------------------------------------------------
 */
#ifndef SIGV4_H
#define SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct SigV4Header
{
	const char *name;			/* any case; lower-cased for signing */
	const char *value;			/* trimmed, inner runs of spaces folded */
} SigV4Header;

typedef struct SigV4Request
{
	const char *method;			/* "POST" */
	const char *path;			/* "/" */
	const char *query;			/* raw query string without '?', or NULL */
	const SigV4Header *headers; /* every header to sign, host included */
	int			nheaders;
	const char *payload;		/* body, may be NULL when payload_len is 0 */
	size_t		payload_len;
} SigV4Request;

typedef struct SigV4Credentials
{
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token;	/* NULL when none; the caller signs it as
								 * the x-amz-security-token header */
} SigV4Credentials;

typedef struct SigV4Result
{
	char	   *canonical_request;
	char	   *string_to_sign;
	char	   *signature;		/* lower-case hex */
	char	   *authorization;	/* the whole Authorization header value */
} SigV4Result;

/*
 * Sign a request.  amz_date is the X-Amz-Date value ("20150830T123600Z"),
 * which the caller also sends as a header.  Returns false when memory ran
 * out or the input is malformed; then *result holds nothing to free.
 */
extern bool sigv4_sign(const SigV4Request *request,
					   const SigV4Credentials *credentials,
					   const char *region, const char *service,
					   const char *amz_date, SigV4Result *result);

extern void sigv4_free_result(SigV4Result *result);

/* Format t (UTC) as an X-Amz-Date value into buf[17]. */
extern void sigv4_format_date(time_t t, char *buf);

/* Lower-case hex SHA-256 of data into hex[65]. */
extern void sigv4_sha256_hex(const char *data, size_t len, char *hex);

#endif							/* SIGV4_H */
