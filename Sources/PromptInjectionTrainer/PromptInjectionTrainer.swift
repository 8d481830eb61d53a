import ArgumentParser
@_spi(Training) import Bulwark
import Foundation

/// Trains the bundled prompt-injection model and writes the figures its model card reports.
///
///     swift run -c release PromptInjectionTrainer \
///         --train ../shared/corpora/prompt-injection/train.jsonl \
///         --train Tests/BulwarkTests/Fixtures/prompt-injection-hard-negatives-train.jsonl \
///         --validation ../shared/corpora/prompt-injection/validation.jsonl \
///         --report hard-negatives=Tests/BulwarkTests/Fixtures/prompt-injection-hard-negatives-eval.jsonl \
///         --out Sources/Bulwark/Resources/prompt-injection.model --metrics .build/prompt-injection-metrics.json
///
/// Every option set of the grid is trained on the training files alone and scored on the
/// validation file at the default threshold; the most accurate one whose false-positive rate is at
/// most `--max-false-positive-rate` is written. The same seed and files give the same bytes.
@main
struct PromptInjectionTrainer: ParsableCommand {
    @Option(name: .customLong("train"), help: "A training JSONL file (repeatable).")
    var trainFiles: [String]

    @Option(help: "The validation JSONL file, used to choose among the grid's option sets.")
    var validation: String

    @Option(name: .customLong("report"), help: "NAME=FILE: a further set to report on, never used to choose.")
    var reportSets: [String] = []

    @Option(help: "Where to write the model.")
    var out: String

    @Option(help: "Where to write the figures as JSON.")
    var metrics: String?

    @Option(help: "Where to write the chosen model's wrong verdicts on every set, one JSON line each.")
    var mistakes: String?

    @Flag(help: "Score the report sets for every option set, not only the chosen one.")
    var reportAll = false

    @Option(help: "Seeds shuffling and augmentation.")
    var seed: UInt64 = 20_261_122

    @Option(help: "The most false positives on validation a chosen model may have.")
    var maxFalsePositiveRate = 0.02

    @Option(help: "Share of training injections given an obfuscated copy.")
    var augmentShare = 0.2

    @Option(help: "Benign texts longer than this many words also train as chunks of it (0 for none).")
    var chunkWords = 24

    @Option(help: "Share of training injections also planted inside a long benign training text.")
    var embedShare = 0.2

    @Option(help: "L2 values to try, comma-separated.")
    var l2 = "1e-4"

    @Option(help: "Epoch counts to try, comma-separated.")
    var epochs = "4"

    @Option(help: "Benign weights to try, comma-separated.")
    var benignWeights = "0.7"

    @Option(
        help:
            "Feature shapes to try, comma-separated, each WORDBITS/CHARBITS/MAXWORDN/MINCHAR-MAXCHAR/WINDOW/EXPONENT%/FINEWINDOW."
    )
    var shapes = "18/18/3/1-4/96/60/32"

