/// The pass over folded text that every input shares: letters spread out joined, whitespace collapsed and
/// punctuation runs capped; it also notes the tokens that may be leetspeak and whether the text cues rot13.
extension PromptNormalizer.Run {
    /// Bits of ``byteClasses``.
    enum ByteClass {
        /// May be one of the letters of a spaced-out word: a letter, or a digit or symbol leetspeak uses.
        static let item: UInt8 = 1
        static let letter: UInt8 = 2
        /// Spreads letters out: one space, or one of `. - _ * | /`.
        static let separator: UInt8 = 4
        /// Continues a word, so that a letter next to it is not on its own: letters, digits, `@`, `$`, and
        /// every byte of a non-ASCII scalar.
        static let word: UInt8 = 8
        /// ASCII punctuation, whose runs are capped.
        static let punctuation: UInt8 = 16
        /// Part of a token for leetspeak: word bytes and `!`.
        static let token: UInt8 = 32
    }

    static let byteClasses: [UInt8] = (0..<256).map { value in
        let byte = UInt8(value)
        var classes: UInt8 = 0
        switch byte {
        case 0x61...0x7A: classes = ByteClass.item | ByteClass.letter | ByteClass.word
        case 0x30, 0x31, 0x33, 0x34, 0x35, 0x37, 0x40, 0x24: classes = ByteClass.item | ByteClass.word
        case 0x32, 0x36, 0x38, 0x39, 0x80...0xFF: classes = ByteClass.word
        default: break
        }
        switch byte {
        case 0x20, 0x2E, 0x2D, 0x5F, 0x2A, 0x7C, 0x2F: classes |= ByteClass.separator
        default: break
        }
        if (byte >= 0x21 && byte <= 0x2F) || (byte >= 0x3A && byte <= 0x40) || (byte >= 0x5B && byte <= 0x60)
            || (byte >= 0x7B && byte <= 0x7E)
        {
            classes |= ByteClass.punctuation
        }
        if classes & ByteClass.word != 0 || byte == 0x21 { classes |= ByteClass.token }
        return classes
    }

    /// The collapsed text and what the collapse noticed for the passes after it.
    struct CollapsedText {
        var text: [UInt8]
        /// Offsets in `text` of ASCII tokens with a digit, `@`, `$` or `!`, which may be leetspeak.
        var leetCandidates: [Int]
        /// Whether a word is the rot13 form of a key word or names the cipher ("rot-13", "caesar cipher").
        var cuesRot13: Bool
    }

    /// Spaced-out letters are joined from this many letters on.
    private static let minSpacedLetters = 4
    /// A run of one punctuation character is cut to this length ("=====" to "===").
    private static let maxPunctuationRun = 3

