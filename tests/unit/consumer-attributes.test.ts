/**
 * consumerAttributes (read once per consumer by the Kong adapter) answers exactly what
 * consumerAttribute reads from labels and tags on every request.
 */
import { expect, it } from "vitest";
import { consumerAttribute, consumerAttributes, type ConsumerFacts } from "../../plugins/core/facts.ts";

const consumers: ConsumerFacts[] = [
  { id: "a", tags: ["tier:premium", "plan:pro"] },
  { id: "b", tags: ["tier:", "tier:free", "tier:premium"] },
  { id: "c", tags: ["team", ":premium", "plan:pro:annual", "tier"] },
  { id: "d", labels: { tier: "enterprise", plan: "" }, tags: ["tier:free", "plan:team"] },
  { id: "e" },
  { id: "f", labels: {}, tags: [] },
];

it.each(consumers.map((c) => [c.id, c] as const))("consumer %s: the same answer for every attribute either way", (_id, consumer) => {
  const attributes = consumerAttributes(consumer);
  for (const name of ["tier", "plan", "team", "missing"]) {
    expect(attributes[name], name).toBe(consumerAttribute(consumer, name));
    expect(consumerAttribute({ ...consumer, attributes }, name), name).toBe(consumerAttribute(consumer, name));
  }
});

it("reads the first non-empty tag of a name, and a label over any tag", () => {
  expect(consumerAttributes(consumers[1]!)["tier"]).toBe("free");
  expect(consumerAttributes(consumers[2]!)["plan"]).toBe("pro:annual");
  expect(consumerAttributes(consumers[3]!)).toEqual({ tier: "enterprise", plan: "team" });
});
