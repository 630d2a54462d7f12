"""HTIF (docs/memory-map.md, "Host interface"): programs built the way Spike
programs are, with their own tohost, fromhost and magic_mem and their own
linker script (no project runtime), run unchanged on build/ctsim and on
build/ctsim-sc: the system-call proxy (SYS_write to fd 1 and 2, SYS_exit), the
console's putchar, and clear errors for what ctsim does not serve.

Expected values come from the HTIF convention of Spike's front end (fesvr):
tohost = device << 56 | command << 48 | payload; device 0 command 0 with an
even payload is a system call on the eight 64-bit words of magic_mem, answered
in magic_mem[0] with fromhost = 1; the host zeroes tohost when it takes a
command; fd 2 goes to the same stdout as fd 1. Instruction counts are worked
out by hand in the comments of the programs.
"""
import json
import pathlib
import subprocess

import pytest

from conftest import BUILD, need
from sim_helpers import CROSS_GCC, ctsim

# A Spike-style linker script (riscv-tests' env/p layout): code at
# 0x80000000, the host words in their own page-aligned section.
SPIKE_LD = """
OUTPUT_ARCH("riscv")
ENTRY(_start)
SECTIONS
{
  . = 0x80000000;
  .text.init : { *(.text.init) }
  . = ALIGN(0x1000);
  .tohost : { *(.tohost) }
  . = ALIGN(0x1000);
  .text : { *(.text .text.*) }
  . = ALIGN(0x1000);
  .data : { *(.data .data.* .rodata .rodata.* .sdata .sdata.*) }
  .bss : { *(.bss .bss.* .sbss .sbss.*) }
  _end = .;
}
"""

HOST_WORDS = """
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .size tohost, 8
  .align 6
  .globl fromhost
fromhost: .dword 0
  .size fromhost, 8
"""

# syscall(a0 = number, a1..a3 = arguments): magic_mem[0..3] = a0..a3 as
# 64-bit words, tohost = &magic_mem (low word, then the high word 0), spin
# until fromhost != 0, check it is 1, fromhost = 0, return magic_mem[0] in
# a1:a0. 23 instructions when the answer is there at the first look.
SYSCALL = """
syscall:
  sw   a0, 0(s0)             # 1
  sw   zero, 4(s0)           # 2
  sw   a1, 8(s0)             # 3
  sw   zero, 12(s0)          # 4
  sw   a2, 16(s0)            # 5
  sw   zero, 20(s0)          # 6
  sw   a3, 24(s0)            # 7
  sw   zero, 28(s0)          # 8
  fence                      # 9
  sw   s0, 0(s1)             # 10  tohost low word: the system call
  sw   zero, 4(s1)           # 11  high word
1:
  lw   t0, 0(s2)             # 12
  lw   t1, 4(s2)             # 13
  or   t0, t0, t1            # 14
  beqz t0, 1b                # 15  not taken: the answer is there at once
  li   t2, 1                 # 16
  bne  t0, t2, fail          # 17  fromhost = 1
  sw   zero, 0(s2)           # 18
  sw   zero, 4(s2)           # 19
  fence                      # 20
  lw   a0, 0(s0)             # 21
  lw   a1, 4(s0)             # 22
  ret                        # 23
"""
SYSCALL_INSNS = 23
SYSCALL_TO_TOHOST = 10  # up to the store that makes the call

