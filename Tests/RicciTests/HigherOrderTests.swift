// Derivatives of a matrix by a matrix in the vec convention, and derivatives of every order.

import Testing
@testable import Ricci

/// The derivative of `expression` by `variables` in turn, declarations as `--var` texts.
private func derivative(_ expression: String, _ variables: [String], _ declarations: [String] = [],
                        functions: [String] = []) throws -> Derivative {
    try Ricci.derivative(
        of: expression, withRespectTo: variables,
        declarations: Declarations(parsingVariables: declarations, functions: functions))
}

@Suite struct HigherOrderTests {
    /// Magnus and Neudecker's table of first differentials, as `∂vec(R)/∂vec(X)ᵀ`.
    @Test(arguments: [
        ("A*X*B", [], "kron(B', A)"),
        ("X*b", [], "kron(b', I(m))"),
        ("X'", [], "commutation(m,n)"),
        ("X'*X", [], "(kron(I(n), I(n)) + commutation(n,n))*kron(I(n), X')"),
        ("X*X'", [], "(kron(I(m), I(m)) + commutation(m,m))*kron(X, I(m))"),
        ("inv(X)", ["X:n,n"], "-kron(inv(X)', inv(X))"),
        // A column's pseudo-inverse: the complement on its side of size 1 is zero (x⁺x = 1).
        ("X*pinv(X)", ["X:m,1"], "kron(pinv(X)', I(m) - X*pinv(X)) + pinv(X)*pinv(X)'*kron(I(m) - X*pinv(X), X)"),
        ("X.*A", [], "diagm(vec(A))"),
        ("sigma(X)", [], "diagm(vec(sigma'(X)))"),
        ("(A*X).^2", ["A:m,k", "X:k,n"], "2*diagm(vec(A*X))*kron(I(n), A)"),
        ("A'*exp(A*X)", ["A:m,k", "X:k,n"], "kron(I(n), A')*diagm(vec(exp(A*X)))*kron(I(n), A)"),
    ] as [(String, [String], String)])
    func kroneckerForms(expression: String, declarations: [String], expected: String) throws {
        let result = try derivative(expression, ["X"], declarations, functions: ["sigma:elementwise"])
        #expect(result.plain == expected, "\(expression)")
        let verification = result.verify()
        #expect(verification.verdict == .passed, "\(expression): \(verification.detail)")
    }

    /// Hessians by a matrix: the vec convention's mn×mn matrix.
    @Test(arguments: [
        ("tr(X'*A*X)", ["X:m,n"], "kron(I(n), A + A')"),
        ("norm2(X*W - Y)^2", ["W:k,n"], "2*kron(I(n), X'*X)"),
        ("tr(X*A*X'*B)", ["X:n,q"], "kron(A', B) + kron(A, B')"),
        ("logdet(S)", ["S:n,n:spd"], "-kron(inv(S), inv(S)')*commutation(n,n)"),
    ] as [(String, [String], String)])
    func hessiansByAMatrix(expression: String, declarations: [String], expected: String) throws {
        let variable = declarations[0].prefix { $0 != ":" }
        let result = try derivative(expression, [String(variable), String(variable)], declarations)
        #expect(result.kind == .hessian)
        #expect(result.plain == expected, "\(expression)")
        #expect(result.verify().verdict == .passed, "\(expression)")
    }

