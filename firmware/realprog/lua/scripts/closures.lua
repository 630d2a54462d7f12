-- closures.lua: first-class functions and upvalues: counters that share or
-- own their state, memoization, composition, currying, varargs, recursion
-- through upvalues, iterators built from closures, and a tiny
-- continuation-passing interpreter.

local N = SCALE or 1

-- ---------------------------------------------------------------- counters
local function counter(start, step)
  local n = start
  return function()
    n = n + step
    return n
  end
end
local c1, c2 = counter(0, 1), counter(100, -10)
for _ = 1, 5 do c1() end
assert(c1() == 6 and c2() == 90 and c2() == 80)
print("counters", c1(), c2())

-- two closures over one upvalue see each other's writes
local function account(balance)
  local function deposit(v) balance = balance + v return balance end
  local function withdraw(v)
    if v > balance then error("insufficient funds") end
    balance = balance - v
    return balance
  end
  local function get() return balance end
  return deposit, withdraw, get
end
local dep, wd, get = account(50)
dep(25)
wd(30)
assert(get() == 45)
local ok, err = pcall(wd, 100)
assert(not ok and err:find("insufficient funds"), err)
print("account", get(), err)

-- each loop iteration gets a fresh local: closures capture distinct values
local fns = {}
for i = 1, 5 do fns[i] = function() return i * i end end
local sq = {}
for i = 1, 5 do sq[i] = fns[i]() end
assert(table.concat(sq, ",") == "1,4,9,16,25")
print("loop captures", table.concat(sq, ","))

-- a while loop's single local is shared by all closures made in it
local shared = {}
do
  local j = 0
  while j < 3 do
    j = j + 1
    shared[j] = function() return j end
  end
end
assert(shared[1]() == 3 and shared[3]() == 3)

-- ---------------------------------------------------------------- memoization
local calls = 0
local function memoize(f)
  local cache = {}
  return function(n)
    local v = cache[n]
    if v == nil then
      v = f(n)
      cache[n] = v
    end
    return v
  end
end
local fib
fib = memoize(function(n)
  calls = calls + 1
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end)
assert(fib(80) == 23416728348467685)
assert(calls == 81, "each value computed once")
print("memo fib(80)", fib(80), "calls", calls)

-- ---------------------------------------------------------------- composition, currying
local function compose(...)
  local fs = table.pack(...)
  return function(...)
    local r = table.pack(...)
    for i = fs.n, 1, -1 do r = table.pack(fs[i](table.unpack(r, 1, r.n))) end
    return table.unpack(r, 1, r.n)
  end
end
local inc = function(x) return x + 1 end
local dbl = function(x) return x * 2 end
local sqr = function(x) return x * x end
assert(compose(inc, dbl, sqr)(3) == 19)  -- inc(dbl(sqr(3)))
assert(compose(sqr, dbl, inc)(3) == 64)  -- sqr(dbl(inc(3)))
print("compose", compose(inc, dbl, sqr)(3), compose(sqr, dbl, inc)(3))

