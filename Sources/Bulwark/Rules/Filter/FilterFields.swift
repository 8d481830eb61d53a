import HTTPTypes

/// What one evaluation works out once and shares between the fields that need it: the client the
/// User-Agent names, classified only when a bot or browser field is read.
struct FilterScratch {
    private var detected: DetectedClient?

    init() {}

    mutating func client(_ context: RuleContext) -> DetectedClient {
        if let detected { return detected }
        let client = DetectedClient(userAgent: context.request.headers[.userAgent])
        detected = client
        return client
    }
}

/// A field whose value is a string; `nil` from ``value(_:_:)`` means the request has no value for it.
enum FilterTextField: Sendable, Hashable {
    case host
    case method
    case uri
    case uriPath
    case uriQuery
    case fullURI
    case userAgent
    case referer
    case cookies
    case header(HTTPField.Name)
    case cookie(String)
    case queryArgument(String)
    case browser
    case ip(FilterIPTextField)
    case local(String)

    func value(_ context: RuleContext, _ scratch: inout FilterScratch) -> Substring? {
        switch self {
        case .host: return FilterRequestValues.host(context.request.head)
        case .method: return Substring(context.request.head.method.rawValue)
        case .uri: return Substring(context.request.head.path ?? "/")
        case .uriPath:
            let target = context.request.head.path ?? "/"
            guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return Substring(target) }
            return target[..<mark]
        case .uriQuery:
            guard let target = context.request.head.path, let mark = target.utf8.firstIndex(of: UInt8(ascii: "?"))
            else { return Substring() }
            return target[target.utf8.index(after: mark)...]
        case .fullURI: return FilterRequestValues.fullURI(context.request.head)
        case .userAgent: return FilterRequestValues.header(.userAgent, in: context.request.head.headerFields)
        case .referer: return FilterRequestValues.header(.referer, in: context.request.head.headerFields)
        case .cookies: return FilterRequestValues.header(.cookie, in: context.request.head.headerFields)
        case .header(let name): return FilterRequestValues.header(name, in: context.request.head.headerFields)
        case .cookie(let name): return context.request.cookie(name).map { Substring($0) }
        case .queryArgument(let name): return context.request.queryArgument(name).map { Substring($0) }
        case .browser: return scratch.client(context).browser.map { Substring($0) }
        case .ip(let field): return field.value(context.ip).map { Substring($0) }
        case .local(let name): return context.filterLocal[name].map { Substring($0) }
        }
    }
}

/// The string fields of ``IPDetails``, as `ip.src.*` fields.
enum FilterIPTextField: Sendable, Hashable {
    case country
    case countryName
    case continent
    case continentName
    case region
    case city
    case postalCode
    case timezone
    case asnName
    case asnDomain
    case asnType
    case asnCountry
    case service

    func value(_ details: IPDetails) -> String? {
        switch self {
        case .country: details.country
        case .countryName: details.countryName
        case .continent: details.continent
        case .continentName: details.continentName
        case .region: details.region
        case .city: details.city
        case .postalCode: details.postalCode
        case .timezone: details.timezone
        case .asnName: details.asnName
        case .asnDomain: details.asnDomain
        case .asnType: details.asnType
        case .asnCountry: details.asnCountry
        case .service: details.service
        }
    }
}

/// A field whose value is a list of strings; a comparison holds when it holds for any element.
enum FilterListField: Sendable, Hashable {
    case botIDs
    case botCategories
}

/// A field whose value is true or false; `nil` means unknown.
enum FilterFlagField: Sendable, Hashable {
    case hosting
    case vpn
    case proxy
    case tor
    case relay
    case bot

    func value(_ context: RuleContext, _ scratch: inout FilterScratch) -> Bool? {
        switch self {
        case .hosting: return context.ip.hosting
        case .vpn: return context.ip.vpn
        case .proxy: return context.ip.proxy
        case .tor: return context.ip.tor
        case .relay: return context.ip.relay
        case .bot: return scratch.client(context).isBot
        }
    }
}

/// An integer: a field, or the byte length of a string field (`len(…)`).
enum FilterIntegerOperand: Sendable, Hashable {
    case asn
    case accuracyRadius
    case bodySize
    case length(FilterTextField)

    func value(_ context: RuleContext, _ scratch: inout FilterScratch) -> Int? {
        switch self {
        case .asn: return context.ip.asn
        case .accuracyRadius: return context.ip.accuracyRadius
        case .bodySize: return context.request.body?.count
        case .length(let field): return field.value(context, &scratch)?.utf8.count
        }
    }
}

