import HTTPTypes

/// Parses and type-checks a filter expression into a ``FilterCondition``, by recursive descent over
/// its UTF-8 bytes.
///
/// ```
/// expression = or
/// or         = xor { ("or" | "||") xor }
/// xor        = and { ("xor" | "^^") and }
/// and        = unary { ("and" | "&&") unary }
/// unary      = ("not" | "!") unary | "(" or ")" | comparison
/// comparison = operand [ operator value ]
/// ```
///
/// Every cycle of the recursion (a parenthesis, a `not`, a function call) goes through
/// ``enter(at:)``, which stops at ``FilterExpression/maximumDepth``, so the stack stays shallow
/// whatever the input. Literals are read by the type the field on the left expects, as wirefilter
/// does: `10.0.0.0/8` is a block after `ip.src in {`, `1..10` a range after an integer field.
struct FilterParser {
    private enum Comparison {
        case ordering(FilterOrdering)
        case contains
        case matches
        case wildcard(strict: Bool)
        case member
    }

    private enum OperandKind {
        case text(FilterTextOperand)
        case list(FilterListField)
        case integer(FilterIntegerOperand)
        case number(FilterNumberField)
        case address
        case flag(FilterFlagField)
        case affix(FilterTextOperand, FilterAffix)
    }

    private struct Operand {
        let kind: OperandKind
        /// The operand as written, for messages.
        let name: String
        let start: Int

        var typeName: String {
            switch kind {
            case .text: "a string"
            case .list: "a list of strings"
            case .integer: "an integer"
            case .number: "a number"
            case .address: "an IP address"
            case .flag, .affix: "a boolean"
            }
        }

        var operators: String {
            switch kind {
            case .text, .list: "eq, ne, lt, le, gt, ge, contains, matches, wildcard, strict wildcard or in"
            case .integer, .address: "eq, ne, lt, le, gt, ge or in"
            case .number: "eq, ne, lt, le, gt or ge"
            case .flag, .affix: "none"
            }
        }
    }

    private struct StringLiteral {
        let bytes: [UInt8]
        /// The offset of the opening quote (or of the `r` of a raw string).
        let start: Int
        /// The source offset of each decoded byte, and one past the last.
        let offsets: [Int]

        func sourceOffset(of index: Int) -> Int { offsets[max(0, min(index, offsets.count - 1))] }
    }

    private static let functions: Set<String> = ["lower", "upper", "len", "starts_with", "ends_with"]
    private static let comparisonWords: Set<String> = [
        "eq", "ne", "lt", "le", "gt", "ge", "contains", "matches", "wildcard", "strict", "in",
    ]
    private static let logicalWords: Set<String> = ["and", "or", "xor", "not"]

    private let source: String
    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    init(source: String) {
        self.source = source
        self.bytes = Array(source.utf8)
    }

    /// Parses the whole source as one boolean expression.
    mutating func parseExpression() throws(FilterSyntaxError) -> FilterCondition {
        skipSpace()
        guard !atEnd else {
            throw failure("the expression is empty; write a condition such as ip.src.country eq \"US\"", at: position)
        }
        let condition = try parseOr()
        skipSpace()
        guard atEnd else { throw unexpected(insideParentheses: false) }
        return condition
    }

    // MARK: - Logical operators

    private mutating func parseOr() throws(FilterSyntaxError) -> FilterCondition {
        let first = try parseXor()
        var items = [first]
        while consume(word: "or", symbol: "||") {
            let next = try parseXor()
            items.append(next)
        }
        return items.count == 1 ? first : .any(items)
    }

    private mutating func parseXor() throws(FilterSyntaxError) -> FilterCondition {
        let first = try parseAnd()
        var items = [first]
        while consume(word: "xor", symbol: "^^") {
            let next = try parseAnd()
            items.append(next)
        }
        return items.count == 1 ? first : .exclusive(items)
    }

    private mutating func parseAnd() throws(FilterSyntaxError) -> FilterCondition {
        let first = try parseUnary()
        var items = [first]
        while consume(word: "and", symbol: "&&") {
            let next = try parseUnary()
            items.append(next)
        }
        return items.count == 1 ? first : .all(items)
    }

