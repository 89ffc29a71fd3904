#!/usr/bin/env node
// Checks META.json, the PGXN distribution metadata, against what PGXN's
// Meta Spec v1 (https://pgxn.org/meta/spec.txt) requires, and against the
// extension itself:
//
//   node check-meta.js [LIBRARY_VERSION]
//
//   - it is JSON, with the mandatory keys name, version, abstract, maintainer,
//     license, provides, meta-spec, of the types and formats the spec gives
//     (terms, semantic versions, a known license, meta-spec 1.0.x);
//   - provides.dynastore_fdw names a file that exists and the same version;
//   - the version is the control file's default_version ('1.0' is the
//     version 1.0.0: PGXN wants three numbers, the control file has two);
//   - LIBRARY_VERSION, if given (dynastore_fdw_version()), is that version.
//
// Prints one "ok ..." line per check; a failed check prints "FAILED ..." and
// makes the exit status 1.  Hand-written checks, not a JSON Schema validator:
// the test kit has none, and these are the rules PGXN refuses uploads for.
'use strict';

const fs = require('fs');
const path = require('path');

const repo = path.join(__dirname, '..');
let failed = false;
const ok = (what) => console.log(`ok ${what}`);
const fail = (what) => { console.log(`FAILED ${what}`); failed = true; };
const check = (cond, what) => (cond ? ok(what) : fail(what));

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const TERM = /^[^\/\\\s\p{Cc}]{2,}$/u;
const LICENSES = new Set(['agpl_3', 'apache_1_1', 'apache_2_0', 'artistic_1', 'artistic_2', 'bsd',
  'freebsd', 'gfdl_1_2', 'gfdl_1_3', 'gpl_1', 'gpl_2', 'gpl_3', 'lgpl_2_1', 'lgpl_3_0', 'mit',
  'mozilla_1_0', 'mozilla_1_1', 'openssl', 'perl_5', 'postgresql', 'qpl_1_0', 'ssleay', 'sun',
  'zlib', 'open_source', 'restricted', 'unrestricted', 'unknown']);

let meta;
try {
  meta = JSON.parse(fs.readFileSync(path.join(repo, 'META.json'), 'utf8'));
  ok('META.json is JSON');
} catch (e) {
  fail(`META.json is JSON: ${e.message}`);
  process.exit(1);
}

for (const key of ['name', 'version', 'abstract', 'maintainer', 'license', 'provides', 'meta-spec'])
  check(key in meta, `mandatory key ${key}`);
check(typeof meta.name === 'string' && TERM.test(meta.name), 'name is a term');
check(typeof meta.version === 'string' && SEMVER.test(meta.version), `version ${meta.version} is a semantic version`);
check(typeof meta.abstract === 'string' && meta.abstract.length > 0, 'abstract is text');
check((typeof meta.maintainer === 'string' && meta.maintainer.length > 0) ||
  (Array.isArray(meta.maintainer) && meta.maintainer.length > 0 &&
   meta.maintainer.every((m) => typeof m === 'string' && m.length > 0)), 'maintainer is text');
const licenses = typeof meta.license === 'string' ? [meta.license]
  : Array.isArray(meta.license) ? meta.license : null;
check((licenses && licenses.length > 0 && licenses.every((l) => LICENSES.has(l))) ||
  (meta.license && typeof meta.license === 'object' && !Array.isArray(meta.license) &&
   Object.keys(meta.license).length > 0), 'license is one the spec knows');
const spec = meta['meta-spec'] || {};
check(typeof spec.version === 'string' && /^1\.0\.\d+$/.test(spec.version), 'meta-spec version is 1.0.x');

const provides = meta.provides || {};
check(Object.keys(provides).length > 0 && Object.keys(provides).every((k) => TERM.test(k)), 'provides names extensions');
for (const [ext, p] of Object.entries(provides)) {
  check(p && typeof p.file === 'string' && fs.existsSync(path.join(repo, p.file)), `provides.${ext}.file ${p && p.file} exists`);
  check(p && typeof p.version === 'string' && SEMVER.test(p.version), `provides.${ext}.version is a semantic version`);
  check(p && p.version === meta.version, `provides.${ext}.version is the distribution's`);
}
check('dynastore_fdw' in provides, 'provides dynastore_fdw');

// The control file's default_version, as three numbers.
const control = fs.readFileSync(path.join(repo, 'dynastore_fdw.control'), 'utf8');
const m = control.match(/^\s*default_version\s*=\s*'([^']*)'/m);
if (!m) {
  fail('dynastore_fdw.control has a default_version');
} else {
  const parts = m[1].split('.');
  while (parts.length < 3) parts.push('0');
  check(parts.join('.') === meta.version, `version ${meta.version} is the control file's default_version '${m[1]}'`);
  check(fs.existsSync(path.join(repo, `dynastore_fdw--${m[1]}.sql`)), `dynastore_fdw--${m[1]}.sql exists`);
}

if (process.argv[2] !== undefined)
  check(process.argv[2] === meta.version, `dynastore_fdw_version() ${process.argv[2]} is META.json's version`);

process.exit(failed ? 1 : 0);
