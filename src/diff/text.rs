//! Word-level diff of two texts (a bit-parallel LCS from `lcs` for small tables, `similar`'s
//! Myers for larger ones): words and punctuation are tokens, white space between them is
//! layout. The ops rebuild both texts byte for byte.

use super::lcs;
use crate::swar::{HIGH_BITS, lanes, lanes_between, lanes_equal};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffTag};
use std::time::Instant;

/// What an inline op does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Text present in both versions.
    Equal,
    /// Text only in the old version.
    Delete,
    /// Text only in the new version.
    Insert,
}

impl Op {
    /// Lower-case name as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Equal => "equal",
            Op::Delete => "delete",
            Op::Insert => "insert",
        }
    }
}

/// One inline op. Concatenating `equal` and `delete` texts gives the old text; `equal` and
/// `insert` texts give the new text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InlineOp {
    /// equal, delete or insert.
    pub op: Op,
    /// The text, exactly as in the input.
    pub text: String,
    /// True when the op only changes white space or line wrapping (not a change).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub layout: bool,
    /// True when the op only follows a renumbering (a label or a cross-reference).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub consequential: bool,
}

impl InlineOp {
    fn new(op: Op, text: &str) -> Self {
        InlineOp {
            op,
            text: text.to_string(),
            layout: false,
            consequential: false,
        }
    }

    /// True for a delete or insert that matters (not layout, not consequential).
    pub fn is_substantive(&self) -> bool {
        self.op != Op::Equal && !self.layout && !self.consequential
    }
}

/// A token: its text as a byte range of the source. The white space before it runs from the
/// end of the previous token (or the start of the compared range).
///
/// Offsets are 32-bit (half the memory of a whole source's tokens); texts longer than
/// [`MAX_TOKENIZED`] are not tokenized (see [`tokenize_hashed`] and [`diff_words`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    start: u32,
    end: u32,
}

/// Longest text whose tokens can be given as 32-bit offsets.
pub(crate) const MAX_TOKENIZED: usize = u32::MAX as usize;

impl Token {
    /// A token from its byte range (both ends at most [`MAX_TOKENIZED`]).
    fn new(start: usize, end: usize) -> Self {
        debug_assert!(end <= MAX_TOKENIZED);
        Token {
            start: start as u32,
            end: end as u32,
        }
    }

    /// Where its text starts.
    pub fn start(self) -> usize {
        self.start as usize
    }

    /// Where its text ends.
    pub fn end(self) -> usize {
        self.end as usize
    }
}

/// True for characters that continue a word after its first letter or digit.
fn continues_word(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '’'
}

/// True when the two bytes at `b[i..]` are a letter of Latin-1, Latin Extended-A or basic
/// Cyrillic (U+00C0–U+017F but × and ÷, U+0400–U+047F): the non-ASCII letters of most
/// drafts, recognised without decoding.
fn common_letter(b: &[u8], i: usize) -> bool {
    match b[i] {
        0xC3 => b.get(i + 1).is_some_and(|&y| y != 0x97 && y != 0xB7),
        0xC4 | 0xC5 | 0xD0 | 0xD1 => true,
        _ => false,
    }
}

/// True when the two bytes at `b[i..]` are a lower-case letter of Latin-1 or basic Cyrillic
/// (U+00E0–U+00FF but ÷, U+0430–U+045F): letters whose lower-case form is themselves.
fn lower_pair(b: &[u8], i: usize) -> bool {
    match (b[i], b.get(i + 1).copied()) {
        (0xC3, Some(y)) => (0xA0..=0xBF).contains(&y) && y != 0xB7,
        (0xD0, Some(y)) => (0xB0..=0xBF).contains(&y),
        (0xD1, Some(y)) => (0x80..=0x9F).contains(&y),
        _ => false,
    }
}

/// [`ASCII_CLASS`] bit: the byte continues a word (ASCII letter, digit or apostrophe).
const CONTINUES: u8 = 1;
/// [`ASCII_CLASS`] bit: an upper-case ASCII letter.
const UPPER: u8 = 2;

/// Class bits of each byte value (zero for non-ASCII bytes), so the inner loop of the
/// tokenizer takes one load per byte.
const ASCII_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut k = 0;
    while k < 128 {
        let x = k as u8;
        if x.is_ascii_alphanumeric() || x == b'\'' {
            t[k] = CONTINUES;
        }
        if x.is_ascii_uppercase() {
            t[k] |= UPPER;
        }
        k += 1;
    }
    t
};

/// For eight bytes read as a little-endian `u64`: the high bit of each lane that continues
/// a word in [`ASCII_CLASS`] (ASCII letter, digit or apostrophe), and of each upper-case
/// ASCII letter.
fn ascii_word_lanes(w: u64) -> (u64, u64) {
    let upper = lanes_between(w, b'A' - 1, b'Z' + 1);
    let letter = lanes_between(w | lanes(0x20), b'a' - 1, b'z' + 1);
    let digit = lanes_between(w, b'0' - 1, b'9' + 1);
    (upper | letter | digit | lanes_equal(w, b'\''), upper)
}

