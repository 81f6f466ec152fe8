/**
 * An HTTP/1.1 request with exactly the bytes a test chooses: fetch (undici) refuses or
 * re-encodes header values outside printable ASCII, and a client that sends 0xFF in a
 * header is what these tests are about.
 */
import { connect } from "node:net";

export interface RawReply {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The body's bytes, undecoded. */
  body: Buffer;
}

/** GET `target` (sent as is, e.g. "/orders/%ff%fe") with headers whose values are raw bytes. */
export function rawGet(baseUrl: string, target: string, headers: Record<string, Buffer | string>): Promise<RawReply> {
  const url = new URL(baseUrl);
  const lines: Buffer[] = [Buffer.from(`GET ${target} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n`, "latin1")];
  for (const [name, value] of Object.entries(headers)) {
    lines.push(Buffer.from(`${name}: `, "latin1"), typeof value === "string" ? Buffer.from(value, "latin1") : value, Buffer.from("\r\n"));
  }
  lines.push(Buffer.from("\r\n"));
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(Buffer.concat(lines)));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const reply = Buffer.concat(chunks);
      const split = reply.indexOf("\r\n\r\n");
      if (split < 0) return reject(new Error(`no HTTP header in ${reply.length} bytes`));
      const [statusLine, ...headerLines] = reply.subarray(0, split).toString("latin1").split("\r\n");
      const parsed: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(":");
        parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body: Buffer = reply.subarray(split + 4);
      if (parsed["transfer-encoding"] === "chunked") body = unchunk(body);
      resolve({ status: Number(statusLine!.split(" ")[1]), headers: parsed, body });
    });
  });
}

/** The payload of a chunked body (Transfer-Encoding: chunked). */
function unchunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const end = data.indexOf("\r\n", at);
    if (end < 0) break;
    const size = parseInt(data.subarray(at, end).toString("latin1"), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
