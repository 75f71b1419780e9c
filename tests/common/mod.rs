//! Shared helpers for tests that read the real corpus in `../shared/corpus/tota`.
#![allow(dead_code)]

use std::path::PathBuf;

/// The corpus folder, or `None` (with a visible message) when `../shared` is absent.
pub fn corpus_dir(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/tota");
    if dir.join("texts").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED {test}: corpus not found at {} (it is present in CI)",
            dir.display()
        );
        None
    }
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
