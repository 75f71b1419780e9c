//! The nom rules that recognise one line at a time: article and division headings, list
//! markers, and the set phrases that open a formula or final clauses.
//!
//! Each rule looks at a single line's trimmed text and either recognises it or declines;
//! choosing among candidates (is "Article 51 of the Charter" a heading?) is `select`'s job.

use crate::number::{self, Designation};
use crate::tree::NodeKind;
use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_while1};
use nom::character::complete::{alphanumeric1, char, one_of, satisfy, space0, space1};
use nom::combinator::{opt, recognize, verify};
use nom::multi::many0;
use nom::{IResult, Parser};

/// How the keyword of a heading is written, used to learn a document's heading style.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Case {
    Upper,
    Capitalized,
    Lower,
}

fn case_of(word: &str) -> Case {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let first_upper = letters.next().is_some_and(|c| c.is_uppercase());
    let rest: Vec<char> = letters.collect();
    if first_upper && rest.iter().all(|c| c.is_uppercase()) && !rest.is_empty() {
        Case::Upper
    } else if first_upper {
        Case::Capitalized
    } else {
        Case::Lower
    }
}

/// What follows the number on a heading line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rest {
    /// Nothing: "Article 5".
    Empty,
    /// A separator and text: "Article 5: Scope", "Article 5 – Scope".
    Separated,
    /// A full stop and text: "Article 5. Scope".
    Dotted,
    /// Only a full stop: "Article 5." (often the end of a wrapped reference).
    DotOnly,
    /// Text after a space that reads like a caption: "Article 5 Scope".
    Caption,
    /// Text that continues a sentence: "Article 5 of the Charter", "Article 8(1) shall".
    Sentence,
}

/// A line that starts like an article heading.
#[derive(Clone, Debug)]
pub(crate) struct ArticleHead<'a> {
    /// The label as written: "ARTICLE 1.2", "Art. 5 bis".
    pub label: &'a str,
    /// The keyword as written: "ARTICLE", "Art.", "Статья".
    pub keyword: &'a str,
    /// Case of the keyword.
    pub case: Case,
    /// The normalized number.
    pub number: Designation,
    /// What follows the number.
    pub rest_kind: Rest,
    /// The caption on the same line, if any.
    pub caption: Option<&'a str>,
}

/// A line that starts like a division heading.
#[derive(Clone, Debug)]
pub(crate) struct DivisionHead<'a> {
    pub kind: NodeKind,
    pub label: &'a str,
    pub number: Designation,
    pub rest_kind: Rest,
    pub caption: Option<&'a str>,
}

const ARTICLE_WORDS: [&str; 10] = [
    "article",
    "artículo",
    "articulo",
    "artikel",
    "articolo",
    "artigo",
    "статья",
    "artykuł",
    "článek",
    "artikkel",
];

/// Levenshtein distance, bounded use only on short words.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// True for the article word in one of the supported languages, or an OCR slip of the
/// English one ("ARTICIE", "ARTCLE", "A11icle").
pub(crate) fn is_article_word(word: &str) -> bool {
    // Article words have six to eight characters, and so do the near misses taken below.
    // Lower-casing never shortens a word and at most doubles it (only "İ" grows, to two
    // characters), so a word of under three bytes or over eight characters is none.
    if word.len() < 3 || (word.len() > 8 && word.chars().count() > 8) {
        return false;
    }
    let lower = word.to_lowercase();
    if ARTICLE_WORDS.contains(&lower.as_str()) {
        return true;
    }
    // A letter dropped, added or changed after the first in a long article word
    // ("Arikel"), but not its plural ("articles", "artikels", "artículos") nor another word
    // ("Particle").
    if lower.chars().count() >= 6
        && ARTICLE_WORDS.iter().any(|w| {
            !lower.starts_with(w)
                && lower.chars().next() == w.chars().next()
                && edit_distance(&lower, w) == 1
        })
    {
        return true;
    }
    let n = lower.chars().count();
    (6..=8).contains(&n)
        && lower.starts_with('a')
        && lower.ends_with('e')
        && lower != "articles"
        && edit_distance(&lower, "article") <= 2
}

