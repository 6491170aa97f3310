//! `libmpgs`: the C ABI of the `mpgs` client. A thin adapter: every rule lives in the core crate;
//! this crate converts C values and calls it. The header `include/mpgs.h` is generated from this
//! crate by cbindgen (`make header`); its preamble (in `cbindgen.toml`) states the ownership and
//! threading contract.
//!
//! Every export's body runs inside [`boundary::ffi_export!`], which catches panics and, with the
//! `arg_*` helpers, turns NULL pointers and invalid UTF-8 into `MPGS_STATUS_INVALID_ARGUMENT`.
#![allow(non_camel_case_types)]
// C callers cannot see `unsafe`; every pointer is checked by `boundary::arg_*` before use.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod boundary;
mod client;
mod error;
mod observe;
mod request;
mod response;
mod text;

use std::ffi::c_char;

use boundary::ffi_export;

// Every export, for Rust callers of the rlib (the fuzz targets).
pub use client::*;
pub use error::*;
pub use observe::*;
pub use request::*;
pub use response::*;

/// Hooks for the fuzz targets (not part of the C ABI): response handles from any decoded answer,
/// so that every accessor can be called on gateway data the network would never carry.
#[doc(hidden)]
pub mod fuzzing {
    use crate::{mpgs_session, mpgs_token};

    /// A session handle over `s`; release it with `mpgs_session_free`.
    pub fn session_handle(s: mpgs_core::Session) -> *mut mpgs_session {
        Box::into_raw(Box::new(mpgs_session::new(s)))
    }

    /// A token handle over `t`; release it with `mpgs_token_free`.
    pub fn token_handle(t: mpgs_core::Token) -> *mut mpgs_token {
        Box::into_raw(Box::new(mpgs_token::new(t)))
    }
}

// The header's threading contract, checked by the compiler: a client may be shared by threads;
// every other handle may be moved to another thread.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    const fn movable<T: Send>() {}
    shared::<mpgs_client>();
    movable::<mpgs_config>();
    movable::<mpgs_request>();
    movable::<mpgs_session>();
    movable::<mpgs_token>();
    movable::<mpgs_delete_result>();
    movable::<mpgs_gateway_info>();
    movable::<mpgs_error>();
};

/// What a call returned. The numbers are stable: never renumbered, new ones only appended.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mpgs_status {
    /// Success.
    Ok = 0,
    /// A NULL pointer where a value is required, a string that is not UTF-8, or an index out of
    /// range. The message names the argument. Nothing was sent.
    InvalidArgument = 1,
    /// A bad setting (no credentials, an unknown region, an `http://` URL to a remote host, a
    /// file that cannot be read). Nothing was sent.
    Config = 2,
    /// The request breaks the gateway's field rules; every problem is in the field error list.
    /// Nothing was sent.
    Validation = 3,
    /// The gateway answered with an error (other than 401).
    Gateway = 4,
    /// The gateway refused the credentials or certificate (HTTP 401).
    Authentication = 5,
    /// The answer was not the gateway's JSON, was too large, or was a redirect.
    Decode = 6,
    /// Could not connect (refused, unreachable, name not found, the proxy refused the tunnel).
    /// Retried, but for a proxy's 4xx refusal, which is final; not processed.
    Connect = 7,
    /// The TLS handshake failed (untrusted certificate, wrong host name, client certificate refused).
    Tls = 8,
    /// The call ran past its timeout; see `mpgs_error_outcome_unknown`.
    Timeout = 9,
    /// The connection failed while the request or answer was under way; see
    /// `mpgs_error_outcome_unknown`.
    Io = 10,
    /// The field asked for is not in the answer (or, from `mpgs_client_certificate_not_after`,
    /// the client has no client certificate).
    NotFound = 11,
    /// A bug in libmpgs (a Rust panic, caught at the boundary). Please report it.
    Internal = 12,
}

/// Every status with its name, in number order: the one list `from_number` and
/// `mpgs_status_name` read.
const STATUSES: [(mpgs_status, &std::ffi::CStr); 13] = [
    (mpgs_status::Ok, c"MPGS_STATUS_OK"),
    (mpgs_status::InvalidArgument, c"MPGS_STATUS_INVALID_ARGUMENT"),
    (mpgs_status::Config, c"MPGS_STATUS_CONFIG"),
    (mpgs_status::Validation, c"MPGS_STATUS_VALIDATION"),
    (mpgs_status::Gateway, c"MPGS_STATUS_GATEWAY"),
    (mpgs_status::Authentication, c"MPGS_STATUS_AUTHENTICATION"),
    (mpgs_status::Decode, c"MPGS_STATUS_DECODE"),
    (mpgs_status::Connect, c"MPGS_STATUS_CONNECT"),
    (mpgs_status::Tls, c"MPGS_STATUS_TLS"),
    (mpgs_status::Timeout, c"MPGS_STATUS_TIMEOUT"),
    (mpgs_status::Io, c"MPGS_STATUS_IO"),
    (mpgs_status::NotFound, c"MPGS_STATUS_NOT_FOUND"),
    (mpgs_status::Internal, c"MPGS_STATUS_INTERNAL"),
];

impl mpgs_status {
    /// The status with this number, if this version defines it.
    pub fn from_number(n: u32) -> Option<Self> {
        STATUSES.iter().map(|(s, _)| *s).find(|s| *s as u32 == n)
    }
}

/// Where a call failed.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mpgs_stage {
    /// Not known (an internal error).
    Unknown = 0,
    /// Nothing left the machine (bad argument, configuration or validation).
    NotSent = 1,
    /// The gateway answered (gateway, authentication and decode errors).
    Answered = 2,
    /// No answer came (connect, TLS, timeout and I/O errors).
    Unanswered = 3,
}