    private mutating func parseUnary() throws(FilterSyntaxError) -> FilterCondition {
        skipSpace()
        let start = position
        guard let byte = peek() else {
            throw failure(
                "expected a condition, such as ip.src.vpn or http.host eq \"example.com\", 'not' or '('",
                at: start
            )
        }
        if byte == UInt8(ascii: "(") {
            try enter(at: start)
            position += 1
            let inner = try parseOr()
            skipSpace()
            guard peek() == UInt8(ascii: ")") else {
                if atEnd { throw failure("expected ')' to close a '('", at: position) }
                throw unexpected(insideParentheses: true)
            }
            position += 1
            depth -= 1
            return inner
        }
        let isBang = byte == UInt8(ascii: "!") && peek(1) != UInt8(ascii: "=")
        if isBang || word(at: start)?.text == "not" {
            try enter(at: start)
            position += isBang ? 1 : 3
            let inner = try parseUnary()
            depth -= 1
            return .not(inner)
        }
        return try parseComparison()
    }

    /// Consumes a logical operator, spelled as a word or a symbol, when it comes next.
    private mutating func consume(word expected: String, symbol: String) -> Bool {
        skipSpace()
        if hasSymbol(symbol) {
            position += symbol.utf8.count
            return true
        }
        if let found = word(at: position), found.text == expected {
            position = found.end
            return true
        }
        return false
    }

    /// One more level of nesting; throws past the limit, before any deeper recursion.
    private mutating func enter(at offset: Int) throws(FilterSyntaxError) {
        depth += 1
        guard depth <= FilterExpression.maximumDepth else {
            throw failure(
                "the expression nests deeper than \(FilterExpression.maximumDepth) levels "
                    + "(parentheses, 'not' and function calls)",
                at: offset
            )
        }
    }

    // MARK: - Comparisons

    private mutating func parseComparison() throws(FilterSyntaxError) -> FilterCondition {
        let operand = try parseOperand()
        if case .flag(let field) = operand.kind {
            try rejectOperator(after: operand)
            return .flag(field)
        }
        if case .affix(let text, let affix) = operand.kind {
            try rejectOperator(after: operand)
            return .affix(text, affix)
        }
        skipSpace()
        let operatorStart = position
        guard let found = try readComparisonOperator() else {
            throw failure(
                "expected an operator after \(operand.name), which is \(operand.typeName): \(operand.operators)",
                at: operatorStart
            )
        }
        let (comparison, spelling) = found
        skipSpace()
        switch operand.kind {
        case .text(let text):
            let test = try parseTextTest(comparison, spelling: spelling, operand: operand)
            return .text(text, test)
        case .list(let field):
            let test = try parseTextTest(comparison, spelling: spelling, operand: operand)
            return .list(field, test)
        case .integer(let integer):
            switch comparison {
            case .ordering(let ordering):
                let value = try readInteger(after: spelling, operand: operand)
                return .integer(integer, .compare(ordering, value))
            case .member:
                let set = try readIntegerSet(operand: operand)
                return .integer(integer, .member(set))
            case .contains, .matches, .wildcard:
                throw inapplicable(spelling, to: operand, at: operatorStart)
            }
        case .number(let field):
            guard case .ordering(let ordering) = comparison else {
                throw inapplicable(spelling, to: operand, at: operatorStart)
            }
            let value = try readNumber(after: spelling, operand: operand)
            return .number(field, ordering, value)
        case .address:
            switch comparison {
            case .ordering(let ordering):
                let literalStart = position
                let (block, isBlock) = try readAddressOrBlock(after: spelling, operand: operand)
                guard !isBlock else {
                    throw failure(
                        "'\(spelling)' compares one address; test a block with in, as in ip.src in { \(block) }",
                        at: literalStart
                    )
                }
                return .address(.compare(ordering, block.network))
            case .member:
                let set = try readAddressSet(operand: operand)
                return .address(.member(set))
            case .contains, .matches, .wildcard:
                throw inapplicable(spelling, to: operand, at: operatorStart)
            }
        case .flag(let field): return .flag(field)
        case .affix(let text, let affix): return .affix(text, affix)
        }
    }

