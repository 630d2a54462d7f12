"""The SystemC virtual platform (docs/systemc.md): build/ctsim-sc must give
exactly what build/ctsim gives (cycles, instructions, every stat, CTLB
statistics, console output, exit status, errors), and the embedding example
build/sc-example-embed must print the values worked by hand from
docs/accelerator.md.
"""
import json
import os
import pathlib
import re
import subprocess

import pytest

from conftest import strip_build_notes
from sim_helpers import program

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
CTSIM = BUILD / "ctsim"
CTSIM_SC = BUILD / "ctsim-sc"
EXAMPLE = BUILD / "sc-example-embed"


def need(p, target):
    if not p.exists():
        pytest.fail(f"{p} is missing: run `make {target}` first")
    return p


def run(prog, args, env_extra=None, timeout=300):
    env = dict(os.environ)
    env.pop("CTSIM_SC_QUANTUM", None)
    if env_extra:
        env.update(env_extra)
    return subprocess.run([str(prog), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT)


def demo_patch_args():
    """The --patch-at option of `make demo` (firmware/demo/program.mk)."""
    mk = ROOT / "firmware" / "demo" / "program.mk"
    if not mk.exists():
        return None
    text = mk.read_text()
    cyc = re.search(r"^DEMO_PATCH_CYCLE\s*:=\s*(\d+)", text, re.M)
    pat = re.search(r"^DEMO_PATCH\s*:=\s*--patch-at\s+\$\(DEMO_PATCH_CYCLE\):(\S+)",
                    text, re.M)
    if not cyc or not pat:
        return None
    return ["--patch-at", f"{cyc.group(1)}:{pat.group(1)}"]


# (name, ELF under build/, extra options); every ELF is built by `make all`, so a
# missing one fails the test (a skip would hide the lost coverage)
CASES = [
    ("callid_mix", "cycles/callid_mix.elf", []),
    ("callid_mix-dmem3", "cycles/callid_mix.elf", ["--dmem-lat", "3", "--imem-lat", "2"]),
    ("bench-short", "firmware/bench/bench-short.elf", []),
    ("demo", "firmware/demo/demo.elf", "DEMO"),
    # the other --patch-at triggers, and one that never comes (its warning)
    ("demo-triggers", "firmware/demo/demo.elf",
     ["--patch-at", "callid=21:0x10003:respond_v2", "--patch-at",
      "entry=checksum_v2:0x10001:parse_v1", "--patch-at", "99000000:0x10003:respond_v1"]),
    ("cmpbench", "firmware/cmpbench/cmpbench.elf", []),
    ("cmpbench-l2", "firmware/cmpbench/cmpbench-l2.elf", ["--ctlb-levels", "10,10"]),
    ("cmpbench-l1", "firmware/cmpbench/cmpbench-l1.elf", ["--ctlb-levels", "10"]),
    ("replay-hand", "firmware/replay/replay-hand.elf", []),
    ("replay-phases", "firmware/replay/replay-phases.elf", []),
    ("replay-lua-objects", "firmware/replay/replay-lua-objects.elf", []),
    ("replay-spread", "firmware/replay/replay-spread.elf", []),
    ("ctrt-lazy", "firmware/ctrt/ctrt-lazy.elf", ["--walk-cache", "4"]),
    ("ctrt-nohandler", "firmware/ctrt/ctrt-nohandler.elf", []),
    ("trapdemo-unhandled", "firmware/trapdemo/trapdemo-unhandled.elf", []),
    ("bench-short-maxcycles", "firmware/bench/bench-short.elf", ["--max-cycles", "20000"]),
]


def case_args(name, rel, extra):
    elf = need(BUILD / rel, "all")
    if extra == "DEMO":
        extra = demo_patch_args()
        if extra is None:
            pytest.fail("firmware/demo/program.mk has no DEMO_PATCH: update demo_patch_args()")
    return [*extra, elf]


def strip_host(obj):
    """The JSON without host-time fields (none today; future-proof)."""
    if isinstance(obj, dict):
        return {k: strip_host(v) for k, v in obj.items() if not k.startswith("host")}
    if isinstance(obj, list):
        return [strip_host(v) for v in obj]
    return obj


def compare(tmp_path, args, env_extra=None, what=""):
    need(CTSIM, "build/ctsim")
    need(CTSIM_SC, "build/ctsim-sc")
    ja, jb = tmp_path / "native.json", tmp_path / "sc.json"
    a = run(CTSIM, ["--stats-json", ja, *args])
    b = run(CTSIM_SC, ["--stats-json", jb, *args], env_extra)
    assert a.returncode == b.returncode, f"{what}: exit {a.returncode} vs {b.returncode}\n{b.stderr}"
    assert a.stdout == b.stdout, f"{what}: console output differs"
    assert strip_build_notes(a.stderr).replace(str(ja), "J") == \
        strip_build_notes(b.stderr).replace(str(jb), "J"), \
        f"{what}: summary differs:\n--- ctsim\n{a.stderr}\n--- ctsim-sc\n{b.stderr}"
    na = strip_host(json.loads(ja.read_text()))
    nb = strip_host(json.loads(jb.read_text()))
    assert set(na) == set(nb), f"{what}: JSON keys differ"
    for k in na:
        if isinstance(na[k], dict):
            for f in na[k]:
                assert na[k][f] == nb[k].get(f), f"{what}: JSON {k}.{f}: {na[k][f]} vs {nb[k].get(f)}"
        assert na[k] == nb[k], f"{what}: JSON field {k}: {na[k]} vs {nb[k]}"
    return na, a


# ------------------------------------------------------------ identical runs

@pytest.mark.parametrize("backend", ["c", "rtl"])
@pytest.mark.parametrize("name,rel,extra", CASES, ids=[c[0] for c in CASES])
def test_identical(tmp_path, backend, name, rel, extra):
    args = case_args(name, rel, extra)
    stats, _ = compare(tmp_path, ["--xlat", backend, *args], what=f"{name} --xlat {backend}")
    assert stats["cycles"] > 0 and stats["instructions"] > 0


@pytest.mark.parametrize("quantum", ["1", "3", "97"])
def test_quantum_does_not_matter(tmp_path, quantum):
    """Tiny quanta make the CPU thread pause between almost every
    instruction (and inside walks' stalls): still identical."""
    elf = need(BUILD / "cycles" / "callid_mix.elf", "all")
    compare(tmp_path, ["--xlat", "c", "--dmem-lat", "2", "--lockstep", elf],
            {"CTSIM_SC_QUANTUM": quantum}, what=f"quantum {quantum}")
    if quantum == "97":
        demo = need(BUILD / "firmware" / "demo" / "demo.elf", "all")
        patch = demo_patch_args()
        assert patch, "firmware/demo/program.mk has no DEMO_PATCH: update demo_patch_args()"
        compare(tmp_path, ["--xlat", "c", *patch, demo],
                {"CTSIM_SC_QUANTUM": quantum}, what="demo quantum 97")
    if quantum == "1":
        demo = need(BUILD / "firmware" / "demo" / "demo.elf", "all")
        compare(tmp_path, ["--xlat", "c", "--patch-at", "entry=checksum_v2:0x10003:respond_v2",
                           "--patch-at", "callid=3:0x10001:parse_v1", demo],
                {"CTSIM_SC_QUANTUM": quantum}, what="demo triggers quantum 1")


def test_logs_and_traces_identical(tmp_path):
    elf = need(BUILD / "cycles" / "callid_mix.elf", "all")
    outs = {}
    for prog in (CTSIM, CTSIM_SC):
        d = tmp_path / prog.name
        d.mkdir()
        r = run(prog, ["-q", "--xlat", "c", "--log-commits", d / "log.txt",
                       "--record-trace", d / "t.ct", elf])
        assert r.returncode == 0, r.stderr
        outs[prog.name] = ((d / "log.txt").read_bytes(), (d / "t.ct").read_bytes())
    assert outs["ctsim"][0] == outs["ctsim-sc"][0], "commit logs differ"
    assert outs["ctsim"][1] == outs["ctsim-sc"][1], "recorded traces differ"
    assert len(outs["ctsim"][0].splitlines()) > 100


def test_hand_counted_cycles(tmp_path):
    """docs/timing.md via tests/sim_helpers.py: n one-cycle instructions
    without stalls in program()'s wrapper run n + 4 instructions in n + 8
    cycles."""
    elf = program(tmp_path, "  nop\n" * 10)
    r = run(need(CTSIM_SC, "build/ctsim-sc"), ["--stats-json", "-", "-q", elf])
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stderr)
    assert st["instructions"] == 14
    assert st["cycles"] == 18


