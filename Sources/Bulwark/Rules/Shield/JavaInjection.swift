/// Java code and deserialization payloads, reported as code injection: references to the classes
/// exploits reach for (process creation, reflection, class loading, script engines, JNDI, the
/// gadget classes of deserialization chains) read as qualified names, and Java serialization
/// streams, raw, hex or base64.
///
/// A name is dangerous by its package and class, not by being Java: `java.lang.Integer` in an error
/// message, a stack frame (`at java.io.FileInputStream.open(FileInputStream.java:195)`) and any
/// exception class pass; the strict level also denies any class of `java.lang` and `java.io`, any
/// `javax`, `sun` or `com.sun` package, and base64 text that decodes to a gadget's name.
enum JavaInjection {
    /// The first segments a dangerous qualified name can start with.
    static let roots: Set<String> = ["java", "javax", "jdk", "sun", "com", "org", "ognl", "bsh", "groovy", "javassist"]

    /// Classes of `java.lang` that run commands, load or reflect on code, or reach the process.
    static let dangerousLang: Set<String> = [
        "runtime", "process", "processbuilder", "processimpl", "unixprocess", "processhandle", "system",
        "classloader", "class", "reflect", "invoke", "thread", "threadgroup", "securitymanager", "module",
        "modulelayer", "compiler", "shutdown",
    ]

    /// Classes of deserialization gadget chains (commons-collections' functors, the JDK's
    /// `TemplatesImpl`, `JdbcRowSetImpl`): denied as a segment of a name that also names Java,
    /// a runtime or a process builder.
    static let gadgets: Set<String> = [
        "invokertransformer", "instantiatetransformer", "chainedtransformer", "constanttransformer",
        "clonetransformer", "instantiatefactory", "prototypeclonefactory", "prototypeserializationfactory",
        "whileclosure", "forclosure", "templatesimpl", "jdbcrowsetimpl", "lazymap", "transformedmap",
    ]

    static let rootWords = ShieldWords(roots)
    static let gadgetWords = ShieldWords(gadgets)
    /// Segments that, beside a gadget, make a name Java's: a runtime or process builder.
    static let contextWords = ShieldWords(["runtime", "processbuilder", "getruntime", "java", "javax"])

    /// Words whose base64 the strict level looks for, at every alignment. Not `runtime` alone: the
    /// base64 JSON of telemetry SDKs carries a `"runtime"` key.
    static let encodedWords: [StaticString] = [
        "getruntime", "processbuilder", "clonetransformer", "forclosure", "instantiatefactory",
        "instantiatetransformer", "invokertransformer", "prototypeclonefactory", "prototypeserializationfactory",
        "whileclosure", "java.lang.", "templatesimpl",
    ]

    /// Whether `original` (as received) holds a Java serialization stream: its magic bytes
    /// `AC ED 00 05` raw or read as Latin-1, in hex, or in base64 at any of the three alignments
    /// (`rO0AB`, `KztAAU`, `Cs7QAF`; base64 is compared case-sensitively).
    static func serializedObject(_ original: [UInt8]) -> Bool {
        guard original.count >= 4 else { return false }
        return original.withUnsafeBufferPointer { bytes in
            let count = bytes.count
            for index in 0..<count {
                switch bytes[index] {
                case 0xAC:
                    if index + 3 < count, bytes[index + 1] == 0xED, bytes[index + 2] == 0, bytes[index + 3] == 5 {
                        return true
                    }
                case 0xC2:
                    // the magic read as Latin-1 and written back as UTF-8
                    if index + 5 < count, bytes[index + 1] == 0xAC, bytes[index + 2] == 0xC3, bytes[index + 3] == 0xAD,
                        bytes[index + 4] == 0, bytes[index + 5] == 5
                    {
                        return true
                    }
                // the second byte first: these letters are common, the markers are not
                case UInt8(ascii: "r"):
                    if index + 1 < count, bytes[index + 1] == UInt8(ascii: "O"), original.hasBytes("rO0AB", at: index) {
                        return true
                    }
                case UInt8(ascii: "K"):
                    if index + 1 < count, bytes[index + 1] == UInt8(ascii: "z"), original.hasBytes("KztAAU", at: index)
                    {
                        return true
                    }
                case UInt8(ascii: "C"):
                    if index + 1 < count, bytes[index + 1] == UInt8(ascii: "s"), original.hasBytes("Cs7QAF", at: index)
                    {
                        return true
                    }
                case UInt8(ascii: "a"), UInt8(ascii: "A"):
                    guard index + 1 < count, bytes[index + 1] | 0x20 == UInt8(ascii: "c") else { continue }
                    if original.hasBytes("aced0005", at: index) || original.hasBytes("ACED0005", at: index) {
                        return true
                    }
                default: continue
                }
            }
            return false
        }
    }