    private mutating func parseTextTest(
        _ comparison: Comparison,
        spelling: String,
        operand: Operand
    ) throws(FilterSyntaxError) -> FilterTextTest {
        let expectation = "a string in double quotes after '\(spelling)' (\(operand.name) is \(operand.typeName))"
        switch comparison {
        case .ordering(let ordering):
            let literal = try readString(expectation)
            return .compare(ordering, literal.bytes)
        case .contains:
            let literal = try readString(expectation)
            return .contains(FilterSearch(literal.bytes))
        case .matches:
            let literal = try readString("a regular expression in a string after '\(spelling)', such as r\"^/api/\"")
            guard let pattern = Self.validUTF8(literal.bytes) else {
                throw failure("a regular expression must be valid UTF-8", at: literal.start)
            }
            do {
                return .matches(try FilterRegex(pattern))
            } catch {
                throw failure(
                    "invalid regular expression: \(error.message)",
                    at: literal.sourceOffset(of: error.offset)
                )
            }
        case .wildcard(let strict):
            let literal = try readString(expectation)
            do {
                return .wildcard(try FilterWildcard(pattern: literal.bytes, caseSensitive: strict))
            } catch {
                throw failure(error.message, at: literal.sourceOffset(of: error.index))
            }
        case .member:
            try openSet(operand: operand)
            var members: [[UInt8]] = []
            while try nextSetItem(count: members.count) {
                let literal = try readString("a string in double quotes in the set (\(operand.name) is a string)")
                members.append(literal.bytes)
            }
            return .member(FilterByteSet(members))
        }
    }

    /// Throws when a comparison operator follows a boolean, which stands alone.
    private mutating func rejectOperator(after operand: Operand) throws(FilterSyntaxError) {
        let saved = position
        skipSpace()
        let here = position
        var isOperator = false
        if let found = word(at: here) {
            isOperator = Self.comparisonWords.contains(found.text)
        } else {
            isOperator = ["==", "!=", "<", ">", "~", "="].contains { hasSymbol($0) }
        }
        position = saved
        if isOperator {
            throw failure(
                "\(operand.name) is a boolean and takes no operator: write it alone, or negate it with not",
                at: here
            )
        }
    }

    /// The comparison operator at the position, consumed; `nil` (nothing consumed) when there is none.
    private mutating func readComparisonOperator() throws(FilterSyntaxError) -> (Comparison, String)? {
        let symbols: [(String, Comparison)] = [
            ("==", .ordering(.equal)), ("!=", .ordering(.notEqual)), ("<=", .ordering(.lessOrEqual)),
            (">=", .ordering(.greaterOrEqual)), ("<", .ordering(.lessThan)), (">", .ordering(.greaterThan)),
            ("~", .matches),
        ]
        for (symbol, comparison) in symbols where hasSymbol(symbol) {
            position += symbol.utf8.count
            return (comparison, symbol)
        }
        if hasSymbol("=") { throw failure("'=' is not an operator; write eq or ==", at: position) }
        guard let found = word(at: position) else { return nil }
        let comparison: Comparison
        switch found.text {
        case "eq": comparison = .ordering(.equal)
        case "ne": comparison = .ordering(.notEqual)
        case "lt": comparison = .ordering(.lessThan)
        case "le": comparison = .ordering(.lessOrEqual)
        case "gt": comparison = .ordering(.greaterThan)
        case "ge": comparison = .ordering(.greaterOrEqual)
        case "contains": comparison = .contains
        case "matches": comparison = .matches
        case "wildcard": comparison = .wildcard(strict: false)
        case "in": comparison = .member
        case "strict":
            let start = position
            position = found.end
            skipSpace()
            guard let next = word(at: position), next.text == "wildcard" else {
                throw failure("'strict' must be followed by 'wildcard'", at: start)
            }
            position = next.end
            return (Comparison.wildcard(strict: true), "strict wildcard")
        default: return nil
        }
        position = found.end
        return (comparison, found.text)
    }

