/**
 * feature-toggle through real nginx + ngx_lua, on the Kong-shaped and the
 * APISIX-shaped host, proxying to the echo upstream: premium-only feature, a 30%
 * sticky rollout over 2,000 consumers, a trial window that opens and closes on time
 * (clock moved with the test-only TOLLGATE_TEST_CLOCK_OFFSET), variants forwarded
 * upstream, client-sent feature headers stripped, REGEX through ngx.re.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../../plugins/core/validate.ts";
import { evaluate, prepareFlags } from "../../plugins/feature-toggle/evaluate.ts";
import { normalizedValue } from "../../plugins/feature-toggle/murmur3.ts";
import { featureToggleSchema } from "../../plugins/feature-toggle/schema.ts";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { describeGateway, echoed, HOSTS, request, startGateway, type HostKind, type RunningGateway } from "./harness.ts";

/** The gateway's clock runs this far ahead (TOLLGATE_TEST_CLOCK_OFFSET): 30 days. */
const CLOCK_OFFSET = 30 * 86_400;
const TRIAL_OPENS_IN = 4;
const TRIAL_LASTS = 4;
const ROLLOUT_CONSUMERS = 2000;

const rolloutUsers = Array.from({ length: ROLLOUT_CONSUMERS }, (_, i) => `c_${String(i).padStart(4, "0")}`);
const USERS = { free_user: "free", premium_user: "premium" } as const;

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

function flags(trialStart: number) {
  return [
    { name: "reports", strategies: [{ name: "tiers", parameters: { tiers: "premium,enterprise" } }] },
    { name: "beta-search", strategies: [{ name: "flexibleRollout", parameters: { rollout: "30", stickiness: "default", groupId: "beta-search" } }] },
    { name: "trial", startTime: iso(trialStart), endTime: iso(trialStart + TRIAL_LASTS) },
    {
      name: "checkout",
      variants: [
        { name: "blue", weight: 500, payload: { type: "string", value: "b" } },
        { name: "green", weight: 500, overrides: [{ contextName: "userId", values: ["free_user"] }] },
      ],
    },
    { name: "staff-tools", strategies: [{ name: "default", constraints: [{ contextName: "userId", operator: "REGEX", value: "(?i)^PREMIUM_" }] }] },
  ];
}

/** A flag file in the shape of Unleash's client API answer (bootstrap_file). */
const bootstrapDir = mkdtempSync(join(tmpdir(), "tollgate-ft-bootstrap-"));
const bootstrapFile = join(bootstrapDir, "features.json");
writeFileSync(
  bootstrapFile,
  JSON.stringify({ version: 2, features: [{ name: "from-file", enabled: true, strategies: [{ name: "tiers", parameters: { tiers: "premium" } }] }] }),
);

/** Route path → the plugin config on that route. */
function routeConfs(trialStart: number): Record<string, Record<string, unknown>> {
  const base = { flags: flags(trialStart), upgrade: "https://example.com/pricing" };
  return {
    "/boot": { bootstrap_file: bootstrapFile, require: ["from-file"], forward: "required" },
    "/reports": { ...base, require: ["reports"] },
    "/beta": { ...base, require: ["beta-search"], forward: "required" },
    "/trial": { ...base, require: ["trial"], forward: "none" },
    "/checkout": { ...base },
    "/staff": { ...base, require: ["staff-tools"], forward: "required" },
    "/public": { ...base, forward: "none" },
    "/tiered": { ...base, require: ["reports"], forward: "required" },
  };
}

/**
 * tier-limit in front of feature-toggle on /tiered: the tier comes from a header only a
 * trusted proxy (here the test, on 127.0.0.1) may set, else from the consumer's tag or
 * label, so one consumer's tier can differ from one request to the next.
 */
const TIERED_TIER_LIMIT = {
  tiers: { free: { limits: { "*": { minute: 100_000 } } }, premium: { limits: { "*": { minute: 100_000 } } } },
  tier_sources: ["trusted_header", "consumer"],
  trusted_header: "X-Tier",
  trusted_cidrs: ["127.0.0.1/32"],
};

function keyOf(username: string): string {
  return `key-${username}`;
}

