//! Aligning two sequences of units (articles, paragraphs, recitals) by content: identical
//! text first, then same number and still similar, then the best remaining match above a
//! threshold wherever it went; then splits, merges and moves.

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::collections::{BTreeSet, HashSet};
use std::hash::Hasher;

/// A unit to align: its number and the word tokens of its content (without its label).
#[derive(Clone, Debug)]
pub(crate) struct Unit {
    pub number: Option<String>,
    /// Hash of the content words, for identity.
    pub hash: u64,
    /// Sorted, deduplicated keys of word bigrams (see [`bigram`]; the word hash itself for
    /// one-word texts).
    pub shingles: Vec<u32>,
}

/// Hash of a sequence of hashes.
fn combine(hs: &[u32]) -> u64 {
    let mut h = FxHasher::default();
    for &x in hs {
        h.write_u32(x);
    }
    h.finish()
}

impl Unit {
    /// Builds a unit from its number and content words (compared case-insensitively).
    pub fn new(number: Option<String>, words: &[&str]) -> Self {
        let hs: Vec<u32> = words.iter().map(|w| super::text::folded_hash(w)).collect();
        Self::from_hashes(number, &hs)
    }

    /// Builds a unit from its number and the case-folded hashes of its content words.
    pub fn from_hashes(number: Option<String>, hs: &[u32]) -> Self {
        let mut shingles: Vec<u32> = if hs.len() < 2 {
            hs.to_vec()
        } else {
            hs.windows(2).map(|w| bigram(w[0], w[1])).collect()
        };
        // A radix sort's fixed cost (a histogram per byte, a second buffer) pays only on
        // longer lists.
        if shingles.len() < RADIX_FROM {
            shingles.sort_unstable();
        } else {
            radsort::sort(&mut shingles);
        }
        shingles.dedup();
        Unit {
            number,
            hash: combine(hs),
            shingles,
        }
    }
}

/// Shingle count from which [`Unit::from_hashes`] sorts them by radix.
const RADIX_FROM: usize = 256;

/// The 32-bit key of a word bigram from its two word hashes (order matters). Keys of 32 bits
/// sort and index at half the cost of 64; a chance collision of two bigrams adds one shared
/// shingle to a similarity, which no threshold notices.
fn bigram(a: u32, b: u32) -> u32 {
    (a ^ b.rotate_left(13)).wrapping_mul(0x9E37_79B1)
}

