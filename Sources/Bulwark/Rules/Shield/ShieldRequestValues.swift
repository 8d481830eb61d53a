import HTTPTypes

/// Where a value came from; its location string is built only when an attack is found there.
struct ShieldSite {
    enum Place {
        case path
        case query(ArraySlice<UInt8>)
        case cookie(ArraySlice<UInt8>)
        case header(String)
        case form(ArraySlice<UInt8>)
        case json([JSONPathComponent])
        case multipart(String, filename: Bool)
        case xml
        case text
    }

    let place: Place
    let kind: Shield.ValueKind

    func location() -> String {
        switch place {
        case .path: return "path"
        case .query(let name): return "query." + Self.printable(name)
        case .cookie(let name): return "cookie." + Self.printable(name)
        case .header(let name): return "header." + name
        case .form(let name): return "body.form." + Self.printable(name)
        case .json(let path):
            var text = "body.json"
            for component in path {
                switch component {
                case .key(let key): text += "." + Self.printable(key)
                case .index(let index): text += "[\(index)]"
                }
            }
            return text
        case .multipart(let name, let filename): return "body.multipart." + name + (filename ? ".filename" : "")
        case .xml: return "body.xml"
        case .text: return "body.text"
        }
    }

    /// A name as it may appear in a location: percent-decoded, at most 64 bytes, control bytes as `?`.
    static func printable(_ name: ArraySlice<UInt8>) -> String {
        let decoded = ShieldDecoding.percentDecoded(Array(name.prefix(192)), plusAsSpace: true)
        return String(
            decoding: decoded.prefix(64).map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "?") : $0 },
            as: UTF8.self
        )
    }
}

enum JSONPathComponent {
    /// A key: a slice of the document when it has no escapes, its decoded bytes when it has.
    case key(ArraySlice<UInt8>)
    case index(Int)
}

/// Walks the values of a request Shield inspects, in request order, within the limits.
struct ShieldRequestValues {
    let request: BulwarkRequest
    let limits: ShieldLimits
    /// Whether the strict level reads inert values that may be base64.
    var strict = false

    /// Headers whose values are protocol bookkeeping, never application input.
    static let skippedHeaders: Set<String> = [
        "cookie", "host", "content-length", "content-type", "connection", "cache-control", "pragma",
        "upgrade-insecure-requests", "if-modified-since",
        "if-none-match", "if-match", "if-unmodified-since", "if-range", "te", "dnt", "priority", "authorization",
        "proxy-authorization", "content-md5", "x-requested-with", "keep-alive", "range", "upgrade", "expect",
        "content-encoding", "transfer-encoding", "purpose", "x-purpose", "save-data", "viewport-width", "dpr",
        "device-memory", "rtt", "downlink", "ect", "x-csrf-token", "x-xsrf-token", "x-request-id",
    ]

    private enum NegotiationState { case beforeRange, range, afterRange, beforeName, name, paramValue }

    /// Content negotiation: skipped when they keep to their grammar, inspected when they do not
    /// (`Accept: ../../etc/passwd{{`).
    static let negotiationHeaders: Set<String> = ["accept", "accept-encoding", "accept-language", "accept-charset"]

