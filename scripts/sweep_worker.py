"""sweep_worker: the work of one sweep task, run where the sweep's engine puts it
(a thread of scripts/sweep.py, or a Dask worker process on this or another
machine): one build/cttrace, build/ctlru or build/ctsim run on one trace or ELF.

Self-contained (standard library only), so the Dask engine ships it to workers
by value: a worker needs the programs and, unless the traces are shipped with
the task, the trace files at the same paths as the machine running sweep.py
(docs/sweeps.md, "Dask").

run_task(task) never raises for a failed run: it returns {"ok": True, "out":
the program's JSON} or {"ok": False, "status": exit status for the sweep,
"msg": one line}.
"""
import hashlib
import json
import os
import subprocess
import tempfile

_HASHES = {}  # (path, size, mtime) -> sha256 of a program, per process


def file_hash(path):
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    if key not in _HASHES:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _HASHES[key] = h.hexdigest()
    return _HASHES[key]


def _where():
    """' on worker ADDRESS' inside a Dask worker, else ''."""
    try:
        from distributed import get_worker
        return f" on worker {get_worker().address}"
    except (ImportError, ValueError):
        return ""


def _fail(msg, status=2):
    return {"ok": False, "status": status, "msg": msg}


def _shipped_path(task):
    """The local copy of a trace or ELF sent with the task (written once per
    machine, named by its hash)."""
    d = os.path.join(tempfile.gettempdir(), f"ctsweep-{os.getuid()}")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, task["src_hash"] + task["src_suffix"])
    if not os.path.exists(path):
        fd, tmp = tempfile.mkstemp(dir=d)
        with os.fdopen(fd, "wb") as f:
            f.write(task["src_data"])
        os.replace(tmp, path)
    return path


def run_task(task):
    exe = task["exe"]
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        return _fail(f"{exe} not found or not executable{_where()}")
    if task.get("exe_hash") and file_hash(exe) != task["exe_hash"]:
        return _fail(f"{exe}{_where()} is not the build the sweep was started with "
                     "(its sha256 differs): run the same build everywhere")
    if task.get("src_data") is not None:
        src = _shipped_path(task)
    else:
        src = task["src_path"]
        if not os.access(src, os.R_OK):
            err = "No such file or directory" if not os.path.exists(src) else \
                "Permission denied"
            return _fail(f"cannot read {task['src_kind']} '{task['src_name']}' at {src}"
                         f"{_where()}: {err} (give a path every worker shares, or "
                         "--ship-traces)")
    tmp = None
    args = list(task["args"])
    if task["kind"] == "ctsim":
        fd, tmp = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        cmd = [exe, "-q", "--stats-json", tmp] + args + [src]
    elif task["kind"] == "cttrace":
        cmd = [exe] + args + ["--stats-json", "-", src]
    else:
        cmd = [exe] + args + [src]
    try:
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=task["timeout"])
        except subprocess.TimeoutExpired:
            return _fail(f"timed out after {task['timeout']:g} s{_where()}")
        except OSError as e:
            return _fail(f"cannot run {exe}{_where()}: {e.strerror}")
        if r.returncode != 0:
            msg = (r.stderr.strip().splitlines() or [f"exit status {r.returncode}"])[-1]
            if task["kind"] == "ctsim":
                msg = f"ctsim exit status {r.returncode}: {msg}"
                return _fail(msg, 2)
            return _fail(msg, 1 if r.returncode == 1 else 2)
        try:
            if tmp:
                with open(tmp, encoding="utf-8") as f:
                    return {"ok": True, "out": json.load(f)}
            return {"ok": True, "out": json.loads(r.stdout)}
        except (OSError, ValueError):
            return _fail(f"unreadable JSON output of {os.path.basename(exe)}{_where()}")
    finally:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def main(argv=None):
    """Runs one task given as a JSON file (as scripts/sweep.py builds them) and
    prints its result as JSON: for looking into a failing task by hand."""
    import argparse
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from ctrace import OneLineParser
    p = OneLineParser(prog="sweep_worker.py", description=main.__doc__)
    p.add_argument("task", help="JSON file holding one task")
    a = p.parse_args(argv)
    try:
        with open(a.task, encoding="utf-8") as f:
            task = json.load(f)
    except (OSError, ValueError) as e:
        print(f"sweep_worker.py: error: {a.task}: {e}", file=sys.stderr)
        return 2
    print(json.dumps(run_task(task), indent=1))
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(main())