/// Number of values two sorted, deduplicated lists share. Branch-free steps: which list
/// advances is a coin toss to the processor, and a mispredicted branch per step cost more
/// than the comparisons.
fn common(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// Share of `a`'s shingles found in `b`.
pub(crate) fn containment(a: &Unit, b: &Unit) -> f64 {
    if a.shingles.is_empty() {
        return 0.0;
    }
    common(&a.shingles, &b.shingles) as f64 / a.shingles.len() as f64
}

/// Share of `part`'s shingles found in `whole` but not in `sibling`: how much of `whole`
/// went into `part` rather than into the unit `whole` is matched with.
pub(crate) fn contributed(part: &Unit, whole: &Unit, sibling: &Unit) -> f64 {
    if part.shingles.is_empty() {
        return 0.0;
    }
    let n = part
        .shingles
        .iter()
        .filter(|s| {
            whole.shingles.binary_search(s).is_ok() && sibling.shingles.binary_search(s).is_err()
        })
        .count();
    n as f64 / part.shingles.len() as f64
}

/// The result of aligning: matched pairs (old, new) and the split/merge groups.
#[derive(Clone, Debug, Default)]
pub(crate) struct Alignment {
    /// Matched pairs, sorted by old index.
    pub pairs: Vec<(usize, usize)>,
    /// New units that received part of an old unit matched elsewhere: (old, new).
    pub split_parts: Vec<(usize, usize)>,
    /// Old units whose text went into a new unit matched elsewhere: (old, new).
    pub merge_parts: Vec<(usize, usize)>,
    /// Matched pairs (by index into `pairs`) that are out of order.
    pub moved: HashSet<usize>,
}

/// Similarity a pair needs to be matched at all.
pub(crate) const THRESHOLD: f64 = 0.4;

/// Similarity at which a same-number pair is matched before any other candidate is scored.
pub(crate) const NEAR_SAME: f64 = 0.8;

/// Similarity a pair needs when it also sits in the same gap between matches.
pub(crate) const GAP_THRESHOLD: f64 = 0.15;

/// Aligns `old` and `new`; past `deadline` the in-order pass gives up on finding the longest
/// chain (the nearest-position pass still matches identical units).
pub(crate) fn align(old: &[Unit], new: &[Unit], deadline: Option<std::time::Instant>) -> Alignment {
    let mut o_used = vec![false; old.len()];
    let mut n_used = vec![false; new.len()];
    let mut pairs = Vec::new();
    // 1. Identical content. First the longest in-order chain of identical units (a diff of
    // the sequences of content hashes), so that repeated texts pair off in place; then, for
    // identical units out of that order (moved), the same number first, then the nearest
    // position (the earlier on a tie). Unused candidates sit in ordered sets, so a text
    // repeated n times (50 000 articles "Article 1 [Deleted]") costs n log n, not n².
    // When no text occurs on both sides (every article edited) there is nothing to diff.
    let old_hashes: FxHashSet<u64> = old.iter().map(|u| u.hash).collect();
    let mut in_order = |x: usize, y: usize, len: usize| {
        for k in 0..len {
            o_used[x + k] = true;
            n_used[y + k] = true;
            pairs.push((x + k, y + k));
        }
    };
    if new.iter().any(|u| old_hashes.contains(&u.hash)) {
        let oh: Vec<u64> = old.iter().map(|u| u.hash).collect();
        let nh: Vec<u64> = new.iter().map(|u| u.hash).collect();
        // Most units differ between two rounds of a draft: the bit-parallel table first,
        // as for word diffs (Myers' work grows with the differences).
        super::text::lcs_runs(&oh, &nh, deadline, &mut in_order);
    }
    let mut same_number: FxHashMap<(u64, Option<&str>), BTreeSet<usize>> = FxHashMap::default();
    let mut same_text: FxHashMap<u64, BTreeSet<usize>> = FxHashMap::default();
    for (j, u) in new.iter().enumerate().filter(|&(j, _)| !n_used[j]) {
        same_number
            .entry((u.hash, u.number.as_deref()))
            .or_default()
            .insert(j);
        same_text.entry(u.hash).or_default().insert(j);
    }
    let nearest = |set: &BTreeSet<usize>, i: usize| -> Option<usize> {
        let below = set.range(..=i).next_back().copied();
        let above = set.range(i..).next().copied();
        match (below, above) {
            (Some(b), Some(a)) => Some(if i - b <= a - i { b } else { a }),
            (b, a) => b.or(a),
        }
    };
    for (i, u) in old.iter().enumerate() {
        if o_used[i] {
            continue;
        }
        let j = same_number
            .get(&(u.hash, u.number.as_deref()))
            .and_then(|set| nearest(set, i))
            .or_else(|| same_text.get(&u.hash).and_then(|set| nearest(set, i)));
        if let Some(j) = j {
            if let Some(set) = same_number.get_mut(&(u.hash, new[j].number.as_deref())) {
                set.remove(&j);
            }
            if let Some(set) = same_text.get_mut(&u.hash) {
                set.remove(&j);
            }
            o_used[i] = true;
            n_used[j] = true;
            pairs.push((i, j));
        }
    }
    // 2a. Same number and nearly the same text (most edited articles): taken at once, so
    // the all-pairs scoring below only sees what is left. Two units this close can lose
    // their match only to a near-duplicate of one of them.
    let mut by_number: FxHashMap<&str, usize> = FxHashMap::default();
    for (j, u) in new.iter().enumerate() {
        if let (false, Some(n)) = (n_used[j], u.number.as_deref()) {
            by_number.entry(n).or_insert(j);
        }
    }
    for (i, u) in old.iter().enumerate() {
        let Some(j) = u.number.as_deref().and_then(|n| by_number.get(n).copied()) else {
            continue;
        };
        if o_used[i] || n_used[j] {
            continue;
        }
        let c = common(&u.shingles, &new[j].shingles);
        let union = u.shingles.len() + new[j].shingles.len() - c;
        if union > 0 && c as f64 >= NEAR_SAME * union as f64 {
            o_used[i] = true;
            n_used[j] = true;
            pairs.push((i, j));
        }
    }
    let mut scored = score_pairs(old, new, &o_used, &n_used);
    scored.sort_by(|a, b| {
        b.0.partial_cmp(&a.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then((a.1, a.2).cmp(&(b.1, b.2)))
    });
    // Best similarity per old and per new unit, for mutual-best checks.
    let mut best_o = vec![0.0f64; old.len()];
    let mut best_n = vec![0.0f64; new.len()];
    for &(sim, i, j) in &scored {
        best_o[i] = best_o[i].max(sim);
        best_n[j] = best_n[j].max(sim);
    }
    // 2. Same number and still similar, when neither has a better partner elsewhere.
    for &(sim, i, j) in &scored {
        if sim >= 0.5
            && !o_used[i]
            && !n_used[j]
            && old[i].number.is_some()
            && old[i].number == new[j].number
            && sim >= best_o[i]
            && sim >= best_n[j]
        {
            o_used[i] = true;
            n_used[j] = true;
            pairs.push((i, j));
        }
    }
    // 3. Best remaining matches above the threshold, greedily by similarity.
    for &(sim, i, j) in &scored {
        if sim >= THRESHOLD && !o_used[i] && !n_used[j] {
            o_used[i] = true;
            n_used[j] = true;
            pairs.push((i, j));
        }
    }
    // 4. Inside a gap between consecutive matches, a weaker similarity suffices: the
    // position corroborates the match (a short article with several words changed).
    pairs.sort_unstable();
    let mut bounds: Vec<(usize, usize, usize, usize)> = Vec::new();
    let (mut pi, mut pj) = (0usize, 0usize);
    for &(i, j) in pairs.iter().chain(std::iter::once(&(old.len(), new.len()))) {
        if j >= pj {
            bounds.push((pi, i, pj, j));
            pi = i + 1;
            pj = j + 1;
        }
    }
    // Gaps are disjoint and ordered by old index: find each candidate's gap by search.
    for &(_, i, j) in &scored {
        if o_used[i] || n_used[j] {
            continue;
        }
        let g = bounds.partition_point(|b| b.1 <= i);
        if let Some(&(oi, oe, nj, ne)) = bounds.get(g) {
            if (oi..oe).contains(&i) && (nj..ne).contains(&j) {
                o_used[i] = true;
                n_used[j] = true;
                pairs.push((i, j));
            }
        }
    }
    pairs.sort_unstable();

    // Splits: an unmatched new unit whose text lies inside an old unit matched elsewhere;
    // merges: the same seen from the old side.
    let split_parts = parts(new, &n_used, old, new, pairs.iter().map(|&(i, j)| (i, j)))
        .into_iter()
        .map(|(j, i)| (i, j))
        .collect();
    let merge_parts = parts(old, &o_used, new, old, pairs.iter().map(|&(i, j)| (j, i)));

    // Moves: pairs outside the longest increasing subsequence of new positions.
    let moved = out_of_order(&pairs);
    Alignment {
        pairs,
        split_parts,
        merge_parts,
        moved,
    }
}

/// An inverted index from shingle to the units that have it, in two flat arrays (one hash
/// map entry per distinct shingle, no list allocated per shingle).
struct Postings {
    /// Shingle → its entry.
    heads: FxHashMap<u32, Head>,
    /// Postings: (unit, previous posting of the same shingle or `u32::MAX`).
    list: Vec<(u32, u32)>,
    /// One bit per shingle hash (a Bloom filter with one function): most shingles looked up
    /// are in no indexed unit, and this answers for them without a hash-map probe.
    bits: Vec<u64>,
}

/// The index entry of one shingle.
#[derive(Clone, Copy)]
struct Head {
    /// Its last posting (postings are chained backwards).
    last: u32,
    /// Number of units that have it.
    count: u32,
    /// Its bit position when frequent (see [`Postings::number_frequent`]), else `u32::MAX`.
    bit: u32,
}

/// Bits of [`Postings::bits`] (2¹⁸: 32 KiB).
const FILTER_BITS: u64 = 1 << 18;

/// The filter bit of a shingle: its bits mixed, then the top 18.
fn filter_bit(s: u32) -> u64 {
    u64::from(s.wrapping_mul(0x85EB_CA6B) >> (32 - 18))
}

impl Postings {
    /// Indexes the shingles of `units` (as (unit index, shingles)).
    fn new<'u>(units: impl Iterator<Item = (usize, &'u [u32])>, size: usize) -> Self {
        let mut heads: FxHashMap<u32, Head> = FxHashMap::default();
        heads.reserve(size);
        let mut list = Vec::with_capacity(size);
        let mut bits = vec![0u64; (FILTER_BITS / 64) as usize];
        for (k, shingles) in units {
            for &s in shingles {
                let b = filter_bit(s);
                bits[(b / 64) as usize] |= 1 << (b % 64);
                let at = list.len() as u32;
                let e = heads.entry(s).or_insert(Head {
                    last: u32::MAX,
                    count: 0,
                    bit: u32::MAX,
                });
                list.push((k as u32, e.last));
                e.last = at;
                e.count += 1;
            }
        }
        Postings { heads, list, bits }
    }

    /// Number of units that have shingle `s`.
    fn count(&self, s: u32) -> u32 {
        self.head(s).map_or(0, |e| e.count)
    }

    /// Gives each shingle that more than `cap` units have a bit position; returns how many.
    fn number_frequent(&mut self, cap: u32) -> usize {
        let mut n = 0;
        for e in self.heads.values_mut() {
            if e.count > cap {
                e.bit = n;
                n += 1;
            }
        }
        n as usize
    }

    /// The entry of shingle `s`, if any unit has it.
    fn head(&self, s: u32) -> Option<Head> {
        let b = filter_bit(s);
        let maybe = self.bits[(b / 64) as usize] & (1 << (b % 64)) != 0;
        maybe.then(|| self.heads.get(&s).copied()).flatten()
    }

    /// The units of the postings from `at` back.
    fn walk(&self, mut at: u32) -> impl Iterator<Item = usize> + '_ {
        std::iter::from_fn(move || {
            let &(k, prev) = self.list.get(at as usize)?;
            at = prev;
            Some(k as usize)
        })
    }

    /// The units that have shingle `s`, or none when more than `cap` have it.
    fn units_if_rare(&self, s: u32, cap: u32) -> impl Iterator<Item = usize> + '_ {
        let last = self
            .head(s)
            .filter(|e| e.count <= cap)
            .map_or(u32::MAX, |e| e.last);
        self.walk(last)
    }
}