    /// Whether a negotiation header is a comma-separated list of ranges (`type/subtype`, `en-US`,
    /// `gzip`, `*`), each with `;name=value` parameters, where every range starts with a letter or
    /// `*`, has at most one `/`, and ranges and parameters hold only letters, digits and `*.+-_`.
    static func isWellFormedNegotiation<C: Collection<UInt8>>(_ value: C) -> Bool {
        var state = NegotiationState.beforeRange
        var slashes = 0
        var length = 0
        func isTokenByte(_ byte: UInt8) -> Bool {
            ShieldByte.isLetter(byte) || ShieldByte.isDigit(byte) || byte == UInt8(ascii: "*")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_")
        }
        for byte in value {
            let space = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
            switch state {
            case .beforeRange:
                if space || byte == UInt8(ascii: ",") { continue }
                guard ShieldByte.isLetter(byte) || byte == UInt8(ascii: "*") else { return false }
                state = .range
                slashes = 0
                length = 1
            case .range:
                if isTokenByte(byte) {
                    length += 1
                } else if byte == UInt8(ascii: "/"), slashes == 0, length > 0 {
                    slashes = 1
                    length = 0
                } else if byte == UInt8(ascii: ",") {
                    guard length > 0 else { return false }
                    state = .beforeRange
                } else if byte == UInt8(ascii: ";") {
                    guard length > 0 else { return false }
                    state = .beforeName
                } else if space {
                    guard length > 0 else { return false }
                    state = .afterRange
                } else {
                    return false
                }
            case .afterRange:
                if space { continue }
                if byte == UInt8(ascii: ",") {
                    state = .beforeRange
                } else if byte == UInt8(ascii: ";") {
                    state = .beforeName
                } else {
                    return false
                }
            case .beforeName:
                if space { continue }
                guard ShieldByte.isLetter(byte) else { return false }
                state = .name
            case .name:
                if byte == UInt8(ascii: "=") {
                    state = .paramValue
                    length = 0
                } else if !(ShieldByte.isLetter(byte) || ShieldByte.isDigit(byte) || byte == UInt8(ascii: "-")) {
                    return false
                }
            case .paramValue:
                if isTokenByte(byte) {
                    length += 1
                } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || space {
                    guard length > 0 else { return false }
                    state =
                        byte == UInt8(ascii: ",") ? .beforeRange : byte == UInt8(ascii: ";") ? .beforeName : .afterRange
                } else {
                    return false
                }
            }
        }
        switch state {
        case .beforeRange, .afterRange: return true
        case .range, .paramValue: return length > 0
        case .beforeName, .name: return false
        }
    }

    /// Headers in which upload clients send a file's name.
    static let fileNameHeaders: Set<String> = ["x-filename", "x-file-name", "x_filename", "x-upload-filename"]

    /// Calls `body` for each value; `body` returns `false` to stop.
    func forEach(_ body: (ShieldSite, [UInt8]) -> Bool) {
        var budget = limits.maxValues
        func emit(_ place: ShieldSite.Place, _ kind: Shield.ValueKind, _ value: [UInt8]) -> Bool {
            guard budget > 0 else { return false }
            budget -= 1
            return body(ShieldSite(place: place, kind: kind), value)
        }
        /// Decodes and emits an argument's raw name or value, unless it is inert as it stands.
        func emitEncoded(_ place: ShieldSite.Place, _ kind: Shield.ValueKind, _ raw: ArraySlice<UInt8>) -> Bool {
            if raw.count < 2 || Shield.canSkip(raw, strict: strict) {
                guard budget > 0 else { return false }
                budget -= 1
                return true
            }
            return emit(place, kind, ShieldDecoding.percentDecoded(raw, plusAsSpace: true))
        }
        let target = Array((request.head.path ?? "/").utf8)
        let mark = target.firstIndex(of: UInt8(ascii: "?")) ?? target.count
        let path = target[..<mark]
        if path.count > 1, !emit(.path, .path, ShieldDecoding.percentDecoded(path, plusAsSpace: false)) { return }
        if mark < target.count {
            let stop = !Self.arguments(target[(mark + 1)...]) { name, value in
                if !name.isEmpty, !emitEncoded(.query(name), .name, name) { return false }
                return emitEncoded(.query(name), .value, value)
            }
            if stop { return }
        }
        var contentTypes: String?
        for field in request.head.headerFields {
            let name = field.name.canonicalName
            if name == "cookie" {
                // read as bytes: `String.split` walks grapheme clusters
                let header = Array(field.value.utf8)
                for pair in header.split(separator: UInt8(ascii: ";")) {
                    let trimmed = pair.drop { $0 == UInt8(ascii: " ") }
                    guard let equals = trimmed.firstIndex(of: UInt8(ascii: "=")) else { continue }
                    let cookieName = trimmed[..<equals]
                    let cookieValue = trimmed[(equals + 1)...]
                    // the name too: applications that iterate their cookies read it
                    if cookieName.count >= 2, !Shield.canSkip(cookieName, strict: strict),
                        !emit(.cookie(cookieName), .name, Array(cookieName))
                    {
                        return
                    }
                    guard cookieValue.count >= 2, !Shield.canSkip(cookieValue, strict: strict) else { continue }
                    if !emit(.cookie(cookieName), .value, Array(cookieValue)) { return }
                }
                continue
            }
            if name == "content-type" { contentTypes = contentTypes.map { $0 + ", " + field.value } ?? field.value }
            if Self.skippedHeaders.contains(name) || name.hasPrefix("sec-") { continue }
            if name.hasPrefix("accept"), Self.negotiationHeaders.contains(name),
                Self.isWellFormedNegotiation(field.value.utf8)
            {
                continue  // `text/html,*/*;q=0.8`, `en-US,en;q=0.9`: the grammar has no room for an attack
            }
            if field.value.utf8.count < 2 || Shield.canSkip(field.value.utf8, strict: strict) { continue }
            let bytes = Array(field.value.utf8)
            if name == "referer" || name == "origin", let question = bytes.firstIndex(of: UInt8(ascii: "?")) {
                // A URL: its path and each query value, as the server that made it received them.
                if !emit(.header(name), .header, ShieldDecoding.percentDecoded(bytes[..<question], plusAsSpace: false))
                {
                    return
                }
                let stop = !Self.arguments(bytes[(question + 1)...]) { _, value in
                    emit(.header(name), .header, ShieldDecoding.percentDecoded(value, plusAsSpace: true))
                }
                if stop { return }
                continue
            }
            if !emit(.header(name), Self.fileNameHeaders.contains(name) ? .fileName : .header, bytes) { return }
        }
        guard let full = request.body, !full.isEmpty else { return }
        let bodyBytes = full.count > limits.maxBodyBytes ? Array(full.prefix(limits.maxBodyBytes)) : full
        // as `HTTPFields`' subscript gives it, without a second search of the fields
        let contentType = contentTypes?.lowercased() ?? ""
        walkBody(bodyBytes, contentType: contentType, depth: 0, emit: emit, emitEncoded: emitEncoded)
    }

