extension Array where Element: Comparable {
    /// In an array sorted ascending, the first index whose element is not less than `value`
    /// (`count` when every element is less).
    @inline(__always)
    func lowerBound(of value: Element) -> Int {
        withUnsafeBufferPointer { sorted in
            var low = 0
            var high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle] < value { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    /// Whether an array sorted ascending holds `value`: a binary search, cheaper than hashing for the
    /// few dozen or hundred keys it is used with.
    @inline(__always)
    func sortedContains(_ value: Element) -> Bool {
        let index = lowerBound(of: value)
        return index < count && self[index] == value
    }
}
