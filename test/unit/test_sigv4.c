/*-------------------------------------------------------------------------
 *
 * test_sigv4.c
 *		Unit tests of the SigV4 signer against the AWS and botocore vectors.
 *
 * Usage: test_sigv4 [TESTDATA_DIR [--all]]
 *
 * TESTDATA_DIR (default ../shared/testdata/sigv4, relative to the repository
 * root) holds aws-v4/<case>/ (the AWS suite as kept in aws-c-auth) and
 * dynamodb/<case>/ (DynamoDB requests signed by botocore).  The cases are
 * discovered by reading the directories: every dynamodb case, and the aws-v4
 * cases named post-* and get-header-*, which are the ones that sign headers
 * the way DynamoDB does; the others test path normalisation, which a
 * DynamoDB client never needs.  --all runs every aws-v4 case, to see how far
 * the signer gets on those too; its failures are expected.
 *
 * Each case is signed with its own fixed clock and the canonical request,
 * string to sign, signature and Authorization value are compared with the
 * expected files.  One line per case ("ok <case>" or "FAILED <case>: ..."),
 * then "N passed, N failed"; the exit status is 1 when anything failed.
 *
 *-------------------------------------------------------------------------
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sigv4.h"

#define DEFAULT_TESTDATA "../shared/testdata/sigv4"
#define EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* A request as read from request.txt or <case>.req; every string owned. */
typedef struct TestRequest
{
	char	   *method;
	char	   *path;
	char	   *query;			/* NULL when the target has no '?' */
	char	  **names;
	char	  **values;
	int			nheaders;
	int			capheaders;
	char	   *body;
	size_t		body_len;
} TestRequest;

/* What a case expects; every string owned, NULL when not available. */
typedef struct Expected
{
	char	   *canonical_request;
	char	   *string_to_sign;
	char	   *signature;
	char	   *authorization;
} Expected;

/* The messages of one case, joined by "; ". */
typedef struct Report
{
	char	   *text;
	size_t		len;
} Report;

static int	n_passed = 0;
static int	n_failed = 0;


/* Test code: running out of memory ends the run. */
static void *
xmalloc(size_t n)
{
	void	   *p = malloc(n > 0 ? n : 1);

	if (p == NULL)
	{
		fprintf(stderr, "test_sigv4: out of memory\n");
		exit(2);
	}
	return p;
}

static void *
xrealloc(void *old, size_t n)
{
	void	   *p = realloc(old, n > 0 ? n : 1);

	if (p == NULL)
	{
		fprintf(stderr, "test_sigv4: out of memory\n");
		exit(2);
	}
	return p;
}

