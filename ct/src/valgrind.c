/* Valgrind client requests for the constant-time check. Outside valgrind
 * each request is a few no-op instructions. */
#include <stddef.h>
#include <valgrind/memcheck.h>

/* From here on, any branch or address that depends on these bytes is an error. */
void ct_mark_secret(const void *p, size_t n) { VALGRIND_MAKE_MEM_UNDEFINED(p, n); }

/* Declassification: these bytes are public output (a signature, a public key). */
void ct_mark_public(const void *p, size_t n) { VALGRIND_MAKE_MEM_DEFINED(p, n); }

unsigned ct_running_on_valgrind(void) { return RUNNING_ON_VALGRIND; }

/* Errors memcheck has reported so far (suppressed ones excluded). */
unsigned ct_error_count(void) { return VALGRIND_COUNT_ERRORS; }
