//! `mpgs`: the Mastercard Payment Gateway from the command line, on the `mpgs` crate. Every rule
//! and check is the core's; this crate reads arguments, calls the core and prints.

mod calls;
mod check;
mod creds;
mod out;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

const CREDENTIALS_HELP: &str = "\
Credentials and settings (a flag wins over its own variable; a password and a client certificate,
or a base URL and a region, are refused together wherever each comes from):
  --merchant-id        MPGS_MERCHANT_ID   the merchant (TEST prefix for the test gateway)
  --password-file F    MPGS_PASSWORD      the API password; without either, a prompt on a
                                          terminal. Never a flag: argv is readable by others.
  --cert-file F        MPGS_CERT_FILE     client certificate chain (PEM), with its key:
  --key-file F         MPGS_KEY_FILE      certificate authentication instead of the password
  --base-url URL       MPGS_BASE_URL      the gateway, or a region preset:
  --region R           MPGS_REGION        na, eu, ap, in, cn, ksa, mtf
  --ca-file F          MPGS_CA_FILE       an extra CA to trust (PEM)
  --trust T            MPGS_TRUST         mozilla (default), system, ca-files-only
  --proxy URL          MPGS_PROXY         an HTTP CONNECT proxy (else HTTPS_PROXY, ALL_PROXY,
                                          NO_PROXY);
                                          proxy credentials belong in the environment";

const MAIN_HELP: &str = "\
Examples:
  MPGS_MERCHANT_ID=TESTMYSHOP MPGS_REGION=mtf mpgs check          (asks for the API password)
  mpgs validate body.json --operation token
  mpgs session create --password-file ~/.mpgs-password --region mtf --merchant-id TESTMYSHOP
  echo '{\"sourceOfFunds\": {...}}' | mpgs token create -

Output: human lines on a terminal (colour unless NO_COLOR is set), the same without colour when
piped; `--json` where offered. Answers are printed with card numbers masked 6.4 and security
codes, PINs, account numbers and keys as ***; `--verbatim` prints them as the gateway sent them.

Run `mpgs <command> --help` for each command's options, examples and exit codes.";

const CHECK_HELP: &str = "\
Each step prints a line with ✓, ⚠ or ✗ and, on a failure, what to do. The steps: configuration;
name resolution (of the proxy when one is set); TCP (through the proxy); TLS (protocol, the
server's certificate and its expiry); the client certificate (subject, expiry, days left: a
warning under 30 days); Check Gateway's status; and one harmless authenticated call, Create
Session (an unused session expires and costs nothing).

