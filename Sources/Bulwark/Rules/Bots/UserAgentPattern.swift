/// A regular expression over the bytes of a user agent, in the subset the bot catalogue uses.
///
/// The catalogue's patterns come from crawler-user-agents and isbot, written for JavaScript and
/// Python engines. This engine accepts what they use (literals, escapes, classes, groups,
/// alternation, greedy and lazy quantifiers, anchors, word boundaries, lookahead and fixed-width
/// lookbehind) and rejects anything else at parse time, so a catalogue that needs more fails its
/// tests rather than matching differently. Matching backtracks with a step budget, so no input can
/// make it run away: past the budget the pattern does not match.
struct UserAgentPattern: Sendable {
    /// What went wrong parsing a pattern; the catalogue's own patterns never produce one.
    struct ParseError: Error, CustomStringConvertible {
        let pattern: String
        let message: String
        var description: String { "pattern \"\(pattern.prefix(80))\": \(message)" }
    }

    enum Instruction: Sendable {
        case byte(UInt8)
        case set(Int)
        case split(preferred: Int, other: Int)
        case jump(Int)
        case start
        case end
        case wordBoundary(negated: Bool)
        case look(program: Int, ahead: Bool, negated: Bool, width: Int)
        case match
    }

    struct Program: Sendable {
        var code: [Instruction] = []
    }

    /// The main program and the programs of its lookarounds.
    private let programs: [Program]
    private let sets: [ByteSet]
    /// Whether the pattern can only match at the start of the input.
    let anchoredAtStart: Bool
    /// The bytes a match can begin with, to skip start positions quickly; `nil` when any can.
    private let firstBytes: ByteSet?
    /// Literals, lower-cased, of which every match contains at least one; empty when the pattern
    /// has no literal of three or more bytes that it requires.
    let requiredLiterals: [[UInt8]]
    /// Whether the pattern ignores case (it is then matched against lower-cased input).
    let caseInsensitive: Bool
    /// The pattern as written.
    let source: String

    /// The most steps a match attempt from one start position may take.
    static let stepBudget = 10_000
    /// The most steps all attempts over one input may take together; past it, no match.
    static let totalBudget = 200_000

    init(_ source: String, caseInsensitive: Bool = false) throws(ParseError) {
        var parser = Parser(source: Array(source.utf8), text: source, caseInsensitive: caseInsensitive)
        let node = try parser.parseAlternation()
        guard parser.position == parser.source.count else {
            throw ParseError(pattern: source, message: "unbalanced parenthesis at byte \(parser.position)")
        }
        var compiler = Compiler(sets: parser.sets)
        let main = compiler.compile(node)
        compiler.programs.insert(main, at: 0)
        // Lookaround programs were appended after the main one was reserved; shift their indices.
        self.programs = compiler.programs.map { program in
            Program(
                code: program.code.map {
                    if case .look(let index, let ahead, let negated, let width) = $0 {
                        return .look(program: index + 1, ahead: ahead, negated: negated, width: width)
                    }
                    return $0
                }
            )
        }
        self.sets = compiler.sets
        self.anchoredAtStart = node.anchoredAtStart
        self.firstBytes = node.firstBytes(sets: compiler.sets)
        self.caseInsensitive = caseInsensitive
        self.source = source
        let literals = node.requiredLiterals(sets: compiler.sets)
        self.requiredLiterals = (literals?.allSatisfy { $0.count >= 3 } ?? false) ? literals! : []
    }

    /// Whether the pattern matches anywhere in `input` (lower-cased first when the pattern ignores
    /// case: pass the lower-cased bytes then).
    func matches(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        var total = Self.totalBudget
        let last = anchoredAtStart ? 0 : input.count
        var start = 0
        while start <= last {
            if let firstBytes {
                while start < input.count, !firstBytes.contains(input[start]) { start += 1 }
                if start >= input.count { return false }
            }
            var budget = Self.stepBudget
            if run(program: 0, pc: 0, sp: start, input: input, budget: &budget) != nil { return true }
            total -= Self.stepBudget - budget
            if total <= 0 { return false }
            start += 1
        }
        return false
    }

