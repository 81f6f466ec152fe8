-- JSON Web Tokens signed with HS256, for the jwt plugins of tollgate's Kong-shaped and
-- APISIX-shaped TEST hosts (not a product). Decodes a compact JWT and checks its
-- HMAC-SHA256 signature with OpenSSL, which Debian's nginx links (reached through the FFI).

local ffi = require("ffi")
local cjson = require("cjson.safe")

local decode_base64 = ngx.decode_base64
local find = string.find
local gsub = string.gsub

ffi.cdef [[
typedef struct evp_md_st EVP_MD;
const EVP_MD *EVP_sha256(void);
unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len,
                    const unsigned char *d, size_t n, unsigned char *md, unsigned int *md_len);
int CRYPTO_memcmp(const void *a, const void *b, size_t len);
]]
local C = ffi.C
local digest = ffi.new("unsigned char[32]")
local digest_len = ffi.new("unsigned int[1]")

local _M = {}

local function base64url_decode(segment)
  local s = gsub(gsub(segment, "-", "+"), "_", "/")
  local rest = #s % 4
  if rest == 2 then
    s = s .. "=="
  elseif rest == 3 then
    s = s .. "="
  end
  return decode_base64(s)
end

-- header, claims, signed part, signature (raw bytes); or nil when the token is not
-- three base64url segments of which the first two are JSON objects.
function _M.decode(token)
  local _, _, header64, claims64, signature64 = find(token, "^([^.]+)%.([^.]+)%.([^.]*)$")
  if not header64 then
    return nil
  end
  local header = cjson.decode(base64url_decode(header64) or "")
  local claims = cjson.decode(base64url_decode(claims64) or "")
  if type(header) ~= "table" or type(claims) ~= "table" then
    return nil
  end
  return header, claims, header64 .. "." .. claims64, base64url_decode(signature64)
end

-- Whether `signature` is the HMAC-SHA256 of `signed` under `secret` (constant time).
function _M.hs256_valid(secret, signed, signature)
  C.HMAC(C.EVP_sha256(), secret, #secret, signed, #signed, digest, digest_len)
  local n = digest_len[0]
  return signature ~= nil and #signature == n and C.CRYPTO_memcmp(signature, digest, n) == 0
end

return _M
