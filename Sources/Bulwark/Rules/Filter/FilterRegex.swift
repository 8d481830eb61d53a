/// A regular expression for the filter language's `matches` (`~`) operator, in the RE2 syntax that
/// Cloudflare's rules language and wirefilter use (the Rust `regex` crate's), matched without
/// backtracking.
///
/// Matching runs a Thompson automaton over the text's Unicode scalars in one pass (a Pike VM
/// without captures), so it takes time proportional to the pattern's compiled size times the
/// inspected length of the text, whatever the pattern and the text are: `(a*)*b`, `(a|aa)*c` and
/// `(x+x+)+y` are as fast as `abc`. Nothing recurses on the text, and parsing recurses only as
/// deep as groups nest.
///
/// The syntax is RE2's, less what needs backtracking or captures:
/// - literals, `.` (any character but a newline; with `(?s)` any character at all), and escapes:
///   `\t` `\n` `\r` `\f` `\v` `\a`, `\xHH`, `\x{H…}` (a Unicode scalar, up to eight hexadecimal
///   digits), and a backslash before any ASCII punctuation other than `<` and `>`;
/// - classes `[…]` and `[^…]` with ranges, escapes, Perl classes and POSIX classes such as
///   `[[:alpha:]]` or `[[:^digit:]]`; a `]` first in a class is literal, and so is a `-` first or
///   last; an unescaped `[` (other than `[:`), `&&`, `~~` and `--` in a class are refused, since
///   the Rust crate reads them as nested classes or set operations;
/// - Perl classes `\d` `\w` `\s` and their negations `\D` `\W` `\S`, with ASCII meanings:
///   `[0-9]`, `[0-9A-Za-z_]` and `[\t\n\v\f\r ]` (RE2's `\s` leaves out `\v`; the Rust crate's
///   ASCII `\s` has it);
/// - anchors `^` and `$` (of the text; of a line with `(?m)`), `\A` and `\z` (of the text always),
///   and the word boundaries `\b` and `\B`, where word characters are the ASCII ones of `\w`.
///   Positions are between characters, never inside one (RE2 can find `\B` between the bytes of
///   a multi-byte character);
/// - groups `(…)`, `(?:…)`, `(?P<name>…)` and `(?<name>…)`, alternation `|`, and the repetitions
///   `*` `+` `?` `{n}` `{n,}` `{n,m}`, greedy or lazy (`*?` and so on): laziness changes which
///   match is found, not whether there is one;
/// - flags `(?i)` `(?m)` `(?s)` `(?U)`, cleared with `-` as in `(?i-s)`, for the rest of the
///   enclosing group or, as in `(?i:…)`, for a group of their own. `(?i)` matches each letter
///   against its simple one-character upper and lower case (Unicode's, so `(?i)é` matches `É`),
///   including the Kelvin sign for `k` and the long s for `s`. As in RE2, a class (Perl and POSIX
///   classes included) takes in the other cases of its members before it is negated, so
///   `(?i)[^a]` does not match `A`, `(?i)\w` matches the Kelvin sign and `(?i)\W` does not.
///
/// Refused with a ``SyntaxError`` that names the byte offset: backreferences, lookahead and
/// lookbehind, `\p{…}` Unicode classes, `\Q…\E`, octal escapes, unknown escapes, unbalanced
/// parentheses, out-of-order ranges, empty (`{}`, `{,n}`) or unclosed counted repetitions, a
/// repetition of a repetition (`a**`, `a{2}{3}`), a repetition with nothing to repeat (which is
/// how a `{` that starts no repetition is read: write `\{`), and duplicate group names.
///
/// Hard limits keep both compiling and matching bounded: a pattern has at most
/// ``maxPatternBytes`` bytes, nests groups at most ``maxNestingDepth`` deep, counts repetitions
/// up to ``maxRepetitionCount``, and compiles to at most ``maxInstructions`` instructions once
/// counted repetitions are written out (`(a{100}){200}` is refused). A text is inspected on at
/// most its first `maxInputBytes` bytes (``defaultMaxInputBytes`` unless given).
///
/// Two values are equal when their patterns are the same text.
public struct FilterRegex: Sendable, Hashable {
    /// Why a pattern was refused, and where.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong with the pattern.
        public let message: String
        /// The UTF-8 byte offset in the pattern where the problem is.
        public let offset: Int
        /// The message followed by the offset.
        public var description: String { "\(message) (at byte \(offset) of the pattern)" }
    }

    /// The longest pattern accepted, in UTF-8 bytes.
    public static let maxPatternBytes = 1_024
    /// The most instructions a pattern may compile to, counted repetitions written out.
    public static let maxInstructions = 10_000
    /// How deep groups may nest.
    public static let maxNestingDepth = 32
    /// The largest count a counted repetition such as `{n,m}` may name.
    public static let maxRepetitionCount = 1_000
    /// How many bytes of a text ``matches(_:maxInputBytes:)`` inspects unless told otherwise.
    public static let defaultMaxInputBytes = 8_192
    /// How many thread steps ``match(_:maxInputBytes:stepBudget:)`` may take by default: about a
    /// millisecond of work on a slow core, whatever the pattern and the text.
    public static let defaultStepBudget = 150_000

    /// The pattern as written.
    public let pattern: String
    private let program: Program

    /// Compiles a pattern, or throws a ``SyntaxError`` naming what is wrong and its byte offset.
    public init(_ pattern: String) throws(SyntaxError) {
        let bytes = Array(pattern.utf8)
        guard bytes.count <= Self.maxPatternBytes else {
            throw SyntaxError(message: "pattern longer than 1,024 bytes", offset: Self.maxPatternBytes)
        }
        var parser = Parser(bytes: bytes)
        let root = try parser.parse()
        var compiler = Compiler()
        compiler.emit(root.node)
        compiler.code.append(.match)
        self.pattern = pattern
        self.program = Program(code: compiler.code, sets: parser.sets)
    }

    /// Whether the pattern matches anywhere in `text` (an unanchored search, like RE2's
    /// `PartialMatch` or Rust's `is_match`).
    ///
    /// Only the first `maxInputBytes` bytes of the text are inspected: the answer is whether a
    /// match lies within them (a character that starts inside and ends past the cut counts as
    /// inside). Anchors and word boundaries at the cut still see the text that follows it, so `$`
    /// and `\z` do not match there unless the text really ends there.
    public func matches(_ text: String, maxInputBytes: Int = FilterRegex.defaultMaxInputBytes) -> Bool {
        var text = text
        return text.withUTF8 { matches(utf8: $0, maxInputBytes: maxInputBytes) }
    }

    /// Whether the pattern matches anywhere in the UTF-8 `bytes`, inspecting at most their first
    /// `maxInputBytes`, as ``matches(_:maxInputBytes:)`` does for a string.
    ///
    /// A byte that is not part of well-formed UTF-8 reads as U+FFFD, the replacement character
    /// (each maximal ill-formed subsequence reads as one).
    public func matches(
        utf8 bytes: UnsafeBufferPointer<UInt8>,
        maxInputBytes: Int = FilterRegex.defaultMaxInputBytes
    ) -> Bool {
        program.search(bytes, limit: min(bytes.count, max(0, maxInputBytes)), budget: .max) ?? false
    }

    /// Whether the pattern matches anywhere in `text`, or `nil` when deciding would take more than
    /// `stepBudget` thread steps.
    ///
    /// The search is linear in the text, but its constant grows with the pattern: a pattern near the
    /// size limit over a long text could take tens of milliseconds. The budget caps that: filter
    /// expressions use it, and a match that runs out of budget is undetermined rather than true or
    /// false.
    public func match(
        _ text: String,
        maxInputBytes: Int = FilterRegex.defaultMaxInputBytes,
        stepBudget: Int = FilterRegex.defaultStepBudget
    ) -> Bool? {
        var text = text
        return text.withUTF8 {
            program.search($0, limit: min($0.count, max(0, maxInputBytes)), budget: max(0, stepBudget))
        }
    }

    /// Whether two values have the same pattern text.
    public static func == (lhs: FilterRegex, rhs: FilterRegex) -> Bool {
        lhs.pattern == rhs.pattern
    }

    /// Hashes the pattern text.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
    }

    /// How many instructions the pattern compiled to, its final `match` included.
    var instructionCount: Int { program.code.count }
}

