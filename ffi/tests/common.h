/* Helpers shared by the C tests: file I/O and status checks. */
#ifndef GOSTCMS_TEST_COMMON_H
#define GOSTCMS_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gostcms.h"

static int failures = 0;

/* Expects `call` to return `want`; prints the library's message otherwise. */
#define EXPECT(call, want)                                                    \
  do {                                                                        \
    gostcms_status got_ = (call);                                             \
    if (got_ != (want)) {                                                     \
      fprintf(stderr, "FAIL %s:%d: %s\n  got %s, want %s: %s\n", __FILE__,    \
              __LINE__, #call, gostcms_status_name(got_),                     \
              gostcms_status_name(want), gostcms_last_error());               \
      failures++;                                                             \
    }                                                                         \
  } while (0)

#define OK(call) EXPECT(call, GOSTCMS_OK)

#define CHECK(cond)                                                           \
  do {                                                                        \
    if (!(cond)) {                                                            \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);         \
      failures++;                                                             \
    }                                                                         \
  } while (0)

/* Reads a whole file; exits on failure (the test's inputs must exist). */
__attribute__((unused)) static unsigned char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(2);
  }
  size_t cap = 4096, n = 0;
  unsigned char *buf = malloc(cap + 1);
  size_t r;
  while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      cap *= 2;
      buf = realloc(buf, cap + 1);
    }
  }
  fclose(f);
  buf[n] = 0;
  *len = n;
  return buf;
}

__attribute__((unused)) static void write_file(const char *dir, const char *name, const void *data,
                       size_t len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len) {
    perror(path);
    exit(2);
  }
  fclose(f);
}

#endif
