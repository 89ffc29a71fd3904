#!/usr/bin/env node
// The test proxy's TransactWriteItems and TransactGetItems (txn_emulation.js),
// checked with the AWS SDK for JavaScript v3 against dynalite behind the
// proxy, both started here on free loopback ports:
//
//   node test/proxy_txn.test.js          (scripts/test.sh proxy_txn runs it)
//
// It shows: a commit across tables; a failed condition undoing every other
// action, with the reasons (and ALL_OLD items) AWS gives; the validation
// AWS does; idempotency tokens (replay, mismatch, expiry, a cancelled first
// call); the faults (lose, drop, error, cancel, hold) on transactions; SigV4
// on them; readers that never see a transaction half applied; and rules with
// a probability, drawn from a seeded sequence.
// Environment: DDB_ACCESS_KEY_ID, DDB_SECRET_ACCESS_KEY (default: the kit's
// fixed fake credentials of scripts/lib.sh).
'use strict';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, PutItemCommand,
  GetItemCommand, BatchGetItemCommand, TransactWriteItemsCommand, TransactGetItemsCommand,
} = require('@aws-sdk/client-dynamodb');

const REGION = 'us-east-1';
const CREDENTIALS = {
  accessKeyId: process.env.DDB_ACCESS_KEY_ID || 'AKIDDYNASTOREFDWTEST',
  secretAccessKey: process.env.DDB_SECRET_ACCESS_KEY || 'dynastore/fdw+TestSecret/0123456789abcdefEXAMPLE',
};
const TOKEN_TTL_MS = 3000;
const T1 = 'txn_one';
const T2 = 'txn_two';

// ---------------------------------------------------------------- services

