'use strict';
// make bench: Create Session calls per second from Node's main thread over one keep-alive HTTPS
// connection, through libmpgs (koffi) and through Node's own fetch doing the same call (same
// sandbox, same CA, same body, Basic auth, the answer read whole and its 201 checked).
//   node bench.js mpgs N    -> calls/s
//   node bench.js fetch N   -> calls/s
// Environment: MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD.
const { spawnSync } = require('node:child_process');

const BODY = '{"correlationId":"bench","session":{"authenticationLimit":5}}';
const [kind, n] = [process.argv[2], Number(process.argv[3])];
const env = process.env;

async function rate(call) {
  for (let i = 0; i < 10; i++) await call();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await call();
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function main() {
  if (kind === 'mpgs') {
    const { Client } = require('mpgs');
    const c = new Client({ merchantId: env.MPGS_MERCHANT_ID, password: env.MPGS_PASSWORD, baseUrl: env.MPGS_BASE_URL, caFile: env.MPGS_CA_FILE });
    console.log((await rate(() => c.createSession(BODY))).toFixed(1));
    c.close();
  } else if (kind === 'fetch') {
    // fetch trusts extra CAs from NODE_EXTRA_CA_CERTS, which is read at start-up: run again with it.
    if (env.NODE_EXTRA_CA_CERTS !== env.MPGS_CA_FILE) {
      const r = spawnSync(process.execPath, process.argv.slice(1), { env: { ...env, NODE_EXTRA_CA_CERTS: env.MPGS_CA_FILE }, stdio: 'inherit' });
      process.exit(r.status);
    }
    const url = `${env.MPGS_BASE_URL}/api/rest/version/58/merchant/${env.MPGS_MERCHANT_ID}/session`;
    const headers = {
      authorization: `Basic ${Buffer.from(`merchant.${env.MPGS_MERCHANT_ID}:${env.MPGS_PASSWORD}`).toString('base64')}`,
      'content-type': 'application/json;charset=UTF-8',
    };
    console.log((await rate(async () => {
      const res = await fetch(url, { method: 'POST', headers, body: BODY });
      await res.text();
      if (res.status !== 201) throw new Error(`HTTP ${res.status}`);
    })).toFixed(1));
  } else {
    console.error('usage: node bench.js mpgs|fetch N');
    process.exit(2);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
