/*
 * disasm.c: the disassembler (sim/disasm.h). It decodes with the simulator's
 * own decoder (rv_decode: the X-macro table of cpu.h is the one list of
 * instructions, their names and formats) and prints by format.
 */
#include "disasm.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cpu.h"

static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

const char *rv_reg_name(unsigned r) { return reg_names[r & 31]; }

const char *rv_csr_name(unsigned csr) {
  /* the standard CSRs by the names binutils 2.40's objdump gives them, the
   * ones of privileged spec 1.12 it leaves as numbers in ELFs of the
   * assembler's default spec 1.11 (mstatush, menvcfg[h], senvcfg, mtinst,
   * mtval2, mseccfg[h], mconfigptr; pmpcfg4.., pmpaddr16.. below), and the
   * call-ID CSRs of docs/isa.md */
  static const struct {
    uint16_t num;
    const char *name;
  } named[] = {
      {0x000, "ustatus"},     {0x001, "fflags"},     {0x002, "frm"},
      {0x003, "fcsr"},        {0x004, "uie"},        {0x005, "utvec"},
      {0x008, "vstart"},      {0x009, "vxsat"},      {0x00A, "vxrm"},
      {0x00F, "vcsr"},        {0x015, "seed"},       {0x040, "uscratch"},
      {0x041, "uepc"},        {0x042, "ucause"},     {0x043, "utval"},
      {0x044, "uip"},         {0x100, "sstatus"},    {0x102, "sedeleg"},
      {0x103, "sideleg"},     {0x104, "sie"},        {0x105, "stvec"},
      {0x106, "scounteren"},  {0x10A, "senvcfg"},    {0x10C, "sstateen0"},
      {0x10D, "sstateen1"},   {0x10E, "sstateen2"},  {0x10F, "sstateen3"},
      {0x114, "sieh"},        {0x140, "sscratch"},   {0x141, "sepc"},
      {0x142, "scause"},      {0x143, "stval"},      {0x144, "sip"},
      {0x14D, "stimecmp"},    {0x150, "siselect"},   {0x151, "sireg"},
      {0x154, "siph"},        {0x15C, "stopei"},     {0x15D, "stimecmph"},
      {0x180, "satp"},        {0x200, "vsstatus"},   {0x204, "vsie"},
      {0x205, "vstvec"},      {0x214, "vsieh"},      {0x240, "vsscratch"},
      {0x241, "vsepc"},       {0x242, "vscause"},    {0x243, "vstval"},
      {0x244, "vsip"},        {0x24D, "vstimecmp"},  {0x250, "vsiselect"},
      {0x251, "vsireg"},      {0x254, "vsiph"},      {0x25C, "vstopei"},
      {0x25D, "vstimecmph"},  {0x280, "vsatp"},      {0x300, "mstatus"},
      {0x301, "misa"},        {0x302, "medeleg"},    {0x303, "mideleg"},
      {0x304, "mie"},         {0x305, "mtvec"},      {0x306, "mcounteren"},
      {0x308, "mvien"},       {0x309, "mvip"},       {0x30A, "menvcfg"},
      {0x30C, "mstateen0"},   {0x30D, "mstateen1"},  {0x30E, "mstateen2"},
      {0x30F, "mstateen3"},   {0x310, "mstatush"},   {0x313, "midelegh"},
      {0x314, "mieh"},        {0x318, "mvienh"},     {0x319, "mviph"},
      {0x31A, "menvcfgh"},    {0x31C, "mstateen0h"}, {0x31D, "mstateen1h"},
      {0x31E, "mstateen2h"},  {0x31F, "mstateen3h"}, {0x320, "mcountinhibit"},
      {0x340, "mscratch"},    {0x341, "mepc"},       {0x342, "mcause"},
      {0x343, "mtval"},       {0x344, "mip"},        {0x34A, "mtinst"},
      {0x34B, "mtval2"},      {0x350, "miselect"},   {0x351, "mireg"},
      {0x354, "miph"},        {0x35C, "mtopei"},     {0x5A8, "scontext"},
      {0x600, "hstatus"},     {0x602, "hedeleg"},    {0x603, "hideleg"},
      {0x604, "hie"},         {0x605, "htimedelta"}, {0x606, "hcounteren"},
      {0x607, "hgeie"},       {0x608, "hvien"},      {0x609, "hvictl"},
      {0x60A, "henvcfg"},     {0x60C, "hstateen0"},  {0x60D, "hstateen1"},
      {0x60E, "hstateen2"},   {0x60F, "hstateen3"},  {0x613, "hidelegh"},
      {0x615, "htimedeltah"}, {0x618, "hvienh"},     {0x61A, "henvcfgh"},
      {0x61C, "hstateen0h"},  {0x61D, "hstateen1h"}, {0x61E, "hstateen2h"},
      {0x61F, "hstateen3h"},  {0x643, "htval"},      {0x644, "hip"},
      {0x645, "hvip"},        {0x646, "hviprio1"},   {0x647, "hviprio2"},
      {0x64A, "htinst"},      {0x655, "hviph"},      {0x656, "hviprio1h"},
      {0x657, "hviprio2h"},   {0x680, "hgatp"},      {0x6A8, "hcontext"},
      {0x747, "mseccfg"},     {0x757, "mseccfgh"},   {0x7A0, "tselect"},
      {0x7A1, "tdata1"},      {0x7A2, "tdata2"},     {0x7A3, "tdata3"},
      {0x7A4, "tinfo"},       {0x7A5, "tcontrol"},   {0x7A8, "mcontext"},
      {0x7AA, "mscontext"},   {0x7B0, "dcsr"},       {0x7B1, "dpc"},
      {0x7B2, "dscratch0"},   {0x7B3, "dscratch1"},  {0xB00, "mcycle"},
      {0xB02, "minstret"},    {0xB80, "mcycleh"},    {0xB82, "minstreth"},
      {0xC00, "cycle"},       {0xC01, "time"},       {0xC02, "instret"},
      {0xC20, "vl"},          {0xC21, "vtype"},      {0xC22, "vlenb"},
      {0xC80, "cycleh"},      {0xC81, "timeh"},      {0xC82, "instreth"},
      {0xDA0, "scountovf"},   {0xDB0, "stopi"},      {0xE12, "hgeip"},
      {0xEB0, "vstopi"},      {0xF11, "mvendorid"},  {0xF12, "marchid"},
      {0xF13, "mimpid"},      {0xF14, "mhartid"},    {0xF15, "mconfigptr"},
      {0xFB0, "mtopi"},       {0x7C0, "ctroot"},     {0xFC0, "ctlbhit"},
      {0xFC1, "ctlbmiss"},    {0xFC2, "ctlbwalk"},   {0xFC3, "ctlbinv"},
      {0xFC4, "ctlbfault"},   {0xFC5, "ctcause"},    {0xFC6, "ctlblookup"},
  };
  for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
    if (named[i].num == csr) return named[i].name;
  /* numbered families: pmpcfg0..15, pmpaddr0..63, hpmcounter3..31[h],
   * mhpmcounter3..31[h], mhpmevent3..31[h] */
  static char fam[16]; /* (not reentrant: the tools are single-threaded) */
  if (csr >= 0x3A0 && csr <= 0x3AF)
    snprintf(fam, sizeof fam, "pmpcfg%u", csr - 0x3A0);
  else if (csr >= 0x3B0 && csr <= 0x3EF)
    snprintf(fam, sizeof fam, "pmpaddr%u", csr - 0x3B0);
  else if (csr >= 0xC03 && csr <= 0xC1F)
    snprintf(fam, sizeof fam, "hpmcounter%u", csr - 0xC00);
  else if (csr >= 0xC83 && csr <= 0xC9F)
    snprintf(fam, sizeof fam, "hpmcounter%uh", csr - 0xC80);
  else if (csr >= 0xB03 && csr <= 0xB1F)
    snprintf(fam, sizeof fam, "mhpmcounter%u", csr - 0xB00);
  else if (csr >= 0xB83 && csr <= 0xB9F)
    snprintf(fam, sizeof fam, "mhpmcounter%uh", csr - 0xB80);
  else if (csr >= 0x323 && csr <= 0x33F)
    snprintf(fam, sizeof fam, "mhpmevent%u", csr - 0x320);
  else if (csr >= 0x723 && csr <= 0x73F)
    snprintf(fam, sizeof fam, "mhpmevent%uh", csr - 0x720);
  else
    return NULL;
  return fam;
}

