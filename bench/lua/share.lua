-- For the wrk scripts that replay a list of tokens (refresh.lua, tokens.lua):
-- the lines of WRK_TOKENS (one token per line) that fall to the thread whose
-- number is id, every WRK_THREADS-th one, so that no two threads share one.
-- A script loads it with dofile from its own folder (see tokens.lua).
return function(id)
  local n, i, mine = tonumber(os.getenv("WRK_THREADS")), 0, {}
  for line in io.lines(os.getenv("WRK_TOKENS")) do
    if i % n == id and line ~= "" then
      mine[#mine + 1] = line
    end
    i = i + 1
  end
  return mine
end