    /// Runs a program from `pc` at `sp`; returns where the match ends, or `nil`.
    private func run(
        program index: Int,
        pc startPC: Int,
        sp startSP: Int,
        input: UnsafeBufferPointer<UInt8>,
        budget: inout Int
    ) -> Int? {
        var pc = startPC
        var sp = startSP
        while true {
            budget -= 1
            if budget <= 0 { return nil }
            switch programs[index].code[pc] {
            case .byte(let byte):
                guard sp < input.count, input[sp] == byte else { return nil }
                pc += 1
                sp += 1
            case .set(let set):
                guard sp < input.count, sets[set].contains(input[sp]) else { return nil }
                pc += 1
                sp += 1
            case .split(let preferred, let other):
                if let end = run(program: index, pc: preferred, sp: sp, input: input, budget: &budget) { return end }
                if budget <= 0 { return nil }
                pc = other
            case .jump(let target):
                pc = target
            case .start:
                guard sp == 0 else { return nil }
                pc += 1
            case .end:
                guard sp == input.count else { return nil }
                pc += 1
            case .wordBoundary(let negated):
                let before = sp > 0 && ByteSet.word.contains(input[sp - 1])
                let after = sp < input.count && ByteSet.word.contains(input[sp])
                guard (before != after) != negated else { return nil }
                pc += 1
            case .look(let program, let ahead, let negated, let width):
                let matched: Bool
                if ahead {
                    matched = run(program: program, pc: 0, sp: sp, input: input, budget: &budget) != nil
                } else if sp >= width {
                    let end = run(program: program, pc: 0, sp: sp - width, input: input, budget: &budget)
                    matched = end == sp
                } else {
                    matched = false
                }
                guard matched != negated else { return nil }
                pc += 1
            case .match:
                return sp
            }
        }
    }
}

