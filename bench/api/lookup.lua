-- wrk script: authenticated register look-ups spread over many person ids.
-- IDS names a file of identity numbers (one a line); TOKEN is an access token from POST /token.
local ids = {}
for line in io.lines(os.getenv("IDS")) do
  ids[#ids + 1] = line
end
local auth = "Bearer " .. os.getenv("TOKEN")
local part = os.getenv("PART") or "person-basis,bostedsadresse"
local i = 0

function setup(thread)
  i = i + 1
  thread:set("offset", i * 7919)
end

request = function()
  offset = (offset or 0) + 104729
  local id = ids[(offset % #ids) + 1]
  return wrk.format("GET", "/registers/folkeregisteret/personer/" .. id .. "?part=" .. part,
    { ["Authorization"] = auth })
end

local non2xx = 0
response = function(status, headers, body)
  if status ~= 200 then
    non2xx = non2xx + 1
  end
end
