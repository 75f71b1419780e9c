//! Cross-references inside a text: "Article 8(1)", "Articles 7 and 9", "статьи 51". A
//! reference followed by "of the Charter …" or another instrument's name is external.

use crate::parse::is_article_word;

/// An internal reference to an article: the byte range of its number in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The number as written ("8").
    pub number: String,
    /// Byte offset of the number.
    pub start: usize,
}

/// True when the text before a number ends with an article word ("Article", "Articles",
/// "article", "статьи", "Art.") or continues a list of them ("Articles 7 and", "7,").
pub(crate) fn ends_with_article_word(before: &str) -> bool {
    let t = before.trim_end();
    let last = t
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim_end_matches('.');
    let lower = last.to_lowercase();
    if is_article_word(last)
        || matches!(
            lower.as_str(),
            "articles"
                | "art"
                | "arts"
                | "статьи"
                | "статье"
                | "статьей"
                | "статьёй"
                | "статьями"
                | "статей"
                | "статьям"
                | "artículos"
                | "artikel"
        )
    {
        return true;
    }
    // "Articles 7 and 9", "Articles 7, 8 or 9": look back over the list.
    if matches!(lower.as_str(), "and" | "or" | "to" | "и" | "y" | "et") || t.ends_with(',') {
        let head = t.trim_end_matches(',');
        let head = if t.ends_with(',') {
            head
        } else {
            &t[..t.len() - last.len()]
        };
        let mut words = head.split_whitespace().rev();
        if let (Some(num), Some(word)) = (words.next(), words.next()) {
            let num_ok = num
                .trim_end_matches(',')
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c.is_uppercase());
            let w = word.to_lowercase();
            return num_ok
                && (w == "articles" || w == "статьи" || w == "artículos" || w.ends_with(','));
        }
    }
    false
}

/// True when the text after a reference names another instrument: "of the Charter",
/// "of GATT 1994", "of the Vienna Convention" (but not "of this Treaty").
pub(crate) fn is_external(after: &str) -> bool {
    let t = after.trim_start_matches(|c: char| c == '(' || c == ')' || c.is_alphanumeric());
    let t = t.trim_start();
    let lower = t.to_lowercase();
    let Some(rest) = lower
        .strip_prefix("of ")
        .or_else(|| lower.strip_prefix("de "))
    else {
        return false;
    };
    let rest = rest.trim_start();
    !(rest.starts_with("this")
        || rest.starts_with("the present")
        || rest.starts_with("la presente")
        || rest.starts_with("este")
        || rest.starts_with("ce "))
}

/// Finds internal article references in `text`.
pub fn references(text: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let end = (i..bytes.len())
                .find(|&k| {
                    !(bytes[k].is_ascii_alphanumeric()
                        || bytes[k] == b'.' && bytes.get(k + 1).is_some_and(u8::is_ascii_digit))
                })
                .unwrap_or(bytes.len());
            if text.is_char_boundary(i)
                && ends_with_article_word(&text[..i])
                && !is_external(&text[i..])
            {
                out.push(Reference {
                    number: text[i..end].to_string(),
                    start: i,
                });
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_and_external_references() {
        let r: Vec<String> = references("in accordance with Article 8(1) and Articles 7 and 9, not Article 51 of the Charter, but Article 3 of this Treaty; статьи 5")
            .into_iter()
            .map(|r| r.number)
            .collect();
        assert_eq!(r, ["8", "7", "9", "3", "5"]);
    }
}
