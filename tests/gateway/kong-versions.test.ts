/**
 * tollgate on both Kong lines it supports, 3.x and 2.8, as the Kong-shaped host plays
 * them (tests/runtime/README.md): the repository's kong.yml loads on each, 2.8 refuses
 * the `_format_version` it does not know, and on 2.8 — whose get_path() is the raw
 * path — a dot segment cannot carry a request out of an entitled route pattern.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { startKongHost, type KongHost, type KongVersion } from "../runtime/kong-host.ts";
import { NginxStartError } from "../runtime/nginx.ts";
import { DEMO_KEYS, echoed, exampleConfig, hostsOnly, request } from "./harness.ts";
import { rawGet } from "./raw-http.ts";

const onHosts = hostsOnly("the Kong-shaped host plays Kong 3.9.0 and 2.8.5");

const VERSIONS: KongVersion[] = ["3.9.0", "2.8.5"];

/** One route whose free plan entitles only /catalog/public/*. */
function catalogConfig(formatVersion: string): Record<string, unknown> {
  return {
    _format_version: formatVersion,
    services: [
      {
        name: "svc",
        url: "http://127.0.0.1:9000",
        routes: [
          {
            name: "catalog",
            paths: ["/catalog"],
            plugins: [
              {
                name: "entitlement-check",
                config: { plans: { free: { routes: [{ path: "/catalog/public/*" }] }, premium: { includes: ["free"], routes: [{ path: "/catalog/*" }] } } },
              },
            ],
          },
        ],
      },
    ],
    consumers: [{ username: "free-user", tags: ["plan:free"], keyauth_credentials: [{ key: DEMO_KEYS.free }] }],
    plugins: [{ name: "key-auth", config: { key_names: ["apikey"] } }],
  };
}

let upstream: EchoUpstream;
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream?.stop();
});

onHosts.each(VERSIONS)("Kong %s (the Kong-shaped host playing it)", (kongVersion) => {
  let gateway: KongHost | undefined;
  afterAll(async () => {
    await gateway?.stop();
  });

  it("loads the repository's kong.yml and applies its plugins", async () => {
    gateway = await startKongHost({ config: exampleConfig("kong") as never, upstreamUrl: upstream.url, kongVersion });
    const reply = await request(`${gateway.url}/orders/1`, { headers: { apikey: DEMO_KEYS.premium, "X-API-Tier": "enterprise" } });
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-api-tier"]).toBe("premium");
    await gateway.stop();
    gateway = undefined;
  });

  it("keeps a free caller inside /catalog/public/* whatever dot segments the raw path carries", async () => {
    gateway = await startKongHost({ config: catalogConfig("2.1") as never, upstreamUrl: upstream.url, kongVersion });
    const key = { apikey: DEMO_KEYS.free };
    // Sent exactly as written: fetch would resolve "/../" itself first.
    const status = async (target: string): Promise<number> => (await rawGet(gateway!.url, target, key)).status;
    expect(await status("/catalog/public/list")).toBe(200);
    expect(await status("/catalog/private")).toBe(403);
    expect(await status("/catalog/public/../private")).toBe(403);
    expect(await status("/catalog/public/%2e%2e/private")).toBe(403);
    expect(await status("/catalog/public//..//private")).toBe(403);
    await gateway.stop();
    gateway = undefined;
  });
});

onHosts("Kong 2.8's declarative formats", () => {
  it("refuses _format_version 3.0 with the words of its schema", async () => {
    const started = startKongHost({ config: catalogConfig("3.0") as never, upstreamUrl: upstream.url, kongVersion: "2.8.5" });
    await expect(started).rejects.toBeInstanceOf(NginxStartError);
    await expect(started).rejects.toThrow(/_format_version: expected one of: 1\.1, 2\.1/);
  });
});
