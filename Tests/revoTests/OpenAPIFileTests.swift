import Foundation
import Testing
import Yams

@testable import RevoServer

@Suite("openapi.yaml")
struct OpenAPIFileTests {
    @Test("the server embeds openapi.yaml as it is (ci/generate-openapi after an edit)")
    func embeddedIsTheFile() throws {
        let text = try String(contentsOf: RevoProcess.checkout.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let file = try #require(try Yams.load(yaml: text) as? [String: Any])
        let embedded = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.embedded.utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: file).isEqual(to: embedded), "run ci/generate-openapi")
        #expect(file["openapi"] as? String == "3.1.0")
    }

    @Test("the served document is the file with the server's own providers in the chat request's provider enum")
    func servedDocument() throws {
        let served = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json(providers: ["mock", "openai"]).utf8)) as? [String: Any]
        )
        let schemas = (served["components"] as? [String: Any])?["schemas"] as? [String: Any]
        let provider = ((schemas?["ChatRequest"] as? [String: Any])?["properties"] as? [String: Any])?["provider"] as? [String: Any]
        #expect((provider?["enum"] as? [Any])?.compactMap { $0 as? String } == ["mock", "openai"])
        #expect((provider?["enum"] as? [Any])?.last is NSNull)
        #expect((served["paths"] as? [String: Any])?.count == Set(OpenAPIDocument.operations.map(\.path)).count)
    }
}
