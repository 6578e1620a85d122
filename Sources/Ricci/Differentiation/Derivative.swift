// The derivative of a checked expression: which derivative, computed by which mode, lifted.

import Foundation

/// A derivative request that does not make sense for the input (bad input, exit status 2).
public struct DerivativeRequestError: RicciError {
    public let message: String
    public var range: SourceRange? { nil }
    public var category: ErrorCategory { .badInput }
}

/// A derivative computed by Ricci: matrix notation when it has one, index notation always.
public struct Derivative: Sendable {
    /// Which derivative it is.
    public enum Kind: String, Sendable {
        /// Of a scalar function: shaped like the variable, `G[p,q] = ∂f/∂X[p,q]`.
        case gradient
        /// Of a non-scalar function: `J[i,j,p,q] = ∂f[i,j]/∂X[p,q]`, a matrix when it is
        /// vector by vector (`J[i,p] = ∂f_i/∂x_p`) or anything by a scalar (`f`'s shape).
        case jacobian
        /// Second derivative of a scalar function: `H[i,p] = ∂²f/∂x_i ∂x_p`.
        case hessian
        /// A derivative by several variables in turn, or of order three and more
        /// (`D[i,j,p,q,r,s] = ∂²f[i,j]/∂X[p,q]∂Y[r,s]`): each step differentiates the result so
        /// far; a matrix for a second derivative of a scalar function (`LANGUAGE.md`'s vec
        /// convention), index notation otherwise.
        case higherOrder
    }

    /// Gradient, Jacobian or Hessian.
    public let kind: Kind
    /// The function differentiated.
    public let function: MatrixExpr
    /// The variable (the first, for a derivative by several in turn).
    public let variable: String
    /// The variables differentiated by, in order (`[x]` for a first derivative, `[x, x]` for
    /// a Hessian).
    public let variables: [String]
    /// For a derivative of higher order, the one of order one less (in index notation),
    /// which verification differentiates numerically.
    let lower: IndexNotation?
    /// The variables and functions of the problem.
    public let environment: Environment
    /// The derivative's axes: the variable's for a gradient, `[m, n]` for a matrix-form
    /// Jacobian or Hessian, the function's then the variable's for an index-form one.
    public let shape: [Dimension]
    /// The derivative in matrix notation, `nil` when it has none (an order-3 or order-4
    /// Jacobian); then ``index`` is the answer.
    public let matrix: MatrixExpr?
    /// The shape of ``matrix`` as a matrix (`rows × columns`).
    public let matrixShape: Shape?
    /// The derivative in index notation (written out when first asked for: most uses of a
    /// derivative never read it).
    public var index: IndexNotation { deferred.notation }
    /// For a Hessian, the gradient it differentiates.
    public let gradient: MatrixExpr?
    /// The steps of the derivation, when they were asked for (see ``Ricci``'s `recordingSteps`).
    public let steps: [DerivationStep]
    private let deferred: DeferredForms
    /// The distinct sub-expressions of ``matrix`` when some are written more than once (its
    /// pretty form names them); `nil` when nothing repeats. Found when first asked for.
    var repeatedSubexpressions: SubexpressionGraph? { deferred.repeats }

    /// A derivative with every part given.
    init(
        kind: Kind, function: MatrixExpr, variable: String, environment: Environment, shape: [Dimension],
        matrix: MatrixExpr?, matrixShape: Shape?, index: IndexNotation, gradient: MatrixExpr?, steps: [DerivationStep]
    ) {
        self.init(
            kind: kind, function: function, variable: variable, environment: environment, shape: shape,
            matrix: matrix, matrixShape: matrixShape,
            deferred: DeferredForms(index, repeats: matrix.map { SubexpressionGraph($0) }),
            gradient: gradient, steps: steps)
    }

    fileprivate init(
        kind: Kind, function: MatrixExpr, variable: String, environment: Environment, shape: [Dimension],
        matrix: MatrixExpr?, matrixShape: Shape?, deferred: DeferredForms, gradient: MatrixExpr?,
        steps: [DerivationStep], variables: [String] = [], lower: IndexNotation? = nil
    ) {
        self.kind = kind
        self.function = function
        self.variable = variable
        self.variables = variables.isEmpty ? (kind == .hessian ? [variable, variable] : [variable]) : variables
        self.lower = lower
        self.environment = environment
        self.shape = shape
        self.matrix = matrix
        self.matrixShape = matrixShape
        self.deferred = deferred
        self.gradient = gradient
        self.steps = steps
    }
}

