//! On a terminal (a pseudo-terminal from util-linux `script`): colour unless NO_COLOR, and a
//! warning before `--verbatim` prints secrets. Skipped where `script` is missing.

mod common;

use std::process::Command;

use common::*;

/// Runs `mpgs args` on a pseudo-terminal with `env`; what the terminal showed.
fn on_terminal(args: &str, env: &[(&'static str, String)]) -> Option<String> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("no `script`: skipped");
        return None;
    }
    let cmd = format!("{} {args} < /dev/null", env!("CARGO_BIN_EXE_mpgs"));
    let out = Command::new("script")
        .args(["-qefc", &cmd, "/dev/null"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TERM", "xterm")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn colour_on_a_terminal_unless_no_color_is_set() {
    let s = sandbox();
    let env = env_for(&s);
    let Some(shown) = on_terminal("check", &env) else { return };
    assert!(shown.contains("\x1b[32m✓\x1b[0m"), "{shown}");
    let mut env = env;
    env.push(("NO_COLOR", "1".into()));
    let shown = on_terminal("check", &env).unwrap();
    assert!(shown.contains("✓ ") && !shown.contains('\x1b'), "{shown}");
}

#[test]
fn verbatim_on_a_terminal_warns_first() {
    let s = sandbox();
    let env = env_for(&s);
    let Some(shown) = on_terminal("session create --verbatim", &env) else { return };
    assert!(shown.contains("warning: --verbatim prints the answer as the gateway sent it"), "{shown}");
    let shown = on_terminal("session create", &env).unwrap();
    assert!(!shown.contains("warning") && shown.contains("\"aes256Key\": \"***\""), "{shown}");
}
