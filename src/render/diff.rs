//! Renderers of a computed [`DocDiff`]: terminal (colour or `[-…-]{+…+}`), Markdown,
//! unified line diff, and a statistics summary. They never compute diffs themselves.

use crate::diff::{Change, ChangeKind, DocDiff, InlineOp, Op};
use std::fmt::Write;

/// Rendering options shared by the text renderers.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colours (red deletions, green insertions, grey consequential changes).
    pub color: bool,
    /// Hide changes that only follow a renumbering.
    pub ignore_renumbering: bool,
}

/// A title for one side: "Article 5", "Preamble", "Annex I".
pub fn side_name(c: &Change, old: bool) -> String {
    let s = if old { c.old.as_ref() } else { c.new.as_ref() };
    match s {
        Some(s) => match &s.label {
            Some(l) => l.clone(),
            None => {
                let k = c.node_kind.as_str();
                let mut ch = k.chars();
                let word = ch
                    .next()
                    .map(|f| f.to_uppercase().collect::<String>() + ch.as_str())
                    .unwrap_or_default();
                match &s.number {
                    Some(n) => format!("{word} {n}"),
                    None => word,
                }
            }
        },
        None => "—".to_string(),
    }
}

/// A short name of a change: "Article 5 → Article 6", or one side's name.
pub fn name(c: &Change) -> String {
    match (&c.old, &c.new) {
        (Some(_), Some(_)) => {
            let (o, n) = (side_name(c, true), side_name(c, false));
            if o == n { o } else { format!("{o} → {n}") }
        }
        (Some(_), None) => side_name(c, true),
        _ => side_name(c, false),
    }
}

/// The ops to display for a change: its own, or one equal op of its text when unchanged
/// (unchanged parts carry no ops).
pub fn display_ops(c: &Change, old_src: &str, new_src: &str) -> Vec<InlineOp> {
    if !c.inline.is_empty() {
        return c.inline.clone();
    }
    let text = match (&c.new, &c.old) {
        (Some(n), _) => n.span.slice(new_src),
        (None, Some(o)) => o.span.slice(old_src),
        (None, None) => "",
    };
    crate::diff::text::equal(text)
}

/// The header of a change: "Article 5 → Article 6 · renumbered, modified · 87 % similar".
pub fn header(c: &Change) -> String {
    let name = name(c);
    let flags: Vec<&str> = c.flags.iter().map(|f| f.as_str()).collect();
    let flags = if flags.is_empty() {
        "unchanged".to_string()
    } else {
        flags.join(", ")
    };
    if c.old.is_some() && c.new.is_some() {
        format!("{name} · {flags} · {:.0} % similar", c.similarity * 100.0)
    } else {
        format!("{name} · {flags}")
    }
}

/// True when a change is shown: not unchanged, and (with `ignore_renumbering`) not only a
/// consequential renumbering.
pub fn is_visible(c: &Change, opts: &RenderOptions) -> bool {
    match c.kind {
        ChangeKind::Unchanged => false,
        ChangeKind::Renumbered if opts.ignore_renumbering => {
            c.flags.iter().any(|f| *f != ChangeKind::Renumbered)
        }
        _ => true,
    }
}

fn inline_term(ops: &[InlineOp], opts: &RenderOptions, out: &mut String) {
    for o in ops {
        let t = o.text.as_str();
        if o.layout {
            if o.op == Op::Insert {
                out.push_str(t);
            }
            continue;
        }
        match (o.op, o.consequential, opts.color) {
            (Op::Equal, _, _) => out.push_str(t),
            (Op::Delete, true, _) if opts.ignore_renumbering => {}
            (Op::Insert, true, _) if opts.ignore_renumbering => out.push_str(t),
            (Op::Delete, true, true) => {
                let _ = write!(out, "\x1b[2;9m{t}\x1b[0m");
            }
            (Op::Insert, true, true) => {
                let _ = write!(out, "\x1b[2m{t}\x1b[0m");
            }
            (Op::Delete, _, true) => {
                let _ = write!(out, "\x1b[31;9m{t}\x1b[0m");
            }
            (Op::Insert, _, true) => {
                let _ = write!(out, "\x1b[32;4m{t}\x1b[0m");
            }
            (Op::Delete, _, false) => wrap(t, "[-", "-]", out),
            (Op::Insert, _, false) => wrap(t, "{+", "+}", out),
        }
    }
}

/// Wraps the non-space part of `t` in markers, keeping leading white space outside.
fn wrap(t: &str, open: &str, close: &str, out: &mut String) {
    let body = t.trim_start();
    out.push_str(&t[..t.len() - body.len()]);
    let _ = write!(out, "{open}{body}{close}");
}

