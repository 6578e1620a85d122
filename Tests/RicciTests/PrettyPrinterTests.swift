// The Unicode printer: golden output for every node and function, the seed targets, and the
// seeded random trees the printer tests share.

import Testing
@testable import Ricci

private let A = v("A"), B = v("B"), C = v("C"), D = v("D"), J = v("J"), R = v("R"), M = v("M")
private let V = v("V"), W = v("W"), X = v("X"), Y = v("Y")
private let a = v("a"), b = v("b"), c = v("c"), s = v("s"), t = v("t"), x = v("x")
private let lambda = v("lambda")
private let XW = mul(X, W)

@Suite struct PrettyPrinterTests {
    /// The seed targets, exactly.
    static let targets: [(MatrixExpr, String)] = [
        (mul(num(2), tr(X), sub(XW, Y)), "2 Xᵀ(X W − Y)"),
        (mul(num(2), tr(A), sub(mul(A, x), b)), "2 Aᵀ(A x − b)"),
        (add(
            mul(num(2), add(J, R),
                sub(mul(A, tr(A), tr(add(J, R)), add(J, R), A, tr(A)), mul(A, D, tr(A)))),
            mul(lambda, R)),
         "2 (J + R)(A Aᵀ(J + R)ᵀ(J + R)A Aᵀ − A D Aᵀ) + λ R"),
        (mul(had(f(.declaredScalarGradient("lambda"), f(.declaredElementwise("sigma"), XW)),
                 f(.declaredElementwiseDerivative("sigma"), XW)), tr(W)),
         "(∇λ(σ(X W)) ⊙ σ′(X W))Wᵀ"),
        (mul(num(1, 2), pow(f(.norm2, sub(mul(A, x), b)), 2)), "½ ‖A x − b‖²"),
    ]

    @Test(arguments: targets)
    func seedTargets(expr: MatrixExpr, expected: String) {
        #expect(PrettyPrinter.print(expr) == expected)
    }

    /// Numbers and names.
    static let atoms: [(MatrixExpr, String)] = [
        (num(3), "3"),
        (num(0), "0"),
        (num(1, 2), "½"),
        (num(7, 8), "⅞"),
        (num(5, 12), "⁵⁄₁₂"),
        (num(7, 3), "⁷⁄₃"),
        (num(-2), "−2"),
        (num(-1, 2), "−½"),
        (.number(.invalid), "<overflow>"),
        (X, "X"),
        (lambda, "λ"),
        (v("sigma"), "σ"),
        (v("mu"), "μ"),
        (v("omega"), "ω"),
        (v("Sigma"), "Σ"),
        (v("Omega"), "Ω"),
        (v("W1"), "W₁"),
        (v("x_i"), "xᵢ"),
        (v("lambda2"), "λ₂"),
        (v("lambda_reg"), "λ_reg"),
        (v("W1a"), "W1a"),
        (v("lambdas"), "lambdas"),
        (.identity(.named("n")), "Iₙ"),
        (.identity(.fixed(3)), "I₃"),
        (.identity(.named("d")), "I"),
        (.ones(.named("m"), .one), "𝟏ₘ"),
        (.ones(.named("m"), .named("n")), "𝟏ₘₓₙ"),
        (.ones(.named("b"), .one), "𝟏"),
    ]

    @Test(arguments: atoms)
    func numbersAndNames(expr: MatrixExpr, expected: String) {
        #expect(PrettyPrinter.print(expr) == expected)
    }

    /// Sums, signs and negation.
    static let sums: [(MatrixExpr, String)] = [
        (add(A, B), "A + B"),
        (add(A, add(B, C)), "A + B + C"),
        (add(A, sub(B, C)), "A + B − C"),
        (sub(sub(A, B), C), "A − B − C"),
        (sub(A, sub(B, C)), "A − (B − C)"),
        (sub(A, add(B, C)), "A − (B + C)"),
        (add(a, neg(b)), "a − b"),
        (add(a, mul(num(-2), x)), "a − 2 x"),
        (sub(a, neg(b)), "a + b"),
        (sub(a, neg(add(b, c))), "a + b + c"),
        (add(a, neg(sub(b, c))), "a − (b − c)"),
        (neg(X), "−X"),
        (neg(neg(X)), "X"),
        (neg(add(A, B)), "−(A + B)"),
        (add(neg(A), B), "−A + B"),
        (mul(num(-2), X), "−2 X"),
        (neg(mul(num(2), X)), "−2 X"),
        (mul(A, neg(B)), "−A B"),
        (mul(neg(A), neg(B)), "A B"),
        (tr(neg(X)), "−Xᵀ"),
        (ew(.exp, neg(X)), "exp(−X)"),
    ]

