// Random, well-conditioned test points: sizes for dimension symbols and values for variables.

import Foundation

/// Random test points for numeric verification, drawn as the corpus checker draws them
/// (`draw_sizes`, `draw_value`), from a ``SeededGenerator`` so that a failure is reproduced
/// from its seed. The distributions match the checker's; the random streams do not (NumPy's
/// generator is not reimplemented here).
public enum TestPoint {
    /// Distinct sizes for the given dimension symbols, drawn without replacement from
    /// `2…max(5, count + 1)` (so there are always enough, and a symbol never has size 1,
    /// which would make a vector look like a scalar). Distinct sizes let a wrong transpose
    /// or a confused dimension fail instead of passing by coincidence.
    ///
    /// - Parameters:
    ///   - dimensions: the symbols; a repeated symbol gets one size.
    ///   - increasing: symbols (among `dimensions`) whose sizes must increase strictly in
    ///     this order, as the corpus's `size_order` hint: their drawn sizes are sorted.
    ///     Symbols not in `dimensions` are ignored.
    public static func drawSizes(for dimensions: [String], increasing: [String] = [],
                                 using generator: inout SeededGenerator) -> [String: Int] {
        var seen = Set<String>()
        let names = dimensions.filter { seen.insert($0).inserted }
        var pool = Array(2...max(5, names.count + 1))
        var sizes: [String: Int] = [:]
        // A partial Fisher–Yates shuffle: position i takes a uniform pick of what is left.
        for (i, name) in names.enumerated() {
            pool.swapAt(i, i + generator.nextInteger(below: pool.count - i))
            sizes[name] = pool[i]
        }
        var seenOrdered = Set<String>()
        let ordered = increasing.filter { sizes[$0] != nil && seenOrdered.insert($0).inserted }
        for (name, size) in zip(ordered, ordered.compactMap { sizes[$0] }.sorted()) {
            sizes[name] = size
        }
        return sizes
    }

    /// A value for every variable of `environment` at `sizes`, as an order-2 tensor, drawn in
    /// the order of the variables' names (so the result depends on the seed only):
    ///
    /// | variable | value |
    /// | --- | --- |
    /// | `spd` | `I + ½·G Gᵀ / n`: eigenvalues ≥ 1, well conditioned |
    /// | `symmetric` | `(G + Gᵀ)/2`; in `positive`: `|(G + Gᵀ)/2| + ½` entry-wise |
    /// | `diagonal` | zero off the diagonal, diagonal entries uniform in `[½, 3/2]` |
    /// | in `positive` | entries uniform in `[½, 3/2]` |
    /// | in `unit` | entries uniform in `[−0.7, 0.7]` (inside the domain of `asin`, `acos`) |
    /// | square matrix (rows and columns the same dimension) | `I + 0.6·G/‖G‖_F` |
    /// | anything else (vectors, scalars, rectangular matrices) | standard normal entries |
    ///
    /// `G` has independent standard normal entries. For the square case the corpus checker
    /// divides by the spectral norm `‖G‖₂`; the Frobenius norm is used here because it needs
    /// no singular values, and since `‖G‖₂ ≤ ‖G‖_F` the perturbation `E = 0.6·G/‖G‖_F` still
    /// has `‖E‖₂ ≤ 0.6 < 1`, so `I + E` is invertible with `‖(I + E)⁻¹‖₂ ≤ 1/(1 − 0.6) = 2.5`.
    ///
    /// - Parameters:
    ///   - positive: names of variables whose entries must be positive (the corpus's
    ///     `domain: positive`), for `log`, `sqrt` and fractional powers.
    ///   - unit: names of variables whose entries must lie in `[−0.7, 0.7]` (the corpus's
    ///     `domain: unit`), for `asin` and `acos`; a name in both sets is positive.
    /// - Throws: ``EvaluationError`` for a dimension without a valid size, a property on a
    ///   shape that is not square, or a name in `positive` that is not a variable.
    public static func drawValues(for environment: Environment, sizes: [String: Int],
                                  positive: Set<String> = [], unit: Set<String> = [],
                                  using generator: inout SeededGenerator) throws -> [String: Tensor] {
        if let unknown = positive.union(unit).sorted().first(where: { environment.variables[$0] == nil }) {
            throw EvaluationError(.unknownVariable(unknown))
        }
        let resolver = Evaluator(sizes: sizes)
        var values: [String: Tensor] = [:]
        // Dictionary order differs between processes; sorting the names keeps seeds meaningful.
        for name in environment.variables.keys.sorted() {
            guard let variable = environment.variables[name] else { continue }
            let (rows, columns) = try resolver.size(of: variable.shape)
            try Evaluator.checkEntryCount(rows: rows, columns: columns)
            if let property = variable.property, !variable.shape.isSquare {
                throw EvaluationError(.propertyOnNonSquare(name: name, property: property, shape: variable.shape))
            }
            values[name] = drawValue(rows: rows, columns: columns, property: variable.property,
                                     isSquareMatrix: variable.shape.kind == .matrix && variable.shape.isSquare,
                                     positive: positive.contains(name), unit: unit.contains(name) && !positive.contains(name),
                                     using: &generator)
        }
        return values
    }

    /// One value as the table of ``drawValues(for:sizes:positive:unit:using:)`` says.
    /// A property needs `rows == columns` (checked by the caller).
    static func drawValue(rows: Int, columns: Int, property: MatrixProperty?, isSquareMatrix: Bool,
                          positive: Bool, unit: Bool = false, using generator: inout SeededGenerator) -> Tensor {
        if property != nil { precondition(rows == columns, "property on a \(rows)×\(columns) value") }
        switch property {
        case .spd:
            let g = gaussian(rows: rows, columns: rows, using: &generator)
            return Tensor.identity(rows) + (0.5 / Double(rows)) * g.matrixProduct(g.transposed)
        case .symmetric:
            let g = gaussian(rows: rows, columns: rows, using: &generator)
            let symmetric = 0.5 * (g + g.transposed)
            return positive ? symmetric.map { Swift.abs($0) + 0.5 } : symmetric
        case .diagonal:
            var result = Tensor(shape: [rows, rows], repeating: 0)
            for i in 0..<rows { result[i, i] = generator.nextUniform(from: 0.5, to: 1.5) }
            return result
        case nil:
            break
        }
        if positive {
            return Tensor(shape: [rows, columns],
                          scalars: (0..<rows * columns).map { _ in generator.nextUniform(from: 0.5, to: 1.5) })
        }
        if unit {
            return Tensor(shape: [rows, columns],
                          scalars: (0..<rows * columns).map { _ in generator.nextUniform(from: -0.7, to: 0.7) })
        }
        let g = gaussian(rows: rows, columns: columns, using: &generator)
        if isSquareMatrix && rows == columns {
            let norm = g.frobeniusNorm
            // G = 0 has probability zero; I alone is then still a valid, invertible point.
            return norm > 0 ? Tensor.identity(rows) + (0.6 / norm) * g : Tensor.identity(rows)
        }
        return g
    }

    /// A `rows × columns` tensor of independent standard normal entries, drawn row by row.
    static func gaussian(rows: Int, columns: Int, using generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: [rows, columns], scalars: (0..<rows * columns).map { _ in generator.nextNormal() })
    }
}
