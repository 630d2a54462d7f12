"""cocotb test of ctlb_tlb alone (Icarus): 4 entries, 2 ways, LRU or FIFO (env
CTLB_POLICY). Expected hits come from a textbook LRU / FIFO model written here, not
from the RTL."""
import collections
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge, Timer

ENTRIES, WAYS = 4, 2
POLICY = os.environ.get("CTLB_POLICY", "lru")
SETS = ENTRIES // WAYS


async def settle():
    await Timer(1, "ns")


@cocotb.test()
async def hits_and_invalidate(dut):
    cocotb.start_soon(Clock(dut.clk_i, 10, "ns").start())
    for s in ("lkp_touch_i", "fill_i", "inv_i", "inv_all_i"):
        getattr(dut, s).value = 0
    dut.lkp_id_i.value = 0
    dut.fill_id_i.value = 0
    dut.fill_addr_i.value = 0
    dut.inv_id_i.value = 0
    dut.rst_ni.value = 0
    await Timer(12, "ns")
    dut.rst_ni.value = 1
    sets = [collections.OrderedDict() for _ in range(SETS)]
    rng = random.Random(7)
    for k in range(400):
        await RisingEdge(dut.clk_i)
        await Timer(1, "ns")
        i = rng.randrange(10)
        d = sets[i % SETS]
        if rng.random() < 0.1 and POLICY == "lru":   # invalidate one ID (LRU only: after an invalidation
            # the FIFO pointer order is not textbook FIFO, docs/accelerator.md section 5)
            dut.lkp_touch_i.value = 0
            dut.inv_i.value = 1
            dut.inv_id_i.value = i
            d.pop(i, None)
            await RisingEdge(dut.clk_i)
            await Timer(1, "ns")
            dut.inv_i.value = 0
            continue
        dut.lkp_id_i.value = i
        dut.lkp_touch_i.value = 1
        await ReadOnly()
        want = i in d
        assert int(dut.lkp_hit_o.value) == int(want), f"lookup {k} id {i}"
        if want:
            assert int(dut.lkp_addr_o.value) == 0x1000 + i
            if POLICY == "lru":
                d.move_to_end(i)
        await RisingEdge(dut.clk_i)
        await Timer(1, "ns")
        dut.lkp_touch_i.value = 0
        if not want:                           # refill, as the walker would
            if len(d) == WAYS:
                d.popitem(last=False)
            d[i] = True
            dut.fill_i.value = 1
            dut.fill_id_i.value = i
            dut.fill_addr_i.value = 0x1000 + i
            await RisingEdge(dut.clk_i)
            await Timer(1, "ns")
            dut.fill_i.value = 0
