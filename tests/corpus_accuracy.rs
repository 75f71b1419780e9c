//! Article-heading accuracy of the parser on the real treaties of `../shared/corpus/tota`:
//! F1 of heading lines, number accuracy and caption accuracy on found articles, and the
//! lossless-tree invariant on every file. Prints the figures; fails below the thresholds
//! set in the parser issue. Set `TREATY_EVAL_VERBOSE=1` to list every miss. Scoring is
//! `common::score`, shared with the test on `../shared/corpus/realworld`.

mod common;

#[test]
fn article_headings_on_real_treaties() {
    let Some(dir) = common::corpus_dir("article_headings_on_real_treaties") else {
        return;
    };
    let verbose = std::env::var_os("TREATY_EVAL_VERBOSE").is_some();
    let treaties = common::treaties(&dir);
    let mut all = common::Score::default();
    let mut per_file: Vec<(String, usize, usize)> = Vec::new();
    for t in &treaties {
        let s = common::score(&t.id, &t.text, &t.gold);
        if verbose {
            for m in &s.misses {
                println!("{m}");
            }
        }
        if s.lossless == 0 {
            println!("NOT LOSSLESS: {}", t.id);
        }
        per_file.push((t.id.clone(), s.fp, s.fn_));
        all.add(&s);
    }
    per_file.sort_by_key(|(_, a, b)| std::cmp::Reverse(a + b));
    println!(
        "worst files (id, FP, FN): {:?}",
        &per_file[..per_file.len().min(12)]
    );
    let precision = all.tp as f64 / (all.tp + all.fp).max(1) as f64;
    let recall = all.tp as f64 / (all.tp + all.fn_).max(1) as f64;
    println!(
        "corpus: {} treaties; precision {precision:.4} recall {recall:.4}; {}",
        treaties.len(),
        all.line()
    );
    let (f1, num_acc, cap_acc) = (
        all.article_f1(),
        all.number_accuracy(),
        all.caption_accuracy(),
    );
    assert_eq!(all.lossless, treaties.len(), "every tree must be lossless");
    assert!(f1 >= 0.98, "article-heading F1 {f1:.4} < 0.98");
    assert!(num_acc >= 0.99, "number accuracy {num_acc:.4} < 0.99");
    assert!(cap_acc >= 0.95, "caption accuracy {cap_acc:.4} < 0.95");
}
