"""Every ```sh example of docs/traces.md runs (in order, from the repository root)."""
import pathlib
import re
import subprocess

from conftest import BIN, need

ROOT = pathlib.Path(__file__).resolve().parent.parent


def blocks():
    text = (ROOT / "docs" / "traces.md").read_text()
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def test_docs_examples_run():
    need(BIN / "cttrace", "build/cttrace")
    need(BIN / "ctrdump", "build/ctrdump")
    bs = blocks()
    assert len(bs) >= 4
    for b in bs:
        if "record-real-traces.sh" in b and b.strip().startswith("bash"):
            continue  # needs the network; not run here
        r = subprocess.run(["bash", "-e", "-c", b], cwd=ROOT, capture_output=True, text=True,
                           timeout=600)
        assert r.returncode == 0, f"example failed:\n{b}\nstderr: {r.stderr[-2000:]}"
    demo = ROOT / "build" / "traces-demo"
    assert (demo / "sd.json").exists() and (demo / "rtl.json").exists()
    assert (demo / "tiny.map").read_text().splitlines()[1:] == ["0x0 main", "0x1 fib", "0x2 leaf", "0x3 helper"]


def test_samples_regenerate_as_documented(tmp_path):
    """traces/samples/README.md's tracegen commands, with the output redirected to
    a scratch directory, give exactly the committed sample files."""
    text = (ROOT / "traces" / "samples" / "README.md").read_text()
    block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    outs = re.findall(r"-o traces/samples/(\S+)", block)
    assert len(outs) == 3
    script = block.replace("-o traces/samples/", f"-o {tmp_path}/")
    r = subprocess.run(["bash", "-e", "-c", script], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    for name in outs:
        assert (tmp_path / name).read_bytes() == (ROOT / "traces" / "samples" / name).read_bytes(), name


def test_real_traces_table_is_true():
    """traces/real/README.md's table: calls and distinct functions of each trace
    (counted here from the trace and its map, independently of the tools)."""
    import sys
    sys.path.insert(0, str(ROOT / "scripts"))
    import ctrace
    text = (ROOT / "traces" / "real" / "README.md").read_text()
    rows = re.findall(r"^\| `([\w-]+)\.ct\.gz` +\| +(\d+) \| +(\d+) \|", text, re.M)
    assert len(rows) == 4
    for name, calls, funcs in rows:
        ev = list(ctrace.read_events(str(ROOT / "traces" / "real" / f"{name}.ct.gz")))
        ids = {a for k, a, _ in ev if k == ctrace.CALL}
        assert len(ev) == int(calls) and all(k == ctrace.CALL for k, _, _ in ev), name
        mapped = [l for l in (ROOT / "traces" / "real" / f"{name}.map").read_text().splitlines()
                  if l and not l.startswith("#")]
        assert len(ids) == len(mapped) == int(funcs), name
