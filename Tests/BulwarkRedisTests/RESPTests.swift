import NIOCore
import Testing

@testable import BulwarkRedis

@Suite("RESP parser, encoder and Redis URLs")
struct RESPTests {
    func parseAll(_ text: String, limits: RESPLimits = RESPLimits()) throws -> [RESPValue] {
        var buffer = ByteBuffer(string: text)
        var values: [RESPValue] = []
        while let value = try RESPParser(limits: limits).parse(&buffer) { values.append(value) }
        #expect(buffer.readableBytes == 0, "bytes left over in \(text.debugDescription)")
        return values
    }

    @Test("every RESP2 reply type, nested arrays, nulls and binary bulk strings")
    func replies() throws {
        let values = try parseAll(
            "+OK\r\n-NOSCRIPT No matching script.\r\n:-42\r\n$5\r\nhe\r\no\r\n$0\r\n\r\n$-1\r\n*-1\r\n*3\r\n:1\r\n*1\r\n+x\r\n$1\r\n\u{0}\r\n"
        )
        #expect(
            values == [
                .simpleString("OK"), .error("NOSCRIPT No matching script."), .integer(-42),
                .bulkString(ByteBuffer(string: "he\r\no")), .bulkString(ByteBuffer()), .null, .null,
                .array([.integer(1), .array([.simpleString("x")]), .bulkString(ByteBuffer(bytes: [0]))]),
            ]
        )
        #expect(values[3].string == "he\r\no")
        #expect(values[2].integer == -42)
        #expect(try parseAll(":9223372036854775807\r\n") == [.integer(.max)])
    }

    @Test("a reply split at every byte is read only once whole, and nothing is consumed before")
    func incremental() throws {
        let text = "*2\r\n$3\r\nabc\r\n*2\r\n:7\r\n-ERR x\r\n"
        let bytes = Array(text.utf8)
        let parser = RESPParser()
        for cut in 0..<bytes.count {
            var buffer = ByteBuffer(bytes: bytes[..<cut])
            #expect(try parser.parse(&buffer) == nil, "a reply was read from \(cut) of \(bytes.count) bytes")
            #expect(buffer.readerIndex == 0)
            buffer.writeBytes(bytes[cut...])
            #expect(
                try parser.parse(&buffer)
                    == .array([.bulkString(ByteBuffer(string: "abc")), .array([.integer(7), .error("ERR x")])])
            )
        }
    }

    @Test(
        "malformed replies and replies past the limits are errors that say what is wrong",
        arguments: [
            ("!3\r\nabc\r\n", "unknown reply type"),
            (":12a\r\n", "not an integer"),
            (":\r\n", "not an integer"),
            (":99999999999999999999\r\n", "not an integer"),
            ("$-2\r\n", "bulk length -2"),
            ("$3\r\nabcd\r\n", "not followed by CRLF"),
            ("$999\r\n", "exceeds the limit"),
            ("*-5\r\n", "array length -5"),
            ("*99\r\n", "exceeds the limit"),
            ("*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", "nested deeper"),
            ("+abc\rx\r\n", "carriage return without a line feed"),
            ("+" + String(repeating: "a", count: 100), "longer than"),
        ]
    )
    func malformed(reply: String, expected: String) {
        let limits = RESPLimits(maxBulkLength: 100, maxArrayCount: 10, maxDepth: 3, maxLineLength: 64)
        var buffer = ByteBuffer(string: reply)
        do {
            let value = try RESPParser(limits: limits).parse(&buffer)
            Issue.record("\(reply.debugDescription) gave \(String(describing: value)), expected an error")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    @Test("commands are encoded as arrays of bulk strings, byte lengths for non-ASCII text")
    func encoding() throws {
        var buffer = ByteBuffer()
        RedisCommand("SET", "clé", "").encode(into: &buffer)
        #expect(String(buffer: buffer) == "*3\r\n$3\r\nSET\r\n$4\r\nclé\r\n$0\r\n\r\n")
        #expect(RedisCommand("AUTH", "user", "secret").description == "AUTH")
    }

    @Test("SHA-1 of a script is Redis's name for it")
    func sha1() {
        #expect(SHA1.hexDigest("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hexDigest("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            SHA1.hexDigest(String(repeating: "a", count: 1_000)) == "291e9a6c66994949b57ba5e650361e98fc36b1ba"
        )
        #expect(SHA1.hexDigest("return 1") == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
    }

    @Test("URLs: user, password, host, port, database, TLS")
    func urls() throws {
        let plain = try RedisConfiguration(url: "redis://10.0.0.5")
        #expect(plain.host == "10.0.0.5" && plain.port == 6379 && plain.database == 0 && plain.tls == nil)
        #expect(plain.password == nil && plain.username == nil)
        let full = try RedisConfiguration(url: "rediss://app%40x:p%3Ass@cache.internal:6380/3")
        #expect(full.host == "cache.internal" && full.port == 6380 && full.database == 3)
        #expect(full.username == "app@x" && full.password == "p:ss" && full.tls != nil)
        let passwordOnly = try RedisConfiguration(url: "redis://:secret@[::1]:7000/")
        #expect(passwordOnly.host == "::1" && passwordOnly.port == 7000 && passwordOnly.password == "secret")
        #expect(passwordOnly.username == nil)
        let bare = try RedisConfiguration(url: "redis://secret@localhost")
        #expect(bare.password == "secret" && bare.host == "localhost")
        // A password may hold '/', '?', '#' or '@': the user information ends at the last '@'.
        let slashes = try RedisConfiguration(url: "redis://:pa/s?s#w@rd@cache:6390/4")
        #expect(slashes.password == "pa/s?s#w@rd" && slashes.host == "cache" && slashes.port == 6390)
        #expect(slashes.database == 4)
    }

    @Test(
        "a bad URL names the part that is wrong",
        arguments: [
            ("localhost:6379", "url"),
            ("http://localhost", "url.scheme"),
            ("redis://", "url.host"),
            ("redis://host:0", "url.port"),
            ("redis://host:99999", "url.port"),
            ("redis://host:abc", "url.port"),
            ("redis://host/x", "url.database"),
            ("redis://host/-1", "url.database"),
            ("redis://host?timeout=1", "url.query"),
            ("redis://:%zz@host", "url.password"),
            ("redis://[::1", "url.host"),
            ("redis://ho st", "url.host"),
        ]
    )
    func badURL(url: String, field: String) {
        do {
            _ = try RedisConfiguration(url: url)
            Issue.record("\(url) was accepted")
        } catch {
            #expect(error.field == field, "\(url): \(error)")
        }
    }

    @Test("an error about a URL never repeats its password")
    func redaction() {
        for url in ["user:secret@host:6379", "redis:/:secret@host", "redis://:secret@host:99999", "redis://:secret@/"] {
            do {
                _ = try RedisConfiguration(url: url)
                Issue.record("\(url) was accepted")
            } catch {
                #expect(!error.description.contains("secret"), "\(error)")
            }
        }
    }

    @Test("a script reply out of range is a protocol violation, not a crash")
    func scriptReplies() throws {
        let good = try RedisRateLimitStore.outcome(
            of: .array([.integer(1), .integer(5), .integer(4), .integer(10), .integer(0)])
        )
        #expect(good.allowed && good.remaining == 4 && good.resetNanoseconds == 10_000)
        for bad: RESPValue in [
            .array([.integer(1), .integer(5), .integer(4), .integer(.max / 1000), .integer(0)]),
            .array([.integer(0), .integer(5), .integer(0), .integer(1), .integer(-1)]),
            .array([.integer(2), .integer(5), .integer(4), .integer(1), .integer(0)]),
            .array([.integer(1), .integer(5), .integer(4)]),
            .array([.integer(1), .integer(5), .integer(4), .simpleString("1"), .integer(0)]),
            .simpleString("OK"),
        ] {
            #expect(throws: RedisError.self) { _ = try RedisRateLimitStore.outcome(of: bad) }
        }
    }

    @Test("options a URL cannot carry are checked when the client is made")
    func badOptions() {
        var configuration = RedisConfiguration()
        configuration.poolSize = 0
        #expect(throws: RedisConfigurationError.self) { try RedisClient(configuration: configuration) }
        configuration.poolSize = 1
        configuration.commandTimeout = .zero
        do {
            _ = try RedisClient(configuration: configuration)
            Issue.record("a zero timeout was accepted")
        } catch {
            #expect(error.field == "commandTimeout")
        }
    }
}
