//! Parsing a draft's plain text into a lossless [`Document`] tree.
//!
//! Parsing never fails: whatever the input, [`parse`] returns a tree whose leaves tile the
//! input exactly, and a list of [`Diagnostic`]s for anomalies (numbering gaps, duplicates,
//! empty articles). The steps are:
//!
//! 1. split into lines (LF, CRLF or CR);
//! 2. recognise candidate headings line by line with nom rules (`rules`);
//! 3. choose the real article headings as the best-numbered chain (`select`);
//! 4. accept divisions, find the caption layout, the final clauses and annexes;
//! 5. split the front matter into title and preamble (recitals, formula);
//! 6. split each article body into paragraphs and items (`body`);
//! 7. give every node its eId and line.

// Lines are addressed by number throughout (neighbours, ranges), so index loops read best.
#![allow(clippy::needless_range_loop)]

mod body;
pub(crate) mod lines;
mod rules;
mod select;

use crate::diag::Diagnostic;
use crate::number::Designation;
use crate::span::{LineIndex, Span};
use crate::tree::{Document, Node, NodeKind};
use lines::Line;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use select::{Candidate, CaptionLayout};
use std::fmt::Write as _;

pub(crate) use rules::is_article_word;

/// The result of parsing: the tree and what was noticed on the way.
#[derive(Clone, Debug)]
pub struct Parse {
    /// The document tree.
    pub document: Document,
    /// Anomalies of the text, in input order.
    pub diagnostics: Vec<Diagnostic>,
}

/// One top-level piece of the document before nesting.
#[derive(Clone, Debug)]
enum Block {
    Title,
    Preamble,
    Division {
        kind: NodeKind,
        label: String,
        number: Designation,
        caption: Option<String>,
        head_end: usize,
    },
    Article(usize),
    Conclusion,
    Annex {
        label: String,
        number: Option<Designation>,
        caption: Option<String>,
    },
    Unparsed,
}

/// A chosen article heading.
#[derive(Clone, Debug)]
struct ArticleAt {
    /// First line of the heading (the caption line when the caption comes first).
    first: usize,
    /// The line after the heading lines.
    body_first: usize,
    label: String,
    number: Designation,
    caption: Option<String>,
}

fn first_char_may_start_article(c: char) -> bool {
    matches!(c, 'A' | 'a' | 'С' | 'с' | 'Č' | 'č' | '§')
}

fn first_char_may_start_division(c: char) -> bool {
    matches!(
        c,
        'P' | 'T'
            | 'C'
            | 'S'
            | 'K'
            | 'A'
            | 'D'
            | 'H'
            | 'O'
            | 'R'
            | 'U'
            | 'Г'
            | 'Р'
            | 'Ч'
            | 'О'
            | 'П'
            | 'Т'
            | 'Č'
    )
}

/// Parses `source` into a document tree and diagnostics. Never fails, never panics.
pub fn parse(source: &str) -> Parse {
    parse_owned(source.to_string())
}

/// [`parse`] of a text the document takes over, without copying it.
pub fn parse_owned(source: String) -> Parse {
    let (root, diagnostics) = build(&source);
    Parse {
        document: Document { source, root },
        diagnostics,
    }
}

