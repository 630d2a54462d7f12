"""Randomized differential testing of the call-ID co-simulation.

tests/fuzz/gen.py generates, from a seed, a random RV32IM + call-ID program (a
radix table of random geometry with valid/invalid entries, superpage leaves,
shared subtables, BUS and outside-RAM entries; handler functions; a random
stream of ALU ops, loads/stores, mul/div, branches, loops, callid, xlat,
ctlb.inv, counter CSR reads, hot patches, root switches, a lazy-binding fault
handler) and computes its architectural results with a small Python model
(docs/accelerator.md section 2 for the translations). tests/fuzz/harness.py runs
it on build/ctsim with --xlat c and --xlat rtl, each with and without
--lockstep, and requires byte-identical stdout, exit status, stderr summary,
--stats-json (every field but the two naming the backend and the mode),
--log-commits and --record-trace; every run must also match the model (the checked registers,
ctlbinv/ctlbfault/ctcause/ctlblookup, ctlbhit + ctlbmiss = ctlblookup, the
lookups, faults, invalidations, callids and traps of the statistics, the
retired callid, xlat and ctlb.inv instructions).

By default a few seeds x configurations run (well under a minute). More:

    CTSIM_FUZZ_SEEDS=200 .venv/bin/python -m pytest -n 2 tests/test_fuzz_callid.py

runs seeds 1..200, each under CTSIM_FUZZ_CONFIGS (default 3) configurations
drawn by the seed from harness.CONFIGS (the geometry drawn by the seed too; the
first RTL build of each new configuration takes a few seconds). The same
campaign without pytest (--patch: also with random --patch-at options):

    .venv/bin/python tests/fuzz/harness.py --seeds 1-200 --keep build/fuzz-fail

Several harts (test_fuzz_harts; gen.generate_harts, harness.check_harts): N
harts call the IDs of a shared table while patchers shoot them down by IPIs or
ctlb.bcast, under --check-shootdown, in the four modes and twice; the same
campaign:

    .venv/bin/python tests/fuzz/harness.py --harts --seeds 1-200 -j 2

Expected values come from the Python model and from the spec worked by hand
(the walk and ALU tests below), never from ctsim's output.
"""
import copy
import json
import os
import pathlib
import re
import subprocess
import sys
import types

import pytest

from fuzz import gen, harness

# (seed, configuration, geometry): the CTLB shapes and geometries of
# tests/test_xlat_diff.py, whose RTL libraries `make test` builds anyway;
# direct-mapped, set-associative, fully associative, every policy, walk cache
# off and on, --dmem-lat 1 and 3, --imem-lat 1 and 2.
FAST = [
    (1, "dm16-lru", "16,16"),
    (2, "sa32w2-fifo-wc4-d3", "12,10,10"),
    (3, "fa16-plru-wc8-i2", "12,10,10"),
    (4, "sa64w8-random-s1234-wc16-d3-i2", "10,10,12"),
    (5, "fa8-lru-wc2", "4,4,4,4"),
    (6, "fa4-fifo-d3", "8,8,8"),
]


def cases():
    """FAST, or with CTSIM_FUZZ_SEEDS=N seeds 1..N, each under
    CTSIM_FUZZ_CONFIGS configurations drawn by the seed, geometry drawn by the
    seed (None)."""
    n = int(os.environ.get("CTSIM_FUZZ_SEEDS", "0") or 0)
    if n <= 0:
        return FAST
    k = int(os.environ.get("CTSIM_FUZZ_CONFIGS", "3"))
    return [(s, c, None) for s in range(1, n + 1) for c in harness.configs_for(s, k)]


def need_ctsim():
    if not harness.CTSIM.exists():
        pytest.fail(f"{harness.CTSIM} is missing: run `make build/ctsim` first")


@pytest.mark.parametrize("seed,cfg,levels", cases(), ids=lambda v: str(v))
def test_fuzz_callid(tmp_path, seed, cfg, levels):
    need_ctsim()
    probs, prog = harness.check(seed, cfg, tmp_path,
                                levels=[int(b) for b in levels.split(",")] if levels else None)
    assert not probs, (f"seed {seed}, config {cfg} ({' '.join(harness.CONFIGS[cfg])}), "
                       f"--ctlb-levels {prog.levels_arg}:\n" + "\n".join(probs[:20]))


