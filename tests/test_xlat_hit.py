"""xlat_hit (model/xlat.h), the hit cycle ctsim's callid takes without the
general xlat_step: on the C backend it must be that cycle exactly. Two C
models see the same random traffic (lookups of mapped and unmapped IDs,
invalidates, flushes, idle cycles); one answers every lookup it can with
xlat_hit and steps the others, the other only steps. Their answers, counters
and cycle counts must agree after every operation, and xlat_hit must take
exactly the lookups the stepped model answers as a same-cycle hit. The RTL
backend takes it too (the verilated cycle evaluated, its edge taken only on a
hit), checked the same way against the stepped C model; with XLAT_VL_PLAIN=1
(the reference scheduler) it always steps."""
import ctypes
import os
import random

import pytest

import xlat_api as xa

BASE = 0x80000000


def build_table(ids, levels):
    """The table of docs/accelerator.md for ids (id -> function address): a
    non-leaf entry is next | 1, a leaf addr | 3; tables are placed one after
    the other from BASE, each 4 << bits bytes."""
    words, nxt = {}, [BASE]

    def alloc(bits):
        a = nxt[0]
        nxt[0] += 4 << bits
        return a

    root = alloc(levels[0])
    tables = {(): root}
    cover = sum(levels)
    for id_, addr in ids.items():
        prefix, base, shift = (), root, cover
        for lvl, bits in enumerate(levels):
            shift -= bits
            idx = (id_ >> shift) & ((1 << bits) - 1)
            ea = base + 4 * idx
            prefix = prefix + (idx,)
            if lvl == len(levels) - 1:
                words[ea] = addr | 3
            else:
                if prefix not in tables:
                    tables[prefix] = alloc(levels[lvl + 1])
                    words[ea] = tables[prefix] | 1
                base = tables[prefix]
    return words, root | 1


def lib_hit():
    f = xa.lib().xlat_hit
    f.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint8,
                  ctypes.POINTER(ctypes.c_uint32)]
    f.restype = ctypes.c_int
    c = xa.lib().xlat_cycles
    c.argtypes = [ctypes.c_void_p]
    c.restype = ctypes.c_uint64
    return f, c


CONFIGS = [
    dict(entries=64, ways=4, policy="lru"),
    dict(entries=64, ways=4, policy="plru"),
    dict(entries=16, ways=1, policy="fifo"),
    dict(entries=64, ways=16, policy="lru"),      # more than 8 ways: the hashed lookup
    dict(entries=32, ways=32, policy="random"),
    dict(entries=64, ways=2, policy="fifo", walk_cache=4),
    dict(entries=8, ways=4, policy="lru", levels=(16,)),
    dict(entries=16, ways=4, policy="plru", levels=(8, 8, 8, 4)),
]


# the RTL backend on a few of them (each configuration builds a library)
CASES = [("c", k) for k in CONFIGS] + [("rtl", CONFIGS[0]), ("rtl", CONFIGS[1]), ("rtl", CONFIGS[5])]


