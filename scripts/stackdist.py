#!/usr/bin/env python3
"""stackdist: LRU stack distances of a call trace, and the hits of fully
associative LRU caches (CTLBs with entries = ways) of given sizes.

The LRU stack is a list of slots, most recent first; a slot holds an ID or is a
hole. The distance of a call to ID y is the number of slots above y's slot
(holes included), or infinite when y is not on the stack (a cold miss, or y was
invalidated). A cache of E entries hits exactly the calls with distance < E.

  call y   the topmost hole above y's slot (or anywhere, if y is absent) is
           removed and y's old slot becomes a hole; without such a hole y's slot
           is removed. Then y is pushed on top.
  inv y    y's slot becomes a hole (the CTLB entry is dropped, its way is free).
  patch y  the same as inv y (the patch invalidates the ID).
  flush    the stack is emptied.
  gap      no effect.

Holes model the free ways an invalidation leaves: a miss fills a free way before
it evicts anything, so after invalidations the cache of E entries is not "the top
E IDs" but "the IDs in the top E slots". This is exact for a fully associative
LRU cache that fills invalid ways first (docs/traces.md has the argument).

Two algorithms: 'simple' walks an explicit list (O(n * distinct IDs)), 'fast'
uses a Fenwick tree over time stamps and a heap of hole time stamps
(O(n log n)); 'both' runs both and fails if they disagree anywhere.
"""
import argparse
import heapq
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctrace  # noqa: E402

INF = -1  # distance of a cold miss


def distances_simple(events):
    """Yields the stack distance of every call (INF for infinite)."""
    stack = []  # index 0 = most recent; None = hole
    for kind, a, _ in events:
        if kind == ctrace.CALL:
            try:
                p = stack.index(a)
            except ValueError:
                p = None
            try:
                h = stack.index(None)
            except ValueError:
                h = None
            yield INF if p is None else p
            if h is not None and (p is None or h < p):
                del stack[h]
                if p is not None:
                    stack[p - 1] = None
            elif p is not None:
                del stack[p]
            stack.insert(0, a)
        elif kind in (ctrace.INV, ctrace.PATCH):
            try:
                stack[stack.index(a)] = None
            except ValueError:
                pass
        elif kind == ctrace.FLUSH:
            stack = []


class _Fenwick:
    def __init__(self):
        self.n = 1 << 10
        self.t = [0] * (self.n + 1)

    def _grow(self, need):
        old = self.t
        n = self.n
        while n < need:
            n *= 2
        # rebuild: recover point values from the old tree, then rebuild
        vals = [0] * (n + 1)
        for i in range(1, self.n + 1):
            vals[i] = self.prefix(i) - self.prefix(i - 1)
        self.n = n
        self.t = [0] * (n + 1)
        for i in range(1, n + 1):
            if vals[i]:
                self.add(i, vals[i])
        del old

    def add(self, i, v):
        if i > self.n:
            self._grow(i)
        t = self.t
        n = self.n
        while i <= n:
            t[i] += v
            i += i & -i

    def prefix(self, i):
        t = self.t
        s = 0
        while i > 0:
            s += t[i]
            i -= i & -i
        return s


def distances_fast(events):
    """Same results as distances_simple, in O(n log n)."""
    bit = _Fenwick()
    total = 0         # slots on the stack (IDs and holes) since the last flush
    last = {}         # ID -> time stamp of its slot
    holes = []        # max-heap (negated) of hole time stamps
    now = 0
    for kind, a, _ in events:
        if kind == ctrace.CALL:
            now += 1
            ty = last.get(a)
            yield INF if ty is None else total - bit.prefix(ty)
            if holes and (ty is None or -holes[0] > ty):
                h = -heapq.heappop(holes)
                bit.add(h, -1)
                total -= 1
                if ty is not None:
                    heapq.heappush(holes, -ty)  # y's old slot becomes a hole
            elif ty is not None:
                bit.add(ty, -1)
                total -= 1
            bit.add(now, 1)
            total += 1
            last[a] = now
        elif kind in (ctrace.INV, ctrace.PATCH):
            ty = last.pop(a, None)
            if ty is not None:
                heapq.heappush(holes, -ty)
        elif kind == ctrace.FLUSH:
            # the stack is empty again: start over with fresh time stamps
            bit = _Fenwick()
            total = 0
            last = {}
            holes = []
            now = 0


