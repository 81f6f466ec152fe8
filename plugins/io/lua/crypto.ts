/**
 * SHA-256 / SHA-512, their HMAC and PBKDF2, for the Lua hosts: OpenSSL's libcrypto
 * through LuaJIT's FFI. Kong and APISIX ship OpenSSL and link it into nginx (as Debian's
 * nginx does), so the functions are the process's own (`ffi.C`); outside nginx (busted)
 * the library is loaded by name. Used by SASL SCRAM (../kafka/scram.ts), with RAND_bytes
 * for its nonce.
 *
 * The declarations are made one by one and may fail: a gateway's own FFI code (Kong's
 * lua-resty-openssl) may have declared them first, which LuaJIT refuses to repeat.
 */
import ffi = require("ffi");
import type { ScramCrypto } from "../kafka/scram";

/** @noSelf */
interface LibCrypto {
  EVP_sha256(): FfiCData;
  EVP_sha512(): FfiCData;
  HMAC(md: FfiCData, key: string, keyLength: number, data: string, length: number, out: FfiCData, outLength: undefined): FfiCData | undefined;
  EVP_Digest(data: string, length: number, out: FfiCData, outLength: undefined, md: FfiCData, engine: undefined): number;
  PKCS5_PBKDF2_HMAC(password: string, passwordLength: number, salt: string, saltLength: number, iterations: number, md: FfiCData, keyLength: number, out: FfiCData): number;
  RAND_bytes(out: FfiCData, length: number): number;
}

const DECLARATIONS = [
  "typedef struct evp_md_st EVP_MD;",
  "typedef struct engine_st ENGINE;",
  "const EVP_MD *EVP_sha256(void);",
  "const EVP_MD *EVP_sha512(void);",
  "unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len, const unsigned char *d, size_t n, unsigned char *md, unsigned int *md_len);",
  "int EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int *size, const EVP_MD *type, ENGINE *impl);",
  "int PKCS5_PBKDF2_HMAC(const char *pass, int passlen, const unsigned char *salt, int saltlen, int iter, const EVP_MD *digest, int keylen, unsigned char *out);",
  "int RAND_bytes(unsigned char *buf, int num);",
];
for (const declaration of DECLARATIONS) pcall(ffi.cdef, declaration);

function hasPbkdf2(this: void, lib: LibCrypto): unknown {
  return lib.PKCS5_PBKDF2_HMAC;
}

/** libcrypto: the process's own, else loaded by one of its usual names; undefined when none is found. */
function findLibCrypto(): LibCrypto | undefined {
  // Looking up a symbol the process does not have raises an error.
  const [inProcess] = pcall(hasPbkdf2, ffi.C as LibCrypto);
  if (inProcess) return ffi.C as LibCrypto;
  for (const name of ["crypto", "libcrypto.so.3", "libcrypto.so.1.1"]) {
    const [loaded, lib] = pcall(ffi.load, name);
    if (loaded) return lib as LibCrypto;
  }
  return undefined;
}

let lib: LibCrypto | undefined;

/** `count` bytes from OpenSSL's CSPRNG; undefined when libcrypto cannot be found or fails. */
export function randomBytes(count: number): string | undefined {
  lib ??= findLibCrypto();
  if (lib === undefined) return undefined;
  const out = ffi.new(`unsigned char[${count}]`);
  return lib.RAND_bytes(out, count) === 1 ? ffi.string(out, count) : undefined;
}

/** The primitives of SHA-256 or SHA-512 for SCRAM; undefined when libcrypto cannot be found. */
export function scramCrypto(hash: "SHA-256" | "SHA-512"): ScramCrypto | undefined {
  lib ??= findLibCrypto();
  const c = lib;
  if (c === undefined) return undefined;
  const md = hash === "SHA-256" ? c.EVP_sha256() : c.EVP_sha512();
  const size = hash === "SHA-256" ? 32 : 64;
  return {
    hash: (data) => {
      const out = ffi.new(`unsigned char[${size}]`);
      c.EVP_Digest(data, data.length, out, undefined, md, undefined);
      return ffi.string(out, size);
    },
    hmac: (key, data) => {
      const out = ffi.new(`unsigned char[${size}]`);
      c.HMAC(md, key, key.length, data, data.length, out, undefined);
      return ffi.string(out, size);
    },
    pbkdf2: (password, salt, iterations) => {
      const out = ffi.new(`unsigned char[${size}]`);
      c.PKCS5_PBKDF2_HMAC(password, password.length, salt, salt.length, iterations, md, size, out);
      return ffi.string(out, size);
    },
  };
}

/** HMAC-SHA256 of `data` under `key` (raw bytes); undefined when libcrypto cannot be found. Webhook signatures. */
export function hmacSha256(key: string, data: string): string | undefined {
  lib ??= findLibCrypto();
  const c = lib;
  if (c === undefined) return undefined;
  const out = ffi.new("unsigned char[32]");
  if (c.HMAC(c.EVP_sha256(), key, key.length, data, data.length, out, undefined) === undefined) return undefined;
  return ffi.string(out, 32);
}
