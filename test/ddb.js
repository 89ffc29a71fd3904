#!/usr/bin/env node
// Test data tool: talks to DynamoDB (dynalite) with the AWS SDK for JavaScript v3.
//
//   node ddb.js [--endpoint URL] COMMAND ...
//
//   create-table [--no-indexes] T       dynastore's test table layout (idempotent: recreated);
//                                       --no-indexes: the key schema alone
//   delete-table T                      drop T (no error when missing)
//   put T '<json>'                      one item or an array of items, AttributeValue JSON,
//                                       written with BatchWriteItem (25 a batch)
//   dynastore-put T PARTITION NAME VALUE [--ttl SECONDS | --expires EPOCH]
//                 [--field K=V ...] [--bytes-hex] [--no-value] [--print]
//                                       dynastore's Put (UpdateItem) exactly as it sends it;
//                                       VALUE "" is stored as NULL like dynastore does;
//                                       --bytes-hex: VALUE is hex bytes, stored base64 (WriteWithBytes);
//                                       --no-value: no VALUE argument, payload untouched
//   delete T PARTITION NAME             dynastore's Delete (unconditional DeleteItem)
//   fill T PARTITION COUNT BYTES        COUNT records key-000001.. with a payload of BYTES chars
//   get T PARTITION NAME                the raw item (AttributeValue JSON, keys sorted) or "not found"
//   scan-count T [PARTITION]            number of items (in the partition)
//
// Environment: DDB_DIRECT_ENDPOINT (default endpoint), DDB_ACCESS_KEY_ID,
// DDB_SECRET_ACCESS_KEY, DDB_SESSION_TOKEN (optional), DDB_REGION (default us-east-1).
// Prints nothing on success except what a command is for; errors go to stderr, exit 1.
'use strict';

// Node 20 is what the machine has; the SDK's notice about it is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const {
  DynamoDBClient, CreateTableCommand, DeleteTableCommand, DescribeTableCommand,
  BatchWriteItemCommand, UpdateItemCommand, DeleteItemCommand, GetItemCommand,
  QueryCommand, ScanCommand,
} = require('@aws-sdk/client-dynamodb');

function die(msg, code = 1) {
  process.stderr.write(`ddb.js: ${msg}\n`);
  process.exit(code);
}

function usage() {
  die('usage: node ddb.js [--endpoint URL] create-table T | delete-table T | put T JSON | '
    + 'dynastore-put T PARTITION NAME VALUE [--ttl S|--expires EPOCH] [--field K=V ...] [--bytes-hex] [--no-value] [--print] | '
    + 'delete T PARTITION NAME | fill T PARTITION COUNT BYTES | get T PARTITION NAME | scan-count T [PARTITION]', 2);
}

let argv = process.argv.slice(2);
let endpoint = process.env.DDB_DIRECT_ENDPOINT;
while (argv.length && argv[0].startsWith('--endpoint')) {
  const a = argv.shift();
  endpoint = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv.shift();
}
if (!endpoint) die('set DDB_DIRECT_ENDPOINT or pass --endpoint URL');

const client = new DynamoDBClient({
  endpoint,
  region: process.env.DDB_REGION || 'us-east-1',
  credentials: {
    accessKeyId: process.env.DDB_ACCESS_KEY_ID || 'test',
    secretAccessKey: process.env.DDB_SECRET_ACCESS_KEY || 'test',
    ...(process.env.DDB_SESSION_TOKEN ? { sessionToken: process.env.DDB_SESSION_TOKEN } : {}),
  },
  maxAttempts: 5,
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- AttributeValue JSON <-> SDK

// Wire JSON (B and BS as base64 strings) -> SDK shape (Uint8Array).
function fromWire(av) {
  if (av === null || typeof av !== 'object' || Array.isArray(av)) throw new Error(`not an AttributeValue: ${JSON.stringify(av)}`);
  const keys = Object.keys(av);
  if (keys.length !== 1) throw new Error(`an AttributeValue has exactly one type key: ${JSON.stringify(av)}`);
  const t = keys[0];
  const v = av[t];
  switch (t) {
    case 'B': return { B: Buffer.from(v, 'base64') };
    case 'BS': return { BS: v.map((x) => Buffer.from(x, 'base64')) };
    case 'M': return { M: fromWireItem(v) };
    case 'L': return { L: v.map(fromWire) };
    case 'S': case 'N': case 'BOOL': case 'NULL': case 'SS': case 'NS': return { [t]: v };
    default: throw new Error(`unknown AttributeValue type ${t}`);
  }
}
function fromWireItem(item) {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Error(`an item is a JSON object: ${JSON.stringify(item)}`);
  const out = {};
  for (const [k, v] of Object.entries(item)) out[k] = fromWire(v);
  return out;
}

// SDK shape -> wire JSON, keys sorted at every level.
function toWire(av) {
  for (const [t, v] of Object.entries(av)) {
    if (v === undefined) continue;
    switch (t) {
      case 'B': return { B: Buffer.from(v).toString('base64') };
      case 'BS': return { BS: v.map((x) => Buffer.from(x).toString('base64')) };
      case 'M': return { M: toWireItem(v) };
      case 'L': return { L: v.map(toWire) };
      case '$unknown': continue;
      default: return { [t]: v };
    }
  }
  return av;
}
function toWireItem(item) {
  const out = {};
  for (const k of Object.keys(item).sort()) out[k] = toWire(item[k]);
  return out;
}

// ---------------------------------------------------------------- helpers

function key(partition, name) {
  return { id: { S: partition }, name: { S: name } };
}

async function describe(table) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: table }))).Table;
  } catch (e) {
    if (e.name === 'ResourceNotFoundException') return null;
    throw e;
  }
}

