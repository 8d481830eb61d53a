/// A point in wall-clock time: nanoseconds since the Unix epoch.
///
/// Rate limits, decision ids and cache expiry all read time through a ``BulwarkClock`` that gives
/// these, so a test or a replay can set the time.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanosecondsSinceEpoch: Int64

    /// A timestamp from nanoseconds since the epoch.
    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    /// A timestamp from (possibly fractional) seconds since the epoch, to the nearest nanosecond.
    public init(secondsSinceEpoch: Double) {
        self.nanosecondsSinceEpoch = Int64((secondsSinceEpoch * 1e9).rounded())
    }

    /// Seconds since the epoch.
    public var secondsSinceEpoch: Double { Double(nanosecondsSinceEpoch) / 1e9 }

    /// Milliseconds since the epoch.
    public var millisecondsSinceEpoch: Int64 { nanosecondsSinceEpoch / 1_000_000 }

    /// The timestamp moved by a duration.
    public func advanced(by duration: Duration) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: nanosecondsSinceEpoch + duration.nanoseconds)
    }

    /// Orders timestamps by time.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    /// Seconds since the epoch.
    public var description: String { "\(secondsSinceEpoch)" }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating at `Int64`'s range, about 292 years).
    package var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return whole.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }

    /// The duration in (possibly fractional) seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Nanoseconds as whole seconds, rounded up: what a client should wait, never too little.
@inline(__always)
func ceilSeconds(nanoseconds: Int64) -> Int {
    nanoseconds <= 0 ? 0 : Int((nanoseconds + 999_999_999) / 1_000_000_000)
}