/// The tree and diagnostics of `src`: the steps of the module documentation in turn.
pub(crate) fn build(src: &str) -> (Node, Vec<Diagnostic>) {
    let lines = lines::split_lines(src);
    let index = LineIndex::from_line_starts(src, lines.iter().map(|l| l.start));
    let (cands, div_cands) = candidates(&lines);
    let div_lines: HashSet<usize> = div_cands.iter().map(|d| d.0).collect();
    let articles = article_headings(&lines, &cands, &div_lines);
    let divisions = divisions(&lines, div_cands, &articles);
    let conclusion = final_clauses_start(&lines, &articles);
    let annexes = match conclusion.or(articles.last().map(|a| a.body_first)) {
        Some(from) => annexes(&lines, from),
        None => Vec::new(),
    };
    // The back matter (final clauses, annexes) starts at the first of the two.
    let back_start = annexes
        .first()
        .map(|a| a.0)
        .into_iter()
        .chain(conclusion)
        .min();
    let kept_as_text = articles_in_back_matter(&lines, &articles, back_start);
    let body = body_blocks(&articles, divisions, conclusion, annexes, back_start);
    let body_start = body.first().map_or(lines.len(), |b| b.0);
    let mut blocks = front_matter(&lines, !articles.is_empty(), body_start);
    blocks.extend(body);
    let mut root = nest(src, &lines, &blocks, &articles);
    let mut used = Ids::default();
    // One eId per node: room for all of them at once rather than growing by rehashing.
    used.used.reserve(root.walk().count());
    assign(&mut root.children, root.kind, "", &mut used, &index, src);
    root.id = "doc".into();
    root.line = 1;
    let mut diagnostics = diagnose(&root, src, &index);
    if let Some((first, n)) = kept_as_text {
        let l = &lines[first];
        diagnostics.push(Diagnostic::note(
            "kept-as-text",
            format!(
                "{n} article heading{} after the final clauses or an annex heading {} kept as text of that part: annexed texts and further language versions are not outlined yet",
                if n == 1 { "" } else { "s" },
                if n == 1 { "is" } else { "are" }
            ),
            {
                let t = l.trimmed();
                let at = l.start + src[l.start..].find(t).unwrap_or(0);
                Span::new(at, at + t.len())
            },
            src,
            &index,
        ));
        diagnostics.sort_by_key(|d| d.span.start);
    }
    (root, diagnostics)
}

/// The first line and the number of the article headings that lie after the final clauses
/// or the first annex heading (they stay text of that part), if any.
fn articles_in_back_matter(
    lines: &[Line],
    articles: &[ArticleAt],
    back_start: Option<usize>,
) -> Option<(usize, usize)> {
    let back_start = back_start?;
    let later: Vec<&ArticleAt> = articles.iter().filter(|a| a.first >= back_start).collect();
    let first = later.first()?.first;
    // The label line (a caption may stand before it).
    let first = (first..lines.len())
        .find(|&i| rules::article_head(lines[i].trimmed()).is_some())
        .unwrap_or(first);
    Some((first, later.len()))
}

/// Step 2: the lines that may be article headings, and those that may be division headings.
fn candidates<'a>(
    lines: &[Line<'a>],
) -> (Vec<Candidate<'a>>, Vec<(usize, rules::DivisionHead<'a>)>) {
    let mut cands: Vec<Candidate> = Vec::new();
    let mut div_cands = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trimmed();
        let Some(c) = t.chars().next() else { continue };
        if t.len() > 2000 {
            continue;
        }
        if first_char_may_start_article(c) {
            if let Some(head) = rules::article_head(t) {
                cands.push(Candidate { line: i, head });
                continue;
            }
        }
        if first_char_may_start_division(c) {
            if let Some(d) = rules::division_head(t) {
                div_cands.push((i, d));
            }
        }
    }
    // "§ 1" heads the articles of a law-like text, but inside the articles of a treaty
    // ("§ 1" as in "article 2, § 1") it numbers paragraphs: it is an article word only in
    // a text that has no other.
    if cands.iter().any(|c| c.head.keyword != "§") {
        cands.retain(|c| c.head.keyword != "§");
    }
    (cands, div_cands)
}

