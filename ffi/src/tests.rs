//! Tests of the boundary itself; the C API is tested from C in `tests/c/`.

use std::ffi::{c_char, CStr};
use std::ptr::null_mut;

use crate::boundary::{arg_str, ffi_export};
use crate::error::*;
use crate::*;

/// An export shaped like every other, whose body panics: what a bug in the core would do.
extern "C" fn panics_inside(input: *const c_char, err: *mut *mut mpgs_error) -> mpgs_status {
    ffi_export!(fallible err, {
        let input = arg_str(input, "input")?;
        panic!("core bug while handling {} bytes", input.len());
    })
}

extern "C" fn accessor_panics() -> u32 {
    ffi_export!(returns 7, { panic!("accessor bug") })
}

fn message(e: *const mpgs_error) -> String {
    // SAFETY: the message of a live error is a NUL-terminated string.
    unsafe { CStr::from_ptr(mpgs_error_message(e)) }.to_string_lossy().into_owned()
}

#[test]
fn a_panic_inside_an_export_comes_back_as_an_internal_error() {
    let mut err = null_mut();
    let status = panics_inside(c"abc".as_ptr(), &mut err);
    assert_eq!(status, mpgs_status::Internal);
    assert!(!err.is_null());
    assert_eq!(mpgs_error_status(err), mpgs_status::Internal);
    assert_eq!(mpgs_error_stage(err), mpgs_stage::Unknown);
    assert!(mpgs_error_outcome_unknown(err), "a panic may strike after sending: outcome unknown");
    assert!(message(err).contains("core bug while handling 3 bytes"), "{}", message(err));
    mpgs_error_free(err);
    // Without an error pointer, the status alone.
    assert_eq!(panics_inside(c"abc".as_ptr(), null_mut()), mpgs_status::Internal);
}

#[test]
fn a_panic_inside_an_accessor_returns_its_default() {
    assert_eq!(accessor_panics(), 7);
}

#[test]
fn a_null_argument_is_named_before_the_body_runs() {
    let mut err = null_mut();
    assert_eq!(panics_inside(std::ptr::null(), &mut err), mpgs_status::InvalidArgument);
    assert_eq!(message(err), "`input` is NULL");
    mpgs_error_free(err);
}

#[test]
fn status_numbers_never_change() {
    let pinned = [
        (mpgs_status::Ok, 0),
        (mpgs_status::InvalidArgument, 1),
        (mpgs_status::Config, 2),
        (mpgs_status::Validation, 3),
        (mpgs_status::Gateway, 4),
        (mpgs_status::Authentication, 5),
        (mpgs_status::Decode, 6),
        (mpgs_status::Connect, 7),
        (mpgs_status::Tls, 8),
        (mpgs_status::Timeout, 9),
        (mpgs_status::Io, 10),
        (mpgs_status::NotFound, 11),
        (mpgs_status::Internal, 12),
    ];
    for (status, number) in pinned {
        assert_eq!(status as u32, number, "{status:?}");
        assert_eq!(mpgs_status::from_number(number), Some(status));
    }
    assert_eq!(mpgs_status::from_number(13), None);
    assert_eq!((mpgs_stage::Unknown as u32, mpgs_stage::NotSent as u32), (0, 1));
    assert_eq!((mpgs_stage::Answered as u32, mpgs_stage::Unanswered as u32), (2, 3));
}

#[test]
fn version_macros_match_cargo_toml() {
    assert_eq!(MPGS_VERSION_MAJOR.to_string(), env!("CARGO_PKG_VERSION_MAJOR"));
    assert_eq!(MPGS_VERSION_MINOR.to_string(), env!("CARGO_PKG_VERSION_MINOR"));
    assert_eq!(MPGS_VERSION_PATCH.to_string(), env!("CARGO_PKG_VERSION_PATCH"));
    // SAFETY: mpgs_version returns a static NUL-terminated string.
    let v = unsafe { CStr::from_ptr(mpgs_version()) };
    assert_eq!(v.to_str(), Ok(env!("CARGO_PKG_VERSION")));
}

/// Every `extern "C" fn` in this crate runs its body through `ffi_export!` (the header is
/// generated from the plain signatures, so the macro wraps bodies, not whole functions).
#[test]
fn every_export_goes_through_the_boundary_macro() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut files = vec![];
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(p) = stack.pop() {
        for entry in std::fs::read_dir(&p).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut exports = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("extern \"C\" fn ") {
            let after = &rest[at..];
            let body_start = after.find('{').expect("a function body");
            let body = after[body_start + 1..].trim_start();
            let name: String = after["extern \"C\" fn ".len()..].chars().take_while(|c| *c != '(').collect();
            let body = body.strip_prefix("let no_err = std::ptr::null_mut();").map_or(body, str::trim_start);
            assert!(
                body.starts_with("ffi_export!("),
                "{}: `{name}` does not run its body in ffi_export!",
                file.display()
            );
            exports += 1;
            rest = &after[body_start..];
        }
    }
    assert!(exports > 80, "found only {exports} exports");
}

#[test]
fn strings_with_nul_inside_reach_c_whole() {
    let t = crate::text::CText::new("a\0b");
    // SAFETY: CText is NUL-terminated.
    assert_eq!(unsafe { CStr::from_ptr(t.as_ptr()) }.to_str(), Ok("a\u{FFFD}b"));
    let owned = crate::text::owned("x\0y");
    // SAFETY: `owned` returns a NUL-terminated string.
    assert_eq!(unsafe { CStr::from_ptr(owned) }.to_str(), Ok("x\u{FFFD}y"));
    mpgs_string_free(owned);
}

#[test]
fn an_owned_string_is_freed_and_wiped_whole_whatever_the_caller_wrote_into_it() {
    let p = crate::text::owned("secret-123456");
    // SAFETY: `p` points to 13 text bytes and a NUL; the caller may write into them.
    unsafe {
        *p.add(3) = 0;
        *p.add(12) = b'x' as c_char;
    }
    // SAFETY: `p` came from `owned` and is taken back once.
    let whole = unsafe { crate::text::take_owned(p) };
    let text = &whole[std::mem::size_of::<usize>()..];
    assert_eq!(text, b"sec\0et-12345x\0", "the whole allocation comes back, past the caller's NUL");
    // What mpgs_string_free does with it.
    let mut whole = whole;
    zeroize::Zeroize::zeroize(&mut whole);
    assert!(whole.iter().all(|b| *b == 0));
    // And through the export itself (ASan and valgrind watch this one from C as well).
    let p = crate::text::owned("abc\0def");
    // SAFETY: as above.
    unsafe { *p.add(1) = 0 };
    mpgs_string_free(p);
}

#[test]
fn a_borrowed_c_string_is_wiped_in_place() {
    // What a response handle holds for `mpgs_session_aes256_key` and `mpgs_*_json`.
    let mut t = crate::text::CText::new("q1Zx/9+AbCdEfGhIjKlMnOpQrStUvWxYz0123456789=");
    let p = t.as_ptr().cast::<u8>();
    t.wipe();
    // SAFETY: `t` still owns its buffer (45 bytes, written by the wipe).
    let bytes = unsafe { std::slice::from_raw_parts(p, 45) };
    assert!(bytes.iter().all(|b| *b == 0), "{bytes:?}");
}

#[test]
fn the_static_names_of_a_call_event_match_the_cores() {
    for op in mpgs_core::Operation::ALL {
        let (name, method) = crate::observe::names_for_test(op);
        assert_eq!(name.to_str().unwrap(), op.name());
        assert_eq!(method.to_str().unwrap(), op.method());
    }
}
