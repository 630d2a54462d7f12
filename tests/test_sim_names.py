"""Names in ctsim's outputs (docs/ctsim.md "Functions", "Commit log", "The
map beside the trace"; docs/isa.md "Sections in the ELF"): per-function
callid figures in the summary and the JSON, --log-disasm, the map beside
--record-trace, and the .ct_geometry check.

Expected figures are counted by hand from the programs (callid_mix.S's
header, the cost of a miss in docs/isa.md: 7 cycles with the default geometry
and latencies), expected names from the sources (CT_REGISTER lines)."""
import json
import os
import re
import subprocess

import pytest

from conftest import BIN, BUILD, ROOT, need
from sim_helpers import TOHOST_SECTION, assemble, ctsim, run, run_stats
from test_callid import ENABLE, TABLE, TABLE_DATA

MIX = BUILD / "cycles" / "callid_mix.elf"
DEMO = BUILD / "firmware" / "demo" / "demo.elf"

# callid_mix.S: 5 rounds of IDs 1 2 1 3 4 1 (the first round misses on each
# new ID), a flush, ID 1 (miss), ctlb.inv 2 + callid 2 (miss), xlat 5 (a miss
# that faults: INVALID at the last level)
MIX_FUNCS = {  # id: (calls, misses, name, other events)
    1: (16, 2, "fn_a", 0),
    2: (6, 2, "fn_b", 1),      # its ctlb.inv
    3: (5, 1, "fn_c", 0),
    4: (5, 1, "fn_d", 0),
    5: (0, 0, None, 1),        # the xlat
}
MISS = 7  # docs/isa.md, "Timing": a miss adds 7 cycles with the defaults


def hit_rate(calls, misses):
    return round((calls - misses) / calls, 4) if calls else 0.0


def test_functions_of_callid_mix(tmp_path):
    r, s = run_stats(tmp_path, need(MIX, "all"))
    assert r.returncode == 0, r.stderr
    got = {f["id"]: f for f in s["functions"]}
    assert set(got) == set(MIX_FUNCS)
    for i, (calls, misses, name, other) in MIX_FUNCS.items():
        f = got[i]
        assert (f["calls"], f["misses"], f["name"], f["other_events"], f["faults"]) == \
            (calls, misses, name, other, 0), f
        assert f["walk_cycles"] == MISS * misses, f
        assert f["hit_rate"] == hit_rate(calls, misses), f
    # the order: calls, then other events, then ID
    assert [f["id"] for f in s["functions"]] == [1, 2, 3, 4, 5]
    assert s["functions_dropped"] == 0
    # the columns add up to the accelerator's figures, less the xlat's miss
    c = s["ctlb"]
    assert sum(f["calls"] for f in s["functions"]) == c["callids"] == 32
    assert sum(f["misses"] for f in s["functions"]) == c["misses"] - 1
    assert sum(f["walk_cycles"] for f in s["functions"]) == c["walk_cycles"] - MISS
    # the summary: a header, the column names, one line per called ID
    lines = r.stderr.splitlines()
    i = lines.index("  functions     4 called by callid, top 4 by calls:")
    assert lines[i + 1].split() == ["id", "calls", "misses", "hit", "rate", "walk",
                                    "cycles", "name"]
    for k, (ident, (calls, misses, name, _)) in enumerate(list(MIX_FUNCS.items())[:4]):
        assert lines[i + 2 + k].split() == [f"0x{ident:08x}", str(calls), str(misses),
                                            f"{hit_rate(calls, misses):.4f}",
                                            str(MISS * misses), name]


def test_no_functions_without_callid(tmp_path):
    r, s = run_stats(tmp_path, need(BUILD / "cycles" / "hello.elf", "all"))
    assert r.returncode == 0
    assert s["functions"] == [] and "functions" not in r.stderr


