#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The source of wall-clock time for a ``Bulwark`` client.
///
/// Inject one to control time: `BulwarkTesting` has a manual clock, and `bulwark protect` sets its
/// clock from each request line's `time` field so that runs are reproducible.
public protocol BulwarkClock: Sendable {
    /// The current time.
    func now() -> Timestamp
}

/// The system's real-time clock.
public struct SystemClock: BulwarkClock {
    /// The system clock.
    public init() {}

    /// The current time from `CLOCK_REALTIME`.
    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(nanosecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }
}