Exit codes:
  0  every step passed
  1  every step passed, with a warning (a certificate expires within 30 days)
  2  usage or configuration error (missing credentials, unreadable file, bad setting)
  3  the host name does not resolve
  4  unreachable: connection refused or timed out, or the proxy refused the tunnel
  5  TLS failed: the server's certificate is not trusted or not for this host
  6  the client certificate was refused, or is expired
  7  wrong password (HTTP 401)
  8  wrong merchant for these credentials (TEST/live mix-up: \"not authorised ... for target entity\")
  9  the gateway is not operating, or answered with another error

Examples:
  mpgs check --merchant-id TESTMYSHOP --region mtf --password-file pw.txt
  MPGS_CERT_FILE=till.pem MPGS_KEY_FILE=till.key mpgs check --json";

const VALIDATE_HELP: &str = "\
Offline: nothing is sent. Each problem is a line in the gateway's vocabulary:
  INVALID sourceOfFunds.provided.card.expiry.month: must be a number from 1 to 12 written in digits, got \"13\" (v38)

Exit codes: 0 valid, 1 refused (every problem printed), 2 usage error or unreadable file.

Examples:
  mpgs validate token.json --operation token
  build-body | mpgs validate - --operation session --json
  mpgs validate body.json --operation token --api-version 61 --validation-level strict";

const CALL_HELP: &str = "\
The body is JSON from a file, or from stdin with `-`. The answer is printed on stdout as JSON,
secrets masked (card numbers 6.4; security code, PIN, account numbers, keys as ***) unless
--verbatim. An error prints its stage (not_sent, answered, unanswered) and outcome_unknown on
stderr (and as JSON on stdout with --json).

Exit codes:
  0  success
  1  refused before sending (the body breaks the gateway's rules)
  2  usage or configuration error
  3  the gateway answered with an error (401 included)
  4  no answer, and the request cannot have reached the gateway
  5  no answer, and the gateway may have acted on it (outcome_unknown): check before repeating";

#[derive(Parser)]
#[command(name = "mpgs", version, about = "The Mastercard Payment Gateway (MPGS) from the command line",
    long_about = None, after_help = MAIN_HELP, after_long_help = format!("{MAIN_HELP}\n\n{CREDENTIALS_HELP}"))]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check everything between this machine and a working call
    #[command(after_help = format!("{CHECK_HELP}\n\n{CREDENTIALS_HELP}"))]
    Check {
        #[command(flatten)]
        conn: Conn,
        /// One JSON object on stdout (for monitoring)
        #[arg(long)]
        json: bool,
    },
    /// Check a request body offline against the gateway's rules
    #[command(after_help = VALIDATE_HELP)]
    Validate {
        /// The body: a JSON file, or `-` (the default) for stdin
        #[arg(value_name = "FILE|-", default_value = "-")]
        file: String,
        /// Which request the body is for
        #[arg(long, value_enum)]
        operation: BodyOperation,
        /// API version (default: the operation's documented one)
        #[arg(long, value_name = "N")]
        api_version: Option<u32>,
        /// auto, strict, known-fields or off
        #[arg(long, value_name = "LEVEL", default_value = "auto")]
        validation_level: String,
        /// One JSON object on stdout (for CI)
        #[arg(long)]
        json: bool,
    },
    /// Create, retrieve or update a session
    #[command(subcommand)]
    Session(SessionCommand),
    /// Create, retrieve or delete a token
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Clone, Copy, ValueEnum)]
enum BodyOperation {
    /// Create Session
    Session,
    /// Create or Update Token
    Token,
    /// Update Session
    UpdateSession,
}

impl BodyOperation {
    fn operation(self) -> mpgs::Operation {
        match self {
            Self::Session => mpgs::Operation::CreateSession,
            Self::Token => mpgs::Operation::CreateToken,
            Self::UpdateSession => mpgs::Operation::UpdateSession,
        }
    }
}

