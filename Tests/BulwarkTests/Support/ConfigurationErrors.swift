import Bulwark
import Foundation
import Testing

/// Decodes a rules document and builds a client from it, returning the configuration error that
/// must stop it. A document that builds records an issue and throws; any other error is rethrown.
func configurationError(
    document: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> BulwarkConfigurationError {
    do {
        let configuration = try JSONDecoder().decode(BulwarkConfiguration.self, from: Data(document.utf8))
        _ = try Bulwark(configuration: configuration)
    } catch let error as BulwarkConfigurationError {
        return error
    }
    Issue.record("expected a configuration error for \(document)", sourceLocation: sourceLocation)
    throw CancellationError()
}

/// The configuration error of a rules document holding one rule, given as JSON.
func configurationError(
    forRule json: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> BulwarkConfigurationError {
    try configurationError(document: #"{"rules": ["# + json + #"]}"#, sourceLocation: sourceLocation)
}
