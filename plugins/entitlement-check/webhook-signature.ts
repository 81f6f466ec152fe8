/**
 * Webhook signatures, the scheme Stripe documents ("Verify webhook signatures",
 * and the stripe npm package's Webhooks.js, parseHeader / validateComputedSignature):
 *
 *   <Name>-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=…]
 *
 * Any v1 may match (Stripe sends several while an endpoint secret is being rolled);
 * other schemes (v0) are ignored; the comparison takes the same time wherever the
 * strings differ. tollgate's own contract signs the same way (webhook.ts).
 *
 * One difference from the stripe package: it refuses only timestamps older than the
 * tolerance; here a timestamp further than the tolerance in the future is refused too,
 * because event ids are remembered (against replays) for the tolerance only.
 *
 * Pure: the HMAC comes from the host (OpenSSL through FFI on Lua, node:crypto on Node).
 */

/** HMAC-SHA256 of `data` under `key`, as lowercase hex. */
export type HmacSha256Hex = (this: void, key: string, data: string) => string;

export interface SignatureHeader {
  timestamp?: number;
  signatures: string[];
}

/** Splits `t=…,v1=…,v1=…`; a part without "=" or of another scheme is skipped. */
export function parseSignatureHeader(header: string): SignatureHeader {
  const out: SignatureHeader = { signatures: [] };
  let start = 0;
  while (start <= header.length) {
    let end = header.indexOf(",", start);
    if (end < 0) end = header.length;
    const part = header.slice(start, end);
    const eq = part.indexOf("=");
    if (eq > 0) {
      const key = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      if (key === "t") {
        const t = tonumberDecimal(value);
        if (t !== undefined) out.timestamp = t;
      } else if (key === "v1" && value !== "") {
        out.signatures.push(value);
      }
    }
    start = end + 1;
  }
  return out;
}

/** A run of decimal digits as a number (no sign, no exponent, no spaces), else undefined. */
function tonumberDecimal(text: string): number | undefined {
  if (text.length === 0 || text.length > 15) return undefined;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** Equal strings, compared in a time that depends on their length only. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  /** `error`: missing_signature, malformed_signature, stale_signature or bad_signature. */
  | { ok: false; error: string; message: string };

/**
 * Whether `header` signs `payload` with `secret` at `now` (seconds), within `tolerance`
 * seconds either way.
 */
export function checkSignature(hmac: HmacSha256Hex, header: string | undefined, payload: string, secret: string, now: number, tolerance: number): SignatureCheck {
  if (header === undefined || header === "") return { ok: false, error: "missing_signature", message: "The request is not signed" };
  const parsed = parseSignatureHeader(header);
  if (parsed.timestamp === undefined || parsed.signatures.length === 0) {
    return { ok: false, error: "malformed_signature", message: "The signature header has no t= timestamp or no v1= signature" };
  }
  const age = Math.floor(now) - parsed.timestamp;
  if (age > tolerance || -age > tolerance) {
    return { ok: false, error: "stale_signature", message: `The signature's timestamp is more than ${tolerance} seconds away from now` };
  }
  const expected = hmac(secret, `${parsed.timestamp}.${payload}`);
  let matched = false;
  // Every candidate is compared (no early exit): the time taken does not say which one matched.
  for (const candidate of parsed.signatures) if (constantTimeEqual(expected, candidate.toLowerCase())) matched = true;
  if (!matched) return { ok: false, error: "bad_signature", message: "No signature matches the payload" };
  return { ok: true, timestamp: parsed.timestamp };
}
