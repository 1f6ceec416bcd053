/*
 * Hostile input through the C ABI: NULL pointers, zero and huge lengths,
 * invalid UTF-8, garbage and truncated encodings, unknown flags, handles of
 * the wrong type. Every call must return its error code (never crash) and
 * leave its outputs empty. Run under valgrind by run-tests.sh: no invalid
 * reads or writes, no leaks.
 *
 * usage: test_hostile KEY.pem CERT.pem
 */
#include <stdint.h>

#include "common.h"

#define HUGE ((size_t)SIZE_MAX)
#define OVER_PTRDIFF ((size_t)PTRDIFF_MAX + 1)

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s KEY CERT\n", argv[0]);
    return 2;
  }
  size_t key_len, cert_len;
  unsigned char *key_pem = read_file(argv[1], &key_len);
  unsigned char *cert_pem = read_file(argv[2], &cert_len);
  gostcms_key *key = NULL;
  gostcms_cert *cert = NULL;
  gostcms_signer *signer = NULL;
  OK(gostcms_key_load(key_pem, key_len, NULL, &key));
  OK(gostcms_cert_load(cert_pem, cert_len, &cert));
  OK(gostcms_signer_new(key, cert, &signer));

  const uint8_t small[4] = {0x30, 0x80, 0x00, 0x00};
  gostcms_buffer b = {(uint8_t *)0x1, 99}; /* garbage: must be overwritten */
  gostcms_key *k = (gostcms_key *)0x1;
  gostcms_cert *c = NULL;
  gostcms_verify_result *r = (gostcms_verify_result *)0x1;

  /* ---- NULL pointers ---- */
  EXPECT(gostcms_key_load(NULL, 10, NULL, &k), GOSTCMS_ERR_NULL_ARGUMENT);
  CHECK(k == NULL);
  EXPECT(gostcms_key_load(key_pem, key_len, NULL, NULL),
         GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_key_load_container(NULL, "1", &k), GOSTCMS_ERR_NULL_ARGUMENT);
  CHECK(k == NULL);
  /* the entry points the PHP and Python packages added */
  EXPECT(gostcms_key_open(NULL, NULL, &k), GOSTCMS_ERR_NULL_ARGUMENT);
  CHECK(k == NULL);
  EXPECT(gostcms_key_open(argv[1], NULL, NULL), GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_key_open("\xff\xfe", NULL, &k), GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_key_open(argv[2], NULL, &k), GOSTCMS_ERR_PARSE); /* a certificate */
  CHECK(k == NULL);
  EXPECT(gostcms_key_curve(NULL, &b), GOSTCMS_ERR_NULL_ARGUMENT);
  CHECK(b.data == NULL && b.len == 0);
  EXPECT(gostcms_key_curve(key, NULL), GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_key_curve((const gostcms_key *)cert, &b), GOSTCMS_ERR_BAD_HANDLE);
  EXPECT(gostcms_cert_open(NULL, &c), GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_cert_open(argv[2], NULL), GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_cert_open("/", &c), GOSTCMS_ERR_IO); /* a folder */
  CHECK(c == NULL);
  int64_t t1 = 7, t2 = 7;
  EXPECT(gostcms_cert_validity(NULL, &t1, &t2), GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_cert_validity((const gostcms_cert *)key, &t1, &t2), GOSTCMS_ERR_BAD_HANDLE);
  CHECK(t1 == 7 && t2 == 7);
  EXPECT(gostcms_hash(2, small, 4, &b), GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_hash(GOSTCMS_HASH_STREEBOG256, NULL, 4, &b), GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_hash(GOSTCMS_HASH_STREEBOG256, small, (size_t)-1, &b), GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_hash(GOSTCMS_HASH_STREEBOG256, small, 4, NULL), GOSTCMS_ERR_NULL_ARGUMENT);
  CHECK(b.data == NULL);
  gostcms_buffer b2 = {(uint8_t *)0x1, 99};
  EXPECT(gostcms_pkce("MD5", &b, &b2), GOSTCMS_ERR_INVALID_ARGUMENT);
  CHECK(b.data == NULL && b2.data == NULL);
  EXPECT(gostcms_pkce(NULL, NULL, &b2), GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_pkce(NULL, &b, NULL), GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_pkce("\xff", &b, &b2), GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_jwt_verify_signature(NULL, "GOST3410_2012_256", small, 4, small, 4),
         GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_jwt_verify_signature((const gostcms_trust *)key, "GOST3410_2012_256", small, 4, small, 4),
         GOSTCMS_ERR_BAD_HANDLE);
  {
    gostcms_trust *tr = NULL;
    const gostcms_cert *one[1] = {cert};
    OK(gostcms_trust_new(one, 1, &tr));
    EXPECT(gostcms_jwt_verify_signature(tr, NULL, small, 4, small, 4), GOSTCMS_ERR_NULL_ARGUMENT);
    EXPECT(gostcms_jwt_verify_signature(tr, "GOST3410_2012_256", NULL, 4, small, 4), GOSTCMS_ERR_NULL_ARGUMENT);
    EXPECT(gostcms_jwt_verify_signature(tr, "GOST3410_2012_256", small, 4, NULL, 64), GOSTCMS_ERR_NULL_ARGUMENT);
    EXPECT(gostcms_jwt_verify_signature(tr, "GOST3410_2012_256", small, (size_t)-1, small, 4),
           GOSTCMS_ERR_INVALID_ARGUMENT);
    EXPECT(gostcms_jwt_verify_signature(tr, "GOST3410_2012_256", small, 4, small, 4), GOSTCMS_ERR_JWT_REJECTED);
    EXPECT(gostcms_jwt_verify_signature(tr, "HS256", small, 4, small, 4), GOSTCMS_ERR_JWT_REJECTED);
    EXPECT(gostcms_jwt_verify_signature(tr, "GOST3410_2012_256", NULL, 0, NULL, 0), GOSTCMS_ERR_JWT_REJECTED);
    gostcms_trust *none = NULL;
    OK(gostcms_trust_new(NULL, 0, &none));
    EXPECT(gostcms_jwt_verify_signature(none, "GOST3410_2012_256", small, 4, small, 4), GOSTCMS_ERR_JWT_REJECTED);
    OK(gostcms_trust_free(none));
    OK(gostcms_trust_free(tr));
  }

  /* not container folders: a file, an empty path, a folder of other files */
  EXPECT(gostcms_key_load_container(argv[1], "1", &k), GOSTCMS_ERR_IO);
  EXPECT(gostcms_key_load_container("", NULL, &k), GOSTCMS_ERR_IO);
  EXPECT(gostcms_key_load_container("/", NULL, &k), GOSTCMS_ERR_IO);
  CHECK(k == NULL && strstr(gostcms_last_error(), "header.key") != NULL);
  EXPECT(gostcms_cert_load(NULL, 1, &c), GOSTCMS_ERR_NULL_ARGUMENT);
  gostcms_signer *no_signer = (gostcms_signer *)0x1;
  EXPECT(gostcms_signer_new(NULL, cert, &no_signer), GOSTCMS_ERR_NULL_ARGUMENT);
  CHECK(no_signer == NULL);
  EXPECT(gostcms_raw_sign(NULL, small, 4, 0, &b), GOSTCMS_ERR_NULL_ARGUMENT);
  CHECK(b.data == NULL && b.len == 0);
  EXPECT(gostcms_raw_sign(key, NULL, 4, 0, &b), GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_raw_sign(key, small, 4, 0, NULL), GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_raw_verify(cert, small, 4, NULL, 64, 0),
         GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_raw_sign_batch(key, NULL, NULL, 2, 0, &b),
         GOSTCMS_ERR_NULL_ARGUMENT);
  const uint8_t *null_msgs[2] = {small, NULL};
  size_t null_lens[2] = {4, 4};
  EXPECT(gostcms_raw_sign_batch(key, null_msgs, null_lens, 2, 0, &b),
         GOSTCMS_ERR_NULL_ARGUMENT);
  CHECK(strstr(gostcms_last_error(), "message 1") != NULL);
  CHECK(b.data == NULL);
  EXPECT(gostcms_cms_sign(signer, small, 4, 0, 0, NULL),
         GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_cms_verify(NULL, 5, NULL, 0, NULL, 0, &r),
         GOSTCMS_ERR_NULL_ARGUMENT);
  CHECK(r == NULL);
  EXPECT(gostcms_cms_verify(small, 4, NULL, 0, NULL, 0, NULL),
         GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_verify_result_signer_count(NULL, NULL),
         GOSTCMS_ERR_NULL_ARGUMENT);
  gostcms_client_secret cs;
  memset(&cs, 0x5a, sizeof cs); /* garbage: must be overwritten */
  EXPECT(gostcms_esia_client_secret(signer, GOSTCMS_FLOW_AUTHORIZE, NULL,
                                    "openid", NULL, NULL, NULL, NULL, NULL,
                                    NULL, 0, &cs),
         GOSTCMS_ERR_NULL_ARGUMENT);
  CHECK(cs.client_secret.data == NULL && cs.state.data == NULL);
  gostcms_client_secret_free(&cs);
  gostcms_client_secret_free(NULL);
  EXPECT(gostcms_esia_client_secret(signer, 0, "A", "B", NULL, NULL, NULL,
                                    NULL, NULL, NULL, 0, NULL),
         GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_esia_sign_uuid(signer, NULL, 0, 0, &b),
         GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_esia_request_data_sign(signer, small, 4, &b, NULL),
         GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_jwt_verify(NULL, "a.b.c", NULL, NULL, 0, 0, &b),
         GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_trust_new(NULL, 3, (gostcms_trust **)&k),
         GOSTCMS_ERR_NULL_ARGUMENT);
  EXPECT(gostcms_key_generate(NULL, &k), GOSTCMS_ERR_NULL_ARGUMENT);
  gostcms_buffer_free(NULL);
  OK(gostcms_key_free(NULL));
  OK(gostcms_cert_free(NULL));
  OK(gostcms_signer_free(NULL));
  OK(gostcms_trust_free(NULL));
  OK(gostcms_verify_result_free(NULL));

  /* ---- zero and huge lengths ---- */
  EXPECT(gostcms_key_load(key_pem, 0, NULL, &k), GOSTCMS_ERR_PARSE);
  EXPECT(gostcms_key_load(NULL, 0, NULL, &k), GOSTCMS_ERR_PARSE);
  EXPECT(gostcms_cert_load(cert_pem, 0, &c), GOSTCMS_ERR_PARSE);
  EXPECT(gostcms_key_load(key_pem, HUGE, NULL, &k),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  CHECK(strstr(gostcms_last_error(), "PTRDIFF_MAX") != NULL);
  EXPECT(gostcms_cert_load(cert_pem, OVER_PTRDIFF, &c),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_raw_sign(key, small, HUGE, 0, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_cms_sign(signer, small, OVER_PTRDIFF, 0, 0, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_cms_verify(small, HUGE, NULL, 0, NULL, 0, &r),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_cms_verify(small, 4, small, HUGE, NULL, 0, &r),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_raw_verify(cert, small, 4, small, HUGE, 0),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_esia_request_data_sign(signer, small, HUGE, &b, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_raw_sign_batch(key, NULL, NULL, HUGE, 0, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_trust_new(NULL, HUGE, (gostcms_trust **)&k),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  /* empty inputs where empty is meaningful */
  OK(gostcms_raw_sign(key, NULL, 0, 0, &b));
  CHECK(b.len == 64);
  OK(gostcms_raw_verify(cert, NULL, 0, b.data, b.len, 0));
  EXPECT(gostcms_raw_verify(cert, NULL, 0, b.data, 0, 0),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_raw_verify(cert, NULL, 0, b.data, 63, 0),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  gostcms_buffer_free(&b);
  OK(gostcms_raw_sign_batch(key, NULL, NULL, 0, 0, &b));
  CHECK(b.len == 0 && b.data != NULL && b.data[0] == 0);
  gostcms_buffer_free(&b);
  OK(gostcms_cms_sign(signer, NULL, 0, 0, 0, &b));
  gostcms_buffer_free(&b);
  EXPECT(gostcms_cms_verify(NULL, 0, NULL, 0, NULL, 0, &r), GOSTCMS_ERR_PARSE);

  /* ---- invalid UTF-8 and bad strings ---- */
  const char bad_utf8[] = {'a', (char)0xff, (char)0xfe, 'b', 0};
  EXPECT(gostcms_esia_client_secret(signer, GOSTCMS_FLOW_AUTHORIZE, bad_utf8,
                                    "openid", NULL, "https://x", NULL, NULL,
                                    NULL, NULL, 0, &cs),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  CHECK(strstr(gostcms_last_error(), "not UTF-8") != NULL);
  EXPECT(gostcms_esia_client_secret(signer, GOSTCMS_FLOW_AUTHORIZE, "A",
                                    "openid", NULL, "https://x", NULL, NULL,
                                    bad_utf8, NULL, 0, &cs),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_esia_sign_uuid(signer, bad_utf8, 0, 0, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_key_load(key_pem, key_len, bad_utf8, &k),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_key_load_container(bad_utf8, NULL, &k),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_key_load_container("/", bad_utf8, &k),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_key_generate(bad_utf8, &k), GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_key_generate("no-such-curve", &k), GOSTCMS_ERR_UNSUPPORTED);
  EXPECT(gostcms_esia_sign_uuid(signer, "not a uuid", 0, 0, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);

  /* ---- unknown flags and enum values, bad times ---- */
  EXPECT(gostcms_raw_sign(key, small, 4, 0x80000000u, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_cms_sign(signer, small, 4, 1u << 20, 0, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_cms_sign(signer, small, 4,
                          GOSTCMS_OUT_PEM | GOSTCMS_OUT_BASE64, 0, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_cms_sign(signer, small, 4, 0, -5, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_cms_sign(signer, small, 4, 0, INT64_MAX, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_esia_client_secret(signer, 77, "A", "B", NULL, NULL, NULL,
                                    NULL, NULL, NULL, 0, &cs),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_esia_client_secret(signer, GOSTCMS_FLOW_AUTHORIZE, "A", "B",
                                    NULL, "https://x", NULL, NULL, NULL, NULL,
                                    0xffu, &cs),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_esia_client_secret(signer, GOSTCMS_FLOW_LEGACY_AUTHORIZE, "A",
                                    "B", NULL, NULL, NULL, NULL, NULL, NULL,
                                    GOSTCMS_SECRET_REVERSED, &cs),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_esia_sign_uuid(signer, "9d27cd6a-1e5a-4cbb-ac7a-8b2f8c6c3e22",
                                8, 0, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_cms_verify(small, 4, NULL, 0, NULL, -1, &r),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  CHECK(strcmp(gostcms_status_name(12345), "unknown gostcms_status") == 0);

  /* ---- garbage and truncated encodings ---- */
  unsigned char junk[256];
  for (int i = 0; i < 256; i++) junk[i] = (unsigned char)(i * 37 + 11);
  EXPECT(gostcms_key_load(junk, sizeof junk, NULL, &k), GOSTCMS_ERR_PARSE);
  EXPECT(gostcms_cert_load(junk, sizeof junk, &c), GOSTCMS_ERR_PARSE);
  for (size_t cut = 0; cut < cert_len; cut += 97) {
    gostcms_status s = gostcms_cert_load(cert_pem, cut, &c);
    CHECK(s != GOSTCMS_OK && s != GOSTCMS_ERR_PANIC && c == NULL);
  }
  for (size_t cut = 1; cut < key_len; cut += 13) {
    gostcms_status s = gostcms_key_load(key_pem, cut, NULL, &k);
    CHECK(s != GOSTCMS_OK && s != GOSTCMS_ERR_PANIC && k == NULL);
  }
  /* BER bomb: deeply nested indefinite lengths */
  unsigned char bomb[4096];
  for (size_t i = 0; i + 1 < sizeof bomb; i += 2) {
    bomb[i] = 0x30;
    bomb[i + 1] = 0x80;
  }
  gostcms_status s = gostcms_cms_verify(bomb, sizeof bomb, NULL, 0, NULL, 0, &r);
  CHECK(s == GOSTCMS_ERR_PARSE && r == NULL);
  s = gostcms_cms_verify(junk, sizeof junk, NULL, 0, NULL, 0, &r);
  CHECK(s == GOSTCMS_ERR_PARSE && r == NULL);
  s = gostcms_cms_verify((const uint8_t *)"!!!not base64!!!", 16, NULL, 0,
                         NULL, 0, &r);
  CHECK(s == GOSTCMS_ERR_PARSE && r == NULL);
  /* a real signature cut at every length */
  gostcms_buffer sig;
  OK(gostcms_cms_sign(signer, small, 4, GOSTCMS_CMS_ATTACHED, 0, &sig));
  for (size_t cut = 0; cut < sig.len; cut++) {
    r = NULL;
    s = gostcms_cms_verify(sig.data, cut, NULL, 0, NULL, 0, &r);
    CHECK(s != GOSTCMS_OK && s != GOSTCMS_ERR_PANIC);
    gostcms_verify_result_free(r);
  }
  gostcms_buffer_free(&sig);
  EXPECT(gostcms_raw_verify_public_key(junk, 100, small, 4, junk, 64, 0),
         GOSTCMS_ERR_PARSE);
  gostcms_trust *trust = NULL;
  const gostcms_cert *one[1] = {cert};
  OK(gostcms_trust_new(one, 1, &trust));
  const char *tokens[] = {"", "a", "a.b", "a.b.c", "....", "e30.e30.",
                          "eyJhbGciOiJub25lIn0.e30.", bad_utf8};
  for (size_t i = 0; i < sizeof tokens / sizeof *tokens; i++) {
    s = gostcms_jwt_verify(trust, tokens[i], NULL, NULL, -1, 0, &b);
    CHECK(s == GOSTCMS_ERR_JWT_REJECTED || s == GOSTCMS_ERR_INVALID_ARGUMENT);
    CHECK(b.data == NULL);
  }
  size_t big_len = 200000;
  char *big = malloc(big_len + 1);
  memset(big, 'A', big_len);
  big[big_len] = 0;
  EXPECT(gostcms_jwt_verify(trust, big, NULL, NULL, -1, 0, &b),
         GOSTCMS_ERR_JWT_REJECTED);
  free(big);
  EXPECT(gostcms_trust_new(NULL, 0, (gostcms_trust **)&k), GOSTCMS_OK);
  gostcms_trust *empty_trust = (gostcms_trust *)k;
  EXPECT(gostcms_jwt_verify(empty_trust, "a.b.c", NULL, NULL, -1, 0, &b),
         GOSTCMS_ERR_MISSING_PARAMETER);
  OK(gostcms_trust_free(empty_trust));

  /* ---- handles of the wrong type ---- */
  EXPECT(gostcms_raw_sign((const gostcms_key *)cert, small, 4, 0, &b),
         GOSTCMS_ERR_BAD_HANDLE);
  CHECK(strstr(gostcms_last_error(), "not a live gostcms_key") != NULL);
  EXPECT(gostcms_raw_verify((const gostcms_cert *)key, small, 4, small, 4, 0),
         GOSTCMS_ERR_BAD_HANDLE);
  EXPECT(gostcms_cms_sign((const gostcms_signer *)key, small, 4, 0, 0, &b),
         GOSTCMS_ERR_BAD_HANDLE);
  EXPECT(gostcms_esia_client_secret((const gostcms_signer *)trust, 0, "A", "B",
                                    NULL, NULL, NULL, NULL, NULL, NULL, 0,
                                    &cs),
         GOSTCMS_ERR_BAD_HANDLE);
  EXPECT(gostcms_jwt_verify((const gostcms_trust *)signer, "a.b.c", NULL, NULL,
                            0, 0, &b),
         GOSTCMS_ERR_BAD_HANDLE);
  EXPECT(gostcms_verify_result_json((const gostcms_verify_result *)cert, &b),
         GOSTCMS_ERR_BAD_HANDLE);
  const gostcms_cert *mixed[2] = {cert, (const gostcms_cert *)key};
  EXPECT(gostcms_trust_new(mixed, 2, (gostcms_trust **)&k),
         GOSTCMS_ERR_BAD_HANDLE);
  CHECK(strstr(gostcms_last_error(), "certs[1]") != NULL);
  /* freeing through the wrong function is refused and frees nothing */
  EXPECT(gostcms_key_free((gostcms_key *)cert), GOSTCMS_ERR_BAD_HANDLE);
  EXPECT(gostcms_cert_free((gostcms_cert *)signer), GOSTCMS_ERR_BAD_HANDLE);
  /* a plain heap block (never a handle) and a misaligned pointer */
  uint64_t *fake = calloc(4, sizeof *fake);
  EXPECT(gostcms_raw_sign((const gostcms_key *)fake, small, 4, 0, &b),
         GOSTCMS_ERR_BAD_HANDLE);
  EXPECT(gostcms_key_free((gostcms_key *)fake), GOSTCMS_ERR_BAD_HANDLE);
  EXPECT(gostcms_raw_sign((const gostcms_key *)((char *)fake + 1), small, 4, 0,
                          &b),
         GOSTCMS_ERR_BAD_HANDLE);
  free(fake);
  /* index out of range */
  OK(gostcms_cms_sign(signer, small, 4, 0, 0, &sig));
  r = NULL;
  OK(gostcms_cms_verify(sig.data, sig.len, small, 4, NULL, 0, &r));
  EXPECT(gostcms_verify_result_signer_subject(r, HUGE, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_verify_result_signer_status(r, 1),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  gostcms_verify_result_free(r);
  gostcms_buffer_free(&sig);
  /* a key and a certificate that do not belong together */
  gostcms_key *other = NULL;
  OK(gostcms_key_generate("tc26-256-a", &other));
  gostcms_signer *mismatch = (gostcms_signer *)0x1;
  EXPECT(gostcms_signer_new(other, cert, &mismatch), GOSTCMS_ERR_KEY);
  CHECK(mismatch == NULL);
  OK(gostcms_key_free(other));

  OK(gostcms_trust_free(trust));
  OK(gostcms_signer_free(signer));
  OK(gostcms_cert_free(cert));
  OK(gostcms_key_free(key));
  free(key_pem);
  free(cert_pem);
  if (failures) {
    fprintf(stderr, "test_hostile: %d failure(s)\n", failures);
    return 1;
  }
  printf("test_hostile: all checks passed\n");
  return 0;
}
