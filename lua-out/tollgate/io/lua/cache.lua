--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____failure_2Dbackoff = require("tollgate.io.failure_backoff")
local FAILURE_BACKOFF_S = ____failure_2Dbackoff.FAILURE_BACKOFF_S
local lrucache = require("resty.lrucache")
--- Seconds between two checks of a waited-for fetch.
local WAIT_STEP_S = 0.005
--- One LRU per namespace and size, per worker.
local workerCaches = {}
local function workerCache(options, dict)
    -- plugins/io/lua/cache.ts:80
    if options.worker ~= nil then
        return options.worker
    end
    local id = options.namespace .. "#" .. tostring(options.lruSize)
    local cache = workerCaches[id]
    if cache == nil then
        local lru = lrucache.new(options.lruSize)
        local epoch = dict:get("epoch")
        cache = {
            lru = lru,
            epoch = type(epoch) == "number" and epoch or 0
        }
        workerCaches[id] = cache
    end
    options.worker = cache
    return cache
end
--- `epoch`: the cache epoch when the fetch started (invalidation compares with it).
local function encodeEntry(fetched, fetchedAt, epoch)
    -- plugins/io/lua/cache.ts:95
    return (fetched.negative and "N" or "P") .. tostring(math.floor(fetchedAt * 1000)) .. ":" .. tostring(epoch) .. "|" .. fetched.payload
end
--- Reads an answer from the dict, undefined when absent, undecodable, or invalidated.
local function readEntry(options, dict, key, subject, decode)
    -- plugins/io/lua/cache.ts:100
    local stored = dict:get(key)
    if type(stored) ~= "string" then
        return nil
    end
    local bar = string.find(stored, "|", 2, true)
    if bar == nil then
        return nil
    end
    local colon = string.find(stored, ":", 2, true)
    if colon == nil or colon > bar then
        return nil
    end
    local fetchedAt = (tonumber(string.sub(stored, 2, colon - 1)) or 0) / 1000
    local epoch = tonumber(string.sub(stored, colon + 1, bar - 1)) or 0
    local invalidated = dict:get("v:" .. subject)
    if type(invalidated) == "number" and epoch < invalidated then
        return nil
    end
    local value = decode(string.sub(stored, bar + 1))
    if value == nil then
        return nil
    end
    local fresh = string.sub(stored, 1, 1) == "N" and options.negativeTtl or options.ttl
    return {value = value, fetchedAt = fetchedAt, freshUntil = fetchedAt + fresh, staleUntil = fetchedAt + fresh + options.staleTtl}
end
local function remember(cache, subject, entry, now)
    -- plugins/io/lua/cache.ts:117
    local ttl = entry.staleUntil - now
    if ttl > 0 then
        cache.lru:set(subject, entry, ttl)
    end
end
--- The shared dict's entry for `subject` when it is fresh (remembered in this worker's LRU too), else undefined.
local function freshShared(options, dict, cache, key, subject, decode, now)
    -- plugins/io/lua/cache.ts:123
    local entry = readEntry(
        options,
        dict,
        key,
        subject,
        decode
    )
    if entry == nil or now >= entry.freshUntil then
        return nil
    end
    remember(cache, subject, entry, now)
    return entry
end
--- The invalidation epoch of the caches in `dict`: it moves whenever an operator
-- invalidates a subject (invalidateSubject), so something derived from a cached answer
-- stays good only while the epoch it was derived under is current.
function ____exports.cacheEpoch(dict)
    -- plugins/io/lua/cache.ts:135
    local epoch = dict:get("epoch")
    return type(epoch) == "number" and epoch or 0
