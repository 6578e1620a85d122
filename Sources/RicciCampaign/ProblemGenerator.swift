// Seeded random differentiation problems over the whole language, shapes drawn first.

import Ricci

/// One random differentiation problem: an expression of the language, its declarations,
/// the variable, and which derivative (first, or the Hessian), with what it is made of.
public struct Problem: Sendable, Hashable {
    /// The seed it was drawn from: the same seed gives the same problem on every platform.
    public let seed: UInt64
    /// The expression, in the language (as the plain printer writes it).
    public let text: String
    /// `--var` declarations of every variable the expression uses.
    public let variables: [String]
    /// `--func` declarations of the declared functions it uses.
    public let functions: [String]
    /// The variable to differentiate by.
    public let variable: String
    /// True for a second derivative (`ricci hessian`, or by `variable` then `secondVariable`).
    public let isHessian: Bool
    /// For a mixed second derivative, the variable of the second step (`ricci diff … --wrt x
    /// --wrt y`); `nil` for the Hessian by `variable` alone.
    public let secondVariable: String?
    /// The constructs the expression uses (`add`, `broadcast`, `softmax`, `sizeless`, …).
    public let constructs: Set<String>
    /// The number of operators of the expression.
    public let operatorCount: Int

    /// The command-line arguments of `ricci` that ask for this derivative, in `format`.
    public func arguments(format: String) -> [String] {
        var arguments = [isHessian && secondVariable == nil ? "hessian" : "diff", text, "--wrt", variable]
        if let secondVariable { arguments += ["--wrt", secondVariable] }
        for declaration in variables { arguments += ["--var", declaration] }
        for declaration in functions { arguments += ["--func", declaration] }
        return arguments + ["--format", format]
    }

