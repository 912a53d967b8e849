import ArgumentParser
import Logging
import RevoServer

@main
struct Revo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revo",
        abstract: "The reVoAgent backend rebuilt in Swift, and the proving ground that reproduces its deployment failures.",
        version: RevoVersion.current,
        subcommands: [
            RunCommand.self, SwarmCommand.self, ValidateCommand.self, CompareCommand.self, ReportCommand.self, BudgetCommand.self,
            ServeCommand.self,
            SelfTestCommand.self,
            BenchmarkCommand.self, ProxyCommand.self, FakeLLMCommand.self,
        ]
    )

    /// Logs go to standard error, so standard output carries only results; `LOG_LEVEL` (trace ... critical) sets the
    /// level, info by default.
    static func main() async {
        let level = ProcessEnvironment.value("LOG_LEVEL").flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        LoggingSystem.bootstrap(
            { label, provider in
                var handler = DeferredMetadataLogHandler(
                    inner: StreamLogHandler.standardError(label: label, metadataProvider: provider),
                    label: label
                )
                handler.logLevel = level
                return handler
            },
            metadataProvider: RequestLogMetadata.provider
        )
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
