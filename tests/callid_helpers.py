"""Helpers of the call-by-ID firmware tests (test_runtime.py, test_demo.py,
test_cmpbench.py, test_replay_fw.py): run a firmware ELF on build/ctsim with
--stats-json and return its output, exit status and parsed statistics."""
import json
import os
import subprocess
import tempfile

from fw_helpers import CTSIM, CTSIM_MAX_CYCLES, ROOT, elf  # noqa: F401

import pytest


class Run:
    def __init__(self, proc, stats):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr
        self.stats = stats

    def comparable(self):
        """Everything that must not depend on the backend or on lock-step:
        the output, the exit status and the statistics minus the fields that
        name the backend and the mode, and the cycles the accelerator was
        clocked (all cycles in lock-step, only the busy ones otherwise)."""
        s = json.loads(json.dumps(self.stats))
        s["ctlb"].pop("backend", None)
        s["ctlb"].pop("lockstep", None)
        s["ctlb"].pop("clocked", None)
        return (self.rc, self.out, s)


def ctsim_run(path, *args, timeout=120):
    if not CTSIM.exists():
        pytest.fail("build/ctsim is missing: run `make build/ctsim`")
    with tempfile.TemporaryDirectory() as d:
        js = os.path.join(d, "stats.json")
        cmd = [str(CTSIM), "-q", "--max-cycles", str(CTSIM_MAX_CYCLES), "--stats-json", js,
               *map(str, args), str(path)]
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)
        stats = None
        if os.path.exists(js):
            with open(js) as f:
                stats = json.load(f)
    return Run(proc, stats)
