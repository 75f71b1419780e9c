//! Nothing hidden: edits outside article bodies (a division's caption, its number, a
//! sentence under its heading, a word of the title, the preamble or the final clauses) made
//! to real treaties of `../shared/corpus/tota` are each reported by a change that is not
//! `unchanged` and whose spans cover the edited bytes on both sides, and the summary says
//! the versions differ.

mod common;

use treaty_analyser::diff::{self, Change, ChangeKind, DiffOptions};
use treaty_analyser::{Node, NodeKind, parse};

/// An edit: replace `old[range]` by `text`.
struct Edit {
    what: &'static str,
    range: std::ops::Range<usize>,
    text: String,
}

/// The byte range of the first word of `src[from..to]` that is made of letters.
fn first_word(src: &str, from: usize, to: usize) -> Option<std::ops::Range<usize>> {
    let s = &src[from..to];
    let mut start = None;
    for (k, c) in s.char_indices() {
        match (start, c.is_alphabetic()) {
            (None, true) => start = Some(k),
            (Some(b), false) => return Some(from + b..from + k),
            _ => {}
        }
    }
    start.map(|b| from + b..to)
}

/// Edits of one treaty: at most one of each kind.
fn edits(src: &str, root: &Node) -> Vec<Edit> {
    let mut out = Vec::new();
    let word_in = |n: &Node, skip: usize, what: &'static str| {
        first_word(src, (n.span.start + skip).min(n.span.end), n.span.end).map(|range| Edit {
            what,
            range,
            text: "Zzyzx".into(),
        })
    };
    for (kind, what) in [
        (NodeKind::Title, "title word"),
        (NodeKind::Preamble, "preamble word"),
        (NodeKind::Conclusion, "final clauses word"),
    ] {
        if let Some(n) = root.children.iter().find(|c| c.kind == kind) {
            out.extend(word_in(n, 0, what));
        }
    }
    let divisions: Vec<&Node> = root.walk().filter(|n| n.kind.is_division()).collect();
    if let Some(d) = divisions.get(divisions.len() / 2) {
        let head = &d.children[0];
        let label = d.label.as_deref().unwrap_or("");
        if let Some(e) = word_in(head, label.len(), "division caption word") {
            if d.heading.is_some() {
                out.push(e);
            }
        }
        if let Some(n) = d.number.as_deref() {
            let text = head.text(src);
            if let Some(at) = text.find(label).and_then(|l| {
                text[l..l + label.len()]
                    .rfind(n.trim_start_matches('0'))
                    .map(|k| l + k)
            }) {
                let start = head.span.start + at;
                out.push(Edit {
                    what: "division number",
                    range: start..start + n.trim_start_matches('0').len(),
                    text: "99".into(),
                });
            }
        }
        // A sentence under the heading, before the division's first article.
        let at = head.span.end;
        out.push(Edit {
            what: "sentence under a division heading",
            range: at..at,
            text: "This sentence was inserted under the heading.\n\n".into(),
        });
    }
    out
}

/// True when some change (at any depth) that is not `unchanged` covers `r` on one side
/// (`old` true: the old side). Each side is checked on its own: an edit that changes the
/// structure (a final-clause phrase no longer recognised) is covered by one change on the
/// old side and another on the new.
fn covered(c: &Change, r: &std::ops::Range<usize>, old: bool) -> bool {
    let side = if old { &c.old } else { &c.new };
    let inside = side
        .as_ref()
        .is_some_and(|s| s.span.start <= r.start && r.end <= s.span.end);
    (c.kind != ChangeKind::Unchanged && inside) || c.children.iter().any(|k| covered(k, r, old))
}

#[test]
fn edits_outside_articles_are_never_hidden() {
    let Some(dir) = common::corpus_dir("edits_outside_articles_are_never_hidden") else {
        return;
    };
    let (mut n_edits, mut hidden) = (0usize, Vec::new());
    let mut by_kind: std::collections::BTreeMap<&str, usize> = Default::default();
    for t in common::treaties(&dir).iter().step_by(3) {
        let p = parse(&t.text);
        for e in edits(&t.text, &p.document.root) {
            let new = format!(
                "{}{}{}",
                &t.text[..e.range.start],
                e.text,
                &t.text[e.range.end..]
            );
            let q = parse(&new);
            let d = diff::diff(&p.document, &q.document, &DiffOptions::default());
            let new_range = e.range.start..e.range.start + e.text.len();
            n_edits += 1;
            *by_kind.entry(e.what).or_default() += 1;
            let side_ok = |r: &std::ops::Range<usize>, old: bool| {
                r.is_empty() || d.changes.iter().any(|c| covered(c, r, old))
            };
            let ok = d.summary.differs && side_ok(&e.range, true) && side_ok(&new_range, false);
            if !ok {
                hidden.push(format!(
                    "{} {}: {:?}",
                    t.id,
                    e.what,
                    &t.text[e.range.clone()]
                ));
            }
        }
    }
    println!(
        "nothing hidden: {n_edits} edits ({by_kind:?}), {} hidden",
        hidden.len()
    );
    for h in hidden.iter().take(20) {
        println!("HIDDEN {h}");
    }
    assert!(n_edits > 300, "enough edits were made: {n_edits}");
    assert!(hidden.is_empty(), "{} edits hidden", hidden.len());
}