/// The parts of a derivative that many uses never read, worked out from the derivation the
/// first time they are: its index notation, and the graph of its repeated sub-expressions.
/// The derivation's context is used by no one else once the derivative is made; the lock
/// serialises the work.
private final class DeferredForms: @unchecked Sendable {
    private let lock = NSLock()
    private var notationValue: IndexNotation?
    private var repeatsValue: SubexpressionGraph??
    private let source: (context: IndexContext, terms: [Term], function: [Index], variables: [[Index]], name: String,
                         matrix: ExprID?)?

    init(_ notation: IndexNotation, repeats: SubexpressionGraph?) {
        notationValue = notation
        repeatsValue = .some(repeats)
        source = nil
    }

    init(context: IndexContext, terms: [Term], functionIndices: [Index], variableGroups: [[Index]], name: String,
         matrix: ExprID?) {
        source = (context, terms, functionIndices, variableGroups, name, matrix)
    }

    var notation: IndexNotation {
        lock.withLock {
            if let notationValue { return notationValue }
            guard let (context, terms, function, variables, name, _) = source else {
                preconditionFailure("deferred forms have a value or a source")
            }
            // A lone term skipped canonical form while merging; the printed form wants it.
            let free = function + variables.flatMap { $0 }
            let canonical = terms.count == 1 ? [context.canonical(terms[0], free: free)] : terms
            let written = context.notation(of: canonical, functionIndices: function, variableGroups: variables, name: name)
            notationValue = written
            return written
        }
    }

    var repeats: SubexpressionGraph? {
        lock.withLock {
            if let repeatsValue { return repeatsValue }
            guard let (context, _, _, _, _, matrix) = source else {
                preconditionFailure("deferred forms have a value or a source")
            }
            let graph = matrix.flatMap { id in
                context.table.repeatsSubexpressions(id) ? SubexpressionGraph(id, in: context.table) : nil
            }
            repeatsValue = .some(graph)
            return graph
        }
    }
}

/// Computes derivatives of one problem (an expression with every shape known).
struct Differentiator {
    let expression: MatrixExpr
    let environment: Environment
    /// Where stage timings go, when they are wanted.
    var profile: StageProfile?
    /// True to record the steps of the derivation.
    var recordingSteps = false

    /// A differentiator of `expression` in `environment`.
    init(expression: MatrixExpr, environment: Environment, profile: StageProfile? = nil, recordingSteps: Bool = false) {
        self.expression = expression
        self.environment = environment
        self.profile = profile
        self.recordingSteps = recordingSteps
    }

    /// The first derivative with respect to `variable`: a gradient for a scalar function
    /// (reverse mode), a Jacobian otherwise (forward mode).
    func derivative(withRespectTo variable: String) throws -> Derivative {
        let (context, root, variableShape) = try prepare(variable)
        let functionShape = context.table.shape(root)
        let variableIndices = context.allocator.fresh(for: variableShape)
        if functionShape.isScalar {
            let terms = try context.reverseGradient(of: root, withRespectTo: variable, variableIndices: variableIndices)
            try context.checkCompoundEntries()
            return try package(
                .gradient, context, terms, functionIndices: [], variable: variable,
                variableIndices: variableIndices, matrixShape: variableShape)
        }
        let functionIndices = context.allocator.fresh(for: functionShape)
        let terms = try context.forwardDerivative(
            of: root, at: functionIndices, withRespectTo: variable, variableIndices: variableIndices)
        try context.checkCompoundEntries()
        return try package(
            .jacobian, context, terms, functionIndices: functionIndices, variable: variable,
            variableIndices: variableIndices,
            matrixShape: jacobianMatrixShape(function: functionShape, variable: variableShape))
    }

