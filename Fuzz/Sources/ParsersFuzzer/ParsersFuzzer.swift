@_spi(Testing) @_spi(Benchmarking) import Bulwark
import BulwarkRedis
import Foundation
import HTTPTypes
import NIOCore

/// One fuzz input drives every parser of untrusted text in the core: IP addresses and blocks,
/// forwarded-for hops, cookies and query arguments, characteristics, a rules document, and Shield's
/// decoders, tokenizers and body readers (the input as a value, a path, and a JSON, multipart,
/// XML, form and text body), the bytes as a DNS response, and filter expressions (the input as an
/// expression, evaluated on fixed requests, and as the contents of a string, a regular expression,
/// a wildcard and a set), the input as text scanned for sensitive information (then redacted) and
/// as an email address (then through Punycode), as a message scored for prompt injection (through
/// the normaliser's decoders) and as a User-Agent for the bot catalogue, and the bytes as Redis
/// replies (RESP) and the text as a Redis URL. Any crash, hang or sanitizer report is a bug; so is
/// an address whose canonical text parses to a different address, or a filter error outside its
/// expression.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let text = String(decoding: bytes, as: UTF8.self)

    if let address = IPAddress(text) {
        let canonical = address.description
        guard IPAddress(canonical) == address else {
            fatalError("round trip: '\(text)' → '\(canonical)' → \(String(describing: IPAddress(canonical)))")
        }
    }
    if let block = CIDR(text) {
        precondition(block.contains(block.network), "\(block) must contain its own network")
    }

    var headers = HTTPFields()
    if HTTPField.isValidValue(text) {
        headers[HTTPField.Name("x-forwarded-for")!] = text
        headers[.cookie] = text
        headers[HTTPField.Name("cf-connecting-ip")!] = text
    }
    let resolver = ClientIPResolver(proxies: IPSet([CIDR("10.0.0.0/8")!, CIDR("::/0")!]), platform: .cloudflare)
    if let client = resolver.clientIP(peer: IPAddress("10.0.0.1"), headers: headers), client != IPAddress("10.0.0.1") {
        precondition(client.isGlobal, "a header gave a non-global client address \(client)")
    }

    let path = "/p?" + text.replacingOccurrences(of: "#", with: "")
    let request = BulwarkRequest(authority: "example.com", path: path, headers: headers, remoteAddress: text)
    _ = request.queryArgument("a")
    _ = request.cookie("session")
    _ = request.host

    let shield = shieldUnderFuzz
    _ = shield.inspect(value: text)
    _ = shield.inspect(request)
    for contentType in shieldBodyTypes {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        _ = shield.inspect(BulwarkRequest(method: .post, path: "/", headers: fields, body: Array(bytes)))
    }

    if let response = try? DNSResponse(parsing: Array(bytes)) {
        // Every answer takes at least 11 bytes, and a name at most 255 on the wire (4 characters a
        // byte once escaped).
        precondition(response.answers.count <= count / 11, "\(response.answers.count) answers in \(count) bytes")
        for record in response.answers {
            precondition(record.name.utf8.count <= 1_020, "a \(record.name.utf8.count)-character name")
        }
    }

    fuzzFilter(text)
    fuzzMMDB(Array(bytes))
    fuzzSensitiveInfo(text)
    fuzzEmail(text)
    fuzzPromptInjection(text)
    fuzzUserAgent(text)
    fuzzRedis(bytes, text)

    _ = try? Characteristic(text)
    _ = try? JSONDecoder().decode(BulwarkConfiguration.self, from: Data(bytes))
    if let configuration = try? JSONDecoder().decode(BulwarkConfiguration.self, from: Data(bytes)) {
        _ = try? Bulwark(configuration: configuration)
    }
    return 0
}

