import Foundation
import Synchronization
import Testing

@testable import Bulwark

/// The sensitive-information scanner: each built-in type on what it must find (offsets checked to the
/// byte) and on the look-alikes it must leave alone, word boundaries, UTF-8 offsets, the scan limit,
/// custom detectors, redaction, and precision and recall on the labelled sentences of the fixture.
@Suite("Sensitive information scanner")
struct SensitiveInfoScannerTests {
    let scanner = SensitiveInfoScanner()

    // MARK: Email

    @Test(
        "email addresses are found whole",
        arguments: [
            "jane.doe@example.com", "jane.doe+news@mail.example.co.uk", "J_Smith-42@sub.example-corp.io",
            "o'neil@example.ie", "ANN@EXAMPLE.ORG", "x%y@example.travel", "user@xn--bcher-kva.de",
        ]
    )
    func emailAddresses(_ address: String) {
        let text = "Write to \(address), please."
        #expect(scanner.scan(text) == expected(text, [(.email, address)]))
    }

    @Test("an email address is cut from the punctuation around it")
    func emailPunctuation() {
        let text = "(mailto:ann@example.org) user=bob@example.com <carl@example.io>. 'dan@example.net'"
        #expect(
            scanner.scan(text)
                == expected(
                    text,
                    [
                        (.email, "ann@example.org"), (.email, "bob@example.com"), (.email, "carl@example.io"),
                        (.email, "dan@example.net"),
                    ]
                )
        )
    }

    @Test(
        "what only looks like an email address is not one",
        arguments: [
            "root@localhost", "deploy@build-01", "icon@2x.png", "logo@3x.webp", "@dataclass", "@types/node@20.11.5",
            "a@b.c", "x..y@example.com", "ann.@example.com", "https://user:secret@example.com/path",
            "ann@example.com@other", "ann@-example.com", "ann@example-.com", "git@1.2.3.4",
        ]
    )
    func notEmailAddresses(_ text: String) {
        #expect(scanner.scan(text).filter { $0.identifiedType == .email }.isEmpty)
    }

    // MARK: Phone numbers

    @Test(
        "phone numbers in international and national formats",
        arguments: [
            "+1 415 555 2671", "+1-415-555-2671", "+1 (415) 555-2671", "+14155552671", "+1.415.555.2671",
            "(415) 555-2671", "415-555-2671", "415.555.2671", "415 555 2671", "1-415-555-2671", "555-123-4567",
            "+44 20 7946 0958", "+44 (0)20 7946 0958", "+447700900123", "020 7946 0958", "(020) 7946 0958",
            "07700 900123", "0161 234 5678", "+49 30 1234567", "+49 (0)151 1234567", "030 1234567", "0151/1234567",
            "(030) 1234567", "+33 6 12 34 56 78", "+33 (0)1 23 45 67 89", "06 12 34 56 78", "06.12.34.56.78",
            "0612345678", "+91 98765 43210", "+91-9876543210", "98765 43210", "098765 43210", "+34 612 345 678",
            "612 345 678", "612 34 56 78", "+39 06 1234 5678", "333 1234567", "06-12345678", "+31 (0)6 12345678",
            "0412 345 678", "(02) 1234 5678", "+61 412 345 678", "(11) 91234-5678", "+55 11 91234-5678",
            "090-1234-5678", "03-1234-5678", "+81 90-1234-5678", "555-2671",
        ]
    )
    func phoneNumbers(_ number: String) {
        let text = "Call \(number) today."
        #expect(scanner.scan(text) == expected(text, [(.phoneNumber, number)]))
    }

    @Test("a number written without groups is a phone number by its trunk prefix or by the words before it")
    func plainPhoneNumbers() {
        let text = "Tel: 612345678, mobile 07700900123, my number is 915161880"
        #expect(
            scanner.scan(text)
                == expected(
                    text,
                    [(.phoneNumber, "612345678"), (.phoneNumber, "07700900123"), (.phoneNumber, "915161880")]
                )
        )
        for other in [
            "order 0612345678", "Order: 0178617931", "build run 0703871176", "ref #0612345678",
            "invoice 612345678", "612345678", "4155552671", "1712345678",
        ] {
            #expect(scanner.scan(other).isEmpty, "\(other)")
        }
    }

    @Test(
        "numbers that are not phone numbers",
        arguments: [
            "2024-01-15", "15/01/2024", "01/15/2024", "15.01.2024", "2024/01/15", "10:30:45", "2024-01-15T10:30:00Z",
            "2024-01-15 10:30:00,123", "v10.0.19041", "10.0.19041.3803", "6.1.7601.24167", "1.3.6.1.4.1.2620",
            "$1,234,567.89", "1 234 567 €", "€1.234,56", "978-3-16-148410-0", "978-31-6148-410-0", "9783161484100",
            "1234 5678 9012", "9400 1234 5678 9012 3456 78", "ORD-2024-123456", "ABC-1234-5678", "2024/12345",
            "12 345 678", "1920x1080", "45.1234, 120.5678", "900-12-3456", "000-12-3456", "2019-2024",
            "#123456789", "1712345678", "+5,3 %", "12.5%", "2 314.89 €", "1 (415) 555",
        ]
    )
    func notPhoneNumbers(_ text: String) {
        #expect(scanner.scan("see \(text) here").isEmpty)
    }

    @Test("a phone number after a date in the same run of digits is still found")
    func phoneAfterDate() {
        let text = "2024-01-15 555-123-4567"
        #expect(scanner.scan(text) == expected(text, [(.phoneNumber, "555-123-4567")]))
    }

    // MARK: IP addresses

    @Test(
        "IPv4 and IPv6 addresses",
        arguments: [
            "192.168.1.1", "8.8.8.8", "0.0.0.0", "255.255.255.255", "::1", "fe80::1", "2001:db8::ff00:42:8329",
            "2001:0DB8:0000:0000:0000:FF00:0042:8329", "::ffff:192.0.2.128", "2001:db8::", "64:ff9b::192.0.2.33",
        ]
    )
    func ipAddresses(_ address: String) {
        let text = "from \(address), then"
        #expect(scanner.scan(text) == expected(text, [(.ipAddress, address)]))
    }

    @Test("an address keeps its port, prefix length and zone outside")
    func ipSuffixes() {
        let text = "10.0.0.1:8080 10.0.0.0/8 [2001:db8::1]:443 fe80::1%eth0"
        #expect(
            scanner.scan(text)
                == expected(
                    text,
                    [
                        (.ipAddress, "10.0.0.1"), (.ipAddress, "10.0.0.0"), (.ipAddress, "2001:db8::1"),
                        (.ipAddress, "fe80::1"),
                    ]
                )
        )
    }

    @Test(
        "versions, identifiers and times are not addresses",
        arguments: [
            "v1.2.3.4", "1.2.3.4.5", "1.3.6.1.2.1", "256.1.1.1", "1.2.3", "192.168.01.1", "10.0.0.1a", "12:30:45",
            "AA:BB:CC:DD:EE:FF", "std::vector", "a::b", "dead::beef", "::", "1:2:3:4:5:6:7", "2001:db8::1::2",
            "12345::1", "550e8400-e29b-41d4-a716-446655440000",
        ]
    )
    func notIPAddresses(_ text: String) {
        #expect(scanner.scan("see \(text) here").filter { $0.identifiedType == .ipAddress }.isEmpty)
    }

    // MARK: Cards

    @Test(
        "card numbers of each network, plain and grouped",
        arguments: [
            "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "4222222222222", "5555555555554444",
            "2223 0031 2200 3222", "378282246310005", "3782 822463 10005", "6011111111111117", "30569309025904",
            "3056 930902 5904", "3566002020360505", "6200000000000005",
        ]
    )
    func cardNumbers(_ number: String) {
        let text = "card: \(number)."
        #expect(scanner.scan(text) == expected(text, [(.creditCardNumber, number)]))
    }

    @Test(
        "numbers that fail Luhn, a network or the grouping are not cards",
        arguments: [
            "4111111111111112", "4111 1111 1111 1112", "1234567812345670", "9111111111111111", "41111111111111111111",
            "4111 1111 1111 1111 2222", "4111-1111 1111-1111", "411 1111 1111 11111", "3782822463100050",
            "9400 1111 1111 1111 1111 11",
        ]
    )
    func notCardNumbers(_ number: String) {
        #expect(scanner.scan("pay \(number) now").filter { $0.identifiedType == .creditCardNumber }.isEmpty)
    }

    // MARK: IBAN

    @Test(
        "IBANs of several countries, compact and in groups of four",
        arguments: [
            "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
            "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300", "ES9121000418450200051332",
            "IT60X0542811101000000123456", "BE68539007547034", "CH9300762011623852957", "NO9386011117947",
            "PL61109010140000071219812874", "AT611904300234573201",
        ]
    )
    func ibans(_ iban: String) {
        let text = "IBAN: \(iban), BIC DEUTDEFF"
        #expect(scanner.scan(text) == expected(text, [(.iban, iban)]))
    }

    @Test(
        "IBAN look-alikes: wrong checksum, wrong length, unknown country, broken grouping",
        arguments: [
            "DE89370400440532013001", "DE8937040044053201300", "DE893704004405320130001", "XX89370400440532013000",
            "DE89 37040044 0532 0130 00", "de89370400440532013000", "DE00370400440532013000", "DEUTDEFF",
        ]
    )
    func notIBANs(_ text: String) {
        #expect(scanner.scan("ref \(text) end").filter { $0.identifiedType == .iban }.isEmpty)
    }

    // MARK: Social security numbers

    @Test("social security numbers in their issued ranges")
    func socialSecurityNumbers() {
        let text = "SSN 123-45-6789, or 078 05 1120; ssn: 219099999"
        #expect(
            scanner.scan(text)
                == expected(
                    text,
                    [
                        (.usSocialSecurityNumber, "123-45-6789"), (.usSocialSecurityNumber, "078 05 1120"),
                        (.usSocialSecurityNumber, "219099999"),
                    ]
                )
        )
    }

    @Test(
        "numbers outside the issued ranges, mixed separators and bare digits without the word",
        arguments: [
            "000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000", "123-45 6789", "123456789",
        ]
    )
    func notSocialSecurityNumbers(_ text: String) {
        #expect(scanner.scan("id \(text) end").isEmpty)
    }

    // MARK: Secrets

    @Test("credentials of each provider")
    func secrets() {
        let body36 = String(repeating: "a1B2", count: 9)
        let tokens = [
            "AKIAIOSFODNN7EXAMPLE", "ASIA" + String(repeating: "Q7", count: 8), "ghp_" + body36, "gho_" + body36,
            "github_pat_" + String(repeating: "11ABCDEFG", count: 9), "glpat-" + String(repeating: "xY3_", count: 5),
            "xoxb-123456789012-1234567890123-" + String(repeating: "aB3", count: 8),
            "sk_live_" + String(repeating: "4eC3", count: 6), "rk_live_" + String(repeating: "Zz9", count: 8),
            "sk-" + String(repeating: "aB3", count: 7) + "T3BlbkFJ" + String(repeating: "xY7", count: 7),
            "sk-proj-" + String(repeating: "Ab1-_", count: 12), "sk-ant-api03-" + String(repeating: "Qr5_", count: 20),
            "AIza" + String(repeating: "Sy9-_", count: 7), "npm_" + body36,
            "SG." + String(repeating: "ab1", count: 7) + "c" + "." + String(repeating: "Xy2", count: 14) + "Z",
            "SK" + String(repeating: "0a1b", count: 8), Self.jsonWebToken,
        ]
        for token in tokens {
            let text = "token=\(token) ok"
            #expect(scanner.scan(text) == expected(text, [(.secret, token)]), "\(token)")
        }
    }

    @Test("a private-key block from BEGIN to END, also inside JSON and cut off")
    func privateKeys() {
        let body = String(repeating: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", count: 4)
        let block = "-----BEGIN RSA PRIVATE KEY-----\n\(body)\n\(body)\n-----END RSA PRIVATE KEY-----"
        let text = "key:\n\(block)\nthanks"
        #expect(scanner.scan(text) == expected(text, [(.secret, block)]))

        let escaped = "-----BEGIN PRIVATE KEY-----\\n\(body)\\n-----END PRIVATE KEY-----"
        let json = "{\"private_key\": \"\(escaped)\\n\"}"
        #expect(scanner.scan(json) == expected(json, [(.secret, escaped)]))

        let cut = "-----BEGIN OPENSSH PRIVATE KEY-----\n\(body)"
        let truncated = "\(cut)\n"
        #expect(scanner.scan(truncated) == expected(truncated, [(.secret, cut)]))
    }

    @Test(
        "placeholders, public keys, certificates and words are not secrets",
        arguments: [
            "sk-learn", "sk-learn's", "sk-SK", "sk_live_...", "ghp_XXXX", "AKIA****************",
            "xoxb-your-token-here",
            "sk-...", "glpat-<redacted>", "${GITHUB_TOKEN}", "task-1234", "ask-me-anything",
            "sk-this-is-not-a-real-key-at-all",
            "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
            "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----",
            "eyJub3QiOiJqd3QifQ.eyJzdWIiOiIxIn0.c2ln", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0",
        ]
    )
    func notSecrets(_ text: String) {
        #expect(scanner.scan("use \(text) here").isEmpty)
    }

    @Test(
        "identifiers, hashes, timestamps and encodings carry no entity",
        arguments: [
            "550e8400-e29b-41d4-a716-446655440000", "12345678-1234-1234-1234-123456789012",
            "9fceb02d0ae598e95dc970b74767f19372d61af8", "9fceb02",
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
            "1Z999AA10123456784", "INC1234567", "JIRA-1234", "2024-01-15T10:30:00.123Z", "15/Jan/2024:10:30:00 +0000",
            "1700000000123", "C:\\Users\\José\\Q3-report.xlsx", "https://example.com/orders/12345678?utm_source=mail",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx4",
        ]
    )
    func identifiers(_ text: String) {
        #expect(scanner.scan("see \(text) here").isEmpty)
    }

    // MARK: Boundaries, offsets, limits

    @Test("an entity neither starts nor ends inside a longer word")
    func wordBoundaries() {
        for text in [
            "x4111111111111111", "4111111111111111x", "ID192.168.1.1", "aDE89370400440532013000",
            "xAKIAIOSFODNN7EXAMPLE",
            "AKIAIOSFODNN7EXAMPLEX", "call555-123-4567", "555-123-4567x", "_123-45-6789", "ann@example.com_x",
        ] {
            #expect(scanner.scan(text).isEmpty, "\(text)")
        }
    }

    @Test("offsets are UTF-8 bytes, whatever the text around is written in")
    func unicodeOffsets() {
        let text = "Café ☕️ — écris à zoë.bernard@example.fr ou appelle le 06 12 34 56 78 📞, 電話090-1234-5678です"
        let entities = scanner.scan(text)
        #expect(
            entities
                == [
                    SensitiveInfoEntity(identifiedType: .email, start: 27, end: 50),
                    SensitiveInfoEntity(identifiedType: .phoneNumber, start: 65, end: 79),
                    SensitiveInfoEntity(identifiedType: .phoneNumber, start: 92, end: 105),
                ]
        )
        #expect(
            entities.compactMap { $0.range(in: text) }.map { String(text[$0]) }
                == ["zoë.bernard@example.fr", "06 12 34 56 78", "090-1234-5678"]
        )
    }

    @Test("only the first maxBytes are scanned, and an entity must end inside them")
    func scanLimit() {
        let filler = String(repeating: "lorem ipsum ", count: 4_000)
        let text = filler + "ann@example.com " + String(repeating: "x ", count: 40_000) + "bob@example.com"
        #expect(text.utf8.count > 64 * 1024)
        #expect(scanner.scan(text) == expected(text, [(.email, "ann@example.com")]))

        let card = "4111 1111 1111 1111"
        let cardStart = 10
        let padded = String(repeating: "a", count: cardStart - 1) + " " + card + " tail"
        for limit in [cardStart + 4, cardStart + card.utf8.count - 1] {
            let limited = SensitiveInfoScanner(limits: SensitiveInfoLimits(maxBytes: limit))
            #expect(limited.scan(padded).isEmpty, "limit \(limit)")
        }
        let exact = SensitiveInfoScanner(limits: SensitiveInfoLimits(maxBytes: cardStart + card.utf8.count))
        #expect(exact.scan(padded) == expected(padded, [(.creditCardNumber, card)]))
        #expect(SensitiveInfoScanner(limits: SensitiveInfoLimits(maxBytes: 0)).scan(padded).isEmpty)
        #expect(scanner.scan("").isEmpty)
    }

    @Test("entities come sorted and without overlaps in text that mixes every type")
    func mixedText() {
        let text = """
            Name: Zoë Ä. Müller, mail zoe.mueller@example.de, Tel. +49 (0)30 1234567, IBAN DE89 3704 0044 0532 0130 00,
            card 4111-1111-1111-1111 (exp 12/27), SSN 123-45-6789, from 203.0.113.7 and 2001:db8::7,
            key AKIAIOSFODNN7EXAMPLE, order ORD-2024-123456 of 2024-01-15 for $1,234.56, v1.2.3.4.
            """
        #expect(
            scanner.scan(text)
                == expected(
                    text,
                    [
                        (.email, "zoe.mueller@example.de"), (.phoneNumber, "+49 (0)30 1234567"),
                        (.iban, "DE89 3704 0044 0532 0130 00"), (.creditCardNumber, "4111-1111-1111-1111"),
                        (.usSocialSecurityNumber, "123-45-6789"), (.ipAddress, "203.0.113.7"),
                        (.ipAddress, "2001:db8::7"), (.secret, "AKIAIOSFODNN7EXAMPLE"),
                    ]
                )
        )
    }

    @Test("the entity's JSON has the keys of the SENSITIVE_INFO reason")
    func entityCoding() throws {
        let entity = SensitiveInfoEntity(identifiedType: .creditCardNumber, start: 5, end: 24)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(entity), as: UTF8.self)
        #expect(json == #"{"end":24,"identifiedType":"CREDIT_CARD_NUMBER","start":5}"#)
        #expect(try JSONDecoder().decode(SensitiveInfoEntity.self, from: Data(json.utf8)) == entity)
        #expect(SensitiveInfoEntity(identifiedType: .email, start: 3, end: 99).range(in: "short") == nil)
        #expect(SensitiveInfoEntity(identifiedType: .email, start: 1, end: 2).range(in: "é") == nil)
        #expect(
            SensitiveInfoType.builtIn.map(\.rawValue) == [
                "EMAIL", "PHONE_NUMBER", "IP_ADDRESS", "CREDIT_CARD_NUMBER", "IBAN", "US_SSN", "SECRET",
            ]
        )
    }

    // MARK: Custom detectors

    @Test("a custom detector flags tokens; its types join the built-in ones")
    func customDetector() {
        let employees = SensitiveInfoDetector { tokens in
            tokens.map { $0.hasPrefix("EMP-") && $0.dropFirst(4).allSatisfy(\.isNumber) ? "EMPLOYEE_ID" : nil }
        }
        let text = "Ask EMP-12345 or ann@example.com, not EMP-12x.\u{00A0}EMP-777"
        #expect(
            SensitiveInfo.scan(text, detector: employees)
                == expected(
                    text,
                    [
                        (SensitiveInfoType("EMPLOYEE_ID"), "EMP-12345"), (.email, "ann@example.com"),
                        ("EMPLOYEE_ID", "EMP-777"),
                    ]
                )
        )
    }

    @Test("windows of context: the closure sees consecutive tokens, sliding by one")
    func detectorWindows() {
        let seen = WindowLog()
        let badges = SensitiveInfoDetector(contextWindowSize: 2) { tokens in
            seen.append(tokens.map(String.init))
            guard tokens.count == 2, tokens[0].lowercased() == "badge", tokens[1].allSatisfy(\.isNumber) else {
                return []
            }
            return [nil, "BADGE_NUMBER", "EXTRA_IGNORED"]
        }
        let text = "my  badge\t4711\nand badge x"
        #expect(SensitiveInfo.scan(text, detector: badges) == expected(text, [("BADGE_NUMBER", "4711")]))
        #expect(
            seen.windows == [
                ["my", "badge"], ["badge", "4711"], ["4711", "and"], ["and", "badge"], ["badge", "x"],
            ]
        )

        let wide = WindowLog()
        let everything = SensitiveInfoDetector(contextWindowSize: 10) { tokens in
            wide.append(tokens.map(String.init))
            return tokens.map { _ in "WORD" }
        }
        #expect(SensitiveInfo.scan("a b", detector: everything).count == 2)
        #expect(wide.windows == [["a", "b"]])
        #expect(SensitiveInfo.scan("   ", detector: everything).isEmpty)
        #expect(SensitiveInfoDetector(contextWindowSize: 0) { _ in [] }.contextWindowSize == 1)
        #expect(SensitiveInfoDetector(contextWindowSize: 1_000) { _ in [] }.contextWindowSize == 64)
    }

    @Test("built-in entities win over custom ones that overlap them")
    func builtInWins() {
        let all = SensitiveInfoDetector { tokens in tokens.map { _ in "TOKEN" } }
        let text = "mail ann@example.com,"
        #expect(
            SensitiveInfo.scan(text, detector: all) == expected(text, [("TOKEN", "mail"), (.email, "ann@example.com")])
        )
    }

    // MARK: Redaction

    @Test("redaction masks each entity, optionally keeping its last characters")
    func redaction() {
        let text = "Card 4111 1111 1111 1111, mail zoë@example.com."
        let entities = SensitiveInfo.scan(text)
        #expect(entities.map(\.identifiedType) == [.creditCardNumber, .email])
        #expect(SensitiveInfo.redact(text, entities: entities) == "Card *******************, mail ***************.")
        #expect(
            SensitiveInfo.redact(text, entities: entities, keepLast: 4)
                == "Card ***************1111, mail ***********.com."
        )
        #expect(SensitiveInfo.redact(text, entities: entities, mask: "•", keepLast: 100) == text)
        #expect(
            SensitiveInfo.redact(text, entities: Array(entities.prefix(1)), mask: "•")
                == "Card •••••••••••••••••••, mail zoë@example.com."
        )
    }

    @Test("redaction survives entities out of range, out of order, overlapping or inside a scalar")
    func redactionRobustness() {
        let text = "abc é 😀 xyz"
        let entities = [
            SensitiveInfoEntity(identifiedType: .email, start: 9, end: 100),
            SensitiveInfoEntity(identifiedType: .email, start: -5, end: 2),
            SensitiveInfoEntity(identifiedType: .email, start: 1, end: 3),
            SensitiveInfoEntity(identifiedType: .email, start: 5, end: 5),
            SensitiveInfoEntity(identifiedType: .email, start: 7, end: 6),
            SensitiveInfoEntity(identifiedType: .email, start: 5, end: 6),
        ]
        #expect(SensitiveInfo.redact(text, entities: entities) == "*** * *****")
        #expect(SensitiveInfo.redact(text, entities: []) == text)
        #expect(SensitiveInfo.redact("", entities: entities) == "")
    }

    // MARK: The labelled sentences

    @Test("every built-in type reaches 0.98 precision and recall on the labelled sentences")
    func labelledSentences() throws {
        struct Sentence: Decodable {
            struct Label: Decodable {
                let type: String
                let start: Int
                let end: Int
            }
            let text: String
            let entities: [Label]
        }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sensitive-info-sentences.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 1_000)
        var truePositives: [String: Int] = [:]
        var falsePositives: [String: Int] = [:]
        var falseNegatives: [String: Int] = [:]
        var mistakes: [String] = []
        for line in lines {
            let sentence = try JSONDecoder().decode(Sentence.self, from: Data(line.utf8))
            var matched = [Bool](repeating: false, count: sentence.entities.count)
            for found in scanner.scan(sentence.text) {
                let type = found.identifiedType.rawValue
                let match = sentence.entities.indices.first {
                    !matched[$0] && sentence.entities[$0].type == type && sentence.entities[$0].start < found.end
                        && found.start < sentence.entities[$0].end
                }
                if let match {
                    matched[match] = true
                    truePositives[type, default: 0] += 1
                } else {
                    falsePositives[type, default: 0] += 1
                    mistakes.append("false \(type) at \(found.start)..<\(found.end)")
                }
            }
            for (label, wasMatched) in zip(sentence.entities, matched) where !wasMatched {
                falseNegatives[label.type, default: 0] += 1
                mistakes.append("missed \(label.type) at \(label.start)..<\(label.end)")
            }
        }
        for type in SensitiveInfoType.builtIn.map(\.rawValue) {
            let found = truePositives[type, default: 0]
            let precision = Double(found) / Double(max(1, found + falsePositives[type, default: 0]))
            let recall = Double(found) / Double(max(1, found + falseNegatives[type, default: 0]))
            #expect(found >= 50, "\(type): only \(found) labelled entities found")
            #expect(precision >= 0.98, "\(type) precision \(precision); \(mistakes.prefix(20))")
            #expect(recall >= 0.98, "\(type) recall \(recall); \(mistakes.prefix(20))")
        }
    }

    // MARK: Helpers

    /// A JSON Web Token: `{"alg":"HS256","typ":"JWT"}`, `{"sub":"1234567890"}` and a made-up signature.
    static let jsonWebToken =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + String(repeating: "Sf1K-x_Q", count: 5)

    /// The entities expected in `text`: each value where it first occurs after the previous one, with its
    /// UTF-8 offsets.
    private func expected(_ text: String, _ values: [(SensitiveInfoType, String)]) -> [SensitiveInfoEntity] {
        let bytes = Array(text.utf8)
        var from = 0
        var entities: [SensitiveInfoEntity] = []
        for (type, value) in values {
            let needle = Array(value.utf8)
            var start = from
            while start + needle.count <= bytes.count, Array(bytes[start..<(start + needle.count)]) != needle {
                start += 1
            }
            #expect(start + needle.count <= bytes.count, "\(value) is not in the text")
            entities.append(SensitiveInfoEntity(identifiedType: type, start: start, end: start + needle.count))
            from = start + needle.count
        }
        return entities
    }
}

/// The windows a detector's closure was called with, in order.
private final class WindowLog: Sendable {
    private let storage = Mutex<[[String]]>([])

    var windows: [[String]] { storage.withLock { $0 } }

    func append(_ window: [String]) { storage.withLock { $0.append(window) } }
}
