-- Validator for Kong 3.x schema definitions (a plugin's schema.lua), used by
-- the tollgate Kong-shaped test host at start-up.
--
-- TEST AND PLAYGROUND INFRASTRUCTURE ONLY -- not a product, not Kong's
-- kong.db.schema. Written from Kong 3.x's documented schema semantics and
-- its error messages, so that a bad `config` in kong.yml is rejected here with
-- the same words Kong would use, plus the full field path
-- (`config.tiers.free.limits.GET.minute: value should be between 0 and 1000000000`).
--
-- What it does, as Kong does at insert time and then at read time:
--   * records are required unless they say `required = false`: Kong's
--     make_records_required (kong/db/schema/entity.lua, 2.8.5 and 3.9.3),
--     which Entity.new_subschema runs on every plugin schema, sets
--     `required = true` on each record field that has no `required`, walking
--     record fields only (Schema.each_field over `fields`: never array
--     elements or map values), and clears it on the plugin schema itself;
--   * fills defaults (a copy of `default`); a missing optional field without
--     default becomes ngx.null while validating; a missing `required` record
--     is expanded so that its nested defaults apply, and its own required
--     fields then fail (handle_missing_field in kong/db/schema/init.lua);
--   * types: string (empty strings rejected unless len_min = 0), number,
--     integer, boolean, array, set (deduplicated), map, record, foreign
--     (only for the plugin's consumer/route/service scope fields);
--   * validators, in Kong's order: eq, ne, not_one_of, one_of, gt, timestamp,
--     uuid, is_regex, between, len_eq, len_min, len_max, starts_with,
--     not_match, match_none, match, match_all, match_any, contains,
--     custom_validator, mutually_exclusive_subsets; `err` overrides a message;
--   * unknown fields in a record are rejected ("unknown field");
--   * entity_checks on any record and at the top level: custom_entity_check,
--     at_least_one_of, only_one_of, distinct, mutually_required,
--     mutually_exclusive, conditional. The check functions see ngx.null for
--     absent optional fields, as in Kong.
--   * a `referenceable` string field holding a vault reference ("{vault://...}")
--     skips its validators (validate_field in kong/db/schema/init.lua, 2.8.5
--     and 3.9.3), and an entity check reading such a field is skipped
--     (run_entity_check);
--   * finally ngx.null is stripped: a plugin handler sees `nil` for an absent
--     optional field, as Kong's plugins iterator hands configs to handlers;
--     and references in referenceable fields (strings, strings in arrays and
--     map values, at any depth of records) are replaced by their value, as
--     Kong's "select" read does (process_auto_fields, 3.9.3; vault.lua here
--     does the env vault): an unresolvable one becomes "" with a warning;
--     the record that held them gets a "$refs" key naming them, as in Kong.
-- Not supported (start-up fails with a message saying so rather than
-- silently skipping validation): shorthand_fields, transformations, the
-- legacy `check` function, `json` fields, other entity checkers, subschemas.

local util = require("tollgate_kong_host.util")
local vault = require("tollgate_kong_host.vault")

local null = ngx.null
local type = type
local pairs = pairs
local next = next
local tostring = tostring
local floor = math.floor
local format = string.format
local find = string.find
local sub = string.sub
local match = string.match
local huge = math.huge

local _M = {}

local MESSAGES = {
  ARRAY = "expected an array",
  SET = "expected a set",
  MAP = "expected a map",
  RECORD = "expected a record",
  STRING = "expected a string",
  NUMBER = "expected a number",
  BOOLEAN = "expected a boolean",
  INTEGER = "expected an integer",
  FUNCTION = "expected a function",
  EQ = "value must be %s",
  NE = "value must not be %s",
  GT = "value must be greater than %s",
  BETWEEN = "value should be between %s and %s",
  LEN_EQ = "length must be %s",
  LEN_MIN = "length must be at least %s",
  LEN_MAX = "length must be at most %s",
  MATCH = "invalid value: %s",
  STARTS_WITH = "should start with: %s",
  CONTAINS = "expected to contain: %s",
  ONE_OF = "expected one of: %s",
  NOT_ONE_OF = "must not be one of: %s",
  IS_REGEX = "not a valid regex: %s",
  TIMESTAMP = "expected a valid timestamp",
  UUID = "expected a valid UUID",
  VALIDATION = "failed validating: %s",
  REQUIRED = "required field missing",
  UNKNOWN = "unknown field",
  REQUIRED_FOR_ENTITY_CHECK = "field required for entity check",
  CONDITIONAL = "failed conditional validation given value of field '%s'",
  AT_LEAST_ONE_OF = "at least one of these fields must be non-empty: %s",
  ONLY_ONE_OF = "exactly one of these fields must be non-empty: %s",
  DISTINCT = "values of these fields must be distinct: %s",
  MUTUALLY_REQUIRED = "all or none of these fields must be set: %s",
  MUTUALLY_EXCLUSIVE = "only one or none of these fields must be set: %s",
  MUTUALLY_EXCLUSIVE_SETS = "these sets are mutually exclusive: %s",
}

-- Numbers in messages: integers without a decimal point (Kong uses %d).
local function num(v)
  if type(v) == "number" and v == floor(v) and v > -2 ^ 53 and v < 2 ^ 53 then
    return format("%d", v)
  end
  return tostring(v)
end

local function join_path(path, key)
  if path == "" then
    return tostring(key)
  end
  return path .. "." .. tostring(key)
end

local function add_error(errs, path, msg)
  errs[#errs + 1] = { path = path, msg = msg }
end

local function quoted_list(words)
  local parts = {}
  for i = 1, #words do
    parts[i] = "'" .. tostring(words[i]) .. "'"
  end
  return table.concat(parts, ", ")
end

local function is_nonempty(v)
  if v == nil or v == null then
    return false
  end
  if type(v) == "table" then
    return next(v) ~= nil
  end
  if type(v) == "string" then
    return v ~= ""
  end
  return true
end

local function length_of(value, field)
  if field.type == "map" then
    local n = 0
    for _ in pairs(value) do
      n = n + 1
    end
    return n
  end
  return #value
end

-- Field validators, keyed as in a schema field. Each returns true, or nil and
-- a message (nil message -> the generic one for its name).
local VALIDATORS = {
  eq = function(v, wanted)
    if v == wanted then return true end
    return nil, format(MESSAGES.EQ, wanted == null and "null" or tostring(wanted))
  end,
  ne = function(v, wanted)
    if v ~= wanted then return true end
    return nil, format(MESSAGES.NE, tostring(v))
  end,
  not_one_of = function(v, options)
    for i = 1, #options do
      if v == options[i] then
        return nil, format(MESSAGES.NOT_ONE_OF, util.join(options))
      end
    end
    return true
  end,
  one_of = function(v, options)
    for i = 1, #options do
      if v == options[i] then return true end
    end
    return nil, format(MESSAGES.ONE_OF, util.join(options))
  end,
  gt = function(v, limit)
    if v > limit then return true end
    return nil, format(MESSAGES.GT, num(limit))
  end,
  timestamp = function(v)
    if v > 0 then return true end
    return nil, MESSAGES.TIMESTAMP
  end,
  uuid = function(v)
    if #v == 36 and match(v, "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$") then
      return true
    end
    return nil, MESSAGES.UUID
  end,
  is_regex = function(v)
    local _, err = ngx.re.find("any string", v, "jo")
    if err == nil then return true end
    return nil, format(MESSAGES.IS_REGEX, v)
  end,
  between = function(v, limits)
    if v < limits[1] or v > limits[2] then
      return nil, format(MESSAGES.BETWEEN, num(limits[1]), num(limits[2]))
    end
    return true
  end,
  len_eq = function(v, n, field)
    if length_of(v, field) == n then return true end
    return nil, format(MESSAGES.LEN_EQ, num(n))
  end,
  len_min = function(v, n, field)
    if length_of(v, field) >= n then return true end
    return nil, format(MESSAGES.LEN_MIN, num(n))
  end,
  len_max = function(v, n, field)
    if length_of(v, field) <= n then return true end
    return nil, format(MESSAGES.LEN_MAX, num(n))
  end,
  starts_with = function(v, prefix)
    if sub(v, 1, #prefix) == prefix then return true end
    return nil, format(MESSAGES.STARTS_WITH, prefix)
  end,
  not_match = function(v, pattern)
    if not match(v, pattern) then return true end
    return nil, format(MESSAGES.MATCH, v)
  end,
  match_none = function(v, list)
    for i = 1, #list do
      if match(v, list[i].pattern) then return nil, list[i].err end
    end
    return true
  end,
  match = function(v, pattern)
    if match(v, pattern) then return true end
    return nil, format(MESSAGES.MATCH, v)
  end,
  match_all = function(v, list)
    for i = 1, #list do
      if not match(v, list[i].pattern) then return nil, list[i].err end
    end
    return true
  end,
  match_any = function(v, arg)
    for i = 1, #arg.patterns do
      if match(v, arg.patterns[i]) then return true end
    end
    return nil, arg.err
  end,
  contains = function(v, wanted)
    for i = 1, #v do
      if v[i] == wanted then return true end
    end
    return nil, format(MESSAGES.CONTAINS, tostring(wanted))
  end,
  custom_validator = function(v, fn)
    -- A validator that throws is reported as a validation failure, not as a
    -- crash of the host.
    local ok, res, err = pcall(fn, v)
    if not ok then
      return nil, tostring(res)
    end
    return res, err
  end,
  mutually_exclusive_subsets = function(v, subsets)
    local owner = {}
    for i = 1, #subsets do
      for j = 1, #subsets[i] do
        owner[subsets[i][j]] = subsets[i]
      end
    end
    local seen, found = {}, {}
    for i = 1, #v do
      local s = owner[v[i]]
      if s and not seen[s] then
        seen[s] = true
        found[#found + 1] = "(" .. quoted_list(s) .. ")"
      end
    end
    if #found <= 1 then return true end
    return nil, format(MESSAGES.MUTUALLY_EXCLUSIVE_SETS, table.concat(found, ", "))
  end,
}

local VALIDATOR_ORDER = {
  "eq", "ne", "not_one_of", "one_of",
  "gt", "timestamp", "uuid", "is_regex", "between",
  "len_eq", "len_min", "len_max",
  "starts_with", "not_match", "match_none", "match", "match_all", "match_any",
  "contains", "custom_validator", "mutually_exclusive_subsets",
}

local UNSUPPORTED_SCHEMA_KEYS = { "shorthand_fields", "transformations", "check", "subschema_key" }

local function assert_supported(def, path)
  for i = 1, #UNSUPPORTED_SCHEMA_KEYS do
    local key = UNSUPPORTED_SCHEMA_KEYS[i]
    if def[key] ~= nil then
      error(format("schema feature '%s' (at %s) is not supported by the tollgate Kong test host",
                   key, path == "" and "top level" or path), 0)
    end
  end
end

local check -- forward declaration: check(field, value, path, errs) -> processed value

-- The value a missing field takes at insert time, as in Kong.
local function missing_value(field)
  if field.default ~= nil then
    return util.deep_copy(field.default)
  end
  if field.required ~= true then
    return null
  end
  if field.type == "record" then
    return {} -- expanded by check(), so nested defaults apply
  end
  return nil
end

local function run_validators(field, value, path, errs)
  for i = 1, #VALIDATOR_ORDER do
    local name = VALIDATOR_ORDER[i]
    local arg = field[name]
    if arg ~= nil then
      local ok, err = VALIDATORS[name](value, arg, field)
      if not ok then
        if not err then
          err = format(MESSAGES.VALIDATION, tostring(value))
        end
        add_error(errs, path, field.err or err)
        return
      end
    end
  end
  -- Kong rejects empty strings unless the schema says len_min = 0.
  if field.type == "string" and field.len_min == nil and value == "" then
    add_error(errs, path, field.err or format(MESSAGES.LEN_MIN, "1"))
  end
end

-- Elements of arrays/sets and keys/values of maps are required in Kong.
local function check_required(field, value, path, errs)
  if value == nil or value == null then
    add_error(errs, path, MESSAGES.REQUIRED)
    return value
  end
  return check(field, value, path, errs)
end

local function has_error_under(errs, path)
  local prefix = path .. "."
  for i = 1, #errs do
    local p = errs[i].path
    if p == path or sub(p, 1, #prefix) == prefix then
      return true
    end
  end
  return false
end

local function get_field(tbl, name)
  if tbl == nil or tbl == null then
    return nil
  end
  local dot = find(name, ".", 1, true)
  if not dot then
    return tbl[name]
  end
  return get_field(tbl[sub(name, 1, dot - 1)], sub(name, dot + 1))
end

local function set_field(tbl, name, value)
  local dot = find(name, ".", 1, true)
  if not dot then
    tbl[name] = value
    return
  end
  local head = sub(name, 1, dot - 1)
  if tbl[head] == nil then
    tbl[head] = {}
  end
  set_field(tbl[head], sub(name, dot + 1), value)
end

-- The field definition at a dotted path inside a record definition.
local function get_schema_field(record_def, name)
  if record_def == nil or record_def.fields == nil then
    return nil
  end
  local dot = find(name, ".", 1, true)
  local head = dot and sub(name, 1, dot - 1) or name
  for i = 1, #record_def.fields do
    local fname, def = next(record_def.fields[i])
    if fname == head then
      if dot then
        return get_schema_field(def, sub(name, dot + 1))
      end
      return def
    end
  end
  return nil
end

-- A field definition overridden by a `conditional` branch (if_match / then_match).
local function overlay(base, over)
  local out = {}
  for k, v in pairs(base or {}) do out[k] = v end
  for k, v in pairs(over or {}) do out[k] = v end
  return out
end

-- Entity checkers: how each one picks its fields, and what it checks.
--   fields(arg)       -> the dotted names it reads
--   required(arg)     -> the names that must be present (not nil)
--   with_missing      -> run even when fields are missing
--   with_invalid      -> run even when one of its fields already has an error
--   fn(entity, arg, ctx) -> true | nil, message
local function names_of(arg) return arg end

local CHECKERS = {
  at_least_one_of = {
    fields = names_of, with_missing = true, with_invalid = true,
    fn = function(entity, arg)
      for i = 1, #arg do
        if is_nonempty(get_field(entity, arg[i])) then return true end
      end
      return nil, format(MESSAGES.AT_LEAST_ONE_OF, quoted_list(arg))
    end,
  },
  only_one_of = {
    fields = names_of, required = names_of, with_invalid = true,
    fn = function(entity, arg)
      local count = 0
      for i = 1, #arg do
        if is_nonempty(get_field(entity, arg[i])) then count = count + 1 end
      end
      if count == 1 then return true end
      return nil, format(MESSAGES.ONLY_ONE_OF, quoted_list(arg))
    end,
  },
  distinct = {
    fields = names_of, required = names_of, with_invalid = true,
    fn = function(entity, arg)
      local seen = {}
      for i = 1, #arg do
        local v = get_field(entity, arg[i])
        if is_nonempty(v) then
          if seen[v] then return nil, format(MESSAGES.DISTINCT, quoted_list(arg)) end
          seen[v] = true
        end
      end
      return true
    end,
  },
  mutually_required = {
    fields = names_of, with_missing = true,
    fn = function(entity, arg)
      local set = 0
      for i = 1, #arg do
        if is_nonempty(get_field(entity, arg[i])) then set = set + 1 end
      end
      if set == 0 or set == #arg then return true end
      return nil, format(MESSAGES.MUTUALLY_REQUIRED, quoted_list(arg))
    end,
  },
  mutually_exclusive = {
    fields = names_of, with_missing = true,
    fn = function(entity, arg)
      local set = 0
      for i = 1, #arg do
        if is_nonempty(get_field(entity, arg[i])) then set = set + 1 end
      end
      if set <= 1 then return true end
      return nil, format(MESSAGES.MUTUALLY_EXCLUSIVE, quoted_list(arg))
    end,
  },
  conditional = {
    fields = function(arg) return { arg.if_field, arg.then_field } end,
    required = function(arg) return { arg.if_field } end,
    with_invalid = true,
    fn = function(entity, arg, ctx)
      local if_value = get_field(entity, arg.if_field)
      local then_value = get_field(entity, arg.then_field)
      if then_value == nil then
        then_value = null
      end
      local scratch = {}
      check(overlay(get_schema_field(ctx.record_def, arg.if_field), arg.if_match),
            if_value, "", scratch)
      if #scratch > 0 then
        return true -- the condition does not hold
      end
      local then_path = join_path(ctx.path, arg.then_field)
      if arg.then_match.required == true and then_value == null then
        add_error(ctx.errs, then_path, MESSAGES.REQUIRED)
        return nil, format(MESSAGES.CONDITIONAL, arg.if_field)
      end
      local then_errs = {}
      check(overlay(get_schema_field(ctx.record_def, arg.then_field), arg.then_match),
            then_value, then_path, then_errs)
      if #then_errs > 0 then
        for i = 1, #then_errs do
          ctx.errs[#ctx.errs + 1] = then_errs[i]
        end
        return nil, arg.then_err and format(arg.then_err, arg.if_field)
                    or format(MESSAGES.CONDITIONAL, arg.if_field)
      end
      return true
    end,
  },
  custom_entity_check = {
    fields = function(arg) return arg.field_sources end,
    required = function(arg) return arg.field_sources end,
    fn = function(entity, arg)
      local ok, res, err = pcall(arg.fn, entity)
      if not ok then
        return nil, tostring(res)
      end
      if res then return true end
      return nil, err or "entity check failed"
    end,
  },
}

-- A string field that takes a vault reference (schema `referenceable`).
local function is_referenceable_string(field)
  return field and field.type == "string" and field.referenceable
end

-- Runs a record's (or the plugin entity's) entity_checks over its processed
-- value. `path` is the record's path ("" at the top level).
local function run_entity_checks(checks, record_def, value, path, errs)
  if checks == nil then
    return
  end
  for i = 1, #checks do
    local name, arg = next(checks[i])
    local checker = CHECKERS[name]
    if not checker then
      error(format("entity check '%s' (at %s) is not supported by the tollgate Kong test host",
                   tostring(name), path == "" and "top level" or path), 0)
    end
    if arg ~= nil and arg ~= null then
      local names = checker.fields(arg) or {}
      local required = {}
      for _, n in pairs(checker.required and checker.required(arg) or {}) do
        required[n] = true
      end
      local projection = {}
      local missing = {}
      local all_nil, invalid, skip_reference = true, false, false
      for j = 1, #names do
        local fname = names[j]
        local v = get_field(value, fname)
        if v == nil then
          if not checker.with_missing and not arg.run_with_missing_fields and required[fname] then
            missing[#missing + 1] = fname
          end
        else
          all_nil = false
          if vault.is_reference(v) and is_referenceable_string(get_schema_field(record_def, fname)) then
            skip_reference = true
          end
        end
        if has_error_under(errs, join_path(path, fname)) then
          invalid = true
        end
        set_field(projection, fname, v)
      end
      local skip = (invalid and not checker.with_invalid and not arg.run_with_invalid_fields)
                   or (all_nil and not checker.with_missing) or skip_reference
      if not skip then
        if #missing > 0 then
          for j = 1, #missing do
            add_error(errs, join_path(path, missing[j]), MESSAGES.REQUIRED_FOR_ENTITY_CHECK)
          end
        else
          local ctx = { record_def = record_def, path = path, errs = errs }
          local ok, err = checker.fn(projection, arg, ctx)
          if not ok then
            local where = path == "" and "@entity" or path
            add_error(errs, where, tostring(err))
          end
        end
      end
    end
  end
end

local function check_record(field, value, path, errs)
  assert_supported(field, path)
  local fields = field.fields or {}
  local known = {}
  for i = 1, #fields do
    local fname = next(fields[i])
    known[fname] = true
  end
  for k in pairs(value) do
    if not known[k] then
      add_error(errs, join_path(path, k), MESSAGES.UNKNOWN)
    end
  end
  local out = {}
  for i = 1, #fields do
    local fname, def = next(fields[i])
    out[fname] = check(def, value[fname], join_path(path, fname), errs)
  end
  run_entity_checks(field.entity_checks, field, out, path, errs)
  return out
end

check = function(field, value, path, errs)
  if value == nil then
    value = missing_value(field)
  end

  if value == nil or value == null then
    if field.ne == null then
      add_error(errs, path, field.err or format(MESSAGES.NE, "null"))
    elseif field.eq ~= nil and field.eq ~= null then
      add_error(errs, path, format(MESSAGES.EQ, tostring(field.eq)))
    elseif field.required then
      add_error(errs, path, MESSAGES.REQUIRED)
    end
    return value
  end

  if field.eq == null then
    add_error(errs, path, field.err or format(MESSAGES.EQ, "null"))
    return value
  end

  local ftype = field.type
  if ftype == "record" then
    if type(value) ~= "table" then
      add_error(errs, path, MESSAGES.RECORD)
      return value
    end
    return check_record(field, value, path, errs)

  elseif ftype == "array" or ftype == "set" then
    if not util.is_sequence(value) then
      add_error(errs, path, ftype == "set" and MESSAGES.SET or MESSAGES.ARRAY)
      return value
    end
    local out, n = {}, 0
    local seen = ftype == "set" and {} or nil
    for i = 1, #value do
      local v = check_required(field.elements or {}, value[i], join_path(path, i), errs)
      if seen == nil then
        n = n + 1
        out[n] = v
      elseif not seen[v] then
        seen[v] = true
        n = n + 1
        out[n] = v
      end
    end
    value = out

  elseif ftype == "map" then
    if type(value) ~= "table" then
      add_error(errs, path, MESSAGES.MAP)
      return value
    end
    local out = {}
    for k, v in pairs(value) do
      local kpath = join_path(path, k)
      check_required(field.keys or {}, k, kpath, errs)
      out[k] = check_required(field.values or {}, v, kpath, errs)
    end
    value = out

  elseif ftype == "integer" then
    if type(value) ~= "number" or value ~= floor(value) or value == huge or value == -huge then
      add_error(errs, path, MESSAGES.INTEGER)
      return value
    end

  elseif ftype == "number" or ftype == "string" or ftype == "boolean" or ftype == "function" then
    if type(value) ~= ftype then
      add_error(errs, path, MESSAGES[ftype:upper()])
      return value
    end
    if field.referenceable and vault.is_reference(value) then
      return value -- checked once resolved, as in Kong
    end

  elseif ftype == "foreign" then
    -- Only used for the plugin's consumer/route/service scope fields; the
    -- host resolves references itself.
    return value

  elseif ftype == nil then
    -- Kong's internal "any" marker (used by conditional branches): validators only.
    ftype = "any"

  else
    error(format("schema field type '%s' (at %s) is not supported by the tollgate Kong test host",
                 tostring(ftype), path), 0)
  end

  run_validators(field, value, path, errs)
  return value
end

-- Removes ngx.null from a processed config: handlers see nil for absent
-- optional fields, as with Kong's plugins iterator (it reads configs back
-- with the "select" context, which turns null into nil).
local function strip_nulls(v)
  if type(v) ~= "table" then
    return v
  end
  for k, x in pairs(v) do
    if x == null then
      v[k] = nil
    else
      strip_nulls(x)
    end
  end
  return v
end

-- Kong's make_records_required (see the header).
local function make_records_required(field)
  if field.required == nil then
    field.required = true
  end
  local fields = field.fields or {}
  for i = 1, #fields do
    local _, def = next(fields[i])
    if type(def) == "table" and def.type == "record" then
      make_records_required(def)
    end
  end
end

-- The "select" read of references (see the header): resolves in place.
-- Returns the references it replaced in `value` itself when it is an array
-- or map ({ key = reference }), for the record holding it.
local function resolve_references(field, value)
  if type(value) ~= "table" then
    return nil
  end
  if field.type == "record" then
    -- Kong 3.9.3 keeps a record's replaced references in its "$refs" key
    -- (process_auto_fields), which a handler sees too.
    local refs
    local fields = field.fields or {}
    for i = 1, #fields do
      local fname, def = next(fields[i])
      local v = value[fname]
      local found
      if is_referenceable_string(def) and vault.is_reference(v) then
        value[fname] = vault.resolve(v)
        found = v
      else
        found = resolve_references(def, v)
      end
      if found then
        refs = refs or {}
        refs[fname] = found
      end
    end
    value["$refs"] = refs
    return nil
  end
  local sub_def = field.elements or field.values
  if sub_def == nil then
    return nil
  end
  local refs
  for k, v in pairs(value) do
    if is_referenceable_string(sub_def) and vault.is_reference(v) then
      value[k] = vault.resolve(v)
      refs = refs or {}
      refs[k] = v
    else
      resolve_references(sub_def, v)
    end
  end
  return refs
end

-- Validates one plugin entity against its plugin's schema.lua table.
--   entity: { config = <table|nil>, protocols = <array|nil>,
--             consumer/route/service = <{ id = ... }> when scoped, else nil }
-- Returns conf (defaults filled, nulls stripped), protocols
-- or nil, { "path: message", ... }.
function _M.validate_plugin(plugin_schema, entity)
  if type(plugin_schema) ~= "table" or type(plugin_schema.fields) ~= "table" then
    return nil, { "schema: the plugin's schema.lua must return a table with 'fields'" }
  end
  assert_supported(plugin_schema, "")
  -- Entity.new_subschema: mutates the schema, as Kong does (idempotent).
  make_records_required(plugin_schema)
  plugin_schema.required = nil

  local errs = {}
  local processed = {}
  local config_def
  for i = 1, #plugin_schema.fields do
    local fname, def = next(plugin_schema.fields[i])
    if fname == "config" then
      config_def = def
    end
    local given = entity[fname]
    if given == nil and (fname == "consumer" or fname == "route" or fname == "service") then
      given = null
    end
    processed[fname] = check(def, given, fname, errs)
  end

  if not config_def or config_def.type ~= "record" then
    return nil, { "schema: the plugin's schema.lua has no 'config' record field" }
  end

  run_entity_checks(plugin_schema.entity_checks, plugin_schema, processed, "", errs)

  if #errs > 0 then
    local out = {}
    for i = 1, #errs do
      out[i] = errs[i].path .. ": " .. errs[i].msg
    end
    return nil, out
  end

  local protocols = processed.protocols
  if protocols == nil or protocols == null then
    protocols = entity.protocols
  end
  local conf = strip_nulls(processed.config)
  resolve_references(config_def, conf)
  return conf, protocols
end

-- Exposed for the host's own (key-auth) schema and for unit checks.
_M.strip_nulls = strip_nulls

return _M