/// Step 3: the article headings chosen among the candidates, with their captions found by
/// the document's caption layout.
fn article_headings(
    lines: &[Line],
    cands: &[Candidate],
    div_lines: &HashSet<usize>,
) -> Vec<ArticleAt> {
    let chosen = select::choose(lines, cands);
    let bare = chosen
        .iter()
        .filter(|&&k| cands[k].head.rest_kind == rules::Rest::Empty)
        .map(|&k| cands[k].line);
    let layout = select::caption_layout(lines, bare);
    let mut articles: Vec<ArticleAt> = Vec::with_capacity(chosen.len());
    let mut taken: HashSet<usize> = HashSet::default();
    for (n, &k) in chosen.iter().enumerate() {
        let c = &cands[k];
        let next_article = chosen.get(n + 1).map_or(lines.len(), |&k| cands[k].line);
        let mut a = ArticleAt {
            first: c.line,
            body_first: c.line + 1,
            label: c.head.label.to_string(),
            number: c.head.number.clone(),
            caption: c.head.caption.map(str::to_string),
        };
        if c.head.rest_kind == rules::Rest::Empty {
            match layout {
                CaptionLayout::After => {
                    if let Some(j) = select::caption_after(lines, c.line)
                        .filter(|&j| leaves_a_body(lines, j, next_article, div_lines))
                    {
                        a.caption = Some(lines[j].trimmed().to_string());
                        a.body_first = j + 1;
                    }
                }
                CaptionLayout::Before => {
                    if let Some(j) = select::caption_before(lines, c.line) {
                        let prev_end = articles.last().map_or(0, |p: &ArticleAt| p.body_first);
                        if j >= prev_end && !taken.contains(&j) {
                            a.caption = Some(lines[j].trimmed().to_string());
                            a.first = j;
                        }
                    }
                }
            }
        }
        taken.insert(a.first);
        articles.push(a);
    }
    long_captions(lines, cands, &chosen, &mut articles, layout, div_lines);
    articles
}

/// False for a sentence on line `j` after which no text follows before the next heading
/// (article at `next_article`, division, final clauses): a one-sentence article
/// ("Reservations are not permitted.") is its own body, not a caption over an empty
/// article. A line without a full stop stays a caption ("Purpose and Functions" over
/// sub-headings).
fn leaves_a_body(
    lines: &[Line],
    j: usize,
    next_article: usize,
    div_lines: &HashSet<usize>,
) -> bool {
    if !lines[j].trimmed().ends_with('.') {
        return true;
    }
    (j + 1..next_article.min(lines.len()))
        .take_while(|l| !div_lines.contains(l) && !rules::is_conclusion_start(lines[*l].trimmed()))
        .any(|l| !lines[l].is_blank())
}

/// In a document whose articles mostly have captions after their labels, a bare label
/// followed by a long sentence-case line gets that line as its caption too (see
/// `select::long_caption_after`); elsewhere such a line is the article's text.
fn long_captions(
    lines: &[Line],
    cands: &[Candidate],
    chosen: &[usize],
    articles: &mut [ArticleAt],
    layout: CaptionLayout,
    div_lines: &HashSet<usize>,
) {
    let captioned = articles.iter().filter(|a| a.caption.is_some()).count();
    if layout != CaptionLayout::After || captioned * 2 < articles.len() {
        return;
    }
    for (n, (a, &k)) in articles.iter_mut().zip(chosen).enumerate() {
        let next_article = chosen.get(n + 1).map_or(lines.len(), |&k| cands[k].line);
        if a.caption.is_none() && cands[k].head.rest_kind == rules::Rest::Empty {
            if let Some(j) = select::long_caption_after(lines, cands[k].line)
                .filter(|&j| leaves_a_body(lines, j, next_article, div_lines))
            {
                a.caption = Some(lines[j].trimmed().to_string());
                a.body_first = j + 1;
            }
        }
    }
}

