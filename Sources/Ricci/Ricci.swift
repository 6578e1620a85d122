// The library's front door: the one-call API.

/// Ricci, a symbolic matrix-calculus differentiator.
///
/// ```swift
/// let gradient = try Ricci.derivative(of: "norm2(A*x - b)^2", withRespectTo: "x")
/// print(gradient.pretty)   // 2 Aᵀ(A x − b)
/// ```
public enum Ricci {
    /// The version printed by `ricci --version`.
    public static let version = "0.1.0"

    /// The derivative of `expression` (the language of `LANGUAGE.md`) with respect to the
    /// variable `variable`: the gradient of a scalar function (shaped like the variable),
    /// else the Jacobian (`J[i,j,p,q] = ∂f[i,j]/∂X[p,q]`, a matrix when it is one).
    /// `profile`, if given, accumulates the time of each stage; `recordingSteps` fills the
    /// result's ``Derivative/steps``.
    public static func derivative(
        of expression: String, withRespectTo variable: String, declarations: Declarations = Declarations(),
        profile: StageProfile? = nil, recordingSteps: Bool = false
    ) throws -> Derivative {
        let checked = try measured(profile, .parse) { try CheckedExpression(parsing: expression, declarations: declarations) }
        return try derivative(of: checked, withRespectTo: variable, profile: profile, recordingSteps: recordingSteps)
    }

    /// The derivative of an expression whose shapes are known.
    public static func derivative(
        of expression: CheckedExpression, withRespectTo variable: String, profile: StageProfile? = nil,
        recordingSteps: Bool = false
    ) throws -> Derivative {
        try Differentiator(
            expression: expression.expression, environment: expression.environment, profile: profile,
            recordingSteps: recordingSteps
        ).derivative(withRespectTo: variable)
    }

    /// The derivative of `expression` by `variables` in turn (`["W", "b"]`: by W, then that
    /// result by b; `["x", "x", "x"]`: the third derivative), as `LANGUAGE.md` defines it: index
    /// notation always (`D[i,j,p,q,r,s] = …`), a matrix for a second derivative of a scalar
    /// function (the vec convention where a variable is a matrix). One variable is
    /// ``derivative(of:withRespectTo:declarations:profile:recordingSteps:)-(String,String,_,_,_)``.
    public static func derivative(
        of expression: String, withRespectTo variables: [String], declarations: Declarations = Declarations(),
        profile: StageProfile? = nil, recordingSteps: Bool = false
    ) throws -> Derivative {
        let checked = try measured(profile, .parse) { try CheckedExpression(parsing: expression, declarations: declarations) }
        return try derivative(of: checked, withRespectTo: variables, profile: profile, recordingSteps: recordingSteps)
    }

    /// The derivative by `variables` in turn of an expression whose shapes are known.
    public static func derivative(
        of expression: CheckedExpression, withRespectTo variables: [String], profile: StageProfile? = nil,
        recordingSteps: Bool = false
    ) throws -> Derivative {
        try Differentiator(
            expression: expression.expression, environment: expression.environment, profile: profile,
            recordingSteps: recordingSteps
        ).derivative(withRespectTo: variables)
    }

    /// The Hessian `H[i,p] = ∂²f/∂x_i ∂x_p` of a scalar function with respect to a vector or
    /// scalar variable (index notation for a matrix variable).
    public static func hessian(
        of expression: String, withRespectTo variable: String, declarations: Declarations = Declarations(),
        profile: StageProfile? = nil, recordingSteps: Bool = false
    ) throws -> Derivative {
        let checked = try measured(profile, .parse) { try CheckedExpression(parsing: expression, declarations: declarations) }
        return try hessian(of: checked, withRespectTo: variable, profile: profile, recordingSteps: recordingSteps)
    }

    /// The Hessian of an expression whose shapes are known.
    public static func hessian(
        of expression: CheckedExpression, withRespectTo variable: String, profile: StageProfile? = nil,
        recordingSteps: Bool = false
    ) throws -> Derivative {
        try Differentiator(
            expression: expression.expression, environment: expression.environment, profile: profile,
            recordingSteps: recordingSteps
        ).hessian(withRespectTo: variable)
    }
}

extension Derivative {
    /// One line of the language (parseable again), `nil` when there is no matrix form.
    public var plain: String? { matrix.map(PlainPrinter.print) }
    /// Unicode matrix notation (`2 Xᵀ(X W − Y)`), or index notation when there is no matrix form.
    /// Repeated sub-expressions are named where that shortens it (`… where T₁ = X W`).
    public var pretty: String {
        guard let matrix else { return IndexPrinter.print(index) }
        return repeatedSubexpressions.map(PrettyPrinter.printNamingRepeats) ?? PrettyPrinter.print(matrix)
    }
    /// The axes of the index form, one per free index (`[m, n, p, q]` for `J[i,j,p,q]`):
    /// ``shape`` arranges the same entries as a matrix when there is a matrix form.
    public var indexShape: [Dimension] { index.freeIndices.map { index.ranges[$0] ?? .one } }
    /// LaTeX math: the matrix form, or the index form when there is none
    /// (`\frac{\partial f_{ij}}{\partial X_{pq}} = \delta_{ip} A_{qj}`, Einstein's convention).
    public var latex: String? {
        if let matrix { return LaTeXPrinter.print(matrix) }
        let counts = variables.map { (name: $0, indexCount: environment.variables[$0]?.shape.indexRanges.count ?? 0) }
        let functionCount = index.freeIndices.count - counts.reduce(0) { $0 + $1.indexCount }
        return IndexLaTeXPrinter.print(index, functionIndexCount: max(0, functionCount), variables: counts)
    }
    /// Presentation MathML (one `<math>` element, which browsers render natively): the
    /// matrix form with its repeated sub-expressions named as ``pretty`` names them, or the
    /// index form as text when there is none.
    public var mathml: String {
        if let matrix {
            guard let graph = repeatedSubexpressions else { return MathMLPrinter.print(matrix) }
            let (root, definitions) = PrettyPrinter.namingRepeats(graph)
            return MathMLPrinter.print(root, where: definitions)
        }
        return "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\"><mtext>"
            + MathMLPrinter.escaped(IndexPrinter.print(index)) + "</mtext></math>"
    }
    /// A NumPy expression (every value a 2-D array): the matrix form, or the index form as
    /// `np.einsum` calls giving an array with an axis per index when there is no matrix form.
    public var numpy: String? {
        let environment = self.environment
        let isScalar = { (expr: MatrixExpr) in (try? environment.shape(of: expr))?.isScalar ?? false }
        let isRowVector = { (expr: MatrixExpr) in (try? environment.shape(of: expr))?.kind == .rowVector }
        guard let matrix else { return EinsumPrinter.print(index, isScalar: isScalar, isRowVector: isRowVector) }
        return NumPyPrinter.print(matrix, isScalar: isScalar, isRowVector: isRowVector)
    }
}
