--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____values = require("tollgate.core.values")
local isList = ____values.isList
local isNull = ____values.isNull
local isObject = ____values.isObject
local ____subscription = require("tollgate.entitlement_check.subscription")
local mapServiceResponse = ____subscription.mapServiceResponse
local ____webhook_2Dsignature = require("tollgate.entitlement_check.webhook_signature")
local checkSignature = ____webhook_2Dsignature.checkSignature
--- The events that change what Stripe's active entitlements say about a customer.
____exports.STRIPE_EVENTS = {
    "entitlements.active_entitlement_summary.updated",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.paused",
    "customer.subscription.resumed",
    "invoice.payment_failed"
}
____exports.MAX_SUBJECTS = 100
____exports.SIGNATURE_HEADERS = {stripe = "Stripe-Signature", tollgate = "Tollgate-Signature"}
local function refuse(status, ____error, message)
    -- plugins/entitlement-check/webhook.ts:85
    return {status = status, body = {error = ____error, message = message}, subjects = {}, refused = ____error .. ": " .. message}
end
--- The Stripe customer an event is about (data.object.customer: an id, or an expanded customer).
local function stripeCustomer(event)
    -- plugins/entitlement-check/webhook.ts:93
    local data = event.data
    if not isObject(data) then
        return nil
    end
    local object = data.object
    if not isObject(object) then
        return nil
    end
    local customer = object.customer
    if type(customer) == "string" and customer ~= "" then
        return customer
    end
    if isObject(customer) and type(customer.id) == "string" and customer.id ~= "" then
        return customer.id
    end
    return nil
end
--- A Stripe event's action (pure mapping; exported for the vectors).
function ____exports.stripeEventAction(event)
    -- plugins/entitlement-check/webhook.ts:105
    local ____type = event.type
    if type(____type) ~= "string" then
        return {kind = "malformed", message = "the event has no type"}
    end
    local relevant = false
    for ____, known in ipairs(____exports.STRIPE_EVENTS) do
        if known == ____type then
            relevant = true
        end
    end
    if not relevant then
        return {kind = "ignore", type = ____type}
    end
    local customer = stripeCustomer(event)
    if customer == nil then
        return {kind = "malformed", message = ____type .. ": data.object.customer is missing"}
    end
    return {kind = "apply", subjects = {customer}}
end
--- A tollgate-contract event's action (pure mapping; exported for the vectors).
function ____exports.tollgateEventAction(event)
    -- plugins/entitlement-check/webhook.ts:117
    local subjects = event.subjects
    if not isList(subjects) or #subjects == 0 then
        return {kind = "malformed", message = "subjects must be a non-empty list"}
    end
    if #subjects > ____exports.MAX_SUBJECTS then
        return {
            kind = "malformed",
            message = "subjects: at most " .. tostring(____exports.MAX_SUBJECTS)
        }
    end
    local out = {}
    for ____, subject in ipairs(subjects) do
        if type(subject) ~= "string" or subject == "" then
            return {kind = "malformed", message = "subjects must be non-empty strings"}
        end
        out[#out + 1] = subject
    end
    local answer = event.answer
    if isNull(answer) then
        return {kind = "apply", subjects = out}
    end
    local lookup = mapServiceResponse("tollgate", 200, answer)
    if lookup.kind ~= "found" then
        return {kind = "malformed", message = "answer: " .. (lookup.kind == "unknown" and lookup.reason or "not a subscription")}
    end
    return {kind = "apply", subjects = out, answer = lookup}
end
--- The whole handling of one webhook request at `now` (seconds).
function ____exports.handleWebhook(webhook, platform, request, now, replay)
    -- plugins/entitlement-check/webhook.ts:134
    if request.method ~= "POST" then
        return refuse(405, "method_not_allowed", "Webhooks are POSTed")
    end
    if request.oversized then
        return refuse(
            400,
            "payload_too_large",
            "The body is larger than " .. tostring(webhook.max_body_bytes) .. " bytes"
        )
    end
    local payload = request.body
    if payload == nil or payload == "" then
        return refuse(400, "malformed", "The body is empty")
    end
    local signed = checkSignature(
        platform.hmacSha256Hex,
        request.signature,
        payload,
        webhook.secret,
        now,
        webhook.tolerance
    )
    if not signed.ok then
        return refuse(401, signed.error, signed.message)
    end
    local event = platform.decodeJson(payload)
    if not isObject(event) then
        return refuse(400, "malformed", "The body is not a JSON object")
    end
    local id = event.id
    if type(id) ~= "string" or id == "" then
        return refuse(400, "malformed", "The event has no id")
    end
    local action = webhook.provider == "stripe" and ____exports.stripeEventAction(event) or ____exports.tollgateEventAction(event)
    if action.kind == "malformed" then
        return refuse(400, "malformed", action.message)
    end
    local replayKey = webhook.provider .. ":" .. id
    if not replay.remember(replayKey, 2 * webhook.tolerance + 1) then
        return refuse(400, "replayed", "Event " .. id .. " was already received")
    end
    if action.kind == "ignore" then
        return {status = 200, body = {received = true, id = id, ignored = action.type}, subjects = {}, replayKey = replayKey}
    end
    local body = {received = true, id = id, subjects = #action.subjects, action = action.answer == nil and "dropped" or "set"}
    return {
        status = 200,
        body = body,
        subjects = action.subjects,
        answer = action.answer,
        replayKey = replayKey
    }
end
--- Vector helper: handleWebhook with the event ids in `seen` already remembered.
function ____exports.handleWebhookSeen(webhook, platform, request, now, seen)
    -- plugins/entitlement-check/webhook.ts:156
    local known = {}
    for ____, id in ipairs(seen) do
        known[id] = true
    end
    local replay = {remember = function(id)
        -- plugins/entitlement-check/webhook.ts:160
        if known[id] == true then
            return false
        end
        known[id] = true
        return true
    end}
    return ____exports.handleWebhook(
        webhook,
        platform,
        request,
        now,
        replay
    )
end
return ____exports
