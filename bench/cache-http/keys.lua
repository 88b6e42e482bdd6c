-- Cycles requests over N keys: /cache/<prefix>-<i>. Set by the environment: BENCH_PREFIX, BENCH_KEYS, BENCH_METHOD
-- (GET or PUT) and BENCH_BODY_BYTES (PUT body size).
local prefix = os.getenv("BENCH_PREFIX") or "k4"
local keys = tonumber(os.getenv("BENCH_KEYS") or "100")
local method = os.getenv("BENCH_METHOD") or "GET"
local body = nil
if method == "PUT" then
  body = string.rep("x", tonumber(os.getenv("BENCH_BODY_BYTES") or "1048576"))
end
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local i = 0
function request()
  i = i + 1
  local path = "/cache/" .. prefix .. "-" .. ((i * 7 + id * 13) % keys)
  return wrk.format(method, path, nil, body)
end

local errors = 0
function response(status, headers, body)
  if status >= 300 then
    errors = errors + 1
  end
end
