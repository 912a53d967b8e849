import Foundation
import Hummingbird
import Synchronization

/// An OpenTelemetry collector's OTLP/HTTP traces endpoint, in process: keeps every body it is sent.
final class OTLPReceiver: Sendable {
    private let bodies = Mutex<[Data]>([])
    private let port = Mutex<Int>(0)
    private let task = Mutex<Task<Void, any Error>?>(nil)

    var url: String { "http://127.0.0.1:\(port.withLock { $0 })" }

    static func start() async throws -> OTLPReceiver {
        let receiver = OTLPReceiver()
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 22)
            let body = Data(buffer: buffer)
            receiver.bodies.withLock { $0.append(body) }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let (bound, resume) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { resume.yield($0.localAddress?.port ?? 0) }
        )
        receiver.task.withLock { $0 = Task { try await app.runService() } }
        var ports = bound.makeAsyncIterator()
        let port = await ports.next() ?? 0
        receiver.port.withLock { $0 = port }
        return receiver
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }

    /// Every span received, in order, each with its resource's attributes under "resource".
    func spans() -> [[String: Any]] {
        let received = bodies.withLock { $0 }.map { (try? JSONSerialization.jsonObject(with: $0)) as? [String: Any] ?? [:] }
        return received.flatMap { body in
            (body["resourceSpans"] as? [[String: Any]] ?? []).flatMap { resource in
                let attributes = (resource["resource"] as? [String: Any])?["attributes"] as? [[String: Any]] ?? []
                return (resource["scopeSpans"] as? [[String: Any]] ?? []).flatMap { scope in
                    (scope["spans"] as? [[String: Any]] ?? []).map { span in span.merging(["resource": attributes]) { old, _ in old } }
                }
            }
        }
    }

    /// A span's attributes as plain values (strings, numbers, booleans).
    static func attributes(_ span: [String: Any], _ key: String = "attributes") -> [String: Any] {
        var result: [String: Any] = [:]
        for attribute in span[key] as? [[String: Any]] ?? [] {
            guard let name = attribute["key"] as? String, let value = attribute["value"] as? [String: Any] else { continue }
            result[name] = value["stringValue"] ?? (value["intValue"] as? String).flatMap(Int.init) ?? value["boolValue"] ?? value["doubleValue"]
        }
        return result
    }
}
