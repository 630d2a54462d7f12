"""--patch-at's triggers (docs/ctsim.md, "Hot patching from outside"): a cycle,
the first entry of a symbol (entry=SYM) and the Nth callid of the ID
(callid=N), and the warning plus `patches_not_applied` for a patch whose
trigger never comes.

The program calls ID 7 four times by `callid`; ID 7 starts as fn_a (a0 += 1),
the patches make it fn_b (a0 += 10), and the program exits with a0 as its
status, so the status says which calls went where: n_a + 10 * n_b.
"""
import re
import subprocess

from sim_helpers import program, run, run_stats
from test_callid import ENABLE, TABLE, callid, prog

CALLS = [callid("ra", "s4") for _ in range(4)]
BODY = TABLE + "  map 7, fn_a\n" + ENABLE + """
  li   a0, 0
  li   s4, 7
""" + CALLS[0] + CALLS[1] + """
  .globl between
between:
""" + CALLS[2] + CALLS[3] + """
  slli t5, a0, 1                 # exit status a0
  ori  t5, t5, 1
  sw   t5, 0(t6)
  .globl never
never:                           # not reached: the store above ends the run
  j    never
"""


def elf(tmp_path):
    return prog(tmp_path, BODY, name="trig")


def runj(tmp_path, *args):
    """(status, stderr, JSON) of a run with the C model."""
    r, s = run_stats(tmp_path, elf(tmp_path), "--xlat", "c", *args)
    return r.returncode, r.stderr, s


def test_without_patch_every_call_reaches_fn_a(tmp_path):
    rc, err, s = runj(tmp_path)
    assert rc == 4, err                       # 4 calls to fn_a
    c = s["ctlb"]
    assert (c["misses"], c["hits"], c["patches"], c["patches_not_applied"]) == (1, 3, 0, 0)


def test_callid_trigger_patches_before_the_nth_call(tmp_path):
    base = runj(tmp_path)[2]
    # callid=3: calls 1 and 2 reach fn_a, the patch comes just before call 3's
    # lookup, so calls 3 and 4 reach fn_b: 1 + 1 + 10 + 10 = 22
    rc, err, s = runj(tmp_path, "--patch-at", "callid=3:7:fn_b")
    assert rc == 22, err
    c = s["ctlb"]
    # call 3 misses (the patch invalidated ID 7) and call 4 hits fn_b: one miss
    # more, and a miss costs 10 cycles instead of a hit's 3 (docs/timing.md),
    # 7 cycles more; the patch itself takes no CPU cycle
    assert (c["misses"], c["hits"], c["patches"], c["patches_not_applied"]) == (2, 2, 1, 0)
    assert s["cycles"] == base["cycles"] + 7
    assert s["instructions"] == base["instructions"]
    assert len(re.findall(r"^ctsim: cycle \d+: patched ID 0x7 -> fn_b", err, re.M)) == 1
    # callid=1: every call; callid=4: only the last
    assert runj(tmp_path, "--patch-at", "callid=1:7:fn_b")[0] == 40
    assert runj(tmp_path, "--patch-at", "callid=0x4:7:fn_b")[0] == 13


def test_callid_trigger_counts_only_its_id(tmp_path):
    # ID 8 is never called: the patch of ID 8 never comes, ID 7 is untouched
    rc, err, s = runj(tmp_path, "--patch-at", "callid=1:8:fn_b")
    assert rc == 4
    assert s["ctlb"]["patches_not_applied"] == 1
    assert ("ctsim: warning: --patch-at callid=1:8:fn_b was not applied: callid called "
            "ID 0x8 0 times, not 1") in err


def test_entry_trigger_applies_before_the_instruction_runs(tmp_path):
    # `between` labels call 3 itself: the patch comes at the boundary before it
    # executes, so call 3 already reaches fn_b (after it: 13)
    rc, err, s = runj(tmp_path, "--patch-at", "entry=between:7:fn_b")
    assert rc == 22, err
    assert (s["ctlb"]["misses"], s["ctlb"]["patches"]) == (2, 1)


def test_entry_trigger_on_the_called_function(tmp_path):
    # fn_a's first entry is inside call 1 (already translated to fn_a): fn_a
    # still runs then, calls 2..4 reach fn_b: 1 + 30 = 31; fn_a's later
    # entries (none here) would not patch again
    rc, err, _ = runj(tmp_path, "--patch-at", "entry=fn_a:7:fn_b")
    assert rc == 31, err
    assert err.count("patched ID 0x7") == 1


