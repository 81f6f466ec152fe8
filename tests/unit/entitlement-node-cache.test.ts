/**
 * The Kong JS plugin server's answer cache (plugins/io/node/http-cache.ts): the same
 * rules as the Lua cache — TTL, negative TTL, stale-if-error, one fetch in flight per
 * subject, a failure back-off, bounded size, invalidation — on a fake clock.
 */
import { describe, expect, it } from "vitest";
import { NodeAnswerCache } from "../../plugins/io/node/http-cache.ts";

function setup(maxEntries = 100) {
  let now = 1000;
  const cache = new NodeAnswerCache<string>({ maxEntries, ttl: 10, negativeTtl: 2, staleTtl: 5 });
  const calls: string[] = [];
  let fail = false;
  const fetcher = (subject: string, negative = false) => async () => {
    calls.push(subject);
    await new Promise((r) => setTimeout(r, 5));
    if (fail) throw new Error("down");
    return { value: `${subject}@${now}`, negative };
  };
  return {
    cache,
    calls,
    clock: () => now,
    advance: (s: number) => (now += s),
    setFail: (f: boolean) => (fail = f),
    fetcher,
  };
}

describe("NodeAnswerCache", () => {
  it("fetches once for concurrent requests, then serves from cache until ttl", async () => {
    const t = setup();
    const results = await Promise.all(Array.from({ length: 10 }, () => t.cache.get("a", t.fetcher("a"), t.clock)));
    expect(new Set(results.map((r) => r.value))).toEqual(new Set(["a@1000"]));
    expect(t.calls).toEqual(["a"]);
    t.advance(9);
    expect((await t.cache.get("a", t.fetcher("a"), t.clock)).value).toBe("a@1000");
    t.advance(2);
    expect((await t.cache.get("a", t.fetcher("a"), t.clock)).value).toBe("a@1011");
    expect(t.calls).toEqual(["a", "a"]);
  });

  it("keeps negative answers for negative_ttl only", async () => {
    const t = setup();
    await t.cache.get("n", t.fetcher("n", true), t.clock);
    t.advance(1);
    await t.cache.get("n", t.fetcher("n", true), t.clock);
    t.advance(1.5);
    await t.cache.get("n", t.fetcher("n", true), t.clock);
    expect(t.calls).toEqual(["n", "n"]);
  });

  it("serves a stale answer while fetching fails, within stale_ttl, then rejects", async () => {
    const t = setup();
    await t.cache.get("s", t.fetcher("s"), t.clock);
    t.setFail(true);
    t.advance(12);
    expect(await t.cache.get("s", t.fetcher("s"), t.clock)).toEqual({ value: "s@1000", stale: true });
    // Within the one-second back-off, no new fetch.
    expect(await t.cache.get("s", t.fetcher("s"), t.clock)).toEqual({ value: "s@1000", stale: true });
    expect(t.calls).toEqual(["s", "s"]);
    t.advance(4);
    await expect(t.cache.get("s", t.fetcher("s"), t.clock)).rejects.toThrow("down");
  });

  it("holds at most maxEntries answers, evicting the least recently used", async () => {
    const t = setup(3);
    for (const s of ["a", "b", "c"]) await t.cache.get(s, t.fetcher(s), t.clock);
    await t.cache.get("a", t.fetcher("a"), t.clock); // a is now most recent
    await t.cache.get("d", t.fetcher("d"), t.clock);
    expect(t.cache.size).toBe(3);
    await t.cache.get("a", t.fetcher("a"), t.clock);
    await t.cache.get("b", t.fetcher("b"), t.clock);
    expect(t.calls).toEqual(["a", "b", "c", "d", "b"]);
  });

  it("invalidate makes the next request fetch", async () => {
    const t = setup();
    await t.cache.get("i", t.fetcher("i"), t.clock);
    t.cache.invalidate("i");
    await t.cache.get("i", t.fetcher("i"), t.clock);
    expect(t.calls).toEqual(["i", "i"]);
  });
});
