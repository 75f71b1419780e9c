#!/usr/bin/env python3
"""Whole-process time and peak memory of `treaty diff` against peer tools on the same pairs,
side by side in one run (commands interleaved run by run; medians).

Pairs: the fixture pair; the largest pair of ../shared/corpus/tota/pairs.tsv; and a 10×
concatenation of that pair. Peers: git diff --no-index --word-diff, GNU wdiff, difft
(difftastic), Python's redlines, diff-match-patch (word mode) and difflib on words (the
scripts in scripts/peers/; the Python ones are installed with pip when missing, wdiff comes
from Debian's wdiff package, difft from `cargo install difftastic`). A peer that is not
installed is reported as such; a run over
LIMIT seconds is stopped and reported as "> LIMIT s".

Usage: cargo build --release && python3 scripts/bench_peers.py [RUNS] [LIMIT]
Prints a Markdown table (medians of RUNS runs; peak RSS from GNU time) and parse throughput
against `wc -w` over the whole corpus.
"""
import threading
import os, shutil, signal, statistics, subprocess, sys, tempfile, time

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
limit = float(sys.argv[2]) if len(sys.argv) > 2 else 120.0
from corpus_pairs import CORPUS as corpus, ROOT as root, TREATY as treaty, pairs_by_size

peers_dir = os.path.join(root, "scripts", "peers")
py = sys.executable


GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run(cmd):
    """(seconds, peak RSS in MiB) of one run, or (None, None) past the limit.

    The peak RSS comes from GNU time (`%M`) when present: a child's ru_maxrss counts the
    forking Python process too, so it is taken in a second, separate run."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # A blocking wait, with a timer thread to stop a tool past the limit: a parent that
    # polled every 0.5 ms took CPU time from the tools that use both cores (treaty, difft)
    # on this 2-core machine, and polling with back-off would blur the times.
    timer = threading.Timer(limit, lambda: p.send_signal(signal.SIGKILL))
    timer.start()
    p.wait()
    timer.cancel()
    elapsed = time.perf_counter() - t
    if elapsed > limit:
        return None, None
    rss = float("nan")
    if GNU_TIME:
        r = subprocess.run([GNU_TIME, "-f", "%M", *cmd], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        try:
            rss = int(r.stderr.strip().splitlines()[-1]) / 1024
        except (ValueError, IndexError):
            pass
    return elapsed, rss


def install_python_peers():
    """Installs the Python peers from PyPI when they are missing (into the user's site
    packages); a peer that cannot be installed is then reported as not installed."""
    for module, package in [("redlines", "redlines"), ("diff_match_patch", "diff-match-patch")]:
        if subprocess.run([py, "-c", f"import {module}"], capture_output=True).returncode != 0:
            subprocess.run([py, "-m", "pip", "install", "--quiet", package],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def tools(a, b):
    out = [("treaty diff --format json", [treaty, "diff", "--format", "json", a, b])]
    out.append(("git diff --no-index --word-diff", ["git", "diff", "--no-index", "--word-diff", a, b]))
    for name, cmd in [("wdiff", ["wdiff", a, b]), ("difft", ["difft", "--color", "never", a, b])]:
        out.append((name, cmd if shutil.which(cmd[0]) else None))
    for name, script, module in [
        ("redlines (Python)", "redlines_diff.py", "redlines"),
        ("diff-match-patch (Python, words)", "dmp_words.py", "diff_match_patch"),
        ("difflib on words (Python)", "difflib_words.py", "difflib"),
    ]:
        ok = subprocess.run([py, "-c", f"import {module}"], capture_output=True).returncode == 0
        out.append((name, [py, os.path.join(peers_dir, script), a, b] if ok else None))
    return out


def bench(label, a, b):
    size = os.path.getsize(a) + os.path.getsize(b)
    ts = tools(a, b)
    times = {n: [] for n, _ in ts}
    mems = {n: [] for n, _ in ts}
    dead, slow = set(), set()
    for _ in range(runs):
        for name, cmd in ts:
            if cmd is None or name in dead or name in slow:
                continue
            t, m = run(cmd)
            if t is None:
                dead.add(name)
            else:
                times[name].append(t)
                mems[name].append(m)
                if t > 5:
                    slow.add(name)  # one run is enough to place a tool that slow
    base = statistics.median(times[ts[0][0]])
    print(f"\n**{label}** ({size:,} bytes in both files)\n")
    print("| tool | median time | peak RSS | time ÷ treaty |")
    print("| --- | ---: | ---: | ---: |")
    for name, cmd in ts:
        if cmd is None:
            print(f"| {name} | not installed | | |")
        elif name in dead:
            print(f"| {name} | > {limit:.0f} s (stopped) | | |")
        else:
            t = statistics.median(times[name])
            note = " (1 run)" if len(times[name]) == 1 else ""
            print(f"| {name} | {t*1000:.1f} ms{note} | {statistics.median(mems[name]):.0f} MiB | {t/base:.2f} |")


install_python_peers()
_, x, y, px, py_ = pairs_by_size()[0]
print(f"machine: {os.cpu_count()} cores; {runs} runs per tool, interleaved; limit {limit:.0f} s")
bench("fixture pair (security-draft v1 → v2)",
      os.path.join(root, "fixtures", "security-draft.v1.txt"),
      os.path.join(root, "fixtures", "security-draft.v2.txt"))
bench(f"largest real pair ({x} → {y})", px, py_)
with tempfile.TemporaryDirectory() as tmp:
    a10, b10 = os.path.join(tmp, "old10.txt"), os.path.join(tmp, "new10.txt")
    for src, dst in ((px, a10), (py_, b10)):
        with open(src) as f:
            t = f.read()
        with open(dst, "w") as f:
            f.write(t * 10)
    bench(f"10× concatenation of {x} → {y}", a10, b10)

# Parse throughput against wc -w (the practical floor: one pass that only finds words).
texts = sorted(os.path.join(corpus, "texts", n) for n in os.listdir(os.path.join(corpus, "texts")))
total = sum(os.path.getsize(t) for t in texts)
with tempfile.TemporaryDirectory() as tmp:
    allf = os.path.join(tmp, "corpus.txt")
    with open(allf, "w") as out:
        for t in texts:
            with open(t) as f:
                out.write(f.read())
    def wall(cmd):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t
    wc = statistics.median(wall(["wc", "-w", allf]) for _ in range(runs))
    outline = statistics.median(wall([treaty, "outline", "--max-bytes", str(total * 2), allf]) for _ in range(runs))
print(f"\n**Parse throughput over the whole corpus** ({len(texts)} files, {total:,} bytes, concatenated)\n")
print("| command | median time | throughput |")
print("| --- | ---: | ---: |")
print(f"| wc -w | {wc*1000:.0f} ms | {total/wc/1e6:.0f} MB/s |")
print(f"| treaty outline (read, decode, parse, outline) | {outline*1000:.0f} ms | {total/outline/1e6:.0f} MB/s |")
