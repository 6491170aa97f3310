//! `mpgs validate`, `mpgs session …` and `mpgs token …` against the sandbox; no secret in any
//! output unless `--verbatim` asked for the answer's own.

mod common;

use common::*;
use serde_json::Value;

fn card_body(month: &str) -> String {
    format!(
        r#"{{"sourceOfFunds":{{"type":"CARD","provided":{{"card":{{"number":"{CARD}","expiry":{{"month":"{month}","year":"30"}},"securityCode":"{CSC}"}}}}}}}}"#
    )
}

fn session_card_body() -> String {
    format!(
        r#"{{"sourceOfFunds":{{"provided":{{"card":{{"number":"{CARD}","expiry":{{"month":"05","year":"30"}},"securityCode":"{CSC}"}}}}}}}}"#
    )
}

/// No card number, security code or API password in anything a run printed.
fn assert_no_secret(r: &Run, what: &str) {
    for secret in [CARD, PASSWORD, &format!("\"{CSC}\"")] {
        assert!(!r.all().contains(secret), "{what}: {secret} in the output:\n{}", r.all());
    }
}

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", r.all()))
}

#[test]
fn every_call_runs_against_the_sandbox_and_prints_no_secret() {
    let s = sandbox();
    let env = env_for(&s);
    let env = borrow(&env);
    let dir = temp_dir("calls");

    let r = mpgs(&["session", "create"], &env, None);
    assert_eq!(r.code, 0, "{}", r.all());
    let session = json_of(&r)["session"]["id"].as_str().unwrap().to_owned();
    assert_eq!(json_of(&r)["session"]["aes256Key"], "***", "the AES key is masked by default");

    let limits = write(&dir, "limits.json", r#"{"session": {"authenticationLimit": 3}}"#);
    let r = mpgs(&["session", "create", &limits], &env, None);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(json_of(&r)["session"]["authenticationLimit"], 3);

    let r = mpgs(&["session", "update", &session, "-"], &env, Some(&session_card_body()));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_no_secret(&r, "session update");
    assert_eq!(json_of(&r)["sourceOfFunds"]["provided"]["card"]["number"], "512345xxxxxx0008");

    let r = mpgs(&["session", "retrieve", &session], &env, None);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_no_secret(&r, "session retrieve");
    assert_eq!(json_of(&r)["session"]["id"], session.as_str());

    let card = write(&dir, "card.json", &card_body("05"));
    let r = mpgs(&["token", "create", &card], &env, None);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_no_secret(&r, "token create");
    let token = json_of(&r)["token"].as_str().unwrap().to_owned();

    let r = mpgs(&["token", "create", "-"], &env, Some(&card_body("05")));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_no_secret(&r, "token create from stdin");

    let r = mpgs(&["token", "retrieve", &token], &env, None);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_no_secret(&r, "token retrieve");
    assert_eq!(json_of(&r)["token"], token.as_str());

    let r = mpgs(&["token", "delete", &token], &env, None);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(json_of(&r)["result"], "SUCCESS");

    let r = mpgs(&["token", "retrieve", &token, "--json"], &env, None);
    assert_eq!(r.code, 3, "a deleted token is an error answer: {}", r.all());
    assert!(
        r.stderr.contains("stage: answered") && r.stderr.contains("outcome_unknown: false"),
        "{}",
        r.stderr
    );
    assert_eq!(json_of(&r)["error"]["stage"], "answered");
    assert_no_secret(&r, "token retrieve after delete");

    let r = mpgs(&["validate", &card, "--operation", "token"], &[], None);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_no_secret(&r, "validate");
}

#[test]
fn verbatim_shows_the_answers_own_secrets_masked_output_does_not() {
    let s = sandbox();
    let env = env_for(&s);
    let r = mpgs(&["session", "create", "--verbatim"], &borrow(&env), None);
    assert_eq!(r.code, 0, "{}", r.all());
    let key = json_of(&r)["session"]["aes256Key"].as_str().unwrap().to_owned();
    assert!(key.len() > 20 && key != "***", "{key}");
    assert!(!r.stderr.contains("warning"), "no warning when stdout is not a terminal: {}", r.stderr);
    assert_no_secret(&r, "session create --verbatim");
}

#[test]
fn a_body_that_breaks_the_rules_is_refused_before_sending_with_each_field_and_exit_1() {
    let s = sandbox();
    let env = env_for(&s);
    let r = mpgs(&["token", "create", "-", "--json"], &borrow(&env), Some(&card_body("13")));
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stderr.contains("INVALID sourceOfFunds.provided.card.expiry.month: "), "{}", r.stderr);
    assert!(r.stderr.contains("stage: not_sent"), "{}", r.stderr);
    assert_eq!(json_of(&r)["error"]["stage"], "not_sent");
    assert_eq!(json_of(&r)["error"]["outcome_unknown"], false);
    assert_no_secret(&r, "refused token create");
    assert!(s.seen_requests().is_empty(), "nothing was sent");
}

