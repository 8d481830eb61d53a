import Foundation

/// The decoders Shield applies to every inspected value, as an attacker would exploit them: the
/// application (or a library behind it) may decode a value more than once, so the detectors see each
/// layer. Every decoder is a single pass, linear in its input, and never fails: an invalid escape is
/// kept as it is, as servers keep it.
enum ShieldDecoding {
    /// The layers of a value worth inspecting: the value as the application receives it, then each
    /// further percent-decoding (double and triple encoding, `%uXXXX`), then a canonical form with
    /// overlong and full-width encodings folded to ASCII, HTML entities and JavaScript escapes
    /// resolved, and ASCII lower-cased. Duplicates are dropped.
    static func layers(of value: [UInt8], maximumPercentRounds: Int = 3) -> [[UInt8]] {
        var layers: [[UInt8]] = [lowercased(value)]
        var current = value
        var rounds = 0
        while rounds < maximumPercentRounds, current.contains(UInt8(ascii: "%")) {
            let decoded = percentDecoded(current, plusAsSpace: false)
            if decoded == current { break }
            current = decoded
            rounds += 1
            layers.append(lowercased(current))
        }
        if let spaced = plusesAsSpaces(current) {
            // `+|+dir+c:`: a value still form-encoded, decoded once more by the application, where
            // `+` is a space (PHP's `urldecode`).
            let layer = lowercased(spaced)
            if !layers.contains(layer) { layers.append(layer) }
        }
        var canonical = foldEncodings(current)
        if canonical.contains(UInt8(ascii: "&")) { canonical = htmlEntitiesDecoded(canonical) }
        if canonical.contains(UInt8(ascii: "\\")) { canonical = escapesDecoded(canonical) }
        canonical = lowercased(canonical)
        if !layers.contains(canonical) { layers.append(canonical) }
        if mayHoldUTF7(current) {
            // UTF-7, which old browsers sniffed and XML parsers honour when a document declares it:
            // `+ADw-script+AD4-` is `<script>`. Decoded from the case-preserved bytes (it is base64).
            let decoded = lowercased(utf7Decoded(current))
            if !layers.contains(decoded) { layers.append(decoded) }
        }
        return layers
    }