    /// The derivative by `variables` in turn (`LANGUAGE.md`, "Derivatives of every order"):
    /// the first by reverse mode for a scalar function (forward mode otherwise), each further
    /// one by differentiating the terms so far (``IndexContext/derivative(of:free:withRespectTo:variableIndices:)``).
    /// One variable is ``derivative(withRespectTo:)``; the same variable twice, of a scalar
    /// function, ``hessian(withRespectTo:)``. A second derivative of a scalar function has a
    /// matrix form in the vec convention, applied to the first derivative: by a scalar it has
    /// the first's shape, of a scalar (by a scalar first) the second variable's, vector by
    /// vector `D[p,r]`, anything else `∂vec(G)/∂vec(Y)ᵀ`. Higher orders, and second derivatives
    /// of a non-scalar function, are in index notation `D[i,j,p,q,r,s,…]`.
    func derivative(withRespectTo variables: [String]) throws -> Derivative {
        guard let first = variables.first else {
            throw DerivativeRequestError(message: "no variable to differentiate by")
        }
        if variables.count == 1 { return try derivative(withRespectTo: first) }
        for name in variables where environment.variables[name] == nil {
            throw DerivativeRequestError(message: "unknown variable '\(name)': it is neither declared nor in \(expression)")
        }
        let (context, root, firstShape) = try prepare(first, differentiatedAgain: true, alsoIndependent: Array(variables.dropFirst()))
        let functionShape = context.table.shape(root)
        if variables.count == 2, variables[1] == first, functionShape.isScalar {
            return try hessian(withRespectTo: first)
        }
        let functionIndices = functionShape.isScalar ? [] : context.allocator.fresh(for: functionShape)
        var groups = [context.allocator.fresh(for: firstShape)]
        var terms = functionShape.isScalar
            ? try context.reverseGradient(of: root, withRespectTo: first, variableIndices: groups[0])
            : try context.forwardDerivative(of: root, at: functionIndices, withRespectTo: first, variableIndices: groups[0])
        var lowerTerms = terms
        for name in variables.dropFirst() {
            let indices = context.allocator.fresh(for: environment.variables[name]!.shape)
            lowerTerms = terms
            terms = try context.derivative(
                of: terms, free: functionIndices + groups.flatMap { $0 }, withRespectTo: name, variableIndices: indices)
            groups.append(indices)
            if let trace = context.trace {
                let notation = context.notation(of: terms.map { context.canonical($0, free: functionIndices + groups.flatMap { $0 }) },
                                                functionIndices: functionIndices, variableGroups: groups, name: "D")
                trace.record("by \(name)", IndexPrinter.print(notation))
            }
        }
        try context.checkCompoundEntries()
        let lowerGroups = Array(groups.dropLast())
        let lower = context.notation(
            of: lowerTerms.count == 1
                ? [context.canonical(lowerTerms[0], free: functionIndices + lowerGroups.flatMap { $0 })] : lowerTerms,
            functionIndices: functionIndices, variableGroups: lowerGroups, name: lowerGroups.count == 1 ? "J" : "D")
        // A second derivative of a scalar: the first step's indices stand for the function.
        let isSecondOfScalar = functionShape.isScalar && variables.count == 2
        let (rows, columns) = (groups[0], groups.count > 1 ? groups[1] : [])
        var matrixShape: Shape?
        if isSecondOfScalar {
            let (firstAxes, secondAxes) = (rows.map(context.range(of:)), columns.map(context.range(of:)))
            if firstAxes.isEmpty {
                matrixShape = environment.variables[variables[1]]!.shape
            } else if secondAxes.isEmpty {
                matrixShape = firstShape
            } else if firstAxes.count == 1 && secondAxes.count == 1 {
                matrixShape = Shape(firstAxes[0], secondAxes[0])
            }
        }
        return try package(
            .higherOrder, context, terms, functionIndices: rows, variable: first, variableIndices: columns,
            matrixShape: matrixShape, allowsMatrix: isSecondOfScalar,
            notation: (functionIndices, groups, "D"), variables: variables, lower: lower)
    }

