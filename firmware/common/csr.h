/*
 * csr.h: control and status register access for machine-mode firmware.
 *
 *   read_csr(mstatus)          -> value (uint32_t)
 *   write_csr(mtvec, value)
 *   set_csr(mie, MIE_MTIE)     -> old value (csrrs)
 *   clear_csr(mstatus, MSTATUS_MIE) -> old value (csrrc)
 *
 * The CSR is named by its assembler name (or a number), as in the RISC-V
 * privileged spec. Build with -march=rv32im -misa-spec=2.2 so the CSR
 * instructions assemble (docs/firmware.md).
 */
#ifndef FW_CSR_H
#define FW_CSR_H

#include <stdint.h>

#define CSR_STR_(x) #x
#define CSR_STR(x) CSR_STR_(x)

#define read_csr(reg)                                          \
  ({                                                           \
    uint32_t csr_v_;                                           \
    __asm__ volatile("csrr %0, " CSR_STR(reg) : "=r"(csr_v_)); \
    csr_v_;                                                    \
  })

#define write_csr(reg, val) \
  __asm__ volatile("csrw " CSR_STR(reg) ", %0" ::"rK"((uint32_t)(val)) : "memory")

#define set_csr(reg, bits)                            \
  ({                                                  \
    uint32_t csr_v_;                                  \
    __asm__ volatile("csrrs %0, " CSR_STR(reg) ", %1" \
                     : "=r"(csr_v_)                   \
                     : "rK"((uint32_t)(bits))         \
                     : "memory");                     \
    csr_v_;                                           \
  })

#define clear_csr(reg, bits)                          \
  ({                                                  \
    uint32_t csr_v_;                                  \
    __asm__ volatile("csrrc %0, " CSR_STR(reg) ", %1" \
                     : "=r"(csr_v_)                   \
                     : "rK"((uint32_t)(bits))         \
                     : "memory");                     \
    csr_v_;                                           \
  })

/* mstatus */
#define MSTATUS_MIE (1u << 3)
#define MSTATUS_MPIE (1u << 7)
#define MSTATUS_MPP (3u << 11)

/* mie / mip */
#define MIE_MSIE (1u << 3)
#define MIE_MTIE (1u << 7)
#define MIE_MEIE (1u << 11)
#define MIP_MTIP (1u << 7)

/* mcause */
#define MCAUSE_INTERRUPT (1u << 31)
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_MACHINE_ECALL 11
#define CAUSE_CALLID_FAULT 24 /* call-ID extension (docs/memory-map.md) */
#define IRQ_M_SOFT 3
#define IRQ_M_TIMER 7
#define IRQ_M_EXT 11

/* 64-bit counters read consistently from their two halves. */
static inline uint64_t read_mcycle64(void) {
  uint32_t hi, lo, hi2;
  do {
    hi = read_csr(mcycleh);
    lo = read_csr(mcycle);
    hi2 = read_csr(mcycleh);
  } while (hi != hi2);
  return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t read_minstret64(void) {
  uint32_t hi, lo, hi2;
  do {
    hi = read_csr(minstreth);
    lo = read_csr(minstret);
    hi2 = read_csr(minstreth);
  } while (hi != hi2);
  return ((uint64_t)hi << 32) | lo;
}

#endif /* FW_CSR_H */