/// Jaccard similarity (of shingle sets) of every unmatched old/new pair that reaches
/// [`GAP_THRESHOLD`], as (similarity, old, new).
///
/// Shared shingles are counted through an inverted index of the new units, so the cost is
/// the length of the postings touched rather than old × new × text length. Shingles found
/// in many units ("of the", "the Parties") would make those postings long; they are
/// counted instead with one bit each per unit and a popcount per candidate pair. Candidates
/// are the pairs that share at least one rare shingle (for a unit made only of frequent
/// shingles, every open unit): two passages that have nothing but stock phrases in common
/// are not the same passage.
fn score_pairs(
    old: &[Unit],
    new: &[Unit],
    o_used: &[bool],
    n_used: &[bool],
) -> Vec<(f64, usize, usize)> {
    let open = || new.iter().enumerate().filter(|&(j, _)| !n_used[j]);
    let size = open().map(|(_, u)| u.shingles.len()).sum();
    let mut index = Postings::new(open().map(|(j, u)| (j, &u.shingles[..])), size);
    let n_open = n_used.iter().filter(|&&u| !u).count();
    let cap = (n_open / 16).max(16) as u32;
    // Frequent shingles get a bit position.
    let words = index.number_frequent(cap).div_ceil(64);
    let mut new_bits = vec![0u64; words * new.len()];
    if words > 0 {
        for (j, u) in open() {
            for &s in &u.shingles {
                if let Some(b) = index.head(s).map(|e| e.bit).filter(|&b| b != u32::MAX) {
                    new_bits[j * words + b as usize / 64] |= 1 << (b % 64);
                }
            }
        }
    }
    let mut scored = Vec::new();
    let mut shared = vec![0u32; new.len()];
    let mut touched: Vec<usize> = Vec::new();
    let mut ob = vec![0u64; words];
    for (i, u) in old.iter().enumerate() {
        if o_used[i] || u.shingles.is_empty() {
            continue;
        }
        // One probe per shingle: a frequent one sets its bit, a rare one counts its units.
        ob.fill(0);
        let mut n_frequent = 0;
        for &s in &u.shingles {
            match index.head(s) {
                Some(e) if e.bit != u32::MAX => {
                    ob[e.bit as usize / 64] |= 1 << (e.bit % 64);
                    n_frequent += 1;
                }
                Some(e) => {
                    for j in index.walk(e.last) {
                        if shared[j] == 0 {
                            touched.push(j);
                        }
                        shared[j] += 1;
                    }
                }
                None => {}
            }
        }
        // A unit made only of frequent shingles (a short formula) has no rare shingle to
        // find its partners by: every open new unit is then a candidate.
        if n_frequent == u.shingles.len() {
            touched.extend((0..new.len()).filter(|&j| !n_used[j]));
        }
        for &j in &touched {
            let rare = std::mem::take(&mut shared[j]) as usize;
            let frequent: u32 = ob
                .iter()
                .zip(&new_bits[j * words..(j + 1) * words])
                .map(|(a, b)| (a & b).count_ones())
                .sum();
            let c = rare + frequent as usize;
            let sim = c as f64 / (u.shingles.len() + new[j].shingles.len() - c).max(1) as f64;
            if sim >= GAP_THRESHOLD {
                scored.push((sim, i, j));
            }
        }
        touched.clear();
    }
    scored
}

