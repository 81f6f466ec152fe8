/**
 * What never goes into a usage event. Events end up in billing systems, data lakes and
 * the hands of people who should never see a customer's credentials, so the rule is
 * conservative and applied where the operator can see it: at config load.
 *
 *   - No request header is copied unless the operator allowlisted it (`headers`), and a
 *     header name that looks like it carries a credential cannot be allowlisted.
 *   - The path is the gateway's normalized path without the query string (API keys are
 *     often sent as `?apikey=`).
 *   - The consumer is named by id, username or custom_id; no credential id or key.
 */

/** Whole names that carry credentials (lower case). */
const SECRET_NAMES: { readonly [name: string]: true } = {
  authorization: true,
  "proxy-authorization": true,
  cookie: true,
  "set-cookie": true,
  apikey: true,
};

/**
 * Parts of names that usually carry credentials: x-api-key, x-auth-token,
 * x-amz-security-token, x-session-id, x-client-secret, x-hub-signature… A false
 * positive costs the operator a rename; a false negative leaks a key into billing.
 */
const SECRET_PARTS = ["auth", "cookie", "token", "secret", "password", "passwd", "key", "session", "credential", "signature"];

/** Why `name` may not be allowlisted, or undefined when it may. */
export function secretHeaderProblem(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (SECRET_NAMES[lower] === true) return `'${name}' carries credentials and is never put in an event`;
  for (const part of SECRET_PARTS) {
    // indexOf compiles to a plain string.find: no pattern characters to escape.
    if (lower.indexOf(part) >= 0) return `'${name}' looks like it carries credentials ('${part}') and is never put in an event`;
  }
  return undefined;
}
