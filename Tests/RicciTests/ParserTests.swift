// The parser: input ⇒ plain form, canonical round trips, positioned errors, robustness.

import Testing
@testable import Ricci

/// A test input with position markers (`1️⃣`, `2️⃣`, …) written inline, as swift-syntax's
/// tests mark diagnostics: the markers are removed, and their character offsets kept.
struct MarkedSource {
    /// The input without its markers.
    let text: String
    /// The character offset in ``text`` of each marker.
    let markers: [String: Int]

    static let markerNames: Set<Character> = ["1️⃣", "2️⃣", "3️⃣"]

    init(_ marked: String) {
        var characters: [Character] = []
        var markers: [String: Int] = [:]
        for character in marked {
            if Self.markerNames.contains(character) {
                markers[String(character)] = characters.count
            } else {
                characters.append(character)
            }
        }
        text = String(characters)
        self.markers = markers
    }
}

@Suite struct ParserTests {
    static let functions = RandomExpressions.functions

    static func parse(_ text: String) throws -> MatrixExpr {
        try Parser.parse(text, functions: functions).expression
    }

    // MARK: Input ⇒ plain form

    /// Every construct of the grammar, one per line: input ⇒ `PlainPrinter.print` of the parse.
    static let plainCases: [(String, String)] = [
        // Sums and terms, left-associative; whitespace free.
        ("X*W", "X*W"),
        ("  X  *\tW ", "X*W"),
        ("X+Y-Z", "X + Y - Z"),
        ("X-(Y-Z)", "X - (Y - Z)"),
        ("X*W*Y", "X*W*Y"),
        ("X*(W*Y)", "X*(W*Y)"),
        ("A.*B./C", "A.*B./C"),
        ("A⊙B", "A.*B"),
        ("A − B", "A - B"),
        ("X/alpha", "X/alpha"),
        ("X*1/2", "X*1/2"),
        ("(X + Y)*(X - Y)", "(X + Y)*(X - Y)"),
        ("X + (Y + Z)", "X + (Y + Z)"),
        ("2.*X", "2.*X"),
        ("2./X", "2./X"),
        // Numbers: exact, folded only as the canonical form requires.
        ("2", "2"),
        ("0.5*X", "1/2*X"),
        (".5*X", "1/2*X"),
        ("0.125", "1/8"),
        ("007", "7"),
        ("1/2*X", "1/2*X"),
        ("X*(1/2)", "X*(1/2)"),
        ("2/4", "1/2"),
        ("1/2/3", "1/6"),
        ("(1/2)/3", "1/6"),
        ("-1/2", "-1/2"),
        ("2/-4", "-1/2"),
        ("2*3", "2*3"),
        ("2 - 3", "2 - 3"),
        ("-2*X", "-2*X"),
        ("X*(-2)", "X*(-2)"),
        ("X*-2", "X*(-2)"),
        ("X + -2", "X + (-2)"),
        ("-(2)", "-(2)"),
        ("-(1/2)", "-(1/2)"),
        ("--2", "-(-2)"),
        ("-2^2", "-2^2"),
        ("(-2)^2", "(-2)^2"),
        ("-2'", "-2'"),
        ("-0", "0"),
        // Negation.
        ("-X", "-X"),
        ("--X", "-(-X)"),
        ("-(X + Y)", "-(X + Y)"),
        ("X + (-W)", "X + (-W)"),
        ("-X'", "-X'"),
        ("-y.*(X*w)", "-y.*(X*w)"),
        // Transposes.
        ("X'", "X'"),
        ("Xᵀ", "X'"),
        ("X^T", "X'"),
        ("X ^ T", "X'"),
        ("X''", "X''"),
        ("X^T^T", "X''"),
        ("Xᵀ'", "X''"),
        ("(X*W)'", "(X*W)'"),
        ("(X*W)ᵀ", "(X*W)'"),
        ("X^T*Y", "X'*Y"),
        // Powers.
        ("t^2", "t^2"),
        ("t^0.5", "t^0.5"),
        ("t^-1", "t^(-1)"),
        ("t^(-1)", "t^(-1)"),
        ("t^-0.5", "t^(-1/2)"),
        ("t^(1/3)", "t^(1/3)"),
        ("t^(-1/2)", "t^(-1/2)"),
        ("t^(2*3)", "t^6"),
        ("t^(2^-1)", "t^0.5"),
        ("X.^2", "X.^2"),
        ("X.^(1/3)", "X.^(1/3)"),
        ("X'^2", "X'^2"),
        ("(X.^2)'", "(X.^2)'"),
        ("(t^2)^3", "(t^2)^3"),
        ("(a'*X*b)^0.5", "(a'*X*b)^0.5"),
        // Functions.
        ("tr(X*X')", "tr(X*X')"),
        ("det(A)", "det(A)"),
        ("logdet(S)", "logdet(S)"),
        ("inv(A + B)", "inv(A + B)"),
        ("sum(X)", "sum(X)"),
        ("norm2(A*x - b)^2", "norm2(A*x - b)^2"),
        ("diagm(x)", "diagm(x)"),
        ("diagv(A)'*b", "diagv(A)'*b"),
        ("exp(X) + log(X) + sin(X) + cos(X)", "exp(X) + log(X) + sin(X) + cos(X)"),
        ("tanh(X).*sqrt(X)./abs(X)", "tanh(X).*sqrt(X)./abs(X)"),
        ("sigmoid(X) - relu(X) - softplus(X)", "sigmoid(X) - relu(X) - softplus(X)"),
        ("sigma(X*W)", "sigma(X*W)"),
        ("sigma'(X*W)", "sigma'(X*W)"),
        ("lambda(X)", "lambda(X)"),
        ("grad_lambda(X)", "grad_lambda(X)"),
        ("I(3)", "I(3)"),
        ("I(n)*x", "I(n)*x"),
        ("ones(m)", "ones(m)"),
        ("ones(m, 1)", "ones(m)"),
        ("ones(m,n)", "ones(m,n)"),
        ("ones(1, n)", "ones(1,n)"),
        ("tr( X )", "tr(X)"),
        // Functions and constants of part 2.
        ("sum(X, 1) + sum(X, 2)' + mean(X) + mean(X, 1) + mean(X, 2)'",
         "sum(X, 1) + sum(X, 2)' + mean(X) + mean(X, 1) + mean(X, 2)'"),
        ("norm1(x) + logsumexp(x) + numel(X) + size(X, 1) + size(X,2)",
         "norm1(x) + logsumexp(x) + numel(X) + size(X, 1) + size(X, 2)"),
        ("softmax(W*x)", "softmax(W*x)"),
        ("max(X, 0) - min(X,Y)", "max(X, 0) - min(X, Y)"),
        ("kron(A, B)*vec(X)", "kron(A, B)*vec(X)"),
        ("pinv(A)*commutation(m, n)", "pinv(A)*commutation(m,n)"),
        ("sign(x) + step(x) + tan(x) + asin(x) + acos(x) + atan(x) + sinh(x) + cosh(x) + log1p(x)",
         "sign(x) + step(x) + tan(x) + asin(x) + acos(x) + atan(x) + sinh(x) + cosh(x) + log1p(x)"),
        ("trace(A) + diag(A)'*diag(x)*b", "tr(A) + diag(A)'*diag(x)*b"),
        ("eye(n) + zeros(n,n) - zeros(n) * ones(n)'", "I(n) + zeros(n,n) - zeros(n)*ones(n)'"),
        ("ones() + zeros() - I() - eye()", "ones() + zeros() - I() - I()"),
        // Powers by expressions, matrix powers.
        ("X^3 + X^-1 + X^0", "X^3 + X^(-1) + X^0"),
        ("s^t", "s^t"),
        ("s^t*u", "s^t*u"),
        ("s^(t + 1)", "s^(t + 1)"),
        ("s^-t", "s^(-t)"),
        ("X.^alpha", "X.^alpha"),
        ("X.^(2*alpha)", "X.^(2*alpha)"),
        ("s^(T)", "s^(T)"),
        ("s^(t')", "s^(t')"),
        ("s^Tx", "s^Tx"),
        ("2^(2^(1/2))", "2^(2^0.5)"),
        // Names: Greek and other Unicode letters, digits, underscores.
        ("λ*X", "λ*X"),
        ("Σ'", "Σ'"),
        ("alpha*W1 + beta_2*x_1", "alpha*W1 + beta_2*x_1"),
        ("T*Tx", "T*Tx"),
        ("X^T*T", "X'*T"),
        // The seed examples.
        ("tr((X*W - Y)*(X*W - Y)')", "tr((X*W - Y)*(X*W - Y)')"),
        ("2*X'*(X*W - Y)", "2*X'*(X*W - Y)"),
        ("0.5*norm2(A'*(J + R)'*(J + R)*A - D)^2 + 0.5*alpha*norm2(R)^2",
         "1/2*norm2(A'*(J + R)'*(J + R)*A - D)^2 + 1/2*alpha*norm2(R)^2"),
        ("-sum(y.*log(sigmoid(X*w)) + (ones(m) - y).*log(ones(m) - sigmoid(X*w)))",
         "-sum(y.*log(sigmoid(X*w)) + (ones(m) - y).*log(ones(m) - sigmoid(X*w)))"),
        ("d'*x*(a'*X*b)^0.5*y'*c", "d'*x*(a'*X*b)^0.5*y'*c"),
    ]

