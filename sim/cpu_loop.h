/*
 * cpu_loop.h: the body of ctsim's run loop (the functional model and the
 * pipeline timing recurrence described at the top of cpu.c). Not a normal
 * header: cpu.c includes it three times, with RUN_FN naming the function,
 * RUN_LOGGING 0 or 1 (one copy with the commit log and the observer's hooks,
 * sim/obs.h: --pipeview, the CPU scope of --wave; each tested inside, the
 * copy runs when either is on) and RUN_LAT1 1 for the copy without them that
 * runs when both memory latencies are 1 cycle (the default), so that those
 * are constants there. (A function with a computed goto cannot be inlined,
 * so the usual always-inline helper with a constant argument does not work
 * here.)
 *
 * The structure, for a new instruction: a row in RV_INSNS (cpu.h), then a
 * handler here, OP(NAME, nsrc, body) for a common instruction, OP_COLD for a
 * rare one (CSR-like, system, synchronisation: GCC keeps the loop's state in
 * registers for the common ones), OP_REDIR when it redirects the fetch. The
 * body computes the result and the timing (ALU, EX_DONE, MEM_DONE); one that
 * calls out of the loop does SYNC() first, and checks P->stop after a call
 * that may end the run. The stall statistics of the gap before an
 * instruction are taken when it is fetched (NEXT, GAP_CHECK), so a handler
 * that stops the run or parks the hart before its BEGIN (the instruction
 * does not execute now) gives them back with GAP_UNDO() first.
 */
#if !defined(RUN_FN) || !defined(RUN_LOGGING) || !defined(RUN_LAT1)
#error "cpu_loop.h is included by cpu.c only"
#endif

