"""Several harts (ctsim --harts N, docs/platform.md): the option's errors, the
start-up check (__ct_harts), determinism for N = 1, 2, 4, 16, a spinlock
counter (N * K by theory), the A extension's reservation broken by another
hart's store, IPIs and per-hart timers at the cycles timing.md gives, and the
deadlock and --max-cycles reports.

The assembly programs go through sim_helpers.program() (every hart starts at
_start: `la t6, tohost`, then the body) and declare `__ct_harts` themselves.
"""
import json
import re
import subprocess

import pytest

from fw_helpers import ROOT, elf
from sim_helpers import program, run

SMP_ELF = ("smp", "smp.elf")
K = 100  # firmware/smp/smp.c's increments per hart


def harts_program(tmp_path, body, n=2, extra="", data="", name="prog"):
    decl = f"  .globl __ct_harts\n  .set __ct_harts, {n}\n  .option arch, +a\n"
    return program(tmp_path, decl + body, extra=extra, data=data, name=name)


# ------------------------------------------------------------ bad input

@pytest.mark.parametrize("arg", ["0", "17", "two", "", "-1"])
def test_harts_out_of_range(tmp_path, arg):
    r = run(elf(*SMP_ELF), "--harts", arg)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--harts" in lines[0] and "1..16" in lines[0], r.stderr


def test_harts_need_an_smp_start_up(tmp_path):
    # hello's start-up gives one hart a stack: no __ct_harts symbol
    r = run(elf("hello", "hello.elf"), "--harts", "2")
    assert r.returncode == 2
    assert "no __ct_harts symbol" in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert r.stdout == ""  # nothing ran


def test_harts_more_than_the_start_up_supports(tmp_path):
    p = harts_program(tmp_path, "  nop", n=2)
    r = run(p, "--harts", "4")
    assert r.returncode == 2
    assert "starts at most 2 harts" in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert run(p, "-q", "--harts", "2").returncode == 0


# ------------------------------------------------------------ the demo

@pytest.mark.parametrize("n", [1, 2, 4, 16])
def test_smp_demo_deterministic(tmp_path, n):
    outs = []
    for i in range(2):
        js = tmp_path / f"s{i}.json"
        r = run(elf(*SMP_ELF), "--harts", str(n), "--stats-json", js)
        assert r.returncode == 0, r.stderr
        outs.append((r.stdout, r.stderr, js.read_bytes()))
    assert outs[0] == outs[1], f"--harts {n}: two runs differ"
    out = outs[0][0]
    # every hart adds 1 K times under the spinlock: N * K
    assert f"counter: {n * K} " in out, out
    assert f"harts: {n}\n" in out and f"ipi acks: {n - 1}\n" in out, out
    assert "timer order: " + " ".join(map(str, range(n))) + "\n" in out, out
    assert out.endswith("smp: PASS\n"), out
    s = json.loads(outs[0][2])
    if n == 1:
        assert "harts" not in s  # one hart: the one-hart object, as before
    else:
        assert s["harts"] == n and len(s["hart"]) == n
        assert s["instructions"] == sum(h["instructions"] for h in s["hart"])
        assert s["cycles"] == max(h["cycles"] for h in s["hart"])


def test_summary_per_hart_and_total(tmp_path):
    r = run(elf(*SMP_ELF), "--harts", "2")
    assert r.returncode == 0
    assert "hart 0:\n" in r.stderr and "hart 1:\n" in r.stderr, r.stderr
    assert "harts 2: instructions " in r.stderr, r.stderr


