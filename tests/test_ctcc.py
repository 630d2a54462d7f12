"""scripts/ctcc (docs/ctcc.md): every direct call of a C program lowered to
callid, a jump table, a flat table or a trampoline.

Expected values come from elsewhere: the program's output from the same
sources built by the host's gcc and run natively, the costs of the call
sequences from docs/comparison.md's derivations by hand (timing.md), the
absence of direct calls from the objects' relocations (objdump)."""
import json
import os
import re
import shutil
import subprocess

import pytest

from fw_helpers import BUILD, ROOT, run_ctsim, run_qemu

CTCC = BUILD / "ctcc"
SRC = ROOT / "tests" / "ctcc"
CONFIG = BUILD / "sdk" / "bin" / "ctsim-config"
MODES = ("direct", "callid", "jumptable", "flat", "trampoline")
CROSS = "riscv64-unknown-elf-"


def sdk_flags(what):
    if not CONFIG.exists():
        pytest.fail("build/sdk is missing: run `make sdk`")
    r = subprocess.run([str(CONFIG), what], capture_output=True, text=True, check=True)
    return r.stdout.split()


def ctcc(*args, cwd=None, check=True):
    r = subprocess.run([str(CTCC), *map(str, args)], capture_output=True, text=True,
                       timeout=300, cwd=cwd)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def build(tmp, mode, srcs, *ct, name="p", compile_only_flags=()):
    """Compiles each source with ctcc (-c), links them; returns the ELF."""
    objs = []
    for s in srcs:
        o = tmp / f"{name}-{mode}-{s.stem}.o"
        ctcc(f"--ct-mode={mode}", *ct, *sdk_flags("--cflags"), "-O2", *compile_only_flags,
             "-c", s, "-o", o)
        objs.append(o)
    elf = tmp / f"{name}-{mode}.elf"
    ctcc(f"--ct-mode={mode}", *ct, *sdk_flags("--ldflags"), "-o", elf, *objs,
         *sdk_flags("--libs"))
    return elf


@pytest.fixture(scope="module")
def host_expected(tmp_path_factory):
    d = tmp_path_factory.mktemp("host")
    exe = d / "prog"
    subprocess.run(["gcc", "-O2", "-o", str(exe), str(SRC / "prog.c"), str(SRC / "other.c")],
                   check=True, capture_output=True)
    return subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("mode", MODES)
def test_mode_prints_what_the_host_build_prints(tmp_path, mode, host_expected):
    elf = build(tmp_path, mode, [SRC / "prog.c", SRC / "other.c"])
    r = run_ctsim(elf)
    assert r.returncode == 0, r.stderr
    assert r.stdout == host_expected
    if mode == "direct":
        q = run_qemu(elf)
        assert q.stdout.replace("\r\n", "\n") == host_expected


CALL_RELOCS = re.compile(r"R_RISCV_(CALL|CALL_PLT|JAL)\s+(\S+)")


def call_relocs(obj):
    r = subprocess.run([CROSS + "objdump", "-r", str(obj)], capture_output=True, text=True,
                       check=True)
    # .L labels: jumps inside a function (j .L3 is a jal x0), not calls
    return [m.group(2) for m in CALL_RELOCS.finditer(r.stdout) if not m.group(2).startswith(".L")]


@pytest.mark.parametrize("mode", MODES)
def test_no_direct_call_is_left(tmp_path, mode):
    """The objects' relocations: the direct build calls its functions with
    R_RISCV_CALL; callid, jumptable and flat have no call relocation at all,
    trampoline calls only its stubs."""
    o = tmp_path / "prog.o"
    ctcc(f"--ct-mode={mode}", *sdk_flags("--cflags"), "-O2", "-c", SRC / "prog.c", "-o", o)
    targets = call_relocs(o)
    if mode == "direct":
        assert {"printf", "qsort", "many", "longjmp"} <= set(targets)
    elif mode == "trampoline":
        assert targets and all(t.startswith("__cttr_") for t in targets), targets
    else:
        assert targets == []


