/// Leetspeak read as letters: "1gn0re" is "ignore", "@dmin" is "admin".
extension PromptNormalizer.Run {
    /// Longer space-delimited chunks are blobs (base64, keys, URLs), whose digits are not leetspeak.
    private static let maxLeetChunk = 32
    /// Longer tokens are not words.
    private static let maxLeetToken = 24

    /// Reads leetspeak as letters in place (each substitute is one byte, and so is its letter) in the
    /// tokens (letters, digits, `@`, `$`, `!`) at `candidates`, counting the words folded; tells whether a
    /// token is "rot13", which cues rot13 decoding.
    ///
    /// A token is folded only when every digit in it stands for a letter (0 1 3 4 5 7), it has at least
    /// three letters and more letters than substitutes, it is not all hex digits, not the local part of an
    /// email address, not in a blob and not a known name ("log4j"); and either a substitute sits between
    /// letters and the result reads like a word ("pr0mpt"), or the result is a word injections use ("@dmin",
    /// "ign0r3"). So "2024", "$5", "v1.2", "ipv6", "utf8", "sha256", "h264", "python3", "1st" and "mp3"
    /// stay as they are.
    mutating func foldLeetspeak(_ text: inout [UInt8], candidates: [Int]) -> Bool {
        guard !candidates.isEmpty else { return false }
        var namesRot13 = false
        var folded = 0
        let count = text.count
        text.withUnsafeMutableBufferPointer { text in
            Self.byteClasses.withUnsafeBufferPointer { classes in
                var processedEnd = 0
                var chunk = 0..<0
                for position in candidates where position >= processedEnd && position < count {
                    var start = position
                    while start > 0 && classes[Int(text[start - 1])] & ByteClass.token != 0 { start -= 1 }
                    var end = position
                    while end < count && classes[Int(text[end])] & ByteClass.token != 0 { end += 1 }
                    processedEnd = end
                    guard end > start else { continue }
                    let token = UnsafeMutableBufferPointer(rebasing: text[start..<end])
                    if token.count == 5 && token.elementsEqual("rot13".utf8) { namesRot13 = true }
                    if !chunk.contains(start) {
                        var chunkStart = start
                        while chunkStart > 0 && text[chunkStart - 1] != 0x20 { chunkStart -= 1 }
                        var chunkEnd = end
                        while chunkEnd < count && text[chunkEnd] != 0x20 { chunkEnd += 1 }
                        chunk = chunkStart..<chunkEnd
                    }
                    guard chunk.count <= Self.maxLeetChunk, token.count <= Self.maxLeetToken,
                        Self.mayBeLeetspeak(token), !Self.isEmailLocalPart(text, token: start..<end),
                        !Self.knownNames.contains(where: { token.elementsEqual($0) })
                    else { continue }
                    var letterForm = [UInt8](repeating: 0, count: token.count)
                    for offset in 0..<token.count { letterForm[offset] = Self.letter(in: token, at: offset) }
                    let isKeyword = letterForm.withUnsafeBufferPointer { PromptKeywords.isInjectionWord($0) }
                    guard isKeyword || (Self.hasInteriorSubstitute(token) && Self.isPronounceable(letterForm)) else {
                        continue
                    }
                    for offset in 0..<token.count { token[offset] = letterForm[offset] }
                    folded += 1
                }
            }
        }
        signals.leetspeak += folded
        return namesRot13
    }

    /// Every digit a substitute, three letters or more and more letters than substitutes, not all hex.
    private static func mayBeLeetspeak(_ token: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        var letters = 0
        var substitutes = 0
        var allHex = true
        for byte in token {
            if byte &- 0x61 < 26 {
                letters += 1
                if byte > 0x66 { allHex = false }
            } else if leetLetter(byte) != 0 {
                substitutes += 1
                if byte &- 0x30 >= 10 { allHex = false }
            } else {
                return false
            }
        }
        return substitutes > 0 && letters >= 3 && letters > substitutes && !allHex
    }

    /// Whether a substitute stands between two letters ("pr0mpt"), not only at an edge ("python3", "@home").
    private static func hasInteriorSubstitute(_ token: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        var seenLetter = false
        var pending = false
        for byte in token {
            if byte &- 0x61 < 26 {
                if pending { return true }
                seenLetter = true
            } else if seenLetter {
                pending = true
            }
        }
        return false
    }

    /// Whether `word` (letters) has a vowel and no run of five consonants, as words have and random
    /// strings often do not.
    private static func isPronounceable(_ word: [UInt8]) -> Bool {
        var hasVowel = false
        var consonants = 0
        for byte in word {
            switch byte {
            case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79:
                hasVowel = true
                consonants = 0
            default:
                consonants += 1
                if consonants >= 5 { return false }
            }
        }
        return hasVowel
    }

    /// The letter a leetspeak substitute stands for, or 0.
    @inline(__always)
    private static func leetLetter(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x30: return 0x6F  // 0 o
        case 0x31, 0x21: return 0x69  // 1 ! i
        case 0x33: return 0x65  // 3 e
        case 0x34, 0x40: return 0x61  // 4 @ a
        case 0x35, 0x24: return 0x73  // 5 $ s
        case 0x37: return 0x74  // 7 t
        default: return 0
        }
    }

    /// The letter at `offset` of a token being folded. A 1 is an l next to an l, after a vowel, or before
    /// a, e or y ("a11", "ru1es", "exp1ain"), and an i otherwise ("1gn0re", "adm1n").
    private static func letter(in token: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> UInt8 {
        let byte = token[offset]
        if byte &- 0x61 < 26 { return byte }
        guard byte == 0x31 else { return leetLetter(byte) }
        func reading(_ neighbour: UInt8) -> UInt8 {
            neighbour == 0x31 ? 0x6C : (neighbour &- 0x61 < 26 ? neighbour : leetLetter(neighbour))
        }
        let previous = offset > 0 ? reading(token[offset - 1]) : 0
        let next = offset + 1 < token.count ? reading(token[offset + 1]) : 0
        switch (previous, next) {
        case (0x6C, _), (_, 0x6C): return 0x6C
        case (0x61, _), (0x65, _), (0x6F, _), (0x75, _): return 0x6C
        case (_, 0x61), (_, 0x65), (_, 0x79): return 0x6C
        default: return 0x69
        }
    }

    /// `user@example.com`: an `@` in the token and a dot and a letter after it.
    private static func isEmailLocalPart(_ text: UnsafeMutableBufferPointer<UInt8>, token: Range<Int>) -> Bool {
        guard text[token].contains(0x40) else { return false }
        return token.upperBound + 1 < text.count && text[token.upperBound] == 0x2E
            && text[token.upperBound + 1] &- 0x61 < 26
    }

    /// Names with digits in them that read as leetspeak.
    private static let knownNames: [[UInt8]] = ["log4j", "log4net", "log4shell", "web3", "web3js", "c3po", "s3cmd"]
        .map { Array($0.utf8) }
}
