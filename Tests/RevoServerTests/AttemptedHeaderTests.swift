import Testing

@testable import RevoCore
@testable import RevoServer

@Suite("x-revo-attempted")
struct AttemptedHeaderTests {
    static func step(_ provider: ProviderID, _ outcome: DecisionTrace.Outcome, retry: Int = 0) -> DecisionTrace.Step {
        DecisionTrace.Step(provider: provider, outcome: outcome, retry: retry, startedAt: .zero, duration: .zero, note: nil)
    }

    @Test("the providers called, in order, once each, comma-separated: what the trace's list says")
    func matchesTheAttemptedList() {
        let traces = [
            DecisionTrace(),
            DecisionTrace(steps: [Self.step(.openai, .succeeded)]),
            DecisionTrace(steps: [Self.step(.deepseekR1, .skipped("not loaded")), Self.step(.openai, .succeeded)]),
            DecisionTrace(steps: [
                Self.step(.openai, .failed(.timeout)), Self.step(.openai, .failed(.timeout), retry: 1),
                Self.step(.llamaLocal, .skipped("circuit open")), Self.step(.anthropic, .failed(.serverError(status: 503, message: "x"))),
                Self.step(.mock, .succeeded),
            ]),
            DecisionTrace(steps: [Self.step(.anthropic, .skipped("cap")), Self.step(.anthropic, .interrupted(.timeout))]),
        ]
        for trace in traces {
            #expect(trace.attemptedHeaderValue == trace.attempted.map(\.rawValue).joined(separator: ","))
        }
        #expect(traces[3].attemptedHeaderValue == "openai,anthropic,mock")
        #expect(traces[0].attemptedHeaderValue == "")
    }
}
