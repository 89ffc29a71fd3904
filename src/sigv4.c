/*-------------------------------------------------------------------------
 *
 * sigv4.c
 *		AWS Signature Version 4 for requests signed in headers.
 *
 * Builds the canonical request, the string to sign, the signature and the
 * Authorization header value of SigV4 header signing (not presigned URLs)
 * for a request the caller has fully assembled.  The signer adds no header
 * of its own: the caller sends X-Amz-Date (and X-Amz-Security-Token when it
 * has a session token) and lists them among the headers to sign, so what is
 * signed is exactly what goes on the wire.
 *
 * Pure C over OpenSSL's libcrypto, with no PostgreSQL headers, so that the
 * same code runs in a backend (whose caller copies the results into palloc'd
 * memory) and in the unit tests.  No failure escapes by longjmp: every one,
 * a failed allocation above all, is a false return after releasing whatever
 * had been built.  Key material is wiped before its memory is released.
 *
 *-------------------------------------------------------------------------
 */

/* gmtime_r() is POSIX; ask for it even from a strict ISO C compiler */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sigv4.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR "aws4_request"
#define SHA256_LEN 32

/*
 * A growable string.  After the first failed allocation it drops what it
 * held and ignores every later append, so a builder can append a whole
 * sequence and test for failure once at the end.
 */
typedef struct StrBuf
{
	char	   *data;			/* NUL-terminated once anything was added */
	size_t		len;
	size_t		cap;
	bool		failed;
} StrBuf;

/* One query parameter, both halves already in canonical (encoded) form. */
typedef struct QueryParam
{
	char	   *key;
	char	   *value;
} QueryParam;

/* One header as it enters the canonical headers. */
typedef struct CanonHeader
{
	char	   *name;			/* lower-cased */
	char	   *value;			/* trimmed, inner whitespace runs folded */
	int			order;			/* position in the request: the values of a
								 * repeated name are joined in this order */
} CanonHeader;

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";


static void
sb_init(StrBuf *sb)
{
	sb->data = NULL;
	sb->len = 0;
	sb->cap = 0;
	sb->failed = false;
}

static void
sb_release(StrBuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = 0;
	sb->cap = 0;
	sb->failed = true;
}

/* Make room for more bytes plus the terminating NUL. */
static bool
sb_reserve(StrBuf *sb, size_t more)
{
	size_t		need;
	size_t		newcap;
	char	   *p;

	if (sb->failed)
		return false;
	if (more > SIZE_MAX - sb->len - 1)
	{
		sb_release(sb);
		return false;
	}
	need = sb->len + more + 1;
	if (need <= sb->cap)
		return true;

	newcap = sb->cap > 0 ? sb->cap : 128;
	while (newcap < need)
	{
		if (newcap > SIZE_MAX / 2)
		{
			newcap = need;
			break;
		}
		newcap *= 2;
	}

	p = realloc(sb->data, newcap);
	if (p == NULL)
	{
		sb_release(sb);
		return false;
	}
	sb->data = p;
	sb->cap = newcap;
	return true;
}

static void
sb_append_mem(StrBuf *sb, const char *s, size_t n)
{
	if (!sb_reserve(sb, n))
		return;
	if (n > 0)
		memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

static void
sb_append(StrBuf *sb, const char *s)
{
	sb_append_mem(sb, s, strlen(s));
}

static void
sb_append_char(StrBuf *sb, char c)
{
	sb_append_mem(sb, &c, 1);
}

/*
 * Hand the string over to the caller, or NULL when an allocation failed.
 * An empty string is still a malloc'd "" so that callers need not tell
 * "empty" from "failed" by anything but NULL.
 */
static char *
sb_finish(StrBuf *sb)
{
	if (!sb_reserve(sb, 0))
		return NULL;
	sb->data[sb->len] = '\0';
	return sb->data;
}

/* RFC 3986 unreserved characters, which SigV4 never percent-encodes. */
static bool
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ||
		(c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') ||
		c == '-' || c == '.' || c == '_' || c == '~';
}

/*
 * Whitespace that canonical header values trim and fold.  Tabs and line
 * breaks count as well as spaces: a value continued over several lines
 * (obsolete line folding) is one value to the server, and botocore, whose
 * signatures DynamoDB checks every day, folds any whitespace.
 */
static bool
is_header_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		c == '\v' || c == '\f';
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char
ascii_tolower(char c)
{
	/* not tolower(): the server's locale must not change a signature */
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	return c;
}

/*
 * Percent-encode n bytes as SigV4 wants: unreserved characters as they are,
 * every other byte as %XY with upper-case hex (so UTF-8 is encoded byte by
 * byte).  keep_slash leaves '/' alone, for paths.
 */
static void
sb_append_uri_encoded(StrBuf *sb, const char *s, size_t n, bool keep_slash)
{
	size_t		i;

	for (i = 0; i < n && !sb->failed; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (is_unreserved(c) || (keep_slash && c == '/'))
			sb_append_char(sb, (char) c);
		else
		{
			char		esc[3];

			esc[0] = '%';
			esc[1] = hex_upper[c >> 4];
			esc[2] = hex_upper[c & 0x0F];
			sb_append_mem(sb, esc, 3);
		}
	}
}

static void
hex_encode(const unsigned char *bytes, size_t n, char *out)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		out[2 * i] = hex_lower[bytes[i] >> 4];
		out[2 * i + 1] = hex_lower[bytes[i] & 0x0F];
	}
	out[2 * n] = '\0';
}

