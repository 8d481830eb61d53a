/// Cross-site scripting by reading the value as a browser would: an HTML tokenizer finds tags and
/// their attributes (event handlers, URL attributes with script schemes, styles with expressions),
/// then the value is checked in the contexts it may land in: inside an attribute (a quote, then a
/// new handler), inside a URL (`javascript:` followed by code), and inside a script (a call of the
/// functions payloads prove themselves with, window objects indexed by strings, JSFuck).
enum CrossSiteScripting {
    /// Tags that run or load script by themselves.
    static let scriptTags: Set<String> = [
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "import", "isindex", "layer",
        "ilayer", "bgsound", "vmlframe", "xss", "portal", "handler", "listener",
    ]

    static let urlAttributes: Set<String> = [
        "href", "src", "action", "formaction", "data", "xlink:href", "background", "dynsrc", "lowsrc", "poster",
        "code", "codebase", "values", "from", "to", "by", "srcdoc", "content", "url", "ping", "manifest", "cite",
        "longdesc", "usemap", "profile", "classid", "archive", "icon", "xmlns", "folder", "datasrc", "attributename",
        "style",
    ]

    static let scriptFunctions: Set<String> = [
        "alert", "prompt", "confirm", "eval", "settimeout", "setinterval", "execscript", "fromcharcode", "atob",
        "write", "writeln", "open", "import", "function", "constructor", "print", "console.log", "fetch",
        "importscripts", "showmodaldialog", "msgbox", "createelement", "appendchild", "unescape",
    ]

    static let interestingWords = ShieldWords(scriptFunctions.union(windowObjects).union(["constructor"]))

    static let windowObjects: Set<String> = [
        "self", "top", "window", "this", "parent", "frames", "globalthis", "document", "content", "opener",
        "location",
    ]

    static let benignOnWords: Set<String> = [
        "one", "only", "once", "online", "onto", "onset", "ongoing", "onion", "ones", "onwards", "onward",
        "onboarding", "onboard", "onsite", "onscreen", "onlinepay", "onchain",
    ]

    /// Whether a (decoded, lower-cased) value carries script.
    static func detect(_ value: [UInt8], strict: Bool) -> Bool {
        var hasAngle = false
        var hasColon = false
        var hasParen = false
        var hasEquals = false
        var hasBracket = false
        var hasQuote = false
        for byte in value {
            switch byte {
            case UInt8(ascii: "<"): hasAngle = true
            case UInt8(ascii: ":"): hasColon = true
            case UInt8(ascii: "("), UInt8(ascii: "`"): hasParen = true
            case UInt8(ascii: "="): hasEquals = true
            case UInt8(ascii: "["): hasBracket = true
            case UInt8(ascii: "\""), UInt8(ascii: "'"): hasQuote = true
            default: break
            }
        }
        if hasAngle, tags(value, strict: strict) { return true }
        if hasEquals, hasQuote || hasAngle || hasParen, eventHandlerBreakout(value) { return true }
        if hasColon, scriptURL(value) { return true }
        if hasParen || hasBracket, scriptCode(value, strict: strict) { return true }
        if hasEquals || hasParen, javaScriptEntity(value) { return true }
        if hasColon, hasParen, value.contains("-moz-binding"), compacted(value[...]).contains("-moz-binding:url(") {
            return true  // a Firefox XBL binding runs the bound document's script, in a style or not
        }
        return false
    }

    /// Netscape's JavaScript entities, `&{document.cookie=1};`, in a value or an attribute.
    private static func javaScriptEntity(_ value: [UInt8]) -> Bool {
        var index = 0
        while let found = value.firstIndex(of: "&{", from: index) {
            index = found + 2
            guard let close = value[index...].prefix(200).firstIndex(of: UInt8(ascii: "}")) else { continue }
            let inside = Array(value[index..<close])
            if inside.contains("document.") || inside.contains("window.") || inside.contains("alert(")
                || inside.contains("eval(") || inside.contains("prompt(") || inside.contains("confirm(")
            {
                return true
            }
        }
        return false
    }

    // MARK: Tags

