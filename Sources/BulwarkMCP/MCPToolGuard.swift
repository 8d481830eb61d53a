import Bulwark
import Foundation
import MCP

/// Guards the tools of an MCP server built on the MCP Swift SDK: a per-session token budget,
/// prompt-injection checks on tool inputs and on content before it returns to the model, and
/// sensitive information blocked from leaving.
///
/// ```swift
/// let toolGuard = try MCPToolGuard(
///     bulwark: bulwark,
///     budget: TokenBucket(refillRate: 20, interval: .seconds(60), maxTokens: 100, bucket: "mcp-session"),
///     injection: DetectPromptInjection(),
///     sensitiveInfo: LocalDetectSensitiveInfo(deny: [.email, .creditCardNumber, .phoneNumber])
/// )
/// await server.withMethodHandler(CallTool.self) { params in
///     await toolGuard.call(params, cost: 5) { params in try await fetchPage(params) }
/// }
/// ```
///
/// A denied call never reaches the tool, and denied output never reaches the model: the client
/// gets a tool result with `isError: true` and a message it can act on ("retry in 12 s"). By
/// default a guard that cannot decide (a store is down) fails closed; ``failure`` says otherwise.
/// The guarded text never appears in a decision, a message or a log.
public struct MCPToolGuard: Sendable {
    /// The client whose store and clock the budget uses.
    public let bulwark: Bulwark
    /// The key of this session's budget: one per connected client.
    public let sessionID: String
    /// Tokens a session may spend on tool calls, each call taking its cost; `nil` for no budget.
    public let budget: TokenBucket?
    /// Scores tool inputs and returned content for prompt injection; `nil` to skip.
    public let injection: DetectPromptInjection?
    /// Scans returned content for sensitive information that must not leave; `nil` to skip.
    public let sensitiveInfo: LocalDetectSensitiveInfo?
    /// What a call does when a guard rule fails: fail closed (the default) or open.
    public let failure: GuardFailurePolicy

    /// Creates a guard for one session.
    ///
    /// - Parameters:
    ///   - bulwark: The client whose store and clock the budget uses; share one across sessions.
    ///   - sessionID: The session's key; a new random one by default.
    ///   - budget: The per-session token budget.
    ///   - injection: Prompt-injection detection for inputs and returned content.
    ///   - sensitiveInfo: Sensitive-information detection for returned content.
    ///   - failure: What a call does when a guard rule fails.
    public init(
        bulwark: Bulwark,
        sessionID: String = UUID().uuidString.lowercased(),
        budget: TokenBucket? = nil,
        injection: DetectPromptInjection? = nil,
        sensitiveInfo: LocalDetectSensitiveInfo? = nil,
        failure: GuardFailurePolicy = .failClosed
    ) {
        self.bulwark = bulwark
        self.sessionID = sessionID
        self.budget = budget
        self.injection = injection
        self.sensitiveInfo = sensitiveInfo
        self.failure = failure
    }

    /// The guard label of a tool: `mcp.tools.` and the tool's name as a slug (`get_weather` becomes
    /// `mcp.tools.get-weather`).
    public static func label(forTool name: String) -> String {
        var slug = ""
        for scalar in name.lowercased().unicodeScalars.prefix(200) {
            let isSlugCharacter = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "."
            let next: Character = isSlugCharacter ? Character(scalar) : "-"
            if next == "-", slug.last == "-" { continue }
            slug.append(next)
        }
        while let last = slug.last, last == "-" || last == "." { slug.removeLast() }
        while let first = slug.first, first == "-" || first == "." { slug.removeFirst() }
        return "mcp.tools." + (slug.isEmpty ? "unnamed" : slug)
    }

