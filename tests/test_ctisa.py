"""The call-ID mnemonics for assembly (firmware/common/ctisa.h) and ctsim's
disassembler (sim/disasm.c, run through build/ctdisasm).

Expected words come from docs/isa.md's encoding table worked out here by hand
(R-type: rs1 at bit 15, funct3 at bit 12, rd at bit 7, opcode custom-0 0x0B,
funct7 = rs2 = 0); expected disassembly of the base instructions comes from
binutils' objdump, an independent disassembler, over the ISA tests' ELFs.
"""
import pathlib
import re
import subprocess

import pytest

from conftest import BIN, BUILD, ROOT, need

CROSS = "riscv64-unknown-elf-"
ARCH = ["-march=rv32im", "-mabi=ilp32", "-misa-spec=2.2"]
INCLUDE = ROOT / "firmware" / "common"
ABI = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1"] + \
      [f"a{i}" for i in range(8)] + [f"s{i}" for i in range(2, 12)] + \
      [f"t{i}" for i in range(3, 7)]


def word(f3, rd, rs1):
    """docs/isa.md: custom-0 R-type with funct7 = 0 and rs2 = x0."""
    return (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x0B


def assemble_words(tmp_path, body, name="t", how="cpp"):
    """The words of .text after assembling body with ctisa.h included (by the C
    preprocessor from a .S file, or by GAS's .include from a .s file)."""
    if how == "cpp":
        src = tmp_path / f"{name}.S"
        src.write_text('#include "ctisa.h"\n  .text\n' + body)
        cmd = [CROSS + "gcc", *ARCH, "-I", str(INCLUDE), "-c"]
    else:
        src = tmp_path / f"{name}.s"
        src.write_text('.include "ctisa.h"\n  .text\n' + body)
        cmd = [CROSS + "as", "-march=rv32im", "-I", str(INCLUDE)]
    obj = tmp_path / f"{name}.o"
    r = subprocess.run([*cmd, "-o", str(obj), str(src)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    raw = tmp_path / f"{name}.bin"
    subprocess.run([CROSS + "objcopy", "-O", "binary", "-j", ".text", str(obj), str(raw)],
                   check=True)
    b = raw.read_bytes()
    return [int.from_bytes(b[i:i + 4], "little") for i in range(0, len(b), 4)]


# (source line, funct3, rd, rs1)
FORMS = [
    ("callid ra, t1", 0, 1, 6),
    ("callid x1, x6", 0, 1, 6),
    ("callid t0, t0", 0, 5, 5),
    ("callid s11, a7", 0, 27, 17),
    ("ctlb.inv t0", 1, 0, 5),
    ("ctlb.inv x31", 1, 0, 31),
    ("ctlb.inv x0", 1, 0, 0),
    ("ctlb.inv zero", 1, 0, 0),
    ("ctlb.flush", 1, 0, 0),
    ("xlat a0, t0", 2, 10, 5),
    ("xlat x31, x1", 2, 31, 1),
    ("ctlb.bcast t0", 3, 0, 5),
    ("ctlb.bcast a7", 3, 0, 17),
    ("ctlb.bcast x0", 3, 0, 0),
    ("ctlb.bcastflush", 3, 0, 0),
    ("ctlb.sync", 4, 0, 0),
]


@pytest.mark.parametrize("how", ["cpp", "gas"])
def test_macros_give_the_words_of_the_encoding_table(tmp_path, how):
    body = "".join(f"  {line}\n" for line, *_ in FORMS)
    # included twice: the guard makes the second inclusion harmless
    body = ('#include "ctisa.h"\n' if how == "cpp" else '.include "ctisa.h"\n') + body
    got = assemble_words(tmp_path, body, how=how)
    want = [word(f3, rd, rs1) for _, f3, rd, rs1 in FORMS]
    for (line, *_), g, w in zip(FORMS, got, want):
        assert g == w, f"{line}: 0x{g:08x}, docs/isa.md gives 0x{w:08x}"
    assert len(got) == len(want)
    # the worked examples once more, as literal numbers: 0x3008b is
    # (6 << 15) | (1 << 7) | 0x0b
    assert got[0] == 0x0003008B and got[4] == 0x0002900B and got[9] == 0x0002A50B


@pytest.mark.parametrize("bad", ["callid ra", "ctlb.inv", "xlat a0", "callid ra, t1, t2",
                                 "callid ra, x32", "ctlb.bcast", "ctlb.sync t0",
                                 "ctlb.bcast t0, t1"])
def test_wrong_operands_are_assembler_errors(tmp_path, bad):
    src = tmp_path / "bad.S"
    src.write_text(f'#include "ctisa.h"\n  .text\n  {bad}\n')
    r = subprocess.run([CROSS + "gcc", *ARCH, "-I", str(INCLUDE), "-c", "-o",
                        str(tmp_path / "bad.o"), str(src)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode != 0 and "Error" in r.stderr, r.stderr


def to_insn(text):
    """The test's own translation of the mnemonics back into docs/isa.md's .insn
    lines (and drops the #include)."""
    text = text.replace('#include "ctisa.h"', "")
    text = re.sub(r"\bcallid\s+(\w+),\s*(\w+)", r".insn r CUSTOM_0, 0, 0, \1, \2, x0", text)
    text = re.sub(r"\bxlat\s+(\w+),\s*(\w+)", r".insn r CUSTOM_0, 2, 0, \1, \2, x0", text)
    text = re.sub(r"\bctlb\.inv\s+(\w+)", r".insn r CUSTOM_0, 1, 0, x0, \1, x0", text)
    return text


def image(tmp_path, src, name, flags):
    elf = tmp_path / f"{name}.elf"
    r = subprocess.run([CROSS + "gcc", *flags, "-o", str(elf), str(src)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    raw = tmp_path / f"{name}.bin"
    subprocess.run([CROSS + "objcopy", "-O", "binary", str(elf), str(raw)], check=True)
    return raw.read_bytes()


@pytest.mark.parametrize("rel", ["tests/cycles/callid_mix.S", "tests/cycles/bench_callid.S"])
def test_sources_using_the_macros_build_the_same_image(tmp_path, rel):
    """The programs written with the mnemonics have exactly the image of the
    same programs written with .insn (the cycle tests' hand counts hold for
    both)."""
    src = ROOT / rel
    text = src.read_text()
    assert '#include "ctisa.h"' in text and ".insn r" not in text
    old = tmp_path / "old.S"
    old.write_text(to_insn(text))
    flags = [*ARCH, "-nostdlib", "-nostartfiles", "-T", str(ROOT / "tests/cycles/link.ld")]
    a = image(tmp_path, src, "new", [*flags, "-I", str(INCLUDE)])
    b = image(tmp_path, old, "old", flags)
    assert a == b


def test_cmpbench_loops_use_the_macros(tmp_path):
    """firmware/cmpbench/loops.S: the object's .text is that of the .insn
    spelling."""
    src = ROOT / "firmware/cmpbench/loops.S"
    text = src.read_text()
    assert '#include "ctisa.h"' in text and ".insn r" not in text
    old = tmp_path / "old.S"
    old.write_text(to_insn(text))
    out = []
    for s, name, inc in ((src, "new", ["-I", str(INCLUDE)]), (old, "old", [])):
        obj = tmp_path / f"{name}.o"
        subprocess.run([CROSS + "gcc", *ARCH, *inc, "-c", "-o", str(obj), str(s)], check=True)
        raw = tmp_path / f"{name}.bin"
        subprocess.run([CROSS + "objcopy", "-O", "binary", "-j", ".text", str(obj), str(raw)],
                       check=True)
        out.append(raw.read_bytes())
    assert out[0] == out[1] and len(out[0]) > 100


# ---------------------------------------------------------------- disassembler

def ctdisasm(lines, *args):
    r = subprocess.run([str(need(BIN / "ctdisasm", "build/ctdisasm")), *args],
                       input="".join(f"{a:08x} {w:08x}\n" for a, w in lines),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_call_id_mnemonics_from_the_encoding_table():
    names = {0: "callid", 1: "ctlb.inv", 2: "xlat"}
    cases, want = [], []
    for f3 in (0, 1, 2):
        for rd, rs1 in ((1, 5), (10, 6), (31, 17), (0, 0), (5, 5)):
            if f3 == 1:
                rd = 0
            cases.append((0x80000000, word(f3, rd, rs1)))
            want.append(f"ctlb.inv {ABI[rs1]}" if f3 == 1 else
                        f"{names[f3]} {ABI[rd]}, {ABI[rs1]}")
    for rs1 in (5, 17, 0):
        cases.append((0x80000000, word(3, 0, rs1)))
        want.append(f"ctlb.bcast {ABI[rs1]}")
    cases.append((0x80000000, word(4, 0, 0)))
    want.append("ctlb.sync")
    assert ctdisasm(cases) == want
    assert ctdisasm(cases, "--no-aliases") == want
    # other custom-0 words are illegal instructions (docs/isa.md): no mnemonic
    bad = [word(3, 1, 5), word(0, 1, 5) | (1 << 20), word(0, 1, 5) | (1 << 25),
           word(1, 3, 5), word(4, 0, 5), word(4, 1, 0), word(5, 0, 0), word(7, 0, 0)]
    assert ctdisasm([(0, w) for w in bad]) == [f".4byte 0x{w:x}" for w in bad]


def objdump_lines(elf, *opts):
    """(address, word, text) of every instruction objdump -d shows (data words
    it shows as .word/.4byte are skipped: objdump marks them by mapping
    symbols, which a disassembler of single words cannot know)."""
    out = subprocess.run([CROSS + "objdump", "-d", *opts, str(elf)], capture_output=True,
                         text=True, check=True, timeout=60).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\s+([0-9a-f]{8})\s+(.*)$", line)
        if not m:
            continue
        text = m.group(3).split("#")[0].strip()
        if text.startswith((".word", ".4byte", ".insn")):
            continue
        rows.append((int(m.group(1), 16), int(m.group(2), 16), text))
    return rows


# docs/isa.md's CSR table: the call-ID CSRs by number (objdump has no names
# for them and prints the number)
def custom_csrs():
    doc = (ROOT / "docs" / "isa.md").read_text()
    return {int(n, 16): name for name, n in
            re.findall(r"^\| `(\w+)` \| (0x[0-9A-F]{3}) \|", doc, re.M)}


# binutils 2.40's own pseudo-instructions that ctsim prints under the
# instruction's name (Spike does too): objdump writes addi with a nonzero
# immediate as "add", slli/srli/srai as "sll"/"srl"/"sra", andi 255 as
# "zext.b", ori/xori/andi as "or"/"xor"/"and", and csrrwi/csrrsi/csrrci as
# "csrrw"/"csrrs"/"csrrc" (rd != 0) or "csrw"/"csrs"/"csrc" (rd = 0) when
# the last operand is a number
OBJDUMP_ALIAS = [
    (r"^add (\w+),(\w+),(-?\d+)$", r"addi \1,\2,\3"),
    (r"^(sll|srl|sra) (\w+),(\w+),(0x[0-9a-f]+)$", r"\1i \2,\3,\4"),
    (r"^(or|xor|and) (\w+),(\w+),(-?\d+)$", r"\1i \2,\3,\4"),
    (r"^zext\.b (\w+),(\w+)$", r"andi \1,\2,255"),
    (r"^(csrrw|csrrs|csrrc) (\w+),(\w+),(\d+)$", r"\1i \2,\3,\4"),
    (r"^(csrw|csrs|csrc) (\w+),(\d+)$", r"\1i \2,\3"),
]


def canonical(text, csrs, aliases):
    """objdump's text in ctsim's spelling: no space after commas, targets as
    numbers, the call-ID CSRs by name."""
    text = re.sub(r"\s+", " ", text.strip())
    text = re.sub(r", ", ",", text)
    text = re.sub(r"\s*<[^>]*>$", "", text)              # ctsim names targets only
    m = re.match(r"^(\S+) (.*)$", text)
    if m:
        ops = m.group(2).split(",")
        ops = [csrs.get(int(o, 16), o) if re.fullmatch(r"0x[0-9a-f]{1,3}", o)
               and m.group(1).startswith("csr") else o for o in ops]
        text = m.group(1) + " " + ",".join(ops)
    if aliases:
        for pat, rep in OBJDUMP_ALIAS:
            text = re.sub(pat, rep, text)
    return text


def ours(text):
    text = re.sub(r", ", ",", text.strip())
    return re.sub(r"\s*<[^>]*>$", "", text)


def isa_elfs():
    elfs = sorted((BUILD / "firmware" / "isa").glob("*.elf"))
    return elfs + [BUILD / "cycles" / "callid_mix.elf", BUILD / "firmware/demo/demo.elf"]


def branch_target(text):
    """objdump writes a branch or jump target as bare hex; ctsim as 0x..."""
    return re.sub(r"(?<=[ ,])([0-9a-f]{8})$", r"0x\1", text)


@pytest.mark.parametrize("mode", ["aliases", "no-aliases"])
def test_disassembler_agrees_with_objdump(mode):
    """Every instruction of the ISA tests (and of two call-ID programs)
    disassembled by ctsim and by objdump gives the same text."""
    csrs = custom_csrs()
    assert csrs[0x7C0] == "ctroot" and csrs[0xFC6] == "ctlblookup"
    opts = ["-M", "no-aliases"] if mode == "no-aliases" else []
    args = ["--no-aliases"] if mode == "no-aliases" else []
    total, mnemonics = 0, set()
    for elf in isa_elfs():
        rows = objdump_lines(need(elf, "all"), *opts)
        assert rows, elf
        got = ctdisasm([(a, w) for a, w, _ in rows], *args)
        for (a, w, text), g in zip(rows, got):
            want = branch_target(canonical(text, csrs, mode == "aliases"))
            assert ours(g) == want, f"{elf.name} 0x{a:08x} 0x{w:08x}: ctsim '{g}', objdump '{text}'"
            mnemonics.add(want.split()[0])
        total += len(rows)
    assert total > 2000
    # the comparison covered the whole base instruction set
    base = {"lui", "auipc", "jal", "jalr", "beq", "bne", "blt", "bge", "bltu", "bgeu",
            "lb", "lh", "lw", "lbu", "lhu", "sb", "sh", "sw", "addi", "slti", "sltiu",
            "xori", "ori", "andi", "slli", "srli", "srai", "add", "sub", "sll", "slt",
            "sltu", "xor", "srl", "sra", "or", "and", "mul", "mulh", "mulhsu", "mulhu",
            "div", "divu", "rem", "remu", "ecall", "ebreak", "mret", "wfi", "fence.i",
            "csrrw", "csrrs", "csrrc", "csrrwi", "csrrsi", "csrrci"}
    if mode == "no-aliases":
        assert base <= mnemonics, sorted(base - mnemonics)


# CSRs objdump names only for privileged spec 1.12 ELFs (ours say 1.11, the
# assembler's default), or not at all in 2.40, which ctsim names as the 1.12
# spec does (mstatush is one ctsim implements)
PRIV_1_12 = {0x310: "mstatush", 0x30A: "menvcfg", 0x31A: "menvcfgh", 0x10A: "senvcfg",
             0x34A: "mtinst", 0x34B: "mtval2", 0x747: "mseccfg", 0x757: "mseccfgh",
             0xF15: "mconfigptr"}
PRIV_1_12.update({0x3A0 + i: f"pmpcfg{i}" for i in range(4, 16)})
PRIV_1_12.update({0x3B0 + i: f"pmpaddr{i}" for i in range(16, 64)})


def test_every_csr_name_agrees_with_objdump(tmp_path):
    """csrrs a0, CSR, zero for all 4096 CSR numbers: ctsim names a CSR as
    objdump does; a CSR objdump shows as a number ctsim shows as the same
    number, apart from the call-ID CSRs (docs/isa.md's names) and the 1.12
    names above."""
    src = tmp_path / "csr.S"
    src.write_text("".join(f"  csrrs a0, {n}, zero\n" for n in range(4096)))
    obj = tmp_path / "csr.o"
    subprocess.run([CROSS + "gcc", *ARCH, "-c", "-o", str(obj), str(src)], check=True)
    rows = objdump_lines(obj, "-M", "no-aliases")
    assert len(rows) == 4096
    got = ctdisasm([(a, w) for a, w, _ in rows], "--no-aliases")
    names = {**custom_csrs(), **PRIV_1_12}
    named = 0
    for (a, w, text), g in zip(rows, got):
        assert ours(g) == canonical(text, names, False), f"CSR 0x{w >> 20:03x}: {g} / {text}"
        named += not re.search(r",0x[0-9a-f]+,", ours(g))
    assert named > 400


def test_branch_targets_are_named_by_symbols():
    elf = need(BUILD / "cycles" / "callid_mix.elf", "all")
    rows = objdump_lines(elf)
    with_sym = [(a, w, t) for a, w, t in rows if re.search(r" <\w+>$", t)]
    got = ctdisasm([(a, w) for a, w, _ in with_sym], "--elf", str(elf))
    named = 0
    for (a, w, text), g in zip(with_sym, got):
        sym = re.search(r"<(\w+)>$", text).group(1)
        if "+" not in sym:
            assert g.endswith(f" <{sym}>"), (g, text)
            named += 1
    assert named >= 2


def test_ctdisasm_bad_input():
    r = subprocess.run([str(need(BIN / "ctdisasm", "build/ctdisasm"))], input="80000000 xyz\n",
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert r.stderr.strip() == 'ctdisasm: error: <stdin>:1: expected "ADDRESS WORD" in hex'
