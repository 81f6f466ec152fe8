/**
 * tier-limit's jwt_claim tier source through a gateway, on both hosts: the gateway's own
 * JWT plugin verifies the token (Kong's jwt, which leaves it in
 * kong.ctx.shared.authenticated_jwt_token; APISIX's jwt-auth with store_in_ctx, which
 * leaves the payload in ctx.jwt_auth_payload — both emulated by the test hosts, HS256),
 * and tier-limit takes the tier from a claim of that token only. A token that does not
 * verify never reaches tier-limit, and a token the gateway did not verify is never read.
 * feature-toggle, running after tier-limit, targets that same tier.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { describeGateway, echoed, HOSTS, request, startGateway, type HostKind, type RunningGateway } from "./harness.ts";

const SECRET = "tollgate-test-secret";

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

/** An HS256 JWT signed with `secret`. */
function token(claims: Record<string, unknown>, secret = SECRET, alg = "HS256"): string {
  const head = `${base64url(JSON.stringify({ alg, typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
  return `${head}.${base64url(createHmac("sha256", secret).update(head).digest())}`;
}

const bearer = (jwt: string): Record<string, string> => ({ authorization: `Bearer ${jwt}` });

const TIER_LIMIT = {
  tier_sources: ["jwt_claim"],
  jwt_claim: "plan_tier",
  tiers: {
    free: { limits: { GET: { minute: 2 } } },
    premium: { limits: { GET: { minute: 100 } } },
  },
};

/** On /reports: a feature for premium only, decided on the tier tier-limit resolved. */
const FEATURE_TOGGLE = { flags: [{ name: "reports", strategies: [{ name: "tiers", parameters: { tiers: "premium" } }] }], require: ["reports"] };

/** Kong: the jwt plugin finds the secret by the "iss" claim; APISIX: jwt-auth by "key" (set to "iss" here). */
function gatewayConfig(kind: HostKind): Record<string, unknown> {
  if (kind === "kong") {
    return {
      _format_version: "3.0",
      services: [
        {
          name: "svc",
          url: "http://127.0.0.1:9000",
          routes: [
            { name: "api", paths: ["/api"] },
            // Its own tier-limit config: counters apart from /api's (whose free limit a test uses up).
            {
              name: "reports",
              paths: ["/reports"],
              plugins: [
                { name: "tier-limit", config: TIER_LIMIT },
                { name: "feature-toggle", config: FEATURE_TOGGLE },
              ],
            },
          ],
        },
      ],
      consumers: [{ username: "partner", jwt_secrets: [{ key: "partner-issuer", secret: SECRET }] }],
      plugins: [
        { name: "jwt", config: { claims_to_verify: ["exp"] } },
        { name: "tier-limit", config: TIER_LIMIT },
      ],
    };
  }
  return {
    routes: [
      { id: "api", uri: "/api*", upstream_id: "up", plugins: { "jwt-auth": { store_in_ctx: true, key_claim_name: "iss" }, "tier-limit": TIER_LIMIT } },
      {
        id: "reports",
        uri: "/reports*",
        upstream_id: "up",
        plugins: { "jwt-auth": { store_in_ctx: true, key_claim_name: "iss" }, "tier-limit": TIER_LIMIT, "feature-toggle": FEATURE_TOGGLE },
      },
    ],
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: [{ username: "partner", plugins: { "jwt-auth": { key: "partner-issuer", secret: SECRET } } }],
  };
}

let upstream: EchoUpstream;
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream?.stop();
});

const exp = (): number => Math.floor(Date.now() / 1000) + 600;

describeGateway.each(HOSTS)("tier-limit with the jwt_claim source behind the %s-shaped host's JWT plugin", (kind) => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway(kind, gatewayConfig(kind), upstream.url);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("takes the tier from the verified token's claim and forwards it", async () => {
    const reply = await request(`${gateway.url}/api`, { headers: bearer(token({ iss: "partner-issuer", plan_tier: "premium", exp: exp() })) });
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-api-tier"]).toBe("premium");
    expect(reply.headers.get("x-ratelimit-limit-minute")).toBe("100");
  });

  it("limits by the claimed tier: the third free call in the minute is 429", async () => {
    const free = bearer(token({ iss: "partner-issuer", plan_tier: "free", exp: exp(), sub: "one" }));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(`${gateway.url}/api`, { headers: free })).status);
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses[2]).toBe(429);
  });

  it("a token signed with another secret is refused by jwt before any tier is read", async () => {
    const forged = token({ iss: "partner-issuer", plan_tier: "premium", exp: exp() }, "not-the-secret");
    const reply = await request(`${gateway.url}/api`, { headers: bearer(forged) });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ message: kind === "kong" ? "Invalid signature" : "failed to verify jwt" });
  });

  it("an unsigned token (alg none) is refused", async () => {
    const claims = base64url(JSON.stringify({ iss: "partner-issuer", plan_tier: "premium", exp: exp() }));
    const reply = await request(`${gateway.url}/api`, { headers: bearer(`${base64url(JSON.stringify({ alg: "none" }))}.${claims}.`) });
    // Kong: 403 "Invalid algorithm"; APISIX: 401 "failed to verify jwt".
    expect(reply.status).toBe(kind === "kong" ? 403 : 401);
  });

  it("an expired token is refused", async () => {
    const reply = await request(`${gateway.url}/api`, { headers: bearer(token({ iss: "partner-issuer", plan_tier: "premium", exp: 1000 })) });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(kind === "kong" ? { exp: "token expired" } : { message: "failed to verify jwt" });
  });

  it("a token in a header the gateway did not verify, and a client-sent tier header, change nothing", async () => {
    const verified = token({ iss: "partner-issuer", plan_tier: "premium", exp: exp() });
    const other = token({ iss: "partner-issuer", plan_tier: "enterprise", exp: exp() }, "whatever");
    const reply = await request(`${gateway.url}/api`, { headers: { ...bearer(verified), "x-jwt": other, "x-api-tier": "enterprise" } });
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-api-tier"]).toBe("premium");
  });

  it("feature-toggle targets the tier tier-limit took from the token (the consumer has no tier tag)", async () => {
    const premium = await request(`${gateway.url}/reports`, { headers: bearer(token({ iss: "partner-issuer", plan_tier: "premium", exp: exp(), sub: "p" })) });
    expect(premium.status).toBe(200);
    expect(echoed(premium).headers["x-features"]).toBe("reports");
    const free = await request(`${gateway.url}/reports`, { headers: bearer(token({ iss: "partner-issuer", plan_tier: "free", exp: exp(), sub: "f" })) });
    expect(free.status).toBe(403);
    expect(free.body).toMatchObject({ feature: "reports", reason: "not_targeted" });
  });

  it("a verified token without the claim gets no tier: 403 (no default tier configured)", async () => {
    const reply = await request(`${gateway.url}/api`, { headers: bearer(token({ iss: "partner-issuer", exp: exp() })) });
    expect(reply.status).toBe(403);
  });
});
