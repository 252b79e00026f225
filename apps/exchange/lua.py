"""Lua scripts run atomically in Redis by the limiter and the breaker (one round trip each).

Times are milliseconds of the exchange's clock, passed in by the caller (Redis's own clock is not the
exchange's); windows start at `now - now % window`, aligned as Binance aligns them.
"""

from __future__ import annotations

# KEYS: block, credential generation, then one counter base per pool.
# ARGV: now, tail guard, priority, hold ms, pool count, then per pool: limit, window, cost, lease wanted.
# Returns {wait_ms, reason, generation, lease granted per pool...}; wait 0 means admitted and counted.
LIMITER_ACQUIRE = """
local now = tonumber(ARGV[1])
local guard = tonumber(ARGV[2])
local prio = tonumber(ARGV[3])
local hold_ms = tonumber(ARGV[4])
local n = tonumber(ARGV[5])
local gen = redis.call('GET', KEYS[2]) or '0'
local block = tonumber(redis.call('GET', KEYS[1]) or '0')
if block > now then return {block - now, 'retry-after', gen} end
local wait, reason, starts, waits, used = 0, '', {}, {}, {}
for i = 1, n do
  local base = KEYS[2 + i]
  local o = 5 + (i - 1) * 4
  local limit, window, cost = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3])
  local start = now - (now % window)
  starts[i] = start
  used[i] = tonumber(redis.call('GET', base .. ':' .. start) or '0')
  local w = 0
  if cost > 0 then
    -- callers of higher priority already waiting on this pool go first
    for p = 0, prio - 1 do
      local h = redis.call('PTTL', base .. ':hold:' .. p)
      if h > w then w = h end
    end
    local tail = math.min(guard, math.floor(window / 20))
    if used[i] + cost > limit or (start + window - now) <= tail then
      w = math.max(w, start + window - now + 1)
    end
  end
  waits[i] = w
  if w > wait then wait, reason = w, base end
end
if wait > 0 then
  for i = 1, n do
    if waits[i] > 0 then
      redis.call('SET', KEYS[2 + i] .. ':hold:' .. prio, '1', 'PX', waits[i] + hold_ms)
    end
  end
  return {wait, reason, gen}
end
local out = {0, '', gen}
for i = 1, n do
  local o = 5 + (i - 1) * 4
  local limit, window = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2])
  local cost, want = tonumber(ARGV[o + 3]), tonumber(ARGV[o + 4])
  local extra = 0
  if cost > 0 then
    -- a small lease for this process, never out of the last 10 % of the pool
    if want > 0 and used[i] + cost + want <= limit * 0.9 then extra = want end
    local key = KEYS[2 + i] .. ':' .. starts[i]
    redis.call('INCRBY', key, cost + extra)
    redis.call('PEXPIRE', key, window * 2)
  end
  out[3 + i] = extra
end
return out
"""

# Raise counters to what the exchange reported. KEYS: counter bases; ARGV per key: window, start, count.
LIMITER_OBSERVE = """
for i = 1, #KEYS do
  local window, start, count = tonumber(ARGV[i * 3 - 2]), tonumber(ARGV[i * 3 - 1]), tonumber(ARGV[i * 3])
  local key = KEYS[i] .. ':' .. start
  local cur = tonumber(redis.call('GET', key) or '0')
  if count > cur then redis.call('SET', key, count, 'PX', window * 2) end
end
return 1
"""

LIMITER_BLOCK = """
local until_ms = tonumber(ARGV[1])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > cur then
  redis.call('SET', KEYS[1], until_ms, 'PX', math.max(1, until_ms - tonumber(ARGV[2])))
end
return 1
"""

BREAKER_BEFORE = """
local now = tonumber(ARGV[1])
local probe_ms = tonumber(ARGV[2])
local h = redis.call('HMGET', KEYS[1], 'state', 'failures', 'open_until', 'probe_until')
local state = h[1] or 'closed'
local failures = tonumber(h[2] or '0')
if state == 'closed' then return {1, state, failures, 0} end
if state == 'open' then
  local until_ms = tonumber(h[3] or '0')
  if now < until_ms then return {0, state, failures, until_ms - now} end
  redis.call('HSET', KEYS[1], 'state', 'half_open', 'probe_until', now + probe_ms, 'changed_at', now)
  return {1, 'half_open', failures, 0}
end
local probe_until = tonumber(h[4] or '0')
if now < probe_until then return {0, state, failures, probe_until - now} end
redis.call('HSET', KEYS[1], 'probe_until', now + probe_ms)
return {1, state, failures, 0}
"""

BREAKER_RECORD = """
local now, ok = tonumber(ARGV[1]), ARGV[2] == '1'
local threshold, cooldown = tonumber(ARGV[3]), tonumber(ARGV[4])
local h = redis.call('HMGET', KEYS[1], 'state', 'failures')
local state = h[1] or 'closed'
local failures = tonumber(h[2] or '0')
if ok then
  if state ~= 'closed' then redis.call('HSET', KEYS[1], 'changed_at', now) end
  redis.call('HSET', KEYS[1], 'state', 'closed', 'failures', 0, 'probe_until', 0)
  return 'closed'
end
failures = failures + 1
if state == 'half_open' or (state == 'closed' and failures >= threshold) then
  redis.call('HSET', KEYS[1], 'state', 'open', 'failures', failures, 'open_until', now + cooldown,
             'changed_at', now, 'probe_until', 0)
  return 'open'
end
redis.call('HSET', KEYS[1], 'failures', failures, 'last_failure_at', now)
return state
"""
