//! No secret in any string the Rust client produces: every error kind is triggered with a
//! password, card numbers, a security code, a PIN and an account number in play, at the most
//! verbose log level (the client's, ureq's and rustls's records), and every Display, Debug and
//! log record is searched. Card numbers may appear only as 6.4 masks.

use std::sync::Mutex;
use std::time::Duration;

use mpgs::{
    AchDetails, CardDetails, Client, ClientBuilder, CreateTokenRequest, Error, ErrorKind, GiftCardDetails,
    VerificationStrategy,
};
use mpgs_sandbox::{Config, Fault, Sandbox};

mod common;

const PASSWORD: &str = "Pa55-w0rd-7f3e9b";
const WRONG_PASSWORD: &str = "Wr0ng-Pa55-c41d";
const CARD: &str = "5123450000000008";
const BAD_LUHN_CARD: &str = "5123450000000009";
const SECURITY_CODE: &str = "7319";
const PIN: &str = "84736251";
const ACCOUNT: &str = "99887766554433";
const SECRETS: &[&str] = &[PASSWORD, WRONG_PASSWORD, CARD, BAD_LUHN_CARD, SECURITY_CODE, PIN, ACCOUNT];

struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        // The sandbox runs in this process: its own TLS records are not the client's.
        if record.target().starts_with("rustls::server") {
            return;
        }
        let line = format!("{} {} {}", record.level(), record.target(), record.args());
        self.0.lock().unwrap().push(without_binary_dumps(record.target(), &line));
    }
    fn flush(&self) {}
}

