extension Bulwark {
    /// Decides for one operation with no HTTP request: an AI tool call, an MCP tool handler, a
    /// queue job, a step of an agent loop.
    ///
    /// ```swift
    /// let userLimit = try TokenBucket(refillRate: 10, interval: .seconds(60), maxTokens: 100, bucket: "user-tools")
    /// let injection = try DetectPromptInjection()
    /// let verdict = await bulwark.guard(
    ///     label: "tools.get-weather",
    ///     rules: [userLimit(key: userID, requested: 1), injection(toolInput)],
    ///     metadata: ["userId": userID]
    /// )
    /// if let limited = userLimit.deniedResult(verdict) { /* retry in limited.resetIn */ }
    /// ```
    ///
    /// Rules run cheapest first (rate limits before scans); the first LIVE DENY ends evaluation and
    /// the rest are `NOT_RUN`; DRY_RUN rules report a DENY but never change the conclusion. A rule
    /// that fails gets an `ERROR` result and the decision fails open (or closed, with
    /// ``BulwarkOptions/FailureMode/closed``). Rate limits use the client's clock and store, so
    /// guards and ``protect(_:requested:characteristics:email:sensitiveInfoValue:detectPromptInjectionMessage:filterLocal:ipSrc:metadata:)``
    /// share a store without sharing counters.
    ///
    /// - Parameters:
    ///   - label: What is guarded: a slug such as `tools.get-weather` (lower-case letters, digits,
    ///     `.` and `-`, at most 256 bytes). Any other label gives an `ERROR` decision and runs no rule.
    ///   - rules: The configured rules, each bound to this call's input.
    ///   - metadata: Free-form values attached to the decision.
    /// - Returns: The decision; this never throws.
    public func `guard`(
        label: String,
        rules: [GuardRuleCall],
        metadata: [String: String] = [:]
    ) async -> GuardDecision {
        let now = options.clock.now()
        if let problem = GuardSlug.problem(with: label) {
            let message = "the guard's label is not a slug: \(problem)"
            options.logger.error("Bulwark guard misconfigured", metadata: ["error": "\(message)"])
            return GuardDecision(
                id: GuardDecision.makeID(at: now),
                label: label,
                conclusion: options.failureMode.closed ? .deny : .error,
                reason: .error(message),
                results: [],
                metadata: metadata
            )
        }
        let context = GuardContext(
            label: label,
            metadata: metadata,
            now: now,
            logger: options.logger,
            rateLimitStore: options.rateLimitStore
        )
        // A stable order by cost: equal costs keep the caller's order.
        var ordered = rules
        if !isSortedByCost(ordered) {
            ordered = ordered.enumerated().sorted { ($0.element.cost, $0.offset) < ($1.element.cost, $1.offset) }
                .map(\.element)
        }
        var results: [GuardRuleResult] = []
        results.reserveCapacity(ordered.count)
        var denial: GuardRuleResult?
        var firstError: GuardRuleResult?
        for call in ordered {
            let state: RuleState = call.mode == .live ? .run : .dryRun
            if denial != nil {
                results.append(
                    GuardRuleResult(
                        ruleId: call.ruleId,
                        type: call.type,
                        mode: call.mode,
                        state: .notRun,
                        conclusion: .allow,
                        reason: nil
                    )
                )
                continue
            }
            let result: GuardRuleResult
            do {
                let outcome = try await call.evaluate(context)
                result = GuardRuleResult(
                    ruleId: call.ruleId,
                    type: call.type,
                    mode: call.mode,
                    state: state,
                    conclusion: outcome.conclusion,
                    reason: outcome.reason,
                    output: outcome.output
                )
            } catch {
                let message = ruleFailed(
                    error,
                    ruleID: call.ruleId,
                    type: call.type,
                    log: "Bulwark guard rule failed",
                    metadata: ["guard.label": "\(label)"]
                )
                result = GuardRuleResult(
                    ruleId: call.ruleId,
                    type: call.type,
                    mode: call.mode,
                    state: state,
                    conclusion: .error,
                    reason: .error(message)
                )
            }
            if result.conclusion == .deny, call.mode == .live { denial = result }
            if result.conclusion == .error, firstError == nil { firstError = result }
            results.append(result)
        }
        let (conclusion, reason) = options.failureMode.conclude(results: results, denial: denial, error: firstError)
        return GuardDecision(
            id: GuardDecision.makeID(at: now),
            label: label,
            conclusion: conclusion,
            reason: reason,
            results: results,
            metadata: metadata
        )
    }

    private func isSortedByCost(_ calls: [GuardRuleCall]) -> Bool {
        var previous = RuleCost(rank: .min)
        for call in calls {
            if call.cost < previous { return false }
            previous = call.cost
        }
        return true
    }
}
