//! `mpgs check` against the sandbox: the right diagnosis and exit code for each class of failure.

mod common;

use common::*;
use serde_json::Value;

fn check(env: &[(&'static str, String)], extra: &[&str]) -> Run {
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    mpgs(&args, &borrow(env), None)
}

fn set(env: &mut Vec<(&'static str, String)>, key: &'static str, value: impl Into<String>) {
    env.retain(|(k, _)| *k != key);
    env.push((key, value.into()));
}

#[test]
fn a_working_setup_passes_every_step_with_exit_0() {
    let s = sandbox();
    let r = check(&env_for(&s), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    for line in [
        "✓ name resolution",
        "✓ TCP to 127.0.0.1",
        "✓ TLS: TLSv1_3",
        "CN=mpgs-sandbox",
        "✓ Check Gateway: OPERATING",
        "✓ authenticated call (Create Session)",
    ] {
        assert!(r.stdout.contains(line), "no {line:?} in:\n{}", r.stdout);
    }
    assert!(!r.stdout.contains('\x1b'), "colour when piped:\n{}", r.stdout);
}

#[test]
fn json_output_names_every_step_and_the_exit_code() {
    let s = sandbox();
    let r = check(&env_for(&s), &["--json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let v: Value = serde_json::from_str(&r.stdout).expect("one JSON object");
    assert_eq!(v["ok"], true);
    assert_eq!(v["exit_code"], 0);
    let steps: Vec<&str> =
        v["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(
        steps,
        ["config", "resolve", "tcp", "tls", "client_certificate", "gateway", "authenticated_call"]
    );
}

#[test]
fn a_wrong_password_is_told_as_such_with_exit_7() {
    let s = sandbox();
    let mut env = env_for(&s);
    set(&mut env, "MPGS_PASSWORD", "not-the-password");
    let r = check(&env, &["--json"]);
    assert_eq!(r.code, 7, "{}", r.all());
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["problem"], "wrong_password");
    let human = check(&env, &[]);
    assert!(
        human.stdout.contains("✗ authenticated call")
            && human.stdout.contains("what to do: check the API password"),
        "{}",
        human.stdout
    );
    assert!(!human.all().contains("not-the-password"));
}

#[test]
fn a_test_live_merchant_mix_up_is_told_apart_from_a_wrong_password_with_exit_8() {
    let s = sandbox();
    let mut env = env_for(&s);
    // The TEST merchant's credentials with the live merchant id.
    set(&mut env, "MPGS_MERCHANT_ID", "MERCHANT");
    let r = check(&env, &[]);
    assert_eq!(r.code, 8, "{}", r.all());
    assert!(r.stdout.contains("not authorised to perform operation for target entity"), "{}", r.stdout);
    assert!(r.stdout.contains("TEST prefix"), "{}", r.stdout);
}

#[test]
fn a_refused_client_certificate_gives_exit_6() {
    let s = sandbox_with(|c| c.require_client_cert = true);
    let dir = temp_dir("stranger");
    let (cert, key) = stranger_certificate(&dir);
    let mut env = env_for(&s);
    env.retain(|(k, _)| *k != "MPGS_PASSWORD");
    set(&mut env, "MPGS_MERCHANT_ID", "CERTMERCHANT");
    set(&mut env, "MPGS_CERT_FILE", cert);
    set(&mut env, "MPGS_KEY_FILE", key);
    let r = check(&env, &["--json"]);
    assert_eq!(r.code, 6, "{}", r.all());
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["problem"], "certificate_refused", "{v}");
    let cert_step = v["steps"].as_array().unwrap().iter().find(|s| s["step"] == "client_certificate");
    assert!(cert_step.is_some_and(|s| s["detail"].as_str().unwrap().contains("CN=stranger")), "{v}");
}

#[test]
fn a_certificate_the_gateway_does_not_know_for_the_merchant_gives_exit_6() {
    let s = sandbox();
    let dir = temp_dir("unknown");
    let (cert, key) = stranger_certificate(&dir);
    let mut env = env_for(&s);
    env.retain(|(k, _)| *k != "MPGS_PASSWORD");
    set(&mut env, "MPGS_MERCHANT_ID", "CERTMERCHANT");
    set(&mut env, "MPGS_CERT_FILE", cert);
    set(&mut env, "MPGS_KEY_FILE", key);
    let r = check(&env, &[]);
    assert_eq!(r.code, 6, "{}", r.all());
    assert!(r.stdout.contains("✗ authenticated call") && r.stdout.contains("HTTP 401"), "{}", r.stdout);
}

#[test]
fn a_client_certificate_that_expires_within_30_days_warns_with_exit_1() {
    let s = sandbox_with(|c| c.client_cert_days = Some(10));
    let tls = s.tls().unwrap();
    let mut env = env_for(&s);
    env.retain(|(k, _)| *k != "MPGS_PASSWORD");
    set(&mut env, "MPGS_MERCHANT_ID", "CERTMERCHANT");
    set(&mut env, "MPGS_CERT_FILE", tls.client_cert_path().display().to_string());
    set(&mut env, "MPGS_KEY_FILE", tls.client_key_path().display().to_string());
    let r = check(&env, &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("⚠ client certificate: CN=mpgs-sandbox client"), "{}", r.stdout);
    assert!(r.stdout.contains("(10 days left)") && r.stdout.contains("renew it"), "{}", r.stdout);
    assert!(r.stdout.contains("✓ authenticated call"), "{}", r.stdout);
    // For monitoring: the dates as numbers.
    let v: Value = serde_json::from_str(&check(&env, &["--json"]).stdout).unwrap();
    let step =
        v["steps"].as_array().unwrap().iter().find(|s| s["step"] == "client_certificate").unwrap().clone();
    assert_eq!(step["status"], "warning");
    assert_eq!(step["data"]["chain"][0]["days_left"], 10, "{step}");
    let tls = v["steps"].as_array().unwrap().iter().find(|s| s["step"] == "tls").unwrap().clone();
    assert_eq!(tls["data"]["protocol"], "TLSv1_3");
    assert_eq!(tls["data"]["chain"][0]["subject"], "CN=mpgs-sandbox");
}

#[test]
fn an_unreachable_host_gives_exit_4() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let s = sandbox();
    let mut env = env_for(&s);
    set(&mut env, "MPGS_BASE_URL", format!("https://127.0.0.1:{port}"));
    let r = check(&env, &["--json"]);
    assert_eq!(r.code, 4, "{}", r.all());
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["problem"], "unreachable");
    assert_eq!(v["steps"].as_array().unwrap().last().unwrap()["step"], "tcp");
}

#[test]
fn a_name_that_does_not_resolve_gives_exit_3_without_a_lookup() {
    // Names under .invalid fail in the resolver itself (RFC 6761): no query leaves the machine.
    let s = sandbox();
    let mut env = env_for(&s);
    set(&mut env, "MPGS_BASE_URL", "https://nonexistent.invalid");
    let r = check(&env, &[]);
    assert_eq!(r.code, 3, "{}", r.all());
    assert!(r.stdout.contains("✗ name resolution: host name not found: nonexistent.invalid"), "{}", r.stdout);
}

#[test]
fn an_untrusted_server_certificate_gives_exit_5() {
    let s = sandbox();
    let mut env = env_for(&s);
    env.retain(|(k, _)| *k != "MPGS_CA_FILE");
    let r = check(&env, &[]);
    assert_eq!(r.code, 5, "{}", r.all());
    assert!(r.stdout.contains("✗ TLS"), "{}", r.stdout);
}

#[test]
fn missing_credentials_are_a_configuration_error_with_exit_2() {
    let s = sandbox();
    let mut env = env_for(&s);
    env.retain(|(k, _)| *k != "MPGS_PASSWORD");
    let r = check(&env, &[]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("no API password"), "{}", r.stdout);
}

#[test]
fn the_tcp_step_goes_through_the_proxy_and_a_refused_tunnel_is_unreachable() {
    let s = sandbox();
    let proxy = mpgs_sandbox::TunnelProxy::start(mpgs_sandbox::ProxyMode::Tunnel).unwrap();
    let mut env = env_for(&s);
    set(&mut env, "MPGS_PROXY", proxy.url());
    let r = check(&env, &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stdout.contains(&format!("through the proxy {}", proxy.url().trim_start_matches("http://"))),
        "{}",
        r.stdout
    );
    assert!(
        proxy.seen().iter().any(|c| c.target == s.url().trim_start_matches("https://")),
        "the proxy saw no tunnel"
    );
    assert!(r.stdout.contains("✓ name resolution (proxy 127.0.0.1:"), "{}", r.stdout);

    let refusing = mpgs_sandbox::TunnelProxy::start(mpgs_sandbox::ProxyMode::Refuse(403)).unwrap();
    set(&mut env, "MPGS_PROXY", refusing.url());
    let r = check(&env, &["--json"]);
    assert_eq!(r.code, 4, "{}", r.all());
    assert!(r.stdout.contains("refused the tunnel (HTTP 403)"), "{}", r.stdout);
}

#[test]
fn a_gateway_that_is_not_operating_gives_exit_9() {
    let s = sandbox();
    s.faults().push("shutdown".parse().unwrap(), 1);
    let r = check(&env_for(&s), &[]);
    assert_eq!(r.code, 9, "{}", r.all());
    assert!(r.stdout.contains("✗ Check Gateway: SHUTDOWN"), "{}", r.stdout);
}