@pytest.mark.parametrize("seed,cfg,levels", [(6, "sa32w2-fifo-wc4-d3", "12,10,10"),
                                              (10, "fa8-lru-wc2", "4,4,4,4")])
def test_fuzz_callid_patch_at(tmp_path, seed, cfg, levels):
    """The same with one or two --patch-at options at random cycles: the modes
    must still agree (the program's results no longer match the model)."""
    need_ctsim()
    probs, prog = harness.check(seed, cfg, tmp_path, patch=True,
                                levels=[int(b) for b in levels.split(",")])
    assert not probs, f"seed {seed}, config {cfg}:\n" + "\n".join(probs[:20])


# ------------------------------------------------------------ the generator

def test_generator_is_deterministic():
    a, b = gen.generate(7), gen.generate(7)
    assert a.source == b.source and a.expect == b.expect and a.levels == b.levels
    assert gen.generate(8).source != a.source


def test_generated_programs_cover_the_features():
    """Over 30 seeds the model sees every fault code, lazy installs, calls
    through superpage leaves and to targets outside RAM; and the sources hold
    every call-ID instruction form."""
    cover = {}
    text = ""
    for s in range(1, 31):
        p = gen.generate(s)
        for k, v in p.model.cover.items():
            cover[k] = cover.get(k, 0) + v
        text += p.source
    assert all(v > 0 for v in cover.values()), cover
    for form in ("CUSTOM_0, 0, 0, x1, x1", "CUSTOM_0, 0, 0, x1,", "CUSTOM_0, 2, 0",
                 "CUSTOM_0, 1, 0, x0, x0, x0", "csrr x26, 0xfc0", "csrw 0x7c0"):
        assert form in text, form
    assert len({tuple(gen.generate(s).levels) for s in range(1, 31)}) >= 6


# ------------------------------------------------------------ the model, by hand

def hand_table(levels=(4, 4)):
    """accelerator.md section 2 with levels 4,4 (W = 8): root at 0x80400000."""
    m = gen.Machine(list(levels), {})
    root, l1 = 0x80400000, 0x80400100
    m.w32(root + 4 * 0x1, l1 | 1)              # ID 0x1_ -> L1
    m.w32(l1 + 4 * 0x2, 0x80100040 | 3)        # ID 0x12 -> 0x80100040
    m.w32(l1 + 4 * 0x3, 0x80100041)            # valid, not leaf, last level
    m.w32(l1 + 4 * 0x4, 0x80100042)            # leaf bit, valid clear
    m.w32(root + 4 * 0x2, 0x80100080 | 3)      # superpage: IDs 0x20..0x2F
    m.w32(root + 4 * 0x3, 0x00010000 | 1)      # next table outside RAM
    m.w32(root + 4 * 0x4, 0xFFFFFFF0 | 1)      # next table wraps around
    m.w32(root + 4 * 0x5, (gen.RAM_END - 8) | 1)  # straddles the end of RAM
    m.root = root | 1
    return m


@pytest.mark.parametrize("cid,want", [
    (0x12, (0, 0x80100040)),
    (0x13, (1, None)),       # non-leaf at the last level
    (0x14, (1, None)),       # valid bit clear
    (0x15, (1, None)),       # zero entry
    (0x00, (1, None)),       # root entry invalid
    (0x20, (0, 0x80100080)), (0x2F, (0, 0x80100080)),   # superpage
    (0x31, (4, None)),       # 0x00010004: not RAM
    (0x40, (4, None)),       # 0xFFFFFFF0 + 0 -> 0xFFFFFFF0
    (0x44, (4, None)),       # 0xFFFFFFF0 + 16 wraps to 0x00000000
    (0x51, (1, None)),       # 0x8FFFFFFC: last word of RAM, zero
    (0x52, (4, None)),       # 0x90000000: past the end
    (0x100, (2, None)),      # bit 8 set with W = 8
    (0xFFFFFFFF, (2, None)),
])
def test_model_walk_by_hand(cid, want):
    code, addr, _ = hand_table().walk(cid)
    assert (code, addr) == want, hex(cid)


