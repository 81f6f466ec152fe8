-- busted spec: every case of tests/vectors/*.json against lua-out/, under LuaJIT.
-- TOLLGATE_VECTORS_DIR points it at another folder (the runner's self-test uses that).
local cjson = require("cjson")
local runner = require("tests.lua.vector_runner")

local dir = os.getenv("TOLLGATE_VECTORS_DIR") or "tests/vectors"

for _, name in ipairs(runner.vector_files(dir)) do
  local file = runner.load_file(dir .. "/" .. name)
  describe("vectors/" .. name .. ": " .. file.description, function()
    for _, case in ipairs(file.cases) do
      it(case.name, function()
        local result, args = runner.run_case(file, case)
        assert.same(runner.without_nulls(case.expect), runner.json_view(result))
        for i, expected in ipairs(case.expectArgs or {}) do
          if expected ~= cjson.null then
            assert.same(runner.without_nulls(expected), runner.json_view(args[i]))
          end
        end
      end)
    end
  end)
end
