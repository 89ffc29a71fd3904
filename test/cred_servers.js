#!/usr/bin/env node
// The credential endpoints and odd servers of the credential tests, each on its
// own loopback port, all in one process:
//
//   imds       EC2 instance metadata, IMDSv2 only: PUT /latest/api/token, then
//              GET /latest/meta-data/iam/security-credentials/[ROLE] with the token
//   container  the ECS / EKS Pod Identity endpoint: GET any path, checking the
//              Authorization header against DDB_CONTAINER_TOKEN when that is set
//   sts        STS AssumeRoleWithWebIdentity (POST form), checking WebIdentityToken
//              against DDB_WEB_IDENTITY_TOKEN
//   fwdproxy   a forward HTTP proxy (absolute-form requests), counting what it relays
//   html       a web server that is not DynamoDB: any path answers an HTML page,
//              200 on /, 404 elsewhere
//   echo       answers 400 text/plain quoting the request's security token and
//              authorization after DDB_ECHO_PAD bytes of padding, as a careless
//              endpoint might
//   tls        https in front of --upstream, with a certificate for 127.0.0.1 and
//              localhost signed by the test CA
//   tlswrong   the same with a certificate for another name only
//   ctl        control, not part of any test subject:
//                GET  /count?what=NAME       requests served by NAME (credentials
//                                            given, for imds, container, sts)
//                POST /config {"lifetime":S, "imds":"on"|"off", "sts_delay":S}
//                                            credentials expire S seconds after they
//                                            are given (default 3600); imds "off"
//                                            answers 404 to token requests
//                POST /reset                 counters back to 0
//
//   node cred_servers.js --ports-file FILE --tls-dir DIR --upstream URL [--lifetime S]
//
// Writes NAME=PORT lines to FILE once every server listens.  The credentials it
// gives are DDB_ACCESS_KEY_ID, DDB_SECRET_ACCESS_KEY and DDB_TEST_SESSION_TOKEN
// (what the kit's token proxy accepts).  Exits after --max-seconds (600) in any case.
// Logs nothing secret.
'use strict';

const http = require('http');
const https = require('https');
const fs = require('fs');
const path = require('path');
const { URL } = require('url');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const m = /^--([a-z-]+)$/.exec(process.argv[i]);
  if (!m || process.argv[i + 1] === undefined) {
    process.stderr.write(`cred_servers.js: bad argument ${process.argv[i]}\n`);
    process.exit(2);
  }
  args[m[1]] = process.argv[i + 1];
}
if (!args['ports-file'] || !args['tls-dir'] || !args.upstream) {
  process.stderr.write('usage: node cred_servers.js --ports-file FILE --tls-dir DIR --upstream URL\n');
  process.exit(2);
}

const KEY_ID = process.env.DDB_ACCESS_KEY_ID;
const SECRET = process.env.DDB_SECRET_ACCESS_KEY;
const TOKEN = process.env.DDB_TEST_SESSION_TOKEN;
const CONTAINER_TOKEN = process.env.DDB_CONTAINER_TOKEN || '';
const WEB_IDENTITY_TOKEN = process.env.DDB_WEB_IDENTITY_TOKEN || '';
const ROLE = 'dynastore-fdw-test-role';
const upstream = new URL(args.upstream);

const config = { lifetime: Number(args.lifetime || 3600), imds: 'on', sts_delay: 0 };
const counts = {};
const imdsTokens = new Set();
function bump(name) { counts[name] = (counts[name] || 0) + 1; }

