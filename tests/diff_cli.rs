//! `treaty diff` on the command line: a key to the markers, hidden parts counted as the
//! summary counts them, `--stat` in JSON, and one encoding per side.

use assert_cmd::Command;

const V1: &str = "fixtures/security-draft.v1.txt";
const V2: &str = "fixtures/security-draft.v2.txt";

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_term_report_explains_its_markers() {
    let (_, out) = run(&["diff", "--color", "never", V1, V2]);
    assert_eq!(out.lines().nth(2), Some("key: [-deleted-] {+inserted+}"));
}

#[test]
fn hidden_parts_are_counted_by_class_as_in_the_summary() {
    let (code, out) = run(&["diff", "--color", "never", "--ignore-renumbering", V1, V2]);
    assert_eq!(code, 1);
    let footer = out.lines().find(|l| l.contains("not shown")).unwrap();
    let summary = out.lines().find(|l| l.starts_with("Summary:")).unwrap();
    // Every class named in the footer has at least that count in the summary.
    let inner = footer.split(": ").nth(1).unwrap().trim_end_matches(')');
    for part in inner.split(", ") {
        let (n, class) = part.split_once(' ').unwrap();
        let n: usize = n.parse().unwrap();
        let in_summary: usize = summary
            .split(" · ")
            .find_map(|p| {
                let p = p.trim_start_matches("Summary: ");
                let (m, c) = p.split_once(' ')?;
                (c == class).then(|| m.parse().ok()).flatten()
            })
            .unwrap_or(0);
        assert!(n <= in_summary, "{footer} / {summary}");
    }
    assert!(
        footer.contains("renumbered"),
        "renumber-only parts are hidden as such: {footer}"
    );
}

#[test]
fn stat_honours_the_json_format() {
    let (code, out) = run(&["diff", "--stat", "--format", "json", V1, V2]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["summary"]["differs"], true);
    let parts = v["parts"].as_array().unwrap();
    assert!(!parts.is_empty());
    for p in parts {
        for key in [
            "name",
            "kind",
            "flags",
            "node_kind",
            "similarity",
            "changed_words",
        ] {
            assert!(p.get(key).is_some(), "{p}");
        }
        assert!(p.get("inline").is_none(), "no text in --stat");
    }
}

#[test]
fn each_side_may_have_its_own_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let utf8 = std::fs::read_to_string("fixtures/security-draft.ru.txt").unwrap();
    let (cp1251, _, lossy) = encoding_rs::WINDOWS_1251.encode(&utf8);
    assert!(!lossy);
    let old = dir.path().join("old-1251.txt");
    std::fs::write(&old, &cp1251).unwrap();
    let old = old.to_str().unwrap();
    let new = "fixtures/security-draft.ru.txt";
    let (code, out) = run(&["diff", "--old-encoding", "windows-1251", old, new]);
    assert_eq!(code, 0, "the same text in two encodings: {out}");
    // --encoding for both would misread the UTF-8 side.
    let (code, _) = run(&["diff", "--encoding", "windows-1251", old, new]);
    assert_eq!(code, 1);
    let (code, _) = run(&[
        "diff",
        "--encoding",
        "windows-1251",
        "--new-encoding",
        "utf-8",
        old,
        new,
    ]);
    assert_eq!(code, 0);
}
