/// The detection engine behind the `detectSensitiveInfo` rule and ``SensitiveInfo/scan(_:detector:limits:)``.
///
/// One pass over the UTF-8 bytes of the first ``SensitiveInfoLimits/maxBytes`` bytes (the rest is not
/// scanned). Most bytes cost a comparison: only a few trigger a look at what follows, and each look
/// reads a bounded stretch, after which the pass jumps past what it matched, so time is linear in the
/// scanned length and nothing is allocated per byte.
///
/// Triggers and what decides (see the `+Email`, `+DigitRun`, `+Card`, `+Phone`, `+Network`, `+IBAN` and
/// `+Secret` files):
/// - `@`: an email address, its local part read backwards;
/// - a digit, `+` or `(` at the start of a word: an IP address, or a run of digit groups in which
///   payment cards, social security numbers and phone numbers are looked for;
/// - a letter at the start of a word: a provider's token prefix, a JSON Web Token, an IBAN's country
///   code, or an IPv6 address;
/// - `::`: a compressed IPv6 address; `-----BEGIN`: a PEM private key.
///
/// Precision comes from validation, not from the shape alone: Luhn and network prefixes for cards,
/// the mod-97 checksum and per-country length for IBANs, octet ranges for IPv4, assigned area numbers
/// for social security numbers, country calling codes and digit counts for phone numbers. Every
/// entity sits on word boundaries: it neither starts nor ends inside a longer run of letters and digits.
struct SensitiveInfoScanner: Sendable {
    /// Bounds on what is read.
    let limits: SensitiveInfoLimits

    /// A scanner reading at most `limits.maxBytes` bytes of each text.
    init(limits: SensitiveInfoLimits = SensitiveInfoLimits()) {
        self.limits = limits
    }

    /// The built-in entities in `text`, without overlaps, sorted by start.
    func scan(_ text: String) -> [SensitiveInfoEntity] {
        scan(text, detector: nil)
    }

    /// The built-in entities in `text`, and those `detector` flags where no built-in entity lies, without
    /// overlaps, sorted by start.
    func scan(_ text: String, detector: SensitiveInfoDetector?) -> [SensitiveInfoEntity] {
        let limit = max(0, min(limits.maxBytes, text.utf8.count))
        guard limit > 0 else { return [] }
        let builtIn =
            text.utf8.withContiguousStorageIfAvailable { scanBuiltIn($0, limit: limit) }
            ?? Array(text.utf8.prefix(limit + 1)).withUnsafeBufferPointer { scanBuiltIn($0, limit: limit) }
        guard let detector else { return builtIn }
        return SensitiveInfoTokenizer.merge(
            builtIn: builtIn,
            custom: SensitiveInfoTokenizer.detect(in: text, maxBytes: limit, detector: detector)
        )
    }

    private func scanBuiltIn(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> [SensitiveInfoEntity] {
        // One byte past the limit is kept so that an entity ending exactly at the limit is still checked
        // for a boundary: a card number cut in the middle must not be reported as a shorter one.
        let visible = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, limit + 1)])
        var pass = Pass(bytes: visible, limit: limit)
        pass.run()
        return pass.entities
    }
}

extension SensitiveInfoScanner {
    /// One scan of one text: the cursor, the entities so far, and scratch space reused across triggers.
    struct Pass {
        let bytes: UnsafeBufferPointer<UInt8>
        /// Entities must end at or before this offset.
        let limit: Int
        var entities: [SensitiveInfoEntity] = []
        /// The end of the last entity; nothing may start before it.
        var lastEnd = 0
        /// The digit groups of the current numeric run.
        var groups: [DigitGroup] = []
        /// What the words before the current numeric run say it is.
        var runContext = NumberContext.none

        init(bytes: UnsafeBufferPointer<UInt8>, limit: Int) {
            self.bytes = bytes
            self.limit = limit
        }

        /// The byte at `index`, or 0 outside the visible bytes, so that look-ahead needs no bounds checks.
        @inline(__always)
        func at(_ index: Int) -> UInt8 {
            index >= 0 && index < bytes.count ? bytes[index] : 0
        }

        /// Whether the bytes at `index` are `literal`.
        @inline(__always)
        func matches(_ literal: StaticString, at index: Int) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index >= 0, index + count <= bytes.count else { return false }
            let pointer = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
            return true
        }

        /// Records an entity unless it reaches past the limit or into the previous one; returns whether
        /// it was recorded.
        @discardableResult
        mutating func emit(_ type: SensitiveInfoType, _ start: Int, _ end: Int) -> Bool {
            guard start >= lastEnd, end <= limit, start < end else { return false }
            entities.append(SensitiveInfoEntity(identifiedType: type, start: start, end: end))
            lastEnd = end
            return true
        }

        /// The end of the run of letters and digits at `index`.
        @inline(__always)
        func endOfWord(from index: Int) -> Int {
            var end = index
            while end < bytes.count, SensitiveInfoByte.isAlphanumeric(bytes[end]) { end += 1 }
            return end
        }

        mutating func run() {
            var index = 0
            while index < limit {
                let byte = bytes[index]
                if SensitiveInfoByte.isAlphanumeric(byte) {
                    if !SensitiveInfoByte.isWord(at(index - 1)) {
                        let end =
                            SensitiveInfoByte.isDigit(byte) ? numeric(at: index) : wordStart(at: index, byte: byte)
                        if let end {
                            index = max(end, index + 1)
                            continue
                        }
                    }
                    // Nothing starts inside a word: skip the rest of it.
                    index = endOfWord(from: index + 1)
                    continue
                }
                switch byte {
                case UInt8(ascii: "@"):
                    if let end = email(at: index) {
                        index = end
                        continue
                    }
                case UInt8(ascii: "+"), UInt8(ascii: "("):
                    if !SensitiveInfoByte.isWord(at(index - 1)), let end = numeric(at: index) {
                        index = max(end, index + 1)
                        continue
                    }
                case UInt8(ascii: ":"):
                    if at(index + 1) == UInt8(ascii: ":"), let end = ipv6(at: index) {
                        index = end
                        continue
                    }
                case UInt8(ascii: "-"):
                    if at(index + 1) == UInt8(ascii: "-"), let end = privateKeyBlock(at: index) {
                        index = end
                        continue
                    }
                default:
                    break
                }
                index += 1
            }
        }

        /// A word that starts with a letter: a token, an IBAN, or an IPv6 address written from a hex letter.
        mutating func wordStart(at index: Int, byte: UInt8) -> Int? {
            if let end = secret(at: index, byte: byte) { return end }
            if SensitiveInfoByte.isUpper(byte), let end = iban(at: index) { return end }
            if SensitiveInfoByte.isHex(byte), let end = ipv6(at: index) { return end }
            return nil
        }

        /// A word that starts with a digit, `+` or `(`: an IP address or a run of digit groups. Returns
        /// where the pass goes on (past the run, even when nothing in it was sensitive).
        mutating func numeric(at index: Int) -> Int? {
            if SensitiveInfoByte.isDigit(bytes[index]) {
                // What follows the first digits says which reading is possible: a colon for IPv6, a
                // dot for IPv4.
                var probe = index + 1
                while SensitiveInfoByte.isHex(at(probe)), probe - index < 4 { probe += 1 }
                let next = at(probe)
                if next == UInt8(ascii: ":"), let end = ipv6(at: index) { return end }
                if next == UInt8(ascii: "."), probe - index <= 3, let end = ipv4Entity(at: index) { return end }
            }
            return digitRun(at: index)
        }
    }
}
