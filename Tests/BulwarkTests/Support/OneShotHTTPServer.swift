import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP server on 127.0.0.1 that answers each connection with one response, on a thread of its
/// own: a real socket for the code that fetches documents by URL. It remembers the request lines it
/// received, so that a test can check what was asked.
final class OneShotHTTPServer: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int
    private let descriptor: Int32
    private let received = Mutex<[String]>([])

    /// The request lines received so far (`GET /path HTTP/1.1`), oldest first.
    var requestLines: [String] { received.withLock { $0 } }

    /// Starts serving `status` and `body` to every connection until ``stop()``.
    convenience init(status: Int, body: String) throws {
        try self.init { _ in (status, body) }
    }

    /// Starts answering each connection with the status and body that `respond` gives for its
    /// request line (`HEAD /avatar/… HTTP/1.1`), until ``stop()``.
    init(respond: @escaping @Sendable (_ requestLine: String) -> (status: Int, body: String)) throws {
        #if canImport(Darwin)
        let type = SOCK_STREAM
        #else
        let type = Int32(SOCK_STREAM.rawValue)
        #endif
        let (descriptor, port) = try LoopbackUDPSocket.bindLoopback(type: type)
        guard listen(descriptor, 8) == 0 else {
            LoopbackUDPSocket.closeDescriptor(descriptor)
            throw Failure(description: "cannot listen on 127.0.0.1: errno \(errno)")
        }
        self.descriptor = descriptor
        self.port = port
        let thread = Thread { [self] in
            while true {
                let connection = accept(descriptor, nil, nil)
                guard connection >= 0 else { return }  // closed by stop()
                var buffer = [UInt8](repeating: 0, count: 4096)
                var request: [UInt8] = []
                while !request.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) {
                    let count = read(connection, &buffer, buffer.count)
                    if count <= 0 { break }
                    request += buffer[0..<count]
                }
                let requestLine = String(decoding: request.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
                received.withLock { $0.append(requestLine) }
                let (status, body) = respond(requestLine)
                let response = Array(
                    ("HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\n"
                        + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body).utf8
                )
                _ = response.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                _ = close(connection)
            }
        }
        thread.start()
    }

    /// The URL of a path on this server.
    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    /// Stops accepting connections.
    func stop() {
        _ = shutdown(descriptor, Int32(SHUT_RDWR))
        LoopbackUDPSocket.closeDescriptor(descriptor)
    }
}
