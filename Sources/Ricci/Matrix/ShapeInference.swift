// Shape checking and inference: unknown dimensions unified bottom-up, with union–find.

/// One pass over an expression that gives every sub-expression its shape.
///
/// Declared variables have their declared shapes. An undeclared variable (when inference is
/// allowed) gets the shape its name suggests (``NameConventions``) with fresh unknown
/// dimensions, and every operation unifies the dimensions it requires to be equal, bottom-up
/// as the walk returns. Unknowns live in a union–find forest; each class is unbound or bound
/// to one literal ``Dimension``.
///
/// The literal 1 needs care, because a `1` decides whether something is a scalar. A `1`
/// that comes from the structure of a shape (the column of a vector, both axes of a scalar,
/// of the result of `tr`, …) is ``Term/one``, and an unknown never unifies with it: otherwise
/// `x*y` with undeclared vectors would silently make `y` a scalar. A `1` written in a
/// declaration (`r:1,n`, a row vector) or in `ones(1,n)` is a ``Term/known(_:)`` literal,
/// and an unknown may be bound to it (`R + r` makes `R` a `1×n`).
///
/// Unknowns left unbound at the end get fresh names in the order they first appear in the
/// expression (``FreshDimensionNames``).
struct ShapeInference {
    /// One dimension during inference.
    enum Term: Hashable {
        /// A structural 1: an absent axis.
        case one
        /// A literal dimension, declared or written in `I(…)`/`ones(…)`.
        case known(Dimension)
        /// An unknown: an index into the union–find forest.
        case unknown(Int)
    }

    /// A shape during inference.
    struct InferredShape: Hashable {
        var rows: Term
        var columns: Term

        static let scalar = InferredShape(rows: .one, columns: .one)

        var transposed: InferredShape { InferredShape(rows: columns, columns: rows) }

        /// The terms of a fully known shape: a scalar's and a vector's 1s are structural, a
        /// row vector's 1 is a literal (it was written as `1`).
        init(_ shape: Shape) {
            switch shape.kind {
            case .scalar: (rows, columns) = (.one, .one)
            case .vector: (rows, columns) = (.known(shape.rows), .one)
            case .rowVector, .matrix: (rows, columns) = (.known(shape.rows), .known(shape.columns))
            }
        }

        init(rows: Term, columns: Term) {
            self.rows = rows
            self.columns = columns
        }
    }

    // MARK: State

    /// Union–find parent of each unknown (a root is its own parent).
    private var parents: [Int] = []
    /// Union by rank keeps the trees shallow, so `find` needs no path compression.
    private var ranks: [Int] = []
    /// The literal a root is bound to, if any.
    private var bindings: [Dimension?] = []
    /// The shape of every variable met so far.
    private(set) var variableShapes: [String: InferredShape] = [:]
    /// The variables whose shapes were inferred, in order of first appearance.
    private(set) var inferredVariables: [String] = []
    /// The pre-order index of the next node visited.
    private var nextPreorderIndex = 0

    private let knownShapes: [String: Shape]
    private let infersUndeclared: Bool
    private let declaredFunctions: [String: DeclaredFunctionKind]?
    private let parsed: ParsedExpression?
    /// The names fresh dimensions must avoid, worked out only when one is needed (most
    /// problems have every dimension bound by a declaration or a literal).
    private let reservedNames: () -> Set<String>

    /// An inference over variables of `knownShapes`. With `infersUndeclared`, other names
    /// get shapes from their names; without it they are errors. `declaredFunctions`, when
    /// given, must declare every declared function the expression applies. `parsed` gives
    /// messages the source text and ranges. Fresh dimension names avoid `reservedNames`.
    init(
        knownShapes: [String: Shape], infersUndeclared: Bool,
        declaredFunctions: [String: DeclaredFunctionKind]?, parsed: ParsedExpression?,
        reservedNames: @escaping () -> Set<String>
    ) {
        self.knownShapes = knownShapes
        self.infersUndeclared = infersUndeclared
        self.declaredFunctions = declaredFunctions
        self.parsed = parsed
        self.reservedNames = reservedNames
    }

    // MARK: Union–find

    private func find(_ unknown: Int) -> Int {
        var node = unknown
        while parents[node] != node { node = parents[node] }
        return node
    }

