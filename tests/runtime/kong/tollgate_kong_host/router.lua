-- Request router of the tollgate Kong-shaped test host.
--
-- TEST AND PLAYGROUND INFRASTRUCTURE ONLY -- not a product, not Kong's router.
--
-- Emulates Kong 3.x prefix routing ("traditional_compatible" flavour):
--   * a route path is a plain string prefix of the request path ("/api"
--     matches "/api", "/api/x" and "/apix"); the longest matching prefix wins;
--   * optional `methods` and `hosts` (exact, "*.suffix" or "prefix.*")
--     narrow a route; on equal prefix length a route with more conditions
--     wins, then declaration order;
--   * `strip_path` (default true) removes the matched prefix, and the
--     service `path` is prepended, following Kong's "v0" path_handling rules.
-- Not emulated: regex paths, headers/snis/sources/destinations, expressions,
-- regex_priority, https redirects, per-protocol matching.
-- The request path matched is nginx's normalized $uri (percent-decoded, dot
-- segments resolved), close to Kong's own normalization; the upstream path is
-- re-escaped where needed.

local ipairs = ipairs
local find = string.find
local sub = string.sub
local byte = string.byte
local gsub = string.gsub
local format = string.format
local lower = string.lower
local sort = table.sort

local SLASH = byte("/")

local _M = {}

-- Kong's "v0" rules for the upstream path.
--   base: service path (or "/"); path: request path; plen: matched prefix length.
local function upstream_path_v0(base, strip, plen, path)
  if strip then
    local postfix = sub(path, plen + 1)
    if byte(base, -1) == SLASH then
      if postfix == "" then
        if base == "/" then
          return "/"
        end
        if byte(path, -1) == SLASH then
          return base
        end
        return sub(base, 1, -2)
      end
      if byte(postfix, 1) == SLASH then
        return sub(base, 1, -2) .. postfix
      end
      return base .. postfix
    end
    if postfix == "" then
      if #path > 1 and byte(path, -1) == SLASH then
        return base .. "/"
      end
      return base
    end
    if byte(postfix, 1) == SLASH then
      return base .. postfix
    end
    return base .. "/" .. postfix
  end
  if byte(base, -1) == SLASH then
    return base .. sub(path, 2)
  end
  if path == "/" then
    return base
  end
  return base .. path
end

-- Characters that may appear unescaped in a request-target path.
local UNSAFE = "[^%w%-%._~/!$&'()*+,;=:@]"

local function escape_char(c)
  return format("%%%02X", byte(c))
end

-- The path to send upstream for a request matched by `cand`.
function _M.upstream_path(cand, path)
  local rt = cand.route
  local up
  if rt.base == "/" and not rt.strip_path then
    up = path -- the common case, no string work
  else
    up = upstream_path_v0(rt.base, rt.strip_path, cand.plen, path)
  end
  if find(up, UNSAFE) then
    up = gsub(up, UNSAFE, escape_char)
  end
  return up
end

local function host_matches(hosts, host)
  if not host then
    return false
  end
  host = lower(host)
  for i = 1, #hosts do
    local h = hosts[i]
    if h == host then
      return true
    end
    if byte(h, 1) == byte("*") then
      local suffix = sub(h, 2)
      if #host > #suffix and sub(host, -#suffix) == suffix then
        return true
      end
    elseif byte(h, -1) == byte("*") then
      local prefix = sub(h, 1, -2)
      if #host > #prefix and sub(host, 1, #prefix) == prefix then
        return true
      end
    end
  end
  return false
end

-- routes: array of route records { entity, strip_path, base, ... } (see init.lua).
-- Returns a router { cands, needs_host }.
function _M.new(routes)
  local cands = {}
  local needs_host = false
  for order, rt in ipairs(routes) do
    local e = rt.entity
    local methods
    if e.methods and #e.methods > 0 then
      methods = {}
      for _, m in ipairs(e.methods) do
        methods[m] = true
      end
    end
    local hosts
    if e.hosts and #e.hosts > 0 then
      hosts = {}
      for i, h in ipairs(e.hosts) do
        hosts[i] = lower(h)
      end
      needs_host = true
    end
    local nconds = (methods and 1 or 0) + (hosts and 1 or 0)
    local paths = (e.paths and #e.paths > 0) and e.paths or { "" }
    for _, p in ipairs(paths) do
      cands[#cands + 1] = {
        prefix = p, plen = #p, methods = methods, hosts = hosts,
        nconds = nconds, order = order, route = rt,
      }
    end
  end
  sort(cands, function(a, b)
    if a.plen ~= b.plen then return a.plen > b.plen end
    if a.nconds ~= b.nconds then return a.nconds > b.nconds end
    return a.order < b.order
  end)
  return { cands = cands, n = #cands, needs_host = needs_host }
end

-- The first (most specific) candidate matching the request, or nil.
function _M.match(router, method, path, host)
  local cands = router.cands
  for i = 1, router.n do
    local c = cands[i]
    if (c.plen == 0 or find(path, c.prefix, 1, true) == 1)
       and (c.methods == nil or c.methods[method])
       and (c.hosts == nil or host_matches(c.hosts, host)) then
      return c
    end
  end
  return nil
end

-- Exposed for a unit check of the path rules.
_M.upstream_path_v0 = upstream_path_v0

return _M
