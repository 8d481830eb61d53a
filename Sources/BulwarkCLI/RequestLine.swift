import Bulwark
import Foundation
import HTTPTypes

/// One line of `bulwark protect`'s input, checked field by field.
///
/// Only `id` is required. A field of the wrong kind is an error naming the field; unknown fields
/// are ignored.
struct RequestLine {
    struct Problem: Error {
        /// The line's id, when it got that far.
        let id: String?
        let message: String
    }

    var id: String
    var request: BulwarkRequest
    var requested = 1
    var characteristics: [String: String] = [:]
    var email: String?
    var sensitiveInfoValue: String?
    var detectPromptInjectionMessage: String?
    var filterLocal: [String: String] = [:]
    var time: Timestamp?

    /// The most a line may hold; a longer one is refused rather than parsed.
    static let maximumLength = 8 * 1024 * 1024

    static func parse(_ line: Substring) throws(Problem) -> RequestLine {
        guard line.utf8.count <= maximumLength else {
            throw Problem(id: nil, message: "line longer than \(maximumLength) bytes")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
        } catch {
            throw Problem(id: nil, message: "not valid JSON: \(RulesFile.describe(error))")
        }
        guard case .object(let fields) = value else {
            throw Problem(id: nil, message: "a request line must be a JSON object, got \(value.kind)")
        }
        guard let idValue = fields["id"] else { throw Problem(id: nil, message: "missing required field 'id'") }
        guard case let id? = idValue.scalarText, idValue != .bool(true), idValue != .bool(false) else {
            throw Problem(id: nil, message: "field 'id' must be a string or a number, got \(idValue.kind)")
        }
        do {
            return try RequestLine(id: id, fields: fields)
        } catch {
            throw Problem(id: id, message: error.message)
        }
    }

    private struct FieldError: Error {
        let message: String
    }

    private init(id: String, fields: [String: JSONValue]) throws(FieldError) {
        func string(_ name: String) throws(FieldError) -> String? {
            switch fields[name] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            case let other?: throw FieldError(message: "field '\(name)' must be a string, got \(other.kind)")
            }
        }
        func object(_ name: String, scalars: Bool) throws(FieldError) -> [String: String] {
            switch fields[name] {
            case nil, .null?: return [:]
            case .object(let members)?:
                var result: [String: String] = [:]
                for (key, member) in members {
                    if case .string(let text) = member {
                        result[key] = text
                    } else if scalars, let text = member.scalarText {
                        result[key] = text
                    } else {
                        throw FieldError(
                            message:
                                "field '\(name).\(key)' must be a string\(scalars ? " or number" : ""), got \(member.kind)"
                        )
                    }
                }
                return result
            case let other?: throw FieldError(message: "field '\(name)' must be an object, got \(other.kind)")
            }
        }

        self.id = id
        let methodName = try string("method") ?? "GET"
        guard let method = HTTPRequest.Method(methodName.uppercased()) else {
            throw FieldError(message: "field 'method' is not an HTTP method token: '\(methodName.prefix(40))'")
        }
        var headers = HTTPFields()
        switch fields["headers"] {
        case nil, .null?: break
        case .object(let members)?:
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                guard let fieldName = HTTPField.Name(name) else {
                    throw FieldError(message: "field 'headers' has an invalid header name '\(name.prefix(60))'")
                }
                let values: [JSONValue] = if case .array(let list) = member { list } else { [member] }
                for value in values {
                    guard case .string(let text) = value else {
                        throw FieldError(message: "field 'headers.\(name)' must be a string, got \(value.kind)")
                    }
                    headers.append(HTTPField(name: fieldName, value: text))
                }
            }
        case let other?: throw FieldError(message: "field 'headers' must be an object, got \(other.kind)")
        }
        var path = try string("url") ?? "/"
        var authority = headers[HTTPField.Name("host")!]
        if let schemeEnd = path.range(of: "://"), path.hasPrefix("http") {
            let rest = path[schemeEnd.upperBound...]
            let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            authority = authority ?? String(rest[..<slash])
            path = String(rest[slash...])
        }
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        var peer: IPAddress?
        if let ip = try string("ip") {
            guard let address = IPAddress(ip) else {
                throw FieldError(message: "field 'ip' is not an IPv4 or IPv6 address: '\(ip.prefix(60))'")
            }
            peer = address
        }
        let body = try string("body").map { Array($0.utf8) }
        self.request = BulwarkRequest(
            head: HTTPRequest(method: method, scheme: "https", authority: authority, path: path, headerFields: headers),
            remoteAddress: peer,
            body: body
        )
        switch fields["requested"] {
        case nil, .null?: break
        case .integer(let value)? where value >= 0 && value <= Int64(Int32.max): self.requested = Int(value)
        case let other?:
            throw FieldError(
                message: "field 'requested' must be a whole number from 0, got \(other.scalarText ?? other.kind)"
            )
        }
        self.characteristics = try object("characteristics", scalars: true)
        self.email = try string("email")
        self.sensitiveInfoValue = try string("sensitiveInfoValue")
        self.detectPromptInjectionMessage = try string("detectPromptInjectionMessage")
        self.filterLocal = try object("filterLocal", scalars: false)
        switch fields["time"] {
        case nil, .null?: break
        case .integer(let seconds)? where seconds >= 0 && seconds < 1 << 33:
            self.time = Timestamp(nanosecondsSinceEpoch: seconds * 1_000_000_000)
        case .number(let seconds)? where seconds >= 0 && seconds < 8.5e9:
            self.time = Timestamp(secondsSinceEpoch: seconds)
        case let other?:
            throw FieldError(
                message: "field 'time' must be Unix seconds (a number from 0), got \(other.scalarText ?? other.kind)"
            )
        }
    }
}
