"""TLB shootdowns on several harts (docs/platform.md "Shootdowns"): ctlb.bcast and
ctlb.sync (docs/isa.md), --bcast-latency, --quantum, --check-shootdown, and the
two mechanisms of firmware/common/shootdown.h run by firmware/shootdown/sdtest.c.

Expected cycle counts are worked by hand from docs/timing.md and the
interconnect's rules (a broadcast in E: own CTLB in E, the others in E + L,
complete in E + 2L); the planted bugs of sdtest must be caught by the checker.
"""
import re

import pytest

from fw_helpers import elf
from sim_helpers import program, run


def sd(name):
    return elf("shootdown", f"sdtest-{name}.elf")


# ------------------------------------------------------------ the instructions

SYNC_BODY = """
  li   t0, 5
  csrr a0, mcycle
  {first}
  .insn r CUSTOM_0, 4, 0, x0, x0, x0     # ctlb.sync
  csrr a1, mcycle
  sub  a2, a1, a0
  slli a2, a2, 1
  ori  a2, a2, 1
  sw   a2, 0(t6)
1: j 1b
"""


@pytest.mark.parametrize("backend", ["c", "rtl"])
@pytest.mark.parametrize("latency", [1, 4, 7])
def test_bcast_then_sync_one_hart(tmp_path, backend, latency):
    # csrr at E, ctlb.bcast at E + 1 (its broadcast complete at E + 1 + 2L),
    # ctlb.sync enters EX at E + 2 and holds it up to E + 1 + 2L, the second
    # csrr enters EX at E + 2 + 2L: the difference (the exit status) is 2L + 2
    p = program(tmp_path, SYNC_BODY.format(first=".insn r CUSTOM_0, 3, 0, x0, t0, x0"))
    r = run(p, "-q", "--xlat", backend, "--bcast-latency", latency)
    assert r.returncode == 2 * latency + 2, r.stderr


def test_sync_alone_costs_one_cycle(tmp_path):
    # nothing outstanding: ctlb.sync occupies EX for one cycle, like a nop
    p = program(tmp_path, SYNC_BODY.format(first="nop"))
    assert run(p, "-q", "--xlat", "c").returncode == 3


def test_bcast_flush_and_sync_in_the_summary(tmp_path):
    p = program(tmp_path, SYNC_BODY.format(first=".insn r CUSTOM_0, 3, 0, x0, x0, x0"))
    r = run(p, "--xlat", "c", "--log-commits", tmp_path / "log", "--log-disasm")
    assert r.returncode == 10, r.stderr
    log = (tmp_path / "log").read_text()
    assert re.search(r"ctlb\.bcast zero\s+# flush", log), log
    assert re.search(r"ctlb\.sync\b", log), log


# ------------------------------------------------------------ --quantum

IPI_BODY = """
  csrr a0, mhartid
  beqz a0, receiver
  li   t1, 0x02000000      # msip of hart 0
  li   t2, 1
  li   t3, 200
1: addi t3, t3, -1
  bnez t3, 1b
  csrr s0, mcycle          # E
  sw   t2, 0(t1)           # E + 1: hart 0's msip pends from E + 2
  la   t4, got
2: lw   t3, 0(t4)
  beqz t3, 2b
  sub  a2, t3, s0
  slli a2, a2, 1
  ori  a2, a2, 1
  sw   a2, 0(t6)
3: j 3b
receiver:
  la   t0, handler
  csrw mtvec, t0
  li   t0, 8
  csrw mie, t0
  csrs mstatus, t0
  .rept 3000
  nop
  .endr
  j    fail
  .align 2
handler:
  csrr s2, mcycle
  la   t0, got
  sw   s2, 0(t0)
4: j 4b
"""


def ipi_program(tmp_path):
    decl = "  .globl __ct_harts\n  .set __ct_harts, 2\n"
    return program(tmp_path, decl + IPI_BODY, data="got: .word 0")


