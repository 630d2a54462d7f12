"""Decoded blocks (sim/cpu.c "decoded blocks", docs/ctsim.md "Speed") change no
result. Every case runs a program twice, with blocks (the default) and with
CTSIM_NO_BLOCKS=1 (every instruction through its own handler: the run loop
as it was before blocks, the reference), and the exit status, the console
output, the summary, --stats-json and --signature must be the same byte for
byte. The --host-stats line about blocks says how many ran: the cases that
must exercise them check that they did (else a test could pass with blocks
never entered). The edge cases are the ones a block must leave or never
enter exactly: interrupts, --max-cycles, --patch-at, --harts quanta,
self-modifying code, fence.i, traps inside a block, a device access.
"""
import os
import re
import subprocess

import pytest

from conftest import BUILD, need
from sim_helpers import ctsim, program

BLK_RE = re.compile(r"ctsim: decoded blocks: (\d+) built, (\d+) run to their end, "
                    r"(\d+) left early, (\d+) instructions in them, "
                    r"(\d+) entered by a link\n")


def run_once(d, elf, args, no_blocks, sig):
    d.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("CTSIM_NO_BLOCKS", None)
    if no_blocks:
        env["CTSIM_NO_BLOCKS"] = "1"
    js, sg = d / "stats.json", d / "sig.txt"
    for p in (js, sg):
        if p.exists():
            p.unlink()
    cmd = [str(ctsim()), "--stats-json", str(js), "--host-stats",
           *(["--signature", str(sg)] if sig else []), *map(str, args), str(elf)]
    r = subprocess.run(cmd, capture_output=True, timeout=600, env=env,
                       stdin=subprocess.DEVNULL)
    err = r.stderr.decode()
    m = BLK_RE.search(err)
    assert m, err[-2000:]
    # the host's figures vary from run to run; everything else must not
    # (and the note of the first use of an RTL configuration, which builds it)
    err = re.sub(r"(ctsim: host |xlat: building the RTL model)[^\n]*\n", "",
                 BLK_RE.sub("", err))
    res = (r.returncode, r.stdout, err, js.read_bytes() if js.exists() else None,
           sg.read_bytes() if sg.exists() else None)
    return res, tuple(int(g) for g in m.groups())


def both(tmp_path, elf, *args, sig=False, tag="run"):
    """Runs elf both ways; asserts the same results; returns (results, the
    blocks figures of the run with blocks)."""
    blk, counts = run_once(tmp_path / f"{tag}-blk", elf, args, False, sig)
    ref, rcounts = run_once(tmp_path / f"{tag}-ref", elf, args, True, sig)
    what = f"{elf.name} {' '.join(map(str, args))}"
    assert rcounts == (0, 0, 0, 0, 0), f"{what}: CTSIM_NO_BLOCKS=1 ran blocks {rcounts}"
    for i, name in enumerate(("exit status", "stdout", "summary", "--stats-json",
                              "--signature")):
        assert blk[i] == ref[i], f"{what}: {name} differs with blocks"
    return blk, counts


LATS = [[], ["--imem-lat", "2", "--dmem-lat", "3", "--mul-lat", "2", "--div-lat", "5"]]
LAT_IDS = ["lat1", "lat2-3"]

PROGRAMS = ["cycles/hello.elf", "cycles/bench_loop.elf", "cycles/callid_mix.elf",
            "cycles/roi_regions.elf", "cycles/htif_hello.elf", "cycles/bench_callid.elf",
            "firmware/hello/hello.elf", "firmware/trapdemo/trapdemo.elf",
            "firmware/trapdemo/trapdemo-unhandled.elf", "firmware/bench/bench-short.elf",
            "firmware/demo/demo.elf", "firmware/cmpbench/cmpbench.elf",
            "firmware/ctrt/ctrt.elf", "firmware/ctrt/ctrt-lazy.elf",
            "realprog/direct/mbedtls-small.elf", "realprog/direct/zlib-small.elf",
            "realprog/direct/lua-small.elf", "realprog/flat/lua-small.elf"]
ISA = ["alu", "amo", "branch", "csr", "div", "fencei", "jmpalign", "jump", "ldst",
       "lrsc", "msip", "mul", "timer", "traps"]


@pytest.mark.parametrize("lat", LATS, ids=LAT_IDS)
@pytest.mark.parametrize("prog", PROGRAMS)
def test_programs(tmp_path, prog, lat):
    elf = need(BUILD / prog, "all")
    _, n = both(tmp_path, elf, "--xlat", "c", *lat)
    if prog.startswith(("realprog", "firmware/bench")):
        assert n[1] > 1000 and n[3] > 0.5 * 1e5, f"{prog}: blocks hardly ran: {n}"


