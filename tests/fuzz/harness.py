"""Assembles generated programs (tests/fuzz/gen.py) and runs them on build/ctsim
in the four modes --xlat c / --xlat rtl, each with and without --lockstep, under
one CTLB configuration; returns every difference between the modes and every
disagreement with the Python model, as one-line problem descriptions.

As a script, a campaign over many seeds (every seed with a few configurations
drawn by the seed, the geometry drawn by the seed too):

    .venv/bin/python tests/fuzz/harness.py --seeds 1-300 [--configs 3] [--patch]
        [--size N] [--keep DIR] [-j N]

prints one line per failing (seed, configuration), a progress line about every
tenth of the cases (cases done, failing so far) and a total; exit status 1 if
anything failed. -j N runs N cases at once; the lines and their order do not
depend on it (results are printed in case order). --keep writes the sources and
logs of failing cases to DIR.

Several harts (gen.generate_harts; check_harts):

    .venv/bin/python tests/fuzz/harness.py --harts --seeds 1-200 -j 2 [--bug noinv|nowait]

each seed draws N in {2, 3, 4, 8, 16}, a (configuration, geometry) of
HART_CONFIGS, --quantum, --bcast-latency and, without --bug, --ctlb-shared
for about a third of the seeds; the program runs with --harts N
--check-shootdown in the four modes and once more with --xlat c. A case fails
on a checker violation, a difference between the modes or between the two
runs, or a disagreement with what the generator predicts whatever the
interleaving: each hart's registers and calls per ID, no call reaching an
older version than the hart had reached, the call after the final barrier
reaching the ID's last version (also on a hart behind in local time, whose
CTLB a completed ctlb.bcast reaches by its next lookup, docs/platform.md
"Lazy clocking"), one completion point per patch, the lookups per hart. With --bug the program has that planted bug (noinv: the IPI handler
skips its ctlb.inv; nowait: the patcher does not wait for the
acknowledgements) and a case fails when nothing caught it; a run that never
uses a stale entry cannot show it, so some seeds escape (seeds 1-40: noinv 4,
nowait 24; nowait's stale window closes as soon as the IPI is taken).
"""
import argparse
import concurrent.futures as cf
import hashlib
import json
import os
import pathlib
import random
import re
import subprocess
import sys
import tempfile
import time

if __package__ in (None, ""):
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
    from fuzz import gen  # noqa: E402
else:
    from . import gen

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
# $CT_BIN_DIR: the folder of the host programs, as in tests/paths.py
CTSIM = pathlib.Path(os.environ.get("CT_BIN_DIR") or ROOT / "build").resolve() / "ctsim"
LINK = pathlib.Path(__file__).resolve().parent / "link.ld"
CROSS_GCC = "riscv64-unknown-elf-gcc"
GCC_FLAGS = ["-march=rv32im", "-mabi=ilp32", "-misa-spec=2.2", "-nostdlib",
             "-nostartfiles", "-T", str(LINK)]
MAX_CYCLES = 5_000_000