def test_walker_reads_go_over_tlm(tmp_path):
    """Every walk read of the accelerator module is a b_transport to the
    memory module, and SystemC time ends at the cycle count (1 ns/cycle)."""
    elf = need(BUILD / "cycles" / "callid_mix.elf", "all")
    for lat in ("1", "4"):
        r = run(CTSIM_SC, ["--host-stats", "--stats-json", "-", "-q", "--xlat", "c",
                           "--dmem-lat", lat, elf], {"CTSIM_SC_QUANTUM": "50"})
        assert r.returncode == 0, r.stderr
        text = r.stderr
        st = json.loads(text[text.index("{"):text.rindex("}") + 1])
        m = re.search(r"SystemC time (\d+) ns, (\d+) CPU synchronisations \(quantum 50 "
                      r"cycles\), (\d+) walker reads over TLM \((\d+) memory transactions\)",
                      text)
        assert m, text
        assert int(m.group(1)) == st["cycles"]
        assert int(m.group(2)) >= st["cycles"] // 50 - 1
        assert int(m.group(3)) == st["ctlb"]["mem_reads"] > 0
        assert int(m.group(4)) == st["ctlb"]["mem_reads"]


# ------------------------------------------------------------ bad input

def bad_cases(tmp_path):
    junk = tmp_path / "junk.elf"
    junk.write_text("not an elf\n")
    hello = BUILD / "cycles" / "hello.elf"
    return [
        [tmp_path / "missing.elf"],
        [junk],
        [tmp_path],
        ["--bogus", hello],
        ["--ram"],
        ["--ram", "5K", hello],
        ["--xlat", "vhdl", hello],
        ["--ctlb-entries", "3", hello],
        ["--ctlb-ways", "8", "--ctlb-entries", "4", hello],
        ["--ctlb-levels", "12,10,11", hello],
        ["--dmem-lat", "0", hello],
        ["--patch-at", "10:1:no_such_symbol", hello],
        ["--patch-at", "garbage", hello],
        ["--stats-json", tmp_path / "no" / "dir.json", hello],
        [],
        [hello, hello],
    ]


