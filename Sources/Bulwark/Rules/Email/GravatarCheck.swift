import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Whether an email address has a Gravatar: the answer behind `NO_GRAVATAR`.
enum GravatarStatus: Sendable, Hashable {
    /// The service has an image for the address (HTTP 200).
    case found
    /// The service has no image for the address (HTTP 404, as asked for with `d=404`).
    case notFound
    /// No answer arrived within the time allowed, or the caller was cancelled first.
    case timedOut
    /// The service could not be reached or gave another status; the text says which.
    case failed(String)
}

/// Asks Gravatar (or a service with the same URL scheme) whether an email address has an image:
/// `HEAD baseURL + sha256(trimmed, lower-cased address) + "?d=404"`, which answers 200 for an
/// address with an image and, because of `d=404`, 404 for one without.
///
/// Gravatar takes SHA-256 hashes of addresses (docs.gravatar.com, "Avatars"); the older MD5 form is
/// not used. Only the hash leaves the process, but a hash of an address is still personal data to
/// whoever receives it: the check runs only for rules that list `NO_GRAVATAR`.
///
/// The request is a HEAD, so no body is ever read. It goes through `URLSession.shared` (Foundation,
/// and libcurl on Linux), which speaks `https` on every platform Bulwark runs on and which the core
/// already uses to fetch crawler ranges; a client of our own on SwiftNIO would still need TLS, which
/// the core does not depend on. `URLRequest`'s timeout is not relied on: on Linux it did not end a
/// request to a server that accepted the connection and never answered. The caller's timeout is
/// enforced by racing the request against the clock, and the request is cancelled when the clock
/// wins. Cookies and the URL cache are not used.
///
/// Definite answers are cached by hash (``EmailCheckCache``); timeouts and failures are not, since
/// an outage shows up on every address alike and caching one address's failure would not spare the
/// next address its wait.
///
/// ```swift
/// let check = try GravatarCheck(baseURL: "http://127.0.0.1:8080/avatar/")
/// if await check.check(normalizedEmail: "someone@example.com", timeout: .seconds(2)) == .notFound {
///     // NO_GRAVATAR
/// }
/// ```
struct GravatarCheck: Sendable {
    /// Gravatar's image endpoint.
    static let defaultBaseURL = "https://gravatar.com/avatar/"
    /// The longest address hashed, in UTF-8 bytes; RFC 5321 allows 254, and the margin is for
    /// internationalised addresses written in Unicode.
    static let maximumEmailLength = 1_024

    /// The URL the hash is appended to, ending in `/`.
    let baseURL: String
    /// The base URL's host, for messages.
    let host: String
    /// Definite answers (found, not found) by hash.
    let cache: EmailCheckCache<GravatarStatus>

    /// A check against `baseURL`.
    ///
    /// - Parameters:
    ///   - baseURL: An `http` or `https` URL with a host and no query or fragment; a `/` is added
    ///     at the end if missing. Tests point it at a server on loopback.
    ///   - cache: Where answers are kept, by hash.
    /// - Throws: ``BulwarkConfigurationError/Code/invalidValue`` for a base URL that is not such a URL.
    init(
        baseURL: String = GravatarCheck.defaultBaseURL,
        cache: EmailCheckCache<GravatarStatus> = EmailCheckCache()
    ) throws(BulwarkConfigurationError) {
        let shown = String(baseURL.prefix(200))
        func invalid(_ problem: String) -> BulwarkConfigurationError {
            BulwarkConfigurationError(
                code: .invalidValue,
                message: "the Gravatar base URL '\(shown)' \(problem): use an http or https URL such as "
                    + "\(Self.defaultBaseURL)"
            )
        }
        guard baseURL.utf8.count <= 2_048 else { throw invalid("is longer than 2,048 bytes") }
        guard let components = URLComponents(string: baseURL), let scheme = components.scheme?.lowercased()
        else { throw invalid("does not parse as a URL") }
        guard scheme == "http" || scheme == "https" else { throw invalid("is not http or https") }
        guard let host = components.host, !host.isEmpty else { throw invalid("has no host") }
        guard components.query == nil, components.fragment == nil else {
            throw invalid("has a query or a fragment, which the hash cannot follow")
        }
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.host = host
        self.cache = cache
    }

    /// The hexadecimal SHA-256 of an address as Gravatar hashes it: leading and trailing white
    /// space removed, lower-cased.
    static func hash(ofEmail email: String) -> String {
        let trimmed = email.trimmingCharacters(in: .whitespacesAndNewlines)
        return SHA256.hexDigest(trimmed.lowercased().utf8)
    }

    /// The URL asked for an address's hash.
    func url(forHash hash: String) -> URL? {
        URL(string: baseURL + hash + "?d=404")
    }

    /// Whether `normalizedEmail` has a Gravatar, answered within `timeout` whatever the network does.
    func check(normalizedEmail: String, timeout: Duration) async -> GravatarStatus {
        guard normalizedEmail.utf8.count <= Self.maximumEmailLength else {
            return .failed("the address is longer than \(Self.maximumEmailLength) bytes")
        }
        let hash = Self.hash(ofEmail: normalizedEmail)
        if let cached = cache.value(for: hash) { return cached }
        guard let url = url(forHash: hash) else { return .failed("cannot form a URL from \(baseURL)") }
        let host = self.host
        let status = await withDeadline(timeout) { await Self.requestStatus(url, host: host, timeout: timeout) }
        guard let status else { return .timedOut }
        if status == .found || status == .notFound { cache.store(status, for: hash) }
        return status
    }

    private static func requestStatus(_ url: URL, host: String, timeout: Duration) async -> GravatarStatus {
        // Only a backstop, well past the deadline: the deadline cancels the request when it runs out.
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: seconds + 30)
        request.httpMethod = "HEAD"
        request.httpShouldHandleCookies = false
        request.setValue("Bulwark", forHTTPHeaderField: "User-Agent")
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            guard let response = response as? HTTPURLResponse else {
                return .failed("\(host) did not answer over HTTP")
            }
            switch response.statusCode {
            case 200: return .found
            case 404: return .notFound
            default: return .failed("\(host) answered HTTP \(response.statusCode)")
            }
        } catch let error as URLError where error.code == .timedOut || error.code == .cancelled {
            return .timedOut
        } catch {
            return .failed("cannot reach \(host): \(error.localizedDescription.prefix(200))")
        }
    }
}