    private func inapplicable(_ spelling: String, to operand: Operand, at offset: Int) -> FilterSyntaxError {
        failure(
            "'\(spelling)' does not apply to \(operand.name), which is \(operand.typeName); use \(operand.operators)",
            at: offset
        )
    }

    // MARK: - Operands

    private mutating func parseOperand() throws(FilterSyntaxError) -> Operand {
        skipSpace()
        let start = position
        guard let found = word(at: start) else { throw expectedOperand(at: start) }
        position = found.end
        let afterName = position
        skipSpace()
        if peek() == UInt8(ascii: "(") { return try parseFunction(found.text, start: start) }
        position = afterName
        return try parseField(found.text, start: start)
    }

    private func expectedOperand(at offset: Int) -> FilterSyntaxError {
        guard offset < bytes.count else {
            return failure("expected a field, such as ip.src.country, or a function, such as lower(…)", at: offset)
        }
        switch bytes[offset] {
        case UInt8(ascii: "\""):
            return failure(
                "a value cannot come first: write the field on the left, as in http.host eq \"example.com\"",
                at: offset
            )
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            return failure(
                "a value cannot come first: write the field on the left, as in ip.src.asnum eq 13335",
                at: offset
            )
        case UInt8(ascii: ")"):
            return failure("expected a condition before ')'", at: offset)
        default:
            return failure(
                "expected a field, such as ip.src.country, or a function, such as lower(…); "
                    + "found \(token(at: offset))",
                at: offset
            )
        }
    }

    private mutating func parseField(_ name: String, start: Int) throws(FilterSyntaxError) -> Operand {
        if name.hasPrefix("local.") {
            let key = String(name.dropFirst("local.".count))
            guard !key.isEmpty, !key.hasSuffix(".") else {
                throw failure("expected a name after local., as in local.plan", at: start)
            }
            return Operand(
                kind: .text(FilterTextOperand(field: .local(key), fold: .unchanged)),
                name: name,
                start: start
            )
        }
        if FilterFields.maps.contains(name) {
            skipSpace()
            guard peek() == UInt8(ascii: "[") else {
                throw failure("\(name) needs a name in brackets, as in \(name)[\"…\"]", at: position)
            }
            position += 1
            skipSpace()
            let key = try readString("a name in double quotes after \(name)[")
            skipSpace()
            guard peek() == UInt8(ascii: "]") else {
                throw failure("expected ']' after the name in \(name)[…]", at: position)
            }
            position += 1
            guard let text = Self.validUTF8(key.bytes), !text.isEmpty else {
                throw failure("the name in brackets must be non-empty UTF-8 text", at: key.start)
            }
            let field: FilterTextField
            switch name {
            case "http.request.headers":
                guard let header = HTTPField.Name(text) else {
                    throw failure("'\(text.prefix(60))' is not a valid header name", at: key.start)
                }
                field = .header(header)
            case "http.request.cookie": field = .cookie(text)
            case "http.request.uri.args": field = .queryArgument(text)
            default: field = .local(text)
            }
            return Operand(
                kind: .text(FilterTextOperand(field: field, fold: .unchanged)),
                name: sourceText(from: start),
                start: start
            )
        }
        guard let kind = FilterFields.named[name] else { throw unknownField(name, at: start) }
        let afterName = position
        skipSpace()
        if peek() == UInt8(ascii: "[") {
            throw failure(
                "\(name) takes no name in brackets; only http.request.headers, http.request.cookie, "
                    + "http.request.uri.args and local do",
                at: position
            )
        }
        position = afterName
        let operandKind: OperandKind =
            switch kind {
            case .text(let field): .text(FilterTextOperand(field: field, fold: .unchanged))
            case .list(let field): .list(field)
            case .integer(let integer): .integer(integer)
            case .number(let field): .number(field)
            case .address: .address
            case .flag(let field): .flag(field)
            }
        return Operand(kind: operandKind, name: name, start: start)
    }

