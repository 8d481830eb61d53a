import Synchronization

/// The network checks of email validation: whether a domain can receive mail (`NO_MX_RECORDS`) and
/// whether Gravatar knows an address (`NO_GRAVATAR`). Shared by a client's `validateEmail` and
/// `protectSignup` rules, through ``BulwarkOptions/emailVerifier``.
///
/// Each check answers within its timeout whatever the network does; a check that cannot answer in
/// time is reported as undetermined, never as a finding. Answers are cached: DNS answers by the
/// resolver's cache, Gravatar answers by the hash of the address.
///
/// ```swift
/// var options = BulwarkOptions()
/// options.emailVerifier = EmailVerifier(resolver: try UDPDNSResolver(nameservers: ["127.0.0.1:5353"]))
/// ```
public final class EmailVerifier: Sendable {
    private let configuredResolver: (any DNSResolver)?
    private let systemResolver: Mutex<(any DNSResolver)?> = Mutex(nil)
    private let gravatar: Result<GravatarCheck, BulwarkConfigurationError>
    /// The longest a mail-domain check may take.
    public let timeout: Duration
    /// The longest a Gravatar check may take.
    public let gravatarTimeout: Duration

    /// A verifier.
    ///
    /// - Parameters:
    ///   - resolver: Answers DNS queries; `nil` uses the nameservers of `/etc/resolv.conf`, behind a
    ///     cache (an hour for answers, five minutes for empty ones).
    ///   - timeout: The longest one mail-domain check may take; past it the check is undetermined.
    ///   - gravatarBaseURL: Where Gravatar images are asked for: `https://gravatar.com/avatar/` by
    ///     default. An invalid URL makes building a client with a `NO_GRAVATAR` rule fail.
    ///   - gravatarTimeout: The longest one Gravatar check may take.
    public init(
        resolver: (any DNSResolver)? = nil,
        timeout: Duration = .seconds(2),
        gravatarBaseURL: String = "https://gravatar.com/avatar/",
        gravatarTimeout: Duration = .seconds(2)
    ) {
        self.configuredResolver = resolver
        self.timeout = timeout
        self.gravatarTimeout = gravatarTimeout
        do {
            gravatar = .success(try GravatarCheck(baseURL: gravatarBaseURL))
        } catch {
            gravatar = .failure(error)
        }
    }

    /// The Gravatar check, or the configuration error of its base URL.
    func gravatarCheck() throws(BulwarkConfigurationError) -> GravatarCheck {
        try gravatar.get()
    }

    func mailDomainStatus(asciiDomain: String) async -> MailDomainStatus {
        guard let resolver = resolver() else {
            return .failed("no DNS resolver is configured and /etc/resolv.conf names no nameserver")
        }
        return await MailDomainCheck(resolver: resolver).check(asciiDomain: asciiDomain, timeout: timeout)
    }

    func gravatarStatus(normalizedEmail: String) async -> GravatarStatus {
        switch gravatar {
        case .success(let check): await check.check(normalizedEmail: normalizedEmail, timeout: gravatarTimeout)
        case .failure(let error): .failed(error.message)
        }
    }

    private func resolver() -> (any DNSResolver)? {
        if let configuredResolver { return configuredResolver }
        return systemResolver.withLock { cached in
            if let cached { return cached }
            let made: (any DNSResolver)? = (try? UDPDNSResolver.system(timeout: timeout / 2, attempts: 2))
                .map { CachingDNSResolver(wrapping: $0) }
            cached = made
            return made
        }
    }
}
