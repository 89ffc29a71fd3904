/*-------------------------------------------------------------------------
 *
 * credentials.h
 *		AWS credentials: keys given by the caller, or the AWS SDKs' default
 *		chain of the database server's host, cached and refreshed.
 *
 * Knows nothing of SQL.  A provider is made once per connection; signing
 * asks it for keys before each request, which fetches them on first use
 * and again before temporary ones expire.  No key, token or signature
 * appears in any message raised here.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AWS_CREDENTIALS_H
#define AWS_CREDENTIALS_H

#include "datatype/timestamp.h"

typedef struct AwsCredentials
{
	char	   *access_key_id;
	char	   *secret_access_key;
	char	   *session_token;	/* NULL when none */
	TimestampTz expiration;		/* 0: they do not expire */
} AwsCredentials;

/* What the chain needs besides the server's environment. */
typedef struct AwsChainSettings
{
	const char *profile;		/* NULL: AWS_PROFILE, else "default" */
	const char *region;			/* of the STS endpoint for web identity */
	const char *ca_file;		/* for https: STS, a container's full URI */
	const char *proxy;			/* for STS, as AwsConfig.proxy */
	int			connect_timeout_ms;
	int			request_timeout_ms;
	const char *hint;			/* the caller's hint for "no credentials" */
} AwsChainSettings;

typedef struct AwsCredentialProvider AwsCredentialProvider;

/*
 * Providers, allocated in cxt, which must outlive them; everything they
 * fetch is kept there too.  aws_credentials_static copies the keys.
 */
extern AwsCredentialProvider *aws_credentials_static(MemoryContext cxt,
													 const char *access_key_id,
													 const char *secret_access_key,
													 const char *session_token);
extern AwsCredentialProvider *aws_credentials_chain(MemoryContext cxt,
													const AwsChainSettings *settings);

/* Wipe and free a provider's keys, and the provider.  Never raises. */
extern void aws_credentials_free(AwsCredentialProvider *provider);

/*
 * The keys to sign with now.  A chain resolves them on first use and again
 * when they are due for refresh (5 minutes before they expire, or half
 * their lifetime when that is shorter); if a refresh fails while the keys
 * in hand have a while to live (10 seconds, or a quarter of their life if
 * shorter), those are used and the failure logged.  Raises when no keys
 * can be had.  The result stays valid until the next call.
 */
extern const AwsCredentials *aws_credentials_get(AwsCredentialProvider *provider);

/* Counts the keys a provider has had; signing remembers it. */
extern uint64 aws_credentials_generation(AwsCredentialProvider *provider);

/*
 * DynamoDB said the token signed with keys of that generation expired:
 * make the next aws_credentials_get fetch new ones, unless that already
 * happened.  Returns whether another attempt may succeed (false for keys
 * that cannot be refreshed).
 */
extern bool aws_credentials_expired(AwsCredentialProvider *provider,
									uint64 generation);

/*
 * Where a chain's keys came from, for messages and views: "environment",
 * "shared credentials file", "shared config file", "web identity",
 * "container credentials endpoint" or "instance metadata"; NULL for keys
 * given by the caller and for a chain that has not resolved any yet.
 * The expiration is 0 for keys that do not expire or are not known yet.
 */
extern const char *aws_credentials_source(AwsCredentialProvider *provider);
extern TimestampTz aws_credentials_expiration(AwsCredentialProvider *provider);
extern bool aws_credentials_from_host(AwsCredentialProvider *provider);

/*
 * The secret strings a provider holds or held last (keys, tokens, the web
 * identity token), to scrub from text quoted in messages.  Fills out with
 * up to AWS_CREDENTIALS_MAX_SECRETS pointers and returns how many.
 */
#define AWS_CREDENTIALS_MAX_SECRETS 6
extern int	aws_credentials_secrets(AwsCredentialProvider *provider,
									const char **out);

/* Printable ASCII without spaces: all a key or token may hold. */
extern bool aws_credentials_printable(const char *s);

#endif							/* AWS_CREDENTIALS_H */
