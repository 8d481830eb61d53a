/// The smaller families: server-side template injection, Log4Shell lookups, Shellshock function
/// definitions, XML external entities, NoSQL operators, code injection into PHP, Java, Node.js and
/// Python interpreters (and their deserializers), response splitting and LDAP filter injection.
enum TemplateInjection {
    static let markers: [StaticString] = [
        "__class__", "__mro__", "__subclasses__", "__globals__", "__builtins__", "__import__", "__init__",
        "getruntime", "freemarker.template", "java.lang", ".getclass(", "class.forname", "t(java", "new(",
        "lipsum", "cycler", "joiner", "namespace", "config.", "config}", "config ", "self.", "request.",
        "request|", "request[", "attr(", "popen", "os.", "subprocess", "system(", "exec(", "eval(", "import",
        "constructor", "process.", "require(", "_self.env", "registerundefinedfiltercallback", "getfilter",
        "range(", "url_for", "get_flashed_messages", "settings.", "|e(", "|map", "|join", "|filter",
        "|attr", "|reduce",
    ]

    static let trailingMarkers = ShieldMarkers([
        "<#assign", "<#import", "#set(", "#set (", "$class.inspect", "{php}", "{system(", "{{=", "[#assign",
        "{{#with", "{{_self", "{{[", "#evaluate(",
    ])

    static func detect(_ value: [UInt8], strict: Bool) -> Bool {
        guard value.contains(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "#") })
        else { return false }
        for (open, close) in [
            ("{{", "}}"), ("{%", "%}"), ("${", "}"), ("#{", "}"), ("*{", "}"), ("<%", "%>"), ("@{", "}"),
        ] {
            var index = 0
            while let start = firstIndex(value, open, from: index) {
                index = start + 2
                let bodyStart = start + 2
                guard let end = firstIndex(value, close, from: bodyStart) ?? (strict ? value.count : nil) else { break }
                let body = Array(value[bodyStart..<Swift.min(end, bodyStart + 512)])
                if arithmetic(body) || markers.contains(where: { body.contains($0) }) { return true }
                if open == "<%", body.first == UInt8(ascii: "="), body.count > 1 { return true }
                if open == "{%", body.contains(where: ShieldByte.isLetter) {
                    let words: [StaticString] = [
                        "for ", "if ", "set ", "import", "include", "extends", "macro", "debug",
                    ]
                    if words.contains(where: { body.contains($0) }) { return true }
                }
            }
        }
        return trailingMarkers.occurs(in: value)
    }

    /// Where a one- or two-byte delimiter next occurs at or after `start` (a single `}` closes `${…}`).
    private static func firstIndex(_ value: [UInt8], _ pattern: String, from start: Int) -> Int? {
        let bytes = Array(pattern.utf8)
        guard bytes.count == 1 || bytes.count == 2 else { return nil }
        var index = start
        while index + bytes.count <= value.count {
            if value[index] == bytes[0], bytes.count == 1 || value[index + 1] == bytes[1] { return index }
            index += 1
        }
        return nil
    }

    /// `7*7`, `7 * '7'`, `1+1`: template engines evaluate them, so probes use them.
    private static func arithmetic(_ body: [UInt8]) -> Bool {
        var index = 0
        while index < body.count {
            if ShieldByte.isDigit(body[index]) {
                var cursor = index
                while cursor < body.count, ShieldByte.isDigit(body[cursor]) { cursor += 1 }
                while cursor < body.count, ShieldByte.isSpace(body[cursor]) { cursor += 1 }
                if cursor < body.count,
                    body[cursor] == UInt8(ascii: "*") || body[cursor] == UInt8(ascii: "+")
                        || body[cursor] == UInt8(ascii: "-") || body[cursor] == UInt8(ascii: "/")
                {
                    cursor += 1
                    while cursor < body.count,
                        ShieldByte.isSpace(body[cursor]) || body[cursor] == UInt8(ascii: "'")
                            || body[cursor] == UInt8(ascii: "\"")
                    {
                        cursor += 1
                    }
                    if cursor < body.count, ShieldByte.isDigit(body[cursor]) { return true }
                }
                index = cursor + 1
            } else {
                index += 1
            }
        }
        return false
    }
}

