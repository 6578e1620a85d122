// The functions of part 2 of the language: each derivative as a person writes it, verified.

import Testing
@testable import Ricci

/// The derivative of `expression` by `variable`, declarations as `--var` texts.
private func derivative(_ expression: String, _ variable: String, _ declarations: [String] = []) throws -> Derivative {
    try Ricci.derivative(
        of: expression, withRespectTo: variable, declarations: Declarations(parsingVariables: declarations, functions: []))
}

@Suite struct FunctionTests {
    /// Function, variable, declarations ⇒ the plain result; every one verified.
    @Test(arguments: [
        // Reductions along an axis, means and counts.
        ("sum(X, 2)'*sum(X, 2)", "X", [], "2*sum(X, 2)*ones(n)'"),
        ("sum(X, 1)*v", "X", [], "ones(m)*v'"),
        ("sum(mean(X, 1))", "X", [], "ones(m,n)/size(X, 1)"),
        ("mean(X*w)", "w", [], "sum(X, 1)'/size(X, 1)"),
        ("mean(exp(X))", "X", [], "exp(X)/numel(X)"),
        ("sum(mean(exp(A*X), 1))", "X", ["X:k,n", "A:m,k"], "A'*exp(A*X)/size(A, 1)"),
        ("mean(x)", "x", [], "ones(m)/numel(x)"),
        ("mean(exp(X*Y))", "X", ["X:m,n", "Y:n,k"], "exp(X*Y)*Y'/numel(X*Y)"),
        ("numel(x)*x'*x", "x", [], "2*numel(x)*x"),
        ("sum(X)/size(X, 1)", "X", [], "ones(m,n)/size(X, 1)"),
        // Norms, signs and steps.
        ("norm1(w)", "w", [], "sign(w)"),
        ("norm1(A*x - y)", "x", [], "A'*sign(A*x - y)"),
        ("sum(sign(x).*x)", "x", [], "sign(x)"),
        ("sum(step(x).*x)", "x", [], "step(x)"),
        ("sum(abs(x))", "x", [], "sign(x)"),
        ("sum(relu(X*w))", "w", [], "X'*step(X*w)"),
        // Entry-wise functions.
        ("sum(tan(x))", "x", [], "1 + tan(x).^2"),
        ("sum(asin(x))", "x", [], "1./sqrt(1 - x.^2)"),
        ("sum(acos(x))", "x", [], "-1./sqrt(1 - x.^2)"),
        ("sum(atan(x))", "x", [], "1./(1 + x.^2)"),
        ("sum(sinh(x) + cosh(x))", "x", [], "cosh(x) + sinh(x)"),
        ("sum(log1p(x.^2))", "x", [], "2*(x./(1 + x.^2))"),
        // max and min.
        ("sum(max(x, y))", "x", [], "step(x - y)"),
        ("sum(min(x, y))", "y", [], "step(x - y)"),
        ("sum(max(X*w, 0))", "w", [], "X'*step(X*w)"),
        // softmax and logsumexp.
        ("y'*log(softmax(W*x))", "x", [], "W'*(y - sum(y)*softmax(W*x))"),
        ("y'*log(softmax(W*x))", "W", [], "(y - sum(y)*softmax(W*x))*x'"),
        ("logsumexp(W*x)", "x", [], "W'*softmax(W*x)"),
        ("logsumexp(x) - y'*x", "x", [], "softmax(x) - y"),
        ("logsumexp(A*X)", "X", [], "A'*exp(A*X - logsumexp(A*X))"),
        // Matrix powers and powers by expressions.
        ("tr(X^3)", "X", [], "3*(X^2)'"),
        ("tr(A*X^2)", "X", [], "(X*A + A*X)'"),
        ("tr(X^-1*A)", "X", [], "-(inv(X)*A*inv(X))'"),
        ("x'*X^2*y", "X", [], "(X*y*x' + y*(x'*X))'"),
        ("s^t", "s", ["s:", "t:"], "t*s^(t - 1)"),
        ("s^t", "t", ["s:", "t:"], "s^t*log(s)"),
        ("sum(x.^t)", "t", ["t:"], "(x.^t)'*log(x)"),
        ("sum(x.^t)", "x", ["t:"], "t*x.^(t - 1)"),
        ("alpha^(beta^2)", "beta", [], "2*beta*alpha^(beta^2)*log(alpha)"),
        // The pseudo-inverse.
        ("norm2(pinv(A))^2", "A", [], "-2*pinv(A)'*pinv(A)*pinv(A)'"),
        // Kronecker products, vec, the commutation matrix.
        ("sum(vec(X).*vec(Y))", "X", ["X:m,n", "Y:m,n"], "Y"),
        ("vec(X)'*kron(B, A)*vec(X)", "X", ["X:m,n", "A:m,m", "B:n,n"], "A*X*B' + A'*X*B"),
        ("tr(kron(A, X))", "X", [], "tr(A)*I(n)"),
        ("norm2(kron(A, X))^2", "X", [], "2*sum(A.^2)*X"),
        ("sum(commutation(m, n)*vec(X))", "X", ["X:m,n"], "ones(m,n)"),
        ("norm2(vec(X) - vec(Y))^2", "X", ["X:m,n", "Y:m,n"], "2*(X - Y)"),
        // Aliases and size-less constants.
        ("trace(diag(x)*A)", "x", [], "diagv(A)"),
        ("diag(A)'*x", "A", [], "diagm(x)"),
        ("tr((X - eye())'*A*(X - eye()))", "X", [], "(A + A')*(X - I(m))"),
        ("sum(max(X*w, zeros()))", "w", [], "X'*step(X*w)"),
        ("norm2(ones() - x)^2", "x", [], "2*(x - 1)"),
        // Kinds decided by the use.
        ("(x - mu)'*inv(S)*(x - mu)", "mu", [], "-(inv(S) + inv(S)')*(x - mu)"),
        ("n/2*logdet(S) + 0.5*tr(inv(S)*X'*X)", "S", [], "1/2*(n*inv(S) - inv(S)*X'*X*inv(S))'"),
        ("norm2(X*theta - y)^2", "theta", [], "2*X'*(X*theta - y)"),
    ] as [(String, String, [String], String)])
    func derivativeTable(expression: String, variable: String, declarations: [String], expected: String) throws {
        let result = try derivative(expression, variable, declarations)
        #expect(result.plain == expected, "\(expression) by \(variable)")
        let verification = result.verify()
        #expect(verification.verdict == .passed, "\(expression): \(verification.detail)")
    }

