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
    public static func cases(fromJSON data: Data) throws -> [CorpusCase] {
        let root = try JSONSerialization.jsonObject(with: data)
        let list = (root as? [String: Any])?["cases"] ?? root
        guard let entries = list as? [[String: Any]] else {
            throw CorpusError(message: "a corpus file holds an object with \"cases\" or an array of cases")
        }
        return try entries.enumerated().map { try CorpusCase(json: $1, position: $0) }
    }

    init(json: [String: Any], position: Int) throws {
        func string(_ key: String) throws -> String {
            guard let value = json[key] as? String else {
                throw CorpusError(message: "case \(json["id"] as? String ?? "#\(position + 1)") has no string \"\(key)\"")
            }
            return value
        }
        let id = try string("id")
        self.id = id
        tags = (json["tags"] as? [String]) ?? []
        guard let kind = Kind(rawValue: try string("kind")) else {
            throw CorpusError(message: "case \(id): kind must be gradient, jacobian or hessian")
        }
        self.kind = kind
        expression = try string("expr")
        if let list = json["wrt"] as? [String], let first = list.first {
            variables = list
            variable = first
        } else {
            variable = try string("wrt")
            variables = [variable]
        }
        expected = try string("expected")
        expectsIndexForm = (json["expected_form"] as? String) == "index"
        expectedGradient = (json["gradient"] as? String) ?? (json["first"] as? String)
        let domains = (json["domain"] as? [String: String]) ?? [:]
        positive = Set(domains.filter { $0.value == "positive" }.keys)
        unit = Set(domains.filter { $0.value == "unit" }.keys)
        increasing = (json["size_order"] as? [String]) ?? []
        guard let variables = json["vars"] as? [String: Any] else {
            throw CorpusError(message: "case \(id) has no \"vars\" object")
        }
        var declared: [VariableDeclaration] = []
        for name in variables.keys.sorted() {
            let value = variables[name]!
            let dimensions = (value as? [Any]) ?? ((value as? [String: Any])?["shape"] as? [Any])
            guard let dimensions, dimensions.count <= 2 else {
                throw CorpusError(message: "case \(id): variable \(name) needs a shape of at most two dimensions")
            }
            let parsed = try dimensions.map { dimension -> Dimension in
                if let size = dimension as? Int { return .fixed(size) }
                if let symbol = dimension as? String { return .named(symbol) }
                throw CorpusError(message: "case \(id): a dimension of \(name) is neither a name nor an integer")
            }
            var property: MatrixProperty?
            if let text = (value as? [String: Any])?["property"] as? String {
                guard let known = MatrixProperty(rawValue: text) else {
                    throw CorpusError(message: "case \(id): unknown property \(text) of \(name)")
                }
                property = known
            }
            let shape = Shape(parsed.first ?? .one, parsed.count == 2 ? parsed[1] : .one)
            declared.append(VariableDeclaration(name: name, shape: shape, property: property))
        }
        declarations = Declarations(variables: declared)
    }
}

/// A corpus file that does not have the expected format (bad input).
public struct CorpusError: RicciError {
    public let message: String
    public var range: SourceRange? { nil }
    public var category: ErrorCategory { .badInput }
}
