extension SensitiveInfo {
    /// `text` with every Unicode scalar of each entity replaced by `mask`, except the last `keepLast`
    /// scalars of each entity (the last four digits of a card, say). Text outside the entities is kept
    /// as it is.
    ///
    /// ```swift
    /// let text = "Card 4111 1111 1111 1111 expires soon"
    /// SensitiveInfo.redact(text, entities: SensitiveInfo.scan(text), keepLast: 4)
    /// // "Card ***************1111 expires soon"
    /// ```
    ///
    /// Entities may come in any order and from anywhere: offsets outside the text are clamped to it,
    /// offsets inside a scalar are widened to the whole scalar, and overlapping entities are masked as
    /// one stretch (keeping the last `keepLast` scalars of the stretch).
    public static func redact(
        _ text: String,
        entities: [SensitiveInfoEntity],
        mask: Character = "*",
        keepLast: Int = 0
    ) -> String {
        let spans = maskedSpans(entities, byteCount: text.utf8.count)
        guard !spans.isEmpty else { return text }
        let keep = max(0, keepLast)
        let maskText = String(mask)

        // Walk the scalars once; for each stretch, count its scalars first so the last `keep` stay.
        var result = String()
        result.reserveCapacity(text.utf8.count)
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        var offset = 0
        var span = 0
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let width = UTF8.width(scalar)
            guard span < spans.count, offset + width > spans[span].lowerBound else {
                result.unicodeScalars.append(scalar)
                offset += width
                index = scalars.index(after: index)
                continue
            }
            // A stretch starts here (widened to this scalar's start when it began inside it).
            let stretchEnd = spans[span].upperBound
            var count = 0
            var probe = index
            var probeOffset = offset
            while probe < scalars.endIndex, probeOffset < stretchEnd {
                probeOffset += UTF8.width(scalars[probe])
                probe = scalars.index(after: probe)
                count += 1
            }
            var position = 0
            while index < probe {
                let current = scalars[index]
                if position < count - keep {
                    result.append(maskText)
                } else {
                    result.unicodeScalars.append(current)
                }
                offset += UTF8.width(current)
                index = scalars.index(after: index)
                position += 1
            }
            span += 1
            while span < spans.count, spans[span].upperBound <= offset { span += 1 }
        }
        return result
    }

    /// The entities' byte ranges clamped to `0..<byteCount`, sorted, with overlapping and touching
    /// ranges merged.
    private static func maskedSpans(_ entities: [SensitiveInfoEntity], byteCount: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(entities.count)
        for entity in entities {
            let start = min(max(entity.start, 0), byteCount)
            let end = min(max(entity.end, start), byteCount)
            if start < end { ranges.append(start..<end) }
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}
