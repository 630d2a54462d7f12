"""Seeded generator of random RV32IM + call-ID programs, with a small functional
model that computes their architectural results independently of ctsim.

`generate(seed, levels=None)` returns a `Program`: the assembly source (to be
linked with tests/fuzz/link.ld), the CTLB table geometry it was built for (pass
it to ctsim as --ctlb-levels) and the results the Python model expects: the
values of the checked registers, the call-ID counters and trap count.

The program:

* builds a radix table (docs/accelerator.md section 2) for the geometry at fixed
  addresses from TBASE on: valid and invalid entries, leaves at the last level and
  superpage leaves above it, non-leaf entries at the last level, several upper
  entries sharing one subtable, entries whose next table lies outside RAM or
  straddles its end (BUS faults), leaves pointing outside RAM (instruction access
  fault when the callid's target is fetched), an alternative root, spare tables;
* calls handler functions (fn0..fnK at FN_BASE + k * FN_STRIDE) that modify
  registers and return through ra;
* runs a random stream of ALU ops, mul/div, loads/stores, forward branches over
  blocks, counted loops, callid, xlat, ctlb.inv (one ID and flush), CSR reads of
  the counters, hot patches of table entries (store + the invalidation
  docs/isa.md requires), root switches and windows with ctroot disabled;
* has a trap handler: call-ID fault (mcause 24) -> look the ID up in a record
  list; an armed record installs its leaf and retries the callid (lazy binding),
  otherwise the callid is skipped (mepc += 4); instruction access fault (mcause
  1, a leaf outside RAM) -> return to ra. Every trap folds mcause, mtval (and for
  call-ID faults ctcause) into tp;
* in half of the programs takes one timer interrupt at a random cycle (its
  handler saves t0 in mscratch and moves mtimecmp far away, so it changes no
  modelled state; the harness checks the interrupt count);
* ends by storing all registers and the seven call-ID counter CSRs, printing
  them (one 8-digit hex word per line on the console), checking them against
  the values the model computed (exit status 10 + n for register x<n>, 50 + k
  for counter k, 60 for hits + misses != lookups) and writing tohost.

Only the translation semantics are modelled (section 2 of accelerator.md, with
the invariant the generator maintains that the CTLB never holds a translation
that differs from the table: every store that changes a translation some cached
ID may have is followed by ctlb.inv of that ID, or a flush when it may concern
more than one ID or a non-leaf level). Registers whose value depends on code
addresses or on the CTLB configuration (ra, the handler's t0..t2, and s10/s11,
which receive mcycle, ctlbhit, ctlbmiss, ctlbwalk) are printed and compared
across ctsim's modes, but not against the model.
"""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "scripts"))
import ctable  # noqa: E402  (the table's rules, docs/accelerator.md section 2)

M32 = 0xFFFFFFFF
RAM_BASE = 0x80000000
RAM_END = 0x90000000          # ctsim's default --ram 256M
FN_BASE = 0x80100000
FN_STRIDE = 256
DATA = 0x80200000             # gp
SCRATCH = 256                 # bytes of scratch data at gp + 0
DUMP_OFF = 512                # 32 registers
CNT_OFF = 640                 # ctlbhit .. ctlblookup (0xFC0..0xFC6)
REC_OFF = 1024                # lazy-binding records: flag, id, entry, value
NREC = 24
TBASE = 0x80400000
CONSOLE = 0x10000000
MTIMECMP = 0x02004000

RA, GP, TP, T0, T1, T2, LOOPR = 1, 3, 4, 5, 6, 7, 9
VOLATILE = (26, 27)
POOL = [2, 8] + list(range(10, 26)) + [28, 29, 30, 31]
SRCS = POOL + [0, GP, TP, LOOPR]
CHECKED = sorted(POOL + [0, GP, TP, LOOPR])

GEOMETRIES = [
    [12, 10, 10], [8, 8], [4, 4, 4, 4], [16, 16], [10], [3, 2, 3], [5, 5, 5],
    [2, 2, 2, 2], [16], [1, 1], [6, 6, 10, 10], [8, 8, 8, 8], [9, 9, 9], [4, 12],
]

# outside RAM: next tables there give BUS; leaves there an instruction fault
BAD_TABLES = [0x00010000, 0x02004000, 0xFFFFFFF0, RAM_END - 8]
BAD_TARGETS = [0x00004000, RAM_END, 0x7FFFFFFC]

CSR_MODELLED = [0xFC3, 0xFC4, 0xFC5, 0xFC6, 0x7C0]
CSR_VOLATILE = [0xFC0, 0xFC1, 0xFC2, 0xB00]


def sx(v, bits=32):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def x(n):
    return f"x{n}"


# ------------------------------------------------------------------ ALU

def _div(a, b):
    a, b = sx(a), sx(b)
    if b == 0:
        return M32
    if a == -(1 << 31) and b == -1:
        return a & M32
    q = abs(a) // abs(b)
    return (q if (a < 0) == (b < 0) else -q) & M32


def _rem(a, b):
    sa, sb = sx(a), sx(b)
    if sb == 0:
        return a & M32
    if sa == -(1 << 31) and sb == -1:
        return 0
    r = abs(sa) % abs(sb)
    return (-r if sa < 0 else r) & M32


RTYPE = {
    "add": lambda a, b: (a + b) & M32,
    "sub": lambda a, b: (a - b) & M32,
    "sll": lambda a, b: (a << (b & 31)) & M32,
    "slt": lambda a, b: int(sx(a) < sx(b)),
    "sltu": lambda a, b: int(a < b),
    "xor": lambda a, b: a ^ b,
    "srl": lambda a, b: a >> (b & 31),
    "sra": lambda a, b: (sx(a) >> (b & 31)) & M32,
    "or": lambda a, b: a | b,
    "and": lambda a, b: a & b,
}
MULDIV = {
    "mul": lambda a, b: (a * b) & M32,
    "mulh": lambda a, b: ((sx(a) * sx(b)) >> 32) & M32,
    "mulhsu": lambda a, b: ((sx(a) * b) >> 32) & M32,
    "mulhu": lambda a, b: ((a * b) >> 32) & M32,
    "div": _div,
    "divu": lambda a, b: M32 if b == 0 else a // b,
    "rem": _rem,
    "remu": lambda a, b: a if b == 0 else a % b,
}
ITYPE = {
    "addi": lambda a, i: (a + i) & M32,
    "slti": lambda a, i: int(sx(a) < i),
    "sltiu": lambda a, i: int(a < (i & M32)),
    "xori": lambda a, i: a ^ (i & M32),
    "ori": lambda a, i: a | (i & M32),
    "andi": lambda a, i: a & (i & M32),
}
SHIFTI = {
    "slli": lambda a, s: (a << s) & M32,
    "srli": lambda a, s: a >> s,
    "srai": lambda a, s: (sx(a) >> s) & M32,
}
LOADS = {"lb": (1, True), "lh": (2, True), "lw": (4, False), "lbu": (1, False),
         "lhu": (2, False)}
STORES = {"sb": 1, "sh": 2, "sw": 4}
BRANCHES = {
    "beq": lambda a, b: a == b, "bne": lambda a, b: a != b,
    "blt": lambda a, b: sx(a) < sx(b), "bge": lambda a, b: sx(a) >= sx(b),
    "bltu": lambda a, b: a < b, "bgeu": lambda a, b: a >= b,
}


# ------------------------------------------------------------------ model

