"""Patch modules (docs/patching.md): scripts/ctpatch-build, the firmware's
loader (firmware/common/ctpatch.c) and ctsim --load-patch, on the test program
firmware/ctpatch. The expected lines come from host gcc builds of each version
of the sources (-DHOST: no loader), so the run must print version 1's lines up
to the loader's report and version 2's from there on; the bad modules are
made here by editing good ones (their checksums recomputed by this file's own
implementation of the sums of docs/patching.md)."""
import json
import os
import re
import shutil
import struct
import subprocess
import sys

import pytest

from fw_helpers import BUILD, CTSIM, FW, ROOT, run_ctsim

SRC = ROOT / "firmware" / "ctpatch"
OUT = FW / "ctpatch"
BUILDER = ROOT / "scripts" / "ctpatch-build"
STEPS = 40
STEP_RE = re.compile(r"^step \d+:")
REPORT_RE = re.compile(r"^ctpatch: ")


def need(p):
    if not p.exists():
        pytest.fail(f"{p} is missing: run `make firmware`")
    return p


def variant(name):
    return need(OUT / name / "prog.elf")


def module(var, name):
    return need(OUT / var / f"{name}.ctp")


@pytest.fixture(scope="module")
def host_lines(tmp_path_factory):
    """{version: [step lines]} from host gcc builds of the source trees."""
    tmp = tmp_path_factory.mktemp("host")
    out = {}
    for ver, layers in {1: ["base"], 2: ["base", "v2"], 3: ["base", "v2", "v3"]}.items():
        tree = tmp / f"v{ver}"
        tree.mkdir()
        for layer in layers:
            for f in (SRC / layer).iterdir():
                shutil.copy(f, tree / f.name)
        exe = tmp / f"prog{ver}"
        subprocess.run(["gcc", "-O1", "-DHOST", f"-DSTEPS={STEPS}", "-o", str(exe),
                        *[str(tree / s) for s in ("calc.c", "ver.c", "main.c")]], check=True)
        text = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
        out[ver] = [ln for ln in text.splitlines() if STEP_RE.match(ln)]
        assert len(out[ver]) == STEPS
    assert out[1] != out[2] != out[3]
    return out


def loads(*pairs):
    args = []
    for cycle, path in pairs:
        args += ["--load-patch", f"{cycle}:{path}"]
    return args


def segments(stdout):
    """The step lines split at the loader's reports: ([lines...], [reports])."""
    segs, reports = [[]], []
    for ln in stdout.splitlines():
        if REPORT_RE.match(ln):
            reports.append(ln)
            segs.append([])
        elif STEP_RE.match(ln):
            segs[-1].append(ln)
    return segs, reports


def check_versions(stdout, host, versions):
    """The run's step lines are host version versions[k] between report k-1
    and report k; every segment but the last is nonempty, so each switch came
    while the program ran."""
    segs, reports = segments(stdout)
    assert len(segs) == len(versions), f"{len(reports)} reports: {reports}"
    at = 0
    for k, (seg, ver) in enumerate(zip(segs, versions)):
        assert seg == host[ver][at:at + len(seg)], f"segment {k} is not version {ver}"
        if k + 1 < len(segs):
            assert seg, f"report {k} came before any step of its segment"
        at += len(seg)
    assert at == STEPS
    return reports


def test_patch_switches_output(host_lines):
    r = run_ctsim(variant("plain"), *loads((100000, module("plain", "fix"))))
    assert r.returncode == 0, r.stderr
    rep = check_versions(r.stdout, host_lines, [1, 2])
    assert re.fullmatch(r"ctpatch: 'fix': applied 4 functions, \d+ cycles from arrival to "
                        r"switch: combo, scale, ver_a, ver_b", rep[0]), rep
    # the live counter of the base is the one the new scale increments: 2 calls a step
    assert r.stdout.splitlines()[-1] == f"calls {2 * STEPS}"
    assert "patches 1" in r.stdout
    assert re.search(r"ctsim: cycle \d+: --load-patch 100000:\S+fix.ctp: ctpatch: 'fix': applied",
                     r.stderr), r.stderr


