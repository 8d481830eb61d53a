import Foundation

/// The decoders of encoded spans: base64 (standard and URL-safe), hex (plain, `0x`, `\x` and spaced
/// pairs) and percent-encoding. Each is one pass over the text, and a decoded span is kept only when it
/// is printable UTF-8, which filters the random tokens, hashes and signatures that share the alphabets.
extension PromptNormalizer.Run {
    /// A decoded span is kept when at least this share of its scalars, in percent, is printable.
    private static let minPrintablePercent = 85
    /// Percent-encoded spans need this many escapes: one or two are ordinary URLs.
    private static let minPercentEscapes = 3

    /// Decodes the encoded spans of `bytes` (the text as written, case kept) into hidden segments found at
    /// depth `level`, until the segment limit.
    mutating func scanEncoded(_ bytes: UnsafeBufferPointer<UInt8>, level: Int) {
        guard segments.count < limits.maxSegments, let base = bytes.baseAddress else { return }
        guard scanAlphabetRuns(bytes, level: level) else { return }
        if memchr(base, 0x5C, bytes.count) != nil {
            guard scanEscapedHex(bytes, level: level) else { return }
        }
        if memchr(base, 0x25, bytes.count) != nil { scanPercent(bytes, level: level) }
    }

    /// Bits of ``alphabetClasses``.
    private enum AlphabetClass {
        static let base64: UInt8 = 1
        static let hex: UInt8 = 2
        static let upper: UInt8 = 4
        static let lower: UInt8 = 8
    }

    private static let alphabetClasses: [UInt8] = (0..<256).map { value in
        let byte = UInt8(value)
        var classes: UInt8 = Base64Digit.value(byte, urlSafe: true) != nil ? AlphabetClass.base64 : 0
        if hexValue(byte) != nil { classes |= AlphabetClass.hex }
        if byte &- 0x41 < 26 { classes |= AlphabetClass.upper }
        if byte &- 0x61 < 26 { classes |= AlphabetClass.lower }
        return classes
    }

    /// Maximal runs of the base64 alphabets: hex when they are only hex digits (after an optional `0x`),
    /// else base64 when they mix upper and lower case, as encoded text does and words and identifiers
    /// rarely do. A run of two hex digits may start spaced hex pairs. False when the segment limit is reached.
    private mutating func scanAlphabetRuns(_ bytes: UnsafeBufferPointer<UInt8>, level: Int) -> Bool {
        let count = bytes.count
        let minLength = limits.minEncodedLength
        let classes = Self.alphabetClasses
        var index = 0
        while index < count {
            guard classes[Int(bytes[index])] & AlphabetClass.base64 != 0 else {
                index += 1
                continue
            }
            let start = index
            repeat {
                index = Self.skipLetters(bytes, from: index + 1)
            } while index < count && classes[Int(bytes[index])] & AlphabetClass.base64 != 0
            let length = index - start
            if length == 2 && Self.hexValue(bytes[start]) != nil && Self.hexValue(bytes[start + 1]) != nil
                && index < count && bytes[index] == 0x20
            {
                let (end, decoded) = Self.spacedHexPairs(bytes, from: start)
                index = max(index, end)
                guard decoded.count * 2 >= minLength, Self.isPrintableText(decoded) else { continue }
                guard addSegment(.hex, decoded: decoded, level: level) else { return false }
                continue
            }
            guard length >= minLength else { continue }
            let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
            var any: UInt8 = 0
            var all: UInt8 = 0xFF
            for byte in run {
                any |= classes[Int(byte)]
                all &= classes[Int(byte)]
            }
            var decoded: [UInt8]?
            var encoding = PromptEncoding.hex
            if run[0] == 0x30, run[1] | 0x20 == 0x78, run.dropFirst(2).allSatisfy({ Self.hexValue($0) != nil }) {
                decoded = Self.hexDecoded(UnsafeBufferPointer(rebasing: run[2...]))
            } else if all & AlphabetClass.hex != 0 {
                decoded = Self.hexDecoded(run)
            } else if any & AlphabetClass.upper != 0 && any & AlphabetClass.lower != 0 {
                encoding = .base64
                decoded = Self.base64Decoded(run)
            }
            guard let decoded, Self.isPrintableText(decoded) else { continue }
            guard addSegment(encoding, decoded: decoded, level: level) else { return false }
        }
        return true
    }

