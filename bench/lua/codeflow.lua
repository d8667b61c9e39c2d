-- wrk script: whole authorization-code flows. A flow is two requests: the
-- authorize request of a signed-in user whose consent is remembered (WRK_AUTHZ
-- path and query, WRK_COOKIE session cookie) answers a redirect with a code;
-- the code is exchanged at the token endpoint (WRK_TOKEN_PATH, WRK_AUTH
-- client_secret_basic, WRK_REDIRECT_URI). Each thread keeps the codes it has
-- received in a queue: a connection that is free redeems a waiting code, or
-- else starts a new flow. Any connection may redeem any code, as a partner's
-- servers would. Prints "Flows/sec:" (token answers with an access token per
-- second) at the end; wrk's latency figures mix the two kinds of request.
local threads = {}
local codes = {}
local authz, token_path = os.getenv("WRK_AUTHZ"), os.getenv("WRK_TOKEN_PATH")
local redirect = os.getenv("WRK_REDIRECT_URI"):gsub("[^%w%-%._~]", function(c)
  return string.format("%%%02X", string.byte(c))
end)
local authz_headers = { ["Cookie"] = os.getenv("WRK_COOKIE") }
local token_headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Authorization"] = os.getenv("WRK_AUTH"),
}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  flows, codes_got, failed = 0, 0, 0
end

function request()
  local c = table.remove(codes, 1)
  if c then
    local body = "grant_type=authorization_code&code=" .. c .. "&redirect_uri=" .. redirect
    return wrk.format("POST", token_path, token_headers, body)
  end
  return wrk.format("GET", authz, authz_headers)
end

local function header(hdrs, name)
  for k, v in pairs(hdrs) do
    if k:lower() == name then
      return v
    end
  end
end

function response(status, hdrs, body)
  local location = status >= 300 and status < 400 and header(hdrs, "location")
  local c = location and location:match("[?&]code=([^&#]+)")
  if c then
    codes_got = codes_got + 1
    codes[#codes + 1] = c
  elseif status == 200 and body:find('"access_token"', 1, true) then
    flows = flows + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local n, bad = 0, 0
  for _, t in ipairs(threads) do
    n, bad = n + t:get("flows"), bad + t:get("failed")
  end
  io.write(string.format("Flows/sec: %.2f\nFlow failures: %d\n", n / (summary.duration / 1e6), bad))
end
