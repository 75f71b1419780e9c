//! Renderers: they display a tree or a diff that has already been computed.

pub mod diff;
pub mod docx;
pub mod html;
pub mod json;
pub mod outline;

/// What a report says about one compared version.
#[derive(Clone, Debug)]
pub struct Version<'a> {
    /// The path as given on the command line.
    pub path: &'a str,
    /// The decoded text.
    pub text: &'a str,
    /// Hex SHA-256 of the decoded text.
    pub sha256: String,
    /// The document's title, white space collapsed, if it has one.
    pub title: Option<String>,
}

impl<'a> Version<'a> {
    /// Describes a parsed version.
    pub fn new(path: &'a str, text: &'a str, doc: &crate::tree::Document) -> Self {
        Self::hashed(path, text, doc, crate::input::sha256_hex(text))
    }

    /// [`Version::new`] with the text's hex SHA-256 computed beforehand.
    pub fn hashed(
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
        Version {
            path,
            text,
            sha256,
            title,
        }
    }
}
