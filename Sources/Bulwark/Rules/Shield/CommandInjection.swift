/// Command injection by reading the value as a shell would: it finds the places where a new command
/// starts (`;`, `|`, `&`, `&&`, `||`, newlines, backticks, `$(…)`, brace expansion), reads the word
/// there as the shell does (quotes and backslashes inside a word removed, `${IFS}` as a space,
/// absolute paths to their program) and asks whether it is a command with plausible arguments.
enum CommandInjection {
    /// Commands that prove an injection even without arguments.
    static let bareCommands: Set<String> = [
        "id", "whoami", "uname", "ifconfig", "ipconfig", "netstat", "ls", "pwd", "ps", "dir", "env", "printenv",
        "hostname", "systeminfo", "false", "reboot", "bash", "sh", "zsh", "ksh", "csh", "dash", "tcsh", "cmd",
        "powershell", "tasklist", "wget", "curl", "sleep", "ping", "getuid", "uptime", "arp", "lsof", "xterm",
        "nc", "ncat", "netcat", "telnet", "busybox", "phpinfo", "nslookup", "whoami.exe", "cmd.exe",
        "powershell.exe", "pwsh", "sudo",
    ]

    /// Commands that need a plausible argument to count.
    static let commands: Set<String> = [
        "cat", "more", "less", "head", "tail", "type", "echo", "printf", "print", "wget", "curl", "fetch", "nc",
        "ncat", "netcat", "socat", "telnet", "ssh", "scp", "ftp", "tftp", "sftp", "rsync", "bash", "sh", "zsh",
        "ksh", "csh", "dash", "tcsh", "fish", "busybox", "python", "python2", "python3", "perl", "ruby", "php",
        "node", "nodejs", "lua", "java", "powershell", "pwsh", "cmd", "ping", "sleep", "timeout", "rm", "del",
        "rmdir", "chmod", "chown", "chgrp", "touch", "mkdir", "cp", "mv", "ln", "copy", "move", "ren", "find",
        "grep", "egrep", "awk", "gawk", "sed", "cut", "sort", "uniq", "wc", "tee", "xargs", "tar", "zip", "unzip",
        "gzip", "gunzip", "base64", "xxd", "od", "strings", "file", "stat", "kill", "killall", "pkill", "crontab",
        "nohup", "sudo", "su", "useradd", "usermod", "adduser", "passwd", "chpasswd", "net", "reg", "sc", "wmic",
        "certutil", "bitsadmin", "mshta", "rundll32", "regsvr32", "cscript", "wscript", "tasklist", "taskkill",
        "nslookup", "dig", "host", "whois", "traceroute", "tracert", "iptables", "mount", "env", "export",
        "eval", "exec", "source", "expr", "uname", "id", "ls", "dir", "ps", "whoami", "hostname", "ifconfig",
        "ipconfig", "netstat", "systeminfo", "xterm", "nmap", "openssl", "gcc", "cc", "make", "apt", "apt-get",
        "yum", "pip", "npm", "git", "svn", "vi", "vim", "nano", "ed", "sqlite3", "mysql", "psql", "mongo",
        "redis-cli", "start", "call", "set", "ver", "runas", "icacls", "attrib", "schtasks", "lwp-download",
        "lynx", "links", "w3m", "jrunscript", "jjs", "php-cgi", "dd", "sh.exe", "cmd.exe", "powershell.exe",
        "getent", "cd", "flock", "cpulimit", "perf", "lastlog", "lastlogin", "strace", "ltrace", "gdb", "trap",
        "base32", "hexdump", "tcpdump", "systemctl", "journalctl", "docker", "kubectl", "nsenter", "chroot",
        "unshare", "setarch", "taskset", "ionice", "stdbuf", "c89", "c99", "md5sum", "sha1sum", "sha256sum",
        "column", "fold", "comm", "time", "nice", "watch", "visudo", "cscli", "ansible", "ansible-playbook",
        "ansible-vault", "ansible-galaxy", "ansible-config", "ansible-doc", "ansible-inventory", "ansible-pull",
        "ansible-console", "chef-client", "chef-shell", "chef-run", "chef-vault", "rmt-tar", "rmt-dump",
    ]

    /// Commands that run the command after them (`time ifconfig`, `nohup id`): the one after is judged.
    static let wrappers: Set<String> = [
        "time", "nohup", "strace", "ltrace", "nice", "ionice", "timeout", "env", "sudo", "stdbuf", "watch",
        "xargs", "exec", "command", "builtin",
    ]

