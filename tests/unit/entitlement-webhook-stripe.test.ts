/**
 * The signed webhook vectors (tests/vectors/entitlement-webhook.json) are Stripe's, not
 * hand-made: regenerated here with the official stripe package, they must equal the
 * file, and the package's own verifier (webhooks.constructEvent, tolerance 300 s) must
 * agree with each case — it accepts the cases tollgate accepts or refuses for another
 * reason than the signature (replay, mapping), and refuses the others.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { NOW, SECRET, SIGNED, signedHeader, vectorFile } from "./webhook-stripe-vectors.ts";

const stripe = new Stripe("sk_test_unused");
const file = JSON.parse(readFileSync(join(import.meta.dirname, "../vectors/entitlement-webhook.json"), "utf8")) as unknown;

describe("webhook vectors signed by the stripe package", () => {
  it("the vector file is what the stripe package signs today", () => {
    expect(file).toEqual(vectorFile());
  });

  for (const c of SIGNED) {
    it(`stripe's verifier agrees: ${c.name}`, () => {
      const verify = () => stripe.webhooks.constructEvent(c.body ?? c.payload, signedHeader(c), SECRET, 300, undefined, NOW * 1000);
      if (c.stripeAccepts) expect(verify).not.toThrow();
      else expect(verify).toThrow();
    });
  }
});
