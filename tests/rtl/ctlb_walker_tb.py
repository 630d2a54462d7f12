"""cocotb test of ctlb_walker alone (Icarus): 2 levels of 4 bits, memory latency 2.
Expected addresses, faults and cycle counts come from the table below and the cost
formula of docs/accelerator.md (m levels read: m*(1+L)+1 cycles to the answer)."""
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge, Timer

LAT = 2
MEM = {0x100 + 4 * 1: 0x200 | 1, 0x200 + 4 * 2: 0xABC0 | 3,   # id 0x12 -> 0xABC0
       0x100 + 4 * 3: 0xF000 | 3,                             # id 0x3? superpage
       0x100 + 4 * 4: 0x300 | 1}                              # id 0x4? -> invalid at level 1


async def walk(dut, id_, inv_at=None, inv_id=0, inv_all=0):
    """Starts a walk of id_ and serves memory, optionally invalidating inv_id (or all)
    in walk cycle inv_at; returns (fault, addr, cycles, reads, fill)."""
    dut.start_i.value = 1
    dut.start_id_i.value = id_
    await RisingEdge(dut.clk_i)
    await Timer(1, "ns")
    dut.start_i.value = 0
    reads, due, cycles = [], None, 0
    while True:
        cycles += 1
        dut.mem_rsp_valid_i.value = 0
        dut.inv_i.value = int(cycles == inv_at)
        dut.inv_id_i.value = inv_id
        dut.inv_all_i.value = inv_all
        if due is not None and due[0] == cycles:
            dut.mem_rsp_valid_i.value = 1
            dut.mem_rsp_data_i.value = MEM.get(due[1], 0)
            due = None
        await ReadOnly()
        if int(dut.rsp_valid_o.value):
            return int(dut.rsp_fault_o.value), int(dut.rsp_addr_o.value), cycles, reads, \
                int(dut.fill_o.value)
        if int(dut.mem_req_valid_o.value):
            a = int(dut.mem_req_addr_o.value)
            reads.append(a)
            due = (cycles + LAT, a)
        await RisingEdge(dut.clk_i)
        await Timer(1, "ns")
        assert cycles < 100


@cocotb.test()
async def walks(dut):
    cocotb.start_soon(Clock(dut.clk_i, 10, "ns").start())
    for s in ("start_i", "inv_i", "inv_all_i", "mem_rsp_valid_i", "mem_rsp_err_i",
              "wc_hit_i"):
        getattr(dut, s).value = 0
    dut.start_id_i.value = 0
    dut.inv_id_i.value = 0
    dut.wc_data_i.value = 0
    dut.mem_rsp_data_i.value = 0
    dut.mem_req_ready_i.value = 1
    dut.root_i.value = 0x100 | 1
    dut.rst_ni.value = 0
    await Timer(12, "ns")
    dut.rst_ni.value = 1
    await RisingEdge(dut.clk_i)
    await Timer(1, "ns")
    assert await walk(dut, 0x12) == (0, 0xABC0, 2 * (1 + LAT) + 1, [0x104, 0x208], 1)
    await RisingEdge(dut.clk_i)
    await Timer(1, "ns")
    assert await walk(dut, 0x35) == (0, 0xF000, 1 * (1 + LAT) + 1, [0x10C], 1)
    await RisingEdge(dut.clk_i)
    await Timer(1, "ns")
    assert await walk(dut, 0x47) == (1, 0, 2 * (1 + LAT) + 1, [0x110, 0x31C], 0)
    await RisingEdge(dut.clk_i)
    await Timer(1, "ns")
    assert await walk(dut, 0x100) == (2, 0, 1, [], 0)          # beyond 8 covered bits
    await RisingEdge(dut.clk_i)
    await Timer(1, "ns")
    dut.root_i.value = 0x100                                  # disabled
    assert await walk(dut, 0x12) == (3, 0, 1, [], 0)
    await RisingEdge(dut.clk_i)
    await Timer(1, "ns")
    dut.root_i.value = 0x100 | 1
    # invalidate/flush during the walk (docs section 6): before the answer's cycle
    # the walk restarts from the root once its open read is answered (the level-0
    # read accepted in cycle 1 is answered in 3: FETCH of level 0 again in 4, the
    # answer in 4 + 2 * (1 + LAT) = 10, and it refills); in the answer's cycle
    # (7) the answer stands and nothing is refilled; another ID changes nothing
    full = (0, 0xABC0, 2 * (1 + LAT) + 1, [0x104, 0x208])
    again = (0, 0xABC0, 4 + 2 * (1 + LAT), [0x104, 0x104, 0x208])
    for inv_at, inv_id, inv_all, want in [(2, 0x12, 0, again + (1,)),
                                          (7, 0x12, 0, full + (0,)),
                                          (3, 0, 1, again + (1,)),
                                          (3, 0x13, 0, full + (1,))]:
        got = await walk(dut, 0x12, inv_at, inv_id, inv_all)
        assert got == want, (inv_at, inv_id, inv_all, got)
        await RisingEdge(dut.clk_i)
        await Timer(1, "ns")
        dut.inv_i.value = 0
