-- wrk script: poll `video_id` over N ids (env BENCH_IDS; 0 = a new id every request), with headers.
local ids = tonumber(os.getenv("BENCH_IDS") or "1000")
local scenario = os.getenv("BENCH_SCENARIO") or ""
local counter = 0
local thread_tag = tostring(math.random(1, 1000000))
request = function()
  counter = counter + 1
  local id
  if ids == 0 then id = thread_tag .. "-" .. counter else id = tostring(counter % ids) end
  local headers = { ["x-api-key"] = "bench" }
  if scenario ~= "" then headers["X-Mock-Scenario"] = scenario end
  return wrk.format("GET", "/v1/video_status.get?video_id=" .. id, headers)
end
