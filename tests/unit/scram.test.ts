/**
 * SASL SCRAM's client side (plugins/io/kafka/scram.ts) with Node's crypto:
 * tests/scenarios/scram.json, which tests/lua/scram_spec.lua runs against the compiled
 * Lua with OpenSSL through LuaJIT's FFI.
 */
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scramCheckServer, scramFinal, scramFirst, type ScramCrypto } from "../../plugins/io/kafka/scram.ts";

interface Exchange {
  name: string;
  hash: "SHA-256" | "SHA-512";
  username: string;
  password: string;
  nonce: string;
  clientFirst?: string;
  serverFirst: string;
  clientFinal?: string;
  serverFinal?: string;
  error?: string;
}
const scenario = JSON.parse(readFileSync("tests/scenarios/scram.json", "utf8")) as {
  exchanges: Exchange[];
  firstMessages: { name: string; username: string; nonce: string; expect: string }[];
  refusals: Exchange[];
};

/** Byte strings (one char per byte), as plugins/io/kafka/bytes.ts has them in JavaScript. */
function nodeCrypto(hash: "SHA-256" | "SHA-512"): ScramCrypto {
  const algorithm = hash === "SHA-256" ? "sha256" : "sha512";
  const size = hash === "SHA-256" ? 32 : 64;
  const bin = (s: string): Buffer => Buffer.from(s, "latin1");
  return {
    hash: (data) => createHash(algorithm).update(bin(data)).digest().toString("latin1"),
    hmac: (key, data) => createHmac(algorithm, bin(key)).update(bin(data)).digest().toString("latin1"),
    pbkdf2: (password, salt, iterations) => pbkdf2Sync(bin(password), bin(salt), iterations, size, algorithm).toString("latin1"),
  };
}

describe("SASL SCRAM, client side (TypeScript)", () => {
  for (const x of scenario.exchanges) {
    it(x.name, () => {
      const first = scramFirst(x.username, x.nonce);
      expect(first.message).toBe(x.clientFirst);
      const final = scramFinal(nodeCrypto(x.hash), x.password, first, x.serverFirst);
      if ("error" in final) throw new Error(final.error);
      expect(final.message).toBe(x.clientFinal);
      expect(scramCheckServer(x.serverFinal!, final)).toBeUndefined();
    });
  }
  for (const m of scenario.firstMessages) {
    it(m.name, () => expect(scramFirst(m.username, m.nonce).message).toBe(m.expect));
  }
  for (const x of scenario.refusals) {
    it(`refuses ${x.name}`, () => {
      const final = scramFinal(nodeCrypto(x.hash), x.password, scramFirst(x.username, x.nonce), x.serverFirst);
      const error = "error" in final ? final.error : scramCheckServer(x.serverFinal!, final);
      expect(error).toBe(x.error);
    });
  }
});
