import Foundation
import Testing

@testable import Bulwark

/// The MaxMind DB reader against MaxMind's own test databases (broken and malicious ones included) and
/// databases written with PyPI `mmdb-writer`, compared lookup by lookup with MaxMind's reference
/// Python reader. `scripts/ip/test-data.py` prepares them in `.build/ip-test-data` (CI runs it); the
/// tests are skipped where that has not been run, unless `BULWARK_REQUIRE_SERVICES=1`.
///
/// The tests are CPU-bound for seconds, so they run one at a time, yield as they go and parse the
/// 11 MB of answers on a thread of their own: on a 2-core machine they would otherwise hold both of
/// the concurrency pool's threads and make the DNS tests' timeouts fire late.
@Suite("MaxMind DB reader", .serialized)
struct MMDBReaderTests {
    static let directory: URL =
        ProcessInfo.processInfo.environment["BULWARK_IP_TEST_DATA"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../.build/ip-test-data"
        ).standardizedFileURL

    static var expectedFile: URL { directory.appendingPathComponent("expected.json") }

    static var shouldRun: Bool {
        DNSMasq.isRequired || FileManager.default.fileExists(atPath: expectedFile.path)
    }

    /// The reference answers, read once the test asks, on a thread outside the concurrency pool.
    struct Expected: @unchecked Sendable {
        let databases: [[String: Any]]

        private init(databases: [[String: Any]]) { self.databases = databases }

