import Foundation
import Testing

@testable import Bulwark

/// Email address syntax: what is accepted and how it is normalised, each error code, the options,
/// IDNA and Punycode, the agreement with PyPI email-validator on the fixture that
/// `scripts/email/syntax-set.py` writes, and the bundled disposable and free domain lists.
@Suite("Email address syntax")
struct EmailAddressTests {
    /// (input, local part, Unicode domain, ASCII domain)
    static let accepted: [(String, String, String, String)] = [
        ("simple@example.com", "simple", "example.com", "example.com"),
        ("Jane.Doe@Example.COM", "Jane.Doe", "example.com", "example.com"),
        ("user+tag@sub.example.co.uk", "user+tag", "sub.example.co.uk", "sub.example.co.uk"),
        ("!#$%&'*+-/=?^_`{|}~@example.org", "!#$%&'*+-/=?^_`{|}~", "example.org", "example.org"),
        ("\"john doe\"@example.com", "\"john doe\"", "example.com", "example.com"),
        ("\"john\"@example.com", "john", "example.com", "example.com"),
        ("\"a\\\"b\"@example.com", "\"a\\\"b\"", "example.com", "example.com"),
        ("\"a\\b\"@example.com", "ab", "example.com", "example.com"),
        ("\"a@b\"@example.com", "\"a@b\"", "example.com", "example.com"),
        ("Postmaster@example.com", "postmaster", "example.com", "example.com"),
        ("Postmasters@example.com", "Postmasters", "example.com", "example.com"),
        ("用户@例子.广告", "用户", "例子.广告", "xn--fsqu00a.xn--4rr70v"),
        ("Do\u{308}rte@example.com", "D\u{F6}rte", "example.com", "example.com"),
        ("😀@example.com", "😀", "example.com", "example.com"),
        ("user@Bücher.Example", "user", "bücher.example", "xn--bcher-kva.example"),
        ("user@xn--bcher-kva.de", "user", "bücher.de", "xn--bcher-kva.de"),
        ("user@XN--BCHER-KVA.DE", "user", "bücher.de", "xn--bcher-kva.de"),
        ("user@bu\u{308}cher.de", "user", "bücher.de", "xn--bcher-kva.de"),
        ("user@ＥＸＡＭＰＬＥ．ＣＯＭ", "user", "example.com", "example.com"),
        ("user@example。com", "user", "example.com", "example.com"),
        ("user@straße.de", "user", "straße.de", "xn--strae-oqa.de"),
        ("user@ẞ.de", "user", "ß.de", "xn--zca.de"),
        ("user@a\u{3F2}b.com", "user", "a\u{3C3}b.com", "xn--ab-vbc.com"),
        ("user@\u{AB8A}\u{AB72}.com", "user", "\u{13BA}\u{13A2}.com", "xn--78d1c.com"),
        ("user@ﬁ.com", "user", "fi.com", "fi.com"),
        ("user@col·lecció.cat", "user", "col·lecció.cat", "xn--collecci-ioa91d.cat"),
        ("user@ア・イ.jp", "user", "ア・イ.jp", "xn--ccke4x.jp"),
        ("user@مثال.إختبار", "user", "مثال.إختبار", "xn--mgbh0fb.xn--kgbechtv"),
        ("user@пример.рф", "user", "пример.рф", "xn--e1afmkfd.xn--p1ai"),
        ("user@a\u{FE0F}b.com", "user", "ab.com", "ab.com"),
        ("x@e.io", "x", "e.io", "e.io"),
    ]

    @Test("accepts and normalises", arguments: accepted)
    func accepts(input: String, localPart: String, domain: String, asciiDomain: String) throws {
        let address = try EmailAddress(input)
        #expect(address.localPart == localPart)
        #expect(address.domain == domain)
        #expect(address.asciiDomain == asciiDomain)
        #expect(!address.isDomainLiteral)
        #expect(address.normalized == localPart + "@" + domain)
        #expect(address.description == address.normalized)
        let isASCII = localPart.utf8.allSatisfy { $0 < 0x80 }
        #expect(address.ascii == (isASCII ? localPart + "@" + asciiDomain : nil))
    }

