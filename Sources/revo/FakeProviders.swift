import ArgumentParser
import RevoCore
import RevoRuntime
import RevoSim

/// The fake providers of `revo serve --dev`, with the simulation's profiles, on a machine with room for all of them.
enum FakeProviders {
    static let all: [ProviderID] = [.deepseekR1, .llamaLocal, .openai, .anthropic, .mock]
    /// Answers at once with 16 tokens: the provider of HTTP benchmarks, which measure the server, not a model.
    static let instant = ProviderID("instant")
    static var known: String { (all + [instant]).map(\.rawValue).joined(separator: ", ") }

    static let machine = FakeMachine(
        MachineResources(
            totalRAM: .gigabytes(64),
            availableRAM: .gigabytes(48),
            gpus: [.init(name: "gpu0", totalMemory: .gigabytes(24), availableMemory: .gigabytes(24))],
            cpuCores: 16,
            nativeLibraries: ["cuda", "torch", "transformers"]
        ),
        faults: FaultInjector(faults: [], random: SeededRandom(seed: 0), clock: SystemClock(ContinuousClock()))
    )

    /// `--providers a,b`: known names (fakes, or `alsoKnown`: those served over HTTP), in the order given.
    static func ids(_ list: String?, alsoKnown: [ProviderID] = []) throws -> [ProviderID] {
        guard let list else { return all }
        let ids = list.split(separator: ",").map { ProviderID(String($0.trimmingCharacters(in: .whitespaces))) }
        for id in ids where !all.contains(id) && id != instant && !alsoKnown.contains(id) {
            throw ValidationError("--providers: '\(id.rawValue)' is not one of \(known)")
        }
        guard !ids.isEmpty else { throw ValidationError("--providers: name at least one of \(known)") }
        return ids
    }

    /// `loadScale` shortens the models' load times for a live run whose timeline is compressed by that factor.
    static func make(_ ids: [ProviderID], seed: UInt64, clock: SystemClock, loadScale: Double = 1) throws -> [any ModelProvider] {
        let random = SeededRandom(seed: seed)
        let faults = FaultInjector(faults: [], random: random.split("faults"), clock: clock)
        return ids.compactMap { id -> (any ModelProvider)? in
            if id == instant { return InstantProvider(.mock(), tokens: 16) }
            return ProviderProfile.defaults(for: id).map { defaults in
                var profile = defaults
                profile.loadTime = profile.loadTime * loadScale
                return FakeProvider(
                    profile: profile,
                    machine: machine,
                    faults: faults,
                    clock: clock,
                    random: RandomSource(random.split("provider.\(id)"))
                )
            }
        }
    }
}