fn division_kind(word: &str) -> Option<NodeKind> {
    let lower = word.to_lowercase();
    Some(match lower.as_str() {
        "part" | "partie" | "parte" | "teil" | "deel" | "część" | "dział" | "часть" | "раздел" => {
            NodeKind::Part
        }
        "title" | "titre" | "título" | "titulo" | "titel" | "titolo" | "tytuł" => {
            NodeKind::TitleDivision
        }
        "chapter" | "chapitre" | "capítulo" | "capitulo" | "kapitel" | "capitolo" | "capo"
        | "hoofdstuk" | "rozdział" | "глава" => NodeKind::Chapter,
        "section" | "sección" | "seccion" | "abschnitt" | "sezione" | "secção" | "seção"
        | "secao" | "afdeling" | "sectie" | "oddział" | "отдел" => NodeKind::Section,
        "subsection" | "sub-section" | "subsección" | "sous-section" | "onderafdeling"
        | "unterabschnitt" | "подраздел" => NodeKind::Subsection,
        _ => return None,
    })
}

const ANNEX_WORDS: [&str; 19] = [
    "annex",
    "annexe",
    "anexo",
    "anhang",
    "anlage",
    "allegato",
    "bijlage",
    "aanhangsel",
    "załącznik",
    "приложение",
    "appendix",
    "appendice",
    "apéndice",
    "schedule",
    "protocol",
    "protocole",
    "protokoll",
    "protocollo",
    "protocolo",
];

fn word(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_alphanumeric() || c == '-').parse(i)
}

fn latin_suffix(i: &str) -> IResult<&str, &str> {
    verify(alphanumeric1, |w: &str| {
        number::latin_suffix_rank(w).is_some()
    })
    .parse(i)
}

/// "(A)", and "(bis)" after a number.
fn paren_letter(i: &str) -> IResult<&str, &str> {
    recognize((
        char('('),
        alt((recognize(satisfy(|c| c.is_ascii_uppercase())), latin_suffix)),
        char(')'),
    ))
    .parse(i)
}

/// The number token after a heading word: "1.2", "XXIV", "A-01", "5 bis", "140 (A)".
fn number_token(i: &str) -> IResult<&str, &str> {
    let (rest, tok) = recognize((
        alphanumeric1,
        many0((one_of(".-–"), alphanumeric1)),
        opt((space0, alt((latin_suffix, paren_letter)))),
    ))
    .parse(i)?;
    // The number ends at a word boundary: "Article 5x" is not article 5.
    if rest.chars().next().is_some_and(|c| c.is_alphanumeric()) {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        )));
    }
    Ok((rest, tok))
}

/// Between keyword and number: "Article 5", "ARTICLE - 1", "ARTICLE:9.9", "Art. No. 5".
fn keyword_gap(i: &str) -> IResult<&str, &str> {
    recognize((
        space0,
        opt((one_of(":-–"), space0)),
        opt((alt((tag_no_case("No."), tag("N°"), tag("№"))), space0)),
    ))
    .parse(i)
}

/// Words that, right after "Article N", show a running sentence rather than a caption.
pub(crate) const CONTINUATIONS: [&str; 48] = [
    "of",
    "shall",
    "and",
    "or",
    "to",
    "in",
    "which",
    "that",
    "is",
    "are",
    "was",
    "were",
    "may",
    "will",
    "apply",
    "applies",
    "shall,",
    "provides",
    "paragraph",
    "paragraphs",
    "as",
    "on",
    "with",
    "for",
    "by",
    "at",
    "from",
    "above",
    "below",
    "hereof",
    "thereof",
    "de",
    "del",
    "y",
    "o",
    "des",
    "du",
    "et",
    "la",
    "le",
    "les",
    "dans",
    "en",
    "sur",
    "des",
    "und",
    "der",
    "оf",
];

