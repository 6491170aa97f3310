//! `mpgs_token`: a token (Create or Update Token, Retrieve Token).

use std::ffi::c_char;
use std::ptr::null;

use mpgs_core::{mask_pan, Token};

use super::Common;
use crate::boundary::{arg_ref, ffi_export, free};
use crate::error::mpgs_error;
use crate::mpgs_status;
use crate::text::{opt, ptr, CText};

/// A token (Create or Update Token, Retrieve Token). Release it with `mpgs_token_free`. Belongs to one thread at a time;
/// the strings its accessors return are borrowed from it.
pub struct mpgs_token {
    inner: Token,
    common: Common,
    token: Option<CText>,
    status: Option<CText>,
    repository_id: Option<CText>,
    gateway_code: Option<CText>,
    result: Option<CText>,
    verification_strategy: Option<CText>,
    source_of_funds_type: Option<CText>,
    correlation_id: Option<CText>,
    card_brand: Option<CText>,
    card_number: Option<CText>,
    card_expiry: Option<CText>,
    card_scheme: Option<CText>,
    card_funding_method: Option<CText>,
    card_issuer: Option<CText>,
    card_local_brand: Option<CText>,
    ach_account_type: Option<CText>,
    ach_bank_account_holder: Option<CText>,
    ach_routing_number: Option<CText>,
    ach_sec_code: Option<CText>,
    gift_card_brand: Option<CText>,
    gift_card_local_brand: Option<CText>,
    gift_card_number: Option<CText>,
    gift_card_scheme: Option<CText>,
    usage_last_updated: Option<CText>,
    usage_last_updated_by: Option<CText>,
    usage_last_used: Option<CText>,
}

impl mpgs_token {
    pub(crate) fn new(inner: Token) -> Self {
        let t = &inner;
        Self {
            common: Common::new(&t.meta),
            token: opt(t.token.as_deref()),
            status: opt(t.status.as_ref().map(|v| v.as_str())),
            repository_id: opt(t.repository_id.as_deref()),
            gateway_code: opt(t.gateway_code.as_ref().map(|v| v.as_str())),
            result: opt(t.result.as_ref().map(|v| v.as_str())),
            verification_strategy: opt(t.verification_strategy.as_ref().map(|v| v.as_str())),
            source_of_funds_type: opt(t.source_of_funds_type.as_ref().map(|v| v.as_str())),
            correlation_id: opt(t.correlation_id.as_deref()),
            card_brand: opt(t.card.as_ref().and_then(|g| g.brand.as_ref()).map(|v| v.as_str())),
            card_number: opt(t
                .card
                .as_ref()
                .and_then(|g| g.number.as_ref())
                .map(|n| mask_pan(n.expose()))
                .as_deref()),
            card_expiry: opt(t.card.as_ref().and_then(|g| g.expiry.as_deref())),
            card_scheme: opt(t.card.as_ref().and_then(|g| g.scheme.as_ref()).map(|v| v.as_str())),
            card_funding_method: opt(t
                .card
                .as_ref()
                .and_then(|g| g.funding_method.as_ref())
                .map(|v| v.as_str())),
            card_issuer: opt(t.card.as_ref().and_then(|g| g.issuer.as_deref())),
            card_local_brand: opt(t.card.as_ref().and_then(|g| g.local_brand.as_deref())),
            ach_account_type: opt(t.ach.as_ref().and_then(|g| g.account_type.as_ref()).map(|v| v.as_str())),
            ach_bank_account_holder: opt(t.ach.as_ref().and_then(|g| g.bank_account_holder.as_deref())),
            ach_routing_number: opt(t.ach.as_ref().and_then(|g| g.routing_number.as_deref())),
            ach_sec_code: opt(t.ach.as_ref().and_then(|g| g.sec_code.as_ref()).map(|v| v.as_str())),
            gift_card_brand: opt(t.gift_card.as_ref().and_then(|g| g.brand.as_ref()).map(|v| v.as_str())),
            gift_card_local_brand: opt(t.gift_card.as_ref().and_then(|g| g.local_brand.as_deref())),
            gift_card_number: opt(t
                .gift_card
                .as_ref()
                .and_then(|g| g.number.as_ref())
                .map(|n| mask_pan(n.expose()))
                .as_deref()),
            gift_card_scheme: opt(t.gift_card.as_ref().and_then(|g| g.scheme.as_ref()).map(|v| v.as_str())),
            usage_last_updated: opt(t.usage.as_ref().and_then(|g| g.last_updated.as_deref())),
            usage_last_updated_by: opt(t.usage.as_ref().and_then(|g| g.last_updated_by.as_deref())),
            usage_last_used: opt(t.usage.as_ref().and_then(|g| g.last_used.as_deref())),
            inner,
        }
    }
}

fn text(token: *const mpgs_token, member: fn(&mpgs_token) -> &Option<CText>) -> *const c_char {
    arg_ref(token, "token").map_or(null(), |r| ptr(member(r)))
}

/// `token`: the token to store and pay with.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_token(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.token) })
}

/// `status`: `VALID` or `INVALID`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_status(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.status) })
}

/// `repositoryId`: the token repository.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_repository_id(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.repository_id) })
}

/// `response.gatewayCode`: the verification outcome (`BASIC_VERIFICATION_SUCCESSFUL`, ...).
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_gateway_code(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.gateway_code) })
}

/// `result`: `SUCCESS`, `FAILURE` or `ERROR`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_result(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.result) })
}

