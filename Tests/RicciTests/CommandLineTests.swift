// The `ricci` command line: outputs, messages with carets, exit statuses.

import Testing
@testable import Ricci

@Suite struct CommandLineTests {
    /// Runs `ricci` with the arguments.
    func ricci(_ arguments: String...) -> CommandResult { CommandLineTool.run(arguments) }

    @Test(arguments: [
        (["diff", "norm2(A*x - b)^2", "--wrt", "x"], "2 Aᵀ(A x − b)\n"),
        (["diff", "norm2(A*x - b)^2", "--wrt", "A"], "2 (A x − b)xᵀ\n"),
        (["diff", "tr((X*W - Y)*(X*W - Y)')", "--wrt", "W"], "2 Xᵀ(X W − Y)\n"),
        (["diff", "tr((X*W - Y)*(X*W - Y)')", "--wrt", "W", "--format", "plain"], "2*X'*(X*W - Y)\n"),
        (["diff", "X*A", "--wrt", "X", "--format", "index"], "J[i,j,p,q] = delta(i,p)*A[q,j]\n"),
        (["diff", "x'*A*x", "--wrt", "x", "--var", "A:n,n:symmetric"], "2 A x\n"),
        (["hessian", "norm2(A*x - b)^2", "--wrt", "x", "--format", "plain"], "2*A'*A\n"),
        (["diff", "2*mu*x", "--wrt", "x", "--format", "plain"], "2*mu*I(m)\n"),
    ])
    func derivativesAsDocumented(arguments: [String], output: String) {
        let result = CommandLineTool.run(arguments)
        #expect(result == CommandResult(output: output, error: "", status: 0))
    }

