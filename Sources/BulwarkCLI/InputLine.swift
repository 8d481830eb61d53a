import Bulwark
import Foundation

/// The fields of one JSONL input line (`bulwark protect`, `bulwark guard`), read one by one with
/// errors that name the field.
struct InputLine {
    /// A line that cannot be decided, with its id when the line got that far.
    struct Problem: Error {
        let id: String?
        let message: String
    }

    /// A field of the wrong kind.
    struct FieldError: Error {
        let message: String
    }

    let fields: [String: JSONValue]

    /// Decodes a line as a JSON object with a required `id` (a string or a number).
    static func object(
        _ line: Substring,
        maximumLength: Int,
        kind: String
    ) throws(Problem) -> (id: String, fields: [String: JSONValue]) {
        guard line.utf8.count <= maximumLength else {
            throw Problem(id: nil, message: "line longer than \(maximumLength) bytes")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
        } catch {
            throw Problem(id: nil, message: "not valid JSON: \(RulesFile.describe(error))")
        }
        guard case .object(let fields) = value else {
            throw Problem(id: nil, message: "\(kind) must be a JSON object, got \(value.kind)")
        }
        guard let idValue = fields["id"] else { throw Problem(id: nil, message: "missing required field 'id'") }
        guard case let id? = idValue.scalarText, idValue != .bool(true), idValue != .bool(false) else {
            throw Problem(id: nil, message: "field 'id' must be a string or a number, got \(idValue.kind)")
        }
        return (id, fields)
    }

    /// A string field, `nil` when absent or null.
    func string(_ name: String) throws(FieldError) -> String? {
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw FieldError(message: "field '\(name)' must be a string, got \(other.kind)")
        }
    }

    /// An object of strings (and, with `scalars`, numbers and booleans as text).
    func object(_ name: String, scalars: Bool) throws(FieldError) -> [String: String] {
        switch fields[name] {
        case nil, .null?: return [:]
        case .object(let members)?:
            var result: [String: String] = [:]
            for (key, member) in members {
                if case .string(let text) = member {
                    result[key] = text
                } else if scalars, let text = member.scalarText {
                    result[key] = text
                } else {
                    throw FieldError(
                        message:
                            "field '\(name).\(key)' must be a string\(scalars ? " or number" : ""), got \(member.kind)"
                    )
                }
            }
            return result
        case let other?: throw FieldError(message: "field '\(name)' must be an object, got \(other.kind)")
        }
    }

    /// `time`: Unix seconds, fractional allowed; `nil` when absent.
    func time() throws(FieldError) -> Timestamp? {
        switch fields["time"] {
        case nil, .null?: return nil
        case .integer(let seconds)? where seconds >= 0 && seconds < 1 << 33:
            return Timestamp(nanosecondsSinceEpoch: seconds * 1_000_000_000)
        case .number(let seconds)? where seconds >= 0 && seconds < 8.5e9:
            return Timestamp(secondsSinceEpoch: seconds)
        case let other?:
            throw FieldError(
                message: "field 'time' must be Unix seconds (a number from 0), got \(other.scalarText ?? other.kind)"
            )
        }
    }

    /// A count of units: a whole number from 0, 1 when absent.
    static func requested(_ value: JSONValue?, field: String) throws(FieldError) -> Int {
        switch value {
        case nil, .null?: return 1
        case .integer(let count)? where count >= 0 && count <= Int64(Int32.max): return Int(count)
        case let other?:
            throw FieldError(
                message: "field '\(field)' must be a whole number from 0, got \(other.scalarText ?? other.kind)"
            )
        }
    }
}
