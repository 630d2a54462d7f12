"""The call-by-ID runtime (firmware/common/callid.h) on build/ctsim, and the
RTL-vs-C-model identity of every call-ID firmware program.

ctrt.elf compares each call made through callid with a direct call of the same
function (an independent path through the ordinary calling convention), so the
expected values are the compiler's, not the runtime's. Fault and lazy-binding
counts are worked out from ctrt.c's definition below.
"""
import re
import subprocess

import pytest

from callid_helpers import ROOT, ctsim_run, elf
from paths import BIN

CHECKS = ["void", "one", "narrow", "wide64", "split64", "eight", "pointer", "double",
          "voidret", "byid", "xlat", "xlat-fault", "patch-seq", "patch-irq"]


def checks(text):
    return dict(re.findall(r"^ctrt: (\S+) +(ok|FAIL)", text, re.M))


def test_signatures_xlat_and_patch_ordering():
    r = ctsim_run(elf("ctrt", "ctrt.elf"), "--xlat", "c")
    assert r.rc == 0, r.out + r.err
    got = checks(r.out)
    for name in CHECKS:
        assert got.get(name) == "ok", f"check {name}: {got.get(name)}\n{r.out}"
    # The timer interrupt must land inside the 200-call loop for the check to mean
    # anything (the firmware checks it too).
    m = re.search(r"timer patch after call (\d+) of 200", r.out)
    assert m and 0 < int(m.group(1)) < 199, r.out


def test_planted_bug_patch_without_inv_is_caught():
    """ct_patch without its ctlb.inv: the CTLB keeps the old target, so the
    patch-ordering checks must fail (and the signature checks still pass)."""
    r = ctsim_run(elf("ctrt", "ctrt-broken.elf"), "--xlat", "c")
    got = checks(r.out)
    assert got["patch-seq"] == "FAIL" and got["patch-irq"] == "FAIL", r.out
    assert got["one"] == "ok" and r.rc == 2, r.out


def test_lazy_binding_and_unknown_id():
    """ct_lazy_init: signatures() uses 9 distinct IDs; each faults once (mcause 24)
    and is bound by the runtime's handler, which retries the callid. Then ID 0x777,
    not registered: the handler prints the error and exits CT_EXIT_FAULT = 5.
    So 10 call-ID faults = 10 traps, 10 ctlb faults, and 9 ctlb.inv (one per bind)
    plus the flush of ct_lazy_init = 10 invalidations."""
    r = ctsim_run(elf("ctrt", "ctrt-lazy.elf"), "--xlat", "c")
    assert r.rc == 5, r.out + r.err
    got = checks(r.out)
    for name in CHECKS[:10] + ["lazy-binds", "lazy-faults"]:
        assert got.get(name) == "ok", f"check {name}\n{r.out}"
    assert "callid: unknown function ID 0x00000777 (mepc 0x" in r.out
    assert "NOT REACHED" not in r.out
    assert r.stats["traps"] == 10
    assert r.stats["ctlb"]["faults"] == 10
    assert r.stats["ctlb"]["invalidations"] == 10


def test_fault_without_handler():
    """Eager table, no call-ID fault handler installed: the runtime's default
    trap handler reports cause 24 with mtval = the ID and exits with 4."""
    r = ctsim_run(elf("ctrt", "ctrt-nohandler.elf"), "--xlat", "c")
    assert r.rc == 4, r.out + r.err
    assert checks(r.out).get("before") == "ok"
    assert re.search(r"^trap: unhandled exception cause=24 mepc=0x[0-9a-f]{8} "
                     r"mtval=0x00000777$", r.out, re.M), r.out
    assert "NOT REACHED" not in r.out
    assert r.stats["ctlb"]["faults"] == 1


# Every call-ID firmware program (ELF, extra ctsim options).
DEMO_PATCH = ["--patch-at", "410000:0x10003:respond_v2"]
PROGRAMS = [
    (("ctrt", "ctrt.elf"), []),
    (("ctrt", "ctrt-lazy.elf"), []),
    (("ctrt", "ctrt-nohandler.elf"), []),
    (("demo", "demo.elf"), DEMO_PATCH),
    (("cmpbench", "cmpbench.elf"), []),
    (("cmpbench", "cmpbench-l2.elf"), ["--ctlb-levels", "10,10"]),
    (("cmpbench", "cmpbench-l1.elf"), ["--ctlb-levels", "10"]),
    (("replay", "replay-phases.elf"), ["--ctlb-entries", "16", "--ctlb-policy", "random"]),
    (("replay", "replay-spread.elf"), ["--walk-cache", "4"]),
    (("replay", "replay-hand.elf"), []),
    (("replay", "replay-lua-objects.elf"), ["--ctlb-entries", "32", "--ctlb-ways", "32"]),
]


@pytest.mark.parametrize("parts,args", PROGRAMS, ids=[p[0][1] for p in PROGRAMS])
def test_rtl_and_c_backends_identical(parts, args):
    path = elf(*parts)
    c = ctsim_run(path, "--xlat", "c", *args)
    rtl = ctsim_run(path, "--xlat", "rtl", *args)
    assert c.stats is not None and rtl.stats is not None, c.err + rtl.err
    assert c.stats["ctlb"]["backend"] == "c" and rtl.stats["ctlb"]["backend"] == "rtl"
    assert c.stats["ctlb"]["lookups"] > 0
    assert c.comparable() == rtl.comparable()


DOCS = ["docs/hotpatch.md", "docs/comparison.md", "docs/waves.md"]