def test_model_disabled_is_checked_first():
    m = hand_table()
    m.root &= ~1
    assert m.walk(0x12)[0] == 3 and m.walk(0x100)[0] == 3
    # W = 32: never RANGE
    m32 = gen.Machine([16, 16], {})
    m32.root = 0x80400000 | 1
    assert m32.walk(0xFFFFFFFF)[0] == 1


def test_model_xlat_encoding_and_counters():
    m = hand_table()
    assert m.xlat(0x12) == 0x80100040
    assert m.xlat(0x13) == (1 << 2) | 1 and m.ctcause == 1
    assert m.xlat(0x100) == (2 << 2) | 1 and m.ctcause == 2
    assert (m.lookups, m.faults) == (3, 2)


@pytest.mark.parametrize("op,a,b,want", [
    ("div", 0x80000000, 0xFFFFFFFF, 0x80000000),   # overflow: -2^31
    ("rem", 0x80000000, 0xFFFFFFFF, 0),
    ("div", 7, 0, 0xFFFFFFFF),                     # by zero: -1
    ("rem", 7, 0, 7),
    ("divu", 7, 0, 0xFFFFFFFF),
    ("remu", 7, 0, 7),
    ("div", (-7) & gen.M32, 2, (-3) & gen.M32),    # truncates toward zero
    ("rem", (-7) & gen.M32, 2, (-1) & gen.M32),
    ("mulh", 0xFFFFFFFF, 0xFFFFFFFF, 0),           # -1 * -1 = 1
    ("mulhu", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFE),
    ("mulhsu", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF),  # -1 * (2^32-1): high word -1
    ("sra", 0x80000000, 33, 0xC0000000),           # shift amount mod 32
    ("sltu", 1, 0xFFFFFFFF, 1), ("slt", 1, 0xFFFFFFFF, 0),
])
def test_model_alu_by_hand(op, a, b, want):
    f = gen.RTYPE.get(op) or gen.MULDIV[op]
    assert f(a, b) == want


def test_model_lazy_binding_handler():
    """The handler's record list: an armed record for the faulting ID installs
    its leaf once and the callid is retried; without one it is skipped."""
    m = hand_table()
    rec = gen.DATA + gen.REC_OFF
    m.w32(rec + 16 * gen.NREC, 2)
    m.w32(rec + 4, 0x15)
    m.w32(rec + 8, 0x80400100 + 4 * 5)
    m.w32(rec + 12, 0x80100000 | 3)
    m.w32(rec, 1)
    called = []
    m.fns[0x80100000] = [types.SimpleNamespace(run=lambda mm: called.append(1))]
    m.callid(0x15)
    assert called == [1] and m.faults == 1 and m.lookups == 2 and m.traps == 1
    assert m.r32(rec) == 0
    m.callid(0x14)                       # no record: skipped
    assert called == [1] and m.faults == 2 and m.callids == 3


# ------------------------------------------------------------ the harness can fail

def test_wrong_expectation_is_caught(tmp_path):
    need_ctsim()
    prog = gen.generate(1)
    n = 10
    # the program's own check: a wrong constant gives exit status 10 + n
    lines = prog.source.splitlines()
    i = lines.index(f"  lw t0, {gen.DUMP_OFF + 4 * n}(gp)", lines.index("# ---- epilogue: dump, print, check, exit"))
    lines[i + 1] = f"  li t1, {gen.sx(prog.expect['regs'][n] ^ 1)}"
    prog.source = "\n".join(lines) + "\n"
    elf = harness.assemble(prog, tmp_path)
    r = harness.run_mode(elf, prog.levels_arg, harness.CONFIGS["dm16-lru"], ("c", False),
                         tmp_path)
    assert r.rc == 10 + n, r.err
    # the harness's own comparison with the model
    prog.expect["regs"][n] ^= 1
    probs = harness.check_model(prog, r)
    assert any(f"x{n} = " in p for p in probs), probs
    assert any("exit status 20" in p for p in probs), probs


def fake(rc=0, out="o\n", err="e backend c (clocked 5 cycles)\n", stats='{"a": 1}', log=b"l\n",
         mode=("c", False)):
    proc = types.SimpleNamespace(returncode=rc, stdout=out, stderr=err)
    return harness.ModeRun(mode, proc, stats, log)