/// Scans `s` into tokens: runs of letters/digits (with inner apostrophes), or single
/// punctuation characters; white space is attached to the following token. Calls `f` with
/// each token's byte range and whether its lower-case form may differ from it (it has an
/// upper-case ASCII letter or a non-ASCII character other than the lower-case letters of
/// [`lower_pair`]). ASCII and the common two-byte letters take a fast path; other
/// characters are classified by Unicode properties.
fn scan(s: &str, mut f: impl FnMut(usize, usize, bool)) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        let start = i;
        let mut fold = x.is_ascii_uppercase();
        let word = if x.is_ascii() {
            if x.is_ascii_whitespace() || x == 0x0b {
                i += 1;
                continue;
            }
            i += 1;
            x.is_ascii_alphanumeric()
        } else if common_letter(b, i) {
            fold = !lower_pair(b, i);
            i += 2;
            true
        } else {
            fold = true;
            let c = s[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            if c.is_whitespace() {
                continue;
            }
            c.is_alphanumeric()
        };
        if word {
            loop {
                // ASCII letters, digits and apostrophes, eight bytes at a time while eight
                // are left, then one by one.
                if let Some(chunk) = b.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
                    let (cont, upper) = ascii_word_lanes(u64::from_le_bytes(chunk));
                    let n = (!cont & HIGH_BITS).trailing_zeros() as usize / 8;
                    let taken = u64::MAX.checked_shr(64 - 8 * n as u32).unwrap_or(0);
                    fold |= upper & taken != 0;
                    i += n;
                    if n == 8 {
                        continue;
                    }
                } else {
                    while let Some(&x) = b.get(i) {
                        let class = ASCII_CLASS[x as usize];
                        if class & CONTINUES == 0 {
                            break;
                        }
                        fold |= class & UPPER != 0;
                        i += 1;
                    }
                }
                let Some(&x) = b.get(i) else { break };
                if x.is_ascii() {
                    break;
                }
                if common_letter(b, i) {
                    fold |= !lower_pair(b, i);
                    i += 2;
                    continue;
                }
                let c = s[i..].chars().next().unwrap_or(' ');
                if continues_word(c) {
                    fold = true;
                    i += c.len_utf8();
                } else {
                    break;
                }
            }
        }
        f(start, i, fold);
    }
}

/// Splits `s` (at most [`MAX_TOKENIZED`] bytes long) into tokens (see [`scan`]).
pub(crate) fn tokenize(s: &str) -> Vec<Token> {
    let mut toks = Vec::with_capacity(s.len() / 5);
    scan(s, |start, end, _| toks.push(Token::new(start, end)));
    toks
}

/// The result of [`diff_words`].
#[derive(Clone, Debug, Default)]
pub struct WordDiff {
    /// The ops; they rebuild both texts.
    pub ops: Vec<InlineOp>,
    /// Number of word tokens in each op (parallel to `ops`).
    pub words: Vec<usize>,
    /// True when the deadline passed and the diff may be coarser than the finest one.
    pub timed_out: bool,
}

impl WordDiff {
    /// Appends `text` of `n` words, a piece of op `from`, as an op of kind `op` (joined to
    /// the last op when it is of the same kind and marks).
    fn push_piece(&mut self, from: &InlineOp, op: Op, text: &str, n: usize) {
        if text.is_empty() {
            return;
        }
        let layout = from.layout || (from.op == Op::Equal && text.trim().is_empty());
        let consequential = from.consequential;
        if let Some(last) = self.ops.last_mut() {
            if last.op == op && last.layout == layout && last.consequential == consequential {
                last.text.push_str(text);
                if let Some(w) = self.words.last_mut() {
                    *w += n;
                }
                return;
            }
        }
        self.ops.push(InlineOp {
            op,
            text: text.to_string(),
            layout,
            consequential,
        });
        self.words.push(n);
    }

    fn push(&mut self, op: Op, text: &str, words: usize, layout: bool) {
        if text.is_empty() {
            return;
        }
        if let Some(last) = self.ops.last_mut() {
            if last.op == op && last.layout == layout && !last.consequential {
                last.text.push_str(text);
                if let Some(w) = self.words.last_mut() {
                    *w += words;
                }
                return;
            }
        }
        let mut o = InlineOp::new(op, text);
        o.layout = layout;
        self.ops.push(o);
        self.words.push(words);
    }

    /// White space before a token: equal when identical, else a layout-only delete/insert.
    fn layout(&mut self, a: &str, b: &str) {
        if a == b {
            self.push(Op::Equal, a, 0, false);
        } else {
            self.push(Op::Delete, a, 0, true);
            self.push(Op::Insert, b, 0, true);
        }
    }
}

/// The ids of `toks` (slices of `src`), numbering unseen texts in order of appearance.
fn intern<'a>(ids: &mut FxHashMap<&'a str, u32>, toks: &[Token], src: &'a str) -> Vec<u32> {
    toks.iter()
        .map(|t| {
            // Past 2³² distinct words ids repeat; diff_token_ranges then finds the collision.
            let next = ids.len() as u32;
            *ids.entry(&src[t.start()..t.end()]).or_insert(next)
        })
        .collect()
}

/// The tokens of a whole source with a hash of each token's exact text (its id in word
/// diffs) and of its case-folded text (for similarity), so that any node's tokens are a
/// sub-slice found by binary search rather than a new tokenization. Each version is hashed
/// on its own (on its own thread); equal ids are checked against the texts when a diff uses
/// them, so a hash collision can never make different words equal.
pub(crate) struct Tokenized {
    /// Tokens, with absolute byte offsets.
    pub toks: Vec<Token>,
    /// Hash of each token's exact text (32 bits: half the memory of 64, and the word diffs
    /// check equal ids against the texts anyway).
    pub ids: Vec<u32>,
    /// Hash of each token's case-folded text (see [`folded_hash`]).
    pub folded: Vec<u32>,
    /// False for a source longer than [`MAX_TOKENIZED`], which is left untokenized: its
    /// spans are then tokenized one by one.
    pub whole: bool,
}

/// Hash of a token's exact text.
fn exact_hash(w: &str) -> u32 {
    bytes_hash(w.as_bytes())
}

/// Odd multiplier of [`mix`] (FxHash's).
const HASH_K: u64 = 0xf135_7aea_2e62_a9c5;

/// One step of the word hash: eight more bytes mixed in.
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(26) ^ x).wrapping_mul(HASH_K)
}

