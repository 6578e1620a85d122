// Index notation as a value: the always-present form of a derivative.

/// A derivative in index (Einstein) notation, `J[i,j,p,q] = Σ terms`: the left side lists
/// the indices of the function's entry, then those of the variable's entry; every index of a
/// term that is not on the left is summed over that term.
///
/// Unlike the internal index layer, this value refers to sub-expressions as ``MatrixExpr``
/// trees and to indices by name, so it outlives the derivation that made it and can be
/// printed, compared and evaluated.
public struct IndexNotation: Hashable, Sendable {
    /// One factor: an entry of an expression raised to a constant power, or a delta.
    public enum Factor: Hashable, Sendable {
        /// `M[i,j]^exponent` (no indices for a scalar, one for a vector).
        case entry(MatrixExpr, indices: [String], exponent: Rational)
        /// `δ[a,b]`.
        case delta(String, String)
    }

    /// `coefficient × Π factors`.
    public struct Term: Hashable, Sendable {
        /// The exact coefficient.
        public var coefficient: Rational
        /// The factors.
        public var factors: [Factor]
    }

    /// The free indices: the function's, then the variable's.
    public var freeIndices: [String]
    /// The dimension every index (free or summed) ranges over.
    public var ranges: [String: Dimension]
    /// The terms; none means zero.
    public var terms: [Term]
    /// The name on the left side: `J` for a first derivative, `D` for a higher one.
    public var name: String = "J"
}

extension IndexContext {
    /// The index sum as ``IndexNotation``: the function's free indices named `i, j`, the
    /// variable's `p, q`, summed ones `k, l, m, …` — a free index skipping only names of
    /// variables, a summed one also the problem's dimension symbols, so no index reads like
    /// something else.
    func notation(of terms: [Term], functionIndices: [Index], variableIndices: [Index]) -> IndexNotation {
        notation(of: terms, functionIndices: functionIndices, variableGroups: [variableIndices], name: "J")
    }

    /// The notation of a derivative by several variables in turn: `variableGroups` holds each
    /// variable's indices, named `p q`, then `r s`, `t u`, `v w` (`LANGUAGE.md`).
    func notation(of terms: [Term], functionIndices: [Index], variableGroups: [[Index]], name: String) -> IndexNotation {
        // Free indices keep their conventional letters unless a variable has that name;
        // summed ones also avoid the problem's dimension symbols.
        var taken = Set(table.environment.variables.keys)
        var dimensionNames = Set<String>()
        for variable in table.environment.variables.values {
            for case .named(let name) in [variable.shape.rows, variable.shape.columns] { dimensionNames.insert(name) }
        }
        var names: [Index: String] = [:]
        var ranges: [String: Dimension] = [:]
        func assign(_ index: Index, from candidates: [String]) {
            let name = candidates.first { !taken.contains($0) }
                ?? (1...).lazy.map { "k\($0)" }.first { !taken.contains($0) && (ranges[$0] == nil || ranges[$0] == range(of: index)) }!
            taken.insert(name)
            names[index] = name
            ranges[name] = range(of: index)
        }
        let groupLetters = [["p", "q"], ["r", "s"], ["t", "u"], ["v", "w"]]
        for index in functionIndices { assign(index, from: ["i", "j"]) }
        for (position, group) in variableGroups.enumerated() {
            for index in group { assign(index, from: position < groupLetters.count ? groupLetters[position] : []) }
        }
        let variableIndices = variableGroups.flatMap { $0 }
        taken.formUnion(dimensionNames)
        let summedNames = ["k", "l", "m", "n", "a", "b", "c", "d", "e", "f", "g", "h", "o", "r", "s", "t", "u", "v", "w"]
        let order = Dictionary(uniqueKeysWithValues: (functionIndices + variableIndices).enumerated().map { ($1, $0) })
        func isDelta(_ factor: IndexNotation.Factor) -> Bool {
            if case .delta = factor { return true }
            return false
        }
        var converted: [IndexNotation.Term] = []
        let freeNames = names
        let freeTaken = taken
        for term in terms {
            // Summed indices are local to a term: their names start afresh in every term, a
            // letter reused only over the same range (the notation has one range per letter).
            names = freeNames
            taken = freeTaken
            var factors: [IndexNotation.Factor] = []
            for factor in term.factors {
                for index in factor.indices where names[index] == nil {
                    let indexRange = range(of: index)
                    assign(index, from: summedNames.filter { ranges[$0] == nil || ranges[$0] == indexRange })
                }
                switch factor {
                case .entry(let id, let indices, let exponent):
                    factors.append(.entry(table.expression(id), indices: indices.map { names[$0]! }, exponent: exponent))
                case .delta(let a, let b):
                    // The function's index first, then the variable's: δ[i,p].
                    let (first, second) = order[a, default: .max] <= order[b, default: .max] ? (a, b) : (b, a)
                    factors.append(.delta(names[first]!, names[second]!))
                }
            }
            // Deltas lead, as in `delta(i,p)*A[q,j]`; entries keep their canonical order.
            factors = factors.filter(isDelta) + factors.filter { !isDelta($0) }
            converted.append(IndexNotation.Term(coefficient: term.coefficient, factors: factors))
        }
        return IndexNotation(
            freeIndices: (functionIndices + variableIndices).map { names[$0]! }, ranges: ranges, terms: converted,
            name: name)
    }
}

extension IndexContext {
    /// The terms of an ``IndexNotation`` in this context, with the indices that stand for its
    /// free indices: the inverse of ``notation(of:functionIndices:variableIndices:)``, used to
    /// state identities of the index layer in the notation people write.
    func terms(of notation: IndexNotation) -> (terms: [Term], free: [Index]) {
        var indices: [String: Index] = [:]
        func index(_ name: String) -> Index {
            if let known = indices[name] { return known }
            let fresh = freshIndex(notation.ranges[name] ?? .one)
            indices[name] = fresh
            return fresh
        }
        let free = notation.freeIndices.map(index)
        let terms = notation.terms.map { term in
            Term(term.coefficient, term.factors.map { factor -> Factor in
                switch factor {
                case .entry(let expression, let names, let exponent):
                    return .entry(table.intern(tree: expression), IndexList(names.map(index)), exponent: exponent)
                case .delta(let a, let b):
                    return .delta(index(a), index(b))
                }
            })
        }
        return (terms, free)
    }
}
