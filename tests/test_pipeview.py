"""ctsim --pipeview FILE: the stage timing of every instruction as a Kanata log
(version 0004, the format of the Konata viewer; docs/waves.md "Pipeline view").

The log is parsed here by the Kanata format's own rules (a header "Kanata
0004", then tab-separated commands C=, C, I, L, S, E, R, W; time only moves
forward). The stage cycles expected are worked out by hand with the rules of
docs/timing.md, never taken from ctsim's output.
"""
import json
import re
import subprocess

import pytest

from sim_helpers import ROOT, program, run, run_stats
from test_callid import ENABLE, TABLE, callid, prog

CROSS = "riscv64-unknown-elf-"


def parse_kanata(path):
    """{file ID: {"sim": ID, "L0": text, "L1": text, "stages": {name: start},
    "lane1": [(name, start, end)], "retire": (cycle, retire ID, type)}},
    checking the format: the header, known commands only, C= once before
    anything else, C with a positive count, an instruction's I before its
    other commands and nothing after its R, file IDs 0, 1, 2, ... in order,
    every instruction retired or flushed by the end."""
    text = path.read_text()
    assert text.endswith("\n")
    lines = text[:-1].split("\n")
    assert lines[0] == "Kanata\t0004"
    cycle, insns, open1 = None, {}, {}
    for n, line in enumerate(lines[1:], 2):
        f = line.split("\t")
        cmd = f[0]
        if cmd == "C=":
            assert cycle is None and len(f) == 2, n
            cycle = int(f[1])
            continue
        assert cycle is not None, f"line {n}: {cmd} before C="
        if cmd == "C":
            assert len(f) == 2 and int(f[1]) > 0, n
            cycle += int(f[1])
            continue
        assert cmd in ("I", "L", "S", "E", "R", "W"), f"line {n}: command {cmd!r}"
        i = int(f[1])
        if cmd == "I":
            assert len(f) == 4 and i == len(insns), n
            insns[i] = {"sim": int(f[2]), "L0": "", "L1": "", "stages": {}, "lane1": [],
                        "retire": None, "first": cycle}
            continue
        assert i in insns and insns[i]["retire"] is None, f"line {n}: {line!r}"
        r = insns[i]
        if cmd == "L":
            assert f[2] in ("0", "1") and len(f) == 4, n
            r["L" + f[2]] += f[3]
        elif cmd == "S":
            lane, name = int(f[2]), f[3]
            if lane == 0:
                assert name not in r["stages"], n
                r["stages"][name] = cycle
            else:
                assert lane == 1 and (i, 1) not in open1, n
                open1[(i, 1)] = (name, cycle)
        elif cmd == "E":
            name, start = open1.pop((i, int(f[2])))
            assert name == f[3] and cycle > start, n
            r["lane1"].append((name, start, cycle))
        elif cmd == "R":
            assert len(f) == 4 and f[3] in ("0", "1"), n
            r["retire"] = (cycle, int(f[2]), int(f[3]))
    assert not open1 and all(r["retire"] for r in insns.values())
    return insns


def pipeview(tmp_path, elf, *args):
    out = tmp_path / "p.kanata"
    r = run(elf, "-q", "--pipeview", out, *args)
    assert r.returncode == 0, r.stderr
    return parse_kanata(out), out


def stages(r):
    s = r["stages"]
    return [s.get(k) for k in "FDXMW"] + [r["retire"][0]]


# la t6, tohost (auipc, addi) | lw, add (load-use), beq taken over an addi,
# mul | li t5, 1; sw t5, 0(t6) (sim_helpers.program). Default latencies.
# F = max(prev.D, R); D = max(F + 1, prev.E); E = max(D + 1, prev.M, ready);
# M = max(E + X, prev.W); W = M + 1; R of the log after WB, W + 1.
BODY = """  lw   a0, 0(t6)
  add  a1, a0, a0
  beq  x0, x0, 1f
  addi a3, a3, 1
1:
  mul  a2, a1, a1"""
HAND = [  # F, D, X (=E), M, W, retire
    ("auipc", [0, 1, 2, 3, 4, 5]),
    ("addi", [1, 2, 3, 4, 5, 6]),
    ("lw", [2, 3, 4, 5, 6, 7]),
    ("add", [3, 4, 6, 7, 8, 9]),     # E = ready(a0) = W(lw) = 6: one load-use bubble
    ("beq", [4, 6, 7, 8, 9, 10]),    # D = prev.E = 6 (ID busy); E = prev.M = 7
    ("mul", [8, 9, 10, 13, 14, 15]),  # F = R = E(beq) + 1; EX 3 cycles
    ("addi", [9, 10, 13, 14, 15, 16]),  # li t5, 1: E = prev.M = 13
    ("sw", [10, 13, 14, 15, 16, 17]),   # D = prev.E = 13
]


