/// Validates one address against a list of email types: the part of `validateEmail` that the
/// `protectSignup` rule shares.
struct EmailValidator: Sendable {
    let policy: TypeListPolicy<EmailType>
    let syntax: EmailSyntaxOptions
    let verifier: EmailVerifier

    /// Whether validation may wait on the network (a mail-domain or Gravatar check).
    var usesNetwork: Bool { policy.denies(.noMXRecords) || checksGravatar }

    /// Gravatar is asked only when a deny list names `NO_GRAVATAR`: the check sends a hash of the
    /// address to a third party, so it is never implied by an allow list.
    var checksGravatar: Bool {
        if case .deny(let types) = policy { return types.contains(.noGravatar) }
        return false
    }

    /// What the address is, and whether the policy denies it. The local checks (syntax, lists) run
    /// first; when they already deny, the network is not asked.
    func validate(_ text: String) async -> RuleOutcome {
        let (parsed, localTypes) = Self.localChecks(text, syntax: syntax)
        var reason = EmailReason(emailTypes: localTypes)
        guard let address = parsed, !reason.emailTypes.contains(where: policy.denies) else { return outcome(reason) }

        // A network check runs only when the type it may find would deny.
        let checkDomain = !address.isDomainLiteral && policy.denies(.noMXRecords)
        async let domain: MailDomainStatus? =
            checkDomain ? verifier.mailDomainStatus(asciiDomain: address.asciiDomain) : nil
        async let gravatar: GravatarStatus? =
            checksGravatar ? verifier.gravatarStatus(normalizedEmail: address.normalized) : nil
        switch await domain {
        case .noMailServers: reason.emailTypes.append(.noMXRecords)
        case .timedOut: reason.undetermine(.noMXRecords, timedOut: true)
        case .failed: reason.undetermine(.noMXRecords, timedOut: false)
        case .acceptsMail, nil: break
        }
        switch await gravatar {
        case .notFound: reason.emailTypes.append(.noGravatar)
        case .timedOut: reason.undetermine(.noGravatar, timedOut: true)
        case .failed: reason.undetermine(.noGravatar, timedOut: false)
        case .found, nil: break
        }
        return outcome(reason)
    }

    /// The checks that need no network: syntax, then the disposable and free-provider lists.
    /// Returns the parsed address (`nil` when it is invalid) and the types found.
    static func localChecks(_ text: String, syntax: EmailSyntaxOptions) -> (EmailAddress?, [EmailType]) {
        let address: EmailAddress
        do {
            address = try EmailAddress(text, options: syntax)
        } catch {
            return (nil, [.invalid])
        }
        var types: [EmailType] = []
        if !address.isDomainLiteral {
            let listed = EmailDomainLists.shared.classify(asciiDomain: address.asciiDomain)
            if listed.disposable { types.append(.disposable) }
            if listed.free { types.append(.free) }
        }
        return (address, types)
    }

    private func outcome(_ reason: EmailReason) -> RuleOutcome {
        RuleOutcome(
            conclusion: reason.emailTypes.contains(where: policy.denies) ? .deny : .allow,
            reason: .email(reason)
        )
    }
}

extension EmailReason {
    fileprivate mutating func undetermine(_ type: EmailType, timedOut: Bool) {
        undeterminedTypes.append(type)
        self.timedOut = self.timedOut || timedOut
    }
}

/// The engine's `validateEmail` rule over `protect(email:)`.
struct ValidateEmailRule: Rule {
    let id: String
    let type = "validateEmail"
    let mode: RuleMode
    let validator: EmailValidator

    var cost: RuleCost { validator.usesNetwork ? .network : .memory }
    var characteristics: [Characteristic]? { nil }

    func evaluate(_ context: RuleContext, fingerprint: String?) async throws -> RuleOutcome {
        guard let email = context.email else {
            throw RuleEvaluationError("validateEmail needs an address to check: pass it as protect(email:)")
        }
        return await validator.validate(email)
    }
}

extension EmailType {
    /// The types an address has that need no network (`INVALID`, `DISPOSABLE`, `FREE`): what
    /// a `validateEmail` rule works out before it asks DNS or Gravatar. For benchmarks.
    @_spi(Benchmarking)
    public static func locallyFound(in address: String) -> [EmailType] {
        EmailValidator.localChecks(address, syntax: EmailSyntaxOptions()).1
    }
}