    static let rejected: [(String, EmailSyntaxError.Code)] = [
        ("", .empty),
        (String(repeating: "a", count: 1025) + "@example.com", .tooLong),
        (String(repeating: "a", count: 64) + "@" + String(repeating: "b.", count: 94) + "com", .tooLong),
        ("jane.example.com", .missingAt),
        ("jane＠example.com", .missingAt),
        ("@example.com", .invalidLocalPart),
        ("jane..doe@example.com", .invalidLocalPart),
        (".jane@example.com", .invalidLocalPart),
        ("jane.@example.com", .invalidLocalPart),
        ("jane doe@example.com", .invalidLocalPart),
        ("Jane <jane@example.com>", .invalidLocalPart),
        (" jane@example.com", .invalidLocalPart),
        ("\"jane@example.com", .invalidLocalPart),
        ("\"jane\"doe@example.com", .invalidLocalPart),
        ("\"\"@example.com", .invalidLocalPart),
        (String(repeating: "a", count: 65) + "@example.com", .localPartTooLong),
        (String(repeating: "é", count: 33) + "@example.com", .localPartTooLong),
        ("a\u{202E}b@example.com", .unsafeCharacter),
        ("a\u{200B}b@example.com", .unsafeCharacter),
        ("a\tb@example.com", .unsafeCharacter),
        ("\u{301}a@example.com", .unsafeCharacter),
        ("a\u{3000}b@example.com", .unsafeCharacter),
        ("\"a\u{3000}b\"@example.com", .unsafeCharacter),
        ("\"a\\\u{7}b\"@example.com", .unsafeCharacter),
        ("jane@exam\u{AD}ple.com", .unsafeCharacter),
        ("jane@", .invalidDomain),
        ("jane@exa_mple.com", .invalidDomain),
        ("jane@-example.com", .invalidDomain),
        ("jane@example-.com", .invalidDomain),
        ("jane@.example.com", .invalidDomain),
        ("jane@example..com", .invalidDomain),
        ("jane@example.com.", .invalidDomain),
        ("jane@ab--cd.com", .invalidDomain),
        ("jane@a@example.com", .invalidDomain),
        ("jane@example.com ", .invalidDomain),
        ("jane@exa\u{2488}mple.com", .invalidDomain),
        ("jane@exa\u{FF3F}mple.com", .invalidDomain),
        ("jane@" + String(repeating: "a", count: 64) + ".com", .domainTooLong),
        ("jane@" + String(repeating: "ü", count: 60) + ".com", .domainTooLong),
        ("j@" + String(repeating: "b.", count: 126) + "co", .domainTooLong),
        ("jane@[192.0.2.1]", .domainLiteralNotAllowed),
        ("jane@localhost", .missingTopLevelDomain),
        ("jane@example.123", .missingTopLevelDomain),
        ("jane@192.0.2.1", .missingTopLevelDomain),
        ("jane@example.test", .reservedDomain),
        ("jane@mail.local", .reservedDomain),
        ("jane@x.onion", .reservedDomain),
        ("jane@xn--abc-.com", .invalidDomain),
        ("jane@xn--a.com", .invalidIDNA),
        ("jane@xn---bbk.com", .invalidIDNA),
        ("jane@xn--bucher-xyd.de", .invalidIDNA),
        ("jane@xn--wca.com", .invalidIDNA),
        ("jane@i❤.ws", .invalidIDNA),
        ("jane@a·b.com", .invalidIDNA),
        ("jane@a・b.jp", .invalidIDNA),
        ("jane@\u{660}\u{6F0}.com", .invalidIDNA),
        ("jane@1.\u{5D0}\u{5D1}.com", .invalidIDNA),
        ("jane@\u{5D0}a.com", .invalidIDNA),
        ("jane@a\u{640}b.com", .invalidIDNA),
        ("jane@ab--é.com", .invalidIDNA),
    ]

    @Test("rejects with the code that names the problem", arguments: rejected)
    func rejects(input: String, code: EmailSyntaxError.Code) {
        #expect(throws: EmailSyntaxError.self) { try EmailAddress(input) }
        do {
            _ = try EmailAddress(input)
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(!error.message.isEmpty)
            // A message quotes at most a label or a character of the input, never the rest of it.
            #expect(error.message.count <= 220, "\(error.message)")
        }
    }

