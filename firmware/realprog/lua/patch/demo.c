/*
 * lua/patch/demo.c: the patch-module demo on Lua (docs/patching.md, "Demo:
 * fixing Lua while it runs"). The image is Lua built by ctcc (callid mode)
 * from Debian's sources with float-suffix-bug.patch applied to lobject.c
 * (a float with an integral value prints without its ".0"), the patch
 * loader (firmware/common/ctpatch.c) and this driver, linked with a GNU
 * build ID. demo.lua prints one line per iteration and calls service()
 * first, which asks the host for a patch module (ctpatch_poll): ctsim
 * --load-patch delivers the module that scripts/ctpatch-build made from the
 * bugged and the upstream lobject.c, and the lines from the switch on are
 * right.
 */
#include <stdint.h>
#include <stdio.h>

#include "ctpatch.h"
#include "embed.h"
#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"
#include "rp.h"

#define DEMO_ITERATIONS 40

const char rp_name[] = "lua-patch";

extern const struct rp_file rp_patch_scripts[];
extern const unsigned rp_patch_scripts_count;

static int l_service(lua_State *L) {
  (void)L;
  ctpatch_poll();
  return 0;
}

int main(void) {
  lua_State *L = luaL_newstate();
  RP_CHECK(L != NULL, "no memory for a Lua state");
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  lua_pop(L, 2);
  lua_pushinteger(L, DEMO_ITERATIONS);
  lua_setglobal(L, "ITERATIONS");
  lua_register(L, "service", l_service);
  const struct rp_file *f = &rp_patch_scripts[0];
  int rc = luaL_loadbufferx(L, f->data, f->size, "@demo.lua", "t");
  if (rc == LUA_OK) rc = lua_pcall(L, 0, 0, 0);
  if (rc != LUA_OK) {
    printf("lua-patch: %s\n", lua_tostring(L, -1));
    return RP_EXIT_CHECK;
  }
  lua_close(L);
  printf("lua-patch: %d lines, %u patch applied\n", DEMO_ITERATIONS, ctpatch_count());
  return 0;
}
