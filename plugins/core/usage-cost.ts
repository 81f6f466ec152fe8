/**
 * What an upstream says a request cost, read from its response (tier-limit's
 * `cost_from`): a header such as `X-Usage-Units`, or a numeric field such as
 * `usage.total_tokens` of an OpenAI-compatible JSON body, or of the last `data:` event
 * that carries it in a server-sent-event stream (`stream_options.include_usage`).
 *
 * Sans-IO and incremental: a host feeds the body's chunks as they pass (nginx's
 * body_filter) and never holds more than `maxBytes` of it — the whole body for JSON, one
 * event for SSE — and never changes them. The JSON is scanned for the one field, not
 * decoded: no table is built for a large body, and LuaJIT and Node read the same
 * number by construction (tests/vectors/usage-cost.json).
 */
import { isAsciiDigit as isDigit } from "./digits";

/** Largest cost taken from an upstream (tier-limit's largest limit). */
export const MAX_UNITS = 1_000_000_000;

/** Why no cost was read (logged, throttled; the request keeps its minimum cost). */
export type CostProblem =
  | "missing"
  | "not_a_number"
  | "negative"
  | "too_large"
  | "not_json"
  | "oversize"
  | "compressed";

/** A cost read from a response: units, or why there are none. */
export interface CostReading {
  units?: number;
  problem?: CostProblem;
}

/** A number's text as an upstream sent it, checked: whole units (a fraction is rounded up). */
function unitsOf(value: number | undefined, negative: boolean): CostReading {
  if (value === undefined) return { problem: "not_a_number" };
  if (negative && value !== 0) return { problem: "negative" };
  const units = Math.ceil(value);
  if (units > MAX_UNITS) return { problem: "too_large" };
  return { units };
}

/**
 * The end (exclusive) of a JSON number starting at `at`, or -1 when none starts there.
 * Strict JSON grammar, so Number() and Lua's tonumber agree on every text accepted.
 */
function numberEnd(text: string, at: number): number {
  let i = at;
  if (text.charCodeAt(i) === 45) i++; // -
  const digits = i;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === digits) return -1;
  if (text.charCodeAt(i) === 46) {
    // .
    const fraction = ++i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === fraction) return -1;
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    // e E
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    const exponent = i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === exponent) return -1;
  }
  return i;
}

/** A header's cost: a non-negative decimal number, spaces around allowed. */
export function costFromHeader(value: string | undefined): CostReading {
  if (value === undefined) return { problem: "missing" };
  const text = value.trim();
  if (text === "") return { problem: "missing" };
  const end = numberEnd(text, 0);
  if (end !== text.length) return { problem: "not_a_number" };
  return unitsOf(Number(text), text.charCodeAt(0) === 45);
}

function skipSpace(text: string, at: number): number {
  let i = at;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** The index after the string whose opening quote is at `at`, or -1 when it is not closed. */
function stringEnd(text: string, at: number): number {
  let i = at + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) return -1;
    // Escaped when an odd number of backslashes precede it.
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** The index after the JSON value at `at` (objects and arrays by bracket depth), or -1. */
function valueEnd(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === 34) return stringEnd(text, at);
  if (first !== 123 && first !== 91) {
    // A number or a literal: up to the next delimiter.
    let i = at;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== c || c === 44 || c === 125 || c === 93 || c === 32 || c === 10 || c === 13 || c === 9) break;
      i++;
    }
    return i > at ? i : -1;
  }
  let depth = 0;
  let i = at;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== c) return -1; // NaN: past the end
    if (c === 34) {
      i = stringEnd(text, i);
      if (i === -1) return -1;
      continue;
    }
    if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
}

/**
 * The reading of the number at `path` (object keys) in the JSON text from `at`:
 * "missing" when a key is absent or a value on the way is not an object (OpenAI's
 * `"usage": null` in a stream's earlier chunks), "not_json" when the text breaks off.
 */
