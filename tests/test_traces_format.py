"""The ctrace format (traces/FORMAT.md): the Python reader/writer (scripts/ctrace.py)
and the C reader (sim/trace/ctrace_read.c, as build/ctrdump) against the spec and
against each other: round trips text <-> binary <-> gzip, and every error case."""
import gzip
import pathlib
import random
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import ctrace  # noqa: E402
from conftest import BIN, need  # noqa: E402

SAMPLES = sorted((ROOT / "traces" / "samples").glob("*.ct*"))
REAL = sorted((ROOT / "traces" / "real").glob("*.ct.gz"))


@pytest.fixture(scope="module")
def ctrdump():
    return need(BIN / "ctrdump", "build/ctrdump")


def random_events(seed, n=3000):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.choice([1, 1, 1, 1, 2, 3, 4, 5])
        if k == ctrace.PATCH:
            out.append((k, rng.getrandbits(32), rng.getrandbits(30) << 2))
        elif k == ctrace.FLUSH:
            out.append((k, 0, 0))
        else:
            out.append((k, rng.choice([0, 1, 0xFFFFFFFF, rng.getrandbits(32)]), 0))
    return out


def test_hand_written_sample_matches_spec():
    # traces/samples/hand.ct, read by hand from the file
    want = [(1, 0x10, 0), (1, 17, 0), (1, 0x10, 0), (5, 20, 0), (2, 0x10, 0x80001000),
            (1, 0x10, 0), (3, 17, 0), (1, 0x11, 0), (4, 0, 0), (1, 0x10, 0)]
    got = list(ctrace.read_events(str(ROOT / "traces/samples/hand.ct")))
    assert got == want


def test_binary_encoding_bytes():
    # FORMAT.md: "CTRB", LE version, type byte, LE operands
    data = ctrace.encode_binary([(1, 0x11223344, 0), (2, 5, 0x80001000), (4, 0, 0), (5, 7, 0)])
    assert data == (b"CTRB\x01\x00\x00\x00" + b"\x01\x44\x33\x22\x11"
                    + b"\x02\x05\x00\x00\x00\x00\x10\x00\x80" + b"\x04" + b"\x05\x07\x00\x00\x00")


@pytest.mark.parametrize("seed", [1, 2])
def test_round_trips_all_forms(tmp_path, seed, ctrdump):
    ev = random_events(seed)
    names = ["a.ct", "a.ct.gz", "a.ctb", "a.ctb.gz"]
    for name in names:
        p = tmp_path / name
        ctrace.write_trace(str(p), ev)
        raw = p.read_bytes()
        assert raw[:2] == b"\x1f\x8b" if name.endswith(".gz") else raw[:2] != b"\x1f\x8b"
        assert list(ctrace.read_events(str(p))) == ev, name
        # the C reader prints canonical text: must equal the Python text encoding
        out = subprocess.run([str(ctrdump), str(p)], capture_output=True, check=True).stdout
        assert out == ctrace.encode_text(ev), name
    # text -> binary -> gzip text conversions preserve events
    t2 = tmp_path / "b.ctb"
    ctrace.write_trace(str(t2), ctrace.read_events(str(tmp_path / "a.ct.gz")))
    assert t2.read_bytes() == (tmp_path / "a.ctb").read_bytes()


def test_gzip_is_reproducible(tmp_path):
    ev = random_events(3, 500)
    ctrace.write_trace(str(tmp_path / "x.ct.gz"), ev)
    ctrace.write_trace(str(tmp_path / "y.ct.gz"), ev)
    assert (tmp_path / "x.ct.gz").read_bytes() == (tmp_path / "y.ct.gz").read_bytes()


def test_multi_member_gzip(tmp_path, ctrdump):
    p = tmp_path / "m.ct.gz"
    p.write_bytes(gzip.compress(b"#ctrace 1\ncall 1\n") + gzip.compress(b"call 2\n"))
    assert list(ctrace.read_events(str(p))) == [(1, 1, 0), (1, 2, 0)]
    out = subprocess.run([str(ctrdump), str(p)], capture_output=True, check=True).stdout
    assert out == b"#ctrace 1\ncall 0x1\ncall 0x2\n"


