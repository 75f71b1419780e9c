//! Choosing which candidate lines are real article headings.
//!
//! A line such as "Article 51 of the Charter …" that a line wrap put at the start of a line
//! looks like a heading. Each candidate gets a local score from its own line and its
//! neighbours (what follows the number, a blank line before it, the document's usual
//! heading style), and the chosen headings are the best-scoring chain in document order,
//! where a chain earns a bonus for numbers that follow each other (7 → 8, 3.9 → 3.10,
//! 3.12 → 4.1) and a penalty for numbers that go back. The chain is found by dynamic
//! programming over the candidates only, so the cost is linear in the input plus a small
//! window per candidate.

use super::lines::Line;
use super::rules::{self, ArticleHead, Case, Rest};
use std::collections::BTreeMap;

/// How a heading relates to the line above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Above {
    /// Start of the input or a blank line.
    Blank,
    /// A line ending a sentence or clause ("." ";" ":").
    SentenceEnd,
    /// A short stand-alone line that may be this heading's caption.
    CaptionLike,
    /// A line that runs on into this one.
    MidSentence,
}

pub(crate) fn above(lines: &[Line], i: usize) -> Above {
    if i == 0 || lines[i - 1].is_blank() {
        return Above::Blank;
    }
    let prev = lines[i - 1].trimmed();
    if prev.ends_with(['.', ';', ':', '!', '?', ')', '"', '”', '»']) {
        return Above::SentenceEnd;
    }
    if is_caption_line(lines, i - 1)
        && (i < 2 || lines[i - 2].is_blank() || ends_clause(lines[i - 2].trimmed()))
    {
        return Above::CaptionLike;
    }
    Above::MidSentence
}

fn ends_clause(s: &str) -> bool {
    s.ends_with(['.', ';', ':', '!', '?', ')', '"', '”', '»'])
}

/// True when line `i` could stand alone as a caption: short, starts with a capital, does
/// not end like a sentence, is not itself a heading or a list item, and is not the first
/// line of a wrapped paragraph. (Every condition must hold; the cheap ones are tested
/// first, as most lines fail one of them.)
pub(crate) fn is_caption_line(lines: &[Line], i: usize) -> bool {
    let Some(l) = lines.get(i) else { return false };
    let t = l.trimmed();
    let Some(first) = t.chars().next() else {
        return false;
    };
    // "Scope", "(Scope)", "[Scope]", and the dash or colon layouts "— Scope", "- Scope",
    // ": Scope".
    let after_mark = |marks: &[char]| {
        marks.contains(&first)
            && t[first.len_utf8()..]
                .trim_start()
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
    };
    let starts_ok = first.is_uppercase()
        || ((first == '[' || first == '(')
            && t[1..].chars().next().is_some_and(char::is_uppercase))
        || after_mark(&['-', '–', '—', ':']);
    if !starts_ok || t.ends_with([',', ';', ':']) {
        return false;
    }
    // The first line of a wrapped sentence is followed by its lower-case continuation.
    if let Some(next) = lines[i + 1..].iter().take(3).find(|l| !l.is_blank()) {
        if next
            .trimmed()
            .chars()
            .next()
            .is_some_and(char::is_lowercase)
        {
            return false;
        }
    }
    let n = t.chars().count();
    if n > 200 {
        return false;
    }
    if t.ends_with('.') && (n > 60 || t.split_whitespace().count() > 8) {
        return false;
    }
    let (mut n_words, mut last) = (0, "");
    for w in t.split_whitespace() {
        n_words += 1;
        last = w;
    }
    if n_words > 30 {
        return false;
    }
    // The verbs are ASCII: compared without case byte by byte, as in the lower-cased line
    // (no other character lower-cases to these letters).
    if has_modal_verb(t) {
        return false;
    }
    // A line that stops on a function word was cut by a line wrap. (The stop words are
    // ASCII without a "k": no other character lower-cases into one of them.)
    let last = last.trim_end_matches(['.', ',']);
    if last.is_ascii() && STOP_WORDS.iter().any(|w| last.eq_ignore_ascii_case(w)) {
        return false;
    }
    // Long captions are written in title case or capitals; long sentence-case lines are text.
    if n_words > 12 {
        let (mut long, mut caps) = (0, 0);
        for w in t.split_whitespace().filter(|w| w.chars().count() > 3) {
            long += 1;
            caps += usize::from(w.chars().next().is_some_and(char::is_uppercase));
        }
        if caps * 10 < long * 6 {
            return false;
        }
    }
    !(rules::marker(t).is_some()
        || rules::article_head(t).is_some()
        || rules::division_head(t).is_some())
}