end
--- The cached value for `subject`, fetching it when needed. Returns the value, how it
-- was obtained and, when fresh, until when (ngx.now() seconds); or undefined and why
-- nothing could be had.
function ____exports.cachedGet(options, subject, fetch, decode)
    -- plugins/io/lua/cache.ts:145
    local dict = ngx.shared[options.dict]
    if dict == nil then
        return nil, "lua_shared_dict '" .. options.dict .. "' is not declared", 0
    end
    local cache = workerCache(options, dict)
    local epoch = ____exports.cacheEpoch(dict)
    if epoch ~= cache.epoch then
        cache.lru:flush_all()
        cache.epoch = epoch
    end
    local now = ngx.now()
    local cached = cache.lru:get(subject)
    if cached ~= nil and now < cached.freshUntil then
        return cached.value, "fresh", cached.freshUntil
    end
    local key = "c:" .. options.namespace .. ":" .. subject
    local stale = cached
    local shared = readEntry(
        options,
        dict,
        key,
        subject,
        decode
    )
    if shared ~= nil then
        if now < shared.freshUntil then
            remember(cache, subject, shared, now)
            return shared.value, "fresh", shared.freshUntil
        end
        if stale == nil or shared.fetchedAt > stale.fetchedAt then
            stale = shared
        end
    end
    local usableStale = stale ~= nil and now < stale.staleUntil and stale or nil
    local failKey = "f:" .. options.namespace .. ":" .. subject
    local failure = dict:get(failKey)
    if type(failure) == "string" then
        if usableStale ~= nil then
            return usableStale.value, "stale", 0
        end
        return nil, failure, 0
    end
    local lockKey = "l:" .. options.namespace .. ":" .. subject
    local locked, lockErr = dict:add(lockKey, true, options.lockTtl)
    if not locked and lockErr == "exists" then
        local waitUntil = now + options.lockTimeoutMs / 1000
        while ngx.now() < waitUntil do
            ngx.sleep(WAIT_STEP_S)
            now = ngx.now()
            local answered = freshShared(
                options,
                dict,
                cache,
                key,
                subject,
                decode,
                now
            )
            if answered ~= nil then
                return answered.value, "fresh", answered.freshUntil
            end
            local failed = dict:get(failKey)
            if type(failed) == "string" then
                break
            end
            local stillLocked = dict:get(lockKey)
            if stillLocked == nil then
                break
            end
        end
        if usableStale ~= nil then
            return usableStale.value, "stale", 0
        end
        local failed = dict:get(failKey)
        return nil, type(failed) == "string" and failed or "timed out waiting for another request's fetch", 0
    end
    if locked then
        local answered = freshShared(
            options,
            dict,
            cache,
            key,
            subject,
            decode,
            now
        )
        if answered ~= nil then
            dict:delete(lockKey)
            return answered.value, "fresh", answered.freshUntil
        end
    end
    local startedAt = ngx.now()
    local fetched, err = fetch(subject)
    now = ngx.now()
    if fetched == nil then
        dict:set(failKey, err or "fetch failed", FAILURE_BACKOFF_S)
        dict:delete(lockKey)
        if usableStale ~= nil then
            return usableStale.value, "stale", 0
        end
        return nil, err or "fetch failed", 0
    end
    local value = decode(fetched.payload)
    if value == nil then
        dict:delete(lockKey)
        return nil, "fetched payload does not decode", 0
    end
    local fresh = fetched.negative and options.negativeTtl or options.ttl
    local entry = {value = value, fetchedAt = startedAt, freshUntil = startedAt + fresh, staleUntil = startedAt + fresh + options.staleTtl}
    dict:set(
        key,
        encodeEntry(fetched, startedAt, cache.epoch),
        fresh + options.staleTtl
    )
    dict:delete(lockKey)
    remember(cache, subject, entry, now)
    return value, "fresh", entry.freshUntil
end
--- Forgets every cached answer about `subject` in this nginx (all workers, all
-- namespaces): the next request for it fetches. Call from any phase where shared
-- dicts are available.
function ____exports.invalidateSubject(dictName, subject)
    -- plugins/io/lua/cache.ts:241
    local dict = ngx.shared[dictName]
    if dict == nil then
        return false, "lua_shared_dict '" .. dictName .. "' is not declared"
    end
    local epoch, incrErr = dict:incr("epoch", 1, 0)
    if epoch == nil then
        return false, incrErr
    end
    local ok, err = dict:set("v:" .. subject, epoch)
    if not ok then
        return false, err
    end
    return true, nil
end
--- Makes `fetched` the answer about `subject` in the namespace of `options`, as if just
-- fetched: every other cached answer about it is dropped first (invalidateSubject), so
-- all workers read this one. For a signed webhook that carries the answer itself.
function ____exports.storeAnswer(options, subject, fetched)
    -- plugins/io/lua/cache.ts:256
    local dropped, dropErr = ____exports.invalidateSubject(options.dict, subject)
    if not dropped then
        return false, dropErr
    end
    local dict = ngx.shared[options.dict]
    local now = ngx.now()
    local fresh = fetched.negative and options.negativeTtl or options.ttl
    local ok, err = dict:set(
        "c:" .. options.namespace .. ":" .. subject,
        encodeEntry(
            fetched,
            now,
            ____exports.cacheEpoch(dict)
        ),
        fresh + options.staleTtl
    )
    local ____ok_1 = ok
    local ____ok_0
    if ok then
        ____ok_0 = nil
    else
        ____ok_0 = err
    end
    return ____ok_1, ____ok_0
end
--- Entries in this worker's LRUs (for tests and diagnostics).
function ____exports.workerCacheSize()
    -- plugins/io/lua/cache.ts:268
    local total = 0
    for ____, cache in pairs(workerCaches) do
        total = total + cache.lru:count()
    end
    return total
end
return ____exports
