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
 * The first three without a loop, as in eachName.
 */
export function eachHeader<C>(
  headers: { readonly [name: string]: string },
  apply: (this: void, context: C, name: string, value: string) => void,
  context: C,
): void {
  let name = applyNext(headers, undefined, apply, context);
  if (name === undefined) return;
  name = applyNext(headers, name, apply, context);
  if (name === undefined) return;
  name = applyNext(headers, name, apply, context);
  if (name === undefined) return;
  name = applyNext(headers, name, apply, context);
  while (name !== undefined) name = applyNext(headers, name, apply, context);
}

/** Applies the header after `after` (the first when undefined); returns its name, or undefined at the end. */
function applyNext<C>(
  headers: { readonly [name: string]: string },
  after: string | undefined,
  apply: (this: void, context: C, name: string, value: string) => void,
  context: C,
): string | undefined {
  const [name, value] = next(headers, after);
  if (name === undefined) return undefined;
  apply(context, name as string, value as string);
  return name as string;
}
