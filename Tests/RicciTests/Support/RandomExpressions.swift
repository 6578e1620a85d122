// Seeded random matrix expressions for property tests: canonical ones, and well-shaped ones.

@testable import Ricci

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny generator with a 64-bit state whose
/// output depends on the seed alone, so a failing seed reproduces on every platform and
/// toolchain (the standard library's `random(in:using:)` may change its algorithm).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// A generator started at `seed`.
    init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (`bound > 0`); the modulo bias is below 2⁻⁵⁰ for the small
    /// bounds tests use.
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "an empty range has no element")
        return Int((next() >> 11) % UInt64(bound))
    }

    /// One element of a non-empty array.
    mutating func pick<T>(_ elements: [T]) -> T { elements[below(elements.count)] }

    /// True with probability `percent / 100`.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// Random ``MatrixExpr`` values from a seed.
///
/// - ``canonical(depth:)`` gives any tree the parser can produce, shapes ignored: printing it
///   with ``PlainPrinter`` and parsing it again (with ``functions``) gives it back. Canonical
///   means: numbers are valid rationals, never `divide(number, number)` (the parser folds
///   that into one literal), names are valid and not reserved, sizes are names or positive.
/// - ``wellShaped(_:depth:)`` gives a canonical tree of a requested shape over the
///   variables of ``declarations`` (dimensions `m` and `n`), for tests that need shapes to
///   fit: shape inference, and later differentiation and evaluation.
struct RandomExpressions {
    /// The declared functions random expressions use: `sigma` element-wise, `lambda` scalar.
    static let functions: [String: DeclaredFunctionKind] = ["sigma": .elementwise, "lambda": .scalar]

    /// The variables of well-shaped expressions, over dimensions `m` and `n`, and the
    /// functions of ``functions``. Every declared shape is the one the naming conventions
    /// give (upper case: matrix, lower case: vector, Greek: scalar), so the same expression
    /// also checks with no variable declared.
    static let declarations = Declarations(
        variables: [
            VariableDeclaration(name: "A", shape: Shape(.named("m"), .named("m"))),
            VariableDeclaration(name: "S", shape: Shape(.named("n"), .named("n")), property: .spd),
            VariableDeclaration(name: "X", shape: Shape(.named("m"), .named("n"))),
            VariableDeclaration(name: "W", shape: Shape(.named("n"), .named("m"))),
            VariableDeclaration(name: "x", shape: .vector(.named("m"))),
            VariableDeclaration(name: "y", shape: .vector(.named("n"))),
            VariableDeclaration(name: "alpha", shape: .scalar),
            VariableDeclaration(name: "beta", shape: .scalar),
        ],
        functions: [
            FunctionDeclaration(name: "sigma", kind: .elementwise),
            FunctionDeclaration(name: "lambda", kind: .scalar),
        ])

    /// The dimensions of well-shaped expressions: 1 (an absent axis), `m` and `n`.
    static let dimensions: [Dimension] = [.one, .named("m"), .named("n")]

    /// Every shape over ``dimensions``.
    static let shapes: [Shape] = dimensions.flatMap { rows in dimensions.map { Shape(rows, $0) } }

    /// Names of variables in canonical expressions: Latin, Greek, Unicode, with digits and `_`.
    static let names = ["X", "W", "Y", "A", "x", "b", "y", "t", "alpha", "λ", "W1", "x_2", "Sigma", "T", "Λ"]

    /// Number literals, including negative ones and fractions.
    static let numbers: [Rational] = [0, 1, 2, 3, 10, -1, -2, Rational(1, 2), Rational(-1, 2), Rational(2, 3),
                                      Rational(7, 4), Rational(-5, 3)]

    /// Exponents of powers, printed as decimals (`0.5`) or in parentheses (`(1/3)`).
    static let exponents: [Rational] = [2, 3, 0, -1, -2, Rational(1, 2), Rational(-1, 2), Rational(1, 3),
                                        Rational(3, 2), Rational(1, 1024)]

    /// Sizes in `I(…)` and `ones(…)`.
    static let sizes: [Dimension] = [.named("m"), .named("n"), .named("k"), .fixed(1), .fixed(2), .fixed(3)]

    /// Built-in functions of one argument.
    static let builtins: [MatrixFunction] = MatrixFunction.builtins.keys.sorted().compactMap {
        MatrixFunction.builtins[$0]
    }

    /// Declared functions, consistent with ``functions``.
    static let declaredFunctions: [MatrixFunction] = [
        .declaredElementwise("sigma"), .declaredElementwiseDerivative("sigma"),
        .declaredScalar("lambda"), .declaredScalarGradient("lambda"),
    ]

    private var random: SplitMix64

    /// A generator started at `seed`.
    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// One canonical expression of at most `depth` levels below the root, from `seed`.
    static func canonical(depth: Int, seed: UInt64) -> MatrixExpr {
        var generator = RandomExpressions(seed: seed)
        return generator.canonical(depth: depth)
    }

    /// One well-shaped expression of `shape` from `seed` (see ``wellShaped(_:depth:)``).
    static func wellShaped(_ shape: Shape, depth: Int, seed: UInt64) -> MatrixExpr {
        var generator = RandomExpressions(seed: seed)
        return generator.wellShaped(shape, depth: depth)
    }

    // MARK: Canonical

