import ArgumentParser
import Bulwark
import Foundation
import Hummingbird

/// `bulwark demo`: a protected Hummingbird app to try with curl.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a protected demo app (AI chat and signup routes) and print curl commands to try."
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    func run() async throws {
        let router = DemoApp.router(
            chat: try DemoApp.chatBulwark(),
            signup: try DemoApp.signupBulwark(),
            articles: try DemoApp.articlesBulwark()
        )
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "bulwark-demo"),
            onServerRunning: { _ in
                // Written straight to the descriptor: stdout is block-buffered when it is a pipe.
                FileHandle.standardOutput.write(Data((DemoApp.walkthrough(base: "http://\(host):\(port)") + "\n").utf8))
            }
        )
        try await app.runService()
    }
}