    /// A term with unknowns replaced by their class: a bound class by its literal, an
    /// unbound one by its root.
    private func resolve(_ term: Term) -> Term {
        guard case .unknown(let unknown) = term else { return term }
        let root = find(unknown)
        return bindings[root].map(Term.known) ?? .unknown(root)
    }

    private mutating func freshUnknown() -> Term {
        parents.append(parents.count)
        ranks.append(0)
        bindings.append(nil)
        return .unknown(parents.count - 1)
    }

    /// Makes `a` and `b` equal if they can be; false (and nothing changed) when they cannot:
    /// different literals, or an unknown against a structural 1.
    private mutating func unify(_ a: Term, _ b: Term) -> Bool {
        switch (resolve(a), resolve(b)) {
        case (.one, .one):
            return true
        case (.one, .known(let d)), (.known(let d), .one):
            return d.isOne
        case (.known(let d), .known(let e)):
            return d == e
        case (.unknown(let root), .known(let d)), (.known(let d), .unknown(let root)):
            bindings[root] = d
            return true
        case (.unknown(let r), .unknown(let s)):
            guard r != s else { return true }
            if ranks[r] < ranks[s] {
                parents[r] = s
            } else {
                parents[s] = r
                if ranks[r] == ranks[s] { ranks[r] += 1 }
            }
            return true
        case (.one, .unknown), (.unknown, .one):
            return false
        }
    }

    /// Unifies two shapes axis by axis; on failure nothing is changed, so that a message
    /// shows the shapes as they were.
    private mutating func unify(_ a: InferredShape, _ b: InferredShape) -> Bool {
        let saved = (parents, ranks, bindings)
        if unify(a.rows, b.rows), unify(a.columns, b.columns) { return true }
        (parents, ranks, bindings) = saved
        return false
    }

    private func isOne(_ term: Term) -> Bool {
        switch resolve(term) {
        case .one: return true
        case .known(let d): return d.isOne
        case .unknown: return false
        }
    }

    /// True when the shape is (by now) `1×1`; an unknown is never taken to be 1.
    private func isScalar(_ shape: InferredShape) -> Bool { isOne(shape.rows) && isOne(shape.columns) }

    // MARK: Naming

    /// Names for the unbound classes, given in the order their first unknown was created,
    /// which is the order of first appearance in the expression.
    func freshNames() -> [Int: Dimension] {
        var generator: FreshDimensionNames?
        var names: [Int: Dimension] = [:]
        for unknown in parents.indices {
            let root = find(unknown)
            if bindings[root] == nil, names[root] == nil {
                if generator == nil { generator = FreshDimensionNames(reserved: reservedNames()) }
                names[root] = .named(generator!.next())
            }
        }
        return names
    }

    /// The shape with every unknown replaced by its literal or its name in `names`.
    func shape(_ shape: InferredShape, names: [Int: Dimension]) -> Shape {
        func dimension(_ term: Term) -> Dimension {
            switch resolve(term) {
            case .one: return .one
            case .known(let d): return d
            case .unknown(let root):
                guard let name = names[root] else { preconditionFailure("every unbound class is named") }
                return name
            }
        }
        return Shape(dimension(shape.rows), dimension(shape.columns))
    }

    // MARK: Walk

