-- wrk script: the refresh_token grant under rotation. Every request spends
-- one refresh token and its answer carries the next one, so each connection
-- keeps a chain going. The chains start from a pre-made list (WRK_TOKENS, one
-- token per line, shared out between the WRK_THREADS threads); a failed
-- answer ends its chain (wrk asks each thread for one request more than it
-- has connections, so give the list some slack), and a thread without tokens
-- sends a request that must fail, so failures show as non-2xx and are never
-- counted as refreshes.
-- Also from the environment: WRK_AUTH (client_secret_basic header).
-- Prints "Refreshes/sec:" (successful rotations per second) at the end.
local share = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "share.lua")
local threads, next_id = {}, 0
local tokens = {}
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Authorization"] = os.getenv("WRK_AUTH"),
}

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  tokens = share(id)
  refreshed, failed = 0, 0
end

function request()
  local t = table.remove(tokens) or "chain-ended"
  return wrk.format("POST", nil, headers, "grant_type=refresh_token&refresh_token=" .. t)
end

function response(status, hdrs, body)
  local t = status == 200 and body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if t then
    refreshed = refreshed + 1
    tokens[#tokens + 1] = t
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do
    ok, bad = ok + t:get("refreshed"), bad + t:get("failed")
  end
  io.write(string.format("Refreshes/sec: %.2f\nRefresh failures: %d\n", ok / (summary.duration / 1e6), bad))
end