    /// A canonical expression with at most `depth` levels of operators.
    mutating func canonical(depth: Int) -> MatrixExpr {
        if depth <= 0 || random.chance(15) { return leaf() }
        let below = { (generator: inout RandomExpressions) in
            generator.canonical(depth: generator.random.below(depth))
        }
        switch random.below(16) {
        case 0: return .add(below(&self), below(&self))
        case 1: return .subtract(below(&self), below(&self))
        case 2: return .negate(below(&self))
        case 3, 4: return .multiply(below(&self), below(&self))
        case 5: return .hadamard(below(&self), below(&self))
        case 6: return .elementwiseDivide(below(&self), below(&self))
        case 7: return divide(below(&self), below(&self), orBy: random.pick(Self.names))
        case 8: return .power(below(&self), random.pick(Self.exponents))
        case 9: return .elementwisePower(below(&self), random.pick(Self.exponents))
        case 10, 11: return .transpose(below(&self))
        case 12, 13: return .apply(random.pick(Self.builtins), below(&self))
        case 14: return .apply(random.pick(Self.declaredFunctions), below(&self))
        default: return leaf()
        }
    }

    /// A variable, a number, an identity or a ones.
    private mutating func leaf() -> MatrixExpr {
        switch random.below(10) {
        case 0, 1, 2, 3, 4: return .variable(random.pick(Self.names))
        case 5, 6, 7: return .number(random.pick(Self.numbers))
        case 8: return .identity(random.pick(Self.sizes))
        default: return .ones(random.pick(Self.sizes), random.chance(50) ? .one : random.pick(Self.sizes))
        }
    }

    /// `a / b`, except that a number over a number (which the parser folds into one
    /// literal) gets the variable `divisor` as its divisor instead.
    private func divide(_ a: MatrixExpr, _ b: MatrixExpr, orBy divisor: String) -> MatrixExpr {
        if case .number = a, case .number = b { return .divide(a, .variable(divisor)) }
        return .divide(a, b)
    }

    // MARK: Well-shaped

    /// A canonical expression of `shape` (dimensions from ``dimensions``) whose variables
    /// are those of ``declarations``, with at most `depth` levels of operators.
    mutating func wellShaped(_ shape: Shape, depth: Int) -> MatrixExpr {
        if depth <= 0 || random.chance(10) { return shapedLeaf(shape) }
        let next = random.below(depth)
        let (rows, columns) = (shape.rows, shape.columns)
        var choices: [(inout RandomExpressions) -> MatrixExpr] = [
            { .add($0.wellShaped(shape, depth: next), $0.wellShaped(shape, depth: next)) },
            { .subtract($0.wellShaped(shape, depth: next), $0.wellShaped(shape, depth: next)) },
            { .negate($0.wellShaped(shape, depth: next)) },
            { .transpose($0.wellShaped(shape.transposed, depth: next)) },
            {
                let inner = $0.random.pick(Self.dimensions)
                return .multiply($0.wellShaped(Shape(rows, inner), depth: next),
                                 $0.wellShaped(Shape(inner, columns), depth: next))
            },
            { .multiply($0.wellShaped(.scalar, depth: next), $0.wellShaped(shape, depth: next)) },
            { .hadamard($0.wellShaped(shape, depth: next), $0.wellShaped(shape, depth: next)) },
            { .elementwiseDivide($0.wellShaped(shape, depth: next), $0.wellShaped(shape, depth: next)) },
            {
                $0.divide($0.wellShaped(shape, depth: next), $0.wellShaped(.scalar, depth: next),
                          orBy: "alpha")
            },
            { .elementwisePower($0.wellShaped(shape, depth: next), $0.random.pick(Self.exponents)) },
            {
                let function = $0.random.pick(
                    ElementwiseFunction.allCases.map(MatrixFunction.elementwise)
                        + [.declaredElementwise("sigma"), .declaredElementwiseDerivative("sigma"),
                           .declaredScalarGradient("lambda")])
                return .apply(function, $0.wellShaped(shape, depth: next))
            },
        ]
        if shape.isScalar {
            choices += [
                { .power($0.wellShaped(.scalar, depth: next), $0.random.pick(Self.exponents)) },
                {
                    let function = $0.random.pick([MatrixFunction.sum, .norm2, .declaredScalar("lambda")])
                    return .apply(function, $0.wellShaped($0.random.pick(Self.shapes), depth: next))
                },
                {
                    let function = $0.random.pick([MatrixFunction.trace, .determinant, .logDeterminant])
                    let size = $0.random.pick(Self.dimensions)
                    return .apply(function, $0.wellShaped(Shape(size, size), depth: next))
                },
            ]
        }
        if shape.isSquare {
            choices.append { .apply(.inverse, $0.wellShaped(shape, depth: next)) }
            choices.append { .apply(.diagonalMatrix, $0.wellShaped(.vector(rows), depth: next)) }
        }
        if shape.kind == .vector {
            choices.append { .apply(.diagonalVector, $0.wellShaped(Shape(rows, rows), depth: next)) }
        }
        return random.pick(choices)(&self)
    }

    /// A leaf of `shape`: mostly a declared variable (or the transpose of a vector, for a row
    /// vector), sometimes a number, `I(…)` or `ones(…)`.
    private mutating func shapedLeaf(_ shape: Shape) -> MatrixExpr {
        var variables: [MatrixExpr] = Self.declarations.variables.filter { $0.shape == shape }.map {
            .variable($0.name)
        }
        if shape.kind == .rowVector {
            variables += Self.declarations.variables.filter { $0.shape == shape.transposed }.map {
                .transpose(.variable($0.name))
            }
        }
        if !variables.isEmpty, random.chance(70) { return random.pick(variables) }
        if shape.isScalar, random.chance(70) { return .number(random.pick(Self.numbers)) }
        if shape.isSquare, random.chance(40) { return .identity(shape.rows) }
        return .ones(shape.rows, shape.columns)
    }
}
