import Testing

@testable import Bulwark

/// The filter language's regular expressions. The tables' expectations are what RE2's
/// `PartialMatch` answers for the same pattern and text (they were checked against RE2 itself);
/// where this engine deliberately differs from RE2 a test of its own says so.
@Suite("Filter regular expressions")
struct FilterRegexTests {
    static let literalsAndEscapesCases: [(String, String, Bool)] = [
        ("abc", "xxabcxx", true),
        ("abc", "ab c", false),
        ("", "anything", true),
        ("", "", true),
        (#"a\.c"#, "a.c", true),
        (#"a\.c"#, "abc", false),
        (#"\\"#, "back\\slash", true),
        (#"^\t\n\r\f\v\a$"#, "\t\n\r\u{C}\u{B}\u{7}", true),
        (#"\x41\x{42}"#, "AB", true),
        (#"\x{1F600}"#, "smile 😀", true),
        (#"caf\x{e9}"#, "caf\u{E9}", true),
        (#"\*\+\?\(\)\[\]\{\}\|\^\$"#, "*+?()[]{}|^$", true),
        (##"\/\-\_\ \#\~"##, "/-_ #~", true),
        ("a]b}", "a]b}", true),
        (".", "", false),
        ("a.c", "a\nc", false),
        ("(?s)a.c", "a\nc", true),
        ("a.c", "a😀c", true),
        ("^.$", "\u{E9}", true),
        ("^..$", "e\u{301}", true),
    ]

    static let classesCases: [(String, String, Bool)] = [
        ("[abc]", "xxbxx", true),
        ("[abc]", "xyz", false),
        ("^[a-f0-9]+$", "deadbeef42", true),
        ("^[a-f0-9]+$", "deadbeeg42", false),
        ("^[^a-z]+$", "ABC123", true),
        ("^[^a-z]+$", "ABc", false),
        ("[]a]", "]", true),
        ("[^]a]", "]a", false),
        ("[a-]", "-", true),
        ("[-a]", "-", true),
        (#"[\]\\]"#, "\\", true),
        (#"^[\d.]+$"#, "3.14", true),
        (#"^[\w-]+$"#, "foo-bar_1", true),
        (#"^[\w-]+$"#, "foo bar", false),
        (#"[^\s]"#, "  \t ", false),
        (#"[\x{41}-\x5A]"#, "Q", true),
        ("[[:alpha:]]+[[:digit:]]", "abc1", true),
        ("^[[:^alpha:]]+$", "123-!", true),
        ("^[[:xdigit:][:space:]]+$", "ff 0A\t9", true),
        ("[[:punct:]]", "abc", false),
        ("[[:upper:]]", "abc", false),
        ("[[:word:]]", "_", true),
        ("[α-ω]", "λ", true),
        ("^[^α-ω]$", "λ", false),
        (#"[\x{1F600}-\x{1F64F}]"#, "ok 😃", true),
        ("[é]", "\u{E9}", true),
        ("^[^é]$", "e", true),
    ]

    static let perlClassesCases: [(String, String, Bool)] = [
        (#"\d+"#, "abc123", true),
        (#"\d"#, "\u{663}", false),
        (#"^\D+$"#, "abc", true),
        (#"\w"#, "\u{E9}", false),
        (#"^\W+$"#, "\u{E9}!", true),
        (#"\s"#, "a b", true),
        (#"\s"#, "ab", false),
        (#"^\S+$"#, "a\u{A0}b", true),
        (#"^\w+$"#, "snake_case_9", true),
    ]

    static let anchorsCases: [(String, String, Bool)] = [
        ("^abc", "abcdef", true),
        ("^abc", "xabc", false),
        ("abc$", "xxabc", true),
        ("abc$", "abc\n", false),
        ("(?m)abc$", "abc\ndef", true),
        ("(?m)^def", "abc\ndef", true),
        ("^def", "abc\ndef", false),
        (#"(?m)\Adef"#, "abc\ndef", false),
        (#"(?m)abc\z"#, "abc\n", false),
        (#"\Aabc\z"#, "abc", true),
        ("(?m)^$", "a\n\nb", true),
        ("(?m)^b$", "a\nb", true),
        ("^$", "", true),
        ("^$", "a", false),
        ("a^b", "a^b", false),
        ("a$b", "a$b", false),
        (#"\bfoo\b"#, "a foo b", true),
        (#"\bfoo\b"#, "afoob", false),
        (#"\Bfoo\B"#, "afoob", true),
        (#"\bcafé\b"#, "caf\u{E9}", false),
        (#"\bcafé"#, "caf\u{E9}", true),
        (#"\b"#, "", false),
        (#"\B"#, "", true),
        (#"\b"#, "!", false),
    ]

    static let groupsAndAlternationCases: [(String, String, Bool)] = [
        ("(abc|def)ghi", "xdefghi", true),
        ("(abc|def)ghi", "abcdef", false),
        ("(?:a|b)+c", "ababc", true),
        ("a|b|", "xyz", true),
        (#"(?P<year>\d{4})-(?<month>\d{2})"#, "on 2024-05", true),
        ("()", "", true),
        ("x(?:)y", "xy", true),
        ("^(a|ab)(c|bcd)$", "abcd", true),
        ("^(?:(?:a|b)c|d)+$", "acbcd", true),
        ("^(?:(?:a|b)c|d)+$", "acbd c", false),
    ]

    static let repetitionsCases: [(String, String, Bool)] = [
        ("ab*c", "ac", true),
        ("ab+c", "ac", false),
        ("ab?c", "abbc", false),
        ("^a{3}$", "aaa", true),
        ("^a{3}$", "aaaa", false),
        ("^a{2,}$", "aaaaa", true),
        ("^a{2,}$", "a", false),
        ("^a{2,4}$", "aaaa", true),
        ("^a{2,4}$", "aaaaa", false),
        ("^(ab){1,2}$", "abab", true),
        ("^(ab){1,2}$", "ababab", false),
        ("^x{0}$", "", true),
        ("^a{0,0}b$", "b", true),
        ("^a*?b+?c??d{1,2}?$", "aabbd", true),
        ("(a*)*$", "b", true),
        ("^(a|b)*?c$", "ababc", true),
        ("^(a*)+$", "aaa", true),
        ("^(a?){3}a{3}$", "aaa", true),
        ("^(?:a+|b)*$", "aabba", true),
        ("^$*", "", true),
    ]

    static let flagsCases: [(String, String, Bool)] = [
        ("(?i)hello", "HeLLo world", true),
        ("hello", "HELLO", false),
        ("(?i:a)b", "Ab", true),
        ("(?i:a)b", "AB", false),
        ("a(?i)b", "aB", true),
        ("a(?i)b", "AB", false),
        ("(?i)[a-c]+$", "ABC", true),
        ("(?i)[^a]", "A", false),
        ("(?i)é", "\u{C9}", true),
        ("(?i)σ", "Σ", true),
        ("(?i)K", "\u{212A}", true),
        (#"(?i)\x{212A}"#, "k", true),
        ("(?i)s", "\u{17F}", true),
        ("(?i)[a-z]", "\u{212A}", true),
        ("(?i)straße", "STRASSE", false),
        ("(?i-i)a", "A", false),
        ("(?i)a(?-i)b", "Ab", true),
        ("(?i)a(?-i)b", "AB", false),
        ("(a(?i)b)c", "aBc", true),
        ("(a(?i)b)c", "aBC", false),
        ("(?i)(?:x|(?-i:y))Y", "yy", true),
        ("(?i)(?:x|(?-i:y))Y", "Yy", false),
        ("(?s:.)", "\n", true),
        ("(?s).(?-s).", "\n\n", false),
        ("(?U)a+b", "aaab", true),
        ("(?im)^HELLO$", "x\nhello\ny", true),
        ("(?i)[[:upper:]]", "a", true),
        (#"(?i)\W"#, "k", false),
        ("(?i)Ǆ", "ǆ", true),
    ]

    static let unicodeCases: [(String, String, Bool)] = [
        ("日本", "こんにちは日本語", true),
        ("^.{3}$", "日本語", true),
        ("^.{3}$", "日本", false),
        ("語$", "日本語", true),
        (#"\x{65E5}"#, "日", true),
        ("^[^a]$", "日", true),
        ("^😀+$", "😀😀", true),
        ("😀", "😁", false),
        ("ü", "u\u{308}", false),
        ("^[а-я]+$", "привет", true),
    ]

    /// Matches `text` both as a string and as UTF-8 bytes, which must agree.
    func check(_ pattern: String, _ text: String, _ expected: Bool) throws {
        let regex = try FilterRegex(pattern)
        #expect(regex.matches(text) == expected, "\(pattern) on \(text.debugDescription)")
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { regex.matches(utf8: $0) } == expected)
    }

    @Test("literals, escapes and the dot", arguments: FilterRegexTests.literalsAndEscapesCases)
    func literalsAndEscapes(pattern: String, text: String, expected: Bool) throws {
        try check(pattern, text, expected)
    }

    @Test("classes: ranges, negation, escapes and POSIX classes", arguments: FilterRegexTests.classesCases)
    func classes(pattern: String, text: String, expected: Bool) throws {
        try check(pattern, text, expected)
    }

    @Test("Perl classes have ASCII meanings", arguments: FilterRegexTests.perlClassesCases)
    func perlClasses(pattern: String, text: String, expected: Bool) throws {
        try check(pattern, text, expected)
    }

    @Test("anchors, multi-line mode and word boundaries", arguments: FilterRegexTests.anchorsCases)
    func anchors(pattern: String, text: String, expected: Bool) throws {
        try check(pattern, text, expected)
    }

    @Test("groups and alternation", arguments: FilterRegexTests.groupsAndAlternationCases)
    func groupsAndAlternation(pattern: String, text: String, expected: Bool) throws {
        try check(pattern, text, expected)
    }

    @Test("repetitions, greedy and lazy", arguments: FilterRegexTests.repetitionsCases)
    func repetitions(pattern: String, text: String, expected: Bool) throws {
        try check(pattern, text, expected)
    }

    @Test("flags, scoped and unscoped, and case-insensitivity", arguments: FilterRegexTests.flagsCases)
    func flags(pattern: String, text: String, expected: Bool) throws {
        try check(pattern, text, expected)
    }

    @Test("Unicode text is matched a character at a time", arguments: FilterRegexTests.unicodeCases)
    func unicode(pattern: String, text: String, expected: Bool) throws {
        try check(pattern, text, expected)
    }

    @Test("\\s also matches the vertical tab, as the Rust crate's ASCII \\s does (RE2's does not)")
    func verticalTab() throws {
        #expect(try FilterRegex(#"\s"#).matches("\u{B}"))
        #expect(try FilterRegex("[[:space:]]").matches("\u{B}"))
    }

    static let syntaxErrorCases: [(String, Int)] = [
        ("(a", 0),
        ("a)", 1),
        ("a(b(c)", 1),
        ("(?i", 0),
        ("*a", 0),
        ("{", 0),
        ("a|*", 2),
        ("(?i)*", 4),
        ("a**", 2),
        ("a{2}{3}", 4),
        ("a{2}*", 4),
        ("a{}", 1),
        ("a{,3}", 1),
        ("x{", 1),
        ("a{2", 1),
        ("a{3,2}", 1),
        ("a{1001}", 2),
        ("a{2,1001}", 4),
        ("[abc", 0),
        ("[]", 0),
        ("[z-a]", 1),
        (#"x[a-\d]"#, 2),
        ("[[:foo:]]", 1),
        ("[a[b]", 2),
        ("[a&&b]", 2),
        (#"[\b]"#, 1),
        (#"\1"#, 0),
        (#"(a)\1"#, 3),
        ("(?P=n)", 0),
        (#"\0"#, 0),
        ("(?=a)", 0),
        ("(?!a)", 0),
        ("x(?<=a)", 1),
        ("(?<!a)", 0),
        (#"\q"#, 0),
        (#"\Z"#, 0),
        (#"\<"#, 0),
        (#"\pL"#, 0),
        (#"ab\"#, 2),
        (#"é\q"#, 2),
        (#"\x4"#, 0),
        (#"\x{110000}"#, 0),
        (#"\x{D800}"#, 0),
        ("(?x)a", 2),
        ("(?#comment)", 2),
        ("(?)", 2),
        ("(?i-)", 4),
        ("(?<n", 0),
        ("(?P<1a>x)", 4),
        ("(?P<n>a)(?P<n>b)", 12),
    ]

    @Test("refused patterns name the UTF-8 byte offset of the problem", arguments: FilterRegexTests.syntaxErrorCases)
    func syntaxErrors(pattern: String, offset: Int) {
        let error = #expect(throws: FilterRegex.SyntaxError.self) { try FilterRegex(pattern) }
        #expect(error?.offset == offset, "\(pattern): \(String(describing: error))")
    }

    @Test("a syntax error describes itself with its offset")
    func syntaxErrorDescription() {
        let error = #expect(throws: FilterRegex.SyntaxError.self) { try FilterRegex(#"é\q"#) }
        #expect(error?.description == "unknown escape (at byte 2 of the pattern)")
    }

    @Test("the pattern's length, nesting, counts and compiled size are limited")
    func limits() throws {
        _ = try FilterRegex(String(repeating: "a", count: 1_024))
        let long = #expect(throws: FilterRegex.SyntaxError.self) {
            try FilterRegex(String(repeating: "a", count: 1_025))
        }
        #expect(long?.offset == 1_024)

        let nested32 = String(repeating: "(", count: 32) + "a" + String(repeating: ")", count: 32)
        #expect(try FilterRegex(nested32).matches("a"))
        let nested33 = String(repeating: "(", count: 33) + "a" + String(repeating: ")", count: 33)
        let deep = #expect(throws: FilterRegex.SyntaxError.self) { try FilterRegex(nested33) }
        #expect(deep?.offset == 32)

        #expect(try FilterRegex("^a{1000}$").matches(String(repeating: "a", count: 1_000)))

        // `.*` is three instructions; 1 + 999 optional copies of four, and the final match.
        let dotStars = try FilterRegex("(.*){1,1000}")
        #expect(dotStars.instructionCount == 4_000)
        #expect(try FilterRegex("^(.*){1,1000}$").matches("abc"))
        #expect(try FilterRegex("(.*){1,1000}x").matches("abc") == false)

        let nestedCounts = #expect(throws: FilterRegex.SyntaxError.self) { try FilterRegex("((.*){1,1000}){1,1000}") }
        #expect(nestedCounts?.offset == 14)
        let product = #expect(throws: FilterRegex.SyntaxError.self) { try FilterRegex("(a{100}){101}") }
        #expect(product?.offset == 8)

        // Exactly at the limit: 9,999 characters and the final match.
        let atLimit = try FilterRegex(String(repeating: "a{1000}", count: 9) + "a{999}")
        #expect(atLimit.instructionCount == FilterRegex.maxInstructions)
        let overLimit = #expect(throws: FilterRegex.SyntaxError.self) {
            try FilterRegex(String(repeating: "a{1000}", count: 9) + "a{999}b")
        }
        #expect(overLimit?.offset == 69)
        let sum = #expect(throws: FilterRegex.SyntaxError.self) {
            try FilterRegex(String(repeating: "a{1000}", count: 10))
        }
        #expect(sum?.offset == 63)
    }

    static let hostileCases: [(String, String, Bool)] = [
        ("(a*)*b", String(repeating: "a", count: 8_000), false),
        ("(a|aa)*c", String(repeating: "a", count: 8_000), false),
        ("(a|a)*b", String(repeating: "a", count: 8_000), false),
        ("(x+x+)+y", String(repeating: "x", count: 8_000), false),
        ("((((a*)*)*)*)*b", String(repeating: "a", count: 8_000), false),
        ("^((((a*)*)*)*)*$", String(repeating: "a", count: 8_000), true),
        ("((((a*)*)*)*)*", String(repeating: "a", count: 8_000), true),
        ("^(?:a?){100}a{100}$", String(repeating: "a", count: 100), true),
        (#"^(\w+\s?)*$"#, String(repeating: "word ", count: 400) + "!", false),
        ("^(([a-z])+.)+[A-Z]([a-z])+$", String(repeating: "a", count: 2_000) + "!", false),
        (
            "^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}"
                + "(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
            String(repeating: "a", count: 2_000) + "!", false
        ),
    ]

    @Test("hostile patterns and inputs take linear time", arguments: FilterRegexTests.hostileCases)
    func linearTime(pattern: String, text: String, expected: Bool) throws {
        let regex = try FilterRegex(pattern)
        #expect(regex.matches(text, maxInputBytes: .max) == expected)
        // Linear time, counted rather than timed: at each position every live thread is one of the
        // program's instructions, so a search may never need more steps than instructions × positions.
        // A backtracking engine would need exponentially many on these inputs.
        let linearBound = regex.instructionCount * (text.utf8.count + 1)
        #expect(regex.match(text, maxInputBytes: .max, stepBudget: linearBound) == expected, "\(pattern)")
    }

    @Test("only the first maxInputBytes bytes are inspected; assertions at the cut see the text beyond it")
    func inputLimit() throws {
        let long = String(repeating: "a", count: 9_000)
        #expect(try FilterRegex("b").matches(long + "b") == false)
        #expect(try FilterRegex("b").matches(long + "b", maxInputBytes: 10_000))
        #expect(try FilterRegex("^a+").matches(long))
        #expect(try FilterRegex("a$").matches(long) == false)
        #expect(try FilterRegex("a$").matches(long, maxInputBytes: 9_000))
        #expect(try FilterRegex(#"a\b"#).matches(String(repeating: "a", count: 8_192) + "b") == false)
        #expect(try FilterRegex(#"a\b"#).matches(String(repeating: "a", count: 8_192) + "!"))
        #expect(try FilterRegex("a").matches("xa", maxInputBytes: 1) == false)
        #expect(try FilterRegex("a").matches("abc", maxInputBytes: 0) == false)
        #expect(try FilterRegex("").matches("abc", maxInputBytes: 0))
        // A character that starts before the cut is read whole.
        #expect(try FilterRegex("^é$").matches("é", maxInputBytes: 1))
    }

    static let illFormedCases: [(String, [UInt8], Bool)] = [
        ("^a.b$", [0x61, 0xFF, 0x62], true),
        ("^a.b$", [0x61, 0xE2, 0x82, 0x62], true),
        ("^a..b$", [0x61, 0xE2, 0x82, 0x62], false),
        (#"^\x{FFFD}{2}$"#, [0xC0, 0x80], true),
        (#"^\x{FFFD}{3}$"#, [0xED, 0xA0, 0x80], true),
        (#"^\x{FFFD}{4}$"#, [0xF0, 0x80, 0x80, 0x80], true),
        (#"^\x{FFFD}{4}$"#, [0xF4, 0x90, 0x80, 0x80], true),
        (#"^\x{FFFD}$"#, [0xF0, 0x9F, 0x98], true),
        ("^é$", [0xC3, 0xA9], true),
        ("é", [0xA9, 0xC3], false),
        ("b", [0xE2, 0x62], true),
        (#"\x{FFFD}"#, [0x61, 0x80], true),
        (#"\bb"#, [0xFF, 0x62], true),
    ]

    @Test(
        "ill-formed UTF-8 reads as U+FFFD, once per maximal ill-formed subsequence",
        arguments: FilterRegexTests.illFormedCases
    )
    func illFormed(pattern: String, bytes: [UInt8], expected: Bool) throws {
        let regex = try FilterRegex(pattern)
        #expect(bytes.withUnsafeBufferPointer { regex.matches(utf8: $0) } == expected)
    }

    @Test("values are equal, and hash alike, when their patterns are the same text")
    func equality() throws {
        #expect(try FilterRegex("a+") == FilterRegex("a+"))
        #expect(try FilterRegex("a+") != FilterRegex("a*"))
        let set: Set<FilterRegex> = try [FilterRegex("a+"), FilterRegex("a+"), FilterRegex("b")]
        #expect(set.count == 2)
    }
}
