//! Aligning two sequences of units (articles, paragraphs, recitals) by content: identical
//! text first, then same number and still similar, then the best remaining match above a
//! threshold wherever it went; then splits, merges and moves.

use rustc_hash::{FxHashMap, FxHasher};
use std::collections::HashSet;
use std::hash::Hasher;

/// A unit to align: its number and the word tokens of its content (without its label).
#[derive(Clone, Debug)]
pub(crate) struct Unit {
    pub number: Option<String>,
    /// Hash of the content words, for identity.
    pub hash: u64,
    /// Sorted, deduplicated hashes of word bigrams (unigrams for one-word texts).
    pub shingles: Vec<u64>,
}

/// Hash of a word compared case-insensitively (the hash of its lower-case form).
fn word_hash(w: &str, buf: &mut String) -> u64 {
    let mut h = FxHasher::default();
    if w.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        buf.clear();
        buf.extend(w.chars().flat_map(char::to_lowercase));
        h.write(buf.as_bytes());
    } else {
        h.write(w.as_bytes());
    }
    h.finish()
}

/// Hash of a sequence of hashes.
fn combine(hs: &[u64]) -> u64 {
    let mut h = FxHasher::default();
    for &x in hs {
        h.write_u64(x);
    }
    h.finish()
}

impl Unit {
    /// Builds a unit from its number and content words (compared case-insensitively).
    pub fn new(number: Option<String>, words: &[&str]) -> Self {
        let mut buf = String::new();
        let hs: Vec<u64> = words.iter().map(|w| word_hash(w, &mut buf)).collect();
        let mut shingles: Vec<u64> = if hs.len() < 2 {
            hs.clone()
        } else {
            hs.windows(2).map(combine).collect()
        };
        shingles.sort_unstable();
        shingles.dedup();
        Unit {
            number,
            hash: combine(&hs),
            shingles,
        }
    }
}

fn common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
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

/// Similarity a pair needs when it also sits in the same gap between matches.
pub(crate) const GAP_THRESHOLD: f64 = 0.15;

/// Aligns `old` and `new`.
pub(crate) fn align(old: &[Unit], new: &[Unit]) -> Alignment {
    let mut o_used = vec![false; old.len()];
    let mut n_used = vec![false; new.len()];
    let mut pairs = Vec::new();
    // 1. Identical content; prefer the same number, then the nearest position.
    let mut by_hash: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
    for (j, u) in new.iter().enumerate() {
        by_hash.entry(u.hash).or_default().push(j);
    }
    for (i, u) in old.iter().enumerate() {
        let Some(cands) = by_hash.get(&u.hash) else {
            continue;
        };
        let best = cands
            .iter()
            .copied()
            .filter(|&j| !n_used[j])
            .min_by_key(|&j| (new[j].number != u.number, j.abs_diff(i)));
        if let Some(j) = best {
            o_used[i] = true;
            n_used[j] = true;
            pairs.push((i, j));
        }
    }
    // Candidate pairs among the rest: an inverted index of shingles limits the candidates to
    // units that share text.
    let mut index: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
    for (j, u) in new.iter().enumerate() {
        if !n_used[j] {
            for &s in &u.shingles {
                index.entry(s).or_default().push(j);
            }
        }
    }
    // Shared shingles are counted through the index (no pairwise merge), so the cost is the
    // total length of the postings touched rather than old × new × text length.
    let mut scored: Vec<(f64, usize, usize)> = Vec::new();
    let mut shared = vec![0u32; new.len()];
    let mut touched: Vec<usize> = Vec::new();
    for (i, u) in old.iter().enumerate() {
        if o_used[i] {
            continue;
        }
        for s in &u.shingles {
            if let Some(js) = index.get(s) {
                for &j in js {
                    if shared[j] == 0 {
                        touched.push(j);
                    }
                    shared[j] += 1;
                }
            }
        }
        for &j in &touched {
            let c = shared[j] as usize;
            shared[j] = 0;
            let sim = c as f64 / (u.shingles.len() + new[j].shingles.len() - c).max(1) as f64;
            if sim >= GAP_THRESHOLD {
                scored.push((sim, i, j));
            }
        }
        touched.clear();
    }
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

/// For each unused unit of `units`, the `whole` unit (of a matched pair `(whole, sibling)`)
/// that contributed at least half of its text without that text going to the `sibling`:
/// returns (unit, whole) index pairs. An inverted index of the wholes' shingles limits the
/// exact check to pairs whose whole holds at least half of the unit's shingles.
fn parts(
    units: &[Unit],
    used: &[bool],
    whole: &[Unit],
    sibling: &[Unit],
    pairs: impl Iterator<Item = (usize, usize)>,
) -> Vec<(usize, usize)> {
    let pairs: Vec<(usize, usize)> = pairs.collect();
    let mut out = Vec::new();
    if used.iter().all(|&u| u) || pairs.is_empty() {
        return out;
    }
    let mut index: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    for (k, &(w, _)) in pairs.iter().enumerate() {
        for &s in &whole[w].shingles {
            index.entry(s).or_default().push(k as u32);
        }
    }
    let mut shared = vec![0u32; pairs.len()];
    let mut touched: Vec<u32> = Vec::new();
    for (k, u) in units.iter().enumerate() {
        if used[k] || u.shingles.is_empty() {
            continue;
        }
        for s in &u.shingles {
            for &p in index.get(s).map_or(&[][..], Vec::as_slice) {
                if shared[p as usize] == 0 {
                    touched.push(p);
                }
                shared[p as usize] += 1;
            }
        }
        let mut best: Option<(f64, usize)> = None;
        for &p in &touched {
            let c = std::mem::take(&mut shared[p as usize]) as usize;
            if 2 * c < u.shingles.len() {
                continue;
            }
            let (w, s) = pairs[p as usize];
            let share = contributed(u, &whole[w], &sibling[s]);
            if share >= 0.5
                && containment(&whole[w], &sibling[s]) < 0.95
                && best.is_none_or(|(b, bw)| share > b || (share == b && w < bw))
            {
                best = Some((share, w));
            }
        }
        touched.clear();
        if let Some((_, w)) = best {
            out.push((k, w));
        }
    }
    out
}

/// Indexes of `pairs` (sorted by old) whose new index is not on a longest increasing run.
fn out_of_order(pairs: &[(usize, usize)]) -> HashSet<usize> {
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
        let a = align(&old, &new);
        assert_eq!(a.pairs, [(0, 0), (1, 2)]);
        assert!(a.moved.is_empty());
    }

    #[test]
    fn detects_a_move() {
        let old = [u("1", "a b c d"), u("2", "e f g h"), u("3", "i j k l")];
        let new = [u("1", "e f g h"), u("2", "i j k l"), u("3", "a b c d")];
        let a = align(&old, &new);
        assert_eq!(a.moved.len(), 1);
        let moved = a.pairs[*a.moved.iter().next().unwrap()];
        assert_eq!(moved, (0, 2));
    }
}
