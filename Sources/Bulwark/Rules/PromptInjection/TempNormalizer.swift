// TEMPORARY until the real normaliser lands.
struct PromptNormalizerLimits: Sendable, Hashable { init() {} }
struct PromptObfuscationSignals: Sendable, Equatable {
    var invisibleCharacters = 0
    var tagCharacters = 0
    var variationSelectors = 0
    var homoglyphs = 0
    var spacedLetters = 0
    var leetspeak = 0
}
struct HiddenSegment: Sendable, Equatable { var text: [UInt8] }
struct NormalizedPrompt: Sendable, Equatable {
    var text: [UInt8]
    var hiddenSegments: [HiddenSegment]
    var signals: PromptObfuscationSignals
}
enum PromptNormalizer {
    static func normalize(_ text: String, limits: PromptNormalizerLimits = .init()) -> NormalizedPrompt {
        var out: [UInt8] = []
        var space = true
        for byte in text.lowercased().utf8 {
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                if !space { out.append(0x20); space = true }
            } else {
                out.append(byte)
                space = false
            }
        }
        if out.last == 0x20 { out.removeLast() }
        return NormalizedPrompt(text: out, hiddenSegments: [], signals: .init())
    }
}
