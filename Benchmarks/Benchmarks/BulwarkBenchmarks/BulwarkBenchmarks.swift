import Benchmark
@_spi(Benchmarking) @_spi(Testing) import Bulwark
import HTTPTypes

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .instructions, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000,
        thresholds: [
            .instructions: BenchmarkThresholds(relative: [.p50: 10, .p90: 15]),
            .mallocCountTotal: BenchmarkThresholds(absolute: [.p50: 2, .p90: 2]),
        ],
    )
    tokenBucketBenchmarks()
    protectBenchmarks()
    protectWithoutRulesBenchmark()
    clientIPBenchmarks()
    botBenchmarks()
    filterBenchmarks()
    ipBenchmarks()
    sensitiveInfoBenchmarks()
    emailBenchmarks()
    promptInjectionBenchmarks()
    guardBenchmarks()
    redisBenchmarks()
}

/// User agents as they come: browsers (most traffic), then named bots, a tool and an unknown one.
let sampleUserAgents = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        + "Version/18.3.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 "
        + "Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
        + "Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "Mozilla/5.0 (compatible; TotallyNewCrawler/0.1; +https://example.org/bot)",
]

/// Bot detection: a user agent seen before (the cache), one never seen (the matching itself), and a
/// whole `protect` with a `detectBot` rule for a browser.
func botBenchmarks() {
    Benchmark("BotUserAgentCached", configuration: perOperation) { benchmark in
        let userAgent = sampleUserAgents[0]
        _ = DetectedClient(userAgent: userAgent)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(DetectedClient(userAgent: userAgent))
        }
    }

    Benchmark("BotUserAgentUncached", configuration: perOperation) { benchmark in
        _ = DetectedClient(classifyingUncached: sampleUserAgents[0])
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            blackHole(DetectedClient(classifyingUncached: sampleUserAgents[iteration % sampleUserAgents.count]))
        }
    }

    Benchmark("ProtectDetectBotBrowser", configuration: perOperation) { benchmark in
        let bulwark = try Bulwark(rules: [.detectBot(mode: .live, allow: [.category(.searchEngine)])])
        var headers = HTTPFields()
        headers[.userAgent] = sampleUserAgents[0]
        let request = BulwarkRequest(method: .get, path: "/articles", headers: headers, remoteAddress: "203.0.113.7")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(await bulwark.protect(request))
        }
    }
}

/// Filter expressions: one evaluation of a typical expression (IP details, a set, a boolean, the
/// method), and of string work on a header (`lower()`, a wildcard, a prefix).
func filterBenchmarks() {
    var details = IPDetails(address: "203.0.113.7")
    details.country = "US"
    details.vpn = false
    var headers = HTTPFields()
    headers[.userAgent] = sampleUserAgents[0]
    headers[HTTPField.Name("x-client")!] = "Mobile-App/4.2 (build 1234)"
    let context = RuleContext(
        request: BulwarkRequest(
            method: .get,
            authority: "www.example.com",
            path: "/blog/post-1?id=42",
            headers: headers,
            remoteAddress: "203.0.113.7"
        ),
        clientIP: IPAddress("203.0.113.7"),
        ip: details,
        filterLocal: ["plan": "free"]
    )
    let expressions = [
        (
            "FilterEvaluateTypical",
            #"ip.src.country in {"US" "CA"} and not ip.src.vpn and http.request.method eq "GET""#
        ),
        (
            "FilterEvaluateStrings",
            #"lower(http.request.headers["x-client"]) wildcard "mobile-app/*" and "#
                + #"starts_with(http.request.uri.path, "/blog/") and local.plan ne "pro""#
        ),
    ]
    for (name, source) in expressions {
        Benchmark(name, configuration: perOperation) { benchmark in
            let expression = try FilterExpression(source)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(expression.evaluate(context))
            }
        }
    }
}

