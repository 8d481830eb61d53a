/// Why a Redis command did not get an answer, or got an error.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// No reply within the client's command timeout; the connection is closed and reopened.
        case timeout
        /// The server could not be reached (refused, unreachable, TLS or authentication failure).
        case connectionFailed
        /// The connection closed before the reply came.
        case connectionClosed
        /// Every connection is failing and waiting out its backoff: the command was not sent.
        case unavailable
        /// The server answered with an error reply (`ERR …`, `NOSCRIPT …`, `WRONGPASS …`).
        case serverError
        /// The server's reply broke the protocol, or a reply had an unexpected shape.
        case protocolViolation
        /// The client has been shut down.
        case shutDown
    }

    /// The kind of failure.
    public let code: Code
    /// What happened, without command arguments (they may hold keys or secrets).
    public let message: String

    /// An error of a kind with a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `redis <code>: <message>`.
    public var description: String { "redis \(code.rawValue): \(message)" }

    /// Whether the error is the server's `NOSCRIPT` (a script not loaded, as after a restart).
    public var isNoScript: Bool { code == .serverError && message.hasPrefix("NOSCRIPT") }
}

/// A Redis URL or option that cannot work, reported at start-up with the field that is wrong.
public struct RedisConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field: `url`, `url.scheme`, `url.host`, `url.port`, `url.database`, `url.query`,
    /// `commandTimeout`, `poolSize`, …
    public let field: String
    /// What is wrong with it.
    public let message: String

    /// An error naming the field.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `field 'F': message`.
    public var description: String { "Redis configuration, field '\(field)': \(message)" }
}
