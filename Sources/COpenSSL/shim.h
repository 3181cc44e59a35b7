/*
 * The system's OpenSSL libcrypto (Debian's libssl-dev) for DKIM RSA signatures only: OpenSSL 3
 * signs RSA-2048 about 2.5 times faster than the BoringSSL that swift-crypto vendors on CPUs with
 * AVX-512 IFMA. RSASSA-PKCS1-v1_5 is deterministic, so both give the same octets (tested).
 * Everything Envoi calls is wrapped here, so that the Swift side never sees OpenSSL's macros.
 */
#ifndef ENVOI_COPENSSL_SHIM_H
#define ENVOI_COPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

/* The private key in `pem` (PKCS#1 or PKCS#8), or NULL. */
static inline EVP_PKEY *envoi_openssl_private_key(const char *pem, int length) {
    BIO *bio = BIO_new_mem_buf(pem, length);
    if (bio == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (key != NULL && EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) { EVP_PKEY_free(key); return NULL; }
    return key;
}

static inline void envoi_openssl_free(EVP_PKEY *key) { EVP_PKEY_free(key); }

/* RSASSA-PKCS1-v1_5 of a SHA-256 `digest` (RFC 8017 section 8.2, the DigestInfo added here).
 * `*length` holds the buffer size on entry and the signature size on return. 1 on success. */
static inline int envoi_openssl_rsa_sign_sha256(EVP_PKEY *key, const unsigned char *digest, unsigned char *signature,
                                                size_t *length) {
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new(key, NULL);
    if (context == NULL) return 0;
    int ok = EVP_PKEY_sign_init(context) == 1
        && EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1
        && EVP_PKEY_CTX_set_signature_md(context, EVP_sha256()) == 1
        && EVP_PKEY_sign(context, signature, length, digest, 32) == 1;
    EVP_PKEY_CTX_free(context);
    return ok;
}

#endif
