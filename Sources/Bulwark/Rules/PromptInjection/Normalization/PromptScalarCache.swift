import Foundation

/// Looks up ``PromptScalar`` facts: from a table built once for the blocks most text is written in,
/// and from a small per-call memo for the rest, so each distinct scalar is classified at most once a call.
struct PromptScalarCache {
    /// The pages (256 scalars each) classified once per process, about 3 ms on first use: Latin-1 to
    /// Armenian, Arabic, Devanagari and Bengali, Thai, Latin Extended Additional (Vietnamese), General
    /// Punctuation (quotes, dashes, zero-width characters), CJK punctuation and kana, and the full-width forms.
    private static let tablePages: [UInt32] = [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x09, 0x0E, 0x1E, 0x20, 0x30, 0xFF,
    ]

    private struct Table: Sendable {
        /// Index into `entries` of each page's first scalar, by page number below 0x100, or -1.
        var pageStart: [Int32]
        var entries: [PromptScalar]
        var expansions: [UInt32: [UInt32]]
    }

    private static let sharedTable: Table = {
        var pageStart = [Int32](repeating: -1, count: 0x100)
        var entries: [PromptScalar] = []
        var expansions: [UInt32: [UInt32]] = [:]
        entries.reserveCapacity(tablePages.count * 256)
        for page in tablePages {
            pageStart[Int(page)] = Int32(entries.count)
            for value in page << 8..<(page + 1) << 8 {
                var expansion: [UInt32] = []
                entries.append(PromptScalar.classify(value, expansion: &expansion))
                if !expansion.isEmpty { expansions[value] = expansion }
            }
        }
        return Table(pageStart: pageStart, entries: entries, expansions: expansions)
    }()

    // The shared table, bound on the first look-up (so that ASCII alone never builds it) and held here so
    // that a look-up does not go through the global's lazy initialisation.
    private var pageStart: [Int32] = []
    private var entries: [PromptScalar] = []
    private var sharedExpansions: [UInt32: [UInt32]] = [:]

    // The memo of scalars outside the table: open addressing, grown to at most `maxMemo` scalars.
    private var memoKeys: [UInt32] = []
    private var memoValues: [PromptScalar] = []
    private var memoCount = 0
    private var memoExpansions: [UInt32: [UInt32]] = [:]
    private static let initialMemo = 64
    private static let maxMemo = 4096

    /// Scalars classified in one call. Past it (a text of thousands of distinct rare scalars, which no
    /// language writes), the rest are taken as letters of another script that normalisation leaves as they
    /// are, apart from the characters known to be invisible, whitespace, tags and selectors.
    private var classifyBudget = 2048

    private var compositions: [[UInt32]: [UInt32]] = [:]
    private static let maxCompositions = 1024

    /// The facts about a non-ASCII scalar.
    @inline(__always)
    mutating func info(_ value: UInt32) -> PromptScalar {
        if value < 0x1_0000 {
            if pageStart.isEmpty { bindTable() }
            let start = pageStart[Int(value >> 8)]
            if start >= 0 { return entries[Int(start) + Int(value & 0xFF)] }
        }
        if PromptScalar.isStableIdeograph(value) { return .stable(.foreignLetter, value) }
        if PromptScalar.isPictograph(value) { return .stable(.emoji, value) }
        if let letter = PromptScalar.mathematical(value) { return letter }
        return memoized(value)
    }

    private mutating func bindTable() {
        let table = Self.sharedTable
        pageStart = table.pageStart
        entries = table.entries
        sharedExpansions = table.expansions
    }

    private mutating func memoized(_ value: UInt32) -> PromptScalar {
        if memoKeys.isEmpty {
            memoKeys = [UInt32](repeating: 0, count: Self.initialMemo)
            memoValues = [PromptScalar](repeating: .stable(.other, 0), count: Self.initialMemo)
        }
        var slot = slot(of: value)
        while memoKeys[slot] != 0 {
            if memoKeys[slot] == value { return memoValues[slot] }
            slot = (slot + 1) & (memoKeys.count - 1)
        }
        var info: PromptScalar
        if classifyBudget > 0 {
            classifyBudget -= 1
            var expansion: [UInt32] = []
            info = PromptScalar.classify(value, expansion: &expansion)
            if !expansion.isEmpty { memoExpansions[value] = expansion }
        } else {
            info = .stable(.foreignLetter, value)
            if let kind = PromptScalar.fixedKind(value) { info.kind = kind }
        }
        if memoCount < Self.maxMemo {
            memoKeys[slot] = value
            memoValues[slot] = info
            memoCount += 1
            if memoCount * 4 > memoKeys.count * 3 { growMemo() }
        }
        return info
    }

    /// Multiplicative hashing: scalars of one script differ in their low bits.
    @inline(__always)
    private func slot(of value: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(value) &* 0x9E37_79B9_7F4A_7C15) >> 40) & (memoKeys.count - 1)
    }

    private mutating func growMemo() {
        let keys = memoKeys
        let values = memoValues
        memoKeys = [UInt32](repeating: 0, count: keys.count * 2)
        memoValues = [PromptScalar](repeating: .stable(.other, 0), count: keys.count * 2)
        for (key, value) in zip(keys, values) where key != 0 {
            var slot = slot(of: key)
            while memoKeys[slot] != 0 { slot = (slot + 1) & (memoKeys.count - 1) }
            memoKeys[slot] = key
            memoValues[slot] = value
        }
    }

    /// The NFKC form of a scalar whose ``PromptScalar/compatibility`` is 0.
    mutating func expansion(of value: UInt32) -> [UInt32] {
        if let known = sharedExpansions[value] ?? memoExpansions[value] { return known }
        var expansion: [UInt32] = []
        _ = PromptScalar.classify(value, expansion: &expansion)
        memoExpansions[value] = expansion
        return expansion
    }

    /// The NFKC form of a short cluster (a starter and the marks after it), through Foundation, memoised.
    mutating func composed(_ cluster: [UInt32]) -> [UInt32] {
        if let known = compositions[cluster] { return known }
        var text = String.UnicodeScalarView()
        for value in cluster {
            if let scalar = Unicode.Scalar(value) { text.append(scalar) }
        }
        let result = String(text).precomposedStringWithCompatibilityMapping.unicodeScalars.map(\.value)
        if compositions.count < Self.maxCompositions { compositions[cluster] = result }
        return result
    }
}
