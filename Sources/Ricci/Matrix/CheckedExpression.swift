// An expression whose every shape is known: the entry point of every later stage.

/// An expression together with its shape and the environment that gives every variable in
/// it a shape: declared shapes as declared, other shapes inferred (see ``ShapeInference``).
///
/// Inferred dimensions that nothing pins down get fresh names in order of first appearance
/// (`norm2(A*x - b)^2` gives `A: m×n`, `x: n`, `b: m`). The environment holds every variable
/// of the expression, every declared variable (used or not), and the declared functions.
///
/// **Kinds of undeclared names.** A name's kind (upper case a matrix, lower case a vector, a
/// Greek name a scalar) is a default: where the expression uses the name as something else,
/// the use wins. The uses that decide:
///
/// - a Greek name transposed (`mu'`), multiplying a matrix from the right (`X*theta`), or
///   standing alone against a non-scalar in `+ - .* ./ max min` (`x - mu`) is not a scalar:
///   it takes the kind that use needs (a vector, or the other operand's kind);
/// - a lower-case name that, scaled by scalars only, is added to or subtracted from a scalar
///   that is not a constant and does not contain the name (`n/2*logdet(S) + tr(…)`) is a
///   scalar.
///
/// A use that would make the expression wrong is not taken. Where the defaults make the
/// expression wrong, it stays an error (`x*y` is more likely a slip than a scalar `x`), and
/// the message names each undeclared name whose other kind would make it right, with the
/// declaration that says so.
///
/// **Resolved nodes.** The checked expression has its size-less constants sized (`ones()` in
/// `x + ones()` becomes `ones(n)`) and `diag(·)` read as `diagm` or `diagv`.
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

    /// The most times the kinds of undeclared names are revised before the last inference.
    private static let maximumRevisions = 16

    private init(expression: MatrixExpr, parsed: ParsedExpression?, declarations: Declarations) throws {
        let functions = declarations.functionKinds
        let knownShapes = Dictionary(declarations.variables.map { ($0.name, $0.shape) },
                                     uniquingKeysWith: { first, _ in first })
        func inference(_ overrides: [String: Shape.Kind]) -> ShapeInference {
            ShapeInference(
                knownShapes: knownShapes, infersUndeclared: true, declaredFunctions: functions, parsed: parsed,
                kindOverrides: overrides, reservedNames: { Self.reservedNames(expression, declarations) })
        }
        // Each round either succeeds with no new use to follow, takes the kinds the uses ask
        // for, or (after a failure) withdraws the kinds it took last or tries another kind
        // for one name; every kind is taken at most once, so the rounds are bounded.
        var overrides: [String: Shape.Kind] = [:]
        var withdrawn: Set<String> = []
        var lastTaken: [String] = []
        var finished: (ShapeInference, ShapeInference.InferredShape)?
        for _ in 0..<Self.maximumRevisions {
            var attempt = inference(overrides)
            do {
                let root = try attempt.infer(expression)
                try attempt.checkSizelessConstants(expression)
                finished = (attempt, root)
                let uses = attempt.kindSuggestions.filter { overrides[$0.name] == nil && !withdrawn.contains($0.name) }
                guard !uses.isEmpty else { break }
                for use in uses { overrides[use.name] = use.kind }
                lastTaken = uses.map(\.name)
                finished = nil
            } catch let error as ShapeError {
                if !lastTaken.isEmpty {
                    for name in lastTaken { overrides[name] = nil }
                    withdrawn.formUnion(lastTaken)
                    lastTaken = []
                    continue
                }
                // The uses seen before the error may be what resolves it.
                let uses = attempt.kindSuggestions.filter { overrides[$0.name] == nil && !withdrawn.contains($0.name) }
                if !uses.isEmpty {
                    for use in uses { overrides[use.name] = use.kind }
                    lastTaken = uses.map(\.name)
                    continue
                }
                throw Self.annotated(error, attempt, overrides: overrides, inference: inference, expression)
            }
        }
        guard let (inferred, root) = finished else {
            // Not reached in practice: every revision takes a new kind or withdraws one.
            var last = inference(overrides)
            let root = try last.infer(expression)
            try last.checkSizelessConstants(expression)
            self.init(checked: expression, inferred: last, root: root, declarations: declarations, parsed: parsed)
            return
        }
        self.init(checked: expression, inferred: inferred, root: root, declarations: declarations, parsed: parsed)
    }

    private init(
        checked expression: MatrixExpr, inferred inference: ShapeInference, root: ShapeInference.InferredShape,
        declarations: Declarations, parsed: ParsedExpression?
    ) {
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
        let resolved = inference.resolvedNodes(names: names)
        self.expression = resolved.isEmpty ? expression : Self.resolving(expression, resolved)
        self.shape = inference.shape(root, names: names)
        self.environment = Environment(variables: variables, functions: declarations.functionKinds)
        self.parsed = parsed
    }

    /// The error with a note on each undeclared name of its message whose other kind would
    /// make the expression check, with the declaration that gives it that kind.
    private static func annotated(
        _ error: ShapeError, _ failed: ShapeInference, overrides: [String: Shape.Kind],
        inference: ([String: Shape.Kind]) -> ShapeInference, _ expression: MatrixExpr
    ) -> ShapeError {
        let text = error.message
        var notes: [String] = []
        for name in failed.inferredVariables.prefix(8) where overrides[name] == nil && containsName(text, name) {
            guard let current = failed.defaultKinds[name] else { continue }
            // The kinds a name of this kind is most often meant to have instead.
            let alternatives: [Shape.Kind]
            switch current {
            case .scalar: alternatives = [.vector]
            case .vector, .rowVector: alternatives = [.scalar]
            case .matrix: alternatives = [.vector, .scalar]
            }
            for kind in alternatives {
                var candidate = overrides
                candidate[name] = kind
                var attempt = inference(candidate)
                guard (try? attempt.infer(expression)) != nil, (try? attempt.checkSizelessConstants(expression)) != nil
                else { continue }
                let reason: String
                switch current {
                case .scalar: reason = "a Greek name"
                case .vector, .rowVector: reason = "a lower-case name"
                case .matrix: reason = "an upper-case name"
                }
                let declaration: String
                switch kind {
                case .scalar: declaration = "--var \(name):"
                case .vector, .rowVector: declaration = "--var \(name):n"
                case .matrix: declaration = "--var \(name):m,n"
                }
                notes.append("\(name) was taken as a \(current.rawValue) (\(reason)); if it is a \(kind.rawValue), "
                    + "declare it with \(declaration)")
                break
            }
        }
        guard !notes.isEmpty else { return error }
        var annotated = error
        annotated.note = notes.joined(separator: "; ")
        return annotated
    }

    /// True when `name` occurs in `text` as a whole word.
    private static func containsName(_ text: String, _ name: String) -> Bool {
        var searchStart = text.startIndex
        while let found = text.range(of: name, range: searchStart..<text.endIndex) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            let isWordCharacter = { (c: Character?) in c.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false }
            if !isWordCharacter(before) && !isWordCharacter(after) { return true }
            searchStart = found.upperBound
        }
        return false
    }

    /// `expression` with the nodes at the given pre-order indices replaced as resolved.
    private static func resolving(_ expression: MatrixExpr, _ resolved: [Int: ShapeInference.ResolvedNode]) -> MatrixExpr {
        var next = 0
        func rewrite(_ node: MatrixExpr) -> MatrixExpr {
            let index = next
            next += 1
            switch resolved[index] {
            case .constant(let constant)?:
                return constant
            case .function(let function)?:
                guard case .apply(_, let argument) = node else { preconditionFailure("diag resolves an application") }
                return .apply(function, rewrite(argument))
            case nil:
                break
            }
            switch node {
            case .number, .variable, .identity, .ones, .zeros, .commutation, .sizeless:
                return node
            case .add(let a, let b): return .add(rewrite(a), rewrite(b))
            case .subtract(let a, let b): return .subtract(rewrite(a), rewrite(b))
            case .negate(let a): return .negate(rewrite(a))
            case .multiply(let a, let b): return .multiply(rewrite(a), rewrite(b))
            case .hadamard(let a, let b): return .hadamard(rewrite(a), rewrite(b))
            case .elementwiseDivide(let a, let b): return .elementwiseDivide(rewrite(a), rewrite(b))
            case .divide(let a, let b): return .divide(rewrite(a), rewrite(b))
            case .power(let a, let c): return .power(rewrite(a), c)
            case .elementwisePower(let a, let c): return .elementwisePower(rewrite(a), c)
            case .powerBy(let a, let b): return .powerBy(rewrite(a), rewrite(b))
            case .elementwisePowerBy(let a, let b): return .elementwisePowerBy(rewrite(a), rewrite(b))
            case .transpose(let a): return .transpose(rewrite(a))
            case .apply(let function, let a): return .apply(function, rewrite(a))
            case .apply2(let function, let a, let b): return .apply2(function, rewrite(a), rewrite(b))
            }
        }
        return rewrite(expression)
    }

    /// The names a fresh dimension must not take: declared dimension symbols, sizes named in
    /// `I(…)`, `ones(…)`, `zeros(…)` and `commutation(…)`, and the names of variables and
    /// functions.
    private static func reservedNames(_ expression: MatrixExpr, _ declarations: Declarations) -> Set<String> {
        var names = Set<String>()
        func addDimension(_ dimension: Dimension) {
            for case .named(let name) in dimension.components { names.insert(name) }
        }
        for variable in declarations.variables {
            names.insert(variable.name)
            addDimension(variable.shape.rows)
            addDimension(variable.shape.columns)
        }
        for function in declarations.functions { names.insert(function.name) }
        for case .named(let name) in expression.writtenDimensions { names.insert(name) }
        names.formUnion(expression.variableNames)
        return names
    }
}
