// The LaTeX printer: golden output for every node and function, and well-formed source on
// seeded random trees.

import Testing
@testable import Ricci

private let A = v("A"), B = v("B"), C = v("C"), D = v("D"), J = v("J"), R = v("R"), M = v("M")
private let W = v("W"), X = v("X"), Y = v("Y")
private let a = v("a"), b = v("b"), c = v("c"), s = v("s"), t = v("t"), x = v("x")
private let lambda = v("lambda")
private let XW = mul(X, W)

@Suite struct LaTeXPrinterTests {
    /// The seed targets.
    static let targets: [(MatrixExpr, String)] = [
        (mul(num(2), tr(X), sub(XW, Y)), #"2 X^{\top} \left(X W - Y\right)"#),
        (mul(num(2), tr(A), sub(mul(A, x), b)), #"2 A^{\top} \left(A x - b\right)"#),
        (add(
            mul(num(2), add(J, R),
                sub(mul(A, tr(A), tr(add(J, R)), add(J, R), A, tr(A)), mul(A, D, tr(A)))),
            mul(lambda, R)),
         #"2 \left(J + R\right) \left(A A^{\top} \left(J + R\right)^{\top} \left(J + R\right) A A^{\top} - A D A^{\top}\right) + \lambda R"#),
        (mul(had(f(.declaredScalarGradient("lambda"), f(.declaredElementwise("sigma"), XW)),
                 f(.declaredElementwiseDerivative("sigma"), XW)), tr(W)),
         #"\left(\nabla \lambda\left(\sigma\left(X W\right)\right) \odot \sigma'\left(X W\right)\right) W^{\top}"#),
        (mul(num(1, 2), pow(f(.norm2, sub(mul(A, x), b)), 2)),
         #"\frac{1}{2} \left\| A x - b \right\|_F^{2}"#),
    ]

    @Test(arguments: targets)
    func seedTargets(expr: MatrixExpr, expected: String) {
        #expect(LaTeXPrinter.print(expr) == expected)
    }

    /// Numbers and names.
    static let atoms: [(MatrixExpr, String)] = [
        (num(3), "3"),
        (num(1, 2), #"\frac{1}{2}"#),
        (num(5, 12), #"\frac{5}{12}"#),
        (num(-2), "-2"),
        (num(-1, 2), #"-\frac{1}{2}"#),
        (.number(.invalid), #"\text{overflow}"#),
        (X, "X"),
        (lambda, #"\lambda"#),
        (v("Sigma"), #"\Sigma"#),
        (v("omicron"), "o"),
        (v("W1"), "W_{1}"),
        (v("x_i"), "x_{i}"),
        (v("x_hat"), #"x_{\mathit{hat}}"#),
        (v("a_b_c"), "a_{b_{c}}"),
        (v("lambda2"), #"\lambda_{2}"#),
        (v("lambda_reg"), #"\lambda_{\mathit{reg}}"#),
        (v("res"), #"\mathit{res}"#),
        (v("W1a"), #"\mathit{W1a}"#),
        (v("W1_2"), #"\mathit{W1\_2}"#),
        (.identity(.named("n")), "I_{n}"),
        (.identity(.fixed(3)), "I_{3}"),
        (.ones(.named("m"), .one), #"\mathbf{1}_{m}"#),
        (.ones(.named("m"), .named("n")), #"\mathbf{1}_{m \times n}"#),
        (.ones(.named("k1"), .one), #"\mathbf{1}_{k_{1}}"#),
    ]

    @Test(arguments: atoms)
    func numbersAndNames(expr: MatrixExpr, expected: String) {
        #expect(LaTeXPrinter.print(expr) == expected)
    }

    /// Sums, signs and the product-like operators.
    static let operators: [(MatrixExpr, String)] = [
        (add(A, add(B, C)), "A + B + C"),
        (sub(A, sub(B, C)), #"A - \left(B - C\right)"#),
        (add(a, neg(b)), "a - b"),
        (sub(a, neg(b)), "a + b"),
        (neg(add(A, B)), #"-\left(A + B\right)"#),
        (mul(num(-2), X), "-2 X"),
        (mul(A, neg(B)), "-A B"),
        (mul(A, mul(B, C)), "A B C"),
        (mul(X, num(2)), #"X \cdot 2"#),
        (mul(num(2), num(1, 2)), #"2 \cdot \frac{1}{2}"#),
        (mul(num(1, 2), x), #"\frac{1}{2} x"#),
        (mul(A, add(B, C)), #"A \left(B + C\right)"#),
        (mul(A, div(B, s)), #"A \frac{B}{s}"#),
        (mul(div(B, s), A), #"\frac{B}{s} A"#),
        (had(A, had(B, C)), #"A \odot B \odot C"#),
        (had(mul(A, B), C), #"\left(A B\right) \odot C"#),
        (mul(had(A, B), C), #"\left(A \odot B\right) C"#),
        (ediv(A, B), #"A \oslash B"#),
        (ediv(ediv(A, B), C), #"A \oslash B \oslash C"#),
        (ediv(A, ediv(B, C)), #"A \oslash \left(B \oslash C\right)"#),
        (div(mul(lambda, R), num(2)), #"\frac{\lambda R}{2}"#),
        (div(x, f(.norm2, x)), #"\frac{x}{\left\| x \right\|_F}"#),
        (div(neg(a), add(b, c)), #"-\frac{a}{b + c}"#),
    ]

    @Test(arguments: operators)
    func sumsAndProducts(expr: MatrixExpr, expected: String) {
        #expect(LaTeXPrinter.print(expr) == expected)
    }

    /// Powers, transposes and inverses: superscripts on a single primary.
    static let superscripts: [(MatrixExpr, String)] = [
        (pow(t, 3), "t^{3}"),
        (pow(s, -1), "s^{-1}"),
        (pow(t, Rational(1, 2)), #"\sqrt{t}"#),
        (pow(add(s, t), Rational(1, 2)), #"\sqrt{s + t}"#),
        (pow(t, Rational(1, 3)), "t^{1/3}"),
        (pow(t, Rational(-1, 2)), "t^{-1/2}"),
        (pow(pow(t, Rational(1, 2)), 2), #"\left(\sqrt{t}\right)^{2}"#),
        (pow(pow(t, 2), 3), #"\left(t^{2}\right)^{3}"#),
        (pow(num(-2), 2), #"\left(-2\right)^{2}"#),
        (pow(num(1, 2), 2), #"\left(\frac{1}{2}\right)^{2}"#),
        (pow(div(a, b), 2), #"\left(\frac{a}{b}\right)^{2}"#),
        (epow(X, 2), #"X^{\odot 2}"#),
        (epow(X, -1), #"X^{\odot -1}"#),
        (epow(X, Rational(1, 3)), #"X^{\odot 1/3}"#),
        (epow(sub(XW, Y), 2), #"\left(X W - Y\right)^{\odot 2}"#),
        (tr(X), #"X^{\top}"#),
        (tr(v("W1")), #"W_{1}^{\top}"#),
        (tr(sub(XW, Y)), #"\left(X W - Y\right)^{\top}"#),
        (tr(tr(X)), #"\left(X^{\top}\right)^{\top}"#),
        (tr(neg(X)), #"-X^{\top}"#),
        (tr(f(.inverse, X)), #"\left(X^{-1}\right)^{\top}"#),
        (f(.inverse, X), "X^{-1}"),
        (f(.inverse, add(A, B)), #"\left(A + B\right)^{-1}"#),
    ]

    @Test(arguments: superscripts)
    func powersAndTransposes(expr: MatrixExpr, expected: String) {
        #expect(LaTeXPrinter.print(expr) == expected)
    }

    /// Every function, built in and declared.
    static let functions: [(MatrixExpr, String)] = [
        (f(.trace, XW), #"\operatorname{tr}\left(X W\right)"#),
        (f(.determinant, X), #"\det\left(X\right)"#),
        (f(.logDeterminant, X), #"\log\det\left(X\right)"#),
        (pow(f(.logDeterminant, X), 2), #"\left(\log\det\left(X\right)\right)^{2}"#),
        (f(.sum, X), #"\operatorname{sum}\left(X\right)"#),
        (f(.norm2, x), #"\left\| x \right\|_F"#),
        (f(.diagonalMatrix, v("v")), #"\operatorname{diag}\left(v\right)"#),
        (f(.diagonalVector, M), #"\operatorname{diagv}\left(M\right)"#),
        (ew(.exp, X), #"\exp\left(X\right)"#),
        (ew(.log, X), #"\log\left(X\right)"#),
        (ew(.sin, X), #"\sin\left(X\right)"#),
        (ew(.cos, X), #"\cos\left(X\right)"#),
        (ew(.tanh, X), #"\tanh\left(X\right)"#),
        (ew(.sqrt, XW), #"\sqrt{X W}"#),
        (ew(.abs, X), #"\operatorname{abs}\left(X\right)"#),
        (ew(.sigmoid, XW), #"\operatorname{sigmoid}\left(X W\right)"#),
        (ew(.relu, X), #"\operatorname{relu}\left(X\right)"#),
        (ew(.softplus, X), #"\operatorname{softplus}\left(X\right)"#),
        (f(.declaredElementwise("sigma"), XW), #"\sigma\left(X W\right)"#),
        (f(.declaredElementwiseDerivative("sigma"), XW), #"\sigma'\left(X W\right)"#),
        (f(.declaredScalar("lambda"), X), #"\lambda\left(X\right)"#),
        (f(.declaredScalarGradient("lambda"), X), #"\nabla \lambda\left(X\right)"#),
        (f(.declaredElementwise("act"), X), #"\operatorname{act}\left(X\right)"#),
        (f(.declaredElementwiseDerivative("f1"), X), #"f_{1}'\left(X\right)"#),
        (f(.declaredScalarGradient("loss"), X), #"\nabla \operatorname{loss}\left(X\right)"#),
        (ew(.exp, neg(X)), #"\exp\left(-X\right)"#),
    ]

    @Test(arguments: functions)
    func everyFunction(expr: MatrixExpr, expected: String) {
        #expect(LaTeXPrinter.print(expr) == expected)
    }

    @Test func wellFormednessCheckRejectsBrokenSource() {
        #expect(Self.problem(in: #"\frac{1}{2} X^{\top}"#) == nil)
        #expect(Self.problem(in: "{x") != nil)
        #expect(Self.problem(in: "x}") != nil)
        #expect(Self.problem(in: #"\left(x"#) != nil)
        #expect(Self.problem(in: #"\left(x{\right)}"#) != nil)
        #expect(Self.problem(in: "X^{2}^{3}") != nil)
        #expect(Self.problem(in: "W_{1}_{2}") != nil)
        #expect(Self.problem(in: #"\left\| x \right\|_F^{2}"#) == nil)
    }

    /// On seeded random trees: braces balance, `\left` and `\right` pair up and nest with the
    /// braces, and no base carries two superscripts or two subscripts.
    @Test func randomTreesGiveWellFormedSource() {
        var generator = PrinterTreeGenerator(seed: 2024)
        for index in 0..<400 {
            let expr = generator.expression(depth: 5)
            let latex = LaTeXPrinter.print(expr)
            let problem = Self.problem(in: latex)
            #expect(problem == nil, "tree \(index): \(expr) ⇒ \(latex): \(problem ?? "")")
        }
    }

    /// What is wrong with `latex` as math-mode source, or `nil`.
    static func problem(in latex: String) -> String? {
        enum Opening { case brace(script: Character?), left }
        var stack: [Opening] = []
        var characters = Array(latex)[...]
        // The script that just ended (`^` or `_`), which the next character must not repeat.
        var closedScript: Character?
        var pendingScript: Character?
        while let character = characters.popFirst() {
            let justClosed = closedScript
            closedScript = nil
            switch character {
            case "\\":
                var command = ""
                while let next = characters.first, next.isLetter {
                    command.append(next)
                    characters.removeFirst()
                }
                if command.isEmpty, let escaped = characters.popFirst() { command = String(escaped) }
                if command == "left" || command == "right" {
                    // The delimiter: `(`, `)` or `\|`.
                    guard let delimiter = characters.popFirst() else { return "\\\(command) without a delimiter" }
                    if delimiter == "\\" { characters.removeFirst() }
                    if command == "left" {
                        stack.append(.left)
                    } else {
                        guard case .left? = stack.popLast() else { return "\\right without \\left" }
                    }
                }
            case "{":
                stack.append(.brace(script: pendingScript))
            case "}":
                guard case .brace(let script)? = stack.popLast() else { return "unbalanced }" }
                closedScript = script
            case "^", "_":
                if justClosed == character { return "double \(character)" }
                if characters.first == "{" {
                    pendingScript = character
                    continue
                }
                // A one-character script such as `_F`.
                guard characters.popFirst() != nil else { return "empty \(character)" }
                closedScript = character
            default:
                break
            }
            pendingScript = nil
        }
        return stack.isEmpty ? nil : "unclosed group"
    }
}
