import Foundation

/// Runs CPU-bound `work` on a thread of its own and returns what it returns (or throws what it
/// throws).
///
/// Swift's shared executor has one thread per core. A test that spends seconds scoring a corpus on
/// one of them keeps every other test's task that is ready to resume waiting, and tests that time
/// an `await` read that wait as their own. On a thread of its own the work is time-sliced by the
/// operating system with everything else instead.
///
/// ```swift
/// let rate = try await onOwnThread { corpus.filter { detector.score($0) >= 0.5 }.count }
/// ```
package func onOwnThread<Result: Sendable>(
    _ work: @escaping @Sendable () throws -> Result
) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do {
                continuation.resume(returning: try work())
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
