import BulwarkTesting
import Foundation
import Synchronization
import Testing

@Suite("Two processes sharing limits in Redis", .enabled(if: RedisServer.shouldRun), .serialized)
struct RedisLoadTests {
    /// Two `bulwark redis-load` processes at once, each 64 tasks on one key. They are waited for on
    /// Dispatch threads: blocking the test's own (Swift concurrency) threads would stall every other
    /// test running beside this one.
    func runPair(url: String, algorithm: String, limit: Int, requestsEach: Int) async throws -> [[String: Any]] {
        let arguments = [
            "redis-load", "--redis", url, "--algorithm", algorithm, "--limit", String(limit),
            "--requests", String(requestsEach), "--tasks", "64", "--key", "exact-\(algorithm)",
            // Exactness is under test, not latency: at the lowest priority beside the other suites a
            // call can wait for the CPU longer than the default second.
            "--timeout", "30000",
        ]
        let outputs = await withTaskGroup(of: BulwarkProcess.Output.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        DispatchQueue.global().async {
                            let output = Self.runNiced(arguments)
                            continuation.resume(returning: output)
                        }
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        return try outputs.map { output in
            #expect(output.status == 0, "\(output.stderr)")
            let line = try #require(output.stdout.split(separator: "\n").last)
            return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// Runs `bulwark` at the lowest priority, so that the load it makes leaves the other tests their turn.
    static func runNiced(_ arguments: [String]) -> BulwarkProcess.Output {
        let process = Process()
        let nice = "/usr/bin/nice"
        let useNice = FileManager.default.isExecutableFile(atPath: nice)
        process.executableURL = useNice ? URL(fileURLWithPath: nice) : BulwarkProcess.executable
        process.arguments = (useNice ? ["-n", "19", BulwarkProcess.executable.path] : []) + arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return BulwarkProcess.Output(status: -1, stdout: "", stderr: "could not start bulwark: \(error)")
        }
        // Standard error is read on its own thread so that neither pipe can fill and block the child.
        let errors = Shared(Data())
        let reader = Thread { errors.withLock { $0 = stderr.fileHandleForReading.readDataToEndOfFile() } }
        reader.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while reader.isExecuting || !reader.isFinished { usleep(1_000) }
        return BulwarkProcess.Output(
            status: process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: errors.withLock { $0 }, as: UTF8.self)
        )
    }

    @Test(
        "over 100,000 requests from two processes × 64 tasks admit exactly the limit",
        arguments: ["tokenBucket", "fixedWindow", "slidingWindow"]
    )
    func exactlyTheLimit(algorithm: String) async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        let limit = 30_000
        let summaries = try await runPair(url: server.url, algorithm: algorithm, limit: limit, requestsEach: 51_200)
        let admitted = summaries.compactMap { $0["admitted"] as? Int }.reduce(0, +)
        let errors = summaries.compactMap { $0["errors"] as? Int }.reduce(0, +)
        let requests = summaries.compactMap { $0["requests"] as? Int }.reduce(0, +)
        #expect(requests == 102_400)
        #expect(errors == 0, "\(summaries)")
        #expect(admitted == limit, "\(algorithm): the two processes admitted \(admitted), the limit is \(limit)")
        // Each process got a share: they really did compete.
        for summary in summaries { #expect((summary["admitted"] as? Int ?? 0) > 0, "\(summary)") }
    }
}

/// A value shared by concurrent threads.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }
}
