import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP server on 127.0.0.1 that answers each connection with one fixed response, on a thread of
/// its own: a real socket for the code that fetches documents by URL.
final class OneShotHTTPServer: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int
    private let descriptor: Int32

    /// Starts serving `status` and `body` to every connection until ``stop()``.
    init(status: Int, body: String) throws {
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
        let response = Array(
            ("HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Connection: close\r\n\r\n" + body).utf8
        )
        let thread = Thread {
            while true {
                let connection = accept(descriptor, nil, nil)
                guard connection >= 0 else { return }  // closed by stop()
                var buffer = [UInt8](repeating: 0, count: 4096)
                var received: [UInt8] = []
                while !received.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) {
                    let count = read(connection, &buffer, buffer.count)
                    if count <= 0 { break }
                    received += buffer[0..<count]
                }
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
