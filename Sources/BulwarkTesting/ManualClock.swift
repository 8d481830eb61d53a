import Bulwark
import Synchronization

/// A clock that moves only when told: for tests, and for replaying requests at their recorded times.
///
/// ```swift
/// let clock = ManualClock(at: Timestamp(secondsSinceEpoch: 1_700_000_000))
/// let bulwark = try Bulwark(rules: rules, options: BulwarkOptions(clock: clock))
/// clock.advance(by: .seconds(60))
/// ```
public final class ManualClock: BulwarkClock {
    private let time: Mutex<Timestamp>

    /// A clock stopped at the given time (by default 2024-01-01T00:00:00Z).
    public init(at time: Timestamp = Timestamp(secondsSinceEpoch: 1_704_067_200)) {
        self.time = Mutex(time)
    }

    /// The time the clock shows.
    public func now() -> Timestamp { time.withLock { $0 } }

    /// Sets the time.
    public func set(to timestamp: Timestamp) { time.withLock { $0 = timestamp } }

    /// Moves the time forward (or back, with a negative duration).
    public func advance(by duration: Duration) {
        time.withLock { $0 = $0.advanced(by: duration) }
    }
}