def test_demo_names_come_from_its_registry(tmp_path):
    """demo.elf registers parse_v1, checksum_v1, respond_v1 (CT_REGISTER) and
    serves DEMO_REQUESTS requests (its program.mk), one call of each per
    request; checksum_v1 is patched to checksum_v2 once (a second miss)."""
    src = (ROOT / "firmware/demo/demo.c").read_text()
    ids = {n: int(v, 16) for n, v in re.findall(r"^ \*\s+(ID_\w+)\s+(0x[0-9a-fA-F]+)", src, re.M)}
    reg = {ids[i]: fn for i, fn in re.findall(r"^CT_REGISTER\((ID_\w+), (\w+)\);", src, re.M)}
    requests = int(re.search(r"^DEMO_REQUESTS\s*:=\s*(\d+)",
                             (ROOT / "firmware/demo/program.mk").read_text(), re.M).group(1))
    r, s = run_stats(tmp_path, need(DEMO, "all"))
    # (without the outside patch of `make demo`, respond_v1's wrong answers
    # make the demo exit 1)
    assert s["exit"] == {"reason": "tohost", "status": 1}, r.stderr
    got = {f["id"]: f for f in s["functions"]}
    assert {i: f["name"] for i, f in got.items()} == reg
    assert all(f["calls"] == requests for f in got.values())
    assert got[ids["ID_CHECKSUM"]]["misses"] == 2 and got[ids["ID_PARSE"]]["misses"] == 1


# A program with its own registry: ID 1 -> a global function, ID 2 -> a local
# one (named symbol@unit by the .file before it), ID 3 -> the address of both
# a local label and a global function (the function wins), ID 4 -> the same
# function as ID 1 (one name, two IDs), ID 6 -> no symbol at its address.
REG_PROG = TABLE + """
  map 1, gfn
  map 2, lfn
  map 3, both
  map 4, gfn
  map 6, both+4
""" + ENABLE + """
  li    s4, 1
  callid ra, s4
  li    s4, 2
  callid ra, s4
  li    s4, 3
  callid ra, s4
  li    s4, 4
  callid ra, s4
  li    s4, 6
  callid ra, s4
  li    s4, 7
  ctlb.inv s4
  li    t5, 1
  sw    t5, 0(t6)
1: j 1b
  .file "unit.c"
  .globl gfn
  .type gfn, @function
gfn: ret
  .type lfn, @function
lfn: ret
label_here:
  .globl both
  .type both, @function
both: ret
  nop                   # both+4: no symbol here
  ret
  .section ct_registry, "a"
  .word 1, gfn, 2, lfn, 3, both, 4, gfn, 6, both+4, 1, lfn
"""


def reg_prog(tmp_path):
    (tmp_path / "ctisa.h").write_bytes((ROOT / "firmware/common/ctisa.h").read_bytes())
    src = ('#include "ctisa.h"\n  .section .text.init\n  .globl _start\n_start:\n'
           "  la t6, tohost\n" + REG_PROG + "\n  .data\n" + TABLE_DATA + TOHOST_SECTION)
    return assemble(tmp_path, src, "reg")


def test_registry_naming_rules(tmp_path):
    elf = reg_prog(tmp_path)
    r, s = run_stats(tmp_path, elf, "--record-trace", tmp_path / "t.ct")
    assert r.returncode == 0, r.stderr
    names = {f["id"]: f["name"] for f in s["functions"]}
    # the first pair of ID 1 counts (the later "1, lfn" does not)
    assert names == {1: "gfn", 2: "lfn@unit.c", 3: "both", 4: "gfn", 6: None, 7: None}
    m = (tmp_path / "t.map").read_text().splitlines()
    assert m[0].startswith("# name -> ID map of t.ct (ctsim --record-trace, program reg.elf)")
    assert m[1:] == ["0x1 gfn", "0x2 lfn@unit.c", "0x3 both",
                     "# 0x4 gfn (the name of 0x1 too)", "# 0x6 has no name",
                     "# 0x7 has no name"]


