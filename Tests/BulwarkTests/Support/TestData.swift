import Foundation

/// Where the tests' data lives: the committed fixtures, and the shared corpora beside the checkout.
enum TestData {
    /// `Tests/BulwarkTests/Fixtures`.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// A file of the shared corpora: under `BULWARK_CORPORA` when set, else `../shared/corpora`
    /// beside the checkout; `nil` when it is not there, so the tests that need it can be skipped.
    static func sharedCorpus(_ relativePath: String) -> URL? {
        let base =
            ProcessInfo.processInfo.environment["BULWARK_CORPORA"].map { URL(fileURLWithPath: $0) }
            ?? fixtures.appendingPathComponent("../../../../shared/corpora")
        let url = base.appendingPathComponent(relativePath).standardizedFileURL
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
