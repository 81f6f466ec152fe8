/**
 * The request settings both hosts use to call the entitlement service
 * (plugins/entitlement-check/service-request.ts), from a validated config.
 */
import { expect, it } from "vitest";
import { validateConfig } from "../../plugins/core/validate.ts";
import { serviceRequest } from "../../plugins/entitlement-check/service-request.ts";
import { entitlementCheckSchema, type EntitlementCheckConfig } from "../../plugins/entitlement-check/schema.ts";

function service(settings: Record<string, unknown>): EntitlementCheckConfig["service"] {
  const conf: Record<string, unknown> = { plans: { free: {} }, subscription_sources: ["service"], service: settings };
  const problem = validateConfig(entitlementCheckSchema, conf);
  if (problem !== undefined) throw new Error(problem);
  return (conf as unknown as EntitlementCheckConfig).service;
}

it("sends the auth header only when both its name and value are configured, with the configured limits", () => {
  const request = serviceRequest(service({ url: "https://billing.internal:8443/v1/entitlements", auth_header: "Authorization", auth_value: "Bearer s3cret", timeout_ms: 250 }))!;
  expect(request.target).toEqual({ tls: true, host: "billing.internal", port: 8443, basePath: "/v1/entitlements" });
  expect([request.host, request.port]).toEqual(["billing.internal", 8443]);
  expect(request.headers).toEqual({ Authorization: "Bearer s3cret" });
  expect(request.tls).toEqual({ serverName: "billing.internal", verify: true });
  expect(request.timeoutMs).toBe(250);
  const plain = serviceRequest(service({ url: "http://127.0.0.1:9000", auth_header: "Authorization" }))!;
  expect(plain.headers).toEqual({});
  expect(plain.tls).toBeUndefined();
  expect(plain.target.basePath).toBe("");
});

it("has nothing to call without an http(s) URL", () => {
  const conf = { url: "ftp://billing.internal" } as unknown as EntitlementCheckConfig["service"];
  expect(serviceRequest(conf)).toBeUndefined();
  expect(serviceRequest({} as EntitlementCheckConfig["service"])).toBeUndefined();
});
