-- oop.lua: metatables and object-oriented Lua: classes with inheritance and
-- super calls, arithmetic and comparison metamethods on a vector and a
-- rational type, __index/__newindex proxies, __call, __len, __concat,
-- __close, read-only tables, and a small shape hierarchy dispatched by
-- method lookup. Objects print through their own __tostring, never by
-- address.

local N = SCALE or 1

-- ---------------------------------------------------------------- classes
local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, {__index = parent}) end
  c.new = function(...)
    local o = setmetatable({}, c)
    if o.init then o:init(...) end
    return o
  end
  c.super = parent
  return c
end

local Animal = class()
function Animal:init(name, sound) self.name, self.sound = name, sound end
function Animal:speak() return self.name .. " says " .. self.sound end
function Animal:kind() return "animal" end

local Dog = class(Animal)
function Dog:init(name, tricks)
  Dog.super.init(self, name, "woof")
  self.tricks = tricks or {}
end
function Dog:kind() return "dog, an " .. Dog.super.kind(self) end
function Dog:perform()
  local t = {}
  for i, tr in ipairs(self.tricks) do t[i] = self.name .. " " .. tr end
  return table.concat(t, "; ")
end

local Puppy = class(Dog)
function Puppy:speak() return Dog.speak(self) .. " (squeakily)" end

local rex = Dog.new("Rex", {"sits", "rolls over"})
local bit = Puppy.new("Bit", {"chews"})
local cat = Animal.new("Tom", "meow")
assert(rex:speak() == "Rex says woof" and cat:speak() == "Tom says meow")
assert(bit:speak() == "Bit says woof (squeakily)")
assert(bit:kind() == "dog, an animal" and getmetatable(bit) == Puppy)
print(rex:speak(), bit:speak(), cat:speak())
print(rex:perform(), "|", bit:kind())

-- ---------------------------------------------------------------- a vector type
local Vec = {}
Vec.__index = Vec
local function vec(x, y, z) return setmetatable({x = x, y = y, z = z}, Vec) end
Vec.__add = function(a, b) return vec(a.x + b.x, a.y + b.y, a.z + b.z) end
Vec.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y, a.z - b.z) end
Vec.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y, a * b.z) end
  if type(b) == "number" then return vec(b * a.x, b * a.y, b * a.z) end
  return a.x * b.x + a.y * b.y + a.z * b.z -- dot product
end
Vec.__unm = function(a) return vec(-a.x, -a.y, -a.z) end
Vec.__eq = function(a, b) return a.x == b.x and a.y == b.y and a.z == b.z end
Vec.__len = function(a) return math.sqrt(a * a) end
Vec.__tostring = function(a) return string.format("(%g, %g, %g)", a.x, a.y, a.z) end
Vec.__concat = function(a, b) return tostring(a) .. tostring(b) end
function Vec:cross(b)
  return vec(self.y * b.z - self.z * b.y, self.z * b.x - self.x * b.z, self.x * b.y - self.y * b.x)
end

