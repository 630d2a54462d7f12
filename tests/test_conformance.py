"""Privileged-spec and tool-compatibility details of ctsim (docs/ctsim.md):

* the PMP CSRs (pmpcfg0..15, pmpaddr0..63) are accessible and read-only zero
  (a hart without PMP entries; every field WARL);
* the trigger CSRs without triggers: tselect reads 0 whatever is written,
  tdata1 = 0 (type 0, no trigger), tdata2 = tdata3 = 0, tinfo = 1 (the
  debug spec's value for a trigger that does not exist); the Debug-Mode-only
  CSRs (dcsr) stay illegal;
* QEMU (an independent reference, -icount shift=0) accepts the same accesses
  of the CSRs it implements;
* --signature writes Spike's +signature= format (granularity 4);
* an ELF marked EF_RISCV_RVC is refused with a clear message;
* a wfi whose timer would fire only past 2^63 cycles ends the run (status 3).

Expected values are the specs' (worked by hand in the comments), never
ctsim's own output.
"""
import json
import pathlib
import shutil
import subprocess

import pytest

from conftest import BUILD, need
from fw_helpers import QEMU, QEMU_CPU
from sim_helpers import CROSS_GCC, FLAGS, ROOT, assemble, program, run, run_stats
from test_htif import symbols
from test_sim_misc import expect_trap

PMP_CSRS = [0x3A0 + i for i in range(16)] + [0x3B0 + i for i in range(64)]


def test_pmp_csrs_are_read_only_zero(tmp_path):
    # mtvec = 0: any trap would end the run as a fatal trap (status 4).
    body = "  li   t0, -1\n"
    for c in PMP_CSRS:
        body += f"  csrw {c:#x}, t0\n  csrr t1, {c:#x}\n  bnez t1, fail\n"
    r, s = run_stats(tmp_path, program(tmp_path, body))
    assert r.returncode == 0, r.stderr
    assert s["traps"] == 0
    assert s["classes"]["csr"] == 2 * len(PMP_CSRS)


TRIGGER_BODY = """
  li   t0, -1
  csrw tselect, t0
  csrr t1, tselect
  bnez t1, fail            # no trigger: tselect reads 0
  csrw tselect, zero
  csrr t1, tselect
  bnez t1, fail
  csrr t1, tdata1
  bnez t1, fail            # type 0: no trigger at this tselect
  csrw tdata1, t0
  csrr t1, tdata1
  bnez t1, fail
  csrw tdata2, t0
  csrr t1, tdata2
  bnez t1, fail
  csrw tdata3, t0
  csrr t1, tdata3
  bnez t1, fail
  csrr t1, tinfo
  li   t2, 1
  bne  t1, t2, fail        # info = 1: the selected trigger does not exist
  csrw tinfo, t0
  csrr t1, tinfo
  bne  t1, t2, fail
"""


def test_trigger_csrs_without_triggers(tmp_path):
    r, s = run_stats(tmp_path, program(tmp_path, TRIGGER_BODY))
    assert r.returncode == 0, r.stderr
    assert s["traps"] == 0


def test_debug_mode_csrs_stay_illegal(tmp_path):
    # dcsr (0x7B0) is accessible only in Debug Mode: illegal in M-mode.
    # csrr a0, dcsr = csrrs a0, 0x7b0, x0 = 0x7b002573
    expect_trap(tmp_path, 2, 0x7B002573, "csrr a0, 0x7b0")


def test_pmp_range_ends_at_pmpaddr63(tmp_path):
    # 0x3F0 is no PMP CSR (pmpaddr63 is 0x3EF): csrr a0, 0x3f0 = 0x3f002573
    expect_trap(tmp_path, 2, 0x3F002573, "csrr a0, 0x3f0")


# The CSRs QEMU 7.2 implements too (it has 16 PMP entries and triggers): every
# access must succeed on both; tselect written 0 reads 0 on both (a valid
# index on QEMU, the only value on ctsim). The program prints a line per CSR
# on the console (0x10000000 on both) and ends through the test finisher.
QEMU_CSRS = ([0x3A0 + i for i in range(4)] + [0x3B0 + i for i in range(16)]
             + [0x7A0, 0x7A1, 0x7A2, 0x7A3, 0x7A4])