# What follows a gzip member (traces/FORMAT.md, "Compression"): members back to
# back, zero padding skipped, anything else an error naming its file offset. The
# expected events and offsets are worked out by hand from the parts.
_M1 = gzip.compress(b"#ctrace 1\ncall 1\n")
_M2 = gzip.compress(b"call 2\n")
_B1 = gzip.compress(b"CTRB\x01\x00\x00\x00\x01\x07\x00\x00\x00")
_B2 = gzip.compress(b"\x04")
GZIP_TAILS = [
    ("second-member", _M1 + _M2, [(1, 1, 0), (1, 2, 0)]),
    ("zero-padding", _M1 + bytes(600000), [(1, 1, 0)]),
    ("zeros-then-member", _M1 + bytes(3) + _M2, [(1, 1, 0), (1, 2, 0)]),
    ("member-then-zeros", _M1 + _M2 + bytes(512), [(1, 1, 0), (1, 2, 0)]),
    ("empty-first-member", gzip.compress(b"") + _M1, [(1, 1, 0)]),
    ("binary-split", _B1 + _B2 + bytes(7), [(1, 7, 0), (4, 0, 0)]),
    ("garbage", _M1 + b"junk", len(_M1)),
    ("zeros-then-garbage", _M1 + bytes(5) + b"x", len(_M1) + 5),
    ("lone-1f", _M1 + b"\x1f", len(_M1)),
    ("garbage-after-second", _M1 + _M2 + b"\n", len(_M1) + len(_M2)),
    ("binary-garbage", _B1 + b"CTRB", len(_B1)),
]


@pytest.mark.parametrize("name,data,want", GZIP_TAILS, ids=[c[0] for c in GZIP_TAILS])
def test_data_after_gzip_member(tmp_path, ctrdump, name, data, want):
    p = tmp_path / f"{name}.gz"
    p.write_bytes(data)
    r = subprocess.run([str(ctrdump), str(p)], capture_output=True, text=True)
    if isinstance(want, list):
        assert list(ctrace.read_events(str(p))) == want
        assert r.returncode == 0 and r.stdout == ctrace.encode_text(want).decode(), r.stderr
        return
    msg = (f"{p}: data after a gzip member at byte {want} of the file is neither "
           "another gzip member nor zero padding")
    with pytest.raises(ctrace.TraceError) as ei:
        list(ctrace.read_events(str(p)))
    assert str(ei.value) == msg
    assert r.returncode == 2 and r.stderr == f"ctrdump: {msg}\n"


def test_truncated_second_member(tmp_path, ctrdump):
    for cut in (2, 10, len(_M2) - 1):
        p = tmp_path / "t.ct.gz"
        p.write_bytes(_M1 + _M2[:cut])
        pymsg, r = run_both(p, ctrdump)
        want = f"{p}: damaged or truncated gzip data: unexpected end of file"
        assert pymsg == want and r.stderr == f"ctrdump: {want}\n", (cut, pymsg, r.stderr)


VALID_TEXT = [
    ("#ctrace 1\ncall 0\n", [(1, 0, 0)]),
    ("#ctrace\t1 extra words\r\ncall\t0XfF  # c\r\n\n# only comment\n   \ngap 0", [(1, 255, 0), (5, 0, 0)]),
    ("#ctrace 01\ncall 007\ncall 4294967295\npatch 0xffffffff 0xfffffffc\n",
     [(1, 7, 0), (1, 0xFFFFFFFF, 0), (2, 0xFFFFFFFF, 0xFFFFFFFC)]),
    ("#ctrace 1\ninv 3\nflush\n", [(3, 3, 0), (4, 0, 0)]),
    ("#ctrace 1\n" + "call 1" + " " * 1000 + "#" + "x" * 16 + "\n", [(1, 1, 0)]),  # 1023 chars
]


