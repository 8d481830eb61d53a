/// Why a guarded tool did not run: its guard denied it, or the guard could not decide.
public enum GuardToolError: Error, Sendable, CustomStringConvertible {
    /// A LIVE rule denied the call; the decision says which and why.
    case denied(GuardDecision)
    /// A rule failed and the tool fails closed: the decision carries the error.
    case unavailable(GuardDecision)

    /// Why a decision stops a tool, or `nil` when the tool may run: ``unavailable(_:)`` when an
    /// error decided (the client fails closed) or a rule failed and `onFailure` fails closed,
    /// ``denied(_:)`` when a LIVE rule denied.
    public init?(stopping decision: GuardDecision, onFailure: GuardFailurePolicy) {
        if decision.isError, !onFailure.failsOpen || decision.isDenied {
            self = .unavailable(decision)
        } else if decision.isDenied {
            self = .denied(decision)
        } else {
            return nil
        }
    }

    /// The guard's decision.
    public var decision: GuardDecision {
        switch self {
        case .denied(let decision), .unavailable(let decision): decision
        }
    }

    /// How long to wait before trying again, when a rate limit denied the call.
    public var retryAfter: Duration? {
        guard case .denied(let decision) = self, let limit = decision.reason.rateLimit else { return nil }
        return limit.resetIn
    }

    /// A message that can go back to a model or a user; it never contains the guarded text.
    public var description: String {
        switch self {
        case .denied(let decision):
            let reason = decision.reason
            if let limit = reason.rateLimit {
                return "\(decision.label) is rate limited: retry in \(limit.reset) s"
            }
            if reason.promptInjection != nil {
                return "\(decision.label) was refused: the input looks like a prompt injection"
            }
            if let info = reason.sensitiveInfo {
                let types = Set(info.denied.map(\.identifiedType.rawValue)).sorted().joined(separator: ", ")
                return "\(decision.label) was refused: it holds sensitive information (\(types))"
            }
            return "\(decision.label) was refused (\(reason.type))"
        case .unavailable(let decision):
            return "\(decision.label) is unavailable: \(decision.reason.error?.message ?? "a guard rule failed")"
        }
    }
}

/// What a guarded tool does when a guard rule fails (a store is down, a rule throws).
public struct GuardFailurePolicy: Sendable, Hashable, CustomStringConvertible {
    let failsOpen: Bool

    /// The tool does not run: ``GuardToolError/unavailable(_:)`` (the default for tools).
    public static let failClosed = GuardFailurePolicy(failsOpen: false)
    /// The tool runs anyway, as `protect` does for requests; the decision still says
    /// ``GuardDecision/hasFailedOpen``.
    public static let failOpen = GuardFailurePolicy(failsOpen: true)

    /// `failClosed` or `failOpen`.
    public var description: String { failsOpen ? "failOpen" : "failClosed" }
}

extension Bulwark {
    /// Guards a tool call and throws unless it may run: fails closed by default, so a tool never
    /// runs unguarded because a rule failed.
    ///
    /// ```swift
    /// do {
    ///     try await bulwark.guardTool(label: "tools.search", rules: [budget(key: sessionID, requested: 1)])
    /// } catch {
    ///     return "Not now: \(error)"  // "tools.search is rate limited: retry in 12 s"
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - label: What is guarded, a slug.
    ///   - rules: The configured rules, bound to this call's input.
    ///   - metadata: Free-form values attached to the decision.
    ///   - onFailure: ``GuardFailurePolicy/failClosed`` (the default) or ``GuardFailurePolicy/failOpen``.
    /// - Returns: The decision, when the tool may run.
    /// - Throws: ``GuardToolError/denied(_:)`` when a LIVE rule denied the call, and
    ///   ``GuardToolError/unavailable(_:)`` when a rule failed and the tool fails closed.
    @discardableResult
    public func guardTool(
        label: String,
        rules: [GuardRuleCall],
        metadata: [String: String] = [:],
        onFailure: GuardFailurePolicy = .failClosed
    ) async throws(GuardToolError) -> GuardDecision {
        let decision = await self.guard(label: label, rules: rules, metadata: metadata)
        if let stop = GuardToolError(stopping: decision, onFailure: onFailure) { throw stop }
        return decision
    }

    /// Guards a tool call and runs it only when it may run; fails closed by default.
    ///
    /// - Parameters:
    ///   - label: What is guarded, a slug.
    ///   - rules: The configured rules, bound to this call's input.
    ///   - metadata: Free-form values attached to the decision.
    ///   - onFailure: ``GuardFailurePolicy/failClosed`` (the default) or ``GuardFailurePolicy/failOpen``.
    ///   - tool: The tool's work.
    /// - Returns: What the tool returned.
    /// - Throws: ``GuardToolError`` when the guard stops the call, or what the tool throws.
    @discardableResult
    public func guardTool<Output>(
        label: String,
        rules: [GuardRuleCall],
        metadata: [String: String] = [:],
        onFailure: GuardFailurePolicy = .failClosed,
        _ tool: () async throws -> Output
    ) async throws -> Output {
        try await guardTool(label: label, rules: rules, metadata: metadata, onFailure: onFailure)
        return try await tool()
    }
}
