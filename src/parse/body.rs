//! The inside of an article (or any body of text): numbered or unnumbered paragraphs and
//! nested list items, with the "(i) after (h) is a letter" rule.

use super::lines::Line;
use super::rules::{self, Marker, MarkerStyle};
use crate::number;
use crate::span::Span;
use crate::tree::{Node, NodeKind};

/// The start of a paragraph or item at a line, at a nesting depth (0 = paragraph).
#[derive(Clone, Debug)]
pub(crate) struct Mark {
    pub line: usize,
    pub depth: usize,
    pub kind: NodeKind,
    pub number: Option<String>,
    pub label: Option<String>,
}

/// The alphabet a list counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Alphabet {
    Lower,
    Upper,
    RomanLower,
    RomanUpper,
    Digit,
    Bullet(char),
}

/// Readings of a marker body: "i" may be the letter i (9) or the Roman numeral 1.
fn readings(body: &str, style: MarkerStyle) -> Vec<(Alphabet, u32)> {
    let mut out = Vec::new();
    if style == MarkerStyle::Bullet {
        if let Some(c) = body.chars().next() {
            out.push((Alphabet::Bullet(c), 0));
        }
        return out;
    }
    let b = body.as_bytes();
    let mut chars = body.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        // Russian lists count "а) б) в) …" skipping ё, й, ъ, ы, ь.
        const CYRILLIC: &str = "абвгдежзиклмнопрстуфхцчшщэюя";
        if let Some(p) = CYRILLIC.chars().position(|x| x == c) {
            out.push((Alphabet::Lower, p as u32 + 1));
        }
    }
    if b.len() == 1 && b[0].is_ascii_lowercase() {
        out.push((Alphabet::Lower, u32::from(b[0] - b'a' + 1)));
    }
    if b.len() == 1 && b[0].is_ascii_uppercase() {
        out.push((Alphabet::Upper, u32::from(b[0] - b'A' + 1)));
    }
    // Doubled letters continue a long list: "(aa)" after "(z)".
    if b.len() == 2 && b[0] == b[1] && b[0].is_ascii_lowercase() {
        out.push((Alphabet::Lower, 26 + u32::from(b[0] - b'a' + 1)));
    }
    if let Some(v) = number::roman_value(body) {
        if b[0].is_ascii_lowercase() {
            out.push((Alphabet::RomanLower, v));
        } else {
            out.push((Alphabet::RomanUpper, v));
        }
    }
    if b.iter().all(u8::is_ascii_digit) {
        if let Ok(v) = body.parse() {
            out.push((Alphabet::Digit, v));
        }
    }
    out
}

struct Level {
    alphabet: Alphabet,
    style: MarkerStyle,
    last: u32,
}

/// Finds list items in lines `[first, last)`, given the marker of each line from line
/// `from` on (`markers[i - from]`); `base` is the depth of the first level.
fn item_marks(
    markers: &[Option<Marker>],
    from: usize,
    (first, last): (usize, usize),
    base: usize,
    out: &mut Vec<Mark>,
) {
    let mut stack: Vec<Level> = Vec::new();
    for i in first..last {
        let Some(m) = &markers[i - from] else {
            continue;
        };
        // "1." in running text is only a list item inside an existing numeric list or at 1.
        let reads = readings(m.body, m.style);
        if reads.is_empty() {
            continue;
        }
        let mut hit = None;
        'levels: for (d, lv) in stack.iter().enumerate().rev() {
            for &(a, v) in &reads {
                if a == lv.alphabet
                    && m.style == lv.style
                    && (matches!(a, Alphabet::Bullet(_)) || v == lv.last + 1)
                {
                    hit = Some((d, v));
                    break 'levels;
                }
            }
        }
        let depth = if let Some((d, v)) = hit {
            stack.truncate(d + 1);
            stack[d].last = v;
            d
        } else {
            // A new list opens at its first value; "(i)" opening a list reads as the Roman
            // numeral 1, not the ninth letter, because only that reading has the value 1.
            let start = reads
                .iter()
                .find(|&&(a, v)| matches!(a, Alphabet::Bullet(_)) || v == 1);
            let Some(&(a, v)) = start else { continue };
            stack.push(Level {
                alphabet: a,
                style: m.style,
                last: v,
            });
            stack.len() - 1
        };
        let number = match m.style {
            MarkerStyle::Bullet => None,
            _ => Some(m.body.to_lowercase()),
        };
        out.push(Mark {
            line: i,
            depth: base + depth,
            kind: NodeKind::Item,
            number,
            label: Some(m.label.to_string()),
        });
    }
}

