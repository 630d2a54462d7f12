"""scripts/ctobjdump (build/ctobjdump): objdump -d with the call-ID
instructions and, where the ID register was set in the same basic block, the
ID and the function's name. Expected words come from docs/isa.md's encoding
table worked out here, expected IDs and names from the program sources."""
import re
import subprocess

import pytest

from conftest import BUILD, ROOT, need
from sim_helpers import TOHOST_SECTION, assemble

TOOL = ROOT / "scripts" / "ctobjdump"


def run(*args, **kw):
    return subprocess.run([str(TOOL), *map(str, args)], capture_output=True, text=True,
                          timeout=120, **kw)


def callid_lines(text):
    return [ln for ln in text.splitlines() if re.search(r"\t(callid|ctlb\.inv|xlat)\t", ln)]


# a program with a registry: each case says what ctobjdump must print after
# the mnemonic (worked out by hand from the rule: li / lui / lui + addi in the
# same basic block)
SRC = """
#include "ctisa.h"
  .section .text.init
  .globl _start
_start:
  li     t0, 5
  callid ra, t0                 # id 0x5 -> five
  lui    t1, 0x10
  addi   t1, t1, 3
  xlat   a0, t1                 # id 0x10003 (big)
  li     t2, 7
  mv     t2, a0
  callid ra, t2                 # t2 overwritten: no id
  li     a3, 5
  j      1f
1:
  callid ra, a3                 # a label in between: no id
  li     a4, 5
  beqz   a0, 2f
  ctlb.inv a4                   # after a branch: no id
2:
  li     a5, 9
  ctlb.inv a5                   # id 0x9, not registered
  ctlb.flush
  li     a6, 0x10003
  ctlb.inv a6                   # li of a large value: lui + addi
  li     t5, 1
  sw     t5, 0(t6)
  .word  0x0002808b             # data (objdump marks it), left alone
  .globl five, big
  .type five, @function
five:
  ret
  .type big, @function
big:
  ret
  .section ct_registry, "a"
  .word 5, five
  .word 0x10003, big
""" + TOHOST_SECTION

EXPECT = [
    ("callid", "ra,t0", "# id 0x5 -> five"),
    ("xlat", "a0,t1", "# id 0x10003 (big)"),
    ("callid", "ra,t2", ""),
    ("callid", "ra,a3", ""),
    ("ctlb.inv", "a4", ""),
    ("ctlb.inv", "a5", "# id 0x9"),
    ("ctlb.inv", "zero", "# flush"),
    ("ctlb.inv", "a6", "# id 0x10003 (big)"),
]


