#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A UDP socket bound to an ephemeral port on 127.0.0.1 that never reads: a nameserver that never
/// answers, or (closed at once) a way to find a free port.
final class LoopbackUDPSocket {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The port the kernel chose.
    let port: Int
    private var descriptor: Int32

    init() throws {
        #if canImport(Darwin)
        let type = SOCK_DGRAM
        #else
        let type = Int32(SOCK_DGRAM.rawValue)
        #endif
        (descriptor, port) = try Self.bindLoopback(type: type)
    }

    /// A socket of `type` bound to an ephemeral port on 127.0.0.1, and that port.
    static func bindLoopback(type: Int32) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, type, 0)
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            let code = errno
            closeDescriptor(descriptor)
            throw Failure(description: "cannot bind a socket on 127.0.0.1: errno \(code)")
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// How many datagrams have arrived and wait unread, read (and discarded) without blocking.
    func drainDatagrams() -> Int {
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while descriptor >= 0 {
            let received = buffer.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            guard received >= 0 else { break }
            count += 1
        }
        return count
    }

    /// Closes the socket (once).
    func close() {
        guard descriptor >= 0 else { return }
        Self.closeDescriptor(descriptor)
        descriptor = -1
    }

    static func closeDescriptor(_ descriptor: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #elseif canImport(Musl)
        _ = Musl.close(descriptor)
        #else
        _ = Darwin.close(descriptor)
        #endif
    }

    deinit { close() }

    /// A port that was free a moment ago.
    static func freePort() throws -> Int {
        let socket = try LoopbackUDPSocket()
        socket.close()
        return socket.port
    }
}