@pytest.mark.parametrize("n", [2, 4])
def test_every_harts_summary_names_its_ids(tmp_path, n):
    """firmware/smp/smpcall.c: hart h calls only ID 0x100 + h, which its
    CT_REGISTER lines give the static function add<h+1> (so its ELF name is
    add<h+1>@smpcall.c, docs/ctsim.md). Every hart's summary block and JSON
    object names its ID so, not only hart 0's (the names are loaded once)."""
    js = tmp_path / "s.json"
    r = run(elf("smp", "smpcall.elf"), "--harts", str(n), "--stats-json", js)
    assert r.returncode == 0, r.stderr
    blocks = re.split(r"^hart (\d+):\n", r.stderr, flags=re.M)[1:]
    assert [int(b) for b in blocks[0::2]] == list(range(n)), r.stderr
    harts = json.loads(js.read_text())["hart"]
    for h, text in enumerate(blocks[1::2]):
        name = f"add{h + 1}@smpcall.c"
        rows = re.findall(r"^    (0x[0-9a-f]{8}) .* (\S+)$", text, re.M)
        assert rows == [(f"0x{0x100 + h:08x}", name)], f"hart {h}: {rows}"
        fns = [(f["id"], f["name"]) for f in harts[h]["functions"]]
        assert fns == [(0x100 + h, name)], f"hart {h}: {fns}"


# ------------------------------------------------------------ reservations

LRSC = """
  csrr a0, mhartid
  la s0, word
  la s1, f1
  la s2, f0
  la s3, res
  bnez a0, 5f
1:lw t0, 0(s1)            # hart 0: wait until hart 1 holds the reservation
  beqz t0, 1b
  li t0, 99
  {other}
  li t0, 1
  sw t0, 0(s2)            # then let hart 1 try its sc.w
2:lw t0, 0(s3)
  beqz t0, 2b
  li t1, {expect}         # sc.w's result + 1
  bne t0, t1, fail
  lw t1, 0(s0)
  li t2, {word}
  bne t1, t2, fail
  j pass
5:lr.w t0, (s0)           # hart 1
  li t1, 1
  sw t1, 0(s1)            # another word: the reservation stays
6:lw t1, 0(s2)
  beqz t1, 6b
  li t2, 7
  sc.w t3, t2, (s0)
  addi t3, t3, 1
  sw t3, 0(s3)
7:j 7b
"""
LRSC_DATA = "word: .word 5, 0\nf1: .word 0\nf0: .word 0\nres: .word 0\n"


@pytest.mark.parametrize("other,expect,word", [
    # another hart's store into the reserved word: sc.w fails (1), the word
    # keeps the store's 99
    ("sw t0, 0(s0)", 2, 99),
    # its AMO on the word: the same (5 + 99 = 104)
    ("amoadd.w x0, t0, (s0)", 2, 104),
    # a store into the next word: the reservation holds, sc.w writes 7
    ("sw t0, 4(s0)", 1, 7),
], ids=["store", "amo", "next-word"])
def test_reservation_lost_to_another_harts_store(tmp_path, other, expect, word):
    p = harts_program(tmp_path, LRSC.format(other=other, expect=expect, word=word),
                      data=LRSC_DATA)
    r = run(p, "-q", "--harts", "2", "--max-cycles", "1000000")
    assert r.returncode == 0, f"{other}: {r.stderr}"


# ------------------------------------------------------------ IPIs, timers

IPI = """
  csrr a0, mhartid
  bnez a0, 5f
  la a1, armed            # hart 0: wait until hart 1 is about to wfi,
1:lw a2, 0(a1)
  beqz a2, 1b
  li t0, 1000             # then long enough (4000 cycles > the quantum)
2:addi t0, t0, -1         # for it to be in the wfi
  bnez t0, 2b
  li a2, 0x02000000
  li t1, 1
  csrr s0, mcycle         # E_c
  sw t1, 4(a2)            # msip of hart 1 at E_c + 1
  la a1, res
3:lw a3, 0(a1)
  beqz a3, 3b
  sub a3, a3, s0
  li a4, 5
  bne a3, a4, fail
  j pass
5:la t0, ipi_handler      # hart 1
  csrw mtvec, t0
  li t0, 8
  csrw mie, t0            # MSIE
  csrs mstatus, t0        # MIE
  la a1, armed
  li a2, 1
  sw a2, 0(a1)
  wfi
6:j 6b
"""
IPI_EXTRA = """
  .balign 4
ipi_handler:
  csrr a3, mcycle
  la a1, res
  sw a3, 0(a1)
8:j 8b
"""


