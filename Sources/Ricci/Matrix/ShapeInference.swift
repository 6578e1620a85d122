// Shape checking and inference: unknown dimensions unified bottom-up, with union–find.

/// One pass over an expression that gives every sub-expression its shape.
///
/// Declared variables have their declared shapes. An undeclared variable (when inference is
/// allowed) gets the shape of its kind, the kind its name suggests (``NameConventions``)
/// unless ``kindOverrides`` says otherwise, with fresh unknown dimensions, and every operation
/// unifies the dimensions it requires to be equal, bottom-up as the walk returns. Unknowns
/// live in a union–find forest; each class is unbound or bound to a term: a literal
/// ``Dimension``, or a product of terms (the axes of `kron` and `vec`).
///
/// The literal 1 needs care, because a `1` decides whether something is a scalar and where
/// broadcasting stretches an axis. A `1` that comes from the structure of a shape (the
/// column of a vector, both axes of a scalar, of the result of `tr`, …) is ``Term/one``, and
/// an ordinary unknown never unifies with it: otherwise `x*y` with undeclared vectors would
/// silently make `y` a scalar. A `1` written in a declaration (`r:1,n`, a row vector) or in
/// `ones(1,n)` is a ``Term/known(_:)`` literal. The unknowns of a size-less constant
/// (`ones()`, `zeros()`, `I()`) are *flexible*: they may become 1, because such a constant
/// takes the shape of whatever it meets.
///
/// Broadcasting (`+ - .* ./ max min`) follows NumPy on two axes: an axis that is 1 on one side
/// takes the other side's size, any other axis is unified. A size-less operand takes the
/// other operand's whole shape instead.
///
/// The walk also notes where the use of an undeclared name contradicts the default kind of
/// its name (``kindSuggestions``; see ``CheckedExpression`` for the rules), records what the
/// size-less constants and `diag(…)` turned out to be (``resolutions``), and names the
/// defaults an error depends on. Unknowns left unbound at the end get fresh names in the order
/// they first appear in the expression (``FreshDimensionNames``).
struct ShapeInference {
    /// One dimension during inference.
    indirect enum Term: Hashable, Sendable {
        /// A structural 1: an absent axis.
        case one
        /// A literal dimension, declared or written in `I(…)`/`ones(…)`.
        case known(Dimension)
        /// An unknown: an index into the union–find forest.
        case unknown(Int)
        /// The product of two dimensions: an axis of `kron(A, B)` or `vec(X)`.
        case product(Term, Term)
    }

    /// A shape during inference.
    struct InferredShape: Hashable, Sendable {
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

    /// What shape checking makes of a node whose meaning depends on shapes.
    enum Resolution: Hashable {
        /// A size-less constant and the shape it takes.
        case sizeless(SizelessConstant, InferredShape)
        /// `diag(·)` as `diagm` or `diagv`.
        case diagonal(MatrixFunction)
    }

    // MARK: State

    /// Union–find parent of each unknown (a root is its own parent).
    private var parents: [Int] = []
    /// Union by rank keeps the trees shallow, so `find` needs no path compression.
    private var ranks: [Int] = []
    /// The term a root is bound to, if any (never one containing the root itself).
    private var bindings: [Term?] = []
    /// True for a root whose class may still become 1 (only unknowns of size-less constants).
    private var flexible: [Bool] = []
    /// True for the unknown that is the column axis of a size-less `ones()` or `zeros()`,
    /// which is 1 wherever the constant is a factor of a product (`X*ones()` is a column).
    private var sizelessColumn: [Bool] = []
    /// The shape of every variable met so far.
    private(set) var variableShapes: [String: InferredShape] = [:]
    /// The variables whose shapes were inferred, in order of first appearance.
    private(set) var inferredVariables: [String] = []
    /// The kind each inferred variable took from its name (the variables of
    /// ``kindOverrides`` are not here).
    private(set) var defaultKinds: [String: Shape.Kind] = [:]
    /// Kinds the uses of undeclared names call for, where they differ from the defaults.
    private(set) var kindSuggestions: [(name: String, kind: Shape.Kind)] = []
    /// The size-less constants and `diag` nodes, by pre-order index.
    private(set) var resolutions: [Int: Resolution] = [:]
    /// Nodes (by pre-order index) whose value is `c·v` for a scalar `c` and an undeclared
    /// variable `v` of default kind vector: candidates for the rule that makes `v` a scalar.
    private var scaledVariables: [Int: String] = [:]
    /// The pre-order index of the next node visited.
    private var nextPreorderIndex = 0

