'use strict';
// mpgs for Node.js: libmpgs through koffi (npm `koffi`), declarations matching include/mpgs.h.
//
// A Client is made once and closed with close(). The plain calls (createSession, createToken,
// ...) block the calling thread (Node's main thread) for the length of the call; each has an
// ...Async twin that runs the same call on libuv's thread pool and returns a Promise: one Client
// may serve any number of them at once (the C client is thread-safe). Answers are plain objects
// (the C handles are released before the call returns); a failure throws an MpgsError carrying
// every field of the C error.
//
// The library is the package's own: prebuilds/<platform>-<arch>/ beside this file. MPGS_LIBRARY
// names another file (a system-wide install); either way its mpgs_version() must be this
// package's version.
const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');

const PACKAGE_VERSION = require('./package.json').version;
const LIBRARY_FILES = { linux: 'libmpgs.so', darwin: 'libmpgs.dylib', win32: 'mpgs.dll' };

function libraryPath() {
  if (process.env.MPGS_LIBRARY) return process.env.MPGS_LIBRARY;
  const platform = `${process.platform}-${process.arch}`;
  const file = path.join(__dirname, 'prebuilds', platform, LIBRARY_FILES[process.platform] || 'libmpgs.so');
  if (!fs.existsSync(file)) {
    throw new Error(`mpgs: this package carries no libmpgs for ${platform} (${file}); `
      + `set MPGS_LIBRARY to a libmpgs ${PACKAGE_VERSION} built for it`);
  }
  return file;
}

const lib = koffi.load(libraryPath());
koffi.opaque('mpgs_config');
koffi.opaque('mpgs_client');
koffi.opaque('mpgs_error');
koffi.opaque('mpgs_session');
koffi.opaque('mpgs_token');
koffi.opaque('mpgs_delete_result');
koffi.opaque('mpgs_gateway_info');
koffi.struct('mpgs_call_event', {
  operation: 'uint32_t',
  operation_name: 'const char *',
  method: 'const char *',
  path: 'const char *',
  api_version: 'uint32_t',
  http_status: 'uint16_t',
  attempts: 'uint32_t',
  elapsed_us: 'uint64_t',
  outcome_unknown: 'bool',
  status: 'uint32_t',
  stage: 'uint32_t',
});
// The observer's C type; user_data carries a number (an id into `observers`), as intptr_t.
const CallObserver = koffi.proto('void mpgs_call_observer(const mpgs_call_event *event, intptr_t user_data)');
koffi.struct('mpgs_field_error', {
  field: 'const char *',
  validation_type: 'const char *',
  explanation: 'const char *',
});