    private func walkBody(
        _ bytes: [UInt8],
        contentType: String,
        depth: Int,
        emit: (ShieldSite.Place, Shield.ValueKind, [UInt8]) -> Bool,
        emitEncoded: (ShieldSite.Place, Shield.ValueKind, ArraySlice<UInt8>) -> Bool
    ) {
        let type = Array(contentType.utf8)  // searched as bytes: String.contains goes through Foundation
        if contentType.hasPrefix("image/") || contentType.hasPrefix("audio/") || contentType.hasPrefix("video/")
            || contentType.hasPrefix("font/") || type.contains("protobuf") || type.contains("grpc")
            || type.contains("octet-stream") || type.contains("msgpack") || type.contains("thrift")
            || type.contains("cbor") || contentType.hasPrefix("application/zip")
            || contentType.hasPrefix("application/pdf")
        {
            return  // binary: nothing an interpreter reads as text
        }
        let first = bytes.first { !ShieldByte.isSpace($0) }
        if type.contains("json")
            || (contentType.isEmpty || contentType.hasPrefix("text/plain"))
                && (first == UInt8(ascii: "{") || first == UInt8(ascii: "["))
        {
            var parser = JSONStringWalker(bytes: bytes, maxDepth: limits.maxDepth, strict: strict)
            if parser.walk({ path, value, isKey in emit(.json(path), isKey ? .name : .value, value) }) { return }
            // not JSON after all: inspect it as text
            _ = emit(.text, .value, bytes)
            return
        }
        if contentType.hasPrefix("multipart/"), let boundary = Self.boundary(contentType), depth < 2 {
            Self.multipartParts(bytes, boundary: boundary) { name, filename, partType, content in
                if let filename, !emit(.multipart(name, filename: true), .fileName, filename) { return false }
                if partType.hasPrefix("image/") || partType.hasPrefix("audio/") || partType.hasPrefix("video/") {
                    // Media is not text, but PHP hidden in it (`GIF89a<?php …`) runs if the file is
                    // ever included or served as PHP: read from its opening tag.
                    guard let php = ScriptUpload.phpStart(in: content) else { return true }
                    return emit(.multipart(name, filename: false), .value, Array(content[php...].prefix(4_096)))
                }
                return emit(.multipart(name, filename: false), .value, content)
            }
            return
        }
        if type.contains("xml") || first == UInt8(ascii: "<") {
            if !emit(.xml, .xmlDocument, bytes) { return }
            Self.xmlTexts(bytes) { emit(.xml, .value, $0) }
            return
        }
        if contentType.hasPrefix("application/x-www-form-urlencoded")
            || (contentType.isEmpty && bytes.contains(UInt8(ascii: "=")) && !bytes.contains(UInt8(ascii: "\n")))
        {
            _ = Self.arguments(bytes[...]) { name, value in
                if !name.isEmpty, !emitEncoded(.form(name), .name, name) { return false }
                return emitEncoded(.form(name), .value, value)
            }
            return
        }
        _ = emit(.text, .value, bytes)
    }

