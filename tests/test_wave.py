"""ctsim --wave: waveforms of the verilated accelerator from a CPU run.

The demo (firmware/demo, docs/hotpatch.md) misses 5 times: the first calls of
its three handler IDs, then checksum (0x10002) after the timer interrupt's
patch and respond (0x10003) after ctsim's --patch-at. Each walk of the default
12/10/10 geometry reads 3 entries (docs/accelerator.md section 4). With --wave
ctsim clocks the accelerator in lock-step, so dump time = 2 x CPU cycle.
"""
import os
import pathlib
import re
import shlex
import subprocess

import pytest

from conftest import BUILD, ROOT, need
from test_xlat_rtl import value_at

DEMO = BUILD / "firmware" / "demo" / "demo.elf"
PATCH = ["--patch-at", "410000:0x10003:respond_v2"]   # as firmware/demo/program.mk


def ctsim(*args):
    return subprocess.run([str(need(BUILD / "ctsim", "build/ctsim")), *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def parse_vcd(path):
    """({port name: [(time, value)]} of the outermost scope, [dump times])."""
    names, changes, times, depth, t = {}, {}, [], 0, 0
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("$scope"):
                depth += 1
            elif line.startswith("$upscope"):
                depth -= 1
            elif line.startswith("$var"):
                parts = line.split()
                if depth == 1:
                    names[parts[4]] = parts[3]
            elif line.startswith("#"):
                t = int(line[1:])
                times.append(t)
            elif line.startswith("b"):
                v, code = line[1:].split()
                changes.setdefault(code, []).append((t, v))
            elif line and line[0] in "01xz" and not line.startswith("$"):
                changes.setdefault(line[1:], []).append((t, line[0]))
    return {n: changes.get(c, []) for n, c in names.items()}, times


def walks(vcd):
    """[(request time, ID, [(read address, response data)])] from a dump: a walk
    starts in a cycle with req_valid_i && req_ready_o and no rsp_valid_o (a
    miss). Only the cycles the dump holds are looked at (walks-only dumps leave
    the others out)."""
    sig, times = parse_vcd(vcd)
    out = []
    for t in times:
        if t % 2:                              # sampled before each edge
            continue
        v = lambda name: value_at(sig[name], t)
        if v("req_valid_i") == "1" and v("req_ready_o") == "1" and v("rsp_valid_o") != "1":
            out.append((t, int(v("req_id_i"), 2), []))
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
    assert 2 * 200000 < w[3][0] < 2 * 220000
    assert 2 * 420000 <= w[4][0] < 2 * 440000
    # docs/waves.md describes walk 4 of this dump (its screenshot docs/img/walk.png):
    # its cycle, its three reads and the leaf must be this build's
    doc = (ROOT / "docs" / "waves.md").read_text()
    para = doc[doc.index("The fourth walk of the demo"):doc.index("Rerun the screenshot")]
    t, ident, reads = w[3]
    assert ident == 0x10002 and f"(ID 0x{ident:05X})" in para
    assert f"at CPU cycle {t // 2}" in para, (t // 2, para[:200])
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
    times = [t for t in parse_vcd(vcd)[1] if t > 0]
    assert min(times) >= 2 * 400000 and max(times) < 2 * 460000
    # --wave implies --lockstep (docs/ctsim.md): the accelerator is clocked in every
    # CPU cycle, so every cycle of the window is in the dump (times 2c and 2c+1),
    # although the CPU sleeps in wfi for most of it
    assert sorted(set(times)) == list(range(2 * 400000, 2 * 460000))


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
    for c in sorted({t // 2 for t in parse_vcd(vcd)[1] if t > 0}):
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
    starts = [t // 2 for t, _, _ in walks(vcd)]
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
        got[ext] = (sorted({t for t in parse_vcd(back)[1] if t > 0}), walks(back))
    assert got["fst"] == got["vcd"]
    assert got["fst"][1], "walks in the window"
