import NIOSSL

/// Where the Redis server is and how to talk to it.
///
/// Build it from a URL, then adjust what the URL does not carry:
///
/// ```swift
/// var configuration = try RedisConfiguration(url: "redis://:secret@10.0.0.5:6379/2")
/// configuration.commandTimeout = .milliseconds(50)
/// ```
///
/// The URL forms are `redis://[[user]:password@]host[:port][/database]` and `rediss://…` for TLS
/// (the system's trust roots, and the host name checked against the certificate, unless ``tls``
/// is replaced). User and password are percent-decoded; an IPv6 host is written in brackets.
public struct RedisConfiguration: Sendable {
    /// The server's host name or address.
    public var host: String
    /// The server's port (default 6379).
    public var port: Int
    /// The ACL user for `AUTH` (Redis 6 and later); `nil` for the default user.
    public var username: String?
    /// The password for `AUTH`; `nil` for none.
    public var password: String?
    /// The database number for `SELECT` (default 0).
    public var database: Int
    /// TLS settings, or `nil` for plain TCP.
    public var tls: TLSConfiguration?
    /// The name sent for SNI and checked against the certificate (default: ``host``, unless it is an address).
    public var tlsServerName: String?
    /// How long a command may wait for its reply, and a connection for its handshake, before the
    /// call fails with ``RedisError/Code/timeout`` (default 100 ms).
    public var commandTimeout: Duration
    /// How many connections the client keeps open; commands are pipelined on each (default 2).
    public var poolSize: Int
    /// The first wait after a failed connection before the next attempt; it doubles, with jitter,
    /// up to ``maximumReconnectDelay``. While a connection waits, commands routed to it fail at
    /// once with ``RedisError/Code/unavailable`` rather than queue (default 50 ms).
    public var initialReconnectDelay: Duration
    /// The longest wait between reconnection attempts (default 2 s).
    public var maximumReconnectDelay: Duration
    /// Bounds on the replies the client accepts.
    public var limits: RESPLimits

    /// A configuration for a server, with defaults for everything else.
    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        tls: TLSConfiguration? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.tlsServerName = nil
        self.commandTimeout = .milliseconds(100)
        self.poolSize = 2
        self.initialReconnectDelay = .milliseconds(50)
        self.maximumReconnectDelay = .seconds(2)
        self.limits = RESPLimits()
    }

    /// A configuration from a `redis://` or `rediss://` URL.
    ///
    /// - Throws: ``RedisConfigurationError`` naming the part of the URL that is wrong.
    public init(url: String) throws(RedisConfigurationError) {
        self.init()
        var rest = Substring(url)
        guard let schemeEnd = rest.range(of: "://") else {
            throw RedisConfigurationError(
                field: "url",
                message: "'\(Self.redacted(url))' is not a redis:// or rediss:// URL"
            )
        }
        switch rest[..<schemeEnd.lowerBound].lowercased() {
        case "redis": tls = nil
        case "rediss": tls = TLSConfiguration.makeClientConfiguration()
        case let other:
            throw RedisConfigurationError(field: "url.scheme", message: "'\(other)' is not redis or rediss")
        }
        rest = rest[schemeEnd.upperBound...]
        // The user information ends at the last '@' (a password may hold '/', '?' or '#').
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let user = try Self.percentDecoded(userInfo[..<colon], field: "url.username")
                username = user.isEmpty ? nil : user
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], field: "url.password")
            } else if !userInfo.isEmpty {
                // `redis://secret@host`: as redis-cli and most clients read it, a lone value is the password.
                password = try Self.percentDecoded(userInfo, field: "url.password")
            }
        }
        if rest.contains("#") {
            throw RedisConfigurationError(field: "url", message: "a Redis URL has no fragment")
        }
        if let query = rest.firstIndex(of: "?") {
            throw RedisConfigurationError(
                field: "url.query",
                message: "'\(rest[rest.index(after: query)...])' is not supported; set options on RedisConfiguration"
            )
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw RedisConfigurationError(field: "url.host", message: "an IPv6 address without its closing ']'")
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw RedisConfigurationError(field: "url.host", message: "'\(after)' after the IPv6 address")
                }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        guard !host.isEmpty else { throw RedisConfigurationError(field: "url.host", message: "the host is empty") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:%".contains($0) }) else {
            throw RedisConfigurationError(field: "url.host", message: "'\(host)' is not a host name or address")
        }
        if let portText {
            guard let value = Int(portText), (1...65_535).contains(value) else {
                throw RedisConfigurationError(field: "url.port", message: "'\(portText)' is not a port from 1 to 65535")
            }
            port = value
        }
        let databaseText = path.drop { $0 == "/" }
        if !databaseText.isEmpty {
            guard let value = Int(databaseText), value >= 0 else {
                throw RedisConfigurationError(
                    field: "url.database",
                    message: "'\(databaseText)' is not a database number"
                )
            }
            database = value
        }
    }

    /// Checks the options that the URL does not carry.
    func validate() throws(RedisConfigurationError) {
        guard commandTimeout > .zero else {
            throw RedisConfigurationError(field: "commandTimeout", message: "must be more than zero")
        }
        guard poolSize >= 1, poolSize <= 64 else {
            throw RedisConfigurationError(field: "poolSize", message: "\(poolSize) is not from 1 to 64")
        }
        guard (1...65_535).contains(port) else {
            throw RedisConfigurationError(field: "port", message: "\(port) is not from 1 to 65535")
        }
        guard database >= 0 else {
            throw RedisConfigurationError(field: "database", message: "\(database) is negative")
        }
        guard initialReconnectDelay > .zero, maximumReconnectDelay >= initialReconnectDelay else {
            throw RedisConfigurationError(
                field: "initialReconnectDelay",
                message: "must be more than zero and at most maximumReconnectDelay"
            )
        }
    }

    private static func percentDecoded(_ text: Substring, field: String) throws(RedisConfigurationError) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw RedisConfigurationError(field: field, message: "a '%' not followed by two hex digits")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw RedisConfigurationError(field: field, message: "not UTF-8 once percent-decoded")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The URL with everything before its last '@' (user and password) replaced by `***`, for messages.
    static func redacted(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@") else { return url }
        let start = url.range(of: "://").map { $0.upperBound } ?? url.startIndex
        guard start <= at else { return "***" + url[at...] }
        return String(url[..<start]) + "***" + url[at...]
    }
}
