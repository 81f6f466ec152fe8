/**
 * Time zones by IANA name, read from the system's TZif files (/usr/share/zoneinfo) once per name and process, at config time: the schema check loads the zone
 * (so an unknown name is a config error naming the field) and prepare() takes the same
 * parsed rules from here.
 *
 * Reading a file is the host runtime's business: Lua's io library when it is there (Kong,
 * APISIX, busted); Node's fs (io/node/zoneinfo.ts) installs itself when a Node host
 * imports it. The parsing (core/tzif.ts) is the same code in both.
 */
import { parseTzif, type Zone } from "../core/tzif";

export type ZoneFileReader = (this: void, path: string) => string | undefined;

let reader: ZoneFileReader | undefined;

/** Makes `read` the way zone files are read (Node hosts; Lua uses its io library unless told otherwise). */
export function installZoneReader(read: ZoneFileReader): void {
  reader = read;
}

/** Lua's file handle, as much of it as is used here (`:` calls). */
interface LuaFileHandle {
  read(this: LuaFileHandle, format: string): unknown;
  close(this: LuaFileHandle): void;
}

/** Lua's io library (in Lua, globalThis is _G; Node has no `io`). */
const luaIo = (globalThis as unknown as { io?: { open(this: void, path: string, mode: string): LuaFileHandle | undefined } }).io;

/** The bytes of the file at `path` read with Lua's io library (a blocking read of a few kilobytes, at config time only). */
function readLuaFile(this: void, path: string): string | undefined {
  const file = luaIo?.open(path, "rb");
  if (file === undefined) return undefined;
  const bytes = file.read("*a");
  file.close();
  return typeof bytes === "string" ? bytes : undefined;
}

function currentReader(): ZoneFileReader | undefined {
  if (reader !== undefined) return reader;
  return luaIo !== undefined ? readLuaFile : undefined;
}

/** Zone names as tzdata spells them: letters, digits, "_", "-", "+", and "/" between parts; no "..". */
function plausibleName(name: string): boolean {
  if (name.length === 0 || name.length > 64 || name.charAt(0) === "/" || name.indexOf("..") !== -1) return false;
  for (let i = 0; i < name.length; i++) {
    const ch = name.charAt(i);
    const ok = (ch >= "A" && ch <= "Z") || (ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9") || ch === "_" || ch === "-" || ch === "+" || ch === "/";
    if (!ok) return false;
  }
  return true;
}

/** tzcode's default TZDIR, where Debian's tzdata (and most systems') puts the files. */
const ZONE_DIRECTORY = "/usr/share/zoneinfo";

const loaded: { [name: string]: Zone | string } = {};

/**
 * The rules of zone `name`, or a sentence saying why there are none. "UTC" (and "Etc/UTC")
 * is no zone at all: undefined rules, which the calendar reads as UTC without a file.
 */
export function loadZone(name: string): { zone?: Zone; problem?: string } {
  if (name === "UTC" || name === "Etc/UTC") return {};
  let entry = loaded[name];
  if (entry === undefined) {
    entry = readZone(name);
    loaded[name] = entry;
  }
  return typeof entry === "string" ? { problem: entry } : { zone: entry };
}

function readZone(name: string): Zone | string {
  if (!plausibleName(name)) return `'${name}' is not a time zone name`;
  const read = currentReader();
  if (read === undefined) return "this runtime has no way to read zone files";
  const bytes = read(`${ZONE_DIRECTORY}/${name}`);
  if (bytes === undefined) return `unknown time zone '${name}' (no ${ZONE_DIRECTORY}/${name})`;
  const zone = parseTzif(bytes);
  return typeof zone === "string" ? `time zone '${name}': ${zone}` : zone;
}

/** Why `name` cannot be used as a zone, or undefined when it can (the schema check). */
export function zoneProblem(name: string): string | undefined {
  return loadZone(name).problem;
}
