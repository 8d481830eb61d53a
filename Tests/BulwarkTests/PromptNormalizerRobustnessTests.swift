import Foundation
import Testing

@testable import Bulwark

/// The prompt normaliser on input made to break it: random bytes and random mixes of the characters it
/// treats specially must always give well-formed text, and the largest pathological inputs must finish.
@Suite("Prompt normaliser robustness")
struct PromptNormalizerRobustnessTests {
    private func normalize(_ text: String, limits: PromptNormalizerLimits = .init()) -> NormalizedPrompt {
        PromptNormalizer.normalize(text, limits: limits)
    }

    private func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }

    @Test("random input never crashes and always normalises to well-formed text")
    func randomInput() {
        var generator = SplitMix64(seed: 0x5EED)
        let pieces: [String] = [
            " ", "  ", "\n", "a", "I", "1", "0", "@", "$", "!", ".", "-", "%", "%4", "%41", "\\x", "\\x4", "=", "/",
            "\u{200B}", "\u{200D}", "\u{00AD}", "\u{FEFF}", "\u{202E}", "\u{FE0F}", "\u{E0100}", "\u{E0041}",
            "\u{E007F}", "🏴", "😀", "👨‍👩‍👧", "\u{0301}", "\u{0338}", "а", "о", "Ѕ", "ο", "𝐢", "ｉ", "ᴀ", "ﬁ", "葛",
            "aWdub3Jl", "69", "6e ", "rot13", "vtaber", "é", "\u{1100}\u{1161}", "क्", "ß", "İ", "\u{FDFA}",
        ]
        for round in 0..<400 {
            var text = ""
            if round % 2 == 0 {
                let bytes = (0..<Int(generator.next() % 300)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                text = String(decoding: bytes, as: UTF8.self)
            } else {
                for _ in 0..<Int(generator.next() % 120) {
                    text += pieces[Int(generator.next() % UInt64(pieces.count))]
                }
            }
            let prompt = normalize(text, limits: .init(maxInputBytes: 200 + round))
            #expect(String(validating: prompt.text, as: UTF8.self) != nil)
            #expect(prompt.text.first != 0x20 && prompt.text.last != 0x20)
            #expect(!zip(prompt.text, prompt.text.dropFirst()).contains { $0 == 0x20 && $1 == 0x20 })
            #expect(prompt.hiddenSegments.count <= 16)
            for segment in prompt.hiddenSegments {
                #expect(String(validating: segment.text, as: UTF8.self) != nil)
            }
        }
    }

    @Test("adversarial input of the largest size is normalised, not stuck")
    func adversarialInput() {
        let limit = 256 * 1024
        let inputs = [
            "a" + String(repeating: "\u{0301}", count: limit / 2),
            String(repeating: "a ", count: limit / 2),
            String(repeating: "%41", count: limit / 3),
            String(repeating: "\u{E0041}", count: limit / 4),
            String(repeating: "\u{FE00}", count: limit / 3),
            String(repeating: base64(base64("x")), count: limit / 12),
            String(repeating: "1gn0re ", count: limit / 7),
            String(repeating: "\u{200B}", count: limit / 3),
            String(repeating: "ѕ", count: limit / 2),
        ]
        for input in inputs {
            let prompt = normalize(input)
            #expect(prompt.text.count <= 4 * limit)
        }
    }
}

/// A small deterministic generator, so a failing random case can be replayed.
private struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
