/// Decodes values from one section of a MaxMind DB: the data section or the metadata.
///
/// Every read is bounds-checked against the section. Pointers are offsets from the section's start
/// and may not point at another pointer. The resource limits are those the format's specification
/// recommends, applied as MaxMind's readers apply them, so that a crafted file cannot turn a small
/// record into unbounded work: nesting (maps, arrays and followed pointers together) is limited to
/// ``maxDepth``, which also ends cyclic structures; containers charge their declared size against
/// ``maxValues`` before anything is allocated (a map two per entry); and the strings and bytes one
/// decode materialises, pointers counted each time they are followed, total at most ``maxPayloadBytes``.
struct MMDBDecoder {
    /// The deepest nesting of maps, arrays and pointers one value may have.
    static let maxDepth = 512
    /// The most values one decode may produce.
    static let maxValues = 1 << 16
    /// The most string and bytes data one decode may produce.
    static let maxPayloadBytes = 1 << 21

    private struct Budget {
        var values = MMDBDecoder.maxValues - 1
        var payload = MMDBDecoder.maxPayloadBytes
    }

    /// The section's bytes.
    let section: UnsafeRawBufferPointer
    /// Which section this is, for messages.
    let name: String

    private enum Kind: Int {
        case extended = 0
        case pointer, string, double, bytes, uint16, uint32, map, int32, uint64, uint128, array
        case container, endMarker, bool, float
    }

    /// Decodes the value at an offset.
    func decode(at offset: Int) throws(MMDBError) -> MMDBValue {
        var budget = Budget()
        return try decode(at: offset, depth: 0, budget: &budget).value
    }

    private func byte(_ offset: Int) throws(MMDBError) -> Int {
        guard offset >= 0, offset < section.count else {
            throw MMDBError("the \(name) ends inside a value (offset \(offset) of \(section.count))")
        }
        return Int(section[offset])
    }

    private func bigEndian(_ offset: Int, count: Int) throws(MMDBError) -> UInt128 {
        guard offset >= 0, count >= 0, offset <= section.count - count else {
            throw MMDBError("the \(name) ends inside a value (offset \(offset), \(count) bytes)")
        }
        var value: UInt128 = 0
        for index in offset..<(offset + count) { value = value << 8 | UInt128(section[index]) }
        return value
    }