enum Log4Shell {
    /// Resolves Log4j's nested lookups (`${lower:j}`, `${::-n}`, `${env:X:-d}`) and looks for `jndi:`.
    static func detect(_ value: [UInt8]) -> Bool {
        guard value.contains("${") else { return false }
        if value.contains("${jndi:") { return true }
        var current = value
        var rounds = 0
        while rounds < 32, let close = current.firstIndex(of: UInt8(ascii: "}")) {
            guard let open = current[..<close].lastIndex(of: UInt8(ascii: "$")), open + 1 < close,
                current[open + 1] == UInt8(ascii: "{")
            else {
                // an unmatched brace: drop it and continue
                current.remove(at: close)
                rounds += 1
                continue
            }
            let body = Array(current[(open + 2)..<close])
            var replacement: [UInt8]
            if body.starts(with: "jndi:".utf8) {
                return true
            } else if let dash = body.firstIndex(of: ":-", from: 0) {
                replacement = Array(body[(dash + 2)...])
            } else if body.starts(with: "lower:".utf8) || body.starts(with: "upper:".utf8) {
                replacement = Array(body[6...])
            } else if let colon = body.firstIndex(of: UInt8(ascii: ":")) {
                // `${env:NAME}`, `${date:'j'}`: resolves to something the attacker chose or nothing
                replacement = Array(body[(colon + 1)...]).filter { $0 != UInt8(ascii: "'") }
                if replacement.count > 1 { replacement = [] }
            } else {
                replacement = body
            }
            current.replaceSubrange(open...close, with: replacement)
            rounds += 1
            if current.contains("jndi:") && current.count < value.count { return true }
        }
        return current.contains("jndi:") && value.contains("${")
    }
}

enum Shellshock {
    /// `() { :; };` — a Bash function definition in an environment variable.
    static func detect(_ value: [UInt8]) -> Bool {
        guard let open = value.firstIndex(of: "()", from: 0) else { return false }
        var cursor = open + 2
        while cursor < value.count, ShieldByte.isSpace(value[cursor]) { cursor += 1 }
        guard cursor < value.count, value[cursor] == UInt8(ascii: "{") else { return false }
        var before = open
        while before > 0, ShieldByte.isSpace(value[before - 1]) { before -= 1 }
        return before == 0 || value[before - 1] == UInt8(ascii: "=")
    }
}

enum XMLExternalEntity {
    static func detect(_ value: [UInt8]) -> Bool {
        guard value.contains("<!") || value.contains("xinclude") || value.contains("xi:include") else { return false }
        if value.contains("<!entity") { return true }
        if let doctype = value.firstIndex(of: "<!doctype", from: 0) {
            // an internal subset or a SYSTEM identifier; XHTML's PUBLIC doctypes are harmless
            var end = doctype
            while end < value.count, value[end] != UInt8(ascii: ">"), end - doctype < 2_048 { end += 1 }
            let declaration = Array(value[doctype..<end])
            if declaration.contains(UInt8(ascii: "[")) || declaration.contains(" system") { return true }
        }
        return value.contains("xi:include") || value.contains("<xsl:") && value.contains("document(")
    }
}

enum NoSQLInjection {
    static let operators: Set<String> = [
        "ne", "eq", "gt", "gte", "lt", "lte", "in", "nin", "regex", "where", "exists", "expr", "or", "and", "not",
        "nor", "function", "accumulator", "elemmatch", "type", "mod", "all", "size", "text", "jsonschema",
        "lookup", "options", "comment", "where,",
    ]

    /// An argument or key that is a MongoDB operator: `user[$ne]`, `{"$gt": ""}`.
    static func isOperatorName(_ name: [UInt8]) -> Bool {
        guard let dollar = name.firstIndex(of: UInt8(ascii: "$")) else { return false }
        if dollar > 0, name[dollar - 1] != UInt8(ascii: "[") { return false }
        var end = dollar + 1
        while end < name.count, ShieldByte.isLetter(name[end]) { end += 1 }
        return operators.contains(String(decoding: name[(dollar + 1)..<end], as: UTF8.self))
    }

    /// Values that carry server-side JavaScript or operator objects.
    static let valueMarkers = ShieldMarkers([
        "$where", "$ne\"", "{\"$ne", "{\"$gt", "{\"$regex", "{\"$nin", "{\"$exists", "[$ne]", "[$gt]", "[$regex]",
        "[$nin]", "[$where]", "[$exists]", "{$ne", "{$gt", "db.getcollection", "db.users.", "this.password",
        "mapreduce(", "$function", "$or:", "$and:", "$nor:", "$ne:", "$gt:", "$regex:", "$where:",
    ])

