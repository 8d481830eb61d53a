/// The tokens a ``SensitiveInfoDetector`` sees, and how its findings join the built-in ones.
enum SensitiveInfoTokenizer {
    /// A token: a maximal run of non-whitespace, by UTF-8 offsets.
    struct Token {
        var start: Int
        var end: Int
    }

    /// The tokens of the first `maxBytes` bytes of `text` (cut back to a whole scalar). Whitespace is
    /// ASCII whitespace and the Unicode spaces text is written with: no-break space, the spaces of
    /// U+2000–U+200A, line and paragraph separators, narrow no-break space, medium mathematical space and
    /// ideographic space.
    static func tokens(in text: String, maxBytes: Int) -> [Token] {
        var tokens: [Token] = []
        let read: (UnsafeBufferPointer<UInt8>) -> Void = { bytes in
            var limit = min(maxBytes, bytes.count)
            while limit > 0, limit < bytes.count, bytes[limit] & 0xC0 == 0x80 { limit -= 1 }
            var index = 0
            var start = -1
            while index < limit {
                let width = whitespaceWidth(bytes, at: index, limit: limit)
                if width > 0 {
                    if start >= 0 { tokens.append(Token(start: start, end: index)) }
                    start = -1
                    index += width
                } else {
                    if start < 0 { start = index }
                    index += 1
                }
            }
            if start >= 0 { tokens.append(Token(start: start, end: limit)) }
        }
        if text.utf8.withContiguousStorageIfAvailable(read) == nil {
            // A few bytes past the limit tell whether the limit falls inside a scalar.
            Array(text.utf8.prefix(maxBytes + 4)).withUnsafeBufferPointer(read)
        }
        return tokens
    }

    /// The length of the whitespace character at `index`, or 0.
    private static func whitespaceWidth(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, limit: Int) -> Int {
        let byte = bytes[index]
        if byte < 0x80 { return SensitiveInfoByte.isSpace(byte) ? 1 : 0 }
        if byte == 0xC2, index + 1 < limit, bytes[index + 1] == 0xA0 { return 2 }  // U+00A0
        guard index + 2 < limit else { return 0 }
        let second = bytes[index + 1]
        let third = bytes[index + 2]
        if byte == 0xE2, second == 0x80, third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF {
            return 3  // U+2000–U+200A, U+2028, U+2029, U+202F
        }
        if byte == 0xE2, second == 0x81, third == 0x9F { return 3 }  // U+205F
        if byte == 0xE3, second == 0x80, third == 0x80 { return 3 }  // U+3000
        return 0
    }

    /// The entities `detector` flags in `text`: one per flagged token, typed by the first window that
    /// flagged it.
    static func detect(in text: String, maxBytes: Int, detector: SensitiveInfoDetector) -> [SensitiveInfoEntity] {
        let tokens = tokens(in: text, maxBytes: maxBytes)
        guard !tokens.isEmpty else { return [] }
        let utf8 = text.utf8
        var substrings: [Substring] = []
        substrings.reserveCapacity(tokens.count)
        for token in tokens {
            let lower = utf8.index(utf8.startIndex, offsetBy: token.start)
            let upper = utf8.index(lower, offsetBy: token.end - token.start)
            // Through the scalar view: a token may start inside a grapheme (after a space, a combining mark),
            // where the string's own subscript would round down to the grapheme's start.
            substrings.append(Substring(text.unicodeScalars[lower..<upper]))
        }
        var flags = [SensitiveInfoType?](repeating: nil, count: tokens.count)
        let window = min(detector.contextWindowSize, tokens.count)
        for first in 0...(tokens.count - window) {
            let results = detector.detect(Array(substrings[first..<(first + window)]))
            for (offset, type) in results.prefix(window).enumerated() {
                guard let type, !type.rawValue.isEmpty, flags[first + offset] == nil else { continue }
                flags[first + offset] = type
            }
        }
        var entities: [SensitiveInfoEntity] = []
        for (token, flag) in zip(tokens, flags) {
            guard let flag else { continue }
            entities.append(SensitiveInfoEntity(identifiedType: flag, start: token.start, end: token.end))
        }
        return entities
    }

    /// Both lists sorted by start, with the custom entities that overlap a built-in one left out.
    static func merge(builtIn: [SensitiveInfoEntity], custom: [SensitiveInfoEntity]) -> [SensitiveInfoEntity] {
        guard !custom.isEmpty else { return builtIn }
        var merged: [SensitiveInfoEntity] = []
        merged.reserveCapacity(builtIn.count + custom.count)
        var next = 0
        for entity in custom {
            while next < builtIn.count, builtIn[next].end <= entity.start {
                merged.append(builtIn[next])
                next += 1
            }
            if next < builtIn.count, builtIn[next].start < entity.end { continue }  // overlaps: built-in wins
            merged.append(entity)
        }
        merged.append(contentsOf: builtIn[next...])
        return merged
    }
}