    @Test(arguments: sums)
    func sumsAndSigns(expr: MatrixExpr, expected: String) {
        #expect(PrettyPrinter.print(expr) == expected)
    }

    /// Products, their spacing, and the other product-like operators.
    static let products: [(MatrixExpr, String)] = [
        (mul(A, mul(B, C)), "A B C"),
        (mul(A, add(B, C)), "A (B + C)"),
        (mul(lambda, add(W, V)), "λ (W + V)"),
        (mul(add(J, R), A), "(J + R)A"),
        (mul(add(J, R), add(A, B)), "(J + R)(A + B)"),
        (mul(tr(X), add(A, B)), "Xᵀ(A + B)"),
        (mul(f(.trace, A), B), "tr(A) B"),
        (mul(f(.trace, A), add(B, C)), "tr(A) (B + C)"),
        (mul(f(.declaredElementwiseDerivative("sigma"), X), add(B, C)), "σ′(X) (B + C)"),
        (mul(f(.norm2, x), add(B, C)), "‖x‖(B + C)"),
        (mul(B, f(.trace, A)), "B tr(A)"),
        (mul(add(J, R), ew(.exp, X)), "(J + R) exp(X)"),
        (mul(pow(mul(lambda, W), 3), ew(.exp, X)), "(λ W)³ exp(X)"),
        (mul(tr(add(J, R)), f(.declaredScalarGradient("lambda"), X)), "(J + R)ᵀ ∇λ(X)"),
        (mul(add(J, R), f(.norm2, x)), "(J + R) ‖x‖"),
        (mul(add(a, b), pow(t, Rational(1, 2))), "(a + b) √t"),
        (mul(add(J, R), lambda), "(J + R)λ"),
        (mul(f(.norm2, x), A), "‖x‖A"),
        (mul(A, f(.norm2, x)), "A ‖x‖"),
        (mul(pow(f(.norm2, x), 2), A), "‖x‖²A"),
        (mul(num(2), add(J, R)), "2 (J + R)"),
        (mul(num(2), num(3)), "2 3"),
        (mul(X, num(2)), "X 2"),
        (mul(add(A, B), num(2)), "(A + B) 2"),
        (mul(num(1, 2), x), "½ x"),
        (mul(had(A, B), C), "(A ⊙ B)C"),
        (mul(pow(t, Rational(1, 3)), X), "t^(1/3) X"),
        (mul(epow(X, 2), add(A, B)), "X^⊙2 (A + B)"),
        (mul(pow(t, Rational(1, 2)), X), "√t X"),
        (mul(A, .identity(.named("n"))), "A Iₙ"),
        (mul(add(A, B), .ones(.named("n"), .one)), "(A + B)𝟏ₙ"),
        (mul(A, div(B, s)), "A B/s"),
        (mul(div(B, s), A), "(B/s)A"),
        (had(A, had(B, C)), "A ⊙ B ⊙ C"),
        (had(mul(A, B), C), "(A B) ⊙ C"),
        (had(neg(A), B), "−A ⊙ B"),
        (had(A, div(B, s)), "A ⊙ (B/s)"),
        (ediv(A, B), "A ⊘ B"),
        (ediv(ediv(A, B), C), "A ⊘ B ⊘ C"),
        (ediv(A, ediv(B, C)), "A ⊘ (B ⊘ C)"),
        (ediv(had(A, B), C), "(A ⊙ B) ⊘ C"),
        (div(x, f(.norm2, x)), "x/‖x‖"),
        (div(mul(lambda, R), num(2)), "λ R/2"),
        (div(add(a, b), num(2)), "(a + b)/2"),
        (div(a, mul(b, c)), "a/(b c)"),
        (div(div(a, b), c), "a/b/c"),
        (div(a, div(b, c)), "a/(b/c)"),
        (div(x, num(1, 2)), "x/(½)"),
        (div(x, pow(t, Rational(1, 2))), "x/√t"),
        (div(neg(x), s), "−x/s"),
    ]

