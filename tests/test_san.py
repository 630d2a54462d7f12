"""`make asan` runs a part of the suite against build/san (tests/paths.py):
these tests make sure the programs there really carry the sanitizers, so a
green asan run means the sanitizers ran. Without $CT_BIN_DIR they are skipped
(the normal build has no sanitizers)."""
import os
import subprocess

import pytest

from paths import BIN

PROGRAMS = ["ctsim", "cttrace", "ctrdump", "xlat-diff", "xlat-bench", "ctdisasm"]


@pytest.mark.skipif(not os.environ.get("CT_BIN_DIR"), reason="no sanitizer build selected")
@pytest.mark.parametrize("prog", PROGRAMS)
def test_program_has_sanitizers(prog):
    syms = subprocess.run(["nm", str(BIN / prog)], capture_output=True, text=True,
                          check=True).stdout
    assert "__asan_init" in syms, f"{BIN / prog} is not built with AddressSanitizer"
    assert "__ubsan_handle" in syms, f"{BIN / prog} is not built with UBSan"
    # ASan's runtime answers its help option: it is linked and active
    env = dict(os.environ, ASAN_OPTIONS="help=1")
    r = subprocess.run([str(BIN / prog), "--help"], capture_output=True, text=True, env=env)
    assert "Available flags for AddressSanitizer" in r.stderr
