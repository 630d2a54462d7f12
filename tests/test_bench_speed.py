"""scripts/bench_speed.py (make bench-speed): runs on small inputs and prints
well-formed lines; refuses a QEMU that ends the run differently and bad
arguments with one line. No figure is checked: speed is a benchmark, never a
test."""
import re
import subprocess

from conftest import BUILD, ROOT, need

PY = str(ROOT / ".venv" / "bin" / "python")
SCRIPT = str(ROOT / "scripts" / "bench_speed.py")
LINE = re.compile(r"bench-speed: (\w+) +(\S+\.elf) \(([^)]+)\): ([\d.]+) M instructions, "
                  r"ctsim ([\d.]+) s ([\d.]+) MIPS, QEMU ([\d.]+) s ([\d.]+) MIPS, "
                  r"ctsim/QEMU ([\d.]+)$")


def bench(*args):
    need(BUILD / "ctsim", "build/ctsim")
    return subprocess.run([PY, SCRIPT, *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT)


def ctsim_instructions(elf):
    p = subprocess.run([str(BUILD / "ctsim"), "--xlat", "c", str(elf)], capture_output=True,
                       text=True, timeout=60)
    return int(re.search(r"^\s*instructions\s+(\d+)$", p.stderr, re.M).group(1))


def test_small_run_prints_one_line_per_program():
    need(BUILD / "firmware" / "bench" / "bench-short.elf", "all")
    need(BUILD / "realprog" / "direct" / "zlib-small.elf", "realprogs")
    p = bench("--size", "small", "--repeat", "1", "--only", "zlib", "--only", "bench")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 3 and lines[0].startswith("bench-speed: ctsim --xlat c"), p.stdout
    got = {}
    for line in lines[1:]:
        m = LINE.match(line)
        assert m, line
        got[m.group(2)] = m
    assert set(got) == {"zlib-small.elf", "bench-short.elf"}
    assert got["zlib-small.elf"].group(1) == "memory"
    assert got["bench-short.elf"].group(1) == "kernels"
    # the count is ctsim's for the whole run (the summary's first figure)
    n = ctsim_instructions(BUILD / "firmware" / "bench" / "bench-short.elf")
    assert got["bench-short.elf"].group(4) == f"{n / 1e6:.1f}"
    for m in got.values():
        mc, mq, r = float(m.group(6)), float(m.group(8)), float(m.group(9))
        # the MIPS are printed to 0.05, the ratio to 0.0005: the ratio of the
        # printed MIPS can differ from the printed ratio by the rounding alone
        # (much at a small MIPS figure, e.g. QEMU's on a loaded machine)
        tol = r * (0.05 / mc + 0.05 / mq) * 1.01 + 0.0005
        assert abs(r - mc / mq) <= tol, m.group(0)


def test_qemu_ending_differently_is_an_error(tmp_path):
    need(BUILD / "firmware" / "bench" / "bench-short.elf", "all")
    fake = tmp_path / "qemu"
    fake.write_text("#!/bin/sh\necho 'bench: PASS'\nexit 0\n")
    fake.chmod(0o755)
    p = bench("--size", "small", "--repeat", "1", "--only", "bench", "--qemu", str(fake))
    assert p.returncode == 1
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "QEMU ends differently" in lines[0], p.stderr


def test_missing_qemu_and_elf_are_one_line_errors(tmp_path):
    p = bench("--size", "small", "--repeat", "1", "--only", "bench",
              "--qemu", str(tmp_path / "nope"))
    assert p.returncode == 1 and "cannot run" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    p = bench("--build", str(tmp_path), "--only", "lua")
    assert p.returncode == 1 and "lua.elf is missing" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    p = bench("--repeat", "0")
    assert p.returncode == 2 and "--repeat must be at least 1" in p.stderr