/// Hash of a word's bytes, eight at a time as little-endian `u64`s (the last ones padded
/// with zeros), starting from the length. The tokenizer computes the same value from
/// eight bytes it reads in place (see [`hash_pair`]).
fn bytes_hash(b: &[u8]) -> u32 {
    let mut h = b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut x = [0u8; 8];
        x.copy_from_slice(c);
        h = mix(h, u64::from_le_bytes(x));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut x = [0u8; 8];
        x[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(x));
    }
    fold64(h)
}

/// A 64-bit hash folded to 32 bits (the product's high bits are its best mixed).
fn fold64(h: u64) -> u32 {
    (h >> 32) as u32 ^ h as u32
}

/// The exact and folded hashes ([`exact_hash`], [`folded_hash`]) of the token `b[start..end]`
/// of `src`, where `fold` says whether its lower-case form may differ. A word of at most
/// eight bytes with eight bytes of text from its start is hashed from one read, and
/// lower-cased in the same register when it is ASCII (most words of most drafts).
fn hash_pair(src: &str, start: usize, end: usize, fold: bool) -> (u32, u32) {
    let b = src.as_bytes();
    let len = end - start;
    if let Some(chunk) = b.get(start..start + 8).filter(|_| len <= 8) {
        let mut x = [0u8; 8];
        x.copy_from_slice(chunk);
        let x = u64::from_le_bytes(x) & (u64::MAX >> (64 - 8 * len as u32));
        let id = fold64(mix(len as u64, x));
        if !fold {
            return (id, id);
        }
        if x & HIGH_BITS == 0 {
            // Capitals (0x41–0x5A) become small letters with the 0x20 bit.
            let lower = x | (lanes_between(x, b'A' - 1, b'Z' + 1) >> 2);
            return (id, fold64(mix(len as u64, lower)));
        }
        return (id, folded_hash(&src[start..end]));
    }
    let w = &src[start..end];
    let id = exact_hash(w);
    (id, if fold { folded_hash(w) } else { id })
}

/// Tokenizes and hashes a whole source in one pass.
pub(crate) fn tokenize_hashed(src: &str) -> Tokenized {
    if src.len() > MAX_TOKENIZED {
        return Tokenized {
            toks: Vec::new(),
            ids: Vec::new(),
            folded: Vec::new(),
            whole: false,
        };
    }
    let n = src.len() / 5;
    let (mut toks, mut ids, mut folded) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    scan(src, |start, end, fold| {
        let (id, f) = hash_pair(src, start, end, fold);
        toks.push(Token::new(start, end));
        ids.push(id);
        folded.push(f);
    });
    Tokenized {
        toks,
        ids,
        folded,
        whole: true,
    }
}

impl Tokenized {
    /// The index range of the tokens inside `span`, or `None` when a token straddles one of
    /// its ends (the caller then tokenizes the span on its own).
    pub fn range(&self, span: std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
        if !self.whole {
            return None;
        }
        let a = self.toks.partition_point(|t| t.start() < span.start);
        let b = self.toks.partition_point(|t| t.start() < span.end);
        let straddles_start = a > 0 && self.toks[a - 1].end() > span.start;
        let straddles_end = b > a && self.toks[b - 1].end() > span.end;
        (!straddles_start && !straddles_end).then_some(a..b)
    }
}

/// True when a word's lower-case form may differ from it.
fn needs_folding(w: &str) -> bool {
    w.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii())
}

/// Hash of a word compared case-insensitively (the hash of its lower-case form).
pub(crate) fn folded_hash(w: &str) -> u32 {
    if !needs_folding(w) {
        return bytes_hash(w.as_bytes());
    }
    let mut buf = [0u8; 256];
    match lower_into(w, &mut buf) {
        Some(n) => bytes_hash(&buf[..n]),
        // A very long word: lower-cased on the heap, character by character as above.
        None => bytes_hash(
            w.chars()
                .flat_map(char::to_lowercase)
                .collect::<String>()
                .as_bytes(),
        ),
    }
}

/// The lower-case form of the two bytes at `b[i..]` when they are a capital of Latin-1 or
/// basic Cyrillic (U+00C0–U+00DE but ×, U+0400–U+042F).
fn upper_pair_lowered(b: &[u8], i: usize) -> Option<[u8; 2]> {
    match (b[i], b.get(i + 1).copied()) {
        (0xC3, Some(y @ 0x80..=0x9E)) if y != 0x97 => Some([0xC3, y + 0x20]),
        (0xD0, Some(y @ 0x90..=0x9F)) => Some([0xD0, y + 0x20]),
        (0xD0, Some(y @ 0xA0..=0xAF)) => Some([0xD1, y - 0x20]),
        (0xD0, Some(y @ 0x80..=0x8F)) => Some([0xD1, y + 0x10]),
        _ => None,
    }
}

/// Writes `w` lower-cased into `buf`; returns its length, or `None` when it does not fit.
/// ASCII, and the capitals of Latin-1 and basic Cyrillic, are lower-cased by offset; other
/// characters by Unicode's mapping.
fn lower_into(w: &str, buf: &mut [u8]) -> Option<usize> {
    let b = w.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        if n + 4 > buf.len() {
            return None;
        }
        let x = b[i];
        if x.is_ascii() {
            buf[n] = x.to_ascii_lowercase();
            n += 1;
            i += 1;
        } else if lower_pair(b, i) {
            buf[n..n + 2].copy_from_slice(&b[i..i + 2]);
            n += 2;
            i += 2;
        } else if let Some(p) = upper_pair_lowered(b, i) {
            buf[n..n + 2].copy_from_slice(&p);
            n += 2;
            i += 2;
        } else {
            let c = w[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            for l in c.to_lowercase() {
                if n + 4 > buf.len() {
                    return None;
                }
                n += l.encode_utf8(&mut buf[n..]).len();
            }
        }
    }
    Some(n)
}