def test_ipi_to_a_running_hart_within_a_cycle_at_quantum_1(tmp_path):
    # Hart 1 sends; hart 0 runs nops, one entering EX every cycle. At quantum 1
    # hart 0 is never past hart 1's cycle + 1 (ties go to hart 0): its next
    # boundary is E + 2, the msip's first cycle, so the interrupt bubble enters
    # EX at E + 2 and the handler's csrr 3 cycles later (as for a wfi wake,
    # docs/platform.md), at E + 5.
    r = run(ipi_program(tmp_path), "-q", "--harts", "2", "--quantum", "1")
    assert r.returncode == 5, r.stderr
    # at the default quantum hart 0 has run ahead when hart 1's store runs:
    # the interrupt is taken late, by less than the quantum
    r = run(ipi_program(tmp_path), "-q", "--harts", "2")
    assert 5 < r.returncode < 1000 + 5, r.stderr


def test_default_quantum_unchanged(tmp_path):
    # --quantum 1000 is the default: byte-identical output and statistics
    outs = []
    for extra in ([], ["--quantum", "1000"]):
        js = tmp_path / f"s{len(outs)}.json"
        r = run(elf("smp", "smp.elf"), "--harts", "4", "--stats-json", js, *extra)
        assert r.returncode == 0, r.stderr
        outs.append((r.stdout, r.stderr, js.read_text()))
    assert outs[0] == outs[1]


@pytest.mark.parametrize("opt,arg,rng", [("--quantum", "0", "1..1000000"),
                                         ("--quantum", "1000001", "1..1000000"),
                                         ("--quantum", "x", "1..1000000"),
                                         ("--bcast-latency", "0", "1..64"),
                                         ("--bcast-latency", "65", "1..64")])
def test_options_out_of_range(opt, arg, rng):
    r = run(sd("sw"), opt, arg)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and opt in lines[0] and rng in lines[0], r.stderr
    assert r.stdout == ""


# ------------------------------------------------------------ the mechanisms

def versions(stdout, n):
    """{hart: [(calls, first cycle) of v1, ..., v5]} from sdtest's lines."""
    got = {}
    for m in re.finditer(r"^hart +(\d+):(.*)$", stdout, re.M):
        got[int(m.group(1))] = [(int(c), int(f)) for c, f in
                                re.findall(r"v\d +(\d+) \(from +(\d+)\)", m.group(2))]
    assert sorted(got) == list(range(n)), stdout
    return got


@pytest.mark.parametrize("mech", ["sw", "hw", "both"])
@pytest.mark.parametrize("n", [2, 4, 16])
def test_mechanisms_pass_the_checker(mech, n):
    r = run(sd(mech), "--xlat", "c", "--harts", n, "--quantum", "1", "--check-shootdown",
            timeout=300)
    assert r.returncode == 0, r.stderr
    assert "sdtest: PASS" in r.stdout
    # four patches: four ctlb.sync, the completion points; lookups were checked
    m = re.search(r"check-shootdown: (\d+) completion points, (\d+) lookups checked, "
                  r"no stale translation", r.stderr)
    assert m and int(m.group(1)) == 4 and int(m.group(2)) > 0, r.stderr
    # every hart called every version, each after the one before, and the
    # new one no earlier than the patch's store (the cycle hart 0 printed
    # after its ctlb.sync is later than the store)
    done = [int(c) for c in re.findall(r" v\d (\d+)", re.search(
        r"^patches done at cycle:(.*)$", r.stdout, re.M).group(1))]
    assert len(done) == 4
    for h, calls in versions(r.stdout, n).items():
        assert len(calls) == 5 and all(c > 0 for c, _ in calls), (h, calls)
        firsts = [f for _, f in calls]
        assert firsts == sorted(firsts), (h, calls)
        for k in range(4):  # v(k+2) first seen after v(k+1)'s last patch finished
            assert firsts[k + 1] > (done[k - 1] if k else 0), (h, calls, done)


@pytest.mark.parametrize("bug", ["broken", "nowait"])
@pytest.mark.parametrize("n", [2, 4, 16])
def test_planted_bugs_are_caught(bug, n):
    # broken: the handler acknowledges without ctlb.inv; nowait: the patcher
    # does not wait for the acknowledgements while the other harts are in a
    # critical section (interrupts disabled) calling the ID
    r = run(sd(bug), "-q", "--xlat", "c", "--harts", n, "--quantum", "1",
            "--check-shootdown", timeout=300)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    m = re.fullmatch(r"ctsim: error: --check-shootdown: hart (\d+), cycle (\d+): ID 0x10001 "
                     r"translated to (0x[0-9a-f]{8}), a target the table no longer holds "
                     r"\(it holds (0x[0-9a-f]{8}); patch completed by the ctlb.sync of "
                     r"hart 0 in cycle (\d+)\)", lines[0])
    assert m, lines[0]
    assert int(m.group(1)) != 0 and int(m.group(2)) >= int(m.group(5))
    assert m.group(3) != m.group(4)
    # the same run without the checker does not notice (the bug is silent)
    r = run(sd(bug), "-q", "--xlat", "c", "--harts", n, "--quantum", "1", timeout=300)
    assert r.returncode == 0, r.stderr