static char *
xstrndup(const char *s, size_t n)
{
	char	   *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

static char *
path_join(const char *a, const char *b)
{
	size_t		la = strlen(a);
	size_t		lb = strlen(b);
	char	   *p = xmalloc(la + lb + 2);

	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

static int
ascii_strcasecmp(const char *a, const char *b)
{
	for (;; a++, b++)
	{
		int			ca = (unsigned char) *a;
		int			cb = (unsigned char) *b;

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
}

/* The whole file, NUL-terminated (the length excludes the NUL), or NULL. */
static char *
read_file(const char *path, size_t *len_out)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	size_t		len = 0;
	size_t		cap = 4096;
	size_t		n;

	if (f == NULL)
		return NULL;
	buf = xmalloc(cap);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0)
	{
		len += n;
		if (cap - len - 1 == 0)
		{
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	if (ferror(f))
	{
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	if (len_out)
		*len_out = len;
	return buf;
}

/* An expected file, minus the one newline an editor may have ended it with. */
static char *
read_expected(const char *path)
{
	size_t		len;
	char	   *s = read_file(path, &len);

	if (s == NULL)
		return NULL;
	if (len > 0 && s[len - 1] == '\n')
	{
		s[--len] = '\0';
		if (len > 0 && s[len - 1] == '\r')
			s[--len] = '\0';
	}
	return s;
}

static void
report_add(Report *r, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	r->text = xrealloc(r->text, r->len + (size_t) n + 3);
	if (r->len > 0)
	{
		memcpy(r->text + r->len, "; ", 2);
		r->len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->text + r->len, (size_t) n + 1, fmt, ap);
	va_end(ap);
	r->len += (size_t) n;
}

/* s quoted on one line: newlines as \n, other control bytes as \xNN. */
static char *
quoted(const char *s)
{
	size_t		n = strlen(s);
	char	   *out = xmalloc(4 * n + 3);
	char	   *o = out;

	*o++ = '"';
	for (; *s; s++)
	{
		unsigned char c = (unsigned char) *s;

		if (c == '\n')
		{
			*o++ = '\\';
			*o++ = 'n';
		}
		else if (c == '"' || c == '\\')
		{
			*o++ = '\\';
			*o++ = (char) c;
		}
		else if (c < 0x20 || c == 0x7F)
			o += sprintf(o, "\\x%02X", c);
		else
			*o++ = (char) c;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

static void
check_equal(Report *r, const char *what, const char *expected, const char *got)
{
	char	   *qe;
	char	   *qg;
	size_t		at = 0;

	if (expected == NULL)
	{
		report_add(r, "no expected %s to compare with", what);
		return;
	}
	if (got == NULL)
		got = "(null)";
	if (strcmp(expected, got) == 0)
		return;
	while (expected[at] && expected[at] == got[at])
		at++;
	qe = quoted(expected);
	qg = quoted(got);
	report_add(r, "%s differs at byte %zu, expected %s vs got %s",
			   what, at, qe, qg);
	free(qe);
	free(qg);
}

/*
 * The string value of "key" in a JSON text, malloc'd, or NULL when absent.
 * Just enough JSON for context.json: the first occurrence of the quoted key
 * wins, and only the simple escapes are understood.
 */
static char *
json_string(const char *json, const char *key)
{
	size_t		klen = strlen(key);
	const char *p = json;
	char	   *out;
	char	   *o;

	for (;;)
	{
		p = strchr(p, '"');
		if (p == NULL)
			return NULL;
		if (strncmp(p + 1, key, klen) == 0 && p[klen + 1] == '"')
			break;
		p++;
	}
	p += klen + 2;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p++ != ':')
		return NULL;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p++ != '"')
		return NULL;

	out = xmalloc(strlen(p) + 1);
	o = out;
	for (; *p && *p != '"'; p++)
	{
		if (*p == '\\' && p[1])
		{
			p++;
			switch (*p)
			{
				case 'n':
					*o++ = '\n';
					break;
				case 't':
					*o++ = '\t';
					break;
				default:		/* \" \\ \/ */
					*o++ = *p;
					break;
			}
		}
		else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* A JSON boolean field, or dflt when absent or not a boolean. */
static bool
json_bool(const char *json, const char *key, bool dflt)
{
	size_t		klen = strlen(key);
	const char *p = json;

	for (;;)
	{
		p = strchr(p, '"');
		if (p == NULL)
			return dflt;
		if (strncmp(p + 1, key, klen) == 0 && p[klen + 1] == '"')
			break;
		p++;
	}
	p += klen + 2;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ':')
		p++;
	if (strncmp(p, "true", 4) == 0)
		return true;
	if (strncmp(p, "false", 5) == 0)
		return false;
	return dflt;
}

/* Days since 1970-01-01 of a proleptic Gregorian date; timegm() is not C. */
static long
days_from_civil(long y, int m, int d)
{
	long		era;
	long		yoe;
	long		doy;
	long		doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "2015-08-30T12:36:00Z" as a time_t, or false when not in that shape. */
static bool
parse_timestamp(const char *s, time_t *t)
{
	int			y,
				mo,
				d,
				h,
				mi,
				sec;
	char		z;

	if (s == NULL ||
		sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec,
			   &z) != 7 || z != 'Z')
		return false;
	*t = (time_t) days_from_civil(y, mo, d) * 86400 +
		h * 3600 + mi * 60 + sec;
	return true;
}

static void
request_add_header(TestRequest *req, const char *name, size_t namelen,
				   const char *value, size_t valuelen)
{
	if (req->nheaders == req->capheaders)
	{
		req->capheaders = req->capheaders ? 2 * req->capheaders : 8;
		req->names = xrealloc(req->names,
							  req->capheaders * sizeof(char *));
		req->values = xrealloc(req->values,
							   req->capheaders * sizeof(char *));
	}
	req->names[req->nheaders] = xstrndup(name, namelen);
	req->values[req->nheaders] = xstrndup(value, valuelen);
	req->nheaders++;
}

static int
request_find_header(const TestRequest *req, const char *name)
{
	int			i;

	for (i = 0; i < req->nheaders; i++)
		if (ascii_strcasecmp(req->names[i], name) == 0)
			return i;
	return -1;
}

static void
request_free(TestRequest *req)
{
	int			i;

	for (i = 0; i < req->nheaders; i++)
	{
		free(req->names[i]);
		free(req->values[i]);
	}
	free(req->names);
	free(req->values);
	free(req->method);
	free(req->path);
	free(req->query);
	free(req->body);
	memset(req, 0, sizeof(TestRequest));
}

/*
 * Parse a raw HTTP/1.1 request: request line, headers, a blank line, then
 * the body verbatim to the end of the file.  A line starting with a space
 * or tab continues the previous header's value; it is kept with its line
 * break, for the signer to fold.  Returns NULL on success, else what was
 * wrong.
 */
static const char *
parse_request(const char *text, size_t len, TestRequest *req)
{
	const char *end = text + len;
	const char *line = text;
	const char *eol;
	size_t		linelen;
	const char *sp1;
	const char *sp2;
	const char *q;

	memset(req, 0, sizeof(TestRequest));

	/* request line; the target may hold spaces, so split at both ends */
	eol = memchr(line, '\n', (size_t) (end - line));
	linelen = eol ? (size_t) (eol - line) : (size_t) (end - line);
	if (linelen > 0 && line[linelen - 1] == '\r')
		linelen--;
	sp1 = memchr(line, ' ', linelen);
	sp2 = NULL;
	for (q = line + linelen; q > line; q--)
		if (q[-1] == ' ')
		{
			sp2 = q - 1;
			break;
		}
	if (sp1 == NULL || sp2 == NULL || sp2 <= sp1)
		return "request line is not \"METHOD target HTTP/x\"";
	req->method = xstrndup(line, (size_t) (sp1 - line));
	q = memchr(sp1 + 1, '?', (size_t) (sp2 - sp1 - 1));
	if (q)
	{
		req->path = xstrndup(sp1 + 1, (size_t) (q - sp1 - 1));
		req->query = xstrndup(q + 1, (size_t) (sp2 - q - 1));
	}
	else
		req->path = xstrndup(sp1 + 1, (size_t) (sp2 - sp1 - 1));

	line = eol ? eol + 1 : end;
	while (line < end)
	{
		const char *colon;

		eol = memchr(line, '\n', (size_t) (end - line));
		linelen = eol ? (size_t) (eol - line) : (size_t) (end - line);
		if (linelen > 0 && line[linelen - 1] == '\r')
			linelen--;

		if (linelen == 0)
		{
			/* the blank line: the rest is the body */
			line = eol ? eol + 1 : end;
			req->body_len = (size_t) (end - line);
			req->body = xstrndup(line, req->body_len);
			return NULL;
		}

		if (line[0] == ' ' || line[0] == '\t')
		{
			char	  **v;
			size_t		vlen;

			if (req->nheaders == 0)
				return "continuation line before any header";
			v = &req->values[req->nheaders - 1];
			vlen = strlen(*v);
			*v = xrealloc(*v, vlen + 1 + linelen + 1);
			(*v)[vlen] = '\n';
			memcpy(*v + vlen + 1, line, linelen);
			(*v)[vlen + 1 + linelen] = '\0';
		}
		else
		{
			colon = memchr(line, ':', linelen);
			if (colon == NULL)
				return "header line without ':'";
			request_add_header(req, line, (size_t) (colon - line),
							   colon + 1,
							   linelen - (size_t) (colon - line) - 1);
		}
		line = eol ? eol + 1 : end;
	}

	/* no blank line: no body */
	req->body = xstrdup("");
	req->body_len = 0;
	return NULL;
}

/* The value of the "Authorization:" line of a signed request, malloc'd. */
static char *
authorization_from_signed_request(const char *sreq)
{
	const char *line = sreq;

	while (line && *line)
	{
		const char *eol = strchr(line, '\n');
		size_t		len = eol ? (size_t) (eol - line) : strlen(line);

		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0)
			break;				/* end of the headers */
		if (len > 14 && strncmp(line, "Authorization:", 14) == 0)
		{
			const char *v = line + 14;

			while (*v == ' ')
				v++;
			return xstrndup(v, len - (size_t) (v - line));
		}
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static char *
signature_from_authorization(const char *authz)
{
	const char *p = authz ? strstr(authz, "Signature=") : NULL;

	return p ? xstrdup(p + strlen("Signature=")) : NULL;
}

static void
expected_free(Expected *e)
{
	free(e->canonical_request);
	free(e->string_to_sign);
	free(e->signature);
	free(e->authorization);
}

static void
finish_case(const char *label, Report *r)
{
	if (r->len == 0)
	{
		printf("ok %s\n", label);
		n_passed++;
	}
	else
	{
		printf("FAILED %s: %s\n", label, r->text);
		n_failed++;
	}
	free(r->text);
	r->text = NULL;
	r->len = 0;
}

/*
 * Sign the request in request_path with the context in context_path and
 * compare with exp.  The harness supplies what the suite's signer would
 * add itself: X-Amz-Date from the context's timestamp, x-amz-content-sha256
 * when the context has sign_body, and X-Amz-Security-Token when there is a
 * token the context does not ask to leave unsigned (omit_session_token,
 * where the token is added after signing).  A header the request already
 * carries is not added twice.
 */
static void
run_vector(const char *label, const char *request_path,
		   const char *context_path, Expected *exp)
{
	Report		r = {NULL, 0};
	TestRequest req;
	SigV4Header *headers = NULL;
	SigV4Request sreq;
	SigV4Credentials creds;
	SigV4Result res;
	char	   *raw = NULL;
	char	   *ctx = NULL;
	char	   *akid = NULL;
	char	   *secret = NULL;
	char	   *token = NULL;
	char	   *region = NULL;
	char	   *service = NULL;
	char	   *timestamp = NULL;
	char	   *body_sha = NULL;
	char		amz_date[17];
	char		hex[65];
	size_t		rawlen = 0;
	const char *err;
	time_t		t;
	int			i;

	memset(&req, 0, sizeof(req));

	raw = read_file(request_path, &rawlen);
	ctx = read_file(context_path, NULL);
	if (raw == NULL || ctx == NULL)
	{
		report_add(&r, "cannot read %s",
				   raw == NULL ? request_path : context_path);
		goto done;
	}
	if ((err = parse_request(raw, rawlen, &req)) != NULL)
	{
		report_add(&r, "%s: %s", request_path, err);
		goto done;
	}

	akid = json_string(ctx, "access_key_id");
	secret = json_string(ctx, "secret_access_key");
	token = json_string(ctx, "token");
	if (token == NULL)
		token = json_string(ctx, "session_token");
	region = json_string(ctx, "region");
	service = json_string(ctx, "service");
	timestamp = json_string(ctx, "timestamp");
	body_sha = json_string(ctx, "body_sha256");
	if (!akid || !secret || !region || !service || !timestamp)
	{
		report_add(&r, "context.json lacks a credential, region, service "
				   "or timestamp");
		goto done;
	}
	if (!parse_timestamp(timestamp, &t))
	{
		report_add(&r, "cannot read timestamp %s", timestamp);
		goto done;
	}
	sigv4_format_date(t, amz_date);

	/* harness checks: the body and date read are the ones that were signed */
	if (body_sha)
	{
		sigv4_sha256_hex(req.body, req.body_len, hex);
		check_equal(&r, "body sha256 (context.json)", body_sha, hex);
	}
	i = request_find_header(&req, "X-Amz-Date");
	if (i >= 0)
		check_equal(&r, "X-Amz-Date of the request vs timestamp",
					req.values[i], amz_date);
	else
		request_add_header(&req, "X-Amz-Date", 10, amz_date, 16);

	if (json_bool(ctx, "sign_body", false) &&
		request_find_header(&req, "x-amz-content-sha256") < 0)
	{
		sigv4_sha256_hex(req.body, req.body_len, hex);
		request_add_header(&req, "x-amz-content-sha256", 20, hex, 64);
	}
	if (token && !json_bool(ctx, "omit_session_token", false) &&
		request_find_header(&req, "X-Amz-Security-Token") < 0)
		request_add_header(&req, "X-Amz-Security-Token", 20,
						   token, strlen(token));

	headers = xmalloc((size_t) req.nheaders * sizeof(SigV4Header));
	for (i = 0; i < req.nheaders; i++)
	{
		headers[i].name = req.names[i];
		headers[i].value = req.values[i];
	}
	sreq.method = req.method;
	sreq.path = req.path;
	sreq.query = req.query;
	sreq.headers = headers;
	sreq.nheaders = req.nheaders;
	sreq.payload = req.body;
	sreq.payload_len = req.body_len;
	creds.access_key_id = akid;
	creds.secret_access_key = secret;
	creds.session_token = token;

	if (!sigv4_sign(&sreq, &creds, region, service, amz_date, &res))
	{
		report_add(&r, "sigv4_sign returned false");
		goto done;
	}
	check_equal(&r, "canonical request", exp->canonical_request,
				res.canonical_request);
	check_equal(&r, "string to sign", exp->string_to_sign,
				res.string_to_sign);
	check_equal(&r, "signature", exp->signature, res.signature);
	check_equal(&r, "Authorization", exp->authorization, res.authorization);
	sigv4_free_result(&res);

done:
	finish_case(label, &r);
	free(headers);
	request_free(&req);
	free(raw);
	free(ctx);
	free(akid);
	free(secret);
	free(token);
	free(region);
	free(service);
	free(timestamp);
	free(body_sha);
}

static int
cmp_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Names of the subdirectories of dir, sorted; NULL when dir is unreadable. */
static char **
list_cases(const char *dir, int *n_out)
{
	DIR		   *d = opendir(dir);
	struct dirent *de;
	char	  **names = NULL;
	int			n = 0;
	int			cap = 0;

	*n_out = 0;
	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL)
	{
		char	   *full;
		struct stat st;
		bool		is_dir;

		if (de->d_name[0] == '.')
			continue;
		full = path_join(dir, de->d_name);
		is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		free(full);
		if (!is_dir)
			continue;
		if (n == cap)
		{
			cap = cap ? 2 * cap : 64;
			names = xrealloc(names, (size_t) cap * sizeof(char *));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, (size_t) n, sizeof(char *), cmp_strings);
	*n_out = n;
	return names ? names : xmalloc(sizeof(char *));
}

static void
free_names(char **names, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void
run_aws_v4(const char *testdata, bool all)
{
	char	   *dir = path_join(testdata, "aws-v4");
	char	  **names;
	int			n;
	int			i;
	int			ran = 0;

	names = list_cases(dir, &n);
	if (names == NULL)
	{
		printf("FAILED aws-v4: cannot read directory %s\n", dir);
		n_failed++;
		free(dir);
		return;
	}
	for (i = 0; i < n; i++)
	{
		char	   *casedir;
		char	   *p;
		char	   *sreq;
		char	   *label;
		char	   *req_path;
		char	   *ctx_path;
		Expected	exp;

		if (!all && !starts_with(names[i], "post-") &&
			!starts_with(names[i], "get-header-"))
			continue;
		ran++;
		casedir = path_join(dir, names[i]);

		p = path_join(casedir, "header-canonical-request.txt");
		exp.canonical_request = read_expected(p);
		free(p);
		p = path_join(casedir, "header-string-to-sign.txt");
		exp.string_to_sign = read_expected(p);
		free(p);
		p = path_join(casedir, "header-signature.txt");
		exp.signature = read_expected(p);
		free(p);
		p = path_join(casedir, "header-signed-request.txt");
		sreq = read_expected(p);
		free(p);
		exp.authorization = sreq ?
			authorization_from_signed_request(sreq) : NULL;
		free(sreq);

		label = path_join("aws-v4", names[i]);
		req_path = path_join(casedir, "request.txt");
		ctx_path = path_join(casedir, "context.json");
		run_vector(label, req_path, ctx_path, &exp);
		free(req_path);
		free(ctx_path);
		free(label);
		expected_free(&exp);
		free(casedir);
	}
	if (ran == 0)
	{
		printf("FAILED aws-v4: no post-* or get-header-* case in %s\n", dir);
		n_failed++;
	}
	free_names(names, n);
	free(dir);
}

/* A file of a dynamodb case: <dir>/<case>/<case><suffix>. */
static char *
ddb_file(const char *dir, const char *name, const char *suffix)
{
	char	   *casedir = path_join(dir, name);
	char	   *file = xmalloc(strlen(name) + strlen(suffix) + 1);
	char	   *p;

	strcpy(file, name);
	strcat(file, suffix);
	p = path_join(casedir, file);
	free(casedir);
	free(file);
	return p;
}

static void
run_dynamodb(const char *testdata)
{
	char	   *dir = path_join(testdata, "dynamodb");
	char	  **names;
	int			n;
	int			i;

	names = list_cases(dir, &n);
	if (names == NULL || n == 0)
	{
		printf("FAILED dynamodb: no case in directory %s\n", dir);
		n_failed++;
		if (names)
			free_names(names, n);
		free(dir);
		return;
	}
	for (i = 0; i < n; i++)
	{
		char	   *p;
		char	   *sreq;
		char	   *sreq_authz;
		char	   *label;
		char	   *req_path;
		char	   *ctx_path;
		char	   *casedir;
		Expected	exp;

		p = ddb_file(dir, names[i], ".creq");
		exp.canonical_request = read_expected(p);
		free(p);
		p = ddb_file(dir, names[i], ".sts");
		exp.string_to_sign = read_expected(p);
		free(p);
		p = ddb_file(dir, names[i], ".authz");
		exp.authorization = read_expected(p);
		free(p);
		exp.signature = signature_from_authorization(exp.authorization);

		/* the signed request must carry the same header, or a vector lies */
		p = ddb_file(dir, names[i], ".sreq");
		sreq = read_expected(p);
		free(p);
		sreq_authz = sreq ? authorization_from_signed_request(sreq) : NULL;

		label = path_join("dynamodb", names[i]);
		if (exp.authorization && sreq_authz &&
			strcmp(exp.authorization, sreq_authz) != 0)
		{
			printf("FAILED %s: .authz and the Authorization of .sreq differ\n",
				   label);
			n_failed++;
		}
		else
		{
			req_path = ddb_file(dir, names[i], ".req");
			casedir = path_join(dir, names[i]);
			ctx_path = path_join(casedir, "context.json");
			run_vector(label, req_path, ctx_path, &exp);
			free(req_path);
			free(ctx_path);
			free(casedir);
		}
		free(label);
		free(sreq);
		free(sreq_authz);
		expected_free(&exp);
	}
	free_names(names, n);
	free(dir);
}

static void
test_format_date(void)
{
	static const struct
	{
		time_t		t;
		const char *expected;
	}			cases[] =
	{
		{0, "19700101T000000Z"},
		{1440938160, "20150830T123600Z"},	/* the vectors' clock */
		{951782400, "20000229T000000Z"},	/* a leap day */
		{(time_t) 2147483647, "20380119T031407Z"},
	};
	Report		r = {NULL, 0};
	char		buf[17];
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		memset(buf, 'x', sizeof(buf));
		sigv4_format_date(cases[i].t, buf);
		check_equal(&r, "sigv4_format_date", cases[i].expected, buf);
	}

	/* past 2038 and past year 9999, where time_t is wide enough */
	if (sizeof(time_t) >= 8)
	{
		sigv4_format_date((time_t) 4102444800LL, buf);
		check_equal(&r, "sigv4_format_date(2100)", "21000101T000000Z", buf);
		sigv4_format_date((time_t) 253402300799LL, buf);
		check_equal(&r, "sigv4_format_date(9999)", "99991231T235959Z", buf);
		sigv4_format_date((time_t) 253402300800LL, buf);
		check_equal(&r, "sigv4_format_date(10000)", "", buf);
	}
	finish_case("sigv4_format_date", &r);
}

static void
test_sha256_hex(void)
{
	Report		r = {NULL, 0};
	char		hex[65];
	char	   *million;

	sigv4_sha256_hex("", 0, hex);
	check_equal(&r, "sha256(\"\")", EMPTY_SHA256, hex);
	sigv4_sha256_hex(NULL, 0, hex);
	check_equal(&r, "sha256(NULL, 0)", EMPTY_SHA256, hex);
	sigv4_sha256_hex("abc", 3, hex);
	check_equal(&r, "sha256(\"abc\")",
				"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
				hex);
	sigv4_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
					 56, hex);
	check_equal(&r, "sha256(448-bit message)",
				"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
				hex);
	/* the length counts, not the NUL */
	sigv4_sha256_hex("a\0b", 3, hex);
	check_equal(&r, "sha256(\"a\\0b\")",
				"59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138",
				hex);
	million = xmalloc(1000000);
	memset(million, 'a', 1000000);
	sigv4_sha256_hex(million, 1000000, hex);
	check_equal(&r, "sha256(a x 1000000)",
				"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
				hex);
	free(million);
	finish_case("sigv4_sha256_hex", &r);
}

/* The line-th line (0-based) of s, malloc'd. */
static char *
nth_line(const char *s, int line)
{
	const char *eol;

	while (line-- > 0)
	{
		s = strchr(s, '\n');
		if (s == NULL)
			return xstrdup("");
		s++;
	}
	eol = strchr(s, '\n');
	return eol ? xstrndup(s, (size_t) (eol - s)) : xstrdup(s);
}

/*
 * What the vectors leave out: query and path encoding as a client sends
 * them, and the refusals.  The expected strings follow the rules written
 * in sigv4.c.
 */
static void
test_encoding_and_errors(void)
{
	static const SigV4Header host[] = {{"Host", "example.amazonaws.com"}};
	SigV4Credentials creds = {"AKIDEXAMPLE",
	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};
	SigV4Request req;
	SigV4Result res;
	SigV4Header bad[] = {{NULL, "x"}};
	Report		r = {NULL, 0};
	char	   *line;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/a b/\xc3\xbc~x";
	req.query = "b=2&a=1&a=0&c&%7Efoo=x+y%20z&&pct=100%&emp=";
	req.headers = host;
	req.nheaders = 1;
	if (!sigv4_sign(&req, &creds, "us-east-1", "service",
					"20150830T123600Z", &res))
		report_add(&r, "sigv4_sign returned false");
	else
	{
		line = nth_line(res.canonical_request, 1);
		check_equal(&r, "canonical URI", "/a%20b/%C3%BC~x", line);
		free(line);
		line = nth_line(res.canonical_request, 2);
		check_equal(&r, "canonical query",
					"a=0&a=1&b=2&c=&emp=&pct=100%25&~foo=x%2By%20z", line);
		free(line);
		line = nth_line(res.canonical_request, 3);
		check_equal(&r, "canonical headers",
					"host:example.amazonaws.com", line);
		free(line);
		sigv4_free_result(&res);
		/* freeing twice is harmless: the pointers were reset */
		sigv4_free_result(&res);
	}

	/* no path at all is "/", no query an empty line */
	req.path = NULL;
	req.query = NULL;
	if (!sigv4_sign(&req, &creds, "us-east-1", "service",
					"20150830T123600Z", &res))
		report_add(&r, "sigv4_sign(NULL path) returned false");
	else
	{
		line = nth_line(res.canonical_request, 1);
		check_equal(&r, "canonical URI of NULL", "/", line);
		free(line);
		line = nth_line(res.canonical_request, 2);
		check_equal(&r, "canonical query of NULL", "", line);
		free(line);
		sigv4_free_result(&res);
	}

	/* refusals leave nothing to free */
	req.path = "/";
	memset(&res, 0x5A, sizeof(res));
	if (sigv4_sign(&req, &creds, "us-east-1", "service",
				   "2015-08-30T12:36:00Z", &res))
		report_add(&r, "a malformed amz_date was accepted");
	else if (res.canonical_request || res.string_to_sign ||
			 res.signature || res.authorization)
		report_add(&r, "a refusal left pointers in the result");
	req.payload = NULL;
	req.payload_len = 3;
	if (sigv4_sign(&req, &creds, "us-east-1", "service",
				   "20150830T123600Z", &res))
		report_add(&r, "a NULL payload of length 3 was accepted");
	req.payload_len = 0;
	req.headers = bad;
	if (sigv4_sign(&req, &creds, "us-east-1", "service",
				   "20150830T123600Z", &res))
		report_add(&r, "a header without a name was accepted");
	req.headers = host;
	if (sigv4_sign(&req, &creds, NULL, "service",
				   "20150830T123600Z", &res))
		report_add(&r, "a NULL region was accepted");
	sigv4_free_result(&res);
	sigv4_free_result(NULL);

	finish_case("sigv4_sign encoding and refusals", &r);
}

int
main(int argc, char **argv)
{
	const char *testdata = argc > 1 ? argv[1] : DEFAULT_TESTDATA;
	bool		all = argc > 2 && strcmp(argv[2], "--all") == 0;

	test_sha256_hex();
	test_format_date();
	test_encoding_and_errors();
	run_aws_v4(testdata, all);
	run_dynamodb(testdata);

	printf("%d passed, %d failed\n", n_passed, n_failed);
	return n_failed > 0 ? 1 : 0;
}
