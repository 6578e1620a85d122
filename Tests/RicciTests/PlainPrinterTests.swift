// The plain printer: the input language, parentheses only where the grammar needs them.

import Testing
@testable import Ricci

@Suite struct PlainPrinterTests {
    static let X = MatrixExpr.variable("X"), W = MatrixExpr.variable("W"), Y = MatrixExpr.variable("Y")

    @Test func frobeniusGradient() {
        let residual = MatrixExpr.subtract(.multiply(Self.X, Self.W), Self.Y)
        let gradient = MatrixExpr.multiply(.multiply(.number(2), .transpose(Self.X)), residual)
        #expect(PlainPrinter.print(gradient) == "2*X'*(X*W - Y)")
        #expect(gradient.operatorCount == 5)
    }

    @Test func associativityNeedsParenthesesOnTheRight() {
        #expect(PlainPrinter.print(.multiply(Self.X, .multiply(Self.W, Self.Y))) == "X*(W*Y)")
        #expect(PlainPrinter.print(.subtract(Self.X, .subtract(Self.W, Self.Y))) == "X - (W - Y)")
        #expect(PlainPrinter.print(.subtract(.subtract(Self.X, Self.W), Self.Y)) == "X - W - Y")
    }

    @Test func numbersAndPowers() {
        #expect(PlainPrinter.print(.multiply(.number(Rational(1, 2)), Self.X)) == "1/2*X")
        #expect(PlainPrinter.print(.multiply(Self.X, .number(Rational(1, 2)))) == "X*(1/2)")
        #expect(PlainPrinter.print(.multiply(Self.X, .number(-2))) == "X*(-2)")
        #expect(PlainPrinter.print(.power(.number(-2), 2)) == "(-2)^2")
        #expect(PlainPrinter.print(.negate(.power(.number(2), 2))) == "-2^2")
        #expect(PlainPrinter.print(.negate(.number(2))) == "-(2)")
        #expect(PlainPrinter.print(.power(.variable("t"), Rational(1, 2))) == "t^0.5")
        #expect(PlainPrinter.print(.power(.variable("t"), -1)) == "t^(-1)")
        #expect(PlainPrinter.print(.elementwisePower(Self.X, Rational(1, 3))) == "X.^(1/3)")
        #expect(PlainPrinter.print(.transpose(.elementwisePower(Self.X, 2))) == "(X.^2)'")
    }

    @Test func functionsAndConstants() {
        #expect(PlainPrinter.print(.apply(.trace, .multiply(Self.X, .transpose(Self.X)))) == "tr(X*X')")
        #expect(PlainPrinter.print(.apply(.declaredElementwiseDerivative("sigma"), Self.X)) == "sigma'(X)")
        #expect(PlainPrinter.print(.apply(.declaredScalarGradient("lambda"), Self.X)) == "grad_lambda(X)")
        #expect(PlainPrinter.print(.ones(.named("m"), .one)) == "ones(m)")
        #expect(PlainPrinter.print(.ones(.named("m"), .named("n"))) == "ones(m,n)")
        #expect(PlainPrinter.print(.identity(.fixed(3))) == "I(3)")
        #expect(PlainPrinter.print(.add(Self.X, .negate(Self.W))) == "X + (-W)")
        #expect(PlainPrinter.print(.negate(.negate(Self.X))) == "-(-X)")
    }
}