    @Test(arguments: products)
    func productsAndSpacing(expr: MatrixExpr, expected: String) {
        #expect(PrettyPrinter.print(expr) == expected)
    }

    /// Powers, transposes and inverses: superscripts on a single primary.
    static let superscripts: [(MatrixExpr, String)] = [
        (pow(t, 3), "t³"),
        (pow(s, -1), "s⁻¹"),
        (pow(t, 12), "t¹²"),
        (pow(f(.norm2, sub(mul(A, x), b)), 2), "‖A x − b‖²"),
        (pow(add(s, t), 2), "(s + t)²"),
        (pow(t, Rational(1, 2)), "√t"),
        (pow(add(s, t), Rational(1, 2)), "√(s + t)"),
        (pow(mul(tr(x), x), Rational(1, 2)), "√(xᵀ x)"),
        (pow(t, Rational(1, 3)), "t^(1/3)"),
        (pow(t, Rational(-1, 2)), "t^(−1/2)"),
        (pow(pow(t, Rational(1, 2)), 2), "(√t)²"),
        (pow(pow(t, 2), 3), "(t²)³"),
        (pow(num(-2), 2), "(−2)²"),
        (pow(num(1, 2), 2), "(½)²"),
        (pow(tr(t), 2), "(tᵀ)²"),
        (epow(X, 2), "X^⊙2"),
        (epow(X, -1), "X^⊙(−1)"),
        (epow(X, Rational(1, 3)), "X^⊙(1/3)"),
        (epow(sub(XW, Y), 2), "(X W − Y)^⊙2"),
        (tr(X), "Xᵀ"),
        (tr(sub(XW, Y)), "(X W − Y)ᵀ"),
        (tr(tr(X)), "(Xᵀ)ᵀ"),
        (tr(epow(X, 2)), "(X^⊙2)ᵀ"),
        (tr(f(.inverse, X)), "(X⁻¹)ᵀ"),
        (mul(tr(f(.declaredScalarGradient("lambda"), X)), W), "∇λ(X)ᵀ W"),
        (f(.inverse, X), "X⁻¹"),
        (f(.inverse, add(A, B)), "(A + B)⁻¹"),
        (f(.inverse, tr(X)), "(Xᵀ)⁻¹"),
        (mul(f(.inverse, add(A, B)), C), "(A + B)⁻¹C"),
    ]

    @Test(arguments: superscripts)
    func powersAndTransposes(expr: MatrixExpr, expected: String) {
        #expect(PrettyPrinter.print(expr) == expected)
    }

    /// Every function, built in and declared.
    static let functions: [(MatrixExpr, String)] = [
        (f(.trace, XW), "tr(X W)"),
        (f(.determinant, X), "det(X)"),
        (f(.logDeterminant, X), "log det(X)"),
        (pow(f(.logDeterminant, X), 2), "(log det(X))²"),
        (mul(num(2), f(.logDeterminant, X)), "2 log det(X)"),
        (f(.inverse, X), "X⁻¹"),
        (f(.sum, X), "sum(X)"),
        (f(.norm2, x), "‖x‖"),
        (f(.diagonalMatrix, v("v")), "diag(v)"),
        (f(.diagonalVector, M), "diagv(M)"),
        (ew(.exp, X), "exp(X)"),
        (ew(.log, X), "log(X)"),
        (ew(.sin, X), "sin(X)"),
        (ew(.cos, X), "cos(X)"),
        (ew(.tanh, X), "tanh(X)"),
        (ew(.sqrt, X), "√X"),
        (ew(.sqrt, XW), "√(X W)"),
        (ew(.abs, X), "abs(X)"),
        (ew(.sigmoid, XW), "sigmoid(X W)"),
        (ew(.relu, X), "relu(X)"),
        (ew(.softplus, X), "softplus(X)"),
        (f(.declaredElementwise("sigma"), XW), "σ(X W)"),
        (f(.declaredElementwiseDerivative("sigma"), XW), "σ′(X W)"),
        (f(.declaredScalar("lambda"), X), "λ(X)"),
        (f(.declaredScalarGradient("lambda"), X), "∇λ(X)"),
        (f(.declaredElementwise("act"), X), "act(X)"),
        (f(.declaredElementwiseDerivative("f1"), X), "f₁′(X)"),
        (f(.declaredScalarGradient("loss"), X), "∇loss(X)"),
    ]

