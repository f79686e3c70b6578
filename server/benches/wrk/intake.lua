-- wrk from outside the process: unique complaints posted to the intake API (the documented
-- example, a new name and Idempotency-Key each). Used by BENCHMARKS.md, "Intake load":
--   wrk -t2 -c64 -d20s -s server/benches/wrk/intake.lua http://127.0.0.1:PORT
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

local function uuid(n)
  local hex = string.format("%032x", n)
  return string.format("%s-%s-4%s-8%s-%s", hex:sub(1, 8), hex:sub(9, 12), hex:sub(14, 16), hex:sub(18, 20), hex:sub(21, 32))
end

request = function()
  counter = counter + 1
  local n = (tid or 1) * 100000000 + counter + math.random(0, 999) * 1000000000000
  local body = '{"full_name":"Wrk Person ' .. n .. '","address_line_1":"1 High Street","address_town":"Nottingham",' ..
    '"address_postcode":"NG2 7QP","email":"sam@example.com","phone":"07700 900982","preferred_contact":"email",' ..
    '"on_behalf_of":"myself","category":"subject_access","service":"Adult social care","happened_when":"March 2026",' ..
    '"description":"I asked for a copy of my social care records in January and have had no reply, though I chased it twice.",' ..
    '"outcomes_wanted":["apology"],"also_about_service":false,"consent_handle":true,"consent_share":true}'
  return wrk.format("POST", "/api/v1/complaints", {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = uuid(n),
  }, body)
end

local statuses = {}
response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end
