#!/usr/bin/env node
// A DynamoDB front for tests: verifies AWS Signature Version 4 on every request
// the way DynamoDB does, forwards valid requests to an upstream (dynalite),
// emulates the transactions the upstream lacks (TransactWriteItems,
// TransactGetItems: txn_emulation.js), and injects faults on demand (slow,
// dropped, reset, failed, lost and cancelled requests).
//
//   node proxy.js --port 0 --upstream http://127.0.0.1:8000 [--host 127.0.0.1]
//                 [--log FILE] [--port-file FILE] [--region us-east-1]
//
// Environment: DDB_ACCESS_KEY_ID, DDB_SECRET_ACCESS_KEY (accepted credentials),
// DDB_SESSION_TOKEN (optional: then every request must carry it),
// PROXY_PORT, PROXY_UPSTREAM, PROXY_LOG, PROXY_REGION (defaults for the flags),
// PROXY_TXN_TOKEN_TTL_MS (how long a ClientRequestToken is remembered; 600000),
// PROXY_FAKE_NOW (an ISO-8601 time the clock is pinned to; for signing vectors only).
//
// Control API on the same port, not signed:
//   POST   /__proxy/rules        {"op":"Query"|"*", "table":"T", "action":"hold"|"drop"|
//                                 "reset"|"error"|"lose"|"unprocessed"|"cancel", "seconds":N,
//                                 "status":N, "type":"...", "message":"...", "count":1 (0 = unlimited),
//                                 "skip":0 (matching requests let through first),
//                                 "probability":1 (the chance it takes a matching request),
//                                 "seed":1 (of its random draws),
//                                 "reason":"TransactionConflict", "index":0 (cancel only)}
//   GET    /__proxy/rules        the rules in force
//   DELETE /__proxy/rules        remove all rules
//   GET    /__proxy/stats        {"forwarded":{op:n},"rejected":{type:n},"faults":{action:n},
//                                 "txn":{outcome:n},...}
//   POST   /__proxy/stats/reset  zero the counters
//   GET    /__proxy/count?op=X   plain-text number of forwarded requests of op X ("*" = all);
//          /__proxy/count?rejected=T   rejected requests of type T ("*" = all);
//          /__proxy/count?fault=A      faults of action A ("*" = all);
//          /__proxy/count?txn=O        emulated TransactWriteItems of outcome O: applied,
//                                      cancelled, replayed (a token seen before) or refused
//                                      (any other error answer) ("*" = all)
//   GET    /__proxy/health       "ok"
//
// Faults on the emulated operations: hold delays the request (outside any
// lock), then runs it; drop and reset leave it unapplied, unanswered; error
// answers the error without applying; lose applies, then destroys the
// connection instead of answering; cancel (TransactWriteItems only) answers
// TransactionCanceledException without applying, the rule's reason Code
// (default TransactionConflict) for the action at "index" (default 0) and
// "None" for the others; unprocessed has no meaning for a transaction
// (DynamoDB answers none partially), which then runs as usual.
//
// Random faults: a rule with a probability below 1 takes each request it
// matches (once its skip is used up) with that chance, drawn from a
// pseudo-random sequence of its own started from its seed, so the same
// requests in the same order meet the same faults; a request it does not
// take goes on to the next rules, and only taken requests use up its count.
// With count 0 it faults a share of the traffic for as long as it stays.
//
// Isolation: every forwarded request holds a readers/writer lock shared, an
// emulated write transaction holds it exclusively, so no request through the
// proxy sees one half applied.  Requests sent to dynalite directly do not.
//
// Idempotency (ClientRequestToken), as AWS documents it: within the window a
// repeat of a call that applied, with identical TransactItems, succeeds again
// and applies nothing (outcome "replayed"); the same token with other
// TransactItems is IdempotentParameterMismatchException.  AWS does not say
// what a repeat of a cancelled call does: here a call that did not apply
// (cancelled, or refused) leaves no trace, and its repeat runs as a new
// request.  A repeat that arrives while the first call still waits or runs
// is TransactionInProgressException, as AWS has it.
//
// Nothing secret is ever logged: no Authorization header, signature, secret or
// token, and no item or ClientRequestToken either.
'use strict';