function expiration() {
  return new Date(Date.now() + config.lifetime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function jsonCredentials() {
  return JSON.stringify({
    Code: 'Success', LastUpdated: new Date().toISOString(), Type: 'AWS-HMAC',
    AccessKeyId: KEY_ID, SecretAccessKey: SECRET, Token: TOKEN, Expiration: expiration(),
    RoleArn: `arn:aws:iam::123456789012:role/${ROLE}`,
  });
}

// ---------------------------------------------------------------- the servers

async function imds(req, res) {
  const url = req.url.replace(/\/+$/, '/');
  if (req.method === 'PUT' && req.url === '/latest/api/token') {
    if (config.imds === 'off') return send(res, 404, 'text/plain', 'not found');
    if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return send(res, 400, 'text/plain', 'missing ttl');
    const t = `imds-token-${Math.random().toString(36).slice(2)}`;
    imdsTokens.add(t);
    return send(res, 200, 'text/plain', t);
  }
  if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed');
  // IMDSv2 only: every GET needs a session token
  if (!imdsTokens.has(req.headers['x-aws-ec2-metadata-token'])) return send(res, 401, 'text/plain', 'unauthorized');
  if (url === '/latest/meta-data/iam/security-credentials/') return send(res, 200, 'text/plain', `${ROLE}\n`);
  if (req.url === `/latest/meta-data/iam/security-credentials/${ROLE}`) {
    bump('imds');
    return send(res, 200, 'text/plain', jsonCredentials());
  }
  return send(res, 404, 'text/plain', 'not found');
}

async function container(req, res) {
  if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed');
  if (CONTAINER_TOKEN && req.headers.authorization !== CONTAINER_TOKEN) {
    bump('container_refused');
    return send(res, 403, 'application/json', '{"message":"forbidden"}');
  }
  bump('container');
  bump(`container ${req.url}`);
  return send(res, 200, 'application/json', jsonCredentials());
}

function stsError(res, status, code, message) {
  send(res, status, 'text/xml', `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`);
}

async function sts(req, res) {
  const body = new URLSearchParams(await readBody(req));
  if (req.method !== 'POST' || body.get('Action') !== 'AssumeRoleWithWebIdentity') {
    return stsError(res, 400, 'InvalidAction', 'Could not find operation');
  }
  if (!WEB_IDENTITY_TOKEN || body.get('WebIdentityToken') !== WEB_IDENTITY_TOKEN) {
    bump('sts_refused');
    return stsError(res, 400, 'InvalidIdentityToken', 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.');
  }
  if (!/^arn:aws:iam::\d{12}:role\//.test(body.get('RoleArn') || '') || !body.get('RoleSessionName')) {
    return stsError(res, 400, 'ValidationError', 'RoleArn and RoleSessionName are required');
  }
  bump('sts');
  const xml = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:default:test</SubjectFromWebIdentityToken>
    <AssumedRoleUser><Arn>${body.get('RoleArn')}/${body.get('RoleSessionName')}</Arn><AssumedRoleId>AROATEST:${body.get('RoleSessionName')}</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <SessionToken>${TOKEN.replace(/&/g, '&amp;')}</SessionToken>
      <SecretAccessKey>${SECRET.replace(/&/g, '&amp;')}</SecretAccessKey>
      <Expiration>${expiration()}</Expiration>
      <AccessKeyId>${KEY_ID}</AccessKeyId>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;
  setTimeout(() => send(res, 200, 'text/xml', xml), config.sts_delay * 1000);
}

function fwdproxy(req, res) {
  let target;
  try { target = new URL(req.url); } catch (e) { return send(res, 400, 'text/plain', 'absolute URL expected'); }
  bump('fwdproxy');
  const up = http.request({
    host: target.hostname, port: target.port || 80, method: req.method,
    path: target.pathname + target.search, headers: req.headers,
  }, (ures) => { res.writeHead(ures.statusCode, ures.headers); ures.pipe(res); });
  up.on('error', () => send(res, 502, 'text/plain', 'bad gateway'));
  req.pipe(up);
}

function html(req, res) {
  bump('html');
  req.resume();
  const status = req.url === '/' ? 200 : 404;
  const page = `<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body>${'<p>This is a web server, not DynamoDB.</p>'.repeat(40)}</body></html>\n`;
  send(res, status, 'text/html; charset=utf-8', page);
}

async function echo(req, res) {
  await readBody(req);
  bump('echo');
  const pad = 'A'.repeat(Number(process.env.DDB_ECHO_PAD || 980));
  send(res, 400, 'text/plain', `${pad}token=${req.headers['x-amz-security-token'] || ''} authorization=${req.headers.authorization || ''}`);
}

function relay(name) {
  return (req, res) => {
    bump(name);
    const up = http.request({
      host: upstream.hostname, port: upstream.port, method: req.method,
      path: req.url, headers: req.headers,
    }, (ures) => { res.writeHead(ures.statusCode, ures.headers); ures.pipe(res); });
    up.on('error', () => send(res, 502, 'text/plain', 'bad gateway'));
    req.pipe(up);
  };
}

async function ctl(req, res) {
  const u = new URL(req.url, 'http://x');
  if (req.method === 'GET' && u.pathname === '/count') {
    return send(res, 200, 'text/plain', `${counts[u.searchParams.get('what')] || 0}\n`);
  }
  if (req.method === 'POST' && u.pathname === '/config') {
    const c = JSON.parse((await readBody(req)) || '{}');
    Object.assign(config, c);
    return send(res, 200, 'application/json', JSON.stringify(config));
  }
  if (req.method === 'POST' && u.pathname === '/reset') {
    for (const k of Object.keys(counts)) delete counts[k];
    return send(res, 200, 'text/plain', 'ok\n');
  }
  if (u.pathname === '/health') return send(res, 200, 'text/plain', 'ok\n');
  return send(res, 404, 'text/plain', 'no such control\n');
}

// ---------------------------------------------------------------- start

function tlsOptions(name) {
  return {
    key: fs.readFileSync(path.join(args['tls-dir'], `${name}.key`)),
    cert: fs.readFileSync(path.join(args['tls-dir'], `${name}.crt`)),
  };
}

const servers = {
  imds: http.createServer(imds),
  container: http.createServer(container),
  sts: http.createServer(sts),
  fwdproxy: http.createServer(fwdproxy),
  html: http.createServer(html),
  echo: http.createServer(echo),
  tls: https.createServer(tlsOptions('server'), relay('tls')),
  tlswrong: https.createServer(tlsOptions('wrong'), relay('tlswrong')),
  ctl: http.createServer(ctl),
};

Promise.all(Object.entries(servers).map(([name, s]) => new Promise((resolve, reject) => {
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => resolve(`${name}=${s.address().port}`));
}))).then((lines) => {
  const tmp = `${args['ports-file']}.tmp`;
  fs.writeFileSync(tmp, lines.join('\n') + '\n');
  fs.renameSync(tmp, args['ports-file']);
}).catch((e) => {
  process.stderr.write(`cred_servers.js: ${e.message}\n`);
  process.exit(1);
});

setTimeout(() => process.exit(0), Number(args['max-seconds'] || 600) * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
