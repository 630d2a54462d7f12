#!/usr/bin/env python3
"""uftrace2ct: turns a uftrace recording of a real program into a call trace.

Input: a uftrace data folder (made by `uftrace record`; this tool runs
`uftrace dump -d DIR` on it) or a file holding the text output of `uftrace dump`.
Every function entry ("[entry]" record) becomes one call event; exits and other
records are ignored. Entries of all tasks are ordered by time stamp (stable).

Function names become IDs:
  first  (default) in order of first appearance: the first function called gets
         --id-base, the next new one --id-base + 1, ...
  hash   the 32-bit FNV-1a hash of the name, masked to --id-bits bits; two names
         with the same ID are an error (use more bits or 'first')
The name -> ID map is written next to the trace (--map-out; default: the output
name with its .ct/.ctb/.gz suffixes replaced by .map), one "0xID name" per line,
sorted by ID. Both files are written via temporary files and renames (a FIFO or a
device in place: ctrace.atomic_write).

With --cycles-per-us F the time between consecutive entries becomes a gap event
of round(microseconds * F) cycles (the recording's time stamps include uftrace's
own overhead, so this is only a rough idle-time model). Default: no gaps.
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctrace  # noqa: E402
import idmap  # noqa: E402
import xlatcfg  # noqa: E402

RECORD = re.compile(r"^\s*(\d+)\.(\d{1,9})\s+(\d+):\s+\[(entry|[a-z]+ *)\]\s*(.*)$")
ENTRY = re.compile(r"^(.+)\(([0-9a-fA-F]+)\)\s+depth:\s*(\d+)\s*$")
SKIP = re.compile(r"^(uftrace file header:.*|reading \S+\.dat|\s*)$")


def fnv1a32(name):
    h = 0x811C9DC5
    for b in name.encode("utf-8", "surrogateescape"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def parse_dump(lines, src):
    """Returns [(time_ns, seq, name)] of the function entries in uftrace dump text."""
    entries = []
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if SKIP.match(line):
            continue
        m = RECORD.match(line)
        if not m:
            raise ctrace.TraceError(f"{src}:{n}: not a line of `uftrace dump` output: '{line[:60]}'")
        if m.group(4) != "entry":
            continue
        e = ENTRY.match(m.group(5))
        if not e:
            raise ctrace.TraceError(f"{src}:{n}: malformed entry record: '{line[:60]}'")
        t = int(m.group(1)) * 1_000_000_000 + int(m.group(2).ljust(9, "0"))
        entries.append((t, len(entries), e.group(1)))
    if not entries:
        raise ctrace.TraceError(f"{src}: no function entries found")
    entries.sort()
    return entries


def read_input(path, uftrace):
    if os.path.isdir(path):
        try:
            p = subprocess.run([uftrace, "dump", "-d", path], capture_output=True,
                               text=True, errors="surrogateescape", timeout=600)
        except FileNotFoundError:
            raise ctrace.TraceError(f"{uftrace}: not found (install the Debian package uftrace)") from None
        except subprocess.TimeoutExpired:
            raise ctrace.TraceError(f"{path}: `uftrace dump` took longer than 600 s") from None
        if p.returncode != 0:
            msg = (p.stderr.strip().splitlines() or ["failed"])[-1]
            raise ctrace.TraceError(f"{path}: uftrace dump failed: {msg}")
        return parse_dump(p.stdout.splitlines(), path)
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            return parse_dump(f, path)
    except OSError as e:
        raise ctrace.TraceError(f"{path}: cannot read: {e.strerror}") from None


def assign_ids(entries, mode, base, bits):
    ids = {}
    if mode == "first":
        for _, _, name in entries:
            if name not in ids:
                if base + len(ids) > ctrace.U32:
                    raise ctrace.TraceError("too many functions for --id-base")
                ids[name] = base + len(ids)
        return ids
    mask = (1 << bits) - 1
    owner = {}
    for _, _, name in entries:
        if name in ids:
            continue
        i = fnv1a32(name) & mask
        if i in owner:
            raise ctrace.TraceError(
                f"hash collision: '{owner[i]}' and '{name}' both map to {i:#x} "
                f"with --id-bits {bits} (use more bits or --map first)")
        owner[i] = name
        ids[name] = i
    return ids


def default_map_path(out):
    return idmap.default_path(out)


def build_parser():
    p = ctrace.OneLineParser(
        prog="uftrace2ct.py", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", help="uftrace data folder, or a file with `uftrace dump` output")
    p.add_argument("-o", "--output", required=True,
                   help="output trace (.ct text, .ctb binary, + .gz for gzip)")
    p.add_argument("--map", choices=["first", "hash"], default="first",
                   help="name -> ID mapping (default first)")
    p.add_argument("--id-base", type=xlatcfg.int_arg(0), default=0,
                   help="first ID of --map first (default 0)")
    p.add_argument("--id-bits", type=xlatcfg.int_arg(0), default=32,
                   help="ID width for --map hash, 1..32 (default 32)")
    p.add_argument("--map-out", help="name -> ID map file (default: OUTPUT with .map)")
    p.add_argument("--cycles-per-us", type=float, default=0.0,
                   help="turn time between entries into gaps at this clock (default 0: no gaps)")
    p.add_argument("--uftrace", default="uftrace", help="uftrace program (default uftrace)")
    p.add_argument("--format", choices=["text", "binary"], default=None,
                   help="output form (default: binary if the name contains .ctb, else text)")
    return p


def main(argv=None):
    p = build_parser()
    args = p.parse_args(argv)
    if not 1 <= args.id_bits <= 32:
        p.error("argument --id-bits: must be 1..32")
    if not 0 <= args.id_base <= ctrace.U32:
        p.error("argument --id-base: must be 0..0xFFFFFFFF")
    if args.cycles_per_us < 0 or args.cycles_per_us != args.cycles_per_us:
        p.error("argument --cycles-per-us: must be >= 0")
    map_out = args.map_out or default_map_path(args.output)
    try:
        ctrace.output_dir_ok(args.output)
        ctrace.output_dir_ok(map_out)
        entries = read_input(args.input, args.uftrace)
        ids = assign_ids(entries, args.map, args.id_base, args.id_bits)
        events = []
        prev = None
        for t, _, name in entries:
            if args.cycles_per_us > 0 and prev is not None:
                g = round((t - prev) / 1000.0 * args.cycles_per_us)
                while g > 0:
                    events.append((ctrace.GAP, min(g, ctrace.U32), 0))
                    g -= min(g, ctrace.U32)
            prev = t
            events.append((ctrace.CALL, ids[name], 0))
        src = os.path.basename(os.path.normpath(args.input))
        comments = [f"uftrace2ct.py from {src}: {len(entries)} calls, {len(ids)} functions, "
                    f"map {args.map}"]
        data = ctrace.encode(events, args.format or
                             ("binary" if ".ctb" in os.path.basename(args.output) else "text"),
                             args.output.endswith(".gz"), comments)
        idmap.write(map_out, ids,
                    f"name -> ID map of {os.path.basename(args.output)} (uftrace2ct.py --map {args.map})")
        ctrace.atomic_write(args.output, data)
    except (ctrace.TraceError, idmap.MapError, OSError) as e:
        print(f"uftrace2ct.py: error: {e}", file=sys.stderr)
        return 2
    print(f"uftrace2ct.py: {args.output}: {len(entries)} calls of {len(ids)} functions; map in {map_out}")
    return 0


if __name__ == "__main__":
    sys.exit(ctrace.run_main("uftrace2ct.py", main))