/// One side of a word diff: a byte range of a source with its tokens and their ids.
pub(crate) struct TokenRange<'s> {
    /// The whole source.
    pub src: &'s str,
    /// The range being compared.
    pub span: std::ops::Range<usize>,
    /// The tokens inside the range (absolute offsets).
    pub toks: &'s [Token],
    /// Their ids (equal texts have equal ids; equal ids are checked against the texts).
    pub ids: &'s [u32],
}

impl TokenRange<'_> {
    /// Where the white space before token `k` starts.
    fn ws_start(&self, k: usize) -> usize {
        match k.checked_sub(1) {
            Some(p) => self.toks[p].end(),
            None => self.span.start,
        }
    }

    /// The white space before token `k`.
    fn ws(&self, k: usize) -> &str {
        &self.src[self.ws_start(k)..self.toks[k].start()]
    }

    /// The text of tokens `from..to` with the white space before each.
    fn run(&self, from: usize, to: usize) -> &str {
        if from >= to {
            return "";
        }
        &self.src[self.ws_start(from)..self.toks[to - 1].end()]
    }

    /// The white space after the last token.
    fn tail(&self) -> &str {
        let end = self.toks.last().map_or(self.span.start, |t| t.end());
        &self.src[end..self.span.end]
    }
}

/// Diffs `old` and `new` word by word. Tokens are interned to integers so the diff compares
/// numbers, not strings. With a `deadline`, `similar` may return a coarser (still exact)
/// diff, and [`WordDiff::timed_out`] says so. Texts longer than 4 GiB are compared as one
/// replacement.
pub fn diff_words(old: &str, new: &str, deadline: Option<Instant>) -> WordDiff {
    if old.len().max(new.len()) > MAX_TOKENIZED {
        // Beyond 32-bit token offsets: the texts as one replacement (exact, coarse).
        let mut d = WordDiff::default();
        d.push(Op::Delete, old, count_words(old), false);
        d.push(Op::Insert, new, count_words(new), false);
        return d;
    }
    let (ot, nt) = (tokenize(old), tokenize(new));
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    let oi = intern(&mut ids, &ot, old);
    let ni = intern(&mut ids, &nt, new);
    let o = TokenRange {
        src: old,
        span: 0..old.len(),
        toks: &ot,
        ids: &oi,
    };
    let n = TokenRange {
        src: new,
        span: 0..new.len(),
        toks: &nt,
        ids: &ni,
    };
    // Interned ids are exact, so the check in diff_token_ranges cannot fail; if it did, the whole
    // texts as one replacement would still be a correct (coarse) diff.
    diff_token_ranges(&o, &n, deadline).unwrap_or_else(|_| {
        let mut d = WordDiff::default();
        d.push(Op::Delete, old, ot.len(), false);
        d.push(Op::Insert, new, nt.len(), false);
        d
    })
}

/// Fewest tokens of a clause that may anchor a word diff.
const MIN_CLAUSE: usize = 6;

/// Clauses of one side for [`anchored_ops`]: the token index where each clause ends (at
/// a full stop, semicolon or colon after at least [`MIN_CLAUSE`] tokens, or at the end) and
/// a hash of its token ids.
fn clauses(side: &TokenRange) -> (Vec<usize>, Vec<u64>) {
    let b = side.src.as_bytes();
    let (mut ends, mut hashes) = (Vec::new(), Vec::new());
    let (mut h, mut from) = (0u64, 0);
    for (k, (t, &id)) in side.toks.iter().zip(side.ids).enumerate() {
        h = mix(h, u64::from(id));
        // A clause has a few words at least: "2." or "(a)" alone would anchor anything.
        if k + 1 - from >= MIN_CLAUSE
            && t.end() - t.start() == 1
            && matches!(b[t.start()], b'.' | b';' | b':')
        {
            from = k + 1;
            ends.push(from);
            hashes.push(std::mem::take(&mut h));
        }
    }
    if from < side.toks.len() {
        ends.push(side.toks.len());
        hashes.push(h);
    }
    (ends, hashes)
}

/// One step of a token diff: its kind and the token ranges it covers on each side.
type TokenStep = (DiffTag, std::ops::Range<usize>, std::ops::Range<usize>);

/// The token diff of two sides, anchored on identical clauses as `git diff --word-diff`
/// is on identical lines: clauses are diffed first, then words only inside the runs of
/// clauses that differ. Unchanged sentences thus cost one comparison each rather than a
/// pass of the word diff. Equal clauses are matched by hash; their tokens are still checked
/// by the caller.
fn anchored_ops(o: &TokenRange, n: &TokenRange, deadline: Option<Instant>) -> Vec<TokenStep> {
    // The word diff of tokens `a` against tokens `b`, in token indexes of the two sides.
    let words = |out: &mut Vec<TokenStep>, a: std::ops::Range<usize>, b: std::ops::Range<usize>| {
        token_diff(
            out,
            &o.ids[a.clone()],
            &n.ids[b.clone()],
            a.start,
            b.start,
            deadline,
        );
    };
    let mut out = Vec::new();
    let ((oe, oh), (ne, nh)) = (clauses(o), clauses(n));
    if oe.len() < 3 || ne.len() < 3 {
        words(&mut out, 0..o.ids.len(), 0..n.ids.len());
        return out;
    }
    // Clause range `r` as a token range.
    let tokens = |ends: &[usize], r: std::ops::Range<usize>| {
        let at = |k: usize| if k == 0 { 0 } else { ends[k - 1] };
        at(r.start)..at(r.end)
    };
    for op in similar::capture_diff_slices_deadline(Algorithm::Myers, &oh, &nh, deadline) {
        let (tag, x, y) = op.as_tag_tuple();
        let (a, b) = (tokens(&oe, x), tokens(&ne, y));
        if tag == DiffTag::Equal && a.len() == b.len() {
            out.push((DiffTag::Equal, a, b));
        } else {
            words(&mut out, a, b);
        }
    }
    out
}

