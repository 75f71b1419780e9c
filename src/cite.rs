//! Citations: "7", "7.2", "7(2)(b)", "1-3", "preamble", "conclusion", "chapter:2",
//! "annex:1", "recital:3", or an eId such as `art_7__para_2`. Resolving one returns the
//! nodes it names, or an error that suggests the nearest existing citations.

use crate::error::{Error, ErrorKind};
use crate::number;
use crate::tree::{Node, NodeKind};

/// Depth limit for nested parts such as "(2)(b)(iii)", so hostile input stays cheap.
const MAX_PARTS: usize = 16;

/// The citation without a leading article word, as a reader writes it: "Article 7",
/// "art. 7(2)", "Art 7(2)(b)", "Artikel 7", "§ 7" name what "7", "7(2)", "7(2)(b)" name.
fn without_article_word(c: &str) -> &str {
    let lower = c.to_lowercase();
    for word in [
        "article",
        "artikel",
        "artículo",
        "articolo",
        "artigo",
        "art.",
        "art",
        "§",
    ] {
        if lower.starts_with(word) && lower.is_char_boundary(word.len()) {
            let rest = &c[word.len()..];
            let rest_trim = rest.trim_start();
            // Only when a number follows ("Article 7", "art.7"), never inside a word.
            if rest_trim.starts_with(|ch: char| ch.is_ascii_digit() || ch.is_uppercase())
                && (rest.len() != rest_trim.len() || word.ends_with('.') || word == "§")
            {
                return rest_trim;
            }
        }
    }
    c
}

/// Resolves `citation` in the tree under `root`.
pub fn resolve<'a>(root: &'a Node, citation: &str) -> Result<Vec<&'a Node>, Error> {
    let c = without_article_word(citation.trim());
    let lower = c.to_lowercase();
    let fail = || not_found(root, c);
    if c.is_empty() {
        return Err(Error::new(
            ErrorKind::Citation,
            "empty citation; try \"7\", \"7(2)(b)\" or \"preamble\"",
        ));
    }
    // An eId names exactly one node.
    if let Some(n) = root.walk().find(|n| n.id == c) {
        return Ok(vec![n]);
    }
    match lower.as_str() {
        "preamble" | "title" | "conclusion" => {
            let kind = match lower.as_str() {
                "preamble" => NodeKind::Preamble,
                "title" => NodeKind::Title,
                _ => NodeKind::Conclusion,
            };
            let found: Vec<_> = root.descendants_of_kind(kind).collect();
            return if found.is_empty() {
                Err(fail())
            } else {
                Ok(found)
            };
        }
        _ => {}
    }
    if let Some((kind, num)) = lower.split_once(':') {
        let num = num.trim();
        let kinds: &[NodeKind] = match kind.trim() {
            "part" => &[NodeKind::Part],
            "title" => &[NodeKind::TitleDivision],
            "chapter" | "chp" => &[NodeKind::Chapter],
            "section" | "sec" => &[NodeKind::Section],
            "subsection" => &[NodeKind::Subsection],
            "annex" => &[NodeKind::Annex],
            "article" | "art" => &[NodeKind::Article],
            "recital" => &[NodeKind::Recital],
            _ => return Err(fail()),
        };
        if kinds == [NodeKind::Recital] {
            let k: usize = num.parse().map_err(|_| fail())?;
            return root
                .descendants_of_kind(NodeKind::Recital)
                .nth(k.wrapping_sub(1))
                .map(|n| vec![n])
                .ok_or_else(fail);
        }
        let found: Vec<_> = root
            .walk()
            .filter(|n| kinds.contains(&n.kind) && same_number(n.number.as_deref(), num))
            .collect();
        return if found.is_empty() {
            Err(fail())
        } else {
            Ok(found)
        };
    }
    let articles: Vec<&Node> = root.descendants_of_kind(NodeKind::Article).collect();
    let find_article = |num: &str| {
        articles
            .iter()
            .copied()
            .find(|a| same_number(a.number.as_deref(), num))
    };
    // A whole article number, even one that looks like a range or a path ("1-01", "7.2").
    if let Some(a) = find_article(c) {
        return Ok(vec![a]);
    }
    // A range of articles "1-3", in document order.
    if let Some((from, to)) = c.split_once(['-', '–']) {
        if let (Some(i), Some(j)) = (
            articles
                .iter()
                .position(|a| same_number(a.number.as_deref(), from.trim())),
            articles
                .iter()
                .position(|a| same_number(a.number.as_deref(), to.trim())),
        ) {
            if i <= j {
                return Ok(articles[i..=j].to_vec());
            }
        }
        return Err(fail());
    }
    // "7(2)(b)" or "7.2" / "7.2.b".
    let (head, parts) = split_parts(c).ok_or_else(fail)?;
    let mut node = find_article(head).ok_or_else(fail)?;
    for p in parts {
        node = find_part(node, &p).ok_or_else(fail)?;
    }
    Ok(vec![node])
}

