import Foundation
import Testing

@testable import Bulwark

/// The catalogue measured on user agents it must recognise: the examples of crawler-user-agents
/// (a fixture the catalogue script writes) and, when the shared corpora are beside the checkout,
/// every accepted and rejected instance of well-known-bots.
@Suite("Bot catalogue on real user agents")
struct BotCorpusTests {
    let classifier = UserAgentClassifier(catalogue: .bundled, cacheCapacity: 0)

    @Test("every crawler-user-agents example is detected as its bot")
    func crawlerUserAgents() throws {
        let text = try String(
            contentsOf: BotCorpus.fixtures.appendingPathComponent("crawler-user-agents-examples.tsv"),
            encoding: .utf8
        )
        var count = 0
        var misses: [String] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard fields.count == 2 else { continue }
            count += 1
            let client = classifier.classifyUncached(fields[1])
            if !client.bots.contains(fields[0]) { misses.append("\(fields[0]) \(client.bots): \(fields[1])") }
        }
        #expect(count > 2000)
        #expect(misses.isEmpty, "\(misses.count) missed, e.g. \(misses.prefix(10))")
    }

    @Test(
        "well-known-bots: every accepted instance is its bot, no rejected one is",
        .enabled(if: BotCorpus.wellKnownBots != nil)
    )
    func wellKnownBots() throws {
        struct Entry: Decodable {
            struct Instances: Decodable {
                let accepted: [String]
                let rejected: [String]
            }
            let id: String
            let instances: Instances
        }
        let entries = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: BotCorpus.wellKnownBots!))
        var accepted = 0
        var misses: [String] = []
        var wrongly: [String] = []
        for entry in entries {
            let id = entry.id.uppercased().replacingOccurrences(of: "-", with: "_")
            for userAgent in entry.instances.accepted {
                accepted += 1
                let client = classifier.classifyUncached(userAgent)
                if !client.bots.contains(id) { misses.append("\(id) \(client.bots): \(userAgent)") }
            }
            for userAgent in entry.instances.rejected where classifier.classifyUncached(userAgent).bots.contains(id) {
                wrongly.append("\(id): \(userAgent)")
            }
        }
        #expect(accepted > 1000)
        #expect(misses.isEmpty, "\(misses.count) missed, e.g. \(misses.prefix(10))")
        #expect(wrongly.isEmpty, "\(wrongly)")
    }
}

enum BotCorpus {
    static let fixtures = TestData.fixtures

    static var wellKnownBots: URL? { TestData.sharedCorpus("bots/well-known-bots.json") }
}
