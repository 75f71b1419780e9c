//! Compact JSON of diff changes, byte for byte what `serde_json::to_writer` writes for them,
//! for the bulk of `treaty diff --format json`: most of that document is the compared text
//! itself, and this writer scans strings for the bytes JSON escapes eight at a time (serde
//! looks at every byte on its own). Numbers and the small `old`/`new` objects are still
//! written by serde_json. Tested against serde_json's output.

use crate::diff::{Change, InlineOp};
use crate::swar::{HIGH_BITS, lanes, lanes_equal};

/// Appends the changes `cs` to `out` as the elements of a JSON array (comma-separated,
/// with a leading comma when `lead`).
pub fn write_changes(out: &mut Vec<u8>, cs: &[Change], lead: bool) {
    for (n, c) in cs.iter().enumerate() {
        if lead || n > 0 {
            out.push(b',');
        }
        change(out, c);
    }
}

fn change(out: &mut Vec<u8>, c: &Change) {
    out.extend_from_slice(b"{\"kind\":");
    string(out, c.kind.as_str());
    out.extend_from_slice(b",\"flags\":[");
    for (n, f) in c.flags.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        string(out, f.as_str());
    }
    out.extend_from_slice(b"],\"node_kind\":");
    string(out, c.node_kind.as_str());
    out.extend_from_slice(b",\"old\":");
    serde(out, &c.old);
    out.extend_from_slice(b",\"new\":");
    serde(out, &c.new);
    out.extend_from_slice(b",\"similarity\":");
    serde(out, &c.similarity);
    out.extend_from_slice(b",\"changed_words\":");
    serde(out, &c.changed_words);
    out.extend_from_slice(b",\"inline\":[");
    for (n, op) in c.inline.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        inline(out, op);
    }
    out.extend_from_slice(b"],\"children\":[");
    write_changes(out, &c.children, false);
    out.extend_from_slice(b"]}");
}

fn inline(out: &mut Vec<u8>, op: &InlineOp) {
    out.extend_from_slice(b"{\"op\":");
    string(out, op.op.as_str());
    out.extend_from_slice(b",\"text\":");
    string(out, &op.text);
    if op.layout {
        out.extend_from_slice(b",\"layout\":true");
    }
    if op.consequential {
        out.extend_from_slice(b",\"consequential\":true");
    }
    out.push(b'}');
}

/// A value serde_json writes (numbers, the sides of a change).
fn serde<T: serde::Serialize>(out: &mut Vec<u8>, v: &T) {
    // Writing to a Vec cannot fail, and these values serialize without error.
    let _ = serde_json::to_writer(&mut *out, v);
}

/// The high bit of each byte lane of `w` that JSON escapes: a control character, `"` or
/// `\`.
fn lanes_escaped(w: u64) -> u64 {
    let control = !((w & lanes(0x7f)) + lanes(0x60)) & !w & HIGH_BITS;
    control | lanes_equal(w, b'"') | lanes_equal(w, b'\\')
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let b = s.as_bytes();
    let (mut from, mut i) = (0, 0);
    while i < b.len() {
        if let Some(chunk) = b.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
            let escaped = lanes_escaped(u64::from_le_bytes(chunk));
            if escaped == 0 {
                i += 8;
                continue;
            }
            i += escaped.trailing_zeros() as usize / 8;
        }
        let x = b[i];
        let escape: &[u8] = match x {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..0x20 => b"",
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&b[from..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(x >> 4)]);
            out.push(HEX[usize::from(x & 15)]);
        } else {
            out.extend_from_slice(escape);
        }
        i += 1;
        from = i;
    }
    out.extend_from_slice(&b[from..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(
            s in "[a-z \"\\\\\\n\\r\\t\\u{0}-\\u{1f}\\u{7f}é€😀/]{0,40}"
        ) {
            let mut out = Vec::new();
            string(&mut out, &s);
            prop_assert_eq!(String::from_utf8(out).ok(), serde_json::to_string(&s).ok());
        }
    }

    #[test]
    fn changes_are_written_as_serde_json_writes_them() {
        let old = "TREATY\n\nArticle 1\n\n1. The \"Parties\" shall\tagree.\n\nArticle 2\n\nDone.\n";
        let new = "TREATY\n\nArticle 1\n\n1. The Parties shall not\\agree.\n\nArticle 3\n\nNew.\n";
        let (po, pn) = (crate::parse(old), crate::parse(new));
        let opts = crate::diff::DiffOptions::default();
        let d = crate::diff::diff(&po.document, &pn.document, &opts);
        assert!(d.changes.iter().any(|c| !c.children.is_empty()));
        let mut out = b"[".to_vec();
        write_changes(&mut out, &d.changes, false);
        out.push(b']');
        assert_eq!(
            String::from_utf8(out).ok(),
            serde_json::to_string(&d.changes).ok()
        );
    }
}