static bool
sha256_raw(const void *data, size_t len, unsigned char *md)
{
	unsigned int mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return false;
	return mdlen == SHA256_LEN;
}

static bool
hmac_sha256(const unsigned char *key, size_t keylen,
			const void *data, size_t datalen, unsigned char *out)
{
	unsigned int outlen = 0;

	if (keylen > INT_MAX)
		return false;
	if (HMAC(EVP_sha256(), key, (int) keylen,
			 (const unsigned char *) data, datalen, out, &outlen) == NULL)
		return false;
	return outlen == SHA256_LEN;
}

/*
 * A query key or value in canonical form: decode what the caller may
 * already have percent-encoded, then encode it afresh.  Decoding first is
 * what keeps "%E1%88%B4" from turning into "%25E1%2588%25B4"; a '%' not
 * followed by two hex digits is taken literally.  '+' stays a literal plus
 * (encoded %2B): SigV4 spells a space %20, never '+'.
 *
 * Returns a malloc'd string, or NULL when memory ran out.
 */
static char *
canonical_query_component(const char *s, size_t n)
{
	char	   *decoded;
	size_t		dlen = 0;
	size_t		i;
	StrBuf		sb;

	decoded = malloc(n + 1);
	if (decoded == NULL)
		return NULL;
	for (i = 0; i < n; i++)
	{
		int			hi,
					lo;

		if (s[i] == '%' && i + 2 < n &&
			(hi = hex_value(s[i + 1])) >= 0 &&
			(lo = hex_value(s[i + 2])) >= 0)
		{
			decoded[dlen++] = (char) (hi * 16 + lo);
			i += 2;
		}
		else
			decoded[dlen++] = s[i];
	}

	sb_init(&sb);
	sb_append_uri_encoded(&sb, decoded, dlen, false);
	free(decoded);
	return sb_finish(&sb);
}

static int
query_param_cmp(const void *a, const void *b)
{
	const QueryParam *pa = (const QueryParam *) a;
	const QueryParam *pb = (const QueryParam *) b;
	int			c;

	/*
	 * Key first, then value: comparing whole "key=value" strings would put
	 * "Param-3=x" before "Param=y", since '-' sorts before '='.
	 */
	c = strcmp(pa->key, pb->key);
	if (c != 0)
		return c;
	return strcmp(pa->value, pb->value);
}

static void
free_query_params(QueryParam *params, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		free(params[i].key);
		free(params[i].value);
	}
	free(params);
}

/*
 * Append the canonical query string of a raw query (without '?'):
 * parameters encoded, sorted by key then value, joined by '&'.  A parameter
 * without '=' signs as "key=".  Empty pieces ("a=1&&b=2") name nothing and
 * are skipped.
 */
