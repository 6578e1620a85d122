// Element-wise expansion: a matrix expression at concrete sizes as a matrix of scalar expressions.

import Foundation

/// A `rows × columns` matrix of scalar expressions of one ``ScalarGraph``, row-major; a
/// scalar is `1×1`, a vector `n×1`, as values of the language are.
struct ScalarMatrix: Hashable {
    /// Number of rows.
    let rows: Int
    /// Number of columns.
    let columns: Int
    /// The entries, row by row: entry `[i,j]` is `entries[i·columns + j]`.
    let entries: [ScalarID]

    /// A matrix with these entries; `entries.count == rows · columns`.
    init(rows: Int, columns: Int, entries: [ScalarID]) {
        precondition(entries.count == rows * columns, "\(entries.count) entries for \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.entries = entries
    }

    /// A `rows × columns` matrix whose entry `[i,j]` is `entry(i, j)`.
    init(rows: Int, columns: Int, _ entry: (Int, Int) -> ScalarID) {
        var entries: [ScalarID] = []
        entries.reserveCapacity(rows * columns)
        for i in 0..<rows {
            for j in 0..<columns { entries.append(entry(i, j)) }
        }
        self.init(rows: rows, columns: columns, entries: entries)
    }

    /// The entry `[i,j]`.
    subscript(i: Int, j: Int) -> ScalarID { entries[i * columns + j] }

    /// `[rows, columns]`, as a ``Tensor``'s shape.
    var shape: [Int] { [rows, columns] }

    /// True for `1×1`.
    var isScalar: Bool { rows == 1 && columns == 1 }
}

/// Expands a ``MatrixExpr`` at concrete sizes into a matrix of ``ScalarExpr``s, the seeds'
/// method: substitute explicit matrices of scalar symbols (`x₁₁ … x₃₃`) and write out every
/// entry.
///
/// - A variable named in `symbolic` becomes a matrix of independent symbols, one per entry
///   (also for a symmetric variable: the corpus counts `S[i,j]` and `S[j,i]` as independent);
///   any other variable becomes its numeric value, which folds into the constants. Only the
///   variable differentiated needs symbols, and numbers keep the DAG small (the adjugate of a
///   constant matrix is 16 numbers, not a cofactor expansion).
/// - Operations follow the ``Evaluator`` (`*` scales when a side is `1×1`, `.*` and `./`
///   broadcast a `1×1` side, the same shape errors), so an expansion and an evaluation of one
///   expression agree.
/// - `det` is the cofactor (Laplace) expansion with memoised minors, `O(n·2ⁿ)` nodes;
///   `inv(A) = adj(A)/det A` with `adj(A)[i,j] = (−1)^(i+j) M[j,i]` (the minor without row
///   `j` and column `i`); `logdet = log(det)`; `norm2 = sqrt(Σ entries²)`. Of a matrix of
///   numbers (one that depends on no symbol), `det`, `logdet` and `inv` are numbers,
///   computed as the evaluator computes them.
/// - Declared functions expand into the formulas of their ``StandInFunctions``:
///   `σ(x) = tanh(c·x) + x/3`, `σ'(x) = c·(1 − tanh²(c·x)) + 1/3`,
///   `λ(M) = Σ log(1 + c·M[i,j]²)`, `∇λ(M)[i,j] = 2c·M[i,j] / (1 + c·M[i,j]²)`.
///
/// Each distinct sub-expression is expanded once (memoised on the tree), and the graph's
/// hash-consing shares equal entries across the whole expression.
struct ElementwiseExpansion {
    /// The largest matrix whose determinant, log-determinant or inverse is expanded by
    /// cofactors: the determinant of an 8×8 costs about `8·2⁸` nodes and its adjugate about
    /// `8·C(16, 8) ≈ 10⁵`; every further row more than doubles both.
    static let maximumCofactorSize = 8

    /// The graph the entries are built in.
    let graph: ScalarGraph
    /// Sizes of dimension symbols and values of variables (order 0 and 1 values accepted,
    /// as the evaluator accepts them).
    let evaluator: Evaluator
    /// The variables whose entries become symbols.
    let symbolic: Set<String>
    /// The entries of each distinct sub-expression expanded so far, by its number.
    private var memo: [Int: ScalarMatrix] = [:]
    private var numbering = StructuralNumbering()

