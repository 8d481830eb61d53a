/// A value decoded from a MaxMind DB's data section.
///
/// The format's integer types keep their width so that a value can be compared exactly with what
/// another reader returns; ``subscript(_:)`` and the typed accessors make the common lookups short:
///
/// ```swift
/// let record = try reader.lookup(IPAddress("81.2.69.160")!)?.record
/// record?["city"]?["names"]?["en"]?.string  // "London"
/// ```
public enum MMDBValue: Sendable, Hashable {
    /// A UTF-8 string.
    case string(String)
    /// A 64-bit floating-point number.
    case double(Double)
    /// A 32-bit floating-point number.
    case float(Float)
    /// Raw bytes.
    case bytes([UInt8])
    /// An unsigned 16-bit integer.
    case uint16(UInt16)
    /// An unsigned 32-bit integer.
    case uint32(UInt32)
    /// A signed 32-bit integer.
    case int32(Int32)
    /// An unsigned 64-bit integer.
    case uint64(UInt64)
    /// An unsigned 128-bit integer.
    case uint128(UInt128)
    /// A boolean.
    case bool(Bool)
    /// An ordered list.
    case array([MMDBValue])
    /// A map from string keys to values.
    case map([String: MMDBValue])

    /// The value under a key, when this is a map.
    public subscript(_ key: String) -> MMDBValue? {
        if case .map(let map) = self { return map[key] }
        return nil
    }

    /// The element at a position, when this is an array and the position exists.
    public subscript(_ index: Int) -> MMDBValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    /// The string, when this is a string.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, when this is a boolean.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, when this is any numeric type.
    public var double: Double? {
        switch self {
        case .double(let value): value
        case .float(let value): Double(value)
        case .uint16(let value): Double(value)
        case .uint32(let value): Double(value)
        case .int32(let value): Double(value)
        case .uint64(let value): Double(value)
        case .uint128(let value): Double(value)
        default: nil
        }
    }

    /// The number as an `Int`, when this is an integer that fits.
    public var int: Int? {
        switch self {
        case .uint16(let value): Int(value)
        case .uint32(let value): Int(value)
        case .int32(let value): Int(value)
        case .uint64(let value): Int(exactly: value)
        case .uint128(let value): Int(exactly: value)
        default: nil
        }
    }
}
