"""ctrace: reader and writer of call traces (traces/FORMAT.md, version 1).

Events are tuples (kind, a, b):
    (CALL, id, 0)  (PATCH, id, target)  (INV, id, 0)  (FLUSH, 0, 0)  (GAP, n, 0)
The kind numbers are the binary record types. Used by tracegen.py, stackdist.py,
uftrace2ct.py and the tests; the C reader (sim/trace/ctrace_read.c) follows the
same rules.
"""
import argparse
import errno
import gzip
import io
import os
import signal
import stat
import struct
import sys
import tempfile
import zlib

VERSION = 1
CALL, PATCH, INV, FLUSH, GAP = 1, 2, 3, 4, 5
NAMES = {CALL: "call", PATCH: "patch", INV: "inv", FLUSH: "flush", GAP: "gap"}
KINDS = {v: k for k, v in NAMES.items()}
NOPERANDS = {CALL: 1, PATCH: 2, INV: 1, FLUSH: 0, GAP: 1}
TEXT_MAGIC = b"#ctrace"
BIN_MAGIC = b"CTRB"
GZIP_MAGIC = b"\x1f\x8b"
MAX_LINE = 1023
U32 = 0xFFFFFFFF
_HEX = frozenset("0123456789abcdefABCDEF")


class TraceError(Exception):
    """A malformed trace or an unusable file: the message is one line."""


def parse_number(tok):
    """Parses a FORMAT.md number (decimal or 0x hex) into an int, or None."""
    if tok and all(c in "0123456789" for c in tok):
        v = int(tok, 10)
    elif (len(tok) > 2 and tok[0] == "0" and tok[1] in "xX"
          and all(c in _HEX for c in tok[2:])):
        v = int(tok[2:], 16)
    else:
        return None
    return v


def _check_event(kind, ops, where):
    for v in ops:
        if v > U32:
            raise TraceError(f"{where}: number {v:#x} above 0xFFFFFFFF")
    if kind == PATCH and ops[1] & 3:
        raise TraceError(f"{where}: patch target {ops[1]:#x} is not a multiple of 4")


def _open_raw(path):
    """Returns (binary file object of the decompressed data, is_gzip)."""
    try:
        f = open(path, "rb")
    except OSError as e:
        raise TraceError(f"{path}: cannot open: {e.strerror}") from None
    try:
        head = f.read(2)
    except OSError as e:
        f.close()
        raise TraceError(f"{path}: cannot read: {e.strerror}") from None
    f.seek(0)
    if head == GZIP_MAGIC:
        return io.BufferedReader(_GzipMembers(path, f), 1 << 16), True
    return f, False


class _GzipMembers(io.RawIOBase):
    """The decompressed data of a gzip file by FORMAT.md's rule (the C reader's):
    gzip members back to back; zero bytes after a member are skipped; anything
    else after a member is an error. zlib checks each member's header, CRC-32
    and length."""

    def __init__(self, path, f):
        self._path, self._f = path, f
        self._z = None  # the member being decoded
        self._in = b""  # compressed input not yet given to zlib
        self._eof = False  # the file is exhausted
        self._total = 0  # bytes read from the file

    def readable(self):
        return True

    def close(self):
        self._f.close()
        super().close()

    def _more(self):
        if not self._eof:
            data = self._f.read(1 << 18)
            self._eof = not data
            self._total += len(data)
            self._in += data

    def readinto(self, b):
        while True:
            if self._z is None:
                self._in = self._in.lstrip(b"\0")
                if len(self._in) < 2 and not self._eof:
                    self._more()
                    continue
                if not self._in:
                    return 0
                if not self._in.startswith(GZIP_MAGIC):
                    raise TraceError(
                        f"{self._path}: data after a gzip member at byte "
                        f"{self._total - len(self._in)} of the file is neither another "
                        "gzip member nor zero padding")
                self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
            if not self._in and not self._eof:
                self._more()
            try:
                out = self._z.decompress(self._in, len(b))
            except zlib.error as e:
                msg = str(e).split(": ", 1)[-1]
                raise TraceError(f"{self._path}: damaged or truncated gzip data: {msg}") \
                    from None
            self._in = self._z.unconsumed_tail
            if self._z.eof:
                self._in = self._z.unused_data
                self._z = None
            elif not out and not self._in and self._eof:
                raise TraceError(f"{self._path}: damaged or truncated gzip data: "
                                 "unexpected end of file")
            if out:
                b[:len(out)] = out
                return len(out)