    private let knownShapes: [String: Shape]
    private let infersUndeclared: Bool
    private let declaredFunctions: [String: DeclaredFunctionKind]?
    private let parsed: ParsedExpression?
    /// Kinds of undeclared variables that replace the defaults of their names.
    private let kindOverrides: [String: Shape.Kind]
    /// The names fresh dimensions must avoid, worked out only when one is needed (most
    /// problems have every dimension bound by a declaration or a literal).
    private let reservedNames: () -> Set<String>

    /// An inference over variables of `knownShapes`. With `infersUndeclared`, other names
    /// get shapes from their kinds (`kindOverrides`, else their names); without it they are
    /// errors. `declaredFunctions`, when given, must declare every declared function the
    /// expression applies. `parsed` gives messages the source text and ranges. Fresh
    /// dimension names avoid `reservedNames`.
    init(
        knownShapes: [String: Shape], infersUndeclared: Bool,
        declaredFunctions: [String: DeclaredFunctionKind]?, parsed: ParsedExpression?,
        kindOverrides: [String: Shape.Kind] = [:], reservedNames: @escaping () -> Set<String>
    ) {
        self.knownShapes = knownShapes
        self.infersUndeclared = infersUndeclared
        self.declaredFunctions = declaredFunctions
        self.parsed = parsed
        self.kindOverrides = kindOverrides
        self.reservedNames = reservedNames
    }

    // MARK: Union–find

    private func find(_ unknown: Int) -> Int {
        var node = unknown
        while parents[node] != node { node = parents[node] }
        return node
    }

    /// A term with unknowns replaced by their class: a bound class by what it is bound to, an
    /// unbound one by its root; products with a factor 1 reduced to the other factor.
    private func resolve(_ term: Term) -> Term {
        switch term {
        case .one, .known:
            return term
        case .unknown(let unknown):
            let root = find(unknown)
            return bindings[root].map(resolve) ?? .unknown(root)
        case .product(let a, let b):
            return productTerm(resolve(a), resolve(b))
        }
    }

    /// `a·b`, with `1·b = b` and `a·1 = a`.
    private func productTerm(_ a: Term, _ b: Term) -> Term {
        if isOne(a) { return b }
        if isOne(b) { return a }
        if case .known(let d) = a, case .known(let e) = b { return .known(Dimension.times(d, e)) }
        return .product(a, b)
    }

    private mutating func freshUnknown(flexible isFlexible: Bool = false, sizelessColumn isColumn: Bool = false) -> Term {
        parents.append(parents.count)
        ranks.append(0)
        bindings.append(nil)
        flexible.append(isFlexible)
        sizelessColumn.append(isColumn)
        return .unknown(parents.count - 1)
    }

    /// True when the class of `root` occurs in `term` (binding it there would make a cycle).
    private func occurs(_ root: Int, in term: Term) -> Bool {
        switch resolve(term) {
        case .unknown(let other): return other == root
        case .product(let a, let b): return occurs(root, in: a) || occurs(root, in: b)
        case .one, .known: return false
        }
    }

    /// Makes `a` and `b` equal if they can be; false (and maybe a partial change, which
    /// ``unify(_:_:)-(InferredShape,InferredShape)`` undoes) when they cannot: different
    /// literals, or an ordinary unknown against a structural 1.
    private mutating func unify(_ a: Term, _ b: Term) -> Bool {
        switch (resolve(a), resolve(b)) {
        case (.one, .one):
            return true
        case (.one, .known(let d)), (.known(let d), .one):
            return d.isOne
        case (.known(let d), .known(let e)):
            return d == e
        case (.unknown(let r), .unknown(let s)):
            guard r != s else { return true }
            let keepsFlexible = flexible[r] && flexible[s]
            if ranks[r] < ranks[s] {
                parents[r] = s
                flexible[s] = keepsFlexible
            } else {
                parents[s] = r
                flexible[r] = keepsFlexible
                if ranks[r] == ranks[s] { ranks[r] += 1 }
            }
            return true
        case (.unknown(let root), .one), (.one, .unknown(let root)):
            guard flexible[root] else { return false }
            bindings[root] = .known(.one)
            return true
        case (.unknown(let root), let other), (let other, .unknown(let root)):
            guard !occurs(root, in: other) else { return false }
            bindings[root] = other
            return true
        case (.product(let a1, let b1), .product(let a2, let b2)):
            return unify(a1, a2) && unify(b1, b2)
        case (.product(let a, let b), .known(.product(let c, let d))),
            (.known(.product(let c, let d)), .product(let a, let b)):
            return unify(a, .known(c)) && unify(b, .known(d))
        case (.product, .known), (.known, .product), (.product, .one), (.one, .product):
            return false
        }
    }

