-- json.lua: a JSON encoder and decoder (string scanning, escapes, recursion,
-- number formatting), a pretty printer, and round trips of generated
-- documents. Objects are encoded with their keys sorted, so the text does
-- not depend on table iteration order.

local N = SCALE or 1

-- ---------------------------------------------------------------- encoder
local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}
local function escape_str(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

local null = setmetatable({}, {__name = "json.null"})

local function is_array(t)
  local n = #t
  local count = 0
  for _ in pairs(t) do count = count + 1 end
  return count == n, n
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do
    if type(k) ~= "string" then error("object key is not a string: " .. type(k)) end
    keys[#keys + 1] = k
  end
  table.sort(keys)
  return keys
end

local encode
local function encode_value(v, out, indent, depth)
  local tv = type(v)
  if v == null or v == nil then
    out[#out + 1] = "null"
  elseif tv == "boolean" then
    out[#out + 1] = tostring(v)
  elseif tv == "number" then
    if v ~= v or v == math.huge or v == -math.huge then error("number not representable in JSON") end
    if math.type(v) == "integer" then
      out[#out + 1] = string.format("%d", v)
    else
      -- 14 digits, as Lua prints floats; ".0" keeps an integral float a float
      local s = string.format("%.14g", v)
      if not s:find("[.eE]") then s = s .. ".0" end
      out[#out + 1] = s
    end
  elseif tv == "string" then
    out[#out + 1] = escape_str(v)
  elseif tv == "table" then
    if depth > 100 then error("nesting too deep") end
    local arr, n = is_array(v)
    local nl = indent and ("\n" .. string.rep(indent, depth + 1)) or ""
    local nl_end = indent and ("\n" .. string.rep(indent, depth)) or ""
    local sep = indent and ": " or ":"
    if arr and (n > 0 or getmetatable(v) ~= "object") then
      if n == 0 then out[#out + 1] = "[]" return end
      out[#out + 1] = "["
      for i = 1, n do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = nl
        encode_value(v[i], out, indent, depth + 1)
      end
      out[#out + 1] = nl_end .. "]"
    else
      local keys = sorted_keys(v)
      if #keys == 0 then out[#out + 1] = "{}" return end
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = nl .. escape_str(k) .. sep
        encode_value(v[k], out, indent, depth + 1)
      end
      out[#out + 1] = nl_end .. "}"
    end
  else
    error("cannot encode a " .. tv)
  end
end
encode = function(v, indent)
  local out = {}
  encode_value(v, out, indent, 0)
  return table.concat(out)
end

-- ---------------------------------------------------------------- decoder
local decode
do
  local str, pos
  local function fail(msg)
    error(string.format("json: %s at position %d", msg, pos), 0)
  end
  local function skip_ws()
    pos = str:find("[^ \t\r\n]", pos) or #str + 1
  end
  local parse_value
  local function parse_string()
    pos = pos + 1 -- the opening quote
    local parts = {}
    while true do
      local s, e = str:find('["\\]', pos)
      if not s then fail("unterminated string") end
      parts[#parts + 1] = str:sub(pos, s - 1)
      if str:sub(s, s) == '"' then
        pos = e + 1
        break
      end
      local c = str:sub(s + 1, s + 1)
      local map = {b = "\b", f = "\f", n = "\n", r = "\r", t = "\t", ['"'] = '"', ["\\"] = "\\", ["/"] = "/"}
      if map[c] then
        parts[#parts + 1] = map[c]
        pos = s + 2
      elseif c == "u" then
        local hex = str:match("^%x%x%x%x", s + 2)
        if not hex then fail("bad \\u escape") end
        local cp = tonumber(hex, 16)
        local np = s + 6
        if cp >= 0xD800 and cp <= 0xDBFF then
          local lo = str:match("^\\u(%x%x%x%x)", np)
          if not lo then fail("lone surrogate") end
          cp = 0x10000 + ((cp - 0xD800) << 10) + (tonumber(lo, 16) - 0xDC00)
          np = np + 6
        end
        parts[#parts + 1] = utf8.char(cp)
        pos = np
      else
        fail("bad escape")
      end
    end
    return table.concat(parts)
  end
  local function parse_number()
    local s = str:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    if not s or s == "" or s == "-" then fail("bad number") end
    pos = pos + #s
    local v = math.tointeger(tonumber(s)) and not s:find("[.eE]") and math.tointeger(tonumber(s)) or tonumber(s)
    if v == nil then fail("bad number") end
    return v
  end
  local function parse_array()
    pos = pos + 1
    local arr = {}
    skip_ws()
    if str:sub(pos, pos) == "]" then pos = pos + 1 return arr end
    while true do
      arr[#arr + 1] = parse_value()
      skip_ws()
      local c = str:sub(pos, pos)
      if c == "]" then pos = pos + 1 return arr end
      if c ~= "," then fail("expected , or ]") end
      pos = pos + 1
    end
  end
  local function parse_object()
    pos = pos + 1
    local obj = setmetatable({}, {__metatable = "object"})
    skip_ws()
    if str:sub(pos, pos) == "}" then pos = pos + 1 return obj end
    while true do
      skip_ws()
      if str:sub(pos, pos) ~= '"' then fail("expected a key") end
      local k = parse_string()
      skip_ws()
      if str:sub(pos, pos) ~= ":" then fail("expected :") end
      pos = pos + 1
      obj[k] = parse_value()
      skip_ws()
      local c = str:sub(pos, pos)
      if c == "}" then pos = pos + 1 return obj end
      if c ~= "," then fail("expected , or }") end
      pos = pos + 1
    end
  end
  parse_value = function()
    skip_ws()
    local c = str:sub(pos, pos)
    if c == "{" then return parse_object()
    elseif c == "[" then return parse_array()
    elseif c == '"' then return parse_string()
    elseif c == "-" or c:match("%d") then return parse_number()
    elseif str:sub(pos, pos + 3) == "true" then pos = pos + 4 return true
    elseif str:sub(pos, pos + 4) == "false" then pos = pos + 5 return false
    elseif str:sub(pos, pos + 3) == "null" then pos = pos + 4 return null
    end
    fail("unexpected character '" .. c .. "'")
  end
  decode = function(s)
    str, pos = s, 1
    local v = parse_value()
    skip_ws()
    if pos <= #str then fail("trailing characters") end
    return v
  end
end

-- ---------------------------------------------------------------- deep equality
local function deep_equal(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) ~= "table" then
    return a == b and math.type(a) == math.type(b)
  end
  for k, v in pairs(a) do if not deep_equal(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

-- ---------------------------------------------------------------- fixed documents
local doc = [==[
{ "name": "ctsim", "version": [0, 1, 0], "stable": false,
  "tags": ["simulator", "risc-v", "call \"translation\""],
  "limits": {"entries": 1024, "ways": 16, "ratio": 0.75, "big": 1.5e10},
  "path": "C:\\temp\\x", "unicode": "caf\u00e9 \ud83d\ude00", "nothing": null,
  "nested": [[1, 2], [3, [4, [5]]], {}, []] }
]==]
local v = decode(doc)
assert(v.name == "ctsim" and v.version[2] == 1 and v.stable == false)
assert(v.tags[3] == 'call "translation"')
assert(v.limits.entries == 1024 and math.type(v.limits.entries) == "integer")
assert(v.limits.ratio == 0.75 and v.limits.big == 1.5e10)
assert(v.path == "C:\\temp\\x")
assert(v.unicode == "caf\u{e9} \u{1F600}")
assert(v.nothing == null and v.nested[2][2][2][1] == 5)
local compact = encode(v)
print(compact)
assert(deep_equal(decode(compact), v), "round trip")
print(encode(v.limits, "  "))

-- errors carry a position
local bad = {
  {'{"a": }', "unexpected character '}' at position 7"},
  {'[1, 2', "expected , or ] at position 6"},
  {'"abc', "unterminated string at position 2"},
  {'{"a": 1} x', "trailing characters at position 10"},
  {'[1, 2,]', "unexpected character ']' at position 7"},
}
for _, case in ipairs(bad) do
  local ok, err = pcall(decode, case[1])
  assert(not ok and err == "json: " .. case[2], err)
  print("error", err)
end

-- ---------------------------------------------------------------- generated documents
-- a linear congruential generator gives the same documents on every host
local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end
local words = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
  "iota", "kappa", "lambda", "mu", "tab\there", "quote\"d", "new\nline", "uni\u{3bb}"}
local function gen(depth)
  local k = rand(depth > 3 and 5 or 8)
  if k == 0 then return rand(100000) - 50000
  elseif k == 1 then return words[rand(#words) + 1]
  elseif k == 2 then return rand(2) == 0
  elseif k == 3 then return (rand(2000000) - 1000000) / 1024
  elseif k == 4 then return null
  elseif k <= 5 then
    local a = {}
    for i = 1, rand(6) do a[i] = gen(depth + 1) end
    return a
  else
    local o = setmetatable({}, {__metatable = "object"})
    for _ = 1, rand(6) do o[words[rand(#words) + 1]] = gen(depth + 1) end
    return o
  end
end
local total_len, docs = 0, 0
local digest = 0
for _ = 1, N do
  local d = gen(0)
  local text = encode(d)
  local back = decode(text)
  assert(deep_equal(back, d), text)
  assert(encode(back) == text, "stable encoding")
  local pretty = encode(d, "\t")
  assert(deep_equal(decode(pretty), d))
  total_len = total_len + #text
  docs = docs + 1
  for i = 1, #text do digest = (digest * 31 + text:byte(i)) % 1000000007 end
end
print(string.format("round trips: %d documents, %d bytes, digest %d", docs, total_len, digest))
print("json: ok")
