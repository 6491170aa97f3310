//! Gives libmpgs.so its SONAME: `libmpgs.so.0.<minor>` while the major version is 0 (minor
//! releases may break the ABI), `libmpgs.so.<major>` after.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
    let soname = if major == "0" { format!("libmpgs.so.0.{minor}") } else { format!("libmpgs.so.{major}") };
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