/// IP analysis with the bundled data: the details of public addresses (IPv4 and IPv6, a cloud, a
/// Tor exit's neighbourhood, ordinary ISPs), as every decision computes them.
func ipBenchmarks() {
    let addresses = [
        "8.8.8.8", "81.2.69.160", "2a03:2880:f10c:83:face:b00c::25de", "52.94.236.248", "185.220.101.1",
        "1.1.1.1", "2001:4860:4860::8888", "93.184.216.34",
    ].map { IPAddress($0)! }
    Benchmark("IPAnalyzerBundled", configuration: perOperation) { benchmark in
        let analyzer = IPAnalyzer()
        for address in addresses { blackHole(analyzer.details(for: address)) }
        benchmark.startMeasurement()
        var index = 0
        for _ in benchmark.scaledIterations {
            blackHole(analyzer.details(for: addresses[index]))
            index = (index + 1) & 7
        }
    }
    // The lookup alone, as a data source answers it (without formatting the address as text).
    Benchmark("IPLookupBundled", configuration: perOperation) { benchmark in
        let source = BundledIPData.shared
        var warm = IPDetails()
        for address in addresses { try source.annotate(&warm, for: address) }
        benchmark.startMeasurement()
        var index = 0
        for _ in benchmark.scaledIterations {
            var details = IPDetails()
            try source.annotate(&details, for: addresses[index])
            blackHole(details)
            index = (index + 1) & 7
        }
    }
    // A hostile pattern over an 8 KiB header: the step budget bounds it whatever the pattern.
    Benchmark("FilterRegexHostile", configuration: .init(scalingFactor: .one)) { benchmark in
        let expression = try FilterExpression(#"http.request.headers["x-a"] matches "(a|aa)*(.*){1,200}z""#)
        var headers = HTTPFields()
        headers[HTTPField.Name("x-a")!] = String(repeating: "a", count: 8_192)
        let context = RuleContext(
            request: BulwarkRequest(method: .get, authority: "example.com", path: "/", headers: headers),
            clientIP: nil,
            ip: IPDetails(),
            filterLocal: [:]
        )
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(expression.evaluate(context))
        }
    }
}

/// A thousand operations an iteration, reported per operation: one operation alone is shorter than
/// the harness's own bookkeeping around an iteration.
var perOperation: Benchmark.Configuration { .init(scalingFactor: .kilo) }

/// The store alone: one token-bucket decision on one key, and the same under contention.
func tokenBucketBenchmarks() {
    let policy = RateLimitPolicy.tokenBucket(refillRate: 1_000_000, interval: .seconds(1), capacity: 1_000_000_000)
    let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    Benchmark("InMemoryTokenBucketDecision", configuration: perOperation) { benchmark in
        let store = InMemoryRateLimitStore()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(store.consumeNow(key: "user-42", policy: policy, requested: 1, now: now))
        }
    }

    // 8 tasks sharing 1,000 decisions per iteration, on one hot key and on 8 keys: the lock's cost
    // when both cores contend for it, and when the shards spread the load. Figures are per decision.
    for (name, keys) in [("OneKey", ["hot"]), ("EightKeys", (0..<8).map { "key-\($0)" })] {
        Benchmark(
            "InMemoryStoreContention8Tasks\(name)",
            configuration: .init(scalingFactor: .kilo)
        ) { benchmark in
            let store = InMemoryRateLimitStore()
            let perTask = benchmark.scaledIterations.count / 8
            benchmark.startMeasurement()
            await withTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    let key = keys[task % keys.count]
                    group.addTask {
                        for _ in 0..<perTask {
                            blackHole(store.consumeNow(key: key, policy: policy, requested: 1, now: now))
                        }
                    }
                }
            }
        }
    }
}

/// The whole decision: `protect` with one token-bucket rule keyed by a custom characteristic.
func protectBenchmarks() {
    Benchmark("ProtectOneTokenBucket", configuration: perOperation) { benchmark in
        let bulwark = try Bulwark(rules: [
            .tokenBucket(
                mode: .live,
                characteristics: ["userId"],
                refillRate: 1_000_000,
                interval: .seconds(1),
                capacity: 1_000_000_000
            )
        ])
        let request = BulwarkRequest(
            method: .post,
            authority: "api.example.com",
            path: "/v1/chat",
            headers: [.userAgent: "Mozilla/5.0", .contentType: "application/json"],
            remoteAddress: "203.0.113.7"
        )
        let characteristics = ["userId": "user-42"]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(await bulwark.protect(request, characteristics: characteristics))
        }
    }
}

/// The engine's fixed cost: `protect` with no rules (client IP, context, decision id, decision).
func protectWithoutRulesBenchmark() {
    Benchmark("ProtectNoRules", configuration: perOperation) { benchmark in
        let bulwark = try Bulwark(rules: [])
        let request = BulwarkRequest(
            method: .get,
            authority: "api.example.com",
            path: "/",
            remoteAddress: "203.0.113.7"
        )
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(await bulwark.protect(request))
        }
    }
}

