//! The diff's JSON contract on every real near-duplicate pair of `pairs.tsv`: the inline
//! ops rebuild both texts, and an `unchanged` part carries ops only for the consequential
//! renumbering of a cross-reference in it (every op that is not `equal` is then
//! `consequential` or `layout`).

mod common;

use treaty_analyser::diff::{self, Change, ChangeKind, DiffOptions, Op};
use treaty_analyser::parse;

/// The first change (depth first) that breaks the rule for `unchanged` parts.
fn unchanged_with_edits(c: &Change) -> Option<&Change> {
    let edited = c
        .inline
        .iter()
        .any(|o| o.op != Op::Equal && !o.layout && !o.consequential);
    if c.kind == ChangeKind::Unchanged && edited {
        return Some(c);
    }
    c.children.iter().find_map(unchanged_with_edits)
}

#[test]
fn every_real_pair_keeps_the_json_contract() {
    let Some(dir) = common::corpus_dir("every_real_pair_keeps_the_json_contract") else {
        return;
    };
    let tsv = std::fs::read_to_string(dir.join("pairs.tsv")).unwrap();
    let read = |id: &str| std::fs::read_to_string(dir.join("texts").join(format!("{id}.txt")));
    let (mut n_pairs, mut with_consequential) = (0, 0);
    for line in tsv.lines().skip(1) {
        let mut f = line.split('\t');
        let (Some(a), Some(b)) = (f.next(), f.next()) else {
            continue;
        };
        let (old, new) = (read(a).unwrap(), read(b).unwrap());
        let (po, pn) = (parse(&old), parse(&new));
        let d = diff::diff(&po.document, &pn.document, &DiffOptions::default());
        diff::check_reconstruction(&d, &old, &new)
            .unwrap_or_else(|e| panic!("{a}/{b}: reconstruction: {e}"));
        for c in &d.changes {
            if let Some(bad) = unchanged_with_edits(c) {
                panic!("{a}/{b}: an unchanged part carries edits: {bad:?}");
            }
            if c.kind == ChangeKind::Unchanged && !c.inline.is_empty() {
                with_consequential += 1;
            }
        }
        assert_eq!(
            d.summary.differs,
            d.changes.iter().any(|c| c.kind != ChangeKind::Unchanged),
            "{a}/{b}: summary.differs agrees with the changes"
        );
        n_pairs += 1;
    }
    println!(
        "{n_pairs} real pairs: contract kept; {with_consequential} unchanged articles carry consequential ops"
    );
    assert!(n_pairs >= 40, "pairs.tsv lists 40 pairs: {n_pairs}");
}
