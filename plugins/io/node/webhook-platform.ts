/**
 * HMAC-SHA256 and JSON decoding for webhook handling under Node (kong-pdk, and the
 * vitest side of the vectors): node:crypto and JSON.parse. The Lua twin is
 * io/lua/webhook-platform.ts.
 */
import { createHmac } from "node:crypto";
import type { WebhookPlatform } from "../../entitlement-check/webhook";

export const NODE_WEBHOOK_PLATFORM: WebhookPlatform = {
  // The body arrives as a string; its UTF-8 bytes are what the sender signed.
  hmacSha256Hex: (key, data) => createHmac("sha256", key).update(data, "utf8").digest("hex"),
  decodeJson: (text) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  },
};
