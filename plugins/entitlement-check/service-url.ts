/**
 * The entitlement service's base URL, split once per config: `http://host[:port][/path]`.
 * Only plain HTTP (the service is expected on the private network next to the
 * gateway; the schema refuses other schemes).
 */
export interface ServiceTarget {
  host: string;
  port: number;
  /** Base path without a trailing "/" ("" for none); the subject is appended after "/". */
  basePath: string;
}

export function parseServiceUrl(url: string): ServiceTarget | undefined {
  if (url.substring(0, 7) !== "http://") return undefined;
  const rest = url.substring(7);
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.substring(0, slash);
  let basePath = slash < 0 ? "" : rest.substring(slash);
  while (basePath.length > 0 && basePath.substring(basePath.length - 1) === "/") basePath = basePath.substring(0, basePath.length - 1);
  if (authority === "") return undefined;
  let host = authority;
  let port = 80;
  const bracket = authority.indexOf("]");
  let colon = -1;
  for (let i = authority.length - 1; i >= 0 && colon < 0; i--) if (authority.charCodeAt(i) === 58) colon = i;
  if (colon > bracket) {
    host = authority.substring(0, colon);
    const digits = authority.substring(colon + 1);
    const parsed = Number(digits);
    if (digits === "" || !(parsed >= 1 && parsed <= 65535) || Math.floor(parsed) !== parsed) return undefined;
    port = parsed;
  }
  if (host.substring(0, 1) === "[" && host.substring(host.length - 1) === "]") host = host.substring(1, host.length - 1);
  if (host === "") return undefined;
  return { host, port, basePath };
}
