-- wrk script for warming up: GET /v1/trainees/{id} for every id in $KH_IDS
-- in order (wrapping around), so each trainee is read once early on.
local ids = {}
local key = os.getenv("KH_KEY")
local next_id = 0

function init(args)
  for line in io.lines(os.getenv("KH_IDS")) do ids[#ids + 1] = line end
end

function request()
  next_id = next_id % #ids + 1
  return wrk.format("GET", "/v1/trainees/" .. ids[next_id], { ["Authorization"] = "Bearer " .. key })
end
