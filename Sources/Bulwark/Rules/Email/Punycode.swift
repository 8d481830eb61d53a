/// Punycode (RFC 3492): the Bootstring encoding that turns a Unicode label into the letters, digits
/// and hyphens of an IDNA A-label (`bücher` ⇄ `bcher-kva`, written `xn--bcher-kva` in a domain).
///
/// Both directions check every step for overflow against a 32-bit limit, as section 6.4 of the RFC
/// asks: a hostile label can otherwise make the decoder's integers grow without bound. Labels are
/// at most 63 octets, so the quadratic insertion of the decoder stays small.
enum Punycode {
    /// Why a label could not be encoded or decoded.
    enum Failure: Error, Equatable {
        /// A character that is not a base-36 digit where the encoded deltas are, or a non-ASCII byte.
        case invalidCharacter
        /// The encoded deltas end in the middle of a number.
        case truncated
        /// A number grew past the 32-bit limit.
        case overflow
        /// The decoded code point is a surrogate, beyond U+10FFFF, or an ASCII code point outside the
        /// basic part (RFC 3492 section 6.2 forbids encoding those as deltas).
        case invalidCodePoint
    }

    private static let base = 36
    private static let tMin = 1
    private static let tMax = 26
    private static let skew = 38
    private static let damp = 700
    private static let initialBias = 72
    private static let initialN = 0x80
    private static let maxInt = Int(Int32.max)

    /// The Punycode form of `scalars`, without the `xn--` prefix: the ASCII scalars in order, a hyphen
    /// when there were any, then the deltas that insert the others.
    static func encode(_ scalars: [Unicode.Scalar]) throws(Failure) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(scalars.count * 2 + 1)
        for scalar in scalars where scalar.isASCII { output.append(UInt8(scalar.value)) }
        let basicCount = output.count
        if basicCount > 0 { output.append(UInt8(ascii: "-")) }

        var n = initialN
        var delta = 0
        var bias = initialBias
        var handled = basicCount
        while handled < scalars.count {
            // The smallest code point not yet handled.
            var next = Int.max
            for scalar in scalars where Int(scalar.value) >= n && Int(scalar.value) < next { next = Int(scalar.value) }
            delta = try checked(delta, plus: try checked(next - n, times: handled + 1))
            n = next
            for scalar in scalars {
                let value = Int(scalar.value)
                if value < n { delta = try checked(delta, plus: 1) }
                guard value == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = threshold(k, bias: bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta, count: handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            delta = try checked(delta, plus: 1)
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The scalars that the Punycode text `encoded` (ASCII, without the `xn--` prefix) stands for.
    /// Upper- and lower-case digits are the same digit; the case annotations of RFC 3492 appendix A
    /// are ignored, as IDNA does.
    static func decode(_ encoded: some Collection<UInt8>) throws(Failure) -> [Unicode.Scalar] {
        let bytes = Array(encoded)
        for byte in bytes where byte >= 0x80 { throw .invalidCharacter }
        // Everything before the last hyphen is copied as is; the deltas follow it.
        let delimiter = bytes.lastIndex(of: UInt8(ascii: "-"))
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(bytes.count)
        if let delimiter {
            for byte in bytes[..<delimiter] { output.append(Unicode.Scalar(byte)) }
        }
        var position = delimiter.map { $0 + 1 } ?? 0

        var n = initialN
        var i = 0
        var bias = initialBias
        while position < bytes.count {
            let previous = i
            var weight = 1
            var k = base
            while true {
                guard position < bytes.count else { throw .truncated }
                guard let value = digitValue(bytes[position]) else { throw .invalidCharacter }
                position += 1
                i = try checked(i, plus: try checked(value, times: weight))
                let t = threshold(k, bias: bias)
                if value < t { break }
                weight = try checked(weight, times: base - t)
                k += base
            }
            let count = output.count + 1
            bias = adapt(i - previous, count: count, first: previous == 0)
            n = try checked(n, plus: i / count)
            i %= count
            guard n >= initialN, let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: n)), n <= 0x10FFFF else {
                throw .invalidCodePoint
            }
            output.insert(scalar, at: i)
            i += 1
        }
        return output
    }

    private static func threshold(_ k: Int, bias: Int) -> Int {
        if k <= bias { return tMin }
        if k >= bias + tMax { return tMax }
        return k - bias
    }

    /// The bias adaptation of RFC 3492 section 6.1.
    private static func adapt(_ delta: Int, count: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    /// `a`–`z` for 0–25, `0`–`9` for 26–35.
    private static func digit(_ value: Int) -> UInt8 {
        value < 26 ? UInt8(ascii: "a") + UInt8(value) : UInt8(ascii: "0") + UInt8(value - 26)
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0")) + 26
        default: nil
        }
    }

    private static func checked(_ a: Int, plus b: Int) throws(Failure) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow, sum <= maxInt else { throw .overflow }
        return sum
    }

    private static func checked(_ a: Int, times b: Int) throws(Failure) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow, product <= maxInt else { throw .overflow }
        return product
    }
}