def test_ipi_wakes_a_hart_in_wfi_at_the_timing_md_cycle(tmp_path):
    # hart 0's sw to msip[1] at t = E_c + 1: msip pends for hart 1 from t + 1
    # (platform.md); hart 1's wfi occupies EX up to T = t + 1, the interrupt
    # bubble enters EX at T, the handler's first instruction (csrr mcycle)
    # enters IF at T + 1, ID T + 2, EX T + 3 (timing.md): it reads
    # E_c + 5. The program exits 1 unless the difference is 5.
    p = harts_program(tmp_path, IPI, extra=IPI_EXTRA,
                      data="armed: .word 0\nres: .word 0\n")
    r = run(p, "-q", "--harts", "2", "--max-cycles", "1000000")
    assert r.returncode == 0, r.stderr


TIMERS = """
  csrr a0, mhartid
  la t0, t_handler
  csrw mtvec, t0
  li a2, 0x02004000
  slli a3, a0, 3
  add a2, a2, a3          # this hart's mtimecmp
  li a4, 5000
  beqz a0, 1f
  li a4, 7000
1:sw a4, 0(a2)
  sw zero, 4(a2)
  li t0, 0x80
  csrw mie, t0            # MTIE
  li t0, 8
  csrs mstatus, t0
  wfi
2:j 2b
"""
TIMERS_EXTRA = """
  .balign 4
t_handler:
  csrr a3, mcycle
  csrr a0, mhartid
  la a1, res
  slli a5, a0, 2
  add a1, a1, a5
  sw a3, 0(a1)
  bnez a0, 9f
  la a1, res              # hart 0: wait for hart 1's figure
8:lw a3, 4(a1)
  beqz a3, 8b
  lw a2, 0(a1)
  li a4, 5003
  bne a2, a4, fail
  li a4, 7003
  bne a3, a4, fail
  j pass
9:j 9b
"""


def test_per_hart_timers(tmp_path):
    # mtime(c) = c (--mtime-div 1). Hart h's wfi waits for its own mtimecmp
    # (5000 for hart 0, 7000 for hart 1): the bubble enters EX at that cycle,
    # the handler's csrr mcycle 3 cycles later (timing.md): 5003 and 7003;
    # hart 0's timer does not interrupt hart 1.
    p = harts_program(tmp_path, TIMERS, extra=TIMERS_EXTRA, data="res: .word 0, 0\n")
    r = run(p, "-q", "--harts", "2", "--max-cycles", "1000000")
    assert r.returncode == 0, r.stderr


# ------------------------------------------------------------ deadlocks

def test_every_hart_in_wfi_is_a_deadlock(tmp_path):
    p = harts_program(tmp_path, "  li t0, 8\n  csrw mie, t0\n  wfi\n  j fail")
    r = run(p, "-q", "--harts", "2")
    assert r.returncode == 2
    assert "every hart waits in wfi" in r.stderr and r.stderr.count("\n") == 1, r.stderr


def test_max_cycles_names_the_harts_that_did_not_acknowledge(tmp_path):
    # hart 0 sends hart 1 an IPI and waits for its acknowledgement; hart 1
    # runs with interrupts disabled forever
    body = """
  csrr a0, mhartid
  bnez a0, 5f
  li a2, 0x02000000
  li t1, 1
  sw t1, 4(a2)
  la a1, ack
1:lw t0, 0(a1)
  beqz t0, 1b
  j pass
5:j 5b
"""
    p = harts_program(tmp_path, body, data="ack: .word 0\n")
    r = run(p, "-q", "--harts", "2", "--max-cycles", "20000")
    assert r.returncode == 3, r.stderr
    lines = r.stderr.splitlines()
    assert lines[0].startswith("ctsim: cycle limit reached: --max-cycles 20000"), r.stderr
    assert any(ln.startswith("ctsim:   hart 0: pc ") for ln in lines), r.stderr
    h1 = [ln for ln in lines if ln.startswith("ctsim:   hart 1: pc ")]
    assert h1 and "interrupts disabled" in h1[0], r.stderr


# ------------------------------------------------------------ --patch-at

