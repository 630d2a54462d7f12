"""xlatcfg: the Python side of the accelerator's parameters, the twin of
model/xlat_opts.c (tests/test_xlat_opts.py checks that both accept and refuse
the same names and numbers):

* the number rule of every integer option and YAML value: decimal digits (a
  leading zero is still decimal: 0100 is one hundred) or 0x and hex digits; no
  sign, spaces, underscores or octal (ctrace.parse_number, shared with the
  trace format);
* configuration names (xlat_config_name's format) both ways;
* the sweep YAML keys: the option names without "--" and with "_" for "-"
  (ctlb_entries, ...), and the older keys as aliases;
* a YAML loader whose integers follow the number rule (PyYAML's own would read
  0100 as octal 64 and 08 as a string).
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ctrace import parse_number  # noqa: E402,F401  (the number rule)
import ctable  # noqa: E402  (the table geometry's rules)

POLICIES = ("lru", "plru", "fifo", "random")
BACKENDS = ("c", "rtl")
MAX_LEVELS = ctable.MAX_LEVELS
LFSR_DEFAULT = 0xACE1
DEFAULT = {"entries": 64, "ways": 4, "policy": "lru", "level_bits": (12, 10, 10),
           "walk_cache": 0, "lfsr_seed": 0}

# canonical sweep YAML key -> (cttrace option, older keys accepted as aliases)
YAML_KEYS = {
    "xlat": ("--xlat", ("backend",)),
    "ctlb_entries": ("--ctlb-entries", ("entries",)),
    "ctlb_ways": ("--ctlb-ways", ("ways",)),
    "ctlb_policy": ("--ctlb-policy", ("policy",)),
    "ctlb_levels": ("--ctlb-levels", ("level_bits",)),
    "ctlb_even_levels": ("--ctlb-even-levels", ("levels",)),
    "walk_cache": ("--walk-cache", ()),
    "lfsr_seed": ("--lfsr-seed", ()),
    "dmem_lat": ("--dmem-lat", ("mem_lat",)),
}
ALIASES = {a: k for k, (_, al) in YAML_KEYS.items() for a in al}


def number(s):
    """The number rule: an int, or None if s is not a number (or above 64 bits,
    as in C)."""
    v = parse_number(s) if isinstance(s, str) else None
    return v if v is not None and v < 2**64 else None


def int_arg(lo=0, hi=None):
    """An argparse type: a number by the rule, in lo..hi."""
    def conv(s):
        v = number(s)
        if v is None or v < lo or (hi is not None and v > hi):
            rng = f"{lo}..{hi}" if hi is not None else f">= {lo}"
            raise argparse.ArgumentTypeError(
                f"'{s}' is not a number {rng} (decimal, or 0x hex)")
        return v
    conv.__name__ = "number"
    return conv


def canonical_key(k):
    """A YAML grid key with aliases mapped to the canonical one."""
    return ALIASES.get(k, k)


def level_bits(v):
    """Level widths from "12,10,10", "12.10.10", a list of numbers or one
    number; None if malformed (not checked against the limits)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return (v,)
    if isinstance(v, str):
        parts = re.split(r"[,.]", v)
        vals = [number(p) for p in parts]
        return None if None in vals else tuple(vals)
    if isinstance(v, list) and v and all(isinstance(x, int) and not isinstance(x, bool)
                                         for x in v):
        return tuple(v)
    return None