    @Test(arguments: plainCases)
    func parsesToPlainForm(input: String, expected: String) throws {
        let parsed = try Self.parse(input)
        #expect(PlainPrinter.print(parsed) == expected, "input: \(input)")
        #expect(try Self.parse(PlainPrinter.print(parsed)) == parsed, "round trip of \(input)")
    }

    // MARK: Exact trees

    static let x = MatrixExpr.variable("x"), X = MatrixExpr.variable("X")

    /// The canonical conventions, as values: the printer's output parses back to them.
    static let treeCases: [(String, MatrixExpr)] = [
        ("-2", .number(-2)),
        ("-(2)", .negate(.number(2))),
        ("-2^2", .negate(.power(.number(2), 2))),
        ("(-2)^2", .power(.number(-2), 2)),
        ("-2'", .negate(.transpose(.number(2)))),
        ("1/2", .number(Rational(1, 2))),
        ("-1/2*X", .multiply(.number(Rational(-1, 2)), X)),
        ("X*(1/2)", .multiply(X, .number(Rational(1, 2)))),
        ("X*1/2", .divide(.multiply(X, .number(1)), .number(2))),
        ("X*(-2)", .multiply(X, .number(-2))),
        ("2/(-(3))", .divide(.number(2), .negate(.number(3)))),
        ("x^2", .power(x, 2)),
        ("x^0.5", .power(x, Rational(1, 2))),
        ("x^(-1)", .power(x, -1)),
        ("X.^(1/3)", .elementwisePower(X, Rational(1, 3))),
        ("X^T", .transpose(X)),
        ("ones(m)", .ones(.named("m"), .one)),
        ("ones(2,n)", .ones(.fixed(2), .named("n"))),
        ("I(3)", .identity(.fixed(3))),
        ("sigma'(X)", .apply(.declaredElementwiseDerivative("sigma"), X)),
        ("grad_lambda(X)", .apply(.declaredScalarGradient("lambda"), X)),
        ("lambda(X)", .apply(.declaredScalar("lambda"), X)),
        ("sigma(X)", .apply(.declaredElementwise("sigma"), X)),
        ("exp(X)", .apply(.elementwise(.exp), X)),
        ("X - Y - Z", .subtract(.subtract(X, .variable("Y")), .variable("Z"))),
        ("X*W - Y", .subtract(.multiply(X, .variable("W")), .variable("Y"))),
    ]

