-- nbody.lua: the n-body benchmark (double-precision floats, sqrt, tables as
-- records): the Jovian planets around the Sun, integrated with a
-- symplectic Euler step of 0.01 days. Prints the energy before and after,
-- to nine decimals as the benchmark does. The published values: -0.169075164
-- at the start, -0.169087605 after 1000 steps.

local N = SCALE or 1

local sqrt = math.sqrt
local PI = 3.141592653589793
local SOLAR_MASS = 4 * PI * PI
local DAYS_PER_YEAR = 365.24

local function body(x, y, z, vx, vy, vz, mass)
  return {x = x, y = y, z = z,
          vx = vx * DAYS_PER_YEAR, vy = vy * DAYS_PER_YEAR, vz = vz * DAYS_PER_YEAR,
          mass = mass * SOLAR_MASS}
end

local bodies = {
  body(0, 0, 0, 0, 0, 0, 1), -- the Sun
  body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
       1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
       9.54791938424326609e-04), -- Jupiter
  body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
       -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
       2.85885980666130812e-04), -- Saturn
  body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
       2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
       4.36624404335156298e-05), -- Uranus
  body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
       2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
       5.15138902046611451e-05), -- Neptune
}

local function advance(bs, nbody, dt)
  for i = 1, nbody do
    local bi = bs[i]
    local bix, biy, biz, bimass = bi.x, bi.y, bi.z, bi.mass
    local bivx, bivy, bivz = bi.vx, bi.vy, bi.vz
    for j = i + 1, nbody do
      local bj = bs[j]
      local dx, dy, dz = bix - bj.x, biy - bj.y, biz - bj.z
      local d2 = dx * dx + dy * dy + dz * dz
      local mag = sqrt(d2)
      mag = dt / (mag * d2)
      local bm = bj.mass * mag
      bivx = bivx - (dx * bm)
      bivy = bivy - (dy * bm)
      bivz = bivz - (dz * bm)
      bm = bimass * mag
      bj.vx = bj.vx + (dx * bm)
      bj.vy = bj.vy + (dy * bm)
      bj.vz = bj.vz + (dz * bm)
    end
    bi.vx, bi.vy, bi.vz = bivx, bivy, bivz
    bi.x = bix + dt * bivx
    bi.y = biy + dt * bivy
    bi.z = biz + dt * bivz
  end
end

local function energy(bs, nbody)
  local e = 0
  for i = 1, nbody do
    local bi = bs[i]
    local vx, vy, vz, bim = bi.vx, bi.vy, bi.vz, bi.mass
    e = e + (0.5 * bim * (vx * vx + vy * vy + vz * vz))
    for j = i + 1, nbody do
      local bj = bs[j]
      local dx, dy, dz = bi.x - bj.x, bi.y - bj.y, bi.z - bj.z
      e = e - ((bim * bj.mass) / sqrt(dx * dx + dy * dy + dz * dz))
    end
  end
  return e
end

local function offset_momentum(b, nbody)
  local px, py, pz = 0, 0, 0
  for i = 1, nbody do
    local bi = b[i]
    local bim = bi.mass
    px = px + (bi.vx * bim)
    py = py + (bi.vy * bim)
    pz = pz + (bi.vz * bim)
  end
  b[1].vx = -px / SOLAR_MASS
  b[1].vy = -py / SOLAR_MASS
  b[1].vz = -pz / SOLAR_MASS
end

local nb = #bodies
offset_momentum(bodies, nb)
local e0 = string.format("%0.9f", energy(bodies, nb))
assert(e0 == "-0.169075164")
print(e0)
-- SCALE 20 and more: 1000 steps or more, and the published energy after 1000
local steps = N >= 20 and 50 * N or 10 * N
for s = 1, steps do
  advance(bodies, nb, 0.01)
  if s == 1000 then
    local e1000 = string.format("%0.9f", energy(bodies, nb))
    assert(e1000 == "-0.169087605")
    print(e1000 .. " after 1000 steps")
  end
end
local e = energy(bodies, nb)
assert(math.abs(e - energy(bodies, nb)) == 0)
print(string.format("%0.9f after %d steps", e, steps))
local px = 0
for i = 1, nb do px = px + bodies[i].vx * bodies[i].mass end
assert(math.abs(px) < 1e-12, "momentum stays zero")
print("nbody: ok")