    @Test("a message never repeats a long input")
    func boundedMessages() {
        let hostile = [
            "jane@" + String(repeating: "x", count: 300) + ".com",
            String(repeating: "x", count: 900) + "\u{202E}@example.com",
            "jane@" + String(repeating: "x", count: 200),
        ]
        for input in hostile {
            do {
                _ = try EmailAddress(input)
                Issue.record("accepted \(input.prefix(20))…")
            } catch {
                #expect(!error.message.contains(String(repeating: "x", count: EmailSyntaxError.quotedLimit + 1)))
            }
        }
    }

    @Test("requireTopLevelDomain off accepts intranet and special-use names")
    func withoutTopLevelDomain() throws {
        let options = EmailSyntaxOptions(requireTopLevelDomain: false)
        for input in ["admin@mailhost", "ops@build.local", "a@example.123", "dev@localhost", "qa@app.test"] {
            #expect(try EmailAddress(input, options: options).domain == String(input.split(separator: "@")[1]))
        }
        #expect(throws: EmailSyntaxError.self) { try EmailAddress("a@-mailhost", options: options) }
    }

    @Test("allowDomainLiteral accepts IPv4 and tagged IPv6, in canonical form")
    func domainLiterals() throws {
        let options = EmailSyntaxOptions(allowDomainLiteral: true)
        let cases = [
            ("a@[192.0.2.1]", "[192.0.2.1]"),
            ("a@[IPv6:2001:DB8:0:0:0:0:0:1]", "[IPv6:2001:db8::1]"),
            ("a@[ipv6:2001:db8:0:0:1:0:0:1]", "[IPv6:2001:db8::1:0:0:1]"),
            ("a@[IPv6:::ffff:192.0.2.1]", "[IPv6:::ffff:c000:201]"),
            ("a@[IPv6:1:2:3:4:5:6::7]", "[IPv6:1:2:3:4:5:6:0:7]"),
            ("a@[IPv6:::]", "[IPv6:::]"),
        ]
        for (input, domain) in cases {
            let address = try EmailAddress(input, options: options)
            #expect(address.domain == domain)
            #expect(address.asciiDomain == domain)
            #expect(address.isDomainLiteral)
        }
        for input in [
            "a@[256.1.1.1]", "a@[01.2.3.4]", "a@[1.2.3]", "a@[IPv6:fe80::1%eth0]", "a@[IPv4:1.2.3.4]", "a@[1.2.3.4",
            "a@[IPv6:1:2:3:4:5:6:7:8:9]", "a@[IPv6:1::2::3]", "a@[IPv6:1:2:3:4:5:6:7::8]", "a@[]", "a@[example.com]",
        ] {
            #expect(throws: EmailSyntaxError.self, "\(input)") { try EmailAddress(input, options: options) }
        }
    }

    @Test("allowQuotedLocalPart and allowInternationalized off")
    func restrictiveOptions() throws {
        let unquoted = EmailSyntaxOptions(allowQuotedLocalPart: false)
        do {
            _ = try EmailAddress("\"john doe\"@example.com", options: unquoted)
            Issue.record("accepted a quoted local part")
        } catch {
            #expect(error.code == .quotedLocalPartNotAllowed)
        }
        #expect(try EmailAddress("john@example.com", options: unquoted).localPart == "john")
        let ascii = EmailSyntaxOptions(allowInternationalized: false)
        do {
            _ = try EmailAddress("用户@example.com", options: ascii)
            Issue.record("accepted a non-ASCII local part")
        } catch {
            #expect(error.code == .internationalizedNotAllowed)
        }
        // Internationalised domains travel as A-labels, so they are accepted either way.
        #expect(try EmailAddress("user@例子.广告", options: ascii).ascii == "user@xn--fsqu00a.xn--4rr70v")
    }