/// Classifies the text after the number.
pub(crate) fn classify_rest(rest: &str) -> (Rest, Option<&str>) {
    let t = rest.trim();
    if t.is_empty() {
        return (Rest::Empty, None);
    }
    fn caption(s: &str) -> Option<&str> {
        let s = s
            .trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, ':' | '–' | '—' | '-' | '|')
            })
            .trim_end();
        let s = s
            .strip_prefix('[')
            .and_then(|x| x.strip_suffix(']'))
            .unwrap_or(s)
            .trim();
        (!s.is_empty()).then_some(s)
    }
    let first = t.chars().next().unwrap_or(' ');
    match first {
        ':' | '–' | '—' | '-' | '|' => match caption(&t[first.len_utf8()..]) {
            Some(c) => (Rest::Separated, Some(c)),
            None => (Rest::Empty, None),
        },
        '.' => match caption(&t[1..]) {
            Some(c) if c.chars().next().is_some_and(|c| c.is_uppercase()) => {
                (Rest::Dotted, Some(c))
            }
            Some(_) => (Rest::Sentence, None),
            None => (Rest::DotOnly, None),
        },
        ',' | ';' | ')' | '(' if !looks_like_bracketed_caption(t) => (Rest::Sentence, None),
        _ => {
            let first_word = t
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("")
                .to_lowercase();
            let starts_upper = first.is_uppercase() || first == '[' || first == '(';
            // "Article 2 Article 3 Article 4": a list of articles, not a caption.
            if !starts_upper
                || CONTINUATIONS.contains(&first_word.as_str())
                || is_article_word(first_word.trim_end_matches('.'))
                || first_word == "art."
            {
                (Rest::Sentence, None)
            } else {
                (Rest::Caption, caption(t))
            }
        }
    }
}

fn looks_like_bracketed_caption(t: &str) -> bool {
    t.starts_with('(')
        && t.ends_with(')')
        && t[1..].chars().next().is_some_and(|c| c.is_uppercase())
        && t.chars().filter(|c| c.is_alphabetic()).count() > 2
}

/// True for what follows the number in a consolidated text's note on the law that changed
/// an article ("Art. 1 G v. 11.7.2012 I 1478"): a date written d.m.yyyy. A heading's caption
/// holds no such date.
fn is_amendment_note(rest: &str) -> bool {
    rest.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .any(|w| {
            let parts: Vec<&str> = w.trim_end_matches(['.', ')']).split('.').collect();
            parts.len() == 3
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                && parts[0].len() <= 2
                && parts[1].len() <= 2
                && parts[2].len() == 4
        })
}

/// Recognises a line that starts with an article word and a number.
pub(crate) fn article_head(line: &str) -> Option<ArticleHead<'_>> {
    let first = line.chars().next()?;
    if !first.is_alphabetic() && first != '§' {
        return None;
    }
    let parse = |i| -> IResult<&str, (&str, &str)> {
        let (i, kw) = alt((
            recognize((tag_no_case("art"), char('.'))),
            verify(word, |w: &str| is_article_word(w)),
            // German "Art 1" (capitalised, no full stop) and "§ 1".
            verify(word, |w: &str| w == "Art"),
            recognize(char('§')),
        ))
        .parse(i)?;
        let (i, _) = keyword_gap(i)?;
        let (r, num) = number_token(i)?;
        Ok((r, (kw, num)))
    };
    let (rest, (keyword, num)) = parse(line).ok()?;
    if is_amendment_note(rest) {
        return None;
    }
    let number = number::normalize(num)?;
    let label = line[..line.len() - rest.len()].trim_end();
    let (rest_kind, caption) = classify_rest(rest);
    Some(ArticleHead {
        label,
        keyword,
        case: case_of(keyword),
        number,
        rest_kind,
        caption,
    })
}

/// Recognises a line that starts with a division word and a number.
pub(crate) fn division_head(line: &str) -> Option<DivisionHead<'_>> {
    let (i, kw) = word(line).ok()?;
    let kind = division_kind(kw)?;
    if case_of(kw) == Case::Lower {
        return None;
    }
    let (i, _) = keyword_gap(i).ok()?;
    let (rest, num) = number_token(i).ok()?;
    let number = number::normalize(num)?;
    let label = line[..line.len() - rest.len()].trim_end();
    let (rest_kind, caption) = classify_rest(rest);
    Some(DivisionHead {
        kind,
        label,
        number,
        rest_kind,
        caption,
    })
}

