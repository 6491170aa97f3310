//! `mpgs-sandbox`: run the local gateway.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use mpgs_sandbox::{Config, Fault, Sandbox, TokenManagement, TokenStrategy};

const USAGE: &str =
    "usage: mpgs-sandbox [--listen 127.0.0.1:PORT] [--tls-dir DIR] [--merchant ID:PASSWORD]...
       [--cert-merchant ID]... [--plain-http] [--token-strategy random-luhn|preserve-6-4]
       [--token-management unique-card|unique-token] [--latency-ms N] [--fault KIND[=ARG][xCOUNT]]...
       [--server-name NAME]... [--require-client-cert] [--keepalive-timeout S] [--rtt-ms N] [--ready-file PATH]
       [--client-cert-days N]";

/// What to do besides serving: where to say that the sandbox is ready.
struct Run {
    config: Config,
    /// Written once serving: `url=`, `ca=` (empty with plain HTTP), `tls_dir=` and `pid=` lines.
    ready_file: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Run, String> {
    let mut c = Config::default();
    let mut ready_file = None;
    let mut merchants = Vec::new();
    let mut server_names = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => c.listen = value()?.parse().map_err(|e| format!("--listen: {e}"))?,
            "--tls-dir" => c.tls_dir = Some(value()?.into()),
            "--merchant" => {
                let v = value()?;
                let (id, pw) = v.split_once(':').ok_or("--merchant takes ID:PASSWORD")?;
                mpgs::validate::check_merchant_id(id).map_err(|e| format!("--merchant: {e}"))?;
                merchants.push((id.to_owned(), pw.to_owned()));
            }
            "--cert-merchant" => {
                let id = value()?;
                mpgs::validate::check_merchant_id(&id).map_err(|e| format!("--cert-merchant: {e}"))?;
                c.cert_merchants.push(id);
            }
            "--plain-http" => c.plain_http = true,
            "--token-strategy" => {
                c.token_strategy = match value()?.as_str() {
                    "random-luhn" => TokenStrategy::RandomWithLuhn,
                    "preserve-6-4" => TokenStrategy::Preserve64,
                    v => return Err(format!("--token-strategy: unknown {v:?}")),
                }
            }
            "--token-management" => {
                c.token_management = match value()?.as_str() {
                    "unique-card" => TokenManagement::UniqueCard,
                    "unique-token" => TokenManagement::UniqueToken,
                    v => return Err(format!("--token-management: unknown {v:?}")),
                }
            }
            "--latency-ms" => {
                c.latency = Duration::from_millis(value()?.parse().map_err(|e| format!("--latency-ms: {e}"))?)
            }
            "--fault" => {
                let v = value()?;
                let (kind, count) = match v.rsplit_once('x') {
                    Some((k, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
                        (k.to_owned(), n.parse().unwrap_or(1))
                    }
                    _ => (v.clone(), 1),
                };
                c.faults.push((kind.parse::<Fault>()?, count));
            }
            "--server-name" => server_names.push(value()?),
            "--require-client-cert" => c.require_client_cert = true,
            "--keepalive-timeout" => {
                let secs: u64 = value()?.parse().map_err(|e| format!("--keepalive-timeout: {e}"))?;
                if secs == 0 {
                    return Err("--keepalive-timeout: at least 1 second".into());
                }
                c.keepalive_timeout = Some(Duration::from_secs(secs));
            }
            "--rtt-ms" => {
                c.rtt = Duration::from_millis(value()?.parse().map_err(|e| format!("--rtt-ms: {e}"))?)
            }
            "--ready-file" => ready_file = Some(PathBuf::from(value()?)),
            "--client-cert-days" => {
                c.client_cert_days = Some(value()?.parse().map_err(|e| format!("--client-cert-days: {e}"))?)
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if !merchants.is_empty() {
        c.merchants = merchants;
    }
    if !server_names.is_empty() {
        c.server_names = server_names;
    }
    Ok(Run { config: c, ready_file })
}

/// Writes the ready file whole (to a temporary name, then renamed), so that a reader that sees
/// it sees every line.
fn write_ready_file(path: &std::path::Path, sandbox: &Sandbox) -> std::io::Result<()> {
    let (ca, dir) = match sandbox.tls() {
        Some(t) => (t.ca_path().display().to_string(), t.dir.display().to_string()),
        None => (String::new(), String::new()),
    };
    let text = format!("url={}\nca={ca}\ntls_dir={dir}\npid={}\n", sandbox.url(), std::process::id());
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Run { config, ready_file } = match parse(&args) {
        Ok(r) => r,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("mpgs-sandbox: {e}");
            }
            eprintln!("{USAGE}");
            std::process::exit(if e.is_empty() { 0 } else { 2 });
        }
    };
    let sandbox = match Sandbox::start(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mpgs-sandbox: cannot start: {e}");
            std::process::exit(1);
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "mpgs-sandbox listening on {}", sandbox.url());
    match sandbox.tls() {
        Some(t) => {
            let _ = writeln!(out, "mpgs-sandbox tls-dir {}", t.dir.display());
        }
        None => {
            let _ = writeln!(out, "mpgs-sandbox plain-http (no TLS files)");
        }
    }
    let _ = out.flush();
    drop(out);
    if let Some(path) = ready_file {
        if let Err(e) = write_ready_file(&path, &sandbox) {
            eprintln!("mpgs-sandbox: cannot write the ready file {}: {e}", path.display());
            std::process::exit(1);
        }
    }
    loop {
        std::thread::park();
    }
}
