"""The call table's format and geometry: model/ctable.h (through
tests/ctable_probe.c, built here) and its Python twin scripts/ctable.py, each
against examples worked by hand from docs/accelerator.md section 2, and against
each other on many geometries, IDs and tables."""
import random
import subprocess
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import ctable  # noqa: E402
import xlat_api  # noqa: E402

BASE = 0x80000000


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    exe = tmp_path_factory.mktemp("ctable") / "ctable_probe"
    subprocess.run(["gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-Wpedantic",
                    f"-I{ROOT / 'model'}", str(ROOT / "tests" / "ctable_probe.c"), "-o", str(exe)],
                   check=True)

    def run(cmds):
        r = subprocess.run([str(exe)], input="\n".join(cmds) + "\n", capture_output=True,
                           text=True, check=True)
        return r.stdout.splitlines()
    return run


def py_probe(cmds):
    """What tests/ctable_probe.c prints, from scripts/ctable.py."""
    out, bits, mem = [], None, {}
    for c in cmds:
        t = c.split()
        v = [int(x, 0) for x in t[1:]]
        if t[0] == "g":
            why = ctable.check(v)
            if why is None:
                out.append("check 0 0")
                bits = v
                rm = ctable.range_mask(ctable.width(bits))
                parts = [f"{ctable.shift(bits, l)}:0x{(1 << b) - 1:x}:{ctable.level_bytes(b)}"
                         for l, b in enumerate(bits)]
                out.append(f"geo {ctable.width(bits)} 0x{rm:08x} " + " ".join(parts))
            elif why.startswith("levels"):
                out.append("check 1 0")
            elif why.startswith("level_bits["):
                out.append(f"check 2 {why.split('[')[1].split(']')[0]}")
            else:
                out.append(f"check 3 {sum(v)}")
        elif t[0] == "i":
            i = v[0]
            out.append(" ".join(["idx", str(int(ctable.in_range(bits, i)))]
                                + [str(x) for x in ctable.indices(bits, i)]))
            out.append(" ".join(["ea"] + [f"0x{ctable.entry_addr(BASE, x):08x}"
                                          for x in ctable.indices(bits, i)]))
        elif t[0] == "m":
            mem[v[0]] = v[1]
        elif t[0] == "w":
            f, a, lv, ea, e = ctable.walk(bits, v[0], v[1],
                                          lambda x: None if x >= 0xF0000000 else mem.get(x, 0))
            out.append(f"walk {f} 0x{a:08x} {lv} 0x{ea:08x} 0x{e:08x}")
        elif t[0] == "e":
            e = v[0]
            a = ctable.target(e)
            out.append(f"ent {int(ctable.is_valid(e))} {int(ctable.is_leaf(e))} 0x{a:08x}")
            root = a | ctable.VALID
            out.append(f"mk 0x{ctable.leaf(a):08x} 0x{ctable.next_entry(a):08x} 0x{root:08x} "
                       f"0x{ctable.target(root):08x}")
    return out


# ---------------------------------------------------------------- by hand

