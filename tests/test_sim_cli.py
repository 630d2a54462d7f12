"""ctsim's command line: bad input files and options (one-line error, exit 2),
exit statuses, tohost/finisher, console, cycle limit, fatal traps, output files.
"""
import json
import os
import pathlib
import re
import stat
import subprocess

import pytest

from sim_helpers import CROSS_GCC, FLAGS, assemble, ctsim, program, run

HELLO_BODY = """
  li   a0, 0x10000000
  li   a1, 'h'
  sb   a1, 0(a0)
  li   a1, 'i'
  sb   a1, 0(a0)
  li   a1, '\\n'
  sb   a1, 0(a0)
"""


@pytest.fixture
def good_elf(tmp_path):
    return program(tmp_path, HELLO_BODY, name="good")


def one_line_error(r, *words):
    assert r.returncode == 2, f"status {r.returncode}, stderr: {r.stderr}"
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got: {r.stderr!r}"
    for w in words:
        assert w in lines[0], f"{w!r} not in {lines[0]!r}"
    assert lines[0].startswith("ctsim: error: ")
    assert r.stdout == ""


def patched(tmp_path, elf, offset, data, name):
    b = bytearray(pathlib.Path(elf).read_bytes())
    b[offset:offset + len(data)] = data
    p = tmp_path / name
    p.write_bytes(bytes(b))
    return p


# ------------------------------------------------------------ bad files

def test_missing_file(tmp_path):
    p = tmp_path / "nope.elf"
    one_line_error(run(p), str(p), "cannot open")


def test_directory(tmp_path):
    one_line_error(run(tmp_path), str(tmp_path))


def test_empty_file(tmp_path):
    p = tmp_path / "empty.elf"
    p.write_bytes(b"")
    one_line_error(run(p), str(p), "empty file")


def test_not_elf(tmp_path):
    p = tmp_path / "text.elf"
    p.write_text("hello, this is not an ELF file\n")
    one_line_error(run(p), str(p), "not an ELF")


def test_endless_non_elf(tmp_path):
    # a zero device (made here, as /dev/zero's major 1, minor 5) never ends:
    # the magic is checked before the rest is read (run() has a timeout, so a
    # simulator that reads on would fail here)
    zero = tmp_path / "zero"
    os.mknod(zero, stat.S_IFCHR | 0o444, os.makedev(1, 5))
    one_line_error(run(zero), str(zero), "not an ELF")


def test_truncated_header(tmp_path, good_elf):
    p = tmp_path / "trunc.elf"
    p.write_bytes(good_elf.read_bytes()[:30])
    one_line_error(run(p), str(p), "truncated ELF header")


def test_truncated_program_headers(tmp_path, good_elf):
    p = tmp_path / "trunc.elf"
    p.write_bytes(good_elf.read_bytes()[:60])  # header (52) + 8 bytes
    one_line_error(run(p), str(p), "truncated")


def test_truncated_segment(tmp_path, good_elf):
    # the code segment's data starts at file offset 0x1000 (page aligned)
    p = tmp_path / "trunc.elf"
    p.write_bytes(good_elf.read_bytes()[:0x1008])
    one_line_error(run(p), str(p), "truncated", "segment")


def test_elf64_patched(tmp_path, good_elf):
    p = patched(tmp_path, good_elf, 4, b"\x02", "c64.elf")  # EI_CLASS = 64
    one_line_error(run(p), str(p), "64-bit")


def test_elf64_real(tmp_path):
    src = tmp_path / "r64.S"
    src.write_text(".globl _start\n_start: j _start\n")
    elf = tmp_path / "r64.elf"
    subprocess.run([CROSS_GCC, "-march=rv64i", "-mabi=lp64", "-nostdlib",
                    "-nostartfiles", "-Ttext=0x80000000", "-o", str(elf),
                    str(src)], check=True, capture_output=True)
    one_line_error(run(elf), str(elf), "64-bit")


def test_big_endian(tmp_path, good_elf):
    p = patched(tmp_path, good_elf, 5, b"\x02", "be.elf")  # EI_DATA = MSB
    one_line_error(run(p), str(p), "big-endian")


def test_not_riscv(tmp_path, good_elf):
    p = patched(tmp_path, good_elf, 18, (40).to_bytes(2, "little"), "arm.elf")
    one_line_error(run(p), str(p), "not a RISC-V", "40")


def test_host_binary(tmp_path):
    one_line_error(run("/bin/true"), "/bin/true")


def test_segment_outside_ram(tmp_path):
    ld = tmp_path / "low.ld"
    ld.write_text("ENTRY(_start)\nSECTIONS { . = 0x10000; .text : { *(.text*) } }\n")
    src = tmp_path / "low.S"
    src.write_text(".section .text.init\n.globl _start\n_start: j _start\n")
    elf = tmp_path / "low.elf"
    subprocess.run([CROSS_GCC, *FLAGS[:-2], "-T", str(ld), "-o", str(elf),
                    str(src)], check=True, capture_output=True)
    one_line_error(run(elf), str(elf), "outside RAM")


