import ArgumentParser
import AsyncHTTPClient
import RevoCore
import RevoDrivers

/// `revo serve --provider NAME=URL[;model=M][;api=openai|anthropic]`: models served over HTTP.
///
/// NAME is one of the known providers; its descriptor keeps the name, context window and price, without local
/// resource needs (another process holds the model). The wire format is Anthropic's for `anthropic`, OpenAI's
/// (also llama.cpp, vLLM, Ollama) otherwise. Keys come from REVO_PROVIDER_KEY_<NAME>, else OPENAI_API_KEY /
/// ANTHROPIC_API_KEY.
struct RemoteProvider: Equatable {
    var id: ProviderID
    var endpoint: HTTPModelProvider.Endpoint

    static let known: [ProviderID] = [.openai, .anthropic, .deepseekR1, .llamaLocal, .mock]

    static func parse(_ text: String) throws -> RemoteProvider {
        let usage =
            "--provider must be NAME=URL[;model=M][;api=openai|anthropic] with NAME one of "
            + known.map(\.rawValue).joined(separator: ", ") + ", got '\(text)'"
        guard let equals = text.firstIndex(of: "=") else { throw ValidationError(usage) }
        let id = ProviderID(String(text[..<equals]))
        guard known.contains(id) else { throw ValidationError(usage) }
        var parts = text[text.index(after: equals)...].split(separator: ";").map(String.init)
        guard let url = parts.first, url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ValidationError("--provider \(id): the URL must start with http:// or https://, got '\(parts.first ?? "")'")
        }
        parts.removeFirst()
        var api: HTTPProviderAPI = id == .anthropic ? .anthropic : .openAI
        var model = id.rawValue
        for option in parts {
            let pair = option.split(separator: "=", maxSplits: 1).map(String.init)
            switch (pair.first, pair.count) {
            case ("model", 2): model = pair[1]
            case ("api", 2):
                guard let chosen = HTTPProviderAPI(rawValue: pair[1]) else {
                    throw ValidationError("--provider \(id): api must be openai or anthropic, got '\(pair[1])'")
                }
                api = chosen
            default: throw ValidationError("--provider \(id): unknown option '\(option)'; allowed: model=NAME, api=openai|anthropic")
            }
        }
        let key =
            ProcessEnvironment.value("REVO_PROVIDER_KEY_\(id.rawValue.uppercased())")
            ?? ProcessEnvironment.value(api == .anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY")
        return RemoteProvider(id: id, endpoint: .init(api: api, baseURL: url, model: model, apiKey: key))
    }

    /// The known descriptor without local resource needs.
    var descriptor: ModelDescriptor {
        let known: ModelDescriptor =
            switch id {
            case .openai: .openai(hasKey: true)
            case .anthropic: .anthropic(hasKey: true)
            case .deepseekR1: .deepseekR1()
            case .llamaLocal: .llamaLocal()
            default: .mock()
            }
        return ModelDescriptor(
            id: known.id,
            kind: known.kind,
            displayName: known.displayName,
            contextWindow: known.contextWindow,
            pricePer1kTokens: known.pricePer1kTokens
        )
    }

    func provider(client: HTTPClient) -> HTTPModelProvider {
        HTTPModelProvider(descriptor: descriptor, endpoint: endpoint, client: client)
    }
}