# 12/10/10 (W = 32): S = 20, 10, 0. ID 0x00ABCDEF = 0000 0000 1010 | 1011 1100 11 |
# 01 1110 1111: level 0 index 0x00A = 10, level 1 0b1011110011 = 0x2F3 = 755, level 2
# 0b0111101111 = 0x1EF = 495; entries at base + 4 * index: +0x28, +0xBCC, +0x7BC.
HAND = [
    ("g 12 10 10", ["check 0 0", "geo 32 0x00000000 20:0xfff:16384 10:0x3ff:4096 0:0x3ff:4096"]),
    ("i 0x00ABCDEF", ["idx 1 10 755 495", "ea 0x80000028 0x80000bcc 0x800007bc"]),
    ("i 0xFFFFFFFF", ["idx 1 4095 1023 1023", "ea 0x80003ffc 0x80000ffc 0x80000ffc"]),
    # one level of 16 bits: W = 16, IDs from 0x10000 up fail the range check
    ("g 16", ["check 0 0", "geo 16 0xffff0000 0:0xffff:262144"]),
    ("i 0x1234", ["idx 1 4660", "ea 0x800048d0"]),
    ("i 0x10000", ["idx 0 0", "ea 0x80000000"]),
    ("i 0xFFFF", ["idx 1 65535", "ea 0x8003fffc"]),
    # four levels of 8 bits: one byte of the ID each, root the top byte
    ("g 8 8 8 8", ["check 0 0", "geo 32 0x00000000 24:0xff:1024 16:0xff:1024 8:0xff:1024 "
                   "0:0xff:1024"]),
    ("i 0x11223344", ["idx 1 17 34 51 68", "ea 0x80000044 0x80000088 0x800000cc 0x80000110"]),
    # 10/10 (W = 20 < 32): bit 20 and above out of range
    ("g 10 10", ["check 0 0", "geo 20 0xfff00000 10:0x3ff:4096 0:0x3ff:4096"]),
    ("i 0x000FFFFF", ["idx 1 1023 1023", "ea 0x80000ffc 0x80000ffc"]),
    ("i 0x00100000", ["idx 0 0 0", "ea 0x80000000 0x80000000"]),
    ("i 0x80000401", ["idx 0 1 1", "ea 0x80000004 0x80000004"]),
    # 1 x 1 bit: W = 1, only IDs 0 and 1
    ("g 1", ["check 0 0", "geo 1 0xfffffffe 0:0x1:8"]),
    ("i 2", ["idx 0 0", "ea 0x80000000"]),
    # invalid geometries: no levels, five levels, a width of 0 or 17, more than 32 bits
    ("g", ["check 1 0"]),
    ("g 4 4 4 4 4", ["check 1 0"]),
    ("g 0 10", ["check 2 0"]),
    ("g 12 17", ["check 2 1"]),
    ("g 16 16 1", ["check 3 33"]),
    # entry encoding: bit 0 valid, bit 1 leaf, bits 31:2 the address
    ("e 0x00401003", ["ent 1 1 0x00401000", "mk 0x00401003 0x00401001 0x00401001 0x00401000"]),
    ("e 0x80010001", ["ent 1 0 0x80010000", "mk 0x80010003 0x80010001 0x80010001 0x80010000"]),
    ("e 0x00000002", ["ent 0 1 0x00000000", "mk 0x00000003 0x00000001 0x00000001 0x00000000"]),
]

# Walks of 0x00ABCDEF under 12/10/10 with the root table at 0x80000000 (entries
# as worked out above), then the faults of section 2.
WALKS = [
    "g 12 10 10",
    "m 0x80000028 0x80010001", "m 0x80010bcc 0x80020001", "m 0x800207bc 0x00401003",
    "w 0x80000001 0x00ABCDEF",   # leaf at the last level
    "w 0x80000000 0x00ABCDEF",   # root disabled: DISABLED before anything
    "w 0x80000003 0x00ABCDEF",   # root bit 1 is reserved, ignored
    "w 0x80000001 0x00ABCDEE",   # last-level entry 0x800207b8 never written: INVALID
    "w 0x80000001 0x01000000",   # root index 16: entry 0x80000040 invalid
    "m 0x80000040 0x00500003",   # a leaf at the root: every ID under it
    "w 0x80000001 0x010ABCDE",
    "m 0x80000044 0xF0000001",   # next table where reads fail: BUS at level 1
    "w 0x80000001 0x01100000",
    "m 0x80010bc8 0x80030001",   # a non-leaf at the last level: INVALID
    "m 0x800307b8 0x80040001",
    "w 0x80000001 0x00ABC9EE",
    "g 10 10",
    "w 0x80000001 0x00100000",   # out of range: RANGE (the root still enabled)
    "w 0x80000000 0x00100000",   # disabled wins over range
]
WALKS_EXPECTED = [
    "check 0 0", "geo 32 0x00000000 20:0xfff:16384 10:0x3ff:4096 0:0x3ff:4096",
    "walk 0 0x00401000 2 0x800207bc 0x00401003",
    "walk 3 0x00000000 0 0x00000000 0x00000000",
    "walk 0 0x00401000 2 0x800207bc 0x00401003",
    "walk 1 0x00000000 2 0x800207b8 0x00000000",
    "walk 1 0x00000000 0 0x80000040 0x00000000",
    "walk 0 0x00500000 0 0x80000040 0x00500003",
    "walk 4 0x00000000 1 0xf0000000 0x00000000",
    "walk 1 0x00000000 2 0x800307b8 0x80040001",
    "check 0 0", "geo 20 0xfff00000 10:0x3ff:4096 0:0x3ff:4096",
    "walk 2 0x00000000 0 0x00000000 0x00000000",
    "walk 3 0x00000000 0 0x00000000 0x00000000",
]