static bool
append_canonical_query(StrBuf *sb, const char *query)
{
	QueryParam *params;
	size_t		maxparams = 1;
	size_t		nparams = 0;
	const char *p;
	size_t		i;

	if (query == NULL || query[0] == '\0')
		return !sb->failed;

	for (p = query; *p; p++)
		if (*p == '&')
			maxparams++;
	params = calloc(maxparams, sizeof(QueryParam));
	if (params == NULL)
		return false;

	p = query;
	for (;;)
	{
		const char *end = strchr(p, '&');
		size_t		len = end ? (size_t) (end - p) : strlen(p);

		if (len > 0)
		{
			const char *eq = memchr(p, '=', len);
			size_t		keylen = eq ? (size_t) (eq - p) : len;
			QueryParam *param = &params[nparams++];

			param->key = canonical_query_component(p, keylen);
			if (eq)
				param->value = canonical_query_component(eq + 1,
														 len - keylen - 1);
			else
				param->value = canonical_query_component("", 0);
			if (param->key == NULL || param->value == NULL)
			{
				free_query_params(params, nparams);
				return false;
			}
		}
		if (end == NULL)
			break;
		p = end + 1;
	}

	qsort(params, nparams, sizeof(QueryParam), query_param_cmp);
	for (i = 0; i < nparams; i++)
	{
		if (i > 0)
			sb_append_char(sb, '&');
		sb_append(sb, params[i].key);
		sb_append_char(sb, '=');
		sb_append(sb, params[i].value);
	}
	free_query_params(params, nparams);
	return !sb->failed;
}

/*
 * A header value in canonical form: leading and trailing whitespace
 * dropped, each inner run of whitespace turned into one space.  Quotes are
 * not special (the vectors fold inside "a   b   c" too).
 */
static char *
canonical_header_value(const char *value)
{
	char	   *out;
	char	   *o;
	bool		pending_space = false;

	out = malloc(strlen(value) + 1);
	if (out == NULL)
		return NULL;
	o = out;
	for (; *value; value++)
	{
		if (is_header_space(*value))
		{
			/* a space is written only once a non-space follows it */
			if (o != out)
				pending_space = true;
			continue;
		}
		if (pending_space)
		{
			*o++ = ' ';
			pending_space = false;
		}
		*o++ = *value;
	}
	*o = '\0';
	return out;
}

static char *
lower_case_copy(const char *s)
{
	size_t		n = strlen(s);
	char	   *out = malloc(n + 1);
	size_t		i;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		out[i] = ascii_tolower(s[i]);
	out[n] = '\0';
	return out;
}

static int
canon_header_cmp(const void *a, const void *b)
{
	const CanonHeader *ha = (const CanonHeader *) a;
	const CanonHeader *hb = (const CanonHeader *) b;
	int			c;

	c = strcmp(ha->name, hb->name);
	if (c != 0)
		return c;
	/* qsort is not stable, so keep the request's order by hand */
	return (ha->order > hb->order) - (ha->order < hb->order);
}

static void
free_canon_headers(CanonHeader *headers, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		free(headers[i].name);
		free(headers[i].value);
	}
	free(headers);
}

/*
 * Append the canonical headers (one "name:value\n" line per distinct name,
 * sorted by name, values of a repeated name joined by ',' in request order)
 * to canon, and the signed headers list (names joined by ';') to signed_hdrs.
 */
static bool
append_canonical_headers(StrBuf *canon, StrBuf *signed_hdrs,
						 const SigV4Header *headers, int nheaders)
{
	CanonHeader *sorted;
	int			i;

	if (nheaders == 0)
		return !canon->failed && !signed_hdrs->failed;

	sorted = calloc((size_t) nheaders, sizeof(CanonHeader));
	if (sorted == NULL)
		return false;

	for (i = 0; i < nheaders; i++)
	{
		sorted[i].order = i;
		sorted[i].name = lower_case_copy(headers[i].name);
		sorted[i].value = canonical_header_value(headers[i].value ?
												 headers[i].value : "");
		if (sorted[i].name == NULL || sorted[i].value == NULL)
		{
			free_canon_headers(sorted, i + 1);
			return false;
		}
	}

	qsort(sorted, (size_t) nheaders, sizeof(CanonHeader), canon_header_cmp);

	for (i = 0; i < nheaders; i++)
	{
		if (i > 0 && strcmp(sorted[i].name, sorted[i - 1].name) == 0)
		{
			sb_append_char(canon, ',');
			sb_append(canon, sorted[i].value);
			continue;
		}
		if (i > 0)
		{
			sb_append_char(canon, '\n');
			sb_append_char(signed_hdrs, ';');
		}
		sb_append(canon, sorted[i].name);
		sb_append_char(canon, ':');
		sb_append(canon, sorted[i].value);
		sb_append(signed_hdrs, sorted[i].name);
	}
	sb_append_char(canon, '\n');

	free_canon_headers(sorted, nheaders);
	return !canon->failed && !signed_hdrs->failed;
}

