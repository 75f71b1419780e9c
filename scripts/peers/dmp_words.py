#!/usr/bin/env python3
"""Peer for the benchmarks: Google's diff-match-patch (Python package), in word mode (words
mapped to characters, the library's documented line-mode trick applied to words), without
its default 1 s time limit. Usage: dmp_words.py OLD NEW"""
import re, sys
from diff_match_patch import diff_match_patch

a = open(sys.argv[1], encoding="utf-8").read()
b = open(sys.argv[2], encoding="utf-8").read()
tokens, index = [""], {}

def encode(text):
    out = []
    for w in re.findall(r"\S+\s*|\s+", text):
        if w not in index:
            index[w] = len(tokens)
            tokens.append(w)
        out.append(chr(index[w]))
    return "".join(out)

d = diff_match_patch()
d.Diff_Timeout = 0
diffs = d.diff_main(encode(a), encode(b), False)
out = []
for op, s in diffs:
    text = "".join(tokens[ord(c)] for c in s)
    out.append(text if op == 0 else ("[-" + text + "-]" if op < 0 else "{+" + text + "+}"))
sys.stdout.write("".join(out))
