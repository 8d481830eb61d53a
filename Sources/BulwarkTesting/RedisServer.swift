import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A redis-server on 127.0.0.1 and a free port, with no persistence, for the Redis store's tests.
///
/// Tests that need it carry `.enabled(if: RedisServer.shouldRun)`: skipped where redis-server is
/// not installed, unless `BULWARK_REQUIRE_SERVICES=1` (as in CI), where they run and fail saying
/// why. ``stop(immediately:)``, ``pause()`` and ``restart()`` let a test take Redis away mid-run.
package final class RedisServer: @unchecked Sendable {
    /// Whether tests that need redis-server should run.
    package static var shouldRun: Bool { ChildProcess.servicesRequired || binaryPath() != nil }

    /// The redis-server executable (Debian's `redis-server` package installs `/usr/bin/redis-server`).
    package static func binaryPath() -> String? {
        ChildProcess.find(
            "redis-server",
            in: ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/opt/homebrew/bin/redis-server"]
        )
    }

    /// The port it listens on.
    package let port: Int
    /// The extra options it was started with.
    package let options: [String]
    /// `redis://127.0.0.1:port` (with the password, if one was set).
    package var url: String { "redis://" + (password.map { ":\($0)@" } ?? "") + "127.0.0.1:\(port)" }
    private let password: String?
    /// Whether the port speaks TLS only (see ``start(options:password:tls:)``).
    private let tls: TLSFiles?
    private let lock = NSLock()
    private var process: ChildProcess?

    /// The PEM files of a TLS server: its certificate, its key, and the CA that clients are checked against.
    package struct TLSFiles: Sendable {
        package let certificate: String
        package let key: String
        package let certificateAuthority: String

        package init(certificate: String, key: String, certificateAuthority: String) {
            self.certificate = certificate
            self.key = key
            self.certificateAuthority = certificateAuthority
        }
    }

    private init(port: Int, options: [String], password: String?, tls: TLSFiles?) {
        self.port = port
        self.options = options
        self.password = password
        self.tls = tls
    }

    deinit { process?.stop() }

    /// Starts redis-server with extra options (such as `["--requirepass", "secret"]`) and waits until
    /// it answers; a port taken between choosing and binding it is retried with another.
    /// With `tls`, the port speaks TLS only (no plain port) and clients need no certificate.
    package static func start(
        options: [String] = [],
        password: String? = nil,
        tls: TLSFiles? = nil
    ) async throws -> RedisServer {
        var lastLog = ""
        for _ in 0..<5 {
            let server = RedisServer(
                port: try ChildProcess.freeTCPPort(),
                options: options,
                password: password,
                tls: tls
            )
            do {
                try await server.launch()
                return server
            } catch {
                lastLog = "\(error)"
            }
        }
        throw ChildProcess.Failure("redis-server did not start: \(lastLog)")
    }

    private func launch() async throws {
        guard let binary = Self.binaryPath() else {
            throw ChildProcess.Failure(
                "redis-server is required (BULWARK_REQUIRE_SERVICES=1) but was not found: install it "
                    + "(apt-get install redis-server)"
            )
        }
        var arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--protected-mode", "no", "--daemonize", "no", "--dir", NSTemporaryDirectory(), "--loglevel", "warning",
        ]
        if let password { arguments += ["--requirepass", password] }
        if let tls {
            arguments += [
                "--port", "0", "--tls-port", String(port), "--tls-cert-file", tls.certificate, "--tls-key-file",
                tls.key, "--tls-ca-cert-file", tls.certificateAuthority, "--tls-auth-clients", "no",
            ]
        }
        arguments += options
        let child = try ChildProcess(binary, arguments: arguments)
        lock.withLock { process = child }
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while ContinuousClock.now < deadline {
            guard child.isRunning else {
                let log = child.log
                child.stop()
                throw ChildProcess.Failure("redis-server exited: \(log)")
            }
            if Self.answers(port: port, plainText: tls == nil) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        let log = child.log
        child.stop()
        throw ChildProcess.Failure("redis-server did not answer within 10 s: \(log)")
    }

    /// Stops it (SIGKILL when `immediately`, as a crash; SIGTERM otherwise).
    package func stop(immediately: Bool = false) {
        lock.withLock { process }?.stop(immediately: immediately)
    }

    /// Freezes it (SIGSTOP): connections stay open and nothing is answered.
    package func pause() { lock.withLock { process }?.signal(SIGSTOP) }

    /// Unfreezes it (SIGCONT).
    package func resume() { lock.withLock { process }?.signal(SIGCONT) }

    /// A self-signed certificate for `localhost` and 127.0.0.1, made with the `openssl` command (Debian
    /// package `openssl`) in a new temporary directory; it is its own CA.
    package static func makeTLSFiles() throws -> TLSFiles {
        guard let openssl = ChildProcess.find("openssl", in: ["/usr/bin/openssl", "/usr/local/bin/openssl"]) else {
            throw ChildProcess.Failure("the TLS test needs the openssl command: apt-get install openssl")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "bulwark-tls-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let child = try ChildProcess(
            openssl,
            arguments: [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                "-out", certificate, "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ]
        )
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while child.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        let log = child.log
        child.stop()
        guard FileManager.default.fileExists(atPath: certificate), FileManager.default.fileExists(atPath: key) else {
            throw ChildProcess.Failure("openssl did not make a certificate: \(log)")
        }
        return TLSFiles(certificate: certificate, key: key, certificateAuthority: certificate)
    }

    /// Starts it again on the same port, empty (no persistence), after ``stop(immediately:)``.
    package func restart() async throws {
        stop()
        try await launch()
    }

    /// Whether something on the port answers a PING (PONG, or NOAUTH when a password is set); on a
    /// TLS port, whether it accepts a connection.
    private static func answers(port: Int, plainText: Bool) -> Bool {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return false }
        guard plainText else { return true }
        let ping = Array("PING\r\n".utf8)
        guard write(descriptor, ping, ping.count) == ping.count else { return false }
        var reply = [UInt8](repeating: 0, count: 64)
        let count = read(descriptor, &reply, reply.count)
        guard count > 0 else { return false }
        let text = String(decoding: reply[..<count], as: UTF8.self)
        return text.hasPrefix("+PONG") || text.hasPrefix("-NOAUTH")
    }
}