@pytest.mark.parametrize("lat", LATS, ids=LAT_IDS)
@pytest.mark.parametrize("name", ISA)
def test_isa(tmp_path, name, lat):
    elf = need(BUILD / "firmware" / "isa" / f"{name}.elf", "all")
    both(tmp_path, elf, *lat)


def test_signature_program(tmp_path):
    both(tmp_path, need(BUILD / "cycles" / "signature.elf", "all"), sig=True)


def test_commit_log_same(tmp_path):
    # --log-commits runs the logged copy, which has no blocks: the variable
    # must not change it either
    elf = need(BUILD / "firmware" / "bench" / "bench-short.elf", "all")
    logs = []
    for nb in (False, True):
        log = tmp_path / f"c{int(nb)}.log"
        run_once(tmp_path / f"l{int(nb)}", elf, ["--log-commits", log], nb, False)
        logs.append(log.read_bytes())
    assert logs[0] == logs[1] and len(logs[0]) > 1000


# ------------------------------------------------------------------ edges

# a straight line of 24 common instructions (loads, stores, ALU, mul) run
# 300 times: one block, most of its boundaries hit by the cases below
HOT = """
  la   a0, buf
  li   s0, 300
  li   s1, 0
loop:
  lw   t0, 0(a0)
  addi t0, t0, 3
  sw   t0, 0(a0)
  lw   t1, 4(a0)
  add  t1, t1, t0
  xor  t2, t1, s0
  mul  t3, t2, t0
  sw   t3, 4(a0)
  srli t4, t3, 3
  or   t4, t4, t1
  lbu  t5, 1(a0)
  add  s1, s1, t5
  sh   t4, 8(a0)
  lh   a1, 8(a0)
  sub  a2, a1, t2
  slli a3, a2, 2
  sltu a4, a3, t4
  add  s1, s1, a4
  andi a5, a2, 255
  add  s1, s1, a5
  lw   a6, 12(a0)
  add  a6, a6, s1
  sw   a6, 12(a0)
  addi s0, s0, -1
  bnez s0, loop
"""
HOT_DATA = "buf: .word 1, 2, 3, 4, 5, 6, 7, 8"

# the timer handler: counts in s2, sets the next interrupt DELTA cycles on
TIMER_SETUP = """
  la   t0, handler
  csrw mtvec, t0
  li   s2, 0
  li   t0, 0x0200BFF8
  lw   t1, 0(t0)
  addi t1, t1, {first}
  li   t0, 0x02004000
  sw   t1, 0(t0)
  sw   x0, 4(t0)
  li   t0, 0x80
  csrw mie, t0
  csrsi mstatus, 8
"""
TIMER_HANDLER = """
handler:
  addi s2, s2, 1
  li   t0, 0x0200BFF8
  lw   t1, 0(t0)
  addi t1, t1, {delta}
  li   t0, 0x02004000
  sw   t1, 0(t0)
  mret
"""


def timer_run(tmp_path, body, delta, counter, least):
    """body under timer interrupts DELTA cycles apart, both ways; the block
    figure n[counter] of --host-stats must exceed least."""
    elf = program(tmp_path, TIMER_SETUP.format(first=delta) + body,
                  extra=TIMER_HANDLER.format(delta=delta), data=HOT_DATA)
    (rc, _, err, _, _), n = both(tmp_path, elf)
    assert rc == 0 and n[counter] > least, (err, n)
    m = re.search(r"interrupts (\d+)", err)
    assert m and int(m.group(1)) > 100, err


