/**
 * ASCII digit tests by character code: the strict checks that let Number() (Node) and
 * tonumber (Lua) agree on every text accepted, since each also reads forms the other does
 * not (hex, spaces, exponents).
 */

/** Whether `code` is the character code of 0–9. */
export function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Whether every character of `text` is 0–9 (true for ""; callers bound the length). */
export function allAsciiDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isAsciiDigit(text.charCodeAt(i))) return false;
  return true;
}
