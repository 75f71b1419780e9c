//! Article-heading accuracy of the parser on the real treaties of `../shared/corpus/tota`:
//! F1 of heading lines, number accuracy and caption accuracy on found articles, and the
//! lossless-tree invariant on every file. Prints the figures; fails below the thresholds
//! set in the parser issue. Set `TREATY_EVAL_VERBOSE=1` to list every miss.

mod common;

use treaty_analyser::{NodeKind, number, parse, tree};

fn norm_caption(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn norm_number(s: &str) -> String {
    number::normalize(s)
        .map(|d| d.text.to_lowercase())
        .unwrap_or_else(|| s.trim().to_lowercase())
}

#[test]
fn article_headings_on_real_treaties() {
    let Some(dir) = common::corpus_dir("article_headings_on_real_treaties") else {
        return;
    };
    let verbose = std::env::var_os("TREATY_EVAL_VERBOSE").is_some();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let (mut num_ok, mut cap_ok) = (0usize, 0usize);
    let mut lossless = 0usize;
    let treaties = common::treaties(&dir);
    let mut per_file: Vec<(String, usize, usize)> = Vec::new();
    for t in &treaties {
        let p = parse(&t.text);
        let valid = tree::validate(&p.document.root, &t.text).is_ok()
            && tree::leaf_text(&p.document.root, &t.text) == t.text;
        if valid {
            lossless += 1;
        } else {
            println!("NOT LOSSLESS: {}", t.id);
        }
        let found: Vec<_> = p
            .document
            .root
            .walk()
            .filter(|n| n.kind == NodeKind::Article)
            .collect();
        let gold = t.gold["articles"].as_array().cloned().unwrap_or_default();
        let by_line: std::collections::HashMap<u64, &serde_json::Value> = gold
            .iter()
            .map(|a| (a["line"].as_u64().unwrap_or(0), a))
            .collect();
        let (mut f_fp, mut f_fn) = (0, 0);
        let mut matched = std::collections::HashSet::new();
        for a in &found {
            match by_line.get(&(a.line as u64)) {
                Some(g) => {
                    tp += 1;
                    matched.insert(a.line as u64);
                    let gn = g["number"].as_str().map(norm_number);
                    if gn.as_deref() == a.number.as_deref().map(str::to_lowercase).as_deref() {
                        num_ok += 1;
                    } else if verbose {
                        println!(
                            "{} line {}: number {:?} gold {:?}",
                            t.id, a.line, a.number, gn
                        );
                    }
                    let gc = g["heading"].as_str().map(norm_caption);
                    if gc == a.heading.as_deref().map(norm_caption) {
                        cap_ok += 1;
                    } else if verbose {
                        println!(
                            "{} line {}: caption {:?} gold {:?}",
                            t.id, a.line, a.heading, gc
                        );
                    }
                }
                None => {
                    fp += 1;
                    f_fp += 1;
                    if verbose {
                        println!("{} line {}: FP {:?} {:?}", t.id, a.line, a.label, a.heading);
                    }
                }
            }
        }
        for g in &gold {
            let line = g["line"].as_u64().unwrap_or(0);
            if !matched.contains(&line) {
                fn_ += 1;
                f_fn += 1;
                if verbose {
                    println!(
                        "{} line {}: FN {:?} {:?}",
                        t.id, line, g["label"], g["heading"]
                    );
                }
            }
        }
        per_file.push((t.id.clone(), f_fp, f_fn));
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(f64::EPSILON);
    let num_acc = num_ok as f64 / tp.max(1) as f64;
    let cap_acc = cap_ok as f64 / tp.max(1) as f64;
    per_file.sort_by_key(|(_, a, b)| std::cmp::Reverse(a + b));
    println!(
        "worst files (id, FP, FN): {:?}",
        &per_file[..per_file.len().min(12)]
    );
    println!(
        "corpus: {} treaties; articles tp={tp} fp={fp} fn={fn_}; precision {precision:.4} recall {recall:.4} F1 {f1:.4}; number accuracy {num_acc:.4}; caption accuracy {cap_acc:.4}; lossless {lossless}/{}",
        treaties.len(),
        treaties.len()
    );
    assert_eq!(lossless, treaties.len(), "every tree must be lossless");
    assert!(f1 >= 0.98, "article-heading F1 {f1:.4} < 0.98");
    assert!(num_acc >= 0.99, "number accuracy {num_acc:.4} < 0.99");
    assert!(cap_acc >= 0.95, "caption accuracy {cap_acc:.4} < 0.95");
}