    /// The `ricci` command that reproduces the problem, quoted for a shell.
    public var command: String {
        arguments(format: "pretty").map { argument in
            argument.allSatisfy({ $0.isLetter || $0.isNumber || "-_:,".contains($0) })
                ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

/// Draws ``Problem``s: a shape for the result first, then an expression of that shape over a
/// fixed set of declared variables, built top-down so that every operation's operands fit.
///
/// What makes the problems safe to check numerically is part of the construction, not of the
/// test points: a logarithm, a root, a fractional power or a divisor is applied to an
/// expression that is positive by its form (`exp(u)`, `1 + u.^2`, `sigmoid(u)`, …); an inverse,
/// determinant or log-determinant to a well-conditioned matrix (`S`, `I + u uᵀ`, `I + MᵀM`, a
/// square variable, which the test points make well-conditioned); `asin` and `acos` to
/// `tanh(u)/2`. Everything else, the language of parts 1 and 2, goes everywhere its shapes
/// allow: broadcasting, the axis sums and means, `norm1`, `softmax`, `logsumexp`, `max`/`min`,
/// matrix powers and powers by expressions, `pinv`, `kron`/`vec`, size-less constants, the
/// aliases, declared functions.
public struct ProblemGenerator {
    /// The dimensions the shapes use: `m`, `n`, `k` (1 is an absent axis).
    static let dimensions: [Dimension] = [.named("m"), .named("n"), .named("k")]

    /// The variables and their shapes; a problem declares the ones it uses.
    static let variables: [(name: String, shape: Shape, property: String?)] = [
        ("alpha", .scalar, nil), ("beta", .scalar, nil), ("t", .scalar, nil),
        ("x", .vector(.named("m")), nil), ("y", .vector(.named("m")), nil),
        ("z", .vector(.named("n")), nil), ("u", .vector(.named("k")), nil),
        ("A", Shape(.named("m"), .named("m")), nil), ("B", Shape(.named("m"), .named("n")), nil),
        ("C", Shape(.named("n"), .named("m")), nil), ("W", Shape(.named("n"), .named("n")), nil),
        ("X", Shape(.named("m"), .named("n")), nil), ("K", Shape(.named("k"), .named("m")), nil),
        ("S", Shape(.named("m"), .named("m")), "spd"), ("Q", Shape(.named("n"), .named("n")), "symmetric"),
        ("D", Shape(.named("m"), .named("m")), "diagonal"),
    ]

    private var random: SeededGenerator
    private var constructs: Set<String> = []
    private var usesSigma = false
    private var usesLambda = false

    private init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    /// The problem of `seed`, its expression at most `depth` operators deep.
    public static func problem(seed: UInt64, depth: Int = 6) -> Problem {
        var generator = ProblemGenerator(seed: seed)
        return generator.draw(seed: seed, depth: depth)
    }

    private mutating func draw(seed: UInt64, depth: Int) -> Problem {
        // Mostly gradients (what people ask for), then Jacobians and Hessians.
        let roll = random.nextInteger(below: 10)
        let isHessian = roll == 9
        let shape: Shape
        switch roll {
        case 0...5, 9: shape = .scalar
        case 6: shape = .vector(pick(Self.dimensions))
        case 7: shape = Shape(pick(Self.dimensions), pick(Self.dimensions))
        default: shape = Shape(.one, pick(Self.dimensions))
        }
        var expression = generate(shape, depth: depth)
        var names = expression.variableNames
        if names.isEmpty {
            // Something to differentiate: add a variable's part of the right shape.
            expression = .add(expression, leafVariable(shape) ?? .apply(.sum, .variable("x")))
            names = expression.variableNames
        }
        // A Hessian by any variable (by a matrix, the vec convention's mn×mn matrix); one in
        // three second derivatives is mixed, by two variables in turn.
        let variable = names[random.nextInteger(below: names.count)]
        let others = names.filter { $0 != variable }
        let secondVariable = isHessian && !others.isEmpty && random.nextInteger(below: 3) == 0
            ? others[random.nextInteger(below: others.count)] : nil
        if secondVariable != nil { constructs.insert("mixed second derivative") }
        let declared = Self.variables.filter { names.contains($0.name) }.map { entry -> String in
            let dimensions = entry.shape.axes.map(\.description).joined(separator: ",")
            let shapeText = entry.shape.kind == .rowVector ? "1,\(dimensions)" : dimensions
            return "\(entry.name):\(shapeText)" + (entry.property.map { ":" + $0 } ?? "")
        }
        var functions: [String] = []
        if usesSigma { functions.append("sigma:elementwise") }
        if usesLambda { functions.append("lambda:scalar") }
        return Problem(
            seed: seed, text: respelled(PlainPrinter.print(expression)), variables: declared, functions: functions,
            variable: variable, isHessian: isHessian, secondVariable: secondVariable, constructs: constructs,
            operatorCount: expression.operatorCount)
    }

    /// One problem in three is written with the other spellings of the language: a
    /// transpose as `^T` or `ᵀ` (each one drawn on its own), `trace` for `tr`, `eye` for `I`.
    /// (The generator draws from part 1 and 2 of the language; these are its synonyms.)
    private mutating func respelled(_ text: String) -> String {
        guard random.nextInteger(below: 3) == 0 else { return text }
        var result = ""
        var previous: Character = " "
        var rest = Substring(text)
        while let character = rest.first {
            // `sigma'(x)` is a declared function's derivative, not a transpose.
            if character == "'", rest.dropFirst().first != "(" {
                let spelling = pick(["'", "^T", "ᵀ"])
                if spelling != "'" { constructs.insert("spelling \(spelling)") }
                result += spelling
                rest = rest.dropFirst()
            } else if rest.hasPrefix("tr("), !previous.isLetter, random.nextInteger(below: 2) == 0 {
                constructs.insert("spelling trace")
                result += "trace("
                rest = rest.dropFirst(3)
            } else if rest.hasPrefix("I("), !previous.isLetter, random.nextInteger(below: 2) == 0 {
                constructs.insert("spelling eye")
                result += "eye("
                rest = rest.dropFirst(2)
            } else {
                result.append(character)
                rest = rest.dropFirst()
            }
            previous = result.last ?? " "
        }
        return result
    }

    // MARK: Random choices

    private mutating func pick<T>(_ elements: [T]) -> T { elements[random.nextInteger(below: elements.count)] }

    private mutating func chance(_ percent: Int) -> Bool { random.nextInteger(below: 100) < percent }

    private mutating func note(_ construct: String) { constructs.insert(construct) }

    // MARK: Expressions of a shape

    /// An expression of `shape` with at most `depth` levels of operators.
    private mutating func generate(_ shape: Shape, depth: Int) -> MatrixExpr {
        if depth <= 0 || chance(12) { return leaf(shape) }
        let next = random.nextInteger(below: depth)
        var choices: [(inout ProblemGenerator) -> MatrixExpr] = [
            { $0.sum(shape, next) }, { $0.sum(shape, next) },
            { g in g.note("negate"); return .negate(g.generate(shape, depth: next)) },
            { g in g.note("transpose"); return .transpose(g.generate(shape.transposed, depth: next)) },
            { $0.product(shape, next) }, { $0.product(shape, next) },
            { $0.scaling(shape, next) },
            { $0.entrywise(shape, next) }, { $0.entrywise(shape, next) },
            { $0.elementwiseFunction(shape, next) }, { $0.elementwiseFunction(shape, next) },
            { $0.positiveDivision(shape, next) },
        ]
        if shape.isScalar { choices += Array(repeating: { $0.scalarFunction(next) }, count: 4) }
        if shape.isSquare && !shape.isScalar { choices += [{ $0.squareFunction(shape, next) }] }
        if shape.kind == .vector { choices += [{ $0.vectorFunction(shape, next) }] }
        if !shape.isScalar { choices += [{ $0.axisReduction(shape, next) }] }
        return pick(choices)(&self)
    }

    /// A leaf of `shape`: a variable (or a transposed one), a number, a constant, or a
    /// size-less constant where the shape is the other operand's (not here: see ``sum``).
    private mutating func leaf(_ shape: Shape) -> MatrixExpr {
        if chance(75), let variable = leafVariable(shape) { return variable }
        if shape.isScalar { return .number(pick([1, 2, 3, -1, Rational(1, 2), Rational(3, 2), Rational(-2, 3)])) }
        if shape.isSquare && chance(50) {
            note("identity")
            return chance(30) ? .apply(.elementwise(.exp), .identity(shape.rows)) : .identity(shape.rows)
        }
        note("ones")
        return .multiply(.number(pick([2, -1, Rational(1, 2)])), .ones(shape.rows, shape.columns))
    }

    /// A declared variable of `shape`, or the transpose of one of the transposed shape.
    private mutating func leafVariable(_ shape: Shape) -> MatrixExpr? {
        let direct = Self.variables.filter { $0.shape == shape }.map { MatrixExpr.variable($0.name) }
        let transposed = Self.variables.filter { $0.shape == shape.transposed && !$0.shape.isScalar }
            .map { MatrixExpr.transpose(.variable($0.name)) }
        let all = direct + transposed
        return all.isEmpty ? nil : pick(all)
    }

    /// `a + b` or `a - b`, one side possibly broadcast (an axis of size 1 stretched), or a
    /// size-less constant taking the other side's shape.
    private mutating func sum(_ shape: Shape, _ depth: Int) -> MatrixExpr {
        let isAdd = chance(50)
        note(isAdd ? "add" : "subtract")
        let left = generate(shape, depth: depth)
        let right: MatrixExpr
        if !shape.isScalar && chance(10) {
            note("sizeless")
            right = .multiply(.number(pick([2, -1, Rational(1, 2)])), .sizeless(shape.isSquare && chance(50) ? .identity : .ones))
        } else {
            right = generate(broadcastOperand(of: shape), depth: depth)
        }
        let (a, b) = chance(50) ? (left, right) : (right, left)
        return isAdd ? .add(a, b) : .subtract(a, b)
    }

    /// A shape that broadcasts to `shape`: mostly itself, sometimes with an axis of size 1
    /// (a column against a matrix, a row, a scalar).
    private mutating func broadcastOperand(of shape: Shape) -> Shape {
        guard !shape.isScalar, chance(30) else { return shape }
        note("broadcast")
        var options: [Shape] = [.scalar]
        if !shape.columns.isOne && !shape.rows.isOne { options += [Shape(shape.rows, .one), Shape(.one, shape.columns)] }
        return pick(options)
    }

    /// A matrix product with an inner dimension drawn at random (1 makes an outer product).
    private mutating func product(_ shape: Shape, _ depth: Int) -> MatrixExpr {
        note("multiply")
        let inner = chance(15) ? Dimension.one : pick(Self.dimensions)
        let left = Shape(shape.rows, inner)
        let right = Shape(inner, shape.columns)
        if left.isSquare && !left.isScalar && chance(10) {
            note("matrix power")
            let base = generate(left, depth: depth)
            return .multiply(.power(base, pick([2, 3])), generate(right, depth: depth))
        }
        return .multiply(generate(left, depth: depth), generate(right, depth: depth))
    }

    /// A scalar times (or divided into) an expression of `shape`.
    private mutating func scaling(_ shape: Shape, _ depth: Int) -> MatrixExpr {
        note("scaling")
        let scalar = generate(.scalar, depth: depth)
        if chance(20) {
            note("divide")
            return .divide(generate(shape, depth: depth), positiveScalar(depth))
        }
        return .multiply(scalar, generate(shape, depth: depth))
    }

    /// `.*`, `./` (by a positive divisor), `max`, `min`, broadcasting.
    private mutating func entrywise(_ shape: Shape, _ depth: Int) -> MatrixExpr {
        let left = generate(shape, depth: depth)
        let right = generate(broadcastOperand(of: shape), depth: depth)
        switch random.nextInteger(below: 4) {
        case 0:
            note("hadamard")
            return chance(50) ? .hadamard(left, right) : .hadamard(right, left)
        case 1:
            note("elementwise divide")
            return .elementwiseDivide(left, positive(broadcastOperand(of: shape), depth))
        case 2:
            note("max")
            if !shape.isScalar && chance(30) {
                note("sizeless")
                return .apply2(.maximum, left, .sizeless(.zeros))
            }
            return .apply2(.maximum, left, right)
        default:
            note("min")
            return .apply2(.minimum, left, right)
        }
    }

    /// An entry-wise function of an expression of `shape`, with its argument in its domain.
    private mutating func elementwiseFunction(_ shape: Shape, _ depth: Int) -> MatrixExpr {
        let argument = generate(shape, depth: depth)
        let anywhere: [ElementwiseFunction] = [.exp, .sin, .cos, .tanh, .abs, .sigmoid, .relu, .softplus, .sign,
                                                .step, .atan, .sinh, .cosh]
        switch random.nextInteger(below: 10) {
        case 0:
            let function = pick([ElementwiseFunction.log, .sqrt, .log1p])
            note(function.rawValue)
            return .apply(.elementwise(function), positive(shape, depth))
        case 1:
            let function = pick([ElementwiseFunction.asin, .acos])
            note(function.rawValue)
            return .apply(.elementwise(function), .divide(.apply(.elementwise(.tanh), argument), .number(2)))
        case 2:
            note("tan")
            return .apply(.elementwise(.tan), .divide(.apply(.elementwise(.tanh), argument), .number(2)))
        case 3:
            note("power")
            if chance(50) { return .elementwisePower(argument, pick([2, 3, -1])) }
            return .elementwisePower(positive(shape, depth), pick([Rational(1, 2), Rational(3, 2), Rational(-1, 2)]))
        case 4:
            note("power by expression")
            return .elementwisePowerBy(positive(shape, depth), generate(.scalar, depth: depth / 2))
        case 5:
            note("declared elementwise")
            usesSigma = true
            return .apply(chance(70) ? .declaredElementwise("sigma") : .declaredElementwiseDerivative("sigma"), argument)
        default:
            let function = pick(anywhere)
            note(function.rawValue)
            return .apply(.elementwise(function), argument)
        }
    }

    /// An expression of `shape` positive in every entry at every point, by its form.
    private mutating func positive(_ shape: Shape, _ depth: Int) -> MatrixExpr {
        let inner = generate(shape, depth: depth / 2)
        switch random.nextInteger(below: 5) {
        case 0: return .apply(.elementwise(.exp), inner)
        case 1: return .add(.number(1), .elementwisePower(inner, 2))
        case 2: return .apply(.elementwise(.sigmoid), inner)
        case 3: return .add(.apply(.elementwise(.softplus), inner), .number(Rational(1, 2)))
        default: return .add(.number(2), .apply(.elementwise(.cos), inner))
        }
    }

    /// A scalar positive at every point, by its form.
    private mutating func positiveScalar(_ depth: Int) -> MatrixExpr {
        positive(.scalar, depth)
    }

    /// A square matrix of `shape` that is well-conditioned at every point by its form.
    private mutating func wellConditioned(_ shape: Shape, _ depth: Int) -> MatrixExpr {
        let n = shape.rows
        let square = Self.variables.filter { $0.shape == shape }.map { MatrixExpr.variable($0.name) }
        let vector = Self.variables.filter { $0.shape == .vector(n) }.map { MatrixExpr.variable($0.name) }
        var options: [MatrixExpr] = square
        if let v = vector.first { options.append(.add(.identity(n), .multiply(v, .transpose(v)))) }
        let rectangular = Self.variables.filter { $0.shape.rows == n && $0.shape.kind == .matrix }.map { MatrixExpr.variable($0.name) }
        if let M = rectangular.first { options.append(.add(.identity(n), .multiply(M, .transpose(M)))) }
        options.append(.add(.multiply(.number(2), .identity(n)), .apply(.elementwise(.tanh), generate(shape, depth: depth / 2))))
        return options.isEmpty ? .identity(n) : pick(options)
    }

    /// A scalar: a reduction of an expression of any shape, a power, a function of a square
    /// matrix, a quadratic form, a Kronecker or vec form.
    private mutating func scalarFunction(_ depth: Int) -> MatrixExpr {
        let anyShape = Shape(pick(Self.dimensions + [.one]), pick(Self.dimensions + [.one]))
        switch random.nextInteger(below: 16) {
        case 0, 1:
            note("sum")
            return .apply(.sum, generate(anyShape, depth: depth))
        case 2:
            note("norm2")
            let inner = generate(anyShape, depth: depth)
            return chance(60) ? .power(.apply(.norm2, inner), 2) : .apply(.norm2, inner)
        case 3:
            note("norm1")
            return .apply(.norm1, generate(anyShape, depth: depth))
        case 4:
            note("mean")
            return .apply(.mean, generate(anyShape, depth: depth))
        case 5:
            note("logsumexp")
            return .apply(.logSumExp, generate(anyShape, depth: depth))
        case 6:
            let n = pick(Self.dimensions)
            let function = pick([MatrixFunction.trace, .determinant, .logDeterminant])
            note(function.name)
            let argument = function == .trace ? generate(Shape(n, n), depth: depth) : wellConditioned(Shape(n, n), depth)
            return .apply(chance(20) && function == .trace ? .trace : function, argument)
        case 7:
            note("power")
            if chance(50) { return .power(generate(.scalar, depth: depth), pick([2, 3, -1])) }
            return .power(positiveScalar(depth), pick([Rational(1, 2), Rational(-1, 2), Rational(3, 2)]))
        case 8:
            note("power by expression")
            return .powerBy(positiveScalar(depth), generate(.scalar, depth: depth / 2))
        case 9:
            note("quadratic form")
            let n = pick(Self.dimensions)
            let v = generate(.vector(n), depth: depth / 2)
            let middle = chance(50) ? generate(Shape(n, n), depth: depth / 2) : .apply(.inverse, wellConditioned(Shape(n, n), depth))
            return .multiply(.multiply(.transpose(v), middle), v)
        case 10:
            note("kron")
            return kroneckerForm(depth)
        case 11:
            note("declared scalar")
            usesLambda = true
            return .apply(.declaredScalar("lambda"), generate(anyShape, depth: depth))
        case 12:
            note("numel")
            let inner = generate(anyShape, depth: depth)
            return .divide(.apply(.sum, inner), chance(50) ? .apply(.numel, inner) : .apply(.size(axis: 1 + random.nextInteger(below: 2)), inner))
        case 13:
            note("softmax")
            let n = pick(Self.dimensions)
            let weights = Self.variables.filter { $0.shape == .vector(n) }.map { MatrixExpr.variable($0.name) }
            let target = weights.isEmpty ? MatrixExpr.ones(n, .one) : pick(weights)
            return .multiply(.transpose(target), .apply(.elementwise(.log), .apply(.softmax, generate(.vector(n), depth: depth))))
        case 14:
            note("pinv")
            let inner = Self.variables.filter { $0.shape.kind == .matrix && !$0.shape.isSquare }
            let matrix = pick(inner)
            let pinv = MatrixExpr.apply(.pseudoInverse, .variable(matrix.name))
            return chance(50) ? .power(.apply(.norm2, pinv), 2)
                : .apply(.sum, .multiply(pinv, generate(.vector(matrix.shape.rows), depth: depth / 2)))
        default:
            note("trace alias")
            let n = pick(Self.dimensions)
            return .apply(.trace, .multiply(.apply(.diagonal, generate(.vector(n), depth: depth / 2)), generate(Shape(n, n), depth: depth / 2)))
        }
    }

    /// `tr(kron(P, Q))`, `sum(kron(u, v))`, `vec(U)'*vec(V)` or `vec(U)'*kron(Q', P)*vec(V)`.
    private mutating func kroneckerForm(_ depth: Int) -> MatrixExpr {
        let (p, q) = (pick(Self.dimensions), pick(Self.dimensions))
        switch random.nextInteger(below: 4) {
        case 0:
            return .apply(.trace, .apply2(.kron, generate(Shape(p, p), depth: depth / 2), generate(Shape(q, q), depth: depth / 2)))
        case 1:
            return .apply(.sum, .apply2(.kron, generate(.vector(p), depth: depth / 2), generate(.vector(q), depth: depth / 2)))
        case 2:
            let shape = Shape(p, q)
            return .multiply(.transpose(.apply(.vec, generate(shape, depth: depth / 2))), .apply(.vec, generate(shape, depth: depth / 2)))
        default:
            let shape = Shape(p, q)
            let middle = MatrixExpr.apply2(.kron, .transpose(generate(Shape(q, q), depth: depth / 2)), generate(Shape(p, p), depth: depth / 2))
            return .multiply(.multiply(.transpose(.apply(.vec, generate(shape, depth: depth / 2))), middle),
                             .apply(.vec, generate(shape, depth: depth / 2)))
        }
    }

    /// A square matrix function: inverse, matrix power, `diagm`, `pinv` of a square matrix,
    /// adding a size-less identity.
    private mutating func squareFunction(_ shape: Shape, _ depth: Int) -> MatrixExpr {
        switch random.nextInteger(below: 5) {
        case 0:
            note("inv")
            return .apply(.inverse, wellConditioned(shape, depth))
        case 1:
            note("matrix power")
            if chance(30) { return .power(wellConditioned(shape, depth), -1) }
            return .power(generate(shape, depth: depth), pick([2, 3]))
        case 2:
            note("diagm")
            return .apply(chance(50) ? .diagonalMatrix : .diagonal, generate(.vector(shape.rows), depth: depth))
        case 3:
            note("sizeless")
            return .add(generate(shape, depth: depth), .sizeless(.identity))
        default:
            note("softmax")
            return .apply(.softmax, generate(shape, depth: depth))
        }
    }

    /// A vector function: `diagv`, `softmax`, row sums, `M*ones()`.
    private mutating func vectorFunction(_ shape: Shape, _ depth: Int) -> MatrixExpr {
        let m = shape.rows
        switch random.nextInteger(below: 4) {
        case 0:
            note("diagv")
            return .apply(chance(50) ? .diagonalVector : .diagonal, generate(Shape(m, m), depth: depth))
        case 1:
            note("softmax")
            return .apply(.softmax, generate(shape, depth: depth))
        case 2:
            note("sizeless")
            return .multiply(generate(Shape(m, pick(Self.dimensions)), depth: depth), .sizeless(.ones))
        default:
            note("vec")
            return .apply(.vec, generate(Shape(m, .one), depth: depth))
        }
    }

    /// `sum(M, d)` or `mean(M, d)` of a matrix one axis larger.
    private mutating func axisReduction(_ shape: Shape, _ depth: Int) -> MatrixExpr {
        switch shape.kind {
        case .vector:
            note("axis sum")
            let inner = generate(Shape(shape.rows, pick(Self.dimensions)), depth: depth)
            return .apply(chance(50) ? .rowSums : .rowMeans, inner)
        case .rowVector:
            note("axis sum")
            let inner = generate(Shape(pick(Self.dimensions), shape.columns), depth: depth)
            return .apply(chance(50) ? .columnSums : .columnMeans, inner)
        case .matrix, .scalar:
            return generate(shape, depth: depth)
        }
    }

    /// `a ./ p` with a positive `p`.
    private mutating func positiveDivision(_ shape: Shape, _ depth: Int) -> MatrixExpr {
        note("elementwise divide")
        return .elementwiseDivide(generate(shape, depth: depth), positive(shape, depth))
    }
}
