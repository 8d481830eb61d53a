#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension IPAddress {
    /// The address of a socket address, read from its bytes (no text round trip): what a
    /// framework's peer address gives, through NIO's `SocketAddress.withSockAddr`. `nil` for any
    /// family but IPv4 and IPv6.
    ///
    /// ```swift
    /// let peer = remoteAddress.withSockAddr { pointer, _ in IPAddress(sockaddr: pointer) }
    /// ```
    public init?(sockaddr pointer: UnsafePointer<sockaddr>) {
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET:
            let address = UnsafeRawPointer(pointer).loadUnaligned(as: sockaddr_in.self)
            self.init(ipv4: UInt32(bigEndian: address.sin_addr.s_addr))
        case AF_INET6:
            let address = UnsafeRawPointer(pointer).loadUnaligned(as: sockaddr_in6.self)
            var bits: UInt128 = 0
            withUnsafeBytes(of: address.sin6_addr) { bytes in
                for byte in bytes { bits = bits << 8 | UInt128(byte) }
            }
            self.init(ipv6: bits)
        default:
            return nil
        }
    }
}
