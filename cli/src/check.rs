//! `mpgs check`: each step between this machine and a working call, with what to do on a failure.
//! The steps and the diagnosis are the core's (`mpgs::diagnose`); this prints them.

use mpgs::diagnose::{self, CertificateInfo, Problem};
use mpgs::CreateSessionRequest;
use serde_json::{json, Value};

use crate::out::{self, Mark};
use crate::{creds, Conn};

/// The exit code of each class of failure (documented in `CHECK_HELP`).
fn exit_code(p: Problem) -> u8 {
    match p {
        Problem::Config => 2,
        Problem::NameNotFound => 3,
        Problem::Unreachable => 4,
        Problem::Tls => 5,
        Problem::CertificateRefused => 6,
        Problem::WrongPassword => 7,
        Problem::WrongMerchant => 8,
        _ => 9,
    }
}

struct Step {
    id: &'static str,
    title: String,
    mark: Mark,
    detail: String,
    problem: Option<Problem>,
    /// Facts for `--json` (certificate dates, protocol), when the step has any.
    data: Value,
}

struct Report {
    steps: Vec<Step>,
    colour: bool,
    json: bool,
}

impl Report {
    fn add(
        &mut self,
        id: &'static str,
        title: impl Into<String>,
        mark: Mark,
        detail: impl Into<String>,
        problem: Option<Problem>,
    ) {
        let step = Step { id, title: title.into(), mark, detail: detail.into(), problem, data: Value::Null };
        if !self.json {
            let mut line =
                format!("{} {}", out::mark(step.mark, self.colour), out::bold(&step.title, self.colour));
            if !step.detail.is_empty() {
                line.push_str(": ");
                line.push_str(&step.detail);
            }
            println!("{line}");
            if let Some(p) = step.problem {
                println!("    what to do: {}", p.advice());
            }
        }
        self.steps.push(step);
    }

    /// Attaches `--json` facts to the last step.
    fn data(&mut self, data: Value) {
        if let Some(last) = self.steps.last_mut() {
            last.data = data;
        }
    }

    fn failed(&self) -> Option<Problem> {
        self.steps.iter().find_map(|s| s.problem)
    }

    fn finish(self) -> u8 {
        let code = match self.failed() {
            Some(p) => exit_code(p),
            None if self.steps.iter().any(|s| s.mark == Mark::Warn) => 1,
            None => 0,
        };
        if self.json {
            let steps: Vec<Value> = self
                .steps
                .iter()
                .map(|s| {
                    json!({
                        "step": s.id,
                        "title": s.title,
                        "status": s.mark.as_str(),
                        "detail": s.detail,
                        "problem": s.problem.map(Problem::as_str),
                        "advice": s.problem.map(Problem::advice),
                        "data": s.data,
                    })
                })
                .collect();
            let v = json!({
                "ok": code <= 1,
                "exit_code": code,
                "problem": self.failed().map(Problem::as_str),
                "steps": steps,
            });
            println!("{}", out::json(&v));
        } else if code == 0 {
            println!("all checks passed");
        } else if code == 1 {
            println!("all checks passed, with a warning");
        }
        code
    }
}

fn cert_json(c: &CertificateInfo) -> Value {
    json!({
        "subject": c.subject,
        "issuer": c.issuer,
        "not_before": c.not_before,
        "not_after": c.not_after,
        "expires": c.expiry_date(),
        "days_left": c.days_left(),
    })
}

fn cert_line(c: &CertificateInfo) -> String {
    let days = c.days_left();
    let left = if days < 0 { format!("expired {} days ago", -days) } else { format!("{days} days left") };
    format!("{}, issued by {}, expires {} ({left})", c.subject, c.issuer, c.expiry_date())
}

