//! `mpgs validate` and the calls: `session create|retrieve|update`, `token create|retrieve|delete`.

use std::io::{IsTerminal, Read};

use mpgs::{Error, FieldError, Operation, Stage, ValidationLevel};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::out::{self, Mark};
use crate::{creds, CallOptions};

/// Exit codes of the calls (see `CALL_HELP`).
const NOT_SENT: u8 = 1;
const USAGE: u8 = 2;
const ANSWERED: u8 = 3;
const UNANSWERED: u8 = 4;
const OUTCOME_UNKNOWN: u8 = 5;

/// One call and its inputs.
pub enum Call<'a> {
    CreateSession(Option<&'a str>),
    RetrieveSession(&'a str),
    UpdateSession(&'a str, &'a str),
    CreateToken(&'a str),
    RetrieveToken(&'a str),
    DeleteToken(&'a str),
}

/// The text of a body: a file, or stdin for `-`. Wiped when dropped (it may hold a card number).
fn read_body(source: &str) -> Result<Zeroizing<String>, String> {
    let mut text = Zeroizing::new(String::new());
    if source == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read the body from stdin: {e}"))?;
    } else {
        std::fs::File::open(source)
            .and_then(|mut f| f.read_to_string(&mut text))
            .map_err(|e| format!("cannot read the body file {source}: {e}"))?;
    }
    Ok(text)
}

fn field_line(e: &FieldError) -> String {
    format!("{} {}: {}", e.validation_type, e.field, e.explanation)
}

fn field_json(e: &FieldError) -> Value {
    json!({"field": e.field, "validationType": e.validation_type.to_string(), "explanation": e.explanation})
}

/// `mpgs validate`: exit 0 valid, 1 refused, 2 usage.
pub fn validate(source: &str, op: Operation, api_version: Option<u32>, level: &str, as_json: bool) -> u8 {
    let level = match ValidationLevel::from_setting(level) {
        Ok(l) => l,
        Err(e) => return usage(&e.to_string()),
    };
    let version = api_version.unwrap_or_else(|| op.default_api_version());
    let text = match read_body(source) {
        Ok(t) => t,
        Err(e) => return usage(&e),
    };
    let result = mpgs::validate::parse_body(&text).and_then(|mut body| {
        let r = mpgs::validate_at(op, version, level, &body);
        mpgs::secret::zeroize_json(&mut body);
        r
    });
    let errors: Vec<FieldError> = match &result {
        Ok(()) => Vec::new(),
        Err(Error::Validation(v)) => v.clone(),
        Err(e) => return usage(&e.to_string()),
    };
    let in_force = level.resolve(op, version);
    if as_json {
        let v = json!({
            "valid": errors.is_empty(),
            "operation": op.name(),
            "apiVersion": version,
            "validationLevel": in_force.as_str(),
            "errors": errors.iter().map(field_json).collect::<Vec<_>>(),
        });
        println!("{}", out::json(&v));
    } else if errors.is_empty() {
        let colour = out::colour_stdout();
        println!("{} VALID {} v{version} ({})", out::mark(Mark::Pass, colour), op.name(), in_force.as_str());
    } else {
        for e in &errors {
            println!("{}", field_line(e));
        }
    }
    if errors.is_empty() {
        0
    } else {
        NOT_SENT
    }
}

fn usage(message: &str) -> u8 {
    eprintln!("mpgs: {message}");
    USAGE
}

/// Runs one call: the answer on stdout as JSON (masked unless `--verbatim`); an error on stderr.
pub fn run(opts: &CallOptions, call: Call<'_>) -> u8 {
    let mut builder = match creds::builder(&opts.conn) {
        Ok(b) => b,
        Err(e) => return usage(&e),
    };
    if let Some(v) = opts.api_version {
        builder = builder.session_api_version(v).token_api_version(v);
    }
    if let Some(l) = &opts.validation_level {
        match ValidationLevel::from_setting(l) {
            Ok(l) => builder = builder.validation_level(l),
            Err(e) => return usage(&e.to_string()),
        }
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => return usage(&e.to_string()),
    };
    let body = |source: &str| -> Result<Value, u8> {
        let text = read_body(source).map_err(|e| usage(&e))?;
        mpgs::validate::parse_body(&text).map_err(|e| report(&e, opts.json))
    };
    let result = match call {
        Call::CreateSession(source) => {
            let b = match source {
                Some(s) => match body(s) {
                    Ok(b) => b,
                    Err(code) => return code,
                },
                None => json!({}),
            };
            client.create_session_json(b).map(|s| s.raw)
        }
        Call::RetrieveSession(id) => client.retrieve_session(id).map(|s| s.raw),
        Call::UpdateSession(id, source) => match body(source) {
            Ok(b) => client.update_session_json(id, b).map(|s| s.raw),
            Err(code) => return code,
        },
        Call::CreateToken(source) => match body(source) {
            Ok(b) => client.create_token_json(b).map(|t| t.raw),
            Err(code) => return code,
        },
        Call::RetrieveToken(token) => client.retrieve_token(token).map(|t| t.raw),
        Call::DeleteToken(token) => client.delete_token(token).map(|d| d.raw),
    };
    match result {
        Ok(raw) => {
            if opts.verbatim {
                if std::io::stdout().is_terminal() {
                    eprintln!(
                        "mpgs: warning: --verbatim prints the answer as the gateway sent it: card numbers, \
                         security codes and keys in clear, on this terminal"
                    );
                }
                println!("{}", out::json(raw.verbatim()));
            } else {
                println!("{}", out::json(&raw.to_value()));
            }
            0
        }
        Err(e) => report(&e, opts.json),
    }
}

fn stage_name(s: Stage) -> &'static str {
    match s {
        Stage::NotSent => "not_sent",
        Stage::Answered => "answered",
        Stage::Unanswered => "unanswered",
    }
}

fn kind_name(e: &Error) -> String {
    format!("{:?}", e.kind()).to_lowercase()
}

/// Prints an error (stderr; and stdout as JSON with `--json`); its exit code.
fn report(e: &Error, as_json: bool) -> u8 {
    let colour =
        std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty());
    eprintln!("{} mpgs: {e}", out::mark(Mark::Fail, colour));
    for f in e.field_errors() {
        eprintln!("  {}", field_line(f));
    }
    eprintln!(
        "  stage: {}, kind: {}, outcome_unknown: {}",
        stage_name(e.stage()),
        kind_name(e),
        e.outcome_unknown()
    );
    if e.outcome_unknown() {
        eprintln!("  the gateway may have acted on the request: check before sending it again");
    }
    if as_json {
        let mut v = json!({
            "stage": stage_name(e.stage()),
            "kind": kind_name(e),
            "outcome_unknown": e.outcome_unknown(),
            "message": e.to_string(),
            "http_status": e.http_status(),
            "attempts": e.attempts(),
            "field_errors": e.field_errors().iter().map(field_json).collect::<Vec<_>>(),
        });
        if let Error::Gateway(g) = e {
            v["answer"] = g.raw.clone();
        }
        println!("{}", out::json(&json!({ "error": v })));
    }
    match e.stage() {
        Stage::NotSent if e.kind() == mpgs::ErrorKind::Config => USAGE,
        Stage::NotSent => NOT_SENT,
        _ if e.outcome_unknown() => OUTCOME_UNKNOWN,
        Stage::Answered => ANSWERED,
        Stage::Unanswered => UNANSWERED,
    }
}
