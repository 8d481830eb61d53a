/// SQL injection by tokenizing the value as SQL in the three places a value lands in a query (as is,
/// inside single quotes, inside double quotes) and asking whether the tokens form an injection: a
/// break out of the value followed by SQL that changes the query (a condition, a comment cutting the
/// rest off, a stacked statement, a `UNION`), or SQL that only an attack carries anywhere (a
/// `UNION SELECT`, a subquery, time-delay and file functions, the system catalogues).
///
/// The tokenizer understands strings with doubled and backslash-escaped quotes, numbers (decimal,
/// hex, binary, exponents), the three comment forms and MySQL's executable `/*! … */` comments,
/// variables, and operators; it is one pass and linear in the input.
enum SQLInjection {
    enum Kind: UInt8 {
        case string, number, word, keyword, function, variable, op, logic, comparison, comma, semicolon
        case open, close, dot, comment, other
    }

    /// The keywords that matter to the grammar.
    enum Word: UInt8 {
        case none, union, select, from, whereWord, having, group, order, by, limit, into, outfile, insert, update
        case delete, drop, create, alter, truncate, exec, declare, shutdown, waitfor, delay, values, set
        case table, database, procedure, user, view, function, index, all, distinct, null, trueWord, falseWord
        case caseWord, when, then, elseWord, end, like, rlike, regexp, sounds, between, inWord, isWord, not
        case and, or, xor, div, mod, ifWord, begin, analyse, collate, binary, exists, asWord
        /// A name only an attack has reason to mention: catalogue tables, time and file functions.
        case attackOnly
    }

    struct Token {
        var kind: Kind
        var word: Word = .none
        /// For strings: whether the closing quote was found.
        var closed = true
        /// For comments: a `/*! … */` executable comment is not a comment.
        var start: Int
    }

    /// The keywords by the hash of their bytes, in a table searched without hashing the hash again.
    static let words = WordTable(
        {
            var table: [UInt64: (String, Word)] = [:]
            func add(_ word: Word, _ names: String...) {
                for name in names { table[ShieldWords.hash(Array(name.utf8)[...])] = (name, word) }
            }
            add(.union, "union")
            add(.select, "select")
            add(.from, "from")
            add(.whereWord, "where")
            add(.having, "having")
            add(.group, "group")
            add(.order, "order")
            add(.by, "by")
            add(.limit, "limit")
            add(.into, "into")
            add(.outfile, "outfile", "dumpfile")
            add(.insert, "insert")
            add(.update, "update")
            add(.delete, "delete")
            add(.drop, "drop")
            add(.create, "create")
            add(.alter, "alter")
            add(.truncate, "truncate")
            add(.exec, "exec", "execute")
            add(.declare, "declare")
            add(.shutdown, "shutdown")
            add(.waitfor, "waitfor")
            add(.delay, "delay")
            add(.values, "values")
            add(.set, "set")
            add(.table, "table")
            add(.database, "database", "schema")
            add(.procedure, "procedure")
            add(.user, "user", "login")
            add(.view, "view")
            add(.function, "function", "trigger")
            add(.index, "index")
            add(.all, "all")
            add(.distinct, "distinct", "distinctrow")
            add(.null, "null")
            add(.trueWord, "true")
            add(.falseWord, "false")
            add(.caseWord, "case")
            add(.when, "when")
            add(.then, "then")
            add(.elseWord, "else")
            add(.end, "end")
            add(.like, "like", "ilike")
            add(.rlike, "rlike")
            add(.regexp, "regexp", "similar")
            add(.sounds, "sounds")
            add(.between, "between")
            add(.inWord, "in")
            add(.isWord, "is")
            add(.not, "not")
            add(.and, "and")
            add(.or, "or")
            add(.xor, "xor")
            add(.div, "div")
            add(.mod, "mod")
            add(.ifWord, "if", "iif")
            add(.begin, "begin")
            add(.analyse, "analyse", "analyze")
            add(.collate, "collate")
            add(.binary, "binary")
            add(.exists, "exists")
            add(.asWord, "as")
            add(
                .attackOnly,
                "information_schema",
                "sysobjects",
                "syscolumns",
                "sysusers",
                "sysdatabases",
                "sys.objects",
                "pg_catalog",
                "pg_shadow",
                "pg_user",
                "pg_sleep",
                "sqlite_master",
                "sqlite_version",
                "xp_cmdshell",
                "sp_executesql",
                "sp_oacreate",
                "sp_password",
                "utl_inaddr",
                "utl_http",
                "dbms_pipe",
                "dbms_lock",
                "dbms_xmlgen",
                "sys_context",
                "load_file",
                "benchmark",
                "sleep",
                "extractvalue",
                "updatexml",
                "group_concat",
                "all_users",
                "all_tables",
                "user_tables",
                "dba_users",
                "msysobjects",
                "msysaccessobjects",
                "mysql.user",
                "randomblob",
                "gtid_subset",
                "json_keys",
                "polygon",
                "multipoint",
                "geometrycollection",
                "linestring",
                "exp",
                "make_set",
                "elt",
                "char",
                "chr",
                "nchar",
                "concat",
                "concat_ws",
                "version",
                "current_user",
                "system_user",
                "session_user",
                "database",
                "schema",
                "user_name",
                "db_name",
                "host_name",
                "suser_name",
                "substring",
                "substr",
                "mid",
                "ascii",
                "ord",
                "hex",
                "unhex",
                "cast",
                "convert",
                "count",
                "length",
                "len",
                "instr",
                "ifnull",
                "nullif",
                "isnull",
                "coalesce",
                "rand",
                "floor",
                "row",
                "uuid",
                "md5",
                "sha1",
                "lower",
                "upper",
                "reverse",
                "replace",
                "left",
                "right",
                "trim",
                "ltrim",
                "rtrim",
                "pi",
                "cos",
                "sin",
                "abs",
                "round",
                "soundex",
                "json_extract",
                "json_depth",
                "xmltype",
                "to_char",
                "dual"
            )
            return table
        }()
    )