async function waitFor(table, pred, what) {
  const deadline = Date.now() + 60000;
  for (;;) {
    const t = await describe(table);
    if (pred(t)) return t;
    if (Date.now() > deadline) throw new Error(`timed out waiting for table ${table} to become ${what}`);
    await sleep(50);
  }
}

async function deleteTable(table) {
  try {
    await client.send(new DeleteTableCommand({ TableName: table }));
  } catch (e) {
    if (e.name === 'ResourceNotFoundException') return;
    if (e.name !== 'ResourceInUseException') throw e;
  }
  await waitFor(table, (t) => t === null, 'deleted');
}

// Writes items (SDK shape) with BatchWriteItem, 25 a batch, `concurrency` batches at once.
async function batchWrite(table, items, concurrency = 4) {
  const batches = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  async function worker() {
    while (next < batches.length) {
      const batch = batches[next++];
      let requests = { [table]: batch.map((Item) => ({ PutRequest: { Item } })) };
      for (let attempt = 0; ; attempt++) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: requests }));
        const un = out.UnprocessedItems || {};
        if (!Object.keys(un).length || !(un[table] || []).length) break;
        if (attempt >= 20) throw new Error('BatchWriteItem kept returning UnprocessedItems');
        requests = un;
        await sleep(Math.min(1000, 20 * 2 ** attempt));
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
}

function parseIntArg(s, what) {
  if (!/^-?\d+$/.test(String(s))) die(`${what} must be an integer, got '${s}'`);
  return Number(s);
}

const RESERVED = new Set(['id', 'name', 'version', 'expires', 'payload']);

// ---------------------------------------------------------------- commands

