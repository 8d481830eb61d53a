extension SensitiveInfoScanner.Pass {
    /// The longest local part read back from an `@`; RFC 5321 allows 64 octets.
    static let maxLocalPartBytes = 64
    /// The longest domain; RFC 1035 allows 253 octets in text form.
    static let maxDomainBytes = 253

    /// A byte of a local part as addresses are written in practice: letters, digits and `._%+-` (and
    /// the accented letters of ``isTwoByteLetter(_:_:)``).
    /// RFC 5322 also allows `!#$&'*/=?^`{|}~`, but in running text those delimit (`user=ann@x.org`,
    /// `'ann@x.org'`, `?to=ann@x.org`), so they end the local part instead; an apostrophe between
    /// letters (`o'neil@x.org`) is kept.
    @inline(__always)
    private static func isLocalPartByte(_ byte: UInt8) -> Bool {
        SensitiveInfoByte.isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }

    /// A letter of Latin, Greek or Cyrillic script outside ASCII (`ë`, `ß`, `й`): a two-byte UTF-8
    /// sequence from U+00C0, other than `×` and `÷`. Addresses may hold them (RFC 6531); three-byte
    /// scripts are left out because Chinese and Japanese text runs into an address without a space
    /// (`メールtaro@example.jp`).
    @inline(__always)
    static func isTwoByteLetter(_ lead: UInt8, _ continuation: UInt8) -> Bool {
        lead >= 0xC3 && lead <= 0xDF && continuation & 0xC0 == 0x80
            && !(lead == 0xC3 && (continuation == 0x97 || continuation == 0xB7))
    }

    /// The email address around the `@` at `sign`: the local part read backwards, the domain forwards.
    /// Returns the end of the address when one was recorded.
    mutating func email(at sign: Int) -> Int? {
        var start = sign
        while start > lastEnd, sign - start <= Self.maxLocalPartBytes {
            let byte = bytes[start - 1]
            if Self.isLocalPartByte(byte)
                || (byte == UInt8(ascii: "'") && SensitiveInfoByte.isLetter(at(start - 2))
                    && SensitiveInfoByte.isLetter(at(start)))
            {
                start -= 1
            } else if start - 2 >= lastEnd, Self.isTwoByteLetter(at(start - 2), byte) {
                start -= 2
            } else {
                break
            }
        }
        // A local part longer than the limit is not an address (nor is any tail of it).
        guard sign - start <= Self.maxLocalPartBytes else { return nil }
        // Leading punctuation belongs to the sentence: "(-ann@x.org" starts at the letter.
        while start < sign, !SensitiveInfoByte.isWord(bytes[start]), !Self.isTwoByteLetter(bytes[start], at(start + 1))
        {
            start += 1
        }
        guard start < sign, bytes[sign - 1] != UInt8(ascii: "."), !hasDoubleDot(start, sign),
            !isURLUserInfo(before: start)
        else { return nil }
        guard let end = emailDomain(from: sign + 1) else { return nil }
        return emit(.email, start, end) ? end : nil
    }

    private func hasDoubleDot(_ start: Int, _ end: Int) -> Bool {
        var index = start
        while index + 1 < end {
            if bytes[index] == UInt8(ascii: "."), bytes[index + 1] == UInt8(ascii: ".") { return true }
            index += 1
        }
        return false
    }

    /// `https://user:password@host`: the part before `@` is a password, and the whole is a URL.
    private func isURLUserInfo(before start: Int) -> Bool {
        guard at(start - 1) == UInt8(ascii: ":") else { return false }
        var index = start - 2
        let floor = max(0, start - 2 - Self.maxLocalPartBytes)
        while index >= floor, Self.isLocalPartByte(bytes[index]) { index -= 1 }
        return at(index) == UInt8(ascii: "/") && at(index - 1) == UInt8(ascii: "/")
    }

    /// The end of a domain starting at `start`: dot-separated labels of letters (accented ones too,
    /// `bücher.de`), digits and inner hyphens, at least two, the last an ASCII alphabetic top-level
    /// domain (or an IDNA `xn--` label).
    private func emailDomain(from start: Int) -> Int? {
        var index = start
        var labelStart = start
        var labels = 0
        while true {
            labelStart = index
            while true {
                let byte = at(index)
                if SensitiveInfoByte.isAlphanumeric(byte) || byte == UInt8(ascii: "-") {
                    index += 1
                } else if Self.isTwoByteLetter(byte, at(index + 1)) {
                    index += 2
                } else {
                    break
                }
                if index - start > Self.maxDomainBytes { return nil }
            }
            let length = index - labelStart
            guard length >= 1, length <= 63, bytes[labelStart] != UInt8(ascii: "-"),
                bytes[index - 1] != UInt8(ascii: "-")
            else { return nil }
            labels += 1
            // A dot continues the domain only when a label follows: "ann@x.org." ends a sentence.
            guard at(index) == UInt8(ascii: "."), SensitiveInfoByte.isAlphanumeric(at(index + 1)) else { break }
            index += 1
        }
        guard labels >= 2, isTopLevelDomain(labelStart, index) else { return nil }
        let next = at(index)
        guard next != UInt8(ascii: "@"), next != UInt8(ascii: "_") else { return nil }
        return index
    }

    /// An alphabetic label of two or more letters that is not a file extension (`icon@2x.png` is a
    /// file name), or a punycode label.
    private func isTopLevelDomain(_ start: Int, _ end: Int) -> Bool {
        if end - start > 4, matches("xn--", at: start) || matches("XN--", at: start) { return true }
        guard end - start >= 2 else { return false }
        var key: UInt64 = 0
        for index in start..<end {
            let byte = bytes[index]
            guard SensitiveInfoByte.isLetter(byte) else { return false }
            if index - start < 8 { key = key << 8 | UInt64(SensitiveInfoByte.lowercased(byte)) }
        }
        return end - start > 8 || !Self.fileExtensions.contains(key)
    }

    /// File extensions that are not top-level domains, packed as big-endian ASCII.
    private static let fileExtensions: Set<UInt64> = {
        let names = [
            "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "tif", "tiff", "ico", "heic", "avif", "pdf", "txt",
            "js", "mjs", "cjs", "jsx", "tsx", "css", "scss", "less", "htm", "html", "json", "xml", "yaml", "yml",
            "toml", "ini", "cfg", "conf", "log", "csv", "tsv", "swift", "java", "kt", "cpp", "hpp", "cs", "go",
            "php", "rb", "bat", "exe", "dll", "dylib", "gz", "tgz", "xz", "tar", "wav", "ogg", "webm",
            "woff", "ttf", "otf", "eot", "map", "lock",
        ]
        var keys = Set<UInt64>()
        for name in names {
            var key: UInt64 = 0
            for byte in name.utf8 { key = key << 8 | UInt64(byte) }
            keys.insert(key)
        }
        return keys
    }()
}
