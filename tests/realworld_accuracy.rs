//! Parser accuracy on real treaties as a government database publishes them
//! (`../shared/corpus/realworld`: one file per language part, gold from the publisher's own
//! markup): article-heading F1, number and caption accuracy, division F1 and the lossless
//! invariant, overall and per language. Prints the figures (`TREATY_EVAL_VERBOSE=1` lists
//! every miss) and fails below the parsing issue's targets (see `TARGETS`), overall and for
//! each language with at least 5 files.

mod common;

use std::collections::BTreeMap;

/// Required overall and per language with at least 5 files: article F1, number accuracy,
/// caption accuracy, division F1.
const TARGETS: [(&str, f64); 4] = [
    ("article F1", 0.995),
    ("number accuracy", 0.995),
    ("caption accuracy", 0.98),
    ("division F1", 0.95),
];

#[test]
fn headings_of_real_published_treaties() {
    let Some(dir) = common::shared_corpus("headings_of_real_published_treaties", "realworld")
    else {
        return;
    };
    let verbose = std::env::var_os("TREATY_EVAL_VERBOSE").is_some();
    let mut by_lang: BTreeMap<String, common::Score> = BTreeMap::new();
    let mut all = common::Score::default();
    // The same layout as ToTA's: texts/ID.txt and gold/ID.json, ID ending in the language.
    for t in common::treaties(&dir) {
        let lang = t.id.rsplit('.').next().unwrap_or("?").to_string();
        let s = common::score(&t.id, &t.text, &t.gold);
        if verbose {
            for m in &s.misses {
                println!("{m}");
            }
        }
        by_lang.entry(lang).or_default().add(&s);
        all.add(&s);
    }
    for (lang, s) in &by_lang {
        println!("realworld {lang}: {}", s.line());
    }
    println!("realworld all: {}", all.line());
    assert!(all.files >= 500, "the corpus has its files: {}", all.files);
    assert_eq!(all.lossless, all.files, "every tree must be lossless");
    for (what, s) in by_lang
        .iter()
        .filter(|(_, s)| s.files >= 5)
        .chain([(&"all".to_string(), &all)])
    {
        let got = [
            s.article_f1(),
            s.number_accuracy(),
            s.caption_accuracy(),
            s.division_f1(),
        ];
        for ((name, target), v) in TARGETS.iter().zip(got) {
            assert!(v >= *target, "{what}: {name} {v:.4} < {target}");
        }
    }
}