@pytest.mark.parametrize("backend,kw", CASES, ids=[b + "-" + xa.name(xa.config(**k)) for b, k in CASES])
def test_hit_shortcut_is_the_stepped_cycle(backend, kw):
    hit, cycles = lib_hit()
    cfg = xa.config(**kw)
    levels = kw.get("levels", (12, 10, 10))
    cover = sum(levels)
    rng = random.Random(7)
    mapped = {rng.randrange(1 << cover): 0x1000 + 4 * i for i in range(60)}
    pool = list(mapped) + [rng.randrange(1 << cover) for _ in range(8)]  # a few unmapped
    if cover < 32:
        pool.append((1 << cover) | 5)                                     # out of range
    words, root = build_table(mapped, levels)
    a, b = xa.Xlat(cfg, backend), xa.Xlat(cfg)
    try:
        da, db = xa.Driver(a, xa.Memory(words, latency=2), root), \
            xa.Driver(b, xa.Memory(words, latency=2), root)
        hot = pool[:12]
        shortcuts = stepped_hits = 0
        addr = ctypes.c_uint32()
        for n in range(3000):
            r = rng.random()
            if r < 0.04:
                id_ = rng.choice(pool)
                for d in (da, db):
                    d.cycle_step(inv_valid=1, inv_id=id_)
            elif r < 0.05:
                for d in (da, db):
                    d.cycle_step(inv_valid=1, inv_all=1)
            elif r < 0.08:
                for d in (da, db):
                    d.cycle_step()
            else:
                id_ = rng.choice(hot if rng.random() < 0.7 else pool)
                want = db.lookup(id_)
                took = hit(a.h, id_, root, 1, ctypes.byref(addr)) == 1
                if took:
                    got = (1, 0, addr.value, 0)
                    da.cycle += 1
                    shortcuts += 1
                else:
                    got = da.lookup(id_)
                assert got == want, (n, hex(id_))
                same_cycle_hit = want[0] == 1 and want[3] == 0
                stepped_hits += same_cycle_hit
                assert took == same_cycle_hit, (n, hex(id_))
            assert a.counters() == b.counters(), n
            assert cycles(a.h) == cycles(b.h) == da.cycle == db.cycle, n
        # both paths were taken, and the shortcut took every same-cycle hit
        assert 0 < shortcuts == stepped_hits < 3000
    finally:
        a.close()
        b.close()


def test_hit_shortcut_declines_while_walking():
    """A walk in progress: xlat_hit must leave the model alone (the cycle is a
    walk cycle, not a lookup)."""
    hit, cycles = lib_hit()
    words, root = build_table({5: 0x2000, 6: 0x2004}, (12, 10, 10))
    x = xa.Xlat(xa.config())
    try:
        d = xa.Driver(x, xa.Memory(words, latency=3), root)
        assert d.lookup(6)[:3] == (0, 0, 0x2004)
        d.cycle_step(req_valid=1, req_id=5)          # a miss: the walk starts
        before, c0 = x.counters(), cycles(x.h)
        addr = ctypes.c_uint32(0xdead)
        assert hit(x.h, 6, root, 1, ctypes.byref(addr)) == 0
        assert (x.counters(), cycles(x.h), addr.value) == (before, c0, 0xdead)
    finally:
        x.close()


def test_rtl_shortcut_declines_while_walking_and_when_plain():
    """The RTL's shortcut leaves the model alone while a walk is in progress,
    and XLAT_VL_PLAIN=1 (the reference scheduler) never takes it."""
    hit, cycles = lib_hit()
    words, root = build_table({5: 0x2000, 6: 0x2004, 9: 0x3000}, (12, 10, 10))
    x = xa.Xlat(xa.config(), backend="rtl")
    old = os.environ.get("XLAT_VL_PLAIN")
    os.environ["XLAT_VL_PLAIN"] = "1"
    try:
        p = xa.Xlat(xa.config(), backend="rtl")
    finally:
        if old is None:
            del os.environ["XLAT_VL_PLAIN"]
        else:
            os.environ["XLAT_VL_PLAIN"] = old
    try:
        d = xa.Driver(x, xa.Memory(words, latency=3), root)
        assert d.lookup(6)[:3] == (0, 0, 0x2004)
        addr = ctypes.c_uint32(0xdead)
        c0 = cycles(x.h)
        assert hit(x.h, 6, root, 1, ctypes.byref(addr)) == 1 and addr.value == 0x2004
        d.cycle += 1
        assert cycles(x.h) == c0 + 1
        d.cycle_step(req_valid=1, req_id=5)          # a miss: the walk starts
        before, c0 = x.counters(), cycles(x.h)
        addr.value = 0xdead
        assert hit(x.h, 6, root, 1, ctypes.byref(addr)) == 0
        assert (x.counters(), cycles(x.h), addr.value) == (before, c0, 0xdead)
        dp = xa.Driver(p, xa.Memory(words), root)
        assert dp.lookup(9)[:3] == (0, 0, 0x3000)
        assert dp.lookup(9)[:3] == (1, 0, 0x3000)     # in the CTLB now
        assert hit(p.h, 9, root, 1, ctypes.byref(addr)) == 0
    finally:
        x.close()
        p.close()
