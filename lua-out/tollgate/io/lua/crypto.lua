--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ffi = require("ffi")
local DECLARATIONS = {
    "typedef struct evp_md_st EVP_MD;",
    "typedef struct engine_st ENGINE;",
    "const EVP_MD *EVP_sha256(void);",
    "const EVP_MD *EVP_sha512(void);",
    "unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len, const unsigned char *d, size_t n, unsigned char *md, unsigned int *md_len);",
    "int EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int *size, const EVP_MD *type, ENGINE *impl);",
    "int PKCS5_PBKDF2_HMAC(const char *pass, int passlen, const unsigned char *salt, int saltlen, int iter, const EVP_MD *digest, int keylen, unsigned char *out);",
    "int RAND_bytes(unsigned char *buf, int num);"
}
for ____, declaration in ipairs(DECLARATIONS) do
    pcall(ffi.cdef, declaration)
end
local function hasPbkdf2(lib)
    -- plugins/io/lua/crypto.ts:36
    return lib.PKCS5_PBKDF2_HMAC
end
--- libcrypto: the process's own, else loaded by one of its usual names; undefined when none is found.
local function findLibCrypto()
    -- plugins/io/lua/crypto.ts:41
    local inProcess = pcall(hasPbkdf2, ffi.C)
    if inProcess then
        return ffi.C
    end
    for ____, name in ipairs({"crypto", "libcrypto.so.3", "libcrypto.so.1.1"}) do
        local loaded, lib = pcall(ffi.load, name)
        if loaded then
            return lib
        end
    end
    return nil
end
local lib
--- `count` bytes from OpenSSL's CSPRNG; undefined when libcrypto cannot be found or fails.
function ____exports.randomBytes(count)
    -- plugins/io/lua/crypto.ts:55
    if lib == nil then
        lib = findLibCrypto()
    end
    if lib == nil then
        return nil
    end
    local out = ffi.new("unsigned char[" .. tostring(count) .. "]")
    return lib.RAND_bytes(out, count) == 1 and ffi.string(out, count) or nil
end
--- The primitives of SHA-256 or SHA-512 for SCRAM; undefined when libcrypto cannot be found.
function ____exports.scramCrypto(hash)
    -- plugins/io/lua/crypto.ts:63
    if lib == nil then
        lib = findLibCrypto()
    end
    local c = lib
    if c == nil then
        return nil
    end
    local md = hash == "SHA-256" and c.EVP_sha256() or c.EVP_sha512()
    local size = hash == "SHA-256" and 32 or 64
    return {
        hash = function(____, data)
            -- plugins/io/lua/crypto.ts:70
            local out = ffi.new("unsigned char[" .. tostring(size) .. "]")
            c.EVP_Digest(
                data,
                #data,
                out,
                nil,
                md,
                nil
            )
            return ffi.string(out, size)
        end,
        hmac = function(____, key, data)
            -- plugins/io/lua/crypto.ts:75
            local out = ffi.new("unsigned char[" .. tostring(size) .. "]")
            c.HMAC(
                md,
                key,
                #key,
                data,
                #data,
                out,
                nil
            )
            return ffi.string(out, size)
        end,
        pbkdf2 = function(____, password, salt, iterations)
            -- plugins/io/lua/crypto.ts:80
            local out = ffi.new("unsigned char[" .. tostring(size) .. "]")
            c.PKCS5_PBKDF2_HMAC(
                password,
                #password,
                salt,
                #salt,
                iterations,
                md,
                size,
                out
            )
            return ffi.string(out, size)
        end
    }
end
--- HMAC-SHA256 of `data` under `key` (raw bytes); undefined when libcrypto cannot be found. Webhook signatures.
function ____exports.hmacSha256(key, data)
    -- plugins/io/lua/crypto.ts:89
    if lib == nil then
        lib = findLibCrypto()
    end
    local c = lib
    if c == nil then
        return nil
    end
    local out = ffi.new("unsigned char[32]")
    if c.HMAC(
        c.EVP_sha256(),
        key,
        #key,
        data,
        #data,
        out,
        nil
    ) == nil then
        return nil
    end
    return ffi.string(out, 32)
end
return ____exports
