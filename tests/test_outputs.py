"""Output files of every tool (docs/ctsim.md "Output files", sim/outfile.h,
scripts/ctrace.py atomic_write): a FIFO, a device or a symbolic link at the
target path stays what it is, a write error is a one-line error with a
non-zero exit, and no temporary file is left behind: not after success, not
after an error, not after SIGTERM/SIGINT.

The FIFOs and device nodes are made here in tmp_path (os.mkfifo, os.mknod:
(1, 3) is the null device, (1, 7) the full device, whose writes fail with
ENOSPC); nothing under /dev is touched.
"""
import os
import pathlib
import re
import signal
import stat
import subprocess
import sys
import threading
import time

import pytest

from conftest import BIN, BUILD, ROOT, need

PY = str(ROOT / ".venv" / "bin" / "python")
SCRIPTS = ROOT / "scripts"
HAND = ROOT / "traces" / "samples" / "hand.ct"
DUMP = ROOT / "traces" / "samples" / "tiny.uftrace-dump.txt"
ELF = BUILD / "cycles" / "callid_mix.elf"   # call IDs, so every output has content

ENOSPC = os.strerror(28)
EBADF = os.strerror(9)


def ctsim(*a):
    return [str(need(BIN / "ctsim", "build/ctsim")), "-q", *a, str(need(ELF, "all"))]


def ctsim_sc(*a):
    return [str(need(BUILD / "ctsim-sc", "build/ctsim-sc")), "-q", *a, str(need(ELF, "all"))]


def cttrace(*a):
    return [str(need(BIN / "cttrace", "build/cttrace")), "--quiet", *a, str(HAND)]


def ctrdump(*a):
    return [str(need(BIN / "ctrdump", "build/ctrdump")), str(HAND), *a]


def script(name, *a):
    return [PY, str(SCRIPTS / name), *a]


SWEEP_CFG = f"""
traces:
  hand: {HAND}
grids:
  - name: dm
    entries: 4
    ways: 1
"""

# id -> (argv for a target path, the target's suffix). Every output option of
# every tool.
WRITERS = {
    "ctsim-stats-json": (lambda t: ctsim("--stats-json", t), ".json"),
    "ctsim-log-commits": (lambda t: ctsim("--log-commits", t), ".log"),
    "ctsim-record-trace": (lambda t: ctsim("--record-trace", t), ".ct"),
    "ctsim-trace-map": (lambda t: ctsim("--record-trace", str(pathlib.Path(t).parent / "rt.ct"),
                                        "--trace-map", t), ".map"),
    "ctsim-signature": (lambda t: [str(need(BIN / "ctsim", "build/ctsim")), "-q",
                                   "--signature", t,
                                   str(need(BUILD / "cycles" / "signature.elf", "all"))],
                        ".sig"),
    "ctsim-wave-vcd": (lambda t: ctsim("--wave", t), ".vcd"),
    "ctsim-wave-fst": (lambda t: ctsim("--wave", t), ".fst"),
    "ctsim-sc-stats-json": (lambda t: ctsim_sc("--stats-json", t), ".json"),
    "ctsim-sc-wave-fst": (lambda t: ctsim_sc("--wave", t), ".fst"),
    "cttrace-stats-json": (lambda t: cttrace("--stats-json", t), ".json"),
    "cttrace-wave-vcd": (lambda t: cttrace("--backend", "rtl", "--wave", t), ".vcd"),
    "cttrace-wave-fst": (lambda t: cttrace("--backend", "rtl", "--wave", t), ".fst"),
    "ctrdump-o": (lambda t: ctrdump("-o", t), ".ct.gz"),
    "ctrace-convert": (lambda t: script("ctrace.py", "convert", str(HAND), t), ".ctb"),
    "tracegen-o": (lambda t: script("tracegen.py", "zipf", "--count", "500", "--seed", "3",
                                    "-o", t), ".ct"),
    "stackdist-json": (lambda t: script("stackdist.py", str(HAND), "--json", t), ".json"),
    "ctrace2s-o": (lambda t: script("ctrace2s.py", str(HAND), "-o", t), ".S"),
    "uftrace2ct-o": (lambda t: script("uftrace2ct.py", str(DUMP), "--map-out",
                                      str(pathlib.Path(t).parent / "map.txt"), "-o", t), ".ct"),
    "sweep-o": (lambda t: script("sweep.py", str(pathlib.Path(t).parent / "cfg.yaml"), "-q",
                                 "--trace-dir", str(pathlib.Path(t).parent / "gen"), "-o", t),
                ".csv"),
}


