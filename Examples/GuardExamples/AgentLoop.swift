import Bulwark

/// An agent loop with a per-user token budget: before each model call the loop reserves an estimate
/// of the tokens it is about to spend (and charges any excess after the call), and every tool result
/// is checked for prompt injection before it re-enters the model's context.
public struct AgentLoop: Sendable {
    /// What the model decided at one step.
    public enum Action: Sendable, Equatable {
        /// Call a tool with this input.
        case tool(name: String, input: String)
        /// Answer the user; the loop ends.
        case answer(String)
    }

    /// How the loop ended.
    public enum Result: Sendable, Equatable {
        /// The model answered.
        case answered(String, steps: Int)
        /// The user's budget ran out; try again after the delay.
        case outOfBudget(retryIn: Duration, steps: Int)
        /// The loop reached its step limit, or a guard could not decide.
        case stopped(String)
    }

    let bulwark: Bulwark
    let budget: TokenBucket
    let injection: DetectPromptInjection
    let maximumSteps: Int

    /// A loop where each user may spend `tokensPerMinute` tokens a minute, up to `burst` at once.
    public init(
        bulwark: Bulwark,
        tokensPerMinute: Int,
        burst: Int,
        maximumSteps: Int = 8
    )
        throws(BulwarkConfigurationError)
    {
        self.bulwark = bulwark
        self.budget = try TokenBucket(
            refillRate: tokensPerMinute,
            interval: .seconds(60),
            maxTokens: burst,
            bucket: "llm-tokens"
        )
        self.injection = try DetectPromptInjection()
        self.maximumSteps = maximumSteps
    }

    /// Runs the loop for one user's task.
    ///
    /// - Parameters:
    ///   - user: Whose budget pays.
    ///   - task: The user's request, the first message of the context.
    ///   - model: One model call: the context so far in, an action and the tokens it cost out.
    ///   - tools: Runs a tool: its name and input in, its result out.
    public func run(
        user: String,
        task: String,
        model: (_ context: [String]) async throws -> (action: Action, tokens: Int),
        tools: (_ name: String, _ input: String) async throws -> String
    ) async throws -> Result {
        var context = [task]
        for step in 1...maximumSteps {
            // A rough estimate of the call's size (four characters a token) is asked for up front.
            let estimate = Swift.max(1, context.reduce(0) { $0 + $1.utf8.count } / 4)
            let verdict = await bulwark.guard(
                label: "agent.model-call",
                rules: [budget(key: user, requested: estimate)],
                metadata: ["userId": user]
            )
            if let limited = budget.deniedResult(verdict) {
                return .outOfBudget(retryIn: limited.resetIn, steps: step - 1)
            }
            if verdict.isError { return .stopped("the budget could not be checked") }
            let (action, tokens) = try await model(context)
            if tokens > estimate {
                // The call cost more than reserved: charge the rest, so the next step sees it.
                _ = await bulwark.guard(
                    label: "agent.model-call",
                    rules: [budget(key: user, requested: tokens - estimate)],
                    metadata: ["userId": user]
                )
            }
            switch action {
            case .answer(let text):
                return .answered(text, steps: step)
            case .tool(let name, let input):
                let output = try await tools(name, input)
                let check = await bulwark.guard(
                    label: "agent.tool-result",
                    rules: [injection(output)],
                    metadata: ["tool": name]
                )
                context.append(
                    check.isDenied ? "[the result of \(name) was withheld: it looks like a prompt injection]" : output
                )
            }
        }
        return .stopped("the task took more than \(maximumSteps) steps")
    }
}
