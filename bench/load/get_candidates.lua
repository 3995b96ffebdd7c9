-- wrk script: GET /v1/projects/{id}/candidates?limit=20 over random project ids read from $KH_IDS, with
-- the API key in $KH_KEY. No response() callback: wrk would hand every body
-- to Lua, and on one wrk thread that costs more than the server's work. wrk
-- itself prints "Non-2xx or 3xx responses" and socket errors when any occur.
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
