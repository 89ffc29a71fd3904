#!/usr/bin/env node
// Follows README.md's quick start on the test kit, word for word, and checks
// every line it says psql prints.
//
//   node readme-quickstart.js        (psql's connection from PG* variables)
//
// The quick start goes on from what `scripts/demo.sh --keep` leaves, so this
// first does what the demo does to its database: scripts/demo-data.sh writes
// the sample records into DynamoDB (DDB_DIRECT_ENDPOINT), and scripts/demo.sql
// runs in the database.  Then each ```sql block between the README's
// quickstart markers goes to psql as typed, and what psql prints (messages
// included, in order) must be the ```text block after it, line for line
// (trailing blanks aside, which editors strip).  One "ok" or "FAILED" line a
// block; exit status 1 on any failure.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const repo = path.join(__dirname, '..');
let failed = false;

function run(cmd, args, input) {
  return spawnSync(cmd, args, { input, encoding: 'utf8', env: process.env });
}
function die(what, r) {
  console.log(`FAILED ${what}`);
  if (r) process.stdout.write(String(r.stdout || '') + String(r.stderr || ''));
  process.exit(1);
}
const tidy = (text) => text.split('\n').map((l) => l.replace(/\s+$/, '')).join('\n').replace(/\n+$/, '');

// the quick start's blocks
const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
const begin = readme.indexOf('<!-- quickstart:begin -->');
const end = readme.indexOf('<!-- quickstart:end -->');
if (begin < 0 || end < begin) die('README.md has no quickstart:begin/end markers');
const blocks = [];
const re = /```(sql|text)\n([\s\S]*?)```/g;
let m;
const part = readme.slice(begin, end);
while ((m = re.exec(part)) !== null) blocks.push({ kind: m[1], text: m[2] });
const steps = [];
for (let i = 0; i < blocks.length; i++) {
  if (blocks[i].kind !== 'sql') die(`quick start block ${i + 1} is text with no sql block before it`);
  if (i + 1 >= blocks.length || blocks[i + 1].kind !== 'text') die(`quick start sql block ${i + 1} has no text block after it`);
  steps.push({ sql: blocks[i].text, expected: blocks[i + 1].text });
  i++;
}
if (steps.length === 0) die('the quick start has no sql block');

// what the demo leaves
let r = run('node', [path.join(repo, 'test/ddb.js'), 'delete-table', 'Notes']);
if (r.status !== 0) die('delete-table Notes', r);
r = run('bash', [path.join(repo, 'scripts/demo-data.sh')]);
if (r.status !== 0) die('scripts/demo-data.sh', r);
r = run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1',
  '-v', `endpoint=${process.env.DDB_ENDPOINT}`, '-v', `region=${process.env.DDB_REGION || 'us-east-1'}`,
  '-v', `access_key_id=${process.env.DDB_ACCESS_KEY_ID}`, '-v', `secret_access_key=${process.env.DDB_SECRET_ACCESS_KEY}`,
  '-f', path.join(repo, 'scripts/demo.sql')]);
if (r.status !== 0) die('scripts/demo.sql', r);
console.log(`ok the demo's records and scripts/demo.sql`);

// the quick start, as typed
steps.forEach((step, i) => {
  const first = step.sql.split('\n')[0];
  const out = run('sh', ['-c', 'psql -X 2>&1'], step.sql);
  const got = tidy(String(out.stdout));
  const want = tidy(step.expected);
  if (got === want) {
    console.log(`ok quick start ${i + 1}: ${first}`);
  } else {
    failed = true;
    console.log(`FAILED quick start ${i + 1}: ${first}`);
    console.log('--- README says');
    console.log(want);
    console.log('--- psql printed');
    console.log(got);
  }
});
process.exit(failed ? 1 : 0);