/// A short caption after a dash on the line after a label ("- Right to life", "— THE
/// COMMISSION"): a dash line anywhere else is a list item.
fn is_dash_caption(lines: &[Line], j: usize) -> bool {
    let Some(l) = lines.get(j) else { return false };
    let t = l.trimmed();
    let Some(m) = rules::marker(t) else {
        return false;
    };
    let rest = t[m.label.len()..].trim_start();
    m.style == rules::MarkerStyle::Bullet
        && rest.chars().next().is_some_and(char::is_uppercase)
        && !rest.ends_with([',', ';', ':'])
        && rest.split_whitespace().count() <= 8
        && lines.get(j + 1).is_none_or(Line::is_blank)
}

/// True when `t` contains " shall ", " will ", " may ", " must " or " agree ", compared
/// without ASCII case: each space is tried as the start of each.
fn has_modal_verb(t: &str) -> bool {
    const VERBS: [&[u8]; 5] = [b" shall ", b" will ", b" may ", b" must ", b" agree "];
    let b = t.as_bytes();
    memchr::memchr_iter(b' ', b).any(|p| {
        VERBS.iter().any(|v| {
            b.get(p..p + v.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(v))
        })
    })
}

/// Words that end a line only when a line wrap cut the sentence.
const STOP_WORDS: [&str; 40] = [
    "the", "of", "to", "and", "or", "a", "an", "in", "with", "by", "for", "on", "at", "from",
    "that", "which", "as", "its", "their", "be", "is", "are", "this", "such", "any", "de", "la",
    "el", "los", "las", "del", "que", "en", "y", "le", "les", "des", "du", "et", "un",
];

/// A candidate article heading on line `line`.
#[derive(Clone, Debug)]
pub(crate) struct Candidate<'a> {
    pub line: usize,
    pub head: ArticleHead<'a>,
}

fn style_key(h: &ArticleHead) -> (String, Case) {
    (h.keyword.to_lowercase(), h.case)
}

fn local_score(
    lines: &[Line],
    c: &Candidate,
    above_it: Above,
    dominant: Option<&(String, Case)>,
) -> f64 {
    let mut s = match c.head.rest_kind {
        Rest::Empty => 2.0,
        Rest::Separated => 2.5,
        Rest::Dotted => 1.5,
        Rest::Caption => {
            let cap = c.head.caption.unwrap_or("");
            if super::lines::longer_than(cap, 160) || cap.to_lowercase().contains(" shall ") {
                -1.0
            } else {
                1.0
            }
        }
        Rest::DotOnly => -1.0,
        Rest::Sentence => -4.0,
    };
    s += match above_it {
        Above::Blank => 1.5,
        Above::SentenceEnd | Above::CaptionLike => 0.0,
        Above::MidSentence => -2.5,
    };
    if c.head.rest_kind == Rest::Empty {
        let next = lines[c.line + 1..].iter().find(|l| !l.is_blank());
        if next.is_some_and(|l| continues_sentence(l.trimmed())) {
            s -= 3.0;
        }
    }
    if c.head.case == Case::Lower {
        s -= 2.0;
    }
    if let Some(d) = dominant {
        s += if style_key(&c.head) == *d { 1.0 } else { -1.0 };
    }
    s
}

/// True when `t` reads as the continuation of a sentence broken after "Article N":
/// "of the Charter …", or "2 of GATT 1994 …" after "Article III".
fn continues_sentence(t: &str) -> bool {
    let mut words = t.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    if first.chars().next().is_some_and(char::is_lowercase) {
        return true;
    }
    let numeric = first
        .trim_start_matches([':', '('])
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit());
    numeric
        && !first.ends_with(['.', ')'])
        && words
            .next()
            .is_some_and(|w| w.chars().next().is_some_and(char::is_lowercase))
}

/// The highest score [`transition`] gives.
const MAX_TRANSITION: f64 = 3.0;

fn transition(a: &Candidate, b: &Candidate) -> f64 {
    let (x, y) = (&a.head.number, &b.head.number);
    if x.is_followed_by(y) {
        MAX_TRANSITION
    } else if x.is_near_after(y) {
        0.5
    } else if x.cmp_key(y).is_lt() {
        -0.5
    } else if y.key.iter().all(|&k| k <= 1) {
        -1.0
    } else {
        -1.5
    }
}

/// How far back the chain looks for an exact predecessor.
const WINDOW: usize = 256;

