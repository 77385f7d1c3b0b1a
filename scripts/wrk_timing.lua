-- Shared by the load benchmarks (scripts/bench_registrations.py, scripts/bench_soak.py): a clock in
-- milliseconds through LuaJIT's FFI (wrk's Lua has no finer clock), so each thread can time its own
-- requests, and a way to hand a thread's figures to done().
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } mb_timespec;
int clock_gettime(int clk_id, mb_timespec *tp);
]]
local mb_ts = ffi.new("mb_timespec")
function now_ms()
  ffi.C.clock_gettime(1, mb_ts) -- CLOCK_MONOTONIC: the same clock in every thread
  return tonumber(mb_ts.tv_sec) * 1000 + tonumber(mb_ts.tv_nsec) / 1e6
end

function lines_of(path)
  local found = {}
  for line in io.lines(path) do
    if line ~= "" then table.insert(found, line) end
  end
  return found
end

mb_threads = {}
mb_counter = 0
function mb_setup(thread)
  thread:set("id", mb_counter)
  mb_counter = mb_counter + 1
  table.insert(mb_threads, thread)
end
