#!/usr/bin/env python3
"""Whole-process time of `treaty diff --format json` against `git diff --no-index --word-diff`
on the largest pairs of ../shared/corpus/tota/pairs.tsv, side by side in one run.

Usage: cargo build --release && python3 scripts/bench_diff.py [RUNS] [N_PAIRS]
Prints the median of RUNS runs per command and pair, and the ratio treaty/git.
"""
import os, statistics, subprocess, sys, time

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
n_pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
corpus = os.path.join(root, "..", "shared", "corpus", "tota")
treaty = os.path.join(root, "target", "release", "treaty")
pairs = []
with open(os.path.join(corpus, "pairs.tsv")) as f:
    next(f)
    for line in f:
        a, b, _ = line.rstrip("\n").split("\t")
        pa, pb = (os.path.join(corpus, "texts", x + ".txt") for x in (a, b))
        pairs.append((os.path.getsize(pa) + os.path.getsize(pb), a, b, pa, pb))
pairs.sort(reverse=True)

def median_time(cmd):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)

print(f"| pair | bytes | treaty diff --format json | git diff --no-index --word-diff | ratio |")
print(f"| --- | ---: | ---: | ---: | ---: |")
for size, a, b, pa, pb in pairs[:n_pairs]:
    # Interleave the two commands so machine noise hits both alike.
    t_treaty = median_time([treaty, "diff", "--format", "json", pa, pb])
    t_git = median_time(["git", "diff", "--no-index", "--word-diff", pa, pb])
    print(f"| {a} / {b} | {size} | {t_treaty*1000:.1f} ms | {t_git*1000:.1f} ms | {t_treaty/t_git:.2f} |")
