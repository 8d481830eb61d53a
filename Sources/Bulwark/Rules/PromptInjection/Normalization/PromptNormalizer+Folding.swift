/// The word pass for text that is not all ASCII: homoglyphs folded to Latin where the words around say
/// they stand for Latin letters, then lower-casing and UTF-8.
extension PromptNormalizer.Run {
    /// What to do with the look-alike letters of one word.
    private enum FoldDecision: UInt8 {
        /// The word is of another script: its letters stay.
        case keep
        /// The word mixes Latin letters and look-alikes: the look-alikes are folded.
        case fold
        /// The word is only of look-alikes, most of them strong: folded when the words around it are mostly
        /// Latin ("ѕуѕтем" in English text; "нет", mostly weak, stays).
        case candidate
    }

    /// A word (a run of letters, digits and marks) that has letters, with its decision and its vote.
    private struct Word {
        var start: Int
        var end: Int
        var decision: FoldDecision
        /// +1 for a Latin word, -1 for a word of another script, 0 for a word of look-alikes only.
        var vote: Int
    }

    /// How many words on each side of a look-alike-only word vote on whether it is Latin.
    private static let votingWindow = 3

    /// Folds homoglyphs (counting them), lower-cases, and writes the scalars as UTF-8. Every whitespace
    /// scalar is already a space.
    mutating func foldWords(_ scalars: [UInt32], hasNonASCIILetters: Bool) -> [UInt8] {
        let words = hasNonASCIILetters ? decideWords(scalars) : []
        let always = UInt16(Homoglyphs.Strength.always.rawValue)
        var folded = 0
        // A scalar is at most four bytes of UTF-8, and so is its lower case (İ, the one scalar whose lower
        // case is two scalars, takes three).
        let capacity = scalars.count * 4
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { output, written in
            var length = 0
            var word = 0
            @inline(__always) func write(_ value: UInt32) {
                guard length + 4 <= capacity else { return }
                switch value {
                case 0..<0x80:
                    output[length] = UInt8(value)
                    length += 1
                case 0x80..<0x800:
                    output[length] = UInt8(0xC0 | value >> 6)
                    output[length + 1] = UInt8(0x80 | value & 0x3F)
                    length += 2
                case 0x800..<0x1_0000:
                    output[length] = UInt8(0xE0 | value >> 12)
                    output[length + 1] = UInt8(0x80 | value >> 6 & 0x3F)
                    output[length + 2] = UInt8(0x80 | value & 0x3F)
                    length += 3
                default:
                    output[length] = UInt8(0xF0 | value >> 18 & 0x07)
                    output[length + 1] = UInt8(0x80 | value >> 12 & 0x3F)
                    output[length + 2] = UInt8(0x80 | value >> 6 & 0x3F)
                    output[length + 3] = UInt8(0x80 | value & 0x3F)
                    length += 4
                }
            }
            for index in scalars.indices {
                let value = scalars[index]
                if value < 0x80 {
                    let byte = UInt8(value)
                    output[length] = byte &- 0x41 < 26 ? byte | 0x20 : byte
                    length += 1
                    continue
                }
                let info = scalarCache.info(value)
                if info.homoglyph != 0 {
                    while word < words.count && words[word].end <= index { word += 1 }
                    let inFoldedWord =
                        word < words.count && words[word].start <= index && words[word].decision == .fold
                    if inFoldedWord || info.homoglyph >> 8 == always {
                        output[length] = UInt8(truncatingIfNeeded: info.homoglyph)
                        length += 1
                        folded += 1
                        continue
                    }
                }
                if info.lowercase != 0 {
                    write(info.lowercase)
                } else if let scalar = Unicode.Scalar(value) {
                    for lower in scalar.properties.lowercaseMapping.unicodeScalars { write(lower.value) }
                }
            }
            written = length
        }
        signals.homoglyphs += folded
        return output
    }

    /// The words of `scalars` that have letters, each with its fold decision; a word of look-alikes only is
    /// folded when the words within ``votingWindow`` on each side lean Latin.
    private mutating func decideWords(_ scalars: [UInt32]) -> [Word] {
        var words: [Word] = []
        let count = scalars.count
        var index = 0
        while index < count {
            guard isWordScalar(scalars[index]) else {
                index += 1
                continue
            }
            let start = index
            var latin = 0
            var strong = 0
            var weak = 0
            var foreign = 0
            while index < count {
                let value = scalars[index]
                if value < 0x80 {
                    if (value | 0x20) &- 0x61 < 26 {
                        latin += 1
                    } else if value &- 0x30 >= 10 {
                        break
                    }
                    index += 1
                    continue
                }
                let info = scalarCache.info(value)
                guard Self.isWordKind(info.kind) else { break }
                index += 1
                switch Homoglyphs.Strength(rawValue: UInt8(truncatingIfNeeded: info.homoglyph >> 8)) {
                case .strong: strong += 1
                case .weak: weak += 1
                case .always: latin += 1
                case nil:
                    if info.kind == .latinLetter { latin += 1 }
                    if info.kind == .foreignLetter { foreign += 1 }
                }
            }
            let lookAlikes = strong + weak
            if latin + lookAlikes + foreign == 0 { continue }
            let decision: FoldDecision
            let vote: Int
            if foreign > 0 {
                (decision, vote) = (.keep, -1)
            } else if lookAlikes == 0 {
                (decision, vote) = (.keep, 1)
            } else if latin > 0 {
                (decision, vote) = (.fold, 1)
            } else if strong > weak {
                (decision, vote) = (.candidate, 0)
            } else {
                (decision, vote) = (.keep, -1)
            }
            words.append(Word(start: start, end: index, decision: decision, vote: vote))
        }
        resolveCandidates(&words)
        return words
    }

    private func resolveCandidates(_ words: inout [Word]) {
        guard words.contains(where: { $0.decision == .candidate }) else { return }
        var votes = [0]
        votes.reserveCapacity(words.count + 1)
        for word in words { votes.append(votes[votes.count - 1] + word.vote) }
        for index in words.indices where words[index].decision == .candidate {
            let lower = max(0, index - Self.votingWindow)
            let upper = min(words.count, index + Self.votingWindow + 1)
            // The candidate's own vote is 0, so the window's sum is its neighbours'.
            words[index].decision = votes[upper] - votes[lower] > 0 ? .fold : .keep
        }
    }

    /// Letters, digits and marks make words; everything else separates them.
    @inline(__always)
    private mutating func isWordScalar(_ value: UInt32) -> Bool {
        if value < 0x80 { return (value | 0x20) &- 0x61 < 26 || value &- 0x30 < 10 }
        return Self.isWordKind(scalarCache.info(value).kind)
    }

    @inline(__always)
    private static func isWordKind(_ kind: PromptScalar.Kind) -> Bool {
        switch kind {
        case .latinLetter, .foreignLetter, .mark, .digit: return true
        default: return false
        }
    }
}
