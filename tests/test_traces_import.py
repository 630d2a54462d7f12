"""scripts/uftrace2ct.py on the committed `uftrace dump` sample of
traces/samples/tiny.c, whose call sequence is known from its source, and bad input."""
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import ctrace  # noqa: E402
import uftrace2ct  # noqa: E402

PY = sys.executable
TOOL = str(ROOT / "scripts" / "uftrace2ct.py")
DUMP = ROOT / "traces" / "samples" / "tiny.uftrace-dump.txt"
# from tiny.c: main, fib(3) -> fib(2) -> fib(1) -> leaf, fib(0) -> leaf; fib(1) -> leaf;
# helper(2) -> leaf, leaf
SEQUENCE = ["main", "fib", "fib", "fib", "leaf", "fib", "leaf", "fib", "leaf", "helper", "leaf", "leaf"]


def run(*args):
    return subprocess.run([PY, TOOL, *map(str, args)], capture_output=True, text=True)


def read_map(path):
    out = {}
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            continue
        i, name = line.split(" ", 1)
        out[name] = int(i, 16)
    return out


def test_first_appearance_mapping(tmp_path):
    out = tmp_path / "tiny.ct.gz"
    r = run(DUMP, "-o", out)
    assert r.returncode == 0, r.stderr
    first = {"main": 0, "fib": 1, "leaf": 2, "helper": 3}
    assert read_map(tmp_path / "tiny.map") == first
    ev = list(ctrace.read_events(str(out)))
    assert ev == [(ctrace.CALL, first[n], 0) for n in SEQUENCE]


def test_id_base_and_binary(tmp_path):
    out = tmp_path / "t.ctb"
    r = run(DUMP, "-o", out, "--id-base", "0x100", "--map-out", tmp_path / "m.txt")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:4] == b"CTRB"
    m = read_map(tmp_path / "m.txt")
    assert m == {"main": 0x100, "fib": 0x101, "leaf": 0x102, "helper": 0x103}


def test_hash_mapping(tmp_path):
    # FNV-1a 32 of "main", worked out from the FNV spec (offset 0x811c9dc5, prime 0x01000193)
    h = 0x811C9DC5
    for b in b"main":
        h = ((h ^ b) * 0x01000193) % (1 << 32)
    assert uftrace2ct.fnv1a32("main") == h
    out = tmp_path / "h.ct"
    r = run(DUMP, "-o", out, "--map", "hash", "--id-bits", "20")
    assert r.returncode == 0, r.stderr
    m = read_map(tmp_path / "h.map")
    assert m["main"] == h & 0xFFFFF
    assert list(ctrace.read_events(str(out))) == [(ctrace.CALL, m[n], 0) for n in SEQUENCE]


def test_hash_collision_is_an_error(tmp_path):
    out = tmp_path / "h.ct"
    r = run(DUMP, "-o", out, "--map", "hash", "--id-bits", "1")
    assert r.returncode == 2 and "collision" in r.stderr
    assert not out.exists() and not (tmp_path / "h.map").exists()


def test_gaps_from_time_stamps(tmp_path):
    src = tmp_path / "d.txt"
    src.write_text("reading 7.dat\n"
                   "1.000000000 7: [entry] a(10) depth: 0\n"
                   "1.000000100 7: [exit ] a(10) depth: 0\n"
                   "1.000000250 7: [entry] b(20) depth: 0\n"
                   "1.000001000 7: [entry] a(10) depth: 1\n"
                   "1.000001000 7: [entry] c(30) depth: 2\n")
    out = tmp_path / "g.ct"
    r = run(src, "-o", out, "--cycles-per-us", "1000")  # 1 cycle per ns
    assert r.returncode == 0, r.stderr
    C, G = ctrace.CALL, ctrace.GAP
    assert list(ctrace.read_events(str(out))) == [
        (C, 0, 0), (G, 250, 0), (C, 1, 0), (G, 750, 0), (C, 0, 0), (C, 2, 0)]


def test_reproducible(tmp_path):
    run(DUMP, "-o", tmp_path / "a.ct.gz")
    run(DUMP, "-o", tmp_path / "b.ct.gz")
    assert (tmp_path / "a.ct.gz").read_bytes() == (tmp_path / "b.ct.gz").read_bytes()


@pytest.mark.parametrize("content,frag", [
    ("", "no function entries"),
    ("uftrace file header: magic = 1\n", "no function entries"),
    ("reading 1.dat\n1.000000001 5: [entry] f(1) depth: 0\ngarbage line\n", ":3: not a line"),
    ("1.000000001 5: [entry] f depth: 0\n", ":1: malformed entry"),
])
def test_bad_dump(tmp_path, content, frag):
    src = tmp_path / "d.txt"
    src.write_text(content)
    out = tmp_path / "o.ct"
    r = run(src, "-o", out)
    assert r.returncode == 2 and frag in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert not out.exists() and not (tmp_path / "o.map").exists()


def test_bad_arguments(tmp_path):
    # exit 2, the error (last stderr line) names the file or the option, nothing written
    for args, frag in (([tmp_path / "missing.txt", "-o", tmp_path / "o.ct"], "missing.txt"),
                       ([DUMP, "-o", tmp_path / "no" / "o.ct"], "does not exist"),
                       ([DUMP, "-o", tmp_path / "o.ct", "--id-bits", "40"], "--id-bits")):
        r = run(*args)
        last = r.stderr.strip().splitlines()[-1]
        assert r.returncode == 2 and last.startswith("uftrace2ct.py: error:") and frag in last, \
            r.stderr
        assert r.stdout == "" and list(tmp_path.iterdir()) == []
    r = run("--help")
    for opt in ("--map", "--id-base", "--id-bits", "--map-out", "--cycles-per-us", "--uftrace", "--format"):
        assert opt in r.stdout


def test_uftrace_folder_input(tmp_path):
    """Records tiny.c with uftrace (Debian package) and imports the data folder."""
    # uftrace and gcc are in scripts/setup.sh's DEB_PACKAGES: missing is a failure
    assert shutil.which("uftrace") and shutil.which("gcc"), \
        "uftrace or gcc is missing: run `make setup`"
    exe = tmp_path / "tiny"
    subprocess.run(["gcc", "-O0", "-pg", "-o", str(exe), str(ROOT / "traces/samples/tiny.c")], check=True)
    data = tmp_path / "ud"
    r = subprocess.run(["uftrace", "record", "--no-libcall", "-d", str(data), str(exe)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"uftrace cannot record here: {r.stderr.strip()[:80]}")
    out = tmp_path / "t.ct"
    r = run(data, "-o", out)
    assert r.returncode == 0, r.stderr
    first = {"main": 0, "fib": 1, "leaf": 2, "helper": 3}
    assert list(ctrace.read_events(str(out))) == [(ctrace.CALL, first[n], 0) for n in SEQUENCE]
