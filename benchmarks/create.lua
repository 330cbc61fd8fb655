-- wrk script: create HeyGen videos (POST /v2/video/generate), each a new job on the default,
-- poll-based timeline; the thread stops after BENCH_JOBS responses (run with -t1, so that is the
-- bound, give or take the requests already in flight). Nobody polls the jobs: they stay unfinished.
local limit = tonumber(os.getenv("BENCH_JOBS") or "1000")
local seen = 0
wrk.method = "POST"
wrk.headers["x-api-key"] = "bench"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"video_inputs": [{"character": {"type": "avatar", "avatar_id": "a"}, '
  .. '"voice": {"type": "text", "input_text": "hi", "voice_id": "v"}}]}'
response = function(status, headers, body)
  seen = seen + 1
  if seen >= limit then wrk.thread:stop() end
end
