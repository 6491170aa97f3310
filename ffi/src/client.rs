//! `mpgs_config` (a builder the caller fills in) and `mpgs_client` (immutable, shared by threads),
//! and the operations.

use std::ffi::c_char;
use std::time::Duration;

use mpgs_core::{Client, ClientBuilder};
use serde_json::Value;

use crate::boundary::Failure;
use crate::boundary::{arg_mut, arg_opt_str, arg_out, arg_ref, arg_str, ffi_export, free, give};
use crate::error::mpgs_error;
use crate::request::mpgs_request;
use crate::response::{mpgs_delete_result, mpgs_gateway_info, mpgs_session, mpgs_token};
use crate::{mpgs_status, mpgs_trust, mpgs_validation_level};

/// Client settings. Fill it in with the `mpgs_config_set_*` functions, then make any number of
/// clients from it with `mpgs_client_new`. Release it with `mpgs_config_free`.
pub struct mpgs_config {
    builder: ClientBuilder,
}

/// A client: immutable, safe to share between threads (`const mpgs_client *`). Release it with
/// `mpgs_client_free` once no thread uses it.
pub struct mpgs_client {
    inner: Client,
}

/// Starts the settings for merchant `merchant_id` (1-40 of `0-9 a-z A-Z - _`, checked by
/// `mpgs_client_new`). Defaults: connect timeout 10 s, whole-call timeout 45 s, 2 retries, API
/// versions 58 (Create Session) and 38 (Create or Update Token). Writes `*config_out` on success.
#[no_mangle]
pub extern "C" fn mpgs_config_new(
    merchant_id: *const c_char,
    config_out: *mut *mut mpgs_config,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let merchant_id = arg_str(merchant_id, "merchant_id")?;
        let out = arg_out(config_out, "config_out")?;
        give(out, mpgs_config { builder: Client::builder(merchant_id).binding("c") });
        Ok(())
    })
}

/// Applies one setting to the builder in `config`.
pub(crate) fn update(
    config: *mut mpgs_config,
    f: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Result<(), Failure> {
    let config = arg_mut(config, "config")?;
    let builder = std::mem::replace(&mut config.builder, Client::builder(""));
    config.builder = f(builder);
    Ok(())
}

/// Authenticates with the API password (HTTP Basic as `merchant.<merchantId>`). The library keeps
/// its own copy (zeroed when released); the caller may wipe `password` at once.
#[no_mangle]
pub extern "C" fn mpgs_config_set_password(
    config: *mut mpgs_config,
    password: *const c_char,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let password = arg_str(password, "password")?;
        update(config, |b| b.password(password))
    })
}

/// Authenticates with a client certificate: `cert_file` holds the PEM certificate chain (leaf
/// first), `key_file` its PEM private key. Both files are read during this call (the config keeps
/// their contents, the key zeroed when released): later changes to the files are not seen. A file
/// that cannot be read does not fail this call; `mpgs_client_new` then fails with
/// `MPGS_STATUS_CONFIG` naming the file.
#[no_mangle]
pub extern "C" fn mpgs_config_set_certificate_files(
    config: *mut mpgs_config,
    cert_file: *const c_char,
    key_file: *const c_char,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let cert_file = arg_str(cert_file, "cert_file")?;
        let key_file = arg_str(key_file, "key_file")?;
        update(config, |b| b.certificate_files(cert_file, key_file))
    })
}

/// The gateway's base URL (`https://na.gateway.mastercard.com`, a bank's own host). `http://` is
/// accepted for loopback hosts only. Setting a region as well makes `mpgs_client_new` fail with
/// `MPGS_STATUS_CONFIG`.
#[no_mangle]
pub extern "C" fn mpgs_config_set_base_url(
    config: *mut mpgs_config,
    base_url: *const c_char,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let base_url = arg_str(base_url, "base_url")?;
        update(config, |b| b.base_url(base_url))
    })
}

/// A region preset instead of a base URL: `na`, `eu`, `ap`, `in`, `cn`, `ksa` or `mtf` (the test
/// environment). Certificate authentication uses the region's `pki.` host. Setting a base URL as
/// well makes `mpgs_client_new` fail with `MPGS_STATUS_CONFIG`.
#[no_mangle]
pub extern "C" fn mpgs_config_set_region(
    config: *mut mpgs_config,
    region: *const c_char,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let region = arg_str(region, "region")?;
        update(config, |b| b.region(region))
    })
}