def histogram(dists):
    """Returns (calls, cold, {distance: count})."""
    h = {}
    calls = cold = 0
    for d in dists:
        calls += 1
        if d == INF:
            cold += 1
        else:
            h[d] = h.get(d, 0) + 1
    return calls, cold, h


def hits_for_sizes(h, sizes):
    out = {}
    for e in sizes:
        out[e] = sum(c for d, c in h.items() if d < e)
    return out


def analyse(path, algo="fast"):
    """Returns (calls, cold, histogram) of a trace file; TraceError on bad input."""
    if algo == "simple":
        return histogram(distances_simple(ctrace.read_events(path)))
    if algo == "fast":
        return histogram(distances_fast(ctrace.read_events(path)))
    events = list(ctrace.read_events(path))
    n = 0
    for n, (s, f) in enumerate(zip(distances_simple(events), distances_fast(events))):
        if s != f:
            raise ctrace.TraceError(
                f"{path}: call #{n}: simple distance {s} != fast distance {f}")
    return histogram(distances_fast(events))


def parse_sizes(s):
    sizes = [ctrace.parse_number(x.strip()) for x in s.split(",") if x.strip()]
    if None in sizes:   # the number rule (scripts/xlatcfg.py): decimal or 0x hex
        raise argparse.ArgumentTypeError(f"'{s}' is not a comma-separated list of integers")
    if not sizes or any(v < 1 for v in sizes):
        raise argparse.ArgumentTypeError(f"'{s}': sizes must be integers >= 1")
    return sizes


def build_parser():
    p = ctrace.OneLineParser(
        prog="stackdist.py", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("trace", help="trace file (text, binary, optionally gzip)")
    p.add_argument("--sizes", type=parse_sizes, default=[1 << k for k in range(11)],
                   help="comma-separated cache sizes (entries), default 1,2,4,...,1024")
    p.add_argument("--algo", choices=["fast", "simple", "both"], default="fast",
                   help="algorithm; 'both' cross-checks (default fast)")
    p.add_argument("--json", metavar="FILE",
                   help="also write the results as JSON (atomically; a FIFO or "
                        "device in place)")
    p.add_argument("--histogram", action="store_true",
                   help="also print the distance histogram")
    return p


def main(argv=None):
    p = build_parser()
    args = p.parse_args(argv)
    try:
        if args.json:
            ctrace.output_dir_ok(args.json)
        calls, cold, h = analyse(args.trace, args.algo)
    except ctrace.TraceError as e:
        print(f"stackdist.py: error: {e}", file=sys.stderr)
        return 2
    hits = hits_for_sizes(h, args.sizes)
    maxd = max(h) if h else "-"
    print(f"trace {args.trace}: {calls} calls, largest finite distance {maxd}, "
          f"{cold} infinite (cold or invalidated)")
    print(f"{'entries':>8} {'hits':>12} {'misses':>12} {'hit_rate':>9}")
    for e in args.sizes:
        rate = hits[e] / calls if calls else 0.0
        print(f"{e:>8} {hits[e]:>12} {calls - hits[e]:>12} {rate:>9.4f}")
    if args.histogram:
        print("distance count")
        for d in sorted(h):
            print(f"{d} {h[d]}")
        print(f"inf {cold}")
    if args.json:
        doc = {"trace": args.trace, "calls": calls, "infinite": cold,
               "sizes": [{"entries": e, "hits": hits[e], "misses": calls - hits[e]}
                         for e in args.sizes]}
        try:
            ctrace.atomic_write(args.json, (json.dumps(doc, indent=1) + "\n").encode())
        except OSError as e:
            print(f"stackdist.py: error: {args.json}: {e.strerror}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(ctrace.run_main("stackdist.py", main))