/// rustls traces handshake messages with their random bytes, keys and certificates as hex and
/// byte lists: public or random data, in which a short secret's digits turn up by chance. In
/// rustls's records those runs are blanked before the search (our data never reaches rustls's
/// logs: it only logs the handshake).
fn without_binary_dumps(target: &str, line: &str) -> String {
    if !target.starts_with("rustls") {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    let mut run = String::new();
    for c in line.chars() {
        if c.is_ascii_hexdigit() || (!run.is_empty() && (c == ',' || c == ' ')) {
            run.push(c);
            continue;
        }
        let digits = run.chars().filter(char::is_ascii_hexdigit).count();
        out.push_str(if digits >= 8 { "<bytes>" } else { &run });
        run.clear();
        out.push(c);
    }
    let digits = run.chars().filter(char::is_ascii_hexdigit).count();
    out.push_str(if digits >= 8 { "<bytes>" } else { &run });
    out
}

static LOGS: Capture = Capture(Mutex::new(Vec::new()));

fn card() -> CreateTokenRequest {
    CreateTokenRequest::card(CardDetails::new(CARD).expiry("5", "30").security_code(SECURITY_CODE))
        .verification_strategy(VerificationStrategy::Basic)
}

fn builder(s: &Sandbox, password: &str) -> ClientBuilder {
    common::builder(s).password(password).timeout(Duration::from_secs(2))
}

#[test]
fn no_string_the_client_produces_holds_a_secret() {
    log::set_logger(&LOGS).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let s = Sandbox::start(Config {
        merchants: vec![("TESTMERCHANT".into(), PASSWORD.into())],
        ..Config::default()
    })
    .unwrap();
    let client = builder(&s, PASSWORD).build().unwrap();
    let mut texts: Vec<String> = vec![format!("{client:?}"), format!("{:?}", builder(&s, PASSWORD))];
    let mut kinds = Vec::new();
    let mut keep = |texts: &mut Vec<String>, e: Error| {
        kinds.push(e.kind());
        texts.push(format!("{e}"));
        texts.push(format!("{e:?}"));
        texts.extend(e.field_errors().iter().map(|f| f.to_string()));
    };

    // Random token ids and timings may hold a secret's digits by chance: blanked before the search.
    let mut ids = Vec::new();
    // The session's AES key is a secret of the answer: searched for like the others.
    let session = client.create_session(&mpgs::CreateSessionRequest::new()).unwrap();
    let aes_key = session.aes256_key.as_ref().expect("the sandbox gives a key").expose().to_owned();
    ids.extend(session.id.clone());
    texts.push(format!("{session:?}"));
    texts.push(session.raw.to_string());
    texts.push(format!("{:?}", session.get("session")));
    let token = client.create_token(&card()).unwrap();
    ids.extend(token.token.clone());
    ids.push(format!("{:?}", token.meta.elapsed));
    texts.push(format!("{token:?}"));
    texts.push(token.raw.to_string());
    texts.push(serde_json::to_string(&card()).unwrap());
    texts.push(format!("{:?}", card()));
    assert!(texts.last().unwrap().contains("512345xxxxxx0008"));
    let gift = CreateTokenRequest::gift_card(GiftCardDetails::new(CARD).pin(PIN));
    let ach = CreateTokenRequest::ach(
        AchDetails::new("011000015", ACCOUNT).holder("A Customer").sec_code(mpgs::SecCode::Web),
    );
    for r in [&gift, &ach] {
        texts.push(format!("{r:?}"));
        let t = client.create_token(r).unwrap();
        ids.extend(t.token.clone());
        ids.push(format!("{:?}", t.meta.elapsed));
        texts.push(format!("{t:?}"));
    }

    // Config: a bad region, with a password set.
    keep(
        &mut texts,
        Client::builder("TESTMERCHANT").password(PASSWORD).region("nowhere").build().unwrap_err(),
    );
    // Validation, with every secret in the bad request.
    let mut bad = card().to_json();
    bad["sourceOfFunds"]["provided"]["card"]["number"] = format!("{CARD}-").into();
    bad["sourceOfFunds"]["provided"]["card"]["securityCode"] = format!("{SECURITY_CODE}x").into();
    bad["sourceOfFunds"]["provided"]["giftCard"] =
        serde_json::json!({"number": CARD, "pin": format!("{PIN}!")});
    bad["sourceOfFunds"]["provided"]["ach"] =
        serde_json::json!({"bankAccountNumber": format!("{ACCOUNT}."), "x": CARD});
    keep(&mut texts, client.create_token_json(bad).unwrap_err());
    // Gateway: the card the gateway refuses is itself the secret.
    let refused = CreateTokenRequest::card(
        CardDetails::new(BAD_LUHN_CARD).expiry("5", "30").security_code(SECURITY_CODE),
    )
    .verification_strategy(VerificationStrategy::Basic);
    keep(&mut texts, client.create_token(&refused).unwrap_err());
    // Authentication.
    keep(&mut texts, builder(&s, WRONG_PASSWORD).build().unwrap().create_token(&card()).unwrap_err());
    // Decode, Io, Timeout through faults.
    for fault in [
        Fault::Html500,
        Fault::Echo,
        Fault::Truncate,
        Fault::Redirect,
        Fault::Close,
        Fault::Stall(Duration::from_secs(5)),
    ] {
        s.faults().push(fault, 1);
        keep(&mut texts, client.create_token(&card()).unwrap_err());
    }
    // Connect.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let closed =
        Client::builder("TESTMERCHANT").password(PASSWORD).base_url(format!("https://127.0.0.1:{port}"));
    keep(&mut texts, closed.max_retries(1).build().unwrap().create_token(&card()).unwrap_err());
    // Tls: a server the client does not trust.
    let untrusted = Client::builder("TESTMERCHANT").password(PASSWORD).base_url(s.url()).build().unwrap();
    keep(&mut texts, untrusted.create_token(&card()).unwrap_err());

    // The calls around the two (#21): a card put into a session, the session retrieved, and a
    // token id that looks like a card number (it is in the path: the log masks it 6.4, and the
    // gateway's explanation quoting it is masked too).
    let sid = client.create_session(&mpgs::CreateSessionRequest::new()).unwrap().id.unwrap();
    ids.push(sid.clone());
    let update = mpgs::UpdateSessionRequest::new()
        .card(CardDetails::new(CARD).expiry("5", "30").security_code(SECURITY_CODE));
    texts.push(format!("{update:?}"));
    for session in [client.update_session(&sid, &update).unwrap(), client.retrieve_session(&sid).unwrap()] {
        texts.push(format!("{session:?}"));
        texts.push(session.raw.to_string());
        texts.push(session.raw.verbatim().to_string());
    }
    keep(&mut texts, client.retrieve_token(CARD).unwrap_err());
    keep(&mut texts, client.delete_token(CARD).unwrap_err());

    use ErrorKind as K;
    let all = [
        K::Config,
        K::Validation,
        K::Gateway,
        K::Authentication,
        K::Decode,
        K::Connect,
        K::Tls,
        K::Timeout,
        K::Io,
    ];
    for kind in all {
        assert!(kinds.contains(&kind), "{kind:?} was not triggered: {kinds:?}");
    }
    let logs = LOGS.0.lock().unwrap().clone();
    assert!(logs.iter().any(|l| l.contains("/token -> 201")), "the client logged its calls");
    let logged = |line: String| logs.iter().any(|l| l.contains(&line));
    assert!(logged(
        "GET /api/rest/version/38/merchant/TESTMERCHANT/token/512345xxxxxx0008 -> Gateway".into()
    ));
    assert!(logged(format!("PUT /api/rest/version/58/merchant/TESTMERCHANT/session/{sid} -> 200")));
    assert!(logs.len() > 20, "trace records from the TLS and HTTP layers were captured too: {}", logs.len());
    // A layer that dumps bytes as hex + ASCII rows (as ureq's did) splits a secret across
    // records: the rows' ASCII columns are joined back before the search, and so are all
    // records of each target.
    let rows: String = logs.iter().filter_map(|l| l.rsplit_once(' ')).map(|(_, ascii)| ascii).collect();
    let mut by_target: std::collections::BTreeMap<String, String> = Default::default();
    for l in &logs {
        let mut parts = l.splitn(3, ' ');
        let (_, target, rest) =
            (parts.next(), parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        by_target.entry(target.to_owned()).or_default().push_str(rest);
    }
    texts.push(rows);
    texts.extend(by_target.into_values());
    texts.extend(logs);
    let secrets: Vec<&str> = SECRETS.iter().copied().chain([aes_key.as_str()]).collect();
    use base64::Engine as _;
    let encoded_credentials: Vec<String> = [PASSWORD, WRONG_PASSWORD]
        .iter()
        .map(|p| base64::engine::general_purpose::STANDARD.encode(format!("merchant.TESTMERCHANT:{p}")))
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("Authorization: Basic ***")),
        "the echoed error page was searched, its credentials hidden"
    );
    for text in &texts {
        let text = ids.iter().fold(text.clone(), |t, id| t.replace(id.as_str(), "<id>"));
        for secret in &secrets {
            assert!(!text.contains(secret), "{secret:?} leaked in: {text}");
        }
        // The Basic credentials, encoded, are a secret too.
        for encoded in &encoded_credentials {
            assert!(!text.contains(encoded.as_str()), "credentials leaked in: {text}");
        }
    }
}