def test_unpatch(host_lines):
    r = run_ctsim(variant("plain"), *loads((100000, module("plain", "fix")),
                                           (150000, module("plain", "revert-fix"))))
    assert r.returncode == 0, r.stderr
    rep = check_versions(r.stdout, host_lines, [1, 2, 1])
    assert re.fullmatch(r"ctpatch: 'fix': reverted, \d+ cycles from arrival to switch", rep[1])
    assert "patches 0" in r.stdout


def test_stack_then_revert_the_second(host_lines):
    r = run_ctsim(variant("plain"), *loads((100000, module("plain", "fix")),
                                           (150000, module("plain", "stack")),
                                           (200000, module("plain", "revert-stack"))))
    assert r.returncode == 0, r.stderr
    rep = check_versions(r.stdout, host_lines, [1, 2, 3, 2])
    assert re.fullmatch(r"ctpatch: 'stack': applied 2 functions, \d+ cycles from arrival to "
                        r"switch: combo, offset", rep[1]), rep
    assert "'stack': reverted" in rep[2]
    assert "patches 1" in r.stdout


def test_only_the_latest_patch_reverts(host_lines):
    r = run_ctsim(variant("plain"), *loads((100000, module("plain", "fix")),
                                           (150000, module("plain", "stack")),
                                           (200000, module("plain", "revert-fix"))))
    assert r.returncode == 0, r.stderr
    rep = check_versions(r.stdout, host_lines, [1, 2, 3, 3])
    assert rep[2] == ("ctpatch: refused 'fix': only the most recent patch ('stack') can be "
                      "reverted"), rep


@pytest.mark.parametrize("layout", ["", "leaves-", "wide-"],
                         ids=["one-leaf-page", "two-leaf-pages", "two-root-entries"])
@pytest.mark.parametrize("cycle", [30000, 112000, 120000])
def test_atomic_switch_under_timer_interrupts(cycle, layout):
    """ver_a and ver_b switch in one module; a timer interrupt every 211
    cycles calls both. Some ticks come while the loader works (busy), some
    after the switch (new), none sees one old and one new answer. The same
    program with the planted bug (ct_patch for one function after the other,
    as a naive loader would) is caught. Three delivery cycles: three steps
    of the program, three phases of the timer. Wide: ver_b's ID (0x100008,
    firmware/ctpatch/wide.idmap) under root entry 1, ver_a's (7) under entry
    0, so the loader switches two root entries through a copy of the root
    page. Leaves: ver_b's ID 0x408 (leaves.idmap) in the second leaf page,
    ver_a's in the first: one root entry switched over a copied level-1
    page."""
    if layout:
        ver_b = {"leaves-": "0x408", "wide-": "0x100008"}[layout]
        idmap = (OUT / f"{layout}tick" / "prog.idmap").read_text()
        assert "0x7 ver_a" in idmap and f"{ver_b} ver_b" in idmap
    counts = {}
    for var in (f"{layout}tick", f"{layout}broken"):
        r = run_ctsim(variant(var), *loads((cycle, module(var, "fix"))))
        assert r.returncode == 0, r.stderr
        m = re.search(r"^ticks (\d+) mixes (\d+) busy (\d+) new (\d+)$", r.stdout, re.M)
        assert m, r.stdout
        counts[var[len(layout):]] = tuple(map(int, m.groups()))
    ticks, mixes, busy, new = counts["tick"]
    assert busy > 10 and new > 10 and mixes == 0, counts
    assert counts["broken"][1] > 0, f"the planted bug went unnoticed: {counts}"


def test_two_root_entries_stack_and_revert(host_lines):
    """The wide variant: fix switches IDs under root entries 0 and 1 (combo,
    scale, ver_a; ver_b), stack two IDs under entry 0 (one entry of a
    level-1 page, on top of fix's copies); reverting both returns to version
    1, so the old values put back into the root page are exact."""
    var = "wide"
    r = run_ctsim(variant(var), *loads((100000, module(var, "fix")),
                                       (150000, module(var, "stack")),
                                       (200000, module(var, "revert-stack")),
                                       (250000, module(var, "revert-fix"))))
    assert r.returncode == 0, r.stderr
    rep = check_versions(r.stdout, host_lines, [1, 2, 3, 2, 1])
    assert re.fullmatch(r"ctpatch: 'fix': applied 4 functions, \d+ cycles from arrival to "
                        r"switch: combo, scale, ver_a, ver_b", rep[0]), rep
    assert "'fix': reverted" in rep[3]
    assert "patches 0" in r.stdout
    assert r.stdout.splitlines()[-1] == f"calls {2 * STEPS}"


