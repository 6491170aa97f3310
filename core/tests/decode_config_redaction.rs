//! Decoding of answers, configuration checks, and redaction of secrets.

use std::time::Duration;

use mpgs::{
    AchDetails, CardBrand, CardDetails, Client, CreateTokenRequest, ErrorKind, GatewayCode, GiftCardDetails,
    OperationResult, ResponseMeta, Session, Token, TokenStatus, UpdateStatus, ValidationType,
};
use serde_json::json;

fn meta() -> ResponseMeta {
    ResponseMeta { http_status: 201, api_version: 58, elapsed: Duration::from_millis(3), attempts: 1 }
}

#[test]
fn a_session_answer_decodes_and_keeps_unknown_fields() {
    let raw = json!({"merchant": "TESTMERCHANT", "result": "SUCCESS", "newField": {"a": 1},
        "session": {"aes256Key": "4wxe+CW901SU+bs09ZdMPuDiqB06vugp5ZEpgFY1+OE=", "authenticationLimit": 25,
                    "id": "SESSION0002695081404E6099215K60", "updateStatus": "NO_UPDATE", "version": "e3f144ce01"}});
    let s = Session::from_json(raw, meta());
    assert_eq!(s.id.as_deref(), Some("SESSION0002695081404E6099215K60"));
    assert_eq!(s.update_status, Some(UpdateStatus::NoUpdate));
    assert_eq!(s.result, Some(OperationResult::Success));
    assert_eq!(s.authentication_limit, Some(25));
    assert_eq!(s.get("newField.a"), Some(&json!(1)));
}

#[test]
fn unknown_enum_values_and_missing_fields_do_not_fail_decoding() {
    let s = Session::from_json(json!({"session": {"updateStatus": "PARTIAL"}, "result": "LATER"}), meta());
    assert_eq!(s.update_status, Some(UpdateStatus::Unrecognized("PARTIAL".into())));
    assert_eq!(s.result.as_ref().map(|r| r.as_str()), Some("LATER"));
    assert_eq!(s.id, None);
    let t = Token::from_json(
        json!({"status": "SUSPENDED", "sourceOfFunds": {"provided": {"card": {"brand": "NEWBRAND"}}}}),
        meta(),
    );
    assert_eq!(t.status, Some(TokenStatus::Unrecognized("SUSPENDED".into())));
    assert_eq!(t.card.unwrap().brand, Some(CardBrand::Unrecognized("NEWBRAND".into())));
    let t = Token::from_json(json!({"token": 5, "usage": "x"}), meta());
    assert_eq!((t.token, t.usage), (None, None));
}

#[test]
fn a_token_answer_decodes_every_documented_field() {
    let raw = json!({"repositoryId": "TestREPO1", "response": {"gatewayCode": "BASIC_VERIFICATION_SUCCESSFUL"}, "result": "SUCCESS",
        "sourceOfFunds": {"provided": {"card": {"brand": "MASTERCARD", "expiry": "0521", "fundingMethod": "CREDIT",
            "issuer": "BANK", "localBrand": "LOCAL", "number": "512345xxxxxx0008", "scheme": "MASTERCARD"}}, "type": "CARD"},
        "status": "VALID", "token": "9123456789012346", "correlationId": "c",
        "usage": {"lastUpdated": "2021-01-29T09:09:50.837Z", "lastUpdatedBy": "TESTMERCHANT", "lastUsed": "2021-01-29T09:09:50.837Z"},
        "verificationStrategy": "BASIC"});
    let t = Token::from_json(raw, meta());
    assert_eq!(t.token.as_deref(), Some("9123456789012346"));
    assert_eq!(t.status, Some(TokenStatus::Valid));
    assert_eq!(t.gateway_code, Some(GatewayCode::BasicVerificationSuccessful));
    assert_eq!(t.repository_id.as_deref(), Some("TestREPO1"));
    let c = t.card.as_ref().unwrap();
    assert_eq!((c.expiry_month(), c.expiry_year()), (Some(5), Some(21)));
    assert_eq!(c.issuer.as_deref(), Some("BANK"));
    assert_eq!(c.local_brand.as_deref(), Some("LOCAL"));
    assert_eq!(format!("{:?}", c.number.as_ref().unwrap()), "512345xxxxxx0008");
    assert_eq!(t.usage.as_ref().unwrap().last_used.as_deref(), Some("2021-01-29T09:09:50.837Z"));
    assert_eq!(t.verification_strategy.as_ref().map(|v| v.as_str()), Some("BASIC"));
}

