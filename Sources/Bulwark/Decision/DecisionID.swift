/// Decision ids: a prefix and a ULID (48 bits of milliseconds, 80 random bits) in lower-case
/// Crockford base32, so that ids sort by time and never collide in practice.
enum DecisionID {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    static func make(prefix: String, at time: Timestamp) -> String {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, time.millisecondsSinceEpoch)) & 0xFFFF_FFFF_FFFF
        let randomHigh = generator.next() & 0xFFFF  // 16 bits
        let randomLow = generator.next()  // 64 bits
        // 128 bits: 48 time, 80 random; 26 base32 digits cover 130 bits, the top two are zero.
        let high: UInt64 = millis << 16 | randomHigh
        let low: UInt64 = randomLow
        var digits = [UInt8](repeating: 0, count: 26)
        var h = high
        var l = low
        for index in stride(from: 25, through: 0, by: -1) {
            digits[index] = alphabet[Int(l & 0x1F)]
            l = l >> 5 | (h & 0x1F) << 59
            h >>= 5
        }
        return prefix + String(decoding: digits, as: UTF8.self)
    }
}

extension Decision {
    /// A new local decision id (`lreq_` and a ULID) for a decision made at `time`.
    public static func localID(at time: Timestamp) -> String {
        DecisionID.make(prefix: "lreq_", at: time)
    }
}
