"""No test writes to a path under /dev (a test that needs a device or a FIFO
makes its own in tmp_path): before the output-file rules of docs/ctsim.md, a
test passing /dev/null to an output option replaced the machine's /dev/null
with a regular file. This scans the test sources for /dev/ paths given as
program arguments or opened for writing."""
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent

# "/dev/..." as a Python string literal: a path handed to a program or to
# open(); shell redirections inside scripts the tests run are not Python
# literals and are not matched
DEV_LITERAL = re.compile(r"""["']/dev/[a-z]""")


def test_no_test_names_a_dev_path():
    bad = []
    for f in sorted(HERE.rglob("*.py")):
        if f.name == "test_no_dev_paths.py":
            continue
        for n, line in enumerate(f.read_text().splitlines(), 1):
            if DEV_LITERAL.search(line):
                bad.append(f"{f.relative_to(HERE)}:{n}: {line.strip()}")
    assert not bad, "tests name paths under /dev:\n" + "\n".join(bad)
