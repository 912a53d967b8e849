import Foundation
import RevoCore
import RevoLive
import RevoScenarios

/// `revo run --mode live`: one scenario through the live runner, waited for from the synchronous command.
struct LiveOptions: Sendable {
    var postgres: String?
    var redis: String?
    var timeScale: Double
    var serve: String?
    var out: String

    func run(_ scenario: Scenario, seed: UInt64?) -> ScenarioOutcome {
        let folder = URL(fileURLWithPath: out).appendingPathComponent("live")
        let options = LiveRunner.Options(
            executable: Self.executable,
            folder: folder,
            postgresURL: postgres,
            redisURL: redis,
            timeScale: timeScale,
            serveURL: serve,
            progress: { StatusLine.shared.update($0.scenario, $0.line) }
        )
        let clock = ContinuousClock()
        let start = clock.now
        let result = Self.wait { () async -> Result<ScenarioReport, LiveError> in
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                return .failure(LiveError("cannot create \(folder.path): \(error.localizedDescription)"))
            }
            do throws(LiveError) {
                let run = try await LiveRunner(options: options).run(scenario, seed: seed)
                return .success(ScenarioReport(run: run, checks: CheckEvaluator().evaluate(run)))
            } catch {
                return .failure(error)
            }
        }
        StatusLine.shared.finish(scenario.name)
        let wall = start.duration(to: clock.now)
        switch result {
        case .success(let report):
            return ScenarioOutcome(scenario: scenario, report: report, wall: wall, compression: 1 / timeScale)
        case .failure(let error):
            return ScenarioOutcome(scenario: scenario, wall: wall, compression: 0, failure: "live run failed: \(error)")
        }
    }

    /// This process's executable, which serves for the live runs.
    static var executable: URL {
        URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
    }

    /// Runs `body` on the concurrency pool and blocks the calling (main) thread until it is done.
    private static func wait<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            box.value = await body()
            done.signal()
        }
        done.wait()
        return box.value!
    }
}

/// Carries a detached task's result to the thread that waited for it (written before the semaphore is signalled).
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    var value: T?
}