    /// An expansion into `graph` at the sizes and values of `evaluator`, with the variables
    /// in `symbolic` as symbols.
    init(graph: ScalarGraph, evaluator: Evaluator, symbolic: Set<String>) {
        self.graph = graph
        self.evaluator = evaluator
        self.symbolic = symbolic
    }

    /// The value of every symbol of the variables in `symbolic`: its entry in the
    /// evaluator's values. Variables without a value are left out.
    func symbolValues() -> [ScalarSymbol: Double] {
        var result: [ScalarSymbol: Double] = [:]
        for name in symbolic {
            guard let value = try? evaluator.evaluate(.variable(name)) else { continue }
            for i in 0..<value.rows {
                for j in 0..<value.columns {
                    result[ScalarSymbol(variable: name, row: i, column: j)] = value.scalars[i * value.columns + j]
                }
            }
        }
        return result
    }

    /// The symbols of the variable `name`, row-major, as a matrix shaped like its value.
    ///
    /// - Throws: ``EvaluationError`` when the variable has no value.
    func symbols(of name: String) throws -> ScalarMatrix {
        let value = try evaluator.evaluate(.variable(name))
        return ScalarMatrix(rows: value.rows, columns: value.columns) {
            graph.symbol(ScalarSymbol(variable: name, row: $0, column: $1))
        }
    }

    /// The entries of `expr`.
    ///
    /// - Throws: ``EvaluationError`` where the evaluator would throw (unknown names, shapes
    ///   that do not fit, values too large), ``ScalarBudgetExceeded`` when the graph outgrows
    ///   its budget or a cofactor expansion would be larger than ``maximumCofactorSize``.
    mutating func expand(_ expr: MatrixExpr) throws -> ScalarMatrix {
        try expandNumbered(expr).entries
    }

    /// The structural number of `expr` (``StructuralNumbering``) and its entries: the children
    /// first, then the node, once per distinct node.
    private mutating func expandNumbered(_ expr: MatrixExpr) throws -> (number: Int, entries: ScalarMatrix) {
        var childNumbers: [Int] = []
        var childEntries: [ScalarMatrix] = []
        for child in expr.children {
            let (number, entries) = try expandNumbered(child)
            childNumbers.append(number)
            childEntries.append(entries)
        }
        let number = numbering.number(expr, children: childNumbers).number
        if let known = memo[number] { return (number, known) }
        let result = try expandNode(expr, childEntries)
        try graph.checkBudget("the element-wise expansion")
        memo[number] = result
        return (number, result)
    }

