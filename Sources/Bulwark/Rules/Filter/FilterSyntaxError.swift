/// A filter expression that does not parse or does not type-check, with where and why.
///
/// The ``description`` reads like a compiler's message: the position, the message, the line of the
/// expression and a caret under the spot.
///
/// ```
/// line 1, column 19: expected a string in double quotes after 'eq', such as "US" (ip.src.country is a string)
/// ip.src.country eq US
///                   ^
/// ```
public struct FilterSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, and what was expected.
    public let message: String
    /// The position of the problem: a byte offset into the UTF-8 form of the expression.
    public let offset: Int
    /// The line of the problem, from 1.
    public let line: Int
    /// The column of the problem, from 1, in characters.
    public let column: Int
    /// The line of the expression that holds the problem (cut around the problem when it is long).
    public let sourceLine: String
    /// Spaces (tabs where the line has tabs) and a `^` under the problem in ``sourceLine``.
    public let caretLine: String

    /// The longest stretch of a long line that ``sourceLine`` shows.
    static let window = 100

    /// An error at a byte offset of the source; the offset is clamped to the source and moved back to
    /// the start of a character.
    init(message: String, source: String, offset: Int) {
        let bytes = Array(source.utf8)
        var offset = max(0, min(offset, bytes.count))
        while offset > 0, offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset -= 1 }
        self.message = message
        self.offset = offset

        var lineStart = 0
        var line = 1
        for index in 0..<offset where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        var lineEnd = offset
        while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        if lineEnd > lineStart, lineEnd > offset, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        self.line = line
        self.column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1

        // A long line is shown around the problem, with an ellipsis where it was cut.
        var shownStart = lineStart
        var shownEnd = lineEnd
        if lineEnd - lineStart > Self.window {
            shownStart = max(lineStart, offset - Self.window / 2)
            shownEnd = min(lineEnd, shownStart + Self.window)
            while shownStart > lineStart, bytes[shownStart] & 0xC0 == 0x80 { shownStart -= 1 }
            while shownEnd < lineEnd, bytes[shownEnd] & 0xC0 == 0x80 { shownEnd += 1 }
        }
        let head = shownStart > lineStart ? "…" : ""
        let tail = shownEnd < lineEnd ? "…" : ""
        let shown = String(decoding: bytes[shownStart..<shownEnd], as: UTF8.self)
        self.sourceLine = head + Self.printable(shown) + tail
        var padding = head.isEmpty ? "" : " "
        for character in Self.printable(String(decoding: bytes[shownStart..<offset], as: UTF8.self)) {
            let blank: Character = character == "\t" ? "\t" : " "
            padding.append(blank)
        }
        self.caretLine = padding + "^"
    }

    /// The text with control characters other than tab shown as `?`, so that the caret stays aligned.
    private static func printable(_ text: String) -> String {
        func isHidden(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
        }
        guard text.unicodeScalars.contains(where: isHidden) else { return text }
        var shown = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            shown.append(isHidden(scalar) ? Unicode.Scalar(UInt8(ascii: "?")) : scalar)
        }
        return String(shown)
    }

    /// `line L, column C: message`, the source line, and a caret line under the problem.
    public var description: String {
        "line \(line), column \(column): \(message)\n\(sourceLine)\n\(caretLine)"
    }
}
