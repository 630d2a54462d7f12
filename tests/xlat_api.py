"""ctypes binding of model/xlat.h through build/libxlat.so, for the xlat tests."""
import ctypes
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
LIB = ROOT / "build" / "libxlat.so"

POLICIES = {"lru": 0, "plru": 1, "fifo": 2, "random": 3}
FAULTS = {"none": 0, "invalid": 1, "range": 2, "disabled": 3, "bus": 4}


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


class Counters(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint64) for n in (
        "lookups", "hits", "misses", "walk_cycles", "mem_reads", "walk_cache_hits",
        "invalidations", "faults")]


_lib = None


def lib():
    global _lib
    if _lib is None:
        _lib = ctypes.CDLL(str(LIB))
        _lib.xlat_create.restype = ctypes.c_void_p
        _lib.xlat_create.argtypes = [ctypes.c_int, ctypes.POINTER(Config), ctypes.c_char_p,
                                     ctypes.c_size_t]
        _lib.xlat_config_check.argtypes = [ctypes.POINTER(Config), ctypes.c_char_p, ctypes.c_size_t]
        _lib.xlat_config_name.argtypes = [ctypes.POINTER(Config), ctypes.c_char_p, ctypes.c_size_t]
        _lib.xlat_config_default.argtypes = [ctypes.POINTER(Config)]
        for f in ("xlat_destroy", "xlat_reset", "xlat_trace_close"):
            getattr(_lib, f).argtypes = [ctypes.c_void_p]
        _lib.xlat_step.argtypes = [ctypes.c_void_p, ctypes.POINTER(In), ctypes.POINTER(Out)]
        _lib.xlat_get_counters.argtypes = [ctypes.c_void_p, ctypes.POINTER(Counters)]
        _lib.xlat_busy.argtypes = [ctypes.c_void_p]
        _lib.xlat_trace_open.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint64,
                                         ctypes.c_uint64, ctypes.c_int, ctypes.c_uint,
                                         ctypes.c_char_p, ctypes.c_size_t]
    return _lib


def config(entries=64, ways=4, policy="lru", levels=(12, 10, 10), walk_cache=0, lfsr_seed=0):
    c = Config()
    c.entries, c.ways, c.policy = entries, ways, POLICIES.get(policy, policy)
    c.levels = len(levels)
    for i, b in enumerate(levels):
        c.level_bits[i] = b
    c.walk_cache, c.lfsr_seed = walk_cache, lfsr_seed
    return c


def check(cfg):
    """(rc, message) of xlat_config_check."""
    buf = ctypes.create_string_buffer(256)
    rc = lib().xlat_config_check(ctypes.byref(cfg), buf, 256)
    return rc, buf.value.decode()


def name(cfg):
    buf = ctypes.create_string_buffer(128)
    lib().xlat_config_name(ctypes.byref(cfg), buf, 128)
    return buf.value.decode()


class Xlat:
    """One accelerator instance; step() takes keyword inputs and returns Out."""

    def __init__(self, cfg, backend="c"):
        buf = ctypes.create_string_buffer(512)
        self.h = lib().xlat_create(1 if backend == "rtl" else 0, ctypes.byref(cfg), buf, 512)
        self.error = buf.value.decode()
        if not self.h:
            raise ValueError(self.error)
        self.inp = In()
        self.out = Out()

    def close(self):
        if self.h:
            lib().xlat_destroy(self.h)
            self.h = None

    def step(self, **kw):
        i = In()
        for k, v in kw.items():
            setattr(i, k, v)
        lib().xlat_step(self.h, ctypes.byref(i), ctypes.byref(self.out))
        o = self.out
        return Out(o.req_ready, o.rsp_valid, o.rsp_hit, o.rsp_fault, o.rsp_addr,
                   o.mem_req_valid, o.mem_req_addr, o.busy)

    def counters(self):
        c = Counters()
        lib().xlat_get_counters(self.h, ctypes.byref(c))
        return {n: getattr(c, n) for n, _ in Counters._fields_}

    def busy(self):
        return lib().xlat_busy(self.h)

    def trace_open(self, path, start=0, end=0, walks_only=False, margin=0):
        buf = ctypes.create_string_buffer(256)
        rc = lib().xlat_trace_open(self.h, str(path).encode(), start, end, int(walks_only),
                                   margin, buf, 256)
        return rc, buf.value.decode()

    def trace_close(self):
        lib().xlat_trace_close(self.h)


class Memory:
    """A word-addressed table memory answering walk reads after `latency` cycles
    (`ready_delay` cycles of mem_req_ready low before each request is accepted)."""

    def __init__(self, words=None, latency=1, ready_delay=0, errors=()):
        self.words = dict(words or {})
        self.latency = latency
        self.ready_delay = ready_delay
        self.errors = set(errors)
        self.pending = None  # (due cycle, addr)
        self.waited = 0
        self.reads = []

    def inputs(self, cycle):
        """Memory-side inputs for this cycle (before seeing the outputs)."""
        d = {"mem_req_ready": int(self.waited >= self.ready_delay)}
        if self.pending and self.pending[0] == cycle:
            addr = self.pending[1]
            d["mem_rsp_valid"] = 1
            if addr in self.errors:
                d["mem_rsp_err"] = 1
            else:
                d["mem_rsp_data"] = self.words.get(addr, 0)
            self.pending = None
        return d

    def after(self, cycle, inp, out):
        if out.mem_req_valid:
            if inp["mem_req_ready"]:
                self.pending = (cycle + self.latency, out.mem_req_addr)
                self.reads.append((cycle, out.mem_req_addr))
                self.waited = 0
            else:
                self.waited += 1


class Driver:
    """Drives an Xlat with a Memory, one lookup at a time; records each answer."""

    def __init__(self, x, mem, root):
        self.x, self.mem, self.root, self.cycle = x, mem, root, 0

    def cycle_step(self, **kw):
        inp = self.mem.inputs(self.cycle)
        inp["root"] = self.root
        inp.update(kw)
        out = self.x.step(**inp)
        self.mem.after(self.cycle, inp, out)
        self.cycle += 1
        return out

    def lookup(self, id_, inv_at=None, inv=None):
        """Issues a lookup of id_; returns (hit, fault, addr, cycles from request to answer).
        inv: dict of invalidate inputs applied `inv_at` cycles after the request."""
        start = self.cycle
        req = True
        for n in range(10000):
            kw = {}
            if req:
                kw.update(req_valid=1, req_id=id_)
            if inv is not None and n == inv_at:
                kw.update(inv_valid=1, **inv)
            out = self.cycle_step(**kw)
            if req and out.req_ready:
                req = False
            if out.rsp_valid and not req:
                return out.rsp_hit, out.rsp_fault, out.rsp_addr, self.cycle - 1 - start
        raise AssertionError(f"no answer to lookup 0x{id_:08x}")
