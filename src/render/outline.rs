//! Human views of a parsed document: the table of contents (`treaty outline`), cited parts
//! (`treaty show`) and a debug dump of the tree with byte ranges.

use crate::tree::{Node, NodeKind};
use std::fmt::Write;

fn count(n: &Node, kind: NodeKind) -> usize {
    n.children.iter().filter(|c| c.kind == kind).count()
}

/// The table of contents: divisions, articles with captions and paragraph counts.
pub fn outline(root: &Node) -> String {
    let mut out = String::new();
    outline_into(root, 0, &mut out);
    out
}

fn outline_into(n: &Node, depth: usize, out: &mut String) {
    for c in &n.children {
        let pad = "  ".repeat(depth);
        match c.kind {
            NodeKind::Title => {
                let _ = writeln!(out, "{pad}Title: {}", c.heading.as_deref().unwrap_or(""));
            }
            NodeKind::Preamble => {
                let recitals = count(c, NodeKind::Recital);
                let mut parts = Vec::new();
                if recitals > 0 {
                    parts.push(format!(
                        "{recitals} recital{}",
                        if recitals == 1 { "" } else { "s" }
                    ));
                }
                if count(c, NodeKind::Formula) > 0 {
                    parts.push("enacting formula".to_string());
                }
                let detail = if parts.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", parts.join(", "))
                };
                let _ = writeln!(out, "{pad}Preamble{detail}   [line {}]", c.line);
            }
            k if k.is_division() => {
                let _ = writeln!(
                    out,
                    "{pad}{}{}",
                    c.label.as_deref().unwrap_or(""),
                    c.heading
                        .as_deref()
                        .map(|h| format!("  {h}"))
                        .unwrap_or_default()
                );
                outline_into(c, depth + 1, out);
            }
            NodeKind::Article => {
                let paras = count(c, NodeKind::Paragraph);
                let numbered = c
                    .children
                    .iter()
                    .any(|p| p.kind == NodeKind::Paragraph && p.number.is_some());
                let _ = writeln!(
                    out,
                    "{pad}{:<14} {}{}   [line {}]",
                    c.label.as_deref().unwrap_or("Article"),
                    c.heading.as_deref().unwrap_or("—"),
                    if numbered {
                        format!("  ({paras} paragraph{})", if paras == 1 { "" } else { "s" })
                    } else {
                        String::new()
                    },
                    c.line
                );
            }
            NodeKind::Conclusion => {
                let _ = writeln!(out, "{pad}Final clauses   [line {}]", c.line);
            }
            NodeKind::Annex => {
                let _ = writeln!(
                    out,
                    "{pad}{}{}   [line {}]",
                    c.label.as_deref().unwrap_or("Annex"),
                    c.heading
                        .as_deref()
                        .map(|h| format!("  {h}"))
                        .unwrap_or_default(),
                    c.line
                );
            }
            NodeKind::Unparsed => {
                let _ = writeln!(out, "{pad}(unparsed text)   [line {}]", c.line);
            }
            _ => {}
        }
    }
}

/// The node's text as written, without trailing blank lines.
pub fn text(n: &Node, src: &str) -> String {
    let t = n.text(src).trim_end();
    format!("{t}\n")
}

/// The node as Markdown: a heading line and the text as a block quote.
pub fn markdown(n: &Node, src: &str) -> String {
    let mut out = String::new();
    let title = match (&n.label, &n.heading) {
        (Some(l), Some(h)) => format!("{l} — {h}"),
        (Some(l), None) => l.clone(),
        (None, _) => n.display_name(),
    };
    let _ = writeln!(out, "### {title}\n");
    let body = n.body_span().slice(src).trim();
    for line in body.lines() {
        let _ = writeln!(out, "> {}", line.trim_end());
    }
    out.push('\n');
    out
}

/// A debug dump: one line per node, `KIND@start..end id "label"`, indented by depth.
pub fn debug_tree(root: &Node) -> String {
    let mut out = String::new();
    fn go(n: &Node, depth: usize, out: &mut String) {
        let _ = write!(
            out,
            "{}{}@{}..{} {}",
            "  ".repeat(depth),
            n.kind.as_str().to_uppercase(),
            n.span.start,
            n.span.end,
            n.id
        );
        if let Some(l) = &n.label {
            let _ = write!(out, " {l:?}");
        }
        if let Some(h) = &n.heading {
            let _ = write!(out, " — {h:?}");
        }
        out.push('\n');
        for c in &n.children {
            go(c, depth + 1, out);
        }
    }
    go(root, 0, &mut out);
    out
}