const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const zlib = require('zlib');
const { createTxnEmulation, cancelledAnswer, reason } = require('./txn_emulation');

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = {
    host: '127.0.0.1',
    port: process.env.PROXY_PORT || '0',
    upstream: process.env.PROXY_UPSTREAM || '',
    log: process.env.PROXY_LOG || '',
    portFile: '',
    region: process.env.PROXY_REGION || process.env.DDB_REGION || 'us-east-1',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) usage(`unexpected argument: ${a}`);
    const val = m[2] !== undefined ? m[2] : argv[++i];
    if (val === undefined) usage(`missing value for --${m[1]}`);
    switch (m[1]) {
      case 'host': opts.host = val; break;
      case 'port': opts.port = val; break;
      case 'upstream': opts.upstream = val; break;
      case 'log': opts.log = val; break;
      case 'port-file': opts.portFile = val; break;
      case 'region': opts.region = val; break;
      default: usage(`unknown option --${m[1]}`);
    }
  }
  if (!opts.upstream) usage('--upstream URL is required');
  if (!/^\d+$/.test(String(opts.port))) usage('--port must be a number');
  return opts;
}

function usage(msg) {
  process.stderr.write(`proxy.js: ${msg}\n` +
    'usage: node proxy.js --port PORT --upstream URL [--host H] [--log FILE] [--port-file FILE] [--region R]\n');
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const ACCESS_KEY_ID = process.env.DDB_ACCESS_KEY_ID || '';
const SECRET_ACCESS_KEY = process.env.DDB_SECRET_ACCESS_KEY || '';
const SESSION_TOKEN = process.env.DDB_SESSION_TOKEN || '';
if (!ACCESS_KEY_ID || !SECRET_ACCESS_KEY) usage('DDB_ACCESS_KEY_ID and DDB_SECRET_ACCESS_KEY must be set');
const SERVICE = 'dynamodb';
const MAX_SKEW_MS = 15 * 60 * 1000;
// Test hook for checking the verifier against fixed signing vectors: pins the clock.
const FAKE_NOW = process.env.PROXY_FAKE_NOW ? Date.parse(process.env.PROXY_FAKE_NOW) : null;
if (process.env.PROXY_FAKE_NOW && !Number.isFinite(FAKE_NOW)) usage('PROXY_FAKE_NOW must be an ISO-8601 time');
const upstream = new URL(opts.upstream);
const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const TXN_TOKEN_TTL_MS = process.env.PROXY_TXN_TOKEN_TTL_MS === undefined ? undefined : Number(process.env.PROXY_TXN_TOKEN_TTL_MS);
if (TXN_TOKEN_TTL_MS !== undefined && !(Number.isFinite(TXN_TOKEN_TTL_MS) && TXN_TOKEN_TTL_MS >= 0)) {
  usage('PROXY_TXN_TOKEN_TTL_MS must be a number of milliseconds >= 0');
}
const txn = createTxnEmulation({ upstream, agent: upstreamAgent, region: opts.region, tokenTtlMs: TXN_TOKEN_TTL_MS });
// The operations the proxy answers itself instead of forwarding them.
const EMULATED = { TransactWriteItems: txn.transactWrite, TransactGetItems: txn.transactGet };

// ---------------------------------------------------------------- logging

let logStream = null;
if (opts.log) logStream = fs.createWriteStream(opts.log, { flags: 'a' });

function logLine(fields) {
  const parts = [new Date().toISOString()];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${k}=${String(v).replace(/\s+/g, '_')}`);
  }
  const line = parts.join(' ') + '\n';
  if (logStream) logStream.write(line);
  else process.stdout.write(line);
}

// ---------------------------------------------------------------- stats and rules

let stats;
function resetStats() {
  stats = { forwarded: {}, rejected: {}, faults: {}, txn: {}, control: 0, since: new Date().toISOString() };
}
resetStats();
function bump(map, key) { map[key] = (map[key] || 0) + 1; }

let rules = [];
let nextRuleId = 1;
const ACTIONS = new Set(['hold', 'drop', 'reset', 'error', 'lose', 'unprocessed', 'cancel']);

function validateRule(r) {
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw new Error('rule must be a JSON object');
  if (!ACTIONS.has(r.action)) throw new Error('action must be one of hold, drop, reset, error, lose, unprocessed, cancel');
  if (typeof r.op !== 'string' || !r.op) throw new Error('op is required (an X-Amz-Target operation or "*")');
  if (r.table !== undefined && r.table !== null && typeof r.table !== 'string') throw new Error('table must be a string');
  const count = r.count === undefined || r.count === null ? 1 : Number(r.count);
  if (!Number.isInteger(count) || count < 0) throw new Error('count must be an integer >= 0');
  const skip = r.skip === undefined || r.skip === null ? 0 : Number(r.skip);
  if (!Number.isInteger(skip) || skip < 0) throw new Error('skip must be an integer >= 0');
  const probability = r.probability === undefined || r.probability === null ? 1 : Number(r.probability);
  if (!Number.isFinite(probability) || probability <= 0 || probability > 1) throw new Error('probability must be a number in (0, 1]');
  const seed = r.seed === undefined || r.seed === null ? 1 : Number(r.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error('seed must be an integer 0..4294967295');
  const rule = { id: nextRuleId++, op: r.op, table: r.table || null, action: r.action, count, skip, applied: 0 };
  if (probability < 1) {
    rule.probability = probability;
    rule.seed = seed;
    // not a member: GET /__proxy/rules shows the rule, not its generator
    Object.defineProperty(rule, 'draw', { value: mulberry32(seed), enumerable: false });
  }
  if (r.action === 'hold') {
    const s = Number(r.seconds);
    if (!Number.isFinite(s) || s < 0) throw new Error('hold needs seconds >= 0');
    rule.seconds = s;
  }
  if (r.action === 'error') {
    let status = r.status === undefined || r.status === null ? null : Number(r.status);
    let type = r.type ? String(r.type) : null;
    if (status !== null && (!Number.isInteger(status) || status < 400 || status > 599)) throw new Error('status must be 400..599');
    if (!type && !status) throw new Error('error needs a status or a type');
    if (!type) type = status === 503 ? 'ServiceUnavailable' : status >= 500 ? 'InternalServerError' : 'ProvisionedThroughputExceededException';
    if (!status) status = /^(InternalServerError|InternalFailure)$/.test(type) ? 500 : /^ServiceUnavailable/.test(type) ? 503 : 400;
    rule.status = status;
    rule.type = type;
    if (r.message !== undefined && r.message !== null) rule.message = String(r.message);
  }
  if (r.action === 'cancel') {
    if (r.op !== 'TransactWriteItems') throw new Error('cancel needs op TransactWriteItems');
    rule.reason = r.reason === undefined || r.reason === null ? 'TransactionConflict' : String(r.reason);
    if (!/^[A-Za-z]+$/.test(rule.reason)) throw new Error('reason must be a cancellation reason code, e.g. TransactionConflict');
    const index = r.index === undefined || r.index === null ? 0 : Number(r.index);
    if (!Number.isInteger(index) || index < 0) throw new Error('index must be an integer >= 0');
    rule.index = index;
    if (r.message !== undefined && r.message !== null) rule.message = String(r.message);
  }
  return rule;
}

// A small seeded generator of numbers in [0, 1) (mulberry32): the same seed,
// the same sequence, on any machine.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Finds the rule for a request and consumes one use of it.
function takeRule(op, tables) {
  for (const rule of rules) {
    if (rule.op !== '*' && rule.op !== op) continue;
    if (rule.table && !tables.includes(rule.table)) continue;
    if (rule.skip > 0) { rule.skip--; continue; }
    if (rule.draw && rule.draw() >= rule.probability) continue;
    rule.applied++;
    if (rule.count > 0) {
      rule.count--;
      if (rule.count === 0) rules = rules.filter((r) => r !== rule);
    }
    return rule;
  }
  return null;
}

// ---------------------------------------------------------------- errors

const ERROR_NAMESPACES = {
  ProvisionedThroughputExceededException: 'com.amazonaws.dynamodb.v20120810',
  RequestLimitExceeded: 'com.amazonaws.dynamodb.v20120810',
  InternalServerError: 'com.amazonaws.dynamodb.v20120810',
  ConditionalCheckFailedException: 'com.amazonaws.dynamodb.v20120810',
  ResourceNotFoundException: 'com.amazonaws.dynamodb.v20120810',
  ResourceInUseException: 'com.amazonaws.dynamodb.v20120810',
  LimitExceededException: 'com.amazonaws.dynamodb.v20120810',
  ItemCollectionSizeLimitExceededException: 'com.amazonaws.dynamodb.v20120810',
  TransactionConflictException: 'com.amazonaws.dynamodb.v20120810',
  TransactionCanceledException: 'com.amazonaws.dynamodb.v20120810',
  TransactionInProgressException: 'com.amazonaws.dynamodb.v20120810',
  ThrottlingException: 'com.amazon.coral.availability',
  ServiceUnavailable: 'com.amazon.coral.availability',
  ServiceUnavailableException: 'com.amazon.coral.availability',
  ValidationException: 'com.amazon.coral.validate',
  SerializationException: 'com.amazon.coral.service',
};

const DEFAULT_MESSAGES = {
  ProvisionedThroughputExceededException: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  ThrottlingException: 'Rate of requests exceeds the allowed throughput.',
  RequestLimitExceeded: 'Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase',
  InternalServerError: 'Internal server error',
  ServiceUnavailable: 'Service Unavailable',
  ServiceUnavailableException: 'Service Unavailable',
};

function qualifiedType(type) {
  if (type.includes('#')) return type;
  return `${ERROR_NAMESPACES[type] || 'com.amazon.coral.service'}#${type}`;
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

function requestId() {
  return crypto.randomBytes(20).toString('hex').toUpperCase().slice(0, 52).padEnd(52, 'A');
}

function sendJsonError(res, status, type, message) {
  const body = { __type: qualifiedType(type) };
  if (message !== undefined && message !== null) body.message = message;
  sendJson(res, status, body);
}

// An answer of the proxy's own, with the headers DynamoDB sends.
function sendJson(res, status, body) {
  const buf = Buffer.from(JSON.stringify(body));
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': buf.length,
    'x-amzn-requestid': requestId(),
    'x-amz-crc32': String(crc32(buf)),
  });
  res.end(buf);
}

