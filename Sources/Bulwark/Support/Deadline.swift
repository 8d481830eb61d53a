/// Runs `operation` and returns its value, or `nil` if `timeout` passes first or the caller is
/// cancelled; the loser is cancelled. A negative timeout counts as zero, and one past a day as a
/// day (the runtime traps when it converts a sleep of near `Int64.max` seconds).
///
/// A task group would wait for a cancelled operation to end, which an operation that ignores
/// cancellation (a lookup waiting on a shared cached one, a blocking call) may not do for a long
/// time; here the operation runs in a task of its own, and the caller leaves when the clock says,
/// whatever the operation does next.
func withDeadline<Value: Sendable>(
    _ timeout: Duration,
    _ operation: @escaping @Sendable () async -> Value
) async -> Value? {
    let timeout = Swift.min(Swift.max(timeout, .zero), .seconds(86_400))
    // Keeps the first arrival: the operation's value or the timer's `nil`.
    let (arrivals, continuation) = AsyncStream.makeStream(of: Value?.self, bufferingPolicy: .bufferingOldest(1))
    let work = Task { continuation.yield(await operation()) }
    let timer = Task {
        try? await Task.sleep(for: timeout)
        continuation.yield(nil)
    }
    defer {
        work.cancel()
        timer.cancel()
        continuation.finish()
    }
    // The stream ends at once if the caller is cancelled, so the loop then exits with nothing.
    for await first in arrivals { return first }
    return nil
}
