#!/usr/bin/env python3
"""How long headless Chromium takes to load and lay out the HTML report of the largest pair
of ../shared/corpus/tota/pairs.tsv.

Usage: cargo build --release && python3 scripts/bench_html.py [RUNS]
The report's inline script records performance.now() after forcing layout on `load`
(attribute data-laid-out-ms on <html>); this prints its median, the report's size, and the
median wall time of the whole headless Chromium process (start-up included).
"""
import os, re, statistics, subprocess, sys, tempfile, time

from corpus_pairs import TREATY as treaty, pairs_by_size

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
size, a, b, pa, pb = pairs_by_size()[0]
with tempfile.TemporaryDirectory() as tmp:
    html = os.path.join(tmp, "report.html")
    subprocess.run([treaty, "diff", "--format", "html", "-o", html, pa, pb])
    laid, wall = [], []
    for k in range(runs):
        t = time.perf_counter()
        dom = subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", f"--user-data-dir={tmp}/profile{k}",
             "--dump-dom", "file://" + html],
            capture_output=True, text=True).stdout
        wall.append(time.perf_counter() - t)
        m = re.search(r'data-laid-out-ms="(\d+)"', dom)
        laid.append(int(m.group(1)) if m else float("nan"))
    print(f"pair {a}/{b} ({size} bytes of input), report {os.path.getsize(html)} bytes")
    print(f"loaded and laid out: median {statistics.median(laid):.0f} ms (runs: {laid})")
    print(f"whole headless Chromium process: median {statistics.median(wall)*1000:.0f} ms")
