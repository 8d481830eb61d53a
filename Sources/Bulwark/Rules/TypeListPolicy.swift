/// What a rule with an allow list or a deny list of types (sensitive-information types, email types)
/// denies.
enum TypeListPolicy<Element: Hashable & Sendable>: Sendable, Hashable {
    /// Deny every type found but these.
    case allow(Set<Element>)
    /// Deny these types, allow the rest.
    case deny(Set<Element>)

    /// Whether finding `type` makes the rule deny.
    func denies(_ type: Element) -> Bool {
        switch self {
        case .allow(let types): !types.contains(type)
        case .deny(let types): types.contains(type)
        }
    }
}
