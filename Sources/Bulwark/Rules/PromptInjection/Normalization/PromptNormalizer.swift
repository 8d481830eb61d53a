/// Undoes the obfuscation of a prompt before the injection classifier reads it.
///
/// In order: invisible characters (zero-width, bidi controls, soft hyphens, tag characters, variation
/// selectors) are removed and what they smuggle is decoded; the text is brought to NFKC; homoglyphs of
/// other scripts are folded to Latin inside Latin text; the text is lower-cased; letters spread out
/// ("i g n o r e", "s.y.s.t.e.m") are joined; whitespace is collapsed; leetspeak ("1gn0re") is read as
/// letters; and base64, hex, percent-encoded and rot13 content is decoded into hidden segments, themselves
/// normalised the same way. Each trick undone is counted in ``PromptObfuscationSignals``.
///
/// ASCII text takes a fast path of a few byte passes with no Foundation call; other text goes through a
/// scalar pass whose Unicode facts are looked up in tables (``PromptScalarCache``). Every pass is linear in
/// the input, and the input is bounded by ``PromptNormalizerLimits/maxInputBytes``.
enum PromptNormalizer {
    /// Normalises `text` for the classifier. Only the first `limits.maxInputBytes` UTF-8 bytes are read,
    /// cut back to a Character boundary.
    static func normalize(_ text: String, limits: PromptNormalizerLimits = .init()) -> NormalizedPrompt {
        var run = Run(limits: limits.effective)
        var prefix = Substring(text)
        if text.utf8.count > run.limits.maxInputBytes {
            let cut = text.utf8.index(text.utf8.startIndex, offsetBy: run.limits.maxInputBytes)
            // String's subscript rounds an index down to a Character boundary.
            prefix = text[..<cut]
        }
        let normalized = prefix.withUTF8 { run.normalize($0, level: 0) }
        return NormalizedPrompt(text: normalized, hiddenSegments: run.segments, signals: run.signals)
    }

    /// The state of one call: the limits, what has been found so far, and the scalar facts looked up.
    struct Run {
        let limits: PromptNormalizerLimits
        var segments: [HiddenSegment] = []
        var signals = PromptObfuscationSignals()
        var scalarCache = PromptScalarCache()

        init(limits: PromptNormalizerLimits) {
            self.limits = limits
        }

        /// Normalises `bytes` (UTF-8) found at decoding depth `level` (0 for the prompt itself), adding
        /// the segments hidden in it when the depth allows.
        mutating func normalize(_ bytes: UnsafeBufferPointer<UInt8>, level: Int) -> [UInt8] {
            let collapsed: CollapsedText
            var payloads: [(PromptEncoding, [UInt8])] = []
            // Encoded spans are looked for in the text before lower-casing (base64 is case-sensitive): the
            // input itself on the fast path, else the input with invisible characters removed.
            var cleanedSource: [UInt8]? = nil
            if Self.isASCII(bytes) {
                collapsed = collapse(foldASCII(bytes))
            } else {
                let cleaned = cleanScalars(bytes)
                payloads = cleaned.payloads
                cleanedSource = cleaned.source
                collapsed = collapse(foldWords(cleaned.scalars, hasNonASCIILetters: cleaned.hasNonASCIILetters))
            }
            var text = collapsed.text
            let namesRot13 = foldLeetspeak(&text, candidates: collapsed.leetCandidates)
            let cuesRot13 = collapsed.cuesRot13 || namesRot13
            guard level < limits.maxDecodeDepth else { return text }
            for (encoding, payload) in payloads {
                guard addSegment(encoding, decoded: payload, level: level) else { break }
            }
            if let cleanedSource {
                cleanedSource.withUnsafeBufferPointer { scanEncoded($0, level: level) }
            } else {
                scanEncoded(bytes, level: level)
            }
            if cuesRot13 {
                addSegment(.rot13, decoded: Self.rot13(text), level: level, normalize: false)
            }
            return text
        }

        /// Adds a segment of `decoded` bytes (UTF-8), normalised a level deeper unless `normalize` is false
        /// (the bytes are then normalised already). False when the segment limit is reached.
        @discardableResult
        mutating func addSegment(
            _ encoding: PromptEncoding,
            decoded: [UInt8],
            level: Int,
            normalize: Bool = true
        ) -> Bool {
            guard segments.count < limits.maxSegments else { return false }
            switch encoding {
            case .base64, .hex, .percent, .rot13: signals.encodedSpans += 1
            case .tagCharacters, .variationSelectors: break
            }
            let index = segments.count
            segments.append(HiddenSegment(encoding: encoding, text: normalize ? [] : decoded))
            if normalize {
                let text = decoded.withUnsafeBufferPointer { self.normalize($0, level: level + 1) }
                segments[index].text = text
            }
            return true
        }

        /// Whether every byte is ASCII, eight bytes at a time.
        static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let base = bytes.baseAddress else { return true }
            let count = bytes.count
            var index = 0
            while index + 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { return false }
                index += 8
            }
            while index < count {
                if base[index] >= 0x80 { return false }
                index += 1
            }
            return true
        }

        /// The fast path's first pass: ASCII lower-cased, each whitespace character (CR LF as one) made a
        /// space, control characters removed and counted.
        mutating func foldASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
            let count = bytes.count
            var removed = 0
            let folded = [UInt8](unsafeUninitializedCapacity: count) { output, written in
                var length = 0
                Self.asciiFold.withUnsafeBufferPointer { fold in
                    for index in 0..<count {
                        let byte = bytes[index]
                        let mapped = fold[Int(byte)]
                        if mapped != 0 {
                            output[length] = mapped
                            length += 1
                        } else if byte == 0x0D {
                            if index + 1 == count || bytes[index + 1] != 0x0A {
                                output[length] = 0x20
                                length += 1
                            }
                        } else {
                            removed += 1
                        }
                    }
                }
                written = length
            }
            signals.invisibleCharacters += removed
            return folded
        }

        /// Byte to folded byte: letters lower-cased, whitespace to a space, controls (and CR, which is
        /// handled apart) to 0.
        static let asciiFold: [UInt8] = (0..<256).map { value in
            let byte = UInt8(value)
            switch byte {
            case 0x41...0x5A: return byte | 0x20
            case 0x09, 0x0A, 0x0B, 0x0C, 0x20: return 0x20
            case 0x00...0x1F, 0x7F...0xFF: return 0
            default: return byte
            }
        }

        /// rot13 of the ASCII letters of `bytes`.
        static func rot13(_ bytes: [UInt8]) -> [UInt8] {
            bytes.map { byte in
                switch byte {
                case 0x61...0x7A: return (byte - 0x61 + 13) % 26 + 0x61
                case 0x41...0x5A: return (byte - 0x41 + 13) % 26 + 0x41
                default: return byte
                }
            }
        }
    }
}
