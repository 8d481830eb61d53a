import NIOCore

/// A reply in the Redis serialization protocol, version 2 (RESP2), which every Redis and Valkey
/// server speaks by default.
public enum RESPValue: Sendable, Hashable {
    /// A simple string, such as `OK`.
    case simpleString(String)
    /// An error reply, such as `NOSCRIPT No matching script.`
    case error(String)
    /// A signed 64-bit integer.
    case integer(Int64)
    /// A binary-safe string.
    case bulkString(ByteBuffer)
    /// A null bulk string or null array.
    case null
    /// An array of replies.
    case array([RESPValue])

    /// The reply as text, for simple and bulk strings and integers; `nil` otherwise.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes): String(buffer: bytes)
        case .integer(let value): String(value)
        default: nil
        }
    }

    /// The reply as an integer, for integers and strings holding one; `nil` otherwise.
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .simpleString, .bulkString: string.flatMap { Int64($0) }
        default: nil
        }
    }

    /// The elements of an array reply; `nil` for any other reply.
    public var array: [RESPValue]? {
        if case .array(let values) = self { values } else { nil }
    }
}

/// Bounds on what the reply parser accepts, so that a faulty or hostile server cannot make the
/// client allocate without limit or recurse without end.
public struct RESPLimits: Sendable, Hashable {
    /// The longest bulk string, in bytes (default 64 MiB).
    public var maxBulkLength: Int
    /// The most elements in one array (default 1,048,576).
    public var maxArrayCount: Int
    /// The deepest nesting of arrays (default 32).
    public var maxDepth: Int
    /// The longest simple string, error or length line, in bytes (default 64 KiB).
    public var maxLineLength: Int
    /// The most bytes a connection buffers for one reply not yet complete (default 128 MiB).
    public var maxReplyBytes: Int

    /// Limits with the defaults above.
    public init(
        maxBulkLength: Int = 64 << 20,
        maxArrayCount: Int = 1 << 20,
        maxDepth: Int = 32,
        maxLineLength: Int = 64 << 10,
        maxReplyBytes: Int = 128 << 20
    ) {
        self.maxBulkLength = maxBulkLength
        self.maxArrayCount = maxArrayCount
        self.maxDepth = maxDepth
        self.maxLineLength = maxLineLength
        self.maxReplyBytes = maxReplyBytes
    }
}

/// A reply that breaks the protocol or the limits: the connection cannot be trusted after it.
public struct RESPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, and at which byte offset of the reply.
    public let message: String

    /// The message.
    public var description: String { "malformed Redis reply: \(message)" }
}

/// Reads RESP2 replies from bytes as they arrive.
///
/// ``parse(_:)`` returns `nil`, consuming nothing, until a whole reply is buffered; it throws
/// ``RESPParseError`` on a malformed reply. Each call is linear in the bytes buffered; a reply that
/// arrives in many reads is scanned again on each, which the client bounds with
/// ``RESPLimits/maxReplyBytes`` (the store's replies are a few dozen bytes).
public struct RESPParser: Sendable {
    /// The limits the parser enforces.
    public let limits: RESPLimits

    /// A parser with the given limits.
    public init(limits: RESPLimits = RESPLimits()) {
        self.limits = limits
    }

    /// Reads one whole reply from the front of `buffer`, moving its reader index past it; `nil`
    /// (the buffer untouched) if the reply is not complete yet.
    public func parse(_ buffer: inout ByteBuffer) throws(RESPParseError) -> RESPValue? {
        var cursor = buffer.readerIndex
        guard let value = try parseValue(buffer, at: &cursor, depth: 0) else { return nil }
        buffer.moveReaderIndex(to: cursor)
        return value
    }

