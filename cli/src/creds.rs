//! A [`mpgs::ClientBuilder`] from the flags, the environment, a password file or a prompt.
//! The password never comes from argv: a `--password` flag is refused with what to do instead.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use mpgs::{ClientBuilder, SecretString};
use zeroize::Zeroizing;

use crate::Conn;

/// The settings; `Err` is a usage or configuration message (exit 2).
pub fn builder(c: &Conn) -> Result<ClientBuilder, String> {
    if c.password.is_some() {
        return Err("--password is refused: a password on the command line can be read by other users of \
                    this machine (ps, /proc). Use MPGS_PASSWORD, --password-file FILE or the prompt."
            .into());
    }
    let Some(merchant) = c.merchant_id.as_deref().filter(|m| !m.is_empty()) else {
        return Err("no merchant id: give --merchant-id or set MPGS_MERCHANT_ID".into());
    };
    let mut b = mpgs::Client::builder(merchant).binding("cli").proxy_from_env(true);
    match (&c.cert_file, &c.key_file) {
        (Some(cert), Some(key)) => {
            if c.password_file.is_some() {
                return Err("give either a client certificate or a password file, not both".into());
            }
            b = b.certificate_files(cert, key);
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err("certificate authentication needs both --cert-file (MPGS_CERT_FILE) and --key-file (MPGS_KEY_FILE)".into())
        }
        (None, None) => b = b.password(password(c, merchant)?),
    }
    b = match (&c.base_url, &c.region) {
        (Some(_), Some(_)) => {
            return Err("give either a base URL or a region, not both (--base-url / MPGS_BASE_URL, \
                        --region / MPGS_REGION): one of them may come from the environment"
                .into())
        }
        (Some(url), None) => b.base_url(url.as_str()),
        (None, Some(region)) => b.region(region.as_str()),
        (None, None) => {
            return Err("no gateway: give --base-url or --region (MPGS_BASE_URL, MPGS_REGION)".into())
        }
    };
    if let Some(ca) = &c.ca_file {
        b = b.add_ca_file(ca);
    }
    if let Some(t) = &c.trust {
        b = b.trust(mpgs::Trust::from_setting(t).map_err(|e| e.to_string())?);
    }
    if let Some(p) = &c.proxy {
        b = b.proxy(p.as_str());
    }
    let secs = |name: &str, v: f64| {
        Duration::try_from_secs_f64(v).map_err(|_| format!("--{name}: not a number of seconds: {v}"))
    };
    Ok(b.connect_timeout(secs("connect-timeout", c.connect_timeout)?).timeout(secs("timeout", c.timeout)?))
}

/// The password: `--password-file`, else `MPGS_PASSWORD`, else a prompt on the terminal.
fn password(c: &Conn, merchant: &str) -> Result<SecretString, String> {
    if let Some(path) = &c.password_file {
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the password file {}: {e}", path.display()))?,
        );
        let line = text.lines().next().unwrap_or_default();
        if line.is_empty() {
            return Err(format!("the password file {} is empty", path.display()));
        }
        return Ok(SecretString::new(line.to_owned()));
    }
    if let Some(p) = std::env::var_os("MPGS_PASSWORD") {
        let p = Zeroizing::new(p.into_string().map_err(|_| "MPGS_PASSWORD is not UTF-8".to_owned())?);
        if !p.is_empty() {
            return Ok(SecretString::new(p.as_str()));
        }
    }
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        return prompt(&format!("API password for merchant {merchant}: "));
    }
    Err("no API password: set MPGS_PASSWORD, give --password-file FILE, or run on a terminal to be asked \
         (or use a client certificate: --cert-file and --key-file)"
        .into())
}

/// Reads a line from the terminal with echo off.
fn prompt(question: &str) -> Result<SecretString, String> {
    let mut err = std::io::stderr();
    let _ = write!(err, "{question}");
    let _ = err.flush();
    let fd = libc::STDIN_FILENO;
    // SAFETY: termios is plain data; tcgetattr fills it or fails.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    let echo_off = unsafe { libc::tcgetattr(fd, &mut saved) } == 0 && {
        let mut quiet = saved;
        quiet.c_lflag &= !libc::ECHO;
        quiet.c_lflag |= libc::ECHONL;
        // SAFETY: a valid termios for a valid descriptor.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) == 0 }
    };
    let mut line = Zeroizing::new(String::new());
    let read = std::io::stdin().lock().read_line(&mut line);
    if echo_off {
        // SAFETY: restores the settings read above.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    }
    read.map_err(|e| format!("cannot read the password: {e}"))?;
    let p = line.trim_end_matches(['\r', '\n']);
    if p.is_empty() {
        return Err("no password given".into());
    }
    Ok(SecretString::new(p.to_owned()))
}