const c = {};
for (const decl of [
  'const char *mpgs_version(void)',
  'const char *mpgs_status_name(uint32_t status)',
  'uint32_t mpgs_config_new(const char *merchant_id, _Out_ mpgs_config **config_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_password(mpgs_config *config, const char *password, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_certificate_files(mpgs_config *config, const char *cert_file, const char *key_file, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_base_url(mpgs_config *config, const char *base_url, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_region(mpgs_config *config, const char *region, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_add_ca_file(mpgs_config *config, const char *ca_file, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_connect_timeout_ms(mpgs_config *config, uint32_t ms, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_timeout_ms(mpgs_config *config, uint32_t ms, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_max_retries(mpgs_config *config, uint32_t retries, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_proxy(mpgs_config *config, const char *proxy_url, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_proxy_from_env(mpgs_config *config, bool enabled, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_session_api_version(mpgs_config *config, uint32_t version, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_token_api_version(mpgs_config *config, uint32_t version, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_validation_level(mpgs_config *config, uint32_t level, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_trust(mpgs_config *config, uint32_t trust, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_token_repository_unique_card(mpgs_config *config, bool enabled, _Out_ mpgs_error **err)',
  'uint32_t mpgs_config_set_observer(mpgs_config *config, mpgs_call_observer *callback, intptr_t user_data, _Out_ mpgs_error **err)',
  'void mpgs_config_free(mpgs_config *config)',
  'uint32_t mpgs_client_new(const mpgs_config *config, _Out_ mpgs_client **client_out, _Out_ mpgs_error **err)',
  'void mpgs_client_free(mpgs_client *client)',
  'uint32_t mpgs_client_create_session(const mpgs_client *client, const char *json, _Out_ mpgs_session **session_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_create_token(const mpgs_client *client, const char *json, _Out_ mpgs_token **token_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_validate(uint32_t operation, const char *json, _Out_ mpgs_error **err)',
  'uint32_t mpgs_validate_at(uint32_t operation, uint32_t api_version, uint32_t level, const char *json, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_retrieve_session(const mpgs_client *client, const char *session_id, _Out_ mpgs_session **session_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_update_session(const mpgs_client *client, const char *session_id, const char *json, _Out_ mpgs_session **session_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_retrieve_token(const mpgs_client *client, const char *token, _Out_ mpgs_token **token_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_delete_token(const mpgs_client *client, const char *token, _Out_ mpgs_delete_result **result_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_certificate_not_after(const mpgs_client *client, _Out_ int64_t *unix_seconds_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_check_gateway(const mpgs_client *client, _Out_ mpgs_gateway_info **info_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_connect(const mpgs_client *client, _Out_ mpgs_error **err)',
  'uint32_t mpgs_session_ready_for_token(const mpgs_session *session, const char *expected_version)',
  'const char *mpgs_readiness_name(uint32_t readiness)',
  'const char *mpgs_delete_result_result(const mpgs_delete_result *deleted)',
  'const char *mpgs_delete_result_correlation_id(const mpgs_delete_result *deleted)',
  'uint16_t mpgs_delete_result_http_status(const mpgs_delete_result *deleted)',
  'uint32_t mpgs_delete_result_api_version(const mpgs_delete_result *deleted)',
  'uint32_t mpgs_delete_result_attempts(const mpgs_delete_result *deleted)',
  'const char *mpgs_delete_result_json(const mpgs_delete_result *deleted)',
  'void mpgs_delete_result_free(mpgs_delete_result *deleted)',
  'const char *mpgs_gateway_info_gateway_version(const mpgs_gateway_info *info)',
  'const char *mpgs_gateway_info_status(const mpgs_gateway_info *info)',
  'bool mpgs_gateway_info_is_operating(const mpgs_gateway_info *info)',
  'uint16_t mpgs_gateway_info_http_status(const mpgs_gateway_info *info)',
  'uint32_t mpgs_gateway_info_api_version(const mpgs_gateway_info *info)',
  'uint32_t mpgs_gateway_info_attempts(const mpgs_gateway_info *info)',
  'const char *mpgs_gateway_info_json(const mpgs_gateway_info *info)',
  'void mpgs_gateway_info_free(mpgs_gateway_info *info)',
  'uint32_t mpgs_error_status(const mpgs_error *error)',
  'uint32_t mpgs_error_stage(const mpgs_error *error)',
  'const char *mpgs_error_message(const mpgs_error *error)',
  'uint16_t mpgs_error_http_status(const mpgs_error *error)',
  'bool mpgs_error_outcome_unknown(const mpgs_error *error)',
  'uint32_t mpgs_error_attempts(const mpgs_error *error)',
  'const char *mpgs_error_cause(const mpgs_error *error)',
  'const char *mpgs_error_field(const mpgs_error *error)',
  'const char *mpgs_error_validation_type(const mpgs_error *error)',
  'const char *mpgs_error_explanation(const mpgs_error *error)',
  'const char *mpgs_error_support_code(const mpgs_error *error)',
  'const char *mpgs_error_gateway_json(const mpgs_error *error)',
  'size_t mpgs_error_field_error_count(const mpgs_error *error)',
  'uint32_t mpgs_error_field_error(const mpgs_error *error, size_t index, _Out_ mpgs_field_error *out)',
  'void mpgs_error_free(mpgs_error *error)',
  'void mpgs_session_free(mpgs_session *session)',
  'bool mpgs_session_authentication_limit(const mpgs_session *session, _Out_ uint32_t *limit_out)',
  'uint16_t mpgs_session_http_status(const mpgs_session *session)',
  'uint32_t mpgs_session_api_version(const mpgs_session *session)',
  'uint32_t mpgs_session_attempts(const mpgs_session *session)',
  'void mpgs_token_free(mpgs_token *token)',
  'uint16_t mpgs_token_http_status(const mpgs_token *token)',
  'uint32_t mpgs_token_api_version(const mpgs_token *token)',
  'uint32_t mpgs_token_attempts(const mpgs_token *token)',
]) {
  const fn = lib.func(decl);
  c[fn.info.name] = fn;
}
// The string accessors of the answers, each `const char *name(const handle *)`: the answer's
// key and the C function that reads it.
const SESSION_FIELDS = {
  id: 'mpgs_session_id',
  aes256Key: 'mpgs_session_aes256_key',
  version: 'mpgs_session_version',
  updateStatus: 'mpgs_session_update_status',
  merchant: 'mpgs_session_merchant',
  result: 'mpgs_session_result',
  correlationId: 'mpgs_session_correlation_id',
  json: 'mpgs_session_json',
};
const TOKEN_FIELDS = {
  token: 'mpgs_token_token',
  status: 'mpgs_token_status',
  repositoryId: 'mpgs_token_repository_id',
  gatewayCode: 'mpgs_token_gateway_code',
  result: 'mpgs_token_result',
  verificationStrategy: 'mpgs_token_verification_strategy',
  sourceOfFundsType: 'mpgs_token_source_of_funds_type',
  correlationId: 'mpgs_token_correlation_id',
  cardBrand: 'mpgs_token_card_brand',
  cardNumber: 'mpgs_token_card_number',
  cardExpiry: 'mpgs_token_card_expiry',
  cardScheme: 'mpgs_token_card_scheme',
  cardFundingMethod: 'mpgs_token_card_funding_method',
  cardIssuer: 'mpgs_token_card_issuer',
  cardLocalBrand: 'mpgs_token_card_local_brand',
  achAccountType: 'mpgs_token_ach_account_type',
  achBankAccountHolder: 'mpgs_token_ach_bank_account_holder',
  achRoutingNumber: 'mpgs_token_ach_routing_number',
  achSecCode: 'mpgs_token_ach_sec_code',
  giftCardBrand: 'mpgs_token_gift_card_brand',
  giftCardLocalBrand: 'mpgs_token_gift_card_local_brand',
  giftCardNumber: 'mpgs_token_gift_card_number',
  giftCardScheme: 'mpgs_token_gift_card_scheme',
  usageLastUpdated: 'mpgs_token_usage_last_updated',
  usageLastUpdatedBy: 'mpgs_token_usage_last_updated_by',
  usageLastUsed: 'mpgs_token_usage_last_used',
  json: 'mpgs_token_json',
};
for (const [kind, fields] of [['session', SESSION_FIELDS], ['token', TOKEN_FIELDS]]) {
  for (const fn of Object.values(fields)) c[fn] = lib.func(`const char *${fn}(const mpgs_${kind} *h)`);
}
c.mpgs_session_json_verbatim = lib.func('const char *mpgs_session_json_verbatim(const mpgs_session *h)');
c.mpgs_token_json_verbatim = lib.func('const char *mpgs_token_json_verbatim(const mpgs_token *h)');