    private func unknownField(_ name: String, at offset: Int) -> FilterSyntaxError {
        if Self.functions.contains(name) {
            return failure("\(name) is a function: write \(name)(…)", at: offset)
        }
        if Self.logicalWords.contains(name) || Self.comparisonWords.contains(name) {
            return failure("expected a field or a function, found '\(name)'", at: offset)
        }
        if Self.logicalWords.contains(name.lowercased()) {
            return failure("operators are lower case: write \(name.lowercased())", at: offset)
        }
        var message = "unknown field '\(name.prefix(80))'"
        if let suggestion = Self.closestField(to: name) { message += "; did you mean \(suggestion)?" }
        return failure(message, at: offset)
    }

    /// The known field nearest to a misspelt one, within two edits.
    private static func closestField(to name: String) -> String? {
        guard name.utf8.count <= 64 else { return nil }
        let target = Array(name.utf8)
        var best: (name: String, distance: Int)?
        for candidate in FilterFields.named.keys.sorted() + FilterFields.maps.sorted() {
            let distance = editDistance(target, Array(candidate.utf8))
            if distance <= 2, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.name
    }

    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1] + [Int](repeating: 0, count: b.count)
            for (j, right) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    private mutating func parseFunction(_ name: String, start: Int) throws(FilterSyntaxError) -> Operand {
        guard Self.functions.contains(name) else {
            if FilterFields.named[name] != nil || FilterFields.maps.contains(name) {
                throw failure("\(name) is a field, not a function", at: start)
            }
            throw failure(
                "unknown function '\(name.prefix(60))'; the functions are lower, upper, len, starts_with and ends_with",
                at: start
            )
        }
        let arity =
            name == "starts_with" || name == "ends_with"
            ? "two arguments, a string field and a string, as in \(name)(http.request.uri.path, \"/api\")"
            : "one argument, a string field, as in \(name)(http.host)"
        try enter(at: start)
        position += 1  // "("
        skipSpace()
        if peek() == UInt8(ascii: ")") { throw failure("\(name)() takes \(arity)", at: position) }
        let argument = try parseOperand()
        guard case .text(let text) = argument.kind else {
            throw failure(
                "\(name)() takes a string field; \(argument.name) is \(argument.typeName)",
                at: argument.start
            )
        }
        skipSpace()
        let kind: OperandKind
        switch name {
        case "lower", "upper":
            try closeCall(name, arity: arity)
            kind = .text(FilterTextOperand(field: text.field, fold: name == "lower" ? .lower : .upper))
        case "len":
            try closeCall(name, arity: arity)
            kind = .integer(.length(text.field))
        default:
            guard peek() == UInt8(ascii: ",") else { throw failure("\(name)() takes \(arity)", at: position) }
            position += 1
            skipSpace()
            let literal = try readString("a string in double quotes as the second argument of \(name)()")
            skipSpace()
            try closeCall(name, arity: arity)
            kind = .affix(text, FilterAffix(atStart: name == "starts_with", literal: literal.bytes))
        }
        depth -= 1
        return Operand(kind: kind, name: sourceText(from: start), start: start)
    }

    private mutating func closeCall(_ name: String, arity: String) throws(FilterSyntaxError) {
        guard peek() == UInt8(ascii: ")") else {
            if peek() == UInt8(ascii: ",") { throw failure("\(name)() takes \(arity)", at: position) }
            throw failure("expected ')' to close \(name)(", at: position)
        }
        position += 1
    }

    // MARK: - Literals

    /// A quoted string (`"…"` with escapes) or a raw string (`r"…"`, `r#"…"#`).
    private mutating func readString(_ expectation: String) throws(FilterSyntaxError) -> StringLiteral {
        let start = position
        guard let byte = peek() else {
            throw failure("expected \(expectation), found the end of the expression", at: start)
        }
        if byte == UInt8(ascii: "\"") { return try readQuotedString() }
        if byte == UInt8(ascii: "r"), peek(1) == UInt8(ascii: "\"") || peek(1) == UInt8(ascii: "#") {
            return try readRawString()
        }
        throw failure("expected \(expectation), found \(token(at: start))", at: start)
    }

