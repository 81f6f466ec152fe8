/**
 * Error bodies are valid UTF-8 JSON whatever bytes the client sent: a tier named by a
 * trusted header that is not configured is echoed in tier-limit's 403 body, and a client
 * that sends 0xFF 0xFE there must still get JSON a strict reader (Jackson, Python,
 * TextDecoder with `fatal`) accepts, the bytes replaced by U+FFFD (plugins/core/utf8.ts).
 * Both test hosts, real nginx.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { DEMO_KEYS, HOSTS, startGateway, tierLimitConfig, type RunningGateway } from "./harness.ts";
import { rawGet } from "./raw-http.ts";

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

let upstream: EchoUpstream;
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream?.stop();
});

describe.each(HOSTS)("error bodies from client bytes that are not UTF-8, %s-shaped host", (host) => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    const conf = {
      tiers: { free: { limits: { GET: { minute: 100 } } } },
      tier_sources: ["trusted_header"],
      trusted_header: "X-Tier",
      trusted_cidrs: ["127.0.0.1/32"],
    };
    gateway = await startGateway(host, tierLimitConfig(host, conf), upstream.url);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("403 for an unknown tier sent as 0xFF 0xFE (and an overlong, a surrogate): strict JSON, each bad sequence U+FFFD", async () => {
    const reply = await rawGet(gateway.url, "/limited/%ff%fe", {
      apikey: DEMO_KEYS.free,
      "X-Tier": Buffer.from([0xff, 0xfe, 0x2d, 0xc0, 0x80, 0x2d, 0xed, 0xa0, 0x80, 0x2d, 0xc3, 0xa9]),
      "User-Agent": Buffer.from([0xff, 0xfe]),
    });
    expect(reply.status).toBe(403);
    expect(reply.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(STRICT_UTF8.decode(reply.body)) as Record<string, unknown>;
    // C0 80 and ED A0 80 are two and three maximal subparts; the valid é is kept.
    expect(body).toMatchObject({ error: "unknown_tier", message: "Tier '\ufffd\ufffd-\ufffd\ufffd-\ufffd\ufffd\ufffd-é' is not configured." });
  });
});