#[derive(Subcommand)]
enum SessionCommand {
    /// Create Session (an empty body unless one is given)
    #[command(after_help = format!("{CALL_HELP}\n\nExamples:\n  mpgs session create\n  mpgs session create limits.json\n\n{CREDENTIALS_HELP}"))]
    Create {
        /// The body: a JSON file, or `-` for stdin (default: an empty body)
        #[arg(value_name = "FILE|-")]
        file: Option<String>,
        #[command(flatten)]
        call: CallOptions,
    },
    /// Retrieve Session
    #[command(after_help = format!("{CALL_HELP}\n\nExample:\n  mpgs session retrieve SESSION0002776555072J3711171L67\n\n{CREDENTIALS_HELP}"))]
    Retrieve {
        /// The session id
        id: String,
        #[command(flatten)]
        call: CallOptions,
    },
    /// Update Session
    #[command(after_help = format!("{CALL_HELP}\n\nExample:\n  mpgs session update SESSION0002776555072J3711171L67 card.json\n\n{CREDENTIALS_HELP}"))]
    Update {
        /// The session id
        id: String,
        /// The body: a JSON file, or `-` for stdin
        #[arg(value_name = "FILE|-")]
        file: String,
        #[command(flatten)]
        call: CallOptions,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create or Update Token
    #[command(after_help = format!("{CALL_HELP}\n\nExamples:\n  mpgs token create card.json\n  mpgs token create - < card.json\n\n{CREDENTIALS_HELP}"))]
    Create {
        /// The body: a JSON file, or `-` for stdin
        #[arg(value_name = "FILE|-")]
        file: String,
        #[command(flatten)]
        call: CallOptions,
    },
    /// Retrieve Token
    #[command(after_help = format!("{CALL_HELP}\n\nExample:\n  mpgs token retrieve 9875469586452587\n\n{CREDENTIALS_HELP}"))]
    Retrieve {
        /// The token
        token: String,
        #[command(flatten)]
        call: CallOptions,
    },
    /// Delete Token
    #[command(after_help = format!("{CALL_HELP}\n\nExample:\n  mpgs token delete 9875469586452587\n\n{CREDENTIALS_HELP}"))]
    Delete {
        /// The token
        token: String,
        #[command(flatten)]
        call: CallOptions,
    },
}

/// Options of the calls.
#[derive(Args)]
struct CallOptions {
    #[command(flatten)]
    conn: Conn,
    /// Print the answer exactly as the gateway sent it (secrets in clear)
    #[arg(long)]
    verbatim: bool,
    /// API version of the call (default: the operation's documented one)
    #[arg(long, value_name = "N")]
    api_version: Option<u32>,
    /// Client-side checks: auto, strict, known-fields or off
    #[arg(long, value_name = "LEVEL")]
    validation_level: Option<String>,
    /// An error also as one JSON object on stdout
    #[arg(long)]
    json: bool,
}

/// Where the gateway is and how to authenticate.
#[derive(Args)]
struct Conn {
    /// The merchant id
    #[arg(long, env = "MPGS_MERCHANT_ID", value_name = "ID")]
    merchant_id: Option<String>,
    /// Read the API password from FILE (its first line)
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// Refused: use MPGS_PASSWORD, --password-file or the prompt
    #[arg(long, hide = true, value_name = "PASSWORD")]
    password: Option<String>,
    /// Client certificate chain (PEM), for certificate authentication
    #[arg(long, env = "MPGS_CERT_FILE", value_name = "FILE")]
    cert_file: Option<PathBuf>,
    /// The client certificate's private key (PEM)
    #[arg(long, env = "MPGS_KEY_FILE", value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// The gateway's base URL
    #[arg(long, env = "MPGS_BASE_URL", value_name = "URL", hide_env_values = true)]
    base_url: Option<String>,
    /// A region preset: na, eu, ap, in, cn, ksa, mtf
    #[arg(long, env = "MPGS_REGION", value_name = "REGION")]
    region: Option<String>,
    /// An extra CA certificate to trust (PEM)
    #[arg(long, env = "MPGS_CA_FILE", value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Root store: mozilla (default), system, ca-files-only
    #[arg(long, env = "MPGS_TRUST", value_name = "TRUST")]
    trust: Option<String>,
    /// HTTP CONNECT proxy URL (default: HTTPS_PROXY)
    #[arg(long, env = "MPGS_PROXY", value_name = "URL", hide_env_values = true)]
    proxy: Option<String>,
    /// Seconds to connect
    #[arg(long, value_name = "S", default_value_t = 10.0)]
    connect_timeout: f64,
    /// Seconds for a whole call
    #[arg(long, value_name = "S", default_value_t = 45.0)]
    timeout: f64,
}

fn main() -> ExitCode {
    // A closed pipe (`mpgs token retrieve T | head -1`) ends the program quietly, as it does
    // other Unix tools, instead of a panic in `println!`.
    // SAFETY: setting a signal's disposition to its default, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check { conn, json } => check::run(&conn, json),
        Command::Validate { file, operation, api_version, validation_level, json } => {
            calls::validate(&file, operation.operation(), api_version, &validation_level, json)
        }
        Command::Session(SessionCommand::Create { file, call }) => {
            calls::run(&call, calls::Call::CreateSession(file.as_deref()))
        }
        Command::Session(SessionCommand::Retrieve { id, call }) => {
            calls::run(&call, calls::Call::RetrieveSession(&id))
        }
        Command::Session(SessionCommand::Update { id, file, call }) => {
            calls::run(&call, calls::Call::UpdateSession(&id, &file))
        }
        Command::Token(TokenCommand::Create { file, call }) => {
            calls::run(&call, calls::Call::CreateToken(&file))
        }
        Command::Token(TokenCommand::Retrieve { token, call }) => {
            calls::run(&call, calls::Call::RetrieveToken(&token))
        }
        Command::Token(TokenCommand::Delete { token, call }) => {
            calls::run(&call, calls::Call::DeleteToken(&token))
        }
    };
    ExitCode::from(code)
}
