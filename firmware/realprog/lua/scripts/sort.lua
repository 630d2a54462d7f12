-- sort.lua: table.sort with comparators (multi-key records, descending,
-- by string length then text, case-insensitive), checked against our own
-- merge sort, heap sort and insertion sort; stable sorting by an index
-- tie-break; binary search; top-k selection. Every comparator is a strict
-- total order on its input, so the result does not depend on how
-- table.sort picks its pivots.

local N = SCALE or 1

-- a linear congruential generator: the same sequence everywhere
local seed = 42
local function rand(n)
  seed = (seed * 6364136223846793005 + 1442695040888963407)
  return ((seed >> 33) % n) + 1
end

local function is_sorted(t, lt)
  lt = lt or function(a, b) return a < b end
  for i = 2, #t do
    if lt(t[i], t[i - 1]) then return false end
  end
  return true
end

local function copy(t) local r = {} for i = 1, #t do r[i] = t[i] end return r end

-- ---------------------------------------------------------------- our own sorts
local function merge_sort(t, lt)
  local n = #t
  if n <= 1 then return copy(t) end
  local src, dst = copy(t), {}
  local width = 1
  while width < n do
    for lo = 1, n, 2 * width do
      local mid, hi = math.min(lo + width, n + 1), math.min(lo + 2 * width, n + 1)
      local i, j, k = lo, mid, lo
      while i < mid and j < hi do
        if lt(src[j], src[i]) then dst[k] = src[j] j = j + 1 else dst[k] = src[i] i = i + 1 end
        k = k + 1
      end
      while i < mid do dst[k] = src[i] i = i + 1 k = k + 1 end
      while j < hi do dst[k] = src[j] j = j + 1 k = k + 1 end
    end
    src, dst = dst, src
    width = width * 2
  end
  return src
end

local function heap_sort(t, lt)
  local a = copy(t)
  local n = #a
  local function sift(start, stop)
    local root = start
    while 2 * root <= stop do
      local child = 2 * root
      if child + 1 <= stop and lt(a[child], a[child + 1]) then child = child + 1 end
      if lt(a[root], a[child]) then
        a[root], a[child] = a[child], a[root]
        root = child
      else
        return
      end
    end
  end
  for start = n // 2, 1, -1 do sift(start, n) end
  for stop = n, 2, -1 do
    a[1], a[stop] = a[stop], a[1]
    sift(1, stop - 1)
  end
  return a
end

local function insertion_sort(t, lt)
  local a = copy(t)
  for i = 2, #a do
    local v, j = a[i], i - 1
    while j >= 1 and lt(v, a[j]) do a[j + 1] = a[j] j = j - 1 end
    a[j + 1] = v
  end
  return a
end

