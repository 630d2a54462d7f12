"""One CTLB shared by every hart (ctsim --ctlb-shared, docs/platform.md "A
shared CTLB"): its request-port arbiter (the lowest hart index first in a
cycle; a request waits while the CTLB walks for another hart), the invalidate
of another hart restarting a walk in flight, ctlb.bcast as one invalidate, the
figures in the summary and --stats-json, identity with one hart, both
backends, --lockstep, determinism, and the shootdown demos under
--check-shootdown.

Expected cycles are worked by hand from docs/timing.md and accelerator.md
sections 3, 4 and 6 at --quantum 1 (the comments below).
"""
import json
import re

import pytest

from fw_helpers import elf
from sim_helpers import program, run

# Both harts run the same code, so that up to the `bnez a0` of phase 3 their
# timelines are the same cycle for cycle. Each phase starts after a wfi that
# waits for the hart's timer at an absolute cycle (mtimecmp = T, mtime = the
# cycle), which puts both harts on the same cycles again.
#   phase 1: a callid of ID 7 by both in the same cycle W: hart 0 wins the
#     port and misses (a 3-level walk answers in W + 7, accelerator.md 4);
#     hart 1 waits W .. W + 7 and is presented in W + 8 (the port takes a
#     request the cycle after RESP, accelerator.md 3), a hit of hart 0's
#     refill. X = 8 and 9.
#   phase 2: a callid of ID 7 by both in one cycle E, both hits: hart 0 in
#     E, hart 1 presented in E + 1. X = 1 and 2.
#   phase 3: hart 0 a callid of ID 8 (a miss) in W; hart 1, whose taken
#     branch puts it 2 cycles behind, stores a new leaf for ID 8 (fn_b) in
#     W + 1 and runs ctlb.inv of ID 8 in W + 2, during the walk's level-0
#     read: the walk restarts (accelerator.md 6: a kill in level 0 costs 2
#     cycles), X = 10, and reaches fn_b.
# A measure is mcycle after minus mcycle before: csrr, callid (X cycles),
# the target's li (enters EX 2 cycles after the redirect E + X) and ret
# (jalr: 2 more), csrr: X + 7.
BODY = """
  csrr a0, mhartid
  la   s6, flags
  li   s4, 7
  li   s5, 8
  la   s0, ct_root
  la   s1, ct_l1
  la   s2, ct_l2
  ori  t0, s1, 1
  sw   t0, 0(s0)
  ori  t0, s2, 1
  sw   t0, 0(s1)
  la   t0, fn_a
  ori  t0, t0, 3
  sw   t0, 28(s2)            # leaf of ID 7
  sw   t0, 32(s2)            # leaf of ID 8
  la   t1, fn_b
  ori  t1, t1, 3
  ori  t0, s0, 1
  csrw 0x7c0, t0
  li   t2, 0x02004000
  slli t3, a0, 3
  add  t2, t2, t3            # this hart's mtimecmp
  li   t0, 0x80
  csrw mie, t0               # MTIE (mstatus.MIE stays 0: wfi only waits)
  li   t0, 400
  sw   t0, 0(t2)
  wfi
  csrr s8, mcycle
  .insn r CUSTOM_0, 0, 0, ra, s4, x0     # phase 1: callid ra, s4
  csrr s9, mcycle
  sub  s9, s9, s8
  li   t0, 600
  sw   t0, 0(t2)
  wfi
  csrr s8, mcycle
  .insn r CUSTOM_0, 0, 0, ra, s4, x0     # phase 2: callid ra, s4
  csrr s10, mcycle
  sub  s10, s10, s8
  li   t0, 800
  sw   t0, 0(t2)
  wfi
  bnez a0, 8f
  csrr s8, mcycle
  .insn r CUSTOM_0, 0, 0, ra, s5, x0     # phase 3: callid ra, s5 (a miss)
  csrr s11, mcycle
  sub  s11, s11, s8
  mv   s7, a5                # 1: fn_a, 2: fn_b
  j    9f
8: sw   t1, 32(s2)            # hart 1: the new leaf of ID 8
  .insn r CUSTOM_0, 1, 0, x0, s5, x0     # ctlb.inv s5
  sw   s9, 8(s6)
  sw   s10, 12(s6)
  li   t0, 1
  sw   t0, 4(s6)
7: j 7b
9: lw   t0, 4(s6)             # hart 0: wait for hart 1's figures
  beqz t0, 9b
  {pick}
  slli a2, a2, 1
  ori  a2, a2, 1
  sw   a2, 0(t6)
3: j 3b
  .align 2
fn_a:
  li   a5, 1
  ret
fn_b:
  li   a5, 2
  ret
"""
DATA = """
flags: .word 0, 0, 0, 0
  .bss
  .align 12
ct_root: .space 16384
ct_l1:   .space 4096
ct_l2:   .space 4096
"""
PICKS = {
    "h0_phase1": "mv a2, s9",
    "h1_phase1": "lw a2, 8(s6)",
    "h0_phase2": "mv a2, s10",
    "h1_phase2": "lw a2, 12(s6)",
    "h0_phase3": "mv a2, s11",
    "h0_target3": "mv a2, s7",
}
DECL = "  .globl __ct_harts\n  .set __ct_harts, 2\n"