    @Test("limits: 64 octets before the @, 63 a label, 254 in all")
    func limits() throws {
        let local64 = String(repeating: "a", count: 64)
        #expect(try EmailAddress(local64 + "@example.com").localPart == local64)
        #expect(try EmailAddress(String(repeating: "é", count: 32) + "@example.com").localPart.utf8.count == 64)
        #expect(try EmailAddress("a@" + String(repeating: "b", count: 63) + ".com").asciiDomain.count == 67)
        let domain = [String](repeating: String(repeating: "c", count: 63), count: 3).joined(separator: ".")
        let longest = "a@" + domain + "." + String(repeating: "d", count: 56) + ".com"
        #expect(longest.utf8.count == 254)
        #expect(try EmailAddress(longest).normalized == longest)
        #expect(throws: EmailSyntaxError.self) { try EmailAddress("ab@" + longest.dropFirst(2)) }
    }
}

@Suite("Punycode and IDNA")
struct PunycodeTests {
    /// RFC 3492 section 7.1, samples A to S: (sample, encoded, code points).
    static let vectors: [(String, String, [UInt32])] = [
        (
            "A Arabic (Egyptian)", "egbpdaj6bu4bxfgehfvwxn",
            [
                0x644, 0x64A, 0x647, 0x645, 0x627, 0x628, 0x62A, 0x643, 0x644, 0x645, 0x648, 0x634, 0x639, 0x631, 0x628,
                0x64A, 0x61F,
            ]
        ),
        (
            "B Chinese (simplified)", "ihqwcrb4cv8a8dqg056pqjye",
            [0x4ED6, 0x4EEC, 0x4E3A, 0x4EC0, 0x4E48, 0x4E0D, 0x8BF4, 0x4E2D, 0x6587]
        ),
        (
            "C Chinese (traditional)", "ihqwctvzc91f659drss3x8bo0yb",
            [0x4ED6, 0x5011, 0x7232, 0x4EC0, 0x9EBD, 0x4E0D, 0x8AAA, 0x4E2D, 0x6587]
        ),
        (
            "D Czech", "Proprostnemluvesky-uyb24dma41a",
            [
                0x50, 0x72, 0x6F, 0x10D, 0x70, 0x72, 0x6F, 0x73, 0x74, 0x11B, 0x6E, 0x65, 0x6D, 0x6C, 0x75, 0x76, 0xED,
                0x10D, 0x65, 0x73, 0x6B, 0x79,
            ]
        ),
        (
            "E Hebrew", "4dbcagdahymbxekheh6e0a7fei0b",
            [
                0x5DC, 0x5DE, 0x5D4, 0x5D4, 0x5DD, 0x5E4, 0x5E9, 0x5D5, 0x5D8, 0x5DC, 0x5D0, 0x5DE, 0x5D3, 0x5D1, 0x5E8,
                0x5D9, 0x5DD, 0x5E2, 0x5D1, 0x5E8, 0x5D9, 0x5EA,
            ]
        ),
        (
            "F Hindi (Devanagari)", "i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd",
            [
                0x92F, 0x939, 0x932, 0x94B, 0x917, 0x939, 0x93F, 0x928, 0x94D, 0x926, 0x940, 0x915, 0x94D, 0x92F, 0x94B,
                0x902, 0x928, 0x939, 0x940, 0x902, 0x92C, 0x94B, 0x932, 0x938, 0x915, 0x924, 0x947, 0x939, 0x948, 0x902,
            ]
        ),
        (
            "G Japanese (kanji and hiragana)", "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa",
            [
                0x306A, 0x305C, 0x307F, 0x3093, 0x306A, 0x65E5, 0x672C, 0x8A9E, 0x3092, 0x8A71, 0x3057, 0x3066, 0x304F,
                0x308C, 0x306A, 0x3044, 0x306E, 0x304B,
            ]
        ),
        (
            "H Korean (Hangul syllables)", "989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6fea98c",
            [
                0xC138, 0xACC4, 0xC758, 0xBAA8, 0xB4E0, 0xC0AC, 0xB78C, 0xB4E4, 0xC774, 0xD55C, 0xAD6D, 0xC5B4, 0xB97C,
                0xC774, 0xD574, 0xD55C, 0xB2E4, 0xBA74, 0xC5BC, 0xB9C8, 0xB098, 0xC88B, 0xC744, 0xAE4C,
            ]
        ),
        (
            "I Russian (Cyrillic)", "b1abfaaepdrnnbgefbaDotcwatmq2g4l",
            [
                0x43F, 0x43E, 0x447, 0x435, 0x43C, 0x443, 0x436, 0x435, 0x43E, 0x43D, 0x438, 0x43D, 0x435, 0x433, 0x43E,
                0x432, 0x43E, 0x440, 0x44F, 0x442, 0x43F, 0x43E, 0x440, 0x443, 0x441, 0x441, 0x43A, 0x438,
            ]
        ),
        (
            "J Spanish", "PorqunopuedensimplementehablarenEspaol-fmd56a",
            Array("Porqu\u{E9}nopuedensimplementehablarenEspa\u{F1}ol".unicodeScalars.map(\.value))
        ),
        (
            "K Vietnamese", "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g",
            Array(
                "T\u{1EA1}isaoh\u{1ECD}kh\u{F4}ngth\u{1EC3}ch\u{1EC9}n\u{F3}iti\u{1EBF}ngVi\u{1EC7}t".unicodeScalars
                    .map(\.value)
            )
        ),
        (
            "L 3<nen>B<gumi><kinpachi><sensei>", "3B-ww4c5e180e575a65lsy2b",
            [0x33, 0x5E74, 0x42, 0x7D44, 0x91D1, 0x516B, 0x5148, 0x751F]
        ),
        (
            "M <amuro><namie>-with-SUPER-MONKEYS", "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n",
            [0x5B89, 0x5BA4, 0x5948, 0x7F8E, 0x6075] + "-with-SUPER-MONKEYS".unicodeScalars.map(\.value)
        ),
        (
            "N Hello-Another-Way-<sorezore><no><basho>", "Hello-Another-Way--fc4qua05auwb3674vfr0b",
            "Hello-Another-Way-".unicodeScalars.map(\.value) + [0x305D, 0x308C, 0x305E, 0x308C, 0x306E, 0x5834, 0x6240]
        ),
        (
            "O <hitotsu><yane><no><shita>2", "2-u9tlzr9756bt3uc0v",
            [0x3072, 0x3068, 0x3064, 0x5C4B, 0x6839, 0x306E, 0x4E0B, 0x32]
        ),
        (
            "P Maji<de>Koi<suru>5<byou><mae>", "MajiKoi5-783gue6qz075azm5e",
            [0x4D, 0x61, 0x6A, 0x69, 0x3067, 0x4B, 0x6F, 0x69, 0x3059, 0x308B, 0x35, 0x79D2, 0x524D]
        ),
        (
            "Q <pafii>de<runba>", "de-jg4avhby1noc0d",
            [0x30D1, 0x30D5, 0x30A3, 0x30FC, 0x64, 0x65, 0x30EB, 0x30F3, 0x30D0]
        ),
        ("R <sono><supiido><de>", "d9juau41awczczp", [0x305D, 0x306E, 0x30B9, 0x30D4, 0x30FC, 0x30C9, 0x3067]),
        ("S -> $1.00 <-", "-> $1.00 <--", "-> $1.00 <-".unicodeScalars.map(\.value)),
    ]

