import Foundation

/// Trains the prompt-injection model: a logistic regression over the hashed features that
/// ``PromptInjectionModel`` scores, fitted by AdaGrad with L2 regularisation, then quantised to
/// the 8-bit weights that ship. For the trainer command (`PromptInjectionTrainer`) and tests.
@_spi(Training)
public enum PromptInjectionTraining {
    /// One labelled text.
    public struct Example: Sendable {
        /// The text as a user or a tool would send it.
        public var text: String
        /// Whether it carries a prompt injection.
        public var isInjection: Bool

        /// Creates an example.
        public init(text: String, isInjection: Bool) {
            self.text = text
            self.isInjection = isInjection
        }
    }

    /// The model's shape and the optimiser's settings.
    public struct Options: Sendable, Hashable, CustomStringConvertible {
        /// Seeds the shuffling of examples between epochs; the same seed and data give the same model.
        public var seed: UInt64 = 1
        /// Passes over the training examples.
        public var epochs = 12
        /// AdaGrad's base learning rate.
        public var learningRate: Float = 0.2
        /// L2 regularisation per update of a weight.
        public var l2: Float = 1e-5
        /// How much a benign example's error counts relative to an injection's; above 1 trades
        /// recall for fewer false positives.
        public var benignWeight: Float = 1
        /// log2 of the word n-gram table's size.
        public var wordBucketBits = 18
        /// log2 of the character n-gram table's size.
        public var characterBucketBits = 18
        /// The longest word n-gram.
        public var maxWordN = 3
        /// The shortest character n-gram, in bytes, counting the padding space at a token's edges.
        public var minCharacterN = 3
        /// The longest character n-gram.
        public var maxCharacterN = 5
        /// Tokens per scoring window for long texts.
        public var windowTokens = 64
        /// Tokens per sentence-sized scoring window, at most 255; 0 for none.
        public var fineWindowTokens = 0
        /// How a feature's count is divided by its kind's total; see the scorer.
        public var lengthExponent: Float = 0.5

        /// Creates the default options.
        public init() {}

        /// The options in one line, for logs and the model card.
        public var description: String {
            "seed=\(seed) epochs=\(epochs) lr=\(learningRate) l2=\(l2) benignWeight=\(benignWeight) "
                + "wordBits=\(wordBucketBits) charBits=\(characterBucketBits) words=1-\(maxWordN) "
                + "chars=\(minCharacterN)-\(maxCharacterN) window=\(windowTokens)/\(fineWindowTokens) lengthExponent=\(lengthExponent)"
        }
    }

    /// A training example as features: sparse indices (word buckets first, then character buckets
    /// offset by the word table's size) with their normalised values, and the dense signals.
    struct Vector {
        var indices: [Int32]
        var values: [Float]
        var signals: [Float]
        var isInjection: Bool
    }

    /// Collects one text's feature indices.
    struct Collector: PromptFeatureSink {
        var words: [Int32] = []
        var characters: [Int32] = []
        mutating func word(_ bucket: Int) { words.append(Int32(bucket)) }
        mutating func character(_ bucket: Int) { characters.append(Int32(bucket)) }
        mutating func endToken() {}
    }

    /// The features of `text` as the trainer sees them: the normalised main text, each kind's
    /// counts divided by ``PromptFeatureHasher/norm(_:)`` of that kind's total, as the scorer computes them.
    static func vector(_ example: Example, hasher: PromptFeatureHasher) -> Vector {
        let normalized = PromptNormalizer.normalize(example.text)
        var collector = Collector()
        normalized.text.withUnsafeBufferPointer { hasher.walk($0, into: &collector) }
        var indices: [Int32] = []
        var values: [Float] = []
        let wordOffset = Int32(1 << hasher.wordBucketBits)
        for (kind, offset) in [(collector.words, Int32(0)), (collector.characters, wordOffset)] where !kind.isEmpty {
            let norm = hasher.norm(Int32(kind.count))
            var counts: [Int32: Int] = [:]
            for index in kind { counts[index, default: 0] += 1 }
            for (index, count) in counts.sorted(by: { $0.key < $1.key }) {
                indices.append(index + offset)
                values.append(Float(count) / norm)
            }
        }
        return Vector(
            indices: indices,
            values: values,
            signals: normalized.signals.features,
            isInjection: example.isInjection
        )
    }

    /// Fits a model to `examples` and returns it as a detector.
    public static func train(_ examples: [Example], options: Options) -> PromptInjectionDetector {
        train(featurize(examples, options: options), options: options)
    }

    /// The features of every example, computed once so that a grid of options can share them.
    public struct Featurized: Sendable {
        let vectors: [Vector]
        let hasher: PromptFeatureHasher
    }