static void RUN_FN(hart_t *h) {
  const int logging = RUN_LOGGING;
  /* x[32], rdy[32]: where instructions with rd = x0 write (the decoder of
   * the run loop turns rd 0 into 32), so x[0] and rdy[0] stay 0 */
  uint32_t x[33];
  uint64_t rdy[33];
  memcpy(x, h->x, sizeof h->x);
  memcpy(rdy, h->p.ready, sizeof h->p.ready);
  x[32] = 0, rdy[32] = 0;
  uint32_t pc = h->pc;
  uint64_t pE = h->p.e, pM = h->p.m, pW = h->p.w;
  /* pE == 0: no instruction has entered EX yet (every E is >= 2), so the
   * first one has no gap before it. A stand-in for its predecessor's E
   * that makes the gap 0 (E = pF + imem + 1 there, pM and pW being 0)
   * saves the test for it in every handler; D's rule max(F + imem, pE)
   * is unchanged by it. */
  if (pE == 0) pE = h->p.f + h->plat->cfg.imem_lat;
  uint64_t redir = h->p.redir;
  /* F of the next instruction: max(prev.D, redir), which is redir right
   * after an instruction that redirected (its redirect is later than its
   * own D) and prev.D after any other (an older redirect is earlier). So
   * prev redirected iff F == redir (and redir != 0: there was a redirect). */
  uint64_t pF = h->p.f;
  /* the last M that MEM_DONE/EX_DONE raised to pW (prev's M was not
   * E + X, it waited for MEM); M grows with every instruction, so pM == mr
   * iff it was prev's (0: none yet) */
  uint64_t mr = h->p.m_raised;
  unsigned xcause = h->p.ex_cause;
  unsigned rcause = h->p.redir_cause;
  uint64_t retired = h->retired;
  uint64_t event = h->event_cycle;
  uint64_t dfree = h->dport_free; /* W of the last load/store */
  /* the platform's: its configuration, RAM and decoded cache as locals, so
   * that an instruction reaches them without going through h->plat */
  platform_t *const P = h->plat;
  const uint64_t imem = RUN_LAT1 ? 1 : P->cfg.imem_lat, dmem = RUN_LAT1 ? 1 : P->cfg.dmem_lat;
  const uint64_t mul_lat = P->cfg.mul_lat, div_lat = P->cfg.div_lat;
  uint8_t *const ram = P->mem.ram;
  const uint32_t ram_size = P->mem.ram_size;
  const uint32_t tohost_lo = P->mem.tohost_off - 3;
  dinsn_t *const dc = P->dc;
  uint64_t *const cnt = h->st.op;
  uint64_t *const stall = h->st.stall;
  FILE *const logf = h->log;
  cpu_obs_t *const obs = h->obs;
#if !RUN_LOGGING
  /* decoded blocks (cpu.c "decoded blocks"): the block being run, its
   * instruction */
  blk_t *const bc = h->blk;
  blk_t *cb = NULL;
  const bins_t *bi = NULL;
  /* the link the block being run was entered by (NULL: block_enter) */
  const blk_lnk_t *via = NULL;
  /* the last RAM offset an access of 1, 2, 4 bytes may start at */
  const uint32_t ram_last[5] = {0, ram_size - 1, ram_size - 2, 0, ram_size - 4};
#endif

  /* The state of the instruction being executed: its offset in RAM, its
   * decoded-cache entry, its stage-entry cycles and results. */
  uint32_t npc, cause, tval;
  uint64_t F, D, E, M, W, X;
  uint64_t tx = 1; /* cycles a trapping instruction occupied EX */
  dinsn_t *di;
  dinsn_t d;
  int mem = 0;
  uint32_t maddr = 0, mval = 0, insn = 0, lrs1 = 0;

  /* Threaded dispatch: every handler ends with its own copy of the fetch
   * and the indirect jump to the next handler (GCC labels as values), so
   * the host's branch predictor sees one indirect jump per handler. An
   * entry not decoded yet (OP_NONE) jumps to the decoder. */
  static const void *const lbl[OP_COUNT + 1] = {[OP_NONE] = &&L_DECODE,
                                                [OP_RESV] = &&L_DECODE,
                                                [OP_ILLEGAL] = &&L_ILLEGAL,
#define X(name, match, mask, fmt) [OP_##name] = &&L_##name,
                                                RV_INSNS(X)
#undef X
  };
#if !RUN_LOGGING
  /* the semantic handlers of the instructions a decoded block may hold */
  static const void *const blab[OP_COUNT] = {
      [OP_LUI] = &&B_LUI,   [OP_AUIPC] = &&B_AUIPC, [OP_JAL] = &&B_JAL,     [OP_JALR] = &&B_JALR,
      [OP_BEQ] = &&B_BEQ,   [OP_BNE] = &&B_BNE,     [OP_BLT] = &&B_BLT,     [OP_BGE] = &&B_BGE,
      [OP_BLTU] = &&B_BLTU, [OP_BGEU] = &&B_BGEU,   [OP_LB] = &&B_LB,       [OP_LH] = &&B_LH,
      [OP_LW] = &&B_LW,     [OP_LBU] = &&B_LBU,     [OP_LHU] = &&B_LHU,     [OP_SB] = &&B_SB,
      [OP_SH] = &&B_SH,     [OP_SW] = &&B_SW,       [OP_ADDI] = &&B_ADDI,   [OP_SLTI] = &&B_SLTI,
      [OP_SLTIU] = &&B_SLTIU, [OP_XORI] = &&B_XORI, [OP_ORI] = &&B_ORI,     [OP_ANDI] = &&B_ANDI,
      [OP_SLLI] = &&B_SLLI, [OP_SRLI] = &&B_SRLI,   [OP_SRAI] = &&B_SRAI,   [OP_ADD] = &&B_ADD,
      [OP_SUB] = &&B_SUB,   [OP_SLL] = &&B_SLL,     [OP_SLT] = &&B_SLT,     [OP_SLTU] = &&B_SLTU,
      [OP_XOR] = &&B_XOR,   [OP_SRL] = &&B_SRL,     [OP_SRA] = &&B_SRA,     [OP_OR] = &&B_OR,
      [OP_AND] = &&B_AND,   [OP_MUL] = &&B_MUL,     [OP_MULH] = &&B_MULH,   [OP_MULHSU] = &&B_MULHSU,
      [OP_MULHU] = &&B_MULHU, [OP_DIV] = &&B_DIV,   [OP_DIVU] = &&B_DIVU,   [OP_REM] = &&B_REM,
      [OP_REMU] = &&B_REMU,
  };
#endif

  /* the RAM offset of the instruction at pc: computed where it is needed
   * rather than kept in a variable live across every handler */
#define OFF() (pc - RAM_BASE)
  /* the state the slow paths look at (the observer's: the pc too) */
#define SYNC() (h->now = E, h->retired = retired, (void)(logging && (h->obs_pc = pc)))
  /* The pipeline recurrence up to EX entry without data hazards (E), for the
   * instruction at pc, then its dispatch. The max() of the rules as
   * predictable branches: in a steady stream none is taken, so the host CPU
   * does not wait for the comparisons. The ID term max(F + Li, pE) can only
   * bind when pM holds E back: pE < pM for an instruction that went on to
   * MEM, and after a trap F > pE. So the common case tests only pM.
   *
   * The stall statistics of the gap before E (GAP_CHECK) are taken here,
   * once E is known but for the data hazards, after the event check (an
   * event may turn the instruction into an interrupt bubble, or stop the
   * run before it); a handler whose data hazards raise E moves the gap to
   * load_use (BEGIN). With imem = 1 (RUN_LAT1) an instruction after pc + 4
   * can have a gap only when pM holds it back (F + 1 = prev.D + 1 <=
   * prev.E: the fetch never binds), so only that branch looks. */
#define NEXT_TIME()                             \
  do {                                          \
    F = pF;                                     \
    D = F + imem;                               \
    E = D + 1;                                  \
    if (unlikely(pM > E)) {                     \
      E = pM;                                   \
      if (D < pE) D = pE;                       \
    }                                           \
    if (unlikely(E >= event)) goto event_check; \
  } while (0)
#define GAP_CHECK() \
  if (unlikely(E > pE + 1)) GAP_STALL()
  /* A block that starts at RAM offset off: run it (block_enter checks
   * whether its static timing holds) or build it (block_build). */
#if RUN_LOGGING
#define BLOCK_TRY(off)
#else
#define BLOCK_TRY(off)                                                     \
  if (bc) {                                                                \
    blk_t *b_ = &bc[((off) >> 2) & (BLK_SLOTS - 1)];                       \
    if (likely(b_->tag == ((off) | (RUN_LAT1 + 1)) && b_->gen == P->code_gen)) { \
      if (b_->n) {                                                         \
        cb = b_;                                                           \
        goto block_enter;                                                  \
      }                                                                    \
    } else                                                                 \
      goto block_build;                                                    \
  }
#endif
  /* after a jump, branch, trap or mret: the pc may be outside RAM */
#define NEXT()                                       \
  do {                                               \
    uint32_t off = pc - RAM_BASE;                    \
    NEXT_TIME();                                     \
    GAP_CHECK();                                     \
    if (unlikely(off >= ram_size)) goto fetch_fault; \
    di = &dc[off >> 2];                              \
    BLOCK_TRY(off);                                  \
    goto *lbl[di->op];                               \
  } while (0)
  /* after pc + 4: the next entry of the decoded cache (di stays the entry
   * of the instruction at pc in every handler); at worst RAM's end, whose
   * entry (one past the last word) stays OP_NONE, so the decoder sends it
   * to fetch_fault */
#if RUN_LAT1
#define NEXT_SEQ()                                \
  do {                                            \
    F = pF;                                       \
    D = F + 1;                                    \
    E = D + 1;                                    \
    if (unlikely(pM > E)) {                       \
      E = pM;                                     \
      if (D < pE) D = pE;                         \
      if (unlikely(E >= event)) goto event_check; \
      GAP_CHECK();                                \
    } else if (unlikely(E >= event))              \
      goto event_check;                           \
    di++;                                         \
    goto *lbl[di->op];                            \
  } while (0)
#else
#define NEXT_SEQ()     \
  do {                 \
    NEXT_TIME();       \
    GAP_CHECK();       \
    di++;              \
    goto *lbl[di->op]; \
  } while (0)
#endif
  /* The start of a handler: the data hazards through nsrc source registers
   * (fields an instruction does not read are 0, and x0 is always ready).
   * One that raises E makes the whole gap before it load_use: the part the
   * fetch counted under another cause moves there. */
#define BEGIN(nsrc)                                                    \
  do {                                                                 \
    d = *di;                                                           \
    if (logging) mem = 0, insn = insn_word(h, OFF()), lrs1 = x[d.rs1]; \
    if ((nsrc) > 0) {                                                  \
      uint64_t r = rdy[d.rs1];                                         \
      if ((nsrc) > 1) {                                                \
        uint64_t r2 = rdy[d.rs2];                                      \
        r = r > r2 ? r : r2;                                           \
      }                                                                \
      if (unlikely(r > E)) {                                           \
        if (E > pE + 1) GAP_ACCOUNT(GAP_CAUSE(), E - pE - 1, -=);      \
        E = r;                                                         \
        if (E > pE + 1) stall[STALL_LOAD_USE] += E - pE - 1;           \
        NO_CMOV();                                                     \
      }                                                                \
    }                                                                  \
    npc = pc + 4;                                                      \
  } while (0)
  /* Retires the instruction (op) and goes on with the next one. */
#define RETIRE(op)                                                                \
  do {                                                                            \
    if (logging && obs) obs_retire(h, retired, pc, insn, (op), F, D, E, X, M, W); \
    pF = D, pE = E, pM = M, pW = W;                                               \
    cnt[op]++;                                                                    \
    retired++;                                                                    \
    if (logging && logf)                                                          \
      log_commit(h, pc, npc, insn, &d, x[d.rd], lrs1, mem, maddr, mval,           \
                 (op) == OP_SB   ? 1                                              \
                 : (op) == OP_SH ? 2                                              \
                                 : 4);                                            \
    pc = npc;                                                                     \
  } while (0)
  /* the end of EX and MEM of an instruction occupying EX for lat cycles */
#define EX_DONE(lat)        \
  do {                      \
    X = (lat), M = E + X;   \
    if (unlikely(pW > M)) { \
      mr = M = pW;          \
      NO_CMOV();            \
    }                       \
    W = M + 1;              \
  } while (0)
/* MEM of a load or store (extra = 0), or of an AMO: the read, then the
 * write (extra = 1: dmem_lat + 1 cycles) */
#define MEM_DONE_PLUS(extra) \
  do {                       \
    X = 1, M = E + 1;        \
    if (unlikely(pW > M)) {  \
      mr = M = pW;           \
      NO_CMOV();             \
    }                        \
    W = M + dmem + (extra);  \
    dfree = W;               \
  } while (0)
#define MEM_DONE() MEM_DONE_PLUS(0)
#define ALU(expr)      \
  do {                 \
    x[d.rd] = (expr);  \
    EX_DONE(1);        \
    rdy[d.rd] = E + 1; \
  } while (0)
#define MULDIV(expr, lat)  \
  do {                     \
    x[d.rd] = (expr);      \
    EX_DONE(lat);          \
    rdy[d.rd] = E + X;     \
    xcause = STALL_MULDIV; \
  } while (0)
/* a branch: taken, it retires and goes on through a tail of its own */
#define BRANCH(name, cond)                           \
  do {                                               \
    EX_DONE(1);                                      \
    if (cond) {                                      \
      uint32_t t = pc + (uint32_t)d.imm;             \
      if (unlikely(t & 3)) TRAP(0, t);               \
      npc = t, redir = E + 1, rcause = STALL_BRANCH; \
      h->st.br_taken++;                              \
      RETIRE(OP_##name);                             \
      pF = redir;                                    \
      NEXT();                                        \
    }                                                \
  } while (0)
#define TRAP(c, v) \
  do {             \
    cause = (c);   \
    tval = (v);    \
    tx = 1;        \
    goto trap;     \
  } while (0)
#define LOAD(T, size)                                          \
  do {                                                         \
    uint32_t a = x[d.rs1] + (uint32_t)d.imm, o = a - RAM_BASE; \
    T t;                                                       \
    if (likely(o <= ram_size - size)) {                        \
      memcpy(&t, ram + o, size);                               \
    } else {                                                   \
      uint32_t raw;                                            \
      SYNC();                                                  \
      if (plat_dev_load(P, E, a, size, &raw)) TRAP(5, a);      \
      t = (T)raw;                                              \
    }                                                          \
    x[d.rd] = (uint32_t)t;                                     \
    if (logging) mem = 1, maddr = a;                           \
    MEM_DONE();                                                \
    rdy[d.rd] = W;                                             \
  } while (0)
  /* A store: the write, then the decoded-cache entries of the words it
   * touched (the second only if it crosses into the next word). Only a
   * store to tohost (the host's reply) or to a device (the finisher) can
   * end the run: those go on through STORE_END, which checks P->stop after
   * the store retired; a store to the rest of RAM does not look. */
#define STORE(name, size)                                                                 \
  do {                                                                                    \
    uint32_t a = x[d.rs1] + (uint32_t)d.imm, o = a - RAM_BASE;                            \
    uint32_t v = x[d.rs2];                                                                \
    if (logging) mem = 2, maddr = a, mval = size == 4 ? v : v & ((1u << (8 * size)) - 1); \
    if (likely(o <= ram_size - size)) {                                                   \
      memcpy(ram + o, &v, size);                                                          \
      dinsn_t *q = &dc[o >> 2];                                                           \
      if (q->op) P->code_gen += q->op != OP_RESV, q->op = OP_NONE;                                       \
      if ((size) > 1 && unlikely((o & 3) > 4 - (size))) {                                 \
        q = &dc[(o + size - 1) >> 2];                                                     \
        if (q->op) P->code_gen += q->op != OP_RESV, q->op = OP_NONE;                                       \
      }                                                                                   \
      if (unlikely(o - tohost_lo < 11)) {                                                 \
        SYNC();                                                                           \
        htif_tohost_store(h, x, pc, a, size);                                             \
        goto STORE_END_##name;                                                            \
      }                                                                                   \
    } else {                                                                              \
      SYNC();                                                                             \
      if (plat_dev_store(P, E, a, size, v)) TRAP(7, a);                                   \
      event = h->event_cycle; /* CLINT stores move the interrupts */                      \
      goto STORE_END_##name;                                                              \
    }                                                                                     \
    MEM_DONE();                                                                           \
  } while (0)

/* GAP_CAUSE() and GAP_ACCOUNT() (cpu.c): the stall cause of a gap and its
 * accounting, on the locals below. */
#define GAP_STALL() GAP_ACCOUNT(GAP_CAUSE(), E - pE - 1, +=)
/* takes back the gap GAP_CHECK counted, for an instruction that does not
 * execute now (the run stops, or the hart parks, before it) */
#define GAP_UNDO() \
  if (E > pE + 1) GAP_ACCOUNT(GAP_CAUSE(), E - pE - 1, -=)
  /* a handler: nsrc source registers, ends by RETIRE() and NEXT() */
#define OP(name, nsrc, ...) \
  L_##name : BEGIN(nsrc);   \
  __VA_ARGS__;              \
  RETIRE(OP_##name);        \
  NEXT_SEQ();
  /* The same for a rarely executed instruction: the label's cold attribute
   * tells GCC the path is unlikely, so its register allocator keeps the
   * run loop's state in registers for the common handlers rather than
   * spreading it evenly over all of them (the targets of an indirect jump
   * all look equally likely to it). */
#define OP_COLD(name, nsrc, ...)    \
  L_##name : __attribute__((cold)); \
  BEGIN(nsrc);                      \
  __VA_ARGS__;                      \
  RETIRE(OP_##name);                \
  NEXT_SEQ();
  /* the same for an instruction that redirects the fetch (to redir) */
#define OP_REDIR(name, nsrc, ...) \
  L_##name : BEGIN(nsrc);         \
  __VA_ARGS__;                    \
  RETIRE(OP_##name);              \
  pF = redir;                     \
  NEXT();

  NEXT();

event_check: /* E >= event: interrupts, cycle limits, patches */
  __attribute__((cold));
  SYNC();
  if (P->cfg.max_cycles && E >= P->cfg.max_cycles) {
    P->stop = STOP_MAX_CYCLES;
    goto halt;
  }
  if (h->pause_at && E >= h->pause_at) goto halt; /* cpu_run_until */
  /* the ctlb.sync before retired: here in the schedule, not where its piece
   * ended (the other harts may have gone past its broadcasts since) */
  if (unlikely(P->sync_due >> h->id & 1)) plat_sync_retire(P, h->id);
  while (h->next_patch < h->npatches && E >= h->patches[h->next_patch].cycle) {
    h->dport_free = dfree;
    apply_patch(h, &h->patches[h->next_patch++], E);
    if (P->stop) goto halt;
  }
  /* the parked wfi goes first; so does a lookup parked on a shared CTLB (its
   * request was presented) */
  if (unlikely(h->wfi_resume | h->ctlb_resume)) goto dispatch;
  if ((cause = irq_pending(h, E)) != 0) {
    /* the interrupted instruction becomes a bubble that reaches EX;
     * the gap before it has the causes an instruction's would have
     * (e.g. a wfi that waited for this interrupt) */
    if (E > pE + 1) GAP_STALL();
    tval = 0;
    tx = 1;
    if (logging && obs) obs_trap(h, retired, pc, 0, OP_NONE, F, D, E, 1, cause, 1);
    goto redirect_trap;
  }
  cpu_update_event(h);
  event = h->event_cycle;
dispatch:
  GAP_CHECK();
  if (unlikely(OFF() >= ram_size)) goto fetch_fault;
  di = &dc[OFF() >> 2];
  goto *lbl[di->op];

L_DECODE: /* an entry not decoded yet, or invalidated by a store */
  __attribute__((cold));
  if (unlikely(OFF() >= ram_size)) goto fetch_fault; /* RAM's end + 4 */
  /* --patch-at entry=SYM: the first run of an address always decodes it */
  if (unlikely(h->entry_watch)) {
    SYNC();
    h->dport_free = dfree;
    entry_patches(h, OFF(), E);
    if (P->stop) {
      GAP_UNDO();
      goto halt;
    }
  }
  rv_decode(insn_word(h, OFF()), di);
  if (di->rd == 0) di->rd = 32;
  goto *lbl[di->op];

fetch_fault: /* pc outside RAM: no data hazards */
  __attribute__((cold));
  if (logging) mem = 0, insn = 0;
  d = (dinsn_t){OP_NONE, 0, 0, 0, 0};
  TRAP(1, pc);

L_ILLEGAL:
  __attribute__((cold));
  BEGIN(0);
  TRAP(2, insn_word(h, OFF()));

  OP(LUI, 0, ALU((uint32_t)d.imm))
  OP(AUIPC, 0, ALU(pc + (uint32_t)d.imm))
  OP_REDIR(JAL, 0, {
    uint32_t t = pc + (uint32_t)d.imm;
    if (unlikely(t & 3)) TRAP(0, t);
    ALU(pc + 4);
    npc = t, redir = D + 1, rcause = STALL_JAL;
  })
  OP_REDIR(JALR, 1, {
    uint32_t t = (x[d.rs1] + (uint32_t)d.imm) & ~1u;
    if (unlikely(t & 3)) TRAP(0, t);
    ALU(pc + 4);
    npc = t, redir = E + 1, rcause = STALL_JALR;
  })
  /* a branch not taken: on with the block at pc + 4 if there is one (the
   * instructions after a block that could not run go on their handlers
   * up to here) */
#if RUN_LOGGING
#define OP_BRANCH(name, ...) OP(name, 2, __VA_ARGS__)
#else
#define OP_BRANCH(name, ...) \
  L_##name : BEGIN(2);       \
  __VA_ARGS__;               \
  RETIRE(OP_##name);         \
  NEXT();
#endif
  OP_BRANCH(BEQ, BRANCH(BEQ, x[d.rs1] == x[d.rs2]))
  OP_BRANCH(BNE, BRANCH(BNE, x[d.rs1] != x[d.rs2]))
  OP_BRANCH(BLT, BRANCH(BLT, (int32_t)x[d.rs1] < (int32_t)x[d.rs2]))
  OP_BRANCH(BGE, BRANCH(BGE, (int32_t)x[d.rs1] >= (int32_t)x[d.rs2]))
  OP_BRANCH(BLTU, BRANCH(BLTU, x[d.rs1] < x[d.rs2]))
  OP_BRANCH(BGEU, BRANCH(BGEU, x[d.rs1] >= x[d.rs2]))
#undef OP_BRANCH
  OP(LB, 1, LOAD(int8_t, 1))
  OP(LH, 1, LOAD(int16_t, 2))
  OP(LW, 1, LOAD(uint32_t, 4))
  OP(LBU, 1, LOAD(uint8_t, 1))
  OP(LHU, 1, LOAD(uint16_t, 2))
  /* a store may end the run (tohost, finisher): after it retired */
#define STORE_OP(name, size)                \
  L_##name : BEGIN(2);                      \
  STORE(name, size);                        \
  RETIRE(OP_##name);                        \
  NEXT_SEQ();                               \
  STORE_END_##name : __attribute__((cold)); \
  MEM_DONE();                               \
  RETIRE(OP_##name);                        \
  if (unlikely(P->stop)) goto halt;         \
  NEXT_SEQ();
  STORE_OP(SB, 1)
  STORE_OP(SH, 2)
  STORE_OP(SW, 4)
  OP(ADDI, 1, ALU(x[d.rs1] + (uint32_t)d.imm))
  /* slti x0, rs1, 0x5C0 + code: a region-of-interest marker (sim/roi.h).
   * Timed and counted as the slti it is; the counters are taken before it
   * retires, after its stall gap; a stop marker ends the run once it
   * retired, as a store to tohost does. */
L_ROI:
  __attribute__((cold));
  BEGIN(1);
  ALU((int32_t)x[d.rs1] < d.imm);
  SYNC();
  roi_marker(h, (unsigned)d.imm & 15, x[d.rs1], pc, E);
  RETIRE(OP_SLTI);
  if (unlikely(P->stop)) goto halt;
  NEXT_SEQ();
  OP(SLTI, 1, ALU((int32_t)x[d.rs1] < d.imm))
  OP(SLTIU, 1, ALU(x[d.rs1] < (uint32_t)d.imm))
  OP(XORI, 1, ALU(x[d.rs1] ^ (uint32_t)d.imm))
  OP(ORI, 1, ALU(x[d.rs1] | (uint32_t)d.imm))
  OP(ANDI, 1, ALU(x[d.rs1] & (uint32_t)d.imm))
  OP(SLLI, 1, ALU(x[d.rs1] << d.imm))
  OP(SRLI, 1, ALU(x[d.rs1] >> d.imm))
  OP(SRAI, 1, ALU((uint32_t)((int32_t)x[d.rs1] >> d.imm)))
  OP(ADD, 2, ALU(x[d.rs1] + x[d.rs2]))
  OP(SUB, 2, ALU(x[d.rs1] - x[d.rs2]))
  OP(SLL, 2, ALU(x[d.rs1] << (x[d.rs2] & 31)))
  OP(SLT, 2, ALU((int32_t)x[d.rs1] < (int32_t)x[d.rs2]))
  OP(SLTU, 2, ALU(x[d.rs1] < x[d.rs2]))
  OP(XOR, 2, ALU(x[d.rs1] ^ x[d.rs2]))
  OP(SRL, 2, ALU(x[d.rs1] >> (x[d.rs2] & 31)))
  OP(SRA, 2, ALU((uint32_t)((int32_t)x[d.rs1] >> (x[d.rs2] & 31))))
  OP(OR, 2, ALU(x[d.rs1] | x[d.rs2]))
  OP(AND, 2, ALU(x[d.rs1] & x[d.rs2]))
  OP(MUL, 2, MULDIV(x[d.rs1] * x[d.rs2], mul_lat))
  OP(MULH, 2,
     MULDIV((uint32_t)(((int64_t)(int32_t)x[d.rs1] * (int64_t)(int32_t)x[d.rs2]) >> 32), mul_lat))
  OP(MULHSU, 2,
     MULDIV((uint32_t)(((int64_t)(int32_t)x[d.rs1] * (int64_t)(uint64_t)x[d.rs2]) >> 32), mul_lat))
  OP(MULHU, 2, MULDIV((uint32_t)(((uint64_t)x[d.rs1] * x[d.rs2]) >> 32), mul_lat))
  OP(DIV, 2, {
    int32_t a = (int32_t)x[d.rs1], b = (int32_t)x[d.rs2];
    MULDIV(b == 0                        ? 0xffffffffu
           : (a == INT32_MIN && b == -1) ? (uint32_t)a
                                         : (uint32_t)(a / b),
           div_lat);
  })
  OP(DIVU, 2, {
    uint32_t a = x[d.rs1], b = x[d.rs2];
    MULDIV(b == 0 ? 0xffffffffu : a / b, div_lat);
  })
  OP(REM, 2, {
    int32_t a = (int32_t)x[d.rs1], b = (int32_t)x[d.rs2];
    MULDIV(b == 0 ? (uint32_t)a : (a == INT32_MIN && b == -1) ? 0u : (uint32_t)(a % b), div_lat);
  })
  OP(REMU, 2, {
    uint32_t a = x[d.rs1], b = x[d.rs2];
    MULDIV(b == 0 ? a : a % b, div_lat);
  })
  /* fence: memory is always coherent; fence.i: stores already invalidate
   * decoded code */
  OP_COLD(FENCE, 0, EX_DONE(1))
  OP_COLD(FENCE_I, 0, EX_DONE(1))
  /* wfi waits in EX until an interrupt enabled in mie pends. With one hart
   * only the timer can come later (msip is pending already, which wake_cycle
   * sees, or nobody can set it). With several, another hart may set msip
   * or mtimecmp: a wfi that would wait parks the hart before it, and the
   * platform resumes it with the cycle it wakes (h->wfi_wake,
   * docs/platform.md). */
L_WFI:
  __attribute__((cold));
  if (unlikely(P->nharts > 1) && !h->wfi_resume && (h->mie & (MIP_MSIP | MIP_MTIP))) {
    SYNC();
    if (wake_cycle(h) > E) {
      h->wfi_park = 1;
      GAP_UNDO(); /* counted when it resumes */
      goto halt;
    }
  }
  BEGIN(0);
  {
    uint64_t lat = 1;
    if (h->wfi_resume || (h->mie & MIP_MTIP)) {
      SYNC();
      uint64_t t = h->wfi_resume ? h->wfi_wake : wake_cycle(h);
      h->wfi_resume = 0;
      if (P->cfg.max_cycles && t > P->cfg.max_cycles) t = P->cfg.max_cycles;
      if (unlikely(t >= CPU_CYCLE_CEILING)) { /* never wakes in range */
        P->stop = STOP_WFI;
        P->wfi_wake = t;
        goto halt;
      }
      if (t != UINT64_MAX && t > E) lat = t - E;
    }
    EX_DONE(lat);
    xcause = STALL_WFI;
  }
  RETIRE(OP_WFI);
  NEXT_SEQ();
L_ECALL:
  __attribute__((cold));
  BEGIN(0);
  TRAP(11, 0);
L_EBREAK:
  __attribute__((cold));
  BEGIN(0);
  TRAP(3, pc);
  OP_REDIR(MRET, 0, {
    EX_DONE(1);
    npc = h->mepc;
    h->mstatus = MSTATUS_MPIE | ((h->mstatus & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
    redir = E + 1, rcause = STALL_TRAP;
    SYNC();
    cpu_update_event(h);
    event = h->event_cycle;
  })
  /* csrrw csrrs csrrc csrrwi csrrsi csrrci */
#define CSR_OP(name, k_, i_)                                                                       \
  OP_COLD(name, (i_) ? 0 : 1, {                                                                    \
    uint32_t src = (i_) ? (uint32_t)d.imm >> 16 : x[d.rs1];                                        \
    int wr = (k_) == CSR_W || ((i_) ? src != 0 : d.rs1 != 0);                                      \
    uint32_t old;                                                                                  \
    SYNC();                                                                                        \
    if (csr_access(h, (uint32_t)d.imm & 0xfff, (k_), src, wr, &old)) TRAP(2, insn_word(h, OFF())); \
    ALU(old);                                                                                      \
    event = h->event_cycle;                                                                        \
  })
  CSR_OP(CSRRW, CSR_W, 0)
  CSR_OP(CSRRS, CSR_S, 0)
  CSR_OP(CSRRC, CSR_C, 0)
  CSR_OP(CSRRWI, CSR_W, 1)
  CSR_OP(CSRRSI, CSR_S, 1)
  CSR_OP(CSRRCI, CSR_C, 1)
  /* The call-ID extension (docs/isa.md, timing in docs/timing.md):
   * the request goes to the accelerator in cycle E; it answers in cycle
   * rc (E on a hit); EX is occupied for lat = rc - E + 1 cycles. */
  OP_REDIR(CALLID, 1, { /* callid rd, rs1: a jalr through the table */
                        uint32_t id = x[d.rs1], t;
                        unsigned f;
                        SYNC();
                        h->dport_free = dfree;
                        if (unlikely(h->callid_watch) && !h->ctlb_resume) { /* --patch-at callid=N */
                          callid_patches(h, id, E);
                          if (unlikely(P->stop)) goto halt;
                        }
                        uint64_t lat = xl_lookup(h, E, id, &t, &f, 1) - E + 1;
                        if (unlikely(P->stop)) goto halt;
                        h->st.callids++;
                        h->st.callid_cost += lat + 1 + imem;
                        if (unlikely(f)) {
                          h->ctcause = f;
                          cause = CAUSE_CALLID;
                          tval = id;
                          tx = lat;
                          goto trap;
                        }
                        x[d.rd] = pc + 4;
                        EX_DONE(lat);
                        rdy[d.rd] = E + lat;
                        npc = t, redir = E + lat, rcause = STALL_JALR;
                        if (unlikely(lat > 1)) {
                          rcause = STALL_CTLB;
                          h->p.ctlb_x = lat - 1, h->p.ctlb_rest = STALL_JALR;
                        }
  })
  OP(XLAT, 1, { /* xlat rd, rs1: the translation, never traps */
                uint32_t t;
                unsigned f;
                SYNC();
                h->dport_free = dfree;
                uint64_t lat = xl_lookup(h, E, x[d.rs1], &t, &f, 0) - E + 1;
                if (unlikely(P->stop)) goto halt;
                if (f) h->ctcause = f, t = (uint32_t)f << 2 | 1u;
                x[d.rd] = t;
                EX_DONE(lat);
                rdy[d.rd] = E + lat;
                if (lat > 1) {
                  xcause = STALL_CTLB;
                  h->p.ctlb_x = lat - 1, h->p.ctlb_rest = STALL_CTLB;
                }
  })
  OP_COLD(CTLB_INV, 1, { /* ctlb.inv rs1: one ID, or all with rs1 = x0 */
                         SYNC();
                         xl_inv(h, E, d.rs1 == 0, x[d.rs1]);
                         if (unlikely(P->stop)) goto halt;
                         EX_DONE(1);
  })
  OP_COLD(CTLB_BCAST, 1, { /* ctlb.bcast rs1: ctlb.inv in every hart's CTLB */
                           SYNC();
                           xl_bcast(h, E, d.rs1 == 0, x[d.rs1]);
                           if (unlikely(P->stop)) goto halt;
                           EX_DONE(1);
  })
  OP_COLD(CTLB_SYNC, 0, { /* ctlb.sync: EX held until this hart's broadcasts are done */
                          SYNC();
                          uint64_t lat = xl_sync(h, E) - E + 1;
                          if (unlikely(P->stop)) goto halt;
                          event = h->event_cycle;
                          EX_DONE(lat);
                          if (lat > 1) {
                            xcause = STALL_CTLB;
                            h->p.ctlb_x = lat - 1, h->p.ctlb_rest = STALL_CTLB;
                          }
  })

  /* The A extension (docs/isa.md, timing in docs/timing.md): an aligned word
   * in RAM (misaligned: cause mis; outside RAM: acc); aq/rl change nothing
   * (every access is in order). */
#define AMO_ADDR(mis, acc)                 \
  uint32_t a = x[d.rs1], o = a - RAM_BASE; \
  if (unlikely(a & 3)) TRAP(mis, a);       \
  if (unlikely(o > ram_size - 4)) TRAP(acc, a);
  /* the write of sc.w and the AMOs: as a sw's */
#define AMO_WRITE(v)                                                     \
  do {                                                                   \
    memcpy(ram + o, &(v), 4);                                            \
    if (dc[o >> 2].op) P->code_gen += dc[o >> 2].op != OP_RESV, dc[o >> 2].op = OP_NONE;         \
    if (unlikely(o - tohost_lo < 11)) SYNC(), htif_tohost_store(h, x, pc, a, 4); \
    if (logging) mem = 2, maddr = a, mval = (v);                         \
  } while (0)
#define AMO_DONE() MEM_DONE_PLUS(1)
  OP_COLD(LR_W, 1, {
    AMO_ADDR(4, 5)
    memcpy(&x[d.rd], ram + o, 4);
    h->resv = o;
    P->resv_mask |= 1u << h->id;
    /* a word that holds decoded code stays decoded: the reservation
     * fails (allowed: an sc.w may always fail) */
    if (dc[o >> 2].op == OP_NONE) dc[o >> 2].op = OP_RESV;
    if (logging) mem = 1, maddr = a;
    MEM_DONE();
    rdy[d.rd] = W;
  })
  /* sc.w: succeeds (rd = 0) iff the hart holds the reservation of this word;
   * either way the reservation is gone */
L_SC_W:
  __attribute__((cold));
  BEGIN(2);
  {
    AMO_ADDR(6, 7)
    uint32_t v = x[d.rs2];
    int ok = (P->resv_mask >> h->id & 1) && h->resv == o && dc[o >> 2].op == OP_RESV;
    P->resv_mask &= ~(1u << h->id);
    if (ok)
      AMO_WRITE(v);
    else if (logging)
      mem = 0;
    x[d.rd] = !ok;
    MEM_DONE();
    rdy[d.rd] = W;
  }
  RETIRE(OP_SC_W);
  if (unlikely(P->stop)) goto halt;
  NEXT_SEQ();
  /* amo<op>.w rd, rs2, (rs1): rd = the old word, the word = old <op> rs2 */
#define AMO_OP(name, expr)          \
  L_##name : __attribute__((cold)); \
  BEGIN(2);                         \
  {                                 \
    AMO_ADDR(6, 7)                  \
    uint32_t t, s = x[d.rs2], v;    \
    memcpy(&t, ram + o, 4);         \
    v = (expr);                     \
    AMO_WRITE(v);                   \
    x[d.rd] = t;                    \
    AMO_DONE();                     \
    rdy[d.rd] = W;                  \
  }                                 \
  RETIRE(OP_##name);                \
  if (unlikely(P->stop)) goto halt; \
  NEXT_SEQ();
  AMO_OP(AMOSWAP_W, s)
  AMO_OP(AMOADD_W, t + s)
  AMO_OP(AMOXOR_W, t ^ s)
  AMO_OP(AMOAND_W, t & s)
  AMO_OP(AMOOR_W, t | s)
  AMO_OP(AMOMIN_W, (int32_t)t < (int32_t)s ? t : s)
  AMO_OP(AMOMAX_W, (int32_t)t > (int32_t)s ? t : s)
  AMO_OP(AMOMINU_W, t < s ? t : s)
  AMO_OP(AMOMAXU_W, t > s ? t : s)

#if !RUN_LOGGING
  /* Decoded blocks (cpu.c "decoded blocks"). NEXT has computed the first
   * instruction's F, D, E (without data hazards) and its gap; the block's
   * static timing holds if nothing before it binds and the next event
   * comes after its last E, else its instructions run one by one. While a
   * block runs, F is its first F (di, pc, pE, pM, pW are those NEXT left
   * only if block_enter entered it, via == NULL; blk_exit sets them). */
block_build:
  __attribute__((cold));
  cb = blk_build(h, OFF(), blab, &&B_END, RUN_LAT1 + 1);
  if (!cb) goto *lbl[di->op];
block_enter:
  if (unlikely(E != F + cb->e0 || F + cb->e >= event)) goto *lbl[di->op];
  /* every ready cycle is <= pW (the last W), so pW <= F + wlim passes the
   * registers without looking at them */
  if (pW > F + cb->wlim) {
    if (pW > F + cb->m0) goto *lbl[di->op];
    for (unsigned i_ = 0; i_ < cb->nrr; i_++)
      if (rdy[cb->rr[i_].r] > F + cb->rr[i_].off) goto *lbl[di->op];
  }
  h->blk_looked_up++;
  via = NULL;
  bi = cb->ins;
  goto *bi->lab;

  /* The state after the block that the next block entered by a link does
   * not set itself (pE, pM, pW, the last raised M and the redirect, which
   * it makes older than any later F, are BLK_DONE's). */
#define BLK_DONE_LINKED()                                                                 \
  do {                                                                                    \
    if (cb->has_mem) dfree = F + cb->dfree;                                               \
    if (unlikely(cb->lists)) { /* most blocks have none of these */                       \
      if (cb->mul) xcause = STALL_MULDIV;                                                 \
      for (unsigned i_ = 0; i_ < cb->nrd; i_++) rdy[cb->rd[i_].r] = F + cb->rd[i_].off; \
      for (unsigned i_ = 0; i_ < cb->nst; i_++) stall[cb->st[i_].r] += cb->st[i_].off;  \
    }                                                                                     \
    retired += cb->n;                                                                     \
    cb->runs++;                                                                           \
  } while (0)
  /* the state after the block */
#define BLK_DONE()                                  \
  do {                                              \
    pE = F + cb->e, pM = F + cb->m, pW = F + cb->w; \
    if (cb->has_mr) mr = F + cb->mr;                \
    BLK_DONE_LINKED();                              \
  } while (0)
  /* Exit x of the block: on to the block it is linked to (the fetch and
   * block_enter folded into the link, blk_link) if the next event comes
   * after that block's last E, else the usual way (unlinked: link it first,
   * then look again). */
#define BLK_NEXT(x, tpc, usual, relink)                                                     \
  do {                                                                                      \
    const blk_lnk_t *lk_ = &cb->lk[x];                                                      \
    if (unlikely(lk_->b->serial != lk_->serial || ((x) >= LNK_JALR && lk_->pc != (tpc)))) \
      goto relink;                                                                          \
    if (unlikely(event - F <= lk_->fe)) goto usual;                                         \
    BLK_DONE_LINKED();                                                                      \
    stall[lk_->gc] += lk_->gap;                                                             \
    F += lk_->df;                                                                           \
    via = lk_, cb = lk_->b;                                                                 \
    bi = cb->ins;                                                                           \
    goto *bi->lab;                                                                          \
  } while (0)
#define BLK_RELINK(x, tpc, usual, again)                     \
  blk_link(h, cb, (x), (tpc), blab, &&B_END, RUN_LAT1 + 1); \
  if (cb->lk[x].b->serial == cb->lk[x].serial) goto again;  \
  goto usual;
B_END: /* after its last instruction, pc + 4 */
  BLK_NEXT(LNK_SEQ, 0, blk_seq, blk_seq_link);
blk_seq_link:
  __attribute__((cold));
  BLK_RELINK(LNK_SEQ, cb->pc + 4 * cb->n, blk_seq, B_END);
blk_seq:
  pc = cb->pc + 4 * cb->n;
  BLK_DONE();
  pF = F + cb->d;
  NEXT();
blk_taken:
  cb->taken++;
blk_taken_next:
  BLK_NEXT(LNK_TAKEN, 0, blk_taken_usual, blk_taken_link);
blk_taken_link:
  __attribute__((cold));
  BLK_RELINK(LNK_TAKEN, cb->tgt, blk_taken_usual, blk_taken_next);
blk_taken_usual:
  pc = cb->tgt;
  BLK_DONE();
  redir = F + cb->e + 1, rcause = STALL_BRANCH;
  pF = redir;
  NEXT();

  /* the semantics of the instructions a block holds */
#define R1 x[bi->rs1]
#define R2 x[bi->rs2]
#define IMM ((uint32_t)bi->imm)
#define BOP(name, expr) \
  B_##name:             \
  x[bi->rd] = (expr);   \
  bi++;                     \
  goto *bi->lab;
#define BBR(name, cond)     \
  B_##name:                 \
  if (cond) goto blk_taken; \
  goto B_END;
#define BLOAD(name, T, size)                     \
  B_##name : {                                   \
    uint32_t o = R1 + IMM - RAM_BASE;            \
    T t;                                         \
    if (unlikely(o > ram_last[size])) goto blk_exit; \
    memcpy(&t, ram + o, size);                   \
    x[bi->rd] = (uint32_t)t;                     \
  }                                              \
  bi++;                                          \
  goto *bi->lab;
  /* a store to RAM that changes no decoded entry and is not tohost */
#define BSTORE(name, size)                                                     \
  B_##name : {                                                                 \
    uint32_t o = R1 + IMM - RAM_BASE, v = R2;                                  \
    if (unlikely(o > ram_last[size] || o - tohost_lo < 11 || dc[o >> 2].op))   \
      goto blk_exit;                                                           \
    if ((size) > 1 && unlikely((o & 3) > 4 - (size)) && dc[(o + size - 1) >> 2].op) \
      goto blk_exit;                                                           \
    memcpy(ram + o, &v, size);                                                 \
  }                                                                            \
  bi++;                                                                        \
  goto *bi->lab;
  BOP(LUI, IMM)
  BOP(AUIPC, IMM)
  BOP(ADDI, R1 + IMM)
  BOP(SLTI, (int32_t)R1 < bi->imm)
  BOP(SLTIU, R1 < IMM)
  BOP(XORI, R1 ^ IMM)
  BOP(ORI, R1 | IMM)
  BOP(ANDI, R1 & IMM)
  BOP(SLLI, R1 << bi->imm)
  BOP(SRLI, R1 >> bi->imm)
  BOP(SRAI, (uint32_t)((int32_t)R1 >> bi->imm))
  BOP(ADD, R1 + R2)
  BOP(SUB, R1 - R2)
  BOP(SLL, R1 << (R2 & 31))
  BOP(SLT, (int32_t)R1 < (int32_t)R2)
  BOP(SLTU, R1 < R2)
  BOP(XOR, R1 ^ R2)
  BOP(SRL, R1 >> (R2 & 31))
  BOP(SRA, (uint32_t)((int32_t)R1 >> (R2 & 31)))
  BOP(OR, R1 | R2)
  BOP(AND, R1 & R2)
  BOP(MUL, R1 * R2)
  BOP(MULH, (uint32_t)(((int64_t)(int32_t)R1 * (int64_t)(int32_t)R2) >> 32))
  BOP(MULHSU, (uint32_t)(((int64_t)(int32_t)R1 * (int64_t)(uint64_t)R2) >> 32))
  BOP(MULHU, (uint32_t)(((uint64_t)R1 * R2) >> 32))
  BOP(DIV, ({
        int32_t a = (int32_t)R1, b = (int32_t)R2;
        b == 0 ? 0xffffffffu : (a == INT32_MIN && b == -1) ? (uint32_t)a : (uint32_t)(a / b);
      }))
  BOP(DIVU, ({
        uint32_t a = R1, b = R2;
        b == 0 ? 0xffffffffu : a / b;
      }))
  BOP(REM, ({
        int32_t a = (int32_t)R1, b = (int32_t)R2;
        b == 0 ? (uint32_t)a : (a == INT32_MIN && b == -1) ? 0u : (uint32_t)(a % b);
      }))
  BOP(REMU, ({
        uint32_t a = R1, b = R2;
        b == 0 ? a : a % b;
      }))
  BLOAD(LB, int8_t, 1)
  BLOAD(LH, int16_t, 2)
  BLOAD(LW, uint32_t, 4)
  BLOAD(LBU, uint8_t, 1)
  BLOAD(LHU, uint16_t, 2)
  BSTORE(SB, 1)
  BSTORE(SH, 2)
  BSTORE(SW, 4)
  BBR(BEQ, R1 == R2)
  BBR(BNE, R1 != R2)
  BBR(BLT, (int32_t)R1 < (int32_t)R2)
  BBR(BGE, (int32_t)R1 >= (int32_t)R2)
  BBR(BLTU, R1 < R2)
  BBR(BGEU, R1 >= R2)
B_JAL:
  x[bi->rd] = cb->pc + 4 * cb->n;
blk_jal_next:
  BLK_NEXT(LNK_TAKEN, 0, blk_jal_usual, blk_jal_link);
blk_jal_link:
  __attribute__((cold));
  BLK_RELINK(LNK_TAKEN, cb->tgt, blk_jal_usual, blk_jal_next);
blk_jal_usual:
  pc = cb->tgt;
  BLK_DONE();
  redir = F + cb->d + 1, rcause = STALL_JAL;
  pF = redir;
  NEXT();
B_JALR:
  pc = (R1 + IMM) & ~1u;
  if (unlikely(pc & 3)) goto blk_exit; /* traps: the handler's */
  x[bi->rd] = cb->pc + 4 * cb->n;
blk_jalr_next:
  BLK_NEXT(LNK_JALR, pc, blk_jalr_usual, blk_jalr_2);
blk_jalr_2:
  BLK_NEXT(LNK_JALR2, pc, blk_jalr_usual, blk_jalr_link);
blk_jalr_link:
  __attribute__((cold));
  { /* an unused link, else after BLK_JALR_MISSES misses one in turn */
    unsigned x_ = LNK_JALR;
    if (cb->lk[x_].b->serial == cb->lk[x_].serial) {
      x_ = LNK_JALR2;
      if (cb->lk[x_].b->serial == cb->lk[x_].serial) {
        if (++cb->jalr_misses % BLK_JALR_MISSES) goto blk_jalr_usual;
        x_ = LNK_JALR + cb->jalr_misses / BLK_JALR_MISSES % 2;
      }
    }
    blk_link(h, cb, x_, pc, blab, &&B_END, RUN_LAT1 + 1);
    if (cb->lk[x_].b->serial == cb->lk[x_].serial) goto blk_jalr_next;
    goto blk_jalr_usual;
  }
blk_jalr_usual:
  BLK_DONE();
  redir = F + cb->e + 1, rcause = STALL_JALR;
  pF = redir;
  NEXT();
#undef R1
#undef R2
#undef IMM
#undef BOP
#undef BBR
#undef BLOAD
#undef BSTORE
#undef BLK_DONE

blk_exit: /* before instruction k, which the handlers run from here on */
  __attribute__((cold));
  {
    unsigned k = (unsigned)(bi - cb->ins);
    h->blk_exits++, h->blk_insns += k;
    for (unsigned i_ = 0; i_ < k; i_++) cnt[cb->ins[i_].op]++;
    di = &dc[(cb->pc - RAM_BASE) >> 2];
    if (k == 0) {
      /* the first instruction on its own handler, on the state NEXT would
       * have left (the link's) when the block was entered by one */
      if (via) {
        pE = F + (uint64_t)(int64_t)via->pe, pM = F + (uint64_t)(int64_t)via->pm;
        pW = F + (uint64_t)(int64_t)via->pw;
        if (via->has_mr) mr = F + (uint64_t)(int64_t)via->mr;
        if (via->redir) redir = F, rcause = via->rcause;
        D = F + (uint64_t)(int64_t)via->d, E = F + cb->e0;
        pc = cb->pc, pF = F;
      }
      goto *lbl[di->op];
    }
    blk_sim_t s;
    blk_prefix(h, cb, k, F, rdy, &s);
    pE = F + (uint64_t)s.e, pM = F + (uint64_t)s.m, pW = F + (uint64_t)s.w;
    if (s.has_mr) mr = F + (uint64_t)s.mr;
    if (s.mul) xcause = STALL_MULDIV;
    if (s.has_mem) dfree = F + (uint64_t)s.dfree;
    retired += k;
    pc = cb->pc + 4 * k;
    pF = F + (uint64_t)s.d;
    di += k - 1;
    NEXT_SEQ();
  }
#endif

trap:
  __attribute__((cold));
  /* a synchronous exception of the instruction in EX at cycle E */
  SYNC();
  if (logging && obs) obs_trap(h, retired, pc, insn, d.op, F, D, E, tx, cause, 0);
redirect_trap:
  pc = trap_enter(h, cause, tval, pc);
  if (P->stop) {
    pW = MAX(pW, E + tx - 1);
    goto halt;
  }
  event = h->event_cycle;
  pE = E;
  pW = MAX(pW, E + tx - 1);
  pF = redir = E + tx, rcause = STALL_TRAP;
  if (unlikely(tx > 1)) { /* a call-ID fault after a walk */
    rcause = STALL_CTLB;
    h->p.ctlb_x = tx - 1, h->p.ctlb_rest = STALL_TRAP;
  }
  NEXT();

halt:
#undef SYNC
#undef NEXT
#undef BLOCK_TRY
#undef NEXT_TIME
#undef NEXT_SEQ
#undef BEGIN
#undef RETIRE
#undef EX_DONE
#undef MEM_DONE
#undef ALU
#undef MULDIV
#undef BRANCH
#undef TRAP
#undef LOAD
#undef STORE
#undef GAP_STALL
#undef GAP_CHECK
#undef GAP_UNDO
#undef OP
#undef OP_REDIR
#undef OP_COLD
#undef OFF
#undef STORE_OP
#undef CSR_OP
#undef AMO_ADDR
#undef AMO_WRITE
#undef AMO_DONE
#undef AMO_OP
  memcpy(h->x, x, sizeof h->x);
  memcpy(h->p.ready, rdy, sizeof h->p.ready);
  h->pc = pc;
  h->p.f = pF, h->p.e = pE, h->p.m = pM, h->p.w = pW, h->p.m_raised = mr;
  h->p.redir = redir, h->p.redir_cause = rcause, h->p.ex_cause = xcause;
  h->retired = retired;
  h->dport_free = dfree;
}