def prepare(tmp_path):
    """A folder for a run: the sweep's configuration, and TMPDIR (where a
    waveform to a FIFO or device is staged) inside it."""
    (tmp_path / "cfg.yaml").write_text(SWEEP_CFG)
    (tmp_path / "tmpdir").mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(tmp_path / "tmpdir"))
    return env


def run(argv, env, **kw):
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, timeout=300, **kw)


def leftovers(tmp_path):
    """Temporary files anywhere below tmp_path ("*.tmp*", the FST writer's
    ".hier" side files)."""
    return sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")
                  if ".tmp" in p.name or p.name.endswith(".hier"))


def reference(tmp_path, wid):
    """What the writer puts into a regular file."""
    argv, suffix = WRITERS[wid]
    d = tmp_path / "ref"
    d.mkdir()
    env = prepare(d)
    target = d / ("out" + suffix)
    p = run(argv(str(target)), env)
    assert p.returncode == 0, p.stderr.decode()
    data = target.read_bytes()
    assert data, f"{wid}: empty output"
    return data


def node(path, minor):
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("making a device node needs root (CAP_MKNOD)")
    return path


def one_error_line(p):
    lines = p.stderr.decode().strip().splitlines()
    assert len(lines) == 1, p.stderr.decode()
    return lines[0]


class Fifo:
    """A FIFO in tmp_path read to the end by a thread."""

    def __init__(self, path):
        self.path = path
        os.mkfifo(path)
        self.data = None
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        with open(self.path, "rb") as f:
            self.data = f.read()

    def result(self):
        """The bytes read; the FIFO must still be a FIFO."""
        assert stat.S_ISFIFO(os.lstat(self.path).st_mode), "the FIFO was replaced"
        self.t.join(60)
        if self.t.is_alive():  # the writer never opened it: let the reader end
            os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
            self.t.join(10)
            pytest.fail("nothing was written to the FIFO")
        return self.data


# ---------------------------------------------------------------- targets

@pytest.mark.parametrize("wid", sorted(WRITERS))
def test_fifo_target_gets_the_same_bytes(tmp_path, wid):
    ref = reference(tmp_path, wid)
    argv, suffix = WRITERS[wid]
    env = prepare(tmp_path)
    fifo = Fifo(tmp_path / ("fifo" + suffix))
    p = run(argv(str(fifo.path)), env)
    assert p.returncode == 0, p.stderr.decode()
    assert fifo.result() == ref
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("wid", sorted(WRITERS))
def test_char_device_target_stays_a_device(tmp_path, wid):
    argv, suffix = WRITERS[wid]
    env = prepare(tmp_path)
    null = node(tmp_path / ("null" + suffix), 3)
    p = run(argv(str(null)), env)
    assert p.returncode == 0, p.stderr.decode()
    st = os.lstat(null)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("wid", sorted(WRITERS))
