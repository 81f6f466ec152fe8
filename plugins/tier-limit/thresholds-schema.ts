/**
 * tier-limit's config fields for threshold events (see thresholds.ts): the percentages,
 * and where the events go besides kafka-usage — an HTTPS webhook signed like Stripe's.
 * Kept apart from schema.ts so the threshold feature reads as one piece.
 */
import { clientCertProblem } from "../core/client-cert";
import { parseHttpUrl, TLS_FIELDS } from "../core/http-url";
import { array, integer, record, string } from "../core/schema";

export const thresholdsSpec = array({
  description:
    "Percentages of a window's limit (e.g. [80, 100]): when a caller's count in a window reaches one, one threshold event is emitted, once per caller, window and threshold (node-wide with local; fleet-wide with redis).",
  elements: integer({ description: "Percent of the limit.", min: 1, max: 1000 }),
});

/**
 * The thresholds of a config, ascending and without repeats (empty: none configured).
 * Here, not in thresholds.ts, because prepare.ts needs it and thresholds.ts needs decide.ts.
 */
export function sortedThresholds(list: readonly number[] | undefined): number[] {
  const sorted: number[] = [];
  if (list === undefined) return sorted;
  for (const percent of list) sorted.push(percent);
  sorted.sort((a, b) => a - b);
  const unique: number[] = [];
  for (const percent of sorted) if (unique.length === 0 || unique[unique.length - 1] !== percent) unique.push(percent);
  return unique;
}

const webhook = record({
  description:
    "Send threshold events to an HTTPS endpoint (for teams without Kafka): POST of the CloudEvent JSON, signed with HMAC-SHA256 in a `Tollgate-Signature: t=<unix>,v1=<hex>` header over `<t>.<body>` (as Stripe signs), retried with backoff from a bounded per-worker queue until the endpoint answers 2xx.",
  fields: {
    url: string({ description: "http:// or https:// URL the events are POSTed to.", required: true, minLength: 8 }),
    secret: string({ description: "The signing secret (HMAC-SHA256 key). Never logged.", required: true, minLength: 8, referenceable: true }),
    signature_header: string({ description: "Name of the signature header.", default: "Tollgate-Signature", minLength: 1 }),
    ...TLS_FIELDS,
    timeout_ms: integer({ description: "Connect, send and read timeout of one attempt, in milliseconds.", default: 2000, min: 1, max: 60_000 }),
    max_events: integer({ description: "Events a worker holds at most while the endpoint fails; past it a new event is dropped and logged.", default: 10_000, min: 1, max: 1_000_000 }),
    initial_backoff_ms: integer({ description: "Upper bound of the first wait after a failed attempt (exponential, full jitter).", default: 500, min: 1, max: 60_000 }),
    max_backoff_ms: integer({ description: "Upper bound of any wait between attempts.", default: 30_000, min: 1, max: 600_000 }),
  },
  check: (conf) => {
    const url = conf["url"] as string;
    if (parseHttpUrl(url) === undefined) return `url: '${url}' is not an http:// or https:// URL`;
    return clientCertProblem(conf);
  },
});

export const thresholdEventsSpec = record({
  description: "The CloudEvents that thresholds emit: their type and source, and an optional webhook.",
  required: true,
  fields: {
    type: string({ description: "The events' CloudEvents `type`.", default: "com.tollgate.quota.threshold", minLength: 1 }),
    source: string({ description: "The events' CloudEvents `source`.", default: "tollgate/tier-limit", minLength: 1 }),
    webhook,
  },
});
