-- Workload of traces/real/lua-objects: closures, metatables, iterators, string patterns.
-- (No coroutines: their longjmp-based yield crashes programs under uftrace's -pg hooks.)
local Account = {}
Account.__index = Account
function Account.new(b) return setmetatable({balance = b, log = {}}, Account) end
function Account:deposit(v) self.balance = self.balance + v; self.log[#self.log + 1] = v end
local accts = {}
for i = 1, 50 do accts[i] = Account.new(i) end
local function gen_iter()
  local i = 0
  return function() i = i + 1; return i % 50 + 1, i end
end
local gen = gen_iter()
for _ = 1, 300 do local k, v = gen(); accts[k]:deposit(v) end
local counters = {}
local function counter(name)
  local n = 0
  return function() n = n + 1; counters[name] = n; return n end
end
local c1, c2 = counter("a"), counter("b")
for i = 1, 200 do if i % 3 == 0 then c1() else c2() end end
local text = string.rep("the quick brown fox jumps over the lazy dog ", 20)
local n = select(2, text:gsub("(%w+)", function(w) return w:upper() end))
local total = 0
for _, a in ipairs(accts) do total = total + a.balance end
print(total, n, counters.a, counters.b)
