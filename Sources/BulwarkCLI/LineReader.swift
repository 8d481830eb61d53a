import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from a file descriptor in large chunks; a final line without a newline still counts.
struct LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// Whether a whole line is already buffered, so that the next read will not wait for input.
    var hasBufferedLine: Bool { buffer[start...].contains(UInt8(ascii: "\n")) }

    /// The next line without its `\n` (or `\r\n`), or `nil` at the end of input.
    mutating func next() -> Substring? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = Substring(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                return line
            }
            if finished {
                guard start < buffer.count else { return nil }
                let line = Substring(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                return line
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 {
                if count < 0 && errno == EINTR { continue }
                finished = true
            } else {
                buffer.append(contentsOf: chunk[..<count])
            }
        }
    }
}

/// The input of `bulwark protect` and `bulwark guard`: a file, or standard input.
struct InputFile {
    private let descriptor: Int32
    /// The file's lines.
    var lines: LineReader

    /// Opens `path`, or standard input when it is `nil`; a file that cannot be opened exits with status 1.
    static func open(_ path: String?) throws -> InputFile {
        guard let path else { return InputFile(descriptor: 0, lines: LineReader(descriptor: 0)) }
        #if canImport(Glibc)
        let descriptor = Glibc.open(path, O_RDONLY)
        #else
        let descriptor = Darwin.open(path, O_RDONLY)
        #endif
        guard descriptor >= 0 else {
            FileHandle.standardError.write(Data("bulwark: cannot open input '\(path)'\n".utf8))
            throw ExitCode(1)
        }
        return InputFile(descriptor: descriptor, lines: LineReader(descriptor: descriptor))
    }

    /// Closes the file (never standard input).
    func close() {
        #if canImport(Glibc)
        if descriptor != 0 { _ = Glibc.close(descriptor) }
        #else
        if descriptor != 0 { _ = Darwin.close(descriptor) }
        #endif
    }
}