    /// Unifies two shapes axis by axis; on failure nothing is changed, so that a message
    /// shows the shapes as they were.
    private mutating func unify(_ a: InferredShape, _ b: InferredShape) -> Bool {
        let saved = (parents, ranks, bindings, flexible)
        if unify(a.rows, b.rows), unify(a.columns, b.columns) { return true }
        (parents, ranks, bindings, flexible) = saved
        return false
    }

    /// ``unify(_:_:)-(Term,Term)`` for one pair of terms, undone when it fails.
    private mutating func unifyOrRestore(_ a: Term, _ b: Term) -> Bool {
        let saved = (parents, ranks, bindings, flexible)
        if unify(a, b) { return true }
        (parents, ranks, bindings, flexible) = saved
        return false
    }

    private func isOne(_ term: Term) -> Bool {
        switch resolve(term) {
        case .one: return true
        case .known(let d): return d.isOne
        case .unknown, .product: return false
        }
    }

    /// True when the shape is (by now) `1×1`; an unknown is never taken to be 1.
    private func isScalar(_ shape: InferredShape) -> Bool { isOne(shape.rows) && isOne(shape.columns) }

    /// True when an axis of `shape` is an unbound flexible unknown (a size-less constant
    /// whose size is not given yet).
    private func isFlexible(_ shape: InferredShape) -> Bool {
        func flexibleTerm(_ term: Term) -> Bool {
            if case .unknown(let root) = resolve(term) { return flexible[root] }
            return false
        }
        return flexibleTerm(shape.rows) || flexibleTerm(shape.columns)
    }

    /// What the kind of a shape is by now (an unknown counts as a size other than 1).
    private func kind(of shape: InferredShape) -> Shape.Kind {
        switch (isOne(shape.rows), isOne(shape.columns)) {
        case (true, true): return .scalar
        case (false, true): return .vector
        case (true, false): return .rowVector
        case (false, false): return .matrix
        }
    }

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

    /// The dimension of a term, every unknown replaced by its literal or its name in `names`.
    func dimension(_ term: Term, names: [Int: Dimension]) -> Dimension {
        switch resolve(term) {
        case .one: return .one
        case .known(let d): return d
        case .unknown(let root):
            guard let name = names[root] else { preconditionFailure("every unbound class is named") }
            return name
        case .product(let a, let b):
            return Dimension.times(dimension(a, names: names), dimension(b, names: names))
        }
    }