def test_bad_input_same_errors(tmp_path):
    need(CTSIM, "build/ctsim")
    need(CTSIM_SC, "build/ctsim-sc")
    for args in bad_cases(tmp_path):
        a = run(CTSIM, args)
        b = run(CTSIM_SC, args)
        assert a.returncode == 2, (args, a.stderr)
        assert (b.returncode, b.stdout, b.stderr) == (a.returncode, a.stdout, a.stderr), args
        assert len(b.stderr.strip().splitlines()) == 1, (args, b.stderr)
        assert b.stderr.startswith("ctsim: error: "), (args, b.stderr)
    assert not list(tmp_path.glob("**/*.tmp.*")), "half-written output left behind"


def test_bad_quantum(tmp_path):
    hello = need(BUILD / "cycles" / "hello.elf", "all")
    for q in ("0x10", "016"):   # the number rule of the options: 16 both
        r = run(CTSIM_SC, [hello], {"CTSIM_SC_QUANTUM": q})
        assert r.returncode == 0, (q, r.stderr)
    for q in ("0", "-1", "x", "", "4294967297", " 5", "1_0"):
        r = run(CTSIM_SC, [hello], {"CTSIM_SC_QUANTUM": q})
        assert r.returncode == 2, (q, r.stderr)
        assert r.stderr.strip().splitlines() == [
            f"ctsim: error: CTSIM_SC_QUANTUM: '{q}' is not a number in 1..4294967296"]
        assert r.stdout == ""


def test_help_and_version():
    a = run(need(CTSIM, "build/ctsim"), ["--help"])
    b = run(need(CTSIM_SC, "build/ctsim-sc"), ["--help"])
    assert a.returncode == b.returncode == 0
    opts_a = set(re.findall(r"--[a-z-]+", a.stdout))
    opts_b = set(re.findall(r"--[a-z-]+", b.stdout))
    assert opts_a and opts_a <= opts_b
    assert b.stdout.startswith("usage: ctsim-sc [options] PROGRAM.elf\n")
    assert "CTSIM_SC_QUANTUM" in b.stdout and "docs/systemc.md" in b.stdout
    v = run(CTSIM_SC, ["--version"])
    assert v.returncode == 0 and v.stdout.startswith("ctsim-sc ")


# ------------------------------------------------------------ embedding example

