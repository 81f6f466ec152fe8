/**
 * The billing webhook of entitlement-check, sans IO: from a received request (method,
 * signature header, raw body) to what the host must do (drop, or set, cached answers
 * of some subjects) and the JSON answer. Hosts: lua/webhook.ts, kong-js.ts.
 *
 * Order of checks, each failure answered before anything is touched:
 *   405 not a POST; 400 payload_too_large (Content-Length or bytes read over
 *   max_body_bytes) or empty; 401 missing / malformed / stale / bad signature
 *   (webhook-signature.ts); 400 malformed (not a JSON object, no event id, a
 *   relevant event without a customer, bad subjects or answer); 400 replayed (an
 *   event id seen within the tolerance). Then: 200.
 *
 * Stripe (provider stripe, header Stripe-Signature): the events below name the Stripe
 * customer in data.object.customer (an id, or an expanded object with an id). The
 * service source asks about a subject (service.subject: the consumer's username,
 * custom_id or id) and the Stripe format's proxy turns it into `customer=`, so the
 * customer id is the subject: its cached answers are dropped and the next request asks
 * the service. Any other event type: 200 and ignored (Stripe stops retrying).
 *
 * tollgate's own contract (provider tollgate, header Tollgate-Signature, signed like
 * Stripe's): POST {"id": "<unique>", "subjects": ["alice", …], "answer": {…}?}.
 * Without answer the subjects' answers are dropped; with one (tollgate's service
 * contract: plan, status, current_period_end, features) it becomes their cached
 * answer, with no fetch. At most MAX_SUBJECTS subjects.
 *
 * A webhook never grants more than its signer says: it drops answers (the next request
 * asks the source) or, signed with the secret, sets the one it carries.
 */
import { isList, isNull, isObject, type PlainObject } from "../core/values";
import type { EntitlementCheckConfig } from "./schema";
import { mapServiceResponse, type Lookup } from "./subscription";
import { checkSignature, type HmacSha256Hex } from "./webhook-signature";

export type WebhookConfig = NonNullable<EntitlementCheckConfig["webhook"]>;

/** What the host provides: HMAC and JSON decoding of its runtime. */
export interface WebhookPlatform {
  hmacSha256Hex: HmacSha256Hex;
  /** The decoded value, or undefined when `text` is not JSON. */
  decodeJson(this: void, text: string): unknown;
}

/** Event ids already handled (a lua_shared_dict, or memory on Node). */
export interface ReplayMemory {
  /** Records `id` for `ttl` seconds: true when it was not there (first delivery), false when it was. */
  remember(this: void, id: string, ttl: number): boolean;
}

export interface WebhookRequest {
  method: string;
  /** The provider's signature header. */
  signature?: string;
  /** The raw body, undefined when oversized or absent. */
  body?: string;
  oversized: boolean;
}

export interface WebhookResult {
  status: number;
  body: PlainObject;
  /** Subjects whose cached answers to drop (or, with `answer`, to set). */
  subjects: string[];
  answer?: Lookup;
  /** The replay key recorded (the host forgets it when applying fails, so a retry is not a replay). */
  replayKey?: string;
  /** Why the request was refused, for the (throttled) log. */
  refused?: string;
}

/** The events that change what Stripe's active entitlements say about a customer. */
export const STRIPE_EVENTS = [
  "entitlements.active_entitlement_summary.updated",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.resumed",
  "invoice.payment_failed",
] as const;

export const MAX_SUBJECTS = 100;

export const SIGNATURE_HEADERS = { stripe: "Stripe-Signature", tollgate: "Tollgate-Signature" } as const;

function refuse(status: number, error: string, message: string): WebhookResult {
  return { status, body: { error, message }, subjects: [], refused: `${error}: ${message}` };
}

/** What an event asks for: subjects (and an answer), ignored, or why it is malformed. */
type EventAction = { kind: "apply"; subjects: string[]; answer?: Lookup } | { kind: "ignore"; type: string } | { kind: "malformed"; message: string };