    /// Hashed keywords, sorted, found by binary search.
    struct WordTable: Sendable {
        private let keys: [UInt64]
        private let entries: [(String, Word)]

        init(_ table: [UInt64: (String, Word)]) {
            let sorted = table.sorted { $0.key < $1.key }
            keys = sorted.map(\.key)
            entries = sorted.map(\.value)
        }

        subscript(hash: UInt64) -> (String, Word)? {
            let index = keys.lowerBound(of: hash)
            return index < keys.count && keys[index] == hash ? entries[index] : nil
        }
    }

    /// Names that, as words, are only ever SQL an attack sends (not ordinary function names).
    static let strongNames: Set<String> = [
        "information_schema", "sysobjects", "syscolumns", "sysusers", "sysdatabases", "pg_catalog", "pg_shadow",
        "pg_user", "pg_sleep", "sqlite_master", "xp_cmdshell", "sp_executesql", "sp_oacreate", "sp_password",
        "utl_inaddr", "utl_http", "dbms_pipe", "dbms_lock", "dbms_xmlgen", "load_file", "benchmark",
        "extractvalue", "updatexml", "group_concat", "all_users", "all_tables", "dba_users", "msysobjects",
        "msysaccessobjects", "randomblob", "gtid_subset", "sqlite_version", "sleep",
    ]

