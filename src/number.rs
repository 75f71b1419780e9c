//! Designations ("7", "1.2", "XXIV", "5bis", "A-01", "premier"): normalizing them and
//! ordering them, so numbering gaps and cross-references can be reasoned about.

/// Latin suffixes that insert articles between two numbers, in order.
const LATIN_SUFFIXES: [&str; 9] = [
    "bis",
    "ter",
    "quater",
    "quinquies",
    "sexies",
    "septies",
    "octies",
    "novies",
    "decies",
];

/// Rank (1-based) of a Latin insertion suffix such as "bis" or "ter", case-insensitively.
pub fn latin_suffix_rank(s: &str) -> Option<u8> {
    LATIN_SUFFIXES
        .iter()
        .position(|l| l.eq_ignore_ascii_case(s))
        .map(|i| i as u8 + 1)
}

/// An upper-case Roman numeral followed by a lower-case Latin insertion suffix, as in
/// "IVbis": (value, suffix rank, suffix).
fn roman_with_suffix(comp: &str) -> Option<(u32, u8, &str)> {
    let split = comp.find(|c: char| c.is_ascii_lowercase())?;
    let (numeral, tail) = comp.split_at(split);
    if !numeral.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Some((roman_value(numeral)?, latin_suffix_rank(tail)?, tail))
}

/// Value of a strictly written Roman numeral ("XXIV" = 24), either case but not mixed.
pub fn roman_value(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 12 {
        return None;
    }
    let upper = s.bytes().all(|b| b.is_ascii_uppercase());
    let lower = s.bytes().all(|b| b.is_ascii_lowercase());
    if !upper && !lower {
        return None;
    }
    let digit = |c: u8| match c.to_ascii_uppercase() {
        b'I' => Some(1),
        b'V' => Some(5),
        b'X' => Some(10),
        b'L' => Some(50),
        b'C' => Some(100),
        b'D' => Some(500),
        b'M' => Some(1000),
        _ => None,
    };
    let vals: Vec<u32> = s.bytes().map(digit).collect::<Option<_>>()?;
    let mut total = 0;
    for (i, &v) in vals.iter().enumerate() {
        match vals.get(i + 1) {
            Some(&next) if next > v => total -= v as i64,
            _ => total += v as i64,
        }
    }
    let total = u32::try_from(total).ok().filter(|&t| t > 0)?;
    // Only canonical spellings count: "IIII" or "VX" are not numerals.
    (to_roman(total).eq_ignore_ascii_case(s)).then_some(total)
}

/// Canonical upper-case Roman numeral of `n` (1..=3999).
pub fn to_roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const ORDINAL_UNITS: [&str; 20] = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// Value of a spelled-out number used as a designation: English cardinals and ordinals up
/// to ninety-nine ("ONE", "Twenty-Three", "first"), and the words that stand for "1" in
/// other languages ("premier", "primero", "primo", "unique", "único", "первая").
pub fn spelled_value(s: &str) -> Option<u32> {
    let lower = s.to_lowercase();
    match lower.as_str() {
        "premier" | "première" | "primero" | "primera" | "primo" | "unique" | "único" | "unico"
        | "первая" | "первый" | "erster" => return Some(1),
        _ => {}
    }
    let word = |w: &str| {
        UNITS
            .iter()
            .position(|u| *u == w)
            .or_else(|| ORDINAL_UNITS.iter().position(|u| *u == w))
            .map(|i| i as u32)
    };
    let tens = |w: &str| {
        TENS.iter()
            .position(|t| {
                !t.is_empty() && (*t == w || w.strip_suffix("ieth") == t.strip_suffix('y'))
            })
            .map(|i| i as u32 * 10)
    };
    if let Some((t, u)) = lower.split_once(['-', ' ']) {
        let (t, u) = (tens(t)?, word(u)?);
        return (1..10).contains(&u).then_some(t + u);
    }
    word(&lower).filter(|&v| v > 0).or_else(|| tens(&lower))
}

/// A normalized designation and the key that orders it among its siblings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Designation {
    /// Normalized text: "7", "1.2", "XXIV", "5bis", "A-01", "35A"; "1" for "premier" or "ONE".
    pub text: String,
    /// Numeric components for ordering: "3.2" is `[3, 2]`, "XXIV" is `[24]`, "A-01" is `[1, 1]`.
    pub key: Vec<u32>,
    /// Rank of an insertion suffix: 0 none, 1 "bis" or "A", 2 "ter" or "B", …
    pub suffix: u8,
}

