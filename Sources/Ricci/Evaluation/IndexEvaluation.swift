// Numeric evaluation of index notation: the tensor that a derivative's index form stands for.

import Foundation

/// Index notation that cannot be evaluated: an index without a size, an index over two
/// different sizes, an entry with more or fewer indices than its value has axes, or a term
/// too large to sum. Its category is ``ErrorCategory/badInput``.
public struct IndexEvaluationError: RicciError, Hashable {
    /// What went wrong.
    public enum Reason: Hashable, Sendable {
        /// The index has no range and occurs in no entry that would give it a size.
        case unknownRange(index: String)
        /// The index ranges over two different sizes (its range, an axis, or the other
        /// index of a delta).
        case sizeMismatch(index: String, sizes: [Int])
        /// An entry carries `indices` indices but its value has shape `shape` (`[rows,
        /// columns]`): a `1×1` value takes none, an `n×1` or `1×n` value one, a matrix two.
        case indexCount(expression: String, indices: Int, shape: [Int])
        /// A term sums over more than ``IndexNotation/maximumAssignments`` assignments of
        /// its indices.
        case tooLarge(assignments: Int)
    }

    /// What went wrong.
    public let reason: Reason

    /// An error for `reason`.
    public init(_ reason: Reason) { self.reason = reason }

    /// One line naming the index or the entry.
    public var message: String {
        switch reason {
        case .unknownRange(let index):
            return "the index \(index) has no range and no entry gives it a size"
        case .sizeMismatch(let index, let sizes):
            return "the index \(index) ranges over different sizes: "
                + sizes.map(String.init).joined(separator: " and ")
        case .indexCount(let expression, let indices, let shape):
            return "\(expression) has shape \(EvaluationError.format(shape)) but carries \(indices) "
                + (indices == 1 ? "index" : "indices")
        case .tooLarge(let assignments):
            return "a term sums over \(assignments) index assignments, more than \(IndexNotation.maximumAssignments)"
        }
    }

    /// Always nil: index notation carries no positions in an input.
    public var range: SourceRange? { nil }

    /// Always ``ErrorCategory/badInput``.
    public var category: ErrorCategory { .badInput }
}

extension IndexNotation {
    /// The most index assignments one term may sum over (`Π` of the sizes of its distinct
    /// indices), so that a malformed notation with many summed indices fails instead of
    /// running for hours. Derivatives at verification sizes (2–6, at most six indices) stay
    /// far below it.
    public static let maximumAssignments = 1 << 24

    /// The tensor the notation stands for, at the sizes and values of `evaluator`:
    /// `J[f₁, f₂, …] = Σ_terms coefficient · Σ_{summed indices} Π factors`, one axis per
    /// free index in the order of ``freeIndices``, each of the size of its range.
    ///
    /// - `.entry(M, indices, c)` is `M[indices]^c`, where `M` is evaluated once per call and
    ///   takes as many indices as its value has axes: none for `1×1`, one for `n×1` or `1×n`,
    ///   two for a matrix (`[row, column]`). Any value may also take two, so that a matrix
    ///   whose dimension happens to have size 1 keeps its notation.
    /// - `.delta(a, b)` is 1 when `a = b` and 0 otherwise. Deltas are applied by merging
    ///   their two indices into one before summing, so `Σ_k A[i,k] δ[k,p]` costs a loop over
    ///   `(i, p)`, not `(i, k, p)`; two free indices joined by a delta give a diagonal.
    /// - An index of a term that is not free is summed over that term; a free index that
    ///   occurs in no factor of a term makes the term constant along that axis.
    /// - Sizes: an index's range (a dimension, through ``Evaluator/size(of:)``), else the
    ///   axis of an entry it indexes; both must agree wherever both are known.
    ///
    /// No terms give a zero tensor. A scalar derivative (no free index) is an order-0 tensor.
    ///
    /// - Throws: ``EvaluationError`` from evaluating an entry's expression or a range,
    ///   ``IndexEvaluationError`` for an index without a size, sizes that disagree, an entry
    ///   with the wrong number of indices, or a term with too many index assignments.
    public func evaluate(with evaluator: Evaluator) throws -> Tensor {
        var values: [MatrixExpr: Tensor] = [:]
        func value(of expr: MatrixExpr) throws -> Tensor {
            if let known = values[expr] { return known }
            let result = try evaluator.evaluate(expr)
            values[expr] = result
            return result
        }
        var rangeSizes: [String: Int] = [:]
        for (name, dimension) in ranges { rangeSizes[name] = try evaluator.size(of: dimension) }

        // The free indices' sizes, from their ranges or from any term's entries.
        var freeSizes: [Int] = []
        for name in freeIndices {
            if let size = rangeSizes[name] {
                freeSizes.append(size)
                continue
            }
            var found: Int?
            for term in terms {
                for case .entry(let expr, let indices, _) in term.factors {
                    if let slot = indices.firstIndex(of: name) {
                        found = try IndexNotation.axisSizes(of: value(of: expr), expr, indices.count)[slot]
                        break
                    }
                }
                if found != nil { break }
            }
            guard let size = found else { throw IndexEvaluationError(.unknownRange(index: name)) }
            freeSizes.append(size)
        }

        var result = Tensor(shape: freeSizes, repeating: 0)
        for term in terms {
            try accumulate(term, into: &result, freeSizes: freeSizes, rangeSizes: rangeSizes, value: value)
        }
        return result
    }

    /// The sizes of the axes an entry of `value` with `count` indices runs over.
    private static func axisSizes(of value: Tensor, _ expr: MatrixExpr, _ count: Int) throws -> [Int] {
        let (rows, columns) = (value.shape[0], value.shape[1])
        switch count {
        case 0 where rows == 1 && columns == 1: return []
        case 1 where rows == 1 || columns == 1: return [rows * columns]
        case 2: return [rows, columns]
        default:
            throw IndexEvaluationError(
                .indexCount(expression: PlainPrinter.print(expr), indices: count, shape: value.shape))
        }
    }