/// Picks the article headings among `cands` (in line order); returns their indexes.
pub(crate) fn choose(lines: &[Line], cands: &[Candidate]) -> Vec<usize> {
    if cands.is_empty() {
        return Vec::new();
    }
    // The document's usual heading style, learnt from the clearest candidates. Ordered, so
    // that a tie goes the same way on every run (a hash map's order is random per process).
    let aboves: Vec<Above> = cands.iter().map(|c| above(lines, c.line)).collect();
    let mut styles: BTreeMap<(String, Case), usize> = BTreeMap::new();
    for (c, &a) in cands.iter().zip(&aboves) {
        if matches!(c.head.rest_kind, Rest::Empty | Rest::Separated) && a == Above::Blank {
            *styles.entry(style_key(&c.head)).or_default() += 1;
        }
    }
    let dominant = styles
        .iter()
        .max_by_key(|(k, v)| (**v, k.0.len()))
        .filter(|(_, v)| **v >= 3)
        .map(|(k, _)| k.clone());
    let local: Vec<f64> = cands
        .iter()
        .zip(&aboves)
        .map(|(c, &a)| local_score(lines, c, a, dominant.as_ref()))
        .collect();

    let (best, back) = best_chains(&local, |j, i| transition(&cands[j], &cands[i]));
    let mut end = 0;
    for i in 0..best.len() {
        if best[i] > best[end] {
            end = i;
        }
    }
    let mut chosen = Vec::new();
    if best[end] <= 0.0 {
        return chosen;
    }
    let mut i = end;
    loop {
        chosen.push(i);
        if back[i] == usize::MAX {
            break;
        }
        i = back[i];
    }
    chosen.reverse();
    // A candidate with a clearly negative score rides along only when its number fits.
    chosen.retain(|&i| local[i] > -3.0);
    chosen
}

/// The best chain ending at each candidate, by dynamic programming: its score (`local`
/// scores plus the [`transition`] scores `trans(j, i)` from each candidate `j` to the next
/// `i`) and the candidate before it (`usize::MAX` for none). A chain may start anywhere
/// (score 0 before it) and may jump from beyond the window at a cost of 1.
fn best_chains(local: &[f64], trans: impl Fn(usize, usize) -> f64) -> (Vec<f64>, Vec<usize>) {
    let n = local.len();
    let mut best = vec![0.0f64; n];
    let mut back = vec![usize::MAX; n];
    // Best chain ending before the window, for long gaps.
    let mut far: (f64, usize) = (f64::NEG_INFINITY, usize::MAX);
    for i in 0..n {
        if i > WINDOW {
            let j = i - WINDOW - 1;
            if best[j] > far.0 {
                far = (best[j], j);
            }
        }
        let (mut b, mut bj) = (0.0, usize::MAX);
        if far.0 - 1.0 > b {
            (b, bj) = (far.0 - 1.0, far.1);
        }
        // The best predecessor in the window (the earliest on a tie), if it beats `b`.
        // Scanned from the nearest, where chains score highest: a candidate that could not
        // reach the best found even with the highest transition is not scored.
        let (mut w, mut wj) = (f64::NEG_INFINITY, usize::MAX);
        for j in (i.saturating_sub(WINDOW)..i).rev() {
            if best[j] + MAX_TRANSITION < w.max(b) {
                continue;
            }
            let v = best[j] + trans(j, i);
            if v >= w {
                (w, wj) = (v, j);
            }
        }
        if w > b {
            (b, bj) = (w, wj);
        }
        best[i] = local[i] + b;
        back[i] = bj;
    }
    (best, back)
}

/// Where captions stand relative to bare labels in this document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CaptionLayout {
    /// "Article 5" then "Scope" on the next line (or after one blank line).
    After,
    /// "Scope" then "Article 5".
    Before,
}

/// The line of the caption that follows a bare label on line `i`, if there is one.
pub(crate) fn caption_after(lines: &[Line], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if lines.get(j).is_some_and(Line::is_blank) {
        j += 1;
    }
    if !is_caption_line(lines, j)
        && !is_short_lowercase_caption(lines, j)
        && !is_dash_caption(lines, j)
    {
        return None;
    }
    // A caption is followed by a blank line or by the article text starting afresh.
    match lines.get(j + 1) {
        None => Some(j),
        Some(l) if l.is_blank() => Some(j),
        Some(l) => {
            let t = l.trimmed();
            let cap = lines[j].trimmed();
            let wrapped_sentence = !cap.ends_with('.')
                && super::lines::longer_than(cap, 55)
                && t.chars()
                    .next()
                    .is_some_and(|c| !c.is_uppercase() && !c.is_ascii_digit() && c != '(');
            (!wrapped_sentence).then_some(j)
        }
    }
}

