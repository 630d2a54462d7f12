"""ctsim --wave: waveforms of the verilated accelerator from a CPU run, with
the CPU's side (scope hart0) and the marks of the cycles left out (scope dump),
and the GTKWave save file scripts/wavesave.py fits to a dump (docs/waves.md).

The demo (firmware/demo, docs/hotpatch.md) misses 5 times: the first calls of
its three handler IDs, then checksum (0x10002) after the timer interrupt's
patch and respond (0x10003) after ctsim's --patch-at. Each walk of the default
12/10/10 geometry reads 3 entries (docs/accelerator.md section 4). With --wave
ctsim clocks the accelerator in lock-step, so the dump's cycle is the CPU
cycle: cycle c at c ns (time c * 1000, the unit is 1 ps) before the edge and
c ns + 500 ps after it.

Expected values come from docs/timing.md and docs/accelerator.md worked by
hand, from the ELF read by binutils (readelf, objcopy), and dumps are read
back through GTKWave's own tools (vcd2fst, fst2vcd) and GTKWave itself.
"""
import os
import pathlib
import re
import shlex
import struct
import subprocess
import sys

import pytest

from conftest import BUILD, ROOT, need
from test_xlat_rtl import value_at

DEMO = BUILD / "firmware" / "demo" / "demo.elf"
PATCH = ["--patch-at", "410000:0x10003:respond_v2"]   # as firmware/demo/program.mk
NS = 1000          # time units (ps) per cycle
CROSS = "riscv64-unknown-elf-"


