//! The document tree: what a draft is made of (title, preamble, divisions, articles,
//! paragraphs, items, final clauses), with byte spans that tile the input exactly.
//!
//! The tree knows nothing of diffing or rendering.

use crate::span::Span;
use serde::{Deserialize, Serialize};

/// What a node of the tree is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// The root; its span is the whole input.
    Document,
    /// The title of the treaty.
    Title,
    /// Everything between the title and the first article or division.
    Preamble,
    /// One recital (or the parties' clause) of the preamble.
    Recital,
    /// The enacting words, such as "Have agreed as follows:".
    Formula,
    /// A division "PART I".
    Part,
    /// A division "TITLE II" (not the document title).
    TitleDivision,
    /// A division "CHAPTER 2".
    Chapter,
    /// A division "SECTION 3".
    Section,
    /// A division "SUBSECTION A".
    Subsection,
    /// An article.
    Article,
    /// A paragraph of an article, numbered or not.
    Paragraph,
    /// A list item: "(a)", "i)", "–".
    Item,
    /// Final clauses: "IN WITNESS WHEREOF", "Done at …", signatures.
    Conclusion,
    /// An annex, appendix or protocol after the final clauses.
    Annex,
    /// The heading lines of the parent node (label, caption, and blank lines around them).
    Heading,
    /// Running text of the parent that is not itself a paragraph or item (such as the words
    /// that introduce a list).
    Text,
    /// Text outside the treaty proper: page furniture, notes, leftovers of a web page.
    Unparsed,
}

impl NodeKind {
    /// The lower-case name used in JSON and citations.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Document => "document",
            NodeKind::Title => "title",
            NodeKind::Preamble => "preamble",
            NodeKind::Recital => "recital",
            NodeKind::Formula => "formula",
            NodeKind::Part => "part",
            NodeKind::TitleDivision => "title_division",
            NodeKind::Chapter => "chapter",
            NodeKind::Section => "section",
            NodeKind::Subsection => "subsection",
            NodeKind::Article => "article",
            NodeKind::Paragraph => "paragraph",
            NodeKind::Item => "item",
            NodeKind::Conclusion => "conclusion",
            NodeKind::Annex => "annex",
            NodeKind::Heading => "heading",
            NodeKind::Text => "text",
            NodeKind::Unparsed => "unparsed",
        }
    }

    /// True for part, title division, chapter, section and subsection.
    pub fn is_division(self) -> bool {
        matches!(
            self,
            NodeKind::Part
                | NodeKind::TitleDivision
                | NodeKind::Chapter
                | NodeKind::Section
                | NodeKind::Subsection
        )
    }

    /// Nesting rank of a division: a lower rank contains higher ones.
    pub fn division_rank(self) -> u8 {
        match self {
            NodeKind::Part => 1,
            NodeKind::TitleDivision => 2,
            NodeKind::Chapter => 3,
            NodeKind::Section => 4,
            NodeKind::Subsection => 5,
            _ => 0,
        }
    }

    /// Prefix of this kind in an eId (`art`, `para`, `chp`, …).
    pub fn eid_prefix(self) -> &'static str {
        match self {
            NodeKind::Document => "doc",
            NodeKind::Title => "title",
            NodeKind::Preamble => "preamble",
            NodeKind::Recital => "recital",
            NodeKind::Formula => "formula",
            NodeKind::Part => "part",
            NodeKind::TitleDivision => "title",
            NodeKind::Chapter => "chp",
            NodeKind::Section => "sec",
            NodeKind::Subsection => "subsec",
            NodeKind::Article => "art",
            NodeKind::Paragraph => "para",
            NodeKind::Item => "item",
            NodeKind::Conclusion => "conclusion",
            NodeKind::Annex => "annex",
            NodeKind::Heading => "heading",
            NodeKind::Text => "text",
            NodeKind::Unparsed => "unparsed",
        }
    }
}

impl std::fmt::Display for NodeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One node of the document tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// What the node is.
    pub kind: NodeKind,
    /// Stable address in Akoma Ntoso eId style (`art_7__para_2__item_b`), unique in the document.
    pub id: String,
    /// Normalized designation ("7", "1.2", "XXIV", "5bis", "a"), if the node is numbered.
    pub number: Option<String>,
    /// The label exactly as written ("ARTICLE 1.2", "Статья 7", "(a)").
    pub label: Option<String>,
    /// The caption ("Objectives"), if any.
    pub heading: Option<String>,
    /// 1-based line where the node starts.
    pub line: usize,
    /// Byte range into the original input.
    pub span: Span,
    /// Sub-nodes, in order; their spans tile this node's span exactly.
    pub children: Vec<Node>,
}

impl Node {
    /// A node with no designation and no children.
    pub fn leaf(kind: NodeKind, span: Span, line: usize) -> Node {
        Node {
            kind,
            id: String::new(),
            number: None,
            label: None,
            heading: None,
            line,
            span,
            children: Vec::new(),
        }
    }