    private func decode(
        at start: Int,
        depth: Int,
        budget: inout Budget
    ) throws(MMDBError) -> (value: MMDBValue, next: Int) {
        guard depth <= Self.maxDepth else {
            throw MMDBError("the \(name) nests deeper than \(Self.maxDepth) levels (or is cyclic)")
        }
        func charge(values: Int = 0, payload: Int = 0) throws(MMDBError) {
            budget.values -= values
            budget.payload -= payload
            guard budget.values >= 0 else {
                throw MMDBError("a record in the \(name) expands to over \(Self.maxValues) values")
            }
            guard budget.payload >= 0 else {
                throw MMDBError("a record in the \(name) expands to over \(Self.maxPayloadBytes) bytes of strings")
            }
        }
        var offset = start
        let control = try byte(offset)
        offset += 1
        var rawKind = control >> 5
        if rawKind == Kind.pointer.rawValue {
            let sizeBits = (control >> 3) & 0x3
            let high = control & 0x7
            let target: Int
            switch sizeBits {
            case 0: target = (high << 8) | (try byte(offset))
            case 1: target = (Int(try bigEndian(offset, count: 2)) | (high << 16)) + 2048
            case 2: target = (Int(try bigEndian(offset, count: 3)) | (high << 24)) + 526_336
            default: target = Int(try bigEndian(offset, count: 4))
            }
            let next = offset + sizeBits + 1
            if try byte(target) >> 5 == Kind.pointer.rawValue {
                throw MMDBError("a pointer in the \(name) points at another pointer (offset \(start))")
            }
            let resolved = try decode(at: target, depth: depth + 1, budget: &budget)
            return (resolved.value, next)
        }
        if rawKind == Kind.extended.rawValue {
            let extended = try byte(offset)
            offset += 1
            rawKind = 7 + extended
            guard rawKind >= 8 else { throw MMDBError("invalid extended type \(rawKind) in the \(name) at \(start)") }
        }
        guard let kind = Kind(rawValue: rawKind) else {
            throw MMDBError("unknown type \(rawKind) in the \(name) at offset \(start)")
        }
        var size = control & 0x1F
        if size >= 29 {
            let extra = size - 28
            let value = Int(try bigEndian(offset, count: extra))
            offset += extra
            size = [29, 285, 65_821][extra - 1] + value
        }
        func payload(_ maximum: Int) throws(MMDBError) -> UInt128 {
            guard size <= maximum else {
                throw MMDBError("a \(kind) of \(size) bytes in the \(name) at offset \(start) (at most \(maximum))")
            }
            return try bigEndian(offset, count: size)
        }
        switch kind {
        case .string:
            try charge(payload: size)
            guard offset <= section.count - size else { throw MMDBError("a string runs past the end of the \(name)") }
            let bytes = UnsafeRawBufferPointer(rebasing: section[offset..<(offset + size)])
            guard let string = String(validating: bytes, as: UTF8.self) else {
                throw MMDBError("a string in the \(name) at offset \(start) is not valid UTF-8")
            }
            return (.string(string), offset + size)
        case .double:
            guard size == 8 else { throw MMDBError("a double of \(size) bytes in the \(name) at offset \(start)") }
            return (.double(Double(bitPattern: UInt64(try payload(8)))), offset + size)
        case .float:
            guard size == 4 else { throw MMDBError("a float of \(size) bytes in the \(name) at offset \(start)") }
            return (.float(Float(bitPattern: UInt32(try payload(4)))), offset + size)
        case .bytes:
            try charge(payload: size)
            guard offset <= section.count - size else { throw MMDBError("bytes run past the end of the \(name)") }
            return (.bytes(Array(section[offset..<(offset + size)])), offset + size)
        case .uint16: return (.uint16(UInt16(try payload(2))), offset + size)
        case .uint32: return (.uint32(UInt32(try payload(4))), offset + size)
        case .int32: return (.int32(Int32(bitPattern: UInt32(try payload(4)))), offset + size)
        case .uint64: return (.uint64(UInt64(try payload(8))), offset + size)
        case .uint128: return (.uint128(try payload(16)), offset + size)
        case .bool:
            guard size <= 1 else { throw MMDBError("a boolean of size \(size) in the \(name) at offset \(start)") }
            return (.bool(size == 1), offset)
        case .map:
            // Each entry takes at least two bytes, so a size beyond what is left is a lie.
            guard size <= (section.count - offset) / 2 else {
                throw MMDBError("a map of \(size) entries does not fit in the \(name) at offset \(start)")
            }
            try charge(values: 2 * size)
            var map: [String: MMDBValue] = [:]
            map.reserveCapacity(size)
            for _ in 0..<size {
                let key = try decode(at: offset, depth: depth + 1, budget: &budget)
                guard case .string(let name) = key.value else {
                    throw MMDBError("a map key in the \(self.name) at offset \(offset) is not a string")
                }
                let value = try decode(at: key.next, depth: depth + 1, budget: &budget)
                map[name] = value.value
                offset = value.next
            }
            return (.map(map), offset)
        case .array:
            guard size <= section.count - offset else {
                throw MMDBError("an array of \(size) elements does not fit in the \(name) at offset \(start)")
            }
            try charge(values: size)
            var array: [MMDBValue] = []
            array.reserveCapacity(size)
            for _ in 0..<size {
                let element = try decode(at: offset, depth: depth + 1, budget: &budget)
                array.append(element.value)
                offset = element.next
            }
            return (.array(array), offset)
        case .container, .endMarker, .extended, .pointer:
            throw MMDBError("a \(kind) cannot appear in the \(name) (offset \(start))")
        }
    }
}