def test_stage_cycles_by_hand(tmp_path):
    elf = program(tmp_path, BODY)
    insns, _ = pipeview(tmp_path, elf)
    got = [(re.search(r"^[0-9a-f]{8} (\S+)", r["L0"]).group(1), stages(r))
           for r in insns.values()]
    assert got == HAND
    assert [r["sim"] for r in insns.values()] == list(range(8))
    assert [r["retire"][1:] for r in insns.values()] == [(k, 0) for k in range(8)]
    # the waits (lane 1), by the stall names of docs/timing.md: add waits in ID
    # for lw's load (load_use), li for mul's EX (muldiv); beq and sw wait in IF
    # while ID is busy
    lane1 = {k: r["lane1"] for k, r in insns.items() if r["lane1"]}
    assert lane1 == {3: [("load_use", 5, 6)], 4: [("stall", 5, 6)],
                     6: [("muldiv", 11, 13)], 7: [("stall", 11, 13)]}
    # the gaps before EX entry (docs/timing.md "Stall statistics"), as the
    # summary counts them: 1 load_use, 2 branch, 2 muldiv
    assert "before: load_use 1" in insns[3]["L1"] and "before: branch 2" in insns[5]["L1"]
    assert "before: muldiv 2" in insns[6]["L1"] and "before" not in insns[7]["L1"]
    r, s = run_stats(tmp_path, elf)
    assert s["cycles"] == 17 == HAND[-1][1][-1]
    assert s["stalls"]["load_use"] == 1 and s["stalls"]["branch"] == 2
    assert s["stalls"]["muldiv"] == 2


def test_pc_words_and_functions_in_the_labels(tmp_path):
    """L 0 holds the pc, the mnemonic and the function (the ELF's symbol, here
    assembly labels, by binutils' readelf); L 1 the instruction word (by
    objdump) and the stage cycles."""
    elf = program(tmp_path, BODY)
    insns, _ = pipeview(tmp_path, elf)
    syms = {}
    for p in map(str.split, subprocess.run([CROSS + "readelf", "-sW", str(elf)],
                                           capture_output=True, text=True).stdout.splitlines()):
        if len(p) >= 8 and p[3] == "NOTYPE" and p[6] != "UND" and p[6] != "ABS":
            syms[int(p[1], 16)] = p[7]
    dis = subprocess.run([CROSS + "objdump", "-d", str(elf)], capture_output=True,
                         text=True).stdout
    words = {int(a, 16): int(w, 16) for a, w in
             re.findall(r"^\s*([0-9a-f]+):\s+([0-9a-f]{8})\s", dis, re.M)}
    start = min(a for a, n in syms.items() if n == "_start")
    for k, r in insns.items():
        pc = int(r["L0"][:8], 16)
        base = max(a for a in syms if a <= pc)
        fn = syms[base] if pc == base else f"{syms[base]}+0x{pc - base:x}"
        assert r["L0"].endswith(f"<{fn}>"), r["L0"]
        assert f"insn 0x{words[pc]:08x};" in r["L1"], (r["L1"], hex(pc))
        f, d, x, m, w, _ = stages(r)
        assert f"IF {f} ID {d} EX {x} MEM {m} WB {w}" in r["L1"]
    assert int(insns[0]["L0"][:8], 16) == start


def test_callid_miss_and_hit(tmp_path):
    """A callid that misses (3 levels, 1-cycle memory: answered 7 cycles after
    its request, accelerator.md section 4) holds EX for X = 8 cycles (lane 1:
    ctlb), so M = E + 8, W = E + 9; its redirect R = E + X lets the callee
    enter IF at E + 8, EX at E + 10, after a gap of ctlb 7 + jalr 2
    (docs/timing.md). The second callid of the same ID hits: X = 1, the callee
    in IF at E + 1, EX at E + 3 (a jalr's 2 bubbles)."""
    body = TABLE + "  map 1, fn_t\n" + ENABLE + "  li s4, 1\n" + callid("ra", "s4") + \
        callid("ra", "s4")
    elf = prog(tmp_path, body, extra="\n  .align 2\nfn_t:\n  ret\n")
    insns, _ = pipeview(tmp_path, elf, "--xlat", "c")
    order = list(insns.values())
    calls = [k for k, r in enumerate(order) if " callid " in r["L0"] + " "]
    assert len(calls) == 2
    fn_t = [int(p[1], 16) for p in map(str.split, subprocess.run(
        [CROSS + "readelf", "-sW", str(elf)], capture_output=True, text=True).stdout.splitlines())
        if len(p) >= 8 and p[7] == "fn_t"][0]
    miss, callee = order[calls[0]], order[calls[0] + 1]
    e = miss["stages"]["X"]
    assert stages(miss)[2:] == [e, e + 8, e + 9, e + 10]
    assert miss["lane1"] == [("ctlb", e + 1, e + 8)]
    assert "ID 0x1: CTLB miss" in miss["L1"] and f"answered in cycle {e + 7}" in miss["L1"]
    assert f"-> 0x{fn_t:08x} fn_t" in miss["L1"]
    assert int(callee["L0"][:8], 16) == fn_t and stages(callee)[:3] == [e + 8, e + 9, e + 10]
    assert "in the 9 cycles before: ctlb 7, jalr 2" in callee["L1"]
    hit, callee2 = order[calls[1]], order[calls[1] + 1]
    e2 = hit["stages"]["X"]
    assert stages(hit)[2:] == [e2, e2 + 1, e2 + 2, e2 + 3] and hit["lane1"] == []
    assert "ID 0x1: CTLB hit" in hit["L1"] and "answered" not in hit["L1"]
    assert stages(callee2)[:3] == [e2 + 1, e2 + 2, e2 + 3]
    assert "in the 2 cycles before: jalr 2" in callee2["L1"]


