"""The firmware programs on build/ctsim: hello's output, the benchmark's
self-checks (and that they catch planted bugs), the C trap-handler runtime,
and the commands shown in docs/firmware.md.

Expected text comes from the C standard's printf rules and the programs'
definitions (worked out here independently), and bench-short's printed
results must match QEMU's (an independent implementation of RV32IM).
"""
import json
import re
import shlex
import shutil
import subprocess

import pytest

from fw_helpers import ROOT, elf, run_ctsim, run_qemu

# hello.c's printf calls, formatted by hand from the C standard:
# %08x of 0xdeadbeef, %X of 0xABCD, %#x of 255, %8s / %-8s, %5d / %-5d / %05d of
# 17 and -17, %ld / %lu; misa of an RV32IMA hart is MXL=1 (bit 30) | I (bit 8) |
# M (bit 12) | A (bit 0).
HELLO = """Hello from RV32IM firmware!
decimal: 42 -7 4000000000
hex: 0xdeadbeef ABCD 0xff
string: [abc] [   right] [left    ] char: Z
long: -123456789 3000000000
padded: [   17] [17   ] [-0017]
misa: 0x40001101
bye
"""

KERNELS = ["arith", "memcpy", "sort", "crc32", "fnptr"]


def bench_work(repeats):
    """The work= figures bench.c must print, from its definition: arith runs
    3 primes x 4 bases + 1 per repeat; memcpy copies 4 KiB three times; sort
    1024 words; crc32 two check strings (9 and 43 bytes) twice each plus
    1 KiB + 4 KiB + 1 KiB of buffer; fnptr 64 values x 24 ops x 2 directions."""
    return {"arith": repeats * 13, "memcpy": repeats * 3 * 4096, "sort": repeats * 1024,
            "crc32": repeats * (2 * 9 + 2 * 43 + 1024 + 4096 + 1024),
            "fnptr": repeats * 64 * 24 * 2}


def parse_bench(text):
    rows = {}
    for m in re.finditer(r"^bench: (\w+) +(ok|FAIL) +work=(\d+) check=0x([0-9a-f]{8})$",
                         text, re.M):
        rows[m.group(1)] = (m.group(2), int(m.group(3)), int(m.group(4), 16))
    return rows


