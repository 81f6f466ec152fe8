-- TEST INFRASTRUCTURE ONLY (never copied into lua-out/).
-- Kong and APISIX ship lua-resty-redis as `resty.redis`, which is what tollgate's
-- Lua requires; Debian packages the same library (lua-nginx-redis) as `nginx.redis`.
-- The test hosts put tests/runtime/shims on lua_package_path so the name resolves.
return require("nginx.redis")