def test_trap_is_flushed(tmp_path):
    """An ecall traps in EX (docs/timing.md "Traps"): it does not retire (R of
    type 1, flush, after its EX cycle) and the handler's first instruction
    enters IF at E + 1, EX at E + 3 (gap: trap 2)."""
    body = """  la   t0, handler
  csrw mtvec, t0
  ecall"""
    extra = """
  .align 2
handler:
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret"""
    elf = program(tmp_path, body, extra=extra)
    insns, _ = pipeview(tmp_path, elf)
    order = list(insns.values())
    k = next(k for k, r in enumerate(order) if " ecall" in r["L0"])
    ecall, first = order[k], order[k + 1]
    e = ecall["stages"]["X"]
    assert "M" not in ecall["stages"] and ecall["retire"][0] == e + 1 and ecall["retire"][2] == 1
    assert "trap (mcause 0x0000000b)" in ecall["L1"]
    assert "<handler>" in first["L0"] and stages(first)[:3] == [e + 1, e + 2, e + 3]
    assert "before: trap 2" in first["L1"]
    # the flushed ecall has no retire number of its own: the next one retired
    assert first["retire"][1] == ecall["retire"][1] == ecall["sim"]


def test_window_and_reproducible(tmp_path):
    """--pipeview-from/--pipeview-to keep the instructions that enter IF in
    [from, to): beq (4), mul (8), li (9) of the hand-worked program; the log
    starts at C= from. Two runs give the same bytes."""
    elf = program(tmp_path, BODY)
    insns, out = pipeview(tmp_path, elf, "--pipeview-from", "4", "--pipeview-to", "10")
    assert [stages(r) for r in insns.values()] == [h[1] for h in HAND[4:7]]
    assert out.read_text().split("\n")[1] == "C=\t4"
    a = out.read_bytes()
    _, out2 = pipeview(tmp_path, elf, "--pipeview-from", "4", "--pipeview-to", "10")
    assert out2.read_bytes() == a


def test_results_do_not_change(tmp_path):
    """The observed run loop gives the same results: the statistics of
    callid_mix (every call-ID instruction, faults, patches) with and without
    --pipeview, on both backends."""
    elf = ROOT / "build" / "cycles" / "callid_mix.elf"
    assert elf.exists(), "run `make all` first"
    for backend in ("c", "rtl"):
        _, plain = run_stats(tmp_path, elf, "--xlat", backend)
        _, seen = run_stats(tmp_path, elf, "--xlat", backend, "--pipeview", tmp_path / "p.k")
        assert json.dumps(seen, sort_keys=True) == json.dumps(plain, sort_keys=True)


@pytest.mark.parametrize("args,msg", [
    (["--pipeview-from", "10"], "--pipeview-from/--pipeview-to need --pipeview FILE"),
    (["--pipeview", "P", "--pipeview-from", "9", "--pipeview-to", "9"],
     "--pipeview-to: 9 is not after --pipeview-from 9"),
    (["--pipeview", ""], "--pipeview: empty file name"),
    (["--pipeview", "NODIR/p"], "--pipeview: cannot write"),
    (["--pipeview", "P", "--pipeview-to", "x"], "--pipeview-to"),
])
def test_bad_options(tmp_path, args, msg):
    elf = program(tmp_path, BODY)
    args = [str(tmp_path / "p") if a == "P" else str(tmp_path / "no" / "p") if a == "NODIR/p"
            else a for a in args]
    r = run(elf, *args)
    assert r.returncode == 2 and msg in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path / "p").exists()


def test_bad_registry_section(tmp_path):
    """A ct_registry section that is no whole number of {id, address} pairs is
    bad input: one line naming the file and the section, status 2, no log."""
    elf = program(tmp_path, "  nop", extra='\n  .section ct_registry, "a"\n  .word 1, 2, 3\n')
    out = tmp_path / "p.kanata"
    r = run(elf, "--pipeview", out)
    assert r.returncode == 2 and "section ct_registry is 12 bytes, not a multiple of 8" in r.stderr
    assert str(elf) in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()
