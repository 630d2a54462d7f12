"""The verilated backend's own scheduler (model/xlat_vl.cpp, docs/accelerator.md
section 9): one input evaluation per cycle, and the combinational logic after
the edge left out when model/xlat_vl_nba.awk proved it is recomputed before it
is read. Checked against Verilator's own eval() (XLAT_VL_PLAIN=1) on random
traffic, waveforms included, and the awk check on hand-written inputs."""
import os
import random
import re
import subprocess

import pytest

import xlat_api as xa
from conftest import BUILD, ROOT, need

AWK = ROOT / "model" / "xlat_vl_nba.awk"

# A hand-written imitation of Verilator 5.006's output: the ico function, a
# sequent and a comb function, eval_nba with its blocks.
ICO = """\
VL_INLINE_OPT void Vctlb_top___024root___ico_sequent__TOP__0(Vctlb_top___024root* vlSelf) {
    if (false && vlSelf) {}  // Prevent unused
    // Body
    vlSelf->accept = vlSelf->req_ready_o & vlSelf->req_valid_i;
    vlSelf->hit = (vlSelf->tag_q == vlSelf->req_id_i);
    vlSelf->rsp_valid_o = vlSelf->hit;
}
"""
SEQ = """\
VL_INLINE_OPT void Vctlb_top___024root___nba_sequent__TOP__0(Vctlb_top___024root* vlSelf) {
    vlSelf->tag_q = vlSelf->req_id_i;
}
"""


def comb(lines):
    return ("VL_INLINE_OPT void Vctlb_top___024root___nba_comb__TOP__0(Vctlb_top___024root* vlSelf) {\n"
            "    if (false && vlSelf) {}  // Prevent unused\n    // Body\n"
            + "".join(f"    {l}\n" for l in lines) + "}\n")


SEQ_BLOCK = """\
    if (vlSelf->__VnbaTriggered.at(0U)) {
        Vctlb_top___024root___nba_sequent__TOP__0(vlSelf);
        vlSelf->__Vm_traceActivity[2U] = 1U;
    }
"""
COMB_BLOCK = """\
    if ((vlSelf->__VnbaTriggered.at(0U)
         | vlSelf->__VnbaTriggered.at(1U))) {
        Vctlb_top___024root___nba_comb__TOP__0(vlSelf);
        vlSelf->__Vm_traceActivity[4U] = 1U;
    }
"""


def nba(*blocks):
    return ("void Vctlb_top___024root___eval_nba(Vctlb_top___024root* vlSelf) {\n"
            "    if (false && vlSelf) {}  // Prevent unused\n    // Body\n"
            + "".join(blocks) + "}\n")


