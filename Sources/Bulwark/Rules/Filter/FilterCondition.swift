/// A string operand: a string field, under `lower()` or `upper()` when the expression says so.
struct FilterTextOperand: Sendable, Hashable {
    let field: FilterTextField
    let fold: FilterCaseFold
}

/// What a comparison tests of a string value (or of each element of a list).
enum FilterTextTest: Sendable {
    /// `eq`, `ne`, `lt`, `le`, `gt`, `ge` against a literal, byte by byte.
    case compare(FilterOrdering, [UInt8])
    /// `contains`.
    case contains(FilterSearch)
    /// `matches` / `~`.
    case matches(FilterRegex)
    /// `wildcard` and `strict wildcard`.
    case wildcard(FilterWildcard)
    /// `in { "a" "b" }`.
    case member(FilterByteSet)

    /// The test's answer for a value under a case fold. Only a regular expression can be
    /// undetermined: when deciding would take more than its step budget (about a millisecond).
    func evaluate(_ value: Substring, fold: FilterCaseFold) -> FilterOutcome {
        if case .matches(let regex) = self {
            guard let found = regex.match(FilterBytes.string(value, fold: fold)) else { return .undetermined }
            return FilterOutcome(found)
        }
        return FilterOutcome(FilterBytes.withBytes(value) { bytes in holds(forBytes: bytes, fold: fold) })
    }

    /// The answer for a list: matched when any element matches, else undetermined when any is.
    func evaluate(anyOf values: some Sequence<Substring>) -> FilterOutcome {
        var outcome = FilterOutcome.notMatched
        for value in values {
            switch evaluate(value, fold: .unchanged) {
            case .matched: return .matched
            case .undetermined: outcome = .undetermined
            case .notMatched: continue
            }
        }
        return outcome
    }

    private func holds(forBytes bytes: UnsafeBufferPointer<UInt8>, fold: FilterCaseFold) -> Bool {
        switch self {
        case .compare(let ordering, let literal):
            if ordering == .equal { return FilterBytes.equal(bytes, literal, fold: fold) }
            if ordering == .notEqual { return !FilterBytes.equal(bytes, literal, fold: fold) }
            return ordering.accepts(FilterBytes.compare(bytes, literal, fold: fold))
        case .contains(let search): return search.occurs(in: bytes, fold: fold)
        case .matches: return false  // answered by `evaluate(_:fold:)`, which needs a string
        case .wildcard(let wildcard): return wildcard.matches(bytes, fold: fold)
        case .member(let set): return set.contains(bytes, fold: fold)
        }
    }
}

/// `starts_with(field, "…")` or `ends_with(field, "…")`.
struct FilterAffix: Sendable, Hashable {
    let atStart: Bool
    let literal: [UInt8]

    func holds(for value: Substring, fold: FilterCaseFold) -> Bool {
        FilterBytes.withBytes(value) { bytes in
            atStart
                ? FilterBytes.hasPrefix(bytes, literal, fold: fold) : FilterBytes.hasSuffix(bytes, literal, fold: fold)
        }
    }
}

/// What a comparison tests of an integer.
enum FilterIntegerTest: Sendable, Hashable {
    case compare(FilterOrdering, Int)
    case member(FilterIntegerSet)

    func holds(for value: Int) -> Bool {
        switch self {
        case .compare(let ordering, let literal): ordering.accepts(value, literal)
        case .member(let set): set.contains(value)
        }
    }
}

/// What a comparison tests of the client's address.
enum FilterAddressTest: Sendable, Hashable {
    case compare(FilterOrdering, IPAddress)
    case member(IPSet)

    func holds(for address: IPAddress) -> Bool {
        switch self {
        case .compare(let ordering, let literal):
            switch (address.storage, literal.storage) {
            case (.v4(let value), .v4(let other)): return ordering.accepts(value, other)
            case (.v6(let value), .v6(let other)): return ordering.accepts(value, other)
            default: return ordering.acceptsIncomparable
            }
        case .member(let set): return set.contains(address)
        }
    }
}

/// A compiled condition: the tree the parser builds, with every field resolved to its accessor and
/// every literal in the form the comparison uses, evaluated in three-valued (Kleene) logic.
indirect enum FilterCondition: Sendable {
    /// `and`: false if any is false, else undetermined if any is undetermined, else true.
    case all([FilterCondition])
    /// `or`: true if any is true, else undetermined if any is undetermined, else false.
    case any([FilterCondition])
    /// `xor` over two or more, left to right: undetermined if any is; else whether an odd number is true.
    case exclusive([FilterCondition])
    /// `not`: swaps true and false; undetermined stays undetermined.
    case not(FilterCondition)
    /// A boolean field on its own.
    case flag(FilterFlagField)
    case text(FilterTextOperand, FilterTextTest)
    case list(FilterListField, FilterTextTest)
    case integer(FilterIntegerOperand, FilterIntegerTest)
    case number(FilterNumberField, FilterOrdering, Double)
    case address(FilterAddressTest)
    case affix(FilterTextOperand, FilterAffix)

    func evaluate(_ context: RuleContext, _ scratch: inout FilterScratch) -> FilterOutcome {
        switch self {
        case .all(let items):
            var outcome = FilterOutcome.matched
            for item in items {
                switch item.evaluate(context, &scratch) {
                case .notMatched: return .notMatched
                case .undetermined: outcome = .undetermined
                case .matched: continue
                }
            }
            return outcome
        case .any(let items):
            var outcome = FilterOutcome.notMatched
            for item in items {
                switch item.evaluate(context, &scratch) {
                case .matched: return .matched
                case .undetermined: outcome = .undetermined
                case .notMatched: continue
                }
            }
            return outcome
        case .exclusive(let items):
            var odd = false
            for item in items {
                switch item.evaluate(context, &scratch) {
                case .undetermined: return .undetermined
                case .matched: odd.toggle()
                case .notMatched: continue
                }
            }
            return FilterOutcome(odd)
        case .not(let inner):
            switch inner.evaluate(context, &scratch) {
            case .matched: return .notMatched
            case .notMatched: return .matched
            case .undetermined: return .undetermined
            }
        case .flag(let field):
            guard let value = field.value(context, &scratch) else { return .undetermined }
            return FilterOutcome(value)
        case .text(let operand, let test):
            guard let value = operand.field.value(context, &scratch) else { return .undetermined }
            return test.evaluate(value, fold: operand.fold)
        case .list(let field, let test):
            let client = scratch.client(context)
            switch field {
            case .botIDs: return test.evaluate(anyOf: client.bots.lazy.map { Substring($0) })
            case .botCategories: return test.evaluate(anyOf: client.categories.lazy.map { Substring($0.rawValue) })
            }
        case .integer(let operand, let test):
            guard let value = operand.value(context, &scratch) else { return .undetermined }
            return FilterOutcome(test.holds(for: value))
        case .number(let field, let ordering, let literal):
            guard let value = field.value(context) else { return .undetermined }
            return FilterOutcome(ordering.accepts(value, literal))
        case .address(let test):
            guard let address = context.clientIP else { return .undetermined }
            return FilterOutcome(test.holds(for: address))
        case .affix(let operand, let affix):
            guard let value = operand.field.value(context, &scratch) else { return .undetermined }
            return FilterOutcome(affix.holds(for: value, fold: operand.fold))
        }
    }
}

extension FilterOutcome {
    /// `matched` for true, `notMatched` for false.
    @inline(__always)
    init(_ matched: Bool) {
        self = matched ? .matched : .notMatched
    }
}
