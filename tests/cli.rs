//! The `treaty` binary: exit codes, one-line errors, and the JSON contract of `parse`.

use assert_cmd::Command;
use predicates::prelude::*;

fn treaty() -> Command {
    Command::new(env!("CARGO_BIN_EXE_treaty"))
}

const V1: &str = "fixtures/security-draft.v1.txt";

/// The JSON that a successful run of `treaty ARGS` prints.
fn json_of(args: &[&str]) -> serde_json::Value {
    let out = treaty()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("the output is JSON")
}

#[test]
fn parse_json_contract() {
    let v = json_of(&["parse", V1]);
    assert_eq!(v["schema_version"], 1);
    let root = &v["root"];
    assert_eq!(root["kind"], "document");
    for key in [
        "kind", "id", "number", "label", "heading", "line", "span", "children",
    ] {
        assert!(root.get(key).is_some(), "root lacks {key}");
    }
    let text = std::fs::read_to_string(V1).unwrap();
    assert_eq!(root["span"], serde_json::json!([0, text.len()]));
    let arts: Vec<&serde_json::Value> = root["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "article")
        .collect();
    assert_eq!(arts.len(), 14);
    assert_eq!(arts[6]["number"], "7");
    assert_eq!(arts[6]["label"], "Article 7");
    assert_eq!(arts[6]["heading"], "Extraordinary Conference");
    assert_eq!(arts[6]["id"], "art_7");
}

#[test]
fn show_citations() {
    treaty()
        .args(["show", V1, "2(2)(b)"])
        .assert()
        .success()
        .stdout("(b) carrying out any other action that significantly affects the security of another Party;\n");
    treaty()
        .args(["show", V1, "7.2"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "2. The Extraordinary Conference",
        ));
    treaty()
        .args(["show", V1, "1-3", "--format", "md"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "### Article 3 — Right to information",
        ));
    let v = json_of(&["show", V1, "preamble", "--format", "json"]);
    assert_eq!(v[0]["citation"], "preamble");
    assert_eq!(v[0]["node"]["kind"], "preamble");
}

#[test]
fn unknown_citation_names_nearest() {
    treaty()
        .args(["show", V1, "15(2)"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no part of the document matches '15(2)'",
        ))
        .stderr(predicate::str::contains("nearest: 14"));
}

#[test]
fn check_reports_positions_and_strict_exit() {
    let f = "fixtures/edge/numbering-anomalies.txt";
    treaty()
        .args(["check", f])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!("{f}:8:1: warning[gap]")))
        .stdout(predicate::str::contains("warning[duplicate]"))
        .stdout(predicate::str::contains("warning[order]"))
        .stdout(predicate::str::contains("warning[empty]"));
    treaty().args(["check", "--strict", f]).assert().code(1);
    treaty().args(["check", "--strict", V1]).assert().code(0);
}

#[test]
fn input_errors_are_one_line_with_exit_2() {
    // Removed when the test ends, pass or fail.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, b"Article 1\n\xff\xfe oops").unwrap();
    let bin = dir.join("bin.txt");
    std::fs::write(&bin, b"Article 1\0\0").unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["parse".into(), "no/such/file.txt".into()],
            "no such file",
        ),
        (
            vec!["parse".into(), dir.display().to_string()],
            "is a directory",
        ),
        (
            vec!["parse".into(), bad.display().to_string()],
            "invalid UTF-8 at byte 10",
        ),
        (vec!["parse".into(), bin.display().to_string()], "binary"),
        (
            vec![
                "parse".into(),
                "--max-bytes".into(),
                "100".into(),
                V1.into(),
            ],
            "larger than the limit of 100 bytes",
        ),
        (
            vec![
                "parse".into(),
                "--encoding".into(),
                "klingon".into(),
                V1.into(),
            ],
            "unknown encoding",
        ),
    ];
    for (args, msg) in cases {
        let out = treaty().args(&args).assert().code(2).get_output().clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(msg), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn legacy_encoding_and_stdin() {
    treaty()
        .args([
            "outline",
            "--encoding",
            "windows-1251",
            "fixtures/edge/windows-1251.txt",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Статья 2"));
    treaty()
        .args(["outline", "-"])
        .write_stdin("Article 1\nScope\n\nText.\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("Article 1      Scope"));
}

#[test]
fn reports_go_to_stdout_or_to_the_output_file() {
    let v2 = "fixtures/security-draft.v2.txt";
    let out = treaty()
        .args(["diff", "--format", "html", V1, v2])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let html = String::from_utf8(out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("r.docx");
    treaty()
        .args(["diff", "--format", "docx", "-o"])
        .arg(&docx)
        .args([V1, v2])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));
    // An output path in a folder that does not exist: one line naming it, exit 2.
    let bad = dir.path().join("no/such/folder/r.html");
    let out = treaty()
        .args(["diff", "--format", "html", "-o"])
        .arg(&bad)
        .args([V1, v2])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("r.html") && err.contains("cannot create"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

/// The JSON of a diff with many changes is exactly the library's diff, serialized.
#[test]
fn long_diff_json_equals_the_library_diff() {
    let dir = tempfile::tempdir().unwrap();
    let article = |k: usize, word: &str| {
        format!("Article {k}\n\nThe Parties shall {word} the measures of the {k}th kind.\n\n")
    };
    let old: String = (1..=150).map(|k| article(k, "adopt")).collect();
    let new: String = (1..=150)
        .map(|k| article(k, if k % 3 == 0 { "review" } else { "adopt" }))
        .collect();
    let (po, pn) = (dir.path().join("old.txt"), dir.path().join("new.txt"));
    std::fs::write(&po, &old).unwrap();
    std::fs::write(&pn, &new).unwrap();
    let out = treaty()
        .args(["diff", "--format", "json"])
        .arg(&po)
        .arg(&pn)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("UTF-8 output");
    let v: serde_json::Value = serde_json::from_str(&text).expect("the output is JSON");
    let d = treaty_analyser::diff::diff(
        &treaty_analyser::parse(&old).document,
        &treaty_analyser::parse(&new).document,
        &treaty_analyser::diff::DiffOptions::default(),
    );
    assert!(d.changes.len() >= 64, "too few changes to split");
    // Byte for byte what one serializer writes.
    let changes = serde_json::to_string(&d.changes).unwrap();
    assert!(text.ends_with(&format!(",\"changes\":{changes}}}\n")));
    assert_eq!(v["summary"]["counts"]["modified"], 50);
    assert_eq!(v["summary"]["counts"]["unchanged"], 100);
}
