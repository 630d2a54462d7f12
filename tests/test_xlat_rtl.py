"""RTL checks: `make lint` is clean, and a waveform dump of the verilated backend
contains a table walk's memory reads (VCD parsed here), windowed as asked."""
import subprocess
import sys

import pytest

from conftest import BUILD, ROOT, need
import xlat_api as xa
from test_xlat_cmodel import ID_A, L0, L1, L2, make

sys.path.insert(0, str(ROOT / "scripts"))
import wavesave  # noqa: E402

NS = 1000  # dump time units (ps) per cycle: cycle c at c ns and c ns + 500 ps (xlat.h)


def test_make_lint():
    p = subprocess.run(["make", "-s", "lint"], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "lint: clean" in p.stdout
    assert "%Warning" not in p.stdout + p.stderr


def parse_vcd(path):
    """{signal name: [(time, value)]} for the scalar and vector signals of a VCD."""
    ids, changes, t = {}, {}, 0
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("$var"):
                parts = line.split()
                ids.setdefault(parts[3], []).append(parts[4])
            elif line.startswith("#"):
                t = int(line[1:])
            elif line and line[0] in "01xz" and len(line) > 1 and not line.startswith("$"):
                changes.setdefault(line[1:], []).append((t, line[0]))
            elif line.startswith("b"):
                v, code = line[1:].split()
                changes.setdefault(code, []).append((t, v))
    return {name: changes.get(code, []) for code, names in ids.items() for name in names}


def value_at(changes, t):
    v = None
    for tt, vv in changes:
        if tt > t:
            break
        v = vv
    return v


@pytest.mark.parametrize("walks_only", [False, True])
def test_vcd_contains_walk_reads(tmp_path, walks_only):
    need(BUILD / "libxlat.so", "build/libxlat.so")
    x, d = make("rtl", latency=2)
    vcd = tmp_path / "walk.vcd"
    for _ in range(20):                       # idle cycles before the trace window
        d.cycle_step()
    rc, msg = x.trace_open(vcd, start=10, end=0, walks_only=walks_only, margin=2)
    assert rc == 0, msg
    for _ in range(30):                       # idle: left out in walks-only mode
        d.cycle_step()
    start = d.cycle
    assert d.lookup(ID_A)[:3] == (0, 0, 0xAAAA0)
    for _ in range(30):
        d.cycle_step()
    x.trace_close()
    x.close()
    sig = parse_vcd(vcd)
    valid = sig["mem_req_valid_o"]
    ready = sig["mem_req_ready_i"]
    addr = sig["mem_req_addr_o"]
    # accepted memory requests: sampled before each edge (times c ns)
    end = max(t for ch in sig.values() for t, _ in ch)
    times = range(0, end + 1, NS)
    reads = [int(value_at(addr, t), 2) for t in times
             if value_at(valid, t) == "1" and value_at(ready, t) == "1"]
    assert reads == [L0 + 4, L1 + 4, L2 + 4]
    # the walker state is traced and the dump respects the window
    assert "dbg_ascii_state" in sig
    first = min(t for ch in sig.values() for t, _ in ch if t > 0) if walks_only else None
    if walks_only:
        assert first == NS * start, "walks-only dump starts at the miss's request cycle"
        assert max(t for ch in sig.values() for t, _ in ch) <= NS * (d.cycle - 30 + 2) + NS // 2
    else:
        assert all(t >= NS * 10 for ch in sig.values() for t, _ in ch if t > 0)


def test_trace_refused_on_c_backend_and_fst(tmp_path):
    x = xa.Xlat(xa.config())
    rc, msg = x.trace_open(tmp_path / "a.vcd")
    assert rc == -1 and "RTL" in msg
    x.close()
    x = xa.Xlat(xa.config(), "rtl")
    rc, msg = x.trace_open(tmp_path / "no" / "such" / "dir.vcd")
    assert rc == -1 and "cannot write" in msg
    x.close()


def test_gtkw_signals_exist_in_dump(tmp_path):
    """Every signal of rtl/ctlb.gtkw is in a dump of the verilated backend, but
    the CPU's (scope hart0), which only ctsim's dumps have (test_wave.py)."""
    x, d = make("rtl")
    vcd = tmp_path / "w.vcd"
    assert x.trace_open(vcd)[0] == 0
    d.lookup(ID_A)
    x.trace_close()
    x.close()
    scopes, names = [], set()
    for line in open(vcd):
        p = line.split()
        if line.startswith("$scope") or (p and p[0] == "$scope"):
            scopes.append(p[2])
        elif p and p[0] == "$upscope":
            scopes.pop()
        elif p and p[0] == "$var":
            rng = p[5] if len(p) > 6 and p[5].startswith("[") else ""
            names.add(".".join(scopes + [p[4]]) + rng)
    wanted = [wavesave.signal_of(l.rstrip("\n")) for l in open(ROOT / "rtl" / "ctlb.gtkw")]
    wanted = [w for w in wanted if w and not w.startswith("hart0.")]
    assert len(wanted) >= 28 and "dump.skipped_i[63:0]" in wanted
    missing = [w for w in wanted if w not in names]
    assert not missing, missing


def test_trace_reopen_and_window_end(tmp_path):
    """A second trace on the same instance works; `to` ends the dump."""
    x, d = make("rtl")
    for k in range(2):
        vcd = tmp_path / f"t{k}.vcd"
        assert x.trace_open(vcd, start=d.cycle + 2, end=d.cycle + 6)[0] == 0
        first = d.cycle
        d.lookup(ID_A)
        for _ in range(10):
            d.cycle_step()
        x.trace_close()
        times = [int(l[1:]) for l in open(vcd) if l.startswith("#")]
        assert times and min(times) == NS * (first + 2) and \
            max(times) == NS * (first + 5) + NS // 2, times
    x.close()


def test_fst_trace(tmp_path):
    """A .fst path gives an FST file (converted back here with fst2vcd: same walk reads)."""
    x, d = make("rtl")
    fst = tmp_path / "w.fst"
    assert x.trace_open(fst)[0] == 0
    d.lookup(ID_A)
    x.trace_close()
    x.close()
    assert fst.read_bytes()[:1] != b"$" and not (tmp_path / "w.fst.tmp.vcd").exists()
    vcd = tmp_path / "back.vcd"
    subprocess.run(["fst2vcd", "-f", str(fst), "-o", str(vcd)], check=True, capture_output=True)
    sig = parse_vcd(vcd)
    addrs = {int(v, 2) for _, v in sig["mem_req_addr_o"] if set(v) <= {"0", "1"}}
    assert {L0 + 4, L1 + 4, L2 + 4} <= addrs


def test_fst_after_the_first_cycle_is_refused_until_reset(tmp_path):
    """FST lives in a second build of the configuration (xlat.h): a handle can
    switch to it only before its first cycle, or right after xlat_reset."""
    x, d = make("rtl")
    d.lookup(ID_A)
    rc, msg = x.trace_open(tmp_path / "late.fst")
    assert rc == -1 and "before the first cycle" in msg, msg
    assert not (tmp_path / "late.fst").exists()
    xa.lib().xlat_reset(x.h)
    assert x.trace_open(tmp_path / "w.fst")[0] == 0
    d.lookup(ID_A)
    x.trace_close()
    x.close()
    r = subprocess.run(["fst2vcd", "-f", str(tmp_path / "w.fst")], capture_output=True, text=True)
    assert r.returncode == 0 and "req_valid_i" in r.stdout, r.stderr