    /// Whether a value names a dangerous Java class or package; letters are compared in either case.
    /// Nothing is allocated unless a name starts with one of the ``roots``.
    static func detect(_ value: [UInt8], strict: Bool) -> Bool {
        let count = value.count
        var index = 0
        var sawGadget = false
        var sawJavaContext = false
        @inline(__always) func isNameByte(_ byte: UInt8) -> Bool {
            ShieldByte.isWordByte(byte) || byte == UInt8(ascii: "$")
        }
        while index < count {
            guard ShieldByte.isLetter(value[index]),
                index == 0 || !(ShieldByte.isWordByte(value[index - 1]) || value[index - 1] == UInt8(ascii: "."))
            else {
                index += 1
                continue
            }
            // a qualified name: identifiers joined by dots
            let nameStart = index
            var cursor = index
            while cursor < count, isNameByte(value[cursor]) { cursor += 1 }
            let firstEnd = cursor
            guard cursor + 1 < count, value[cursor] == UInt8(ascii: "."), ShieldByte.isLetter(value[cursor + 1]) else {
                index = cursor
                continue
            }
            var segmentCount = 1
            var segmentStart = nameStart
            while true {
                let segment = value[segmentStart..<cursor]
                if gadgetWords.containsLowercased(segment) { sawGadget = true }
                if contextWords.containsLowercased(segment) { sawJavaContext = true }
                guard segmentCount < 16, cursor + 1 < count, value[cursor] == UInt8(ascii: "."),
                    ShieldByte.isLetter(value[cursor + 1])
                else { break }
                cursor += 1
                segmentStart = cursor
                while cursor < count, isNameByte(value[cursor]) { cursor += 1 }
                segmentCount += 1
            }
            index = cursor
            guard rootWords.containsLowercased(value[nameStart..<firstEnd]) else { continue }
            let name = ShieldDecoding.lowercased(Array(value[nameStart..<cursor]))
            let parts = name.split(separator: UInt8(ascii: ".")).map { String(decoding: $0, as: UTF8.self) }
            if parts.contains(where: { $0.hasSuffix("exception") || $0.hasSuffix("error") }) { continue }
            if stackFrame(value, nameStart: nameStart, nameEnd: cursor) { continue }
            if dangerous(parts, strict: strict) { return true }
        }
        return sawGadget && sawJavaContext
    }

    /// `at java.lang.Thread.run(Thread.java:748)`: a frame of a pasted stack trace.
    static func stackFrame(_ value: [UInt8], nameStart: Int, nameEnd: Int) -> Bool {
        guard nameStart >= 3, value[nameStart - 1] == UInt8(ascii: " "), value[nameStart - 2] == UInt8(ascii: "t"),
            value[nameStart - 3] == UInt8(ascii: "a"), nameEnd < value.count, value[nameEnd] == UInt8(ascii: "(")
        else { return false }
        let close = value[nameEnd...].prefix(120).firstIndex(of: UInt8(ascii: ")")) ?? value.count
        let inside = ShieldDecoding.lowercased(Array(value[nameEnd..<close]))
        return inside.contains(".java:") || inside.contains("native method") || inside.contains("unknown source")
            || inside.contains(".kt:") || inside.contains(".scala:") || inside.contains(".groovy:")
    }

