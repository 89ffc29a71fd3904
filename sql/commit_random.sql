-- Commit mode at random: transactions of seeded random writes (INSERT,
-- INSERT ... ON CONFLICT DO NOTHING, INSERT ... SELECT across partitions,
-- UPDATE of one record or of a prefix or range, with value || ..., NULL,
-- a new created (the local index's key), pk1/sk1 (the global index's),
-- expires in the past or the future; DELETE; INSERT again of a key deleted
-- or expired; writable CTEs with RETURNING) and SAVEPOINT / RELEASE /
-- ROLLBACK TO, applied alike to the foreign tables and to a local heap
-- table of the same columns.  After every step each read path of the
-- foreign tables is compared with the local table: GetItem (name = x),
-- BatchGetItem (name = ANY), Query with begins_with (LIKE 'p%'), a range
-- on name, ORDER BY name [DESC] LIMIT n (pushed down), the local index on
-- created (a range, ORDER BY created [DESC] LIMIT n, count(*)), the global
-- index on pk1/sk1, the whole table (Scan, in 1 and 3 segments), count(*)
-- pushed down, and the batched key join with a local key table.  Each
-- transaction ends with COMMIT or ROLLBACK, and the same comparisons run
-- again on what was committed.
--
-- The local table is in the same PostgreSQL transaction, so savepoints,
-- ROLLBACK and a failed COMMIT undo both sides alike.  Mismatches and
-- unexpected errors are counted in sequences (which a ROLLBACK does not
-- undo) and each is told by a NOTICE: the expected output holds only
-- counts of zero and a few facts true for every seed.
--
-- The seed is fixed here (0.31415); for another one:
--     DDB_RANDOM_SEED=0.77 bash scripts/test.sh commit_random
-- (write_mode 'commit' on the server in the first half, the GUC
-- dynastore_fdw.write_at_commit in the second.)  To see every write and
-- read as it runs: PGOPTIONS='-c cr.debug=on' (NOTICEs).
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
\getenv seed DDB_RANDOM_SEED
\if :{?seed}
\else
\set seed 0.31415
\endif
CREATE SERVER cr_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint', write_mode 'commit');
CREATE USER MAPPING FOR CURRENT_USER SERVER cr_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table cr_items

-- partition p (planned small, and as large: key lookups, the global
-- index), partition q, the whole table (Scan, and Scan in 3 segments)
CREATE FOREIGN TABLE cr (name text COLLATE "C", version bigint, value text,
  created text COLLATE "C", expires timestamptz, pk1 text COLLATE "C", sk1 text COLLATE "C")
  SERVER cr_srv OPTIONS (table 'cr_items', partition 'p');
CREATE FOREIGN TABLE cr_big (name text COLLATE "C", version bigint, value text,
  created text COLLATE "C", expires timestamptz, pk1 text COLLATE "C", sk1 text COLLATE "C")
  SERVER cr_srv OPTIONS (table 'cr_items', partition 'p', estimated_rows '100000');
CREATE FOREIGN TABLE cr_q (name text COLLATE "C", version bigint, value text,
  created text COLLATE "C", expires timestamptz, pk1 text COLLATE "C", sk1 text COLLATE "C")
  SERVER cr_srv OPTIONS (table 'cr_items', partition 'q');
CREATE FOREIGN TABLE cr_all (id text COLLATE "C", name text COLLATE "C", version bigint,
  value text, created text COLLATE "C", expires timestamptz, pk1 text COLLATE "C", sk1 text COLLATE "C")
  SERVER cr_srv OPTIONS (table 'cr_items');
CREATE FOREIGN TABLE cr_all_seg (id text COLLATE "C", name text COLLATE "C", version bigint,
  value text, created text COLLATE "C", expires timestamptz, pk1 text COLLATE "C", sk1 text COLLATE "C")
  SERVER cr_srv OPTIONS (table 'cr_items', scan_segments '3');