    /// The Hessian of a scalar function: the gradient by reverse mode, lifted, then its
    /// Jacobian by forward mode. A matrix for a vector or scalar variable; index notation
    /// for a matrix variable (an order-4 tensor).
    func hessian(withRespectTo variable: String) throws -> Derivative {
        let (context, root, variableShape) = try prepare(variable, differentiatedAgain: true)
        let functionShape = context.table.shape(root)
        guard functionShape.isScalar else {
            throw DerivativeRequestError(
                message: "the Hessian is defined for a scalar function; \(expression) is \(functionShape)")
        }
        let gradientIndices = context.allocator.fresh(for: variableShape)
        let gradientTerms = try context.reverseGradient(
            of: root, withRespectTo: variable, variableIndices: gradientIndices)
        try context.checkCompoundEntries()
        let liftedGradient: [LiftedTerm]
        do {
            liftedGradient = try context.lift(gradientTerms, free: gradientIndices, shape: variableShape)
        } catch let error as LiftError {
            throw DifferentiationError(because: "the gradient has no matrix form to differentiate again (\(error.reason))")
        }
        let gradient = context.expression(of: liftedGradient, shape: variableShape)
        let variableIndices = context.allocator.fresh(for: variableShape)
        let terms = try context.forwardDerivative(
            of: context.table.gatheringScalars(gradient), at: gradientIndices, withRespectTo: variable,
            variableIndices: variableIndices)
        try context.checkCompoundEntries()
        // n×n for a vector (or row vector) of length n, 1×1 for a scalar, none for a matrix.
        let axes = variableShape.axes
        let matrixShape: Shape? = axes.count == 2 ? nil : axes.first.map { Shape($0, $0) } ?? .scalar
        return try package(
            .hessian, context, terms, functionIndices: gradientIndices, variable: variable,
            variableIndices: variableIndices, matrixShape: matrixShape,
            gradient: context.table.expression(context.table.writtenForm(gradient)))
    }

    /// The interned function and the variable's shape, after checking the variable exists.
    ///
    /// For a derivative that is differentiated again, the variable's entries count as
    /// independent (`LANGUAGE.md`): its declared property (symmetric, spd, diagonal) is left out
    /// of the derivation, so that the gradient of `logdet(S)` stays `inv(S)'` to be
    /// differentiated, not `inv(S)`, which has another derivative. The property still decides
    /// the test points.
    private func prepare(_ variable: String, differentiatedAgain: Bool = false, alsoIndependent: [String] = [])
        throws -> (IndexContext, ExprID, Shape)
    {
        guard let declared = environment.variables[variable] else {
            throw DerivativeRequestError(
                message: "unknown variable '\(variable)': it is neither declared nor in \(expression)")
        }
        var derivationEnvironment = environment
        if differentiatedAgain {
            for name in [variable] + alsoIndependent { derivationEnvironment.variables[name]?.property = nil }
        }
        let context = IndexContext(table: ExpressionTable(environment: derivationEnvironment), profile: profile)
        let root = context.table.intern(tree: expression)
        if let division = context.table.divisionByZero {
            throw DifferentiationError(
                because: "the function divides by zero at every point: \(PlainPrinter.print(context.table.expression(division))) divides by 0")
        }
        if recordingSteps {
            let trace = DerivationTrace()
            context.trace = trace
            trace.record("input", PlainPrinter.print(expression))
            let indices = context.freshIndices(for: root)
            trace.record("index form", context.indexText("f", context.summands(root).map { summand in
                // A summand that broadcasts (`alpha - u'*ones(k,n)`) has fewer indices.
                var term = context.lower(summand.id, context.broadcastSlots(summand.id, in: root, indices))
                term.coefficient *= summand.sign
                return term
            }, free: indices))
        }
        return (context, root, declared.shape)
    }

    /// The matrix form of a Jacobian, if it has one: `f`'s shape for a scalar variable,
    /// `m × n` for a vector (or row vector) function of a vector.
    private func jacobianMatrixShape(function: Shape, variable: Shape) -> Shape? {
        if variable.isScalar { return function }
        if function.axes.count == 1 && variable.axes.count == 1 { return Shape(function.axes[0], variable.axes[0]) }
        return nil
    }