def _gz_errors(path):
    return (EOFError, zlib.error, OSError)


def read_events(path):
    """Yields the events of a trace file; raises TraceError on the first error."""
    f, _ = _open_raw(path)
    try:
        try:
            head = f.read(8)
        except _gz_errors(path) as e:
            raise TraceError(f"{path}: damaged gzip data: {e}") from None
        if not head:
            raise TraceError(f"{path}: empty file")
        if head.startswith(BIN_MAGIC):
            yield from _read_binary(path, f, head)
        elif head.startswith(TEXT_MAGIC):
            yield from _read_text(path, f, head)
        else:
            raise TraceError(f"{path}: not a ctrace file (no '#ctrace' or 'CTRB' header)")
    finally:
        f.close()


def _read_binary(path, f, head):
    if len(head) < 8:
        raise TraceError(f"{path}: offset 0: binary header cut short")
    (version,) = struct.unpack("<I", head[4:8])
    if version != VERSION:
        raise TraceError(f"{path}: offset 4: unsupported binary version {version}")
    sizes = {CALL: 4, PATCH: 8, INV: 4, FLUSH: 0, GAP: 4}
    off = 8
    buf = b""
    pos = 0
    n = 0
    while True:
        if len(buf) - pos < 9:
            buf = buf[pos:]
            pos = 0
            while len(buf) < 9:
                try:
                    more = f.read(1 << 16)
                except _gz_errors(path) as e:
                    raise TraceError(f"{path}: damaged or truncated gzip data: {e}") from None
                if not more:
                    break
                buf += more
            if not buf:
                break
        kind = buf[pos]
        size = sizes.get(kind)
        if size is None:
            raise TraceError(f"{path}: offset {off}: unknown record type {kind:#04x}")
        if len(buf) - pos < 1 + size:
            # only possible at the end of the data: read() returned less than asked
            raise TraceError(f"{path}: offset {off}: record cut short by the end of the file")
        if size == 0:
            ev = (kind, 0, 0)
        elif size == 4:
            ev = (kind, struct.unpack_from("<I", buf, pos + 1)[0], 0)
        else:
            a, b = struct.unpack_from("<II", buf, pos + 1)
            if b & 3:
                raise TraceError(f"{path}: offset {off}: patch target {b:#x} is not a multiple of 4")
            ev = (kind, a, b)
        pos += 1 + size
        off += 1 + size
        n += 1
        yield ev
    if n == 0:
        raise TraceError(f"{path}: empty trace (no events)")


def _read_text(path, f, head):
    text = io.TextIOWrapper(_Prefixed(head, f), encoding="latin-1", newline="\n")
    lineno = 0
    n = 0
    try:
        for line in text:
            lineno += 1
            where = f"{path}:{lineno}"
            body = line[:-1] if line.endswith("\n") else line
            if body.endswith("\r"):
                body = body[:-1]
            if len(body) > MAX_LINE:
                raise TraceError(f"{where}: line longer than {MAX_LINE} characters")
            if "\0" in body:
                raise TraceError(f"{where}: NUL byte in a text trace")
            if lineno == 1:
                toks = [t for t in body.replace("\t", " ").split(" ") if t]
                if (len(toks) < 2 or toks[0] != "#ctrace"
                        or not all(c in "0123456789" for c in toks[1])):
                    raise TraceError(f"{where}: bad header (expected '#ctrace 1')")
                if int(toks[1]) != VERSION:
                    raise TraceError(f"{where}: unsupported version {toks[1]}")
                continue
            hashpos = body.find("#")
            if hashpos >= 0:
                body = body[:hashpos]
            toks = [t for t in body.replace("\t", " ").split(" ") if t]
            if not toks:
                continue
            kind = KINDS.get(toks[0])
            if kind is None:
                raise TraceError(f"{where}: unknown event type '{toks[0][:40]}'")
            want = NOPERANDS[kind]
            if len(toks) - 1 != want:
                raise TraceError(f"{where}: '{toks[0]}' takes {want} operand(s), got {len(toks) - 1}")
            ops = []
            for t in toks[1:]:
                v = parse_number(t)
                if v is None:
                    raise TraceError(f"{where}: malformed number '{t[:40]}'")
                ops.append(v)
            _check_event(kind, ops, where)
            ops += [0, 0]
            n += 1
            yield (kind, ops[0], ops[1])
    except _gz_errors(path) as e:
        raise TraceError(f"{path}: damaged or truncated gzip data: {e}") from None
    if n == 0:
        raise TraceError(f"{path}: empty trace (no events)")


