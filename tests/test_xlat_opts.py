"""The accelerator's options: one number rule and one configuration-name format
in C (model/xlat_opts.c, called through build/libxlat.so) and Python
(scripts/xlatcfg.py), which must agree; the same spellings in every tool."""
import ctypes
import json
import re
import subprocess
import sys

import pytest

from conftest import BUILD, ROOT, need

sys.path.insert(0, str(ROOT / "scripts"))
import xlatcfg  # noqa: E402


class Cfg(ctypes.Structure):
    _fields_ = [("entries", ctypes.c_uint32), ("ways", ctypes.c_uint32),
                ("policy", ctypes.c_int), ("levels", ctypes.c_uint32),
                ("level_bits", ctypes.c_uint32 * 4), ("walk_cache", ctypes.c_uint32),
                ("lfsr_seed", ctypes.c_uint32)]


@pytest.fixture(scope="module")
def lib():
    so = ctypes.CDLL(str(need(BUILD / "libxlat.so", "build/libxlat.so")))
    so.xo_number.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_uint64)]
    so.xo_config_parse.argtypes = [ctypes.c_char_p, ctypes.POINTER(Cfg), ctypes.c_char_p,
                                   ctypes.c_size_t]
    return so


def c_number(lib, s):
    v = ctypes.c_uint64()
    return v.value if lib.xo_number(s.encode(), ctypes.byref(v)) == 0 else None


def c_config(lib, name):
    c, err = Cfg(), ctypes.create_string_buffer(512)
    if lib.xo_config_parse(name.encode(), ctypes.byref(c), err, 512):
        return None, err.value.decode()
    pol = ("lru", "plru", "fifo", "random")[c.policy]
    return {"entries": c.entries, "ways": c.ways, "policy": pol,
            "level_bits": tuple(c.level_bits[:c.levels]), "walk_cache": c.walk_cache,
            "lfsr_seed": c.lfsr_seed}, ""


# (text, value by the rule worked out by hand; None = refused)
NUMBERS = [("0", 0), ("7", 7), ("0100", 100), ("08", 8), ("009", 9), ("0x10", 16),
           ("0X1f", 31), ("0x0", 0), ("18446744073709551615", 2**64 - 1),
           ("18446744073709551616", None), ("0x", None), ("", None), ("-1", None),
           ("+1", None), (" 1", None), ("1 ", None), ("1_000", None), ("0o7", None),
           ("0b1", None), ("1e3", None), ("0x1g", None), ("x10", None), ("١", None)]


@pytest.mark.parametrize("text,want", NUMBERS)
def test_number_rule_c_and_python(lib, text, want):
    assert c_number(lib, text) == want, text
    assert xlatcfg.number(text) == want, text


NAMES = [
    ("e64w4-lru-l12.10.10-wc0", (64, 4, "lru", (12, 10, 10), 0, 0)),
    ("e16w16-plru-l12.10.10-wc8", (16, 16, "plru", (12, 10, 10), 8, 0)),
    ("e1w1-fifo-l16-wc0", (1, 1, "fifo", (16,), 0, 0)),
    ("e1024w1024-random-l8.8.8.8-wc64-s1f", (1024, 1024, "random", (8, 8, 8, 8), 64, 31)),
    ("e32w8-random-l11.11.10-wc2", (32, 8, "random", (11, 11, 10), 2, 0)),
    # refused: not canonical (the name that stands for it differs), or invalid
    ("e064w4-lru-l12.10.10-wc0", None),      # leading zero
    ("e64w4-lru-l12.10.10-wc0-s5", None),     # a seed without the random policy
    ("e64w4-random-l12.10.10-wc0-sace1", None),  # the default seed is not written
    ("e64w4-random-l12.10.10-wc0-s0", None),
    ("e64w4-random-l12.10.10-wc0-S1F", None),
    ("e64w4-random-l12.10.10-wc0-s1F", None),
    ("e64w4-random-l12.10.10-wc0-s10000", None),  # 17 bits
    ("e64w4-lru-l12,10,10-wc0", None),
    ("e63w4-lru-l12.10.10-wc0", None),
    ("e64w128-lru-l12.10.10-wc0", None),
    ("e64w4-mru-l12.10.10-wc0", None),
    ("e64w4-lru-l20.10.10-wc0", None),
    ("e64w4-lru-l8.8.8.8.8-wc0", None),
    ("e64w4-lru-l12.10.10-wc3", None),
    ("e64w4-lru-l12.10.10", None),
    ("e64w4-lru-l12.10.10-wc0-", None),
    ("e64w4-lru-l12.10.10-wc0x", None),
    ("E64w4-lru-l12.10.10-wc0", None),
    ("", None),
]


