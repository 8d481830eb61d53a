import Foundation
import HTTPTypes
import Testing

@testable import Bulwark

@Suite("IP analysis")
struct IPAnalysisTests {
    // MARK: Layouts

    @Test("GeoIP2 City layout (also DB-IP Lite)")
    func geoIP2City() {
        let record = MMDBValue.map([
            "city": .map(["names": .map(["en": .string("Zürich"), "de": .string("Zürich")])]),
            "continent": .map(["code": .string("EU"), "names": .map(["en": .string("Europe")])]),
            "country": .map(["iso_code": .string("CH"), "names": .map(["en": .string("Switzerland")])]),
            "location": .map([
                "latitude": .double(47.3682), "longitude": .double(8.5671), "accuracy_radius": .uint16(20),
                "time_zone": .string("Europe/Zurich"),
            ]),
            "postal": .map(["code": .string("8001")]),
            "subdivisions": .array([.map(["iso_code": .string("ZH"), "names": .map(["en": .string("Zurich")])])]),
            "traits": .map(["is_anonymous_proxy": .bool(false)]),
        ])
        var details = IPDetails()
        details.apply(record)
        #expect(details.city == "Zürich")
        #expect(details.country == "CH")
        #expect(details.countryName == "Switzerland")
        #expect(details.continent == "EU")
        #expect(details.continentName == "Europe")
        #expect(details.region == "Zurich")
        #expect(details.latitude == 47.3682)
        #expect(details.longitude == 8.5671)
        #expect(details.accuracyRadius == 20)
        #expect(details.timezone == "Europe/Zurich")
        #expect(details.postalCode == "8001")
        #expect(details.proxy == false)
        #expect(details.vpn == nil)
    }

    @Test("GeoLite2 ASN and Anonymous IP layouts")
    func asnAndAnonymous() {
        var details = IPDetails()
        details.apply(
            .map(["autonomous_system_number": .uint32(15169), "autonomous_system_organization": .string("GOOGLE")])
        )
        #expect(details.asn == 15169)
        #expect(details.asnName == "GOOGLE")
        details.apply(
            .map([
                "is_anonymous": .bool(true), "is_anonymous_vpn": .bool(true), "is_hosting_provider": .bool(true),
                "is_public_proxy": .bool(false), "is_residential_proxy": .bool(true), "is_tor_exit_node": .bool(false),
            ])
        )
        #expect(details.isVpn())
        #expect(details.isHosting())
        #expect(details.isProxy())
        #expect(details.tor == false)
        #expect(details.asn == 15169)
    }

    @Test("IPinfo Lite layout: country is a name there, and asn a string")
    func ipinfoLite() {
        var details = IPDetails()
        details.apply(
            .map([
                "asn": .string("AS13335"), "as_name": .string("Cloudflare, Inc."),
                "as_domain": .string("cloudflare.com"),
                "country_code": .string("AU"), "country": .string("Australia"), "continent_code": .string("OC"),
                "continent": .string("Oceania"),
            ])
        )
        #expect(details.asn == 13335)
        #expect(details.asnName == "Cloudflare, Inc.")
        #expect(details.asnDomain == "cloudflare.com")
        #expect(details.country == "AU")
        #expect(details.countryName == "Australia")
        #expect(details.continent == "OC")
        #expect(details.continentName == "Oceania")
    }

    @Test("Bulwark's bundled layout")
    func bundledLayout() {
        var details = IPDetails()
        details.apply(
            .map([
                "country": .string("US"), "country_name": .string("United States"), "continent": .string("NA"),
                "continent_name": .string("North America"), "asn": .uint32(16509),
                "service": .string("Amazon Web Services"),
                "hosting": .bool(true),
            ])
        )
        #expect(details.country == "US")
        #expect(details.countryName == "United States")
        #expect(details.continent == "NA")
        #expect(details.asn == 16509)
        #expect(details.service == "Amazon Web Services")
        #expect(details.isHosting())
        #expect(details.vpn == nil)
    }

    @Test("records that are not maps, or have fields of the wrong type, change nothing")
    func wrongShapes() {
        var details = IPDetails(address: "1.2.3.4")
        details.apply(.string("US"))
        details.apply(
            .map(["country": .uint32(1), "location": .string("x"), "asn": .bool(true), "vpn": .string("yes")])
        )
        #expect(details == IPDetails(address: "1.2.3.4"))
    }

    @Test("later sources overwrite what they know and keep the rest")
    func mergeOrder() {
        var first = IPDetails(address: "8.8.8.8")
        first.vpn = false
        first.hosting = false
        var bundled = IPDetails()
        bundled.country = "US"
        bundled.hosting = true
        first.merge(bundled)
        #expect(first.address == "8.8.8.8")
        #expect(first.country == "US")
        #expect(first.hosting == true)
        #expect(first.vpn == false)
        var city = IPDetails()
        city.city = "Mountain View"
        city.country = "CA"
        first.merge(city)
        #expect(first.city == "Mountain View")
        #expect(first.country == "CA")
        #expect(first.hosting == true)
        #expect(first.address == "8.8.8.8")
    }

    // MARK: Bundled data

    struct Expectation: Decodable {
        let address: String
        let none: Bool?
        let country: String?
        let hosting: Bool?
        let vpn: Bool?
        let proxy: Bool?
        let tor: Bool?
        let relay: Bool?
        let asn: Int?
        let service: String?
    }

