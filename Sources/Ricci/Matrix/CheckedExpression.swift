// An expression whose every shape is known: the entry point of every later stage.

/// An expression together with its shape and the environment that gives every variable in
/// it a shape: declared shapes as declared, other shapes inferred (see ``ShapeInference``).
///
/// Inferred dimensions that nothing pins down get fresh names in order of first appearance
/// (`norm2(A*x - b)^2` gives `A: m×n`, `x: n`, `b: m`). The environment holds every variable
/// of the expression, every declared variable (used or not), and the declared functions.
public struct CheckedExpression: Hashable, Sendable {
    /// The expression.
    public let expression: MatrixExpr
    /// Its shape.
    public let shape: Shape
    /// Every variable's shape and the declared functions.
    public let environment: Environment
    /// The parse the expression came from; `nil` when it was built as a ``MatrixExpr``.
    public let parsed: ParsedExpression?

    /// Parses `text` with the declared functions and checks its shapes. Throws
    /// ``DeclarationError``, ``ParseError`` or ``ShapeError``.
    public init(parsing text: String, declarations: Declarations = Declarations()) throws {
        try declarations.validate()
        let parsed = try Parser.parse(text, functions: declarations.functionKinds)
        try self.init(expression: parsed.expression, parsed: parsed, declarations: declarations)
    }

    /// Checks the shapes of an expression already parsed; errors point into its source.
    public init(_ parsed: ParsedExpression, declarations: Declarations = Declarations()) throws {
        try declarations.validate()
        try self.init(expression: parsed.expression, parsed: parsed, declarations: declarations)
    }

    /// Checks the shapes of an expression built directly; messages name sub-expressions by
    /// their plain form, and every declared function it applies must be declared.
    public init(_ expression: MatrixExpr, declarations: Declarations = Declarations()) throws {
        try declarations.validate()
        try self.init(expression: expression, parsed: nil, declarations: declarations)
    }

    private init(expression: MatrixExpr, parsed: ParsedExpression?, declarations: Declarations) throws {
        let functions = declarations.functionKinds
        var inference = ShapeInference(
            knownShapes: Dictionary(declarations.variables.map { ($0.name, $0.shape) },
                                    uniquingKeysWith: { first, _ in first }),
            infersUndeclared: true, declaredFunctions: functions, parsed: parsed,
            reservedNames: { Self.reservedNames(expression, declarations) })
        let root = try inference.infer(expression)
        let names = inference.freshNames()

        var variables: [String: Variable] = [:]
        for declared in declarations.variables {
            variables[declared.name] = Variable(
                name: declared.name, shape: declared.shape, property: declared.property, isDeclared: true)
        }
        for name in inference.inferredVariables {
            guard let inferred = inference.variableShapes[name] else {
                preconditionFailure("an inferred variable has a shape")
            }
            variables[name] = Variable(name: name, shape: inference.shape(inferred, names: names), isDeclared: false)
        }
        self.expression = expression
        self.shape = inference.shape(root, names: names)
        self.environment = Environment(variables: variables, functions: functions)
        self.parsed = parsed
    }

    /// The names a fresh dimension must not take: declared dimension symbols, sizes named in
    /// `I(…)` and `ones(…)`, and the names of variables and functions.
    private static func reservedNames(_ expression: MatrixExpr, _ declarations: Declarations) -> Set<String> {
        var names = Set<String>()
        for variable in declarations.variables {
            names.insert(variable.name)
            for case .named(let dimension) in [variable.shape.rows, variable.shape.columns] {
                names.insert(dimension)
            }
        }
        for function in declarations.functions { names.insert(function.name) }
        // One walk for variable names and the sizes named in I(…) and ones(…).
        func visit(_ expression: MatrixExpr) {
            switch expression {
            case .variable(let name):
                names.insert(name)
            case .identity(let n):
                if case .named(let name) = n { names.insert(name) }
            case .ones(let m, let n):
                if case .named(let name) = m { names.insert(name) }
                if case .named(let name) = n { names.insert(name) }
            case .number:
                break
            case .negate(let a), .power(let a, _), .elementwisePower(let a, _), .transpose(let a),
                .apply(_, let a):
                visit(a)
            case .add(let a, let b), .subtract(let a, let b), .multiply(let a, let b), .hadamard(let a, let b),
                .elementwiseDivide(let a, let b), .divide(let a, let b):
                visit(a)
                visit(b)
            }
        }
        visit(expression)
        return names
    }
}
