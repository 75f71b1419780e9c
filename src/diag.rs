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
        let text = index.line_text(src, self.line);
        let width = self
            .span
            .slice(src)
            .lines()
            .next()
            .map_or(1, |l| l.chars().count().max(1));
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
            " ".repeat(self.column - 1),
            "^".repeat(width),
        )
    }
}