    /// Computes the features of `examples` for the feature settings in `options`.
    public static func featurize(_ examples: [Example], options: Options) -> Featurized {
        let hasher = PromptFeatureHasher(
            wordBucketBits: options.wordBucketBits,
            characterBucketBits: options.characterBucketBits,
            maxWordN: options.maxWordN,
            minCharacterN: options.minCharacterN,
            maxCharacterN: options.maxCharacterN,
            lengthExponent: options.lengthExponent
        )
        return Featurized(vectors: examples.map { vector($0, hasher: hasher) }, hasher: hasher)
    }

    /// Fits a model to features computed by ``featurize(_:options:)`` with the same feature settings.
    public static func train(_ featurized: Featurized, options: Options) -> PromptInjectionDetector {
        PromptInjectionDetector(model: fit(featurized.vectors, hasher: featurized.hasher, options: options))
    }

    static func fit(_ vectors: [Vector], hasher: PromptFeatureHasher, options: Options) -> PromptInjectionModel {
        let wordCount = 1 << hasher.wordBucketBits
        let sparseCount = wordCount + (1 << hasher.characterBucketBits)
        let signalCount = vectors.first?.signals.count ?? 0
        var weights = [Float](repeating: 0, count: sparseCount)
        var squares = [Float](repeating: 0, count: sparseCount)
        var signalWeights = [Float](repeating: 0, count: signalCount)
        var signalSquares = [Float](repeating: 0, count: signalCount)
        var bias: Float = 0
        var biasSquare: Float = 0
        var generator = SplitMix64(seed: options.seed)
        var order = Array(vectors.indices)
        let rate = options.learningRate
        // The weights that ship are the mean of the weights after each epoch of the second half:
        // averaging smooths out where the last updates happened to leave them, which generalises better.
        var averaged = [Float](repeating: 0, count: sparseCount)
        var averagedSignals = [Float](repeating: 0, count: signalCount)
        var averagedBias: Float = 0
        let firstAveraged = options.epochs / 2
        for epoch in 0..<options.epochs {
            defer {
                if epoch >= firstAveraged {
                    for index in averaged.indices { averaged[index] += weights[index] }
                    for index in averagedSignals.indices { averagedSignals[index] += signalWeights[index] }
                    averagedBias += bias
                }
            }
            order.shuffle(using: &generator)
            for position in order {
                let vector = vectors[position]
                var logit = bias
                for (index, value) in zip(vector.indices, vector.values) { logit += weights[Int(index)] * value }
                for (index, value) in vector.signals.enumerated() { logit += signalWeights[index] * value }
                let probability = Float(PromptInjectionModel.probability(logit))
                let target: Float = vector.isInjection ? 1 : 0
                let gradient = (probability - target) * (vector.isInjection ? 1 : options.benignWeight)
                for (index, value) in zip(vector.indices, vector.values) {
                    let slot = Int(index)
                    let g = gradient * value + options.l2 * weights[slot]
                    squares[slot] += g * g
                    weights[slot] -= rate * g / (squares[slot].squareRoot() + 1e-6)
                }
                for (index, value) in vector.signals.enumerated() where value != 0 {
                    let g = gradient * value
                    signalSquares[index] += g * g
                    signalWeights[index] -= rate * g / (signalSquares[index].squareRoot() + 1e-6)
                }
                biasSquare += gradient * gradient
                bias -= rate * gradient / (biasSquare.squareRoot() + 1e-6)
            }
        }
        let epochsAveraged = Float(options.epochs - firstAveraged)
        weights = averaged.map { $0 / epochsAveraged }
        signalWeights = averagedSignals.map { $0 / epochsAveraged }
        bias = averagedBias / epochsAveraged
        let (wordScale, words) = quantize(weights[0..<wordCount])
        let (characterScale, characters) = quantize(weights[wordCount...])
        return PromptInjectionModel(
            hasher: hasher,
            windowTokens: options.windowTokens,
            fineWindowTokens: options.fineWindowTokens,
            bias: bias,
            wordScale: wordScale,
            characterScale: characterScale,
            signalWeights: signalWeights,
            wordWeights: words,
            characterWeights: characters
        )
    }

    /// Rounds weights to 8 bits with one scale, chosen so the largest weight maps to ±127.
    static func quantize(_ weights: ArraySlice<Float>) -> (Float, [Int8]) {
        let largest = weights.reduce(Float(0)) { max($0, abs($1)) }
        guard largest > 0 else { return (1, [Int8](repeating: 0, count: weights.count)) }
        let scale = largest / 127
        return (scale, weights.map { Int8(($0 / scale).rounded().clamped(to: -127...127)) })
    }
}

extension PromptInjectionDetector {
    /// The model as the bytes of a `prompt-injection.model` file.
    @_spi(Training)
    public func serializedModel() -> [UInt8] { model.serialized() }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64), so training is
/// reproducible on every platform.
@_spi(Training)
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
