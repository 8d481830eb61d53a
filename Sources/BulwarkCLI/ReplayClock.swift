import Bulwark
import Synchronization

/// The clock of `bulwark protect`: the system's time until a request line sets a `time`, and from
/// then on exactly the last time set, so that a replay with times is reproducible.
final class ReplayClock: BulwarkClock {
    private let pinned = Mutex<Timestamp?>(nil)
    private let system = SystemClock()

    func now() -> Timestamp { pinned.withLock { $0 } ?? system.now() }

    func set(to time: Timestamp) { pinned.withLock { $0 = time } }
}
