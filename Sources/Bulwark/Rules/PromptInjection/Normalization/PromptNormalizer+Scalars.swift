/// The scalar pass for text that is not all ASCII: invisible characters and what they smuggle, and NFKC.
extension PromptNormalizer.Run {
    /// What the scalar pass makes of the text.
    struct CleanedScalars {
        /// The text in NFKC with invisible characters removed and each whitespace character a space; the
        /// case is kept, because homoglyphs are told apart by it.
        var scalars: [UInt32]
        /// The input with invisible characters removed, as UTF-8, for the decoders of encoded spans; nil
        /// when nothing was removed (the input is the source).
        var source: [UInt8]?
        /// Content smuggled in tag characters and variation selectors.
        var payloads: [(PromptEncoding, [UInt8])]
        /// Whether the text has letters other than ASCII, which the word pass must look at.
        var hasNonASCIILetters: Bool
    }

    /// A starter and the marks after it longer than this is stacked "Zalgo" text, which no orthography writes:
    /// it is not composed.
    private static let maxClusterLength = 16

    /// Removes invisible characters (counting those used to hide something), decodes tag and variation
    /// selector smuggling, and brings the text to NFKC, one cluster at a time.
    mutating func cleanScalars(_ bytes: UnsafeBufferPointer<UInt8>) -> CleanedScalars {
        let raw = Self.decodeUTF8(bytes)
        // NFKC turns one scalar into at most 18: room for that is only made when the first try runs out.
        if let cleaned = cleanScalars(raw, bytes, capacity: raw.count + 64) { return cleaned }
        return cleanScalars(raw, bytes, capacity: raw.count * 18 + 64)
            ?? CleanedScalars(scalars: [], source: nil, payloads: [], hasNonASCIILetters: false)
    }

    /// Scalars written into a buffer of fixed capacity: appending is a store, and running out of room is
    /// noted rather than growing.
    private struct ScalarOutput {
        let buffer: UnsafeMutableBufferPointer<UInt32>
        var count = 0
        var overflowed = false

        @inline(__always)
        mutating func append(_ value: UInt32) {
            guard count < buffer.count else {
                overflowed = true
                return
            }
            buffer[count] = value
            count += 1
        }

        /// Replaces the scalars from `start` on with `values`.
        mutating func replace(from start: Int, with values: [UInt32]) {
            count = start
            for value in values { append(value) }
        }
    }