    func run() throws {
        var training: [LabelledText] = []
        for file in trainFiles { training += try Dataset.read(file) }
        let validationTexts = try Dataset.read(validation)
        var reports: [(String, [LabelledText])] = []
        for set in reportSets {
            let parts = set.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--report takes NAME=FILE, got \(set)") }
            reports.append((parts[0], try Dataset.read(parts[1])))
        }
        let examples = augmented(training)
        print("training on \(examples.count) examples (\(training.count) before augmentation)")

        var best: (options: PromptInjectionTraining.Options, detector: PromptInjectionDetector, score: Evaluation)?
        var featurized: (key: String, features: PromptInjectionTraining.Featurized)?
        for options in try grid() {
            let key =
                "\(options.wordBucketBits)/\(options.characterBucketBits)/\(options.maxWordN)/"
                + "\(options.minCharacterN)-\(options.maxCharacterN)/\(options.lengthExponent)"
            if featurized?.key != key {
                featurized = (key, PromptInjectionTraining.featurize(examples, options: options))
            }
            let detector = PromptInjectionTraining.train(featurized!.features, options: options)
            let evaluation = Evaluation(detector, on: validationTexts, threshold: 0.5)
            print("\(options)  \(evaluation.summary)")
            if reportAll {
                for (name, texts) in reports {
                    print("    \(name): \(Evaluation(detector, on: texts, threshold: 0.5).summary)")
                }
            }
            if isBetter(evaluation, than: best?.score) { best = (options, detector, evaluation) }
        }
        guard let best else { throw ValidationError("the grid is empty") }
        print("chosen: \(best.options)  \(best.score.summary)")

        let bytes = best.detector.serializedModel()
        try Data(bytes).write(to: URL(fileURLWithPath: out))
        print("wrote \(out): \(bytes.count) bytes")

        var figures: [String: Any] = [
            "options": best.options.description, "seed": seed, "trainingExamples": examples.count,
            "modelBytes": bytes.count,
        ]
        var validationFigures: [String: Any] = [:]
        for threshold in [0.3, 0.5, 0.7, 0.9] {
            validationFigures[String(threshold)] =
                Evaluation(best.detector, on: validationTexts, threshold: threshold)
                .dictionary
        }
        for source in Set(validationTexts.map(\.source)).sorted() {
            let subset = validationTexts.filter { $0.source == source }
            validationFigures["source:\(source)"] = Evaluation(best.detector, on: subset, threshold: 0.5).dictionary
        }
        figures["validation"] = validationFigures
        for (name, texts) in reports {
            let evaluation = Evaluation(best.detector, on: texts, threshold: 0.5)
            print("\(name): \(evaluation.summary)")
            figures[name] = evaluation.dictionary
        }
        if let mistakes {
            var lines = ""
            for (name, texts) in [("validation", validationTexts)] + reports {
                for text in texts {
                    let score = best.detector.score(text.text)
                    guard (score >= 0.5) != text.isInjection else { continue }
                    let object: [String: Any] = [
                        "set": name, "id": text.id, "injection": text.isInjection, "score": score, "text": text.text,
                    ]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                    lines += String(decoding: data, as: UTF8.self) + "\n"
                }
            }
            try Data(lines.utf8).write(to: URL(fileURLWithPath: mistakes))
        }
        if let metrics {
            let data = try JSONSerialization.data(withJSONObject: figures, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: metrics))
        }
    }

    /// The training texts plus seeded obfuscated copies.
    private func augmented(_ texts: [LabelledText]) -> [PromptInjectionTraining.Example] {
        var generator = SplitMix64(seed: seed ^ 0xA5A5_A5A5)
        var examples = texts.map { PromptInjectionTraining.Example(text: $0.text, isInjection: $0.isInjection) }
        // Injections as they arrive in fetched pages and documents: inside long benign text. Without
        // them every long training text is benign, and the model learns that length means safety.
        let hosts = texts.filter { !$0.isInjection && $0.text.utf8.count >= 300 }.map(\.text)
        if !hosts.isEmpty {
            for text in texts where text.isInjection && Double.random(in: 0..<1, using: &generator) < embedShare {
                let host = hosts[Int.random(in: 0..<hosts.count, using: &generator)]
                let context = Int.random(in: 8...40, using: &generator)
                let planted = Augmentation.plant(text.text, in: host, context: context, using: &generator)
                examples.append(.init(text: planted, isInjection: true))
            }
        }
        // The scorer judges long texts window by window, so benign text trains at window size too.
        if chunkWords > 0 {
            for text in texts where !text.isInjection {
                let words = text.text.split(whereSeparator: \.isWhitespace)
                guard words.count > chunkWords else { continue }
                for start in stride(from: 0, to: words.count - chunkWords / 2, by: chunkWords).prefix(8) {
                    let chunk = words[start..<min(words.count, start + chunkWords)].joined(separator: " ")
                    examples.append(.init(text: chunk, isInjection: false))
                }
            }
        }
        for text in texts {
            let draw = Double.random(in: 0..<1, using: &generator)
            if text.isInjection, draw < augmentShare {
                examples.append(.init(text: Augmentation.obfuscate(text.text, using: &generator), isInjection: true))
            } else if !text.isInjection, draw < augmentShare / 4 {
                examples.append(
                    .init(text: Augmentation.strayInvisible(text.text, using: &generator), isInjection: false)
                )
            }
        }
        return examples
    }

    private func grid() throws -> [PromptInjectionTraining.Options] {
        func list<T: LosslessStringConvertible>(_ text: String, _ name: String) throws -> [T] {
            try text.split(separator: ",").map {
                guard let value = T(String($0)) else { throw ValidationError("--\(name): cannot read '\($0)'") }
                return value
            }
        }
        var options: [PromptInjectionTraining.Options] = []
        for shape in shapes.split(separator: ",") {
            let parts = shape.split(whereSeparator: { $0 == "/" || $0 == "-" }).compactMap { Int($0) }
            guard parts.count == 8, (0...255).contains(parts[7]) else {
                throw ValidationError("--shapes: cannot read '\(shape)'")
            }
            var base = PromptInjectionTraining.Options()
            base.seed = seed
            (base.wordBucketBits, base.characterBucketBits, base.maxWordN) = (parts[0], parts[1], parts[2])
            (base.minCharacterN, base.maxCharacterN, base.windowTokens) = (parts[3], parts[4], parts[5])
            base.lengthExponent = Float(parts[6]) / 100
            base.fineWindowTokens = parts[7]
            for l2: Float in try list(l2, "l2") {
                for epochs: Int in try list(epochs, "epochs") {
                    for benignWeight: Float in try list(benignWeights, "benign-weights") {
                        var candidate = base
                        candidate.l2 = l2
                        candidate.epochs = epochs
                        candidate.benignWeight = benignWeight
                        options.append(candidate)
                    }
                }
            }
        }
        return options
    }

    /// More accurate wins among models within the false-positive bound; a model within the bound
    /// beats one outside it; outside it, fewer false positives win.
    private func isBetter(_ candidate: Evaluation, than current: Evaluation?) -> Bool {
        guard let current else { return true }
        let candidateWithin = candidate.falsePositiveRate <= maxFalsePositiveRate
        let currentWithin = current.falsePositiveRate <= maxFalsePositiveRate
        if candidateWithin != currentWithin { return candidateWithin }
        if candidateWithin { return candidate.accuracy > current.accuracy }
        return candidate.falsePositiveRate < current.falsePositiveRate
    }
}
