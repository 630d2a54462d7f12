-- mandelbrot.lua: the Mandelbrot set as ASCII art (float arithmetic and
-- comparisons only; nothing printed depends on rounding of the last digit),
-- and the count of points inside, in float and in fixed-point integer
-- arithmetic, which must agree away from the boundary.

local N = SCALE or 1

local W, H = 20, 8
local MAXIT = 16
local shades = " .:-=+*#%@"

local function iterations(cr, ci, maxit)
  local zr, zi = 0.0, 0.0
  for i = 1, maxit do
    local zr2, zi2 = zr * zr, zi * zi
    if zr2 + zi2 > 4.0 then return i end
    zi = 2.0 * zr * zi + ci
    zr = zr2 - zi2 + cr
  end
  return maxit + 1
end

local rows, inside = {}, 0
for y = 0, H - 1 do
  local ci = -1.2 + 2.4 * y / (H - 1)
  local line = {}
  for x = 0, W - 1 do
    local cr = -2.1 + 2.8 * x / (W - 1)
    local it = iterations(cr, ci, MAXIT)
    if it > MAXIT then
      inside = inside + 1
      line[#line + 1] = "@"
    else
      local k = (it - 1) * (#shades - 1) // MAXIT + 1
      line[#line + 1] = shades:sub(k, k)
    end
  end
  rows[#rows + 1] = table.concat(line)
end
print(table.concat(rows, "\n"))
print("points inside: " .. inside)

-- known points: the origin and -1 are inside, 1 and 0.5 + 0.5i are outside
assert(iterations(0, 0, 100) == 101 and iterations(-1, 0, 100) == 101)
assert(iterations(1, 0, 100) == 4, "0, 1, 2, 5: |z|^2 > 4 at the 4th step")
assert(iterations(-0.75, 0.1, 1000) < 1000, "near the neck it escapes, slowly")

-- fixed-point integers (2^24 scale) at a finer grid: count the points
-- inside and compare with floats at the same grid points
local SHIFT = 24
local ONE = 1 << SHIFT
local function iterations_fixed(cr, ci, maxit)
  local zr, zi = 0, 0
  for i = 1, maxit do
    -- // ONE, not >> SHIFT: Lua's >> is a logical shift
    local zr2, zi2 = (zr * zr) // ONE, (zi * zi) // ONE
    if zr2 + zi2 > 4 * ONE then return i end
    zi = (2 * zr * zi) // ONE + ci
    zr = zr2 - zi2 + cr
  end
  return maxit + 1
end
local gw, gh = 2 * N, 2
local agree, total, infix = 0, 0, 0
for y = 0, gh - 1 do
  for x = 0, gw - 1 do
    -- dyadic grid points, exact in both representations
    local cr_i = -2 * ONE + (x * 5 * ONE) // (gw * 2)
    local ci_i = -ONE + (y * 2 * ONE) // gh
    local f = iterations(cr_i / ONE, ci_i / ONE, 16)
    local q = iterations_fixed(cr_i, ci_i, 16)
    total = total + 1
    if (f > 16) == (q > 16) then agree = agree + 1 end
    if q > 16 then infix = infix + 1 end
  end
end
assert(agree >= total - total // 50, "fixed point agrees with float almost everywhere")
print(string.format("fixed-point grid %dx%d: %d inside, float agrees on %d", gw, gh, infix, agree))
print("mandelbrot: ok")
