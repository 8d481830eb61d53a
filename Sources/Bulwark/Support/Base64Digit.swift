/// The base64 alphabet, shared by every reader that finds base64 in untrusted text.
enum Base64Digit {
    /// The value of a base64 digit, or `nil`. `+` and `/` are RFC 4648's standard alphabet; with
    /// `urlSafe`, `-` and `_` (its URL-safe alphabet) count as them too, since tokens, payloads and
    /// encoded instructions use either. UTF-7 must not take them: `-` ends its base64 runs.
    @inline(__always)
    static func value(_ byte: UInt8, urlSafe: Bool) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        case UInt8(ascii: "-"): urlSafe ? 62 : nil
        case UInt8(ascii: "_"): urlSafe ? 63 : nil
        default: nil
        }
    }
}