if (c.mpgs_version() !== PACKAGE_VERSION) {
  throw new Error(`mpgs: libmpgs ${c.mpgs_version()} loaded, this package is ${PACKAGE_VERSION} `
    + `(${process.env.MPGS_LIBRARY ? 'MPGS_LIBRARY' : 'its own library'} must match it)`);
}

// The verbatim answer (secrets in clear when the gateway sent them) as a method that no way of
// printing the answer calls: not enumerable, so JSON.stringify, util.inspect and console.log skip it.
function keepVerbatim(out, text) {
  Object.defineProperty(out, 'jsonVerbatim', { value: () => text, enumerable: false });
  return out;
}

/** The C library's statuses (stable numbers). */
const Status = Object.freeze({
  OK: 0, INVALID_ARGUMENT: 1, CONFIG: 2, VALIDATION: 3, GATEWAY: 4, AUTHENTICATION: 5, DECODE: 6,
  CONNECT: 7, TLS: 8, TIMEOUT: 9, IO: 10, NOT_FOUND: 11, INTERNAL: 12,
});
/** Where a call failed. */
const Stage = Object.freeze({ UNKNOWN: 0, NOT_SENT: 1, ANSWERED: 2, UNANSWERED: 3 });
/**
 * The operations (the C library's mpgs_operation, a CallEvent's operation); validate() takes
 * the three with a body.
 */
