/// cmd.exe's compound statements, read by their grammar: a `FOR` loop anywhere in a value, and an
/// `IF` where a command starts.
extension CommandInjection {
    /// Words that, after an `IF EXIST|DEFINED|ERRORLEVEL …` condition, make it a statement.
    static let batchFollowers: Set<String> = [
        "goto", "if", "echo", "set", "call", "exit", "md", "mkdir", "cd", "chdir", "del", "copy", "start",
        "type", "ren", "move", "rd", "for", "pause", "cls",
    ]

    /// Whether a lower-cased value holds `FOR [/D | /R path | /L | /F "options"]… %x IN (…) DO`, or,
    /// at its start or after `&`, `|`, `;`, `(` or a line break, `IF [/I] [NOT] EXIST|DEFINED|
    /// ERRORLEVEL|CMDEXTVERSION x command`, `IF a==b …` or `IF a EQU|NEQ|LSS|LEQ|GTR|GEQ b …`.
    static func batchStatement(_ value: [UInt8]) -> Bool {
        let count = value.count
        guard count >= 6 else { return false }
        var index = 0
        while index < count {
            defer { index += 1 }
            guard value[index] == UInt8(ascii: "f") else { continue }
            if index >= 1, value[index - 1] == UInt8(ascii: "i"), ifStatement(value, at: index - 1) { return true }
            if forLoop(value, at: index) { return true }
        }
        return false
    }

    private static func skipSpaces(_ value: [UInt8], _ index: Int) -> Int {
        var cursor = index
        while cursor < value.count, ShieldByte.isSpace(value[cursor]) { cursor += 1 }
        return cursor
    }

    /// Whether `keyword` (lower-case) is at `index`, followed by a space, the end, or one of `also`.
    private static func keyword(_ value: [UInt8], _ word: StaticString, at index: Int, also: [UInt8] = []) -> Bool {
        guard value.hasBytes(word, at: index) else { return false }
        let end = index + word.utf8CodeUnitCount
        return end >= value.count || ShieldByte.isSpace(value[end]) || also.contains(value[end])
    }

    private static func forLoop(_ value: [UInt8], at start: Int) -> Bool {
        let count = value.count
        guard start == 0 || !ShieldByte.isWordByte(value[start - 1]),
            keyword(value, "for", at: start, also: [UInt8(ascii: "/")])
        else { return false }
        var cursor = skipSpaces(value, start + 3)
        // switches: /d, /r [path], /l, /f ["options"]
        var switches = 0
        while switches < 6, cursor + 1 < count, value[cursor] == UInt8(ascii: "/") {
            let letter = value[cursor + 1]
            guard
                letter == UInt8(ascii: "d") || letter == UInt8(ascii: "r") || letter == UInt8(ascii: "l")
                    || letter == UInt8(ascii: "f"),
                cursor + 2 >= count || ShieldByte.isSpace(value[cursor + 2]) || value[cursor + 2] == UInt8(ascii: "/")
            else { return false }
            cursor = skipSpaces(value, cursor + 2)
            if letter == UInt8(ascii: "f"), cursor < count, value[cursor] == UInt8(ascii: "\"") {
                guard let close = value[(cursor + 1)...].prefix(200).firstIndex(of: UInt8(ascii: "\"")) else {
                    return false
                }
                cursor = skipSpaces(value, close + 1)
            } else if letter == UInt8(ascii: "r"), cursor < count, value[cursor] != UInt8(ascii: "%"),
                value[cursor] != UInt8(ascii: "/")
            {
                while cursor < count, !ShieldByte.isSpace(value[cursor]) { cursor += 1 }  // the root folder
                cursor = skipSpaces(value, cursor)
            }
            switches += 1
        }
        // the variable: %x, %%x, %~, %%
        guard cursor + 1 < count, value[cursor] == UInt8(ascii: "%") else { return false }
        cursor += 1
        var length = 0
        while cursor < count, !ShieldByte.isSpace(value[cursor]), length < 32 {
            cursor += 1
            length += 1
        }
        guard length > 0 else { return false }
        cursor = skipSpaces(value, cursor)
        guard keyword(value, "in", at: cursor, also: [UInt8(ascii: "(")]) else { return false }
        cursor = skipSpaces(value, cursor + 2)
        guard cursor < count, value[cursor] == UInt8(ascii: "("),
            let close = value[cursor...].prefix(1_000).firstIndex(of: UInt8(ascii: ")"))
        else { return false }
        // `DO` after the set, which may hold parentheses of its own: `('cmd /c "set /a (1+2)"') do`
        var after = close + 1
        while after < Swift.min(count, close + 300) {
            if keyword(value, "do", at: after, also: [UInt8(ascii: "("), UInt8(ascii: "@")]),
                value[after - 1] == UInt8(ascii: ")") || ShieldByte.isSpace(value[after - 1])
            {
                return true
            }
            after += 1
        }
        return false
    }

