// DynamoDB's TransactWriteItems and TransactGetItems, emulated by the test
// proxy (proxy.js) on top of an upstream that has neither (dynalite).
//
// Isolation comes from one readers/writer lock (RWLock below) that proxy.js
// holds shared for every request it forwards and that a write transaction
// holds exclusively: no request through the proxy sees a transaction half
// applied.  Requests sent to the upstream directly bypass the lock.
//
// A write transaction, under the exclusive lock: reads the current item of
// every action (GetItem, ConsistentRead), applies every action with its own
// condition (Put -> PutItem, Update -> UpdateItem, Delete -> DeleteItem,
// ConditionCheck -> a PutItem of the item as it is, conditioned, undone
// after), so that the upstream evaluates the conditions; when any condition
// fails, every item touched is put back (PutItem of the old item, DeleteItem
// when there was none) and the answer is TransactionCanceledException with
// one reason per action.  Idempotency tokens (ClientRequestToken) are kept
// in memory for PROXY_TXN_TOKEN_TTL_MS (default 10 minutes).
'use strict';

const http = require('http');
const crypto = require('crypto');

const MAX_ACTIONS = 100;
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const MAX_TOKEN_LENGTH = 36;
const DEFAULT_TOKEN_TTL_MS = 10 * 60 * 1000;
const WRITE_KINDS = ['Put', 'Update', 'Delete', 'ConditionCheck'];
const NS = 'com.amazonaws.dynamodb.v20120810';

// Messages DynamoDB gives with each cancellation reason code.
const REASON_MESSAGES = {
  ConditionalCheckFailed: 'The conditional request failed',
  TransactionConflict: 'Transaction is ongoing for the item',
  ThrottlingError: 'Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.',
  ProvisionedThroughputExceeded: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  ItemCollectionSizeLimitExceeded: 'Collection size exceeded.',
  ValidationError: 'Item size has exceeded the maximum allowed size',
};

// ---------------------------------------------------------------- the lock

// A readers/writer lock, first come first served: a waiting exclusive holder
// blocks shared holders that come after it, so neither side starves.
// shared() and exclusive() resolve to a release function (safe to call twice).
class RWLock {
  constructor() {
    this.readers = 0;
    this.writer = false;
    this.queue = []; // { exclusive, grant }
  }

  shared() { return this.acquire(false); }

  exclusive() { return this.acquire(true); }

  acquire(exclusive) {
    return new Promise((resolve) => {
      this.queue.push({ exclusive, grant: () => resolve(this.releaser(exclusive)) });
      this.dispatch();
    });
  }

  releaser(exclusive) {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (exclusive) this.writer = false;
      else this.readers--;
      this.dispatch();
    };
  }

  dispatch() {
    while (this.queue.length && !this.writer) {
      const head = this.queue[0];
      if (head.exclusive) {
        if (this.readers > 0) return;
        this.writer = true;
      } else {
        this.readers++;
      }
      this.queue.shift();
      head.grant();
    }
  }
}

// ---------------------------------------------------------------- answers

class TxnAnswer {
  constructor(status, body, outcome) {
    this.status = status;
    this.body = body;
    this.outcome = outcome; // applied | cancelled | replayed | refused | read
  }
}

function errorAnswer(status, type, message, extra = {}) {
  const body = { __type: type.includes('#') ? type : `${NS}#${type}`, ...extra };
  if (message !== undefined) body.message = message;
  return new TxnAnswer(status, body, 'refused');
}

function validation(message) {
  return errorAnswer(400, 'com.amazon.coral.validate#ValidationException', message);
}

// The answer to a cancelled transaction.  AWS spells this one's message
// "Message"; the SDKs read either spelling.
function cancelledAnswer(reasons) {
  const codes = reasons.map((r) => r.Code).join(', ');
  return new TxnAnswer(400, {
    __type: `${NS}#TransactionCanceledException`,
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
    CancellationReasons: reasons,
  }, 'cancelled');
}

function reason(code, message) {
  const r = { Code: code };
  const m = message !== undefined ? message : REASON_MESSAGES[code];
  if (m !== undefined && code !== 'None') r.Message = m;
  return r;
}