/// Sends every `https://` request through the HTTP proxy `proxy_url`
/// (`http://[user:password@]host:port`) with CONNECT; TLS still runs end to end with the gateway.
/// An `http://` (loopback) base URL is never proxied. Without this or
/// `mpgs_config_set_proxy_from_env`, no proxy is used, whatever the environment says. A proxy
/// that refuses or drops the tunnel is `MPGS_STATUS_CONNECT`: nothing was sent. A refusal with
/// a 4xx is final (not retried; 407: the proxy credentials are wrong or missing).
#[no_mangle]
pub extern "C" fn mpgs_config_set_proxy(
    config: *mut mpgs_config,
    proxy_url: *const c_char,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let proxy_url = arg_str(proxy_url, "proxy_url")?;
        update(config, |b| b.proxy(proxy_url))
    })
}

/// With `enabled` true, uses the proxy the environment names (`HTTPS_PROXY`, then `ALL_PROXY`,
/// either case) unless `NO_PROXY` matches the gateway's host; read by `mpgs_client_new`. Off by
/// default; `mpgs_config_set_proxy` wins over it.
#[no_mangle]
pub extern "C" fn mpgs_config_set_proxy_from_env(
    config: *mut mpgs_config,
    enabled: bool,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, { update(config, |b| b.proxy_from_env(enabled)) })
}

/// With `enabled` true, says that the merchant's token repository is configured "Unique Card"
/// (Create or Update Token with a card already held returns the same token): only then is a
/// Create or Update Token request sent again on a new connection when a reused connection
/// closed under it before any answer byte, and never with verification strategy `ACQUIRER`.
/// Off by default. (Create Session is always repeated in that case: an unused session is
/// harmless.)
#[no_mangle]
pub extern "C" fn mpgs_config_set_token_repository_unique_card(
    config: *mut mpgs_config,
    enabled: bool,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, { update(config, |b| b.token_repository_unique_card(enabled)) })
}

/// Trusts the CA certificates in PEM file `ca_file` as well as the roots `mpgs_config_set_trust`
/// names (for a private test host, or the CA to pin). TLS is always verified. The file is read during this call: later changes to it are
/// not seen. A file that cannot be read does not fail this call; `mpgs_client_new` then fails with
/// `MPGS_STATUS_CONFIG` naming the file.
#[no_mangle]
pub extern "C" fn mpgs_config_add_ca_file(
    config: *mut mpgs_config,
    ca_file: *const c_char,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let ca_file = arg_str(ca_file, "ca_file")?;
        update(config, |b| b.add_ca_file(ca_file))
    })
}

/// The connect timeout, in milliseconds (default 10000).
#[no_mangle]
pub extern "C" fn mpgs_config_set_connect_timeout_ms(
    config: *mut mpgs_config,
    milliseconds: u32,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        update(config, |b| b.connect_timeout(Duration::from_millis(milliseconds.into())))
    })
}

/// The timeout of a whole call, retries included, in milliseconds (default 45000).
#[no_mangle]
pub extern "C" fn mpgs_config_set_timeout_ms(
    config: *mut mpgs_config,
    milliseconds: u32,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, { update(config, |b| b.timeout(Duration::from_millis(milliseconds.into()))) })
}

/// How many times a request that cannot have been processed (connect failure, `SERVER_BUSY`) is
/// sent again (default 2). A repeat after a reused connection closed under a request that is
/// harmless to repeat counts against the same number (0: nothing is ever sent twice).
#[no_mangle]
pub extern "C" fn mpgs_config_set_max_retries(
    config: *mut mpgs_config,
    retries: u32,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, { update(config, |b| b.max_retries(retries)) })
}

/// The API version in Create Session's path (default 58).
#[no_mangle]
pub extern "C" fn mpgs_config_set_session_api_version(
    config: *mut mpgs_config,
    version: u32,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, { update(config, |b| b.session_api_version(version)) })
}

/// The API version in Create or Update Token's path (default 38).
#[no_mangle]
pub extern "C" fn mpgs_config_set_token_api_version(
    config: *mut mpgs_config,
    version: u32,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, { update(config, |b| b.token_api_version(version)) })
}

