-- wrk script: one fixed request, repeated. From the environment:
-- WRK_METHOD (GET), WRK_BODY (a form body; POST with a form Content-Type),
-- WRK_AUTH (the Authorization header value), WRK_COOKIE (the Cookie header).
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY") or ""
if body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
for var, header in pairs({ WRK_AUTH = "Authorization", WRK_COOKIE = "Cookie" }) do
  local value = os.getenv(var) or ""
  if value ~= "" then
    wrk.headers[header] = value
  end
end