    /// `69 67 6e …` from `start`: pairs of hex digits, each on its own between single spaces. Returns the
    /// end of the chain and the bytes.
    private static func spacedHexPairs(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (Int, [UInt8]) {
        let count = bytes.count
        func isAlphanumeric(_ index: Int) -> Bool {
            index >= 0 && index < count && (bytes[index] &- 0x30 < 10 || (bytes[index] | 0x20) &- 0x61 < 26)
        }
        func isPair(at index: Int) -> Bool {
            index + 1 < count && hexValue(bytes[index]) != nil && hexValue(bytes[index + 1]) != nil
                && !isAlphanumeric(index - 1) && !isAlphanumeric(index + 2)
        }
        guard isPair(at: start) else { return (start + 2, []) }
        var decoded = [hexByte(bytes[start], bytes[start + 1])]
        var index = start + 2
        while index + 2 < count, bytes[index] == 0x20, isPair(at: index + 1) {
            decoded.append(hexByte(bytes[index + 1], bytes[index + 2]))
            index += 3
        }
        return (index, decoded)
    }

    /// `\x69\x67…` chains. False when the segment limit is reached.
    private mutating func scanEscapedHex(_ bytes: UnsafeBufferPointer<UInt8>, level: Int) -> Bool {
        let count = bytes.count
        func isEscape(at index: Int) -> Bool {
            index + 3 < count && bytes[index] == 0x5C && bytes[index + 1] | 0x20 == 0x78
                && Self.hexValue(bytes[index + 2]) != nil && Self.hexValue(bytes[index + 3]) != nil
        }
        var index = 0
        while index < count {
            guard isEscape(at: index) else {
                index += 1
                continue
            }
            var decoded: [UInt8] = []
            while isEscape(at: index) {
                decoded.append(Self.hexByte(bytes[index + 2], bytes[index + 3]))
                index += 4
            }
            guard decoded.count * 2 >= limits.minEncodedLength, Self.isPrintableText(decoded) else { continue }
            guard addSegment(.hex, decoded: decoded, level: level) else { return false }
        }
        return true
    }

    /// Runs of non-whitespace with at least ``minPercentEscapes`` `%XX` escapes, decoded whole. Only the
    /// runs around a `%` are looked at.
    private mutating func scanPercent(_ bytes: UnsafeBufferPointer<UInt8>, level: Int) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        var searchFrom = 0
        while searchFrom < count, let found = memchr(base + searchFrom, 0x25, count - searchFrom) {
            let percent = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            var start = percent
            while start > searchFrom && bytes[start - 1] > 0x20 { start -= 1 }
            var index = start
            var escapes = 0
            while index < count, bytes[index] > 0x20 {
                if bytes[index] == 0x25, index + 2 < count, Self.hexValue(bytes[index + 1]) != nil,
                    Self.hexValue(bytes[index + 2]) != nil
                {
                    escapes += 1
                    index += 3
                } else {
                    index += 1
                }
            }
            searchFrom = index
            guard escapes >= Self.minPercentEscapes else { continue }
            let decoded = Self.percentDecoded(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            guard Self.isPrintableText(decoded) else { continue }
            guard addSegment(.percent, decoded: decoded, level: level) else { return }
        }
    }

    /// Whether `bytes` are valid UTF-8 of which at least ``minPrintablePercent`` percent of the scalars are
    /// printable (not control characters, noncharacters or private use), with at least one letter.
    static func isPrintableText(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, let text = String(validating: bytes, as: UTF8.self) else { return false }
        var total = 0
        var printable = 0
        var hasLetter = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            total += 1
            switch value {
            case 0x09, 0x0A, 0x0D, 0x20...0x7E:
                printable += 1
                if (value | 0x20) &- 0x61 < 26 { hasLetter = true }
            case 0xA0...0xD7FF, 0xF900...0xFFFD, 0x1_0000...0xE_FFFF:
                printable += 1
                hasLetter = hasLetter || scalar.properties.isAlphabetic
            default:
                break
            }
        }
        return hasLetter && printable * 100 >= total * minPrintablePercent
    }

    /// Base64 of either alphabet, without padding; a trailing lone digit (no whole byte) is dropped.
    static func base64Decoded(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(run.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in run {
            guard let value = Base64Digit.value(byte, urlSafe: true) else { break }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                decoded.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return decoded
    }

    /// Hex digit pairs; an odd last digit is dropped.
    static func hexDecoded(_ digits: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(digits.count / 2)
        var index = 0
        while index + 1 < digits.count {
            decoded.append(hexByte(digits[index], digits[index + 1]))
            index += 2
        }
        return decoded
    }

    /// `%XX` escapes decoded; everything else, `+` included, kept.
    static func percentDecoded(_ span: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(span.count)
        var index = 0
        while index < span.count {
            if span[index] == 0x25, index + 2 < span.count, hexValue(span[index + 1]) != nil,
                hexValue(span[index + 2]) != nil
            {
                decoded.append(hexByte(span[index + 1], span[index + 2]))
                index += 3
            } else {
                decoded.append(span[index])
                index += 1
            }
        }
        return decoded
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// The byte of two hex digits (both checked by the caller).
    @inline(__always)
    static func hexByte(_ high: UInt8, _ low: UInt8) -> UInt8 {
        (hexValue(high) ?? 0) << 4 | (hexValue(low) ?? 0)
    }
}
