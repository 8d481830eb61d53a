/// Sensitive information in text, without a rule: scan a string, or redact what a scan found (before
/// logging a message, storing a support ticket, or sending a prompt to a model).
///
/// ```swift
/// let entities = SensitiveInfo.scan(message)
/// logger.info("message received", metadata: ["text": "\(SensitiveInfo.redact(message, entities: entities))"])
/// ```
///
/// The text never leaves the process: scanning is local, and nothing here logs or stores it.
public enum SensitiveInfo {
    /// The sensitive information in `text`: every built-in type, and the custom types `detector`
    /// reports where no built-in entity lies. Entities do not overlap and are sorted by start; offsets
    /// are UTF-8 bytes (see ``SensitiveInfoEntity``). Only the first `limits.maxBytes` bytes are scanned.
    ///
    /// ```swift
    /// SensitiveInfo.scan("Card 4111 1111 1111 1111, mail ann@example.com")
    /// // [CREDIT_CARD_NUMBER 5..<24, EMAIL 31..<46]
    /// ```
    public static func scan(
        _ text: String,
        detector: SensitiveInfoDetector? = nil,
        limits: SensitiveInfoLimits = SensitiveInfoLimits()
    ) -> [SensitiveInfoEntity] {
        SensitiveInfoScanner(limits: limits).scan(text, detector: detector)
    }
}