    /// Checks a call before the tool runs: takes `cost` from the session's budget and scores every
    /// string in the arguments for prompt injection.
    public func checkInput(_ parameters: CallTool.Parameters, cost: Int = 1) async -> GuardDecision {
        var rules: [GuardRuleCall] = []
        if let budget { rules.append(budget(key: sessionID, requested: cost)) }
        let text = Self.strings(in: parameters.arguments.map(Value.object) ?? .null).joined(separator: "\n\n")
        if let injection, !text.isEmpty { rules.append(injection(text)) }
        return await bulwark.guard(
            label: Self.label(forTool: parameters.name),
            rules: rules,
            metadata: ["mcp.session": sessionID, "mcp.stage": "input"]
        )
    }

    /// Checks what a tool returns before it reaches the model: prompt injection in fetched or
    /// generated text, and sensitive information that must not leave.
    public func checkOutput(tool name: String, content: [Tool.Content]) async -> GuardDecision {
        let text = Self.text(of: content)
        var rules: [GuardRuleCall] = []
        if !text.isEmpty {
            if let injection { rules.append(injection(text)) }
            if let sensitiveInfo { rules.append(sensitiveInfo(text)) }
        }
        return await bulwark.guard(
            label: Self.label(forTool: name),
            rules: rules,
            metadata: ["mcp.session": sessionID, "mcp.stage": "output"]
        )
    }

    /// Runs a tool call under the guard: the input is checked first, the tool runs only when it
    /// may, and its output is checked before it is returned.
    ///
    /// - Parameters:
    ///   - parameters: The call, as the server's `CallTool` handler receives it.
    ///   - cost: Tokens the call takes from the session's budget.
    ///   - tool: The tool's work.
    /// - Returns: The tool's result, or an error result (`isError: true`) saying why it was refused.
    public func call(
        _ parameters: CallTool.Parameters,
        cost: Int = 1,
        _ tool: (CallTool.Parameters) async throws -> CallTool.Result
    ) async -> CallTool.Result {
        let input = await checkInput(parameters, cost: cost)
        if let refusal = refusal(for: input) { return refusal }
        let result: CallTool.Result
        do {
            result = try await tool(parameters)
        } catch {
            return CallTool.Result(
                content: [.text(text: "\(parameters.name) failed: \(error)", annotations: nil, _meta: nil)],
                isError: true
            )
        }
        let output = await checkOutput(tool: parameters.name, content: result.content)
        return refusal(for: output) ?? result
    }

    /// The error result for a decision that stops the call, or `nil` when the call may go on.
    public func refusal(for decision: GuardDecision) -> CallTool.Result? {
        guard let stop = GuardToolError(stopping: decision, onFailure: failure) else { return nil }
        var message = stop.description
        if decision.results.contains(where: { $0.isDenied && $0.reason?.type == .promptInjection }),
            decision.metadata["mcp.stage"] == "output"
        {
            message = "\(decision.label) returned content that looks like a prompt injection; it was withheld"
        } else if decision.metadata["mcp.stage"] == "output", decision.reason.type == .sensitiveInfo {
            message = stop.description + "; the result was withheld"
        }
        return CallTool.Result(
            content: [.text(text: message, annotations: nil, _meta: nil)],
            isError: true,
            _meta: nil
        )
    }

    /// Every string in a JSON value: object values and array members, depth first, at most 64 deep.
    static func strings(in value: Value, depth: Int = 0) -> [String] {
        guard depth < 64 else { return [] }
        switch value {
        case .string(let text): return [text]
        case .array(let values): return values.flatMap { strings(in: $0, depth: depth + 1) }
        case .object(let members):
            return members.keys.sorted().flatMap { strings(in: members[$0] ?? .null, depth: depth + 1) }
        default: return []
        }
    }

    /// The text a model would read from a tool's content: text parts and embedded text resources.
    static func text(of content: [Tool.Content]) -> String {
        var parts: [String] = []
        for item in content {
            switch item {
            case .text(let text, _, _): parts.append(text)
            case .resource(let resource, _, _):
                if let text = resource.text { parts.append(text) }
            default: continue
            }
        }
        return parts.joined(separator: "\n\n")
    }
}
