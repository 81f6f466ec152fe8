/**
 * plugins/core/utf8.ts beyond the shared vectors: repairUtf8 agrees with Node's
 * TextDecoder (the WHATWG decoder) on random bytes, and jsonText, in Node, makes a
 * string with lone surrogates well formed.
 */
import { describe, expect, it } from "vitest";
import { jsonText, repairJsonBody, repairUtf8 } from "../../plugins/core/utf8.ts";
import { encodeUsageEvent, type UsageEvent } from "../../plugins/kafka-usage/event.ts";

/** Bytes as a "binary" string (char codes 0 … 255), as repairUtf8 takes them. */
const binary = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

describe("repairUtf8", () => {
  it("gives TextDecoder's text, byte for byte, for 5,000 random byte strings biased to UTF-8 edges", () => {
    const decoder = new TextDecoder("utf-8");
    // Seeded LCG: a failure can be reproduced.
    let seed = 23;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const edges = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xfe, 0xff];
    for (let round = 0; round < 5_000; round++) {
      const bytes = Uint8Array.from({ length: next(12) }, () => (next(2) === 0 ? edges[next(edges.length)]! : next(256)));
      const expected = Buffer.from(decoder.decode(bytes), "utf8").toString("latin1");
      expect(repairUtf8(binary(bytes)), Buffer.from(bytes).toString("hex")).toBe(expected);
    }
    // About 0.5 s on an idle core: its own budget, not vitest's 5 s, for a busy machine.
  }, 30_000);

  it("returns valid text itself", () => {
    const text = binary(Buffer.from("/orders/é/€/😀", "utf8"));
    expect(repairUtf8(text)).toBe(text);
  });
});

describe("jsonText in Node (UTF-16)", () => {
  it("replaces lone surrogates with U+FFFD and keeps pairs", () => {
    expect(jsonText("a\ud800b")).toBe("a\ufffdb");
    expect(jsonText("\udc00")).toBe("\ufffd");
    expect(jsonText("x\ud83d")).toBe("x\ufffd");
    expect(jsonText("\ud83d\ude00é")).toBe("\ud83d\ude00é");
    // What a strict reader then accepts: the UTF-8 of the result decodes with fatal set.
    const bytes = Buffer.from(JSON.stringify({ v: jsonText("\udfff\ud800") }), "utf8");
    expect(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes))).toEqual({ v: "\ufffd\ufffd" });
  });

  it("repairs a rejection body's strings and lists in place", () => {
    const body: { [key: string]: unknown } = { error: "unknown_tier", message: "Tier '\ud800' is not configured.", plans: ["a", "\udc00"], limit: 3 };
    expect(repairJsonBody(body)).toEqual({ error: "unknown_tier", message: "Tier '\ufffd' is not configured.", plans: ["a", "\ufffd"], limit: 3 });
  });
});

describe("encodeUsageEvent in Node (kong-pdk)", () => {
  it("writes lone surrogates in the path and header values as U+FFFD, and escapes still apply", () => {
    const event: UsageEvent = {
      specversion: "1.0",
      id: "e-1",
      source: "tollgate/n",
      type: "t",
      subject: "s",
      time: "2026-11-24T20:01:45.123Z",
      datacontenttype: "application/json",
      data: { method: "GET", path: '/orders/\ud800"x', status: 200, latency_ms: 1, request_bytes: 0, response_bytes: 0, headers: { "user-agent": "\udfff\ud83d\ude00" } },
    };
    const json = encodeUsageEvent(event);
    expect(json).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect(JSON.parse(json)).toMatchObject({ data: { path: '/orders/\ufffd"x', headers: { "user-agent": "\ufffd\ud83d\ude00" } } });
  });
});
