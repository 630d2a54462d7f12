#!/usr/bin/env python3
"""tracegen: seeded synthetic call traces in the ctrace format (traces/FORMAT.md).

Patterns (the first argument):
  uniform  every call picks one of --ids distinct functions with equal probability
  zipf     function of popularity rank k (1..ids) with probability ~ 1/k^skew
  phases   --phases phases; each has its own random hot set of --hot functions,
           a call goes to the hot set with probability --hot-frac, else to any function
  loop     a fixed random order of all --ids functions, repeated (a cyclic sweep)

Function number i (0..ids-1) becomes the ID
  dense:  id-base + i
  spread: a fixed bijection of i over the --id-bits wide ID space (IDs look random)

--count is the number of call events, at most 10000000 (the trace is built in
memory, about 100 bytes per event); patches, invalidations, flushes and gaps
are extra events mixed in with the given per-call probabilities. zipf and loop
keep a table of all --ids functions, phases one of --hot: those are at most
10000000 too; --skew is at most 20 (larger ones overflow the weights). Same arguments
and seed give byte-identical output. Output: text (.ct), binary (.ctb, or
--format binary), gzip when the name ends in .gz; written via a temporary file and
a rename (a FIFO or a device in place: ctrace.atomic_write).
"""
import argparse
import bisect
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctrace  # noqa: E402


# Upper bounds (docs/traces.md): tracegen builds the whole trace in memory (about
# 100 bytes per event in the list before encoding), and zipf/loop/phases keep
# tables of ids/hot entries.
MAX_COUNT = 10_000_000
MAX_TABLE = 10_000_000
MAX_SKEW = 20.0


def spread_id(i, bits):
    """A bijection of 0..2^bits-1 onto itself that scatters consecutive numbers."""
    mask = (1 << bits) - 1
    if bits == 0:
        return 0
    sh = max(1, bits // 2)
    x = i & mask
    x = (x * 0x9E3779B1) & mask
    x ^= x >> sh
    x = (x * 0x85EBCA77) & mask
    x ^= x >> sh
    x = (x * 0xC2B2AE3D) & mask
    x ^= x >> sh
    return x


def id_mapper(args):
    if args.id_map == "dense":
        base = args.id_base
        return lambda i: base + i
    bits = args.id_bits
    return lambda i: spread_id(i, bits)


# Only Random.random() is used: Python guarantees its sequence for a given seed
# across versions (shuffle/sample/randrange carry no such promise).
def below(rng, n):
    return int(rng.random() * n)


def shuffled(rng, items):
    items = list(items)
    for i in range(len(items) - 1, 0, -1):  # Fisher-Yates
        j = below(rng, i + 1)
        items[i], items[j] = items[j], items[i]
    return items


def sample(rng, n, k):
    """k distinct numbers of 0..n-1 (a partial Fisher-Yates on a lazy array)."""
    swapped = {}
    out = []
    for i in range(k):
        j = i + below(rng, n - i)
        out.append(swapped.get(j, j))
        swapped[j] = swapped.get(i, i)
    return out


def gen_indices(args, rng):
    """Yields args.count function numbers in 0..ids-1."""
    n = args.ids
    count = args.count
    if args.pattern == "uniform":
        for _ in range(count):
            yield int(rng.random() * n)
    elif args.pattern == "zipf":
        cum = []
        tot = 0.0
        for k in range(1, n + 1):
            tot += 1.0 / (k ** args.skew)
            cum.append(tot)
        for _ in range(count):
            r = rng.random() * tot
            yield min(bisect.bisect_right(cum, r), n - 1)
    elif args.pattern == "phases":
        per = count // args.phases
        rest = count - per * args.phases
        for p in range(args.phases):
            hot = sample(rng, n, args.hot)
            length = per + (1 if p < rest else 0)
            for _ in range(length):
                if rng.random() < args.hot_frac:
                    yield hot[int(rng.random() * args.hot)]
                else:
                    yield int(rng.random() * n)
    elif args.pattern == "loop":
        order = shuffled(rng, range(n))
        for j in range(count):
            yield order[j % n]
    else:
        raise AssertionError(args.pattern)


def gen_events(args):
    rng = random.Random(args.seed)
    mix = random.Random(args.seed ^ 0x5EED5EED)  # extras do not perturb the call sequence
    idmap = id_mapper(args)
    extras = args.patch_rate > 0 or args.inv_rate > 0 or args.flush_rate > 0 or args.gap_rate > 0
    for i in gen_indices(args, rng):
        yield (ctrace.CALL, idmap(i), 0)
        if not extras:
            continue
        if args.gap_rate > 0 and mix.random() < args.gap_rate:
            yield (ctrace.GAP, 1 + int(mix.random() * args.gap_max), 0)
        if args.patch_rate > 0 and mix.random() < args.patch_rate:
            tgt = args.patch_base + 4 * int(mix.random() * (1 << 16))
            yield (ctrace.PATCH, idmap(int(mix.random() * args.ids)), tgt)
        if args.inv_rate > 0 and mix.random() < args.inv_rate:
            yield (ctrace.INV, idmap(int(mix.random() * args.ids)), 0)
        if args.flush_rate > 0 and mix.random() < args.flush_rate:
            yield (ctrace.FLUSH, 0, 0)


def positive_int(s):
    v = ctrace.parse_number(s)   # the number rule (scripts/xlatcfg.py)
    if v is None:
        raise argparse.ArgumentTypeError(f"'{s}' is not an integer (decimal, or 0x hex)")
    if v < 1:
        raise argparse.ArgumentTypeError(f"'{s}' must be at least 1")
    return v


def nonneg_int(s):
    v = ctrace.parse_number(s)   # the number rule (scripts/xlatcfg.py)
    if v is None:
        raise argparse.ArgumentTypeError(f"'{s}' is not an integer (decimal, or 0x hex)")
    if v < 0:
        raise argparse.ArgumentTypeError(f"'{s}' must not be negative")
    return v


def probability(s):
    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{s}' is not a number") from None
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"'{s}' is not a probability in [0, 1]")
    return v