# Cycles of one call sequence more than the direct `jal` (2 cycles), from
# docs/comparison.md's derivations (Ld = the data-memory latency):
#   callid hit: li 1 + callid 3 (= jalr)                       -> 2 more
#   a callid miss adds the walk: 3 levels x (1 + Ld) + 1         -> 7 (Ld 1), 13 (Ld 3)
#   flat: lw (1 + Ld) + jalr 3                                   -> 2 + Ld more
#   jumptable: lui 1 + lw (1 + Ld) + jalr 3                      -> 3 + Ld more
#   trampoline: jal 2 + lui 1 + lw (1 + Ld) + jr 3               -> 5 + Ld more
CALLS = 100


def extra_cycles(mode, ld):
    return {"direct": 0,
            "callid": 2 * CALLS + 3 * (1 + ld) + 1,
            "flat": (2 + ld) * CALLS,
            "jumptable": (3 + ld) * CALLS,
            "trampoline": (5 + ld) * CALLS}[mode]


@pytest.fixture(scope="module")
def loop_elfs(tmp_path_factory):
    d = tmp_path_factory.mktemp("loop")
    return {m: build(d, m, [SRC / "loop.c", SRC / "leaf.c"], name="loop") for m in MODES}


def roi_cycles(elf, tmp, *args):
    js = tmp / (elf.stem + ".json")
    r = run_ctsim(elf, "--stats-json", str(js), *args)
    assert r.returncode == 0, r.stderr
    d = json.loads(js.read_text())
    (reg,) = [x for x in d["regions"] if x["name"] == "loop"]
    return reg["cycles"], d, r.stdout


@pytest.mark.parametrize("ld", [1, 3])
def test_call_sequence_costs(loop_elfs, tmp_path, ld):
    base, _, out0 = roi_cycles(loop_elfs["direct"], tmp_path, "--dmem-lat", str(ld))
    for mode in MODES[1:]:
        cyc, d, out = roi_cycles(loop_elfs[mode], tmp_path, "--dmem-lat", str(ld))
        assert out == out0
        assert cyc - base == extra_cycles(mode, ld), mode


def test_lazy_binding_faults_once_per_function(tmp_path):
    """Lazy: an empty table; the first call of each ID faults and is bound.
    The program calls two functions by ID (leaf and printf): two faults."""
    elf = build(tmp_path, "callid", [SRC / "loop.c", SRC / "leaf.c"], "--ct-bind=lazy")
    js = tmp_path / "lazy.json"
    r = run_ctsim(elf, "--stats-json", str(js))
    assert r.returncode == 0, r.stderr
    assert r.stdout == run_ctsim(build(tmp_path, "direct", [SRC / "loop.c", SRC / "leaf.c"])).stdout
    d = json.loads(js.read_text())
    assert d["ctlb"]["faults"] == 2


def test_patch_from_inside(tmp_path):
    for mode in MODES:
        r = run_ctsim(build(tmp_path, mode, [SRC / "patch.c"], name="patch"))
        assert r.returncode == 0, r.stderr
        if mode == "direct":  # nothing to patch: the call stays
            assert r.stdout == "old greet\nmode direct patched no\nold greet\nnew greet\n"
        else:
            assert r.stdout == (f"old greet\nmode {mode} patched yes\nnew greet\nnew greet\n")


def read_map(path):
    out = {}
    for ln in path.read_text().splitlines():
        if ln and not ln.startswith("#"):
            i, name = ln.split()
            out[name] = int(i, 16)
    return out