/// Step 4a: the division headings taken: stand-alone lines that are not inside a sentence
/// nor part of an article heading, with a caption on the next line when they have none.
fn divisions(
    lines: &[Line],
    div_cands: Vec<(usize, rules::DivisionHead)>,
    articles: &[ArticleAt],
) -> Vec<(usize, Block)> {
    let article_lines: HashSet<usize> = articles
        .iter()
        .flat_map(|a| a.first..a.body_first)
        .collect();
    let heading_lines: HashSet<usize> = articles
        .iter()
        .map(|a| a.first)
        .chain(div_cands.iter().map(|c| c.0))
        .collect();
    let mut divisions = Vec::new();
    for (i, d) in div_cands {
        if article_lines.contains(&i)
            || matches!(d.rest_kind, rules::Rest::Sentence | rules::Rest::DotOnly)
            // An item of a list ("Section A: Danger warning signs;").
            || d.caption.is_some_and(|c| c.ends_with([';', ',']))
            || matches!(select::above(lines, i), select::Above::MidSentence)
            || lines::longer_than(lines[i].trimmed(), 200)
        {
            continue;
        }
        let mut caption = d.caption.map(str::to_string);
        let mut head_end = i + 1;
        if caption.is_none() {
            // On the next line, or after one blank line (the caption_after rule).
            if let Some(j) = select::caption_after(lines, i) {
                if !article_lines.contains(&j) && !heading_lines.contains(&j) {
                    caption = Some(lines[j].trimmed().to_string());
                    head_end = j + 1;
                }
            }
        }
        divisions.push((
            i,
            Block::Division {
                kind: d.kind,
                label: d.label.to_string(),
                number: d.number,
                caption,
                head_end,
            },
        ));
    }
    drop_article_subdivisions(lines, divisions, articles, &heading_lines)
}

/// The divisions less those of a kind that subdivides articles rather than grouping them
/// ("Article V … Section 1. Purpose … Section 2. …", as in the charters of international
/// banks): when every heading of a kind after the first article is followed by text, not
/// by an article or another heading, those headings are left to the article's text.
fn drop_article_subdivisions(
    lines: &[Line],
    divisions: Vec<(usize, Block)>,
    articles: &[ArticleAt],
    heading_lines: &HashSet<usize>,
) -> Vec<(usize, Block)> {
    let Some(first_article) = articles.first().map(|a| a.first) else {
        return divisions;
    };
    // The first line after the heading that is neither blank nor a short caption-like line
    // (an unnumbered sub-heading before the first article of a chapter) is text.
    let followed_by_text = |head_end: usize| {
        (head_end..lines.len())
            .find(|&j| {
                !lines[j].is_blank()
                    && (heading_lines.contains(&j) || !select::is_caption_line(lines, j))
            })
            .is_some_and(|j| !heading_lines.contains(&j))
    };
    // Per kind: (headings after the first article, of which followed by text).
    let mut tally: HashMap<NodeKind, (usize, usize)> = HashMap::default();
    for (i, b) in &divisions {
        if let Block::Division { kind, head_end, .. } = b {
            if *i > first_article {
                let t = tally.entry(*kind).or_default();
                t.0 += 1;
                t.1 += usize::from(followed_by_text(*head_end));
            }
        }
    }
    divisions
        .into_iter()
        .filter(|(i, b)| match b {
            Block::Division { kind, .. } => {
                *i < first_article || tally.get(kind).is_none_or(|&(n, text)| text < n)
            }
            _ => true,
        })
        .collect()
}

/// Step 4b: the line where the final clauses start: the first set phrase ("IN WITNESS
/// WHEREOF", "Done at") after which the article numbering does not simply go on; articles
/// after it belong to annexed texts.
fn final_clauses_start(lines: &[Line], articles: &[ArticleAt]) -> Option<usize> {
    let first = articles.first()?.body_first;
    (first..lines.len()).find(|&i| {
        let t = lines[i].trimmed();
        if !t.starts_with(char::is_uppercase) || !rules::is_conclusion_start(t) {
            return false;
        }
        let next = articles.partition_point(|a| a.first <= i);
        let goes_on = match (
            next.checked_sub(1).map(|p| &articles[p]),
            articles.get(next),
        ) {
            (Some(p), Some(n)) => p.number.is_followed_by(&n.number),
            _ => false,
        };
        !goes_on
    })
}

/// Step 4c: stand-alone annex headings from line `from` on (the final clauses, or the last
/// article).
fn annexes(lines: &[Line], from: usize) -> Vec<(usize, Block)> {
    let mut annexes = Vec::new();
    for i in from..lines.len() {
        if select::above(lines, i) != select::Above::Blank {
            continue;
        }
        if let Some((label, number)) = rules::annex_head(lines[i].trimmed()) {
            let rest = lines[i].trimmed()[label.len()..].trim_matches(|c: char| {
                c.is_whitespace() || matches!(c, ':' | '–' | '-' | '—' | '.')
            });
            annexes.push((
                i,
                Block::Annex {
                    label: label.to_string(),
                    number,
                    caption: (!rest.is_empty()).then(|| rest.to_string()),
                },
            ));
        }
    }
    annexes
}

