//! Diff cost on the largest near-duplicate pair of `../shared/corpus/tota/pairs.tsv`, split
//! into its phases (parse both versions, diff, JSON serialization), so a change
//! can be attributed. Whole-process timing against `git diff` is `scripts/bench_diff.py`.
//!
//! Run: `cargo bench --bench diff`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

/// The largest pair (by combined size) listed in pairs.tsv, as (old, new) texts.
fn largest_pair() -> Option<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/tota");
    let Ok(tsv) = std::fs::read_to_string(dir.join("pairs.tsv")) else {
        eprintln!("SKIPPED diff benchmark: {} not found", dir.display());
        return None;
    };
    let read = |id: &str| std::fs::read_to_string(dir.join("texts").join(format!("{id}.txt")));
    tsv.lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            let (a, b) = (f.next()?, f.next()?);
            Some((read(a).ok()?, read(b).ok()?))
        })
        .max_by_key(|(a, b)| a.len() + b.len())
}

fn bench_phases(c: &mut Criterion) {
    let Some((old, new)) = largest_pair() else {
        return;
    };
    let (po, pn) = (treaty_analyser::parse(&old), treaty_analyser::parse(&new));
    let opts = treaty_analyser::diff::DiffOptions::default();
    let d = treaty_analyser::diff::diff(&po.document, &pn.document, &opts);
    let mut g = c.benchmark_group("diff_largest_pair");
    g.sample_size(20);
    g.bench_function("parse_both", |b| {
        b.iter(|| {
            black_box(treaty_analyser::parse(black_box(&old)));
            black_box(treaty_analyser::parse(black_box(&new)));
        })
    });
    g.bench_function("diff", |b| {
        b.iter(|| {
            black_box(treaty_analyser::diff::diff(
                &po.document,
                &pn.document,
                &opts,
            ))
        })
    });
    g.bench_function("json", |b| {
        b.iter(|| black_box(serde_json::to_vec(black_box(&d)).map(|v| v.len())))
    });
    g.finish();
}

criterion_group!(benches, bench_phases);
criterion_main!(benches);
