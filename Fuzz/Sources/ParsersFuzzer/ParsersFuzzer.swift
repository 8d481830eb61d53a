import Bulwark
import Foundation
import HTTPTypes

/// One fuzz input drives every parser of untrusted text in the core: IP addresses and blocks,
/// forwarded-for hops, cookies and query arguments, characteristics, a rules document, and Shield's
/// decoders, tokenizers and body readers (the input as a value, a path, and a JSON, multipart,
/// XML, form and text body), and the bytes as a DNS response. Any
/// crash, hang or sanitizer report is a bug; so is an address whose canonical text parses to a
/// different address.
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

    _ = try? Characteristic(text)
    _ = try? JSONDecoder().decode(BulwarkConfiguration.self, from: Data(bytes))
    if let configuration = try? JSONDecoder().decode(BulwarkConfiguration.self, from: Data(bytes)) {
        _ = try? Bulwark(configuration: configuration)
    }
    return 0
}

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
