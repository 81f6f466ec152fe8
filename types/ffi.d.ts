/**
 * LuaJIT's FFI (`require("ffi")`), only as far as tollgate uses it: C declarations, a
 * library's functions, C buffers and their bytes (io/lua/crypto.ts calls OpenSSL's
 * libcrypto, which Kong, APISIX and Debian's nginx all link).
 */

/** A C value (pointer, buffer, number); opaque to TypeScript. */
interface FfiCData {
  readonly __cdataBrand: unique symbol;
}

declare module "ffi" {
  /** @noSelf */
  interface Ffi {
    cdef(declarations: string): void;
    /** The process's own symbols (the nginx binary and the libraries it loaded). */
    readonly C: unknown;
    load(name: string): unknown;
    /** A new C value of that type (e.g. a zero-filled `unsigned char[32]`). */
    "new"(ctype: string): FfiCData;
    string(pointer: FfiCData, length?: number): string;
    /** The C errno left by the last C call. */
    errno(): number;
  }
  const ffi: Ffi;
  export = ffi;
}
