"""The hot-patching demo (firmware/demo, `make demo`, docs/hotpatch.md).

Expected behaviour worked out from demo.c and program.mk, not from a run:
* tick t of the timer fires at cycle t * PERIOD (mtime = cycle with the default
  --mtime-div 1); request k waits for ticks > k, so it runs right after the tick
  at cycle (k + 1) * PERIOD;
* the timer handler patches ID_CHECKSUM at tick PATCH_TICK = 10, so requests
  k >= 9 use checksum_v2 (correct), k <= 8 checksum_v1 (wrong on every request:
  it drops the last byte, a digit, which always changes a Fletcher sum);
* ctsim patches ID_RESPOND at the first instruction entering EX at cycle >=
  410000. Request 19 starts at 400000 and is done well before 410000 (the test
  checks it: at most half a period per request); the hart then sleeps in wfi
  until the tick at 420000, so requests k >= 20 use respond_v2, k <= 19
  respond_v1;
* misses: the three IDs' first calls (ct_init fills the table but the CTLB is
  empty) + one after the timer's ct_patch (ctlb.inv of ID_CHECKSUM) + one after
  ctsim's patch (invalidate of ID_RESPOND) = 5; lookups 3 per request = 90;
  invalidations: ct_init's flush + ct_patch + the --patch-at = 3; patches
  (from outside) 1; faults 0; each miss walks the 3 default levels with
  dmem-lat 1: 3 * (1 + 1) + 1 = 7 walk cycles (docs/accelerator.md section 4),
  3 memory reads.
"""
import os
import re
import subprocess

import pytest

from callid_helpers import ROOT, ctsim_run, elf
from conftest import BUILD, need, strip_build_notes
from test_wave import walks

PERIOD, REQUESTS, PATCH_TICK, PATCH_CYCLE = 20000, 30, 10, 410000
PATCH = ["--patch-at", f"{PATCH_CYCLE}:0x10003:respond_v2"]


def requests(out):
    rows = re.findall(r"^req +(\d+) GET /item/(\d+) +parse=(\d+) +checksum_v(\d)=0x([0-9a-f]{4}) "
                      r"(ok|WRONG) *\| respond_v(\d): (200 OK|404 Not Found) item (\d+)$",
                      out, re.M)
    return [(int(k), int(item), int(p), int(cv), int(sum_, 16), ok, int(rv), status)
            for k, item, p, cv, sum_, ok, rv, status, _ in rows]


def fletcher(msg):
    a, b = 1, 0
    for ch in msg.encode():
        a = (a + ch) % 255
        b = (b + a) % 255
    return (b << 8) | a


def check_demo(r):
    assert r.rc == 0, r.out + r.err
    rows = requests(r.out)
    assert [row[0] for row in rows] == list(range(REQUESTS)), r.out
    for k, item, parsed, cv, sum_, ok, rv, status in rows:
        assert item == (k * 37 + 3) % 100 and parsed == item, f"request {k}"
        assert cv == (2 if k >= PATCH_TICK - 1 else 1), f"request {k}: checksum_v{cv}"
        # the checksum itself, computed here: v2 over the whole message, v1 (the bug)
        # without its last byte
        msg = f"GET /item/{item}"
        assert sum_ == fletcher(msg if cv == 2 else msg[:-1]), f"request {k}: 0x{sum_:04x}"
        assert ok == ("ok" if cv == 2 else "WRONG"), f"request {k}"
        want_rv = 2 if (k + 1) * PERIOD > PATCH_CYCLE else 1
        assert rv == want_rv, f"request {k}: respond_v{rv}"
        # v1 says 404 for items >= 10, v2 only for items >= 100 (none here)
        assert status == ("404 Not Found" if rv == 1 and item >= 10 else "200 OK"), f"req {k}"
    lines = r.out.splitlines()
    timer = [i for i, ln in enumerate(lines) if ln.startswith("*** timer interrupt at cycle")]
    assert len(timer) == 1, r.out
    assert lines[timer[0] - 1].startswith("req  8 ") and lines[timer[0] + 1].startswith("req  9 ")
    cyc = int(re.search(r"at cycle (\d+):", lines[timer[0]]).group(1))
    assert PATCH_TICK * PERIOD <= cyc < PATCH_TICK * PERIOD + 200, cyc
    ext = [i for i, ln in enumerate(lines) if "patched from outside" in ln]
    assert len(ext) == 1 and lines[ext[0] - 1].startswith("req 20 "), r.out
    assert "demo: both patches applied" in r.out
    assert f"ctsim: cycle {21 * PERIOD}: patched ID 0x10003 -> respond_v2" in r.err
    c = r.stats["ctlb"]
    assert (c["lookups"], c["hits"], c["misses"]) == (90, 85, 5)
    assert (c["invalidations"], c["patches"], c["faults"]) == (3, 1, 0)
    assert (c["walk_cycles"], c["mem_reads"]) == (5 * 7, 5 * 3)
    assert "demo: ctlb lookups 90 hits 85 misses 5 invalidations 3 faults 0 walk cycles 35" in r.out


