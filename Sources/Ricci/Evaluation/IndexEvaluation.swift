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
        /// its indices, or the result has more entries than that.
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
            return "the notation needs \(assignments) index assignments, more than \(IndexNotation.maximumAssignments)"
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

        _ = try IndexNotation.assignmentCount(freeSizes)
        var result = Tensor(shape: freeSizes, repeating: 0)
        for term in terms {
            try accumulate(term, into: &result, freeSizes: freeSizes, rangeSizes: rangeSizes, value: value)
        }
        return result
    }

    /// `Π sizes`, the number of assignments of indices with these sizes.
    ///
    /// - Throws: ``IndexEvaluationError`` beyond ``maximumAssignments``.
    private static func assignmentCount(_ sizes: [Int]) throws -> Int {
        var count = 1
        for size in sizes {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= maximumAssignments else {
                throw IndexEvaluationError(.tooLarge(assignments: overflow ? Int.max : product))
            }
            count = product
        }
        return count
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
    /// The term's indices are merged into classes along its deltas (union–find), each class
    /// one index of the sum; then the summed classes are contracted away one by one (see
    /// ``contract(_:over:keeping:sizes:)``), and what is left is spread over the result.
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

        // Each entry as a tensor over its distinct classes: `M[k,k]` is M's diagonal over k.
        var factors: [ClassTensor] = []
        for entry in entries {
            let slotClasses = entry.slots.map { classOf[$0] }
            if slotClasses.count == 2 && slotClasses[0] == slotClasses[1] {
                let n = classSizes[slotClasses[0]]
                factors.append(ClassTensor(classes: [slotClasses[0]],
                                           values: (0..<n).map { entry.scalars[$0 * entry.strides[0] + $0] }))
            } else {
                factors.append(ClassTensor(classes: slotClasses, values: entry.scalars))
            }
        }

        // Sum out the summed classes one at a time, cheapest first: the factors that carry the
        // class are multiplied into one tensor over the classes they carry, with that class
        // summed away (as einsum does). The work is the size of the largest such product, not
        // the product of every index's size.
        var coefficient = term.coefficient.doubleValue
        let freeClasses = freeIndices.map { classOf[numbered($0)] }
        var summed = Set(classSizes.indices).subtracting(freeClasses)
        func union(_ chosen: [ClassTensor]) -> [Int] {
            var classes: [Int] = []
            for factor in chosen { for c in factor.classes where !classes.contains(c) { classes.append(c) } }
            return classes
        }
        func cost(_ c: Int) -> Int {
            union(factors.filter { $0.classes.contains(c) }).reduce(1) { product, d in
                let (next, overflow) = product.multipliedReportingOverflow(by: classSizes[d])
                return overflow ? .max : next
            }
        }
        while let c = summed.min(by: { (cost($0), $0) < (cost($1), $1) }) {
            summed.remove(c)
            let involved = factors.filter { $0.classes.contains(c) }
            if involved.isEmpty {
                // An index in deltas only: Σ_c 1 = its size.
                coefficient *= Double(classSizes[c])
                continue
            }
            factors.removeAll { $0.classes.contains(c) }
            let classes = union(involved)
            factors.append(try IndexNotation.contract(
                involved, over: classes, keeping: classes.filter { $0 != c }, sizes: classSizes))
        }

        // What is left carries free classes only: multiply it out over them and add it to the
        // result, where free indices of one class (joined by a delta) share their value.
        var distinctFree: [Int] = []
        for c in freeClasses where !distinctFree.contains(c) { distinctFree.append(c) }
        let product = try IndexNotation.contract(factors, over: distinctFree, keeping: distinctFree, sizes: classSizes)
        var resultStrides = [Int](repeating: 0, count: distinctFree.count)
        var stride = 1
        for position in freeIndices.indices.reversed() {
            if let slot = distinctFree.firstIndex(of: freeClasses[position]) { resultStrides[slot] += stride }
            stride *= freeSizes[position]
        }
        var assignment = [Int](repeating: 0, count: distinctFree.count)
        var resultOffset = 0
        for value in product.values {
            result.scalars[resultOffset] += coefficient * value
            var position = distinctFree.count - 1
            while position >= 0 {
                assignment[position] += 1
                resultOffset += resultStrides[position]
                if assignment[position] < classSizes[distinctFree[position]] { break }
                resultOffset -= resultStrides[position] * classSizes[distinctFree[position]]
                assignment[position] = 0
                position -= 1
            }
        }
    }

    /// `Σ_{classes not kept} Π factors`, a tensor over `kept` (row-major in that order): the
    /// loop runs over every assignment of `classes`, which must include every class of the
    /// factors and every kept class.
    ///
    /// - Throws: ``IndexEvaluationError`` beyond ``maximumAssignments`` assignments.
    private static func contract(_ factors: [ClassTensor], over classes: [Int], keeping kept: [Int],
                                 sizes: [Int]) throws -> ClassTensor {
        let assignments = try assignmentCount(classes.map { sizes[$0] })
        // Strides of each factor and of the output along each position of `classes`.
        func strides(of tensorClasses: [Int]) -> [Int] {
            var result = [Int](repeating: 0, count: classes.count)
            var stride = 1
            for c in tensorClasses.reversed() {
                if let position = classes.firstIndex(of: c) { result[position] += stride }
                stride *= sizes[c]
            }
            return result
        }
        let factorStrides = factors.map { strides(of: $0.classes) }
        let factorValues = factors.map(\.values)
        let outputStrides = strides(of: kept)
        var output = [Double](repeating: 0, count: try assignmentCount(kept.map { sizes[$0] }))
        var assignment = [Int](repeating: 0, count: classes.count)
        var offsets = [Int](repeating: 0, count: factors.count)
        var outputOffset = 0
        for _ in 0..<assignments {
            var product = 1.0
            for k in factorValues.indices { product *= factorValues[k][offsets[k]] }
            output[outputOffset] += product
            // The next assignment, last position fastest, offsets moved by their strides.
            var position = classes.count - 1
            while position >= 0 {
                let size = sizes[classes[position]]
                assignment[position] += 1
                outputOffset += outputStrides[position]
                for k in offsets.indices { offsets[k] += factorStrides[k][position] }
                if assignment[position] < size { break }
                outputOffset -= outputStrides[position] * size
                for k in offsets.indices { offsets[k] -= factorStrides[k][position] * size }
                assignment[position] = 0
                position -= 1
            }
        }
        return ClassTensor(classes: kept, values: output)
    }
}

/// A dense tensor over index classes of one term, row-major in the order of `classes`
/// (which are distinct).
private struct ClassTensor {
    var classes: [Int]
    var values: [Double]
}
