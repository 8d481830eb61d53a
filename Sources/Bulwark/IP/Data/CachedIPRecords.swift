import Synchronization

/// One MaxMind DB and the ``IPDetails`` decoded from its records, kept by the record's offset in
/// the data section (many networks share one record, so a few thousand entries serve a whole file).
///
/// The cache belongs to the reader: a data source that reloads its file builds a new one, so a
/// lookup still running on the old file can never leave an old record under a new file's offset.
final class CachedIPRecords: Sendable {
    let reader: MMDBReader
    private let records = Mutex<[Int: IPDetails]>([:])
    private let capacity: Int

    init(reader: MMDBReader, capacity: Int) {
        self.reader = reader
        self.capacity = max(0, capacity)
    }

    /// Merges what the database says of an address into the details; nothing when it has no record.
    func annotate(_ details: inout IPDetails, for address: IPAddress) throws(MMDBError) {
        guard let found = try reader.locate(address) else { return }
        if let cached = records.withLock({ $0[found.offset] }) {
            details.merge(cached)
            return
        }
        var fromRecord = IPDetails()
        fromRecord.apply(try reader.record(at: found.offset))
        records.withLock { records in
            if records.count < capacity { records[found.offset] = fromRecord }
        }
        details.merge(fromRecord)
    }
}
