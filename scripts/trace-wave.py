#!/usr/bin/env python3
"""trace-wave: a waveform of the accelerator's table walks for a call trace
(traces/FORMAT.md), e.g. one recorded from a firmware run with
`ctsim --record-trace`. The stand-in of `make wave` while ctsim itself has no
waveform option (docs/waves.md).

The trace runs through the verilated RTL (build/libxlat.so, model/xlat.h) the
way build/cttrace runs it: a table in a simulated memory (root at 0x80000000,
lower tables after it, every ID of the trace mapped to a synthetic handler
0x40000000 + 4 * (ID mod 2^28), patches write their target), walk reads answered
--mem-lat cycles after they are accepted, events back to back. Gaps are not
clocked (idle cycles change no state, docs/accelerator.md section 3), so dump
time counts accelerator cycles, not CPU cycles. xlat_trace_open() writes the
dump (walks only, plus --margin cycles after each; a .fst name gives FST).

Usage: trace-wave.py TRACE -o OUT.vcd [--level-bits 12,10,10] [--mem-lat 1]
                     [--margin 2] [--all-cycles]
Errors print one line and exit 2; a failed run leaves no dump behind.
"""
import argparse
import ctypes
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctrace  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIB = os.path.join(ROOT, "build", "libxlat.so")


class Config(ctypes.Structure):
    _fields_ = [("entries", ctypes.c_uint32), ("ways", ctypes.c_uint32),
                ("policy", ctypes.c_int), ("levels", ctypes.c_uint32),
                ("level_bits", ctypes.c_uint32 * 4), ("walk_cache", ctypes.c_uint32),
                ("lfsr_seed", ctypes.c_uint32)]


class In(ctypes.Structure):
    _fields_ = [("req_valid", ctypes.c_uint8), ("req_id", ctypes.c_uint32),
                ("inv_valid", ctypes.c_uint8), ("inv_all", ctypes.c_uint8),
                ("inv_id", ctypes.c_uint32), ("root", ctypes.c_uint32),
                ("mem_req_ready", ctypes.c_uint8), ("mem_rsp_valid", ctypes.c_uint8),
                ("mem_rsp_err", ctypes.c_uint8), ("mem_rsp_data", ctypes.c_uint32)]


class Out(ctypes.Structure):
    _fields_ = [("req_ready", ctypes.c_uint8), ("rsp_valid", ctypes.c_uint8),
                ("rsp_hit", ctypes.c_uint8), ("rsp_fault", ctypes.c_uint8),
                ("rsp_addr", ctypes.c_uint32), ("mem_req_valid", ctypes.c_uint8),
                ("mem_req_addr", ctypes.c_uint32), ("busy", ctypes.c_uint8)]