@pytest.mark.parametrize("backend,shared", [("c", False), ("c", True), ("rtl", True)])
def test_patch_at_invalidates_every_harts_ctlb(tmp_path, backend, shared):
    """--patch-at is an agent outside the harts: it writes the table and
    invalidates the ID in every hart's CTLB (with --ctlb-shared the one CTLB
    of all harts, which hart 1's first call filled). Hart 0 builds the table (ID 7 ->
    fn_a, a0 += 1) and lets hart 1 go; hart 1 calls ID 7 (its CTLB now holds
    fn_a) and says so; hart 0 reaches `patch_here` (the entry trigger: ID 7
    -> fn_b, a0 += 10) and says so; hart 1 calls ID 7 again and reports a0,
    which hart 0 exits with: 1 + 10 = 11 (a stale CTLB entry in hart 1 would
    give 1 + 1 = 2)."""
    from test_callid import ENABLE, FUNCS, TABLE, TABLE_DATA, callid
    body = """
  csrr a5, mhartid
  bnez a5, hart1
""" + TABLE + "  map 7, fn_a\n" + ENABLE + """
  la   s5, flags
  li   t0, 1
  sw   t0, 0(s5)                 # ready: the table is built
1:lw   t0, 4(s5)                 # wait until hart 1 has called ID 7 once
  beqz t0, 1b
  .globl patch_here
patch_here:
  li   t0, 1
  sw   t0, 8(s5)                 # patched
1:lw   t0, 12(s5)                # wait for hart 1's result
  beqz t0, 1b
  lw   a0, 16(s5)
  slli t5, a0, 1
  ori  t5, t5, 1
  sw   t5, 0(t6)
2:j    2b
hart1:
  la   s5, flags
1:lw   t0, 0(s5)
  beqz t0, 1b
  la   s0, ct_root
  ori  t0, s0, 1
  csrw 0x7c0, t0
  li   a0, 0
  li   s4, 7
""" + callid("ra", "s4") + """
  li   t0, 1
  sw   t0, 4(s5)                 # called once
1:lw   t0, 8(s5)
  beqz t0, 1b
""" + callid("ra", "s4") + """
  sw   a0, 16(s5)
  li   t0, 1
  sw   t0, 12(s5)
2:j    2b
"""
    data = TABLE_DATA + "  .data\n  .align 4\nflags: .word 0, 0, 0, 0, 0\n"
    p = harts_program(tmp_path, body, extra=FUNCS, data=data)
    r = run(p, "--harts", "2", "--xlat", backend, *(["--ctlb-shared"] if shared else []),
            "--patch-at", "entry=patch_here:7:fn_b")
    assert r.returncode == 11, r.stderr
    assert len(re.findall(r"^ctsim: cycle \d+: patched ID 0x7 -> fn_b", r.stderr, re.M)) == 1


# ------------------------------------------------------------ --trace-hart

def test_trace_hart_follows_another_hart(tmp_path):
    """--trace-hart 1: the commit log, the pipeline view and the recorded
    trace are hart 1's. By the program (test_wave.two_hart_program): hart 0
    calls ID 7 three times from _start's code, hart 1 ID 9 twice from its
    label hart1; the default (hart 0) is the other way round."""
    from test_wave import two_hart_program
    p = two_hart_program(tmp_path)
    for k, ids, where in ((1, [9, 9], "hart1+"), (0, [7, 7, 7], "_start+")):
        log, pv, ct = (tmp_path / f"{n}{k}" for n in ("log", "pv", "t.ct"))
        extra = ["--trace-hart", str(k)] if k else []
        r = run(p, "-q", "--harts", "2", *extra, "--log-commits", log, "--pipeview", pv,
                "--record-trace", ct)
        assert r.returncode == 0, r.stderr
        lines = log.read_text().splitlines()
        assert lines and all(ln.startswith(f"core   {k}: ") for ln in lines), lines[:3]
        calls = [ln for ln in pv.read_text().splitlines() if re.search(r"^L\t.* callid ", ln)]
        assert len(calls) == len(ids) and all(f"<{where}" in c for c in calls), calls
        dump = subprocess.run([str(ROOT / "build" / "ctrdump"), str(ct)], capture_output=True,
                              text=True, check=True).stdout
        assert [int(ln.split()[1], 16) for ln in dump.splitlines()
                if ln.startswith("call ")] == ids