/// The articles, divisions, final clauses and annexes in line order; articles and divisions
/// inside the back matter (after the final clauses or the first annex) are left to it.
fn body_blocks(
    articles: &[ArticleAt],
    divisions: Vec<(usize, Block)>,
    conclusion: Option<usize>,
    annexes: Vec<(usize, Block)>,
    back_start: Option<usize>,
) -> Vec<(usize, Block)> {
    let in_body = |line: usize| back_start.is_none_or(|b| line < b);
    let mut blocks: Vec<(usize, Block)> = articles
        .iter()
        .enumerate()
        .filter(|(_, a)| in_body(a.first))
        .map(|(k, a)| (a.first, Block::Article(k)))
        .collect();
    blocks.extend(divisions.into_iter().filter(|d| in_body(d.0)));
    blocks.extend(conclusion.map(|c| (c, Block::Conclusion)));
    blocks.extend(annexes);
    blocks.sort_by_key(|u| u.0);
    blocks
}

/// Step 5: the title and preamble before `body_start`, the first line of the body (a text
/// without articles keeps what follows its title as unparsed).
fn front_matter(lines: &[Line], has_articles: bool, body_start: usize) -> Vec<(usize, Block)> {
    let mut front = Vec::new();
    let Some(ft) = (0..body_start).find(|&i| !lines[i].is_blank()) else {
        return front;
    };
    if body_start == lines.len() && !has_articles {
        // No structure at all: a first block is no title without a body to be the title
        // of; the whole text stays unparsed.
        front.push((ft, Block::Unparsed));
        return front;
    }
    let block_end = (ft..body_start)
        .find(|&i| lines[i].is_blank())
        .unwrap_or(body_start);
    let block: Vec<&str> = (ft..block_end).map(|i| lines[i].trimmed()).collect();
    let title_like = block.len() <= 6
        && block.iter().all(|l| !lines::longer_than(l, 300))
        && !block
            .iter()
            .any(|l| rules::is_formula(l) || rules::is_preamble_heading(l))
        && !block.last().is_some_and(|l| l.ends_with([',', ';', ':']));
    let mut pre_start = ft;
    if title_like && (block_end < body_start || !has_articles) {
        front.push((ft, Block::Title));
        pre_start = title_end(lines, block_end, body_start);
    }
    if pre_start < body_start {
        let kind = if !has_articles {
            Block::Unparsed
        } else {
            Block::Preamble
        };
        front.push((pre_start, kind));
    }
    front
}

/// Where a title whose first block ends at `block_end` ends: a title may run over several
/// short blocks written in capitals.
fn title_end(lines: &[Line], block_end: usize, body_start: usize) -> usize {
    let mut end = block_end;
    loop {
        let Some(next) = (end..body_start).find(|&i| !lines[i].is_blank()) else {
            return body_start;
        };
        let next_end = (next..body_start)
            .find(|&i| lines[i].is_blank())
            .unwrap_or(body_start);
        let capitals = (next..next_end).all(|i| {
            let t = lines[i].trimmed();
            !t.ends_with([',', ';', ':'])
                && !rules::is_preamble_heading(t)
                && t.chars().any(char::is_alphabetic)
                && !t.chars().any(char::is_lowercase)
        });
        if next_end - next > 3 || next_end == body_start || !capitals {
            return next;
        }
        end = next_end;
    }
}

