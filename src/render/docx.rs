//! Word (.docx) report of a [`DocDiff`]: the body is the new version with every difference
//! as a tracked change (`w:ins` / `w:del`, author "treaty diff"), so Word or LibreOffice
//! shows them in review mode and each can be accepted or rejected. Articles are headings;
//! the first page holds the versions and the summary tables.
//!
//! The OOXML parts are written directly (they are small and fixed) and packed with the
//! `zip` crate. Exactly one `w:del` is written per deleted op and one `w:ins` per inserted
//! op (line breaks inside an insertion become `w:br`), so the counts can be checked
//! against the diff.

use super::ComparedFile;
use super::diff::{RenderOptions, display_ops, is_visible, name};
use crate::diff::{DocDiff, Op};
use crate::error::{Error, ErrorKind};
use std::fmt::Write as _;
use std::io::Write as _;

/// Author recorded on every tracked change.
pub const AUTHOR: &str = "treaty diff";

/// Escapes XML text; characters XML 1.0 forbids (most control characters) become spaces.
fn xml_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push(' '),
            _ => out.push(c),
        }
    }
}

/// `s` escaped for XML text (see [`xml_escape`]).
fn xml_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    xml_escape(s, &mut out);
    out
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`, or the time in `SOURCE_DATE_EPOCH`
/// when that is set (for reproducible output).
pub fn timestamp() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    rfc3339(secs)
}

/// Seconds since 1970-01-01 as `YYYY-MM-DDTHH:MM:SSZ`.
fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Builds paragraphs run by run.
struct Body {
    xml: String,
    /// Runs of the open paragraph.
    runs: String,
    /// Style of the open paragraph.
    style: Option<&'static str>,
    next_id: u32,
    date: String,
    /// How many `w:ins` and `w:del` elements were written.
    ins: usize,
    del: usize,
}

impl Body {
    fn para_break(&mut self) {
        if self.runs.is_empty() {
            return;
        }
        self.xml.push_str("<w:p>");
        if let Some(s) = self.style {
            let _ = write!(self.xml, "<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>");
        }
        self.xml.push_str(&self.runs);
        self.xml.push_str("</w:p>");
        self.runs.clear();
        self.style = None;
    }

    fn paragraph(&mut self, style: Option<&'static str>, text: &str) {
        self.para_break();
        self.style = style;
        self.plain(text);
        self.para_break();
    }

    /// Plain text: each line break starts a new paragraph.
    fn plain(&mut self, text: &str) {
        for (k, line) in text.split('\n').enumerate() {
            if k > 0 {
                self.para_break();
            }
            let line = line.trim_end_matches('\r');
            if !line.is_empty() {
                let _ = write!(
                    self.runs,
                    "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                    xml_escaped(line)
                );
            }
        }
    }

    fn change_attrs(&mut self) -> String {
        self.next_id += 1;
        format!(
            "w:id=\"{}\" w:author=\"{AUTHOR}\" w:date=\"{}\"",
            self.next_id, self.date
        )
    }

    /// A tracked deletion, in the current paragraph (its line breaks become spaces).
    fn deleted(&mut self, text: &str) {
        let t: String = text
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        let a = self.change_attrs();
        let _ = write!(
            self.runs,
            "<w:del {a}><w:r><w:delText xml:space=\"preserve\">{}</w:delText></w:r></w:del>",
            xml_escaped(&t)
        );
        self.del += 1;
    }

    /// A tracked insertion, in the current paragraph (its line breaks become `w:br`).
    fn inserted(&mut self, text: &str) {
        let a = self.change_attrs();
        let _ = write!(self.runs, "<w:ins {a}><w:r>");
        let mut first = true;
        for line in text.split('\n') {
            if !first {
                self.runs.push_str("<w:br/>");
            }
            first = false;
            let line = line.trim_end_matches('\r');
            if !line.is_empty() {
                let _ = write!(
                    self.runs,
                    "<w:t xml:space=\"preserve\">{}</w:t>",
                    xml_escaped(line)
                );
            }
        }
        self.runs.push_str("</w:r></w:ins>");
        self.ins += 1;
    }

    fn table(&mut self, widths: &[u32], rows: &[Vec<String>]) {
        self.para_break();
        self.xml.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>");
        for w in widths {
            let _ = write!(self.xml, "<w:gridCol w:w=\"{w}\"/>");
        }
        self.xml.push_str("</w:tblGrid>");
        for (r, row) in rows.iter().enumerate() {
            self.xml.push_str("<w:tr>");
            for (cell, w) in row.iter().zip(widths) {
                let _ = write!(
                    self.xml,
                    "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr><w:p><w:r>{}<w:t xml:space=\"preserve\">{}</w:t></w:r></w:p></w:tc>",
                    if r == 0 { "<w:rPr><w:b/></w:rPr>" } else { "" },
                    xml_escaped(cell)
                );
            }
            self.xml.push_str("</w:tr>");
        }
        self.xml.push_str("</w:tbl>");
    }
}

/// The summary page and the tracked-change body; returns the body XML and the numbers of
/// `w:ins` and `w:del` elements in it.
fn document_xml(
    d: &DocDiff,
    old: &ComparedFile,
    new: &ComparedFile,
    opts: &RenderOptions,
    date: &str,
) -> (String, usize, usize) {
    let mut b = Body {
        xml: String::with_capacity(new.text.len() * 2 + 8192),
        runs: String::new(),
        style: None,
        next_id: 0,
        date: date.to_string(),
        ins: 0,
        del: 0,
    };
    b.paragraph(Some("Title"), "Comparison of two versions");
    for (label, v) in [("Old", old), ("New", new)] {
        b.paragraph(
            None,
            &format!(
                "{label}: {} — {} ({} bytes, SHA-256 {})",
                v.title.as_deref().unwrap_or("(no title)"),
                v.path,
                v.text.len(),
                v.sha256
            ),
        );
    }
    if let Some(f) = &d.summary.fallback {
        b.paragraph(None, &format!("Coarser result: {f}"));
    }
    b.paragraph(
        None,
        &format!(
            "{} articles in the old version, {} in the new. Differences are tracked changes by \"{AUTHOR}\": accept or reject them in review mode.",
            d.summary.n_old_articles, d.summary.n_new_articles
        ),
    );
    b.paragraph(Some("Heading1"), "Summary");
    let mut rows = vec![vec!["class".to_string(), "count".to_string()]];
    for (k, n) in &d.summary.counts {
        rows.push(vec![k.clone(), n.to_string()]);
    }
    b.table(&[3000, 1500], &rows);
    let mut rows = vec![vec![
        "part".to_string(),
        "change".to_string(),
        "words changed".to_string(),
    ]];
    for c in d.changes.iter().filter(|c| is_visible(c, opts)) {
        let flags: Vec<&str> = c.flags.iter().map(|f| f.as_str()).collect();
        rows.push(vec![
            name(c),
            flags.join(", "),
            format!("{:.0} %", c.changed_words * 100.0),
        ]);
    }
    if rows.len() > 1 {
        b.paragraph(Some("Heading1"), "Changed parts");
        b.table(&[4200, 3000, 1500], &rows);
    }
    b.para_break();
    b.xml
        .push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
    for c in &d.changes {
        b.para_break();
        if c.node_kind == crate::tree::NodeKind::Article
            || c.node_kind == crate::tree::NodeKind::Annex
        {
            b.style = Some("Heading2");
        } else if c.node_kind == crate::tree::NodeKind::Title {
            b.style = Some("Title");
        }
        let ops = display_ops(c, old.text, new.text);
        for o in &ops {
            match o.op {
                Op::Equal => b.plain(&o.text),
                Op::Insert if o.layout || (o.consequential && opts.ignore_renumbering) => {
                    b.plain(&o.text)
                }
                Op::Delete if o.layout || (o.consequential && opts.ignore_renumbering) => {}
                Op::Insert => b.inserted(&o.text),
                Op::Delete => b.deleted(&o.text),
            }
            // Only the first line of an article is its heading.
            if o.text.contains('\n') && b.style == Some("Heading2") && b.runs.is_empty() {
                b.style = None;
            }
        }
    }
    b.para_break();
    (b.xml, b.ins, b.del)
}

const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/></Relationships>"#;

fn styles() -> String {
    let heading = |id: &str, name: &str, level: u8, size: u8| {
        format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/><w:outlineLvl w:val=\"{level}\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"{size}\"/></w:rPr></w:style>"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles {NS}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Liberation Serif\" w:hAnsi=\"Liberation Serif\" w:cs=\"Liberation Serif\" w:eastAsia=\"Liberation Serif\"/><w:sz w:val=\"22\"/><w:lang w:val=\"en-GB\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"100\"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style><w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:after=\"240\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"34\"/></w:rPr></w:style>{}{}<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/></w:tblBorders></w:tblPr></w:style></w:styles>",
        heading("Heading1", "heading 1", 0, 28),
        heading("Heading2", "heading 2", 1, 24)
    )
}

/// A Word document: its bytes and the numbers of `w:ins` and `w:del` elements written.
pub struct Docx {
    /// The .docx file.
    pub bytes: Vec<u8>,
    /// Tracked insertions written.
    pub insertions: usize,
    /// Tracked deletions written.
    pub deletions: usize,
}

/// Renders the Word report; `date` (`YYYY-MM-DDTHH:MM:SSZ`, see [`timestamp`]) is recorded
/// on every tracked change.
pub fn docx(
    d: &DocDiff,
    old: &ComparedFile,
    new: &ComparedFile,
    opts: &RenderOptions,
    date: &str,
) -> Result<Docx, Error> {
    let (body, insertions, deletions) = document_xml(d, old, new, opts, date);
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {NS}><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );
    let settings = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings {NS}><w:trackRevisions/></w:settings>"
    );
    let title = format!("Comparison: {} → {}", old.path, new.path);
    let core = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>{AUTHOR}</dc:creator><dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created></cp:coreProperties>",
        xml_escaped(&title)
    );
    let parts: [(&str, &str); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/document.xml", &document),
        ("word/styles.xml", &styles()),
        ("word/settings.xml", &settings),
        ("docProps/core.xml", &core),
    ];
    let fail = |e: &dyn std::fmt::Display| {
        Error::new(
            ErrorKind::Io,
            format!("cannot build the .docx package: {e}"),
        )
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(name, options).map_err(|e| fail(&e))?;
        zip.write_all(content.as_bytes()).map_err(|e| fail(&e))?;
    }
    let bytes = zip.finish().map_err(|e| fail(&e))?.into_inner();
    Ok(Docx {
        bytes,
        insertions,
        deletions,
    })
}

/// Counts of the tracked changes a diff should produce: one per substantive insert and per
/// delete op of the top-level changes (consequential ones excluded with
/// `ignore_renumbering`). Used by tests to check a document against its diff.
pub fn expected_counts(d: &DocDiff, opts: &RenderOptions) -> (usize, usize) {
    let (mut ins, mut del) = (0, 0);
    for c in &d.changes {
        for o in &c.inline {
            if o.layout || (o.consequential && opts.ignore_renumbering) {
                continue;
            }
            match o.op {
                Op::Insert => ins += 1,
                Op::Delete => del += 1,
                Op::Equal => {}
            }
        }
    }
    (ins, del)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_civil_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_259_452_800), "2009-11-29T00:00:00Z");
        assert_eq!(rfc3339(951_782_400 + 3661), "2000-02-29T01:01:01Z");
        assert_eq!(rfc3339(-86_400), "1969-12-31T00:00:00Z");
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(xml_escaped("a\u{0c}b<&>\u{1}"), "a b&lt;&amp;&gt; ");
    }
}