local function curry(f, n)
  n = n or 2
  local function acc(args, k)
    return function(x)
      local a = {table.unpack(args)}
      a[#a + 1] = x
      if k == 1 then return f(table.unpack(a)) end
      return acc(a, k - 1)
    end
  end
  return acc({}, n)
end
local add3 = curry(function(a, b, c) return a * 100 + b * 10 + c end, 3)
assert(add3(1)(2)(3) == 123)
local partial = add3(9)(8)
assert(partial(7) == 987 and partial(1) == 981)
print("curry", add3(1)(2)(3), partial(7))

-- ---------------------------------------------------------------- varargs
local function count_nils(...)
  local n = select("#", ...)
  local nils = 0
  for i = 1, n do
    if select(i, ...) == nil then nils = nils + 1 end
  end
  return n, nils
end
local n, nils = count_nils(1, nil, 3, nil, nil)
assert(n == 5 and nils == 3)
assert(select(-1, "a", "b", "c") == "c")
assert(select("#") == 0)
local function pass(...) return ... end
assert(select("#", pass(1, nil, nil)) == 3)
print("varargs", n, nils, select(2, "a", "b", "c"))

-- ---------------------------------------------------------------- higher-order utilities
local function map(f, t) local r = {} for i = 1, #t do r[i] = f(t[i]) end return r end
local function filter(p, t) local r = {} for i = 1, #t do if p(t[i]) then r[#r + 1] = t[i] end end return r end
local function reduce(f, acc, t) for i = 1, #t do acc = f(acc, t[i]) end return acc end
local function range(a, b) local r = {} for i = a, b do r[#r + 1] = i end return r end

local evens = filter(function(x) return x % 2 == 0 end, range(1, 20))
local squares = map(sqr, evens)
local sum = reduce(function(a, b) return a + b end, 0, squares)
assert(sum == 1540)  -- 4 * (1^2 + ... + 10^2) = 4 * 385
print("map/filter/reduce", #evens, sum)

-- ---------------------------------------------------------------- closure iterators
local function chars(s)
  local i = 0
  return function()
    i = i + 1
    if i <= #s then return i, s:sub(i, i) end
  end
end
local rev = {}
for i, ch in chars("closure") do rev[8 - i] = ch end
assert(table.concat(rev) == "erusolc")

local function fib_iter(limit)
  local a, b = 0, 1
  return function()
    if a > limit then return nil end
    local r = a
    a, b = b, a + b
    return r
  end
end
local fibs = {}
for v in fib_iter(100) do fibs[#fibs + 1] = v end
assert(table.concat(fibs, " ") == "0 1 1 2 3 5 8 13 21 34 55 89")
print("iterators", table.concat(rev), #fibs)

-- ---------------------------------------------------------------- recursion through upvalues
local function y(f)
  return function(...)
    local function rec(...) return f(rec, ...) end
    return rec(...)
  end
end
local fact = y(function(self, k) if k <= 1 then return 1 end return k * self(k - 1) end)
assert(fact(20) == 2432902008176640000)
local ack
ack = function(m, k)
  if m == 0 then return k + 1 end
  if k == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, k - 1))
end
assert(ack(2, 3) == 9 and ack(3, 2) == 29)
print("recursion", fact(20), ack(3, 2))

-- ---------------------------------------------------------------- a CPS evaluator
-- expressions are nested tables; eval passes each result to a continuation
local function eval(e, env, k)
  local t = e[1]
  if t == "num" then return k(e[2])
  elseif t == "var" then return k(env[e[2]])
  elseif t == "add" or t == "mul" or t == "sub" then
    return eval(e[2], env, function(a)
      return eval(e[3], env, function(b)
        if t == "add" then return k(a + b) elseif t == "mul" then return k(a * b) end
        return k(a - b)
      end)
    end)
  elseif t == "let" then
    return eval(e[3], env, function(v)
      local env2 = setmetatable({[e[2]] = v}, {__index = env})
      return eval(e[4], env2, k)
    end)
  end
  error("bad expression " .. tostring(t))
end
local expr = {"let", "x", {"num", 6},
  {"let", "y", {"mul", {"var", "x"}, {"num", 7}},
    {"sub", {"add", {"var", "y"}, {"var", "x"}}, {"num", 5}}}}
local v = eval(expr, {}, function(r) return r end)
assert(v == 43)
print("cps eval", v)

-- ---------------------------------------------------------------- work loop
-- many short-lived closures: a pipeline of adders applied to a range
local total = 0
for round = 1, 3 * N do
  local adders = {}
  for i = 1, 50 do
    local d = (round * i) % 17
    adders[i] = function(x) return x + d end
  end
  local x = 0
  for i = 1, 50 do x = adders[i](x) end
  total = total + x
end
local expect = 0
for round = 1, 3 * N do
  for i = 1, 50 do expect = expect + (round * i) % 17 end
end
assert(total == expect)
print("closure pipeline", total)
print("closures: ok")
