//! What the CLI's tests share: an in-process sandbox (real TLS on 127.0.0.1) and the built `mpgs`
//! binary run with a clean environment.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mpgs_sandbox::{Config, Sandbox};

/// A Mastercard test card that passes Luhn and the sandbox's BIN table.
pub const CARD: &str = "5123450000000008";
pub const CSC: &str = "731";
pub const PASSWORD: &str = "sandbox-password";

pub fn sandbox_with(f: impl FnOnce(&mut Config)) -> Sandbox {
    let mut c = Config { cert_merchants: vec!["CERTMERCHANT".into()], ..Config::default() };
    f(&mut c);
    Sandbox::start(c).expect("sandbox starts")
}

pub fn sandbox() -> Sandbox {
    sandbox_with(|_| {})
}

/// What a run printed and its exit code.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// `mpgs args…` with only `env` set (no proxy or MPGS_* variable of the caller leaks in).
pub fn mpgs(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mpgs"));
    cmd.args(args).env_clear().envs(env.iter().copied());
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("mpgs runs");
    if let Some(text) = stdin {
        // A run that fails before reading its stdin closes it: a broken pipe here is no error.
        let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The default merchant's environment against `s`.
pub fn env_for(s: &Sandbox) -> Vec<(&'static str, String)> {
    vec![
        ("MPGS_MERCHANT_ID", "TESTMERCHANT".into()),
        ("MPGS_PASSWORD", PASSWORD.into()),
        ("MPGS_BASE_URL", s.url().into()),
        ("MPGS_CA_FILE", s.tls().unwrap().ca_path().display().to_string()),
    ]
}

pub fn borrow<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A fresh directory under the temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "mpgs-cli-{tag}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// A self-signed client certificate and key that no sandbox knows.
pub fn stranger_certificate(dir: &Path) -> (String, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(rcgen::DnType::CommonName, "stranger");
    let cert = p.self_signed(&key).unwrap();
    (write(dir, "stranger.pem", &cert.pem()), write(dir, "stranger.key", &key.serialize_pem()))
}
