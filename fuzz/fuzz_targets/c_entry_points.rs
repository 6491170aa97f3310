//! The C entry points fed arbitrary bytes: NUL-separated pieces become the C strings (possibly
//! not UTF-8) given to the offline functions, the request setters and the error accessors.
#![no_main]

use std::ffi::CString;
use std::ptr::null_mut;

use libfuzzer_sys::fuzz_target;
use mpgs_ffi::*;

fuzz_target!(|data: &[u8]| {
    let pieces: Vec<CString> = data.split(|b| *b == 0).map(|p| CString::new(p).unwrap()).collect();
    let op = u32::from(data.first().copied().unwrap_or(0) % 4);
    for piece in &pieces {
        let mut err = null_mut();
        if mpgs_validate(op, piece.as_ptr(), &mut err) != mpgs_status::Ok {
            read_error(err);
        }
        mpgs_error_free(err);
    }
    let mut req = null_mut();
    let mut err = null_mut();
    if mpgs_request_new(op, &mut req, &mut err) == mpgs_status::Ok {
        for pair in pieces.chunks(2) {
            let value = pair.get(1).unwrap_or(&pair[0]);
            let _ = mpgs_request_set(req, pair[0].as_ptr(), value.as_ptr(), null_mut());
        }
        let mut verr = null_mut();
        if mpgs_request_validate(req, &mut verr) != mpgs_status::Ok {
            read_error(verr);
        }
        mpgs_error_free(verr);
    }
    mpgs_error_free(err);
    mpgs_request_free(req);
    let mut cfg = null_mut();
    if let Some(first) = pieces.first() {
        if mpgs_config_new(first.as_ptr(), &mut cfg, null_mut()) == mpgs_status::Ok {
            for p in &pieces[1..] {
                let _ = mpgs_config_set_base_url(cfg, p.as_ptr(), null_mut());
                let _ = mpgs_config_set_password(cfg, p.as_ptr(), null_mut());
            }
            let mut client = null_mut();
            let mut cerr = null_mut();
            if mpgs_client_new(cfg, &mut client, &mut cerr) != mpgs_status::Ok {
                read_error(cerr);
            }
            mpgs_error_free(cerr);
            mpgs_client_free(client);
        }
    }
    mpgs_config_free(cfg);
});

fn read_error(e: *const mpgs_error) {
    let _ = (mpgs_error_message(e), mpgs_error_field(e), mpgs_error_explanation(e), mpgs_error_status(e));
    for i in 0..=mpgs_error_field_error_count(e) {
        let mut fe = mpgs_field_error {
            field: std::ptr::null(),
            validation_type: std::ptr::null(),
            explanation: std::ptr::null(),
        };
        let _ = mpgs_error_field_error(e, i, &mut fe);
    }
}
