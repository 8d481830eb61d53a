import HTTPTypes

/// What a rate limit (or another keyed rule) counts by: the client's IP, a part of the request, or a
/// value the app passes to `protect(characteristics:)`.
///
/// Well-known names read the request: `ip.src`, `http.host`, `http.method` (or
/// `http.request.method`), `http.request.uri.path`, `http.request.headers["name"]`,
/// `http.request.cookie["name"]` and `http.request.uri.args["name"]`. Any other name made of
/// letters, digits, `_`, `-` and `.` is a custom characteristic, such as `userId`.
public struct Characteristic: Sendable, Hashable, CustomStringConvertible {
    enum Source: Sendable, Hashable {
        case ipSource
        case host
        case method
        case path
        case header(HTTPField.Name)
        case cookie(String)
        case queryArgument(String)
        case custom(String)
    }

    /// The characteristic as written.
    public let name: String
    let source: Source

    /// The client's IP address, the default characteristic of every keyed rule.
    public static let ipSource = Characteristic(name: "ip.src", source: .ipSource)

    private init(name: String, source: Source) {
        self.name = name
        self.source = source
    }

    /// Parses a characteristic; throws a message that says what is wrong with the syntax.
    public init(_ name: String) throws(CharacteristicSyntaxError) {
        self.name = name
        self.source = try Self.parse(name)
    }

    /// The characteristic as written.
    public var description: String { name }

    private static func parse(_ name: String) throws(CharacteristicSyntaxError) -> Source {
        switch name {
        case "ip.src": return .ipSource
        case "http.host": return .host
        case "http.method", "http.request.method": return .method
        case "http.request.uri.path": return .path
        default: break
        }
        if let key = try bracketed(name, prefix: "http.request.headers[") {
            guard let field = HTTPField.Name(key) else {
                throw CharacteristicSyntaxError(name: name, problem: "'\(key)' is not a valid header name")
            }
            return .header(field)
        }
        if let key = try bracketed(name, prefix: "http.request.cookie[") { return .cookie(key) }
        if let key = try bracketed(name, prefix: "http.request.uri.args[") { return .queryArgument(key) }
        guard !name.isEmpty, name.utf8.count <= 128 else {
            throw CharacteristicSyntaxError(name: name, problem: "a characteristic is 1 to 128 characters long")
        }
        if name.hasPrefix("http.") || name.hasPrefix("ip.") {
            throw CharacteristicSyntaxError(
                name: name,
                problem: "unknown well-known characteristic; known are ip.src, http.host, http.method, "
                    + "http.request.uri.path, http.request.headers[\"…\"], http.request.cookie[\"…\"], "
                    + "http.request.uri.args[\"…\"]"
            )
        }
        let allowed = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
                return true
            default:
                return false
            }
        }
        guard allowed else {
            throw CharacteristicSyntaxError(
                name: name,
                problem: "a custom characteristic uses only letters, digits, '_', '-' and '.'"
            )
        }
        return .custom(name)
    }

    /// The key of `prefix"key"]`, `nil` when the name does not start with the prefix.
    private static func bracketed(_ name: String, prefix: String) throws(CharacteristicSyntaxError) -> String? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard rest.count >= 4, rest.hasPrefix("\""), rest.hasSuffix("\"]") else {
            throw CharacteristicSyntaxError(name: name, problem: "expected \(prefix)\"name\"] with a non-empty name")
        }
        let key = String(rest.dropFirst().dropLast(2))
        guard !key.contains("\"") else {
            throw CharacteristicSyntaxError(name: name, problem: "the name in brackets may not contain '\"'")
        }
        return key
    }

    /// The characteristic's value for a request, or `nil` when the request has none.
    func value(in context: RuleContext) -> String? {
        switch source {
        case .ipSource: return context.clientIP?.description
        case .host: return context.request.host
        case .method: return context.request.method.rawValue
        case .path: return context.request.path
        case .header(let field): return context.request.headers[field]
        case .cookie(let key): return context.request.cookie(key)
        case .queryArgument(let key): return context.request.queryArgument(key)
        case .custom(let key): return context.characteristics[key]
        }
    }
}

/// A characteristic whose syntax Bulwark does not understand.
public struct CharacteristicSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The characteristic as written.
    public let name: String
    /// What is wrong with it.
    public let problem: String

    /// The characteristic and the problem.
    public var description: String { "characteristic '\(name.prefix(160))': \(problem)" }
}