const Operation = Object.freeze({
  CREATE_SESSION: 1, CREATE_TOKEN: 2, UPDATE_SESSION: 3, RETRIEVE_SESSION: 4, RETRIEVE_TOKEN: 5,
  DELETE_TOKEN: 6, CHECK_GATEWAY: 7,
});
/** Whether a session can be tokenized (the C library's mpgs_readiness, the core's rule). */
const Readiness = Object.freeze({ READY: 0, NOT_UPDATED: 1, NO_CARD_DETAILS: 2, VERSION_DIFFERS: 3 });
/** The config's validationLevel names and the C library's mpgs_validation_level numbers. */
const VALIDATION_LEVELS = Object.freeze({ auto: 0, strict: 1, 'known-fields': 2, off: 3 });
/** The config's trust names and the C library's mpgs_trust numbers. */
const TRUST = Object.freeze({ mozilla: 0, system: 1, 'ca-files-only': 2 });

/** A failed call: every field of the C library's mpgs_error. Never holds a secret. */
class MpgsError extends Error {
  constructor(status, err) {
    super(err ? c.mpgs_error_message(err) : c.mpgs_status_name(status));
    this.name = 'MpgsError';
    this.status = err ? c.mpgs_error_status(err) : status;
    this.statusName = c.mpgs_status_name(this.status);
    this.stage = err ? c.mpgs_error_stage(err) : Stage.UNKNOWN;
    this.httpStatus = err ? c.mpgs_error_http_status(err) : 0;
    this.outcomeUnknown = err ? c.mpgs_error_outcome_unknown(err) : false;
    this.attempts = err ? c.mpgs_error_attempts(err) : 0;
    for (const [key, fn] of [['gatewayCause', 'cause'], ['field', 'field'], ['validationType', 'validation_type'],
      ['explanation', 'explanation'], ['supportCode', 'support_code'], ['gatewayJson', 'gateway_json']]) {
      this[key] = err ? c[`mpgs_error_${fn}`](err) : null;
    }
    this.fieldErrors = [];
    const n = err ? Number(c.mpgs_error_field_error_count(err)) : 0;
    for (let i = 0; i < n; i++) {
      const fe = {};
      if (c.mpgs_error_field_error(err, i, fe) === Status.OK) {
        this.fieldErrors.push({ field: fe.field, validationType: fe.validation_type, explanation: fe.explanation });
      }
    }
  }
}

// Copies the C error into an MpgsError and releases it.
function takeError(status, err) {
  try {
    return new MpgsError(status, err);
  } finally {
    c.mpgs_error_free(err);
  }
}

// A string for C, refused when it holds a U+0000: C would read it only up to there (a token
// "<token>\0/../x" would name "<token>"), so it is never truncated, and nothing is sent.
function cstr(name, value) {
  if (typeof value === 'string' && value.includes('\0')) {
    const e = new MpgsError(Status.INVALID_ARGUMENT, null);
    e.message = `mpgs: ${name} contains a NUL character (U+0000), which a C string cannot hold`;
    e.stage = Stage.NOT_SENT;
    e.field = name;
    throw e;
  }
  return value;
}

function body(json, name = 'json') {
  return cstr(name, json == null || typeof json === 'string' ? json : JSON.stringify(json));
}

