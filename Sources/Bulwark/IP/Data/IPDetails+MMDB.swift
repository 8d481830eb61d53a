extension IPDetails {
    /// Copies what a MaxMind DB record says into these details, whatever the database's layout.
    ///
    /// The layouts are told apart by their keys, so one mapping serves them all:
    /// - GeoIP2 and GeoLite2 City and Country, and DB-IP Lite (which uses the same layout): `country`,
    ///   `continent`, `city`, `subdivisions`, `location` and `postal` maps, and `traits`;
    /// - GeoLite2 ASN: `autonomous_system_number` and `autonomous_system_organization`;
    /// - GeoIP2 Anonymous IP: `is_anonymous_vpn`, `is_hosting_provider`, `is_public_proxy`,
    ///   `is_residential_proxy` and `is_tor_exit_node`;
    /// - IPinfo Lite: `asn` (`"AS15169"`), `as_name`, `as_domain`, `country_code`, `country` (a name),
    ///   `continent_code` and `continent` (a name);
    /// - Bulwark's bundled data: flat `country`, `country_name`, `continent`, `continent_name`, `asn`,
    ///   `asn_name`, `asn_domain`, `asn_type`, `service` and the booleans `hosting`, `vpn`, `proxy`,
    ///   `tor` and `relay`.
    mutating func apply(_ record: MMDBValue) {
        guard case .map(let map) = record else { return }
        // Country and continent: a map (GeoIP2 layout) or flat strings (IPinfo and bundled layouts).
        switch map["country"] {
        case .map(let country):
            if let code = country["iso_code"]?.string { self.country = code }
            if let name = (country["names"]?["en"])?.string { countryName = name }
        case .string(let value):
            if let code = map["country_code"]?.string {
                country = code
                countryName = value
            } else {
                country = value
            }
        default:
            if let code = map["country_code"]?.string { country = code }
        }
        if let name = map["country_name"]?.string { countryName = name }
        switch map["continent"] {
        case .map(let continent):
            if let code = continent["code"]?.string { self.continent = code }
            if let name = (continent["names"]?["en"])?.string { continentName = name }
        case .string(let value):
            if let code = map["continent_code"]?.string {
                continent = code
                continentName = value
            } else {
                continent = value
            }
        default:
            if let code = map["continent_code"]?.string { continent = code }
        }
        if let name = map["continent_name"]?.string { continentName = name }
        if let name = (map["city"]?["names"]?["en"])?.string { city = name }
        if let name = (map["subdivisions"]?[0]?["names"]?["en"])?.string { region = name }
        if let name = map["region"]?.string { region = name }
        if let location = map["location"] {
            if let value = location["latitude"]?.double { latitude = value }
            if let value = location["longitude"]?.double { longitude = value }
            if let value = location["accuracy_radius"]?.int { accuracyRadius = value }
            if let value = location["time_zone"]?.string { timezone = value }
        }
        if let code = (map["postal"]?["code"])?.string { postalCode = code }
        // Autonomous system: GeoLite2 ASN, GeoIP2 traits, IPinfo ("AS15169") and bundled layouts.
        let traits = map["traits"]
        if let number = (map["autonomous_system_number"] ?? traits?["autonomous_system_number"])?.int {
            asn = number
        }
        if let name = (map["autonomous_system_organization"] ?? traits?["autonomous_system_organization"])?.string {
            asnName = name
        }
        switch map["asn"] {
        case .string(let text):
            let digits = text.hasPrefix("AS") || text.hasPrefix("as") ? text.dropFirst(2) : Substring(text)
            if let number = Int(digits) { asn = number }
        case let value?:
            if let number = value.int { asn = number }
        case nil: break
        }
        if let name = (map["as_name"] ?? map["asn_name"])?.string { asnName = name }
        if let domain = (map["as_domain"] ?? map["asn_domain"])?.string { asnDomain = domain }
        if let kind = (map["asn_type"] ?? map["as_type"])?.string { asnType = kind }
        if let code = map["asn_country"]?.string { asnCountry = code }
        if let name = map["service"]?.string { service = name }
        // Anonymisers: GeoIP2 Anonymous IP (top level or in traits) and the bundled booleans.
        func flag(_ keys: String...) -> Bool? {
            var found: Bool?
            for key in keys {
                if let value = (map[key] ?? traits?[key])?.bool { found = (found ?? false) || value }
            }
            return found
        }
        if let value = flag("is_hosting_provider", "hosting") { hosting = value }
        if let value = flag("is_anonymous_vpn", "vpn") { vpn = value }
        if let value = flag("is_public_proxy", "is_residential_proxy", "is_anonymous_proxy", "proxy") { proxy = value }
        if let value = flag("is_tor_exit_node", "tor") { tor = value }
        if let value = flag("relay") { relay = value }
    }
}
