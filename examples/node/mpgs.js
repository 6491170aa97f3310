'use strict';
// libmpgs from Node.js through koffi (npm `koffi`), declarations matching include/mpgs.h.
//
// A Client is made once and closed with close(). createSession/createToken block the calling
// thread (Node's main thread) for the length of the call; createSessionAsync/createTokenAsync
// run the same call on libuv's thread pool and return a Promise: one Client may serve any number
// of them at once (the C client is thread-safe). Answers are plain objects (the C handles are
// released before the call returns); a failure throws an MpgsError carrying every field of the
// C error. libmpgs.so is found as the system's loader finds it (LD_LIBRARY_PATH), or at
// MPGS_LIBRARY.
const koffi = require('koffi');

const lib = koffi.load(process.env.MPGS_LIBRARY || 'libmpgs.so');
koffi.opaque('mpgs_config');
koffi.opaque('mpgs_client');
koffi.opaque('mpgs_error');
koffi.opaque('mpgs_session');
koffi.opaque('mpgs_token');
koffi.opaque('mpgs_delete_result');
koffi.opaque('mpgs_gateway_info');
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
  'void mpgs_config_free(mpgs_config *config)',
  'uint32_t mpgs_client_new(const mpgs_config *config, _Out_ mpgs_client **client_out, _Out_ mpgs_error **err)',
  'void mpgs_client_free(mpgs_client *client)',
  'uint32_t mpgs_client_create_session(const mpgs_client *client, const char *json, _Out_ mpgs_session **session_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_create_token(const mpgs_client *client, const char *json, _Out_ mpgs_token **token_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_validate(uint32_t operation, const char *json, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_retrieve_session(const mpgs_client *client, const char *session_id, _Out_ mpgs_session **session_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_update_session(const mpgs_client *client, const char *session_id, const char *json, _Out_ mpgs_session **session_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_retrieve_token(const mpgs_client *client, const char *token, _Out_ mpgs_token **token_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_delete_token(const mpgs_client *client, const char *token, _Out_ mpgs_delete_result **result_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_client_check_gateway(const mpgs_client *client, _Out_ mpgs_gateway_info **info_out, _Out_ mpgs_error **err)',
  'uint32_t mpgs_session_ready_for_token(const mpgs_session *session, const char *expected_version)',
  'const char *mpgs_readiness_name(uint32_t readiness)',
  'const char *mpgs_delete_result_result(const mpgs_delete_result *deleted)',
  'const char *mpgs_delete_result_correlation_id(const mpgs_delete_result *deleted)',
  'uint16_t mpgs_delete_result_http_status(const mpgs_delete_result *deleted)',
  'uint32_t mpgs_delete_result_api_version(const mpgs_delete_result *deleted)',
  'uint32_t mpgs_delete_result_attempts(const mpgs_delete_result *deleted)',
  'void mpgs_delete_result_free(mpgs_delete_result *deleted)',
  'const char *mpgs_gateway_info_gateway_version(const mpgs_gateway_info *info)',
  'const char *mpgs_gateway_info_status(const mpgs_gateway_info *info)',
  'bool mpgs_gateway_info_is_operating(const mpgs_gateway_info *info)',
  'uint16_t mpgs_gateway_info_http_status(const mpgs_gateway_info *info)',
  'uint32_t mpgs_gateway_info_api_version(const mpgs_gateway_info *info)',
  'uint32_t mpgs_gateway_info_attempts(const mpgs_gateway_info *info)',
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
// The string accessors of the answers, each `const char *name(const handle *)`.
const SESSION_FIELDS = {
  id: 'id', aes256Key: 'aes256_key', version: 'version', updateStatus: 'update_status',
  merchant: 'merchant', result: 'result', correlationId: 'correlation_id', json: 'json',
};
const TOKEN_FIELDS = {
  token: 'token', status: 'status', repositoryId: 'repository_id', gatewayCode: 'gateway_code',
  result: 'result', verificationStrategy: 'verification_strategy', sourceOfFundsType: 'source_of_funds_type',
  correlationId: 'correlation_id', cardBrand: 'card_brand', cardNumber: 'card_number', cardExpiry: 'card_expiry',
  cardScheme: 'card_scheme', cardFundingMethod: 'card_funding_method', cardIssuer: 'card_issuer',
  cardLocalBrand: 'card_local_brand', achAccountType: 'ach_account_type',
  achBankAccountHolder: 'ach_bank_account_holder', achRoutingNumber: 'ach_routing_number',
  achSecCode: 'ach_sec_code', giftCardBrand: 'gift_card_brand', giftCardLocalBrand: 'gift_card_local_brand',
  giftCardNumber: 'gift_card_number', giftCardScheme: 'gift_card_scheme', usageLastUpdated: 'usage_last_updated',
  usageLastUpdatedBy: 'usage_last_updated_by', usageLastUsed: 'usage_last_used', json: 'json',
};
for (const [kind, fields] of [['session', SESSION_FIELDS], ['token', TOKEN_FIELDS]]) {
  for (const name of Object.values(fields)) {
    c[`mpgs_${kind}_${name}`] = lib.func(`const char *mpgs_${kind}_${name}(const mpgs_${kind} *h)`);
  }
}