def test_checker_off_by_default_same_results():
    a = run(sd("sw"), "--xlat", "c", "--harts", "4", "--quantum", "1", timeout=300)
    b = run(sd("sw"), "--xlat", "c", "--harts", "4", "--quantum", "1", "--check-shootdown",
            timeout=300)
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout
    assert "check-shootdown" not in a.stderr


def test_deterministic():
    outs = [run(sd("hw"), "--xlat", "c", "--harts", "4", "--quantum", "1",
                "--check-shootdown", timeout=300) for _ in range(2)]
    assert outs[0].returncode == 0
    assert outs[0].stdout == outs[1].stdout and outs[0].stderr == outs[1].stderr


def test_deadlocked_shootdown_names_the_deaf_hart():
    # hart 1 never enables interrupts: the software patcher waits for its
    # acknowledgement forever; --max-cycles stops the run and names it: the
    # only hart whose IPI still pends (the others took theirs and cleared it)
    r = run(sd("deaf"), "-q", "--xlat", "c", "--harts", "4", "--quantum", "1",
            "--check-shootdown", "--max-cycles", "200000", timeout=300)
    assert r.returncode == 3, r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith("ctsim: cycle limit reached: --max-cycles 200000")
    assert len(lines) == 5, lines
    assert re.fullmatch(r"ctsim:   hart 1: pc 0x[0-9a-f]{8}, \d+ instructions retired, "
                        r"running, interrupts disabled \(mstatus.MIE = 0\); its software "
                        r"interrupt pends since cycle (\d+), not taken", lines[2]), lines
    since = int(re.search(r"since cycle (\d+)", lines[2]).group(1))
    # the first patch is at 6000 cycles past hart 0's start (sdtest's GAP)
    assert since > 6000, lines
    for i in (0, 2, 3):
        assert "pends" not in lines[1 + i], lines


@pytest.mark.parametrize("latency", [1, 4, 9])
def test_switches_of_other_harts_count_from_the_broadcasts_arrival(latency):
    # the summary's switches: on hart 0 "after the invalidate at cycle E" (its
    # ctlb.bcast), on hart 1 the broadcast's arrival at its CTLB, E + L
    r = run(sd("hw"), "--xlat", "c", "--harts", "2", "--quantum", "1",
            "--bcast-latency", latency, timeout=300)
    assert r.returncode == 0, r.stderr
    blocks = re.split(r"^hart (\d+):$", r.stderr, flags=re.M)
    inv = {int(blocks[i]): [int(x) for x in re.findall(r"after the invalidate at cycle (\d+)",
                                                       blocks[i + 1])]
           for i in range(1, len(blocks) - 1, 2)}
    assert len(inv[0]) == 4 and len(inv[1]) == 4, r.stderr
    assert inv[1] == [e + latency for e in inv[0]], inv


