/// Bounds on how much text the sensitive-information scanner reads, so that a scan stays linear and bounded.
public struct SensitiveInfoLimits: Sendable, Hashable {
    /// UTF-8 bytes scanned from the start of the text; the rest is **not scanned**, and an entity must end
    /// within this prefix to be found. Default 64 KiB.
    public var maxBytes: Int

    /// Limits with the defaults above.
    public init(maxBytes: Int = 64 * 1024) {
        self.maxBytes = maxBytes
    }
}
