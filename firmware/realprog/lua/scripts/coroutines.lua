-- coroutines.lua: generators, producer/consumer pipelines, a round-robin
-- scheduler, permutations by a recursive generator, yields across pcall and
-- metamethods, coroutine.close and status values.

local N = SCALE or 1

-- ---------------------------------------------------------------- basics
local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  local d, e = coroutine.yield(c * 2)
  return d + e, "done"
end)
assert(coroutine.status(co) == "suspended")
local ok, v = coroutine.resume(co, 1, 2)
assert(ok and v == 3)
ok, v = coroutine.resume(co, 10)
assert(ok and v == 20)
local ok2, r1, r2 = coroutine.resume(co, 3, 4)
assert(ok2 and r1 == 7 and r2 == "done")
assert(coroutine.status(co) == "dead")
local ok3, msg = coroutine.resume(co)
assert(not ok3 and msg == "cannot resume dead coroutine")
print("basics", v, r1, r2, msg)

assert(not coroutine.isyieldable())
local main, ismain = coroutine.running()
assert(ismain and type(main) == "thread")
coroutine.wrap(function()
  assert(coroutine.isyieldable())
  local _, im = coroutine.running()
  assert(not im)
end)()

-- ---------------------------------------------------------------- generators
local function gen_range(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i) end
  end)
end
local function gen_map(f, g)
  return coroutine.wrap(function()
    for x in g do coroutine.yield(f(x)) end
  end)
end
local function gen_filter(p, g)
  return coroutine.wrap(function()
    for x in g do if p(x) then coroutine.yield(x) end end
  end)
end
local function take(n, g)
  local r = {}
  for x in g do
    r[#r + 1] = x
    if #r == n then break end
  end
  return r
end
local odd_squares = take(8, gen_filter(function(x) return x % 2 == 1 end,
  gen_map(function(x) return x * x end, gen_range(1000))))
assert(table.concat(odd_squares, " ") == "1 9 25 49 81 121 169 225")
print("pipeline", table.concat(odd_squares, " "))

-- primes by a chain of filter coroutines (one per prime found)
local function primes_upto(count)
  local function nat()
    return coroutine.wrap(function()
      local i = 2
      while true do coroutine.yield(i) i = i + 1 end
    end)
  end
  local function sieve_filter(p, g)
    return coroutine.wrap(function()
      for x in g do if x % p ~= 0 then coroutine.yield(x) end end
    end)
  end
  local out = {}
  local g = nat()
  for _ = 1, count do
    local p = g()
    out[#out + 1] = p
    g = sieve_filter(p, g)
  end
  return out
end
local ps = primes_upto(25 + math.min(N - 1, 20))
assert(ps[1] == 2 and ps[10] == 29 and ps[25] == 97)
print("coroutine sieve", #ps, ps[#ps])

-- ---------------------------------------------------------------- permutations
local function permgen(a, n)
  n = n or #a
  if n <= 1 then
    coroutine.yield(a)
  else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local function permutations(a)
  return coroutine.wrap(function() permgen(a) end)
end
local seen, count = {}, 0
for p in permutations({"a", "b", "c", "d"}) do
  local s = table.concat(p)
  assert(not seen[s], "each permutation once")
  seen[s] = true
  count = count + 1
end
assert(count == 24)
local firsts = {}
for p in permutations({1, 2, 3}) do firsts[#firsts + 1] = table.concat(p) end
print("permutations", count, table.concat(firsts, " "))

-- ---------------------------------------------------------------- producer / consumer
local function producer(items)
  return coroutine.create(function()
    for _, it in ipairs(items) do coroutine.yield(it) end
    return nil
  end)
end
local function receive(prod)
  local _, x = coroutine.resume(prod)
  return x
end
local words = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do words[#words + 1] = w end
local prod = producer(words)
local lens = {}
while true do
  local w = receive(prod)
  if not w then break end
  lens[#lens + 1] = #w
end
assert(table.concat(lens, "") == "355354343")
print("producer/consumer", table.concat(lens, ""))

-- ---------------------------------------------------------------- scheduler
-- tasks yield after each step; the scheduler runs them round robin and
-- records the interleaving
local log = {}
local function task(name, steps)
  return coroutine.create(function()
    for i = 1, steps do
      log[#log + 1] = name .. i
      coroutine.yield()
    end
  end)
end
local tasks = {task("A", 3), task("B", 1), task("C", 2)}
while #tasks > 0 do
  local nxt = {}
  for _, t in ipairs(tasks) do
    assert(coroutine.resume(t))
    if coroutine.status(t) ~= "dead" then nxt[#nxt + 1] = t end
  end
  tasks = nxt
end
assert(table.concat(log, " ") == "A1 B1 C1 A2 C2 A3")
print("scheduler", table.concat(log, " "))

-- ---------------------------------------------------------------- yields across pcall and metamethods
local t = setmetatable({}, {__index = function(_, k) return coroutine.yield(k) end})
local cm = coroutine.wrap(function()
  local okp, val = pcall(function() return t.answer + 1 end)
  assert(okp)
  return "got " .. val
end)
assert(cm() == "answer")
assert(cm(41) == "got 42")
print("yield in __index and pcall", "ok")

-- errors inside a coroutine come back to resume
local bad = coroutine.create(function() error({code = 7}) end)
local okb, e = coroutine.resume(bad)
assert(not okb and type(e) == "table" and e.code == 7)
-- close a suspended coroutine: its pending to-be-closed variable is closed
local closed = false
local cc = coroutine.create(function()
  local res <close> = setmetatable({}, {__close = function() closed = true end})
  coroutine.yield(1)
end)
coroutine.resume(cc)
assert(coroutine.status(cc) == "suspended")
assert(coroutine.close(cc) and closed and coroutine.status(cc) == "dead")
print("errors and close", e.code, closed)

-- ---------------------------------------------------------------- work loop
-- many coroutines passing tokens around a ring
local function ring(size, rounds)
  local cos = {}
  for i = 1, size do
    cos[i] = coroutine.create(function(tok)
      while true do tok = coroutine.yield(tok + i) end
    end)
  end
  local tok = 0
  for _ = 1, rounds do
    for i = 1, size do
      local _, nt = coroutine.resume(cos[i], tok)
      tok = nt
    end
  end
  return tok
end
local size, rounds = 20, 3 * N
local tok = ring(size, rounds)
assert(tok == rounds * size * (size + 1) // 2)
print("token ring", size, rounds, tok)
print("coroutines: ok")
