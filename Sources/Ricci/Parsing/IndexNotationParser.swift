// Reading index notation: `J[i,j,p,q] = delta(i,p)*A[q,j] + …`.

import Foundation

/// A text in index notation that cannot be read (bad input).
public struct IndexNotationError: RicciError {
    public let message: String
    public var range: SourceRange? { nil }
    public var category: ErrorCategory { .badInput }
}

extension IndexNotation {
    /// Reads index notation as ``IndexPrinter`` writes it and the corpus format states it:
    /// `NAME[free…] = t₁ ± t₂ …`, each term a product (`*`) of numbers, scalar expressions of
    /// the language, `delta(a,b)`, and indexed expressions `A[i,j]`, `x[i]`, `(X'*B)[k,i]`.
    ///
    /// `freeRanges` are the dimensions of the free indices in order (the function's axes,
    /// then the variable's); a summed index takes its range from the factor that carries it.
    public init(parsing text: String, environment: Environment, freeRanges: [Dimension]) throws {
        guard let equals = text.firstIndex(of: "=") else {
            throw IndexNotationError(message: "index notation needs 'J[…] = …': \(text)")
        }
        let header = text[..<equals].trimmingCharacters(in: .whitespaces)
        var free: [String] = []
        if let open = header.firstIndex(of: "["), header.hasSuffix("]") {
            free = Self.indexList(header[header.index(after: open)..<header.index(before: header.endIndex)])
        }
        guard free.count == freeRanges.count else {
            throw IndexNotationError(message: "the left side of \(text) has \(free.count) indices, expected \(freeRanges.count)")
        }
        var ranges = Dictionary(uniqueKeysWithValues: zip(free, freeRanges))
        var terms: [Term] = []
        let functions = environment.functions
        for (sign, termText) in Self.split(text[text.index(after: equals)...], at: "+-") {
            var term = Term(coefficient: sign, factors: [])
            for (_, factorText) in Self.split(Substring(termText), at: "*") {
                let factor = factorText.trimmingCharacters(in: .whitespaces)
                if factor.hasPrefix("delta("), factor.hasSuffix(")") {
                    let indices = Self.indexList(factor.dropFirst(6).dropLast())
                    guard indices.count == 2 else { throw IndexNotationError(message: "delta takes two indices: \(factor)") }
                    term.factors.append(.delta(indices[0], indices[1]))
                } else if factor.hasSuffix("]"), let open = Self.openingBracket(of: factor) {
                    let expression = try Parser.parse(String(factor[..<open]), functions: functions).expression
                    let indices = Self.indexList(factor[factor.index(after: open)..<factor.index(before: factor.endIndex)])
                    let axes = try environment.shape(of: expression).axes
                    guard axes.count == indices.count else {
                        throw IndexNotationError(message: "\(factor) has \(indices.count) indices for \(axes.count) axes")
                    }
                    for (index, axis) in zip(indices, axes) where ranges[index] == nil { ranges[index] = axis }
                    term.factors.append(.entry(expression, indices: indices, exponent: .one))
                } else {
                    let expression = try Parser.parse(factor, functions: functions).expression
                    if case .number(let value) = expression {
                        term.coefficient *= value
                    } else {
                        guard try environment.shape(of: expression).isScalar else {
                            throw IndexNotationError(message: "\(factor) is not a scalar and carries no indices")
                        }
                        term.factors.append(.entry(expression, indices: [], exponent: .one))
                    }
                }
            }
            terms.append(term)
        }
        for term in terms {
            for case .delta(let a, let b) in term.factors {
                // A delta's indices range over the same dimension; one of them is known.
                guard let range = ranges[a] ?? ranges[b] else {
                    throw IndexNotationError(message: "cannot tell the range of delta(\(a),\(b))")
                }
                ranges[a] = range
                ranges[b] = range
            }
        }
        self.init(freeIndices: free, ranges: ranges, terms: terms.filter { !$0.coefficient.isZero })
    }

    /// `a, b ,c` → `["a", "b", "c"]`.
    private static func indexList(_ text: Substring) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The `[` that opens the final `[…]` of a factor, outside parentheses.
    private static func openingBracket(of factor: String) -> String.Index? {
        var depth = 0
        for index in factor.indices.reversed() {
            switch factor[index] {
            case "]", ")": depth += 1
            case "(": depth -= 1
            case "[":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    /// Splits at the separators that are outside parentheses and brackets. For `+-` a
    /// separator is a sign only where a term can end (not right after an operator or at the
    /// start), and each part carries its sign; for `*` the sign is always +1.
    private static func split(_ text: Substring, at separators: String) -> [(Rational, String)] {
        var parts: [(Rational, String)] = []
        var current = ""
        var sign = Rational.one
        var depth = 0
        var previous: Character?
        for character in text {
            if character == "(" || character == "[" { depth += 1 }
            if character == ")" || character == "]" { depth -= 1 }
            let isSeparator = depth == 0 && separators.contains(character)
                && (character == "*" || (previous.map { !"*/^(,+-".contains($0) } ?? false))
            if isSeparator {
                if !current.trimmingCharacters(in: .whitespaces).isEmpty { parts.append((sign, current)) }
                current = ""
                sign = character == "-" ? .minusOne : .one
                previous = character
                continue
            }
            if character == "-" && depth == 0 && separators.contains("-") && current.trimmingCharacters(in: .whitespaces).isEmpty {
                sign = -sign
                previous = character
                continue
            }
            current.append(character)
            if !character.isWhitespace { previous = character }
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { parts.append((sign, current)) }
        return parts
    }
}