def test_segment_beyond_ram_size(tmp_path):
    # 8 KiB of initialised data do not fit into --ram 4K
    elf = program(tmp_path, "", data="big: .fill 2048, 4, 1")
    one_line_error(run(elf, "--ram", "4K"), str(elf), "outside RAM")
    assert run(elf, "--ram", "64K").returncode == 0


# ------------------------------------------------------------ bad options

@pytest.mark.parametrize("args,word", [
    (["--ram", "0"], "--ram"),
    (["--ram", "foo"], "--ram"),
    (["--ram", "3G"], "--ram"),
    (["--ram", "5000"], "--ram"),
    (["--ram", "-4K"], "--ram"),
    (["--ram", ""], "--ram"),
    (["--max-cycles", "-1"], "--max-cycles"),
    (["--max-cycles", "ten"], "--max-cycles"),
    (["--max-cycles", "0"], "--max-cycles"),
    (["--max-cycles", "99999999999999999999999"], "--max-cycles"),
    (["--imem-lat", "0"], "--imem-lat"),
    (["--dmem-lat", "1x"], "--dmem-lat"),
    (["--mul-lat", "100000"], "--mul-lat"),
    (["--div-lat", " 3"], "--div-lat"),
    (["--mtime-div", "0"], "--mtime-div"),
    (["--frobnicate"], "--frobnicate"),
    (["-z"], "-z"),
])
def test_bad_option(good_elf, args, word):
    r = subprocess.run([str(ctsim()), *args, str(good_elf)], capture_output=True,
                       text=True, timeout=30)
    one_line_error(r, word)


def test_option_missing_value(good_elf):
    r = subprocess.run([str(ctsim()), str(good_elf), "--ram"], capture_output=True,
                       text=True, timeout=30)
    one_line_error(r, "--ram")


def test_no_program():
    r = subprocess.run([str(ctsim())], capture_output=True, text=True, timeout=30)
    one_line_error(r, "no program")


def test_two_programs(good_elf):
    r = subprocess.run([str(ctsim()), str(good_elf), str(good_elf)],
                       capture_output=True, text=True, timeout=30)
    one_line_error(r, "one program")


def test_stats_json_unwritable(tmp_path, good_elf):
    bad = tmp_path / "no" / "such" / "dir.json"
    one_line_error(run(good_elf, "--stats-json", bad), "--stats-json")
    assert not list(tmp_path.glob("no*"))


RAM_EDGE_BODY = """
  la   a0, handler
  csrw mtvec, a0
  li   s1, {last}
  sw   s1, 0(s1)             # the last word of RAM: must not trap
  lw   s2, 0(s1)
  bne  s2, s1, fail
  li   s3, {end}
  li   s4, 0
  sw   s1, 0(s3)             # the first byte past RAM: store access fault
  beqz s4, fail              # (the handler set s4)
"""
RAM_EDGE_HANDLER = """
  .align 2
handler:
  csrr t0, mcause
  li   t1, 7
  bne  t0, t1, fail
  csrr t0, mtval
  bne  t0, s3, fail
  li   s4, 1
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
"""


@pytest.mark.parametrize("value,size", [
    ("4096", 4096), ("8K", 8 << 10), ("8k", 8 << 10), ("1M", 1 << 20), ("256M", 256 << 20),
    ("1G", 1 << 30), ("0x100000", 1 << 20)])
def test_ram_suffixes(tmp_path, value, size):
    # --ram SIZE (--help: K, M, G are x1024): RAM is 0x80000000 .. 0x80000000 + SIZE - 1,
    # so the last word stores fine and the byte after it is a store access fault
    # (cause 7, mtval = the address). The program is a few hundred bytes: fits in 4K.
    base = 0x80000000
    elf = program(tmp_path, RAM_EDGE_BODY.format(last=base + size - 4, end=base + size),
                  extra=RAM_EDGE_HANDLER)
    r = run(elf, "--ram", value, "-q")
    assert r.returncode == 0, f"--ram {value}: status {r.returncode} {r.stderr}"


def test_ram_2g(good_elf, tmp_path):
    # 2G is the largest size: RAM then ends at the top of the address space
    r = run(good_elf, "--ram", "2G", "-q")
    assert r.returncode == 0 and r.stdout == "hi\n", r.stderr
    elf = program(tmp_path, "  li s1, 0xfffffffc\n  sw s1, 0(s1)\n  lw s2, 0(s1)\n"
                  "  bne s2, s1, fail\n")
    assert run(elf, "--ram", "2G", "-q").returncode == 0


