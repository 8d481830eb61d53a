import Logging

extension RuleContext {
    /// A context built by hand, for exercising rules and filter expressions outside a client (tests,
    /// fuzzing, benchmarks): the values a filter reads, and defaults for the rest.
    ///
    /// ```swift
    /// @_spi(Testing) import Bulwark
    ///
    /// let context = RuleContext(request: .get("/"), clientIP: IPAddress("192.0.2.1"), ip: details)
    /// let outcome = try FilterExpression(#"ip.src.country eq "US""#).evaluate(context)
    /// ```
    @_spi(Testing)
    public init(
        request: BulwarkRequest,
        clientIP: IPAddress?,
        ip: IPDetails = IPDetails(),
        characteristics: [String: String] = [:],
        filterLocal: [String: String] = [:],
        now: Timestamp = Timestamp(nanosecondsSinceEpoch: 0),
        logger: Logger = Logger(label: "bulwark")
    ) {
        self.request = request
        self.clientIP = clientIP
        self.ip = ip
        self.requested = 1
        self.characteristics = characteristics
        self.email = nil
        self.sensitiveInfoValue = nil
        self.detectPromptInjectionMessage = nil
        self.filterLocal = filterLocal
        self.metadata = [:]
        self.now = now
        self.logger = logger
    }
}
