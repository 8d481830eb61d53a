@_spi(Training) import Bulwark
import Foundation

/// A labelled text from a JSONL file: `{"id", "text", "label": "benign" | "injection", "source"?}`.
struct LabelledText {
    var id: String
    var text: String
    var isInjection: Bool
    var source: String
}

struct DatasetError: Error, CustomStringConvertible {
    var description: String
}

enum Dataset {
    /// Reads a JSONL file; a line that is not an object with `text` and a known `label` stops the run
    /// and names the line, since a silently skipped example would change the model.
    static func read(_ path: String) throws -> [LabelledText] {
        guard let data = FileManager.default.contents(atPath: path), let content = String(data: data, encoding: .utf8)
        else { throw DatasetError(description: "cannot read \(path)") }
        var texts: [LabelledText] = []
        for (number, line) in content.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let text = object["text"] as? String, let label = object["label"] as? String,
                label == "benign" || label == "injection"
            else {
                throw DatasetError(
                    description: "\(path):\(number + 1): expected {\"text\", \"label\": benign|injection}"
                )
            }
            texts.append(
                LabelledText(
                    id: object["id"] as? String ?? "\(path):\(number + 1)",
                    text: text,
                    isInjection: label == "injection",
                    source: object["source"] as? String ?? "unknown"
                )
            )
        }
        return texts
    }
}

/// Accuracy figures of a detector on a set, at one threshold.
struct Evaluation: Codable {
    var count = 0
    var truePositives = 0
    var falsePositives = 0
    var trueNegatives = 0
    var falseNegatives = 0

    init() {}

    init(_ detector: PromptInjectionDetector, on texts: [LabelledText], threshold: Double) {
        for text in texts { add(detected: detector.score(text.text) >= threshold, isInjection: text.isInjection) }
    }

    mutating func add(detected: Bool, isInjection: Bool) {
        count += 1
        switch (detected, isInjection) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, false): trueNegatives += 1
        case (false, true): falseNegatives += 1
        }
    }

    var accuracy: Double { Double(truePositives + trueNegatives) / Double(max(count, 1)) }
    var precision: Double { Double(truePositives) / Double(max(truePositives + falsePositives, 1)) }
    var recall: Double { Double(truePositives) / Double(max(truePositives + falseNegatives, 1)) }
    var falsePositiveRate: Double { Double(falsePositives) / Double(max(falsePositives + trueNegatives, 1)) }

    var summary: String {
        String(
            format: "n=%d accuracy=%.4f precision=%.4f recall=%.4f fpr=%.4f",
            count,
            accuracy,
            precision,
            recall,
            falsePositiveRate
        )
    }

    var dictionary: [String: Any] {
        [
            "count": count, "accuracy": accuracy, "precision": precision, "recall": recall,
            "falsePositiveRate": falsePositiveRate, "truePositives": truePositives,
            "falsePositives": falsePositives, "trueNegatives": trueNegatives, "falseNegatives": falseNegatives,
        ]
    }
}