/// Words (runs of letters and digits) and single other characters, white space left out:
/// texts that differ only in white space have the same tokens.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut word: Option<usize> = None;
    for (k, c) in s.char_indices() {
        if c.is_alphanumeric() {
            word.get_or_insert(k);
            continue;
        }
        if let Some(w) = word.take() {
            out.push(&s[w..k]);
        }
        if !c.is_whitespace() {
            out.push(&s[k..k + c.len_utf8()]);
        }
    }
    if let Some(w) = word {
        out.push(&s[w..]);
    }
    out
}

/// Why a diff of `a` and `b` could hide a difference, if it could: a non-blank byte of
/// either text outside every top-level change, or a part reported `unchanged` whose two
/// texts differ beyond white space and consequential renumbering. Together these two
/// checks mean that every difference lies in a reported change, whatever alignment of the
/// two texts one prefers.
fn hiding(d: &diff::DocDiff, a: &str, b: &str) -> Option<String> {
    for (src, old) in [(a, true), (b, false)] {
        let mut spans: Vec<(usize, usize)> = d
            .changes
            .iter()
            .filter_map(|c| if old { c.old.as_ref() } else { c.new.as_ref() })
            .map(|s| (s.span.start, s.span.end))
            .collect();
        spans.sort_unstable();
        let mut at = 0;
        for (s, e) in spans.into_iter().chain([(src.len(), src.len())]) {
            if s > at && !src[at..s].trim().is_empty() {
                return Some(format!("uncompared text {:?}", &src[at..s]));
            }
            at = at.max(e);
        }
    }
    for c in d.changes.iter().filter(|c| c.kind == ChangeKind::Unchanged) {
        let (Some(o), Some(n)) = (&c.old, &c.new) else {
            continue;
        };
        let same = if c.inline.is_empty() {
            tokens(o.span.slice(a)) == tokens(n.span.slice(b))
        } else {
            c.inline
                .iter()
                .all(|x| x.op == diff::Op::Equal || x.layout || x.consequential)
        };
        if !same {
            return Some(format!(
                "{:?} {:?} reported unchanged but differs",
                c.node_kind, o.label
            ));
        }
    }
    None
}

/// The same check on real successive published versions (`../shared/corpus/realworld/pairs`):
/// nothing that differs between two versions is outside a reported change, and `differs`
/// says whether the texts differ beyond white space.
#[test]
fn real_revisions_hide_nothing() {
    let Some(dir) = common::shared_corpus("real_revisions_hide_nothing", "realworld") else {
        return;
    };
    let (mut n_pairs, mut hidden, mut wrong_differs) = (0usize, Vec::new(), Vec::new());
    for pair in common::version_pairs(&dir) {
        let (p, a, b) = (&pair.dir, &pair.old, &pair.new);
        let (pa, pb) = (parse(a), parse(b));
        let d = diff::diff(&pa.document, &pb.document, &DiffOptions::default());
        n_pairs += 1;
        if let Some(why) = hiding(&d, a, b) {
            hidden.push(format!("{}: {why}", p.display()));
        }
        if d.summary.differs != (tokens(a) != tokens(b)) {
            wrong_differs.push(p.display().to_string());
        }
    }
    println!(
        "real revisions: {n_pairs} pairs, {} with something hidden, {} with a wrong 'differs'",
        hidden.len(),
        wrong_differs.len()
    );
    for h in hidden.iter().take(10) {
        println!("HIDDEN {h}");
    }
    assert!(n_pairs >= 170, "the pairs are there: {n_pairs}");
    assert!(hidden.is_empty(), "{} pairs hide something", hidden.len());
    assert!(
        wrong_differs.is_empty(),
        "differs is wrong on {wrong_differs:?}"
    );
}
