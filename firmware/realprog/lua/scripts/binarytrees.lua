-- binarytrees.lua: the binary-trees benchmark (allocation and recursion):
-- builds complete binary trees of several depths, counts their nodes, and
-- keeps one long-lived tree. A tree of depth d has 2^(d+1) - 1 nodes.

local N = SCALE or 1

local function bottom_up(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return {bottom_up(depth), bottom_up(depth)}
end

local function check(tree)
  if tree[1] then
    return 1 + check(tree[1]) + check(tree[2])
  end
  return 1
end

local mindepth = 2
local maxdepth = 5
if N > 1 then maxdepth = maxdepth + math.floor(math.log(N, 2) + 0.5) end
assert(check(bottom_up(0)) == 1 and check(bottom_up(3)) == 15)

local stretch = maxdepth + 1
local c = check(bottom_up(stretch))
assert(c == 2 ^ (stretch + 1) - 1)
print(string.format("stretch tree of depth %d\t check: %d", stretch, c))

local longlived = bottom_up(maxdepth)
for depth = mindepth, maxdepth, 2 do
  local iters = 2 ^ (maxdepth - depth + mindepth)
  local total = 0
  for _ = 1, iters do
    total = total + check(bottom_up(depth))
  end
  assert(total == iters * (2 ^ (depth + 1) - 1))
  print(string.format("%d\t trees of depth %d\t check: %d", iters, depth, total))
end
local lc = check(longlived)
assert(lc == 2 ^ (maxdepth + 1) - 1)
print(string.format("long lived tree of depth %d\t check: %d", maxdepth, lc))
print("binarytrees: ok")
