//! Reading one answer: what the client makes of an HTTP status, a `Content-Type` and a body (a
//! gateway result, a gateway error, the gateway's busy answer, or an undecodable answer).
//! Pure, so that tests and fuzzers can feed it anything; the client calls the same code.

use std::time::Duration;

use serde_json::Value;

use crate::error::{Error, GatewayError, Result};
use crate::model::enums::{ErrorCause, ValidationType};
use crate::model::text;
use zeroize::{Zeroize, Zeroizing};

use crate::secret::{map_digit_runs, mask_answer, mask_json_text, redact_text, zeroize_json, HIDDEN};

/// The longest `Retry-After` honoured.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// What one answer means.
pub(crate) enum Reading {
    /// A 2xx JSON object.
    Answered { status: u16, json: Value },
    /// The gateway's own busy answer (an error with `cause` `SERVER_BUSY`): it did not process
    /// the request, which may be sent again.
    Busy { error: Error, retry_after: Option<Duration> },
    /// Anything else: an error answer, or one that cannot be decoded.
    Failed(Error),
}

/// Whether an answer with this status that cannot be read (not the gateway's JSON, cut short,
/// too large) leaves the outcome unknown. A 2xx means the gateway did the work: its answer is
/// what is lost. A 5xx that is not the gateway's JSON came from something in front of it (a
/// load balancer) that may have forwarded the request.
pub(crate) fn unknown_if_unreadable(status: u16) -> bool {
    (200..300).contains(&status) || (500..600).contains(&status)
}

/// An answer as the transport read it.
pub(crate) struct Head<'a> {
    pub(crate) status: u16,
    /// Lower case.
    pub(crate) content_type: &'a str,
    pub(crate) location: Option<&'a str>,
    pub(crate) retry_after: Option<&'a str>,
}

/// Reads one answer. `known` are the secrets of the request that was sent: hidden wherever the
/// answer quotes them in an error.
pub(crate) fn read(head: &Head<'_>, body: &[u8], known: &[&str]) -> Reading {
    let status = head.status;
    let decode = |message: String| Error::Decode {
        http_status: status,
        message,
        outcome_unknown: unknown_if_unreadable(status),
        attempts: 1,
    };
    let text = decode_text(body, head.content_type);
    if (300..400).contains(&status) {
        let to = head
            .location
            .map_or_else(|| "no Location".to_owned(), |l| format!("Location {}", snippet(l, known)));
        return Reading::Failed(decode(format!(
            "the gateway answered with a redirect ({to}); redirects are never followed: check the base URL"
        )));
    }
    // The parsed answer: moved into the result (whose `Raw` wipes it on drop) or into the error
    // (masked first); wiped here when it is neither.
    let json: Option<Value> = match serde_json::from_str::<Value>(&text) {
        Ok(v) if v.is_object() => Some(v),
        Ok(mut other) => {
            zeroize_json(&mut other);
            None
        }
        Err(_) => None,
    };
    if (200..300).contains(&status) {
        return match json {
            Some(json) => Reading::Answered { status, json },
            None => {
                Reading::Failed(decode(format!("the answer is not a JSON object: {}", snippet(&text, known))))
            }
        };
    }
    match json {
        Some(mut json) if !json.get("error").is_some_and(Value::is_object) => {
            zeroize_json(&mut json);
            Reading::Failed(decode(format!(
                "the answer is not the gateway's JSON: {}",
                snippet(&text, known)
            )))
        }
        Some(json) => {
            let error = gateway_error(status, json, known);
            if matches!(&error, Error::Gateway(g) if g.cause == Some(ErrorCause::ServerBusy)) {
                let retry_after = head
                    .retry_after
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER));
                Reading::Busy { error, retry_after }
            } else {
                Reading::Failed(error)
            }
        }
        _ => Reading::Failed(decode(format!(
            "the answer is not the gateway's JSON: {}",
            snippet(&text, known)
        ))),
    }
}

/// Hides `known` (the request's secrets, the credentials) and card numbers in the message of an
/// error the transport reported: its words may quote a peer (a proxy's refusal, a page).
pub(crate) fn redact_message(mut e: Error, known: &[&str]) -> Error {
    if let Error::Transport { message, .. } | Error::Decode { message, .. } = &mut e {
        *message = redact_text(&Zeroizing::new(mask_json_text(message)), known);
    }
    e
}

