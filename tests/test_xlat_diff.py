"""Differential test of the accelerator: the C model against the verilated RTL,
cycle by cycle, over a covering matrix of configurations (build/xlat-diff), the
idle-cycle test, and refusal of bad configurations by both backends."""
import subprocess

import pytest

from conftest import BUILD, need

# A covering set: direct-mapped, 2-, 4-, 8-way and fully associative; every policy;
# 1, 2, 3 and 4 levels (full and partial ID coverage); walk cache off and on.
CONFIGS = [
    "e64w4-lru-l12.10.10-wc0",       # the default
    "e32w2-lru-l8.8.8-wc0",          # 2-way LRU (the C model's unrolled 2-way paths)
    "e16w1-lru-l16.16-wc0",          # direct-mapped, 2 levels
    "e32w2-fifo-l12.10.10-wc4",      # 2-way FIFO, walk cache
    "e32w4-plru-l8.8-wc0",           # 4-way PLRU, 2 levels covering 16 bits
    "e16w16-plru-l12.10.10-wc8",     # fully associative PLRU
    "e32w4-random-l16-wc0",          # 1 level, random
    "e8w8-lru-l4.4.4.4-wc2",         # fully associative LRU, 4 levels
    "e64w8-random-l10.10.12-wc16-s4d2",  # 8-way random with its own LFSR seed
    "e128w2-plru-l12.10.10-wc1",     # 2-way PLRU, one-entry walk cache
    "e4w4-fifo-l8.8.8-wc0",          # fully associative FIFO, 24 bits (RANGE faults)
    "e1w1-lru-l6-wc0",               # a single entry, 1 level of 6 bits
    # above 8 ways the C model finds entries through a hash table and keeps the
    # LRU order in a list; above 64 ways its valid-way bitmap has several words
    "e256w32-lru-l12.10.10-wc4",     # 32-way LRU, 8 sets
    "e128w128-lru-l8.8.8-wc0",       # fully associative LRU, 2 bitmap words
    "e256w128-random-l10.10.12-wc2-s1f",  # 128-way random, 2 sets
]


def run(*args, timeout=600):
    exe = need(BUILD / "xlat-diff", "build/xlat-diff")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("cfg", CONFIGS)
def test_c_vs_rtl(cfg):
    p = run("--config", cfg, "--seeds", "3", "--ops", "20000")
    assert p.returncode == 0, f"{cfg}:\n{p.stdout}\n{p.stderr}"
    assert p.stdout.strip().endswith("xlat-diff: PASS")
    lines = [l for l in p.stdout.splitlines() if l.startswith("seed ")]
    assert len(lines) == 3
    for l in lines:
        # the streams must exercise hits, walks and the independent table check
        lookups = int(l.split(" lookups")[0].split()[-1])
        hits = int(l.split(" hits")[0].split("(")[-1])
        checked = int(l.split(" answers")[0].split()[-1])
        assert lookups > 10000 and 0 < hits < lookups and checked > lookups // 2, l


@pytest.mark.parametrize("backend,cfg", [
    ("c", "e64w4-lru-l12.10.10-wc0"),
    ("c", "e16w16-random-l8.8-wc4"),
    ("c", "e32w2-fifo-l12.10.10-wc4"),
    ("rtl", "e64w4-lru-l12.10.10-wc0"),
    ("rtl", "e16w16-plru-l12.10.10-wc8"),
])
def test_idle_cycles_change_nothing(backend, cfg):
    """The same stream with idle cycles inserted (whenever the instance is not busy)
    gives the same outputs every active cycle and the same counters."""
    p = run("--idle-test", "--backend", backend, "--config", cfg, "--seeds", "2", "--ops", "20000")
    assert p.returncode == 0, f"{cfg}:\n{p.stdout}\n{p.stderr}"
    inserted = [int(l.split()[0]) for l in p.stdout.splitlines() if "idle cycles inserted" in l
                and not l.startswith("seed")]
    assert inserted and all(n > 1000 for n in inserted), p.stdout


