-- queens.lua: backtracking search: the n-queens problem (solutions counted
-- with bit masks and listed with arrays; the counts are the known values of
-- OEIS A000170: 1, 0, 0, 2, 10, 4, 40, 92, 352, 724), a sudoku solver with
-- constraint propagation, and subset sums.

local N = SCALE or 1

-- ---------------------------------------------------------------- n-queens
local function count_queens(n)
  local all = (1 << n) - 1
  local function place(cols, d1, d2)
    if cols == all then return 1 end
    local count = 0
    local free = all & ~(cols | d1 | d2)
    while free ~= 0 do
      local bit = free & -free
      free = free ~ bit
      count = count + place(cols | bit, ((d1 | bit) << 1) & all, (d2 | bit) >> 1)
    end
    return count
  end
  return place(0, 0, 0)
end

local known = {1, 0, 0, 2, 10, 4, 40, 92, 352, 724}
local counts = {}
local maxn = N >= 20 and 9 or N >= 5 and 8 or 6
for n = 1, maxn do
  counts[n] = count_queens(n)
  assert(counts[n] == known[n], "queens " .. n)
end
print("queens: " .. table.concat(counts, " "))

-- the first solutions of 8 queens in lexicographic order
local function solutions(n, limit)
  local out, q = {}, {}
  local function safe(row, col)
    for r = 1, row - 1 do
      local c = q[r]
      if c == col or math.abs(c - col) == row - r then return false end
    end
    return true
  end
  local function solve(row)
    if #out >= limit then return end
    if row > n then
      out[#out + 1] = table.concat(q, "")
      return
    end
    for col = 1, n do
      if safe(row, col) then
        q[row] = col
        solve(row + 1)
        q[row] = nil
      end
    end
  end
  solve(1)
  return out
end
local first5 = solutions(5, 20)
assert(#first5 == 10 and first5[1] == "13524" and first5[10] == "53142", "the ten 5-queens solutions")
print("5-queens solutions: " .. table.concat(first5, " "))
if N >= 2 then
  local first6 = solutions(6, 4)
  assert(table.concat(first6, " ") == "246135 362514 415263 531642", "the four 6-queens solutions")
  print("6-queens solutions: " .. table.concat(first6, " "))
end
if N >= 5 then
  local first = solutions(8, 4)
  assert(first[1] == "15863724", "the first 8-queens solution")
  print("first 8-queens solutions: " .. table.concat(first, " "))
end

-- ---------------------------------------------------------------- sudoku
local function solve_sudoku(text)
  local cells = {}
  for ch in text:gmatch("[%d%.]") do cells[#cells + 1] = ch == "." and 0 or tonumber(ch) end
  assert(#cells == 81)
  local function candidates(i)
    local r, c = (i - 1) // 9, (i - 1) % 9
    local used = 0
    for k = 0, 8 do
      used = used | (1 << cells[r * 9 + k + 1]) | (1 << cells[k * 9 + c + 1])
    end
    local br, bc = r - r % 3, c - c % 3
    for dr = 0, 2 do
      for dc = 0, 2 do used = used | (1 << cells[(br + dr) * 9 + bc + dc + 1]) end
    end
    return (~used) & 0x3FE
  end
  local nodes = 0
  local function search()
    nodes = nodes + 1
    -- the empty cell with the fewest candidates
    local best, bestmask, bestcount = nil, 0, 10
    for i = 1, 81 do
      if cells[i] == 0 then
        local m = candidates(i)
        local cnt = 0
        local mm = m
        while mm ~= 0 do mm = mm & (mm - 1) cnt = cnt + 1 end
        if cnt < bestcount then best, bestmask, bestcount = i, m, cnt end
        if cnt == 0 then return false end
      end
    end
    if not best then return true end
    for d = 1, 9 do
      if bestmask & (1 << d) ~= 0 then
        cells[best] = d
        if search() then return true end
      end
    end
    cells[best] = 0
    return false
  end
  assert(search(), "solvable")
  local rows = {}
  for r = 0, 8 do
    local t = {}
    for c = 1, 9 do t[c] = cells[r * 9 + c] end
    rows[#rows + 1] = table.concat(t)
  end
  return rows, nodes
end

local function valid(rows)
  local function ok(digits)
    table.sort(digits)
    return table.concat(digits) == "123456789"
  end
  for r = 1, 9 do
    local d = {}
    for c = 1, 9 do d[c] = rows[r]:sub(c, c) end
    if not ok(d) then return false end
  end
  for c = 1, 9 do
    local d = {}
    for r = 1, 9 do d[r] = rows[r]:sub(c, c) end
    if not ok(d) then return false end
  end
  for b = 0, 8 do
    local d = {}
    for k = 0, 8 do
      local r, c = (b // 3) * 3 + k // 3 + 1, (b % 3) * 3 + k % 3 + 1
      d[#d + 1] = rows[r]:sub(c, c)
    end
    if not ok(d) then return false end
  end
  return true
end

-- the first is the well-known example's solution (its first row
-- 534678912) with a tenth of the cells blanked; then that example itself
local solved1 = "534678912672195348198342567859761423426853791713924856961537284287419635345286179"
local easy = solved1:gsub("()(%d)", function(i, d) return (i * 37) % 10 < 1 and "." or d end)
local puzzles = {
  easy,
  "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79",
  "..9748...7.........2.1.9.....7...24..64.1.59..98...3.....8.3.2.........6...2759..",
  "1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3..",
}
for n = 1, N >= 5 and #puzzles or N >= 2 and 2 or 1 do
  local p = puzzles[n]
  local rows, nodes = solve_sudoku(p)
  assert(valid(rows), "a valid solution")
  -- the givens are kept
  local flat = table.concat(rows)
  for i = 1, 81 do
    local ch = p:sub(i, i)
    assert(ch == "." or ch == flat:sub(i, i))
  end
  if n <= 2 then assert(flat == solved1, "the well-known solution") end
  print(string.format("sudoku %d: %s (%d nodes)", n, rows[1] .. "/" .. rows[9], nodes))
end

-- ---------------------------------------------------------------- subset sums
-- the number of subsets of {1..n} with sum s, by dynamic programming and by
-- backtracking: they must agree
local function subsets_dp(n, s)
  local ways = {[0] = 1}
  for k = 1, n do
    for t = s, k, -1 do ways[t] = (ways[t] or 0) + (ways[t - k] or 0) end
  end
  return ways[s] or 0
end
local function subsets_bt(n, s)
  if s == 0 then return 1 end
  if n == 0 or s < 0 then return 0 end
  return subsets_bt(n - 1, s - n) + subsets_bt(n - 1, s)
end
local n = N > 1 and 18 or 10
local target = n * (n + 1) // 4
local a, b = subsets_dp(n, target), subsets_bt(n, target)
assert(a == b)
print(string.format("subsets of 1..%d with sum %d: %d", n, target, a))
print("queens: ok")
