-- Workload of traces/real/lua-sort: sorting, string formatting, table concat.
local t = {}
for i = 1, 400 do t[i] = (i * 7919) % 1009 end
table.sort(t)
table.sort(t, function(a, b) return a > b end)
local s = {}
for i = 1, 100 do s[#s + 1] = string.format("%d:%s", i, tostring(t[i])) end
local joined = table.concat(s, ",")
local words = {}
for w in joined:gmatch("%d+") do words[#words + 1] = tonumber(w) end
print(#joined, #words)
