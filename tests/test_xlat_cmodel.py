"""Independent checks of the accelerator models (the C model, and the RTL where it is
cheap): hit/miss sequences against textbook LRU/FIFO and a Python tree-PLRU/LFSR
written from docs/accelerator.md, and walk cycle counts worked by hand from the
cycle-cost formula in docs/accelerator.md section 4."""
import collections
import random

import pytest

from conftest import BUILD, need
import xlat_api as xa

ROOT_BASE = 0x1000
FUNC = lambda i: 0x100000 + 16 * i  # noqa: E731  the handler of ID i


@pytest.fixture(scope="module", autouse=True)
def _lib():
    need(BUILD / "libxlat.so", "build/libxlat.so")


# ---------------------------------------------------------------- replacement

def flat_table(n):
    """One level of 16 bits: entry i is a leaf to FUNC(i)."""
    return {ROOT_BASE + 4 * i: FUNC(i) | 3 for i in range(n)}


class RefCache:
    """Reference CTLB contents per set, for the hit/miss sequence only."""

    def __init__(self, entries, ways, policy, seed=0xACE1):
        self.sets, self.ways, self.policy = entries // ways, ways, policy
        self.lines = [collections.OrderedDict() for _ in range(self.sets)]  # textbook LRU/FIFO
        self.slots = [[None] * ways for _ in range(self.sets)]            # PLRU/RANDOM by way
        self.tree = [[0] * ways for _ in range(self.sets)]
        self.lfsr = seed

    def access(self, i):
        s = i % self.sets
        if self.policy in ("lru", "fifo"):
            d = self.lines[s]
            if i in d:
                if self.policy == "lru":
                    d.move_to_end(i)
                return True
            if len(d) == self.ways:
                d.popitem(last=False)  # least recently used / first in
            d[i] = True
            return False
        slots = self.slots[s]
        if i in slots:
            self.touch(s, slots.index(i))
            return True
        if None in slots:
            w = slots.index(None)
        elif self.policy == "plru":
            n = 1
            while n < self.ways:
                n = 2 * n + self.tree[s][n]
            w = n - self.ways
        else:
            w = self.lfsr & (self.ways - 1)
        if self.policy == "random":
            self.lfsr = (self.lfsr >> 1) ^ (0xB400 if self.lfsr & 1 else 0)
        slots[w] = i
        self.touch(s, w)
        return False

    def touch(self, s, w):
        if self.policy != "plru":
            return
        n = self.ways + w
        while n > 1:
            self.tree[s][n // 2] = 1 if n % 2 == 0 else 0
            n //= 2


@pytest.mark.parametrize("policy", ["lru", "fifo", "plru", "random"])
@pytest.mark.parametrize("entries,ways", [(8, 1), (8, 2), (8, 4), (8, 8), (16, 4)])
def test_hit_miss_sequence(policy, entries, ways):
    n_ids = 3 * entries
    cfg = xa.config(entries=entries, ways=ways, policy=policy, levels=(16,))
    x = xa.Xlat(cfg)
    d = xa.Driver(x, xa.Memory(flat_table(n_ids), latency=2), ROOT_BASE | 1)
    ref = RefCache(entries, ways, policy)
    rng = random.Random(f"{policy}{entries}{ways}")
    hot = list(range(entries + 2))
    for k in range(3000):
        i = rng.choice(hot) if rng.random() < 0.8 else rng.randrange(n_ids)
        want = ref.access(i)
        hit, fault, addr, _ = d.lookup(i)
        assert (bool(hit), fault, addr) == (want, 0, FUNC(i)), \
            f"lookup {k} of id {i}: got hit={hit} fault={fault} addr=0x{addr:x}, expected hit={want}"
    c = x.counters()
    assert c["lookups"] == 3000 and c["hits"] + c["misses"] == 3000 and c["faults"] == 0
    x.close()


# ---------------------------------------------------------------- walk timing

L0, L1, L2 = 0x10000, 0x20000, 0x30000  # table bases of the default 12/10/10 geometry


def default_tables():
    """IDs 0x00100401 and 0x00100402 share levels 0 and 1; 0xFFF00000 range is a
    superpage; 0x00200000 meets an invalid level-1 entry; 0x00300000 a non-leaf at the
    last level; 0x00400000 a next table outside memory (bus error)."""
    w = {}
    w[L0 + 4 * 0x001] = L1 | 1                # level 0 index 1 -> L1
    w[L1 + 4 * 0x001] = L2 | 1                # level 1 index 1 -> L2
    w[L2 + 4 * 0x001] = 0xAAAA0 | 3           # leaf
    w[L2 + 4 * 0x002] = 0xBBBB0 | 3
    w[L0 + 4 * 0xFFF] = 0xCCCC0 | 3           # superpage leaf at level 0
    w[L0 + 4 * 0x002] = L1 + 0x1000 | 1
    w[L1 + 0x1000 + 0] = 0x5 << 2             # invalid (valid bit clear)
    w[L0 + 4 * 0x003] = L1 + 0x2000 | 1
    w[L1 + 0x2000 + 0] = L2 + 0x1000 | 1
    w[L2 + 0x1000 + 0] = L2 | 1               # non-leaf at the last level
    w[L0 + 4 * 0x004] = 0xDEAD000 | 1         # next table in the error region
    return w


ID_A, ID_B = 0x00100401, 0x00100402


def make(backend, wc=0, latency=1, ready_delay=0, root=L0 | 1, levels=(12, 10, 10)):
    if backend == "rtl":
        need(BUILD / "libxlat.so", "build/libxlat.so")
    x = xa.Xlat(xa.config(levels=levels, walk_cache=wc), backend)
    errors = {0xDEAD000 + 4 * i for i in range(1024)}
    mem = xa.Memory(default_tables(), latency=latency, ready_delay=ready_delay, errors=errors)
    return x, xa.Driver(x, mem, root)


BACKENDS = ["c", "rtl"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("latency,ready_delay", [(1, 0), (3, 0), (1, 2), (5, 1)])
def test_full_walk_cycles(backend, latency, ready_delay):
    x, d = make(backend, latency=latency, ready_delay=ready_delay)
    per_level = 1 + ready_delay + latency  # FETCH (+ cycles without ready) + WAIT
    hit, fault, addr, cyc = d.lookup(ID_A)
    assert (hit, fault, addr) == (0, 0, 0xAAAA0)
    assert cyc == 3 * per_level + 1
    c = x.counters()
    assert c["walk_cycles"] == 3 * per_level + 1 and c["mem_reads"] == 3 and c["misses"] == 1
    assert [a for _, a in d.mem.reads] == [L0 + 4, L1 + 4, L2 + 4]
    assert d.lookup(ID_A) == (1, 0, 0xAAAA0, 0)  # a hit answers in the request cycle
    assert x.counters()["hits"] == 1
    x.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_faults_and_superpage(backend):
    x, d = make(backend, latency=2)
    assert d.lookup(0xFFF12345) == (0, 0, 0xCCCC0, 1 * 3 + 1)   # leaf at level 0
    assert d.lookup(0xFFF00000) == (0, 0, 0xCCCC0, 1 * 3 + 1)   # same range, own CTLB entry
    assert d.lookup(0x00200000) == (0, xa.FAULTS["invalid"], 0, 2 * 3 + 1)
    assert d.lookup(0x00300000) == (0, xa.FAULTS["invalid"], 0, 3 * 3 + 1)
    assert d.lookup(0x00400000) == (0, xa.FAULTS["bus"], 0, 2 * 3 + 1)
    assert d.lookup(0x00200000)[:2] == (0, xa.FAULTS["invalid"])  # faults are not cached
    assert d.lookup(0xFFF12345) == (1, 0, 0xCCCC0, 0)
    c = x.counters()
    assert c["faults"] == 4 and c["hits"] == 1 and c["lookups"] == 7
    x.close()
    x, d = make(backend, root=L0)  # enable bit clear
    assert d.lookup(ID_A) == (0, xa.FAULTS["disabled"], 0, 1)
    assert x.counters()["mem_reads"] == 0 and x.counters()["walk_cycles"] == 1
    x.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_range_fault(backend):
    x, d = make(backend, levels=(8, 8))
    assert d.lookup(0x00010000) == (0, xa.FAULTS["range"], 0, 1)
    assert d.lookup(0x80000000)[1] == xa.FAULTS["range"]
    x.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_walk_cache_cycles(backend):
    L = 2
    x, d = make(backend, wc=4, latency=L)
    assert d.lookup(ID_A)[3] == 3 * (1 + L) + 1
    assert d.lookup(ID_B) == (0, 0, 0xBBBB0, 2 * 1 + (1 + L) + 1)  # levels 0, 1 cached
    c = x.counters()
    assert c["walk_cache_hits"] == 2 and c["mem_reads"] == 4
    d.cycle_step(inv_valid=1, inv_all=1)  # flush empties the walk cache too
    assert d.lookup(ID_B)[3] == 3 * (1 + L) + 1
    d.cycle_step(inv_valid=1, inv_id=ID_A)  # invalidate-one keeps the walk cache
    assert d.lookup(ID_A)[3] == 2 * 1 + (1 + L) + 1
    x.close()


# An invalidate of the walked ID or a flush while the walk is in flight restarts
# it from the root once the read it has open is answered (docs/accelerator.md
# section 6); worked by hand for 3 levels, cycles counted from the request
# (cycle 0): with latency L a walk from a FETCH of level 0 in cycle s answers
# in cycle s + 3 * (1 + L). L = 1 without a kill: FETCH 1, 3, 5 (reads
# answered in 2, 4, 6), RESP 7.
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("lat,when,inv,answer,reads,installed", [
    # in the WAIT cycle whose response comes with it: restart at that edge, s = 3
    (1, 2, {"inv_id": ID_A}, 3 + 6, 1 + 3, True),
    # in a FETCH whose read is accepted: that read is answered in 2, s = 3
    (1, 1, {"inv_id": ID_A}, 3 + 6, 1 + 3, True),
    # with the leaf's response (cycle 6): s = 7
    (1, 6, {"inv_id": ID_A}, 7 + 6, 3 + 3, True),
    # in the RESP cycle: the answer stands (ordered before it), nothing installed
    (1, 7, {"inv_id": ID_A}, 7, 3, False),
    # a flush in FETCH of level 1 (read accepted in 3, answered in 4): s = 5
    (1, 3, {"inv_all": 1}, 5 + 6, 2 + 3, True),
    # another ID, and the request cycle itself (before any read): no restart
    (1, 3, {"inv_id": ID_B}, 7, 3, True),
    (1, 0, {"inv_id": ID_A}, 7, 3, True),
    # L = 2: FETCH 1, read answered in 3; killed in 2 while it is open: s = 4
    (2, 2, {"inv_id": ID_A}, 4 + 9, 1 + 3, True),
])
def test_invalidate_during_walk_restarts_it(backend, lat, when, inv, answer, reads, installed):
    x, d = make(backend, latency=lat)
    assert d.lookup(ID_A, inv_at=when, inv=inv) == (0, 0, 0xAAAA0, answer)
    c = x.counters()
    assert (c["mem_reads"], c["misses"], c["invalidations"]) == (reads, 1, 1)
    assert d.lookup(ID_A)[0] == int(installed)
    x.close()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("inv,answer,wc_hits", [
    # ID_B's levels 0 and 1 come from the walk cache (FETCH 1 and 2, leaf read
    # in 3, answered in 4, RESP 5). Killed in cycle 1, a walk-cache step: FETCH 2
    # restarts without a read or a walk-cache use, then FETCH 3, 4 from the
    # cache, the leaf read in 5, answered in 6, RESP 7
    ({"inv_id": ID_B}, 7, 1 + 2),
    # a flush in cycle 1 also empties the walk cache: after the restart in 2 all
    # three levels are read (FETCH 3, 5, 7), RESP 9
    ({"inv_all": 1}, 9, 1),
])
def test_killed_walk_restarts_without_a_read(backend, inv, answer, wc_hits):
    x, d = make(backend, wc=4, latency=1)
    d.lookup(ID_A)                                   # caches the non-leaf entries
    before = x.counters()
    assert d.lookup(ID_B, inv_at=1, inv=inv) == (0, 0, 0xBBBB0, answer)
    c = x.counters()
    assert c["walk_cache_hits"] - before["walk_cache_hits"] == wc_hits
    assert c["mem_reads"] - before["mem_reads"] == 3 - (wc_hits - 1)
    assert d.lookup(ID_B)[0] == 1
    x.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_restart_reads_the_new_table(backend):
    """The point of the restart: a patch (new leaf, then the invalidate) during
    a walk of the ID is never answered with the old leaf."""
    x, d = make(backend, latency=2)
    leaf = L2 + 4 * (ID_A & 0x3FF)
    assert d.mem.words[leaf] == 0xAAAA0 | 3
    start = d.cycle
    d.cycle_step(req_valid=1, req_id=ID_A)          # request in cycle 0, reads from 1
    # up to the cycle in which the leaf read is answered (with the old leaf)
    while not (len(d.mem.reads) == 3 and d.mem.pending and d.mem.pending[0] == d.cycle):
        d.cycle_step()
    out = d.cycle_step(inv_valid=1, inv_id=ID_A)    # the patch's invalidate comes with it
    d.mem.words[leaf] = 0xEEEE0 | 3                 # ... after its store (the new leaf)
    for _ in range(40):
        if out.rsp_valid:
            break
        out = d.cycle_step()
    assert (out.rsp_hit, out.rsp_fault, out.rsp_addr) == (0, 0, 0xEEEE0)
    # the old leaf was dropped and the walk read the three levels again: L = 2,
    # reads accepted in 1, 4, 7, the leaf answered in 9; FETCH of level 0 again
    # in 10, RESP in 10 + 3 * (1 + 2)
    assert [c for c, _ in d.mem.reads] == [1, 4, 7, 10, 13, 16]
    assert d.cycle - 1 - start == 10 + 3 * 3
    assert d.lookup(ID_A) == (1, 0, 0xEEEE0, 0)
    x.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_idle_is_idle(backend):
    x, d = make(backend, latency=4)
    assert x.busy() == 0
    out = d.cycle_step(req_valid=1, req_id=ID_A)
    assert out.busy == 0 and x.busy() == 1   # busy from the cycle after the miss
    before = x.counters()
    while x.busy():
        d.cycle_step()
    assert x.counters()["walk_cycles"] == before["walk_cycles"] + 3 * 5 + 1
    c = x.counters()
    for _ in range(50):
        o = d.cycle_step()
        assert (o.rsp_valid, o.mem_req_valid, o.busy) == (0, 0, 0)
    assert x.counters() == c
    x.close()


def test_config_check_names_parameter():
    cases = [
        (dict(entries=48), "entries"), (dict(entries=0), "entries"),
        (dict(entries=2048, ways=1), "entries"), (dict(ways=3), "ways"),
        (dict(entries=8, ways=16), "ways"), (dict(levels=()), "levels"),
        (dict(levels=(8, 8, 8, 8, 8)), "levels"), (dict(levels=(16, 16, 4)), "level_bits"),
        (dict(levels=(12, 0, 10)), "level_bits[1]"), (dict(levels=(17,)), "level_bits[0]"),
        (dict(policy=7), "policy"), (dict(walk_cache=6), "walk_cache"),
        (dict(walk_cache=128), "walk_cache"), (dict(lfsr_seed=1 << 16), "lfsr_seed"),
    ]
    for kw, word in cases:
        cfg = xa.config(**kw) if kw.get("levels") != (8, 8, 8, 8, 8) else None
        if cfg is None:  # five levels do not fit the struct: set levels = 5 directly
            cfg = xa.config(levels=(8, 8, 8, 8))
            cfg.levels = 5
        rc, msg = xa.check(cfg)
        assert rc == -1 and word in msg and "\n" not in msg, (kw, msg)
        for backend in ("c", "rtl"):
            with pytest.raises(ValueError, match=word.replace("[", r"\[").replace("]", r"\]")):
                xa.Xlat(cfg, backend)
    assert xa.check(xa.config()) == (0, "")
    assert xa.name(xa.config()) == "e64w4-lru-l12.10.10-wc0"


@pytest.mark.parametrize("backend", BACKENDS)
def test_convenience_invalidate_and_flush(backend):
    """xlat_invalidate() / xlat_flush() are one invalidate-port cycle each."""
    x, d = make(backend)
    d.lookup(ID_A)
    d.lookup(ID_B)
    xa.lib().xlat_invalidate.argtypes = [xa.ctypes.c_void_p, xa.ctypes.c_uint32]
    xa.lib().xlat_flush.argtypes = [xa.ctypes.c_void_p]
    xa.lib().xlat_cycles.argtypes = [xa.ctypes.c_void_p]
    xa.lib().xlat_cycles.restype = xa.ctypes.c_uint64
    n = xa.lib().xlat_cycles(x.h)
    xa.lib().xlat_invalidate(x.h, ID_A)
    assert xa.lib().xlat_cycles(x.h) == n + 1
    assert d.lookup(ID_B)[0] == 1 and d.lookup(ID_A)[0] == 0
    xa.lib().xlat_flush(x.h)
    assert d.lookup(ID_A)[0] == 0 and d.lookup(ID_B)[0] == 0
    assert x.counters()["invalidations"] == 2
    x.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_counters_read_during_a_walk(backend):
    """Counters read after every cycle of a walk (the RTL backend reads them through
    the RTL's counter read port, docs/accelerator.md section 8): walk_cycles counts
    the cycles after the request, and the reads change nothing: the answer comes at
    the cycle of section 4's formula, the outputs of every cycle are those of the
    same run without reads, and the next lookup hits."""
    L = 2
    runs = []
    for read in (False, True):
        x, d = make(backend, latency=L)
        o = d.cycle_step(req_valid=1, req_id=ID_A)
        outs = [tuple(getattr(o, f) for f in OUT_FIELDS)]
        k = 0
        while x.busy():
            k += 1
            o = d.cycle_step()
            outs.append(tuple(getattr(o, f) for f in OUT_FIELDS))
            if read:
                c = x.counters()
                assert (c["walk_cycles"], c["lookups"], c["misses"], c["hits"]) == (k, 1, 1, 0)
                assert c["mem_reads"] == sum(1 for _, a in d.mem.reads)
        assert k == 3 * (1 + L) + 1 and outs[-1][1] == 1  # rsp_valid in the last cycle
        assert d.lookup(ID_A) == (1, 0, 0xAAAA0, 0)
        c = x.counters()
        assert (c["lookups"], c["hits"], c["mem_reads"], c["walk_cycles"]) == (2, 1, 3, k)
        runs.append(outs)
        x.close()
    assert runs[0] == runs[1]


OUT_FIELDS = ("req_ready", "rsp_valid", "rsp_hit", "rsp_fault", "rsp_addr", "mem_req_valid",
              "mem_req_addr", "busy")
