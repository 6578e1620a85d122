// `ricci code`: the Python modules, as text (the CI runs them).

import Testing
@testable import Ricci

/// The module of the derivative of `expression` by `variables` in turn.
private func module(_ expression: String, _ variables: [String], _ declarations: [String] = [],
                    functions: [String] = [], language: CodeLanguage = .numpy) throws -> String {
    let derivative = try Ricci.derivative(
        of: expression, withRespectTo: variables,
        declarations: Declarations(parsingVariables: declarations, functions: functions))
    return derivative.pythonModule(language: language)
}

@Suite struct CodeTests {
    /// The whole function of a least-squares gradient: sizes read and checked, the repeated
    /// residual computed once.
    @Test func leastSquaresGradient() throws {
        let text = try module("tr((X*W - Y)*(X*W - Y)')", ["W"])
        #expect(text.contains("""
            def value_and_derivative(X, W, Y):
                \"\"\"The value of the expression and its derivative.\"\"\"
                X = np.asarray(X, dtype=np.float64)
                if X.ndim != 2:
                    raise ValueError(f"X must be a matrix (2-D, m×n), got an array of shape {tuple(X.shape)}")
                m = X.shape[0]
                n = X.shape[1]
                W = np.asarray(W, dtype=np.float64)
                if W.ndim != 2:
                    raise ValueError(f"W must be a matrix (2-D, n×k), got an array of shape {tuple(W.shape)}")
                if W.shape[0] != n:
                    raise ValueError(f"W must be a matrix (2-D, n×k), got an array of shape {tuple(W.shape)}: n = {n} from X")
                k = W.shape[1]
            """))
        #expect(text.contains("""
                T1 = X @ W - Y
                value = np.trace(T1 @ T1.T)
                derivative = 2.0 * X.T @ T1
                return value, derivative
            """))
    }

    /// Every module has the functions `LANGUAGE.md` names and runs as a script.
    @Test(arguments: [
        ("sum(log(1 + exp(-y.*(X*w))))", ["w"], [String]()),
        ("x'*A*x", ["x", "x"], []),
        ("A*X*B", ["X"], []),
        ("sum(exp(x))", ["x", "x", "x"], []),
        ("logdet(S)", ["S"], ["S:n,n:spd"]),
        ("norm2(pinv(A))^2", ["A"], []),
    ] as [(String, [String], [String])])
    func modulesHaveTheirParts(expression: String, variables: [String], declarations: [String]) throws {
        let text = try module(expression, variables, declarations)
        for part in ["def value_and_derivative(", "def random_variables(seed=0):", "def check(seed=0):",
                     "if __name__ == \"__main__\":", "raise SystemExit(0 if error <= 1e-6 else 1)"] {
            #expect(text.contains(part), "\(expression): \(part)")
        }
    }

    /// Vectors are 1-D: a column times a row is an outer product, a column broadcast against a
    /// matrix is indexed `[:, None]`.
    @Test func vectorsAreOneDimensional() throws {
        #expect(try module("x*y'", ["x"]).contains("value = np.outer(x, y)"))
        #expect(try module("norm2(W*X + b - Y)^2", ["b"]).contains("W @ X + b[:, None] - Y"))
    }

    /// A product with `diagm(v)` is a broadcast that scales rows or columns, not `np.diag(v)`
    /// multiplied densely (an n×n matrix formed, n³ operations instead of n²).
    @Test func diagonalScalingsAreBroadcasts() throws {
        #expect(try module("diagm(u)*X*w", ["w"]).contains("T1 = u[:, None] * X"))
        let hessian = try module("sum(log(1 + exp(-y.*(X*w))))", ["w", "w"])
        #expect(hessian.contains("derivative = X.T * (_sigmoid(y * T1) * _sigmoid(T2) * y ** 2.0) @ X"))
        #expect(!hessian.contains("np.diag("))
    }

    /// Repeated sub-expressions become temporaries; numerically careful helpers where needed.
    @Test func temporariesAndCarefulForms() throws {
        let logistic = try module("sum(log(1 + exp(-y.*(X*w))))", ["w"])
        #expect(logistic.contains("T1 = -y * (X @ w)"))
        #expect(logistic.contains("value = np.sum(np.log1p(np.exp(T1)))"))
        #expect(logistic.contains("derivative = -X.T @ (y * _sigmoid(T1))"))
        let softmax = try module("-y'*log(softmax(W*x))", ["W"])
        #expect(softmax.contains("def _softmax(x):") && softmax.contains("np.exp(x - np.max(x, axis=0))"))
        #expect(try module("sum(sigmoid(x))", ["x"]).contains("def _sigmoid(x):"))
    }

    /// A derivative without a matrix form is computed with einsum, an axis per index.
    @Test func indexFormsUseEinsum() throws {
        let text = try module("sum(exp(x))", ["x", "x", "x"])
        #expect(text.contains("derivative = np.einsum('pr,pt,p->prt', np.eye(m), np.eye(m), T1)"))
    }

    /// Declared functions are keyword parameters; the check passes stand-ins.
    @Test func declaredFunctionsAreParameters() throws {
        let text = try module("sum(sigma(W*x))", ["W"], functions: ["sigma:elementwise"])
        #expect(text.contains("def value_and_derivative(W, x, *, sigma, sigma_prime):"))
        #expect(text.contains("\"sigma\": lambda x: _tanh("))
    }

    /// JAX and PyTorch modules use their library and check against its differentiation.
    @Test func jaxAndTorch() throws {
        let jax = try module("x'*A*x", ["x"], language: .jax)
        #expect(jax.contains("jax.config.update(\"jax_enable_x64\", True)"))
        #expect(jax.contains("x = jnp.asarray(x, dtype=jnp.float64)"))
        #expect(jax.contains("jax.jacfwd("))
        let torch = try module("x'*A*x", ["x"], language: .torch)
        #expect(torch.contains("x = torch.as_tensor(x, dtype=torch.float64)"))
        #expect(torch.contains("torch.autograd.functional.jacobian("))
    }

    /// The command line: `ricci code`, its options read strictly.
    @Test func commandLine() {
        let result = CommandLineTool.run(["code", "x'*x", "--wrt", "x", "--lang", "jax"])
        #expect(result.status == 0 && result.output.hasPrefix("\"\"\"The derivative of `x'*x` by `x`"))
        #expect(CommandLineTool.run(["code", "x'*x"]).error.contains("missing --wrt"))
        #expect(CommandLineTool.run(["code", "x'*x", "--wrt", "x", "--lang", "julia"]).error
            .contains("unknown language julia: use one of numpy, jax, torch"))
    }
}
