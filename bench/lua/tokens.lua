-- wrk script: userinfo or introspection with a different token on every
-- request. The tokens come from a list (WRK_TOKENS, one per line) that the
-- WRK_THREADS threads share out, each walking its own part round and round;
-- make the list long enough that a worker has forgotten a token (each
-- remembers the last 1,024 signatures it accepted, src/jose/verified.c) long
-- before it comes round again. WRK_AS: "bearer" (GET, Authorization: Bearer)
-- or "form" (POST token=…, with the Authorization header WRK_AUTH).
local share = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "share.lua")
local next_id = 0
local tokens, at = {}, 0
local as_form = os.getenv("WRK_AS") == "form"
local headers = {}

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  tokens = share(id)
  if as_form then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Authorization"] = os.getenv("WRK_AUTH")
  end
end

function request()
  at = at % #tokens + 1
  if as_form then
    return wrk.format("POST", nil, headers, "token=" .. tokens[at])
  end
  headers["Authorization"] = "Bearer " .. tokens[at]
  return wrk.format("GET", nil, headers)
end