/// A password whose Base64 credentials hold `/` and `+`: JSON escapes them (`\/`).
const SLASH_PASSWORD: &str = "Pa55?w0rd>7f3e9b~";

fn texts_of(e: &Error) -> Vec<String> {
    vec![format!("{e}"), format!("{e:?}")]
}

#[test]
fn an_undecodable_2xx_answer_never_quotes_a_secret_it_holds() {
    let s = Sandbox::start(Config {
        merchants: vec![("TESTMERCHANT".into(), PASSWORD.into())],
        ..Config::default()
    })
    .unwrap();
    let client = builder(&s, PASSWORD).build().unwrap();
    let gift = CreateTokenRequest::gift_card(GiftCardDetails::new(CARD).pin(PIN));
    let ach = CreateTokenRequest::ach(
        AchDetails::new("011000015", ACCOUNT).holder("A Customer").sec_code(mpgs::SecCode::Web),
    );
    for fault in [Fault::Trailing, Fault::CutJson] {
        // The session's AES key: not known to the client, found by its field name.
        s.faults().push(fault.clone(), 1);
        let e = client.create_session(&mpgs::CreateSessionRequest::new()).unwrap_err();
        assert!(e.kind() == ErrorKind::Decode && e.outcome_unknown(), "{fault:?}: {e}");
        let t = e.to_string();
        assert!(t.contains(r#"aes256Key\":\"***\""#), "{fault:?}: the key's place was quoted, masked: {t}");
        assert!(format!("{e:?}").contains("***"), "{e:?}");
        // Card number, security code, gift card PIN, account number, in the answer in clear.
        for (what, request) in [("card", card()), ("gift card", gift.clone()), ("ach", ach.clone())] {
            s.faults().push(fault.clone(), 1);
            let e = client.create_token(&request).unwrap_err();
            assert!(e.kind() == ErrorKind::Decode && e.outcome_unknown(), "{fault:?} {what}: {e}");
            for t in texts_of(&e) {
                assert!(t.contains("sourceOfFunds") && t.contains("***"), "{fault:?} {what}: quoted: {t}");
                for secret in SECRETS {
                    assert!(!t.contains(secret), "{fault:?} {what}: {secret:?} leaked in: {t}");
                }
            }
        }
    }
}

#[test]
fn an_error_page_echoing_the_authorization_json_escaped_hides_the_credentials() {
    use base64::Engine as _;
    let s = Sandbox::start(Config {
        merchants: vec![("TESTMERCHANT".into(), SLASH_PASSWORD.into())],
        ..Config::default()
    })
    .unwrap();
    let client = builder(&s, SLASH_PASSWORD).build().unwrap();
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("merchant.TESTMERCHANT:{SLASH_PASSWORD}"));
    assert!(encoded.contains('/'), "{encoded}");
    s.faults().push(Fault::EchoJson, 1);
    let e = client.create_token(&card()).unwrap_err();
    let escaped = encoded.replace('/', "\\/");
    for t in texts_of(&e) {
        assert!(t.contains("Basic ***"), "the echoed header was quoted, hidden: {t}");
        for leak in [encoded.as_str(), escaped.as_str(), &encoded[..24], SLASH_PASSWORD] {
            assert!(!t.contains(leak), "{leak:?} leaked in: {t}");
        }
    }
}
