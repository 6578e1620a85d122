// Shape checking and inference: shapes, inferred variables, and positioned shape errors.

// Scoped imports: Foundation's `Dimension` would hide Ricci's.
import class Foundation.Bundle
import struct Foundation.Data
import class Foundation.JSONSerialization
import Testing
@testable import Ricci

@Suite struct ShapeInferenceTests {
    /// Declarations written as `--var` texts, and `func NAME:KIND` for `--func` texts.
    static func declarations(_ texts: [String]) throws -> Declarations {
        let functionPrefix = "func "
        return try Declarations(
            parsingVariables: texts.filter { !$0.hasPrefix(functionPrefix) },
            functions: texts.filter { $0.hasPrefix(functionPrefix) }.map { String($0.dropFirst(functionPrefix.count)) })
    }

    /// Every variable of an environment as `name: shape`, sorted by name.
    static func summary(_ environment: Environment) -> String {
        environment.variables.values.sorted { $0.name < $1.name }
            .map { "\($0.name): \($0.shape)" }.joined(separator: ", ")
    }

    // MARK: Inference

    /// input, declarations ⇒ the expression's shape, and every variable's shape.
    static let cases: [(String, [String], String, String)] = [
        ("tr((X*W - Y)*(X*W - Y)')", [], "scalar", "W: n×k, X: m×n, Y: m×k"),
        ("norm2(A*x - b)^2", [], "scalar", "A: m×n, b: m, x: n"),
        ("X*W", ["X:m,k"], "m×n", "W: k×n, X: m×k"),
        ("X*W", ["Z:p,q"], "m×k", "W: n×k, X: m×n, Z: p×q"),
        ("a'*X*b", [], "scalar", "X: m×n, a: m, b: n"),
        ("x*x'", [], "m×m", "x: m"),
        ("x*y'", [], "m×n", "x: m, y: n"),
        ("x'*y", [], "scalar", "x: m, y: m"),
        ("alpha*X + beta*Y", [], "m×n", "X: m×n, Y: m×n, alpha: scalar, beta: scalar"),
        ("λ*x", [], "m", "x: m, λ: scalar"),
        ("α*β", [], "scalar", "α: scalar, β: scalar"),
        ("lambda_reg*W1", [], "m×n", "W1: m×n, lambda_reg: scalar"),
        ("Sigma*x", [], "m", "Sigma: m×n, x: n"),
        ("Λ + Λ'", [], "m×m", "Λ: m×m"),
        ("2*X'*(X*W - Y)", [], "n×k", "W: n×k, X: m×n, Y: m×k"),
        ("tr(S*X) - logdet(X)", ["S:n,n:spd", "X:n,n:spd"], "scalar", "S: n×n, X: n×n"),
        ("R + Y", ["R:1,n"], "m×n", "R: 1×n, Y: m×n"),
        ("r*y", ["r:1,n"], "scalar", "r: 1×n, y: n"),
        ("y*r", ["r:1,n"], "m×n", "r: 1×n, y: m"),
        ("sum(log(exp(-y.*(X*w)) + ones(m)))", [], "scalar", "X: m×n, w: n, y: m"),
        ("diagm(x)", [], "m×m", "x: m"),
        ("diagv(A)", [], "m", "A: m×m"),
        ("inv(A)*b", [], "m", "A: m×m, b: m"),
        ("det(A) + tr(B)", [], "scalar", "A: m×m, B: n×n"),
        ("I(3)*x", [], "3", "x: 3"),
        ("ones(2,3)", [], "2×3", ""),
        ("ones(m)'*x + ones(n)'*y", [], "scalar", "x: m, y: n"),
        ("X*ones(n)", ["X:m,n"], "m", "X: m×n"),
        ("X*y", ["X:3,4"], "3", "X: 3×4, y: 4"),
        ("c*X", ["c:"], "m×n", "X: m×n, c: scalar"),
        ("x + y", ["y:n"], "n", "x: n, y: n"),
        ("A*m", [], "n", "A: n×k, m: k"),
        ("x", ["A:m,n", "B:k,p", "C:q,r", "D:s,t", "E:l,l"], "d1",
         "A: m×n, B: k×p, C: q×r, D: s×t, E: l×l, x: d1"),
        ("alpha^2 + 1", [], "scalar", "alpha: scalar"),
        ("X.^2 + X", [], "m×n", "X: m×n"),
        ("X./2 - 1./X", [], "m×n", "X: m×n"),
        ("2.*X", [], "m×n", "X: m×n"),
        ("(a'*X*b)^0.5", [], "scalar", "X: m×n, a: m, b: n"),
        ("x/alpha", [], "m", "alpha: scalar, x: m"),
        ("-x'", [], "1×m", "x: m"),
        ("sigma(X)", ["func sigma:elementwise"], "m×n", "X: m×n"),
        ("sigma'(x).*x", ["func sigma:elementwise"], "m", "x: m"),
        ("lambda(X)", ["func lambda:scalar"], "scalar", "X: m×n"),
        ("grad_lambda(X)", ["func lambda:scalar"], "m×n", "X: m×n"),
        ("0.5*norm2(A'*(J + R)'*(J + R)*A - D)^2 + 0.5*lambda*norm2(R)^2",
         ["J:m,n", "R:m,n", "A:n,k", "D:k,k:symmetric", "lambda:"], "scalar",
         "A: n×k, D: k×k, J: m×n, R: m×n, lambda: scalar"),
        ("tr(sigmoid(W*X)'*M*sigmoid(W*X))", [], "scalar", "M: m×m, W: m×n, X: n×k"),
        // Broadcasting.
        ("W*X + b", [], "m×k", "W: m×n, X: n×k, b: m"),
        ("1 + exp(x)", [], "m", "x: m"),
        ("1 - y", [], "m", "y: m"),
        ("X - mu'", ["X:n,d"], "n×d", "X: n×d, mu: d"),
        ("a + b'", [], "m×n", "a: m, b: n"),
        ("X .* w'", [], "m×n", "X: m×n, w: n"),
        ("max(X*w, 0)", [], "m", "X: m×n, w: n"),
        // Kinds decided by the use.
        ("x - mu", [], "m", "mu: m, x: m"),
        ("(x - mu)'*inv(S)*(x - mu)", [], "scalar", "S: m×m, mu: m, x: m"),
        ("norm2(X*theta - y)^2", [], "scalar", "X: m×n, theta: n, y: m"),
        ("n/2*logdet(S) + 0.5*tr(inv(S)*X'*X)", [], "scalar", "S: m×m, X: k×m, n: scalar"),
        ("(y - w'*x)^2", [], "scalar", "w: m, x: m, y: scalar"),
        ("x - mean(x)", [], "m", "x: m"),
        // Functions of part 2.
        ("sum(X, 1)", [], "1×n", "X: m×n"),
        ("sum(X, 2)'*A*sum(X, 2)", [], "scalar", "A: m×m, X: m×n"),
        ("mean(X, 2)", [], "m", "X: m×n"),
        ("softmax(W*x)", [], "m", "W: m×n, x: n"),
        ("logsumexp(X) + norm1(x) + numel(X) + size(X, 2)", [], "scalar", "X: m×n, x: k"),
        ("X^3", [], "m×m", "X: m×m"),
        ("X^-1*y", [], "m", "X: m×m, y: m"),
        ("alpha^beta + x.^alpha", [], "m", "alpha: scalar, beta: scalar, x: m"),
        ("pinv(A)", [], "n×m", "A: m×n"),
        ("kron(A, B)", ["A:m,n", "B:p,q"], "(m·p)×(n·q)", "A: m×n, B: p×q"),
        ("vec(X)", ["X:m,n"], "(n·m)", "X: m×n"),
        ("vec(X)'*kron(B, A)*vec(X)", ["X:m,n", "A:m,m", "B:n,n"], "scalar", "A: m×m, B: n×n, X: m×n"),
        ("commutation(m, n)*vec(X)", ["X:m,n"], "(m·n)", "X: m×n"),
        ("diag(x)", [], "m×m", "x: m"),
        ("diag(A)", [], "m", "A: m×m"),
        ("trace(A) + sum(eye(n)) + sum(zeros(2, 3))", [], "scalar", "A: m×m"),
        // Size-less constants.
        ("x + ones()", [], "m", "x: m"),
        ("X*ones()", ["X:m,n"], "m", "X: m×n"),
        ("ones()'*X", ["X:m,n"], "1×n", "X: m×n"),
        ("tr((X - eye())'*A*(X - eye()))", [], "scalar", "A: m×m, X: m×m"),
        ("sum(max(X*w, zeros()))", [], "scalar", "X: m×n, w: n"),
        ("2*ones() - x", [], "m", "x: m"),
    ]

