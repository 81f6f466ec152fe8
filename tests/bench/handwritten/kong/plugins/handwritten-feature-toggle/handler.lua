-- A hand-written Lua evaluator for feature-toggle's benchmark flags, for `make bench`
-- only: what a careful Lua developer would write to evaluate the same 50 flags on
-- every request, as the bench's feature-toggle-50-evaluated does. It knows only the
-- flag shapes that benchmark uses — on/off, `tiers`, `flexibleRollout` with default
-- stickiness, `default` with IN / STR_STARTS_WITH constraints, variants with default
-- stickiness — compiled once per config into flat records and evaluated in one loop,
-- each rollout's and variant set's murmur3 buckets remembered per caller id (as
-- tollgate does). Same result as feature-toggle for those flags: the 403 for a
-- required flag that is off, the client's X-Features removed and the enabled flags
-- forwarded in it. It shows what evaluating 50 flags per request costs in Lua at all,
-- whoever writes it. Not shipped; not a plugin anyone should install.
local kong = kong
local sub = string.sub
local concat = table.concat
local murmur3 = require("tollgate.feature_toggle.murmur3").murmur3

local VARIANT_SEED = 86028157
local OFF, ON, TIERS, ROLLOUT, CONSTRAINED, VARIANTS = 0, 1, 2, 3, 4, 5

local function set_of(list)
  local set = {}
  for _, item in ipairs(list) do set[item] = true end
  return set
end

local function compile_constraint(constraint)
  if constraint.operator == "IN" then
    return { field = constraint.contextName, set = set_of(constraint.values) }
  elseif constraint.operator == "STR_STARTS_WITH" then
    return { field = constraint.contextName, prefixes = constraint.values }
  end
  error("handwritten-feature-toggle: unsupported operator " .. constraint.operator)
end

local function compile_flag(flag)
  local record = { name = flag.name, kind = ON }
  local strategy = flag.strategies and flag.strategies[1]
  if flag.enabled == false then
    record.kind = OFF
  elseif flag.variants and #flag.variants > 0 then
    local total, bounds, items = 0, {}, {}
    for i, variant in ipairs(flag.variants) do
      total = total + variant.weight
      bounds[i] = total
      items[i] = flag.name .. "=" .. variant.name
    end
    record.kind, record.prefix, record.total, record.bounds, record.items, record.buckets = VARIANTS, flag.name .. ":", total, bounds, items, {}
  elseif strategy == nil then
    record.kind = ON
  elseif strategy.name == "tiers" then
    local tiers = {}
    for tier in string.gmatch(strategy.parameters.tiers, "[^,%s]+") do tiers[tier] = true end
    record.kind, record.tiers = TIERS, tiers
  elseif strategy.name == "flexibleRollout" then
    local group = strategy.parameters.groupId or flag.name
    record.kind, record.prefix, record.total, record.rollout, record.buckets = ROLLOUT, group .. ":", 100, tonumber(strategy.parameters.rollout), {}
  elseif strategy.name == "default" and strategy.constraints and #strategy.constraints > 0 then
    local constraints = {}
    for i, constraint in ipairs(strategy.constraints) do constraints[i] = compile_constraint(constraint) end
    record.kind, record.constraints = CONSTRAINED, constraints
  elseif strategy.name ~= "default" then
    error("handwritten-feature-toggle: unsupported strategy " .. strategy.name)
  end
  return record
end

-- Compiled flags by config table (Kong hands the same table to every request of a config).
local compiled = setmetatable({}, { __mode = "k" })

local function flags_of(conf)
  local flags = compiled[conf]
  if flags == nil then
    flags = { list = {}, by_name = {} }
    for i, flag in ipairs(conf.flags) do
      local record = compile_flag(flag)
      flags.list[i] = record
      flags.by_name[flag.name] = record
    end
    compiled[conf] = flags
  end
  return flags
end

local function bucket(record, id, seed)
  local value = record.buckets[id]
  if value == nil then
    value = murmur3(record.prefix .. id, seed) % record.total + 1
    record.buckets[id] = value
  end
  return value
end

local function holds(constraint, context)
  local actual = context[constraint.field]
  if actual == nil then return false end
  if constraint.set then return constraint.set[actual] == true end
  for _, prefix in ipairs(constraint.prefixes) do
    if sub(actual, 1, #prefix) == prefix then return true end
  end
  return false
end

-- The header items of one request (no request yields between filling and joining it).
local items = {}

-- Evaluates every flag; each record's `on` holds this request's answer.
local function evaluate(list, context)
  local count = 0
  for i = 1, #list do
    local record = list[i]
    local kind = record.kind
    local item
    if kind == ON then
      item = record.name
    elseif kind == TIERS then
      local tier = context.tier
      if tier ~= nil and record.tiers[tier] then item = record.name end
    elseif kind == ROLLOUT then
      local id = context.userId
      if id ~= nil and record.rollout > 0 and bucket(record, id, 0) <= record.rollout then item = record.name end
    elseif kind == CONSTRAINED then
      local ok = true
      for _, constraint in ipairs(record.constraints) do
        if not holds(constraint, context) then ok = false break end
      end
      if ok then item = record.name end
    elseif kind == VARIANTS then
      local target = bucket(record, context.userId or context.remoteAddress, VARIANT_SEED)
      local bounds = record.bounds
      for v = 1, #bounds do
        if target <= bounds[v] then item = record.items[v] break end
      end
    end
    record.on = item ~= nil
    if item ~= nil then
      count = count + 1
      items[count] = item
    end
  end
  for i = count + 1, #items do items[i] = nil end
  return count
end

local Handler = { PRIORITY = 910, VERSION = "0.0.0" }

function Handler:access(conf)
  local request = kong.service.request
  request.clear_header(conf.header)
  local consumer = kong.client.get_consumer()
  local context = { remoteAddress = kong.client.get_forwarded_ip(), tier = kong.ctx.shared.tollgate_tier }
  if consumer then
    context.userId = consumer.username or consumer.id
    context.consumer = context.userId
    for _, tag in ipairs(consumer.tags or {}) do
      if sub(tag, 1, 5) == "tier:" and context.tier == nil then context.tier = sub(tag, 6) end
      if sub(tag, 1, 5) == "plan:" then context.plan = sub(tag, 6) end
    end
  end
  local flags = flags_of(conf)
  local count = evaluate(flags.list, context)
  for _, name in ipairs(conf.require) do
    local record = flags.by_name[name]
    if record == nil or not record.on then
      return kong.response.exit(403, { error = "feature_not_enabled", feature = name, reason = "not_targeted" })
    end
  end
  if count > 0 then
    local features = concat(items, ",")
    request.set_header(conf.header, features)
    kong.ctx.shared.tollgate_features = features
  end
end

return Handler