# CTLB configurations: direct-mapped, set-associative and fully associative,
# every policy, walk cache off and on, --dmem-lat 1 and 3, --imem-lat 1 and 2.
CONFIGS = {
    "dm16-lru": ["--ctlb-entries", "16", "--ctlb-ways", "1", "--ctlb-policy", "lru"],
    "sa8w2-plru-wc2-d3": ["--ctlb-entries", "8", "--ctlb-ways", "2", "--ctlb-policy", "plru",
                          "--walk-cache", "2", "--dmem-lat", "3"],
    "fa4-fifo-i2": ["--ctlb-entries", "4", "--ctlb-ways", "4", "--ctlb-policy", "fifo",
                    "--imem-lat", "2"],
    "sa16w4-random-wc4-d3-i2": ["--ctlb-entries", "16", "--ctlb-ways", "4", "--ctlb-policy",
                                "random", "--walk-cache", "4", "--dmem-lat", "3",
                                "--imem-lat", "2"],
    "e1-lru-wc1": ["--ctlb-entries", "1", "--ctlb-ways", "1", "--ctlb-policy", "lru",
                   "--walk-cache", "1"],
    "fa32-lru-wc8-d3": ["--ctlb-entries", "32", "--ctlb-ways", "32", "--ctlb-policy", "lru",
                        "--walk-cache", "8", "--dmem-lat", "3"],
    "sa64w4-plru-i2": ["--ctlb-entries", "64", "--ctlb-ways", "4", "--ctlb-policy", "plru",
                       "--imem-lat", "2"],
    "fa8-random-s4d2-wc1-d3-i2": ["--ctlb-entries", "8", "--ctlb-ways", "8", "--ctlb-policy",
                                  "random", "--lfsr-seed", "1234", "--walk-cache", "1",
                                  "--dmem-lat", "3", "--imem-lat", "2"],
    "sa16w2-fifo-wc64": ["--ctlb-entries", "16", "--ctlb-ways", "2", "--ctlb-policy", "fifo",
                         "--walk-cache", "64"],
    "dm2-plru-d3": ["--ctlb-entries", "2", "--ctlb-ways", "1", "--ctlb-policy", "plru",
                    "--dmem-lat", "3"],
    # the CTLB shapes of tests/test_xlat_diff.py (with its geometries, the RTL
    # libraries `make test` builds anyway; tests/test_fuzz_callid.py's fast cases,
    # with dm16-lru above)
    "sa32w2-fifo-wc4-d3": ["--ctlb-entries", "32", "--ctlb-ways", "2", "--ctlb-policy",
                           "fifo", "--walk-cache", "4", "--dmem-lat", "3"],
    "fa16-plru-wc8-i2": ["--ctlb-entries", "16", "--ctlb-ways", "16", "--ctlb-policy",
                         "plru", "--walk-cache", "8", "--imem-lat", "2"],
    "sa64w8-random-s1234-wc16-d3-i2": ["--ctlb-entries", "64", "--ctlb-ways", "8",
                                       "--ctlb-policy", "random", "--lfsr-seed", "1234",
                                       "--walk-cache", "16", "--dmem-lat", "3",
                                       "--imem-lat", "2"],
    "fa8-lru-wc2": ["--ctlb-entries", "8", "--ctlb-ways", "8", "--ctlb-policy", "lru",
                    "--walk-cache", "2"],
    "fa4-fifo-d3": ["--ctlb-entries", "4", "--ctlb-ways", "4", "--ctlb-policy", "fifo",
                    "--dmem-lat", "3"],
}

MODES = [("c", False), ("rtl", False), ("c", True), ("rtl", True)]

# the backend, the mode and how many cycles the accelerator was clocked (which
# lock-step changes) are all that may differ between the modes
STRIP_TEXT = re.compile(r"backend \w+ \([^)]*\)")
STRIP_JSON = re.compile(r"\"backend\": \"\w+\", \"lockstep\": \w+, \"clocked\": \d+")
# the note of an on-demand RTL build, printed by the first run that uses a
# configuration (model/xlat.h, xlat_set_quiet)
STRIP_NOTE = re.compile(r"^xlat: (building|waiting for another process building) the RTL "
                        r"model .*\n", re.M)


def configs_for(seed, k):
    """k configuration names drawn by the seed (a fixed function of it)."""
    return random.Random(f"cfg{seed}").sample(sorted(CONFIGS), k)


def assemble(prog, d, name=None):
    d = pathlib.Path(d)
    name = name or f"fuzz{prog.seed}"
    src = d / f"{name}.S"
    elf = d / f"{name}.elf"
    src.write_text(prog.source)
    r = subprocess.run([CROSS_GCC, *GCC_FLAGS, "-o", str(elf), str(src)],
                       capture_output=True, text=True)
    if r.returncode:
        raise AssertionError(f"assembling {src} failed:\n{r.stderr}")
    return elf


class ModeRun:
    def __init__(self, mode, proc, stats_text, log):
        self.mode = mode
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr
        self.stats_text = stats_text
        self.stats = json.loads(stats_text) if stats_text else None
        self.log_hash = hashlib.sha256(log).hexdigest() if log is not None else None
        self.log = log

    def name(self):
        return f"--xlat {self.mode[0]}" + (" --lockstep" if self.mode[1] else "")


