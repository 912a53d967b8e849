import ArgumentParser
import Foundation
import Testing
import Yams

@testable import RevoServer
@testable import revo

/// The Dockerfile, the Compose file, the Kubernetes manifests and the CI example say what the code does: ports,
/// health paths, environment variable names and values, and revo command lines. (ci/test also checks the Compose
/// file and the workflow against their JSON Schemas with check-jsonschema.)
@Suite("deployment files")
struct DeploymentFilesTests {
    static let root = RevoProcess.checkout

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func yaml(_ path: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: text(path)) as? [String: Any], "\(path) is not a YAML mapping")
    }

    static let defaultPort = Int(ServeSetting.port.byDefault)!

    /// Environment variables a deployment may set for revo serve.
    static let known = Set(ServeSetting.all.map(\.environment) + ServeSetting.all.compactMap(\.alias))
        .union(["LOG_LEVEL", "REVO_CONFIG", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"])

    /// Checks names, then values: the settings must resolve as revo serve would resolve them.
    static func expectValid(_ environment: [String: String], _ file: String) throws {
        let unknown = Set(environment.keys).subtracting(known)
        #expect(unknown.isEmpty, "\(file) sets variables revo does not read: \(unknown.sorted())")
        var settable = environment
        settable["REVO_JWT_SECRET_FILE"] = nil  // a path inside the container
        _ = try ServeSettings(ServeConfiguration(flags: [:], environment: settable, file: nil))
    }

    /// Each `--flag` in a serve command line is one `revo serve` has.
    static func expectServeFlags(_ arguments: [String], _ file: String) {
        let help = ServeCommand.helpMessage(columns: 400)
        for flag in arguments where flag.hasPrefix("--") {
            #expect(help.contains(flag + " ") || help.contains(flag + "\n"), "\(file): revo serve has no \(flag)")
        }
    }

    static func expectRouted(_ path: String, _ file: String) {
        #expect(OpenAPIDocument.operations.contains { $0.path == path }, "\(file): \(path) is not a route of revo serve")
    }

    @Test("Dockerfile: port, health check, entry point, environment, non-root user")
    func dockerfile() throws {
        let text = try Self.text("Dockerfile")
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains("EXPOSE \(Self.defaultPort)"))
        #expect(text.contains("http://127.0.0.1:\(Self.defaultPort)/health/live"))
        Self.expectRouted("/health/live", "Dockerfile")
        #expect(lines.contains { $0.hasPrefix("USER ") && !$0.hasSuffix(" root") })
        #expect(text.contains("FROM swift:") && text.contains("FROM debian:bookworm-slim"))
        let entry = try #require(lines.first { $0.hasPrefix("ENTRYPOINT ") })
        let command = try #require(try JSONSerialization.jsonObject(with: Data(entry.dropFirst("ENTRYPOINT ".count).utf8)) as? [String])
        #expect(Array(command.prefix(2)) == ["revo", "serve"])
        Self.expectServeFlags(command, "Dockerfile")
        // ENV A=1 \ B=2 …: the block after ENV, up to the first line not continued.
        let start = try #require(lines.firstIndex { $0.hasPrefix("ENV ") })
        var environment: [String: String] = [:]
        for line in lines[start...] {
            for pair in line.replacingOccurrences(of: "ENV ", with: "").replacingOccurrences(of: "\\", with: "").split(separator: " ") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { environment[String(parts[0])] = String(parts[1]) }
            }
            if !line.hasSuffix("\\") { break }
        }
        #expect(environment["REVO_PORT"] == "\(Self.defaultPort)")
        try Self.expectValid(environment, "Dockerfile")
    }

    @Test("compose.yaml: revo after healthy PostgreSQL 15 and Redis 7, the seed's memory limits, valid settings")
    func compose() throws {
        let compose = try Self.yaml("deploy/compose.yaml")
        let services = try #require(compose["services"] as? [String: Any])
        let revo = try #require(services["revo"] as? [String: Any])
        #expect((services["postgres"] as? [String: Any])?["image"] as? String == "postgres:15")
        #expect((services["redis"] as? [String: Any])?["image"] as? String == "redis:7")
        let dependsOn = try #require(revo["depends_on"] as? [String: [String: String]])
        #expect(dependsOn.mapValues { $0["condition"] } == ["postgres": "service_healthy", "redis": "service_healthy"])
        for name in ["postgres", "redis", "revo"] {
            #expect((services[name] as? [String: Any])?["healthcheck"] != nil, "\(name) has no healthcheck")
        }
        let health = try #require((revo["healthcheck"] as? [String: Any])?["test"] as? [String])
        #expect(health.contains("http://127.0.0.1:\(Self.defaultPort)/health/live"))
        #expect((revo["ports"] as? [String]) == ["\(Self.defaultPort):\(Self.defaultPort)"])
        let resources = (revo["deploy"] as? [String: Any])?["resources"] as? [String: [String: String]]
        #expect(resources?["limits"]?["memory"] == "8G" && resources?["reservations"]?["memory"] == "4G")
        Self.expectServeFlags(revo["command"] as? [String] ?? [], "compose.yaml")
        // ${NAME:?message} and ${NAME:-default} filled in as an operator's environment would.
        let environment = try #require(revo["environment"] as? [String: String]).mapValues { value in
            value.replacingOccurrences(of: #"\$\{POSTGRES_PASSWORD:\?[^}]*\}"#, with: "secret", options: .regularExpression)
                .replacingOccurrences(of: #"\$\{[A-Z_]+:-([^}]*)\}"#, with: "$1", options: .regularExpression)
        }
        try Self.expectValid(environment, "compose.yaml")
        let secret = try #require((revo["secrets"] as? [String])?.first)
        #expect(environment["REVO_JWT_SECRET_FILE"] == "/run/secrets/\(secret)")
        #expect(((compose["secrets"] as? [String: Any])?[secret]) != nil)
    }

    @Test("k8s: probes on the health routes, the container port, valid settings, every object aimed at revo")
    func kubernetes() throws {
        let deployment = try Self.yaml("deploy/k8s/deployment.yaml")
        #expect(deployment["kind"] as? String == "Deployment")
        #expect(((deployment["spec"] as? [String: Any])?["replicas"] as? Int ?? 0) >= 2)
        let pod = try #require(((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let ports = try #require(container["ports"] as? [[String: Any]])
        #expect(ports.first?["containerPort"] as? Int == Self.defaultPort)
        func probe(_ name: String) -> String? {
            ((container[name] as? [String: Any])?["httpGet"] as? [String: Any])?["path"] as? String
        }
        #expect(probe("livenessProbe") == "/health/live")
        #expect(probe("readinessProbe") == "/health/ready")
        Self.expectRouted("/health/live", "deployment.yaml")
        Self.expectRouted("/health/ready", "deployment.yaml")
        Self.expectServeFlags(container["args"] as? [String] ?? [], "deployment.yaml")

        let configMap = try Self.yaml("deploy/k8s/configmap.yaml")
        var environment = try #require(configMap["data"] as? [String: String])
        for entry in container["env"] as? [[String: Any]] ?? [] {
            let name = try #require(entry["name"] as? String)
            let secretKey = ((entry["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any])?["key"] as? String
            environment[name] =
                [
                    "jwt-secret": String(repeating: "k", count: 32), "database-url": "postgres://revo:pw@postgres:5432/revo",
                ][secretKey ?? ""] ?? entry["value"] as? String ?? "x"
        }
        try Self.expectValid(environment, "deploy/k8s")
        #expect(environment["REVO_CACHE"]?.hasPrefix("redis://") == true, "replicas share circuits and the reply cache through Redis")

        let service = try Self.yaml("deploy/k8s/service.yaml")
        let servicePorts = (service["spec"] as? [String: Any])?["ports"] as? [[String: Any]]
        #expect(servicePorts?.first?["targetPort"] as? String == ports.first?["name"] as? String)
        for file in ["pdb", "hpa", "service", "configmap"] {
            let object = try Self.yaml("deploy/k8s/\(file).yaml")
            #expect(object["apiVersion"] != nil && (object["metadata"] as? [String: Any])?["name"] as? String == "revo")
        }
        let target = ((try Self.yaml("deploy/k8s/hpa.yaml"))["spec"] as? [String: Any])?["scaleTargetRef"] as? [String: String]
        #expect(target?["kind"] == "Deployment" && target?["name"] == "revo")
    }

    @Test("the CI example's revo command lines parse with revo's own parser")
    func githubActions() throws {
        let workflow = try Self.yaml("examples/ci/github-actions.yml")
        let jobs = try #require(workflow["jobs"] as? [String: [String: Any]])
        let runs = jobs.values.flatMap { ($0["steps"] as? [[String: Any]] ?? []).compactMap { $0["run"] as? String } }
        let commands = runs.flatMap { $0.split(separator: "&&") }.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix(".build/release/revo ") }
        #expect(commands.count == 4)
        for command in commands {
            let arguments = command.replacingOccurrences(of: "${{ matrix.shard }}", with: "1").split(separator: " ").dropFirst().map(String.init)
            #expect(throws: Never.self, "\(command)") { _ = try Revo.parseAsRoot(arguments) }
        }
        #expect(commands.contains { $0.contains(" run Scenarios/ --shard ") })
        #expect(commands.contains { $0.contains(" report merge ") })
        #expect(commands.contains { $0.contains(" budget report ") })
    }
}
