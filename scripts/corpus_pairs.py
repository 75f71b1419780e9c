"""Shared by the benchmark scripts: the pairs of ../shared/corpus/tota/pairs.tsv, largest
first, as (combined bytes, old id, new id, old path, new path)."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "tota")
TREATY = os.path.join(ROOT, "target", "release", "treaty")


def pairs_by_size():
    out = []
    with open(os.path.join(CORPUS, "pairs.tsv")) as f:
        next(f)
        for line in f:
            a, b = line.rstrip("\n").split("\t")[:2]
            pa, pb = (os.path.join(CORPUS, "texts", x + ".txt") for x in (a, b))
            out.append((os.path.getsize(pa) + os.path.getsize(pb), a, b, pa, pb))
    out.sort(reverse=True)
    return out
