import Foundation

/// Where a file shipped in the `Bulwark` target's resources may be found at run time.
///
/// SwiftPM's generated `Bundle.module` stops the process when the bundle is missing, which a
/// deployment that copies only the executable would hit; this lookup lets the caller report a
/// missing file as an error instead.
enum BundledResource {
    /// The places to look, in order: the environment variable's path when it is set, the resource
    /// bundle beside the executable (where SwiftPM puts it, and where deployment images copy it), and
    /// the source tree's `Resources` directory.
    static func candidatePaths(file: String, overrideVariable: String) -> [String] {
        let bundle = "bulwark_Bulwark.resources"
        var paths: [String] = []
        if let override = ProcessInfo.processInfo.environment[overrideVariable], !override.isEmpty {
            paths.append(override)
        }
        paths.append(Bundle.main.bundleURL.appendingPathComponent(bundle).appendingPathComponent(file).path)
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            paths.append(executable.appendingPathComponent(bundle).appendingPathComponent(file).path)
            paths.append(
                executable.appendingPathComponent(bundle).appendingPathComponent("Contents/Resources/\(file)").path
            )
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources").appendingPathComponent(file)
        paths.append(source.path)
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }
}
