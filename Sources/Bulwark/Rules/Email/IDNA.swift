import Foundation

/// Internationalised domain names (IDNA 2008, RFC 5890–5893) for the domain of an email address:
/// `bücher.example` ⇄ `xn--bcher-kva.example`.
///
/// A domain typed with non-ASCII characters is first mapped the way UTS #46 maps it (the three
/// ideographic and full-width dots become `.`, compatibility characters are normalised, letters are
/// case-folded, invisible default-ignorable characters are dropped), then each label is checked
/// against IDNA 2008 and converted to its A-label. A domain that arrives in ASCII with
/// `xn--` labels is checked the other way: each A-label must decode to a valid label and be its
/// canonical encoding.
///
/// IDNA's tables are not bundled. The validity of a code point is derived from the Unicode
/// properties the standard library knows, with the algorithm of RFC 5892 (see `IDNA+CodePoints`),
/// and script and bidirectional classes are approximated by code-point ranges. Foundation is used
/// here for Unicode normalisation, and only for domains that are not ASCII.
enum IDNA {
    /// The longest label, in octets of its ASCII form (RFC 1035 section 2.3.4).
    static let maxLabelLength = 63
    /// A label of more characters than this cannot encode in 63 octets: the `xn--` prefix takes four
    /// and every non-ASCII character at least one more. Checked before encoding, so that the
    /// encoder's work stays bounded.
    static let maxULabelScalars = maxLabelLength - 4

    /// The Unicode and ASCII forms of a domain that has non-ASCII characters. The caller has checked
    /// that the ASCII characters are letters, digits, hyphens and dots, and that no character is
    /// unsafe (controls, format characters, spaces, a leading combining mark).
    static func convert(unicodeDomain: String) throws(EmailSyntaxError) -> (unicode: String, ascii: String) {
        let mapped = try map(unicodeDomain)
        let labels = mapped.unicodeScalars.split(separator: ".", omittingEmptySubsequences: false)
        var unicodeLabels: [[Unicode.Scalar]] = []
        var asciiLabels: [String] = []
        unicodeLabels.reserveCapacity(labels.count)
        asciiLabels.reserveCapacity(labels.count)
        for (index, slice) in labels.enumerated() {
            let label = Array(slice)
            guard !label.isEmpty else {
                throw EmailAddress.emptyLabelError(isFirst: index == 0, isLast: index == labels.count - 1)
            }
            if label.allSatisfy(\.isASCII) {
                let ascii = String(String.UnicodeScalarView(label))
                if try EmailAddress.checkASCIILabel(ascii.utf8) {
                    unicodeLabels.append(try decodeALabel(ascii))
                } else {
                    unicodeLabels.append(label)
                }
                asciiLabels.append(ascii)
                continue
            }
            guard label.count <= maxULabelScalars else { throw labelTooLong(label) }
            try validate(uLabel: label)
            let encoded: String
            do {
                encoded = "xn--" + (try Punycode.encode(label))
            } catch {
                throw EmailSyntaxError(
                    code: .invalidIDNA,
                    message: "The label '\(EmailSyntaxError.shown(String(String.UnicodeScalarView(label))))' "
                        + "of the domain cannot be converted to ASCII (Punycode overflow)."
                )
            }
            guard encoded.utf8.count <= maxLabelLength else { throw labelTooLong(label) }
            unicodeLabels.append(label)
            asciiLabels.append(encoded)
        }
        try checkBidi(unicodeLabels)
        let unicode = unicodeLabels.map { String(String.UnicodeScalarView($0)) }.joined(separator: ".")
        return (unicode, asciiLabels.joined(separator: "."))
    }

    /// The Unicode form of an ASCII domain (lower-case, labels already checked) that has `xn--`
    /// labels; throws when one of them is not a valid A-label.
    static func unicodeForm(ofASCIIDomain domain: String) throws(EmailSyntaxError) -> String {
        var labels: [[Unicode.Scalar]] = []
        for label in domain.split(separator: ".") {
            if isALabel(label.utf8) {
                labels.append(try decodeALabel(String(label)))
            } else {
                labels.append(Array(label.unicodeScalars))
            }
        }
        try checkBidi(labels)
        return labels.map { String(String.UnicodeScalarView($0)) }.joined(separator: ".")
    }