/// Reads the bytes as a MaxMind DB, and as the search tree and data section of one under valid
/// metadata (so that the fuzzer reaches the tree walk and the decoder without finding the marker),
/// then looks up a spread of addresses. Every failure must be an `MMDBError`.
func fuzzMMDB(_ bytes: [UInt8]) {
    let probes = ["1.1.1.1", "0.0.0.0", "255.255.255.255", "81.2.69.160", "::", "2001:db8::1", "::1.1.1.1"]
        .map { IPAddress($0)! }
    func probe(_ reader: MMDBReader) {
        for address in probes {
            if let found = try? reader.lookup(address) { precondition(found.prefixLength <= 128) }
        }
    }
    if let reader = try? MMDBReader(bytes: bytes) { probe(reader) }
    guard let first = bytes.first else { return }
    func string(_ text: String) -> [UInt8] { [0x40 | UInt8(text.utf8.count)] + Array(text.utf8) }
    func uint32(_ value: Int) -> [UInt8] { [0xC4] + withUnsafeBytes(of: UInt32(value).bigEndian, Array.init) }
    let recordSize = [24, 28, 32][Int(first) % 3]
    let nodeCount = Int(first >> 2)
    var metadata: [UInt8] = [0xE5]
    metadata += string("binary_format_major_version") + uint32(2)
    metadata += string("record_size") + uint32(recordSize)
    metadata += string("ip_version") + uint32(first & 0x80 == 0 ? 6 : 4)
    metadata += string("node_count") + uint32(nodeCount)
    metadata += string("database_type") + string("Fuzz")
    let marker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)
    if let reader = try? MMDBReader(bytes: Array(bytes.dropFirst()) + marker + metadata) { probe(reader) }
}

/// Compiles the text as a filter expression (and inside the literals of a few), evaluates what
/// compiles, and checks that an error points into its expression.
func fuzzFilter(_ text: String) {
    let sources = [
        text,
        "http.request.uri.path eq \"" + text + "\"",
        "http.request.uri.path matches \"" + text + "\"",
        "http.request.headers[\"x\"] wildcard \"" + text + "\"",
        "ip.src in {" + text + "}",
        "ip.src.asnum in {" + text + "} or (" + text + ")",
    ]
    for source in sources {
        do {
            let expression = try FilterExpression(source)
            for context in filterContexts { _ = expression.evaluate(context) }
        } catch {
            precondition(error.offset >= 0 && error.offset <= source.utf8.count, "offset \(error.offset) in \(source)")
            precondition(error.line >= 1 && error.column >= 1, "line \(error.line), column \(error.column)")
            precondition(error.caretLine.hasSuffix("^"), "caret line '\(error.caretLine)'")
        }
    }
}

/// Requests filter expressions are evaluated on: one where every field has a value, one where
/// almost none has.
let filterContexts: [RuleContext] = {
    var headers = HTTPFields()
    headers[.userAgent] = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    headers[.cookie] = "session=abc; theme=dark"
    headers[.referer] = "https://example.org/"
    headers[HTTPField.Name("x")!] = "Value-With-Case*"
    var details = IPDetails(address: "198.51.100.7")
    details.country = "US"
    details.region = "California"
    details.latitude = 37.77
    details.longitude = -122.42
    details.asn = 7922
    details.asnName = "Example"
    details.vpn = false
    details.hosting = true
    let full = RuleContext(
        request: BulwarkRequest(
            method: .post,
            authority: "www.example.com:8443",
            path: "/a/b?q=1&r=%2F",
            headers: headers,
            remoteAddress: "198.51.100.7",
            body: Array("{}".utf8)
        ),
        clientIP: IPAddress("198.51.100.7"),
        ip: details,
        filterLocal: ["plan": "free"]
    )
    let empty = RuleContext(request: BulwarkRequest(path: "/"), clientIP: nil)
    return [full, empty]
}()

let shieldUnderFuzz = Shield(
    sensitivity: .strict,
    limits: ShieldLimits(maxBodyBytes: 4_096, maxValues: 256, maxDepth: 16)
)
let shieldBodyTypes = [
    "application/json", "multipart/form-data; boundary=XyZ", "text/xml", "application/x-www-form-urlencoded",
    "text/plain", "",
]

