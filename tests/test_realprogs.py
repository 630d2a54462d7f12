"""The real programs (docs/realprogs.md): Lua 5.4, zlib and mbedtls from
Debian source packages, bare metal on picolibc, at the reduced size
(NAME-small.elf) that `make test` builds.

Expected values come from outside our programs:
  * Lua: the same scripts on the host's Lua 5.4 interpreter (Debian's
    lua5.4), byte for byte;
  * zlib: Python's zlib (the same zlib version, 1.2.13) compresses the same
    generated buffer with the same parameters and must give the same sizes
    and CRC-32s; its CRC-32/Adler-32 of the buffer, and it inflates the
    printed gzip stream;
  * mbedtls: the published test vectors (FIPS 180-2, RFC 1321, FIPS-197,
    SP 800-38A, the GCM specification), Python's hashlib/hmac/base64 on the
    same generated data, Python integers for the bignum results.
Every mode in $RP_MODES (the make variable, exported; all five when pytest
runs alone) must print exactly that; the direct build also runs on QEMU with
the same output. RP_SIZE=full (`make realprogs-full-check`) runs the same
checks on the full-size NAME.elf instead, at SCALE $RP_FULL_SCALE. The programs' own self-checks are tested by a Lua script
planted to fail. The build and fetch interfaces: the make variables that
add a mode (dry run), the fetch script's errors (a fake apt-get), and
scripts/embed_files.py.
"""
import base64
import hashlib
import hmac
import math
import os
import re
import shutil
import stat
import subprocess
import zlib

import pytest

from fw_helpers import run_ctsim, run_qemu
from paths import BUILD, ROOT

RP = BUILD / "realprog"
SCRIPTS = ROOT / "firmware" / "realprog" / "lua" / "scripts"
LUA_SCRIPTS = sorted(p.name for p in SCRIPTS.glob("*.lua"))
MODES = os.environ.get("RP_MODES", "direct callid jumptable flat trampoline").split()
# the size checked: small (NAME-small.elf, SCALE 1) or full (NAME.elf)
SIZE = os.environ.get("RP_SIZE", "small")
assert SIZE in ("small", "full"), f"RP_SIZE={SIZE}: small or full"
SCALE = 1 if SIZE == "small" else int(os.environ.get("RP_FULL_SCALE", "20"))
RUN_TIMEOUT = 60 if SIZE == "small" else 600
PROGRAMS = ["lua", "zlib", "mbedtls"]
FETCH = ROOT / "scripts" / "fetch-real-sources.sh"
EMBED = ROOT / "scripts" / "embed_files.py"
PY = str(ROOT / ".venv" / "bin" / "python")
CROSS = "riscv64-unknown-elf-"
# the globals a script sees on the target (lua/main.c opens base, coroutine,
# table, string, math and utf8): the host's other libraries are removed
HOST_PRELUDE = f"SCALE={SCALE} io=nil os=nil package=nil debug=nil require=nil dofile=nil loadfile=nil"


def small_elf(mode, name):
    """The ELF of the size checked (RP_SIZE)."""
    p = RP / mode / (f"{name}-small.elf" if SIZE == "small" else f"{name}.elf")
    if not p.exists():
        pytest.fail(f"{p.relative_to(ROOT)} is missing: run `make realprogs RP_MODES={mode}`")
    return p


_RUNS = {}


def run(mode, name):
    """ctsim's run of NAME-small.elf of a mode (cached: each runs once)."""
    if (mode, name) not in _RUNS:
        _RUNS[mode, name] = run_ctsim(small_elf(mode, name), timeout=RUN_TIMEOUT)
    return _RUNS[mode, name]


# ---------------------------------------------------------------- the generator (rp.h)
def xorshift32(seed):
    """firmware/realprog/common/rng.c's generator."""
    x = seed or 1
    while True:
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        yield x


