/**
 * The client side of SASL SCRAM (RFC 5802; SCRAM-SHA-256 and -512, RFC 7677), as Kafka
 * brokers run it (KIP-84): no channel binding ("n,,"), the client's nonce, then the
 * proof computed from the server's salt, iteration count and nonce, and a check of the
 * server's signature, so that a server that does not know the password is not trusted.
 *
 *   const first = scramFirst(user, nonce)             → send first.message
 *   const final = scramFinal(crypto, password, first, serverFirst)  → send final.message
 *   scramCheckServer(serverFinal, final)               → undefined when the server proved itself
 *
 * Pure code: the hash functions come from the host (io/lua/crypto.ts: OpenSSL through
 * LuaJIT's FFI; Node's crypto in the tests). Byte strings as in ./bytes.ts.
 */
import { byteAt, char, fromBase64, toBase64, utf8, type Bytes } from "./bytes";

/** One hash function's primitives (SHA-256 or SHA-512). */
export interface ScramCrypto {
  hash(data: Bytes): Bytes;
  hmac(key: Bytes, data: Bytes): Bytes;
  /** PBKDF2 with HMAC of this hash, one block of the hash's length (SCRAM's Hi()). */
  pbkdf2(password: Bytes, salt: Bytes, iterations: number): Bytes;
}

export interface ScramFirst {
  /** client-first-message, to send. */
  message: Bytes;
  /** client-first-message-bare (part of what both sides sign). */
  bare: Bytes;
  nonce: string;
}

export interface ScramFinal {
  /** client-final-message, to send. */
  message: Bytes;
  /** The ServerSignature the server must send back (base64). */
  serverSignature: string;
}

/** A user name as SCRAM writes it: "=" and "," escaped. */
function saslName(username: string): Bytes {
  const out: string[] = [];
  const bytes = utf8(username);
  for (let i = 0; i < bytes.length; i++) {
    const b = byteAt(bytes, i);
    out.push(b === 61 ? "=3D" : b === 44 ? "=2C" : char(b));
  }
  return out.join("");
}

/** The first message, for `nonce` (printable, without ","; at least 16 random characters). */
export function scramFirst(username: string, nonce: string): ScramFirst {
  const bare = `n=${saslName(username)},r=${nonce}`;
  return { message: `n,,${bare}`, bare, nonce };
}

/** The attributes of a server message ("a=value,b=value"); values may contain "=". */
function attributes(message: Bytes): { [name: string]: Bytes } {
  const found: { [name: string]: Bytes } = {};
  let start = 0;
  while (start <= message.length) {
    let end = message.indexOf(",", start);
    if (end < 0) end = message.length;
    const part = message.substring(start, end);
    if (part.length >= 2 && part.substring(1, 2) === "=") found[part.substring(0, 1)] = part.substring(2);
    start = end + 1;
  }
  return found;
}

function xor(a: Bytes, b: Bytes): Bytes {
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) out.push(char(byteAt(a, i) ^ byteAt(b, i)));
  return out.join("");
}

/** The final message from the server's first message; or an error (`{ error }`). */
export function scramFinal(crypto: ScramCrypto, password: string, first: ScramFirst, serverFirst: Bytes): ScramFinal | { error: string } {
  const server = attributes(serverFirst);
  if (server["e"] !== undefined) return { error: `the server refused: ${server["e"]}` };
  const nonce = server["r"];
  const salt = server["s"] === undefined ? undefined : fromBase64(server["s"]);
  const iterations = server["i"] === undefined ? undefined : Number(server["i"]);
  if (nonce === undefined || salt === undefined || iterations === undefined || !(iterations >= 1)) return { error: "not a SCRAM server-first message" };
  // The server's nonce must extend ours: otherwise this is an answer to someone else.
  if (nonce.substring(0, first.nonce.length) !== first.nonce || nonce.length <= first.nonce.length) return { error: "the server's nonce does not extend the client's" };
  const withoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${first.bare},${serverFirst},${withoutProof}`;
  const salted = crypto.pbkdf2(utf8(password), salt, iterations);
  const clientKey = crypto.hmac(salted, "Client Key");
  const clientSignature = crypto.hmac(crypto.hash(clientKey), authMessage);
  const serverSignature = crypto.hmac(crypto.hmac(salted, "Server Key"), authMessage);
  return { message: `${withoutProof},p=${toBase64(xor(clientKey, clientSignature))}`, serverSignature: toBase64(serverSignature) };
}

/** Undefined when the server's final message carries the expected signature; else why not. */
export function scramCheckServer(serverFinal: Bytes, final: ScramFinal): string | undefined {
  const server = attributes(serverFinal);
  if (server["e"] !== undefined) return `the server refused: ${server["e"]}`;
  if (server["v"] !== final.serverSignature) return "the server's signature is wrong (it does not know the password)";
  return undefined;
}
