-- busted spec: kafka-usage's node journal (lua-out/tollgate/kafka_usage/lua/journal.lua)
-- against a table-backed stand-in for a lua_shared_dict: copies written and deleted, a
-- dead process's copies taken over (range, then on to the first gap), the take-over lease,
-- a live process left alone, a full dict. The gateway test
-- tests/gateway/kafka-usage-worker-loss.test.ts runs the same code in real nginx.

-- A dict with the calls the journal makes; `room` entries at most (safe_set fails past it).
local function fake_dict(room)
  local data, count = {}, 0
  local dict = {}
  function dict:get(key) return data[key] end
  function dict:safe_set(key, value)
    if data[key] == nil then
      if count >= room then return false, "no memory" end
      count = count + 1
    end
    data[key] = value
    return true
  end
  function dict:add(key, value)
    if data[key] ~= nil then return false, "exists" end
    return self:safe_set(key, value)
  end
  function dict:delete(key)
    if data[key] ~= nil then count = count - 1 end
    data[key] = nil
  end
  dict.data = data
  return dict
end

-- A pid no process has: past pid_max (4194304 at most on Linux).
local DEAD = 4194999
-- A pid that always exists: init.
local ALIVE = 1
local OWN = 4194998

local dict
_G.ngx = {
  shared = setmetatable({}, { __index = function(_, name) if name == "tollgate_usage" then return dict end end }),
  worker = { id = function() return 0 end, pid = function() return OWN end, count = function() return 2 end },
}

local journal_io = require("tollgate.kafka_usage.lua.journal")
local pure = require("tollgate.kafka_usage.journal")

local function event(i) return { key = "k" .. i, value = '{"id":"e' .. i .. '"}', timestamp = 1000 + i } end

-- Copies as a dead process `pid` left them: seqs in `seqs`, r:<pid> = range.
local function left_by(pid, seqs, range)
  for _, seq in ipairs(seqs) do
    local e = event(seq)
    dict:safe_set("j:" .. pid .. ":" .. seq, pure.packEntry("c1", e.timestamp, e.key, e.value))
  end
  if range then dict:safe_set("r:" .. pid, range) end
end

describe("kafka-usage node journal", function()
  before_each(function() dict = fake_dict(1000) end)

  it("lists the worker in its slot, writes gap-free seqs and deletes acknowledged copies", function()
    dict:safe_set("w:0", DEAD .. "," .. OWN)
    local j = journal_io.openJournal("tollgate_usage")
    assert.equal(DEAD .. "," .. OWN, dict.data["w:0"])
    local a, b = event(1), event(2)
    assert.is_true(journal_io.journalWrite(j, "c1", a))
    assert.is_true(journal_io.journalWrite(j, "c1", b))
    assert.same({ 1, 2 }, { a.seq, b.seq })
    assert.same({ channel = "c1", timestamp = 1002, key = "k2", value = '{"id":"e2"}' }, pure.unpackEntry(dict.data["j:" .. OWN .. ":2"]))
    journal_io.journalRange(j, 1)
    assert.equal("1,2", dict.data["r:" .. OWN])
    journal_io.journalDelete(j, { a })
    assert.is_nil(dict.data["j:" .. OWN .. ":1"])
    assert.is_not_nil(dict.data["j:" .. OWN .. ":2"])
    journal_io.journalDelete(j, { b })
    journal_io.journalRange(j, nil)
    assert.equal("3,2", dict.data["r:" .. OWN])
  end)

  it("takes over a dead process's copies: its range (gaps are acknowledged events), then on up to the first missing seq", function()
    -- lo 2, hi 4: 3 was acknowledged; 5 and 6 were written after its last send.
    left_by(DEAD, { 2, 4, 5, 6, 8 }, "2,4")
    dict:safe_set("w:1", tostring(DEAD))
    local j = journal_io.openJournal("tollgate_usage")
    local taken = {}
    local n = journal_io.sweep(j, function(entry) taken[#taken + 1] = entry.key; return true end)
    assert.equal(4, n)
    assert.same({ "k2", "k4", "k5", "k6" }, taken)
    for _, seq in ipairs({ 2, 4, 5, 6 }) do assert.is_nil(dict.data["j:" .. DEAD .. ":" .. seq]) end
    -- Nothing of it is left to look for: its range and lease are gone.
    assert.is_nil(dict.data["r:" .. DEAD])
    assert.is_nil(dict.data["a:" .. DEAD])
  end)

  it("a settled dead process leaves the worker's own slot list", function()
    left_by(DEAD, { 1 }, nil)
    dict:safe_set("w:0", DEAD .. ",77")
    local j = journal_io.openJournal("tollgate_usage")
    journal_io.sweep(j, function() return true end)
    -- 77 (another dead process with nothing left) is settled too.
    assert.equal(tostring(OWN), dict.data["w:0"])
  end)

  it("leaves a live process's copies alone, however old", function()
    left_by(ALIVE, { 1, 2 }, "1,2")
    dict:safe_set("w:1", tostring(ALIVE))
    local j = journal_io.openJournal("tollgate_usage")
    assert.equal(0, journal_io.sweep(j, function() error("must not take a live process's events") end))
    assert.is_not_nil(dict.data["j:" .. ALIVE .. ":1"])
  end)

  it("takes nothing while another worker holds the take-over lease", function()
    left_by(DEAD, { 1, 2 }, "1,2")
    dict:safe_set("w:1", tostring(DEAD))
    dict:safe_set("a:" .. DEAD, 12345)
    local j = journal_io.openJournal("tollgate_usage")
    assert.equal(0, journal_io.sweep(j, function() error("leased to another worker") end))
    assert.is_not_nil(dict.data["j:" .. DEAD .. ":1"])
    assert.equal(tostring(DEAD), dict.data["w:1"])
  end)

  it("stops where the taking worker refuses (its queue is full) and goes on at the next sweep", function()
    left_by(DEAD, { 1, 2, 3 }, "1,3")
    dict:safe_set("w:0", tostring(DEAD))
    local j = journal_io.openJournal("tollgate_usage")
    local room = 2
    local take = function() if room == 0 then return false end room = room - 1 return true end
    assert.equal(2, journal_io.sweep(j, take))
    assert.is_not_nil(dict.data["j:" .. DEAD .. ":3"])
    assert.is_not_nil(dict.data["r:" .. DEAD])
    assert.is_nil(dict.data["a:" .. DEAD])
    assert.equal(DEAD .. "," .. OWN, dict.data["w:0"])
    room = 1
    assert.equal(1, journal_io.sweep(j, take))
    assert.is_nil(dict.data["j:" .. DEAD .. ":3"])
    assert.equal(tostring(OWN), dict.data["w:0"])
  end)

  it("a full dict: the write fails without using a seq, unless the copy it replaces makes room", function()
    dict = fake_dict(1)
    local j = journal_io.openJournal("tollgate_usage") -- w:0 takes the one place
    local e = event(1)
    assert.is_false(journal_io.journalWrite(j, "c1", e))
    assert.is_nil(e.seq)
    assert.equal(0, j.seq)
    dict = fake_dict(2)
    j = journal_io.openJournal("tollgate_usage")
    left_by(DEAD, { 9 }, nil)
    assert.is_true(journal_io.journalWrite(j, "c1", e, "j:" .. DEAD .. ":9"))
    assert.equal(1, e.seq)
    assert.is_nil(dict.data["j:" .. DEAD .. ":9"])
  end)
end)
