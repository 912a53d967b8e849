import Foundation
import Hummingbird
import HummingbirdTesting
import RevoCore
import Testing

@Suite("Memories belong to the account that stores them")
struct MemoryPrivacyTests {
    static let notes = ["vault code is in the blue drawer", "vault code is in the red drawer"]

    @Test("another account finds none of them: not by query, not in a chat's recall, not through Perfect Recall")
    func memoriesStayWithTheirAccount() async throws {
        try await Self.withTwoAccounts { client, alice, bob in
            // One memory without a session, one in a session of alice's.
            for body in [#"{"content":"\#(Self.notes[0])"}"#, #"{"content":"\#(Self.notes[1])","session_id":"s1"}"#] {
                try await client.execute(uri: "/api/memory/store", method: .post, headers: AuthTests.bearer(alice), body: ByteBuffer(string: body)) {
                    #expect($0.status == .created)
                }
            }
            for note in Self.notes {
                #expect(try await Self.found(note, as: alice, on: client).contains(note))
                #expect(try await Self.found(note, as: bob, on: client).isEmpty)
            }
            #expect(try await Self.found(Self.notes[1], session: "s1", as: alice, on: client) == [Self.notes[1]])
            #expect(try await Self.found(Self.notes[1], session: "s1", as: bob, on: client).isEmpty)

            #expect(try await Self.perfectRecall(Self.notes[0], as: alice, on: client).contains(Self.notes[0]))
            #expect(try await Self.perfectRecall(Self.notes[0], as: bob, on: client) == "no matching memories")

            // Last: a chat with memory also remembers its exchange, under its own account.
            #expect(try await Self.memoriesUsed(chatting: Self.notes[0], as: alice, on: client) > 0)
            #expect(try await Self.memoriesUsed(chatting: Self.notes[0], as: bob, on: client) == 0)
        }
    }

    @Test("what a chat remembers is found by its account only")
    func rememberedExchangesStayWithTheirAccount() async throws {
        try await Self.withTwoAccounts { client, alice, bob in
            _ = try await Self.memoriesUsed(chatting: "where is the spare key", as: alice, on: client)
            #expect(try await Self.memoriesUsed(chatting: "where is the spare key", as: alice, on: client) > 0)
            #expect(try await Self.memoriesUsed(chatting: "where is the spare key", as: bob, on: client) == 0)
        }
    }

    /// `body` against a fresh server with two accounts, given their access tokens.
    static func withTwoAccounts(
        _ body: @escaping @Sendable (any TestClientProtocol, _ alice: String, _ bob: String) async throws -> Void
    ) async throws {
        let system = await ServerTests.system()
        try await AuthTests.app(system).test(.router) { client in
            try await body(client, try await Self.register("alice", on: client), try await Self.register("bobby", on: client))
        }
        await system.shutdown()
    }

    static func register(_ username: String, on client: some TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/auth/register", method: .post, body: AuthTests.credentials(username, "correct horse")) { response in
            #expect(response.status == .created)
            return ServerTests.json(response.body)["access_token"] as? String ?? ""
        }
    }

    /// The contents a memory query finds.
    static func found(_ query: String, session: String? = nil, as token: String, on client: some TestClientProtocol) async throws -> [String] {
        let body = session.map { #"{"query":"\#(query)","session_id":"\#($0)"}"# } ?? #"{"query":"\#(query)"}"#
        return try await client.execute(uri: "/api/memory/query", method: .post, headers: AuthTests.bearer(token), body: ByteBuffer(string: body)) {
            #expect($0.status == .ok)
            return (ServerTests.json($0.body)["memories"] as? [[String: Any]] ?? []).compactMap { $0["content"] as? String }
        }
    }

    static func memoriesUsed(chatting content: String, as token: String, on client: some TestClientProtocol) async throws -> Int {
        let body = ByteBuffer(string: #"{"content":"\#(content)","use_memory":true}"#)
        return try await client.execute(uri: "/api/chat", method: .post, headers: AuthTests.bearer(token), body: body) {
            #expect($0.status == .ok)
            return ServerTests.json($0.body)["memories_used"] as? Int ?? -1
        }
    }

    /// Perfect Recall's result for a task described by `description`.
    static func perfectRecall(_ description: String, as token: String, on client: some TestClientProtocol) async throws -> String {
        let body = ByteBuffer(string: #"{"description":"\#(description)","required_engines":["perfect_recall"],"strategy":"sequential"}"#)
        return try await client.execute(uri: "/engines/execute", method: .post, headers: AuthTests.bearer(token), body: body) {
            #expect($0.status == .ok)
            let responses = ServerTests.json($0.body)["engine_responses"] as? [[String: Any]] ?? []
            return responses.first { $0["engine"] as? String == "perfect_recall" }?["result"] as? String ?? ""
        }
    }
}