function gatewayConfig(kind: HostKind, trialStart: number): Record<string, unknown> {
  const confs = routeConfs(trialStart);
  const users: [string, string | undefined][] = [...Object.entries(USERS), ...rolloutUsers.map((u): [string, undefined] => [u, undefined])];
  if (kind === "kong") {
    return {
      _format_version: "3.0",
      services: [
        {
          name: "svc",
          url: "http://127.0.0.1:9000",
          routes: Object.entries(confs).map(([path, conf]) => ({
            name: path.slice(1),
            paths: [path],
            plugins: [...(path === "/tiered" ? [{ name: "tier-limit", config: TIERED_TIER_LIMIT }] : []), { name: "feature-toggle", config: conf }],
          })),
        },
      ],
      consumers: users.map(([username, tier]) => ({
        username,
        tags: tier === undefined ? [] : [`tier:${tier}`],
        keyauth_credentials: [{ key: keyOf(username) }],
      })),
      plugins: [{ name: "key-auth", config: { key_names: ["apikey"] } }],
    };
  }
  return {
    routes: Object.entries(confs).map(([path, conf]) => ({
      id: path.slice(1),
      uri: path,
      upstream_id: "up",
      plugins: { "key-auth": {}, ...(path === "/tiered" ? { "tier-limit": TIERED_TIER_LIMIT } : {}), "feature-toggle": conf },
    })),
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: users.map(([username, tier]) => ({
      username,
      ...(tier === undefined ? {} : { labels: { tier } }),
      plugins: { "key-auth": { key: keyOf(username) } },
    })),
  };
}

async function startHost(kind: HostKind, trialStart: number, upstreamUrl: string): Promise<RunningGateway> {
  const env = { TOLLGATE_TEST_CLOCK_OFFSET: String(CLOCK_OFFSET) };
  const config = gatewayConfig(kind, trialStart) as never;
  return startGateway(kind, config, upstreamUrl, { env });
}

function as(username: string): Record<string, string> {
  return { apikey: keyOf(username) };
}

/** Statuses of one request per user, `parallel` at a time. */
async function statusesOf(url: string, users: string[], parallel = 16): Promise<number[]> {
  const statuses = new Array<number>(users.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < users.length) {
      const i = next++;
      const response = await fetch(url, { headers: as(users[i]!) });
      await response.arrayBuffer();
      statuses[i] = response.status;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return statuses;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let upstream: EchoUpstream;
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream?.stop();
  rmSync(bootstrapDir, { recursive: true, force: true });
});

