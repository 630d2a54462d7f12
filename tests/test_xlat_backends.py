"""The backend table behind model/xlat.h (model/xlat_impl.h, docs/accelerator.md
section 9): what the dispatcher keeps for every backend, and the RTL loader's
model swap for FST waveforms when the FST library cannot be built."""
import os
import shutil
import subprocess
import sys
import textwrap

from conftest import BUILD, ROOT, need

NAME = "e64w4-lru-l12.10.10-wc0"

# In a child process (a crash must not take pytest with it): a project root whose
# model/xlat_build.sh fails and which holds only the default configuration's VCD
# library, so xlat_trace_open of an FST file must build the FST library and fails.
CHILD = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, sys.argv[1])
    import xlat_api
    x = xlat_api.Xlat(xlat_api.config(), backend="rtl")
    rc, msg = x.trace_open(os.path.join(os.environ["CTSIM_ROOT"], "w.fst"))
    print("fst", rc, "failed, see" in msg)
    # a lookup with the root disabled: answered DISABLED (3) in the cycle after it
    a = x.step(req_valid=1, req_id=5, root=0, mem_req_ready=1)
    b = x.step(root=0, mem_req_ready=1)
    print("answers", a.rsp_valid, b.rsp_valid, b.rsp_fault)
    print("counters", x.counters()["lookups"], x.counters()["faults"])
    rc, msg = x.trace_open(os.path.join(os.environ["CTSIM_ROOT"], "w.vcd"))
    print("vcd", rc)
    x.trace_close()
    x.close()
    print("closed")
""")


def test_failed_fst_swap_keeps_the_model(tmp_path):
    """The old loader destroyed the running model when the FST library failed to
    build (the handle kept a pointer to it: the next step crashed)."""
    lib = need(BUILD / "xlat-rtl" / NAME / "libxlat_vl.so", "all")
    need(BUILD / "libxlat.so", "build/libxlat.so")
    root = tmp_path / "root"
    (root / "model").mkdir(parents=True)
    (root / "model" / "xlat_build.sh").write_text("echo no FST build here >&2; exit 1\n")
    (root / "build" / "xlat-rtl" / NAME).mkdir(parents=True)
    shutil.copy(lib, root / "build" / "xlat-rtl" / NAME / "libxlat_vl.so")
    # with the flags it was built with (xlat_build.sh's build.flags), so it is not stale
    shutil.copy(lib.parent / "build.flags", root / "build" / "xlat-rtl" / NAME / "build.flags")
    env = dict(os.environ, CTSIM_ROOT=str(root))
    r = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "tests")], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, (r.returncode, r.stdout, r.stderr)
    assert r.stdout.splitlines() == ["fst -1 True", "answers 0 1 3", "counters 1 1", "vcd 0",
                                     "closed"]
    assert (root / "w.vcd").stat().st_size > 0


def test_c_backend_has_no_waveforms(tmp_path):
    """A backend without trace functions (the C model): xlat_trace_open fails with the
    documented message and writes nothing."""
    sys.path.insert(0, str(ROOT / "tests"))
    import xlat_api
    x = xlat_api.Xlat(xlat_api.config(), backend="c")
    try:
        rc, msg = x.trace_open(tmp_path / "w.vcd")
        assert (rc, msg) == (-1, "xlat: waveform tracing needs the RTL backend")
        assert not (tmp_path / "w.vcd").exists()
    finally:
        x.close()