class Error(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def levels_arg(text):
    try:
        bits = [int(t, 10) for t in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a list like 12,10,10") from None
    if not 1 <= len(bits) <= 4 or any(not 1 <= b <= 16 for b in bits) or sum(bits) > 32:
        raise argparse.ArgumentTypeError(f"'{text}': 1..4 levels of 1..16 bits, sum <= 32")
    return bits


def count_arg(lo):
    def parse(text):
        try:
            v = int(text, 10)
        except ValueError:
            v = lo - 1
        if not lo <= v <= 10000:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number {lo}..10000")
        return v
    return parse


class Table:
    """The radix table in a word dictionary, laid out like cttrace's."""

    def __init__(self, bits):
        self.bits, self.width = bits, sum(bits)
        self.mem = {}
        self.root = 0x80000000
        self.next = self.root + (4 << bits[0])

    def leaf_addr(self, id_):
        if self.width < 32 and id_ >> self.width:
            raise Error(f"ID {id_:#x} does not fit the {self.width}-bit table")
        base, shift = self.root, self.width
        for lvl, b in enumerate(self.bits):
            shift -= b
            addr = base + 4 * ((id_ >> shift) & ((1 << b) - 1))
            if lvl == len(self.bits) - 1:
                return addr
            e = self.mem.get(addr, 0)
            if not e & 1:
                e = self.next | 1
                self.mem[addr] = e
                self.next += 4 << self.bits[lvl + 1]
            base = e & ~3

    def map(self, id_, target=None):
        a = self.leaf_addr(id_)
        if target is not None or not self.mem.get(a, 0) & 1:
            t = target if target is not None else 0x40000000 + 4 * (id_ & 0x0FFFFFFF)
            self.mem[a] = t | 3


def run(a):
    try:
        events = list(ctrace.read_events(a.trace))
    except ctrace.TraceError as e:
        raise Error(str(e)) from None
    if not os.path.exists(LIB):
        raise Error(f"{LIB} is missing: run make build/libxlat.so")
    lib = ctypes.CDLL(LIB)
    lib.xlat_create.restype = ctypes.c_void_p
    lib.xlat_create.argtypes = [ctypes.c_int, ctypes.POINTER(Config), ctypes.c_char_p,
                                ctypes.c_size_t]
    lib.xlat_config_default.argtypes = [ctypes.POINTER(Config)]
    lib.xlat_step.argtypes = [ctypes.c_void_p, ctypes.POINTER(In), ctypes.POINTER(Out)]
    lib.xlat_trace_open.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint64,
                                    ctypes.c_uint64, ctypes.c_int, ctypes.c_uint,
                                    ctypes.c_char_p, ctypes.c_size_t]
    lib.xlat_trace_close.argtypes = [ctypes.c_void_p]
    lib.xlat_destroy.argtypes = [ctypes.c_void_p]

    cfg = Config()
    lib.xlat_config_default(ctypes.byref(cfg))
    cfg.levels = len(a.level_bits)
    for i in range(4):
        cfg.level_bits[i] = a.level_bits[i] if i < len(a.level_bits) else 0
    err = ctypes.create_string_buffer(512)
    x = lib.xlat_create(1, ctypes.byref(cfg), err, 512)
    if not x:
        raise Error(err.value.decode())
    table = Table(a.level_bits)
    for kind, id_, _ in events:
        if kind in (ctrace.CALL, ctrace.PATCH):
            table.map(id_)
    d, base = os.path.split(a.output)
    tmp = os.path.join(d, f".tmp-{os.getpid()}-" + base)  # keeps the extension (.fst: FST)
    if lib.xlat_trace_open(x, tmp.encode(), 0, 0, 0 if a.all_cycles else 1, a.margin,
                           err, 512) != 0:
        lib.xlat_destroy(x)
        raise Error(err.value.decode())
    inp, out = In(), Out()
    inp.root = table.root | 1
    inp.mem_req_ready = 1
    walks = 0

    def step():
        lib.xlat_step(x, ctypes.byref(inp), ctypes.byref(out))

    try:
        for kind, id_, b in events:
            if kind == ctrace.CALL:
                inp.req_valid, inp.req_id = 1, id_
                pending = None  # (cycle due, data)
                cyc = 0
                while True:
                    if pending and pending[0] == cyc:
                        inp.mem_rsp_valid, inp.mem_rsp_data = 1, pending[1]
                        pending = None
                    step()
                    inp.mem_rsp_valid = inp.mem_rsp_data = 0
                    if inp.req_valid and out.req_ready:
                        inp.req_valid = inp.req_id = 0
                    if out.mem_req_valid:
                        pending = (cyc + a.mem_lat, table.mem.get(out.mem_req_addr, 0))
                    if out.rsp_valid:
                        walks += not out.rsp_hit
                        break
                    cyc += 1
                    if cyc > 100000:
                        raise Error(f"the accelerator did not answer ID {id_:#x}")
            elif kind in (ctrace.PATCH, ctrace.INV, ctrace.FLUSH):
                if kind == ctrace.PATCH:
                    table.map(id_, b)
                inp.inv_valid, inp.inv_all, inp.inv_id = 1, int(kind == ctrace.FLUSH), id_
                step()
                inp.inv_valid = inp.inv_all = inp.inv_id = 0
    finally:
        lib.xlat_trace_close(x)
        lib.xlat_destroy(x)
    os.replace(tmp, a.output)
    return walks


def main(argv=None):
    ap = Parser(prog="trace-wave.py",
                description="Dump a waveform of the table walks of a call trace (RTL).")
    ap.add_argument("trace", help="call trace (text or binary, optionally gzip)")
    ap.add_argument("-o", "--output", required=True, help="the dump: .vcd, or .fst for FST")
    ap.add_argument("--level-bits", type=levels_arg, default=[12, 10, 10],
                    help="table level widths, root first (default 12,10,10)")
    ap.add_argument("--mem-lat", type=count_arg(1), default=1,
                    help="cycles from a walk read to its answer (default 1)")
    ap.add_argument("--margin", type=count_arg(0), default=2,
                    help="cycles dumped after each walk (default 2)")
    ap.add_argument("--all-cycles", action="store_true",
                    help="dump every clocked cycle, not only the walks")
    a = ap.parse_args(argv)
    try:
        walks = run(a)
    except Error as e:
        d, base = os.path.split(a.output)
        tmp = os.path.join(d, f".tmp-{os.getpid()}-" + base)
        for p in (tmp, tmp[:-4] + ".vcd" if tmp.endswith(".fst") else None):
            if p and os.path.exists(p):
                os.unlink(p)
        print(f"trace-wave.py: error: {e}", file=sys.stderr)
        return 2
    print(f"trace-wave.py: {walks} walks of {a.trace} dumped to {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
