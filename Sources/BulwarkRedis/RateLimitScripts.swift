import Bulwark

/// The three rate-limit algorithms in Lua, run atomically by Redis.
///
/// They are the arithmetic of Bulwark's in-memory store (`RateLimitState`) transcribed, in
/// microseconds instead of nanoseconds, so that both stores admit the same requests; a test runs the
/// two side by side on random traffic and compares every outcome. Lua 5.1 numbers are doubles,
/// exact for integers below 2^53: times are microseconds since the epoch (about 2^50.6), and the
/// products that could pass 2^53 go through `muldiv`, which divides exactly.
///
/// Each script reads one hash, `KEYS[1]`, and is called with ARGV = max, refill rate, interval
/// (µs), requested units, and the time (µs since the epoch, or empty for the server's `TIME`). It
/// returns `{allowed (0 or 1), max, remaining, reset µs, blocked µs}` and sets the key to expire
/// when its state becomes indistinguishable from a new key's.
enum RateLimitScripts {
    /// The helpers every script starts with.
    static let prelude = """
        -- Redis before 5 refuses writes after TIME unless effects are replicated; later ones ignore this.
        if redis.replicate_commands then redis.replicate_commands() end
        local key = KEYS[1]
        local max = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local interval = tonumber(ARGV[3])
        local requested = tonumber(ARGV[4])
        local now
        if ARGV[5] == '' then
          local t = redis.call('TIME')
          now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        else
          now = tonumber(ARGV[5])
        end
        local TWO53 = 9007199254740992
        -- The longest wait reported, in µs (2^53 - 1), as in the in-memory store.
        local CAP = TWO53 - 1
        -- floor(a / b) and the remainder, exact for integers below 2^53 and b > 0.
        local function divmod(a, b)
          local q = math.floor(a / b)
          local r = a - q * b
          if r < 0 then q = q - 1; r = r + b elseif r >= b then q = q + 1; r = r - b end
          return q, r
        end
        -- floor(a * b / c) and the remainder, exact even when a * b passes 2^53 (a, b >= 0, c > 0).
        local function muldiv(a, b, c)
          local p = a * b
          if p < TWO53 then return divmod(p, c) end
          local bq, br = divmod(b, c)
          local q, r = 0, 0
          while a > 0 do
            local bit = a % 2
            if bit == 1 then
              q = q + bq; r = r + br
              if r >= c then q = q + 1; r = r - c end
            end
            bq = bq * 2; br = br * 2
            if br >= c then bq = bq + 1; br = br - c end
            a = (a - bit) / 2
          end
          return q, r
        end
        local function int(x) return string.format('%d', x) end
        -- Keep the state until it expires; a state that is already like a new key's is dropped.
        local function store(ttl, ...)
          if ttl <= 0 then
            redis.call('DEL', key)
          else
            redis.call('HSET', key, ...)
            redis.call('PEXPIRE', key, int(math.floor((ttl + 999) / 1000) + 1))
          end
        end
        local state = redis.call('HMGET', key, 'a', 'x', 'y', 'z')

        """

    /// A bucket of `max` tokens refilled by `rate` every `interval`.
    static let tokenBucket =
        prelude + """
            local tokens, refilled = max, now
            if state[1] == 'tb' then
              local old_tokens, old_refill = tonumber(state[2]), tonumber(state[3])
              if now >= old_refill then
                local intervals = divmod(now - old_refill, interval)
                local refill = intervals * rate
                if refill >= max then tokens = max else tokens = math.min(max, old_tokens + refill) end
                refilled = old_refill + intervals * interval
              else
                tokens = old_tokens -- the clock went back: no refill, never a free bucket
              end
            end
            local allowed = tokens >= requested
            if allowed then tokens = tokens - requested end
            local next_refill = refilled + interval - now
            local function time_until(target)
              if target <= tokens then return 0 end
              local refills = divmod(target - tokens - 1, rate) + 1
              return math.min(CAP, next_refill + (refills - 1) * interval)
            end
            local reset
            if allowed or requested > max then reset = time_until(max) else reset = time_until(requested) end
            local blocked = 0
            if tokens == 0 then blocked = next_refill end
            store(time_until(max), 'a', 'tb', 'x', int(tokens), 'y', int(refilled))
            return {allowed and 1 or 0, max, tokens, reset, blocked}
            """

    /// At most `max` units per window aligned to the epoch.
    static let fixedWindow =
        prelude + """
            local _, offset = divmod(now, interval)
            local start = now - offset
            local count = 0
            if state[1] == 'fw' and tonumber(state[2]) == start then count = tonumber(state[3]) end
            local allowed = count + requested <= max
            if allowed then count = count + requested end
            local reset = start + interval - now
            local remaining = math.max(0, max - count)
            local blocked = 0
            if remaining == 0 then blocked = reset end
            store(start + interval - now, 'a', 'fw', 'x', int(start), 'y', int(count))
            return {allowed and 1 or 0, max, remaining, reset, blocked}
            """

    /// At most `max` units in any rolling `interval`, the previous window weighted by its overlap.
    static let slidingWindow =
        prelude + """
            local _, offset = divmod(now, interval)
            local start = now - offset
            local current, previous = 0, 0
            if state[1] == 'sw' then
              local old_start, old_current, old_previous = tonumber(state[2]), tonumber(state[3]), tonumber(state[4])
              if old_start == start then
                current = old_current; previous = old_previous
              elseif old_start == start - interval then
                previous = old_current
              end
            end
            local function weighted(count, remaining)
              if count <= 0 or remaining <= 0 then return 0 end
              local q = muldiv(count, remaining, interval)
              return q
            end
            local elapsed = now - start
            local estimate = weighted(previous, interval - elapsed) + current
            local allowed = estimate + requested <= max
            if allowed then current = current + requested end
            local used = estimate
            if allowed then used = used + requested end
            local remaining = math.max(0, max - used)
            local function until_weight_falls_to(limit, count, from)
              if weighted(count, interval - from) <= limit then return 0 end
              local q, r = muldiv(limit + 1, interval, count)
              local bound = q
              if r == 0 then bound = q - 1 end
              return math.max(0, (interval - from) - bound)
            end
            local function until_fits(units)
              local room = max - current - units
              if room >= 0 then return until_weight_falls_to(room, previous, elapsed) end
              if units > max then return interval - elapsed end
              return (interval - elapsed) + until_weight_falls_to(max - units, current, 0)
            end
            local reset
            if allowed then reset = interval - elapsed else reset = until_fits(requested) end
            local blocked = 0
            if remaining == 0 then blocked = until_fits(1) end
            store(start + 2 * interval - now, 'a', 'sw', 'x', int(start), 'y', int(current), 'z', int(previous))
            return {allowed and 1 or 0, max, remaining, reset, blocked}
            """

    /// The script for an algorithm.
    static func source(for algorithm: RateLimitPolicy.Algorithm) -> String {
        switch algorithm {
        case .tokenBucket: tokenBucket
        case .fixedWindow: fixedWindow
        case .slidingWindow: slidingWindow
        }
    }
}