    /// Whether a lower-case ASCII label starts with the ACE prefix `xn--`.
    static func isALabel(_ label: some Collection<UInt8>) -> Bool {
        label.starts(with: "xn--".utf8)
    }

    /// The UTS #46 mapping, approximated without its table: the label separators become `.`, then
    /// `fold` maps the rest. UTS #46 keeps `ß` and `ς` as typed (its deviations) but folds those that
    /// compatibility mapping produces (`ϲ` is `ς` under NFKC and `σ` under UTS #46), so the text is
    /// folded in segments between them; neither combines with a neighbour, so NFKC of the segments is
    /// NFKC of the whole.
    static func map(_ domain: String) throws(EmailSyntaxError) -> String {
        var mapped = ""
        var segment = String.UnicodeScalarView()
        var dots = 0
        for scalar in domain.unicodeScalars {
            switch scalar.value {
            case 0x2E, 0x3002, 0xFF0E, 0xFF61:
                segment.append(".")
                dots += 1
            case 0xDF, 0x3C2:
                mapped += fold(String(segment))
                segment = String.UnicodeScalarView()
                mapped.unicodeScalars.append(scalar)
            default:
                segment.append(scalar)
            }
        }
        mapped += fold(String(segment))

        // A character whose compatibility form holds a dot (`⒈` is "1.") would split a label in two;
        // UTS #46 disallows them, and so does any character that maps to ASCII a host name cannot have.
        var mappedDots = 0
        for scalar in mapped.unicodeScalars where scalar.isASCII {
            if scalar == "." {
                mappedDots += 1
            } else if !EmailAddress.isLetterDigitHyphen(UInt8(scalar.value)) {
                throw EmailSyntaxError(
                    code: .invalidDomain,
                    message: "The part after the @ has a character that stands for \(EmailSyntaxError.shown(scalar)), "
                        + "which domain names cannot have."
                )
            }
        }
        if mappedDots != dots {
            let culprit = domain.unicodeScalars.first { scalar in
                !scalar.isASCII && scalar.value != 0x3002 && scalar.value != 0xFF0E && scalar.value != 0xFF61
                    && String(scalar).precomposedStringWithCompatibilityMapping.contains(".")
            }
            throw EmailSyntaxError(
                code: .invalidDomain,
                message: "The part after the @ has "
                    + (culprit.map { EmailSyntaxError.shown($0) } ?? "a character")
                    + ", which contains a dot; type the characters and the dot separately."
            )
        }
        return mapped
    }

    /// NFKD, case folding approximated with the standard library's case mappings (lower case; through
    /// the capital for the letters that folding still changes, such as U+0345 and U+1C80; Cherokee to its
    /// capitals, as folding does), default-ignorable characters removed, then NFKC.
    private static func fold(_ text: String) -> String {
        guard !text.isEmpty else { return "" }
        var folded = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCompatibilityMapping.unicodeScalars {
            let properties = scalar.properties
            if properties.isDefaultIgnorableCodePoint { continue }
            if (0x13A0...0x13FF).contains(scalar.value) || (0xAB70...0xABBF).contains(scalar.value) {
                folded.append(contentsOf: properties.uppercaseMapping.unicodeScalars)
                continue
            }
            let lowered = properties.changesWhenLowercased ? properties.lowercaseMapping : String(scalar)
            for letter in lowered.unicodeScalars {
                guard letter.properties.changesWhenCaseFolded, letter != "ß" else {
                    folded.append(letter)
                    continue
                }
                for capital in letter.properties.uppercaseMapping.unicodeScalars {
                    folded.append(contentsOf: capital.properties.lowercaseMapping.unicodeScalars)
                }
            }
        }
        return String(folded).precomposedStringWithCompatibilityMapping
    }