def awk(tmp_path, text):
    f = tmp_path / "Vctlb_top___024root__DepSet_h0__0.cpp"
    f.write_text(text)
    p = subprocess.run(["awk", "-f", str(AWK), str(f)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    seq = out.split("void xlat_vl_nba_seq(Vctlb_top___024root* vlSelf) {")[1].split("\n}\n")[0]
    cmb = out.split("void xlat_vl_nba_comb(Vctlb_top___024root* vlSelf) {")[1].split("\n}\n")[0]
    skips = "const int xlat_vl_nba_skips = 1;" in out
    assert skips or "const int xlat_vl_nba_skips = 0;" in out
    return skips, seq, cmb


def test_awk_skips_comb_that_ico_recomputes(tmp_path):
    # comb = ico without its first line (what Verilator writes for this design)
    skips, seq, cmb = awk(tmp_path, ICO + SEQ + comb([
        "vlSelf->hit = (vlSelf->tag_q == vlSelf->req_id_i);",
        "vlSelf->rsp_valid_o = vlSelf->hit;"]) + nba(SEQ_BLOCK, COMB_BLOCK))
    assert skips
    assert "nba_sequent__TOP__0(vlSelf);" in seq and "nba_comb" not in seq
    # the comb part runs unconditionally, with its trace activity mark
    assert "nba_comb__TOP__0(vlSelf);" in cmb and "__Vm_traceActivity[4U] = 1U;" in cmb
    assert "__VnbaTriggered" not in cmb


def test_awk_keeps_comb_with_logic_ico_lacks(tmp_path):
    # a line of state-only logic (as with the walk cache): not in ico
    skips, seq, cmb = awk(tmp_path, ICO + SEQ + comb([
        "vlSelf->wc_hit = (vlSelf->wc_key_q == vlSelf->ea_q);",
        "vlSelf->rsp_valid_o = vlSelf->hit;"]) + nba(SEQ_BLOCK, COMB_BLOCK))
    assert not skips
    assert seq.strip().endswith("Vctlb_top___024root___eval_nba(vlSelf);")
    assert "nba_comb" not in cmb


def test_awk_keeps_comb_out_of_order_or_missing(tmp_path):
    lines = ["vlSelf->hit = (vlSelf->tag_q == vlSelf->req_id_i);", "vlSelf->rsp_valid_o = vlSelf->hit;"]
    # the same lines in another order than ico's
    assert not awk(tmp_path, ICO + SEQ + comb(lines[::-1]) + nba(SEQ_BLOCK, COMB_BLOCK))[0]
    # a comb block before a sequent block
    assert not awk(tmp_path, ICO + SEQ + comb(lines) + nba(COMB_BLOCK, SEQ_BLOCK))[0]
    # no eval_nba at all
    assert not awk(tmp_path, ICO + SEQ + comb(lines))[0]


def triggers(act_lines):
    """Verilator 5.006's trigger functions, the act one with these lines."""
    return ("void Vctlb_top___024root___eval_triggers__ico(Vctlb_top___024root* vlSelf) {\n"
            "    if (false && vlSelf) {}  // Prevent unused\n    // Body\n"
            "    vlSelf->__VicoTriggered.at(0U) = (0U == vlSelf->__VicoIterCount);\n"
            "#ifdef VL_DEBUG\n    if (VL_UNLIKELY(vlSymsp->_vm_contextp__->debug())) {\n"
            "        Vctlb_top___024root___dump_triggers__ico(vlSelf);\n    }\n#endif\n}\n"
            "void Vctlb_top___024root___eval_triggers__act(Vctlb_top___024root* vlSelf) {\n"
            "    if (false && vlSelf) {}  // Prevent unused\n    // Body\n"
            + "".join(f"    {l}\n" for l in act_lines) + "}\n")


POSEDGE_CLK = "((IData)(vlSelf->clk_i) & (~ (IData)(vlSelf->__Vtrigrprev__TOP__clk_i)))"
NEGEDGE_RST = "((~ (IData)(vlSelf->rst_ni)) & (IData)(vlSelf->__Vtrigrprev__TOP__rst_ni))"
NEGEDGE_CLK = "((~ (IData)(vlSelf->clk_i)) & (IData)(vlSelf->__Vtrigrprev__TOP__clk_i))"
PREV = ["vlSelf->__Vtrigrprev__TOP__clk_i = vlSelf->clk_i;",
        "vlSelf->__Vtrigrprev__TOP__rst_ni = vlSelf->rst_ni;"]
EVAL_ICO = """\
void Vctlb_top___024root___eval_ico(Vctlb_top___024root* vlSelf) {
    if (false && vlSelf) {}  // Prevent unused
    // Body
    if (vlSelf->__VicoTriggered.at(0U)) {
        Vctlb_top___024root___ico_sequent__TOP__0(vlSelf);
        vlSelf->__Vm_traceActivity[1U] = 1U;
    }
}
"""


def generated(tmp_path, text, name):
    """The awk output's function `name` (its text after the declaration's
    name: the parameters, then the body's lines) and its constants."""
    f = tmp_path / "Vctlb_top___024root__DepSet_h0__0.cpp"
    f.write_text(text)
    p = subprocess.run(["awk", "-f", str(AWK), str(f)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    body = p.stdout.split(f"void {name}(")[2].split("\n}\n")[0]
    consts = dict(re.findall(r"const int (xlat_vl_\w+) = (\d);", p.stdout))
    return body, {k: int(v) for k, v in consts.items()}


def test_awk_clock_triggers(tmp_path):
    """The act triggers of this design (posedge clk_i or negedge rst_ni, and
    posedge clk_i): a clock change sets both to the rise, and copies the
    previous values, without evaluating them."""
    act = [f"vlSelf->__VactTriggered.at(0U) = ({POSEDGE_CLK} | {NEGEDGE_RST});",
           f"vlSelf->__VactTriggered.at(1U) = {POSEDGE_CLK};"] + PREV
    body, c = generated(tmp_path, ICO + SEQ + triggers(act) + nba(SEQ_BLOCK), "xlat_vl_trig_clock")
    assert c["xlat_vl_one_pass"] == 1 and c["xlat_vl_clock_triggers"] == 1
    lines = [l.strip() for l in body.splitlines()[1:]]
    assert lines[1:] == ["vlSelf->__VactTriggered.at(0U) = rise;",
                         "vlSelf->__VactTriggered.at(1U) = rise;"] + PREV
    # a trigger of the reset alone stays false at a clock change
    act = [f"vlSelf->__VactTriggered.at(0U) = {NEGEDGE_RST};",
           f"vlSelf->__VactTriggered.at(1U) = {POSEDGE_CLK};"] + PREV
    body, c = generated(tmp_path, ICO + SEQ + triggers(act) + nba(SEQ_BLOCK), "xlat_vl_trig_clock")
    assert c["xlat_vl_clock_triggers"] == 1
    assert "at(0U) = false;" in body and "at(1U) = rise;" in body


@pytest.mark.parametrize("case", ["negedge-clock", "clock-written", "no-clock"])
def test_awk_clock_triggers_refused(tmp_path, case):
    """A trigger on the clock's falling edge, a clock the evaluation writes, or
    no clock among the triggers: the trigger evaluation itself."""
    act = [f"vlSelf->__VactTriggered.at(0U) = ({POSEDGE_CLK} | {NEGEDGE_RST});",
           f"vlSelf->__VactTriggered.at(1U) = {NEGEDGE_CLK if case == 'negedge-clock' else POSEDGE_CLK};"] + PREV
    if case == "no-clock":
        act = [f"vlSelf->__VactTriggered.at(0U) = {NEGEDGE_RST};", PREV[1]]
    ico = ICO.replace("    vlSelf->rsp_valid_o = vlSelf->hit;\n",
                      "    vlSelf->rsp_valid_o = vlSelf->hit;\n    vlSelf->clk_i = vlSelf->hit;\n") \
        if case == "clock-written" else ICO
    body, c = generated(tmp_path, ico + SEQ + triggers(act) + nba(SEQ_BLOCK), "xlat_vl_trig_clock")
    assert c["xlat_vl_clock_triggers"] == 0
    assert c["xlat_vl_one_pass"] == (0 if case == "clock-written" else 1)
    assert body.strip().endswith("Vctlb_top___024root___eval_triggers__act(vlSelf);")


def test_awk_ico_function(tmp_path):
    """xlat_vl_ico is eval_ico's body, its trace activity flag included; a
    call of eval_ico if the file has none."""
    body, _ = generated(tmp_path, ICO + EVAL_ICO + SEQ + nba(SEQ_BLOCK), "xlat_vl_ico")
    assert [l.strip() for l in body.splitlines()[2:]] == [
        "if (vlSelf->__VicoTriggered.at(0U)) {", "Vctlb_top___024root___ico_sequent__TOP__0(vlSelf);",
        "vlSelf->__Vm_traceActivity[1U] = 1U;", "}"]
    body, _ = generated(tmp_path, ICO + SEQ + nba(SEQ_BLOCK), "xlat_vl_ico")
    assert body.strip().endswith("Vctlb_top___024root___eval_ico(vlSelf);")


def test_built_libraries_record_the_check():
    """The default configuration skips the combinational logic after the edge;
    a walk-cache configuration (its lookup is state-only logic) does not."""
    need(BUILD / "xlat-rtl" / "e64w4-lru-l12.10.10-wc0" / "libxlat_vl.so", "the default RTL library")
    inc = BUILD / "xlat-rtl" / "e64w4-lru-l12.10.10-wc0" / "obj" / "nba.inc"
    assert "const int xlat_vl_nba_skips = 1;" in inc.read_text()
    x = xa.Xlat(xa.config(walk_cache=4), "rtl")
    x.close()
    inc = BUILD / "xlat-rtl" / "e64w4-lru-l12.10.10-wc4" / "obj" / "nba.inc"
    assert "const int xlat_vl_nba_skips = 0;" in inc.read_text()


class TableMemory(xa.Memory):
    """Every word defined: mostly valid entries, half of them leaves (IDs of a
    small set then hit, walk and fault)."""

    def __init__(self, rng, **kw):
        super().__init__(**kw)
        self.rng = rng
        self.words = {}

    def inputs(self, cycle):
        if self.pending and self.pending[0] == cycle and self.pending[1] not in self.words:
            r = self.rng.random()
            base = self.rng.randrange(1 << 20) << 8
            self.words[self.pending[1]] = base | (0 if r < 0.05 else 3 if r < 0.6 else 1)
        return super().inputs(cycle)


def fields(out):
    return tuple(getattr(out, n) for n, _ in out._fields_)


def make(cfg, plain):
    old = os.environ.get("XLAT_VL_PLAIN")
    os.environ["XLAT_VL_PLAIN"] = "1" if plain else "0"
    try:
        return xa.Xlat(cfg, "rtl")
    finally:
        if old is None:
            del os.environ["XLAT_VL_PLAIN"]
        else:
            os.environ["XLAT_VL_PLAIN"] = old


@pytest.mark.parametrize("cfg,seed", [("default", 1), ("default", 2), ("plru-wc", 3)])
def test_own_scheduler_equals_verilators_eval(tmp_path, cfg, seed):
    """Two RTL instances, Verilator's eval() and the shim's scheduler, on the
    same random traffic (lookups of a few IDs, invalidates, flushes, the root
    disabled now and then, memory latency and ready delays): the same outputs
    every cycle, the same busy flag and counters whenever read (at random
    cycles, so that steps follow edges whose logic was left out), and the same
    bytes in a VCD window opened mid-run (walks-only in one run)."""
    need(BUILD / "libxlat.so", "build/libxlat.so")
    c = xa.config() if cfg == "default" else xa.config(entries=16, ways=4, policy="plru", walk_cache=2)
    rng = random.Random(seed)
    xs = [make(c, True), make(c, False)]
    mem = TableMemory(random.Random(seed + 100), latency=rng.choice((1, 3)), ready_delay=rng.choice((0, 1)))
    ids = [rng.randrange(1 << 32) for _ in range(40)]
    root_on, root_off = 0x1000 | 1, 0x1000
    req, root = None, root_on
    vcds = [tmp_path / f"{i}.vcd" for i in range(2)]
    walks_only = seed == 2
    reads = 0
    for cyc in range(6000):
        if cyc == 1500:
            for x, v in zip(xs, vcds):
                assert x.trace_open(v, start=1600, end=4000, walks_only=walks_only, margin=1)[0] == 0
        if cyc == 4200:
            for x in xs:
                x.trace_close()
        inp = mem.inputs(cyc)
        inp["root"] = root
        if req is None and rng.random() < 0.5:
            req = rng.choice(ids)
        if req is not None:
            inp.update(req_valid=1, req_id=req)
        r = rng.random()
        if r < 0.02:
            inp.update(inv_valid=1, inv_id=rng.choice(ids))
        elif r < 0.025:
            inp.update(inv_valid=1, inv_all=1)
        outs = [x.step(**inp) for x in xs]
        assert fields(outs[0]) == fields(outs[1]), (cyc, fields(outs[0]), fields(outs[1]))
        mem.after(cyc, inp, outs[0])
        if req is not None and outs[0].req_ready:
            req = None
        if rng.random() < (0.002 if root == root_on else 0.05):
            root = root_off if root == root_on else root_on
        if rng.random() < 0.1:
            assert xs[0].busy() == xs[1].busy(), cyc
        if rng.random() < 0.02:
            reads += 1
            assert xs[0].counters() == xs[1].counters(), cyc
    k = xs[0].counters()
    assert k == xs[1].counters()
    assert k["hits"] > 100 and k["misses"] > 100 and k["faults"] > 0 and k["invalidations"] > 50, k
    assert (k["walk_cache_hits"] > 20) == (cfg == "plru-wc"), k
    for x in xs:
        x.close()
    a, b = (v.read_bytes() for v in vcds)
    assert len(a) > 10000 and a == b