def test_full_device_is_a_one_line_error(tmp_path, wid):
    argv, suffix = WRITERS[wid]
    env = prepare(tmp_path)
    full = node(tmp_path / ("full" + suffix), 7)
    p = run(argv(str(full)), env)
    assert p.returncode != 0
    line = one_error_line(p)
    assert ENOSPC in line and str(full) in line, line
    assert re.match(r"[\w.-]+: ", line), line    # "tool: ..."
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("wid", sorted(WRITERS))
def test_regular_file_write_error_is_a_one_line_error(tmp_path, wid):
    """A write error on a regular file (a disk that fills up): here a file
    size limit (ulimit -f, SIGXFSZ ignored, so writes fail with EFBIG). Nothing
    is left at the target, not even a partial file; stdout is a pipe, which the
    limit does not cover. The limit is 0 bytes, or for FST one 512-byte block
    less than the complete file: the FST writer needs room for its own
    temporary files (with too little it dies of SIGBUS on the files it maps)
    and reports no errors itself; the shim checks the file's block structure
    and reads its hierarchy back (xlat_vl.cpp), so a file cut at its end (the
    hierarchy, written last) is an error too."""
    argv, suffix = WRITERS[wid]
    env = prepare(tmp_path)
    target = tmp_path / ("out" + suffix)
    size = len(reference(tmp_path, wid))
    blocks = size // 512 - 1 if suffix == ".fst" else 0
    assert blocks * 512 < size
    p = run(["sh", "-c", f"trap '' XFSZ; ulimit -f {blocks}; exec \"$@\"", "sh",
             *argv(str(target))], env)
    assert p.returncode != 0
    line = one_error_line(p)
    assert os.strerror(27) in line, line          # EFBIG
    assert not target.exists()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("wid", sorted(WRITERS))
def test_symlink_keeps_the_link_and_replaces_its_target(tmp_path, wid):
    ref = reference(tmp_path, wid)
    argv, suffix = WRITERS[wid]
    env = prepare(tmp_path)
    (tmp_path / "data").mkdir()
    real = tmp_path / "data" / ("real" + suffix)
    real.write_bytes(b"old contents\n")
    link = tmp_path / ("link" + suffix)
    link.symlink_to(os.path.join("data", real.name))
    p = run(argv(str(link)), env)
    assert p.returncode == 0, p.stderr.decode()
    assert link.is_symlink() and os.readlink(link) == os.path.join("data", real.name)
    assert real.read_bytes() == ref
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("wid", ["ctsim-stats-json", "ctsim-wave-fst", "cttrace-wave-vcd",
                                 "ctrdump-o", "ctrace-convert", "stackdist-json"])
def test_symlink_to_a_fifo_is_written_in_place(tmp_path, wid):
    ref = reference(tmp_path, wid)
    argv, suffix = WRITERS[wid]
    env = prepare(tmp_path)
    fifo = Fifo(tmp_path / "pipe")
    link = tmp_path / ("link" + suffix)
    link.symlink_to("pipe")
    p = run(argv(str(link)), env)
    assert p.returncode == 0, p.stderr.decode()
    assert fifo.result() == ref and link.is_symlink()
    assert leftovers(tmp_path) == []


def test_a_directory_target_is_an_error(tmp_path):
    env = prepare(tmp_path)
    for argv in (ctsim("--stats-json", str(tmp_path)), ctrdump("-o", str(tmp_path)),
                 script("ctrace.py", "convert", str(HAND), str(tmp_path))):
        p = run(argv, env)
        assert p.returncode == 2
        line = one_error_line(p)
        assert os.strerror(21) in line, line       # EISDIR
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- stdout

# tools whose normal output goes to stdout
STDOUT_TOOLS = {
    "ctsim-console": lambda: [str(need(BIN / "ctsim", "build/ctsim")), "-q",
                              str(need(BUILD / "cycles" / "hello.elf", "all"))],
    "ctsim-sc-console": lambda: [str(need(BUILD / "ctsim-sc", "build/ctsim-sc")), "-q",
                                 str(need(BUILD / "cycles" / "hello.elf", "all"))],
    "cttrace-text": lambda: [str(need(BIN / "cttrace", "build/cttrace")), str(HAND)],
    "cttrace-json-dash": lambda: [str(need(BIN / "cttrace", "build/cttrace")),
                                  "--stats-json", "-", str(HAND)],
    "ctrdump-print": lambda: ctrdump(),
    "ctrace-info": lambda: script("ctrace.py", "info", str(HAND)),
    "stackdist-text": lambda: script("stackdist.py", str(HAND)),
}