MAIN = """
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la   s0, magic_mem         # 2
  la   s1, tohost            # 2
  la   s2, fromhost          # 2
  # write(1, "hello\\n", 6) = 6
  li   a0, 64                # 1
  li   a1, 1                 # 1
  la   a2, msg1              # 2
  li   a3, 6                 # 1
  jal  syscall               # 1 + SYSCALL
  li   t0, 6                 # 1
  bne  a0, t0, fail          # 1
  # write(2, "err\\n", 4) = 4
  li   a0, 64
  li   a1, 2
  la   a2, msg2
  li   a3, 4
  jal  syscall               # 6 + SYSCALL
  li   t0, 4
  bne  a0, t0, fail          # 2
  # write(3, "err\\n", 4) = -EBADF, a 64-bit -9
  li   a0, 64
  li   a1, 3
  la   a2, msg2
  li   a3, 4
  jal  syscall               # 6 + SYSCALL
  li   t0, -9
  bne  a0, t0, fail
  li   t0, -1
  bne  a1, t0, fail          # 4
  # console putchar 'A' and '\\n': tohost = 1 << 56 | 1 << 48 | ch, written
  # low word first as a compiler does (an odd low word that is no exit)
  li   t1, 0x01010000        # 1
  li   t0, 'A'               # 1
  sw   t0, 0(s1)             # 1
  sw   t1, 4(s1)             # 1
  li   t0, '\\n'              # 1
  sw   t0, 0(s1)             # 1
  sw   t1, 4(s1)             # 1
  lw   t0, 0(s1)             # 1  the host zeroed tohost
  lw   t1, 4(s1)             # 1
  or   t0, t0, t1            # 1
  bnez t0, fail              # 1
  # exit(7)
  li   a0, 93                # 1
  li   a1, 7                 # 1
  li   a2, 0                 # 1
  li   a3, 0                 # 1
  jal  syscall               # 1 + SYSCALL_TO_TOHOST: the run ends there
fail:
  li   t0, 3                 # tohost = 3: exit status 1
  sw   t0, 0(s1)
  sw   zero, 4(s1)
  j    fail
""" + SYSCALL + """
  .data
  .align 6
magic_mem: .skip 64
msg1: .ascii "hello\\n"
msg2: .ascii "err\\n"
""" + HOST_WORDS

# prologue 6; each write: 6 + SYSCALL + its checks (2, 2, 4); putchar 11;
# exit: 5 + SYSCALL_TO_TOHOST
MAIN_INSNS = (6 + (6 + SYSCALL_INSNS + 2) + (6 + SYSCALL_INSNS + 2)
              + (6 + SYSCALL_INSNS + 4) + 11 + 5 + SYSCALL_TO_TOHOST)