    private mutating func readQuotedString() throws(FilterSyntaxError) -> StringLiteral {
        let start = position
        let unterminated = "unterminated string: the closing '\"' is missing"
        position += 1
        var decoded: [UInt8] = []
        var offsets: [Int] = []
        while true {
            guard let byte = peek() else { throw failure(unterminated, at: start) }
            if byte == UInt8(ascii: "\"") {
                offsets.append(position)
                position += 1
                break
            }
            if byte == UInt8(ascii: "\\") {
                let escape = position
                guard let kind = peek(1) else { throw failure(unterminated, at: start) }
                switch kind {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    decoded.append(kind)
                    position += 2
                case UInt8(ascii: "n"):
                    decoded.append(0x0A)
                    position += 2
                case UInt8(ascii: "r"):
                    decoded.append(0x0D)
                    position += 2
                case UInt8(ascii: "t"):
                    decoded.append(0x09)
                    position += 2
                case UInt8(ascii: "x"):
                    guard let high = peek(2).flatMap({ IPAddress.hexValue($0) }),
                        let low = peek(3).flatMap({ IPAddress.hexValue($0) })
                    else {
                        throw failure("\\x must be followed by two hexadecimal digits, as in \\x41", at: escape)
                    }
                    decoded.append(high << 4 | low)
                    position += 4
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    guard let first = Self.octalValue(peek(1)), let second = Self.octalValue(peek(2)),
                        let third = Self.octalValue(peek(3)), first <= 3
                    else {
                        throw failure("an octal escape is three octal digits up to \\377, as in \\101", at: escape)
                    }
                    decoded.append(first << 6 | second << 3 | third)
                    position += 4
                default:
                    throw failure(
                        "unknown escape \(token(at: escape + 1)) after '\\'; a string may use \\\", \\\\, \\n, "
                            + "\\r, \\t, \\xHH and \\OOO, or be a raw string such as r\"\\d+\"",
                        at: escape
                    )
                }
                offsets.append(escape)
            } else {
                decoded.append(byte)
                offsets.append(position)
                position += 1
            }
            guard decoded.count <= FilterExpression.maximumStringBytes else {
                throw failure("the string is longer than \(FilterExpression.maximumStringBytes) bytes", at: start)
            }
        }
        // Every decoded byte has an offset; the escapes above recorded one for the byte they added.
        return StringLiteral(bytes: decoded, start: start, offsets: offsets)
    }

    private mutating func readRawString() throws(FilterSyntaxError) -> StringLiteral {
        let start = position
        position += 1  // "r"
        var hashes = 0
        while peek() == UInt8(ascii: "#") {
            hashes += 1
            position += 1
        }
        guard peek() == UInt8(ascii: "\"") else {
            throw failure("a raw string is r\"…\" or r#\"…\"#: expected '\"'", at: position)
        }
        position += 1
        let contentStart = position
        while let byte = peek() {
            if byte == UInt8(ascii: "\""), closesRawString(at: position + 1, hashes: hashes) {
                let content = Array(bytes[contentStart..<position])
                guard content.count <= FilterExpression.maximumStringBytes else {
                    throw failure("the string is longer than \(FilterExpression.maximumStringBytes) bytes", at: start)
                }
                position += 1 + hashes
                let offsets = Array(contentStart...(contentStart + content.count))
                return StringLiteral(bytes: content, start: start, offsets: offsets)
            }
            position += 1
        }
        let closing = "\"" + String(repeating: "#", count: hashes)
        throw failure("unterminated raw string: the closing '\(closing)' is missing", at: start)
    }

    private func closesRawString(at offset: Int, hashes: Int) -> Bool {
        guard offset + hashes <= bytes.count else { return false }
        for index in offset..<(offset + hashes) where bytes[index] != UInt8(ascii: "#") { return false }
        return true
    }

    private static func octalValue(_ byte: UInt8?) -> UInt8? {
        guard let byte, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7") else { return nil }
        return byte - UInt8(ascii: "0")
    }

