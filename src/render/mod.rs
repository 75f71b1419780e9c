//! Renderers: they display a tree or a diff that has already been computed.

pub mod diff;
pub mod docx;
pub mod html;
pub mod outline;

/// What a report says about one compared version.
#[derive(Clone, Debug)]
pub struct ComparedFile<'a> {
    /// The path as given on the command line.
    pub path: &'a str,
    /// The decoded text.
    pub text: &'a str,
    /// Hex SHA-256 of the decoded text.
    pub sha256: String,
    /// The document's title, white space collapsed, if it has one.
    pub title: Option<String>,
}

impl<'a> ComparedFile<'a> {
    /// Describes a parsed version: its path, text, hash and title.
    pub fn new(path: &'a str, text: &'a str, doc: &crate::tree::Document) -> Self {
        Self::with_sha256(path, text, doc, crate::input::sha256_hex(text))
    }

    /// [`ComparedFile::new`] with the hex SHA-256 of `text` computed beforehand (the CLI
    /// hashes each file as it reads it).
    pub fn with_sha256(
        path: &'a str,
        text: &'a str,
        doc: &crate::tree::Document,
        sha256: String,
    ) -> Self {
        let title = doc
            .root
            .children
            .iter()
            .find(|c| c.kind == crate::tree::NodeKind::Title)
            .map(|t| {
                t.text(text)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            });
        ComparedFile {
            path,
            text,
            sha256,
            title,
        }
    }
}