@pytest.mark.parametrize("change,what", [
    ({"rc": 1}, "exit status"),
    ({"out": "p\n"}, "stdout"),
    ({"err": "f backend rtl (clocked 5 cycles)\n"}, "stderr"),
    ({"stats": '{"a": 2}'}, "--stats-json"),
    ({"log": b"m\n"}, "--log-commits"),
])
def test_mode_differences_are_caught(change, what):
    same = fake(err="e backend rtl (lock-step, clocked 9 cycles)\n", mode=("rtl", True))
    assert harness.compare_modes([fake(), same]) == []
    probs = harness.compare_modes([fake(), fake(mode=("rtl", True), **change)])
    assert len(probs) == 1 and what in probs[0], probs


def test_build_note_is_no_mode_difference():
    # the first run of a configuration on the RTL backend builds it and says so
    note = "xlat: building the RTL model e16w1-lru-l12.10.10-wc0 (once)\n"
    built = fake(err=note + "e backend rtl (clocked 9 cycles)\n", mode=("rtl", False))
    assert harness.compare_modes([fake(), built]) == []
    probs = harness.compare_modes([fake(), fake(err=note + "x\n", mode=("rtl", False))])
    assert len(probs) == 1 and "stderr" in probs[0], probs


@pytest.mark.parametrize("args,opt", [(["--seeds", "1-x"], "--seeds"),
                                      (["--seeds", "5-1"], "--seeds"),
                                      (["--configs", "0"], "--configs"),
                                      (["--size", "0"], "--size"),
                                      (["--config", "nope"], "--config"),
                                      (["--bug", "noinv"], "--bug"),
                                      (["--harts", "--bug", "x"], "--bug"),
                                      (["--harts", "--patch"], "--patch")])
def test_campaign_cli_bad_options(args, opt):
    r = subprocess.run([sys.executable, str(harness.ROOT / "tests/fuzz/harness.py"), *args],
                       capture_output=True, text=True)
    assert r.returncode == 2 and opt in r.stderr.strip().splitlines()[-1], r.stderr


