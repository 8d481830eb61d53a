import Foundation

/// The prompt-injection classifier: a logistic model over hashed word and character n-grams of the
/// normalised text, plus weights for the obfuscation signals the normaliser counts.
///
/// The weights are 8-bit integers with one scale per table, so the two tables together take a few
/// hundred KiB and stay in the processor's cache; a score sums integers and multiplies once.
///
/// A feature's value is its count divided by a power of the number of features of its kind in the
/// window (word or character; see ``PromptFeatureHasher/lengthExponent``), as the trainer optimises. Texts longer than ``windowTokens`` tokens are scored in
/// windows of that many tokens, half-overlapping, and the highest window wins: an instruction buried
/// in a long page is judged among its neighbours, not diluted by the whole page.
struct PromptInjectionModel: Sendable {
    var hasher: PromptFeatureHasher
    var windowTokens: Int
    var bias: Float
    var wordScale: Float
    var characterScale: Float
    /// One weight per ``PromptObfuscationSignals/features`` entry.
    var signalWeights: [Float]
    var wordWeights: [Int8]
    var characterWeights: [Int8]

    /// The highest logit over the windows of `text`, with `signals` (the obfuscation evidence of the
    /// whole input) added to each.
    func logit(_ text: [UInt8], signals: [Float]) -> Float {
        var signalLogit: Float = 0
        for (weight, value) in zip(signalWeights, signals) { signalLogit += weight * value }
        return wordWeights.withUnsafeBufferPointer { words in
            characterWeights.withUnsafeBufferPointer { characters in
                text.withUnsafeBufferPointer { bytes in
                    var scorer = WindowScorer(
                        words: words,
                        characters: characters,
                        blockTokens: max(1, windowTokens / 2),
                        model: self,
                        offset: bias + signalLogit
                    )
                    hasher.walk(bytes, into: &scorer)
                    return scorer.finish()
                }
            }
        }
    }

    /// The logistic function, written so that neither tail overflows.
    static func probability(_ logit: Float) -> Double {
        let value = Double(logit)
        if value >= 0 { return 1 / (1 + exp(-value)) }
        let e = exp(value)
        return e / (1 + e)
    }
}

/// Sums integer weights per half-window block and scores each window of two consecutive blocks.
private struct WindowScorer: PromptFeatureSink {
    struct Sums {
        var word: Int32 = 0
        var wordCount: Int32 = 0
        var character: Int32 = 0
        var characterCount: Int32 = 0

        static func + (left: Sums, right: Sums) -> Sums {
            Sums(
                word: left.word + right.word,
                wordCount: left.wordCount + right.wordCount,
                character: left.character + right.character,
                characterCount: left.characterCount + right.characterCount
            )
        }
    }

    let words: UnsafeBufferPointer<Int8>
    let characters: UnsafeBufferPointer<Int8>
    let blockTokens: Int
    let wordScale: Float
    let characterScale: Float
    let hasher: PromptFeatureHasher
    let offset: Float
    var current = Sums()
    var previous = Sums()
    var tokensInBlock = 0
    var blocksCompleted = 0
    var best = -Float.infinity

    init(
        words: UnsafeBufferPointer<Int8>,
        characters: UnsafeBufferPointer<Int8>,
        blockTokens: Int,
        model: PromptInjectionModel,
        offset: Float
    ) {
        self.words = words
        self.characters = characters
        self.blockTokens = blockTokens
        self.wordScale = model.wordScale
        self.characterScale = model.characterScale
        self.hasher = model.hasher
        self.offset = offset
    }

    @inline(__always)
    mutating func word(_ bucket: Int) {
        current.word &+= Int32(words[bucket])
        current.wordCount &+= 1
    }

    @inline(__always)
    mutating func character(_ bucket: Int) {
        current.character &+= Int32(characters[bucket])
        current.characterCount &+= 1
    }

    @inline(__always)
    mutating func endToken() {
        tokensInBlock += 1
        guard tokensInBlock == blockTokens else { return }
        blocksCompleted += 1
        if blocksCompleted >= 2 { best = max(best, logit(previous + current)) }
        previous = current
        current = Sums()
        tokensInBlock = 0
    }

    /// The best window's logit. A text of at most two blocks is one window; a longer one's last,
    /// partial window is scored with the block before it.
    func finish() -> Float {
        if blocksCompleted < 2 || tokensInBlock > 0 { return max(best, logit(previous + current)) }
        return best
    }

    private func logit(_ sums: Sums) -> Float {
        var value = offset
        if sums.wordCount > 0 { value += wordScale * Float(sums.word) / hasher.norm(sums.wordCount) }
        if sums.characterCount > 0 {
            value += characterScale * Float(sums.character) / hasher.norm(sums.characterCount)
        }
        return value
    }
}
