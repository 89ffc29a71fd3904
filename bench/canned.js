#!/usr/bin/env node
// Canned answers for bench/compare.sh: the pages of a Query of a partition
// as DynamoDB would send them, and the same records as a CSV file, so that
// the wrapper's ingest of answers can be set against file_fdw's of a file
// (no DynamoDB, no network: CPU only).
//
//   node bench/canned.js RULES CSV PAGES ITEMS KEY [SEGMENTS [DELAY_MS]]
//
// writes RULES, a JSON array of rules for test/hostile.js: one per page,
// in order, each answering one Query signed with access key KEY with the
// page's body (ITEMS records, the LastEvaluatedKey of the last but on the
// last page); and CSV, the PAGES x ITEMS records as rows id, name, version,
// expires, value, fields (the payload's JSON text, the other attributes'
// natural JSON), as COPY ... (FORMAT csv) reads them.  The records are
// those of bench/sdk.js fill.  With SEGMENTS, the pages are those of a Scan
// in that many segments instead (page p is segment p % SEGMENTS's, the last
// of each segment names no next), each answered DELAY_MS after it was asked
// for (0 by default).
'use strict';

const fs = require('fs');

function die(msg) {
  process.stderr.write(`canned.js: ${msg}\n`);
  process.exit(1);
}

const [rulesFile, csvFile, pagesArg, itemsArg, key, segmentsArg, delayArg] = process.argv.slice(2);
if (!key) die('usage: node bench/canned.js RULES CSV PAGES ITEMS KEY [SEGMENTS [DELAY_MS]]');
const pages = Number(pagesArg);
const perPage = Number(itemsArg);
const segments = Number(segmentsArg || 0);
const delay = Number(delayArg || 0);
if (!(pages > 0 && perPage > 0)) die('PAGES and ITEMS must be positive');
if (!(Number.isInteger(segments) && segments >= 0 && delay >= 0)) die('SEGMENTS and DELAY_MS must be numbers >= 0');

// as bench/sdk.js writes record i
function payload(i) {
  return JSON.stringify({
    plan: ['basic', 'team', 'enterprise'][i % 3],
    seats: i % 250,
    active: i % 7 !== 0,
    tags: ['t' + (i % 11), 't' + (i % 13)],
    note: 'n'.repeat(900) + i,
  });
}

function csvField(s) {
  return '"' + s.replace(/"/g, '""') + '"';
}

const rules = [];
const csv = fs.openSync(csvFile, 'w');
for (let p = 0; p < pages; p++) {
  const items = [];
  let lines = '';
  for (let j = 0; j < perPage; j++) {
    const i = p * perPage + j + 1;
    const name = `key-${String(i).padStart(6, '0')}`;
    const created = `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`;
    items.push({
      id: { S: 'big' },
      name: { S: name },
      version: { N: String(1 + (i % 5)) },
      payload: { S: payload(i) },
      created: { S: created },
      score: { N: String(i % 1000) },
    });
    lines += ['big', name, String(1 + (i % 5)), '', csvField(payload(i)),
      csvField(JSON.stringify({ created, score: i % 1000 }))].join(',') + '\n';
  }
  fs.writeSync(csv, lines);
  const answer = { Count: items.length, Items: items, ScannedCount: items.length };
  const last = segments > 0 ? p + segments >= pages : p === pages - 1;
  if (!last) answer.LastEvaluatedKey = { id: items[items.length - 1].id, name: items[items.length - 1].name };
  answer.ConsumedCapacity = { CapacityUnits: 128, TableName: 'bench_canned' };
  const rule = { op: segments > 0 ? 'Scan' : 'Query', key, action: 'answer', status: 200, body: JSON.stringify(answer), count: 1 };
  if (segments > 0) Object.assign(rule, { segment: p % segments, delay_ms: delay });
  rules.push(rule);
}
fs.closeSync(csv);
fs.writeFileSync(rulesFile, JSON.stringify(rules));
