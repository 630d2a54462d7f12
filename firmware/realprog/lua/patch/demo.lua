-- The service loop of the patch-module demo (firmware/realprog/lua/patch/demo.c,
-- docs/patching.md "Demo: fixing Lua while it runs"). Each line prints i / 2,
-- a float: Lua writes a float with an integral value with ".0" ("1.0"), which
-- the base image's lobject.c (float-suffix-bug.patch) forgets. service() is
-- the driver's C function that asks the host for a patch module.
for i = 1, ITERATIONS do
  service()
  local half = i / 2
  print("line " .. i .. ": half " .. half .. " (" .. math.type(half) .. ")")
end
