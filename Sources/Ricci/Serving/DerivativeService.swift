// What `ricci serve` answers: the page at `/`, derivatives at `POST /api/derivative`.

/// The routes of `ricci serve` (`LANGUAGE.md`, "Serving"), as a function from a request to a
/// response, so that tests call it with or without a socket.
public enum DerivativeService {
    /// `GET /` the page; `POST /api/derivative` a derivative; anything else a 4xx.
    ///
    /// `allowedHosts`, when given, are the `Host` header values accepted (a page on another
    /// site must not reach a loopback server through a name that resolves to it).
    public static func respond(to request: HTTPRequest, allowedHosts: Set<String>? = nil) -> HTTPResponse {
        if let allowedHosts, !allowedHosts.contains(request.headers["host"] ?? "") {
            return .error(421, "this server answers requests for \(allowedHosts.sorted().joined(separator: " or ")) only")
        }
        switch (request.method, request.path) {
        case ("GET", "/"), ("HEAD", "/"):
            var response = HTTPResponse(
                status: 200, contentType: "text/html; charset=utf-8", body: Array(ServePage.html.utf8),
                headers: [("Content-Security-Policy",
                           "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:")])
            if request.method == "HEAD" { response.body = [] }
            return response
        case ("POST", "/api/derivative"):
            return derivative(request.body)
        case (_, "/"), (_, "/api/derivative"):
            return .error(405, "\(request.path) answers \(request.path == "/" ? "GET" : "POST") only")
        default:
            return .error(404, "nothing at \(request.path.prefix(80)): the page is at / and the endpoint at POST /api/derivative")
        }
    }

    /// A server answering as `ricci serve` does, bound to `host:port` and accepting. On the
    /// loopback address only requests addressed to it (`127.0.0.1:PORT`, `localhost:PORT`) are
    /// answered, so that a page of another site cannot reach it through a name of its own;
    /// another address serves every name.
    public static func startServer(host: String = "127.0.0.1", port: UInt16 = 0, limits: ServerLimits = ServerLimits())
        throws -> HTTPServer
    {
        // The allowed names are known once the port is: a box filled after binding, read by
        // the connections' threads only after `start()`.
        final class Hosts: @unchecked Sendable { var allowed: Set<String>? }
        let hosts = Hosts()
        let server = try HTTPServer(host: host, port: port, limits: limits) { request in
            respond(to: request, allowedHosts: hosts.allowed)
        }
        if host == "127.0.0.1" {
            hosts.allowed = ["127.0.0.1:\(server.port)", "localhost:\(server.port)"]
        }
        server.start()
        return server
    }

    /// The answer to a body `{"expr": …, "wrt": […], "vars": […], "funcs": […], "steps": bool}`:
    /// 200 with the object of `ricci diff --format json` plus `mathml`, `variables`, `code`,
    /// `verification` (and `steps` when asked); 400 with `error` and `range` for bad input;
    /// 422 for a derivative Ricci cannot take.
    static func derivative(_ body: [UInt8]) -> HTTPResponse {
        let document: LocatedJSON
        do {
            document = try JSONReader.read(body)
        } catch {
            return .json(400, .object([("error", .string("the body is not JSON: \(error)")), ("range", .null)]))
        }
        func strings(_ key: String) throws(RequestError) -> [String] {
            guard let value = document[key] else { return [] }
            if let single = value.string { return [single] }
            guard let elements = value.array else { throw RequestError("\(key) must be a list of strings") }
            return try elements.map { (element) throws(RequestError) -> String in
                guard let text = element.string else { throw RequestError("\(key) must be a list of strings") }
                return text
            }
        }
        let expression: String
        let request: (wrt: [String], vars: [String], funcs: [String])
        do throws(RequestError) {
            guard document.members != nil else { throw RequestError("the body must be a JSON object with \"expr\" and \"wrt\"") }
            guard let text = document["expr"]?.string else { throw RequestError("\"expr\" (a string) is missing") }
            expression = text
            request = (try strings("wrt"), try strings("vars"), try strings("funcs"))
            guard !request.wrt.isEmpty else { throw RequestError("\"wrt\" (the variables to differentiate by) is missing") }
        } catch {
            return .json(400, .object([("error", .string(error.message)), ("range", .null)]))
        }
        let steps = document["steps"].map { if case .bool(true) = $0.value { return true } else { return false } } ?? false
        let computed = CommandLineTool.onLargeStackIfLong(expression.utf8.count) {
            answer(expression, wrt: request.wrt, vars: request.vars, funcs: request.funcs, steps: steps)
        }
        return computed ?? .error(500, "the derivation did not finish")
    }

    struct RequestError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private static func answer(_ expression: String, wrt: [String], vars: [String], funcs: [String], steps: Bool) -> HTTPResponse {
        do {
            let declarations = try Declarations(parsingVariables: vars, functions: funcs)
            let checked = try CheckedExpression(parsing: expression, declarations: declarations)
            let variables = JSONValue.array(checked.environment.variables.values.sorted { $0.name < $1.name }.map { variable in
                .object([
                    ("name", .string(variable.name)),
                    ("shape", DiffCommand.shapeJSON(variable.shape.axes)),
                    ("kind", .string(variable.shape.kind.rawValue)),
                    ("property", .string(variable.property?.rawValue)),
                    ("declared", .bool(variable.isDeclared)),
                ])
            })
            let derivative = try Ricci.derivative(of: checked, withRespectTo: wrt, recordingSteps: steps)
            let verification = derivative.verify()
            guard verification.verdict != .failed else {
                return .error(422, "cannot take this derivative because its result failed verification (\(verification.detail)); this is a bug in Ricci")
            }
            guard case .object(var members) = DiffCommand.json(derivative, verification: verification.verdict.rawValue) else {
                return .error(500, "no JSON object")
            }
            members += [
                ("mathml", .string(derivative.mathml)),
                ("verification", .string(verification.detail)),
                ("variables", variables),
                ("code", .string(derivative.pythonModule())),
            ]
            if steps {
                members.append(("steps", .array(derivative.steps.map {
                    .object([("step", .string($0.label)), ("text", .string($0.text))])
                })))
            }
            return .json(200, .object(members))
        } catch let error as RicciError {
            let range = error.range.map { JSONValue.array([.int($0.lowerBound), .int($0.upperBound)]) } ?? .null
            let status = error.category == .unsupported ? 422 : 400
            return .json(status, .object([("error", .string(error.message)), ("range", range)]))
        } catch {
            return .json(400, .object([("error", .string("\(error)")), ("range", .null)]))
        }
    }
}