class Machine:
    """Architectural state of the Python model: registers, memory (a dict of
    aligned 32-bit words), ctroot, the call-ID counters the program can read."""

    def __init__(self, levels, fns):
        self.levels = levels
        self.fns = fns                  # address -> list of ops
        self.regs = [0] * 32
        self.mem = {}
        self.root = 0
        self.lookups = self.faults = self.invs = self.ctcause = 0
        self.callids = self.traps = 0
        self.steps = 0
        self.called = {}                # ID -> calls that reached a function
        # the call-ID events in program order, as --record-trace lists them
        self.events = []
        # coverage of the generated run (not checked: reported by the tests)
        self.cover = {"fault1": 0, "fault2": 0, "fault3": 0, "fault4": 0, "installs": 0,
                      "ifetch": 0, "calls": 0, "superpage": 0}

    # memory
    def r32(self, a):
        return self.mem.get(a, 0)

    def w32(self, a, v):
        self.mem[a] = v & M32

    def rbytes(self, a, n):
        return sum(((self.r32((a + i) & ~3) >> (8 * ((a + i) & 3))) & 0xFF) << (8 * i)
                   for i in range(n))

    def wbytes(self, a, n, v):
        for i in range(n):
            b = a + i
            w = self.r32(b & ~3)
            sh = 8 * (b & 3)
            self.w32(b & ~3, (w & ~(0xFF << sh)) | (((v >> (8 * i)) & 0xFF) << sh))

    def set(self, rd, v):
        if rd:
            self.regs[rd] = v & M32

    # translation: docs/accelerator.md section 2
    def walk(self, cid):
        """(code, address, entry address): code 0 with the translation, or the
        fault code with the entry where the walk stopped (None for 2 and 3)."""
        code, addr, _, a, _ = ctable.walk(
            self.levels, self.root, cid,
            lambda x: self.r32(x) if RAM_BASE <= x < RAM_END else None)
        if code in (ctable.FAULT_DISABLED, ctable.FAULT_RANGE):
            return code, None, None
        return code, addr if code == ctable.FAULT_NONE else None, a

    def trap(self, cause, tval):
        """The trap handler of the generated program; returns True to retry."""
        self.traps += 1
        tp = self.regs[TP]
        tp = ((tp << 5) | (tp >> 27)) & M32
        tp ^= cause
        tp = (tp + tval) & M32
        if cause == 24:
            tp ^= (self.ctcause << 24) & M32
        self.regs[TP] = tp
        if cause == 1:
            return False
        for i in range(NREC + 1):
            r = DATA + REC_OFF + 16 * i
            flag = self.r32(r)
            if flag == 2:
                break
            if flag == 1 and self.r32(r + 4) == tval:
                self.w32(r, 0)
                self.w32(self.r32(r + 8), self.r32(r + 12))
                self.cover["installs"] += 1
                return True
        return False

    def callid(self, cid):
        while True:
            self.lookups += 1
            self.callids += 1
            self.events.append(("call", cid))
            code, addr, _ = self.walk(cid)
            if code:
                self.faults += 1
                self.ctcause = code
                self.cover[f"fault{code}"] += 1
                if self.trap(24, cid):
                    continue
                return
            if self.walk_depth(cid) < len(self.levels):
                self.cover["superpage"] += 1
            if addr in self.fns:
                self.cover["calls"] += 1
                self.called[cid] = self.called.get(cid, 0) + 1
                for op in self.fns[addr]:
                    op.run(self)
            else:
                assert not RAM_BASE <= addr < RAM_END, hex(addr)
                self.cover["ifetch"] += 1
                self.trap(1, addr)
            return

    def walk_depth(self, cid):
        """The number of levels cid's walk reads (a valid root)."""
        base = ctable.target(self.root)
        for lvl in range(len(self.levels)):
            e = self.r32(ctable.entry_addr(base, ctable.index(self.levels, cid, lvl)))
            if not ctable.is_valid(e) or ctable.is_leaf(e):
                return lvl + 1
            base = ctable.target(e)
        return len(self.levels)

    def xlat(self, cid):
        self.lookups += 1
        self.events.append(("call", cid))
        code, addr, _ = self.walk(cid)
        if code:
            self.faults += 1
            self.ctcause = code
            return (code << 2) | 1
        return addr

    def inv(self, cid=None):
        """ctlb.inv of cid, or a flush (None)."""
        self.invs += 1
        self.events.append(("flush",) if cid is None else ("inv", cid))

    def csr(self, n):
        return {0xFC3: self.invs, 0xFC4: self.faults, 0xFC5: self.ctcause,
                0xFC6: self.lookups, 0x7C0: self.root & ~2 & M32}[n]


# ------------------------------------------------------------------ ops

class Op:
    def asm(self, g):
        raise NotImplementedError

    def run(self, m):
        raise NotImplementedError


class R(Op):
    def __init__(self, name, rd, a, b):
        self.name, self.rd, self.a, self.b = name, rd, a, b

    def asm(self, g):
        return [f"{self.name} {x(self.rd)}, {x(self.a)}, {x(self.b)}"]

    def run(self, m):
        f = RTYPE.get(self.name) or MULDIV[self.name]
        m.set(self.rd, f(m.regs[self.a], m.regs[self.b]))


class I(Op):
    def __init__(self, name, rd, a, imm):
        self.name, self.rd, self.a, self.imm = name, rd, a, imm

    def asm(self, g):
        return [f"{self.name} {x(self.rd)}, {x(self.a)}, {self.imm}"]

    def run(self, m):
        f = ITYPE.get(self.name) or SHIFTI[self.name]
        m.set(self.rd, f(m.regs[self.a], self.imm))


class Li(Op):
    def __init__(self, rd, v):
        self.rd, self.v = rd, v & M32

    def asm(self, g):
        return [f"li {x(self.rd)}, {sx(self.v)}"]

    def run(self, m):
        m.set(self.rd, self.v)


class Lui(Op):
    def __init__(self, rd, v):
        self.rd, self.v = rd, v

    def asm(self, g):
        return [f"lui {x(self.rd)}, {self.v}"]

    def run(self, m):
        m.set(self.rd, self.v << 12)


class Load(Op):
    def __init__(self, name, rd, off):
        self.name, self.rd, self.off = name, rd, off

    def asm(self, g):
        return [f"{self.name} {x(self.rd)}, {self.off}({x(GP)})"]

    def run(self, m):
        n, signed = LOADS[self.name]
        v = m.rbytes(m.regs[GP] + self.off, n)
        m.set(self.rd, sx(v, 8 * n) if signed else v)


class Store(Op):
    def __init__(self, name, rs, off):
        self.name, self.rs, self.off = name, rs, off

    def asm(self, g):
        return [f"{self.name} {x(self.rs)}, {self.off}({x(GP)})"]

    def run(self, m):
        m.wbytes(m.regs[GP] + self.off, STORES[self.name], m.regs[self.rs])


class StoreAbs(Op):
    """A word store to a fixed address through t0/t1 (table entries, records),
    as one sw, or (width 2, 1) as halfword or byte stores, high part first."""

    def __init__(self, addr, v, width=4):
        self.addr, self.v, self.width = addr, v & M32, width

    def asm(self, g):
        out = [f"li {x(T0)}, {sx(self.addr)}"]
        name = {4: "sw", 2: "sh", 1: "sb"}[self.width]
        for off in reversed(range(0, 4, self.width)):
            out += [f"li {x(T1)}, {sx(self.v >> (8 * off))}",
                    f"{name} {x(T1)}, {off}({x(T0)})"]
        return out

    def run(self, m):
        m.set(T0, self.addr)
        m.set(T1, self.v)               # the last li loads the whole value
        m.w32(self.addr, self.v)


class Csrr(Op):
    def __init__(self, rd, csr):
        self.rd, self.csr = rd, csr

    def asm(self, g):
        return [f"csrr {x(self.rd)}, {self.csr:#x}"]

    def run(self, m):
        if self.rd not in VOLATILE:
            m.set(self.rd, m.csr(self.csr))


class SetRoot(Op):
    def __init__(self, v, flush_first):
        self.v, self.flush_first = v, flush_first

    def asm(self, g):
        fl = [".insn r CUSTOM_0, 1, 0, x0, x0, x0"]
        w = [f"li {x(T0)}, {sx(self.v)}", f"csrw 0x7c0, {x(T0)}"]
        return fl + w if self.flush_first else w + fl

    def run(self, m):
        m.set(T0, self.v)
        m.root = self.v
        m.inv()