    /// The entries of the node `expr` whose children's entries are `operands` (in the order of
    /// ``MatrixExpr/children``).
    private mutating func expandNode(_ expr: MatrixExpr, _ operands: [ScalarMatrix]) throws -> ScalarMatrix {
        let graph = self.graph
        switch expr {
        case .number(let value):
            return ScalarMatrix(rows: 1, columns: 1, entries: [graph.number(value.doubleValue)])
        case .variable(let name):
            if symbolic.contains(name) { return try symbols(of: name) }
            let value = try evaluator.evaluate(expr)
            return ScalarMatrix(rows: value.rows, columns: value.columns, entries: value.scalars.map(graph.number))
        case .add:
            return try broadcast("+", operands[0], operands[1]) { graph.sum([$0, $1]) }
        case .subtract:
            return try broadcast("-", operands[0], operands[1]) { graph.difference($0, $1) }
        case .negate:
            return map(operands[0]) { graph.negate($0) }
        case .multiply:
            return try product(operands[0], operands[1])
        case .hadamard:
            return try broadcast(".*", operands[0], operands[1]) { graph.product([$0, $1]) }
        case .elementwiseDivide:
            return try broadcast("./", operands[0], operands[1]) { graph.quotient($0, $1) }
        case .divide:
            let (dividend, divisor) = (operands[0], operands[1])
            guard divisor.isScalar else { throw EvaluationError(.notScalar(operation: "/", shape: divisor.shape)) }
            let reciprocal = graph.power(divisor.entries[0], -1)
            return map(dividend) { graph.product([$0, reciprocal]) }
        case .power(_, let exponent):
            let value = operands[0]
            if value.isScalar { return map(value) { graph.power($0, exponent.doubleValue) } }
            guard value.rows == value.columns, exponent.isInteger else {
                throw EvaluationError(.notScalar(operation: "^", shape: value.shape))
            }
            return try matrixPower(value, exponent.numerator)
        case .elementwisePower(_, let exponent):
            let c = exponent.doubleValue
            return map(operands[0]) { graph.power($0, c) }
        case .powerBy, .elementwisePowerBy:
            // s^t = exp(t log s): the base is positive where t is not an integer.
            let (value, t) = (operands[0], operands[1])
            guard t.isScalar else { throw EvaluationError(.notScalar(operation: "^", shape: t.shape)) }
            if case .powerBy = expr, !value.isScalar {
                throw EvaluationError(.notScalar(operation: "^", shape: value.shape))
            }
            return map(value) { graph.apply(.exp, graph.product([t.entries[0], graph.apply(.log, $0)])) }
        case .transpose:
            let a = operands[0]
            return ScalarMatrix(rows: a.columns, columns: a.rows) { a[$1, $0] }
        case .apply(let function, _):
            return try apply(function, to: operands[0])
        case .apply2(let function, _, _):
            let (a, b) = (operands[0], operands[1])
            switch function {
            case .maximum:
                // max(a, b) = a + relu(b − a), min(a, b) = a − relu(a − b).
                return try broadcast("max", a, b) { graph.sum([$0, graph.apply(.relu, graph.difference($1, $0))]) }
            case .minimum:
                return try broadcast("min", a, b) { graph.difference($0, graph.apply(.relu, graph.difference($0, $1))) }
            case .kron:
                try Evaluator.checkEntryCount(rows: a.rows * b.rows, columns: a.columns * b.columns)
                return ScalarMatrix(rows: a.rows * b.rows, columns: a.columns * b.columns) { row, column in
                    graph.product([a[row / b.rows, column / b.columns], b[row % b.rows, column % b.columns]])
                }
            }
        case .identity(let dimension):
            let n = try evaluator.size(of: dimension)
            try Evaluator.checkEntryCount(rows: n, columns: n)
            return ScalarMatrix(rows: n, columns: n) { $0 == $1 ? graph.one : graph.zero }
        case .ones(let rows, let columns), .zeros(let rows, let columns):
            let (m, n) = try (evaluator.size(of: rows), evaluator.size(of: columns))
            try Evaluator.checkEntryCount(rows: m, columns: n)
            let entry = { if case .zeros = expr { return graph.zero } else { return graph.one } }()
            return ScalarMatrix(rows: m, columns: n) { _, _ in entry }
        case .commutation, .sizeless:
            let value = try evaluator.evaluate(expr)
            return ScalarMatrix(rows: value.rows, columns: value.columns, entries: value.scalars.map(graph.number))
        }
    }

    /// `A^k` of a square matrix of scalars: products by squaring, `A^0 = I`, `A^-k = (A⁻¹)^k`.
    private mutating func matrixPower(_ a: ScalarMatrix, _ k: Int) throws -> ScalarMatrix {
        let graph = self.graph
        var base = a
        if k < 0 {
            if let constant = constantValue(a) {
                base = ScalarMatrix(rows: a.rows, columns: a.columns, entries: constant.inverse().scalars.map(graph.number))
            } else {
                var cofactors = try CofactorExpansion(a, graph: graph)
                base = cofactors.inverse()
            }
        }
        // Square and multiply: about 2 log₂ k products, so that X^3000 is a dozen of them.
        var result = ScalarMatrix(rows: a.rows, columns: a.columns) { $0 == $1 ? graph.one : graph.zero }
        var remaining = k.magnitude
        while remaining > 0 {
            if remaining & 1 == 1 { result = try product(result, base) }
            remaining >>= 1
            if remaining > 0 { base = try product(base, base) }
            try graph.checkBudget("the element-wise expansion")
        }
        return result
    }

    // MARK: - Operators

    private func map(_ a: ScalarMatrix, _ transform: (ScalarID) -> ScalarID) -> ScalarMatrix {
        ScalarMatrix(rows: a.rows, columns: a.columns, entries: a.entries.map(transform))
    }

    /// Entry by entry for equal shapes (`+`, `-`).
    private func sameShape(_ operation: String, _ a: ScalarMatrix, _ b: ScalarMatrix,
                           _ combine: (ScalarID, ScalarID) -> ScalarID) throws -> ScalarMatrix {
        guard a.shape == b.shape else {
            throw EvaluationError(.shapeMismatch(operation: operation, left: a.shape, right: b.shape))
        }
        return ScalarMatrix(rows: a.rows, columns: a.columns, entries: zip(a.entries, b.entries).map(combine))
    }