    /// The shape of `expression`, whose root is the next node of the pre-order walk.
    mutating func infer(_ expression: MatrixExpr) throws -> InferredShape {
        let index = nextPreorderIndex
        nextPreorderIndex += 1
        switch expression {
        case .number:
            return .scalar
        case .variable(let name):
            return try variableShape(name, at: index)
        case .add(let a, let b), .subtract(let a, let b):
            let (left, right, leftIndex, rightIndex) = try inferOperands(a, b)
            switch (isScalar(left), isScalar(right)) {
            case (true, false):
                throw ShapeError.scalarAndNonScalar(
                    text(expression, index), scalar: operand(a, leftIndex, left),
                    other: operand(b, rightIndex, right), at: range(index))
            case (false, true):
                throw ShapeError.scalarAndNonScalar(
                    text(expression, index), scalar: operand(b, rightIndex, right),
                    other: operand(a, leftIndex, left), at: range(index))
            case (true, true), (false, false):
                break
            }
            guard unify(left, right) else {
                throw ShapeError.mismatch(
                    text(expression, index), operand(a, leftIndex, left), operand(b, rightIndex, right),
                    at: range(index))
            }
            return left
        case .multiply(let a, let b):
            let (left, right, leftIndex, rightIndex) = try inferOperands(a, b)
            if isScalar(left) { return right }
            if isScalar(right) { return left }
            guard unify(left.columns, right.rows) else {
                throw ShapeError.innerDimensions(
                    text(expression, index), operand(a, leftIndex, left), operand(b, rightIndex, right),
                    at: range(index))
            }
            return InferredShape(rows: left.rows, columns: right.columns)
        case .hadamard(let a, let b), .elementwiseDivide(let a, let b):
            let (left, right, leftIndex, rightIndex) = try inferOperands(a, b)
            if isScalar(left) { return right }
            if isScalar(right) { return left }
            guard unify(left, right) else {
                throw ShapeError.mismatch(
                    text(expression, index), operand(a, leftIndex, left), operand(b, rightIndex, right),
                    at: range(index))
            }
            return left
        case .divide(let a, let b):
            let (left, right, _, rightIndex) = try inferOperands(a, b)
            guard isScalar(right) else {
                throw ShapeError.divisorNotScalar(
                    text(expression, index), divisor: operand(b, rightIndex, right), at: range(index))
            }
            return left
        case .power(let a, _):
            let base = try infer(a)
            guard isScalar(base) else {
                throw ShapeError.powerOfNonScalar(
                    text(expression, index), base: operand(a, index + 1, base), at: range(index))
            }
            return .scalar
        case .elementwisePower(let a, _), .negate(let a):
            return try infer(a)
        case .transpose(let a):
            return try infer(a).transposed
        case .apply(let function, let a):
            let argument = try infer(a)
            return try apply(function, to: argument, expression, index, a)
        case .identity(let n):
            return InferredShape(Shape(n, n))
        case .ones(let m, let n):
            return InferredShape(Shape(m, n))
        }
    }

    /// The shapes of two operands and their pre-order indices.
    private mutating func inferOperands(_ a: MatrixExpr, _ b: MatrixExpr) throws
        -> (InferredShape, InferredShape, Int, Int)
    {
        let leftIndex = nextPreorderIndex
        let left = try infer(a)
        let rightIndex = nextPreorderIndex
        let right = try infer(b)
        return (left, right, leftIndex, rightIndex)
    }

    /// The shape of `function` (the node at `index`) applied to an argument of shape `argument`.
    private mutating func apply(
        _ function: MatrixFunction, to argument: InferredShape, _ expression: MatrixExpr, _ index: Int,
        _ argumentExpression: MatrixExpr
    ) throws -> InferredShape {
        switch function {
        case .trace, .determinant, .logDeterminant:
            try requireSquare(argument, function, expression, index, argumentExpression)
            return .scalar
        case .inverse:
            try requireSquare(argument, function, expression, index, argumentExpression)
            return argument
        case .diagonalVector:
            try requireSquare(argument, function, expression, index, argumentExpression)
            return InferredShape(rows: argument.rows, columns: .one)
        case .sum, .norm2:
            return .scalar
        case .diagonalMatrix:
            guard unify(argument.columns, .one) else {
                throw ShapeError.notColumnVector(
                    function.name, text(expression, index), argument: operand(argumentExpression, index + 1, argument, isArgument: true), at: range(index))
            }
            return InferredShape(rows: argument.rows, columns: argument.rows)
        case .elementwise:
            return argument
        case .declaredElementwise(let name), .declaredElementwiseDerivative(let name):
            try requireDeclared(name, .elementwise, at: index)
            return argument
        case .declaredScalar(let name):
            try requireDeclared(name, .scalar, at: index)
            return .scalar
        case .declaredScalarGradient(let name):
            try requireDeclared(name, .scalar, at: index)
            return argument
        }
    }

    /// Unifies the rows and columns of the argument of `function` (the node at `index`).
    private mutating func requireSquare(
        _ argument: InferredShape, _ function: MatrixFunction, _ expression: MatrixExpr, _ index: Int,
        _ argumentExpression: MatrixExpr
    ) throws {
        guard unify(argument.rows, argument.columns) else {
            throw ShapeError.notSquare(
                function.name, text(expression, index),
                argument: operand(argumentExpression, index + 1, argument, isArgument: true), at: range(index))
        }
    }

