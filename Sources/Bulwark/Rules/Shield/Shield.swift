/// An attack family Shield recognises, as reported in a SHIELD reason's `attacks`.
public struct ShieldAttack: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The wire form, e.g. `SQLI`.
    public let rawValue: String

    /// An attack family from its wire form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// SQL injection.
    public static let sqlInjection = ShieldAttack(rawValue: "SQLI")
    /// Cross-site scripting.
    public static let crossSiteScripting = ShieldAttack(rawValue: "XSS")
    /// Path traversal and local file inclusion.
    public static let pathTraversal = ShieldAttack(rawValue: "PATH_TRAVERSAL")
    /// Shell command injection.
    public static let commandInjection = ShieldAttack(rawValue: "COMMAND_INJECTION")
    /// Server-side request forgery.
    public static let serverSideRequestForgery = ShieldAttack(rawValue: "SSRF")
    /// Server-side template injection.
    public static let templateInjection = ShieldAttack(rawValue: "SSTI")
    /// Log4j JNDI lookups (CVE-2021-44228).
    public static let log4Shell = ShieldAttack(rawValue: "LOG4SHELL")
    /// Bash function definitions in variables (CVE-2014-6271).
    public static let shellshock = ShieldAttack(rawValue: "SHELLSHOCK")
    /// XML external entities.
    public static let xmlExternalEntity = ShieldAttack(rawValue: "XXE")
    /// NoSQL (MongoDB operator and server-side JavaScript) injection.
    public static let noSQLInjection = ShieldAttack(rawValue: "NOSQL_INJECTION")
    /// Code injection into PHP, Java, Node.js or Python, including unsafe deserialization.
    public static let codeInjection = ShieldAttack(rawValue: "CODE_INJECTION")
    /// HTTP response splitting (CRLF injection of headers).
    public static let responseSplitting = ShieldAttack(rawValue: "HTTP_RESPONSE_SPLITTING")
    /// LDAP filter injection.
    public static let ldapInjection = ShieldAttack(rawValue: "LDAP_INJECTION")
    /// SMTP, IMAP or POP3 commands injected after a line break.
    public static let mailInjection = ShieldAttack(rawValue: "MAIL_INJECTION")

    /// Every family this version detects.
    public static let allCases: [ShieldAttack] = [
        .sqlInjection, .crossSiteScripting, .pathTraversal, .commandInjection, .serverSideRequestForgery,
        .templateInjection, .log4Shell, .shellshock, .xmlExternalEntity, .noSQLInjection, .codeInjection,
        .responseSplitting, .ldapInjection, .mailInjection,
    ]

    /// The wire form.
    public var description: String { rawValue }

    /// Orders by wire form.
    public static func < (lhs: ShieldAttack, rhs: ShieldAttack) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The details of a `SHIELD` reason: whether an attack was found, which, and where.
public struct ShieldReason: Sendable, Hashable, Codable {
    /// Whether any attack was found.
    public var shieldTriggered: Bool
    /// The attack families found, sorted, each once.
    public var attacks: [ShieldAttack]
    /// Where they were found, in request order, each once: `path`, `query.id`, `cookie.session`,
    /// `header.user-agent`, `body.form.comment`, `body.json.user.name`, `body.multipart.file.filename`,
    /// `body.xml`, `body.text`.
    public var locations: [String]

    /// Creates SHIELD details.
    public init(shieldTriggered: Bool, attacks: [ShieldAttack], locations: [String] = []) {
        self.shieldTriggered = shieldTriggered
        self.attacks = attacks
        self.locations = locations
    }

    private enum CodingKeys: String, CodingKey { case shieldTriggered, attacks, locations }

    /// Decodes SHIELD details; `locations` may be absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        shieldTriggered = try container.decode(Bool.self, forKey: .shieldTriggered)
        attacks = try container.decodeIfPresent([ShieldAttack].self, forKey: .attacks) ?? []
        locations = try container.decodeIfPresent([String].self, forKey: .locations) ?? []
    }
}

/// How readily Shield calls a value an attack.
public struct ShieldSensitivity: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The wire form.
    public let rawValue: String

    /// A sensitivity from its wire form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Tuned for few false positives: what a public site can deny without a second thought.
    public static let standard = ShieldSensitivity(rawValue: "STANDARD")
    /// Also denies weaker signals (one `../`, a bare `SELECT … FROM`, any IP literal in a URL, a
    /// command name at the start of a value, any class of `java.lang` or `java.io`, base64 that
    /// decodes to a Java gadget's name), for endpoints whose inputs are never free text.
    public static let strict = ShieldSensitivity(rawValue: "STRICT")

    /// The levels this version knows.
    public static let known: [ShieldSensitivity] = [.standard, .strict]

    /// The wire form.
    public var description: String { rawValue }
}

