//! Proxies: used only when configured, CONNECT tunnels with TLS verified end to end, a tunnel
//! refused with a 4xx is a final connect failure (nothing sent, not retried: a 407 again is one
//! more failed login), one refused with a 5xx or dropped is retried, and the environment's proxy
//! only when asked for.

use std::time::Duration;

use mpgs::{Client, ClientBuilder, CreateSessionRequest, ErrorKind};
use mpgs_sandbox::{ProxyMode, Sandbox, TunnelProxy};

mod common;
use common::sandbox;

fn client(s: &Sandbox) -> ClientBuilder {
    common::builder(s).timeout(Duration::from_secs(5))
}

fn authority(s: &Sandbox) -> String {
    s.url().trim_start_matches("https://").to_owned()
}

#[test]
fn a_configured_proxy_carries_the_call_through_a_connect_tunnel() {
    let s = sandbox();
    let proxy = TunnelProxy::start(ProxyMode::Tunnel).unwrap();
    let c = client(&s).proxy(proxy.url()).build().unwrap();
    let session = c.create_session(&CreateSessionRequest::new()).expect("through the tunnel");
    assert!(session.id.is_some());
    c.create_session(&CreateSessionRequest::new()).expect("again, on the same tunnel");
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "one tunnel, kept alive: {seen:?}");
    assert_eq!(seen[0].target, authority(&s));
    assert_eq!(seen[0].authorization, None);
}

#[test]
fn proxy_credentials_go_to_the_proxy_only_and_never_into_messages() {
    let s = sandbox();
    let proxy = TunnelProxy::start(ProxyMode::Tunnel).unwrap();
    let url = proxy.url().replace("http://", "http://squid:pr%40xy-secret@");
    let b = client(&s).proxy(&url);
    assert!(!format!("{b:?}").contains("pr%40xy-secret"), "{b:?}");
    b.build().unwrap().create_session(&CreateSessionRequest::new()).unwrap();
    // base64("squid:pr@xy-secret")
    assert_eq!(proxy.seen()[0].authorization.as_deref(), Some("Basic c3F1aWQ6cHJAeHktc2VjcmV0"));
    let e = client(&s).proxy("socks5://squid:pr0xy-secret@127.0.0.1:1").build().unwrap_err();
    assert!(!e.to_string().contains("pr0xy-secret"), "{e}");
}

#[test]
fn tls_is_verified_end_to_end_through_the_tunnel() {
    let s = sandbox();
    let proxy = TunnelProxy::start(ProxyMode::Tunnel).unwrap();
    let untrusting = Client::builder("TESTMERCHANT").password("p").base_url(s.url()).proxy(proxy.url());
    let e = untrusting.build().unwrap().create_session(&CreateSessionRequest::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(!e.outcome_unknown());
}

#[test]
fn a_tunnel_refused_with_a_5xx_or_dropped_is_a_connect_failure_nothing_sent_and_retried() {
    let s = sandbox();
    for mode in [ProxyMode::Refuse(502), ProxyMode::Refuse(503), ProxyMode::Drop, ProxyMode::DropAfterConnect]
    {
        let proxy = TunnelProxy::start(mode).unwrap();
        let e = client(&s)
            .proxy(proxy.url())
            .max_retries(2)
            .build()
            .unwrap()
            .create_session(&CreateSessionRequest::new())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Connect, "{mode:?}: {e}");
        assert!(!e.outcome_unknown(), "{mode:?}: {e}");
        assert_eq!(e.attempts(), 3, "{mode:?}: retried like a refused connection: {e}");
        assert_eq!(proxy.seen().len(), 3, "{mode:?}");
        assert!(s.seen_requests().is_empty(), "{mode:?}: nothing reached the gateway");
    }
}