/// For each unused unit of `units`, the `whole` unit (of a matched pair `(whole, sibling)`)
/// that contributed at least half of its text without that text going to the `sibling`:
/// returns (unit, whole) index pairs.
///
/// The unused units are usually few: their shingles go into a small index, the wholes'
/// shingles are streamed past it once to count shared shingles per (unit, pair), and only
/// pairs holding at least half of a unit's shingles get the exact check. Units are taken in
/// chunks so the count table stays small however many there are.
fn parts(
    units: &[Unit],
    used: &[bool],
    whole: &[Unit],
    sibling: &[Unit],
    pairs: impl Iterator<Item = (usize, usize)>,
) -> Vec<(usize, usize)> {
    let open: Vec<usize> = (0..units.len())
        .filter(|&k| !used[k] && !units[k].shingles.is_empty())
        .collect();
    let mut out = Vec::new();
    if open.is_empty() {
        return out;
    }
    // A whole that its sibling nearly contains gave nothing away: the check below would turn
    // down every part of it, so its shingles are not even counted.
    let pairs: Vec<(usize, usize)> = pairs
        .filter(|&(w, s)| containment(&whole[w], &sibling[s]) < 0.95)
        .collect();
    if pairs.is_empty() {
        return out;
    }
    let np = pairs.len();
    let chunk = (1 << 20) / np + 1;
    for group in open.chunks(chunk) {
        let size = group.iter().map(|&k| units[k].shingles.len()).sum();
        let index = Postings::new(
            group
                .iter()
                .enumerate()
                .map(|(g, &k)| (g, &units[k].shingles[..])),
            size,
        );
        // Shingles that many units of the group have ("of the") are not counted: a unit's
        // frequent shingles are assumed shared, which keeps the filter below exact (it never
        // turns away a pair the full check would take) and the counting short.
        let cap = (group.len() as u32 / 16).max(16);
        let n_frequent: Vec<usize> = group
            .iter()
            .map(|&k| {
                units[k]
                    .shingles
                    .iter()
                    .filter(|&&s| index.count(s) > cap)
                    .count()
            })
            .collect();
        let mut count = vec![0u32; group.len() * np];
        for (p, &(w, _)) in pairs.iter().enumerate() {
            for &s in &whole[w].shingles {
                for g in index.units_if_rare(s, cap) {
                    count[g * np + p] += 1;
                }
            }
        }
        for (g, &k) in group.iter().enumerate() {
            let u = &units[k];
            let mut best: Option<(f64, usize)> = None;
            for (p, &(w, s)) in pairs.iter().enumerate() {
                if 2 * (count[g * np + p] as usize + n_frequent[g]) < u.shingles.len() {
                    continue;
                }
                let share = contributed(u, &whole[w], &sibling[s]);
                if share >= 0.5 && best.is_none_or(|(b, bw)| share > b || (share == b && w < bw)) {
                    best = Some((share, w));
                }
            }
            if let Some((_, w)) = best {
                out.push((k, w));
            }
        }
    }
    out.sort_unstable();
    out
}

