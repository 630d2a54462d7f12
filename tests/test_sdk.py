"""The SDK for programs outside the tree (docs/firmware.md, "Programs outside
the tree"): `make sdk PREFIX=...`, ctsim-config, and the example project built
from a copy with its own Makefile, run on ctsim and on QEMU. The expected
output is computed here from the Fibonacci numbers, not taken from a run."""
import json
import re
import shutil
import subprocess

import pytest

from fw_helpers import ROOT, run_ctsim, run_qemu


def expected_output():
    a, b, count, total, squares, top = 0, 1, 0, 0, 0, 0
    for _ in range(90):
        a, b = b, a + b
        count += 1
        total += a
        squares = (squares + a * a) % 2**64
        top = max(top, a)
    return (f"count {count} sum {total} max {top}\n"
            f"sum of squares mod 2^64 0x{squares:016x}\nhart 0\n")


@pytest.fixture(scope="module")
def sdk(tmp_path_factory):
    """The SDK installed with PREFIX= into a scratch folder, then moved: it
    must work from wherever it is."""
    d = tmp_path_factory.mktemp("sdk")
    r = subprocess.run(["make", "-s", "sdk", f"PREFIX={d / 'installed'}"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    moved = d / "moved"
    shutil.move(str(d / "installed"), str(moved))
    return moved


def config(sdk, *args):
    return subprocess.run([str(sdk / "bin" / "ctsim-config"), *args], capture_output=True,
                          text=True, timeout=30)


def test_sdk_layout(sdk):
    for f in ["bin/ctsim-config", "include/fw.h", "include/callid.h", "include/roi.h",
              "include/ctisa.h", "include/ctpatch.h", "lib/libctpatch.a", "bin/ctcc",
              "bin/ctpatch-build",
              "lib/crt0.o",
              "lib/runtime.o", "lib/libctcallid.a", "lib/link.ld", "VERSION"]:
        assert (sdk / f).exists(), f
    assert not list(sdk.parent.glob("*.tmp"))


def test_ctsim_config_flags(sdk):
    r = config(sdk, "--cflags")
    assert r.returncode == 0 and f"-I{sdk}/include" in r.stdout.split()
    assert "-Werror" not in r.stdout and "-DPICOLIBC_DOUBLE_PRINTF_SCANF" in r.stdout
    r = config(sdk, "--printf=integer", "--ldflags", "--libs")
    words = r.stdout.split()
    assert "-DPICOLIBC_INTEGER_PRINTF_SCANF" in words and f"{sdk}/lib/link.ld" in words
    assert f"{sdk}/lib/crt0.o" in words and words[-1] == "-lctcallid"
    assert words[-2] == "-lctpatch"  # before the call-ID runtime it uses
    assert config(sdk, "--prefix").stdout.strip() == str(sdk)
    assert config(sdk, "--cc").stdout.strip() == "riscv64-unknown-elf-gcc"


@pytest.mark.parametrize("args, word", [(["--frob"], "--frob"),
                                        (["--printf=float", "--cflags"], "float"),
                                        ([], "usage")])
def test_ctsim_config_bad_input(sdk, args, word):
    r = config(sdk, *args)
    assert r.returncode == 2 and r.stdout == "" and word in r.stderr
    if args:
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_ctsim_config_incomplete_sdk(tmp_path, sdk):
    (tmp_path / "bin").mkdir()
    shutil.copy(sdk / "bin" / "ctsim-config", tmp_path / "bin")
    r = subprocess.run([str(tmp_path / "bin" / "ctsim-config"), "--cflags"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "not a complete SDK" in r.stderr


def test_example_as_documented(tmp_path, sdk):
    # docs/firmware.md's ```shell block: copy, make, run on ctsim and QEMU,
    # here with the scratch SDK and folder instead of build/sdk and /tmp
    text = (ROOT / "docs" / "firmware.md").read_text()
    section = text[text.index("## Programs outside the tree"):]
    lines = re.search(r"```shell\n(.*?)```", section, re.S).group(1).strip().split("\n")
    assert lines[0] == "cp -r firmware/sdk/example /tmp/counters"
    assert lines[1] == "make -C /tmp/counters CTSIM_CONFIG=$PWD/build/sdk/bin/ctsim-config"
    proj = tmp_path / "counters"
    shutil.copytree(ROOT / "firmware" / "sdk" / "example", proj)
    mk = subprocess.run(["make", "-C", str(proj), f"CTSIM_CONFIG={sdk}/bin/ctsim-config"],
                        capture_output=True, text=True, timeout=120)
    assert mk.returncode == 0, mk.stderr
    # the user's code is compiled with the flags ctsim-config prints only
    assert "-Werror" not in mk.stdout and "-Wstrict-prototypes" not in mk.stdout
    elf = proj / "counters.elf"
    want = expected_output()
    assert want in section, "docs/firmware.md shows another output"
    c = run_ctsim(elf)
    assert c.returncode == 0 and c.stdout == want, c.stdout
    q = run_qemu(elf, timeout=60)
    assert q.returncode == 0 and q.stdout == want, q.stdout


ROI_PROGRAM = r"""
#include <fw.h>

static volatile unsigned sink;

int main(void) {
  CT_ROI_RESET();
  for (unsigned i = 0; i < 10; i++) sink += i;
  CT_ROI_DUMP("loop");
  printf("sum %u\n", sink);
  CT_ROI_STOP(5);
  puts("after stop");
  return 0;
}
"""


def test_roi_macros(tmp_path, sdk):
    """roi.h's macros (through fw.h) in a program built with the SDK: on ctsim
    a region "loop" holding the 10 volatile loads and 10 volatile stores of
    `sink += i` (C semantics: exactly one read and one write per iteration;
    nothing else in the loop touches memory), then the stop marker ends the
    run with status 5. On QEMU the markers are no-ops: the program goes on
    past the stop and returns 0."""
    src = tmp_path / "roi.c"
    src.write_text(ROI_PROGRAM)
    elf = tmp_path / "roi.elf"
    cc = config(sdk, "--cc").stdout.strip()
    cflags = config(sdk, "--cflags").stdout.split()
    lflags = config(sdk, "--ldflags", "--libs").stdout.split()
    obj = tmp_path / "roi.o"
    for cmd in ([cc, *cflags, "-O2", "-Wall", "-Wextra", "-Werror", "-c", "-o", str(obj),
                 str(src)], [cc, "-o", str(elf), str(obj), *lflags]):
        b = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert b.returncode == 0, b.stderr
    js_path = tmp_path / "roi.json"
    c = run_ctsim(elf, "--stats-json", str(js_path))
    assert c.returncode == 5, c.stderr
    assert c.stdout == "sum 45\n"
    js = json.loads(js_path.read_text())
    assert js["exit"] == {"reason": "roi-stop", "status": 5}
    (g,) = js["regions"]
    assert g["name"] == "loop" and g["note"] is None
    assert (g["classes"]["load"], g["classes"]["store"]) == (10, 10)
    q = run_qemu(elf, timeout=60)
    assert q.returncode == 0 and q.stdout == "sum 45\nafter stop\n", q.stdout


def test_sdk_assembler_include(sdk, tmp_path):
    """include/ctisa.h of the SDK: `callid ra, t1` in a .S file built with
    ctsim-config's flags is the word of docs/isa.md's encoding (custom-0
    opcode 0x0b, rd = x1 at bit 7, funct3 0, rs1 = x6 at bit 15)."""
    src = tmp_path / "c.S"
    src.write_text('#include "ctisa.h"\n  .text\n  callid ra, t1\n')
    flags = config(sdk, "--cflags").stdout.split()
    obj = tmp_path / "c.o"
    r = subprocess.run(["riscv64-unknown-elf-gcc", *flags, "-c", "-o", str(obj), str(src)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    raw = tmp_path / "c.bin"
    subprocess.run(["riscv64-unknown-elf-objcopy", "-O", "binary", "-j", ".text",
                    str(obj), str(raw)], check=True)
    assert int.from_bytes(raw.read_bytes()[:4], "little") == (6 << 15) | (1 << 7) | 0x0B


def test_patch_example_as_documented(tmp_path, sdk):
    """docs/firmware.md's patch example: an outside program built with the
    SDK's ctcc, a module from its source change built with the SDK's
    ctpatch-build, loaded by ctsim while it runs. The prices come from the
    sources: version 1 returns 3 i + 1, version 2 3 i; the lines before the
    loader's report are version 1's, those after it version 2's."""
    text = (ROOT / "docs" / "firmware.md").read_text()
    section = text[text.index("**Patching your own program.**"):]
    cmds = re.search(r"```shell\n(.*?)```", section, re.S).group(1).strip().split("\n")
    assert cmds[0] == "cp -r firmware/sdk/patch-example /tmp/pex"
    assert cmds[1] == "make -C /tmp/pex CTSIM_CONFIG=$PWD/build/sdk/bin/ctsim-config"
    m = re.fullmatch(r"build/ctsim -q --load-patch (\d+):/tmp/pex/fix.ctp /tmp/pex/prog.elf",
                     cmds[2])
    assert m, cmds[2]
    proj = tmp_path / "pex"
    shutil.copytree(ROOT / "firmware" / "sdk" / "patch-example", proj)
    mk = subprocess.run(["make", "-C", str(proj), f"CTSIM_CONFIG={sdk}/bin/ctsim-config"],
                        capture_output=True, text=True, timeout=300)
    assert mk.returncode == 0, mk.stdout + mk.stderr
    c = run_ctsim(proj / "prog.elf", "--load-patch", f"{m.group(1)}:{proj / 'fix.ctp'}")
    assert c.returncode == 0, c.stderr
    lines = c.stdout.splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.startswith("ctpatch: "))
    assert re.fullmatch(r"ctpatch: 'fix': applied 1 functions, \d+ cycles from arrival to "
                        r"switch: price", lines[k]), lines[k]
    assert 1 <= k <= 7, "the switch did not come while the program ran"
    want = [f"item {i}: price {3 * i + 1}" for i in range(1, k + 1)] + \
        [f"item {i}: price {3 * i}" for i in range(k + 1, 9)] + ["patches 1"]
    assert lines[:k] + lines[k + 1:] == want
    assert c.stdout in section, "docs/firmware.md shows another output"
    # without the module: version 1 throughout
    c = run_ctsim(proj / "prog.elf")
    assert c.stdout.splitlines() == [f"item {i}: price {3 * i + 1}" for i in range(1, 9)] + \
        ["patches 0"]
