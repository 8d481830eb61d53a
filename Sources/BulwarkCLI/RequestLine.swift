import Bulwark
import Foundation
import HTTPTypes

/// One line of `bulwark protect`'s input, checked field by field.
///
/// Only `id` is required. A field of the wrong kind is an error naming the field; unknown fields
/// are ignored.
struct RequestLine {
    typealias Problem = InputLine.Problem

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
        let (id, fields) = try InputLine.object(line, maximumLength: maximumLength, kind: "a request line")
        do {
            return try RequestLine(id: id, fields: InputLine(fields: fields))
        } catch {
            throw Problem(id: id, message: error.message)
        }
    }

    private init(id: String, fields line: InputLine) throws(InputLine.FieldError) {
        let fields = line.fields
        self.id = id
        let methodName = try line.string("method") ?? "GET"
        guard let method = HTTPRequest.Method(methodName.uppercased()) else {
            throw InputLine.FieldError(
                message: "field 'method' is not an HTTP method token: '\(methodName.prefix(40))'"
            )
        }
        var headers = HTTPFields()
        switch fields["headers"] {
        case nil, .null?: break
        case .object(let members)?:
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                guard let fieldName = HTTPField.Name(name) else {
                    throw InputLine.FieldError(
                        message: "field 'headers' has an invalid header name '\(name.prefix(60))'"
                    )
                }
                let values: [JSONValue] = if case .array(let list) = member { list } else { [member] }
                for value in values {
                    guard case .string(let text) = value else {
                        throw InputLine.FieldError(
                            message: "field 'headers.\(name)' must be a string, got \(value.kind)"
                        )
                    }
                    headers.append(HTTPField(name: fieldName, value: text))
                }
            }
        case let other?: throw InputLine.FieldError(message: "field 'headers' must be an object, got \(other.kind)")
        }
        var path = try line.string("url") ?? "/"
        var authority = headers[HTTPField.Name("host")!]
        if let schemeEnd = path.range(of: "://"), path.hasPrefix("http") {
            let rest = path[schemeEnd.upperBound...]
            let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            authority = authority ?? String(rest[..<slash])
            path = String(rest[slash...])
        }
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        var peer: IPAddress?
        if let ip = try line.string("ip") {
            guard let address = IPAddress(ip) else {
                throw InputLine.FieldError(message: "field 'ip' is not an IPv4 or IPv6 address: '\(ip.prefix(60))'")
            }
            peer = address
        }
        let body = try line.string("body").map { Array($0.utf8) }
        self.request = BulwarkRequest(
            head: HTTPRequest(method: method, scheme: "https", authority: authority, path: path, headerFields: headers),
            remoteAddress: peer,
            body: body
        )
        self.requested = try InputLine.requested(fields["requested"], field: "requested")
        self.characteristics = try line.object("characteristics", scalars: true)
        self.email = try line.string("email")
        self.sensitiveInfoValue = try line.string("sensitiveInfoValue")
        self.detectPromptInjectionMessage = try line.string("detectPromptInjectionMessage")
        self.filterLocal = try line.object("filterLocal", scalars: false)
        self.time = try line.time()
    }
}