// MARK: - Program

extension FilterRegex {
    /// A zero-width test between two characters; the raw value is its bit in a position's context.
    enum Assertion: UInt8, Sendable, Hashable {
        case beginText = 1
        case endText = 2
        case beginLine = 4
        case endLine = 8
        case wordBoundary = 16
        case notWordBoundary = 32
    }

    /// One instruction of the automaton. Targets are indices into the program.
    enum Instruction: Sendable, Hashable {
        case scalar(UInt32)
        case set(Int)
        case anyScalar
        case anyButNewline
        case split(Int, Int)
        case jump(Int)
        case assertion(Assertion)
        case match
    }

    /// A compiled pattern: its instructions, the character sets they name, and what is known about
    /// where a match can begin.
    struct Program: Sendable {
        let code: [Instruction]
        let sets: [ScalarSet]
        /// Whether every match begins at the start of the text.
        let anchoredAtStart: Bool
        /// The bytes a match can begin with, to skip over the others; `nil` when any can (or the
        /// empty string matches, or a match can begin in the middle of a multi-byte character).
        let firstBytes: ByteSet?

        init(code: [Instruction], sets: [ScalarSet]) {
            self.code = code
            self.sets = sets
            let anchored = Self.isAnchoredAtStart(code)
            self.anchoredAtStart = anchored
            self.firstBytes = anchored ? nil : Self.computeFirstBytes(code, sets: sets)
        }

        /// Whether every path from the start reaches `\A` (or `^` outside multi-line mode) before
        /// anything else that could let it match.
        private static func isAnchoredAtStart(_ code: [Instruction]) -> Bool {
            var visited = [Bool](repeating: false, count: code.count)
            var stack = [0]
            while let pc = stack.popLast() {
                if visited[pc] { continue }
                visited[pc] = true
                switch code[pc] {
                case .split(let first, let second):
                    stack.append(first)
                    stack.append(second)
                case .jump(let target):
                    stack.append(target)
                case .assertion(.beginText):
                    continue
                case .assertion:
                    stack.append(pc + 1)
                default:
                    return false
                }
            }
            return true
        }

        /// The lead bytes of the characters a match can begin with, when they are all the start
        /// of a character (never a UTF-8 continuation byte); assertions are assumed to pass.
        private static func computeFirstBytes(_ code: [Instruction], sets: [ScalarSet]) -> ByteSet? {
            var bytes = ByteSet()
            var visited = [Bool](repeating: false, count: code.count)
            var stack = [0]
            while let pc = stack.popLast() {
                if visited[pc] { continue }
                visited[pc] = true
                switch code[pc] {
                case .split(let first, let second):
                    stack.append(first)
                    stack.append(second)
                case .jump(let target):
                    stack.append(target)
                case .assertion:
                    stack.append(pc + 1)
                case .scalar(let value):
                    insertLeadBytes(of: value, value, into: &bytes)
                case .set(let index):
                    let set = sets[index]
                    for byte in 0..<UInt8(0x80) where set.contains(UInt32(byte)) {
                        bytes.insert(byte)
                    }
                    var pair = 0
                    while pair < set.bounds.count {
                        insertLeadBytes(of: set.bounds[pair], set.bounds[pair + 1], into: &bytes)
                        pair += 2
                    }
                case .anyScalar, .anyButNewline, .match:
                    return nil
                }
            }
            if (UInt8(0x80)...UInt8(0xBF)).contains(where: { bytes.contains($0) }) { return nil }
            return bytes
        }

        /// Adds the UTF-8 lead bytes of the characters from `low` to `high`. Ill-formed input reads
        /// as U+FFFD from any byte at or above 0x80, so a range holding U+FFFD adds all of those.
        private static func insertLeadBytes(of low: UInt32, _ high: UInt32, into bytes: inout ByteSet) {
            if low <= 0xFFFD && 0xFFFD <= high {
                for byte in UInt8(0x80)...UInt8(0xFF) { bytes.insert(byte) }
            }
            for byte in UTF8Input.leadByte(of: low)...UTF8Input.leadByte(of: high) {
                bytes.insert(byte)
            }
        }

