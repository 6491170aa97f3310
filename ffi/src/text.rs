//! Strings handed to C: borrowed from a handle ([`CText`]) or owned by the caller
//! ([`owned`], released with `mpgs_string_free`).

use std::ffi::{c_char, CString};

use zeroize::Zeroize;

/// A NUL-terminated copy of a string that C borrows as `const char *` for as long as the handle
/// holding it lives. A NUL inside the text becomes U+FFFD so C never sees a cut-short value.
/// Zeroed when dropped: some of these hold secrets (the session's AES key).
pub(crate) struct CText(Vec<u8>);

impl CText {
    pub(crate) fn new(s: &str) -> Self {
        let mut bytes = Vec::with_capacity(s.len() + 1);
        if s.contains('\0') {
            bytes.extend_from_slice(s.replace('\0', "\u{FFFD}").as_bytes());
        } else {
            bytes.extend_from_slice(s.as_bytes());
        }
        bytes.push(0);
        Self(bytes)
    }

    pub(crate) fn as_ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }
}

impl Drop for CText {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// An optional borrowed string: NULL when absent.
pub(crate) fn ptr(t: &Option<CText>) -> *const c_char {
    t.as_ref().map_or(std::ptr::null(), CText::as_ptr)
}

pub(crate) fn opt(s: Option<&str>) -> Option<CText> {
    s.map(CText::new)
}

/// A copy of `s` that the caller owns and releases with `mpgs_string_free`.
pub(crate) fn owned(s: &str) -> *mut c_char {
    let mut bytes = s.as_bytes().to_vec();
    if bytes.contains(&0) {
        bytes.zeroize();
        bytes = s.replace('\0', "\u{FFFD}").into_bytes();
    }
    CString::new(bytes).map_or(std::ptr::null_mut(), CString::into_raw)
}

/// Releases a string from [`owned`], zeroing it first (it may hold a secret).
pub(crate) fn free_owned(p: *mut c_char) {
    if !p.is_null() {
        // SAFETY: `p` came from `owned` (CString::into_raw) and is freed once.
        let mut bytes = unsafe { CString::from_raw(p) }.into_bytes();
        bytes.zeroize();
    }
}
