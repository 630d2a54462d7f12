#!/usr/bin/env python3
"""wavesave: a GTKWave save file that opens a waveform of the verilated
accelerator (ctsim or cttrace --wave, docs/waves.md) on one table walk.

It reads the dump (VCD; an FST through GTKWave's fst2vcd), finds the walks
(a request accepted without an answer in its cycle, up to the answer), and
writes the save file rtl/ctlb.gtkw with the window set to the chosen walk: from
2 cycles before its request to 5 cycles after its answer, the marker on the
answer. Every signal the save file names must be in the dump (else an error
naming it); only a group of the CPU scope (hart0) is left out of a dump that
has no CPU (cttrace's).

    wavesave.py build/wave/walks.vcd -o build/wave/walks.gtkw
    wavesave.py build/wave/walks.vcd --after 400000 -o late.gtkw
    wavesave.py build/wave/walks.vcd --walk 4 -o fourth.gtkw

Prints one line: the walk chosen (number, ID, request and answer cycles).
"""
import argparse
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctrace  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE = os.path.join(ROOT, "rtl", "ctlb.gtkw")
PS_PER_CYCLE = 1000          # model/xlat.h XLAT_TRACE_PS_PER_CYCLE
BEFORE, AFTER = 2, 5         # cycles shown before the request, after the answer
# GTKWave 3.3 shows 2^-zoom * ZOOM_UNITS time units across the wave pane of the
# save file's layout ([size] 1600 x 1000, [sst_width] 40, [signals_width] 400),
# measured with its Tcl getWindowStartTime/getWindowEndTime (tests/test_wave.py
# checks the window a generated file opens on the same way).
ZOOM_UNITS = 5.68


class DumpError(Exception):
    pass


def vcd_lines(path):
    """The dump as VCD text lines (an FST file through fst2vcd)."""
    try:
        with open(path, "rb") as f:
            head = f.read(1)
    except OSError as e:
        raise DumpError(f"{path}: cannot read the dump: {e.strerror}")
    if head == b"\0":  # an FST file starts with its header block (type 0)
        try:
            p = subprocess.run(["fst2vcd", "-f", path], capture_output=True, text=True)
        except OSError as e:
            raise DumpError(f"{path}: cannot run fst2vcd (GTKWave's tools): {e.strerror}")
        if p.returncode != 0 or "$enddefinitions" not in p.stdout:
            raise DumpError(f"{path}: fst2vcd cannot read it as FST")
        return iter(p.stdout.splitlines())
    return _text_lines(path)


def _text_lines(path):
    with open(path, "r", errors="replace") as f:
        yield from f


def scan(path):
    """(names, walks, end): the full signal names of the dump as GTKWave
    spells them ("ctlb.ctlb_top.req_id_i[31:0]"), its walks as
    [(request cycle, ID, answer cycle)] and its last time. Reads the values of
    the accelerator's top-level ports only, at the samples before each edge
    (time c * 1000)."""
    names, scope, codes = set(), [], {}
    want = {"req_valid_i", "req_ready_o", "req_id_i", "rsp_valid_o"}
    it = vcd_lines(path)
    header_ok = False
    for line in it:
        p = line.split()
        if not p:
            continue
        if p[0] == "$scope" and len(p) >= 3:
            scope.append(p[2])
        elif p[0] == "$upscope":
            if scope:
                scope.pop()
        elif p[0] == "$var" and len(p) >= 5:
            rng = p[5] if len(p) > 6 and p[5].startswith("[") else ""
            names.add(".".join(scope + [p[4]]) + rng)
            if scope == ["ctlb"] and p[4] in want:
                codes[p[3]] = p[4]
        elif p[0] == "$enddefinitions":
            header_ok = True
            break
    if not header_ok:
        raise DumpError(f"{path}: not a VCD or FST waveform (no $enddefinitions)")
    if set(codes.values()) != want:
        raise DumpError(f"{path}: no accelerator ports in the dump (scope ctlb)")
    val = {n: "0" for n in want}
    walks, pending, t = [], None, None

    def sample(t):
        nonlocal pending
        if t is None or t % PS_PER_CYCLE:
            return
        c = t // PS_PER_CYCLE
        if pending and val["rsp_valid_o"] == "1":
            walks.append((pending[0], pending[1], c))
            pending = None
        elif (not pending and val["req_valid_i"] == "1" and val["req_ready_o"] == "1"
              and val["rsp_valid_o"] != "1"):
            pending = (c, int(val["req_id_i"], 2) if set(val["req_id_i"]) <= {"0", "1"} else 0)

    for line in it:
        s = line.strip()
        if not s:
            continue
        if s[0] == "#":
            sample(t)
            try:
                t = int(s[1:])
            except ValueError:
                raise DumpError(f"{path}: bad time stamp '{s}'")
        elif s[0] in "bB":
            v, _, code = s[1:].partition(" ")
            if code in codes:
                val[codes[code]] = v
        elif s[0] in "01xXzZ" and s[1:] in codes:
            val[codes[s[1:]]] = s[0]
    sample(t)
    return names, walks, t or 0


