"""inputs_hash: a fingerprint of the inputs of a generated, committed document
(docs/synth.md from `make synth`, docs/report.md from `make report`).

The generator records `Inputs: sha256 `HEX`` in the document; a cheap test
(tests/test_docs_fresh.py) recomputes the digest from the sources and fails when
they differ, i.e. when an input changed after the document was generated.

The digest covers, for every file in sorted order of its name, the name
(relative to the project root) and the sha256 of its bytes. Inputs are given as
paths or glob patterns relative to the root; a pattern that matches no file is
an error, so a list cannot rot silently.
"""
import glob
import hashlib
import os
import re

LINE_RE = re.compile(r"^Inputs: sha256 `([0-9a-f]{64})`", re.M)


class InputsError(Exception):
    pass


def files(root, patterns):
    """The files the patterns name, as sorted names relative to root (absolute
    paths outside root stay absolute)."""
    out = set()
    for pat in patterns:
        full = pat if os.path.isabs(pat) else os.path.join(root, pat)
        hits = [p for p in glob.glob(full) if os.path.isfile(p)]
        if not hits:
            raise InputsError(f"inputs_hash: no file matches {pat}")
        for p in hits:
            ap = os.path.abspath(p)
            rel = os.path.relpath(ap, root)
            out.add(ap if rel.startswith("..") else rel.replace(os.sep, "/"))
    return sorted(out)


def digest(root, patterns):
    h = hashlib.sha256()
    for name in files(root, patterns):
        path = name if os.path.isabs(name) else os.path.join(root, name)
        with open(path, "rb") as f:
            h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def line(hexdigest, where, command):
    """The line a generated document carries."""
    return (f"Inputs: sha256 `{hexdigest}` of the files listed in {where} "
            f"(tests/test_docs_fresh.py recomputes it; if it differs, run `{command}`).")


def recorded(text):
    """The digest recorded in a document's text, or None."""
    m = LINE_RE.search(text)
    return m.group(1) if m else None


def _main(argv=None):
    import argparse
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from ctrace import OneLineParser
    p = OneLineParser(prog="inputs_hash.py",
                      description="Prints the inputs digest (as recorded by docs/synth.md "
                      "and docs/report.md) of the files the patterns name, then the files.")
    p.add_argument("patterns", nargs="+", help="paths or glob patterns relative to --root")
    p.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                   help="project root (default: this repository)")
    a = p.parse_args(argv)
    try:
        print(digest(a.root, a.patterns))
        for name in files(a.root, a.patterns):
            print(name)
    except (InputsError, OSError) as e:
        print(f"inputs_hash.py: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