        /// Runs the automaton over the first `limit` bytes of `input` (see
        /// ``FilterRegex/matches(_:maxInputBytes:)``), with scratch space for two thread lists and
        /// a stack.
        func search(_ input: UnsafeBufferPointer<UInt8>, limit: Int, budget: Int) -> Bool? {
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 5 * code.count) { scratch in
                scratch.initialize(repeating: 0)
                return code.withUnsafeBufferPointer { code in
                    sets.withUnsafeBufferPointer { sets in
                        run(input, limit: limit, budget: budget, scratch: scratch.baseAddress!, code: code, sets: sets)
                    }
                }
            }
        }

        /// The Pike VM: the threads alive at a position are a set of instructions, each stepped
        /// over the position's character into the next set, and a new thread starts at every
        /// position (at the first only, when anchored) until one reaches `match`.
        private func run(
            _ input: UnsafeBufferPointer<UInt8>,
            limit: Int,
            budget: Int,
            scratch: UnsafeMutablePointer<Int>,
            code: UnsafeBufferPointer<Instruction>,
            sets: UnsafeBufferPointer<ScalarSet>
        ) -> Bool? {
            var steps = 0
            let size = code.count
            var current = ThreadList(dense: scratch, sparse: scratch + size)
            var next = ThreadList(dense: scratch + 2 * size, sparse: scratch + 3 * size)
            let stack = scratch + 4 * size
            var position = 0
            var previous = UTF8Input.noScalar
            var (scalar, length) = UTF8Input.decode(input, at: 0)
            while true {
                if current.count == 0 {
                    if anchoredAtStart && position > 0 { return false }
                    // No thread is alive: jump to the next byte a match can begin with.
                    if let firstBytes, position < limit, !firstBytes.contains(input[position]) {
                        var candidate = position + 1
                        while candidate < limit && !firstBytes.contains(input[candidate]) { candidate += 1 }
                        if candidate >= limit { return false }
                        // The candidate starts a character; only the ASCII-ness of the one before
                        // matters to assertions (word characters and newlines are ASCII).
                        let before = input[candidate - 1]
                        previous = before < 0x80 ? UInt32(before) : 0xFFFD
                        position = candidate
                        (scalar, length) = UTF8Input.decode(input, at: candidate)
                    }
                }
                if !anchoredAtStart || position == 0 {
                    let context = Self.context(previous: previous, next: scalar)
                    if Self.addThread(0, to: &current, context: context, stack: stack, code: code) { return true }
                }
                guard position < limit else { return false }
                // Every live thread costs a step here and at most one closure below.
                steps += current.count
                if steps > budget { return nil }
                let nextPosition = position + length
                let (following, followingLength) = UTF8Input.decode(input, at: nextPosition)
                let nextContext = Self.context(previous: scalar, next: following)
                next.count = 0
                var index = 0
                while index < current.count {
                    let pc = current.dense[index]
                    index += 1
                    let consumes: Bool
                    switch code[pc] {
                    case .scalar(let value): consumes = value == scalar
                    case .set(let set): consumes = sets[set].contains(scalar)
                    case .anyScalar: consumes = true
                    case .anyButNewline: consumes = scalar != 0x0A
                    default: consumes = false
                    }
                    if consumes && Self.addThread(pc + 1, to: &next, context: nextContext, stack: stack, code: code) {
                        return true
                    }
                }
                swap(&current, &next)
                position = nextPosition
                previous = scalar
                scalar = following
                length = followingLength
            }
        }

        /// Adds `start` and everything reachable from it without consuming a character to `list`;
        /// returns whether that reaches `match`. Each instruction is pushed at most once, so the
        /// stack never holds more than the program's size.
        private static func addThread(
            _ start: Int,
            to list: inout ThreadList,
            context: UInt8,
            stack: UnsafeMutablePointer<Int>,
            code: UnsafeBufferPointer<Instruction>
        ) -> Bool {
            if list.contains(start) { return false }
            list.insert(start)
            stack[0] = start
            var depth = 1
            while depth > 0 {
                depth -= 1
                let pc = stack[depth]
                var first = -1
                var second = -1
                switch code[pc] {
                case .match:
                    return true
                case .jump(let target):
                    first = target
                case .split(let preferred, let other):
                    first = preferred
                    second = other
                case .assertion(let assertion):
                    if context & assertion.rawValue != 0 { first = pc + 1 }
                default:
                    break
                }
                if first >= 0 && !list.contains(first) {
                    list.insert(first)
                    stack[depth] = first
                    depth += 1
                }
                if second >= 0 && !list.contains(second) {
                    list.insert(second)
                    stack[depth] = second
                    depth += 1
                }
            }
            return false
        }

        /// The assertions that hold between `previous` and `next` (``UTF8Input/noScalar`` at the
        /// start and the end of the text), as a mask of ``Assertion`` raw values.
        @inline(__always)
        private static func context(previous: UInt32, next: UInt32) -> UInt8 {
            var bits: UInt8 = 0
            if previous == UTF8Input.noScalar {
                bits |= Assertion.beginText.rawValue | Assertion.beginLine.rawValue
            } else if previous == 0x0A {
                bits |= Assertion.beginLine.rawValue
            }
            if next == UTF8Input.noScalar {
                bits |= Assertion.endText.rawValue | Assertion.endLine.rawValue
            } else if next == 0x0A {
                bits |= Assertion.endLine.rawValue
            }
            let boundary = ScalarSet.isWord(previous) != ScalarSet.isWord(next)
            bits |= boundary ? Assertion.wordBoundary.rawValue : Assertion.notWordBoundary.rawValue
            return bits
        }
    }

    /// A set of instruction indices with constant-time insertion, membership and clearing (the
    /// sparse-set trick), over scratch memory owned by the caller.
    struct ThreadList {
        let dense: UnsafeMutablePointer<Int>
        let sparse: UnsafeMutablePointer<Int>
        var count = 0

        init(dense: UnsafeMutablePointer<Int>, sparse: UnsafeMutablePointer<Int>) {
            self.dense = dense
            self.sparse = sparse
        }

        @inline(__always)
        func contains(_ pc: Int) -> Bool {
            let slot = sparse[pc]
            return slot < count && dense[slot] == pc
        }

        @inline(__always)
        mutating func insert(_ pc: Int) {
            sparse[pc] = count
            dense[count] = pc
            count += 1
        }
    }
}

