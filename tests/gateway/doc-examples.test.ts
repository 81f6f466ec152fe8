/**
 * The documentation cannot rot: every example config under docs/examples/ (shown on the
 * plugin pages, docs/plugins/*.md) and the repository's kong.yml and apisix/apisix.yaml
 * start the host they are written for (Kong-shaped: *.kong.yml; APISIX-shaped:
 * *.apisix.yaml), so the plugins' schemas accept them; a copy with one unknown field in
 * a tollgate plugin's config must not start, so a host that accepted anything would fail
 * here. Where one request can show what the page says an example does, it is sent.
 *
 * And every configuration error message the docs quote (a backticked `config.<path>: …`
 * in README.md, docs/ or a plugin README) is one this file makes a host print, word for
 * word.
 */
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { startApisixHost, type ApisixStandaloneConfig } from "../runtime/apisix-host.ts";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { startKongHost, type DeclarativeConfig, type KongVersion } from "../runtime/kong-host.ts";
import { NginxStartError, REPO_ROOT } from "../runtime/nginx.ts";
import { echoed, hostsOnly, request, type HostKind, type RunningGateway } from "./harness.ts";

const onHosts = hostsOnly("starts each example on the test host that plays its Kong version");

const EXAMPLES_DIR = join(REPO_ROOT, "docs/examples");
const TOLLGATE_PLUGINS = ["tier-limit", "entitlement-check", "feature-toggle", "kafka-usage"];

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    })
    .sort();
}

interface Example {
  /** Relative to the repository. */
  file: string;
  host: HostKind;
}

const EXAMPLES: Example[] = [
  { file: "kong.yml", host: "kong" as const },
  { file: "apisix/apisix.yaml", host: "apisix" as const },
  ...filesUnder(EXAMPLES_DIR).map((path) => ({
    file: relative(REPO_ROOT, path),
    host: path.endsWith(".kong.yml") ? ("kong" as const) : ("apisix" as const),
  })),
];

type Config = Record<string, unknown>;

/** The example as the file says, parsed (the APISIX host also requires its `#END`). */
function parsed(example: Example): Config {
  const text = readFileSync(join(REPO_ROOT, example.file), "utf8");
  if (example.host === "apisix") expect(text).toMatch(/#END\s*$/);
  return parseYaml(text) as Config;
}

function start(host: HostKind, config: Config, upstreamUrl: string, kongVersion?: KongVersion): Promise<RunningGateway> {
  return host === "kong"
    ? startKongHost({ config: config as DeclarativeConfig, upstreamUrl, kongVersion })
    : startApisixHost({ config: config as ApisixStandaloneConfig, upstreamUrl });
}

/**
 * Every tollgate plugin config in a parsed declarative config, with its plugin's name:
 * Kong lists plugins as `{name, config}` entries, APISIX as a map from name to config,
 * at any depth.
 */
function tollgateConfigs(node: unknown, found: { plugin: string; conf: Config }[] = []): { plugin: string; conf: Config }[] {
  if (Array.isArray(node)) {
    for (const item of node) tollgateConfigs(item, found);
  } else if (node !== null && typeof node === "object") {
    const object = node as Config;
    const name = object["name"];
    if (typeof name === "string" && TOLLGATE_PLUGINS.includes(name) && typeof object["config"] === "object") {
      found.push({ plugin: name, conf: object["config"] as Config });
    }
    const plugins = object["plugins"];
    if (plugins !== null && typeof plugins === "object" && !Array.isArray(plugins)) {
      for (const [plugin, conf] of Object.entries(plugins as Config)) {
        if (TOLLGATE_PLUGINS.includes(plugin)) found.push({ plugin, conf: conf as Config });
      }
    }
    for (const value of Object.values(object)) tollgateConfigs(value, found);
  }
  return found;
}

/** Starts `config` expecting the host to refuse it; resolves to nginx's message. */
async function refusal(host: HostKind, config: Config, upstreamUrl: string): Promise<string> {
  let started: RunningGateway | undefined;
  try {
    started = await start(host, config, upstreamUrl);
  } catch (err) {
    expect(err).toBeInstanceOf(NginxStartError);
    return (err as Error).message;
  } finally {
    await started?.stop();
  }
  throw new Error("the host started although the config is invalid");
}

let upstream: EchoUpstream;
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream?.stop();
});

