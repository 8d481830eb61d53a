import Bulwark
import BulwarkTesting
import Foundation
import HTTPTypes
import Testing

/// Shield measured on the shared attack and benign corpora (`../shared/corpora/waf` beside the
/// checkout, or `BULWARK_CORPORA`). The floors and ceilings are the figures reached when the
/// detector was written, so a change that loses detection or adds false positives fails here;
/// `scripts/peers/run.py` prints the full table beside ModSecurity and libinjection.
///
/// Each corpus is scored on a thread of its own (`onOwnThread`): tens of seconds of CPU work in a
/// task would hold one of Swift's two shared threads, and the tests that time an `await` beside it
/// would read the wait as their own.
@Suite("Shield on the WAF corpora", .enabled(if: ShieldCorpus.directory != nil))
struct ShieldCorpusTests {
    let shield = Shield()

    @Test("HttpParams: attack values detected, ordinary values pass")
    func httpParams() async throws {
        let rows = try ShieldCorpus.csvRows("httpparams-train.csv").dropFirst()
        let shield = self.shield
        let totals = try await onOwnThread {
            var totals: [String: CorpusTally] = [:]
            for row in rows where row.count >= 3 {
                totals[row[2], default: CorpusTally()].add(!shield.inspect(value: row[0]).isEmpty)
            }
            return totals
        }
        let floors = ["sqli": 0.96, "xss": 0.88, "cmdi": 0.70, "path-traversal": 0.60]
        for (category, floor) in floors {
            let total = try #require(totals[category])
            #expect(Double(total.hits) / Double(total.count) >= floor, "\(category): \(total)")
        }
        let benign = try #require(totals["norm"])
        #expect(Double(benign.hits) / Double(benign.count) <= 0.001, "norm: \(benign)")
    }

    @Test("libinjection's SQLi and XSS payloads detected, its look-alikes mostly pass")
    func libinjection() async throws {
        let directory = ShieldCorpus.directory!.appendingPathComponent("libinjection-data")
        let shield = self.shield
        let (sqli, xss, benign) = try await onOwnThread {
            var sqli = CorpusTally()
            var xss = CorpusTally()
            var benign = CorpusTally()
            for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".txt")
            {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .isoLatin1)
                for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") && !line.isEmpty {
                    let detected = !shield.inspect(BulwarkRequest(path: "/?q=" + line)).isEmpty
                    if file == "false_positives.txt" {
                        benign.add(detected)
                    } else if file.hasPrefix("sqli-") {
                        sqli.add(detected)
                    } else if file.hasPrefix("xss-") {
                        xss.add(detected)
                    }
                }
            }
            return (sqli, xss, benign)
        }
        #expect(Double(sqli.hits) / Double(sqli.count) >= 0.95, "sqli: \(sqli)")
        #expect(Double(xss.hits) / Double(xss.count) >= 0.92, "xss: \(xss)")
        #expect(Double(benign.hits) / Double(benign.count) <= 0.03, "false positives: \(benign)")
    }

    @Test("blazehttp: whole attack requests denied, real browser traffic passes")
    func blazehttp() async throws {
        let url = ShieldCorpus.directory!.appendingPathComponent("blazehttp-dev.jsonl")
        let shield = self.shield
        let (attacks, benign) = try await onOwnThread {
            var attacks = CorpusTally()
            var benign = CorpusTally()
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    continue
                }
                var fields = HTTPFields()
                for (name, value) in object["headers"] as? [String: String] ?? [:] {
                    if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
                }
                let request = BulwarkRequest(
                    method: HTTPRequest.Method(object["method"] as? String ?? "GET") ?? .get,
                    path: object["url"] as? String ?? "/",
                    headers: fields,
                    remoteAddress: "203.0.113.7",
                    body: (object["body"] as? String).map { Array($0.utf8) }
                )
                let detected = !shield.inspect(request).isEmpty
                if object["label"] as? String == "attack" { attacks.add(detected) } else { benign.add(detected) }
            }
            return (attacks, benign)
        }
        #expect(Double(attacks.hits) / Double(attacks.count) >= 0.90, "attacks: \(attacks)")
        #expect(Double(benign.hits) / Double(benign.count) <= 0.003, "false positives: \(benign)")
    }
}

/// How many rows a corpus check read, and how many of them Shield flagged.
struct CorpusTally: Sendable, CustomStringConvertible {
    var count = 0
    var hits = 0

    mutating func add(_ detected: Bool) {
        count += 1
        if detected { hits += 1 }
    }

    var description: String { "\(hits) of \(count)" }
}

enum ShieldCorpus {
    /// `BULWARK_CORPORA`, or `../shared/corpora/waf` beside the checkout; `nil` when absent.
    static let directory: URL? = {
        let candidates = [
            ProcessInfo.processInfo.environment["BULWARK_CORPORA"].map { URL(fileURLWithPath: $0) },
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpora/waf"),
        ]
        return candidates.compactMap { $0 }.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("httpparams-train.csv").path)
        }
    }()

    /// The rows of a CSV file with quoted fields (`""` for a quote inside one).
    static func csvRows(_ name: String) throws -> [[String]] {
        let text = try String(contentsOf: directory!.appendingPathComponent(name), encoding: .utf8)
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    quoted = false
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                if !field.isEmpty { field.append("\"") }
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\n" || character == "\r\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(character)
            }
        }
        if !row.isEmpty || !field.isEmpty { rows.append(row + [field]) }
        return rows
    }
}