        static func load() async throws -> Expected {
            try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(
                        with: Result {
                            let data = try Data(contentsOf: MMDBReaderTests.expectedFile)
                            let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                            return Expected(databases: root?["databases"] as? [[String: Any]] ?? [])
                        }
                    )
                }
            }
        }
    }

    @Test("agrees with the reference reader on every database and lookup", .enabled(if: shouldRun))
    func agreesWithReference() async throws {
        let expected = try await Expected.load()
        #expect(expected.databases.count >= 20)
        var lookups = 0
        var refused = 0
        for database in expected.databases {
            await Task.yield()
            let file = try #require(database["file"] as? String)
            let path = Self.directory.appendingPathComponent(file).path
            let opens = database["opens"] as? Bool ?? true
            let isBadData = database["kind"] as? String == "maxmind-bad-data"
            let reader: MMDBReader
            do {
                reader = try MMDBReader(path: path)
            } catch {
                // A file the reference reader opens must open here too; a broken one fails with a message.
                #expect(!opens || isBadData, "\(file): \(error)")
                #expect(!error.message.isEmpty)
                refused += 1
                continue
            }
            if let metadata = database["metadata"] as? [String: Any] {
                #expect(reader.metadata.nodeCount == metadata["node_count"] as? Int, "\(file)")
                #expect(reader.metadata.recordSize == metadata["record_size"] as? Int, "\(file)")
                #expect(reader.metadata.ipVersion == metadata["ip_version"] as? Int, "\(file)")
                #expect(reader.metadata.databaseType == metadata["database_type"] as? String, "\(file)")
            }
            for lookup in database["lookups"] as? [[String: Any]] ?? [] {
                let text = try #require(lookup["address"] as? String)
                let address = try #require(IPAddress(text), "\(file): \(text)")
                lookups += 1
                if lookups % 256 == 0 { await Task.yield() }
                let found: (offset: Int, prefixLength: Int)?
                var record: MMDBValue?
                do {
                    // IPv6 text is looked up as IPv6 bits, as the reference reader does, even in the
                    // IPv4-mapped range that `IPAddress` treats as IPv4.
                    found =
                        text.contains(":")
                        ? try reader.locate(ipv6Bits: address.ipv6Bits) : try reader.locate(address)
                    if let found { record = try reader.record(at: found.offset) }
                } catch {
                    // MaxMind's bad-data files should fail; where the reference reader is lenient (a
                    // record in the separator, a corrupt tree it reads anyway), failing is right too.
                    #expect(lookup["error"] != nil || isBadData, "\(file) \(text): unexpected error \(error)")
                    continue
                }
                if let message = lookup["error"] as? String {
                    Issue.record("\(file) \(text): the reference reader failed (\(message)), this one did not")
                    continue
                }
                let want = lookup["record"]
                if want == nil || want is NSNull {
                    #expect(record == nil, "\(file) \(text): found \(String(describing: record))")
                    continue
                }
                let value = try #require(record, "\(file) \(text): no record")
                #expect(found?.prefixLength == lookup["prefixLength"] as? Int, "\(file) \(text): prefix length")
                #expect(Self.matches(value, want!), "\(file) \(text): \(Self.mismatch(value, want!) ?? "")")
            }
        }
        #expect(lookups >= 1_000)
        #expect(refused >= 1, "no broken database was refused")
    }

    @Test("broken and malicious databases fail with a message, never a crash", .enabled(if: shouldRun))
    func hostileDatabases() throws {
        let folder = Self.directory.appendingPathComponent("maxmind")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".mmdb") && ($0.contains("broken") || $0.contains("cyclic") || $0.contains("bad"))
        }
        #expect(names.count >= 3)
        for name in names {
            // Open, then look up a spread of addresses; any failure must be a typed error.
            guard let reader = try? MMDBReader(path: folder.appendingPathComponent(name).path) else { continue }
            for text in [
                "1.1.1.1", "1.1.1.3", "2.2.3.4", "81.2.69.160", "::1.1.1.1", "2001:218::1", "::", "255.255.255.255",
            ] {
                let address = IPAddress(text)!
                do {
                    if let found = try reader.lookup(address) { _ = found.record }
                } catch {
                    #expect(!error.message.isEmpty)
                }
            }
        }
    }

    @Test("every truncation and byte flip of a real database is an error or an answer, never a crash")
    func truncatedAndFlipped() async throws {
        let bytes = try Self.smallDatabase()
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
            if let reader = try? MMDBReader(bytes: Array(bytes[..<length])) {
                _ = try? reader.lookup(IPAddress("1.1.1.1")!)
            }
        }
        var generator = SplitMix(seed: 7)
        for round in 0..<2_000 {
            if round % 64 == 0 { await Task.yield() }
            var copy = bytes
            for _ in 0..<3 {
                let index = Int(generator.next() % UInt64(copy.count))
                copy[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            guard let reader = try? MMDBReader(bytes: copy) else { continue }
            for text in ["1.1.1.1", "8.8.8.8", "2001:db8::1", "::1.1.1.1"] {
                _ = try? reader.lookup(IPAddress(text)!)
            }
        }
    }

    @Test("the decoder limits nesting, pointer chains and expansion")
    func decoderLimits() throws {
        // A pointer that points at itself, nested arrays 100 deep, and a map whose size field lies.
        let selfPointer: [UInt8] = [0x20, 0x00]
        #expect(throws: MMDBError.self) {
            try selfPointer.withUnsafeBytes { try MMDBDecoder(section: $0, name: "data").decode(at: 0) }
        }
        var nested: [UInt8] = []
        for _ in 0..<600 { nested += [0x01, 0x04] }  // an array (extended type 11) of one element
        nested += [0x41, UInt8(ascii: "a")]
        #expect(throws: MMDBError.self) {
            try nested.withUnsafeBytes { try MMDBDecoder(section: $0, name: "data").decode(at: 0) }
        }
        let lyingMap: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]  // a map of 65,821 + 16,777,215 entries
        #expect(throws: MMDBError.self) {
            try lyingMap.withUnsafeBytes { try MMDBDecoder(section: $0, name: "data").decode(at: 0) }
        }
        // Four levels of arrays of 60 pointers, each to the next level: 60^4 values from 500 bytes.
        let width = 60
        let levelSize = 3 + 2 * width
        var bomb: [UInt8] = []
        for level in 0..<4 {
            bomb += [0x1D, 0x04, UInt8(width - 29)]
            let target = (level + 1) * levelSize
            for _ in 0..<width { bomb += [0x20 | UInt8(target >> 8), UInt8(target & 0xFF)] }
        }
        bomb += [0x41, UInt8(ascii: "x")]
        #expect(throws: MMDBError.self) {
            try bomb.withUnsafeBytes { try MMDBDecoder(section: $0, name: "data").decode(at: 0) }
        }
        // One level fewer stays within the budget and decodes.
        let small = try bomb.withUnsafeBytes { try MMDBDecoder(section: $0, name: "data").decode(at: 2 * levelSize) }
        #expect(small[0]?[0]?.string == "x")
    }

    /// A small real database: the first written one in the test data, or MaxMind's decoder test file.
    static func smallDatabase() throws -> [UInt8] {
        let candidates = ["maxmind/MaxMind-DB-test-decoder.mmdb", "maxmind/GeoIP2-City-Test.mmdb"]
        for name in candidates {
            let url = directory.appendingPathComponent(name)
            if let data = try? Data(contentsOf: url) { return Array(data) }
        }
        return try Array(Data(contentsOf: URL(fileURLWithPath: BundledIPData.candidatePaths().last!)))
    }

    /// Where a decoded value first differs from the reference reader's JSON, for messages.
    static func mismatch(_ value: MMDBValue, _ json: Any, path: String = "") -> String? {
        switch value {
        case .array(let array):
            guard let list = json as? [Any], list.count == array.count else { return "\(path): \(value) vs \(json)" }
            for (index, pair) in zip(array, list).enumerated() {
                if let found = mismatch(pair.0, pair.1, path: "\(path)[\(index)]") { return found }
            }
            return nil
        case .map(let map):
            guard let object = json as? [String: Any], object.count == map.count else {
                return "\(path): keys \(map.keys.sorted()) vs \((json as? [String: Any])?.keys.sorted() ?? [])"
            }
            for (key, element) in map {
                guard let other = object[key] else { return "\(path).\(key) missing" }
                if let found = mismatch(element, other, path: "\(path).\(key)") { return found }
            }
            return nil
        default:
            return matches(value, json) ? nil : "\(path): \(value) vs \(json)"
        }
    }

    /// Whether a decoded value equals the reference reader's JSON, with its tags for bytes, big
    /// unsigned integers and 32-bit floats.
    static func matches(_ value: MMDBValue, _ json: Any) -> Bool {
        switch value {
        case .string(let string): return json as? String == string
        case .bool(let bool): return (json as? Bool) == bool
        case .double(let double):
            if let tagged = (json as? [String: Any])?["$double"] as? String {
                return tagged == "nan" ? double.isNaN : tagged == "inf" ? double == .infinity : double == -.infinity
            }
            // Foundation's parser may round a long decimal differently in the last place.
            guard let number = (json as? NSNumber)?.doubleValue else { return false }
            return number == double || abs(number - double) <= abs(double) * 1e-15
        case .float(let float):
            let tag = (json as? [String: Any])?["$float"]
            if let text = tag as? String {
                return text == "nan" ? float.isNaN : text == "inf" ? float == .infinity : float == -.infinity
            }
            guard let tagged = tag as? NSNumber else { return false }
            return abs(Double(float) - tagged.doubleValue) <= 1e-6 * max(1, abs(tagged.doubleValue))
        case .bytes(let bytes):
            guard let hex = (json as? [String: Any])?["$bytes"] as? String else { return false }
            return hex == bytes.map { String(format: "%02x", $0) }.joined()
        case .uint16, .uint32, .int32, .uint64, .uint128:
            let text: String
            switch value {
            case .uint16(let v): text = String(v)
            case .uint32(let v): text = String(v)
            case .int32(let v): text = String(v)
            case .uint64(let v): text = String(v)
            case .uint128(let v): text = String(v)
            default: return false
            }
            if let tagged = (json as? [String: Any])?["$uint"] as? String { return tagged == text }
            if let number = json as? NSNumber { return number.stringValue == text }
            return false
        case .array(let array):
            guard let list = json as? [Any], list.count == array.count else { return false }
            return zip(array, list).allSatisfy { matches($0, $1) }
        case .map(let map):
            guard let object = json as? [String: Any], object.count == map.count else { return false }
            return map.allSatisfy { key, value in object[key].map { matches(value, $0) } ?? false }
        }
    }
}

/// A small deterministic generator for the mutation test.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
