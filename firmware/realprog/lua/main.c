/*
 * lua/main.c: the Lua 5.4 program's driver (docs/realprogs.md). Runs each
 * embedded script of firmware/realprog/lua/scripts/ (in name order) in a
 * fresh Lua state with the base, coroutine, table, string, math and utf8
 * libraries and the global SCALE = rp_scale, as
 *   lua5.4 -e 'SCALE=1' NAME.lua
 * runs it on the host with those globals only (tests/test_realprogs.py).
 * Before each script it prints "== NAME"; a script checks its own results
 * with assert() and error(), and any error ends the program with
 * "lua: NAME: MESSAGE" and status 1. The last line is the summary
 * "lua: N scripts, all checks passed". Each script is a region of
 * interest for ctsim's statistics (roi.h), named after the script.
 *
 * Memory: the states get lua_alloc below, not luaL_newstate's realloc():
 * picolibc 1.8's malloc clears every block it returns with a byte-wise
 * memset and searches one first-fit free list, which made memset 60% of
 * the instructions of an allocation-heavy script and slowed each script
 * after the first (a fragmented list). Blocks of up to RP_LUA_SMALL bytes
 * come from free lists per size class (Lua passes a block's size back when
 * it frees or resizes it, so they need no header), carved from chunks of
 * the heap taken with sbrk() and never given back; larger blocks are
 * picolibc's malloc's.
 */

/* sbrk() is not C11 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed.h"
#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"
#include "roi.h"
#include "rp.h"

const char rp_name[] = "lua";

extern const struct rp_file rp_lua_scripts[];
extern const unsigned rp_lua_scripts_count;

/* ---------------------------------------------------------------- memory */

/* size classes: 8-byte steps up to 256 bytes, 64-byte steps up to 4 KiB */
#define RP_LUA_SMALL 4096
#define RP_LUA_FINE 256
#define RP_LUA_CLASSES (RP_LUA_FINE / 8 + (RP_LUA_SMALL - RP_LUA_FINE) / 64)
#define RP_LUA_CHUNK (64 * 1024)

struct free_block {
  struct free_block *next;
};

static struct free_block *free_lists[RP_LUA_CLASSES];
static char *chunk_next, *chunk_end;

static size_t size_class(size_t size) {
  if (size <= RP_LUA_FINE) return (size + 7) / 8 - 1;
  return RP_LUA_FINE / 8 + (size - RP_LUA_FINE + 63) / 64 - 1;
}

static size_t class_bytes(size_t c) {
  if (c < RP_LUA_FINE / 8) return (c + 1) * 8;
  return RP_LUA_FINE + (c + 1 - RP_LUA_FINE / 8) * 64;
}

static void *small_alloc(size_t size) {
  size_t c = size_class(size);
  struct free_block *b = free_lists[c];
  if (b != NULL) {
    free_lists[c] = b->next;
    return b;
  }
  size_t bytes = class_bytes(c);
  if ((size_t)(chunk_end - chunk_next) < bytes) {
    /* the rest of the old chunk is lost (less than RP_LUA_SMALL bytes) */
    /* from sbrk, not malloc: picolibc's malloc would clear the chunk */
    void *mem = sbrk(RP_LUA_CHUNK);
    if (mem == (void *)-1) return NULL;
    chunk_next = mem;
    chunk_end = chunk_next + RP_LUA_CHUNK;
  }
  void *p = chunk_next;
  chunk_next += bytes;
  return p;
}

static void small_free(void *p, size_t size) {
  struct free_block *b = p;
  size_t c = size_class(size);
  b->next = free_lists[c];
  free_lists[c] = b;
}

/* Lua's allocation function (lua_Alloc): osize is the block's size when
 * ptr is not NULL */
static void *lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud;
  if (ptr == NULL) osize = 0;
  int old_small = osize <= RP_LUA_SMALL, new_small = nsize <= RP_LUA_SMALL;
  if (nsize == 0) {
    if (ptr != NULL) {
      if (old_small)
        small_free(ptr, osize);
      else
        free(ptr);
    }
    return NULL;
  }
  if (ptr != NULL && !old_small && !new_small) return realloc(ptr, nsize);
  if (ptr != NULL && old_small && new_small && size_class(osize) == size_class(nsize)) return ptr;
  void *n = new_small ? small_alloc(nsize) : malloc(nsize);
  if (n == NULL) return NULL; /* Lua keeps the old block */
  if (ptr != NULL) {
    memcpy(n, ptr, osize < nsize ? osize : nsize);
    if (old_small)
      small_free(ptr, osize);
    else
      free(ptr);
  }
  return n;
}

static int panic(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  printf("lua: panic: %s\n", msg != NULL ? msg : "(an error object that is not a string)");
  exit(RP_EXIT_CHECK);
}

/* ---------------------------------------------------------------- scripts */

/* the libraries a script sees; io, os, package and debug need files, a
 * clock or a dynamic loader */
static const luaL_Reg libs[] = {
    {LUA_GNAME, luaopen_base},       {LUA_COLIBNAME, luaopen_coroutine},
    {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
    {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8},
};

/* the chunk name "@NAME" makes error positions read "NAME:LINE:", as on the
 * host when the script runs from its own folder */
static void run_script(const struct rp_file *f) {
  lua_State *L = lua_newstate(lua_alloc, NULL);
  RP_CHECK(L != NULL, "%s: no memory for a Lua state", f->name);
  lua_atpanic(L, panic);
  for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
    luaL_requiref(L, libs[i].name, libs[i].func, 1);
    lua_pop(L, 1);
  }
  lua_pushinteger(L, (lua_Integer)rp_scale);
  lua_setglobal(L, "SCALE");
  char chunk[64];
  snprintf(chunk, sizeof chunk, "@%s", f->name);
  int rc = luaL_loadbufferx(L, f->data, f->size, chunk, "t");
  if (rc == LUA_OK) rc = lua_pcall(L, 0, 0, 0);
  if (rc != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    printf("lua: %s: %s\n", f->name, msg != NULL ? msg : "(an error object that is not a string)");
    exit(RP_EXIT_CHECK);
  }
  lua_close(L);
}

int main(void) {
  for (unsigned i = 0; i < rp_lua_scripts_count; i++) {
    printf("== %s\n", rp_lua_scripts[i].name);
    CT_ROI_RESET();
    run_script(&rp_lua_scripts[i]);
    CT_ROI_DUMP(rp_lua_scripts[i].name);
  }
  printf("lua: %u scripts, all checks passed\n", rp_lua_scripts_count);
  return 0;
}
