//! Shared helpers for tests that read the real corpus in `../shared/corpus/tota`.
#![allow(dead_code)]

use std::path::PathBuf;

/// Says that `test` is skipped and why, where a plain `cargo test` shows it: straight to
/// standard error, which the test harness does not capture (it captures `eprintln!`). In CI
/// (`CI` set) nothing may be skipped: the test fails with the same message instead.
pub fn skip(test: &str, why: &str) {
    let message = format!("SKIPPED {test}: {why}");
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{message} (CI is set: nothing may be skipped)");
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "\n{message}");
}

/// The corpus folder `../shared/corpus/NAME`, or `None` (after [`skip`]) when it is absent.
pub fn shared_corpus(test: &str, name: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(name);
    if dir.is_dir() {
        Some(dir)
    } else {
        skip(
            test,
            &format!(
                "corpus not found at {}; put the shared corpus folder beside this repository (README, \"Tests\")",
                dir.display()
            ),
        );
        None
    }
}

/// The ToTA corpus folder, or `None` (after [`skip`]) when `../shared` is absent.
pub fn corpus_dir(test: &str) -> Option<PathBuf> {
    shared_corpus(test, "tota").filter(|d| d.join("texts").is_dir())
}

/// One corpus treaty: its id, text and gold JSON.
pub struct Treaty {
    pub id: String,
    pub text: String,
    pub gold: serde_json::Value,
}

/// All corpus treaties, sorted by id.
pub fn treaties(dir: &std::path::Path) -> Vec<Treaty> {
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir.join("texts"))
        .expect("corpus texts folder is readable")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    for p in names {
        let id = p.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&p).expect("corpus text is UTF-8");
        let gold_path = dir.join("gold").join(format!("{id}.json"));
        let gold: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(gold_path).expect("gold exists"))
                .expect("gold is JSON");
        out.push(Treaty { id, text, gold });
    }
    out
}

/// One pair of successive published versions of `../shared/corpus/realworld/pairs`.
pub struct VersionPair {
    /// The pair's folder.
    pub dir: PathBuf,
    pub old: String,
    pub new: String,
    /// Its truth.json.
    pub truth: serde_json::Value,
}

/// All version pairs under `dir` (the realworld corpus folder), sorted by folder name.
pub fn version_pairs(dir: &std::path::Path) -> Vec<VersionPair> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir.join("pairs"))
        .expect("pairs folder is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|d| {
            let read = |f: &str| std::fs::read_to_string(d.join(f)).expect("pair file is UTF-8");
            let truth = serde_json::from_str(&read("truth.json")).expect("truth is JSON");
            VersionPair {
                old: read("old.txt"),
                new: read("new.txt"),
                truth,
                dir: d,
            }
        })
        .collect()
}

/// How a parse of one file compares with its gold (ToTA gold schema).
#[derive(Default, Clone, Debug)]
pub struct Score {
    /// Article headings found on a gold article line, found elsewhere, and missed.
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    /// Of the found gold articles: right number, right caption.
    pub num_ok: usize,
    pub cap_ok: usize,
    /// Division headings found on a gold division line, found elsewhere, and missed.
    pub div_tp: usize,
    pub div_fp: usize,
    pub div_fn: usize,
    /// Files whose gold marks where the final clauses start, and of them those where the
    /// parse's `conclusion` starts on that line.
    pub conclusions: usize,
    pub conclusion_ok: usize,
    /// Files whose tree is lossless and valid.
    pub lossless: usize,
    /// Files scored.
    pub files: usize,
    /// What was wrong, one line each (for `TREATY_EVAL_VERBOSE=1`).
    pub misses: Vec<String>,
}

impl Score {
    /// Adds another score to this one.
    pub fn add(&mut self, o: &Score) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.num_ok += o.num_ok;
        self.cap_ok += o.cap_ok;
        self.div_tp += o.div_tp;
        self.div_fp += o.div_fp;
        self.div_fn += o.div_fn;
        self.conclusions += o.conclusions;
        self.conclusion_ok += o.conclusion_ok;
        self.lossless += o.lossless;
        self.files += o.files;
        self.misses.extend(o.misses.iter().cloned());
    }

    fn f1(tp: usize, fp: usize, fn_: usize) -> f64 {
        if tp + fp + fn_ == 0 {
            return 1.0;
        }
        2.0 * tp as f64 / (2 * tp + fp + fn_) as f64
    }

    /// Article-heading F1.
    pub fn article_f1(&self) -> f64 {
        Self::f1(self.tp, self.fp, self.fn_)
    }

    /// Division-heading F1 (1.0 when neither gold nor parse has divisions).
    pub fn division_f1(&self) -> f64 {
        Self::f1(self.div_tp, self.div_fp, self.div_fn)
    }

    /// Share of found gold articles with the right number.
    pub fn number_accuracy(&self) -> f64 {
        self.num_ok as f64 / self.tp.max(1) as f64
    }

    /// Share of found gold articles with the right caption.
    pub fn caption_accuracy(&self) -> f64 {
        self.cap_ok as f64 / self.tp.max(1) as f64
    }

    /// One line of figures.
    pub fn line(&self) -> String {
        format!(
            "{} files; articles tp={} fp={} fn={} F1 {:.4}; number accuracy {:.4}; caption accuracy {:.4}; divisions tp={} fp={} fn={} F1 {:.4}; final clauses found {}/{}; lossless {}/{}",
            self.files,
            self.tp,
            self.fp,
            self.fn_,
            self.article_f1(),
            self.number_accuracy(),
            self.caption_accuracy(),
            self.div_tp,
            self.div_fp,
            self.div_fn,
            self.division_f1(),
            self.conclusion_ok,
            self.conclusions,
            self.lossless,
            self.files
        )
    }
}

