-- wrk script shared by every HTTP target of run-load.sh, so all see the same request shape.
-- Environment:
--   WRK_TARGET        buckets | baseline (same paths: /v1/keys/{key}) | webdis (/GET/{key}, PUT /SET/{key})
--   WRK_MODE          get | put | mix
--   WRK_KEYSPACE      keys are key:000000000000 .. key:<KEYSPACE-1> (16 bytes)
--   WRK_READ_PCT      share of GETs in mix mode (0-100)
--   WRK_VALUE_BYTES   PUT body size
--   WRK_APIKEYS_FILE  API keys, one per line (Buckets only; each request picks one)
--   WRK_DELAY_MS      pause per connection between requests (rate limiting for the backup-lag phase)
-- Each thread pre-builds a pool of random requests and cycles through it, so Lua costs the same
-- for every target and as little as possible. done() prints one machine-readable RESULT line.

local target     = os.getenv("WRK_TARGET") or "buckets"
local mode       = os.getenv("WRK_MODE") or "get"
local keyspace   = tonumber(os.getenv("WRK_KEYSPACE") or "10000")
local readPct    = tonumber(os.getenv("WRK_READ_PCT") or "90")
local valueBytes = tonumber(os.getenv("WRK_VALUE_BYTES") or "32")
local delayMs    = tonumber(os.getenv("WRK_DELAY_MS") or "0")
local keysFile   = os.getenv("WRK_APIKEYS_FILE")
local poolSize   = 16384

local threadCount = 0
function setup(thread)
  thread:set("threadIndex", threadCount)
  threadCount = threadCount + 1
end

local function readKeys()
  local keys = {}
  if keysFile and keysFile ~= "" then
    for line in io.lines(keysFile) do
      if #line > 0 then keys[#keys + 1] = line end
    end
  end
  return keys
end

local function value()
  local v = "v" .. string.format("%012d", math.random(0, 999999999)) .. "-"
  while #v < valueBytes do v = v .. "abcdefghijklmnopqrstuvwxyz" end
  return string.sub(v, 1, valueBytes)
end

function init(args)
  math.randomseed(os.time() + (threadIndex or 0) * 7919)
  local apikeys = readKeys()
  pool = {}
  for i = 1, poolSize do
    local key = string.format("key:%012d", math.random(0, keyspace - 1))
    local isGet = (mode == "get") or (mode == "mix" and math.random(1, 100) <= readPct)
    if target == "webdis" then
      if isGet then
        pool[i] = wrk.format("GET", "/GET/" .. key, {})
      else
        pool[i] = wrk.format("PUT", "/SET/" .. key, {}, value())
      end
    else
      local headers = {}
      if #apikeys > 0 then
        headers["Authorization"] = "Bearer " .. apikeys[math.random(1, #apikeys)]
      end
      if isGet then
        pool[i] = wrk.format("GET", "/v1/keys/" .. key, headers)
      else
        headers["Content-Type"] = "application/octet-stream"
        pool[i] = wrk.format("PUT", "/v1/keys/" .. key, headers, value())
      end
    end
  end
  nextIndex = 0
end

function request()
  nextIndex = nextIndex + 1
  if nextIndex > poolSize then nextIndex = 1 end
  return pool[nextIndex]
end

if delayMs > 0 then
  function delay()
    return delayMs
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50.0), latency:percentile(90.0), latency:percentile(99.0), latency.max,
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
