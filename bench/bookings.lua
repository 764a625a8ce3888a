-- bench/bookings.lua: wrk's script for bench/bookings.sh - books seats, POST
-- /api/v1/activities/ID/bookings, each request with a phone number of its own and the same topic.
--
-- The activities come from a pool, the file named by BENCH_BOOKING_POOL (one activity id a line,
-- each with 10000 seats); this run starts at the line BENCH_BOOKING_START (1-based). The pool is
-- read as lanes: BENCH_BOOKING_LANES of them, lane l (0-based) holding the lines START + l,
-- START + l + LANES, START + l + 2 * LANES ...
--   LANES = 1       contention: every connection of every thread books the same activity;
--   LANES = CONNS   spread: thread t (1-based) of T takes the lanes t-1, t-1+T, t-1+2T ..., one
--                   request to each in turn, so at any moment each in-flight request has its
--                   lane to itself, about one activity a connection.
-- A lane moves on to its next activity when a 201 says the one it books has at most
-- BENCH_BOOKING_MARGIN seats left (the margin covers the requests still in flight, so that no
-- request finds the activity full). In contention, a thread that got none of those last 201s
-- moves on at its first 409 "full" for the activity it books. A 409 "full" is an answer all the
-- same and is counted apart; any other answer fails the run.
--
-- Phones: "13", the thread's number (2 digits) and the thread's count of requests (7 digits), so
-- no phone repeats within a run; bench/bookings.sh starts every run past the activities of the
-- runs before, so no phone repeats within an activity either.
--
-- At the end it prints
--   201 responses: N
--   409 full responses: N
--   other responses: N
--   bookings/s: R          (201s per second of the run)
--   last pool line: L      (the furthest line any lane reached; the next run starts after it)
-- and exits with status 1 if any answer was neither a 201 nor a 409 full, or if a lane ran past
-- the end of the pool. When BENCH_BOOKING_CODES is set, each thread writes the code of every 201
-- it got, one a line, to BENCH_BOOKING_CODES.<thread number>.
-- wrk runs this file once per thread, plus once for setup and done.

local function env(name)
    local value = os.getenv(name)
    return (assert(value, name .. " is not set"))
end

local pool = {}
local line_of = {}
for id in io.lines(env("BENCH_BOOKING_POOL")) do
    pool[#pool + 1] = id
    line_of[id] = #pool
end
local start = tonumber(env("BENCH_BOOKING_START"))
local lanes = tonumber(env("BENCH_BOOKING_LANES"))
local margin = tonumber(env("BENCH_BOOKING_MARGIN"))
local topic = env("BENCH_BOOKING_TOPIC")
local headers = {["Content-Type"] = "application/json"}

-- each thread's own counts, read by done through thread:get
created = 0
full = 0
other = 0
other_status = 0 -- the largest status of those "other" answers
exhausted = 0
furthest = 0

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("number", #threads)
end

local my_lanes = {}    -- the lanes this thread books, in turn
local at = {}          -- lane -> the pool line it books now
local waiting = {}     -- pool line -> this thread's requests for it not answered yet
local sent = 0
local codes = nil

-- the lane of a pool line moves on to its next activity, unless it has already
local function move_on(line)
    local lane = (line - start) % lanes
    if at[lane] == line then
        at[lane] = line + lanes
        furthest = math.max(furthest, at[lane])
    end
end

function init(args)
    local nthreads = tonumber(env("BENCH_BOOKING_THREADS"))
    if lanes == 1 then
        my_lanes = {0}
    else
        for l = number - 1, lanes - 1, nthreads do
            my_lanes[#my_lanes + 1] = l
        end
    end
    for _, l in ipairs(my_lanes) do
        at[l] = start + l
        if at[l] > furthest then
            furthest = at[l]
        end
    end
    local prefix = os.getenv("BENCH_BOOKING_CODES")
    if prefix then
        codes = assert(io.open(prefix .. "." .. number, "w"))
    end
end

function request()
    sent = sent + 1
    local lane = my_lanes[sent % #my_lanes + 1]
    local line = at[lane]
    if line > #pool then
        exhausted = 1
        line = #pool
    end
    waiting[line] = (waiting[line] or 0) + 1
    local phone = string.format("13%02d%07d", number % 100, sent % 10000000)
    local body = string.format('{"topic":"%s","phone":"%s"}', topic, phone)
    return wrk.format("POST", "/api/v1/activities/" .. pool[line] .. "/bookings", headers, body)
end

function response(status, headers, body)
    if status == 201 then
        created = created + 1
        -- written out when wrk exits; a 201 without a code is recorded as "missing"
        local _ = codes and codes:write(body:match('"code":"(%w+)"') or "missing", "\n")
        -- the activity's id and seats left, as the booking's answer gives them
        local id = body:match('"activity":{"id":(%d+)')
        local left = tonumber(body:match('"seats_left":(%d+)'))
        local line = id and line_of[id]
        if line then
            waiting[line] = waiting[line] - 1
        end
        if line and left and left <= margin then
            move_on(line)
        end
    elseif status == 409 and body:find('"code":"full"', 1, true) then
        full = full + 1
        -- A thread that got none of the last seats of the shared lane's activity has not seen
        -- it fill: a 409 names no activity, so it is taken as the answer for the oldest line
        -- this thread still waits on, and if that is the line booked now, the lane moves on.
        -- (Spread lanes are each one thread's, which sees every 201 of them.)
        if lanes == 1 then
            local line = start
            while line < at[0] and (waiting[line] or 0) == 0 do
                line = line + 1
            end
            waiting[line] = math.max((waiting[line] or 0) - 1, 0)
            if line == at[0] then
                move_on(line)
            end
        end
    else
        other, other_status = other + 1, math.max(other_status, status)
    end
end

-- a value every thread keeps, summed over the threads (or the largest, with combine = math.max)
local function over_threads(name, combine)
    local result = 0
    for _, thread in ipairs(threads) do
        result = (combine or function(a, b) return a + b end)(result, thread:get(name))
    end
    return result
end

function done(summary, latency, requests)
    local ok, bad = over_threads("created"), over_threads("other")
    local ran_out = over_threads("exhausted") > 0
    io.write(string.format("201 responses: %d\n409 full responses: %d\nother responses: %d\n", ok,
        over_threads("full"), bad))
    io.write(string.format("bookings/s: %.1f\n", ok / (summary.duration / 1e6)))
    io.write(string.format("last pool line: %d\n", math.min(over_threads("furthest", math.max), #pool)))
    if bad > 0 then
        io.write(string.format("other status: %d\n", over_threads("other_status", math.max)))
    end
    if ran_out then
        io.write("the pool of activities ran out\n")
    end
    io.stdout:flush()
    if bad > 0 or ran_out then
        os.exit(1)
    end
end