/// Slice equality written out: keys are a few numbers long, where a call to `memcmp` costs
/// more than the comparison (the parser compares keys tens of thousands of times).
fn same(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

impl Designation {
    /// True when `next` is what a careful drafter would number right after `self`:
    /// 7 → 8, 3.9 → 3.10, 3.12 → 4.1, 7 → 7bis, 7bis → 8, 2.7 → 2.7.1.
    pub fn is_followed_by(&self, next: &Designation) -> bool {
        let (a, b) = (&self.key, &next.key);
        if a.is_empty() || b.is_empty() {
            return false;
        }
        if same(a, b) {
            return next.suffix == self.suffix + 1;
        }
        if next.suffix != 0 {
            return false;
        }
        if a.len() == b.len() {
            let n = a.len();
            // Same prefix, last component + 1.
            if same(&a[..n - 1], &b[..n - 1]) && b[n - 1] == a[n - 1] + 1 {
                return true;
            }
            // A higher component steps up and the rest restart at 0 or 1.
            for k in 0..n - 1 {
                if same(&a[..k], &b[..k]) && b[k] == a[k] + 1 && b[k + 1..].iter().all(|&c| c <= 1)
                {
                    return true;
                }
            }
            return false;
        }
        if b.len() == a.len() + 1 {
            return same(&b[..a.len()], a) && b[a.len()] <= 1;
        }
        if b.len() < a.len() {
            let n = b.len();
            return same(&b[..n - 1], &a[..n - 1]) && b[n - 1] == a[n - 1] + 1;
        }
        false
    }

    /// Ordering comparison of keys (then suffixes).
    pub fn cmp_key(&self, other: &Designation) -> std::cmp::Ordering {
        self.key
            .cmp(&other.key)
            .then(self.suffix.cmp(&other.suffix))
    }

    /// A small gap forward in the same series: 7 → 9, 3.2 → 3.5 (one to four steps).
    pub fn is_near_after(&self, next: &Designation) -> bool {
        let (a, b) = (&self.key, &next.key);
        if a.len() != b.len() || a.is_empty() {
            return false;
        }
        let n = a.len();
        same(&a[..n - 1], &b[..n - 1]) && b[n - 1] > a[n - 1] && b[n - 1] <= a[n - 1] + 5
    }
}

/// Parses and normalizes a designation as written after an article or division word.
///
/// Returns `None` when `raw` is not a designation at all.
pub fn normalize(raw: &str) -> Option<Designation> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Some(v) = spelled_value(raw) {
        return Some(Designation {
            text: v.to_string(),
            key: vec![v],
            suffix: 0,
        });
    }
    let mut text = String::new();
    let mut key = Vec::new();
    let mut suffix = 0u8;
    let mut rest = raw;
    loop {
        // One component: digits, a Roman numeral or a single letter.
        let len = rest
            .char_indices()
            .find(|&(_, c)| !c.is_ascii_alphanumeric())
            .map_or(rest.len(), |(i, _)| i);
        let comp = &rest[..len];
        if comp.is_empty() {
            return None;
        }
        let digits = comp.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            let v: u32 = comp[..digits].parse().ok()?;
            text.push_str(&comp[..digits]);
            key.push(v);
            let tail = &comp[digits..];
            if !tail.is_empty() {
                if let Some(r) = latin_suffix_rank(tail) {
                    suffix = r;
                    text.push_str(&tail.to_ascii_lowercase());
                } else if tail.eq_ignore_ascii_case("er")
                    || tail.eq_ignore_ascii_case("st")
                    || tail.eq_ignore_ascii_case("o")
                {
                    // "1er", "1st", "1o": ordinal marks, not part of the number.
                } else if tail.len() == 1 && tail.as_bytes()[0].is_ascii_alphabetic() {
                    suffix = tail.as_bytes()[0].to_ascii_uppercase() - b'A' + 1;
                    text.push(tail.as_bytes()[0].to_ascii_uppercase() as char);
                } else {
                    return None;
                }
            }
        } else if let Some(v) = roman_value(comp) {
            text.push_str(&comp.to_ascii_uppercase());
            key.push(v);
        } else if let Some((v, r, tail)) = roman_with_suffix(comp) {
            // "IVbis", "Vquater": a Roman numeral with its insertion suffix glued on.
            text.push_str(&comp[..comp.len() - tail.len()]);
            text.push_str(&tail.to_ascii_lowercase());
            key.push(v);
            suffix = r;
        } else if comp.len() == 1 {
            let c = comp.as_bytes()[0].to_ascii_uppercase();
            text.push(c as char);
            key.push(u32::from(c - b'A' + 1));
        } else {
            return None;
        }
        rest = &rest[len..];
        // Separators joining components: "1.2", "1-01", "I.1".
        let mut chars = rest.chars();
        match chars.next() {
            Some(sep @ ('.' | '-' | '–'))
                if chars.next().is_some_and(|c| c.is_ascii_alphanumeric()) =>
            {
                text.push(if sep == '–' { '-' } else { sep });
                rest = &rest[sep.len_utf8()..];
            }
            _ => break,
        }
    }
    // Trailing insertion suffix written apart: "25 BIS", "140 (A)".
    let tail = rest.trim_start();
    if !tail.is_empty() {
        let inner = tail
            .strip_prefix('(')
            .and_then(|t| t.strip_suffix(')'))
            .unwrap_or(tail)
            .trim();
        if let Some(r) = latin_suffix_rank(inner) {
            suffix = r;
            text.push_str(&inner.to_ascii_lowercase());
        } else if inner.len() == 1 && inner.as_bytes()[0].is_ascii_alphabetic() {
            let c = inner.as_bytes()[0].to_ascii_uppercase();
            suffix = c - b'A' + 1;
            text.push(c as char);
        } else if !tail.trim_end_matches(['.', ':']).is_empty() {
            return None;
        }
    }
    Some(Designation { text, key, suffix })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalize(s)
            .map(|d| d.text)
            .unwrap_or_else(|| "<none>".into())
    }

    #[test]
    fn normalizes_real_world_designations() {
        for (raw, want) in [
            ("7", "7"),
            ("1.2", "1.2"),
            ("XXIV", "XXIV"),
            ("5bis", "5bis"),
            ("5 bis", "5bis"),
            ("25 BIS", "25bis"),
            ("8BIS.1", "8bis.1"),
            ("35A", "35A"),
            ("140 (A)", "140A"),
            ("1-01", "1-01"),
            ("G-01", "G-01"),
            ("I.1", "I.1"),
            ("2.7.1", "2.7.1"),
            ("1ER", "1"),
            ("premier", "1"),
            ("ONE", "1"),
            ("Twenty-Three", "23"),
            ("first", "1"),
            ("Mix", "<none>"),
        ] {
            assert_eq!(n(raw), want, "{raw}");
        }
    }

    #[test]
    fn roman_numerals_with_glued_suffixes() {
        assert_eq!(n("IVbis"), "IVbis");
        assert_eq!(n("Vquater"), "Vquater");
        assert_eq!(
            normalize("Vter").map(|d| (d.key, d.suffix)),
            Some((vec![5], 2))
        );
        assert!(normalize("IVfoo").is_none());
        assert_eq!(n("10 (bis)"), "10bis");
    }

    #[test]
    fn roman_numerals_are_strict() {
        assert_eq!(roman_value("XXIV"), Some(24));
        assert_eq!(roman_value("iv"), Some(4));
        assert_eq!(roman_value("IIII"), None);
        assert_eq!(roman_value("Iv"), None);
        assert_eq!(roman_value("VX"), None);
    }

    #[test]
    fn successors() {
        let d = |s: &str| normalize(s).unwrap();
        assert!(d("7").is_followed_by(&d("8")));
        assert!(d("3.9").is_followed_by(&d("3.10")));
        assert!(d("3.12").is_followed_by(&d("4.1")));
        assert!(d("7").is_followed_by(&d("7bis")));
        assert!(d("7bis").is_followed_by(&d("8")));
        assert!(d("2.7").is_followed_by(&d("2.7.1")));
        assert!(d("2.7.3").is_followed_by(&d("2.8")));
        assert!(d("XIII").is_followed_by(&d("XIV")));
        assert!(d("A-09").is_followed_by(&d("B-01")));
        assert!(!d("7").is_followed_by(&d("7")));
        assert!(!d("7").is_followed_by(&d("51")));
    }
}