class CallId(Op):
    """li idreg, ID; [filler]; callid ra, idreg."""

    def __init__(self, idreg, cid, filler=None):
        self.idreg, self.cid, self.filler = idreg, cid, filler

    def asm(self, g):
        out = [f"li {x(self.idreg)}, {sx(self.cid)}"]
        if self.filler:
            out += self.filler.asm(g)
        return out + [f".insn r CUSTOM_0, 0, 0, x1, {x(self.idreg)}, x0"]

    def run(self, m):
        m.set(self.idreg, self.cid)
        if self.filler:
            self.filler.run(m)
        m.callid(m.regs[self.idreg])


class Xlat(Op):
    """li idreg, ID; [filler]; xlat rd, idreg."""

    def __init__(self, rd, idreg, cid, filler=None):
        self.rd, self.idreg, self.cid, self.filler = rd, idreg, cid, filler

    def asm(self, g):
        out = [f"li {x(self.idreg)}, {sx(self.cid)}"]
        if self.filler:
            out += self.filler.asm(g)
        return out + [f".insn r CUSTOM_0, 2, 0, {x(self.rd)}, {x(self.idreg)}, x0"]

    def run(self, m):
        m.set(self.idreg, self.cid)
        if self.filler:
            self.filler.run(m)
        m.set(self.rd, m.xlat(m.regs[self.idreg]))


class RawXlat(Op):
    """xlat rd, idreg with whatever idreg holds (a filler right before a callid
    of the same ID: back-to-back requests)."""

    def __init__(self, rd, idreg):
        self.rd, self.idreg = rd, idreg

    def asm(self, g):
        return [f".insn r CUSTOM_0, 2, 0, {x(self.rd)}, {x(self.idreg)}, x0"]

    def run(self, m):
        m.set(self.rd, m.xlat(m.regs[self.idreg]))


class RawInv(Op):
    """ctlb.inv idreg (or a flush) right before a lookup."""

    def __init__(self, idreg):
        self.idreg = idreg

    def asm(self, g):
        return [f".insn r CUSTOM_0, 1, 0, x0, {x(self.idreg)}, x0"]

    def run(self, m):
        m.inv(m.regs[self.idreg] if self.idreg else None)


class Inv(Op):
    """ctlb.inv of one ID (through idreg), or a flush (idreg None)."""

    def __init__(self, idreg=None, cid=0):
        self.idreg, self.cid = idreg, cid

    def asm(self, g):
        if self.idreg is None:
            return [".insn r CUSTOM_0, 1, 0, x0, x0, x0"]
        return [f"li {x(self.idreg)}, {sx(self.cid)}",
                f".insn r CUSTOM_0, 1, 0, x0, {x(self.idreg)}, x0"]

    def run(self, m):
        if self.idreg is not None:
            m.set(self.idreg, self.cid)
            m.inv(self.cid)
        else:
            m.inv()


class Block(Op):
    """bXX a, b, skip; body; skip:"""

    def __init__(self, name, a, b, body):
        self.name, self.a, self.b, self.body = name, a, b, body

    def asm(self, g):
        lab = g.label()
        out = [f"{self.name} {x(self.a)}, {x(self.b)}, {lab}"]
        for op in self.body:
            out += op.asm(g)
        return out + [f"{lab}:"]

    def run(self, m):
        if not BRANCHES[self.name](m.regs[self.a], m.regs[self.b]):
            for op in self.body:
                op.run(m)


class Loop(Op):
    def __init__(self, n, body):
        self.n, self.body = n, body

    def asm(self, g):
        lab = g.label()
        out = [f"li {x(LOOPR)}, {self.n}", f"{lab}:"]
        for op in self.body:
            out += op.asm(g)
        return out + [f"addi {x(LOOPR)}, {x(LOOPR)}, -1", f"bnez {x(LOOPR)}, {lab}"]

    def run(self, m):
        m.set(LOOPR, self.n)
        while True:
            for op in self.body:
                op.run(m)
            m.set(LOOPR, m.regs[LOOPR] - 1)
            if m.regs[LOOPR] == 0:
                break


class Seq(Op):
    def __init__(self, ops):
        self.ops = ops

    def asm(self, g):
        out = []
        for op in self.ops:
            out += op.asm(g)
        return out

    def run(self, m):
        for op in self.ops:
            op.run(m)


# ------------------------------------------------------------------ program

class Program:
    def __init__(self, seed, levels, source, expect, model):
        self.seed = seed
        self.levels = levels
        self.source = source
        self.expect = expect            # {"regs": {n: v}, "counters": {...}}
        self.model = model

    @property
    def levels_arg(self):
        return ",".join(map(str, self.levels))