def phases_program(tmp_path, pick):
    return program(tmp_path, DECL + BODY.replace("{pick}", PICKS[pick]),
                   data=DATA, name=pick)


# shared CTLB, --quantum 1: worked out above
SHARED = {"h0_phase1": 15, "h1_phase1": 16, "h0_phase2": 8, "h1_phase2": 9,
          "h0_phase3": 17, "h0_target3": 2}


@pytest.mark.parametrize("backend", ["c", "rtl"])
@pytest.mark.parametrize("pick", sorted(SHARED))
def test_hand_worked_cycles(tmp_path, backend, pick):
    p = phases_program(tmp_path, pick)
    r = run(p, "-q", "--xlat", backend, "--harts", "2", "--quantum", "1",
            "--ctlb-shared")
    assert r.returncode == SHARED[pick], (pick, r.stderr)


def test_per_hart_ctlbs_for_comparison(tmp_path):
    # without --ctlb-shared nothing waits: both harts miss in phase 1 (X = 8),
    # both hit in phase 2 (X = 1), and hart 1's ctlb.inv reaches only its
    # own CTLB: hart 0's walk is not restarted (X = 8)
    want = {"h0_phase1": 15, "h1_phase1": 15, "h0_phase2": 8, "h1_phase2": 8,
            "h0_phase3": 15}
    for pick, v in want.items():
        r = run(phases_program(tmp_path, pick), "-q", "--xlat", "c", "--harts", "2",
                "--quantum", "1")
        assert r.returncode == v, (pick, r.stderr)


def test_stall_and_port_figures(tmp_path):
    # hart 1 waited 8 cycles (phase 1) and 1 (phase 2) for the port: 2
    # requests, 9 cycles; hart 0 never waited, its walks' cycles are ctlb
    # stalls: 7 (phase 1) + 9 (phase 3, with the restart)
    p = phases_program(tmp_path, "h0_phase1")
    js = tmp_path / "s.json"
    r = run(p, "--xlat", "c", "--harts", "2", "--quantum", "1", "--ctlb-shared",
            "--stats-json", js)
    assert r.returncode == 15, r.stderr
    s = json.loads(js.read_text())
    assert s["ctlb_shared"] == {"port_waits": 2, "port_wait_cycles": 9}, s["ctlb_shared"]
    h0, h1 = s["hart"][0]["stalls"], s["hart"][1]["stalls"]
    assert h0["ctlb_port"] == 0 and h1["ctlb_port"] == 9, (h0, h1)
    assert h0["ctlb"] == 7 + 9 and h1["ctlb"] == 0, (h0, h1)
    # every cycle of hart 0 (it ends by a store) is an instruction's or a
    # stall's (timing.md "Stall statistics"), though its lookups were parked
    # and executed again: no gap counted twice
    g = s["hart"][0]
    assert g["cycles"] == (2 + g["instructions"] + g["traps"] + g["interrupts"] - 1
                           + g["stalls"]["total"] + 3), g
    assert "by 2 harts" in r.stderr and "2 requests waited for its port, 9 cycles" in r.stderr
    assert re.search(r"ctlb 0 ctlb_port 9\n", r.stderr), r.stderr
    # without the option the stall line and the JSON are as before
    r = run(p, "--xlat", "c", "--harts", "2", "--quantum", "1", "--stats-json", js)
    assert "ctlb_port" not in r.stderr and "ctlb shared" not in r.stderr
    s = json.loads(js.read_text())
    assert "ctlb_shared" not in s and "ctlb_port" not in s["hart"][1]["stalls"]