// MARK: - Characters

extension FilterRegex {
    /// On-the-fly UTF-8 decoding that reads ill-formed input as U+FFFD.
    enum UTF8Input {
        /// Stands for "no character": before the start or past the end of the text.
        static let noScalar: UInt32 = 0xFFFF_FFFF

        /// The character at `index` and its length in bytes, or (``noScalar``, 0) at the end.
        /// A maximal ill-formed subsequence (an unexpected byte, or a truncated sequence) reads as
        /// one U+FFFD, so every byte below 0x80 or at or above 0xC0 starts a character.
        @inline(__always)
        static func decode(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
            let count = input.count
            guard index < count else { return (noScalar, 0) }
            let lead = input[index]
            if lead < 0x80 { return (UInt32(lead), 1) }
            if lead < 0xC2 { return (0xFFFD, 1) }
            if lead < 0xE0 {
                guard index + 1 < count, isContinuation(input[index + 1]) else { return (0xFFFD, 1) }
                return ((UInt32(lead & 0x1F) << 6) | UInt32(input[index + 1] & 0x3F), 2)
            }
            if lead < 0xF0 {
                // E0 needs A0–BF next (no overlong forms), ED needs 80–9F (no surrogates).
                let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
                let high: UInt8 = lead == 0xED ? 0x9F : 0xBF
                guard index + 1 < count, input[index + 1] >= low, input[index + 1] <= high else {
                    return (0xFFFD, 1)
                }
                guard index + 2 < count, isContinuation(input[index + 2]) else { return (0xFFFD, 2) }
                let value =
                    (UInt32(lead & 0x0F) << 12) | (UInt32(input[index + 1] & 0x3F) << 6)
                    | UInt32(input[index + 2] & 0x3F)
                return (value, 3)
            }
            if lead < 0xF5 {
                // F0 needs 90–BF next (no overlong forms), F4 needs 80–8F (nothing past U+10FFFF).
                let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80
                let high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
                guard index + 1 < count, input[index + 1] >= low, input[index + 1] <= high else {
                    return (0xFFFD, 1)
                }
                guard index + 2 < count, isContinuation(input[index + 2]) else { return (0xFFFD, 2) }
                guard index + 3 < count, isContinuation(input[index + 3]) else { return (0xFFFD, 3) }
                let value =
                    (UInt32(lead & 0x07) << 18) | (UInt32(input[index + 1] & 0x3F) << 12)
                    | (UInt32(input[index + 2] & 0x3F) << 6) | UInt32(input[index + 3] & 0x3F)
                return (value, 4)
            }
            return (0xFFFD, 1)
        }

        @inline(__always)
        static func isContinuation(_ byte: UInt8) -> Bool {
            byte & 0xC0 == 0x80
        }

        /// The first byte of the UTF-8 form of `value`.
        static func leadByte(of value: UInt32) -> UInt8 {
            switch value {
            case ..<0x80: UInt8(value)
            case ..<0x800: UInt8(0xC0 | (value >> 6))
            case ..<0x1_0000: UInt8(0xE0 | (value >> 12))
            default: UInt8(0xF0 | min(value >> 18, 0x07))
            }
        }
    }

    /// A set of Unicode scalars: a bitmap for ASCII, sorted disjoint ranges for the rest.
    struct ScalarSet: Sendable, Hashable {
        private var asciiLow: UInt64 = 0
        private var asciiHigh: UInt64 = 0
        /// The non-ASCII members as (lower, upper) bound pairs laid flat, sorted and disjoint.
        private(set) var bounds: [UInt32] = []

        /// A set of the given ranges, which must be sorted, disjoint and not adjacent (as
        /// ``normalized(_:)`` leaves them).
        init(normalized ranges: [ClosedRange<UInt32>]) {
            for range in ranges {
                var low = range.lowerBound
                while low <= range.upperBound && low < 0x80 {
                    if low < 64 {
                        asciiLow |= UInt64(1) << UInt64(low)
                    } else {
                        asciiHigh |= UInt64(1) << UInt64(low - 64)
                    }
                    low += 1
                }
                if low <= range.upperBound {
                    bounds.append(low)
                    bounds.append(range.upperBound)
                }
            }
        }

        @inline(__always)
        func contains(_ value: UInt32) -> Bool {
            if value < 64 { return (asciiLow >> UInt64(value)) & 1 != 0 }
            if value < 128 { return (asciiHigh >> UInt64(value - 64)) & 1 != 0 }
            var low = 0
            var high = bounds.count / 2
            while low < high {
                let middle = (low + high) / 2
                if value < bounds[2 * middle] {
                    high = middle
                } else if value > bounds[2 * middle + 1] {
                    low = middle + 1
                } else {
                    return true
                }
            }
            return false
        }

        /// Whether `value` is an ASCII word character, `[0-9A-Za-z_]`.
        @inline(__always)
        static func isWord(_ value: UInt32) -> Bool {
            switch value {
            case 0x30...0x39, 0x41...0x5A, 0x5F, 0x61...0x7A: true
            default: false
            }
        }

        /// The ranges sorted, with overlapping and adjacent ones merged.
        static func normalized(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
            let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
            var result: [ClosedRange<UInt32>] = []
            for range in sorted {
                if let last = result.last, range.lowerBound <= last.upperBound + 1 {
                    if range.upperBound > last.upperBound {
                        result[result.count - 1] = last.lowerBound...range.upperBound
                    }
                } else {
                    result.append(range)
                }
            }
            return result
        }

        /// Every scalar value up to U+10FFFF that the ranges leave out, normalized.
        static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
            var result: [ClosedRange<UInt32>] = []
            var next: UInt32 = 0
            for range in normalized(ranges) {
                if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
                next = range.upperBound + 1
            }
            if next <= 0x10_FFFF { result.append(next...0x10_FFFF) }
            return result
        }

        static let digit: [ClosedRange<UInt32>] = [0x30...0x39]
        static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
        static let space: [ClosedRange<UInt32>] = [0x09...0x0D, 0x20...0x20]

