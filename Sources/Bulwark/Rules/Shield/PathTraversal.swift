/// Path traversal and local file inclusion by normalising the value as a file system would read it
/// (both slashes, dot segments, hex-written dots and slashes, `....//` filter bypasses) and looking
/// for climbing segments, well-known sensitive files and file-reading URL schemes.
enum PathTraversal {
    static let sensitiveFileMarkers = ShieldMarkers(sensitiveFiles)

    static let sensitiveFiles: [StaticString] = [
        "/etc/passwd", "/etc/shadow", "/etc/group", "/etc/hosts", "/etc/issue", "/etc/master.passwd",
        "/etc/sudoers", "/etc/crontab", "/etc/profile", "/etc/motd", "/etc/httpd", "/etc/apache", "/etc/nginx",
        "/etc/mysql", "/etc/my.cnf", "/etc/security/", "/etc/ssh/", "/proc/self/", "/proc/version",
        "/proc/cmdline", "/proc/mounts", "/proc/net/", "/var/log/", "/var/mail/", "/var/www/", "/root/",
        "/.ssh/", "id_rsa", "id_dsa", "authorized_keys", "/.bash_history", "/.bashrc", "/.profile",
        "win.ini", "boot.ini", "system.ini", "/windows/system32", "/winnt/", "c:/windows", "c:/winnt",
        "/system32/", "web-inf/web.xml", "web-inf/classes", "meta-inf/", "/.htaccess", "/.htpasswd",
        "/.git/", "/.svn/", "/.hg/", "/.env", "/.aws/", "/.docker/", "wp-config.php", "/etc/environment",
        "/.ds_store", "/usr/local/etc/", "/boot/grub", "/sys/class/", "/dev/tcp/", "/.kube/", "ntuser.dat",
        "/c$/", "/admin$/", "global.asa", "inetpub/wwwroot",
    ]

    /// The path with `\` as `/`, hex-written dots and slashes (`0x2e`, `0x5c`) resolved.
    static func normalised(_ value: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(value.count)
        var index = 0
        while index < value.count {
            let byte = value[index]
            if byte == UInt8(ascii: "\\") {
                output.append(UInt8(ascii: "/"))
            } else if byte == UInt8(ascii: "0"), index + 3 < value.count, value[index + 1] == UInt8(ascii: "x") {
                if value.hasBytes("0x2e", at: index) {
                    output.append(UInt8(ascii: "."))
                    index += 4
                    continue
                }
                if value.hasBytes("0x2f", at: index) || value.hasBytes("0x5c", at: index) {
                    output.append(UInt8(ascii: "/"))
                    index += 4
                    continue
                }
                output.append(byte)
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    /// Whether a value reaches outside its directory or names a sensitive file. In a request's path
    /// (`inPath`), one dot segment is enough: clients normalise paths before sending them.
    static func detect(_ raw: [UInt8], inPath: Bool, strict: Bool) -> Bool {
        guard raw.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") })
        else { return false }
        // most values (URLs, versions, decimals) have neither a backslash nor a hex-written byte
        let value = raw.contains(UInt8(ascii: "\\")) || raw.contains("0x") ? normalised(raw) : raw
        var climbs = 0
        var index = 0
        let count = value.count
        while let dots = value.firstIndex(of: "..", from: index) {
            var end = dots + 2
            while end < count, value[end] == UInt8(ascii: ".") { end += 1 }
            // `..;/` (Tomcat), `..%00`, `.. /`: what follows may be ignored by the target
            var after = end
            while after < count, value[after] == UInt8(ascii: ";") || value[after] == UInt8(ascii: " ") { after += 1 }
            let beforeOK =
                dots == 0 || value[dots - 1] == UInt8(ascii: "/") || value[dots - 1] == UInt8(ascii: "=")
                || value[dots - 1] == UInt8(ascii: ":") || value[dots - 1] == UInt8(ascii: "'")
                || value[dots - 1] == UInt8(ascii: "\"")
            let afterOK = after >= count || value[after] == UInt8(ascii: "/")
            if beforeOK && afterOK { climbs += 1 }
            index = end
        }
        if climbs >= 2 || (climbs == 1 && (inPath || strict)) { return true }
        if value.contains("....//") || value.contains("..../") { return true }
        if sensitiveFileMarkers.occurs(in: value) { return true }
        if value.hasBytes("etc/passwd", at: 0) || value.hasBytes("etc/shadow", at: 0) { return true }
        if climbs == 1, let position = value.firstIndex(of: "../", from: 0) {
            // one climb towards a hidden or configuration file
            let rest = value[(position + 3)...]
            if rest.first == UInt8(ascii: ".") || rest.starts(with: "etc/".utf8) || rest.starts(with: "windows".utf8) {
                return true
            }
        }
        return fileScheme(value)
    }

    static let fileSchemes = ShieldWords(["file", "php", "zip", "phar", "glob", "zlib", "jar", "netdoc"])

    /// `file:///etc/passwd`, `php://filter/…`, `zip://`, `phar://`: schemes that read local files.
    /// A `file:` URL that names a web asset (`file:///app/resources/icon.svg`, as desktop and webview
    /// apps report their own resources in telemetry) reads nothing an attacker wants.
    static func fileScheme(_ value: [UInt8]) -> Bool {
        var index = 0
        while let found = value.firstIndex(of: "://", from: index) {
            index = found + 3
            var start = found
            while start > 0, ShieldByte.isLetter(value[start - 1]) { start -= 1 }
            // the letters before `://` (`compress.zlib://` is read as `zlib`)
            if fileSchemes.contains(value[start..<found]) {
                if value[start..<found].elementsEqual("file".utf8), start == 0, namesWebAsset(value) { continue }
                return true
            }
        }
        if value.hasBytes("file:/", at: 0) { return !namesWebAsset(value) }
        return value.contains("php://") || value.contains("file:/")
    }

    static let webAssetExtensions = ShieldWords([
        "svg", "png", "jpg", "jpeg", "gif", "webp", "ico", "css", "woff", "woff2", "ttf", "otf", "mp4", "webm",
    ])

    /// Whether the whole value is one URL whose path ends in a web asset's extension, with no query,
    /// climb or space.
    private static func namesWebAsset(_ value: [UInt8]) -> Bool {
        guard !value.contains(".."),
            !value.contains(where: { $0 == UInt8(ascii: "?") || ShieldByte.isSpace($0) || $0 == UInt8(ascii: "!") }),
            let dot = value.lastIndex(of: UInt8(ascii: ".")), !value[dot...].contains(UInt8(ascii: "/"))
        else { return false }
        return webAssetExtensions.contains(value[(dot + 1)...])
    }
}