    private static func ifStatement(_ value: [UInt8], at start: Int) -> Bool {
        let count = value.count
        // where a command starts
        var before = start - 1
        while before >= 0, ShieldByte.isSpace(value[before]) { before -= 1 }
        guard
            before < 0
                || [UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: ";"), UInt8(ascii: "("), 0x0A, 0x0D]
                    .contains(value[before])
        else { return false }
        guard keyword(value, "if", at: start, also: [UInt8(ascii: "/")]) else { return false }
        var cursor = skipSpaces(value, start + 2)
        if keyword(value, "/i", at: cursor) { cursor = skipSpaces(value, cursor + 2) }
        if keyword(value, "not", at: cursor) { cursor = skipSpaces(value, cursor + 3) }
        for condition: StaticString in ["exist", "defined", "errorlevel", "cmdextversion"]
        where keyword(value, condition, at: cursor) {
            cursor = skipSpaces(value, cursor + condition.utf8CodeUnitCount)
            let operandEnd = operand(value, cursor)
            guard operandEnd > cursor else { return false }
            let next = skipSpaces(value, operandEnd)
            guard next > operandEnd, next < count else { return false }
            if value[next] == UInt8(ascii: "(") || value[next] == UInt8(ascii: "@") { return true }
            let (word, _) = shellWord(value, from: next)
            return batchFollowers.contains(word) || commands.contains(word) || bareCommands.contains(word)
        }
        // a comparison: a==b, a EQU b, or one in parentheses
        let leftEnd = operand(value, cursor)
        guard leftEnd > cursor else { return false }
        var next = skipSpaces(value, leftEnd)
        if value[cursor] == UInt8(ascii: "("), next < count {
            // `(2 GEQ 15)`: the comparison inside the parentheses
            for position in cursor..<leftEnd
            where value.hasBytes("==", at: position) || comparisonWord(value, at: position, spaced: true) {
                return true
            }
        }
        if next + 1 < count, value[next] == UInt8(ascii: "="), value[next + 1] == UInt8(ascii: "=") {
            while next < count, value[next] == UInt8(ascii: "=") { next += 1 }
        } else if next > leftEnd, comparisonWord(value, at: next, spaced: false), next + 3 < count,
            ShieldByte.isSpace(value[next + 3])
        {
            next += 3
        } else {
            return false
        }
        next = skipSpaces(value, next)
        let rightEnd = operand(value, next)
        guard rightEnd > next else { return false }
        let rest = skipSpaces(value, rightEnd)
        return rest > rightEnd && rest < count
    }

    /// Whether `EQU`, `NEQ`, `LSS`, `LEQ`, `GTR` or `GEQ` is at `index`; `spaced`, with a space on
    /// each side.
    private static func comparisonWord(_ value: [UInt8], at index: Int, spaced: Bool) -> Bool {
        let start = spaced ? index + 1 : index
        if spaced {
            guard index >= 0, index + 4 < value.count, ShieldByte.isSpace(value[index]),
                ShieldByte.isSpace(value[index + 4])
            else { return false }
        }
        for word: StaticString in ["equ", "neq", "lss", "leq", "gtr", "geq"] where value.hasBytes(word, at: start) {
            return true
        }
        return false
    }

    /// The end of an `IF` operand at `start`: a quoted string, a bracketed or parenthesised group, or
    /// a run of bytes up to a space or `==`.
    private static func operand(_ value: [UInt8], _ start: Int) -> Int {
        let count = value.count
        guard start < count else { return start }
        let closers: [UInt8: UInt8] = [
            UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "("): UInt8(ascii: ")"),
            UInt8(ascii: "["): UInt8(ascii: "]"), UInt8(ascii: "{"): UInt8(ascii: "}"),
        ]
        var cursor = start
        if let closer = closers[value[start]] {
            guard let close = value[(start + 1)...].prefix(200).firstIndex(of: closer) else { return start }
            cursor = close + 1
        }
        while cursor < count, !ShieldByte.isSpace(value[cursor]),
            !(value[cursor] == UInt8(ascii: "=") && cursor + 1 < count && value[cursor + 1] == UInt8(ascii: "="))
        {
            cursor += 1
        }
        return cursor
    }
}