def test_demo_rtl():
    r = ctsim_run(elf("demo", "demo.elf"), "--xlat", "rtl", *PATCH)
    assert r.stats["ctlb"]["backend"] == "rtl"
    check_demo(r)


def test_demo_requests_fit_their_period():
    """Each request must finish within half a period, or the external patch
    cycle (between requests 19 and 20) would not fall into the idle time."""
    r = ctsim_run(elf("demo", "demo.elf"), "--xlat", "c", "--max-cycles",
                  str(20 * PERIOD + PERIOD // 2))
    assert r.rc == 3  # the cycle limit, while waiting for tick 21
    assert re.search(r"^req 19 ", r.out, re.M) and "req 20" not in r.out


def test_demo_without_external_patch_fails():
    """Without --patch-at respond_v1 stays: the demo must say so and fail."""
    r = ctsim_run(elf("demo", "demo.elf"), "--xlat", "c")
    assert r.rc == 1 and "FAILED" in r.out
    assert r.stats["ctlb"]["misses"] == 4


def test_demo_lockstep_identical():
    skip = ctsim_run(elf("demo", "demo.elf"), "--xlat", "rtl", *PATCH)
    lock = ctsim_run(elf("demo", "demo.elf"), "--xlat", "rtl", "--lockstep", *PATCH)
    assert lock.stats["ctlb"]["lockstep"] is True
    assert skip.comparable() == lock.comparable()
    assert skip.err == lock.err


def test_make_demo():
    p = subprocess.run(["make", "--no-print-directory", "demo"], cwd=ROOT, capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "*** timer interrupt at cycle" in p.stdout
    assert "*** respond is now answered by respond_v2" in p.stdout
    assert "patched ID 0x10003 -> respond_v2" in p.stderr
    assert re.search(r"ctlb lookups +90: hits 85, misses 5", p.stderr), p.stderr
    assert "backend rtl" in p.stderr


def test_make_wave_headless(tmp_path):
    """`make wave` without a display: the dump of the demo's 5 walks (see the
    module docstring) and the command that opens it."""
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    p = subprocess.run(["make", "--no-print-directory", "wave"], cwd=ROOT, capture_output=True,
                       text=True, timeout=600, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "gtkwave build/wave/walks.vcd build/wave/walks.gtkw" in p.stdout
    vcd = (ROOT / "build" / "wave" / "walks.vcd").read_text()
    assert "dbg_ascii_state" in vcd
    assert "walks of the demo run dumped to build/wave/walks.vcd" in p.stdout
    # the save file opens on the first walk (tests/test_wave.py checks the view)
    assert "walk 1 of build/wave/walks.vcd, ID 0x10001" in p.stdout
    assert (ROOT / "build" / "wave" / "walks.gtkw").read_text().count("hart0.") == 8
    # docs/waves.md quotes what it prints without a display
    doc = (ROOT / "docs" / "waves.md").read_text()
    block = re.search(r"it prints the command instead:\n\n```\n(.*?)```", doc, re.S).group(1)
    for line in block.splitlines():
        assert line in p.stdout.splitlines(), line


def trace_wave(trace, *args):
    """build/cttrace on the RTL backend with a walks-only waveform (--wave)."""
    return subprocess.run([str(need(BUILD / "cttrace", "build/cttrace")), "--backend", "rtl",
                           "--wave-walks-only", *map(str, args), str(trace)],
                          capture_output=True, text=True, timeout=120)


def test_trace_wave_walks(tmp_path):
    """hand.ct (traces/samples): call 0x10, call 0x11, call 0x10 (hit), patch 0x10,
    call 0x10, inv 0x11, call 0x11, flush, call 0x10 -> misses on the first 0x10,
    the first 0x11, 0x10 after its patch, 0x11 after its inv and 0x10 after the
    flush = 5 walks of 3 reads each (12/10/10). No temporary file is left next to
    the dump."""
    out = tmp_path / "w.vcd"
    p = trace_wave(ROOT / "traces" / "samples" / "hand.ct", "--wave", out)
    assert p.returncode == 0, p.stderr
    w = walks(out)
    assert [i for _, i, _ in w] == [0x10, 0x11, 0x10, 0x11, 0x10]
    assert all(len(reads) == 3 for _, _, reads in w)
    assert list(tmp_path.iterdir()) == [out]


@pytest.mark.parametrize("args,msg", [
    (["missing.ct"], "missing.ct"),
    (["HAND", "--level-bits", "40"], "--level-bits"),
    (["HAND", "--mem-lat", "0"], "--mem-lat"),
    (["HAND", "--level-bits", "4"], "does not fit the 4-bit table"),
    (["HAND", "--backend", "c"], "use --xlat rtl"),
])
def test_trace_wave_bad_input(tmp_path, args, msg):
    out = tmp_path / "w.vcd"
    hand = ROOT / "traces" / "samples" / "hand.ct"
    args = [hand if a == "HAND" else tmp_path / a if a.endswith(".ct") else a for a in args]
    p = trace_wave(args[0], "--wave", out, *args[1:])
    assert p.returncode == 2 and msg in p.stderr, p.stderr
    assert len(strip_build_notes(p.stderr).strip().splitlines()) == 1, p.stderr
    assert list(tmp_path.iterdir()) == []


def screenshot(*args):
    return subprocess.run(["bash", str(ROOT / "scripts" / "wave-screenshot.sh"), *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_wave_screenshot(tmp_path):
    """The screenshot script on the walks-only dump of hand.ct (5 walks): a
    PNG of walk 2 of the save file's window size, 1600x1000."""
    dump = tmp_path / "hand.vcd"
    assert trace_wave(ROOT / "traces" / "samples" / "hand.ct", "--wave", dump).returncode == 0
    png = tmp_path / "walk.png"
    p = screenshot(dump, png, 2)
    assert p.returncode == 0, p.stdout + p.stderr
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(head[16:20], "big") == 1600 and int.from_bytes(head[20:24], "big") == 1000
    assert "walk 2 of" in p.stdout and "ID 0x11" in p.stdout


@pytest.mark.parametrize("args,msg", [
    (["NOFILE.vcd"], "cannot read the dump"),
    (["HAND", "OUT", "0"], "is not a positive number"),
    (["HAND", "OUT", "6"], "5 table walks, no walk 6"),
    (["NOTDUMP.vcd"], "not a VCD or FST waveform"),
])
def test_wave_screenshot_bad_input(tmp_path, args, msg):
    dump = tmp_path / "hand.vcd"
    assert trace_wave(ROOT / "traces" / "samples" / "hand.ct", "--wave", dump).returncode == 0
    out = tmp_path / "out.png"
    (tmp_path / "NOTDUMP.vcd").write_text("not a dump\n")
    p = screenshot(*[dump if a == "HAND" else out if a == "OUT" else
                     tmp_path / a if a.endswith(".vcd") else a for a in args])
    assert p.returncode == 2 and msg in p.stderr, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("spec,msg", [
    ("1000:0x10003:respond_v2", "ctroot is disabled"),     # before ct_init wrote ctroot
    ("410000:0x10009:respond_v2", "is not mapped"),         # an ID the demo never registered
    ("410000:0x10003:respond_v9", "no function symbol 'respond_v9'"),
])
def test_demo_bad_patch(spec, msg):
    r = ctsim_run(elf("demo", "demo.elf"), "--xlat", "c", "--patch-at", spec)
    assert r.rc == 2, r.out + r.err
    assert msg in r.err


def test_hotpatch_doc_start_up_bound():
    """docs/hotpatch.md: a --patch-at at 82000 is refused (ctroot not yet written),
    one at 83000 is applied; the quoted error line is ctsim's."""
    text = (ROOT / "docs" / "hotpatch.md").read_text()
    cmd, err = re.search(r"```\n(build/ctsim -q --xlat c --patch-at 82000:\S+ \S+)\n"
                         r"(ctsim: error: .*)\n```", text).groups()
    p = subprocess.run(cmd.split(), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and p.stderr == err + "\n", p.stderr
    r = ctsim_run(elf("demo", "demo.elf"), "--xlat", "c", "--patch-at", "83000:0x10003:respond_v2")
    assert r.stats["ctlb"]["patches"] == 1, r.err
