-- arith.lua: integer and float arithmetic of Lua 5.4 (64-bit integers,
-- double floats): wrap-around, floor division and modulo of negative
-- operands, bitwise operators, conversions, and a few number-theory kernels
-- (sieve, gcd, modular power, Fibonacci, Collatz, pi digits by a spigot).
-- Each result is checked against a value known independently (by hand or
-- by a second method) and printed.

local N = SCALE or 1

local function show(name, v)
  print(string.format("%-22s %s", name, tostring(v)))
end

-- ---------------------------------------------------------------- integers
assert(math.maxinteger == 0x7fffffffffffffff)
assert(math.mininteger == -0x8000000000000000)
assert(math.maxinteger + 1 == math.mininteger, "wrap-around")
assert(math.mininteger - 1 == math.maxinteger, "wrap-around")
assert(math.maxinteger * 2 == -2, "wrap-around of *")
show("maxinteger", math.maxinteger)
show("mininteger", math.mininteger)

-- floor division and modulo round toward minus infinity
local divcases = {
  {7, 3, 2, 1}, {-7, 3, -3, 2}, {7, -3, -3, -2}, {-7, -3, 2, -1},
  {0, 5, 0, 0}, {100, 7, 14, 2}, {-100, 7, -15, 5},
}
for _, c in ipairs(divcases) do
  local a, b, q, r = c[1], c[2], c[3], c[4]
  assert(a // b == q, string.format("%d // %d", a, b))
  assert(a % b == r, string.format("%d %% %d", a, b))
  assert(q * b + r == a)
  print(string.format("%4d // %2d = %3d   %4d %% %2d = %2d", a, b, q, a, b, r))
end
assert(math.mininteger // -1 == math.mininteger, "mininteger // -1 wraps")
assert(math.mininteger % -1 == 0)

-- float floor division
assert(7.5 // 2 == 3.0 and math.type(7.5 // 2) == "float")
assert(-7.5 // 2 == -4.0)
assert(5.25 % 2 == 1.25 and -5.25 % 2 == 0.75)
show("7.5 // 2", 7.5 // 2)
show("-5.25 % 2", -5.25 % 2)

-- bitwise operators on 64-bit integers
assert(0xF0 | 0x0F == 0xFF)
assert(0xF0 & 0x3C == 0x30)
assert(0xF0 ~ 0x3C == 0xCC)
assert(~0 == -1)
assert(1 << 63 == math.mininteger)
assert(1 << 64 == 0 and -1 >> 63 == 1 and -1 >> 64 == 0)
assert(3 << -1 == 1, "negative shift is a shift the other way")
show("0xdeadbeef << 4", string.format("0x%x", 0xdeadbeef << 4))
show("-1 >> 60", -1 >> 60)

local function popcount(x)
  local c = 0
  while x ~= 0 do
    x = x & (x - 1)
    c = c + 1
  end
  return c
end
assert(popcount(0) == 0 and popcount(-1) == 64 and popcount(0x5555) == 8)
show("popcount(0x123456789)", popcount(0x123456789))

-- ---------------------------------------------------------------- conversions
assert(math.type(1) == "integer" and math.type(1.0) == "float" and math.type("1") == nil)
assert(math.tointeger(3.0) == 3 and math.tointeger(3.5) == nil)
assert(3 == 3.0 and "10" + 0 == 10 and "0x10" + 0 == 16 and "1e2" + 0 == 100.0)
assert(tostring(10 // 1) == "10" and tostring(10 / 1) == "10.0")
assert(tostring(-0.0) == "-0.0")
assert(tostring(1e15) == "1e+15" and tostring(2^53) == "9.007199254741e+15")
assert(tostring(0.1) == "0.1" and tostring(1/3) == "0.33333333333333")
assert(string.format("%.3f", 2/3) == "0.667")
assert(math.floor(-3.5) == -4 and math.ceil(-3.5) == -3)
assert(math.floor(3.7) == 3 and math.type(math.floor(3.7)) == "integer")
assert(math.abs(math.mininteger) == math.mininteger)
assert(math.fmod(7, 3) == 1 and math.fmod(-7, 3) == -1, "fmod truncates")
assert(math.ult(1, -1) and not math.ult(-1, 1))
assert(tonumber("  42  ") == 42 and tonumber("z", 36) == 35 and tonumber("ff", 16) == 255)
assert(tonumber("1e") == nil and tonumber("") == nil and tonumber("0x1p4") == 16.0)
assert(string.format("%d", 3.0) == "3")
assert(not pcall(string.format, "%d", 3.5), "3.5 has no integer representation")
assert(2^63 == math.maxinteger + 1.0)
assert(math.tointeger(2^53) == 9007199254740992)
assert(2^53 + 1 == 2^53, "float rounding")
assert(9007199254740993 ~= 2^53, "integers compare exactly with floats")
assert(9007199254740993 > 2^53)
show("3 / 2", 3 / 2)
show("2^10", 2^10)
show("1e308 * 10 > 1e308", 1e308 * 10 > 1e308)
show("0.1 + 0.2", 0.1 + 0.2)
show("0.1 + 0.2 == 0.3", 0.1 + 0.2 == 0.3)
show("100 / 7", 100 / 7)
show("-2^63 == mininteger", -2^63 == math.mininteger)
show("string.format %g", string.format("%g %g %g", 1e20, 0.0001, 123456789))
show("string.format %.10f", string.format("%.10f", 22 / 7))
show("string.format %e", string.format("%.4e", 6.02214076e23))

-- square root by Newton's method against math.sqrt (exactly rounded)
local function newton_sqrt(x)
  local r = x
  for _ = 1, 60 do
    local nr = 0.5 * (r + x / r)
    if nr == r then break end
    r = nr
  end
  return r
end
for _, x in ipairs({2, 3, 10, 1e6, 12345.678}) do
  local a, b = newton_sqrt(x), math.sqrt(x)
  assert(math.abs(a - b) <= 1e-12 * b, x)
end
show("sqrt(2)", string.format("%.12f", math.sqrt(2)))

-- ---------------------------------------------------------------- number theory
-- sieve of Eratosthenes
local function sieve(n)
  local composite = {}
  local count = 0
  for i = 2, n do
    if not composite[i] then
      count = count + 1
      for j = i * i, n, i do composite[j] = true end
    end
  end
  return count
end
-- pi(x) for a few x (known values)
local pi_of = {[100] = 25, [200] = 46, [1000] = 168, [4000] = 550}
assert(sieve(100) == 25)
local limit = 200 * N
local primes = sieve(limit)
if pi_of[limit] then assert(primes == pi_of[limit]) end
show("pi(" .. limit .. ")", primes)

local function gcd(a, b)
  while b ~= 0 do a, b = b, a % b end
  return a
end
assert(gcd(48, 18) == 6 and gcd(17, 5) == 1 and gcd(0, 9) == 9)
-- gcd(F(n), F(m)) = F(gcd(n, m)) for Fibonacci numbers
local fib = {[0] = 0, 1}
for i = 2, 92 do fib[i] = fib[i - 1] + fib[i - 2] end
assert(fib[92] == 7540113804746346429, "F(92), the largest in 64 bits")
for n = 1, math.min(20 * N, 92) do
  for m = 1, 20, 7 do
    assert(gcd(fib[n], fib[m]) == fib[gcd(n, m)])
  end
end
show("F(92)", fib[92])

-- modular exponentiation without overflow (operands below 2^31)
local function powmod(b, e, m)
  local r = 1
  b = b % m
  while e > 0 do
    if e & 1 == 1 then r = r * b % m end
    b = b * b % m
    e = e >> 1
  end
  return r
end
local P = 2147483647 -- the Mersenne prime 2^31 - 1
for a = 2, 3 + N do assert(powmod(a, P - 1, P) == 1, "Fermat") end
assert(powmod(3, 200, 1000) == 1, "3^100 = 1 mod 1000 (Carmichael lambda(1000) = 100)")
assert(powmod(2, 10, 1000) == 24)
show("7^123456 mod P", powmod(7, 123456, P))

-- Collatz: the longest chain below a limit starts at the last record holder
-- below it (OEIS A006877, with its step counts A006878)
local function collatz_len(n)
  local steps = 0
  while n ~= 1 do
    if n % 2 == 0 then n = n // 2 else n = 3 * n + 1 end
    steps = steps + 1
  end
  return steps
end
assert(collatz_len(27) == 111)
local records = {{1, 0}, {2, 1}, {3, 7}, {6, 8}, {7, 16}, {9, 19}, {18, 20}, {25, 23},
  {27, 111}, {54, 112}, {73, 115}, {97, 118}, {129, 121}, {171, 124}, {231, 127},
  {313, 130}, {327, 143}, {649, 144}, {703, 170}, {871, 178}, {1161, 181},
  {2223, 182}, {2463, 208}, {2919, 216}, {3711, 237}, {6171, 261}}
local best, bestn = 0, 0
local climit = 50 * N
for n = 1, climit - 1 do
  local l = collatz_len(n)
  if l > best then best, bestn = l, n end
end
if climit <= 6171 then
  local r
  for _, rec in ipairs(records) do if rec[1] < climit then r = rec end end
  assert(bestn == r[1] and best == r[2], "Collatz record below " .. climit)
end
show("longest Collatz start", bestn .. " (" .. best .. " steps)")

-- digits of pi by Rabinowitz and Wagon's spigot, in integers
local function pi_digits(n)
  local len = n * 10 // 3 + 1
  local a = {}
  for i = 1, len do a[i] = 2 end
  local out, nines, predigit = {}, 0, 0
  for _ = 1, n do
    local q = 0
    for i = len, 1, -1 do
      local x = 10 * a[i] + q * i
      a[i] = x % (2 * i - 1)
      q = x // (2 * i - 1)
    end
    a[1] = q % 10
    q = q // 10
    if q == 9 then
      nines = nines + 1
    elseif q == 10 then
      out[#out + 1] = tostring(predigit + 1)
      for _ = 1, nines do out[#out + 1] = "0" end
      predigit, nines = 0, 0
    else
      out[#out + 1] = tostring(predigit)
      predigit = q
      for _ = 1, nines do out[#out + 1] = "9" end
      nines = 0
    end
  end
  out[#out + 1] = tostring(predigit)
  return table.concat(out):sub(2)
end
local pd = pi_digits(12 + 2 * N)
assert(pd:sub(1, 10) == "3141592653")
show("pi", pd:sub(1, 1) .. "." .. pd:sub(2, 10))
print("arith: ok")