@pytest.mark.parametrize("tid", sorted(STDOUT_TOOLS))
def test_stdout_on_a_full_device(tmp_path, tid):
    argv = STDOUT_TOOLS[tid]()
    full = node(tmp_path / "full", 7)
    with open(full, "wb") as out:
        p = subprocess.run(argv, cwd=ROOT, stdout=out, stderr=subprocess.PIPE, timeout=120)
    assert p.returncode != 0
    line = one_error_line(p)
    assert "standard output" in line and ENOSPC in line, line


@pytest.mark.parametrize("tid", sorted(STDOUT_TOOLS))
def test_stdout_closed(tid):
    argv = STDOUT_TOOLS[tid]()
    p = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *argv], cwd=ROOT,
                       stderr=subprocess.PIPE, timeout=120)
    assert p.returncode != 0
    line = one_error_line(p)
    assert "standard output" in line and EBADF in line, line


@pytest.mark.parametrize("tid", ["ctrace-info", "stackdist-text"])
def test_python_stdout_closed_pipe(tid):
    """A pipe whose reader has gone: EPIPE (Python ignores SIGPIPE)."""
    r, w = os.pipe()
    os.close(r)
    try:
        p = subprocess.run(STDOUT_TOOLS[tid](), cwd=ROOT, stdout=w, stderr=subprocess.PIPE,
                           timeout=120)
    finally:
        os.close(w)
    assert p.returncode == 2
    line = one_error_line(p)
    assert "writing standard output" in line and os.strerror(32) in line, line


# ---------------------------------------------------------------- signals

LOOP = """
  .section .text.init
  .globl _start
_start:
  li   a0, 0x10001
loop:
  j    loop
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .size tohost, 8
"""


@pytest.fixture(scope="module")
def loop_elf(tmp_path_factory):
    """A program that never stops (a jump to itself)."""
    from sim_helpers import assemble
    return assemble(tmp_path_factory.mktemp("loop"), LOOP, "loop")


def wait_for(pred, what, proc, limit=60.0):
    """Polls pred() until it holds (bounded; the assertion that follows does not
    depend on how long it took)."""
    end = time.monotonic() + limit
    while not pred():
        if proc.poll() is not None:
            pytest.fail(f"the program ended before {what}: {proc.stderr.read()!r}")
        if time.monotonic() > end:
            proc.kill()
            pytest.fail(f"no {what} after {limit} s")
        time.sleep(0.01)


def _default_signals():
    # The child starts with the default action for the signals sent here: a
    # shell runs background jobs with SIGINT ignored (and nohup SIGHUP), and
    # an ignored signal is inherited (and left alone by the tools, as nohup
    # expects), so without this the test would depend on how it was started.
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)


def start(argv, **kw):
    """Popen with the default signal actions; stop() ends it whatever happens."""
    return subprocess.Popen(argv, preexec_fn=_default_signals, **kw)


def stop(p):
    if p.poll() is None:
        p.kill()
        p.wait()


def tmp_files(d):
    return [p for p in d.iterdir() if ".tmp" in p.name]


def writer_open(d, fst):
    """The temporary file exists and, for FST, the FST writer has opened it
    (its .hier side file exists): a signal before that lands between ctsim's
    creating the file and the writer's opening it by name."""
    files = tmp_files(d)
    return bool(files) and (not fst or any(p.name.endswith(".hier") for p in files))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("opt,name", [("--stats-json", "s.json"), ("--log-commits", "c.log"),
                                      ("--record-trace", "t.ct"), ("--wave", "w.vcd"),
                                      ("--wave", "w.fst")])
def test_ctsim_signal_leaves_no_temporary_file(tmp_path, loop_elf, opt, name, sig):
    target = tmp_path / name
    target.write_text("old\n")
    extra = ["--wave-walks-only"] if opt == "--wave" else []
    p = start([str(need(BIN / "ctsim", "build/ctsim")), "-q", "--max-cycles",
               str(10**15), opt, str(target), *extra, str(loop_elf)],
              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
              env=dict(os.environ, TMPDIR=str(tmp_path)))
    try:
        wait_for(lambda: writer_open(tmp_path, name.endswith(".fst")), "temporary file", p)
        p.send_signal(sig)
        assert p.wait(120) == -sig
    finally:
        stop(p)
    assert target.read_text() == "old\n"
    assert leftovers(tmp_path) == []