const children = [];
let workDir;
let proxyUrl;
let ddb; // no retries: each call is one request
let ddbRetrying; // the SDK's default retries

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function startChild(name, args, env) {
  const log = fs.openSync(path.join(workDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  children.push(child);
  return child;
}

async function waitFor(what, child, probe) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited while starting (${workDir}/${what}.log)`);
    try { if (await probe()) return; } catch (e) { /* not yet */ }
    await sleep(50);
  }
  throw new Error(`${what} did not start`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-txn-'));
  const dynalitePort = await freePort();
  const dynalite = startChild('dynalite', [require.resolve('dynalite/cli.js'), '--host', '127.0.0.1',
    '--port', String(dynalitePort), '--createTableMs', '0', '--deleteTableMs', '0', '--updateTableMs', '0'], {});
  await waitFor('dynalite', dynalite, async () => (await fetch(`http://127.0.0.1:${dynalitePort}/`)).ok);
  const portFile = path.join(workDir, 'proxy.port');
  const proxy = startChild('proxy', [path.join(__dirname, 'proxy.js'), '--host', '127.0.0.1', '--port', '0',
    '--port-file', portFile, '--upstream', `http://127.0.0.1:${dynalitePort}`, '--region', REGION,
    '--log', path.join(workDir, 'proxy.log')], {
    DDB_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    DDB_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    DDB_SESSION_TOKEN: '',
    PROXY_TXN_TOKEN_TTL_MS: String(TOKEN_TTL_MS),
  });
  await waitFor('proxy', proxy, async () => {
    if (!fs.existsSync(portFile) || !fs.readFileSync(portFile, 'utf8').trim()) return false;
    proxyUrl = `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8').trim()}`;
    return (await fetch(`${proxyUrl}/__proxy/health`)).ok;
  });
  const config = { endpoint: proxyUrl, region: REGION, credentials: CREDENTIALS };
  ddb = new DynamoDBClient({ ...config, maxAttempts: 1 });
  ddbRetrying = new DynamoDBClient(config);
  for (const t of [T1, T2]) {
    await ddb.send(new CreateTableCommand({
      TableName: t,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }, { AttributeName: 'name', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'name', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    for (;;) {
      const d = await ddb.send(new DescribeTableCommand({ TableName: t }));
      if (d.Table.TableStatus === 'ACTIVE') break;
      await sleep(20);
    }
  }
});

after(async () => {
  if (ddb) ddb.destroy();
  if (ddbRetrying) ddbRetrying.destroy();
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
  if (process.exitCode) process.stderr.write(`logs kept in ${workDir}\n`);
  else fs.rmSync(workDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- helpers

async function control(method, p, body) {
  const res = await fetch(`${proxyUrl}${p}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assert.equal(res.status, 200, `${method} ${p}: ${text}`);
  return text;
}

async function count(query) { return Number(await control('GET', `/__proxy/count?${query}`)); }

async function resetProxy() {
  await control('DELETE', '/__proxy/rules');
  await control('POST', '/__proxy/stats/reset');
}

const S = (s) => ({ S: s });
const N = (n) => ({ N: String(n) });
const key = (id, name) => ({ id: S(id), name: S(name) });

async function put(table, id, name, attrs = {}) {
  await ddb.send(new PutItemCommand({ TableName: table, Item: { ...key(id, name), ...attrs } }));
}

async function get(table, id, name) {
  const r = await ddb.send(new GetItemCommand({ TableName: table, Key: key(id, name), ConsistentRead: true }));
  return r.Item;
}

function transact(items, extra = {}, client = ddb) {
  return client.send(new TransactWriteItemsCommand({ TransactItems: items, ...extra }));
}

// The error a call fails with (it must fail).
async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('the call succeeded');
}

const addOne = (table, id, name) => ({
  Update: {
    TableName: table, Key: key(id, name), UpdateExpression: 'ADD #n :one',
    ExpressionAttributeNames: { '#n': 'n' }, ExpressionAttributeValues: { ':one': N(1) },
  },
});

async function counter(table, id, name) {
  const item = await get(table, id, name);
  return item && item.n ? Number(item.n.N) : 0;
}

// ---------------------------------------------------------------- tests

test('a transaction across tables applies every action', async () => {
  await resetProxy();
  await put(T1, 'c', 'upd', { n: N(5) });
  await put(T1, 'c', 'del', { v: S('x') });
  await put(T2, 'c', 'chk', { version: N(3) });
  const r = await transact([
    { Put: { TableName: T1, Item: { ...key('c', 'new'), v: S('made') }, ConditionExpression: 'attribute_not_exists(id)' } },
    addOne(T1, 'c', 'upd'),
    { Delete: { TableName: T1, Key: key('c', 'del'), ConditionExpression: 'attribute_exists(id)' } },
    { ConditionCheck: { TableName: T2, Key: key('c', 'chk'), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': N(3) } } },
    { ConditionCheck: { TableName: T2, Key: key('c', 'absent'), ConditionExpression: 'attribute_not_exists(id)' } },
    { Put: { TableName: T2, Item: { ...key('c', 'other'), v: S('too') } } },
  ], { ReturnConsumedCapacity: 'TOTAL' });
  assert.deepEqual((await get(T1, 'c', 'new')).v, S('made'));
  assert.equal(await counter(T1, 'c', 'upd'), 6);
  assert.equal(await get(T1, 'c', 'del'), undefined);
  assert.deepEqual(await get(T2, 'c', 'chk'), { ...key('c', 'chk'), version: N(3) });
  assert.equal(await get(T2, 'c', 'absent'), undefined, 'a ConditionCheck leaves no item behind');
  assert.deepEqual((await get(T2, 'c', 'other')).v, S('too'));
  // 2 write units an action of up to 1 KB, per table.
  assert.deepEqual(r.ConsumedCapacity, [
    { TableName: T1, CapacityUnits: 6 },
    { TableName: T2, CapacityUnits: 6 },
  ]);
  assert.equal(await count('txn=applied'), 1);
  assert.equal(await count('op=TransactWriteItems'), 1);
  assert.equal(await count('op=PutItem'), 3, 'the emulation\'s own requests are not counted');
});

test('a failed condition undoes every action and gives one reason per action', async () => {
  await resetProxy();
  await put(T1, 'r', 'upd', { n: N(1) });
  await put(T1, 'r', 'del', { v: S('keep') });
  await put(T2, 'r', 'chk', { version: N(7) });
  await put(T2, 'r', 'upd', { n: N(1) });
  const e = await failure(transact([
    { Put: { TableName: T1, Item: { ...key('r', 'new'), v: S('no') } } },
    addOne(T1, 'r', 'upd'),
    { Delete: { TableName: T1, Key: key('r', 'del') } },
    {
      ConditionCheck: {
        TableName: T2, Key: key('r', 'chk'), ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': N(6) }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    {
      Put: {
        TableName: T2, Item: key('r', 'missing'), ConditionExpression: 'attribute_exists(id)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    { Update: { ...addOne(T2, 'r', 'upd').Update, ConditionExpression: 'n = :one' } },
    { Update: { ...addOne(T2, 'r', 'upd2').Update, ConditionExpression: 'attribute_exists(id)' } },
  ]));
  assert.equal(e.name, 'TransactionCanceledException');
  assert.equal(e.message, 'Transaction cancelled, please refer cancellation reasons for specific reasons '
    + '[None, None, None, ConditionalCheckFailed, ConditionalCheckFailed, None, ConditionalCheckFailed]');
  const failed = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
  assert.deepEqual(e.CancellationReasons, [
    { Code: 'None' }, { Code: 'None' }, { Code: 'None' },
    { ...failed, Item: { ...key('r', 'chk'), version: N(7) } },
    failed, // ALL_OLD, but there was no item
    { Code: 'None' },
    failed, // no ALL_OLD
  ]);
  assert.equal(await get(T1, 'r', 'new'), undefined);
  assert.equal(await counter(T1, 'r', 'upd'), 1);
  assert.deepEqual((await get(T1, 'r', 'del')).v, S('keep'));
  assert.equal(await counter(T2, 'r', 'upd'), 1);
  assert.equal(await get(T2, 'r', 'upd2'), undefined);
  assert.equal(await count('txn=cancelled'), 1);
  assert.equal(await count('txn=applied'), 0);
});

test('requests DynamoDB refuses are ValidationException and apply nothing', async () => {
  await resetProxy();
  const many = Array.from({ length: 101 }, (_, i) => ({ Put: { TableName: T1, Item: key('v', `k${i}`) } }));
  let e = await failure(transact(many));
  assert.equal(e.name, 'ValidationException');
  assert.match(e.message, /transactItems.*less than or equal to 100/);
  assert.equal(await get(T1, 'v', 'k0'), undefined);
  await transact(many.slice(0, 100)); // 100 is allowed
  assert.ok(await get(T1, 'v', 'k99'));

  e = await failure(transact([
    addOne(T1, 'v', 'same'),
    { Delete: { TableName: T1, Key: key('v', 'same') } },
  ]));
  assert.equal(e.name, 'ValidationException');
  assert.equal(e.message, 'Transaction request cannot include multiple operations on one item');
  // the same key in two tables is two items
  await transact([addOne(T1, 'v', 'same'), addOne(T2, 'v', 'same')]);
  assert.equal(await counter(T1, 'v', 'same'), 1);

  e = await failure(transact([{ Put: { TableName: T1, Item: key('v', 'both') }, Delete: { TableName: T1, Key: key('v', 'both') } }]));
  assert.equal(e.name, 'ValidationException');
  assert.equal(e.message, 'TransactItems can only contain one of Check, Put, Update or Delete');
  e = await failure(transact([{}]));
  assert.equal(e.name, 'ValidationException');
  e = await failure(transact([]));
  assert.equal(e.name, 'ValidationException');

  e = await failure(transact([addOne(T1, 'v', 'tok')], { ClientRequestToken: 'x'.repeat(37) }));
  assert.equal(e.name, 'ValidationException');
  assert.match(e.message, /clientRequestToken.*36/);
  await transact([addOne(T1, 'v', 'tok')], { ClientRequestToken: 'x'.repeat(36) });
  assert.equal(await counter(T1, 'v', 'tok'), 1);

  // 11 items of 390 KB: each one allowed, together over 4 MB
  const big = 'b'.repeat(390 * 1024);
  e = await failure(transact(Array.from({ length: 11 }, (_, i) => ({ Put: { TableName: T1, Item: { ...key('v', `big${i}`), v: S(big) } } }))));
  assert.equal(e.name, 'ValidationException');
  assert.match(e.message, /4 MB/);
  assert.equal(await get(T1, 'v', 'big0'), undefined);

  e = await failure(transact([{ Update: { TableName: T1, Key: { id: S('v') }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': S('a') } } }]));
  assert.equal(e.name, 'ValidationException');
  e = await failure(transact([{ Put: { TableName: 'no_such_table', Item: key('v', 'x') } }]));
  assert.equal(e.name, 'ResourceNotFoundException');
  // a condition the upstream cannot parse fails the whole request; nothing stays applied
  e = await failure(transact([addOne(T1, 'v', 'bad1'), { Put: { TableName: T1, Item: key('v', 'bad2'), ConditionExpression: 'no such ((' } }]));
  assert.equal(e.name, 'ValidationException');
  assert.equal(await get(T1, 'v', 'bad1'), undefined);
  assert.equal(await count('txn=applied'), 3);
  assert.equal(await count('txn=cancelled'), 0);
});

test('a repeated token applies once; other parameters are a mismatch', async () => {
  await resetProxy();
  const items = [addOne(T1, 't', 'counter'), { Put: { TableName: T2, Item: { ...key('t', 'mark'), v: S('1') } } }];
  await transact(items, { ClientRequestToken: 'token-replay-1' });
  const again = await transact(items, { ClientRequestToken: 'token-replay-1', ReturnConsumedCapacity: 'TOTAL' });
  assert.ok(again.ConsumedCapacity, 'a replay reports capacity too');
  assert.equal(await counter(T1, 't', 'counter'), 1);
  assert.equal(await count('txn=applied'), 1);
  assert.equal(await count('txn=replayed'), 1);

  const e = await failure(transact([addOne(T1, 't', 'counter')], { ClientRequestToken: 'token-replay-1' }));
  assert.equal(e.name, 'IdempotentParameterMismatchException');
  assert.equal(await counter(T1, 't', 'counter'), 1);

  // after the window the token is new again
  await sleep(TOKEN_TTL_MS + 200);
  await transact([addOne(T1, 't', 'counter')], { ClientRequestToken: 'token-replay-1' });
  assert.equal(await counter(T1, 't', 'counter'), 2);
});

test('a token whose first call was cancelled runs again as a new request', async () => {
  await resetProxy();
  const items = [{ Update: { ...addOne(T1, 't', 'gate').Update, ConditionExpression: 'attribute_exists(id)' } }];
  const e = await failure(transact(items, { ClientRequestToken: 'token-cancelled-1' }));
  assert.equal(e.name, 'TransactionCanceledException');
  await put(T1, 't', 'gate', { n: N(10) });
  await transact(items, { ClientRequestToken: 'token-cancelled-1' });
  assert.equal(await counter(T1, 't', 'gate'), 11);
});

test('a repeat while the first call runs is TransactionInProgressException', async () => {
  await resetProxy();
  // The repeat is sent as soon as the proxy has the first call (it counts
  // it), while the first one's 100 actions run.  Should the first have
  // ended already, the repeat is a replay: then try again, a few times.
  let inProgress = 0;
  for (let attempt = 1; attempt <= 5 && !inProgress; attempt++) {
    const items = Array.from({ length: 100 }, (_, i) => addOne(T1, `p${attempt}`, `k${i}`));
    const token = `token-in-progress-${attempt}`;
    const before = await count('op=TransactWriteItems');
    const first = transact(items, { ClientRequestToken: token });
    while (await count('op=TransactWriteItems') === before) await sleep(1);
    try {
      await transact(items, { ClientRequestToken: token });
    } catch (e) {
      assert.equal(e.name, 'TransactionInProgressException');
      inProgress++;
    }
    await first;
    assert.equal(await counter(T1, `p${attempt}`, 'k0'), 1);
    assert.equal(await counter(T1, `p${attempt}`, 'k99'), 1);
  }
  assert.equal(inProgress, 1, 'a repeat arrived while the first call ran');
});

test('lose: applied, the answer lost; the retry with the same token applies nothing', async () => {
  await resetProxy();
  await control('POST', '/__proxy/rules', { op: 'TransactWriteItems', action: 'lose', count: 1 });
  const items = [addOne(T1, 'l', 'counter')];
  const e = await failure(transact(items, { ClientRequestToken: 'token-lose-1' }));
  assert.doesNotMatch(e.name, /Exception$/, `not an answer from DynamoDB: ${e.name}`);
  assert.equal(await counter(T1, 'l', 'counter'), 1);
  await transact(items, { ClientRequestToken: 'token-lose-1' });
  assert.equal(await counter(T1, 'l', 'counter'), 1);
  assert.equal(await count('txn=applied'), 1);
  assert.equal(await count('txn=replayed'), 1);
  assert.equal(await count('fault=lose'), 1);

  // the SDK's own retry sends the same token (it fills one in itself)
  await control('POST', '/__proxy/rules', { op: 'TransactWriteItems', action: 'lose', count: 1 });
  await ddbRetrying.send(new TransactWriteItemsCommand({ TransactItems: [addOne(T1, 'l', 'sdk')] }));
  assert.equal(await counter(T1, 'l', 'sdk'), 1);
  assert.equal(await count('txn=replayed'), 2);
});

test('drop and reset: nothing applied', async () => {
  await resetProxy();
  for (const action of ['drop', 'reset']) {
    await control('POST', '/__proxy/rules', { op: 'TransactWriteItems', action });
    const e = await failure(transact([addOne(T1, 'd', action)], { ClientRequestToken: `token-${action}` }));
    assert.doesNotMatch(e.name, /Exception$/);
    assert.equal(await get(T1, 'd', action), undefined);
    // the retry is the first call DynamoDB sees
    await transact([addOne(T1, 'd', action)], { ClientRequestToken: `token-${action}` });
    assert.equal(await counter(T1, 'd', action), 1);
  }
  assert.equal(await count('txn=applied'), 2);
  assert.equal(await count('txn=replayed'), 0);
});

test('injected errors and cancellations apply nothing', async () => {
  await resetProxy();
  const types = ['TransactionConflictException', 'TransactionInProgressException', 'ThrottlingException', 'InternalServerError'];
  for (const type of types) {
    await control('POST', '/__proxy/rules', { op: 'TransactWriteItems', action: 'error', type });
    const e = await failure(transact([addOne(T1, 'e', type)]));
    assert.equal(e.name, type);
    assert.equal(await get(T1, 'e', type), undefined);
  }
  await control('POST', '/__proxy/rules', { op: 'TransactWriteItems', action: 'cancel', index: 1 });
  const e = await failure(transact([addOne(T1, 'e', 'c1'), addOne(T1, 'e', 'c2')]));
  assert.equal(e.name, 'TransactionCanceledException');
  assert.deepEqual(e.CancellationReasons, [
    { Code: 'None' },
    { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
  ]);
  assert.match(e.message, /\[None, TransactionConflict\]$/);
  assert.equal(await get(T1, 'e', 'c2'), undefined);
  assert.equal(await count('txn=applied'), 0);
  assert.equal(await count('fault=*'), 5);
  const bad = await fetch(`${proxyUrl}/__proxy/rules`, { method: 'POST', body: JSON.stringify({ op: 'GetItem', action: 'cancel' }) });
  assert.equal(bad.status, 400, 'cancel is for TransactWriteItems only');
});

test('a held transaction blocks no one', async () => {
  await resetProxy();
  await control('POST', '/__proxy/rules', { op: 'TransactWriteItems', action: 'hold', seconds: 0.6 });
  const started = Date.now();
  const held = transact([addOne(T1, 'h', 'held')]);
  await sleep(50);
  await get(T1, 'h', 'held');
  await transact([addOne(T1, 'h', 'other')]);
  assert.ok(Date.now() - started < 500, 'reads and other transactions went past the held one');
  await held;
  assert.ok(Date.now() - started >= 600);
  assert.equal(await counter(T1, 'h', 'held'), 1);
});

test('SigV4 is checked on transactions', async () => {
  await resetProxy();
  const wrong = new DynamoDBClient({
    endpoint: proxyUrl, region: REGION, maxAttempts: 1,
    credentials: { ...CREDENTIALS, secretAccessKey: 'not the secret' },
  });
  try {
    const e = await failure(wrong.send(new TransactWriteItemsCommand({ TransactItems: [addOne(T1, 's', 'x')] })));
    assert.equal(e.name, 'InvalidSignatureException');
    const g = await failure(wrong.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: T1, Key: key('s', 'x') } }] })));
    assert.equal(g.name, 'InvalidSignatureException');
  } finally {
    wrong.destroy();
  }
  assert.equal(await get(T1, 's', 'x'), undefined);
  assert.equal(await count('rejected=InvalidSignatureException'), 2);
  assert.equal(await count('txn=*'), 0);
});

test('TransactGetItems reads every item', async () => {
  await resetProxy();
  await put(T1, 'g', 'a', { v: S('one'), w: S('more') });
  await put(T2, 'g', 'b', { v: S('two') });
  const r = await ddb.send(new TransactGetItemsCommand({
    TransactItems: [
      { Get: { TableName: T1, Key: key('g', 'a'), ProjectionExpression: '#v', ExpressionAttributeNames: { '#v': 'v' } } },
      { Get: { TableName: T1, Key: key('g', 'none') } },
      { Get: { TableName: T2, Key: key('g', 'b') } },
    ],
    ReturnConsumedCapacity: 'TOTAL',
  }));
  assert.deepEqual(r.Responses, [{ Item: { v: S('one') } }, {}, { Item: { ...key('g', 'b'), v: S('two') } }]);
  assert.deepEqual(r.ConsumedCapacity, [{ TableName: T1, CapacityUnits: 4 }, { TableName: T2, CapacityUnits: 2 }]);
  const e = await failure(ddb.send(new TransactGetItemsCommand({
    TransactItems: [{ Get: { TableName: T1, Key: key('g', 'a') } }, { Get: { TableName: T1, Key: key('g', 'a') } }],
  })));
  assert.equal(e.name, 'ValidationException');
  assert.equal(await count('op=TransactGetItems'), 2);
});

test('readers never see a transaction half applied', async () => {
  await resetProxy();
  await put(T1, 'iso', 'x', { n: N(0) });
  await put(T2, 'iso', 'y', { n: N(0) });
  const X = { TableName: T1, Key: key('iso', 'x') };
  const Y = { TableName: T2, Key: key('iso', 'y') };
  const TOTAL = 150;
  let done = false;
  const problems = [];
  let reads = 0;

  const writer = (async () => {
    try {
      for (let i = 0; i < TOTAL; i++) {
        const set = (k) => ({
          Update: {
            ...k, UpdateExpression: 'SET n = :new', ConditionExpression: 'n = :old',
            ExpressionAttributeValues: { ':new': N(i + 1), ':old': N(i) },
          },
        });
        // both orders, so that either item could be the one ahead
        await transact(i % 2 ? [set(X), set(Y)] : [set(Y), set(X)], {}, ddbRetrying);
      }
    } finally {
      done = true;
    }
  })();

  const n = (item) => Number(item.n.N);
  const batchReader = async () => {
    while (!done) {
      const r = await ddbRetrying.send(new BatchGetItemCommand({
        RequestItems: { [T1]: { Keys: [X.Key], ConsistentRead: true }, [T2]: { Keys: [Y.Key], ConsistentRead: true } },
      }));
      reads++;
      const a = n(r.Responses[T1][0]);
      const b = n(r.Responses[T2][0]);
      if (a !== b) problems.push(`BatchGetItem saw x=${a} y=${b}`);
    }
  };
  const txnReader = async () => {
    while (!done) {
      const r = await ddbRetrying.send(new TransactGetItemsCommand({ TransactItems: [{ Get: X }, { Get: Y }] }));
      reads++;
      const a = n(r.Responses[0].Item);
      const b = n(r.Responses[1].Item);
      if (a !== b) problems.push(`TransactGetItems saw x=${a} y=${b}`);
    }
  };
  // One GetItem after another: each must see at least what the one before
  // saw, whichever item it reads; a half-applied state breaks that.
  const getReader = async (first) => {
    let seen = 0;
    let turn = first;
    while (!done) {
      const r = await ddbRetrying.send(new GetItemCommand({ ...(turn ? X : Y), ConsistentRead: true }));
      reads++;
      const v = n(r.Item);
      if (v < seen) problems.push(`GetItem of ${turn ? 'x' : 'y'} saw ${v} after ${seen}`);
      seen = Math.max(seen, v);
      turn = !turn;
    }
  };
  await Promise.all([writer, batchReader(), batchReader(), txnReader(), txnReader(), getReader(true), getReader(false)]);
  assert.deepEqual(problems.slice(0, 10), []);
  assert.ok(reads > 50, `the readers ran alongside (${reads} reads)`);
  assert.equal(await counter(T1, 'iso', 'x'), TOTAL);
  assert.equal(await counter(T2, 'iso', 'y'), TOTAL);
  assert.equal(await count('txn=applied'), TOTAL);
});

// Not a transaction matter, but this is where the proxy's rules are tested:
// the race test (sql/write_race.sql) relies on random faults being seeded.
test('a rule with a probability takes that share of requests, the same ones for the same seed', async () => {
  const pattern = async (rules) => {
    await resetProxy();
    await control('POST', '/__proxy/rules', rules);
    const got = [];
    for (let i = 0; i < 200; i++) {
      try {
        await get(T1, 'random', 'k');
        got.push('-');
      } catch (e) {
        got.push(e.name === 'ProvisionedThroughputExceededException' ? 'P' : e.name === 'ThrottlingException' ? 'T' : e.name);
      }
    }
    return got.join('');
  };
  const third = { op: 'GetItem', action: 'error', type: 'ProvisionedThroughputExceededException', count: 0, probability: 0.3, seed: 42 };
  const a = await pattern([third]);
  const taken = a.split('').filter((c) => c === 'P').length;
  assert.ok(taken > 30 && taken < 90, `about 60 of 200 taken (${taken})`);
  assert.equal(await count('fault=error'), taken);
  assert.equal(await pattern([third]), a, 'the same seed, the same requests');
  assert.notEqual(await pattern([{ ...third, seed: 43 }]), a, 'another seed, other requests');

  // a request a rule does not take goes on to the next rule; count counts only those taken
  const b = await pattern([{ ...third, count: 20 }, { op: 'GetItem', action: 'error', type: 'ThrottlingException', count: 0 }]);
  assert.equal(b.split('').filter((c) => c === 'P').length, 20);
  assert.equal(b.split('').filter((c) => c === 'T').length, 180);
  let upTo20 = -1;
  for (let n = 0; n < 20; n++) upTo20 = a.indexOf('P', upTo20 + 1);
  assert.equal(b.slice(0, upTo20 + 1), a.slice(0, upTo20 + 1).replace(/-/g, 'T'), 'the first rule draws as before');

  for (const probability of [0, 1.5, 'x']) {
    const bad = await fetch(`${proxyUrl}/__proxy/rules`, { method: 'POST', body: JSON.stringify({ ...third, probability }) });
    assert.equal(bad.status, 400, `probability ${probability} refused`);
  }
  await resetProxy();
});
