import ArgumentParser
import Bulwark
import BulwarkRedis

/// `--redis URL` and its companions: rate limits in Redis, shared by every process that uses it.
struct RedisOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Keep rate-limit state in Redis at this URL (redis://[[user]:password@]host[:port][/db], rediss:// for TLS), so that processes share limits."
    )
    var redis: String?

    @Option(name: .long, help: "How long a Redis call may take, in milliseconds, before its rule gets an ERROR result.")
    var redisTimeout: Int = 100

    @Option(
        name: .long,
        help:
            "The clock of Redis rate limits: 'server' (Redis TIME, shared by every process) or 'input' (each line's time, for replays)."
    )
    var redisClock: String = "server"

    /// The store `--redis` asks for, or the in-memory one.
    ///
    /// - Throws: ``RedisConfigurationError`` naming the part that is wrong.
    func store() throws -> any RateLimitStore {
        guard let redis else { return InMemoryRateLimitStore() }
        var configuration = try RedisConfiguration(url: redis)
        guard redisTimeout > 0 else {
            throw RedisConfigurationError(
                field: "--redis-timeout",
                message: "\(redisTimeout) is not a positive number of milliseconds"
            )
        }
        configuration.commandTimeout = .milliseconds(redisTimeout)
        let timeSource: RedisRateLimitStore.TimeSource
        switch redisClock {
        case "server": timeSource = .server
        case "input": timeSource = .caller
        default:
            throw RedisConfigurationError(field: "--redis-clock", message: "'\(redisClock)' is not 'server' or 'input'")
        }
        return RedisRateLimitStore(client: try RedisClient(configuration: configuration), timeSource: timeSource)
    }
}
