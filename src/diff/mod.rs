//! Structure-aware comparison of two parsed drafts.
//!
//! Articles are aligned by content (see `align`), classified (unchanged, modified,
//! renumbered, moved, added, removed, split, merged), and compared word by word (see
//! `text`); paragraphs inside matched articles are aligned and compared the same way.
//! Label and cross-reference changes that only follow a renumbering are marked
//! `consequential` (see `xref`). The result is a pure value that renderers display.
//!
//! **Invariant:** for every change with inline ops, the `equal` + `delete` texts rebuild
//! `OLD[old.span]` and the `equal` + `insert` texts rebuild `NEW[new.span]`, byte for byte.

pub mod align;
mod lcs;
pub mod text;
pub mod xref;

use crate::span::Span;
use crate::tree::{Document, Node, NodeKind};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};
pub use text::{InlineOp, Op};

/// How an aligned unit changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Same number, same text (white space aside).
    Unchanged,
    /// Same place, edited text.
    Modified,
    /// Same text under a new number.
    Renumbered,
    /// Out of order relative to the other matches.
    Moved,
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// One old unit's text went into two or more new ones.
    Split,
    /// Two or more old units went into one new one.
    Merged,
}

impl ChangeKind {
    /// Every class, in the order reports list them.
    pub const ALL: [ChangeKind; 8] = [
        ChangeKind::Unchanged,
        ChangeKind::Modified,
        ChangeKind::Renumbered,
        ChangeKind::Moved,
        ChangeKind::Added,
        ChangeKind::Removed,
        ChangeKind::Split,
        ChangeKind::Merged,
    ];

    /// Lower-case name as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Unchanged => "unchanged",
            ChangeKind::Modified => "modified",
            ChangeKind::Renumbered => "renumbered",
            ChangeKind::Moved => "moved",
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Split => "split",
            ChangeKind::Merged => "merged",
        }
    }
}

/// One side of a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    /// Normalized number, if any.
    pub number: Option<String>,
    /// Label as written.
    pub label: Option<String>,
    /// Caption, if any.
    pub heading: Option<String>,
    /// 1-based line.
    pub line: usize,
    /// Byte range in that version's input.
    pub span: Span,
}

impl Side {
    fn of(n: &Node) -> Side {
        Side {
            number: n.number.clone(),
            label: n.label.clone(),
            heading: n.heading.clone(),
            line: n.line,
            span: n.span,
        }
    }
}

/// One aligned unit and how it changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The primary class.
    pub kind: ChangeKind,
    /// Every class that applies (e.g. renumbered and modified).
    pub flags: Vec<ChangeKind>,
    /// What kind of node this is.
    pub node_kind: NodeKind,
    /// The old side, or null for an addition.
    pub old: Option<Side>,
    /// The new side, or null for a removal.
    pub new: Option<Side>,
    /// Word similarity from 0.0 to 1.0 (layout and consequential changes count as equal).
    pub similarity: f64,
    /// Share of words changed, from 0.0 to 1.0.
    pub changed_words: f64,
    /// Inline ops (empty for unchanged units).
    pub inline: Vec<InlineOp>,
    /// Aligned sub-units (paragraphs, items, recitals).
    pub children: Vec<Change>,
}

/// Counts per class and overall facts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Articles in the old version.
    pub n_old_articles: usize,
    /// Articles in the new version.
    pub n_new_articles: usize,
    /// Top-level changes per class (primary kind), for every class.
    pub counts: std::collections::BTreeMap<String, usize>,
    /// True when any substantive difference exists.
    pub differs: bool,
    /// Set when the deadline forced a coarser diff: the reason.
    pub fallback: Option<String>,
}

/// The comparison of two documents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocDiff {
    /// Summary.
    pub summary: Summary,
    /// Top-level changes in reading order (title, preamble, articles, final clauses, annexes).
    pub changes: Vec<Change>,
}

/// Options of [`diff`]; build with [`DiffOptions::default`] and adjust.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// Give up on fine-grained word diffs after this long and fall back to coarser ones.
    pub timeout: Duration,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            timeout: Duration::from_secs(10),
        }
    }
}