    /// Entry by entry, broadcasting as the evaluator does: an axis of size 1 on one side
    /// stretches to the other's size (`+`, `-`, `.*`, `./`, `max`, `min`).
    private func broadcast(_ operation: String, _ a: ScalarMatrix, _ b: ScalarMatrix,
                           _ combine: (ScalarID, ScalarID) -> ScalarID) throws -> ScalarMatrix {
        if a.shape == b.shape { return try sameShape(operation, a, b, combine) }
        if a.isScalar { return map(b) { combine(a.entries[0], $0) } }
        if b.isScalar { return map(a) { combine($0, b.entries[0]) } }
        func stretched(_ x: Int, _ y: Int) -> Int? { x == y ? x : x == 1 ? y : y == 1 ? x : nil }
        guard let rows = stretched(a.rows, b.rows), let columns = stretched(a.columns, b.columns) else {
            throw EvaluationError(.shapeMismatch(operation: operation, left: a.shape, right: b.shape))
        }
        return ScalarMatrix(rows: rows, columns: columns) { i, j in
            combine(a[a.rows == 1 ? 0 : i, a.columns == 1 ? 0 : j], b[b.rows == 1 ? 0 : i, b.columns == 1 ? 0 : j])
        }
    }

    /// `A*B`: scaling when either side is `1×1`, else `(AB)[i,j] = Σ_k A[i,k] B[k,j]`.
    private func product(_ a: ScalarMatrix, _ b: ScalarMatrix) throws -> ScalarMatrix {
        let graph = self.graph
        if a.isScalar { return map(b) { graph.product([a.entries[0], $0]) } }
        if b.isScalar { return map(a) { graph.product([$0, b.entries[0]]) } }
        guard a.columns == b.rows else {
            throw EvaluationError(.shapeMismatch(operation: "*", left: a.shape, right: b.shape))
        }
        try Evaluator.checkEntryCount(rows: a.rows, columns: b.columns)
        return ScalarMatrix(rows: a.rows, columns: b.columns) { i, j in
            graph.sum((0..<a.columns).map { k in graph.product([a[i, k], b[k, j]]) })
        }
    }

    // MARK: - Functions