/// The terminal report.
pub fn term(d: &DocDiff, old_path: &str, new_path: &str, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let bold = |s: &str| {
        if opts.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let _ = writeln!(
        out,
        "--- {old_path} ({} articles)\n+++ {new_path} ({} articles)",
        d.summary.n_old_articles, d.summary.n_new_articles
    );
    let _ = writeln!(out, "{}", legend(opts));
    if let Some(f) = &d.summary.fallback {
        let _ = writeln!(out, "note: {f}");
    }
    let mut hidden: std::collections::BTreeMap<ChangeKind, usize> = Default::default();
    for c in &d.changes {
        if !is_visible(c, opts) {
            *hidden.entry(c.kind).or_default() += 1;
            continue;
        }
        let _ = writeln!(out, "\n{}", bold(&header(c)));
        if only_renumbered(c) {
            // Its text is the same but for its own number and references that followed the
            // renumbering: the header says all.
            continue;
        }
        let mut body = String::new();
        inline_term(&c.inline, opts, &mut body);
        for line in body.trim_end().lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !hidden.is_empty() {
        // By class, as the summary counts them (with --ignore-renumbering, parts whose only
        // change is their number are hidden too and stay "renumbered" there).
        let n: usize = hidden.values().sum();
        let classes: Vec<String> = hidden
            .iter()
            .map(|(k, n)| format!("{n} {}", k.as_str()))
            .collect();
        let parts = if n == 1 { "part" } else { "parts" };
        let _ = match (hidden.len(), hidden.keys().next()) {
            (1, Some(k)) => writeln!(out, "\n({n} {} {parts} not shown)", k.as_str()),
            _ => writeln!(out, "\n({n} {parts} not shown: {})", classes.join(", ")),
        };
    }
    let _ = writeln!(out, "\n{}", counts_line(d));
    out
}

/// True for a part that was renumbered (or moved) and otherwise kept its text: no op but
/// layout and consequential renumbering, and no changed sub-part.
pub fn only_renumbered(c: &Change) -> bool {
    fn unchanged_text(c: &Change) -> bool {
        !c.inline.iter().any(InlineOp::is_substantive) && c.children.iter().all(unchanged_text)
    }
    c.old.is_some()
        && c.new.is_some()
        && c.flags.contains(&ChangeKind::Renumbered)
        && !c.flags.contains(&ChangeKind::Modified)
        && unchanged_text(c)
}

/// The one-line key to the change markers of the term report.
fn legend(opts: &RenderOptions) -> String {
    if opts.color {
        format!(
            "key: \x1b[31;9mdeleted\x1b[0m \x1b[32;4minserted\x1b[0m \x1b[2mrenumbering only\x1b[0m{}",
            if opts.ignore_renumbering {
                " (hidden)"
            } else {
                ""
            }
        )
    } else {
        "key: [-deleted-] {+inserted+}".to_string()
    }
}

/// "1 added · 1 removed · 2 modified …" (classes with a zero count left out).
pub fn counts_line(d: &DocDiff) -> String {
    let parts: Vec<String> = d
        .summary
        .counts
        .iter()
        .filter(|(_, v)| **v > 0)
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    format!("Summary: {}", parts.join(" · "))
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(
            ch,
            '\\' | '*' | '_' | '~' | '`' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn md_mark(t: &str, mark: &str, out: &mut String) {
    // Markdown emphasis cannot span blank lines: mark each line separately.
    for (k, piece) in t.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        let body = piece.trim();
        if body.is_empty() {
            out.push_str(piece);
            continue;
        }
        let lead = &piece[..piece.len() - piece.trim_start().len()];
        let _ = write!(out, "{lead}{mark}{}{mark}", md_escape(body));
        if piece.ends_with(' ') {
            out.push(' ');
        }
    }
}

/// Markdown: a summary table, then each change with ~~deleted~~ and **inserted** words.
pub fn markdown(d: &DocDiff, old_path: &str, new_path: &str, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Changes from `{}` to `{}`\n",
        old_path.replace('`', "'"),
        new_path.replace('`', "'")
    );
    let _ = writeln!(out, "| class | count |\n| --- | ---: |");
    for (k, v) in &d.summary.counts {
        let _ = writeln!(out, "| {k} | {v} |");
    }
    if let Some(f) = &d.summary.fallback {
        let _ = writeln!(out, "\n> Note: {}", md_escape(f));
    }
    let _ = writeln!(
        out,
        "\n| part | change | words changed |\n| --- | --- | ---: |"
    );
    for c in d.changes.iter().filter(|c| is_visible(c, opts)) {
        let flags: Vec<&str> = c.flags.iter().map(|f| f.as_str()).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} % |",
            md_escape(header(c).split(" · ").next().unwrap_or("")),
            flags.join(", "),
            c.changed_words * 100.0
        );
    }
    for c in d.changes.iter().filter(|c| is_visible(c, opts)) {
        let _ = writeln!(out, "\n## {}\n", md_escape(&header(c)));
        if only_renumbered(c) {
            continue;
        }
        let mut body = String::new();
        for o in &c.inline {
            if o.layout {
                if o.op == Op::Insert {
                    body.push_str(&o.text);
                }
                continue;
            }
            match (o.op, o.consequential && opts.ignore_renumbering) {
                (Op::Equal, _) | (Op::Insert, true) => body.push_str(&md_escape(&o.text)),
                (Op::Delete, true) => {}
                (Op::Delete, false) => md_mark(&o.text, "~~", &mut body),
                (Op::Insert, false) => md_mark(&o.text, "**", &mut body),
            }
        }
        let _ = writeln!(out, "{}", body.trim_end());
    }
    out
}

/// A classic line-based unified diff of the two texts, for patch tools.
pub fn unified(old: &str, new: &str, old_path: &str, new_path: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_path, new_path)
        .to_string()
}

/// Counts per class, and per changed part the share of words changed.
pub fn stat(d: &DocDiff, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", counts_line(d));
    for c in d.changes.iter().filter(|c| is_visible(c, opts)) {
        let name = header(c);
        let name = name.split(" · ").next().unwrap_or("");
        let flags: Vec<&str> = c.flags.iter().map(|f| f.as_str()).collect();
        let _ = writeln!(
            out,
            "  {name:<32} {:<28} {:>5.1} % words changed",
            flags.join(", "),
            c.changed_words * 100.0
        );
    }
    out
}
