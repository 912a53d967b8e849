import ArgumentParser

@main
struct Revo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revo",
        abstract: "The reVoAgent backend rebuilt in Swift, and the proving ground that reproduces its deployment failures.",
        version: RevoVersion.current,
        subcommands: [SelfTestCommand.self]
    )
}