describeGateway.each(HOSTS)("feature-toggle on the %s-shaped host", (host) => {
  let gateway: RunningGateway;
  /** Gateway-clock time (seconds) at which the trial opens. */
  let trialStart: number;

  beforeAll(async () => {
    trialStart = Math.ceil(Date.now() / 1000) + CLOCK_OFFSET + TRIAL_OPENS_IN + 2;
    gateway = await startHost(host, trialStart, upstream.url);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("refuses a premium-only feature to a free consumer with 403 JSON and an upgrade hint", async () => {
    const reply = await request(`${gateway.url}/reports`, { headers: as("free_user") });
    expect(reply.status).toBe(403);
    expect(reply.headers.get("content-type")).toMatch(/application\/json/);
    expect(reply.body).toEqual({ error: "feature_not_enabled", feature: "reports", reason: "not_targeted", upgrade: "https://example.com/pricing" });
  });

  it("lets a premium consumer through to the premium-only feature", async () => {
    const reply = await request(`${gateway.url}/reports`, { headers: as("premium_user") });
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-features"]).toContain("reports");
  });

  it("follows the tier tier-limit decided for each request, not the consumer's last one", async () => {
    // free_user is free by its tag/label; a trusted proxy may say otherwise per request.
    for (let i = 0; i < 3; i++) {
      const premium = await request(`${gateway.url}/tiered`, { headers: { ...as("free_user"), "X-Tier": "premium" } });
      expect(premium.status).toBe(200);
      expect(echoed(premium).headers["x-api-tier"]).toBe("premium");
      expect(echoed(premium).headers["x-features"]).toBe("reports");
      const free = await request(`${gateway.url}/tiered`, { headers: as("free_user") });
      expect(free.status).toBe(403);
      expect(free.body).toMatchObject({ feature: "reports" });
    }
  });

  it("admits 30% ± 3% of 2,000 distinct consumers to a 30% rollout, the same ones every time, as Unleash's hash predicts", async () => {
    const first = await statusesOf(`${gateway.url}/beta`, rolloutUsers);
    const admitted = rolloutUsers.filter((_, i) => first[i] === 200);
    expect(first.every((s) => s === 200 || s === 403)).toBe(true);
    expect(admitted.length).toBeGreaterThanOrEqual(ROLLOUT_CONSUMERS * 0.27);
    expect(admitted.length).toBeLessThanOrEqual(ROLLOUT_CONSUMERS * 0.33);
    // The same bucket as every Unleash SDK computes (murmur3 of "beta-search:<userId>").
    const predicted = rolloutUsers.filter((u) => normalizedValue(u, "beta-search", 100, 0) <= 30);
    expect(admitted).toEqual(predicted);

    const second = await statusesOf(`${gateway.url}/beta`, [...rolloutUsers].reverse());
    expect(rolloutUsers.filter((_, i) => second[ROLLOUT_CONSUMERS - 1 - i] === 200)).toEqual(admitted);
  });

  it("forwards the evaluated variant upstream and replaces a client-sent feature header", async () => {
    const conf = { flags: routeConfs(trialStart)["/checkout"]!["flags"] };
    expect(validateConfig(featureToggleSchema, conf)).toBeUndefined();
    const expected = evaluate(prepareFlags({ features: (conf as never as { flags: never }).flags }), "checkout", { userId: "premium_user" }, { now: 0, random: Math.random });

    const premium = await request(`${gateway.url}/checkout`, { headers: { ...as("premium_user"), "X-Features": "reports,checkout=gold" } });
    expect(premium.status).toBe(200);
    const forwarded = String(echoed(premium).headers["x-features"]);
    expect(forwarded).toContain(`checkout=${expected.variant.name}`);
    expect(forwarded).toContain("reports");
    expect(forwarded).toContain("staff-tools");
    expect(forwarded).not.toContain("gold");

    // free_user has an override to green and no premium feature; beta-search as its rollout bucket says.
    const free = await request(`${gateway.url}/checkout`, { headers: { ...as("free_user"), "X-Features": "reports,checkout=gold" } });
    const inBeta = normalizedValue("free_user", "beta-search", 100, 0) <= 30;
    expect(echoed(free).headers["x-features"]).toBe(inBeta ? "beta-search,checkout=green" : "checkout=green");
  });

  it("strips a spoofed feature header even when nothing is forwarded", async () => {
    const reply = await request(`${gateway.url}/public`, { headers: { ...as("free_user"), "X-Features": "reports" } });
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-features"]).toBeUndefined();
    const spoofed = await request(`${gateway.url}/reports`, { headers: { ...as("free_user"), "X-Features": "reports" } });
    expect(spoofed.status).toBe(403);
  });

  it("takes flags from a bootstrap file in Unleash's client-API shape", async () => {
    const premium = await request(`${gateway.url}/boot`, { headers: as("premium_user") });
    expect(premium.status).toBe(200);
    expect(echoed(premium).headers["x-features"]).toBe("from-file");
    expect((await request(`${gateway.url}/boot`, { headers: as("free_user") })).status).toBe(403);
  });

  it("evaluates REGEX constraints with ngx.re (inline flag (?i) included)", async () => {
    expect((await request(`${gateway.url}/staff`, { headers: as("premium_user") })).status).toBe(200);
    expect((await request(`${gateway.url}/staff`, { headers: as("free_user") })).status).toBe(403);
  });

  it("opens a trial window on time and closes it on time (gateway clock moved 30 days ahead)", async () => {
    const gatewayNow = () => Date.now() / 1000 + CLOCK_OFFSET;
    const before = await request(`${gateway.url}/trial`, { headers: as("free_user") });
    expect(gatewayNow()).toBeLessThan(trialStart);
    expect(before.status).toBe(403);
    expect(before.body).toMatchObject({ feature: "trial", reason: "not_started" });

    // Each answer was decided at some instant between its request's sending and its reply's
    // arrival; a flip is on time when the last answer before it was sent before the flip's
    // time and the first answer after it arrived after that time. Bracketing by both ends,
    // not by the sending time alone, holds however slowly a busy machine answers.
    let lastClosed: number | undefined;
    let opened: { receivedAt: number; lastBefore: number } | undefined;
    let lastOpen: number | undefined;
    let closed: { receivedAt: number; lastBefore: number } | undefined;
    let closedBody: unknown;
    const deadline = trialStart + TRIAL_LASTS + 3;
    while (gatewayNow() < deadline && closed === undefined) {
      const sentAt = gatewayNow();
      const reply = await request(`${gateway.url}/trial`, { headers: as("free_user") });
      const receivedAt = gatewayNow();
      if (reply.status === 200 && opened === undefined) opened = { receivedAt, lastBefore: lastClosed ?? -Infinity };
      if (reply.status === 200) lastOpen = sentAt;
      if (reply.status === 403 && opened === undefined) lastClosed = sentAt;
      if (reply.status === 403 && opened !== undefined) {
        closed = { receivedAt, lastBefore: lastOpen! };
        closedBody = reply.body;
      }
      await sleep(50);
    }
    expect(opened).toBeDefined();
    expect(closed).toBeDefined();
    // 50 ms for nginx's cached clock (ngx.now() is updated once per event-loop turn).
    expect(opened!.lastBefore).toBeLessThan(trialStart + 0.05);
    expect(opened!.receivedAt).toBeGreaterThan(trialStart - 0.05);
    expect(closed!.lastBefore).toBeLessThan(trialStart + TRIAL_LASTS + 0.05);
    expect(closed!.receivedAt).toBeGreaterThan(trialStart + TRIAL_LASTS - 0.05);
    // And the polling saw the flips promptly (each poll 50 ms apart plus a request's time).
    expect(opened!.receivedAt - opened!.lastBefore).toBeLessThan(5);
    expect(closedBody).toMatchObject({ feature: "trial", reason: "ended" });
  });
});
