import Synchronization

/// Lets a rule's failure be logged at most once a second, counting the ones it holds back.
///
/// When a shared store goes away, every decision's rule fails: one warning each would be tens of
/// thousands of lines a second. The first failure of a rule is logged at once; later ones at most
/// once a second, each line saying how many were not logged since the one before.
final class FailureLogThrottle: Sendable {
    private struct Entry {
        var lastLogged: ContinuousClock.Instant
        var notLogged: Int
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let interval: Duration

    init(interval: Duration = .seconds(1)) {
        self.interval = interval
    }

    /// `nil` if this failure of `key` should not be logged; otherwise how many failures of `key`
    /// went unlogged since the last line. `now` is the time of the failure.
    func admit(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        entries.withLock { entries in
            if var entry = entries[key] {
                guard entry.lastLogged.duration(to: now) >= interval else {
                    entry.notLogged += 1
                    entries[key] = entry
                    return nil
                }
                entries[key] = Entry(lastLogged: now, notLogged: 0)
                return entry.notLogged
            }
            // Bounded: rules are few, but custom guard rules may be many; forgetting only logs more.
            if entries.count >= 4_096 { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(lastLogged: now, notLogged: 0)
            return 0
        }
    }
}