/// Splits "7(2)(b)" into ("7", ["2", "b"]) and "7.2.b" into ("7", ["2", "b"]).
fn split_parts(c: &str) -> Option<(&str, Vec<String>)> {
    if let Some(open) = c.find('(') {
        let head = c[..open].trim();
        let mut parts = Vec::new();
        let mut rest = &c[open..];
        while !rest.is_empty() {
            let inner = rest.strip_prefix('(')?;
            let close = inner.find(')')?;
            parts.push(inner[..close].trim().to_string());
            if parts.len() > MAX_PARTS {
                return None;
            }
            rest = inner[close + 1..].trim_start();
        }
        return Some((head, parts));
    }
    let mut it = c.split('.');
    let head = it.next()?;
    let parts: Vec<String> = it.map(|s| s.trim().to_string()).collect();
    if parts.is_empty() || parts.len() > MAX_PARTS {
        return None;
    }
    Some((head, parts))
}

/// A paragraph or item of `node` numbered `part`; an unnumbered paragraph by position.
fn find_part<'a>(node: &'a Node, part: &str) -> Option<&'a Node> {
    let numbered = |n: &&Node| {
        matches!(n.kind, NodeKind::Paragraph | NodeKind::Item)
            && n.number
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(part))
    };
    if let Some(n) = node.children.iter().find(numbered) {
        return Some(n);
    }
    // Items inside an unnumbered paragraph are addressed from the article: "5(a)".
    for c in &node.children {
        if c.kind == NodeKind::Paragraph && c.number.is_none() {
            if let Some(n) = c.children.iter().find(numbered) {
                return Some(n);
            }
        }
    }
    let k: usize = part.parse().ok()?;
    node.children
        .iter()
        .filter(|c| c.kind == NodeKind::Paragraph && c.number.is_none())
        .nth(k.checked_sub(1)?)
}

/// Compares designations by meaning: "2" matches "II" and "two", "5bis" matches "5 bis".
fn same_number(have: Option<&str>, want: &str) -> bool {
    let Some(have) = have else { return false };
    if have.eq_ignore_ascii_case(want) {
        return true;
    }
    match (number::normalize(have), number::normalize(want)) {
        (Some(a), Some(b)) => a.key == b.key && a.suffix == b.suffix,
        _ => false,
    }
}

/// The error for a citation that names nothing, with the nearest existing citations.
fn not_found(root: &Node, c: &str) -> Error {
    let mut options: Vec<String> = root
        .descendants_of_kind(NodeKind::Article)
        .filter_map(|a| a.number.clone())
        .collect();
    let want = number::normalize(c.split(['(', '.', '-']).next().unwrap_or(c));
    options.sort_by_key(|o| match (&want, number::normalize(o)) {
        (Some(w), Some(d)) => {
            let a = w.key.first().copied().unwrap_or(0) as i64;
            let b = d.key.first().copied().unwrap_or(0) as i64;
            (a - b).unsigned_abs() as usize * 4 + usize::from(w.key.len() != d.key.len())
        }
        _ => strsim(o, c),
    });
    options.dedup();
    let near: Vec<String> = options.into_iter().take(3).collect();
    let hint = if near.is_empty() {
        "the document has no articles; try \"preamble\" or run `treaty outline`".to_string()
    } else {
        format!(
            "nearest: {}; run `treaty outline` to list all",
            near.join(", ")
        )
    };
    Error::new(
        ErrorKind::Citation,
        format!("no part of the document matches '{c}' ({hint})"),
    )
}

fn strsim(a: &str, b: &str) -> usize {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    a.chars().count().max(b.chars().count()) - common
}
