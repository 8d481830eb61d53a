/// Finds, in one pass over a lower-cased user agent, which patterns can possibly match: each
/// pattern is filed under a literal it requires, and literals are found by their first three bytes.
///
/// A 64 Kibit bitmap of hashed three-byte prefixes answers "no literal starts here" for almost every
/// position without touching the table, so a browser's user agent costs one bit test per byte.
/// Patterns with no required literal of three bytes are always candidates.
struct LiteralPrefilter: Sendable {
    private var bitmap = [UInt64](repeating: 0, count: 1024)
    private var table: [UInt32: [Int]] = [:]
    private var literals: [[UInt8]] = []
    private var literalPatterns: [[Int]] = []
    /// Patterns with no literal to file them under.
    let unfiltered: [Int]

    /// A prefilter over patterns given by their required literals (empty: always a candidate).
    init(requiredLiterals: [[[UInt8]]]) {
        var unfiltered: [Int] = []
        var literalIDs: [[UInt8]: Int] = [:]
        for (pattern, required) in requiredLiterals.enumerated() {
            guard !required.isEmpty else {
                unfiltered.append(pattern)
                continue
            }
            for literal in Set(required) {
                if let id = literalIDs[literal] {
                    literalPatterns[id].append(pattern)
                    continue
                }
                let id = literals.count
                literalIDs[literal] = id
                literals.append(literal)
                literalPatterns.append([pattern])
                let key = Self.key(literal[0], literal[1], literal[2])
                table[key, default: []].append(id)
                let bit = Self.bit(key)
                bitmap[bit >> 6] |= 1 << UInt64(bit & 63)
            }
        }
        self.unfiltered = unfiltered
    }

    @inline(__always)
    private static func key(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32 {
        UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
    }

    @inline(__always)
    private static func bit(_ key: UInt32) -> Int {
        Int((key &* 0x9E37_79B1) >> 16)
    }

    /// The patterns whose required literal occurs in `input` (lower-cased), plus the unfiltered
    /// ones, each once, in ascending order.
    func candidates(in input: UnsafeBufferPointer<UInt8>) -> [Int] {
        var found: [Int] = unfiltered
        guard input.count >= 3 else { return found }
        var key = UInt32(input[0]) << 8 | UInt32(input[1])
        for position in 0..<(input.count - 2) {
            key = (key << 8 | UInt32(input[position + 2])) & 0xFF_FFFF
            let bit = Self.bit(key)
            guard bitmap[bit >> 6] & (1 << UInt64(bit & 63)) != 0, let ids = table[key] else { continue }
            for id in ids {
                let literal = literals[id]
                guard position + literal.count <= input.count else { continue }
                var equal = true
                var offset = 3
                while offset < literal.count {
                    if input[position + offset] != literal[offset] {
                        equal = false
                        break
                    }
                    offset += 1
                }
                if equal { found.append(contentsOf: literalPatterns[id]) }
            }
        }
        if found.count > unfiltered.count {
            found.sort()
            var unique: [Int] = []
            unique.reserveCapacity(found.count)
            for pattern in found where unique.last != pattern { unique.append(pattern) }
            return unique
        }
        return found
    }
}
