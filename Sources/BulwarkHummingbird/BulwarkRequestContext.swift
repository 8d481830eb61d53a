import Hummingbird
import NIOCore

/// A request context that knows the peer address, which Bulwark needs to tell clients apart.
///
/// Use it as your router's context, or give your own context the same `remoteAddress`
/// (conform it to `RemoteAddressRequestContext`):
///
/// ```swift
/// let router = Router(context: BulwarkRequestContext.self)
/// ```
public struct BulwarkRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's core context storage.
    public var coreContext: CoreRequestContextStorage
    /// The address of the peer that opened the connection.
    public let remoteAddress: SocketAddress?

    /// A context for a request arriving on a channel.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