    /// Size-less constants take the size of what they meet, and the checked expression
    /// writes it.
    @Test(arguments: [
        ("x + ones()", "x + ones(m)"),
        ("X*ones()", "X*ones(n)"),
        ("ones()'*X", "ones(m)'*X"),
        ("tr((X - eye())'*A*(X - eye()))", "tr((X - I(m))'*A*(X - I(m)))"),
        ("sum(max(X*w, zeros()))", "sum(max(X*w, zeros(m)))"),
        ("diag(x) + diag(diag(A))", "diagm(x) + diagm(diagv(A))"),
    ])
    func resolvesSizelessConstantsAndDiag(input: String, resolved: String) throws {
        let checked = try CheckedExpression(parsing: input)
        #expect(PlainPrinter.print(checked.expression) == resolved)
    }

    @Test(arguments: cases)
    func infersShapes(input: String, declared: [String], shape: String, variables: String) throws {
        let checked = try CheckedExpression(parsing: input, declarations: try Self.declarations(declared))
        #expect(checked.shape.description == shape, "\(input)")
        #expect(Self.summary(checked.environment) == variables, "\(input)")
        #expect(try checked.environment.shape(of: checked.expression) == checked.shape, "\(input)")
        // Checking the bare expression again gives the same result.
        let again = try CheckedExpression(checked.expression, declarations: try Self.declarations(declared))
        #expect(again.shape == checked.shape && again.environment == checked.environment, "\(input)")
        #expect(again.parsed == nil && checked.parsed?.source == input)
    }