def qemu_program():
    lines = ["""
  .section .text.init
  .globl _start
_start:
  la   t0, trap
  csrw mtvec, t0
  li   s0, 0x10000000
  li   s2, 0
"""]
    for c in QEMU_CSRS:
        # read, write the value back (changes nothing), print "xxx ok"/"xxx trap"
        lines.append(f"""
  li   s1, 0
  csrr a0, {c:#x}
  csrw {c:#x}, a0
  li   a0, {c:#x}
  call report
""")
    lines.append("""
  li   s1, 0
  csrw tselect, zero
  csrr a0, tselect
  addi a0, a0, '0'
  sb   a0, 0(s0)
  li   a0, '\\n'
  sb   a0, 0(s0)
  li   t0, 0x100000
  li   t1, 0x5555
  sw   t1, 0(t0)
1: j 1b
report:                 # prints a0 as 3 hex digits, then " ok" or " trap"
  li   t2, 8
2:
  srl  t3, a0, t2
  andi t3, t3, 15
  li   t4, 10
  blt  t3, t4, 3f
  addi t3, t3, 'a' - '0' - 10
3:
  addi t3, t3, '0'
  sb   t3, 0(s0)
  addi t2, t2, -4
  bgez t2, 2b
  la   t3, ok
  beqz s1, 4f
  la   t3, bad
4:
  lbu  t4, 0(t3)
  beqz t4, 5f
  sb   t4, 0(s0)
  addi t3, t3, 1
  j    4b
5:
  ret
  .align 2
trap:                   # count and skip the instruction
  addi s1, s1, 1
  csrr t5, mepc
  addi t5, t5, 4
  csrw mepc, t5
  mret
  .section .rodata
ok: .asciz " ok\\n"
bad: .asciz " trap\\n"
""")
    return "".join(lines)


def test_csr_accesses_same_as_qemu(tmp_path):
    if shutil.which(QEMU) is None:
        pytest.fail(f"{QEMU} is missing: run `make setup` (Debian qemu-system-misc)")
    elf = assemble(tmp_path, qemu_program(), "csrs")
    expected = "".join(f"{c:03x} ok\n" for c in QEMU_CSRS) + "0\n"
    q = subprocess.run([QEMU, "-machine", "virt", "-cpu", QEMU_CPU, "-m", "128M",
                        "-bios", "none", "-nographic", "-icount", "shift=0",
                        "-kernel", str(elf)], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    assert (q.returncode, q.stdout) == (0, expected), q.stderr
    c = run(elf, "-q")
    assert (c.returncode, c.stdout) == (0, expected), c.stderr


# ------------------------------------------------------------- --signature

SIG_DATA = """
  .align 4
  .globl begin_signature
begin_signature:
  .word 0xdeadbeef
sig1: .word 0
  .byte 0xaa, 0xbb
  .globl end_signature
end_signature:
"""
SIG_BODY = """
  la   a0, sig1
  li   a1, 0x01234567
  sw   a1, 0(a0)
"""
# Spike, +signature-granularity=4: per 4 bytes a line, the byte at the
# highest address first, missing bytes of a partial word as 00.
SIG_EXPECTED = "deadbeef\n01234567\n0000bbaa\n"


@pytest.mark.parametrize("sim", ["ctsim", "ctsim-sc"])
def test_signature(tmp_path, sim):
    elf = program(tmp_path, SIG_BODY, data=SIG_DATA)
    sig = tmp_path / "out.sig"
    if sim == "ctsim":
        r = run(elf, "--signature", sig, "-q")
    else:
        r = subprocess.run([str(need(BUILD / "ctsim-sc", "build/ctsim-sc")), "--signature",
                            str(sig), "-q", str(elf)], capture_output=True, text=True,
                           timeout=60)
    assert r.returncode == 0, r.stderr
    assert sig.read_text() == SIG_EXPECTED
    assert not list(tmp_path.glob("out.sig.tmp*"))


def test_signature_example_of_the_docs(tmp_path):
    # tests/cycles/signature.S: 3 * 7 = 0x15, 100 / 7 = 0xe, 100 % 7 = 2,
    # -1 >> 4 (arithmetic) = 0xffffffff
    sig = tmp_path / "s.sig"
    r = run(ROOT / "build" / "cycles" / "signature.elf", "--signature", sig, "-q")
    assert r.returncode == 0, r.stderr
    assert sig.read_text() == "00000015\n0000000e\n00000002\nffffffff\n"


def test_signature_written_when_the_program_fails(tmp_path):
    # the check fails (status 1) after the store; then a fatal trap (status 4)
    sig = tmp_path / "fail.sig"
    elf = program(tmp_path, SIG_BODY + "  j fail\n", data=SIG_DATA, name="f1")
    r = run(elf, "--signature", sig, "-q")
    assert r.returncode == 1 and sig.read_text() == SIG_EXPECTED
    sig.unlink()
    elf = program(tmp_path, SIG_BODY + "  ecall\n", data=SIG_DATA, name="f2")
    r = run(elf, "--signature", sig, "-q")
    assert r.returncode == 4 and sig.read_text() == SIG_EXPECTED


def test_signature_without_symbols_is_an_error(tmp_path):
    elf = program(tmp_path, "  nop")
    sig = tmp_path / "x.sig"
    r = run(elf, "--signature", sig)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"ctsim: error: --signature: {elf} has no begin_signature symbol"]
    assert not sig.exists() and not list(tmp_path.glob("x.sig*"))