    @Test(arguments: treeCases)
    func parsesToTree(input: String, expected: MatrixExpr) throws {
        #expect(try Self.parse(input) == expected)
        #expect(try Self.parse(PlainPrinter.print(expected)) == expected)
    }

    /// The printer's documented outputs parse back to the values printed.
    @Test func printerOutputsParseBack() throws {
        let X = Self.X
        let values: [MatrixExpr] = [
            .multiply(X, .number(Rational(1, 2))), .multiply(X, .number(-2)), .power(.number(-2), 2),
            .power(.variable("t"), Rational(1, 2)), .power(.variable("t"), -1),
            .elementwisePower(X, Rational(1, 3)), .ones(.named("m"), .one), .identity(.fixed(3)),
            .apply(.declaredElementwiseDerivative("sigma"), X), .apply(.declaredScalarGradient("lambda"), X),
            .negate(.number(2)), .negate(.power(.number(2), 2)), .negate(.negate(X)),
            .add(X, .negate(.variable("W"))), .transpose(.elementwisePower(X, 2)),
            .divide(.multiply(X, .number(2)), .number(3)), .add(X, .number(Rational(-1, 2))),
            .hadamard(.number(Rational(1, 2)), .number(3)), .elementwisePower(.number(2), 2),
        ]
        for value in values {
            let text = PlainPrinter.print(value)
            #expect(try Self.parse(text) == value, "\(text)")
        }
    }