    /// Commands that count at the start of a line.
    static let lineCommands: Set<String> = [
        "id", "whoami", "uname", "ifconfig", "ipconfig", "netstat", "wget", "curl", "nc", "ncat", "netcat", "bash",
        "sh", "zsh", "python", "python3", "perl", "php", "powershell", "cmd", "nslookup", "ping", "sleep", "ls",
        "cat", "busybox", "telnet", "systeminfo", "whoami.exe", "cmd.exe", "powershell.exe",
    ]

    static let binaryDirectories: [StaticString] = [
        "/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/", "c:/windows/",
        "/system32/",
    ]

    /// Options whose value is a command the program runs: `git` (`--open-files-in-pager`,
    /// `--upload-pack`, `--receive-pack`, `--exec`), `tar` (`--checkpoint-action=exec=`,
    /// `--to-command`, `--use-compress-program`), `zip` (`--unzip-command`), `rsync` (`--rsh`) and
    /// `ssh` (`-oProxyCommand`, `-oLocalCommand`).
    static let commandOptions: Set<String> = [
        "open-files-in-pager", "upload-pack", "receive-pack", "exec", "checkpoint-action", "to-command",
        "use-compress-program", "unzip-command", "rsh", "oproxycommand", "olocalcommand",
    ]

    /// An argument injected into a program that runs one of its options' values: the value is that
    /// option and a command (`--open-files-in-pager=touch /tmp/x;`), or a cluster of `zip`'s short
    /// options ending in `-TT`, its unzip command (`-TvTT=id>shell.php`).
    static func optionCommand(_ value: [UInt8]) -> Bool {
        var index = 0
        while index < value.count, ShieldByte.isSpace(value[index]) { index += 1 }
        guard index < value.count, value[index] == UInt8(ascii: "-") else { return false }
        while index < value.count, value[index] == UInt8(ascii: "-") { index += 1 }
        let nameStart = index
        while index < value.count, ShieldByte.isLetter(value[index]) || value[index] == UInt8(ascii: "-") {
            index += 1
        }
        guard index > nameStart, index < value.count,
            value[index] == UInt8(ascii: "=") || value[index] == UInt8(ascii: " ")
        else { return false }
        let name = String(decoding: value[nameStart..<index], as: UTF8.self)
        let zipCluster = nameStart == 1 && name.count <= 8 && name.hasSuffix("tt")
        guard zipCluster || commandOptions.contains(name) else { return false }
        var start = index + 1
        if value.hasBytes("exec=", at: start) { start += 5 }  // tar's `--checkpoint-action=exec=CMD`
        return commandAt(value, start, separatorStrength: .separator)
    }

