# dynastore_fdw: PGXS build.  `make`, `make install`; the tests run from
# scripts/test.sh, which needs a local DynamoDB (see README.md).

MODULE_big = dynastore_fdw
OBJS = \
	src/dynastore_fdw.o \
	src/option.o \
	src/scan.o \
	src/analyze.o \
	src/batch_join.o \
	src/modify.o \
	src/write_buffer.o \
	src/txn_writes.o \
	src/read_overlay.o \
	src/ddb_write.o \
	src/ddb_request.o \
	src/ddb_answer.o \
	src/attr_value.o \
	src/ddb_json.o \
	src/aws_client.o \
	src/connection.o \
	src/credentials.o \
	src/sigv4.o \
	src/pushdown.o \
	src/ddb_table.o \
	src/estimate.o \
	src/upper.o \
	src/import.o \
	src/helpers.o

EXTENSION = dynastore_fdw
DATA = dynastore_fdw--1.0.sql
PGFILEDESC = "dynastore_fdw - foreign data wrapper for dynastore records in DynamoDB"

PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
SHLIB_LINK = -lcurl -lcrypto

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))

# `make installcheck` runs these against the installed server (PGHOST,
# PGPORT, PGUSER: a superuser) with the test kit's services, which
# scripts/services.sh starts: run it, source the env file it names, then
# make installcheck.  The launcher gives each test a fresh database and
# proxies without rules, as scripts/test.sh does (README.md, "Tests").
REGRESS_OPTS = --launcher=$(CURDIR)/scripts/regress-launcher.sh
REGRESS_PREP = installcheck-prep

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# C unit tests of pure functions, built without the server.
UNIT_TESTS = test/unit/test_sigv4

test/unit/test_sigv4: test/unit/test_sigv4.c src/sigv4.c src/sigv4.h
	$(CC) -Wall -Wextra -O1 -g -I$(srcdir)/src -o $@ test/unit/test_sigv4.c src/sigv4.c -lcrypto

unit: $(UNIT_TESTS)

# C unit tests that need a backend: a test-only extension, dynastore_fdw_unit,
# that sql/unit_backend.sql runs (scripts/test.sh builds it out of tree).
unit-backend:
	$(MAKE) -C test/unit/backend PG_CONFIG=$(PG_CONFIG)

unit-backend-install:
	$(MAKE) -C test/unit/backend PG_CONFIG=$(PG_CONFIG) install

clean: clean-unit
clean-unit:
	rm -f $(UNIT_TESTS)
	$(MAKE) -C test/unit/backend PG_CONFIG=$(PG_CONFIG) clean

installcheck-prep:
	@test -n "$$DDB_ENDPOINT" || { echo "make installcheck needs the test kit's services: run scripts/services.sh --detach, source the env file it names, and try again (README.md, Tests)" >&2; exit 1; }
	$(MAKE) -C test/unit/backend PG_CONFIG=$(PG_CONFIG) install

.PHONY: unit unit-backend unit-backend-install clean-unit installcheck-prep