    /// Splits `a=1&b=2` into raw names and values; returns `false` when `body` stopped.
    static func arguments(
        _ query: ArraySlice<UInt8>,
        _ body: (ArraySlice<UInt8>, ArraySlice<UInt8>) -> Bool
    ) -> Bool {
        var start = query.startIndex
        while start <= query.endIndex {
            let end = query[start...].firstIndex(of: UInt8(ascii: "&")) ?? query.endIndex
            let pair = query[start..<end]
            if !pair.isEmpty {
                if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                    if !body(pair[..<equals], pair[(equals + 1)...]) { return false }
                } else if !body(pair[pair.startIndex..<pair.startIndex], pair) {
                    return false
                }
            }
            start = end + 1
        }
        return true
    }

    static func boundary(_ contentType: String) -> [UInt8]? {
        guard let range = Substring(contentType).firstRange(of: "boundary=") else { return nil }
        var value = contentType[range.upperBound...].prefix { $0 != ";" && $0 != " " }
        if value.hasPrefix("\"") { value = value.dropFirst().prefix { $0 != "\"" } }
        guard !value.isEmpty, value.utf8.count <= 200 else { return nil }
        return Array(value.utf8)
    }

    /// The parts of a multipart body: name, filename, content type and content of each.
    static func multipartParts(
        _ bytes: [UInt8],
        boundary rawBoundary: [UInt8],
        _ body: (String, [UInt8]?, String, [UInt8]) -> Bool
    ) {
        // The content type was lower-cased; boundaries are case-sensitive, so find it case-insensitively.
        let lowered = ShieldDecoding.lowercased(bytes)
        let delimiter = Array("--".utf8) + rawBoundary
        var positions: [Int] = []
        var search = 0
        while positions.count < 1_000, let found = lowered.firstIndex(of: delimiter, from: search) {
            positions.append(found)
            search = found + delimiter.count
        }
        guard positions.count >= 2 else {
            _ = body("?", nil, "", bytes)
            return
        }
        for (number, start) in positions.dropLast().enumerated() {
            var partStart = start + delimiter.count
            let partEnd = positions[number + 1]
            while partStart < partEnd, bytes[partStart] == 0x0D || bytes[partStart] == 0x0A { partStart += 1 }
            let part = Array(bytes[partStart..<partEnd])
            let headerEnd =
                part.firstIndex(of: "\r\n\r\n", from: 0).map { $0 + 4 }
                ?? part.firstIndex(of: "\n\n", from: 0).map { $0 + 2 } ?? 0
            let headerText = String(decoding: part.prefix(headerEnd), as: UTF8.self)
            var content = Array(part.dropFirst(headerEnd))
            while let last = content.last, last == 0x0A || last == 0x0D { content.removeLast() }
            var name = "?"
            var filename: [UInt8]?
            var partType = ""
            for line in headerText.split(whereSeparator: { $0 == "\r" || $0 == "\n" }) {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = parameter("name", in: String(line)).map { String($0.prefix(64)) } ?? "?"
                    filename = parameter("filename", in: String(line)).map { Array($0.utf8) }
                } else if lower.hasPrefix("content-type:") {
                    partType = lower.dropFirst("content-type:".count).trimmingCharacters(in: " ")
                }
            }
            if !body(name, filename, partType, content) { return }
        }
    }

    private static func parameter(_ key: String, in line: String) -> String? {
        var rest = Substring(line)
        while let range = rest.firstRange(of: key + "=") {
            let before = rest[..<range.lowerBound].last
            rest = rest[range.upperBound...]
            guard before == nil || before == " " || before == ";" else { continue }
            if rest.hasPrefix("\"") {
                return String(rest.dropFirst().prefix { $0 != "\"" })
            }
            return String(rest.prefix { $0 != ";" && $0 != " " })
        }
        return nil
    }

    /// The text between an XML document's tags and its attribute values.
    static func xmlTexts(_ bytes: [UInt8], _ body: ([UInt8]) -> Bool) {
        var index = 0
        var text: [UInt8] = []
        func flush() -> Bool {
            defer { text.removeAll(keepingCapacity: true) }
            guard text.contains(where: { !ShieldByte.isSpace($0) }) else { return true }
            return body(text)
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "<") {
                if !flush() { return }
                // CDATA content is text
                if bytes.hasBytes("<![CDATA[", at: index) {
                    let end = bytes.firstIndex(of: "]]>", from: index + 9) ?? bytes.count
                    text.append(contentsOf: bytes[(index + 9)..<end])
                    index = Swift.min(bytes.count, end + 3)
                    if !flush() { return }
                    continue
                }
                var cursor = index + 1
                while cursor < bytes.count, bytes[cursor] != UInt8(ascii: ">") {
                    if bytes[cursor] == UInt8(ascii: "\"") || bytes[cursor] == UInt8(ascii: "'") {
                        let quote = bytes[cursor]
                        let start = cursor + 1
                        cursor = start
                        while cursor < bytes.count, bytes[cursor] != quote { cursor += 1 }
                        text.append(contentsOf: bytes[start..<Swift.min(cursor, bytes.count)])
                        if !flush() { return }
                    }
                    cursor += 1
                }
                index = cursor + 1
            } else {
                text.append(bytes[index])
                index += 1
            }
        }
        _ = flush()
    }
}