    @Test("the bundled data answers country and networks for well-known public addresses")
    func bundledExpectations() throws {
        #expect(BundledIPData.shared.loadError == nil)
        let url = BotCorpus.fixtures.appendingPathComponent("ip-data-expectations.json")
        let expectations = try JSONDecoder().decode([Expectation].self, from: Data(contentsOf: url))
        #expect(expectations.count >= 20)
        let analyzer = IPAnalyzer()
        for expectation in expectations {
            let address = try #require(IPAddress(expectation.address))
            let details = analyzer.details(for: address)
            #expect(details.address == address.description)
            if expectation.none == true {
                #expect(details.country == nil, "\(expectation.address)")
                #expect(details.vpn == nil, "\(expectation.address): a private address has no data")
                continue
            }
            if let country = expectation.country { #expect(details.country == country, "\(expectation.address)") }
            if let value = expectation.hosting { #expect(details.isHosting() == value, "\(expectation.address)") }
            if let value = expectation.vpn { #expect(details.isVpn() == value, "\(expectation.address)") }
            if let value = expectation.proxy { #expect(details.isProxy() == value, "\(expectation.address)") }
            if let value = expectation.tor { #expect(details.isTor() == value, "\(expectation.address)") }
            if let value = expectation.relay { #expect(details.isRelay() == value, "\(expectation.address)") }
            if let value = expectation.asn { #expect(details.asn == value, "\(expectation.address)") }
            if let value = expectation.service { #expect(details.service == value, "\(expectation.address)") }
            // Every global address is somewhere: the country layer covers all allocated space.
            #expect(details.vpn != nil && details.tor != nil, "\(expectation.address): flags are known")
        }
        // A few answers asserted here, independently of the generator.
        #expect(analyzer.details(for: IPAddress("8.8.8.8")).country == "US")
        #expect(analyzer.details(for: IPAddress("2001:4860:4860::8888")).country == "US")
        #expect(analyzer.details(for: IPAddress("10.1.2.3")).country == nil)
        #expect(analyzer.details(for: nil) == IPDetails())
    }

    @Test("a decision carries the client's IP details, and a disabled analyzer carries the address only")
    func decisionCarriesDetails() async throws {
        let request = BulwarkRequest(
            head: HTTPRequest(method: .get, scheme: "http", authority: "example.com", path: "/"),
            remoteAddress: IPAddress("8.8.8.8")
        )
        let bulwark = try Bulwark(rules: [])
        let decision = await bulwark.protect(request)
        #expect(decision.ip.address == "8.8.8.8")
        #expect(decision.ip.country == "US")
        #expect(decision.ip.isVpn() == false)
        let json = String(decoding: try JSONEncoder().encode(decision), as: UTF8.self)
        #expect(json.contains("\"country\":\"US\""))

        var options = BulwarkOptions()
        options.ipAnalyzer = .disabled
        let plain = await (try Bulwark(rules: [], options: options)).protect(request)
        #expect(plain.ip == IPDetails(address: "8.8.8.8"))
    }

    // MARK: Files

    @Test(
        "a data source from a file answers, and reloads when the file is replaced",
        .enabled(if: MMDBReaderTests.shouldRun)
    )
    func reloads() throws {
        let written = MMDBReaderTests.directory.appendingPathComponent("written")
        let files = try FileManager.default.contentsOfDirectory(atPath: written.path).filter { $0.hasSuffix(".mmdb") }
            .sorted()
        let city = try #require(files.first { $0.lowercased().contains("city") })
        let asn = try #require(files.first { $0.lowercased().contains("asn") })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-mmdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let live = folder.appendingPathComponent("live.mmdb")
        try FileManager.default.copyItem(at: written.appendingPathComponent(city), to: live)
        let source = try MMDBDataSource(path: live.path)
        let cityType = source.metadata.databaseType
        #expect(try source.reloadIfChanged() == false)

        // Replace the file the way geoipupdate does: write a new one, rename it over the old.
        let staged = folder.appendingPathComponent("staged.mmdb")
        try FileManager.default.copyItem(at: written.appendingPathComponent(asn), to: staged)
        #expect(rename(staged.path, live.path) == 0)
        #expect(try source.reloadIfChanged() == true)
        #expect(source.metadata.databaseType != cityType)

        // A damaged replacement is refused, and the file in use stays in use.
        let broken = folder.appendingPathComponent("broken.mmdb")
        try Data("not a database".utf8).write(to: broken)
        #expect(rename(broken.path, live.path) == 0)
        #expect(throws: MMDBError.self) { try source.reloadIfChanged() }
        #expect(source.metadata.databaseType != cityType)
    }

    @Test("opening a missing, empty or foreign file is an error that names it")
    func badFiles() throws {
        #expect(throws: MMDBError.self) { try MMDBDataSource(path: "/nonexistent/GeoLite2-City.mmdb") }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent(
            "bulwark-empty-\(UUID().uuidString).mmdb"
        )
        try Data().write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        do {
            _ = try MMDBReader(path: empty.path)
            Issue.record("an empty file opened")
        } catch {
            #expect(error.message.contains(empty.path))
        }
        do {
            _ = try MMDBReader(path: "/etc/hostname")
            Issue.record("a text file opened")
        } catch {
            #expect(error.message.contains("not a MaxMind DB"))
        }
        #expect(throws: MMDBError.self) { try MMDBReader(path: "/tmp") }
    }
}
