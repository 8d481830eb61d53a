import Testing

@testable import Bulwark

/// The catalogue's regular-expression engine, checked against what Python's `re.search` answers
/// for the same pattern and input (the catalogue's patterns are written for it).
@Suite("User-agent patterns")
struct UserAgentPatternTests {
    func matches(_ pattern: String, _ input: String, caseInsensitive: Bool = false) throws -> Bool {
        let compiled = try UserAgentPattern(pattern, caseInsensitive: caseInsensitive)
        let bytes = Array((caseInsensitive ? input.lowercased() : input).utf8)
        return bytes.withUnsafeBufferPointer { compiled.matches($0) }
    }

    @Test(
        "matches as re.search does",
        arguments: [
            ("Googlebot\\/", "Mozilla/5.0 (compatible; Googlebot/2.1)", true),
            ("Googlebot\\/", "Mozilla/5.0 (compatible; Googlebot 2.1)", false),
            ("AdsBot-Google([^-]|$)", "AdsBot-Google (+http://www.google.com/adsbot.html)", true),
            ("AdsBot-Google([^-]|$)", "AdsBot-Google", true),
            ("AdsBot-Google([^-]|$)", "AdsBot-Google-Mobile", false),
            ("[wW]get", "Wget/1.21", true),
            ("^curl", "curl/8.5.0", true),
            ("^curl", "libcurl-agent curl/8", false),
            ("(^| )sentry\\/", "x sentry/1.0", true),
            ("(^| )sentry\\/", "xsentry/1.0", false),
            ("BlogTraffic\\/\\d\\.\\d+ Feed-Fetcher", "BlogTraffic/1.42 Feed-Fetcher", true),
            ("BlogTraffic\\/\\d\\.\\d+ Feed-Fetcher", "BlogTraffic/1. Feed-Fetcher", false),
            ("Face(book){0,1}[Bb]ot", "FaceBot", true),
            ("Face(book){0,1}[Bb]ot", "Facebookbot", true),
            ("Face(book){0,1}[Bb]ot", "Facebookbookbot", false),
            ("ContextualBot[\\s\\S]*outcomes\\.net", "ContextualBot/1 (+https://outcomes.net)", true),
            ("GoogleAssociationService$", "GoogleAssociationService", true),
            ("GoogleAssociationService$", "GoogleAssociationService/2", false),
            ("[cC]laude(?:[bB]ot|-[Ww]eb)", "Claude-Web/1.0", true),
            ("[cC]laude(?:[bB]ot|-[Ww]eb)", "Claude-App", false),
            ("a.c", "a\nc", false),
            ("x{2,3}y", "xxxy", true),
            ("^x{2,3}y", "xxxxy", false),
        ]
    )
    func caseSensitive(pattern: String, input: String, expected: Bool) throws {
        #expect(try matches(pattern, input) == expected)
    }

    @Test(
        "isbot's lookarounds, word boundaries and case-insensitivity",
        arguments: [
            ("(?<! cu)bots?(?:\\b|_)", "Mozilla/5.0 (compatible; ExampleBot/1.0)", true),
            ("(?<! cu)bots?(?:\\b|_)", "Mozilla/5.0 (Linux; Android 10; CUBOT X30)", false),
            ("(?<!cam)scan", "NetScan 2.0", true),
            ("(?<!cam)scan", "CamScanner/6", false),
            ("(?<! channel/|google/)google(?!(?:wv|app|/google| pixel))", "Google-Read-Aloud", true),
            ("(?<! channel/|google/)google(?!(?:wv|app|/google| pixel))", "Mozilla/5.0 GoogleApp/1", false),
            ("(?<! channel/|google/)google(?!(?:wv|app|/google| pixel))", "android channel/google", false),
            ("^[^ ]{50,}$", String(repeating: "a", count: 60), true),
            ("^[^ ]{50,}$", String(repeating: "a", count: 30) + " " + String(repeating: "a", count: 30), false),
            ("\\bperl\\b", "libwww-perl/6.72", true),
            ("\\bperl\\b", "superlative", false),
            ("^\\w+/[\\w\\(\\)]*$", "Go-http-client/1.1", false),
            ("^\\w+/[\\w\\(\\)]*$", "okhttp/4", true),
            ("^mozilla/\\d\\.\\d\\s[\\w\\.-]+$", "Mozilla/5.0 Foo.Bar-1", true),
        ]
    )
    func caseInsensitive(pattern: String, input: String, expected: Bool) throws {
        #expect(try matches(pattern, input, caseInsensitive: true) == expected)
    }

    @Test(
        "syntax outside the subset is refused with the pattern named",
        arguments: ["(?P<name>x)", "\\1", "a**", "(a", "[abc", "(?<!a+)b", "(a*)*", "x{3,2}", "\\Z"]
    )
    func refused(pattern: String) {
        #expect(throws: UserAgentPattern.ParseError.self) { try UserAgentPattern(pattern) }
    }

    @Test("a pathological input stops at the step budget instead of running away")
    func budget() throws {
        let pattern = try UserAgentPattern("(?:a|aa)+(?:a|aa)+(?:a|aa)+b")
        let input = Array(String(repeating: "a", count: 1024).utf8)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(input.withUnsafeBufferPointer { pattern.matches($0) } == false)
        }
        // The budget is 20,000 steps per start position, so even 1,024 starts finish quickly.
        #expect(elapsed < .seconds(5))
    }

    @Test("required literals are what the prefilter needs")
    func requiredLiterals() throws {
        #expect(try UserAgentPattern("Googlebot\\/").requiredLiterals == [Array("googlebot/".utf8)])
        #expect(try UserAgentPattern("[wW]get").requiredLiterals == [Array("wget".utf8)])
        #expect(Set(try UserAgentPattern("Ahrefs(Bot|SiteAudit)").requiredLiterals) == [Array("ahrefs".utf8)])
        #expect(try UserAgentPattern("\\(\\)").requiredLiterals.isEmpty)
        #expect(
            Set(try UserAgentPattern("Chirp|gotosocial").requiredLiterals)
                == [Array("chirp".utf8), Array("gotosocial".utf8)]
        )
    }
}