# ------------------------------------------------------------ help, version

def test_help_covers_every_option():
    r = subprocess.run([str(ctsim()), "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for opt in ["--ram", "--max-cycles", "--mtime-div", "--imem-lat", "--dmem-lat",
                "--mul-lat", "--div-lat", "--stats-json", "--log-commits",
                "--host-stats", "--quiet", "--help", "--version"]:
        assert opt in r.stdout, f"{opt} missing from --help"
    # and every option the help names is accepted by the parser
    for opt in set(re.findall(r"--[a-z-]+", r.stdout)):
        r2 = subprocess.run([str(ctsim()), opt], capture_output=True, text=True)
        assert "unknown option" not in r2.stderr, opt


def test_version():
    r = subprocess.run([str(ctsim()), "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and re.match(r"ctsim \d+\.\d+", r.stdout)


# ------------------------------------------------------------ running

def test_console_and_pass(good_elf):
    r = run(good_elf)
    assert r.returncode == 0
    assert r.stdout == "hi\n"
    assert "ctsim: exit tohost, status 0" in r.stderr
    assert re.search(r"cycles\s+\d+", r.stderr)


def test_console_lsr(tmp_path):
    body = """
  li   a0, 0x10000000
  lbu  a1, 5(a0)
  li   a2, 0x60
  bne  a1, a2, fail
"""
    assert run(program(tmp_path, body)).returncode == 0


@pytest.mark.parametrize("code", [1, 5, 42, 255])
def test_tohost_exit_code(tmp_path, code):
    body = f"""
  li   t5, {(code << 1) | 1}
  sw   t5, 0(t6)
"""
    r = run(program(tmp_path, body))
    assert r.returncode == code
    assert f"status {code}" in r.stderr


def test_tohost_code_truncated(tmp_path):
    # 300 & 0xff = 44 (docs/memory-map.md: truncated to 8 bits)
    r = run(program(tmp_path, "  li t5, 601\n  sw t5, 0(t6)"))
    assert r.returncode == 44


@pytest.mark.parametrize("value,status", [(0x5555, 0), (0x3333 | (7 << 16), 7)])
def test_finisher_without_tohost(tmp_path, value, status):
    src = f"""
  .globl _start
_start:
  li   a0, 0x00100000
  li   a1, {value}
  sw   a1, 0(a0)
1: j 1b
"""
    elf = assemble(tmp_path, src)
    r = run(elf)
    assert r.returncode == status
    assert "finisher" in r.stderr


def test_cycle_limit(tmp_path):
    elf = assemble(tmp_path, ".globl _start\n_start: j _start\n")
    r = run(elf, "--max-cycles", "1000")
    assert r.returncode == 3
    assert "cycle limit" in r.stderr and "1000" in r.stderr


def test_cycle_limit_exact(tmp_path):
    # 10 nops then a loop: the k-th instruction enters EX at k + 2, so with
    # --max-cycles 7 the instruction with E = 7 (the 6th) does not run:
    # 5 instructions retire.
    elf = assemble(tmp_path, ".globl _start\n_start:\n" + "  nop\n" * 10 +
                   "1: j 1b\n")
    out = pathlib.Path(tmp_path) / "s.json"
    r = run(elf, "--max-cycles", "7", "--stats-json", out)
    assert r.returncode == 3
    assert json.loads(out.read_text())["instructions"] == 5


def test_fatal_trap_report(tmp_path):
    elf = assemble(tmp_path, ".globl _start\n_start:\n  nop\n  .word 0xffffffff\n")
    r = run(elf)
    assert r.returncode == 4
    assert "fatal trap: illegal instruction" in r.stderr
    assert "pc 0x80000004" in r.stderr
    assert "mtval 0xffffffff" in r.stderr
    assert "mtvec = 0" in r.stderr


def test_fatal_software_interrupt_report(tmp_path):
    # mtvec = 0: the software interrupt the store to msip raises (taken before
    # the instruction after the store, whose pc is mepc) has no handler.
    # Privileged spec: mcause 0x80000003 is "Machine software interrupt".
    elf = assemble(tmp_path, ".globl _start\n_start:\n"
                   "  li a0, 8\n  csrw mie, a0\n  csrsi mstatus, 8\n"
                   "  li a1, 0x02000000\n  li a2, 1\n  sw a2, 0(a1)\n"
                   "  nop\n1: j 1b\n")
    r = run(elf)
    assert r.returncode == 4, r.stderr
    assert ("fatal trap: machine software interrupt (mcause 0x80000003) at pc "
            "0x80000018") in r.stderr, r.stderr
    assert "mtvec = 0" in r.stderr


def test_double_fault(tmp_path):
    # the handler itself is an illegal instruction: reported, not looped on
    src = """
  .globl _start
_start:
  la   a0, handler
  csrw mtvec, a0
  ecall
handler:
  .word 0
"""
    r = run(assemble(tmp_path, src), "--max-cycles", "100000")
    assert r.returncode == 4
    assert "double fault" in r.stderr


def test_quiet(good_elf):
    r = run(good_elf, "-q")
    assert r.returncode == 0 and r.stderr == ""


def test_stats_json(tmp_path, good_elf):
    out = tmp_path / "s.json"
    r = run(good_elf, "--stats-json", out)
    assert r.returncode == 0
    s = json.loads(out.read_text())
    # 2 (la: auipc, addi) + 7 (body: lui, 3 x (li, sb)) + 2 (li, sw) = 11
    # instructions: 7 ALU, 3 sb + 1 sw = 4 stores.
    assert s["instructions"] == 11
    assert s["classes"]["store"] == 4
    assert s["classes"]["alu"] == 7
    assert s["exit"] == {"reason": "tohost", "status": 0}
    assert not list(tmp_path.glob("s.json.tmp*"))


def test_outputs_deterministic(tmp_path, good_elf):
    outs = []
    for i in range(2):
        j, lg = tmp_path / f"s{i}.json", tmp_path / f"l{i}.log"
        r = run(good_elf, "--stats-json", j, "--log-commits", lg)
        outs.append((r.stdout, r.stderr, j.read_bytes(), lg.read_bytes()))
    assert outs[0] == outs[1]


def test_host_stats_rss(tmp_path, good_elf):
    # 2 GiB of simulated RAM, almost none of it touched: small RSS.
    # The test process itself first grows past 64 MiB: ctsim must report its
    # own peak, not the parent's (getrusage's ru_maxrss survives fork+exec).
    ballast = bytearray(96 << 20)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    r = run(good_elf, "--ram", "2G", "--host-stats")
    del ballast
    m = re.search(r"peak RSS ([\d.]+) MiB", r.stderr)
    assert r.returncode == 0 and m, r.stderr
    assert float(m.group(1)) < 64


# ------------------------------------------------------------ docs

def test_docs_examples_run():
    """Every `build/ctsim ...` and `build/cttrace ...` command in docs/ctsim.md
    runs (in order: the cttrace example reads the trace a ctsim line records)
    and succeeds, and the summary shown for hello.elf is what ctsim prints."""
    root = pathlib.Path(__file__).resolve().parent.parent
    doc = (root / "docs" / "ctsim.md").read_text()
    cmds = re.findall(r"^(build/ct(?:sim|trace) .*)$", doc, re.M)
    assert len(cmds) >= 5 and any(c.startswith("build/cttrace") for c in cmds)
    for cmd in cmds:
        r = subprocess.run(cmd, shell=True, cwd=root, capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, f"{cmd}: {r.stderr}"
    block = re.search(r"prints the program's.*?```\n(.*?)```", doc, re.S).group(1)
    r = subprocess.run(["build/ctsim", "build/cycles/hello.elf"], cwd=root,
                       capture_output=True, text=True)
    assert r.stdout + r.stderr == block


def subset_check(doc, real, where="JSON"):
    """doc (a JSON example) against real: every value shown is the real one; a
    dict without a "..." key lists exactly the real keys."""
    if isinstance(doc, dict):
        assert isinstance(real, dict), where
        keys = set(doc) - {"..."}
        if "..." not in doc:
            assert keys == set(real), f"{where}: keys {sorted(keys ^ set(real))} differ"
        for k in keys:
            assert k in real, f"{where}.{k} is not in the real JSON"
            subset_check(doc[k], real[k], f"{where}.{k}")
    else:
        assert doc == real, f"{where}: docs/ctsim.md shows {doc!r}, ctsim writes {real!r}"


def test_docs_json_and_commit_log_examples_are_real(tmp_path):
    """docs/ctsim.md's JSON example and commit-log lines are those of hello.elf."""
    root = pathlib.Path(__file__).resolve().parent.parent
    doc = (root / "docs" / "ctsim.md").read_text()
    example = json.loads(re.search(r"```json\n(.*?)```", doc, re.S).group(1))
    r = subprocess.run([str(ctsim()), "-q", "--stats-json", "-", "--log-commits",
                        str(tmp_path / "commits.log"), "build/cycles/hello.elf"], cwd=root,
                       capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    subset_check(example, json.loads(r.stderr))
    log = subprocess.run([str(ctsim()), "-q", "--log-commits", "-", "build/cycles/hello.elf"],
                         cwd=root, capture_output=True, text=True, timeout=60).stderr
    block = re.search(r"`--log-commits` writes the shape.*?```\n(.*?)```", doc, re.S).group(1)
    for line in block.splitlines():
        assert line in log.splitlines(), line