local i, j, k = vec(1, 0, 0), vec(0, 1, 0), vec(0, 0, 1)
assert(i:cross(j) == k and j:cross(k) == i and k:cross(i) == j)
assert(i + j ~= k and (i + j) * (i - j) == 0)
assert(#vec(3, 4, 12) == 13 and -(2 * i) == vec(-2, 0, 0))
print(tostring(i + j + k), #vec(3, 4, 12), "v=" .. (i * 3), i .. j)

-- ---------------------------------------------------------------- rationals
local Rat = {}
Rat.__index = Rat
local function gcd(a, b) while b ~= 0 do a, b = b, a % b end return math.abs(a) end
local function rat(n, d)
  d = d or 1
  if d == 0 then error("zero denominator", 2) end
  if d < 0 then n, d = -n, -d end
  local g = gcd(n, d)
  return setmetatable({n = n // g, d = d // g}, Rat)
end
local function lift(v) if getmetatable(v) == Rat then return v end return rat(v, 1) end
Rat.__add = function(a, b) a, b = lift(a), lift(b) return rat(a.n * b.d + b.n * a.d, a.d * b.d) end
Rat.__sub = function(a, b) a, b = lift(a), lift(b) return rat(a.n * b.d - b.n * a.d, a.d * b.d) end
Rat.__mul = function(a, b) a, b = lift(a), lift(b) return rat(a.n * b.n, a.d * b.d) end
Rat.__div = function(a, b) a, b = lift(a), lift(b) return rat(a.n * b.d, a.d * b.n) end
Rat.__idiv = function(a, b) local q = lift(a) / lift(b) return q.n // q.d end
Rat.__eq = function(a, b) return a.n == b.n and a.d == b.d end
Rat.__lt = function(a, b) a, b = lift(a), lift(b) return a.n * b.d < b.n * a.d end
Rat.__le = function(a, b) a, b = lift(a), lift(b) return a.n * b.d <= b.n * a.d end
Rat.__tostring = function(a) if a.d == 1 then return tostring(a.n) end return a.n .. "/" .. a.d end

-- harmonic numbers H(n) = 1 + 1/2 + ... + 1/n
local h = rat(0)
for n = 1, 20 do h = h + rat(1, n) end
assert(tostring(h) == "55835135/15519504")
assert(rat(1, 3) < rat(1, 2) and rat(2, 4) == rat(1, 2) and rat(3, 2) >= 1)
assert(rat(7, 2) // 1 == 3 and rat(-7, 2) // 1 == -4)
local ok, err = pcall(rat, 1, 0)
assert(not ok and err:find("zero denominator"))
-- sort rationals with the __lt metamethod
local rs = {rat(3, 7), rat(1, 2), rat(-2, 5), rat(5, 11), rat(2, 9), rat(4, 3)}
table.sort(rs)
local rstr = {}
for n, r in ipairs(rs) do rstr[n] = tostring(r) end
assert(table.concat(rstr, " ") == "-2/5 2/9 3/7 5/11 1/2 4/3")
print("H(20) = " .. tostring(h), table.concat(rstr, " "))

-- ---------------------------------------------------------------- proxies
-- a table that logs accesses and refuses unknown fields
local function strict(fields)
  local store, log = {}, {}
  for kk, v in pairs(fields) do store[kk] = v end
  local p = setmetatable({}, {
    __index = function(_, key)
      if store[key] == nil then error("no field '" .. tostring(key) .. "'", 2) end
      log[#log + 1] = "get " .. key
      return store[key]
    end,
    __newindex = function(_, key, v)
      if store[key] == nil then error("cannot add field '" .. tostring(key) .. "'", 2) end
      log[#log + 1] = "set " .. key
      store[key] = v
    end,
  })
  return p, log
end
local cfg, log = strict({entries = 64, ways = 4})
cfg.ways = cfg.ways * 2
local okr, e1 = pcall(function() return cfg.policy end)
local okw, e2 = pcall(function() cfg.policy = "lru" end)
assert(not okr and not okw and cfg.ways == 8)
assert(table.concat(log, ",") == "get ways,set ways,get ways")
print(table.concat(log, ","), e1, e2)

-- read-only view
local function readonly(t)
  return setmetatable({}, {__index = t, __newindex = function() error("read-only table", 2) end,
                           __len = function() return #t end})
end
local days = readonly({"Mon", "Tue", "Wed"})
assert(#days == 3 and days[2] == "Tue" and not pcall(function() days[4] = "Thu" end))

-- __call: a function object with state
local Acc = setmetatable({total = 0}, {__call = function(self, v) self.total = self.total + v return self.total end})
for v = 1, 10 do Acc(v) end
assert(Acc.total == 55)

-- __close runs in reverse order when the block ends, also on errors
local closes = {}
local function closer(name) return setmetatable({}, {__close = function(_, errv)
  closes[#closes + 1] = name .. (errv and "!" or "")
end}) end
do
  local a <close> = closer("a")
  local b <close> = closer("b")
end
pcall(function()
  local c <close> = closer("c")
  error("boom")
end)
assert(table.concat(closes, " ") == "b a c!")
print("callable", Acc.total, "closes", table.concat(closes, " "))

-- inheritance of metamethods through __index does not happen: they are
-- looked up raw in the metatable
local Base = {__index = {hello = function() return "hi" end}}
local obj = setmetatable({}, Base)
assert(obj.hello() == "hi" and not pcall(function() return obj + 1 end))

-- ---------------------------------------------------------------- shapes
local Shape = class()
function Shape:init(name) self.name = name end
function Shape:describe() return string.format("%s area %.4f perimeter %.4f", self.name, self:area(), self:perimeter()) end
local Rect = class(Shape)
function Rect:init(w, hh) Shape.init(self, "rect " .. w .. "x" .. hh) self.w, self.h = w, hh end
function Rect:area() return self.w * self.h end
function Rect:perimeter() return 2 * (self.w + self.h) end
local Square = class(Rect)
function Square:init(s) Rect.init(self, s, s) self.name = "square " .. s end
local Circle = class(Shape)
function Circle:init(r) Shape.init(self, "circle " .. r) self.r = r end
function Circle:area() return math.pi * self.r * self.r end
function Circle:perimeter() return 2 * math.pi * self.r end
local Tri = class(Shape)
function Tri:init(a, b, c) Shape.init(self, "triangle " .. a .. "," .. b .. "," .. c) self.a, self.b, self.c = a, b, c end
function Tri:perimeter() return self.a + self.b + self.c end
function Tri:area()
  local s = self:perimeter() / 2
  return math.sqrt(s * (s - self.a) * (s - self.b) * (s - self.c))
end
local shapes = {Rect.new(3, 4), Square.new(5), Circle.new(1), Tri.new(3, 4, 5), Circle.new(2.5)}
table.sort(shapes, function(a, b) return a:area() < b:area() end)
for _, s in ipairs(shapes) do print(s:describe()) end
assert(Tri.new(3, 4, 5):area() == 6)

-- many objects through many dispatches
local sum = 0
for n = 1, 20 * N do
  local s
  local m = n % 4
  if m == 0 then s = Rect.new(n % 7 + 1, n % 5 + 1)
  elseif m == 1 then s = Square.new(n % 9 + 1)
  elseif m == 2 then s = Tri.new(3 * (n % 3 + 1), 4 * (n % 3 + 1), 5 * (n % 3 + 1))
  else s = Rect.new(1, n % 11 + 1) end
  sum = sum + s:area() + s:perimeter()
end
print("dispatch sum", sum)
print("oop: ok")
