import Foundation
import HTTPAPI
import HummingbirdTesting
import Testing

/// The OpenAPI document describes every route, and the copy kept in the repo is the one served.
@Suite struct OpenAPIDocumentTests {
    static func served(_ fixture: APIFixture) async throws -> [String: Any] {
        let data = try await fixture.withClient { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            return Data(response.body.readableBytesView)
        }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    @Test func everyRouteIsDocumented() async throws {
        let fixture = try APIFixture()
        let document = try await Self.served(fixture)
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let routes = fixture.router().routes
        #expect(routes.count >= 25)
        for route in routes {
            // Hummingbird writes `:name` where OpenAPI writes `{name}`.
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            let openAPIPath = "/" + path.joined(separator: "/")
            let operation = paths[openAPIPath]?[route.method.rawValue.lowercased()]
            #expect(operation != nil, "\(route.method) \(openAPIPath) is not in assets/openapi.json")
        }
        // And the document lists nothing that does not exist.
        let documented = paths.reduce(0) { $0 + $1.value.count }
        #expect(documented == routes.count)
    }

    @Test func theRepositoryCopyIsTheServedDocument() async throws {
        let fixture = try APIFixture()
        let served = try await Self.served(fixture)
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../assets/openapi.json")
        let kept = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        #expect(NSDictionary(dictionary: served).isEqual(to: kept ?? [:]), "run scripts/generate-openapi.py")
        #expect(served["openapi"] as? String == "3.0.3")
    }
}
