import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RevoCore

/// The workload's HTTP client: what a frontend does against `revo serve`, timed by the caller.
struct LiveClient: Sendable {
    /// What one API call gave back: its status and JSON body (empty when the body was not JSON). The body is what
    /// JSONSerialization made, immutable once built, so it can cross tasks.
    struct Answer: @unchecked Sendable {
        var status: Int
        var json: [String: Any]
        var error: String?
    }

    let http: HTTPClient
    let baseURL: String
    var token = ""

    init(http: HTTPClient, baseURL: String) {
        self.http = http
        self.baseURL = baseURL
    }

    /// Registers a throwaway account and keeps its access token.
    mutating func signIn(username: String, password: String) async throws(LiveError) {
        let body = ["username": username, "password": password]
        let answer = await call("POST", "/auth/register", body: body, timeout: .seconds(30))
        guard answer.status == 201, let token = answer.json["access_token"] as? String else {
            throw LiveError("POST /auth/register answered \(answer.status): \(answer.error ?? "\(answer.json)")")
        }
        self.token = token
    }

    func call(_ method: String, _ path: String, body: [String: any Sendable]? = nil, timeout: Duration) async -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        if !token.isEmpty { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        if let body, let data = try? JSONSerialization.data(withJSONObject: body) {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            let bytes = try await response.body.collect(upTo: 4 << 20)
            let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
            let error = (json["error"] as? [String: Any])?["message"] as? String
            return Answer(status: Int(response.status.code), json: json, error: error)
        } catch {
            return Answer(status: 0, json: [:], error: "\(error)")
        }
    }
}

extension HealthReport {
    /// Reads `GET /health`'s answer back into the report the recorder samples.
    init(answer json: [String: Any], at checkedAt: Duration) {
        let services = (json["services"] as? [String: Any]) ?? [:]
        let entries = Service.allCases.compactMap { service -> HealthReport.Entry? in
            guard let body = services[service.rawValue] as? [String: Any] else { return nil }
            let status = (body["status"] as? String).flatMap(HealthStatus.init(rawValue:)) ?? .unhealthy
            return HealthReport.Entry(service: service, health: ComponentHealth(status: status, reasons: body["reasons"] as? [String] ?? []))
        }
        self.init(
            status: (json["status"] as? String).flatMap(HealthStatus.init(rawValue:)) ?? .unhealthy,
            services: entries,
            availableProviders: ((json["available_providers"] as? [String]) ?? []).map { ProviderID($0) },
            live: json["live"] as? Bool ?? false,
            ready: json["ready"] as? Bool ?? false,
            notReadyBecause: json["not_ready_because"] as? [String] ?? [],
            checkedAt: checkedAt
        )
    }

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