def test_campaign_cli_runs(tmp_path):
    need_ctsim()
    r = subprocess.run([sys.executable, str(harness.ROOT / "tests/fuzz/harness.py"),
                        "--seeds", "5", "--config", "dm16-lru", "--keep", str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "1/1 cases passed" in r.stdout, r.stdout + r.stderr
    assert not list(tmp_path.iterdir())


def test_a_timing_difference_between_modes_is_caught(tmp_path):
    """End to end: one of the four runs with another --dmem-lat (a stand-in for
    a backend that answers walks one cycle later) is reported."""
    need_ctsim()
    prog = gen.generate(2, levels=[12, 10, 10])
    elf = harness.assemble(prog, tmp_path)
    cfg = harness.CONFIGS["sa32w2-fifo-wc4-d3"]
    runs = [harness.run_mode(elf, prog.levels_arg, cfg, m, tmp_path) for m in harness.MODES[:3]]
    runs.append(harness.run_mode(elf, prog.levels_arg, cfg + ["--dmem-lat", "2"],
                                 harness.MODES[3], tmp_path))
    probs = harness.compare_modes(runs)
    assert any("--stats-json differs" in p for p in probs), probs
    assert any("--record-trace differs" in p for p in probs), probs
    assert all("--xlat rtl --lockstep vs" in p for p in probs), probs


def test_campaign_progress_and_jobs():
    """`make fuzz`'s campaign: a progress line per case done (small campaigns;
    about every tenth of the cases in large ones) with the failures so far, and
    the same output for -j 1 and -j 2."""
    need_ctsim()
    cmd = [sys.executable, str(pathlib.Path(harness.__file__)), "--seeds", "1-2",
           "--config", "dm16-lru", "--size", "30"]
    outs = [subprocess.run(cmd + ["-j", j], capture_output=True, text=True, timeout=300)
            for j in ("1", "2")]
    for r in outs:
        assert r.returncode == 0, r.stdout + r.stderr
    want = ["harness: 2 cases (2 seeds)", "harness: 1/2 cases done, 0 failing so far",
            "harness: 2/2 cases passed (2 seeds)"]
    assert outs[0].stdout.splitlines() == want, outs[0].stdout
    assert outs[1].stdout == outs[0].stdout
    r = subprocess.run(cmd + ["-j", "0"], capture_output=True, text=True)
    assert r.returncode == 2 and "--jobs" in r.stderr


# ------------------------------------------------------------ several harts

# (seed, harts): gen.generate_harts draws the configuration, the geometry,
# --quantum and --bcast-latency; the number of harts is given here so that
# the fast cases cover 2, 3, 4, 8 and 16
HARTS_FAST = [(1, 2), (2, 3), (3, 4), (4, 8), (5, 16),
              # --quantum 1000, 2 harts: hart 0 behind by more than the time
              # between two completion points (of other IDs' patches) used the
              # version before; the checker allowed only the target of the
              # completion point right before, any ID's, and stopped the run
              (106, None),
              # --quantum 20, 8 harts: hart 7, behind in local time, passed the
              # barrier before the last ctlb.bcast of an ID reached its CTLB in
              # its time; its call after the barrier reached the version before
              # (the harness accepted it above --quantum 1 until a ctlb.sync's
              # retirement moved the broadcasts to the harts behind)
              (156, None),
              # --quantum 2, 16 harts: harts behind walked to the new target
              # before the broadcast reached them in their time; their switches
              # counted from that later arrival (a negative "cycles after")
              (51, None)]


@pytest.mark.parametrize("seed,n", HARTS_FAST, ids=lambda v: str(v))
def test_fuzz_harts(tmp_path, seed, n):
    """N harts calling shared IDs while patchers shoot them down: no checker
    violation, --xlat c / rtl, each with and without --lockstep, identical, the same run twice
    identical, every hart's registers, call counts per ID, the last version
    reached after the barrier and no regression as gen predicts."""
    need_ctsim()
    cfg, levels = harness.harts_config(seed)
    probs, prog = harness.check_harts(seed, tmp_path, cfg, levels, nharts=n)
    assert not probs, (f"seed {seed}, {n} harts, config {cfg}, --quantum {prog.quantum} "
                       f"--bcast-latency {prog.bcast_latency}:\n" + "\n".join(probs[:20]))


@pytest.mark.parametrize("bug", gen.BUGS)
@pytest.mark.parametrize("seed,n", [(3, None), (7, None)])
def test_fuzz_harts_planted_bugs_are_caught(tmp_path, bug, seed, n):
    """Cases with a planted bug (an IPI handler without ctlb.inv, a patcher
    that does not wait for the acknowledgements): the checker stops the run
    (status 2, its message) and the harness reports it. A bug shows only when
    a hart uses a stale entry after a completion point: the campaign with
    --bug catches noinv in most seeds, nowait (stale only until the IPI is
    taken) in about 40%; these seeds catch both."""
    need_ctsim()
    cfg, levels = harness.harts_config(seed)
    probs, prog = harness.check_harts(seed, tmp_path, cfg, levels, nharts=n, bug=bug)
    assert any("exit status 2" in p and "--check-shootdown" in p for p in probs), probs


def test_harts_generator_is_deterministic_and_draws_n():
    a, b = gen.generate_harts(11), gen.generate_harts(11)
    assert a.source == b.source and a.expect == b.expect
    assert (a.nharts, a.quantum, a.bcast_latency) == (b.nharts, b.quantum, b.bcast_latency)
    progs = [gen.generate_harts(s) for s in range(1, 41)]
    assert {p.nharts for p in progs} == set(gen.HART_COUNTS)
    assert len({p.quantum for p in progs}) >= 4
    for p in progs:
        assert f".set __ct_harts, {p.nharts}" in p.source
        # both mechanisms appear: ctlb.bcast and IPIs to msip
        assert sum(p.expect["final"]) - len(p.expect["final"]) == p.expect["patches"]
    text = "".join(p.source for p in progs)
    assert "CUSTOM_0, 3, 0, x0, x6, x0" in text and "CUSTOM_0, 4, 0" in text
    assert "amoswap.w.aq" in text


def test_harts_planted_bug_sources():
    """The planted bugs change only what they name: noinv drops the handler's
    ctlb.inv, nowait the patcher's wait for the acknowledgements (both use
    the software mechanism only, so their sources are otherwise the same)."""
    ok = gen.generate_harts(3, nharts=4).source
    noinv = gen.generate_harts(3, nharts=4, bug="noinv").source
    nowait = gen.generate_harts(3, nharts=4, bug="nowait").source

    def handler(src):
        return src[src.index("trap:"):src.index("bad_trap:")]

    inv = "CUSTOM_0, 1, 0, x0, x6, x0"
    assert inv in handler(ok) and inv in handler(nowait) and inv not in handler(noinv)
    wait = re.compile(r"lw t1, 0\(t0\)\n  bne t1, t2, \.Lg")
    assert wait.search(noinv) and not wait.search(nowait)
    assert "CUSTOM_0, 3, 0" not in noinv and "CUSTOM_0, 3, 0" not in nowait


def test_harts_model_mismatch_is_caught():
    """check_harts_model reports a wrong register, a wrong call count, a version
    after the last one, a stale last version, a regression, a missing checker
    line (a fake run, values worked out from the layout)."""
    prog = gen.generate_harts(1, nharts=2)
    nv, k = gen.MAX_VER, prog.nids
    words = []
    for h in range(2):
        w = [0] * prog.words
        for n, v in prog.expect["regs"][h].items():
            w[n] = v
        for j in range(k):
            w[32 + j * nv] = prog.expect["called"][h][j]     # every call at v1
            w[32 + k * nv + j] = prog.expect["final"][j]
        words.append(w)

    def run(ws, err=None, switches=()):
        out = "".join(f"{v:08x}\n" for w in ws for v in w)
        stats = {"exit": {"reason": "tohost"},
                 "hart": [{"ctlb": {"lookups": prog.expect["lookups"][h]},
                           "switches": list(switches) if h else []} for h in range(2)]}
        err = err if err is not None else \
            f"check-shootdown: {prog.expect['patches']} completion points, 9 lookups " \
            f"checked, no stale translation\n"
        return harness.ModeRun(("c", False), types.SimpleNamespace(
            returncode=0, stdout=out, stderr=err), json.dumps(stats), None)

    assert harness.check_harts_model(prog, run(words)) == []
    bad = copy.deepcopy(words)
    bad[1][8] ^= 1
    assert any("hart 1: x8" in p for p in harness.check_harts_model(prog, run(bad)))
    bad = copy.deepcopy(words)
    bad[0][32] += 1
    assert any("called" in p for p in harness.check_harts_model(prog, run(bad)))
    bad = copy.deepcopy(words)
    bad[0][32 + k * nv] = prog.expect["final"][0] + 1
    assert any("the call after the barrier" in p for p in harness.check_harts_model(prog, run(bad)))
    bad = copy.deepcopy(words)
    bad[1][-1] = 1
    assert any("older version" in p for p in harness.check_harts_model(prog, run(bad)))
    assert any("no check-shootdown line" in p
               for p in harness.check_harts_model(prog, run(words, err="")))
    sw = {"id": 7, "inv_cycle": 120, "call_cycle": 130}
    assert harness.check_harts_model(prog, run(words, switches=[sw])) == []
    assert any("hart 1: a switch of ID 0x7 at cycle 110 after an invalidate at 120" in p
               for p in harness.check_harts_model(
                   prog, run(words, switches=[dict(sw, call_cycle=110)])))


def test_campaign_cli_harts_and_bug(tmp_path):
    """The multi-hart campaign: seed 3 passes; with --bug noinv it passes
    because the bug is caught; --keep keeps nothing for passing cases."""
    need_ctsim()
    cmd = [sys.executable, str(pathlib.Path(harness.__file__)), "--harts", "--seeds", "3",
           "--keep", str(tmp_path)]
    for extra in ([], ["--bug", "noinv"]):
        r = subprocess.run(cmd + extra, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0 and "1/1 cases passed" in r.stdout, r.stdout + r.stderr
    assert not list(tmp_path.iterdir())
    # seed 2's run never uses a stale entry after a completion point: the
    # planted bug escapes, and the campaign says so
    r = subprocess.run(cmd[:4] + ["2", "--bug", "noinv"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 1 and "planted bug noinv not caught" in r.stdout, r.stdout
