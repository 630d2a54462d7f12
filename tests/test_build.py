"""The build's dependencies (Makefile, model/model.mk, sim/sim.mk,
model/xlat_build.sh, model/xlat_rtl.c), cheaply: `make -q` / `make -n` (which
run no recipe) in a copy of the few files a rule needs, or in the tree for
the verilated default library, and a stand-in build script for the on-demand
builds of model/xlat_rtl.c.

* A library whose objects were deleted is rebuilt (the Makefile's global
  .SECONDARY would let make skip missing objects of an up-to-date target).
* The environment's XLAT_VL_CXXOPT / XLAT_VL_VFLAGS reach the verilated
  builds; a library built with other flags is stale (xlat_build.sh writes
  build.flags beside it), for make and for the on-demand builds.
"""
import os
import shutil
import subprocess

import pytest

from conftest import BUILD, ROOT, need

DEFAULT_RTL = "build/xlat-rtl/e64w4-lru-l12.10.10-wc0"
NO_FLAGS = "XLAT_VL_CXXOPT=|XLAT_VL_VFLAGS=\n"  # xlat_build.sh's line without them


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("XLAT_VL_CXXOPT", "XLAT_VL_VFLAGS", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(extra)
    return env


def make(cwd, *args, env=None):
    return subprocess.run(["make", *args], cwd=cwd, capture_output=True, text=True,
                          env=env or clean_env(), timeout=120)


def copy_tree(tmp_path, names):
    """The files and folders names of the tree into tmp_path, times kept."""
    for n in names:
        src, dst = ROOT / n, tmp_path / n
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, copy_function=shutil.copy2, symlinks=True)
        else:
            shutil.copy2(src, dst)


@pytest.mark.parametrize("lib,objdir,srcs", [
    ("build/libxlat.a", "build/model", ["model"]),
    ("build/libxlat.so", "build/model", ["model"]),
    ("build/libctsim.a", "build/sim", ["model", "sim"]),
])
def test_deleted_object_rebuilds_the_library(tmp_path, lib, objdir, srcs):
    need(BUILD / lib.split("/", 1)[1], "all")
    copy_tree(tmp_path, ["Makefile", "scripts/setup.sh", "requirements.txt", "build/setup.mk",
                         *srcs, objdir, lib])
    q = make(tmp_path, "-q", lib)
    assert q.returncode == 0, f"{lib} not up to date in the copy: {q.stdout}{q.stderr}"
    objs = sorted((tmp_path / objdir).glob("*.o"))
    victim = [o for o in objs if o.name in ("xlat_c.o", "stats.o")][0]
    victim.unlink()
    assert make(tmp_path, "-q", lib).returncode == 1, f"{lib} up to date without {victim.name}"
    n = make(tmp_path, "-n", lib)
    assert n.returncode == 0, n.stderr
    assert f"-o {objdir}/{victim.name}" in n.stdout, n.stdout      # the object again
    link = "ar rcs " if lib.endswith(".a") else "-shared -o "
    assert f"{link}{lib} " in n.stdout, n.stdout                  # then the library
    assert "FORCE" not in n.stdout


def test_default_rtl_library_follows_the_flags():
    """make: the default configuration's verilated library is up to date with
    the flags it was built with (none, as `make all` builds it) and stale
    when the environment or the command line asks for others; the build gets
    them (the recipe runs xlat_build.sh with make's environment)."""
    for d in (DEFAULT_RTL, DEFAULT_RTL + "/fst"):
        got = need(ROOT / d / "build.flags", "all").read_text()
        if got != NO_FLAGS:
            pytest.skip(f"{d} was built with {got!r}")
        lib = f"{d}/libxlat_vl.so"
        q = make(ROOT, "-q", lib)
        assert q.returncode == 0, f"{lib} is not up to date: {q.stdout}{q.stderr}"
        for env, args in ((clean_env(XLAT_VL_VFLAGS="--x-assign 0"), ()),
                          (clean_env(XLAT_VL_CXXOPT="-O1"), ()),
                          (clean_env(), ("XLAT_VL_CXXOPT=-O2 -flto",))):
            n = make(ROOT, "-n", *args, lib, env=env)
            assert n.returncode == 0, n.stderr
            assert "sh model/xlat_build.sh" in n.stdout, (env.get("XLAT_VL_VFLAGS"), args, n.stdout)


@pytest.fixture
def fake_root(tmp_path):
    """A project root whose model/xlat_build.sh only notes that it ran (and
    fails), with a library of the default configuration in place (not a real
    one: loading it fails) that is newer than every source (there are none)
    and the real default library's build.flags."""
    need(BUILD / "cycles" / "callid_mix.elf", "all")
    flags = need(ROOT / DEFAULT_RTL / "build.flags", "all").read_text()
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "xlat_build.sh").write_text(
        'echo "$@" >> "$(dirname "$0")/../ran"\nexit 1\n')
    d = tmp_path / DEFAULT_RTL
    d.mkdir(parents=True)
    (d / "libxlat_vl.so").write_text("not a library\n")
    (d / "build.flags").write_text(flags)
    return tmp_path, flags


def run_rtl(root, **env):
    return subprocess.run([str(BUILD / "ctsim"), "-q", "--xlat", "rtl",
                           str(BUILD / "cycles" / "callid_mix.elf")],
                          capture_output=True, text=True, timeout=60,
                          env=clean_env(CTSIM_ROOT=str(root), **env))


def test_on_demand_build_follows_the_flags(fake_root):
    root, flags = fake_root
    if flags != NO_FLAGS:
        pytest.skip(f"the default library was built with {flags!r}")
    # the same flags: fresh, so it is loaded (and that fails), no build
    r = run_rtl(root)
    assert r.returncode == 2 and "cannot load" in r.stderr, r.stderr
    assert not (root / "ran").exists()
    # other flags in the environment: rebuilt (the stand-in fails)
    for env in ({"XLAT_VL_VFLAGS": "--x-assign 0"}, {"XLAT_VL_CXXOPT": "-O1"}):
        r = run_rtl(root, **env)
        assert r.returncode == 2 and "building the RTL model e64w4-lru-l12.10.10-wc0 failed" \
            in r.stderr, (env, r.stderr)
        assert (root / "ran").read_text().split()[1] == "e64w4-lru-l12.10.10-wc0"
        (root / "ran").unlink()
    # no build.flags (a library of an older build script): rebuilt
    (root / DEFAULT_RTL / "build.flags").unlink()
    r = run_rtl(root)
    assert "failed" in r.stderr and (root / "ran").exists(), r.stderr