def test_bad_registry_is_a_one_line_error(tmp_path):
    elf = assemble(tmp_path, "  .globl _start\n_start: nop\n"
                   '  .section ct_registry, "a"\n  .word 1, 2, 3\n' + TOHOST_SECTION, "bad")
    r = run(elf)
    assert r.returncode == 2
    assert r.stderr == (f"ctsim: error: {elf}: section ct_registry is 12 bytes, not a "
                        "multiple of 8 ({uint32 id, uint32 address} pairs)\n")


# ------------------------------------------------------------ --log-disasm

def logs(tmp_path, elf, *args):
    a, b = tmp_path / "plain.log", tmp_path / "dis.log"
    r1 = run(elf, "-q", "--log-commits", a, *args)
    r2 = run(elf, "-q", "--log-commits", b, "--log-disasm", *args)
    assert r1.returncode == r2.returncode == 0, r2.stderr
    return a.read_text().splitlines(), b.read_text().splitlines()


def test_log_disasm_keeps_the_columns(tmp_path):
    plain, dis = logs(tmp_path, need(MIX, "all"))
    assert len(plain) == len(dis)
    for p, d in zip(plain, dis):
        assert d.startswith(p.ljust(65) + " "), (p, d)
        assert len(d) > 66
    # the call-ID lines, by the encoding: callid ra, s4 is (20 << 15) | (1 << 7) | 0x0b
    text = "\n".join(dis)
    assert re.search(r"\(0x000a008b\) x1  0x[0-9a-f]{8} +callid ra, s4  # id 0x1 -> fn_a$",
                     text, re.M)
    assert re.search(r"\(0x0000100b\) +ctlb\.inv zero  # flush$", text, re.M)
    assert re.search(r"\(0x000a900b\) +ctlb\.inv s5  # id 0x2 \(fn_b\)$", text, re.M)
    # xlat of ID 5: INVALID = 1 (docs/isa.md), result (1 << 2) | 1
    assert re.search(r"x11 0x00000005 +xlat a1, t1  # id 0x5: fault 1 \(invalid\)$", text, re.M)
    # the hot patch: ID 2 now reaches fn_d
    assert re.search(r"callid ra, s5  # id 0x2 -> fn_d$", text, re.M)
    assert re.search(r"bnez s3, 0x80000090 <round>$", text, re.M)


# the outside patch of `make demo` (firmware/demo/program.mk), so it exits 0
DEMO_PATCH = ["--patch-at", "410000:0x10003:respond_v2"]


def test_log_disasm_names_a_patched_function(tmp_path):
    _, dis = logs(tmp_path, need(DEMO, "all"), *DEMO_PATCH)
    text = "\n".join(dis)
    assert re.search(r"callid ra, t0  # id 0x10002 -> checksum_v1$", text, re.M)
    assert re.search(r"callid ra, t0  # id 0x10002 -> checksum_v2 \(registered: checksum_v1\)$",
                     text, re.M)


def test_docs_log_disasm_example_is_real(tmp_path):
    doc = (ROOT / "docs" / "ctsim.md").read_text()
    block = re.search(r"\*\*`--log-disasm`\*\*.*?```\n(.*?)```", doc, re.S).group(1)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, mix = logs(tmp_path / "a", need(MIX, "all"))
    _, demo = logs(tmp_path / "b", need(DEMO, "all"), *DEMO_PATCH)
    real = set(mix) | set(demo)
    for line in block.splitlines():
        assert line in real, line


def test_log_disasm_needs_log_commits():
    r = run(need(MIX, "all"), "--log-disasm")
    assert r.returncode == 2
    assert r.stderr == "ctsim: error: --log-disasm: needs --log-commits FILE\n"


# ------------------------------------------------------------ the trace map

@pytest.mark.parametrize("name,map_name", [("run.ct", "run.map"), ("run.ct.gz", "run.map"),
                                           ("run.ctb", "run.map"), ("run.ctb.gz", "run.map"),
                                           ("trace", "trace.map"), ("a.b.ct", "a.b.map")])