/// Client-IP resolution behind a load balancer, with a three-hop `X-Forwarded-For`.
func clientIPBenchmarks() {
    // Shield on a typical browser request (query, cookies, referer, a JSON body), on a GET with a
    // SQL injection, and on a 64 KiB text body (time linear in the input). These read every value
    // every time; `ShieldTypicalRequestCached` is the same request from a client seen before, whose
    // headers, cookies and fields the verdict cache remembers.
    Benchmark("ShieldTypicalRequest", configuration: perOperation) { benchmark in
        let shield = Shield(cachingVerdicts: false)
        let request = ShieldSamples.typical
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(shield.inspect(request))
        }
    }

    Benchmark("ShieldTypicalRequestCached", configuration: perOperation) { benchmark in
        let shield = Shield()
        let request = ShieldSamples.typical
        blackHole(shield.inspect(request))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(shield.inspect(request))
        }
    }

    Benchmark("ShieldAttackRequest", configuration: perOperation) { benchmark in
        let shield = Shield(cachingVerdicts: false)
        let request = BulwarkRequest(
            method: .get,
            authority: "shop.example.com",
            path: "/products?id=1%27%20union%20select%20username,password%20from%20users--&sort=price",
            headers: ShieldSamples.browserHeaders,
            remoteAddress: "203.0.113.7"
        )
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(shield.inspect(request))
        }
    }

    Benchmark(
        "Shield64KiBTextBody",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal, .instructions], maxDuration: .seconds(2))
    ) { benchmark in
        let shield = Shield(cachingVerdicts: false)
        var fields = ShieldSamples.browserHeaders
        fields[.contentType] = "text/plain"
        let line = "The quick brown fox's tale: see https://example.com/a?b=c, (and more); it's fine.\n"
        let body = Array(String(repeating: line, count: 65_536 / line.utf8.count).utf8)
        let request = BulwarkRequest(method: .post, authority: "x.example", path: "/notes", headers: fields, body: body)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(shield.inspect(request))
        }
    }

    Benchmark("ClientIP3HopForwardedFor", configuration: perOperation) { benchmark in
        let resolver = try ClientIPResolver(proxies: ["10.0.0.0/8", "172.16.0.0/12"])
        var headers = HTTPFields()
        headers[HTTPField.Name("x-forwarded-for")!] = "8.8.8.8, 10.1.2.3, 172.16.5.4"
        let peer = IPAddress("10.0.0.2")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(resolver.clientIP(peer: peer, headers: headers))
        }
    }
}

/// Requests shaped like the benign browser traffic of the blazehttp corpus.
enum ShieldSamples {
    static let browserHeaders: HTTPFields = {
        var fields = HTTPFields()
        fields[.userAgent] =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36"
        fields[.accept] = "application/json, text/plain, */*"
        fields[.acceptLanguage] = "zh-CN,zh;q=0.9,en-US;q=0.8,en;q=0.7"
        fields[.acceptEncoding] = "gzip, deflate, br"
        fields[HTTPField.Name("referer")!] = "https://console.example.com/vpc/flowlog/dashboard?rid=9&lang=zh"
        fields[HTTPField.Name("origin")!] = "https://console.example.com"
        fields[HTTPField.Name("sec-ch-ua")!] = "\"Not.A/Brand\";v=\"8\", \"Chromium\";v=\"114\""
        fields[HTTPField.Name("sec-fetch-site")!] = "same-origin"
        fields[.cookie] =
            "uin=o100003290640; skey=@aBcD3fGh1; _ga=GA1.2.1234567890.1688377577; lang=zh; pgv_pvid=8402395871"
        return fields
    }()

    static let typical: BulwarkRequest = {
        var fields = browserHeaders
        fields[.contentType] = "application/json;charset=UTF-8"
        let body = #"""
            {"serviceType":"vpc","action":"DescribeFlowLogs","regionId":1,"data":{"Version":"2017-03-12",            "Offset":0,"Limit":20,"Filters":[{"Name":"flow-log-name","Values":["prod-egress"]}],            "RequestClient":"PC","Language":"zh-CN"},"cmd":"DescribeFlowLogs","csrfCode":"2093508630",            "href":"https://console.example.com/vpc/flowlog/dashboard?rid=9","ts":1688384061931}
            """#
        return BulwarkRequest(
            method: .post,
            authority: "console.example.com",
            path: "/cgi/capi?cmd=DescribeFlowLogs&action=delegate&serviceType=vpc&t=1688384173529&uin=100003290640",
            headers: fields,
            remoteAddress: "203.0.113.7",
            body: Array(body.utf8)
        )
    }()
}