/// The ops of a matched parent pair, from which the ops of its children are cut.
#[derive(Clone, Copy)]
struct Within<'p> {
    ops: &'p [InlineOp],
    /// Word counts of `ops`, or empty when not known.
    words: &'p [usize],
    /// Old and new source offsets where each op ends, to find where a child's ops begin
    /// by binary search instead of a scan from the parent's start.
    ends: &'p [(usize, usize)],
    /// Where the parent starts in the old and the new source.
    old_start: usize,
    new_start: usize,
    /// True for split and merge parts, whose cut is kept however different it is.
    part: bool,
}

struct Ctx<'a> {
    old: &'a Document,
    new: &'a Document,
    /// Both sources tokenized and hashed once.
    old_toks: &'a text::Tokenized,
    new_toks: &'a text::Tokenized,
    deadline: Instant,
    timed_out: AtomicBool,
    /// Old article number → new article number, for matched articles.
    renumber: FxHashMap<String, String>,
}

/// Number of leading label words to leave out of an article's content.
fn label_words(n: &Node) -> usize {
    match (&n.label, n.kind) {
        (Some(l), NodeKind::Article) => text::count_words(l),
        _ => 0,
    }
}

impl<'a> Ctx<'a> {
    /// Word ops of two nodes with their similarity and share of changed words. Inside a
    /// matched parent (`within`), the ops of a pair in order are cut out of the parent's ops
    /// rather than computed again; a moved pair, or a cut that finds the pair mostly
    /// different, gets a fresh diff of its own.
    fn ops(&self, o: &Node, n: &Node, within: Option<&Within>) -> (text::WordDiff, f64, f64) {
        let (ot, nt) = (o.text(&self.old.source), n.text(&self.new.source));
        // Identical texts (most articles of near-duplicate drafts) need no diff: the result
        // would be this single equal op.
        if ot == nt {
            let d = text::WordDiff {
                ops: text::equal(ot),
                ..text::WordDiff::default()
            };
            return (d, 1.0, 0.0);
        }
        if let Some(w) = within {
            let d = self.cut_from_parent(o, n, w);
            let (similarity, changed_words) = measure(&d.ops, &d.words);
            if similarity >= 0.5 || w.part {
                return (d, similarity, changed_words);
            }
        }
        let mut d = self.fresh(o, n);
        if d.timed_out {
            self.timed_out.store(true, Relaxed);
        }
        mark_consequential(&mut d.ops, &self.renumber);
        let (similarity, changed_words) = measure(&d.ops, &d.words);
        (d, similarity, changed_words)
    }

    /// The ops of a pair of sub-units, cut out of their parents' ops.
    fn cut_from_parent(&self, o: &Node, n: &Node, w: &Within) -> text::WordDiff {
        // The first parent op that ends after both sub-units start.
        let k = w
            .ends
            .partition_point(|&(oe, ne)| oe <= o.span.start && ne <= n.span.start);
        let (os, ns) = match k.checked_sub(1) {
            Some(p) => w.ends[p],
            None => (w.old_start, w.new_start),
        };
        let words = w.words.get(k..).unwrap_or(&[]);
        text::cut(
            &w.ops[k..],
            words,
            (os, ns),
            o.span.start..o.span.end,
            n.span.start..n.span.end,
            &|old, r| {
                let toks = if old { self.old_toks } else { self.new_toks };
                let long = r.len() > text::SCAN_UP_TO;
                long.then(|| toks.range(r)).flatten().map(|t| t.len())
            },
        )
    }

    /// The word diff of two nodes on their own (before consequential renumbering is marked).
    fn fresh(&self, o: &Node, n: &Node) -> text::WordDiff {
        let ranges = (
            self.old_toks.range(o.span.start..o.span.end),
            self.new_toks.range(n.span.start..n.span.end),
        );
        let fast = match ranges {
            (Some(ro), Some(rn)) => text::diff_token_ranges(
                &text::TokenRange {
                    src: &self.old.source,
                    span: o.span.start..o.span.end,
                    toks: &self.old_toks.toks[ro.clone()],
                    ids: &self.old_toks.ids[ro],
                },
                &text::TokenRange {
                    src: &self.new.source,
                    span: n.span.start..n.span.end,
                    toks: &self.new_toks.toks[rn.clone()],
                    ids: &self.new_toks.ids[rn],
                },
                Some(self.deadline),
            )
            .ok(),
            _ => None,
        };
        fast.unwrap_or_else(|| {
            let (ot, nt) = (o.text(&self.old.source), n.text(&self.new.source));
            text::diff_words(ot, nt, Some(self.deadline))
        })
    }

