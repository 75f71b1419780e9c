//! Parse throughput on the real corpus (`../shared/corpus/tota/texts`), plus pathological
//! groups that scale the input to show cost grows linearly.
//!
//! Run: `cargo bench --bench parse` (criterion prints MiB/s per group).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn corpus() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/tota/texts");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        eprintln!("SKIPPED corpus benchmark: {} not found", dir.display());
        return Vec::new();
    };
    let mut v: Vec<_> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    v.sort();
    v
}

fn bench_corpus(c: &mut Criterion) {
    let texts = corpus();
    if texts.is_empty() {
        return;
    }
    let total: usize = texts.iter().map(String::len).sum();
    let mut g = c.benchmark_group("parse_corpus");
    g.throughput(Throughput::Bytes(total as u64));
    g.sample_size(10);
    g.bench_function("all_300_treaties", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(treaty_analyser::parse(black_box(t)));
            }
        })
    });
    g.finish();
}

fn bench_pathological(c: &mut Criterion) {
    let mut g = c.benchmark_group("pathological");
    g.sample_size(10);
    for n in [1_000usize, 10_000] {
        let same_number = "Article 1\nText.\n\n".repeat(n);
        g.throughput(Throughput::Bytes(same_number.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("articles_all_numbered_1", n),
            &same_number,
            |b, s| b.iter(|| black_box(treaty_analyser::parse(s))),
        );
        let items: String = (0..n)
            .map(|i| format!("({}) item {i};\n", (b'a' + (i % 26) as u8) as char))
            .collect();
        let items = format!("Article 1\nList\n\n{items}");
        g.throughput(Throughput::Bytes(items.len() as u64));
        g.bench_with_input(BenchmarkId::new("items", n), &items, |b, s| {
            b.iter(|| black_box(treaty_analyser::parse(s)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_corpus, bench_pathological);
criterion_main!(benches);