/// Step 6: the tree of the blocks: divisions hold what follows them up to the next division
/// of the same or a higher rank; the root's children tile the whole text.
fn nest(src: &str, lines: &[Line], blocks: &[(usize, Block)], articles: &[ArticleAt]) -> Node {
    let mut root = Node::leaf(NodeKind::Document, Span::new(0, src.len()), 1);
    let starts: Vec<usize> = blocks
        .iter()
        .enumerate()
        .map(|(k, u)| if k == 0 { 0 } else { lines[u.0].start })
        .collect();
    let mut stack: Vec<Node> = Vec::new();
    for (k, (line, block)) in blocks.iter().enumerate() {
        let start = starts[k];
        let end = starts.get(k + 1).copied().unwrap_or(src.len());
        let span = Span::new(start, end);
        let node = match block {
            Block::Division {
                kind,
                label,
                number,
                caption,
                head_end,
            } => {
                close_divisions(&mut stack, &mut root, kind.division_rank(), start);
                let mut n = Node::leaf(*kind, span, 0);
                n.number = Some(number.text.clone());
                n.label = Some(label.clone());
                n.heading = caption.clone();
                let head_end_byte = lines.get(*head_end).map_or(end, |l| l.start).min(end);
                n.children.push(Node::leaf(
                    NodeKind::Heading,
                    Span::new(start, head_end_byte),
                    0,
                ));
                stack.push(n);
                continue;
            }
            Block::Conclusion | Block::Annex { .. } => {
                close_divisions(&mut stack, &mut root, 0, start);
                build_simple(block, span, lines, *line)
            }
            Block::Article(a) => build_article(&articles[*a], span, lines, blocks, k),
            Block::Preamble => build_preamble(
                span,
                lines,
                *line,
                blocks.get(k + 1).map_or(lines.len(), |u| u.0),
            ),
            Block::Title | Block::Unparsed => build_simple(block, span, lines, *line),
        };
        match stack.last_mut() {
            Some(parent) => {
                parent.children.push(node);
                parent.span.end = end;
            }
            None => root.children.push(node),
        }
    }
    close_divisions(&mut stack, &mut root, 0, src.len());
    if root.children.is_empty() && !src.is_empty() {
        root.children
            .push(Node::leaf(NodeKind::Unparsed, Span::new(0, src.len()), 0));
    }
    root
}

/// Closes the open divisions of rank `rank` or lower (all of them for rank 0) at byte `at`,
/// each into its parent.
fn close_divisions(stack: &mut Vec<Node>, root: &mut Node, rank: u8, at: usize) {
    while stack
        .last()
        .is_some_and(|top| rank == 0 || top.kind.division_rank() >= rank)
    {
        let Some(mut top) = stack.pop() else { break };
        top.span.end = at;
        finish_division(&mut top);
        match stack.last_mut() {
            Some(parent) => parent.children.push(top),
            None => root.children.push(top),
        }
    }
}

/// Closes a division: its heading leaf ends where its first child starts.
fn finish_division(n: &mut Node) {
    if n.children.len() > 1 {
        let next = n.children[1].span.start;
        n.children[0].span.end = next;
    } else if let Some(h) = n.children.first_mut() {
        h.span.end = n.span.end;
    }
}

fn build_simple(unit: &Block, span: Span, lines: &[Line], line: usize) -> Node {
    match unit {
        Block::Title => {
            let mut n = Node::leaf(NodeKind::Title, span, 0);
            let text: Vec<&str> = lines[line..]
                .iter()
                .take_while(|l| l.start < span.end)
                .filter(|l| !l.is_blank())
                .map(Line::trimmed)
                .collect();
            n.heading = Some(text.join(" "));
            n
        }
        Block::Conclusion => Node::leaf(NodeKind::Conclusion, span, 0),
        Block::Annex {
            label,
            number,
            caption,
        } => {
            let mut n = Node::leaf(NodeKind::Annex, span, 0);
            n.label = Some(label.clone());
            n.number = number.as_ref().map(|d| d.text.clone());
            n.heading = caption.clone();
            let head_end = lines
                .get(line + 1)
                .map_or(span.end, |l| l.start)
                .min(span.end);
            if head_end < span.end {
                n.children = vec![
                    Node::leaf(NodeKind::Heading, Span::new(span.start, head_end), 0),
                    Node::leaf(NodeKind::Text, Span::new(head_end, span.end), 0),
                ];
            }
            n
        }
        _ => Node::leaf(NodeKind::Unparsed, span, 0),
    }
}

