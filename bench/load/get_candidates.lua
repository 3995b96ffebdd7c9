-- wrk script: GET /v1/projects/{id}/candidates?limit=20 over random project ids read from $KH_IDS, with
-- the API key in $KH_KEY. Counts non-200 answers as errors in the summary.
local ids = {}
local key = os.getenv("KH_KEY")

function init(args)
  for line in io.lines(os.getenv("KH_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0))
end

function request()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/v1/projects/" .. id .. "/candidates?limit=20", { ["Authorization"] = "Bearer " .. key })
end

local bad = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("non-200 responses: %d\n", bad))
end
