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
/// in a long page is judged among its neighbours, not diluted by the whole page. Sentence-sized
/// windows (``fineWindowTokens``) are scored as well, so a short instruction in a long paragraph
/// is not diluted by the paragraph either.
struct PromptInjectionModel: Sendable {
    var hasher: PromptFeatureHasher
    var windowTokens: Int
    /// Tokens per sentence-sized window, scored besides the main windows; 0 for none.
    var fineWindowTokens: Int
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

/// Integer weight sums of one stretch of text.
private struct Sums {
    var word: Int32 = 0
    var wordCount: Int32 = 0
    var character: Int32 = 0
    var characterCount: Int32 = 0

    static func + (left: Sums, right: Sums) -> Sums {
        Sums(
            word: left.word &+ right.word,
            wordCount: left.wordCount &+ right.wordCount,
            character: left.character &+ right.character,
            characterCount: left.characterCount &+ right.characterCount
        )
    }
}

/// Windows of two consecutive half-window blocks of tokens, each window handed out once complete.
private struct Windows {
    let blockTokens: Int
    var current = Sums()
    var previous = Sums()
    var tokensInBlock = 0
    var blocksCompleted = 0

    /// Adds one token's sums; returns a window to score when one is complete.
    @inline(__always)
    mutating func add(_ token: Sums) -> Sums? {
        current = current + token
        tokensInBlock += 1
        guard tokensInBlock == blockTokens else { return nil }
        blocksCompleted += 1
        defer {
            previous = current
            current = Sums()
            tokensInBlock = 0
        }
        return blocksCompleted >= 2 ? previous + current : nil
    }

    /// The last window: the whole text when it is at most two blocks; otherwise the trailing
    /// partial block with the one before it, or nothing when the text ended on a block boundary.
    var last: Sums? { blocksCompleted < 2 || tokensInBlock > 0 ? previous + current : nil }
}

/// Sums each token's integer weights and scores the windows at two scales: the model's window
/// (`windowTokens`) and, when the model has one, a sentence-sized window (`fineWindowTokens`), so a
/// short instruction is judged nearly alone as well as in its paragraph.
private struct WindowScorer: PromptFeatureSink {
    let words: UnsafeBufferPointer<Int8>
    let characters: UnsafeBufferPointer<Int8>
    let wordScale: Float
    let characterScale: Float
    let hasher: PromptFeatureHasher
    let offset: Float
    var token = Sums()
    var coarse: Windows
    var fine: Windows?
    var best = -Float.infinity

    init(
        words: UnsafeBufferPointer<Int8>,
        characters: UnsafeBufferPointer<Int8>,
        model: PromptInjectionModel,
        offset: Float
    ) {
        self.words = words
        self.characters = characters
        self.wordScale = model.wordScale
        self.characterScale = model.characterScale
        self.hasher = model.hasher
        self.offset = offset
        self.coarse = Windows(blockTokens: max(1, model.windowTokens / 2))
        self.fine = model.fineWindowTokens > 0 ? Windows(blockTokens: max(1, model.fineWindowTokens / 2)) : nil
    }

    @inline(__always)
    mutating func word(_ bucket: Int) {
        token.word &+= Int32(words[bucket])
        token.wordCount &+= 1
    }

    @inline(__always)
    mutating func character(_ bucket: Int) {
        token.character &+= Int32(characters[bucket])
        token.characterCount &+= 1
    }

    @inline(__always)
    mutating func endToken() {
        if let window = coarse.add(token) { best = max(best, logit(window)) }
        if let window = fine?.add(token) { best = max(best, logit(window)) }
        token = Sums()
    }

    /// The best window's logit.
    func finish() -> Float {
        var best = best
        if let window = coarse.last { best = max(best, logit(window)) }
        // A text shorter than a fine window is the coarse window already.
        if let fine, fine.blocksCompleted >= 2, let window = fine.last { best = max(best, logit(window)) }
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
