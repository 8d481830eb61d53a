import Synchronization

/// Decision ids: a prefix and a ULID (48 bits of milliseconds, 80 random-looking bits) in lower-case
/// Crockford base32, so that ids sort by time and never collide.
///
/// The 80 bits come from a per-process secret seed and a counter mixed by SplitMix64: unique within
/// the process by construction, unpredictable across processes, and without a system call per id.
enum DecisionID {
    private static let digits: StaticString = "0123456789abcdefghjkmnpqrstvwxyz"
    private static let seed: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()
    private static let counter = Atomic<UInt64>(0)

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func make(prefix: StaticString, at time: Timestamp) -> String {
        let sequence = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        let random = mix(seed ^ sequence)
        let millis = UInt64(max(0, time.millisecondsSinceEpoch)) & 0xFFFF_FFFF_FFFF
        // 128 bits: 48 of time, 16 + 64 mixed; 26 base32 digits hold 130 bits, the top two are zero.
        var high: UInt64 = millis << 16 | (mix(random) & 0xFFFF)
        var low: UInt64 = random
        let prefixLength = prefix.utf8CodeUnitCount
        return String(unsafeUninitializedCapacity: prefixLength + 26) { buffer in
            prefix.withUTF8Buffer { source in
                for index in 0..<prefixLength { buffer[index] = source[index] }
            }
            let alphabet = digits.utf8Start
            var index = prefixLength + 25
            while index >= prefixLength {
                buffer[index] = alphabet[Int(low & 0x1F)]
                low = low >> 5 | (high & 0x1F) << 59
                high >>= 5
                index -= 1
            }
            return prefixLength + 26
        }
    }
}

extension Decision {
    /// A new local decision id (`lreq_` and a ULID) for a decision made at `time`.
    public static func localID(at time: Timestamp) -> String {
        DecisionID.make(prefix: "lreq_", at: time)
    }
}