/// Recognises an annex heading: "ANNEX I", "Annex 2 – Schedules", "APPENDIX", "Приложение 1".
pub(crate) fn annex_head(line: &str) -> Option<(&str, Option<Designation>)> {
    let (i, kw) = word(line).ok()?;
    if !ANNEX_WORDS.contains(&kw.to_lowercase().as_str()) || case_of(kw) == Case::Lower {
        return None;
    }
    let (i, _) = space0::<&str, nom::error::Error<&str>>(i).ok()?;
    if i.is_empty() {
        return Some((kw, None));
    }
    let (rest, num) = number_token(i).ok()?;
    let (kind, _) = classify_rest(rest);
    if kind == Rest::Sentence || kind == Rest::DotOnly {
        return None;
    }
    Some((
        line[..line.len() - rest.len()].trim_end(),
        number::normalize(num),
    ))
}

/// A list or paragraph marker at the start of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Marker<'a> {
    /// The marker as written: "1.", "(a)", "ii)", "–".
    pub label: &'a str,
    /// The marker's body: "1", "a", "ii", "2bis"; the bullet itself for bullets.
    pub body: &'a str,
    /// How it is punctuated.
    pub style: MarkerStyle,
}

/// Punctuation of a marker, which together with the body's alphabet makes a list style.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum MarkerStyle {
    /// "(a)"
    Paren,
    /// "a)"
    Right,
    /// "a." or "1."
    Dot,
    /// "–", "-", "•"
    Bullet,
}

/// Recognises a marker followed by white space at the start of `line`.
pub(crate) fn marker(line: &str) -> Option<Marker<'_>> {
    if !may_be_marker(line) {
        return None;
    }
    let body = |i| {
        recognize((
            take_while1(char::is_alphanumeric),
            // "1.2", "3.12", "2.bis"; not "1.To" (compact numbering: "1." and then "To").
            opt((
                char('.'),
                verify(alphanumeric1, |s: &str| {
                    s.len() <= 3 && !s.starts_with(|c: char| c.is_uppercase())
                }),
            )),
        ))
        .parse(i)
    };
    let parsed: IResult<&str, (&str, MarkerStyle)> = alt((
        (char('('), body, char(')')).map(|(_, b, _)| (b, MarkerStyle::Paren)),
        (body, char(')')).map(|(b, _)| (b, MarkerStyle::Right)),
        (body, char('.')).map(|(b, _)| (b, MarkerStyle::Dot)),
        recognize(one_of("–-•—*·▪")).map(|b| (b, MarkerStyle::Bullet)),
    ))
    .parse(line);
    let (mut rest, (b, style)) = parsed.ok()?;
    // Old-style "(1)." paragraphs: the full stop belongs to the marker.
    if style == MarkerStyle::Paren && rest.starts_with(". ") {
        rest = &rest[1..];
    }
    // A marker is followed by white space (or ends the line, for a marker on its own), or,
    // written compactly, directly by its text: "(a)in", and "1.To" after a number.
    let compact = match style {
        MarkerStyle::Paren => rest.chars().next().is_some_and(char::is_alphabetic),
        MarkerStyle::Dot => {
            b.bytes().all(|x| x.is_ascii_digit())
                && rest.chars().next().is_some_and(char::is_uppercase)
        }
        _ => false,
    };
    if !rest.is_empty() && !compact {
        space1::<&str, nom::error::Error<&str>>(rest).ok()?;
    }
    if b.len() > 8 {
        return None;
    }
    Some(Marker {
        label: &line[..line.len() - rest.len()],
        body: b,
        style,
    })
}

/// Most lines are prose: a marker body is at most 8 bytes of letters or digits followed by
/// '.' or ')', or a marker is a bracket or bullet, so anything else is turned away before
/// the parser runs. ASCII is decided byte by byte; a non-ASCII character met in the first
/// nine bytes sends the line to the character-by-character check.
fn may_be_marker(line: &str) -> bool {
    let b = line.as_bytes();
    let mut k = 0;
    while k < b.len() && k <= 8 && b[k].is_ascii_alphanumeric() {
        k += 1;
    }
    match b.get(k) {
        Some(x) if !x.is_ascii() => may_be_marker_by_chars(line),
        _ if k > 8 => false,
        Some(&x) if k == 0 => matches!(x, b'(' | b'-' | b'*'),
        next => matches!(next, Some(b'.' | b')')),
    }
}

