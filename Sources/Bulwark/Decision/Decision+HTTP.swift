import HTTPTypes

extension Decision {
    /// The status for refusing the request: 429 when a rate limit denied, 403 otherwise.
    public var deniedStatus: HTTPResponse.Status {
        reason.type == .rateLimit ? .tooManyRequests : .forbidden
    }

    /// The JSON body the framework middleware sends with a refusal.
    public var deniedBody: DeniedResponseBody {
        DeniedResponseBody(
            error: reason.type == .rateLimit ? "Too many requests" : "Forbidden",
            decisionId: id,
            reason: reason
        )
    }
}

/// The JSON body of a refused request: `{"error": "Too many requests", "decisionId": "lreq_…", "reason": {…}}`.
public struct DeniedResponseBody: Sendable, Hashable, Codable {
    /// A short human-readable summary.
    public var error: String
    /// The decision's id, to find it in logs.
    public var decisionId: String
    /// Why the request was refused.
    public var reason: Reason
}