    /// A Hessian by a matrix whose terms come in more than one transposed pair is written
    /// `H₀ + S + Sᵀ`: one term of each pair lifted and simplified into `S`.
    @Test(arguments: [
        ("tr(X'*A*X*B*X'*X)", ["X:m,n"]),
        ("sum(pinv(X)*y)", ["X:m,n", "y:m"]),
    ] as [(String, [String])])
    func transposedPairsAreLiftedOnce(expression: String, declarations: [String]) throws {
        let result = try derivative(expression, ["X", "X"], declarations)
        guard case .add(let rest, .transpose(let half)) = result.matrix else {
            Issue.record("\(expression): \(result.plain ?? "no matrix form") does not end in Sᵀ")
            return
        }
        if case .add(_, let sum) = rest { #expect(sum == half, "\(expression)") } else { #expect(rest == half) }
        #expect(result.verify().verdict == .passed, "\(expression)")
    }

    /// The derivative of a complement projector has two terms, `∂P = −(P ∂A A⁺ + (P ∂A
    /// A⁺)ᵀ)` for `P = I − A A⁺` and `∂Q = −(A⁺ ∂A Q + (A⁺ ∂A Q)ᵀ)` for `Q = I − A⁺ A`, in
    /// forward mode (a Jacobian, the second step of a Hessian) where the product rule made
    /// three; reverse mode, which stops at the complement's children, stays right (applied
    /// there, the rule skipped the children's own adjoints and the gradient failed).
    @Test(arguments: [
        ("(I(m) - A*pinv(A))*v", "u'*(I(m) - A*pinv(A))*v", ["u:m", "v:m"]),
        ("(I(n) - pinv(A)*A)*v", "u'*(I(n) - pinv(A)*A)*v", ["u:n", "v:n"]),
        // A column `a` has one complement, on its rows (`a⁺ a = 1`), and an entry of one index.
        ("(I(m) - a*pinv(a))*v", "u'*(I(m) - a*pinv(a))*v", ["a:m", "u:m", "v:m"]),
    ] as [(String, String, [String])])
    func complementProjectorsHaveTwoTermDerivatives(vector: String, scalar: String, declarations: [String]) throws {
        let variable = vector.contains("A") ? "A" : "a"
        let jacobian = try derivative(vector, [variable], ["A:m,n"] + declarations)
        #expect(jacobian.index.terms.count == 2, "\(IndexPrinter.print(jacobian.index))")
        #expect(jacobian.verify().verdict == .passed)
        for order in [[variable], [variable, variable]] {
            let result = try derivative(scalar, order, ["A:m,n"] + declarations)
            #expect(result.verify().verdict == .passed, "\(scalar) by \(order)")
        }
    }

    /// Mixed second derivatives of a scalar: matrices as the vec convention says.
    @Test(arguments: [
        ("x'*A*y", ["x", "y"], [], "A"),
        ("tr(X'*A*Y)", ["X", "Y"], ["X:m,n", "Y:k,n"], "kron(I(n), A)"),
        ("t^2*norm2(x)^2", ["t", "x"], ["t:"], "4*t*x"),
        ("t*x'*x", ["x", "t"], ["t:"], "2*x"),
    ] as [(String, [String], [String], String)])
    func mixedSecondDerivatives(expression: String, variables: [String], declarations: [String], expected: String) throws {
        let result = try derivative(expression, variables, declarations)
        #expect(result.kind == .higherOrder)
        #expect(result.variables == variables)
        #expect(result.plain == expected, "\(expression)")
        #expect(result.verify().verdict == .passed, "\(expression)")
    }

    /// Beyond a second derivative of a scalar, index notation with the letters of `LANGUAGE.md`.
    @Test(arguments: [
        ("sum(exp(x))", ["x", "x", "x"], [], "D[p,r,t] = delta(p,r)*delta(p,t)*exp(x)[p]"),
        ("x.^3", ["x", "x", "x"], [], "D[i,p,r,t] = 6*delta(i,p)*delta(i,r)*delta(i,t)"),
        ("X*A*Y", ["X", "Y"], [], "D[i,j,p,q,r,s] = delta(i,p)*delta(j,s)*A[q,r]"),
        ("sum(x.^4)", ["x", "x", "x", "x"], [], "D[p,r,t,v] = 24*delta(p,r)*delta(p,t)*delta(p,v)"),
    ] as [(String, [String], [String], String)])
    func higherOrdersInIndexNotation(expression: String, variables: [String], declarations: [String], expected: String) throws {
        let result = try derivative(expression, variables, declarations)
        #expect(result.matrix == nil)
        #expect(IndexPrinter.print(result.index) == expected)
        #expect(result.verify().verdict == .passed, "\(expression)")
    }

    /// Without a matrix form, LaTeX and NumPy print the index form.
    @Test func indexFormsInLaTeXAndNumPy() throws {
        let result = try derivative("sum(exp(x))", ["x", "x", "x"])
        #expect(result.latex == #"\frac{\partial^{3} f}{\partial x_{p} \partial x_{r} \partial x_{t}} = \delta_{pr} \delta_{pt} \left(\exp\left(x\right)\right)_{p}"#)
        #expect(result.numpy == "np.einsum('pr,pt,p->prt', np.eye(m), np.eye(m), np.ravel(np.exp(x)))")
        #expect(result.indexShape == [.named("m"), .named("m"), .named("m")])
    }

    /// The index form of a first derivative uses `i j` and `p q` whatever dimensions are called.
    @Test func freeIndicesKeepTheirLetters() throws {
        let result = try derivative("A*X*B", ["X"], ["A:m,n", "X:n,p", "B:p,q"])
        #expect(IndexPrinter.print(result.index) == "J[i,j,p,q] = A[i,p]*B[q,j]")
    }

    /// A wrong mixed derivative fails verification.
    @Test func aWrongSecondDerivativeFails() throws {
        let right = try derivative("x'*A*y", ["x", "y"])
        let wrong = Derivative(
            kind: right.kind, function: right.function, variable: right.variable, environment: right.environment,
            shape: right.shape, matrix: .transpose(.variable("A")), matrixShape: right.matrixShape,
            index: right.index, gradient: nil, steps: [])
        #expect(wrong.verify().verdict == .failed)
    }

    /// The command line: `--wrt` in turn, the JSON lists them.
    @Test func commandLineTakesSeveralVariables() {
        let plain = CommandLineTool.run(["diff", "x'*A*y", "--wrt", "x", "--wrt", "y", "--format", "plain"])
        #expect(plain == CommandResult(output: "A\n", error: "", status: 0))
        let json = CommandLineTool.run(["diff", "sum(exp(x))", "--wrt", "x", "--wrt", "x", "--wrt", "x", "--format", "json"])
        #expect(json.output.contains("\"wrt\": [\"x\", \"x\", \"x\"]"))
        #expect(json.output.contains("\"index\": \"D[p,r,t] = delta(p,r)*delta(p,t)*exp(x)[p]\""))
    }

    /// The second corpus's vec-jacobian, vec-hessian, mixed and third-order cases.
    @Test(arguments: Fixtures.secondCorpus(tagged: ["vec-jacobian", "vec-hessian", "mixed", "third-order"]).map(\.id))
    func secondCorpusCasePasses(id: String) throws {
        let corpusCase = try #require(Fixtures.secondCorpus.first { $0.id == id })
        let outcome = CorpusRunner.run(corpusCase)
        #expect(outcome.error == nil, "\(id): \(outcome.error ?? "")")
        #expect(outcome.verification?.verdict == .passed, "\(id)")
    }
}