// Thrown inside the emulation to answer at once.
class Refusal extends Error {
  constructor(answer) { super('refused'); this.answer = answer; }
}

// ---------------------------------------------------------------- helpers

function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }

// JSON with object members in sorted order: equal requests, equal text.
function canonicalJson(v) {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

// A key value as one string, so that 1 and 1.0 name the same item.
function keyValueText(av) {
  if (!isObject(av)) return JSON.stringify(av);
  if (typeof av.N === 'string') {
    let [int, frac = ''] = av.N.replace(/^\+/, '').split('.');
    const neg = int.startsWith('-');
    int = int.replace(/^-/, '').replace(/^0+(?=\d)/, '');
    frac = frac.replace(/0+$/, '');
    const n = (int === '0' && !frac ? '' : neg ? '-' : '') + int + (frac ? `.${frac}` : '');
    return `N:${n}`;
  }
  return canonicalJson(av);
}

function withoutUndefined(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out;
}

function isType(answer, type) {
  return answer.body && typeof answer.body.__type === 'string' && answer.body.__type.endsWith(`#${type}`);
}

function messageOf(answer) {
  return answer.body ? answer.body.message || answer.body.Message || '' : '';
}

// ---------------------------------------------------------------- the emulation

// upstream: URL of the DynamoDB below; agent: its http.Agent; region: for the
// placeholder Authorization header the upstream wants to see (it checks no
// signature; the proxy's own credentials are never sent).
function createTxnEmulation({ upstream, agent, region, tokenTtlMs }) {
  const lock = new RWLock();
  const keySchemas = new Map(); // table -> ['id', 'name'] (HASH first)
  const tokens = new Map(); // token -> { signature, state: 'running'|'done', expires, reads }
  const ttl = Number.isFinite(tokenTtlMs) && tokenTtlMs >= 0 ? tokenTtlMs : DEFAULT_TOKEN_TTL_MS;

  // One request to the upstream; resolves to a TxnAnswer (status and parsed
  // body), rejects only when the upstream cannot be reached.
  function call(op, params) {
    const body = Buffer.from(JSON.stringify(params));
    const now = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    return new Promise((resolve, reject) => {
      const req = http.request({
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: 'POST',
        path: '/',
        agent,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': body.length,
          'x-amz-target': `DynamoDB_20120810.${op}`,
          'x-amz-date': now,
          authorization: `AWS4-HMAC-SHA256 Credential=txn-emulation/${now.slice(0, 8)}/${region}/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0`,
        },
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed;
          try { parsed = text ? JSON.parse(text) : {}; } catch (e) { parsed = { __type: 'InternalServerError', message: text.slice(0, 200) }; }
          resolve(new TxnAnswer(res.statusCode, parsed, res.statusCode === 200 ? 'ok' : 'refused'));
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async function keySchema(table) {
    if (keySchemas.has(table)) return keySchemas.get(table);
    const answer = await call('DescribeTable', { TableName: table });
    if (answer.status !== 200) throw new Refusal(answer);
    const schema = answer.body.Table.KeySchema;
    const names = [...schema].sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0))
      .map((k) => k.AttributeName);
    keySchemas.set(table, names);
    return names;
  }

  // Drops what is known of a table (its key schema): proxy.js calls it when
  // a CreateTable, DeleteTable or UpdateTable passes.
  function forgetTable(table) {
    if (table) keySchemas.delete(table);
    else keySchemas.clear();
  }

  // The key of an action's item, and a text naming the item (table + key).
  async function itemKey(table, source, fromItem, where) {
    const names = await keySchema(table);
    const key = {};
    for (const n of names) {
      if (!isObject(source) || source[n] === undefined) {
        throw new Refusal(validation(fromItem
          ? `One or more parameter values were invalid: Missing the key ${n} in the item`
          : 'The provided key element does not match the schema'));
      }
      key[n] = source[n];
    }
    if (!fromItem && Object.keys(source).length !== names.length) {
      throw new Refusal(validation('The provided key element does not match the schema'));
    }
    const id = [table, ...names.map((n) => keyValueText(key[n]))].join('\u0000');
    return { key, id, where };
  }

  function required(value, where, test = (v) => typeof v === 'string') {
    if (value === undefined || value === null) {
      throw new Refusal(validation(`1 validation error detected: Value null at '${where}' failed to satisfy constraint: Member must not be null`));
    }
    if (!test(value)) throw new Refusal(validation(`1 validation error detected: Value at '${where}' has the wrong type`));
  }

  function checkTransactItems(items, size) {
    if (items === undefined || items === null) {
      throw new Refusal(validation("1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null"));
    }
    if (!Array.isArray(items)) throw new Refusal(validation("1 validation error detected: Value at 'transactItems' is not a list"));
    if (items.length === 0) {
      throw new Refusal(validation("1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1"));
    }
    if (items.length > MAX_ACTIONS) {
      throw new Refusal(validation(`1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ACTIONS}`));
    }
    if (size > MAX_REQUEST_BYTES) {
      throw new Refusal(validation('Transaction request size exceeds the maximum of 4 MB'));
    }
  }

  // Checks a TransactWriteItems request as DynamoDB does before doing
  // anything; returns its actions: { kind, spec, key, id }.
  async function parseWrite(req, size) {
    checkTransactItems(req.TransactItems, size);
    const token = req.ClientRequestToken;
    if (token !== undefined && token !== null) {
      if (typeof token !== 'string' || token.length < 1 || token.length > MAX_TOKEN_LENGTH) {
        throw new Refusal(validation(`1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TOKEN_LENGTH}`));
      }
    }
    const actions = [];
    const seen = new Set();
    for (const [i, entry] of req.TransactItems.entries()) {
      const kinds = isObject(entry) ? Object.keys(entry).filter((k) => entry[k] !== null && entry[k] !== undefined) : [];
      if (kinds.length !== 1 || !WRITE_KINDS.includes(kinds[0])) {
        throw new Refusal(validation('TransactItems can only contain one of Check, Put, Update or Delete'));
      }
      const kind = kinds[0];
      const spec = entry[kind];
      const where = `transactItems.${i + 1}.member.${kind[0].toLowerCase()}${kind.slice(1)}`;
      if (!isObject(spec)) throw new Refusal(validation(`1 validation error detected: Value at '${where}' is not a structure`));
      required(spec.TableName, `${where}.tableName`);
      if (kind === 'Put') required(spec.Item, `${where}.item`, isObject);
      else required(spec.Key, `${where}.key`, isObject);
      if (kind === 'Update') required(spec.UpdateExpression, `${where}.updateExpression`);
      if (kind === 'ConditionCheck') required(spec.ConditionExpression, `${where}.conditionExpression`);
      const rv = spec.ReturnValuesOnConditionCheckFailure;
      if (rv !== undefined && rv !== null && rv !== 'ALL_OLD' && rv !== 'NONE') {
        throw new Refusal(validation(`1 validation error detected: Value '${String(rv).slice(0, 40)}' at '${where}.returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`));
      }
      const k = await itemKey(spec.TableName, kind === 'Put' ? spec.Item : spec.Key, kind === 'Put', where);
      if (seen.has(k.id)) throw new Refusal(validation('Transaction request cannot include multiple operations on one item'));
      seen.add(k.id);
      actions.push({ kind, spec, key: k.key, id: k.id });
    }
    return actions;
  }

  // The upstream request that applies one action (and evaluates its condition).
  function applyRequest(action, old) {
    const s = action.spec;
    const common = {
      TableName: s.TableName,
      ConditionExpression: s.ConditionExpression,
      ExpressionAttributeNames: s.ExpressionAttributeNames,
      ExpressionAttributeValues: s.ExpressionAttributeValues,
      ReturnConsumedCapacity: 'TOTAL',
    };
    switch (action.kind) {
      case 'Put': return ['PutItem', withoutUndefined({ ...common, Item: s.Item })];
      case 'Update': return ['UpdateItem', withoutUndefined({ ...common, Key: s.Key, UpdateExpression: s.UpdateExpression })];
      case 'Delete': return ['DeleteItem', withoutUndefined({ ...common, Key: s.Key })];
      default: // ConditionCheck: rewrite the item as it is, under the condition
        return ['PutItem', withoutUndefined({ ...common, Item: old || action.key })];
    }
  }

  // Puts an item back as it was before the transaction.
  async function restore(action, old) {
    const answer = old
      ? await call('PutItem', { TableName: action.spec.TableName, Item: old })
      : await call('DeleteItem', { TableName: action.spec.TableName, Key: action.key });
    if (answer.status !== 200) throw new Error(`restore of an item failed: ${messageOf(answer).slice(0, 200)}`);
  }

  function consumedCapacity(req, perTable) {
    if (req.ReturnConsumedCapacity !== 'TOTAL' && req.ReturnConsumedCapacity !== 'INDEXES') return undefined;
    return [...perTable.entries()].map(([table, units]) => withoutUndefined({
      TableName: table,
      CapacityUnits: units,
      Table: req.ReturnConsumedCapacity === 'INDEXES' ? { CapacityUnits: units } : undefined,
    }));
  }

  // Runs the parsed actions under the exclusive lock.  Resolves to the answer.
  async function execute(req, actions) {
    const olds = await Promise.all(actions.map(async (a) => {
      const answer = await call('GetItem', { TableName: a.spec.TableName, Key: a.key, ConsistentRead: true });
      if (answer.status !== 200) throw new Refusal(answer);
      return answer.body.Item || null;
    }));
    // Every action is tried, so that every failing condition is reported.
    const results = await Promise.all(actions.map((a, i) => call(...applyRequest(a, olds[i]))));
    const touched = []; // indexes of actions that changed an item
    const reasons = [];
    let fatal = null;
    let cancelled = false;
    const perTable = new Map();
    results.forEach((answer, i) => {
      const a = actions[i];
      if (answer.status === 200) {
        if (a.kind !== 'ConditionCheck' || !olds[i]) touched.push(i);
        const units = answer.body.ConsumedCapacity ? answer.body.ConsumedCapacity.CapacityUnits : 1;
        // Transactions cost twice: DynamoDB prepares and then commits each item.
        perTable.set(a.spec.TableName, (perTable.get(a.spec.TableName) || 0) + 2 * units);
        reasons.push(reason('None'));
      } else if (isType(answer, 'ConditionalCheckFailedException')) {
        cancelled = true;
        const r = reason('ConditionalCheckFailed');
        if (a.spec.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && olds[i]) r.Item = olds[i];
        reasons.push(r);
      } else if (isType(answer, 'ValidationException') && /maximum allowed size/.test(messageOf(answer))) {
        cancelled = true;
        reasons.push(reason('ValidationError', messageOf(answer)));
      } else {
        if (!fatal) fatal = answer;
        reasons.push(reason('None'));
      }
    });
    const ok = !fatal && !cancelled;
    // Undo: everything when the transaction fails; a ConditionCheck's
    // stand-in item (there was none) in any case.
    for (const i of touched) {
      if (!ok || actions[i].kind === 'ConditionCheck') await restore(actions[i], olds[i]);
    }
    if (fatal) {
      for (const a of actions) forgetTable(a.spec.TableName);
      return new TxnAnswer(fatal.status, fatal.body, 'refused');
    }
    if (cancelled) return cancelledAnswer(reasons);
    const body = withoutUndefined({ ConsumedCapacity: consumedCapacity(req, perTable) });
    return new TxnAnswer(200, body, 'applied');
  }

  function sweepTokens() {
    const now = Date.now();
    for (const [t, e] of tokens) if (e.state === 'done' && e.expires <= now) tokens.delete(t);
  }

  // TransactWriteItems: resolves to a TxnAnswer, never rejects (an upstream
  // that cannot be reached is an InternalServerError).
  async function transactWrite(body) {
    let req;
    try { req = JSON.parse(body.toString('utf8')); } catch (e) {
      return errorAnswer(400, 'com.amazon.coral.service#SerializationException', undefined);
    }
    if (!isObject(req)) return errorAnswer(400, 'com.amazon.coral.service#SerializationException', undefined);
    let actions;
    try {
      actions = await parseWrite(req, body.length);
    } catch (e) {
      return unexpected(e);
    }

    const token = req.ClientRequestToken;
    let entry = null;
    if (token) {
      sweepTokens();
      const signature = crypto.createHash('sha256').update(canonicalJson(req.TransactItems)).digest('hex');
      const prior = tokens.get(token);
      if (prior && prior.signature !== signature) {
        return errorAnswer(400, 'IdempotentParameterMismatchException',
          'The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.');
      }
      if (prior && prior.state === 'running') {
        return errorAnswer(400, 'TransactionInProgressException', 'The transaction with the given request token is already in progress.');
      }
      if (prior) {
        // Applied before: success again, nothing applied.  AWS then reports
        // the read capacity of reading the items; one unit an item here.
        const perTable = new Map();
        for (const a of actions) perTable.set(a.spec.TableName, (perTable.get(a.spec.TableName) || 0) + 1);
        return new TxnAnswer(200, withoutUndefined({ ConsumedCapacity: consumedCapacity(req, perTable) }), 'replayed');
      }
      entry = { signature, state: 'running', expires: Infinity };
      tokens.set(token, entry);
    }

    const release = await lock.exclusive();
    let answer;
    try {
      answer = await execute(req, actions);
    } catch (e) {
      answer = unexpected(e);
    } finally {
      release();
    }
    if (entry) {
      if (answer.outcome === 'applied') {
        entry.state = 'done';
        entry.expires = Date.now() + ttl;
      } else {
        tokens.delete(token); // a cancelled or refused call leaves nothing behind
      }
    }
    return answer;
  }

  // TransactGetItems: every item read with a consistent GetItem, all within
  // one hold of the shared lock, so no write transaction falls in between.
  async function transactGet(body) {
    let req;
    try { req = JSON.parse(body.toString('utf8')); } catch (e) {
      return errorAnswer(400, 'com.amazon.coral.service#SerializationException', undefined);
    }
    if (!isObject(req)) return errorAnswer(400, 'com.amazon.coral.service#SerializationException', undefined);
    const gets = [];
    try {
      checkTransactItems(req.TransactItems, 0);
      const seen = new Set();
      for (const [i, entry] of req.TransactItems.entries()) {
        const kinds = isObject(entry) ? Object.keys(entry) : [];
        if (kinds.length !== 1 || kinds[0] !== 'Get' || !isObject(entry.Get)) {
          throw new Refusal(validation(`1 validation error detected: Value null at 'transactItems.${i + 1}.member.get' failed to satisfy constraint: Member must not be null`));
        }
        const g = entry.Get;
        const where = `transactItems.${i + 1}.member.get`;
        required(g.TableName, `${where}.tableName`);
        required(g.Key, `${where}.key`, isObject);
        const k = await itemKey(g.TableName, g.Key, false, where);
        if (seen.has(k.id)) throw new Refusal(validation('Transaction request cannot include multiple operations on one item'));
        seen.add(k.id);
        gets.push(g);
      }
    } catch (e) {
      return unexpected(e);
    }
    const release = await lock.shared();
    try {
      const answers = await Promise.all(gets.map((g) => call('GetItem', withoutUndefined({
        TableName: g.TableName,
        Key: g.Key,
        ProjectionExpression: g.ProjectionExpression,
        ExpressionAttributeNames: g.ExpressionAttributeNames,
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }))));
      const failed = answers.find((a) => a.status !== 200);
      if (failed) return new TxnAnswer(failed.status, failed.body, 'refused');
      const perTable = new Map();
      answers.forEach((a, i) => {
        const units = a.body.ConsumedCapacity ? a.body.ConsumedCapacity.CapacityUnits : 1;
        perTable.set(gets[i].TableName, (perTable.get(gets[i].TableName) || 0) + 2 * units);
      });
      const responses = answers.map((a) => (a.body.Item ? { Item: a.body.Item } : {}));
      return new TxnAnswer(200, withoutUndefined({ Responses: responses, ConsumedCapacity: consumedCapacity(req, perTable) }), 'read');
    } catch (e) {
      return unexpected(e);
    } finally {
      release();
    }
  }

  function unexpected(e) {
    if (e instanceof Refusal) return e.answer;
    return errorAnswer(500, 'InternalServerError', `proxy: transaction emulation failed: ${e.code || e.message}`);
  }

  return { lock, transactWrite, transactGet, forgetTable };
}

module.exports = { createTxnEmulation, RWLock, REASON_MESSAGES, cancelledAnswer, reason };
