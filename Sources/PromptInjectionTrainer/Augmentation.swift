@_spi(Training) import Bulwark

/// Obfuscated copies of training injections, so the model learns that the normaliser's signals
/// (invisible characters, homoglyphs, spaced letters, leetspeak) are evidence in themselves.
///
/// The normaliser undoes each trick, so the copy's text scores like the original; what the copies
/// add is weight on the signal features. Benign copies with one stray invisible character (what
/// pasting from a web page leaves) keep that weight from condemning a single one.
enum Augmentation {
    static func obfuscate(_ text: String, using generator: inout SplitMix64) -> String {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard !words.isEmpty else { return text }
        let trick = Int.random(in: 0..<4, using: &generator)
        for index in words.indices where Double.random(in: 0..<1, using: &generator) < 0.5 {
            words[index] = apply(trick, to: words[index], using: &generator)
        }
        return words.joined(separator: " ")
    }

    static func strayInvisible(_ text: String, using generator: inout SplitMix64) -> String {
        var characters = Array(text)
        guard !characters.isEmpty else { return text }
        characters.insert("\u{200B}", at: Int.random(in: 0...characters.count, using: &generator))
        return String(characters)
    }

    /// `injection` planted among up to `context` words of `host` on each side, taken at a random
    /// place: what one scoring window sees of an instruction buried in a page.
    static func plant(_ injection: String, in host: String, context: Int, using generator: inout SplitMix64) -> String {
        let words = host.split(whereSeparator: \.isWhitespace)
        guard !words.isEmpty else { return injection }
        let split = Int.random(in: 0...words.count, using: &generator)
        let before = words[max(0, split - context)..<split].joined(separator: " ")
        let after = words[split..<min(words.count, split + context)].joined(separator: " ")
        return [before, injection, after].filter { !$0.isEmpty }.joined(separator: " ")
    }

    private static let homoglyphs: [Character: Character] = [
        "a": "\u{0430}", "e": "\u{0435}", "o": "\u{043E}", "p": "\u{0440}", "c": "\u{0441}", "x": "\u{0445}",
        "i": "\u{0456}", "y": "\u{0443}", "s": "\u{0455}",
    ]
    private static let leet: [Character: Character] = ["o": "0", "e": "3", "i": "1", "a": "4", "s": "5", "t": "7"]

    private static func apply(_ trick: Int, to word: String, using generator: inout SplitMix64) -> String {
        switch trick {
        case 0: return word.map { String($0) }.joined(separator: "\u{200B}")
        case 1: return String(word.map { homoglyphs[$0] ?? $0 })
        case 2: return word.count >= 4 ? word.map { String($0) }.joined(separator: " ") : word
        default:
            let letters = word.filter(\.isLetter).count
            var budget = max(1, letters / 3)
            return String(
                word.map { character in
                    guard budget > 0, let replacement = leet[character], Bool.random(using: &generator) else {
                        return character
                    }
                    budget -= 1
                    return replacement
                }
            )
        }
    }
}
