/*
 * Freed handles: a double free and a use after free are refused with
 * GOSTCMS_ERR_BAD_HANDLE while the memory is still mapped (the tag is
 * cleared before release; glibc then reuses the first bytes). Reading freed
 * memory is undefined behaviour in C terms, so this program is run natively,
 * not under valgrind (which rightly reports the read). It allocates nothing
 * between the free and the reuse, so the block is not handed out again.
 *
 * usage: test_freed
 */
#include "common.h"

int main(void) {
  gostcms_key *key = NULL;
  OK(gostcms_key_generate("tc26-256-a", &key));
  OK(gostcms_key_free(key));
  EXPECT(gostcms_key_free(key), GOSTCMS_ERR_BAD_HANDLE);
  gostcms_buffer b;
  EXPECT(gostcms_raw_sign(key, (const uint8_t *)"x", 1, 0, &b),
         GOSTCMS_ERR_BAD_HANDLE);
  CHECK(b.data == NULL);
  printf("use after free: %s\n", gostcms_last_error());
  if (failures) {
    fprintf(stderr, "test_freed: %d failure(s)\n", failures);
    return 1;
  }
  printf("test_freed: all checks passed\n");
  return 0;
}
