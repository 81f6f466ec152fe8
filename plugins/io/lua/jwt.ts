/**
 * The claims of a JWT that a gateway auth plugin has ALREADY verified (Kong's jwt
 * plugin leaves the raw token in kong.ctx.shared.authenticated_jwt_token). This only
 * decodes the payload segment; it must never be used on a token from the request.
 */
import cjson = require("cjson.safe");

/** base64url → base64 with padding, as ngx.decode_base64 expects. */
function toBase64(segment: string): string {
  let text = string.gsub(string.gsub(segment, "-", "+")[0], "_", "/")[0];
  const rest = text.length % 4;
  if (rest === 2) text = `${text}==`;
  else if (rest === 3) text = `${text}=`;
  return text;
}

export function verifiedJwtClaims(token: unknown): { [claim: string]: unknown } | undefined {
  if (typeof token !== "string") return undefined;
  const [first] = string.find(token, ".", 1, true);
  if (first === undefined) return undefined;
  const [second] = string.find(token, ".", first + 1, true);
  if (second === undefined) return undefined;
  const decoded = ngx.decode_base64(toBase64(string.sub(token, first + 1, second - 1)));
  if (decoded === undefined) return undefined;
  const [claims] = cjson.decode(decoded);
  return typeof claims === "object" && claims !== null ? (claims as { [claim: string]: unknown }) : undefined;
}
