public import RevoCore
public import RevoRuntime

/// The latency and faults of one fake dependency: every operation passes through ``pass(_:)`` first.
public struct FaultGate: Sendable {
    public let target: FaultSpec.Target
    /// Mean latency of one operation, and its relative spread (drawn from the seed).
    public let latency: Duration
    public let spread: Double
    private let faults: FaultInjector
    private let clock: SystemClock
    private let random: RandomSource

    public init(target: FaultSpec.Target, latency: Duration, spread: Double = 0.3, faults: FaultInjector, clock: SystemClock, random: RandomSource) {
        self.target = target
        self.latency = latency
        self.spread = spread
        self.faults = faults
        self.clock = clock
        self.random = random
    }

    /// Waits the operation's latency, then fails it if a fault says so.
    public func pass(_ operation: String) async throws(StoreError) {
        var wait = latency * (1 + spread * (random.unitInterval() * 2 - 1))
        var failure: StoreError?
        var hangs = false
        for fault in faults.hits(target, operation: operation) {
            switch fault.kind {
            case .latency(let extra): wait += extra
            case .timeout: hangs = true
            case .outage(let code), .errorRate(_, let code): failure = failure ?? Self.error(for: target, code: code)
            default: continue
            }
        }
        do {
            try await clock.sleep(for: hangs ? .seconds(86_400 * 365) : wait)
        } catch {
            throw .timeout("\(target) \(operation) cancelled")
        }
        if let failure { throw failure }
    }

    /// The error the real dependency sends for a fault, e.g. PostgreSQL `57P01`, Redis `-LOADING`.
    static func error(for target: FaultSpec.Target, code: String?) -> StoreError {
        switch (target, code?.uppercased()) {
        case (.database, "57P01"): .unavailable("57P01 admin_shutdown: terminating connection due to administrator command")
        case (.database, "57P03"): .unavailable("57P03 cannot_connect_now: the database system is starting up")
        case (.database, nil): .unavailable("connection refused (PostgreSQL)")
        case (.cache, "LOADING"): .failed("-LOADING Redis is loading the dataset in memory")
        case (.cache, "OOM"): .failed("-OOM command not allowed when used memory > 'maxmemory'")
        case (.cache, "READONLY"): .failed("-READONLY You can't write against a read only replica")
        case (.cache, nil): .unavailable("connection refused (Redis)")
        case (.memory, nil): .unavailable("memory service unavailable (connection refused)")
        case (_, let code?): .failed(code)
        case (_, nil): .unavailable("connection refused")
        }
    }
}
