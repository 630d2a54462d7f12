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
A dump of several harts (ctsim --harts N --wave) has the scopes ctlbK, dumpK
and hartK of each hart K > 0 beside hart 0's ctlb, dump and hart0: the save
file then has the template's groups once per hart (titled "(hart K)"), and
--hart K picks the walk among hart K's.
    wavesave.py build/wave/harts.vcd --hart 1 -o harts.gtkw
"""
import argparse
import math
import os
import re
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


def accel_scope(hart):
    """The accelerator's scope of a hart in a dump (docs/waves.md)."""
    return "ctlb" if hart == 0 else f"ctlb{hart}"


def scan(path, hart=0):
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
            if scope == [accel_scope(hart)] and p[4] in want:
                codes[p[3]] = p[4]
        elif p[0] == "$enddefinitions":
            header_ok = True
            break
    if not header_ok:
        raise DumpError(f"{path}: not a VCD or FST waveform (no $enddefinitions)")
    if set(codes.values()) != want:
        raise DumpError(f"{path}: no accelerator ports in the dump (scope {accel_scope(hart)})")
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


def other_harts(names):
    """The harts K > 0 whose accelerator scope (ctlbK) the dump has."""
    return sorted({int(m.group(1)) for n in names
                   if (m := re.match(r"ctlb([1-9][0-9]*)\.", n))})


def hart_copy(lines, k):
    """The template's signal groups (its lines after the settings) for hart K:
    the scopes renamed, the groups and aliases marked with the hart."""
    start = next(i for i, ln in enumerate(lines) if ln.startswith("@"))
    end = next(i for i, ln in enumerate(lines) if i > start and ln.startswith("[pattern"))
    out = ["@200", f"-Hart {k}"]
    for line in lines[start:end]:
        if line.startswith("-"):
            line = (line.replace("(hart0)", f"(hart{k})") if "(hart0)" in line
                    else f"{line} (hart {k})")
        elif signal_of(line) is not None:
            line = re.sub(r"^(\+\{[^}]*)\}", rf"\1, hart {k}}}", line)
            line = re.sub(r"(^|[ }])(ctlb|dump|hart0)\.",
                          lambda m: f"{m.group(1)}{'hart' if m.group(2) == 'hart0' else m.group(2)}"
                                    f"{k}.", line)
        out.append(line)
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
    p.add_argument("--hart", type=int, default=0, metavar="K",
                   help="a dump of several harts: the walk among hart K's (default 0)")
    p.add_argument("--template", default=TEMPLATE, help="the save file to fit (rtl/ctlb.gtkw)")
    a = p.parse_args(argv)
    if a.walk < 1:
        p.error(f"--walk: {a.walk} is not a positive number")
    if a.hart < 0:
        p.error(f"--hart: {a.hart} is not a hart number")
    try:
        names, walks, end = scan(a.dump, a.hart)
        tmpl = template_lines(a.template)
        body = save_file(tmpl, names, a.dump)
        tail = next(i for i, ln in enumerate(body) if ln.startswith("[pattern"))
        for k in other_harts(names):
            body[tail:tail] = save_file(hart_copy(tmpl, k), names, a.dump)
            tail = next(i for i, ln in enumerate(body) if ln.startswith("[pattern"))
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
    of = f" of hart {a.hart}" if a.hart else ""
    text = [f"[*] {os.path.basename(a.dump)}: table walk {n}{of}, ID 0x{ident:x}, request in "
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
    print(f"wavesave.py: {a.output}: walk {n}{of} of {a.dump}, ID 0x{ident:x}, "
          f"request in cycle {req}, answer in cycle {ans}")
    return 0


if __name__ == "__main__":
    sys.exit(ctrace.run_main("wavesave.py", main))