/// `verificationStrategy`: `NONE`, `BASIC` or `ACQUIRER`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_verification_strategy(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.verification_strategy) })
}

/// `sourceOfFunds.type`: `CARD`, `ACH`, `GIFT_CARD`, ...
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_source_of_funds_type(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.source_of_funds_type) })
}

/// `correlationId`, as sent.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_correlation_id(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.correlation_id) })
}

/// `sourceOfFunds.provided.card.brand` (`MASTERCARD`, `VISA`, ...).
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_card_brand(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.card_brand) })
}

/// `sourceOfFunds.provided.card.number`, always masked 6.4 (`512345xxxxxx0008`).
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_card_number(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.card_number) })
}

/// `sourceOfFunds.provided.card.expiry`, `MMYY`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_card_expiry(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.card_expiry) })
}

/// `sourceOfFunds.provided.card.scheme`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_card_scheme(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.card_scheme) })
}

/// `sourceOfFunds.provided.card.fundingMethod` (`CREDIT`, `DEBIT`, ...).
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_card_funding_method(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.card_funding_method) })
}

/// `sourceOfFunds.provided.card.issuer`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_card_issuer(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.card_issuer) })
}

/// `sourceOfFunds.provided.card.localBrand`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_card_local_brand(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.card_local_brand) })
}

/// `sourceOfFunds.provided.ach.accountType`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_ach_account_type(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.ach_account_type) })
}

/// `sourceOfFunds.provided.ach.bankAccountHolder`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_ach_bank_account_holder(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.ach_bank_account_holder) })
}

/// `sourceOfFunds.provided.ach.routingNumber`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_ach_routing_number(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.ach_routing_number) })
}

/// `sourceOfFunds.provided.ach.secCode`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_ach_sec_code(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.ach_sec_code) })
}

/// `sourceOfFunds.provided.giftCard.brand`: `LOCAL_BRAND_ONLY` (the one documented value), or a
/// newer value exactly as the gateway sent it.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_gift_card_brand(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.gift_card_brand) })
}

/// `sourceOfFunds.provided.giftCard.localBrand`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_gift_card_local_brand(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.gift_card_local_brand) })
}

/// `sourceOfFunds.provided.giftCard.number`, always masked.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_gift_card_number(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.gift_card_number) })
}

/// `sourceOfFunds.provided.giftCard.scheme`: `OTHER` (the one documented value), or a newer value
/// exactly as the gateway sent it.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_gift_card_scheme(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.gift_card_scheme) })
}

/// `usage.lastUpdated` (`2021-01-29T09:09:50.837Z`).
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_usage_last_updated(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.usage_last_updated) })
}

/// `usage.lastUpdatedBy`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_usage_last_updated_by(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.usage_last_updated_by) })
}

/// `usage.lastUsed`.
/// Borrowed from `token`; NULL when absent or when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_usage_last_used(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { text(token, |r| &r.usage_last_used) })
}

/// The HTTP status of the answer (201 from the gateway; any 2xx is success). 0 for NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_http_status(token: *const mpgs_token) -> u16 {
    ffi_export!(returns 0, { arg_ref(token, "token").map_or(0, |r| r.common.meta.http_status) })
}

/// The API version in the request's path. 0 for NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_api_version(token: *const mpgs_token) -> u32 {
    ffi_export!(returns 0, { arg_ref(token, "token").map_or(0, |r| r.common.meta.api_version) })
}

/// How many times the request was sent (1 without retries). 0 for NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_attempts(token: *const mpgs_token) -> u32 {
    ffi_export!(returns 0, { arg_ref(token, "token").map_or(0, |r| r.common.meta.attempts) })
}

/// The whole answer as JSON text, unknown fields included, with every known secret masked: card
/// numbers 6.4 (`512345xxxxxx0008`); security code, PIN, account numbers and the AES key as
/// `***`. Borrowed from `token`. NULL only
/// when `token` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_json(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { arg_ref(token, "token").map_or(null(), |r| r.common.json(&r.inner.raw)) })
}

/// The whole answer exactly as the gateway sent it: with `responseControls.sensitiveData` or a
/// merchant profile that returns them, it holds card numbers, security codes, PINs, account
/// numbers and the AES key in clear. Never log it. Borrowed from `token` (zeroed when it is
/// freed). NULL for NULL.
#[no_mangle]
pub extern "C" fn mpgs_token_json_verbatim(token: *const mpgs_token) -> *const c_char {
    ffi_export!(returns null(), { arg_ref(token, "token").map_or(null(), |r| r.common.verbatim(&r.inner.raw)) })
}

/// Any field of the answer by dotted name (`sourceOfFunds.provided.card.brand`), secrets masked
/// as in the `_json` accessor, as text
/// (numbers, booleans, objects and arrays as JSON). Writes an owned string to `*value_out` on
/// success: release it with `mpgs_string_free`. `MPGS_STATUS_NOT_FOUND` when the answer has no
/// such field (or it is `null`); `MPGS_STATUS_INVALID_ARGUMENT` for a NULL `token`, `name` or
/// `value_out`, or a `name` that is not UTF-8. `*value_out` is written only on success.
#[no_mangle]
pub extern "C" fn mpgs_token_get(
    token: *const mpgs_token,
    name: *const c_char,
    value_out: *mut *mut c_char,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, { super::get(&arg_ref(token, "token")?.inner.raw, name, value_out) })
}

/// Releases the token (its strings are zeroed). NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpgs_token_free(token: *mut mpgs_token) {
    ffi_export!(returns(), { free(token) })
}
