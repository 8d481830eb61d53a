import Bulwark
import Foundation
import GuardExamples
import MCP

// The example MCP server over standard input and output, one session per process:
// `swift run bulwark-mcp-example`, then connect an MCP client to its stdio.
let bulwark = try Bulwark(rules: [])
let toolGuard = try ExampleMCPServer.makeGuard(bulwark: bulwark, sessionID: UUID().uuidString.lowercased())
let server = await ExampleMCPServer.makeServer(toolGuard: toolGuard)
try await server.start(transport: StdioTransport())
await server.waitUntilCompleted()