    /// The shape with every unknown replaced by its literal or its name in `names`.
    func shape(_ shape: InferredShape, names: [Int: Dimension]) -> Shape {
        Shape(dimension(shape.rows, names: names), dimension(shape.columns, names: names))
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
        case .add(let a, let b), .subtract(let a, let b), .hadamard(let a, let b), .elementwiseDivide(let a, let b),
            .apply2(.maximum, let a, let b), .apply2(.minimum, let a, let b):
            let (left, right, leftIndex, rightIndex) = try inferOperands(a, b)
            return try broadcast(expression, index, a, b, left, right, leftIndex, rightIndex)
        case .apply2(.kron, let a, let b):
            let (left, right, _, _) = try inferOperands(a, b)
            return InferredShape(rows: productTerm(resolve(left.rows), resolve(right.rows)),
                                 columns: productTerm(resolve(left.columns), resolve(right.columns)))
        case .multiply(let a, let b):
            let (left, right, leftIndex, rightIndex) = try inferOperands(a, b)
            // `X*theta` with a matrix X: a Greek name multiplying a matrix from the right is a
            // vector, not a scalar that scales it.
            if case .variable(let name) = b, defaultKinds[name] == .scalar, !isOne(left.columns) {
                suggest(name, .vector)
            }
            if let name = scaledVariables[leftIndex], isScalar(right) {
                scaledVariables[index] = name
            } else if let name = scaledVariables[rightIndex], isScalar(left) {
                scaledVariables[index] = name
            }
            if isScalar(left) { return right }
            if isScalar(right) { return left }
            // A matrix product (not a scaling, where a size-less constant stays size-less).
            settleSizelessColumns(left)
            settleSizelessColumns(right)
            guard unifyOrRestore(left.columns, right.rows) else {
                throw ShapeError.innerDimensions(
                    text(expression, index), operand(a, leftIndex, left), operand(b, rightIndex, right),
                    at: range(index))
            }
            return InferredShape(rows: left.rows, columns: right.columns)
        case .divide(let a, let b):
            let (left, right, leftIndex, rightIndex) = try inferOperands(a, b)
            guard isScalar(right) else {
                throw ShapeError.divisorNotScalar(
                    text(expression, index), divisor: operand(b, rightIndex, right), at: range(index))
            }
            if let name = scaledVariables[leftIndex] { scaledVariables[index] = name }
            return left
        case .power(let a, let exponent):
            let base = try infer(a)
            if isScalar(base) { return .scalar }
            guard unifyOrRestore(base.rows, base.columns) else {
                throw ShapeError.powerOfNonScalar(
                    text(expression, index), base: operand(a, index + 1, base), at: range(index))
            }
            guard exponent.isInteger else {
                throw ShapeError.matrixPowerNotInteger(
                    text(expression, index), base: operand(a, index + 1, base), at: range(index))
            }
            return base
        case .powerBy(let a, let t), .elementwisePowerBy(let a, let t):
            let (base, exponent, baseIndex, exponentIndex) = try inferOperands(a, t)
            guard isScalar(exponent) else {
                throw ShapeError.exponentNotScalar(
                    text(expression, index), exponent: operand(t, exponentIndex, exponent), at: range(index))
            }
            if case .powerBy = expression, !isScalar(base) {
                throw ShapeError.powerOfNonScalar(
                    text(expression, index), base: operand(a, baseIndex, base), at: range(index))
            }
            return base
        case .elementwisePower(let a, _):
            return try infer(a)
        case .negate(let a):
            let shape = try infer(a)
            if let name = scaledVariables[index + 1] { scaledVariables[index] = name }
            return shape
        case .transpose(let a):
            let shape = try infer(a)
            // A transposed Greek name is a vector: the transpose of a scalar is itself.
            if case .variable(let name) = a, defaultKinds[name] == .scalar { suggest(name, .vector) }
            if let name = scaledVariables[index + 1] { scaledVariables[index] = name }
            return shape.transposed
        case .apply(let function, let a):
            let argument = try infer(a)
            return try apply(function, to: argument, expression, index, a)
        case .identity(let n):
            return InferredShape(Shape(n, n))
        case .ones(let m, let n), .zeros(let m, let n):
            return InferredShape(Shape(m, n))
        case .commutation(let m, let n):
            return InferredShape(rows: .known(Dimension.times(m, n)), columns: .known(Dimension.times(n, m)))
        case .sizeless(let constant):
            let shape: InferredShape
            switch constant {
            case .identity:
                let side = freshUnknown(flexible: true)
                shape = InferredShape(rows: side, columns: side)
            case .ones, .zeros:
                shape = InferredShape(rows: freshUnknown(flexible: true),
                                      columns: freshUnknown(flexible: true, sizelessColumn: true))
            }
            resolutions[index] = .sizeless(constant, shape)
            return shape
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

    /// The shape of a broadcasting operation (`+ - .* ./ max min`, the node at `index`): axis
    /// by axis, a 1 on one side takes the other side's size and any other pair is unified; a
    /// size-less operand takes the other operand's shape.
    private mutating func broadcast(
        _ expression: MatrixExpr, _ index: Int, _ a: MatrixExpr, _ b: MatrixExpr, _ left: InferredShape,
        _ right: InferredShape, _ leftIndex: Int, _ rightIndex: Int
    ) throws -> InferredShape {
        noteKindUses(expression, a, b, left, right, leftIndex, rightIndex)
        let (leftFlexible, rightFlexible) = (isFlexible(left), isFlexible(right))
        if leftFlexible || rightFlexible {
            let text = self.text(expression, index)
            if leftFlexible && rightFlexible {
                throw ShapeError.sizeNotInferred(
                    self.text(a, leftIndex), reason: "in \(text) neither side gives a size", at: range(index))
            }
            let (sizeless, other) = leftFlexible ? (leftIndex, right) : (rightIndex, left)
            if isScalar(other) {
                throw ShapeError.sizeNotInferred(
                    self.text(leftFlexible ? a : b, sizeless), reason: "in \(text) the other side is a scalar",
                    at: range(index))
            }
            guard unify(left, right) else {
                throw ShapeError.mismatch(
                    text, operand(a, leftIndex, left), operand(b, rightIndex, right), at: range(index))
            }
            return leftFlexible ? right : left
        }
        let saved = (parents, ranks, bindings, flexible)
        func axis(_ x: Term, _ y: Term) -> Term? {
            if isOne(x) { return y }
            if isOne(y) { return x }
            return unify(x, y) ? x : nil
        }
        guard let rows = axis(left.rows, right.rows), let columns = axis(left.columns, right.columns) else {
            (parents, ranks, bindings, flexible) = saved
            throw ShapeError.mismatch(
                text(expression, index), operand(a, leftIndex, left), operand(b, rightIndex, right), at: range(index))
        }
        return InferredShape(rows: rows, columns: columns)
    }

    /// A size-less `ones()` or `zeros()` that is a factor of a product is a column (its
    /// transpose a row): `X*ones()` sums the rows of X.
    private mutating func settleSizelessColumns(_ shape: InferredShape) {
        for term in [shape.rows, shape.columns] {
            if case .unknown(let root) = resolve(term), flexible[root],
                parents.indices.contains(where: { sizelessColumn[$0] && find($0) == root })
            {
                bindings[root] = .known(.one)
            }
        }
    }

    // MARK: Kinds of undeclared names

    /// True when `name` is declared.
    private func isKnown(_ name: String) -> Bool { knownShapes[name] != nil }

    /// Records that the use of `name` calls for `kind` (the first call wins).
    private mutating func suggest(_ name: String, _ kind: Shape.Kind) {
        guard !kindSuggestions.contains(where: { $0.name == name }) else { return }
        kindSuggestions.append((name, kind))
    }

    /// The rules of a broadcasting operation for the kinds of undeclared names:
    ///
    /// - a Greek name (a scalar by default) standing alone as an operand, against a
    ///   non-scalar, takes that operand's kind (`x - mu`: `mu` is a vector);
    /// - in `+` and `-`, an operand that is a lower-case name (a vector by default), scaled by
    ///   scalars only, against a scalar that is not a constant and does not use that name,
    ///   makes the name a scalar (`n/2*logdet(S) + tr(…)`: `n` is a scalar). A constant
    ///   broadcasts as written (`1 + exp(x)`), and so does a scalar made from the name itself
    ///   (`x - mean(x)`).
    private mutating func noteKindUses(
        _ expression: MatrixExpr, _ a: MatrixExpr, _ b: MatrixExpr, _ left: InferredShape, _ right: InferredShape,
        _ leftIndex: Int, _ rightIndex: Int
    ) {
        var greekTakesKind = false
        for (operand, other) in [(a, right), (b, left)] {
            var bare = operand
            if case .negate(let inner) = bare { bare = inner }
            if case .variable(let name) = bare, defaultKinds[name] == .scalar, !isScalar(other) {
                suggest(name, kind(of: other))
                greekTakesKind = true
            }
        }
        var isSum = false
        if case .add = expression { isSum = true }
        if case .subtract = expression { isSum = true }
        guard isSum, !greekTakesKind else { return }
        for (scaledIndex, scalarSide, scalarShape) in [(leftIndex, b, right), (rightIndex, a, left)] {
            guard let name = scaledVariables[scaledIndex], isScalar(scalarShape),
                Parser.constantValue(of: scalarSide) == nil, !scalarSide.variableNames.contains(name)
            else { continue }
            suggest(name, .scalar)
        }
    }

    // MARK: Functions

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
        case .pseudoInverse:
            return argument.transposed
        case .diagonalVector:
            try requireSquare(argument, function, expression, index, argumentExpression)
            return InferredShape(rows: argument.rows, columns: .one)
        case .sum, .mean, .norm2, .norm1, .logSumExp, .numel, .size:
            return .scalar
        case .columnSums, .columnMeans:
            return InferredShape(rows: .one, columns: argument.columns)
        case .rowSums, .rowMeans:
            return InferredShape(rows: argument.rows, columns: .one)
        case .softmax:
            return argument
        case .vec:
            return InferredShape(rows: productTerm(resolve(argument.columns), resolve(argument.rows)), columns: .one)
        case .diagonalMatrix:
            if isOne(argument.rows) { return InferredShape(rows: argument.columns, columns: argument.columns) }
            guard unifyOrRestore(argument.columns, .one) else {
                throw ShapeError.notColumnVector(
                    function.name, text(expression, index),
                    argument: operand(argumentExpression, index + 1, argument, isArgument: true), at: range(index))
            }
            return InferredShape(rows: argument.rows, columns: argument.rows)
        case .diagonal:
            // MATLAB's diag: the diagonal matrix of a vector or row vector (a scalar is its
            // own), the diagonal of a square matrix.
            switch kind(of: argument) {
            case .scalar, .vector, .rowVector:
                resolutions[index] = .diagonal(.diagonalMatrix)
                let side = isOne(argument.rows) ? argument.columns : argument.rows
                return InferredShape(rows: side, columns: side)
            case .matrix:
                resolutions[index] = .diagonal(.diagonalVector)
                try requireSquare(argument, function, expression, index, argumentExpression)
                return InferredShape(rows: argument.rows, columns: .one)
            }
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
        guard unifyOrRestore(argument.rows, argument.columns) else {
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

    /// The shape of a variable: known, already inferred, or new and inferred from its kind.
    private mutating func variableShape(_ name: String, at index: Int) throws -> InferredShape {
        if let shape = variableShapes[name] {
            if let scaled = scaledVariableName(name) { scaledVariables[index] = scaled }
            return shape
        }
        if declaredFunctions?[name] != nil {
            throw ShapeError.functionUsedAsVariable(name, at: range(index))
        }
        let shape: InferredShape
        if let known = knownShapes[name] {
            shape = InferredShape(known)
        } else {
            guard infersUndeclared else { throw ShapeError.undefinedVariable(name, at: range(index)) }
            let kind: Shape.Kind
            if let override = kindOverrides[name] {
                kind = override
            } else {
                kind = NameConventions.inferredKind(of: name)
                defaultKinds[name] = kind
            }
            switch kind {
            case .scalar: shape = .scalar
            case .vector: shape = InferredShape(rows: freshUnknown(), columns: .one)
            case .rowVector: shape = InferredShape(rows: .one, columns: freshUnknown())
            case .matrix: shape = InferredShape(rows: freshUnknown(), columns: freshUnknown())
            }
            inferredVariables.append(name)
        }
        variableShapes[name] = shape
        if let scaled = scaledVariableName(name) { scaledVariables[index] = scaled }
        return shape
    }

    /// `name` when it is an undeclared variable that took the default kind vector.
    private func scaledVariableName(_ name: String) -> String? {
        defaultKinds[name] == .vector ? name : nil
    }

    // MARK: End of the walk

    /// Throws when a size-less constant got no size from the expression.
    func checkSizelessConstants(_ expression: MatrixExpr) throws {
        for (index, resolution) in resolutions.sorted(by: { $0.key < $1.key }) {
            guard case .sizeless(let constant, let shape) = resolution, isFlexible(shape) else { continue }
            let written = PlainPrinter.print(.sizeless(constant))
            throw ShapeError.sizeNotInferred(
                written, reason: "nothing it is added to, multiplied with or compared with gives it; write its size, "
                    + "as in \(constant == .identity ? "I(n)" : "\(constant.rawValue)(m, n)")",
                at: range(index))
        }
    }

    /// The node at each pre-order index that shape checking resolves, as it resolves it:
    /// a size-less constant with its size, `diag` as `diagm` or `diagv`.
    func resolvedNodes(names: [Int: Dimension]) -> [Int: ResolvedNode] {
        resolutions.mapValues { resolution in
            switch resolution {
            case .sizeless(let constant, let shape):
                let resolved = self.shape(shape, names: names)
                switch constant {
                case .identity: return .constant(.identity(resolved.rows))
                case .ones: return .constant(.ones(resolved.rows, resolved.columns))
                case .zeros: return .constant(.zeros(resolved.rows, resolved.columns))
                }
            case .diagonal(let function):
                return .function(function)
            }
        }
    }

    /// A node as shape checking resolves it.
    enum ResolvedNode {
        /// A size-less constant, now with its size.
        case constant(MatrixExpr)
        /// `diag`, now `diagm` or `diagv`.
        case function(MatrixFunction)
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
        if case .add = expression, !isArgument { text = "(\(text))" }
        if case .subtract = expression, !isArgument { text = "(\(text))" }
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
