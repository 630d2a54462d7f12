"""scripts/sweep.py's Dask engine on a cluster this test starts (a scheduler and
2 worker processes on this machine, loopback only): the CSV is byte-identical
to the local engine's, with the traces shipped or read from their paths; a
worker killed while it runs a point (at a point chosen by counting, not by
time) loses nothing; a scheduler that does not answer and a worker without the
trace give one-line errors."""
import json
import os
import pathlib
import signal
import socket
import stat
import subprocess
import sys
import time

import pytest

from conftest import BIN, need

ROOT = pathlib.Path(__file__).resolve().parent.parent
PY = sys.executable
SWEEP = ROOT / "scripts" / "sweep.py"

CFG = """
traces:
  z: {{gen: zipf, count: 4000, ids: 400, seed: 2}}
  real: {real}
grids:
  - name: g
    ctlb_entries: [8, 32, 128]
    ctlb_ways: [2, full]
    ctlb_policy: [lru, fifo, random]
    dmem_lat: [1, 4]
"""


def _wait_for(cond, what, limit=120):
    """Polls cond() (not a timing assumption: a limit for a hung cluster)."""
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > limit:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def cluster(tmp_path):
    """(scheduler address, [worker Popen, worker Popen])."""
    sfile = tmp_path / "scheduler.json"
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")
    log = open(tmp_path / "cluster.log", "w")
    procs = [subprocess.Popen([PY, "-m", "distributed.cli.dask_scheduler", "--host",
                               "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(sfile)], stdout=log, stderr=log,
                              env=env)]
    workers = []
    try:
        _wait_for(lambda: sfile.exists() and sfile.stat().st_size > 0, "the scheduler")
        addr = json.loads(sfile.read_text())["address"]
        for i in range(2):
            workers.append(subprocess.Popen(
                [PY, "-m", "distributed.cli.dask_worker", addr, "--nthreads", "1",
                 "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                 "--local-directory", str(tmp_path / f"w{i}")],
                stdout=log, stderr=log, env=env))
        procs += workers
        yield addr, workers
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        log.close()


def sweep(cfg, out, *args):
    return subprocess.run([PY, str(SWEEP), str(cfg), "-o", str(out), "-q", "--trace-dir",
                           str(out.parent / "gen"), *args], capture_output=True, text=True,
                          timeout=600)


def _cfg(tmp):
    c = tmp / "c.yaml"
    c.write_text(CFG.format(real=ROOT / "traces/real/lua-objects.ct.gz"))
    return c


def test_dask_equals_local(tmp_path, cluster):
    need(BIN / "cttrace", "build/cttrace")
    addr, _ = cluster
    cfg = _cfg(tmp_path)
    r = sweep(cfg, tmp_path / "local.csv", "-j", "2")
    assert r.returncode == 0, r.stderr
    for name, extra in (("paths", []), ("shipped", ["--ship-traces"])):
        r = sweep(cfg, tmp_path / f"{name}.csv", "--scheduler", addr, *extra)
        assert r.returncode == 0, r.stderr
        assert (tmp_path / f"{name}.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()


def test_worker_killed_mid_sweep(tmp_path, cluster):
    """Point runs past the 4th wait (their cttrace blocks on a file) until both
    workers hold one; then one worker is killed and the file released: Dask
    reruns the lost point on the other, and the CSV is complete and identical."""
    addr, workers = cluster
    real = need(BIN / "cttrace", "build/cttrace")
    log, gate = tmp_path / "runs.log", tmp_path / "go"
    fake = tmp_path / "cttrace"
    fake.write_text(f"""#!{PY}
import fcntl, os, sys, time
with open({str(log)!r}, "a") as f:
    fcntl.flock(f, fcntl.LOCK_EX)
    f.write("run\\n")
    f.flush()
    n = sum(1 for _ in open({str(log)!r}))
if n > 4 and not os.path.exists({str(gate)!r}):
    open({str(tmp_path)!r} + "/blocked-%d" % os.getpid(), "w").close()
    for _ in range(6000):  # (bounded: 10 minutes)
        if os.path.exists({str(gate)!r}):
            break
        time.sleep(0.1)
os.execv({str(real)!r}, [{str(real)!r}] + sys.argv[1:])
""")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    cfg = _cfg(tmp_path)
    cfg.write_text(cfg.read_text().replace("[lru, fifo, random]", "[fifo, random]"))
    ref = tmp_path / "ref.csv"
    gate.write_text("")
    assert sweep(cfg, ref, "--cttrace", str(fake), "-j", "2").returncode == 0
    gate.unlink()
    log.unlink()
    out = tmp_path / "out.csv"
    p = subprocess.Popen([PY, str(SWEEP), str(cfg), "-o", str(out), "-q", "--trace-dir",
                          str(tmp_path / "gen"), "--scheduler", addr, "--cttrace", str(fake)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        journal = tmp_path / "out.csv.journal"
        _wait_for(lambda: len(list(tmp_path.glob("blocked-*"))) == 2, "two blocked runs")
        _wait_for(lambda: journal.exists() and
                  len(journal.read_text().splitlines()) >= 4 * 2, "4 points recorded")
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        gate.write_text("")
        _, err = p.communicate(timeout=600)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    assert out.read_bytes() == ref.read_bytes()
    assert not journal.exists()


def test_scheduler_that_does_not_answer(tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    t = tmp_path / "t.ct"
    t.write_text("#ctrace 1\ncall 1\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"traces:\n  t: {t}\ngrids:\n  - {{name: g}}\n")
    r = sweep(cfg, tmp_path / "o.csv", "--scheduler", f"tcp://127.0.0.1:{port}",
              "--connect-timeout", "2")
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    assert "no Dask scheduler answered at tcp://127.0.0.1" in lines[0]
    assert sorted(x.name for x in tmp_path.iterdir()) == ["c.yaml", "t.ct"]


def test_worker_without_the_trace(tmp_path, cluster):
    """A worker that cannot read the trace at its path (as on a machine without
    the shared folder): one line naming the trace, the path and the worker."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import distributed
    import sweep_worker
    addr, _ = cluster
    task = {"kind": "cttrace", "exe": str(need(BIN / "cttrace", "build/cttrace")),
            "exe_hash": None, "args": [], "src_name": "t", "src_kind": "trace",
            "src_path": str(tmp_path / "elsewhere.ct"), "src_hash": "0", "src_suffix": ".ct",
            "src_data": None, "timeout": 60}
    with distributed.Client(addr, timeout="30s") as c:
        c.upload_file(sweep_worker.__file__)  # as the sweep does
        r = c.submit(sweep_worker.run_task, task, pure=False).result(timeout=120)
    assert not r["ok"] and r["status"] == 2
    assert "cannot read trace 't' at " + str(tmp_path / "elsewhere.ct") in r["msg"]
    assert " on worker tcp://127.0.0.1:" in r["msg"] and "--ship-traces" in r["msg"]