    // MARK: Source map

    @Test func sourceMapListsRangesInPreorder() throws {
        let parsed = try Parser.parse("tr((X*W - Y)*(X*W - Y)')")
        let texts = (0..<parsed.sourceMap.count).compactMap {
            parsed.sourceMap.range(atPreorderIndex: $0).map(parsed.text(in:))
        }
        #expect(texts == [
            "tr((X*W - Y)*(X*W - Y)')", "(X*W - Y)*(X*W - Y)'", "X*W - Y", "X*W", "X", "W", "Y",
            "(X*W - Y)'", "X*W - Y", "X*W", "X", "W", "Y",
        ])
        #expect(parsed.sourceMap.range(atPreorderIndex: 3) == SourceRange(4, 7))
        #expect(parsed.sourceMap.range(atPreorderIndex: 13) == nil)
        #expect(parsed.sourceMap.range(atPreorderIndex: -1) == nil)
    }

    @Test func foldedLiteralsAreOneLeafCoveringTheirText() throws {
        let parsed = try Parser.parse("-1/2*λᵀ + ones(m)")
        let texts = (0..<parsed.sourceMap.count).compactMap {
            parsed.sourceMap.range(atPreorderIndex: $0).map(parsed.text(in:))
        }
        #expect(texts == ["-1/2*λᵀ + ones(m)", "-1/2*λᵀ", "-1/2", "λᵀ", "λ", "ones(m)"])
    }

    // MARK: Errors

    /// Inputs with the expected error position marked `1️⃣`, and a fragment of the message.
    static let errorCases: [(String, String)] = [
        ("tr(A*(x'1️⃣", "unexpected end of input, expected ')'"),
        ("1️⃣", "empty expression"),
        ("1️⃣   ", "empty expression"),
        ("(X + Y1️⃣", "unexpected end of input, expected ')'"),
        ("tr(X1️⃣", "unexpected end of input, expected ')'"),
        ("ones(m1️⃣", "unexpected end of input, expected ')'"),
        ("X + Y1️⃣)", "unmatched ')'"),
        ("(X)1️⃣)", "unmatched ')'"),
        ("X + 1️⃣* Y", "unexpected '*', expected an expression"),
        ("X *1️⃣", "unexpected end of input, expected an expression"),
        ("-1️⃣", "unexpected end of input, expected an expression"),
        ("(1️⃣)", "unexpected ')', expected an expression"),
        ("X 1️⃣Y", "unexpected 'Y', expected an operator or the end of the expression"),
        ("2 1️⃣X", "unexpected 'X'"),
        ("2 1️⃣(Y)", "unexpected '('"),
        ("1️⃣X (Y)", "unknown function 'X'"),
        ("(X 1️⃣Y)", "unexpected 'Y', expected an operator or ')'"),
        ("tr(X 1️⃣Y)", "unexpected 'Y', expected an operator, ',' or ')'"),
        ("X + 1️⃣$", "unknown character '$'"),
        ("X1️⃣.", "unknown character '.'"),
        ("X1️⃣.5", "unexpected '.5'"),
        ("λ + 1️⃣ᵀ", "unexpected 'ᵀ', expected an expression"),
        ("X1️⃣²", "unknown character '²'"),
        ("1️⃣99999999999999999999*X", "number 99999999999999999999 is too large"),
        ("X + 1️⃣0.00000000000000000001", "too large or too precise"),
        ("1/1️⃣0", "division by zero"),
        ("2/(1️⃣0)", "division by zero"),
        ("X^1️⃣", "unexpected end of input, expected an exponent"),
        ("x^21️⃣^3", "write (x^2)^3"),
        ("x^21️⃣'", "(x^2)'"),
        ("x.^21️⃣ᵀ", "(x^2)'"),
        ("1️⃣foo(X)", "declare your own entry-wise function with --func foo:elementwise, or a scalar function of a matrix with --func foo:scalar"),
        ("1️⃣expm(X)", "expm (the matrix exponential) is not a function of the language, and declaring it entry-wise would mean something else"),
        ("1️⃣transpose(X)", "unknown function 'transpose': write the transpose as X'"),
        ("sum(X, 1️⃣3)", "the axis '3' in sum(X, d) must be 1 (down the columns) or 2 (along the rows)"),
        ("1️⃣size(X)", "size takes 2 arguments, got 1"),
        ("1️⃣max(X)", "max takes 2 arguments, got 1"),
        ("1️⃣commutation(m)", "commutation takes 2 arguments, got 1"),
        ("2*1️⃣X(1)", "unknown function 'X'"),
        ("1️⃣tr(X, Y)", "tr takes 1 argument, got 2"),
        ("1️⃣tr()", "tr takes 1 argument, got 0"),
        ("1️⃣sigma(X, Y)", "sigma takes 1 argument, got 2"),
        ("1️⃣I(m, n)", "I takes 0 or 1 arguments, got 2"),
        ("1️⃣ones(m, n, k)", "ones takes 0, 1 or 2 arguments, got 3"),
        ("I(1️⃣0)", "the size '0' in I(…) must be a dimension name or a positive integer"),
        ("I(1️⃣2.5)", "the size '2.5'"),
        ("ones(m, 1️⃣-1)", "the size '-1'"),
        ("ones(1️⃣(m))", "the size '('"),
        ("ones(m1️⃣+1)", "unexpected '+', expected ',' or ')'"),
        ("I(1️⃣", "unexpected end of input, expected a dimension name or a positive integer"),
        ("1️⃣tr + X", "'tr' is a function: write tr(…)"),
        ("X + 1️⃣sigma", "'sigma' is a function"),
        ("1️⃣I*X", "'I' is a function"),
        ("1️⃣grad_lambda'", "'grad_lambda' is a function"),
        ("1️⃣exp'(X)", "not built-in ones"),
        ("1️⃣lambda'(X)", "its gradient is written grad_lambda(…)"),
        ("1️⃣grad_sigma(X)", "its derivative is written sigma'(…)"),
        ("1️⃣grad_foo(X)", "--func foo:scalar"),
        ("1️⃣x'(y)", "--func x:elementwise"),
        ("tr(1️⃣foo(X))", "unknown function 'foo'"),
    ]

    @Test(arguments: errorCases)
    func reportsErrorAtMarker(marked: String, fragment: String) {
        let source = MarkedSource(marked)
        let error = #expect(throws: ParseError.self) {
            try Parser.parse(source.text, functions: Self.functions)
        }
        guard let error else { return }
        #expect(error.message.contains(fragment), "message: \(error.message)")
        #expect(error.range?.lowerBound == source.markers["1️⃣"], "range \(String(describing: error.range)) in \(source.text)")
        #expect(error.category == .badInput)
    }

    @Test func rendersCaretUnderTheEndOfInput() throws {
        let error = try #require(throws: ParseError.self) { try Parser.parse("tr(A*(x'") }
        #expect(error.range == SourceRange(8, 8))
        #expect(error.rendered(source: "tr(A*(x'") == """
            error: unexpected end of input, expected ')'
              tr(A*(x'
                      ^
            """)
    }

    @Test func rangesCountCharactersNotBytes() throws {
        let error = try #require(throws: ParseError.self) { try Parser.parse("λᵀ*Σ $") }
        #expect(error.range == SourceRange(5, 6))
    }

    // MARK: Depth

    @Test(arguments: [
        String(repeating: "(", count: 300) + "x" + String(repeating: ")", count: 300),
        String(repeating: "-", count: 300) + "x",
        String(repeating: "tr(", count: 300) + "X" + String(repeating: ")", count: 300),
        "2^(" + String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 301),
    ])
    func refusesDeepNesting(input: String) {
        let error = #expect(throws: ParseError.self) { try Parser.parse(input) }
        #expect(error?.kind == .nestedTooDeeply(limit: Parser.maximumDepth))
    }

    /// Flat chains are not nesting: only their length is bounded, far above nesting's limit.
    @Test(arguments: [
        Array(repeating: "x", count: 10_000).joined(separator: " + "),
        Array(repeating: "A", count: 10_000).joined(separator: "*"),
        "x" + String(repeating: "'", count: 10_000),
    ])
    func acceptsLongFlatChains(input: String) throws {
        let parsed = try Parser.parse(input)
        #expect(parsed.sourceMap.count >= 10_000)
    }

    @Test func refusesChainsBeyondTheHeightLimit() {
        let input = Array(repeating: "x", count: Parser.maximumHeight + 2).joined(separator: "+")
        let error = #expect(throws: ParseError.self) { try Parser.parse(input) }
        #expect(error?.kind == .tooLong(limit: Parser.maximumHeight))
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let depth = Parser.maximumDepth - 1
        let input = String(repeating: "(", count: depth) + "x" + String(repeating: ")", count: depth)
        #expect(try Parser.parse(input).expression == Self.x)
        let sum = Array(repeating: "x", count: Parser.maximumDepth).joined(separator: "+")
        #expect(try Parser.parse(sum).sourceMap.count == 2 * Parser.maximumDepth - 1)
    }

    // MARK: Properties

    /// Canonical random expressions print and parse back to themselves.
    @Test(arguments: 0..<400)
    func randomExpressionsRoundTrip(seed: Int) throws {
        let expression = RandomExpressions.canonical(depth: 1 + seed % 6, seed: UInt64(seed))
        let text = PlainPrinter.print(expression)
        let parsed = try Parser.parse(text, functions: Self.functions)
        #expect(parsed.expression == expression, "seed \(seed): \(text)")
        #expect(parsed.sourceMap.count == Self.nodeCount(expression), "seed \(seed): \(text)")
    }

    /// Well-shaped random expressions round-trip too.
    @Test(arguments: 0..<100)
    func wellShapedExpressionsRoundTrip(seed: Int) throws {
        let shape = RandomExpressions.shapes[seed % RandomExpressions.shapes.count]
        let expression = RandomExpressions.wellShaped(shape, depth: 5, seed: UInt64(seed))
        let text = PlainPrinter.print(expression)
        #expect(try Parser.parse(text, functions: Self.functions).expression == expression, "seed \(seed): \(text)")
    }

    static func nodeCount(_ expression: MatrixExpr) -> Int {
        1 + expression.children.reduce(0) { $0 + nodeCount($1) }
    }

    /// Pieces of the language and junk, for random strings.
    static let alphabet: [String] = [
        "X", "W", "x", "y", "λ", "alpha", "T", "2", "0.5", ".5", "1", "0", "10", "(", "(", ")", ")",
        ",", "+", "-", "−", "*", "/", ".*", "./", "^", ".^", "'", "ᵀ", "^T", "⊙", "tr", "ones", "I",
        "sigma", "sigma'", "grad_lambda", "lambda", "exp", "inv", " ", " ", "\t", "$", ".", "é",
        "²", "_", "99999999999999999999", "\u{301}", "🙂", "\n",
    ]

    /// A random string: pieces of the alphabet and printable ASCII, or the printed form of a
    /// random expression with a few characters deleted, inserted or replaced, which gets
    /// deeper into the grammar than junk does.
    static func randomString(_ random: inout SplitMix64) -> String {
        let randomPiece = { (random: inout SplitMix64) -> String in
            random.chance(85)
                ? random.pick(Self.alphabet)
                : String(Character(Unicode.Scalar(UInt8(32 + random.below(95)))))
        }
        if random.chance(50) {
            return (0..<random.below(24)).map { _ in randomPiece(&random) }.joined()
        }
        var generator = RandomExpressions(seed: random.next())
        var characters = Array(PlainPrinter.print(generator.canonical(depth: 4)))
        for _ in 0..<random.below(4) {
            let position = random.below(characters.count + 1)
            switch random.below(3) {
            case 0 where position < characters.count:
                characters.remove(at: position)
            case 1 where position < characters.count:
                characters.replaceSubrange(position...position, with: Array(randomPiece(&random)))
            default:
                characters.insert(contentsOf: Array(randomPiece(&random)), at: position)
            }
        }
        return String(characters)
    }

    /// Random strings over the language's alphabet either parse, to canonical expressions
    /// whose ranges lie in the input, or throw a `ParseError` pointing into the input; the
    /// shape checker then succeeds or throws a `ShapeError`. Nothing crashes or hangs.
    @Test(arguments: 0..<40)
    func randomStringsParseOrThrow(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed) &* 7919)
        var parsedCount = 0
        for trial in 0..<100 {
            let text = Self.randomString(&random)
            let count = text.count
            let parsed: ParsedExpression
            do {
                parsed = try Parser.parse(text, functions: Self.functions)
            } catch let error as ParseError {
                let range = try #require(error.range)
                #expect(range.lowerBound >= 0 && range.upperBound <= count,
                        "seed \(seed) trial \(trial): \(text.debugDescription) \(range)")
                continue
            } catch {
                Issue.record("seed \(seed) trial \(trial): \(text.debugDescription) threw \(error)")
                continue
            }
            parsedCount += 1
            let printed = PlainPrinter.print(parsed.expression)
            #expect(try Parser.parse(printed, functions: Self.functions).expression == parsed.expression,
                    "seed \(seed) trial \(trial): \(text.debugDescription) printed \(printed)")
            #expect(parsed.sourceMap.count == Self.nodeCount(parsed.expression))
            for index in 0..<parsed.sourceMap.count {
                let range = try #require(parsed.sourceMap.range(atPreorderIndex: index))
                #expect(range.lowerBound >= 0 && range.upperBound <= count)
            }
            do {
                let checked = try CheckedExpression(
                    parsed, declarations: RandomExpressions.declarations)
                #expect(try checked.environment.shape(of: checked.expression) == checked.shape,
                        "seed \(seed) trial \(trial): \(text.debugDescription)")
            } catch is ShapeError {
                continue
            } catch {
                Issue.record("seed \(seed) trial \(trial): \(text.debugDescription) threw \(error)")
            }
        }
        // The mix reaches both outcomes: the round trip above is not vacuous.
        #expect(parsedCount >= 3 && parsedCount <= 97, "seed \(seed): \(parsedCount) of 100 parsed")
    }
}