    @Test("RFC 3492 section 7.1 samples decode and encode", arguments: vectors)
    func rfc3492(sample: String, encoded: String, codePoints: [UInt32]) throws {
        let scalars = codePoints.compactMap(Unicode.Scalar.init)
        #expect(try Punycode.decode(Array(encoded.utf8)) == scalars)
        // Sample I's upper-case D is a case annotation of RFC 3492 appendix A, which IDNA ignores.
        let expected = sample.hasPrefix("I ") ? encoded.lowercased() : encoded
        #expect(try Punycode.encode(scalars) == expected)
    }

    @Test("the decoder refuses bad digits, truncation, overflow and invalid code points")
    func decoderFailures() throws {
        #expect(throws: Punycode.Failure.invalidCharacter) { try Punycode.decode(Array("abc!".utf8)) }
        #expect(throws: Punycode.Failure.invalidCharacter) { try Punycode.decode(Array("ab-cdé".utf8)) }
        #expect(throws: Punycode.Failure.truncated) { try Punycode.decode(Array("z".utf8)) }
        #expect(throws: Punycode.Failure.overflow) {
            try Punycode.decode(Array(String(repeating: "9", count: 40).utf8))
        }
        // U+D800, a surrogate, and 0x110000, beyond Unicode; U+10FFFF itself decodes.
        #expect(throws: Punycode.Failure.invalidCodePoint) { try Punycode.decode(Array("ib9b".utf8)) }
        #expect(throws: Punycode.Failure.invalidCodePoint) { try Punycode.decode(Array("en32g".utf8)) }
        #expect(try Punycode.decode(Array("dn32g".utf8)) == ["\u{10FFFF}"])
    }

    /// (Unicode domain, ASCII domain): each converts to the other.
    static let roundTrips: [(String, String)] = [
        ("bücher.de", "xn--bcher-kva.de"),
        ("例子.测试", "xn--fsqu00a.xn--0zwm56d"),
        ("παράδειγμα.δοκιμή", "xn--hxajbheg2az3al.xn--jxalpdlp"),
        ("пример.испытание", "xn--e1afmkfd.xn--80akhbyknj4f"),
        ("דוגמה.ישראל", "xn--6dbbec0c.xn--4dbrk0ce"),
        ("ตัวอย่าง.ไทย", "xn--72c1a1bt4awk9o.xn--o3cw4h"),
        ("실례.테스트", "xn--9n2bp8q.xn--9t4b11yi5a"),
        ("例え.テスト", "xn--r8jz45g.xn--zckzah"),
        ("உதாரணம்.பரிட்சை", "xn--zkc6cc5bi7f6e.xn--hlcj6aya9esc7a"),
        ("उदाहरण.परीक्षा", "xn--p1b6ci4b4b3a.xn--11b5bs3a9aj6g"),
        ("ὀδυσσεύς.gr", "xn--pxac3bcak3d8526a.gr"),
    ]

    @Test("IDNA converts both ways", arguments: roundTrips)
    func idnaRoundTrip(unicode: String, ascii: String) throws {
        #expect(try EmailAddress("user@" + unicode).asciiDomain == ascii)
        #expect(try EmailAddress("user@" + ascii).domain == unicode)
        #expect(try EmailAddress("user@" + ascii.uppercased()).domain == unicode)
    }

    @Test("code points IDNA 2008 allows, derived from Unicode properties")
    func codePointStatus() {
        let valid: [Unicode.Scalar] = ["a", "0", "-", "ß", "ς", "ü", "例", "\u{301}", "\u{6FD}", "\u{3007}"]
        let disallowed: [Unicode.Scalar] = [
            "A", "_", "Ü", "❤", "\u{200D}", "\u{640}", "\u{1100}", "\u{20D0}", "\u{378}",
        ]
        for scalar in valid { #expect(IDNA.status(of: scalar) == .valid, "\(scalar)") }
        for scalar in disallowed { #expect(IDNA.status(of: scalar) == .disallowed, "\(scalar)") }
        #expect(IDNA.status(of: "\u{B7}") == .contextual)
        #expect(IDNA.isValidInContext(Array("l\u{B7}l".unicodeScalars), at: 1))
        #expect(!IDNA.isValidInContext(Array("a\u{B7}b".unicodeScalars), at: 1))
    }
}

/// Bulwark's verdicts against PyPI email-validator 2.4.0's on the fixture that
/// `scripts/email/syntax-set.py` writes (email-validator configured as Bulwark's defaults).
@Suite("Email syntax agreement with email-validator")
struct EmailSyntaxAgreementTests {
    struct Row: Decodable {
        let address: String
        let valid: Bool
        let asciiDomain: String?
        let normalized: String?
        let reason: String?
    }

    /// Every address on which the two disagree on purpose, and why. Keep it short: anything else
    /// is a bug on one side.
    static let knownDifferences: [String: String] = {
        let octets =
            "RFC 5321 limits the local part to 64 octets; email-validator counts characters, so a non-ASCII local "
            + "part of at most 64 characters but more than 64 octets passes there"
        return [
            String(repeating: "é", count: 33) + "@example.com": octets,
            String(repeating: "é", count: 40) + "@example.com": octets,
            String(repeating: "é", count: 64) + "@example.com": octets,
            String(repeating: "用", count: 22) + "@example.com": octets,
        ]
    }()

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("email-syntax.jsonl")

    @Test("verdicts, ASCII domains and normalised forms agree, except the listed differences")
    func agreement() throws {
        // Lines are split on the newline byte: an address may hold U+2028 or U+0085, which JSON
        // leaves unescaped and which line-splitting by characters would break on.
        let data = try Data(contentsOf: Self.fixture)
        let decoder = JSONDecoder()
        var total = 0
        var agreed = 0
        var differences: Set<String> = []
        var unexplained: [String] = []
        for line in data.split(separator: UInt8(ascii: "\n")) {
            let row = try decoder.decode(Row.self, from: Data(line))
            total += 1
            let address = try? EmailAddress(row.address)
            let shown = String(reflecting: row.address)
            if (address != nil) != row.valid {
                if Self.knownDifferences[row.address] != nil {
                    differences.insert(row.address)
                } else {
                    unexplained.append(
                        "\(shown): email-validator \(row.valid ? "accepts" : "rejects: \(row.reason ?? "")")"
                    )
                }
                continue
            }
            #expect(Self.knownDifferences[row.address] == nil, "listed as a difference but agrees: \(shown)")
            if let address, address.asciiDomain != row.asciiDomain || address.normalized != row.normalized {
                unexplained.append(
                    "\(shown): \(address.asciiDomain) \(address.normalized), email-validator "
                        + "\(row.asciiDomain ?? "") \(row.normalized ?? "")"
                )
                continue
            }
            agreed += 1
        }
        #expect(total >= 400)
        #expect(unexplained.isEmpty, "\(unexplained.count) unexplained differences: \(unexplained.prefix(10))")
        #expect(differences.count == Self.knownDifferences.count, "listed differences not in the fixture")
        #expect(Double(agreed) / Double(total) >= 0.99, "agreement \(agreed) of \(total)")
    }
}

@Suite("Disposable and free email domains")
struct EmailDomainListsTests {
    let lists = EmailDomainLists.shared

    @Test("the bundled lists: a domain, its subdomains, neither, and disposable over free")
    func bundled() {
        #expect(lists.disposableCount > 10_000)
        #expect(lists.freeCount > 4_000)
        let cases: [(String, Bool, Bool)] = [
            ("mailinator.com", true, false),  // on both lists: disposable wins
            ("yopmail.com", true, false),
            ("inbox.mailinator.com", true, false),
            ("a.b.mailinator.com", true, false),
            ("MAILINATOR.COM", true, false),
            ("x.co.cc", true, false),
            ("gmail.com", false, true),
            ("mail.gmail.com", false, true),
            ("yahoo.co.jp", false, true),
            ("fastmail.com", false, true),  // on the disposable project's allowlist
            ("proton.me", false, true),
            ("example-corporation.com", false, false),
            ("gmail.com.example-corporation.com", false, false),
            ("xmailinator.com", false, false),
            ("mailinator.com.example-corporation.com", false, false),
            ("com", false, false),
            ("", false, false),
        ]
        for (domain, disposable, free) in cases {
            let found = lists.classify(asciiDomain: domain)
            #expect(found.disposable == disposable, "\(domain)")
            #expect(found.free == free, "\(domain)")
        }
    }

    @Test("lists from text: blank lines and spaces ignored, case folded, overlap reported as disposable")
    func fromText() {
        let lists = EmailDomainLists(
            disposable: "throwaway.example\n\n  Both.Example \n",
            free: "both.example\nfree.example"
        )
        #expect(lists.disposableCount == 2)
        #expect(lists.freeCount == 2)
        #expect(lists.classify(asciiDomain: "throwaway.example") == (true, false))
        #expect(lists.classify(asciiDomain: "x.both.example") == (true, false))
        #expect(lists.classify(asciiDomain: "free.example") == (false, true))
        #expect(lists.classify(asciiDomain: "example") == (false, false))
    }
}
