/**
 * Redis's wire protocol (RESP2) over an ngx_lua cosocket: one command out, one reply
 * back. tollgate's Redis client (./redis.ts) sends a handful of commands (AUTH,
 * SELECT, EVALSHA, EVAL, ASKING, CLUSTER SLOTS), so it speaks the protocol itself on
 * a socket it owns — which is also what lets it secure that socket with TLS, whatever
 * lua-resty-redis release a gateway ships (Debian's 0.27 has no TLS option).
 *
 * Replies as lua-resty-redis gives them: a status or bulk string, a number for an
 * integer, a 1-based table for an array, `ngx.null` for a nil bulk or array; `false`
 * and the message for a Redis error reply (e.g. "NOSCRIPT No matching script…",
 * "MOVED 3999 127.0.0.1:7002"); undefined and the socket error ("timeout", "closed")
 * when the connection failed — the caller must then close the socket, not pool it.
 */

import type { RedisScript } from "./redis";

export type RespResult = LuaMultiReturn<[unknown, string | undefined]>;

/** EVALSHA of a script with its keys and arguments, or EVAL with its source (which also loads it). */
export function scriptCommand(script: RedisScript, keys: readonly string[], args: readonly (string | number)[], withSource: boolean): (string | number)[] {
  const command: (string | number)[] = [withSource ? "EVAL" : "EVALSHA", withSource ? script.source : script.sha1, keys.length];
  for (const key of keys) command[command.length] = key;
  for (const arg of args) command[command.length] = arg;
  return command;
}

/** Whether an error reply says Redis does not know the script (send it again with EVAL). */
export function isUnknownScript(err: string | undefined): boolean {
  return err !== undefined && string.sub(err, 1, 8) === "NOSCRIPT";
}

/**
 * Writes one command (its name and arguments, each a string or number) into `parts`
 * from index `at`, as RESP: `*<count>` then `$<length>` and the bytes of each argument,
 * every part ending in CRLF. Returns the next free index. The socket joins the table in
 * C; several commands in one table go out in one write (a pipeline).
 */
export function appendCommand(parts: (string | number)[], at: number, args: readonly (string | number)[]): number {
  const count = args.length;
  // Written by index: tstl's push with several items is a vararg helper that LuaJIT
  // does not compile.
  parts[at] = `*${count}\r\n`;
  at += 1;
  for (let i = 0; i < count; i++) {
    const arg = args[i]!;
    const text = typeof arg === "string" ? arg : `${arg}`;
    parts[at] = "$";
    parts[at + 1] = text.length;
    parts[at + 2] = "\r\n";
    parts[at + 3] = text;
    parts[at + 4] = "\r\n";
    at += 5;
  }
  return at;
}

/** Sends one command and reads its reply. */
export function command(sock: TcpSocket, args: readonly (string | number)[]): RespResult {
  const parts: (string | number)[] = [];
  appendCommand(parts, 0, args);
  const [sent, sendErr] = sock.send(parts);
  if (sent === undefined) return $multi(undefined, sendErr);
  return readReply(sock);
}

const PLUS = 43;
const MINUS = 45;
const COLON = 58;
const DOLLAR = 36;
const STAR = 42;

/** Reads one reply (arrays recursively). */
export function readReply(sock: TcpSocket): RespResult {
  const [line, err] = sock.receive("*l");
  if (line === undefined) return $multi(undefined, err);
  // The first byte says what follows: + status, - error, : integer, $ bulk, * array.
  const kind = string.byte(line, 1);
  const rest = string.sub(line, 2);
  if (kind === PLUS) return $multi(rest, undefined);
  if (kind === MINUS) return $multi(false, rest);
  if (kind === COLON) return $multi(tonumber(rest), undefined);
  if (kind === DOLLAR) {
    const length = tonumber(rest);
    if (length === undefined) return $multi(undefined, `bad bulk length: ${rest}`);
    if (length < 0) return $multi(ngx.null, undefined);
    // The bytes and their CRLF.
    const [data, dataErr] = sock.receive(length + 2);
    if (data === undefined) return $multi(undefined, dataErr);
    return $multi(string.sub(data, 1, length), undefined);
  }
  if (kind === STAR) {
    const count = tonumber(rest);
    if (count === undefined) return $multi(undefined, `bad array length: ${rest}`);
    if (count < 0) return $multi(ngx.null, undefined);
    const items: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const [item, itemErr] = readReply(sock);
      if (item === undefined) return $multi(undefined, itemErr);
      // An error inside an array (e.g. from EXEC) stays in its place as false.
      items.push(item);
    }
    return $multi(items, undefined);
  }
  return $multi(undefined, `not a Redis reply: ${line}`);
}
