import ArgumentParser
import Bulwark
import Foundation

/// `bulwark guard`: guard lines in, guard decision lines out, in order.
struct GuardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract:
            "Decide each guard line of JSONL input against a guard rules file; write one guard decision line each.",
        discussion: """
            The rules file is {"guardRules": {"NAME": {"type": "tokenBucket", "refillRate": 1, "interval": 60,
            "maxTokens": 3, "bucket": "user-tools"}, "NAME2": {"type": "detectPromptInjection"}, …}}; types are
            tokenBucket, fixedWindow, slidingWindow, detectPromptInjection and detectSensitiveInfo.
            Each input line is {"id", "label", "time"?, "metadata"?, "rules": [{"rule": "NAME", "key": "u1",
            "requested": 1} | {"rule": "NAME2", "input": "text"}]}; time (Unix seconds) sets the clock before
            the line, so rate limits replay exactly. Each output line is the guard decision JSON (id gdec_…)
            plus "requestId". A malformed line gives an ERROR decision and the run goes on. An invalid rules
            file exits with status 2.
            """
    )

    @Option(name: .long, help: "The guard rules JSON file.")
    var rules: String

    @Option(name: .long, help: "The guard JSONL file (standard input when absent).")
    var input: String?

    @OptionGroup var redisOptions: RedisOptions

    func run() async throws {
        let clock = ReplayClock()
        let ruleSet: GuardRuleSet
        let bulwark: Bulwark
        do {
            ruleSet = try RulesFile.load(path: rules, as: GuardRuleSet.self)
            bulwark = try Bulwark(
                rules: [],
                options: BulwarkOptions(clock: clock, rateLimitStore: try redisOptions.store())
            )
        } catch {
            FileHandle.standardError.write(Data("bulwark: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var reader = try InputFile.open(input)
        defer { reader.close() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let output = OutputBuffer()
        var lineNumber = 0
        while let text = reader.lines.next() {
            lineNumber += 1
            if text.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let line: GuardDecisionLine
            do {
                let parsed = try GuardLine.parse(text, rules: ruleSet)
                if let time = parsed.time { clock.set(to: time) }
                let decision = await bulwark.guard(label: parsed.label, rules: parsed.calls, metadata: parsed.metadata)
                line = GuardDecisionLine(decision: decision, requestId: parsed.id)
            } catch {
                let decision = GuardDecision(
                    id: GuardDecision.makeID(at: clock.now()),
                    label: "",
                    conclusion: .error,
                    reason: .error("malformed guard line: \(error.message)"),
                    results: []
                )
                line = GuardDecisionLine(decision: decision, requestId: error.id ?? String(lineNumber))
            }
            output.write(try encoder.encode(line))
            if !reader.lines.hasBufferedLine { output.flush() }
        }
        output.flush()
    }
}

/// A guard decision as `bulwark guard` writes it: the decision JSON plus the input line's id.
struct GuardDecisionLine: Encodable {
    let decision: GuardDecision
    let requestId: String

    private enum CodingKeys: String, CodingKey { case requestId }

    func encode(to encoder: any Encoder) throws {
        try decision.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestId, forKey: .requestId)
    }
}
