import Bulwark
import Foundation

/// Reads a rules JSON file into a configuration, with a message that names the rule on failure.
enum RulesFile {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func load(path: String) throws(Failure) -> BulwarkConfiguration {
        try load(path: path, as: BulwarkConfiguration.self)
    }

    /// Reads a JSON document of any shape whose decoding throws ``BulwarkConfigurationError``
    /// (a rules document, a guard rules document).
    static func load<Document: Decodable>(path: String, as: Document.Type) throws(Failure) -> Document {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure(description: "cannot read rules file '\(path)': \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(Document.self, from: data)
        } catch let error as BulwarkConfigurationError {
            throw Failure(description: "invalid rules file '\(path)': \(error)")
        } catch {
            throw Failure(description: "invalid rules file '\(path)': not valid JSON (\(describe(error)))")
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
            .valueNotFound(_, let context):
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        @unknown default:
            return "\(decoding)"
        }
    }
}