/// A caption compared without case and runs of white space.
pub fn norm_caption(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A number as the parser normalizes it (lower case).
pub fn norm_number(s: &str) -> String {
    treaty_analyser::number::normalize(s)
        .map(|d| d.text.to_lowercase())
        .unwrap_or_else(|| s.trim().to_lowercase())
}

/// Scores the parse of `text` against `gold` (file `id`): articles by line, number and
/// caption; divisions by line; the lossless invariant.
pub fn score(id: &str, text: &str, gold: &serde_json::Value) -> Score {
    use treaty_analyser::{NodeKind, parse, tree};
    let mut s = Score {
        files: 1,
        ..Score::default()
    };
    let p = parse(text);
    if tree::validate(&p.document.root, text).is_ok()
        && tree::leaf_text(&p.document.root, text) == text
    {
        s.lossless = 1;
    } else {
        s.misses.push(format!("{id}: NOT LOSSLESS"));
    }
    let lines_of = |key: &str| -> std::collections::HashMap<u64, &serde_json::Value> {
        gold[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|g| (g["line"].as_u64().unwrap_or(0), g))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (gold_articles, gold_divisions) = (lines_of("articles"), lines_of("divisions"));
    let mut matched = std::collections::HashSet::new();
    for a in p
        .document
        .root
        .walk()
        .filter(|n| n.kind == NodeKind::Article)
    {
        let Some(g) = gold_articles.get(&(a.line as u64)) else {
            s.fp += 1;
            s.misses.push(format!(
                "{id} line {}: FP {:?} {:?}",
                a.line, a.label, a.heading
            ));
            continue;
        };
        s.tp += 1;
        matched.insert(a.line as u64);
        let gn = g["number"].as_str().map(norm_number);
        if gn.as_deref() == a.number.as_deref().map(str::to_lowercase).as_deref() {
            s.num_ok += 1;
        } else {
            s.misses.push(format!(
                "{id} line {}: number {:?} gold {gn:?}",
                a.line, a.number
            ));
        }
        let gc = g["heading"].as_str().map(norm_caption);
        if gc == a.heading.as_deref().map(norm_caption) {
            s.cap_ok += 1;
        } else {
            s.misses.push(format!(
                "{id} line {}: caption {:?} gold {gc:?}",
                a.line, a.heading
            ));
        }
    }
    for (line, g) in &gold_articles {
        if !matched.contains(line) {
            s.fn_ += 1;
            s.misses.push(format!(
                "{id} line {line}: FN {} {}",
                g["label"], g["heading"]
            ));
        }
    }
    if let Some(line) = gold["conclusion"]["line"].as_u64() {
        s.conclusions = 1;
        let found = p
            .document
            .root
            .children
            .iter()
            .find(|c| c.kind == NodeKind::Conclusion)
            .map(|c| c.line as u64);
        if found == Some(line) {
            s.conclusion_ok = 1;
        } else {
            s.misses.push(format!(
                "{id} line {line}: final clauses found at {found:?}"
            ));
        }
    }
    let mut div_matched = std::collections::HashSet::new();
    for d in p.document.root.walk().filter(|n| n.kind.is_division()) {
        if gold_divisions.contains_key(&(d.line as u64)) {
            s.div_tp += 1;
            div_matched.insert(d.line as u64);
        } else {
            s.div_fp += 1;
            s.misses.push(format!(
                "{id} line {}: division FP {:?} {:?}",
                d.line, d.label, d.heading
            ));
        }
    }
    for (line, g) in &gold_divisions {
        if !div_matched.contains(line) {
            s.div_fn += 1;
            s.misses.push(format!(
                "{id} line {line}: division FN {} {}",
                g["label"], g["heading"]
            ));
        }
    }
    s
}
