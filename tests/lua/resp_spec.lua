-- busted spec: tollgate's Redis protocol code (lua-out/tollgate/io/lua/resp.lua) against
-- a stand-in cosocket that records what is sent and answers from a byte string, for
-- the replies a live Redis rarely gives (nil bulk, nil array, an error inside an array,
-- a broken connection, bytes that are not RESP). The live protocol is covered through
-- real Redis and Redis Cluster by tests/gateway/redis-client.test.ts.
local NULL = setmetatable({}, { __tostring = function() return "ngx.null" end })

-- A cosocket: send() joins its table as ngx_lua does (strings and numbers); receive()
-- reads a line without its CRLF, or n bytes, from `input`, then fails with "closed".
local function socket(input)
  local sock = { sent = {}, input = input }
  function sock:send(data)
    local parts = {}
    for i = 1, #data do parts[i] = tostring(data[i]) end
    self.sent[#self.sent + 1] = table.concat(parts)
    return #self.sent[#self.sent]
  end
  function sock:receive(pattern)
    if pattern == "*l" then
      local at = self.input:find("\r\n", 1, true)
      if not at then return nil, "closed" end
      local line = self.input:sub(1, at - 1)
      self.input = self.input:sub(at + 2)
      return line
    end
    if #self.input < pattern then return nil, "closed" end
    local data = self.input:sub(1, pattern)
    self.input = self.input:sub(pattern + 1)
    return data
  end
  return sock
end

describe("RESP over a cosocket (compiled Lua)", function()
  local resp, saved_ngx
  setup(function()
    saved_ngx = _G.ngx
    _G.ngx = { null = NULL }
    resp = require("tollgate.io.lua.resp")
  end)
  teardown(function()
    _G.ngx = saved_ngx
    package.loaded["tollgate.io.lua.resp"] = nil
  end)

  it("sends a command as an array of bulk strings, numbers as their text", function()
    local sock = socket("+OK\r\n")
    assert.are.equal("OK", (resp.command(sock, { "SELECT", 3 })))
    assert.are.same({ "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n" }, sock.sent)
  end)

  it("counts an argument's length in bytes", function()
    local sock = socket(":1\r\n")
    resp.command(sock, { "GET", "tl:{é}" })
    assert.are.equal("*2\r\n$3\r\nGET\r\n$7\r\ntl:{é}\r\n", sock.sent[1])
  end)

  it("reads integers, bulk strings (with CRLF inside), nil bulk and nested arrays", function()
    local sock = socket("*5\r\n:42\r\n$4\r\na\r\nb\r\n$-1\r\n*2\r\n:1\r\n+x\r\n*-1\r\n")
    local reply, err = resp.readReply(sock)
    assert.is_nil(err)
    assert.are.same({ 42, "a\r\nb", NULL, { 1, "x" }, NULL }, reply)
  end)

  it("gives a Redis error reply as false and its message", function()
    local reply, err = resp.readReply(socket("-NOSCRIPT No matching script. Please use EVAL.\r\n"))
    assert.are.equal(false, reply)
    assert.are.equal("NOSCRIPT No matching script. Please use EVAL.", err)
  end)

  it("keeps an error inside an array in its place, as false", function()
    local reply = resp.readReply(socket("*2\r\n:1\r\n-ERR boom\r\n"))
    assert.are.same({ 1, false }, reply)
  end)

  it("fails (nil and the socket's error) when the connection ends in the middle of a reply", function()
    local reply, err = resp.readReply(socket("*3\r\n:1\r\n$10\r\nabc"))
    assert.is_nil(reply)
    assert.are.equal("closed", err)
  end)

  it("fails on bytes that are not a Redis reply", function()
    local reply, err = resp.readReply(socket("HTTP/1.1 400 Bad Request\r\n"))
    assert.is_nil(reply)
    assert.are.equal("not a Redis reply: HTTP/1.1 400 Bad Request", err)
    reply, err = resp.readReply(socket("$abc\r\n"))
    assert.is_nil(reply)
    assert.are.equal("bad bulk length: abc", err)
  end)
end)
