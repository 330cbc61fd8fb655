-- wrk script: poll `video_id` over N ids (env BENCH_IDS; 0 = a new id every request, prefixed by
-- BENCH_TAG, which must differ between runs), with the key and an optional X-Mock-Scenario header.
local ids = tonumber(os.getenv("BENCH_IDS") or "1000")
local scenario = os.getenv("BENCH_SCENARIO") or ""
local counter = 0
local thread_tag = os.getenv("BENCH_TAG") or tostring(os.time())
request = function()
  counter = counter + 1
  local id
  if ids == 0 then id = thread_tag .. "-" .. counter else id = thread_tag .. "-" .. (counter % ids) end
  local headers = { ["x-api-key"] = "bench" }
  if scenario ~= "" then headers["X-Mock-Scenario"] = scenario end
  return wrk.format("GET", "/v1/video_status.get?video_id=" .. id, headers)
end