@pytest.mark.parametrize("args,msg", [
    (["--harts", "2", "--trace-hart", "2", "--log-commits", "{log}"],
     "--trace-hart 2: the run has 2 harts (--harts), 0..1"),
    (["--trace-hart", "1", "--log-commits", "{log}"],
     "--trace-hart 1: the run has 1 hart (--harts), 0..0"),
    (["--harts", "2", "--trace-hart", "1"],
     "--trace-hart needs --log-commits, --pipeview or --record-trace"),
    (["--harts", "2", "--trace-hart", "x", "--log-commits", "{log}"], "--trace-hart"),
])
def test_trace_hart_bad_input(tmp_path, args, msg):
    from test_wave import two_hart_program
    p = two_hart_program(tmp_path)
    log = tmp_path / "log"
    r = run(p, "-q", *[a.format(log=log) for a in args])
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ctsim: error: ") and msg in lines[0], lines
    assert not log.exists()


def test_load_patch_status_at_the_top_level(tmp_path):
    """--harts 2 --stats-json: "patches" (docs/ctsim.md) is a member of the
    top-level object, not of each hart's; a module the program never asks
    for (it has no loader) is not-delivered."""
    from test_wave import two_hart_program
    mod = tmp_path / "m.ctp"
    mod.write_bytes(b"\0" * 64)
    js = tmp_path / "s.json"
    r = run(two_hart_program(tmp_path), "-q", "--harts", "2", "--load-patch", f"5:{mod}",
            "--stats-json", js)
    assert r.returncode == 0, r.stderr
    s = json.loads(js.read_text())
    assert s["patches"] == [{"arg": f"5:{mod}", "cycle": 5, "file": str(mod), "bytes": 64,
                             "fetch_cycle": None, "status_cycle": None, "status": None,
                             "hart": None, "outcome": "not-delivered", "message": None}]
    assert all("patches" not in h for h in s["hart"])


def test_gap_before_a_parked_wfi_is_counted_once(tmp_path):
    # Hart 1 reaches its wfi through a jal ("j 7f"): a 1-cycle jal bubble
    # before the wfi (timing.md, jal: 1 bubble). The wfi parks the hart
    # (MSIE set, nothing pending) and resumes when hart 0's msip store comes;
    # the run loop takes a gap's stall statistics when it fetches the next
    # instruction, so a park must give back what it counted. Every other jal
    # of hart 1 is "8: j 8b" (jal after jal): each jal costs exactly one jal
    # bubble, counted when the next instruction enters EX; the last one hart
    # 1 executes has no successor in the run: stalls.jal == ops.jal - 1.
    body = IPI.replace("  wfi\n6:j 6b", "  j 7f\n7:wfi\n6:j 6b")
    assert body != IPI
    p = harts_program(tmp_path, body, extra=IPI_EXTRA,
                      data="armed: .word 0\nres: .word 0\n")
    js = tmp_path / "s.json"
    r = run(p, "-q", "--harts", "2", "--max-cycles", "1000000", "--stats-json", js)
    assert r.returncode == 0, r.stderr
    h1 = json.loads(js.read_text())["hart"][1]
    assert h1["ops"]["jal"] > 1
    assert h1["stalls"]["jal"] == h1["ops"]["jal"] - 1, (h1["stalls"], h1["ops"])


# ------------------------------------------------------------ --load-patch on hart K

# One CTPATCH_SYS call (firmware/common/ctpatch.h: magic_mem = {0x4350, op,
# a, b, c}, 64-bit words; the answer in magic_mem[0], fromhost = 1), its
# tohost store labelled `lbl` (s0 = magic_mem, s2 = fromhost, t6 = tohost).
CTSYS = """
  .macro ctsys op, a, b, c, lbl
  li   t0, 0x4350
  sw   t0, 0(s0)
  sw   zero, 4(s0)
  li   t0, \\op
  sw   t0, 8(s0)
  sw   zero, 12(s0)
  sw   \\a, 16(s0)
  sw   zero, 20(s0)
  sw   \\b, 24(s0)
  sw   zero, 28(s0)
  sw   \\c, 32(s0)
  sw   zero, 36(s0)
  sw   zero, 0(s2)
  sw   zero, 4(s2)
\\lbl:
  sw   s0, 0(t6)                 # the call (the high word stays 0)
  sw   zero, 4(t6)
1:lw   t0, 0(s2)
  beqz t0, 1b
  lw   a0, 0(s0)
  .endm
"""