def test_signature_bad_range_is_an_error(tmp_path):
    data = """
  .globl end_signature
end_signature: .word 0
  .globl begin_signature
begin_signature: .word 0
"""
    elf = program(tmp_path, "  nop", data=data)
    r = run(elf, "--signature", tmp_path / "x.sig")
    assert r.returncode == 2
    sym = symbols(elf)
    assert r.stderr.splitlines() == [
        f"ctsim: error: --signature: end_signature 0x{sym['end_signature']:08x} is "
        f"below begin_signature 0x{sym['begin_signature']:08x}"]


def test_signature_outside_ram_is_an_error(tmp_path):
    data = """
  .globl begin_signature
  .set begin_signature, 0x1000
  .globl end_signature
end_signature: .word 0
"""
    elf = program(tmp_path, "  nop", data=data)
    r = run(elf, "--signature", tmp_path / "x.sig")
    assert r.returncode == 2
    end = symbols(elf)["end_signature"]
    assert r.stderr.splitlines() == [
        f"ctsim: error: --signature: 0x00001000..0x{end:08x} is not in RAM"]


def test_signature_unwritable_is_an_error(tmp_path):
    elf = program(tmp_path, SIG_BODY, data=SIG_DATA)
    r = run(elf, "--signature", tmp_path / "no" / "such" / "dir.sig")
    assert r.returncode == 2
    [line] = r.stderr.splitlines()
    assert line.startswith("ctsim: error: --signature: cannot write ")


# --------------------------------------------------------------- EF_RISCV_RVC

def test_compressed_elf_is_refused(tmp_path):
    src = tmp_path / "c.S"
    src.write_text("  .globl _start\n_start:\n  li a0, 1\n  j _start\n")
    elf = tmp_path / "c.elf"
    flags = [f if f != "-march=rv32im" else "-march=rv32imc" for f in FLAGS]
    subprocess.run([CROSS_GCC, *flags, "-o", str(elf), str(src)], check=True)
    r = run(elf)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"ctsim: error: {elf}: uses compressed instructions (e_flags 0x1 has "
        "EF_RISCV_RVC): ctsim runs RV32IM without the C extension; build with "
        "-march=rv32im (not rv32imc)"]


# ------------------------------------------------- wfi and the 64-bit cycle

def wfi_program(tmp_path, lo, hi, after=""):
    # E: la t6 2,3; li a1 4; li a2 (hi) 5; li a5 (lo) 6; sw 7; sw 8; li a3 9;
    # csrw mie 10 (MTIE; mstatus.MIE stays 0); wfi 11 at pc 0x80000024.
    body = f"""
  li   a1, 0x02004000
  li   a2, {hi:#x}
  li   a5, {lo:#x}
  sw   a5, 0(a1)
  sw   a2, 4(a1)
  li   a3, 0x80
  csrw mie, a3
  wfi
{after}"""
    return program(tmp_path, body)


@pytest.mark.parametrize("lo,hi,div,when", [
    (0xFFFFFFFF, 0xFFFFFFFF, 1, "would not fire within 2^64 cycles"),
    # mtime = cycle: mtimecmp 2^63 + 5 is reached at cycle 2^63 + 5
    (5, 0x80000000, 1, f"would fire only at cycle {2**63 + 5}, past 2^63"),
    # mtime = cycle / 4: mtimecmp 2^61 + 1 at cycle 4 * (2^61 + 1) = 2^63 + 4
    (1, 0x20000000, 4, f"would fire only at cycle {2**63 + 4}, past 2^63"),
])
def test_wfi_past_the_cycle_range_ends_the_run(tmp_path, lo, hi, div, when):
    elf = wfi_program(tmp_path, lo, hi)
    r, s = run_stats(tmp_path, elf, "--mtime-div", div)
    assert r.returncode == 3, r.stderr
    mtimecmp = hi << 32 | lo
    assert r.stderr.splitlines()[0] == (
        f"ctsim: wfi at pc 0x80000024 never wakes: the timer (mtimecmp "
        f"0x{mtimecmp:016x}, --mtime-div {div}) {when} (9 instructions "
        "retired)")
    assert s["exit"] == {"reason": "wfi", "status": 3}
    assert s["instructions"] == 9


def test_wfi_below_the_ceiling_still_waits(tmp_path):
    # mtimecmp = 2^62: as tests/test_cycles.py's test_wfi_waits_for_timer with
    # T = 2^62 for 100: the csrr after the wfi enters EX at T and reads
    # mcycleh = 2^30; li 6 more instructions -> cycles T + 7.
    T = 2**62
    after = """
  csrr a0, mcycleh
  li   a4, 0x40000000
  bne  a0, a4, fail
"""
    r, s = run_stats(tmp_path, wfi_program(tmp_path, 0, 0x40000000, after))
    assert r.returncode == 0, r.stderr
    assert s["cycles"] == T + 7
    assert s["instructions"] == 15
