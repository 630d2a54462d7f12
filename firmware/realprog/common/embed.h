/*
 * embed.h: files embedded into a real program's ELF by
 * firmware/realprog/embed.py (which writes the C array of them).
 */
#ifndef RP_EMBED_H_
#define RP_EMBED_H_

#include <stddef.h>

struct rp_file {
  const char *name; /* the file's name, without its folder */
  const char *data; /* its bytes, followed by a NUL */
  size_t size;      /* without the NUL */
};

#endif /* RP_EMBED_H_ */
