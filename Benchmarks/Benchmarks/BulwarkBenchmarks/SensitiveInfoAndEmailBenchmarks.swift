import Benchmark
@_spi(Benchmarking) import Bulwark

/// About 1 KiB of a support conversation with an email address, a phone number, a card number and an
/// IBAN among ordinary words, dates, prices and order numbers.
let sensitiveInfoSample: String = {
    let paragraph =
        "Hi team, order #A-20931 from 2024-03-15 arrived broken (total $129.99, tracking 1Z999AA10123456784). "
        + "Please reach me at maria.lopez@example.org or +44 20 7946 0958 between 9:30 and 17:00. "
        + "Refund to card 4111 1111 1111 1111 or to my account GB82 WEST 1234 5698 7654 32, whichever is "
        + "easier. My colleague said version 2.4.1 of the app crashed twice on build 10.0.19041. "
        + "Thanks for your patience, and sorry for the long message; the invoice is INV-2024-0042. "
    var text = ""
    while text.utf8.count < 1_024 { text += paragraph }
    return String(text.utf8.prefix(1_024))!
}()

/// 64 KiB of prose with no sensitive information: the scanner's cost per KiB on text it must read
/// through.
let plainSample: String = {
    let line = "The quick brown fox's tale, told on 2024-03-15 at 10:30: see chapter 12.4, page 301, for more.\n"
    return String(repeating: line, count: 65_536 / line.utf8.count)
}()

/// Addresses as signup forms get them: ordinary, free-provider, disposable, internationalised, invalid.
let sampleAddresses = [
    "maria.lopez@example.org", "j.smith+news@gmail.com", "throwaway@mailinator.com", "ops@eu.acme-corp.co.uk",
    "用户@例子.广告", "not an address", "first.last@sub.domain.example.com", "x@yahoo.co.jp",
]

func sensitiveInfoBenchmarks() {
    Benchmark("SensitiveInfoScan1KiB", configuration: perOperation) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(SensitiveInfo.scan(sensitiveInfoSample))
        }
    }

    Benchmark(
        "SensitiveInfoScan64KiBPlain",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal, .instructions], maxDuration: .seconds(2))
    ) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(SensitiveInfo.scan(plainSample))
        }
    }
}

func emailBenchmarks() {
    Benchmark("EmailSyntaxAndLists", configuration: perOperation) { benchmark in
        for address in sampleAddresses { blackHole(EmailType.locallyFound(in: address)) }
        benchmark.startMeasurement()
        var index = 0
        for _ in benchmark.scaledIterations {
            blackHole(EmailType.locallyFound(in: sampleAddresses[index]))
            index = (index + 1) & 7
        }
    }
}
