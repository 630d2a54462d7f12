"""Live patching a real program (docs/realprogs.md, "Live patching Lua"): Lua
built by ctcc in callid mode, with luaO_tostring_v2 compiled from a changed
copy of lobject.c and linked with the callid build's ID map. The expected
lines are computed here: line i prints i, v = i * 7919 * 1013 and the running
total, with plain digits before the patch and in groups of three after it."""
import json
import sys

import pytest

from fw_helpers import BUILD, ROOT, run_ctsim

sys.path.insert(0, str(ROOT / "scripts"))
import idmap  # noqa: E402

LIVE = BUILD / "realprog" / "live"
LINES = 40


def grouped(n):
    s = str(n)
    out = ""
    while len(s) > 3:
        out = "_" + s[-3:] + out
        s = s[:-3]
    return s + out


def expected_line(i, new):
    f = grouped if new else str
    v = i * 7919 * 1013
    total = sum(k * 7919 * 1013 for k in range(1, i + 1))
    return f"iter {f(i)}: value {f(v)} total {f(total)}"


def elf(name):
    p = LIVE / name
    if not p.exists():
        pytest.fail(f"{p} is missing: run `make realprogs`")
    return p


def test_map_keeps_every_id():
    base = idmap.read(BUILD / "realprog" / "callid" / "lua-small.idmap")
    live = idmap.read(LIVE / "lua-live-inside.idmap")
    assert all(live[k] == v for k, v in base.items())
    assert "luaO_tostring_v2" in live or any("lobject_v2.c" in k for k in live)


def test_patch_from_inside(tmp_path):
    js = tmp_path / "in.json"
    r = run_ctsim(elf("lua-live-inside.elf"), "--stats-json", str(js))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[24].startswith("livepatch: luaO_tostring -> luaO_tostring_v2: ctcc_patch ")
    del lines[24]
    want = [expected_line(i, i >= 25) for i in range(1, LINES + 1)] + [f"lua-live: {LINES} lines"]
    assert lines == want
    d = json.loads(js.read_text())
    assert d["ctlb"]["faults"] == 0
    (sw,) = [s for s in d["switches"] if s["from_name"] == "luaO_tostring"]
    # the first call after the patch walks 3 levels at latency 1: 3 x 2 + 1
    assert sw["to_name"] == "luaO_tostring_v2" and sw["walk_cycles"] == 7


def test_patch_from_outside(tmp_path):
    """Each line converts three integers (luaO_tostring each): the 58th call
    is the first of line 20."""
    js = tmp_path / "out.json"
    r = run_ctsim(elf("lua-live-outside.elf"), "--stats-json", str(js),
                  "--patch-at", "callid=58:luaO_tostring:luaO_tostring_v2")
    assert r.returncode == 0, r.stderr
    want = [expected_line(i, i >= 20) for i in range(1, LINES + 1)] + [f"lua-live: {LINES} lines"]
    assert r.stdout.splitlines() == want
    d = json.loads(js.read_text())
    (sw,) = d["switches"]
    assert (sw["from_name"], sw["to_name"], sw["walk_cycles"]) == \
        ("luaO_tostring", "luaO_tostring_v2", 7)
    assert sw["call_cycle"] == sw["inv_cycle"] and d["ctlb"]["faults"] == 0


def test_unpatched_runs_the_old_code():
    r = run_ctsim(elf("lua-live-outside.elf"))
    assert r.returncode == 0
    assert r.stdout.splitlines()[:LINES] == [expected_line(i, False) for i in range(1, LINES + 1)]