pub fn run(conn: &Conn, as_json: bool) -> u8 {
    let mut r = Report { steps: Vec::new(), colour: !as_json && out::colour_stdout(), json: as_json };
    let builder = match creds::builder(conn) {
        Ok(b) => b,
        Err(e) => {
            r.add("config", "configuration", Mark::Fail, e, Some(Problem::Config));
            return r.finish();
        }
    };
    let probe = match builder.probe() {
        Ok(p) => p,
        Err(e) => {
            r.add("config", "configuration", Mark::Fail, e.to_string(), Some(Problem::Config));
            return r.finish();
        }
    };
    let (host, port) = probe.target();
    let (host, port) = (host.to_owned(), port);
    let auth = if probe.certificate_auth() { "client certificate" } else { "API password" };
    r.add(
        "config",
        "configuration",
        Mark::Pass,
        format!("{} as {} ({auth})", probe.base_url(), builder_merchant(conn)),
        None,
    );

    // Name resolution: of the proxy when there is one (it resolves the gateway's name).
    let proxy = probe.proxy();
    let resolve_title = match &proxy {
        Some(p) => format!("name resolution (proxy {p})"),
        None => "name resolution".to_owned(),
    };
    match probe.resolve() {
        Ok(addrs) => {
            let list: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
            let looked_up = probe.first_hop().0;
            r.add("resolve", resolve_title, Mark::Pass, format!("{looked_up} → {}", list.join(", ")), None)
        }
        Err(e) => {
            r.add("resolve", resolve_title, Mark::Fail, e, Some(Problem::NameNotFound));
            return r.finish();
        }
    }
    let tcp_title = match &proxy {
        Some(p) => format!("TCP to {host}:{port} through the proxy {p}"),
        None => format!("TCP to {host}:{port}"),
    };
    match probe.tcp() {
        Ok(addr) => r.add("tcp", tcp_title, Mark::Pass, format!("connected to {addr}"), None),
        Err(e) => {
            r.add("tcp", tcp_title, Mark::Fail, e, Some(Problem::Unreachable));
            return r.finish();
        }
    }
    if probe.https() {
        match probe.tls() {
            Ok(Some(tls)) => {
                let mut detail = format!("{} {}", tls.protocol, tls.cipher);
                let mut mark = Mark::Pass;
                if let Some(leaf) = tls.chain.first() {
                    detail.push_str(&format!("; server certificate {}", cert_line(leaf)));
                    if leaf.expires_soon() {
                        mark = Mark::Warn;
                    }
                }
                for c in tls.chain.iter().skip(1) {
                    detail.push_str(&format!("; chain: {} (expires {})", c.subject, c.expiry_date()));
                }
                r.add("tls", "TLS", mark, detail, None);
                r.data(json!({
                    "protocol": tls.protocol,
                    "cipher": tls.cipher,
                    "chain": tls.chain.iter().map(cert_json).collect::<Vec<_>>(),
                }));
            }
            Ok(None) => r.add("tls", "TLS", Mark::Skip, "plain HTTP", None),
            Err(e) => {
                let problem = diagnose::classify_handshake(&e);
                r.add("tls", "TLS", Mark::Fail, e, Some(problem));
                return r.finish();
            }
        }
    } else {
        r.add("tls", "TLS", Mark::Warn, "plain HTTP: nothing is encrypted (only for a local sandbox)", None);
    }
    match probe.client_certificate() {
        None => r.add(
            "client_certificate",
            "client certificate",
            Mark::Skip,
            "none (password authentication)",
            None,
        ),
        Some(Err(e)) => {
            r.add("client_certificate", "client certificate", Mark::Fail, e, Some(Problem::Config));
            return r.finish();
        }
        Some(Ok(chain)) => {
            let leaf = &chain[0];
            if leaf.is_out_of_date() {
                r.add(
                    "client_certificate",
                    "client certificate",
                    Mark::Fail,
                    cert_line(leaf),
                    Some(Problem::CertificateRefused),
                );
                return r.finish();
            }
            let mark = if leaf.expires_soon() { Mark::Warn } else { Mark::Pass };
            let mut detail = cert_line(leaf);
            if mark == Mark::Warn {
                detail
                    .push_str(&format!("; renew it: fewer than {} days left", diagnose::EXPIRY_WARNING_DAYS));
            }
            r.add("client_certificate", "client certificate", mark, detail, None);
            r.data(json!({ "chain": chain.iter().map(cert_json).collect::<Vec<_>>() }));
        }
    }
    let client = match builder.max_retries(0).build() {
        Ok(c) => c,
        Err(e) => {
            r.add("config", "configuration", Mark::Fail, e.to_string(), Some(Problem::Config));
            return r.finish();
        }
    };
    match client.check_gateway() {
        Ok(info) if info.is_operating() => r.add(
            "gateway",
            "Check Gateway",
            Mark::Pass,
            format!("OPERATING, gateway version {}", info.gateway_version.as_deref().unwrap_or("?")),
            None,
        ),
        Ok(info) => {
            let status = info.status.map(|s| s.to_string()).unwrap_or_else(|| "no status".into());
            r.add(
                "gateway",
                "Check Gateway",
                Mark::Fail,
                format!("{status}: the gateway does not take requests now"),
                Some(Problem::Gateway),
            );
            return r.finish();
        }
        Err(e) => {
            let problem = diagnose::classify(&e, probe.certificate_auth());
            r.add("gateway", "Check Gateway", Mark::Fail, e.to_string(), Some(problem));
            return r.finish();
        }
    }
    match client.create_session(&CreateSessionRequest::new()) {
        Ok(s) => r.add(
            "authenticated_call",
            "authenticated call (Create Session)",
            Mark::Pass,
            format!("accepted, session {} (unused, it expires)", s.id.as_deref().unwrap_or("?")),
            None,
        ),
        Err(e) => {
            let problem = diagnose::classify(&e, probe.certificate_auth());
            r.add(
                "authenticated_call",
                "authenticated call (Create Session)",
                Mark::Fail,
                e.to_string(),
                Some(problem),
            );
        }
    }
    r.finish()
}

fn builder_merchant(conn: &Conn) -> String {
    conn.merchant_id.clone().unwrap_or_default()
}
