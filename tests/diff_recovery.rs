//! Recovery of known edits on real treaties: for every treaty of the corpus with enough
//! articles, a new version is built by deleting, inserting, moving and merging articles,
//! editing words and captions, splitting a paragraph, renumbering the articles and
//! updating cross-references (deterministic seed per treaty). The diff must map old
//! articles to the right new ones, find the added and removed ones, and keep the
//! reconstruction invariant. Prints the figures; fails below the thresholds.

mod common;

use std::collections::HashMap;
use treaty_analyser::diff::{self, ChangeKind, DiffOptions, xref};
use treaty_analyser::{Node, NodeKind, parse};

/// A small deterministic generator (xorshift64*), seeded per treaty.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seed(id: &str) -> u64 {
    id.bytes().fold(0x9E37_79B9_7F4A_7C15u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01B3)
    }) | 1
}

#[derive(Clone)]
struct Piece {
    origin: Option<usize>,
    text: String,
}

const WORDS: [&str; 12] = [
    "cooperation",
    "measures",
    "review",
    "commission",
    "procedures",
    "notification",
    "territory",
    "obligations",
    "committee",
    "consultations",
    "provisions",
    "exchange",
];

/// The edited version: its text, its pieces, the deleted old articles, and the merged
/// ones as (old merged away, old it joined).
type Edited = (String, Vec<Piece>, Vec<usize>, Vec<(usize, usize)>);