def run_mode(elf, levels, cfg_args, mode, d):
    d = pathlib.Path(d)
    backend, lockstep = mode
    tag = f"{backend}{'-ls' if lockstep else ''}"
    js = d / f"stats-{tag}.json"
    log = d / f"commits-{tag}.log"
    trace = d / f"trace-{tag}.ct"
    for p in (js, log, trace):
        if p.exists():
            p.unlink()
    cmd = [str(CTSIM), "--xlat", backend, *(["--lockstep"] if lockstep else []),
           "--ctlb-levels", levels, *cfg_args, "--max-cycles", str(MAX_CYCLES),
           "--stats-json", str(js), "--log-commits", str(log), "--record-trace", str(trace),
           str(elf)]
    for attempt in range(5):
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                                  stdin=subprocess.DEVNULL)
            break
        except OSError:
            # build/ctsim being relinked by a concurrent `make`: wait, retry
            if attempt == 4:
                raise
            time.sleep(2)
    run = ModeRun(mode, proc, js.read_text() if js.exists() else None,
                  log.read_bytes() if log.exists() else None)
    run.trace = trace.read_bytes() if trace.exists() else None
    return run


def first_diff_line(a, b):
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {i + 1}: {x!r} vs {y!r}"
    return f"length {len(la)} vs {len(lb)} lines"


def compare_modes(runs):
    """Problems where a mode differs from the first one."""
    probs = []
    ref = runs[0]
    for r in runs[1:]:
        what = f"{r.name()} vs {ref.name()}"
        if r.rc != ref.rc:
            probs.append(f"{what}: exit status {r.rc} vs {ref.rc}")
        if r.out != ref.out:
            probs.append(f"{what}: stdout differs, {first_diff_line(r.out, ref.out)}")
        ea = STRIP_TEXT.sub("", STRIP_NOTE.sub("", r.err))
        eb = STRIP_TEXT.sub("", STRIP_NOTE.sub("", ref.err))
        if ea != eb:
            probs.append(f"{what}: stderr differs, {first_diff_line(ea, eb)}")
        if (r.stats_text is None) != (ref.stats_text is None):
            probs.append(f"{what}: --stats-json written by one only")
        elif r.stats_text is not None:
            a, b = STRIP_JSON.sub("", r.stats_text), STRIP_JSON.sub("", ref.stats_text)
            if a != b:
                probs.append(f"{what}: --stats-json differs, {first_diff_line(a, b)}")
        if getattr(r, "trace", None) != getattr(ref, "trace", None):
            ta = (getattr(r, "trace", None) or b"").decode(errors="replace")
            tb = (getattr(ref, "trace", None) or b"").decode(errors="replace")
            probs.append(f"{what}: --record-trace differs, {first_diff_line(ta, tb)}")
        if r.log_hash != ref.log_hash:
            la = (r.log or b"").decode(errors="replace")
            lb = (ref.log or b"").decode(errors="replace")
            probs.append(f"{what}: --log-commits differs, {first_diff_line(la, lb)}")
    return probs