    fn pair(&self, o: &Node, n: &Node, moved: bool, deep: bool, within: Option<&Within>) -> Change {
        let renumbered = o.number != n.number && o.number.is_some() && n.number.is_some();
        if !moved && !renumbered && o.text(&self.old.source) == n.text(&self.new.source) {
            // The same text in the same place (most parts of two rounds of a draft): no ops.
            return Change {
                kind: ChangeKind::Unchanged,
                flags: Vec::new(),
                node_kind: n.kind,
                old: Some(Side::of(o)),
                new: Some(Side::of(n)),
                similarity: 1.0,
                changed_words: 0.0,
                inline: Vec::new(),
                children: Vec::new(),
            };
        }
        let (d, similarity, changed_words) = self.ops(o, n, within.filter(|_| !moved));
        let (ops, words) = (d.ops, d.words);
        let modified = ops.iter().any(InlineOp::is_substantive);
        let mut flags = Vec::new();
        if moved {
            flags.push(ChangeKind::Moved);
        }
        if renumbered {
            flags.push(ChangeKind::Renumbered);
        }
        if modified {
            flags.push(ChangeKind::Modified);
        }
        let kind = flags.first().copied().unwrap_or(ChangeKind::Unchanged);
        let changed =
            kind != ChangeKind::Unchanged || ops.iter().any(|o| o.op != Op::Equal && !o.layout);
        let children = if deep && changed {
            let ends: Vec<(usize, usize)> = ops
                .iter()
                .scan((o.span.start, n.span.start), |(po, pn), op| {
                    match op.op {
                        Op::Equal => {
                            *po += op.text.len();
                            *pn += op.text.len();
                        }
                        Op::Delete => *po += op.text.len(),
                        Op::Insert => *pn += op.text.len(),
                    }
                    Some((*po, *pn))
                })
                .collect();
            let w = Within {
                ops: &ops,
                words: &words,
                ends: &ends,
                old_start: o.span.start,
                new_start: n.span.start,
                part: false,
            };
            self.children(o, n, &w)
        } else {
            Vec::new()
        };
        Change {
            kind,
            flags,
            node_kind: n.kind,
            old: Some(Side::of(o)),
            new: Some(Side::of(n)),
            similarity,
            changed_words,
            inline: if changed { ops } else { Vec::new() },
            children,
        }
    }

    /// The changes of two structured documents in reading order: title, preamble, the
    /// aligned articles, final clauses, then the annexes aligned by content.
    fn document_changes(
        &self,
        articles: &align::Alignment,
        oa: &[&Node],
        na: &[&Node],
    ) -> Vec<Change> {
        let mut changes = Vec::new();
        changes.extend(self.single(NodeKind::Title, true));
        changes.extend(self.single(NodeKind::Preamble, true));
        changes.extend(self.assemble(articles, oa, na, true, None));
        changes.extend(self.single(NodeKind::Conclusion, false));
        let (ox, nx) = (annexes(self.old), annexes(self.new));
        if !ox.is_empty() || !nx.is_empty() {
            let a = self.align_nodes(&ox, &nx);
            changes.extend(self.assemble(&a, &ox, &nx, false, None));
        }
        for c in self.division_changes() {
            insert_in_reading_order(&mut changes, c);
        }
        changes
    }