    /// Collapses whitespace (every whitespace character is a space by now) to single spaces with none at
    /// the ends, joins letters spread out ("i g n o r e", "s.y.s.t.e.m"), and caps runs of one
    /// punctuation character.
    ///
    /// A spread-out word is a chain of lone letters (or leetspeak digits) with the same single separator
    /// between each two: a space, or one of `. - _ * | /`. It is joined when it has at least
    /// ``minSpacedLetters`` letters, so "a b c" and the "a" and "I" of prose stay; a shorter chain is joined
    /// too when it is next to a joined one, with only spaces between ("i g n o r e   a l l": a double space
    /// ends a word, and "a l l" is part of the same spread-out sentence).
    mutating func collapse(_ folded: [UInt8]) -> CollapsedText {
        let count = folded.count
        var joined = 0
        var candidates: [Int] = []
        var cuesRot13 = false
        let rot13Starts = PromptKeywords.rot13Starts
        let text = [UInt8](unsafeUninitializedCapacity: count) { output, written in
            var length = 0
            folded.withUnsafeBufferPointer { input in
                Self.byteClasses.withUnsafeBufferPointer { classes in
                    @inline(__always) func has(_ index: Int, _ byteClass: UInt8) -> Bool {
                        index >= 0 && index < count && classes[Int(input[index])] & byteClass != 0
                    }
                    @inline(__always) func isLone(_ index: Int) -> Bool {
                        has(index, ByteClass.item) && !has(index - 1, ByteClass.word) && !has(index + 1, ByteClass.word)
                    }
                    // The end (index of the last item) and letter count of the chain from a lone item.
                    func chain(from start: Int) -> (end: Int, letters: Int) {
                        var end = start
                        var letters = has(start, ByteClass.letter) ? 1 : 0
                        guard has(start + 1, ByteClass.separator) else { return (end, letters) }
                        let separator = input[start + 1]
                        while end + 2 < count, input[end + 1] == separator, isLone(end + 2) {
                            end += 2
                            if has(end, ByteClass.letter) { letters += 1 }
                        }
                        return (end, letters)
                    }
                    // A word of letters only, written at `start` in the output and followed by `next` in the
                    // input: is it a rot13 key word, or does it name the cipher?
                    func isRot13Cue(wordAt start: Int, next: Int) -> Bool {
                        let word = UnsafeBufferPointer(rebasing: output[start..<length])
                        if word.count >= 5 && rot13Starts[Int(word[0] &- 0x61) * 26 + Int(word[1] &- 0x61)]
                            && PromptKeywords.isRot13Keyword(word)
                        {
                            return true
                        }
                        return (word[0] == 0x72 || word[0] == 0x63)
                            && Self.namesCipher(word, followedBy: UnsafeBufferPointer(rebasing: input[next...]))
                    }
                    var pendingSpace = false
                    var inSpacedText = false
                    var punctuation: UInt8 = 0
                    var punctuationRun = 0
                    // Writes the chain from the lone item at `index`, joined when it spells a spread-out word,
                    // and returns the index after it.
                    func spreadOut(from index: Int) -> Int {
                        let (end, letters) = chain(from: index)
                        var join = end > index && (letters >= Self.minSpacedLetters || inSpacedText)
                        if !join && end > index {
                            var next = end + 1
                            while next < count && input[next] == 0x20 { next += 1 }
                            join = next < count && isLone(next) && chain(from: next).letters >= Self.minSpacedLetters
                        }
                        let start = length
                        for item in stride(from: index, through: end, by: join ? 2 : 1) {
                            output[length] = input[item]
                            length += 1
                        }
                        if join {
                            joined += 1
                            inSpacedText = true
                            if letters < (end - index) / 2 + 1 {
                                candidates.append(start)
                            } else if !cuesRot13 {
                                cuesRot13 = isRot13Cue(wordAt: start, next: end + 1)
                            }
                        }
                        punctuationRun = 0
                        return end + 1
                    }
                    var index = 0
                    while index < count {
                        let byte = input[index]
                        if byte == 0x20 {
                            pendingSpace = length > 0
                            punctuationRun = 0
                            index += 1
                            continue
                        }
                        if pendingSpace {
                            output[length] = 0x20
                            length += 1
                            pendingSpace = false
                        }
                        if classes[Int(byte)] & ByteClass.word != 0 {
                            // A word: found with few checks, for it is the bulk of the text. The main loop is
                            // never inside a word, so a word of one item is a lone item.
                            let wordStart = index
                            var hasSubstitute = false
                            var hasNonASCII = false
                            while true {
                                index = Self.skipLetters(input, from: index)
                                guard index < count else { break }
                                if input[index] >= 0x80 {
                                    hasNonASCII = true
                                    index += 1
                                    while index < count && input[index] >= 0x80 { index += 1 }
                                    continue
                                }
                                guard classes[Int(input[index])] & ByteClass.word != 0 else { break }
                                hasSubstitute = true
                                index += 1
                            }
                            if index == wordStart + 1 && classes[Int(byte)] & ByteClass.item != 0 {
                                index = spreadOut(from: wordStart)
                                continue
                            }
                            inSpacedText = false
                            let start = length
                            for letter in input[wordStart..<index] {
                                output[length] = letter
                                length += 1
                            }
                            if hasSubstitute && !hasNonASCII {
                                candidates.append(start)
                            } else if !hasSubstitute && !hasNonASCII && !cuesRot13 {
                                cuesRot13 = isRot13Cue(wordAt: start, next: index)
                            }
                            punctuationRun = 0
                            continue
                        }
                        inSpacedText = false
                        if byte == 0x21
                            && ((length > 0 && output[length - 1] &- 0x61 < 26) || has(index + 1, ByteClass.word))
                        {
                            candidates.append(length)  // "h!dden"
                        }
                        if classes[Int(byte)] & ByteClass.punctuation != 0 {
                            if byte == punctuation {
                                punctuationRun += 1
                                if punctuationRun > Self.maxPunctuationRun {
                                    index += 1
                                    continue
                                }
                            } else {
                                punctuation = byte
                                punctuationRun = 1
                            }
                        } else {
                            punctuationRun = 0
                        }
                        output[length] = byte
                        length += 1
                        index += 1
                    }
                }
            }
            written = length
        }
        signals.spacedLetters += joined
        return CollapsedText(text: text, leetCandidates: candidates, cuesRot13: cuesRot13)
    }

    /// Whether a word of letters names the cipher with what follows it: "rot" then "-13", "_13" or " 13";
    /// "caesar" then "cipher" or "shift" after one such separator. ("rot13" is a token of its own, with
    /// digits: the leetspeak pass tells it.)
    static func namesCipher(_ word: UnsafeBufferPointer<UInt8>, followedBy rest: UnsafeBufferPointer<UInt8>) -> Bool {
        func starts(_ bytes: UnsafeBufferPointer<UInt8>, with literal: StaticString) -> Bool {
            let length = literal.utf8CodeUnitCount
            return bytes.count >= length && (0..<length).allSatisfy { bytes[$0] == literal.utf8Start[$0] }
        }
        guard rest.count >= 3, rest[0] == 0x2D || rest[0] == 0x5F || rest[0] == 0x20 else { return false }
        let after = UnsafeBufferPointer(rebasing: rest[1...])
        if word.count == 3 && starts(word, with: "rot") && starts(after, with: "13") {
            return after.count == 2 || after[2] &- 0x30 >= 10
        }
        return word.count == 6 && starts(word, with: "caesar")
            && (starts(after, with: "cipher") || starts(after, with: "shift"))
    }

    /// The index of the first byte from `start` on that is not a lower-case ASCII letter, eight bytes at a
    /// time while they are ASCII.
    @inline(__always)
    static func skipLetters(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var index = start
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        while index + 8 <= count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            guard word & high == 0 else { break }
            // For bytes below 0x80 the additions cannot carry into the next byte: the top bit of each byte
            // says "at least a", then "above z".
            let letters = (word &+ ones &* 0x1F) & ~(word &+ ones &* 0x05) & high
            if letters != high { return index + (~letters & high).trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < count && base[index] &- 0x61 < 26 { index += 1 }
        return index
    }
}
