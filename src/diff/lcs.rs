//! Longest common subsequence of two token sequences by bit-parallel dynamic programming
//! (Allison and Dix 1986; Crochemore et al. 2001; Hyyrö 2004): one row of the LCS table
//! is a bit vector, and the next row is computed from it with one multi-word addition and a
//! few logical operations, 64 columns per machine word.
//!
//! Myers' algorithm (used through `similar` for everything else) does work proportional to
//! the length times the number of differences. Treaty texts have dense differences in
//! exactly the places a reader cares about: a tariff timetable whose every line changed by
//! a figure or two (a rate of 90 % that became 92 %), a list of products rewritten.
//! There Myers runs through hundreds of diagonals; the bit-parallel table costs
//! `len(b) × len(a) / 64` word operations whatever the differences. No maintained crate
//! computes such an alignment (rather than only its length) for sequences of integers,
//! hence this module.
//!
//! The result is a longest common subsequence, so it has the same number of matched (and
//! of changed) tokens as Myers' minimal edit script; where several exist the two may pick
//! different ones.

/// Most table words (rows times 64-bit words per row) for which [`bit_parallel_runs`] runs: 256
/// KiB of row history. Larger inputs go to Myers, whose cost is then usually lower (long
/// texts that reach a word diff are mostly alike).
pub(crate) const MAX_WORDS: usize = 1 << 15;

/// Calls `run(x, y, len)` for each run of matched tokens `a[x..x + len] == b[y..y + len]`
/// of a longest common subsequence of `a` and `b`, in order. Returns `false` without
/// calling `run` when the table would be larger than [`MAX_WORDS`].
pub(crate) fn bit_parallel_runs<T: Ord + Copy>(
    a: &[T],
    b: &[T],
    mut run: impl FnMut(usize, usize, usize),
) -> bool {
    let w = a.len().div_ceil(64);
    if w == 0 || b.is_empty() {
        return true;
    }
    if w.saturating_mul(b.len()) > MAX_WORDS {
        return false;
    }
    // The table is built over both sequences reversed, so that the walk through it goes
    // forward and takes each match at its first chance, as Myers' greedy snakes do: an
    // inserted clause that ends like its neighbour ("…, Mindful of …,") then shows as
    // inserted after the matched comma, not before it.
    let (n, m) = (a.len(), b.len());
    // One bit mask per distinct token of `a`: where it occurs, `a[i]` at bit `n - 1 - i`.
    let mut by_id: Vec<(T, u32)> = (0u32..).zip(a).map(|(i, &x)| (x, i)).collect();
    by_id.sort_unstable();
    let mut ids: Vec<T> = Vec::new();
    let mut masks: Vec<u64> = Vec::new();
    for &(x, i) in &by_id {
        if ids.last() != Some(&x) {
            ids.push(x);
            masks.resize(masks.len() + w, 0);
        }
        let bit = n - 1 - i as usize;
        let base = masks.len() - w;
        masks[base + bit / 64] |= 1 << (bit % 64);
    }
    // Row `r` holds the table after `b[m - 1 - r..]`: bit `n - 1 - i` is clear where the LCS
    // of `a[i..]` and `b[m - 1 - r..]` is one longer than that of `a[i + 1..]` and the same.
    let mut rows = vec![0u64; w * m];
    let mut v = vec![!0u64; w];
    for (r, y) in b.iter().rev().enumerate() {
        if let Ok(k) = ids.binary_search(y) {
            let pm = &masks[k * w..(k + 1) * w];
            let mut carry = false;
            for (v, &pm) in v.iter_mut().zip(pm) {
                let u = *v & pm;
                let (s, c1) = v.overflowing_add(u);
                let (s, c2) = s.overflowing_add(u64::from(carry));
                carry = c1 | c2;
                *v = s | (*v & !u);
            }
        }
        rows[r * w..(r + 1) * w].copy_from_slice(&v);
    }
    // Forward from the start: a match is always on some longest path; otherwise skip
    // `a[x]` when the rest of `b` has as long a common subsequence without it, else `b[y]`.
    let (mut x, mut y) = (0, 0);
    let mut start: Option<(usize, usize)> = None;
    while x < n && y < m {
        if a[x] == b[y] {
            start.get_or_insert((x, y));
            x += 1;
            y += 1;
            continue;
        }
        if let Some((sx, sy)) = start.take() {
            run(sx, sy, x - sx);
        }
        let bit = n - 1 - x;
        if rows[(m - 1 - y) * w + bit / 64] >> (bit % 64) & 1 == 1 {
            x += 1;
        } else {
            y += 1;
        }
    }
    if let Some((sx, sy)) = start {
        run(sx, sy, x - sx);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The matched runs as a list, checked to be increasing, disjoint and really equal.
    fn runs_of(a: &[u32], b: &[u32]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        assert!(bit_parallel_runs(a, b, |x, y, len| out.push((x, y, len))));
        let mut at = (0, 0);
        for &(x, y, len) in &out {
            assert!(len > 0 && x >= at.0 && y >= at.1, "{out:?}");
            assert_eq!(a[x..x + len], b[y..y + len]);
            at = (x + len, y + len);
        }
        out
    }

    /// LCS length by the textbook quadratic table.
    fn lcs_len(a: &[u32], b: &[u32]) -> usize {
        let mut prev = vec![0usize; a.len() + 1];
        for &y in b {
            let mut row = vec![0usize; a.len() + 1];
            for (i, &x) in a.iter().enumerate() {
                row[i + 1] = if x == y {
                    prev[i] + 1
                } else {
                    row[i].max(prev[i + 1])
                };
            }
            prev = row;
        }
        prev[a.len()]
    }

    #[test]
    fn finds_the_changed_figures_of_a_timetable() {
        // Two lines "<rate> 90 %" and "<rate> 80 %" whose figures became 92 and 84.
        let a = [1, 2, 90, 3, 1, 2, 80, 3];
        let b = [1, 2, 92, 3, 1, 2, 84, 3];
        assert_eq!(runs_of(&a, &b), vec![(0, 0, 2), (3, 3, 3), (7, 7, 1)]);
    }

    #[test]
    fn empty_sides_and_disjoint_sides_match_nothing() {
        assert!(runs_of(&[], &[1, 2]).is_empty());
        assert!(runs_of(&[1, 2], &[]).is_empty());
        assert!(runs_of(&[1, 2, 3], &[4, 5]).is_empty());
    }

    #[test]
    fn refuses_tables_over_the_limit() {
        let a = vec![7u32; 64 * 64];
        let b = vec![7u32; MAX_WORDS / 64 + 1];
        assert!(!bit_parallel_runs(&a, &b, |_, _, _| panic!(
            "no runs when refused"
        )));
        let b = vec![7u32; MAX_WORDS / 64];
        let mut matched = 0;
        assert!(bit_parallel_runs(&a, &b, |_, _, len| matched += len));
        assert_eq!(matched, b.len());
    }

    proptest! {
        /// The runs form a common subsequence as long as the longest one, over small
        /// alphabets (many repeats, as in tariff lists) and across word boundaries.
        #[test]
        fn is_a_longest_common_subsequence(
            a in proptest::collection::vec(0u32..6, 0..200),
            b in proptest::collection::vec(0u32..6, 0..200),
        ) {
            let matched: usize = runs_of(&a, &b).iter().map(|r| r.2).sum();
            prop_assert_eq!(matched, lcs_len(&a, &b));
        }
    }
}