/**
 * One call, after it ended (the onCall hook's argument), frozen. Never a body, a header or a
 * secret.
 */
class CallEvent {
  constructor(e) {
    this.operation = e.operation;
    this.operationName = e.operation_name;
    this.method = e.method;
    this.path = e.path;
    this.apiVersion = e.api_version;
    this.httpStatus = e.http_status;
    this.attempts = e.attempts;
    this.elapsedUs = Number(e.elapsed_us);
    this.outcomeUnknown = e.outcome_unknown;
    this.status = e.status;
    this.statusName = c.mpgs_status_name(e.status);
    this.stage = e.stage;
    this.ok = e.status === Status.OK;
    Object.freeze(this);
  }
}

// The clients' hooks: id -> WeakRef of the Client (whose _onCall is the user's function), so
// that a hook closing over its client does not keep it alive. One registered trampoline serves
// every client (koffi has a limited number of slots); the C library calls it on the calling
// thread: the main thread for the plain calls, and for the ...Async calls a libuv worker, where
// koffi queues it to the main thread and the worker waits for it (the event is read there,
// while it is valid).
const observers = new Map();
let nextObserver = 1;
const trampoline = koffi.register((event, id) => {
  try {
    const client = observers.get(Number(id));
    const hook = client && client.deref() && client.deref()._onCall;
    if (hook) hook(new CallEvent(koffi.decode(event, 'mpgs_call_event')));
  } catch (e) {
    // The hook's failure never breaks the call: said, and the call goes on.
    try {
      console.error(`mpgs: the onCall hook threw (the call goes on): ${e && e.stack ? e.stack : e}`);
    } catch (_) { /* nothing left to say it with */ }
  }
}, koffi.pointer(CallObserver));

// `expected`: the version the session's readiness is judged against (null: none).
function readSession(s, expected = null) {
  try {
    const out = {};
    for (const [key, fn] of Object.entries(SESSION_FIELDS)) out[key] = c[fn](s);
    // The AES key is read on request only: not enumerable, so console.log, util.inspect and
    // JSON.stringify of a session never show it.
    Object.defineProperty(out, 'aes256Key', { value: out.aes256Key, enumerable: false });
    const limit = [0];
    out.authenticationLimit = c.mpgs_session_authentication_limit(s, limit) ? limit[0] : null;
    out.httpStatus = c.mpgs_session_http_status(s);
    out.apiVersion = c.mpgs_session_api_version(s);
    out.attempts = c.mpgs_session_attempts(s);
    out.readiness = c.mpgs_session_ready_for_token(s, expected);
    out.readinessName = c.mpgs_readiness_name(out.readiness);
    return keepVerbatim(out, c.mpgs_session_json_verbatim(s));
  } finally {
    c.mpgs_session_free(s);
  }
}

function readDeleted(d) {
  try {
    return {
      result: c.mpgs_delete_result_result(d), correlationId: c.mpgs_delete_result_correlation_id(d),
      httpStatus: c.mpgs_delete_result_http_status(d), apiVersion: c.mpgs_delete_result_api_version(d),
      attempts: c.mpgs_delete_result_attempts(d), json: c.mpgs_delete_result_json(d),
    };
  } finally {
    c.mpgs_delete_result_free(d);
  }
}

function readGatewayInfo(i) {
  try {
    return {
      gatewayVersion: c.mpgs_gateway_info_gateway_version(i), status: c.mpgs_gateway_info_status(i),
      operating: c.mpgs_gateway_info_is_operating(i), httpStatus: c.mpgs_gateway_info_http_status(i),
      apiVersion: c.mpgs_gateway_info_api_version(i), attempts: c.mpgs_gateway_info_attempts(i),
      json: c.mpgs_gateway_info_json(i),
    };
  } finally {
    c.mpgs_gateway_info_free(i);
  }
}