/* "20150830T123600Z": the only shape X-Amz-Date takes. */
static bool
valid_amz_date(const char *d)
{
	int			i;

	for (i = 0; i < 16; i++)
	{
		char		c = d[i];

		if (i == 8)
		{
			if (c != 'T')
				return false;
		}
		else if (i == 15)
		{
			if (c != 'Z')
				return false;
		}
		else if (c < '0' || c > '9')
			return false;
	}
	return d[16] == '\0';
}

/*
 * The signing key: HMAC chain from "AWS4" + secret through the date, the
 * region and the service to "aws4_request".  Intermediate keys are wiped.
 */
static bool
derive_signing_key(const char *secret, const char *date8,
				   const char *region, const char *service,
				   unsigned char *key_out)
{
	size_t		secret_len = strlen(secret);
	unsigned char *k_secret;
	unsigned char k_a[SHA256_LEN];
	unsigned char k_b[SHA256_LEN];
	bool		ok;

	if (secret_len > SIZE_MAX - 4)
		return false;
	k_secret = malloc(secret_len + 4);
	if (k_secret == NULL)
		return false;
	memcpy(k_secret, "AWS4", 4);
	memcpy(k_secret + 4, secret, secret_len);

	ok = hmac_sha256(k_secret, secret_len + 4, date8, 8, k_a) &&
		hmac_sha256(k_a, SHA256_LEN, region, strlen(region), k_b) &&
		hmac_sha256(k_b, SHA256_LEN, service, strlen(service), k_a) &&
		hmac_sha256(k_a, SHA256_LEN, SIGV4_TERMINATOR,
					strlen(SIGV4_TERMINATOR), key_out);

	OPENSSL_cleanse(k_secret, secret_len + 4);
	OPENSSL_cleanse(k_a, sizeof(k_a));
	OPENSSL_cleanse(k_b, sizeof(k_b));
	free(k_secret);
	return ok;
}

/*
 * Sign a request; see sigv4.h.  Besides running out of memory (here or in
 * libcrypto), this returns false for input it cannot sign: a NULL argument,
 * an amz_date not shaped like "20150830T123600Z", a header without a name,
 * or a NULL payload with a non-zero length.
 *
 * credentials->session_token is not read.  Whether the token is signed is
 * the caller's choice, made by listing X-Amz-Security-Token among the
 * headers or not (STS-style services also accept it added after signing).
 */