def build_parser():
    p = ctrace.OneLineParser(
        prog="tracegen.py", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("pattern", choices=["uniform", "zipf", "phases", "loop"],
                   help="access pattern (see above)")
    p.add_argument("-o", "--output", required=True,
                   help="output trace file (.ct text, .ctb binary, + .gz for gzip)")
    p.add_argument("--count", type=positive_int, default=100000,
                   help=f"number of call events, 1..{MAX_COUNT} (default 100000)")
    p.add_argument("--ids", type=positive_int, default=1024,
                   help="number of distinct function IDs (default 1024)")
    p.add_argument("--seed", type=nonneg_int, default=1, help="random seed (default 1)")
    p.add_argument("--id-map", choices=["dense", "spread"], default="dense",
                   help="dense: id-base+i; spread: scattered over --id-bits bits (default dense)")
    p.add_argument("--id-base", type=nonneg_int, default=0,
                   help="first ID of the dense mapping (default 0)")
    p.add_argument("--id-bits", type=positive_int, default=32,
                   help="width of the ID space for --id-map spread, 1..32 (default 32)")
    p.add_argument("--skew", type=float, default=1.0,
                   help=f"zipf: exponent s of P(rank k) ~ 1/k^s, 0..{MAX_SKEW:g} (default 1.0)")
    p.add_argument("--phases", type=positive_int, default=8,
                   help="phases: number of phases (default 8)")
    p.add_argument("--hot", type=positive_int, default=32,
                   help="phases: hot-set size per phase (default 32)")
    p.add_argument("--hot-frac", type=probability, default=0.9,
                   help="phases: probability a call goes to the hot set (default 0.9)")
    p.add_argument("--patch-rate", type=probability, default=0.0,
                   help="probability of a patch event after each call (default 0)")
    p.add_argument("--patch-base", type=nonneg_int, default=0x90000000,
                   help="patch targets are patch-base + 4*k, k < 65536 (default 0x90000000)")
    p.add_argument("--inv-rate", type=probability, default=0.0,
                   help="probability of an invalidation after each call (default 0)")
    p.add_argument("--flush-rate", type=probability, default=0.0,
                   help="probability of a flush after each call (default 0)")
    p.add_argument("--gap-rate", type=probability, default=0.0,
                   help="probability of a gap event after each call (default 0)")
    p.add_argument("--gap-max", type=positive_int, default=100,
                   help="gaps are uniform in 1..gap-max cycles, gap-max at most "
                   "0xFFFFFFFF (default 100)")
    p.add_argument("--format", choices=["text", "binary"], default=None,
                   help="output form (default: binary if the name contains .ctb, else text)")
    return p


def check_args(p, args):
    if args.count > MAX_COUNT:
        p.error(f"argument --count: at most {MAX_COUNT} calls (got {args.count}; the trace "
                "is built in memory)")
    if args.pattern in ("zipf", "loop") and args.ids > MAX_TABLE:
        p.error(f"argument --ids: {args.pattern} keeps a table of every function: at most "
                f"{MAX_TABLE} (got {args.ids})")
    if args.pattern == "phases" and args.hot > MAX_TABLE:
        p.error(f"argument --hot: at most {MAX_TABLE} (got {args.hot})")
    if args.gap_max > ctrace.U32:
        p.error("argument --gap-max: at most 0xFFFFFFFF (a gap is a 32-bit number)")
    if args.id_bits > 32:
        p.error("argument --id-bits: at most 32")
    if args.id_map == "dense" and args.id_base + args.ids - 1 > ctrace.U32:
        p.error("argument --id-base: id-base + ids - 1 exceeds 0xFFFFFFFF")
    if args.id_map == "spread" and args.ids > (1 << args.id_bits):
        p.error(f"argument --ids: {args.ids} IDs do not fit in {args.id_bits} bits")
    if not 0 <= args.skew <= MAX_SKEW:  # also refuses nan
        p.error(f"argument --skew: must be a number in 0..{MAX_SKEW:g} (got {args.skew})")
    if args.pattern == "phases" and args.hot > args.ids:
        p.error("argument --hot: hot set larger than --ids")
    if args.pattern == "phases" and args.phases > args.count:
        p.error("argument --phases: more phases than calls")
    if args.patch_base & 3 or args.patch_base + 4 * 0xFFFF > ctrace.U32:
        p.error("argument --patch-base: must be a multiple of 4 and leave room for 65536 targets")


class _Refused(Exception):
    pass


def refusal(argv):
    """None if tracegen.py accepts the arguments argv (without -o), else its
    one-line error message (for scripts/sweep.py's check of `gen:` traces)."""
    p = build_parser()

    def error(message):
        raise _Refused(message)
    p.error = error
    try:
        check_args(p, p.parse_args(list(argv) + ["-o", "unused"]))
    except _Refused as e:
        return str(e)
    return None


def main(argv=None):
    p = build_parser()
    args = p.parse_args(argv)
    check_args(p, args)
    try:
        ctrace.output_dir_ok(args.output)
        params = " ".join(f"{k}={v}" for k, v in sorted(vars(args).items())
                          if k not in ("output", "format", "pattern"))
        ctrace.write_trace(args.output, gen_events(args), fmt=args.format,
                           comments=[f"tracegen.py {args.pattern} {params}"])
    except (ctrace.TraceError, OSError) as e:
        print(f"tracegen.py: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(ctrace.run_main("tracegen.py", main))