#[test]
fn an_unmasked_card_number_in_an_answer_is_still_masked_in_debug() {
    let t = Token::from_json(
        json!({"sourceOfFunds": {"provided": {"card": {"number": "5123450000000008"}}}}),
        meta(),
    );
    assert!(!format!("{t:?}").contains("5123450000000008"));
    assert!(format!("{t:?}").contains("512345xxxxxx0008"));
}

fn build(url: &str) -> mpgs::Result<Client> {
    Client::builder("TESTMERCHANT").password("pw").base_url(url).build()
}

#[test]
fn plain_http_is_refused_except_for_loopback_hosts() {
    for ok in [
        "https://na.gateway.mastercard.com",
        "https://testpg.mpgs.axisbank.com/",
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
        "https://host:443/prefix",
    ] {
        assert!(build(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://na.gateway.mastercard.com",
        "http://10.0.0.1",
        "ftp://x",
        "na.gateway.mastercard.com",
        "https://user:pw@host",
        "https://host/?q=1",
        "https://ho st",
        "https://host:99999",
        "http://127.0.0.1.evil.com",
    ] {
        let err = build(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{bad}");
    }
}

#[test]
fn region_presets_pick_the_gateway_host_and_the_pki_host_for_certificates() {
    for r in mpgs::REGIONS {
        let c = Client::builder("M").password("pw").region(*r).build().unwrap();
        assert_eq!(c.base_url(), format!("https://{r}.gateway.mastercard.com"));
    }
    let err = Client::builder("M").password("pw").region("us").build().unwrap_err();
    assert!(err.to_string().contains("unknown region"), "{err}");
}

#[test]
fn settings_are_checked_when_the_client_is_built() {
    let b = || Client::builder("M").password("pw").region("mtf");
    assert_eq!(Client::builder("M").region("mtf").build().unwrap_err().kind(), ErrorKind::Config);
    assert_eq!(Client::builder("M").password("pw").build().unwrap_err().kind(), ErrorKind::Config);
    assert_eq!(
        Client::builder("M").password("").region("mtf").build().unwrap_err().kind(),
        ErrorKind::Config
    );
    assert_eq!(b().timeout(Duration::ZERO).build().unwrap_err().kind(), ErrorKind::Config);
    assert_eq!(b().session_api_version(0).build().unwrap_err().kind(), ErrorKind::Config);
    assert_eq!(b().max_retries(11).build().unwrap_err().kind(), ErrorKind::Config);
    assert_eq!(b().add_ca_pem("not pem").build().unwrap_err().kind(), ErrorKind::Config);
    assert_eq!(b().add_ca_file("/nonexistent/ca.pem").build().unwrap_err().kind(), ErrorKind::Config);
    assert_eq!(
        Client::builder("M").certificate_pem("junk", "junk").region("mtf").build().unwrap_err().kind(),
        ErrorKind::Config
    );
    let c = b().session_api_version(100).token_api_version(84).build().unwrap();
    assert_eq!(c.api_version(mpgs::Operation::CreateSession), 100);
    assert_eq!(c.api_version(mpgs::Operation::CreateToken), 84);
}

const SECRETS: &[&str] =
    &["hunter2-api-password", "5123450000000008", "4508750015741019", "737", "98765432", "123456789012"];

#[test]
fn debug_of_requests_clients_and_errors_holding_every_secret_contains_none() {
    let card =
        CreateTokenRequest::card(CardDetails::new("5123450000000008").expiry("5", "30").security_code("737"));
    let gift = CreateTokenRequest::gift_card(GiftCardDetails::new("4508750015741019").pin("98765432"));
    let ach = CreateTokenRequest::ach(AchDetails::new("011000015", "123456789012"));
    let client = Client::builder("M").password("hunter2-api-password").region("mtf").build().unwrap();
    let builder = Client::builder("M").password("hunter2-api-password");
    let mut texts = vec![
        format!("{card:?}"),
        format!("{gift:?}"),
        format!("{ach:?}"),
        format!("{client:?}"),
        format!("{builder:?}"),
    ];
    // Every validation error kind, on requests full of secrets.
    let mut bad = card.to_json();
    bad["sourceOfFunds"]["provided"]["card"]["securityCode"] = json!("737x");
    bad["sourceOfFunds"]["provided"]["card"]["number"] = json!("5123450000000008-");
    bad["sourceOfFunds"]["provided"]["giftCard"] = json!({"pin": "98765432a", "number": "4508750015741019 "});
    bad["sourceOfFunds"]["provided"]["ach"] =
        json!({"bankAccountNumber": "123456789012.", "unknown": "5123450000000008"});
    let err = mpgs::validate(mpgs::Operation::CreateToken, &bad).unwrap_err();
    assert!(err.field_errors().iter().any(|f| f.validation_type == ValidationType::Unsupported));
    texts.push(format!("{err} {err:?}"));
    for text in &texts {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret:?} leaked in {text}");
        }
    }
    assert!(texts[0].contains("512345xxxxxx0008"));
}

#[test]
fn serializing_any_request_type_never_prints_a_secret_and_only_the_wire_body_holds_them() {
    let card =
        CreateTokenRequest::card(CardDetails::new("5123450000000008").expiry("5", "30").security_code("737"));
    let gift = CreateTokenRequest::gift_card(GiftCardDetails::new("4508750015741019").pin("98765432"));
    let ach = CreateTokenRequest::ach(AchDetails::new("011000015", "123456789012"));
    let mut texts = Vec::new();
    for r in [&card, &gift, &ach] {
        texts.push(serde_json::to_string(r).unwrap());
        texts.push(r.to_json().to_string());
        texts.push(serde_json::to_string(&r.source_of_funds).unwrap());
        texts.push(serde_json::to_string(&r.source_of_funds.provided).unwrap());
    }
    texts.push(serde_json::to_string(&mpgs::SecretString::new("hunter2-api-password")).unwrap());
    for text in &texts {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret:?} serialized in {text}");
        }
    }
    assert!(texts[0].contains("512345xxxxxx0008"), "{}", texts[0]);
    let wire = card.expose_json();
    assert_eq!(wire["sourceOfFunds"]["provided"]["card"]["number"], "5123450000000008");
    assert_eq!(wire["sourceOfFunds"]["provided"]["card"]["securityCode"], "737");
    assert_eq!(gift.expose_json()["sourceOfFunds"]["provided"]["giftCard"]["pin"], "98765432");
    assert_eq!(ach.expose_json()["sourceOfFunds"]["provided"]["ach"]["bankAccountNumber"], "123456789012");
}

