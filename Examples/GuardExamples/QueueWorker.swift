import Bulwark

/// A queue worker that sends notification emails, guarded per job with no HTTP request in sight:
/// each tenant may send at most `perMinute` emails a minute, and no email may carry a card number.
///
/// A rate-limited job is deferred until its window resets, not dropped; a job whose guard cannot
/// decide is deferred too (fail closed, then retry), so an outage never sends unchecked mail.
public struct NotificationWorker: Sendable {
    /// One job from the queue.
    public struct Job: Sendable {
        /// The tenant the email is sent for.
        public var tenant: String
        /// The email's text.
        public var body: String

        /// A job.
        public init(tenant: String, body: String) {
            self.tenant = tenant
            self.body = body
        }
    }

    /// What became of a job.
    public enum Outcome: Sendable, Equatable {
        /// Sent.
        case sent
        /// Put back on the queue, to run again after the delay.
        case deferred(Duration)
        /// Dropped, with the reason.
        case rejected(String)
    }

    let bulwark: Bulwark
    let perTenant: FixedWindow
    let cardNumbers: LocalDetectSensitiveInfo
    let send: @Sendable (Job) async throws -> Void

    /// A worker that sends through `send`.
    public init(
        bulwark: Bulwark,
        perMinute: Int,
        send: @escaping @Sendable (Job) async throws -> Void
    )
        throws(BulwarkConfigurationError)
    {
        self.bulwark = bulwark
        self.perTenant = try FixedWindow(maxRequests: perMinute, window: .seconds(60), bucket: "outbound-email")
        self.cardNumbers = try LocalDetectSensitiveInfo(deny: [.creditCardNumber])
        self.send = send
    }

    /// Guards and runs one job.
    public func process(_ job: Job) async -> Outcome {
        do {
            try await bulwark.guardTool(
                label: "queue.notification-email",
                rules: [perTenant(key: job.tenant), cardNumbers(job.body)],
                metadata: ["tenant": job.tenant]
            )
        } catch {
            switch error {
            case .denied(let decision):
                if let limited = perTenant.deniedResult(decision) { return .deferred(limited.resetIn) }
                return .rejected(error.description)
            case .unavailable:
                return .deferred(.seconds(5))
            }
        }
        do {
            try await send(job)
            return .sent
        } catch {
            return .deferred(.seconds(5))
        }
    }
}
