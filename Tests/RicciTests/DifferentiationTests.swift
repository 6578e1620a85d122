// Derivatives end to end: input ⇒ result tables, regressions, and random expressions, all verified.

import Testing
@testable import Ricci

/// The derivative of `expression` (declarations as `--var`/`--func` texts), verified.
private func derivative(
    _ expression: String, _ variable: String, _ declarations: [String] = [], hessian: Bool = false
) throws -> Derivative {
    let variables = declarations.filter { !$0.hasSuffix(":elementwise") && !$0.hasSuffix(":scalar") }
    let functions = declarations.filter { $0.hasSuffix(":elementwise") || $0.hasSuffix(":scalar") }
    let declared = try Declarations(parsingVariables: variables, functions: functions)
    return hessian
        ? try Ricci.hessian(of: expression, withRespectTo: variable, declarations: declared)
        : try Ricci.derivative(of: expression, withRespectTo: variable, declarations: declared)
}

@Suite struct DifferentiationTests {
    /// One line each: function, variable, declarations ⇒ the plain result; every one verified.
    @Test(arguments: [
        ("norm2(A*x - b)^2", "x", [], "2*A'*(A*x - b)"),
        ("norm2(A*x - b)^2", "A", [], "2*(A*x - b)*x'"),
        ("tr((X*W - Y)*(X*W - Y)')", "W", [], "2*X'*(X*W - Y)"),
        ("tr((X*W - Y)*(X*W - Y)')", "X", [], "2*(X*W - Y)*W'"),
        ("a'*X*b", "X", [], "a*b'"),
        ("a'*exp(X*b)", "X", [], "a.*exp(X*b)*b'"),
        ("x'*A*x", "x", ["A:n,n:symmetric"], "2*A*x"),
        ("x'*A*x", "x", [], "(A + A')*x"),
        ("logdet(X'*X)", "X", ["X:m,k"], "2*pinv(X)'"),
        ("det(inv(X))", "X", [], "-det(inv(X))*inv(X)'"),
        ("tr(S*X) - logdet(X)", "X", ["X:n,n:spd", "S:n,n:spd"], "S - inv(X)"),
        ("-sum(y.*log(sigmoid(X*w)) + (ones(m) - y).*log(ones(m) - sigmoid(X*w)))", "w", ["X:m,n"], "X'*(sigmoid(X*w) - y)"),
        ("0.5*norm2(A'*(J + R)'*(J + R)*A - D)^2 + 0.5*lambda*norm2(R)^2", "R", ["D:k,k:symmetric"],
         "2*(J + R)*A*(A'*(J + R)'*(J + R)*A - D)*A' + lambda*R"),
        ("lambda(sigma(X*W))", "W", ["sigma:elementwise", "lambda:scalar"], "X'*(grad_lambda(sigma(X*W)).*sigma'(X*W))"),
        ("lambda(sigma(X*W))", "X", ["sigma:elementwise", "lambda:scalar"], "grad_lambda(sigma(X*W)).*sigma'(X*W)*W'"),
        ("tr(t^2*X)", "t", ["t:"], "2*t*tr(X)"),
        ("2*mu*x", "x", [], "2*mu*I(m)"),
        ("(t*ones(k)).*x.*y", "t", ["t:", "x:k", "y:k"], "x.*y"),
    ] as [(String, String, [String], String)])
    func derivativeTable(expression: String, variable: String, declarations: [String], expected: String) throws {
        let result = try derivative(expression, variable, declarations)
        #expect(result.plain == expected)
        let verification = result.verify()
        #expect(verification.verdict == .passed, "\(verification.detail)")
    }