/// Fewest tokens on the shorter side, and in all, for [`token_diff`] to leave out the tokens
/// the other side lacks before the diff.
const FILTER_SHORTER: usize = 16;
const FILTER_TOTAL: usize = 128;

/// The word diff of token ids `a` against `b` (a longest common subsequence, see
/// [`lcs_runs`]), appended to `out` as steps in indexes shifted by `da` and `db`. A token
/// whose id the other side lacks can be in no common subsequence, so tokens found absent
/// (see [`kept`]) are left out before the diff and come back as deletions and insertions
/// between the matches; the longest common subsequence, and so the number of changed
/// tokens, is the same, and the diff's work, which grows with the length, shrinks where an
/// edit inserted or rewrote whole sentences.
fn token_diff(
    out: &mut Vec<TokenStep>,
    a: &[u32],
    b: &[u32],
    da: usize,
    db: usize,
    deadline: Option<Instant>,
) {
    // Unmatched tokens between the last match and `(x, y)` as one step, then the match.
    let mut at = (0, 0);
    let mut matched = |out: &mut Vec<TokenStep>, (x, y): (usize, usize), len: usize| {
        let (i, j) = at;
        let tag = match (x > i, y > j) {
            (true, true) => Some(DiffTag::Replace),
            (true, false) => Some(DiffTag::Delete),
            (false, true) => Some(DiffTag::Insert),
            (false, false) => None,
        };
        if let Some(tag) = tag {
            out.push((tag, i + da..x + da, j + db..y + db));
        }
        at = (x + len, y + len);
        if len == 0 {
            return;
        }
        match out.last_mut() {
            Some((DiffTag::Equal, p, q)) if p.end == x + da && q.end == y + db => {
                p.end += len;
                q.end += len;
            }
            _ => out.push((DiffTag::Equal, x + da..x + da + len, y + db..y + db + len)),
        }
    };
    let keep = if a.len().min(b.len()) < FILTER_SHORTER || a.len() + b.len() < FILTER_TOTAL {
        None
    } else {
        kept(a, b)
    };
    match keep {
        None => lcs_runs(a, b, deadline, |x, y, len| matched(out, (x, y), len)),
        Some((keep_a, keep_b)) => {
            let fa: Vec<u32> = keep_a.iter().map(|&i| a[i]).collect();
            let fb: Vec<u32> = keep_b.iter().map(|&j| b[j]).collect();
            lcs_runs(&fa, &fb, deadline, |x, y, len| {
                for (&i, &j) in keep_a[x..x + len].iter().zip(&keep_b[y..y + len]) {
                    matched(out, (i, j), 1);
                }
            });
        }
    }
    matched(out, (a.len(), b.len()), 0);
}

/// The indexes of the tokens of `a` and of `b` whose ids the other side may have, through a
/// bitmap of id bits (which may take an absent id for present but never the reverse); `None`
/// when that leaves out too few tokens to pay for the copies.
fn kept(a: &[u32], b: &[u32]) -> Option<(Vec<usize>, Vec<usize>)> {
    let bits = ((a.len() + b.len()) * 8).next_power_of_two().min(1 << 16);
    let mask = bits as u32 - 1;
    let bitmap = |xs: &[u32]| {
        let mut m = vec![0u64; bits / 64];
        for &x in xs {
            m[((x & mask) >> 6) as usize] |= 1 << (x & 63);
        }
        m
    };
    let (in_a, in_b) = (bitmap(a), bitmap(b));
    let has = |m: &[u64], x: u32| m[((x & mask) >> 6) as usize] & (1 << (x & 63)) != 0;
    let keep_a: Vec<usize> = (0..a.len()).filter(|&i| has(&in_b, a[i])).collect();
    let keep_b: Vec<usize> = (0..b.len()).filter(|&j| has(&in_a, b[j])).collect();
    ((keep_a.len() + keep_b.len()) * 16 <= (a.len() + b.len()) * 15).then_some((keep_a, keep_b))
}

/// Calls `run(x, y, len)` for each run of matched tokens of a longest common subsequence of
/// `a` and `b` (`a[x..x + len] == b[y..y + len]`), in order: by the bit-parallel table of
/// [`lcs`] when it is small, else by `similar`'s Myers diff (bounded by `deadline`). Word
/// diffs run on token ids, the alignment of articles on their content hashes.
pub(crate) fn lcs_runs<T: Ord + Copy + std::hash::Hash>(
    a: &[T],
    b: &[T],
    deadline: Option<Instant>,
    mut run: impl FnMut(usize, usize, usize),
) {
    let ops = lcs_ops(a, b)
        .unwrap_or_else(|| similar::capture_diff_slices_deadline(Algorithm::Myers, a, b, deadline));
    for op in ops {
        let (tag, x, y) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            run(x.start, y.start, x.len());
        }
    }
}

