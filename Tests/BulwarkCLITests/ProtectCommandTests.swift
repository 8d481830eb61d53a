import Foundation
import Testing

/// Runs the real `bulwark` executable, as a user or an outside check would.
enum BulwarkProcess {
    static var executable: URL {
        // The test bundle sits beside the products in the build folder.
        var directory = Bundle.main.bundleURL
        for _ in 0..<3 where !FileManager.default.fileExists(atPath: directory.appendingPathComponent("bulwark").path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("bulwark")
    }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String

        var lines: [[String: Any]] {
            stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    static func run(_ arguments: [String], input: String) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self)
        )
    }

    /// Runs `bulwark <command> --rules <file>` with `json` written to a temporary rules file, which is
    /// removed when the process has exited.
    static func run(_ command: String, rules json: String, input: String) throws -> Output {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "bulwark-rules-\(UUID().uuidString).json"
        )
        try Data(json.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try run([command, "--rules", url.path], input: input)
    }
}

@Suite("bulwark protect")
struct ProtectCommandTests {
    @Test("a token bucket is exact on the simulated clock given by each line's time")
    func tokenBucketReplay() throws {
        let rules =
            #"{"rules":[{"type":"tokenBucket","mode":"LIVE","characteristics":["userId"],"refillRate":1,"interval":60,"capacity":3}]}"#
        var input = ""
        // 5 requests at t0 (3 admitted), 1 at t0+59 (denied), 2 at t0+60 (1 admitted: one refill), 4 at
        // t0+180 (2 admitted: two more refills since t0+60).
        let times = Array(repeating: 0, count: 5) + [59, 60, 60] + Array(repeating: 180, count: 4)
        for (index, offset) in times.enumerated() {
            input +=
                #"{"id":"r\#(index)","ip":"8.8.8.8","characteristics":{"userId":"u1"},"time":\#(1_700_000_000 + offset)}"#
                + "\n"
        }
        let output = try BulwarkProcess.run("protect", rules: rules, input: input)
        #expect(output.status == 0)
        let lines = output.lines
        #expect(lines.map { $0["requestId"] as? String } == times.indices.map { "r\($0)" })
        let conclusions = lines.map { $0["conclusion"] as? String ?? "?" }
        #expect(
            conclusions == [
                "ALLOW", "ALLOW", "ALLOW", "DENY", "DENY", "DENY", "ALLOW", "DENY", "ALLOW", "ALLOW", "DENY", "DENY",
            ]
        )
        let firstDenial = try #require(lines[3]["reason"] as? [String: Any])
        #expect(firstDenial["type"] as? String == "RATE_LIMIT")
        #expect(firstDenial["reset"] as? Int == 60)
        #expect(firstDenial["max"] as? Int == 3)
        #expect(lines.allSatisfy { ($0["id"] as? String)?.hasPrefix("lreq_") == true })
    }

    @Test("fixed and sliding windows replay exactly")
    func windowsReplay() throws {
        let rules =
            #"""
            {"rules":[{"type":"fixedWindow","mode":"LIVE","window":"1m","max":2,"characteristics":["http.request.headers[\"x-key\"]"]},
                      {"type":"slidingWindow","mode":"LIVE","interval":60,"max":2,"characteristics":["http.request.headers[\"x-key\"]"]}]}
            """#
        // t0 is a multiple of 60. Fixed window: 2 per minute; sliding window: 2 per rolling minute,
        // the previous minute weighted by the part of it still inside the interval.
        let t0 = 1_700_000_040
        let times = [0, 1, 2, 60, 61, 62, 120, 121, 150, 151]
        let input = times.enumerated().map { index, offset in
            #"{"id":"\#(index)","ip":"8.8.8.8","headers":{"x-key":"k"},"time":\#(t0 + offset)}"#
        }.joined(separator: "\n")
        let lines = try BulwarkProcess.run("protect", rules: rules, input: input).lines
        #expect(
            lines.map { $0["conclusion"] as? String }
                == ["ALLOW", "ALLOW", "DENY", "DENY", "ALLOW", "DENY", "ALLOW", "ALLOW", "DENY", "DENY"]
        )
        let deciders = lines.map { line in
            (line["results"] as? [[String: Any]])?.first { $0["conclusion"] as? String == "DENY" }?["type"] as? String
        }
        // t0+2: the fixed window is full. t0+60: the sliding window still weighs the first minute's 2
        // fully. t0+61: 2 × 59/60 rounds down to 1, so one fits.
        #expect(
            deciders == [
                nil, nil, "fixedWindow", "slidingWindow", nil, "fixedWindow", nil, nil, "fixedWindow", "fixedWindow",
            ]
        )
        let notRun = (lines[2]["results"] as? [[String: Any]])?.last?["state"] as? String
        #expect(notRun == "NOT_RUN")
    }

    @Test("DRY_RUN rules report DENY without denying; proxies decide the client address")
    func dryRunAndProxies() throws {
        let rules =
            #"{"rules":[{"type":"fixedWindow","mode":"DRY_RUN","window":3600,"max":1}],"proxies":["10.0.0.0/8"]}"#
        let input = """
            {"id":"a","ip":"10.1.1.1","headers":{"x-forwarded-for":"6.6.6.6, 8.8.8.8"},"time":1700000000}
            {"id":"b","ip":"10.2.2.2","headers":{"x-forwarded-for":"8.8.8.8"},"time":1700000001}
            {"id":"c","ip":"9.9.9.9","headers":{"x-forwarded-for":"8.8.8.8"},"time":1700000002}
            """
        let lines = try BulwarkProcess.run("protect", rules: rules, input: input).lines
        #expect(lines.map { $0["conclusion"] as? String } == ["ALLOW", "ALLOW", "ALLOW"])
        let states = lines.map { (($0["results"] as? [[String: Any]])?.first?["state"] as? String) }
        #expect(states == ["DRY_RUN", "DRY_RUN", "DRY_RUN"])
        let ruleConclusions = lines.map { (($0["results"] as? [[String: Any]])?.first?["conclusion"] as? String) }
        #expect(ruleConclusions == ["ALLOW", "DENY", "ALLOW"])  // c is 9.9.9.9: its header is not believed
        #expect(lines.map { ($0["ip"] as? [String: Any])?["address"] as? String } == ["8.8.8.8", "8.8.8.8", "9.9.9.9"])
    }

    @Test("a malformed line gives an ERROR decision with the line number, and the run goes on")
    func malformedLines() throws {
        let rules =
            #"{"rules":[{"type":"fixedWindow","mode":"LIVE","window":60,"max":100}]}"#
        let input = [
            #"{"id":"ok1","ip":"8.8.8.8"}"#,
            #"{"id": "#,
            #"[1,2,3]"#,
            #"{"ip":"8.8.8.8"}"#,
            #"{"id":"badip","ip":"999.1.1.1"}"#,
            #"{"id":"badheaders","headers":"x"}"#,
            #"{"id":"badrequested","ip":"8.8.8.8","requested":-1}"#,
            #"{"id":"badtime","ip":"8.8.8.8","time":"noon"}"#,
            #"{"id":12,"ip":"8.8.8.8","extra":{"ignored":true}}"#,
            "",
            #"{"id":"ok2","ip":"8.8.8.8"}"#,
        ].joined(separator: "\n")
        let output = try BulwarkProcess.run("protect", rules: rules, input: input)
        #expect(output.status == 0)
        let lines = output.lines
        #expect(
            lines.map { $0["requestId"] as? String }
                == ["ok1", "2", "3", "4", "badip", "badheaders", "badrequested", "badtime", "12", "ok2"]
        )
        #expect(
            lines.map { $0["conclusion"] as? String }
                == ["ALLOW", "ERROR", "ERROR", "ERROR", "ERROR", "ERROR", "ERROR", "ERROR", "ALLOW", "ALLOW"]
        )
        let message = (lines[4]["reason"] as? [String: Any])?["message"] as? String
        #expect(message?.contains("field 'ip'") == true)
        #expect(lines.allSatisfy { ($0["id"] as? String)?.hasPrefix("lreq_") == true })
    }

    @Test(
        "an invalid rules file exits 2 with a message naming the rule",
        arguments: [
            (
                #"{"rules":[{"type":"fixedWindow","mode":"LIVE","window":60,"max":1},{"type":"tokenBucket","mode":"LIVE","refillRate":0,"interval":60,"capacity":5}]}"#,
                "rule 1 (tokenBucket), field 'refillRate'"
            ),
            (#"{"rules":[{"type":"nope"}]}"#, "rule 0 (nope), field 'type'"),
            (
                #"{"rules":[{"type":"filter","mode":"LIVE","deny":["ip.src.vpn","ip.src.country eq US"]}]}"#,
                "rule 0 (filter), field 'deny[1]': line 1, column 19: expected a string in double quotes after 'eq'"
                    + " (ip.src.country is a string), found 'US'\nip.src.country eq US\n                  ^"
            ),
            (#"{"rules": [ "#, "not valid JSON"),
        ]
    )
    func invalidRules(json: String, expected: String) throws {
        let output = try BulwarkProcess.run("protect", rules: json, input: "")
        #expect(output.status == 2)
        #expect(output.stderr.contains(expected), "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test("a filter rule reads the request line's headers, url, ip and filterLocal")
    func filterRule() throws {
        let rules =
            #"""
            {"rules":[{"type":"filter","mode":"LIVE","deny":[
              "local.plan eq \"free\" and starts_with(http.request.uri.path, \"/api/\")",
              "lower(http.request.headers[\"x-client\"]) contains \"scanner\"",
              "ip.src in {192.0.2.0/24}"
            ]}]}
            """#
        let input = [
            #"{"id":"free-api","ip":"8.8.8.8","url":"/api/items","filterLocal":{"plan":"free"}}"#,
            #"{"id":"paid-api","ip":"8.8.8.8","url":"/api/items","filterLocal":{"plan":"pro"}}"#,
            #"{"id":"scanner","ip":"8.8.8.8","url":"/","headers":{"x-client":"Evil-SCANNER/1"}}"#,
            #"{"id":"listed","ip":"192.0.2.77","url":"/"}"#,
        ].joined(separator: "\n")
        let output = try BulwarkProcess.run("protect", rules: rules, input: input)
        #expect(output.status == 0)
        let lines = output.lines
        #expect(lines.map { $0["requestId"] as? String } == ["free-api", "paid-api", "scanner", "listed"])
        #expect(lines.map { $0["conclusion"] as? String } == ["DENY", "ALLOW", "DENY", "DENY"])
        let reason = try #require(lines.first?["reason"] as? [String: Any])
        #expect(reason["type"] as? String == "FILTER")
        #expect(
            reason["matchedExpressions"] as? [String]
                == [#"local.plan eq "free" and starts_with(http.request.uri.path, "/api/")"#]
        )
    }

    @Test("sensitive information and email rules read the request line's sensitiveInfoValue and email")
    func sensitiveInfoAndEmail() throws {
        let rules =
            #"""
            {"rules":[
              {"type":"detectSensitiveInfo","mode":"LIVE","deny":["CREDIT_CARD_NUMBER"]},
              {"type":"validateEmail","mode":"LIVE","deny":["DISPOSABLE","INVALID"]}
            ]}
            """#
        let input = [
            #"{"id":"card","ip":"8.8.8.8","sensitiveInfoValue":"pay with 4111-1111-1111-1111","email":"ada@example.org"}"#,
            #"{"id":"disposable","ip":"8.8.8.8","sensitiveInfoValue":"hello","email":"ada@mailinator.com"}"#,
            #"{"id":"fine","ip":"8.8.8.8","sensitiveInfoValue":"mail me at ada@example.org","email":"ada@example.org"}"#,
        ].joined(separator: "\n")
        let output = try BulwarkProcess.run("protect", rules: rules, input: input)
        #expect(output.status == 0)
        let lines = output.lines
        #expect(lines.map { $0["conclusion"] as? String } == ["DENY", "DENY", "ALLOW"])
        let card = try #require(lines.first?["reason"] as? [String: Any])
        #expect(card["type"] as? String == "SENSITIVE_INFO")
        let denied = card["denied"] as? [[String: Any]]
        #expect(denied?.first?["identifiedType"] as? String == "CREDIT_CARD_NUMBER")
        #expect(denied?.first?["start"] as? Int == 9)
        #expect(denied?.first?["end"] as? Int == 28)
        let disposable = try #require(lines.dropFirst().first?["reason"] as? [String: Any])
        #expect(disposable["type"] as? String == "EMAIL")
        #expect(disposable["emailTypes"] as? [String] == ["DISPOSABLE"])
        #expect(!output.stdout.contains("4111"), "the scanned text never reaches the output")
    }

    @Test("a missing rules file exits 2")
    func missingRules() throws {
        let output = try BulwarkProcess.run(["protect", "--rules", "/nonexistent/rules.json"], input: "")
        #expect(output.status == 2)
        #expect(output.stderr.contains("cannot read rules file"))
    }
}