/// How strictly requests are checked before they are sent: `level` is an `mpgs_validation_level`
/// value (default `MPGS_VALIDATION_LEVEL_AUTO`: the documented field tables in full at the
/// documented API versions, 58 and 38; known fields only at any other version). Any other number
/// is `MPGS_STATUS_INVALID_ARGUMENT` naming `level`, and the setting is left as it was.
/// (Takes the number, not the enum, so that any value a C program passes is defined behaviour.)
#[no_mangle]
pub extern "C" fn mpgs_config_set_validation_level(
    config: *mut mpgs_config,
    level: u32,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let level = mpgs_validation_level::from_number(level).ok_or_else(|| {
            Failure::argument(format!(
                "`level` {level} is not a validation level (MPGS_VALIDATION_LEVEL_AUTO, _STRICT, \
                 _KNOWN_FIELDS or _OFF)"
            ))
        })?;
        update(config, |b| b.validation_level(level))
    })
}

/// Which roots are trusted for the gateway's certificate: `trust` is an `mpgs_trust` value
/// (default `MPGS_TRUST_MOZILLA`: the bundled Mozilla roots; `MPGS_TRUST_SYSTEM`: the operating
/// system's store, `SSL_CERT_FILE` / `SSL_CERT_DIR` honoured; `MPGS_TRUST_CA_FILES_ONLY`: only
/// the files of `mpgs_config_add_ca_file`). The CA files are trusted with every choice. Any other
/// number is `MPGS_STATUS_INVALID_ARGUMENT` naming `trust`, and the setting is left as it was.
/// (Takes the number, not the enum, so that any value a C program passes is defined behaviour.)
#[no_mangle]
pub extern "C" fn mpgs_config_set_trust(
    config: *mut mpgs_config,
    trust: u32,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let trust = mpgs_trust::from_number(trust).ok_or_else(|| {
            Failure::argument(format!(
                "`trust` {trust} is not a trust choice (MPGS_TRUST_MOZILLA, _SYSTEM or _CA_FILES_ONLY)"
            ))
        })?;
        update(config, |b| b.trust(trust))
    })
}

/// Releases settings (clients made from them live on). NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpgs_config_free(config: *mut mpgs_config) {
    ffi_export!(returns(), { free(config) })
}

/// Checks every setting and makes a client; `config` is left as it was and may be reused or
/// released. Reads no file (the setters did), except the system's CA store with
/// `MPGS_TRUST_SYSTEM`. Errors: `MPGS_STATUS_CONFIG` (no credentials, no host, a file a setter
/// could not read, bad PEM, `MPGS_TRUST_CA_FILES_ONLY` without a CA file, no certificate in the
/// system's store),
/// `MPGS_STATUS_VALIDATION` (a bad merchant id). Writes `*client_out` on success.
#[no_mangle]
pub extern "C" fn mpgs_client_new(
    config: *const mpgs_config,
    client_out: *mut *mut mpgs_client,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let config = arg_ref(config, "config")?;
        let out = arg_out(client_out, "client_out")?;
        let inner = config.builder.clone().build()?;
        give(out, mpgs_client { inner });
        Ok(())
    })
}

/// Releases a client. No other thread may be using it. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpgs_client_free(client: *mut mpgs_client) {
    ffi_export!(returns(), { free(client) })
}

/// Parses JSON text (NULL or blank is an empty body when `empty_ok`).
fn body(json: *const c_char, empty_ok: bool) -> Result<Value, Failure> {
    let text = if empty_ok { arg_opt_str(json, "json")?.unwrap_or("") } else { arg_str(json, "json")? };
    Ok(mpgs_core::validate::parse_body(text)?)
}

/// Create Session. `json` is the request in the gateway's documented shape (nested objects or
/// dotted names); NULL means an empty body. Every field rule is checked before anything is sent.
/// Writes `*session_out` on success; release it with `mpgs_session_free`.
#[no_mangle]
pub extern "C" fn mpgs_client_create_session(
    client: *const mpgs_client,
    json: *const c_char,
    session_out: *mut *mut mpgs_session,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let client = arg_ref(client, "client")?;
        let out = arg_out(session_out, "session_out")?;
        let body = body(json, true)?;
        give(out, mpgs_session::new(client.inner.create_session_json(body)?));
        Ok(())
    })
}