BAD = [
    (["--entries", "48"], "entries"),
    (["--entries", "2048", "--ways", "4"], "entries"),
    (["--ways", "3"], "ways"),
    (["--entries", "16", "--ways", "32"], "ways"),
    (["--ctlb-levels", "20.10.10"], "each level width must be 1..16"),
    (["--ctlb-levels", "12.0.10"], "each level width must be 1..16"),
    (["--ctlb-levels", "4.4.4.4.4"], "--ctlb-levels"),
    (["--ctlb-levels", ""], "--ctlb-levels"),
    (["--level-bits", "12,10,010,1"], "add up to 33 bits"),
    (["--levels", "12.10.10"], "--levels is ambiguous"),  # cttrace's was a count
    (["--ctlb-even-levels", "1"], "--ctlb-even-levels"),
    (["--dmem-lat", "2"], "unknown option"),       # no memory latency in xlat-diff
    (["--policy", "mru"], "policy"),
    (["--walk-cache", "3"], "--walk-cache"),
    (["--walk-cache", "128"], "--walk-cache"),
    (["--lfsr-seed", "70000"], "--lfsr-seed"),

    (["--config", "e64w4-mru-l12-wc0"], "policy"),
    (["--config", "nonsense"], "--config"),
    (["--ops", "-5"], "--ops"),
    (["--ops", "0"], "--ops: '0' is not a number in 1.."),      # would compare nothing
    (["--seeds", "0"], "--seeds: '0' is not a number in 1.."),
    (["--bogus"], "--bogus"),
]


@pytest.mark.parametrize("backend", ["c", "rtl"])
@pytest.mark.parametrize("args,word", BAD)
def test_bad_configuration_refused(backend, args, word):
    p = run("--idle-test", "--backend", backend, *args, timeout=60)
    assert p.returncode == 2, p.stdout + p.stderr
    err = p.stderr.strip()
    assert len(err.splitlines()) == 1 and word in err, err
    assert "Assertion" not in err and "%Error" not in err
    assert "PASS" not in p.stdout


def test_help():
    for exe in ("xlat-diff", "xlat-bench"):
        p = subprocess.run([str(need(BUILD / exe, f"build/{exe}")), "--help"],
                           capture_output=True, text=True)
        assert p.returncode == 0 and "usage:" in p.stdout
        for opt in ("--ctlb-entries", "--ctlb-ways", "--ctlb-policy", "--ctlb-levels",
                    "--ctlb-even-levels", "--walk-cache", "--lfsr-seed", "--config",
                    "--entries", "--ways", "--policy", "--level-bits", "--xlat", "--backend"):
            assert opt in p.stdout, (exe, opt)


MUTANTS = [
    # (configuration, original text in model/xlat_c.c, mutated text)
    ("e32w8-random-l12.10.10-wc0", "LFSR_TAPS 0xB400u", "LFSR_TAPS 0xB401u"),
    ("e64w4-lru-l12.10.10-wc0", "} else if (hit) {\n    touch(m, lkp_set, lkp_way);",
     "} else if (hit) {"),
    ("e64w4-lru-l12.10.10-wc0", "fill = m->fault == XLAT_FAULT_NONE && !kill;",
     "fill = m->fault == XLAT_FAULT_NONE;"),
    ("e32w2-fifo-l12.10.10-wc4", "m->wc_ptr = (m->wc_ptr + 1) & (m->wc_n - 1);", ""),
    # a walk killed while its read is open goes on with that read's data
    ("e64w4-lru-l12.10.10-wc0",
     "if (kill) { /* killed while the read was open: its data is dropped */", "if (0) {"),
    # the unrolled refill of a 2/4/8-way LRU CTLB evicts the second oldest way
    ("e64w4-lru-l12.10.10-wc0", "if (a[w] == n - 1) {", "if (a[w] == n - 2) {"),
    ("e32w2-lru-l8.8.8-wc0", "if (a[w] == n - 1) {", "if (a[w] == n - 2) {"),
    # the LRU victim one place away from the tail of the list (one set)
    ("e16w16-lru-l12.10.10-wc0", "return m->lru_tail[set]; /* age ways-1 */",
     "return m->lru_prev[m->lru_tail[set]];"),
]


