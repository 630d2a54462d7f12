-- life.lua: Conway's Game of Life on a torus, with rows as strings: a
-- glider (which must come back shifted by one cell diagonally every four
-- generations), a blinker (period 2), and a random soup whose live-cell
-- counts are printed.

local N = SCALE or 1

local function new_grid(w, h, fill)
  local g = {w = w, h = h}
  for y = 1, h do
    local row = {}
    for x = 1, w do row[x] = fill and fill(x, y) or 0 end
    g[y] = row
  end
  return g
end

local function from_strings(w, h, rows, ox, oy)
  return new_grid(w, h, function(x, y)
    local r = rows[y - oy]
    if r and x - ox >= 1 and x - ox <= #r and r:sub(x - ox, x - ox) == "#" then return 1 end
    return 0
  end)
end

local function step(g)
  local w, h = g.w, g.h
  local n = new_grid(w, h)
  for y = 1, h do
    local up, row, down = g[(y - 2) % h + 1], g[y], g[y % h + 1]
    local nrow = n[y]
    for x = 1, w do
      local l, r = (x - 2) % w + 1, x % w + 1
      local s = up[l] + up[x] + up[r] + row[l] + row[r] + down[l] + down[x] + down[r]
      if s == 3 or (s == 2 and row[x] == 1) then nrow[x] = 1 end
    end
  end
  return n
end

local function population(g)
  local c = 0
  for y = 1, g.h do for x = 1, g.w do c = c + g[y][x] end end
  return c
end

local function render(g)
  local lines = {}
  for y = 1, g.h do
    local chars = {}
    for x = 1, g.w do chars[x] = g[y][x] == 1 and "#" or "." end
    lines[y] = table.concat(chars)
  end
  return table.concat(lines, "\n")
end

-- the glider moves (+1, +1) every 4 generations
local glider = {".#.", "..#", "###"}
local g = from_strings(8, 6, glider, 1, 1)
local start = render(g)
for _ = 1, 4 do g = step(g) end
assert(render(g) == render(from_strings(8, 6, glider, 2, 2)), "glider moved by (1, 1)")
assert(population(g) == 5)
print(start)
print("after 4 generations:")
print(render(g))

-- on the 8 x 6 torus it is back where it started after lcm(8, 6) = 24
-- moves of (1, 1), 96 generations (from SCALE 2 on)
if N > 1 then
  local g2 = from_strings(8, 6, glider, 1, 1)
  for _ = 1, 96 do g2 = step(g2) end
  assert(render(g2) == start, "glider lap")
  print("glider lap: ok")
end

-- the blinker has period 2
local b = from_strings(5, 5, {"###"}, 1, 2)
local b1 = step(b)
assert(render(b1) ~= render(b) and render(step(b1)) == render(b))
print("blinker:")
print(render(b1))

-- a random soup
local seed = 2024
local function rnd()
  seed = (seed * 6364136223846793005 + 1442695040888963407)
  return (seed >> 33) & 0x7fffffff
end
local soup = new_grid(10, 6, function() return rnd() % 3 == 0 and 1 or 0 end)
local pops = {population(soup)}
for _ = 1, N do
  soup = step(soup)
  pops[#pops + 1] = population(soup)
end
print("soup populations: " .. table.concat(pops, " "))
print(render(soup):sub(1, 11 * 3 - 1))
print("life: ok")