# ------------------------------------------------------------------ bad modules

def elf_sections(b):
    shoff, = struct.unpack_from("<I", b, 32)
    shnum, shstrndx = struct.unpack_from("<HH", b, 48)
    hdrs = [list(struct.unpack_from("<10I", b, shoff + 40 * i)) for i in range(shnum)]
    strs = hdrs[shstrndx]
    names = [b[strs[4] + h[0]:b.index(b"\0", strs[4] + h[0])].decode() for h in hdrs]
    return shoff, hdrs, names


def reseal(b):
    """docs/patching.md: two running 32-bit sums over the module's words, the
    two checksum words (.ctpatch offsets 36 and 40) counted as zero."""
    b = bytearray(b)
    _, hdrs, names = elf_sections(b)
    meta = hdrs[names.index(".ctpatch")][4]
    b[meta + 36:meta + 44] = bytes(8)
    a = s = 0
    for i in range(0, len(b), 4):
        a = (a + int.from_bytes(b[i:i + 4], "little")) % 2**32
        s = (s + a) % 2**32
    b[meta + 36:meta + 44] = struct.pack("<II", a, s)
    return bytes(b)


def edited(tmp_path, var, name, edit):
    b = bytearray(module(var, name).read_bytes())
    b = edit(b) or b
    p = tmp_path / f"bad-{name}.ctp"
    p.write_bytes(bytes(b))
    return p


def refused_then_good(tmp_path, host, bad, why, var="plain", extra=()):
    """The bad module is refused with `why`, nothing changes (version 1 lines
    go on), and the good module after it still applies (no memory lost)."""
    r = run_ctsim(variant(var), *extra, *loads((100000, bad), (150000, module(var, "fix"))))
    assert r.returncode == 0, r.stderr
    rep = check_versions(r.stdout, host, [1, 1, 2])
    assert rep[0].startswith("ctpatch: refused") and why in rep[0], rep
    assert "'fix': applied" in rep[1]
    assert re.search(r"--load-patch 100000:\S+: ctpatch: refused", r.stderr), r.stderr
    return rep[0]


def test_wrong_base_refused(host_lines, tmp_path):
    refused_then_good(tmp_path, host_lines, module("tick", "fix"),
                      "'fix': built for another base image (build ID differs)")


