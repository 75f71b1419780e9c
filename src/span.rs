//! Byte spans into the original input and the line index that turns offsets into
//! 1-based line/column positions when (and only when) something is reported.

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into the original input.
///
/// Serialized as a two-element JSON array `[start, end]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(into = "[usize; 2]", from = "[usize; 2]")]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// Makes a span; `start` must not exceed `end`.
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }

    /// Number of bytes covered.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The covered text of `src`, or `""` when the span does not fit `src`.
    pub fn slice<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

impl From<Span> for [usize; 2] {
    fn from(s: Span) -> Self {
        [s.start, s.end]
    }
}

impl From<[usize; 2]> for Span {
    fn from(a: [usize; 2]) -> Self {
        Span {
            start: a[0],
            end: a[1].max(a[0]),
        }
    }
}

/// Maps byte offsets to 1-based line and column numbers.
///
/// Lines end at LF, CRLF or a lone CR, so positions agree with what an editor shows for
/// any of the three conventions. Columns count characters, not bytes.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Builds the index of `src`.
    pub fn new(src: &str) -> Self {
        let bytes = src.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(off) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let p = i + off;
            let next = if bytes[p] == b'\r' && bytes.get(p + 1) == Some(&b'\n') {
                p + 2
            } else {
                p + 1
            };
            starts.push(next);
            i = next;
        }
        LineIndex { starts }
    }

    /// The index of `src` from the starts of its lines as split by the parser (a final line
    /// without terminator counts, an empty tail does not): the same index as
    /// [`LineIndex::new`] without a second pass over the text.
    pub(crate) fn from_line_starts(src: &str, line_starts: impl Iterator<Item = usize>) -> Self {
        let mut starts: Vec<usize> = line_starts.collect();
        if starts.is_empty() {
            starts.push(0);
        }
        if src.ends_with(['\n', '\r']) {
            starts.push(src.len());
        }
        LineIndex { starts }
    }

    /// 1-based line containing byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// 1-based (line, column) of `offset`, the column counted in characters.
    pub fn line_col(&self, src: &str, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let start = self.starts[line - 1];
        let col = src
            .get(start..offset.min(src.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// The text of 1-based `line`, without its line terminator.
    pub fn line_text<'a>(&self, src: &'a str, line: usize) -> &'a str {
        let Some(start) = self.line_start(line) else {
            return "";
        };
        let end = self.starts.get(line).copied().unwrap_or(src.len());
        src.get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// Number of lines.
    pub fn n_lines(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_index_from_split_lines_is_the_index(s in "[ab\r\n]{0,12}") {
            let lines = crate::parse::lines::split_lines(&s);
            let from_lines = LineIndex::from_line_starts(&s, lines.iter().map(|l| l.start));
            proptest::prop_assert_eq!(from_lines.starts, LineIndex::new(&s).starts);
        }
    }

    #[test]
    fn line_col_with_mixed_line_ends() {
        let src = "ab\r\ncd\ref\ngh";
        let idx = LineIndex::new(src);
        assert_eq!(idx.line_col(src, 0), (1, 1));
        assert_eq!(idx.line_col(src, 4), (2, 1));
        assert_eq!(idx.line_col(src, 7), (3, 1));
        assert_eq!(idx.line_col(src, 11), (4, 2));
        assert_eq!(idx.line_text(src, 2), "cd");
    }
}