def doc_commands():
    """Every command line of the ```sh blocks of the call-ID docs, with the exit
    status its comment announces ("exit N"), else 0. The screenshot script is left
    out: it rewrites docs/img/walk.png (test_demo.py runs `make wave`)."""
    cmds = []
    for doc in DOCS:
        text = (ROOT / doc).read_text()
        for block in re.findall(r"```sh\n(.*?)```", text, re.S):
            for line in block.splitlines():
                if not line.strip() or line.startswith("bash scripts/wave-screenshot.sh"):
                    continue
                m = re.search(r"#.*\bexit (\d+)", line)
                cmds.append((doc, line.split("  #")[0].strip(), int(m.group(1)) if m else 0))
    return cmds


@pytest.mark.parametrize("doc,cmd,status", doc_commands(),
                         ids=[f"{d}:{c[:40]}" for d, c, _ in doc_commands()])
def test_doc_examples_run(doc, cmd, status):
    p = subprocess.run(["bash", "-c", cmd], cwd=ROOT, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == status, f"{doc}: {cmd}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}"


def test_hotpatch_doc_demo_excerpt_is_real():
    """Every line of docs/hotpatch.md's `make demo` excerpt (but the `...`
    elisions) occurs in the demo's real output."""
    text = (ROOT / "docs" / "hotpatch.md").read_text()
    excerpt = re.search(r"```\nbuild/ctsim --xlat rtl --patch-at 410000:0x10003:respond_v2 "
                        r"build/firmware/demo/demo.elf\n(.*?)```", text, re.S).group(1)
    r = ctsim_run(elf("demo", "demo.elf"), "--xlat", "rtl", "--patch-at",
                  "410000:0x10003:respond_v2")
    real = set(r.out.splitlines())
    full = subprocess.run([str(BIN / "ctsim"), "--xlat", "rtl", "--patch-at",
                           "410000:0x10003:respond_v2", str(elf("demo", "demo.elf"))],
                          capture_output=True, text=True, timeout=120)
    real |= set(full.stderr.splitlines())
    for line in excerpt.splitlines():
        if line != "...":
            assert line in real, line


# ------------------------------------------------------------ runtime errors
# docs/hotpatch.md, "Errors": a full pool, an ID wider than the levels cover, an
# ID registered twice or a misaligned function print one line `callid: ...` and
# exit with CT_EXIT_FAULT (5). Each case is a tiny program built with the
# firmware's own build rules in a scratch copy of firmware/ (as
# test_firmware.py::test_docs_add_a_program does), then run on ctsim.
ERR_MAIN = """
#include <stdio.h>
#include "callid.h"
static __attribute__((unused)) int f(int x) { return x + 1; }
%s
int main(void) {
  ct_init();
  printf("NOT REACHED\\n");
  return 0;
}
"""
RUNTIME_ERRORS = [
    # (name, registrations, extra CFLAGS, the message worked out from callid.c's checks)
    ("dup", "CT_REGISTER(0x5, f);\nCT_REGISTER(0x5, f);", "",
     "callid: ID registered twice (ID 0x00000005)"),
    ("misaligned", "CT_REGISTER(0x6, 0x80000002);", "",
     "callid: function address is not 4-byte aligned (ID 0x00000006)"),
    # levels 10,10 cover 20 bits: ID 1 << 20 does not fit
    ("wide", "CT_REGISTER(0x100000, f);", "-DCT_LEVEL_BITS=10,10",
     "callid: ID is wider than the table levels cover (ID 0x00100000)"),
    # a pool of exactly the 16 KiB root table (12,10,10): ID 5's level-1 table
    # does not fit
    ("pool", "CT_REGISTER(0x5, f);", "-DCT_POOL_BYTES=16384",
     "callid: table pool exhausted (raise CT_POOL_BYTES) (ID 0x00000005)"),
]


@pytest.fixture(scope="module")
def runtime_error_elfs(tmp_path_factory):
    import shutil
    d = tmp_path_factory.mktemp("rterr")
    shutil.copytree(ROOT / "firmware", d / "firmware")
    mk = []
    for name, regs, cflags, _ in RUNTIME_ERRORS:
        (d / "firmware" / "rterr").mkdir(exist_ok=True)
        (d / "firmware" / "rterr" / f"{name}.c").write_text(ERR_MAIN % regs)
        # the flags go through a variable: a comma would split $(call)'s arguments
        mk.append(f"RTERR_{name} := {cflags}")
        mk.append(f"$(eval $(call fw_program,rterr-{name},firmware/rterr/{name}.c "
                  f"firmware/common/callid.c,$(RTERR_{name}),rterr))")
    (d / "firmware" / "rterr" / "program.mk").write_text("\n".join(mk) + "\n")
    (d / "Makefile").write_text("BUILD := build\nCROSS ?= riscv64-unknown-elf-\nSETUP :=\n"
                                "ALL_TARGETS :=\ninclude firmware/firmware.mk\n")
    targets = [f"build/firmware/rterr/rterr-{n}.elf" for n, _, _, _ in RUNTIME_ERRORS]
    r = subprocess.run(["make", "-s", *targets], cwd=d, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    return {n: d / t for (n, _, _, _), t in zip(RUNTIME_ERRORS, targets)}


@pytest.mark.parametrize("name,regs,cflags,msg", RUNTIME_ERRORS,
                         ids=[e[0] for e in RUNTIME_ERRORS])
def test_runtime_errors(runtime_error_elfs, name, regs, cflags, msg):
    args = ["--ctlb-levels", "10,10"] if "LEVEL_BITS" in cflags else []
    r = ctsim_run(runtime_error_elfs[name], "--xlat", "c", *args)
    assert r.rc == 5, r.out + r.err
    assert r.out == msg + "\n", r.out