    /// A matrix by a matrix (or a vector by a matrix, a matrix by a vector) is the vec
    /// convention's `∂vec(R)/∂vec(X)ᵀ`, with its index form alongside.
    @Test(arguments: [
        ("X*A", "X", [], "kron(A', I(m))", "J[i,j,p,q] = delta(i,p)*A[q,j]"),
        ("A'", "A", [], "commutation(m,n)", "J[i,j,p,q] = delta(j,p)*delta(i,q)"),
        ("x*x'", "x", [], "kron(x, I(m)) + kron(I(m), x)", "J[i,j,p] = delta(i,p)*x[j] + delta(j,p)*x[i]"),
        ("X.*X", "X", [], "2*diagm(vec(X))", "J[i,j,p,q] = 2*delta(i,p)*delta(j,q)*X[i,j]"),
    ] as [(String, String, [String], String, String)])
    func jacobiansOfMatricesAreInTheVecConvention(
        expression: String, variable: String, declarations: [String], plain: String, index: String
    ) throws {
        let result = try derivative(expression, variable, declarations)
        #expect(result.plain == plain)
        #expect(IndexPrinter.print(result.index) == index)
        #expect(result.verify().verdict == .passed)
    }

    /// A delta joining the variable's two indices is `diagm(vec(I))`; a function with an axis
    /// of size m·n (`kron`, `vec`) stays in index notation, one index per factor.
    @Test func jacobiansWithoutMatrixFormAreInIndexNotation() throws {
        let diagonal = try derivative("diagv(X)", "X", ["X:n,n"])
        #expect(diagonal.plain == "kron(ones(n)', I(n))*diagm(vec(I(n)))")
        #expect(IndexPrinter.print(diagonal.index) == "J[i,p,q] = delta(i,p)*delta(i,q)")
        #expect(diagonal.verify().verdict == .passed)
        let product = try derivative("kron(A, X)", "X", ["X:n,n", "A:m,m"])
        #expect(product.matrix == nil)
        #expect(IndexPrinter.print(product.index) == "J[i,j,k1,k2,p,q] = delta(j,p)*delta(k2,q)*A[i,k1]")
        #expect(product.verify().verdict == .passed)
    }

    @Test func hessians() throws {
        let quadratic = try derivative("x'*A*x + b'*x", "x", hessian: true)
        #expect(quadratic.plain == "A + A'")
        #expect(quadratic.gradient.map(PlainPrinter.print) == "(A + A')*x + b")
        #expect(quadratic.verify().verdict == .passed)
        let gaussian = try derivative(
            "0.5*logdet(S) + 0.5*(x - mu)'*inv(S)*(x - mu)", "mu", ["S:n,n:spd", "mu:n"], hessian: true)
        #expect(gaussian.plain == "inv(S)")
        #expect(gaussian.verify().verdict == .passed)
        let byMatrix = try derivative("tr(X'*A*X)", "X", hessian: true)
        #expect(byMatrix.plain == "kron(I(n), A + A')")
        #expect(byMatrix.verify().verdict == .passed)
    }

