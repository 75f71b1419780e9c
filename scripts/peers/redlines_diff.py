#!/usr/bin/env python3
"""Peer for the benchmarks: the `redlines` package (legal redlining), Markdown output.
Usage: redlines_diff.py OLD NEW"""
import sys
from redlines import Redlines

a = open(sys.argv[1], encoding="utf-8").read()
b = open(sys.argv[2], encoding="utf-8").read()
sys.stdout.write(Redlines(a, b, markdown_style="none").output_markdown)
