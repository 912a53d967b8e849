import Foundation
import Testing

@testable import RevoFaultProxy

/// Each toxic against a real echo upstream, through real sockets.
@Suite(.serialized)
struct ToxicTests {
    /// A proxy named `p` in front of a fresh echo server, and what `body` does with it.
    func withProxy(seed: UInt64 = 1, _ body: (FaultProxy, Int) async throws -> Void) async throws {
        let echo = try await EchoServer.start()
        let proxy = FaultProxy(seed: seed)
        let created = try await proxy.create(ProxyDefinition(name: "p", listen: "127.0.0.1:0", upstream: "127.0.0.1:\(echo.port)"))
        let port = created.listenPort
        #expect(port > 0)
        try await body(proxy, port)
        await proxy.shutdown()
        await echo.stop()
    }

    @Test func bytesPassUnchangedWithoutToxics() async throws {
        try await withProxy { _, port in
            let socket = try TestSocket(port: port)
            let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            socket.send(payload)
            let echoed = try socket.receive(payload.count)
            #expect(echoed == payload)
        }
    }

    @Test func latencyDelaysEachAnswer() async throws {
        try await withProxy { proxy, port in
            try await proxy.addToxic("p", Toxic(type: "latency", attributes: ToxicAttributes(["latency": .number(150)])))
            let socket = try TestSocket(port: port)
            let start = ContinuousClock.now
            socket.send("ping")
            let echoed = try socket.receiveText(4)
            #expect(echoed == "ping")
            #expect(ContinuousClock.now - start >= .milliseconds(150))
        }
    }

    @Test func disabledProxyRefusesAndComesBackOnTheSamePort() async throws {
        try await withProxy { proxy, port in
            let open = try TestSocket(port: port)
            _ = try await proxy.update("p", ProxyUpdate(enabled: false))
            // The open connection is dropped and new ones are refused, as when the service is down.
            // Dropped: an end of stream or a reset, depending on how far the kernel had got with the connection.
            let afterDisable = Result { () throws(TestSocket.Failure) in try open.receiveUntilClosed() }
            #expect(afterDisable == .success([]) || afterDisable == .failure(.reset))
            #expect(throws: TestSocket.Failure.refused) { _ = try TestSocket(port: port) }
            _ = try await proxy.update("p", ProxyUpdate(enabled: true))
            let again = try TestSocket(port: port)
            again.send("back")
            let echoed = try again.receiveText(4)
            #expect(echoed == "back")
        }
    }

    @Test func downToxicIsAnOutageUntilRemoved() async throws {
        try await withProxy { proxy, port in
            try await proxy.addToxic("p", Toxic(name: "outage", type: "down"))
            #expect(throws: TestSocket.Failure.refused) { _ = try TestSocket(port: port) }
            #expect(try await proxy.proxy("p").enabled)
            try await proxy.removeToxic("p", "outage")
            let socket = try TestSocket(port: port)
            socket.send("up")
            let echoed = try socket.receiveText(2)
            #expect(echoed == "up")
        }
    }