/// [`may_be_marker`], one character at a time.
fn may_be_marker_by_chars(line: &str) -> bool {
    let run = line
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(line.len(), |(k, _)| k);
    let next = line[run..].chars().next();
    if run == 0 {
        next.is_some_and(|c| "(–-•—*·▪".contains(c))
    } else {
        run <= 8 && matches!(next, Some('.' | ')'))
    }
}

/// True when `line` starts with one of the lower-case `phrases`, compared
/// case-insensitively (without allocating: this runs on every line). The line's head is
/// lower-cased once into a buffer on the stack, longer than any phrase.
fn starts_with_any(line: &str, phrases: &[&str]) -> bool {
    let Some(first) = line.chars().next().and_then(|c| c.to_lowercase().next()) else {
        return false;
    };
    if !phrases.iter().any(|p| p.starts_with(first)) {
        return false;
    }
    let mut buf = [0u8; 64];
    let mut n = 0;
    let ascii = line.as_bytes().get(..61).unwrap_or(line.as_bytes());
    if ascii.is_ascii() {
        // The head the loop below would write (up to 61 bytes), lower-cased byte by byte.
        for (k, x) in ascii.iter().enumerate() {
            buf[k] = x.to_ascii_lowercase();
        }
        n = ascii.len();
    } else {
        for c in line.chars().flat_map(char::to_lowercase) {
            if n + 4 > buf.len() {
                break;
            }
            n += c.encode_utf8(&mut buf[n..]).len();
        }
    }
    let head = &buf[..n];
    phrases
        .iter()
        .any(|p| head.first() == p.as_bytes().first() && head.starts_with(p.as_bytes()))
}

/// The opening words of final clauses (testimonium, place and date of signature).
pub(crate) fn is_conclusion_start(line: &str) -> bool {
    starts_with_any(
        line,
        &[
            "in witness whereof",
            "in faith whereof",
            "in witness thereof",
            "done at ",
            "done in ",
            "done on ",
            "signed at ",
            "en fe de lo cual",
            "en testimonio de lo cual",
            "hecho en ",
            "en foi de quoi",
            "fait à ",
            "fait a ",
            "zu urkund dessen",
            "geschehen zu ",
            "in fede di che",
            "fatto a ",
            "в удостоверение чего",
            "в подтверждение чего",
            "совершено в ",
            "ten blijke waarvan",
            "gedaan te ",
            "em fé do que",
            "em testemunho do que",
            "feito em ",
            "na dowód czego",
            "sporządzono w ",
        ],
    )
}

/// The enacting formula: "Have agreed as follows:", "HAN CONVENIDO LO SIGUIENTE", …
pub(crate) fn is_formula(line: &str) -> bool {
    let l = line.to_lowercase();
    [
        "agreed as follows",
        "agree as follows",
        "agreed upon the following",
        "agreed on the following",
        "have agreed the following",
        "sont convenus de ce qui suit",
        "sont convenus des dispositions suivantes",
        "convienen lo siguiente",
        "han convenido lo siguiente",
        "han acordado lo siguiente",
        "han convenido en lo siguiente",
        "acuerdan lo siguiente",
        "convienen en lo siguiente",
        "haben folgendes vereinbart",
        "hanno convenuto quanto segue",
        "договорились о нижеследующем",
        "согласились о нижеследующем",
        "договорились о следующем",
        "het volgende overeengekomen",
        "komen het volgende overeen",
        "zijn overeengekomen als volgt",
        "acordam o seguinte",
        "acordaram o seguinte",
        "convieram no seguinte",
        "uzgodniły, co następuje",
        "folgendes vereinbart",
        "vereinbaren folgendes",
        "convengono quanto segue",
    ]
    .iter()
    .any(|p| l.contains(p))
        && !super::lines::longer_than(line, 299)
}

