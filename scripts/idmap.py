"""idmap: the one reader and writer of name -> ID maps (docs/ctcc.md, "ID maps").

A map is a text file with one function per line, the ID first:

    # comment lines and blank lines are ignored
    0x1 main
    0x2 lua_gettop
    0x2a helper@lapi.c

* the ID is a number by the project's rule (decimal, or 0x and hex digits;
  ctrace.parse_number), below 2**32;
* the name is one word without white space: a global function's symbol, or
  `symbol@unit` for a function local to one compilation unit (a `static`
  function in C, unit = the source file's name);
* no name and no ID appears twice.

scripts/uftrace2ct.py writes the maps beside imported traces, ctsim's
--record-trace the maps beside recorded ones, and scripts/ctcc reads and writes
the map of a program it links (the map is an input too: a rebuild with the
previous map keeps every function's ID).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctrace  # noqa: E402

U32 = 2**32 - 1


class MapError(Exception):
    """A malformed map: the message names the file, the line and the problem."""


def parse(text, src="<map>"):
    """Parses a map's text; returns {name: id} in file order. Raises MapError."""
    ids = {}
    owner = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2:
            raise MapError(f"{src}:{n}: expected '0xID name', got '{line[:60]}'")
        num, name = parts
        v = ctrace.parse_number(num)
        if v is None or v > U32:
            raise MapError(f"{src}:{n}: '{num}' is not an ID (a number below 2^32, decimal or 0x hex)")
        if name in ids:
            raise MapError(f"{src}:{n}: function '{name}' is named twice (IDs {ids[name]:#x} and {v:#x})")
        if v in owner:
            raise MapError(f"{src}:{n}: ID {v:#x} is given to both '{owner[v]}' and '{name}'")
        ids[name] = v
        owner[v] = name
    return ids


def read(path):
    """Reads a map file; {name: id}. Raises MapError (also for an unreadable file)."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
    except OSError as e:
        raise MapError(f"{path}: cannot read: {e.strerror}") from None
    return parse(text, path)


def encode(ids, header=None):
    """The map's text (bytes), sorted by ID, with an optional comment line."""
    lines = [f"# {header}\n"] if header else []
    for name, i in sorted(ids.items(), key=lambda kv: kv[1]):
        if not name or any(c.isspace() for c in name):
            raise MapError(f"function name '{name}' is empty or contains white space")
        lines.append(f"{i:#x} {name}\n")
    return "".join(lines).encode("utf-8", "surrogateescape")


def write(path, ids, header=None):
    """Writes a map by the project's output rules (ctrace.atomic_write)."""
    ctrace.atomic_write(path, encode(ids, header))


def default_path(trace):
    """The map beside a trace: the name with its .gz/.ctb/.ct suffixes replaced
    by .map (foo.ct.gz -> foo.map)."""
    base = trace
    for suf in (".gz", ".ctb", ".ct"):
        if base.endswith(suf):
            base = base[: -len(suf)]
    return base + ".map"


def main(argv=None):
    p = ctrace.OneLineParser(
        prog="idmap.py",
        description="Checks name -> ID maps (the format of scripts/ctcc, "
                    "scripts/uftrace2ct.py and ctsim --record-trace; docs/ctcc.md): prints "
                    "the number of functions and the ID range of each, or the first "
                    "problem, with its file and line.")
    p.add_argument("maps", nargs="+", metavar="MAP", help="map files")
    args = p.parse_args(argv)
    for path in args.maps:
        try:
            ids = read(path)
        except MapError as e:
            print(f"idmap.py: error: {e}", file=sys.stderr)
            return 1
        rng = f"IDs {min(ids.values()):#x}..{max(ids.values()):#x}" if ids else "empty"
        print(f"{path}: {len(ids)} functions, {rng}")
    return 0


if __name__ == "__main__":
    sys.exit(ctrace.run_main("idmap.py", main))