    /// A decimal integer (or `0x` hexadecimal), optionally negative. A leading zero is refused:
    /// wirefilter reads `010` as octal, which nobody means.
    private mutating func readInteger(after spelling: String, operand: Operand) throws(FilterSyntaxError) -> Int {
        let start = position
        var index = position
        let negative = peek() == UInt8(ascii: "-")
        if negative { index += 1 }
        var radix = 10
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "0"),
            bytes[index + 1] == UInt8(ascii: "x") || bytes[index + 1] == UInt8(ascii: "X")
        {
            radix = 16
            index += 2
        }
        let digitsStart = index
        var value = 0
        while index < bytes.count {
            let digit: UInt8?
            if radix == 16 {
                digit = IPAddress.hexValue(bytes[index])
            } else {
                digit = bytes[index] &- UInt8(ascii: "0") < 10 ? bytes[index] &- UInt8(ascii: "0") : nil
            }
            guard let digit else { break }
            let (shifted, overflowShift) = value.multipliedReportingOverflow(by: radix)
            let (next, overflowAdd) =
                negative
                ? shifted.subtractingReportingOverflow(Int(digit)) : shifted.addingReportingOverflow(Int(digit))
            guard !overflowShift, !overflowAdd else {
                throw failure("the integer does not fit in 64 bits", at: start)
            }
            value = next
            index += 1
        }
        guard index > digitsStart else {
            throw failure(
                "expected an integer after '\(spelling)' (\(operand.name) is \(operand.typeName)), "
                    + "found \(token(at: start))",
                at: start
            )
        }
        if radix == 10, index - digitsStart > 1, bytes[digitsStart] == UInt8(ascii: "0") {
            throw failure("an integer may not start with 0 (wirefilter would read it as octal)", at: start)
        }
        if index < bytes.count, Self.isWordByte(bytes[index]), bytes[index] != UInt8(ascii: ".") {
            throw failure("expected an integer, found \(token(at: start))", at: start)
        }
        position = index
        return value
    }

    /// A decimal number such as `37.75` or `-122`.
    private mutating func readNumber(after spelling: String, operand: Operand) throws(FilterSyntaxError) -> Double {
        let start = position
        var index = position
        if peek() == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        if index > digitsStart, index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."),
            Self.isDigit(bytes[index + 1])
        {
            index += 1
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        guard index > digitsStart, index - start <= 64,
            let value = Double(String(decoding: bytes[start..<index], as: UTF8.self))
        else {
            throw failure(
                "expected a number such as 37.5 after '\(spelling)' (\(operand.name) is \(operand.typeName)), "
                    + "found \(token(at: start))",
                at: start
            )
        }
        position = index
        return value
    }

    /// An IPv4 or IPv6 address, or a CIDR block.
    private mutating func readAddressOrBlock(
        after spelling: String,
        operand: Operand
    ) throws(FilterSyntaxError) -> (CIDR, Bool) {
        let start = position
        var index = position
        while index < bytes.count, Self.isAddressByte(bytes[index]) { index += 1 }
        guard index > start else {
            throw failure(
                "expected an IP address or CIDR block, such as 192.0.2.1 or 2001:db8::/32, after '\(spelling)', "
                    + "found \(token(at: start))",
                at: start
            )
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if text.contains("..") {
            throw failure("address ranges are not supported; write CIDR blocks such as 192.0.2.0/24", at: start)
        }
        guard let block = CIDR(text) else {
            throw failure("'\(text.prefix(60))' is not an IP address or CIDR block", at: start)
        }
        position = index
        return (block, text.contains("/"))
    }

    // MARK: - Sets

    private mutating func openSet(operand: Operand) throws(FilterSyntaxError) {
        guard peek() == UInt8(ascii: "{") else {
            throw failure("expected '{' after 'in', as in \(operand.name) in { … }", at: position)
        }
        position += 1
    }

    /// Skips to the next item of a set; `false`, with the closing brace consumed, at the end.
    private mutating func nextSetItem(count: Int) throws(FilterSyntaxError) -> Bool {
        skipSpace()
        guard let byte = peek() else { throw failure("expected '}' to close the set", at: position) }
        if byte == UInt8(ascii: "}") {
            position += 1
            return false
        }
        if byte == UInt8(ascii: ",") {
            throw failure("items of a set are separated by spaces, not commas", at: position)
        }
        guard count < FilterExpression.maximumSetItems else {
            throw failure("a set may hold at most \(FilterExpression.maximumSetItems) items", at: position)
        }
        return true
    }

    private mutating func readIntegerSet(operand: Operand) throws(FilterSyntaxError) -> FilterIntegerSet {
        try openSet(operand: operand)
        var ranges: [ClosedRange<Int>] = []
        while try nextSetItem(count: ranges.count) {
            let itemStart = position
            let low = try readInteger(after: "in", operand: operand)
            var high = low
            if hasSymbol("..") {
                position += 2
                high = try readInteger(after: "..", operand: operand)
                guard high >= low else {
                    throw failure("the range ends before it starts; write the smaller bound first", at: itemStart)
                }
            }
            ranges.append(low...high)
        }
        return FilterIntegerSet(ranges)
    }

    private mutating func readAddressSet(operand: Operand) throws(FilterSyntaxError) -> IPSet {
        try openSet(operand: operand)
        var blocks: [CIDR] = []
        while try nextSetItem(count: blocks.count) {
            let (block, _) = try readAddressOrBlock(after: "in", operand: operand)
            blocks.append(block)
        }
        return IPSet(blocks)
    }

    // MARK: - Bytes

    private var atEnd: Bool { position >= bytes.count }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        let index = position + ahead
        return index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipSpace() {
        while let byte = peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
        {
            position += 1
        }
    }

    private func hasSymbol(_ symbol: String) -> Bool {
        var index = position
        for byte in symbol.utf8 {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
        }
        return true
    }

    /// The word (a name: letters, digits, `_` and `.`, not starting with a digit or `.`) at an offset.
    private func word(at offset: Int) -> (text: String, end: Int)? {
        guard offset < bytes.count, Self.isWordStart(bytes[offset]) else { return nil }
        var end = offset + 1
        while end < bytes.count, Self.isWordByte(bytes[end]) { end += 1 }
        return (String(decoding: bytes[offset..<end], as: UTF8.self), end)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    private static func isWordStart(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte == UInt8(ascii: "_")
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        isWordStart(byte) || isDigit(byte) || byte == UInt8(ascii: ".")
    }

    private static func isAddressByte(_ byte: UInt8) -> Bool {
        IPAddress.hexValue(byte) != nil || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "/")
    }

    private static func validUTF8(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.utf8.elementsEqual(bytes) ? text : nil
    }

    /// The word or character at an offset, quoted, for messages.
    private func token(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the expression" }
        if let found = word(at: offset) { return "'\(found.text.prefix(40))'" }
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'" + String(decoding: bytes[offset..<end], as: UTF8.self) + "'"
    }

    /// The source from an offset to the position, for messages.
    private func sourceText(from start: Int) -> String {
        String(String(decoding: bytes[start..<position], as: UTF8.self).trimmingASCIIWhitespace().prefix(80))
    }

    private func unexpected(insideParentheses: Bool) -> FilterSyntaxError {
        let here = position
        if !insideParentheses, peek() == UInt8(ascii: ")") {
            return failure("unmatched ')': no '(' opened it", at: here)
        }
        if let found = word(at: here), found.text != found.text.lowercased(),
            Self.logicalWords.contains(found.text.lowercased())
        {
            return failure("operators are lower case: write \(found.text.lowercased())", at: here)
        }
        let expected = insideParentheses ? "and, or, xor or ')'" : "and, or, xor or the end of the expression"
        return failure("unexpected \(token(at: here)); expected \(expected)", at: here)
    }

    private func failure(_ message: String, at offset: Int) -> FilterSyntaxError {
        FilterSyntaxError(message: message, source: source, offset: offset)
    }
}