fn build_article(
    a: &ArticleAt,
    span: Span,
    lines: &[Line],
    blocks: &[(usize, Block)],
    k: usize,
) -> Node {
    let mut n = Node::leaf(NodeKind::Article, span, 0);
    n.number = Some(a.number.text.clone());
    n.label = Some(a.label.clone());
    n.heading = a.caption.clone();
    let end_line = blocks.get(k + 1).map_or(lines.len(), |u| u.0);
    // The heading leaf takes the label and caption lines and the blank lines after them.
    let mut body_first = a.body_first.min(end_line);
    while body_first < end_line && lines[body_first].is_blank() {
        body_first += 1;
    }
    let body_start = if body_first < end_line {
        lines[body_first].start.max(span.start)
    } else {
        span.end
    };
    n.children.push(Node::leaf(
        NodeKind::Heading,
        Span::new(span.start, body_start),
        0,
    ));
    if body_start < span.end {
        let marks = body::marks(lines, body_first, end_line);
        n.children
            .extend(body::nest(lines, &marks, 0, body_start, span.end));
    }
    n
}

fn build_preamble(span: Span, lines: &[Line], first: usize, end_line: usize) -> Node {
    let mut n = Node::leaf(NodeKind::Preamble, span, 0);
    let mut i = first;
    let mut marks: Vec<(usize, NodeKind)> = Vec::new();
    if i < end_line && rules::is_preamble_heading(lines[i].trimmed()) {
        n.label = Some(lines[i].trimmed().to_string());
        i += 1;
        while i < end_line && lines[i].is_blank() {
            i += 1;
        }
        marks.push((first, NodeKind::Heading));
    }
    let mut prev_blank = true;
    let mut prev_text = "";
    for j in i..end_line {
        let l = &lines[j];
        if l.is_blank() {
            prev_blank = true;
            continue;
        }
        let t = l.trimmed();
        if rules::is_formula(t) {
            marks.push((j, NodeKind::Formula));
        } else {
            let after_clause = prev_text.ends_with([';', ',', ':'])
                && t.chars().next().is_some_and(char::is_uppercase);
            let after_formula = marks.last().is_some_and(|m| m.1 == NodeKind::Formula);
            if prev_blank || after_clause || after_formula || marks.is_empty() {
                marks.push((j, NodeKind::Recital));
            }
        }
        prev_blank = false;
        prev_text = t;
    }
    for (m, &(line, kind)) in marks.iter().enumerate() {
        let s = if m == 0 {
            span.start
        } else {
            lines[line].start
        };
        let e = marks.get(m + 1).map_or(span.end, |x| lines[x.0].start);
        n.children.push(Node::leaf(kind, Span::new(s, e), 0));
    }
    if n.children.len() == 1 && n.children[0].kind == NodeKind::Recital {
        n.children.clear();
    }
    n
}

/// Appends the eId form of a number: its letters and digits, other characters as '-', none
/// at either end ("7 bis" → "7-bis"); returns false when nothing was appended.
fn push_eid_part(id: &mut String, number: &str) -> bool {
    let t = number.trim_matches(|c: char| !c.is_alphanumeric());
    id.extend(t.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }));
    !t.is_empty()
}

/// Gives every node its eId and 1-based line.
/// eIds given so far, and per base id the next suffix to try, so that n nodes with the same
/// base (50 000 articles numbered 1) get art_1, art_1-2, … in linear time.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