/// A field whose value is a decimal number: latitude and longitude.
enum FilterNumberField: Sendable, Hashable {
    case latitude
    case longitude

    func value(_ context: RuleContext) -> Double? {
        switch self {
        case .latitude: return context.ip.latitude
        case .longitude: return context.ip.longitude
        }
    }
}

/// The kind and accessor of a field, as the parser looks it up by name.
enum FilterFieldKind: Sendable {
    case text(FilterTextField)
    case list(FilterListField)
    case integer(FilterIntegerOperand)
    case number(FilterNumberField)
    case address
    case flag(FilterFlagField)
}

/// The fields of the filter language, by name.
enum FilterFields {
    /// Fields written as a plain name.
    static let named: [String: FilterFieldKind] = [
        "http.host": .text(.host),
        "http.request.method": .text(.method),
        "http.request.uri": .text(.uri),
        "http.request.uri.path": .text(.uriPath),
        "http.request.uri.query": .text(.uriQuery),
        "http.request.full_uri": .text(.fullURI),
        "http.user_agent": .text(.userAgent),
        "http.referer": .text(.referer),
        "http.cookie": .text(.cookies),
        "http.request.body.size": .integer(.bodySize),
        "http.request.bot": .flag(.bot),
        "http.request.bot.ids": .list(.botIDs),
        "http.request.bot.categories": .list(.botCategories),
        "http.request.browser": .text(.browser),
        "ip.src": .address,
        "ip.src.country": .text(.ip(.country)),
        "ip.src.country_name": .text(.ip(.countryName)),
        "ip.src.continent": .text(.ip(.continent)),
        "ip.src.continent_name": .text(.ip(.continentName)),
        "ip.src.region": .text(.ip(.region)),
        "ip.src.city": .text(.ip(.city)),
        "ip.src.postal_code": .text(.ip(.postalCode)),
        "ip.src.timezone": .text(.ip(.timezone)),
        "ip.src.lat": .number(.latitude),
        "ip.src.lon": .number(.longitude),
        "ip.src.accuracy_radius": .integer(.accuracyRadius),
        "ip.src.asnum": .integer(.asn),
        "ip.src.asnum.name": .text(.ip(.asnName)),
        "ip.src.asnum.domain": .text(.ip(.asnDomain)),
        "ip.src.asnum.type": .text(.ip(.asnType)),
        "ip.src.asnum.country": .text(.ip(.asnCountry)),
        "ip.src.service": .text(.ip(.service)),
        "ip.src.hosting": .flag(.hosting),
        "ip.src.vpn": .flag(.vpn),
        "ip.src.proxy": .flag(.proxy),
        "ip.src.tor": .flag(.tor),
        "ip.src.relay": .flag(.relay),
    ]

    /// Fields written with a name in brackets, `http.request.headers["accept"]`.
    static let maps: Set<String> = ["http.request.headers", "http.request.cookie", "http.request.uri.args", "local"]
}

/// Request values as slices of the request's own strings, so that reading them allocates nothing.
enum FilterRequestValues {
    private static let hostField = HTTPField.Name("host")!

    /// The host without a port: the request line's authority, or the `Host` header.
    static func host(_ head: HTTPRequest) -> Substring? {
        guard let authority = head.authority ?? header(hostField, in: head.headerFields).map({ String($0) }) else {
            return nil
        }
        let text = Substring(authority)
        if text.utf8.first == UInt8(ascii: "[") {
            guard let close = text.utf8.firstIndex(of: UInt8(ascii: "]")) else { return text }
            return text[...close]
        }
        guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) else { return text }
        return text[..<colon]
    }

    /// `scheme://authority/path?query`, when the request has an authority or a `Host` header.
    static func fullURI(_ head: HTTPRequest) -> Substring? {
        guard let authority = head.authority ?? header(hostField, in: head.headerFields).map({ String($0) }) else {
            return nil
        }
        return Substring((head.scheme ?? "https") + "://" + authority + (head.path ?? "/"))
    }

    /// The header's value: the field itself when there is one, the fields joined (`, `, or `; ` for
    /// cookies) when there are several, `nil` when there is none.
    static func header(_ name: HTTPField.Name, in fields: HTTPFields) -> Substring? {
        var first: Substring?
        var joined: String?
        for field in fields where field.name == name {
            guard let earlier = first else {
                first = Substring(field.value)
                continue
            }
            let separator: String = name == .cookie ? "; " : ", "
            if joined == nil { joined = String(earlier) }
            joined?.append(separator)
            joined?.append(field.value)
        }
        if let joined { return Substring(joined) }
        return first
    }
}
