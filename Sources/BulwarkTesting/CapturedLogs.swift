import Logging
import Synchronization

/// Log records kept in memory, for tests that check what was logged.
///
/// ```swift
/// let logs = CapturedLogs()
/// var options = BulwarkOptions()
/// options.logger = logs.logger()
/// ```
package final class CapturedLogs: Sendable {
    /// One record.
    package struct Record: Sendable {
        package let level: Logger.Level
        package let message: String
        package let metadata: [String: String]

        /// `level message key=value …`, the keys sorted.
        package var line: String {
            ([level.rawValue, message] + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
                .joined(separator: " ")
        }
    }

    private let storage = Mutex<[Record]>([])

    package init() {}

    /// The records so far, oldest first.
    package var records: [Record] { storage.withLock { $0 } }

    /// A logger that keeps records at `level` and above.
    package func logger(level: Logger.Level = .notice) -> Logger {
        Logger(label: "bulwark.test") { _ in Handler(logs: self, logLevel: level) }
    }

    private struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level

        init(logs: CapturedLogs, logLevel: Logger.Level) {
            self.logs = logs
            self.logLevel = logLevel
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = metadata.merging(event.metadata ?? [:]) { $1 }.mapValues { "\($0)" }
            let record = Record(level: event.level, message: "\(event.message)", metadata: fields)
            logs.storage.withLock { $0.append(record) }
        }
    }
}