#[test]
fn raw_answers_mask_every_secret_unless_the_verbatim_answer_is_asked_for() {
    let answer = json!({"token": "9999999999999999", "status": "VALID", "result": "SUCCESS",
        "sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008",
            "securityCode": "737", "expiry": "0530", "brand": "MASTERCARD"}}}});
    let t = Token::from_json(answer.clone(), meta());
    let shown = [t.raw.to_string(), t.raw.to_value().to_string(), format!("{:?}", t.get("sourceOfFunds"))];
    for text in &shown {
        assert!(!text.contains("5123450000000008") && !text.contains("737"), "{text}");
    }
    assert_eq!(t.get("sourceOfFunds.provided.card.number").unwrap(), "512345xxxxxx0008");
    assert_eq!(t.get("sourceOfFunds.provided.card.securityCode").unwrap(), "***");
    assert_eq!(t.raw.verbatim(), &answer);
    let s = Session::from_json(
        json!({"session": {"id": "SESSION0001", "aes256Key": "c2VjcmV0LWFlcy1rZXk="}}),
        meta(),
    );
    assert_eq!(s.raw["session"]["aes256Key"], "***");
    assert_eq!(s.raw.verbatim()["session"]["aes256Key"], "c2VjcmV0LWFlcy1rZXk=");
    assert_eq!(s.aes256_key.as_ref().unwrap().expose(), "c2VjcmV0LWFlcy1rZXk=", "the typed key stays");
}

#[test]
fn card_expiry_accessors_never_panic_on_odd_answers() {
    for odd in ["1é2", "é", "", "12345", "0a12", "１２３４", "1330", "0530"] {
        let t = Token::from_json(json!({"sourceOfFunds": {"provided": {"card": {"expiry": odd}}}}), meta());
        let c = t.card.unwrap();
        let (m, y) = (c.expiry_month(), c.expiry_year());
        if odd == "0530" {
            assert_eq!((m, y), (Some(5), Some(30)));
        } else if odd == "1330" {
            assert_eq!((m, y), (None, Some(30)), "13 is not a month");
        } else {
            assert_eq!((m, y), (None, None), "{odd:?}");
        }
    }
}