    @Test func environmentMarksDeclaredVariablesAndKeepsUnusedOnes() throws {
        let declarations = try Self.declarations(["X:m,k", "S:k,k:spd", "func sigma:elementwise"])
        let checked = try CheckedExpression(parsing: "sigma(X*W)", declarations: declarations)
        let variables = checked.environment.variables
        #expect(variables["X"] == Variable(name: "X", shape: Shape(.named("m"), .named("k")), isDeclared: true))
        #expect(variables["S"] == Variable(name: "S", shape: Shape(.named("k"), .named("k")), property: .spd,
                                           isDeclared: true))
        #expect(variables["W"] == Variable(name: "W", shape: Shape(.named("k"), .named("n")), isDeclared: false))
        #expect(variables.count == 3)
        #expect(checked.environment.functions == ["sigma": .elementwise])
        #expect(checked.shape == Shape(.named("m"), .named("n")))
    }

    @Test func environmentGivesShapesOfSubExpressions() throws {
        let checked = try CheckedExpression(parsing: "tr((X*W - Y)*(X*W - Y)')")
        let (X, W) = (MatrixExpr.variable("X"), MatrixExpr.variable("W"))
        #expect(try checked.environment.shape(of: .multiply(X, W)) == Shape(.named("m"), .named("k")))
        #expect(try checked.environment.shape(of: .transpose(W)) == Shape(.named("k"), .named("n")))
        let error = #expect(throws: ShapeError.self) { try checked.environment.shape(of: .multiply(W, W)) }
        #expect(error?.message == "inner dimensions differ in W*W: W is n×k, W is n×k")
        let undefined = #expect(throws: ShapeError.self) { try checked.environment.shape(of: .variable("z")) }
        #expect(undefined?.kind == .undefinedVariable("z"))
    }

    // MARK: Random expressions

    /// Well-shaped random expressions check to the shape they were built for, from the tree
    /// and from its printed text alike.
    @Test(arguments: 0..<300)
    func wellShapedExpressionsHaveTheirShape(seed: Int) throws {
        let shape = RandomExpressions.shapes[seed % RandomExpressions.shapes.count]
        let expression = RandomExpressions.wellShaped(shape, depth: 1 + seed % 6, seed: UInt64(seed))
        let text = PlainPrinter.print(expression)
        let checked = try CheckedExpression(expression, declarations: RandomExpressions.declarations)
        #expect(checked.shape == shape, "seed \(seed): \(text)")
        let parsed = try CheckedExpression(parsing: text, declarations: RandomExpressions.declarations)
        #expect(parsed.expression == expression && parsed.shape == shape, "seed \(seed): \(text)")
        #expect(try checked.environment.shape(of: expression) == shape, "seed \(seed): \(text)")
        #expect(checked.environment.variables.values.allSatisfy { $0.isDeclared }, "seed \(seed): \(text)")
    }

    /// Inference is as general as the declarations: with no variable declared, a well-shaped
    /// expression still checks, and renaming the inferred dimensions consistently gives the
    /// declared shapes and the expected shape (unknowns were unified only where needed). It
    /// is also sound: the inferred shapes, declared, check to the same shape.
    @Test(arguments: 0..<200)
    func inferenceIsAsGeneralAsTheDeclarations(seed: Int) throws {
        let shape = RandomExpressions.shapes[seed % RandomExpressions.shapes.count]
        let expression = RandomExpressions.wellShaped(shape, depth: 1 + seed % 6, seed: UInt64(seed))
        let text = PlainPrinter.print(expression)
        let inferred = try CheckedExpression(
            expression, declarations: Declarations(functions: RandomExpressions.declarations.functions))
        var renaming: [Dimension: Dimension] = [:]
        func matches(_ found: Shape, _ wanted: Shape) -> Bool {
            zip([found.rows, found.columns], [wanted.rows, wanted.columns]).allSatisfy { found, wanted in
                if found.isOne || wanted.isOne { return found == wanted }
                if let earlier = renaming.updateValue(wanted, forKey: found) { return earlier == wanted }
                return true
            }
        }
        // A Greek name is a scalar by default, but its use may make it a vector (`x - alpha`,
        // `X*alpha`, `alpha'`): then the declarations (scalars) are more specific than
        // inference, and only soundness is checked below.
        let usesDecidedKinds = RandomExpressions.declarations.variables.contains { declared in
            declared.shape.isScalar && inferred.environment.variables[declared.name].map { !$0.shape.isScalar } == true
        }
        for declared in RandomExpressions.declarations.variables where !usesDecidedKinds {
            guard let variable = inferred.environment.variables[declared.name] else { continue }
            #expect(!variable.isDeclared)
            #expect(matches(variable.shape, declared.shape),
                    "seed \(seed): \(text): \(declared.name) is \(variable.shape), declared \(declared.shape)")
        }
        #expect(usesDecidedKinds || matches(inferred.shape, shape),
                "seed \(seed): \(text): \(inferred.shape), expected \(shape)")
        // And the inferred shapes are right: declared as such, they check to the same shape.
        let redeclared = Declarations(
            variables: inferred.environment.variables.values.map { VariableDeclaration(name: $0.name, shape: $0.shape) },
            functions: RandomExpressions.declarations.functions)
        #expect(try CheckedExpression(expression, declarations: redeclared).shape == inferred.shape,
                "seed \(seed): \(text)")
    }

    // MARK: The public corpus

    /// Every expression of the public corpus, and every derivative stated in matrix form,
    /// parses and checks under the case's declarations, with the shape the derivative must
    /// have: a gradient the variable's, a Hessian `n×n` for a vector of length `n`, a
    /// Jacobian by a scalar the expression's, a vector-by-vector Jacobian `m×n`.
    @Test func publicCorpusParsesAndChecks() throws {
        let url = try #require(Bundle.module.url(
            forResource: "public-corpus", withExtension: "json", subdirectory: "Fixtures"))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        #expect(cases.count == 64)
        for entry in cases {
            let id = entry["id"] as? String ?? "?"
            guard let vars = entry["vars"] as? [String: Any], let text = entry["expr"] as? String,
                let wrt = entry["wrt"] as? String, let kind = entry["kind"] as? String
            else {
                Issue.record("\(id): malformed case")
                continue
            }
            let declarations = try Self.corpusDeclarations(vars)
            let expression = try CheckedExpression(parsing: text, declarations: declarations)
            #expect(expression.environment.variables.values.allSatisfy { $0.isDeclared }, "\(id)")
            let variable = try #require(expression.environment.variables[wrt], "\(id)")
            let expectedShape: Shape?
            switch (kind, entry["expected_form"] as? String) {
            case ("gradient", _):
                expectedShape = variable.shape
            case ("hessian", _):
                expectedShape = Shape(variable.shape.rows, variable.shape.rows)
                let gradientText = try #require(entry["gradient"] as? String, "\(id)")
                let gradient = try CheckedExpression(parsing: gradientText, declarations: declarations)
                #expect(gradient.shape == variable.shape, "\(id)")
            case ("jacobian", "matrix"):
                expectedShape = variable.shape.isScalar
                    ? expression.shape : Shape(expression.shape.rows, variable.shape.rows)
            default:
                expectedShape = nil  // index notation: not an expression of the language
            }
            guard let expectedShape else { continue }
            let derivativeText = try #require(entry["expected"] as? String, "\(id)")
            let derivative = try CheckedExpression(parsing: derivativeText, declarations: declarations)
            #expect(derivative.shape == expectedShape, "\(id)")
        }
    }

    /// A corpus case's `vars`: `"X": ["m","k"]`, or `{"shape": [...], "property": "spd"}`.
    static func corpusDeclarations(_ vars: [String: Any]) throws -> Declarations {
        let texts = try vars.keys.sorted().map { name -> String in
            let value = vars[name]
            let shape = value as? [String] ?? (value as? [String: Any])?["shape"] as? [String]
            let dimensions = try #require(shape, "the shape of \(name)")
            let property = ((value as? [String: Any])?["property"] as? String).map { ":" + $0 } ?? ""
            return "\(name):\(dimensions.joined(separator: ","))\(property)"
        }
        return try Declarations(parsingVariables: texts, functions: [])
    }

    // MARK: Errors

    /// Inputs with the offending sub-expression marked from `1️⃣` to `2️⃣`, declarations,
    /// and the whole message.
    static let errorCases: [(String, [String], String)] = [
        ("tr((1️⃣X*W2️⃣ - Y)*(X*W - Y)')", ["X:m,k", "W:n,p"],
         "inner dimensions differ in X*W: X is m×k, W is n×p"),
        ("1️⃣A*B2️⃣", ["A:m,n", "B:k,p"], "inner dimensions differ in A*B: A is m×n, B is k×p"),
        ("1️⃣x*y2️⃣", [],
         "inner dimensions differ in x*y: x is m, y is n; x was taken as a vector (a lower-case name); if it is a "
            + "scalar, declare it with --var x:; y was taken as a vector (a lower-case name); if it is a scalar, "
            + "declare it with --var y:"),
        ("exp(1️⃣(X*W)'*Y2️⃣)", ["X:m,k", "W:k,n", "Y:n,n"],
         "inner dimensions differ in (X*W)'*Y: (X*W)' is n×m, Y is n×n"),
        ("1️⃣ones(k)'*x2️⃣", ["x:n"], "inner dimensions differ in ones(k)'*x: ones(k)' is 1×k, x is n"),
        ("1️⃣(X - Y)*Z2️⃣", ["X:m,n", "Z:k,p"], "inner dimensions differ in (X - Y)*Z: (X - Y) is m×n, Z is k×p"),
        ("1️⃣X + Y2️⃣", ["X:m,n", "Y:n,m"],
         "shapes do not fit in X + Y: X is m×n, Y is n×m (an axis may differ only where one side has size 1)"),
        ("1️⃣X .* Y2️⃣", ["X:m,n", "Y:n,n"],
         "shapes do not fit in X .* Y: X is m×n, Y is n×n (an axis may differ only where one side has size 1)"),
        ("2*(1️⃣X*W - Y2️⃣)", ["X:m,k", "W:k,n", "Y:n,m"],
         "shapes do not fit in X*W - Y: X*W is m×n, Y is n×m (an axis may differ only where one side has size 1)"),
        ("1️⃣X + y2️⃣", ["X:m,n", "y:n"],
         "shapes do not fit in X + y: X is m×n, y is n (an axis may differ only where one side has size 1)"),
        ("1️⃣max(A*x, b)2️⃣", ["A:m,n", "b:k"],
         "shapes do not fit in max(A*x, b): A*x is m, b is k (an axis may differ only where one side has size 1)"),
        ("1️⃣X/Y2️⃣", [],
         "the divisor must be a scalar in X/Y: Y is k×p; use ./ for entry-wise division; Y was taken as a matrix "
            + "(an upper-case name); if it is a scalar, declare it with --var Y:"),
        ("1️⃣x^22️⃣", [],
         "^ needs a scalar or a square matrix as its base in x^2: x is m; use .^ for an entry-wise power; x was "
            + "taken as a vector (a lower-case name); if it is a scalar, declare it with --var x:"),
        ("1️⃣X^0.52️⃣", ["X:n,n"], "a matrix power needs an integer exponent in X^0.5: X is n×n; use .^ for an entry-wise power"),
        ("1️⃣X^t2️⃣", ["X:n,n", "t:"], "^ needs a scalar or a square matrix as its base in X^t: X is n×n; use .^ for an entry-wise power"),
        ("1️⃣X.^y2️⃣", ["X:m,n", "y:n"], "the exponent must be a scalar in X.^y: y is n"),
        ("1️⃣tr(X)2️⃣", ["X:m,n"], "tr needs a square matrix in tr(X): X is m×n"),
        ("1️⃣tr(x)2️⃣", [],
         "tr needs a square matrix in tr(x): x is m; x was taken as a vector (a lower-case name); if it is a "
            + "scalar, declare it with --var x:"),
        ("1️⃣tr(X + Y)2️⃣", ["X:m,n"], "tr needs a square matrix in tr(X + Y): X + Y is m×n"),
        ("1️⃣(x + y)^22️⃣", [],
         "^ needs a scalar or a square matrix as its base in (x + y)^2: (x + y) is m; use .^ for an entry-wise power"),
        ("1️⃣inv(X)2️⃣ + A", ["X:2,3"], "inv needs a square matrix in inv(X): X is 2×3"),
        ("1️⃣diagv(x')2️⃣", [],
         "diagv needs a square matrix in diagv(x'): x' is 1×m; x was taken as a vector (a lower-case name); if it "
            + "is a scalar, declare it with --var x:"),
        ("1️⃣diagm(X)2️⃣", [],
         "diagm needs a vector or a row vector in diagm(X): X is m×n; X was taken as a matrix (an upper-case "
            + "name); if it is a vector, declare it with --var X:n"),
        ("1️⃣ones() + zeros()2️⃣", [], "cannot infer the size of ones(): in ones() + zeros() neither side gives a size"),
        ("1️⃣ones() + s2️⃣", ["s:"], "cannot infer the size of ones(): in ones() + s the other side is a scalar"),
        ("sum(1️⃣ones()2️⃣)", [],
         "cannot infer the size of ones(): nothing it is added to, multiplied with or compared with gives it; "
            + "write its size, as in ones(m, n)"),
    ]

    @Test(arguments: errorCases)
    func reportsShapeErrorOverTheSubExpression(marked: String, declared: [String], message: String) throws {
        let source = MarkedSource(marked)
        let declarations = try Self.declarations(declared)
        let error = #expect(throws: ShapeError.self) {
            try CheckedExpression(parsing: source.text, declarations: declarations)
        }
        #expect(error?.message == message)
        #expect(error?.range == source.markers["1️⃣"].flatMap { lower in
            source.markers["2️⃣"].map { SourceRange(lower, $0) }
        })
        #expect(error?.category == .badInput)
    }

    @Test func rendersTheStyleGuideExample() throws {
        let source = "tr((X*W - Y)*(X*W - Y)')"
        let declarations = try Self.declarations(["X:m,k", "W:n,p"])
        let error = try #require(throws: ShapeError.self) {
            try CheckedExpression(parsing: source, declarations: declarations)
        }
        #expect(error.rendered(source: source) == """
            error: inner dimensions differ in X*W: X is m×k, W is n×p
              tr((X*W - Y)*(X*W - Y)')
                  ^^^
            """)
    }

    @Test func errorsWithoutSourceNameThePlainForm() throws {
        let declarations = try Self.declarations(["A:m,n", "B:k,p", "func sigma:elementwise"])
        let (A, B) = (MatrixExpr.variable("A"), MatrixExpr.variable("B"))
        let product = #expect(throws: ShapeError.self) {
            try CheckedExpression(.add(A, .multiply(A, .transpose(B))), declarations: declarations)
        }
        #expect(product?.message == "inner dimensions differ in A*B': A is m×n, B' is p×k")
        #expect(product?.range == nil)
        let undeclared = #expect(throws: ShapeError.self) {
            try CheckedExpression(.apply(.declaredScalar("lambda"), A), declarations: declarations)
        }
        #expect(undeclared?.message == "function lambda is used but not declared; declare it with --func lambda:scalar")
        let wrongKind = #expect(throws: ShapeError.self) {
            try CheckedExpression(.apply(.declaredScalarGradient("sigma"), A), declarations: declarations)
        }
        #expect(wrongKind?.kind == .undeclaredFunction("sigma", .scalar))
        let asVariable = #expect(throws: ShapeError.self) {
            try CheckedExpression(.multiply(.variable("sigma"), A), declarations: declarations)
        }
        #expect(asVariable?.message == "sigma is a declared function, not a variable")
    }

    @Test func declarationErrorsComeFirst() throws {
        let declarations = Declarations(variables: [
            VariableDeclaration(name: "X", shape: .scalar), VariableDeclaration(name: "X", shape: .scalar),
        ])
        #expect(throws: DeclarationError(.duplicateVariable("X"))) {
            try CheckedExpression(parsing: "X", declarations: declarations)
        }
        #expect(throws: DeclarationError(.duplicateVariable("X"))) {
            try CheckedExpression(.variable("X"), declarations: declarations)
        }
    }

    // MARK: Name conventions

    static let kindCases: [(String, Shape.Kind)] = [
        ("X", .matrix), ("W1", .matrix), ("Sigma", .matrix), ("Λ", .matrix), ("Lambda", .matrix),
        ("x", .vector), ("w2", .vector), ("betas", .vector), ("etaX", .vector), ("beta2x", .vector),
        ("alpha", .scalar), ("lambda", .scalar), ("omicron", .scalar), ("λ", .scalar), ("ω", .scalar),
        ("ς", .scalar), ("ϕ", .scalar), ("beta2", .scalar), ("lambda_reg", .scalar), ("λ1", .scalar),
        ("変数", .vector),
    ]

    @Test(arguments: kindCases)
    func undeclaredNamesFollowConventions(name: String, kind: Shape.Kind) {
        #expect(NameConventions.inferredKind(of: name) == kind)
    }

    @Test func greekLetterNamesMapToLetters() {
        #expect(NameConventions.greekLetter(for: "lambda") == "λ")
        #expect(NameConventions.greekLetter(for: "omega") == "ω")
        #expect(NameConventions.greekLetter(for: "Sigma") == "Σ")
        #expect(NameConventions.greekLetter(for: "λ") == "λ")
        #expect(NameConventions.greekLetter(for: "Alpha") == nil)
        #expect(NameConventions.greekLetter(for: "lambda2") == nil)
        #expect(NameConventions.greekLetter(for: "x") == nil)
    }

    @Test func validNamesExcludeTheTransposeMark() {
        #expect(NameConventions.isValidName("λ_2"))
        #expect(NameConventions.isValidName("X1"))
        #expect(!NameConventions.isValidName("Xᵀ"))
        #expect(!NameConventions.isValidName("1X"))
        #expect(!NameConventions.isValidName("_x"))
        #expect(!NameConventions.isValidName("x²"))
        #expect(!NameConventions.isValidName(""))
    }
}
