/// The identity of the simulated task the current code runs in, set by ``SimulationExecutor/spawn(_:operation:)``.
///
/// Child tasks (task groups, `async let`) and unstructured tasks created inside inherit it, so trace events
/// are attributed to the task that started the work.
public struct SimulationTaskInfo: Sendable, Hashable {
    public var id: UInt64
    public var name: String

    @TaskLocal public static var current: SimulationTaskInfo?
}
