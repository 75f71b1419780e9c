//! Splitting the input into lines that remember where they are, for LF, CRLF and CR.

/// One line of the input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line<'a> {
    /// The line without its terminator.
    pub text: &'a str,
    /// Byte offset of the first byte of the line.
    pub start: usize,
}

impl<'a> Line<'a> {
    /// True when the line holds only white space.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The text without surrounding white space (including NBSP and BOM).
    pub fn trimmed(&self) -> &'a str {
        self.text
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
    }
}

/// Splits `src` into lines; a final line without terminator counts, an empty tail does not.
pub(crate) fn split_lines(src: &str) -> Vec<Line<'_>> {
    let bytes = src.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 40 + 1);
    let mut start = 0;
    while start < bytes.len() {
        match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            Some(off) => {
                let p = start + off;
                let next = if bytes[p] == b'\r' && bytes.get(p + 1) == Some(&b'\n') {
                    p + 2
                } else {
                    p + 1
                };
                lines.push(Line {
                    text: &src[start..p],
                    start,
                });
                start = next;
            }
            None => {
                lines.push(Line {
                    text: &src[start..],
                    start,
                });
                start = bytes.len();
            }
        }
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
        let texts: Vec<_> = l.iter().map(|l| l.text).collect();
        assert_eq!(texts, ["a", "b", "c", "d"]);
        assert_eq!(l[3].start, 7);
        assert!(split_lines("").is_empty());
    }
}