    @Test func parseErrorsPointAtThePlace() {
        let result = ricci("diff", "tr(A*(x'", "--wrt", "x")
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.error == "error: unexpected end of input, expected ')'\n  tr(A*(x'\n          ^\n")
    }

    @Test func shapeErrorsNameBothShapes() {
        let result = ricci("diff", "A*B", "--wrt", "A", "--var", "A:m,n", "--var", "B:k,p")
        #expect(result.status == 2)
        #expect(result.error.contains("inner dimensions differ in A*B: A is m×n, B is k×p"))
        #expect(result.error.hasSuffix("  A*B\n  ^^^\n"))
    }

    @Test(arguments: [
        (["diff", "x'*x"], "missing --wrt"),
        (["diff", "x'*x", "--wrt"], "--wrt needs a value"),
        (["diff", "x'*x", "--wrt", "x", "--colour"], "unknown option --colour"),
        (["diff", "x'*x", "--wrt", "x", "--format", "svg"], "unknown format svg"),
        (["integrate", "x"], "unknown command 'integrate'"),
        (["diff", "--wrt", "x"], "missing expression"),
        (["corpus"], "missing corpus file"),
        (["hessian", "x'*y", "--wrt", "x", "--wrt", "y"], "ricci hessian takes one --wrt; for a derivative by several variables in turn, give each to ricci diff: ricci diff EXPR --wrt x --wrt y"),
        (["functions", "extra"], "ricci functions takes no arguments"),
        (["diff", "x'*x", "--wrt", "x", "--verify=no"], "--verify takes no value (found --verify=no)"),
        (["diff", "x'*x", "--wrt", "x", "--steps=yes"], "--steps takes no value"),
        (["diff", "--(x'*x)", "--wrt", "x"], "is read as an option because it starts with --; to give it as an expression, put -- before it: -- '--(x'\\''*x)'"),
        (["diff", "x'*x", "--wrt", "x", "--"], "-- must be followed by the argument"),
    ])
    func usageErrorsExitWithOne(arguments: [String], message: String) {
        let result = CommandLineTool.run(arguments)
        #expect(result.status == 1)
        #expect(result.error.contains(message))
    }

    /// `ricci functions` and the help list every built-in function with its meaning.
    @Test func functionsAreListed() {
        let result = ricci("functions")
        #expect(result.status == 0)
        for name in FunctionCatalog.names where !["I", "eye", "trace", "diag", "diagm", "diagv"].contains(name) {
            #expect(result.output.contains(name), "\(name)")
        }
        #expect(result.output.contains("sum(X, 1), sum(X, 2)   column sums (a row), row sums (a column)")
            || result.output.contains("column sums (a row), row sums (a column)"))
        #expect(ricci("--help").output.contains("softmax(X)"))
    }

    /// An unknown function lists the built-in ones; a matrix function of other tools is
    /// not offered as an entry-wise declaration.
    @Test func unknownFunctionsNameTheBuiltInOnes() {
        let unknown = ricci("diff", "sum(foo(x))", "--wrt", "x")
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("built-in functions are I abs acos"))
        #expect(unknown.error.contains("--func foo:elementwise"))
        let matrixFunction = ricci("diff", "tr(expm(X))", "--wrt", "X")
        #expect(matrixFunction.status == 2)
        #expect(matrixFunction.error.contains("the matrix exponential"))
        #expect(!matrixFunction.error.contains("--func expm:elementwise"))
    }

    @Test func noArgumentsPrintsHelpAsAUsageError() {
        let result = ricci()
        #expect(result.status == 1)
        #expect(result.error.contains("usage:"))
        #expect(ricci("--help").status == 0)
        #expect(ricci("--version").output == "ricci \(Ricci.version)\n")
    }

    @Test func badInputExitsWithTwo() {
        #expect(ricci("diff", "x'*x", "--wrt", "z").status == 2)
        #expect(ricci("diff", "x'*x", "--wrt", "z").error.contains("unknown variable 'z'"))
        #expect(ricci("diff", "x'*x", "--wrt", "x", "--var", "x:m,n,k").status == 2)
        #expect(ricci("diff", "foo(x)", "--wrt", "x").status == 2)
        #expect(ricci("hessian", "A*x", "--wrt", "x").status == 2)
    }

    @Test func underivableInputExitsWithThree() {
        let result = ricci("hessian", "sum(sigma(x))", "--wrt", "x", "--func", "sigma:elementwise")
        #expect(result.status == 3)
        #expect(result.error.contains("cannot take this derivative because"))
        #expect(result.error.contains("sigma'"))
    }

    @Test func jsonHasTheDocumentedFieldsInOrder() {
        let result = ricci("diff", "tr((X*W - Y)*(X*W - Y)')", "--wrt", "W", "--format", "json")
        #expect(result.status == 0)
        #expect(result.output == """
            {"expr": "tr((X*W - Y)*(X*W - Y)')", "wrt": "W", "shape": ["n", "k"], "index_shape": ["n", "k"], \
            "plain": "2*X'*(X*W - Y)", "index": "J[p,q] = 2*X[l,p]*(X*W - Y)[l,q]", \
            "pretty": "2 Xᵀ(X W − Y)", "latex": "2 X^{\\\\top} \\\\left(X W - Y\\\\right)", \
            "numpy": "2 * X.T @ (X @ W - Y)", "verified": "passed"}

            """)
    }

    @Test func jsonOfAnIndexOnlyJacobianHasTheIndexFormInEveryNotation() {
        let result = ricci("diff", "kron(A, X)", "--wrt", "X", "--format", "json", "--var", "X:n,n", "--var", "A:m,m")
        #expect(result.output.contains("\"shape\": [\"m\", \"n\", \"m\", \"n\", \"n\", \"n\"]"))
        #expect(result.output.contains("\"plain\": null"))
        #expect(result.output.contains("\"index\": \"J[i,j,k1,k2,p,q] = delta(j,p)*delta(k2,q)*A[i,k1]\""))
        // The index form in LaTeX and as NumPy code, where there is no matrix form.
        #expect(result.output.contains(#""latex": "\\frac{\\partial f_{i,j,k1,k2}}{\\partial X_{p,q}} = \\delta_{jp} \\delta_{k2,q} A_{i,k1}""#))
        #expect(result.output.contains(#""numpy": "np.einsum('jp,sq,ir->ijrspq', np.eye(n), np.eye(n), A)""#))
    }

    @Test func showPrintsInferredShapes() {
        let result = ricci("show", "tr((X*W - Y)*(X*W - Y)')")
        #expect(result.status == 0)
        #expect(result.output == """
            expression  tr((X*W - Y)*(X*W - Y)')
            pretty      tr((X W − Y)(X W − Y)ᵀ)
            shape       scalar
            variables
              W  matrix n×k (inferred)
              X  matrix m×n (inferred)
              Y  matrix m×k (inferred)

            """)
        let declared = ricci("show", "x'*S*x", "--var", "S:n,n:spd", "--func", "sigma:elementwise")
        #expect(declared.output.contains("  S  matrix n×n, spd\n"))
        #expect(declared.output.contains("  x  vector n (inferred)\n"))
        #expect(declared.output.contains("functions\n  sigma  elementwise\n"))
    }

    @Test func verifyPrintsTheVerdict() {
        let result = ricci("diff", "norm2(A*x - b)^2", "--wrt", "x", "--verify")
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("2 Aᵀ(A x − b)\nverified: passed ("))
        #expect(result.output.contains("element-wise expansion and central differences"))
    }

    @Test func stepsShowTheDerivation() {
        let result = ricci("diff", "tr((X*W - Y)*(X*W - Y)')", "--wrt", "W", "--steps")
        #expect(result.status == 0)
        let labels = result.output.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(labels.first == "input")
        for label in ["index", "adjoint", "with", "contracted", "lifted", "result", "verified"] {
            #expect(labels.contains(label), "\(label)")
        }
        #expect(result.output.contains("contracted   ∂f/∂W[p,q] = 2*X[l,p]*(X*W - Y)[l,q]\n"))
        #expect(result.output.hasSuffix("\n\n2 Xᵀ(X W − Y)\n"))
        let rules = ricci("diff", "tr(X*X*B)", "--wrt", "X", "--steps", "--format", "plain")
        #expect(rules.output.contains("rule collect-transposes"))
        let json = ricci("diff", "x'*x", "--wrt", "x", "--steps", "--format", "json")
        #expect(json.output.contains("\"steps\": [{\"step\": \"input\", \"text\": \"x'*x\"}"))
    }

    /// `--` makes the next argument an expression, whatever it starts with; options follow.
    @Test func doubleDashMarksTheNextArgumentAsTheExpression() {
        let result = ricci("diff", "--", "--(x'*x)", "--wrt", "x", "--format", "plain")
        #expect(result == CommandResult(output: "2*x\n", error: "", status: 0))
        let before = ricci("diff", "--wrt", "x", "--", "--x", "--format", "plain")
        #expect(before == CommandResult(output: "I(m)\n", error: "", status: 0))
    }

    @Test func helpInsideACommandPrintsTheHelp() {
        #expect(ricci("diff", "x'*x", "--help") == CommandResult(output: CommandLineTool.help, error: "", status: 0))
    }

    /// Input of several lines gets its line, with the number and the column, and the caret.
    @Test func caretsUnderMultilineInput() {
        let result = ricci("diff", "x'*x +\n  (x'*$)", "--wrt", "x")
        #expect(result.status == 2)
        #expect(result.error == "error: unknown character '$' (U+24)\n  line 2, column 7:\n    (x'*$)\n        ^\n")
    }

    /// Control characters show as their symbols, one column each, so the caret stays in place.
    @Test func caretsUnderInputWithControlCharacters() {
        let tab = ricci("diff", "x\t+ $", "--wrt", "x")
        #expect(tab.error == "error: unknown character '$' (U+24)\n  x␉+ $\n      ^\n")
        let control = ricci("diff", "x +\u{01} y", "--wrt", "x")
        #expect(control.error == "error: unknown character '␁' (U+1)\n  x +␁ y\n     ^\n")
    }

    /// A long line shows the part around the place, cut with an ellipsis.
    @Test func caretsUnderALongLine() {
        let input = Array(repeating: "x", count: 200).joined(separator: " + ") + " + $"
        let result = ricci("diff", input, "--wrt", "x")
        let lines = result.error.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("  …") && lines[1].count <= SourceExcerpt.width + 4)
        let caret = try? #require(lines[2].firstIndex(of: "^"))
        let dollar = try? #require(lines[1].firstIndex(of: "$"))
        if let caret, let dollar {
            #expect(lines[2].distance(from: lines[2].startIndex, to: caret) == lines[1].distance(from: lines[1].startIndex, to: dollar))
        }
    }

    @Test func expressionsStartingWithAMinusAreNotOptions() {
        let result = ricci("diff", "-x'*x", "--wrt", "x", "--format", "plain")
        #expect(result == CommandResult(output: "-2*x\n", error: "", status: 0))
    }
}