GAPS_BODY = """
  la   s0, ct_root
  la   s1, ct_l1
  la   s2, ct_l2
  ori  t0, s1, 1
  sw   t0, 0(s0)
  ori  t0, s2, 1
  sw   t0, 0(s1)
  la   t0, fn_a
  ori  t0, t0, 3
  sw   t0, 28(s2)
  ori  t0, s0, 1
  csrw 0x7c0, t0
  li   s4, 7
  la   s6, flags
  sw   s4, 0(s6)
  lw   t0, 0(s6)
  .insn r CUSTOM_0, 0, 0, ra, t0, x0     # callid after a load: load_use
  j    1f
1: .insn r CUSTOM_0, 0, 0, ra, s4, x0     # after a jal
  beq  x0, x0, 2f
2: .insn r CUSTOM_0, 0, 0, ra, s4, x0     # after a taken branch
  .insn r CUSTOM_0, 2, 0, t1, s4, x0     # xlat right after
  j    pass
fn_a:
  ret
"""


@pytest.mark.parametrize("backend", ["c", "rtl"])
def test_parked_lookups_count_their_gap_once(tmp_path, backend):
    # both harts present every lookup in the same cycle, so hart 0's are
    # parked (hart 1 could still act in that cycle) and executed again: the
    # gap before each (load_use, jal, branch, jalr) must be counted once, so
    # every cycle of hart 0 (it ends by a store) is an instruction's or a
    # stall's (timing.md "Stall statistics"), and the causes are those of
    # the run with a CTLB per hart but for hart 1's waits
    p = program(tmp_path, DECL + GAPS_BODY, data=DATA, name="gaps")
    js = tmp_path / "s.json"
    got = {}
    for shared in ([], ["--ctlb-shared"]):
        r = run(p, "--xlat", backend, "--harts", "2", "--quantum", "1",
                "--stats-json", js, *shared)
        assert r.returncode == 0, r.stderr
        g = json.loads(js.read_text())["hart"][0]
        assert g["cycles"] == (2 + g["instructions"] + g["traps"] + g["interrupts"] - 1
                               + g["stalls"]["total"] + 3), (shared, g)
        got[bool(shared)] = g["stalls"]
    # hart 0 always wins the port: its stalls are the same as with its own CTLB
    assert got[True].pop("ctlb_port") == 0, got
    assert got[True] == got[False], got


def test_lockstep_and_backends_identical(tmp_path):
    p = phases_program(tmp_path, "h0_phase3")
    outs = []
    for extra in ([], ["--lockstep"]):
        for backend in ("c", "rtl"):
            js = tmp_path / "s.json"
            r = run(p, "--xlat", backend, "--harts", "2", "--quantum", "1",
                    "--ctlb-shared", "--stats-json", js, *extra)
            assert r.returncode == 17, r.stderr
            s = json.loads(js.read_text())
            for h in s["hart"]:
                h.pop("ctlb", None)  # the backend's name and clocked cycles
            outs.append((r.stdout, json.dumps(s, sort_keys=True)))
    assert all(o == outs[0] for o in outs), "backends or --lockstep differ"


