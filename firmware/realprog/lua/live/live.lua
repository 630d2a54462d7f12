-- The service loop of the live-patch demo (firmware/realprog/lua/live/live.c,
-- docs/realprogs.md "Live patching Lua"). Every line converts three integers
-- to strings (the .. operator calls luaO_tostring for each), so the Nth
-- conversion is on line (N + 2) // 3. ITERATIONS and PATCH_AT come from the
-- driver; livepatch() is the driver's C function that patches luaO_tostring.
local total = 0
for i = 1, ITERATIONS do
  if i == PATCH_AT then livepatch() end
  local v = i * 7919 * 1013
  total = total + v
  print("iter " .. i .. ": value " .. v .. " total " .. total)
end
