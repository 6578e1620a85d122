// Exact rational numbers: the coefficients and exponents of every symbolic layer.

import Foundation

/// An exact rational number `numerator / denominator` in lowest terms, `denominator > 0`.
///
/// Symbolic layers never use `Double`: `1/2 + 1/3 = 5/6` exactly. Arithmetic that would
/// overflow 64-bit integers does not trap: it yields ``invalid`` (denominator 0), which
/// propagates through every operation like a floating-point NaN, so a caller checks
/// ``isValid`` once at the end of a computation and reports "numbers too large" instead of
/// crashing on an input such as `2*2*…*2` with a hundred factors.
public struct Rational: Hashable, Sendable, Comparable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    /// The numerator; carries the sign.
    public let numerator: Int
    /// The denominator: positive, or 0 for ``invalid``.
    public let denominator: Int

    /// The result of an overflowing operation; every operation with it yields it again.
    public static let invalid = Rational(unchecked: 0, 0)
    /// 0.
    public static let zero = Rational(unchecked: 0, 1)
    /// 1.
    public static let one = Rational(unchecked: 1, 1)
    /// −1.
    public static let minusOne = Rational(unchecked: -1, 1)
    /// 1/2.
    public static let half = Rational(unchecked: 1, 2)

    private init(unchecked numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// `numerator / denominator` reduced to lowest terms; ``invalid`` when `denominator == 0`
    /// or when the sign cannot be normalised (`Int.min`).
    public init(_ numerator: Int, _ denominator: Int = 1) {
        guard denominator != 0, numerator != .min, denominator != .min else {
            self = .invalid
            return
        }
        let divisor = Rational.gcd(Swift.abs(numerator), Swift.abs(denominator))
        let sign = denominator < 0 ? -1 : 1
        self.init(unchecked: sign * numerator / divisor, sign * denominator / divisor)
    }

    public init(integerLiteral value: Int) {
        self.init(value, 1)
    }

    /// Parses a decimal literal such as `2`, `0.5` or `.25` exactly (`0.1` is `1/10`);
    /// `nil` when the text is not a decimal literal or does not fit in 64 bits.
    public init?(decimal text: Substring) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let integerPart = parts.first, parts.count <= 2 else { return nil }
        let fractionPart = parts.count == 2 ? parts[1] : ""
        guard !(integerPart.isEmpty && fractionPart.isEmpty),
            (integerPart + fractionPart).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        var numerator = 0
        var denominator = 1
        for digit in integerPart + fractionPart {
            let (times10, overflow1) = numerator.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(digit.asciiValue! - 48))
            guard !overflow1, !overflow2 else { return nil }
            numerator = sum
        }
        for _ in fractionPart {
            let (times10, overflow) = denominator.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            denominator = times10
        }
        self.init(numerator, denominator)
    }

    /// False for ``invalid``, the result of an overflow.
    public var isValid: Bool { denominator != 0 }
    /// True for 0.
    public var isZero: Bool { numerator == 0 && denominator == 1 }
    /// True for 1.
    public var isOne: Bool { numerator == 1 && denominator == 1 }
    /// True when the denominator is 1.
    public var isInteger: Bool { denominator == 1 }
    /// True for a valid number below zero.
    public var isNegative: Bool { numerator < 0 && isValid }
    /// The nearest `Double` (NaN for ``invalid``); for numeric evaluation only.
    public var doubleValue: Double {
        isValid ? Double(numerator) / Double(denominator) : .nan
    }
    /// `|self|`.
    public var magnitude: Rational { isNegative ? -self : self }

    /// `1/self`; ``invalid`` for 0.
    public var reciprocal: Rational {
        isValid ? Rational(denominator, numerator) : .invalid
    }

    public var description: String {
        guard isValid else { return "<overflow>" }
        return denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)"
    }

    /// The number as a terminating decimal (`0.5`, `-1.25`) when its denominator has no
    /// prime factor other than 2 and 5 and it has at most 12 decimals; `nil` otherwise.
    public var terminatingDecimal: String? {
        guard isValid else { return nil }
        if denominator == 1 { return "\(numerator)" }
        var scaled = magnitude
        var digits = 0
        while !scaled.isInteger {
            scaled = scaled * 10
            digits += 1
            if digits > 12 || !scaled.isValid { return nil }
        }
        var text = String(scaled.numerator)
        if text.count <= digits { text = String(repeating: "0", count: digits - text.count + 1) + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
        return (isNegative ? "-" : "") + text
    }

    // MARK: Arithmetic (overflow yields `invalid`)

    public static func + (lhs: Rational, rhs: Rational) -> Rational {
        guard lhs.isValid, rhs.isValid else { return .invalid }
        if lhs.denominator == rhs.denominator {
            let (sum, overflow) = lhs.numerator.addingReportingOverflow(rhs.numerator)
            return overflow ? .invalid : Rational(sum, lhs.denominator)
        }
        let (a, o1) = lhs.numerator.multipliedReportingOverflow(by: rhs.denominator)
        let (b, o2) = rhs.numerator.multipliedReportingOverflow(by: lhs.denominator)
        let (sum, o3) = a.addingReportingOverflow(b)
        let (denominator, o4) = lhs.denominator.multipliedReportingOverflow(by: rhs.denominator)
        return o1 || o2 || o3 || o4 ? .invalid : Rational(sum, denominator)
    }

    public static prefix func - (value: Rational) -> Rational {
        value.isValid && value.numerator != .min
            ? Rational(unchecked: -value.numerator, value.denominator) : .invalid
    }

    public static func - (lhs: Rational, rhs: Rational) -> Rational { lhs + -rhs }

    public static func * (lhs: Rational, rhs: Rational) -> Rational {
        guard lhs.isValid, rhs.isValid else { return .invalid }
        // Cross-reduce first so that small results never overflow on the way.
        let g1 = gcd(Swift.abs(lhs.numerator), rhs.denominator)
        let g2 = gcd(Swift.abs(rhs.numerator), lhs.denominator)
        let (numerator, o1) = (lhs.numerator / g1).multipliedReportingOverflow(by: rhs.numerator / g2)
        let (denominator, o2) = (lhs.denominator / g2).multipliedReportingOverflow(
            by: rhs.denominator / g1)
        return o1 || o2 ? .invalid : Rational(numerator, denominator)
    }

    public static func / (lhs: Rational, rhs: Rational) -> Rational { lhs * rhs.reciprocal }

    public static func += (lhs: inout Rational, rhs: Rational) { lhs = lhs + rhs }
    public static func *= (lhs: inout Rational, rhs: Rational) { lhs = lhs * rhs }

    /// `self^exponent` for an integer exponent (negative allowed); ``invalid`` on overflow or
    /// for `0^negative`.
    public func power(_ exponent: Int) -> Rational {
        guard isValid else { return .invalid }
        if exponent < 0 { return power(-exponent).reciprocal }
        var result = Rational.one
        var base = self
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result = result * base }
            remaining >>= 1
            if remaining > 0 { base = base * base }
            if !result.isValid || !base.isValid { return .invalid }
        }
        return result
    }

    /// `self^exponent` when the result is rational (`4^(1/2) = 2`, `(1/8)^(-2/3) = 4`);
    /// `nil` when it is irrational (`2^(1/2)`), undefined, or too large.
    public func power(_ exponent: Rational) -> Rational? {
        guard isValid, exponent.isValid else { return nil }
        if exponent.isInteger {
            let result = power(exponent.numerator)
            return result.isValid ? result : nil
        }
        guard !isNegative, exponent.denominator <= 64,
            let numeratorRoot = Rational.exactRoot(numerator, exponent.denominator),
            let denominatorRoot = Rational.exactRoot(denominator, exponent.denominator)
        else { return nil }
        let result = Rational(numeratorRoot, denominatorRoot).power(exponent.numerator)
        return result.isValid ? result : nil
    }

    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        // Compare exactly via 128-bit products so that no valid pair overflows.
        let a = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
        let b = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
        return (a.high, a.low) < (b.high, b.low)
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : x
    }

    /// The integer `r` with `r^n == value` (value ≥ 0), if there is one.
    private static func exactRoot(_ value: Int, _ n: Int) -> Int? {
        if value < 2 { return value }
        // The floating-point root is within one of the integer root; integers decide.
        let estimate = Int(Foundation.pow(Double(value), 1 / Double(n)).rounded())
        for candidate in [estimate - 1, estimate, estimate + 1] where candidate >= 0 {
            if Rational(candidate).power(n) == Rational(value) { return candidate }
        }
        return nil
    }
}
