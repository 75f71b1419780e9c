//! Shared helpers for tests that read the real corpus in `../shared/corpus/tota`.
#![allow(dead_code)]

use std::path::PathBuf;

/// Says that `test` is skipped and why, where a plain `cargo test` shows it: straight to
/// standard error, which the test harness does not capture (it captures `eprintln!`). In CI
/// (`CI` set) nothing may be skipped: the test fails with the same message instead.
pub fn skip(test: &str, why: &str) {
    let message = format!("SKIPPED {test}: {why}");
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{message} (CI is set: nothing may be skipped)");
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "\n{message}");
}

/// The corpus folder `../shared/corpus/NAME`, or `None` (after [`skip`]) when it is absent.
pub fn shared_corpus(test: &str, name: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(name);
    if dir.is_dir() {
        Some(dir)
    } else {
        skip(
            test,
            &format!(
                "corpus not found at {}; put the shared corpus folder beside this repository (README, \"Tests\")",
                dir.display()
            ),
        );
        None
    }
}

/// The ToTA corpus folder, or `None` (after [`skip`]) when `../shared` is absent.
pub fn corpus_dir(test: &str) -> Option<PathBuf> {
    shared_corpus(test, "tota").filter(|d| d.join("texts").is_dir())
}

/// One corpus treaty: its id, text and gold JSON.
pub struct Treaty {
    pub id: String,
    pub text: String,
    pub gold: serde_json::Value,
}

/// All corpus treaties, sorted by id.
pub fn treaties(dir: &std::path::Path) -> Vec<Treaty> {
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir.join("texts"))
        .expect("corpus texts folder is readable")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    for p in names {
        let id = p.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&p).expect("corpus text is UTF-8");
        let gold_path = dir.join("gold").join(format!("{id}.json"));
        let gold: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(gold_path).expect("gold exists"))
                .expect("gold is JSON");
        out.push(Treaty { id, text, gold });
    }
    out
}