    @Test func secondDerivativesOfDeclaredFunctionsAreRefusedWithAReason() throws {
        #expect(throws: DifferentiationError.self) {
            try derivative("sum(sigma(x))", "x", ["sigma:elementwise"], hessian: true)
        }
        do {
            _ = try derivative("lambda(X)", "X", ["lambda:scalar"], hessian: true)
        } catch let error as DifferentiationError {
            #expect(error.message.hasPrefix("cannot take this derivative because grad_lambda is the gradient"))
        }
    }

    /// Inputs that once went wrong, each verified.
    @Test(arguments: [
        ("tr(3*A')", "A", [], "3*I(m)"),
        ("tr(3*A + sin(A))", "A", [], "3*I(m) + diagm(diagv(cos(A)))"),
        ("tr(tr(S)*(X'*X))", "S", [], "sum(X.^2)*I(m)"),
        ("sum((alpha^2).^(1/1024))", "alpha", [], nil),
        ("tr(inv(X'*C*X)*(X'*B*X))", "X", ["X:m,k", "B:m,m:symmetric", "C:m,m:spd"], nil),
        ("sum(x.*I(1))", "x", [], "ones(m)"),
        ("beta./(alpha.*beta)", "beta", [], "0"),
        ("lambda((X'*X)'.*(tr(X'*X)*B))", "X", ["lambda:scalar"], nil),
        ("tr(3*(x*a' - diagm(x*a'*x)))", "x", [], nil),
        // A scalar product of vectors inside a closed adjoint that is used transposed.
        ("sum(exp(diagv(B)'*(x'*y*y)*(inv(A' + 3*I(n))*(A'*x))))", "A", ["A:n,n", "B:n,n", "x:n", "y:n"], nil),
    ] as [(String, String, [String], String?)])
    func regressions(expression: String, variable: String, declarations: [String], expected: String?) throws {
        let result = try derivative(expression, variable, declarations)
        if let expected { #expect(result.plain == expected) }
        #expect(result.verify().verdict == .passed)
    }

    /// Random well-shaped expressions: every derivative is either refused with a reason or
    /// verified (never wrong). A failure names its seed.
    @Test(arguments: 0..<120)
    func randomDerivativesVerify(seed: UInt64) throws {
        let shapes: [Shape] = [.scalar, .scalar, .vector(.named("m")), Shape(.named("m"), .named("n"))]
        let expression = RandomExpressions.wellShaped(shapes[Int(seed % 4)], depth: 4, seed: seed)
        let checked = try CheckedExpression(expression, declarations: RandomExpressions.declarations)
        let variables = expression.variableNames
        guard !variables.isEmpty else { return }
        let variable = variables[Int(seed / 4) % variables.count]
        let result: Derivative
        do {
            result = try Ricci.derivative(of: checked, withRespectTo: variable)
        } catch is DifferentiationError {
            return
        }
        let verification = result.verify()
        #expect(verification.verdict != .failed,
                "seed \(seed): d/d\(variable) \(expression) = \(result.plain ?? IndexPrinter.print(result.index)): \(verification.detail)")
    }

    /// In forward mode an entry-wise block is differentiated as a whole: the second step of
    /// this Hessian is one index term `δ(i,p) g′(x)[i]`, not one per path of the product rule
    /// (nine before), and its matrix form one `diagm`.
    @Test func entrywiseBlocksAreDifferentiatedAsOneTerm() throws {
        let hessian = try Ricci.hessian(of: "sum(sin(x).*exp(x)./(1 + x.^2))", withRespectTo: "x")
        #expect(hessian.index.terms.count == 1)
        #expect(hessian.plain?.hasPrefix("2*diagm(") == true, "\(hessian.plain ?? "")")
        #expect(hessian.verify().verdict == .passed)
        let jacobian = try Ricci.derivative(of: "exp(X).*X + X.^2", withRespectTo: "X")
        #expect(jacobian.index.terms.count == 1)
        #expect(jacobian.plain == "diagm(vec(2*X + X.*exp(X) + exp(X)))")
        #expect(jacobian.verify().verdict == .passed)
    }

    /// Between scalars a product and a quotient are entry-wise too: the scalar factor the chain
    /// rule leaves in this gradient, `(1 + tan(tanh(s))²)(1 − tanh(s)²)` with `s = sum(x)`, is
    /// one block in the second step, one term per term of `∂s` (two before, one per factor),
    /// and so is the gradient of a quotient of functions of a scalar (five terms before).
    @Test func scalarProductsAreOneBlock() throws {
        let hessian = try Ricci.hessian(of: "tan(tanh(sum(x)))", withRespectTo: "x")
        #expect(hessian.index.terms.count == 1, "\(IndexPrinter.print(hessian.index))")
        #expect(hessian.verify().verdict == .passed)
        let quotient = try derivative("exp(sin(t))/(2 + cos(t))", "t", ["t:"], hessian: true)
        #expect(quotient.index.terms.count == 1, "\(IndexPrinter.print(quotient.index))")
        #expect(quotient.verify().verdict == .passed)
    }

    /// The gradient is differentiated again with its scalars gathered in front, `(2 β s / t²) G`
    /// rather than `2 β s G / t²`, so that they are one entry-wise block: the Hessian of
    /// `β/(1 + s²)`, `s = sum(A x)`, is one index term (two before, one per scalar). A scalar
    /// the lift meets as summed factors is written as the input wrote it (`sum(pinv(X)*x)`,
    /// not also `x'*sum(pinv(X), 1)'`), so the block sees one base, not two.
    @Test func gatheredScalarsAreOneBlock() throws {
        let hessian = try derivative("beta/(1 + sum(A*x)^2)", "x", ["beta:", "A:m,n", "x:n"], hessian: true)
        #expect(hessian.index.terms.count == 1, "\(IndexPrinter.print(hessian.index))")
        #expect(hessian.verify().verdict == .passed)
        let byMatrix = try derivative("beta./(1 + sum(pinv(X)*x).^2)", "X", ["beta:", "x:m", "X:m,n"], hessian: true)
        let plain = try #require(byMatrix.plain)
        #expect(!plain.contains("x'*sum(pinv(X), 1)'"), "\(plain)")
        #expect(byMatrix.verify().verdict == .passed)
        // A power by a constant exponent is entry-wise in its base, and its lowered exponent
        // is folded (`t − 2`, not `t − 1 − 1`).
        let power = try derivative("(1 + sum(A*x)^2)^t", "x", ["t:", "A:m,n", "x:n"], hessian: true)
        #expect(power.index.terms.count == 1, "\(IndexPrinter.print(power.index))")
        #expect(try #require(power.plain).contains("^(t - 2)"), "\(power.plain ?? "")")
        #expect(power.verify().verdict == .passed)
    }

    /// Forward mode takes the Jacobian of a node that several parents reach once and uses it
    /// as one matrix: `∂(A s + B s)` with `s = softmax(x)` is `A J + B J`, two terms, not the
    /// four of `J = diagm(s) − s sᵀ` copied into each; the Hessian of a softmax of a softmax
    /// stays a few dozen terms.
    @Test func sharedJacobiansAreTakenOnce() throws {
        let jacobian = try derivative("A*softmax(x) + B*softmax(x)", "x", ["A:m,n", "B:m,n", "x:n"])
        #expect(jacobian.index.terms.count == 2, "\(IndexPrinter.print(jacobian.index))")
        #expect(jacobian.verify().verdict == .passed)
        let hessian = try derivative(
            "u'*log(softmax(softmax(diag(u*(-1*ones(1,k))) + u./(softplus(u) + 1/2)./sigmoid(u)) - 1/2*ones(k)))", "u",
            ["u:k"], hessian: true)
        #expect(hessian.index.terms.count <= 40, "\(hessian.index.terms.count) terms")
        #expect(hessian.verify().verdict == .passed)
    }

    /// The outer product of a Hessian's first derivatives is one `vec(G) vec(G)ᵀ`: the row
    /// side's `vec`s merge as the column side's do, their scalars come out, and a mostly
    /// negative sum is written with its minus outside, so that both sides read the same `G`.
    @Test func gradientOuterProductsAreOneVecPair() throws {
        for (expression, declarations) in [
            ("exp(sum(X*a) + sum(X*X*b))", ["a:n", "b:n", "X:n,n"]),
            ("tanh(sum(pinv(B)*x))", ["x:m", "B:m,n"]),
        ] {
            let hessian = try derivative(expression, declarations.last!.prefix(1).description, declarations, hessian: true)
            let pretty = hessian.pretty ?? ""
            #expect(pretty.contains(/(T[₀-₉]+) \1ᵀ/), "\(expression): \(pretty)")
            #expect(hessian.verify().verdict == .passed)
        }
    }
}
