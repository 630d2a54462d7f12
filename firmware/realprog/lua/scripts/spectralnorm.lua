-- spectralnorm.lua: the spectral-norm benchmark (float loops and calls): the
-- largest singular value of the infinite matrix A(i, j) = 1 / ((i + j) *
-- (i + j + 1) / 2 + i + 1), by ten rounds of the power method on its n x n
-- corner. The published value for n = 100 is 1.274219991; the estimate
-- grows towards it with n (n = 100 would take about 400 M instructions on
-- ctsim, in soft floating point: n stays small).

local N = SCALE or 1

local function A(i, j)
  local ij = i + j - 1
  return 1.0 / (ij * (ij - 1) * 0.5 + i)
end

local function Av(x, y, n)
  for i = 1, n do
    local a = 0
    for j = 1, n do a = a + x[j] * A(i, j) end
    y[i] = a
  end
end

local function Atv(x, y, n)
  for i = 1, n do
    local a = 0
    for j = 1, n do a = a + x[j] * A(j, i) end
    y[i] = a
  end
end

local function AtAv(x, y, t, n)
  Av(x, t, n)
  Atv(t, y, n)
end

local function spectral(n)
  local u, v, t = {}, {}, {}
  for i = 1, n do u[i] = 1 end
  for _ = 1, 10 do
    AtAv(u, v, t, n)
    AtAv(v, u, t, n)
  end
  local vBv, vv = 0, 0
  for i = 1, n do
    local ui, vi = u[i], v[i]
    vBv = vBv + ui * vi
    vv = vv + vi * vi
  end
  return math.sqrt(vBv / vv)
end

-- A's first entries by hand: A(1,1) = 1, A(1,2) = 1/2, A(2,1) = 1/3, A(2,2) = 1/5
assert(A(1, 1) == 1 and A(1, 2) == 0.5 and A(2, 1) == 1 / 3 and A(2, 2) == 0.2)
local prev = 0
local sizes = {2, 3}
if N > 1 then sizes[#sizes + 1] = 4 end
if N > 1 then sizes[#sizes + 1] = 8 end
if N >= 5 then sizes[#sizes + 1] = 16 end
if N >= 20 then sizes[#sizes + 1] = 32 end
for _, n in ipairs(sizes) do
  local s = spectral(n)
  assert(s > prev and s < 1.274219992, "the estimate grows towards the limit")
  prev = s
  print(string.format("n = %3d: %0.9f", n, s))
end
print("spectralnorm: ok")