/// The ops of a longest common subsequence of `a` and `b` from [`lcs::bit_parallel_runs`] (after
/// the common prefix and suffix), compacted by `similar` as its own diffs are: changes
/// slide to join their neighbours, and otherwise down, so that an inserted clause that
/// ends like the one before it ("…Party, Mindful of …,") shows after that one's comma.
/// `None` when the table would be too large.
fn lcs_ops<T: Ord + Copy>(a: &[T], b: &[T]) -> Option<Vec<similar::DiffOp>> {
    use similar::algorithms::{Capture, Compact, DiffHook, Replace};
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (a[pre..].iter().rev(), b[pre..].iter().rev());
    let suf = ra.zip(rb).take_while(|(x, y)| x == y).count();
    let mut runs = Vec::new();
    if pre > 0 {
        runs.push((0, 0, pre));
    }
    let fits = lcs::bit_parallel_runs(
        &a[pre..a.len() - suf],
        &b[pre..b.len() - suf],
        |x, y, len| runs.push((x + pre, y + pre, len)),
    );
    if !fits {
        return None;
    }
    runs.push((a.len() - suf, b.len() - suf, suf));
    let mut hook = Compact::new(Replace::new(Capture::new()), a, b);
    let mut at = (0, 0);
    for (x, y, len) in runs {
        if x > at.0 {
            let Ok(()) = hook.delete(at.0, x - at.0, at.1);
        }
        if y > at.1 {
            let Ok(()) = hook.insert(x, at.1, y - at.1);
        }
        if len > 0 {
            let Ok(()) = hook.equal(x, y, len);
        }
        at = (x + len, y + len);
    }
    let Ok(()) = hook.finish();
    Some(hook.into_inner().into_inner().into_ops())
}

/// Token count up to which a word diff runs without looking at the clock.
const SHORT_DIFF: usize = 2048;

/// Two different texts with the same id (a hash collision) met in a word diff.
#[derive(Debug)]
pub(crate) struct Collision;

/// Diffs two tokenized sides; see [`diff_words`]. Fails on a hash collision (two different
/// texts with the same id), for the caller to diff the texts with exact ids instead.
pub(crate) fn diff_token_ranges(
    o: &TokenRange,
    n: &TokenRange,
    deadline: Option<Instant>,
) -> Result<WordDiff, Collision> {
    // A short diff is bounded anyway (Myers is at worst quadratic in its length): only the
    // deadline's passing is checked, once, rather than the clock at every step.
    let short = o.ids.len() + n.ids.len() <= SHORT_DIFF;
    let checked = if short && deadline.is_none_or(|d| Instant::now() <= d) {
        None
    } else {
        deadline
    };
    let ops = anchored_ops(o, n, checked);
    let mut out = WordDiff {
        timed_out: deadline.is_some_and(|d| Instant::now() > d),
        ..WordDiff::default()
    };
    for (tag, x, y) in ops {
        match tag {
            DiffTag::Equal => {
                // Usually the run is the same bytes on both sides, white space included: one
                // comparison and one op then (the per-token walk below gives the same ops).
                let (a, b) = (o.run(x.start, x.end), n.run(y.start, y.end));
                if a == b {
                    out.push(Op::Equal, a, x.len(), false);
                    continue;
                }
                for (i, j) in x.zip(y) {
                    let (a, b) = (&o.toks[i], &n.toks[j]);
                    let text = &o.src[a.start()..a.end()];
                    if text != &n.src[b.start()..b.end()] {
                        return Err(Collision);
                    }
                    out.layout(o.ws(i), n.ws(j));
                    out.push(Op::Equal, text, 1, false);
                }
            }
            // A replacement is a deletion then an insertion; either part may be empty.
            DiffTag::Delete | DiffTag::Insert | DiffTag::Replace => {
                out.push(Op::Delete, o.run(x.start, x.end), x.len(), false);
                out.push(Op::Insert, n.run(y.start, y.end), y.len(), false);
            }
        }
    }
    out.layout(o.tail(), n.tail());
    Ok(out)
}

/// Number of word tokens in `s` (as [`tokenize`] counts them), without allocating.
pub(crate) fn count_words(s: &str) -> usize {
    let mut n = 0;
    scan(s, |_, _, _| n += 1);
    n
}

/// Length up to which a piece of ops is counted by scanning it rather than by two binary
/// searches among the source's tokens (see [`cut`]).
pub(crate) const SCAN_UP_TO: usize = 256;

/// The ops of the sub-ranges `old` and `new` cut out of `ops` (with `words`, their word
/// counts, or empty when unknown), the ops of two enclosing texts that start at
/// `starts = (old_start, new_start)` (all offsets in the two sources). Every byte of `old`
/// comes out once as equal or delete and every byte of `new` once as equal or insert, in
/// order, so the result rebuilds both ranges exactly. Equal text that lies in only one range
/// becomes a delete or insert (layout when it is white space). Linear in `ops`.
///
/// `tokens_in(old, range)` may give the number of tokens of a byte range of the old
/// (`old` true) or new source, when no token straddles its ends; pieces are otherwise
/// counted by scanning them (cheaper for pieces up to [`SCAN_UP_TO`] bytes).
pub(crate) fn cut(
    ops: &[InlineOp],
    words: &[usize],
    starts: (usize, usize),
    old: std::ops::Range<usize>,
    new: std::ops::Range<usize>,
    tokens_in: &dyn Fn(bool, std::ops::Range<usize>) -> Option<usize>,
) -> WordDiff {
    let mut out = WordDiff::default();
    let known = words.len() == ops.len();
    // Words in `text`, a piece of op `k` that starts at `at` in the old source (`old_side`)
    // or the new: the op's own count when the piece is all of it, else the tokens there.
    let count = |k: usize, text: &str, old_side: bool, at: usize| {
        if known && text.len() == ops[k].text.len() {
            words[k]
        } else {
            tokens_in(old_side, at..at + text.len()).unwrap_or_else(|| count_words(text))
        }
    };
    let (mut po, mut pn) = starts;
    for (k, o) in ops.iter().enumerate() {
        let len = o.text.len();
        match o.op {
            Op::Delete | Op::Insert => {
                // A one-sided op: its part inside that side's range, counted at its place.
                let old_side = o.op == Op::Delete;
                let (range, at) = if old_side {
                    (&old, &mut po)
                } else {
                    (&new, &mut pn)
                };
                let r = clip(range, *at, len);
                let piece = &o.text[r.clone()];
                out.push_piece(o, o.op, piece, count(k, piece, old_side, *at + r.start));
                *at += len;
            }
            Op::Equal => {
                let (ro, rn) = (clip(&old, po, len), clip(&new, pn, len));
                for (op, piece) in equal_pieces(&o.text, ro, rn) {
                    // Equal text lies at the same offset in the op on both sides.
                    let (old_side, at) = if op == Op::Insert {
                        (false, pn)
                    } else {
                        (true, po)
                    };
                    let offset = piece.start;
                    let text = &o.text[piece];
                    out.push_piece(o, op, text, count(k, text, old_side, at + offset));
                }
                po += len;
                pn += len;
            }
        }
        if po >= old.end && pn >= new.end {
            break;
        }
    }
    out
}