/// Gives the `children` of a node of kind `kind` with eId `parent` their eIds and lines,
/// and theirs in turn.
fn assign(
    children: &mut [Node],
    kind: NodeKind,
    parent: &str,
    used: &mut Ids,
    index: &LineIndex,
    src: &str,
) {
    // Ordinals per kind among these children (a few kinds at most: a short list).
    let mut counters: Vec<(NodeKind, usize)> = Vec::new();
    // Articles are addressed from the top (art_7), like Akoma Ntoso, except inside annexes.
    let in_annex = kind == NodeKind::Annex || parent.contains("annex");
    for c in children.iter_mut() {
        let ord = match counters.iter_mut().find(|(k, _)| *k == c.kind) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                counters.push((c.kind, 1));
                1
            }
        };
        let mut base = String::with_capacity(parent.len() + 16);
        if !parent.is_empty() && (c.kind != NodeKind::Article || in_annex) {
            base.push_str(parent);
            base.push_str("__");
        }
        match c.kind {
            NodeKind::Title | NodeKind::Preamble | NodeKind::Conclusion | NodeKind::Heading => {
                base.push_str(c.kind.eid_prefix())
            }
            NodeKind::Formula => base.push_str("formula"),
            _ => {
                base.push_str(c.kind.eid_prefix());
                base.push('_');
                if !c
                    .number
                    .as_deref()
                    .is_some_and(|num| push_eid_part(&mut base, num))
                {
                    let _ = write!(base, "{ord}");
                }
            }
        }
        let id = if used.used.insert(base.clone()) {
            base
        } else {
            let k = used.next.entry(base.clone()).or_insert(2);
            let id = loop {
                let id = format!("{base}-{k}");
                *k += 1;
                if !used.used.contains(&id) {
                    break id;
                }
            };
            used.used.insert(id.clone());
            id
        };
        c.id = id;
        let text = c.span.slice(src);
        let lead = text.len() - text.trim_start().len();
        let at = if lead == text.len() {
            c.span.start
        } else {
            c.span.start + lead
        };
        c.line = index.line(at);
        assign(&mut c.children, c.kind, &c.id, used, index, src);
    }
}

/// Numbering gaps, duplicates, out-of-order numbers and empty articles.
fn diagnose(root: &Node, src: &str, index: &LineIndex) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let arts: Vec<&Node> = root
        .walk()
        .filter(|n| n.kind == NodeKind::Article && !n.id.contains("annex"))
        .collect();
    if arts.is_empty() {
        if !src.trim().is_empty() {
            out.push(Diagnostic::warning(
                "no-articles",
                crate::tree::NOTE_UNPARSED.into(),
                Span::new(0, 0),
                src,
                index,
            ));
        }
        return out;
    }
    let label_span = |n: &Node| {
        let start = index.line_start(n.line).unwrap_or(n.span.start);
        let text = index.line_text(src, n.line);
        let off = n.label.as_deref().and_then(|l| text.find(l)).unwrap_or(0);
        let len = n.label.as_deref().map_or(text.len(), str::len);
        Span::new(start + off, (start + off + len).min(src.len()))
    };
    let mut seen: HashMap<String, usize> = HashMap::default();
    let mut prev: Option<(&Node, Designation)> = None;
    for a in arts {
        let Some(d) = a.number.as_deref().and_then(crate::number::normalize) else {
            continue;
        };
        let name = a.label.clone().unwrap_or_default();
        if let Some(&line) = seen.get(&d.text) {
            out.push(Diagnostic::warning(
                "duplicate",
                format!(
                    "{name}: article number {} already used on line {line}",
                    d.text
                ),
                label_span(a),
                src,
                index,
            ));
        } else if let Some((p, pd)) = &prev {
            if pd.cmp_key(&d).is_ge() {
                out.push(Diagnostic::warning(
                    "order",
                    format!(
                        "{name} comes after {}: numbers go backwards",
                        p.label.as_deref().unwrap_or("the previous article")
                    ),
                    label_span(a),
                    src,
                    index,
                ));
            } else if !pd.is_followed_by(&d) && pd.key.len() == d.key.len() {
                out.push(Diagnostic::warning(
                    "gap",
                    format!(
                        "numbering gap: {name} follows {}",
                        p.label.as_deref().unwrap_or("the previous article")
                    ),
                    label_span(a),
                    src,
                    index,
                ));
            }
        }
        seen.insert(d.text.clone(), a.line);
        let body = a.body_span();
        if body.slice(src).trim().is_empty() {
            out.push(Diagnostic::warning(
                "empty",
                format!("{name} has no text"),
                label_span(a),
                src,
                index,
            ));
        }
        prev = Some((a, d));
    }
    out
}
