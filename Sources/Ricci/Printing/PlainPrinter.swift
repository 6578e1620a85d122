// The plain printer: one line in the input language, parseable again.

/// Prints a ``MatrixExpr`` in the language it was parsed from, so that
/// `parse(print(e)) == e`: parentheses exactly where the left-associative grammar needs
/// them, `*` without spaces, ` + ` and ` - ` with spaces (`2*X'*(X*W - Y)`).
public enum PlainPrinter {
    /// The expression as one line of the language.
    public static func print(_ expr: MatrixExpr) -> String {
        var output = Output()
        write(expr, into: &output)
        return String(decoding: output.bytes, as: UTF8.self)
    }

    /// The text being printed, as UTF-8 bytes: appending a piece's bytes to an array is a
    /// copy, where appending it to a `String` goes through that type's general append at
    /// every piece (most of the time of printing a large result).
    struct Output {
        var bytes: [UInt8] = []

        static func += (output: inout Output, piece: String) {
            output.bytes.append(contentsOf: piece.utf8)
        }
    }

    /// Binding strength of the grammar's levels, loosest first.
    enum Level: Int, Comparable {
        case sum = 1, term, unary, power, postfix, primary
        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    /// The grammar level an expression prints at.
    static func level(of expr: MatrixExpr) -> Level {
        switch expr {
        case .number(let value):
            if !value.isInteger { return .term }  // `1/2` is a division
            return value.isNegative ? .unary : .primary
        case .variable, .apply, .apply2, .identity, .ones, .zeros, .commutation, .sizeless: return .primary
        case .transpose: return .postfix
        case .power, .elementwisePower, .powerBy, .elementwisePowerBy: return .power
        case .negate: return .unary
        case .multiply, .hadamard, .elementwiseDivide, .divide: return .term
        case .add, .subtract: return .sum
        }
    }

    static func write(_ expr: MatrixExpr, into output: inout Output) {
        switch expr {
        case .number(let value):
            output += value.description
        case .variable(let name):
            output += name
        case .add(let a, let b):
            writeBinary(a, " + ", b, level: .sum, into: &output)
        case .subtract(let a, let b):
            writeBinary(a, " - ", b, level: .sum, into: &output)
        case .multiply(let a, let b):
            writeBinary(a, "*", b, level: .term, into: &output)
        case .hadamard(let a, let b):
            writeBinary(a, ".*", b, level: .term, into: &output)
        case .elementwiseDivide(let a, let b):
            writeBinary(a, "./", b, level: .term, into: &output)
        case .divide(let a, let b):
            writeBinary(a, "/", b, level: .term, into: &output)
        case .negate(let a):
            output += "-"
            // `-(-X)` rather than `--X`, and `-(2)` so that it does not read as the literal -2.
            if case .number = a {
                writeParenthesized(a, into: &output)
            } else {
                write(a, atLeast: .power, into: &output)
            }
        case .power(let a, let exponent):
            write(a, atLeast: .postfix, into: &output)
            output += "^" + exponentText(exponent)
        case .elementwisePower(let a, let exponent):
            write(a, atLeast: .postfix, into: &output)
            output += ".^" + exponentText(exponent)
        case .powerBy(let a, let t):
            write(a, atLeast: .postfix, into: &output)
            output += "^"
            writeExponent(t, into: &output)
        case .elementwisePowerBy(let a, let t):
            write(a, atLeast: .postfix, into: &output)
            output += ".^"
            writeExponent(t, into: &output)
        case .transpose(let a):
            write(a, atLeast: .postfix, into: &output)
            output += "'"
        case .apply(let function, let a):
            output += function.name + "("
            write(a, into: &output)
            if let axis = function.axisArgument { output += ", \(axis)" }
            output += ")"
        case .apply2(let function, let a, let b):
            output += function.name + "("
            write(a, into: &output)
            output += ", "
            write(b, into: &output)
            output += ")"
        case .identity(let n):
            output += "I(\(n))"
        case .ones(let m, let n) where m.isProduct || n.isProduct:
            // The language writes sizes as names or integers: a product axis is a Kronecker product.
            write(constantOverProducts(.ones, m, n), into: &output)
        case .zeros(let m, let n) where m.isProduct || n.isProduct:
            write(constantOverProducts(.zeros, m, n), into: &output)
        case .ones(let m, let n):
            output += n.isOne ? "ones(\(m))" : "ones(\(m),\(n))"
        case .zeros(let m, let n):
            output += n.isOne ? "zeros(\(m))" : "zeros(\(m),\(n))"
        case .commutation(let m, let n):
            output += "commutation(\(m),\(n))"
        case .sizeless(let constant):
            output += constant.rawValue + "()"
        }
    }

