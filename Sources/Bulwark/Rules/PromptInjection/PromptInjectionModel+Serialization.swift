import Foundation

/// Why a prompt-injection model file cannot be used.
public struct PromptInjectionModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the file where there is one.
    public var message: String

    /// Creates an error with a message.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// The model's file format, little-endian throughout:
///
/// | bytes | field |
/// |---|---|
/// | 8 | magic `BWPIM001` |
/// | 6 | word bucket bits, character bucket bits, max word n, min and max character n, length exponent in hundredths, fine window tokens |
/// | 1 | zero |
/// | 4 | window tokens (UInt32) |
/// | 12 | bias, word scale, character scale (Float32) |
/// | 4 + 4n | signal weight count n (UInt32), then n Float32 |
/// | 2^w + 2^c | word weights, then character weights (Int8) |
/// | 32 | SHA-256 of everything before it |
///
/// The digest catches a truncated or damaged file at load, before it can score anything.
extension PromptInjectionModel {
    static let magic = Array("BWPIM001".utf8)

    /// The file's bytes.
    func serialized() -> [UInt8] {
        var bytes = Self.magic
        bytes += [
            UInt8(hasher.wordBucketBits), UInt8(hasher.characterBucketBits), UInt8(hasher.maxWordN),
            UInt8(hasher.minCharacterN), UInt8(hasher.maxCharacterN), UInt8((hasher.lengthExponent * 100).rounded()),
            UInt8(fineWindowTokens), 0,
        ]
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        append(UInt32(windowTokens))
        for value in [bias, wordScale, characterScale] { append(value.bitPattern) }
        append(UInt32(signalWeights.count))
        for value in signalWeights { append(value.bitPattern) }
        bytes += wordWeights.map { UInt8(bitPattern: $0) }
        bytes += characterWeights.map { UInt8(bitPattern: $0) }
        bytes += SHA256.digest(bytes)
        return bytes
    }

    /// Reads a model file; the error names the file.
    init(contentsOfFile path: String) throws(PromptInjectionModelError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw PromptInjectionModelError(
                "cannot read the prompt-injection model at '\(path)': \(error.localizedDescription)"
            )
        }
        do {
            try self.init(serialized: [UInt8](data))
        } catch {
            throw PromptInjectionModelError("the prompt-injection model at '\(path)' cannot be used: \(error.message)")
        }
    }

    /// Reads a model from its file's bytes, checking the digest, the header's ranges and the length.
    init(serialized bytes: [UInt8]) throws(PromptInjectionModelError) {
        guard bytes.count > Self.magic.count + 32, Array(bytes.prefix(Self.magic.count)) == Self.magic else {
            throw PromptInjectionModelError("not a prompt-injection model (the file does not start with BWPIM001)")
        }
        let body = bytes.prefix(bytes.count - 32)
        guard SHA256.digest(Array(body)) == Array(bytes.suffix(32)) else {
            throw PromptInjectionModelError(
                "the model's SHA-256 digest does not match its contents: the file is damaged"
            )
        }
        var reader = ByteReader(bytes: Array(body), position: Self.magic.count)
        let header = Array(try reader.take(8))
        let hasher = PromptFeatureHasher(
            wordBucketBits: Int(header[0]),
            characterBucketBits: Int(header[1]),
            maxWordN: Int(header[2]),
            minCharacterN: Int(header[3]),
            maxCharacterN: Int(header[4]),
            lengthExponent: Float(header[5]) / 100
        )
        guard (8...24).contains(hasher.wordBucketBits), (8...24).contains(hasher.characterBucketBits),
            (1...3).contains(hasher.maxWordN), (1...8).contains(hasher.minCharacterN),
            (hasher.minCharacterN...8).contains(hasher.maxCharacterN), (1...100).contains(header[5])
        else {
            throw PromptInjectionModelError("the model's feature header is out of range: \(Array(header.prefix(6)))")
        }
        let windowTokens = Int(try reader.uint32())
        guard (2...1_000_000).contains(windowTokens) else {
            throw PromptInjectionModelError("the model's window of \(windowTokens) tokens is out of range")
        }
        let bias = Float(bitPattern: try reader.uint32())
        let wordScale = Float(bitPattern: try reader.uint32())
        let characterScale = Float(bitPattern: try reader.uint32())
        let signalCount = Int(try reader.uint32())
        guard signalCount <= 64 else {
            throw PromptInjectionModelError("the model has \(signalCount) signal weights; at most 64 are expected")
        }
        var signalWeights: [Float] = []
        for _ in 0..<signalCount { signalWeights.append(Float(bitPattern: try reader.uint32())) }
        let words = try reader.take(1 << hasher.wordBucketBits)
        let characters = try reader.take(1 << hasher.characterBucketBits)
        guard reader.position == reader.bytes.count else {
            throw PromptInjectionModelError("the model has \(reader.bytes.count - reader.position) bytes past its end")
        }
        guard ([bias, wordScale, characterScale] + signalWeights).allSatisfy(\.isFinite) else {
            throw PromptInjectionModelError("the model has a weight that is not a finite number")
        }
        self.init(
            hasher: hasher,
            windowTokens: windowTokens,
            fineWindowTokens: Int(header[6]),
            bias: bias,
            wordScale: wordScale,
            characterScale: characterScale,
            signalWeights: signalWeights,
            wordWeights: words.map { Int8(bitPattern: $0) },
            characterWeights: characters.map { Int8(bitPattern: $0) }
        )
    }
}

private struct ByteReader {
    let bytes: [UInt8]
    var position: Int

    mutating func take(_ count: Int) throws(PromptInjectionModelError) -> ArraySlice<UInt8> {
        guard count <= bytes.count - position else {
            throw PromptInjectionModelError("the model file ends early: \(bytes.count) bytes")
        }
        defer { position += count }
        return bytes[position..<position + count]
    }

    mutating func uint32() throws(PromptInjectionModelError) -> UInt32 {
        let slice = try take(4)
        return slice.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