/// A numbered-paragraph marker: "1.", "1)", "(1)", "(2bis)".
fn paragraph_number<'a>(m: &Marker<'a>) -> Option<(MarkerStyle, number::Designation, &'a str)> {
    if m.style == MarkerStyle::Bullet || !m.body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let d = number::normalize(m.body)?;
    (d.key.len() == 1).then_some((m.style, d, m.label))
}

/// Finds paragraphs (depth 0) and items (depth ≥ 1) in the body lines `[first, last)`.
pub(crate) fn marks(lines: &[Line], first: usize, last: usize) -> Vec<Mark> {
    // Each line's marker, found once for paragraphs and items.
    let markers: Vec<Option<Marker>> = lines[first..last.max(first)]
        .iter()
        .map(|l| rules::marker(l.trimmed()))
        .collect();
    let mut paras: Vec<Mark> = Vec::new();
    let mut style = None;
    let mut prev: Option<number::Designation> = None;
    for i in first..last {
        let Some((s, d, label)) = markers[i - first].as_ref().and_then(paragraph_number) else {
            continue;
        };
        let fits = match (&prev, style) {
            (None, _) => d.key == [1] && d.suffix == 0,
            (Some(p), Some(st)) => st == s && p.is_followed_by(&d),
            _ => false,
        };
        // A paragraph starts a block: after a blank line or the end of a sentence.
        let starts_block = i == first
            || lines[i - 1].is_blank()
            || lines[i - 1].trimmed().ends_with(['.', ';', ':', '!', '?']);
        if fits && starts_block {
            paras.push(Mark {
                line: i,
                depth: 0,
                kind: NodeKind::Paragraph,
                number: Some(d.text.clone()),
                label: Some(label.to_string()),
            });
            style = Some(s);
            prev = Some(d);
        }
    }
    if paras.is_empty() {
        // Unnumbered paragraphs: blocks after blank lines, unless the block opens a list item
        // or continues a sentence.
        let mut in_block = false;
        for i in first..last {
            let l = &lines[i];
            if l.is_blank() {
                in_block = false;
                continue;
            }
            if !in_block {
                let t = l.trimmed();
                let continues = !paras.is_empty()
                    && (markers[i - first].is_some()
                        || t.chars().next().is_some_and(char::is_lowercase));
                if !continues {
                    paras.push(Mark {
                        line: i,
                        depth: 0,
                        kind: NodeKind::Paragraph,
                        number: None,
                        label: None,
                    });
                }
            }
            in_block = true;
        }
    }
    let mut out = Vec::with_capacity(paras.len());
    for (p, para) in paras.iter().enumerate() {
        let end = paras.get(p + 1).map_or(last, |m| m.line);
        out.push(para.clone());
        item_marks(&markers, first, (para.line + 1, end), 1, &mut out);
    }
    // Items in an introduction before the first paragraph stay text.
    out
}

/// Builds nodes from `marks` (depth `depth` and deeper) tiling `[start, end)`; text before
/// the first mark becomes a `text` leaf.
pub(crate) fn nest(
    lines: &[Line],
    marks: &[Mark],
    depth: usize,
    start: usize,
    end: usize,
) -> Vec<Node> {
    let mut out = Vec::new();
    let tops: Vec<usize> = (0..marks.len())
        .filter(|&k| marks[k].depth == depth)
        .collect();
    let first_start = tops.first().map_or(end, |&k| lines[marks[k].line].start);
    if first_start > start {
        out.push(Node::leaf(NodeKind::Text, Span::new(start, first_start), 0));
    }
    for (t, &k) in tops.iter().enumerate() {
        let m = &marks[k];
        let s = if t == 0 {
            first_start
        } else {
            lines[m.line].start
        };
        let next_k = tops.get(t + 1).copied().unwrap_or(marks.len());
        let e = tops.get(t + 1).map_or(end, |&n| lines[marks[n].line].start);
        let mut node = Node::leaf(m.kind, Span::new(s, e), 0);
        node.number = m.number.clone();
        node.label = m.label.clone();
        let inner = &marks[k + 1..next_k];
        if !inner.is_empty() {
            node.children = nest(lines, inner, depth + 1, s, e);
        }
        out.push(node);
    }
    out
}
