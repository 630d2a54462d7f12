"""The fast subset of `make formal` (formal/run.py, docs/formal.md): every property
proven unbounded (abc pdr) on the small configurations, and every mutant of the RTL
caught. One test per job, so pytest-xdist spreads them over the cores."""
import importlib.util
import re

import pytest

from conftest import BUILD, ROOT

_spec = importlib.util.spec_from_file_location("formal_run", ROOT / "formal" / "run.py")
fr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fr)

WORK = BUILD / "formal" / "pytest"


def _dir(name):
    return str(WORK / re.sub(r"[^A-Za-z0-9_.-]+", "_", name))


@pytest.mark.parametrize("prop,cfg,eng", fr.JOBS, ids=["/".join(j) for j in fr.JOBS])
def test_proof(prop, cfg, eng):
    name = "/".join((prop, cfg, eng))
    # (a generous limit: P2 takes about 80 s alone, several times that on a
    # loaded machine; the verdict is the engine's, the limit only ends a hang)
    _, verdict, dt, detail = fr.run_job(name, str(ROOT / "rtl"), prop, cfg, eng, _dir(name), 900)
    assert verdict == "PASS", "%s: %s %s (%.0f s)" % (name, verdict, detail, dt)


@pytest.mark.parametrize("mut", fr.MUTANTS, ids=[m[0] for m in fr.MUTANTS])
def test_mutant_caught(mut):
    mname, fname, old, new, prop, cfg = mut
    d = fr.make_mutant(str(WORK), mname, fname, old, new)
    name = "mutant-%s" % mname
    _, verdict, dt, detail = fr.run_job(name, d, prop, cfg, "bmc", _dir(name), 300)
    assert verdict == "FAIL", "mutant %s survived %s/%s: %s %s" % (mname, prop, cfg, verdict, detail)