/// A part of the request where some (or all) attack families are not looked for: a rich-text field
/// that may hold HTML, a search box for SQL snippets.
public struct ShieldExclusion: Sendable, Hashable, Codable {
    /// A location as reported in ``ShieldReason/locations`` (`body.json.post.content`), or a prefix of
    /// one ending in `*` (`body.json.post.*`, `header.*`).
    public var location: String
    /// The families not looked for there; `nil` for all of them.
    public var attacks: [ShieldAttack]?

    /// An exclusion of `attacks` (all when `nil`) at `location`.
    public init(location: String, attacks: [ShieldAttack]? = nil) {
        self.location = location
        self.attacks = attacks
    }

    func matches(_ candidate: String) -> Bool {
        if location.hasSuffix("*") { return candidate.hasPrefix(location.dropLast()) }
        return candidate == location
    }
}

/// Bounds on how much of a request Shield reads, so that inspection stays linear and bounded.
public struct ShieldLimits: Sendable, Hashable {
    /// Bytes of the body inspected; a longer body is inspected up to this length. Default 1 MiB.
    public var maxBodyBytes: Int
    /// Values inspected per request (arguments, cookies, headers, JSON strings, parts); the rest
    /// are skipped. Default 2,048.
    public var maxValues: Int
    /// Nesting of JSON and multipart bodies followed; deeper content is inspected as plain text.
    /// Default 64.
    public var maxDepth: Int

    /// Limits with the defaults above.
    public init(maxBodyBytes: Int = 1 << 20, maxValues: Int = 2_048, maxDepth: Int = 64) {
        self.maxBodyBytes = maxBodyBytes
        self.maxValues = maxValues
        self.maxDepth = maxDepth
    }
}

/// One attack found at one location.
public struct ShieldFinding: Sendable, Hashable {
    /// The family.
    public var attack: ShieldAttack
    /// Where, as in ``ShieldReason/locations``.
    public var location: String

    /// A finding of `attack` at `location`.
    public init(attack: ShieldAttack, location: String) {
        self.attack = attack
        self.location = location
    }
}

/// The request-attack detector behind the `shield` rule, usable on its own: `inspect(_:)` a request,
/// or `inspect(value:)` any string that reaches an interpreter (a tool argument, a queue message).
///
/// Shield reads the path, the query's names and values, cookies, the headers attacks travel in, and
/// form, JSON, multipart, XML and text bodies; it decodes each value as the application and its
/// libraries may (percent-decoding more than once, `%u`, overlong UTF-8, full-width forms, HTML
/// entities, JavaScript escapes), then asks a detector per family built on a tokenizer or parser of
/// that family's language. Time is linear in the input and bounded by ``ShieldLimits``.
public struct Shield: Sendable {
    /// The sensitivity.
    public let sensitivity: ShieldSensitivity
    /// Where families are not looked for.
    public let exclusions: [ShieldExclusion]
    /// Bounds on what is read.
    public let limits: ShieldLimits
    /// Whether verdicts on values are kept for the next time the same value comes
    /// (``ShieldVerdictCache``); off only to measure reading itself.
    let cachesVerdicts: Bool

    /// A detector.
    public init(
        sensitivity: ShieldSensitivity = .standard,
        exclusions: [ShieldExclusion] = [],
        limits: ShieldLimits = ShieldLimits()
    ) {
        self.init(sensitivity: sensitivity, exclusions: exclusions, limits: limits, cachingVerdicts: true)
    }

    /// A detector that reads every value, even one it read a moment ago: for measurements of the
    /// reading itself, which the verdict cache otherwise hides for repeated values.
    @_spi(Benchmarking)
    public init(
        sensitivity: ShieldSensitivity = .standard,
        exclusions: [ShieldExclusion] = [],
        limits: ShieldLimits = ShieldLimits(),
        cachingVerdicts: Bool
    ) {
        self.sensitivity = sensitivity
        self.exclusions = exclusions
        self.limits = limits
        self.cachesVerdicts = cachingVerdicts
    }