class FifoInput:
    """A trace fed through a FIFO whose writer stays open: the reader blocks
    after the header until close()."""

    def __init__(self, path):
        self.path = path
        os.mkfifo(path)
        self.fd = None
        self.t = threading.Thread(target=self._open, daemon=True)
        self.t.start()

    def _open(self):
        self.fd = os.open(self.path, os.O_WRONLY)
        # more than the reader's buffers, so it gets past opening the trace
        # (and creates its output) before it waits for the rest
        os.write(self.fd, b"#ctrace 1\n" + b"call 0x10\n" * 400000)

    def close(self):
        self.t.join(10)
        if self.fd is not None:
            os.close(self.fd)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("tool", ["cttrace-wave-vcd", "cttrace-wave-fst", "ctrdump-o"])
def test_trace_tools_signal_leaves_no_temporary_file(tmp_path, tool, sig):
    src = FifoInput(tmp_path / "in.ct")
    target = tmp_path / ("out.fst" if tool.endswith("fst") else "out.ct")
    if tool == "ctrdump-o":
        argv = [str(need(BIN / "ctrdump", "build/ctrdump")), str(src.path), "-o", str(target)]
    else:
        argv = [str(need(BIN / "cttrace", "build/cttrace")), "--backend", "rtl", "--wave",
                str(target), "--wave-walks-only", str(src.path)]
    p = start(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
              env=dict(os.environ, TMPDIR=str(tmp_path)))
    try:
        wait_for(lambda: writer_open(tmp_path, tool.endswith("fst")), "temporary file", p)
        p.send_signal(sig)
        assert p.wait(120) == -sig
    finally:
        stop(p)
        src.close()
    assert not target.exists()
    assert leftovers(tmp_path) == []


SIGTERM_SNIPPET = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
import ctrace
real_replace = os.replace
def replace(src, dst):
    # the temporary file is complete and not yet renamed: SIGTERM now
    assert os.path.exists(src)
    os.kill(os.getpid(), signal.SIGTERM)
    real_replace(src, dst)
os.replace = replace
def main():
    ctrace.atomic_write(sys.argv[2], b"new\\n")
    return 0
sys.exit(ctrace.run_main("snippet", main))
"""


def test_python_sigterm_while_writing_leaves_no_temporary_file(tmp_path):
    """run_main turns SIGTERM into SystemExit, so atomic_write removes its
    temporary file (the signal arrives while it exists and is complete)."""
    target = tmp_path / "out.ct"
    target.write_text("old\n")
    p = subprocess.run([PY, "-c", SIGTERM_SNIPPET, str(SCRIPTS), str(target)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 128 + signal.SIGTERM, p.stderr
    assert target.read_text() == "old\n"
    assert leftovers(tmp_path) == []


def test_python_exception_while_writing_leaves_no_temporary_file(tmp_path):
    sys.path.insert(0, str(SCRIPTS))
    import ctrace

    class Boom(Exception):
        pass

    def bad_chmod(*_):
        raise Boom

    target = tmp_path / "out.ct"
    saved = os.chmod
    os.chmod = bad_chmod
    try:
        with pytest.raises(Boom):
            ctrace.atomic_write(str(target), b"x")
    finally:
        os.chmod = saved
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("wid", ["ctsim-stats-json", "ctsim-wave-fst", "ctrdump-o",
                                 "ctrace-convert"])
def test_dangling_symlink_is_written_through(tmp_path, wid):
    """A link to a file that does not exist yet: the file it names is created
    (docs/ctsim.md "Output files"), the link stays."""
    ref = reference(tmp_path, wid)
    argv, suffix = WRITERS[wid]
    env = prepare(tmp_path)
    link = tmp_path / ("link" + suffix)
    link.symlink_to("new" + suffix)
    p = run(argv(str(link)), env)
    assert p.returncode == 0, p.stderr.decode()
    assert link.is_symlink() and (tmp_path / ("new" + suffix)).read_bytes() == ref
    assert leftovers(tmp_path) == []
