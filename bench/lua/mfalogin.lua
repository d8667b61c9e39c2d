-- wrk script: password + TOTP sign-ins. A sign-in is two requests: the login
-- form posted with the next member's name (WRK_LOGIN_BODY, @USER@ replaced
-- by a line of WRK_USERS) answers the second-factor page and a pending
-- cookie gh_mfa; that cookie with the code of the current step (WRK_CODES:
-- "STEP CODE" lines; every member shares one key) posted as WRK_OTP_BODY
-- (@CODE@ replaced) answers 302 with a code. Both carry WRK_COOKIE (the
-- login form's CSRF cookie). Each thread walks its own share of the members
-- and keeps a queue of pending cookies that any free connection completes.
-- WRK_STATE (a file) keeps how many members the runs so far took, so that
-- the next run (the measured one after the warm-up) goes on with fresh ones:
-- a member signs in once per 30-second step.
-- Prints "Flows/sec:" (completed sign-ins per second) at the end.
local threads = {}
local pending = {}
local users = {}
local codes = {}
local login_body, otp_body = os.getenv("WRK_LOGIN_BODY"), os.getenv("WRK_OTP_BODY")
local cookie = os.getenv("WRK_COOKIE")
local form = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie }
local next_user = 0

local function read_taken()
  local f = io.open(os.getenv("WRK_STATE") or "", "r")
  local n = f and tonumber(f:read("*l")) or 0
  if f then
    f:close()
  end
  return n
end

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  flows, failed, taken = 0, 0, 0
  local count = tonumber(os.getenv("WRK_THREADS")) or 1
  local i = 0
  for line in io.lines(os.getenv("WRK_USERS")) do
    if i % count == index then
      users[#users + 1] = line
    end
    i = i + 1
  end
  next_user = math.floor(read_taken() / count) % math.max(#users, 1)
  for line in io.lines(os.getenv("WRK_CODES")) do
    local step, code = line:match("(%d+) (%d+)")
    codes[tonumber(step)] = code
  end
end

function request()
  local c = table.remove(pending, 1)
  if c then
    local body = otp_body:gsub("@CODE@", codes[math.floor(os.time() / 30)] or "000000")
    return wrk.format("POST", nil, { ["Content-Type"] = form["Content-Type"], ["Cookie"] = cookie .. "; gh_mfa=" .. c }, body)
  end
  next_user = next_user % #users + 1
  taken = taken + 1
  return wrk.format("POST", nil, form, (login_body:gsub("@USER@", users[next_user])))
end

function response(status, hdrs, body)
  for k, v in pairs(hdrs) do
    local c = k:lower() == "set-cookie" and v:match("gh_mfa=([^;]+)")
    if c and status == 200 then
      pending[#pending + 1] = c
      return
    end
  end
  if status == 302 then
    flows = flows + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local n, bad, used = 0, 0, read_taken()
  for _, t in ipairs(threads) do
    n, bad, used = n + t:get("flows"), bad + t:get("failed"), used + t:get("taken")
  end
  local f = io.open(os.getenv("WRK_STATE") or "", "w")
  if f then
    f:write(used, "\n")
    f:close()
  end
  io.write(string.format("Flows/sec: %.2f\nFlow failures: %d\n", n / (summary.duration / 1e6), bad))
end
