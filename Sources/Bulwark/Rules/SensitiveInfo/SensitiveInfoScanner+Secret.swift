extension SensitiveInfoScanner.Pass {
    /// The longest token read.
    static let maxTokenBytes = 1024

    /// A provider's credential at `index`, found by its published prefix and shape. Returns its end.
    mutating func secret(at index: Int, byte: UInt8) -> Int? {
        // A token starts a word of its own: not after base64 or path characters (`x/ghp_…` is part of
        // something longer).
        let previous = at(index - 1)
        guard !SensitiveInfoByte.isBase64URL(previous), previous != UInt8(ascii: "."), previous != UInt8(ascii: "+")
        else { return nil }
        guard let end = secretEnd(at: index, byte: byte) else { return nil }
        return emit(.secret, index, end) ? end : nil
    }

    private func secretEnd(at index: Int, byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "A"):
            // AWS access key ids (AKIA long-term, ASIA temporary, and the other unique-id prefixes).
            if matches("AKIA", at: index) || matches("ASIA", at: index) || matches("AGPA", at: index)
                || matches("AIDA", at: index) || matches("AROA", at: index) || matches("AIPA", at: index)
                || matches("ANPA", at: index) || matches("ANVA", at: index) || matches("ABIA", at: index)
                || matches("ACCA", at: index)
            {
                return fixedToken(
                    from: index + 4,
                    length: 16,
                    where: Self.isUpperAlphanumeric,
                    boundary: Self.isWordLike
                )
            }
            if matches("AIza", at: index) {
                return fixedToken(
                    from: index + 4,
                    length: 35,
                    where: SensitiveInfoByte.isBase64URL,
                    boundary: SensitiveInfoByte.isBase64URL
                )
            }
        case UInt8(ascii: "g"):
            if at(index + 1) == UInt8(ascii: "h"), at(index + 3) == UInt8(ascii: "_") {
                switch at(index + 2) {
                case UInt8(ascii: "p"), UInt8(ascii: "o"), UInt8(ascii: "u"), UInt8(ascii: "s"), UInt8(ascii: "r"):
                    return token(
                        from: index + 4,
                        minimum: 36,
                        where: SensitiveInfoByte.isAlphanumeric,
                        boundary: Self.isWordLike
                    )
                default:
                    return nil
                }
            }
            if matches("github_pat_", at: index) {
                return token(from: index + 11, minimum: 40, where: SensitiveInfoByte.isWord, boundary: Self.isWordLike)
            }
            if matches("glpat-", at: index) {
                return token(
                    from: index + 6,
                    minimum: 20,
                    where: SensitiveInfoByte.isBase64URL,
                    boundary: SensitiveInfoByte.isBase64URL
                )
            }
        case UInt8(ascii: "x"):
            // Slack: xoxb- (bot), xoxp- (user), xoxa-, xoxr-, xoxs-, xoxo-, and xapp- app-level tokens.
            if matches("xox", at: index), at(index + 4) == UInt8(ascii: "-") {
                switch at(index + 3) {
                case UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "p"), UInt8(ascii: "r"), UInt8(ascii: "s"),
                    UInt8(ascii: "o"):
                    return slackToken(from: index + 5)
                default:
                    return nil
                }
            }
            if matches("xapp-", at: index) { return slackToken(from: index + 5) }
        case UInt8(ascii: "s"), UInt8(ascii: "r"), UInt8(ascii: "p"):
            if let end = stripeKey(at: index, byte: byte) { return end }
            if byte == UInt8(ascii: "s"), at(index + 1) == UInt8(ascii: "k"), at(index + 2) == UInt8(ascii: "-") {
                return dashedKey(at: index)
            }
        case UInt8(ascii: "w"):
            if matches("whsec_", at: index) {
                return token(
                    from: index + 6,
                    minimum: 24,
                    where: Self.isBase64Standard,
                    boundary: Self.isBase64Standard
                )
            }
        case UInt8(ascii: "n"):
            if matches("npm_", at: index) {
                return fixedToken(
                    from: index + 4,
                    length: 36,
                    where: SensitiveInfoByte.isAlphanumeric,
                    boundary: Self.isWordLike
                )
            }
        case UInt8(ascii: "S"):
            if matches("SG.", at: index) { return sendGridKey(at: index) }
            if at(index + 1) == UInt8(ascii: "K") {
                // Twilio API key sids: SK and 32 lower-case hex digits.
                return fixedToken(
                    from: index + 2,
                    length: 32,
                    where: SensitiveInfoByte.isLowerHex,
                    boundary: SensitiveInfoByte.isAlphanumeric
                )
            }
        case UInt8(ascii: "e"):
            if matches("eyJ", at: index) { return jsonWebToken(at: index) }
        default:
            break
        }
        return nil
    }

    private static func isUpperAlphanumeric(_ byte: UInt8) -> Bool {
        SensitiveInfoByte.isUpper(byte) || SensitiveInfoByte.isDigit(byte)
    }

    private static func isWordLike(_ byte: UInt8) -> Bool {
        SensitiveInfoByte.isWord(byte) || byte == UInt8(ascii: "-")
    }

    private static func isBase64Standard(_ byte: UInt8) -> Bool {
        SensitiveInfoByte.isBase64(byte) && byte != UInt8(ascii: "=")
    }

    /// The end of exactly `length` bytes of `alphabet` from `start`, followed by no `boundary` byte.
    private func fixedToken(
        from start: Int,
        length: Int,
        where alphabet: (UInt8) -> Bool,
        boundary: (UInt8) -> Bool
    ) -> Int? {
        var cursor = start
        while cursor - start < length, alphabet(at(cursor)) { cursor += 1 }
        guard cursor - start == length, !boundary(at(cursor)) else { return nil }
        return cursor
    }

    /// The end of `minimum` or more bytes of `alphabet` from `start` (at most ``maxTokenBytes``), followed
    /// by no `boundary` byte. With `mixed`, the token must hold a digit and a letter, as generated tokens
    /// do and placeholders (`your-token-here`) do not.
    private func token(
        from start: Int,
        minimum: Int,
        where alphabet: (UInt8) -> Bool,
        boundary: (UInt8) -> Bool,
        mixed: Bool = false
    ) -> Int? {
        var cursor = start
        var digits = false
        var letters = false
        while cursor - start < Self.maxTokenBytes, alphabet(at(cursor)) {
            let byte = bytes[cursor]
            if SensitiveInfoByte.isDigit(byte) {
                digits = true
            } else if SensitiveInfoByte.isLetter(byte) {
                letters = true
            }
            cursor += 1
        }
        guard cursor - start >= minimum, !boundary(at(cursor)) else { return nil }
        if mixed, !(digits && letters) { return nil }
        return cursor
    }

    /// Slack tokens: dash-separated parts, the first numeric (`xoxb-1234567890-…`).
    private func slackToken(from start: Int) -> Int? {
        guard SensitiveInfoByte.isDigit(at(start)) else { return nil }
        return token(from: start, minimum: 20, where: Self.isWordLike, boundary: Self.isWordLike, mixed: true)
    }

    /// Stripe secret and restricted keys (`sk_live_`, `rk_live_`, `sk_test_`, `rk_test_`) and live
    /// publishable keys (`pk_live_`).
    private func stripeKey(at index: Int, byte: UInt8) -> Int? {
        guard at(index + 1) == UInt8(ascii: "k"), at(index + 2) == UInt8(ascii: "_") else { return nil }
        let live = matches("live_", at: index + 3)
        guard live || (byte != UInt8(ascii: "p") && matches("test_", at: index + 3)) else { return nil }
        return token(from: index + 8, minimum: 16, where: SensitiveInfoByte.isAlphanumeric, boundary: Self.isWordLike)
    }

    /// OpenAI (`sk-…`, `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`) and Anthropic (`sk-ant-…`) keys, and the
    /// `sk-` keys other AI providers copied: at least 32 base64url characters after `sk-` holding digits
    /// and letters, so that `sk-learn` and `sk-your-key-here` are not keys.
    private func dashedKey(at index: Int) -> Int? {
        token(
            from: index + 3,
            minimum: 32,
            where: SensitiveInfoByte.isBase64URL,
            boundary: SensitiveInfoByte.isBase64URL,
            mixed: true
        )
    }

    /// SendGrid: `SG.`, a 22-character key id, `.`, a 43-character secret.
    private func sendGridKey(at index: Int) -> Int? {
        var cursor = index + 3
        let idStart = cursor
        while SensitiveInfoByte.isBase64URL(at(cursor)), cursor - idStart <= 32 { cursor += 1 }
        guard cursor - idStart >= 16, at(cursor) == UInt8(ascii: ".") else { return nil }
        return token(
            from: cursor + 1,
            minimum: 32,
            where: SensitiveInfoByte.isBase64URL,
            boundary: SensitiveInfoByte.isBase64URL
        )
    }

    /// A JSON Web Token (three base64url parts, or five for an encrypted one) whose header decodes to a
    /// JSON object naming its algorithm (`"alg"`).
    private func jsonWebToken(at index: Int) -> Int? {
        var cursor = index
        var parts = 0
        var headerEnd = index
        while parts < 5 {
            let start = cursor
            while SensitiveInfoByte.isBase64URL(at(cursor)), cursor - index < 16 * Self.maxTokenBytes { cursor += 1 }
            guard cursor > start else { return nil }
            parts += 1
            if parts == 1 { headerEnd = cursor }
            guard at(cursor) == UInt8(ascii: "."), SensitiveInfoByte.isBase64URL(at(cursor + 1)) else { break }
            cursor += 1
        }
        guard parts == 3 || parts == 5, at(cursor) != UInt8(ascii: "="), headerNamesAlgorithm(index, headerEnd)
        else { return nil }
        return cursor
    }

    /// Whether the base64url text `start..<end` decodes to `{` … `"alg"` …, without allocating: the
    /// decoded bytes are slid through a 5-byte window.
    private func headerNamesAlgorithm(_ start: Int, _ end: Int) -> Bool {
        guard end - start <= 4 * Self.maxTokenBytes else { return false }
        let needle: UInt64 = 0x22_61_6C_67_22  // "alg" with its quotes
        var window: UInt64 = 0
        var bits: UInt32 = 0
        var bitCount = 0
        var decoded = 0
        for position in start..<end {
            guard let value = Base64Digit.value(bytes[position], urlSafe: true) else { return false }
            bits = bits << 6 | UInt32(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                let byte = UInt8(truncatingIfNeeded: bits >> UInt32(bitCount))
                if decoded == 0, byte != UInt8(ascii: "{") { return false }
                decoded += 1
                window = (window << 8 | UInt64(byte)) & 0xFF_FFFF_FFFF
                if window == needle { return true }
            }
        }
        return false
    }

    /// A PEM private-key block at `index` (`-----BEGIN … PRIVATE KEY-----`, also `PGP PRIVATE KEY BLOCK`)
    /// from its BEGIN line to the end of its END line. The body may have encryption headers and may be
    /// split by real line breaks, by `\n` escapes (a key inside JSON) or by spaces; a block cut off before
    /// its END line is taken up to the last base64 of its body. Public keys and certificates are not secrets.
    mutating func privateKeyBlock(at index: Int) -> Int? {
        guard matches("-----BEGIN ", at: index), !SensitiveInfoByte.isWord(at(index - 1)) else { return nil }
        var cursor = index + 11
        let labelStart = cursor
        while SensitiveInfoByte.isUpper(at(cursor)) || at(cursor) == UInt8(ascii: " "), cursor - labelStart < 40 {
            cursor += 1
        }
        let labelEnd = cursor
        guard matches("-----", at: cursor), isPrivateKeyLabel(labelStart, labelEnd) else { return nil }
        cursor += 5
        var bodyEnd = cursor
        var bodyBytes = 0
        while cursor < limit {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "-") {
                if matches("-----END ", at: cursor) {
                    var close = cursor + 9
                    while SensitiveInfoByte.isUpper(at(close)) || at(close) == UInt8(ascii: " "), close - cursor < 60 {
                        close += 1
                    }
                    guard matches("-----", at: close), bodyBytes > 0 else { break }
                    let end = close + 5
                    return emit(.secret, index, end) ? end : nil
                }
                if !SensitiveInfoByte.isAlphanumeric(at(cursor + 1)) { break }  // a header such as DEK-Info
            } else if SensitiveInfoByte.isBase64(byte) {
                bodyBytes += 1
                bodyEnd = cursor + 1
            } else if byte == UInt8(ascii: "\\") {
                guard at(cursor + 1) == UInt8(ascii: "n") || at(cursor + 1) == UInt8(ascii: "r") else { break }
                cursor += 1
            } else if !(SensitiveInfoByte.isSpace(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ",")) {
                break
            }
            cursor += 1
        }
        // No END line: the block was cut off; what was read of its body is still a key.
        guard bodyBytes >= 64 else { return nil }
        return emit(.secret, index, bodyEnd) ? bodyEnd : nil
    }

    private func isPrivateKeyLabel(_ start: Int, _ end: Int) -> Bool {
        if end - start >= 11, matches("PRIVATE KEY", at: end - 11) { return true }
        return end - start >= 17 && matches("PRIVATE KEY BLOCK", at: end - 17)
    }
}