    /// The bytes with each `+` a space, when they look still form-encoded: a `+`, no whitespace (a
    /// value with spaces was decoded already: `a+b` in it is a plus), and a byte that separates
    /// commands or ends a string (`|`, `;`, `&`, `'`, `"`, `` ` ``, `<`, `(`). `nil` otherwise.
    static func plusesAsSpaces(_ bytes: [UInt8]) -> [UInt8]? {
        var plus = false
        var separator = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "+"): plus = true
            case 0x09...0x0D, UInt8(ascii: " "): return nil
            case UInt8(ascii: "|"), UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "\""),
                UInt8(ascii: "`"), UInt8(ascii: "<"), UInt8(ascii: "("):
                separator = true
            default: break
            }
        }
        guard plus, separator else { return nil }
        return bytes.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }
    }

    /// Whether `bytes` has a UTF-7 shift that encodes ASCII punctuation: `+AC`…`+AH`, the start of
    /// the UTF-16 code units U+0020–U+007F.
    static func mayHoldUTF7(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 3 else { return false }
        for index in 0..<(bytes.count - 2) where bytes[index] == UInt8(ascii: "+") {
            if bytes[index + 1] == UInt8(ascii: "A"), bytes[index + 2] >= UInt8(ascii: "C"),
                bytes[index + 2] <= UInt8(ascii: "H")
            {
                return true
            }
        }
        return false
    }

    /// UTF-7 (RFC 2152) decoded to UTF-8: `+` starts a run of modified base64 holding UTF-16BE code
    /// units, ended by `-` (which is dropped) or by any byte outside base64; `+-` is a plus sign.
    /// Other bytes are kept as they are; unpaired surrogates become `?`.
    static func utf7Decoded(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "+") else {
                output.append(byte)
                index += 1
                continue
            }
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
                output.append(UInt8(ascii: "+"))
                index += 1
                continue
            }
            var bits: UInt32 = 0
            var bitCount = 0
            var high: UInt32?
            while index < bytes.count, let sextet = Base64Digit.value(bytes[index], urlSafe: false) {
                bits = (bits << 6 | UInt32(sextet)) & 0x3FFFFF
                bitCount += 6
                index += 1
                guard bitCount >= 16 else { continue }
                bitCount -= 16
                let unit = (bits >> UInt32(bitCount)) & 0xFFFF
                if let first = high {
                    high = nil
                    if unit >= 0xDC00, unit <= 0xDFFF {
                        appendUTF8(0x10000 + ((first - 0xD800) << 10) + (unit - 0xDC00), to: &output)
                        continue
                    }
                    output.append(UInt8(ascii: "?"))
                }
                if unit >= 0xD800, unit <= 0xDBFF {
                    high = unit
                } else if unit >= 0xDC00, unit <= 0xDFFF {
                    output.append(UInt8(ascii: "?"))
                } else {
                    appendUTF8(unit, to: &output)
                }
            }
            if high != nil { output.append(UInt8(ascii: "?")) }
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        }
        return output
    }

    /// ASCII lower-casing; other bytes are kept.
    static func lowercased(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return bytes }
        return bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
    }

    /// One round of percent-decoding: `%XX`, and IIS's `%uXXXX` as UTF-8; `+` as a space where asked.
    static func percentDecoded<C: Collection<UInt8>>(_ bytes: C, plusAsSpace: Bool) -> [UInt8]
    where C.Index == Int {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                if index + 2 < end, let high = IPAddress.hexValue(bytes[index + 1]),
                    let low = IPAddress.hexValue(bytes[index + 2])
                {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                if index + 5 < end, bytes[index + 1] | 0x20 == UInt8(ascii: "u"),
                    let a = IPAddress.hexValue(bytes[index + 2]), let b = IPAddress.hexValue(bytes[index + 3]),
                    let c = IPAddress.hexValue(bytes[index + 4]), let d = IPAddress.hexValue(bytes[index + 5])
                {
                    let scalar = UInt32(a) << 12 | UInt32(b) << 8 | UInt32(c) << 4 | UInt32(d)
                    appendUTF8(scalar, to: &output)
                    index += 6
                    continue
                }
            } else if plusAsSpace, byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
                index += 1
                continue
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            // Full-width ASCII (U+FF01–U+FF5E) is folded here, as best-fit mappings do.
            if scalar >= 0xFF01, scalar <= 0xFF5E {
                output.append(UInt8(scalar - 0xFF01 + 0x21))
                return
            }
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x10000..<0x110000:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
            output.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default: output.append(UInt8(ascii: "?"))
        }
    }

    /// Folds encodings that decoders turn into ASCII: overlong UTF-8 (`C0 AE` for `.`, `E0 80 AF` for
    /// `/`), full-width forms (U+FF01–U+FF5E), and NUL and other C0 controls except tab and newlines,
    /// which are dropped (they truncate or split tokens in the interpreters attacked).
    static func foldEncodings(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 >= 0xC0 || ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) }) else {
            return bytes
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0xC0 || byte == 0xC1, index + 1 < bytes.count, bytes[index + 1] & 0xC0 == 0x80 {
                output.append((byte & 0x1F) << 6 | bytes[index + 1] & 0x3F)
                index += 2
                continue
            }
            if byte == 0xE0, index + 2 < bytes.count, bytes[index + 1] & 0xE0 == 0x80, bytes[index + 2] & 0xC0 == 0x80 {
                let scalar = UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                if scalar < 0x80 { output.append(UInt8(scalar)) } else { appendUTF8(scalar, to: &output) }
                index += 3
                continue
            }
            if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBC || bytes[index + 1] == 0xBD,
                bytes[index + 2] & 0xC0 == 0x80
            {
                let scalar = 0xF000 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                if scalar >= 0xFF01, scalar <= 0xFF5E {
                    output.append(UInt8(scalar - 0xFF01 + 0x21))
                    index += 3
                    continue
                }
            }
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D {
                index += 1
                continue
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    private static let namedEntities: [[UInt8]: UInt8] = {
        let table: [(String, Character)] = [
            ("lt", "<"), ("gt", ">"), ("quot", "\""), ("apos", "'"), ("amp", "&"), ("colon", ":"),
            ("tab", "\t"), ("newline", "\n"), ("lpar", "("), ("rpar", ")"), ("sol", "/"), ("bsol", "\\"),
            ("percnt", "%"), ("num", "#"), ("nbsp", " "), ("equals", "="), ("grave", "`"), ("lsqb", "["),
            ("rsqb", "]"), ("lcub", "{"), ("rcub", "}"), ("period", "."), ("comma", ","), ("semi", ";"),
            ("excl", "!"), ("quest", "?"), ("plus", "+"), ("ast", "*"), ("dollar", "$"), ("verbar", "|"),
            ("lowbar", "_"), ("hyphen", "-"), ("dash", "-"),
        ]
        var map: [[UInt8]: UInt8] = [:]
        for (name, character) in table { map[Array(name.utf8)] = character.asciiValue! }
        return map
    }()

    /// Resolves HTML character references: decimal and hex (`&#106;`, `&#x6A`, leading zeros, the
    /// semicolon optional as browsers allow) and the named entities scripts are smuggled with.
    static func htmlEntitiesDecoded(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "&"), index + 2 < bytes.count else {
                output.append(byte)
                index += 1
                continue
            }
            var cursor = index + 1
            if bytes[cursor] == UInt8(ascii: "#") {
                cursor += 1
                let hex = cursor < bytes.count && bytes[cursor] | 0x20 == UInt8(ascii: "x")
                if hex { cursor += 1 }
                var scalar: UInt32 = 0
                var digits = 0
                while cursor < bytes.count, digits < 12 {
                    let digit: UInt8?
                    if hex {
                        digit = IPAddress.hexValue(bytes[cursor])
                    } else {
                        digit =
                            bytes[cursor] >= UInt8(ascii: "0") && bytes[cursor] <= UInt8(ascii: "9")
                            ? bytes[cursor] - UInt8(ascii: "0") : nil
                    }
                    guard let digit else { break }
                    scalar = Swift.min(scalar * (hex ? 16 : 10) + UInt32(digit), 0x11_0000)
                    digits += 1
                    cursor += 1
                }
                if digits > 0 {
                    if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ";") { cursor += 1 }
                    appendUTF8(scalar, to: &output)
                    index = cursor
                    continue
                }
            } else {
                var end = cursor
                while end < bytes.count, end - cursor < 8, (bytes[end] | 0x20) >= UInt8(ascii: "a"),
                    (bytes[end] | 0x20) <= UInt8(ascii: "z")
                {
                    end += 1
                }
                if end > cursor, let character = namedEntities[lowercased(Array(bytes[cursor..<end]))] {
                    if end < bytes.count, bytes[end] == UInt8(ascii: ";") { end += 1 }
                    output.append(character)
                    index = end
                    continue
                }
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    /// Resolves JavaScript and C-style escapes: `\xHH`, `\uHHHH`, `\u{H…}` and octal `\OOO`.
    static func escapesDecoded(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                output.append(byte)
                index += 1
                continue
            }
            let next = bytes[index + 1]
            if next | 0x20 == UInt8(ascii: "x"), index + 3 < bytes.count,
                let high = IPAddress.hexValue(bytes[index + 2]), let low = IPAddress.hexValue(bytes[index + 3])
            {
                appendUTF8(UInt32(high << 4 | low), to: &output)
                index += 4
                continue
            }
            if next | 0x20 == UInt8(ascii: "u") {
                if index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: "{") {
                    var cursor = index + 3
                    var scalar: UInt32 = 0
                    while cursor < bytes.count, cursor - index < 12, let digit = IPAddress.hexValue(bytes[cursor]) {
                        scalar = Swift.min(scalar << 4 | UInt32(digit), 0x11_0000)
                        cursor += 1
                    }
                    if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "}"), cursor > index + 3 {
                        appendUTF8(scalar, to: &output)
                        index = cursor + 1
                        continue
                    }
                } else if index + 5 < bytes.count, let a = IPAddress.hexValue(bytes[index + 2]),
                    let b = IPAddress.hexValue(bytes[index + 3]),
                    let c = IPAddress.hexValue(bytes[index + 4]), let d = IPAddress.hexValue(bytes[index + 5])
                {
                    appendUTF8(UInt32(a) << 12 | UInt32(b) << 8 | UInt32(c) << 4 | UInt32(d), to: &output)
                    index += 6
                    continue
                }
            }
            if next >= UInt8(ascii: "0"), next <= UInt8(ascii: "7") {
                var cursor = index + 1
                var scalar: UInt32 = 0
                while cursor < bytes.count, cursor - index <= 3, bytes[cursor] >= UInt8(ascii: "0"),
                    bytes[cursor] <= UInt8(ascii: "7")
                {
                    scalar = scalar << 3 | UInt32(bytes[cursor] - UInt8(ascii: "0"))
                    cursor += 1
                }
                if scalar > 0 {
                    appendUTF8(scalar, to: &output)
                    index = cursor
                    continue
                }
            }
            output.append(byte)
            index += 1
        }
        return output
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` (ASCII, lower-case) occurs; a plain scan, linear for the short needles used.
    @inline(__always)
    func contains(_ needle: StaticString) -> Bool { firstIndex(of: needle, from: 0) != nil }

    /// The first index at or after `start` where `needle` occurs.
    func firstIndex(of needle: StaticString, from start: Int) -> Int? {
        needle.withUTF8Buffer { firstIndex(ofBytes: $0, from: start) }
    }

    /// The first index at or after `start` where the bytes of `needle` occur.
    func firstIndex(of needle: [UInt8], from start: Int) -> Int? {
        needle.withUnsafeBufferPointer { firstIndex(ofBytes: $0, from: start) }
    }

    private func firstIndex(ofBytes pattern: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let count = pattern.count
        guard count > 0, self.count - start >= count else { return nil }
        return withUnsafeBufferPointer { haystack -> Int? in
            guard let base = haystack.baseAddress else { return nil }
            let first = pattern[0]
            var index = start
            let last = haystack.count - count
            while index <= last {
                // the C library's vectorised search for the first byte, then the rest compared
                guard let found = memchr(base + index, Int32(first), last - index + 1) else { return nil }
                index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                var matched = 1
                while matched < count, haystack[index + matched] == pattern[matched] { matched += 1 }
                if matched == count { return index }
                index += 1
            }
            return nil
        }
    }

    /// Whether the bytes at `index` are `needle`.
    @inline(__always)
    func hasBytes(_ needle: StaticString, at index: Int) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard index >= 0, index + count <= self.count else { return false }
        return needle.withUTF8Buffer { pattern in
            var offset = 0
            while offset < count {
                if self[index + offset] != pattern[offset] { return false }
                offset += 1
            }
            return true
        }
    }
}

/// Byte classes used by the detectors.
enum ShieldByte {
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
    @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte >= 0x80
    }
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || byte == 0xA0
    }
}

/// A set of byte strings found in one pass over a value: candidates are grouped by their first
/// byte, so each position is compared only with the markers that can start there.
struct ShieldMarkers: Sendable {
    /// The markers of two bytes or more, sorted by their first two bytes (`keys`, in step).
    private let keys: [UInt16]
    private let markers: [[UInt8]]
    /// One-byte markers, and whether there are any.
    private let singles: [Bool]
    private let hasSingles: Bool
    /// One bit per folded two-byte prefix (``slot(_:_:)``) that starts a marker, so that almost every
    /// position is passed over with one bit test; the markers with that prefix are then found by
    /// binary search, which also rejects the prefixes that only fold alike. 4,096 bits, 512 bytes:
    /// a value's pairs of letters fall in two or three cache lines, which stay cached between
    /// requests where an exact 64 Kib bitmap did not.
    private let prefixes: [UInt64]

    /// A prefix's bit: the first byte's low seven bits and the second byte's low five.
    @inline(__always)
    static func slot(_ first: UInt8, _ second: UInt8) -> Int {
        Int(first & 0x7F) << 5 | Int(second & 0x1F)
    }

    init(_ markers: [StaticString]) {
        var entries: [(UInt16, [UInt8])] = []
        var singles = [Bool](repeating: false, count: 256)
        var prefixes = [UInt64](repeating: 0, count: 64)
        for marker in markers {
            let bytes = marker.withUTF8Buffer { Array($0) }
            guard let first = bytes.first else { continue }
            guard bytes.count > 1 else {
                singles[Int(first)] = true
                continue
            }
            let key = UInt16(first) << 8 | UInt16(bytes[1])
            entries.append((key, bytes))
            let slot = Self.slot(first, bytes[1])
            prefixes[slot >> 6] |= 1 << UInt64(slot & 63)
        }
        entries.sort { $0.0 < $1.0 }
        self.keys = entries.map(\.0)
        self.markers = entries.map(\.1)
        self.singles = singles
        self.hasSingles = singles.contains(true)
        self.prefixes = prefixes
    }

    /// Whether any marker occurs in `value`.
    func occurs(in value: [UInt8]) -> Bool {
        value.withUnsafeBufferPointer { buffer in
            prefixes.withUnsafeBufferPointer { prefixes in
                let count = buffer.count
                var index = 0
                while index < count {
                    if hasSingles, singles[Int(buffer[index])] { return true }
                    if index + 1 < count {
                        let slot = Self.slot(buffer[index], buffer[index + 1])
                        if prefixes[slot >> 6] & (1 << UInt64(slot & 63)) != 0,
                            matches(buffer, at: index, key: UInt16(buffer[index]) << 8 | UInt16(buffer[index + 1]))
                        {
                            return true
                        }
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// Whether a marker starting with `key` occurs at `index`.
    private func matches(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int, key: UInt16) -> Bool {
        var low = keys.lowerBound(of: key)
        while low < keys.count, keys[low] == key {
            let marker = markers[low]
            low += 1
            guard index + marker.count <= buffer.count else { continue }
            var offset = 2
            while offset < marker.count, buffer[index + offset] == marker[offset] { offset += 1 }
            if offset == marker.count { return true }
        }
        return false
    }
}

/// A set of words compared by a 64-bit hash of their bytes, so a word read from a value is looked up
/// without building a `String`.
struct ShieldWords: Sendable {
    /// The words' hashes, sorted: found by binary search, with no second hashing of the hash.
    private let hashes: [UInt64]

    init(_ words: Set<String>) {
        self.hashes = Set(words.map { Self.hash(Array($0.utf8)[...]) }).sorted()
    }

    @inline(__always)
    static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return value
    }

    @inline(__always)
    func contains(_ bytes: ArraySlice<UInt8>) -> Bool { contains(hash: Self.hash(bytes)) }

    /// Whether the bytes, with ASCII letters lower-cased, are a word of the set (of lower-case words).
    @inline(__always)
    func containsLowercased(_ bytes: ArraySlice<UInt8>) -> Bool {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            value = (value ^ UInt64(folded)) &* 0x0000_0100_0000_01B3
        }
        return contains(hash: value)
    }

    /// Whether a word with this ``hash(_:)`` is in the set.
    func contains(hash: UInt64) -> Bool { hashes.sortedContains(hash) }
}

/// The classes of bytes present in a value, found in one pass, so that each detector runs only on
/// values that contain the syntax it looks for.
struct ShieldByteClasses {
    struct Class: OptionSet {
        let rawValue: UInt32
        static let quote = Class(rawValue: 1 << 0)
        static let angle = Class(rawValue: 1 << 1)
        static let paren = Class(rawValue: 1 << 2)
        static let separator = Class(rawValue: 1 << 3)  // ; | &
        static let dollar = Class(rawValue: 1 << 4)
        static let brace = Class(rawValue: 1 << 5)
        static let backtick = Class(rawValue: 1 << 6)
        static let hash = Class(rawValue: 1 << 7)
        static let percent = Class(rawValue: 1 << 8)
        static let equals = Class(rawValue: 1 << 9)
        static let dot = Class(rawValue: 1 << 10)
        static let slash = Class(rawValue: 1 << 11)  // / and \
        static let colon = Class(rawValue: 1 << 12)
        static let space = Class(rawValue: 1 << 13)
        static let bracket = Class(rawValue: 1 << 14)
        static let arithmetic = Class(rawValue: 1 << 15)  // * + - ^ ~ !
        static let at = Class(rawValue: 1 << 16)
        static let lineBreak = Class(rawValue: 1 << 17)

        static let sqlSyntax: Class = [
            .quote, .paren, .equals, .separator, .hash, .space, .at, .arithmetic, .angle, .slash, .backtick,
        ]
        static let scriptSyntax: Class = [.angle, .colon, .paren, .backtick, .bracket, .equals]
        static let pathSyntax: Class = [.slash, .dot]
        static let shellSyntax: Class = [.separator, .backtick, .dollar, .brace, .lineBreak, .slash]
        static let urlSyntax: Class = [.colon, .dot]
        static let templateSyntax: Class = [.brace, .percent, .hash]
        static let noSQLSyntax: Class = [.dollar, .equals, .dot, .quote]
        static let codeSyntax: Class = [.paren, .angle, .dollar, .colon, .hash, .dot]
    }

    let present: Class

    private static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        func set(_ characters: String, _ value: Class) {
            for byte in characters.utf8 { table[Int(byte)] |= value.rawValue }
        }
        set("'\"", .quote)
        set("<>", .angle)
        set("()", .paren)
        set(";|&", .separator)
        set("$", .dollar)
        set("{}", .brace)
        set("`", .backtick)
        set("#", .hash)
        set("%", .percent)
        set("=", .equals)
        set(".", .dot)
        set("/\\", .slash)
        set(":", .colon)
        set(" \t", .space)
        set("[]", .bracket)
        set("*+-^~!", .arithmetic)
        set("@", .at)
        set("\r\n", .lineBreak)
        return table
    }()

    init(_ value: [UInt8]) {
        var mask: UInt32 = 0
        Self.table.withUnsafeBufferPointer { table in
            for byte in value { mask |= table[Int(byte)] }
        }
        present = Class(rawValue: mask)
    }

    @inline(__always)
    func any(_ classes: Class) -> Bool { !present.isDisjoint(with: classes) }
}
