/*
 * The C ABI end to end: every capability once, outputs written to OUT_DIR
 * for run-tests.sh to check with OpenSSL's gost engine, and inputs made by
 * OpenSSL verified here. Run under valgrind by run-tests.sh.
 *
 * usage: test_api KEY.pem CERT.pem ROOT.pem OSSL_DIR OUT_DIR
 *   OSSL_DIR holds OpenSSL-made inputs: msg, raw.sig (dgst -sign over msg),
 *   detached.cms (cms -sign, DER), jwt (a token signed by dgst -sign).
 */
#include <pthread.h>

#include "common.h"

static const char *out_dir;
static const char *ossl_dir;

static unsigned char *ossl_file(const char *name, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", ossl_dir, name);
  return read_file(path, len);
}

/* ---- many threads signing with one key and one signer ---- */

struct worker {
  const gostcms_key *key;
  const gostcms_signer *signer;
  const gostcms_cert *cert;
  int errors;
};

static void *sign_many(void *arg) {
  struct worker *w = arg;
  for (int i = 0; i < 8; i++) {
    char msg[64];
    int n = snprintf(msg, sizeof msg, "thread message %d", i);
    gostcms_buffer sig;
    if (gostcms_raw_sign(w->key, (const uint8_t *)msg, (size_t)n, 0, &sig) !=
            GOSTCMS_OK ||
        gostcms_raw_verify(w->cert, (const uint8_t *)msg, (size_t)n, sig.data,
                           sig.len, 0) != GOSTCMS_OK)
      w->errors++;
    gostcms_buffer_free(&sig);
    gostcms_buffer cms;
    if (gostcms_cms_sign(w->signer, (const uint8_t *)msg, (size_t)n, 0, 0,
                         &cms) != GOSTCMS_OK)
      w->errors++;
    gostcms_verify_result *r = NULL;
    if (gostcms_cms_verify(cms.data, cms.len, (const uint8_t *)msg, (size_t)n,
                           NULL, 0, &r) != GOSTCMS_OK)
      w->errors++;
    gostcms_verify_result_free(r);
    gostcms_buffer_free(&cms);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s KEY CERT ROOT OSSL_DIR OUT_DIR CONTAINER_DIR\n",
            argv[0]);
    return 2;
  }
  ossl_dir = argv[4];
  out_dir = argv[5];
  size_t key_len, cert_len, root_len, msg_len;
  unsigned char *key_pem = read_file(argv[1], &key_len);
  unsigned char *cert_pem = read_file(argv[2], &cert_len);
  unsigned char *root_pem = read_file(argv[3], &root_len);
  unsigned char *msg = ossl_file("msg", &msg_len);

  CHECK(strlen(gostcms_version()) > 0);
  printf("gostcms %s\n", gostcms_version());

  gostcms_key *key = NULL;
  gostcms_cert *cert = NULL, *root = NULL;
  gostcms_signer *signer = NULL;
  OK(gostcms_key_load(key_pem, key_len, NULL, &key));
  OK(gostcms_cert_load(cert_pem, cert_len, &cert));
  OK(gostcms_cert_load(root_pem, root_len, &root));
  OK(gostcms_signer_new(key, cert, &signer));
  CHECK(key && cert && root && signer);
  CHECK(strcmp(gostcms_last_error(), "") == 0);

  gostcms_buffer b;
  OK(gostcms_cert_subject(cert, &b));
  printf("signer certificate: %s\n", (const char *)b.data);
  CHECK(strstr((const char *)b.data, "ORIGINATOR") != NULL);
  gostcms_buffer_free(&b);
  CHECK(b.data == NULL && b.len == 0);
  gostcms_buffer_free(&b); /* a second free of the same struct is a no-op */

  OK(gostcms_cert_hash(cert, &b));
  CHECK(b.len == 64);
  write_file(out_dir, "cert_hash.txt", b.data, b.len);
  gostcms_buffer_free(&b);

  OK(gostcms_key_public_key_pem(key, &b));
  write_file(out_dir, "pub.pem", b.data, b.len);
  gostcms_buffer_free(&b);

  /* ---- raw ---- */
  OK(gostcms_raw_sign(key, msg, msg_len, 0, &b));
  CHECK(b.len == 64);
  write_file(out_dir, "raw.sig", b.data, b.len);
  OK(gostcms_raw_verify(cert, msg, msg_len, b.data, b.len, 0));
  b.data[10] ^= 1;
  EXPECT(gostcms_raw_verify(cert, msg, msg_len, b.data, b.len, 0),
         GOSTCMS_ERR_VERIFY_FAILED);
  gostcms_buffer_free(&b);

  OK(gostcms_raw_sign(key, msg, msg_len, GOSTCMS_RAW_REVERSED, &b));
  OK(gostcms_raw_verify(cert, msg, msg_len, b.data, b.len,
                        GOSTCMS_RAW_REVERSED));
  gostcms_buffer_free(&b);

  size_t ossl_sig_len;
  unsigned char *ossl_sig = ossl_file("raw.sig", &ossl_sig_len);
  OK(gostcms_raw_verify(cert, msg, msg_len, ossl_sig, ossl_sig_len, 0));
  EXPECT(gostcms_raw_verify_public_key(cert_pem, 0, msg, 0, ossl_sig, 0, 0),
         GOSTCMS_ERR_PARSE);
  EXPECT(gostcms_raw_verify(cert, msg, msg_len - 1, ossl_sig, ossl_sig_len, 0),
         GOSTCMS_ERR_VERIFY_FAILED);
  free(ossl_sig);

  /* batch: three messages, one signature each, verified one by one */
  const uint8_t *msgs[3] = {(const uint8_t *)"one", (const uint8_t *)"",
                            msg};
  size_t lens[3] = {3, 0, msg_len};
  OK(gostcms_raw_sign_batch(key, msgs, lens, 3, 0, &b));
  CHECK(b.len == 3 * 64);
  for (int i = 0; i < 3 && b.len == 192; i++)
    OK(gostcms_raw_verify(cert, msgs[i], lens[i], b.data + 64 * i, 64, 0));
  if (b.len == 192) write_file(out_dir, "batch2.sig", b.data + 128, 64);
  gostcms_buffer_free(&b);

  /* ---- CMS sign: written for openssl cms -verify ---- */
  OK(gostcms_cms_sign(signer, msg, msg_len, 0, 0, &b));
  write_file(out_dir, "detached.der", b.data, b.len);
  gostcms_buffer_free(&b);
  OK(gostcms_cms_sign(signer, msg, msg_len,
                      GOSTCMS_CMS_ATTACHED | GOSTCMS_OUT_PEM, 0, &b));
  CHECK(strncmp((const char *)b.data, "-----BEGIN CMS-----", 19) == 0);
  write_file(out_dir, "attached.pem", b.data, b.len);
  gostcms_buffer_free(&b);
  OK(gostcms_cms_sign(signer, msg, msg_len, GOSTCMS_CMS_CADES, 1700000000, &b));
  write_file(out_dir, "cades.der", b.data, b.len);
  gostcms_buffer_free(&b);
  OK(gostcms_cms_sign(signer, msg, msg_len,
                      GOSTCMS_CMS_NO_ATTRIBUTES | GOSTCMS_OUT_BASE64, 0, &b));
  write_file(out_dir, "noattrs.b64", b.data, b.len);
  /* and read back: base64 input, detached content */
  gostcms_verify_result *r = NULL;
  OK(gostcms_cms_verify(b.data, b.len, msg, msg_len, NULL, 0, &r));
  gostcms_verify_result_free(r);
  gostcms_buffer_free(&b);
  EXPECT(gostcms_cms_sign(signer, msg, msg_len,
                          GOSTCMS_CMS_NO_ATTRIBUTES | GOSTCMS_CMS_CADES, 0, &b),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  CHECK(b.data == NULL);

  /* ---- CMS verify what OpenSSL signed ---- */
  size_t cms_len;
  unsigned char *cms = ossl_file("detached.cms", &cms_len);
  r = NULL;
  OK(gostcms_cms_verify(cms, cms_len, msg, msg_len, NULL, 0, &r));
  size_t count = 0;
  OK(gostcms_verify_result_signer_count(r, &count));
  CHECK(count == 1);
  OK(gostcms_verify_result_signer_status(r, 0));
  EXPECT(gostcms_verify_result_signer_status(r, 1),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  OK(gostcms_verify_result_signer_subject(r, 0, &b));
  CHECK(strstr((const char *)b.data, "ORIGINATOR") != NULL);
  gostcms_buffer_free(&b);
  OK(gostcms_verify_result_json(r, &b));
  printf("verify result: %s\n", (const char *)b.data);
  CHECK(strstr((const char *)b.data, "\"valid\":true") != NULL);
  gostcms_buffer_free(&b);
  gostcms_verify_result_free(r);

  /* trusted root: the chain sender -> TC26 CA verifies */
  gostcms_trust *trust = NULL;
  const gostcms_cert *anchors[1] = {root};
  OK(gostcms_trust_new(anchors, 1, &trust));
  r = NULL;
  OK(gostcms_cms_verify(cms, cms_len, msg, msg_len, trust, 0, &r));
  gostcms_verify_result_free(r);
  /* ... but not with the signer itself as the only "root" */
  gostcms_trust *wrong_trust = NULL;
  const gostcms_cert *not_root[1] = {cert};
  OK(gostcms_trust_new(not_root, 1, &wrong_trust));
  r = NULL;
  /* the signer certificate is its own anchor here: chain ends at once */
  OK(gostcms_cms_verify(cms, cms_len, msg, msg_len, wrong_trust, 0, &r));
  gostcms_verify_result_free(r);
  gostcms_trust_free(wrong_trust);
  /* ... and fails after the certificates expire (2049-12-31) */
  r = NULL;
  EXPECT(gostcms_cms_verify(cms, cms_len, msg, msg_len, trust, 2524608000LL,
                            &r),
         GOSTCMS_ERR_VERIFY_FAILED);
  printf("expired chain: %s\n", gostcms_last_error());
  CHECK(strstr(gostcms_last_error(), "not valid at") != NULL);
  gostcms_verify_result_free(r);

  /* wrong content: parsed, but the signer fails; the result is still given */
  r = NULL;
  EXPECT(gostcms_cms_verify(cms, cms_len, (const uint8_t *)"other", 5, NULL, 0,
                            &r),
         GOSTCMS_ERR_VERIFY_FAILED);
  CHECK(r != NULL);
  EXPECT(gostcms_verify_result_signer_status(r, 0), GOSTCMS_ERR_VERIFY_FAILED);
  CHECK(strstr(gostcms_last_error(), "digest mismatch") != NULL);
  gostcms_verify_result_free(r);
  /* detached without content */
  r = NULL;
  EXPECT(gostcms_cms_verify(cms, cms_len, NULL, 0, NULL, 0, &r),
         GOSTCMS_ERR_VERIFY_FAILED);
  gostcms_verify_result_free(r);
  free(cms);

  /* attached, from this library, content read back */
  OK(gostcms_cms_sign(signer, msg, msg_len, GOSTCMS_CMS_ATTACHED, 0, &b));
  r = NULL;
  OK(gostcms_cms_verify(b.data, b.len, NULL, 0, trust, 0, &r));
  gostcms_buffer_free(&b);
  OK(gostcms_verify_result_content(r, &b));
  CHECK(b.len == msg_len && memcmp(b.data, msg, msg_len) == 0);
  gostcms_buffer_free(&b);
  gostcms_verify_result_free(r);

  /* attached, and other content supplied as well: refused, no result to
     mistake for a verification of either text; the same content passes */
  OK(gostcms_cms_sign(signer, msg, msg_len, GOSTCMS_CMS_ATTACHED, 0, &b));
  r = NULL;
  EXPECT(gostcms_cms_verify(b.data, b.len, (const uint8_t *)"other", 5, NULL,
                            0, &r),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  CHECK(r == NULL);
  printf("embedded vs supplied: %s\n", gostcms_last_error());
  CHECK(strstr(gostcms_last_error(), "differs") != NULL);
  OK(gostcms_cms_verify(b.data, b.len, msg, msg_len, NULL, 0, &r));
  gostcms_verify_result_free(r);
  gostcms_buffer_free(&b);

  /* ---- ESIA ---- */
  const char *redirect = "https://test.application.ru/auth/api/v1/esia/return";
  gostcms_client_secret cs;
  OK(gostcms_esia_client_secret(
      signer, GOSTCMS_FLOW_AUTHORIZE, "TESTAPPLICATION", "openid", NULL,
      redirect, NULL, NULL, "bbf0aef5-5237-41bc-8cba-291e29a3ade8",
      "2021.11.10 12:28:46 +0300", 0, &cs));
  CHECK(strcmp((const char *)cs.signed_string.data,
               "TESTAPPLICATIONopenid2021.11.10 12:28:46 "
               "+0300bbf0aef5-5237-41bc-8cba-291e29a3ade8https://"
               "test.application.ru/auth/api/v1/esia/return") == 0);
  CHECK(cs.state.len == 36 && cs.timestamp.len == 25);
  CHECK(cs.client_certificate_hash.len == 64);
  write_file(out_dir, "v2_secret.txt", cs.client_secret.data,
             cs.client_secret.len);
  write_file(out_dir, "v2_signed.txt", cs.signed_string.data,
             cs.signed_string.len);
  gostcms_client_secret_free(&cs);
  gostcms_client_secret_free(&cs); /* idempotent */

  /* v3 token: generated state and timestamp */
  OK(gostcms_esia_client_secret(signer, GOSTCMS_FLOW_TOKEN, "TESTAPPLICATION",
                                "openid", NULL, redirect, "CODE", NULL, NULL,
                                NULL, GOSTCMS_SECRET_PADDED, &cs));
  write_file(out_dir, "v3_secret.txt", cs.client_secret.data,
             cs.client_secret.len);
  write_file(out_dir, "v3_signed.txt", cs.signed_string.data,
             cs.signed_string.len);
  gostcms_client_secret_free(&cs);

  /* missing code for the token flow */
  EXPECT(gostcms_esia_client_secret(signer, GOSTCMS_FLOW_TOKEN,
                                    "TESTAPPLICATION", "openid", NULL,
                                    redirect, NULL, NULL, NULL, NULL, 0, &cs),
         GOSTCMS_ERR_MISSING_PARAMETER);
  CHECK(cs.client_secret.data == NULL);
  EXPECT(gostcms_esia_client_secret(signer, GOSTCMS_FLOW_AUTHORIZE, "T", "s",
                                    NULL, redirect, NULL, NULL, "not-a-uuid",
                                    NULL, 0, &cs),
         GOSTCMS_ERR_INVALID_ARGUMENT);
  EXPECT(gostcms_esia_client_secret(signer, GOSTCMS_FLOW_AUTHORIZE, "T", "s",
                                    NULL, redirect, NULL, NULL, NULL,
                                    "2021-11-10T12:28:46+03:00", 0, &cs),
         GOSTCMS_ERR_INVALID_ARGUMENT);

  /* legacy: detached CMS over the signed string */
  OK(gostcms_esia_client_secret(signer, GOSTCMS_FLOW_LEGACY_AUTHORIZE,
                                "TESTAPPLICATION", "openid", NULL, NULL, NULL,
                                NULL, NULL, NULL, 0, &cs));
  write_file(out_dir, "legacy_secret.txt", cs.client_secret.data,
             cs.client_secret.len);
  write_file(out_dir, "legacy_signed.txt", cs.signed_string.data,
             cs.signed_string.len);
  gostcms_client_secret_free(&cs);

  const char *json = "{\"snils\":\"000-000-600 06\",\"lastName\":\"Test\"}";
  gostcms_buffer rd, rds;
  OK(gostcms_esia_request_data_sign(signer, (const uint8_t *)json,
                                    strlen(json), &rd, &rds));
  write_file(out_dir, "request_data.txt", rd.data, rd.len);
  write_file(out_dir, "request_data_sign.txt", rds.data, rds.len);
  write_file(out_dir, "request_data.json", json, strlen(json));
  gostcms_buffer_free(&rd);
  gostcms_buffer_free(&rds);

  const char *uuid = "9d27cd6a-1e5a-4cbb-ac7a-8b2f8c6c3e22";
  OK(gostcms_esia_sign_uuid(signer, uuid, 0, 0, &b));
  write_file(out_dir, "uuid_sig.txt", b.data, b.len);
  write_file(out_dir, "uuid.txt", uuid, strlen(uuid));
  gostcms_buffer_free(&b);
  OK(gostcms_esia_sign_uuid(signer, uuid,
                            GOSTCMS_UUID_ATTACHED | GOSTCMS_UUID_PERCENT_BASE64,
                            0, &b));
  CHECK(strchr((const char *)b.data, '+') == NULL);
  gostcms_buffer_free(&b);

  /* ---- JWT made by OpenSSL ---- */
  size_t jwt_len;
  unsigned char *jwt = ossl_file("jwt", &jwt_len);
  gostcms_trust *esia_trust = NULL;
  const gostcms_cert *esia_certs[1] = {cert};
  OK(gostcms_trust_new(esia_certs, 1, &esia_trust));
  OK(gostcms_jwt_verify(esia_trust, (const char *)jwt, "TESTAPPLICATION", NULL,
                        -1, 1700000000, &b));
  printf("jwt claims: %s\n", (const char *)b.data);
  CHECK(b.data && strstr((const char *)b.data, "\"client_id\":\"TESTAPPLICATION\""));
  gostcms_buffer_free(&b);
  EXPECT(gostcms_jwt_verify(esia_trust, (const char *)jwt, "OTHERSYSTEM", NULL,
                            -1, 1700000000, &b),
         GOSTCMS_ERR_JWT_REJECTED);
  CHECK(strstr(gostcms_last_error(), "wrong audience") != NULL);
  EXPECT(gostcms_jwt_verify(esia_trust, (const char *)jwt, NULL, NULL, 0,
                            1800000000, &b),
         GOSTCMS_ERR_JWT_REJECTED);
  CHECK(strstr(gostcms_last_error(), "expired") != NULL);
  /* signature only (for libraries that check claims themselves): the
     OpenSSL-made signing input and raw signature */
  {
    size_t in_len, sig_len;
    unsigned char *in = ossl_file("jwt-input", &in_len);
    unsigned char *sig = ossl_file("jwt-sig", &sig_len);
    OK(gostcms_jwt_verify_signature(esia_trust, "GOST3410_2012_256", in, in_len, sig, sig_len));
    EXPECT(gostcms_jwt_verify_signature(esia_trust, "GOST3410_2012_512", in, in_len, sig, sig_len),
           GOSTCMS_ERR_JWT_REJECTED);
    EXPECT(gostcms_jwt_verify_signature(esia_trust, "RS256", in, in_len, sig, sig_len),
           GOSTCMS_ERR_JWT_REJECTED);
    EXPECT(gostcms_jwt_verify_signature(esia_trust, "none", in, in_len, sig, sig_len),
           GOSTCMS_ERR_JWT_REJECTED);
    CHECK(strstr(gostcms_last_error(), "never accepted") != NULL);
    EXPECT(gostcms_jwt_verify_signature(esia_trust, "GOST3410_2012_256", in, in_len - 1, sig, sig_len),
           GOSTCMS_ERR_JWT_REJECTED);
    sig[3] ^= 0x01;
    EXPECT(gostcms_jwt_verify_signature(esia_trust, "GOST3410_2012_256", in, in_len, sig, sig_len),
           GOSTCMS_ERR_JWT_REJECTED);
    free(in);
    free(sig);
  }
  jwt[jwt_len > 10 ? jwt_len - 5 : 0] ^= 0x01; /* corrupt the signature */
  EXPECT(gostcms_jwt_verify(esia_trust, (const char *)jwt, NULL, NULL, -1,
                            1700000000, &b),
         GOSTCMS_ERR_JWT_REJECTED);
  free(jwt);
  gostcms_trust_free(esia_trust);

  /* ---- one key and one signer from four threads at once ---- */
  pthread_t threads[4];
  struct worker workers[4];
  for (int i = 0; i < 4; i++) {
    workers[i] = (struct worker){key, signer, cert, 0};
    pthread_create(&threads[i], NULL, sign_many, &workers[i]);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(threads[i], NULL);
    CHECK(workers[i].errors == 0);
  }

  /* ---- the same key from OpenSSL's encrypted PKCS#8 and GOST PFX ---- */
  const char *wrapped[2][2] = {{"key-enc.p8", "raw_p8.sig"},
                               {"key.pfx", "raw_pfx.sig"}};
  for (int i = 0; i < 2; i++) {
    size_t wlen;
    unsigned char *w = ossl_file(wrapped[i][0], &wlen);
    gostcms_key *wk = NULL;
    EXPECT(gostcms_key_load(w, wlen, "pin-1235", &wk), GOSTCMS_ERR_WRONG_PASSWORD);
    CHECK(wk == NULL && strlen(gostcms_last_error()) > 0);
    EXPECT(gostcms_key_load(w, wlen, NULL, &wk), GOSTCMS_ERR_PASSWORD_REQUIRED);
    EXPECT(gostcms_key_load(w, wlen, "", &wk), GOSTCMS_ERR_PASSWORD_REQUIRED);
    /* the same file by path */
    char wpath[4096];
    snprintf(wpath, sizeof wpath, "%s/%s", ossl_dir, wrapped[i][0]);
    EXPECT(gostcms_key_open(wpath, "pin-1235", &wk), GOSTCMS_ERR_WRONG_PASSWORD);
    EXPECT(gostcms_key_open(wpath, NULL, &wk), GOSTCMS_ERR_PASSWORD_REQUIRED);
    OK(gostcms_key_open(wpath, "pin-1234", &wk));
    OK(gostcms_raw_sign(wk, msg, msg_len, 0, &b));
    OK(gostcms_raw_verify(cert, msg, msg_len, b.data, b.len, 0));
    gostcms_buffer_free(&b);
    OK(gostcms_key_free(wk));
    OK(gostcms_key_load(w, wlen, "pin-1234", &wk));
    OK(gostcms_raw_sign(wk, msg, msg_len, 0, &b));
    write_file(out_dir, wrapped[i][1], b.data, b.len);
    OK(gostcms_raw_verify(cert, msg, msg_len, b.data, b.len, 0));
    gostcms_buffer_free(&b);
    OK(gostcms_key_free(wk));
    free(w);
  }

  /* ---- a real CryptoPro CSP container folder (PIN 1xqoyc4e) ---- */
  gostcms_key *ck = NULL;
  EXPECT(gostcms_key_load_container(argv[6], "1xqoyc4f", &ck), GOSTCMS_ERR_WRONG_PASSWORD);
  CHECK(ck == NULL && strstr(gostcms_last_error(), "wrong PIN") != NULL);
  EXPECT(gostcms_key_load_container(argv[6], NULL, &ck), GOSTCMS_ERR_PASSWORD_REQUIRED);
  CHECK(strstr(gostcms_last_error(), "none was given") != NULL);
  EXPECT(gostcms_key_open(argv[6], "1xqoyc4f", &ck), GOSTCMS_ERR_WRONG_PASSWORD);
  EXPECT(gostcms_key_open(argv[6], "", &ck), GOSTCMS_ERR_PASSWORD_REQUIRED);
  EXPECT(gostcms_key_open("/nonexistent/key.pem", NULL, &ck), GOSTCMS_ERR_IO);
  CHECK(ck == NULL);
  OK(gostcms_key_open(argv[6], "1xqoyc4e", &ck));
  OK(gostcms_key_curve(ck, &b));
  CHECK(b.data && strcmp((const char *)b.data, "cryptopro-xcha") == 0);
  gostcms_buffer_free(&b);
  OK(gostcms_raw_sign(ck, msg, msg_len, 0, &b));
  write_file(out_dir, "raw_container_open.sig", b.data, b.len);
  gostcms_buffer_free(&b);
  OK(gostcms_key_free(ck));
  ck = NULL;
  EXPECT(gostcms_key_load_container("/nonexistent/none.000", "1", &ck),
         GOSTCMS_ERR_IO);
  EXPECT(gostcms_key_load_container(argv[6], "1xqoyc4e", NULL),
         GOSTCMS_ERR_NULL_ARGUMENT);
  OK(gostcms_key_load_container(argv[6], "1xqoyc4e", &ck));
  OK(gostcms_raw_sign(ck, msg, msg_len, 0, &b));
  write_file(out_dir, "raw_container.sig", b.data, b.len);
  gostcms_buffer_free(&b);
  OK(gostcms_key_free(ck));

  /* ---- key and certificate by path; curve, validity ---- */
  {
    gostcms_key *pk = NULL;
    OK(gostcms_key_open(argv[1], NULL, &pk));
    OK(gostcms_key_curve(pk, &b));
    CHECK(b.data && strcmp((const char *)b.data, "tc26-256-a") == 0);
    gostcms_buffer_free(&b);
    OK(gostcms_raw_sign(pk, msg, msg_len, 0, &b));
    OK(gostcms_raw_verify(cert, msg, msg_len, b.data, b.len, 0));
    gostcms_buffer_free(&b);
    OK(gostcms_key_free(pk));
    gostcms_cert *pc = NULL;
    OK(gostcms_cert_open(argv[2], &pc));
    gostcms_buffer d1, d2;
    OK(gostcms_cert_der(pc, &d1));
    OK(gostcms_cert_der(cert, &d2));
    CHECK(d1.len == d2.len && memcmp(d1.data, d2.data, d1.len) == 0);
    gostcms_buffer_free(&d1);
    gostcms_buffer_free(&d2);
    int64_t nb = 0, na = 0;
    OK(gostcms_cert_validity(pc, &nb, &na));
    printf("certificate validity: %lld .. %lld\n", (long long)nb, (long long)na);
    CHECK(nb > 946684800 && na > nb); /* after 2000 */
    OK(gostcms_cert_validity(pc, NULL, &na));
    char nb_text[64];
    snprintf(nb_text, sizeof nb_text, "%lld\n%lld\n", (long long)nb, (long long)na);
    write_file(out_dir, "validity.txt", nb_text, strlen(nb_text));
    OK(gostcms_cert_free(pc));
    EXPECT(gostcms_cert_open("/nonexistent/cert.pem", &pc), GOSTCMS_ERR_IO);
    CHECK(pc == NULL);
    EXPECT(gostcms_cert_open(argv[1], &pc), GOSTCMS_ERR_PARSE); /* a key, not a certificate */
  }

  /* ---- Streebog and PKCE (OpenSSL checks the outputs) ---- */
  OK(gostcms_hash(GOSTCMS_HASH_STREEBOG256, NULL, 0, &b));
  CHECK(b.len == 32 && b.data[0] == 0x3f && b.data[31] == 0xbb); /* M3: 3f539a...9d4e1bb */
  gostcms_buffer_free(&b);
  OK(gostcms_hash(GOSTCMS_HASH_STREEBOG256, msg, msg_len, &b));
  write_file(out_dir, "streebog256.bin", b.data, b.len);
  gostcms_buffer_free(&b);
  OK(gostcms_hash(GOSTCMS_HASH_STREEBOG512, msg, msg_len, &b));
  CHECK(b.len == 64);
  write_file(out_dir, "streebog512.bin", b.data, b.len);
  gostcms_buffer_free(&b);
  {
    gostcms_buffer v, c;
    OK(gostcms_pkce(NULL, &v, &c));
    CHECK(v.len == 43 && c.len == 43);
    write_file(out_dir, "pkce_verifier.txt", v.data, v.len);
    write_file(out_dir, "pkce_challenge.txt", c.data, c.len);
    gostcms_buffer_free(&v);
    gostcms_buffer_free(&c);
    OK(gostcms_pkce("S256", &v, &c));
    CHECK(v.len == 43 && c.len == 43);
    write_file(out_dir, "pkce_s256_verifier.txt", v.data, v.len);
    write_file(out_dir, "pkce_s256_challenge.txt", c.data, c.len);
    gostcms_buffer_free(&v);
    gostcms_buffer_free(&c);
    OK(gostcms_pkce("GOST3411-512", &v, &c));
    CHECK(v.len == 43 && c.len == 86);
    gostcms_buffer_free(&v);
    gostcms_buffer_free(&c);
  }

  /* ---- a generated 512-bit key round trip ---- */
  gostcms_key *k512 = NULL;
  OK(gostcms_key_generate("tc26-512-a", &k512));
  OK(gostcms_key_to_pkcs8_pem(k512, &b));
  gostcms_key *k512b = NULL;
  OK(gostcms_key_load(b.data, b.len, "unused", &k512b));
  gostcms_buffer_free(&b);
  gostcms_buffer pub;
  OK(gostcms_key_public_key_pem(k512b, &pub));
  OK(gostcms_raw_sign(k512, msg, msg_len, 0, &b));
  CHECK(b.len == 128);
  OK(gostcms_raw_verify_public_key(pub.data, pub.len, msg, msg_len, b.data,
                                   b.len, 0));
  write_file(out_dir, "pub512.pem", pub.data, pub.len);
  write_file(out_dir, "raw512.sig", b.data, b.len);
  gostcms_buffer_free(&b);
  gostcms_buffer_free(&pub);
  OK(gostcms_key_free(k512));
  OK(gostcms_key_free(k512b));

  OK(gostcms_trust_free(trust));
  OK(gostcms_signer_free(signer));
  OK(gostcms_cert_free(root));
  OK(gostcms_cert_free(cert));
  OK(gostcms_key_free(key));
  OK(gostcms_key_free(NULL));
  free(key_pem);
  free(cert_pem);
  free(root_pem);
  free(msg);
  if (failures) {
    fprintf(stderr, "test_api: %d failure(s)\n", failures);
    return 1;
  }
  printf("test_api: all checks passed\n");
  return 0;
}