/// The part of `[at, at + len)` inside `r`, relative to `at`.
fn clip(r: &std::ops::Range<usize>, at: usize, len: usize) -> std::ops::Range<usize> {
    let s = r.start.clamp(at, at + len) - at;
    let e = r.end.clamp(at, at + len) - at;
    s..e.max(s)
}

/// The pieces of an equal op of `text` whose parts `ro` and `rn` (relative to the op) lie
/// inside the old and the new range: equal where both do, delete or insert where one does.
fn equal_pieces(
    text: &str,
    ro: std::ops::Range<usize>,
    rn: std::ops::Range<usize>,
) -> impl Iterator<Item = (Op, std::ops::Range<usize>)> {
    let mut cuts = [0, ro.start, ro.end, rn.start, rn.end, text.len()];
    cuts.sort_unstable();
    (0..cuts.len() - 1).filter_map(move |w| {
        let (a, b) = (cuts[w], cuts[w + 1]);
        let op = match (ro.contains(&a), rn.contains(&a)) {
            _ if a == b => return None,
            (true, true) => Op::Equal,
            (true, false) => Op::Delete,
            (false, true) => Op::Insert,
            (false, false) => return None,
        };
        Some((op, a..b))
    })
}

/// The ops of two identical texts: one equal op (none for empty text).
pub fn equal(text: &str) -> Vec<InlineOp> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![InlineOp::new(Op::Equal, text)]
    }
}

/// The old text rebuilt from ops (equal + delete).
pub fn old_text(ops: &[InlineOp]) -> String {
    ops.iter()
        .filter(|o| o.op != Op::Insert)
        .map(|o| o.text.as_str())
        .collect()
}

/// The new text rebuilt from ops (equal + insert).
pub fn new_text(ops: &[InlineOp]) -> String {
    ops.iter()
        .filter(|o| o.op != Op::Delete)
        .map(|o| o.text.as_str())
        .collect()
}