def test_hello_output():
    proc = run_ctsim(elf("hello", "hello.elf"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == HELLO


def test_hello_small_ram():
    # The image, heap and stack fit in 1 MiB of RAM.
    proc = run_ctsim(elf("hello", "hello.elf"), "--ram", "1M")
    assert proc.returncode == 0 and proc.stdout == HELLO, proc.stderr


def check_bench_pass(proc, repeats):
    assert proc.returncode == 0, f"bench exit status {proc.returncode}\n{proc.stdout}"
    lines = proc.stdout.splitlines()
    assert lines[0] == f"bench: {repeats} repeats"
    assert lines[-1] == "bench: PASS (0 kernels failed)"
    rows = parse_bench(proc.stdout)
    assert list(rows) == KERNELS, proc.stdout
    work = bench_work(repeats)
    for k in KERNELS:
        assert rows[k][0] == "ok", f"kernel {k} failed its self-check"
        assert rows[k][1] == work[k], f"kernel {k}: work {rows[k][1]}, expected {work[k]}"


def test_bench_short_passes():
    check_bench_pass(run_ctsim(elf("bench", "bench-short.elf")), 2)


def test_bench_short_matches_qemu():
    path = elf("bench", "bench-short.elf")
    c, q = run_ctsim(path), run_qemu(path)
    assert q.returncode == 0, q.stdout
    assert parse_bench(c.stdout) == parse_bench(q.stdout), (
        f"--- qemu\n{q.stdout}--- ctsim\n{c.stdout}")
    assert c.stdout == q.stdout


def test_bench_long_is_a_benchmark(tmp_path):
    stats = tmp_path / "stats.json"
    proc = run_ctsim(elf("bench", "bench.elf"), "--stats-json", str(stats), timeout=120)
    check_bench_pass(proc, 160)
    n = json.loads(stats.read_text())["instructions"]
    assert 50_000_000 <= n <= 200_000_000, f"bench.elf ran {n} instructions"
    # the docs quote this count (README.md, docs/firmware.md, docs/ctsim.md): it must
    # round to what they say
    for doc, pattern in (("README.md", r"`bench\.elf`, ([\d.]+) M instructions"),
                         ("docs/firmware.md", r"160 repeats \(about ([\d.]+) million"),
                         ("docs/ctsim.md", r"`bench\.elf` retires ([\d.]+) million")):
        m = re.search(pattern, (ROOT / doc).read_text())
        assert m, f"{doc} no longer quotes bench.elf's instruction count: update this test"
        assert m.group(1) == f"{n / 1e6:.1f}", f"{doc} says {m.group(1)} M, bench.elf ran {n}"


@pytest.mark.parametrize("k", range(1, 6))
def test_bench_catches_planted_bug(k):
    # bench-break<k>.elf has a bug planted in kernel k (bench.c, BENCH_BREAK).
    proc = run_ctsim(elf("bench", f"bench-break{k}.elf"))
    assert proc.returncode == 1, proc.stdout
    rows = parse_bench(proc.stdout)
    failed = [name for name, row in rows.items() if row[0] == "FAIL"]
    assert failed == [KERNELS[k - 1]], proc.stdout
    assert proc.stdout.splitlines()[-1] == "bench: FAIL (1 kernel failed)"


def test_trapdemo():
    proc = run_ctsim(elf("trapdemo", "trapdemo.elf"))
    assert proc.returncode == 0, proc.stdout
    lines = proc.stdout.splitlines()
    names = ["ecall", "illegal", "loadfault", "timer", "uninstall"]
    assert len(lines) == len(names) + 1 and lines[-1] == "trapdemo: PASS", proc.stdout
    for name, line in zip(names, lines):
        assert re.fullmatch(rf"trapdemo: {name} +ok \(0x[0-9a-f]{{8}}\)", line), line
    # values fixed by trapdemo.c: 20 * 2 + 2, the illegal word, the fault address
    assert lines[0].endswith("(0x0000002a)")
    assert lines[1].endswith("(0xffffffff)")
    assert lines[2].endswith("(0xf0000000)")


def test_trapdemo_timer_at_other_mtime_rate():
    proc = run_ctsim(elf("trapdemo", "trapdemo.elf"), "--mtime-div", "16")
    assert proc.returncode == 0, proc.stdout


def test_unhandled_trap_report():
    path = elf("trapdemo", "trapdemo-unhandled.elf")
    proc = run_ctsim(path)
    assert proc.returncode == 4, proc.stdout  # FW_EXIT_TRAP
    # mepc must be the last illegal word (0xffffffff) of the program text
    dis = path.with_suffix(".dis").read_text()
    words = re.findall(r"^([0-9a-f]{8}):\s+ffffffff\s", dis, re.M)
    assert words, "no illegal word in the disassembly"
    last = proc.stdout.splitlines()[-1]
    assert last == (f"trap: unhandled exception cause=2 mepc=0x{words[-1]} "
                    f"mtval=0xffffffff"), proc.stdout


def doc_commands():
    """The shell commands of docs/firmware.md's ```sh blocks (prompt-less
    lines; `# exit N` at the end of a line gives the expected status)."""
    text = (ROOT / "docs" / "firmware.md").read_text()
    cmds = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.search(r"\s+#\s*exit (\d+)\s*$", line)
            status = int(m.group(1)) if m else 0
            cmd = re.sub(r"\s+#.*$", "", line)
            cmds.append((cmd, status))
    return cmds


def test_docs_commands_run():
    cmds = doc_commands()
    assert cmds, "docs/firmware.md has no ```sh examples"
    for cmd, status in cmds:
        if cmd.startswith("make"):
            continue  # make is what built everything here already
        argv = shlex.split(cmd)
        proc = subprocess.run(argv, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == status, f"`{cmd}` exited {proc.returncode}: {proc.stderr}"


def test_docs_example_is_the_real_file():
    # The "add a program" example in the docs is firmware/hello/program.mk verbatim.
    text = (ROOT / "docs" / "firmware.md").read_text()
    real = (ROOT / "firmware" / "hello" / "program.mk").read_text()
    assert real in text, "docs/firmware.md no longer shows firmware/hello/program.mk"


def test_docs_add_a_program(tmp_path):
    # Follow docs/firmware.md's "Adding a program" in a scratch copy of
    # firmware/: the foo.c and program.mk shown there, then its make command.
    text = (ROOT / "docs" / "firmware.md").read_text()
    section = text[text.index("## Adding a program"):text.index("## The benchmark")]
    foo_c = re.search(r"```c\n(.*?)```", section, re.S).group(1)
    foo_mk = re.findall(r"```make\n(.*?)```", section, re.S)[-1]
    shell = re.search(r"```shell\n(.*?)```", section, re.S).group(1).split("\n")
    assert shell[0] == "make build/firmware/foo/foo.elf"
    shutil.copytree(ROOT / "firmware", tmp_path / "firmware")
    (tmp_path / "firmware" / "foo").mkdir()
    (tmp_path / "firmware" / "foo" / "foo.c").write_text(foo_c)
    (tmp_path / "firmware" / "foo" / "program.mk").write_text(foo_mk)
    (tmp_path / "Makefile").write_text(
        "BUILD := build\nCROSS ?= riscv64-unknown-elf-\nSETUP :=\nALL_TARGETS :=\n"
        "include firmware/firmware.mk\n")
    mk = subprocess.run(["make", "-s", "build/firmware/foo/foo.elf"], cwd=tmp_path,
                        capture_output=True, text=True, timeout=120)
    assert mk.returncode == 0, mk.stderr
    proc = run_ctsim(tmp_path / "build" / "firmware" / "foo" / "foo.elf")
    assert proc.returncode == 0 and proc.stdout == "foo: 6 * 7 = 42\n", proc.stdout


def test_docs_layout_lists_every_program_folder():
    # docs/firmware.md's tree of firmware/ names every folder there is
    text = (ROOT / "docs" / "firmware.md").read_text()
    tree = re.search(r"```\nfirmware/\n(.*?)```", text, re.S).group(1)
    listed = set(re.findall(r"^  (\w+)/", tree, re.M))
    real = {p.name for p in (ROOT / "firmware").iterdir() if p.is_dir()}
    assert listed == real, sorted(listed ^ real)


def test_c_function_named_init_does_not_displace_start(tmp_path):
    # With -ffunction-sections a C function init() gets section .text.init;
    # fw_program links the program's objects before crt0.o, so if _start were
    # in .text.init too, init() could sit at the RAM base. QEMU (-bios none)
    # jumps to the RAM base, not to the ELF entry: the program must still run
    # there from _start (stack, gp, .bss) and print its line.
    from fw_helpers import run_qemu
    shutil.copytree(ROOT / "firmware", tmp_path / "firmware")
    d = tmp_path / "firmware" / "initfn"
    d.mkdir()
    (d / "initfn.c").write_text(
        "#include <stdio.h>\n"
        "static volatile int counter;\n"
        "void init(void);\n"
        "void init(void) { counter += 1; }\n"
        "int main(void) { init(); printf(\"init ran %d time(s)\\n\", counter); return 0; }\n")
    (d / "program.mk").write_text(
        "$(eval $(call fw_program,initfn,firmware/initfn/initfn.c))\n")
    (tmp_path / "Makefile").write_text(
        "BUILD := build\nCROSS ?= riscv64-unknown-elf-\nSETUP :=\nALL_TARGETS :=\n"
        "include firmware/firmware.mk\n")
    mk = subprocess.run(["make", "-s", "build/firmware/initfn/initfn.elf"], cwd=tmp_path,
                        capture_output=True, text=True, timeout=120)
    assert mk.returncode == 0, mk.stderr
    path = tmp_path / "build" / "firmware" / "initfn" / "initfn.elf"
    syms = subprocess.run(["riscv64-unknown-elf-nm", str(path)], capture_output=True,
                          text=True, check=True).stdout
    assert re.search(r"^80000000 T _start$", syms, re.M), syms
    q = run_qemu(path, timeout=30)
    assert q.returncode == 0 and q.stdout == "init ran 1 time(s)\n", (q.returncode, q.stdout)
    c = run_ctsim(path)
    assert c.returncode == 0 and c.stdout == q.stdout