local function same(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

-- ---------------------------------------------------------------- integers
local nums = {}
for i = 1, 25 * N do nums[i] = rand(1000000) * 1000 + i end -- distinct
local asc = copy(nums)
table.sort(asc)
assert(is_sorted(asc))
local desc = copy(nums)
local gt = function(a, b) return a > b end
table.sort(desc, gt)
assert(is_sorted(desc, gt))
for i = 1, #asc do assert(asc[i] == desc[#desc + 1 - i]) end
local lt = function(a, b) return a < b end
assert(same(asc, merge_sort(nums, lt)) and same(asc, heap_sort(nums, lt)))
local small = {table.unpack(nums, 1, 20)}
local small_sorted = copy(small)
table.sort(small_sorted)
assert(same(small_sorted, insertion_sort(small, lt)))
print(string.format("integers: %d sorted, min %d, median %d, max %d", #asc, asc[1], asc[#asc // 2], asc[#asc]))

-- by the last digit, then by value (descending)
local bydigit = copy({table.unpack(nums, 1, 50)})
local digit_cmp = function(a, b)
  if a % 10 ~= b % 10 then return a % 10 < b % 10 end
  return a > b
end
table.sort(bydigit, digit_cmp)
assert(same(bydigit, merge_sort({table.unpack(nums, 1, 50)}, digit_cmp)))
local lastdigits = {}
for i = 1, 10 do lastdigits[i] = bydigit[i] % 10 end
print("by last digit: " .. table.concat(lastdigits, ""))

-- ---------------------------------------------------------------- records, several keys
local first = {"Ada", "Alan", "Barbara", "Claude", "Donald", "Edsger", "Frances", "Grace", "John", "Ken", "Leslie", "Niklaus"}
local depts = {"compilers", "theory", "systems", "languages"}
local people = {}
for i = 1, 8 * N do
  people[i] = {id = i, name = first[rand(#first)], dept = depts[rand(#depts)], age = 20 + rand(45), salary = 1000 * rand(90)}
end
local function by_dept_age_name(a, b)
  if a.dept ~= b.dept then return a.dept < b.dept end
  if a.age ~= b.age then return a.age > b.age end
  if a.name ~= b.name then return a.name < b.name end
  return a.id < b.id
end
local sorted = copy(people)
table.sort(sorted, by_dept_age_name)
local ms = merge_sort(people, by_dept_age_name)
for i = 1, #sorted do assert(sorted[i] == ms[i], "record order") end
for i = 1, 5 do
  local p = sorted[i]
  print(string.format("  %-10s %3d %-8s %6d  #%d", p.dept, p.age, p.name, p.salary, p.id))
end

-- group totals, printed in sorted key order
local totals, counts = {}, {}
for _, p in ipairs(people) do
  totals[p.dept] = (totals[p.dept] or 0) + p.salary
  counts[p.dept] = (counts[p.dept] or 0) + 1
end
local keys = {}
for k in pairs(totals) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do
  print(string.format("  %-10s n=%3d total=%8d mean=%.2f", k, counts[k], totals[k], totals[k] / counts[k]))
end

-- stable sort by one key: the original index breaks ties
local function stable_sort(t, key)
  local idx = {}
  for i = 1, #t do idx[i] = i end
  table.sort(idx, function(a, b)
    local ka, kb = key(t[a]), key(t[b])
    if ka ~= kb then return ka < kb end
    return a < b
  end)
  local r = {}
  for i = 1, #idx do r[i] = t[idx[i]] end
  return r
end
local by_name = stable_sort(people, function(p) return p.name end)
for i = 2, #by_name do
  local a, b = by_name[i - 1], by_name[i]
  assert(a.name < b.name or (a.name == b.name and a.id < b.id), "stable")
end
assert(same(by_name, insertion_sort(people, function(a, b) return a.name < b.name end)),
  "insertion sort is stable too")

-- ---------------------------------------------------------------- strings
local words = {}
local text = [[It was the best of times, it was the worst of times, it was the age of
wisdom, it was the age of foolishness, it was the epoch of belief, it was the epoch
of incredulity, it was the season of Light, it was the season of Darkness, it was
the spring of hope, it was the winter of despair]]
for w in text:gmatch("%a+") do words[#words + 1] = w end
local uniq, seen = {}, {}
for _, w in ipairs(words) do
  local lw = w:lower()
  if not seen[lw] then seen[lw] = true uniq[#uniq + 1] = w end
end
local by_len = copy(uniq)
table.sort(by_len, function(a, b)
  if #a ~= #b then return #a > #b end
  return a:lower() < b:lower()
end)
print("by length: " .. table.concat(by_len, " ", 1, 8))
local ci = copy(uniq)
table.sort(ci, function(a, b) return a:lower() < b:lower() end)
assert(same(ci, heap_sort(uniq, function(a, b) return a:lower() < b:lower() end)))
print("case-insensitive: " .. table.concat(ci, " ", 1, 10))
-- word frequencies, most frequent first, ties alphabetical
local freq = {}
for _, w in ipairs(words) do freq[w:lower()] = (freq[w:lower()] or 0) + 1 end
local fl = {}
for w, c in pairs(freq) do fl[#fl + 1] = {w, c} end
table.sort(fl, function(a, b) if a[2] ~= b[2] then return a[2] > b[2] end return a[1] < b[1] end)
local top = {}
for i = 1, 6 do top[i] = fl[i][1] .. "=" .. fl[i][2] end
assert(fl[1][1] == "it" and fl[1][2] == 10 and fl[2][1] == "of")
print("frequencies: " .. table.concat(top, " "))

-- ---------------------------------------------------------------- binary search, top k
local function bsearch(t, v)
  local lo, hi = 1, #t
  while lo <= hi do
    local mid = (lo + hi) // 2
    if t[mid] == v then return mid elseif t[mid] < v then lo = mid + 1 else hi = mid - 1 end
  end
  return nil
end
for i = 1, #asc, 7 do assert(bsearch(asc, asc[i]) == i) end
assert(bsearch(asc, -1) == nil and bsearch(asc, asc[#asc] + 1) == nil)

local function top_k(t, k)
  -- a min-heap of size k
  local h = {}
  local function up(i)
    while i > 1 and h[i] < h[i // 2] do h[i], h[i // 2] = h[i // 2], h[i] i = i // 2 end
  end
  local function down(i)
    while true do
      local s, l, r = i, 2 * i, 2 * i + 1
      if l <= #h and h[l] < h[s] then s = l end
      if r <= #h and h[r] < h[s] then s = r end
      if s == i then return end
      h[i], h[s] = h[s], h[i]
      i = s
    end
  end
  for _, v in ipairs(t) do
    if #h < k then h[#h + 1] = v up(#h)
    elseif v > h[1] then h[1] = v down(1) end
  end
  table.sort(h, gt)
  return h
end
local t5 = top_k(nums, 5)
for i = 1, 5 do assert(t5[i] == desc[i]) end
print("top 5: " .. table.concat(t5, " "))

-- sorting errors are reported
local ok, err = pcall(table.sort, {3, 1, "x"})
assert(not ok and err:find("attempt to compare"))
print("sort error: " .. err)
print("sort: ok")
