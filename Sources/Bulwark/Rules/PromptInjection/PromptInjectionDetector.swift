import Foundation

/// Scores text for prompt injection: instructions meant to override a model's own (role overrides,
/// system-prompt extraction, jailbreak personas, hidden instructions, data-exfiltration requests).
///
/// The text is normalised first (Unicode NFKC, case folding, invisible and tag characters removed,
/// homoglyphs and leetspeak folded, spaced-out letters joined); base64, hex, percent-encoded and
/// rot13 spans, and text smuggled in tag characters or variation selectors, are decoded and scored
/// on their own. The highest score wins. The model is the bundled one unless you load another.
///
/// ```swift
/// let detector = try PromptInjectionDetector.bundled()
/// if detector.score(toolResult) >= 0.5 { /* keep it out of the model's context */ }
/// ```
///
/// Scoring is synchronous, allocation-light CPU work: tens of microseconds for a KiB of text.
public struct PromptInjectionDetector: Sendable {
    let model: PromptInjectionModel
    let limits: PromptNormalizerLimits

    init(model: PromptInjectionModel, limits: PromptNormalizerLimits = PromptNormalizerLimits()) {
        self.model = model
        self.limits = limits
    }

    /// The model that ships with the package (`prompt-injection.model`, a resource of the
    /// `Bulwark` target), read once per process. `BULWARK_PROMPT_INJECTION_MODEL` names another file.
    ///
    /// - Throws: ``PromptInjectionModelError`` when the file is missing or damaged, naming where it
    ///   looked.
    public static func bundled() throws(PromptInjectionModelError) -> PromptInjectionDetector {
        try PromptInjectionDetector(model: bundledPromptInjectionModel.get())
    }

    /// Loads a model file written by the trainer (`swift run -c release PromptInjectionTrainer`).
    ///
    /// - Throws: ``PromptInjectionModelError`` when the file cannot be read or is not a valid model.
    public init(contentsOf url: URL) throws(PromptInjectionModelError) {
        self.init(model: try PromptInjectionModel(contentsOfFile: url.path))
    }

    /// The probability, from 0 to 1, that `text` carries a prompt injection. Text beyond the
    /// normaliser's limit (256 KiB) is not read.
    public func score(_ text: String) -> Double {
        PromptInjectionModel.probability(logit(text))
    }

    /// The highest logit over the text and its hidden segments.
    func logit(_ text: String) -> Float {
        let normalized = PromptNormalizer.normalize(text, limits: limits)
        let signals = normalized.signals.features
        var best = model.logit(normalized.text, signals: signals)
        for segment in normalized.hiddenSegments {
            best = max(best, model.logit(segment.text, signals: signals))
        }
        return best
    }
}

/// The bundled model, read on first use. A global's initialiser runs once, so later reads take no lock.
let bundledPromptInjectionModel: Result<PromptInjectionModel, PromptInjectionModelError> = {
    let file = "prompt-injection.model"
    let candidates = BundledResource.candidatePaths(file: file, overrideVariable: "BULWARK_PROMPT_INJECTION_MODEL")
    if let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
        return Result { () throws(PromptInjectionModelError) in try PromptInjectionModel(contentsOfFile: path) }
    }
    return .failure(
        PromptInjectionModelError(
            "the prompt-injection model was not found (looked in \(candidates.joined(separator: ", "))); copy "
                + "the bulwark_Bulwark.resources directory next to the executable or set BULWARK_PROMPT_INJECTION_MODEL"
        )
    )
}()

extension PromptObfuscationSignals {
    /// The signals as the model's dense features: log(1 + count) of each kind of obfuscation, so the
    /// first few occurrences count most. The order is fixed: it is the order of the model's
    /// signal weights.
    var features: [Float] {
        [invisibleCharacters, tagCharacters, variationSelectors, homoglyphs, spacedLetters, leetspeak].map {
            Float(log1p(Double($0)))
        }
    }
}