    /// The U-label an A-label (`xn--…`, lower case, at most 63 octets) stands for, after checking that
    /// it decodes, that it is the canonical encoding of what it decodes to, and that the result is a
    /// valid IDNA label.
    static func decodeALabel(_ label: String) throws(EmailSyntaxError) -> [Unicode.Scalar] {
        let encoded = label.utf8.dropFirst(4)
        let shownLabel = EmailSyntaxError.shown(label)
        guard !encoded.isEmpty, encoded.last != UInt8(ascii: "-") else {
            throw EmailSyntaxError(
                code: .invalidIDNA,
                message: "The label '\(shownLabel)' of the domain is not a valid xn-- label; check its spelling."
            )
        }
        let scalars: [Unicode.Scalar]
        do {
            scalars = try Punycode.decode(encoded)
        } catch {
            throw EmailSyntaxError(
                code: .invalidIDNA,
                message: "The label '\(shownLabel)' of the domain is not valid Punycode; check its spelling."
            )
        }
        let canonical = try? Punycode.encode(scalars)
        guard let canonical, canonical.utf8.elementsEqual(encoded), !scalars.allSatisfy(\.isASCII) else {
            throw EmailSyntaxError(
                code: .invalidIDNA,
                message: "The label '\(shownLabel)' of the domain is not the standard encoding of a name; "
                    + "it could be shown as another domain."
            )
        }
        let text = String(String.UnicodeScalarView(scalars))
        guard text.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(scalars) else {
            throw EmailSyntaxError(
                code: .invalidIDNA,
                message: "The label '\(shownLabel)' of the domain decodes to text that is not in "
                    + "normalisation form C, which IDNA requires."
            )
        }
        try validate(uLabel: scalars)
        return scalars
    }

    /// IDNA 2008's rules for one U-label (RFC 5891 section 5.4): hyphens, no leading combining mark,
    /// every code point PVALID or CONTEXTO in a context that allows it.
    static func validate(uLabel label: [Unicode.Scalar]) throws(EmailSyntaxError) {
        let shownLabel = EmailSyntaxError.shown(String(String.UnicodeScalarView(label)))
        if label.count >= 4, label[2] == "-", label[3] == "-" {
            throw EmailSyntaxError(
                code: .invalidIDNA,
                message: "The label '\(shownLabel)' of the domain has hyphens in its third and fourth places, "
                    + "which IDNA reserves."
            )
        }
        if label.first == "-" || label.last == "-" {
            throw EmailSyntaxError(
                code: .invalidDomain,
                message: "The label '\(shownLabel)' of the domain starts or ends with a hyphen; remove it."
            )
        }
        if let first = label.first, isMark(first) {
            throw EmailSyntaxError(
                code: .invalidIDNA,
                message: "The label '\(shownLabel)' of the domain starts with a combining mark, "
                    + "\(EmailSyntaxError.shown(first)), which has nothing to combine with."
            )
        }
        for (index, scalar) in label.enumerated() {
            switch status(of: scalar) {
            case .valid:
                continue
            case .contextual where isValidInContext(label, at: index):
                continue
            case .contextual:
                throw EmailSyntaxError(
                    code: .invalidIDNA,
                    message: "The domain has \(EmailSyntaxError.shown(scalar)) where IDNA does not allow it "
                        + "(it may only stand next to particular characters)."
                )
            case .disallowed:
                throw EmailSyntaxError(
                    code: .invalidIDNA,
                    message: "The domain has \(EmailSyntaxError.shown(scalar)), which internationalised domain "
                        + "names cannot have."
                )
            }
        }
    }

    static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    private static func labelTooLong(_ label: [Unicode.Scalar]) -> EmailSyntaxError {
        EmailSyntaxError(
            code: .domainTooLong,
            message: "The label '\(EmailSyntaxError.shown(String(String.UnicodeScalarView(label))))' of the domain "
                + "is longer than 63 octets in its ASCII form; a label between dots cannot be that long."
        )
    }
}