class SigError extends Error {
  constructor(type, message) { super(message); this.type = type; }
}

// ---------------------------------------------------------------- SigV4 verification

function hmac(key, data) { return crypto.createHmac('sha256', key).update(data, 'utf8').digest(); }
function sha256hex(data) { return crypto.createHash('sha256').update(data).digest('hex'); }

// RFC 3986 encoding as SigV4 wants it: unreserved characters stay, the rest is %XX (upper case).
function uriEncode(str) {
  return encodeURIComponent(str).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function safeDecode(s) {
  try { return decodeURIComponent(s.replace(/\+/g, '%20')); } catch (e) { return s; }
}

function canonicalUri(rawPath) {
  // Non-S3 services: normalise the path (RFC 3986 dot segments, no empty segments)
  // and URI-encode each segment of the path as received (so a %XX on the wire is
  // encoded a second time, as the SDKs do).
  const segs = [];
  for (const seg of rawPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') { segs.pop(); continue; }
    segs.push(uriEncode(seg));
  }
  let out = '/' + segs.join('/');
  if (rawPath.length > 1 && rawPath.endsWith('/') && segs.length) out += '/';
  return out;
}

function canonicalQuery(rawQuery) {
  if (!rawQuery) return '';
  const pairs = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([uriEncode(safeDecode(k)), uriEncode(safeDecode(v))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

// All values of one header as received, in order, trimmed, inner runs of spaces folded.
function headerValues(rawHeaders, name) {
  const vals = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === name) vals.push(rawHeaders[i + 1].trim().replace(/ +/g, ' '));
  }
  return vals;
}

function parseAuthorization(auth) {
  const sp = auth.indexOf(' ');
  const algorithm = sp < 0 ? auth : auth.slice(0, sp);
  const rest = sp < 0 ? '' : auth.slice(sp + 1);
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw new SigError('IncompleteSignatureException', `Unsupported AWS 'algorithm': '${algorithm.slice(0, 40)}'`);
  }
  const params = {};
  for (const part of rest.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq <= 0) {
      throw new SigError('IncompleteSignatureException',
        `'${p.slice(0, 40).replace(/=.*/, '')}' not a valid key=value pair (missing equal-sign) in Authorization header`);
    }
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const missing = [];
  for (const k of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params[k]) missing.push(`Authorization header requires '${k}' parameter.`);
  }
  return { params, missing };
}

