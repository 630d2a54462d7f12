"""The call table's format and geometry for the scripts: the Python twin of
model/ctable.h (docs/accelerator.md section 2 is the specification;
tests/test_ctable.py checks the two against each other).

A geometry is a sequence of index widths, root first. W = sum(widths) is the
covered width; level l indexes ID bits [S_l + B_l - 1 : S_l] with
S_l = W - (B_0 + ... + B_l). A table of level l has 2^B_l entries of 4 bytes;
the entry of level l is at base_l + 4 * index_l (32-bit wrap-around). Entries:
bit 0 valid, bit 1 leaf, bits 31:2 the function address (leaf) or the next
table (non-leaf). Root register: bits 31:2 the root table, bit 0 enable.

Run as a program it prints where IDs live in a table of a geometry:
  scripts/ctable.py --ctlb-levels 12,10,10 0x00ABCDEF
"""
import os
import sys

MAX_LEVELS = 4
MAX_LEVEL_BITS = 16
ID_BITS = 32
ENTRY_BYTES = 4

VALID = 1
LEAF = 2
FLAGS = 3
MASK32 = 0xFFFFFFFF

# the fault codes of a walk (xlat_fault_t)
FAULT_NONE, FAULT_INVALID, FAULT_RANGE, FAULT_DISABLED, FAULT_BUS = range(5)


def check(bits):
    """None if the widths are a valid geometry, else a one-line reason in the
    words of xlat_config_check."""
    if not 1 <= len(bits) <= MAX_LEVELS:
        return f"levels must be in 1..{MAX_LEVELS} (got {len(bits)})"
    for i, b in enumerate(bits):
        if not 1 <= b <= MAX_LEVEL_BITS:
            return f"level_bits[{i}] must be in 1..{MAX_LEVEL_BITS} (got {b})"
    if sum(bits) > ID_BITS:
        return f"level_bits must sum to at most {ID_BITS} ID bits (got {sum(bits)})"
    return None


def width(bits):
    """W, the covered width."""
    return sum(bits)


def shift(bits, level):
    """S_l, the lowest ID bit the level indexes."""
    return sum(bits) - sum(bits[:level + 1])


def index(bits, id_, level):
    """index_l of the ID."""
    return (id_ >> shift(bits, level)) & ((1 << bits[level]) - 1)


def indices(bits, id_):
    """The index of every level, root first."""
    return [index(bits, id_, l) for l in range(len(bits))]


def range_mask(w):
    """The ID bits a table of covered width w does not cover (0 for w = 32)."""
    return 0 if w >= ID_BITS else MASK32 & ~((1 << w) - 1)


def in_range(bits, id_):
    """True if the ID passes the range check of the geometry."""
    w = width(bits)
    return w >= ID_BITS or id_ >> w == 0


def id_count(bits):
    """How many IDs the geometry covers (2^W)."""
    return 1 << width(bits)


def level_entries(b):
    return 1 << b


def level_bytes(b):
    """The size of one table of a level b bits wide."""
    return ENTRY_BYTES << b


def entry_addr(base, idx):
    return (base + ENTRY_BYTES * idx) & MASK32


def is_valid(e):
    return bool(e & VALID)


def is_leaf(e):
    """(of a valid entry)"""
    return bool(e & LEAF)


def target(e):
    """Bits 31:2: the function address of a leaf, the next table of a non-leaf."""
    return e & MASK32 & ~FLAGS


def leaf(addr):
    """A leaf entry for the function at addr (4-byte aligned)."""
    return addr | VALID | LEAF


def next_entry(base):
    """A non-leaf entry pointing at the table at base (4-byte aligned)."""
    return base | VALID


def walk(bits, root, id_, read):
    """The translation of the ID under the root register, as the walker does it
    (read(addr) gives the entry, or None for a failed read). Returns (fault,
    addr, level, entry_addr, entry) as ctable_walk in model/ctable.h."""
    if not root & VALID:
        return (FAULT_DISABLED, 0, 0, 0, 0)
    if id_ & range_mask(width(bits)):
        return (FAULT_RANGE, 0, 0, 0, 0)
    base = target(root)
    for l in range(len(bits)):
        ea = entry_addr(base, index(bits, id_, l))
        e = read(ea)
        if e is None:
            return (FAULT_BUS, 0, l, ea, 0)
        if not e & VALID:
            return (FAULT_INVALID, 0, l, ea, e)
        if e & LEAF:
            return (FAULT_NONE, target(e), l, ea, e)
        base = target(e)
    return (FAULT_INVALID, 0, len(bits) - 1, ea, e)


def tables_for(bits, ids):
    """How many tables each level needs to map the IDs: one root table, and at
    level l one per distinct prefix of the l levels above it."""
    w = width(bits)
    ids = set(ids)
    return [1] + [len({i >> (w - sum(bits[:l])) for i in ids}) for l in range(1, len(bits))]


def table_bytes(bits, ids):
    """The bytes of the tables that map the IDs (tables_for, sized)."""
    return sum(n * level_bytes(b) for n, b in zip(tables_for(bits, ids), bits))


def build(bits, leaves):
    """The radix tables of (id, payload) pairs, in the order they are first
    needed (the root first): a list of (path, entries) with path the indices
    above the table and entries a list of None (zero), ("leaf", payload) or
    ("next", k) with k the position of the next table in the list. IDs must
    be in range."""
    tables = {(): [None] * level_entries(bits[0])}
    order = [()]
    for id_, payload in leaves:
        path = ()
        for l, b in enumerate(bits):
            idx = index(bits, id_, l)
            ents = tables[path]
            if l + 1 == len(bits):
                ents[idx] = ("leaf", payload)
                break
            sub = path + (idx,)
            if sub not in tables:
                tables[sub] = [None] * level_entries(bits[l + 1])
                ents[idx] = ("next", len(order))
                order.append(sub)
            path = sub
    return [(p, tables[p]) for p in order]


def main(argv=None):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import ctrace
    import xlatcfg
    p = ctrace.OneLineParser(
        prog="ctable.py",
        description="Prints, for each ID, its index and entry offset (4 x index, from the "
        "table's base) at every level of the table geometry, or that it fails the "
        "range check (docs/accelerator.md section 2).")
    p.add_argument("--ctlb-levels", default="12,10,10", metavar="A,B,..",
                   help="the index widths, root first, as ctsim's option (default 12,10,10)")
    p.add_argument("id", nargs="+", help="IDs, decimal or 0x hex, below 2^32")
    a = p.parse_args(argv)
    bits = xlatcfg.level_bits(a.ctlb_levels)
    why = "not a list like 12,10,10" if bits is None else check(bits)
    if why:
        p.error(f"argument --ctlb-levels: '{a.ctlb_levels}': {why}")
    for text in a.id:
        i = ctrace.parse_number(text)
        if i is None or i > MASK32:
            p.error(f"argument id: '{text}' is not a number below 2^32")
        if not in_range(bits, i):
            print(f"0x{i:08x}: out of range (a bit at or above bit {width(bits)}): fault RANGE")
            continue
        parts = [f"L{l} index {x} offset 0x{ENTRY_BYTES * x:x}"
                 for l, x in enumerate(indices(bits, i))]
        print(f"0x{i:08x}: " + ", ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
