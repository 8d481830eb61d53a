import Foundation

/// Receives the hashed features of one text, token by token, from ``PromptFeatureHasher``.
///
/// The scorer sums weights as they arrive; the trainer keeps the indices. A generic sink lets both
/// share the one walk over the text, and the compiler specialises it, so scoring pays no dynamic call
/// per feature.
protocol PromptFeatureSink {
    /// A word n-gram's bucket, in `0..<(1 << wordBucketBits)`.
    mutating func word(_ bucket: Int)
    /// A character n-gram's bucket, in `0..<(1 << characterBucketBits)`.
    mutating func character(_ bucket: Int)
    /// The end of one whitespace-separated token: features before it belong to the tokens so far.
    mutating func endToken()
}

/// Turns normalised text (see ``NormalizedPrompt``) into hashed features: word unigrams to
/// `maxWordN`-grams, and character n-grams of `minCharacterN` to `maxCharacterN` bytes inside each
/// token padded with a space on both sides.
///
/// A token is a run of bytes between spaces; a token that repeats the one before it is skipped. For word n-grams, punctuation at its edges is trimmed
/// ("instructions." and "instructions" are one word); the character n-grams keep it, so markers
/// such as `<|im_start|>` or `[system]` still count. The walk is one pass, linear in the text:
/// character n-grams come from at most the first ``maxTokenBytesForCharacters`` bytes of a token, so
/// a long base64 blob costs no more than a word.
struct PromptFeatureHasher: Sendable, Hashable {
    var wordBucketBits: Int
    var characterBucketBits: Int
    var maxWordN: Int
    var minCharacterN: Int
    var maxCharacterN: Int
    /// A feature's value is its count divided by the number of features of its kind raised to this
    /// power: 0.5 is the Euclidean norm of distinct features, 1 the mean, which makes a text's score
    /// independent of its length (long benign prose then does not drift upward).
    var lengthExponent: Float

    /// The divisor of a count among `total` features of one kind.
    @inline(__always)
    func norm(_ total: Int32) -> Float {
        lengthExponent == 0.5 ? Float(total).squareRoot() : Float(pow(Double(total), Double(lengthExponent)))
    }

    static let maxTokenBytesForCharacters = 40

    @inline(__always)
    private static func mix(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    /// Fibonacci hashing: the multiply spreads FNV's weak low bits over the top ones we keep.
    @inline(__always)
    private static func bucket(_ hash: UInt64, bits: Int) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
    }

    private static let offset: UInt64 = 0xCBF2_9CE4_8422_2325

    /// Walks `text` and hands every feature to `sink`.
    func walk<Sink: PromptFeatureSink>(_ text: UnsafeBufferPointer<UInt8>, into sink: inout Sink) {
        // The hashes of the two words before this one, newest last, for the n-grams that end here.
        var previous: (UInt64, UInt64) = (0, 0)
        var wordsSeen = 0
        var start = 0
        let count = text.count
        while start < count {
            if text[start] == 0x20 {
                start += 1
                continue
            }
            var end = start
            while end < count, text[end] != 0x20 { end += 1 }
            let word = wordHash(text, from: start, to: end)
            // A word repeated back to back counts once: otherwise "word word word …" piles one
            // feature's weight up far past anything seen in training.
            if wordsSeen > 0, word == previous.1 {
                start = end
                continue
            }
            characterGrams(text, from: start, to: end, into: &sink)
            sink.word(Self.bucket(word, bits: wordBucketBits))
            var combined = word
            if maxWordN >= 2, wordsSeen >= 1 {
                combined = (previous.1 &* 0x9E37_79B9_7F4A_7C15) ^ word ^ 0x5bd1_e995
                sink.word(Self.bucket(combined &* 31, bits: wordBucketBits))
            }
            if maxWordN >= 3, wordsSeen >= 2 {
                let trigram = (previous.0 &* 0xC2B2_AE3D_27D4_EB4F) ^ combined ^ 0x1656_67B1_9E37_79F9
                sink.word(Self.bucket(trigram &* 37, bits: wordBucketBits))
            }
            previous = (previous.1, word)
            wordsSeen += 1
            sink.endToken()
            start = end
        }
    }

    /// The hash of a token with punctuation trimmed from both ends; a token of punctuation only is
    /// hashed whole (so "###" and "---" are words too). The token is never empty.
    @inline(__always)
    private func wordHash(_ text: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> UInt64 {
        var first = start
        var last = end
        while first < last, Self.isEdgePunctuation(text[first]) { first += 1 }
        while last > first, Self.isEdgePunctuation(text[last - 1]) { last -= 1 }
        if first == last {
            first = start
            last = end
        }
        var hash = Self.offset
        for index in first..<last { hash = Self.mix(hash, text[index]) }
        return hash
    }

    @inline(__always)
    private static func isEdgePunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x22, 0x27, 0x28, 0x29, 0x2C, 0x2E, 0x3A, 0x3B, 0x3F, 0x60: true  // ! " ' ( ) , . : ; ? `
        default: false
        }
    }

    @inline(__always)
    private func characterGrams<Sink: PromptFeatureSink>(
        _ text: UnsafeBufferPointer<UInt8>,
        from start: Int,
        to end: Int,
        into sink: inout Sink
    ) {
        let end = min(end, start + Self.maxTokenBytesForCharacters)
        // Positions -1 and `end - start` are the padding spaces.
        let length = end - start + 2
        guard length >= minCharacterN else { return }
        for first in 0...(length - minCharacterN) {
            var hash = Self.offset
            let last = min(length, first + maxCharacterN)
            for position in first..<last {
                let byte: UInt8 = position == 0 || position == length - 1 ? 0x20 : text[start + position - 1]
                hash = Self.mix(hash, byte)
                if position - first + 1 >= minCharacterN {
                    sink.character(Self.bucket(hash, bits: characterBucketBits))
                }
            }
        }
    }
}