    /// The node's text in `src`.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        self.span.slice(src)
    }

    /// The node's text without its heading leaf (the body of an article, say).
    pub fn body_span(&self) -> Span {
        match self.children.first() {
            Some(h) if h.kind == NodeKind::Heading => Span::new(h.span.end, self.span.end),
            _ => self.span,
        }
    }

    /// Depth-first walk over this node and all descendants, parents first.
    pub fn walk(&self) -> Walk<'_> {
        Walk { stack: vec![self] }
    }

    /// Direct and indirect children of a given kind, in document order.
    pub fn descendants_of_kind(&self, kind: NodeKind) -> impl Iterator<Item = &Node> {
        self.walk().filter(move |n| n.kind == kind)
    }

    /// The articles of the treaty proper, in order: direct children and those inside
    /// divisions (not those of annexes).
    pub fn articles(&self) -> Vec<&Node> {
        fn go<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
            for c in &n.children {
                if c.kind == NodeKind::Article {
                    out.push(c);
                } else if c.kind.is_division() {
                    go(c, out);
                }
            }
        }
        let mut out = Vec::new();
        go(self, &mut out);
        out
    }

    /// A human name for the node: "Article 7", "Chapter II", "Paragraph 2", "Preamble".
    pub fn display_name(&self) -> String {
        let word = match self.kind {
            NodeKind::TitleDivision => "Title".to_string(),
            k => {
                let s = k.as_str();
                let mut c = s.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            }
        };
        match &self.number {
            Some(n) => format!("{word} {n}"),
            None => word,
        }
    }
}

/// Iterator of [`Node::walk`].
pub struct Walk<'a> {
    stack: Vec<&'a Node>,
}

impl<'a> Iterator for Walk<'a> {
    type Item = &'a Node;
    fn next(&mut self) -> Option<&'a Node> {
        let n = self.stack.pop()?;
        self.stack.extend(n.children.iter().rev());
        Some(n)
    }
}

/// A parsed document: the source text and its tree.
#[derive(Clone, Debug)]
pub struct Document {
    /// The text that was parsed (after decoding), which every span indexes.
    pub source: String,
    /// The root node (kind `document`).
    pub root: Node,
}

/// What [`Document::note`] says of an input with nothing to outline.
pub const NOTE_EMPTY: &str = "empty input";
/// What [`Document::note`] says of a text in which no structure was found.
pub const NOTE_UNPARSED: &str = "no article headings found; the text is kept as unparsed";

impl Document {
    /// What to tell a reader about a document without structure, the same in every
    /// command: [`NOTE_EMPTY`] for an input of white space at most, [`NOTE_UNPARSED`] when
    /// no heading was found (the whole text is one `unparsed` node); `None` otherwise.
    pub fn note(&self) -> Option<&'static str> {
        if self.source.trim().is_empty() {
            Some(NOTE_EMPTY)
        } else if self
            .root
            .children
            .iter()
            .all(|c| c.kind == NodeKind::Unparsed)
        {
            Some(NOTE_UNPARSED)
        } else {
            None
        }
    }
}

/// A broken tree invariant, found by [`validate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvariantError {
    /// The eId of the offending node.
    pub id: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for InvariantError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "node {}: {}", self.id, self.message)
    }
}

/// Checks the lossless-tree invariants: the root covers `src`; every node's children tile
/// its span in order with no gap and no overlap; spans fall on char boundaries; ids are
/// unique. Tests and fuzzers call it.
pub fn validate(root: &Node, src: &str) -> Result<(), InvariantError> {
    let err = |n: &Node, m: String| InvariantError {
        id: n.id.clone(),
        message: m,
    };
    if root.span != Span::new(0, src.len()) {
        return Err(err(
            root,
            format!("root span {:?} is not 0..{}", root.span, src.len()),
        ));
    }
    let mut ids = std::collections::HashSet::new();
    for n in root.walk() {
        if !src.is_char_boundary(n.span.start) || !src.is_char_boundary(n.span.end) {
            return Err(err(n, format!("span {:?} splits a character", n.span)));
        }
        if n.span.start > n.span.end {
            return Err(err(n, format!("span {:?} is reversed", n.span)));
        }
        if !ids.insert(n.id.as_str()) {
            return Err(err(n, "id is not unique".into()));
        }
        if n.children.is_empty() {
            continue;
        }
        let mut pos = n.span.start;
        for c in &n.children {
            if c.span.start != pos {
                return Err(err(
                    c,
                    format!(
                        "starts at {} but its previous sibling ends at {}",
                        c.span.start, pos
                    ),
                ));
            }
            pos = c.span.end;
        }
        if pos != n.span.end {
            return Err(err(
                n,
                format!("children end at {pos}, the node at {}", n.span.end),
            ));
        }
    }
    Ok(())
}

/// Concatenates the text of every leaf, in order: equals the input for a valid tree.
pub fn leaf_text(root: &Node, src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    for n in root.walk().filter(|n| n.children.is_empty()) {
        out.push_str(n.text(src));
    }
    out
}