def even_levels(n):
    """The widths of n levels splitting the 32 ID bits evenly (the rule of
    xlat_opts.c's --ctlb-even-levels)."""
    return tuple(32 // n + (1 if l < 32 % n else 0) for l in range(n))


def _pow2(n):
    return n >= 1 and n & (n - 1) == 0


def check(cfg):
    """None if the configuration dict is valid (xlat_config_check's limits),
    else a one-line reason (its words)."""
    e, w, b = cfg["entries"], cfg["ways"], cfg["level_bits"]
    if not (_pow2(e) and e <= 1024):
        return f"entries must be a power of two in 1..1024 (got {e})"
    if not (_pow2(w) and w <= e):
        return f"ways must be a power of two dividing entries={e} (got {w})"
    if cfg["policy"] not in POLICIES:
        return f"policy must be lru, plru, fifo or random (got {cfg['policy']})"
    why = ctable.check(b)
    if why:
        return why
    wc = cfg["walk_cache"]
    if wc and not (_pow2(wc) and wc <= 64):
        return f"walk_cache must be 0 or a power of two up to 64 (got {wc})"
    if not 0 <= cfg["lfsr_seed"] <= 0xFFFF:
        return f"lfsr_seed must be in 0..65535 (got {cfg['lfsr_seed']})"
    return None


def config_name(cfg):
    """xlat_config_name(): e.g. e64w4-lru-l12.10.10-wc0 (-sHEX for a random
    policy with a seed other than the default)."""
    seed = cfg["lfsr_seed"] if cfg["policy"] == "random" and cfg["lfsr_seed"] else LFSR_DEFAULT
    tail = f"-s{seed:x}" if seed != LFSR_DEFAULT else ""
    return (f"e{cfg['entries']}w{cfg['ways']}-{cfg['policy']}-l"
            f"{'.'.join(map(str, cfg['level_bits']))}-wc{cfg['walk_cache']}{tail}")


_NOT_A_NAME = ("'{}' is not a configuration name like e64w4-lru-l12.10.10-wc0 "
               "(e<entries>w<ways>-<policy>-l<widths>-wc<walk cache>[-s<seed, hex>])")
_NAME = re.compile(r"e([0-9]+)w([0-9]+)-([a-z]*)-l([0-9]+(?:\.[0-9]+){0,3})-wc([0-9]+)"
                   r"(?:-s([0-9a-fA-F]+))?")


def parse_config_name(name):
    """The inverse of config_name for canonical names: a config dict, or
    ValueError with the same reasons xo_config_parse gives."""
    m = _NAME.fullmatch(name) if isinstance(name, str) else None
    if not m:
        raise ValueError(_NOT_A_NAME.format(name))
    cfg = {"entries": int(m.group(1)), "ways": int(m.group(2)), "policy": m.group(3),
           "level_bits": tuple(int(x) for x in m.group(4).split(".")),
           "walk_cache": int(m.group(5)),
           "lfsr_seed": int(m.group(6), 16) if m.group(6) else 0}
    if m.group(6) and cfg["lfsr_seed"] > 0xFFFF:
        raise ValueError(_NOT_A_NAME.format(name))
    if cfg["policy"] not in POLICIES:
        raise ValueError(f"'{name}': unknown policy '{cfg['policy']}' "
                         "(lru, plru, fifo, random)")
    why = check(cfg)
    if why:
        raise ValueError(f"'{name}': xlat: {why}")
    canon = config_name(cfg)
    if canon != name:
        raise ValueError(f"'{name}' is not a canonical configuration name: it is "
                         f"written '{canon}'")
    return cfg


def yaml_loader():
    """A PyYAML SafeLoader whose plain integer scalars follow the number rule
    (decimal or 0x hex); other YAML 1.1 integer forms (0o, 0b, 1_000, +5,
    sexagesimal) stay strings, so a check refuses them by name."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:int"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Loader.add_implicit_resolver("tag:yaml.org,2002:int",
                                 re.compile(r"^(?:[0-9]+|0[xX][0-9a-fA-F]+)$"),
                                 list("0123456789"))

    def construct_int(loader, node):
        return parse_number(loader.construct_scalar(node))
    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    return Loader


def cttrace_options(cfg):
    """The canonical cttrace/ctsim options that set cfg."""
    return ["--ctlb-entries", str(cfg["entries"]), "--ctlb-ways", str(cfg["ways"]),
            "--ctlb-policy", cfg["policy"], "--ctlb-levels",
            ",".join(map(str, cfg["level_bits"])), "--walk-cache", str(cfg["walk_cache"]),
            "--lfsr-seed", str(cfg["lfsr_seed"])]


def main(argv=None):
    from ctrace import OneLineParser
    p = OneLineParser(prog="xlatcfg.py",
                      description="Prints the options a configuration name stands for "
                      "(e.g. e64w4-lru-l12.10.10-wc0), one line per name.")
    p.add_argument("name", nargs="+", help="configuration names (canonical form)")
    a = p.parse_args(argv)
    for n in a.name:
        try:
            cfg = parse_config_name(n)
        except ValueError as e:
            print(f"xlatcfg.py: {e}", file=sys.stderr)
            return 2
        print(" ".join(cttrace_options(cfg)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