function readPath(text: string, at: number, path: readonly string[], depth: number): CostReading {
  let i = skipSpace(text, at);
  if (text.charCodeAt(i) !== 123) return { problem: depth === 0 ? "not_json" : "missing" };
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 125) return { problem: "missing" };
  const wanted = `"${path[depth]}"`;
  for (;;) {
    if (text.charCodeAt(i) !== 34) return { problem: "not_json" };
    const keyEnd = stringEnd(text, i);
    if (keyEnd === -1) return { problem: "not_json" };
    const matches = keyEnd - i === wanted.length && text.substring(i, keyEnd) === wanted;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 58) return { problem: "not_json" }; // :
    i = skipSpace(text, i + 1);
    if (matches) {
      if (depth + 1 < path.length) return readPath(text, i, path, depth + 1);
      const end = numberEnd(text, i);
      if (end === -1) return { problem: text.startsWith("null", i) ? "missing" : "not_a_number" };
      return unitsOf(Number(text.substring(i, end)), text.charCodeAt(i) === 45);
    }
    const end = valueEnd(text, i);
    if (end === -1) return { problem: "not_json" };
    i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === 125) return { problem: "missing" };
    if (c !== 44) return { problem: "not_json" };
    i = skipSpace(text, i + 1);
  }
}

/** The number at a dotted path (`usage.total_tokens`) of a JSON document. */
export function costFromJson(text: string, path: string): CostReading {
  return readPath(text, 0, path.split("."), 0);
}

/** What a response is read for, from the config and the response's headers. */
export interface CostSpec {
  /** Dotted path of the number in the JSON body (or in each SSE event's data). */
  path: string;
  /** The most of the body held at once: the whole JSON body, or one SSE event. */
  maxBytes: number;
}

/** One response's reading in progress (body_filter keeps it in the request context). */
export interface CostReader {
  path: string[];
  maxBytes: number;
  /** json: the whole body; sse: events; off: nothing to read (compressed). */
  mode: "json" | "sse" | "off";
  /** Bytes held: the body so far (json), or the current line and event (sse). */
  parts: string[];
  held: number;
  /** sse: the unfinished last line of what was fed. */
  line: string;
  /** sse: a line or event was over maxBytes: skip to the next line / event. */
  skipping: boolean;
  /** The last units read (sse: the last event that had them). */
  units?: number;
  problem?: CostProblem;
}

/**
 * A reader for a response with these Content-Type and Content-Encoding headers: SSE for
 * text/event-stream, JSON for a JSON type or none; other types are not read. A
 * compressed body cannot be read (nginx passes the upstream's bytes as they are).
 */
export function newCostReader(spec: CostSpec, contentType: string | undefined, contentEncoding: string | undefined): CostReader {
  const encoded = contentEncoding !== undefined && contentEncoding !== "" && contentEncoding.toLowerCase() !== "identity";
  const type = contentType === undefined ? "" : contentType.toLowerCase();
  const sse = type.includes("text/event-stream");
  // Another type (an HTML error page, an image) carries no usage: not read, not a problem.
  const other = !sse && type !== "" && !type.includes("json");
  return {
    path: spec.path.split("."),
    maxBytes: spec.maxBytes,
    mode: encoded || other ? "off" : sse ? "sse" : "json",
    parts: [],
    held: 0,
    line: "",
    skipping: false,
    problem: encoded && !other ? "compressed" : undefined,
  };
}

/** Reads one SSE event's data (its `data:` lines joined by newlines). */
function readEvent(reader: CostReader): void {
  const count = reader.parts.length;
  if (count === 0) return;
  const data = reader.parts.join("\n");
  reader.parts = [];
  reader.held = 0;
  if (data === "[DONE]") return;
  const reading = readPath(data, 0, reader.path, 0);
  if (reading.units !== undefined) {
    reader.units = reading.units;
    reader.problem = undefined;
  } else if (reading.problem !== "missing" && reader.units === undefined) {
    reader.problem = reading.problem;
  }
}

