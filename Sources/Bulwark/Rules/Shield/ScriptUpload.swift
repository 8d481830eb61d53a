/// A server-side script uploaded as a file (a web shell), read from the name the client gave it.
///
/// A web server runs an uploaded file by its name, and the ways of getting a script past an
/// allow-list of image extensions are all in the name: the extension itself (`shell.php`,
/// `cmd.aspx`), what Windows strips from a name (`shell.php.`, `photo.php  `, `photo. php`), what a
/// C library or IIS stops reading at (`x.php%00.png`, `x.asp;.jpg`), Apache's reading of every
/// extension of a name (`info.php.jpg`, `test.phar.png`), and the files that reconfigure the
/// directory they land in (`.htaccess`, `.user.ini`, `web.config`).
enum ScriptUpload {
    /// Extensions a web server hands to an interpreter when they end a name: PHP, JSP, ASP and
    /// ASP.NET, ColdFusion and server-side includes.
    static let finalExtensions = ShieldWords([
        "php", "php2", "php3", "php4", "php5", "php6", "php7", "php8", "phtml", "pht", "phar", "shtml", "jsp", "jspx",
        "jspf", "asp", "aspx", "asa", "asax", "ascx", "ashx", "asmx", "cfm", "cfml", "cfc",
    ])

    /// Extensions Apache's PHP handler honours anywhere in a name (`info.php.jpg`).
    static let innerExtensions = ShieldWords([
        "php", "php2", "php3", "php4", "php5", "php6", "php7", "php8", "phtml", "pht", "phar",
    ])

    /// Files that change how the server treats the directory they are written to.
    static let configurationNames = ShieldWords([".htaccess", ".user.ini", "web.config"])

    /// Whether an uploaded file's name would have a web server run it as a script.
    static func isScriptName(_ name: [UInt8]) -> Bool {
        // What the server's file system keeps: up to a NUL or IIS's `;`, after the last separator,
        // without the trailing dots and spaces Windows drops.
        var end = name.firstIndex { $0 == 0x00 || $0 == UInt8(ascii: ";") } ?? name.count
        let start = name[..<end].lastIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }.map { $0 + 1 } ?? 0
        while end > start, name[end - 1] == UInt8(ascii: ".") || ShieldByte.isSpace(name[end - 1]) { end -= 1 }
        guard end > start else { return false }
        let base = name[start..<end]
        if configurationNames.containsLowercased(base) { return true }
        let parts = base.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return false }
        for (number, part) in parts.enumerated().dropFirst() {
            // `photo. php`: a space after the dot is dropped too
            let trimmed = part.drop(while: ShieldByte.isSpace)
            guard !trimmed.isEmpty, trimmed.count <= 6 else { continue }
            if number == parts.count - 1 {
                if finalExtensions.containsLowercased(trimmed) { return true }
            } else if innerExtensions.containsLowercased(trimmed) {
                return true
            }
        }
        return false
    }

    /// Where PHP code starts in a file's content: `<?php` and a space or line break, in either case.
    /// Six bytes that random binary data (an image's pixels) does not produce by chance.
    static func phpStart(in content: [UInt8]) -> Int? {
        var search = 0
        while let found = content.firstIndex(of: "<?", from: search) {
            search = found + 2
            guard found + 5 < content.count, content[found + 2] | 0x20 == UInt8(ascii: "p"),
                content[found + 3] | 0x20 == UInt8(ascii: "h"),
                content[found + 4] | 0x20 == UInt8(ascii: "p"), ShieldByte.isSpace(content[found + 5])
            else { continue }
            return found
        }
        return nil
    }
}
