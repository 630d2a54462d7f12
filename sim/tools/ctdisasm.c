/*
 * ctdisasm: ctsim's disassembler (sim/disasm.c) as a filter, for tests and
 * for looking at words by hand (docs/ctsim.md, "Commit log").
 *
 *   build/ctdisasm [--no-aliases] [--elf PROGRAM] < WORDS
 *
 * Each input line is "ADDRESS WORD" (hex, with or without 0x); each output
 * line the disassembly of that word at that address. --elf names branch and
 * jump targets by the program's symbols, as --log-disasm does.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "elf.h"
#include "outfile.h"

static const char usage[] =
    "usage: ctdisasm [--no-aliases] [--elf PROGRAM] < WORDS\n"
    "Disassembles RV32IM + Zicsr + call-ID words with ctsim's disassembler.\n"
    "Each input line is \"ADDRESS WORD\" in hex (0x optional); each output\n"
    "line is the disassembly of WORD at ADDRESS.\n"
    "  --no-aliases    no pseudo-instructions (as objdump -M no-aliases)\n"
    "  --elf PROGRAM   name branch and jump targets by PROGRAM's symbols\n"
    "  -h, --help      this text\n";

static int hex32(const char *s, uint32_t *v) {
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
  if (!*s || strlen(s) > 8) return -1;
  char *end;
  errno = 0;
  unsigned long x = strtoul(s, &end, 16);
  if (*end || errno) return -1;
  *v = (uint32_t)x;
  return 0;
}

int main(int argc, char **argv) {
  unsigned flags = 0;
  const char *elf = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--no-aliases") == 0) {
      flags |= DIS_NO_ALIASES;
    } else if (strcmp(argv[i], "--elf") == 0 && i + 1 < argc) {
      elf = argv[++i];
    } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      fputs(usage, stdout);
      return 0;
    } else {
      fprintf(stderr, "ctdisasm: error: unknown argument '%s' (see --help)\n",
              argv[i]);
      return 2;
    }
  }
  elf_names_t names;
  memset(&names, 0, sizeof names);
  char err[512];
  if (elf && elf_names_load(elf, &names, err, sizeof err)) {
    fprintf(stderr, "ctdisasm: error: %s\n", err);
    return 2;
  }
  char line[256], out[256];
  unsigned long n = 0;
  while (fgets(line, sizeof line, stdin)) {
    n++;
    char a[32], w[32], extra;
    uint32_t addr, word;
    int k = sscanf(line, "%31s %31s %c", a, w, &extra);
    if (k != 2 || hex32(a, &addr) || hex32(w, &word)) {
      fprintf(stderr,
              "ctdisasm: error: <stdin>:%lu: expected \"ADDRESS WORD\" in "
              "hex\n",
              n);
      return 2;
    }
    rv_disasm(out, sizeof out, addr, word, flags, elf ? &names : NULL);
    puts(out);
  }
  elf_names_free(&names);
  if (outfile_check_stdout(err, sizeof err)) {
    fprintf(stderr, "ctdisasm: error: %s\n", err);
    return 2;
  }
  return 0;
}