    /// Methods of a MongoDB collection, called as in its shell: `db.users.insert({…})`.
    static let shellMethods: Set<String> = [
        "find", "findone", "insert", "insertone", "insertmany", "update", "updateone", "updatemany", "remove",
        "deleteone", "deletemany", "drop", "aggregate", "count", "save", "replaceone", "findandmodify",
        "mapreduce", "createindex", "renamecollection",
    ]
    static let shellMethodWords = ShieldWords(shellMethods)

    /// `db.collection.method(`.
    static func shellCall(_ value: [UInt8]) -> Bool {
        var index = 0
        while let found = value.firstIndex(of: "db.", from: index) {
            index = found + 3
            guard found == 0 || !ShieldByte.isWordByte(value[found - 1]) else { continue }
            var cursor = index
            while cursor < value.count, ShieldByte.isWordByte(value[cursor]) { cursor += 1 }
            guard cursor > index, cursor < value.count, value[cursor] == UInt8(ascii: ".") else { continue }
            let methodStart = cursor + 1
            var end = methodStart
            while end < value.count, ShieldByte.isLetter(value[end]) { end += 1 }
            if end < value.count, value[end] == UInt8(ascii: "("),
                shellMethodWords.contains(value[methodStart..<end])
            {
                return true
            }
        }
        return false
    }

    static func detect(_ value: [UInt8]) -> Bool {
        if valueMarkers.occurs(in: value) || shellCall(value) { return true }
        // `'; return true; var a='`, `'||'1'=='1`, `' && this.x`
        if value.contains("return true") || value.contains("return 1==1"), value.contains(";") { return true }
        if value.contains("'=='") || value.contains("\"==\""), value.contains("||") { return true }
        return false
    }
}

enum CodeInjection {
    static let callables: Set<String> = [
        "system", "exec", "shell_exec", "passthru", "popen", "proc_open", "pcntl_exec", "assert", "base64_decode",
        "gzinflate", "gzuncompress", "str_rot13", "file_get_contents", "file_put_contents", "fopen", "fwrite",
        "readfile", "include", "include_once", "require", "require_once", "phpinfo", "call_user_func",
        "call_user_func_array", "create_function", "preg_replace", "move_uploaded_file", "highlight_file",
        "show_source", "php_uname", "posix_getpwuid", "__import__", "getattr", "compile", "execfile", "os.system",
        "os.popen", "subprocess.call", "subprocess.popen", "subprocess.check_output", "runtime.getruntime",
        "processbuilder", "child_process", "spawn", "execsync", "spawnsync", "execfilesync", "unserialize",
        "array_map", "usort", "ob_start", "getenv", "putenv", "chr", "eval",
    ]

    static let markerSet = ShieldMarkers(markers)
    static let callableWords = ShieldWords(callables)

    static let markers: [StaticString] = [
        "<?php", "<?=", "getruntime()", ".getruntime(", "#_memberaccess", "class.module.classloader",
        "classloader.resources", ".classloader.", "ognlcontext", "#context[", "xwork.", "<java version", "ysoserial",
        "process.mainmodule", "require('child_process')", "require(\"child_process\")", "child_process",
        "process.binding", "__proto__", "constructor.prototype", "$_get[", "$_post[", "$_request[", "$_server[",
        "$_cookie[", "$_files[", "$_env[", "$globals[", "__halt_compiler", "/bin/bash", "os.system(", "os.popen(",
        "subprocess.", "__builtins__", "pickle.loads", "marshal.loads", "kernel.exec", "io.popen(",
        "org.springframework", "object.getprototypeof", "<!--#exec", "<!--#include", "<!--#echo", "<!--#printenv",
        "<!--#config", "<!--#set ", "<!--#fsize", "<!--#flastmod", "!!python/", "!!ruby/object", "!!ruby/hash",
    ]