function readToken(t) {
  try {
    const out = {};
    for (const [key, fn] of Object.entries(TOKEN_FIELDS)) out[key] = c[fn](t);
    out.httpStatus = c.mpgs_token_http_status(t);
    out.apiVersion = c.mpgs_token_api_version(t);
    out.attempts = c.mpgs_token_attempts(t);
    return keepVerbatim(out, c.mpgs_token_json_verbatim(t));
  } finally {
    c.mpgs_token_free(t);
  }
}

const finalizer = new FinalizationRegistry(({ ptr, observer }) => {
  c.mpgs_client_free(ptr);
  observers.delete(observer);
});

/**
 * A libmpgs client. `config`: { merchantId, password | certFile + keyFile, baseUrl | region,
 * caFile?, connectTimeoutMs?, timeoutMs?, maxRetries?, proxy? ('http://[user:password@]host:port'),
 * proxyFromEnv? (boolean), sessionApiVersion?, tokenApiVersion?,
 * validationLevel? ('auto' | 'strict' | 'known-fields' | 'off'),
 * trust? ('mozilla' | 'system' | 'ca-files-only'), tokenRepositoryUniqueCard? (boolean) }.
 * Unset keeps the default.
 */
class Client {
  constructor(config) {
    const out = [null];
    const err = [null];
    if (config.onCall != null && typeof config.onCall !== 'function') {
      throw new TypeError('mpgs: onCall must be a function');
    }
    for (const key of ['merchantId', 'password', 'certFile', 'keyFile', 'baseUrl', 'region', 'caFile', 'proxy']) {
      cstr(key, config[key]);
    }
    let st = c.mpgs_config_new(config.merchantId, out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    const cfg = out[0];
    try {
      const steps = [
        ['password', (v) => c.mpgs_config_set_password(cfg, v, err)],
        ['baseUrl', (v) => c.mpgs_config_set_base_url(cfg, v, err)],
        ['region', (v) => c.mpgs_config_set_region(cfg, v, err)],
        ['caFile', (v) => c.mpgs_config_add_ca_file(cfg, v, err)],
        ['connectTimeoutMs', (v) => c.mpgs_config_set_connect_timeout_ms(cfg, v, err)],
        ['timeoutMs', (v) => c.mpgs_config_set_timeout_ms(cfg, v, err)],
        ['maxRetries', (v) => c.mpgs_config_set_max_retries(cfg, v, err)],
        ['proxy', (v) => c.mpgs_config_set_proxy(cfg, v, err)],
        ['proxyFromEnv', (v) => c.mpgs_config_set_proxy_from_env(cfg, Boolean(v), err)],
        ['sessionApiVersion', (v) => c.mpgs_config_set_session_api_version(cfg, v, err)],
        ['tokenApiVersion', (v) => c.mpgs_config_set_token_api_version(cfg, v, err)],
        ['validationLevel', (v) => {
          if (!Object.prototype.hasOwnProperty.call(VALIDATION_LEVELS, v)) {
            throw new TypeError(`mpgs: validationLevel must be one of ${Object.keys(VALIDATION_LEVELS).join(', ')}`);
          }
          return c.mpgs_config_set_validation_level(cfg, VALIDATION_LEVELS[v], err);
        }],
        ['trust', (v) => {
          if (!Object.prototype.hasOwnProperty.call(TRUST, v)) {
            throw new TypeError(`mpgs: trust must be one of ${Object.keys(TRUST).join(', ')}`);
          }
          return c.mpgs_config_set_trust(cfg, TRUST[v], err);
        }],
        ['tokenRepositoryUniqueCard', (v) => c.mpgs_config_set_token_repository_unique_card(cfg, Boolean(v), err)],
      ];
      if (config.certFile != null || config.keyFile != null) {
        st = c.mpgs_config_set_certificate_files(cfg, config.certFile, config.keyFile, err);
        if (st !== Status.OK) throw takeError(st, err[0]);
      }
      for (const [key, set] of steps) {
        if (config[key] == null) continue;
        st = set(config[key]);
        if (st !== Status.OK) throw takeError(st, err[0]);
      }
      let observer = 0;
      if (config.onCall != null) {
        observer = nextObserver++;
        st = c.mpgs_config_set_observer(cfg, trampoline, observer, err);
        if (st !== Status.OK) throw takeError(st, err[0]);
        this._onCall = config.onCall;
      }
      const client = [null];
      st = c.mpgs_client_new(cfg, client, err);
      if (st !== Status.OK) throw takeError(st, err[0]);
      this._ptr = client[0];
      this._observer = observer;
      if (observer) observers.set(observer, new WeakRef(this));
      finalizer.register(this, { ptr: this._ptr, observer }, this);
    } finally {
      c.mpgs_config_free(cfg);
    }
  }

  /** Releases the client; later calls throw an MpgsError (INVALID_ARGUMENT). Idempotent. */
  close() {
    if (this._ptr == null) return;
    if (this._pending) throw new Error('mpgs: close() while async calls are under way');
    finalizer.unregister(this);
    c.mpgs_client_free(this._ptr);
    this._ptr = null;
    observers.delete(this._observer);
  }

  /** Create Session; `json`: an object or JSON text in the gateway's shape (null: empty). */
  createSession(json = null) {
    const out = [null];
    const err = [null];
    const st = c.mpgs_client_create_session(this._ptr, body(json), out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    return readSession(out[0]);
  }

  /** Create or Update Token; `json`: an object or JSON text in the gateway's shape. */
  createToken(json) {
    const out = [null];
    const err = [null];
    const st = c.mpgs_client_create_token(this._ptr, body(json), out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    return readToken(out[0]);
  }

  /**
   * Retrieve Session: the stored fields, card details masked. `sessionId` is checked before
   * anything is sent (an MpgsError naming sessionId). `readiness` is judged by the core against
   * `expectedVersion`, the version the payment page reported (null: none).
   */
  retrieveSession(sessionId, expectedVersion = null) {
    const out = [null];
    const err = [null];
    const id = cstr('sessionId', sessionId);
    const expected = cstr('expectedVersion', expectedVersion); // refused before anything is sent
    const st = c.mpgs_client_retrieve_session(this._ptr, id, out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    return readSession(out[0], expected);
  }

  /** Update Session: stores `json`'s fields (object or JSON text, nested or dotted). */
  updateSession(sessionId, json = null) {
    const out = [null];
    const err = [null];
    const st = c.mpgs_client_update_session(this._ptr, cstr('sessionId', sessionId), body(json), out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    return readSession(out[0]);
  }

  /** Retrieve Token: the details stored against `token`, card number masked. */
  retrieveToken(token) {
    const out = [null];
    const err = [null];
    const st = c.mpgs_client_retrieve_token(this._ptr, cstr('token', token), out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    return readToken(out[0]);
  }

  /** Delete Token: the token is then unknown to the gateway. */
  deleteToken(token) {
    const out = [null];
    const err = [null];
    const st = c.mpgs_client_delete_token(this._ptr, cstr('token', token), out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    return readDeleted(out[0]);
  }

  /**
   * When the client certificate expires (its notAfter) as a Date, so that a till can warn before
   * the gateway refuses it; null with a password.
   */
  certificateNotAfter() {
    const out = [0];
    const err = [null];
    const st = c.mpgs_client_certificate_not_after(this._ptr, out, err);
    if (st === Status.NOT_FOUND) {
      c.mpgs_error_free(err[0]);
      return null;
    }
    if (st !== Status.OK) throw takeError(st, err[0]);
    return new Date(Number(out[0]) * 1000);
  }

  /** Check Gateway: sends no credentials (it needs none), so it proves nothing about them. */
  checkGateway() {
    const out = [null];
    const err = [null];
    const st = c.mpgs_client_check_gateway(this._ptr, out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    return readGatewayInfo(out[0]);
  }

  /**
   * Warm-up: opens a connection (TCP, the proxy tunnel if any, the TLS handshake) and keeps it
   * idle for the next call, so that call does not pay those round trips; sends no request. Throws
   * the MpgsError a call would meet (CONNECT, TLS or TIMEOUT; nothing sent).
   */
  connect() {
    const err = [null];
    const st = c.mpgs_client_connect(this._ptr, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
  }

  /** connect on libuv's thread pool: a Promise of undefined. */
  connectAsync() {
    const err = [null];
    this._pending = (this._pending || 0) + 1;
    return new Promise((resolve, reject) => {
      c.mpgs_client_connect.async(this._ptr, err, (e, st) => {
        this._pending--;
        if (e) reject(e);
        else if (st !== Status.OK) reject(takeError(st, err[0]));
        else resolve();
      });
    });
  }

  /** createSession on libuv's thread pool: a Promise of the session. */
  createSessionAsync(json = null) {
    return this._async(c.mpgs_client_create_session, () => [body(json)], readSession);
  }

  /** createToken on libuv's thread pool: a Promise of the token. */
  createTokenAsync(json) {
    return this._async(c.mpgs_client_create_token, () => [body(json)], readToken);
  }

  /** retrieveSession on libuv's thread pool: a Promise of the session. */
  retrieveSessionAsync(sessionId, expectedVersion = null) {
    return this._async(c.mpgs_client_retrieve_session, () => {
      cstr('expectedVersion', expectedVersion);
      return [cstr('sessionId', sessionId)];
    },
      (s) => readSession(s, expectedVersion));
  }

  /** updateSession on libuv's thread pool: a Promise of the session. */
  updateSessionAsync(sessionId, json = null) {
    return this._async(c.mpgs_client_update_session, () => [cstr('sessionId', sessionId), body(json)], readSession);
  }

  /** retrieveToken on libuv's thread pool: a Promise of the token. */
  retrieveTokenAsync(token) {
    return this._async(c.mpgs_client_retrieve_token, () => [cstr('token', token)], readToken);
  }

  /** deleteToken on libuv's thread pool: a Promise of the result. */
  deleteTokenAsync(token) {
    return this._async(c.mpgs_client_delete_token, () => [cstr('token', token)], readDeleted);
  }

  /** checkGateway on libuv's thread pool: a Promise of the gateway's information. */
  checkGatewayAsync() {
    return this._async(c.mpgs_client_check_gateway, () => [], readGatewayInfo);
  }

  // `args`: a function giving the arguments after the client (checked first: a Promise rejected
  // when one is refused).
  _async(fn, args, read) {
    try {
      args = args();
    } catch (e) {
      return Promise.reject(e);
    }
    const out = [null];
    const err = [null];
    this._pending = (this._pending || 0) + 1;
    return new Promise((resolve, reject) => {
      fn.async(this._ptr, ...args, out, err, (e, st) => {
        this._pending--;
        if (e) reject(e);
        else if (st !== Status.OK) reject(takeError(st, err[0]));
        else resolve(read(out[0]));
      });
    });
  }
}

/**
 * Checks a body against every rule of `operation` without sending it; throws an MpgsError
 * (VALIDATION, every problem in fieldErrors). With `apiVersion` (0: the operation's documented
 * one) and `validationLevel`, checks it as a client so configured would before sending.
 */
function validate(operation, json, apiVersion = null, validationLevel = null) {
  const err = [null];
  let st;
  if (apiVersion == null && validationLevel == null) {
    st = c.mpgs_validate(operation, body(json), err);
  } else {
    const level = validationLevel == null ? 'auto' : validationLevel;
    if (!Object.prototype.hasOwnProperty.call(VALIDATION_LEVELS, level)) {
      throw new TypeError(`mpgs: validationLevel must be one of ${Object.keys(VALIDATION_LEVELS).join(', ')}`);
    }
    st = c.mpgs_validate_at(operation, apiVersion || 0, VALIDATION_LEVELS[level], body(json), err);
  }
  if (st !== Status.OK) throw takeError(st, err[0]);
}

module.exports = {
  Client, CallEvent, MpgsError, Status, Stage, Operation, Readiness, validate, version: () => c.mpgs_version(),
};