def ctsim(*args):
    return subprocess.run([str(need(BUILD / "ctsim", "build/ctsim")), *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def parse_vcd(path, scoped=False):
    """({port name: [(time, value)]} of the outermost scopes, [dump times]).
    Names are those of the accelerator's scope ctlb, or with scoped=True
    "scope.name" of every outermost scope (ctlb, dump, hart0)."""
    names, changes, times, scope, t, timescale = {}, {}, [], [], 0, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("$scope"):
                scope.append(line.split()[2])
            elif line.startswith("$upscope"):
                scope.pop()
            elif line.startswith("$var"):
                parts = line.split()
                if len(scope) == 1 and (scoped or scope[0] == "ctlb"):
                    names[f"{scope[0]}.{parts[4]}" if scoped else parts[4]] = parts[3]
                elif scoped and len(scope) > 1:  # inner signals: "ctlb.ctlb_top.cnt_hits_q"
                    names[".".join(scope) + "." + parts[4]] = parts[3]
            elif line.startswith("#"):
                t = int(line[1:])
                times.append(t)
            elif line.startswith("b"):
                v, code = line[1:].split()
                changes.setdefault(code, []).append((t, v))
            elif line and line[0] in "01xz" and not line.startswith("$"):
                changes.setdefault(line[1:], []).append((t, line[0]))
    return {n: changes.get(c, []) for n, c in names.items()}, times


def timescale(path):
    """The $timescale of a VCD file, as one word ("1ps")."""
    text = pathlib.Path(path).read_text()
    return "".join(re.search(r"\$timescale\s+(.*?)\s*\$end", text, re.S).group(1).split())


def text(v):
    """An ASCII signal's value (a right-justified Verilog string) as text."""
    if v is None or not set(v) <= {"0", "1"}:
        return None
    n = int(v, 2)
    return n.to_bytes((len(v) + 7) // 8 or 1, "big").lstrip(b"\0").decode()


def walks(vcd):
    """[(request cycle, ID, [(read address, response data)])] from a dump: a
    walk starts in a cycle with req_valid_i && req_ready_o and no rsp_valid_o
    (a miss). Only the cycles the dump holds are looked at (walks-only dumps
    leave the others out), each by its sample before the edge (time c ns)."""
    sig, times = parse_vcd(vcd)
    out = []
    for t in times:
        if t % NS:                             # sampled before each edge
            continue
        v = lambda name: value_at(sig[name], t)
        if v("req_valid_i") == "1" and v("req_ready_o") == "1" and v("rsp_valid_o") != "1":
            out.append((t // NS, int(v("req_id_i"), 2), []))
        if v("mem_rsp_valid_i") == "1":
            out[-1][2][-1][1] = int(v("mem_rsp_data_i"), 2)
        if v("mem_req_valid_o") == "1" and v("mem_req_ready_i") == "1":
            out[-1][2].append([int(v("mem_req_addr_o"), 2), None])
    return out


def test_demo_walks_dumped(tmp_path):
    need(DEMO, "firmware")
    vcd = tmp_path / "walks.vcd"
    p = ctsim("--wave", vcd, "--wave-walks-only", *PATCH, DEMO)
    assert p.returncode == 0, p.stderr
    w = walks(vcd)
    assert [i for _, i, _ in w] == [0x10001, 0x10002, 0x10003, 0x10002, 0x10003]
    for t, ident, reads in w:
        assert len(reads) == 3, (t, reads)
        # index fields: ID bits 31:20, 19:10, 9:0 (IDs < 2^20: root entry 0);
        # each level's entry is at the previous entry's table base + 4 * index
        assert reads[0][0] == w[0][2][0][0], "every walk starts at the root entry"
        assert reads[1][0] == (reads[0][1] & ~3) + 4 * ((ident >> 10) & 0x3FF)
        assert reads[2][0] == (reads[1][1] & ~3) + 4 * (ident & 0x3FF)
        assert reads[2][1] & 3 == 3, "a valid leaf"
    # the time axis is the CPU cycle: request k of the demo starts at cycle
    # (k + 1) * 20000; the timer patch comes at tick 10 (request 9, cycle
    # 200000), ctsim's patch at 410000 before request 20 (cycle 420000)
    assert 200000 < w[3][0] < 220000
    assert 420000 <= w[4][0] < 440000
    # docs/waves.md describes walk 4 of this dump (its screenshot docs/img/walk.png):
    # its cycle, its three reads and the leaf must be this build's
    doc = (ROOT / "docs" / "waves.md").read_text()
    para = doc[doc.index("The fourth walk of the demo"):doc.index("Rerun the screenshot")]
    t, ident, reads = w[3]
    assert ident == 0x10002 and f"(ID 0x{ident:05X})" in para
    assert f"at CPU cycle {t}" in para, (t, para[:200])
    for addr, _ in reads:
        assert f"0x{addr:08X}" in para, hex(addr)
    assert f"the leaf 0x{reads[2][1]:08X}" in para and f"0x{reads[2][1] & ~3:08X}" in para


def test_window(tmp_path):
    need(DEMO, "firmware")
    vcd = tmp_path / "late.vcd"
    p = ctsim("--wave", vcd, "--wave-from", 400000, "--wave-to", 460000, *PATCH, DEMO)
    assert p.returncode == 0, p.stderr
    w = walks(vcd)
    assert [i for _, i, _ in w] == [0x10003]
    times = sorted(set(t for t in parse_vcd(vcd)[1] if t > 0))
    assert min(times) >= NS * 400000 and max(times) < NS * 460000
    # --wave implies --lockstep (docs/ctsim.md): the accelerator is clocked in every
    # CPU cycle, so every cycle of the window is in the dump (at c ns and c ns +
    # 500 ps), although the CPU sleeps in wfi for most of it
    grid = [t for t in times if t % (NS // 2) == 0]
    assert grid == list(range(NS * 400000, NS * 460000, NS // 2))
    # ... and the --patch-at's invalidate, an accelerator cycle between two CPU
    # cycles (docs/ctsim.md), lies between the end of cycle 419999 and 420000
    off = [t for t in times if t % (NS // 2)]
    assert len(off) == 2 and all(NS * 419999 + NS // 2 < t < NS * 420000 for t in off), off
    sig, _ = parse_vcd(vcd)
    pulse = [t for t, v in sig["inv_valid_i"] if v == "1"]
    assert pulse == [off[0]] and int(value_at(sig["inv_id_i"], off[0]), 2) == 0x10003


@pytest.mark.parametrize("args,msg", [
    (["--xlat", "c", "--wave", "W"], "--wave: waveforms come from the verilated RTL"),
    (["--wave-walks-only"], "need --wave FILE"),
    (["--wave", "W", "--wave-from", "10", "--wave-to", "10"], "--wave-to: 10 is not after"),
    (["--wave", "W", "--wave-margin", "x"], "--wave-margin"),
    (["--wave", "NODIR/w.vcd"], "--wave:"),
])
def test_bad_wave_options(tmp_path, args, msg):
    need(DEMO, "firmware")
    args = [str(tmp_path / "w.vcd") if a == "W" else
            str(tmp_path / "nodir" / "w.vcd") if a == "NODIR/w.vcd" else a for a in args]
    p = ctsim(*args, DEMO)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and msg in lines[0], p.stderr
    assert not (tmp_path / "w.vcd").exists()


def test_no_dump_left_after_a_run_time_error(tmp_path):
    # ID 0x7777 has no leaf in the demo's table: the patch fails when it is
    # applied (a simulator error, exit 2, docs/ctsim.md) and no dump is left
    need(DEMO, "firmware")
    vcd = tmp_path / "w.vcd"
    p = ctsim("-q", "--wave", vcd, "--patch-at", "300000:0x7777:respond_v2", DEMO)
    assert p.returncode == 2, p.stderr
    assert "0x7777" in p.stderr
    assert list(tmp_path.iterdir()) == []


def dumped_runs(vcd):
    """The dumped CPU cycles of a VCD as [first, last] runs of consecutive cycles."""
    runs = []
    for c in sorted({t // NS for t in parse_vcd(vcd)[1] if t > 0 and t % (NS // 2) == 0}):
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return runs


@pytest.mark.parametrize("margin,args", [(4, []), (0, ["--wave-margin", "0"]),
                                         (9, ["--wave-margin", "9"])])
def test_walks_only_window_and_margin(tmp_path, margin, args):
    """--wave-walks-only keeps each miss's request cycle, its walk and --wave-margin
    cycles after the answer (default 4, --help). A default-geometry miss with 1-cycle
    memory answers 7 cycles after its request (accelerator.md section 4), and the
    demo's 5 walks are thousands of cycles apart: 5 runs of 8 + margin cycles."""
    need(DEMO, "firmware")
    vcd = tmp_path / "w.vcd"
    p = ctsim("-q", "--wave", vcd, "--wave-walks-only", *args, *PATCH, DEMO)
    assert p.returncode == 0, p.stderr
    starts = [c for c, _, _ in walks(vcd)]
    assert dumped_runs(vcd) == [[s, s + 7 + margin] for s in starts]
    assert len(starts) == 5


# ---------------------------------------------------------------- read back by GTKWave's tools

WAVE_SIGNALS = ["clk_i", "req_valid_i", "req_id_i", "req_ready_o", "rsp_valid_o", "rsp_addr_o",
                "mem_req_valid_o", "mem_req_addr_o", "mem_rsp_data_i", "busy_o"]


def read_back(path, tmp_path):
    """The dump as VCD text from GTKWave's own tools (not ours): fst2vcd for an
    FST file; a VCD file goes through vcd2fst and back, which fails (or loses
    the signals) if it is not VCD. Returns the path of the VCD text."""
    path = pathlib.Path(path)
    back = tmp_path / (path.name + ".back.vcd")
    if path.suffix == ".fst":
        fst = path
    else:
        fst = tmp_path / (path.name + ".round.fst")
        r = subprocess.run(["vcd2fst", "-v", str(path), "-f", str(fst)], capture_output=True)
        assert r.returncode == 0, r.stderr
    r = subprocess.run(["fst2vcd", "-f", str(fst), "-o", str(back)], capture_output=True)
    assert r.returncode == 0, (path, r.stderr)
    sig, times = parse_vcd(back)
    missing = [s for s in WAVE_SIGNALS if s not in sig]
    assert not missing, (path, missing)
    assert len(times) > 2, path
    return back


def doc_wave_commands():
    """Every documented command line that writes a waveform (sh blocks of the
    README and docs/*.md)."""
    cmds = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for block in re.findall(r"```sh\n(.*?)```", doc.read_text(), re.S):
            cmds += [(doc.name, line) for line in block.splitlines()
                     if line.startswith(("build/ctsim", "build/cttrace")) and "--wave " in line]
    return cmds


def test_every_documented_wave_command_gives_a_readable_file(tmp_path):
    need(DEMO, "firmware")
    cmds = doc_wave_commands()
    assert len(cmds) >= 4 and any(".fst" in c for _, c in cmds), cmds
    for doc, line in cmds:
        argv = [a.replace("build/wave/", f"{tmp_path}/") for a in shlex.split(line)]
        out = argv[argv.index("--wave") + 1]
        r = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, (doc, line, r.stderr)
        read_back(out, tmp_path)
        if out.endswith(".fst"):
            assert pathlib.Path(out).read_bytes()[:1] == b"\0", "an FST header block"


@pytest.mark.parametrize("name", ["walks.vcd", "walks.fst"])
def test_make_wave_dump_is_readable(tmp_path, name):
    """`make wave` (scripts/wave.sh) with its default .vcd and with a .fst WAVE_OUT."""
    need(DEMO, "firmware")
    out = tmp_path / name
    r = subprocess.run(["bash", "scripts/wave.sh"], cwd=ROOT, capture_output=True, text=True,
                       timeout=300, env=dict(os.environ, WAVE_OUT=str(out), WAVE_NO_GUI="1"))
    assert r.returncode == 0, r.stderr
    assert [i for _, i, _ in walks(read_back(out, tmp_path))] == \
        [0x10001, 0x10002, 0x10003, 0x10002, 0x10003]


@pytest.mark.parametrize("args", [["--wave-walks-only"], ["--wave-from", "400000", "--wave-to",
                                                           "460000"],
                                  ["--wave-walks-only", "--wave-margin", "0"]])
def test_fst_windows_hold_the_same_cycles_as_vcd(tmp_path, args):
    """The windowing options work the same with FST: the FST read back by
    fst2vcd holds the same dump times and walks as the VCD of the same run."""
    need(DEMO, "firmware")
    got = {}
    for ext in ("vcd", "fst"):
        f = tmp_path / f"w.{ext}"
        p = ctsim("-q", "--wave", f, *args, *PATCH, DEMO)
        assert p.returncode == 0, p.stderr
        back = read_back(f, tmp_path)
        got[ext] = (sorted({t for t in parse_vcd(back)[1] if t > 0}), walks(back),
                    parse_vcd(back, scoped=True)[0])
    assert got["fst"] == got["vcd"]
    assert got["fst"][1], "walks in the window"


# ---------------------------------------------------------------- time axis, gap marks, CPU side

def demo_dump(tmp_path, *args, name="w.vcd"):
    out = tmp_path / name
    p = ctsim("-q", "--wave", out, *args, *PATCH, need(DEMO, "firmware"))
    assert p.returncode == 0, p.stderr
    return out


@pytest.mark.parametrize("ext", ["vcd", "fst"])
def test_one_cycle_is_one_ns(tmp_path, ext):
    """Read back by GTKWave's tools: the time unit is 1 ps and cycle c is
    dumped at c ns (clock low: the cycle's inputs and outputs) and at c ns +
    500 ps (clock high: after the edge); the CPU scope's cycle is c at both."""
    back = read_back(demo_dump(tmp_path, "--wave-walks-only", name=f"w.{ext}"), tmp_path)
    assert timescale(back) == "1ps"
    sig, times = parse_vcd(back, scoped=True)
    samples = sorted({t for t in times if t > 0})
    assert len(samples) == 2 * 5 * 12, "5 walks of 8 cycles + 4 of margin"
    for t in samples:
        assert t % (NS // 2) == 0, t
        assert value_at(sig["ctlb.clk_i"], t) == ("0" if t % NS == 0 else "1"), t
        assert int(value_at(sig["hart0.cycle_i"], t), 2) == t // NS, t


def test_gap_marks(tmp_path):
    """A walks-only dump leaves out the cycles between the runs it keeps (a
    miss's request, its 7-cycle walk, 4 cycles of margin: 12 cycles). The
    first cycle of each run has dump.gap_i = 1 and dump.skipped_i = the cycles
    left out before it (s1 before the first run at s1, s_k - (s_k-1 + 12)
    later); every other cycle 0. A counter that moves by more than one between
    two dumped cycles does so only across such a gap."""
    back = read_back(demo_dump(tmp_path, "--wave-walks-only"), tmp_path)
    sig, times = parse_vcd(back, scoped=True)
    starts = [c for c, _, _ in walks(back)]
    expect = {starts[0]: starts[0]}
    expect.update({b: b - (a + 12) for a, b in zip(starts, starts[1:])})
    cycles = sorted({t // NS for t in times if t > 0})
    for c in cycles:
        want = expect.get(c, 0)
        assert int(value_at(sig["dump.skipped_i"], c * NS), 2) == want, c
        assert value_at(sig["dump.gap_i"], c * NS) == ("1" if want else "0"), c
    jumps = [b for a, b in zip(cycles, cycles[1:])
             if int(value_at(sig["ctlb.ctlb_top.cnt_lookups_q"], b * NS), 2)
             - int(value_at(sig["ctlb.ctlb_top.cnt_lookups_q"], a * NS), 2) > 1]
    assert jumps and all(expect.get(c, 0) > 0 for c in jumps), jumps


def elf_funcs(elf):
    """[(address, size, name)] of the FUNC symbols of an ELF, by binutils' readelf."""
    out = subprocess.run([CROSS + "readelf", "-sW", str(elf)], capture_output=True,
                         text=True, check=True).stdout
    return [(int(p[1], 16), int(p[2]), p[7]) for p in map(str.split, out.splitlines())
            if len(p) >= 8 and p[3] == "FUNC"]


def fn_at(funcs, pc):
    for a, size, name in funcs:
        if a <= pc < a + size:
            return name if pc == a else f"{name}+0x{pc - a:x}"
    return ""


def registry(elf, tmp_path):
    """{ID: address} of the ELF's ct_registry section (firmware/common/callid.h),
    extracted by binutils' objcopy."""
    raw = tmp_path / "registry.bin"
    subprocess.run([CROSS + "objcopy", "-O", "binary", "--only-section=ct_registry", str(elf),
                    str(raw)], check=True, capture_output=True)
    data = raw.read_bytes()
    return dict(struct.iter_unpack("<II", data))


def insn_at(elf, pc):
    out = subprocess.run([CROSS + "objdump", "-d", f"--start-address={pc:#x}",
                          f"--stop-address={pc + 4:#x}", str(elf)], capture_output=True,
                         text=True, check=True).stdout
    return int(re.search(rf"^\s*{pc:x}:\s+([0-9a-f]{{8}})\s", out, re.M).group(1), 16)


def test_cpu_scope_of_the_demo_walks(tmp_path):
    """The scope hart0 ties each walk to the instruction that caused it. By
    hand (docs/timing.md, accelerator.md section 4: 1-cycle memory, 3 levels):
    the callid enters EX in the request cycle s, is answered in A = s + 7 and
    occupies EX for X = 8 cycles, so M = s + 8 and it retires from WB in
    s + 9; its redirect R = s + 8 lets the callee (the leaf's address) enter
    IF in s + 8, ID in s + 9 and EX in s + 10. So the stall is ctlb in s + 1
    .. s + 7 (the walk), jalr in s + 8 and s + 9. Names come from the ELF
    (readelf's FUNC symbols, objcopy's ct_registry)."""
    back = read_back(demo_dump(tmp_path, "--wave-walks-only"), tmp_path)
    sig, _ = parse_vcd(back, scoped=True)
    funcs, reg = elf_funcs(DEMO), registry(DEMO, tmp_path)
    at = lambda name, c: value_at(sig["hart0." + name], c * NS)
    num = lambda name, c: int(at(name, c), 2)
    w = walks(back)
    assert len(w) == 5
    for s, ident, reads in w:
        leaf = reads[2][1] & ~3
        pc = num("ex_pc_i", s)
        word = insn_at(DEMO, pc)
        assert word & 0x707f == 0x000b, "custom-0 funct3 0: callid"
        for c in range(s, s + 8):
            assert num("ex_valid_i", c) == 1 and num("ex_pc_i", c) == pc, c
            assert num("ex_insn_i", c) == word and text(at("ex_op_i", c)) == "callid", c
            assert text(at("ex_fn_i", c)) == fn_at(funcs, pc), c
            assert num("lookup_i", c) == 1 and num("lookup_id_i", c) == ident, c
            assert text(at("id_fn_i", c)) == fn_at(funcs, reg[ident]), c
            assert text(at("target_fn_i", c)) == ("" if c < s + 7 else fn_at(funcs, leaf)), c
        assert [text(at("stall_i", c)) for c in range(s, s + 11)] == \
            [""] + ["ctlb"] * 7 + ["jalr"] * 2 + [""]
        assert num("ex_valid_i", s + 8) == num("ex_valid_i", s + 9) == 0
        assert num("ex_pc_i", s + 10) == leaf and text(at("ex_fn_i", s + 10)) == fn_at(funcs, leaf)
        assert num("wb_valid_i", s + 9) == 1 and num("wb_pc_i", s + 9) == pc
        assert num("wb_valid_i", s + 8) == 0
    # walk 4 is the first call of checksum after the timer's hot patch: the
    # registry names checksum_v1, the walk answers checksum_v2 (hotpatch.md)
    assert fn_at(funcs, reg[0x10002]) == "checksum_v1"
    assert text(at("target_fn_i", w[3][0] + 7)) == "checksum_v2"


def kanata_misses(path):
    """EX cycles of the callids a --pipeview log says missed."""
    return [int(m.group(1)) for m in
            re.finditer(r"^L\t\d+\t1\t.* EX (\d+) .*CTLB miss", path.read_text(), re.M)]


def test_walks_are_the_pipeview_misses(tmp_path):
    """One run with both views: the walks of the dump start in the EX cycles
    of the callids that missed, by the pipeline view (the same time axis,
    the --patch-at's extra accelerator cycle included)."""
    pv = tmp_path / "p.kanata"
    vcd = demo_dump(tmp_path, "--wave-walks-only", "--pipeview", pv)
    assert [c for c, _, _ in walks(vcd)] == kanata_misses(pv)


def test_long_mnemonics_whole_in_ex_op(tmp_path):
    """ex_op_i holds every mnemonic whole: the A extension's and the call-ID
    ones of docs/isa.md, up to ctlb.bcast's 10 characters. The words are
    told apart by their fields (the A extension's funct5 in bits 31:27,
    opcode 0x2F; ctlb.bcast funct3 3 and ctlb.sync 0x0000400B, isa.md)."""
    from sim_helpers import program
    body = """  .option arch, +a
  la   a1, word
  li   a2, 5
  amoswap.w a0, a2, (a1)
  amomaxu.w a0, a2, (a1)
  amominu.w a0, a2, (a1)
  amoxor.w  a0, a2, (a1)
  .insn r CUSTOM_0, 3, 0, x0, x0, x0     # ctlb.bcast zero
  .insn r CUSTOM_0, 4, 0, x0, x0, x0     # ctlb.sync
  j    pass
"""
    elf = program(tmp_path, body, data="word: .word 0")
    vcd = tmp_path / "ops.vcd"
    r = ctsim("-q", "--wave", vcd, elf)
    assert r.returncode == 0, r.stderr
    sig, times = parse_vcd(vcd, scoped=True)
    seen = {}
    for t in times:
        if t % NS == 0 and value_at(sig["hart0.ex_valid_i"], t) == "1":
            seen[int(value_at(sig["hart0.ex_insn_i"], t), 2)] = text(value_at(sig["hart0.ex_op_i"], t))
    amo = {0b00001: "amoswap.w", 0b11100: "amomaxu.w", 0b11000: "amominu.w", 0b00100: "amoxor.w"}
    got = {amo[w >> 27]: op for w, op in seen.items() if w & 0x7F == 0x2F}
    assert got == {v: v for v in amo.values()}, seen
    bcast = [op for w, op in seen.items() if w & 0x707F == 0x300B]
    assert bcast == ["ctlb.bcast"] and seen.get(0x400B) == "ctlb.sync", seen
    assert re.search(r"\$var \w+\s+128 \S+ ex_op_i \[127:0\]", vcd.read_text())


def test_probe_modules_lint_and_compile(tmp_path):
    """The simulation-only probes (model/wave_*.v) are lint clean and compile."""
    for v in sorted((ROOT / "model").glob("wave_*.v")):
        r = subprocess.run(["verilator", "--lint-only", "-Wall", str(v)], capture_output=True,
                           text=True, cwd=tmp_path)
        assert r.returncode == 0 and "%Warning" not in r.stderr, (v, r.stderr)
        r = subprocess.run(["iverilog", "-g2005", "-o", str(tmp_path / "p.vvp"), str(v)],
                           capture_output=True, text=True)
        assert r.returncode == 0, (v, r.stderr)


# ---------------------------------------------------------------- the save file

def wavesave_run(*args):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "wavesave.py"),
                           *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def save_signals(path):
    """The signals a GTKWave save file names (a "+{alias} name" line names
    name), and all its traces (signals and "-" comment lines)."""
    sigs, traces = [], 0
    for line in pathlib.Path(path).read_text().splitlines():
        if not line or line[0] in "[@*":
            continue
        traces += 1
        if line[0] != "-":
            sigs.append(re.sub(r"^\+\{[^}]*\}\s*", "", line))
    return sigs, traces


def dump_names(back):
    """The full names of a VCD's signals as GTKWave spells them."""
    names, scope = set(), []
    for line in pathlib.Path(back).read_text().splitlines():
        p = line.split()
        if p[:1] == ["$scope"]:
            scope.append(p[2])
        elif p[:1] == ["$upscope"]:
            scope.pop()
        elif p[:1] == ["$var"]:
            names.add(".".join(scope + [p[4]]) + (p[5] if p[5].startswith("[") else ""))
        elif p[:1] == ["$enddefinitions"]:
            break
    return names


def gtkwave_view(tmp_path, dump, save):
    """What GTKWave (under Xvfb) shows when it opens dump with save: the
    window's start and end time, the marker and the number of traces."""
    info = tmp_path / "view.txt"
    tcl = tmp_path / "view.tcl"
    tcl.write_text(f"""set f [open {{{info}}} w]
puts $f "[gtkwave::getWindowStartTime] [gtkwave::getWindowEndTime] [gtkwave::getMarker] \\
[gtkwave::getTotalNumTraces]"
close $f
gtkwave::/File/Quit
""")
    r = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "gtkwave", "-S",
                        str(tcl), str(dump), str(save)], capture_output=True, text=True,
                       timeout=120)
    assert info.exists(), r.stdout + r.stderr
    return [int(v) for v in info.read_text().split()]


@pytest.mark.parametrize("args,walk", [([], 0), (["--after", "400000"], 4), (["--walk", "4"], 3)])
def test_save_file_opens_on_the_walk(tmp_path, args, walk):
    """scripts/wavesave.py fits rtl/ctlb.gtkw to the demo's dump: it names only
    signals that exist in the dump (read back by GTKWave's tools), and GTKWave
    itself loads every one of its traces (a missing signal would be dropped)
    and opens on the chosen walk (the first, the first from cycle 400000, the
    fourth): the window holds the request and the answer (7 cycles later) and
    spans under 20 cycles, the marker is on the answer."""
    dump = demo_dump(tmp_path, "--wave-walks-only")
    save = tmp_path / "w.gtkw"
    r = wavesave_run(dump, "-o", save, *args)
    assert r.returncode == 0, r.stderr
    sigs, traces = save_signals(save)
    names = dump_names(read_back(dump, tmp_path))
    assert len(sigs) >= 35 and not [s for s in sigs if s not in names]
    assert "hart0.ex_pc_i[31:0]" in sigs and "dump.skipped_i[63:0]" in sigs
    req = walks(dump)[walk][0]
    assert f"cycle {req}" in r.stdout
    start, end, marker, loaded = gtkwave_view(tmp_path, dump, save)
    assert loaded == traces
    assert start <= req * NS and end >= (req + 8) * NS and end - start < 20 * NS, (start, end)
    assert marker == (req + 7) * NS


def test_save_file_of_a_dump_without_cpu(tmp_path):
    """cttrace's dumps have no CPU: the save file leaves out the CPU section,
    keeps the rest."""
    dump = tmp_path / "hand.vcd"
    r = subprocess.run([str(need(BUILD / "cttrace", "build/cttrace")), "--backend", "rtl",
                        "--wave-walks-only", "--wave", str(dump),
                        str(ROOT / "traces" / "samples" / "hand.ct")], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    save = tmp_path / "h.gtkw"
    r = wavesave_run(dump, "-o", save, "--walk", "2")
    assert r.returncode == 0, r.stderr
    sigs, _ = save_signals(save)
    text_ = save.read_text()
    assert not [s for s in sigs if s.startswith("hart0.")] and "-CPU" not in text_
    assert "ctlb.ctlb_top.req_id_i[31:0]" in sigs and "dump.skipped_i[63:0]" in sigs
    assert not [s for s in sigs if s not in dump_names(read_back(dump, tmp_path))]


@pytest.mark.parametrize("case,msg", [
    ("missing", "cannot read the dump"),
    ("notvcd", "not a VCD or FST waveform"),
    ("late", "0 table walks from cycle 900000 on, no walk 1"),
    ("walk0", "--walk: 0 is not a positive number"),
    ("after", "--after: 'x' is not a cycle number"),
    ("template", "has no signal ctlb.ctlb_top.no_such_o (named by the save file)"),
])
def test_save_file_bad_input(tmp_path, case, msg):
    dump = demo_dump(tmp_path, "--wave-walks-only")
    out = tmp_path / "o.gtkw"
    args = [dump, "-o", out]
    if case == "missing":
        args[0] = tmp_path / "none.vcd"
    elif case == "notvcd":
        args[0] = tmp_path / "x.vcd"
        args[0].write_text("hello\n")
    elif case == "late":
        args += ["--after", "900000"]
    elif case == "walk0":
        args += ["--walk", "0"]
    elif case == "after":
        args += ["--after", "x"]
    else:
        bad = tmp_path / "bad.gtkw"
        bad.write_text((ROOT / "rtl" / "ctlb.gtkw").read_text() + "ctlb.ctlb_top.no_such_o\n")
        args += ["--template", bad]
    r = wavesave_run(*args)
    assert r.returncode == 2 and msg in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not out.exists()


def test_counters_read_after_a_deferred_patch(tmp_path):
    """With a waveform, a --patch-at's invalidate waits until the accelerator
    is clocked up to its cycle (docs/waves.md); an instruction that reads the
    counters at that cycle still sees it: `csrr a0, ctlbinv` (0xFC3, isa.md)
    right where --patch-at entry= applies reads 1 invalidation, as without a
    waveform (the program exits with the value read)."""
    from sim_helpers import program, run
    from test_callid import ENABLE, TABLE, TABLE_DATA
    body = TABLE + "  map 1, fn_a\n" + ENABLE + """
probe:
  csrr a0, 0xfc3
  slli a0, a0, 1
  ori  a0, a0, 1
  sw   a0, 0(t6)
1: j 1b"""
    extra = "\n  .align 2\nfn_a:\n  ret\nfn_b:\n  ret\n"
    elf = program(tmp_path, body, extra=extra, data=TABLE_DATA)
    for wave in ([], ["--wave", tmp_path / "w.vcd"]):
        r = run(elf, "-q", "--xlat", "rtl", "--patch-at", "entry=probe:1:fn_b", *wave)
        assert r.returncode == 1, (wave, r.returncode, r.stderr)


# ------------------------------------------------------------ several harts

def two_hart_program(tmp_path):
    """Hart 0 builds the table (ID 7 -> fn_a, ID 9 -> fn_b), lets hart 1 go,
    calls ID 7 three times; hart 1 calls ID 9 twice, then says so; hart 0
    waits for that and ends the run."""
    from test_callid import ENABLE, FUNCS, TABLE, TABLE_DATA, callid
    from test_harts import harts_program
    body = """
  csrr a5, mhartid
  bnez a5, hart1
""" + TABLE + "  map 7, fn_a\n  map 9, fn_b\n" + ENABLE + """
  la   s5, flags
  li   t0, 1
  sw   t0, 0(s5)
  li   a0, 0
  li   s4, 7
""" + callid("ra", "s4") * 3 + """
1:lw   t0, 4(s5)
  beqz t0, 1b
  li   t5, 1
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
  li   s4, 9
""" + callid("ra", "s4") * 2 + """
  li   t0, 1
  sw   t0, 4(s5)
2:j    2b
"""
    data = TABLE_DATA + "  .data\n  .align 4\nflags: .word 0, 0\n"
    return harts_program(tmp_path, body, extra=FUNCS, data=data)


@pytest.mark.parametrize("walks_only", [False, True])
def test_two_harts_one_group_each(tmp_path, walks_only):
    """--harts 2 --wave: every hart's accelerator and CPU side, hart 0's in
    today's scopes (ctlb, dump, hart0), hart 1's in ctlb1, dump1, hart1.
    By the program: hart 0's accelerator is asked for ID 7 three times (a
    miss, then two hits: one walk), hart 1's for ID 9 twice (one walk); each
    hart's CPU scope shows its own callids' IDs."""
    elf = two_hart_program(tmp_path)
    vcd = tmp_path / "two.vcd"
    r = ctsim("-q", "--harts", "2", "--wave", vcd, *(["--wave-walks-only"] * walks_only), elf)
    assert r.returncode == 0, r.stderr
    sig, times = parse_vcd(vcd, scoped=True)
    assert {"ctlb", "dump", "hart0", "ctlb1", "dump1", "hart1"} <= \
        {n.split(".")[0] for n in sig}
    assert times == sorted(times)

    def at_edges(scope, valid, value):
        out = []
        for t in sorted(set(times)):
            if t % NS == 0 and value_at(sig[f"{scope}.{valid}"], t) == "1":
                out.append(int(value_at(sig[f"{scope}.{value}"], t), 2))
        return out
    # a hit is answered in its request cycle, so walks-only keeps only the miss
    assert at_edges("ctlb", "req_valid_i", "req_id_i") == ([7] if walks_only else [7, 7, 7])
    assert at_edges("ctlb1", "req_valid_i", "req_id_i") == ([9] if walks_only else [9, 9])
    assert set(at_edges("hart0", "lookup_i", "lookup_id_i")) == {7}
    assert set(at_edges("hart1", "lookup_i", "lookup_id_i")) == {9}
    # a readable file for GTKWave's own tools
    fst = tmp_path / "two.fst"
    subprocess.run(["vcd2fst", "-v", str(vcd), "-f", str(fst)], check=True,
                   capture_output=True)
    back = subprocess.run(["fst2vcd", "-f", str(fst)], capture_output=True, text=True,
                          check=True).stdout
    assert "ctlb1" in back and "hart1" in back
    # the save file: hart 1's walk, every hart's groups
    save = tmp_path / "two.gtkw"
    w = wavesave_run(vcd, "--hart", "1", "-o", save)
    assert w.returncode == 0, w.stderr
    assert "walk 1 of hart 1" in w.stdout and "ID 0x9" in w.stdout
    sigs, _ = save_signals(save)
    assert "hart1.lookup_id_i[31:0]" in sigs and "ctlb1.ctlb_top.req_id_i[31:0]" in sigs
    assert "hart0.lookup_id_i[31:0]" in sigs and "ctlb.ctlb_top.req_id_i[31:0]" in sigs
    assert set(sigs) <= dump_names(vcd)


def test_two_harts_fst_refused(tmp_path):
    out = tmp_path / "two.fst"
    r = ctsim("-q", "--harts", "2", "--wave", out, two_hart_program(tmp_path))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines() == [
        f"ctsim: error: --wave: with --harts 2 the waveform is VCD only (every hart's dump "
        f"is merged into one): name it .vcd, not {out}"]
    assert not out.exists() and not list(tmp_path.glob("two.fst*"))


@pytest.mark.parametrize("latency", [1, 4])
def test_broadcast_and_its_completion_in_the_waveform(tmp_path, latency):
    """A ctlb.bcast on hart 0 in cycle B reaches hart 1's CTLB invalidate port
    in B + L and completes in B + 2L (docs/isa.md, platform.md "Shootdowns"):
    in the dump, ctlb1's inv_valid_i is 1 in cycle B + L with the ID, and
    hart 0's ctlb.sync (the next instruction in sd_patch_hw) holds EX up to
    B + 2L. B comes from the summary's switch lines of hart 0 ("after the
    invalidate at cycle B"); the window holds the first patch."""
    from fw_helpers import elf
    sd_hw = elf("shootdown", "sdtest-hw.elf")
    first = ctsim("--harts", "2", "--quantum", "1", "--xlat", "c",
                  "--bcast-latency", latency, sd_hw)
    assert first.returncode == 0, first.stderr
    hart0 = re.split(r"^hart 1:$", first.stderr, flags=re.M)[0]
    b = int(re.search(r"after the invalidate at cycle (\d+)", hart0).group(1))
    vcd = tmp_path / "sd.vcd"
    r = ctsim("-q", "--harts", "2", "--quantum", "1", "--bcast-latency", latency,
              "--wave", vcd, "--wave-from", b - 5, "--wave-to", b + 2 * latency + 5, sd_hw)
    assert r.returncode == 0, r.stderr
    sig, _ = parse_vcd(vcd, scoped=True)

    def at(name, c):
        return value_at(sig[name], c * NS)
    inv1 = [c for c in range(b - 5, b + 2 * latency + 5) if at("ctlb1.inv_valid_i", c) == "1"]
    assert inv1 == [b + latency]
    assert int(at("ctlb1.inv_id_i", b + latency), 2) == 0x10001
    assert at("ctlb1.inv_all_i", b + latency) == "0"
    # hart 0's own CTLB takes it in B, as a ctlb.inv
    assert [c for c in range(b - 5, b + 2 * latency + 5) if at("ctlb.inv_valid_i", c) == "1"] == [b]
    # (its word is 0x0000400B, docs/isa.md; the mnemonics are whole)
    sync = [c for c in range(b - 5, b + 2 * latency + 5)
            if at("hart0.ex_valid_i", c) == "1" and int(at("hart0.ex_insn_i", c), 2) == 0x400B]
    assert sync == list(range(b + 1, b + 2 * latency + 1)), sync
    assert {text(at("hart0.ex_op_i", c)) for c in sync} == {"ctlb.sync"}
    assert text(at("hart0.ex_op_i", b)) == "ctlb.bcast"
