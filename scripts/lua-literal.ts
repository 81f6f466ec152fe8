/**
 * JavaScript values printed as Lua literals, for the Lua files the build writes
 * (Kong's schema.lua, the rockspecs). Output is plain Lua 5.1, which LuaJIT and
 * LuaRocks both read.
 */
/** A Lua expression printed as is (a reference to a module's value). */
export class LuaExpression {
  constructor(readonly text: string) {}
}

const KEYWORDS = new Set(
  "and break do else elseif end false for function goto if in local nil not or repeat return then true until while".split(" "),
);

export function luaString(value: string): string {
  // Decimal escapes for control bytes: Lua 5.1 knows no \xXX or \u{…}. Other bytes,
  // UTF-8 included, are written as they are.
  return `"${value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => (c === "\\" || c === '"' ? `\\${c}` : `\\${c.charCodeAt(0)}`))}"`;
}

function luaKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !KEYWORDS.has(key) ? key : `[${luaString(key)}]`;
}

/** `value` as a Lua expression, indented from `indent`; short tables stay on one line. */
export function toLua(value: unknown, indent = ""): string {
  if (value instanceof LuaExpression) return value.text;
  switch (typeof value) {
    case "string":
      return luaString(value);
    case "boolean":
      return String(value);
    case "number":
      if (!Number.isFinite(value)) throw new Error(`${value} has no Lua literal`);
      // JavaScript prints the shortest string that reads back as the same double; so does Lua's parser.
      return String(value);
    case "object": {
      if (value === null) throw new Error("null has no place in a Kong schema");
      const inner = indent + "  ";
      const entries = Array.isArray(value)
        ? value.map((item) => toLua(item, inner))
        : Object.entries(value as object)
            .filter(([, item]) => item !== undefined)
            .map(([key, item]) => `${luaKey(key)} = ${toLua(item, inner)}`);
      if (entries.length === 0) return "{}";
      const oneLine = `{ ${entries.join(", ")} }`;
      if (oneLine.length + indent.length <= 100 && !oneLine.includes("\n")) return oneLine;
      return `{\n${entries.map((entry) => `${inner}${entry},\n`).join("")}${indent}}`;
    }
    default:
      throw new Error(`a ${typeof value} has no Lua literal`);
  }
}