@pytest.mark.parametrize("cfg,orig,mutant", MUTANTS)
def test_diff_catches_a_wrong_c_model(tmp_path, cfg, orig, mutant):
    """A deliberately broken copy of the C model must be caught by xlat-diff, which
    then names the seed, the configuration and the cycle."""
    src = (BUILD.parent / "model" / "xlat_c.c").read_text()
    assert orig in src, "the mutation no longer applies: update MUTANTS"
    (tmp_path / "xlat_c.c").write_text(src.replace(orig, mutant, 1))
    exe = tmp_path / "xlat-diff-mutant"
    m = BUILD.parent / "model"
    subprocess.run(["cc", "-std=c11", "-O1", f"-I{m}", "-o", str(exe), str(tmp_path / "xlat_c.c"),
                    str(m / "xlat.c"), str(m / "xlat_rtl.c"), str(m / "xlat_opts.c"), str(m / "xlat_diff.c"),
                    "-ldl"], check=True)
    p = subprocess.run([str(exe), "--config", cfg, "--seeds", "3", "--ops", "20000"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 1, p.stdout + p.stderr
    assert f"config {cfg}" in p.stderr and "seed " in p.stderr
    assert "MISMATCH" in p.stderr or "WRONG ANSWER" in p.stderr


def test_parallel_builds_of_one_configuration(tmp_path):
    """Two processes asking at once for a configuration that is not built yet: one
    builds it under the lock, both run."""
    import shutil
    cfg = "e8w2-plru-l5.5.5-wc2"
    shutil.rmtree(BUILD / "xlat-rtl" / cfg, ignore_errors=True)
    exe = str(need(BUILD / "xlat-diff", "build/xlat-diff"))
    ps = [subprocess.Popen([exe, "--config", cfg, "--ops", "3000"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True) for _ in range(2)]
    notes = []
    for p in ps:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, out + err
        notes += err.splitlines()
    log = (BUILD / "xlat-rtl" / cfg / "build.log").read_text()
    assert log.count("xlat_build: ") == 1
    # the builder says so once; the other one, if it came to the lock while the
    # build ran, says it waits (model/xlat.h, xlat_set_quiet)
    build_note = f"xlat: building the RTL model {cfg} (once)"
    wait_note = f"xlat: waiting for another process building the RTL model {cfg}"
    assert notes.count(build_note) == 1, notes
    assert all(n in (build_note, wait_note) for n in notes), notes


def test_failed_rtl_build_is_reported(tmp_path):
    """A configuration whose verilated build fails: a one-line error naming the log,
    exit status 2, no library left behind."""
    import os
    import shutil
    cfg = "e2w1-fifo-l3-wc0"
    d = BUILD / "xlat-rtl" / cfg
    shutil.rmtree(d, ignore_errors=True)
    env = dict(os.environ, VERILATOR="false")
    exe = str(need(BUILD / "xlat-diff", "build/xlat-diff"))
    p = subprocess.run([exe, "--config", cfg], capture_output=True, text=True, env=env,
                       timeout=120)
    assert p.returncode == 2
    note, err = p.stderr.strip().splitlines()  # the build's note, then one error line
    assert note == f"xlat: building the RTL model {cfg} (once)", p.stderr
    assert cfg in err and "build.log" in err, err
    assert not (d / "libxlat_vl.so").exists()
    shutil.rmtree(d, ignore_errors=True)


DEFAULT_CFG = "e64w4-lru-l12.10.10-wc0"  # what ctsim and cttrace use without options


def fake_root(tmp_path, name):
    """A project root (CTSIM_ROOT) whose model/xlat_build.sh 'builds' a
    configuration by copying the library `make all` built for the default one:
    an on-demand build in well under a second, counted in a file."""
    lib = need(BUILD / "xlat-rtl" / DEFAULT_CFG / "libxlat_vl.so", "all")
    root = tmp_path / name
    (root / "model").mkdir(parents=True)
    (root / "model" / "xlat_build.sh").write_text(
        'set -eu\nmkdir -p "$1/build/xlat-rtl/$2"\necho "$2" >> "$1/builds.txt"\n'
        f'cp "{lib}" "$1/build/xlat-rtl/$2/libxlat_vl.so"\n'
        # the flags it was built with, as xlat_build.sh writes them (else stale)
        f'cp "{lib.parent / "build.flags"}" "$1/build/xlat-rtl/$2/build.flags"\n')
    return root


@pytest.mark.parametrize("tool", ["cttrace", "ctsim"])
def test_on_demand_build_says_so_once(tmp_path, tool):
    """The first use of an RTL configuration prints one line on stderr naming it;
    a second use (built) prints nothing; --quiet / -q prints nothing."""
    import os
    root = BUILD.parent
    if tool == "cttrace":
        cmd = [str(need(BUILD / "cttrace", "build/cttrace")), "--backend", "rtl",
               str(root / "traces" / "samples" / "hand.ct")]
        quiet = "--quiet"
    else:
        cmd = [str(need(BUILD / "ctsim", "build/ctsim")), "--xlat", "rtl",
               str(need(BUILD / "firmware" / "replay" / "replay-hand.elf", "all"))]
        quiet = "-q"
    note = f"xlat: building the RTL model {DEFAULT_CFG} (once)"
    fake = fake_root(tmp_path, "loud")
    env = dict(os.environ, CTSIM_ROOT=str(fake))
    runs = [subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
            for _ in range(2)]
    for r in runs:
        assert r.returncode == 0, r.stderr
    assert (fake / "builds.txt").read_text() == DEFAULT_CFG + "\n"
    assert runs[0].stderr.splitlines().count(note) == 1, runs[0].stderr
    assert runs[0].stderr.splitlines()[0] == note, runs[0].stderr
    assert "xlat:" not in runs[1].stderr, runs[1].stderr
    fake = fake_root(tmp_path, "quiet")
    r = subprocess.run(cmd[:1] + [quiet] + cmd[1:], capture_output=True, text=True,
                       env=dict(os.environ, CTSIM_ROOT=str(fake)), timeout=60)
    assert r.returncode == 0, r.stderr
    assert (fake / "builds.txt").read_text() == DEFAULT_CFG + "\n"
    assert "xlat:" not in r.stderr, r.stderr


@pytest.mark.parametrize("cfg", ["e128w128-lru-l12.10.10-wc0", "e256w32-lru-l12.10.10-wc0",
                                 "e512w512-fifo-l12.10.10-wc0", "e256w128-random-l12.10.10-wc0",
                                 "e256w256-plru-l12.10.10-wc0"])
def test_c_vs_rtl_with_full_sets(tmp_path, cfg):
    """xlat-diff's streams flush too often to fill a CTLB of hundreds of ways, so
    the victim choice of a full set (the C model's LRU list, its valid-way bitmap
    and hash lookup above 8 ways) is compared here: a Zipf trace over 2000 IDs
    without flushes through cttrace on both backends gives the same counters
    (every one of thousands of evictions must pick the same way, or the hit
    counts drift apart)."""
    import json
    import sys
    trace = tmp_path / "z.ctb"
    subprocess.run([sys.executable, str(BUILD.parent / "scripts" / "tracegen.py"), "zipf",
                    "--count", "20000", "--ids", "2000", "--skew", "0.8", "--seed", "3",
                    "--inv-rate", "0.002", "-o", str(trace)], check=True)
    exe = str(need(BUILD / "cttrace", "build/cttrace"))
    stats = {}
    for b in ("c", "rtl"):
        p = subprocess.run([exe, "--quiet", "--xlat", b, "--config", cfg, "--stats-json", "-",
                            str(trace)], capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, p.stderr
        stats[b] = json.loads(p.stdout)
    c, r = stats["c"], stats["rtl"]
    assert c["misses"] > int(cfg[1:cfg.index("w")]) * 4, c  # many evictions
    for k in ("hits", "misses", "walk_cycles", "mem_reads", "invalidations", "cycles"):
        assert c[k] == r[k], (cfg, k, c[k], r[k])