SYNC_BODY = """
  li   t0, 5
  csrr a0, mcycle
  .insn r CUSTOM_0, 3, 0, x0, t0, x0     # ctlb.bcast t0
  .insn r CUSTOM_0, 4, 0, x0, x0, x0     # ctlb.sync
  csrr a1, mcycle
  sub  a2, a1, a0
  slli a2, a2, 1
  ori  a2, a2, 1
  sw   a2, 0(t6)
1: j 1b
"""


@pytest.mark.parametrize("latency", [1, 4])
def test_bcast_is_one_invalidate(tmp_path, latency):
    # the shared CTLB is every hart's: the broadcast is its invalidate in E,
    # complete at its edge, so ctlb.sync in E + 1 takes one cycle: csrr,
    # ctlb.bcast, ctlb.sync, csrr: 3 (2L + 2 with a CTLB per hart)
    p = program(tmp_path, DECL + SYNC_BODY)
    for shared, want in ((["--ctlb-shared"], 3), ([], 2 * latency + 2)):
        r = run(p, "-q", "--xlat", "c", "--harts", "2", "--bcast-latency", latency,
                *shared)
        assert r.returncode == want, (shared, r.stderr)


def test_one_hart_identical(tmp_path):
    one = program(tmp_path, """
  la   s0, ct_root
  la   s1, ct_l1
  la   s2, ct_l2
  ori  t0, s1, 1
  sw   t0, 0(s0)
  ori  t0, s2, 1
  sw   t0, 0(s1)
  la   t0, fn_a
  ori  t0, t0, 3
  sw   t0, 28(s2)
  ori  t0, s0, 1
  csrw 0x7c0, t0
  li   s4, 7
  .insn r CUSTOM_0, 0, 0, ra, s4, x0
  .insn r CUSTOM_0, 0, 0, ra, s4, x0
  j    pass
fn_a:
  ret
""", data=DATA.replace("flags: .word 0, 0, 0, 0\n", ""), name="one")
    js = tmp_path / "a.json"
    a = run(one, "--xlat", "c", "--stats-json", js)
    ja = js.read_bytes()
    b = run(one, "--xlat", "c", "--ctlb-shared", "--stats-json", js)
    assert a.returncode == b.returncode == 0, a.stderr
    assert (a.stdout, a.stderr, ja) == (b.stdout, b.stderr, js.read_bytes())


def test_wave_refused(tmp_path):
    p = phases_program(tmp_path, "h0_phase1")
    r = run(p, "--harts", "2", "--ctlb-shared", "--wave", tmp_path / "w.vcd")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--wave" in lines[0] and "--ctlb-shared" in lines[0], r.stderr
    assert not (tmp_path / "w.vcd").exists()


# ------------------------------------------------------------ firmware

def sd(name):
    return elf("shootdown", f"sdtest-{name}.elf")


@pytest.mark.parametrize("n", [2, 4, 16])
def test_smp_deterministic(tmp_path, n):
    outs = []
    for i in range(2):
        js = tmp_path / f"s{i}.json"
        r = run(elf("smp", "smpcall.elf"), "--harts", n, "--ctlb-shared",
                "--stats-json", js, timeout=300)
        assert r.returncode == 0, r.stderr
        outs.append((r.stdout, r.stderr, js.read_bytes()))
    assert outs[0] == outs[1], f"--harts {n}: two runs differ"
    assert json.loads(outs[0][2])["harts"] == n


