-- strings.lua: string handling: patterns (find/match/gmatch/gsub with
-- captures, anchors, %b, %f, position captures), gsub with string, table
-- and function replacements, string.format, rep/reverse/byte/char, a
-- template expander, a tokenizer, run-length coding, ROT13, and
-- string.pack/unpack with explicit sizes plus the utf8 library.

local N = SCALE or 1

-- ---------------------------------------------------------------- find, match
local s = "key1=val1; key2 = val2;key3=  v3"
local pairs_found = {}
for k, v in s:gmatch("(%w+)%s*=%s*(%w+)") do pairs_found[#pairs_found + 1] = k .. ":" .. v end
assert(table.concat(pairs_found, ",") == "key1:val1,key2:val2,key3:v3")
assert(s:find("key2") == 12 and s:find("=", 1, true) == 5)
assert(("hello world"):match("^(%w+)") == "hello" and ("hello world"):match("(%w+)$") == "world")
assert(("  trim me  "):match("^%s*(.-)%s*$") == "trim me")
assert(("f(a(b)c)d"):match("%b()") == "(a(b)c)")
assert(("THE (quick) fox"):find("%f[%a]%a+%f[%A]", 5) == 6)
local p1, p2 = ("abcabc"):match("()b()")
assert(p1 == 2 and p2 == 3)
assert(("2024-12-01"):match("^(%d+)-(%d+)-(%d+)$") == "2024")
assert(not ("x"):match("^%d+$"))
print("pairs: " .. table.concat(pairs_found, ","))

-- ---------------------------------------------------------------- gsub
local r, n = ("hello world"):gsub("o", "0")
assert(r == "hell0 w0rld" and n == 2)
assert(("hello"):gsub("", "-") == "-h-e-l-l-o-")
assert(("abc"):gsub("%w", "%0%0") == "aabbcc")
assert(("hello world"):gsub("(%w+) (%w+)", "%2 %1") == "world hello")
local vars = {name = "ctsim", version = "0.1"}
local tmpl = "$name version $version ($missing)"
assert(tmpl:gsub("%$(%w+)", vars) == "ctsim version 0.1 ($missing)")
assert(("1 2 3"):gsub("%d", function(d) return d * 2 end) == "2 4 6")
assert(("abc"):gsub(".", {a = 1, b = false}) == "1bc")
assert(("x = 1, y = 2"):gsub("(%w+) = (%w+)", "%2 = %1", 1) == "1 = x, y = 2")
local camel = ("snake_case_to_camel"):gsub("_(%a)", string.upper)
assert(camel == "snakeCaseToCamel")
print("gsub: " .. camel .. " " .. ("hello world"):gsub("(%w+) (%w+)", "%2 %1"))

-- ---------------------------------------------------------------- format
assert(string.format("%5d|%-5d|%05d", 42, 42, 42) == "   42|42   |00042")
assert(string.format("%x %X %o %c", 255, 255, 8, 65) == "ff FF 10 A")
assert(string.format("%10.3f|%-8.2e|%g", math.pi, 1234.5, 0.5) == "     3.142|1.23e+03|0.5")
assert(string.format("%q", 'a "quoted"\n\0 string') == '"a \\"quoted\\"\\\n\\0 string"')
assert(string.format("%s %s %s", 1, 1.5, true) == "1 1.5 true")
assert(string.format("%.3s|%5s|%-5s|", "abcdef", "ab", "ab") == "abc|   ab|ab   |")
assert(string.format("%i", -7) == "-7" and string.format("%%") == "%")
assert(string.format("%q", 42) == "42" and string.format("%q", math.mininteger) == "0x8000000000000000")
print(string.format("format: [%8.4f] [%-6s] [%+d] [%#x]", 2 / 3, "left", 5, 255))

-- ---------------------------------------------------------------- bytes, rep, reverse
assert(("abc"):byte(1, -1) == 97 and select("#", ("abc"):byte(1, -1)) == 3)
assert(string.char(72, 105) == "Hi" and ("ab"):rep(3, ",") == "ab,ab,ab")
assert(("stressed"):reverse() == "desserts" and ("MiXeD"):lower() == "mixed")
assert(#("x"):rep(1000) == 1000 and ("abc"):sub(-2) == "bc" and ("abc"):sub(2, 10) == "bc")
assert(("%d"):rep(3, " ") == "%d %d %d")

local function rot13(str)
  return (str:gsub("%a", function(c)
    local base = c:match("%l") and 97 or 65
    return string.char((c:byte() - base + 13) % 26 + base)
  end))
end
assert(rot13("Hello, World!") == "Uryyb, Jbeyq!" and rot13(rot13("round trip")) == "round trip")

local function rle_encode(str)
  local out = {}
  local i = 1
  while i <= #str do
    local c = str:sub(i, i)
    local j = i
    while str:sub(j + 1, j + 1) == c do j = j + 1 end
    out[#out + 1] = (j - i + 1) .. c
    i = j + 1
  end
  return table.concat(out)
end
local function rle_decode(str)
  return (str:gsub("(%d+)(%D)", function(k, c) return c:rep(tonumber(k)) end))
end
local raw = "WWWWWWWWWWWWBWWWWWWWWWWWWBBBWWWWWWWWWWWWWWWWWWWWWWWWBWWWWWWWWWWWWWW"
local enc = rle_encode(raw)
assert(enc == "12W1B12W3B24W1B14W" and rle_decode(enc) == raw)
print("rot13: " .. rot13("Hello, World!") .. "  rle: " .. enc)

-- ---------------------------------------------------------------- a tokenizer
local function tokenize(src)
  local toks = {}
  local i = 1
  local rules = {
    {"^%s+", nil}, {"^%-%-[^\n]*", nil},
    {"^%d+%.%d+", "num"}, {"^%d+", "int"},
    {"^[%a_][%w_]*", "id"}, {'^"[^"]*"', "str"},
    {"^[=<>~]=", "op"}, {"^[%+%-%*/%%^#=<>%(%){}%[%];,%.]", "op"},
  }
  while i <= #src do
    local matched = false
    for _, rule in ipairs(rules) do
      local a, b = src:find(rule[1], i)
      if a then
        if rule[2] then toks[#toks + 1] = rule[2] .. ":" .. src:sub(a, b) end
        i = b + 1
        matched = true
        break
      end
    end
    if not matched then error("bad character at " .. i) end
  end
  return toks
end
local toks = tokenize('local x = 3.25 * (y + 42) -- comment\nif x >= 10 then print("big") end')
assert(#toks == 20 and toks[4] == "num:3.25" and toks[13] == "op:>=" and toks[18] == "str:\"big\"")
print("tokens: " .. table.concat(toks, " ", 1, 9))

-- ---------------------------------------------------------------- word statistics
local text = ("the cat sat on the mat and the dog sat on the log "):rep(N)
local counts = {}
for w in text:gmatch("%a+") do counts[w] = (counts[w] or 0) + 1 end
local words = {}
for w in pairs(counts) do words[#words + 1] = w end
table.sort(words, function(a, b)
  if counts[a] ~= counts[b] then return counts[a] > counts[b] end
  return a < b
end)
local line = {}
for i, w in ipairs(words) do line[i] = w .. "=" .. counts[w] end
assert(words[1] == "the" and counts.the == 4 * N)
print("words: " .. table.concat(line, " "))

-- ---------------------------------------------------------------- pack, utf8
local packed = string.pack("<i4 i8 d z s1", -2, math.maxinteger, 0.5, "zero", "len")
assert(#packed == 4 + 8 + 8 + 5 + 4)
local a, b, c, d, e, nxt = string.unpack("<i4 i8 d z s1", packed)
assert(a == -2 and b == math.maxinteger and c == 0.5 and d == "zero" and e == "len" and nxt == #packed + 1)
assert(string.pack(">I2", 0x1234) == "\x12\x34" and string.unpack("<I2", "\x34\x12") == 0x1234)
assert(string.packsize("i4 i8 d") == 20 and string.packsize("<!8 i4 i8") == 16)
local hex = packed:sub(1, 12):gsub(".", function(ch) return string.format("%02x", ch:byte()) end)
print("packed: " .. hex)

local u = "héllo wörld ✓ 😀"
assert(utf8.len(u) == 15 and #u == 22)
local cps = {}
for _, cp in utf8.codes(u) do cps[#cps + 1] = cp end
assert(cps[2] == 0xE9 and cps[#cps] == 0x1F600 and utf8.char(table.unpack(cps)) == u)
assert(utf8.offset(u, 3) == 4 and utf8.codepoint(u, utf8.offset(u, -1)) == 0x1F600)
assert(utf8.len("\xff") == nil and u:match(utf8.charpattern, 2) == "é")
local upper = {}
for _, cp in utf8.codes("abc") do upper[#upper + 1] = utf8.char(cp - 32) end
assert(table.concat(upper) == "ABC")
print(string.format("utf8: %d code points in %d bytes, last U+%X", utf8.len(u), #u, cps[#cps]))
print("strings: ok")