    /// `ones` or `zeros` of an `(a·b) × (c·d)` shape as `kron(ones(a,c), ones(b,d))`, which the
    /// language can write (an axis that is not a product pairs with 1).
    static func constantOverProducts(_ constant: SizelessConstant, _ rows: Dimension, _ columns: Dimension) -> MatrixExpr {
        func split(_ dimension: Dimension) -> (Dimension, Dimension) {
            if case .product(let outer, let inner) = dimension { return (outer, inner) }
            return (dimension, .one)
        }
        let ((r1, r2), (c1, c2)) = (split(rows), split(columns))
        func make(_ m: Dimension, _ n: Dimension) -> MatrixExpr { constant == .ones ? .ones(m, n) : .zeros(m, n) }
        return .apply2(.kron, make(r1, c1), make(r2, c2))
    }

    /// An exponent that is not a constant: a primary as it is (`s^t`, `s^f(t)`), anything
    /// else in parentheses (`s^(t + 1)`, `s^(-t)`, `s^(t')`, and `s^(T)`, since `s^T` is a
    /// transpose).
    static func writeExponent(_ exponent: MatrixExpr, into output: inout Output) {
        // `s^T` is the transpose of s: a power by a variable named T keeps its parentheses.
        if level(of: exponent) >= .primary && !startsWithMinus(exponent) && exponent != .variable("T") {
            write(exponent, into: &output)
        } else {
            writeParenthesized(exponent, into: &output)
        }
    }

    /// A left-associative binary operator: the left operand may sit at the operator's level,
    /// the right one must bind tighter. A right operand that starts with `-` is
    /// parenthesised for legibility (`A*(-B)`, `a - (-2*X)`).
    static func writeBinary(
        _ a: MatrixExpr, _ symbol: String, _ b: MatrixExpr, level: Level, into output: inout Output
    ) {
        write(a, atLeast: level, into: &output)
        output += symbol
        let rightLevel = Level(rawValue: level.rawValue + 1)!
        if startsWithMinus(b) {
            writeParenthesized(b, into: &output)
        } else {
            write(b, atLeast: rightLevel, into: &output)
        }
    }

    static func write(_ expr: MatrixExpr, atLeast minimum: Level, into output: inout Output) {
        if level(of: expr) < minimum {
            writeParenthesized(expr, into: &output)
        } else {
            write(expr, into: &output)
        }
    }

    static func writeParenthesized(_ expr: MatrixExpr, into output: inout Output) {
        output += "("
        write(expr, into: &output)
        output += ")"
    }

    /// True when the printed form of `expr` begins with a minus sign.
    static func startsWithMinus(_ expr: MatrixExpr) -> Bool {
        switch expr {
        case .number(let value): return value.isNegative
        case .negate: return true
        case .add(let a, _), .subtract(let a, _), .multiply(let a, _), .hadamard(let a, _),
            .elementwiseDivide(let a, _), .divide(let a, _):
            return startsWithMinus(a)
        case .power, .elementwisePower, .powerBy, .elementwisePowerBy, .transpose:
            // A negative base is parenthesised, so the text starts with `(`.
            return false
        case .variable, .apply, .apply2, .identity, .ones, .zeros, .commutation, .sizeless: return false
        }
    }

    /// An exponent as the grammar reads it after `^`: `2`, `0.5`, or a parenthesised
    /// constant `(-1)`, `(1/3)`.
    static func exponentText(_ exponent: Rational) -> String {
        if !exponent.isNegative, let decimal = exponent.terminatingDecimal { return decimal }
        return "(\(exponent))"
    }
}

extension MatrixExpr: CustomStringConvertible {
    /// The plain form (``PlainPrinter``).
    public var description: String { PlainPrinter.print(self) }
}