    /// A port the system chose stays the proxy's while it is down: another socket cannot take it meanwhile (an outgoing
    /// connection's port would make re-enabling fail), yet connections to it are still refused.
    @Test func aDownProxyKeepsItsPort() async throws {
        try await withProxy { proxy, port in
            try await proxy.addToxic("p", Toxic(name: "outage", type: "down"))
            #expect(throws: TestSocket.Failure.refused) { _ = try TestSocket(port: port) }
            let other = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(other) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(other, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            #expect(bound == -1 && errno == EADDRINUSE)
            try await proxy.removeToxic("p", "outage")
            let socket = try TestSocket(port: port)
            socket.send("back")
            #expect(try socket.receiveText(4) == "back")
        }
    }

    @Test func limitDataClosesAfterTheGivenBytes() async throws {
        try await withProxy { proxy, port in
            try await proxy.addToxic("p", Toxic(type: "limit_data", attributes: ToxicAttributes(["bytes": .number(10)])))
            let socket = try TestSocket(port: port)
            socket.send("0123456789abcdef")
            let received = try socket.receiveUntilClosed()
            #expect(String(decoding: received, as: UTF8.self) == "0123456789")
        }
    }

    @Test func timeoutStopsDataThenCloses() async throws {
        try await withProxy { proxy, port in
            try await proxy.addToxic("p", Toxic(type: "timeout", attributes: ToxicAttributes(["timeout": .number(200)])))
            let socket = try TestSocket(port: port)
            let start = ContinuousClock.now
            socket.send("lost")
            let received = try socket.receiveUntilClosed()
            #expect(received.isEmpty)
            #expect(ContinuousClock.now - start >= .milliseconds(200))
        }
    }

    @Test func resetPeerSendsAReset() async throws {
        try await withProxy { proxy, port in
            try await proxy.addToxic("p", Toxic(type: "reset_peer", attributes: ToxicAttributes(["timeout": .number(50)])))
            let socket = try TestSocket(port: port)
            socket.send("x")
            #expect(throws: TestSocket.Failure.reset) { _ = try socket.receive(10) }
        }
    }

    @Test func slicerAndBandwidthDeliverEveryByteInOrder() async throws {
        try await withProxy { proxy, port in
            try await proxy.addToxic(
                "p",
                Toxic(type: "slicer", attributes: ToxicAttributes(["average_size": .number(7), "size_variation": .number(3), "delay": .number(10)]))
            )
            try await proxy.addToxic("p", Toxic(type: "bandwidth", attributes: ToxicAttributes(["rate": .number(100)])))
            let socket = try TestSocket(port: port)
            let payload = Array(repeating: Array("sliced-and-paced ".utf8), count: 1200).flatMap { $0 }
            let start = ContinuousClock.now
            socket.send(payload)
            let echoed = try socket.receive(payload.count)
            #expect(echoed == payload)
            // 20 KB at 100 KB/s takes at least 0.2 s.
            #expect(ContinuousClock.now - start >= .milliseconds(190))
        }
    }

    @Test func slowCloseDelaysTheClose() async throws {
        try await withProxy { proxy, port in
            try await proxy.addToxic("p", Toxic(type: "slow_close", attributes: ToxicAttributes(["delay": .number(200)])))
            let socket = try TestSocket(port: port)
            let start = ContinuousClock.now
            socket.send("QUIT")
            let received = try socket.receiveUntilClosed()
            #expect(received.isEmpty)
            #expect(ContinuousClock.now - start >= .milliseconds(200))
        }
    }

    @Test func zeroToxicityNeverActsAndDrawsRepeatWithTheSeed() async throws {
        func draws(seed: UInt64) async throws -> [Bool] {
            var outcomes: [Bool] = []
            try await withProxy(seed: seed) { proxy, port in
                try await proxy.addToxic("p", Toxic(type: "limit_data", toxicity: 0.5, attributes: ToxicAttributes(["bytes": .number(1)])))
                for _ in 0..<12 {
                    let socket = try TestSocket(port: port)
                    socket.send("ab")
                    outcomes.append(try socket.receive(2).count == 1)
                }
            }
            return outcomes
        }
        let first = try await draws(seed: 7)
        let again = try await draws(seed: 7)
        #expect(first == again)
        #expect(first.contains(true) && first.contains(false))
        try await withProxy { proxy, port in
            try await proxy.addToxic("p", Toxic(type: "limit_data", toxicity: 0, attributes: ToxicAttributes(["bytes": .number(1)])))
            let socket = try TestSocket(port: port)
            socket.send("ab")
            let echoed = try socket.receiveText(2)
            #expect(echoed == "ab")
        }
    }

    @Test func timeBoundedToxicRemovesItself() async throws {
        try await withProxy { proxy, port in
            try await proxy.addToxic("p", Toxic(name: "brief", type: "down", durationMilliseconds: 150))
            #expect(throws: TestSocket.Failure.refused) { _ = try TestSocket(port: port) }
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await proxy.toxics("p").isEmpty)
            let socket = try TestSocket(port: port)
            socket.send("ok")
            let echoed = try socket.receiveText(2)
            #expect(echoed == "ok")
        }
    }

    @Test func redisErrorAnswersChosenCommandsAndForwardsTheRest() async throws {
        try await withProxy { proxy, port in
            try await proxy.addToxic(
                "p",
                Toxic(type: "redis_error", attributes: ToxicAttributes(["commands": .string("set, del"), "error": .string("oom")]))
            )
            let socket = try TestSocket(port: port)
            socket.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
            let error = "-OOM command not allowed when used memory > 'maxmemory'.\r\n"
            let answer = try socket.receiveText(error.utf8.count)
            #expect(answer == error)
            // GET is forwarded (the echo upstream sends the command itself back), split across two writes.
            let get = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
            socket.send(String(get.prefix(9)))
            try await Task.sleep(for: .milliseconds(20))
            socket.send(String(get.dropFirst(9)))
            let forwarded = try socket.receiveText(get.utf8.count)
            #expect(forwarded == get)
        }
    }

    @Test func httpStatusAnswersMatchingPaths() async throws {
        try await withProxy { proxy, port in
            try await proxy.addToxic(
                "p",
                Toxic(
                    type: "http_status",
                    attributes: ToxicAttributes(["path": .string("/v1/chat"), "status": .number(429), "retry_after": .number(2)])
                )
            )
            let socket = try TestSocket(port: port)
            socket.send("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhello")
            let body = #"{"error":{"message":"injected by revo proxy","code":"injected"}}"#
            let expected =
                "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n"
                + "x-revo-proxy: injected\r\nretry-after: 2\r\n\r\n\(body)"
            let answer = try socket.receiveText(expected.utf8.count)
            #expect(answer == expected)
            // Another path goes through untouched, body and all.
            let second = try TestSocket(port: port)
            let request = "GET /health HTTP/1.1\r\nhost: x\r\n\r\n"
            second.send(request)
            let echoed = try second.receiveText(request.utf8.count)
            #expect(echoed == request)
        }
    }

    @Test func badDefinitionsNameTheField() throws {
        #expect(throws: ToxicError.unknownType("lag")) { try Toxic(type: "lag") }
        #expect(throws: ToxicError.invalidField("toxicity", "must be between 0 and 1, got 2.0")) { try Toxic(type: "latency", toxicity: 2) }
        #expect(throws: ToxicError.invalidAttribute("average_size", "must be at least 1 byte")) { try Toxic(type: "slicer") }
        let negative = ToxicAttributes(["latency": .number(-5)])
        #expect(throws: ToxicError.self) { try Toxic(type: "latency", attributes: negative) }
    }
}
