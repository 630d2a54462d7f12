"""Every ```sh example of docs/traces.md runs (in order, from the repository root)."""
import pathlib
import re
import subprocess

from conftest import need

ROOT = pathlib.Path(__file__).resolve().parent.parent


def blocks():
    text = (ROOT / "docs" / "traces.md").read_text()
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def test_docs_examples_run():
    need(ROOT / "build" / "cttrace", "build/cttrace")
    need(ROOT / "build" / "ctrdump", "build/ctrdump")
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
