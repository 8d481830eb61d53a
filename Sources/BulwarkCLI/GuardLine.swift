import Bulwark
import Foundation

/// One line of `bulwark guard`'s input:
/// `{"id", "label", "time"?, "metadata"?, "rules": [{"rule": "NAME", "key": "u1", "requested": 1} | {"rule": "NAME", "input": "text"}]}`.
///
/// A field of the wrong kind, an unknown rule name, or a rule called with the wrong input is an
/// error naming the field; unknown fields are ignored.
struct GuardLine {
    var id: String
    var label: String
    var metadata: [String: String]
    var calls: [GuardRuleCall]
    var time: Timestamp?

    /// The most a line may hold; a longer one is refused rather than parsed.
    static let maximumLength = 8 * 1024 * 1024
    /// The most rule calls one line may make.
    static let maximumCalls = 256

    static func parse(_ text: Substring, rules: GuardRuleSet) throws(InputLine.Problem) -> GuardLine {
        let (id, fields) = try InputLine.object(text, maximumLength: maximumLength, kind: "a guard line")
        do {
            return try GuardLine(id: id, line: InputLine(fields: fields), rules: rules)
        } catch {
            throw InputLine.Problem(id: id, message: error.message)
        }
    }

    private init(id: String, line: InputLine, rules: GuardRuleSet) throws(InputLine.FieldError) {
        self.id = id
        guard let label = try line.string("label") else {
            throw InputLine.FieldError(message: "missing required field 'label'")
        }
        if let problem = GuardSlug.problem(with: label) {
            throw InputLine.FieldError(message: "field 'label' is not a slug: \(problem)")
        }
        self.label = label
        self.metadata = try line.object("metadata", scalars: true)
        self.time = try line.time()
        guard case .array(let entries)? = line.fields["rules"] else {
            throw InputLine.FieldError(message: "field 'rules' is required and must be an array")
        }
        guard entries.count <= Self.maximumCalls else {
            throw InputLine.FieldError(message: "field 'rules' has more than \(Self.maximumCalls) calls")
        }
        var calls: [GuardRuleCall] = []
        for (index, entry) in entries.enumerated() {
            let field = "rules[\(index)]"
            guard case .object(let members) = entry else {
                throw InputLine.FieldError(message: "field '\(field)' must be an object, got \(entry.kind)")
            }
            let call = InputLine(fields: members)
            guard let name = try Self.member(call, "rule", of: field) else {
                throw InputLine.FieldError(message: "field '\(field).rule' is required")
            }
            guard let rule = rules.rules[name] else {
                throw InputLine.FieldError(
                    message: "field '\(field).rule': no guard rule is named '\(name.prefix(60))'; the rules file has "
                        + rules.rules.keys.sorted().joined(separator: ", ")
                )
            }
            let key = try Self.member(call, "key", of: field)
            let input = try Self.member(call, "input", of: field)
            if rule.takesKey {
                guard let key, input == nil else {
                    throw InputLine.FieldError(
                        message:
                            "field '\(field)': rule '\(name)' (\(rule.type)) takes \"key\" and \"requested\", not \"input\""
                    )
                }
                let requested = try InputLine.requested(members["requested"], field: field + ".requested")
                if let bound = rule.call(key: key, requested: requested) { calls.append(bound) }
            } else {
                guard let input, key == nil, members["requested"] == nil else {
                    throw InputLine.FieldError(
                        message:
                            "field '\(field)': rule '\(name)' (\(rule.type)) takes \"input\", not \"key\" or \"requested\""
                    )
                }
                if let bound = rule.call(input: input) { calls.append(bound) }
            }
        }
        self.calls = calls
    }

    /// A string member of a call, with errors naming `rules[i].name`.
    private static func member(
        _ call: InputLine,
        _ name: String,
        of field: String
    ) throws(InputLine.FieldError) -> String? {
        do {
            return try call.string(name)
        } catch {
            throw InputLine.FieldError(
                message: error.message.replacingOccurrences(of: "field '", with: "field '\(field).")
            )
        }
    }
}