    /// Whether a (decoded, lower-cased) value injects a shell command; `classes` are the value's
    /// byte classes, which skip the `$` and directory searches when it has no `$` or slash.
    static func detect(_ value: [UInt8], classes: ShieldByteClasses, strict: Bool) -> Bool {
        let count = value.count
        guard count >= 2 else { return false }
        if classes.any(.dollar),
            value.contains("${ifs}") || value.contains("$ifs$") || value.contains("$(") && subshell(value)
        {
            return true
        }
        if classes.any(.angle), classes.any(.paren), subshell(value, opener: "<(") || subshell(value, opener: ">(") {
            return true
        }
        if value[0] == UInt8(ascii: "-") || ShieldByte.isSpace(value[0]), optionCommand(value) { return true }
        // Absolute paths to programs in the system's binary directories, read at each slash.
        if classes.any(.slash) {
            for index in 0..<count where value[index] == UInt8(ascii: "/") {
                // every directory's slash is followed by one of these (`/bin/`, `/usr/`, `/sbin/`,
                // `/system32/`, `c:/windows/`)
                guard index + 1 < count else { break }
                let next = value[index + 1]
                guard
                    next == UInt8(ascii: "b") || next == UInt8(ascii: "u") || next == UInt8(ascii: "s")
                        || next == UInt8(ascii: "w")
                else { continue }
                for directory in binaryDirectories {
                    // `c:/windows/` is matched from its first slash
                    let start = directory.utf8Start.pointee == UInt8(ascii: "/") ? index : index - 2
                    guard value.hasBytes(directory, at: start) else { continue }
                    let (word, _) = shellWord(value, from: start + directory.utf8CodeUnitCount)
                    if commands.contains(word) || bareCommands.contains(word) { return true }
                }
            }
        }
        var index = 0
        var commandStart = strict ? 0 : -1
        var afterLineBreak = false
        while index <= count {
            if index == commandStart {
                if afterLineBreak {
                    // Multi-line text (stack traces, notes) starts lines with words: only programs
                    // nobody writes prose with count there.
                    let (word, _) = shellWord(
                        value,
                        from: index + (index < count && ShieldByte.isSpace(value[index]) ? 1 : 0)
                    )
                    if lineCommands.contains(word), commandAt(value, index, separatorStrength: .separator) {
                        return true
                    }
                } else if commandAt(value, index, separatorStrength: index == 0 ? .start : .separator) {
                    return true
                }
                afterLineBreak = false
            }
            guard index < count else { break }
            let byte = value[index]
            switch byte {
            case UInt8(ascii: ";"):
                commandStart = index + 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                commandStart = index + 1
                afterLineBreak = true
            case UInt8(ascii: "|"), UInt8(ascii: "&"):
                commandStart = index + 1
                if index + 1 < count, value[index + 1] == byte {
                    commandStart = index + 2
                    index += 1
                }
            case UInt8(ascii: "`"):
                // a backtick pair runs its content
                if let close = value[(index + 1)...].firstIndex(of: UInt8(ascii: "`")) {
                    let (word, _) = shellWord(value, from: index + 1)
                    if close > index + 1, commands.contains(word) || bareCommands.contains(word) { return true }
                }
                commandStart = index + 1
            case UInt8(ascii: "{"):
                // brace expansion: {cat,/etc/passwd}
                let (word, end) = shellWord(value, from: index + 1, stopAtComma: true)
                if end < count, value[end] == UInt8(ascii: ","), commands.contains(word) { return true }
            default: break
            }
            index += 1
        }
        return false
    }

    enum Strength { case start, separator }

    /// Every command word, looked up without building a `String`.
    static let commandWords = ShieldWords(commands.union(bareCommands))