    /// The scalar pass writing into `capacity` scalars, or nil (with nothing counted) when that is too few.
    private mutating func cleanScalars(
        _ raw: [UInt32],
        _ bytes: UnsafeBufferPointer<UInt8>,
        capacity: Int
    ) -> CleanedScalars? {
        let signalsBefore = signals
        let count = raw.count
        var payloads: [(PromptEncoding, [UInt8])] = []
        var hasLetters = false
        var hasCJK = false
        var fullwidthLetters = 0
        // The source for the decoders is the input with removed scalars cut out, copied only once one is.
        var source: [UInt8]?
        var copiedUpTo = 0
        var byteOffset = 0
        func cut(_ start: Int, _ end: Int) {
            let lower = min(max(start, copiedUpTo), bytes.count)
            if source == nil {
                source = []
                source?.reserveCapacity(bytes.count)
            }
            source?.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copiedUpTo..<lower]))
            copiedUpTo = min(max(end, lower), bytes.count)
        }
        var overflowed = false
        let scalars = [UInt32](unsafeUninitializedCapacity: capacity) { buffer, written in
            var output = ScalarOutput(buffer: buffer)
            // The index in `output` of the last scalar of combining class 0, which marks may compose with.
            var lastStarter = -1
            // The last scalar kept, as written, and its kind: selectors and joiners are judged by it.
            var previous: UInt32 = 0
            var previousKind = PromptScalar.Kind.whitespace
            var index = 0
            while index < count && !output.overflowed {
                let value = raw[index]
                if value < 0x80 {
                    let byte = UInt8(value)
                    index += 1
                    byteOffset += 1
                    if byte >= 0x21 && byte < 0x7F {
                        output.append(value)
                        lastStarter = output.count - 1
                        previous = value
                        previousKind = Self.asciiKind(byte)
                    } else if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                        // CR LF is one line break.
                        if byte == 0x0D, index < count, raw[index] == 0x0A { continue }
                        output.append(0x20)
                        lastStarter = output.count - 1
                        previous = value
                        previousKind = .whitespace
                    } else {
                        signals.invisibleCharacters += 1
                        cut(byteOffset - 1, byteOffset)
                    }
                    continue
                }
                let info = scalarCache.info(value)
                switch info.kind {
                case .tag, .variationSelector, .invisible:
                    let end: Int
                    if info.kind == .tag {
                        end = takeTags(raw, from: index, after: previous, into: &payloads)
                    } else if info.kind == .variationSelector {
                        end = takeSelectors(raw, from: index, after: previous, previousKind, into: &payloads)
                    } else {
                        if !(value == 0xFEFF && index == 0) && !joins(raw, at: index, after: previous, previousKind) {
                            signals.invisibleCharacters += 1
                        }
                        end = index + 1
                    }
                    let start = byteOffset
                    for removed in raw[index..<end] { byteOffset += Self.utf8Length(removed) }
                    cut(start, byteOffset)
                    index = end
                case .whitespace:
                    output.append(0x20)
                    lastStarter = output.count - 1
                    previous = value
                    previousKind = .whitespace
                    index += 1
                    byteOffset += Self.utf8Length(value)
                default:
                    if info.combines && lastStarter >= 0 {
                        let end = combine(raw, from: index, lastStarter: &lastStarter, into: &output)
                        for combined in raw[index..<end] { byteOffset += Self.utf8Length(combined) }
                        previous = raw[end - 1]
                        previousKind = .mark
                        index = end
                        continue
                    }
                    if info.compatibility != 0 {
                        output.append(info.compatibility)
                    } else {
                        for expanded in scalarCache.expansion(of: value) { output.append(expanded) }
                    }
                    if info.isStyledLetter {
                        if info.isFullwidth { fullwidthLetters += 1 } else { signals.homoglyphs += 1 }
                    }
                    if info.kind == .latinLetter || info.kind == .foreignLetter { hasLetters = true }
                    if (value >= 0x3000 && value < 0xA000) || (value >= 0xAC00 && value <= 0xD7A3) { hasCJK = true }
                    lastStarter = output.count - 1
                    previous = value
                    previousKind = info.kind
                    index += 1
                    byteOffset += Self.utf8Length(value)
                }
            }
            overflowed = output.overflowed
            written = overflowed ? 0 : output.count
        }
        guard !overflowed else {
            signals = signalsBefore
            return nil
        }
        if source != nil { cut(bytes.count, bytes.count) }
        // CJK text writes Latin letters full-width as a matter of course; elsewhere they are styling.
        if !hasCJK { signals.homoglyphs += fullwidthLetters }
        return CleanedScalars(scalars: scalars, source: source, payloads: payloads, hasNonASCIILetters: hasLetters)
    }

    /// Composes the run of combining scalars at `start` with the cluster ending `output` (its starter at
    /// `lastStarter`), and returns the index after the run. Marks left on an ASCII letter after
    /// composition (accents no precomposed letter has, stacked Zalgo marks) are dropped.
    private mutating func combine(
        _ raw: [UInt32],
        from start: Int,
        lastStarter: inout Int,
        into output: inout ScalarOutput
    ) -> Int {
        var end = start
        while end < raw.count, raw[end] >= 0x80, scalarCache.info(raw[end]).combines { end += 1 }
        let starter = output.buffer[lastStarter]
        let onASCII = starter < 0x80 && Self.asciiKind(UInt8(starter)) != .other
        if output.count - lastStarter + end - start > Self.maxClusterLength {
            if onASCII {
                output.count = lastStarter + 1
            } else {
                for value in raw[start..<end] {
                    let mapped = scalarCache.info(value).compatibility
                    output.append(mapped != 0 ? mapped : value)
                }
            }
            return end
        }
        var cluster = Array(output.buffer[lastStarter..<output.count])
        cluster.append(contentsOf: raw[start..<end])
        var composed = scalarCache.composed(cluster)
        if onASCII, composed.count > 1 {
            var kept = [composed[0]]
            for value in composed.dropFirst() where value < 0x80 || !isMark(value) { kept.append(value) }
            composed = kept
        }
        output.replace(from: lastStarter, with: composed)
        lastStarter = max(0, output.count - composed.count)
        return end
    }

    @inline(__always)
    static func utf8Length(_ value: UInt32) -> Int {
        value < 0x80 ? 1 : value < 0x800 ? 2 : value < 0x1_0000 ? 3 : 4
    }

    private mutating func isMark(_ value: UInt32) -> Bool {
        let info = scalarCache.info(value)
        return info.combines || info.kind == .mark
    }

    /// Takes the run of tag characters at `start`: unless it is the tag sequence of a subdivision flag
    /// (🏴 + lower-case letters and digits + cancel tag), counts it and decodes the ASCII it spells.
    private mutating func takeTags(
        _ raw: [UInt32],
        from start: Int,
        after previous: UInt32,
        into payloads: inout [(PromptEncoding, [UInt8])]
    ) -> Int {
        var end = start
        while end < raw.count, raw[end] >= 0xE0000, raw[end] <= 0xE007F { end += 1 }
        let run = raw[start..<end]
        let isFlag =
            previous == 0x1F3F4 && run.count >= 3 && run.count <= 8 && raw[end - 1] == 0xE007F
            && run.dropLast().allSatisfy { (0xE0030...0xE0039).contains($0) || (0xE0061...0xE007A).contains($0) }
        guard !isFlag else { return end }
        signals.tagCharacters += run.count
        let payload = run.compactMap { $0 >= 0xE0020 && $0 <= 0xE007E ? UInt8($0 - 0xE0000) : nil }
        if payload.contains(where: { $0 != 0x20 }) { payloads.append((.tagCharacters, payload)) }
        return end
    }

    /// Takes the run of variation selectors at `start`. One selector after a character that may take it
    /// (a standard or emoji variation sequence, an ideographic variation sequence after an ideograph) is
    /// benign; any other run is counted, and a run of two or more is decoded as bytes (U+FE00–FE0F are
    /// 0–15, U+E0100–E01EF are 16–255) when they spell printable UTF-8.
    private mutating func takeSelectors(
        _ raw: [UInt32],
        from start: Int,
        after previous: UInt32,
        _ previousKind: PromptScalar.Kind,
        into payloads: inout [(PromptEncoding, [UInt8])]
    ) -> Int {
        var end = start
        while end < raw.count, Self.isVariationSelector(raw[end]) { end += 1 }
        let length = end - start
        let first = raw[start]
        let benign =
            length == 1 && previous != 0 && previousKind != .whitespace
            && (first <= 0xFE0F || PromptScalar.isStableIdeograph(previous))
        guard !benign else { return end }
        signals.variationSelectors += length
        if length >= 2 {
            let payload = raw[start..<end].map { $0 <= 0xFE0F ? UInt8($0 - 0xFE00) : UInt8($0 - 0xE0100 + 16) }
            if Self.isPrintableText(payload) { payloads.append((.variationSelectors, payload)) }
        }
        return end
    }

    /// Whether the zero-width joiner or non-joiner at `index` does its job: a joiner between two emoji,
    /// or either between two letters or marks of a script that writes them (Arabic, Persian, Indic and
    /// the rest from Hebrew on).
    private mutating func joins(
        _ raw: [UInt32],
        at index: Int,
        after previous: UInt32,
        _ previousKind: PromptScalar.Kind
    ) -> Bool {
        let value = raw[index]
        guard value == 0x200C || value == 0x200D, index + 1 < raw.count, raw[index + 1] >= 0x80 else { return false }
        let next = raw[index + 1]
        let nextKind = scalarCache.info(next).kind
        if value == 0x200D, previousKind == .emoji, nextKind == .emoji { return true }
        let isScriptLetter: (PromptScalar.Kind) -> Bool = { $0 == .foreignLetter || $0 == .mark }
        return previous >= 0x590 && next >= 0x590 && isScriptLetter(previousKind) && isScriptLetter(nextKind)
    }

    @inline(__always)
    static func isVariationSelector(_ value: UInt32) -> Bool {
        (value >= 0xFE00 && value <= 0xFE0F) || (value >= 0xE0100 && value <= 0xE01EF)
    }

    @inline(__always)
    static func asciiKind(_ byte: UInt8) -> PromptScalar.Kind {
        if (byte | 0x20) &- 0x61 < 26 { return .latinLetter }
        return byte &- 0x30 < 10 ? .digit : .other
    }

    /// The scalars of UTF-8 `bytes`; an ill-formed sequence (which a Swift string never holds) reads as
    /// U+FFFD, one byte at a time.
    static func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        let count = bytes.count
        return [UInt32](unsafeUninitializedCapacity: count) { scalars, written in
            var length = 0
            var index = 0
            while index < count {
                let lead = UInt32(bytes[index])
                if lead < 0x80 {
                    scalars[length] = lead
                    length += 1
                    index += 1
                    continue
                }
                let sequenceLength: Int
                var value: UInt32
                let minimum: UInt32
                switch lead {
                case 0xC2...0xDF: (sequenceLength, value, minimum) = (2, lead & 0x1F, 0x80)
                case 0xE0...0xEF: (sequenceLength, value, minimum) = (3, lead & 0x0F, 0x800)
                case 0xF0...0xF4: (sequenceLength, value, minimum) = (4, lead & 0x07, 0x1_0000)
                default: (sequenceLength, value, minimum) = (0, 0, 0)
                }
                var valid = sequenceLength > 0 && index + sequenceLength <= count
                if valid {
                    for offset in 1..<sequenceLength {
                        let byte = UInt32(bytes[index + offset])
                        guard byte & 0xC0 == 0x80 else {
                            valid = false
                            break
                        }
                        value = value << 6 | byte & 0x3F
                    }
                }
                if valid && value >= minimum && value <= 0x10_FFFF && !(value >= 0xD800 && value <= 0xDFFF) {
                    scalars[length] = value
                    index += sequenceLength
                } else {
                    scalars[length] = 0xFFFD
                    index += 1
                }
                length += 1
            }
            written = length
        }
    }

    /// Appends the UTF-8 form of scalar `value` (a valid scalar value).
    @inline(__always)
    static func appendUTF8(_ value: UInt32, to bytes: inout [UInt8]) {
        switch value {
        case 0..<0x80:
            bytes.append(UInt8(value))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | value >> 6))
            bytes.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x1_0000:
            bytes.append(UInt8(0xE0 | value >> 12))
            bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | value & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | value >> 18 & 0x07))
            bytes.append(UInt8(0x80 | value >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | value & 0x3F))
        }
    }
}