def set_symbol_undefined(b, name):
    _, hdrs, names = elf_sections(b)
    sym, strtab = hdrs[names.index(".symtab")], hdrs[names.index(".strtab")]
    for k in range(sym[5] // 16):
        off = sym[4] + 16 * k
        nm = struct.unpack_from("<I", b, off)[0]
        if b[strtab[4] + nm:b.index(b"\0", strtab[4] + nm)] == name.encode():
            struct.pack_into("<H", b, off + 14, 0)  # st_shndx = SHN_UNDEF
            return reseal(b)
    raise AssertionError(f"no symbol {name}")


def test_unresolved_symbol_refused(host_lines, tmp_path):
    bad = edited(tmp_path, "plain", "fix", lambda b: set_symbol_undefined(b, "calls"))
    refused_then_good(tmp_path, host_lines, bad, "'fix': unresolved symbol 'calls'")


def test_unhandled_relocation_refused(host_lines, tmp_path):
    def edit(b):
        _, hdrs, names = elf_sections(b)
        rela = hdrs[names.index(".rela.text.scale")]
        b[rela[4] + 4] = 2  # the first entry's type: R_RISCV_64
        return reseal(b)
    refused_then_good(tmp_path, host_lines, edited(tmp_path, "plain", "fix", edit),
                      "'fix': relocation type 2 is not handled")


def test_truncated_and_corrupted_refused(host_lines, tmp_path):
    fix = module("plain", "fix").read_bytes()
    short = tmp_path / "short.ctp"
    short.write_bytes(fix[:len(fix) // 2 // 4 * 4])
    refused_then_good(tmp_path, host_lines, short, "ctpatch: refused module: truncated module")
    flipped = bytearray(fix)
    flipped[0x40] ^= 0x10  # a bit of the first function's code
    bad = tmp_path / "flipped.ctp"
    bad.write_bytes(bytes(flipped))
    refused_then_good(tmp_path, host_lines, bad,
                      "ctpatch: refused module: checksum mismatch (corrupted module)")
    odd = tmp_path / "odd.ctp"
    odd.write_bytes(fix + b"\0")
    refused_then_good(tmp_path, host_lines, odd, "module size is not a multiple of 4")


def test_too_large_refused(host_lines, tmp_path):
    big = tmp_path / "big.ctp"
    big.write_bytes(module("plain", "fix").read_bytes() + bytes(70000))
    refused_then_good(tmp_path, host_lines, big,
                      "ctpatch: refused module: 71168 bytes, 65536 free in the patch arena")

    def edit(b):  # a zeroed section of 1 MiB
        _, hdrs, names = elf_sections(b)
        i = names.index(".rodata.weights")
        shoff = struct.unpack_from("<I", b, 32)[0]
        struct.pack_into("<I", b, shoff + 40 * i + 4, 8)  # SHT_NOBITS
        struct.pack_into("<I", b, shoff + 40 * i + 20, 1 << 20)
        return reseal(b)
    # by hand: the four functions (0x40 + 0x20 + 8 + 8 bytes), the 1 MiB,
    # one 4 KiB table page (every ID below 1024: one last-level table);
    # free: the arena below the received module (8-byte aligned)
    need = 0x40 + 0x20 + 8 + 8 + (1 << 20) + 4096
    free = (65536 - len(module("plain", "fix").read_bytes())) & ~7
    refused_then_good(tmp_path, host_lines, edited(tmp_path, "plain", "fix", edit),
                      f"'fix': needs {need} bytes, {free} free in the patch arena")


def test_too_large_after_a_patch(host_lines, tmp_path):
    """The memory a module needs counts from the arena mark the first patch
    left: its four functions (112 bytes), weights (16 bytes) and its 4 KiB
    table page."""
    def edit(b):
        _, hdrs, names = elf_sections(b)
        i = names.index(".rodata.weights")
        shoff = struct.unpack_from("<I", b, 32)[0]
        struct.pack_into("<I", b, shoff + 40 * i + 4, 8)  # SHT_NOBITS
        struct.pack_into("<I", b, shoff + 40 * i + 20, 60000)
        return reseal(b)
    bad = edited(tmp_path, "plain", "fix", edit)
    r = run_ctsim(variant("plain"), *loads((100000, module("plain", "fix")), (150000, bad)))
    rep = check_versions(r.stdout, host_lines, [1, 2, 2])
    mark = 112 + 16 + 4096
    need = 112 + 60000 + 4096
    free = ((65536 - len(bad.read_bytes())) & ~7) - mark
    assert rep[1] == f"ctpatch: refused 'fix': needs {need} bytes, {free} free in the patch arena"


def set_id(b, k, value):
    """Entry k's ID (k = -1: the last)."""
    _, hdrs, names = elf_sections(b)
    meta = hdrs[names.index(".ctpatch")][4]
    n = struct.unpack_from("<I", b, meta + 8)[0]
    struct.pack_into("<I", b, meta + 76 + 12 * (k % n), value)
    return reseal(b)


def test_id_outside_the_table_refused(host_lines, tmp_path):
    bad = edited(tmp_path, "narrow", "fix", lambda b: set_id(b, -1, 1 << 20))
    refused_then_good(tmp_path, host_lines, bad, "'fix': ID 0x00100000 is outside the table",
                      var="narrow", extra=["--ctlb-levels", "10,10"])
    bad = edited(tmp_path, "plain", "fix", lambda b: set_id(b, 1, 1))  # the same as entry 0's
    refused_then_good(tmp_path, host_lines, bad,
                      "'fix': the .ctpatch entries are not in increasing ID order")


def test_loader_status_reaches_the_host(tmp_path):
    """A module delivered after the program's last poll is reported undelivered."""
    r = run_ctsim(variant("plain"), *loads((10**9, module("plain", "fix"))))
    assert r.returncode == 0
    assert re.search(r"ctsim: warning: --load-patch 1000000000:\S+ was not delivered: the "
                     r"program did not ask for it", r.stderr), r.stderr


def test_status_in_summary_and_json(tmp_path):
    """Every --load-patch is in --stats-json's "patches" (delivery order) and
    has a summary line: a corrupted module and one built for another base
    (both refused, status 3 = CTPATCH_REFUSED of ctpatch.h), a good one
    (applied, 1), a revert (2), one the program never asks for. The message
    is the loader's console line; the cycles are ordered as the protocol
    goes: the option's cycle, the FETCH, the STATUS."""
    fix = module("plain", "fix")
    flipped = bytearray(fix.read_bytes())
    flipped[0x40] ^= 0x10
    bad = tmp_path / "flipped.ctp"
    bad.write_bytes(bytes(flipped))
    other = module("tick", "fix")
    revert = module("plain", "revert-fix")
    js_path = tmp_path / "run.json"
    args = [*loads((100000, bad), (120000, other), (150000, fix), (200000, revert),
                   (10**9, fix)), "--stats-json", str(js_path)]
    r = subprocess.run([str(CTSIM), *args, str(variant("plain"))], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    reports = [ln for ln in r.stdout.splitlines() if REPORT_RE.match(ln)]
    assert len(reports) == 4, reports
    got = json.loads(js_path.read_text())["patches"]
    want = [(100000, bad, 3, "refused"), (120000, other, 3, "refused"), (150000, fix, 1, "applied"),
            (200000, revert, 2, "reverted")]
    assert len(got) == 5
    for g, (cycle, path, status, outcome), rep in zip(got, want, reports):
        assert g["arg"] == f"{cycle}:{path}" and g["cycle"] == cycle and g["file"] == str(path)
        assert g["bytes"] == path.stat().st_size
        assert (g["status"], g["outcome"], g["message"]) == (status, outcome, rep), g
        assert cycle <= g["fetch_cycle"] < g["status_cycle"], g
        assert g["hart"] == 0, g  # the one hart made the calls
    assert "checksum mismatch" in got[0]["message"]
    assert "built for another base image" in got[1]["message"]
    assert got[4] == {"arg": f"{10**9}:{fix}", "cycle": 10**9, "file": str(fix),
                      "bytes": fix.stat().st_size, "fetch_cycle": None, "status_cycle": None,
                      "status": None, "hart": None, "outcome": "not-delivered",
                      "message": None}
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("  load-patch    ")]
    assert len(lines) == 5, r.stderr
    for ln, g in zip(lines, got[:4]):
        assert ln == (f"  load-patch    {g['arg']}: {g['outcome']} at cycle {g['status_cycle']} "
                      f"(status {g['status']}), fetched at cycle {g['fetch_cycle']}: "
                      f"{g['message']}"), ln
    assert lines[4] == f"  load-patch    {10**9}:{fix}: not-delivered: the program did not ask for it"
    # the per-module stderr line at the STATUS call names the same cycle
    for g in got[:4]:
        assert f"ctsim: cycle {g['status_cycle']}: --load-patch {g['arg']}: {g['message']}" \
            in r.stderr.splitlines()


def test_status_json_without_modules(tmp_path):
    js_path = tmp_path / "run.json"
    r = run_ctsim(variant("plain"), "--stats-json", str(js_path))
    assert r.returncode == 0
    assert json.loads(js_path.read_text())["patches"] == []


# ------------------------------------------------------------------ ctsim's option

@pytest.mark.parametrize("arg,why", [
    ("nocolon", "'nocolon' is not CYCLE:FILE"),
    ("12x:{fix}", "'12x' is not a cycle number"),
    ("-5:{fix}", "'-5' is not a cycle number"),
    ("100:{missing}", "cannot read {missing}: No such file or directory"),
    ("100:{empty}", "{empty} is empty"),
    ("100:", "is not CYCLE:FILE"),
    ("100:{huge}", "{huge} is larger than 16 MiB"),
    ("100:{folder}", "{folder} cannot be read"),
])
def test_load_patch_bad_arguments(tmp_path, arg, why):
    missing = tmp_path / "missing.ctp"
    empty = tmp_path / "empty.ctp"
    empty.write_bytes(b"")
    huge = tmp_path / "huge.ctp"
    with open(huge, "wb") as f:
        f.truncate((16 << 20) + 1)  # sparse
    folder = tmp_path / "folder.ctp"
    folder.mkdir()
    fmt = dict(fix=module("plain", "fix"), missing=missing, empty=empty, huge=huge,
               folder=folder)
    r = subprocess.run([str(CTSIM), "-q", "--load-patch", arg.format(**fmt),
                        str(variant("plain"))], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ctsim: error: --load-patch")
    assert why.format(**fmt) in lines[0], lines


# ------------------------------------------------------------------ ctpatch-build

def build_module(tmp_path, new_files, var="plain", name="t", old=None, extra=()):
    old = old or SRC / "base"
    tree = tmp_path / "new"
    shutil.copytree(old, tree)
    for fn, text in new_files.items():
        (tree / fn).write_text(text)
    out = tmp_path / f"{name}.ctp"
    cflags = (OUT / var / "cflags").read_text().strip()
    cmd = [sys.executable, str(BUILDER), "--base", str(variant(var)), "--map",
           str(OUT / var / "prog.idmap"), "--cflags", cflags, "--name", name, *extra,
           str(old), str(tree), "-o", str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
    return r, out


@pytest.mark.parametrize("changes,why", [
    ({"calc.c": lambda s: s.replace("int calls;", "short calls;"),
      "calc.h": lambda s: s.replace("extern int calls;", "extern short calls;")},
     "the layout of data 'calls' changed (size 4 -> 2 bytes): a patch cannot change live data"),
    ({"calc.c": lambda s: s.replace("int calls;", "int calls = 5;")},
     "the initial value of data 'calls' changed: a patch cannot change live data"),
    # offset's definition takes a long long; the header (and main, which
    # calls it) still say int
    ({"calc.c": lambda s: s.replace('#include "calc.h"', "int calls;\nint scale(int x);")
      .replace("int calls;\nstatic", "static").replace(
          "int offset(int x) { return x + weights[x & 3]; }",
          "long long offset(long long x) { return x + weights[x & 3]; }")
      .replace("int combo(int x)", "long long offset(long long x);\nint combo(int x)")},
     "the signature of 'offset' changed (extern int offset (int x) -> extern long long int "
     "offset (long long int x)), and 'main' calls it unchanged"),
    # combo has scale inlined: it is the first changed function that calls it
    ({"calc.c": lambda s: s.replace("return 3 * x;", "return missing_helper(3 * x);").replace(
        "int calls;", "int calls;\nint missing_helper(int);")},
     "'combo' calls 'missing_helper', which neither the base image nor the patch defines"),
    ({"calc.c": lambda s: s.replace("int calls;", "int calls; /* a comment */")},
     "no function changed: nothing to patch"),
])
def test_builder_refuses_unsafe_changes(tmp_path, changes, why):
    files = {fn: f((SRC / "base" / fn).read_text()) for fn, f in changes.items()}
    r, out = build_module(tmp_path, files)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stderr.strip().splitlines()[-1] == f"ctpatch-build: error: {why}"
    assert not out.exists()


def test_builder_needs_a_build_id(tmp_path):
    plain = tmp_path / "nobid.elf"
    subprocess.run(["riscv64-unknown-elf-objcopy", "--remove-section=.note.gnu.build-id",
                    str(variant("plain")), str(plain)], check=True)
    r = subprocess.run([sys.executable, str(BUILDER), "--revert", "--base", str(plain),
                        "--name", "x", "-o", str(tmp_path / "x.ctp")],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stderr == (f"ctpatch-build: error: {plain}: no GNU build ID (link the base with "
                        "-Wl,--build-id=sha1)\n")


def test_builder_module_contents(tmp_path):
    """Only the changed functions (and what they need) are in the module: the
    unchanged offset is not, the new static helper plus_one is inlined, the
    constant table is copied, the live counter is the base's symbol."""
    fix = module("plain", "fix")
    r = subprocess.run(["riscv64-unknown-elf-readelf", "-SsW", str(fix)], capture_output=True,
                       text=True, check=True)
    secs = re.findall(r"\] (\.\S+)", r.stdout)
    assert [s for s in secs if s.startswith(".text")] == [".text.combo", ".text.scale",
                                                         ".text.ver_a", ".text.ver_b"]
    nm = subprocess.run(["riscv64-unknown-elf-nm", str(variant("plain"))], capture_output=True,
                        text=True, check=True).stdout
    calls = int(re.search(r"^([0-9a-f]+) [BbSs] calls$", nm, re.M).group(1), 16)
    assert re.search(rf"{calls:08x}\s+0 NOTYPE\s+LOCAL\s+DEFAULT\s+ABS calls", r.stdout)


# ------------------------------------------------------------------ the Lua demo

def lua_half(i, fixed):
    """Lua 5.4's tostring of the float i / 2: "%.14g", and ".0" after a value
    that looks like an integer (what the bugged lobject.c forgets)."""
    s = format(i / 2, ".14g")
    if fixed and all(c in "-0123456789" for c in s):
        s += ".0"
    return f"line {i}: half {s} (float)"


def test_demo_patch_lua():
    pd = BUILD / "realprog" / "patchdemo"
    elf_, fix = pd / "lua-patch.elf", pd / "fix.ctp"
    for p in (elf_, fix):
        if not p.exists():
            pytest.fail(f"{p} is missing: run `make realprogs`")
    r = run_ctsim(elf_, "--load-patch", f"700000:{fix}")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.startswith("ctpatch: "))
    assert re.fullmatch(r"ctpatch: 'float-suffix': applied 3 functions, \d+ cycles from "
                        r"arrival to switch: luaO_pushvfstring, luaO_tostring, tostringbuff "
                        r"\[new\]", lines[k]), lines[k]
    assert 2 <= k <= 38, "the switch did not come while the script ran"
    want = [lua_half(i, False) for i in range(1, k + 1)] + \
        [lua_half(i, True) for i in range(k + 1, 41)]
    assert lines[:k] + lines[k + 1:k + 1 + 40 - k] == want
    assert lines[-1] == "lua-patch: 40 lines, 1 patch applied"
    # without the module the bug stays
    r = run_ctsim(elf_)
    assert r.stdout.splitlines()[:40] == [lua_half(i, False) for i in range(1, 41)]


def test_bench_script(tmp_path):
    """scripts/ctpatch_bench.py on a small program: one row per module size,
    the latency grows with the number of functions (more leaves, more
    relocation and checking work), the loader's size line."""
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "ctpatch_bench.py"), "--out",
                        str(tmp_path / "b"), "--functions", "4", "--counts", "1,4"],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    rows = re.findall(r"^\| (\d+) \| (\d+) \| (\d+) \|$", r.stdout, re.M)
    assert [int(k) for k, _, _ in rows] == [1, 4]
    assert int(rows[1][2]) > int(rows[0][2]) and int(rows[1][1]) > int(rows[0][1])
    assert re.search(r"^loader \(ctpatch.o, -O2\): code \d+ bytes", r.stdout, re.M)
    bad = subprocess.run([sys.executable, str(ROOT / "scripts" / "ctpatch_bench.py"),
                          "--functions", "4", "--counts", "5"], capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr == "ctpatch_bench.py: error: --counts: each must be 1..4\n"


@pytest.mark.parametrize("case,why", [
    ("base", "{tmp}/missing.elf: cannot read: No such file or directory"),
    ("map", "--map: {tmp}/missing.idmap: cannot read: No such file or directory"),
    ("old", "{tmp}/missing: not a folder"),
    ("name", "--name: 'a b' must be 1..31 bytes without white space"),
])
def test_builder_bad_input(tmp_path, case, why):
    var = OUT / "plain"
    args = {"base": str(variant("plain")), "map": str(var / "prog.idmap"),
            "old": str(SRC / "base"), "name": "ok"}
    args[case] = {"base": str(tmp_path / "missing.elf"), "map": str(tmp_path / "missing.idmap"),
                  "old": str(tmp_path / "missing"), "name": "a b"}[case]
    out = tmp_path / "m.ctp"
    r = subprocess.run([sys.executable, str(BUILDER), "--base", args["base"], "--map", args["map"],
                        "--name", args["name"], args["old"], str(SRC / "base"), "-o", str(out)],
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 1
    assert r.stderr == f"ctpatch-build: error: {why.format(tmp=tmp_path)}\n"
    assert not out.exists() and not (tmp_path / "m.idmap").exists()