    /// The changes of the divisions' own text: each division's heading leaf (its label,
    /// caption and any text before its first article), aligned by content and number, so
    /// that a renamed chapter, a renumbered part or a sentence added under a heading is
    /// reported like an article's change.
    fn division_changes(&self) -> Vec<Change> {
        let (od, nd) = (divisions(self.old), divisions(self.new));
        if od.is_empty() && nd.is_empty() {
            return Vec::new();
        }
        let heads = |ds: &[&'a Node]| -> Vec<&'a Node> {
            ds.iter().map(|d| d.children.first().unwrap_or(d)).collect()
        };
        let (oh, nh) = (heads(&od), heads(&nd));
        let units = |ds: &[&Node], hs: &[&Node], toks: &text::Tokenized, src: &str| {
            ds.iter()
                .zip(hs)
                .map(|(d, h)| division_unit(d, h, toks, src))
                .collect::<Vec<_>>()
        };
        let mut a = align::align(
            &units(&od, &oh, self.old_toks, &self.old.source),
            &units(&nd, &nh, self.new_toks, &self.new.source),
            Some(self.deadline),
        );
        pair_same_numbered(&mut a, &od, &nd);
        let mut changes = self.assemble(&a, &oh, &nh, false, None);
        let by_start = |ds: &[&'a Node], hs: &[&Node]| -> FxHashMap<usize, &'a Node> {
            ds.iter().zip(hs).map(|(d, h)| (h.span.start, *d)).collect()
        };
        let (old_div, new_div) = (by_start(&od, &oh), by_start(&nd, &nh));
        for c in &mut changes {
            let o = c
                .old
                .as_ref()
                .and_then(|s| old_div.get(&s.span.start))
                .copied();
            let n = c
                .new
                .as_ref()
                .and_then(|s| new_div.get(&s.span.start))
                .copied();
            describe_division(c, o, n);
        }
        changes
    }

    /// The change of a part that a document has at most once (title, preamble, final clauses).
    fn single(&self, kind: NodeKind, deep: bool) -> Option<Change> {
        match (single(&self.old.root, kind), single(&self.new.root, kind)) {
            (Some(o), Some(n)) => Some(self.pair(o, n, false, deep, None)),
            (Some(o), None) => Some(self.one_sided(o, false)),
            (None, Some(n)) => Some(self.one_sided(n, true)),
            (None, None) => None,
        }
    }

    fn one_sided(&self, node: &Node, added: bool) -> Change {
        let src = if added {
            &self.new.source
        } else {
            &self.old.source
        };
        let op = if added { Op::Insert } else { Op::Delete };
        Change {
            kind: if added {
                ChangeKind::Added
            } else {
                ChangeKind::Removed
            },
            flags: vec![if added {
                ChangeKind::Added
            } else {
                ChangeKind::Removed
            }],
            node_kind: node.kind,
            old: (!added).then(|| Side::of(node)),
            new: added.then(|| Side::of(node)),
            similarity: 0.0,
            changed_words: 1.0,
            inline: vec![InlineOp {
                op,
                text: node.text(src).to_string(),
                layout: false,
                consequential: false,
            }],
            children: Vec::new(),
        }
    }

    /// Aligns the sub-units (paragraphs, recitals, items) of two matched nodes.
    fn children(&self, o: &Node, n: &Node, within: &Within) -> Vec<Change> {
        fn pick(x: &Node) -> Vec<&Node> {
            x.children
                .iter()
                .filter(|c| {
                    matches!(
                        c.kind,
                        NodeKind::Paragraph
                            | NodeKind::Recital
                            | NodeKind::Formula
                            | NodeKind::Item
                            | NodeKind::Text
                    )
                })
                .collect()
        }
        let (oc, nc) = (pick(o), pick(n));
        if oc.is_empty() && nc.is_empty() {
            return Vec::new();
        }
        let a = self.align_children(&oc, &nc, within);
        self.assemble(&a, &oc, &nc, true, Some(within))
    }

    /// Aligns sub-units through the parent's word diff (see [`align::by_ops`]); those it
    /// leaves unmatched on both sides (a paragraph moved inside its article) are then
    /// aligned by content.
    fn align_children(&self, oc: &[&Node], nc: &[&Node], w: &Within) -> align::Alignment {
        let spans = |xs: &[&Node]| -> Vec<std::ops::Range<usize>> {
            xs.iter().map(|x| x.span.start..x.span.end).collect()
        };
        let equal = w.ops.iter().zip(w.ends).filter_map(|(op, &(oe, ne))| {
            let len = op.text.len();
            (op.op == Op::Equal).then(|| (oe - len, ne - len, len))
        });
        let mut a = align::by_ops(&spans(oc), &spans(nc), equal);
        let mut o_open = vec![true; oc.len()];
        let mut n_open = vec![true; nc.len()];
        for &(i, j) in a.pairs.iter().chain(&a.split_parts).chain(&a.merge_parts) {
            o_open[i] = false;
            n_open[j] = false;
        }
        let lo: Vec<usize> = (0..oc.len()).filter(|&i| o_open[i]).collect();
        let ln: Vec<usize> = (0..nc.len()).filter(|&j| n_open[j]).collect();
        if lo.is_empty() || ln.is_empty() {
            return a;
        }
        let rest = self.align_nodes(
            &lo.iter().map(|&k| oc[k]).collect::<Vec<_>>(),
            &ln.iter().map(|&k| nc[k]).collect::<Vec<_>>(),
        );
        a.pairs
            .extend(rest.pairs.iter().map(|&(i, j)| (lo[i], ln[j])));
        a.split_parts
            .extend(rest.split_parts.iter().map(|&(i, j)| (lo[i], ln[j])));
        a.merge_parts
            .extend(rest.merge_parts.iter().map(|&(i, j)| (lo[i], ln[j])));
        a.pairs.sort_unstable();
        a.moved = align::out_of_order(&a.pairs);
        a
    }

    /// The alignment unit of a node of the old or the new version.
    fn unit(&self, x: &Node, new: bool) -> align::Unit {
        if new {
            unit_of(x, self.new_toks, &self.new.source)
        } else {
            unit_of(x, self.old_toks, &self.old.source)
        }
    }

    /// Aligns two lists of nodes of the old and new documents by content.
    fn align_nodes(&self, o: &[&Node], n: &[&Node]) -> align::Alignment {
        let ou: Vec<align::Unit> = o.iter().map(|x| self.unit(x, false)).collect();
        let nu: Vec<align::Unit> = n.iter().map(|x| self.unit(x, true)).collect();
        align::align(&ou, &nu, Some(self.deadline))
    }

    /// Turns an alignment into changes in reading order of the new version.
    fn assemble(
        &self,
        a: &align::Alignment,
        old: &[&Node],
        new: &[&Node],
        deep: bool,
        within: Option<&Within>,
    ) -> Vec<Change> {
        let part = within.map(|w| Within { part: true, ..*w });
        let mut by_new: Vec<Option<Change>> = vec![None; new.len()];
        let split_olds: HashMap<usize, usize> =
            a.split_parts.iter().fold(HashMap::new(), |mut m, &(i, _)| {
                *m.entry(i).or_default() += 1;
                m
            });
        let merge_news: HashMap<usize, usize> =
            a.merge_parts.iter().fold(HashMap::new(), |mut m, &(_, j)| {
                *m.entry(j).or_default() += 1;
                m
            });
        // Matched pairs are independent: at the top level they are compared in parallel
        // (rayon keeps the results in order, so the output does not depend on threads).
        let compare = |(k, &(i, j)): (usize, &(usize, usize))| {
            self.pair(old[i], new[j], a.moved.contains(&k), deep, within)
        };
        let compared: Vec<Change> = if within.is_none() {
            a.pairs.par_iter().enumerate().map(compare).collect()
        } else {
            a.pairs.iter().enumerate().map(compare).collect()
        };
        for (&(i, j), mut c) in a.pairs.iter().zip(compared) {
            if split_olds.contains_key(&i) {
                c.flags.insert(0, ChangeKind::Split);
                c.kind = ChangeKind::Split;
            } else if merge_news.contains_key(&j) {
                c.flags.insert(0, ChangeKind::Merged);
                c.kind = ChangeKind::Merged;
            }
            by_new[j] = Some(c);
        }
        for &(i, j) in &a.split_parts {
            let mut c = self.pair(old[i], new[j], false, false, part.as_ref());
            c.flags.retain(|f| *f != ChangeKind::Modified);
            c.flags.insert(0, ChangeKind::Split);
            c.kind = ChangeKind::Split;
            by_new[j] = Some(c);
        }
        let mut merged_into: HashMap<usize, Vec<Change>> = HashMap::new();
        for &(i, j) in &a.merge_parts {
            let mut c = self.pair(old[i], new[j], false, false, part.as_ref());
            c.flags.retain(|f| *f != ChangeKind::Modified);
            c.flags.insert(0, ChangeKind::Merged);
            c.kind = ChangeKind::Merged;
            merged_into.entry(j).or_default().push(c);
        }
        // Removed old units go after the change of their nearest matched predecessor.
        let mut old_to_new: Vec<Option<usize>> = vec![None; old.len()];
        for &(i, j) in a.pairs.iter().chain(&a.split_parts) {
            old_to_new[i].get_or_insert(j);
        }
        for &(i, j) in &a.merge_parts {
            old_to_new[i] = Some(j);
        }
        let mut removed_after: HashMap<Option<usize>, Vec<Change>> = HashMap::new();
        let mut last_new: Option<usize> = None;
        for i in 0..old.len() {
            match old_to_new[i] {
                Some(j) => last_new = Some(j.max(last_new.unwrap_or(0))),
                None => removed_after
                    .entry(last_new)
                    .or_default()
                    .push(self.one_sided(old[i], false)),
            }
        }
        let mut out = removed_after.remove(&None).unwrap_or_default();
        for (j, c) in by_new.into_iter().enumerate() {
            out.push(c.unwrap_or_else(|| self.one_sided(new[j], true)));
            if let Some(m) = merged_into.remove(&j) {
                out.extend(m);
            }
            if let Some(r) = removed_after.remove(&Some(j)) {
                out.extend(r);
            }
        }
        out
    }
}

/// Similarity and share of changed words, counting layout and consequential ops as equal.
fn measure(ops: &[InlineOp], words: &[usize]) -> (f64, f64) {
    let (mut eq, mut del, mut ins) = (0usize, 0usize, 0usize);
    for (o, &n) in ops.iter().zip(words) {
        match (o.op, o.is_substantive()) {
            (Op::Equal, _) => eq += n,
            (Op::Delete, false) => eq += n,
            (Op::Insert, false) => {}
            (Op::Delete, true) => del += n,
            (Op::Insert, true) => ins += n,
        }
    }
    let total_old = eq + del;
    let total = 2 * eq + del + ins;
    let sim = if total == 0 {
        1.0
    } else {
        2.0 * eq as f64 / total as f64
    };
    let changed = if total_old + ins == 0 {
        0.0
    } else {
        (del + ins) as f64 / (total_old + ins) as f64
    };
    (sim, changed.min(1.0))
}

/// Marks delete/insert pairs that only change an article number to the number its target
/// got after renumbering: the article's own label, or a reference such as "Article 8(1)".
fn mark_consequential(ops: &mut [InlineOp], renumber: &FxHashMap<String, String>) {
    let mut before = String::new();
    for k in 0..ops.len() {
        if k + 1 < ops.len()
            && ops[k].op == Op::Delete
            && ops[k + 1].op == Op::Insert
            && !ops[k].layout
        {
            let (d, i) = (ops[k].text.trim(), ops[k + 1].text.trim());
            let after = ops.get(k + 2).map_or("", |o| o.text.as_str());
            if renumber.get(d).is_some_and(|n| n == i)
                && xref::ends_with_article_word(&before)
                && !xref::is_external(after)
            {
                ops[k].consequential = true;
                ops[k + 1].consequential = true;
            }
        }
        if ops[k].op != Op::Insert {
            before.push_str(&ops[k].text);
            if before.len() > 200 {
                let cut = before.len() - 100;
                let cut = (cut..before.len())
                    .find(|&c| before.is_char_boundary(c))
                    .unwrap_or(0);
                before.drain(..cut);
            }
        }
    }
}

/// The divisions of a document (parts, chapters, sections, at any depth) in reading order.
fn divisions(d: &Document) -> Vec<&Node> {
    d.root.walk().filter(|n| n.kind.is_division()).collect()
}

/// The alignment unit of a division: its number, and the words of its heading leaf
/// without the label.
fn division_unit(d: &Node, head: &Node, toks: &text::Tokenized, src: &str) -> align::Unit {
    let skip = d.label.as_deref().map_or(0, text::count_words);
    unit_of_span(d.number.clone(), head, skip, toks, src)
}

/// Pairs the divisions the content alignment left unmatched on both sides that have the
/// same kind and number (a renamed chapter: its heading is too short for content alone),
/// each with the first such one of the other side.
fn pair_same_numbered(a: &mut align::Alignment, od: &[&Node], nd: &[&Node]) {
    let mut o_used = vec![false; od.len()];
    let mut n_used = vec![false; nd.len()];
    for &(i, j) in a.pairs.iter().chain(&a.split_parts).chain(&a.merge_parts) {
        o_used[i] = true;
        n_used[j] = true;
    }
    let mut added = false;
    for i in 0..od.len() {
        if o_used[i] || od[i].number.is_none() {
            continue;
        }
        let same =
            |j: &usize| !n_used[*j] && nd[*j].kind == od[i].kind && nd[*j].number == od[i].number;
        if let Some(j) = (0..nd.len()).find(same) {
            n_used[j] = true;
            a.pairs.push((i, j));
            added = true;
        }
    }
    if added {
        a.pairs.sort_unstable();
        a.moved = align::out_of_order(&a.pairs);
    }
}

/// Makes a change of two division heading leaves read as the divisions' change: their
/// kind, numbers, labels and captions (the spans stay the leaves', whose text the ops
/// rebuild), and "renumbered" when the numbers differ.
fn describe_division(c: &mut Change, old: Option<&Node>, new: Option<&Node>) {
    if let Some(d) = new.or(old) {
        c.node_kind = d.kind;
    }
    for (side, d) in [(&mut c.old, old), (&mut c.new, new)] {
        if let (Some(s), Some(d)) = (side.as_mut(), d) {
            s.number = d.number.clone();
            s.label = d.label.clone();
            s.heading = d.heading.clone();
        }
    }
    let renumbered = matches!((old, new), (Some(o), Some(n))
        if o.number.is_some() && n.number.is_some() && o.number != n.number);
    if renumbered && !c.flags.contains(&ChangeKind::Renumbered) {
        let at = usize::from(c.flags.first() == Some(&ChangeKind::Moved));
        c.flags.insert(at, ChangeKind::Renumbered);
        if c.kind == ChangeKind::Unchanged || c.kind == ChangeKind::Modified {
            c.kind = ChangeKind::Renumbered;
        }
    }
}

/// Puts `c` among `changes` (in reading order of the new version) before the first change
/// that starts after it, on the new side when it has one, else on the old.
fn insert_in_reading_order(changes: &mut Vec<Change>, c: Change) {
    let at = match (&c.new, &c.old) {
        (Some(n), _) => changes
            .iter()
            .position(|x| x.new.as_ref().is_some_and(|s| s.span.start > n.span.start)),
        (None, Some(o)) => changes
            .iter()
            .position(|x| x.old.as_ref().is_some_and(|s| s.span.start > o.span.start)),
        (None, None) => None,
    };
    changes.insert(at.unwrap_or(changes.len()), c);
}

/// The annexes of a document.
fn annexes(d: &Document) -> Vec<&Node> {
    d.root
        .children
        .iter()
        .filter(|c| c.kind == NodeKind::Annex)
        .collect()
}

/// The child of `root` of kind `kind`, for parts a document has at most once.
fn single(root: &Node, kind: NodeKind) -> Option<&Node> {
    root.children.iter().find(|c| c.kind == kind)
}

/// The alignment unit of a node: its number and the folded hashes of its content words
/// (without an article's label).
fn unit_of(x: &Node, toks: &text::Tokenized, src: &str) -> align::Unit {
    unit_of_span(x.number.clone(), x, label_words(x), toks, src)
}

/// An alignment unit of `number` and the folded hashes of the words of `x`'s text less its
/// first `skip` words (from the source's tokens, or tokenized afresh when a token straddles
/// the span).
fn unit_of_span(
    number: Option<String>,
    x: &Node,
    skip: usize,
    toks: &text::Tokenized,
    src: &str,
) -> align::Unit {
    match toks.range(x.span.start..x.span.end) {
        Some(r) => {
            let from = (r.start + skip).min(r.end);
            align::Unit::from_hashes(number, &toks.folded[from..r.end])
        }
        None => {
            let words = text::words(x.text(src));
            align::Unit::new(number, &words[skip.min(words.len())..])
        }
    }
}

/// A version's text tokenized and hashed, and its articles as alignment units: the part
/// of a diff that needs one version only.
struct Prepared {
    toks: text::Tokenized,
    units: Vec<align::Unit>,
}

impl Prepared {
    /// The tokens and units of `doc`.
    fn of(doc: &Document) -> Self {
        Self::with_tokens(doc, text::tokenize_hashed(&doc.source))
    }

    /// The units of `doc` from its tokens.
    fn with_tokens(doc: &Document, toks: text::Tokenized) -> Self {
        let units = doc
            .root
            .articles()
            .iter()
            .map(|x| unit_of(x, &toks, &doc.source))
            .collect();
        Prepared { toks, units }
    }
}

/// A parsed version made ready for [`diff_versions`], so that a caller that loads two
/// versions can prepare each as it parses it.
pub struct Version {
    document: Document,
    prepared: Prepared,
}

impl Version {
    /// Prepares a parsed document for comparison.
    pub fn new(document: Document) -> Self {
        let prepared = Prepared::of(&document);
        Version { document, prepared }
    }

    /// Parses `source` and prepares it for comparison: the tree and the tokens (which do
    /// not depend on each other) are made at once. The parse's diagnostics are left out.
    pub fn parse(source: String) -> Self {
        let ((root, _diagnostics), toks) = rayon::join(
            || crate::parse::build(&source),
            || text::tokenize_hashed(&source),
        );
        let document = Document { source, root };
        let prepared = Prepared::with_tokens(&document, toks);
        Version { document, prepared }
    }

    /// The document.
    pub fn document(&self) -> &Document {
        &self.document
    }
}

/// Compares two parsed versions of a draft (each prepared on its own thread).
pub fn diff(old: &Document, new: &Document, opts: &DiffOptions) -> DocDiff {
    let (old_prep, new_prep) = rayon::join(|| Prepared::of(old), || Prepared::of(new));
    compare(old, &old_prep, new, &new_prep, opts)
}

/// Compares two prepared versions: the same result as [`diff`] of their documents.
pub fn diff_versions(old: &Version, new: &Version, opts: &DiffOptions) -> DocDiff {
    compare(
        &old.document,
        &old.prepared,
        &new.document,
        &new.prepared,
        opts,
    )
}

/// The comparison of two documents with their tokens and article units.
fn compare(
    old: &Document,
    old_prep: &Prepared,
    new: &Document,
    new_prep: &Prepared,
    opts: &DiffOptions,
) -> DocDiff {
    let deadline = Instant::now() + opts.timeout;
    let (oa, na) = (old.root.articles(), new.root.articles());
    let articles = align::align(&old_prep.units, &new_prep.units, Some(deadline));
    let ctx = Ctx {
        old,
        new,
        old_toks: &old_prep.toks,
        new_toks: &new_prep.toks,
        deadline,
        timed_out: AtomicBool::new(false),
        renumber: renumbering(&articles, &oa, &na),
    };
    let changes = if oa.is_empty() && na.is_empty() {
        // No structure on either side: compare the documents as one unit.
        vec![ctx.pair(&old.root, &new.root, false, false, None)]
    } else {
        ctx.document_changes(&articles, &oa, &na)
    };
    let mut summary = summarize(&changes, oa.len(), na.len());
    if ctx.timed_out.load(Relaxed) {
        summary.fallback = Some(format!(
            "the word diff passed its {} s deadline; some changes are shown as whole-passage replacements",
            opts.timeout.as_secs_f64()
        ));
    }
    DocDiff { summary, changes }
}

/// Old article number → new article number, for the matched articles.
fn renumbering(a: &align::Alignment, oa: &[&Node], na: &[&Node]) -> FxHashMap<String, String> {
    let mut renumber = FxHashMap::default();
    for &(i, j) in &a.pairs {
        if let (Some(x), Some(y)) = (&oa[i].number, &na[j].number) {
            renumber.insert(x.clone(), y.clone());
        }
    }
    renumber
}

/// The summary of a list of top-level changes: counts per class (every class listed) and
/// whether anything differs.
fn summarize(changes: &[Change], n_old_articles: usize, n_new_articles: usize) -> Summary {
    let mut counts: std::collections::BTreeMap<String, usize> = ChangeKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), 0))
        .collect();
    for c in changes {
        *counts.entry(c.kind.as_str().to_string()).or_default() += 1;
    }
    Summary {
        n_old_articles,
        n_new_articles,
        counts,
        differs: changes.iter().any(|c| c.kind != ChangeKind::Unchanged),
        fallback: None,
    }
}

/// Checks the reconstruction invariant of every change against the two sources; returns
/// the first violation.
pub fn check_reconstruction(d: &DocDiff, old: &str, new: &str) -> Result<(), String> {
    fn go(c: &Change, old: &str, new: &str) -> Result<(), String> {
        if !c.inline.is_empty() {
            if let Some(o) = &c.old {
                if text::old_text(&c.inline) != o.span.slice(old) {
                    return Err(format!(
                        "old text of {:?} at {:?} not rebuilt",
                        c.node_kind, o.span
                    ));
                }
            } else if c.inline.iter().any(|x| x.op != Op::Insert) {
                return Err("an addition has old text".into());
            }
            if let Some(n) = &c.new {
                if text::new_text(&c.inline) != n.span.slice(new) {
                    return Err(format!(
                        "new text of {:?} at {:?} not rebuilt",
                        c.node_kind, n.span
                    ));
                }
            } else if c.inline.iter().any(|x| x.op != Op::Delete) {
                return Err("a removal has new text".into());
            }
        }
        c.children.iter().try_for_each(|k| go(k, old, new))
    }
    d.changes.iter().try_for_each(|c| go(c, old, new))
}
