/*
 * lua/live/live.c: live patching a real program (docs/realprogs.md, "Live
 * patching Lua"). Runs live.lua, a loop that prints three integers a line, in
 * one Lua state. The ELF is the callid build of Lua (ctcc) with two more
 * objects: this driver and lobject_v2.o, compiled from a changed copy of
 * Lua's lobject.c (live/lobject-v2.patch: luaO_tostring_v2 writes integers
 * in groups of three digits) and linked with the ID map of the callid build
 * of lua.elf, so every function keeps the ID it has there.
 *   lua-live-inside.elf   the script calls livepatch() at line PATCH_AT: it
 *                         redirects luaO_tostring's ID to luaO_tostring_v2
 *                         with ctcc_patch and prints what that cost;
 *   lua-live-outside.elf  PATCH_AT = 0; the patch comes from the simulator:
 *                         ctsim --patch-at callid=N:luaO_tostring:luaO_tostring_v2
 */
#include <stdint.h>
#include <stdio.h>

#include "csr.h"
#include "ctcc.h"
#include "embed.h"
#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"
#include "rp.h"

#ifndef RP_LIVE_INSIDE
#define RP_LIVE_INSIDE 0
#endif
#define LIVE_ITERATIONS 40
#define LIVE_PATCH_AT 25

const char rp_name[] = "lua-live";

extern const struct rp_file rp_live_scripts[];
extern const unsigned rp_live_scripts_count;

void luaO_tostring_v2(void); /* lobject_v2.c (its real type does not matter here) */

static uint32_t cycles(void) { return read_csr(mcycle); }

/* livepatch(): the patch from inside, and its cost in cycles: the
 * ctcc_patch call (the leaf store and ctlb.inv), then the first number to
 * string conversion after it (its callid of luaO_tostring misses the CTLB
 * and walks the table) against the next one */
static int l_livepatch(lua_State *L) {
  uint32_t t0 = cycles();
  uint32_t old = ctcc_patch(CTCC_ID(luaO_tostring), luaO_tostring_v2);
  uint32_t t1 = cycles();
  lua_pushinteger(L, 1000001);
  uint32_t t2 = cycles();
  lua_tolstring(L, -1, NULL);
  uint32_t t3 = cycles();
  lua_pushinteger(L, 1000002);
  uint32_t t4 = cycles();
  lua_tolstring(L, -1, NULL);
  uint32_t t5 = cycles();
  RP_CHECK(old != 0, "ctcc_patch found no table entry for luaO_tostring");
  printf("livepatch: luaO_tostring -> luaO_tostring_v2: ctcc_patch %lu cycles; the first "
         "conversion after it %lu cycles (\"%s\"), the next %lu\n",
         (unsigned long)(t1 - t0), (unsigned long)(t3 - t2), lua_tostring(L, -2),
         (unsigned long)(t5 - t4));
  lua_pop(L, 2);
  return 0;
}

int main(void) {
  lua_State *L = luaL_newstate();
  RP_CHECK(L != NULL, "no memory for a Lua state");
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  lua_pop(L, 2);
  lua_pushinteger(L, LIVE_ITERATIONS);
  lua_setglobal(L, "ITERATIONS");
  lua_pushinteger(L, RP_LIVE_INSIDE ? LIVE_PATCH_AT : 0);
  lua_setglobal(L, "PATCH_AT");
  lua_register(L, "livepatch", l_livepatch);
  const struct rp_file *f = &rp_live_scripts[0];
  int rc = luaL_loadbufferx(L, f->data, f->size, "@live.lua", "t");
  if (rc == LUA_OK) rc = lua_pcall(L, 0, 0, 0);
  if (rc != LUA_OK) {
    printf("lua-live: %s\n", lua_tostring(L, -1));
    return RP_EXIT_CHECK;
  }
  lua_close(L);
  printf("lua-live: %d lines\n", LIVE_ITERATIONS);
  return 0;
}
