-- wrk script: GET the paths listed one a line in the file named by $WRK_PATHS, in turn
-- (each thread starts at a different offset), count non-2xx answers, and print one
-- machine-readable line `WRKJSON {...}` with the totals and the latency distribution.
local paths = {}
local threads = {}
local counter = 0
non2xx = 0

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   local name = os.getenv("WRK_PATHS")
   local f = assert(io.open(name, "r"), "cannot open WRK_PATHS file")
   for line in f:lines() do
      if #line > 0 then paths[#paths + 1] = line end
   end
   f:close()
   counter = (id or 0) * 7919
end

function request()
   counter = counter + 1
   return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
   if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
   local bad = 0
   for _, t in ipairs(threads) do bad = bad + (t:get("non2xx") or 0) end
   local e = summary.errors
   io.write(string.format(
      'WRKJSON {"requests":%d,"duration_s":%.3f,"rps":%.1f,"non2xx":%d,"connect_errors":%d,' ..
      '"read_errors":%d,"write_errors":%d,"timeouts":%d,"status_errors":%d,' ..
      '"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"mean_ms":%.2f}\n',
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), bad,
      e.connect, e.read, e.write, e.timeout, e.status,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, latency.mean / 1000))
end