-- the local copy: every record, expired ones too; cr_vis is what reads show
CREATE TABLE cr_local (id text COLLATE "C", name text COLLATE "C", version bigint,
  value text, created text COLLATE "C", expires timestamptz, pk1 text COLLATE "C",
  sk1 text COLLATE "C", PRIMARY KEY (id, name));
CREATE VIEW cr_vis AS
  SELECT * FROM cr_local WHERE expires IS NULL OR expires > now();
CREATE VIEW cr_vis_p AS
  SELECT name, version, value, created, expires, pk1, sk1 FROM cr_vis WHERE id = 'p';
CREATE VIEW cr_vis_q AS
  SELECT name, version, value, created, expires, pk1, sk1 FROM cr_vis WHERE id = 'q';
-- the keys the writes choose from
CREATE TABLE cr_universe (name text COLLATE "C" PRIMARY KEY);
INSERT INTO cr_universe
SELECT 'k' || lpad(i::text, 2, '0') FROM generate_series(0, 29) i
UNION ALL
VALUES ('k1/'), ('k1/x'), ('k1/x/y'), ('é'), ('éa'), ('e'), ('K'), ('a b'), ('~'), ('日本');
-- the outer side of the joins
CREATE TABLE cr_keys (k text COLLATE "C");

-- counters that no ROLLBACK undoes
CREATE FUNCTION cr_bump(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('cr_n_' || what) IS NULL THEN
    RAISE EXCEPTION 'no counter %', what;
  END IF;
  PERFORM nextval(('cr_n_' || what)::regclass);
END $$;
CREATE FUNCTION cr_tally(what text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  EXECUTE format('SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM cr_n_%s', what) INTO n;
  RETURN n;
END $$;
DO $$
DECLARE
  w text;
BEGIN
  FOREACH w IN ARRAY ARRAY['point', 'any', 'prefix', 'range', 'order_asc', 'order_desc',
                           'lsi_range', 'lsi_order', 'lsi_order_desc', 'lsi_count', 'gsi',
                           'scan', 'scan_seg', 'count', 'count_prefix', 'count_all',
                           'join', 'join_left', 'other_partition', 'returning'] LOOP
    EXECUTE format('CREATE SEQUENCE cr_n_bad_%s', w);
    EXECUTE format('CREATE SEQUENCE cr_n_ran_%s', w);
  END LOOP;
END $$;
CREATE SEQUENCE cr_n_error;
CREATE SEQUENCE cr_n_write;
CREATE SEQUENCE cr_n_batched;
CREATE SEQUENCE cr_n_commit;
CREATE SEQUENCE cr_n_rollback;
CREATE SEQUENCE cr_n_rollback_to;
CREATE SEQUENCE cr_n_release;
CREATE SEQUENCE cr_n_pending;     -- checks that ran with pending writes

---------------------------------------------------------------- random pieces
CREATE FUNCTION cr_pick(a text[]) RETURNS text LANGUAGE sql VOLATILE
AS $$ SELECT a[1 + floor(random() * cardinality(a))::int] $$;
CREATE FUNCTION cr_int(lo int, hi int) RETURNS int LANGUAGE sql VOLATILE
AS $$ SELECT lo + floor(random() * (hi - lo + 1))::int $$;
CREATE FUNCTION cr_lit(v text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT coalesce(quote_literal(v), 'NULL') $$;
CREATE FUNCTION cr_created() RETURNS text LANGUAGE sql VOLATILE
AS $$ SELECT CASE WHEN random() < 0.2 THEN NULL
                  ELSE format('2024-%s-%s', lpad(cr_int(1, 6)::text, 2, '0'),
                              lpad(cr_int(1, 28)::text, 2, '0')) END $$;
CREATE FUNCTION cr_expires() RETURNS text LANGUAGE sql VOLATILE
AS $$ SELECT CASE WHEN random() < 0.7 THEN NULL
                  WHEN random() < 0.6 THEN '2100-01-01 00:00:00+00'
                  ELSE '2001-01-01 00:00:00+00' END $$;
CREATE FUNCTION cr_pk1() RETURNS text LANGUAGE sql VOLATILE
AS $$ SELECT CASE WHEN random() < 0.4 THEN NULL ELSE 'g' || cr_int(1, 3) END $$;
CREATE FUNCTION cr_sk1() RETURNS text LANGUAGE sql VOLATILE
AS $$ SELECT CASE WHEN random() < 0.2 THEN NULL ELSE 's' || lpad(cr_int(0, 40)::text, 2, '0') END $$;
CREATE FUNCTION cr_prefix() RETURNS text LANGUAGE sql VOLATILE
AS $$ SELECT cr_pick(ARRAY['k', 'k0', 'k1', 'k2', 'k1/', 'k1/x', 'é', 'e', 'k3', 'z', '']) $$;
-- a name: of the universe mostly, of no record at times
CREATE FUNCTION cr_name() RETURNS text LANGUAGE sql VOLATILE
AS $$ SELECT CASE WHEN random() < 0.9
                  THEN (SELECT name FROM cr_universe ORDER BY name OFFSET cr_int(0, 39) LIMIT 1)
                  ELSE cr_pick(ARRAY['k', 'k1/x/', 'nope', 'k99']) END $$;

-- The rows of a query as text, sorted unless its order counts.
CREATE FUNCTION cr_rows(q text, ordered boolean) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
  res text[];
BEGIN
  EXECUTE 'SELECT coalesce(array_agg(r::text' ||
          CASE WHEN ordered THEN '' ELSE ' ORDER BY r::text COLLATE "C"' END ||
          '), ''{}'') FROM (' || q || ') r' INTO res;
  RETURN res;
END $$;

-- Compare a query on the foreign tables ({T} partition p, {B} the same
-- planned large, {Q} partition q, {A} the whole table, {S} the whole
-- table in segments) with the same on the local views; count and tell a
-- mismatch (an error is one).
CREATE FUNCTION cr_same(step int, path text, q text, ordered boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  fq text := replace(replace(replace(replace(replace(q, '{T}', 'cr'), '{B}', 'cr_big'),
                     '{Q}', 'cr_q'), '{A}', 'cr_all'), '{S}', 'cr_all_seg');
  lq text := replace(replace(replace(replace(replace(q, '{T}', 'cr_vis_p'), '{B}', 'cr_vis_p'),
                     '{Q}', 'cr_vis_q'), '{A}', 'cr_vis'), '{S}', 'cr_vis');
  f text[];
  l text[];
  err text;
BEGIN
  PERFORM cr_bump('ran_' || path);
  IF current_setting('cr.debug', true) = 'on' THEN
    RAISE NOTICE 'step % %: %', step, path, fq;
  END IF;
  BEGIN
    f := cr_rows(fq, ordered);
  EXCEPTION WHEN OTHERS THEN
    err := SQLSTATE || ' ' || SQLERRM;
  END;
  l := cr_rows(lq, ordered);
  IF err IS NOT NULL OR f IS DISTINCT FROM l THEN
    PERFORM cr_bump('bad_' || path);
    RAISE NOTICE 'step % %: %', step, path, fq;
    RAISE NOTICE '  foreign: %', coalesce('error ' || err, f::text);
    RAISE NOTICE '  local:   %', l::text;
  END IF;
END $$;

-- Every read path, with random constants.
CREATE FUNCTION cr_check(step int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  cols text := 'name, version, value, created, expires, pk1, sk1';
  p text;
  lo text;
  hi text;
  line text;
  batched boolean := false;
BEGIN
  IF EXISTS (SELECT 1 FROM dynastore_fdw_get_connections() c WHERE c.pending_writes > 0) THEN
    PERFORM cr_bump('pending');
  END IF;
  PERFORM cr_same(step, 'point', format('SELECT %s FROM {T} WHERE name = %s', cols, cr_lit(cr_name())), false);
  PERFORM cr_same(step, 'point', format('SELECT %s FROM {B} WHERE name = %s', cols, cr_lit(cr_name())), false);
  PERFORM cr_same(step, 'any', format('SELECT %s FROM {T} WHERE name = ANY(%s::text[])', cols,
                  cr_lit((SELECT array_agg(cr_name())::text FROM generate_series(1, cr_int(1, 12))))), false);
  p := cr_prefix();
  PERFORM cr_same(step, 'prefix', format('SELECT %s FROM {T} WHERE name LIKE %s', cols, cr_lit(p || '%')), false);
  lo := cr_name();
  hi := cr_name();
  PERFORM cr_same(step, 'range', format('SELECT %s FROM {T} WHERE name >= %s AND name < %s', cols,
                  cr_lit(least(lo, hi)), cr_lit(greatest(lo, hi) || '~')), false);
  PERFORM cr_same(step, 'order_asc', format('SELECT %s FROM {T}%s ORDER BY name LIMIT %s', cols,
                  CASE WHEN random() < 0.4 THEN ' WHERE name > ' || cr_lit(cr_name()) ELSE '' END,
                  cr_int(1, 8)), true);
  PERFORM cr_same(step, 'order_desc', format('SELECT %s FROM {T}%s ORDER BY name DESC LIMIT %s', cols,
                  CASE WHEN random() < 0.4 THEN ' WHERE name < ' || cr_lit(cr_name()) ELSE '' END,
                  cr_int(1, 8)), true);
  lo := coalesce(cr_created(), '2024-03-01');
  PERFORM cr_same(step, 'lsi_range', format('SELECT %s FROM {T} WHERE created >= %s', cols, cr_lit(lo)), false);
  -- equal created values may come in any order: only created is compared
  PERFORM cr_same(step, 'lsi_order', format('SELECT created FROM {T} WHERE created >= %s ORDER BY created LIMIT %s',
                  cr_lit(coalesce(cr_created(), '2024-01-01')), cr_int(1, 10)), true);
  PERFORM cr_same(step, 'lsi_order_desc', format('SELECT created FROM {T} WHERE created <= %s ORDER BY created DESC LIMIT %s',
                  cr_lit(coalesce(cr_created(), '2024-07-01')), cr_int(1, 10)), true);
  PERFORM cr_same(step, 'lsi_count', format('SELECT count(*) FROM {T} WHERE created BETWEEN %s AND %s',
                  cr_lit(least(lo, '2024-04-15')), cr_lit(greatest(lo, '2024-04-15'))), false);
  PERFORM cr_same(step, 'gsi', format('SELECT name, pk1, sk1, value FROM {B} WHERE pk1 = %s AND sk1 >= %s',
                  cr_lit('g' || cr_int(1, 3)), cr_lit(cr_pick(ARRAY['s', 's1', 's2', 's35']))), false);
  PERFORM cr_same(step, 'scan', 'SELECT id, ' || cols || ' FROM {A}', false);
  PERFORM cr_same(step, 'scan_seg', 'SELECT id, name, version, value FROM {S} WHERE value IS NOT NULL OR true', false);
  PERFORM cr_same(step, 'count', 'SELECT count(*) FROM {T}', false);
  PERFORM cr_same(step, 'count_prefix', format('SELECT count(*) FROM {T} WHERE name LIKE %s', cr_lit(cr_prefix() || '%')), false);
  PERFORM cr_same(step, 'count_all', 'SELECT count(*) FROM {A}', false);
  PERFORM cr_same(step, 'other_partition', 'SELECT ' || cols || ' FROM {Q}', false);

  -- the batched key join: a local key table, nested loops
  DELETE FROM cr_keys;
  INSERT INTO cr_keys SELECT cr_name() FROM generate_series(1, cr_int(1, 15));
  ANALYZE cr_keys;
  SET enable_hashjoin = off;
  SET enable_mergejoin = off;
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) SELECT k.k, t.name, t.version, t.value FROM cr_keys k JOIN cr_big t ON t.name = k.k' LOOP
    batched := batched OR line LIKE '%Batched Key Join%';
  END LOOP;
  IF batched THEN
    PERFORM cr_bump('batched');
  END IF;
  PERFORM cr_same(step, 'join', 'SELECT k.k, t.name, t.version, t.value, t.created FROM cr_keys k JOIN {B} t ON t.name = k.k', false);
  PERFORM cr_same(step, 'join_left', 'SELECT k.k, t.name, t.version, t.value FROM cr_keys k LEFT JOIN {B} t ON t.name = k.k', false);
  RESET enable_hashjoin;
  RESET enable_mergejoin;
END $$;

-- One random write, the same to both sides.  With catch, an error is
-- caught (its subtransaction undoes both sides), counted and told;
-- without, it aborts the transaction, as it would any.
CREATE FUNCTION cr_write(step int, catch boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r float8 := random();
  part text := CASE WHEN random() < 0.8 THEN 'p' ELSE 'q' END;
  ft text := CASE part WHEN 'p' THEN cr_pick(ARRAY['cr', 'cr_big']) ELSE 'cr_q' END;
  vis text := '(expires IS NULL OR expires > now())';
  ks text[];
  k text;
  cond text;
  sets text;
  fsql text;
  lsql text[];
  rows_f text[];
  rows_l text[];
  ret text := NULL;
  s text;
  x float8;
BEGIN
  PERFORM cr_bump('write');
  IF r < 0.3 THEN
    -- INSERT of keys no live record has (deleted, expired or never there),
    -- ON CONFLICT DO NOTHING at times, with live keys among them
    x := random();
    ks := ARRAY(SELECT u.name FROM cr_universe u
                WHERE x < 0.3 OR NOT EXISTS (SELECT 1 FROM cr_vis v WHERE v.id = part AND v.name = u.name)
                ORDER BY random() LIMIT cr_int(1, 3));
    IF ks = '{}' THEN
      RETURN;
    END IF;
    fsql := '';
    FOREACH k IN ARRAY ks LOOP
      fsql := fsql || CASE WHEN fsql = '' THEN '' ELSE ', ' END ||
              format('(%s, %s, %s, %s::timestamptz, %s, %s)', cr_lit(k),
                     cr_lit(CASE WHEN random() < 0.15 THEN NULL ELSE 'v' || step END),
                     cr_lit(cr_created()), cr_lit(cr_expires()), cr_lit(cr_pk1()), cr_lit(cr_sk1()));
    END LOOP;
    lsql := ARRAY[format('DELETE FROM cr_local WHERE id = %s AND name = ANY(%s) AND NOT %s',
                         cr_lit(part), cr_lit(ks::text), vis),
                  format('INSERT INTO cr_local (id, name, value, created, expires, pk1, sk1, version) SELECT %s, v.*, 1 FROM (VALUES %s) v ON CONFLICT (id, name) DO NOTHING',
                         cr_lit(part), fsql)];
    fsql := format('INSERT INTO %s (name, value, created, expires, pk1, sk1) VALUES %s%s', ft, fsql,
                   CASE WHEN x < 0.3 THEN ' ON CONFLICT DO NOTHING' ELSE '' END);
    ret := 'name, version, value';
  ELSIF r < 0.38 THEN
    -- INSERT ... SELECT: records of p copied into q, read in the same statement
    ks := ARRAY(SELECT v.name FROM cr_vis v WHERE v.id = 'p'
                AND NOT EXISTS (SELECT 1 FROM cr_vis w WHERE w.id = 'q' AND w.name = v.name)
                ORDER BY random() LIMIT cr_int(1, 3));
    IF ks = '{}' THEN
      RETURN;
    END IF;
    fsql := format('INSERT INTO cr_q (name, value, created) SELECT name, value, created FROM %s WHERE name = ANY(%s)',
                   cr_pick(ARRAY['cr', 'cr_big']), cr_lit(ks::text));
    lsql := ARRAY[format('DELETE FROM cr_local WHERE id = ''q'' AND name = ANY(%s) AND NOT %s', cr_lit(ks::text), vis),
                  format('INSERT INTO cr_local (id, name, version, value, created) SELECT ''q'', name, 1, value, created FROM cr_vis WHERE id = ''p'' AND name = ANY(%s)',
                         cr_lit(ks::text))];
    ret := 'name, version, value, created';
  ELSIF r < 0.75 THEN
    -- UPDATE of one record, a prefix, a range, or what a read of the
    -- same table chooses
    x := random();
    cond := CASE
      WHEN x < 0.55 THEN 'name = ' || cr_lit((SELECT v.name FROM cr_vis v WHERE v.id = part ORDER BY random() LIMIT 1))
      WHEN x < 0.7 THEN 'name LIKE ' || cr_lit(cr_prefix() || '%')
      WHEN x < 0.85 THEN 'name >= ' || cr_lit(cr_name()) || ' AND name <= ' || cr_lit(cr_name())
      ELSE format('name IN (SELECT name FROM {F} WHERE created >= %s)', cr_lit(coalesce(cr_created(), '2024-03-01')))
    END;
    IF cond IS NULL THEN
      RETURN;
    END IF;
    sets := '';
    WHILE sets = '' LOOP
      IF random() < 0.6 THEN
        sets := sets || ', value = ' || cr_pick(ARRAY['value || ' || cr_lit('+' || step), 'NULL', cr_lit('u' || step)]);
      END IF;
      IF random() < 0.4 THEN
        sets := sets || ', created = ' || cr_lit(cr_created());
      END IF;
      IF random() < 0.15 THEN
        sets := sets || ', expires = ' || cr_lit(cr_expires()) || '::timestamptz';
      END IF;
      IF random() < 0.2 THEN
        sets := sets || ', pk1 = ' || cr_lit(cr_pk1()) || ', sk1 = ' || cr_lit(cr_sk1());
      END IF;
    END LOOP;
    sets := substr(sets, 3);
    fsql := format('UPDATE %s SET %s WHERE %s', ft, sets, replace(cond, '{F}', ft));
    lsql := ARRAY[format('UPDATE cr_local SET %s, version = version + 1 WHERE id = %s AND %s AND %s',
                         sets, cr_lit(part), vis,
                         replace(cond, '{F}', CASE part WHEN 'p' THEN 'cr_vis_p' ELSE 'cr_vis_q' END))];
    ret := 'name, version, value, created, expires, pk1, sk1';
  ELSE
    -- DELETE of one record, a prefix or a range
    x := random();
    cond := CASE
      WHEN x < 0.6 THEN 'name = ' || cr_lit((SELECT v.name FROM cr_vis v WHERE v.id = part ORDER BY random() LIMIT 1))
      WHEN x < 0.8 THEN 'name LIKE ' || cr_lit(cr_pick(ARRAY['k1/', 'k2', 'é', 'k0', 'e']) || '%')
      ELSE 'name >= ' || cr_lit(cr_name()) || ' AND name < ' || cr_lit(cr_name())
    END;
    IF cond IS NULL THEN
      RETURN;
    END IF;
    fsql := format('DELETE FROM %s WHERE %s', ft, cond);
    lsql := ARRAY[format('DELETE FROM cr_local WHERE id = %s AND %s AND %s', cr_lit(part), vis, cond)];
    ret := 'name, version, value';
  END IF;

  IF current_setting('cr.debug', true) = 'on' THEN
    RAISE NOTICE 'step % write: %', step, fsql;
  END IF;
  -- as it is, or in a writable CTE whose RETURNING is compared
  IF random() < 0.35 THEN
    BEGIN
      IF catch THEN
        BEGIN
          EXECUTE format('WITH w AS (%s RETURNING %s) SELECT coalesce(array_agg(w::text ORDER BY w::text COLLATE "C"), ''{}'') FROM w',
                         fsql, ret) INTO rows_f;
        EXCEPTION WHEN OTHERS THEN
          PERFORM cr_bump('error');
          RAISE NOTICE 'step % error %: % (%)', step, SQLSTATE, SQLERRM, fsql;
          RETURN;
        END;
      ELSE
        EXECUTE format('WITH w AS (%s RETURNING %s) SELECT coalesce(array_agg(w::text ORDER BY w::text COLLATE "C"), ''{}'') FROM w',
                       fsql, ret) INTO rows_f;
      END IF;
      FOREACH s IN ARRAY lsql[1:cardinality(lsql) - 1] LOOP
        EXECUTE s;
      END LOOP;
      EXECUTE format('WITH w AS (%s RETURNING %s) SELECT coalesce(array_agg(w::text ORDER BY w::text COLLATE "C"), ''{}'') FROM w',
                     lsql[cardinality(lsql)], ret) INTO rows_l;
      PERFORM cr_bump('ran_returning');
      IF rows_f IS DISTINCT FROM rows_l THEN
        PERFORM cr_bump('bad_returning');
        RAISE NOTICE 'step % returning: %', step, fsql;
        RAISE NOTICE '  foreign: %', rows_f;
        RAISE NOTICE '  local:   %', rows_l;
      END IF;
    END;
  ELSIF catch THEN
    BEGIN
      EXECUTE fsql;
    EXCEPTION WHEN OTHERS THEN
      PERFORM cr_bump('error');
      RAISE NOTICE 'step % error %: % (%)', step, SQLSTATE, SQLERRM, fsql;
      RETURN;
    END;
    FOREACH s IN ARRAY lsql LOOP
      EXECUTE s;
    END LOOP;
  ELSE
    EXECUTE fsql;
    FOREACH s IN ARRAY lsql LOOP
      EXECUTE s;
    END LOOP;
  END IF;
END $$;

-- A column that no record of a read of 5 or more has is warned about,
-- once a session and column: warned here, quietly, so that no warning
-- comes later at a place that depends on the seed.
INSERT INTO cr (name) SELECT 'warm-up' || i FROM generate_series(1, 5) i;
INSERT INTO cr_q (name) SELECT 'warm-up' || i FROM generate_series(1, 5) i;
SET client_min_messages = error;
SELECT count(t.*) FROM cr t;
SELECT count(t.*) FROM cr_big t;
SELECT count(t.*) FROM cr_q t;
SELECT count(t.*) FROM cr_all t;
SELECT count(t.*) FROM cr_all_seg t;
RESET client_min_messages;
DELETE FROM cr WHERE name LIKE 'warm-up%';
DELETE FROM cr_q WHERE name LIKE 'warm-up%';

---------------------------------------------------------------- the records
SELECT setseed(:seed);
INSERT INTO cr_local (id, name, version, value, created, expires, pk1, sk1)
SELECT part, name, 1, 'v0-' || name, cr_created(),
       CASE WHEN random() < 0.1 THEN '2001-01-01 00:00:00+00'::timestamptz END, cr_pk1(), cr_sk1()
FROM cr_universe, (VALUES ('p'), ('q')) v(part)
WHERE random() < CASE part WHEN 'p' THEN 0.6 ELSE 0.25 END + 0 * length(name);  -- a draw a row
INSERT INTO cr (name, value, created, expires, pk1, sk1)
  SELECT name, value, created, expires, pk1, sk1 FROM cr_local WHERE id = 'p';
INSERT INTO cr_q (name, value, created, expires, pk1, sk1)
  SELECT name, value, created, expires, pk1, sk1 FROM cr_local WHERE id = 'q';
SELECT count(*) > 5 AS records_in_p, (SELECT count(*) > 0 FROM cr_q) AS records_in_q FROM cr;
SELECT (SELECT count(*) FROM cr_all) = (SELECT count(*) FROM cr_vis) AS same_count;

---------------------------------------------------------------- the script
-- Transactions of 3 to 14 steps; the savepoints each has open are known
-- here, what each write does is chosen when it runs.
CREATE TABLE cr_script (n serial, sql text);
CREATE FUNCTION cr_make_script(ntx int, first_tx int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  open text[];
  sp int := 0;
  r float8;
  nsteps int;
  s text;
BEGIN
  FOR t IN first_tx..first_tx + ntx - 1 LOOP
    INSERT INTO cr_script (sql) VALUES ('BEGIN');
    open := '{}';
    nsteps := cr_int(3, 14);
    FOR i IN 1..nsteps LOOP
      r := random();
      IF r < 0.12 THEN
        sp := sp + 1;
        s := 'SAVEPOINT s' || sp;
        open := open || ('s' || sp);
      ELSIF r < 0.2 AND cardinality(open) > 0 THEN
        -- ROLLBACK TO one of the open ones (it stays open; later ones go)
        s := cr_pick(open);
        open := open[1:array_position(open, s)];
        s := 'ROLLBACK TO SAVEPOINT ' || s || E';\nSELECT cr_bump(''rollback_to'')';
      ELSIF r < 0.25 AND cardinality(open) > 0 THEN
        s := cr_pick(open);
        open := open[1:array_position(open, s) - 1];
        s := 'RELEASE SAVEPOINT ' || s || E';\nSELECT cr_bump(''release'')';
      ELSE
        s := format('SELECT cr_write(%s, %L)', t * 100 + i, random() < 0.5);
      END IF;
      INSERT INTO cr_script (sql) VALUES (s);
      INSERT INTO cr_script (sql) VALUES (format('SELECT cr_check(%s)', t * 100 + i));
    END LOOP;
    IF random() < 0.65 THEN
      INSERT INTO cr_script (sql) VALUES ('COMMIT'), ('SELECT cr_bump(''commit'')');
    ELSE
      INSERT INTO cr_script (sql) VALUES ('ROLLBACK'), ('SELECT cr_bump(''rollback'')');
    END IF;
    INSERT INTO cr_script (sql) VALUES (format('SELECT cr_check(%s)', t * 100 + 99));
  END LOOP;
END $$;

-- the script's statements print nothing unless something is wrong:
-- neither they nor their results are shown, NOTICEs and errors are
\set QUIET on
\o /dev/null
\set ECHO none

-- first half: write_mode 'commit' on the server
TRUNCATE cr_script;
SELECT cr_make_script(10, 1);
SELECT sql FROM cr_script ORDER BY n \gexec

-- second half: the server writes in 'transaction' mode; the GUC turns
-- commit mode on for the session
ALTER SERVER cr_srv OPTIONS (SET write_mode 'transaction');
SET dynastore_fdw.write_at_commit = on;
TRUNCATE cr_script;
SELECT cr_make_script(10, 11);
SELECT sql FROM cr_script ORDER BY n \gexec
RESET dynastore_fdw.write_at_commit;

\o
\set QUIET off
\set ECHO all

---------------------------------------------------------------- the results
-- what ran (true for any seed)
SELECT cr_tally('write') > 50 AS writes,
       cr_tally('commit') > 0 AS commits, cr_tally('rollback') > 0 AS rollbacks,
       cr_tally('rollback_to') > 0 AS rollbacks_to_savepoint,
       cr_tally('pending') > 50 AS checks_with_pending_writes,
       cr_tally('batched') > 0 AS batched_join_ran;
-- every read path ran, and none differed from the local table
SELECT w AS read_path, cr_tally('ran_' || w) > 0 AS ran, cr_tally('bad_' || w) AS mismatches
FROM unnest(ARRAY['point', 'any', 'prefix', 'range', 'order_asc', 'order_desc',
                  'lsi_range', 'lsi_order', 'lsi_order_desc', 'lsi_count', 'gsi',
                  'scan', 'scan_seg', 'count', 'count_prefix', 'count_all',
                  'join', 'join_left', 'other_partition', 'returning']) w;
-- no write failed
SELECT cr_tally('error') AS write_errors;
-- what DynamoDB holds is what the local table committed
SELECT count(*) AS differences FROM (
  (SELECT id, name, version, value, created, expires, pk1, sk1 FROM cr_all
   EXCEPT ALL SELECT * FROM cr_vis)
  UNION ALL
  (SELECT * FROM cr_vis
   EXCEPT ALL SELECT id, name, version, value, created, expires, pk1, sk1 FROM cr_all)) d;

DROP SERVER cr_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table cr_items
