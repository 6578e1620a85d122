// Every built-in function of the language with a one-line meaning: for help and for messages.

/// The built-in functions as users see them: how each is written and what it means, in the
/// order `ricci functions` lists them. The parser recognizes exactly these names (and no
/// others), so the catalog is also what an unknown-function error offers instead.
public enum FunctionCatalog {
    /// One built-in function.
    public struct Entry: Sendable {
        /// How it is called, `sum(X, d)`.
        public let usage: String
        /// One line: what it computes.
        public let meaning: String
    }

    /// Groups of entries, each with a heading.
    public static let groups: [(heading: String, entries: [Entry])] = [
        ("matrix functions", [
            Entry(usage: "tr(M), trace(M)", meaning: "trace of a square matrix"),
            Entry(usage: "det(M)", meaning: "determinant"),
            Entry(usage: "logdet(M)", meaning: "log of the determinant (det > 0)"),
            Entry(usage: "inv(M), M^-1", meaning: "inverse of a square matrix"),
            Entry(usage: "pinv(M)", meaning: "Moore–Penrose pseudo-inverse (full rank)"),
            Entry(usage: "M^k", meaning: "matrix power of a square matrix, integer constant k"),
            Entry(usage: "kron(A, B)", meaning: "Kronecker product"),
            Entry(usage: "vec(M)", meaning: "the columns of M stacked into one vector"),
            Entry(usage: "diagm(v), diag(v)", meaning: "diagonal matrix with the vector v on its diagonal"),
            Entry(usage: "diagv(M), diag(M)", meaning: "vector of the diagonal of a square matrix"),
            Entry(usage: "softmax(X)", meaning: "exp(X) ./ sum(exp(X), 1): each column sums to 1"),
        ]),
        ("reductions (scalars unless an axis is given)", [
            Entry(usage: "sum(X)", meaning: "sum of all entries"),
            Entry(usage: "sum(X, 1), sum(X, 2)", meaning: "column sums (a row), row sums (a column)"),
            Entry(usage: "mean(X), mean(X, 1), mean(X, 2)", meaning: "the same divided by the count"),
            Entry(usage: "norm2(X)", meaning: "Euclidean norm of a vector, Frobenius norm of a matrix"),
            Entry(usage: "norm1(X)", meaning: "sum of the absolute values of the entries"),
            Entry(usage: "logsumexp(X)", meaning: "log(sum(exp(X))) over all entries"),
            Entry(usage: "numel(X)", meaning: "number of entries"),
            Entry(usage: "size(X, 1), size(X, 2)", meaning: "number of rows, of columns"),
        ]),
        ("entry-wise functions", [
            Entry(usage: "exp log sqrt log1p", meaning: "exponential, logarithm, square root, log(1 + x)"),
            Entry(usage: "sin cos tan asin acos atan", meaning: "trigonometric functions and their inverses"),
            Entry(usage: "sinh cosh tanh", meaning: "hyperbolic functions"),
            Entry(usage: "sigmoid softplus relu", meaning: "1/(1 + e^-x), log(1 + e^x), max(x, 0)"),
            Entry(usage: "abs sign step", meaning: "|x|, the sign (-1, 0, 1), 1 where x > 0 and else 0"),
            Entry(usage: "max(X, Y), min(X, Y)", meaning: "entry-wise maximum and minimum, broadcasting"),
            Entry(usage: "X.^c, X.^t, s^t", meaning: "entry-wise power; a power by a scalar expression t"),
        ]),
        ("constants (the size may be left out where the expression gives it)", [
            Entry(usage: "I(n), eye(n)", meaning: "identity"),
            Entry(usage: "ones(m, n), ones(m)", meaning: "all ones"),
            Entry(usage: "zeros(m, n), zeros(m)", meaning: "all zeros"),
            Entry(usage: "commutation(m, n)", meaning: "the matrix K with K*vec(A) = vec(A') for m×n A"),
        ]),
    ]

