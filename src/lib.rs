//! # treaty_analyser
//!
//! Turns the plain text of a treaty draft into a lossless tree of its parts, resolves
//! citations such as "7(2)(b)", and compares two versions of a draft article by article.
//!
//! ```
//! let text = "Article 1\nScope\n\n1. This Treaty applies.\n";
//! let parsed = treaty_analyser::parse(text);
//! let art = parsed.document.root.walk().find(|n| n.kind == treaty_analyser::NodeKind::Article).unwrap();
//! assert_eq!(art.number.as_deref(), Some("1"));
//! assert_eq!(art.heading.as_deref(), Some("Scope"));
//! ```
//!
//! Modules: [`span`] (byte spans, line index), [`tree`] (document tree), [`parse`](mod@parse) (the
//! parser), [`number`] (designations), [`diag`] (diagnostics), [`cite`] (citations),
//! [`diff`] (comparison), [`render`] (reports), [`input`] (decoding).

pub mod cite;
pub mod diag;
pub mod diff;
pub mod error;
pub mod input;
pub mod number;
pub mod parse;
pub mod render;
pub mod span;
mod swar;
pub mod tree;

pub use parse::{Parse, parse, parse_owned};
pub use span::{LineIndex, Span};
pub use tree::{Document, Node, NodeKind};