/// The operations: those with a request body (1-3) for `mpgs_request_new` and `mpgs_validate`,
/// and every operation in a call event (`mpgs_call_event`). The numbers are stable: never
/// renumbered, new ones only appended.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mpgs_operation {
    /// Create Session (API version 58 by default).
    CreateSession = 1,
    /// Create or Update Token (API version 38 by default).
    CreateToken = 2,
    /// Update Session (API version 58 by default): the fields the library knows are checked,
    /// any other field a session may hold passes.
    UpdateSession = 3,
    /// Retrieve Session, in a call event (`mpgs_call_event`); not for `mpgs_request_new`.
    RetrieveSession = 4,
    /// Retrieve Token, in a call event; not for `mpgs_request_new`.
    RetrieveToken = 5,
    /// Delete Token, in a call event; not for `mpgs_request_new`.
    DeleteToken = 6,
    /// Check Gateway, in a call event; not for `mpgs_request_new`.
    CheckGateway = 7,
}

impl mpgs_operation {
    /// The core's operation for a number a C program passed (`None` when it names none).
    pub(crate) fn from_number(n: u32) -> Option<mpgs_core::Operation> {
        match n {
            1 => Some(mpgs_core::Operation::CreateSession),
            2 => Some(mpgs_core::Operation::CreateToken),
            3 => Some(mpgs_core::Operation::UpdateSession),
            _ => None,
        }
    }
}

/// How strictly a client checks requests before sending them (`mpgs_config_set_validation_level`).
/// The numbers are stable: never renumbered, new ones only appended.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mpgs_validation_level {
    /// The default: the documented field tables in full at the documented API versions (Create
    /// Session 58, Create or Update Token 38), `MPGS_VALIDATION_LEVEL_KNOWN_FIELDS` at any other.
    Auto = 0,
    /// The documented field tables in full, at any version: a field they do not know is
    /// UNSUPPORTED, lengths, characters and enumeration values are checked.
    Strict = 1,
    /// Only what cannot have changed in a way that matters, at any version: a field the tables do
    /// not know passes unchecked, as does any value of an enumeration; known fields keep their
    /// JSON types (string, number, group); `sourceOfFunds.type` stays compulsory.
    KnownFields = 2,
    /// No client-side field checks (the body must still be a JSON object).
    Off = 3,
}

impl mpgs_validation_level {
    /// The core's level for a number a C program passed (`None` when it names none).
    pub(crate) fn from_number(n: u32) -> Option<mpgs_core::ValidationLevel> {
        use mpgs_core::ValidationLevel as L;
        match n {
            0 => Some(L::Auto),
            1 => Some(L::Strict),
            2 => Some(L::KnownFields),
            3 => Some(L::Off),
            _ => None,
        }
    }
}

/// Which roots a client trusts for the gateway's certificate (`mpgs_config_set_trust`). The CA
/// files given with `mpgs_config_add_ca_file` are trusted with every choice. Verification is never
/// turned off. The numbers are stable: never renumbered, new ones only appended.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mpgs_trust {
    /// The default: the Mozilla roots bundled in the library, plus the CA files.
    Mozilla = 0,
    /// The operating system's store (`SSL_CERT_FILE` / `SSL_CERT_DIR` when set, otherwise the
    /// usual bundle such as `/etc/ssl/certs/ca-certificates.crt`), read by `mpgs_client_new`,
    /// plus the CA files.
    System = 1,
    /// Only the CA files given (pinning); `mpgs_client_new` refuses it with `MPGS_STATUS_CONFIG`
    /// when none was given.
    CaFilesOnly = 2,
}

impl mpgs_trust {
    /// The core's choice for a number a C program passed (`None` when it names none).
    pub(crate) fn from_number(n: u32) -> Option<mpgs_core::Trust> {
        mpgs_core::Trust::ALL.get(usize::try_from(n).ok()?).copied()
    }
}

/// Major version of this header; equals `mpgs_version()`'s first number.
pub const MPGS_VERSION_MAJOR: u32 = 0;
/// Minor version of this header.
pub const MPGS_VERSION_MINOR: u32 = 1;
/// Patch version of this header.
pub const MPGS_VERSION_PATCH: u32 = 0;

static VERSION: &[u8] = concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes();

/// The library's version, `"MAJOR.MINOR.PATCH"`. Static: never free it.
#[no_mangle]
pub extern "C" fn mpgs_version() -> *const c_char {
    ffi_export!(returns VERSION.as_ptr().cast(), { VERSION.as_ptr().cast() })
}

/// The name of a status (`"MPGS_STATUS_VALIDATION"`), for logs; `"MPGS_STATUS_UNKNOWN"` for a
/// number this version does not define. Static: never free it. (Takes the number, not the enum,
/// so that any value a C program passes is defined behaviour.)
#[no_mangle]
pub extern "C" fn mpgs_status_name(status: u32) -> *const c_char {
    ffi_export!(returns c"MPGS_STATUS_UNKNOWN".as_ptr(), {
        STATUSES.iter().find(|(s, _)| *s as u32 == status).map_or(c"MPGS_STATUS_UNKNOWN", |(_, name)| name).as_ptr()
    })
}

/// Releases a string this library returned as owned (`char *`), zeroing every byte of it first.
/// The library keeps the string's size beside it, so this is safe whatever the caller wrote into
/// the string's bytes (a NUL in the middle included), as long as nothing was written past its
/// terminating NUL. Only strings from this library, each once. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpgs_string_free(string: *mut c_char) {
    ffi_export!(returns(), { text::free_owned(string) })
}

#[cfg(test)]
mod tests;