def test_hand_worked_c(probe):
    cmds = [c for c, _ in HAND]
    want = [line for _, exp in HAND for line in exp]
    assert probe(cmds) == want


def test_hand_worked_python():
    cmds = [c for c, _ in HAND]
    want = [line for _, exp in HAND for line in exp]
    assert py_probe(cmds) == want


@pytest.mark.parametrize("impl", ["c", "python"])
def test_hand_worked_walks(probe, impl):
    got = probe(WALKS) if impl == "c" else py_probe(WALKS)
    assert got == WALKS_EXPECTED


# ---------------------------------------------------------------- C vs Python

def random_geometries(rng):
    geos = [[16], [1], [16, 16], [8, 8, 8, 8], [1, 1, 1, 1], [16, 16, 16, 16], [12, 10, 10],
            [10, 10], [10], [], [0], [17], [4] * 5, [16, 16, 1], [16, 15, 1], [2, 0, 3]]
    for _ in range(150):
        n = rng.choice([1, 2, 3, 4, 4, 4])
        geos.append([rng.randint(1, 16) for _ in range(n)])
    for _ in range(20):
        geos.append([rng.randint(0, 18) for _ in range(rng.randint(0, 6))])
    return geos


def random_ids(rng, bits):
    w = sum(bits)
    ids = {0, 0xFFFFFFFF, 1, 0x80000000}
    if w < 32:
        ids |= {(1 << w) - 1, 1 << w, (1 << w) | 1}
    for _ in range(12):
        ids.add(rng.getrandbits(min(w, 32)) if rng.random() < 0.8 else rng.getrandbits(32))
    return sorted(ids)


def random_walks(rng, bits):
    """A table of random IDs with leaves, superpage leaves, invalid entries,
    unreadable next tables and non-leaves at the last level; walks of those IDs
    and others."""
    cmds, ids = [], [rng.getrandbits(sum(bits)) for _ in range(8)]
    tables = ctable.build(bits, [(i, rng.getrandbits(30) << 2) for i in ids])
    addr = [BASE + 0x100000 * k for k in range(len(tables))]
    for k, (path, ents) in enumerate(tables):
        for x, e in enumerate(ents):
            if e is None:
                continue
            word = (ctable.leaf(e[1]) if e[0] == "leaf" else ctable.next_entry(addr[e[1]]))
            r = rng.random()
            if r < 0.05:
                word &= ~ctable.VALID
            elif r < 0.1:
                word = ctable.next_entry(0xF0000000 + (rng.getrandbits(20) << 2))
            elif r < 0.15:
                word = ctable.next_entry(rng.getrandbits(30) << 2)
            elif r < 0.2 and e[0] == "next":
                word = ctable.leaf(rng.getrandbits(30) << 2)
            cmds.append(f"m 0x{ctable.entry_addr(addr[k], x):08x} 0x{word:08x}")
    for i in ids + [rng.getrandbits(32) for _ in range(4)]:
        cmds.append(f"w 0x{BASE | rng.choice([1, 1, 1, 3, 0]):08x} 0x{i:08x}")
    return cmds


def test_c_and_python_agree(probe):
    rng = random.Random(20261201)
    cmds = []
    for bits in random_geometries(rng):
        cmds.append("g " + " ".join(map(str, bits)))
        if ctable.check(bits) is None:
            cmds += [f"i 0x{i:08x}" for i in random_ids(rng, bits)]
            cmds += random_walks(rng, bits)
    for _ in range(50):
        cmds.append(f"e 0x{rng.getrandbits(32):08x}")
    c, py = probe(cmds), py_probe(cmds)
    assert len(c) == len(py) and len(c) > 4000
    for n, (a, b) in enumerate(zip(c, py)):
        assert a == b, f"output line {n}: C {a!r}, Python {b!r}"
    assert not any("MISMATCH" in line for line in c)