        /// The ASCII members of a POSIX class such as `alpha`, or `nil` for an unknown name.
        static func posix(_ name: String) -> [ClosedRange<UInt32>]? {
            switch name {
            case "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A]
            case "alpha": [0x41...0x5A, 0x61...0x7A]
            case "ascii": [0x00...0x7F]
            case "blank": [0x09...0x09, 0x20...0x20]
            case "cntrl": [0x00...0x1F, 0x7F...0x7F]
            case "digit": digit
            case "graph": [0x21...0x7E]
            case "lower": [0x61...0x7A]
            case "print": [0x20...0x7E]
            case "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E]
            case "space": space
            case "upper": [0x41...0x5A]
            case "word": word
            case "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66]
            default: nil
            }
        }
    }
}

// MARK: - Parsing

extension FilterRegex {
    /// A parsed pattern, before compiling.
    indirect enum Node: Sendable {
        case empty
        case scalar(UInt32)
        case set(Int)
        case any(matchesNewline: Bool)
        case assertion(Assertion)
        case concatenation([Node])
        case alternation([Node])
        case repetition(Node, min: Int, max: Int?)
    }

    /// A recursive-descent parser over the pattern's UTF-8 bytes. It recurses once per group, and
    /// groups nest at most ``FilterRegex/maxNestingDepth`` deep.
    struct Parser {
        /// A parsed node and the number of instructions it compiles to.
        struct Fragment {
            var node: Node
            var size: Int
        }

        /// What an escape stands for.
        enum Escape {
            case scalar(UInt32)
            case ranges([ClosedRange<UInt32>])
            case assertion(Assertion)
        }

        struct Flags {
            var caseInsensitive = false
            var multiLine = false
            var dotMatchesNewline = false
        }

        let bytes: [UInt8]
        var position = 0
        var flags = Flags()
        var depth = 0
        var sets: [ScalarSet] = []
        var groupNames: Set<String> = []
        /// How many more non-ASCII characters of classes `(?i)` may look up the case of; past it,
        /// a class's non-ASCII part is matched as written.
        var foldBudget = 4_096
        /// Instructions available to the pattern; the final `match` takes one more.
        let budget = FilterRegex.maxInstructions - 1

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        func error(_ message: String, at offset: Int) -> SyntaxError {
            SyntaxError(message: message, offset: offset)
        }

        func tooLarge(at offset: Int) -> SyntaxError {
            error("pattern compiles to more than 10,000 instructions", at: offset)
        }

        func peek(_ ahead: Int = 0) -> UInt8? {
            position + ahead < bytes.count ? bytes[position + ahead] : nil
        }

        func at(_ character: Unicode.Scalar, ahead: Int = 0) -> Bool {
            peek(ahead) == UInt8(ascii: character)
        }

