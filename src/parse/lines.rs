//! Splitting the input into lines that remember where they are, for LF, CRLF and CR.

/// One line of the input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line<'a> {
    /// Byte offset of the first byte of the line.
    pub start: usize,
    /// The text without surrounding white space, worked out once (see [`Line::trimmed`]).
    trimmed: &'a str,
    /// True when the line holds only white space (a BOM is not white space).
    blank: bool,
}

impl<'a> Line<'a> {
    /// The line `text` (without its terminator) starting at byte `start`.
    pub fn new(text: &'a str, start: usize) -> Self {
        let trimmed = trim(text);
        Line {
            start,
            trimmed,
            blank: trimmed.is_empty() && text.trim().is_empty(),
        }
    }

    /// True when the line holds only white space.
    pub fn is_blank(&self) -> bool {
        self.blank
    }

    /// The text without surrounding white space (including NBSP and BOM).
    pub fn trimmed(&self) -> &'a str {
        self.trimmed
    }
}

/// `text` without surrounding white space (including NBSP and BOM).
fn trim(text: &str) -> &str {
    let rest = trim_ascii_space(text);
    let b = rest.as_bytes();
    // Other white space (NBSP, BOM, …) is not ASCII: only then the full check.
    if b.first().is_some_and(|x| !x.is_ascii()) || b.last().is_some_and(|x| !x.is_ascii()) {
        rest.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
    } else {
        rest
    }
}

/// `s` without the ASCII white space around it that [`char::is_whitespace`] knows (tab, line
/// feed, vertical tab, form feed, carriage return, space).
fn trim_ascii_space(s: &str) -> &str {
    let space = |x: &u8| matches!(x, b'\t'..=b'\r' | b' ');
    let b = s.as_bytes();
    let start = b.iter().position(|x| !space(x)).unwrap_or(b.len());
    let end = b.iter().rposition(|x| !space(x)).map_or(start, |p| p + 1);
    // Both ends sit next to ASCII bytes, so on character boundaries.
    s.get(start..end).unwrap_or("")
}

/// Splits `src` into lines; a final line without terminator counts, an empty tail does not.
pub(crate) fn split_lines(src: &str) -> Vec<Line<'_>> {
    let bytes = src.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 40 + 1);
    let mut start = 0;
    // One search over the whole text (a search per line paid its set-up each time).
    for p in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if p < start {
            // The LF of a CRLF.
            continue;
        }
        lines.push(Line::new(&src[start..p], start));
        start = if bytes[p] == b'\r' && bytes.get(p + 1) == Some(&b'\n') {
            p + 2
        } else {
            p + 1
        };
    }
    if start < bytes.len() {
        lines.push(Line::new(&src[start..], start));
    }
    lines
}

/// True when `s` has more than `n` characters; counts them only when its byte length
/// leaves the question open (a character takes at least one byte).
pub(crate) fn longer_than(s: &str, n: usize) -> bool {
    s.len() > n && s.chars().count() > n
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn lines_end_at_lf_crlf_or_cr(s in "[ab \r\n]{0,24}") {
            // One line per terminator (CRLF counting once), and the rest if not empty.
            let mut expected = Vec::new();
            let (b, mut start, mut k) = (s.as_bytes(), 0, 0);
            while k < b.len() {
                if b[k] == b'\n' || b[k] == b'\r' {
                    expected.push(start);
                    k += if b[k] == b'\r' && b.get(k + 1) == Some(&b'\n') { 2 } else { 1 };
                    start = k;
                } else {
                    k += 1;
                }
            }
            if start < b.len() {
                expected.push(start);
            }
            let got: Vec<usize> = split_lines(&s).iter().map(|l| l.start).collect();
            proptest::prop_assert_eq!(got, expected);
        }

        #[test]
        fn trimming_is_trimming_all_white_space(
            s in "[ \t\u{b}\u{c}\r\u{a0}\u{feff}\u{2003}a.é]{0,10}"
        ) {
            let line = Line::new(&s, 0);
            let all = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
            proptest::prop_assert_eq!(line.trimmed(), all);
            proptest::prop_assert_eq!(line.is_blank(), s.trim().is_empty());
        }
    }

    #[test]
    fn longer_than_counts_characters_not_bytes() {
        assert!(!longer_than("ééé", 3));
        assert!(longer_than("ééé", 2));
        assert!(!longer_than("abc", 3));
        assert!(longer_than("abcd", 3));
        assert!(!longer_than("", 0));
    }

    #[test]
    fn all_line_ends() {
        let src = "a\r\nb\rc\nd";
        let l = split_lines(src);
        let texts: Vec<_> = l.iter().map(|l| l.trimmed()).collect();
        assert_eq!(texts, ["a", "b", "c", "d"]);
        assert_eq!(l[3].start, 7);
        assert!(split_lines("").is_empty());
    }
}