    /// The attacks in a request, at most 32 findings.
    public func inspect(_ request: BulwarkRequest) -> [ShieldFinding] {
        var findings: [ShieldFinding] = []
        let strict = sensitivity == .strict
        ShieldRequestValues(request: request, limits: limits, strict: strict).forEach { site, value in
            let attacks = detect(value, kind: site.kind, strict: strict)
            guard !attacks.isEmpty else { return findings.count < 32 }
            let location = site.location()
            for attack in attacks where !isExcluded(attack, at: location) {
                findings.append(ShieldFinding(attack: attack, location: location))
            }
            return findings.count < 32
        }
        return findings
    }

    /// The attacks in one value, wherever it came from (sorted, each once).
    public func inspect(value: String) -> [ShieldAttack] {
        detect(Array(value.utf8), kind: .value, strict: sensitivity == .strict)
    }

    /// The attacks in one value, from the verdict cache when the value was read recently.
    @inline(__always)
    private func detect(_ value: [UInt8], kind: ValueKind, strict: Bool) -> [ShieldAttack] {
        guard cachesVerdicts else { return Self.detect(value, kind: kind, strict: strict) }
        return ShieldVerdictCache.shared.verdict(value, kind: kind, strict: strict) {
            Self.detect(value, kind: kind, strict: strict)
        }
    }

    private func isExcluded(_ attack: ShieldAttack, at location: String) -> Bool {
        exclusions.contains { $0.matches(location) && ($0.attacks?.contains(attack) ?? true) }
    }

    /// What a value is, for the detectors that depend on it.
    enum ValueKind {
        /// The request path: one dot segment is already a traversal.
        case path
        /// A header value: URLs to internal hosts are normal there (Referer, Origin).
        case header
        /// An argument name or JSON key.
        case name
        /// The name a client gave an uploaded file: also read as the name a web server would run.
        case fileName
        /// Any other value.
        case value
        /// A whole XML document.
        case xmlDocument
    }