def rng_bytes(seed, n):
    """rp_rng_bytes after rp_rng_seed(seed): each draw gives 4 bytes, low first."""
    g = xorshift32(seed)
    return b"".join(next(g).to_bytes(4, "little") for _ in range((n + 3) // 4))[:n]


# ---------------------------------------------------------------- Lua
_HOST_LUA = {}


def host_lua_output():
    """The expected console output: each script on the host's lua5.4, run
    from the scripts' folder (so error positions read NAME:LINE), after the
    driver's "== NAME" line, and the driver's summary line."""
    if not _HOST_LUA:
        lua = shutil.which("lua5.4")
        if lua is None:
            pytest.fail("lua5.4 is missing: run `make setup` (Debian package lua5.4)")
        out = []
        for name in LUA_SCRIPTS:
            r = subprocess.run([lua, "-e", HOST_PRELUDE, name], cwd=SCRIPTS, capture_output=True,
                               text=True, timeout=RUN_TIMEOUT)
            assert r.returncode == 0, f"host lua5.4 {name}: status {r.returncode}\n{r.stderr}"
            out.append(f"== {name}\n{r.stdout}")
        out.append(f"lua: {len(LUA_SCRIPTS)} scripts, all checks passed\n")
        _HOST_LUA["text"] = "".join(out)
    return _HOST_LUA["text"]


def first_difference(want, got):
    for i, (a, b) in enumerate(zip(want.splitlines(), got.splitlines())):
        if a != b:
            return f"line {i + 1}: expected {a!r}, got {b!r}"
    return f"lengths {len(want)} and {len(got)}"


def test_lua_scripts_are_a_few_thousand_lines():
    lines = sum(len((SCRIPTS / n).read_text().splitlines()) for n in LUA_SCRIPTS)
    assert len(LUA_SCRIPTS) >= 12 and lines >= 2000, (len(LUA_SCRIPTS), lines)


@pytest.mark.parametrize("mode", MODES)
def test_lua_matches_host_lua(mode):
    r = run(mode, "lua")
    want = host_lua_output()
    assert r.returncode == 0, f"status {r.returncode}\n{r.stdout[-2000:]}{r.stderr[-500:]}"
    assert r.stdout == want, first_difference(want, r.stdout)


@pytest.mark.skipif(SIZE != "small", reason="the size does not matter")
def test_lua_planted_failure_exits_1(tmp_path):
    """A script whose check fails: the driver reports it and exits 1, after
    the scripts before it ran. Linked from the direct build's objects with a
    scripts table of two (scripts/embed_files.py)."""
    obj = RP / "direct" / "obj"
    lua_objs = sorted((obj / "lua" / "up").glob("*.o"))
    if not lua_objs:
        pytest.fail("build/realprog/direct/obj/lua is missing: run `make realprogs`")
    (tmp_path / "a.lua").write_text('print("first")\n')
    (tmp_path / "b.lua").write_text('local x = 6 * 7\nassert(x == 43, "planted: " .. x)\n')
    subprocess.run([PY, str(EMBED), "--symbol", "rp_lua_scripts", "-o", str(tmp_path / "s.c"),
                    str(tmp_path / "a.lua"), str(tmp_path / "b.lua")], check=True)
    arch = ["-march=rv32im", "-mabi=ilp32", "-misa-spec=2.2", "--specs=picolibc.specs"]
    subprocess.run([CROSS + "gcc", *arch, "-O2", f"-I{ROOT}/firmware/realprog/common", "-c",
                    "-o", str(tmp_path / "s.o"), str(tmp_path / "s.c")], check=True)
    elf = tmp_path / "fail.elf"
    subprocess.run([CROSS + "gcc", *arch, "-nostartfiles", "-T", f"{ROOT}/firmware/common/link.ld",
                    "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments",
                    "-DPICOLIBC_DOUBLE_PRINTF_SCANF", "-Wl,--defsym=FW_HEAP_SIZE=12M",
                    "-o", str(elf), *map(str, lua_objs), str(obj / "lua" / "main.o"),
                    str(tmp_path / "s.o"), *map(str, sorted((obj / "rt").glob("*.o"))),
                    str(obj / "lua" / "scale-small.o")], check=True)
    r = run_ctsim(elf)
    assert r.returncode == 1
    assert r.stdout == "== a.lua\nfirst\n== b.lua\nlua: b.lua: b.lua:2: planted: 42\n", r.stdout


# ---------------------------------------------------------------- zlib
ZLIB_WORDS = ["call", "table", "walker", "entry", "patch", "lookaside", "buffer", "translation",
              "return", "address", "leaf", "root", "miss", "hit", "cycle", "function"]
# (the program's name of a configuration, level, window bits, strategy)
ZLIB_CONFIGS = [
    ("level 0 (stored), zlib", 0, 15, zlib.Z_DEFAULT_STRATEGY),
    ("level 1, zlib", 1, 15, zlib.Z_DEFAULT_STRATEGY),
    ("level 6, zlib", 6, 15, zlib.Z_DEFAULT_STRATEGY),
    ("level 9, zlib", 9, 15, zlib.Z_DEFAULT_STRATEGY),
    ("level 6, raw deflate", 6, -15, zlib.Z_DEFAULT_STRATEGY),
    ("level 6, gzip", 6, 31, zlib.Z_DEFAULT_STRATEGY),
    ("level 6, filtered", 6, 15, zlib.Z_FILTERED),
    ("level 6, huffman only", 6, 15, zlib.Z_HUFFMAN_ONLY),
    ("level 6, rle", 6, 15, zlib.Z_RLE),
    ("level 4, fixed codes", 4, 15, zlib.Z_FIXED),
    ("compress2 level 9", 9, 15, zlib.Z_DEFAULT_STRATEGY),
]


def zlib_buffer(n, seed):
    """zlib/main.c's rp_buffer: per draw r, a word and a space (r % 8 < 5), a
    number and a newline (5), a run of a letter (6), or the next draw's four
    bytes (7)."""
    g = xorshift32(seed)
    out = bytearray()
    while len(out) < n:
        r = next(g)
        k = r % 8
        if k == 5:
            piece = b"%d\n" % ((r >> 8) % 100000)
        elif k == 6:
            piece = bytes([ord("a") + (r >> 3) % 26]) * (1 + (r >> 8) % 40)
        elif k == 7:
            piece = next(g).to_bytes(4, "little")
        else:
            piece = ZLIB_WORDS[(r >> 3) % 16].encode() + b" "
        out += piece[:n - len(out)]
    return bytes(out)


@pytest.mark.parametrize("mode", MODES)
def test_zlib_matches_python_zlib(mode):
    r = run(mode, "zlib")
    out = r.stdout
    assert r.returncode == 0, f"status {r.returncode}\n{out[-2000:]}"
    m = re.search(r"^zlib (\S+), buffer of (\d+) bytes \(seed 0x([0-9a-f]{8})\)$", out, re.M)
    assert m, out[:500]
    assert m.group(1) == "1.2.13"
    buf = zlib_buffer(int(m.group(2)), int(m.group(3), 16))
    assert f"buffer: crc32 0x{zlib.crc32(buf):08x} adler32 0x{zlib.adler32(buf):08x}\n" in out
    # Python's zlib is the same version: the same parameters give the same
    # stream (fed in the program's 1000-byte pieces)
    assert zlib.ZLIB_RUNTIME_VERSION == "1.2.13", zlib.ZLIB_RUNTIME_VERSION
    for name, level, wbits, strategy in ZLIB_CONFIGS:
        c = zlib.compressobj(level, zlib.DEFLATED, wbits, 8, strategy)
        data = b"".join(c.compress(buf[i:i + 1000]) for i in range(0, len(buf), 1000)) + c.flush()
        line = f"{name:<24} {len(data):7d} bytes, crc32 0x{zlib.crc32(data):08x}\n"
        assert line in out, f"{name}: expected {line!r}"
    assert "damaged stream: Z_DATA_ERROR\n" in out
    # the printed gzip stream inflates to the buffer's head
    m = re.search(r"^gzip stream of the first (\d+) bytes, level 9 \((\d+) bytes\):\n([0-9a-f\n]+)",
                  out, re.M)
    assert m, out[-1500:]
    stream = bytes.fromhex(m.group(3).replace("\n", ""))
    assert len(stream) == int(m.group(2))
    assert zlib.decompress(stream, 31) == buf[:int(m.group(1))]
    assert out.endswith(f"zlib: {len(ZLIB_CONFIGS) + 1} streams, all checks passed\n")


# ---------------------------------------------------------------- mbedtls
# Published test vectors: FIPS 180-2 appendices A-C ("abc"), RFC 1321 A.5,
# FIPS-197 appendix C.1 and C.3, SP 800-38A F.2.1 and F.5.1 (the first two
# blocks), McGrew and Viega's GCM specification, test case 2.
MBEDTLS_KNOWN = {
    "sha256(abc)": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "sha512(abc)": "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                   "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    "sha1(abc)": "a9993e364706816aba3e25717850c26c9cd0d89d",
    "md5(abc)": "900150983cd24fb0d6963f7d28e17f72",
    "fips-197 aes-128": "69c4e0d86a7b0430d8cdb78070b4c55a",
    "fips-197 aes-256": "8ea2b7ca516745bfeafc49904b496089",
    "sp800-38a cbc-aes128": "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2",
    "sp800-38a ctr-aes128": "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff",
    "gcm test case 2 ciphertext": "0388dace60b6a392f328c2b971b2fe78",
    "gcm test case 2 tag": "ab6e47d42cec13bdf53a67b21257bddf",
}
MBEDTLS_SELF_TESTS = ["md5", "sha1", "sha256", "sha512", "aes", "gcm", "ccm", "cmac", "chacha20",
                      "poly1305", "chachapoly", "base64", "mpi", "ctr_drbg", "hmac_drbg"]
# too slow for the small size (mbedtls/main.c)
MBEDTLS_SELF_TESTS_FULL_ONLY = {"sha1", "sha256", "sha512", "aes", "mpi"}


def labelled(out):
    """{label: hex} of the program's "label hex" lines."""
    return {m.group(1): m.group(2) for m in re.finditer(r"^(\S.*?) ([0-9a-f]{16,})$", out, re.M)}


@pytest.mark.parametrize("mode", MODES)
def test_mbedtls_known_answers_and_python(mode):
    r = run(mode, "mbedtls")
    out = r.stdout
    assert r.returncode == 0, f"status {r.returncode}\n{out[-2000:]}"
    got = labelled(out)
    for label, want in MBEDTLS_KNOWN.items():
        assert got.get(label) == want, f"{label}: {got.get(label)}, published {want}"
    m = re.search(r"^data: (\d+) bytes \(seed 0x([0-9a-f]{8})\)$", out, re.M)
    assert m
    data = rng_bytes(int(m.group(2), 16), int(m.group(1)))
    for label, algo in [("sha256", "sha256"), ("sha224", "sha224"), ("sha512", "sha512"),
                        ("sha384", "sha384"), ("sha1", "sha1"), ("md5", "md5")]:
        assert got.get(label) == hashlib.new(algo, data).hexdigest(), label
    key = re.search(r'^hmac-sha256 key "(.*)"$', out, re.M).group(1).encode()
    assert got["hmac-sha256"] == hmac.new(key, data, hashlib.sha256).hexdigest()
    b64 = re.search(r"^base64 of the first (\d+) bytes (\S+)$", out, re.M)
    assert b64.group(2) == base64.b64encode(data[:int(b64.group(1))]).decode()
    assert "forged tags refused\n" in out


@pytest.mark.parametrize("mode", MODES)
def test_mbedtls_bignum_matches_python_integers(mode):
    out = run(mode, "mbedtls").stdout
    trials = re.findall(r"^mpi trial \d+, (\d+) bits\n((?:  .*\n)+)", out, re.M)
    assert len(trials) >= 2, out[:2000]
    for bits, body in trials:
        v = {k: int(x, 16) for k, x in re.findall(r"^  (\S+) ([0-9A-F]+)$", body, re.M)}
        a, b, e, n = v["A"], v["B"], v["E"], v["N"]
        assert a.bit_length() == int(bits) and n % 2 == 1
        assert v["A*B"] == a * b
        assert (v["A/B"], v["A%B"]) == divmod(a, b)
        assert v["A^E%N"] == pow(a, e, n)
        assert v["gcd(A,N)"] == math.gcd(a, n)
        if math.gcd(a, n) == 1:
            assert v["A^-1%N"] == pow(a, -1, n)
        else:
            assert "  A^-1%N none\n" in body
    assert "miller-rabin: 2^127-1 prime, 2^127+1 composite\n" in out


@pytest.mark.parametrize("mode", MODES)
def test_mbedtls_self_tests_pass(mode):
    out = run(mode, "mbedtls").stdout
    ran = re.findall(r"^self test (\w+):$", out, re.M)
    assert ran == [t for t in MBEDTLS_SELF_TESTS
                   if SIZE == "full" or t not in MBEDTLS_SELF_TESTS_FULL_ONLY]
    assert "failed" not in out
    checks = re.search(r"^mbedtls: (\d+) self tests and (\d+) checks passed\n\Z", out, re.M)
    assert checks and int(checks.group(1)) == len(ran), out[-300:]


# ---------------------------------------------------------------- all programs
@pytest.mark.parametrize("name", PROGRAMS)
def test_direct_build_same_on_qemu(name):
    c = run("direct", name)
    q = run_qemu(small_elf("direct", name), timeout=2 * RUN_TIMEOUT)
    assert q.stdout == c.stdout, f"{name}: " + first_difference(c.stdout, q.stdout)
    assert q.returncode == c.returncode == 0


@pytest.mark.parametrize("name", PROGRAMS)
def test_small_and_full_share_the_code(name, tmp_path):
    """NAME.elf and NAME-small.elf link the same objects but scale.c's: the
    same code, byte for byte."""
    def text(p):
        out = tmp_path / (p.name + ".text")
        subprocess.run([CROSS + "objcopy", "-O", "binary", "-j", ".text", str(p), str(out)],
                       check=True)
        return out.read_bytes()
    full = RP / "direct" / f"{name}.elf"
    assert full.exists(), f"{full} is missing: run `make realprogs`"
    small = text(small_elf("direct", name))
    assert len(small) > 10000 and text(full) == small


def test_make_builds_a_mode_with_its_compiler():
    """The interface a later session uses to add a lowering mode: RP_MODES and
    RP_CC_<mode> (make -n: nothing is built)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    # into a folder nothing was built in, so make -n lists every command
    r = subprocess.run(["make", "-n", "realprogs", "RP_MODES=direct callid",
                        "RP_BUILD=build/rp-dry-run",
                        "RP_CC_callid=/opt/fake-ctcc --ct-mode=callid", "RP_CC_DEPS_callid="],
                       cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    for obj in ["callid/obj/lua/up/lvm.o", "callid/obj/zlib/up/deflate.o",
                "callid/obj/mbedtls/up/bignum.o", "callid/obj/rt/crt0.o", "callid/obj/lua/main.o"]:
        cmd = [x for x in lines if f"-o build/rp-dry-run/{obj} " in x]
        assert cmd and cmd[0].startswith("/opt/fake-ctcc --ct-mode=callid "), (obj, cmd)
    link = [x for x in lines if "-o build/rp-dry-run/callid/lua-small.elf.tmp" in x]
    assert link and link[0].startswith("/opt/fake-ctcc --ct-mode=callid ")


# ---------------------------------------------------------------- the fetch script
def fake_apt(tmp_path, behaviour):
    """A PATH with an apt-get that knows every source package but either has
    no pinned version (behaviour "missing") or cannot download (offline)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "apt-get"
    script.write_text(f"""#!/bin/sh
# apt-get source --print-uris NAME[=VERSION] | --download-only NAME=VERSION
case "$*" in
  *--print-uris*=*) [ {behaviour} = missing ] && {{ echo "E: Can not find version" >&2; exit 100; }}; exit 0 ;;
  *--print-uris*) exit 0 ;;
  *--download-only*) echo "E: Failed to fetch http://deb.debian.org/x.dsc  Temporary failure resolving 'deb.debian.org'"; exit 100 ;;
esac
exit 1
""")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


@pytest.mark.parametrize("behaviour,message", [
    ("missing", "fetch-real-sources.sh: error: zlib: none of the pinned versions "
                "(1:1.2.13.dfsg-1+deb12u1 1:1.2.13.dfsg-1) could be fetched: version "
                "1:1.2.13.dfsg-1 is not in the configured archives (apt-cache showsrc zlib "
                "lists what is)"),
    ("offline", "fetch-real-sources.sh: error: lua5.4: none of the pinned versions "
                "(5.4.4-3+deb12u1) could be fetched: could not download it (network access to "
                "the Debian archive?): E: Failed to fetch http://deb.debian.org/x.dsc  Temporary "
                "failure resolving 'deb.debian.org'"),
])
def test_fetch_failure_is_one_line(tmp_path, behaviour, message):
    dest = tmp_path / "src"
    pkg = "zlib" if behaviour == "missing" else "lua5.4"
    r = subprocess.run(["bash", str(FETCH), "--dest", str(dest), pkg], capture_output=True,
                       text=True, env=fake_apt(tmp_path, behaviour), timeout=60)
    assert r.returncode == 2
    errors = [x for x in r.stderr.splitlines() if "error" in x]
    assert errors == [message], r.stderr
    assert not (dest / pkg).exists(), "nothing half-unpacked"


def test_fetch_refuses_bad_arguments():
    for args, msg in [(["nosuch"], "unknown source package 'nosuch' (known: lua5.4 zlib mbedtls)"),
                      (["--frob"], "unknown option '--frob' (see --help)"),
                      (["--dest"], "--dest needs a folder")]:
        r = subprocess.run(["bash", str(FETCH), *args], capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and r.stderr == f"fetch-real-sources.sh: error: {msg}\n", (args, r.stderr)


def test_fetch_is_quick_and_quiet_when_present():
    """Every pinned package is unpacked (make test fetched them): a second run
    changes nothing and prints nothing."""
    pins = subprocess.run(["bash", str(FETCH), "--list"], capture_output=True, text=True,
                          check=True).stdout.split("\n")
    stamps = {}
    for line in filter(None, pins):
        name, *versions = line.split()
        stamp = BUILD / "realsrc" / name / ".ct-version"
        assert stamp.exists(), f"{stamp} is missing: run `make realprogs`"
        assert stamp.read_text().strip() in versions
        stamps[stamp] = stamp.stat().st_mtime_ns
    r = subprocess.run(["bash", str(FETCH)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    assert {s: s.stat().st_mtime_ns for s in stamps} == stamps


def test_fetch_derives_deb_src_from_the_machines_deb_entries():
    """--print-deb-src: each deb822 stanza of type deb, retyped deb-src."""
    want = []
    d = "/etc/apt/sources.list.d"
    for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if not f.endswith(".sources") or f == "debian-src.sources":
            continue
        for stanza in open(os.path.join(d, f)).read().split("\n\n"):
            lines = [x for x in stanza.splitlines() if x and not x.startswith("#")]
            if "Types: deb" in lines:
                want.append("\n".join("Types: deb-src" if x == "Types: deb" else x for x in lines))
    r = subprocess.run(["bash", str(FETCH), "--print-deb-src"], capture_output=True, text=True,
                       check=True)
    got = [s for s in r.stdout.split("\n\n") if s.strip()]
    assert [s.strip() for s in got[:len(want)]] == want


# ---------------------------------------------------------------- embed_files.py
def test_embed_files_round_trip(tmp_path):
    a, b = tmp_path / "x.lua", tmp_path / "y.bin"
    a.write_text("print('x')\n")
    b.write_bytes(bytes(range(256)) * 3)
    outs = []
    for k in range(2):
        out = tmp_path / f"t{k}.c"
        subprocess.run([PY, str(EMBED), "--symbol", "tab", "-o", str(out), str(a), str(b)], check=True)
        outs.append(out.read_text())
    assert outs[0] == outs[1], "the same inputs give the same bytes"
    arrays = re.findall(r"static const char f\d+\[(\d+)\] = \{\n(.*?)\};", outs[0], re.S)
    assert [bytes(int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", body)) for _, body in arrays] == \
        [a.read_bytes() + b"\0", b.read_bytes() + b"\0"]
    assert '{"x.lua", f0, 11u},' in outs[0] and "const unsigned tab_count = 2u;" in outs[0]


@pytest.mark.parametrize("args,msg", [
    (["--symbol", "1x"], "--symbol: '1x' is not a C identifier"),
    (["--symbol", "t", "NOFILE"], "NOFILE: No such file or directory"),
    (["--symbol", "t", "A", "sub/A"], "sub/A: a second file named A"),
])
def test_embed_files_bad_input(tmp_path, args, msg):
    (tmp_path / "A").write_text("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "A").write_text("b")
    if args[-1] == "1x":
        args = args + ["A"]
    r = subprocess.run([PY, str(EMBED), "-o", "out.c", *args], cwd=tmp_path, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and msg in r.stderr.splitlines()[-1], r.stderr
    assert not (tmp_path / "out.c").exists()
