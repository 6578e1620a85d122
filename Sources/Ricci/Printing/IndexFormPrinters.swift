// Index notation in LaTeX and as NumPy code (`np.einsum`), for derivatives without a matrix form.

/// LaTeX of ``IndexNotation``, with Einstein's convention (an index repeated in a term is
/// summed): `\frac{\partial f_{ij}}{\partial X_{pq}} = \delta_{ip} A_{qj}`.
public enum IndexLaTeXPrinter {
    /// The derivative of the function by `variables` in turn, in index notation. The left
    /// side is the derivative's fraction, the function's indices on `f`, each variable's on
    /// its own `∂`; the right side the terms, entries of compound expressions parenthesised
    /// (`\left(X W - Y\right)_{lq}`).
    public static func print(
        _ notation: IndexNotation, functionIndexCount: Int, variables: [(name: String, indexCount: Int)]
    ) -> String {
        let free = notation.freeIndices
        // Letters side by side (`f_{ij}`), longer names apart (`f_{i,j,k1}`).
        let separator = free.allSatisfy { $0.count == 1 } ? "" : ","
        let functionIndices = free.prefix(functionIndexCount).joined(separator: separator)
        var position = functionIndexCount
        var denominators: [String] = []
        for (variable, count) in variables {
            let end = min(free.count, position + count)
            let indices = free[min(position, end)..<end].joined(separator: separator)
            position = end
            denominators.append("\\partial " + LaTeXPrinter.print(.variable(variable)) + (indices.isEmpty ? "" : "_{\(indices)}"))
        }
        let order = variables.count
        let numerator = "\\partial" + (order > 1 ? "^{\(order)}" : "") + " f" + (functionIndices.isEmpty ? "" : "_{\(functionIndices)}")
        return "\\frac{\(numerator)}{\(denominators.joined(separator: " "))} = " + terms(notation.terms)
    }

    /// The right side: the terms joined by `+` and `-`, `0` for none.
    static func terms(_ terms: [IndexNotation.Term]) -> String {
        guard !terms.isEmpty else { return "0" }
        var output = ""
        for (position, term) in terms.enumerated() {
            let negative = term.coefficient.isNegative
            if position > 0 { output += negative ? " - " : " + " } else if negative { output += "-" }
            var parts = term.factors.map(factor)
            let magnitude = term.coefficient.magnitude
            if !magnitude.isOne || parts.isEmpty { parts.insert(LaTeXPrinter.print(.number(magnitude)), at: 0) }
            output += parts.joined(separator: " ")
        }
        return output
    }

    /// `\delta_{ip}`, `A_{qj}`, `\left(X W - Y\right)_{lq}`, `{x_{p}}^{-3}`.
    static func factor(_ factor: IndexNotation.Factor) -> String {
        switch factor {
        case .delta(let a, let b):
            return a.count == 1 && b.count == 1 ? "\\delta_{\(a)\(b)}" : "\\delta_{\(a),\(b)}"
        case .entry(let expr, let indices, let exponent):
            var base = LaTeXPrinter.print(expr)
            if case .variable = expr {} else if !indices.isEmpty || !exponent.isOne {
                base = "\\left(" + base + "\\right)"
            }
            let separator = indices.allSatisfy { $0.count == 1 } ? "" : ","
            let subscripted = indices.isEmpty ? base : base + "_{\(indices.joined(separator: separator))}"
            return exponent.isOne ? subscripted : "{\(subscripted)}^{\(LaTeXPrinter.print(.number(exponent)))}"
        }
    }
}

/// NumPy code of ``IndexNotation``: one `np.einsum` per term, summed, giving an array with
/// one axis per free index (`D[i,j,p,q]` is an `m×n×p×q` array). Entries are the NumPy forms
/// of their expressions (``NumPyPrinter``, every value 2-D): a vector entry is raveled, a
/// scalar one taken as a number, a delta is an identity matrix.
public enum EinsumPrinter {
    /// The expression, given how to tell scalars and row vectors (as ``NumPyPrinter``) and
    /// the size of each index as a Python expression (a dimension name or number).
    public static func print(
        _ notation: IndexNotation, isScalar: @escaping (MatrixExpr) -> Bool,
        isRowVector: @escaping (MatrixExpr) -> Bool = { _ in false }
    ) -> String {
        func size(_ index: String) -> String { notation.ranges[index].map(NumPyPrinter.dimension) ?? "1" }
        return EinsumSum.write(
            notation, library: "np", size: size,
            number: { NumPyPrinter.print(.number($0), isScalar: { _ in true }) },
            constant: { kind, sizes in
                switch kind {
                case .identity: return "np.eye(\(sizes[0]))"
                case .ones: return "np.ones(\(sizes[0]))"
                case .zeros: return "np.zeros((\(sizes.joined(separator: ", "))\(sizes.count == 1 ? "," : "")))"
                }
            },
            translate: { NumPyPrinter.print($0, isScalar: isScalar, isRowVector: isRowVector) },
            operand: { code, indexCount in
                // Every NumPy value is 2-D: a scalar entry is taken as a number, a vector one raveled.
                switch indexCount {
                case 0: return "np.squeeze(\(code))"
                case 1: return "np.ravel(\(code))"
                default: return code
                }
            })
    }
}