/// Word tokens of `s` (no white space), for similarity measures.
pub fn words(s: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(s.len() / 5);
    scan(s, |start, end, _| out.push(&s[start..end]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The tokenizer's definition, one character at a time.
    fn reference_tokens(s: &str) -> Vec<(usize, usize)> {
        let cs: Vec<(usize, char)> = s.char_indices().collect();
        let mut out = Vec::new();
        let mut k = 0;
        while k < cs.len() {
            let (at, c) = cs[k];
            k += 1;
            if c.is_whitespace() || c == '\u{b}' {
                continue;
            }
            if c.is_alphanumeric() {
                while k < cs.len() && continues_word(cs[k].1) {
                    k += 1;
                }
            }
            out.push((at, cs.get(k).map_or(s.len(), |x| x.0)));
        }
        out
    }

    /// Texts for the tokenizer's properties: characters of every class the fast paths
    /// distinguish, or long ASCII words (runs the tokenizer reads eight bytes at a time)
    /// between separators.
    fn texts() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 '’.,;:()\\n\\t\u{a0}\u{2003}àÀéÉ×÷ñÑšŠžŽłŁİıßẞДдЁёЯяЀѐѠѡ҂ΣσςΩ\u{300}«»—一]{0,40}",
            "([a-zA-Z0-9'’]{0,19}[ .,;\\n\u{a0}àÀДд×҂@\\[`{]){0,8}",
        ]
    }

    proptest! {
        #[test]
        fn fast_tokenizer_matches_its_definition(s in texts()) {
            let fast: Vec<(usize, usize)> =
                tokenize(&s).iter().map(|t| (t.start(), t.end())).collect();
            prop_assert_eq!(fast, reference_tokens(&s));
        }

        #[test]
        fn token_hashes_are_the_hashes_of_their_texts(s in texts()) {
            let t = tokenize_hashed(&s);
            for (k, tok) in t.toks.iter().enumerate() {
                let w = &s[tok.start()..tok.end()];
                prop_assert_eq!(t.ids[k], exact_hash(w));
                prop_assert_eq!(t.folded[k], folded_hash(w), "{:?}", w);
            }
        }

        #[test]
        fn count_words_counts_tokens(
            s in "[a-zA-Z0-9 '’.,;:()\\n\u{a0}àÀ×ДдЁё҂«»—一]{0,40}"
        ) {
            prop_assert_eq!(count_words(&s), reference_tokens(&s).len());
        }

        #[test]
        fn leaving_out_absent_tokens_keeps_the_diff_minimal(
            (a, b) in (16usize..300, 16usize..300).prop_flat_map(|(la, lb)| (
                // A small shared vocabulary, and ids only one side has (from 1000 on the
                // old side, 2000 on the new) where an edit wrote new words.
                proptest::collection::vec(prop_oneof![3 => 0u32..40, 1 => 1000u32..1400], la),
                proptest::collection::vec(prop_oneof![3 => 0u32..40, 1 => 2000u32..2400], lb),
            )),
            shift in 0usize..5,
        ) {
            let mut steps = Vec::new();
            token_diff(&mut steps, &a, &b, shift, 2 * shift, None);
            // The steps cover both sequences in order, and equal steps pair equal ids.
            let (mut i, mut j, mut common) = (shift, 2 * shift, 0);
            for (tag, x, y) in &steps {
                prop_assert_eq!((x.start, y.start), (i, j));
                (i, j) = (x.end, y.end);
                match tag {
                    DiffTag::Equal => {
                        prop_assert_eq!(&a[x.start - shift..x.end - shift],
                            &b[y.start - 2 * shift..y.end - 2 * shift]);
                        common += x.len();
                    }
                    DiffTag::Delete => prop_assert!(y.is_empty() && !x.is_empty()),
                    DiffTag::Insert => prop_assert!(x.is_empty() && !y.is_empty()),
                    DiffTag::Replace => prop_assert!(!x.is_empty() && !y.is_empty()),
                }
            }
            prop_assert_eq!((i, j), (a.len() + shift, b.len() + 2 * shift));
            // As many tokens kept as Myers keeps on the whole sequences: a longest common
            // subsequence.
            let whole: usize = similar::capture_diff_slices(Algorithm::Myers, &a, &b)
                .iter()
                .filter(|op| op.tag() == DiffTag::Equal)
                .map(|op| op.old_range().len())
                .sum();
            prop_assert_eq!(common, whole);
        }

        #[test]
        fn cut_pieces_counted_by_token_position_as_by_scanning(
            base in proptest::collection::vec("[a-zA-Zé'’ ,.;()1-9]{20,90}", 2..12),
            extra in "[a-zA-Zé ,.;()]{1,60}",
            at in 0usize..12,
            edit in 0usize..12,
        ) {
            // A new version with a line inserted (so equal text lies at other offsets on
            // the two sides) and a line rewritten; pieces of one to six lines cut out of
            // the word diff (as paragraphs are), long ones past SCAN_UP_TO included: their
            // word counts found from the sources' tokens are those found by scanning.
            let o = base.join("\n");
            let mut new_lines = base.clone();
            new_lines.insert(at % base.len(), extra.clone());
            let e = edit % new_lines.len();
            new_lines[e] = new_lines[e].chars().rev().collect();
            let n = new_lines.join("\n");
            let d = diff_words(&o, &n, None);
            let (ot, nt) = (tokenize_hashed(&o), tokenize_hashed(&n));
            let starts = |s: &str| -> Vec<usize> {
                let mut v: Vec<usize> =
                    std::iter::once(0).chain(s.match_indices('\n').map(|(k, _)| k + 1)).collect();
                v.push(s.len());
                v
            };
            let (os, ns) = (starts(&o), starts(&n));
            for i in 0..os.len() - 1 {
                for len in [1, 3, 6] {
                    let r_old = os[i]..os[(i + len).min(os.len() - 1)];
                    let j = i.min(ns.len() - 2);
                    let r_new = ns[j]..ns[(j + len).min(ns.len() - 1)];
                    let by_tokens = cut(&d.ops, &d.words, (0, 0), r_old.clone(), r_new.clone(), &|old, r| {
                        if old { &ot } else { &nt }.range(r).map(|t| t.len())
                    });
                    // The words of the source text at the place the cut names: wrong for a
                    // piece whose place is wrong.
                    let by_place = cut(&d.ops, &d.words, (0, 0), r_old.clone(), r_new.clone(), &|old, r| {
                        if old { o.get(r) } else { n.get(r) }.map(count_words)
                    });
                    let by_scan = cut(&d.ops, &d.words, (0, 0), r_old, r_new, &|_, _| None);
                    prop_assert_eq!(&by_tokens.words, &by_scan.words);
                    prop_assert_eq!(&by_place.words, &by_scan.words);
                    prop_assert_eq!(by_tokens.ops, by_scan.ops);
                }
            }
        }

        #[test]
        fn folded_hash_is_the_hash_of_the_lower_case(
            w in "[a-zA-Z'àÀéÉ×÷ñÑšŠžŽłŁİıßẞДдЁёЯяЀѐѠѡΣσςΩ]{1,12}"
        ) {
            let lower: String = w.chars().flat_map(char::to_lowercase).collect();
            prop_assert_eq!(folded_hash(&w), folded_hash(&lower));
            prop_assert_eq!(folded_hash(&w), bytes_hash(lower.as_bytes()));
        }
    }

    #[test]
    fn ranges_of_tokens_inside_spans() {
        let src = "Article 1. The Parties agree.";
        let t = tokenize_hashed(src);
        assert_eq!(t.range(0..10), Some(0..3));
        assert_eq!(t.range(11..src.len()), Some(3..7));
        // A span that cuts a token in two has no token range of its own.
        assert_eq!(t.range(0..5), None);
        // Neither has a source too long to be tokenized whole (its spans are tokenized
        // one by one).
        let untokenized = Tokenized {
            whole: false,
            ..tokenize_hashed("")
        };
        assert_eq!(untokenized.range(0..0), None);
    }

    #[test]
    fn identical_texts_give_one_equal_op() {
        let t = "Article 1\nScope\n\nThe Parties (a) agree.\n";
        assert_eq!(diff_words(t, t, None).ops, equal(t));
        assert_eq!(diff_words("", "", None).ops, equal(""));
    }

    #[test]
    fn rebuilds_both_texts_and_ignores_rewrapping() {
        let old = "The Parties shall\ncooperate  closely.\n";
        let new = "The Parties shall cooperate\nvery closely.";
        let ops = diff_words(old, new, None).ops;
        assert_eq!(old_text(&ops), old);
        assert_eq!(new_text(&ops), new);
        let changed: Vec<&str> = ops
            .iter()
            .filter(|o| o.is_substantive())
            .map(|o| o.text.as_str())
            .collect();
        assert_eq!(changed, ["\nvery"]);
    }
}
