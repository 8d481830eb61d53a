import ArgumentParser
import Bulwark
import Foundation

/// `bulwark protect`: request lines in, decision lines out, in order.
struct ProtectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protect",
        abstract: "Decide each request line of JSONL input against a rules file; write one decision line each.",
        discussion: """
            Each input line is a JSON object: id (required), method, url, headers, ip, body, requested,
            characteristics, email, sensitiveInfoValue, detectPromptInjectionMessage, filterLocal, and
            time (Unix seconds: the clock is set to it before the line, so rate limits replay exactly).
            Each output line is the decision JSON plus "requestId". A malformed line gives an ERROR
            decision and the run goes on. An invalid rules file exits with status 2.
            With --redis, rate-limit state is kept in Redis and shared by every process using it; rate
            limits then run on the Redis server's clock unless --redis-clock input.
            """
    )

    @Option(name: .long, help: "The rules JSON file.")
    var rules: String

    @Option(name: .long, help: "The request JSONL file (standard input when absent).")
    var input: String?

    @OptionGroup var redisOptions: RedisOptions

    @Flag(
        name: .long,
        help:
            "At the end, write the time spent inside the engine (total, median, p90, p99, max) as JSON to standard error."
    )
    var stats = false

    func run() async throws {
        let configuration: BulwarkConfiguration
        let clock = ReplayClock()
        let bulwark: Bulwark
        do {
            configuration = try RulesFile.load(path: rules)
            bulwark = try Bulwark(
                configuration: configuration,
                options: BulwarkOptions(clock: clock, rateLimitStore: try redisOptions.store())
            )
        } catch {
            FileHandle.standardError.write(Data("bulwark: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var input = try InputFile.open(input)
        defer { input.close() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let output = OutputBuffer()
        var lineNumber = 0
        var durations: [Int64] = []
        var slowest: (nanoseconds: Int64, id: String) = (0, "")
        let stopwatch = ContinuousClock()
        while let line = input.lines.next() {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let decisionLine: DecisionLine
            do {
                let request = try RequestLine.parse(line)
                if let time = request.time { clock.set(to: time) }
                let started = stats ? stopwatch.now : nil
                let decision = await bulwark.protect(
                    request.request,
                    requested: request.requested,
                    characteristics: request.characteristics,
                    email: request.email,
                    sensitiveInfoValue: request.sensitiveInfoValue,
                    detectPromptInjectionMessage: request.detectPromptInjectionMessage,
                    filterLocal: request.filterLocal
                )
                if let started {
                    let nanoseconds = (stopwatch.now - started).nanoseconds
                    durations.append(nanoseconds)
                    if nanoseconds > slowest.nanoseconds { slowest = (nanoseconds, request.id) }
                }
                decisionLine = DecisionLine(decision: decision, requestId: request.id)
            } catch {
                decisionLine = DecisionLine(
                    decision: Decision.malformedInput(error.message, at: clock.now()),
                    requestId: error.id ?? String(lineNumber)
                )
            }
            output.write(try encoder.encode(decisionLine))
            // Before waiting on more input, hand over what is decided: a pipe reader sees each answer.
            if !input.lines.hasBufferedLine { output.flush() }
        }
        output.flush()
        if stats {
            let nanoseconds = durations.reduce(0, +)
            durations.sort()
            func percentile(_ fraction: Double) -> Int64 {
                durations.isEmpty
                    ? 0 : durations[Swift.min(durations.count - 1, Int(Double(durations.count) * fraction))]
            }
            let line =
                "{\"requests\": \(durations.count), \"protectNanoseconds\": \(nanoseconds), "
                + "\"medianNanoseconds\": \(percentile(0.5)), \"p90Nanoseconds\": \(percentile(0.9)), "
                + "\"p99Nanoseconds\": \(percentile(0.99)), \"maxNanoseconds\": \(durations.last ?? 0), "
                + "\"slowestRequestId\": \"\(slowest.id)\"}\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}

/// A decision as `bulwark protect` writes it: the decision JSON plus the input line's id.
struct DecisionLine: Encodable {
    let decision: Decision
    let requestId: String

    private enum CodingKeys: String, CodingKey { case id, conclusion, reason, results, ip, ttl, requestId }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(decision.id, forKey: .id)
        try container.encode(decision.conclusion, forKey: .conclusion)
        try container.encode(decision.reason, forKey: .reason)
        try container.encode(decision.results, forKey: .results)
        try container.encode(decision.ip, forKey: .ip)
        try container.encode(decision.ttl, forKey: .ttl)
        try container.encode(requestId, forKey: .requestId)
    }
}

extension Decision {
    /// The ERROR decision for an input line that could not be read as a request.
    static func malformedInput(_ message: String, at time: Timestamp) -> Decision {
        Decision(
            id: Decision.localID(at: time),
            conclusion: .error,
            reason: .error("malformed request line: \(message)"),
            results: [],
            ip: IPDetails(),
            ttl: 0
        )
    }
}

/// Collects output lines and writes them in large blocks, flushing at least every 64 KiB.
final class OutputBuffer {
    private var pending = Data()

    func write(_ line: Data) {
        pending.append(line)
        pending.append(UInt8(ascii: "\n"))
        if pending.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !pending.isEmpty else { return }
        FileHandle.standardOutput.write(pending)
        pending.removeAll(keepingCapacity: true)
    }
}