    @Test(arguments: functions)
    func everyFunction(expr: MatrixExpr, expected: String) {
        #expect(PrettyPrinter.print(expr) == expected)
    }

    /// On seeded random trees: parentheses balance, norm bars pair up, and no sign follows
    /// another.
    @Test func randomTreesAreWellFormed() {
        var generator = PrinterTreeGenerator(seed: 0x5EED)
        for index in 0..<300 {
            let expr = generator.expression(depth: 5)
            let text = PrettyPrinter.print(expr)
            var depth = 0
            for character in text {
                if character == "(" { depth += 1 }
                if character == ")" { depth -= 1 }
                #expect(depth >= 0, "tree \(index): \(expr) ⇒ \(text)")
            }
            #expect(depth == 0, "tree \(index): \(expr) ⇒ \(text)")
            #expect(text.filter { $0 == "‖" }.count % 2 == 0, "tree \(index): \(text)")
            for doubled in ["−−", "+ −", "− −", "( ", " )", "  "] {
                #expect(!text.contains(doubled), "tree \(index): \(expr) ⇒ \(text)")
            }
        }
    }
}

/// Seeded random expression trees for the printers' property tests: every node kind, every
/// function, Greek and indexed names, negative and fractional numbers.
struct PrinterTreeGenerator {
    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { random.next() }

    mutating func pick<T>(_ options: [T]) -> T {
        options[Int(next() % UInt64(options.count))]
    }

    static let names = [
        "X", "W", "Y", "x", "b", "t", "lambda", "sigma", "Omega", "W1", "x_i", "x_hat", "res",
        "lambda_reg", "W1_2",
    ]
    static let numbers: [Rational] = [0, 1, 2, -2, Rational(1, 2), Rational(-1, 3), Rational(5, 12)]
    static let exponents: [Rational] = [2, 3, -1, -2, Rational(1, 2), Rational(1, 3), Rational(-1, 2)]
    static let dimensions: [Dimension] = [.named("n"), .named("m"), .named("d"), .fixed(3), .named("k1")]
    static let functions: [MatrixFunction] =
        [.trace, .determinant, .logDeterminant, .inverse, .sum, .norm2, .diagonalMatrix,
         .diagonalVector, .declaredElementwise("sigma"), .declaredElementwiseDerivative("sigma"),
         .declaredScalar("lambda"), .declaredScalarGradient("lambda"), .declaredElementwise("f1"),
         .declaredScalarGradient("loss")]
        + ElementwiseFunction.allCases.map(MatrixFunction.elementwise)

    /// A tree of at most `depth` levels of operators.
    mutating func expression(depth: Int) -> MatrixExpr {
        if depth == 0 || next() % 5 == 0 {
            switch next() % 6 {
            case 0: return .number(pick(Self.numbers))
            case 1: return .identity(pick(Self.dimensions))
            case 2: return .ones(pick(Self.dimensions), next() % 2 == 0 ? .one : pick(Self.dimensions))
            default: return .variable(pick(Self.names))
            }
        }
        let a = expression(depth: depth - 1)
        switch next() % 13 {
        case 0: return .add(a, expression(depth: depth - 1))
        case 1: return .subtract(a, expression(depth: depth - 1))
        case 2: return .negate(a)
        case 3, 4: return .multiply(a, expression(depth: depth - 1))
        case 5: return .hadamard(a, expression(depth: depth - 1))
        case 6: return .elementwiseDivide(a, expression(depth: depth - 1))
        case 7: return .divide(a, expression(depth: depth - 1))
        case 8: return .power(a, pick(Self.exponents))
        case 9: return .elementwisePower(a, pick(Self.exponents))
        case 10: return .transpose(a)
        default: return .apply(pick(Self.functions), a)
        }
    }
}
