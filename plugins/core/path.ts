/**
 * A request path normalised the way Kong 3.x's `kong.request.get_path()` does
 * (kong/tools/uri.lua `normalize(uri, true)`, Kong 3.9.3), for gateways that hand
 * plugins the raw path: Kong 2.8's `get_path()` is `request_uri` cut at "?"
 * (kong/pdk/request.lua, 2.8.5), so `/reports/../admin` or `/%72eports/x` would reach
 * path rules unresolved.
 *
 *   - a percent-encoded reserved character (RFC 3986 gen-delims and sub-delims, and
 *     "%") stays encoded, its hex digits upper-cased; any other ASCII one is decoded;
 *   - dot segments are removed (RFC 3986 section 5.2.4) and "//" becomes "/".
 *
 * One deliberate difference: an encoded byte above 0x7F stays encoded (upper-cased)
 * where Kong decodes it, so the result is the same string in Lua and JavaScript and
 * never carries a byte that is not UTF-8.
 */

const PERCENT = 37;
const DOT = 46;
const SLASH = 47;

/** Reserved characters Kong keeps encoded: `!*'();:@&=+$,/?%#[]`. */
const RESERVED: { [code: number]: true } = {};
for (const character of ["!", "*", "'", "(", ")", ";", ":", "@", "&", "=", "+", "$", ",", "/", "?", "%", "#", "[", "]"]) {
  RESERVED[character.charCodeAt(0)] = true;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Percent-triplets decoded as described above; other characters as they are. */
function decodeTriplets(path: string): string {
  const parts: string[] = [];
  let copiedUpTo = 0;
  const length = path.length;
  for (let i = 0; i + 2 < length; i++) {
    if (path.charCodeAt(i) !== PERCENT) continue;
    const high = hexValue(path.charCodeAt(i + 1));
    const low = hexValue(path.charCodeAt(i + 2));
    if (high < 0 || low < 0) continue;
    const code = high * 16 + low;
    parts.push(path.substring(copiedUpTo, i));
    parts.push(code < 128 && RESERVED[code] !== true ? String.fromCharCode(code) : path.substring(i, i + 3).toUpperCase());
    copiedUpTo = i + 3;
    i += 2;
  }
  if (copiedUpTo === 0) return path;
  parts.push(path.substring(copiedUpTo));
  return parts.join("");
}

/** Whether the path has a segment that is "." or "..", or an empty segment ("//"). */
function needsSegments(path: string): boolean {
  return path.indexOf("//") >= 0 || path.indexOf("/.") >= 0 || path.charCodeAt(0) === DOT;
}

/**
 * RFC 3986 remove_dot_segments over whole segments, with empty segments merged.
 * Only called for paths that need it (see needsSegments).
 */
function resolveSegments(path: string): string {
  const segments: string[] = [];
  const rooted = path.charCodeAt(0) === SLASH;
  let start = rooted ? 1 : 0;
  let trailingSlash = false;
  while (start <= path.length) {
    let end = path.indexOf("/", start);
    if (end < 0) end = path.length;
    const segment = path.substring(start, end);
    const last = end >= path.length;
    if (segment === "..") {
      segments.pop();
      trailingSlash = true;
    } else if (segment === ".") {
      trailingSlash = true;
    } else if (segment === "") {
      // "//" merged; an empty last segment means the path ends with "/".
      trailingSlash = last && segments.length > 0;
    } else {
      segments.push(segment);
      trailingSlash = false;
    }
    start = end + 1;
  }
  const joined = segments.join("/");
  if (!rooted) return trailingSlash && joined !== "" ? `${joined}/` : joined;
  if (joined === "") return "/";
  return trailingSlash ? `/${joined}/` : `/${joined}`;
}

/** The path as Kong 3.x's get_path() gives it (see the top of this file). */
export function normalizePath(path: string): string {
  if (path === "" || path === "/") return path;
  const decoded = path.indexOf("%") >= 0 ? decodeTriplets(path) : path;
  return needsSegments(decoded) ? resolveSegments(decoded) : decoded;
}