/// The line of a long caption in sentence case after the bare label on line `i` (see
/// [`is_long_sentence_case_caption`]); asked only in documents whose articles mostly have
/// captions, where the layout itself says "caption".
pub(crate) fn long_caption_after(lines: &[Line], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if lines.get(j).is_some_and(Line::is_blank) {
        j += 1;
    }
    is_long_sentence_case_caption(lines, j).then_some(j)
}

/// A long caption in sentence case on its own between blank lines ("Measures to eradicate
/// illicit cultivation of narcotic plants and to eliminate illicit demand for narcotic
/// drugs"): one phrase (no sentence break, comma or closing punctuation), no modal verb,
/// not cut by a line wrap, not a list item or heading.
fn is_long_sentence_case_caption(lines: &[Line], j: usize) -> bool {
    let Some(l) = lines.get(j) else { return false };
    let t = l.trimmed();
    let last = t.split_whitespace().next_back().unwrap_or("");
    let next_starts_lower = lines[j + 1..]
        .iter()
        .take(3)
        .find(|l| !l.is_blank())
        .is_some_and(|l| l.trimmed().chars().next().is_some_and(char::is_lowercase));
    t.chars().next().is_some_and(char::is_uppercase)
        && !t.ends_with(['.', ',', ';', ':'])
        && !t.contains(',')
        && !t.contains(". ")
        && lines.get(j + 1).is_none_or(Line::is_blank)
        && !next_starts_lower
        && !(last.is_ascii() && STOP_WORDS.iter().any(|w| last.eq_ignore_ascii_case(w)))
        && t.split_whitespace().count() <= 30
        && !super::lines::longer_than(t, 250)
        && !has_modal_verb(t)
        && rules::marker(t).is_none()
        && rules::article_head(t).is_none()
        && rules::division_head(t).is_none()
}

/// "de minimis" on its own between blank lines: a caption that starts in lower case.
fn is_short_lowercase_caption(lines: &[Line], j: usize) -> bool {
    let Some(l) = lines.get(j) else { return false };
    let t = l.trimmed();
    // The cheap conditions first; all must hold.
    if !(t.chars().next().is_some_and(char::is_lowercase)
        && !t.ends_with(['.', ',', ';', ':'])
        && lines.get(j + 1).is_none_or(Line::is_blank)
        && j > 0
        && lines[j - 1].is_blank())
    {
        return false;
    }
    let mut words = t.split_whitespace();
    let first = words.next().unwrap_or("");
    words.count() < 4 && !rules::CONTINUATIONS.contains(&first)
}

/// The line of the caption that precedes a bare label on line `i`, if there is one.
pub(crate) fn caption_before(lines: &[Line], i: usize) -> Option<usize> {
    (above(lines, i) == Above::CaptionLike).then(|| i - 1)
}

