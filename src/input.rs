//! Turning the bytes of a file into text: BOMs, legacy encodings, binary and invalid input.
//! No I/O happens here; the CLI reads the bytes.

use crate::error::{Error, ErrorKind};

/// Default size limit for one input: 64 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// [`decode`] of bytes the text may take over: valid UTF-8 without NUL bytes (the usual
/// case) becomes the text without a copy; anything else goes through [`decode`] (a UTF-16
/// byte-order mark is never valid UTF-8).
pub fn decode_vec(bytes: Vec<u8>, path: &str, encoding: Option<&str>) -> Result<String, Error> {
    if encoding.is_some() {
        return decode(&bytes, path, encoding);
    }
    if memchr::memchr(0, &bytes).is_some() {
        return decode(&bytes, path, None);
    }
    String::from_utf8(bytes).or_else(|e| decode(e.as_bytes(), path, None))
}

/// Decodes `bytes` read from `path` as UTF-8 (a UTF-8 BOM is kept so spans index the
/// original bytes), UTF-16 with a BOM, or the named legacy `encoding` (a WHATWG label such
/// as `windows-1251`, `koi8-r`, `iso-8859-1`).
///
/// Errors name the file, the byte offset of the problem and the fix.
pub fn decode(bytes: &[u8], path: &str, encoding: Option<&str>) -> Result<String, Error> {
    if let Some(label) = encoding {
        let enc = encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            Error::new(
                ErrorKind::Usage,
                format!(
                    "{path}: unknown encoding '{label}'; use a name such as utf-8, windows-1251, koi8-r or iso-8859-1"
                ),
            )
        })?;
        let (text, _, had_errors) = enc.decode(bytes);
        if had_errors {
            return Err(Error::new(
                ErrorKind::Encoding,
                format!(
                    "{path}: the bytes are not valid {}; check the --encoding value",
                    enc.name()
                ),
            ));
        }
        return check_text(text.into_owned(), path);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _, had_errors) = enc.decode(bytes);
        if had_errors {
            return Err(Error::new(
                ErrorKind::Encoding,
                format!("{path}: invalid UTF-16 text; re-save the file as UTF-8"),
            ));
        }
        return check_text(text.into_owned(), path);
    }
    if let Some(p) = memchr::memchr(0, bytes) {
        return Err(Error::new(
            ErrorKind::Binary,
            format!(
                "{path}: looks like a binary file (NUL byte at offset {p}); give a plain-text draft (save it as .txt)"
            ),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(Error::new(
            ErrorKind::Encoding,
            format!(
                "{path}: invalid UTF-8 at byte {}; if the file uses a legacy encoding, pass --encoding (e.g. --encoding windows-1251, koi8-r or iso-8859-1)",
                e.valid_up_to()
            ),
        )),
    }
}

fn check_text(text: String, path: &str) -> Result<String, Error> {
    match text.find('\0') {
        Some(p) => Err(Error::new(
            ErrorKind::Binary,
            format!(
                "{path}: looks like a binary file (NUL character at offset {p}); give a plain-text draft"
            ),
        )),
        None => Ok(text),
    }
}

/// Hex SHA-256 of a text, to identify exactly which versions were compared.
pub fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    use std::fmt::Write;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest::proptest! {
        #[test]
        fn taking_over_the_bytes_decodes_as_decoding_a_copy(
            bytes in proptest::prop_oneof![
                proptest::collection::vec(proptest::num::u8::ANY, 0..40),
                "[a-zé€😀\u{0}\n]{0,20}".prop_map(String::into_bytes),
            ]
        ) {
            let fast = decode_vec(bytes.clone(), "x.txt", None).map_err(|e| e.to_string());
            let slow = decode(&bytes, "x.txt", None).map_err(|e| e.to_string());
            prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn legacy_encodings() {
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("Статья 1");
        assert_eq!(
            decode(&cp1251, "f", Some("windows-1251")).unwrap(),
            "Статья 1"
        );
        let (koi, _, _) = encoding_rs::KOI8_R.encode("Статья 1");
        assert_eq!(decode(&koi, "f", Some("koi8-r")).unwrap(), "Статья 1");
        assert_eq!(decode(b"Art\xe9", "f", Some("iso-8859-1")).unwrap(), "Arté");
    }

    #[test]
    fn errors_name_file_offset_and_fix() {
        let e = decode(b"ab\xffcd", "draft.txt", None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Encoding);
        assert!(e.message.starts_with("draft.txt: invalid UTF-8 at byte 2;"));
        assert!(e.message.contains("--encoding"));
        let e = decode(b"ab\0", "x.bin", None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Binary);
        assert!(decode(b"x", "f", Some("klingon")).is_err());
    }

    #[test]
    fn bom_is_kept() {
        assert_eq!(decode(b"\xef\xbb\xbfA", "f", None).unwrap(), "\u{feff}A");
    }
}