class _Prefixed(io.RawIOBase):
    """A readable stream: some bytes already read, then the rest of a file."""

    def __init__(self, prefix, f):
        self._prefix = prefix
        self._f = f

    def readable(self):
        return True

    def readinto(self, b):
        if self._prefix:
            n = min(len(b), len(self._prefix))
            b[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._f.read(len(b))
        b[:len(data)] = data
        return len(data)


def format_text_event(ev):
    kind, a, b = ev
    if kind == CALL:
        return f"call {a:#x}\n"
    if kind == PATCH:
        return f"patch {a:#x} {b:#x}\n"
    if kind == INV:
        return f"inv {a:#x}\n"
    if kind == FLUSH:
        return "flush\n"
    if kind == GAP:
        return f"gap {a}\n"
    raise ValueError(f"unknown event kind {kind}")


def encode_text(events, comments=()):
    parts = [f"#ctrace {VERSION}\n"]
    parts += [f"# {c}\n" for c in comments]
    parts += [format_text_event(ev) for ev in events]
    return "".join(parts).encode("ascii")


def encode_binary(events):
    out = bytearray(BIN_MAGIC + struct.pack("<I", VERSION))
    pack1 = struct.Struct("<BI").pack
    pack2 = struct.Struct("<BII").pack
    for kind, a, b in events:
        if kind in (CALL, INV, GAP):
            out += pack1(kind, a)
        elif kind == PATCH:
            out += pack2(kind, a, b)
        elif kind == FLUSH:
            out.append(kind)
        else:
            raise ValueError(f"unknown event kind {kind}")
    return bytes(out)


def gzip_bytes(data):
    bio = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=bio, mtime=0, compresslevel=9) as g:
        g.write(data)
    return bio.getvalue()


class OneLineParser(argparse.ArgumentParser):
    """argparse with the project's error convention: one line naming the
    problem (no usage block; --help has it), exit status 2."""

    def error(self, message):
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


class OutputError(OSError):
    """A failed output file or standard output; str() is one line."""

    def __str__(self):
        return f"cannot write {self.filename}: {self.strerror}"


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def atomic_write(path, data):
    """Writes bytes to an output path by the rules every tool of the project
    follows (docs/ctsim.md "Output files"; sim/outfile.h for the C tools):

    * an existing target that is not a regular file (a FIFO, a device,
      /dev/stdout, a symbolic link to one of those) is written in place;
    * otherwise the data goes to a temporary file "<name>.tmp.XXXXXXXX" in the
      target's folder, renamed over it when complete (a symbolic link to a
      regular file stays a link: the file it points to is replaced, or created
      for a dangling link). The mode is 0666 less the umask. The temporary
      file is removed on any exception, and so on SIGTERM/SIGHUP in a tool run
      by run_main().

    A failure raises OutputError (an OSError) naming the path."""
    try:
        st = os.stat(path)  # follows links
    except OSError:
        st = None
    try:
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if st is not None and not stat.S_ISREG(st.st_mode):
            fd = os.open(path, os.O_WRONLY)
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
            return
    except OSError as e:
        raise OutputError(e.errno, e.strerror, path) from None
    dest = os.path.realpath(path) if os.path.islink(path) else path
    d = os.path.dirname(os.path.abspath(dest))
    try:
        fd, tmp = tempfile.mkstemp(prefix=os.path.basename(dest) + ".tmp.", dir=d)
    except OSError as e:
        raise OutputError(e.errno, e.strerror, path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, dest)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise OutputError(e.errno, e.strerror, path) from None
        raise


class _StdoutError(OutputError):
    def __str__(self):
        return f"writing standard output: {self.strerror}"


