import ArgumentParser

/// The `bulwark` command.
@main
struct BulwarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulwark",
        abstract: "Runtime security for server-side Swift: decide requests against Bulwark rules.",
        subcommands: [ProtectCommand.self, DemoCommand.self]
    )
}
