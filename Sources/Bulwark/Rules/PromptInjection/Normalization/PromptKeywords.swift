/// Words an injection is written with, for the two checks that need a vocabulary: leetspeak whose digits
/// stand only at a word's edge ("ign0r3" is folded, "python3" is not) and rot13 text ("vtaber" is
/// "ignore"). Words are packed into a `UInt64`, five bits a letter, so a look-up allocates nothing.
enum PromptKeywords {
    /// Whether `word` (lower-case letters) is a word injections use.
    static func isInjectionWord(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let key = pack(word) else { return false }
        return contains(injectionWords, key)
    }

    /// Whether `word` (lower-case letters) is the rot13 form of a word that marks an injection.
    static func isRot13Keyword(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard word.count >= 5, let key = pack(word) else { return false }
        return contains(rot13Keywords, key)
    }

    /// Whether a rot13 key word starts with the two letters, by `(first - "a") * 26 + (second - "a")`: a
    /// cheap test before ``isRot13Keyword(_:)``.
    static let rot13Starts: [Bool] = {
        var starts = [Bool](repeating: false, count: 26 * 26)
        for word in rot13Words {
            let bytes = Array(word.utf8).map { ($0 - 0x61 + 13) % 26 }
            starts[Int(bytes[0]) * 26 + Int(bytes[1])] = true
        }
        return starts
    }()

    /// `word` packed five bits a letter (a is 1, so lengths differ), or nil for more than 12 letters or a
    /// byte that is not a lower-case letter.
    @inline(__always)
    static func pack(_ word: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard word.count <= 12 else { return nil }
        var key: UInt64 = 0
        for byte in word {
            let letter = byte &- 0x60
            guard letter >= 1 && letter <= 26 else { return nil }
            key = key << 5 | UInt64(letter)
        }
        return key
    }

    /// The packed words, sorted for a binary search: cheaper than hashing for a few dozen keys.
    private static func keys(_ words: [String], rot13: Bool) -> [UInt64] {
        var keys: [UInt64] = []
        for word in words {
            var bytes = Array(word.utf8)
            if rot13 { bytes = bytes.map { ($0 - 0x61 + 13) % 26 + 0x61 } }
            if let key = bytes.withUnsafeBufferPointer(pack) { keys.append(key) }
        }
        return keys.sorted()
    }

    private static func contains(_ keys: [UInt64], _ key: UInt64) -> Bool { keys.sortedContains(key) }

    private static let injectionWords = keys(
        [
            "ignore", "ignored", "ignoring", "previous", "prior", "above", "instruction", "instructions", "system",
            "prompt", "prompts", "disregard", "forget", "override", "bypass", "jailbreak", "jailbroken", "pretend",
            "developer", "admin", "password", "passwords", "secret", "secrets", "reveal", "confidential",
            "unrestricted", "restrictions", "restricted", "rules", "guidelines", "policy", "policies", "filter",
            "filters", "censored", "uncensored", "safety", "hack", "hacker", "hacking", "exploit", "malware",
            "inject", "injection", "execute", "command", "commands", "sudo", "root", "shell", "token", "tokens",
            "credentials", "leak", "everything", "anything", "assistant", "roleplay", "simulate", "obey", "comply",
            "mode", "tell", "show", "print", "output", "repeat", "delete", "access", "enable", "disable", "unlock",
            "evil", "kill", "bomb", "weapon", "weapons", "drugs",
        ],
        rot13: false
    )

    private static let rot13Keywords = keys(rot13Words, rot13: true)

    // Five letters or more, so that the rot13 forms are not English words by chance.
    private static let rot13Words = [
        "ignore", "previous", "instruction", "instructions", "system", "prompt", "disregard", "forget",
        "override", "bypass", "jailbreak", "pretend", "developer", "password", "secret", "reveal",
        "confidential", "unrestricted", "restrictions", "guidelines", "everything", "assistant", "execute",
        "command",
    ]
}