def test_entry_trigger_by_address(tmp_path):
    e = elf(tmp_path)
    syms = {}
    out = subprocess.run(["riscv64-unknown-elf-nm", str(e)], capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        a, _, n = line.split()
        syms[n] = int(a, 16)
    r, s = run_stats(tmp_path, e, "--xlat", "c", "--patch-at",
                     f"entry={syms['between']:#x}:7:{syms['fn_b']:#x}")
    assert r.returncode == 22, r.stderr


def test_unreached_triggers_warn_and_count(tmp_path):
    rc, err, s = runj(tmp_path, "--patch-at", "5000000:7:fn_b",
                      "--patch-at", "entry=never:7:fn_b", "--patch-at", "callid=5:7:fn_b")
    assert rc == 4, err                       # nothing changed
    end = s["cycles"]
    warn = [l for l in err.splitlines() if l.startswith("ctsim: warning:")]
    assert warn == [
        f"ctsim: warning: --patch-at 5000000:7:fn_b was not applied: the run ended at cycle {end}",
        "ctsim: warning: --patch-at entry=never:7:fn_b was not applied: the program never ran "
        f"the instruction at {s_addr(tmp_path, 'never')} (the run ended at cycle {end})",
        "ctsim: warning: --patch-at callid=5:7:fn_b was not applied: callid called ID 0x7 "
        f"4 times, not 5 (the run ended at cycle {end})",
    ]
    assert (s["ctlb"]["patches"], s["ctlb"]["patches_not_applied"]) == (0, 3)


def s_addr(tmp_path, name):
    out = subprocess.run(["riscv64-unknown-elf-nm", str(tmp_path / "trig.elf")],
                         capture_output=True, text=True).stdout
    return "0x%08x" % [int(l.split()[0], 16) for l in out.splitlines()
                       if l.split()[2] == name][0]


def test_mixed_triggers_each_once(tmp_path):
    # callid=2 patches ID 7 to fn_b before call 2; entry=between patches it back
    # to fn_a before call 3: a, b, a, a = 1 + 10 + 1 + 1 = 13
    rc, err, s = runj(tmp_path, "--patch-at", "callid=2:7:fn_b",
                      "--patch-at", "entry=between:7:fn_a")
    assert rc == 13, err
    assert (s["ctlb"]["patches"], s["ctlb"]["misses"]) == (2, 3)


def test_quiet_run_still_warns(tmp_path):
    r = run(elf(tmp_path), "-q", "--patch-at", "callid=9:7:fn_b")
    assert r.returncode == 4
    assert r.stderr.count("ctsim: warning: --patch-at callid=9:7:fn_b was not applied") == 1


def test_trigger_errors(tmp_path):
    e = elf(tmp_path)
    for arg, msg in [
        ("callid=0:7:fn_b", "is not a count of calls"),
        ("callid=x:7:fn_b", "is not a count of calls"),
        ("entry=:7:fn_b", "entry= needs a symbol"),
        ("entry=nosuch:7:fn_b", "no function symbol 'nosuch'"),
        ("entry=0x80000002:7:fn_b", "entry address 0x80000002 is not 4-byte aligned"),
        ("entry=0x10000000:7:fn_b", "outside RAM"),
        ("at=5:7:fn_b", "is not a cycle number"),
    ]:
        r = run(e, "--xlat", "c", "--patch-at", arg)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1 and msg in lines[0], (arg, r.stderr)




def test_demo_callid_trigger_matches_the_cycle_patch():
    """docs/hotpatch.md: request k makes the (k+1)th call of respond (ID
    0x10003), so callid=21 patches it just before request 20, as the cycle
    410000 patch does (it lands in the idle time after request 19): the
    program's output is the same."""
    from conftest import BUILD
    demo = BUILD / "firmware" / "demo" / "demo.elf"
    a = run(demo, "-q", "--xlat", "c", "--patch-at", "410000:0x10003:respond_v2")
    b = run(demo, "-q", "--xlat", "c", "--patch-at", "callid=21:0x10003:respond_v2")
    assert a.returncode == 0 and b.returncode == 0, b.stderr
    assert a.stdout == b.stdout
    assert re.search(r"^req 20 .*\| respond_v2: ", b.stdout, re.M)
    assert re.search(r"^req 19 .*\| respond_v1: ", b.stdout, re.M)


def test_docs_warning_example_is_real():
    """docs/ctsim.md shows the warning of its never-reached demo patch."""
    from conftest import BUILD, ROOT
    doc = (ROOT / "docs" / "ctsim.md").read_text()
    shown = re.search(r"^ctsim: warning: --patch-at 99000000:.*$", doc, re.M).group(0)
    r = run(BUILD / "firmware" / "demo" / "demo.elf", "-q", "--patch-at",
            "410000:0x10003:respond_v2", "--patch-at", "99000000:0x10003:respond_v2")
    assert r.returncode == 0 and shown in r.stderr.splitlines(), r.stderr


def test_entry_trigger_that_fails_stops_before_the_instruction(tmp_path):
    # ctroot is disabled, so the patch fails (status 2) at the boundary before
    # `target`, which a jal reaches: `target` never enters EX, so the jal's
    # bubble before it is no stall cycle of the run (the gap of an
    # instruction counts when it enters EX, docs/timing.md)
    p = program(tmp_path, "  j target\n  .globl target\ntarget:\n  nop\n  j pass")
    r, s = run_stats(tmp_path, p, "--patch-at", "entry=target:7:0x80000000")
    assert r.returncode == 2 and "ctroot is disabled" in r.stderr, r.stderr
    # la t6, tohost (auipc, addi) and the jal retired
    assert s["instructions"] == 3 and s["ops"]["jal"] == 1
    assert s["stalls"]["total"] == 0 and s["stalls"]["jal"] == 0, s["stalls"]