def test_check_words_match_xlat_config_check():
    """ctable.check's reasons are xlat_config_check's messages (without "xlat: ")."""
    for bits in ([], [12, 10, 10], [0], [17, 1], [10, 0, 10], [16, 16, 1], [16] * 4, [1] * 4):
        rc, msg = xlat_api.check(xlat_api.config(levels=tuple(bits)))
        why = ctable.check(bits)
        assert (rc == 0) == (why is None), bits
        if why is not None:
            assert msg == "xlat: " + why, bits


@pytest.mark.parametrize("how", ["rv32im", "c++"])
def test_header_compiles_freestanding_and_as_cxx(tmp_path, how):
    """model/ctable.h needs nothing beyond stdint.h/stddef.h (the firmware compiles it
    for rv32im without a C library) and is valid C++ (xlat.h's C++ users)."""
    src = tmp_path / "t.c"
    src.write_text('#include "ctable.h"\n'
                   "uint32_t f(uint32_t id);\n"
                   "uint32_t f(uint32_t id) {\n"
                   "  const uint32_t b[3] = {12, 10, 10};\n"
                   "  ctable_geo_t g;\n"
                   "  ctable_geo_init(&g, 3, b);\n"
                   "  return ctable_geo_entry(&g, 0x1000, id, 1) + ctable_index(3, b, id, 2);\n"
                   "}\n")
    if how == "rv32im":
        cmd = ["riscv64-unknown-elf-gcc", "-march=rv32im", "-mabi=ilp32", "-std=c11", "-O2",
               "-ffreestanding", "-nostdlib", "-Wall", "-Wextra", "-Werror", "-Wshadow",
               "-Wstrict-prototypes", "-Wpedantic"]
    else:
        cmd = ["g++", "-std=gnu++17", "-x", "c++", "-Wall", "-Wextra", "-Werror"]
    subprocess.run(cmd + [f"-I{ROOT / 'model'}", "-c", str(src), "-o", str(tmp_path / "t.o")],
                   check=True)


def test_cli_example_of_the_docs():
    """docs/accelerator.md's example of scripts/ctable.py prints what it shows, and that
    is the spec worked by hand (0x00ABCDEF above; 10,10 covers 20 bits)."""
    doc = (ROOT / "docs" / "accelerator.md").read_text().splitlines()
    shown = {}
    for n, line in enumerate(doc):
        if line.startswith("scripts/ctable.py "):
            shown[line] = doc[n + 1]
    assert shown == {
        "scripts/ctable.py --ctlb-levels 12,10,10 0x00ABCDEF":
            "0x00abcdef: L0 index 10 offset 0x28, L1 index 755 offset 0xbcc, "
            "L2 index 495 offset 0x7bc",
        "scripts/ctable.py --ctlb-levels 10,10 0x00100000":
            "0x00100000: out of range (a bit at or above bit 20): fault RANGE"}
    for cmd, want in shown.items():
        r = subprocess.run([sys.executable] + cmd.split(), cwd=ROOT, capture_output=True,
                           text=True, check=True)
        assert r.stdout.splitlines() == [want]


@pytest.mark.parametrize("args,word", [
    (["--ctlb-levels", "10,20", "1"], "level_bits[1] must be in 1..16 (got 20)"),
    (["--ctlb-levels", "16,16,1", "1"], "level_bits must sum to at most 32 ID bits (got 33)"),
    (["--ctlb-levels", "4,4,4,4,4", "1"], "levels must be in 1..4 (got 5)"),
    (["--ctlb-levels", "12,x", "1"], "not a list like 12,10,10"),
    (["0x100000000"], "'0x100000000' is not a number below 2^32"),
    ([], "required: id")])
def test_cli_bad_input(args, word):
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "ctable.py")] + args,
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ctable.py: error: ") and word in lines[0]
