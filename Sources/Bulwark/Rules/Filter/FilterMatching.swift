/// The ASCII case mapping `lower()` and `upper()` apply to a value, applied byte by byte while
/// comparing so that no lowered copy is made.
enum FilterCaseFold: Sendable, Hashable {
    case unchanged
    case lower
    case upper

    @inline(__always)
    func apply(_ byte: UInt8) -> UInt8 {
        switch self {
        case .unchanged: return byte
        case .lower: return byte &- UInt8(ascii: "A") < 26 ? byte &+ 32 : byte
        case .upper: return byte &- UInt8(ascii: "a") < 26 ? byte &- 32 : byte
        }
    }
}

/// Which results of a comparison an ordering operator accepts: `eq`, `ne`, `lt`, `le`, `gt`, `ge`.
struct FilterOrdering: Sendable, Hashable {
    private static let less: UInt8 = 1
    private static let greater: UInt8 = 2
    private static let same: UInt8 = 4

    private let mask: UInt8

    static let equal = FilterOrdering(mask: same)
    static let notEqual = FilterOrdering(mask: less | greater)
    static let lessThan = FilterOrdering(mask: less)
    static let lessOrEqual = FilterOrdering(mask: less | same)
    static let greaterThan = FilterOrdering(mask: greater)
    static let greaterOrEqual = FilterOrdering(mask: greater | same)

    /// Whether the operator accepts a comparison's result: negative, zero or positive.
    @inline(__always)
    func accepts(_ comparison: Int) -> Bool {
        mask & (comparison < 0 ? Self.less : comparison > 0 ? Self.greater : Self.same) != 0
    }

    /// Whether the operator accepts `lhs` against `rhs`.
    @inline(__always)
    func accepts<Value: Comparable>(_ lhs: Value, _ rhs: Value) -> Bool {
        accepts(lhs < rhs ? -1 : rhs < lhs ? 1 : 0)
    }

    /// The answer for values that cannot be ordered (an IPv4 against an IPv6 address): only `ne`.
    var acceptsIncomparable: Bool { self == .notEqual }
}

/// Byte-level comparisons of a value (its UTF-8 bytes) with a literal, under a case fold.
enum FilterBytes {
    /// Runs `body` over the UTF-8 bytes of the text, without copying a native string.
    @inline(__always)
    static func withBytes<Output>(_ text: Substring, _ body: (UnsafeBufferPointer<UInt8>) -> Output) -> Output {
        var text = text
        return text.withUTF8(body)
    }

    static func equal(_ value: UnsafeBufferPointer<UInt8>, _ literal: [UInt8], fold: FilterCaseFold) -> Bool {
        guard value.count == literal.count else { return false }
        for index in 0..<literal.count where fold.apply(value[index]) != literal[index] { return false }
        return true
    }

    /// Negative, zero or positive as the value sorts before, equal to or after the literal, byte by byte.
    static func compare(_ value: UnsafeBufferPointer<UInt8>, _ literal: [UInt8], fold: FilterCaseFold) -> Int {
        let common = min(value.count, literal.count)
        for index in 0..<common {
            let byte = fold.apply(value[index])
            if byte != literal[index] { return byte < literal[index] ? -1 : 1 }
        }
        return value.count == literal.count ? 0 : value.count < literal.count ? -1 : 1
    }

    static func hasPrefix(_ value: UnsafeBufferPointer<UInt8>, _ literal: [UInt8], fold: FilterCaseFold) -> Bool {
        guard value.count >= literal.count else { return false }
        for index in 0..<literal.count where fold.apply(value[index]) != literal[index] { return false }
        return true
    }

    static func hasSuffix(_ value: UnsafeBufferPointer<UInt8>, _ literal: [UInt8], fold: FilterCaseFold) -> Bool {
        guard value.count >= literal.count else { return false }
        let start = value.count - literal.count
        for index in 0..<literal.count where fold.apply(value[start + index]) != literal[index] { return false }
        return true
    }

    /// The text as a `String` under the fold, for the regular-expression matcher.
    static func string(_ text: Substring, fold: FilterCaseFold) -> String {
        guard fold != .unchanged else { return String(text) }
        return String(decoding: text.utf8.map { fold.apply($0) }, as: UTF8.self)
    }

    /// FNV-1a over the bytes under the fold.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, fold: FilterCaseFold) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(fold.apply(byte))) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// A literal searched for in values: Knuth–Morris–Pratt, so a search is linear in the value whatever
/// the literal.
struct FilterSearch: Sendable, Hashable {
    let needle: [UInt8]
    /// `failure[i]`: the length of the longest proper prefix of `needle[...i]` that is also its suffix.
    private let failure: [Int]

    init(_ needle: [UInt8]) {
        self.needle = needle
        var failure = [Int](repeating: 0, count: needle.count)
        var length = 0
        var index = 1
        while index < needle.count {
            while length > 0, needle[index] != needle[length] { length = failure[length - 1] }
            if needle[index] == needle[length] { length += 1 }
            failure[index] = length
            index += 1
        }
        self.failure = failure
    }