    /// Lifts the terms (when a matrix form is wanted) and builds the result.
    ///
    /// The matrix form lifts the terms as a derivative of something indexed by
    /// `functionIndices` by something indexed by `variableIndices`; the index notation lists
    /// `notationFunction` and then each of `notationGroups` (the function's and each variable's
    /// indices, for a derivative by several variables), under `name`.
    private func package(
        _ kind: Derivative.Kind, _ context: IndexContext, _ terms: [Term], functionIndices: [Index],
        variable: String, variableIndices: [Index], matrixShape: Shape?, gradient: MatrixExpr? = nil,
        allowsMatrix: Bool = true, notation: (function: [Index], groups: [[Index]], name: String)? = nil,
        variables: [String] = [], lower: IndexNotation? = nil
    ) throws -> Derivative {
        var matrix: MatrixExpr?
        var matrixID: ExprID?
        var matrixShape = matrixShape
        let simplifier = MatrixSimplifier(table: context.table, recording: context.trace != nil, profile: profile)
        var lifted: [LiftedTerm]?
        // A Hessian by a matrix is H = Σ own + S + Sᵀ: only one term of each transposed pair is
        // lifted and simplified (`symmetricHalves`).
        var liftedHalf: [LiftedTerm] = []
        if !allowsMatrix {
            matrixShape = nil
        } else if let matrixShape {
            lifted = try? context.lift(terms, free: functionIndices + variableIndices, shape: matrixShape)
        } else if !functionIndices.isEmpty, !variableIndices.isEmpty, functionIndices.count + variableIndices.count <= 4 {
            // A matrix by a matrix (or a vector by a matrix, a matrix by a vector): the vec
            // convention, ∂vec(R)/∂vec(X)ᵀ, where every term has a Kronecker form.
            var (own, half) = kind == .hessian
                ? context.symmetricHalves(terms, first: functionIndices, second: variableIndices) : (terms, [])
            // One pair is written out: `kron(A', B) + kron(A, B')` reads better than
            // `kron(A', B) + kron(A', B)'`, and costs the same.
            if half.count == 1 { (own, half) = (terms, []) }
            lifted = try? context.kroneckerLift(own, function: functionIndices, variable: variableIndices)
            if !half.isEmpty, lifted != nil {
                if let halfLifted = try? context.kroneckerLift(half, function: functionIndices, variable: variableIndices) {
                    liftedHalf = halfLifted
                } else {
                    lifted = nil
                }
            }
            if lifted != nil { matrixShape = context.vecShape(function: functionIndices, variable: variableIndices) }
        }
        if let lifted, let matrixShape {
            /// `own + half + halfᵀ`, each part written by `write` (just `own` without a half).
            func whole(_ write: ([LiftedTerm]) -> ExprID) -> ExprID {
                let own = write(lifted)
                guard !liftedHalf.isEmpty else { return own }
                let half = write(liftedHalf)
                return context.table.add(context.table.add(own, half), context.table.transpose(half))
            }
            if let trace = context.trace {
                let raw = whole { context.table.expression(of: $0.map(context.productTerm), shape: matrixShape) }
                trace.record("lifted", PlainPrinter.print(context.table.expression(raw)))
            }
            matrixID = context.table.writtenForm(whole { part in
                simplifier.renewTrials()
                return context.expression(of: part, shape: matrixShape, simplifier: simplifier)
            })
            matrix = matrixID.map(context.table.expression)
        }
        guard terms.allSatisfy({ $0.coefficient.isValid }), !(matrixID.map(context.table.containsInvalidNumber) ?? false) else {
            throw DifferentiationError(because: "its numbers are too large for exact 64-bit rationals")
        }
        if let trace = context.trace {
            for step in simplifier.steps {
                trace.record("rule " + step.rule, PlainPrinter.print(context.table.expression(step.before))
                    + "  →  " + PlainPrinter.print(context.table.expression(step.after)))
            }
        }
        let written = notation ?? (functionIndices, [variableIndices], "J")
        let deferred = DeferredForms(
            context: context, terms: terms, functionIndices: written.function, variableGroups: written.groups,
            name: written.name, matrix: matrixID)
        if let trace = context.trace {
            trace.record("result", matrix.map(PlainPrinter.print) ?? IndexPrinter.print(deferred.notation))
        }
        let allIndices = written.function + written.groups.flatMap { $0 }
        let shape = matrix != nil ? matrixShape!.axes : allIndices.map(context.range(of:))
        return Derivative(
            kind: kind, function: expression, variable: variable, environment: environment, shape: shape,
            matrix: matrix, matrixShape: matrix != nil ? matrixShape : nil, deferred: deferred,
            gradient: gradient, steps: context.trace?.steps ?? [], variables: variables, lower: lower)
    }
}