const commands = {
  async 'create-table'(args) {
    // --no-indexes: the key schema alone, for a test whose index vanishes
    const bare = args[0] === '--no-indexes';
    if (bare) args = args.slice(1);
    if (args.length !== 1) usage();
    const [table] = args;
    if (await describe(table)) await deleteTable(table);
    if (bare) {
      await client.send(new CreateTableCommand({
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'name', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }, { AttributeName: 'name', KeyType: 'RANGE' }],
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        TableName: table,
      }));
      await waitFor(table, (t) => t && t.TableStatus === 'ACTIVE', 'ACTIVE');
      return;
    }
    // The CreateTable request of dynastore's integration suite, as logged on the wire.
    await client.send(new CreateTableCommand({
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'name', AttributeType: 'S' },
        { AttributeName: 'created', AttributeType: 'S' },
        { AttributeName: 'pk1', AttributeType: 'S' },
        { AttributeName: 'sk1', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [{
        IndexName: 'idx_global_1',
        KeySchema: [{ AttributeName: 'pk1', KeyType: 'HASH' }, { AttributeName: 'sk1', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }, { AttributeName: 'name', KeyType: 'RANGE' }],
      LocalSecondaryIndexes: [{
        IndexName: 'idx_created',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }, { AttributeName: 'created', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      }],
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      SSESpecification: { Enabled: true, SSEType: 'AES256' },
      TableName: table,
    }));
    await waitFor(table, (t) => t && t.TableStatus === 'ACTIVE'
      && (t.GlobalSecondaryIndexes || []).every((g) => g.IndexStatus === 'ACTIVE'), 'ACTIVE');
  },

  async 'delete-table'(args) {
    if (args.length !== 1) usage();
    await deleteTable(args[0]);
  },

  async put(args) {
    if (args.length !== 2) usage();
    const [table, json] = args;
    let parsed;
    try { parsed = JSON.parse(json); } catch (e) { die(`put: invalid JSON: ${e.message}`); }
    const items = (Array.isArray(parsed) ? parsed : [parsed]).map(fromWireItem);
    await batchWrite(table, items);
  },

  async 'dynastore-put'(args) {
    const pos = [];
    const fields = [];
    let ttl = null;
    let expires = null;
    let bytesHex = false;
    let noValue = false;
    let print = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--ttl') ttl = parseIntArg(args[++i], '--ttl');
      else if (a === '--expires') expires = parseIntArg(args[++i], '--expires');
      else if (a === '--field') {
        const kv = args[++i];
        if (kv === undefined || !kv.includes('=')) die('--field needs K=V');
        fields.push([kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]);
      } else if (a === '--bytes-hex') bytesHex = true;
      else if (a === '--no-value') noValue = true;
      else if (a === '--print') print = true;
      else if (a === '--') pos.push(...args.slice(i + 1)), i = args.length;
      else if (a.startsWith('--')) die(`dynastore-put: unknown option ${a}`);
      else pos.push(a);
    }
    if (pos.length !== (noValue ? 3 : 4)) usage();
    if (ttl !== null && expires !== null) die('dynastore-put: --ttl and --expires exclude each other');
    const [table, partition, name, value] = pos;

    // dynastore's buildUpdate: ADD version 1; SET payload (when a value is given),
    // each field, expires (when a TTL is given); placeholders numbered in that order.
    const names = {};
    const values = {};
    const sets = [];
    let n = 0;
    names[`#${n}`] = 'version';
    values[`:${n}`] = { N: '1' };
    n++;
    if (!noValue) {
      let payload;
      if (bytesHex) {
        if (!/^([0-9a-fA-F]{2})*$/.test(value)) die('dynastore-put: --bytes-hex VALUE must be hex digits');
        payload = value === '' ? { NULL: true } : { S: Buffer.from(value, 'hex').toString('base64') };
      } else {
        payload = value === '' ? { NULL: true } : { S: value };
      }
      names[`#${n}`] = 'payload';
      values[`:${n}`] = payload;
      sets.push(`#${n} = :${n}`);
      n++;
    }
    for (const [k, v] of fields) {
      if (RESERVED.has(k)) die('failed to build update: fields contained reserved attribute name');
      names[`#${n}`] = k;
      values[`:${n}`] = { S: v };
      sets.push(`#${n} = :${n}`);
      n++;
    }
    if (ttl !== null || expires !== null) {
      const at = expires !== null ? expires : Math.floor(Date.now() / 1000) + ttl;
      names[`#${n}`] = 'expires';
      values[`:${n}`] = { N: String(at) };
      sets.push(`#${n} = :${n}`);
      n++;
    }
    let update = 'ADD #0 :0\n';
    if (sets.length) update += `SET ${sets.join(', ')}\n`;
    const out = await client.send(new UpdateItemCommand({
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      Key: key(partition, name),
      ReturnValues: 'ALL_NEW',
      TableName: table,
      UpdateExpression: update,
    }));
    if (print) process.stdout.write(JSON.stringify(toWireItem(out.Attributes || {})) + '\n');
  },

  async delete(args) {
    if (args.length !== 3) usage();
    const [table, partition, name] = args;
    await client.send(new DeleteItemCommand({ Key: key(partition, name), TableName: table }));
  },

  async fill(args) {
    if (args.length !== 4) usage();
    const [table, partition] = args;
    const count = parseIntArg(args[2], 'COUNT');
    const bytes = parseIntArg(args[3], 'BYTES');
    if (count < 0 || bytes < 0) die('fill: COUNT and BYTES must be >= 0');
    const items = [];
    for (let i = 1; i <= count; i++) {
      const name = `key-${String(i).padStart(6, '0')}`;
      // A deterministic payload of `bytes` ASCII characters.
      const seed = `${name}:`;
      const payload = bytes === 0 ? null : seed.repeat(Math.ceil(bytes / seed.length)).slice(0, bytes);
      items.push({
        id: { S: partition },
        name: { S: name },
        version: { N: '1' },
        payload: payload === null ? { NULL: true } : { S: payload },
      });
    }
    await batchWrite(table, items, 6);
  },

  async get(args) {
    if (args.length !== 3) usage();
    const [table, partition, name] = args;
    const out = await client.send(new GetItemCommand({ Key: key(partition, name), TableName: table, ConsistentRead: true }));
    process.stdout.write(out.Item ? JSON.stringify(toWireItem(out.Item)) + '\n' : 'not found\n');
  },

  async 'scan-count'(args) {
    if (args.length < 1 || args.length > 2) usage();
    const [table, partition] = args;
    let total = 0;
    let start;
    do {
      const input = { TableName: table, Select: 'COUNT', ConsistentRead: true, ExclusiveStartKey: start };
      let out;
      if (partition !== undefined) {
        out = await client.send(new QueryCommand({
          ...input,
          KeyConditionExpression: '#id = :partition',
          ExpressionAttributeNames: { '#id': 'id' },
          ExpressionAttributeValues: { ':partition': { S: partition } },
        }));
      } else {
        out = await client.send(new ScanCommand(input));
      }
      total += out.Count || 0;
      start = out.LastEvaluatedKey;
    } while (start);
    process.stdout.write(`${total}\n`);
  },
};

const [cmd, ...rest] = argv;
if (!cmd || !commands[cmd]) usage();
commands[cmd](rest).then(() => {
  client.destroy();
}, (e) => {
  let what = e && e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : (e && e.message) || String(e);
  if (what.length > 400) what = `${what.slice(0, 400)}...`;
  die(`${cmd}: ${what}`);
});