#[test]
fn no_answer_says_whether_the_gateway_may_have_acted() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let s = sandbox();
    let mut env = env_for(&s);
    env.retain(|(k, _)| *k != "MPGS_BASE_URL");
    env.push(("MPGS_BASE_URL", format!("https://127.0.0.1:{port}")));
    let r = mpgs(&["session", "create", "--json"], &borrow(&env), None);
    assert_eq!(r.code, 4, "{}", r.all());
    assert_eq!(json_of(&r)["error"]["stage"], "unanswered");
    assert_eq!(json_of(&r)["error"]["outcome_unknown"], false);

    s.faults().push("close".parse().unwrap(), 1);
    let env = env_for(&s);
    let r = mpgs(&["token", "create", "-", "--json"], &borrow(&env), Some(&card_body("05")));
    assert_eq!(r.code, 5, "{}", r.all());
    assert_eq!(json_of(&r)["error"]["outcome_unknown"], true);
    assert!(r.stderr.contains("check before sending it again"), "{}", r.stderr);
    assert_no_secret(&r, "token create, connection closed");
}

#[test]
fn a_password_flag_is_refused_and_never_echoed() {
    let s = sandbox();
    let mut env = env_for(&s);
    env.retain(|(k, _)| *k != "MPGS_PASSWORD");
    let r = mpgs(&["session", "create", "--password", PASSWORD], &borrow(&env), None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr.contains("--password is refused") && r.stderr.contains("--password-file"),
        "{}",
        r.stderr
    );
    assert_no_secret(&r, "--password");
    let r = mpgs(&["check", "--password", PASSWORD], &borrow(&env), None);
    assert_eq!(r.code, 2, "{}", r.all());
    assert_no_secret(&r, "check --password");
}

#[test]
fn a_password_file_works_and_wrong_credentials_name_the_stage() {
    let s = sandbox();
    let dir = temp_dir("pwfile");
    let file = write(&dir, "pw", &format!("{PASSWORD}\n"));
    let mut env = env_for(&s);
    env.retain(|(k, _)| *k != "MPGS_PASSWORD");
    let r = mpgs(&["session", "create", "--password-file", &file], &borrow(&env), None);
    assert_eq!(r.code, 0, "{}", r.all());
    let wrong = write(&dir, "wrong", "wrong-password\n");
    let r = mpgs(&["session", "create", "--password-file", &wrong], &borrow(&env), None);
    assert_eq!(r.code, 3, "{}", r.all());
    assert!(r.stderr.contains("HTTP 401") && r.stderr.contains("kind: authentication"), "{}", r.stderr);
    assert!(!r.all().contains("wrong-password"));
}

#[test]
fn validate_prints_each_field_error_in_the_gateways_words() {
    let body = r#"{"sourceOfFunds":{"type":"CARD","provided":{"card":{"number":"512345000000000X","expiry":{"month":"13","year":"30"}}}}}"#;
    let r = mpgs(&["validate", "-", "--operation", "token"], &[], Some(body));
    assert_eq!(r.code, 1, "{}", r.all());
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines.iter().any(|l| l.starts_with("INVALID sourceOfFunds.provided.card.expiry.month: ")),
        "{}",
        r.stdout
    );
    assert!(
        lines.iter().any(|l| l.starts_with("INVALID sourceOfFunds.provided.card.number: ")),
        "{}",
        r.stdout
    );
    assert!(!r.all().contains("512345000000000X"), "{}", r.all());

    let r = mpgs(&["validate", "--operation", "token", "--json"], &[], Some(body));
    assert_eq!(r.code, 1);
    let v = json_of(&r);
    assert_eq!(v["valid"], false);
    assert_eq!(v["apiVersion"], 38);
    assert!(v["errors"].as_array().unwrap().iter().any(|e| e["field"]
        == "sourceOfFunds.provided.card.expiry.month"
        && e["validationType"] == "INVALID"));

    let r = mpgs(
        &["validate", "-", "--operation", "session"],
        &[],
        Some(r#"{"session":{"authenticationLimit":5}}"#),
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("VALID"), "{}", r.stdout);

    let r = mpgs(
        &["validate", "-", "--operation", "update-session", "--validation-level", "bogus"],
        &[],
        Some("{}"),
    );
    assert_eq!(r.code, 2, "{}", r.all());
    let r = mpgs(&["validate", "-", "--operation", "session"], &[], Some("{not json"));
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.starts_with("INVALID body: "), "{}", r.stdout);
}

#[test]
fn help_shows_examples_for_every_command() {
    let r = mpgs(&["--help"], &[], None);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Examples:") && r.stdout.contains("MPGS_PASSWORD"), "{}", r.stdout);
    for cmd in [
        &["check"][..],
        &["validate"],
        &["session", "create"],
        &["session", "retrieve"],
        &["session", "update"],
        &["token", "create"],
        &["token", "retrieve"],
        &["token", "delete"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let r = mpgs(&args, &[], None);
        assert_eq!(r.code, 0, "{cmd:?}");
        assert!(r.stdout.contains("Example"), "{cmd:?} --help has no example:\n{}", r.stdout);
        assert!(
            r.stdout.contains("Exit codes") || cmd == ["validate"] && r.stdout.contains("Exit codes"),
            "{cmd:?}"
        );
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_program_quietly() {
    let exe = env!("CARGO_BIN_EXE_mpgs");
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            &format!("for i in 1 2 3 4 5; do '{exe}' validate --operation session </dev/null | true; done"),
        ])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");
}