bool
sigv4_sign(const SigV4Request *request,
		   const SigV4Credentials *credentials,
		   const char *region, const char *service,
		   const char *amz_date, SigV4Result *result)
{
	SigV4Result out = {NULL, NULL, NULL, NULL};
	StrBuf		canon;
	StrBuf		signed_hdrs;
	StrBuf		sb;
	char		date8[9];
	char		payload_hex[2 * SHA256_LEN + 1];
	char		creq_hex[2 * SHA256_LEN + 1];
	unsigned char signing_key[SHA256_LEN];
	unsigned char mac[SHA256_LEN];
	const char *path;
	char	   *signed_list = NULL;
	int			i;

	if (result == NULL)
		return false;
	memset(result, 0, sizeof(SigV4Result));

	if (request == NULL || credentials == NULL || region == NULL ||
		service == NULL || amz_date == NULL ||
		request->method == NULL ||
		credentials->access_key_id == NULL ||
		credentials->secret_access_key == NULL ||
		!valid_amz_date(amz_date) ||
		request->nheaders < 0 ||
		(request->nheaders > 0 && request->headers == NULL) ||
		(request->payload == NULL && request->payload_len > 0))
		return false;
	for (i = 0; i < request->nheaders; i++)
		if (request->headers[i].name == NULL ||
			request->headers[i].name[0] == '\0')
			return false;

	memcpy(date8, amz_date, 8);
	date8[8] = '\0';

	/* the payload's hash; a NULL payload of length 0 is the empty body */
	if (!sha256_raw(request->payload ? request->payload : "",
					request->payload_len, mac))
		return false;
	hex_encode(mac, SHA256_LEN, payload_hex);

	/*
	 * Canonical request.  The path is encoded once as given, '/' kept: for
	 * every service but S3 an already-encoded path is encoded again, which
	 * is what the service checks against.  No dot-segment normalisation.
	 */
	sb_init(&canon);
	sb_init(&signed_hdrs);
	path = (request->path && request->path[0]) ? request->path : "/";
	sb_append(&canon, request->method);
	sb_append_char(&canon, '\n');
	sb_append_uri_encoded(&canon, path, strlen(path), true);
	sb_append_char(&canon, '\n');
	if (!append_canonical_query(&canon, request->query))
		goto fail;
	sb_append_char(&canon, '\n');
	if (!append_canonical_headers(&canon, &signed_hdrs,
								  request->headers, request->nheaders))
		goto fail;
	sb_append_char(&canon, '\n');
	signed_list = sb_finish(&signed_hdrs);
	if (signed_list == NULL)
		goto fail;
	sb_append(&canon, signed_list);
	sb_append_char(&canon, '\n');
	sb_append(&canon, payload_hex);
	out.canonical_request = sb_finish(&canon);
	if (out.canonical_request == NULL)
		goto fail;

	/* string to sign */
	if (!sha256_raw(out.canonical_request, canon.len, mac))
		goto fail;
	hex_encode(mac, SHA256_LEN, creq_hex);
	sb_init(&sb);
	sb_append(&sb, SIGV4_ALGORITHM "\n");
	sb_append(&sb, amz_date);
	sb_append_char(&sb, '\n');
	sb_append(&sb, date8);
	sb_append_char(&sb, '/');
	sb_append(&sb, region);
	sb_append_char(&sb, '/');
	sb_append(&sb, service);
	sb_append(&sb, "/" SIGV4_TERMINATOR "\n");
	sb_append(&sb, creq_hex);
	out.string_to_sign = sb_finish(&sb);
	if (out.string_to_sign == NULL)
		goto fail;

	/* signature */
	if (!derive_signing_key(credentials->secret_access_key, date8,
							region, service, signing_key))
		goto fail;
	if (!hmac_sha256(signing_key, SHA256_LEN,
					 out.string_to_sign, sb.len, mac))
	{
		OPENSSL_cleanse(signing_key, sizeof(signing_key));
		goto fail;
	}
	OPENSSL_cleanse(signing_key, sizeof(signing_key));
	out.signature = malloc(2 * SHA256_LEN + 1);
	if (out.signature == NULL)
		goto fail;
	hex_encode(mac, SHA256_LEN, out.signature);

	/* Authorization header value */
	sb_init(&sb);
	sb_append(&sb, SIGV4_ALGORITHM " Credential=");
	sb_append(&sb, credentials->access_key_id);
	sb_append_char(&sb, '/');
	sb_append(&sb, date8);
	sb_append_char(&sb, '/');
	sb_append(&sb, region);
	sb_append_char(&sb, '/');
	sb_append(&sb, service);
	sb_append(&sb, "/" SIGV4_TERMINATOR ", SignedHeaders=");
	sb_append(&sb, signed_list);
	sb_append(&sb, ", Signature=");
	sb_append(&sb, out.signature);
	out.authorization = sb_finish(&sb);
	if (out.authorization == NULL)
		goto fail;

	free(signed_list);
	*result = out;
	return true;

fail:
	/* canon's data is out.canonical_request once finished */
	if (out.canonical_request == NULL)
		free(canon.data);
	if (signed_list == NULL)
		free(signed_hdrs.data);
	free(signed_list);
	sigv4_free_result(&out);
	return false;
}

void
sigv4_free_result(SigV4Result *result)
{
	if (result == NULL)
		return;
	free(result->canonical_request);
	free(result->string_to_sign);
	free(result->signature);
	free(result->authorization);
	result->canonical_request = NULL;
	result->string_to_sign = NULL;
	result->signature = NULL;
	result->authorization = NULL;
}

/*
 * Format t (UTC) as an X-Amz-Date value into buf[17].  A time that does not
 * fit the format (a year past 9999, say) leaves buf empty rather than
 * holding a date AWS would misread.
 */
void
sigv4_format_date(time_t t, char *buf)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
		tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999 ||
		strftime(buf, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		buf[0] = '\0';
}

/*
 * Lower-case hex SHA-256 of data into hex[65]; a NULL data is the empty
 * string.  Should libcrypto fail (it can only for lack of memory), hex is
 * left empty, which no caller can mistake for a digest.
 */
void
sigv4_sha256_hex(const char *data, size_t len, char *hex)
{
	unsigned char md[SHA256_LEN];

	if (!sha256_raw(data ? data : "", data ? len : 0, md))
	{
		hex[0] = '\0';
		return;
	}
	hex_encode(md, SHA256_LEN, hex);
}
