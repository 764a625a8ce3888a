-- bench/opinions.lua: wrk's script for bench/opinions.sh - POSTs the JSON body in the file named
-- by the environment variable BENCH_OPINION_BODY on every request, and counts the answers: 201s
-- (submissions acknowledged) and anything else. At the end it prints
--   201 responses: N
--   non-201 responses: N
-- and, if any answer was not a 201, the first such status and exits with status 1, so that the
-- run is refused. When BENCH_OPINION_CODES is set, each thread also writes the tracking code of
-- every 201 it got, one a line, to the file BENCH_OPINION_CODES.<thread number>, so that the
-- benchmark can check each acknowledged submission is in the database.
-- wrk runs this file once per thread, plus once for setup and done.

local path = assert(os.getenv("BENCH_OPINION_BODY"), "BENCH_OPINION_BODY names no file")
local file = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"

-- each thread's own counts, read by done through thread:get
created = 0
other = 0
first_other = 0

local threads = {}
local codes = nil

function setup(thread)
    table.insert(threads, thread)
    thread:set("number", #threads)
end

function init(args)
    local prefix = os.getenv("BENCH_OPINION_CODES")
    if prefix then
        codes = assert(io.open(prefix .. "." .. number, "w"))
    end
end

function response(status, headers, body)
    if status == 201 then
        created = created + 1
        if codes then
            -- written out when wrk exits; a 201 without a code is recorded as "missing"
            codes:write(body:match('"tracking_code":"(%w+)"') or "missing", "\n")
        end
    else
        other = other + 1
        if first_other == 0 then
            first_other = status
        end
    end
end

function done(summary, latency, requests)
    local ok, bad, first = 0, 0, 0
    for _, thread in ipairs(threads) do
        ok = ok + thread:get("created")
        bad = bad + thread:get("other")
        if first == 0 then
            first = thread:get("first_other")
        end
    end
    io.write(string.format("201 responses: %d\nnon-201 responses: %d\n", ok, bad))
    if bad > 0 then
        io.write(string.format("first non-201 status: %d\n", first))
        io.stdout:flush()
        os.exit(1)
    end
end