    /// Whether the segments of a qualified name (lower-cased) name a dangerous class or package.
    static func dangerous(_ parts: [String], strict: Bool) -> Bool {
        let second = parts[1]
        let third = parts.count > 2 ? parts[2] : ""
        switch parts[0] {
        case "java":
            switch second {
            case "lang": return dangerousLang.contains(third) || strict
            case "io":
                return third.contains("file") || third.contains("stream") || third.contains("reader")
                    || third.contains("writer") || third == "console" || strict
            case "net": return third.contains("classloader") || third.contains("socket") || third == "url" || strict
            case "nio": return third == "file" || third == "channels" || strict
            case "util": return third == "scanner" || third == "function" || strict
            case "beans", "rmi": return true
            default:
                // java.Runtime, java.evil.ProcessBuilder: a runtime or process builder under java
                let last = parts[parts.count - 1]
                return last == "runtime" || last == "processbuilder"
            }
        case "javax":
            return second == "script" || second == "naming" || second == "management" || second == "el" || strict
        case "jdk": return second == "jshell" || second == "nashorn" || second == "internal" || strict
        case "sun": return second == "misc" || second == "reflect" || second == "rmi" || second == "tools" || strict
        case "com":
            switch second {
            case "sun":
                return ["org", "rowset", "jndi", "jmx", "corba", "naming", "script", "tools", "xml"].contains(third)
                    || strict
            case "opensymphony": return third == "xwork2"
            case "mchange": return third == "v2"
            default: return false
            }
        case "org":
            switch second {
            case "apache":
                if third == "commons" {
                    let fourth = parts.count > 3 ? parts[3] : ""
                    return fourth.hasPrefix("collections") || fourth == "beanutils" || strict
                }
                return third == "xalan" || third == "xbean" || third == "naming" || third == "bcel"
            case "omg": return third == "corba"
            case "codehaus": return third == "groovy"
            case "mozilla": return third == "javascript"
            default: return false
            }
        case "ognl", "bsh", "javassist": return true
        case "groovy": return second == "lang" || second == "util"
        default: return false
        }
    }

    /// Whether base64 text in `original` decodes, at any bit alignment, to a gadget's or a runtime's
    /// name (`cHJvY2Vzc2J1aWxkZXI` is `processbuilder`): the strict level's check for encoded Java payloads.
    static func encodedGadget(_ original: [UInt8]) -> Bool {
        var index = 0
        let count = original.count
        while index < count {
            guard Base64Digit.value(original[index], urlSafe: true) != nil else {
                index += 1
                continue
            }
            var end = index
            while end < count, Base64Digit.value(original[end], urlSafe: true) != nil { end += 1 }
            if end - index >= 8, decodedRunNamesGadget(original[index..<end]) { return true }
            index = end
        }
        return false
    }

    private static func decodedRunNamesGadget(_ run: ArraySlice<UInt8>) -> Bool {
        let sextets = run.prefix(4_096).compactMap { Base64Digit.value($0, urlSafe: true) }
        for shift in stride(from: 0, to: 8, by: 2) {
            var decoded: [UInt8] = []
            decoded.reserveCapacity(sextets.count * 3 / 4)
            var buffer: UInt32 = 0
            var bits = 0
            var skip = shift
            for sextet in sextets {
                buffer = buffer << 6 | UInt32(sextet)
                bits += 6
                if skip > 0 {
                    bits -= skip
                    buffer &= (1 << UInt32(bits)) - 1
                    skip = 0
                }
                if bits >= 8 {
                    bits -= 8
                    decoded.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                    buffer &= (1 << UInt32(bits)) - 1
                }
            }
            let lowered = ShieldDecoding.lowercased(decoded)
            for word in encodedWords where lowered.contains(word) { return true }
        }
        return false
    }
}