def max_cycles_sweep(tmp_path, body, lat, counter, least, span):
    """--max-cycles at span consecutive cycles from the middle of body's run,
    both ways (exit status 3 each time)."""
    elf = program(tmp_path, body, data=HOT_DATA)
    (_, _, err, _, _), n = both(tmp_path, elf, *lat, tag="full")
    total = int(re.search(r"cycles\s+(\d+)", err).group(1))
    assert n[counter] > least
    for limit in range(total // 2, total // 2 + span):
        (rc, _, _, _, _), _ = both(tmp_path, elf, "--max-cycles", limit, *lat, tag=f"m{limit}")
        assert rc == 3


@pytest.mark.parametrize("delta", [23, 29, 31, 37, 41, 53])
def test_timer_at_every_boundary(tmp_path, delta):
    # the loop body is 25 instructions in about 28 cycles: interrupts DELTA
    # cycles apart land at every boundary of the block in turn
    timer_run(tmp_path, HOT + "  csrci mstatus, 8\n", delta, 1, 20)


@pytest.mark.parametrize("lat", LATS, ids=LAT_IDS)
def test_max_cycles_inside_blocks(tmp_path, lat):
    max_cycles_sweep(tmp_path, HOT, lat, 1, 100, 61)


def test_max_cycles_real_program(tmp_path):
    elf = need(BUILD / "firmware" / "bench" / "bench-short.elf", "all")
    for limit in range(100000, 100000 + 40 * 97, 97):
        (rc, _, _, _, _), _ = both(tmp_path, elf, "--max-cycles", limit, tag=f"m{limit}")
        assert rc == 3


def test_patch_at_cycles(tmp_path):
    elf = need(BUILD / "cycles" / "callid_mix.elf", "all")
    for c in range(40, 400, 9):
        both(tmp_path, elf, "--xlat", "c", "--patch-at", f"{c}:3:fn_a", tag=f"p{c}")


def test_patch_at_triggers(tmp_path):
    elf = need(BUILD / "firmware" / "demo" / "demo.elf", "all")
    for p in ["callid=3:0x10003:respond_v2", "entry=respond_v1:0x10003:respond_v2",
              "410000:0x10003:respond_v2", "99000000:0x10003:respond_v2"]:
        (rc, _, err, _, _), _ = both(tmp_path, elf, "--patch-at", p, tag=p.split(":")[0])
        assert rc == 0 or "was not applied" in err, err


@pytest.mark.parametrize("prog,harts", [("smp", 4), ("smpcall", 2), ("smpbench", 4)])
def test_harts_quanta(tmp_path, prog, harts):
    elf = need(BUILD / "firmware" / "smp" / f"{prog}.elf", "all")
    for q in [1, 2, 3, 5, 7, 13, 100, 1000]:
        (rc, _, err, _, _), _ = both(tmp_path, elf, "--harts", harts, "--quantum", q,
                                     tag=f"q{q}")
        assert rc == 0, err


def test_self_modifying_block(tmp_path):
    # each pass stores into the running block a later instruction of it
    # (addi s1, s1, 1 on even passes, 2 on odd ones): 50 passes add 75
    body = """
  la   a0, patch_me
  li   s0, 50
  li   s1, 0
  li   s3, 0x00148493
  li   s4, 0x00248493
loop:
  andi t0, s0, 1
  mv   t1, s3
  beqz t0, 1f
  mv   t1, s4
1:
  sw   t1, 0(a0)
  addi t2, t2, 1
  addi t3, t3, 1
patch_me:
  addi s1, s1, 1
  addi s0, s0, -1
  bnez s0, loop
  li   t0, 75
  bne  s1, t0, fail
"""
    elf = program(tmp_path, body)
    (rc, _, err, _, _), n = both(tmp_path, elf)
    assert rc == 0, err


def test_fence_i_after_store(tmp_path):
    body = """
  la   a0, patch_me
  li   s0, 40
  li   s1, 0
  li   s3, 0x00148493
  li   s4, 0x00348493
loop:
  andi t0, s0, 3
  mv   t1, s3
  bnez t0, 1f
  mv   t1, s4
1:
  sw   t1, 0(a0)
  fence.i
patch_me:
  addi s1, s1, 1
  addi s0, s0, -1
  bnez s0, loop
  li   t0, 60
  bne  s1, t0, fail
"""
    elf = program(tmp_path, body)
    (rc, _, err, _, _), _ = both(tmp_path, elf)
    assert rc == 0, err


# traps inside hot blocks: a load from outside RAM (access fault) and a
# misaligned jalr, each skipped by the handler; a console store (a device)
SKIP_HANDLER = """
handler:
  addi s2, s2, 1
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
"""


def test_traps_inside_blocks(tmp_path):
    body = """
  la   t0, handler
  csrw mtvec, t0
  li   s0, 200
  li   s2, 0
  la   a2, target
  addi a2, a2, 2
loop:
  addi t1, t1, 1
  li   a1, 0x10
  lw   t2, 0(a1)
  addi t1, t1, 1
  jalr ra, 0(a2)
  addi t1, t1, 1
  addi s0, s0, -1
  bnez s0, loop
  li   t0, 400
  bne  s2, t0, fail
  j    pass
target:
  ret
"""
    elf = program(tmp_path, body, extra=SKIP_HANDLER)
    (rc, _, err, _, _), n = both(tmp_path, elf)
    assert rc == 0, err
    assert n[2] > 100, n  # left early at the faulting instructions


def test_device_stores_inside_blocks(tmp_path):
    # mtimecmp stores from inside a block: the block is left before each
    body = """
  li   s0, 100
  li   a1, 0x02004000
loop:
  addi t1, t1, 1
  sw   s0, 4(a1)
  addi t1, t1, 1
  lw   t2, 4(a1)
  add  t1, t1, t2
  addi s0, s0, -1
  bnez s0, loop
"""
    elf = program(tmp_path, body)
    (rc, _, err, _, _), n = both(tmp_path, elf)
    assert rc == 0 and n[2] > 50, (err, n)


@pytest.mark.parametrize("seed", range(1, 25))
def test_fuzz_programs(tmp_path, seed):
    import sys
    sys.path.insert(0, str(BUILD.parent / "tests" / "fuzz"))
    import gen
    import harness
    prog = gen.generate(seed)
    elf = harness.assemble(prog, tmp_path)
    for backend in ("c", "rtl") if seed == 8 else ("c",):
        both(tmp_path, elf, "--xlat", backend, "--ctlb-levels", prog.levels_arg,
             "--max-cycles", harness.MAX_CYCLES, tag=backend)


# ------------------------------------------------------------------ links
# A block's exits are linked to the blocks after them (cpu.c blk_link): the
# fetch between them folded into constants when it is static, the link valid
# while the successor is the block it was made for.

# a loop of linked blocks: a taken branch, a branch not taken, a jal, a
# jalr call and its return, and two blocks cut at 32 instructions (a
# fall-through without a jump), after a mul and after a load, each of whose
# results the next block's first instruction uses (a stall across the link:
# the next block cannot run then; the instructions after it run on their
# own handlers up to the next jump)
CHAIN = """
  la   a0, buf
  li   s0, 200
  li   s1, 0
loop:
  lw   t0, 0(a0)
  addi t0, t0, 1
  sw   t0, 0(a0)
  andi t1, s0, 1
  beqz t1, 1f
  addi s1, s1, 3
1:
  mul  t2, t0, s0
  bnez t1, 2f
  add  s1, s1, t2
2:
  jal  ra, fn
  lw   t3, 4(a0)
  j    3f
3:
  add  s1, s1, t3
""" + "".join(f"  addi t4, t4, {i}\n" for i in range(30)) + """
  mul  a3, t4, s1
  add  s1, s1, a3
  j    4f
4:
""" + "".join(f"  addi t4, t4, {i}\n" for i in range(31)) + """
  lw   t4, 8(a0)
  add  s1, s1, t4
  xor  s1, s1, t4
  addi s0, s0, -1
  bnez s0, loop
  j    pass
fn:
  addi t5, t5, 1
  sw   t5, 4(a0)
  ret
"""


@pytest.mark.parametrize("lat", LATS, ids=LAT_IDS)
def test_linked_blocks(tmp_path, lat):
    elf = program(tmp_path, CHAIN, data=HOT_DATA)
    (rc, _, err, _, _), n = both(tmp_path, elf, *lat)
    assert rc == 0 and n[4] > 700, (err, n)


@pytest.mark.parametrize("delta", [23, 29, 31, 37, 41, 53])
def test_timer_between_linked_blocks(tmp_path, delta):
    timer_run(tmp_path, CHAIN.replace("  j    pass\n", "  csrci mstatus, 8\n  j    pass\n"),
              delta, 4, 100)


@pytest.mark.parametrize("lat", LATS, ids=LAT_IDS)
def test_max_cycles_in_linked_blocks(tmp_path, lat):
    max_cycles_sweep(tmp_path, CHAIN, lat, 4, 700, 70)


def test_linked_successor_rewritten(tmp_path):
    # every fourth pass writes one of four instruction words into the first
    # word of the block that the block before it is linked to by its jal:
    # two addi, a csrr (no block starts there then) and a load whose result
    # the next instruction uses; the passes between run the linked blocks
    adds = [0, 2, 0, 1]  # what each variant adds to s1
    expect, cur = 0, 1
    for s0 in range(60, 0, -1):
        if s0 % 4 == 0:
            cur = adds[(s0 >> 2) & 3]
        expect += cur
    body = f"""
  la   a0, patch_me
  la   a1, variants
  la   a2, buf
  li   s0, 60
  li   s1, 0
loop:
  andi t0, s0, 3
  bnez t0, run
  srli t0, s0, 2
  andi t0, t0, 3
  slli t0, t0, 2
  add  t0, t0, a1
  lw   t1, 0(t0)
  sw   t1, 0(a0)
run:
  addi t2, t2, 1
  j    patch_me
patch_me:
  addi s1, s1, 1
  add  t3, t3, t2
  addi s0, s0, -1
  bnez s0, loop
  li   t0, {expect}
  bne  s1, t0, fail
  j    pass
variants:
  csrr t2, mscratch
  addi s1, s1, 2
  lw   t2, 0(a2)
  addi s1, s1, 1
"""
    elf = program(tmp_path, body, data=HOT_DATA)
    (rc, _, err, _, _), n = both(tmp_path, elf)
    assert rc == 0 and n[4] > 50, (err, n)


def test_linked_successor_evicted(tmp_path):
    # b, c and e are 256 KiB apart (BLK_SLOTS words, cpu.c), and e is as far
    # from a: a's exit is linked to b while c replaces b in its slot of the
    # direct-mapped cache and back, and e's branch goes to a, which is in
    # e's own slot (never built into it while e runs)
    body = """
  li   s0, 100
  li   s1, 0
a:
  addi s1, s1, 1
  addi t0, t0, 2
  j    b
  .org 0x40000
b:
  addi s1, s1, 3
  xor  t0, t0, s1
  j    c
  .org 0x80000
c:
  addi s1, s1, 5
  or   t1, t1, t0
  j    e
  .org 0xc0000 + (a - _start)
e:
  addi s1, s1, 2
  addi s0, s0, -1
  bnez s0, a
  li   t0, 1100
  bne  s1, t0, fail
  j    pass
"""
    elf = program(tmp_path, body)
    (rc, _, err, _, _), n = both(tmp_path, elf)
    assert rc == 0 and n[0] > 250 and n[4] > 100, (err, n)


def test_jalr_link_targets(tmp_path):
    # one jalr with five targets in turn (its two links are for two at a
    # time, replaced after misses), and their returns to two call sites
    body = """
  la   a0, fns
  li   s0, 200
  li   s1, 0
  li   s2, 0
loop:
  slli t0, s2, 2
  add  t0, t0, a0
  lw   t1, 0(t0)
  jalr ra, 0(t1)
  addi s2, s2, 1
  li   t2, 5
  bne  s2, t2, 1f
  li   s2, 0
  jal  ra, f4
1:
  addi s0, s0, -1
  bnez s0, loop
  li   t0, 480
  bne  s1, t0, fail
  j    pass
f0:
  addi s1, s1, 1
  ret
f1:
  addi s1, s1, 2
  ret
f2:
  addi s1, s1, 3
  ret
f3:
  addi s1, s1, 4
  ret
f4:
  addi s1, s1, 1
  ret
"""
    elf = program(tmp_path, body, data="fns: .word f0, f1, f2, f3, f4")
    (rc, _, err, _, _), n = both(tmp_path, elf)
    assert rc == 0 and n[4] > 600, (err, n)


def test_linked_block_left_at_first(tmp_path):
    # the block the loop's branch links to starts with a device load, a
    # store to mtimecmp and a load that faults (its handler skips it): each
    # is left before its first instruction
    body = """
  la   t0, handler
  csrw mtvec, t0
  li   s0, 100
  li   s2, 0
  li   a1, 0x02004000
  li   a2, 0x10
  j    loop
loop:
  lw   t2, 4(a1)
  addi t1, t1, 1
  j    2f
2:
  sw   s0, 4(a1)
  addi t1, t1, 1
  j    3f
3:
  lw   t3, 0(a2)
  addi t1, t1, 1
  addi s0, s0, -1
  bnez s0, loop
  li   t0, 100
  bne  s2, t0, fail
"""
    elf = program(tmp_path, body, extra=SKIP_HANDLER)
    (rc, _, err, _, _), n = both(tmp_path, elf)
    assert rc == 0 and n[2] > 250, (err, n)


def test_regions_around_linked_blocks(tmp_path):
    # a block counts its runs and adds its instructions to the hart's
    # counters only when its slot is rebuilt (cpu_block_counts): ROI markers
    # every 20 passes of CHAIN's loop read them while blocks hold counts
    marked = CHAIN.replace("loop:\n", """loop:
  andi t5, s0, 15
  bnez t5, 5f
  slti x0, x0, 0x5c1
5:
  andi t5, s0, 31
  bnez t5, 6f
  slti x0, x0, 0x5c2
6:
""")
    elf = program(tmp_path, marked, data=HOT_DATA)
    (rc, _, err, js, _), n = both(tmp_path, elf)
    import json
    regions = json.loads(js)["regions"]
    assert rc == 0 and n[4] > 700 and len(regions) >= 6, (err, n, regions)
