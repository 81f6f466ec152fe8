--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____murmur3 = require("tollgate.feature_toggle.murmur3")
local murmur3 = ____murmur3.murmur3
____exports.BUCKET_LIMIT = 10000
function ____exports.newBucketBudget()
    -- plugins/feature-toggle/buckets.ts:32
    return {tables = {}, size = 0}
end
function ____exports.newBucketTable(budget, groupId, seed, normalizer)
    -- plugins/feature-toggle/buckets.ts:36
    local ____table = {
        prefix = groupId .. ":",
        seed = seed,
        normalizer = normalizer,
        byId = {},
        budget = budget
    }
    local ____budget_tables_0 = budget.tables
    ____budget_tables_0[#____budget_tables_0 + 1] = ____table
    return ____table
end
--- murmur3("<groupId>:<id>", seed) % normalizer + 1, remembered.
function ____exports.bucketOf(____table, id)
    -- plugins/feature-toggle/buckets.ts:43
    local known = ____table.byId[id]
    if type(known) == "number" then
        return known
    end
    local budget = ____table.budget
    if budget.size >= ____exports.BUCKET_LIMIT then
        for ____, each in ipairs(budget.tables) do
            each.byId = {}
        end
        budget.size = 0
    end
    local bucket = murmur3(____table.prefix .. id, ____table.seed) % ____table.normalizer + 1
    ____table.byId[id] = bucket
    budget.size = budget.size + 1
    return bucket
end
--- For test vectors: bucketOf on one table per (groupId, seed, normalizer), kept across calls.
local vectorBudget = ____exports.newBucketBudget()
local vectorTables = {}
function ____exports.bucketAt(groupId, id, normalizer, seed)
    -- plugins/feature-toggle/buckets.ts:63
    local key = groupId .. "|" .. tostring(seed) .. "|" .. tostring(normalizer)
    local ____table = vectorTables[key]
    if ____table == nil then
        ____table = ____exports.newBucketTable(vectorBudget, groupId, seed, normalizer)
        vectorTables[key] = ____table
    end
    return ____exports.bucketOf(____table, id)
end
return ____exports