/// Reads one answer from its status, `Content-Type` and body: the gateway's JSON object for a
/// 2xx, the error it stands for otherwise.
pub fn decode_answer(status: u16, content_type: &str, body: &[u8]) -> Result<Value> {
    let ct = content_type.to_ascii_lowercase();
    let head = Head { status, content_type: &ct, location: None, retry_after: None };
    match read(&head, body, &[]) {
        Reading::Answered { json, .. } => Ok(json),
        Reading::Busy { error, .. } | Reading::Failed(error) => Err(error),
    }
}

/// Decodes a body by its charset: ISO-8859-1 when the header says so, UTF-8 otherwise
/// (falling back to ISO-8859-1 for bytes that are not UTF-8). Wiped when dropped: it is the
/// whole answer, AES key included.
fn decode_text(raw: &[u8], content_type: &str) -> Zeroizing<String> {
    let latin1 = || raw.iter().map(|&b| b as char).collect::<String>();
    if content_type.contains("iso-8859-1") || content_type.contains("latin1") {
        return Zeroizing::new(latin1());
    }
    Zeroizing::new(match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) => latin1(),
    })
}

/// A short, redacted piece of an answer for an error message: the values of an answer's secret
/// fields masked even when the text does not parse ([`mask_json_text`]), then the request's
/// secrets and the credentials in any encoding, and card numbers ([`redact_text`]).
fn snippet(text: &str, known: &[&str]) -> String {
    let redacted = Zeroizing::new(redact_text(&Zeroizing::new(mask_json_text(text)), known));
    let one_line: String = redacted.chars().map(|c| if c.is_control() { ' ' } else { c }).take(120).collect();
    let more = if redacted.chars().count() > 120 { "…" } else { "" };
    format!("{:?}{more}", one_line.trim())
}

/// The secret fields of a request, by the last part of their path: when the gateway names one
/// as `error.field`, its explanation may quote the value.
fn names_a_secret(field: &str) -> bool {
    ["card.number", "card.securityCode", "giftCard.number", "giftCard.pin", "ach.bankAccountNumber"]
        .iter()
        .any(|f| field.ends_with(f))
}

/// Hides every digit run of three or more: for text about a secret field. Runs that are part of a
/// 6.4 mask (`512345xxxxxx0008`) stay.
fn hide_digit_runs(text: &str) -> String {
    map_digit_runs(text, &[], |run, before, after| {
        let in_mask = before == Some('x') || after == Some('x');
        if run.len() >= 3 && !in_mask {
            HIDDEN.to_owned()
        } else {
            run.iter().collect()
        }
    })
}

fn redact_strings(v: &mut Value, known: &[&str]) {
    match v {
        Value::String(s) => {
            let redacted = redact_text(s, known);
            s.zeroize();
            *s = redacted;
        }
        Value::Array(a) => a.iter_mut().for_each(|v| redact_strings(v, known)),
        Value::Object(m) => m.iter_mut().for_each(|(_, v)| redact_strings(v, known)),
        _ => {}
    }
}