/// Votes on the caption layout from the bare labels among the chosen headings.
pub(crate) fn caption_layout(lines: &[Line], bare: impl Iterator<Item = usize>) -> CaptionLayout {
    let (mut before, mut after, mut n) = (0usize, 0usize, 0usize);
    for i in bare {
        n += 1;
        // Only unambiguous labels vote: a caption-like line on one side only.
        match (caption_before(lines, i), caption_after(lines, i)) {
            (Some(_), None) => before += 1,
            (None, Some(_)) => after += 1,
            // Both sides look like captions: a full stop below marks a sentence of the body.
            (Some(_), Some(j)) if lines[j].trimmed().ends_with('.') => before += 1,
            _ => {}
        }
    }
    // Captions come first when labels with a caption above clearly outnumber those with one
    // below, and are not rare; otherwise the lines above are unlabelled division names.
    if before > 3 * after && 5 * before >= n {
        CaptionLayout::Before
    } else {
        CaptionLayout::After
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`best_chains`] as first written: every predecessor in the window scored, the
    /// earliest best kept.
    fn best_chains_scanning_all(
        local: &[f64],
        trans: impl Fn(usize, usize) -> f64,
    ) -> (Vec<f64>, Vec<usize>) {
        let n = local.len();
        let (mut best, mut back) = (vec![0.0f64; n], vec![usize::MAX; n]);
        let mut far: (f64, usize) = (f64::NEG_INFINITY, usize::MAX);
        for i in 0..n {
            if i > WINDOW && best[i - WINDOW - 1] > far.0 {
                far = (best[i - WINDOW - 1], i - WINDOW - 1);
            }
            let (mut b, mut bj) = (0.0, usize::MAX);
            if far.0 - 1.0 > b {
                (b, bj) = (far.0 - 1.0, far.1);
            }
            for j in i.saturating_sub(WINDOW)..i {
                let v = best[j] + trans(j, i);
                if v > b {
                    (b, bj) = (v, j);
                }
            }
            best[i] = local[i] + b;
            back[i] = bj;
        }
        (best, back)
    }

    /// [`is_caption_line`] as first written (conditions in reading order, lower-casing
    /// with allocation), the reference for the faster version.
    /// True when line `i` could stand alone as a caption: short, starts with a capital, does
    /// not end like a sentence, is not itself a heading or a list item, and is not the first
    /// line of a wrapped paragraph.
    fn is_caption_line_as_first_written(lines: &[Line], i: usize) -> bool {
        let Some(l) = lines.get(i) else { return false };
        let t = l.trimmed();
        let n = t.chars().count();
        if n == 0 || n > 200 {
            return false;
        }
        let first = t.chars().next().unwrap_or(' ');
        let starts_ok = first.is_uppercase()
            || ((first == '[' || first == '(')
                && t[1..].chars().next().is_some_and(char::is_uppercase));
        if !starts_ok || t.ends_with([',', ';', ':']) {
            return false;
        }
        if t.ends_with('.') && (n > 60 || t.split_whitespace().count() > 8) {
            return false;
        }
        if super::rules::marker(t).is_some()
            || super::rules::article_head(t).is_some()
            || super::rules::division_head(t).is_some()
        {
            return false;
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        if words.len() > 30 {
            return false;
        }
        let lower = t.to_lowercase();
        if [" shall ", " will ", " may ", " must ", " agree "]
            .iter()
            .any(|w| lower.contains(w))
        {
            return false;
        }
        // A line that stops on a function word was cut by a line wrap.
        let last = words.last().map_or("", |w| w.trim_end_matches(['.', ',']));
        if STOP_WORDS.contains(&last.to_lowercase().as_str()) {
            return false;
        }
        // Long captions are written in title case or capitals; long sentence-case lines are text.
        if words.len() > 12 {
            let long: Vec<&&str> = words.iter().filter(|w| w.chars().count() > 3).collect();
            let caps = long
                .iter()
                .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                .count();
            if caps * 10 < long.len() * 6 {
                return false;
            }
        }
        // The first line of a wrapped sentence is followed by its lower-case continuation.
        if let Some(next) = lines[i + 1..].iter().take(3).find(|l| !l.is_blank()) {
            if next
                .trimmed()
                .chars()
                .next()
                .is_some_and(char::is_lowercase)
            {
                return false;
            }
        }
        true
    }

    proptest! {
        #[test]
        fn caption_lines_are_those_of_the_first_version(
            text in proptest::collection::vec(prop_oneof![
                Just(String::new()),
                "[A-Z(\\[][a-zA-Z ,.;:]{0,50}",
                "[a-z][a-zA-Z ,.;:]{0,50}",
                "(Article|ARTICLE|Chapter|PART) [0-9IVX]{1,3}[.]?( [A-Z][a-z]{0,12})?",
                "[A-Z][a-z]{2,8}( [A-Za-z]{1,9}){0,14}( (shall|SHALL|Will|may|must|agree|the|of|DE|la|y|Kelvin|\u{212a}ey))?( [a-z]{1,8})?[.,]?",
                "[(]?[a-z0-9]{1,3}[.)] [A-Za-z ]{0,30}",
                "[ÀÉДİ][a-zéа-я İ\u{212a}]{0,40}",
            ], 1..12),
        ) {
            let src = text.join("\n");
            let lines = super::super::lines::split_lines(&src);
            for i in 0..lines.len() + 1 {
                prop_assert_eq!(
                    is_caption_line(&lines, i),
                    is_caption_line_as_first_written(&lines, i),
                    "line {}", i
                );
            }
        }
    }

    proptest! {
        #[test]
        fn skipping_hopeless_predecessors_changes_no_chain(
            local in proptest::collection::vec(
                prop_oneof![Just(-4.0), Just(-1.0), Just(0.5), Just(2.0), Just(4.5), -5.0f64..6.0],
                0..600,
            ),
            seed in any::<u64>(),
        ) {
            // Transitions drawn from the values `transition` gives, many of them equal, so
            // that ties between predecessors are common.
            let values = [MAX_TRANSITION, 0.5, -0.5, -1.0, -1.5];
            let trans = |j: usize, i: usize| {
                let h = (seed ^ (j as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (i as u64) << 32)
                    .wrapping_mul(0xBF58_476D_1CE4_E5B9);
                values[(h >> 61) as usize % values.len()]
            };
            prop_assert_eq!(best_chains(&local, trans), best_chains_scanning_all(&local, trans));
        }
    }
}
