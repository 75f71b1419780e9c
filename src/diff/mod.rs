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
pub mod load;
pub mod text;
pub mod xref;

use crate::span::Span;
use crate::tree::{Document, Node, NodeKind};
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
    old_toks: text::Tokenized,
    new_toks: text::Tokenized,
    deadline: Instant,
    timed_out: AtomicBool,
    /// Old article number → new article number, for matched articles (set once the
    /// articles are aligned).
    renumber: std::sync::OnceLock<HashMap<String, String>>,
    /// Word diffs computed ahead, while the articles were being aligned (see
    /// [`Ctx::diff_ahead`]), by the spans of the pair; each is taken once.
    ahead: std::sync::Mutex<rustc_hash::FxHashMap<[usize; 4], text::WordDiff>>,
}

/// The spans of a pair of nodes, as a key.
fn span_key(o: &Node, n: &Node) -> [usize; 4] {
    [o.span.start, o.span.end, n.span.start, n.span.end]
}

/// Number of leading label words to leave out of an article's content.
fn label_words(n: &Node) -> usize {
    match (&n.label, n.kind) {
        (Some(l), NodeKind::Article) => text::count_words(l),
        _ => 0,
    }
}

impl Ctx<'_> {
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
            let k = w
                .ends
                .partition_point(|&(oe, ne)| oe <= o.span.start && ne <= n.span.start);
            let (os, ns) = match k.checked_sub(1) {
                Some(p) => w.ends[p],
                None => (w.old_start, w.new_start),
            };
            let words = w.words.get(k..).unwrap_or(&[]);
            let d = text::cut(
                &w.ops[k..],
                words,
                os,
                ns,
                o.span.start..o.span.end,
                n.span.start..n.span.end,
                &|old, r| {
                    let toks = if old { &self.old_toks } else { &self.new_toks };
                    let long = r.len() > text::SCAN_UP_TO;
                    long.then(|| toks.range(r)).flatten().map(|t| t.len())
                },
            );
            let (similarity, changed_words) = measure(&d.ops, &d.words);
            if similarity >= 0.5 || w.part {
                return (d, similarity, changed_words);
            }
        }
        let ahead = self
            .ahead
            .lock()
            .ok()
            .and_then(|mut m| m.remove(&span_key(o, n)));
        let mut d = ahead.unwrap_or_else(|| self.fresh(o, n));
        if d.timed_out {
            self.timed_out.store(true, Relaxed);
        }
        if let Some(r) = self.renumber.get() {
            mark_consequential(&mut d.ops, r);
        }
        let (similarity, changed_words) = measure(&d.ops, &d.words);
        (d, similarity, changed_words)
    }

    /// The word diff of two nodes on their own (before consequential renumbering is marked).
    fn fresh(&self, o: &Node, n: &Node) -> text::WordDiff {
        let ranges = (
            self.old_toks.range(o.span.start..o.span.end),
            self.new_toks.range(n.span.start..n.span.end),
        );
        let fast = match ranges {
            (Some(ro), Some(rn)) => text::diff_sides(
                &text::Side {
                    src: &self.old.source,
                    span: o.span.start..o.span.end,
                    toks: &self.old_toks.toks[ro.clone()],
                    ids: &self.old_toks.ids[ro],
                },
                &text::Side {
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

    /// Aligns the articles, records their renumbering, and (when there are enough) compares
    /// the matched pairs on two threads. The second thread starts at once: it diffs the
    /// likely pairs ahead (see [`Ctx::diff_ahead`]) while this one aligns, then both take
    /// matched pairs one by one. Returns the alignment and the changes of its pairs.
    fn align_and_compare(
        &self,
        old_units: Vec<align::Unit>,
        new_units: Vec<align::Unit>,
        oa: &[&Node],
        na: &[&Node],
    ) -> (align::Alignment, Option<Vec<Change>>) {
        let aligned: std::sync::OnceLock<align::Alignment> = std::sync::OnceLock::new();
        let finished = AtomicBool::new(false);
        let align = || {
            // Set however aligning ends, so the other thread never waits for nothing.
            let _finished = crate::par::SetOnDrop(&finished);
            let a = align::align(&old_units, &new_units, Some(self.deadline));
            // The shingles are the size of the texts: free them before the word diffs.
            drop((old_units, new_units));
            let mut renumber = HashMap::new();
            for &(i, j) in &a.pairs {
                if let (Some(x), Some(y)) = (&oa[i].number, &na[j].number) {
                    renumber.insert(x.clone(), y.clone());
                }
            }
            let _ = self.renumber.set(renumber);
            let _ = aligned.set(a);
        };
        if oa.len() + na.len() < 32 {
            align();
            return (aligned.into_inner().unwrap_or_default(), None);
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = |a: &align::Alignment| {
            claim(&next, &a.pairs, |k, &(i, j)| {
                self.pair(oa[i], na[j], a.moved.contains(&k), true, None)
            })
        };
        let (theirs, mine) = crate::par::join(
            || {
                let done = || finished.load(std::sync::atomic::Ordering::Acquire);
                self.diff_ahead(oa, na, &done);
                while !done() {
                    std::thread::yield_now();
                }
                aligned.get().map(work).unwrap_or_default()
            },
            || {
                align();
                aligned.get().map(work).unwrap_or_default()
            },
        );
        let compared = in_order(theirs, mine);
        (aligned.into_inner().unwrap_or_default(), Some(compared))
    }

    /// Computes into `self.ahead` the word diffs of the pairs the alignment will most likely
    /// make (the final clauses, and articles of the same number whose texts differ), while
    /// another thread aligns; stops as soon as `done` says so. They are the diffs
    /// [`Ctx::fresh`] gives, so using them changes nothing but the time; guesses the
    /// alignment does not take are dropped with the context.
    fn diff_ahead(&self, oa: &[&Node], na: &[&Node], done: &dyn Fn() -> bool) {
        // Numbers that occur once on each side: a repeated number (a draft whose articles
        // are all numbered 1) says nothing about which pair the alignment will make, and
        // guessing there would only waste work.
        fn once<'a>(xs: &[&'a Node]) -> rustc_hash::FxHashMap<&'a str, Option<&'a Node>> {
            let mut m: rustc_hash::FxHashMap<&str, Option<&Node>> = Default::default();
            for &x in xs {
                if let Some(k) = x.number.as_deref() {
                    m.entry(k).and_modify(|e| *e = None).or_insert(Some(x));
                }
            }
            m
        }
        let (old_once, by_number) = (once(oa), once(na));
        let conclusion = match (
            single(&self.old.root, NodeKind::Conclusion),
            single(&self.new.root, NodeKind::Conclusion),
        ) {
            (Some(o), Some(n)) => Some((o, n)),
            _ => None,
        };
        let articles = oa.iter().filter_map(|o| {
            let k = o.number.as_deref()?;
            old_once.get(k)?.as_ref()?;
            let n = (*by_number.get(k)?)?;
            Some((*o, n))
        });
        for (o, n) in conclusion.into_iter().chain(articles) {
            if done() {
                break;
            }
            if o.text(&self.old.source) != n.text(&self.new.source) {
                let d = self.fresh(o, n);
                if let Ok(mut m) = self.ahead.lock() {
                    m.insert(span_key(o, n), d);
                }
            }
        }
    }

    fn pair(&self, o: &Node, n: &Node, moved: bool, deep: bool, within: Option<&Within>) -> Change {
        let (d, similarity, changed_words) = self.ops(o, n, within.filter(|_| !moved));
        let (ops, words) = (d.ops, d.words);
        let modified = ops.iter().any(InlineOp::is_substantive);
        let renumbered = o.number != n.number && o.number.is_some() && n.number.is_some();
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
        self.assemble(&a, &oc, &nc, true, Some(within), None)
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
            unit_of(x, &self.new_toks, &self.new.source)
        } else {
            unit_of(x, &self.old_toks, &self.old.source)
        }
    }

    /// Aligns two lists of nodes of the old and new documents by content.
    fn align_nodes(&self, o: &[&Node], n: &[&Node]) -> align::Alignment {
        let ou: Vec<align::Unit> = o.iter().map(|x| self.unit(x, false)).collect();
        let nu: Vec<align::Unit> = n.iter().map(|x| self.unit(x, true)).collect();
        align::align(&ou, &nu, Some(self.deadline))
    }

    /// Turns an alignment into changes in reading order of the new version. The changes of
    /// the matched pairs may be given (`compared`, in the order of `a.pairs`).
    fn assemble(
        &self,
        a: &align::Alignment,
        old: &[&Node],
        new: &[&Node],
        deep: bool,
        within: Option<&Within>,
        compared: Option<Vec<Change>>,
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
        // Matched pairs are independent: at the top level they are compared on two threads.
        let indexed: Vec<(usize, (usize, usize))> = a.pairs.iter().copied().enumerate().collect();
        let compare = |&(k, (i, j)): &(usize, (usize, usize))| {
            self.pair(old[i], new[j], a.moved.contains(&k), deep, within)
        };
        let compared = match compared {
            Some(c) => c,
            None if within.is_none() => par_map(&indexed, compare),
            None => indexed.iter().map(compare).collect(),
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

/// `items.iter().map(f)`, on two threads for long lists (the machine may have just two
/// cores). The threads take the next item as they finish the last, so one long article
/// does not leave the other thread idle; results keep their order.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() < 32 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || claim(&next, items, |_, item| f(item));
    let (theirs, mine) = crate::par::join(work, work);
    in_order(theirs, mine)
}

/// One thread's share of `items`: it takes the next unclaimed item (counted by `next`,
/// shared with the other thread) until none is left; returns (index, result) pairs.
fn claim<T, R>(
    next: &std::sync::atomic::AtomicUsize,
    items: &[T],
    f: impl Fn(usize, &T) -> R,
) -> Vec<(usize, R)> {
    let mut out = Vec::new();
    loop {
        let k = next.fetch_add(1, Relaxed);
        let Some(item) = items.get(k) else {
            return out;
        };
        out.push((k, f(k, item)));
    }
}

/// The results of two [`claim`]ing threads in item order (resuming the helper's panic).
fn in_order<R>(theirs: std::thread::Result<Vec<(usize, R)>>, mut mine: Vec<(usize, R)>) -> Vec<R> {
    let mut all = theirs.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    all.append(&mut mine);
    all.sort_unstable_by_key(|r| r.0);
    all.into_iter().map(|r| r.1).collect()
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
fn mark_consequential(ops: &mut [InlineOp], renumber: &HashMap<String, String>) {
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

fn single(root: &Node, kind: NodeKind) -> Option<&Node> {
    root.children.iter().find(|c| c.kind == kind)
}

/// The alignment unit of a node: its number and the folded hashes of its content words
/// (without an article's label).
fn unit_of(x: &Node, toks: &text::Tokenized, src: &str) -> align::Unit {
    let skip = label_words(x);
    match toks.range(x.span.start..x.span.end) {
        Some(r) => {
            let from = (r.start + skip).min(r.end);
            align::Unit::from_hashes(x.number.clone(), &toks.folded[from..r.end])
        }
        None => {
            let words = text::words(x.text(src));
            align::Unit::new(x.number.clone(), &words[skip.min(words.len())..])
        }
    }
}

/// One version made ready for [`diff_prepared`]: its text tokenized and hashed, its
/// articles cut into alignment units. Making it is the part of a diff that needs one
/// version only, so a caller can do it on the thread that parsed that version.
pub struct Prepared {
    toks: text::Tokenized,
    units: Vec<align::Unit>,
    /// Length and hash of the source, to recognise the text it was made from.
    source: (usize, u64),
}

/// Length and FxHash of a text: a preparation is used only with the text it was made from.
fn fingerprint(text: &str) -> (usize, u64) {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(text.as_bytes());
    (text.len(), h.finish())
}

impl Prepared {
    /// Prepares `doc`.
    pub fn new(doc: &Document) -> Self {
        Self::from_parts(&doc.source, &doc.root, text::tokenize_hashed(&doc.source))
    }

    /// The preparation of the document of text `source` and tree `root`, from the tokens
    /// of `source`.
    fn from_parts(source: &str, root: &Node, toks: text::Tokenized) -> Self {
        let units = root
            .articles()
            .iter()
            .map(|x| unit_of(x, &toks, source))
            .collect();
        Prepared {
            toks,
            units,
            source: fingerprint(source),
        }
    }

    /// This, when it was made from `doc`'s text (the same length and hash); else `doc`
    /// prepared again.
    fn for_doc(self, doc: &Document) -> Self {
        if self.source == fingerprint(&doc.source) {
            self
        } else {
            Prepared::new(doc)
        }
    }
}

/// Compares two parsed versions of a draft.
pub fn diff(old: &Document, new: &Document, opts: &DiffOptions) -> DocDiff {
    // Each version is tokenized, hashed and cut into article units on its own thread.
    let (po, pn) = crate::par::join(|| Prepared::new(old), || Prepared::new(new));
    let po = po.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    diff_prepared(old, po, new, pn, opts)
}

/// [`diff`] of two versions prepared beforehand (see [`Prepared`]). A preparation that was
/// not made from the text of the document given with it (another document, or this one
/// edited since) is made again.
pub fn diff_prepared(
    old: &Document,
    old_prep: Prepared,
    new: &Document,
    new_prep: Prepared,
    opts: &DiffOptions,
) -> DocDiff {
    let (old_prep, new_prep) = (old_prep.for_doc(old), new_prep.for_doc(new));
    let (oa, na) = (old.root.articles(), new.root.articles());
    let (old_toks, old_units) = (old_prep.toks, old_prep.units);
    let (new_toks, new_units) = (new_prep.toks, new_prep.units);
    let ctx = Ctx {
        old,
        new,
        old_toks,
        new_toks,
        deadline: Instant::now() + opts.timeout,
        timed_out: AtomicBool::new(false),
        renumber: Default::default(),
        ahead: Default::default(),
    };
    let mut changes = Vec::new();
    if oa.is_empty() && na.is_empty() {
        // No structure on either side: compare the documents as one unit.
        changes.push(ctx.pair(&old.root, &new.root, false, false, None));
    } else {
        changes.extend(ctx.single(NodeKind::Title, true));
        changes.extend(ctx.single(NodeKind::Preamble, true));
        let (a, compared) = ctx.align_and_compare(old_units, new_units, &oa, &na);
        changes.extend(ctx.assemble(&a, &oa, &na, true, None, compared));
        changes.extend(ctx.single(NodeKind::Conclusion, false));
        let ox: Vec<&Node> = old
            .root
            .children
            .iter()
            .filter(|c| c.kind == NodeKind::Annex)
            .collect();
        let nx: Vec<&Node> = new
            .root
            .children
            .iter()
            .filter(|c| c.kind == NodeKind::Annex)
            .collect();
        if !ox.is_empty() || !nx.is_empty() {
            let a = ctx.align_nodes(&ox, &nx);
            changes.extend(ctx.assemble(&a, &ox, &nx, false, None, None));
        }
    }
    let mut summary = Summary {
        n_old_articles: oa.len(),
        n_new_articles: na.len(),
        ..Summary::default()
    };
    for k in ChangeKind::ALL {
        summary.counts.insert(k.as_str().to_string(), 0);
    }
    for c in &changes {
        *summary
            .counts
            .entry(c.kind.as_str().to_string())
            .or_default() += 1;
    }
    summary.differs = changes.iter().any(|c| c.kind != ChangeKind::Unchanged);
    if ctx.timed_out.load(Relaxed) {
        summary.fallback = Some(format!(
            "the word diff passed its {} s deadline; some changes are shown as whole-passage replacements",
            opts.timeout.as_secs_f64()
        ));
    }
    DocDiff { summary, changes }
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