def test_map_beside_the_trace(tmp_path, name, map_name):
    """uftrace2ct.py's rule for the name (default_map_path), and its format."""
    r = run(need(MIX, "all"), "-q", "--record-trace", tmp_path / name)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({name, map_name})
    lines = (tmp_path / map_name).read_text().splitlines()
    entries = [ln.split() for ln in lines if not ln.startswith("#")]
    assert {int(i, 16): n for i, n in entries} == \
        {i: v[2] for i, v in MIX_FUNCS.items() if v[2]}
    assert [int(i, 16) for i, _ in entries] == sorted(int(i, 16) for i, _ in entries)
    assert "# 0x5 has no name" in lines


def test_map_options(tmp_path):
    elf = need(MIX, "all")
    r = run(elf, "-q", "--record-trace", tmp_path / "t.ct", "--trace-map", tmp_path / "m.txt")
    assert r.returncode == 0 and sorted(os.listdir(tmp_path)) == ["m.txt", "t.ct"]
    for f in tmp_path.iterdir():
        f.unlink()
    r = run(elf, "-q", "--record-trace", tmp_path / "t.ct", "--no-trace-map")
    assert r.returncode == 0 and os.listdir(tmp_path) == ["t.ct"]
    for args, msg in [
            (["--trace-map", "m"], "--trace-map: needs --record-trace FILE"),
            (["--no-trace-map"], "--no-trace-map: needs --record-trace FILE"),
            (["--record-trace", "t.ct", "--trace-map", "m", "--no-trace-map"],
             "--trace-map and --no-trace-map: choose one"),
            (["--record-trace", "t.ct", "--trace-map", "t.ct"],
             "--trace-map: t.ct is the --record-trace file too")]:
        r = run(elf, *args)
        assert r.returncode == 2 and r.stderr == f"ctsim: error: {msg}\n", r.stderr


def test_no_map_without_a_trace(tmp_path):
    """A run without call-ID events writes no trace (an error), and so no map."""
    r = run(need(BUILD / "cycles" / "hello.elf", "all"), "-q", "--record-trace",
            tmp_path / "t.ct")
    assert r.returncode == 2
    assert os.listdir(tmp_path) == []


def test_no_default_map_beside_a_fifo(tmp_path):
    fifo = tmp_path / "t.ct"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    r = run(need(MIX, "all"), "-q", "--record-trace", fifo)
    out = reader.communicate(timeout=60)[0]
    assert r.returncode == 0, r.stderr
    assert out.startswith(b"#ctrace 1") and os.listdir(tmp_path) == ["t.ct"]


# ------------------------------------------------------------ .ct_geometry

def geometry_elf(tmp_path, body, name="geo"):
    return assemble(tmp_path, """
  .section .text.init
  .globl _start
_start:
  la t6, tohost
  li t5, 1
  sw t5, 0(t6)
1: j 1b
  .section .ct_geometry, "", @progbits
""" + body + TOHOST_SECTION, name)


def sc_binary():
    p = BIN / "ctsim-sc"
    return [str(p)] if p.exists() else []


