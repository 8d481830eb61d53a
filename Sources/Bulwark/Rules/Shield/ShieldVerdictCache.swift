import Synchronization

/// The verdicts on values Shield read recently, so that a value seen again (a browser's User-Agent,
/// its Referer, a session cookie, a client's recurring JSON field) is not read again.
///
/// A verdict depends only on the value's bytes, what kind of value it is and the sensitivity, so one
/// cache serves every ``Shield`` in the process, and a hit returns exactly what reading the value
/// would. Entries are compared byte for byte, never by hash alone, and the hash is seeded per
/// process, so no crafted value can borrow another's verdict or pile its entries into one slot.
///
/// The cache is direct-mapped: a value has one slot, and a new value takes its slot over, so a flood
/// of new values costs one write each and never grows it. The shared cache holds at most 4,096
/// values of at most ``maxBytes`` bytes (2 MiB at most), over 64 locks, so that requests on
/// different event loops rarely wait for each other.
final class ShieldVerdictCache: Sendable {
    struct Entry {
        var hash: Int
        var kind: Shield.ValueKind
        var strict: Bool
        var value: [UInt8]
        var attacks: [ShieldAttack]
    }

    /// A shard's slots; a class because `Mutex` cannot be copied into an array.
    final class Shard: Sendable {
        let slots: Mutex<[Entry?]>

        init(slots: Int) { self.slots = Mutex([Entry?](repeating: nil, count: slots)) }
    }

    /// Values shorter than this are read every time: reading them costs about what a lookup does.
    static let minBytes = 8
    /// Values longer than this are read every time, so that the cache stays small.
    static let maxBytes = 512

    /// The cache every ``Shield`` shares.
    static let shared = ShieldVerdictCache(shards: 64, slotsPerShard: 64)

    private let shards: [Shard]
    private let shardMask: Int
    private let slotMask: Int
    private let shardBits: Int

    /// A cache of `shards × slotsPerShard` values; both are rounded down to powers of two.
    init(shards: Int, slotsPerShard: Int) {
        func powerOfTwo(_ count: Int) -> Int {
            var power = 1
            while power * 2 <= count { power <<= 1 }
            return power
        }
        let shardCount = powerOfTwo(shards)
        let slotCount = powerOfTwo(slotsPerShard)
        self.shards = (0..<shardCount).map { _ in Shard(slots: slotCount) }
        self.shardMask = shardCount - 1
        self.slotMask = slotCount - 1
        self.shardBits = shardCount.trailingZeroBitCount
    }

    /// The most values held at once.
    var capacity: Int { shards.count * (slotMask + 1) }

    /// Whether a value is cached at all (its length is within the bounds).
    @inline(__always)
    static func admits(_ value: [UInt8]) -> Bool {
        value.count >= minBytes && value.count <= maxBytes
    }

    /// The verdict on a value, reading it with `detect` when it is not cached.
    func verdict(
        _ value: [UInt8],
        kind: Shield.ValueKind,
        strict: Bool,
        detect: () -> [ShieldAttack]
    ) -> [ShieldAttack] {
        guard Self.admits(value) else { return detect() }
        var hasher = Hasher()
        value.withUnsafeBytes { hasher.combine(bytes: $0) }
        hasher.combine(kind)
        hasher.combine(strict)
        let hash = hasher.finalize()
        // the low bits pick the shard, the next ones the slot
        let shard = shards[hash & shardMask]
        let slot = (hash >> shardBits) & slotMask
        let cached: [ShieldAttack]? = shard.slots.withLock { slots in
            guard let entry = slots[slot], entry.hash == hash, entry.kind == kind, entry.strict == strict,
                entry.value == value
            else { return nil }
            return entry.attacks
        }
        if let cached { return cached }
        let attacks = detect()
        let entry = Entry(hash: hash, kind: kind, strict: strict, value: value, attacks: attacks)
        shard.slots.withLock { $0[slot] = entry }
        return attacks
    }

    /// The number of values held (for tests).
    var count: Int { shards.reduce(0) { $0 + $1.slots.withLock { $0.count { $0 != nil } } } }

    /// Forgets every verdict (for tests).
    func removeAll() {
        for shard in shards { shard.slots.withLock { $0 = [Entry?](repeating: nil, count: slotMask + 1) } }
    }
}