LOAD_PATCH_ON = CTSYS + """
  csrr a5, mhartid
  li   t0, {k}
  beq  a5, t0, caller
  li   t0, 8                     # the other harts: park in wfi (MSIE, MIE off)
  csrw mie, t0
9:wfi
  j    9b
caller:
  la   s0, magic_mem
  la   s2, fromhost
2:ctsys 0, zero, zero, zero, pend_store    # PENDING until the module is there
  beqz a0, 2b
  la   s3, buf
  li   s4, 256
  ctsys 1, s3, s4, zero, fetch_store       # FETCH(buf, 256)
  li   t0, 64
  bne  a0, t0, fail
  li   s3, 1
  la   s4, msg
  li   s5, 2
  ctsys 2, s3, s4, s5, status_store        # STATUS(1 = applied, "ok")
"""
LOAD_PATCH_DATA = "  .align 6\nmagic_mem: .skip 64\nbuf: .skip 256\nmsg: .ascii \"ok\"\n"


def ex_cycles(kanata, addr):
    """The EX-entry cycles of the instructions at addr in a --pipeview log."""
    ids, out = set(), []
    for ln in kanata.splitlines():
        f = ln.split("\t")
        if f[0] == "L" and f[2] == "0" and f[3].startswith(f"{addr:08x} "):
            ids.add(f[1])
        elif f[0] == "L" and f[2] == "1" and f[1] in ids:
            out.append(int(re.search(r"\bEX (\d+)", f[3]).group(1)))
    return out


@pytest.mark.parametrize("n,k", [(1, 0), (2, 1), (4, 3)])
def test_load_patch_served_for_the_calling_hart(tmp_path, n, k):
    """Hart k makes the CTPATCH calls while the others wait in wfi (their
    local time stays where they parked): the module is pending from k's
    cycle 5000, and FETCH and STATUS are served at the EX cycle of k's own
    store to tohost (read from --pipeview of --trace-hart k, the timing
    model's record, not the host's), as docs/ctsim.md says; the JSON entry,
    the summary line and the STATUS line name the hart with several."""
    p = harts_program(tmp_path, LOAD_PATCH_ON.format(k=k), n=n, data=LOAD_PATCH_DATA)
    mod = tmp_path / "m.ctp"
    mod.write_bytes(bytes(range(64)))
    js, pv = tmp_path / "s.json", tmp_path / "pv.kanata"
    r = run(p, "--harts", n, "--max-cycles", 10**6, "--load-patch", f"5000:{mod}",
            "--stats-json", js, "--pipeview", pv, *(["--trace-hart", k] if n > 1 else []))
    assert r.returncode == 0, r.stderr
    nm = subprocess.run(["riscv64-unknown-elf-nm", str(p)], capture_output=True, text=True,
                        check=True).stdout
    sym = {s: int(a, 16) for a, _, s in (ln.split() for ln in nm.splitlines() if ln.count(" ") == 2)}
    kanata = pv.read_text()
    (fetch,) = ex_cycles(kanata, sym["fetch_store"])
    (status,) = ex_cycles(kanata, sym["status_store"])
    pend = ex_cycles(kanata, sym["pend_store"])
    assert pend[-2] < 5000 <= pend[-1] < fetch < status, (pend[-2:], fetch, status)
    s = json.loads(js.read_text())
    assert s["patches"] == [{"arg": f"5000:{mod}", "cycle": 5000, "file": str(mod), "bytes": 64,
                             "fetch_cycle": fetch, "status_cycle": status, "status": 1,
                             "hart": k, "outcome": "applied", "message": "ok"}]
    by = f" by hart {k}" if n > 1 else ""
    ind = "" if n > 1 else "  "  # (one hart: inside its summary block)
    assert (f"{ind}load-patch    5000:{mod}: applied{by} at cycle {status} (status 1), "
            f"fetched at cycle {fetch}: ok") in r.stderr.splitlines(), r.stderr
    who = f"hart {k}, " if n > 1 else ""
    assert f"ctsim: {who}cycle {status}: --load-patch 5000:{mod}: ok" in r.stderr.splitlines()