/// Similarity (Dice coefficient of the bytes a word diff kept) a pair of sub-units needs to
/// be matched by [`by_ops`].
pub(crate) const OPS_THRESHOLD: f64 = 0.3;

/// Aligns the sub-units of two matched texts (paragraphs of two articles) through the word
/// diff of those texts instead of by shingles: two sub-units are as similar as the bytes the
/// diff kept equal between them. `old`/`new` are the sub-units' byte ranges (ascending,
/// disjoint); `ops` are (old range, new range) of the diff's equal runs, ascending.
///
/// Pairs are mutual best partners reaching [`OPS_THRESHOLD`]; an unmatched sub-unit that got
/// at least half of its bytes from a matched one is a split (or merge) part. The diff is
/// in order, so nothing comes out moved; sub-units that moved are left unmatched for the
/// caller to align by content. Linear in ops plus sub-units.
pub(crate) fn by_ops(
    old: &[std::ops::Range<usize>],
    new: &[std::ops::Range<usize>],
    equal: impl Iterator<Item = (usize, usize, usize)>,
) -> Alignment {
    // Bytes kept equal per (old sub-unit, new sub-unit), in diff order.
    let mut shared: Vec<(usize, usize, usize)> = Vec::new();
    let (mut i, mut j) = (0usize, 0usize);
    for (mut a, mut b, mut len) in equal {
        while len > 0 {
            while i < old.len() && old[i].end <= a {
                i += 1;
            }
            while j < new.len() && new[j].end <= b {
                j += 1;
            }
            // The run up to the next boundary of either side.
            let mut step = len;
            let oi = old.get(i).filter(|r| r.start <= a);
            let nj = new.get(j).filter(|r| r.start <= b);
            match oi {
                Some(r) => step = step.min(r.end - a),
                None => {
                    if let Some(r) = old.get(i) {
                        step = step.min(r.start - a);
                    }
                }
            }
            match nj {
                Some(r) => step = step.min(r.end - b),
                None => {
                    if let Some(r) = new.get(j) {
                        step = step.min(r.start - b);
                    }
                }
            }
            if oi.is_some() && nj.is_some() {
                match shared.last_mut() {
                    Some(last) if last.0 == i && last.1 == j => last.2 += step,
                    _ => shared.push((i, j, step)),
                }
            }
            a += step;
            b += step;
            len -= step;
        }
    }
    let size = |r: &std::ops::Range<usize>| (r.end - r.start).max(1);
    let mut best_o = vec![0usize; old.len()];
    let mut best_n = vec![0usize; new.len()];
    for &(i, j, n) in &shared {
        best_o[i] = best_o[i].max(n);
        best_n[j] = best_n[j].max(n);
    }
    let mut o_used = vec![false; old.len()];
    let mut n_used = vec![false; new.len()];
    let mut pairs = Vec::new();
    for &(i, j, n) in &shared {
        let dice = 2.0 * n as f64 / (size(&old[i]) + size(&new[j])) as f64;
        if n == best_o[i] && n == best_n[j] && dice >= OPS_THRESHOLD && !o_used[i] && !n_used[j] {
            o_used[i] = true;
            n_used[j] = true;
            pairs.push((i, j));
        }
    }
    let mut split_parts = Vec::new();
    let mut merge_parts = Vec::new();
    for &(i, j, n) in &shared {
        if o_used[i] && !n_used[j] && 2 * n >= size(&new[j]) {
            split_parts.push((i, j));
        } else if n_used[j] && !o_used[i] && 2 * n >= size(&old[i]) {
            merge_parts.push((i, j));
        }
    }
    // A sub-unit takes part in at most one split or merge.
    split_parts.dedup_by_key(|p| p.1);
    merge_parts.dedup_by_key(|p| p.0);
    Alignment {
        pairs,
        split_parts,
        merge_parts,
        moved: HashSet::new(),
    }
}