@pytest.mark.parametrize("text,want", VALID_TEXT)
def test_valid_text(tmp_path, text, want, ctrdump):
    p = tmp_path / "v.ct"
    p.write_bytes(text.encode())
    assert list(ctrace.read_events(str(p))) == want
    out = subprocess.run([str(ctrdump), str(p)], capture_output=True).stdout
    assert out == ctrace.encode_text(want)


# (content, expected message fragment, expected line "FILE:N" or None)
BAD_TEXT = [
    (b"", "empty file", None),
    (b"hello\n", "not a ctrace file", None),
    (b"#ctrace\ncall 1\n", "bad header", 1),
    (b"#ctrace x\ncall 1\n", "bad header", 1),
    (b"#ctrace 2\ncall 1\n", "unsupported version", 1),
    (b"#ctrace 1\n", "empty trace", None),
    (b"#ctrace 1\n# nothing\n\n", "empty trace", None),
    (b"#ctrace 1\ncall 1\nfoo 2\n", "unknown event type 'foo'", 3),
    (b"#ctrace 1\nCALL 1\n", "unknown event type", 2),
    (b"#ctrace 1\ncall\n", "takes 1 operand", 2),
    (b"#ctrace 1\ncall 1 2\n", "takes 1 operand", 2),
    (b"#ctrace 1\nflush 3\n", "takes 0 operand", 2),
    (b"#ctrace 1\npatch 1\n", "takes 2 operand", 2),
    (b"#ctrace 1\ncall 0x\n", "malformed number", 2),
    (b"#ctrace 1\ncall 12ab\n", "malformed number", 2),
    (b"#ctrace 1\ncall -1\n", "malformed number", 2),
    (b"#ctrace 1\ncall +1\n", "malformed number", 2),
    (b"#ctrace 1\ngap 1.5\n", "malformed number", 2),
    (b"#ctrace 1\ncall 4294967296\n", "above 0xFFFFFFFF", 2),
    (b"#ctrace 1\ncall 0x100000000\n", "above 0xFFFFFFFF", 2),
    (b"#ctrace 1\ncall 1\npatch 1 0x80000002\n", "not a multiple of 4", 3),
    (b"#ctrace 1\ncall 1\ncall 1\x00\n", "NUL byte", 3),
    (b"#ctrace 1\ncall 1" + b" " * 1020 + b"\n", "longer than 1023", 2),
    (b"#ctrace 1\ncall\xa01\n", "unknown event type", 2),
]


def run_both(path, ctrdump):
    with pytest.raises(ctrace.TraceError) as ei:
        list(ctrace.read_events(str(path)))
    r = subprocess.run([str(ctrdump), "--count", str(path)], capture_output=True, text=True,
                       errors="replace")
    return str(ei.value), r


@pytest.mark.parametrize("data,frag,line", BAD_TEXT)
def test_bad_text(tmp_path, data, frag, line, ctrdump):
    for gz in (False, True):
        p = tmp_path / ("bad.ct.gz" if gz else "bad.ct")
        p.write_bytes(gzip.compress(data) if gz else data)
        pymsg, r = run_both(p, ctrdump)
        assert frag in pymsg, pymsg
        assert r.returncode == 2, r
        assert frag in r.stderr and r.stderr.count("\n") == 1, r.stderr
        if line is not None:
            assert f"{p}:{line}:" in pymsg and f"{p}:{line}:" in r.stderr, (pymsg, r.stderr)


BAD_BINARY = [
    (b"CTRB", "header cut short"),
    (b"CTRB\x02\x00\x00\x00\x01\x00\x00\x00\x00", "unsupported binary version"),
    (b"CTRB\x01\x00\x00\x00", "empty trace"),
    (b"CTRB\x01\x00\x00\x00\x01\x01\x00\x00\x00\x09", "offset 13: unknown record type 0x09"),
    (b"CTRB\x01\x00\x00\x00\x01\x01\x00\x00\x00\x02\x01\x00\x00\x00\x00\x10", "offset 13: record cut short"),
    (b"CTRB\x01\x00\x00\x00\x03\x01\x00", "offset 8: record cut short"),
    (b"CTRB\x01\x00\x00\x00\x02\x01\x00\x00\x00\x01\x00\x00\x80", "not a multiple of 4"),
]


