//! Word-level diff of two texts with `similar`: words and punctuation are tokens, white
//! space between them is layout. The ops rebuild both texts byte for byte.

use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp};
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

/// A token: its leading white space and its text, as byte ranges of the source.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub ws_start: usize,
    pub start: usize,
    pub end: usize,
}

/// Splits `s` into tokens: runs of letters/digits (with inner apostrophes), or single
/// punctuation characters; white space is attached to the following token.
pub(crate) fn tokenize(s: &str) -> (Vec<Token>, usize) {
    let mut toks = Vec::new();
    let mut ws_start = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        if c.is_alphanumeric() {
            while let Some(&(j, d)) = it.peek() {
                if d.is_alphanumeric() || d == '\'' || d == '’' {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
        }
        toks.push(Token {
            ws_start,
            start,
            end,
        });
        ws_start = end;
    }
    (toks, ws_start)
}

/// Diffs `old` and `new` word by word. With a `deadline`, `similar` may return a coarser
/// (still exact) diff; the second value says whether that happened.
pub fn diff_words(old: &str, new: &str, deadline: Option<Instant>) -> (Vec<InlineOp>, bool) {
    let (ot, o_tail) = tokenize(old);
    let (nt, n_tail) = tokenize(new);
    let ok: Vec<&str> = ot.iter().map(|t| &old[t.start..t.end]).collect();
    let nk: Vec<&str> = nt.iter().map(|t| &new[t.start..t.end]).collect();
    let ops = similar::capture_diff_slices_deadline(Algorithm::Myers, &ok, &nk, deadline);
    let timed_out = deadline.is_some_and(|d| Instant::now() > d);
    let mut out: Vec<InlineOp> = Vec::new();
    let push = |out: &mut Vec<InlineOp>, op: InlineOp| {
        if op.text.is_empty() {
            return;
        }
        if let Some(last) = out.last_mut() {
            if last.op == op.op
                && last.layout == op.layout
                && last.consequential == op.consequential
            {
                last.text.push_str(&op.text);
                return;
            }
        }
        out.push(op);
    };
    let layout = |out: &mut Vec<InlineOp>, a: &str, b: &str| {
        if a == b {
            push(out, InlineOp::new(Op::Equal, a));
        } else {
            let mut d = InlineOp::new(Op::Delete, a);
            d.layout = true;
            let mut i = InlineOp::new(Op::Insert, b);
            i.layout = true;
            push(out, d);
            push(out, i);
        }
    };
    for op in &ops {
        match *op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    let (o, n) = (ot[old_index + k], nt[new_index + k]);
                    layout(
                        &mut out,
                        &old[o.ws_start..o.start],
                        &new[n.ws_start..n.start],
                    );
                    push(&mut out, InlineOp::new(Op::Equal, &old[o.start..o.end]));
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for t in &ot[old_index..old_index + old_len] {
                    push(&mut out, InlineOp::new(Op::Delete, &old[t.ws_start..t.end]));
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for t in &nt[new_index..new_index + new_len] {
                    push(&mut out, InlineOp::new(Op::Insert, &new[t.ws_start..t.end]));
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                for t in &ot[old_index..old_index + old_len] {
                    push(&mut out, InlineOp::new(Op::Delete, &old[t.ws_start..t.end]));
                }
                for t in &nt[new_index..new_index + new_len] {
                    push(&mut out, InlineOp::new(Op::Insert, &new[t.ws_start..t.end]));
                }
            }
        }
    }
    layout(&mut out, &old[o_tail..], &new[n_tail..]);
    (out, timed_out)
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
    let (t, _) = tokenize(s);
    t.iter().map(|t| &s[t.start..t.end]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_give_one_equal_op() {
        let t = "Article 1\nScope\n\nThe Parties (a) agree.\n";
        assert_eq!(diff_words(t, t, None).0, equal(t));
        assert_eq!(diff_words("", "", None).0, equal(""));
    }

    #[test]
    fn rebuilds_both_texts_and_ignores_rewrapping() {
        let old = "The Parties shall\ncooperate  closely.\n";
        let new = "The Parties shall cooperate\nvery closely.";
        let (ops, _) = diff_words(old, new, None);
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