/** The C library's statuses (stable numbers). */
const Status = Object.freeze({
  OK: 0, INVALID_ARGUMENT: 1, CONFIG: 2, VALIDATION: 3, GATEWAY: 4, AUTHENTICATION: 5, DECODE: 6,
  CONNECT: 7, TLS: 8, TIMEOUT: 9, IO: 10, NOT_FOUND: 11, INTERNAL: 12,
});
/** Where a call failed. */
const Stage = Object.freeze({ UNKNOWN: 0, NOT_SENT: 1, ANSWERED: 2, UNANSWERED: 3 });
/** The operations with a body, for validate(). */
const Operation = Object.freeze({ CREATE_SESSION: 1, CREATE_TOKEN: 2, UPDATE_SESSION: 3 });
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

function body(json) {
  return json == null || typeof json === 'string' ? json : JSON.stringify(json);
}

// `expected`: the version the session's readiness is judged against (null: none).
function readSession(s, expected = null) {
  try {
    const out = {};
    for (const [key, name] of Object.entries(SESSION_FIELDS)) out[key] = c[`mpgs_session_${name}`](s);
    const limit = [0];
    out.authenticationLimit = c.mpgs_session_authentication_limit(s, limit) ? limit[0] : null;
    out.httpStatus = c.mpgs_session_http_status(s);
    out.apiVersion = c.mpgs_session_api_version(s);
    out.attempts = c.mpgs_session_attempts(s);
    out.readiness = c.mpgs_session_ready_for_token(s, expected);
    out.readinessName = c.mpgs_readiness_name(out.readiness);
    return out;
  } finally {
    c.mpgs_session_free(s);
  }
}

function readDeleted(d) {
  try {
    return {
      result: c.mpgs_delete_result_result(d), correlationId: c.mpgs_delete_result_correlation_id(d),
      httpStatus: c.mpgs_delete_result_http_status(d), apiVersion: c.mpgs_delete_result_api_version(d),
      attempts: c.mpgs_delete_result_attempts(d),
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
    };
  } finally {
    c.mpgs_gateway_info_free(i);
  }
}

function readToken(t) {
  try {
    const out = {};
    for (const [key, name] of Object.entries(TOKEN_FIELDS)) out[key] = c[`mpgs_token_${name}`](t);
    out.httpStatus = c.mpgs_token_http_status(t);
    out.apiVersion = c.mpgs_token_api_version(t);
    out.attempts = c.mpgs_token_attempts(t);
    return out;
  } finally {
    c.mpgs_token_free(t);
  }
}

const finalizer = new FinalizationRegistry((ptr) => c.mpgs_client_free(ptr));

/**
 * A libmpgs client. `config`: { merchantId, password | certFile + keyFile, baseUrl | region,
 * caFile?, connectTimeoutMs?, timeoutMs?, maxRetries?, proxy? ('http://[user:password@]host:port'),
 * proxyFromEnv? (boolean), sessionApiVersion?, tokenApiVersion?,
 * validationLevel? ('auto' | 'strict' | 'known-fields' | 'off'),
 * trust? ('mozilla' | 'system' | 'ca-files-only') }. Unset keeps the default.
 */
class Client {
  constructor(config) {
    const out = [null];
    const err = [null];
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
      const client = [null];
      st = c.mpgs_client_new(cfg, client, err);
      if (st !== Status.OK) throw takeError(st, err[0]);
      this._ptr = client[0];
      finalizer.register(this, this._ptr, this);
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
    const st = c.mpgs_client_retrieve_session(this._ptr, sessionId, out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    return readSession(out[0], expectedVersion);
  }

  /** Update Session: stores `json`'s fields (object or JSON text, nested or dotted). */
  updateSession(sessionId, json = null) {
    const out = [null];
    const err = [null];
    const st = c.mpgs_client_update_session(this._ptr, sessionId, body(json), out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    return readSession(out[0]);
  }

  /** Retrieve Token: the details stored against `token`, card number masked. */
  retrieveToken(token) {
    const out = [null];
    const err = [null];
    const st = c.mpgs_client_retrieve_token(this._ptr, token, out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    return readToken(out[0]);
  }

  /** Delete Token: the token is then unknown to the gateway. */
  deleteToken(token) {
    const out = [null];
    const err = [null];
    const st = c.mpgs_client_delete_token(this._ptr, token, out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    return readDeleted(out[0]);
  }

  /** Check Gateway: sends no credentials (it needs none), so it proves nothing about them. */
  checkGateway() {
    const out = [null];
    const err = [null];
    const st = c.mpgs_client_check_gateway(this._ptr, out, err);
    if (st !== Status.OK) throw takeError(st, err[0]);
    return readGatewayInfo(out[0]);
  }

  /** createSession on libuv's thread pool: a Promise of the session. */
  createSessionAsync(json = null) {
    return this._async(c.mpgs_client_create_session, body(json), readSession);
  }

  /** createToken on libuv's thread pool: a Promise of the token. */
  createTokenAsync(json) {
    return this._async(c.mpgs_client_create_token, body(json), readToken);
  }

  _async(fn, json, read) {
    const out = [null];
    const err = [null];
    this._pending = (this._pending || 0) + 1;
    return new Promise((resolve, reject) => {
      fn.async(this._ptr, json, out, err, (e, st) => {
        this._pending--;
        if (e) reject(e);
        else if (st !== Status.OK) reject(takeError(st, err[0]));
        else resolve(read(out[0]));
      });
    });
  }
}

/** Checks a body against every rule of `operation` without sending it; throws an MpgsError. */
function validate(operation, json) {
  const err = [null];
  const st = c.mpgs_validate(operation, body(json), err);
  if (st !== Status.OK) throw takeError(st, err[0]);
}

module.exports = {
  Client, MpgsError, Status, Stage, Operation, Readiness, validate, version: () => c.mpgs_version(),
};
