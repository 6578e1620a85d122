// Corpus files: differentiation cases with their expected derivatives (see the corpus README).

import Foundation

/// One case of a corpus file: an expression, a variable, declarations and the expected
/// derivative, with hints for drawing test points.
public struct CorpusCase: Sendable, Hashable {
    /// Which derivative the case asks for.
    public enum Kind: String, Sendable {
        case gradient, jacobian, hessian
    }

    /// A unique name.
    public var id: String
    /// The case's tags; the first is its category in the second corpus (`broadcasting`, …).
    public var tags: [String]
    /// Gradient, Jacobian or Hessian.
    public var kind: Kind
    /// The declarations of the case's variables.
    public var declarations: Declarations
    /// The function, in the language.
    public var expression: String
    /// The variable (the first, when the case lists several).
    public var variable: String
    /// The variables to differentiate by, in turn (`["w", "w"]` for a Hessian by `w`).
    public var variables: [String]
    /// The expected derivative: an expression of the language, or index notation when
    /// ``expectsIndexForm``.
    public var expected: String
    /// True when ``expected`` is index notation (`J[i,j,p,q] = …`).
    public var expectsIndexForm: Bool
    /// For a Hessian case, the expected gradient.
    public var expectedGradient: String?
    /// Variables whose test values must be positive.
    public var positive: Set<String>
    /// Variables whose test values must lie in `[−0.7, 0.7]`.
    public var unit: Set<String>
    /// Dimensions that must get strictly increasing sizes.
    public var increasing: [String]

    /// The cases of a corpus file's JSON text (an object with `cases`, or an array of cases).
    ///
    /// - Throws: ``CorpusError`` with the line and column of the problem: text that is not
    ///   JSON (or starts with a byte-order mark, or repeats a key), a case without a field it
    ///   needs or with a field of the wrong type, or an id that an earlier case has.
    public static func cases(fromJSON data: Data) throws -> [CorpusCase] {
        let root: LocatedJSON
        do {
            root = try JSONReader.read(Array(data))
        } catch {
            throw CorpusError(message: error.message, line: error.line, column: error.column)
        }
        guard let entries = (root["cases"] ?? root).array else {
            throw CorpusError(message: "a corpus file holds an object with \"cases\" or an array of cases", at: root)
        }
        var firstPlace: [String: LocatedJSON] = [:]
        return try entries.enumerated().map { position, entry in
            let corpusCase = try CorpusCase(json: entry, position: position)
            if let first = firstPlace[corpusCase.id] {
                throw CorpusError(
                    message: "case #\(position + 1) has the id \"\(corpusCase.id)\" of an earlier case (\(first.place))",
                    at: entry)
            }
            firstPlace[corpusCase.id] = entry
            return corpusCase
        }
    }

    /// The case written as `json`, the `position`-th (from 0) of its file.
    init(json: LocatedJSON, position: Int) throws {
        guard json.members != nil else {
            throw CorpusError(message: "case #\(position + 1) is not an object", at: json)
        }
        let name = json["id"]?.string.map { "case \($0)" } ?? "case #\(position + 1)"
        func string(_ key: String) throws -> String {
            guard let field = json[key] else { throw CorpusError(message: "\(name) has no \"\(key)\"", at: json) }
            guard let value = field.string else {
                throw CorpusError(message: "\(name): \"\(key)\" must be a string", at: field)
            }
            return value
        }
        func strings(_ key: String) throws -> [String]? {
            guard let field = json[key] else { return nil }
            let values = field.array?.compactMap(\.string)
            guard let values, values.count == field.array?.count else {
                throw CorpusError(message: "\(name): \"\(key)\" must be an array of strings", at: field)
            }
            return values
        }
        let id = try string("id")
        self.id = id
        tags = try strings("tags") ?? []
        guard let kind = Kind(rawValue: try string("kind")) else {
            throw CorpusError(message: "\(name): \"kind\" must be gradient, jacobian or hessian", at: json["kind"]!)
        }
        self.kind = kind
        expression = try string("expr")
        if let field = json["wrt"], field.array != nil {
            guard let list = try strings("wrt"), let first = list.first else {
                throw CorpusError(message: "\(name): \"wrt\" must name at least one variable", at: field)
            }
            variables = list
            variable = first
        } else {
            variable = try string("wrt")
            variables = [variable]
        }
        expected = try string("expected")
        expectsIndexForm = json["expected_form"]?.string == "index"
        expectedGradient = json["gradient"]?.string ?? json["first"]?.string
        var domains: [String: String] = [:]
        if let field = json["domain"] {
            guard let members = field.members else {
                throw CorpusError(message: "\(name): \"domain\" must be an object", at: field)
            }
            for (variable, domain) in members {
                guard let text = domain.string, text == "positive" || text == "unit" else {
                    throw CorpusError(message: "\(name): the domain of \(variable) must be \"positive\" or \"unit\"", at: domain)
                }
                domains[variable] = text
            }
        }
        positive = Set(domains.filter { $0.value == "positive" }.keys)
        unit = Set(domains.filter { $0.value == "unit" }.keys)
        increasing = try strings("size_order") ?? []
        guard let field = json["vars"] else { throw CorpusError(message: "\(name) has no \"vars\"", at: json) }
        guard let variables = field.members else {
            throw CorpusError(message: "\(name): \"vars\" must be an object", at: field)
        }
        var declared: [VariableDeclaration] = []
        for (variable, value) in variables.sorted(by: { $0.key < $1.key }) {
            guard let dimensions = value.array ?? value["shape"]?.array, dimensions.count <= 2 else {
                throw CorpusError(
                    message: "\(name): variable \(variable) needs a shape of at most two dimensions", at: value)
            }
            let parsed = try dimensions.map { dimension -> Dimension in
                if let size = dimension.integer, size > 0 { return .fixed(size) }
                if let symbol = dimension.string, !symbol.isEmpty { return .named(symbol) }
                throw CorpusError(
                    message: "\(name): a dimension of \(variable) is neither a name nor a positive integer", at: dimension)
            }
            var property: MatrixProperty?
            if let field = value["property"] {
                guard let text = field.string, let known = MatrixProperty(rawValue: text) else {
                    throw CorpusError(message: "\(name): unknown property of \(variable)", at: field)
                }
                property = known
            }
            let shape = Shape(parsed.first ?? .one, parsed.count == 2 ? parsed[1] : .one)
            declared.append(VariableDeclaration(name: variable, shape: shape, property: property))
        }
        declarations = Declarations(variables: declared)
    }
}

/// A corpus file that does not have the expected format (bad input), with the line and
/// column of the problem when it is in the file.
public struct CorpusError: RicciError {
    /// What is wrong, without the place.
    public let problem: String
    /// Where in the file (1-based), when the problem has a place.
    public let line: Int?
    public let column: Int?

    /// A problem of the file as a whole (it cannot be read).
    public init(message: String) {
        problem = message
        line = nil
        column = nil
    }

    /// A problem at a place of the file.
    public init(message: String, line: Int, column: Int) {
        problem = message
        self.line = line
        self.column = column
    }

    /// A problem with the value `json`, at the place it starts.
    init(message: String, at json: LocatedJSON) {
        self.init(message: message, line: json.line, column: json.column)
    }

    public var message: String {
        guard let line, let column else { return problem }
        return "line \(line), column \(column): \(problem)"
    }
    public var range: SourceRange? { nil }
    public var category: ErrorCategory { .badInput }
}