@pytest.mark.parametrize("mech", ["sw", "hw", "both"])
@pytest.mark.parametrize("n", [2, 4])
def test_shootdowns_pass_the_checker(mech, n):
    r = run(sd(mech), "--xlat", "c", "--harts", n, "--quantum", "1", "--ctlb-shared",
            "--check-shootdown", timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("sdtest: PASS\n"), r.stdout
    assert re.search(r"check-shootdown: 4 completion points, \d+ lookups checked, "
                     r"no stale translation", r.stderr), r.stderr


@pytest.mark.parametrize("bug", ["broken", "nowait"])
def test_planted_bugs_are_no_bugs_with_one_ctlb(bug):
    # the handler's ctlb.inv (broken: missing) and the wait for the other
    # harts (nowait: skipped) are not needed when the patcher's own ctlb.inv
    # reaches the only CTLB: a correct shootdown, which the checker passes
    r = run(sd(bug), "--xlat", "c", "--harts", "4", "--quantum", "1", "--ctlb-shared",
            "--check-shootdown", timeout=300)
    assert r.returncode == 0, r.stderr
    assert "no stale translation" in r.stderr, r.stderr


# Hart 0 builds the table (ID 7 -> fn_a) and calls ID 7 (its walk fills the
# shared CTLB), stores a new leaf (fn_b), {inv}runs ctlb.sync (a completion
# point) and tells hart 1, which then calls ID 7: without an invalidate it
# hits the old entry, which --check-shootdown must catch; with one it walks
# to fn_b. The exit status is the marker fn_b or fn_a leaves (2 or 1).
NOINV_BODY = """
  csrr a0, mhartid
  la   s6, flags
  li   s4, 7
  bnez a0, 5f
""" + """
  la   s0, ct_root
  la   s1, ct_l1
  la   s2, ct_l2
  ori  t0, s1, 1
  sw   t0, 0(s0)
  ori  t0, s2, 1
  sw   t0, 0(s1)
  la   t0, fn_a
  ori  t0, t0, 3
  sw   t0, 28(s2)
  ori  t0, s0, 1
  csrw 0x7c0, t0
  .insn r CUSTOM_0, 0, 0, ra, s4, x0     # callid ra, s4: fills the CTLB
  la   t0, fn_b
  ori  t0, t0, 3
  sw   t0, 28(s2)            # the new leaf
  {inv}
  .insn r CUSTOM_0, 4, 0, x0, x0, x0     # ctlb.sync
  ori  t0, s0, 1
  sw   t0, 0(s6)
2: lw   t0, 4(s6)
  beqz t0, 2b
  lw   a2, 8(s6)
  slli a2, a2, 1
  ori  a2, a2, 1
  sw   a2, 0(t6)
3: j 3b
5: lw   t0, 0(s6)
  beqz t0, 5b
  csrw 0x7c0, t0
  .insn r CUSTOM_0, 0, 0, ra, s4, x0     # callid ra, s4
  sw   a5, 8(s6)
  li   t0, 1
  sw   t0, 4(s6)
7: j 7b
  .align 2
fn_a:
  li   a5, 1
  ret
fn_b:
  li   a5, 2
  ret
"""


@pytest.mark.parametrize("quantum", ["1", "1000"])
@pytest.mark.parametrize("inv", [True, False])
def test_checker_catches_a_patch_without_invalidate(tmp_path, quantum, inv):
    body = NOINV_BODY.replace("{inv}", ".insn r CUSTOM_0, 1, 0, x0, s4, x0" if inv else "nop")
    p = program(tmp_path, DECL + body, data=DATA, name=f"noinv{inv}")
    r = run(p, "--xlat", "c", "--harts", "2", "--quantum", quantum, "--ctlb-shared",
            "--check-shootdown")
    if inv:  # fn_b's marker, no error
        assert r.returncode == 2 and "error" not in r.stderr, r.stderr
        assert "no stale translation" in r.stderr, r.stderr
    else:  # the checker's error (status 2); without it, fn_a's marker
        assert r.returncode == 2, r.stderr
        assert run(p, "-q", "--xlat", "c", "--harts", "2", "--quantum", quantum,
                   "--ctlb-shared").returncode == 1
        assert re.search(r"--check-shootdown: hart 1, cycle \d+: ID 0x7 translated to "
                         r"0x[0-9a-f]{8}, a target the table no longer holds", r.stderr), r.stderr