    /// Whether a (lower-cased) value is a SQL injection.
    static func detect(_ value: [UInt8], strict: Bool, anywhere checkAnywhere: Bool = true) -> Bool {
        guard value.count >= 2 else { return false }
        var hasQuote = (single: false, double: false)
        var interesting = false
        for byte in value {
            switch byte {
            case UInt8(ascii: "'"): hasQuote.single = true
            case UInt8(ascii: "\""): hasQuote.double = true
            // Not `-` or `/` alone: URLs, dates and identifiers have them, and neither makes a
            // query of a value without a space, quote, parenthesis, operator or comment opener.
            case UInt8(ascii: " "), UInt8(ascii: "("), UInt8(ascii: "="), UInt8(ascii: ";"), UInt8(ascii: "#"),
                UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: "\t"),
                UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x00, 0x0B, 0x0C, 0xA0, UInt8(ascii: "@"), UInt8(ascii: "`"),
                UInt8(ascii: "+"), UInt8(ascii: "*"), UInt8(ascii: "^"), UInt8(ascii: "!"):
                interesting = true
            default: break
            }
        }
        guard interesting || hasQuote.single || hasQuote.double else { return false }
        let plain = tokenize(value, quote: nil)
        if checkAnywhere, anywhere(plain, value) { return true }
        if prefixInjection(plain, context: nil, strict: strict) { return true }
        for quote in [UInt8(ascii: "'"), UInt8(ascii: "\"")]
        where quote == UInt8(ascii: "'") ? hasQuote.single : hasQuote.double {
            // The value before its first quote is what the query's string held: one short word in an
            // injection (`1'`, `admin'`), prose in a sentence that happens to have an apostrophe.
            let prefix = value.prefix { $0 != quote }
            let quoted = tokenize(value, quote: quote)
            if checkAnywhere, anywhere(quoted, value) { return true }
            guard strict || (prefix.count <= 64 && !prefix.contains(where: ShieldByte.isSpace)) else { continue }
            let context = Breakout(quote: quote, emptyPrefix: prefix.isEmpty, value: value)
            if prefixInjection(quoted, context: context, strict: strict) { return true }
        }
        return false
    }

    /// Tokens of `value`, as if it followed an opening `quote` when one is given. Comments are kept as
    /// tokens; whitespace is not.
    static func tokenize(_ value: [UInt8], quote: UInt8?, limit: Int = 4_096) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(Swift.min(64, value.count / 2 + 2))
        var index = 0
        let count = value.count
        if let quote {
            let (end, closed) = scanString(value, from: 0, quote: quote)
            tokens.append(Token(kind: .string, closed: closed, start: 0))
            index = end
        }
        while index < count, tokens.count < limit {
            let byte = value[index]
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x00:
                // NUL too: `1%00UNION%00SELECT` is read past it by filters that stop at it
                index += 1
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let (end, closed) = scanString(value, from: index + 1, quote: byte)
                tokens.append(Token(kind: .string, closed: closed, start: index))
                index = end
            case UInt8(ascii: "`"):
                let (end, _) = scanString(value, from: index + 1, quote: byte)
                tokens.append(Token(kind: .word, start: index))
                index = end
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                var end = index + 1
                if byte == UInt8(ascii: "0"), end < count,
                    value[end] == UInt8(ascii: "x") || value[end] == UInt8(ascii: "b")
                {
                    end += 1
                    while end < count, IPAddress.hexValue(value[end]) != nil { end += 1 }
                } else {
                    while end < count, ShieldByte.isDigit(value[end]) || value[end] == UInt8(ascii: ".") { end += 1 }
                    if end < count, value[end] == UInt8(ascii: "e"), end + 1 < count,
                        ShieldByte.isDigit(value[end + 1]) || value[end + 1] == UInt8(ascii: "-")
                            || value[end + 1] == UInt8(ascii: "+")
                    {
                        end += 2
                        while end < count, ShieldByte.isDigit(value[end]) { end += 1 }
                    }
                }
                if end < count, ShieldByte.isLetter(value[end]) || value[end] == UInt8(ascii: "_") {
                    // `1st`, `3d`: a word, not a number followed by a word.
                    while end < count, ShieldByte.isWordByte(value[end]) { end += 1 }
                    tokens.append(Token(kind: .word, start: index))
                } else {
                    tokens.append(Token(kind: .number, start: index))
                }
                index = end
            case UInt8(ascii: "@"):
                var end = index + 1
                while end < count, value[end] == UInt8(ascii: "@") { end += 1 }
                while end < count, ShieldByte.isWordByte(value[end]) || value[end] == UInt8(ascii: "$") { end += 1 }
                tokens.append(Token(kind: end > index + 1 ? .variable : .other, start: index))
                index = end
            case UInt8(ascii: "-"):
                if index + 1 < count, value[index + 1] == UInt8(ascii: "-") {
                    tokens.append(Token(kind: .comment, start: index))
                    index = lineEnd(value, from: index)
                } else {
                    tokens.append(Token(kind: .op, start: index))
                    index += 1
                }
            case UInt8(ascii: "#"):
                tokens.append(Token(kind: .comment, start: index))
                index = lineEnd(value, from: index)
            case UInt8(ascii: "/"):
                if index + 1 < count, value[index + 1] == UInt8(ascii: "*") {
                    if index + 2 < count, value[index + 2] == UInt8(ascii: "!") {
                        // MySQL executes the body of /*! … */: skip the marker and its version.
                        index += 3
                        while index < count, IPAddress.hexValue(value[index]) != nil,
                            ShieldByte.isDigit(value[index])
                        {
                            index += 1
                        }
                    } else {
                        tokens.append(Token(kind: .comment, closed: true, start: index))
                        if let close = value.firstIndex(of: "*/", from: index + 2) {
                            index = close + 2
                        } else {
                            tokens[tokens.count - 1].closed = false
                            index = count
                        }
                    }
                } else {
                    tokens.append(Token(kind: .op, start: index))
                    index += 1
                }
            case UInt8(ascii: "*"):
                if index + 1 < count, value[index + 1] == UInt8(ascii: "/") {
                    index += 2  // the end of an executable comment
                } else {
                    tokens.append(Token(kind: .op, start: index))
                    index += 1
                }
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "."):
                let kind: Kind =
                    switch byte {
                    case UInt8(ascii: "("): .open
                    case UInt8(ascii: ")"): .close
                    case UInt8(ascii: ","): .comma
                    case UInt8(ascii: ";"): .semicolon
                    default: .dot
                    }
                tokens.append(Token(kind: kind, start: index))
                index += 1
            case UInt8(ascii: "="), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "!"):
                var end = index + 1
                while end < count, end - index < 3,
                    value[end] == UInt8(ascii: "=") || value[end] == UInt8(ascii: ">")
                        || value[end] == UInt8(ascii: "<")
                {
                    end += 1
                }
                let isNot = byte == UInt8(ascii: "!") && end == index + 1
                tokens.append(Token(kind: isNot ? .logic : .comparison, word: isNot ? .not : .none, start: index))
                index = end
            case UInt8(ascii: "|"), UInt8(ascii: "&"):
                if index + 1 < count, value[index + 1] == byte {
                    tokens.append(Token(kind: .logic, word: byte == UInt8(ascii: "|") ? .or : .and, start: index))
                    index += 2
                } else {
                    tokens.append(Token(kind: .op, start: index))
                    index += 1
                }
            case UInt8(ascii: "+"), UInt8(ascii: "%"), UInt8(ascii: "^"), UInt8(ascii: "~"), UInt8(ascii: ":"):
                tokens.append(Token(kind: .op, start: index))
                index += 1
            default:
                if ShieldByte.isLetter(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$") {
                    var end = index + 1
                    while end < count, ShieldByte.isWordByte(value[end]) || value[end] == UInt8(ascii: "$") {
                        end += 1
                    }
                    var token = Token(kind: .word, start: index)
                    if end - index <= 24, let (name, word) = words[ShieldWords.hash(value[index..<end])],
                        name.utf8.count == end - index, name.utf8.elementsEqual(value[index..<end])
                    {
                        token.word = word
                        switch word {
                        case .and, .or, .xor: token.kind = .logic
                        case .not: token.kind = .logic
                        case .like, .rlike, .regexp, .sounds, .between, .inWord, .isWord: token.kind = .comparison
                        case .div, .mod: token.kind = .op
                        case .attackOnly:
                            token.kind = strongNames.contains(name) ? .keyword : .word
                            if !strongNames.contains(name) { token.word = .none }
                        default: token.kind = .keyword
                        }
                    }
                    var next = end
                    while next < count, value[next] == 0x20 || value[next] == 0x09 { next += 1 }
                    if next < count, value[next] == UInt8(ascii: "("),
                        token.kind == .word || token.word == .attackOnly
                            || token.word == .ifWord || token.word == .database || token.word == .user
                            || token.word == .values || token.word == .exists || token.word == .not
                    {
                        if token.word != .not { token.kind = .function }
                    }
                    tokens.append(token)
                    index = end
                } else {
                    tokens.append(Token(kind: .other, start: index))
                    index += 1
                }
            }
        }
        return tokens
    }

    private static func scanString(_ value: [UInt8], from start: Int, quote: UInt8) -> (end: Int, closed: Bool) {
        var index = start
        while index < value.count {
            let byte = value[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == quote {
                if index + 1 < value.count, value[index + 1] == quote {
                    index += 2
                    continue
                }
                return (index + 1, true)
            }
            index += 1
        }
        return (value.count, false)
    }

    private static func lineEnd(_ value: [UInt8], from start: Int) -> Int {
        var index = start
        while index < value.count, value[index] != 0x0A, value[index] != 0x0D { index += 1 }
        return index
    }

    // MARK: - The grammar of injections

    /// Patterns that are SQL injections wherever they appear in a value.
    static func anywhere(_ all: [Token], _ value: [UInt8]) -> Bool {
        let tokens = all.contains { $0.kind == .comment } ? all.filter { $0.kind != .comment } : all
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            switch token.word {
            case .union:
                // UNION [ALL|DISTINCT] [(] SELECT
                var next = index + 1
                while next < tokens.count,
                    tokens[next].word == .all || tokens[next].word == .distinct
                        || tokens[next].kind == .open
                {
                    next += 1
                }
                if next < tokens.count, tokens[next].word == .select { return true }
            case .select:
                if selectIsQuery(tokens, at: index) { return true }
            case .attackOnly:
                // A catalogue table, or a time or file function called.
                if token.kind == .function || token.kind == .keyword && isCatalogue(tokens, at: index) { return true }
            case .waitfor:
                // WAITFOR DELAY '0:0:5', WAITFOR TIME '23:00'
                if index + 2 < tokens.count, tokens[index + 1].word == .delay || tokens[index + 1].word == .none,
                    tokens[index + 2].kind == .string
                {
                    return true
                }
            case .into:
                if index + 1 < tokens.count, tokens[index + 1].word == .outfile { return true }
            case .caseWord:
                // CASE WHEN 1=2 THEN …: a condition on two literals, the shape of a blind oracle.
                if index + 1 < tokens.count, tokens[index + 1].word == .when,
                    comparisonOfLiterals(tokens, at: index + 2),
                    index + 5 < tokens.count, tokens[index + 5].word == .then
                {
                    return true
                }
            default:
                if token.kind == .variable, value.hasBytes("@@", at: token.start),
                    serverVariable(value, at: token.start + 2)
                {
                    // @@version, @@datadir: server variables
                    return true
                }
                if token.kind == .semicolon, stackedStatement(tokens, after: index) { return true }
                // IIF(1=2,1,1/0), ELT(5=6,6), MAKE_SET(5=6,6): a function whose first argument
                // compares two literals, the shape of a blind oracle.
                if token.kind == .function, index + 1 < tokens.count, tokens[index + 1].kind == .open,
                    comparisonOfLiterals(tokens, at: index + 2),
                    index + 5 < tokens.count, tokens[index + 5].kind == .comma
                {
                    return true
                }
                if token.kind == .logic, token.word == .or || token.word == .and || token.word == .xor,
                    tautology(tokens, after: index)
                {
                    return true
                }
            }
            index += 1
        }
        return false
    }

    private static func serverVariable(_ value: [UInt8], at index: Int) -> Bool {
        let names: [StaticString] = [
            "version", "datadir", "hostname", "basedir", "tmpdir", "identity", "servername", "language", "spid",
            "global.", "session.", "secure_file_priv", "plugin_dir", "innodb_", "warning_count", "error_count",
            "rowcount", "trancount", "microsoftversion", "connections", "cpu_busy", "user", "port", "log_",
        ]
        return names.contains { value.hasBytes($0, at: index) }
    }

    private static func isCatalogue(_ tokens: [Token], at index: Int) -> Bool {
        // `information_schema.tables`, `from sysobjects`
        (index + 1 < tokens.count && tokens[index + 1].kind == .dot)
            || (index > 0 && (tokens[index - 1].word == .from || tokens[index - 1].kind == .dot))
    }

    /// `SELECT` that reads as a query: a subquery, a select list of SQL values, or `SELECT … FROM`.
    private static func selectIsQuery(_ tokens: [Token], at selectIndex: Int) -> Bool {
        let previousOpen = selectIndex > 0 && tokens[selectIndex - 1].kind == .open
        var index = selectIndex
        while index + 1 < tokens.count, tokens[index + 1].word == .all || tokens[index + 1].word == .distinct {
            index += 1  // SELECT DISTINCT …: the list starts after the quantifier
        }
        guard index + 1 < tokens.count else { return false }
        let next = tokens[index + 1]
        if previousOpen, next.kind != .word || index + 2 < tokens.count { return true }
        switch next.kind {
        case .function, .variable: return true
        case .number, .string: return index + 2 < tokens.count && isSQLContinuation(tokens[index + 2])
        case .open: return true
        case .op: if index + 2 < tokens.count, tokens[index + 2].word == .from { return true }
        case .keyword:
            if next.word == .null || next.word == .caseWord || next.word == .attackOnly {
                return true
            }
        default: break
        }
        // SELECT name[, name…] FROM name
        var cursor = index + 1
        var names = 0
        while cursor < tokens.count, cursor - index <= 12 {
            let token = tokens[cursor]
            if token.word == .from {
                guard names > 0, cursor + 1 < tokens.count else { return false }
                let table = tokens[cursor + 1]
                if table.kind == .open || table.kind == .keyword && table.word == .attackOnly { return true }
                guard table.kind == .word || table.kind == .keyword else { return false }
                // `FROM users`, then the end or more SQL; `from the list` is prose
                guard cursor + 2 < tokens.count else { return true }
                let after = tokens[cursor + 2]
                switch after.kind {
                case .semicolon, .comment, .close, .comma, .dot: return true
                case .keyword:
                    // a clause keyword with nothing after it is a sentence that stops, not a query
                    return [.whereWord, .group, .order, .limit, .union, .having, .into, .procedure].contains(after.word)
                        && cursor + 3 < tokens.count
                default: return false
                }
            }
            guard
                token.kind == .word || token.kind == .comma || token.kind == .dot || token.kind == .function
                    || token.kind == .open || token.kind == .close || token.kind == .op
            else { return false }
            if token.kind == .word { names += 1 }
            cursor += 1
        }
        return false
    }

    /// Whether the word operator `token` (`mod`, `like`) stands between the quote that closed the
    /// value's string and the quote that opens `operand`, with no space on either side: `"like"`.
    private static func quotedWord(_ token: Token, context: Breakout, before operand: Token) -> Bool {
        let value = context.value
        guard token.start > 0, value[token.start - 1] == context.quote, ShieldByte.isLetter(value[token.start]) else {
            return false
        }
        var end = token.start
        while end < value.count, ShieldByte.isWordByte(value[end]) { end += 1 }
        return operand.start == end
    }

    /// Whether `token` is a `#` comment with text after it: `#2 circular needle`, `# blah`. A `#`
    /// that ends the value (`admin'#`) cuts a query off; one followed by words is prose.
    private static func hashCommentWithText(_ token: Token, _ value: [UInt8]) -> Bool {
        guard token.kind == .comment, token.start < value.count, value[token.start] == UInt8(ascii: "#") else {
            return false
        }
        var index = token.start + 1
        while index < value.count, value[index] != 0x0A, value[index] != 0x0D {
            if ShieldByte.isLetter(value[index]) || ShieldByte.isDigit(value[index]) { return true }
            index += 1
        }
        return false
    }

    /// Whether the operator before `index` has an operand at `index` and the expression then goes on
    /// as SQL or ends: `1 and 1*1=1`, `1 or 2-1`, not `80&#039;s` or `1/2" button`.
    private static func expressionContinues(_ tail: [Token], from index: Int) -> Bool {
        guard index < tail.count else { return false }
        switch tail[index].kind {
        case .number, .string, .function, .open, .variable, .word, .keyword: break
        default: return false
        }
        if tail[index].kind == .function || tail[index].kind == .open { return true }
        guard index + 1 < tail.count else { return true }
        switch tail[index + 1].kind {
        case .comparison, .op, .logic, .comment, .semicolon, .close, .dot, .keyword: return true
        default: return false
        }
    }

    /// Whether a clause that only ends a query starts at `index`: `' or 1 limit 1 --`,
    /// `' and 1 order by 2`, `' or 1 union select …`, `' or 1 into outfile …`.
    private static func clauseFollows(_ tokens: [Token], at index: Int) -> Bool {
        guard index + 1 < tokens.count, tokens[index].kind == .keyword else { return false }
        let next = tokens[index + 1]
        switch tokens[index].word {
        case .limit: return next.kind == .number
        case .order, .group: return next.word == .by
        case .union: return next.word == .select || next.word == .all
        case .into: return next.word == .outfile
        default: return false
        }
    }

    private static func isSQLContinuation(_ token: Token) -> Bool {
        switch token.kind {
        case .comma, .close, .semicolon, .comment, .op, .comparison, .logic: true
        case .keyword: token.word == .from || token.word == .into || token.word == .union || token.word == .whereWord
        default: false
        }
    }

    /// `; DROP TABLE`, `; SELECT …`, `; EXEC xp_…`, `; DECLARE @x`, `; SHUTDOWN`.
    private static func stackedStatement(_ tokens: [Token], after index: Int) -> Bool {
        guard index + 1 < tokens.count else { return false }
        let statement = tokens[index + 1]
        let next = index + 2 < tokens.count ? tokens[index + 2] : nil
        switch statement.word {
        case .select: return selectIsQuery(tokens, at: index + 1)
        case .drop, .create, .alter, .truncate:
            guard let next else { return false }
            return [.table, .database, .procedure, .user, .view, .function, .index].contains(next.word)
        case .insert: return next?.word == .into
        case .delete: return next?.word == .from
        case .update:
            return index + 3 < tokens.count && tokens[index + 3].word == .set
        case .exec:
            guard let next else { return false }
            if next.kind == .function || next.kind == .open || next.kind == .variable || next.word == .attackOnly {
                return true
            }
            // `; EXEC xp_cmdshell 'dir'`, `; EXEC master..sp_x`, `; EXEC proc;`: a procedure and its
            // arguments, not `; exec will create the case` in prose.
            guard next.kind == .word else { return false }
            guard index + 3 < tokens.count else { return true }
            switch tokens[index + 3].kind {
            case .string, .number, .variable, .comma, .semicolon, .dot, .comment: return true
            default: return false
            }
        case .declare: return next?.kind == .variable
        case .shutdown: return next == nil || next!.kind == .comment || next!.kind == .semicolon
        case .waitfor: return next?.word == .delay
        case .set: return next?.kind == .variable
        case .ifWord: return next?.kind == .open || statement.kind == .function
        case .begin: return next?.word == .declare
        default: return false
        }
    }

    /// Whether the tokens at `index` are a number compared with a number (`6620=3092`).
    private static func comparisonOfLiterals(_ tokens: [Token], at index: Int) -> Bool {
        index + 2 < tokens.count && tokens[index].kind == .number && tokens[index + 1].kind == .comparison
            && tokens[index + 2].kind == .number
    }

    /// After `OR`/`AND`: `1=1`, `'a'='a'`, `2>1`, `1 LIKE 1`: a comparison of two literals.
    private static func tautology(_ tokens: [Token], after index: Int) -> Bool {
        var cursor = index + 1
        while cursor < tokens.count, tokens[cursor].kind == .open || tokens[cursor].word == .not { cursor += 1 }
        guard cursor + 2 < tokens.count else { return false }
        let left = tokens[cursor]
        let comparison = tokens[cursor + 1]
        let right = tokens[cursor + 2]
        func literal(_ token: Token) -> Bool {
            token.kind == .number || (token.kind == .string && token.closed) || token.word == .null
                || token.word == .trueWord || token.word == .falseWord
        }
        return literal(left) && comparison.kind == .comparison && (literal(right) || right.kind == .function)
    }

    /// How a value left the string it was placed in.
    struct Breakout {
        let quote: UInt8
        /// Nothing before the quote: `'-'`, `"*"` read as often as prose as they do as injection.
        let emptyPrefix: Bool
        let value: [UInt8]
    }

    /// Whether the value, placed in a query in `context`, breaks out and continues as SQL.
    static func prefixInjection(_ all: [Token], context: Breakout?, strict: Bool) -> Bool {
        guard !all.isEmpty else { return false }
        // The breakout: a closed string (in quote contexts), a number or a bare word (as is),
        // optionally closing parentheses.
        var cursor = 0
        let first = all[0]
        if context != nil {
            guard first.kind == .string, first.closed else { return false }
        } else {
            if first.kind == .op, all.count > 2, all[1].kind == .number, first.start < all[1].start,
                all[1].start == first.start + 1
            {
                // a signed number: `-1 or 1=1`
                cursor = 2
                while cursor < all.count, all[cursor].kind == .close { cursor += 1 }
                return cursor < all.count && afterBreakout(all, at: cursor, context: nil, strict: strict)
            }
            if first.kind == .open {
                // `(1=1)*1`, `((1)) or 1=1`: a parenthesised comparison of literals
                var index = 0
                while index < all.count, all[index].kind == .open { index += 1 }
                if index + 2 < all.count, all[index].kind == .number, all[index + 1].kind == .comparison,
                    all[index + 2].kind == .number, index + 3 < all.count, all[index + 3].kind == .close
                {
                    return true
                }
                return false
            }
            guard first.kind == .number || first.kind == .word || first.kind == .variable else {
                return first.kind == .close && all.count > 1
                    && afterBreakout(all, at: 1, context: context, strict: strict)
            }
        }
        cursor = 1
        while cursor < all.count, all[cursor].kind == .close { cursor += 1 }
        guard cursor < all.count else { return false }
        return afterBreakout(all, at: cursor, context: context, strict: strict)
    }

    private static func afterBreakout(_ all: [Token], at start: Int, context: Breakout?, strict: Bool) -> Bool {
        let token = all[start]
        let closedParen = start > 1 && all[start - 1].kind == .close
        let tail = Array(all[(start + 1)...].filter { $0.kind != .comment })
        let nextIsEnd = start + 1 >= all.count
        switch token.kind {
        case .comment:
            // `admin'--`, `1')#`: the rest of the query is cut off. A `#` with words after it is
            // text (`7" #2 needle`, `bar'# blah`), as libinjection also holds.
            if !strict, !closedParen, hashCommentWithText(token, context?.value ?? []) { return false }
            if let context { return !context.emptyPrefix || closedParen || strict }
            return closedParen || (strict && nextIsEnd)
        case .semicolon:
            // the statement after `;`, comments skipped as in `tail`
            return stackedStatement([token] + tail, after: 0)
                || (context != nil && start + 1 < all.count && all[start + 1].kind == .comment)
        case .logic:
            // `!` negates what follows; it does not join a condition to the value (`9!6`)
            if token.word == .not { return false }
            return condition(tail, context: context, quoteBreakout: context != nil, strict: strict)
        case .keyword:
            switch token.word {
            case .union: return tail.first?.word == .select || tail.first?.word == .all || tail.first?.kind == .open
            case .order, .group:
                return tail.count >= 2 && tail[0].word == .by
                    && (tail[1].kind == .number || tail[1].kind == .function || context != nil)
            case .having, .whereWord:
                // `' WHERE 1=1`, `1 HAVING count(*)>0`: a condition, not `I having true friends`
                guard let first = tail.first else { return false }
                if first.kind == .function || first.kind == .open { return true }
                var next = 1
                while next + 1 < tail.count, tail[next].kind == .dot { next += 2 }  // `prod.id`
                return next < tail.count && (tail[next].kind == .comparison || tail[next].kind == .op)
            case .procedure: return tail.first?.kind == .function
            case .asWord: return tail.count >= 2 && tail[1].word == .whereWord
            case .into: return tail.first?.word == .outfile
            case .waitfor: return tail.first?.word == .delay
            case .limit: return context != nil && tail.first?.kind == .number
            default: return false
            }
        case .op, .comparison:
            // `1'-'`, `x'='x`, `1' * sleep(5)`, `1 - (select …)`: an expression continued past the value.
            guard let operand = tail.first else { return false }
            if operand.kind == .function && operand.word == .attackOnly { return true }
            if operand.kind == .open, tail.count > 1, tail[1].word == .select { return true }
            guard let context else { return false }
            // `'*'`, `"-"`: with nothing before the quote these read as punctuation in prose
            if context.emptyPrefix && !strict { return false }
            let prose = context.quote == UInt8(ascii: "\"")
            // `"mod"`, `"like"`: a word in double quotes, not an operator between two strings
            // (`A' DIV 'B` and `aa'LIKE'0` are)
            if !strict, prose, operand.kind == .string, quotedWord(token, context: context, before: operand) {
                return false
            }
            if operand.kind == .string {
                // the attacker's trailing quote meets the query's own closing quote
                guard context.value[operand.start] == context.quote else { return false }
                if prose { return !operand.closed && tail.count == 1 }
                return !operand.closed || tail.count == 1 || isSQLContinuation(tail[1])
                    || tail[1].kind == .logic
            }
            if operand.kind == .number || operand.kind == .function || operand.kind == .open {
                if tail.count == 1 { return operand.kind != .number }
                if prose { return tail[1].kind == .logic || tail[1].kind == .comparison && operand.kind != .number }
                return isSQLContinuation(tail[1]) || tail[1].kind == .comparison
            }
            return false
        case .close:
            return false
        default:
            return false
        }
    }

    /// After a breakout and `OR`/`AND`: a condition that makes the query's WHERE true or false.
    private static func condition(_ tail: [Token], context: Breakout?, quoteBreakout: Bool, strict: Bool) -> Bool {
        var index = 0
        while index < tail.count, tail[index].kind == .open || tail[index].word == .not { index += 1 }
        guard index < tail.count else { return false }
        let operand = tail[index]
        let after = index + 1 < tail.count ? tail[index + 1] : nil
        switch operand.kind {
        case .function:
            return true
        case .keyword:
            return operand.word == .select || operand.word == .exists || operand.word == .trueWord
                || operand.word == .falseWord || operand.word == .null || operand.word == .attackOnly
                || operand.word == .caseWord
        case .number, .string, .variable:
            guard let after else {
                // `' or '1` meets the query's closing quote; `1 or 1` at the end
                return operand.kind == .string ? !operand.closed && quoteBreakout : (strict || quoteBreakout)
            }
            if after.kind == .comparison { return true }
            if after.kind == .op { return expressionContinues(tail, from: index + 2) }
            if after.kind == .comment || after.kind == .semicolon || after.kind == .close { return true }
            if after.kind == .logic { return true }
            return clauseFollows(tail, at: index + 1)
        case .word:
            // `' or a=a`, `1 and x like y`
            guard let after else { return false }
            if after.kind == .comparison {
                return quoteBreakout || strict || (index + 2 < tail.count && tail[index + 2].kind != .word)
            }
            return false
        case .open:
            return true
        default:
            return false
        }
    }
}