/// A set of bytes, as four 64-bit words.
struct ByteSet: Sendable, Hashable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init() {}

    init(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { insert(byte) }
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << (byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << (byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func formUnion(_ other: ByteSet) {
        words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
    }

    var inverted: ByteSet {
        var result = ByteSet()
        result.words = (~words.0, ~words.1, ~words.2, ~words.3)
        return result
    }

    var members: [UInt8] { (0...255).compactMap { contains(UInt8($0)) ? UInt8($0) : nil } }

    static func == (lhs: ByteSet, rhs: ByteSet) -> Bool {
        lhs.words == rhs.words
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    static let digit = ByteSet(UInt8(ascii: "0")...UInt8(ascii: "9"))
    static let word: ByteSet = {
        var set = ByteSet(UInt8(ascii: "a")...UInt8(ascii: "z"))
        set.formUnion(ByteSet(UInt8(ascii: "A")...UInt8(ascii: "Z")))
        set.formUnion(digit)
        set.insert(UInt8(ascii: "_"))
        return set
    }()
    static let space = ByteSet([0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D])
    static let anyButNewline = ByteSet([0x0A]).inverted
}

extension UserAgentPattern {
    indirect enum Node {
        case empty
        case byte(UInt8)
        case set(Int)
        case concatenation([Node])
        case alternation([Node])
        case repetition(Node, min: Int, max: Int?, lazy: Bool)
        case start
        case end
        case wordBoundary(negated: Bool)
        case look(Node, ahead: Bool, negated: Bool)

        var anchoredAtStart: Bool {
            switch self {
            case .start: true
            case .concatenation(let nodes): nodes.first?.anchoredAtStart ?? false
            case .alternation(let nodes): !nodes.isEmpty && nodes.allSatisfy(\.anchoredAtStart)
            default: false
            }
        }

        /// The fixed number of bytes the node matches, or `nil` when it varies.
        var width: Int? {
            switch self {
            case .empty, .start, .end, .wordBoundary, .look: return 0
            case .byte, .set: return 1
            case .concatenation(let nodes):
                var total = 0
                for node in nodes {
                    guard let width = node.width else { return nil }
                    total += width
                }
                return total
            case .alternation(let nodes):
                let widths = nodes.map(\.width)
                guard let first = widths.first, let value = first, widths.allSatisfy({ $0 == value }) else {
                    return nil
                }
                return value
            case .repetition(let node, let min, let max, _):
                guard min == max, let width = node.width else { return nil }
                return width * min
            }
        }

        /// The bytes a match may start with, or `nil` when it may start with any (or be empty).
        func firstBytes(sets: [ByteSet]) -> ByteSet? {
            switch self {
            case .byte(let byte): return ByteSet([byte])
            case .set(let index): return sets[index]
            case .concatenation(let nodes):
                var result = ByteSet()
                for node in nodes {
                    switch node {
                    case .start, .wordBoundary, .look: continue
                    case .repetition(let inner, let min, _, _) where min == 0:
                        guard let first = inner.firstBytes(sets: sets) else { return nil }
                        result.formUnion(first)
                        continue
                    default:
                        guard let first = node.firstBytes(sets: sets) else { return nil }
                        result.formUnion(first)
                        return result
                    }
                }
                return nil
            case .alternation(let nodes):
                var result = ByteSet()
                for node in nodes {
                    guard let first = node.firstBytes(sets: sets) else { return nil }
                    result.formUnion(first)
                }
                return result
            case .repetition(let node, let min, _, _):
                return min > 0 ? node.firstBytes(sets: sets) : nil
            default:
                return nil
            }
        }

        /// Lower-cased literals of which every match contains one, or `nil` when none is required.
        func requiredLiterals(sets: [ByteSet]) -> [[UInt8]]? {
            switch self {
            case .byte(let byte): return [[ASCIIByte.lower(byte)]]
            case .set(let index):
                guard let byte = Self.caseless(sets[index]) else { return nil }
                return [[byte]]
            case .alternation(let nodes):
                var result: [[UInt8]] = []
                for node in nodes {
                    guard let literals = node.requiredLiterals(sets: sets) else { return nil }
                    result.append(contentsOf: literals)
                }
                return result
            case .repetition(let node, let min, _, _):
                return min > 0 ? node.requiredLiterals(sets: sets) : nil
            case .concatenation(let nodes):
                // The best factor: the longest run of single bytes, or a child's own alternatives,
                // whichever has the longest shortest literal.
                var best: [[UInt8]]?
                func consider(_ candidate: [[UInt8]]) {
                    let shortest = candidate.map(\.count).min() ?? 0
                    if shortest > (best?.map(\.count).min() ?? 0) { best = candidate }
                }
                var run: [UInt8] = []
                for node in nodes {
                    if let literals = node.requiredLiterals(sets: sets), literals.count == 1,
                        literals[0].count == 1, node.isSingleByte
                    {
                        run.append(literals[0][0])
                        continue
                    }
                    if !run.isEmpty { consider([run]) }
                    run = []
                    if let literals = node.requiredLiterals(sets: sets) { consider(literals) }
                }
                if !run.isEmpty { consider([run]) }
                return best
            default:
                return nil
            }
        }

        var canBeEmpty: Bool {
            switch self {
            case .byte, .set: false
            case .concatenation(let nodes): nodes.allSatisfy(\.canBeEmpty)
            case .alternation(let nodes): nodes.contains(where: \.canBeEmpty)
            case .repetition(let node, let min, _, _): min == 0 || node.canBeEmpty
            default: true
            }
        }

        private var isSingleByte: Bool {
            switch self {
            case .byte, .set: true
            default: false
            }
        }

        /// The lower-case letter a set stands for when it is a letter in either case (or a single
        /// byte), else `nil`.
        private static func caseless(_ set: ByteSet) -> UInt8? {
            let members = set.members
            if members.count == 1 { return ASCIIByte.lower(members[0]) }
            if members.count == 2, ASCIIByte.lower(members[0]) == ASCIIByte.lower(members[1]) {
                return ASCIIByte.lower(members[0])
            }
            return nil
        }
    }

    struct Parser {
        let source: [UInt8]
        let text: String
        let caseInsensitive: Bool
        var position = 0
        var sets: [ByteSet] = []
        var depth = 0

        init(source: [UInt8], text: String, caseInsensitive: Bool) {
            self.source = source
            self.text = text
            self.caseInsensitive = caseInsensitive
        }

        func error(_ message: String) -> ParseError { ParseError(pattern: text, message: message) }

        mutating func parseAlternation() throws(ParseError) -> Node {
            depth += 1
            defer { depth -= 1 }
            guard depth <= 32 else { throw error("nested too deeply") }
            var branches = [try parseConcatenation()]
            while position < source.count, source[position] == UInt8(ascii: "|") {
                position += 1
                branches.append(try parseConcatenation())
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func parseConcatenation() throws(ParseError) -> Node {
            var nodes: [Node] = []
            while position < source.count, source[position] != UInt8(ascii: "|"), source[position] != UInt8(ascii: ")")
            {
                var atom = try parseAtom()
                atom = try parseQuantifier(atom)
                nodes.append(atom)
            }
            return nodes.count == 1 ? nodes[0] : (nodes.isEmpty ? .empty : .concatenation(nodes))
        }

        mutating func parseQuantifier(_ atom: Node) throws(ParseError) -> Node {
            guard position < source.count else { return atom }
            var min = 0
            var max: Int?
            switch source[position] {
            case UInt8(ascii: "*"): position += 1
            case UInt8(ascii: "+"):
                min = 1
                position += 1
            case UInt8(ascii: "?"):
                max = 1
                position += 1
            case UInt8(ascii: "{"):
                guard let bounds = try parseBounds() else { return atom }
                (min, max) = bounds
            default: return atom
            }
            var lazy = false
            if position < source.count, source[position] == UInt8(ascii: "?") {
                lazy = true
                position += 1
            }
            switch atom {
            case .start, .end, .wordBoundary, .look, .empty: throw error("nothing to repeat at byte \(position)")
            default: break
            }
            // A loop whose body can match nothing would spin without consuming input.
            if max == nil, atom.canBeEmpty { throw error("unbounded repetition of what can be empty") }
            return .repetition(atom, min: min, max: max, lazy: lazy)
        }

        /// `{n}`, `{n,}` or `{n,m}`; `nil` (and no bytes consumed) when the brace is a literal.
        mutating func parseBounds() throws(ParseError) -> (Int, Int?)? {
            var cursor = position + 1
            func number() -> Int? {
                var value = 0
                var digits = 0
                while cursor < source.count, ByteSet.digit.contains(source[cursor]), digits < 4 {
                    value = value * 10 + Int(source[cursor] - UInt8(ascii: "0"))
                    cursor += 1
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            guard let min = number() else { return nil }
            var max: Int? = min
            if cursor < source.count, source[cursor] == UInt8(ascii: ",") {
                cursor += 1
                max = number()
            }
            guard cursor < source.count, source[cursor] == UInt8(ascii: "}") else { return nil }
            guard min <= 100, (max ?? min) <= 100, (max ?? min) >= min else {
                throw error("repetition bounds must be ordered and at most 100")
            }
            position = cursor + 1
            return (min, max)
        }

        mutating func parseAtom() throws(ParseError) -> Node {
            let byte = source[position]
            position += 1
            switch byte {
            case UInt8(ascii: "("):
                var look: (ahead: Bool, negated: Bool)?
                if position + 1 < source.count, source[position] == UInt8(ascii: "?") {
                    switch source[position + 1] {
                    case UInt8(ascii: ":"): position += 2
                    case UInt8(ascii: "="):
                        look = (true, false)
                        position += 2
                    case UInt8(ascii: "!"):
                        look = (true, true)
                        position += 2
                    case UInt8(ascii: "<")
                    where position + 2 < source.count
                        && (source[position + 2] == UInt8(ascii: "=") || source[position + 2] == UInt8(ascii: "!")):
                        look = (false, source[position + 2] == UInt8(ascii: "!"))
                        position += 3
                    default: throw error("unsupported group syntax at byte \(position)")
                    }
                }
                let inner = try parseAlternation()
                guard position < source.count, source[position] == UInt8(ascii: ")") else {
                    throw error("unclosed group")
                }
                position += 1
                guard let look else { return inner }
                if !look.ahead, inner.width == nil {
                    // A lookbehind of alternatives of different widths becomes one per width.
                    guard case .alternation(let branches) = inner, branches.allSatisfy({ $0.width != nil }) else {
                        throw error("lookbehind must have a fixed width")
                    }
                    let looks = branches.map { Node.look($0, ahead: false, negated: look.negated) }
                    return look.negated ? .concatenation(looks) : .alternation(looks)
                }
                return .look(inner, ahead: look.ahead, negated: look.negated)
            case UInt8(ascii: "["): return try parseClass()
            case UInt8(ascii: "."): return addSet(.anyButNewline)
            case UInt8(ascii: "^"): return .start
            case UInt8(ascii: "$"): return .end
            case UInt8(ascii: "\\"): return try parseEscape(inClass: false).node(&self)
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
                throw error("nothing to repeat at byte \(position - 1)")
            default: return literal(byte)
            }
        }

        mutating func literal(_ byte: UInt8) -> Node {
            guard caseInsensitive else { return .byte(byte) }
            return .byte(ASCIIByte.lower(byte))
        }

        mutating func addSet(_ set: ByteSet) -> Node {
            var set = set
            if caseInsensitive {
                for member in set.members { set.insert(ASCIIByte.lower(member)) }
            }
            if let index = sets.firstIndex(of: set) { return .set(index) }
            sets.append(set)
            return .set(sets.count - 1)
        }

        enum Escape {
            case byte(UInt8)
            case set(ByteSet)
            case wordBoundary(negated: Bool)

            func node(_ parser: inout Parser) -> Node {
                switch self {
                case .byte(let byte): parser.literal(byte)
                case .set(let set): parser.addSet(set)
                case .wordBoundary(let negated): .wordBoundary(negated: negated)
                }
            }
        }

        mutating func parseEscape(inClass: Bool) throws(ParseError) -> Escape {
            guard position < source.count else { throw error("trailing backslash") }
            let byte = source[position]
            position += 1
            switch byte {
            case UInt8(ascii: "d"): return .set(.digit)
            case UInt8(ascii: "D"): return .set(ByteSet.digit.inverted)
            case UInt8(ascii: "w"): return .set(.word)
            case UInt8(ascii: "W"): return .set(ByteSet.word.inverted)
            case UInt8(ascii: "s"): return .set(.space)
            case UInt8(ascii: "S"): return .set(ByteSet.space.inverted)
            case UInt8(ascii: "t"): return .byte(0x09)
            case UInt8(ascii: "n"): return .byte(0x0A)
            case UInt8(ascii: "r"): return .byte(0x0D)
            case UInt8(ascii: "b") where !inClass: return .wordBoundary(negated: false)
            case UInt8(ascii: "B") where !inClass: return .wordBoundary(negated: true)
            default:
                guard !ASCIIByte.isAlphanumeric(byte) else {
                    throw error("unsupported escape \\\(UnicodeScalar(byte)) at byte \(position - 1)")
                }
                return .byte(byte)
            }
        }

        mutating func parseClass() throws(ParseError) -> Node {
            var set = ByteSet()
            var negated = false
            if position < source.count, source[position] == UInt8(ascii: "^") {
                negated = true
                position += 1
            }
            var first = true
            while true {
                guard position < source.count else { throw error("unclosed class") }
                var byte = source[position]
                if byte == UInt8(ascii: "]"), !first {
                    position += 1
                    break
                }
                first = false
                position += 1
                if byte == UInt8(ascii: "\\") {
                    switch try parseEscape(inClass: true) {
                    case .set(let escaped):
                        set.formUnion(escaped)
                        continue
                    case .byte(let escaped): byte = escaped
                    case .wordBoundary: throw error("word boundary in a class")
                    }
                }
                if position + 1 < source.count, source[position] == UInt8(ascii: "-"),
                    source[position + 1] != UInt8(ascii: "]")
                {
                    var upper = source[position + 1]
                    position += 2
                    if upper == UInt8(ascii: "\\") {
                        guard case .byte(let escaped) = try parseEscape(inClass: true) else {
                            throw error("a class range must end in a byte")
                        }
                        upper = escaped
                    }
                    guard upper >= byte else { throw error("class range out of order") }
                    set.formUnion(ByteSet(byte...upper))
                } else {
                    set.insert(byte)
                }
            }
            if caseInsensitive {
                for member in set.members where ASCIIByte.isAlphanumeric(member) {
                    set.insert(ASCIIByte.lower(member))
                    set.insert(ASCIIByte.upper(member))
                }
            }
            return addSet(negated ? set.inverted : set)
        }
    }

    struct Compiler {
        var sets: [ByteSet]
        var programs: [Program] = []

        mutating func compile(_ node: Node) -> Program {
            var program = Program()
            emit(node, into: &program)
            program.code.append(.match)
            return program
        }

        mutating func emit(_ node: Node, into program: inout Program) {
            switch node {
            case .empty: break
            case .byte(let byte): program.code.append(.byte(byte))
            case .set(let index): program.code.append(.set(index))
            case .start: program.code.append(.start)
            case .end: program.code.append(.end)
            case .wordBoundary(let negated): program.code.append(.wordBoundary(negated: negated))
            case .concatenation(let nodes):
                for node in nodes { emit(node, into: &program) }
            case .alternation(let nodes):
                var jumps: [Int] = []
                for (offset, branch) in nodes.enumerated() {
                    if offset < nodes.count - 1 {
                        let split = program.code.count
                        program.code.append(.jump(0))
                        emit(branch, into: &program)
                        jumps.append(program.code.count)
                        program.code.append(.jump(0))
                        program.code[split] = .split(preferred: split + 1, other: program.code.count)
                    } else {
                        emit(branch, into: &program)
                    }
                }
                for jump in jumps { program.code[jump] = .jump(program.code.count) }
            case .repetition(let inner, let min, let max, let lazy):
                for _ in 0..<min { emit(inner, into: &program) }
                if let max {
                    // Optional copies: each may be skipped to the end.
                    var splits: [Int] = []
                    for _ in min..<max {
                        splits.append(program.code.count)
                        program.code.append(.jump(0))
                        emit(inner, into: &program)
                    }
                    let end = program.code.count
                    for split in splits {
                        program.code[split] =
                            lazy ? .split(preferred: end, other: split + 1) : .split(preferred: split + 1, other: end)
                    }
                } else {
                    let loop = program.code.count
                    program.code.append(.jump(0))
                    emit(inner, into: &program)
                    program.code.append(.jump(loop))
                    let end = program.code.count
                    program.code[loop] =
                        lazy ? .split(preferred: end, other: loop + 1) : .split(preferred: loop + 1, other: end)
                }
            case .look(let inner, let ahead, let negated):
                let sub = compile(inner)
                programs.append(sub)
                program.code.append(
                    .look(program: programs.count - 1, ahead: ahead, negated: negated, width: inner.width ?? 0)
                )
            }
        }
    }
}

/// ASCII case and class helpers for user agents and patterns.
enum ASCIIByte {
    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
    @inline(__always) static func upper(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte & ~0x20 : byte
    }
    @inline(__always) static func isAlphanumeric(_ byte: UInt8) -> Bool {
        ByteSet.word.contains(byte) && byte != UInt8(ascii: "_")
    }
}