# Hart 0 builds a table (ID 7 -> fn_a), hart 1 waits for it; after fixed
# delays hart 0 runs ctlb.bcast of ID 7 at some cycle B and hart 1 a callid of
# ID 7, a CTLB miss, at some cycle W, timed by mcycle (the exit status). Only
# --bcast-latency L changes between runs, and it changes nothing but the cycle
# B + L the broadcast reaches hart 1's CTLB.
TABLE_SETUP = """
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
"""
WALK_BODY = """
  csrr a0, mhartid
  la   s6, flags
  li   s4, 7
  bnez a0, 5f
""" + TABLE_SETUP + """
  ori  t0, s0, 1
  csrw 0x7c0, t0
  sw   t0, 0(s6)             # the table and its root for hart 1
  li   t3, 25
1: addi t3, t3, -1
  bnez t3, 1b
  .insn r CUSTOM_0, 3, 0, x0, s4, x0     # ctlb.bcast s4 (cycle B)
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
  li   t3, 30
6: addi t3, t3, -1
  bnez t3, 6b
  csrr s8, mcycle
  .insn r CUSTOM_0, 0, 0, ra, s4, x0     # callid ra, s4 (cycle W, a miss)
  csrr s9, mcycle
  sub  s9, s9, s8
  sw   s9, 8(s6)
  li   t0, 1
  sw   t0, 4(s6)
7: j 7b
  .align 2
fn_a:
  ret
"""
WALK_DATA = """
flags: .word 0, 0, 0
  .bss
  .align 12
ct_root: .space 16384
ct_l1:   .space 4096
ct_l2:   .space 4096
"""


@pytest.mark.parametrize("backend", ["c", "rtl"])
def test_broadcast_arriving_in_a_remote_walk_restarts_it(tmp_path, backend):
    # accelerator.md sections 4 and 6: a default miss requested in W reads
    # level 0 in W + 1 (answered W + 2), level 1 in W + 3, level 2 in W + 5,
    # and answers in W + 7; the walk is in flight from the edge after W to
    # the edge of W + 7. An invalidate in W + 1 .. W + 6 kills it: it waits
    # for the read it has open, then walks again from the root, so a kill in
    # the two cycles of level i costs the 2 (i + 1) cycles of levels 0..i.
    # One in W (the request cycle) or W + 7 (the answer) costs nothing. So
    # exactly 6 consecutive latencies L lengthen hart 1's callid, by 2, 2, 4,
    # 4, 6, 6 cycles, at --quantum 1 (hart 0's broadcast is queued before
    # hart 1 walks), on both backends (hart 1's CTLB is created by that
    # callid: the broadcast waits for it).
    decl = "  .globl __ct_harts\n  .set __ct_harts, 2\n"
    p = program(tmp_path, decl + WALK_BODY, data=WALK_DATA)
    lat = {}
    for L in range(1, 65):
        r = run(p, "-q", "--xlat", backend, "--harts", "2", "--quantum", "1",
                "--bcast-latency", L)
        assert r.returncode > 0, r.stderr
        lat[L] = r.returncode
    base = lat[64]
    longer = [L for L in lat if lat[L] > base]
    assert len(longer) == 6 and longer == list(range(longer[0], longer[0] + 6)), lat
    assert [lat[L] - base for L in longer] == [2, 2, 4, 4, 6, 6], lat
    assert all(lat[L] == base for L in lat if L not in longer), lat


@pytest.mark.parametrize("quantum", ["1", "1000"])
def test_two_rtl_accelerators_end_cleanly(tmp_path, quantum):
    # both harts' CTLBs on the RTL backend, hart 1's created first (its
    # callid), hart 0's second (a ctlb.inv); the run must end (plat_free
    # destroys the models in the order they were created: in hart order one
    # run of this shape, with a ctlb.bcast, hung in Verilator's destructor)
    decl = "  .globl __ct_harts\n  .set __ct_harts, 2\n"
    body = WALK_BODY.replace(".insn r CUSTOM_0, 3, 0, x0, s4, x0     # ctlb.bcast s4 (cycle B)",
                             ".insn r CUSTOM_0, 1, 0, x0, s4, x0     # ctlb.inv s4")
    body = body.replace("li   t3, 25", "li   t3, 40")  # after hart 1's callid
    assert body.count("ctlb.inv s4") == 1 and body.count("li   t3, 40") == 1
    p = program(tmp_path, decl + body, data=WALK_DATA)
    r = run(p, "-q", "--xlat", "rtl", "--harts", "2", "--quantum", quantum, timeout=60)
    assert r.returncode == 14, r.stderr  # the miss's latency, as with one CTLB per hart
    r = run(p, "-q", "--xlat", "c", "--harts", "2", "--quantum", quantum, timeout=60)
    assert r.returncode == 14, r.stderr


