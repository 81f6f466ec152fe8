/**
 * feature-toggle for Kong's JS plugin server (npm `kong-pdk`), from the same logic
 * as the Lua plugin. Built by scripts/build.ts into lua-out/kong-js/feature-toggle.cjs.
 * Not compiled to Lua, which is why the Node REGEX capability lives here too.
 */
import { readFileSync } from "node:fs";
import { targetUrl } from "../core/http-url";
import { toKongFields } from "../core/kong-schema";
import { applyKongJsOutcome, kongJsRequestFacts, validatedKongJsConfig } from "../hosts/kong-js/adapter";
import type { KongJsPdk } from "../hosts/kong-js/pdk";
import { nodeHttpGet } from "../io/node/http";
import { decideFeatures, prepare, remoteFlagsFrom, type RemoteFlags } from "./decide";
import { FEATURE_TOGGLE_PRIORITY, FEATURE_TOGGLE_VERSION } from "./meta";
import type { RegexMatcher } from "./regex";
import { featureToggleSchema, type FeatureToggleConfig } from "./schema";
import { unleashPoll } from "./unleash-poll";

const compiled = new Map<string, RegExp | null>();

/** The REGEX capability for Node (see ./regex.ts): RegExp, compiled once per pattern and flags. */
export const nodeRegexMatcher: RegexMatcher = (pattern, flags, subject) => {
  const key = `${flags}/${pattern}`;
  let re = compiled.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, flags);
    } catch {
      re = null;
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, re);
  }
  return re === null ? undefined : re.test(subject);
};

/**
 * FOR TESTS ONLY: seconds added to the clock, from TOLLGATE_TEST_CLOCK_OFFSET at
 * load (as in ./lua/access.ts). Never set it on a real gateway.
 */
const clockOffset = Number(process.env["TOLLGATE_TEST_CLOCK_OFFSET"] ?? "0") || 0;

interface UnleashSource {
  etag?: string;
  remote?: RemoteFlags;
  timer: NodeJS.Timeout;
}

/** Unleash sources polled by this plugin server process, by URL and token (as the Lua hosts' dict keys). */
const sources = new Map<string, UnleashSource>();

async function pollUnleash(conf: FeatureToggleConfig, source: UnleashSource): Promise<void> {
  const request = unleashPoll(conf.unleash!, conf.app_name ?? "tollgate", source.etag);
  if (request === undefined) return;
  try {
    const response = await nodeHttpGet({ ...request, url: targetUrl(request.target, request.path) });
    // 304: unchanged; anything else but 200: keep the last flags.
    if (response.status !== 200) return;
    const remote = remoteFlagsFrom(JSON.parse(response.body));
    if (remote === undefined) return;
    source.remote = remote;
    source.etag = response.headers["etag"];
  } catch {
    // unreachable, timed out or not JSON: keep the last flags
  }
}

/** Flags read from bootstrap files, once per process, by path (undefined: unreadable). */
const bootstrapped = new Map<string, RemoteFlags | undefined>();

function bootstrapFlags(path: string | undefined): RemoteFlags | undefined {
  if (path === undefined) return undefined;
  if (!bootstrapped.has(path)) {
    let remote: RemoteFlags | undefined;
    try {
      remote = remoteFlagsFrom(JSON.parse(readFileSync(path, "utf8")));
    } catch {
      remote = undefined;
    }
    bootstrapped.set(path, remote);
  }
  return bootstrapped.get(path);
}

/** The last Unleash answer (polled every poll_interval), else the bootstrap file's flags, else undefined. */
function unleashFlags(conf: FeatureToggleConfig): RemoteFlags | undefined {
  const u = conf.unleash;
  if (u === undefined) return bootstrapFlags(conf.bootstrap_file);
  const key = `${u.url}\n${u.api_token}`;
  let source = sources.get(key);
  if (source === undefined) {
    const created: UnleashSource = { timer: setInterval(() => void pollUnleash(conf, created), u.poll_interval * 1000) };
    created.timer.unref();
    sources.set(key, created);
    source = created;
    void pollUnleash(conf, created);
  }
  return source.remote ?? bootstrapFlags(conf.bootstrap_file);
}

/** The plugin class kong-pdk instantiates once per plugin configuration. */
export class Plugin {
  readonly #conf: FeatureToggleConfig;
  readonly #scope: string;

  constructor(config: unknown) {
    const { conf, scope } = validatedKongJsConfig<FeatureToggleConfig>(featureToggleSchema, config);
    this.#conf = conf;
    this.#scope = scope;
  }

  async access(kong: KongJsPdk): Promise<void> {
    const conf = this.#conf;
    const prepared = prepare(conf);
    const facts = await kongJsRequestFacts(kong, this.#scope, prepared.needs);
    const caps = { now: Date.now() / 1000 + clockOffset, random: Math.random, regex: nodeRegexMatcher };
    await applyKongJsOutcome(kong, decideFeatures(conf, prepared, facts, caps, unleashFlags(conf)));
  }
}

/** The `config` record's fields, as Kong validates them. */
export const Schema = toKongFields(featureToggleSchema);
export const Version = FEATURE_TOGGLE_VERSION;
export const Priority = FEATURE_TOGGLE_PRIORITY;
