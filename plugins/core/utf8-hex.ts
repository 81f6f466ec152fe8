/**
 * Hex front end of utf8.ts for the test vectors (tests/vectors/utf8.json): JSON carries no
 * raw bytes, so the bytes go in and come out as lowercase hex, and both runtimes run the
 * same repairUtf8 in between.
 *
 * Pure code: compiled to Lua (tollgate.core.utf8_hex) and run by vitest.
 */
import { fromHex, toHex } from "../io/kafka/bytes";
import { repairUtf8 } from "./utf8";

/** repairUtf8 of the bytes `hex`, as hex. */
export function repairUtf8Hex(hex: string): string {
  const bytes = fromHex(hex);
  if (bytes === undefined) throw new Error(`not hex: ${hex}`);
  return toHex(repairUtf8(bytes));
}

