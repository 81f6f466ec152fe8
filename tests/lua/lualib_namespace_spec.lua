-- tstl's runtime library ships as tollgate.lualib_bundle. Another project's global
-- `lualib_bundle` (first on the path, or already loaded) must not change anything.
describe("tollgate's tstl runtime is namespaced", function()
  local saved_path, saved_loaded, saved_ngx

  setup(function()
    saved_path = package.path
    saved_loaded = package.loaded["lualib_bundle"]

    -- A foreign lualib_bundle, first on the path, that breaks loudly if anyone loads it.
    local dir = os.tmpname()
    os.remove(dir)
    os.execute('mkdir -p "' .. dir .. '"')
    local handle = assert(io.open(dir .. "/lualib_bundle.lua", "w"))
    handle:write('error("the foreign lualib_bundle was loaded")\n')
    handle:close()
    package.path = dir .. "/?.lua;" .. package.path

    -- Stand-ins for modules only a gateway provides, so every file can be required.
    package.preload["kong.db.schema.typedefs"] = function()
      return { no_consumer = { type = "foreign" }, protocols_http = { type = "set" } }
    end
    package.preload["ngx.ssl"] = function() return {} end
    package.preload["ngx.semaphore"] = function() return {} end
    package.preload["apisix.core"] = function()
      return { schema = { check = function() return true end }, log = {}, request = {}, response = {} }
    end
    -- Modules that hash their Redis script at load time call ngx.sha1_bin.
    saved_ngx = _G.ngx
    _G.ngx = _G.ngx or { sha1_bin = function() return string.rep("\0", 20) end }

    -- Unload anything already required so that it is loaded again with the foreign path first.
    for name in pairs(package.loaded) do
      if name:match("^tollgate%.") or name:match("^kong%.plugins%.") or name:match("^apisix%.plugins%.") then
        package.loaded[name] = nil
      end
    end
  end)

  teardown(function()
    package.path = saved_path
    package.loaded["lualib_bundle"] = saved_loaded
    _G.ngx = saved_ngx
  end)

  it("loads every module of lua-out/ without touching the foreign lualib_bundle", function()
    local listing = io.popen("cd lua-out && find . -name '*.lua' | sort")
    local count = 0
    for file in listing:lines() do
      local module_name = file:gsub("^%./", ""):gsub("%.lua$", ""):gsub("/", ".")
      local ok, err = pcall(require, module_name)
      assert.is_true(ok, tostring(err))
      count = count + 1
    end
    listing:close()
    assert.is_true(count > 10)
    assert.is_nil(package.loaded["lualib_bundle"])
    assert.is_table(package.loaded["tollgate.lualib_bundle"])
  end)

  it("runs code that needs the runtime library (string helpers, sorting)", function()
    local facts = require("tollgate.core.facts")
    assert.equal("premium", facts.consumerAttribute({ id = "c", tags = { "x", "tier:premium" } }, "tier"))
    local schema = require("tollgate.core.schema")
    local names = schema.sortedFieldNames({ fields = { b = {}, a = {}, c = {} } })
    assert.same({ "a", "b", "c" }, names)
  end)
end)