def test_id_map_keeps_ids(tmp_path):
    v1 = tmp_path / "v1.c"
    v1.write_text("#include <stdio.h>\n#include \"ctcc.h\"\n"
                  "__attribute__((noinline)) int a(int x) { return x + 1; }\n"
                  "__attribute__((noinline)) int b(int x) { return x + 2; }\n"
                  "__attribute__((noinline)) int c(int x) { return x + 3; }\n"
                  "int main(void) { printf(\"%d\\n\", a(1) + b(2) + c(3)); return 0; }\n")
    m = tmp_path / "prog.idmap"
    build(tmp_path, "callid", [v1], f"--ct-map={m}", name="v1")
    first = read_map(m)
    assert set(first) == {"a", "b", "c", "printf"}
    assert sorted(first.values()) == [1, 2, 3, 4]
    v2 = tmp_path / "v2.c"  # b gone, d and e new; IDs printed by the program
    v2.write_text("#include <stdio.h>\n#include \"ctcc.h\"\n"
                  "__attribute__((noinline)) int a(int x) { return x + 1; }\n"
                  "__attribute__((noinline)) int e(int x) { return x + 5; }\n"
                  "__attribute__((noinline)) int c(int x) { return x + 3; }\n"
                  "__attribute__((noinline)) int d(int x) { return x + 4; }\n"
                  "int main(void) { printf(\"%d %lu %lu %lu %lu\\n\", a(1) + c(3) + d(4) + e(5),\n"
                  "  (unsigned long)CTCC_ID(a), (unsigned long)CTCC_ID(c), (unsigned long)CTCC_ID(d),\n"
                  "  (unsigned long)CTCC_ID(e)); return 0; }\n")
    elf = build(tmp_path, "callid", [v2], f"--ct-map={m}", name="v2")
    second = read_map(m)
    for k in first:
        assert second[k] == first[k], k  # kept, b included
    assert second["d"] == 5 and second["e"] == 6  # new ones after the largest, by name
    r = run_ctsim(elf)
    assert r.stdout.split() == ["26", str(first["a"]), str(first["c"]), "5", "6"]


def test_geometry_option(tmp_path):
    elf = build(tmp_path, "callid", [SRC / "loop.c", SRC / "leaf.c"], "--ctlb-levels=10,10")
    r = run_ctsim(elf, "--ctlb-levels", "10,10")
    assert r.returncode == 0 and r.stdout == "3067354553\n"  # acc = 3 acc + 1, 100 times, mod 2^32
    raw = subprocess.run([CROSS + "readelf", "-x", ".ct_geometry", str(elf)], capture_output=True,
                         text=True, check=True).stdout
    assert "43544745 01020a0a" in raw  # "CTGE", version 1, 2 levels, 10, 10


def test_geometry_mismatch_is_refused_at_start(tmp_path):
    elf = build(tmp_path, "callid", [SRC / "loop.c", SRC / "leaf.c"], "--ctlb-levels=10,10")
    r = run_ctsim(elf)  # default 12,10,10
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip().splitlines()[-1].endswith(
        "was built for --ctlb-levels 10,10 (its .ct_geometry section), not 12,10,10")


def test_ctsim_names_functions_as_the_map_does(tmp_path):
    """ctsim names IDs from the ELF (registry + symbols); ctcc wrote the map
    from its own bookkeeping: the two must agree, static functions included."""
    m = tmp_path / "p.idmap"
    elf = build(tmp_path, "callid", [SRC / "prog.c", SRC / "other.c"], f"--ct-map={m}")
    js = tmp_path / "p.json"
    assert run_ctsim(elf, "--stats-json", str(js)).returncode == 0
    named = {f["name"]: f["id"] for f in json.loads(js.read_text())["functions"]}
    ids = read_map(m)
    assert named and all(ids[n] == i for n, i in named.items())
    assert {"helper@prog.c", "helper@other.c", "printf"} <= set(named)


def test_patch_from_outside_by_name(tmp_path):
    """--patch-at with the ID given by its function name (the ct_registry's):
    the 51st call of leaf reaches leaf2; ctsim reports the switch."""
    objs = []
    for src in ("loop.c", "leaf.c", "leaf2.c"):
        o = tmp_path / (src[:-2] + ".o")
        ctcc(*sdk_flags("--cflags"), "-O2", "-c", SRC / src, "-o", o)
        objs.append(o)
    elf = tmp_path / "patchme.elf"
    ctcc(*sdk_flags("--ldflags"), "-Wl,--undefined=leaf2", "-o", elf, *objs,
         *sdk_flags("--libs"))
    js = tmp_path / "p.json"
    r = run_ctsim(elf, "--patch-at", "callid=51:leaf:leaf2", "--stats-json", str(js))
    assert r.returncode == 0, r.stderr
    acc = 1
    for i in range(100):
        acc = (acc * (3 if i < 50 else 5) + 1) % 2**32
    assert r.stdout == f"{acc}\n"
    (sw,) = json.loads(js.read_text())["switches"]
    assert (sw["from_name"], sw["to_name"]) == ("leaf", "leaf2")
    # applied just before the 51st call enters EX, which then walks 3 levels
    # at latency 1: 3 x (1 + 1) + 1 = 7 cycles (accelerator.md section 4)
    assert sw["call_cycle"] == sw["inv_cycle"] and sw["walk_cycles"] == 7
    bad = run_ctsim(elf, "--patch-at", "callid=1:nosuch:leaf2")
    assert bad.returncode == 2 and "no function 'nosuch' in the ct_registry" in bad.stderr