def check_model(prog, run):
    """Problems where a run disagrees with the Python model."""
    probs = []
    e = prog.expect
    if run.rc != 0:
        probs.append(f"{run.name()}: exit status {run.rc} (10+n: register xn, 50+k: "
                     f"counter 0xFC0+k, 60: hits+misses != lookups, 99: unexpected trap); "
                     f"stderr: {run.err.strip().splitlines()[:3]}")
    words = run.out.split()
    if len(words) != 39:
        probs.append(f"{run.name()}: {len(words)} words printed instead of 39")
        return probs
    vals = [int(w, 16) for w in words]
    for n, v in e["regs"].items():
        if vals[n] != v:
            probs.append(f"{run.name()}: x{n} = {vals[n]:#010x}, model {v:#010x}")
    hit, miss, _walk, inv, fault, cause, look = vals[32:]
    c = e["counters"]
    for name, got, want in (("ctlbinv", inv, c["invalidations"]),
                            ("ctlbfault", fault, c["faults"]),
                            ("ctcause", cause, c["ctcause"]),
                            ("ctlblookup", look, c["lookups"])):
        if got != want:
            probs.append(f"{run.name()}: {name} = {got}, model {want}")
    if (hit + miss) & gen.M32 != look:
        probs.append(f"{run.name()}: ctlbhit {hit} + ctlbmiss {miss} != ctlblookup {look}")
    s = run.stats
    if s is None:
        probs.append(f"{run.name()}: no --stats-json")
        return probs
    t = s["ctlb"]
    for key, want in (("lookups", c["lookups"]), ("faults", c["faults"]),
                      ("invalidations", c["invalidations"]), ("callids", c["callids"])):
        if t[key] != want:
            probs.append(f"{run.name()}: stats ctlb.{key} = {t[key]}, model {want}")
    if t["hits"] + t["misses"] != t["lookups"]:
        probs.append(f"{run.name()}: stats hits + misses != lookups")
    # the ctlb stall is the walks' EX cycles, less those a slow load/store ahead
    # would have cost anyway (timing.md: ties and larger terms go to dmem)
    if s["stalls"]["ctlb"] > t["walk_cycles"]:
        probs.append(f"{run.name()}: stall ctlb {s['stalls']['ctlb']} > walk cycles "
                     f"{t['walk_cycles']}")
    if (t["hits"], t["misses"]) != (hit, miss):
        probs.append(f"{run.name()}: stats hits/misses {t['hits']}/{t['misses']} vs CSRs {hit}/{miss}")
    trace = getattr(run, "trace", None)
    if trace is None:
        probs.append(f"{run.name()}: no --record-trace file")
    else:
        got = []
        for line in trace.decode(errors="replace").splitlines():
            f = line.split()
            if not f or f[0].startswith("#") or f[0] == "gap":
                continue
            got.append((f[0],) + tuple(int(v, 0) for v in f[1:]))
        want = prog.model.events
        if got != want:
            i = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
                     min(len(got), len(want)))
            probs.append(f"{run.name()}: --record-trace event {i}: "
                         f"{got[i] if i < len(got) else 'end'}, model "
                         f"{want[i] if i < len(want) else 'end'} "
                         f"({len(got)} events, model {len(want)})")
    ops = s["ops"]
    for key, want in (("callid", c["callids"] - c["callid_faults"]), ("xlat", c["xlats"]),
                      ("ctlb.inv", c["invalidations"])):
        if ops.get(key, 0) != want:
            probs.append(f"{run.name()}: stats ops.{key} = {ops.get(key, 0)} retired, model {want}")
    if s["traps"] != c["traps"]:
        probs.append(f"{run.name()}: stats traps = {s['traps']}, model {c['traps']}")
    irqs = s["interrupts"]
    if prog.irq_at is None and irqs != 0 or irqs > 1 or \
            prog.irq_at is not None and s["cycles"] > prog.irq_at + 2000 and irqs != 1:
        probs.append(f"{run.name()}: {irqs} timer interrupts, mtimecmp {prog.irq_at}, "
                     f"{s['cycles']} cycles")
    if s["exit"]["reason"] != "tohost":
        probs.append(f"{run.name()}: exit reason {s['exit']['reason']}")
    return probs


def patch_args(prog, cycles):
    """One or two --patch-at options (drawn by the seed) at cycles of the run."""
    r = random.Random(f"patch{prog.seed}")
    args = []
    for _ in range(r.randint(1, 2)):
        cid = r.choice(prog.patch_ids) if prog.patch_ids else 0
        args += ["--patch-at", f"{r.randrange(max(cycles, 1))}:{cid}:{r.choice(prog.fn_addrs):#x}"]
    return args


