/**
 * The plan catalog: each plan's own features and routes plus everything of the plans
 * it includes, transitively. Includes must name configured plans and must not form a
 * cycle; both are refused when the config is loaded, naming the field.
 */

export interface RoutePattern {
  path: string;
  methods?: readonly string[];
}

export interface CatalogPlan {
  includes?: readonly string[];
  features?: readonly string[];
  routes?: readonly RoutePattern[];
}

/** A plan with its includes resolved. */
export interface ResolvedPlan {
  name: string;
  /** Every plan it includes, transitively (not itself), sorted. */
  includes: string[];
  /** Own and included features: a set, and the sorted list. */
  featureSet: { [feature: string]: boolean };
  features: string[];
  routes: RoutePattern[];
  /** How many plans it includes: cheaper plans first when listing upgrades. */
  rank: number;
}

function sortedNames(plans: { readonly [name: string]: unknown }): string[] {
  const names: string[] = [];
  for (const name in plans) names.push(name);
  names.sort();
  return names;
}

/**
 * The first problem of a catalog, as "plans.<name>.includes…: …", or undefined. Walks
 * includes depth-first from every plan in name order, so the same cycle is reported
 * the same way in both runtimes.
 */
export function catalogProblem(plans: { readonly [name: string]: CatalogPlan }): string | undefined {
  const names = sortedNames(plans);
  for (const name of names) {
    const includes = plans[name]!.includes ?? [];
    for (let i = 0; i < includes.length; i++) {
      if (plans[includes[i]!] === undefined) return `plans.${name}.includes.${i + 1}: '${includes[i]}' is not one of the configured plans`;
    }
  }
  // 0 unvisited, 1 on the current path, 2 done.
  const state: { [name: string]: number } = {};
  const path: string[] = [];
  const visit = (name: string): string | undefined => {
    state[name] = 1;
    path.push(name);
    for (const included of plans[name]!.includes ?? []) {
      const seen = state[included] ?? 0;
      if (seen === 1) {
        const start = path.indexOf(included);
        const cycle = path.slice(start);
        cycle.push(included);
        return `plans.${path[start]}.includes: cycle ${cycle.join(" -> ")}`;
      }
      if (seen === 0) {
        const problem = visit(included);
        if (problem !== undefined) return problem;
      }
    }
    path.pop();
    state[name] = 2;
    return undefined;
  };
  for (const name of names) {
    if ((state[name] ?? 0) === 0) {
      const problem = visit(name);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/** Resolves every plan of a valid catalog (see catalogProblem). */
export function resolveCatalog(plans: { readonly [name: string]: CatalogPlan }): { [name: string]: ResolvedPlan } {
  const out: { [name: string]: ResolvedPlan } = {};
  for (const name of sortedNames(plans)) {
    const reached: { [name: string]: boolean } = {};
    const stack: string[] = [name];
    while (stack.length > 0) {
      const current = stack.pop()!;
      for (const included of plans[current]!.includes ?? []) {
        if (reached[included] !== true && included !== name) {
          reached[included] = true;
          stack.push(included);
        }
      }
    }
    const includes = sortedNames(reached);
    const featureSet: { [feature: string]: boolean } = {};
    const routes: RoutePattern[] = [];
    for (const member of [name, ...includes]) {
      const p = plans[member]!;
      for (const feature of p.features ?? []) featureSet[feature] = true;
      for (const route of p.routes ?? []) routes.push(route);
    }
    out[name] = { name, includes, featureSet, features: sortedNames(featureSet), routes, rank: includes.length };
  }
  return out;
}

/** Whole-path glob: "*" matches any run of characters (also "/"), everything else itself. */
export function pathMatches(pattern: string, path: string): boolean {
  const star = pattern.indexOf("*");
  if (star < 0) return pattern === path;
  // Greedy-free matching with backtracking over the star positions (iterative).
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  const plen = pattern.length;
  const slen = path.length;
  while (s < slen) {
    if (p < plen && pattern.charCodeAt(p) === 42) {
      starP = p;
      starS = s;
      p++;
    } else if (p < plen && pattern.charCodeAt(p) === path.charCodeAt(s)) {
      p++;
      s++;
    } else if (starP >= 0) {
      p = starP + 1;
      starS++;
      s = starS;
    } else {
      return false;
    }
  }
  while (p < plen && pattern.charCodeAt(p) === 42) p++;
  return p === plen;
}

export function routeMatches(route: RoutePattern, method: string, path: string): boolean {
  if (route.methods !== undefined) {
    let allowed = false;
    for (const m of route.methods) if (m === method) allowed = true;
    if (!allowed) return false;
  }
  return pathMatches(route.path, path);
}

/** Vector helper: a plan's resolved features, includes and rank. */
export function describePlans(plans: { readonly [name: string]: CatalogPlan }): { [name: string]: unknown } {
  const problem = catalogProblem(plans);
  if (problem !== undefined) return { error: problem };
  const resolved = resolveCatalog(plans);
  const out: { [name: string]: unknown } = {};
  for (const name in resolved) {
    const r = resolved[name]!;
    out[name] = { includes: r.includes, features: r.features, rank: r.rank, routes: r.routes.length };
  }
  return out;
}