    private mutating func apply(_ function: MatrixFunction, to m: ScalarMatrix) throws -> ScalarMatrix {
        let graph = self.graph
        func scalar(_ entry: ScalarID) -> ScalarMatrix { ScalarMatrix(rows: 1, columns: 1, entries: [entry]) }
        switch function {
        case .trace:
            try requireSquare(function, m)
            return scalar(graph.sum((0..<m.rows).map { m[$0, $0] }))
        case .determinant:
            try requireSquare(function, m)
            if let constant = constantValue(m) { return scalar(graph.number(constant.determinant)) }
            var cofactors = try CofactorExpansion(m, graph: graph)
            return scalar(cofactors.determinant)
        case .logDeterminant:
            try requireSquare(function, m)
            if let constant = constantValue(m) { return scalar(graph.number(constant.logDeterminant)) }
            var cofactors = try CofactorExpansion(m, graph: graph)
            return scalar(graph.apply(.log, cofactors.determinant))
        case .inverse:
            try requireSquare(function, m)
            if let constant = constantValue(m) {
                return ScalarMatrix(rows: m.rows, columns: m.columns, entries: constant.inverse().scalars.map(graph.number))
            }
            var cofactors = try CofactorExpansion(m, graph: graph)
            return cofactors.inverse()
        case .pseudoInverse:
            // (AᵀA)⁻¹Aᵀ or Aᵀ(AAᵀ)⁻¹, for a matrix of full rank.
            let t = ScalarMatrix(rows: m.columns, columns: m.rows) { m[$1, $0] }
            let tall = m.rows >= m.columns
            let gram = try tall ? product(t, m) : product(m, t)
            let inverse: ScalarMatrix
            if let constant = constantValue(gram) {
                inverse = ScalarMatrix(rows: gram.rows, columns: gram.columns,
                                       entries: constant.inverse().scalars.map(graph.number))
            } else {
                var cofactors = try CofactorExpansion(gram, graph: graph)
                inverse = cofactors.inverse()
            }
            return try tall ? product(inverse, t) : product(t, inverse)
        case .sum:
            return scalar(graph.sum(m.entries))
        case .mean:
            return scalar(graph.product([graph.number(1 / Double(m.entries.count)), graph.sum(m.entries)]))
        case .columnSums, .columnMeans:
            let scale = graph.number(function == .columnMeans ? 1 / Double(m.rows) : 1)
            return ScalarMatrix(rows: 1, columns: m.columns) { _, j in
                graph.product([scale, graph.sum((0..<m.rows).map { m[$0, j] })])
            }
        case .rowSums, .rowMeans:
            let scale = graph.number(function == .rowMeans ? 1 / Double(m.columns) : 1)
            return ScalarMatrix(rows: m.rows, columns: 1) { i, _ in
                graph.product([scale, graph.sum((0..<m.columns).map { m[i, $0] })])
            }
        case .norm2:
            return scalar(graph.apply(.sqrt, graph.sum(m.entries.map { graph.power($0, 2) })))
        case .norm1:
            return scalar(graph.sum(m.entries.map { graph.apply(.abs, $0) }))
        case .logSumExp:
            return scalar(graph.apply(.log, graph.sum(m.entries.map { graph.apply(.exp, $0) })))
        case .softmax:
            // Down each column; a row vector along its row.
            if m.rows == 1 && m.columns > 1 {
                let total = graph.power(graph.sum(m.entries.map { graph.apply(.exp, $0) }), -1)
                return map(m) { graph.product([graph.apply(.exp, $0), total]) }
            }
            let totals = (0..<m.columns).map { j in
                graph.power(graph.sum((0..<m.rows).map { graph.apply(.exp, m[$0, j]) }), -1)
            }
            return ScalarMatrix(rows: m.rows, columns: m.columns) { i, j in
                graph.product([graph.apply(.exp, m[i, j]), totals[j]])
            }
        case .vec:
            return ScalarMatrix(rows: m.rows * m.columns, columns: 1) { position, _ in
                m[position % m.rows, position / m.rows]
            }
        case .numel:
            return scalar(graph.number(Double(m.entries.count)))
        case .size(let axis):
            return scalar(graph.number(Double(axis == 1 ? m.rows : m.columns)))
        case .diagonalMatrix:
            guard m.columns == 1 || m.rows == 1 else {
                throw EvaluationError(.notVector(operation: function.name, shape: m.shape))
            }
            let n = m.entries.count
            try Evaluator.checkEntryCount(rows: n, columns: n)
            return ScalarMatrix(rows: n, columns: n) { $0 == $1 ? m.entries[$0] : graph.zero }
        case .diagonalVector:
            try requireSquare(function, m)
            return ScalarMatrix(rows: m.rows, columns: 1) { i, _ in m[i, i] }
        case .diagonal:
            if m.rows > 1 && m.columns > 1 { return try apply(.diagonalVector, to: m) }
            return try apply(.diagonalMatrix, to: m)
        case .elementwise(let elementwise):
            return map(m) { graph.apply(elementwise, $0) }
        case .declaredElementwise(let name):
            let c = StandInFunctions.coefficient(for: name)
            // σ(x) = tanh(c·x) + x/3
            return map(m) { x in
                graph.sum([graph.apply(.tanh, graph.product([graph.number(c), x])),
                           graph.product([graph.number(1.0 / 3.0), x])])
            }
        case .declaredElementwiseDerivative(let name):
            let c = StandInFunctions.coefficient(for: name)
            // σ'(x) = c·(1 − tanh²(c·x)) + 1/3
            return map(m) { x in
                let t = graph.apply(.tanh, graph.product([graph.number(c), x]))
                return graph.sum([graph.product([graph.number(c), graph.difference(graph.one, graph.power(t, 2))]),
                                  graph.number(1.0 / 3.0)])
            }
        case .declaredScalar(let name):
            let c = StandInFunctions.coefficient(for: name)
            // λ(M) = Σ log(1 + c·M[i,j]²)
            return scalar(graph.sum(m.entries.map { x in
                graph.apply(.log, graph.sum([graph.one, graph.product([graph.number(c), graph.power(x, 2)])]))
            }))
        case .declaredScalarGradient(let name):
            let c = StandInFunctions.coefficient(for: name)
            // ∇λ(M)[i,j] = 2c·M[i,j] / (1 + c·M[i,j]²)
            return map(m) { x in
                graph.product([graph.number(2 * c), x,
                               graph.power(graph.sum([graph.one, graph.product([graph.number(c), graph.power(x, 2)])]), -1)])
            }
        }
    }