def test_geometry_matches_or_stops(tmp_path):
    elf = geometry_elf(tmp_path, '  .ascii "CTGE"\n  .byte 1, 2, 10, 10\n')
    for prog in [[str(ctsim())], sc_binary()]:
        if not prog:
            continue
        r = subprocess.run([*prog, "-q", str(elf)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 2
        assert r.stderr == (f"ctsim: error: {elf} was built for --ctlb-levels 10,10 (its "
                            ".ct_geometry section), not 12,10,10\n"), r.stderr
        for ok in (["--ctlb-levels", "10,10"], ["--ctlb-levels", "10.10"],
                   ["--config", "e64w4-lru-l10.10-wc0"]):
            r = subprocess.run([*prog, "-q", *ok, str(elf)], capture_output=True, text=True,
                               timeout=60)
            assert r.returncode == 0, (ok, r.stderr)
    r = run(elf, "-q", "--ctlb-even-levels", "2")
    assert r.returncode == 2 and "not 16,16\n" in r.stderr
    one = geometry_elf(tmp_path, '  .ascii "CTGE"\n  .byte 1, 1, 12, 0\n', "one")
    assert run(one, "-q", "--ctlb-levels", "12").returncode == 0


@pytest.mark.parametrize("body,what", [
    ('  .ascii "CTGX"\n  .byte 1, 2, 10, 10\n', 'it does not start with "CTGE"'),
    ('  .ascii "CT"\n', 'it does not start with "CTGE"'),
    ('  .ascii "CTGE"\n', "it is shorter than 8 bytes"),
    ('  .ascii "CTGE"\n  .byte 2, 2, 10, 10\n', "version 2 (this ctsim reads version 1)"),
    ('  .ascii "CTGE"\n  .byte 1, 0, 10, 10\n', "level count 0 (1..4)"),
    ('  .ascii "CTGE"\n  .byte 1, 5, 8, 8, 8, 8, 0, 0\n', "level count 5 (1..4)"),
    ('  .ascii "CTGE"\n  .byte 1, 3, 10, 10\n',
     "8 bytes, not 12 for 3 levels (padded to a multiple of 4)"),
    ('  .ascii "CTGE"\n  .byte 1, 2, 10, 10, 0, 0, 0, 0\n',
     "12 bytes, not 8 for 2 levels (padded to a multiple of 4)"),
    ('  .ascii "CTGE"\n  .byte 1, 1, 10, 7\n', "its padding bytes are not zero"),
    ('  .ascii "CTGE"\n  .byte 1, 2, 17, 10\n',
     "levels 17,10: xlat: level_bits[0] must be in 1..16 (got 17)"),
    ('  .ascii "CTGE"\n  .byte 1, 3, 16, 16, 1, 0, 0, 0\n',
     "levels 16,16,1: xlat: level_bits must sum to at most 32 ID bits (got 33)"),
])
def test_malformed_geometry(tmp_path, body, what):
    elf = geometry_elf(tmp_path, body)
    r = run(elf, "-q")
    assert r.returncode == 2
    assert r.stderr == f"ctsim: error: {elf}: malformed .ct_geometry section: {what}\n"


def test_geometry_section_is_not_loaded(tmp_path):
    """The section is not allocated: the program's image (and cycles) are
    those of the same program without it."""
    a = geometry_elf(tmp_path, '  .ascii "CTGE"\n  .byte 1, 3, 12, 10, 10, 0, 0, 0\n', "a")
    b = assemble(tmp_path, "  .section .text.init\n  .globl _start\n_start:\n  la t6, tohost\n"
                 "  li t5, 1\n  sw t5, 0(t6)\n1: j 1b\n" + TOHOST_SECTION, "b")
    ra, sa = run_stats(tmp_path, a)
    rb, sb = run_stats(tmp_path, b)
    assert ra.returncode == rb.returncode == 0
    assert sa["cycles"] == sb["cycles"]
    sec = subprocess.run(["riscv64-unknown-elf-readelf", "-S", "-W", str(a)], capture_output=True,
                         text=True, check=True).stdout
    row = [ln for ln in sec.splitlines() if ".ct_geometry" in ln][0]
    assert "PROGBITS" in row and " A " not in row


def test_docs_map_example_is_real(tmp_path):
    doc = (ROOT / "docs" / "ctsim.md").read_text()
    block = re.search(r"For `callid_mix\.elf`:\n\n```\n(.*?)```", doc, re.S).group(1)
    r = run(need(MIX, "all"), "-q", "--xlat", "c", "--record-trace", tmp_path / "callid_mix.ct")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "callid_mix.map").read_text() == block
