import ArgumentParser

/// The `bulwark` command.
@main
struct BulwarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulwark",
        abstract:
            "Runtime security for server-side Swift: decide requests and guarded operations against Bulwark rules.",
        subcommands: [ProtectCommand.self, GuardCommand.self, DemoCommand.self, RedisLoadCommand.self]
    )
}
