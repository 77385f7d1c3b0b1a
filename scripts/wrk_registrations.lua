-- A registration burst for wrk (scripts/bench_registrations.py): one connection per thread, and
-- thread k applies as residents k+1, k+1+T, k+1+2T ... of the token file, each once, so every
-- application is a different resident. Each request is timed here; a thread that has had every answer
-- stops and says so on stdout, and done() writes each answer's status and time to a file.
-- Arguments: token file, number of threads, path, output file, and the method (POST with an
-- application by default; GET sends no body: the floor run of scripts/bench_registrations.py).
setup = mb_setup

init = function(args)
  local tokens = lines_of(args[1])
  local step = tonumber(args[2])
  path = args[3]
  out = args[4]
  method = args[5] or "POST"
  mine = {}
  for i = id + 1, #tokens, step do
    table.insert(mine, tokens[i])
  end
  sent, answered, first_ms, last_ms = 0, 0, 0, 0
  timings = {}
  body = '{"party_size": 1, "answers": {}, "consent": true}'
  -- wrk asks thread 0's script for one request before the run to check it, and never sends it.
  checked = id ~= 0
end

request = function()
  if not checked then
    checked = true
    return wrk.format("GET", "/healthz")
  end
  if sent >= #mine then
    -- Only between the last answer and the thread's stop: never timed nor counted.
    return wrk.format("GET", "/healthz")
  end
  sent = sent + 1
  started = now_ms()
  if first_ms == 0 then first_ms = started end
  if method == "GET" then
    return wrk.format("GET", path, {["Authorization"] = "Bearer " .. mine[sent]})
  end
  local headers = {["Authorization"] = "Bearer " .. mine[sent], ["Content-Type"] = "application/json"}
  return wrk.format("POST", path, headers, body)
end

response = function(status, headers, answer)
  if answered >= sent then return end
  answered = answered + 1
  last_ms = now_ms()
  table.insert(timings, status .. " " .. string.format("%.3f", last_ms - started))
  if answered >= #mine then
    io.write("THREAD_DONE\n")
    io.flush()
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local file = nil
  for _, thread in ipairs(mb_threads) do
    file = file or io.open(thread:get("out"), "w")
    file:write(string.format("SPAN %.3f %.3f\n", thread:get("first_ms"), thread:get("last_ms")))
    for _, line in ipairs(thread:get("timings")) do
      file:write(line .. "\n")
    end
  end
  file:close()
  io.write(string.format("RESULT errors=%d\n",
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