# Hart 0, behind hart 1 in local time, reads a flag hart 1 wrote after its
# ctlb.bcast + ctlb.sync (docs/platform.md "Lazy clocking"). Hart 0 builds
# the table (ID 7 -> fn_a), calls ID 7 (now in its CTLB), publishes the root
# and parks in wfi until its timer at cycle 400. Hart 1 takes the root and,
# at about cycle 600, stores the leaf fn_b, runs ctlb.bcast of ID 7 (cycle B)
# and ctlb.sync, and sets the flag. At --quantum >= 1000 the schedule runs
# hart 1's whole patch before hart 0 wakes (hart 1's piece starts at 0), so
# hart 0 reads the flag at a local time C < B + L: the broadcast's arrival
# in its time is still ahead. Memory is coherent in schedule order, so hart 0
# must not use its old entry either: its callid reaches fn_b. The exit
# status is the version reached (1: fn_a, 2: fn_b) plus 4 when hart 0 called
# before B + L in its own time (the case above, not the one of --quantum 1).
# Without the first callid hart 0's CTLB does not exist yet when the
# broadcast is sent: its first walk reads the new leaf (nothing to lose).
FIRST_CALL = """
  .insn r CUSTOM_0, 0, 0, ra, s4, x0     # callid ra, s4: fn_a, a CTLB entry
  li   t1, 1
  bne  a5, t1, fail
"""
BEHIND_BODY = """
  csrr a0, mhartid
  la   s6, flags
  li   s4, 7
  la   s2, ct_l2
  bnez a0, 5f
""" + TABLE_SETUP + """
  ori  t0, s0, 1
  csrw 0x7c0, t0
{first}
  li   t2, 0x02004000        # mtimecmp of hart 0 = 400
  li   t1, -1
  sw   t1, 0(t2)
  sw   zero, 4(t2)
  li   t1, 400
  sw   t1, 0(t2)
  li   t1, 0x80              # mie.MTIE, mstatus.MIE clear: wfi only waits
  csrw mie, t1
  sw   t0, 0(s6)             # the root for hart 1
  wfi
2: lw   t0, 4(s6)            # the patch is complete
  beqz t0, 2b
  lw   t1, 8(s6)             # B: hart 1's ctlb.bcast cycle
  csrr t2, mcycle            # C: the callid enters EX at C + 1
  .insn r CUSTOM_0, 0, 0, ra, s4, x0     # callid ra, s4
  addi t1, t1, {latency}
  sltu t1, t2, t1            # C < B + L
  slli t1, t1, 2
  or   a5, a5, t1
  slli a5, a5, 1
  ori  a5, a5, 1
  sw   a5, 0(t6)
3: j 3b
5: lw   t0, 0(s6)
  beqz t0, 5b
  csrw 0x7c0, t0
  li   t3, 150
6: addi t3, t3, -1
  bnez t3, 6b
  la   t0, fn_b
  ori  t0, t0, 3
  sw   t0, 28(s2)            # the new leaf of ID 7
  csrr t1, mcycle
  addi t1, t1, 1
  .insn r CUSTOM_0, 3, 0, x0, s4, x0     # ctlb.bcast s4 (cycle B = t1)
  .insn r CUSTOM_0, 4, 0, x0, x0, x0     # ctlb.sync
  sw   t1, 8(s6)
  li   t0, 1
  sw   t0, 4(s6)             # the flag
7: j 7b
  .align 2
fn_a:
  li   a5, 1
  ret
fn_b:
  li   a5, 2
  ret
"""


@pytest.mark.parametrize("cached", [True, False])
@pytest.mark.parametrize("backend", ["c", "rtl"])
@pytest.mark.parametrize("quantum", [1, 1000, 100000])
def test_a_hart_behind_sees_a_completed_broadcast(tmp_path, backend, quantum, cached):
    decl = "  .globl __ct_harts\n  .set __ct_harts, 2\n"
    body = BEHIND_BODY.format(latency=4, first=FIRST_CALL if cached else "")
    p = program(tmp_path, decl + body,
                data=WALK_DATA.replace(".word 0, 0, 0", ".word 0, 0, 0, 0"))
    r = run(p, "--xlat", backend, "--harts", "2", "--quantum", quantum,
            "--bcast-latency", "4", "--check-shootdown", timeout=60)
    behind = 4 if quantum > 1 else 0
    assert r.returncode == 2 + behind, (r.returncode, r.stderr)
    assert "no stale translation" in r.stderr, r.stderr
