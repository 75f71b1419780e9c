//! The crate's error type: only input problems (I/O, encoding, limits) and bad citations
//! are errors. Parsing itself never fails.

use std::fmt;

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file could not be opened or read.
    Io,
    /// The bytes are not valid text in the expected encoding.
    Encoding,
    /// The input looks binary (NUL bytes).
    Binary,
    /// The input exceeds a size limit.
    TooLarge,
    /// A citation does not name anything in the document.
    Citation,
    /// A command-line value is not usable.
    Usage,
}

/// An error with a one-line message that names the file and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The category.
    pub kind: ErrorKind,
    /// The complete message, without a trailing newline.
    pub message: String,
}

impl Error {
    /// Makes an error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
