//! Snapshot tests of every diff output format on the fixture revision, the JSON contract,
//! exit codes, and property tests of the diff invariants.

use assert_cmd::Command;
use proptest::prelude::*;
use treaty_analyser::diff::{self, ChangeKind, DiffOptions, Op};
use treaty_analyser::parse;

const V1: &str = "fixtures/security-draft.v1.txt";
const V2: &str = "fixtures/security-draft.v2.txt";

fn treaty() -> Command {
    Command::new(env!("CARGO_BIN_EXE_treaty"))
}

fn run(args: &[&str]) -> (i32, String) {
    let out = treaty().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn every_format_snapshot() {
    for (name, args) in [
        ("term", vec!["diff", V1, V2, "--color", "never"]),
        (
            "term_ignore_renumbering",
            vec!["diff", V1, V2, "--color", "never", "--ignore-renumbering"],
        ),
        ("md", vec!["diff", V1, V2, "--format", "md"]),
        ("unified", vec!["diff", V1, V2, "--format", "unified"]),
        ("stat", vec!["diff", V1, V2, "--stat"]),
        ("json", vec!["diff", V1, V2, "--format", "json"]),
        ("html", vec!["diff", V1, V2, "--format", "html"]),
    ] {
        let (code, mut out) = run(&args);
        assert_eq!(code, 1, "{name}: differences exit 1");
        if name == "json" {
            // Piped JSON is compact (one line); the snapshot is indented for review.
            assert_eq!(out.lines().count(), 1, "compact JSON to a pipe");
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            out = serde_json::to_string_pretty(&v).unwrap();
        }
        insta::assert_snapshot!(format!("diff_{name}"), out);
    }
}

#[test]
fn fixture_revision_exercises_every_class() {
    let (_, out) = run(&["diff", V1, V2, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["old"]["path"], V1);
    assert_eq!(v["old"]["sha256"].as_str().unwrap().len(), 64);
    let mut kinds = std::collections::HashSet::new();
    fn go(c: &serde_json::Value, kinds: &mut std::collections::HashSet<String>) {
        for f in c["flags"].as_array().unwrap() {
            kinds.insert(f.as_str().unwrap().to_string());
        }
        kinds.insert(c["kind"].as_str().unwrap().to_string());
        for k in c["children"].as_array().unwrap() {
            go(k, kinds);
        }
    }
    for c in v["changes"].as_array().unwrap() {
        go(c, &mut kinds);
    }
    for k in [
        "unchanged",
        "modified",
        "renumbered",
        "moved",
        "added",
        "removed",
        "split",
    ] {
        assert!(kinds.contains(k), "missing class {k}");
    }
    // Old Article 6 (now 7) changed only its label and its references to old Article 8.
    let c = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["new"]["number"] == "7")
        .unwrap();
    assert_eq!(c["flags"], serde_json::json!(["renumbered"]));
    let consequential = c["inline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["consequential"] == true)
        .count();
    assert_eq!(
        consequential, 8,
        "label, 'Article 5' and two 'Article 8' references, each delete+insert"
    );
}

#[test]
fn identical_files_exit_0() {
    let (code, out) = run(&["diff", V1, V1, "--color", "never"]);
    assert_eq!(code, 0);
    assert!(out.contains("unchanged"));
    treaty().args(["diff", V1, "missing.txt"]).assert().code(2);
}

/// The diff does not depend on the number of threads (nor on their timing): the same pair
/// compared on one thread and on four gives the same JSON.
#[test]
fn one_thread_and_several_give_the_same_diff() {
    let old = std::fs::read_to_string("fixtures/security-draft.v1.txt").unwrap();
    let new = std::fs::read_to_string("fixtures/security-draft.v2.txt").unwrap();
    let (po, pn) = (parse(&old), parse(&new));
    let json_on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let d = pool.install(|| diff::diff(&po.document, &pn.document, &DiffOptions::default()));
        serde_json::to_string(&d).unwrap()
    };
    let one = json_on(1);
    // Versions prepared beforehand (as the command line does) give the same diff.
    let (vo, vn) = (
        diff::Version::new(po.document.clone()),
        diff::Version::new(pn.document.clone()),
    );
    let prepared = diff::diff_versions(&vo, &vn, &DiffOptions::default());
    assert_eq!(serde_json::to_string(&prepared).unwrap(), one);
    assert!(
        one.contains("\"renumbered\""),
        "the fixture pair has changes"
    );
    for threads in [2, 4] {
        assert_eq!(json_on(threads), one, "{threads} threads changed the diff");
    }
    // The command line too, with rayon's thread count set from outside.
    let cli = |threads: &str| {
        treaty()
            .env("RAYON_NUM_THREADS", threads)
            .args(["diff", "--format", "json", V1, V2])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(cli("1"), cli("4"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn diff_with_itself_is_empty(s in "(Article [0-9]\n|[a-z .]{0,30}\n|\n){0,40}") {
        let p = parse(&s);
        let d = diff::diff(&p.document, &p.document, &DiffOptions::default());
        prop_assert!(d.changes.iter().all(|c| c.kind == ChangeKind::Unchanged));
        prop_assert!(!d.summary.differs);
    }

    #[test]
    fn reconstruction_and_symmetry(
        a in "(Article [0-9]\n|[a-z .,]{0,30}\n|\n|\r\n){0,30}",
        b in "(Article [0-9]\n|[a-z .,]{0,30}\n|\n|\r\n){0,30}",
    ) {
        let (pa, pb) = (parse(&a), parse(&b));
        let ab = diff::diff(&pa.document, &pb.document, &DiffOptions::default());
        let ba = diff::diff(&pb.document, &pa.document, &DiffOptions::default());
        prop_assert!(diff::check_reconstruction(&ab, &a, &b).is_ok());
        prop_assert!(diff::check_reconstruction(&ba, &b, &a).is_ok());
        prop_assert_eq!(ab.summary.differs, ba.summary.differs);
    }

    /// Texts of several clauses long enough to anchor the word diff on (see
    /// `diff::text::anchored_ops`), from a small vocabulary so that clauses repeat, move and
    /// differ by a word.
    #[test]
    fn clause_anchored_word_diff_rebuilds_both_texts(
        a in "((the parties shall (not )?(adopt|review) the (first|second) measures( closely)?|2)[.;:]\n?){0,12}",
        b in "((the parties shall (not )?(adopt|review) the (first|second) measures( closely)?|2)[.;:]\n?){0,12}",
    ) {
        let ops = diff::text::diff_words(&a, &b, None).ops;
        prop_assert_eq!(diff::text::old_text(&ops), a.clone());
        prop_assert_eq!(diff::text::new_text(&ops), b.clone());
        let same = diff::text::diff_words(&a, &a, None).ops;
        prop_assert!(same.iter().all(|o| o.op == Op::Equal));
    }

    #[test]
    fn word_diff_rebuilds_any_texts(a in "\\PC{0,80}", b in "\\PC{0,80}") {
        let ops = diff::text::diff_words(&a, &b, None).ops;
        prop_assert_eq!(diff::text::old_text(&ops), a.clone());
        prop_assert_eq!(diff::text::new_text(&ops), b.clone());
        // A minimal diff is symmetric: what diff(a, b) inserts, diff(b, a) deletes.
        let rev = diff::text::diff_words(&b, &a, None).ops;
        let count = |ops: &[diff::InlineOp], op: Op| -> usize {
            ops.iter().filter(|o| o.op == op && !o.layout).map(|o| diff::text::words(&o.text).len()).sum()
        };
        prop_assert_eq!(count(&ops, Op::Insert), count(&rev, Op::Delete));
        prop_assert_eq!(count(&ops, Op::Delete), count(&rev, Op::Insert));
    }
}

/// A draft long enough for the pair diffs to start while the articles are still being
/// aligned: a diff computed that early must still get its consequential renumbering marked
/// (which needs the finished alignment) and its word changes.
#[test]
fn long_drafts_mark_consequential_changes_of_pairs_diffed_early() {
    let article = |n: usize, body: &str| format!("Article {n}\n\nThe Parties shall {body}.\n\n");
    let body = |n: usize| match n {
        3 => "apply the rules of Article 25 to every dispute".to_string(),
        5 => "report each year to the Council".to_string(),
        _ => format!("cooperate in field number {n} of this Treaty"),
    };
    let old: String = (1..=40).map(|n| article(n, &body(n))).collect();
    let mut new = String::new();
    for n in 1..=40 {
        let text = match n {
            3 => "apply the rules of Article 26 to every dispute".to_string(),
            5 => "report every second year to the Council".to_string(),
            _ => body(n),
        };
        new.push_str(&article(if n < 20 { n } else { n + 1 }, &text));
        if n == 19 {
            new.push_str(&article(20, "set up a joint committee on transport"));
        }
    }
    let (po, pn) = (parse(&old), parse(&new));
    let d = diff::diff(&po.document, &pn.document, &DiffOptions::default());
    let find = |number: &str| {
        d.changes
            .iter()
            .find(|c| c.old.as_ref().and_then(|s| s.number.as_deref()) == Some(number))
            .unwrap_or_else(|| panic!("no change for old article {number}"))
    };
    let third = find("3");
    assert_eq!(third.kind, ChangeKind::Unchanged, "{third:?}");
    let marked: Vec<&str> = third
        .inline
        .iter()
        .filter(|o| o.consequential)
        .map(|o| o.text.trim())
        .collect();
    assert_eq!(marked, ["25", "26"]);
    assert_eq!(find("5").kind, ChangeKind::Modified);
    assert_eq!(find("25").kind, ChangeKind::Renumbered);
    assert_eq!(d.summary.counts["added"], 1);
    assert!(diff::check_reconstruction(&d, &old, &new).is_ok());
}

/// An article whose only change is a cross-reference renumbered by the renumbering of its
/// target is `unchanged` and carries ops only to show that reference, marked consequential
/// (the README's JSON contract).
#[test]
fn an_unchanged_article_carries_only_consequential_ops() {
    let old = "Article 1\n\nThe procedure of Article 3 applies to every dispute.\n\n\
               Article 2\n\nThe Parties shall consult each other without delay.\n\n\
               Article 3\n\nA dispute goes to a conciliation commission of five members.\n";
    let new = "Article 1\n\nThe procedure of Article 4 applies to every dispute.\n\n\
               Article 2\n\nEach Party shall appoint a liaison officer within one month.\n\n\
               Article 3\n\nThe Parties shall consult each other without delay.\n\n\
               Article 4\n\nA dispute goes to a conciliation commission of five members.\n";
    let (po, pn) = (parse(old), parse(new));
    let d = diff::diff(&po.document, &pn.document, &DiffOptions::default());
    let first = d
        .changes
        .iter()
        .find(|c| c.old.as_ref().and_then(|s| s.number.as_deref()) == Some("1"))
        .expect("Article 1 is compared");
    assert_eq!(first.kind, ChangeKind::Unchanged, "{first:?}");
    assert!(
        !first.inline.is_empty(),
        "the renumbered reference is shown"
    );
    assert!(
        first
            .inline
            .iter()
            .all(|o| o.op == Op::Equal || o.consequential || o.layout),
        "{:?}",
        first.inline
    );
    assert!(
        first
            .inline
            .iter()
            .any(|o| o.consequential && o.text.contains('3'))
    );
}