@pytest.mark.parametrize("data,frag", BAD_BINARY)
def test_bad_binary(tmp_path, data, frag, ctrdump):
    for gz in (False, True):
        p = tmp_path / ("bad.ctb.gz" if gz else "bad.ctb")
        p.write_bytes(gzip.compress(data) if gz else data)
        pymsg, r = run_both(p, ctrdump)
        assert frag in pymsg, pymsg
        assert r.returncode == 2 and frag in r.stderr, r.stderr


@pytest.mark.parametrize("form", ["text", "binary"])
def test_truncated_and_damaged_gzip(tmp_path, ctrdump, form):
    ev = random_events(4, 20000)
    enc = ctrace.encode_text(ev) if form == "text" else ctrace.encode_binary(ev)
    full = ctrace.gzip_bytes(enc)
    cases = {
        "truncated": full[: len(full) // 2],
        "no-trailer": full[:-8],
        "damaged": full[:200] + bytes(b ^ 0x55 for b in full[200:260]) + full[260:],
        "nested": gzip.compress(full),
    }
    for name, data in cases.items():
        p = tmp_path / f"{name}.ct.gz"
        p.write_bytes(data)
        pymsg, r = run_both(p, ctrdump)
        assert r.returncode == 2, (name, r.stderr)
        want = "not a ctrace file" if name == "nested" else "gzip"
        assert want in pymsg and want in r.stderr, (name, pymsg, r.stderr)


def test_unreadable_files(tmp_path, ctrdump):
    for p in (tmp_path / "missing.ct", tmp_path):
        pymsg_ok = False
        try:
            list(ctrace.read_events(str(p)))
        except ctrace.TraceError as e:
            pymsg_ok = str(p) in str(e)
        assert pymsg_ok
        r = subprocess.run([str(ctrdump), str(p)], capture_output=True, text=True)
        assert r.returncode == 2 and str(p) in r.stderr and r.stderr.count("\n") == 1


def test_ctrdump_cli(ctrdump):
    r = subprocess.run([str(ctrdump), "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "--count" in r.stdout
    for args in (["--bogus", "x"], [], ["a", "b"]):
        r = subprocess.run([str(ctrdump)] + args, capture_output=True, text=True)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, args


@pytest.mark.parametrize("path", SAMPLES + REAL, ids=lambda p: p.name)
def test_c_and_python_readers_agree_on_committed_traces(path, ctrdump):
    ev = list(ctrace.read_events(str(path)))
    out = subprocess.run([str(ctrdump), str(path)], capture_output=True, check=True).stdout
    assert out == ctrace.encode_text(ev)


def test_real_traces_are_small():
    assert len(REAL) >= 3
    for p in REAL:
        assert p.stat().st_size < 1 << 20, p
        assert p.with_name(p.name.replace(".ct.gz", ".map")).exists(), p


def test_ctrace_cli(tmp_path):
    tool = str(ROOT / "scripts" / "ctrace.py")
    out = tmp_path / "h.ctb.gz"
    r = subprocess.run([sys.executable, tool, "convert", str(ROOT / "traces/samples/hand.ct"), str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert list(ctrace.read_events(str(out))) == list(ctrace.read_events(str(ROOT / "traces/samples/hand.ct")))
    r = subprocess.run([sys.executable, tool, "info", str(out)], capture_output=True, text=True)
    info = dict(line.split(" ", 1) for line in r.stdout.splitlines())
    # hand.ct, read by hand: 10 events; calls 0x10, 17, 0x10, 0x10, 0x11, 0x10 = 6
    # (17 == 0x11: 2 distinct IDs, 0x10..0x11); one each of patch, inv, flush, and
    # one gap of 20 cycles
    assert r.returncode == 0, r.stderr
    assert (info["events"], info["call"], info["patch"], info["inv"], info["flush"],
            info["gap"]) == ("10", "6", "1", "1", "1", "1")
    assert info["distinct_ids"] == "2" and info["gap_cycles"] == "20"
    assert (info["id_min"], info["id_max"]) == ("0x10", "0x11")
    bad = tmp_path / "bad.ct"
    bad.write_text("#ctrace 1\ncall 1\nnope\n")
    r = subprocess.run([sys.executable, tool, "convert", str(bad), str(tmp_path / "o.ct")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and f"{bad}:3:" in r.stderr and not (tmp_path / "o.ct").exists()


@pytest.mark.parametrize("name", ["w.ct", "w.ctb", "w.ct.gz", "w.ctb.gz"])
def test_c_writer_matches_python_writer(tmp_path, name, ctrdump):
    """sim/trace/ctrace_write.c (through `ctrdump -o`) writes what scripts/ctrace.py
    writes: identical bytes uncompressed, identical content when gzip."""
    ev = random_events(5, 4000)
    src = tmp_path / "src.ctb"
    ctrace.write_trace(str(src), ev)
    out_c = tmp_path / ("c-" + name)
    out_py = tmp_path / ("py-" + name)
    r = subprocess.run([str(ctrdump), str(src), "-o", str(out_c)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    ctrace.write_trace(str(out_py), ev)
    if name.endswith(".gz"):
        assert out_c.read_bytes()[:2] == b"\x1f\x8b"
        assert gzip.decompress(out_c.read_bytes()) == gzip.decompress(out_py.read_bytes())
    else:
        assert out_c.read_bytes() == out_py.read_bytes()
    assert list(ctrace.read_events(str(out_c))) == ev


def test_c_writer_leaves_nothing_on_error(tmp_path, ctrdump):
    bad = tmp_path / "bad.ct"
    bad.write_bytes(b"#ctrace 1\ncall 1\ncall 2\njunk\n")
    r = subprocess.run([str(ctrdump), str(bad), "-o", str(tmp_path / "o.ctb")], capture_output=True, text=True)
    assert r.returncode == 2 and f"{bad}:4:" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ct"]
    r = subprocess.run([str(ctrdump), str(bad), "-o", str(tmp_path / "no" / "o.ct")], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_readers_agree_on_mutated_traces(tmp_path, ctrdump):
    """Random byte mutations of a small trace (text and binary, some gzipped): the
    C and the Python reader must both accept with the same events, or both reject
    at the same place (FILE:LINE or FILE: offset)."""
    rng = random.Random(2024)
    ev0 = [(1, 5, 0), (2, 7, 8), (3, 9, 0), (4, 0, 0), (5, 3, 0), (1, 0xFFFFFFFF, 0)]
    bases = [ctrace.encode_text(ev0, ["c"]), ctrace.encode_binary(ev0)]
    alphabet = b"0123456789abcxX \t\n\r#-+.\x00\x01\x02\x05\xffcallgapinvflushpatch"
    p = tmp_path / "fz.ct"
    accepted = rejected = 0
    for _ in range(400):
        data = bytearray(rng.choice(bases))
        for _ in range(rng.randint(1, 4)):
            op, pos = rng.random(), rng.randrange(len(data) + 1)
            if op < 0.4 and data:
                data[min(pos, len(data) - 1)] = rng.choice(alphabet)
            elif op < 0.7:
                data[pos:pos] = bytes([rng.choice(b"0 x1\n#\t\r")])
            elif data:
                del data[min(pos, len(data) - 1)]
        if rng.random() < 0.3:
            data = bytearray(gzip.compress(bytes(data)))
        p.write_bytes(bytes(data))
        try:
            ev = list(ctrace.read_events(str(p)))
            perr = None
        except ctrace.TraceError as e:
            perr = str(e)
        r = subprocess.run([str(ctrdump), str(p)], capture_output=True)
        if perr is None:
            accepted += 1
            assert r.returncode == 0 and r.stdout == ctrace.encode_text(ev), bytes(data)
        else:
            rejected += 1
            where = perr.split(" ")[0]  # "FILE:LINE:" or "FILE:"
            assert r.returncode == 2 and r.stderr.decode(errors="replace").startswith(
                "ctrdump: " + where), (bytes(data), perr, r.stderr)
    assert accepted > 20 and rejected > 20