    static func detect(_ value: [UInt8], strict: Bool) -> Bool {
        if markerSet.occurs(in: value) { return true }
        // PHP serialized objects: O:8:"stdClass":1:{…}
        if serializedPHPObject(value) { return true }
        // A dangerous function called with an argument, `system('id')`, `base64_decode($x)`.
        var index = 0
        let count = value.count
        while index < count {
            guard ShieldByte.isLetter(value[index]) || value[index] == UInt8(ascii: "_"),
                index == 0 || !(ShieldByte.isWordByte(value[index - 1]))
            else {
                index += 1
                continue
            }
            var end = index
            while end < count, ShieldByte.isWordByte(value[end]) || value[end] == UInt8(ascii: ".") { end += 1 }
            var cursor = end
            while cursor < count, ShieldByte.isSpace(value[cursor]) { cursor += 1 }
            if cursor < count, value[cursor] == UInt8(ascii: "("), cursor + 1 < count,
                callableWords.contains(value[index..<end])
            {
                let word = String(decoding: value[index..<end], as: UTF8.self)
                let argument = value[cursor + 1]
                if callables.contains(word),
                    argument == UInt8(ascii: "$") || argument == UInt8(ascii: "'") || argument == UInt8(ascii: "\"")
                        || (strict && argument != UInt8(ascii: ")"))
                        || (word.count > 5 && word.contains("_") && argument != UInt8(ascii: ")"))
                {
                    if word == "chr" || word == "eval" || word == "exec" || word == "system" || word == "include"
                        || word == "require" || word == "compile" || word == "spawn" || word == "getenv"
                        || word == "assert"
                    {
                        // common names: need a PHP variable, a string or a statement end around them
                        if argument == UInt8(ascii: "$") || value.contains(";") || value.contains("?>")
                            || argument == UInt8(ascii: "'") || argument == UInt8(ascii: "\"")
                        {
                            if word != "chr" && word != "getenv" || value.contains(".") { return true }
                        }
                    } else {
                        return true
                    }
                }
            }
            index = end + 1
        }
        return false
    }
}

extension CodeInjection {
    /// `O:8:"stdClass":1:{`, `C:11:"ArrayObject":…`: PHP's serialization of an object.
    static func serializedPHPObject(_ value: [UInt8]) -> Bool {
        var index = 0
        while let found = value.firstIndex(of: ":", from: index) {
            index = found + 1
            guard found > 0, value[found - 1] == UInt8(ascii: "o") || value[found - 1] == UInt8(ascii: "c"),
                found < 2 || !ShieldByte.isLetter(value[found - 2])
            else { continue }
            var cursor = found + 1
            let digits = cursor
            while cursor < value.count, ShieldByte.isDigit(value[cursor]) { cursor += 1 }
            guard cursor > digits, cursor + 1 < value.count, value[cursor] == UInt8(ascii: ":"),
                value[cursor + 1] == UInt8(ascii: "\"")
            else { continue }
            cursor += 2
            while cursor < value.count, value[cursor] != UInt8(ascii: "\""), cursor - digits < 300 { cursor += 1 }
            if cursor + 2 < value.count, value[cursor + 1] == UInt8(ascii: ":"), ShieldByte.isDigit(value[cursor + 2]) {
                return true
            }
        }
        return false
    }
}

enum ResponseSplitting {
    static let headers: [StaticString] = [
        "set-cookie:", "location:", "content-type:", "content-length:", "refresh:", "x-xss-protection:",
        "access-control-allow", "http/1.", "content-security-policy:", "transfer-encoding:", "cache-control:",
    ]

    /// A line break followed by a response header: `%0d%0aSet-Cookie: …`.
    static func detect(_ value: [UInt8]) -> Bool {
        guard let firstBreak = value.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) else { return false }
        // A dump of headers (`content-length: 29\r\ncontent-type: …`) is not an injection into one.
        if value[..<firstBreak].contains(UInt8(ascii: ":")) && value[..<firstBreak].contains(UInt8(ascii: " ")) {
            return false
        }
        var index = 0
        while index < value.count {
            if value[index] == 0x0A || value[index] == 0x0D {
                var cursor = index + 1
                while cursor < value.count, value[cursor] == 0x0A || value[cursor] == 0x0D || value[cursor] == 0x20 {
                    cursor += 1
                }
                for header in headers where value.hasBytes(header, at: cursor) { return true }
                index = cursor
            } else {
                index += 1
            }
        }
        return false
    }
}

enum LDAPInjection {
    /// `attribute:1.2.3:=value`: an object identifier, then `:=`.
    static func extensibleMatch(_ value: [UInt8]) -> Bool {
        var index = 0
        while let found = value.firstIndex(of: ":=", from: index) {
            index = found + 2
            var cursor = found
            var dots = 0
            var digits = 0
            while cursor > 0, ShieldByte.isDigit(value[cursor - 1]) || value[cursor - 1] == UInt8(ascii: ".") {
                if value[cursor - 1] == UInt8(ascii: ".") { dots += 1 } else { digits += 1 }
                cursor -= 1
            }
            if dots >= 2, digits >= 3, cursor > 0, value[cursor - 1] == UInt8(ascii: ":") { return true }
        }
        return false
    }

