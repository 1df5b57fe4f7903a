-- wrk script for benchmarks/webhook_ingest.py: each request is the next line of a file of
-- precomputed, validly signed Stripe events ("<Stripe-Signature>\t<body>"), each thread taking
-- its own stride so no event is sent twice. done() prints the figures as one JSON line.
local path = os.getenv("INGEST_EVENTS")
local threads, counter = {}, 0

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local stride = tonumber(os.getenv("INGEST_THREADS"))
  lines, index = {}, 0
  local n = 0
  for line in io.lines(path) do
    if n % stride == id then
      local tab = line:find("\t", 1, true)
      table.insert(lines, {line:sub(1, tab - 1), line:sub(tab + 1)})
    end
    n = n + 1
  end
end

function request()
  index = index + 1
  local entry = lines[index]
  if entry == nil then
    error("ran out of precomputed events: raise --events")
  end
  return wrk.format("POST", "/webhooks/stripe",
    {["Stripe-Signature"] = entry[1], ["Content-Type"] = "application/json"}, entry[2])
end

function done(summary, latency, requests)
  local status = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "errors": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration / 1e6, status,
    latency:percentile(50), latency:percentile(99)))
end