#[test]
fn password_and_certificate_or_base_url_and_region_together_are_refused_naming_both() {
    let conflicts = [
        Client::builder("M").password("pw").certificate_pem("x", "y").region("mtf"),
        Client::builder("M").certificate_pem("x", "y").password("pw").region("mtf"),
        Client::builder("M").password("pw").base_url("https://gw.example.com").region("mtf"),
        Client::builder("M").password("pw").region("mtf").base_url("https://gw.example.com"),
    ];
    for (i, b) in conflicts.into_iter().enumerate() {
        let e = b.build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{e}");
        let m = e.to_string();
        let names_both = if i < 2 {
            m.contains("password") && m.contains("certificate")
        } else {
            m.contains("base URL") && m.contains("region")
        };
        assert!(names_both, "{m}");
    }
}

#[test]
fn a_base_url_with_credentials_is_refused_without_echoing_them() {
    let b = Client::builder("M").password("pw").base_url("https://user:s3cr3t-pa55@gw.example.com/x");
    let debug = format!("{b:?}");
    let e = b.build().unwrap_err();
    for text in [e.to_string(), format!("{e:?}"), debug] {
        assert!(!text.contains("s3cr3t-pa55") && !text.contains("user:"), "{text}");
    }
    let e = Client::builder("M")
        .password("pw")
        .base_url("http://user:s3cr3t-pa55@gw.example.com")
        .build()
        .unwrap_err();
    assert!(!e.to_string().contains("s3cr3t-pa55"), "{e}");
    // A password holding the characters that end a URL's authority.
    for pw in ["s3cr3t#pa55", "s3cr3t?pa55", "s3cr3t/pa55"] {
        let b = Client::builder("M").password("pw").base_url(format!("https://user:{pw}@gw.example.com"));
        let debug = format!("{b:?}");
        let e = b.build().unwrap_err();
        for text in [e.to_string(), debug] {
            assert!(!text.contains("pa55"), "{text}");
        }
    }
}

#[test]
fn timeouts_beyond_a_day_are_refused_instead_of_overflowing_the_clock() {
    let b = || Client::builder("M").password("pw").region("mtf");
    for e in [
        b().timeout(Duration::MAX).build().unwrap_err(),
        b().connect_timeout(Duration::from_secs(86_401)).build().unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::Config, "{e}");
    }
    b().timeout(Duration::from_secs(86_400)).build().unwrap();
}

#[test]
fn the_request_path_is_built_once_in_the_core() {
    let c =
        Client::builder("TESTMERCHANT").password("pw").region("mtf").token_api_version(70).build().unwrap();
    assert_eq!(c.path(mpgs::Operation::CreateSession), "/api/rest/version/58/merchant/TESTMERCHANT/session");
    assert_eq!(c.path(mpgs::Operation::CreateToken), "/api/rest/version/70/merchant/TESTMERCHANT/token");
}

#[test]
fn gift_card_brand_and_scheme_are_typed_and_open() {
    use mpgs::{GiftCardBrand, GiftCardScheme};
    let t = Token::from_json(
        json!({"sourceOfFunds": {"type": "GIFT_CARD", "provided": {"giftCard": {"brand": "LOCAL_BRAND_ONLY",
            "scheme": "OTHER", "localBrand": "ACME", "number": "600000xxxxxx0004"}}}}),
        meta(),
    );
    let g = t.gift_card.unwrap();
    assert_eq!(g.brand, Some(GiftCardBrand::LocalBrandOnly));
    assert_eq!(g.scheme, Some(GiftCardScheme::Other));
    let t = Token::from_json(
        json!({"sourceOfFunds": {"provided": {"giftCard": {"brand": "GLOBAL", "scheme": "NEWSCHEME"}}}}),
        meta(),
    );
    let g = t.gift_card.unwrap();
    assert_eq!(g.brand, Some(GiftCardBrand::Unrecognized("GLOBAL".into())));
    assert_eq!(g.scheme.as_ref().map(|s| s.as_str()), Some("NEWSCHEME"));
}

#[test]
fn a_gateway_errors_result_is_typed() {
    let body = br#"{"error": {"cause": "INVALID_REQUEST", "explanation": "Invalid credentials."}, "result": "ERROR"}"#;
    let err = mpgs::decode_answer(401, "application/json", body).unwrap_err();
    let mpgs::Error::Gateway(g) = err else { panic!("not a gateway error: {err}") };
    assert_eq!(g.result, Some(OperationResult::Error));
}
