/// Closed ranges of integers merged into sorted, disjoint, non-adjacent order, answering membership
/// with a binary search: the address ranges of an ``IPSet`` and the integers of a filter's `in { … }`.
struct MergedRanges<Bound: FixedWidthInteger & Sendable>: Sendable, Hashable {
    private let ranges: [ClosedRange<Bound>]

    /// The ranges, in any order, overlapping or not.
    init(_ input: [ClosedRange<Bound>]) {
        var merged: [ClosedRange<Bound>] = []
        for range in input.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, last.upperBound == .max || range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        self.ranges = merged
    }

    /// Whether no value is in any range.
    var isEmpty: Bool { ranges.isEmpty }

    /// Whether the value lies in a range.
    func contains(_ value: Bound) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < value {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < ranges.count && ranges[low].contains(value)
    }
}