extension Substring {
    /// The first occurrence of `needle`, compared character by character (no Foundation).
    fileprivate func firstRange(of needle: String) -> Range<Index>? {
        guard !needle.isEmpty else { return nil }
        var start = startIndex
        while start < endIndex {
            if self[start...].hasPrefix(needle) {
                return start..<index(start, offsetBy: needle.count)
            }
            start = index(after: start)
        }
        return nil
    }

    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}

/// A JSON reader that only reports strings (keys and values) with their paths; bounded in depth,
/// never failing loudly: `walk` returns `false` when the input is not JSON.
struct JSONStringWalker {
    let bytes: [UInt8]
    let maxDepth: Int
    let strict: Bool
    var index = 0

    init(bytes: [UInt8], maxDepth: Int, strict: Bool = false) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.strict = strict
    }

    enum Container {
        case object
        case array(Int)
    }

    /// Walks the document; `body` gets each string and returns `false` to stop. Returns whether the
    /// input was JSON (or the walk was stopped by `body`).
    mutating func walk(_ body: ([JSONPathComponent], [UInt8], Bool) -> Bool) -> Bool {
        var path: [JSONPathComponent] = []
        var stack: [Container] = []
        var expectKey = false
        skipSpace()
        var sawValue = false
        while index < bytes.count {
            skipSpace()
            guard index < bytes.count else { break }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard stack.count < maxDepth else { return false }
                if case .array(let position)? = stack.last { path.append(.index(position)) }
                stack.append(byte == UInt8(ascii: "{") ? .object : .array(0))
                expectKey = byte == UInt8(ascii: "{")
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard let top = stack.popLast() else { return false }
                if case .object = top, byte != UInt8(ascii: "}") { return false }
                if case .array = top, byte != UInt8(ascii: "]") { return false }
                if case .object = top, case .key? = path.last { path.removeLast() }
                if case .array? = stack.last, case .index? = path.last { path.removeLast() }
                index += 1
                sawValue = true
                if stack.isEmpty {
                    skipSpace()
                    return index >= bytes.count
                }
            case UInt8(ascii: ","):
                index += 1
                if case .array(let position)? = stack.last {
                    stack[stack.count - 1] = .array(position + 1)
                } else if case .object? = stack.last {
                    if case .key? = path.last { path.removeLast() }
                    expectKey = true
                }
            case UInt8(ascii: ":"):
                index += 1
            case UInt8(ascii: "\""):
                if let end = plainStringEnd() {
                    if expectKey, case .object? = stack.last {
                        // a key of letters and digits: named by a slice of the document, not inspected
                        path.append(.key(bytes[(index + 1)..<(end - 1)]))
                        expectKey = false
                        index = end
                        continue
                    }
                    if expectKey == false || stack.isEmpty {
                        // an unescaped string value of letters and digits: nothing to inspect or copy
                        index = end
                        sawValue = true
                        continue
                    }
                }
                guard let string = readString() else { return false }
                if expectKey, case .object? = stack.last {
                    if !body(path, string, true) { return true }
                    path.append(.key(string[...]))
                    expectKey = false
                } else {
                    if case .array(let position)? = stack.last {
                        path.append(.index(position))
                        defer { path.removeLast() }
                        if !body(path, string, false) { return true }
                    } else if !body(path, string, false) {
                        return true
                    }
                }
                sawValue = true
            default:
                // numbers, true, false, null
                let start = index
                while index < bytes.count, !ShieldByte.isSpace(bytes[index]), bytes[index] != UInt8(ascii: ","),
                    bytes[index] != UInt8(ascii: "}"), bytes[index] != UInt8(ascii: "]")
                {
                    index += 1
                }
                guard index > start, stack.isEmpty == false || index >= bytes.count else { return false }
                let token = bytes[start..<index]
                guard
                    token.allSatisfy({
                        ShieldByte.isDigit($0) || ShieldByte.isLetter($0) || $0 == UInt8(ascii: "-")
                            || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".")
                    })
                else { return false }
                sawValue = true
            }
        }
        return stack.isEmpty && sawValue
    }

    /// The index after the closing quote of the string at `index` when it has no escapes and can be
    /// passed over (``Shield/canSkip(_:strict:)``).
    private func plainStringEnd() -> Int? {
        var cursor = index + 1
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\"") {
                return Shield.canSkip(bytes[(index + 1)..<cursor], strict: strict) ? cursor + 1 : nil
            }
            guard
                ShieldByte.isLetter(byte) || ShieldByte.isDigit(byte) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            else { return nil }
            cursor += 1
        }
        return nil
    }

    private mutating func skipSpace() {
        while index < bytes.count, ShieldByte.isSpace(bytes[index]) { index += 1 }
    }

    private mutating func readString() -> [UInt8]? {
        index += 1
        var output: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return output
            }
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                let escape = bytes[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count else { return nil }
                    var scalar: UInt32 = 0
                    for offset in 0..<4 {
                        guard let digit = IPAddress.hexValue(bytes[index + offset]) else { return nil }
                        scalar = scalar << 4 | UInt32(digit)
                    }
                    index += 4
                    if scalar >= 0xD800, scalar < 0xDC00, index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    {
                        var low: UInt32 = 0
                        var valid = true
                        for offset in 2..<6 {
                            guard let digit = IPAddress.hexValue(bytes[index + offset]) else {
                                valid = false
                                break
                            }
                            low = low << 4 | UInt32(digit)
                        }
                        if valid, low >= 0xDC00, low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            index += 6
                        }
                    }
                    ShieldDecoding.appendUTF8(scalar, to: &output)
                default: output.append(escape)
                }
                continue
            }
            output.append(byte)
            index += 1
        }
        return nil
    }
}