# Worked by hand from docs/accelerator.md (section 4, "Cycle cost"): default
# geometry 12/10/10, memory latency L = 2, so a walk reading m levels answers
# at cycle m(1+L) + 1 after the request cycle: 3 levels -> 11 cycles with the
# request cycle, a root-level leaf or a fault at the root -> 1 read, 5 cycles;
# a hit answers in the request cycle (1). Invalidate and flush: 1 cycle each.
# Counters (section 8): lookups 9, hits 2 (the 2nd lookup of 5, 7 after the
# invalidate of 5), misses 7, faults 2 (never cached), invalidations 2,
# mem_reads 3+3+1+1+1+3+1 = 13, walk_cycles = sum of (cycles - 1) over the
# misses = 10+10+4+4+4+10+4 = 46. Time: 11+1+11+5+5+5+1+11+1+1+5 = 57 cycles
# of 1 ns. The memory saw the 13 walk reads (the table was loaded by debug
# transport).
EXPECTED_EMBED = """\
lookup 0x00000005: miss addr 0x80010000 fault 0 cycles 11
lookup 0x00000005: hit  addr 0x80010000 fault 0 cycles 1
lookup 0x00000007: miss addr 0x80010100 fault 0 cycles 11
lookup 0x00200123: miss addr 0x80020000 fault 0 cycles 5
lookup 0x00100000: miss addr 0x00000000 fault 1 cycles 5
lookup 0x00100000: miss addr 0x00000000 fault 1 cycles 5
invalidate 0x00000005
lookup 0x00000005: miss addr 0x80010000 fault 0 cycles 11
lookup 0x00000007: hit  addr 0x80010100 fault 0 cycles 1
flush
lookup 0x00200123: miss addr 0x80020000 fault 0 cycles 5
lookups 9 hits 2 misses 7 faults 2 invalidations 2 mem_reads 13 walk_cycles 46
time 57 ns
memory transactions 13
"""


@pytest.mark.parametrize("backend", ["c", "rtl"])
def test_example_embed(backend):
    r = run(need(EXAMPLE, "build/sc-example-embed"), [backend])
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert r.stdout == EXPECTED_EMBED


def test_example_embed_bad_argument():
    r = run(need(EXAMPLE, "build/sc-example-embed"), ["vhdl"])
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "sc-example-embed: error: 'vhdl' is not a backend (usage: sc-example-embed [c|rtl])"]
    assert r.stdout == ""


def test_docs_example_matches_source():
    """docs/systemc.md quotes the example's output: it must be this one."""
    doc = (ROOT / "docs" / "systemc.md").read_text()
    assert EXPECTED_EMBED.strip() in doc


def test_docs_commands_run():
    """Every command of docs/systemc.md's first sh block runs (make lines
    excepted: `make test` has built everything)."""
    doc = (ROOT / "docs" / "systemc.md").read_text()
    block = re.search(r"```sh\n(.*?)```", doc, re.S).group(1)
    cmds = [c for c in block.splitlines() if c.strip() and not c.startswith("make ")]
    assert len(cmds) >= 4
    for c in cmds:
        r = subprocess.run(c, shell=True, cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, f"{c}: {r.stderr}"


def test_docs_excerpt_is_from_the_example():
    doc = (ROOT / "docs" / "systemc.md").read_text()
    src = (ROOT / "sim" / "sc" / "example_embed.cpp").read_text()
    src_lines = {ln.strip() for ln in src.splitlines()}
    excerpt = re.search(r"Its essential lines:\n\n```cpp\n(.*?)```", doc, re.S).group(1)
    for ln in excerpt.splitlines():
        if ln.strip().startswith("// in bench::run()"):
            continue  # the excerpt's own note
        assert ln.strip() in src_lines, f"not in example_embed.cpp: {ln!r}"


@pytest.mark.parametrize("quantum", [None, "97"])
def test_several_harts_identical(tmp_path, quantum):
    """--harts 4 on the smp demo (docs/platform.md): ctsim-sc's run of the
    platform's schedule gives ctsim's output."""
    elf = need(BUILD / "firmware" / "smp" / "smp.elf", "all")
    env = {"CTSIM_SC_QUANTUM": quantum} if quantum else None
    compare(tmp_path, ["--harts", "4", elf], env, what=f"--harts 4 quantum {quantum}")


@pytest.mark.parametrize("quantum", [None, "97"])
def test_shared_ctlb_identical(tmp_path, quantum):
    """--harts 4 --ctlb-shared on the shootdown demo (docs/platform.md "A
    shared CTLB"): ctsim-sc gives ctsim's output, parked lookups included."""
    elf = need(BUILD / "firmware" / "shootdown" / "sdtest-both.elf", "all")
    env = {"CTSIM_SC_QUANTUM": quantum} if quantum else None
    compare(tmp_path, ["--harts", "4", "--quantum", "1", "--ctlb-shared", "--xlat", "c",
                       elf], env, what=f"--ctlb-shared quantum {quantum}")
