/*
 * free-scan: an LD_PRELOAD shim that looks for secret bytes in every heap
 * block as it is freed (issue 28, item 4: a private key must be wiped
 * before its buffer goes back to the allocator).
 *
 *   FREE_SCAN_HEX=hex1,hex2,...   byte strings to look for (e.g. the key's
 *                                 scalar little-endian and big-endian)
 *   FREE_SCAN_REPORT=FILE         where hits are reported (default stderr)
 *
 * free() and realloc() are wrapped. realloc is turned into malloc + copy +
 * free, so that the old block (which glibc would release internally,
 * without calling free) is scanned too; this is stricter than glibc (a
 * block that would have grown in place is reported as if moved), which
 * only matters for blocks holding a secret, and those must not grow
 * unwiped anyway. On the first hit the shim writes one line and aborts.
 *
 * Built by scripts/free-scan.sh; glibc only (__libc_* entry points,
 * malloc_usable_size).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);

#define MAX_PATTERNS 8
#define MAX_LEN 128

static unsigned char patterns[MAX_PATTERNS][MAX_LEN];
static size_t lengths[MAX_PATTERNS];
static int count;
static int report_fd = 2;
static volatile int ready;

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void say(const char *s) {
    ssize_t r = write(report_fd, s, strlen(s));
    (void)r;
}

__attribute__((constructor)) static void setup(void) {
    const char *spec = getenv("FREE_SCAN_HEX");
    const char *report = getenv("FREE_SCAN_REPORT");
    if (report && *report) {
        int fd = open(report, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) report_fd = fd;
    }
    if (!spec) return;
    while (*spec && count < MAX_PATTERNS) {
        size_t n = 0;
        while (spec[0] && spec[0] != ',' && spec[1] && spec[1] != ',' && n < MAX_LEN) {
            int hi = hexval(spec[0]), lo = hexval(spec[1]);
            if (hi < 0 || lo < 0) break;
            patterns[count][n++] = (unsigned char)(hi << 4 | lo);
            spec += 2;
        }
        while (*spec && *spec != ',') spec++;
        if (*spec == ',') spec++;
        if (n >= 8) lengths[count++] = n;
    }
    ready = 1;
}

static void scan(const void *block) {
    if (!ready || !block) return;
    size_t size = malloc_usable_size((void *)block);
    for (int i = 0; i < count; i++) {
        if (size >= lengths[i] && memmem(block, size, patterns[i], lengths[i])) {
            char line[160];
            static const char digits[] = "0123456789";
            /* "free-scan: secret #i found in a freed block of SIZE bytes" */
            char num[24];
            int k = 0;
            size_t v = size;
            do { num[k++] = digits[v % 10]; v /= 10; } while (v && k < 23);
            strcpy(line, "free-scan: secret #");
            size_t at = strlen(line);
            line[at++] = (char)('0' + i);
            line[at] = 0;
            strcat(line, " found in a freed block of ");
            at = strlen(line);
            while (k) line[at++] = num[--k];
            line[at] = 0;
            strcat(line, " bytes\n");
            say(line);
            abort();
        }
    }
}

void free(void *p) {
    scan(p);
    __libc_free(p);
}

void *realloc(void *p, size_t n) {
    if (!p) return __libc_malloc(n);
    if (n == 0) {
        free(p);
        return NULL;
    }
    void *q = __libc_malloc(n);
    if (!q) return NULL;
    size_t old = malloc_usable_size(p);
    memcpy(q, p, old < n ? old : n);
    free(p);
    return q;
}
