@testable import EmbeddingCore
import Foundation
@testable import OpenAIProvider
import Testing

private let secret = "sk-live-DO-NOT-PRINT-42"

@Suite struct OpenAIConfigurationTests {
    @Test func theKeyNeverAppearsInDescriptionsDumpsOrJSON() throws {
        let configuration = OpenAIConfiguration(apiKey: OpenAIAPIKey(secret))
        var dumped = ""
        dump(configuration, to: &dumped)
        let encoded = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        for text in [configuration.description, configuration.debugDescription, String(describing: configuration),
                     String(reflecting: configuration), "\(configuration.apiKey!)", dumped, encoded] {
            #expect(!text.contains("DO-NOT-PRINT"), "\(text)")
        }
        #expect(configuration.description.contains("[redacted]"))
        let decoded = try JSONDecoder().decode(OpenAIConfiguration.self, from: Data(encoded.utf8))
        #expect(decoded.apiKey == nil)
        #expect(decoded.model == configuration.model)
        #expect(decoded.retry == configuration.retry)
    }

    @Test func buildsOpenAIAndAzureURLs() {
        #expect(OpenAIConfiguration().embeddingsURL.absoluteString == "https://api.openai.com/v1/embeddings")
        let local = OpenAIConfiguration(baseURL: URL(string: "http://localhost:11434/v1/")!, model: "nomic-embed-text")
        #expect(local.embeddingsURL.absoluteString == "http://localhost:11434/v1/embeddings")
        let azure = OpenAIConfiguration(baseURL: URL(string: "https://acme.openai.azure.com")!,
                                        flavor: .azure(deployment: "emb", apiVersion: "2024-02-01"))
        #expect(azure.embeddingsURL.absoluteString
            == "https://acme.openai.azure.com/openai/deployments/emb/embeddings?api-version=2024-02-01")
    }

    @Test func knowsTheSizesOfOpenAIsModels() {
        #expect(OpenAIConfiguration(model: "text-embedding-ada-002").expectedDimensions == 1536)
        #expect(OpenAIConfiguration(model: "text-embedding-3-small").expectedDimensions == 1536)
        #expect(OpenAIConfiguration(model: "text-embedding-3-large").expectedDimensions == 3072)
        #expect(OpenAIConfiguration(model: "text-embedding-3-large", dimensions: 256).expectedDimensions == 256)
        #expect(OpenAIConfiguration(model: "bge-m3").expectedDimensions == nil)
    }

    @Test func rejectsConfigurationsThatCannotWork() {
        func rejects(_ change: (inout OpenAIConfiguration) -> Void) -> Bool {
            var configuration = OpenAIConfiguration()
            change(&configuration)
            return (try? configuration.validate()) == nil
        }
        #expect(!rejects { _ in })
        #expect(rejects { $0.baseURL = URL(string: "file:///etc/passwd")! })
        #expect(rejects { $0.baseURL = URL(string: "https://user:\(secret)@example.com/v1")! })
        #expect(rejects { $0.model = "" })
        #expect(rejects { $0.dimensions = 0 })
        #expect(rejects { $0.maxInputsPerRequest = 0 })
        #expect(rejects { $0.maxConcurrentRequests = 0 })
        #expect(rejects { $0.maxTokensPerInput = 400_000 })
        #expect(rejects { $0.requestTimeout = 0 })
        #expect(rejects { $0.flavor = .azure(deployment: "", apiVersion: "2024-02-01") })
        var withKeyInURL = OpenAIConfiguration()
        withKeyInURL.baseURL = URL(string: "https://user:\(secret)@example.com/v1")!
        do {
            try withKeyInURL.validate()
        } catch {
            #expect(!"\(error)".contains("DO-NOT-PRINT"))
        }
    }

    @Test func estimatesTokensAndCostWithoutTheNetwork() throws {
        let documents = Array(repeating: String(repeating: "a", count: 1000), count: 3)
        let bound = UTF8ByteTokenBound()
        let small = OpenAICostEstimate(documents: documents, configuration: OpenAIConfiguration(model: "text-embedding-3-small"),
                                       tokenCounter: bound)
        #expect(small.inputs == 3)
        #expect(small.tokens == 3000)
        #expect(small.tokensAreExact == false)
        #expect(small.requests == 1)
        #expect(small.estimatedCostUSD == Decimal(string: "0.00006"))

        let ada = OpenAICostEstimate(documents: documents, configuration: OpenAIConfiguration(model: "text-embedding-ada-002"),
                                     tokenCounter: bound)
        #expect(ada.estimatedCostUSD == Decimal(string: "0.0003"))
        let large = OpenAICostEstimate(documents: documents, configuration: OpenAIConfiguration(model: "text-embedding-3-large"),
                                       tokenCounter: bound)
        #expect(large.estimatedCostUSD == Decimal(string: "0.00039"))

        let priced = OpenAICostEstimate(
            documents: documents,
            configuration: OpenAIConfiguration(model: "local", dimensions: 8, maxTokensPerInput: 500,
                                               pricePer1KTokens: Decimal(string: "0.5")),
            tokenCounter: bound)
        #expect(priced.tokens == 1500, "inputs are cut before they are counted")
        #expect(priced.estimatedCostUSD == Decimal(string: "0.75"))
        #expect(OpenAICostEstimate(documents: documents, configuration: OpenAIConfiguration(model: "local"),
                                   tokenCounter: bound).estimatedCostUSD == nil)

        let exact = OpenAICostEstimate(documents: ["The quick brown fox jumps over the lazy dog."],
                                       configuration: OpenAIConfiguration(), tokenCounter: try subsetEncoding())
        #expect(exact.tokens == 10)
        #expect(exact.tokensAreExact)
    }

    @Test func backoffIsExponentialWithFullJitterAndRetryAfterWins() {
        let policy = OpenAIRetryPolicy(maxAttempts: 6, initialDelay: 0.5, maxDelay: 4, maxRetryAfter: 60)
        let ceilings = (0..<6).map { policy.delay(beforeRetry: $0, retryAfter: nil, random: { $0.upperBound }) }
        #expect(ceilings == [0.5, 1, 2, 4, 4, 4])
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, random: { $0.lowerBound }) == 0)
        #expect(policy.delay(beforeRetry: 0, retryAfter: 12, random: { $0.upperBound }) == 12)
        #expect(policy.delay(beforeRetry: 0, retryAfter: 600, random: { $0.upperBound }) == 60)
    }

    @Test func readsRetryAfterAsSecondsOrAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(OpenAIClient.parseRetryAfter("20", now: now) == 20)
        #expect(OpenAIClient.parseRetryAfter("1.5", now: now) == 1.5)
        #expect(OpenAIClient.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        #expect(OpenAIClient.parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == 0)
        #expect(OpenAIClient.parseRetryAfter("soon", now: now) == nil)
        #expect(OpenAIClient.parseRetryAfter("-3", now: now) == nil)
    }

    @Test func redactsTheKeyAndBearerTokensFromServerText() {
        let text = OpenAIRedaction.clean("bad key \(secret); header was Bearer abc.def and bearer \(secret)", key: secret)
        #expect(!text.contains("DO-NOT-PRINT"))
        #expect(!text.contains("abc.def"))
        #expect(OpenAIRedaction.clean("  ", key: secret) == "no details")
        #expect(OpenAIRedaction.clean(String(repeating: "x", count: 1000), key: nil).count == 301)
        #expect(OpenAIRedaction.endpoint(URL(string: "https://u:p@h.example/v1/embeddings?api-version=1")!)
            == "https://h.example/v1/embeddings")
    }

    @Test func identityKeysOnModelSizeAndServerButNeverTheKey() throws {
        let counter = UTF8ByteTokenBound()
        func identity(_ configuration: OpenAIConfiguration) throws -> EmbedderIdentity {
            try OpenAIEmbedder(configuration: configuration, tokenCounter: counter).identity
        }
        let openAI = try identity(OpenAIConfiguration(model: "text-embedding-3-small", apiKey: OpenAIAPIKey(secret)))
        #expect(openAI == EmbedderIdentity(provider: "openai", model: "text-embedding-3-small", fingerprint: "",
                                           dimensions: 1536, pooling: "remote", maxTokens: 8191))
        #expect(try identity(OpenAIConfiguration(model: "text-embedding-3-small")) == openAI)
        #expect(try identity(OpenAIConfiguration(model: "text-embedding-3-small", dimensions: 512)).key != openAI.key)
        let local = URL(string: "http://localhost:8080/v1")!
        let other = URL(string: "http://gpu-box:8080/v1")!
        let a = try identity(OpenAIConfiguration(baseURL: local, model: "text-embedding-3-small"))
        let b = try identity(OpenAIConfiguration(baseURL: other, model: "text-embedding-3-small"))
        #expect(a.fingerprint.count == 64)
        #expect(a.key != openAI.key && a.key != b.key)
        #expect(!a.key.contains("DO-NOT-PRINT"))
    }
}
