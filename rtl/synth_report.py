"""Writes docs/synth.md from the outputs of `make synth` (Yosys stat, nextpnr log).

usage: synth_report.py BUILD_SYNTH_DIR OUT.md
"""
import os
import pathlib
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import inputs_hash  # noqa: E402

# Everything that determines docs/synth.md, for its inputs hash (the tool
# versions are named in the text): the RTL, the FPGA wrapper, the synthesis
# commands (rtl/rtl.mk) and this script.
INPUTS = ["rtl/ctlb_top.v", "rtl/ctlb_tlb.v", "rtl/ctlb_walker.v", "rtl/ctlb_wcache.v", "rtl/ctlb_assert.vh",
          "rtl/ctlb_fpga.v", "rtl/rtl.mk", "rtl/synth_report.py", "scripts/inputs_hash.py"]


def inputs_digest(root=ROOT):
    return inputs_hash.digest(root, INPUTS)


def cells(stat_text):
    """Top-level cell counts from a Yosys `stat` report (the last 'Number of cells' block)."""
    blocks = stat_text.split("=== ")
    top = [b for b in blocks if b.startswith("design hierarchy")] or blocks[-1:]
    text = top[-1]
    total = re.search(r"Number of cells:\s+(\d+)", text)
    kinds = re.findall(r"^\s+(\$?\w+)\s+(\d+)$", text, re.M)
    return (int(total.group(1)) if total else None), kinds


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    d = pathlib.Path(argv[1])
    out = pathlib.Path(argv[2])
    gen_total, gen_kinds = cells((d / "generic.txt").read_text())
    ice_total, ice_kinds = cells((d / "ice40.txt").read_text())
    log = (d / "nextpnr.log").read_text()
    fmax = re.findall(r"Max frequency for clock\s+'[^']*':\s+([\d.]+) MHz", log)
    io = re.findall(r"^Info: Max delay (<async>\s+-> posedge \S+|posedge \S+\s+-> <async>)\s*: ([\d.]+) ns", log, re.M)
    util = re.findall(r"^Info:\s+(ICESTORM_LC|SB_RAM40_4K|SB_IO):\s+(\d+)/\s*(\d+)", log, re.M)
    lines = [
        "# Synthesis of the accelerator (default configuration)",
        "",
        "Written by `make synth` (rtl/rtl.mk); do not edit by hand. Default configuration:",
        "64 entries, 4 ways, LRU, 3 levels 12/10/10, no walk cache, 64-bit counters.",
        "",
        inputs_hash.line(inputs_digest(), "rtl/synth_report.py (INPUTS)", "make synth"),
        "",
        "## Yosys generic `synth` (yosys 0.23)",
        "",
        f"Total cells: {gen_total}",
        "",
        "| cell | count |",
        "|---|---|",
    ]
    lines += [f"| `{k}` | {v} |" for k, v in gen_kinds if not k.startswith("$paramod")]
    lines += [
        "",
        "## iCE40 HX8K (`synth_ice40` + `nextpnr-ice40 --hx8k --package ct256 --seed 1`)",
        "",
        "The default configuration does not fit an HX8K (its 64 tags and addresses are",
        "flip-flops: about 10500 logic cells, and 720 pins). The iCE40 figures are for",
        "`rtl/ctlb_fpga.v`: 16 entries, 4 ways, LRU, 12/10/10, no walk cache, 32-bit",
        "counters read through a multiplexer, one ID bus shared by request, invalidate",
        "and root load. The CTLB hit path is combinational from `id_i` to `rsp_*`;",
        "Fmax is nextpnr's estimate for register-to-register paths of `clk_i`.",
        "",
        f"Total cells: {ice_total}",
        "",
        "| cell | count |",
        "|---|---|",
    ]
    lines += [f"| `{k}` | {v} |" for k, v in ice_kinds if not k.startswith("$paramod")]
    lines += ["", "| resource | used / available |", "|---|---|"]
    lines += [f"| {k} | {u} / {a} |" for k, u, a in util]
    final = {}
    for path, ns in io:  # nextpnr reports before and after routing: keep the last
        final[" ".join(path.split())] = ns
    lines.append("")
    for path, ns in final.items():
        kind = "input to register" if path.startswith("<async>") else "register to output"
        lines.append(f"- max delay {kind} (`{path}`): {ns} ns")
    errors = re.findall(r"^ERROR: (.*)$", log, re.M)
    lines += ["", f"**Fmax** (nextpnr estimate after routing, clk_i): {fmax[-1] + ' MHz' if fmax else 'not reported'}"]
    if errors:
        lines += ["", "nextpnr did not place the design: " + errors[0],
                  ]
    lines.append("")
    out.write_text("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