def check(seed, cfg, d, levels=None, size=None, patch=False):
    """Generates seed's program, runs it in the four modes under CONFIGS[cfg];
    returns (problems, program). With patch, also runs the four modes with
    --patch-at options at random cycles: the program's results then differ
    from the model's, so only the modes are compared (and hits + misses =
    lookups)."""
    prog = gen.generate(seed, levels, size)
    elf = assemble(prog, d)
    runs = [run_mode(elf, prog.levels_arg, CONFIGS[cfg], m, d) for m in MODES]
    probs = compare_modes(runs)
    for r in runs:
        probs += check_model(prog, r)
    if patch and runs[0].stats:
        extra = patch_args(prog, runs[0].stats["cycles"])
        pruns = [run_mode(elf, prog.levels_arg, CONFIGS[cfg] + extra, m, d) for m in MODES]
        probs += [f"{' '.join(extra)}: {p}" for p in compare_modes(pruns)]
        for r in pruns:
            t = r.stats and r.stats["ctlb"]
            if t and t["hits"] + t["misses"] != t["lookups"]:
                probs.append(f"{' '.join(extra)}: {r.name()}: stats hits + misses != lookups")
            if r.rc not in range(0, 100) or "error" in r.err and "--patch-at" not in r.err:
                probs.append(f"{' '.join(extra)}: {r.name()}: exit status {r.rc}: "
                             f"{r.err.strip().splitlines()[:2]}")
    return probs, prog


# ------------------------------------------------------------ several harts
# (gen.generate_harts): the modes that apply with --harts N, the same run twice

HART_MODES = MODES
# CTLB shapes for the multi-hart cases, each with the geometry whose RTL library
# `make test` builds anyway (tests/test_xlat_diff.py)
HART_CONFIGS = [("dm16-lru", [16, 16]), ("sa32w2-fifo-wc4-d3", [12, 10, 10]),
                ("fa16-plru-wc8-i2", [12, 10, 10]), ("fa8-lru-wc2", [4, 4, 4, 4]),
                ("fa4-fifo-d3", [8, 8, 8])]
CHECK_LINE = re.compile(r"check-shootdown: (\d+) completion points?, (\d+) lookups checked, "
                        r"no stale translation")


def harts_config(seed):
    """The (configuration, geometry) of a multi-hart case, drawn by the seed."""
    return random.Random(f"hcfg{seed}").choice(HART_CONFIGS)