    private func parseValue(
        _ buffer: ByteBuffer,
        at cursor: inout Int,
        depth: Int
    ) throws(RESPParseError)
        -> RESPValue?
    {
        guard let type = buffer.getInteger(at: cursor, as: UInt8.self) else { return nil }
        var position = cursor + 1
        guard let line = try readLine(buffer, at: &position) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            cursor = position
            return .simpleString(text(buffer, line))
        case UInt8(ascii: "-"):
            cursor = position
            return .error(text(buffer, line))
        case UInt8(ascii: ":"):
            cursor = position
            return .integer(try integer(buffer, line, offset: cursor))
        case UInt8(ascii: "$"):
            let length = try integer(buffer, line, offset: cursor)
            if length == -1 {
                cursor = position
                return .null
            }
            guard length >= 0 else { throw RESPParseError(message: "bulk length \(length) at byte \(cursor)") }
            guard length <= limits.maxBulkLength else {
                throw RESPParseError(
                    message: "bulk string of \(length) bytes exceeds the limit of \(limits.maxBulkLength)"
                )
            }
            let count = Int(length)
            guard buffer.writerIndex - position >= count + 2 else { return nil }
            guard buffer.getInteger(at: position + count, as: UInt16.self) == 0x0D0A else {
                throw RESPParseError(message: "bulk string at byte \(cursor) is not followed by CRLF")
            }
            let bytes = buffer.getSlice(at: position, length: count)!
            cursor = position + count + 2
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            let count = try integer(buffer, line, offset: cursor)
            if count == -1 {
                cursor = position
                return .null
            }
            guard count >= 0 else { throw RESPParseError(message: "array length \(count) at byte \(cursor)") }
            guard count <= limits.maxArrayCount else {
                throw RESPParseError(
                    message: "array of \(count) elements exceeds the limit of \(limits.maxArrayCount)"
                )
            }
            guard depth < limits.maxDepth else {
                throw RESPParseError(message: "arrays nested deeper than \(limits.maxDepth)")
            }
            // Every element takes at least 3 bytes: no reservation larger than what could arrive.
            var elements: [RESPValue] = []
            elements.reserveCapacity(Swift.min(Int(count), (buffer.writerIndex - position) / 3))
            for _ in 0..<count {
                guard let element = try parseValue(buffer, at: &position, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            cursor = position
            return .array(elements)
        default:
            throw RESPParseError(message: "unknown reply type byte 0x\(String(type, radix: 16)) at byte \(cursor)")
        }
    }

    /// The range of the line starting at `position` (without its CRLF), moving `position` past the
    /// CRLF; `nil` if the CRLF has not arrived.
    private func readLine(_ buffer: ByteBuffer, at position: inout Int) throws(RESPParseError) -> Range<Int>? {
        let start = position
        let available = buffer.writerIndex - start
        let searched = Swift.min(available, limits.maxLineLength + 2)
        let found = buffer.withUnsafeReadableBytes { bytes -> Int? in
            let base = start - buffer.readerIndex
            var index = base
            while index < base + searched {
                if bytes[index] == UInt8(ascii: "\r") {
                    guard index + 1 < base + searched else { return nil }
                    return bytes[index + 1] == UInt8(ascii: "\n") ? index - base : -1
                }
                index += 1
            }
            return nil
        }
        guard let found else {
            if available > limits.maxLineLength + 1 {
                throw RESPParseError(message: "a line longer than \(limits.maxLineLength) bytes at byte \(start)")
            }
            return nil
        }
        guard found >= 0 else {
            throw RESPParseError(message: "a carriage return without a line feed at byte \(start)")
        }
        position = start + found + 2
        return start..<(start + found)
    }

    private func text(_ buffer: ByteBuffer, _ line: Range<Int>) -> String {
        buffer.getString(at: line.lowerBound, length: line.count) ?? ""
    }

    /// A decimal integer line: an optional minus sign and 1 to 19 digits, nothing else.
    private func integer(_ buffer: ByteBuffer, _ line: Range<Int>, offset: Int) throws(RESPParseError) -> Int64 {
        let parsed: Int64? = buffer.withUnsafeReadableBytes { bytes in
            let start = line.lowerBound - buffer.readerIndex
            let end = line.upperBound - buffer.readerIndex
            var index = start
            var negative = false
            if index < end, bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            guard index < end, end - index <= 19 else { return nil }
            var value: Int64 = 0
            while index < end {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = shifted.addingReportingOverflow(Int64(digit))
                guard !overflow1, !overflow2 else { return nil }
                value = sum
                index += 1
            }
            return negative ? -value : value
        }
        guard let parsed else {
            throw RESPParseError(message: "'\(text(buffer, line))' at byte \(offset) is not an integer")
        }
        return parsed
    }
}

/// A command: its name and arguments, sent as an array of bulk strings.
public struct RedisCommand: Sendable, Hashable, CustomStringConvertible {
    /// The name and the arguments, in order.
    public var arguments: [String]

    /// A command from its name and arguments, such as `RedisCommand("GET", "key")`.
    public init(_ name: String, _ arguments: String...) {
        self.arguments = [name] + arguments
    }

    /// A command from its name and arguments as an array.
    public init(_ name: String, arguments: [String]) {
        self.arguments = [name] + arguments
    }

    /// The command's name (arguments are left out: they may hold secrets).
    public var description: String { arguments.first ?? "" }

    /// Appends the command's RESP encoding to `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "*"))
        writeDecimal(arguments.count, into: &buffer)
        for argument in arguments {
            buffer.writeInteger(UInt8(ascii: "$"))
            writeDecimal(argument.utf8.count, into: &buffer)
            buffer.writeString(argument)
            buffer.writeInteger(UInt16(0x0D0A))
        }
    }

    private func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        buffer.writeString(String(value))
        buffer.writeInteger(UInt16(0x0D0A))
    }
}
