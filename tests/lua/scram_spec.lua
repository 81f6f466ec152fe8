-- busted spec: SASL SCRAM's client side compiled to Lua (tollgate.io.kafka.scram) with
-- SHA-256, HMAC and PBKDF2 from OpenSSL through LuaJIT's FFI (tollgate.io.lua.crypto):
-- tests/scenarios/scram.json, the same cases tests/unit/scram.test.ts runs in Node.
local cjson = require("cjson")
local scram = require("tollgate.io.kafka.scram")
local crypto = require("tollgate.io.lua.crypto")

local f = assert(io.open("tests/scenarios/scram.json", "r"))
local scenario = cjson.decode(f:read("*a"))
f:close()

describe("SASL SCRAM, client side (compiled Lua, OpenSSL through the FFI)", function()
  for _, x in ipairs(scenario.exchanges) do
    it(x.name, function()
      local first = scram.scramFirst(x.username, x.nonce)
      assert.are.equal(x.clientFirst, first.message)
      local final = scram.scramFinal(assert(crypto.scramCrypto(x.hash)), x.password, first, x.serverFirst)
      assert.is_nil(final.error)
      assert.are.equal(x.clientFinal, final.message)
      assert.is_nil(scram.scramCheckServer(x.serverFinal, final))
    end)
  end
  for _, m in ipairs(scenario.firstMessages) do
    it(m.name, function()
      assert.are.equal(m.expect, scram.scramFirst(m.username, m.nonce).message)
    end)
  end
  for _, x in ipairs(scenario.refusals) do
    it("refuses " .. x.name, function()
      local final = scram.scramFinal(assert(crypto.scramCrypto(x.hash)), x.password, scram.scramFirst(x.username, x.nonce), x.serverFirst)
      local err = final.error or scram.scramCheckServer(x.serverFinal, final)
      assert.are.equal(x.error, err)
    end)
  end

  it("gives SHA-512 its 64-byte digests (FIPS 180-4: SHA-512 of 'abc')", function()
    local sha512 = assert(crypto.scramCrypto("SHA-512"))
    local hex = sha512:hash("abc"):gsub(".", function(c) return string.format("%02x", c:byte()) end)
    assert.are.equal("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", hex)
  end)
end)