def run_harts_mode(elf, prog, cfg_args, mode, d, tag=""):
    d = pathlib.Path(d)
    backend, lockstep = mode
    js = d / f"stats-{backend}{'-ls' if lockstep else ''}{tag}.json"
    if js.exists():
        js.unlink()
    cmd = [str(CTSIM), "--xlat", backend, *(["--lockstep"] if lockstep else []),
           "--harts", str(prog.nharts), "--quantum", str(prog.quantum),
           "--bcast-latency", str(prog.bcast_latency), "--check-shootdown",
           *(["--ctlb-shared"] if prog.ctlb_shared else []),
           "--ctlb-levels", prog.levels_arg, *cfg_args, "--max-cycles", str(MAX_CYCLES),
           "--stats-json", str(js), str(elf)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    run = ModeRun(mode, proc, js.read_text() if js.exists() else None, None)
    run.cmd = cmd
    return run


def check_harts_model(prog, run):
    """Problems where a multi-hart run disagrees with what the generator
    predicts independently of the interleaving."""
    probs = []
    e = prog.expect
    if run.rc != 0:
        probs.append(f"{run.name()}: exit status {run.rc}; stderr: "
                     f"{[ln for ln in run.err.splitlines() if 'error' in ln][:2]}")
    m = CHECK_LINE.search(run.err)
    if not m:
        probs.append(f"{run.name()}: no check-shootdown line")
    elif int(m.group(1)) != e["patches"]:
        probs.append(f"{run.name()}: {m.group(1)} completion points, {e['patches']} patches")
    words = run.out.split()
    if len(words) != prog.nharts * prog.words:
        probs.append(f"{run.name()}: {len(words)} words printed instead of "
                     f"{prog.nharts * prog.words}")
        return probs
    vals = [int(w, 16) for w in words]
    nv = gen.MAX_VER
    for h in range(prog.nharts):
        w = vals[h * prog.words:(h + 1) * prog.words]
        for n, v in e["regs"][h].items():
            if w[n] != v:
                probs.append(f"{run.name()}: hart {h}: x{n} = {w[n]:#010x}, model {v:#010x}")
        cnt, last, regress = w[32:32 + prog.nids * nv], w[32 + prog.nids * nv:-1], w[-1]
        for j, cid in enumerate(prog.sids):
            calls = cnt[j * nv:(j + 1) * nv]
            if sum(calls) != e["called"][h][j]:
                probs.append(f"{run.name()}: hart {h}: ID {cid:#x} called {sum(calls)} times, "
                             f"model {e['called'][h][j]}")
            if any(calls[e["final"][j]:]):
                probs.append(f"{run.name()}: hart {h}: ID {cid:#x} reached a version past "
                             f"v{e['final'][j]}, the last one: {calls}")
            if last[j] != e["final"][j]:
                probs.append(f"{run.name()}: hart {h}: ID {cid:#x}: the call after the "
                             f"barrier reached v{last[j]}, not the last version "
                             f"v{e['final'][j]}")
        if regress:
            probs.append(f"{run.name()}: hart {h}: {regress} calls reached an older version "
                         f"than the hart had reached before")
    s = run.stats
    if s is None:
        probs.append(f"{run.name()}: no --stats-json")
        return probs
    for h, hs in enumerate(s["hart"]):
        # one CTLB: every hart's block has its counters, all harts' lookups
        want = sum(e["lookups"]) if prog.ctlb_shared else e["lookups"][h]
        if hs["ctlb"]["lookups"] != want:
            probs.append(f"{run.name()}: hart {h}: stats ctlb.lookups = "
                         f"{hs['ctlb']['lookups']}, model {want}")
        for sw in hs["switches"]:  # the invalidate a switch counts from is before it
            if sw["inv_cycle"] > sw["call_cycle"]:
                probs.append(f"{run.name()}: hart {h}: a switch of ID {sw['id']:#x} at cycle "
                             f"{sw['call_cycle']} after an invalidate at {sw['inv_cycle']}")
    if s["exit"]["reason"] != "tohost":
        probs.append(f"{run.name()}: exit reason {s['exit']['reason']}")
    return probs


def check_harts(seed, d, cfg=None, levels=None, size=None, nharts=None, bug=None):
    """Generates seed's multi-hart program and runs it with --check-shootdown in
    HART_MODES (and --xlat c a second time); returns (problems, program). The
    modes must agree byte for byte (stdout, stderr but the backend, the
    statistics but the backend fields), the second run must be identical to
    the first, and every run must match gen's predictions. With bug (one of
    gen.BUGS) the program has that planted bug: the problems are then what
    caught it (none: the bug escaped)."""
    if cfg is None:
        cfg, lv = harts_config(seed)
        levels = levels or lv
    prog = gen.generate_harts(seed, levels, size, nharts, bug)
    elf = assemble(prog, d, f"harts{seed}")
    runs = [run_harts_mode(elf, prog, CONFIGS[cfg], m, d) for m in HART_MODES]
    again = run_harts_mode(elf, prog, CONFIGS[cfg], HART_MODES[0], d, "-again")
    probs = []
    if (again.rc, again.out, again.err, again.stats_text) != \
            (runs[0].rc, runs[0].out, runs[0].err, runs[0].stats_text):
        probs.append("--xlat c run twice: the outputs differ")
    probs += compare_modes(runs)
    for r in runs:
        probs += check_harts_model(prog, r)
    return probs, prog


def parse_seeds(text):
    out = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b) + 1)) if b else [int(a)]
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="Random call-ID programs on build/ctsim: "
                                 "the four backend/lock-step modes must agree with each "
                                 "other and with the Python model.")
    ap.add_argument("--seeds", default="1-20", help="seeds, e.g. 1-300 or 1,5,9 (default 1-20)")
    ap.add_argument("--configs", type=int, default=3,
                    help=f"configurations per seed, 1..{len(CONFIGS)} (default 3)")
    ap.add_argument("--config", action="append", choices=sorted(CONFIGS),
                    help="run these configurations instead (repeatable)")
    ap.add_argument("--size", type=int,
                    help="top-level operations per program (default: drawn by the seed, 80..400;"
                         " with --harts per hart, 20..90)")
    ap.add_argument("--patch", action="store_true",
                    help="also run each case with random --patch-at options "
                         "(the four modes compared with each other only)")
    ap.add_argument("--harts", action="store_true",
                    help="multi-hart cases instead (gen.generate_harts: N harts, patches "
                         "by shootdowns, --check-shootdown; the configuration, N, "
                         "--quantum and --bcast-latency drawn by the seed)")
    ap.add_argument("--bug", choices=gen.BUGS,
                    help="with --harts: plant this bug; a case passes when it is caught")
    ap.add_argument("--keep", help="directory for the sources and logs of failing cases")
    ap.add_argument("-j", "--jobs", type=int, default=1,
                    help="cases run at once (default 1); the output does not depend on it")
    a = ap.parse_args(argv)
    try:
        seeds = parse_seeds(a.seeds)
    except ValueError:
        ap.error(f"--seeds: '{a.seeds}' is not a list of seeds or ranges")
    if not seeds:
        ap.error(f"--seeds: '{a.seeds}' names no seed")
    if not 1 <= a.configs <= len(CONFIGS):
        ap.error(f"--configs: must be 1..{len(CONFIGS)}")
    if a.size is not None and not 1 <= a.size <= 5000:
        ap.error("--size: must be 1..5000")
    if not CTSIM.exists():
        print(f"harness: error: {CTSIM} is missing: run `make build/ctsim`", file=sys.stderr)
        return 2
    if a.jobs < 1:
        ap.error(f"--jobs: must be at least 1 (got {a.jobs})")
    if a.bug and not a.harts:
        ap.error("--bug: needs --harts")
    if a.patch and a.harts:
        ap.error("--patch: not with --harts (its cases patch by shootdowns)")
    if a.harts:
        cases = [(seed, cfg) for seed in seeds for cfg in (a.config or [None])]
    else:
        cases = [(seed, cfg) for seed in seeds
                 for cfg in (a.config or configs_for(seed, a.configs))]
    total, bad = len(cases), 0
    step = max(1, total // 10)
    print(f"harness: {total} cases ({len(seeds)} seeds)", flush=True)
    with cf.ProcessPoolExecutor(max_workers=a.jobs) as ex:
        results = ex.map(run_case, cases, [a.size] * total, [a.patch] * total,
                         [a.keep] * total, [a.harts] * total, [a.bug] * total)
        for done, (seed, cfg, levels, probs) in enumerate(results, 1):
            if probs:
                bad += 1
                print(f"FAIL seed {seed} config {cfg} levels {levels}: "
                      f"{len(probs)} problems; first: {probs[0]}", flush=True)
            if done % step == 0 and done != total:
                print(f"harness: {done}/{total} cases done, {bad} failing so far", flush=True)
    print(f"harness: {total - bad}/{total} cases passed ({len(seeds)} seeds)")
    return 1 if bad else 0


def run_case(case, size, patch, keep, harts=False, bug=None):
    """One (seed, configuration) in its own temporary directory (a worker of the
    pool); returns (seed, cfg, levels, problems). With harts a multi-hart case
    (check_harts); with bug its problems are the evidence that the bug was
    caught, and a case without any is the failure."""
    seed, cfg = case
    with tempfile.TemporaryDirectory() as d:
        if harts:
            probs, prog = check_harts(seed, d, cfg, size=size, bug=bug)
            cfg = f"{cfg or harts_config(seed)[0]} harts {prog.nharts} --quantum " \
                  f"{prog.quantum} --bcast-latency {prog.bcast_latency}"
            if prog.ctlb_shared:
                cfg += " --ctlb-shared"
            if bug:
                probs = [] if probs else [f"planted bug {bug} not caught"]
        else:
            probs, prog = check(seed, cfg, d, size=size, patch=patch)
        if probs and keep:
            k = pathlib.Path(keep) / f"seed{seed}-{cfg}".replace(" ", "_")
            k.mkdir(parents=True, exist_ok=True)
            for f in pathlib.Path(d).iterdir():
                (k / f.name).write_bytes(f.read_bytes())
            (k / "problems.txt").write_text("\n".join(probs) + "\n")
    return seed, cfg, prog.levels_arg, probs

if __name__ == "__main__":
    sys.exit(main())