/** One request per example where it shows what the page says; keyed by file. */
const CHECKS: Record<string, (gateway: RunningGateway) => Promise<void>> = {
  "docs/examples/quickstart": async (gateway) => {
    // README's curl loop: 200 200 200 429, the 429 with Retry-After and the JSON it quotes.
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await request(`${gateway.url}/demo`, { headers: { apikey: "alice-key" } }));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(Number(replies[3]!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(replies[3]!.body).toMatchObject({ error: "rate_limited", tier: "free", window: "minute" });
  },
  "docs/examples/tier-limit/trusted-header": async (gateway) => {
    // From 127.0.0.1 (a trusted address) the header names the tier; without it, anonymous_tier.
    const partner = await request(`${gateway.url}/orders`, { headers: { "x-internal-tier": "partner" } });
    expect(partner.status).toBe(200);
    expect(echoed(partner).headers["x-api-tier"]).toBe("partner");
    expect(partner.headers.get("x-ratelimit-limit-minute")).toBe("6000");
    const anonymous = await request(`${gateway.url}/orders`);
    expect(echoed(anonymous).headers["x-api-tier"]).toBe("free");
  },
  "docs/examples/tier-limit/jwt-claim": async (gateway) => {
    const head = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: "partner-issuer", plan_tier: "premium", exp: Math.floor(Date.now() / 1000) + 600 })}`;
    const jwt = `${head}.${createHmac("sha256", "change-me").update(head).digest("base64url")}`;
    const reply = await request(`${gateway.url}/orders`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-api-tier"]).toBe("premium");
    expect(reply.headers.get("x-ratelimit-limit-minute")).toBe("100");
  },
  "docs/examples/tier-limit/redis": async (gateway) => {
    // redis.internal does not resolve here: a store failure, and fault_tolerant: false answers 503.
    const reply = await request(`${gateway.url}/orders`, { headers: { apikey: "acme-key" } });
    expect(reply.status).toBe(503);
    expect((reply.body as Config)["error"]).toBe("rate_limit_unavailable");
  },
  "docs/examples/tier-limit/redis-cluster": async (gateway) => {
    // No cluster here: fault_tolerant (default true) lets the request through, without limit headers.
    const reply = await request(`${gateway.url}/orders`, { headers: { apikey: "acme-key" } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("ratelimit-limit")).toBeNull();
  },
  "docs/examples/plans/stripe-plan": async (gateway) => {
    // Two keys of acme count against one monthly quota; each has its own burst limit.
    const backend = await request(`${gateway.url}/orders`, { headers: { apikey: "acme-backend-key" } });
    const mobile = await request(`${gateway.url}/orders`, { headers: { apikey: "acme-mobile-key" } });
    expect([backend.headers.get("x-ratelimit-remaining-month"), mobile.headers.get("x-ratelimit-remaining-month")]).toEqual(["9999", "9998"]);
    expect([backend.headers.get("x-ratelimit-remaining-second"), mobile.headers.get("x-ratelimit-remaining-second")]).toEqual(["9", "9"]);
    // The trial's 3 a month, then 2 overage calls marked for the client and the upstream, then 429.
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await request(`${gateway.url}/orders`, { headers: { apikey: "dana-key" } }));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(replies.map((r) => r.headers.get("x-ratelimit-overage-month"))).toEqual([null, null, null, "1", "2", null]);
    expect(echoed(replies[4]!).headers["x-api-overage"]).toBe("month");
  },
  "docs/examples/entitlement-check/config-plans": async (gateway) => {
    const free = await request(`${gateway.url}/reports`, { headers: { apikey: "free-key" } });
    expect(free.status).toBe(403);
    expect(free.body).toMatchObject({ error: "not_entitled", feature: "reports", plan: "free", required_plans: ["premium", "enterprise"] });
    const premium = await request(`${gateway.url}/reports`, { headers: { apikey: "premium-key" } });
    expect(premium.status).toBe(200);
    expect(echoed(premium).headers["x-plan"]).toBe("premium");
  },
  "docs/examples/entitlement-check/remote-service": async (gateway) => {
    // billing.internal cannot be reached here and nothing is cached: 503 (fail_open is off).
    const reply = await request(`${gateway.url}/reports`, { headers: { apikey: "acme-key" } });
    expect(reply.status).toBe(503);
    expect((reply.body as Config)["error"]).toBe("entitlement_unavailable");
  },
  "docs/examples/feature-toggle/inline": async (gateway) => {
    const free = await request(`${gateway.url}/beta`, { headers: { apikey: "free-key" } });
    expect(free.status).toBe(403);
    expect(free.body).toMatchObject({ feature: "beta-search", upgrade: "https://example.com/pricing" });
    const premium = await request(`${gateway.url}/beta`, { headers: { apikey: "premium-key" } });
    expect(premium.status).toBe(200);
    expect(String(echoed(premium).headers["x-features"])).toMatch(/^beta-search(,|$)/);
  },
};

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

onHosts.each(EXAMPLES)("the example $file on the $host-shaped host", (example) => {
  it("starts, and does what its page says", async () => {
    const gateway = await start(example.host, parsed(example), upstream.url);
    try {
      await CHECKS[example.file.replace(/\.(kong\.yml|apisix\.yaml)$/, "")]?.(gateway);
    } finally {
      await gateway.stop();
    }
  });

  it("is checked by the host: an unknown field in a tollgate plugin's config stops it", async () => {
    const config = parsed(example);
    const confs = tollgateConfigs(config);
    expect(confs.length).toBeGreaterThan(0);
    confs[confs.length - 1]!.conf["no_such_field"] = 1;
    expect(await refusal(example.host, config, upstream.url)).toMatch(/no_such_field/);
  });
});

// Kong examples say _format_version "2.1" so that Kong 2.8 loads them as well as 3.x.
onHosts.each(EXAMPLES.filter((example) => example.host === "kong"))("the example $file on the Kong-shaped host playing Kong 2.8.5", (example) => {
  it("starts, and does what its page says", async () => {
    const gateway = await start("kong", parsed(example), upstream.url, "2.8.5");
    try {
      await CHECKS[example.file.replace(/\.kong\.yml$/, "")]?.(gateway);
    } finally {
      await gateway.stop();
    }
  });
});

/**
 * The messages the docs quote, each with the broken config that makes a host print it.
 * `change` breaks the first tollgate plugin config of kong.yml / apisix/apisix.yaml.
 */
interface QuotedError {
  host: HostKind;
  plugin: string;
  change: (conf: Config) => void;
  message: string;
}

const QUOTED_ERRORS: QuotedError[] = [
  {
    // Kong checks its schema.lua's `between` first and says so in its own words
    // (kong/db/schema/init.lua, Kong 3.9.3: "value should be between %d and %d").
    host: "kong",
    plugin: "tier-limit",
    change: (conf) => ((conf["tiers"] as Record<string, Config>)["free"]!["limits"] = { GET: { minute: -1 } }),
    message: "config.tiers.free.limits.GET.minute: value should be between 0 and 1000000000",
  },
  {
    host: "apisix",
    plugin: "tier-limit",
    change: (conf) => ((conf["tiers"] as Record<string, Config>)["free"]!["limits"] = { GET: { minute: -1 } }),
    message: "config.tiers.free.limits.GET.minute: must be at least 0",
  },
  ...(["kong", "apisix"] as const).flatMap((host): QuotedError[] => [
    {
      host,
      plugin: "feature-toggle",
      change: (conf) => (conf["require"] = ["beta-search", "missing"]),
      message: "config.require.2: 'missing' is not one of the configured flags",
    },
    {
      host,
      plugin: "entitlement-check",
      change: (conf) => ((conf["plans"] as Record<string, Config>)["premium"]!["includes"] = ["free", "enterprise"]),
      message: "config.plans.enterprise.includes: cycle enterprise -> premium -> enterprise",
    },
    {
      host,
      plugin: "kafka-usage",
      change: (conf) => (conf["headers"] = ["Authorization"]),
      message: "config.headers.1: 'Authorization' carries credentials and is never put in an event",
    },
    {
      host,
      plugin: "tier-limit",
      change: (conf) => (conf["policy"] = "redis"),
      message: "config.redis.host: required for policy redis",
    },
    {
      host,
      plugin: "tier-limit",
      change: (conf) => (conf["timezone"] = "Europe/Atlantis"),
      message: "config.timezone: unknown time zone 'Europe/Atlantis' (no /usr/share/zoneinfo/Europe/Atlantis)",
    },
  ]),
];

/** Backticked `config.<path>: <message>` quotes in the docs a user reads. */
function quotedErrorsInDocs(): { file: string; message: string }[] {
  const files = [
    "README.md",
    ...filesUnder(join(REPO_ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => relative(REPO_ROOT, f)),
    ...filesUnder(join(REPO_ROOT, "plugins")).filter((f) => f.endsWith("README.md")).map((f) => relative(REPO_ROOT, f)),
  ];
  return files.flatMap((file) =>
    [...readFileSync(join(REPO_ROOT, file), "utf8").matchAll(/`(config\.[A-Za-z0-9_.*-]+: [^`]+)`/g)].map((m) => ({ file, message: m[1]! })),
  );
}

onHosts("the configuration errors the docs quote", () => {
  it("are all among the messages produced below (a new quote needs a case here)", () => {
    const produced = new Set(QUOTED_ERRORS.map((q) => q.message));
    const quotes = quotedErrorsInDocs();
    expect(quotes.length).toBeGreaterThan(0);
    expect(quotes.filter((q) => !produced.has(q.message))).toEqual([]);
  });

  it.each(QUOTED_ERRORS)("$host-shaped host, $plugin: $message", async (quoted) => {
    const example = EXAMPLES.find((e) => e.host === quoted.host)!;
    const config = parsed(example);
    const found = tollgateConfigs(config).find((c) => c.plugin === quoted.plugin);
    expect(found).toBeDefined();
    quoted.change(found!.conf);
    expect(await refusal(quoted.host, config, upstream.url)).toContain(quoted.message);
  });
});
