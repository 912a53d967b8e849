import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import RevoCore

/// The workload's HTTP client against a real `revo serve`: the requests the simulation hands to the application in
/// process, sent over loopback, and their answers read the same way.
struct LiveClient: Sendable {
    let http: HTTPClient
    let baseURL: String
    var username = ""
    var password = ""
    var tokens = VirtualUser.Tokens(access: "", refresh: "", accessExpiresAt: .zero)

    init(http: HTTPClient, baseURL: String) {
        self.http = http
        self.baseURL = baseURL
    }

    var token: String { tokens.access }

    /// Registers a throwaway account and keeps its tokens.
    mutating func signIn(username: String, password: String) async throws(LiveError) {
        let answer = await send(.credentials("/auth/register", username: username, password: password), timeout: .seconds(30))
        guard answer.status == 201, let tokens = APIClient.tokens(in: answer, at: .zero) else {
            throw LiveError("POST /auth/register answered \(answer.status): \(answer.text)")
        }
        self.username = username
        self.password = password
        self.tokens = tokens
    }

    /// `call` with this client's access token.
    func sendAuthorized(_ call: HTTPCall, timeout: Duration) async -> HTTPAnswer {
        await send(call.authorized(token), timeout: timeout)
    }

    /// `call` as it is; status 0 with the reason in the body when nothing answered.
    func send(_ call: HTTPCall, timeout: Duration) async -> HTTPAnswer {
        var request = HTTPClientRequest(url: baseURL + call.path)
        request.method = HTTPMethod(rawValue: call.method.rawValue)
        for field in call.headers { request.headers.add(name: field.name.canonicalName, value: field.value) }
        if let body = call.body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            var headers = HTTPFields()
            for (name, value) in response.headers {
                if let name = HTTPField.Name(name) { headers.append(HTTPField(name: name, value: value)) }
            }
            let body = try await response.body.collect(upTo: 4 << 20)
            return HTTPAnswer(status: Int(response.status.code), headers: headers, body: Array(body.readableBytesView))
        } catch {
            return HTTPAnswer(status: 0, headers: [:], body: Array("\(error)".utf8))
        }
    }
}

extension HealthReport {
    /// What the sampler records when `/health` does not answer at all: the backend itself is down.
    static func unreachable(_ reason: String, at checkedAt: Duration) -> HealthReport {
        HealthReport(
            status: .unhealthy,
            services: [HealthReport.Entry(service: .backend, health: ComponentHealth(status: .unhealthy, reasons: [reason]))],
            availableProviders: [],
            live: false,
            ready: false,
            notReadyBecause: [reason],
            checkedAt: checkedAt
        )
    }
}
