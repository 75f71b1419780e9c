//! Real successive published versions (`../shared/corpus/realworld/pairs`, truth by article
//! number): articles present with the same number in both versions whose texts are at
//! least half alike must be paired by the diff, not reported removed and added.

mod common;

use treaty_analyser::diff::{ChangeKind, DiffOptions, diff};
use treaty_analyser::{NodeKind, parse};

#[test]
fn same_numbered_similar_articles_are_paired() {
    let Some(dir) = common::shared_corpus("same_numbered_similar_articles_are_paired", "realworld")
    else {
        return;
    };
    let (mut total, mut paired, mut n_pairs) = (0usize, 0usize, 0usize);
    let mut misses = Vec::new();
    for pair in common::version_pairs(&dir) {
        let (p, truth) = (&pair.dir, &pair.truth);
        if truth["scored"] != true {
            continue;
        }
        n_pairs += 1;
        let d = diff(
            &parse(&pair.old).document,
            &parse(&pair.new).document,
            &DiffOptions::default(),
        );
        let matched: std::collections::HashSet<(u64, u64)> = d
            .changes
            .iter()
            .filter(|c| c.node_kind == NodeKind::Article)
            .filter(|c| !matches!(c.kind, ChangeKind::Added | ChangeKind::Removed))
            .filter_map(|c| Some((c.old.as_ref()?.line as u64, c.new.as_ref()?.line as u64)))
            .collect();
        for art in truth["articles"].as_array().into_iter().flatten() {
            let similar = match art["status"].as_str() {
                Some("identical" | "spacing") => true,
                Some("changed") => art["similarity"].as_f64().is_some_and(|s| s >= 0.5),
                _ => false,
            };
            if !similar {
                continue;
            }
            let (Some(ol), Some(nl)) = (art["old_line"].as_u64(), art["new_line"].as_u64()) else {
                continue;
            };
            total += 1;
            if matched.contains(&(ol, nl)) {
                paired += 1;
            } else {
                misses.push(format!("{} article {}", p.display(), art["number"]));
            }
        }
    }
    let share = paired as f64 / total.max(1) as f64;
    println!(
        "real pairs: {n_pairs} scored pairs; same-numbered similar articles paired {paired}/{total} = {share:.4}"
    );
    for m in misses.iter().take(10) {
        println!("NOT PAIRED {m}");
    }
    assert!(total > 1000, "enough articles: {total}");
    assert!(share >= 0.999, "paired {share:.4} < 0.999");
}