class Gen:
    def __init__(self, seed, levels=None, size=None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.levels = list(levels) if levels else list(self.rng.choice(GEOMETRIES))
        self.size = size if size is not None else self.rng.randint(80, 400)
        self.nlab = 0
        self.tables = []                # (addr, level)
        self.next_table = TBASE
        self.init = {}                  # initial table words
        self.ids = []
        self.hot = []

    def label(self):
        self.nlab += 1
        return f".Lg{self.nlab}"

    # -------------------------------------------------------------- tables
    def alloc(self, level):
        r = self.rng
        a = self.next_table
        align = r.choice([4, 4, 8, 64, 4096])
        a = (a + align - 1) // align * align
        size = ctable.level_bytes(self.levels[level])
        self.next_table = a + size + 4 * r.randint(0, 16)
        self.tables.append((a, level))
        return a

    def fn_leaf(self):
        r = self.rng
        if r.random() < 0.06:
            return ctable.leaf(r.choice(BAD_TARGETS))
        return ctable.leaf(FN_BASE + FN_STRIDE * r.randrange(self.nfn))

    def shift(self, level):
        return ctable.shift(self.levels, level)

    def idx_of(self, cid, level):
        return ctable.index(self.levels, cid, level)

    def map_id(self, root, cid):
        """Creates the entries of cid's walk from root (initial table)."""
        r = self.rng
        last = len(self.levels) - 1
        base = root
        for lvl in range(len(self.levels)):
            a = ctable.entry_addr(base, self.idx_of(cid, lvl))
            e = self.init.get(a, 0)
            if e == 0:
                if lvl == last:
                    p = r.random()
                    if p < 0.7:
                        self.init[a] = self.fn_leaf()
                    elif p < 0.8:
                        self.init[a] = (FN_BASE | 2) if r.random() < 0.5 else 0xDEAD0000
                    elif p < 0.85:
                        self.init[a] = ctable.next_entry(self.rng.choice(self.tables)[0])
                    return
                p = r.random()
                if p < 0.12:
                    self.init[a] = self.fn_leaf()
                    return
                if p < 0.17:
                    self.init[a] = ctable.next_entry(r.choice(BAD_TABLES))
                    return
                same = [t for t, lv in self.tables if lv == lvl + 1]
                if same and p < 0.3:
                    nxt = r.choice(same)
                else:
                    nxt = self.alloc(lvl + 1)
                self.init[a] = ctable.next_entry(nxt)
                base = nxt
            elif (ctable.is_valid(e) and not ctable.is_leaf(e) and lvl < last
                  and (ctable.target(e), lvl + 1) in self.tables):
                base = ctable.target(e)
            else:
                return

    def build_tables(self):
        r = self.rng
        w = sum(self.levels)
        self.root_a = self.alloc(0)
        ids = set()
        for _ in range(r.randint(2, 5)):
            g = r.getrandbits(w)
            for _ in range(r.randint(1, 6)):
                low = self.levels[-1]
                cid = (g & ~((1 << low) - 1)) | r.getrandbits(low)
                if r.random() < 0.3:
                    cid = r.getrandbits(w)
                self.map_id(self.root_a, cid)
                ids.add(cid)
        self.root_b = self.alloc(0)
        # the alternative root shares some of A's entries and has its own
        for a, e in list(self.init.items()):
            if (self.root_a <= a < self.root_a + ctable.level_bytes(self.levels[0])
                    and r.random() < 0.5):
                self.init[a - self.root_a + self.root_b] = e
        for _ in range(r.randint(1, 4)):
            cid = r.getrandbits(w)
            self.map_id(self.root_b, cid)
            ids.add(cid)
        # spare tables below the root, for patches that relink a subtree
        for lvl in range(1, len(self.levels)):
            for _ in range(2):
                t = self.alloc(lvl)
                for _ in range(r.randint(0, 3)):
                    self.init[ctable.entry_addr(t, r.randrange(
                        ctable.level_entries(self.levels[lvl])))] = self.fn_leaf()
        # the ID pool: mapped IDs, neighbours, IDs that share CTLB sets, random,
        # out of range
        pool = set(ids)
        for cid in ids:
            for d in (1, 2, 16, 64, 256, 1 << self.levels[-1]):
                if r.random() < 0.3:
                    pool.add((cid ^ d) & ((1 << w) - 1))
                if r.random() < 0.2:
                    pool.add((cid + d) & ((1 << w) - 1))
        for _ in range(4):
            pool.add(r.getrandbits(w))
        pool.add(0)
        if w < 32:
            pool.add((1 << w) | r.getrandbits(w))
            pool.add(M32)
        self.ids = sorted(pool)

    def table_of(self, a):
        for t, lvl in self.tables:
            if t <= a < t + (4 << self.levels[lvl]):
                return t, lvl
        return None

    def entry_level(self, a):
        t = self.table_of(a)
        return t[1] if t else None

    def paths(self, m, e_addr, e_level):
        """IDs (as index prefixes) whose walk from the current root reads
        e_addr at level e_level; at most a few (we only need 0, 1 or many)."""
        found = []
        words = sorted(k for k, v in m.mem.items() if v & 3 == 1 and k >= TBASE)

        def dfs(base, lvl, prefix):
            if len(found) > 1:
                return
            size = 4 << self.levels[lvl]
            if lvl == e_level:
                if base <= e_addr < base + size and (e_addr - base) % 4 == 0:
                    found.append((prefix << self.levels[lvl]) | ((e_addr - base) // 4))
                return
            if lvl == len(self.levels) - 1:
                return
            for k in words:
                if base <= k < base + size and (k - base) % 4 == 0:
                    dfs(m.r32(k) & ~3, lvl + 1, (prefix << self.levels[lvl]) | ((k - base) // 4))

        if m.root & 1:
            dfs(m.root & ~3 & M32, 0, 0)
        return found

    # -------------------------------------------------------------- stream
    def pick_id(self, m):
        r = self.rng
        k = r.random()
        if k < 0.5 and self.hot:
            ok = [c for c in self.hot if m.walk(c)[0] == 0]
            return r.choice(ok if ok and r.random() < 0.9 else self.hot)
        if k < 0.88:
            ok = [c for c in self.ids if m.walk(c)[0] == 0]
            if ok:
                return r.choice(ok)
        return r.choice(self.ids)

    def src(self):
        return self.rng.choice(SRCS)

    def dst(self, avoid=()):
        return self.rng.choice([d for d in POOL if d not in avoid])

    def imm_value(self):
        r = self.rng
        return r.choice([0, 1, -1, 0x7FFFFFFF, 0x80000000, r.getrandbits(32),
                         r.randint(-2048, 2047), r.getrandbits(8), -(1 << 31) + 1])

    def alu(self, avoid=()):
        r = self.rng
        k = r.random()
        rd = self.dst(avoid)
        if k < 0.35:
            return R(r.choice(list(RTYPE)), rd, self.src(), self.src())
        if k < 0.6:
            return I(r.choice(list(ITYPE)), rd, self.src(), r.randint(-2048, 2047))
        if k < 0.75:
            return I(r.choice(list(SHIFTI)), rd, self.src(), r.randint(0, 31))
        if k < 0.85:
            return Lui(rd, r.getrandbits(20))
        return Li(rd, self.imm_value())

    def simple(self, m, in_fn=False):
        """One op of a loop body, branch block or handler function."""
        r = self.rng
        k = r.random()
        if k < 0.35:
            return self.alu()
        if k < 0.45:
            return R(r.choice(list(MULDIV)), self.dst(), self.src(), self.src())
        if k < 0.55:
            name = r.choice(list(LOADS))
            return Load(name, self.dst(), r.randrange(SCRATCH - 3))
        if k < 0.65:
            name = r.choice(list(STORES))
            return Store(name, self.src(), r.randrange(SCRATCH - 3))
        if k < 0.72:
            return self.xlat(m)
        if k < 0.77:
            if r.random() < 0.3:
                return Csrr(r.choice(VOLATILE), r.choice(CSR_VOLATILE))
            return Csrr(self.dst(), r.choice(CSR_MODELLED))
        if k < 0.8:
            return Inv() if r.random() < 0.15 else Inv(self.dst(), self.pick_id(m))
        if in_fn:
            return self.alu()
        return self.callid(m)

    def filler(self, idreg):
        """None, or an op right before a lookup through idreg that leaves idreg
        alone: an ALU op, a store or load (the walker waits for the data port
        with --dmem-lat > 1), an xlat or ctlb.inv of the same ID, a flush."""
        r = self.rng
        k = r.random()
        if k < 0.45:
            return None
        if k < 0.6:
            return self.alu(avoid=(idreg,))
        if k < 0.7:
            return Store(r.choice(list(STORES)), self.src(), r.randrange(SCRATCH - 3))
        if k < 0.8:
            return Load(r.choice(list(LOADS)), self.dst(avoid=(idreg,)), r.randrange(SCRATCH - 3))
        if k < 0.9:
            return RawXlat(self.dst(avoid=(idreg,)), idreg)
        if k < 0.97:
            return RawInv(idreg)
        return RawInv(0)

    def xlat(self, m):
        idreg = self.dst()
        return Xlat(self.dst(), idreg, self.pick_id(m), self.filler(idreg))

    def callid(self, m):
        r = self.rng
        idreg = RA if r.random() < 0.15 else self.dst()
        cid = self.pick_id(m)
        if cid == 0 and r.random() < 0.5:
            idreg = 0                   # callid ra, x0
        return CallId(idreg, cid, self.filler(idreg))

    def body(self, m, n):
        return [self.simple(m) for _ in range(n)]

    def patch(self, m):
        """A store to a table entry and the invalidation docs/isa.md asks for."""
        r = self.rng
        armed = {m.r32(DATA + REC_OFF + 16 * i + 8) for i in range(NREC)
                 if m.r32(DATA + REC_OFF + 16 * i) == 1}
        cands = [a for a in m.mem if a >= TBASE and self.table_of(a)]
        for c in self.ids:
            code, _, ea = m.walk(c)
            if code in (0, 1) and ea is not None and self.table_of(ea):
                cands.append(ea)
        cands = [a for a in sorted(set(cands)) if a not in armed]
        if not cands:
            return None
        a = r.choice(cands)
        lvl = self.entry_level(a)
        last = len(self.levels) - 1
        old = m.r32(a)
        k = r.random()
        if lvl < last and k < 0.5:
            k = 0.5 + k  # above the last level: mostly relinks, fewer superpages
        if k < 0.5:
            new = self.fn_leaf()
        elif k < 0.65:
            new = 0 if r.random() < 0.5 else old & ~1
        elif lvl < last and k < 0.9:
            new = r.choice([t for t, lv in self.tables if lv == lvl + 1]) | 1
        elif lvl < last:
            new = r.choice(BAD_TABLES) | 1
        else:
            new = self.fn_leaf()
        width = r.choice([4, 4, 4, 2, 1])
        found = self.paths(m, a, lvl)
        if not old & 1 and found and r.random() < 0.6:
            # an invalid entry: nothing cached through it, no invalidation
            # needed; a lookup of an ID that reads it right after the store
            # (with --dmem-lat > 1 the walk waits for the data port)
            low = self.shift(lvl)
            cid = (found[0] << low) | r.getrandbits(low) if low else found[0]
            idreg = self.dst()
            return Seq([Li(idreg, cid), StoreAbs(a, new, width),
                        RawXlat(self.dst(avoid=(idreg,)), idreg)])
        ops = [StoreAbs(a, new, width)]
        for _ in range(r.randint(0, 2)):
            ops.append(self.alu())
        if len(found) == 1 and lvl == last:
            ops.append(Inv(self.dst(), found[0]))
        elif found or r.random() < 0.1:
            ops.append(Inv())
        return Seq(ops)

    def arm(self, m, slot):
        """Arms a lazy-binding record for an ID whose walk stops at an invalid
        entry; the handler installs a leaf there and retries."""
        r = self.rng
        armed = {m.r32(DATA + REC_OFF + 16 * i + 8) for i in range(NREC)
                 if m.r32(DATA + REC_OFF + 16 * i) == 1}
        cands = []
        for c in self.ids:
            code, _, ea = m.walk(c)
            if code == 1 and not m.r32(ea) & 1 and ea not in armed:
                cands.append((c, ea))
        if not cands:
            return None
        c, ea = r.choice(cands)
        rec = DATA + REC_OFF + 16 * slot
        # flag last: the record is complete before it is armed
        return Seq([StoreAbs(rec + 4, c), StoreAbs(rec + 8, ea),
                    StoreAbs(rec + 12, self.fn_leaf()), StoreAbs(rec, 1)])

    def top(self, m):
        r = self.rng
        k = r.random()
        if k < 0.25:
            return self.alu()
        if k < 0.3:
            return R(r.choice(list(MULDIV)), self.dst(), self.src(), self.src())
        if k < 0.36:
            return Load(r.choice(list(LOADS)), self.dst(), r.randrange(SCRATCH - 3))
        if k < 0.41:
            return Store(r.choice(list(STORES)), self.src(), r.randrange(SCRATCH - 3))
        if k < 0.58:
            return self.callid(m)
        if k < 0.62:
            return self.xlat(m)
        if k < 0.66:
            return Block(r.choice(list(BRANCHES)), self.src(), self.src(),
                         self.body(m, r.randint(1, 5)))
        if k < 0.71:
            return Loop(r.randint(1, 6), self.body(m, r.randint(2, 7)))
        if k < 0.75:
            return Csrr(self.dst(), r.choice(CSR_MODELLED)) if r.random() < 0.6 else \
                Csrr(r.choice(VOLATILE), r.choice(CSR_VOLATILE))
        if k < 0.79:
            return Inv() if r.random() < 0.3 else Inv(self.dst(), self.pick_id(m))
        if k < 0.87:
            return self.patch(m)
        if k < 0.93:
            if self.slot < NREC:
                op = self.arm(m, self.slot)
                if op:
                    self.slot += 1
                return op
            return None
        if k < 0.96:
            other = self.root_b if m.root & ~3 == self.root_a else self.root_a
            return SetRoot(other | 1, r.random() < 0.5)
        cur = m.root
        off = (cur & ~1) if r.random() < 0.7 else 0
        ops = [SetRoot(off, r.random() < 0.5)] + self.body(m, r.randint(1, 4)) + \
            [SetRoot(cur, False)]
        return Seq(ops)

    # -------------------------------------------------------------- whole
    def generate(self):
        r = self.rng
        self.nfn = r.randint(3, 10)
        self.build_tables()
        fns = {}
        fn_ops = []
        m = Machine(self.levels, fns)
        for k in range(self.nfn):
            ops = [self.simple(m, in_fn=True) for _ in range(r.randint(1, 6))]
            fns[FN_BASE + FN_STRIDE * k] = ops
            fn_ops.append(ops)
        scratch = [r.getrandbits(32) for _ in range(SCRATCH // 4)]
        for i, v in enumerate(scratch):
            m.w32(DATA + 4 * i, v)
        m.w32(DATA + REC_OFF + 16 * NREC, 2)    # the end of the record list

        prologue = [Li(GP, DATA), Li(TP, r.getrandbits(32)), Li(LOOPR, 0)]
        for d in POOL:
            prologue.append(Li(d, self.imm_value()))
        for a in sorted(self.init):
            prologue.append(StoreAbs(a, self.init[a]))
        prologue.append(SetRoot(self.root_a | 1, False))
        for op in prologue:
            op.run(m)

        # a few IDs called again and again (CTLB hits, evictions in one set):
        # mostly mapped ones, and one of any kind
        mapped = [c for c in self.ids if m.walk(c)[0] == 0] or self.ids
        self.hot = r.sample(mapped, min(len(mapped), r.randint(2, 12))) + [r.choice(self.ids)]
        self.slot = 0
        stream = []
        while len(stream) < self.size:
            op = self.top(m)
            if op is None:
                continue
            op.run(m)
            stream.append(op)
            m.steps += 1

        expect = {
            "regs": {n: m.regs[n] for n in CHECKED},
            "counters": {"invalidations": m.invs, "faults": m.faults,
                         "ctcause": m.ctcause, "lookups": m.lookups,
                         "callids": m.callids, "traps": m.traps,
                         "callid_faults": sum(m.cover[f"fault{c}"] for c in (1, 2, 3, 4)),
                         "xlats": m.lookups - m.callids},
        }
        # a timer interrupt at a random cycle in half of the programs: its
        # handler restores what it uses, so only its timing differs
        self.irq_at = r.randint(20, 6000) if r.random() < 0.5 else None
        src = self.emit(prologue, stream, fn_ops, scratch, expect)
        prog = Program(self.seed, self.levels, src, expect, m)
        prog.irq_at = self.irq_at
        # IDs mapped by a leaf at the last level when the run ends: targets for
        # ctsim --patch-at (harness.check(patch=True))
        prog.patch_ids = [c for c in self.ids if m.walk(c)[0] == 0 and
                          m.walk_depth(c) == len(self.levels)]
        prog.fn_addrs = sorted(fns)
        return prog

    def emit(self, prologue, stream, fn_ops, scratch, expect):
        L = []
        a = L.append
        a(f"# fuzz program, seed {self.seed}, --ctlb-levels {','.join(map(str, self.levels))}")
        a("  .section .text.init, \"ax\"")
        a("  .globl _start")
        a("_start:")
        a("  la t0, trap")
        a("  csrw mtvec, t0")
        if self.irq_at is not None:
            a(f"  li t0, {MTIMECMP:#x}")
            a(f"  li t1, {self.irq_at}")
            a("  sw x0, 4(t0)")
            a("  sw t1, 0(t0)")
            a("  li t0, 0x80")
            a("  csrw mie, t0")
            a("  csrsi mstatus, 8")
        for op in prologue:
            L.extend("  " + s for s in op.asm(self))
        a("# ---- stream")
        for op in stream:
            L.extend(s if s.endswith(":") else "  " + s for s in op.asm(self))
        a("# ---- epilogue: dump, print, check, exit")
        for n in range(32):
            a(f"  sw x{n}, {DUMP_OFF + 4 * n}(gp)")
        for k in range(7):
            a(f"  csrr t0, {0xFC0 + k:#x}")
            a(f"  sw t0, {CNT_OFF + 4 * k}(gp)")
        a(f"  addi s0, gp, {DUMP_OFF}")
        a("  li s1, 39")
        a(f"  li s2, {CONSOLE:#x}")
        a("1:")
        a("  lw s3, 0(s0)")
        a("  li s4, 8")
        a("2:")
        a("  srli s5, s3, 28")
        a("  slli s3, s3, 4")
        a("  addi s6, s5, -10")
        a("  bltz s6, 3f")
        a("  addi s5, s5, 87")
        a("  j 4f")
        a("3:")
        a("  addi s5, s5, 48")
        a("4:")
        a("  sb s5, 0(s2)")
        a("  addi s4, s4, -1")
        a("  bnez s4, 2b")
        a("  li s5, 10")
        a("  sb s5, 0(s2)")
        a("  addi s0, s0, 4")
        a("  addi s1, s1, -1")
        a("  bnez s1, 1b")
        for n, v in expect["regs"].items():
            a(f"  lw t0, {DUMP_OFF + 4 * n}(gp)")
            a(f"  li t1, {sx(v)}")
            a(f"  li a0, {10 + n}")
            a("  bne t0, t1, exit")
        c = expect["counters"]
        for k, v in ((3, c["invalidations"]), (4, c["faults"]), (5, c["ctcause"]),
                     (6, c["lookups"])):
            a(f"  lw t0, {CNT_OFF + 4 * k}(gp)")
            a(f"  li t1, {v}")
            a(f"  li a0, {50 + k}")
            a("  bne t0, t1, exit")
        a(f"  lw t0, {CNT_OFF}(gp)")
        a(f"  lw t1, {CNT_OFF + 4}(gp)")
        a("  add t0, t0, t1")
        a(f"  lw t1, {CNT_OFF + 24}(gp)")
        a("  li a0, 60")
        a("  bne t0, t1, exit")
        a("  li a0, 0")
        a("exit:")
        a("  slli a0, a0, 1")
        a("  ori a0, a0, 1")
        a("  la t0, tohost")
        a("  sw a0, 0(t0)")
        a("5: j 5b")
        a("# ---- trap handler")
        a("  .align 2")
        a("trap:")
        a("  csrw mscratch, t0")
        a("  csrr t0, mcause")
        a("  bltz t0, 11f")
        a("  csrr t1, mtval")
        a("  slli t2, tp, 5")
        a("  srli tp, tp, 27")
        a("  or tp, tp, t2")
        a("  xor tp, tp, t0")
        a("  add tp, tp, t1")
        a("  li t2, 24")
        a("  beq t0, t2, 6f")
        a("  li t2, 1")
        a("  bne t0, t2, bad_trap")
        a("  csrw mepc, ra")
        a("  mret")
        a("6:")
        a("  csrr t2, 0xfc5")
        a("  slli t2, t2, 24")
        a("  xor tp, tp, t2")
        a(f"  li t0, {DATA + REC_OFF - (1 << 32)}")
        a("7:")
        a("  lw t2, 0(t0)")
        a("  addi t2, t2, -1")
        a("  bnez t2, 8f")
        a("  lw t2, 4(t0)")
        a("  beq t2, t1, 9f")
        a("  addi t0, t0, 16")
        a("  j 7b")
        a("8:")
        a("  addi t2, t2, -1")
        a("  beqz t2, 10f")
        a("  addi t0, t0, 16")
        a("  j 7b")
        a("9:")
        a("  sw x0, 0(t0)")
        a("  lw t2, 8(t0)")
        a("  lw t1, 12(t0)")
        a("  sw t1, 0(t2)")
        a("  mret")
        a("10:")
        a("  csrr t0, mepc")
        a("  addi t0, t0, 4")
        a("  csrw mepc, t0")
        a("  mret")
        a("11:")                        # the timer: mtimecmp far away, return
        a(f"  li t0, {MTIMECMP + 4:#x}")
        a("  sw t0, 0(t0)")
        a("  csrr t0, mscratch")
        a("  mret")
        a("bad_trap:")
        a("  li a0, 99")
        a("  j exit")
        a("# ---- handler functions")
        a("  .section .fns, \"ax\"")
        for k, ops in enumerate(fn_ops):
            a(f"  .org {FN_STRIDE * k}")
            a(f"fn{k}:")
            for op in ops:
                L.extend(s if s.endswith(":") else "  " + s for s in op.asm(self))
            a("  ret")
        a("# ---- data: scratch, dump, counters, records")
        a("  .data")
        for v in scratch:
            a(f"  .word {v:#010x}")
        a(f"  .org {REC_OFF + 16 * NREC}")
        a("  .word 2")
        a("  .word 0")
        a("""
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .size tohost, 8
  .globl fromhost
fromhost: .dword 0
  .size fromhost, 8""")
        return "\n".join(L) + "\n"


def generate(seed, levels=None, size=None):
    return Gen(seed, levels, size).generate()


# ------------------------------------------------------------------ several harts
#
# generate_harts(seed): N harts (2, 3, 4, 8 or 16, drawn by the seed) share one
# table of a few IDs (leaves at the last level); every hart runs its own random
# stream (ALU ops, mul/div, loads/stores to its own scratch, branches, loops,
# callid and xlat of the shared IDs, ctlb.inv, windows with interrupts
# disabled), and one or more patcher harts patch random IDs at random points,
# under a lock, by the software shootdown (IPIs, whose handler runs ctlb.inv
# and acknowledges; the patcher waits, then ctlb.sync) or the hardware one
# (ctlb.bcast + ctlb.sync) of docs/platform.md "Shootdowns". Every version of
# an ID's function runs the same modelled operations, so each hart's registers
# do not depend on the interleaving; each version also counts its calls per
# hart and notes a call that reached an older version than the hart's last one
# (a regression). After a barrier every hart calls every ID once more: that
# call must reach the ID's last version. The planted bugs ("noinv": the IPI
# handler does not run ctlb.inv; "nowait": the patcher does not wait for the
# acknowledgements) must be caught.

MAX_VER = 8                     # versions per ID (1 + patches of it)
HSTRIDE = 0x1000                # each hart's data area: gp = DATA + h * HSTRIDE
VCNT_OFF = 1024                 # calls per (ID, version), then last, regressions
SAVE_OFF = 1920                 # the IPI handler's save area
SHARED = DATA + 16 * HSTRIDE    # lock, sd_id, sd_acks, barrier, finished, versions
LOCK, SD_ID, SD_ACKS, BARRIER, FINISHED, READY = (SHARED + 4 * k for k in range(6))
CURVER = SHARED + 64            # the current version of each ID
MSIP = 0x02000000
HART_COUNTS = [2, 3, 4, 8, 16]
QUANTA = [1, 1, 2, 3, 7, 20, 100, 1000]
BUGS = ("noinv", "nowait")


def fn_addr(j, v):
    """The function of version v (1..MAX_VER) of shared ID number j."""
    return FN_BASE + FN_STRIDE * (j * MAX_VER + v - 1)


class VerCount(Op):
    """The bookkeeping of version v of ID j in its function: its call counter
    += 1, the hart's regressions += (v < the last version it reached), last =
    v. Only t0..t2 (not modelled)."""

    def __init__(self, j, v, nids):
        self.j, self.v, self.nids = j, v, nids

    def asm(self, g):
        c = VCNT_OFF + 4 * (self.j * MAX_VER + self.v - 1)
        last = VCNT_OFF + 4 * (self.nids * MAX_VER + self.j)
        reg = VCNT_OFF + 4 * (self.nids * MAX_VER + self.nids)
        return [f"lw t0, {c}(gp)", "addi t0, t0, 1", f"sw t0, {c}(gp)",
                f"lw t0, {last}(gp)", f"li t1, {self.v}", "sltu t0, t1, t0",
                f"lw t2, {reg}(gp)", "add t2, t2, t0", f"sw t2, {reg}(gp)",
                f"sw t1, {last}(gp)"]

    def run(self, m):
        pass


class Raw(Op):
    """Assembly lines with no modelled effect (t0..t2, CSRs, shared words)."""

    def __init__(self, lines):
        self.lines = lines

    def asm(self, g):
        return list(self.lines)

    def run(self, m):
        pass


class Patch(Op):
    """A patch of shared ID number j to its next version, under the lock."""

    def __init__(self, j, cid, leaf_addr, mech, me, n, bug):
        self.j, self.cid, self.leaf_addr, self.mech = j, cid, leaf_addr, mech
        self.me, self.n, self.bug = me, n, bug

    def asm(self, g):
        spin, wait = g.label(), g.label()
        out = [f"li t0, {sx(LOCK)}", f"{spin}:", "li t1, 1", "amoswap.w.aq t1, t1, (t0)",
               f"bnez t1, {spin}",
               f"li t0, {sx(CURVER + 4 * self.j)}", "lw t1, 0(t0)", "addi t1, t1, 1",
               "sw t1, 0(t0)", "slli t1, t1, 8",
               f"li t2, {sx(fn_addr(self.j, 0) | 3)}", "add t2, t2, t1",
               f"li t0, {sx(self.leaf_addr)}", "sw t2, 0(t0)", f"li t1, {sx(self.cid)}"]
        if self.mech == "hw":
            out += [".insn r CUSTOM_0, 3, 0, x0, x6, x0"]          # ctlb.bcast t1
        else:
            out += [".insn r CUSTOM_0, 1, 0, x0, x6, x0",          # ctlb.inv t1
                    f"li t0, {sx(SD_ID)}", "sw t1, 0(t0)",
                    f"li t0, {sx(SD_ACKS)}", "sw x0, 0(t0)", "li t1, 1"]
            for h in range(self.n):
                if h != self.me:
                    out += [f"li t0, {sx(MSIP + 4 * h)}", "sw t1, 0(t0)"]
            if self.bug != "nowait":
                out += [f"li t0, {sx(SD_ACKS)}", f"li t2, {self.n - 1}", f"{wait}:",
                        "lw t1, 0(t0)", f"bne t1, t2, {wait}"]
        return out + [".insn r CUSTOM_0, 4, 0, x0, x0, x0",           # ctlb.sync
                      f"li t0, {sx(LOCK)}", "amoswap.w.rl x0, x0, (t0)"]

    def run(self, m):
        pass


class HartsGen(Gen):
    def __init__(self, seed, levels=None, size=None, nharts=None, bug=None):
        super().__init__(seed, levels, size)
        r = self.rng
        self.n = nharts or r.choice(HART_COUNTS)
        self.size = size if size is not None else r.randint(20, 90)
        self.bug = bug
        self.quantum = r.choice(QUANTA)
        self.bcast_latency = r.randint(1, 8)
        # one CTLB for all harts (--ctlb-shared) in about a third of the seeds,
        # from an RNG of its own (the programs of the seeds stay as they
        # were); not with a planted bug: the patcher's own ctlb.inv then
        # reaches the only CTLB, and the bug is none
        self.ctlb_shared = bug is None and random.Random(f"shared{seed}").random() < 0.3

    # the shared table: nids IDs, each a leaf at the last level
    def build_shared(self):
        r = self.rng
        w = sum(self.levels)
        self.nids = min(r.randint(2, 6), 1 << w)
        ids = set()
        while len(ids) < self.nids:
            ids.add(r.getrandbits(w) if r.random() < 0.6 or not ids else
                    (next(iter(ids)) ^ r.getrandbits(self.levels[-1])))
        self.sids = sorted(ids)
        self.root_a = self.alloc(0)
        self.leaf = {}
        for j, cid in enumerate(self.sids):
            base = self.root_a
            for lvl in range(len(self.levels)):
                a = ctable.entry_addr(base, self.idx_of(cid, lvl))
                if lvl == len(self.levels) - 1:
                    self.init[a] = ctable.leaf(fn_addr(j, 1))
                    self.leaf[j] = a
                elif a in self.init:
                    base = ctable.target(self.init[a])
                else:
                    nxt = self.alloc(lvl + 1)
                    self.init[a] = ctable.next_entry(nxt)
                    base = nxt

    def pick_sid(self):
        return self.rng.choice(self.sids)

    def sfiller(self, idreg):
        r = self.rng
        k = r.random()
        if k < 0.5:
            return None
        if k < 0.7:
            return self.alu(avoid=(idreg,))
        if k < 0.8:
            return Store(r.choice(list(STORES)), self.src(), r.randrange(SCRATCH - 3))
        if k < 0.9:
            return Load(r.choice(list(LOADS)), self.dst(avoid=(idreg,)), r.randrange(SCRATCH - 3))
        return RawInv(idreg)

    def scall(self):
        idreg = self.dst()
        return CallId(idreg, self.pick_sid(), self.sfiller(idreg))

    def ssimple(self, m):
        r = self.rng
        k = r.random()
        if k < 0.35:
            return self.alu()
        if k < 0.43:
            return R(r.choice(list(MULDIV)), self.dst(), self.src(), self.src())
        if k < 0.53:
            return Load(r.choice(list(LOADS)), self.dst(), r.randrange(SCRATCH - 3))
        if k < 0.63:
            return Store(r.choice(list(STORES)), self.src(), r.randrange(SCRATCH - 3))
        if k < 0.68:
            # the target depends on the version: into a register not compared
            idreg = self.dst()
            return Xlat(r.choice(VOLATILE), idreg, self.pick_sid(), self.sfiller(idreg))
        if k < 0.71:
            return Inv(self.dst(), self.pick_sid()) if r.random() < 0.8 else Inv()
        return self.scall()

    def stop_op(self, m, patches):
        r = self.rng
        k = r.random()
        if patches and k < 0.12:
            return patches.pop()
        if k < 0.5:
            return self.ssimple(m)
        if k < 0.62:
            return Block(r.choice(list(BRANCHES)), self.src(), self.src(),
                         [self.ssimple(m) for _ in range(r.randint(1, 5))])
        if k < 0.72:
            return Loop(r.randint(1, 5), [self.ssimple(m) for _ in range(r.randint(2, 6))])
        if k < 0.8:
            # a window with interrupts disabled: an IPI waits for its end
            return Seq([Raw(["csrci mstatus, 8"])] +
                       [self.ssimple(m) for _ in range(r.randint(2, 10))] +
                       [Raw(["csrsi mstatus, 8"])])
        return self.scall()

    def generate(self):
        r = self.rng
        self.build_shared()
        n = self.n
        fn_ops = []     # (j, v, ops)
        fns = {}
        for j in range(self.nids):
            ops = [self.alu() if r.random() < 0.5 else
                   r.choice([Load(r.choice(list(LOADS)), self.dst(), r.randrange(SCRATCH - 3)),
                             Store(r.choice(list(STORES)), self.src(),
                                   r.randrange(SCRATCH - 3)),
                             R(r.choice(list(MULDIV)), self.dst(), self.src(), self.src())])
                   for _ in range(r.randint(1, 5))]
            for v in range(1, MAX_VER + 1):
                fns[fn_addr(j, v)] = ops
                fn_ops.append((j, v, ops + [VerCount(j, v, self.nids)]))
        # the patches: 1..10 in all, at most MAX_VER - 1 of one ID, by 1..3
        # patcher harts; the software mechanism in the planted-bug modes
        npatch = r.randint(1, 10)
        patchers = sorted(r.sample(range(n), r.randint(1, min(3, n))))
        count = [0] * self.nids
        plan = {h: [] for h in patchers}
        for _ in range(npatch):
            js = [j for j in range(self.nids) if count[j] < MAX_VER - 1]
            j = r.choice(js)
            count[j] += 1
            h = r.choice(patchers)
            mech = "sw" if self.bug or r.random() < 0.5 else "hw"
            plan[h].append(Patch(j, self.sids[j], self.leaf[j], mech, h, n, self.bug))
        final = [1 + c for c in count]
        # IDs patched by ctlb.bcast: a hart behind in local time may pass the
        # barrier before a broadcast's arrival in its own time, and then still
        # use the old entry (platform.md "Lazy clocking"), except at --quantum 1
        hw = [any(p.j == j and p.mech == "hw" for ps in plan.values() for p in ps)
              for j in range(self.nids)]

        harts = []
        for h in range(n):
            m = Machine(self.levels, fns)
            gp = DATA + h * HSTRIDE
            for a, v in self.init.items():
                m.w32(a, v)
            scratch = [r.getrandbits(32) for _ in range(SCRATCH // 4)]
            for i, v in enumerate(scratch):
                m.w32(gp + 4 * i, v)
            prologue = [Li(GP, gp), Li(TP, r.getrandbits(32)), Li(LOOPR, 0)]
            prologue += [Li(d, self.imm_value()) for d in POOL]
            for op in prologue:
                op.run(m)
            m.root = self.root_a | 1
            patches = list(reversed(plan.get(h, [])))
            stream = []
            while len(stream) < self.size or patches:
                op = self.stop_op(m, patches)
                op.run(m)
                stream.append(op)
            # after the barrier: every ID once more, each must reach its last version
            tail = [CallId(self.dst(), c) for c in self.sids]
            for op in tail:
                op.run(m)
            harts.append({"m": m, "prologue": prologue, "stream": stream, "tail": tail,
                          "scratch": scratch})
        src = self.emit_harts(harts, fn_ops)
        expect = {"regs": [{k: hh["m"].regs[k] for k in CHECKED} for hh in harts],
                  "lookups": [hh["m"].lookups for hh in harts],
                  "called": [[hh["m"].called.get(c, 0) for c in self.sids] for hh in harts],
                  "final": final, "patches": npatch, "hw": hw}
        prog = Program(self.seed, self.levels, src, expect, None)
        prog.nharts, prog.nids, prog.sids = n, self.nids, self.sids
        prog.quantum, prog.bcast_latency, prog.bug = self.quantum, self.bcast_latency, self.bug
        prog.ctlb_shared = self.ctlb_shared
        prog.words = 32 + self.nids * MAX_VER + self.nids + 1   # printed per hart
        return prog

    def emit_harts(self, harts, fn_ops):
        n = self.n
        L = []
        a = L.append

        def ops(seq):
            for op in seq:
                L.extend(s if s.endswith(":") else "  " + s for s in op.asm(self))

        a(f"# fuzz program on {n} harts, seed {self.seed}, --ctlb-levels "
          f"{','.join(map(str, self.levels))}, --quantum {self.quantum}, "
          f"--bcast-latency {self.bcast_latency}" +
          (" --ctlb-shared" if self.ctlb_shared else "") +
          (f", planted bug {self.bug}" if self.bug else ""))
        a("  .option arch, +a")
        a("  .globl __ct_harts")
        a(f"  .set __ct_harts, {n}")
        a("  .section .text.init, \"ax\"")
        a("  .globl _start")
        a("_start:")
        a("  la t0, trap")
        a("  csrw mtvec, t0")
        a("  csrr t1, mhartid")
        a("  slli t0, t1, 12")
        a(f"  li t2, {sx(DATA + SAVE_OFF)}")
        a("  add t0, t0, t2")
        a("  csrw mscratch, t0")
        for h in range(n):
            a(f"  li t0, {h}")
            a(f"  beq t1, t0, hart{h}")
        a("  j bad_trap")
        for h, hh in enumerate(harts):
            a(f"hart{h}:")
            if h == 0:
                for addr in sorted(self.init):
                    L.extend("  " + s for s in StoreAbs(addr, self.init[addr]).asm(self))
                for j in range(self.nids):         # every ID at version 1
                    L.extend("  " + s for s in StoreAbs(CURVER + 4 * j, 1).asm(self))
                a(f"  li t0, {sx(READY)}")
                a("  li t1, 1")
                a("  sw t1, 0(t0)")
            else:
                a(f"  li t0, {sx(READY)}")
                a("1:")
                a("  lw t1, 0(t0)")
                a("  beqz t1, 1b")
            ops(hh["prologue"])
            a(f"  li t0, {sx(self.root_a | 1)}")
            a("  csrw 0x7c0, t0")
            a("  .insn r CUSTOM_0, 1, 0, x0, x0, x0")
            a("  li t0, 8")
            a("  csrw mie, t0")
            a("  csrsi mstatus, 8")
            a(f"# ---- hart {h}: stream")
            ops(hh["stream"])
            a(f"# ---- hart {h}: barrier (interrupts enabled: late IPIs are taken)")
            a(f"  li t0, {sx(BARRIER)}")
            a("  li t1, 1")
            a("  amoadd.w x0, t1, (t0)")
            a(f"  li t2, {n}")
            a("1:")
            a("  lw t1, 0(t0)")
            a("  bne t1, t2, 1b")
            ops(hh["tail"])
            for k in range(32):
                a(f"  sw x{k}, {DUMP_OFF + 4 * k}(gp)")
            if h == 0:
                a("  j finish")
            else:
                a(f"  li t0, {sx(FINISHED)}")
                a("  li t1, 1")
                a("  amoadd.w x0, t1, (t0)")
                a("  csrci mstatus, 8")           # parked: ctsim runs it no more
                a("  li t0, 8")
                a("  csrw mie, t0")
                a("1:")
                a("  wfi")
                a("  j 1b")
        cnt = self.nids * MAX_VER + self.nids + 1
        a("# ---- hart 0: wait for the others, print every hart's words, exit")
        a("finish:")
        a(f"  li t0, {sx(FINISHED)}")
        a(f"  li t2, {n - 1}")
        a("1:")
        a("  lw t1, 0(t0)")
        a("  bne t1, t2, 1b")
        a(f"  li s2, {CONSOLE:#x}")
        a(f"  li s7, {sx(DATA)}")
        a(f"  li s8, {n}")
        a("20:")
        a(f"  addi s0, s7, {DUMP_OFF}")
        a("  li s1, 32")
        a("  jal print")
        a(f"  addi s0, s7, {VCNT_OFF}")
        a(f"  li s1, {cnt}")
        a("  jal print")
        a(f"  li t0, {HSTRIDE}")
        a("  add s7, s7, t0")
        a("  addi s8, s8, -1")
        a("  bnez s8, 20b")
        a("  li a0, 0")
        a("exit:")
        a("  slli a0, a0, 1")
        a("  ori a0, a0, 1")
        a("  la t0, tohost")
        a("  sw a0, 0(t0)")
        a("5: j 5b")
        a("print:")                          # s1 words from s0, one per line
        a("  lw s3, 0(s0)")
        a("  li s4, 8")
        a("2:")
        a("  srli s5, s3, 28")
        a("  slli s3, s3, 4")
        a("  addi s6, s5, -10")
        a("  bltz s6, 3f")
        a("  addi s5, s5, 87")
        a("  j 4f")
        a("3:")
        a("  addi s5, s5, 48")
        a("4:")
        a("  sb s5, 0(s2)")
        a("  addi s4, s4, -1")
        a("  bnez s4, 2b")
        a("  li s5, 10")
        a("  sb s5, 0(s2)")
        a("  addi s0, s0, 4")
        a("  addi s1, s1, -1")
        a("  bnez s1, print")
        a("  ret")
        a("# ---- trap handler: the shootdown IPI (t0..t2 saved at mscratch)")
        a("  .align 2")
        a("trap:")
        a("  csrrw t0, mscratch, t0")
        a("  sw t1, 0(t0)")
        a("  sw t2, 4(t0)")
        a("  csrr t1, mcause")
        a("  bgez t1, bad_trap")
        a("  csrr t1, mhartid")
        a("  slli t1, t1, 2")
        a(f"  li t2, {MSIP:#x}")
        a("  add t1, t1, t2")
        a("  sw x0, 0(t1)")                  # msip first: the next IPI is not lost
        a(f"  li t1, {sx(SD_ID)}")
        a("  lw t1, 0(t1)")
        if self.bug != "noinv":
            a("  .insn r CUSTOM_0, 1, 0, x0, x6, x0")   # ctlb.inv t1
        a(f"  li t1, {sx(SD_ACKS)}")
        a("  li t2, 1")
        a("  amoadd.w x0, t2, (t1)")
        a("  lw t2, 4(t0)")
        a("  lw t1, 0(t0)")
        a("  csrrw t0, mscratch, t0")
        a("  mret")
        a("bad_trap:")
        a("  li a0, 99")
        a("  j exit")
        a("# ---- the versions of the shared IDs' functions")
        a("  .section .fns, \"ax\"")
        for j, v, body in fn_ops:
            a(f"  .org {fn_addr(j, v) - FN_BASE}")
            a(f"fn{j}v{v}:")
            ops(body)
            a("  ret")
        a("# ---- data: every hart's scratch area")
        a("  .data")
        for h, hh in enumerate(harts):
            a(f"  .org {h * HSTRIDE}")
            for v in hh["scratch"]:
                a(f"  .word {v:#010x}")
        a(f"  .org {SHARED - DATA + 64 + 4 * self.nids}")
        a("  .word 0")
        a("""
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .size tohost, 8
  .globl fromhost
fromhost: .dword 0
  .size fromhost, 8""")
        return "\n".join(L) + "\n"


def generate_harts(seed, levels=None, size=None, nharts=None, bug=None):
    """A program for several harts (the comment above HartsGen); prog.nharts,
    .quantum, .bcast_latency and .ctlb_shared are drawn by the seed (nharts
    may be given)."""
    return HartsGen(seed, levels, size, nharts, bug).generate()