/// Create or Update Token. `json` is the request in the gateway's documented shape (nested
/// objects or dotted names). Every field rule is checked before anything is sent. Writes
/// `*token_out` on success; release it with `mpgs_token_free`.
#[no_mangle]
pub extern "C" fn mpgs_client_create_token(
    client: *const mpgs_client,
    json: *const c_char,
    token_out: *mut *mut mpgs_token,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let client = arg_ref(client, "client")?;
        let out = arg_out(token_out, "token_out")?;
        let body = body(json, false)?;
        give(out, mpgs_token::new(client.inner.create_token_json(body)?));
        Ok(())
    })
}

/// Create Session from a request handle made with `mpgs_request_new(MPGS_OPERATION_CREATE_SESSION)`
/// (`MPGS_STATUS_INVALID_ARGUMENT` for a request of the other operation).
#[no_mangle]
pub extern "C" fn mpgs_client_create_session_with(
    client: *const mpgs_client,
    request: *const mpgs_request,
    session_out: *mut *mut mpgs_session,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let client = arg_ref(client, "client")?;
        let body = arg_ref(request, "request")?.body_for(mpgs_core::Operation::CreateSession)?;
        let out = arg_out(session_out, "session_out")?;
        give(out, mpgs_session::new(client.inner.create_session_json(body)?));
        Ok(())
    })
}

/// Create or Update Token from a request handle made with
/// `mpgs_request_new(MPGS_OPERATION_CREATE_TOKEN)`.
#[no_mangle]
pub extern "C" fn mpgs_client_create_token_with(
    client: *const mpgs_client,
    request: *const mpgs_request,
    token_out: *mut *mut mpgs_token,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let client = arg_ref(client, "client")?;
        let body = arg_ref(request, "request")?.body_for(mpgs_core::Operation::CreateToken)?;
        let out = arg_out(token_out, "token_out")?;
        give(out, mpgs_token::new(client.inner.create_token_json(body)?));
        Ok(())
    })
}

/// Retrieve Session: everything stored in session `session_id`, card details masked by the
/// gateway, at the session API version. `session_id` is checked before anything is sent (ASCII,
/// 31-35 characters; `/`, `..`, `%`, `?`, `#`, spaces and control characters refused, never
/// encoded): `MPGS_STATUS_VALIDATION` naming `sessionId`. Writes `*session_out` on success;
/// release it with `mpgs_session_free`. Check it with `mpgs_session_ready_for_token`.
#[no_mangle]
pub extern "C" fn mpgs_client_retrieve_session(
    client: *const mpgs_client,
    session_id: *const c_char,
    session_out: *mut *mut mpgs_session,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let client = arg_ref(client, "client")?;
        let session_id = arg_str(session_id, "session_id")?;
        let out = arg_out(session_out, "session_out")?;
        give(out, mpgs_session::new(client.inner.retrieve_session(session_id)?));
        Ok(())
    })
}

/// Update Session: stores the fields of `json` (nested objects or dotted names; NULL means an
/// empty body) in session `session_id` (checked as for `mpgs_client_retrieve_session`). The
/// fields whose rules the library knows (`sourceOfFunds.*` as in Create or Update Token,
/// `session.*`, `correlationId`) are checked as the validation level says; any other field a
/// session may hold (`order.*`, `customer.*`…) passes unchecked. Writes `*session_out` on success.
#[no_mangle]
pub extern "C" fn mpgs_client_update_session(
    client: *const mpgs_client,
    session_id: *const c_char,
    json: *const c_char,
    session_out: *mut *mut mpgs_session,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let client = arg_ref(client, "client")?;
        let session_id = arg_str(session_id, "session_id")?;
        let out = arg_out(session_out, "session_out")?;
        let body = body(json, true)?;
        give(out, mpgs_session::new(client.inner.update_session_json(session_id, body)?));
        Ok(())
    })
}

/// Update Session from a request handle made with
/// `mpgs_request_new(MPGS_OPERATION_UPDATE_SESSION)`.
#[no_mangle]
pub extern "C" fn mpgs_client_update_session_with(
    client: *const mpgs_client,
    session_id: *const c_char,
    request: *const mpgs_request,
    session_out: *mut *mut mpgs_session,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let client = arg_ref(client, "client")?;
        let session_id = arg_str(session_id, "session_id")?;
        let body = arg_ref(request, "request")?.body_for(mpgs_core::Operation::UpdateSession)?;
        let out = arg_out(session_out, "session_out")?;
        give(out, mpgs_session::new(client.inner.update_session_json(session_id, body)?));
        Ok(())
    })
}