/// A heading line that opens the preamble: "PREAMBLE", "Preámbulo", "Преамбула".
pub(crate) fn is_preamble_heading(line: &str) -> bool {
    let l = line.trim_end_matches([':', '.']).trim().to_lowercase();
    matches!(
        l.as_str(),
        "preamble"
            | "préambule"
            | "preámbulo"
            | "preambulo"
            | "präambel"
            | "preambolo"
            | "преамбула"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(s: &str) -> Option<(String, String, Rest, Option<String>)> {
        article_head(s).map(|h| {
            (
                h.label.to_string(),
                h.number.text,
                h.rest_kind,
                h.caption.map(str::to_string),
            )
        })
    }

    #[test]
    fn article_headings_in_many_languages() {
        for (line, label, num) in [
            ("Article 1", "Article 1", "1"),
            ("ARTICLE I", "ARTICLE I", "I"),
            ("Art. 1", "Art. 1", "1"),
            ("Article 1bis", "Article 1bis", "1bis"),
            ("Article 1 bis", "Article 1 bis", "1bis"),
            ("Article premier", "Article premier", "1"),
            ("ARTICLE ONE", "ARTICLE ONE", "1"),
            ("Artículo 1", "Artículo 1", "1"),
            ("Artikel 1", "Artikel 1", "1"),
            ("Articolo 1", "Articolo 1", "1"),
            ("Статья 1", "Статья 1", "1"),
            ("ARTICLE 25 BIS", "ARTICLE 25 BIS", "25bis"),
            ("ARTICLE 35A", "ARTICLE 35A", "35A"),
            ("ARTÍCULO 1-01", "ARTÍCULO 1-01", "1-01"),
            ("Article G-01", "Article G-01", "G-01"),
            ("ARTICLE I.1", "ARTICLE I.1", "I.1"),
            ("Article 2.7.1", "Article 2.7.1", "2.7.1"),
            ("ARTICLE 1ER", "ARTICLE 1ER", "1"),
            ("ARTICIE 1", "ARTICIE 1", "1"),
            ("ARTCLE 1", "ARTCLE 1", "1"),
            ("ARTICLE - 1: Definitions", "ARTICLE - 1", "1"),
        ] {
            let h = head(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!((h.0.as_str(), h.1.as_str()), (label, num), "{line}");
        }
        assert!(head("Articles 7 and 9").is_none());
        assert!(head("article").is_none());
        assert!(head("Particle 5").is_none());
    }

    #[test]
    fn rest_of_the_line() {
        let h = head("Article 3: Definitions").unwrap();
        assert_eq!(
            (h.2, h.3.as_deref()),
            (Rest::Separated, Some("Definitions"))
        );
        let h = head("Article 3 – Definitions").unwrap();
        assert_eq!(
            (h.2, h.3.as_deref()),
            (Rest::Separated, Some("Definitions"))
        );
        let h = head("Article 3 Definitions").unwrap();
        assert_eq!((h.2, h.3.as_deref()), (Rest::Caption, Some("Definitions")));
        assert_eq!(head("Article 51 of the Charter").unwrap().2, Rest::Sentence);
        assert_eq!(head("Article 8(1) shall apply").unwrap().2, Rest::Sentence);
        assert_eq!(head("Article 147.").unwrap().2, Rest::DotOnly);
    }

    #[test]
    fn article_words_in_any_case_and_near_misses() {
        for w in ARTICLE_WORDS {
            let title: String = w
                .chars()
                .enumerate()
                .flat_map(|(k, c)| {
                    if k == 0 {
                        c.to_uppercase().collect::<Vec<_>>()
                    } else {
                        vec![c]
                    }
                })
                .collect();
            for form in [w.to_string(), w.to_uppercase(), title] {
                assert!(is_article_word(&form), "{form}");
            }
        }
        for w in ["Artcle", "ATICLE", "Artikle", "Artiicle"] {
            assert!(is_article_word(w), "{w}");
        }
        for w in ["a", "Al", "Articles", "Acuerdo", "Administración", "Art"] {
            assert!(!is_article_word(w), "{w}");
        }
    }

    proptest::proptest! {
        #[test]
        fn final_clause_phrases_found_in_ascii_lines_as_in_any(
            line in "(In [Ww]itness [Ww]hereof|IN WITNESS|DONE AT|Done in|Hecho en|Fait à|Совершено в|İn|K)?[a-zA-Z ,.]{0,70}"
        ) {
            // The byte-by-byte lower-casing of ASCII heads against lower-casing by characters.
            let phrases = ["in witness whereof", "done at ", "done in ", "hecho en ", "fait à ", "совершено в ", "k"];
            let lower: String = line.chars().flat_map(char::to_lowercase).collect();
            let expected = phrases.iter().any(|p| lower.starts_with(p));
            proptest::prop_assert_eq!(starts_with_any(&line, &phrases), expected);
        }

        #[test]
        fn article_word_length_check_turns_away_no_article_word(
            word in "[aAeErRtTiIcClLoOkKuUgGíÍ\u{130}łŁčČеЕсСтТаАьЬяЯ]{0,11}"
        ) {
            let lower = word.to_lowercase();
            let by_definition = ARTICLE_WORDS.contains(&lower.as_str())
                || ((6..=8).contains(&lower.chars().count())
                    && lower.starts_with('a')
                    && lower.ends_with('e')
                    && lower != "articles"
                    && edit_distance(&lower, "article") <= 2);
            proptest::prop_assert_eq!(is_article_word(&word), by_definition);
        }

        #[test]
        fn marker_prefilter_agrees_with_its_definition(
            line in "[a-zA-Z0-9().*éÉ•—–·▪ -]{0,14}"
        ) {
            proptest::prop_assert_eq!(may_be_marker(&line), may_be_marker_by_chars(&line));
        }
    }

    #[test]
    fn german_and_paragraph_sign_headings_but_not_notes_of_amending_laws() {
        assert_eq!(head("Art 1").map(|h| h.1), Some("1".into()));
        assert_eq!(head("§ 12 Sitz").map(|h| h.1), Some("12".into()));
        assert!(article_head("Art. 1 G v. 11.7.2012 I 1478").is_none());
        assert!(article_head("Art 3 Abs. 2 geändert durch Gesetz vom 1.10.1994").is_none());
        assert!(
            article_head("art 1").is_none(),
            "lower-case 'art' is a word, not a label"
        );
        assert!(is_amendment_note(" G v. 11.7.2012"));
        assert!(!is_amendment_note(" Scope of the 1994 Agreement"));
    }

    #[test]
    fn markers() {
        let m = marker("(a) the first").unwrap();
        assert_eq!((m.body, m.style), ("a", MarkerStyle::Paren));
        let m = marker("ii) second").unwrap();
        assert_eq!((m.body, m.style), ("ii", MarkerStyle::Right));
        let m = marker("1. The Parties").unwrap();
        assert_eq!((m.body, m.style), ("1", MarkerStyle::Dot));
        let m = marker("(2bis) More").unwrap();
        assert_eq!(m.body, "2bis");
        assert!(marker("1.5 million").is_none());
        assert!(marker("Article").is_none());
        // Compact and old-style numbering.
        let m = marker("1.To maintain international peace").unwrap();
        assert_eq!((m.label, m.body, m.style), ("1.", "1", MarkerStyle::Dot));
        let m = marker("(a)in accordance with").unwrap();
        assert_eq!((m.label, m.body), ("(a)", "a"));
        let m = marker("(1). Everyone's right to life").unwrap();
        assert_eq!(
            (m.label, m.body, m.style),
            ("(1).", "1", MarkerStyle::Paren)
        );
        // Not markers: an abbreviation, a number in running text.
        assert!(marker("U.S. law applies").is_none());
        assert!(marker("1.5 per cent").is_none());
    }

    #[test]
    fn divisions() {
        let d = division_head("CHAPTER ONE").unwrap();
        assert_eq!((d.kind, d.number.text.as_str()), (NodeKind::Chapter, "1"));
        let d = division_head("Раздел I").unwrap();
        assert_eq!(d.kind, NodeKind::Part);
        let d = division_head("Глава 1").unwrap();
        assert_eq!(d.kind, NodeKind::Chapter);
        let d = division_head("TITLE II: GENERAL").unwrap();
        assert_eq!(
            (d.kind, d.caption),
            (NodeKind::TitleDivision, Some("GENERAL"))
        );
        assert!(division_head("chapter 3 applies").is_none());
    }
}
