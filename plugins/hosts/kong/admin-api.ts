/**
 * The shape of a plugin's Kong Admin API module (`kong.plugins.<name>.api`), so that a
 * module of the wrong shape does not compile.
 *
 * Kong loads the module in kong/api/init.lua (3.9.3 and 2.8.5, "Plugin Routes"): a
 * table whose entries have no `schema` goes to api_helpers.attach_routes, which takes
 * every key under a path as an HTTP method name (`{ methods = { GET = fn } }` registers a
 * method called `methods`, and GET answers 405). Each handler is called as
 * handler(self, {}, helpers): `self.params` holds the query args, the form body, the
 * path captures (`:name`, still percent-encoded) and a JSON body's fields, in that order
 * of precedence (lapis Application.wrap_handler, lapis.application json_params).
 */

/** The methods Kong's api_helpers.lua knows (HTTP_METHODS); HEAD and OPTIONS it adds itself. */
export type AdminApiMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";

/** What tollgate's handlers read of lapis's request object. */
export interface AdminApiRequest {
  /** Strings from the URL and forms; a JSON body can bring any JSON value; `?flag` alone is `true`. */
  readonly params: { readonly [name: string]: unknown };
}

/** A route handler: answers with kong.response.exit (Kong's PDK allows it in the admin_api phase). */
export type AdminApiHandler = (this: void, self: AdminApiRequest) => void;

/** Path (lapis syntax, `:name` captures) -> method -> handler. */
export type AdminApiRoutes = Record<string, Partial<Record<AdminApiMethod, AdminApiHandler>>>;
