/// A DNS lookup that failed: no answer in time, an answer Bulwark cannot read, or a server's refusal.
///
/// An absent record is not an error: a ``DNSResolver`` returns an empty array for NXDOMAIN and for
/// a name with no records of the type asked for.
///
/// ```swift
/// do {
///     let names = try await resolver.reverseLookup(address)
/// } catch let error as DNSError where error.code == .timeout {
///     // treat the client as unverified
/// }
/// ```
public struct DNSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it is.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// A short, stable name for the failure.
        public let rawValue: String
        /// A code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// No matching answer arrived before the lookup's time ran out.
        public static let timeout = Code(rawValue: "timeout")
        /// The server's answer is not a well-formed DNS message.
        public static let malformedResponse = Code(rawValue: "malformedResponse")
        /// The server reported a failure (SERVFAIL, or a response code Bulwark does not know).
        public static let serverFailure = Code(rawValue: "serverFailure")
        /// The name does not exist (NXDOMAIN). A ``DNSResolver``'s lookups return an empty array instead;
        /// the code is here for callers that need to tell the two apart.
        public static let nameError = Code(rawValue: "nameError")
        /// The server refused to answer (REFUSED), as a resolver does for clients it does not serve.
        public static let refused = Code(rawValue: "refused")
        /// The name asked for is not a valid DNS name: an empty or over-long label, more than 253
        /// characters, or a character outside printable ASCII.
        public static let invalidName = Code(rawValue: "invalidName")
        /// The server could not be reached: no route, or its port is closed.
        public static let unreachable = Code(rawValue: "unreachable")
        /// There is no nameserver to ask: an empty list, or none in `/etc/resolv.conf`.
        public static let noNameservers = Code(rawValue: "noNameservers")
        /// A nameserver address or another setting of the resolver is not valid.
        public static let invalidConfiguration = Code(rawValue: "invalidConfiguration")

        /// The code's name.
        public var description: String { rawValue }
    }

    /// What kind of failure it is.
    public let code: Code
    /// What went wrong, naming the server or the name when known.
    public let message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}

extension DNSError {
    static func malformed(_ message: String) -> DNSError {
        DNSError(code: .malformedResponse, message: message)
    }

    static func invalidName(_ name: String, _ reason: String) -> DNSError {
        // The name may be hostile input: quote a bounded, printable prefix of it.
        let shown = String(name.unicodeScalars.prefix(64).map { $0.isASCII && $0.value >= 0x20 ? Character($0) : "?" })
        return DNSError(code: .invalidName, message: "'\(shown)': \(reason)")
    }
}
