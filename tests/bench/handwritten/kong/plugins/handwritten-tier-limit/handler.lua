-- A hand-written Lua version of tier-limit's hot path, for `make bench` only: what a
-- careful Lua developer would write for the same job (tier from the consumer's
-- `tier:<name>` tag, sliding window counter over a lua_shared_dict, the same
-- counters, headers, refund on refusal and 429 body). The benchmark compares the
-- compiled TypeScript against it. Not shipped; not a plugin anyone should install.
local ngx = ngx
local kong = kong
local floor = math.floor
local ceil = math.ceil
local new_tab = require("table.new")

local WINDOWS = { "second", "minute", "hour", "day" }
local LENGTH = { second = 1, minute = 60, hour = 3600, day = 86400 }
local LIMIT_HEADER = {
  second = "X-RateLimit-Limit-Second", minute = "X-RateLimit-Limit-Minute",
  hour = "X-RateLimit-Limit-Hour", day = "X-RateLimit-Limit-Day",
}
local REMAINING_HEADER = {
  second = "X-RateLimit-Remaining-Second", minute = "X-RateLimit-Remaining-Minute",
  hour = "X-RateLimit-Remaining-Hour", day = "X-RateLimit-Remaining-Day",
}

local function consumer_tier(consumer)
  local tags = consumer.tags
  if not tags then return nil end
  for i = 1, #tags do
    local tag = tags[i]
    if #tag > 5 and tag:sub(1, 5) == "tier:" then return tag:sub(6) end
  end
  return nil
end

local Handler = { PRIORITY = 911, VERSION = "0.0.0" }

function Handler:access(conf)
  kong.service.request.clear_header("X-API-Tier")
  local consumer = kong.client.get_consumer()
  if not consumer then
    return kong.response.exit(401, { error = "unauthenticated", message = "This API requires credentials." })
  end
  local tier_name = consumer_tier(consumer)
  local tier = tier_name and conf.tiers[tier_name]
  if not tier then
    return kong.response.exit(403, { error = "no_tier", message = "No tier is assigned to this consumer." })
  end
  kong.service.request.set_header("X-API-Tier", tier_name)
  if tier.unlimited then return end

  local method = kong.request.get_method()
  local limits = tier.limits and (tier.limits[method] or tier.limits["*"])
  if not limits then return end

  local dict = ngx.shared[conf.dict]
  local now = ngx.now()
  local second = floor(now)
  local prefix = "hw:{" .. consumer.id .. "}:" .. tier_name .. ":" .. method .. ":"
  -- Made with room for what goes in (as tier-limit does): filled one by one, LuaJIT
  -- would grow them, rehashing the headers table at 1, 2, 4 and 8 keys.
  local keys, n = new_tab(#WINDOWS, 0), 0
  local exceeded, tightest, tightest_remaining
  local headers = new_tab(0, 2 * #WINDOWS + 4)
  for i = 1, #WINDOWS do
    local window = WINDOWS[i]
    local limit = limits[window]
    if limit then
      local length = LENGTH[window]
      local start = second - second % length
      local key = prefix .. window .. ":" .. start
      local count = dict:incr(key, 1, 0, start + 2 * length - second + 1)
      n = n + 1
      keys[n] = key
      local weight = floor((1 - (now - start) / length) * 1e6) / 1e6
      local previous = dict:get(prefix .. window .. ":" .. (start - length)) or 0
      local estimate = previous * weight + count
      local remaining = floor(limit - estimate)
      if remaining < 0 then remaining = 0 end
      if estimate > limit and not exceeded then exceeded = window end
      headers[LIMIT_HEADER[window]] = limit
      headers[REMAINING_HEADER[window]] = remaining
      if not tightest or remaining < tightest_remaining then
        tightest, tightest_remaining = window, remaining
      end
      if window == tightest then
        headers["RateLimit-Limit"] = limit
        headers["RateLimit-Reset"] = ceil(start + length - now)
      end
    end
  end
  headers["RateLimit-Remaining"] = tightest_remaining
  if exceeded then
    for i = 1, n do dict:incr(keys[i], -1) end
    local length = LENGTH[exceeded]
    local retry = ceil(second - second % length + length - now)
    headers["Retry-After"] = retry
    return kong.response.exit(429, {
      error = "rate_limited", message = "API rate limit exceeded", tier = tier_name,
      window = exceeded, limit = limits[exceeded], retry_after = retry,
    }, headers)
  end
  for name, value in pairs(headers) do kong.response.set_header(name, value) end
end

return Handler