def build(tmp_path, source, name="spike", lang="S", cflags=()):
    ld = pathlib.Path(tmp_path) / "spike.ld"
    ld.write_text(SPIKE_LD)
    src = pathlib.Path(tmp_path) / f"{name}.{lang}"
    src.write_text(source)
    out = pathlib.Path(tmp_path) / f"{name}.elf"
    r = subprocess.run([CROSS_GCC, "-march=rv32im", "-mabi=ilp32", "-misa-spec=2.2",
                        "-mcmodel=medany", "-static", "-nostdlib", "-nostartfiles",
                        *cflags, "-T", str(ld), "-o", str(out), str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


def run(prog, elf, *args):
    return subprocess.run([str(prog), *map(str, args), str(elf)], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_htif_example_of_the_docs():
    # tests/cycles/htif_hello.S (docs/memory-map.md)
    r = run(ctsim(), BUILD / "cycles" / "htif_hello.elf", "-q")
    assert (r.returncode, r.stdout, r.stderr) == (0, "hello from HTIF!\n", "")


def test_instruction_count_is_hand_derived():
    assert MAIN_INSNS == 127


@pytest.mark.parametrize("sim", ["ctsim", "ctsim-sc"])
def test_spike_program_runs_unchanged(tmp_path, sim):
    prog = ctsim() if sim == "ctsim" else need(BUILD / "ctsim-sc", "build/ctsim-sc")
    r = run(prog, build(tmp_path, MAIN))
    assert r.stdout == "hello\nerr\nA\n", r.stderr
    assert r.returncode == 7, r.stderr
    assert "ctsim: exit tohost, status 7" in r.stderr
    assert f"  instructions  {MAIN_INSNS}\n" in r.stderr, r.stderr


def cycles_program(host_answers):
    """One SYS_write(1, "hi\\n", 3), then exit 0 through tohost. With
    host_answers=False the same instructions store to a dummy word instead of
    tohost and read the answer from words that hold it from the start
    (fromhost = 1, result 3): the timing model sees the same instruction
    stream, so if the host's answer costs no extra cycle, both variants take
    the same cycles."""
    call, answer, fh = (("tohost", "magic_mem", "fromhost") if host_answers
                        else ("dummy", "preset", "preset_fromhost"))
    return f"""
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la   s0, magic_mem
  la   s1, {call}
  la   s2, {fh}
  la   s3, tohost
  la   s4, {answer}
  li   t0, 64
  sw   t0, 0(s0)
  sw   zero, 4(s0)
  li   t0, 1
  sw   t0, 8(s0)
  sw   zero, 12(s0)
  la   t0, msg
  sw   t0, 16(s0)
  sw   zero, 20(s0)
  li   t0, 3
  sw   t0, 24(s0)
  sw   zero, 28(s0)
  sw   s0, 0(s1)
  sw   zero, 4(s1)
1:
  lw   t0, 0(s2)
  lw   t1, 4(s2)
  or   t0, t0, t1
  beqz t0, 1b
  sw   zero, 0(s2)
  sw   zero, 4(s2)
  lw   a0, 0(s4)
  li   t0, 3
  bne  a0, t0, fail
  li   t0, 1
  sw   t0, 0(s3)
fail:
  li   t0, 3
  sw   t0, 0(s3)
  j    fail
  .data
  .align 6
magic_mem: .dword 0, 0, 0, 0, 0, 0, 0, 0
preset: .dword 3
preset_fromhost: .dword 1
dummy: .dword 0
msg: .ascii "hi\\n"
""" + HOST_WORDS


def test_system_call_costs_no_extra_cycle(tmp_path):
    a = run(ctsim(), build(tmp_path, cycles_program(True), name="a"),
            "--stats-json", "-", "-q")
    b = run(ctsim(), build(tmp_path, cycles_program(False), name="b"),
            "--stats-json", "-", "-q")
    assert a.returncode == 0 and b.returncode == 0, (a.stderr, b.stderr)
    assert a.stdout == "hi\n" and b.stdout == ""
    ja, jb = json.loads(a.stderr), json.loads(b.stderr)
    assert ja["instructions"] == jb["instructions"] == 36
    assert ja["cycles"] == jb["cycles"]
    assert ja["stalls"] == jb["stalls"]


C_PROGRAM = r"""
typedef unsigned long uintptr_t;
typedef unsigned long long uint64_t;

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(64)));

static long host_call(long n, uint64_t a, uint64_t b, uint64_t c) {
  volatile uint64_t mm[8] __attribute__((aligned(64)));
  mm[0] = n, mm[1] = a, mm[2] = b, mm[3] = c;
  __sync_synchronize();
  tohost = (uintptr_t)mm;
  while (fromhost == 0) {
  }
  fromhost = 0;
  __sync_synchronize();
  return (long)mm[0];
}

static void console_putchar(char ch) {
  tohost = (1ull << 56) | (1ull << 48) | (unsigned char)ch;
}

static void put_str(const char *s) {
  unsigned long n = 0;
  while (s[n]) n++;
  host_call(64, 1, (uintptr_t)s, n);
}

int main(void) {
  char num[12];
  int i = 11, v = 6 * 7;
  num[i] = 0;
  do num[--i] = (char)('0' + v % 10); while (v /= 10);
  put_str("answer ");
  put_str(num + i);
  console_putchar('!');
  console_putchar('\n');
  return 5;
}

void _start_c(void) {
  int code = main();
  tohost = ((uint64_t)code << 1) | 1;
  for (;;) {
  }
}
"""

C_CRT = """
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la   sp, stack_top
  call _start_c
  .bss
  .align 4
  .skip 4096
stack_top:
"""


def test_c_program_like_riscv_tests_benchmarks(tmp_path):
    # Compiled C (its own syscall and putchar on a volatile 64-bit tohost,
    # GCC's store order) with its own start-up code.
    crt = pathlib.Path(tmp_path) / "crt.S"
    crt.write_text(C_CRT)
    elf = build(tmp_path, C_PROGRAM, name="cprog", lang="c",
                cflags=["-O2", "-ffreestanding", str(crt)])
    r = run(ctsim(), elf)
    assert r.stdout == "answer 42!\n", r.stderr
    assert r.returncode == 5, r.stderr


def symbols(elf):
    r = subprocess.run([CROSS_GCC.replace("gcc", "nm"), str(elf)], capture_output=True,
                       text=True, check=True)
    return {f[2]: int(f[0], 16) for f in (l.split() for l in r.stdout.splitlines())
            if len(f) == 3}


def bare_program(body, host=HOST_WORDS, handler=""):
    return f"""
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la   s0, magic_mem
  la   s1, tohost
{body}
1: j 1b
{handler}
  .data
  .align 6
magic_mem: .dword 0, 0, 0, 0, 0, 0, 0, 0
""" + host


def test_console_high_word_first(tmp_path):
    # tohost = 1 << 56 | 1 << 48 | 'B' written high word first: the host takes
    # it at the store of the low word. Then exit 0 the old way (tohost = 1).
    body = """
  li   t1, 0x01010000
  li   t0, 'B'
  sw   t1, 4(s1)
  sw   t0, 0(s1)
  li   t0, 1
  sw   t0, 0(s1)"""
    r = run(ctsim(), build(tmp_path, bare_program(body)), "-q")
    assert (r.returncode, r.stdout, r.stderr) == (0, "B", "")


def test_host_writes_do_not_leave_stale_decoded_code(tmp_path):
    # magic_mem[0] is executed as code (the number 64 = 0x40: an illegal
    # instruction, so the hart decodes it), then the host writes the result
    # 19 = 0x13 (nop) there. Executing it again must run the nop and trap at
    # the next word (mepc = magic_mem + 4), not trap again at magic_mem.
    body = """
  la   t0, handler
  csrw mtvec, t0
  li   t0, 64
  sw   t0, 0(s0)
  li   t0, 1
  sw   t0, 8(s0)
  la   t0, msg
  sw   t0, 16(s0)
  li   t0, 19
  sw   t0, 24(s0)
  jalr ra, 0(s0)
  mv   s5, s4
  sw   s0, 0(s1)
  la   t0, fromhost
  lw   t1, 0(t0)
  beqz t1, fail
  jalr ra, 0(s0)
  mv   s6, s4
  addi t0, s0, 4
  bne  s5, s0, fail
  bne  s6, t0, fail
  li   t0, 1
  sw   t0, 0(s1)
fail:
  li   t0, 3
  sw   t0, 0(s1)"""
    handler = """
  .align 2
handler:
  csrr s4, mepc
  csrw mepc, ra
  mret
  .section .rodata
msg: .ascii "0123456789abcdefgh\\n"
"""
    r = run(ctsim(), build(tmp_path, bare_program(body, handler=handler)), "-q")
    assert r.stdout == "0123456789abcdefgh\n", r.stderr
    assert r.returncode == 0, r.stderr


ERRORS = {
    "unknown-syscall": ("  li t0, 57\n  sw t0, 0(s0)\n  sw s0, 0(s1)",
                        "unknown system call 57 (magic_mem at 0x{magic_mem:x}): ctsim "
                        "proxies SYS_write (64) and SYS_exit (93)"),
    "getchar": ("  li t0, 0x01000000\n  sw t0, 4(s1)\n  sw zero, 0(s1)",
                "tohost 0x0100000000000000: console input (device 1, command 0) is not "
                "supported"),
    "unknown-device": ("  li t0, 0x02030000\n  li t1, 4\n  sw t1, 0(s1)\n  sw t0, 4(s1)",
                       "tohost 0x0203000000000004: unknown device 2 command 3 (ctsim "
                       "serves device 0 command 0, exit and system calls, and device 1 "
                       "command 1, putchar)"),
    "magic-mem-outside-ram": ("  li t0, 0x1000\n  sw t0, 0(s1)",
                              "tohost 0x0000000000001000: magic_mem at 0x1000 is not 64 "
                              "bytes of RAM"),
    "write-buffer-outside-ram": ("  li t0, 64\n  sw t0, 0(s0)\n  li t0, 1\n  sw t0, 8(s0)\n"
                                 "  li t0, 0x100\n  sw t0, 16(s0)\n  li t0, 4\n"
                                 "  sw t0, 24(s0)\n  sw s0, 0(s1)",
                                 "SYS_write of 4 bytes at 0x100 (magic_mem at "
                                 "0x{magic_mem:x}): the buffer is not in RAM"),
    "no-fromhost": ("  li t0, 64\n  sw t0, 0(s0)\n  sw s0, 0(s1)",
                    "tohost 0x{magic_mem:016x} is a system call, but the program has no "
                    "fromhost symbol for the answer"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_request_ctsim_cannot_serve_is_a_clear_error(tmp_path, case):
    body, msg = ERRORS[case]
    host = HOST_WORDS
    if case == "no-fromhost":
        host = HOST_WORDS[:HOST_WORDS.index("  .align 6\n  .globl fromhost")]
    elf = build(tmp_path, bare_program(body, host))
    r = run(ctsim(), elf, "-q")
    assert r.returncode == 2, r.stderr
    assert r.stderr.splitlines() == ["ctsim: error: HTIF: " + msg.format(**symbols(elf))]