    /// The catalog as text, one function per line: `  sum(X, 1), sum(X, 2)   column sums …`.
    public static var text: String {
        let width = groups.flatMap(\.entries).map(\.usage.count).max() ?? 0
        var lines: [String] = []
        for group in groups {
            lines.append(group.heading + ":")
            for entry in group.entries {
                lines.append("  " + entry.usage + String(repeating: " ", count: width - entry.usage.count + 3) + entry.meaning)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The names of every built-in function, sorted: what an unknown-function error lists.
    public static var names: [String] {
        var names = Set(MatrixFunction.builtins.keys)
        names.formUnion(BinaryFunction.allCases.map(\.name))
        names.formUnion(["I", "eye", "ones", "zeros", "commutation", "size"])
        return names.sorted()
    }

    /// Functions of other tools that Ricci writes another way, with how: an unknown-function
    /// error says this instead of offering a declaration that would not mean the same.
    static let otherSpellings: [String: String] = [
        "transpose": "write the transpose as X'",
        "trans": "write the transpose as X'",
        "norm": "write norm2(X) (Euclidean or Frobenius) or norm1(X)",
        "frobenius": "write norm2(X)",
        "dot": "write x'*y",
        "inner": "write x'*y",
        "outer": "write x*y'",
        "matmul": "write A*B",
        "hadamard": "write A.*B",
        "logistic": "write sigmoid(x)",
        "expit": "write sigmoid(x)",
        "square": "write x.^2",
        "pow": "write x.^c or s^t",
        "power": "write x.^c or s^t",
        "diagonal": "write diag(X)",
        "identity": "write I(n)",
        "log_softmax": "write log(softmax(x))",
        "logsoftmax": "write log(softmax(x))",
        "lse": "write logsumexp(x)",
        "maximum": "write max(X, Y)",
        "minimum": "write min(X, Y)",
        "relu6": "write min(relu(x), 6)",
        "heaviside": "write step(x)",
        "signum": "write sign(x)",
        "sgn": "write sign(x)",
        "ln": "write log(x)",
        "arcsin": "write asin(x)",
        "arccos": "write acos(x)",
        "arctan": "write atan(x)",
        "inverse": "write inv(X)",
        "pinverse": "write pinv(X)",
        "determinant": "write det(X)",
        "kronecker": "write kron(A, B)",
    ]

    /// Matrix functions Ricci does not have: declaring one element-wise would change its
    /// meaning, so an error names what it is instead.
    static let matrixFunctionsElsewhere: [String: String] = [
        "expm": "the matrix exponential", "logm": "the matrix logarithm", "sqrtm": "the matrix square root",
        "svd": "the singular value decomposition", "eig": "the eigendecomposition",
        "eigvals": "the eigenvalues", "chol": "the Cholesky factor", "cholesky": "the Cholesky factor",
        "qr": "the QR decomposition", "lu": "the LU decomposition", "rank": "the rank",
        "adj": "the adjugate", "adjugate": "the adjugate", "cond": "the condition number",
        "nuclear": "the nuclear norm", "spectral": "the spectral norm", "cumsum": "the cumulative sum",
        "sort": "sorting", "argmax": "the position of the maximum", "argmin": "the position of the minimum",
    ]

    /// What to say about a call of `name`, which is neither built in nor declared: a way to
    /// write it that Ricci knows, or what a declaration would mean.
    static func advice(forUnknown name: String) -> String {
        if let spelling = otherSpellings[name.lowercased()] {
            return spelling
        }
        if let meaning = matrixFunctionsElsewhere[name.lowercased()] {
            return "\(name) (\(meaning)) is not a function of the language, and declaring it entry-wise would "
                + "mean something else; built-in functions: " + names.joined(separator: " ")
        }
        return "built-in functions are " + names.joined(separator: " ")
            + "; declare your own entry-wise function with --func \(name):elementwise, "
            + "or a scalar function of a matrix with --func \(name):scalar"
    }
}