#[test]
fn a_tunnel_refused_with_a_4xx_is_final_and_a_407_names_the_proxy_credentials() {
    let s = sandbox();
    for status in [407, 403] {
        let proxy = TunnelProxy::start(ProxyMode::Refuse(status)).unwrap();
        let url = proxy.url().replace("http://", "http://squid:wr0ng-proxy-pw@");
        let e = client(&s)
            .proxy(&url)
            .max_retries(2)
            .build()
            .unwrap()
            .create_session(&CreateSessionRequest::new())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Connect, "{status}: {e}");
        assert!(!e.outcome_unknown(), "{status}: {e}");
        assert_eq!(e.attempts(), 1, "{status}: one login attempt per call, not three: {e}");
        assert_eq!(proxy.seen().len(), 1, "{status}");
        assert!(e.to_string().contains(&format!("HTTP {status}")), "{e}");
        assert_eq!(e.to_string().contains("credentials"), status == 407, "{e}");
        assert!(!e.to_string().contains("wr0ng-proxy-pw"), "{e}");
        assert!(s.seen_requests().is_empty());
    }
}

#[test]
fn an_http_loopback_target_is_never_proxied() {
    let proxy = TunnelProxy::start(ProxyMode::Tunnel).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let c = Client::builder("TESTMERCHANT")
        .password("p")
        .base_url(format!("http://127.0.0.1:{port}"))
        .proxy(proxy.url())
        .max_retries(0)
        .build()
        .unwrap();
    let e = c.create_session(&CreateSessionRequest::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert!(proxy.seen().is_empty());
}

/// One test, because the environment is the process's: the proxy it names is used only with
/// `proxy_from_env`, and `NO_PROXY` still wins then.
#[test]
fn the_environment_proxy_is_used_only_when_asked_for() {
    let s = sandbox();
    let proxy = TunnelProxy::start(ProxyMode::Tunnel).unwrap();
    std::env::set_var("HTTPS_PROXY", proxy.url());
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    client(&s).build().unwrap().create_session(&CreateSessionRequest::new()).unwrap();
    assert!(proxy.seen().is_empty(), "not asked for: not used");
    client(&s).proxy_from_env(true).build().unwrap().create_session(&CreateSessionRequest::new()).unwrap();
    assert_eq!(proxy.seen().len(), 1, "asked for: used");
    std::env::set_var("NO_PROXY", "localhost,127.0.0.1");
    client(&s).proxy_from_env(true).build().unwrap().create_session(&CreateSessionRequest::new()).unwrap();
    assert_eq!(proxy.seen().len(), 1, "NO_PROXY names the host: not used");
    std::env::remove_var("HTTPS_PROXY");
    std::env::remove_var("NO_PROXY");
}

#[test]
fn the_connect_line_always_names_the_port() {
    // A base URL without a port: the tunnel is asked for host:443 (the proxy then fails to reach
    // it on this machine, which is a connect failure like any other refused tunnel).
    let proxy = TunnelProxy::start(ProxyMode::Tunnel).unwrap();
    let c = Client::builder("TESTMERCHANT").password("p").base_url("https://127.0.0.1").proxy(proxy.url());
    let e = c.max_retries(0).build().unwrap().create_session(&CreateSessionRequest::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert_eq!(proxy.seen()[0].target, "127.0.0.1:443");
}

#[test]
fn a_proxy_error_page_echoing_the_proxy_credentials_leaves_them_out_of_every_message() {
    use base64::Engine as _;
    let s = sandbox();
    let proxy = TunnelProxy::start(ProxyMode::RefuseEcho(407)).unwrap();
    // The password's Base64 holds `/`, which the page writes `\/`.
    let url = proxy.url().replace("http://", "http://proxyuser:Pa55%3Fw0rd%3E7f3e9b~@");
    let encoded = base64::engine::general_purpose::STANDARD.encode("proxyuser:Pa55?w0rd>7f3e9b~");
    assert!(encoded.contains('/'), "{encoded}");
    let e =
        client(&s).proxy(&url).max_retries(0).build().unwrap().create_session(&CreateSessionRequest::new());
    let e = e.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert_eq!(proxy.seen()[0].authorization.as_deref(), Some(format!("Basic {encoded}").as_str()));
    for text in [e.to_string(), format!("{e:?}")] {
        for leak in ["Pa55?w0rd", "Pa55%3Fw0rd", &encoded[..20], &encoded.replace('/', "\\/")] {
            assert!(!text.contains(leak), "{leak:?} in {text}");
        }
    }
}