def test_expected_loop_value():
    acc = 1
    for _ in range(100):
        acc = (3 * acc + 1) % 2**32
    assert acc == 3067354553


def test_asm_output_and_dependencies(tmp_path):
    s = tmp_path / "leaf.s"
    ctcc("--ct-mode=callid", *sdk_flags("--cflags"), "-O2", "-S", SRC / "loop.c", "-o", s)
    text = s.read_text()
    assert ".insn r CUSTOM_0, 0, 0, ra, t0, x0" in text and "call\tleaf" not in text
    o = tmp_path / "obj" / "loop.o"
    o.parent.mkdir()
    ctcc("--ct-mode=callid", *sdk_flags("--cflags"), "-O2", "-MMD", "-c", SRC / "loop.c", "-o", o)
    dep = (tmp_path / "obj" / "loop.d").read_text()
    assert dep.startswith(f"{o}:") and "roi.h" in dep


def test_dropin_makefile(tmp_path):
    """CC=ctcc in an ordinary Makefile: compile and link steps."""
    for f in ("loop.c", "leaf.c"):
        shutil.copy(SRC / f, tmp_path / f)
    cflags = " ".join(sdk_flags("--cflags"))
    (tmp_path / "Makefile").write_text(
        f"CC = {CTCC} --ct-mode=jumptable\nCFLAGS = {cflags} -O2 -MMD\n"
        f"LDFLAGS = {' '.join(sdk_flags('--ldflags'))}\nLDLIBS = {' '.join(sdk_flags('--libs'))}\n"
        "loop.elf: loop.o leaf.o\n\t$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)\n-include *.d\n")
    r = subprocess.run(["make", "-s"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert run_ctsim(tmp_path / "loop.elf").stdout == "3067354553\n"
    assert (tmp_path / "loop.idmap").exists()
    assert subprocess.run(["make", "-q"], cwd=tmp_path).returncode == 0  # up to date


# ------------------------------------------------------------------ bad input

def link_fails(tmp, srcs, *ct, mode="callid"):
    objs = []
    for s in srcs:
        o = tmp / (s.stem + ".o")
        r = ctcc(f"--ct-mode={mode}", *ct, *sdk_flags("--cflags"), "-O2", "-c", s, "-o", o,
                 check=False)
        if r.returncode:
            return r
        objs.append(o)
    out = tmp / "bad.elf"
    r = ctcc(f"--ct-mode={mode}", *ct, *sdk_flags("--ldflags"), "-o", out, *objs,
             *sdk_flags("--libs"), check=False)
    assert r.returncode != 0
    assert not out.exists() and not list(tmp.glob("bad.elf.tmp*"))
    return r


def one_error(r, *words):
    lines = [ln for ln in r.stderr.splitlines() if "error" in ln]
    assert lines, r.stderr
    for w in words:
        assert w in lines[0], r.stderr


def test_bad_options(tmp_path):
    one_error(ctcc("--ct-mode=fast", "-c", "x.c", check=False), "--ct-mode", "fast")
    one_error(ctcc("--ct-bind=lazy", "--ct-mode=flat", "-c", "x.c", check=False), "lazy")
    one_error(ctcc("--ctlb-levels=40", "-c", "x.c", check=False), "--ctlb-levels")
    one_error(ctcc("--ct-frobnicate", "-c", "x.c", check=False), "--ct-frobnicate")
    one_error(ctcc("-flto", "-c", "x.c", check=False), "-flto")


@pytest.mark.parametrize("text,words", [
    ("0x1 leaf\nbogus\n", [":2:", "expected"]),
    ("0x1 leaf\n0x2 leaf\n", [":2:", "'leaf'", "twice"]),
    ("0x1 leaf\n0x1 printf\n", [":2:", "0x1", "'printf'"]),
    ("0x1zz leaf\n", [":1:", "0x1zz"]),
])
def test_bad_map(tmp_path, text, words):
    m = tmp_path / "bad.idmap"
    m.write_text(text)
    one_error(link_fails(tmp_path, [SRC / "loop.c", SRC / "leaf.c"], f"--ct-map={m}"),
              "bad.idmap", *words)


def test_map_id_too_wide_for_geometry(tmp_path):
    m = tmp_path / "wide.idmap"
    m.write_text("0x400 leaf\n")
    one_error(link_fails(tmp_path, [SRC / "loop.c", SRC / "leaf.c"], f"--ct-map={m}",
                         "--ctlb-levels=10"), "'leaf'", "0x400", "--ctlb-levels 10")


def test_more_functions_than_the_geometry_holds(tmp_path):
    one_error(link_fails(tmp_path, [SRC / "prog.c", SRC / "other.c"], "--ctlb-levels=3"),
              "functions", "--ctlb-levels 3", "7 IDs")


def test_flat_table_limit(tmp_path):
    src = tmp_path / "many.c"
    n = 1100
    src.write_text("".join(f"__attribute__((noinline)) int f{i}(int x) {{ return x + {i}; }}\n"
                           for i in range(n)) +
                   "int main(void) { int s = 0;\n" +
                   "".join(f"  s = f{i}(s);\n" for i in range(n)) + "  return s & 1; }\n")
    one_error(link_fails(tmp_path, [src], mode="flat"), "flat", "1100", "1024")


def test_weak_undefined_function(tmp_path):
    src = tmp_path / "weak.c"
    src.write_text("extern void maybe(void) __attribute__((weak));\n"
                   "int main(void) { if (maybe) maybe(); return 0; }\n")
    one_error(link_fails(tmp_path, [src]), "'maybe'", "weak")
    elf = build(tmp_path, "direct", [src], name="weak")  # a plain call links (to 0, never taken)
    assert run_ctsim(elf).returncode == 0


def test_assembly_label_without_function_type(tmp_path):
    s = tmp_path / "asmfn.S"
    s.write_text("  .text\n  .globl asmfn\nasmfn:\n  addi a0, a0, 1\n  ret\n")
    c = tmp_path / "use.c"
    c.write_text("int asmfn(int);\nint main(void) { return asmfn(-1); }\n")
    one_error(link_fails(tmp_path, [c, s]), "'asmfn'", "not a function")
    ok = tmp_path / "asmok.S"  # with .type it is a function: fine
    ok.write_text("  .text\n  .globl asmfn\n  .type asmfn, @function\nasmfn:\n  addi a0, a0, 1\n"
                  "  ret\n")
    elf = build(tmp_path, "callid", [c, ok], name="asmok")
    assert run_ctsim(elf).returncode == 0


def test_missing_function(tmp_path):
    c = tmp_path / "miss.c"
    c.write_text("int nosuch(int);\nint main(void) { return nosuch(1); }\n")
    r = link_fails(tmp_path, [c])
    assert "nosuch" in r.stderr


def test_keep_leaves_calls_direct(tmp_path):
    o = tmp_path / "loop.o"
    ctcc("--ct-mode=callid", "--ct-keep=printf", *sdk_flags("--cflags"), "-O2", "-c",
         SRC / "loop.c", "-o", o)
    assert call_relocs(o) == ["printf"]


def test_help():
    r = ctcc("--ct-help")
    assert "--ct-mode" in r.stdout and "--ct-map" in r.stdout and "--ctlb-levels" in r.stdout
    assert os.access(CTCC, os.X_OK)