/* printf into the rest of the buffer */
typedef struct {
  char *buf;
  size_t n, len;
} out_t;

static void put(out_t *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void put(out_t *o, const char *fmt, ...) {
  if (o->len + 1 >= o->n) return;
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(o->buf + o->len, o->n - o->len, fmt, ap);
  va_end(ap);
  if (r < 0) return;
  o->len += (size_t)r;
  if (o->len >= o->n) o->len = o->n - 1;
}

#define R(x) reg_names[(x)&31]

static void target(out_t *o, uint32_t t, const elf_names_t *names) {
  put(o, "0x%08" PRIx32, t);
  const char *s = elf_name_at(names, t);
  if (s) put(o, " <%s>", s);
}

static void csr_op(out_t *o, unsigned csr) {
  const char *s = rv_csr_name(csr);
  if (s)
    put(o, "%s", s);
  else
    put(o, "0x%x", csr);
}

/* fence's pred/succ sets: "iorw" letters, 0 for none */
static void fence_set(out_t *o, unsigned v) {
  if (!v) {
    put(o, "0");
    return;
  }
  if (v & 8) put(o, "i");
  if (v & 4) put(o, "o");
  if (v & 2) put(o, "r");
  if (v & 1) put(o, "w");
}

/* The pseudo-instructions of the default mode; 1 if it printed one. */
static int alias(out_t *o, const dinsn_t *d, uint32_t pc, uint32_t w,
                 const elf_names_t *names) {
  unsigned rd = d->rd, rs1 = d->rs1, rs2 = d->rs2;
  int32_t imm = d->imm;
  uint32_t t = pc + (uint32_t)imm;
  unsigned csr = (unsigned)imm & 0xfff, uimm = ((unsigned)imm >> 16) & 31;
  switch (d->op) {
    case OP_ADDI:
      if (rd == 0 && rs1 == 0 && imm == 0)
        put(o, "nop");
      else if (rs1 == 0)
        put(o, "li %s, %" PRId32, R(rd), imm);
      else if (imm == 0)
        put(o, "mv %s, %s", R(rd), R(rs1));
      else
        return 0;
      return 1;
    case OP_XORI:
      if (imm != -1) return 0;
      put(o, "not %s, %s", R(rd), R(rs1));
      return 1;
    case OP_SUB:
      if (rs1 != 0) return 0;
      put(o, "neg %s, %s", R(rd), R(rs2));
      return 1;
    case OP_SLTIU:
      if (imm != 1) return 0;
      put(o, "seqz %s, %s", R(rd), R(rs1));
      return 1;
    case OP_SLTU:
      if (rs1 != 0) return 0;
      put(o, "snez %s, %s", R(rd), R(rs2));
      return 1;
    case OP_SLT:
      if (rs2 == 0)
        put(o, "sltz %s, %s", R(rd), R(rs1));
      else if (rs1 == 0)
        put(o, "sgtz %s, %s", R(rd), R(rs2));
      else
        return 0;
      return 1;
    case OP_BEQ:
    case OP_BNE:
      if (rs2 != 0) return 0;
      put(o, "%s %s, ", d->op == OP_BEQ ? "beqz" : "bnez", R(rs1));
      target(o, t, names);
      return 1;
    case OP_BGE:
    case OP_BLT:
      if (rs1 == 0)
        put(o, "%s %s, ", d->op == OP_BGE ? "blez" : "bgtz", R(rs2));
      else if (rs2 == 0)
        put(o, "%s %s, ", d->op == OP_BGE ? "bgez" : "bltz", R(rs1));
      else
        return 0;
      target(o, t, names);
      return 1;
    case OP_JAL:
      if (rd != 0 && rd != 1) return 0;
      put(o, "%s ", rd ? "jal" : "j");
      target(o, t, names);
      return 1;
    case OP_JALR:
      if (rd == 0 && rs1 == 1 && imm == 0)
        put(o, "ret");
      else if (rd != 0 && rd != 1 && imm == 0)
        put(o, "jalr %s, %s", R(rd), R(rs1));
      else if (rd != 0 && rd != 1)
        return 0;
      else if (imm == 0)
        put(o, "%s %s", rd ? "jalr" : "jr", R(rs1));
      else
        put(o, "%s %" PRId32 "(%s)", rd ? "jalr" : "jr", imm, R(rs1));
      return 1;
    case OP_CSRRS:
      if (rs1 == 0) {
        static const struct {
          unsigned csr;
          const char *name;
        } rd_ops[] = {{0xC00, "rdcycle"},   {0xC01, "rdtime"},
                      {0xC02, "rdinstret"}, {0xC80, "rdcycleh"},
                      {0xC81, "rdtimeh"},   {0xC82, "rdinstreth"}};
        for (size_t i = 0; i < sizeof rd_ops / sizeof rd_ops[0]; i++)
          if (rd_ops[i].csr == csr) {
            put(o, "%s %s", rd_ops[i].name, R(rd));
            return 1;
          }
        put(o, "csrr %s, ", R(rd));
        csr_op(o, csr);
        return 1;
      }
      /* fall through */
    case OP_CSRRW:
    case OP_CSRRC:
      if (rd != 0) return 0;
      put(o, "%s ",
          d->op == OP_CSRRW   ? "csrw"
          : d->op == OP_CSRRS ? "csrs"
                              : "csrc");
      csr_op(o, csr);
      put(o, ", %s", R(rs1));
      return 1;
    case OP_CSRRWI:
    case OP_CSRRSI:
    case OP_CSRRCI:
      if (rd != 0) return 0;
      put(o, "%s ",
          d->op == OP_CSRRWI   ? "csrwi"
          : d->op == OP_CSRRSI ? "csrsi"
                               : "csrci");
      csr_op(o, csr);
      put(o, ", %u", uimm);
      return 1;
    case OP_FENCE:
      if (((w >> 20) & 0xfff) != 0x0ff) return 0; /* fence iorw, iorw */
      put(o, "fence");
      return 1;
    default:
      return 0;
  }
}

size_t rv_disasm(char *buf, size_t n, uint32_t pc, uint32_t w, unsigned flags,
                 const elf_names_t *names) {
  out_t o = {buf, n, 0};
  if (!n) return 0;
  buf[0] = 0;
  dinsn_t d;
  rv_decode(w, &d);
  if (d.op == OP_ILLEGAL || d.op == OP_NONE) {
    put(&o, ".4byte 0x%" PRIx32, w);
    return o.len;
  }
  if (w == 0xc0001073u) { /* csrrw zero, cycle, zero: the canonical unimp */
    put(&o, "unimp");
    return o.len;
  }
  if (!(flags & DIS_NO_ALIASES) && alias(&o, &d, pc, w, names)) return o.len;
  /* the mnemonic: the X-macro's name in lower case, '_' -> '.' */
  char mn[16];
  const char *name = d.op == OP_ROI ? "SLTI" : rv_op_name(d.op);
  size_t k = 0;
  for (; name[k] && k + 1 < sizeof mn; k++)
    mn[k] = name[k] == '_' ? '.' : (char)tolower((unsigned char)name[k]);
  mn[k] = 0;
  unsigned rd = d.rd, rs1 = d.rs1, rs2 = d.rs2;
  int32_t imm = d.imm;
  switch (rv_op_format(d.op)) {
    case RV_FMT_R:
      if (d.op == OP_CTLB_INV || d.op == OP_CTLB_BCAST)
        put(&o, "%s %s", mn, R(rs1));
      else if (d.op == OP_CTLB_SYNC)
        put(&o, "%s", mn);
      else if (d.op == OP_CALLID || d.op == OP_XLAT)
        put(&o, "%s %s, %s", mn, R(rd), R(rs1));
      else
        put(&o, "%s %s, %s, %s", mn, R(rd), R(rs1), R(rs2));
      break;
    case RV_FMT_A: { /* objdump's forms: lr.w rd, (rs1); amoadd.w rd, rs2, (rs1)
                      */
      static const char *const ord[4] = {"", ".rl", ".aq", ".aqrl"};
      put(&o, "%s%s %s, ", mn, ord[(w >> 25) & 3], R(rd));
      if (d.op != OP_LR_W) put(&o, "%s, ", R(rs2));
      put(&o, "(%s)", R(rs1));
      break;
    }
    case RV_FMT_I:
      if (rv_op_class(d.op) == CLS_LOAD || d.op == OP_JALR)
        put(&o, "%s %s, %" PRId32 "(%s)", mn, R(rd), imm, R(rs1));
      else
        put(&o, "%s %s, %s, %" PRId32, mn, R(rd), R(rs1), imm);
      break;
    case RV_FMT_S:
      put(&o, "%s %s, %" PRId32 "(%s)", mn, R(rs2), imm, R(rs1));
      break;
    case RV_FMT_B:
      put(&o, "%s %s, %s, ", mn, R(rs1), R(rs2));
      target(&o, pc + (uint32_t)imm, names);
      break;
    case RV_FMT_U:
      put(&o, "%s %s, 0x%" PRIx32, mn, R(rd), (uint32_t)imm >> 12);
      break;
    case RV_FMT_J:
      put(&o, "%s %s, ", mn, R(rd));
      target(&o, pc + (uint32_t)imm, names);
      break;
    case RV_FMT_SH:
      put(&o, "%s %s, %s, 0x%" PRIx32, mn, R(rd), R(rs1), (uint32_t)imm);
      break;
    case RV_FMT_C:
    case RV_FMT_CI:
      put(&o, "%s %s, ", mn, R(rd));
      csr_op(&o, (unsigned)imm & 0xfff);
      if (rv_op_format(d.op) == RV_FMT_C)
        put(&o, ", %s", R(rs1));
      else
        put(&o, ", %u", ((unsigned)imm >> 16) & 31);
      break;
    case RV_FMT_N:
      if (d.op == OP_FENCE) {
        unsigned fm = w >> 28, pred = (w >> 24) & 15, succ = (w >> 20) & 15;
        if (fm == 8 && pred == 3 && succ == 3) {
          put(&o, "fence.tso");
          break;
        }
        put(&o, "fence ");
        fence_set(&o, pred);
        put(&o, ", ");
        fence_set(&o, succ);
      } else {
        put(&o, "%s", mn);
      }
      break;
  }
  return o.len;
}