    /// Jacobians of the new functions: matrices, in the vec convention where not vector by vector.
    @Test(arguments: [
        ("softmax(x)", "x", "diagm(softmax(x)) - softmax(x)*softmax(x)'"),
        ("tan(x)", "x", "diagm(1 + tan(x).^2)"),
        ("max(x, y)", "x", "diagm(step(x - y))"),
        ("abs(x)", "x", "diagm(sign(x))"),
        ("sum(X, 2)", "X", "kron(ones(n)', I(m))"),
        ("X^2", "X", "kron(X', I(m)) + kron(I(m), X)"),
    ] as [(String, String, String?)])
    func jacobians(expression: String, variable: String, expected: String?) throws {
        let result = try derivative(expression, variable)
        #expect(result.plain == expected, "\(expression)")
        #expect(result.verify().verdict == .passed, "\(expression)")
    }

    /// Kinks: the derivative of `abs`, `relu`, `max` is a sign or a step, never a division
    /// by the argument, so it is finite at structural zeros; verification avoids points
    /// whose finite differences straddle a kink and says so when none is left.
    @Test func kinksNeverDivideByTheArgument() throws {
        let diagonal = try derivative("sum(abs(D))", "D", ["D:n,n:diagonal"])
        #expect(diagonal.plain == "sign(D)")
        #expect(diagonal.verify().verdict != .failed)
        let identity = try derivative("sum(relu(alpha*I(n)))", "alpha")
        #expect(identity.plain == "sum(step(alpha*I(n)).*I(n))" || identity.plain == "tr(step(alpha*I(n)))")
        #expect(identity.verify().verdict == .passed)
        let hinge = try derivative("sum(max(0, 1 - y.*(X*w)))", "w")
        #expect(!(hinge.plain ?? "").contains("./"))
        #expect(hinge.verify().verdict == .passed)
    }

    /// A sum of an identity over a summed index is its size: `Σ_i δ(i,i) = n`.
    @Test func sumsOverAnIdentityCountItsSize() throws {
        let result = try derivative("sum(alpha*I(m))", "alpha")
        #expect(result.plain == "tr(I(m))")
        #expect(result.verify().verdict == .passed)
    }

    /// What index notation cannot split is refused with a reason, never printed wrong.
    @Test(arguments: ["sum(exp(kron(A, X)))", "x'*kron(A, B)*x"])
    func kroneckerProductsInsideFunctionsAreRefused(expression: String) throws {
        let error = #expect(throws: DifferentiationError.self) { try derivative(expression, "x" == expression.suffix(1).description ? "x" : "X") }
        #expect(error?.message.contains("a product of dimensions") == true)
    }

    /// The second corpus's new-function and size-inference cases, through the corpus runner.
    @Test(arguments: Fixtures.secondCorpus(tagged: ["new-function", "size-inference"]).map(\.id))
    func secondCorpusCasePasses(id: String) throws {
        let corpusCase = try #require(Fixtures.secondCorpus.first { $0.id == id })
        let outcome = CorpusRunner.run(corpusCase)
        #expect(outcome.error == nil, "\(id): \(outcome.error ?? "")")
        #expect(outcome.verification?.verdict == .passed, "\(id)")
    }
}
