-- The city-scale mix for wrk (scripts/bench_soak.py): one connection per thread, and thread k walks
-- the plan's lines offset+k+1, offset+k+1+T, ... so that no line is asked twice in a run. A line is
-- "kind<TAB>method<TAB>path<TAB>header<TAB>body" (header: "Name: value" or empty). Each request is
-- timed here; done() writes "kind status ms" per answer, and each thread's span, to a file.
-- Arguments: plan file, number of threads, offset into the plan, output file.
setup = mb_setup

init = function(args)
  local step = tonumber(args[2])
  local offset = tonumber(args[3])
  plan = {} -- only this thread's own lines: 64 threads do not each hold the whole plan
  local number = 0
  for line in io.lines(args[1]) do
    number = number + 1
    if number > offset and (number - offset - id - 1) % step == 0 then
      table.insert(plan, line)
    end
  end
  index = 1
  laps = 0
  out = args[4]
  timings = {}
  first_ms, last_ms = 0, 0
  pending = nil
  -- wrk asks thread 0's script for one request before the run to check it, and never sends it.
  checked = id ~= 0
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

request = function()
  if not checked then
    checked = true
    return wrk.format("GET", "/healthz")
  end
  if index > #plan then
    index = 1 -- round again (the report says when a run went past the plan)
    laps = laps + 1
  end
  local fields = split(plan[index])
  index = index + 1
  pending = fields[1]
  local headers = {}
  if fields[4] ~= "" then
    local name, value = fields[4]:match("^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  local body = nil
  if fields[5] ~= "" then
    body = fields[5]
    headers["Content-Type"] = "application/json"
  end
  started = now_ms()
  if first_ms == 0 then first_ms = started end
  return wrk.format(fields[2], fields[3], headers, body)
end

response = function(status, headers, answer)
  if pending == nil then return end
  last_ms = now_ms()
  table.insert(timings, pending .. " " .. status .. " " .. string.format("%.3f", last_ms - started))
  pending = nil
end

done = function(summary, latency, requests)
  local file = nil
  for _, thread in ipairs(mb_threads) do
    file = file or io.open(thread:get("out"), "w")
    local count = #thread:get("timings")
    file:write(string.format("SPAN %.3f %.3f %d %d\n", thread:get("first_ms"), thread:get("last_ms"),
      thread:get("laps"), count))
    for _, line in ipairs(thread:get("timings")) do
      file:write(line .. "\n")
    end
  end
  file:close()
  io.write(string.format("RESULT errors=%d\n",
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