/// Builds the edited version.
fn edit(text: &str, arts: &[&Node], rng: &mut Rng) -> Edited {
    let mut pieces: Vec<Piece> = arts
        .iter()
        .enumerate()
        .map(|(i, a)| Piece {
            origin: Some(i),
            text: a.text(text).to_string(),
        })
        .collect();
    let n = pieces.len();
    let mut deleted = Vec::new();
    let mut merged = Vec::new(); // (old merged away, old it joined)
    // Word edits, a caption change and a paragraph split on a few articles.
    for _ in 0..3 {
        let k = rng.below(n);
        let p = &mut pieces[k];
        let head_end = p.text.find('\n').unwrap_or(0);
        let mut body: Vec<String> = p.text[head_end..].split(' ').map(str::to_string).collect();
        if body.len() > 6 {
            for _ in 0..3 {
                let w = 1 + rng.below(body.len() - 2);
                if body[w].chars().all(char::is_alphabetic) && !body[w].is_empty() {
                    body[w] = WORDS[rng.below(WORDS.len())].to_string();
                }
            }
        }
        p.text = format!("{}{}", &p.text[..head_end], body.join(" "));
    }
    {
        let k = rng.below(n);
        if let Some(cap) = arts[k].heading.as_deref() {
            if let Some(pos) = pieces[k].text.find(cap) {
                pieces[k].text.insert_str(pos + cap.len(), " and Review");
            }
        }
        let k = rng.below(n);
        if let Some(pos) = pieces[k].text.find(". ") {
            if pos > pieces[k].text.find('\n').unwrap_or(0) {
                pieces[k].text.replace_range(pos..pos + 2, ".\n\n");
            }
        }
    }
    // Merge two neighbours: the second loses its heading line(s).
    if n > 10 {
        let k = 1 + rng.below(n - 3);
        let second = pieces.remove(k + 1);
        let a = arts[k + 1];
        let head_len = a
            .children
            .first()
            .filter(|h| h.kind == NodeKind::Heading)
            .map_or(0, |h| h.span.len());
        let body = &second.text[head_len.min(second.text.len())..];
        if body.trim().is_empty() {
            pieces.insert(k + 1, second);
        } else {
            pieces[k].text.push_str(body);
            merged.push((k + 1, k));
        }
    }
    // Delete one or two articles.
    for _ in 0..1 + rng.below(2) {
        let k = 1 + rng.below(pieces.len() - 1);
        if let Some(o) = pieces[k].origin {
            if merged.iter().any(|&(_, into)| into == o) {
                continue;
            }
            deleted.push(o);
        }
        pieces.remove(k);
    }
    // Move one article at least three places away.
    {
        let from = rng.below(pieces.len());
        let p = pieces.remove(from);
        let mut to = rng.below(pieces.len() + 1);
        if to.abs_diff(from) < 3 {
            to = (from + pieces.len() / 2) % (pieces.len() + 1);
        }
        pieces.insert(to, p);
    }
    // Insert a new article of our own words, in the document's heading style.
    let keyword = arts[0]
        .label
        .as_deref()
        .unwrap_or("Article")
        .split_whitespace()
        .next()
        .unwrap_or("Article")
        .to_string();
    let at = rng.below(pieces.len() + 1);
    let body: Vec<&str> = (0..40).map(|_| WORDS[rng.below(WORDS.len())]).collect();
    pieces.insert(
        at,
        Piece {
            origin: None,
            text: format!(
                "{keyword} 9999\nInserted provision\n\n1. The Parties shall ensure {}.\n\n",
                body.join(" ")
            ),
        },
    );

    // Renumber when the old numbering is plain 1, 2, 3 …, updating cross-references.
    let nums: Vec<Option<u32>> = arts
        .iter()
        .map(|a| a.number.as_deref().and_then(|n| n.parse().ok()))
        .collect();
    let simple = nums
        .iter()
        .enumerate()
        .all(|(i, n)| *n == Some(nums[0].unwrap_or(1) + i as u32));
    if simple {
        let first = nums[0].unwrap_or(1);
        let mut map: HashMap<String, String> = HashMap::new();
        for (k, p) in pieces.iter().enumerate() {
            if let Some(o) = p.origin {
                map.insert(
                    nums[o].unwrap_or(0).to_string(),
                    (first + k as u32).to_string(),
                );
            }
        }
        for &(gone, into) in &merged {
            if let Some(k) = pieces.iter().position(|p| p.origin == Some(into)) {
                map.insert(
                    nums[gone].unwrap_or(0).to_string(),
                    (first + k as u32).to_string(),
                );
            }
        }
        for (k, p) in pieces.iter_mut().enumerate() {
            if p.origin.is_none() {
                p.text = p.text.replacen("9999", &(first + k as u32).to_string(), 1);
                continue;
            }
            let refs = xref::references(&p.text);
            let mut out = String::with_capacity(p.text.len());
            let mut last = 0;
            for r in refs {
                if let Some(new) = map.get(&r.number) {
                    out.push_str(&p.text[last..r.start]);
                    out.push_str(new);
                    last = r.start + r.number.len();
                }
            }
            out.push_str(&p.text[last..]);
            p.text = out;
        }
    }
    let prefix = &text[..arts[0].span.start];
    let suffix = &text[arts[arts.len() - 1].span.end..];
    let mut new = String::from(prefix);
    for p in &pieces {
        new.push_str(&p.text);
        if !new.ends_with("\n\n") {
            new.push_str(if new.ends_with('\n') { "\n" } else { "\n\n" });
        }
    }
    new.push_str(suffix);
    (new, pieces, deleted, merged)
}