/// Indexes of `pairs` (sorted by old) whose new index is not on a longest increasing run.
pub(crate) fn out_of_order(pairs: &[(usize, usize)]) -> HashSet<usize> {
    let n = pairs.len();
    let mut tails: Vec<usize> = Vec::new(); // index into pairs of the tail of each length
    let mut prev = vec![usize::MAX; n];
    for k in 0..n {
        let v = pairs[k].1;
        let pos = tails.partition_point(|&t| pairs[t].1 < v);
        if pos > 0 {
            prev[k] = tails[pos - 1];
        }
        if pos == tails.len() {
            tails.push(k);
        } else {
            tails[pos] = k;
        }
    }
    let mut keep = HashSet::new();
    let mut k = tails.last().copied().unwrap_or(usize::MAX);
    while k != usize::MAX {
        keep.insert(k);
        k = prev[k];
    }
    (0..n).filter(|k| !keep.contains(k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(n: &str, text: &str) -> Unit {
        let w: Vec<&str> = text.split_whitespace().collect();
        Unit::new(Some(n.into()), &w)
    }

    #[test]
    fn insertion_renumbers_without_moving() {
        let old = [u("1", "alpha beta gamma"), u("2", "delta epsilon zeta")];
        let new = [
            u("1", "alpha beta gamma"),
            u("2", "new text here now"),
            u("3", "delta epsilon zeta"),
        ];
        let a = align(&old, &new, None);
        assert_eq!(a.pairs, [(0, 0), (1, 2)]);
        assert!(a.moved.is_empty());
    }

    #[test]
    fn sub_units_align_through_the_word_diff() {
        // Old paragraphs [0, 100) and [100, 200); new [0, 60), [60, 110), [110, 210).
        // The diff kept old 0..60 as new 0..60 and old 60..100 as new 60..100 (the first
        // old paragraph split in two), and old 100..200 as new 110..210.
        let old = [0..100, 100..200];
        let new = [0..60, 60..110, 110..210];
        let equal = [(0, 0, 60), (60, 60, 40), (100, 110, 100)];
        let a = by_ops(&old, &new, equal.into_iter());
        assert_eq!(a.pairs, [(0, 0), (1, 2)]);
        assert_eq!(a.split_parts, [(0, 1)]);
        assert!(a.merge_parts.is_empty() && a.moved.is_empty());
        // Nothing kept between them: left unmatched for the alignment by content.
        let a = by_ops(&old, &new[..2], [(0, 0, 10)].into_iter());
        assert!(a.pairs.is_empty());
    }

    #[test]
    fn detects_a_move() {
        let old = [u("1", "a b c d"), u("2", "e f g h"), u("3", "i j k l")];
        let new = [u("1", "e f g h"), u("2", "i j k l"), u("3", "a b c d")];
        let a = align(&old, &new, None);
        assert_eq!(a.moved.len(), 1);
        let moved = a.pairs[*a.moved.iter().next().unwrap()];
        assert_eq!(moved, (0, 2));
    }
}