/// Retrieve Token: the details stored against `token` (1-40 of `0-9 a-z A-Z`, checked before
/// anything is sent: `MPGS_STATUS_VALIDATION` naming `tokenid`), at the token API version, card
/// number masked. Writes `*token_out` on success; release it with `mpgs_token_free`.
#[no_mangle]
pub extern "C" fn mpgs_client_retrieve_token(
    client: *const mpgs_client,
    token: *const c_char,
    token_out: *mut *mut mpgs_token,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let client = arg_ref(client, "client")?;
        let token = arg_str(token, "token")?;
        let out = arg_out(token_out, "token_out")?;
        give(out, mpgs_token::new(client.inner.retrieve_token(token)?));
        Ok(())
    })
}

/// Delete Token: removes `token` (checked as for `mpgs_client_retrieve_token`). The token is then
/// unknown to the gateway. Writes `*result_out` on success; release it with
/// `mpgs_delete_result_free`.
#[no_mangle]
pub extern "C" fn mpgs_client_delete_token(
    client: *const mpgs_client,
    token: *const c_char,
    result_out: *mut *mut mpgs_delete_result,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let client = arg_ref(client, "client")?;
        let token = arg_str(token, "token")?;
        let out = arg_out(result_out, "result_out")?;
        give(out, mpgs_delete_result::new(client.inner.delete_token(token)?));
        Ok(())
    })
}

/// Check Gateway: whether the gateway is reachable and takes requests (`OPERATING` or
/// `SHUTDOWN`), at the session API version. It needs no authentication and sends none (no
/// `Authorization` header), so it proves nothing about the credentials. Writes `*info_out` on
/// success; release it with `mpgs_gateway_info_free`.
#[no_mangle]
pub extern "C" fn mpgs_client_check_gateway(
    client: *const mpgs_client,
    info_out: *mut *mut mpgs_gateway_info,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let client = arg_ref(client, "client")?;
        let out = arg_out(info_out, "info_out")?;
        give(out, mpgs_gateway_info::new(client.inner.check_gateway()?));
        Ok(())
    })
}

/// When the client certificate (the leaf of the chain given to
/// `mpgs_config_set_certificate_files`) expires: its `notAfter`, in seconds since the Unix epoch,
/// written to `*unix_seconds_out`, so that a till can warn before the gateway starts refusing
/// it. `MPGS_STATUS_NOT_FOUND` (and `*unix_seconds_out` left as it was) with password
/// authentication, or when the certificate's validity cannot be read.
#[no_mangle]
pub extern "C" fn mpgs_client_certificate_not_after(
    client: *const mpgs_client,
    unix_seconds_out: *mut i64,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let client = arg_ref(client, "client")?;
        let out = arg_mut(unix_seconds_out, "unix_seconds_out")?;
        let not_after = client
            .inner
            .client_certificate_expiry()
            .ok_or_else(|| Failure::NotFound("the client has no client certificate".into()))?;
        *out = match not_after.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
        };
        Ok(())
    })
}

/// Warm-up: opens a connection to the gateway (TCP, the proxy tunnel if any, the TLS handshake)
/// and keeps it idle for the next call, so that call does not pay those round trips; does
/// nothing if an idle connection is fit for reuse already. Sends no request. The connection is
/// kept as any idle one (15 s until the server has said how long it keeps connections), so call
/// it when a call is near. Bounded by the client's timeout; fails with the transport error a
/// call would have met (`MPGS_STATUS_CONNECT`, `MPGS_STATUS_TLS` or `MPGS_STATUS_TIMEOUT`; nothing
/// sent). Safe to call concurrently with calls on the same client.
#[no_mangle]
pub extern "C" fn mpgs_client_connect(client: *const mpgs_client, err: *mut *mut mpgs_error) -> mpgs_status {
    ffi_export!(fallible err, {
        let client = arg_ref(client, "client")?;
        client.inner.connect()?;
        Ok(())
    })
}