fn gateway_error(status: u16, mut json: Value, known: &[&str]) -> Error {
    mask_answer(&mut json);
    redact_strings(&mut json, known);
    if text(&json, "error.field").is_some_and(|f| names_a_secret(&f)) {
        if let Some(Value::String(x)) = json.get_mut("error").and_then(|e| e.get_mut("explanation")) {
            *x = hide_digit_runs(x);
        }
    }
    let e = &json["error"];
    Error::Gateway(Box::new(GatewayError {
        http_status: status,
        cause: text(e, "cause").map(|s| ErrorCause::parse(&s)),
        explanation: text(e, "explanation"),
        field: text(e, "field"),
        validation_type: text(e, "validationType").map(|s| ValidationType::parse(&s)),
        support_code: text(e, "supportCode"),
        result: text(&json, "result").map(|s| crate::model::enums::OperationResult::parse(&s)),
        raw: json,
        attempts: 1,
        outcome_unknown: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(status: u16) -> Head<'static> {
        Head { status, content_type: "application/json", location: None, retry_after: None }
    }

    #[test]
    fn latin1_bodies_are_decoded_by_their_charset() {
        let raw = b"{\"explanation\":\"caf\xe9\"}";
        let s = decode_text(raw, "application/json;charset=iso-8859-1");
        assert!(s.contains("café"));
        assert_eq!(decode_text("é".as_bytes(), "application/json;charset=UTF-8").as_str(), "é");
    }

    #[test]
    fn gateway_errors_keep_status_and_fields_and_mask_card_numbers() {
        let body = serde_json::json!({"error": {"cause": "INVALID_REQUEST", "explanation": "Value '5123450000000008' is invalid",
            "field": "sourceOfFunds.provided.card.number", "validationType": "INVALID"}, "result": "ERROR"});
        let Error::Gateway(g) = gateway_error(400, body, &[]) else { panic!("not a gateway error") };
        assert_eq!(g.http_status, 400);
        assert_eq!(g.cause, Some(ErrorCause::InvalidRequest));
        assert_eq!(g.validation_type, Some(ValidationType::Invalid));
        assert_eq!(g.explanation.as_deref(), Some("Value '512345xxxxxx0008' is invalid"));
        assert!(!g.raw.to_string().contains("5123450000000008"));
    }

    #[test]
    fn an_explanation_about_a_secret_field_hides_its_digits_and_known_values_anywhere() {
        let body = serde_json::json!({"error": {"cause": "INVALID_REQUEST", "explanation": "Value '9876' is invalid",
            "field": "sourceOfFunds.provided.card.securityCode", "validationType": "INVALID"}, "result": "ERROR",
            "note": "pin 4321 and card 5123 4500 0000 0008"});
        let Error::Gateway(g) = gateway_error(400, body, &["4321"]) else { panic!("not a gateway error") };
        assert_eq!(g.explanation.as_deref(), Some("Value '***' is invalid"));
        assert_eq!(g.raw["note"], "pin *** and card 5123 45xx xxxx 0008");
    }

    #[test]
    fn an_order_id_in_a_gateway_explanation_is_left_as_written_and_a_card_number_is_masked() {
        let body = serde_json::json!({"error": {"cause": "INVALID_REQUEST",
            "explanation": "Unable to find order 3451-5454545-5454-8766 for card 5123 4500 0000 0008"}, "result": "ERROR"});
        let Error::Gateway(g) = gateway_error(400, body, &["737"]) else { panic!("not a gateway error") };
        assert_eq!(
            g.explanation.as_deref(),
            Some("Unable to find order 3451-5454545-5454-8766 for card 5123 45xx xxxx 0008")
        );
    }

    #[test]
    fn an_error_page_quoting_a_sent_secret_hides_it() {
        let page = b"<html>bad security code 737 for 4111-1111-1111-1111</html>";
        let h = Head { status: 500, content_type: "text/html", location: None, retry_after: None };
        let Reading::Failed(e) = read(&h, page, &["737"]) else { panic!("not a failure") };
        let m = e.to_string();
        assert!(!m.contains("737") && !m.contains("4111-1111-1111-1111"), "{m}");
        assert!(m.contains("4111-11xx-xxxx-1111"), "{m}");
    }

    #[test]
    fn an_undecodable_2xx_has_an_unknown_outcome_and_an_undecodable_error_does_not() {
        let Reading::Failed(e) = read(&head(201), b"{\"session\":", &[]) else { panic!() };
        assert!(e.outcome_unknown(), "{e}");
        let Reading::Failed(e) = read(&head(500), b"<html>", &[]) else { panic!() };
        assert!(e.outcome_unknown(), "a page from in front of the gateway: {e}");
        let Reading::Failed(e) = read(&head(404), b"<html>", &[]) else { panic!() };
        assert!(!e.outcome_unknown(), "{e}");
        let gw = br#"{"error":{"cause":"SERVER_FAILED"},"result":"ERROR"}"#;
        let Reading::Failed(e) = read(&head(500), gw, &[]) else { panic!() };
        assert!(!e.outcome_unknown(), "the gateway's own answer: {e}");
    }

    #[test]
    fn only_the_gateways_json_busy_answer_is_busy() {
        let busy = br#"{"error":{"cause":"SERVER_BUSY","explanation":"busy"},"result":"ERROR"}"#;
        let h =
            Head { status: 503, content_type: "application/json", location: None, retry_after: Some("2") };
        assert!(
            matches!(read(&h, busy, &[]), Reading::Busy { retry_after: Some(d), .. } if d == Duration::from_secs(2))
        );
        let html = Head { status: 503, content_type: "text/html", location: None, retry_after: Some("2") };
        assert!(matches!(read(&html, b"<html>Service Unavailable</html>", &[]), Reading::Failed(_)));
        assert!(matches!(read(&head(503), b"", &[]), Reading::Failed(_)));
        let other = br#"{"error":{"cause":"SERVER_FAILED"},"result":"ERROR"}"#;
        assert!(matches!(read(&head(503), other, &[]), Reading::Failed(_)));
    }
}
