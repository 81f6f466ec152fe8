/**
 * HMAC-SHA256 and JSON decoding for webhook handling on the Lua hosts (and the busted
 * side of the vectors): OpenSSL through ./crypto.ts, and cjson.safe. The Node twin is
 * io/node/webhook-platform.ts.
 */
import cjson = require("cjson.safe");
import type { WebhookPlatform } from "../../entitlement-check/webhook";
import { hmacSha256 } from "./crypto";

function toHex(this: void, raw: string): string {
  const parts: string[] = [];
  for (let i = 1; i <= raw.length; i++) parts.push(string.format("%02x", string.byte(raw, i)));
  return parts.join("");
}

export const LUA_WEBHOOK_PLATFORM: WebhookPlatform = {
  hmacSha256Hex: (key, data) => {
    const raw = hmacSha256(key, data);
    // Without libcrypto nothing verifies: an empty digest matches no signature.
    return raw === undefined ? "" : toHex(raw);
  },
  decodeJson: (text) => {
    const [value] = cjson.decode(text);
    return value === null ? undefined : value;
  },
};