    /// The value of a matrix whose entries are all numbers (it depends on no symbol), for
    /// `det`, `logdet` and `inv` of constants: those are computed as the evaluator computes
    /// them, at any size, instead of by cofactors.
    private func constantValue(_ m: ScalarMatrix) -> Tensor? {
        var scalars: [Double] = []
        scalars.reserveCapacity(m.entries.count)
        for entry in m.entries {
            guard let value = graph.numberValue(entry) else { return nil }
            scalars.append(value)
        }
        return Tensor(shape: m.shape, scalars: scalars)
    }

    /// Throws unless `m` is square.
    private func requireSquare(_ function: MatrixFunction, _ m: ScalarMatrix) throws {
        guard m.rows == m.columns else {
            throw EvaluationError(.notSquare(operation: function.name, shape: m.shape))
        }
    }
}

/// Determinants of the square sub-matrices of one matrix by cofactor (Laplace) expansion
/// along their first row, memoised on the sets of rows and columns kept, so that the minors
/// of `det A` and of `adj A` are shared: `det A` costs `O(n·2ⁿ)` nodes and the `n²` minors
/// of the adjugate reuse them.
private struct CofactorExpansion {
    let matrix: ScalarMatrix
    let graph: ScalarGraph
    /// Determinants by `rows << 32 | columns`, each a bit set of the rows and columns kept.
    private var memo: [UInt64: ScalarID] = [:]

    /// The expansion of the square `matrix`.
    ///
    /// - Throws: ``ScalarBudgetExceeded`` beyond ``ElementwiseExpansion/maximumCofactorSize``.
    init(_ matrix: ScalarMatrix, graph: ScalarGraph) throws {
        precondition(matrix.rows == matrix.columns, "cofactors of a \(matrix.rows)×\(matrix.columns) matrix")
        guard matrix.rows <= ElementwiseExpansion.maximumCofactorSize else {
            throw ScalarBudgetExceeded(budget: graph.nodeBudget,
                                       stage: "the cofactor expansion of a \(matrix.rows)×\(matrix.rows) matrix")
        }
        self.matrix = matrix
        self.graph = graph
    }

    /// The bit set of `0..<n`.
    private var all: UInt64 { (1 << UInt64(matrix.rows)) - 1 }

    /// `det A`.
    var determinant: ScalarID {
        mutating get { minor(rows: all, columns: all) }
    }

    /// `A⁻¹ = adj(A) / det A`, `adj(A)[i,j] = (−1)^(i+j) det(A without row j and column i)`.
    mutating func inverse() -> ScalarMatrix {
        let n = matrix.rows
        let reciprocal = graph.power(determinant, -1)
        var entries: [ScalarID] = []
        for i in 0..<n {
            for j in 0..<n {
                let cofactor = minor(rows: all & ~(1 << UInt64(j)), columns: all & ~(1 << UInt64(i)))
                let sign = graph.number((i + j) % 2 == 0 ? 1 : -1)
                entries.append(graph.product([sign, cofactor, reciprocal]))
            }
        }
        return ScalarMatrix(rows: n, columns: n, entries: entries)
    }

    /// The determinant of the sub-matrix with the rows and columns in these bit sets (of
    /// equal size), expanded along its first row:
    /// `det = Σ_c (−1)^(position of c) · A[r, c] · det(rows − r, columns − c)`.
    private mutating func minor(rows: UInt64, columns: UInt64) -> ScalarID {
        if rows == 0 { return graph.one }
        let key = rows << 32 | columns
        if let known = memo[key] { return known }
        let row = rows.trailingZeroBitCount
        var terms: [ScalarID] = []
        var position = 0
        for column in 0..<matrix.columns where columns & (1 << UInt64(column)) != 0 {
            let rest = minor(rows: rows & ~(1 << UInt64(row)), columns: columns & ~(1 << UInt64(column)))
            let sign = graph.number(position % 2 == 0 ? 1 : -1)
            terms.append(graph.product([sign, matrix[row, column], rest]))
            position += 1
        }
        let result = graph.sum(terms)
        memo[key] = result
        return result
    }
}
