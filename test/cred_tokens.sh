# shellcheck shell=bash
# The made-up tokens of the credential tests: the web identity token that the
# fake STS of test/cred_servers.js accepts, and the container authorization
# token of its container endpoint.  Sourced by test/credkit and by
# scripts/secret-scan.sh, which looks for them as for the kit's own secrets.
CRED_WEB_IDENTITY_TOKEN=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDp0ZXN0In0.dynastoreFdwTestJwtSignature
CRED_CONTAINER_TOKEN=DynastoreFdwTestContainerToken0123456789