    /// Whether the word at `start` certainly names no command: a plain word (no quote, backslash or
    /// `$` for the shell to remove) that is not one. Most places a command could start, such as the
    /// arguments after each `&` of a URL, are ruled out here without building the word.
    private static func plainNonCommand(_ value: [UInt8], from start: Int) -> Bool {
        var end = start
        var lastSlash = -1
        while end < value.count, end - start < 40 {
            switch value[end] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"): return false
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "&"),
                UInt8(ascii: "`"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"),
                UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "="), UInt8(ascii: "\n"),
                UInt8(ascii: "\r"), 0x0B, 0x0C, 0xA0:
                return wordIsNoCommand(value, start, end, lastSlash)
            case UInt8(ascii: "/"): lastSlash = end
            default: break
            }
            end += 1
        }
        return end - start < 40 && wordIsNoCommand(value, start, end, lastSlash)
    }

    private static func wordIsNoCommand(_ value: [UInt8], _ start: Int, _ end: Int, _ lastSlash: Int) -> Bool {
        let from = lastSlash >= start && value[start] == UInt8(ascii: "/") ? lastSlash + 1 : start
        return from >= end || !commandWords.contains(value[from..<end])
    }

    /// `wrapped` counts the commands before this one that run it (`nice time id`); a few are read.
    private static func commandAt(
        _ value: [UInt8],
        _ start: Int,
        separatorStrength: Strength,
        wrapped: Int = 0
    ) -> Bool {
        var cursor = start
        while cursor < value.count, ShieldByte.isSpace(value[cursor]) || value[cursor] == UInt8(ascii: "(") {
            cursor += 1
        }
        if plainNonCommand(value, from: cursor) { return false }
        let (rawWord, end) = shellWord(value, from: cursor)
        var word = rawWord
        if let slash = word.lastIndex(of: "/"), word.first == "/" { word = String(word[word.index(after: slash)...]) }
        guard !word.isEmpty, commands.contains(word) || bareCommands.contains(word) else { return false }
        // What follows the command word
        var next = end
        while next < value.count, ShieldByte.isSpace(value[next]) { next += 1 }
        if wrapped < 3, wrappers.contains(word), next > end, next < value.count {
            let (inner, _) = shellWord(value, from: next)
            if inner != word, commands.contains(inner) || bareCommands.contains(inner),
                commandAt(value, next, separatorStrength: separatorStrength, wrapped: wrapped + 1)
            {
                return true
            }
        }
        if next >= value.count
            || [
                UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: "`"),
                UInt8(ascii: "#"), UInt8(ascii: ")"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "\n"),
                UInt8(ascii: ">"), UInt8(ascii: "<"),
            ].contains(value[next])
        {
            return bareCommands.contains(word) && (separatorStrength == .separator || next >= value.count)
        }
        guard next > end else { return false }  // `cat(`, `id=`: not a command line
        let argument = value[next]
        if word == "cd" {
            // `cd /;`, `cd /tmp`, `cd ~`, `cd ..`: a directory, not `CD / DVD`
            let after = next + 1 < value.count ? value[next + 1] : UInt8(ascii: ";")
            switch argument {
            case UInt8(ascii: "/"):
                return ShieldByte.isLetter(after) || after == UInt8(ascii: ";") || after == UInt8(ascii: "&")
                    || after == UInt8(ascii: "|")
            case UInt8(ascii: "~"), UInt8(ascii: "$"): return true
            case UInt8(ascii: "."): return after == UInt8(ascii: ".")
            default: return false
            }
        }
        if argument == UInt8(ascii: "-") || argument == UInt8(ascii: "/") || argument == UInt8(ascii: "$")
            || argument == UInt8(ascii: "~") || argument == UInt8(ascii: "\\") || argument == UInt8(ascii: "%")
            || argument == UInt8(ascii: "'") || argument == UInt8(ascii: "\"") || argument == UInt8(ascii: ".")
        {
            return true
        }
        let (argumentWord, _) = shellWord(value, from: next)
        if argumentWord.contains("/") || argumentWord.contains(".") && argumentWord.count > 2 { return true }
        if word == "sleep" || word == "ping" || word == "timeout", argumentWord.allSatisfy(\.isNumber) {
            return separatorStrength == .separator
        }
        if word == "echo" || word == "print" || word == "printf" {
            return separatorStrength == .separator && !argumentWord.isEmpty
        }
        if word == "net", ["user", "localgroup", "view", "share", "use"].contains(argumentWord) { return true }
        if word == "reg" || word == "sc", ["query", "add", "delete"].contains(argumentWord) { return true }
        if word == "getent", ["passwd", "shadow", "group", "hosts", "ahosts", "services"].contains(argumentWord) {
            return true
        }
        return false
    }

    /// `$(id)`, `$(cat /etc/passwd)`, and process substitution: `<(cat file)`, `>(tee log)`.
    private static func subshell(_ value: [UInt8], opener: StaticString = "$(") -> Bool {
        var index = 0
        while let found = value.firstIndex(of: opener, from: index) {
            index = found + 2
            let (word, _) = shellWord(value, from: found + 2)
            var name = word
            if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
            if commands.contains(name) || bareCommands.contains(name) { return true }
        }
        return false
    }

    /// A word as the shell reads it: quotes, backslashes and empty expansions (`$@`, `$9`) removed.
    static func shellWord(_ value: [UInt8], from start: Int, stopAtComma: Bool = false) -> (String, Int) {
        var bytes: [UInt8] = []
        var index = start
        while index < value.count, bytes.count < 40 {
            let byte = value[index]
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                // `c'a't`, `c\at`: quotes inside a word vanish; a quote opening a word ends nothing
                if bytes.isEmpty, byte != UInt8(ascii: "\\"),
                    index + 1 < value.count, !ShieldByte.isLetter(value[index + 1])
                {
                    break
                }
                index += 1
                continue
            }
            if byte == UInt8(ascii: "$"), index + 1 < value.count,
                value[index + 1] == UInt8(ascii: "@") || ShieldByte.isDigit(value[index + 1])
            {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "$"), value.hasBytes("${ifs}", at: index) { break }
            if value.hasBytes("$()", at: index) || value.hasBytes("${}", at: index) {
                index += 3  // `who$()ami`: an empty expansion adds nothing to the word
                continue
            }
            if ShieldByte.isSpace(byte) || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "|")
                || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "<")
                || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
                || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "#")
                || byte == UInt8(ascii: "=") || (stopAtComma && byte == UInt8(ascii: ","))
            {
                break
            }
            bytes.append(byte)
            index += 1
        }
        return (String(decoding: bytes, as: UTF8.self), index)
    }
}
