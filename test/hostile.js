#!/usr/bin/env node
// A hostile DynamoDB for tests: forwards every request to an upstream
// (dynalite) unchanged, except the ones a rule picks, which it answers with
// the body a test chose: answers that DynamoDB never sends (a buggy
// emulator, a proxy, a man in the middle on http).  It checks no signature.
//
//   node hostile.js --port PORT --upstream URL [--host 127.0.0.1] [--log FILE]
//
// Control API on the same port:
//   POST   /__hostile/rules   {"op":"GetItem"|"*", "table":"T", "key":"AKID",
//                              "action":"answer"|"badcrc"|"unprocessed",
//                              "status":200, "body":"<text>", "crc32":"good"|"bad"|"none",
//                              "count":1 (0 = unlimited), "skip":0,
//                              "segment":N, "delay_ms":0}
//       answer       answer with status and body (x-amz-crc32 right, wrong or absent)
//       badcrc       forward, and answer upstream's body with a wrong x-amz-crc32
//       unprocessed  BatchGetItem: answer that every key asked for is unprocessed
//     "key" matches requests signed with that access key id only; "segment"
//     a Scan of that Segment only.  "delay_ms" holds an answer that long, as
//     a round trip would (bench/canned.js's segmented Scan).
//   GET    /__hostile/rules   the rules in force
//   DELETE /__hostile/rules   remove all rules
//   GET    /__hostile/count?op=X   plain-text number of requests of op X received ("*" = all)
//   POST   /__hostile/stats/reset  zero the counters
//   GET    /__hostile/health       "ok"
'use strict';

const http = require('http');
const fs = require('fs');
const zlib = require('zlib');

function usage(msg) {
  process.stderr.write(`hostile.js: ${msg}\n` +
    'usage: node hostile.js --port PORT --upstream URL [--host H] [--log FILE]\n');
  process.exit(2);
}

const opts = { host: '127.0.0.1', port: '0', upstream: '', log: '' };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) usage(`unexpected argument: ${argv[i]}`);
    const val = m[2] !== undefined ? m[2] : argv[++i];
    if (val === undefined) usage(`missing value for --${m[1]}`);
    if (!(m[1] in opts)) usage(`unknown option --${m[1]}`);
    opts[m[1]] = val;
  }
}
if (!opts.upstream) usage('--upstream URL is required');
if (!/^\d+$/.test(opts.port)) usage('--port must be a number');
const upstream = new URL(opts.upstream);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

const logStream = opts.log ? fs.createWriteStream(opts.log, { flags: 'a' }) : null;
function logLine(fields) {
  const parts = [new Date().toISOString()];
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined && v !== null && v !== '') parts.push(`${k}=${String(v).replace(/\s+/g, '_')}`);
  }
  (logStream || process.stdout).write(parts.join(' ') + '\n');
}

function crc32(buf) {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(buf) >>> 0;
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

// ---------------------------------------------------------------- rules

let rules = [];
let nextId = 1;
let received = {};

function validateRule(r) {
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw new Error('a rule is a JSON object');
  const action = r.action || 'answer';
  if (!['answer', 'badcrc', 'unprocessed'].includes(action)) throw new Error('action must be answer, badcrc or unprocessed');
  if (typeof r.op !== 'string' || !r.op) throw new Error('op is required (an X-Amz-Target operation or "*")');
  const count = r.count === undefined ? 1 : Number(r.count);
  const skip = r.skip === undefined ? 0 : Number(r.skip);
  if (!Number.isInteger(count) || count < 0) throw new Error('count must be an integer >= 0');
  if (!Number.isInteger(skip) || skip < 0) throw new Error('skip must be an integer >= 0');
  const segment = r.segment === undefined ? null : Number(r.segment);
  const delay = r.delay_ms === undefined ? 0 : Number(r.delay_ms);
  if (segment !== null && (!Number.isInteger(segment) || segment < 0)) throw new Error('segment must be an integer >= 0');
  if (!Number.isFinite(delay) || delay < 0) throw new Error('delay_ms must be a number >= 0');
  const rule = { id: nextId++, op: r.op, table: r.table || null, key: r.key || null, segment, delay, action, count, skip };
  if (action === 'answer') {
    if (typeof r.body !== 'string') throw new Error('answer needs a body (a string, sent as it is)');
    rule.body = r.body;
    rule.status = r.status === undefined ? 200 : Number(r.status);
    if (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599) throw new Error('status must be 100..599');
    rule.crc32 = r.crc32 || 'good';
    if (!['good', 'bad', 'none'].includes(rule.crc32)) throw new Error('crc32 must be good, bad or none');
  }
  return rule;
}

function takeRule(op, tables, key, segment) {
  for (const rule of rules) {
    if (rule.op !== '*' && rule.op !== op) continue;
    if (rule.table && !tables.includes(rule.table)) continue;
    if (rule.key && rule.key !== key) continue;
    if (rule.segment !== null && rule.segment !== segment) continue;
    if (rule.skip > 0) { rule.skip--; continue; }
    if (rule.count > 0 && --rule.count === 0) rules = rules.filter((r) => r !== rule);
    return rule;
  }
  return null;
}

// ---------------------------------------------------------------- requests

function targetOp(req) {
  const t = req.headers['x-amz-target'] || '';
  return t.slice(t.lastIndexOf('.') + 1);
}

function accessKey(req) {
  const m = /Credential=([^/,\s]+)\//.exec(req.headers.authorization || '');
  return m ? m[1] : null;
}

function parse(body) {
  try { return JSON.parse(body.toString('utf8')); } catch (e) { return null; }
}

function tablesOf(j) {
  if (j && typeof j.TableName === 'string') return [j.TableName];
  if (j && j.RequestItems && typeof j.RequestItems === 'object') return Object.keys(j.RequestItems);
  return [];
}

function send(res, status, body, crc) {
  const buf = Buffer.from(body);
  const headers = { 'content-type': 'application/x-amz-json-1.0', 'content-length': buf.length };
  if (crc === 'good') headers['x-amz-crc32'] = String(crc32(buf));
  else if (crc === 'bad') headers['x-amz-crc32'] = String((crc32(buf) ^ 0x5a5a5a5a) >>> 0);
  res.writeHead(status, headers);
  res.end(buf);
}

function forward(req, res, body, corruptCrc, log) {
  const headers = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (!['connection', 'keep-alive', 'content-length', 'transfer-encoding', 'expect'].includes(name)) headers[req.rawHeaders[i]] = req.rawHeaders[i + 1];
  }
  headers['content-length'] = String(body.length);
  const up = http.request({
    hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent,
  }, (ures) => {
    const chunks = [];
    ures.on('data', (c) => chunks.push(c));
    ures.on('end', () => {
      const answer = Buffer.concat(chunks);
      send(res, ures.statusCode, answer, corruptCrc ? 'bad' : 'good');
      log(ures.statusCode, corruptCrc ? 'badcrc' : 'forwarded');
    });
  });
  up.on('error', (e) => {
    send(res, 500, JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'hostile: upstream unreachable' }), 'good');
    log(500, `upstream-error:${e.code || e.message}`);
  });
  up.end(body);
}

