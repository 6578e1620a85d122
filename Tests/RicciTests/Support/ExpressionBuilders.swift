// Shorthands for building expression trees in tests, in the order the parser builds them.

@testable import Ricci

/// The variable `name`.
func v(_ name: String) -> MatrixExpr { .variable(name) }
/// The number `numerator/denominator`.
func num(_ numerator: Int, _ denominator: Int = 1) -> MatrixExpr { .number(Rational(numerator, denominator)) }
/// `a*b*c…`, left to right (`mul(a, b, c)` is `(a*b)*c`).
func mul(_ first: MatrixExpr, _ rest: MatrixExpr...) -> MatrixExpr { rest.reduce(first) { .multiply($0, $1) } }
/// `a + b`.
func add(_ a: MatrixExpr, _ b: MatrixExpr) -> MatrixExpr { .add(a, b) }
/// `a - b`.
func sub(_ a: MatrixExpr, _ b: MatrixExpr) -> MatrixExpr { .subtract(a, b) }
/// `-a`.
func neg(_ a: MatrixExpr) -> MatrixExpr { .negate(a) }
/// `a .* b`.
func had(_ a: MatrixExpr, _ b: MatrixExpr) -> MatrixExpr { .hadamard(a, b) }
/// `a ./ b`.
func ediv(_ a: MatrixExpr, _ b: MatrixExpr) -> MatrixExpr { .elementwiseDivide(a, b) }
/// `a / b`.
func div(_ a: MatrixExpr, _ b: MatrixExpr) -> MatrixExpr { .divide(a, b) }
/// `a ^ c`.
func pow(_ a: MatrixExpr, _ exponent: Rational) -> MatrixExpr { .power(a, exponent) }
/// `a .^ c`.
func epow(_ a: MatrixExpr, _ exponent: Rational) -> MatrixExpr { .elementwisePower(a, exponent) }
/// `a'`.
func tr(_ a: MatrixExpr) -> MatrixExpr { .transpose(a) }
/// `function(a)`.
func f(_ function: MatrixFunction, _ a: MatrixExpr) -> MatrixExpr { .apply(function, a) }
/// A built-in entry-wise function of `a`.
func ew(_ function: ElementwiseFunction, _ a: MatrixExpr) -> MatrixExpr { .apply(.elementwise(function), a) }