    private static func tags(_ value: [UInt8], strict: Bool) -> Bool {
        var index = 0
        let count = value.count
        while index < count {
            guard value[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            var cursor = index + 1
            // browsers skip nothing here, but `<%00script` and `< script` tricks are folded by the decoders
            guard cursor < count else { return false }
            if value[cursor] == UInt8(ascii: "/") {
                // A closing tag followed by a new tag is handled when the new tag is reached.
                index = cursor
                continue
            }
            if value[cursor] == UInt8(ascii: "?"), value.hasBytes("import", at: cursor + 1),
                Array(value[(cursor + 7)...].prefix(64)).contains("implementation")
            {
                return true  // `<?import implementation="x.htc">`: Internet Explorer's HTML components
            }
            // `<:vmlframe`: an empty namespace prefix
            let prefixed =
                value[cursor] == UInt8(ascii: ":") && cursor + 1 < count && ShieldByte.isLetter(value[cursor + 1])
            guard ShieldByte.isLetter(value[cursor]) || prefixed else {
                index = cursor
                continue
            }
            let nameStart = cursor
            while cursor < count,
                ShieldByte.isLetter(value[cursor]) || ShieldByte.isDigit(value[cursor])
                    || value[cursor] == UInt8(ascii: ":") || value[cursor] == UInt8(ascii: "-")
            {
                cursor += 1
            }
            let name = String(decoding: value[nameStart..<cursor], as: UTF8.self)
            let delimiter = cursor < count ? value[cursor] : 0
            let endsName =
                cursor >= count || ShieldByte.isSpace(delimiter) || delimiter == UInt8(ascii: "/")
                || delimiter == UInt8(ascii: ">") || delimiter < 0x20 || delimiter == UInt8(ascii: "\"")
                || delimiter == UInt8(ascii: "'")
            guard endsName else {
                index = cursor
                continue
            }
            let localName = name.split(separator: ":").last.map(String.init) ?? name
            if scriptTags.contains(localName) {
                // `<script>`, `<iframe src…`: tags that run script by themselves, once the tag is
                // closed or given attributes (`binary<script is` is prose).
                let rest = value[cursor...].prefix(4_096)
                if strict || rest.contains(UInt8(ascii: ">")) || rest.contains(UInt8(ascii: "="))
                    || rest.contains(UInt8(ascii: "/")) && localName != "script"
                {
                    return true
                }
            }
            if localName == "style", styleRunsScript(value[cursor...]) { return true }
            if localName == "meta" {
                let rest = compacted(value[cursor...].prefix(300))
                // `http-equiv="refresh"` sends the page elsewhere, `set-cookie` plants a cookie
                if rest.contains("http-equiv=\"refresh") || rest.contains("http-equiv='refresh")
                    || rest.contains("http-equiv=refresh") || rest.contains("http-equiv=\"set-cookie")
                    || rest.contains("http-equiv=set-cookie")
                {
                    return true
                }
                if rest.contains(UInt8(ascii: ">")),
                    rest.contains("utf-7") || rest.contains("script:") || rest.contains("data:text")
                {
                    return true
                }
            }
            if attributes(value, from: cursor, tag: localName) { return true }
            index = cursor
        }
        return false
    }

    /// Reads a tag's attributes up to `>`; true on an event handler, a script URL or a script style.
    private static func attributes(_ value: [UInt8], from start: Int, tag: String) -> Bool {
        var cursor = start
        let count = value.count
        var seen = 0
        var stylesheetLink = false
        var remoteHref = false
        while cursor < count, seen < 64 {
            while cursor < count,
                ShieldByte.isSpace(value[cursor]) || value[cursor] == UInt8(ascii: "/")
                    || value[cursor] == UInt8(ascii: "\"") || value[cursor] == UInt8(ascii: "'") || value[cursor] < 0x20
            {
                cursor += 1
            }
            guard cursor < count, value[cursor] != UInt8(ascii: ">") else { return false }
            let nameStart = cursor
            while cursor < count, !ShieldByte.isSpace(value[cursor]), value[cursor] != UInt8(ascii: "="),
                value[cursor] != UInt8(ascii: ">"), value[cursor] != UInt8(ascii: "/")
            {
                cursor += 1
            }
            let name = value[nameStart..<cursor]
            seen += 1
            if name.count > 2, name.first == UInt8(ascii: "o"), name.dropFirst().first == UInt8(ascii: "n"),
                name.dropFirst(2).allSatisfy(ShieldByte.isLetter)
            {
                return true
            }
            while cursor < count, ShieldByte.isSpace(value[cursor]) { cursor += 1 }
            guard cursor < count, value[cursor] == UInt8(ascii: "=") else { continue }
            cursor += 1
            while cursor < count, ShieldByte.isSpace(value[cursor]) { cursor += 1 }
            var valueStart = cursor
            var valueEnd = cursor
            if cursor < count,
                value[cursor] == UInt8(ascii: "\"") || value[cursor] == UInt8(ascii: "'")
                    || value[cursor] == UInt8(ascii: "`")
            {
                let quote = value[cursor]
                valueStart = cursor + 1
                valueEnd = valueStart
                while valueEnd < count, value[valueEnd] != quote { valueEnd += 1 }
                cursor = Swift.min(count, valueEnd + 1)
            } else {
                while valueEnd < count, !ShieldByte.isSpace(value[valueEnd]), value[valueEnd] != UInt8(ascii: ">") {
                    valueEnd += 1
                }
                cursor = valueEnd
            }
            let attribute = String(decoding: name, as: UTF8.self)
            if attribute == "dataformatas", value[valueStart..<valueEnd].elementsEqual("html".utf8) {
                return true  // Internet Explorer's data binding renders the bound field as HTML
            }
            if tag == "link" {
                // an external style sheet: its rules (expressions, bindings) are the attacker's
                let attributeValue = Array(value[valueStart..<valueEnd])
                if attribute == "rel", attributeValue.contains("stylesheet") || attributeValue.contains("import") {
                    stylesheetLink = true
                }
                if attribute == "href",
                    attributeValue.contains("://") || attributeValue.hasBytes("//", at: 0)
                        || attributeValue.hasBytes("data:", at: 0)
                {
                    remoteHref = true
                }
                if stylesheetLink && remoteHref { return true }
            }
            if urlAttributes.contains(attribute) {
                let compact = compacted(value[valueStart..<valueEnd])
                if startsWithScriptScheme(compact, at: 0) { return true }
                if attribute == "style" || tag == "style",
                    compact.contains("expression(") || compact.contains("javascript:")
                        || compact.contains("-moz-binding")
                        || compact.contains("behavior:") || compact.contains("behaviour:")
                {
                    return true
                }
                if attribute == "srcdoc", compact.contains("<") { return true }
                if attribute == "content", tag == "meta", compact.contains("url=") && compact.contains("script:") {
                    return true
                }
            }
        }
        return false
    }

    /// A `<style>` element whose rules run script: `expression()`, `-moz-binding`, `behavior`,
    /// `javascript:` URLs, `@import`.
    private static func styleRunsScript(_ rest: ArraySlice<UInt8>) -> Bool {
        let compact = compacted(rest.prefix(2_048))
        return compact.contains("expression(") || compact.contains("javascript:") || compact.contains("-moz-binding")
            || compact.contains("behavior:") || compact.contains("@import") || compact.contains("<script")
    }

    /// The bytes with whitespace, controls and HTML comments removed, as browsers skip them in schemes.
    static func compacted(_ slice: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(slice.count)
        var index = slice.startIndex
        while index < slice.endIndex {
            let byte = slice[index]
            if byte <= 0x20 {
                index += 1
                continue
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    static func startsWithScriptScheme(_ bytes: [UInt8], at index: Int) -> Bool {
        if bytes.hasBytes("javascript:", at: index) {
            // `javascript:void(0)`, `javascript:;`: the inert links every site has
            let body = index + 11
            if bytes.count == body || bytes.hasBytes(";", at: body) && bytes.count <= body + 1 { return false }
            if bytes.hasBytes("void(0)", at: body) || bytes.hasBytes("void0", at: body)
                || bytes.hasBytes("void(0);", at: body)
            {
                let end = body + (bytes.hasBytes("void(0)", at: body) ? 7 : 5)
                if end >= bytes.count || bytes[end] == UInt8(ascii: ";") && end + 1 >= bytes.count
                    || bytes[end] == UInt8(ascii: "\"") || bytes[end] == UInt8(ascii: "'")
                {
                    return false
                }
            }
            return true
        }
        return bytes.hasBytes("javascript:", at: index) || bytes.hasBytes("vbscript:", at: index)
            || bytes.hasBytes("livescript:", at: index) || bytes.hasBytes("data:text/html", at: index)
            || bytes.hasBytes("data:image/svg", at: index) || bytes.hasBytes("data:application/x", at: index)
            || bytes.hasBytes("data:text/xml", at: index) || bytes.hasBytes("mocha:", at: index)
    }

    // MARK: Attribute context

    /// `" onmouseover="alert(1)`, `' autofocus onfocus=alert(1) x='`: leaving an attribute's value to
    /// add an event handler.
    private static func eventHandlerBreakout(_ value: [UInt8]) -> Bool {
        var index = 0
        let count = value.count
        while let found = value.firstIndex(of: "on", from: index) {
            index = found + 2
            if found > 0 {
                let before = value[found - 1]
                guard
                    ShieldByte.isSpace(before) || before == UInt8(ascii: "\"") || before == UInt8(ascii: "'")
                        || before == UInt8(ascii: "/") || before == UInt8(ascii: ";") || before == UInt8(ascii: "`")
                        || before < 0x20
                else { continue }
            }
            var end = found + 2
            while end < count, ShieldByte.isLetter(value[end]) { end += 1 }
            guard end - found >= 5, end - found <= 30 else { continue }
            let word = String(decoding: value[found..<end], as: UTF8.self)
            if benignOnWords.contains(word) { continue }
            var cursor = end
            while cursor < count, ShieldByte.isSpace(value[cursor]) { cursor += 1 }
            guard cursor < count, value[cursor] == UInt8(ascii: "=") else { continue }
            cursor += 1
            while cursor < count,
                ShieldByte.isSpace(value[cursor]) || value[cursor] == UInt8(ascii: "\"")
                    || value[cursor] == UInt8(ascii: "'")
            {
                cursor += 1
            }
            // The handler's body must read as script: a call, an assignment or a property access.
            var body = cursor
            var code = false
            while body < count, body - cursor < 200 {
                let byte = value[body]
                if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "=")
                    || byte == UInt8(ascii: "[") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "&")
                    || byte == UInt8(ascii: "\\")
                {
                    code = true
                    break
                }
                if ShieldByte.isSpace(byte) || byte == UInt8(ascii: ">") { break }
                body += 1
            }
            if code { return true }
        }
        return false
    }

    // MARK: URL context

    private static func scriptURL(_ value: [UInt8]) -> Bool {
        guard
            value.contains("script:") || value.contains("data:") || value.contains("mocha:")
                || value.contains("script&") || value.contains("\t") || value.contains("\n")
        else { return false }
        let compact = compacted(value[...])
        var index = 0
        while index < compact.count {
            if startsWithScriptScheme(compact, at: index) {
                let atBoundary =
                    index == 0 || !ShieldByte.isLetter(compact[index - 1])
                    || compact.hasBytes("javascript:", at: index) && index >= 0
                if atBoundary {
                    // Code must follow: `javascript: basics of the language` is prose.
                    let schemeEnd = (compact[index...].firstIndex(of: UInt8(ascii: ":")) ?? index) + 1
                    if compact.hasBytes("data:", at: index) { return true }
                    let original = value.firstIndex(of: "script:", from: 0).map { $0 + 7 }
                    if let original, original < value.count, ShieldByte.isSpace(value[original]) {
                        // a space after the scheme: code only if script syntax follows in the next words
                        let rest = value[original...].prefix(80)
                        if rest.contains(where: {
                            $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: "`") || $0 == UInt8(ascii: "=")
                        }) {
                            return true
                        }
                    } else if schemeEnd < compact.count {
                        return true
                    }
                }
            }
            index += 1
        }
        return false
    }

    // MARK: Script context

    /// `document/*x*/./*y*/cookie`, `(document)["cookie"]`, `document . cookie`: the property reached
    /// through comments, spaces, a closing parenthesis or a bracketed string.
    private static func sensitiveProperty(_ value: [UInt8], after start: Int) -> Bool {
        var cursor = skipNoise(value, from: start, closingParentheses: true)
        guard cursor < value.count else { return false }
        if value[cursor] == UInt8(ascii: "[") {
            cursor = skipNoise(value, from: cursor + 1, closingParentheses: false)
            guard cursor < value.count,
                value[cursor] == UInt8(ascii: "\"") || value[cursor] == UInt8(ascii: "'")
                    || value[cursor] == UInt8(ascii: "`")
            else { return false }
            cursor += 1
        } else if value[cursor] == UInt8(ascii: ".") {
            cursor = skipNoise(value, from: cursor + 1, closingParentheses: false)
        } else {
            return false
        }
        guard cursor > start + 1 else { return false }  // `.cookie` right after the name is read above
        return value.hasBytes("cookie", at: cursor) || value.hasBytes("domain", at: cursor)
            || value.hasBytes("location", at: cursor)
    }

    /// The index after spaces and `/* … */` comments (and `)` when asked) from `start`.
    private static func skipNoise(_ value: [UInt8], from start: Int, closingParentheses: Bool) -> Int {
        var cursor = start
        while cursor < value.count {
            if ShieldByte.isSpace(value[cursor]) || value[cursor] == UInt8(ascii: "+")
                || (closingParentheses && value[cursor] == UInt8(ascii: ")"))
            {
                cursor += 1
            } else if value.hasBytes("/*", at: cursor), let close = value.firstIndex(of: "*/", from: cursor + 2),
                close - cursor < 256
            {
                cursor = close + 2
            } else {
                break
            }
        }
        return cursor
    }

    /// ``[].sort.call`${alert}1337` ``: `call` or `apply` invoked as a template tag, its substitution
    /// the function called, with no parenthesis to look for.
    private static func taggedCall(_ value: [UInt8]) -> Bool {
        for marker: StaticString in [".call`", ".apply`", ".bind`"] {
            if let at = value.firstIndex(of: marker, from: 0), value.firstIndex(of: "${", from: at) != nil {
                return true
            }
        }
        return false
    }

    private static func scriptCode(_ value: [UInt8], strict: Bool) -> Bool {
        let count = value.count
        if value.contains(UInt8(ascii: "`")), taggedCall(value) { return true }
        var index = 0
        var jsfuckRun = 0
        var jsfuckAtom = false
        while index < count {
            let byte = value[index]
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "!"),
                UInt8(ascii: "+"):
                jsfuckRun += 1
                // `![]` and `+[]` are JSFuck's atoms: `false` and `0` built without a letter
                if byte == UInt8(ascii: "]"), index >= 2, value[index - 1] == UInt8(ascii: "["),
                    value[index - 2] == UInt8(ascii: "!") || value[index - 2] == UInt8(ascii: "+")
                {
                    jsfuckAtom = true
                }
                if jsfuckRun >= 24 || (jsfuckRun >= 12 && jsfuckAtom) { return true }
            default:
                jsfuckRun = 0
                jsfuckAtom = false
            }
            guard ShieldByte.isLetter(byte), index == 0 || !ShieldByte.isWordByte(value[index - 1]) else {
                index += 1
                continue
            }
            var end = index + 1
            while end < count, ShieldByte.isWordByte(value[end]) || value[end] == UInt8(ascii: "$") { end += 1 }
            guard end - index <= 16, interestingWords.contains(value[index..<end]) else {
                index = end
                continue
            }
            let word = String(decoding: value[index..<end], as: UTF8.self)
            var cursor = end
            while cursor < count, ShieldByte.isSpace(value[cursor]) { cursor += 1 }
            let next = cursor < count ? value[cursor] : 0
            if scriptFunctions.contains(word) {
                if next == UInt8(ascii: "`") { return true }
                // `alert.call(null,1)`, `confirm.apply(…)`, `alert?.(1)`: the call made another way
                if word == "alert" || word == "prompt" || word == "confirm" || word == "eval" || word == "settimeout"
                    || word == "setinterval" || word == "execscript",
                    value.hasBytes(".call(", at: cursor) || value.hasBytes(".apply(", at: cursor)
                        || value.hasBytes(".bind(", at: cursor) || value.hasBytes("?.(", at: cursor)
                {
                    return true
                }
                if next == UInt8(ascii: "("), cursor + 1 <= count {
                    let argument = cursor + 1 < count ? value[cursor + 1] : 0
                    let tight = cursor == end
                    if argument == UInt8(ascii: ")") || argument == UInt8(ascii: "'") || argument == UInt8(ascii: "\"")
                        || argument == UInt8(ascii: "`") || ShieldByte.isDigit(argument)
                        || argument == UInt8(ascii: "/")
                        || (tight && (ShieldByte.isLetter(argument) || argument == UInt8(ascii: "[")))
                    {
                        if word == "open" || word == "write" || word == "print" || word == "fetch" || word == "function"
                            || word == "import"
                        {
                            // common words: only as a method or with script around
                            if index > 0, value[index - 1] == UInt8(ascii: ".") { return true }
                            if word == "function", argument == UInt8(ascii: ")") { return true }
                            index = end
                            continue
                        }
                        return true
                    }
                }
                if next == UInt8(ascii: ")"), index > 0, value[index - 1] == UInt8(ascii: "(") {
                    // `[1].find(alert)`, `(alert)(1)`
                    return word == "alert" || word == "prompt" || word == "confirm" || word == "eval"
                }
            }
            if windowObjects.contains(word), next == UInt8(ascii: "["), cursor + 1 < count {
                let inside = value[cursor + 1]
                if inside == UInt8(ascii: "'") || inside == UInt8(ascii: "\"") || inside == UInt8(ascii: "`")
                    || inside == UInt8(ascii: "/") || inside == UInt8(ascii: "(") || !ShieldByte.isDigit(inside)
                {
                    return true
                }
            }
            if word == "document" || word == "window",
                value.hasBytes(".cookie", at: end) || value.hasBytes("?.cookie", at: end)
                    || value.hasBytes(".domain", at: end)
                    || value.hasBytes(".location", at: end) || value.hasBytes(".write", at: end)
                    || sensitiveProperty(value, after: end)
            {
                return true
            }
            if word == "constructor", value.hasBytes(".constructor", at: end) || value.hasBytes("(", at: end) {
                return true
            }
            index = end
        }
        return false
    }
}