    /// `*)(uid=*))(|(uid=*`, `admin)(&)`: closing the application's filter and opening another.
    static func detect(_ value: [UInt8]) -> Bool {
        // a composed filter opened (`*(|(objectclass=*))`), or an extensible match on a matching rule's
        // object identifier (`userPassword:2.5.13.18:=x`)
        if value.contains("(|(") || value.contains("(&(") || value.contains("(!(") || value.contains("objectclass=*") {
            return true
        }
        if extensibleMatch(value) { return true }
        guard value.contains(")(") else { return false }
        if value.contains("*)(") || value.contains(")(|") || value.contains(")(&") || value.contains(")(!") {
            return true
        }
        if let found = value.firstIndex(of: ")(", from: 0) {
            var cursor = found + 2
            while cursor < value.count, ShieldByte.isLetter(value[cursor]) { cursor += 1 }
            return cursor > found + 2 && cursor < value.count && value[cursor] == UInt8(ascii: "=")
        }
        return false
    }
}

/// SMTP, IMAP and POP3 commands injected after a line break into a value a mail library sends on:
/// `\r\nRCPT TO: x@evil.example`, `\r\nV100 CAPABILITY`, a line of `QUIT`.
enum MailInjection {
    /// IMAP commands after a tag (`a001 FETCH 1`).
    static let taggedCommands: Set<String> = [
        "capability", "login", "logout", "select", "examine", "fetch", "store", "copy", "append", "uid",
        "authenticate", "starttls", "list", "lsub", "status", "search", "noop", "create", "delete", "rename",
        "expunge",
    ]
    /// Tagged commands that are also English words.
    static let proseCommands: Set<String> = [
        "login", "select", "examine", "store", "copy", "append", "list", "status", "search", "create", "delete",
        "rename",
    ]
    /// Commands that are a whole line by themselves.
    static let lineCommands: Set<String> = ["quit", "rset", "noop", "starttls", "capability", "logout", "expunge"]

    static let taggedWords = ShieldWords(taggedCommands)
    static let proseWords = ShieldWords(proseCommands)
    static let lineWords = ShieldWords(lineCommands)

    /// Whether a lower-cased value has a line, after a line break, that is a mail protocol command. A
    /// form's `+` counts as a space, as it does to the application that decodes it. Nothing is
    /// allocated: this runs on every line of multi-line text.
    static func detect(_ value: [UInt8]) -> Bool {
        var index = 0
        let count = value.count
        @inline(__always) func isGap(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "+") }
        /// The word at `start` (up to a gap or the line's end), and where it ends.
        func word(from start: Int, lineEnd: Int) -> Range<Int> {
            var cursor = start
            while cursor < lineEnd, isGap(value[cursor]) { cursor += 1 }
            var end = cursor
            while end < lineEnd, !isGap(value[end]) { end += 1 }
            return cursor..<end
        }
        while index < count {
            guard value[index] == 0x0A || value[index] == 0x0D else {
                index += 1
                continue
            }
            var start = index
            while start < count, value[start] == 0x0A || value[start] == 0x0D { start += 1 }
            var end = start
            while end < count, value[end] != 0x0A, value[end] != 0x0D { end += 1 }
            index = end
            guard end > start else { continue }
            if value.hasBytes("rcpt to:", at: start) || value.hasBytes("mail from:", at: start)
                || value.hasBytes("rcpt+to:", at: start) || value.hasBytes("mail+from:", at: start)
            {
                return true
            }
            let first = word(from: start, lineEnd: end)
            guard !first.isEmpty else { continue }
            let second = word(from: first.upperBound, lineEnd: end)
            if second.isEmpty, lineWords.contains(value[first]) { return true }
            // a tag of letters then digits (`v100`, `a001`), then an IMAP command
            var digitsStart = first.lowerBound
            while digitsStart < first.upperBound, ShieldByte.isLetter(value[digitsStart]) { digitsStart += 1 }
            guard digitsStart - first.lowerBound <= 4, digitsStart < first.upperBound,
                value[digitsStart..<first.upperBound].allSatisfy(ShieldByte.isDigit), !second.isEmpty,
                taggedWords.contains(value[second])
            else { continue }
            // English words (`A1 select your seat`) count only with nothing or an IMAP argument after
            guard proseWords.contains(value[second]) else { return true }
            let third = word(from: second.upperBound, lineEnd: end)
            guard let argument = third.isEmpty ? nil : value[third.lowerBound] else { return true }
            if ShieldByte.isDigit(argument) || argument == UInt8(ascii: "\"") || argument == UInt8(ascii: "(")
                || value[third].elementsEqual("inbox".utf8)
            {
                return true
            }
        }
        return false
    }
}