@pytest.mark.parametrize("name,want", NAMES)
def test_config_names_c_and_python(lib, name, want):
    c, cerr = c_config(lib, name)
    try:
        py, perr = xlatcfg.parse_config_name(name), ""
    except ValueError as e:
        py, perr = None, str(e)
    if want is None:
        assert c is None and py is None, (name, c, py)
        assert cerr == perr, (name, cerr, perr)    # the same reason, word for word
        return
    keys = ("entries", "ways", "policy", "level_bits", "walk_cache", "lfsr_seed")
    assert c == py == dict(zip(keys, want)), name
    assert xlatcfg.config_name(py) == name          # the round trip


def test_config_name_round_trip_through_the_tools(tmp_path):
    """--config NAME in ctsim and cttrace: the configuration they report is NAME;
    a later option changes one parameter."""
    name = "e16w16-random-l8.8.8.8-wc8-s1f"
    trace = ROOT / "traces" / "samples" / "hand.ct"
    r = subprocess.run([str(need(BUILD / "cttrace", "build/cttrace")), "--config", name,
                        "--stats-json", "-", str(trace)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["config"] == name
    r = subprocess.run([str(BUILD / "cttrace"), "--config", name, "--ctlb-ways", "4",
                        "--stats-json", "-", str(trace)], capture_output=True, text=True)
    assert json.loads(r.stdout)["config"] == "e16w4-random-l8.8.8.8-wc8-s1f"
    js = tmp_path / "s.json"
    r = subprocess.run([str(BUILD / "ctsim"), "-q", "--config", name, "--stats-json", str(js),
                        str(BUILD / "cycles" / "hello.elf")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(js.read_text())["ctlb"]["config"] == name


def ctsim_json(tmp_path, *args):
    js = tmp_path / "s.json"
    r = subprocess.run([str(BUILD / "ctsim"), "-q", *args, "--stats-json", str(js),
                        str(BUILD / "cycles" / "hello.elf")], capture_output=True, text=True)
    return r, (json.loads(js.read_text()) if js.exists() else None)


def test_leading_zero_is_decimal_in_ctsim(tmp_path):
    # 0100K = 100 KiB = 102400 bytes (octal would be 64 KiB); 08 was refused
    r, s = ctsim_json(tmp_path, "--ram", "0100K", "--mul-lat", "08", "--ctlb-levels",
                      "012.010.010", "--ctlb-entries", "0x10")
    assert r.returncode == 0, r.stderr
    assert s["config"]["ram"] == 100 * 1024 and s["config"]["mul_lat"] == 8
    assert s["ctlb"]["config"] == "e16w4-lru-l12.10.10-wc0"


def test_canonical_and_alias_spellings_agree(tmp_path):
    trace = str(ROOT / "traces" / "samples" / "hand.ct")
    canon = ["--xlat", "c", "--ctlb-entries", "8", "--ctlb-ways", "2", "--ctlb-policy",
             "fifo", "--ctlb-levels", "10.10", "--dmem-lat", "3"]
    alias = ["--backend", "c", "--entries", "8", "--ways", "2", "--policy", "fifo",
             "--level-bits", "10,10", "--mem-lat", "3"]
    out = [subprocess.run([str(BUILD / "cttrace"), *a, "--stats-json", "-", trace],
                          capture_output=True, text=True) for a in (canon, alias)]
    assert out[0].returncode == 0 and out[0].stdout == out[1].stdout, out[0].stderr
    d = json.loads(out[0].stdout)
    assert (d["config"], d["mem_lat"]) == ("e8w2-fifo-l10.10-wc0", 3)
    # ctsim: the alias --mem-lat is --dmem-lat (the CPU's data-memory latency)
    a = ctsim_json(tmp_path, "--mem-lat", "3")[1]
    b = ctsim_json(tmp_path, "--dmem-lat", "3")[1]
    assert a["config"]["dmem_lat"] == b["config"]["dmem_lat"] == 3 and a == b


@pytest.mark.parametrize("prog", ["ctsim", "cttrace", "xlat-diff", "xlat-bench"])
def test_levels_is_refused_everywhere(prog):
    r = subprocess.run([str(BUILD / prog), "--levels", "3", "x"], capture_output=True,
                       text=True, stdin=subprocess.DEVNULL)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    assert "--levels is ambiguous" in lines[0] and "--ctlb-even-levels" in lines[0]


def test_default_backend_is_c_and_wave_selects_rtl(tmp_path):
    elf = str(BUILD / "cycles" / "callid_mix.elf")
    js = tmp_path / "s.json"
    r = subprocess.run([str(BUILD / "ctsim"), "-q", "--stats-json", str(js), elf])
    assert r.returncode == 0 and json.loads(js.read_text())["ctlb"]["backend"] == "c"
    w = tmp_path / "w.vcd"
    r = subprocess.run([str(BUILD / "ctsim"), "-q", "--wave", str(w), "--stats-json",
                        str(js), elf], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(js.read_text())["ctlb"]["backend"] == "rtl" and w.stat().st_size > 0
    r = subprocess.run([str(BUILD / "ctsim"), "--xlat", "c", "--wave", str(w), elf],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "use --xlat rtl" in r.stderr


def test_sweep_yaml_numbers_and_keys(tmp_path):
    """YAML integers by the same rule (PyYAML alone reads 016 as octal 14), the
    canonical keys and the older ones give the same points."""
    sweep = [sys.executable, str(ROOT / "scripts" / "sweep.py"), "--dry-run"]
    body = "traces:\n  h: traces/samples/hand.ct\ngrids:\n  - name: g\n"
    a = tmp_path / "a.yaml"
    a.write_text(body + "    ctlb_entries: [016, 0x20]\n    ctlb_ways: 02\n"
                 "    ctlb_levels: \"10.10\"\n    dmem_lat: 03\n    xlat: c\n")
    b = tmp_path / "b.yaml"
    b.write_text(body + "    entries: [16, 32]\n    ways: 2\n    level_bits: \"10,10\"\n"
                 "    mem_lat: 3\n    backend: c\n")
    ra, rb = (subprocess.run(sweep + [str(p)], capture_output=True, text=True) for p in (a, b))
    assert ra.returncode == 0 and ra.stdout == rb.stdout, ra.stderr
    assert "--ctlb-entries 16 " in ra.stdout and "--ctlb-entries 32 " in ra.stdout
    c = tmp_path / "c.yaml"
    c.write_text(body + "    ctlb_entries: 16\n    entries: 16\n")
    r = subprocess.run(sweep + [str(c)], capture_output=True, text=True)
    assert r.returncode == 2 and "same parameter" in r.stderr


def test_tracegen_numbers_follow_the_rule(tmp_path):
    """tracegen.py's integer options: 010 is ten (int(s, 0) refused it), 0x hex."""
    out = tmp_path / "t.ct"
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "tracegen.py"), "uniform",
                        "--count", "010", "--ids", "0x4", "--seed", "08", "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert sum(l.startswith("call") for l in out.read_text().splitlines()) == 10


@pytest.mark.parametrize("script,args", [
    ("stackdist.py", ["traces/samples/hand.ct", "--sizes", "02,0x4"]),
    ("ctrace2s.py", ["traces/samples/hand.ct", "-o", "OUT", "--ctlb-levels", "012.010.010",
                     "--max-events", "010"]),
])
def test_python_tools_numbers_follow_the_rule(tmp_path, script, args):
    """Leading zeros decimal and 0x hex in the Python tools' integer options
    (int(s, 0) refused 02; int(s) refused 0x4); ctrace2s takes ctsim's
    --ctlb-levels spelling (dots too)."""
    args = [str(tmp_path / "o.S") if a == "OUT" else a for a in args]
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / script), *args], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    if script == "ctrace2s.py":
        text = (tmp_path / "o.S").read_text()
        assert text.count("\n") > 5
    else:
        # the same table as --sizes 2,4
        same = subprocess.run([sys.executable, str(ROOT / "scripts" / script), args[0],
                               "--sizes", "2,4"], cwd=ROOT, capture_output=True, text=True)
        assert r.stdout == same.stdout and re.search(r"^\s+4\s", r.stdout, re.M)


def test_name_round_trip_random_configs(lib):
    """parse(name(cfg)) == cfg and name(parse(name)) == name for seeded random
    valid configurations, with the C formatter (xlat_config_name) and parser
    against the Python ones. A seed that the name does not show (another
    policy, or the default 0xACE1) comes back as 0, the same LFSR."""
    import random
    rnd = random.Random(7)
    lib.xlat_config_name.argtypes = [ctypes.POINTER(Cfg), ctypes.c_char_p, ctypes.c_size_t]
    for _ in range(500):
        e = 1 << rnd.randrange(11)
        n = rnd.randrange(1, 5)
        bits = [rnd.randrange(1, 17) for _ in range(n)]
        while sum(bits) > 32:
            bits[rnd.randrange(n)] //= 2
            bits = [max(1, b) for b in bits]
        cfg = {"entries": e, "ways": 1 << rnd.randrange(e.bit_length()),
               "policy": rnd.choice(xlatcfg.POLICIES), "level_bits": tuple(bits),
               "walk_cache": rnd.choice([0, 1, 2, 4, 8, 16, 32, 64]),
               "lfsr_seed": rnd.choice([0, 1, 0xACE1, rnd.randrange(65536)])}
        c = Cfg(cfg["entries"], cfg["ways"], xlatcfg.POLICIES.index(cfg["policy"]), n,
                (ctypes.c_uint32 * 4)(*bits), cfg["walk_cache"], cfg["lfsr_seed"])
        buf = ctypes.create_string_buffer(128)
        lib.xlat_config_name(ctypes.byref(c), buf, 128)
        name = buf.value.decode()
        assert name == xlatcfg.config_name(cfg), cfg
        back, err = c_config(lib, name)
        assert back is not None, err
        want = dict(cfg)
        if cfg["policy"] != "random" or cfg["lfsr_seed"] == 0xACE1:
            want["lfsr_seed"] = 0
        assert back == want == xlatcfg.parse_config_name(name), name
        assert xlatcfg.config_name(back) == name
