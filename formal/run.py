#!/usr/bin/env python3
"""Formal checks of the accelerator RTL (docs/formal.md).

Each job is one property x configuration x engine: Yosys (read_verilog -formal)
turns formal/ctlb_props.v around rtl/ctlb_*.v into an AIGER model, yosys-abc
proves it unbounded (`pdr`) or checks it to a depth (`bmc3`). Each mutant is a
one-line substitution in a copy of the RTL (build/formal/mut/NAME/) checked by
the job that must catch it. Prints one line per job; exits 1 if a property
fails or is not decided, or a mutant survives.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RTL = ["ctlb_top.v", "ctlb_tlb.v", "ctlb_walker.v", "ctlb_wcache.v"]
RTL_INC = ["ctlb_assert.vh"]   # included by the modules (read with -I)
HARNESS = os.path.join(ROOT, "formal", "ctlb_props.v")
# P7 checks the broadcast interconnect on its own: its sources, harness, top
BCAST = (["ctlb_bcast.v"], os.path.join(ROOT, "formal", "bcast_props.v"), "bcast_props")

# Configurations: ctlb_top parameters plus the harness's IdBits/DataBits/MaxLat.
SMALL = dict(Entries=2, Ways=2, Levels=2, LevelBits0=1, LevelBits1=1, WalkCache=2,
             IdBits=3, DataBits=5)
CONFIGS = {
    # small: one set of two ways, two levels of one bit, a two-entry walk cache
    "small": SMALL,
    "small-l3": dict(SMALL, Entries=4, Levels=3, LevelBits2=1, WalkCache=1, IdBits=4),
    "small-lru": dict(SMALL, Entries=4, Ways=4, Policy=0),
    "small-plru": dict(SMALL, Entries=4, Ways=4, Policy=1),
    "small-fifo": dict(SMALL, Entries=4, Ways=2, Policy=2),
    "small-rand": dict(SMALL, Entries=4, Ways=2, Policy=3),
    # the default configuration (e64w4-lru-l12.10.10-wc0), and with a walk cache
    "default": dict(),
    "default-wc4": dict(WalkCache=4),
    # the broadcast interconnect (P7): three harts, latency 2
    "bcast-h3l2": dict(Harts=3, Latency=2),
}

# Properties: defines of the harness (P6 lives in rtl/ctlb_tlb.v, always on).
PROPS = {
    "p1-stale": ["CHECK_P1"],
    "p2-table": ["CHECK_P2"],
    "p3-oneread": ["CHECK_P3"],
    "p4-bound": ["CHECK_P4", "FAIR"],
    "p5-flush": ["CHECK_P5"],
    "p6-repl": [],
    "p7-bcast": [],
}

BMC_DEPTH = 16   # bmc3: cycles to check ...
BMC_TIME = 60    # ... within this many seconds (P1 and P2 of the default
                 # configuration reach 9 to 12 cycles in it)
BMC_MIN = 8      # a BMC job passes only if it reached this depth: a full walk of
                 # three levels (answer at cycle 7 with latency 1) and a hit after it

# (property, configuration, engine): every property unbounded on the small
# configurations, to BMC_DEPTH on the default ones.
JOBS = []
for _p in PROPS:
    if _p != "p7-bcast":
        JOBS.append((_p, "small", "pdr"))
JOBS.append(("p7-bcast", "bcast-h3l2", "pdr"))
JOBS += [("p6-repl", "small-lru", "pdr"), ("p6-repl", "small-plru", "pdr"),
         ("p6-repl", "small-fifo", "pdr"), ("p6-repl", "small-rand", "pdr")]
# `make formal` only: a three-level small configuration (about 100 s) and BMC
# of the default configurations
FULL_JOBS = [("p1-stale", "small-l3", "pdr")]
FULL_JOBS += [(_p, "default", "bmc") for _p in PROPS if _p != "p7-bcast"]
FULL_JOBS += [("p5-flush", "default-wc4", "bmc")]

# Mutants: (name, file, text, replacement, property, configuration). Each text
# occurs exactly once in its file.
MUTANTS = [
    ("fill-after-kill-in-resp", "ctlb_walker.v",
     "(fault_q == F_NONE) && !kill_d;", "(fault_q == F_NONE) && !kill_q;", "p1-stale", "small"),
    # a kill seen only in its own cycle: a read open at it is not dropped
    ("kill-forgotten", "ctlb_walker.v",
     "kill_d  = kill_q || (in_walk && inv_hit);", "kill_d  = (in_walk && inv_hit);",
     "p2-table", "small"),
    # the old contract: a killed walk goes on with what it read (section 6)
    ("no-restart-after-kill", "ctlb_walker.v",
     "if (kill_d) begin      // killed while the read was open: drop its data", "if (1'b0) begin",
     "p2-table", "small"),
    # a killed walk in FETCH still reads, then restarts: a second read open
    ("read-while-killed", "ctlb_walker.v",
     "assign mem_req_valid_o = (state_q == StFetch) && !wc_use && !kill_q;",
     "assign mem_req_valid_o = (state_q == StFetch) && !wc_use;", "p3-oneread", "small"),
    ("inv-only-way0", "ctlb_tlb.v",
     "if (tag_q[inv_set*Ways + iw] == inv_tag)", "if (tag_q[inv_set*Ways + iw] == inv_tag && iw == 0)",
     "p1-stale", "small"),
    ("level1-index", "ctlb_walker.v",
     "2'd1:    idx = (id >> SH1) & M1;", "2'd1:    idx = (id >> SH0) & M1;", "p2-table", "small"),
    ("wcache-wrong-data", "ctlb_walker.v",
     "assign wc_ins_data_o   = mem_rsp_data_i[31:2];", "assign wc_ins_data_o   = ea_q[31:2];",
     "p2-table", "small"),
    ("ready-in-resp", "ctlb_walker.v",
     "assign idle_o          = !in_walk;", "assign idle_o          = !in_walk || rsp_valid_o;",
     "p3-oneread", "small"),
    ("second-read", "ctlb_walker.v",
     "assign mem_req_valid_o = (state_q == StFetch) && !wc_use && !kill_q;",
     "assign mem_req_valid_o = (state_q == StFetch || state_q == StWait) && !wc_use && !kill_q;",
     "p3-oneread", "small"),
    ("bus-error-lost", "ctlb_walker.v",
     "if (mem_rsp_valid_i) begin", "if (mem_rsp_valid_i && !mem_rsp_err_i) begin",
     "p4-bound", "small"),
    ("wcache-flush-missed", "ctlb_top.v",
     ".flush_i    (inv_valid_i && inv_all_i)", ".flush_i    (1'b0)", "p5-flush", "small"),
    ("tlb-flush-missed", "ctlb_tlb.v",
     "if (inv_i && inv_all_i) begin", "if (1'b0) begin", "p5-flush", "small"),
    # the invariant assertions of the RTL (rtl/ctlb_assert.vh), checked in every
    # job; p6-repl checks only them and P6
    ("accept-while-busy", "ctlb_top.v",
     "wire accept = req_valid_i && walker_idle;", "wire accept = req_valid_i;", "p6-repl", "small"),
    ("lookup-skips-last-way", "ctlb_tlb.v",
     "for (lw = 0; lw < Ways; lw = lw + 1) begin", "for (lw = 0; lw < Ways - 1; lw = lw + 1) begin",
     "p6-repl", "small"),
    ("lru-on-any-lookup", "ctlb_tlb.v",
     "wire                upd_valid = (lkp_touch_i && lkp_hit_o) || fill_i;",
     "wire                upd_valid = lkp_hit_o || fill_i;", "p6-repl", "small-lru"),
    ("lfsr-every-cycle", "ctlb_tlb.v",
     "else if (fill_i) lfsr_q <=", "else             lfsr_q <=", "p6-repl", "small-rand"),
    ("fifo-on-hit", "ctlb_tlb.v",
     "else if (fill_i) fifo_q[", "else if (upd_valid) fifo_q[",
     "p6-repl", "small-fifo"),
    # done after Latency cycles: before the others' ports have the broadcast
    ("bcast-done-early", "ctlb_bcast.v",
     "localparam integer DEPTH = 2 * Latency - 1;", "localparam integer DEPTH = Latency - 1;",
     "p7-bcast", "bcast-h3l2"),
    # a remote port forgets the ID of the broadcast it carries
    ("bcast-id-dropped", "ctlb_bcast.v",
     "acc_id  = acc_id | (src_all ? 32'd0 : src_id);", "acc_id  = acc_id;",
     "p7-bcast", "bcast-h3l2"),
]


def yosys_script(rtl_dir, prop, cfg, aig):
    defs = " ".join("-D" + d for d in PROPS[prop])
    rtl, harness, top = BCAST if prop == "p7-bcast" else (RTL, HARNESS, "ctlb_props")
    srcs = " ".join(os.path.join(rtl_dir, f) for f in rtl)
    chp = " ".join("-chparam %s %d" % kv for kv in sorted(CONFIGS[cfg].items()))
    return "\n".join([
        "read_verilog -formal -DSYNTHESIS -DCTLB_ASSERTS -I%s %s %s %s" % (rtl_dir, defs, srcs, harness),
        "hierarchy -check -top %s %s" % (top, chp),
        "proc", "flatten", "memory_map", "opt -keepdc -fast",
        "async2sync", "chformal -assume -early", "setundef -anyseq",
        "opt -keepdc -fast", "techmap", "opt -keepdc -fast", "dffunmap",
        "abc -g AND -fast", "opt_clean",
        "write_aiger -zinit %s" % aig, ""])


def run_job(name, rtl_dir, prop, cfg, engine, workdir, timeout):
    """Returns (name, verdict, seconds, detail); verdict PASS, FAIL or ERROR."""
    os.makedirs(workdir, exist_ok=True)
    t0 = time.monotonic()
    aig = os.path.join(workdir, "model.aig")
    ys = os.path.join(workdir, "model.ys")
    with open(ys, "w") as f:
        f.write(yosys_script(rtl_dir, prop, cfg, aig))
    r = subprocess.run(["yosys", "-q", "-l", os.path.join(workdir, "yosys.log"), ys],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return name, "ERROR", time.monotonic() - t0, "yosys: " + (r.stderr or r.stdout).strip()[-300:]
    cmd = "pdr" if engine == "pdr" else "bmc3 -F %d -T %d" % (BMC_DEPTH, BMC_TIME)
    try:
        r = subprocess.run(["yosys-abc", "-c", "read_aiger %s; fold; strash; %s" % (aig, cmd)],
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return name, "ERROR", time.monotonic() - t0, "timeout after %d s" % timeout
    out = r.stdout
    with open(os.path.join(workdir, "abc.log"), "w") as f:
        f.write(out + r.stderr)
    dt = time.monotonic() - t0
    m = re.search(r"asserted in frame (\d+)", out)
    if m:
        return name, "FAIL", dt, "counterexample at cycle %s" % m.group(1)
    if engine == "pdr" and "Property proved" in out:
        return name, "PASS", dt, "proven (pdr)"
    m = re.search(r"No output asserted in\s+(\d+) frames", out)
    if engine == "bmc" and m and int(m.group(1)) >= BMC_MIN:
        return name, "PASS", dt, "no failure to depth %s (bmc3)" % m.group(1)
    return name, "ERROR", dt, "undecided: " + out.strip()[-200:]


def make_mutant(build, name, fname, old, new):
    d = os.path.join(build, "mut", name)
    os.makedirs(d, exist_ok=True)
    for f in RTL + RTL_INC + BCAST[0]:
        shutil.copy(os.path.join(ROOT, "rtl", f), d)
    p = os.path.join(d, fname)
    text = open(p).read()
    if text.count(old) != 1:
        raise SystemExit("formal: mutant %s: text found %d times in rtl/%s" % (name, text.count(old), fname))
    open(p, "w").write(text.replace(old, new))
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fast", action="store_true",
                    help="only the small-configuration proofs and the mutants (make test)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="jobs at once (default 2)")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per engine run")
    ap.add_argument("--only", default="", help="run only jobs and mutants whose name contains this")
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "formal"))
    args = ap.parse_args()

    rtl = os.path.join(ROOT, "rtl")
    work = []
    jobs = JOBS + ([] if args.fast else FULL_JOBS)
    for prop, cfg, eng in jobs:
        name = "%s/%s/%s" % (prop, cfg, eng)
        work.append(("prove", name, rtl, prop, cfg, eng))
    for mname, fname, old, new, prop, cfg in MUTANTS:
        d = make_mutant(args.build, mname, fname, old, new)
        work.append(("mutant", "mutant %s -> %s/%s" % (mname, prop, cfg), d, prop, cfg, "bmc"))
    work = [w for w in work if args.only in w[1]]

    def go(w):
        kind, name, d, prop, cfg, eng = w
        wd = os.path.join(args.build, re.sub(r"[^A-Za-z0-9_.-]+", "_", name))
        return kind, run_job(name, d, prop, cfg, eng, wd, args.timeout)

    bad = 0
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for kind, (name, verdict, dt, detail) in ex.map(go, work):
            if kind == "prove":
                ok = verdict == "PASS"
                tag = verdict
            else:  # a mutant must be caught: its job fails
                ok = verdict == "FAIL"
                tag = "KILLED" if ok else ("SURVIVED" if verdict == "PASS" else "ERROR")
            bad += not ok
            print("%-8s %6.1fs  %-48s %s" % (tag, dt, name, detail), flush=True)
    print("formal: %d jobs, %d failed, %.0f s" % (len(work), bad, time.monotonic() - t0))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