/// An index form as Python: one `einsum` per term, summed, an axis per free index, for any
/// array library with NumPy's `einsum`. Each term `c Π δ(a,b) Π E[indices]^e` is
/// `c * s₁ * … * einsum('ab,…->free', eye(n), E, …)` with the scalar entries `s` as factors
/// and `ones` over a free index no factor carries (the term is constant along it); no terms
/// is zeros. The callers say how to write the library's constants, numbers and entries.
enum EinsumSum {
    /// A constant array of the library.
    enum Constant { case identity, ones, zeros }

    /// The sum for `notation`: `size` gives an index's size as Python, `number` a rational,
    /// `constant` a constant array of the given sizes, `translate` an entry's expression and
    /// `operand` that code as an operand with that many indices (0: a scalar factor).
    static func write(
        _ notation: IndexNotation, library: String, size: (String) -> String, number: (Rational) -> String,
        constant: (Constant, [String]) -> String, translate: (MatrixExpr) -> String,
        operand: (String, Int) -> String
    ) -> String {
        var letters = EinsumLetters(notation)
        func letter(_ name: String) -> Character { letters.letter(name) }
        let output = String(notation.freeIndices.map(letter))
        guard !notation.terms.isEmpty else { return constant(.zeros, notation.freeIndices.map(size)) }
        var pieces: [String] = []
        for term in notation.terms {
            var subscripts: [String] = []
            var operands: [String] = []
            var scalars: [String] = []
            for factor in term.factors {
                switch factor {
                case .delta(let a, let b):
                    subscripts.append(String([letter(a), letter(b)]))
                    operands.append(constant(.identity, [size(a)]))
                case .entry(let expr, let indices, let exponent):
                    var code = translate(expr)
                    if !exponent.isOne { code = "(\(code)) ** \(number(exponent))" }
                    if indices.isEmpty {
                        scalars.append(operand(code, 0))
                    } else {
                        subscripts.append(String(indices.map(letter)))
                        operands.append(operand(code, indices.count))
                    }
                }
            }
            let carried = Set(subscripts.joined())
            for index in notation.freeIndices where !carried.contains(letter(index)) {
                subscripts.append(String(letter(index)))
                operands.append(constant(.ones, [size(index)]))
            }
            var piece = operands.isEmpty
                ? "1.0"
                : "\(library).einsum('\(subscripts.joined(separator: ","))->\(output)', \(operands.joined(separator: ", ")))"
            let magnitude = term.coefficient.magnitude
            let factors = (magnitude.isOne ? [] : [number(magnitude)]) + scalars
            if !factors.isEmpty { piece = factors.joined(separator: " * ") + " * " + piece }
            pieces.append((term.coefficient.isNegative ? "- " : "+ ") + piece)
        }
        var text = pieces.joined(separator: " ")
        if text.hasPrefix("+ ") { text.removeFirst(2) } else if text.hasPrefix("- ") { text = "-" + text.dropFirst(2) }
        return text
    }
}

/// The letters of `einsum` subscripts for an index form, one per index name: a one-letter
/// name keeps its letter, a longer one (`k1`) takes the first letter no index has, in a fixed
/// order (the conventional `i j p q r s t u v w` first).
struct EinsumLetters {
    private var letters: [String: Character] = [:]
    private var used = Set<Character>()
    private static let alphabet = Array("ijpqrstuvwklmnabcdefghoxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

    /// The letters of the notation's one-letter names reserved first, so that a longer name
    /// never takes one of them.
    init(_ notation: IndexNotation) {
        var names = notation.freeIndices
        for term in notation.terms {
            for factor in term.factors {
                switch factor {
                case .delta(let a, let b): names += [a, b]
                case .entry(_, let indices, _): names += indices
                }
            }
        }
        for name in names where name.count == 1 && name.first!.isLetter {
            letters[name] = name.first!
            used.insert(name.first!)
        }
    }

    /// The letter of `name`, chosen the first time it is asked for.
    mutating func letter(_ name: String) -> Character {
        if let known = letters[name] { return known }
        let chosen = Self.alphabet.first { !used.contains($0) }!
        used.insert(chosen)
        letters[name] = chosen
        return chosen
    }
}
