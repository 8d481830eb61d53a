extension SensitiveInfoScanner.Pass {
    /// The IBAN at `index`: a country code, two check digits and the account number (upper-case letters
    /// and digits), written together or in groups of four separated by single spaces; exactly as long as
    /// the country's IBANs (ISO 13616 registry), with check digits that make the number 1 modulo 97.
    mutating func iban(at index: Int) -> Int? {
        guard SensitiveInfoByte.isUpper(at(index + 1)), SensitiveInfoByte.isDigit(at(index + 2)),
            SensitiveInfoByte.isDigit(at(index + 3)), !SensitiveInfoByte.isWord(at(index - 1))
        else { return nil }
        let country = Int(bytes[index] - UInt8(ascii: "A")) * 26 + Int(bytes[index + 1] - UInt8(ascii: "A"))
        let length = Int(Self.ibanLengths[country])
        guard length > 0 else { return nil }
        let check = Int(bytes[index + 2] - UInt8(ascii: "0")) * 10 + Int(bytes[index + 3] - UInt8(ascii: "0"))
        guard check >= 2, check <= 98 else { return nil }

        // The remainder is computed as the characters are read: the account number first, then the
        // country code and the check digits, as ISO 7064 MOD 97-10 rearranges them.
        var remainder = 0
        var cursor = index + 4
        let grouped = at(cursor) == UInt8(ascii: " ")
        var read = 4
        while read < length {
            if read % 4 == 0, grouped {
                guard at(cursor) == UInt8(ascii: " ") else { return nil }
                cursor += 1
            }
            let byte = at(cursor)
            if SensitiveInfoByte.isDigit(byte) {
                remainder = (remainder * 10 + Int(byte - UInt8(ascii: "0"))) % 97
            } else if SensitiveInfoByte.isUpper(byte) {
                remainder = (remainder * 100 + Int(byte - UInt8(ascii: "A")) + 10) % 97
            } else {
                return nil
            }
            cursor += 1
            read += 1
        }
        remainder = (remainder * 100 + Int(bytes[index] - UInt8(ascii: "A")) + 10) % 97
        remainder = (remainder * 100 + Int(bytes[index + 1] - UInt8(ascii: "A")) + 10) % 97
        remainder = (remainder * 100 + check) % 97
        guard remainder == 1, !SensitiveInfoByte.isWord(at(cursor)) else { return nil }
        return emit(.iban, index, cursor) ? cursor : nil
    }

    /// IBAN lengths by country code (`(first letter) * 26 + second letter`); 0 for countries without IBANs.
    private static let ibanLengths: [UInt8] = {
        let registry: [(String, UInt8)] = [
            ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16), ("BG", 22),
            ("BH", 22), ("BI", 27), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28), ("CZ", 24),
            ("DE", 22), ("DJ", 27), ("DK", 18), ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24), ("FI", 18),
            ("FK", 18), ("FO", 18), ("FR", 27), ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27),
            ("GT", 28), ("HN", 28), ("HR", 21), ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26),
            ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20),
            ("LU", 20), ("LV", 21), ("LY", 25), ("MC", 27), ("MD", 24), ("ME", 22), ("MK", 19), ("MN", 20),
            ("MR", 27), ("MT", 31), ("MU", 30), ("NI", 28), ("NL", 18), ("NO", 15), ("OM", 23), ("PK", 24),
            ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("RU", 33), ("SA", 24),
            ("SC", 31), ("SD", 18), ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("SO", 23), ("ST", 25),
            ("SV", 28), ("TL", 23), ("TN", 24), ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20),
            ("YE", 30),
            // French overseas territories use France's format under their own codes.
            ("GF", 27), ("GP", 27), ("MQ", 27), ("RE", 27), ("PF", 27), ("TF", 27), ("YT", 27), ("NC", 27),
            ("BL", 27), ("MF", 27), ("PM", 27), ("WF", 27),
        ]
        var lengths = [UInt8](repeating: 0, count: 26 * 26)
        for (code, length) in registry {
            let letters = Array(code.utf8)
            lengths[Int(letters[0] - UInt8(ascii: "A")) * 26 + Int(letters[1] - UInt8(ascii: "A"))] = length
        }
        return lengths
    }()
}