    /// Adds one term's values to `result`.
    ///
    /// The term's indices are merged into classes along its deltas (union–find); each class
    /// is one loop variable. Every factor and the result are then addressed by an offset that
    /// is linear in the classes' values (`Σ stride · value`; an entry `M[k,k]` adds both
    /// strides for `k`), and the loop runs over every assignment of the classes.
    private func accumulate(_ term: Term, into result: inout Tensor, freeSizes: [Int],
                            rangeSizes: [String: Int], value: (MatrixExpr) throws -> Tensor) throws {
        // Number the term's indices, free ones first.
        var number: [String: Int] = [:]
        var names: [String] = []
        func numbered(_ name: String) -> Int {
            if let known = number[name] { return known }
            number[name] = names.count
            names.append(name)
            return names.count - 1
        }
        for name in freeIndices { _ = numbered(name) }

        // Sizes each index is seen with: its range, and the axes it indexes.
        var seenSizes: [Int: [Int]] = [:]
        for (position, name) in freeIndices.enumerated() { seenSizes[numbered(name), default: []].append(freeSizes[position]) }

        // The entries' values raised to their powers, with the index number of each slot.
        var entries: [(scalars: [Double], strides: [Int], slots: [Int])] = []
        var deltas: [(Int, Int)] = []
        for factor in term.factors {
            switch factor {
            case .entry(let expr, let indices, let exponent):
                let tensor = try value(expr)
                let sizes = try IndexNotation.axisSizes(of: tensor, expr, indices.count)
                let slots = indices.map(numbered)
                for (slot, size) in zip(slots, sizes) { seenSizes[slot, default: []].append(size) }
                let strides = sizes.count == 2 ? [sizes[1], 1] : [1]
                let scalars = exponent.isOne
                    ? tensor.scalars : tensor.scalars.map { Foundation.pow($0, exponent.doubleValue) }
                entries.append((scalars, Array(strides.prefix(slots.count)), slots))
            case .delta(let a, let b):
                deltas.append((numbered(a), numbered(b)))
            }
        }
        for (index, name) in names.enumerated() {
            if let size = rangeSizes[name] { seenSizes[index, default: []].insert(size, at: 0) }
        }

        // Merge the indices joined by deltas.
        var parent = Array(0..<names.count)
        func root(_ index: Int) -> Int {
            var current = index
            while parent[current] != current { current = parent[current] }
            return current
        }
        for (a, b) in deltas {
            let (ra, rb) = (root(a), root(b))
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }

        // One loop variable per class, with its size.
        var classOf = [Int](repeating: 0, count: names.count)
        var classRoots: [Int] = []
        var classSizes: [Int] = []
        var classMembers: [[Int]] = []
        for index in names.indices {
            let r = root(index)
            if let existing = classRoots.firstIndex(of: r) {
                classOf[index] = existing
                classMembers[existing].append(index)
            } else {
                classOf[index] = classRoots.count
                classRoots.append(r)
                classMembers.append([index])
                classSizes.append(0)
            }
        }
        for (position, members) in classMembers.enumerated() {
            let sizes = members.flatMap { seenSizes[$0] ?? [] }
            guard let size = sizes.first else {
                throw IndexEvaluationError(.unknownRange(index: names[members[0]]))
            }
            if let other = sizes.first(where: { $0 != size }) {
                let culprit = members.first { (seenSizes[$0] ?? []).contains(other) } ?? members[0]
                throw IndexEvaluationError(.sizeMismatch(index: names[culprit], sizes: [size, other]))
            }
            classSizes[position] = size
        }

        var assignments = 1
        for size in classSizes {
            let (product, overflow) = assignments.multipliedReportingOverflow(by: size)
            guard !overflow, product <= IndexNotation.maximumAssignments else {
                throw IndexEvaluationError(.tooLarge(assignments: overflow ? Int.max : product))
            }
            assignments = product
        }
        if assignments == 0 { return }

        // Offsets as Σ stride · class value: for the result, then for each entry.
        var resultStrides = [Int](repeating: 0, count: classSizes.count)
        var stride = 1
        for position in freeIndices.indices.reversed() {
            resultStrides[classOf[numbered(freeIndices[position])]] += stride
            stride *= freeSizes[position]
        }
        let entryStrides: [[Int]] = entries.map { entry in
            var strides = [Int](repeating: 0, count: classSizes.count)
            for (slot, slotStride) in zip(entry.slots, entry.strides) { strides[classOf[slot]] += slotStride }
            return strides
        }

        let coefficient = term.coefficient.doubleValue
        let entryScalars = entries.map(\.scalars)
        var assignment = [Int](repeating: 0, count: classSizes.count)
        var entryOffsets = [Int](repeating: 0, count: entries.count)
        var resultOffset = 0
        for _ in 0..<assignments {
            var product = coefficient
            for k in entryScalars.indices { product *= entryScalars[k][entryOffsets[k]] }
            result.scalars[resultOffset] += product
            // The next assignment, last class fastest, offsets updated by their strides.
            var position = classSizes.count - 1
            while position >= 0 {
                assignment[position] += 1
                resultOffset += resultStrides[position]
                for k in entries.indices { entryOffsets[k] += entryStrides[k][position] }
                if assignment[position] < classSizes[position] { break }
                resultOffset -= resultStrides[position] * classSizes[position]
                for k in entries.indices { entryOffsets[k] -= entryStrides[k][position] * classSizes[position] }
                assignment[position] = 0
                position -= 1
            }
        }
    }
}
