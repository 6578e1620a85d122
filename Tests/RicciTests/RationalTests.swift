// Exact rational arithmetic, overflow included.

import Testing
@testable import Ricci

@Suite struct RationalTests {
    @Test func arithmeticIsExact() {
        #expect(Rational(1, 2) + Rational(1, 3) == Rational(5, 6))
        #expect(Rational(2, 4) == Rational(1, 2))
        #expect(Rational(1, -2) == Rational(-1, 2))
        #expect(Rational(3, 4) * Rational(2, 3) == Rational(1, 2))
        #expect(Rational(1, 2) / Rational(1, 4) == 2)
        #expect(Rational(2, 3).power(-2) == Rational(9, 4))
        #expect(Rational(4).power(Rational(1, 2)) == 2)
        #expect(Rational(2).power(Rational(1, 2)) == nil)
        #expect(Rational(1, 8).power(Rational(-2, 3)) == 4)
    }

    @Test(arguments: [("0.5", Rational(1, 2)), ("2", Rational(2)), (".25", Rational(1, 4)),
                      ("0.1", Rational(1, 10)), ("10.0", Rational(10))])
    func decimalLiterals(text: String, value: Rational) {
        #expect(Rational(decimal: Substring(text)) == value)
    }

    @Test func overflowIsInvalidNotACrash() {
        let big = Rational(Int.max)
        #expect(!(big + big).isValid)
        #expect(!(big * 2).isValid)
        #expect(!((big * 2) + 1).isValid)
        #expect(!Rational(1, 0).isValid)
        #expect(Rational(decimal: "99999999999999999999999") == nil)
        #expect(!Rational(2).power(200).isValid)
    }

    @Test func terminatingDecimals() {
        #expect(Rational(1, 2).terminatingDecimal == "0.5")
        #expect(Rational(-5, 4).terminatingDecimal == "-1.25")
        #expect(Rational(1, 3).terminatingDecimal == nil)
        #expect(Rational(1, 20).terminatingDecimal == "0.05")
    }

    @Test func ordering() {
        #expect(Rational(1, 3) < Rational(1, 2))
        #expect(Rational(-1, 2) < Rational(1, 3))
        #expect(Rational(Int.max) > Rational(Int.max - 1, 2))
    }
}