/// libFuzzer's driver, called from the executable's entry point. Depending on how the linker
/// resolves `main`, libFuzzer's own `main` (which calls `LLVMFuzzerTestOneInput`) or this one
/// runs; both fuzz the same function.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
enum ParsersFuzzer {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { data, size in fuzz(data, size) })
    }
}

/// Scans the text for sensitive information: entities must lie inside the scanned bytes, in order and
/// without overlaps; redaction must keep the text's length in characters.
func fuzzSensitiveInfo(_ text: String) {
    let entities = SensitiveInfo.scan(text)
    var previousEnd = 0
    for entity in entities {
        precondition(entity.start >= previousEnd && entity.start < entity.end, "\(entity) after \(previousEnd)")
        precondition(entity.end <= text.utf8.count, "\(entity) past the text's \(text.utf8.count) bytes")
        previousEnd = entity.end
    }
    let redacted = SensitiveInfo.redact(text, entities: entities)
    precondition(redacted.unicodeScalars.count == text.unicodeScalars.count, "redaction changed the length")
}

/// The prompt-injection detector, loaded once: the bundled model.
let promptInjectionUnderFuzz = try? PromptInjectionDetector.bundled()

/// Scores the text for prompt injection: normalisation (NFKC, folding, the base64, hex, percent,
/// rot13, tag-character and variation-selector decoders) and the windowed model must give a
/// probability, whatever the bytes.
func fuzzPromptInjection(_ text: String) {
    guard let detector = promptInjectionUnderFuzz else { fatalError("the bundled prompt-injection model did not load") }
    let score = detector.score(text)
    precondition(score >= 0 && score <= 1, "score \(score)")
}

/// Classifies the text as a User-Agent: the literal prefilter, the bot catalogue's patterns (named
/// and generic, the generic ones searched without an Android model) must answer, the same way
/// twice, with a category for every bot.
func fuzzUserAgent(_ text: String) {
    let client = DetectedClient(classifyingUncached: text)
    precondition(DetectedClient(classifyingUncached: text) == client, "two classifications of one user agent differ")
    precondition(client.bots.isEmpty || client.browser == nil, "a bot named as a browser too")
    precondition(client.bots.isEmpty == client.categories.isEmpty, "bots without categories, or the reverse")
}

/// Parses the text as an email address under the strictest and the most lenient options; an address
/// that parses must parse again from its normalized form, and its ASCII domain must decode.
func fuzzEmail(_ text: String) {
    for options in [
        EmailSyntaxOptions(),
        EmailSyntaxOptions(requireTopLevelDomain: false, allowDomainLiteral: true),
    ] {
        guard let address = try? EmailAddress(text, options: options) else { continue }
        precondition(address.asciiDomain.utf8.allSatisfy { $0 < 0x80 }, "non-ASCII A-label domain")
        precondition((try? EmailAddress(address.normalized, options: options)) != nil, "\(address) does not re-parse")
    }
}

/// The bytes as a stream of Redis replies, read whole and in two parts; the text as a Redis URL.
func fuzzRedis(_ bytes: UnsafeRawBufferPointer, _ text: String) {
    let parser = RESPParser(
        limits: RESPLimits(maxBulkLength: 1 << 16, maxArrayCount: 1 << 12, maxDepth: 16, maxLineLength: 1 << 12)
    )
    var whole = ByteBuffer(bytes: bytes)
    var values: [RESPValue] = []
    do {
        while let value = try parser.parse(&whole) { values.append(value) }
    } catch {}
    // Split anywhere, the same replies come out: nothing is read before it is complete.
    let cut = bytes.count / 2
    var split = ByteBuffer(bytes: bytes[..<cut])
    var again: [RESPValue] = []
    do {
        while let value = try parser.parse(&split) { again.append(value) }
        split.writeBytes(bytes[cut...])
        while let value = try parser.parse(&split) { again.append(value) }
    } catch {}
    precondition(again == values, "read in two parts, the stream gave \(again.count) replies, not \(values.count)")
    _ = try? RedisConfiguration(url: text)
}
