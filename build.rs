//! Links the `treaty` binary as a position-dependent executable on Linux with glibc: the
//! loader then applies no relocations to it at start (3 536 of them before, a copy-on-write
//! page fault for each page they touch): 30–40 µs of every run, about 3 % of a diff of two
//! 67 KB drafts. Only the binary: the library and tests link as usual.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
