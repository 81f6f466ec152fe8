/**
 * Loops for the Lua host adapters' request path that LuaJIT can compile.
 *
 * An adapter applies a few headers per request: one to three names to clear, one to
 * seven headers to set (tier-limit's rate-limit headers). A loop that runs only once or
 * twice per call is the shape LuaJIT's trace recorder handles worst: its own trace
 * leaves the loop before looping back ("leaving loop in root trace"), the caller's
 * trace meets an inner loop it may not unroll ("inner loop in root trace"), and after a
 * few aborts both are blacklisted and run interpreted on every request. These helpers apply the first three items
 * without a loop and loop only over the rest. `apply` is a module-level function and
 * `context` its first argument, so that no closure is made per request.
 *
 * Lua only (`next` is Lua's): used by hosts/kong and hosts/apisix, not by kong-js.
 */

/** apply(context, name) for every name, in order. */
export function eachName<C>(names: readonly string[], apply: (this: void, context: C, name: string) => void, context: C): void {
  const count = names.length;
  if (count === 0) return;
  apply(context, names[0]!);
  if (count === 1) return;
  apply(context, names[1]!);
  if (count === 2) return;
  apply(context, names[2]!);
  for (let i = 3; i < count; i++) apply(context, names[i]!);
}

/**
 * apply(context, name, value) for every header of a name → value map, in `next` order.
 * The first three without a loop, as in eachName, and each `next` written out here
 * rather than in a helper: a helper called three times per request returns a header,
 * a header, then nothing, and LuaJIT's trace of it cannot compile the side exit for
 * the third answer (it would return to the caller's frame, "NYI: return to lower
 * frame"), so that exit went back to the interpreter on every request.
 */
export function eachHeader<C>(
  headers: { readonly [name: string]: string },
  apply: (this: void, context: C, name: string, value: string) => void,
  context: C,
): void {
  let [name, value] = next(headers);
  if (name === undefined) return;
  apply(context, name as string, value as string);
  [name, value] = next(headers, name);
  if (name === undefined) return;
  apply(context, name as string, value as string);
  [name, value] = next(headers, name);
  if (name === undefined) return;
  apply(context, name as string, value as string);
  [name, value] = next(headers, name);
  while (name !== undefined) {
    apply(context, name as string, value as string);
    [name, value] = next(headers, name);
  }
}