    /// The end of the first occurrence that starts at or after `start` and ends at or before `end`.
    func firstMatchEnd(
        in haystack: UnsafeBufferPointer<UInt8>,
        from start: Int,
        to end: Int,
        fold: FilterCaseFold
    ) -> Int? {
        let count = needle.count
        if count == 0 { return start }
        guard end - start >= count else { return nil }
        var matched = 0
        var index = start
        while index < end {
            let byte = fold.apply(haystack[index])
            while matched > 0, byte != needle[matched] { matched = failure[matched - 1] }
            if byte == needle[matched] {
                matched += 1
                if matched == count { return index + 1 }
            }
            index += 1
        }
        return nil
    }

    /// Whether the needle occurs anywhere in the value.
    func occurs(in haystack: UnsafeBufferPointer<UInt8>, fold: FilterCaseFold) -> Bool {
        firstMatchEnd(in: haystack, from: 0, to: haystack.count, fold: fold) != nil
    }
}

/// A `wildcard` or `strict wildcard` pattern: `*` matches any run of bytes, the pattern must match
/// the whole value; `\*` and `\\` stand for `*` and `\`.
///
/// Matching is linear: the pattern is the literal pieces between its stars; the first must start
/// the value, the last must end it, and the others are found left to right, each at its first
/// occurrence (which is never worse than a later one).
struct FilterWildcard: Sendable, Hashable {
    /// A pattern that cannot be compiled, at a byte index of the pattern.
    struct Problem: Error {
        let message: String
        let index: Int
    }

    let caseSensitive: Bool
    /// The literal pieces around the stars, lower-cased for a case-insensitive pattern.
    let pieces: [FilterSearch]

    init(pattern: [UInt8], caseSensitive: Bool) throws(Problem) {
        var pieces: [FilterSearch] = []
        var current: [UInt8] = []
        var index = 0
        var previousWasStar = false
        while index < pattern.count {
            let byte = pattern[index]
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < pattern.count,
                    pattern[index + 1] == UInt8(ascii: "*") || pattern[index + 1] == UInt8(ascii: "\\")
                else {
                    throw Problem(
                        message: "in a wildcard a backslash escapes only '*' and '\\' (write \\\\* for a literal star "
                            + "in a quoted string, or r\"\\*\")",
                        index: index
                    )
                }
                current.append(pattern[index + 1])
                index += 2
                previousWasStar = false
                continue
            }
            if byte == UInt8(ascii: "*") {
                guard !previousWasStar else {
                    throw Problem(
                        message: "a wildcard may not contain '**'; one '*' matches any run of bytes",
                        index: index
                    )
                }
                pieces.append(FilterSearch(current))
                current = []
                previousWasStar = true
                index += 1
                continue
            }
            current.append(caseSensitive ? byte : FilterCaseFold.lower.apply(byte))
            previousWasStar = false
            index += 1
        }
        pieces.append(FilterSearch(current))
        self.caseSensitive = caseSensitive
        self.pieces = pieces
    }

    /// Whether the whole value matches; `fold` is the case mapping of a `lower()` or `upper()` around
    /// the field (a case-insensitive pattern lowers every byte anyway).
    func matches(_ value: UnsafeBufferPointer<UInt8>, fold: FilterCaseFold) -> Bool {
        let fold = caseSensitive ? fold : .lower
        let first = pieces[0].needle
        guard pieces.count > 1 else { return FilterBytes.equal(value, first, fold: fold) }
        let last = pieces[pieces.count - 1].needle
        guard value.count >= first.count + last.count,
            FilterBytes.hasPrefix(value, first, fold: fold),
            FilterBytes.hasSuffix(value, last, fold: fold)
        else { return false }
        var position = first.count
        let end = value.count - last.count
        for piece in pieces[1..<(pieces.count - 1)] {
            guard let next = piece.firstMatchEnd(in: value, from: position, to: end, fold: fold) else { return false }
            position = next
        }
        return true
    }
}

/// The strings of an `in { … }` set, by an FNV-1a hash of their bytes: a lookup hashes the value
/// once (under the fold) and compares bytes with the few members of that hash.
struct FilterByteSet: Sendable, Hashable {
    private let buckets: [UInt64: [[UInt8]]]
    /// A set of a few members (most country lists) is searched in order: cheaper than hashing.
    private let few: [[UInt8]]?

    init(_ members: [[UInt8]]) {
        var buckets: [UInt64: [[UInt8]]] = [:]
        for member in members {
            let hash = member.withUnsafeBufferPointer { FilterBytes.hash($0, fold: .unchanged) }
            if buckets[hash]?.contains(member) != true { buckets[hash, default: []].append(member) }
        }
        self.buckets = buckets
        self.few = members.count <= 8 ? members : nil
    }

    func contains(_ value: UnsafeBufferPointer<UInt8>, fold: FilterCaseFold) -> Bool {
        if let few {
            for member in few where FilterBytes.equal(value, member, fold: fold) { return true }
            return false
        }
        guard let bucket = buckets[FilterBytes.hash(value, fold: fold)] else { return false }
        for member in bucket where FilterBytes.equal(value, member, fold: fold) { return true }
        return false
    }
}

/// The integers and ranges of an `in { … }` set, merged and sorted for a binary search.
typealias FilterIntegerSet = MergedRanges<Int>