    /// Whether a value is only letters, digits and `-`/`_` (most values): nothing to inspect.
    @inline(__always)
    static func isInert<C: Collection<UInt8>>(_ value: C) -> Bool {
        for byte in value {
            if ShieldByte.isLetter(byte) || ShieldByte.isDigit(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            {
                continue
            }
            return false
        }
        return true
    }

    /// Whether a value can be passed over unread: inert, and holding neither a dot (a Java class
    /// name) nor the start of a Java serialization stream in base64 (`rO0AB`, `KztAAU`, `Cs7QAF`) or
    /// hex (`aced`). The strict level reads every inert value of 8 bytes or more, which may be base64.
    @inline(__always)
    static func canSkip<C: Collection<UInt8>>(_ value: C, strict: Bool) -> Bool {
        guard !strict || value.count < 8 else { return false }
        var window: UInt32 = 0
        for byte in value {
            // inert (``isInert(_:)``) and without a dot, in the same pass as the window below
            guard
                ShieldByte.isLetter(byte) || ShieldByte.isDigit(byte) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_")
            else { return false }
            window = window << 8 | UInt32(byte)
            let pair = window & 0xFFFF
            if pair == 0x724F || pair == 0x4B7A || pair == 0x4373 || window | 0x2020_2020 == 0x6163_6564 {
                return false  // "rO", "Kz", "Cs", "aced"
            }
        }
        return true
    }

    static func detect(_ value: [UInt8], kind: ValueKind, strict: Bool) -> [ShieldAttack] {
        guard value.count >= 2 else { return [] }
        // A Java serialization stream, raw or encoded, in the value as received (an XML document's
        // names are structure: its texts are inspected one by one).
        let serialized =
            kind != .xmlDocument
            && (JavaInjection.serializedObject(value) || (strict && JavaInjection.encodedGadget(value)))
        if isInert(value) && !(kind == .path && value.contains("..")) {
            // letters, digits and dots: only a Java class name or a serialized object can hide here
            let code =
                serialized || (kind == .fileName && ScriptUpload.isScriptName(value))
                || (value.contains(UInt8(ascii: ".")) && JavaInjection.detect(value, strict: strict))
            return code ? [.codeInjection] : []
        }
        var found = Set<ShieldAttack>()
        if serialized { found.insert(.codeInjection) }
        if kind == .name, NoSQLInjection.isOperatorName(value) { found.insert(.noSQLInjection) }
        if kind == .fileName, ScriptUpload.isScriptName(value) { found.insert(.codeInjection) }
        if kind == .xmlDocument, XMLExternalEntity.detect(ShieldDecoding.lowercased(value)) {
            found.insert(.xmlExternalEntity)
        }
        let layers = ShieldDecoding.layers(of: value)
        for (number, layer) in layers.enumerated() {
            let bytes = ShieldByteClasses(layer)
            let mostDecoded = number == layers.count - 1
            if !found.contains(.sqlInjection), bytes.any(.sqlSyntax),
                SQLInjection.detect(layer, strict: strict, anywhere: kind != .header && kind != .path)
            {
                found.insert(.sqlInjection)
            }
            if !found.contains(.crossSiteScripting), bytes.any(.scriptSyntax),
                CrossSiteScripting.detect(layer, strict: strict)
            {
                found.insert(.crossSiteScripting)
            }
            if !found.contains(.pathTraversal), bytes.any(.pathSyntax),
                PathTraversal.detect(layer, inPath: kind == .path, strict: strict)
            {
                found.insert(.pathTraversal)
            }
            if !found.contains(.commandInjection),
                bytes.any(.shellSyntax) || bytes.any(.angle) && bytes.any(.paren) || layer.first == UInt8(ascii: "-"),
                CommandInjection.detect(layer, classes: bytes, strict: strict)
            {
                found.insert(.commandInjection)
            }
            if mostDecoded, !found.contains(.commandInjection), bytes.any(.space),
                CommandInjection.batchStatement(layer)
            {
                found.insert(.commandInjection)
            }
            if kind != .header, !found.contains(.serverSideRequestForgery), bytes.any(.urlSyntax),
                ServerSideRequestForgery.detect(layer, strict: strict)
            {
                found.insert(.serverSideRequestForgery)
            }
            if !found.contains(.templateInjection), bytes.any(.templateSyntax),
                TemplateInjection.detect(layer, strict: strict)
            {
                found.insert(.templateInjection)
            }
            if bytes.any(.dollar) || bytes.any(.brace) {
                if !found.contains(.log4Shell), Log4Shell.detect(layer) { found.insert(.log4Shell) }
            }
            if bytes.any(.paren), !found.contains(.shellshock), Shellshock.detect(layer) { found.insert(.shellshock) }
            if bytes.any(.angle), !found.contains(.xmlExternalEntity), XMLExternalEntity.detect(layer) {
                found.insert(.xmlExternalEntity)
            }
            if bytes.any(.noSQLSyntax), !found.contains(.noSQLInjection), NoSQLInjection.detect(layer) {
                found.insert(.noSQLInjection)
            }
            if bytes.any(.codeSyntax), !found.contains(.codeInjection), CodeInjection.detect(layer, strict: strict) {
                found.insert(.codeInjection)
            }
            if mostDecoded, kind != .xmlDocument, bytes.any(.dot), !found.contains(.codeInjection),
                JavaInjection.detect(layer, strict: strict)
            {
                // Class names are read once, in the most decoded layer. An XML document's element and
                // attribute names are structure; its texts and attribute values are inspected one by one.
                found.insert(.codeInjection)
            }
            if kind == .fileName, number > 0, !found.contains(.codeInjection), ScriptUpload.isScriptName(layer) {
                found.insert(.codeInjection)  // `x.php%00.png`
            }
            if bytes.any(.lineBreak), !found.contains(.responseSplitting), ResponseSplitting.detect(layer) {
                found.insert(.responseSplitting)
            }
            if bytes.any(.lineBreak), !found.contains(.mailInjection), MailInjection.detect(layer) {
                found.insert(.mailInjection)
            }
            if bytes.any(.paren) || (bytes.any(.colon) && bytes.any(.equals)), !found.contains(.ldapInjection),
                LDAPInjection.detect(layer)
            {
                found.insert(.ldapInjection)
            }
        }
        return found.sorted()
    }
}

/// The engine's `shield` rule.
struct ShieldRule: Rule {
    let id: String
    let type = "shield"
    let mode: RuleMode
    let shield: Shield

    var cost: RuleCost { .scan }
    var characteristics: [Characteristic]? { nil }

    func evaluate(_ context: RuleContext, fingerprint: String?) async throws -> RuleOutcome {
        let findings = shield.inspect(context.request)
        guard !findings.isEmpty else {
            return RuleOutcome(conclusion: .allow, reason: .shield(ShieldReason(shieldTriggered: false, attacks: [])))
        }
        var attacks = Set<ShieldAttack>()
        var locations: [String] = []
        for finding in findings {
            attacks.insert(finding.attack)
            if !locations.contains(finding.location) { locations.append(finding.location) }
        }
        let reason = ShieldReason(shieldTriggered: true, attacks: attacks.sorted(), locations: locations)
        return RuleOutcome(conclusion: .deny, reason: .shield(reason))
    }
}
