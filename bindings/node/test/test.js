'use strict';
// The till flow against the sandbox (MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD;
// MPGS_FAULT_URL and MPGS_FAULT_CA: a sandbox that closes every connection without answering).
// tests/languages/run.sh (the package's source) and tests/dist/languages.sh (the package installed
// from dist/) start both and run `node --expose-gc --test test.js` where `require('mpgs')` finds it.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const util = require('node:util');
const crypto = require('node:crypto');
const { Client, CallEvent, MpgsError, Status, Stage, Operation, Readiness, validate } = require('mpgs');

const CARD_TOKEN = {
  sourceOfFunds: { type: 'CARD', provided: { card: { number: '5123450000000008', expiry: { month: '5', year: '30' }, securityCode: '123' } } },
  verificationStrategy: 'BASIC',
};
const SECRETS = ['sandbox-password', 'Wr0ng-Pa55-c41d', '5123450000000008', '5123450000000009', '7319', '84736251'];

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run tests/languages/run.sh`);
  return v;
}

function client(baseUrl = env('MPGS_BASE_URL'), password = env('MPGS_PASSWORD'), caFile = env('MPGS_CA_FILE')) {
  return new Client({ merchantId: env('MPGS_MERCHANT_ID'), password, baseUrl, caFile, timeoutMs: 5000, maxRetries: 0 });
}

// Runs f, which must throw an MpgsError of `status` that no way of printing shows a secret.
function refused(f, status) {
  let e;
  try {
    f();
  } catch (thrown) {
    e = thrown;
  }
  return checked(e, status);
}

function checked(e, status) {
  assert.ok(e instanceof MpgsError, `want an MpgsError, got ${e}`);
  assert.equal(e.status, status, e.message);
  for (const text of [e.message, String(e), e.stack, util.inspect(e, { depth: 5 }), JSON.stringify(e)]) {
    for (const s of SECRETS) assert.ok(!text.includes(s), `error text holds ${s}: ${text}`);
  }
  return e;
}

test('till flow: session, token, every field error, the gateway refusal', () => {
  const c = client();
  try {
    const s = c.createSession({ session: { authenticationLimit: 5 }, correlationId: 'till-1' });
    assert.ok(s.id);
    assert.ok(s.aes256Key);
    for (const shown of [util.inspect(s, { depth: 5 }), JSON.stringify(s), String(Object.keys(s))]) {
      assert.ok(!shown.includes(s.aes256Key), 'a printed session shows the AES key');
    }
    assert.equal(s.result, 'SUCCESS');
    assert.equal(s.httpStatus, 201);
    assert.equal(s.correlationId, 'till-1');
    assert.equal(s.authenticationLimit, 5);

    const t = c.createToken(CARD_TOKEN);
    assert.ok(t.token);
    assert.equal(t.status, 'VALID');
    assert.equal(t.cardNumber, '512345xxxxxx0008');
    assert.equal(t.cardBrand, 'MASTERCARD');
    assert.equal(t.cardExpiry, '0530');
    assert.ok(!t.json.includes('5123450000000008'));

    const e = refused(() => c.createToken({
      sourceOfFunds: { type: 'CARD', provided: { card: { number: '5123450000000008-', securityCode: '7319x', expiry: { month: '13', year: '30' } } } },
    }), Status.VALIDATION);
    assert.equal(e.attempts, 0);
    assert.equal(e.field, e.fieldErrors[0].field);
    const fields = e.fieldErrors.map((fe) => fe.field);
    for (const f of ['sourceOfFunds.provided.card.number', 'sourceOfFunds.provided.card.securityCode', 'sourceOfFunds.provided.card.expiry.month']) {
      assert.ok(fields.includes(f), `no field error for ${f} in ${fields}`);
    }
    for (const fe of e.fieldErrors) assert.ok(fe.validationType && fe.explanation);

    const g = refused(() => c.createToken(JSON.stringify(CARD_TOKEN).replace('5123450000000008', '5123450000000009')), Status.GATEWAY);
    assert.equal(g.httpStatus, 400);
    assert.equal(g.gatewayCause, 'INVALID_REQUEST');
    assert.equal(g.field, 'sourceOfFunds.provided.card.number');
    assert.equal(g.stage, Stage.ANSWERED);
    assert.equal(g.outcomeUnknown, false);
  } finally {
    c.close();
  }
});

test('a wrong password is an authentication failure (401)', () => {
  const c = client(env('MPGS_BASE_URL'), 'Wr0ng-Pa55-c41d');
  const e = refused(() => c.createToken(CARD_TOKEN), Status.AUTHENTICATION);
  assert.equal(e.httpStatus, 401);
  assert.equal(e.stage, Stage.ANSWERED);
  c.close();
});

test('a connection closed unanswered leaves the outcome unknown', () => {
  const c = client(env('MPGS_FAULT_URL'), env('MPGS_PASSWORD'), env('MPGS_FAULT_CA'));
  const e = refused(() => c.createToken(CARD_TOKEN), Status.IO);
  assert.equal(e.outcomeUnknown, true);
  assert.equal(e.stage, Stage.UNANSWERED);
  assert.equal(e.httpStatus, 0);
  c.close();
});

test('one client serves 64 calls at once on libuv threads, and the main thread', async () => {
  const c = client();
  const ids = new Set();
  const calls = [];
  for (let i = 0; i < 64; i++) calls.push(c.createSessionAsync({ correlationId: `a${i}` }).then((s) => {
    assert.equal(s.correlationId, `a${i}`);
    ids.add(s.id);
  }));
  const main = c.createSession({ correlationId: 'main' });
  ids.add(main.id);
  assert.throws(() => c.close(), /under way/);
  await Promise.all(calls);
  assert.equal(ids.size, 65);
  checked(await c.createTokenAsync({ sourceOfFunds: { type: 'CARD' } }).catch((e) => e), Status.VALIDATION);
  c.close();
});

function rssKiB() {
  global.gc();
  return Number(fs.readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4;
}

test('handles are released: RSS grows under 4 MiB over 10,000 calls', () => {
  assert.ok(global.gc, 'run with --expose-gc');
  const c = client();
  const bad = { sourceOfFunds: { type: 'CARD', provided: { card: { number: '12' } } } };
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      c.createSession({ correlationId: 'rss' });
      assert.throws(() => validate(Operation.CREATE_TOKEN, bad), MpgsError);
    }
  };
  run(1000);
  const before = rssKiB();
  run(10000);
  const after = rssKiB();
  console.log(`node: RSS after 1,000 calls ${before} KiB, after 10,000 more ${after} KiB (growth ${after - before} KiB)`);
  assert.ok(after - before < 4096, `RSS grew by ${after - before} KiB over 10,000 calls`);
  c.close();
});

test('a closed client fails cleanly', () => {
  const c = client();
  c.close();
  c.close();
  refused(() => c.createSession(), Status.INVALID_ARGUMENT);
});

test('a non-http proxy is a config error that does not show the proxy password', () => {
  const e = refused(() => new Client({
    merchantId: env('MPGS_MERCHANT_ID'), password: env('MPGS_PASSWORD'), baseUrl: env('MPGS_BASE_URL'),
    caFile: env('MPGS_CA_FILE'), proxy: 'socks5://user:pr0xy-secret@127.0.0.1:1',
  }), Status.CONFIG);
  for (const text of [e.message, String(e), e.stack, util.inspect(e, { depth: 5 }), JSON.stringify(e)]) {
    assert.ok(!text.includes('pr0xy-secret'), `error text holds the proxy password: ${text}`);
  }
});

test('token API version 70: known fields pass by default, strict refuses nameOnCard', () => {
  const named = {
    sourceOfFunds: { type: 'CARD', provided: { card: { number: '5123450000000008', expiry: { month: '5', year: '30' }, nameOnCard: 'A Customer' } } },
  };
  const config = {
    merchantId: env('MPGS_MERCHANT_ID'), password: env('MPGS_PASSWORD'), baseUrl: env('MPGS_BASE_URL'),
    caFile: env('MPGS_CA_FILE'), timeoutMs: 5000, maxRetries: 0, tokenApiVersion: 70,
  };
  const c = new Client(config);
  try {
    const t = c.createToken(named);
    assert.ok(t.token);
    assert.equal(t.apiVersion, 70);
    assert.equal(t.cardNumber, '512345xxxxxx0008');
  } finally {
    c.close();
  }
  const strict = new Client({ ...config, validationLevel: 'strict' });
  try {
    const e = refused(() => strict.createToken(named), Status.VALIDATION);
    assert.ok(e.fieldErrors.some((fe) => fe.field === 'sourceOfFunds.provided.card.nameOnCard' && fe.validationType === 'UNSUPPORTED'),
      `no UNSUPPORTED error on nameOnCard in ${JSON.stringify(e.fieldErrors)}`);
  } finally {
    strict.close();
  }
  assert.throws(() => new Client({ ...config, validationLevel: 'lenient' }), TypeError);
});

test('trust: ca-files-only works with the sandbox CA and needs one; mozilla refuses the sandbox', () => {
  const config = {
    merchantId: env('MPGS_MERCHANT_ID'), password: env('MPGS_PASSWORD'), baseUrl: env('MPGS_BASE_URL'),
    caFile: env('MPGS_CA_FILE'), timeoutMs: 5000, maxRetries: 0, trust: 'ca-files-only',
  };
  const pinned = new Client(config);
  try {
    assert.equal(pinned.createSession().httpStatus, 201);
  } finally {
    pinned.close();
  }
  const e = refused(() => new Client({ ...config, caFile: undefined }), Status.CONFIG);
  assert.ok(e.message.includes('ca-files-only'), e.message);
  const moz = new Client({ ...config, caFile: undefined, trust: 'mozilla' });
  try {
    const t = refused(() => moz.createSession(), Status.TLS);
    assert.equal(t.outcomeUnknown, false);
  } finally {
    moz.close();
  }
  assert.throws(() => new Client({ ...config, trust: 'none' }), TypeError);
});

test('the Hosted Session flow: update, retrieve and check, tokenize, retrieve and delete the token', () => {
  const c = client();
  try {
    const id = c.createSession().id;
    const page = c.updateSession(id, { sourceOfFunds: { provided: { card: {
      number: '5123450000000008', expiry: { month: '5', year: '30' } } } } });
    assert.equal(page.updateStatus, 'SUCCESS');
    const s = c.retrieveSession(id, page.version);
    assert.equal(s.readiness, Readiness.READY, s.readinessName);
    assert.equal(s.apiVersion, 58);
    assert.equal(c.retrieveSession(id, '0000000000').readiness, Readiness.VERSION_DIFFERS);
    assert.ok(s.json.includes('512345xxxxxx0008') && !s.json.includes('5123450000000008'));
    const token = c.createToken({ session: { id }, sourceOfFunds: { type: 'CARD' } }).token;
    const again = c.retrieveToken(token);
    assert.equal(again.token, token);
    assert.equal(again.cardNumber, '512345xxxxxx0008');
    assert.equal(again.apiVersion, 38);
    const d = c.deleteToken(token);
    assert.equal(d.result, 'SUCCESS');
    assert.equal(d.attempts, 1);
    assert.equal(refused(() => c.retrieveToken(token), Status.GATEWAY).httpStatus, 400);
    const bad = refused(() => c.retrieveSession('SESSION0002695081404E6099215K60/../x'), Status.VALIDATION);
    assert.equal(bad.field, 'sessionId');
    assert.equal(bad.stage, Stage.NOT_SENT);
    assert.equal(refused(() => c.deleteToken('91/23'), Status.VALIDATION).field, 'tokenid');
    validate(Operation.UPDATE_SESSION, { 'order.currency': 'USD' });
    const info = c.checkGateway();
    assert.equal(info.status, 'OPERATING');
    assert.ok(info.operating && info.gatewayVersion);
  } finally {
    c.close();
  }
});

test('the package: its own library at its version, every call async, verbatim only on request', async () => {
  const { version } = require('mpgs');
  assert.equal(version(), require('mpgs/package.json').version);
  const c = new Client({
    merchantId: env('MPGS_MERCHANT_ID'), password: env('MPGS_PASSWORD'), baseUrl: env('MPGS_BASE_URL'),
    caFile: env('MPGS_CA_FILE'), timeoutMs: 5000, maxRetries: 0, tokenRepositoryUniqueCard: true,
  });
  try {
    const t = await c.createTokenAsync(CARD_TOKEN);
    assert.equal(t.cardNumber, '512345xxxxxx0008');
    for (const text of [JSON.stringify(t), util.inspect(t, { depth: 5 }), t.json]) {
      assert.ok(!text.includes('5123450000000008'), `a printed answer holds the card number: ${text}`);
    }
    assert.equal(typeof t.jsonVerbatim, 'function');
    assert.ok(!Object.keys(t).includes('jsonVerbatim'));
    assert.ok(JSON.parse(t.jsonVerbatim()).token === t.token);
    const id = (await c.createSessionAsync()).id;
    const page = await c.updateSessionAsync(id, { 'sourceOfFunds.provided.card.number': '5123450000000008',
      'sourceOfFunds.provided.card.expiry.month': '5', 'sourceOfFunds.provided.card.expiry.year': '30' });
    const s = await c.retrieveSessionAsync(id, page.version);
    assert.equal(s.readiness, Readiness.READY, s.readinessName);
    assert.ok(!JSON.stringify(s).includes('5123450000000008'));
    assert.equal((await c.retrieveTokenAsync(t.token)).token, t.token);
    const d = await c.deleteTokenAsync(t.token);
    assert.equal(d.result, 'SUCCESS');
    assert.ok(JSON.parse(d.json));
    const info = await c.checkGatewayAsync();
    assert.equal(info.status, 'OPERATING');
    assert.equal(JSON.parse(info.json).status, 'OPERATING');
    checked(await c.retrieveTokenAsync('91/23').catch((e) => e), Status.VALIDATION);
  } finally {
    c.close();
  }
  // validate at a version and level, as a client so configured would.
  const named = { sourceOfFunds: { type: 'CARD', provided: { card: { number: '5123450000000008', expiry: { month: '5', year: '30' }, nameOnCard: 'A' } } } };
  validate(Operation.CREATE_TOKEN, named, 70);
  const e = refused(() => validate(Operation.CREATE_TOKEN, named, 70, 'strict'), Status.VALIDATION);
  assert.ok(e.fieldErrors.some((fe) => fe.field === 'sourceOfFunds.provided.card.nameOnCard'));
});

test('the library mapped into this process', () => {
  const mapped = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').map((l) => l.split(/\s+/)[5])
    .find((p) => p && /libmpgs[^/]*\.so/.test(p));
  assert.ok(mapped, 'no libmpgs in /proc/self/maps');
  console.log(`mpgs-loaded: ${mapped}`);
});

test('tokenRepositoryUniqueCard: a Create Token cut off on a reused connection is sent again', () => {
  // MPGS_UNIQUE_URL answers once, then closes the reused connection under the next request.
  const c = new Client({
    merchantId: env('MPGS_MERCHANT_ID'), password: env('MPGS_PASSWORD'), baseUrl: env('MPGS_UNIQUE_URL'),
    caFile: env('MPGS_UNIQUE_CA'), timeoutMs: 5000, maxRetries: 2, tokenRepositoryUniqueCard: true,
  });
  try {
    assert.equal(c.createToken(CARD_TOKEN).attempts, 1);
    assert.equal(c.createToken(CARD_TOKEN).attempts, 2);
  } finally {
    c.close();
  }
});

// Every printable form of an event, which must hold no secret.
function noSecretIn(event) {
  for (const text of [JSON.stringify(event), util.inspect(event), String(Object.values(event))]) {
    for (const s of SECRETS) assert.ok(!text.includes(s), `event holds ${s}: ${text}`);
  }
}

test('onCall: one frozen event per call (success, gateway error, refused before sending, unanswered), no secret', async () => {
  const events = [];
  const onCall = (e) => events.push(e);
  const c = new Client({ merchantId: env('MPGS_MERCHANT_ID'), password: env('MPGS_PASSWORD'), baseUrl: env('MPGS_BASE_URL'),
    caFile: env('MPGS_CA_FILE'), timeoutMs: 5000, maxRetries: 0, onCall });
  try {
    const token = c.createToken(CARD_TOKEN).token;
    let e = events.pop();
    assert.ok(e instanceof CallEvent);
    assert.ok(Object.isFrozen(e));
    assert.equal(e.operation, Operation.CREATE_TOKEN);
    assert.equal(e.operationName, 'Create or Update Token');
    assert.equal(e.method, 'POST');
    assert.equal(e.path, `/api/rest/version/38/merchant/${env('MPGS_MERCHANT_ID')}/token`);
    assert.equal(e.apiVersion, 38);
    assert.equal(e.httpStatus, 201);
    assert.equal(e.attempts, 1);
    assert.ok(e.elapsedUs > 0);
    assert.equal(e.outcomeUnknown, false);
    assert.equal(e.status, Status.OK);
    assert.equal(e.stage, Stage.UNKNOWN);
    assert.equal(e.ok, true);
    noSecretIn(e);

    c.deleteToken(token);
    // The token as sent, or masked 6.4 when it could be a card number (the sandbox's can).
    const masked = `${token.slice(0, 6)}${'x'.repeat(token.length - 10)}${token.slice(-4)}`;
    const path = events.pop().path;
    assert.ok([token, masked].map((t) => `/api/rest/version/38/merchant/${env('MPGS_MERCHANT_ID')}/token/${t}`).includes(path), path);
    refused(() => c.retrieveToken(token), Status.GATEWAY);
    e = events.pop();
    assert.equal(e.operation, Operation.RETRIEVE_TOKEN);
    assert.equal(e.httpStatus, 400);
    assert.equal(e.status, Status.GATEWAY);
    assert.equal(e.stage, Stage.ANSWERED);
    assert.equal(e.ok, false);

    const bad = { sourceOfFunds: { type: 'CARD', provided: { card: { number: '5123450000000009', expiry: { month: '13', year: '30' } } } } };
    refused(() => c.createToken(bad), Status.VALIDATION);
    e = events.pop();
    assert.equal(e.attempts, 0);
    assert.equal(e.httpStatus, 0);
    assert.equal(e.status, Status.VALIDATION);
    noSecretIn(e);

    // An ...Async call: its event comes on the main thread, before the Promise settles.
    await c.createSessionAsync();
    e = events.pop();
    assert.equal(e.operation, Operation.CREATE_SESSION);
    assert.equal(e.httpStatus, 201);
    assert.equal(events.length, 0);
  } finally {
    c.close();
  }

  const f = new Client({ merchantId: env('MPGS_MERCHANT_ID'), password: env('MPGS_PASSWORD'), baseUrl: env('MPGS_FAULT_URL'),
    caFile: env('MPGS_FAULT_CA'), timeoutMs: 5000, maxRetries: 0, onCall });
  try {
    refused(() => f.createToken(CARD_TOKEN), Status.IO);
    const e = events.pop();
    assert.equal(e.outcomeUnknown, true);
    assert.equal(e.stage, Stage.UNANSWERED);
    assert.equal(e.httpStatus, 0);
    assert.equal(e.attempts, 1);
    noSecretIn(e);
    await assert.rejects(f.createTokenAsync(CARD_TOKEN), (err) => checked(err, Status.IO) && true);
    assert.equal(events.pop().stage, Stage.UNANSWERED);
  } finally {
    f.close();
  }
});

test('onCall: a hook that throws is reported and never breaks the call', async () => {
  const said = [];
  const original = console.error;
  console.error = (...args) => said.push(args.join(' '));
  const c = new Client({ merchantId: env('MPGS_MERCHANT_ID'), password: env('MPGS_PASSWORD'), baseUrl: env('MPGS_BASE_URL'),
    caFile: env('MPGS_CA_FILE'), timeoutMs: 5000, maxRetries: 0, onCall: () => { throw new Error('hook bug'); } });
  try {
    assert.equal(c.createSession().httpStatus, 201);
    assert.equal((await c.createSessionAsync()).httpStatus, 201);
  } finally {
    console.error = original;
    c.close();
  }
  assert.equal(said.length, 2);
  assert.ok(said.every((s) => s.includes('onCall') && s.includes('hook bug')), said.join('\n'));
  assert.throws(() => new Client({ merchantId: 'M', password: 'p', onCall: 'not a function' }), TypeError);
});

test('certificateNotAfter: the client certificate\'s notAfter, null with a password', () => {
  const certFile = env('MPGS_CLIENT_CERT');
  const c = new Client({ merchantId: env('MPGS_CERT_MERCHANT_ID'), certFile, keyFile: env('MPGS_CLIENT_KEY'),
    baseUrl: env('MPGS_BASE_URL'), caFile: env('MPGS_CA_FILE') });
  try {
    const want = new Date(new crypto.X509Certificate(fs.readFileSync(certFile)).validTo);
    const got = c.certificateNotAfter();
    assert.ok(got instanceof Date);
    assert.equal(got.getTime(), want.getTime());
  } finally {
    c.close();
  }
  const p = client();
  assert.equal(p.certificateNotAfter(), null);
  p.close();
});

test('a NUL (U+0000) in any string is refused naming it, never truncated: the token survives', async () => {
  const c = client();
  try {
    const token = c.createToken(CARD_TOKEN).token;
    for (const f of [() => c.deleteToken(`${token}\0/../x`), () => c.retrieveToken(`${token}\0`)]) {
      const e = refused(f, Status.INVALID_ARGUMENT);
      assert.equal(e.field, 'token');
      assert.ok(e.message.includes('token') && e.message.includes('NUL'), e.message);
    }
    await assert.rejects(c.deleteTokenAsync(`${token}\0/../x`), (e) => checked(e, Status.INVALID_ARGUMENT).field === 'token');
    assert.equal(c.retrieveToken(token).token, token);
    const id = c.createSession().id;
    assert.equal(refused(() => c.updateSession(`${id}\0x`, {}), Status.INVALID_ARGUMENT).field, 'sessionId');
    assert.equal(refused(() => c.retrieveSession(id, 'v\0'), Status.INVALID_ARGUMENT).field, 'expectedVersion');
    assert.equal(refused(() => c.createSession('{"correlationId": "a"}\0{'), Status.INVALID_ARGUMENT).field, 'json');
    assert.equal(refused(() => validate(Operation.CREATE_SESSION, '{}\0x'), Status.INVALID_ARGUMENT).field, 'json');
    c.deleteToken(token);
  } finally {
    c.close();
  }
  for (const key of ['merchantId', 'password', 'baseUrl', 'caFile']) {
    const config = { merchantId: env('MPGS_MERCHANT_ID'), password: env('MPGS_PASSWORD'), baseUrl: env('MPGS_BASE_URL'), caFile: env('MPGS_CA_FILE') };
    config[key] = `${config[key]}\0x`;
    assert.equal(refused(() => new Client(config), Status.INVALID_ARGUMENT).field, key);
  }
});

test('onCall with 32 ...Async calls at once and sync calls on the main thread meanwhile: every event, on the main thread', { timeout: 60000 }, async () => {
  const { isMainThread } = require('node:worker_threads');
  const events = [];
  const c = new Client({ merchantId: env('MPGS_MERCHANT_ID'), password: env('MPGS_PASSWORD'), baseUrl: env('MPGS_BASE_URL'),
    caFile: env('MPGS_CA_FILE'), timeoutMs: 5000, maxRetries: 0, onCall: (e) => { assert.ok(isMainThread); events.push(e); } });
  try {
    const pending = [];
    for (let i = 0; i < 32; i++) pending.push(c.createSessionAsync({ correlationId: `async-${i}` }));
    for (let i = 0; i < 4; i++) assert.equal(c.createSession().httpStatus, 201);
    const sessions = await Promise.all(pending);
    assert.equal(sessions.length, 32);
    assert.equal(events.length, 36);
    assert.ok(events.every((e) => e.ok && e.operation === Operation.CREATE_SESSION));
  } finally {
    c.close();
  }
});

// The sandbox's admin count of connections accepted (its own request is one more).
function sandboxConnections() {
  const https = require('node:https');
  return new Promise((resolve, reject) => {
    https.get(`${env('MPGS_BASE_URL')}/_sandbox/stats`, { ca: fs.readFileSync(env('MPGS_CA_FILE')), agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve(JSON.parse(text).connections));
    }).on('error', reject);
  });
}

test('connect() and connectAsync() warm one connection that the next call uses; a closed port: CONNECT, outcome known', { timeout: 60000 }, async () => {
  for (const warm of [(c) => c.connect(), (c) => c.connectAsync()]) {
    const c = client();
    try {
      const before = await sandboxConnections();
      assert.equal(await warm(c), undefined);
      await warm(c); // an idle connection is fit already: nothing more
      const warmed = await sandboxConnections();
      assert.equal(warmed, before + 2); // the warm one and this stats request
      assert.equal(c.createSession().attempts, 1);
      assert.equal(await sandboxConnections(), warmed + 1, 'the call did not reuse the warm connection');
    } finally {
      c.close();
    }
  }
  const net = require('node:net');
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = probe.address().port;
  await new Promise((resolve) => probe.close(resolve));
  const c = client(`https://127.0.0.1:${port}`);
  try {
    const e = refused(() => c.connect(), Status.CONNECT);
    assert.equal(e.outcomeUnknown, false);
    const a = checked(await c.connectAsync().catch((x) => x), Status.CONNECT);
    assert.equal(a.outcomeUnknown, false);
  } finally {
    c.close();
  }
});
