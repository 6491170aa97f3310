//! Strings handed to C: borrowed from a handle ([`CText`]) or owned by the caller
//! ([`owned`], released with `mpgs_string_free`).

use std::ffi::c_char;

use zeroize::Zeroize;

/// A NUL-terminated copy of a string that C borrows as `const char *` for as long as the handle
/// holding it lives. A NUL inside the text becomes U+FFFD so C never sees a cut-short value.
/// Zeroed when dropped: some of these hold secrets (the session's AES key).
pub(crate) struct CText(Vec<u8>);

impl CText {
    pub(crate) fn new(s: &str) -> Self {
        let mut bytes = Vec::with_capacity(s.len() + 1);
        if s.contains('\0') {
            let mut replaced = s.replace('\0', "\u{FFFD}");
            bytes.extend_from_slice(replaced.as_bytes());
            replaced.zeroize();
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

impl CText {
    /// Overwrites every byte in place (what dropping it does).
    pub(crate) fn wipe(&mut self) {
        self.0.zeroize();
    }
}

impl Drop for CText {
    fn drop(&mut self) {
        self.wipe();
    }
}

/// An optional borrowed string: NULL when absent.
pub(crate) fn ptr(t: &Option<CText>) -> *const c_char {
    t.as_ref().map_or(std::ptr::null(), CText::as_ptr)
}

pub(crate) fn opt(s: Option<&str>) -> Option<CText> {
    s.map(CText::new)
}

/// Bytes in front of every owned string: the size of its whole allocation, so that
/// `mpgs_string_free` frees and wipes exactly what was allocated, whatever the caller wrote into
/// the string (a NUL in the middle included).
const HEADER: usize = std::mem::size_of::<usize>();

/// A copy of `s` that the caller owns and releases with `mpgs_string_free`. A NUL inside the text
/// becomes U+FFFD. The allocation is `[size][text][NUL]`; the caller gets a pointer to the text.
pub(crate) fn owned(s: &str) -> *mut c_char {
    let text = if s.contains('\0') { std::borrow::Cow::Owned(s.replace('\0', "\u{FFFD}")) } else { s.into() };
    let size = HEADER + text.len() + 1;
    let mut bytes = Vec::with_capacity(size);
    bytes.extend_from_slice(&size.to_ne_bytes());
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(0);
    if let std::borrow::Cow::Owned(mut t) = text {
        t.zeroize();
    }
    let whole: Box<[u8]> = bytes.into_boxed_slice();
    // SAFETY: the allocation is HEADER + 1 bytes at least; the text starts after the header.
    unsafe { Box::into_raw(whole).cast::<u8>().add(HEADER) }.cast()
}

/// Takes back the whole allocation behind a string from [`owned`], whatever its contents now.
///
/// # Safety
/// `p` came from [`owned`] and is taken back once.
pub(crate) unsafe fn take_owned(p: *mut c_char) -> Box<[u8]> {
    // SAFETY (caller): the allocation starts HEADER bytes before `p` and begins with its size.
    let start = unsafe { p.cast::<u8>().sub(HEADER) };
    let mut size = [0u8; HEADER];
    // SAFETY: the first HEADER bytes of the allocation are its size, written by `owned`.
    unsafe { std::ptr::copy_nonoverlapping(start, size.as_mut_ptr(), HEADER) };
    let size = usize::from_ne_bytes(size);
    // SAFETY: `start` and `size` are exactly the boxed slice `owned` leaked.
    unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(start, size)) }
}

/// Releases a string from [`owned`], zeroing every byte of it first (it may hold a secret).
pub(crate) fn free_owned(p: *mut c_char) {
    if !p.is_null() {
        // SAFETY: `p` came from `owned` and is freed once (the header's contract).
        let mut bytes = unsafe { take_owned(p) };
        bytes.zeroize();
    }
}
