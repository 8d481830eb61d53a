import Synchronization

/// A bounded, sharded map whose entries expire: the memory under the in-memory rate-limit store and
/// the decision cache.
///
/// Keys are spread over shards, each behind its own lock, so that concurrent requests on different
/// keys rarely contend and there is no global lock. Each shard holds at most `capacity / shards`
/// entries. Expired entries are swept when a shard has seen as many writes as it holds entries
/// (amortised O(1) a write); when a full shard has nothing expired, an eighth of it is evicted.
final class ExpiringMap<Value: Sendable>: Sendable {
    struct Entry {
        var value: Value
        var expiresAt: Int64
    }

    /// A key with its hash computed once: the hash picks the shard and keys the shard's dictionary,
    /// so a string is hashed once per operation, with the process's random seed (no flooding).
    struct Key: Hashable {
        let string: String
        let hash: Int

        init(_ string: String) {
            self.string = string
            self.hash = string.hashValue
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
        static func == (lhs: Key, rhs: Key) -> Bool { lhs.hash == rhs.hash && lhs.string == rhs.string }
    }

    struct Shard {
        var entries: [Key: Entry] = [:]
        var writesSinceSweep = 0
        var evictions = 0
    }

    /// A shard's lock; a class because `Mutex` cannot be copied into an array.
    final class Locked: Sendable {
        let mutex = Mutex(Shard())
        func withLock<R>(_ body: (inout Shard) -> R) -> R { mutex.withLock { body(&$0) } }
    }

    private let shards: [Locked]
    private let shardMask: Int
    private let shardCapacity: Int

    /// A map of at most `capacity` entries over `shardCount` shards (rounded down to a power of two,
    /// and never more shards than entries). Each shard's share is rounded down, so the total held
    /// never exceeds `capacity`, however the keys fall.
    init(capacity: Int, shardCount: Int = 64) {
        let limit = Swift.max(1, Swift.min(shardCount, capacity))
        var count = 1
        while count * 2 <= limit { count <<= 1 }
        self.shards = (0..<count).map { _ in Locked() }
        self.shardMask = count - 1
        self.shardCapacity = Swift.max(1, capacity / count)
    }

    @inline(__always)
    private func shard(for key: Key) -> Locked {
        shards[key.hash & shardMask]
    }

    /// The live value for a key at `now`, or `nil`.
    func value(for string: String, now: Int64) -> Value? {
        let key = Key(string)
        return shard(for: key).withLock { shard in
            guard let entry = shard.entries[key], entry.expiresAt > now else { return nil }
            return entry.value
        }
    }

    /// Atomically transforms the entry for a key: `body` receives the live value (or `nil`) and
    /// returns the new value, its expiry and a result.
    func update<Result>(
        _ string: String,
        now: Int64,
        _ body: (Value?) -> (value: Value, expiresAt: Int64, result: Result)
    ) -> Result {
        let key = Key(string)
        return shard(for: key).withLock { shard in
            let existing = shard.entries[key].flatMap { $0.expiresAt > now ? $0.value : nil }
            let (value, expiresAt, result) = body(existing)
            if expiresAt <= now {
                shard.entries.removeValue(forKey: key)
            } else {
                if existing == nil { makeRoom(in: &shard, now: now) }
                shard.entries[key] = Entry(value: value, expiresAt: expiresAt)
            }
            return result
        }
    }

    /// Stores a value until `expiresAt`.
    func set(_ key: String, _ value: Value, expiresAt: Int64, now: Int64) {
        update(key, now: now) { _ in (value, expiresAt, ()) }
    }

    private func makeRoom(in shard: inout Shard, now: Int64) {
        shard.writesSinceSweep += 1
        if shard.writesSinceSweep >= Swift.max(64, shard.entries.count) || shard.entries.count >= shardCapacity {
            shard.writesSinceSweep = 0
            shard.entries = shard.entries.filter { $0.value.expiresAt > now }
        }
        if shard.entries.count >= shardCapacity {
            // Nothing expired: drop an eighth of the shard, in the dictionary's (effectively random) order.
            let victims = Swift.max(1, shardCapacity / 8)
            for key in shard.entries.keys.prefix(victims) { shard.entries.removeValue(forKey: key) }
            shard.evictions += victims
        }
    }

    /// The number of entries held, expired or not (for tests and metrics).
    var count: Int { shards.reduce(0) { $0 + $1.withLock { $0.entries.count } } }

    /// The number of live entries evicted to stay within capacity.
    var evictions: Int { shards.reduce(0) { $0 + $1.withLock { $0.evictions } } }

    /// Removes every expired entry.
    func sweep(now: Int64) {
        for shard in shards {
            shard.withLock { shard in
                shard.entries = shard.entries.filter { $0.value.expiresAt > now }
                shard.writesSinceSweep = 0
            }
        }
    }
}
