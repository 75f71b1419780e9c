//! Layouts of real published treaties, on fixtures the team wrote: compact numbering,
//! one-sentence articles, dash captions and chapters whose captions follow a blank line.
//! The trees themselves are snapshots (`tests/fixtures.rs`); here the citations.

use assert_cmd::Command;

fn show(file: &str, citation: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(["show", "--format", "json", file, citation])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn node(file: &str, citation: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(&show(file, citation)).unwrap();
    v[0].clone()
}

#[test]
fn compact_numbering_is_split_and_cited_exactly() {
    let f = "fixtures/edge/compact-numbering.txt";
    let p = node(f, "1(2)");
    assert_eq!(p["node"]["label"], "2.");
    assert!(
        p["text"].as_str().unwrap().starts_with("2.To develop"),
        "{p}"
    );
    let p = node(f, "2(1)");
    assert_eq!(p["node"]["label"], "(1).");
    let item = node(f, "2(2)(a)");
    assert_eq!(item["node"]["label"], "(a)");
    assert!(
        item["text"]
            .as_str()
            .unwrap()
            .starts_with("(a)in the month of May")
    );
}

#[test]
fn a_one_sentence_article_keeps_its_sentence_as_text() {
    let f = "fixtures/edge/one-sentence-articles.txt";
    let a = node(f, "2");
    assert_eq!(a["node"]["heading"], serde_json::Value::Null);
    assert!(
        a["text"]
            .as_str()
            .unwrap()
            .contains("Reservations are not permitted.")
    );
    assert_eq!(node(f, "3")["node"]["heading"], "Depositary");
    assert_eq!(node(f, "4")["node"]["heading"], serde_json::Value::Null);
}

#[test]
fn dash_captions_and_chapter_captions_after_a_blank_line() {
    let f = "fixtures/edge/chapters-dash-captions.txt";
    assert_eq!(node(f, "1")["node"]["heading"], "- Establishment");
    let ch = node(f, "chapter:II");
    assert_eq!(ch["node"]["heading"], "— THE COMMISSION");
    assert_eq!(
        node(f, "chapter:I")["node"]["heading"],
        "GENERAL PROVISIONS"
    );
}

#[test]
fn german_art_headings_and_notes_of_amending_laws() {
    let f = "fixtures/edge/german-art-layout.txt";
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(["check", f])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    // "Art. 2 G v. 11.7.2012 I 1478" is a note, not a heading: no duplicate "2".
    assert!(out.contains("3 articles, 0 warnings"), "{out}");
    assert_eq!(node(f, "2")["node"]["heading"], "Freie Fahrt");
    assert_eq!(node(f, "2")["node"]["label"], "Art 2");
}

#[test]
fn paragraph_sign_headings_in_a_law_like_text() {
    let f = "fixtures/edge/paragraph-sign.txt";
    assert_eq!(node(f, "2")["node"]["heading"], "Aufgaben");
    assert_eq!(node(f, "§ 1")["node"]["label"], "§ 1");
}

#[test]
fn citations_may_name_the_article_word() {
    let f = "fixtures/security-draft.v1.txt";
    for (with_word, bare) in [
        ("Article 2(2)(b)", "2(2)(b)"),
        ("art. 7", "7"),
        ("Art 7(2)", "7(2)"),
        ("Article 3", "3"),
    ] {
        let (a, b) = (node(f, with_word), node(f, bare));
        assert_eq!(
            (&a["node"], &a["text"]),
            (&b["node"], &b["text"]),
            "{with_word}"
        );
    }
}

#[test]
fn check_notes_article_headings_kept_as_text_after_the_final_clauses() {
    let text = "TREATY ON EXAMPLES\n\nArticle 1\n\n1. The Parties agree on examples.\n\nArticle 2\n\n1. This Treaty enters into force on signature.\n\nIN WITNESS WHEREOF the undersigned have signed this Treaty.\n\nPROTOCOL ON LISTS\n\nArticle 1\n\n1. The lists are annexed.\n";
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(["check", "--strict", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "a note is no warning: {stdout}");
    assert!(
        stdout.contains("-:15:1: note[kept-as-text]: 1 article heading after the final clauses"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 articles, 0 warnings, 1 note"),
        "{stdout}"
    );
}
