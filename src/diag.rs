//! Diagnostics about the text (numbering gaps, duplicates, empty articles) and their
//! compiler-style rendering: `file:line:col: warning[code]: message`, the source line and
//! a caret.

use crate::span::{LineIndex, Span};
use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something a careful reader would want to look at; the tree is still complete.
    Warning,
    /// Informational remark.
    Note,
}

/// One finding about the text, located by byte span and by 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Severity.
    pub severity: Severity,
    /// Stable short code: `gap`, `duplicate`, `order`, `empty`, `no-articles`.
    pub code: &'static str,
    /// One-sentence message.
    pub message: String,
    /// Where in the input.
    pub span: Span,
    /// 1-based line of `span.start`.
    pub line: usize,
    /// 1-based column (in characters) of `span.start`.
    pub column: usize,
}

impl Diagnostic {
    /// Makes a note (information, not a problem of the text) located at `span` of `src`.
    pub fn note(
        code: &'static str,
        message: String,
        span: Span,
        src: &str,
        index: &LineIndex,
    ) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Self::warning(code, message, span, src, index)
        }
    }

    /// Makes a warning located at `span` of `src`.
    pub fn warning(
        code: &'static str,
        message: String,
        span: Span,
        src: &str,
        index: &LineIndex,
    ) -> Self {
        let (line, column) = index.line_col(src, span.start);
        Diagnostic {
            severity: Severity::Warning,
            code,
            message,
            span,
            line,
            column,
        }
    }

    /// Renders the diagnostic like a compiler: location, message, the source line and a caret
    /// under the span.
    pub fn render(&self, path: &str, src: &str, index: &LineIndex) -> String {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        let line = index.line_text(src, self.line);
        let width = self
            .span
            .slice(src)
            .lines()
            .next()
            .map_or(1, |l| l.chars().count().max(1));
        let (text, caret_at, width) = excerpt(line, self.column.saturating_sub(1), width);
        let gutter = self.line.to_string().len();
        format!(
            "{path}:{}:{}: {sev}[{}]: {}\n{:gutter$} |\n{} | {}\n{:gutter$} | {}{}\n",
            self.line,
            self.column,
            self.code,
            self.message,
            "",
            self.line,
            text,
            "",
            " ".repeat(caret_at),
            "^".repeat(width),
        )
    }
}

/// Characters of a source line shown in a diagnostic at most (a 20 MB one-line file must
/// not be echoed whole).
const EXCERPT_CHARS: usize = 200;

/// The part of `line` to show around the character column `col` (0-based) with a caret
/// `width` characters wide: the whole line when short, else about [`EXCERPT_CHARS`]
/// characters from a little before the column, with "…" where text is left out. Returns
/// the text, the caret's column in it and the caret's width (cut at the excerpt's end).
fn excerpt(line: &str, col: usize, width: usize) -> (String, usize, usize) {
    let n = line.chars().count();
    if n <= EXCERPT_CHARS {
        return (line.to_string(), col, width);
    }
    let start = col.saturating_sub(EXCERPT_CHARS / 4).min(n - EXCERPT_CHARS);
    let end = start + EXCERPT_CHARS;
    let mut text: String = if start > 0 {
        "…".into()
    } else {
        String::new()
    };
    text.extend(line.chars().skip(start).take(EXCERPT_CHARS));
    if end < n {
        text.push('…');
    }
    let caret_at = col.saturating_sub(start) + usize::from(start > 0);
    let width = width.min(end.saturating_sub(col)).max(1);
    (text, caret_at, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_shown_whole() {
        assert_eq!(excerpt("Article 3", 0, 9), ("Article 3".to_string(), 0, 9));
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}Article 7{}", "x".repeat(5_000), "y".repeat(5_000));
        let (text, at, width) = excerpt(&line, 5_000, 9);
        assert!(text.chars().count() <= EXCERPT_CHARS + 2);
        assert!(text.starts_with('…') && text.ends_with('…'));
        let shown: String = text.chars().skip(at).take(width).collect();
        assert_eq!(shown, "Article 7");
        // At the very start and the very end of the line.
        let (text, at, _) = excerpt(&line, 0, 1);
        assert!(!text.starts_with('…') && text.ends_with('…') && at == 0);
        let (text, at, width) = excerpt(&line, line.len() - 1, 3);
        assert!(text.starts_with('…') && !text.ends_with('…'));
        assert_eq!(text.chars().skip(at).take(width).collect::<String>(), "y");
    }
}
