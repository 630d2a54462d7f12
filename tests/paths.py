"""Where the tests find the project and its built programs: the one owner of
these paths (conftest.py and the *_helpers modules import them).

BIN is the folder of the host programs (ctsim, cttrace, ctrdump, ...): build/,
or $CT_BIN_DIR when set. `make asan` sets it to build/san, whose programs are
built with AddressSanitizer and UBSan from the same sources, and runs a part of
the suite against them. Firmware, cycle-test ELFs and the verilated libraries
always come from build/.
"""
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
BIN = pathlib.Path(os.environ["CT_BIN_DIR"]).resolve() if os.environ.get("CT_BIN_DIR") else BUILD
