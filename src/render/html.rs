//! Self-contained HTML report of a [`DocDiff`]: inline CSS, no network requests, readable
//! without JavaScript. Side-by-side and inline views switch with two radio buttons and CSS;
//! a small inline script (allowed by hash in the page's Content-Security-Policy, so no
//! other script can run) adds keyboard navigation. Every piece of document text is escaped.

use super::ComparedFile;
use super::diff::{RenderOptions, display_ops, header, is_visible, name, side_name};
use crate::diff::{ChangeKind, DocDiff, InlineOp, Op};
use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape(s, &mut out);
    out
}

const CSS: &str = r#"
:root{--del:#b3261e;--del-bg:#fde7e4;--ins:#1a7f37;--ins-bg:#dcf5e3;--muted:#6b6b6b;--line:#d8d8d8}
*{box-sizing:border-box}
body{font:16px/1.5 Georgia,"Times New Roman",serif;margin:0;color:#1b1b1b;background:#fff}
header.report,main,nav.toc,.views{max-width:1200px;margin:0 auto;padding:0 1rem}
h1{font-size:1.4rem;margin:1rem 0 .5rem}
h2{font-size:1.05rem;margin:0;font-family:system-ui,sans-serif}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid var(--line);padding:.2rem .5rem;text-align:left;font-family:system-ui,sans-serif;font-size:.9rem}
td.num{text-align:right}
.versions{display:flex;flex-wrap:wrap;gap:1rem}
.version{flex:1 1 20rem;border:1px solid var(--line);padding:.5rem;font-family:system-ui,sans-serif;font-size:.9rem;overflow-wrap:anywhere}
.label{font-family:system-ui,sans-serif;font-size:.75rem;color:var(--muted);text-transform:uppercase}
code{font-size:.8rem}
del{color:var(--del);background:var(--del-bg);text-decoration:line-through}
ins{color:var(--ins);background:var(--ins-bg);text-decoration:underline}
del.conseq,ins.conseq{color:var(--muted);background:none}
.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:.4rem 0}
section.change{border-top:1px solid var(--line);padding:.6rem 0}
.flags{font-weight:normal;color:var(--muted);font-size:.85rem}
.links{font-family:system-ui,sans-serif;font-size:.85rem;margin:.2rem 0}
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.sbs>div{min-width:0}
.stub{font-family:system-ui,sans-serif;font-size:.85rem;color:var(--muted);border-left:3px solid var(--line);padding-left:.5rem;margin:.4rem 0}
details.per-article>summary{cursor:pointer;font-family:system-ui,sans-serif}
details.unchanged>summary{cursor:pointer;font-family:system-ui,sans-serif;color:var(--muted);padding:.4rem 0}
.views{font-family:system-ui,sans-serif;padding-top:.5rem;padding-bottom:.5rem;position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);z-index:1}
.views label{cursor:pointer;padding:.1rem .4rem;border-radius:.3rem}
#view-side:checked~.views label[for=view-side],#view-inline:checked~.views label[for=view-inline]{background:#1b1b1b;color:#fff}
.tables{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
#view-inline:checked~main .sbs{display:none}
#view-side:checked~main .inl{display:none}
nav.toc ol{columns:3 14rem;font-family:system-ui,sans-serif;font-size:.85rem}
.badge{font-size:.75rem;color:var(--muted)}
@media (max-width:700px){.sbs{grid-template-columns:1fr}nav.toc ol{columns:1}body{font-size:15px}}
@media print{
 .views,nav.toc{display:none}
 .sbs{display:none!important}.inl{display:block!important}
 details.unchanged{display:none}
 body{font-size:11pt}
 del{color:#000;background:none}ins{color:#000;background:none}
 section.change{break-inside:avoid-page}
 a{color:inherit;text-decoration:none}
}
"#;

/// Keyboard navigation (j/k: next/previous change) and a record of when the page was laid
/// out (`data-laid-out-ms` on the root element, read by the layout benchmark).
const SCRIPT: &str = "(function(){var s=[].slice.call(document.querySelectorAll('section.change.visible'));var i=-1;document.addEventListener('keydown',function(e){if(e.target.tagName==='INPUT')return;if(e.key==='j'||e.key==='k'){i=Math.max(0,Math.min(s.length-1,i+(e.key==='j'?1:-1)));if(s[i])s[i].scrollIntoView();}});window.addEventListener('load',function(){void document.body.offsetHeight;document.documentElement.setAttribute('data-laid-out-ms',String(Math.round(performance.now())));});})();";

/// The `sha256-…` source expression of [`SCRIPT`] for the Content-Security-Policy.
fn script_hash() -> String {
    use sha2::Digest;
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let d = sha2::Sha256::digest(SCRIPT.as_bytes());
    let mut s = String::new();
    for chunk in d.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                s.push(B64[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    format!("sha256-{s}")
}

/// Which rendering of the ops: the old column, the new column, or both inline.
#[derive(Clone, Copy, PartialEq)]
enum View {
    Old,
    New,
    Inline,
}

fn ops_html(ops: &[InlineOp], view: View, opts: &RenderOptions, out: &mut String) {
    for o in ops {
        let shown = match (o.op, view) {
            (Op::Equal, _) => true,
            (Op::Delete, View::Old) => true,
            (Op::Insert, View::New) => true,
            (Op::Delete, View::Inline) => !o.layout,
            (Op::Insert, View::Inline) => true,
            _ => false,
        };
        if !shown {
            continue;
        }
        if o.op == Op::Equal || o.layout {
            escape(&o.text, out);
            continue;
        }
        if o.consequential && opts.ignore_renumbering {
            if o.op == Op::Insert || view == View::Old {
                escape(&o.text, out);
            }
            continue;
        }
        let tag = if o.op == Op::Delete { "del" } else { "ins" };
        let class = if o.consequential {
            " class=\"conseq\" title=\"follows a renumbering\""
        } else {
            ""
        };
        // Leading white space stays outside the mark, so a struck word does not strike the
        // line break before it.
        let body = o.text.trim_start();
        escape(&o.text[..o.text.len() - body.len()], out);
        let _ = write!(out, "<{tag}{class}>");
        escape(body, out);
        let _ = write!(out, "</{tag}>");
    }
}

fn version_block(label: &str, v: &ComparedFile, out: &mut String) {
    let _ = write!(
        out,
        "<div class=\"version\"><div class=\"label\">{label} version</div><strong>{}</strong><br><code>{}</code> · {} bytes<br><code class=\"sha\">SHA-256 {}</code></div>",
        esc(v.title.as_deref().unwrap_or("(no title)")),
        esc(v.path),
        v.text.len(),
        esc(&v.sha256)
    );
}

/// Renders the HTML report.
pub fn html(d: &DocDiff, old: &ComparedFile, new: &ComparedFile, opts: &RenderOptions) -> String {
    let mut out = String::with_capacity(old.text.len() + new.text.len() * 2 + 16_384);
    let title = format!("Comparison: {} → {}", old.path, new.path);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src '{}'\">\
<meta name=\"generator\" content=\"treaty diff\">\
<title>{}</title><style>{CSS}</style></head><body>\n",
        script_hash(),
        esc(&title)
    );
    // Header: the versions and the summary.
    out.push_str("<header class=\"report\"><h1>");
    escape(&title, &mut out);
    out.push_str("</h1><div class=\"versions\">");
    version_block("old", old, &mut out);
    version_block("new", new, &mut out);
    out.push_str("</div>");
    if let Some(f) = &d.summary.fallback {
        let _ = write!(
            out,
            "<p class=\"links\"><strong>Coarser result:</strong> {}</p>",
            esc(f)
        );
    }
    let _ = write!(
        out,
        "<p class=\"links\">{} articles in the old version, {} in the new.</p>",
        d.summary.n_old_articles, d.summary.n_new_articles
    );
    out.push_str(
        "<div class=\"tables\"><table class=\"counts\"><tr><th>class</th><th>count</th></tr>",
    );
    for k in ChangeKind::ALL {
        let n = d.summary.counts.get(k.as_str()).copied().unwrap_or(0);
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"num\">{n}</td></tr>",
            k.as_str()
        );
    }
    out.push_str("</table>");
    let visible: Vec<usize> = (0..d.changes.len())
        .filter(|&k| is_visible(&d.changes[k], opts))
        .collect();
    if visible.is_empty() {
        out.push_str("<p>No differences.</p>");
    } else {
        // A long list starts folded, so the report opens on its summary.
        let _ = write!(
            out,
            "<details class=\"per-article\"{}><summary>{} changed part{}</summary><table><tr><th>part</th><th>change</th><th>words changed</th></tr>",
            if visible.len() <= 40 { " open" } else { "" },
            visible.len(),
            if visible.len() == 1 { "" } else { "s" }
        );
        for &k in &visible {
            let c = &d.changes[k];
            let flags: Vec<&str> = c.flags.iter().map(|f| f.as_str()).collect();
            let _ = write!(
                out,
                "<tr><td><a href=\"#c{k}\">{}</a></td><td>{}</td><td class=\"num\">{:.0} %</td></tr>",
                esc(&name(c)),
                flags.join(", "),
                c.changed_words * 100.0
            );
        }
        out.push_str("</table></details>");
    }
    out.push_str("</div></header>\n");
    // Table of contents.
    out.push_str("<nav class=\"toc\"><h2>Contents</h2><ol>");
    for (k, c) in d.changes.iter().enumerate() {
        let _ = write!(
            out,
            "<li><a href=\"#c{k}\">{}</a> <span class=\"badge\">{}</span></li>",
            esc(&name(c)),
            if is_visible(c, opts) {
                c.kind.as_str()
            } else {
                "unchanged"
            }
        );
    }
    out.push_str("</ol></nav>\n");
    // The view switch: radio buttons that the CSS reads; no script needed.
    out.push_str(
        "<input type=\"radio\" name=\"view\" id=\"view-side\" checked hidden>\
<input type=\"radio\" name=\"view\" id=\"view-inline\" hidden>\
<div class=\"views\">View: <label for=\"view-side\">▣ side by side</label> · \
<label for=\"view-inline\">▤ inline</label> · <span class=\"badge\"><del>deleted</del> \
<ins>inserted</ins> <del class=\"conseq\">follows renumbering</del></span></div>\n",
    );
    // Where each moved change stood in the old version: after which change (by index).
    let stubs = moved_stubs(d);
    out.push_str("<main>\n");
    let mut k = 0;
    while k < d.changes.len() {
        if is_visible(&d.changes[k], opts) {
            section(d, k, true, old, new, opts, &mut out);
            stubs_after(d, k, &stubs, &mut out);
            k += 1;
            continue;
        }
        // A run of unchanged parts, collapsed.
        let start = k;
        while k < d.changes.len() && !is_visible(&d.changes[k], opts) {
            k += 1;
        }
        let first = name(&d.changes[start]);
        let last = name(&d.changes[k - 1]);
        let n = k - start;
        let _ = write!(
            out,
            "<details class=\"unchanged\"><summary>{n} unchanged part{}: {}{}</summary>",
            if n == 1 { "" } else { "s" },
            esc(&first),
            if n > 1 {
                format!(" … {}", esc(&last))
            } else {
                String::new()
            }
        );
        for j in start..k {
            section(d, j, false, old, new, opts, &mut out);
        }
        out.push_str("</details>\n");
        for j in start..k {
            stubs_after(d, j, &stubs, &mut out);
        }
    }
    let _ = writeln!(out, "</main><script>{SCRIPT}</script></body></html>");
    out
}

/// For each moved change, the index of the change after which it stood in the old version
/// (`None`: before everything), as (anchor-after, moved change).
fn moved_stubs(d: &DocDiff) -> Vec<(Option<usize>, usize)> {
    let mut out = Vec::new();
    for (k, c) in d.changes.iter().enumerate() {
        if !c.flags.contains(&ChangeKind::Moved) {
            continue;
        }
        let Some(o) = &c.old else { continue };
        let before = d
            .changes
            .iter()
            .enumerate()
            .filter(|(j, x)| {
                *j != k
                    && !x.flags.contains(&ChangeKind::Moved)
                    && x.old.as_ref().is_some_and(|s| s.span.start < o.span.start)
            })
            .max_by_key(|(_, x)| x.old.as_ref().map_or(0, |s| s.span.start))
            .map(|(j, _)| j);
        out.push((before, k));
    }
    out
}

fn stubs_after(d: &DocDiff, k: usize, stubs: &[(Option<usize>, usize)], out: &mut String) {
    for &(after, m) in stubs {
        let place = match after {
            Some(a) => a == k,
            None => k == 0,
        };
        if place {
            let c = &d.changes[m];
            let _ = writeln!(
                out,
                "<div class=\"stub\" id=\"was-c{m}\">{} stood here in the old version; moved → <a href=\"#c{m}\">{}</a></div>",
                esc(&side_name(c, true)),
                esc(&side_name(c, false))
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn section(
    d: &DocDiff,
    k: usize,
    visible: bool,
    old: &ComparedFile,
    new: &ComparedFile,
    opts: &RenderOptions,
    out: &mut String,
) {
    let c = &d.changes[k];
    let _ = write!(
        out,
        "<section class=\"change k-{}{}\" id=\"c{k}\" data-kind=\"{}\"><h2>",
        c.kind.as_str(),
        if visible { " visible" } else { "" },
        c.kind.as_str()
    );
    let h = header(c);
    let (head, rest) = h.split_once(" · ").unwrap_or((h.as_str(), ""));
    escape(head, out);
    if !rest.is_empty() {
        out.push_str(" <span class=\"flags\">· ");
        escape(rest, out);
        if c.old.is_some() && c.new.is_some() && visible {
            let _ = write!(out, " · {:.0} % of words changed", c.changed_words * 100.0);
        }
        out.push_str("</span>");
    }
    out.push_str("</h2>");
    if c.flags.contains(&ChangeKind::Moved) {
        let _ = write!(
            out,
            "<p class=\"links\">Moved: see <a href=\"#was-c{k}\">where {} stood in the old version</a>.</p>",
            esc(&side_name(c, true))
        );
    } else if c.flags.contains(&ChangeKind::Renumbered) {
        let _ = write!(
            out,
            "<p class=\"links\">Renumbered: {} of the old version is {} of the new.</p>",
            esc(&side_name(c, true)),
            esc(&side_name(c, false))
        );
    }
    let ops = display_ops(c, old.text, new.text);
    if visible && c.old.is_some() && c.new.is_some() {
        out.push_str("<div class=\"sbs\"><div class=\"old\"><div class=\"label\">old</div><div class=\"text\">");
        ops_html(&ops, View::Old, opts, out);
        out.push_str(
            "</div></div><div class=\"new\"><div class=\"label\">new</div><div class=\"text\">",
        );
        ops_html(&ops, View::New, opts, out);
        out.push_str("</div></div></div><div class=\"inl\"><div class=\"text\">");
        ops_html(&ops, View::Inline, opts, out);
        out.push_str("</div></div>");
    } else {
        out.push_str("<div class=\"text\">");
        ops_html(&ops, View::Inline, opts, out);
        out.push_str("</div>");
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn script_hash_is_base64_of_sha256() {
        let h = script_hash();
        assert!(h.starts_with("sha256-"));
        assert_eq!(h.len(), "sha256-".len() + 44);
        assert!(h.ends_with('='));
    }
}
