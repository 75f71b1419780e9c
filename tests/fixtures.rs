//! Snapshot tests: the debug tree and outline of every fixture, plus the lossless invariant.

use treaty_analyser::render::outline;
use treaty_analyser::{input, parse, tree};

fn fixture_files() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for dir in ["fixtures", "fixtures/edge"] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fixture_trees() {
    for p in fixture_files() {
        let bytes = std::fs::read(&p).unwrap();
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        let enc = (name == "windows-1251").then_some("windows-1251");
        let text = input::decode(&bytes, &p.display().to_string(), enc).unwrap();
        let parsed = parse(&text);
        tree::validate(&parsed.document.root, &text).unwrap();
        assert_eq!(tree::leaf_text(&parsed.document.root, &text), text);
        let diags: Vec<String> = parsed
            .diagnostics
            .iter()
            .map(|d| format!("{}:{} {} {}", d.line, d.column, d.code, d.message))
            .collect();
        insta::assert_snapshot!(
            format!("tree_{name}"),
            format!(
                "{}\n--- outline\n{}--- diagnostics\n{}",
                outline::debug_tree(&parsed.document.root),
                outline::outline(&parsed.document.root),
                diags.join("\n")
            )
        );
    }
}
