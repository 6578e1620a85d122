// `ricci serve`: the page, the endpoint, bad requests, limits, a burst; MathML output.

import Foundation
import Testing
@testable import Ricci

@Suite struct ServeTests {
    /// A server on a free loopback port, answering as `ricci serve` does.
    static func server(limits: ServerLimits = ServerLimits()) throws -> HTTPServer {
        try DerivativeService.startServer(port: 0, limits: limits)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func pageIsServed() throws {
        let server = try Self.server()
        defer { server.stop() }
        let answer = try #require(HTTPClient.get(port: server.port, "/"))
        #expect(answer.status == 200)
        #expect(answer.body.contains("<textarea id=\"expr\"") && answer.body.contains("fetch(\"/api/derivative\""))
        // The seed examples are one click away.
        #expect(answer.body.contains("tr((X*W - Y)*(X*W - Y)')"))
    }

    /// The seed loss of the issue, by R: the object of `ricci diff --format json` plus MathML.
    @Test func seedLossIsDifferentiated() throws {
        let server = try Self.server()
        defer { server.stop() }
        let expression = "0.5*norm2(A'*(J + R)'*(J + R)*A - D)^2 + 0.5*lambda*norm2(R)^2"
        let answer = try #require(HTTPClient.post(port: server.port, "/api/derivative",
                                                  json: #"{"expr": "\#(expression)", "wrt": ["R"]}"#))
        #expect(answer.status == 200)
        let object = try Self.json(answer.body)
        let cli = CommandLineTool.run(["diff", expression, "--wrt", "R", "--format", "plain"])
        #expect(object["plain"] as? String == cli.output.trimmingCharacters(in: .newlines))
        #expect((object["mathml"] as? String)?.hasPrefix("<math") == true)
        #expect(object["verified"] as? String == "passed")
        #expect((object["latex"] as? String)?.contains("\\lambda") == true)
        #expect((object["code"] as? String)?.contains("def value_and_derivative(") == true)
        let names = (object["variables"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["A", "D", "J", "R", "lambda"])
    }

    @Test func stepsAndDeclarationsAreAccepted() throws {
        let server = try Self.server()
        defer { server.stop() }
        let answer = try #require(HTTPClient.post(port: server.port, "/api/derivative", json:
            #"{"expr": "logdet(S)", "wrt": "S", "vars": ["S:n,n:spd"], "steps": true}"#))
        #expect(answer.status == 200)
        let object = try Self.json(answer.body)
        #expect(object["plain"] as? String == "inv(S)")
        #expect((object["steps"] as? [[String: Any]])?.isEmpty == false)
    }

    /// Bad input: 400 with the message and the range in `expr`; a derivative Ricci cannot
    /// take: 422; anything else a 4xx; the server keeps answering.
    @Test func malformedRequestsGetClientErrors() throws {
        let server = try Self.server()
        defer { server.stop() }
        let port = server.port
        let parse = try #require(HTTPClient.post(port: port, "/api/derivative", json: #"{"expr": "x*y +", "wrt": ["x"]}"#))
        #expect(parse.status == 400)
        #expect(try Self.json(parse.body)["range"] as? [Int] == [5, 5])
        let shapes = try #require(HTTPClient.post(port: port, "/api/derivative",
                                                  json: #"{"expr": "X*W", "wrt": ["X"], "vars": ["X:m,k", "W:n,p"]}"#))
        #expect(shapes.status == 400)
        #expect(try Self.json(shapes.body)["range"] as? [Int] == [0, 3])
        let unsupported = try #require(HTTPClient.post(port: port, "/api/derivative",
            json: #"{"expr": "sum(sigma(x))", "wrt": ["x", "x"], "funcs": ["sigma:elementwise"]}"#))
        #expect(unsupported.status == 422)
        for body in ["nonsense", "[1, 2]", #"{"wrt": ["x"]}"#, #"{"expr": "x'*x"}"#, #"{"expr": "x'*x", "wrt": [1]}"#,
                     #"{"expr": "x'*x", "wrt": ["x"], "vars": ["x:n:bogus"]}"#, #"{"expr": "x'*x", "wrt": ["y"]}"#] {
            let answer = try #require(HTTPClient.post(port: port, "/api/derivative", json: body))
            #expect(answer.status == 400, "\(body): \(answer.status) \(answer.body)")
            #expect(try Self.json(answer.body)["error"] is String)
        }
        #expect(HTTPClient.get(port: port, "/api/derivative")?.status == 405)
        #expect(HTTPClient.get(port: port, "/../../etc/passwd")?.status == 404)
        #expect(HTTPClient.get(port: port, "/", host: "attacker.example")?.status == 421)
        #expect(HTTPClient.exchange(port: port, Array("HELLO\r\n\r\n".utf8))?.status == 400)
        #expect(HTTPClient.exchange(port: port, Array("GET / HTTP/2.0\r\n\r\n".utf8))?.status == 505)
        #expect(HTTPClient.exchange(port: port, Array("POST /api/derivative HTTP/1.1\r\nContent-Length: -3\r\n\r\n".utf8))?.status == 400)
        let huge = String(repeating: "a", count: 70_000)
        #expect(HTTPClient.post(port: port, "/api/derivative", json: huge)?.status == 413)
        let longHead = "GET / HTTP/1.1\r\nX-Filler: " + String(repeating: "b", count: 20_000) + "\r\n\r\n"
        #expect(HTTPClient.exchange(port: port, Array(longHead.utf8))?.status == 431)
        // Still answering.
        #expect(HTTPClient.get(port: port, "/")?.status == 200)
    }

    /// A client slower than the request time limit gets 408, and others are served meanwhile.
    @Test func slowClientTimesOut() throws {
        var limits = ServerLimits()
        limits.requestSeconds = 0.3
        let server = try Self.server(limits: limits)
        defer { server.stop() }
        let slow = HTTPClient.exchange(port: server.port, Array("GET / HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n\r\n".utf8), pause: 0.8)
        #expect(slow?.status == 408 || slow == nil)
        #expect(HTTPClient.get(port: server.port, "/")?.status == 200)
    }

    /// 1000 requests, 50 at a time: every one answered 200, and the server still answers
    /// (`.ci/run` sends the same burst to the release build's `ricci serve`).
    @Test func burstOfRequestsIsServed() throws {
        let server = try Self.server()
        defer { server.stop() }
        let port = server.port
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var statuses: [Int: Int] = [:]
            func add(_ status: Int) { lock.lock(); statuses[status, default: 0] += 1; lock.unlock() }
        }
        let tally = Tally()
        let group = DispatchGroup()
        let queue = DispatchQueue(label: "burst", attributes: .concurrent)
        for worker in 0..<50 {
            group.enter()
            queue.async {
                for request in 0..<20 {
                    let expression = request % 2 == 0 ? "norm2(A*x - b)^2" : "tr(X*A*X')"
                    let variable = request % 2 == 0 ? "x" : "X"
                    let answer = HTTPClient.post(port: port, "/api/derivative",
                                                 json: #"{"expr": "\#(expression)", "wrt": ["\#(variable)"], "id": \#(worker)}"#)
                    tally.add(answer?.status ?? -1)
                }
                group.leave()
            }
        }
        group.wait()
        #expect(tally.statuses == [200: 1000])
        #expect(HTTPClient.get(port: port, "/")?.status == 200)
    }

    /// MathML golden strings.
    @Test(arguments: [
        ("2*X'*(X*W - Y)",
         "<mrow><mn>2</mn><mo>&#x2062;</mo><msup><mi>X</mi><mi mathvariant=\"normal\">⊤</mi></msup><mo>&#x2062;</mo><mrow><mo>(</mo><mrow><mrow><mi>X</mi><mo>&#x2062;</mo><mi>W</mi></mrow><mo>−</mo><mi>Y</mi></mrow><mo>)</mo></mrow></mrow>"),
        ("inv(S) + lambda*I(n)",
         "<mrow><msup><mi>S</mi><mrow><mo>−</mo><mn>1</mn></mrow></msup><mo>+</mo><mrow><mi>λ</mi><mo>&#x2062;</mo><msub><mi>I</mi><mi>n</mi></msub></mrow></mrow>"),
        ("1./(2*sqrt(x))",
         "<mrow><mn>1</mn><mo>⊘</mo><mrow><mo>(</mo><mrow><mn>2</mn><mo>&#x2062;</mo><msqrt><mi>x</mi></msqrt></mrow><mo>)</mo></mrow></mrow>"),
        ("tr(W1)/2 - norm2(x)^2",
         "<mrow><mfrac><mrow><mi mathvariant=\"normal\">tr</mi><mo>&#x2061;</mo><mo>(</mo><msub><mi>W</mi><mn>1</mn></msub><mo>)</mo></mrow><mn>2</mn></mfrac><mo>−</mo><msup><msub><mrow><mo>‖</mo><mi>x</mi><mo>‖</mo></mrow><mi>F</mi></msub><mn>2</mn></msup></mrow>"),
        ("kron(A, B) .* (x < y)", ""),
    ])
    func mathMLGolden(expression: String, expected: String) throws {
        guard !expected.isEmpty else {
            // Not an expression: the parser refuses it before any printing.
            #expect(throws: (any Error).self) { try CheckedExpression(parsing: expression) }
            return
        }
        let parsed = try CheckedExpression(parsing: expression).expression
        #expect(MathMLPrinter.print(parsed)
                == "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\">" + expected + "</math>")
    }

    @Test func mathMLFormatOnTheCommandLine() {
        let result = CommandLineTool.run(["diff", "x'*A*x", "--wrt", "x", "--format", "mathml"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("<math") && result.output.contains("<mi>A</mi>"))
        #expect(MathMLPrinter.escaped("a<b&c") == "a&lt;b&amp;c")
    }
}