        static func isRepetitionOperator(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "*") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "?")
                || byte == UInt8(ascii: "{")
        }

        mutating func parse() throws(SyntaxError) -> Fragment {
            let root = try parseAlternation()
            // Only a `)` stops an alternation before the end.
            if position < bytes.count { throw error("unmatched ')'", at: position) }
            return root
        }

        mutating func parseAlternation() throws(SyntaxError) -> Fragment {
            var branches: [Node] = []
            var size = 0
            while true {
                let start = position
                let branch = try parseConcatenation()
                // Each branch but the last adds a split before it and a jump after it.
                size += branch.size + (branches.isEmpty ? 0 : 2)
                if size > budget { throw tooLarge(at: start) }
                branches.append(branch.node)
                guard at("|") else { break }
                position += 1
            }
            if branches.count == 1 { return Fragment(node: branches[0], size: size) }
            return Fragment(node: .alternation(branches), size: size)
        }

        mutating func parseConcatenation() throws(SyntaxError) -> Fragment {
            var items: [Node] = []
            var size = 0
            while let byte = peek(), byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
                let start = position
                guard let atom = try parseAtom() else {
                    // A flag group such as `(?i)` matches nothing, so nothing may repeat it.
                    if let next = peek(), Self.isRepetitionOperator(next) {
                        throw error("repetition operator with nothing to repeat", at: position)
                    }
                    continue
                }
                let item = try parseRepetition(of: atom)
                size += item.size
                if size > budget { throw tooLarge(at: start) }
                items.append(item.node)
            }
            switch items.count {
            case 0: return Fragment(node: .empty, size: 0)
            case 1: return Fragment(node: items[0], size: size)
            default: return Fragment(node: .concatenation(items), size: size)
            }
        }

        /// One atom, or `nil` for a group that only sets flags.
        mutating func parseAtom() throws(SyntaxError) -> Fragment? {
            let start = position
            switch bytes[position] {
            case UInt8(ascii: "("):
                return try parseGroup()
            case UInt8(ascii: "["):
                return try parseClass()
            case UInt8(ascii: "."):
                position += 1
                return Fragment(node: .any(matchesNewline: flags.dotMatchesNewline), size: 1)
            case UInt8(ascii: "^"):
                position += 1
                return Fragment(node: .assertion(flags.multiLine ? .beginLine : .beginText), size: 1)
            case UInt8(ascii: "$"):
                position += 1
                return Fragment(node: .assertion(flags.multiLine ? .endLine : .endText), size: 1)
            case UInt8(ascii: "\\"):
                switch try parseEscape(inClass: false) {
                case .scalar(let value): return literal(value)
                case .ranges(let ranges): return Fragment(node: .set(addSet(ranges)), size: 1)
                case .assertion(let assertion): return Fragment(node: .assertion(assertion), size: 1)
                }
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                throw error("repetition operator with nothing to repeat", at: start)
            default:
                let value = nextScalar()
                return literal(value)
            }
        }

        /// The repetition operators after an atom, if any.
        mutating func parseRepetition(of atom: Fragment) throws(SyntaxError) -> Fragment {
            guard let byte = peek(), Self.isRepetitionOperator(byte) else { return atom }
            let operatorOffset = position
            var minimum: Int
            var maximum: Int?
            switch byte {
            case UInt8(ascii: "*"):
                minimum = 0
                maximum = nil
                position += 1
            case UInt8(ascii: "+"):
                minimum = 1
                maximum = nil
                position += 1
            case UInt8(ascii: "?"):
                minimum = 0
                maximum = 1
                position += 1
            default:
                let counted = try parseCountedRepetition()
                minimum = counted.minimum
                maximum = counted.maximum
            }
            // Laziness decides which match is found, not whether there is one.
            if at("?") { position += 1 }
            if let next = peek(), Self.isRepetitionOperator(next) {
                throw error("repetition operator applied to a repetition", at: position)
            }
            var repeated = atom
            // `*`, `+` or `?` of `*`, `+` or `?`, as in `(a*)*`, matches what one operator does:
            // `+` of `+` is `+`, `?` of `?` is `?`, anything else is `*`. Without captures to
            // fill, the nested loops only cost time, so they are merged.
            if Self.isSimple(minimum, maximum),
                case .repetition(let inner, let innerMinimum, let innerMaximum) = atom.node,
                Self.isSimple(innerMinimum, innerMaximum)
            {
                let innerSize = atom.size - Self.repetitionSize(0, minimum: innerMinimum, maximum: innerMaximum)
                repeated = Fragment(node: inner, size: innerSize)
                minimum = minimum == 1 && innerMinimum == 1 ? 1 : 0
                maximum = maximum == 1 && innerMaximum == 1 ? 1 : nil
            }
            let size = Self.repetitionSize(repeated.size, minimum: minimum, maximum: maximum)
            if size > budget { throw tooLarge(at: operatorOffset) }
            return Fragment(node: .repetition(repeated.node, min: minimum, max: maximum), size: size)
        }

        /// Whether a repetition is `*`, `+` or `?`.
        static func isSimple(_ minimum: Int, _ maximum: Int?) -> Bool {
            minimum <= 1 && (maximum == nil || maximum == 1)
        }

        /// The instructions a repetition of something of `size` instructions compiles to (see
        /// ``Compiler/emit(_:)``).
        static func repetitionSize(_ size: Int, minimum: Int, maximum: Int?) -> Int {
            if let maximum { return minimum * size + (maximum - minimum) * (size + 1) }
            return minimum == 0 ? size + 2 : minimum * size + 1
        }

        /// `{n}`, `{n,}` or `{n,m}`, at its `{`.
        mutating func parseCountedRepetition() throws(SyntaxError) -> (minimum: Int, maximum: Int?) {
            let open = position
            position += 1
            guard let minimum = try parseCount() else {
                throw error("counted repetition without a minimum", at: open)
            }
            var maximum: Int? = minimum
            if at(",") {
                position += 1
                maximum = try parseCount()
            }
            guard at("}") else { throw error("unclosed counted repetition", at: open) }
            position += 1
            if let maximum, maximum < minimum {
                throw error("counted repetition's maximum is below its minimum", at: open)
            }
            return (minimum, maximum)
        }

        /// A decimal count, or `nil` when there are no digits.
        mutating func parseCount() throws(SyntaxError) -> Int? {
            let start = position
            var value = 0
            while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                position += 1
                if value > FilterRegex.maxRepetitionCount {
                    throw error("repetition count above 1,000", at: start)
                }
            }
            return position == start ? nil : value
        }

        /// A group at its `(`: `nil` when it only sets flags for the rest of the enclosing group.
        mutating func parseGroup() throws(SyntaxError) -> Fragment? {
            let open = position
            position += 1
            let saved = flags
            if at("?") {
                position += 1
                guard let byte = peek() else { throw error("missing ')'", at: open) }
                switch byte {
                case UInt8(ascii: "="), UInt8(ascii: "!"):
                    throw error("lookahead is not supported", at: open)
                case UInt8(ascii: "<") where at("=", ahead: 1) || at("!", ahead: 1):
                    throw error("lookbehind is not supported", at: open)
                case UInt8(ascii: "<"):
                    position += 1
                    try parseGroupName(open: open)
                case UInt8(ascii: "P") where at("<", ahead: 1):
                    position += 2
                    try parseGroupName(open: open)
                case UInt8(ascii: "P") where at("=", ahead: 1):
                    throw error("backreferences are not supported", at: open)
                default:
                    // `(?flags)` sets flags until the enclosing group ends: there is no group.
                    guard try parseFlags(open: open) else { return nil }
                }
            }
            depth += 1
            if depth > FilterRegex.maxNestingDepth {
                throw error("groups nested more than 32 deep", at: open)
            }
            let inner = try parseAlternation()
            guard at(")") else { throw error("missing ')'", at: open) }
            position += 1
            depth -= 1
            flags = saved
            return inner
        }

        /// The flags after `(?`, through the `)` or `:` that ends them; returns whether a group
        /// follows (`:`).
        mutating func parseFlags(open: Int) throws(SyntaxError) -> Bool {
            var clearing = false
            var sawFlag = false
            while let byte = peek() {
                position += 1
                switch byte {
                case UInt8(ascii: "i"):
                    flags.caseInsensitive = !clearing
                    sawFlag = true
                case UInt8(ascii: "m"):
                    flags.multiLine = !clearing
                    sawFlag = true
                case UInt8(ascii: "s"):
                    flags.dotMatchesNewline = !clearing
                    sawFlag = true
                case UInt8(ascii: "U"):
                    // Ungreedy: laziness does not change whether there is a match.
                    sawFlag = true
                case UInt8(ascii: "-"):
                    if clearing { throw error("'-' twice in flags", at: position - 1) }
                    clearing = true
                    sawFlag = false
                case UInt8(ascii: ":"), UInt8(ascii: ")"):
                    // `(?:` needs no flag; `(?)`, `(?i-)` and `(?-:` are missing one.
                    let group = byte == UInt8(ascii: ":")
                    if !sawFlag && (clearing || !group) { throw error("missing flag", at: position - 1) }
                    return group
                default:
                    throw error("unknown or unsupported group flag", at: position - 1)
                }
            }
            throw error("missing ')'", at: open)
        }

        /// A group name and its `>`; names are ASCII word characters, not starting with a digit,
        /// and unique in the pattern.
        mutating func parseGroupName(open: Int) throws(SyntaxError) {
            let start = position
            while let byte = peek(), byte != UInt8(ascii: ">") {
                guard ScalarSet.isWord(UInt32(byte)) else { throw error("invalid group name", at: position) }
                position += 1
            }
            guard at(">") else { throw error("missing '>' after a group name", at: open) }
            guard position > start, !(bytes[start] >= UInt8(ascii: "0") && bytes[start] <= UInt8(ascii: "9")) else {
                throw error("invalid group name", at: start)
            }
            let name = String(decoding: bytes[start..<position], as: UTF8.self)
            guard groupNames.insert(name).inserted else { throw error("duplicate group name", at: start) }
            position += 1
        }

        /// An escape at its backslash.
        mutating func parseEscape(inClass: Bool) throws(SyntaxError) -> Escape {
            let start = position
            position += 1
            guard let byte = peek() else { throw error("trailing backslash", at: start) }
            position += 1
            switch byte {
            case UInt8(ascii: "a"): return .scalar(0x07)
            case UInt8(ascii: "f"): return .scalar(0x0C)
            case UInt8(ascii: "n"): return .scalar(0x0A)
            case UInt8(ascii: "r"): return .scalar(0x0D)
            case UInt8(ascii: "t"): return .scalar(0x09)
            case UInt8(ascii: "v"): return .scalar(0x0B)
            case UInt8(ascii: "x"): return try .scalar(parseHexadecimal(start: start))
            case UInt8(ascii: "d"): return .ranges(perlClass(ScalarSet.digit, negated: false))
            case UInt8(ascii: "D"): return .ranges(perlClass(ScalarSet.digit, negated: true))
            case UInt8(ascii: "w"): return .ranges(perlClass(ScalarSet.word, negated: false))
            case UInt8(ascii: "W"): return .ranges(perlClass(ScalarSet.word, negated: true))
            case UInt8(ascii: "s"): return .ranges(perlClass(ScalarSet.space, negated: false))
            case UInt8(ascii: "S"): return .ranges(perlClass(ScalarSet.space, negated: true))
            case UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "b"), UInt8(ascii: "B"):
                if inClass { throw error("an assertion cannot be in a class", at: start) }
                switch byte {
                case UInt8(ascii: "A"): return .assertion(.beginText)
                case UInt8(ascii: "z"): return .assertion(.endText)
                case UInt8(ascii: "b"): return .assertion(.wordBoundary)
                default: return .assertion(.notWordBoundary)
                }
            case UInt8(ascii: "1")...UInt8(ascii: "9"):
                throw error("backreferences are not supported", at: start)
            case UInt8(ascii: "0"):
                throw error("octal escapes are not supported; use \\x", at: start)
            case UInt8(ascii: "p"), UInt8(ascii: "P"):
                throw error("Unicode classes are not supported", at: start)
            case UInt8(ascii: "<"), UInt8(ascii: ">"):
                // The Rust crate reads these as word-start and word-end assertions.
                throw error("\\< and \\> are not supported; write < or >", at: start)
            case 0x20...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E:
                return .scalar(UInt32(byte))
            default:
                throw error("unknown escape", at: start)
            }
        }

        /// A Perl or POSIX class: under `(?i)` its members' other cases are added before it is
        /// negated, as RE2 does, so `(?i)\W` leaves out the Kelvin sign that `(?i)\w` takes in.
        mutating func perlClass(_ members: [ClosedRange<UInt32>], negated: Bool) -> [ClosedRange<UInt32>] {
            var ranges: [ClosedRange<UInt32>] = []
            for range in members { addRange(range, to: &ranges, folding: flags.caseInsensitive) }
            return negated ? ScalarSet.complement(ranges) : ranges
        }

        /// The digits of `\xHH` or `\x{H…}`, after the `x`.
        mutating func parseHexadecimal(start: Int) throws(SyntaxError) -> UInt32 {
            guard at("{") else {
                guard let high = peek().flatMap(Self.hexValue), let low = peek(1).flatMap(Self.hexValue) else {
                    throw error("\\x needs two hexadecimal digits", at: start)
                }
                position += 2
                return high << 4 | low
            }
            position += 1
            var value: UInt32 = 0
            var digits = 0
            while let byte = peek(), byte != UInt8(ascii: "}") {
                guard let digit = Self.hexValue(byte), digits < 8 else {
                    throw error("invalid hexadecimal escape", at: start)
                }
                value = value << 4 | digit
                digits += 1
                position += 1
            }
            guard at("}"), digits > 0 else { throw error("invalid hexadecimal escape", at: start) }
            position += 1
            guard value <= 0x10_FFFF, !(0xD800...0xDFFF).contains(value) else {
                throw error("escape is not a Unicode scalar value", at: start)
            }
            return value
        }

        static func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        /// A class at its `[`.
        mutating func parseClass() throws(SyntaxError) -> Fragment {
            let open = position
            position += 1
            var negated = false
            if at("^") {
                negated = true
                position += 1
            }
            var ranges: [ClosedRange<UInt32>] = []
            var first = true
            while true {
                guard let byte = peek() else { throw error("missing ']'", at: open) }
                if byte == UInt8(ascii: "]") && !first {
                    position += 1
                    break
                }
                first = false
                let itemStart = position
                if byte == UInt8(ascii: "[") {
                    guard at(":", ahead: 1) else {
                        throw error("'[' in a class must be escaped", at: itemStart)
                    }
                    try parsePOSIXClass(into: &ranges)
                    continue
                }
                if (byte == UInt8(ascii: "&") && at("&", ahead: 1)) || (byte == UInt8(ascii: "~") && at("~", ahead: 1))
                    || (byte == UInt8(ascii: "-") && at("-", ahead: 1))
                {
                    throw error("class set operations are not supported; escape the character", at: itemStart)
                }
                let low: UInt32
                switch try parseClassCharacter() {
                case .scalar(let value):
                    low = value
                case .ranges(let perl):
                    ranges += perl
                    continue
                case .assertion:
                    throw error("an assertion cannot be in a class", at: itemStart)
                }
                if at("-"), let after = peek(1), after != UInt8(ascii: "]") {
                    position += 1
                    guard case .scalar(let high) = try parseClassCharacter() else {
                        throw error("a class range must end in a character", at: itemStart)
                    }
                    guard low <= high else { throw error("class range out of order", at: itemStart) }
                    addRange(low...high, to: &ranges, folding: flags.caseInsensitive)
                } else {
                    addRange(low...low, to: &ranges, folding: flags.caseInsensitive)
                }
            }
            let members = negated ? ScalarSet.complement(ranges) : ranges
            return Fragment(node: .set(addSet(members)), size: 1)
        }

        /// One character of a class, or an escape standing for a Perl class.
        mutating func parseClassCharacter() throws(SyntaxError) -> Escape {
            if at("\\") { return try parseEscape(inClass: true) }
            return .scalar(nextScalar())
        }

        /// `[:name:]` or `[:^name:]` inside a class, at its `[`.
        mutating func parsePOSIXClass(into ranges: inout [ClosedRange<UInt32>]) throws(SyntaxError) {
            let start = position
            position += 2
            var negated = false
            if at("^") {
                negated = true
                position += 1
            }
            let nameStart = position
            while let byte = peek(), byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") { position += 1 }
            guard at(":"), at("]", ahead: 1) else { throw error("invalid POSIX class", at: start) }
            let name = String(decoding: bytes[nameStart..<position], as: UTF8.self)
            position += 2
            guard let members = ScalarSet.posix(name) else { throw error("unknown POSIX class", at: start) }
            ranges += perlClass(members, negated: negated)
        }

        /// The next character of the pattern, which is well-formed UTF-8.
        mutating func nextScalar() -> UInt32 {
            let start = position
            let (value, length) = bytes.withUnsafeBufferPointer { UTF8Input.decode($0, at: start) }
            position += max(length, 1)
            return value
        }

        /// A literal character: itself, or under `(?i)` the set of its cases.
        mutating func literal(_ value: UInt32) -> Fragment {
            guard flags.caseInsensitive else { return Fragment(node: .scalar(value), size: 1) }
            var ranges: [ClosedRange<UInt32>] = []
            addRange(value...value, to: &ranges, folding: true)
            let members = ScalarSet.normalized(ranges)
            if members.count == 1 && members[0].lowerBound == members[0].upperBound {
                return Fragment(node: .scalar(value), size: 1)
            }
            return Fragment(node: .set(addSet(members)), size: 1)
        }

        /// Adds a range and, when folding, the other cases of its members.
        mutating func addRange(_ range: ClosedRange<UInt32>, to ranges: inout [ClosedRange<UInt32>], folding: Bool) {
            ranges.append(range)
            guard folding else { return }
            // ASCII letters, whole ranges at a time.
            let capitals: ClosedRange<UInt32> = 0x41...0x5A
            if range.overlaps(capitals) {
                let upper = range.clamped(to: capitals)
                ranges.append((upper.lowerBound + 32)...(upper.upperBound + 32))
            }
            let smalls: ClosedRange<UInt32> = 0x61...0x7A
            if range.overlaps(smalls) {
                let lower = range.clamped(to: smalls)
                ranges.append((lower.lowerBound - 32)...(lower.upperBound - 32))
            }
            // The two non-ASCII characters in the case orbit of an ASCII letter.
            for (letter, other) in [(UInt32(0x6B), UInt32(0x212A)), (0x73, 0x17F)] {
                if range.contains(letter) || range.contains(letter - 32) { ranges.append(other...other) }
                if range.contains(other) { ranges += [letter...letter, (letter - 32)...(letter - 32)] }
            }
            // Other characters one at a time, up to the budget.
            let low = max(range.lowerBound, 0x80)
            guard low <= range.upperBound else { return }
            let count = Int(range.upperBound - low) + 1
            guard count <= foldBudget else { return }
            foldBudget -= count
            for value in low...range.upperBound {
                guard let scalar = Unicode.Scalar(value) else { continue }
                if let mapped = Self.single(scalar.properties.lowercaseMapping), mapped != value {
                    ranges.append(mapped...mapped)
                }
                if let mapped = Self.single(scalar.properties.uppercaseMapping), mapped != value {
                    ranges.append(mapped...mapped)
                }
            }
        }

        /// The scalar of a one-scalar string, or `nil`.
        static func single(_ string: String) -> UInt32? {
            var scalars = string.unicodeScalars.makeIterator()
            guard let first = scalars.next(), scalars.next() == nil else { return nil }
            return first.value
        }

        /// The index of a set with these members, added if new.
        mutating func addSet(_ ranges: [ClosedRange<UInt32>]) -> Int {
            let set = ScalarSet(normalized: ScalarSet.normalized(ranges))
            if let index = sets.firstIndex(of: set) { return index }
            sets.append(set)
            return sets.count - 1
        }
    }

    /// Writes a parsed pattern out as instructions. The parser has already checked the size, so
    /// writing out counted repetitions stays within ``FilterRegex/maxInstructions``.
    struct Compiler {
        var code: [Instruction] = []

        mutating func emit(_ node: Node) {
            switch node {
            case .empty:
                break
            case .scalar(let value):
                code.append(.scalar(value))
            case .set(let index):
                code.append(.set(index))
            case .any(let matchesNewline):
                code.append(matchesNewline ? .anyScalar : .anyButNewline)
            case .assertion(let assertion):
                code.append(.assertion(assertion))
            case .concatenation(let nodes):
                for node in nodes { emit(node) }
            case .alternation(let branches):
                var jumps: [Int] = []
                for branch in branches.dropLast() {
                    let split = code.count
                    code.append(.jump(-1))
                    emit(branch)
                    jumps.append(code.count)
                    code.append(.jump(-1))
                    code[split] = .split(split + 1, code.count)
                }
                if let last = branches.last { emit(last) }
                for jump in jumps { code[jump] = .jump(code.count) }
            case .repetition(let inner, let minimum, let maximum):
                if let maximum {
                    for _ in 0..<minimum { emit(inner) }
                    // Each optional copy may be skipped to the end.
                    var splits: [Int] = []
                    for _ in minimum..<maximum {
                        splits.append(code.count)
                        code.append(.jump(-1))
                        emit(inner)
                    }
                    for split in splits { code[split] = .split(split + 1, code.count) }
                } else if minimum == 0 {
                    let loop = code.count
                    code.append(.jump(-1))
                    emit(inner)
                    code.append(.jump(loop))
                    code[loop] = .split(loop + 1, code.count)
                } else {
                    for _ in 0..<(minimum - 1) { emit(inner) }
                    let start = code.count
                    emit(inner)
                    code.append(.split(start, code.count + 1))
                }
            }
        }
    }
}