/** One complete SSE line (without its end of line). */
function sseLine(reader: CostReader, line: string): void {
  if (line === "") {
    // An event ends: one skipped for its size is forgotten, the next one is read.
    if (reader.skipping) reader.skipping = false;
    else readEvent(reader);
    return;
  }
  if (reader.skipping || !line.startsWith("data:")) return;
  const value = line.charCodeAt(5) === 32 ? line.substring(6) : line.substring(5);
  if (reader.held + value.length > reader.maxBytes) {
    skipEvent(reader);
    return;
  }
  reader.parts[reader.parts.length] = value;
  reader.held += value.length + 1;
}

function skipEvent(reader: CostReader): void {
  reader.parts = [];
  reader.held = 0;
  reader.skipping = true;
  if (reader.units === undefined) reader.problem = "oversize";
}

function feedSse(reader: CostReader, chunk: string): void {
  let start = 0;
  let text = chunk;
  if (reader.line !== "") {
    text = reader.line + chunk;
    reader.line = "";
  }
  for (;;) {
    const newline = text.indexOf("\n", start);
    if (newline === -1) break;
    const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
    sseLine(reader, text.substring(start, end));
    start = newline + 1;
  }
  const rest = text.length - start;
  if (rest === 0) return;
  if (rest + reader.held > reader.maxBytes) {
    // A line longer than the bound: its event is skipped, up to the next blank line.
    if (!reader.skipping) skipEvent(reader);
    // Keep nothing of it but its last byte (a "\r" that the next chunk's "\n" completes).
    reader.line = text.charCodeAt(text.length - 1) === 13 ? "\r" : "";
    return;
  }
  reader.line = text.substring(start);
}

/** Feeds one chunk of the body, as it passes. */
export function feedCost(reader: CostReader, chunk: string): void {
  if (chunk === "" || reader.mode === "off") return;
  if (reader.mode === "sse") return feedSse(reader, chunk);
  if (reader.held + chunk.length > reader.maxBytes) {
    reader.mode = "off";
    reader.parts = [];
    reader.held = 0;
    reader.problem = "oversize";
    return;
  }
  reader.parts[reader.parts.length] = chunk;
  reader.held += chunk.length;
}

/** The reading at the end of the body. */
export function finishCost(reader: CostReader): CostReading {
  if (reader.mode === "json") {
    // No body at all (204, 304, HEAD): nothing reported, nothing wrong.
    if (reader.held === 0) {
      reader.mode = "off";
      return { problem: "missing" };
    }
    const reading = costFromJson(reader.parts.join(""), reader.path.join("."));
    reader.parts = [];
    reader.held = 0;
    reader.mode = "off";
    return reading;
  }
  if (reader.mode === "sse") {
    // A stream that ends without a blank line still has its last event read.
    if (reader.line !== "" && reader.line !== "\r") sseLine(reader, reader.line);
    reader.line = "";
    if (!reader.skipping) readEvent(reader);
    reader.mode = "off";
  }
  if (reader.units !== undefined) return { units: reader.units };
  return { problem: reader.problem ?? "missing" };
}

/** For test vectors: a body fed in these chunks, with these response headers. */
export function costFromChunks(spec: CostSpec, headers: { type?: string; encoding?: string }, chunks: string[]): CostReading {
  const reader = newCostReader(spec, headers.type, headers.encoding);
  for (const chunk of chunks) feedCost(reader, chunk);
  return finishCost(reader);
}

/**
 * For test vectors: the body split in two at every position, and fed byte by byte; the
 * reading when all agree, else the first split position that reads differently.
 */
export function costAtEverySplit(spec: CostSpec, headers: { type?: string; encoding?: string }, body: string): CostReading | { differsAt: number } {
  const whole = costFromChunks(spec, headers, [body]);
  const bytes: string[] = [];
  for (let i = 0; i < body.length; i++) bytes[i] = body.substring(i, i + 1);
  const single = costFromChunks(spec, headers, bytes);
  if (single.units !== whole.units || single.problem !== whole.problem) return { differsAt: -1 };
  for (let at = 1; at < body.length; at++) {
    const split = costFromChunks(spec, headers, [body.substring(0, at), body.substring(at)]);
    if (split.units !== whole.units || split.problem !== whole.problem) return { differsAt: at };
  }
  return whole;
}
