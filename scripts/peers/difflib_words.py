#!/usr/bin/env python3
"""Peer for the benchmarks: Python's difflib on words (whitespace-split), printing the
changed runs like wdiff. Usage: difflib_words.py OLD NEW"""
import difflib, sys

a = open(sys.argv[1], encoding="utf-8").read().split()
b = open(sys.argv[2], encoding="utf-8").read().split()
out = []
for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
    if tag == "equal":
        out.append(" ".join(a[i1:i2]))
    else:
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
sys.stdout.write(" ".join(out) + "\n")
