//! Typed answers: any JSON object (or, for other input, NUL-separated strings placed at every
//! documented answer path) decoded into `Session`, `Token`, `GatewayInformation` and
//! `DeleteTokenResult`, then every Rust accessor (the readiness check included) and
//! every C accessor called on it. Gateway data must never crash a till.
#![no_main]

use std::ffi::{c_char, CStr, CString};
use std::ptr::null_mut;

use libfuzzer_sys::fuzz_target;
use mpgs::{DeleteTokenResult, GatewayInformation, ResponseMeta, Session, Token};
use mpgs_ffi::*;
use serde_json::{json, Value};

const PATHS: &[&str] = &[
    "session.id", "session.aes256Key", "session.version", "session.updateStatus", "session.authenticationLimit",
    "merchant", "result", "correlationId", "token", "status", "repositoryId", "response.gatewayCode",
    "verificationStrategy", "sourceOfFunds.type", "sourceOfFunds.provided.card.brand",
    "sourceOfFunds.provided.card.expiry", "sourceOfFunds.provided.card.fundingMethod",
    "sourceOfFunds.provided.card.issuer", "sourceOfFunds.provided.card.localBrand",
    "sourceOfFunds.provided.card.number", "sourceOfFunds.provided.card.scheme",
    "sourceOfFunds.provided.card.securityCode", "sourceOfFunds.provided.ach.accountType",
    "sourceOfFunds.provided.ach.bankAccountHolder", "sourceOfFunds.provided.ach.bankAccountNumber",
    "sourceOfFunds.provided.ach.routingNumber", "sourceOfFunds.provided.ach.secCode",
    "sourceOfFunds.provided.giftCard.brand", "sourceOfFunds.provided.giftCard.localBrand",
    "sourceOfFunds.provided.giftCard.number", "sourceOfFunds.provided.giftCard.pin",
    "sourceOfFunds.provided.giftCard.scheme", "usage.lastUpdated", "usage.lastUpdatedBy", "usage.lastUsed",
];

fn answer(data: &[u8]) -> Value {
    if let Ok(v @ Value::Object(_)) = serde_json::from_slice::<Value>(data) {
        return v;
    }
    let mut root = json!({});
    for (path, piece) in PATHS.iter().zip(data.split(|b| *b == 0).cycle()) {
        let value = match piece.first() {
            Some(b'#') => json!(i64::from_le_bytes({
                let mut n = [0u8; 8];
                piece.iter().skip(1).take(8).enumerate().for_each(|(i, b)| n[i] = *b);
                n
            })),
            _ => Value::String(String::from_utf8_lossy(piece).into_owned()),
        };
        let mut at = &mut root;
        let parts: Vec<&str> = path.split('.').collect();
        for p in &parts[..parts.len() - 1] {
            at = at.as_object_mut().unwrap().entry(*p).or_insert_with(|| json!({}));
        }
        at.as_object_mut().unwrap().insert(parts[parts.len() - 1].to_owned(), value);
    }
    root
}

fn touch(p: *const c_char) {
    if !p.is_null() {
        // SAFETY: accessors return NUL-terminated strings borrowed from a live handle.
        let _ = unsafe { CStr::from_ptr(p) }.to_bytes().len();
    }
}

fuzz_target!(|data: &[u8]| {
    let v = answer(data);
    let meta = ResponseMeta { http_status: 201, api_version: 58, elapsed: Default::default(), attempts: 1 };
    let info = GatewayInformation::from_json(v.clone(), meta.clone());
    let deleted = DeleteTokenResult::from_json(v.clone(), meta.clone());
    let _ = (format!("{info:?}"), info.is_operating(), format!("{deleted:?}"));
    let s = Session::from_json(v.clone(), meta.clone());
    let _ = (s.ready_for_token(None), s.ready_for_token(s.version.as_deref()), s.ready_for_token(Some("")));
    let t = Token::from_json(v, meta);
    let _ = (format!("{s:?}"), format!("{t:?}"), s.raw.to_string(), t.raw.verbatim().to_string());
    if let Some(c) = &t.card {
        let _ = (c.expiry_month(), c.expiry_year(), c.number.as_ref().map(|n| n.masked()));
    }
    if let Some(g) = &t.gift_card {
        let _ = g.number.as_ref().map(|n| n.masked());
    }
    for path in PATHS {
        let _ = (s.get(path), t.get(path));
    }

    let sh = mpgs_ffi::fuzzing::session_handle(s);
    for f in [
        mpgs_session_id, mpgs_session_aes256_key, mpgs_session_version, mpgs_session_update_status,
        mpgs_session_merchant, mpgs_session_result, mpgs_session_correlation_id, mpgs_session_json,
        mpgs_session_json_verbatim,
    ] {
        touch(f(sh));
    }
    let mut limit = 0u32;
    let _ = (mpgs_session_authentication_limit(sh, &mut limit), mpgs_session_http_status(sh));
    let _ = (mpgs_session_api_version(sh), mpgs_session_attempts(sh));
    let th = mpgs_ffi::fuzzing::token_handle(t);
    for f in [
        mpgs_token_token, mpgs_token_status, mpgs_token_repository_id, mpgs_token_gateway_code,
        mpgs_token_result, mpgs_token_verification_strategy, mpgs_token_source_of_funds_type,
        mpgs_token_correlation_id, mpgs_token_card_brand, mpgs_token_card_number, mpgs_token_card_expiry,
        mpgs_token_card_scheme, mpgs_token_card_funding_method, mpgs_token_card_issuer,
        mpgs_token_card_local_brand, mpgs_token_ach_account_type, mpgs_token_ach_bank_account_holder,
        mpgs_token_ach_routing_number, mpgs_token_ach_sec_code, mpgs_token_gift_card_brand,
        mpgs_token_gift_card_local_brand, mpgs_token_gift_card_number, mpgs_token_gift_card_scheme,
        mpgs_token_usage_last_updated, mpgs_token_usage_last_updated_by, mpgs_token_usage_last_used,
        mpgs_token_json, mpgs_token_json_verbatim,
    ] {
        touch(f(th));
    }
    let _ = (mpgs_token_http_status(th), mpgs_token_api_version(th), mpgs_token_attempts(th));
    let extra = CString::new(String::from_utf8_lossy(data).replace('\0', "")).unwrap_or_default();
    for name in PATHS.iter().map(|p| CString::new(*p).unwrap()).chain([extra]) {
        let _ = mpgs_session_ready_for_token(sh, name.as_ptr());
        let mut out: *mut c_char = null_mut();
        if mpgs_session_get(sh, name.as_ptr(), &mut out, null_mut()) == mpgs_status::Ok {
            touch(out);
            mpgs_string_free(out);
        }
        let (mut out, mut err): (*mut c_char, *mut mpgs_error) = (null_mut(), null_mut());
        if mpgs_token_get(th, name.as_ptr(), &mut out, &mut err) == mpgs_status::Ok {
            touch(out);
            mpgs_string_free(out);
        } else {
            touch(mpgs_error_message(err));
            mpgs_error_free(err);
        }
    }
    mpgs_session_free(sh);
    mpgs_token_free(th);
});
