/// Bounds on the work ``PromptNormalizer`` does for one prompt, so that it stays linear and bounded
/// whatever the prompt holds.
struct PromptNormalizerLimits: Sendable, Hashable {
    /// UTF-8 bytes of the prompt that are normalised. Beyond it, **only the first that many bytes are
    /// normalised**, cut back to a Character boundary; the rest is not read at all. Default 256 KiB.
    var maxInputBytes: Int

    /// Hidden segments kept; decoding stops once this many are found. Default 16.
    var maxSegments: Int

    /// How many layers of encoding are decoded: 1 decodes what is hidden in the prompt, 2 also what is
    /// hidden in that (base64 of base64), and so on; 0 decodes nothing (the signals are still counted).
    /// Values above 8 count as 8. Default 2.
    var maxDecodeDepth: Int

    /// The shortest base64 run and the fewest hex digits that are decoded: shorter runs are too often
    /// ordinary words and identifiers. Values below 8 count as 8. Default 16.
    var minEncodedLength: Int

    /// Limits with the defaults above.
    init(maxInputBytes: Int = 256 * 1024, maxSegments: Int = 16, maxDecodeDepth: Int = 2, minEncodedLength: Int = 16) {
        self.maxInputBytes = maxInputBytes
        self.maxSegments = maxSegments
        self.maxDecodeDepth = maxDecodeDepth
        self.minEncodedLength = minEncodedLength
    }

    /// The limits as the normaliser applies them: negative values as 0, and the caps above.
    var effective: PromptNormalizerLimits {
        PromptNormalizerLimits(
            maxInputBytes: max(0, maxInputBytes),
            maxSegments: max(0, maxSegments),
            maxDecodeDepth: min(8, max(0, maxDecodeDepth)),
            minEncodedLength: max(8, minEncodedLength)
        )
    }
}
