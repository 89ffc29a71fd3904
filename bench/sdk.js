#!/usr/bin/env node
// The AWS SDK for JavaScript (v3) side of bench/compare.sh: it loads the
// bench's records and reads a partition the way an application would,
// doing what dynastore_fdw does with each record, so that the two can be
// timed against each other on the same DynamoDB.
//
//   node bench/sdk.js fill TABLE PARTITION COUNT
//       COUNT records key-000001.. of ~1 KB: a JSON payload (as dynastore
//       apps store it), a version, and two attributes of no column
//       (created, score), which the fields column holds
//   node bench/sdk.js read TABLE PARTITION all|value|count RUNS
//       reads the partition RUNS times after one run to warm up, and prints
//       one line a run: "ROWS SECONDS CPU_SECONDS" (the CPU of this process,
//       user and system).
//         all    every attribute, each record a row: id, name, version,
//                expires as a Date, the payload parsed as JSON, the other
//                attributes as an object of their natural JSON values
//         value  ProjectionExpression payload, expires; the payload parsed
//         count  Select COUNT with the FilterExpression of live records
//       Every read is strongly consistent and expired records are dropped,
//       as in the wrapper.
//
// Environment: DDB_DIRECT_ENDPOINT, DDB_ACCESS_KEY_ID, DDB_SECRET_ACCESS_KEY,
// DDB_REGION (see test/ddb.js).  Seconds are measured in this process,
// around the reads only.
'use strict';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const path = require('path');
const modules = path.join(__dirname, '..', 'test', 'node_modules');
const {
  DynamoDBClient, QueryCommand, BatchWriteItemCommand,
} = require(path.join(modules, '@aws-sdk/client-dynamodb'));

function die(msg) {
  process.stderr.write(`sdk.js: ${msg}\n`);
  process.exit(1);
}

const endpoint = process.env.DDB_DIRECT_ENDPOINT || die('set DDB_DIRECT_ENDPOINT');
const client = new DynamoDBClient({
  endpoint,
  region: process.env.DDB_REGION || 'us-east-1',
  credentials: {
    accessKeyId: process.env.DDB_ACCESS_KEY_ID || 'test',
    secretAccessKey: process.env.DDB_SECRET_ACCESS_KEY || 'test',
  },
  maxAttempts: 3,
});

// The payload of record i: JSON text of about 1 KB.
function payload(i) {
  const doc = {
    plan: ['basic', 'team', 'enterprise'][i % 3],
    seats: i % 250,
    active: i % 7 !== 0,
    tags: ['t' + (i % 11), 't' + (i % 13)],
    note: 'n'.repeat(900) + i,
  };
  return JSON.stringify(doc);
}

async function fill(table, partition, count) {
  const items = [];
  for (let i = 1; i <= count; i++) {
    items.push({
      id: { S: partition },
      name: { S: `key-${String(i).padStart(6, '0')}` },
      version: { N: String(1 + (i % 5)) },
      payload: { S: payload(i) },
      created: { S: `2024-01-${String(1 + (i % 28)).padStart(2, '0')}` },
      score: { N: String(i % 1000) },
    });
  }
  const batches = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  async function worker() {
    while (next < batches.length) {
      let req = { [table]: batches[next++].map((Item) => ({ PutRequest: { Item } })) };
      for (let attempt = 0; Object.keys(req).length > 0; attempt++) {
        if (attempt > 20) die('BatchWriteItem kept returning UnprocessedItems');
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: req }));
        req = out.UnprocessedItems || {};
      }
    }
  }
  await Promise.all(Array.from({ length: 6 }, worker));
}

// The natural JSON of an AttributeValue, as the fields column shows it.
function natural(av) {
  if (av.S !== undefined) return av.S;
  if (av.N !== undefined) return Number(av.N);
  if (av.BOOL !== undefined) return av.BOOL;
  if (av.NULL !== undefined) return null;
  if (av.B !== undefined) return Buffer.from(av.B).toString('base64');
  if (av.M !== undefined) {
    const o = {};
    for (const k of Object.keys(av.M)) o[k] = natural(av.M[k]);
    return o;
  }
  if (av.L !== undefined) return av.L.map(natural);
  if (av.SS !== undefined) return av.SS;
  if (av.NS !== undefined) return av.NS.map(Number);
  if (av.BS !== undefined) return av.BS.map((b) => Buffer.from(b).toString('base64'));
  return null;
}

const CLAIMED = new Set(['id', 'name', 'version', 'expires', 'payload']);

// dynastore's rule: no expires, or a number no earlier than now.
function live(item, now) {
  const e = item.expires;
  return e === undefined || (e.N !== undefined && Number(e.N) >= now);
}

async function readOnce(table, partition, mode) {
  const now = Math.floor(Date.now() / 1000);
  const input = {
    TableName: table,
    KeyConditionExpression: '#k0 = :k0',
    ExpressionAttributeNames: { '#k0': 'id' },
    ExpressionAttributeValues: { ':k0': { S: partition } },
    ConsistentRead: true,
  };
  if (mode === 'value') {
    input.ProjectionExpression = '#p0, #p1';
    input.ExpressionAttributeNames['#p0'] = 'payload';
    input.ExpressionAttributeNames['#p1'] = 'expires';
  } else if (mode === 'count') {
    input.Select = 'COUNT';
    input.FilterExpression = '(attribute_not_exists(#x0) OR #x0 >= :x0)';
    input.ExpressionAttributeNames['#x0'] = 'expires';
    input.ExpressionAttributeValues[':x0'] = { N: String(now) };
  }
  let rows = 0;
  let sink = 0;
  for (let page = 0; ; page++) {
    if (page > 1000000) die('the Query does not end');
    const out = await client.send(new QueryCommand(input));
    if (mode === 'count') {
      rows += out.Count;
    } else {
      for (const it of out.Items) {
        if (!live(it, now)) continue;
        if (mode === 'all') {
          const fields = {};
          for (const k of Object.keys(it)) if (!CLAIMED.has(k)) fields[k] = natural(it[k]);
          const row = {
            id: it.id ? it.id.S : null,
            name: it.name ? it.name.S : null,
            version: it.version ? BigInt(it.version.N) : null,
            expires: it.expires ? new Date(Number(it.expires.N) * 1000) : null,
            value: it.payload && it.payload.S !== undefined ? JSON.parse(it.payload.S) : null,
            fields,
          };
          sink += row.name.length;
        } else {
          const value = it.payload && it.payload.S !== undefined ? JSON.parse(it.payload.S) : null;
          sink += value ? 1 : 0;
        }
        rows++;
      }
    }
    if (!out.LastEvaluatedKey) break;
    input.ExclusiveStartKey = out.LastEvaluatedKey;
  }
  return sink >= 0 ? rows : -1;
}

async function read(table, partition, mode, runs) {
  await readOnce(table, partition, mode);
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const rows = await readOnce(table, partition, mode);
    const c = process.cpuUsage(c0);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`${rows} ${secs.toFixed(6)} ${((c.user + c.system) / 1e6).toFixed(6)}`);
  }
}

const [cmd, ...args] = process.argv.slice(2);
(async () => {
  if (cmd === 'fill' && args.length === 3) await fill(args[0], args[1], Number(args[2]));
  else if (cmd === 'read' && args.length === 4 && ['all', 'value', 'count'].includes(args[2])) {
    await read(args[0], args[1], args[2], Number(args[3]));
  } else die('usage: node bench/sdk.js fill TABLE PARTITION COUNT | read TABLE PARTITION all|value|count RUNS');
})().catch((e) => die(e.message));