function handleControl(req, res, body) {
  const url = new URL(req.url, 'http://hostile');
  const reply = (status, obj, type = 'application/json') => {
    const buf = Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj) + '\n');
    res.writeHead(status, { 'content-type': type, 'content-length': buf.length });
    res.end(buf);
  };
  try {
    if (url.pathname === '/__hostile/rules' && req.method === 'POST') {
      const parsed = parse(body);
      if (parsed === null) throw new Error('body is not JSON');
      const added = (Array.isArray(parsed) ? parsed : [parsed]).map(validateRule);
      rules.push(...added);
      logLine({ control: 'rule-added', rules: added.map((r) => `${r.action}:${r.op}x${r.count}`).join(',') });
      return reply(200, { added });
    }
    if (url.pathname === '/__hostile/rules' && req.method === 'DELETE') {
      const removed = rules.length;
      rules = [];
      return reply(200, { removed });
    }
    if (url.pathname === '/__hostile/rules' && req.method === 'GET') return reply(200, { rules });
    if (url.pathname === '/__hostile/stats/reset' && req.method === 'POST') {
      received = {};
      return reply(200, { received });
    }
    if (url.pathname === '/__hostile/count' && req.method === 'GET') {
      const op = url.searchParams.get('op') || '*';
      const n = op === '*' ? Object.values(received).reduce((a, b) => a + b, 0) : received[op] || 0;
      return reply(200, `${n}\n`, 'text/plain');
    }
    if (url.pathname === '/__hostile/health') return reply(200, 'ok\n', 'text/plain');
    return reply(404, { error: `no such control endpoint: ${req.method} ${url.pathname}` });
  } catch (e) {
    return reply(400, { error: e.message });
  }
}

function handle(req, res) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('error', () => {});
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if ((req.url || '').startsWith('/__hostile/')) return handleControl(req, res, body);

    const op = targetOp(req) || '-';
    const j = parse(body);
    const tables = tablesOf(j);
    received[op] = (received[op] || 0) + 1;
    const log = (status, outcome) => logLine({ op, table: tables.join(',') || '-', status, outcome });
    const rule = takeRule(op, tables, accessKey(req), j && Number.isInteger(j.Segment) ? j.Segment : null);

    if (rule === null) return forward(req, res, body, false, log);
    if (rule.action === 'badcrc') return forward(req, res, body, true, log);
    if (rule.action === 'unprocessed') {
      const unprocessed = {};
      const responses = {};
      for (const [t, r] of Object.entries((j && j.RequestItems) || {})) {
        unprocessed[t] = r;
        responses[t] = [];
      }
      send(res, 200, JSON.stringify({ Responses: responses, UnprocessedKeys: unprocessed }), 'good');
      return log(200, 'unprocessed');
    }
    if (rule.delay > 0) {
      return setTimeout(() => {
        if (req.socket.destroyed) return log('-', `answer:${rule.id}:client-gone`);
        send(res, rule.status, rule.body, rule.crc32);
        return log(rule.status, `answer:${rule.id}:delayed`);
      }, rule.delay);
    }
    send(res, rule.status, rule.body, rule.crc32);
    return log(rule.status, `answer:${rule.id}`);
  });
}

const server = http.createServer((req, res) => {
  try {
    handle(req, res);
  } catch (e) {
    logLine({ outcome: 'hostile-error', error: e.message });
    req.socket.destroy();
  }
});
server.keepAliveTimeout = 65000;
server.listen(Number(opts.port), opts.host, () => {
  logLine({ control: 'listening', host: opts.host, port: server.address().port, upstream: opts.upstream });
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close();
    if (logStream) logStream.end();
    process.exit(0);
  });
}
