#!/usr/bin/env python3
"""Whole-process time of `treaty diff --format json` against `git diff --no-index --word-diff`
on the largest pairs of ../shared/corpus/tota/pairs.tsv, side by side in one run.

Usage: cargo build --release && python3 scripts/bench_diff.py [RUNS] [N_PAIRS]
Prints the median of RUNS runs per command and pair, and the ratio treaty/git.
"""
import statistics, subprocess, sys, time

from corpus_pairs import TREATY as treaty, pairs_by_size

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
n_pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
pairs = pairs_by_size()

def median_times(cmds):
    """Median wall time of each command, the commands run in turn, run after run, so that
    machine noise hits them alike."""
    times = [[] for _ in cmds]
    for _ in range(runs):
        for k, cmd in enumerate(cmds):
            t = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[k].append(time.perf_counter() - t)
    return [statistics.median(t) for t in times]

print(f"| pair | bytes | treaty diff --format json | git diff --no-index --word-diff | ratio |")
print(f"| --- | ---: | ---: | ---: | ---: |")
for size, a, b, pa, pb in pairs[:n_pairs]:
    t_treaty, t_git = median_times([
        [treaty, "diff", "--format", "json", pa, pb],
        ["git", "diff", "--no-index", "--word-diff", pa, pb],
    ])
    print(f"| {a} / {b} | {size} | {t_treaty*1000:.1f} ms | {t_git*1000:.1f} ms | {t_treaty/t_git:.2f} |")