def word(f3, rd, rs1):
    return (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x0B


REGS = {"zero": 0, "ra": 1, "t0": 5, "t1": 6, "t2": 7, "a0": 10, "a3": 13, "a4": 14,
        "a5": 15, "a6": 16}
F3 = {"callid": 0, "ctlb.inv": 1, "xlat": 2}


def test_rewrites_and_names(tmp_path):
    # (#include "..." finds the header beside the source)
    (tmp_path / "ctisa.h").write_bytes((ROOT / "firmware/common/ctisa.h").read_bytes())
    elf = assemble(tmp_path, SRC)
    r = run(elf)
    assert r.returncode == 0, r.stderr
    got = callid_lines(r.stdout)
    assert len(got) == len(EXPECT), r.stdout
    for line, (mn, ops, comment) in zip(got, EXPECT):
        m = re.match(r"^\s*[0-9a-f]+:\t([0-9a-f]{8})\s+(\S+)\t(\S+)(\t(.*))?$", line)
        assert m, line
        regs = ops.split(",")
        rd, rs1 = (REGS[regs[0]], REGS[regs[1]]) if len(regs) == 2 else (0, REGS[regs[0]])
        assert int(m.group(1), 16) == word(F3[mn], rd, rs1), line
        assert (m.group(2), m.group(3), m.group(5) or "") == (mn, ops, comment), line
    # the data word stays objdump's
    assert re.search(r"\t\.word\t0x0002808b", r.stdout)


def test_demo_names_from_its_registry():
    """demo.elf: every callid line is a callid word; those with an ID name the
    function demo.c registers for it (CT_REGISTER lines and the ID table in its
    header comment)."""
    elf = need(BUILD / "firmware" / "demo" / "demo.elf", "all")
    src = (ROOT / "firmware" / "demo" / "demo.c").read_text()
    ids = {name: int(v, 16) for name, v in re.findall(r"^ \*\s+(ID_\w+)\s+(0x[0-9a-fA-F]+)",
                                                      src, re.M)}
    reg = {ids[i]: fn for i, fn in re.findall(r"^CT_REGISTER\((ID_\w+), (\w+)\);", src, re.M)}
    assert len(reg) == 3
    r = run(elf)
    assert r.returncode == 0, r.stderr
    plain = subprocess.run(["riscv64-unknown-elf-objdump", "-d", str(elf)], capture_output=True,
                           text=True, check=True).stdout
    n_words = len(re.findall(r"\t0002808b\s+\.4byte\t0x2808b", plain))
    calls = [ln for ln in callid_lines(r.stdout) if "\tcallid\t" in ln]
    assert len(calls) == n_words >= 3
    named = 0
    for ln in calls:
        m = re.search(r"# id (0x[0-9a-f]+) -> (\S+)$", ln)
        if m:
            assert reg[int(m.group(1), 16)] == m.group(2), ln
            named += 1
    assert named >= 1
    # the rest of the output is objdump's own
    strip = [ln for ln in r.stdout.splitlines() if ln not in callid_lines(r.stdout)]
    def custom0(ln):
        m = re.search(r"\t\.4byte\t(0x[0-9a-f]+)$", ln)
        return m and int(m.group(1), 16) & 0x7F == 0x0B
    assert strip == [ln for ln in plain.splitlines() if not custom0(ln)]


def test_objdump_arguments_pass_through():
    elf = need(BUILD / "cycles" / "callid_mix.elf", "all")
    r = run("--start-address=0x80000090", "--stop-address=0x80000098", elf)
    assert r.returncode == 0, r.stderr
    assert callid_lines(r.stdout) == [
        "80000090:\t000a008b          \tcallid\tra,s4",
        "80000094:\t000a808b          \tcallid\tra,s5"]
    r = run("--no-show-raw-insn", "-M", "no-aliases", elf)
    assert r.returncode == 0
    assert "80000090:\tcallid\tra,s4" in r.stdout.splitlines()
    assert "\taddi\t" in r.stdout                  # -M no-aliases reached objdump


def test_errors(tmp_path):
    r = run()
    assert r.returncode == 2 and r.stderr.strip() == \
        "ctobjdump: error: no ELF file given (see --help)"
    r = run(tmp_path / "missing.elf")
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "missing.elf" in r.stderr
    r = run("--objdump", tmp_path / "no-objdump", BUILD / "cycles" / "callid_mix.elf")
    assert r.returncode == 2 and "not found" in r.stderr and len(r.stderr.splitlines()) == 1
    bad = assemble(tmp_path, "  .globl _start\n_start: nop\n"
                   '  .section ct_registry, "a"\n  .word 1, 2, 3\n' + TOHOST_SECTION, "badreg")
    r = run(bad)
    assert r.returncode == 2
    assert r.stderr.strip().endswith("section ct_registry is 12 bytes, not a multiple of 8 "
                                     "({uint32 id, uint32 address} pairs)"), r.stderr


def test_help_and_make_link():
    r = run("--help")
    assert r.returncode == 0 and "callid" in r.stdout and "--objdump" in r.stdout
    link = BUILD / "ctobjdump"
    assert link.is_symlink() and link.resolve() == TOOL.resolve()


def test_names_agree_with_ctsim(tmp_path):
    """ctobjdump (Python) and ctsim (sim/elf.c) name the registry's IDs by the
    same rules: function over label, global over local, symbol@unit for a local
    function, the first pair of an ID (test_sim_names.REG_PROG)."""
    from sim_helpers import run_stats
    from test_sim_names import reg_prog
    elf = reg_prog(tmp_path)
    r = run(elf)
    assert r.returncode == 0, r.stderr
    shown = {}
    for ln in callid_lines(r.stdout):
        m = re.search(r"\tcallid\t\S+\t# id (0x[0-9a-f]+)(?: -> (\S+))?$", ln)
        if m:
            shown[int(m.group(1), 16)] = m.group(2)
    assert shown == {1: "gfn", 2: "lfn@unit.c", 3: "both", 4: "gfn", 6: None}
    rs, s = run_stats(tmp_path, elf)
    assert rs.returncode == 0, rs.stderr
    assert {f["id"]: f["name"] for f in s["functions"] if f["calls"]} == shown


SRC_BCAST = """
#include "ctisa.h"
  .section .text.init
  .globl _start
_start:
  li     a4, 0x10003
  ctlb.bcast a4                 # id 0x10003 (big)
  ctlb.bcastflush
  ctlb.sync
  li     t5, 1
  sw     t5, 0(t6)
  .globl big
  .type big, @function
big:
  ret
  .section ct_registry, "a"
  .word 0x10003, big
""" + TOHOST_SECTION


def test_broadcast_and_sync(tmp_path):
    # docs/isa.md: ctlb.bcast is funct3 3 with rd = x0, ctlb.sync funct3 4 with
    # rd = rs1 = x0 and no operands
    (tmp_path / "ctisa.h").write_bytes((ROOT / "firmware/common/ctisa.h").read_bytes())
    r = run(assemble(tmp_path, SRC_BCAST))
    assert r.returncode == 0, r.stderr
    got = [ln for ln in r.stdout.splitlines() if "\tctlb." in ln]
    assert len(got) == 3, r.stdout
    want = [(word(3, 0, 14), "ctlb.bcast\ta4\t# id 0x10003 (big)"),
            (word(3, 0, 0), "ctlb.bcast\tzero\t# flush"),
            (word(4, 0, 0), "ctlb.sync")]
    for line, (w, text) in zip(got, want):
        m = re.match(r"^\s*[0-9a-f]+:\t([0-9a-f]{8})\s+(.*)$", line)
        assert m and int(m.group(1), 16) == w and m.group(2) == text, line