def template_lines(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except OSError as e:
        raise DumpError(f"{path}: cannot read the save file: {e.strerror}")


def signal_of(line):
    """The signal a save-file line names, or None (flags, comments, settings)."""
    if not line or line[0] in "[@-*#":
        return None
    if line.startswith("+{"):
        return line[line.index("}") + 1:].strip()
    return line.strip()


def save_file(lines, names, dump):
    """The template's lines fitted to the dump. A section (from one comment
    line "-..." to the next) whose signals all belong to a scope the dump
    lacks is left out (the CPU scope in a dump without a CPU); a missing
    signal of a scope the dump has is an error."""
    scopes = {n.split(".")[0] for n in names}
    out, section = [], None
    had = kept = 0

    def flush():
        if section is not None and (had == 0 or kept > 0):
            out.extend(section)

    for line in lines:
        if line.startswith("-"):
            flush()
            section, had, kept = [line], 0, 0
            continue
        sig = signal_of(line)
        if sig is not None:
            if sig not in names:
                if sig.split(".")[0] in scopes:
                    raise DumpError(f"{dump}: has no signal {sig} (named by the save file)")
                had += 1
                continue
            had, kept = had + 1, kept + 1
        (section if section is not None else out).append(line)
    flush()
    return out


def cycle_number(s):
    """A cycle: decimal or 0x hex, as every tool takes numbers."""
    v = ctrace.parse_number(s)
    if v is None:
        raise argparse.ArgumentTypeError(f"'{s}' is not a cycle number")
    return v


def main(argv=None):
    p = ctrace.OneLineParser(
        prog="wavesave.py",
        description="Writes a GTKWave save file (rtl/ctlb.gtkw's signals) that opens "
                    "a --wave dump on one table walk (docs/waves.md).")
    p.add_argument("dump", help="the waveform (.vcd, or .fst read through fst2vcd)")
    p.add_argument("-o", "--output", required=True, help="the save file to write")
    p.add_argument("--after", type=cycle_number, default=0, metavar="CYCLE",
                   help="the first walk whose request is at this cycle or later (default 0)")
    p.add_argument("--walk", type=int, default=1, metavar="N",
                   help="the Nth such walk (default 1)")
    p.add_argument("--template", default=TEMPLATE, help="the save file to fit (rtl/ctlb.gtkw)")
    a = p.parse_args(argv)
    if a.walk < 1:
        p.error(f"--walk: {a.walk} is not a positive number")
    try:
        names, walks, end = scan(a.dump)
        body = save_file(template_lines(a.template), names, a.dump)
    except DumpError as e:
        print(f"wavesave.py: error: {e}", file=sys.stderr)
        return 2
    later = [w for w in walks if w[0] >= a.after]
    if len(later) < a.walk:
        where = f" from cycle {a.after} on" if a.after else ""
        print(f"wavesave.py: error: {a.dump}: {len(later)} table walk"
              f"{'' if len(later) == 1 else 's'}{where}, no walk {a.walk}", file=sys.stderr)
        return 2
    req, ident, ans = later[a.walk - 1]
    # (GTKWave opens at the dump's start instead of a window past its end)
    t0 = max(0, req - BEFORE) * PS_PER_CYCLE
    t1 = max(min((ans + AFTER) * PS_PER_CYCLE, end), ans * PS_PER_CYCLE + 1)
    zoom = math.log2(ZOOM_UNITS / (t1 - t0))
    marker = ans * PS_PER_CYCLE
    n = walks.index(later[a.walk - 1]) + 1
    text = [f"[*] {os.path.basename(a.dump)}: table walk {n}, ID 0x{ident:x}, request in "
            f"cycle {req}, answer in cycle {ans} (written by scripts/wavesave.py)"]
    for line in body:
        if line.startswith("[timestart]"):
            line = f"[timestart] {t0}"
        text.append(line)
        if line.startswith("[pos]"):
            text.append(f"*{zoom:.6f} {marker}" + " -1" * 26)
    try:
        ctrace.atomic_write(a.output, ("\n".join(text) + "\n").encode())
    except OSError as e:
        print(f"wavesave.py: error: {e}", file=sys.stderr)
        return 2
    print(f"wavesave.py: {a.output}: walk {n} of {a.dump}, ID 0x{ident:x}, "
          f"request in cycle {req}, answer in cycle {ans}")
    return 0


if __name__ == "__main__":
    sys.exit(ctrace.run_main("wavesave.py", main))