class _CheckedStdout:
    """sys.stdout for run_main: the first failed write or flush raises
    _StdoutError (fd 1 then goes to /dev/null, so nothing fails again)."""

    def __init__(self, f):
        self._f = f
        self.failed = None

    def _fail(self, num):
        if self.failed is None:
            self.failed = _StdoutError(num, os.strerror(num))
            try:
                nul = os.open(os.devnull, os.O_WRONLY)
                os.dup2(nul, 1)
                os.close(nul)
            except OSError:
                pass
        raise self.failed

    def write(self, s):
        if self.failed is not None:
            return len(s)
        if self._f is None:
            self._fail(errno.EBADF)
        try:
            return self._f.write(s)
        except OSError as e:
            self._fail(e.errno or errno.EIO)

    def flush(self):
        if self.failed is not None or self._f is None:
            return
        try:
            self._f.flush()
        except OSError as e:
            self._fail(e.errno or errno.EIO)

    def __getattr__(self, name):
        return getattr(self._f, name)


def _signal_exit(signum, _frame):
    raise SystemExit(128 + signum)


def run_main(prog, main):
    """Runs a tool's main() and returns its exit status, with the project's
    rules for outputs: SIGTERM and SIGHUP become SystemExit (so atomic_write
    removes its temporary file), Ctrl-C is a one-line message (status 130),
    and a failed write to standard output (disk full, a closed descriptor, a
    closed pipe) is the one-line error "PROG: error: writing standard output:
    REASON" with status 2, never a silent success or a traceback."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) == signal.SIG_DFL:
            signal.signal(sig, _signal_exit)
    if sys.stdout is None:  # fd 1 closed: keep it from being reused by open()
        try:
            nul = os.open(os.devnull, os.O_WRONLY)
            if nul != 1:
                os.dup2(nul, 1)
                os.close(nul)
        except OSError:
            pass
    out = sys.stdout = _CheckedStdout(sys.stdout)
    try:
        rc = main()
        out.flush()
    except _StdoutError:
        rc = 0
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    if out.failed is not None:
        if rc == 0 or rc is None:  # not reported by the tool itself
            print(f"{prog}: error: {out.failed}", file=sys.stderr)
        return rc or 2
    return rc


def encode(events, fmt="text", compress=False, comments=()):
    events = list(events)
    if not events:
        raise TraceError("refusing to write an empty trace (no events)")
    data = encode_binary(events) if fmt == "binary" else encode_text(events, comments)
    return gzip_bytes(data) if compress else data


def write_trace(path, events, fmt=None, compress=None, comments=()):
    """Writes a trace atomically. fmt None: binary if the name contains '.ctb',
    else text. compress None: gzip if the name ends in '.gz'."""
    if fmt is None:
        fmt = "binary" if ".ctb" in os.path.basename(path) else "text"
    if compress is None:
        compress = path.endswith(".gz")
    atomic_write(path, encode(events, fmt, compress, comments))


def output_dir_ok(path):
    """Raises TraceError when the folder of an output path does not exist."""
    d = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(d):
        raise TraceError(f"{path}: output folder {d} does not exist")


def _main(argv=None):
    p = OneLineParser(
        prog="ctrace.py",
        description="Converts call traces between forms (traces/FORMAT.md) and summarises them.")
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("convert", help="convert a trace (text/binary, gzip by the output name)")
    c.add_argument("input", help="input trace (any form)")
    c.add_argument("output", help="output trace: .ct text, .ctb binary, + .gz for gzip")
    c.add_argument("--format", choices=["text", "binary"], default=None,
                   help="output form (default: binary if the name contains .ctb, else text)")
    i = sub.add_parser("info", help="print event counts, distinct IDs and the ID range")
    i.add_argument("input", help="input trace (any form)")
    args = p.parse_args(argv)
    try:
        if args.cmd == "convert":
            output_dir_ok(args.output)
            write_trace(args.output, list(read_events(args.input)), fmt=args.format)
        else:
            counts = {k: 0 for k in NAMES}
            ids = set()
            gap = 0
            for kind, a, _ in read_events(args.input):
                counts[kind] += 1
                if kind == CALL:
                    ids.add(a)
                elif kind == GAP:
                    gap += a
            print(f"trace {args.input}")
            print("events", sum(counts.values()))
            for k, name in NAMES.items():
                print(name, counts[k])
            print("gap_cycles", gap)
            print("distinct_ids", len(ids))
            if ids:
                print(f"id_min {min(ids):#x}\nid_max {max(ids):#x}")
    except (TraceError, OSError) as e:
        print(f"ctrace.py: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main("ctrace.py", _main))
