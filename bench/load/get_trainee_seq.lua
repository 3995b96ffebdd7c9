-- wrk script for warming up: GET /v1/trainees/{id} for every id in $KH_IDS
-- in order (wrapping around), so each trainee is read once early on. A line
-- is an id, read with the key in $KH_KEY, or "id key": read with that key
-- (its organization's).
local ids = {}
local keys = {}
local key = os.getenv("KH_KEY")
local next_id = 0

function init(args)
  for line in io.lines(os.getenv("KH_IDS")) do
    local id, own = line:match("^(%S+)%s+(%S+)$")
    ids[#ids + 1] = id or line
    keys[#keys + 1] = own or key
  end
end

function request()
  next_id = next_id % #ids + 1
  return wrk.format("GET", "/v1/trainees/" .. ids[next_id],
                    { ["Authorization"] = "Bearer " .. keys[next_id] })
end