function parseAmzDate(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return null;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const d = new Date(t);
  if (d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]
      || +m[4] > 23 || +m[5] > 59 || +m[6] > 59) return null;
  return t;
}

function fmtAmzDate(t) {
  return new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

// Throws SigError when the request would be refused by DynamoDB; returns the access key id.
function verifySigV4(req, body) {
  const auth = req.headers.authorization;
  if (auth === undefined || auth === '') {
    throw new SigError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  }
  const { params, missing } = parseAuthorization(auth.trim());
  const amzDate = req.headers['x-amz-date'];
  if (!amzDate) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (missing.length) throw new SigError('IncompleteSignatureException', missing.join(' '));
  const reqTime = parseAmzDate(amzDate);
  if (reqTime === null) {
    throw new SigError('IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${String(amzDate).slice(0, 40)}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }

  const cred = params.Credential.split('/');
  if (cred.length !== 5) {
    // AWS echoes the credential here; echo only its shape, never the key id.
    throw new SigError('IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${cred.length} elements'`);
  }
  const [keyId, scopeDate, scopeRegion, scopeService, terminator] = cred;
  if (terminator !== 'aws4_request') {
    throw new SigError('InvalidSignatureException',
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator.slice(0, 40)}'.`);
  }
  if (scopeService !== SERVICE) {
    throw new SigError('InvalidSignatureException', `Credential should be scoped to correct service: '${SERVICE}'. `);
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(scopeRegion) || scopeRegion !== opts.region) {
    throw new SigError('InvalidSignatureException', 'Credential should be scoped to a valid region. ');
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    throw new SigError('InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate.slice(0, 16)}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }

  const signedHeaders = params.SignedHeaders.split(';');
  const signedLower = signedHeaders.map((h) => h.toLowerCase());
  for (const [required, label] of [['host', "'Host' or ':authority'"], ['x-amz-date', "'X-Amz-Date'"], ['x-amz-target', "'X-Amz-Target'"]]) {
    if (!signedLower.includes(required)) {
      throw new SigError('InvalidSignatureException', `${label} must be a 'SignedHeader' in the AWS Authorization.`);
    }
  }

  const now = FAKE_NOW !== null ? FAKE_NOW : Date.now();
  if (reqTime < now - MAX_SKEW_MS) {
    throw new SigError('InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${fmtAmzDate(now - MAX_SKEW_MS)} (${fmtAmzDate(now)} - 15 min.)`);
  }
  if (reqTime > now + MAX_SKEW_MS) {
    throw new SigError('InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${fmtAmzDate(now + MAX_SKEW_MS)} (${fmtAmzDate(now)} + 15 min.)`);
  }

  if (keyId !== ACCESS_KEY_ID) {
    throw new SigError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const tokens = headerValues(req.rawHeaders, 'x-amz-security-token');
  const token = tokens.length ? tokens.join(',') : null;
  if (SESSION_TOKEN ? token === null || !timingSafeEqualStr(token, SESSION_TOKEN) : token !== null) {
    throw new SigError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }

  // Rebuild the canonical request from what was received.
  const rawUrl = req.url || '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
  const names = [...new Set(signedLower)].sort();
  const canonicalHeaders = names.map((n) => `${n}:${headerValues(req.rawHeaders, n).join(',')}\n`).join('');
  const canonicalRequest = [
    req.method,
    canonicalUri(rawPath),
    canonicalQuery(rawQuery),
    canonicalHeaders,
    params.SignedHeaders,
    sha256hex(body),
  ].join('\n');
  const scope = `${scopeDate}/${scopeRegion}/${scopeService}/${terminator}`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonicalRequest)].join('\n');
  let key = hmac('AWS4' + SECRET_ACCESS_KEY, scopeDate);
  key = hmac(key, scopeRegion);
  key = hmac(key, scopeService);
  key = hmac(key, terminator);
  const expected = hmac(key, stringToSign).toString('hex');
  if (!timingSafeEqualStr(params.Signature, expected)) {
    throw new SigError('InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  }
  return keyId;
}

function timingSafeEqualStr(a, b) {
  const ab = Buffer.from(String(a), 'utf8');
  const bb = Buffer.from(String(b), 'utf8');
  if (ab.length !== bb.length) {
    crypto.timingSafeEqual(bb, bb); // same work either way
    return false;
  }
  return crypto.timingSafeEqual(ab, bb);
}

// ---------------------------------------------------------------- forwarding

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te',
  'trailer', 'upgrade', 'expect', 'proxy-authorization', 'proxy-authenticate', 'content-length']);

function forwardHeaders(req, bodyLength) {
  const headers = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    if (headers[name] === undefined) headers[name] = req.rawHeaders[i + 1];
    else headers[name] = [].concat(headers[name], req.rawHeaders[i + 1]);
  }
  headers['content-length'] = String(bodyLength);
  return headers;
}

// "unprocessed": DynamoDB's partial answer to a batch.  Of each table's
// keys (BatchGetItem) or writes (BatchWriteItem) only the first half goes
// upstream; the rest comes back as UnprocessedKeys / UnprocessedItems,
// as DynamoDB answers when it runs out of capacity.
function splitBatch(op, body) {
  const j = JSON.parse(body.toString('utf8'));
  const kept = {};
  const left = {};
  for (const [table, reqs] of Object.entries(j.RequestItems || {})) {
    const list = op === 'BatchGetItem' ? reqs.Keys : reqs;
    const half = Math.ceil(list.length / 2);
    if (op === 'BatchGetItem') {
      kept[table] = { ...reqs, Keys: list.slice(0, half) };
      if (list.length > half) left[table] = { ...reqs, Keys: list.slice(half) };
    } else {
      kept[table] = list.slice(0, half);
      if (list.length > half) left[table] = list.slice(half);
    }
  }
  return { body: Buffer.from(JSON.stringify({ ...j, RequestItems: kept })), left };
}

function forwardUnprocessed(req, res, op, body, log) {
  let split;
  try {
    split = splitBatch(op, body);
  } catch (e) {
    sendJsonError(res, 400, 'SerializationException', 'proxy: not a batch request');
    log(400, 'unprocessed:bad-body');
    return;
  }
  bump(stats.forwarded, op);
  forward(req, split.body, (err, ures) => {
    if (err) {
      sendJsonError(res, 500, 'InternalServerError', 'proxy: upstream unreachable');
      log(500, 'unprocessed:upstream-error');
      return;
    }
    const chunks = [];
    ures.on('data', (c) => chunks.push(c));
    ures.on('end', () => {
      let answer = Buffer.concat(chunks);
      if (ures.statusCode === 200) {
        const j = JSON.parse(answer.toString('utf8'));
        j[op === 'BatchGetItem' ? 'UnprocessedKeys' : 'UnprocessedItems'] = split.left;
        answer = Buffer.from(JSON.stringify(j));
      }
      res.writeHead(ures.statusCode, { 'content-type': 'application/x-amz-json-1.0', 'content-length': answer.length });
      res.end(answer);
      log(ures.statusCode, 'unprocessed');
    });
  });
}

// Sends the request upstream; calls back with (err, upstreamResponse).  The
// request holds the transaction lock shared until its answer has been read,
// so that it never sees an emulated write transaction half applied.
function forward(req, body, cb) {
  txn.lock.shared().then((release) => {
    const up = http.request({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req, body.length),
      agent: upstreamAgent,
    }, (ures) => {
      ures.once('end', release);
      ures.once('close', release);
      ures.once('error', release);
      cb(null, ures);
    });
    up.on('error', (err) => { release(); cb(err); });
    up.end(body);
  });
}

// ---------------------------------------------------------------- request handling

function targetOp(req) {
  const t = req.headers['x-amz-target'] || '';
  const dot = t.lastIndexOf('.');
  return dot < 0 ? t : t.slice(dot + 1);
}

function tablesOf(body) {
  try {
    const j = JSON.parse(body.toString('utf8'));
    if (j && typeof j.TableName === 'string') return [j.TableName];
    if (j && j.RequestItems && typeof j.RequestItems === 'object') return Object.keys(j.RequestItems);
    if (j && Array.isArray(j.TransactItems)) {
      const t = [];
      for (const it of j.TransactItems) {
        for (const v of Object.values(it || {})) if (v && typeof v.TableName === 'string' && !t.includes(v.TableName)) t.push(v.TableName);
      }
      return t;
    }
  } catch (e) { /* not JSON: no table */ }
  return [];
}

function handleControl(req, res, body) {
  const url = new URL(req.url, 'http://proxy');
  const path = url.pathname;
  const send = (status, obj, type = 'application/json') => {
    const buf = Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj) + '\n');
    res.writeHead(status, { 'content-type': type, 'content-length': buf.length });
    res.end(buf);
  };
  stats.control++;
  try {
    if (path === '/__proxy/rules' && req.method === 'POST') {
      let parsed;
      try { parsed = JSON.parse(body.toString('utf8') || 'null'); } catch (e) { throw new Error('body is not JSON'); }
      const list = Array.isArray(parsed) ? parsed : [parsed];
      const added = list.map(validateRule);
      rules.push(...added);
      logLine({ control: 'rule-added', rules: added.map((r) => `${r.action}:${r.op}${r.table ? '@' + r.table : ''}x${r.count}`).join(',') });
      return send(200, { added });
    }
    if (path === '/__proxy/rules' && req.method === 'DELETE') {
      const n = rules.length;
      rules = [];
      logLine({ control: 'rules-cleared', removed: n });
      return send(200, { removed: n });
    }
    if (path === '/__proxy/rules' && req.method === 'GET') return send(200, { rules });
    if (path === '/__proxy/stats' && req.method === 'GET') return send(200, stats);
    if (path === '/__proxy/stats/reset' && req.method === 'POST') {
      resetStats();
      return send(200, stats);
    }
    if (path === '/__proxy/count' && req.method === 'GET') {
      const sum = (map, key) => (key === '*' ? Object.values(map).reduce((a, b) => a + b, 0) : map[key] || 0);
      let n;
      if (url.searchParams.has('op')) n = sum(stats.forwarded, url.searchParams.get('op'));
      else if (url.searchParams.has('rejected')) n = sum(stats.rejected, url.searchParams.get('rejected'));
      else if (url.searchParams.has('fault')) n = sum(stats.faults, url.searchParams.get('fault'));
      else if (url.searchParams.has('txn')) n = sum(stats.txn, url.searchParams.get('txn'));
      else throw new Error('count needs op=, rejected=, fault= or txn=');
      return send(200, `${n}\n`, 'text/plain');
    }
    if (path === '/__proxy/health') return send(200, 'ok\n', 'text/plain');
    return send(404, { error: `no such control endpoint: ${req.method} ${path}` });
  } catch (e) {
    return send(400, { error: e.message });
  }
}

function handle(req, res) {
  const started = Date.now();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('error', () => {});
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if ((req.url || '').startsWith('/__proxy/')) return handleControl(req, res, body);

    const op = targetOp(req) || '-';
    const tables = tablesOf(body);
    const log = (status, outcome, extra = {}) => logLine({
      op, table: tables.join(',') || '-', status, outcome, ms: Date.now() - started, ...extra,
    });

    try {
      verifySigV4(req, body);
    } catch (e) {
      if (!(e instanceof SigError)) throw e;
      bump(stats.rejected, e.type);
      sendJsonError(res, 400, e.type, e.message);
      log(400, `rejected:${e.type}`);
      return;
    }

    const rule = takeRule(op, tables);
    const action = rule ? rule.action : 'forward';
    if (rule) bump(stats.faults, action);

    if (op === 'CreateTable' || op === 'DeleteTable' || op === 'UpdateTable') {
      // Key schemas the emulation knows may be about to change.
      txn.forgetTable(tables[0]);
      res.once('finish', () => txn.forgetTable(tables[0]));
    }

    // The emulated operations, answered by the proxy itself.
    const doEmulate = (outcome) => {
      bump(stats.forwarded, op);
      EMULATED[op](body).then((answer) => {
        if (op === 'TransactWriteItems') bump(stats.txn, answer.outcome);
        const what = `${outcome}:txn-${answer.outcome}`;
        if (action === 'lose') {
          req.socket.destroy();
          log(answer.status, `lose:txn-${answer.outcome}`);
          return;
        }
        if (req.socket.destroyed) { log(answer.status, `${what}:client-gone`); return; }
        sendJson(res, answer.status, answer.body);
        log(answer.status, what, answer.status === 200 ? {} : { error: String(answer.body.__type).replace(/.*#/, '') });
      });
    };

    const doForward = (outcome) => {
      if (req.socket.destroyed) { log('-', `${outcome}:client-gone`); return; }
      if (EMULATED[op]) return doEmulate(outcome);
      bump(stats.forwarded, op);
      forward(req, body, (err, ures) => {
        if (err) {
          sendJsonError(res, 500, 'InternalServerError', 'proxy: upstream unreachable');
          log(500, `${outcome}:upstream-error`, { error: err.code || err.message });
          return;
        }
        if (action === 'lose') {
          // The write happened upstream; the answer never reaches the client.
          ures.resume();
          ures.on('end', () => {
            req.socket.destroy();
            log(ures.statusCode, 'lose');
          });
          return;
        }
        const headers = {};
        for (const [k, v] of Object.entries(ures.headers)) if (!HOP_BY_HOP.has(k) || k === 'content-length') headers[k] = v;
        res.writeHead(ures.statusCode, headers);
        ures.pipe(res);
        ures.on('end', () => log(ures.statusCode, outcome));
        ures.on('error', () => req.socket.destroy());
      });
    };

    switch (action) {
      case 'forward':
        return doForward('forwarded');
      case 'hold': {
        let gone = false;
        const onGone = () => { gone = true; };
        res.on('close', onGone);
        req.socket.on('close', onGone);
        setTimeout(() => {
          res.off('close', onGone);
          req.socket.off('close', onGone);
          if (gone || req.socket.destroyed) { log('-', `hold:${rule.seconds}s:client-gone`); return; }
          doForward(`hold:${rule.seconds}s`);
        }, rule.seconds * 1000);
        return;
      }
      case 'drop':
        req.socket.destroy();
        log('-', 'drop');
        return;
      case 'reset':
        if (typeof req.socket.resetAndDestroy === 'function') req.socket.resetAndDestroy();
        else req.socket.destroy();
        log('-', 'reset');
        return;
      case 'error':
        sendJsonError(res, rule.status, rule.type,
          rule.message !== undefined ? rule.message : DEFAULT_MESSAGES[rule.type]);
        log(rule.status, `error:${rule.type}`);
        return;
      case 'lose':
        return doForward('lose');
      case 'cancel': {
        // A cancellation that applied nothing, e.g. a conflict with another transaction.
        let n = 1;
        try { n = Math.max(1, JSON.parse(body.toString('utf8')).TransactItems.length || 1); } catch (e) { /* one reason */ }
        const at = Math.min(rule.index, n - 1);
        const reasons = [];
        for (let i = 0; i < n; i++) reasons.push(i === at ? reason(rule.reason, rule.message) : reason('None'));
        const answer = cancelledAnswer(reasons);
        bump(stats.txn, 'cancelled');
        sendJson(res, answer.status, answer.body);
        log(answer.status, `cancel:${rule.reason}`);
        return;
      }
      case 'unprocessed':
        // A transaction has no partial answer: it runs as usual.
        if (EMULATED[op]) return doForward('unprocessed-ignored');
        return forwardUnprocessed(req, res, op, body, log);
      default:
        return doForward('forwarded');
    }
  });
}

// ---------------------------------------------------------------- server

const server = http.createServer((req, res) => {
  try {
    handle(req, res);
  } catch (e) {
    logLine({ outcome: 'proxy-error', error: e.message });
    try { sendJsonError(res, 500, 'InternalServerError', 'proxy error'); } catch (e2) { req.socket.destroy(); }
  }
});
server.keepAliveTimeout = 65000;
server.headersTimeout = 70000;
server.requestTimeout = 0;
server.on('clientError', (err, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  else socket.destroy();
});

server.listen(Number(opts.port), opts.host, () => {
  const { port } = server.address();
  if (opts.portFile) fs.writeFileSync(opts.portFile, `${port}\n`);
  logLine({ control: 'listening', host: opts.host, port, upstream: opts.upstream, session_token: SESSION_TOKEN ? 'required' : 'none' });
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close();
    if (logStream) logStream.end();
    process.exit(0);
  });
}
