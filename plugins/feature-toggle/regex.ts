/**
 * Unleash's REGEX operator follows the RE2 / Rust `regex` dialect (what Unleash's
 * Yggdrasil engine runs): no look-around, no back-references, inline flags such as
 * `(?i)`, POSIX classes such as `[[:alpha:]]`. TypeScriptToLua cannot compile
 * RegExp, so matching is a capability the host injects (Node: RegExp; Lua:
 * ngx.re.find with options "jo"). This module, pure, turns an Unleash pattern into
 * one both engines read the same way — or refuses it, and a refused pattern matches
 * nothing, as Unleash requires:
 *
 *   - look-around `(?=` `(?!` `(?<=` `(?<!` and back-references `\1`…`\9`, `\k<…>`: refused;
 *   - inline flags `(?i)`, `(?m)`, `(?s)` (any combination, anywhere): removed and
 *     applied to the whole pattern (i, m, s exist in both RegExp and PCRE);
 *   - POSIX classes inside brackets: rewritten as explicit ASCII ranges.
 */

/** What a host provides: does `pattern` (flags among "i", "m", "s") find a match in `subject`? undefined: the pattern does not compile. */
export type RegexMatcher = (this: void, pattern: string, flags: string, subject: string) => boolean | undefined;

export interface PortableRegex {
  pattern: string;
  flags: string;
}

const POSIX_CLASSES: { [name: string]: string } = {
  alpha: "a-zA-Z",
  digit: "0-9",
  alnum: "a-zA-Z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: " \\t\\n\\r\\f\\v",
  blank: " \\t",
  xdigit: "0-9A-Fa-f",
  word: "a-zA-Z0-9_",
  punct: "!-\\/:-@\\[-`{-~",
  cntrl: "\\x00-\\x1f\\x7f",
  print: " -~",
  graph: "!-~",
  ascii: "\\x00-\\x7f",
};

function addFlag(flags: string, flag: string): string {
  return flags.indexOf(flag) >= 0 ? flags : flags + flag;
}

/** The pattern both engines can run, or undefined when Unleash's dialect refuses it. */
export function portableRegex(source: string, caseInsensitive: boolean): PortableRegex | undefined {
  let out = "";
  let flags = caseInsensitive ? "i" : "";
  let inClass = false;
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source.charAt(i);
    if (c === "\\") {
      const next = source.charAt(i + 1);
      if (next === "") return undefined;
      if (!inClass && ((next >= "1" && next <= "9") || next === "k")) return undefined;
      out += c + next;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === "[" && source.charAt(i + 1) === ":") {
        const close = source.indexOf(":]", i + 2);
        if (close < 0) return undefined;
        const name = source.substring(i + 2, close);
        const range = POSIX_CLASSES[name];
        if (range === undefined) return undefined;
        out += range;
        i = close + 2;
        continue;
      }
      if (c === "]") inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      i++;
      if (source.charAt(i) === "^") {
        out += "^";
        i++;
      }
      // A "]" first in a class is a literal in both dialects.
      if (source.charAt(i) === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (c === "(" && source.charAt(i + 1) === "?") {
      const kind = source.charAt(i + 2);
      if (kind === "=" || kind === "!") return undefined;
      if (kind === "<" && (source.charAt(i + 3) === "=" || source.charAt(i + 3) === "!")) return undefined;
      // Inline flags "(?ims)" (no group body).
      let j = i + 2;
      let inline = "";
      while (j < n && (source.charAt(j) === "i" || source.charAt(j) === "m" || source.charAt(j) === "s")) {
        inline += source.charAt(j);
        j++;
      }
      if (inline.length > 0 && source.charAt(j) === ")") {
        for (let k = 0; k < inline.length; k++) flags = addFlag(flags, inline.charAt(k));
        i = j + 1;
        continue;
      }
    }
    out += c;
    i++;
  }
  if (inClass) return undefined;
  return { pattern: out, flags };
}