    /// Checks, when declarations are being enforced, that `name` is declared as `kind`.
    private func requireDeclared(_ name: String, _ kind: DeclaredFunctionKind, at index: Int) throws {
        if let declaredFunctions, declaredFunctions[name] != kind {
            throw ShapeError.undeclaredFunction(name, kind, at: range(index))
        }
    }

    /// The shape of a variable: known, already inferred, or new and inferred from its name.
    private mutating func variableShape(_ name: String, at index: Int) throws -> InferredShape {
        if let shape = variableShapes[name] { return shape }
        if declaredFunctions?[name] != nil {
            throw ShapeError.functionUsedAsVariable(name, at: range(index))
        }
        let shape: InferredShape
        if let known = knownShapes[name] {
            shape = InferredShape(known)
        } else {
            guard infersUndeclared else { throw ShapeError.undefinedVariable(name, at: range(index)) }
            switch NameConventions.inferredKind(of: name) {
            case .scalar: shape = .scalar
            case .vector: shape = InferredShape(rows: freshUnknown(), columns: .one)
            case .matrix: shape = InferredShape(rows: freshUnknown(), columns: freshUnknown())
            case .rowVector: preconditionFailure("naming conventions never make a row vector")
            }
            inferredVariables.append(name)
        }
        variableShapes[name] = shape
        return shape
    }

    // MARK: Messages

    /// The source range of the node at `index`, when there is a source.
    private func range(_ index: Int) -> SourceRange? {
        parsed?.sourceMap.range(atPreorderIndex: index)
    }

    /// The sub-expression's source text, or its plain form without a source.
    private func text(_ expression: MatrixExpr, _ index: Int) -> String {
        if let parsed, let range = range(index) { return parsed.text(in: range) }
        return PlainPrinter.print(expression)
    }

    /// A sub-expression and its shape as it stands, unknowns named as they would be now. An
    /// operand that is a sum is shown in parentheses (`(X - Y) is m×n`), as it is written,
    /// unless it is a function's argument, whose parentheses are the call's.
    private func operand(
        _ expression: MatrixExpr, _ index: Int, _ inferred: InferredShape, isArgument: Bool = false
    ) -> ShapeError.Operand {
        var text = text(expression, index)
        switch expression {
        case .add, .subtract:
            if !isArgument { text = "(\(text))" }
        case .number, .variable, .negate, .multiply, .hadamard, .elementwiseDivide, .divide, .power,
            .elementwisePower, .transpose, .apply, .identity, .ones:
            break
        }
        return ShapeError.Operand(text: text, shape: shape(inferred, names: freshNames()))
    }
}

/// Names for inferred dimensions: `m, n, k, p, q, r, s, t, l`, then `d1, d2, …`, skipping
/// reserved names (declared dimensions, sizes in `I(…)`/`ones(…)`, variable and function
/// names), so that a fresh dimension never coincides with one the user wrote.
struct FreshDimensionNames {
    /// The preferred names, in order.
    static let preferred = ["m", "n", "k", "p", "q", "r", "s", "t", "l"]

    private let reserved: Set<String>
    private var nextPreferred = 0
    private var counter = 1

    /// A generator that skips `reserved`.
    init(reserved: Set<String>) { self.reserved = reserved }

    /// The next unused name.
    mutating func next() -> String {
        while nextPreferred < Self.preferred.count {
            let name = Self.preferred[nextPreferred]
            nextPreferred += 1
            if !reserved.contains(name) { return name }
        }
        // Terminates: `reserved` is finite and every iteration tries a new name.
        while true {
            let name = "d\(counter)"
            counter += 1
            if !reserved.contains(name) { return name }
        }
    }
}

extension Environment {
    /// The shape of `expression`, every variable's shape taken from ``variables``. Throws
    /// ``ShapeError`` when shapes do not fit or a variable is not in the environment.
    public func shape(of expression: MatrixExpr) throws -> Shape {
        var inference = ShapeInference(
            knownShapes: variables.mapValues(\.shape), infersUndeclared: false,
            declaredFunctions: nil, parsed: nil, reservedNames: { [] })
        let root = try inference.infer(expression)
        return inference.shape(root, names: inference.freshNames())
    }
}