/** The Stripe customer an event is about (data.object.customer: an id, or an expanded customer). */
function stripeCustomer(event: PlainObject): string | undefined {
  const data = event["data"];
  if (!isObject(data)) return undefined;
  const object = data["object"];
  if (!isObject(object)) return undefined;
  const customer = object["customer"];
  if (typeof customer === "string" && customer !== "") return customer;
  if (isObject(customer) && typeof customer["id"] === "string" && customer["id"] !== "") return customer["id"];
  return undefined;
}

/** A Stripe event's action (pure mapping; exported for the vectors). */
export function stripeEventAction(event: PlainObject): EventAction {
  const type = event["type"];
  if (typeof type !== "string") return { kind: "malformed", message: "the event has no type" };
  let relevant = false;
  for (const known of STRIPE_EVENTS) if (known === type) relevant = true;
  if (!relevant) return { kind: "ignore", type };
  const customer = stripeCustomer(event);
  if (customer === undefined) return { kind: "malformed", message: `${type}: data.object.customer is missing` };
  return { kind: "apply", subjects: [customer] };
}

/** A tollgate-contract event's action (pure mapping; exported for the vectors). */
export function tollgateEventAction(event: PlainObject): EventAction {
  const subjects = event["subjects"];
  if (!isList(subjects) || subjects.length === 0) return { kind: "malformed", message: "subjects must be a non-empty list" };
  if (subjects.length > MAX_SUBJECTS) return { kind: "malformed", message: `subjects: at most ${MAX_SUBJECTS}` };
  const out: string[] = [];
  for (const subject of subjects) {
    if (typeof subject !== "string" || subject === "") return { kind: "malformed", message: "subjects must be non-empty strings" };
    out.push(subject);
  }
  const answer = event["answer"];
  if (isNull(answer)) return { kind: "apply", subjects: out };
  const lookup = mapServiceResponse("tollgate", 200, answer);
  if (lookup.kind !== "found") return { kind: "malformed", message: `answer: ${lookup.kind === "unknown" ? lookup.reason : "not a subscription"}` };
  return { kind: "apply", subjects: out, answer: lookup };
}

/** The whole handling of one webhook request at `now` (seconds). */
export function handleWebhook(webhook: WebhookConfig, platform: WebhookPlatform, request: WebhookRequest, now: number, replay: ReplayMemory): WebhookResult {
  if (request.method !== "POST") return refuse(405, "method_not_allowed", "Webhooks are POSTed");
  if (request.oversized) return refuse(400, "payload_too_large", `The body is larger than ${webhook.max_body_bytes} bytes`);
  const payload = request.body;
  if (payload === undefined || payload === "") return refuse(400, "malformed", "The body is empty");
  const signed = checkSignature(platform.hmacSha256Hex, request.signature, payload, webhook.secret, now, webhook.tolerance);
  if (!signed.ok) return refuse(401, signed.error, signed.message);
  const event = platform.decodeJson(payload);
  if (!isObject(event)) return refuse(400, "malformed", "The body is not a JSON object");
  const id = event["id"];
  if (typeof id !== "string" || id === "") return refuse(400, "malformed", "The event has no id");
  const action = webhook.provider === "stripe" ? stripeEventAction(event) : tollgateEventAction(event);
  if (action.kind === "malformed") return refuse(400, "malformed", action.message);
  // Remembered past the last moment a signature of this event could still be accepted.
  const replayKey = `${webhook.provider}:${id}`;
  if (!replay.remember(replayKey, 2 * webhook.tolerance + 1)) return refuse(400, "replayed", `Event ${id} was already received`);
  if (action.kind === "ignore") return { status: 200, body: { received: true, id, ignored: action.type }, subjects: [], replayKey };
  const body: PlainObject = { received: true, id, subjects: action.subjects.length, action: action.answer === undefined ? "dropped" : "set" };
  return { status: 200, body, subjects: action.subjects, answer: action.answer, replayKey };
}

/** Vector helper: handleWebhook with the event ids in `seen` already remembered. */
export function handleWebhookSeen(webhook: WebhookConfig, platform: WebhookPlatform, request: WebhookRequest, now: number, seen: string[]): WebhookResult {
  const known: { [id: string]: boolean } = {};
  for (const id of seen) known[id] = true;
  const replay: ReplayMemory = {
    remember: (id) => {
      if (known[id] === true) return false;
      known[id] = true;
      return true;
    },
  };
  return handleWebhook(webhook, platform, request, now, replay);
}