#[test]
fn recovers_known_edits_on_real_treaties() {
    let Some(dir) = common::corpus_dir("recovers_known_edits_on_real_treaties") else {
        return;
    };
    let (mut map_ok, mut map_total) = (0usize, 0usize);
    let (mut add_tp, mut add_fp, mut add_fn) = (0usize, 0usize, 0usize);
    let (mut rem_tp, mut rem_fp, mut rem_fn) = (0usize, 0usize, 0usize);
    let (mut pairs, mut invariant_ok) = (0usize, 0usize);
    for t in common::treaties(&dir) {
        let old_p = parse(&t.text);
        let oa = old_p.document.root.articles();
        if oa.len() < 12 {
            continue;
        }
        let mut rng = Rng(seed(&t.id));
        let (new_text, pieces, deleted, merged) = edit(&t.text, &oa, &mut rng);
        let new_p = parse(&new_text);
        let na = new_p.document.root.articles();
        // Truth: which new article (by the order of pieces) each old article went to.
        let new_start: HashMap<usize, usize> = na
            .iter()
            .enumerate()
            .map(|(j, a)| (a.span.start, j))
            .collect();
        let old_start: HashMap<usize, usize> = oa
            .iter()
            .enumerate()
            .map(|(i, a)| (a.span.start, i))
            .collect();
        let mut offset = t.text[..oa[0].span.start].len();
        let mut truth: HashMap<usize, usize> = HashMap::new();
        let mut inserted = Vec::new();
        for p in &pieces {
            let j = new_start.get(&offset).copied();
            match (p.origin, j) {
                (Some(o), Some(j)) => {
                    truth.insert(o, j);
                }
                (None, Some(j)) => inserted.push(j),
                _ => {}
            }
            offset += p.text.len();
            if !p.text.ends_with("\n\n") {
                offset += if p.text.ends_with('\n') { 1 } else { 2 };
            }
        }
        for &(gone, into) in &merged {
            if let Some(&j) = truth.get(&into) {
                truth.insert(gone, j);
            }
        }
        let d = diff::diff(&old_p.document, &new_p.document, &DiffOptions::default());
        pairs += 1;
        if diff::check_reconstruction(&d, &t.text, &new_text).is_ok() {
            invariant_ok += 1;
        } else {
            println!("{}: reconstruction invariant broken", t.id);
        }
        let mut pred: HashMap<usize, usize> = HashMap::new();
        let (mut pred_added, mut pred_removed) = (Vec::new(), Vec::new());
        for c in d
            .changes
            .iter()
            .filter(|c| c.node_kind == NodeKind::Article)
        {
            let o = c
                .old
                .as_ref()
                .and_then(|s| old_start.get(&s.span.start).copied());
            let n = c
                .new
                .as_ref()
                .and_then(|s| new_start.get(&s.span.start).copied());
            match (c.kind, o, n) {
                (ChangeKind::Added, _, Some(n)) => pred_added.push(n),
                (ChangeKind::Removed, Some(o), _) => pred_removed.push(o),
                (_, Some(o), Some(n)) => {
                    pred.entry(o).or_insert(n);
                }
                _ => {}
            }
        }
        for (o, j) in &truth {
            map_total += 1;
            if pred.get(o) == Some(j) {
                map_ok += 1;
            } else if std::env::var_os("TREATY_EVAL_VERBOSE").is_some() {
                println!(
                    "{}: old article {o} → truth {j}, predicted {:?}",
                    t.id,
                    pred.get(o)
                );
            }
        }
        for j in &pred_added {
            if inserted.contains(j) {
                add_tp += 1
            } else {
                add_fp += 1;
                if std::env::var_os("TREATY_EVAL_VERBOSE").is_some() {
                    println!("{}: FP added new article {j} {:?}", t.id, na[*j].label);
                }
            }
        }
        add_fn += inserted.iter().filter(|j| !pred_added.contains(j)).count();
        for o in &pred_removed {
            if deleted.contains(o) {
                rem_tp += 1
            } else {
                rem_fp += 1;
                if std::env::var_os("TREATY_EVAL_VERBOSE").is_some() {
                    println!(
                        "{}: FP removed old article {o} {:?} merged={:?}",
                        t.id, oa[*o].label, merged
                    );
                }
            }
        }
        rem_fn += deleted.iter().filter(|o| !pred_removed.contains(o)).count();
    }
    let ratio = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    let mapping = ratio(map_ok, map_total);
    let (ap, ar) = (
        ratio(add_tp, add_tp + add_fp),
        ratio(add_tp, add_tp + add_fn),
    );
    let (rp, rr) = (
        ratio(rem_tp, rem_tp + rem_fp),
        ratio(rem_tp, rem_tp + rem_fn),
    );
    println!(
        "diff recovery: {pairs} pairs; article mapping {mapping:.4} ({map_ok}/{map_total}); added P {ap:.4} R {ar:.4}; removed P {rp:.4} R {rr:.4}; reconstruction {invariant_ok}/{pairs}"
    );
    assert!(pairs > 100, "too few treaties evaluated: {pairs}");
    assert_eq!(
        invariant_ok, pairs,
        "reconstruction invariant must hold for every pair"
    );
    assert!(
        mapping >= 0.98,
        "article mapping accuracy {mapping:.4} < 0.98"
    );
    for (name, v) in [
        ("added precision", ap),
        ("added recall", ar),
        ("removed precision", rp),
        ("removed recall", rr),
    ] {
        assert!(v >= 0.95, "{name} {v:.4} < 0.95");
    }
}
