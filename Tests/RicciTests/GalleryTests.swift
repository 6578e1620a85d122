// The seed gallery: every worked example, its pretty and LaTeX forms, and `ricci demo`.

import Testing
@testable import Ricci

@Suite struct GalleryTests {
    /// Pretty and LaTeX forms of each example, in gallery order.
    static let golden: [(pretty: String, latex: String)] = [
        ("2 Xᵀ(X W − Y)", #"2 X^{\top} \left(X W - Y\right)"#),
        ("2 (X W − Y)Wᵀ", #"2 \left(X W - Y\right) W^{\top}"#),
        ("2 Aᵀ(A B − C)", #"2 A^{\top} \left(A B - C\right)"#),
        ("Wᵀ ⊗ I₃", #"W^{\top} \otimes I_{3}"#),
        ("K₍3,4₎", #"K_{3,4}"#),
        ("2 (J + R)A (Aᵀ(J + R)ᵀ(J + R)A − D)Aᵀ + λ R",
         #"2 \left(J + R\right) A \left(A^{\top} \left(J + R\right)^{\top} \left(J + R\right) A - D\right) A^{\top} + \lambda R"#),
        ("2 Aᵀ(A x − b)", #"2 A^{\top} \left(A x - b\right)"#),
        ("2 (A x − b)xᵀ", #"2 \left(A x - b\right) x^{\top}"#),
        ("a bᵀ", #"a b^{\top}"#),
        ("(a ⊙ exp(X b))bᵀ", #"\left(a \odot \exp\left(X b\right)\right) b^{\top}"#),
        ("2 Wᵀ(T₁ ⊙ (1 − T₁) ⊙ (M T₁)) where T₁ = sigmoid(W X)", ""),
        ("2 Wᵀ(σ′(W X) ⊙ (M σ(W X)))", ""),
        ("2 Aᵀ(A X − b)", #"2 A^{\top} \left(A X - b\right)"#),
        ("(∇λ(σ(X W)) ⊙ σ′(X W))Wᵀ", ""),
        ("Xᵀ(∇λ(σ(X W)) ⊙ σ′(X W))", ""),
        ("(sigmoid(X W) ⊙ (1 − sigmoid(X W)))Wᵀ", ""),
        ("Xᵀ(sigmoid(X W) ⊙ (1 − sigmoid(X W)))", ""),
    ]

    @Test(arguments: Array(SeedGallery.examples.indices))
    func exampleComesOutAsBefore(position: Int) throws {
        let example = SeedGallery.examples[position]
        let derivative = try Ricci.derivative(
            of: example.expression, withRespectTo: example.variable, declarations: example.parsedDeclarations())
        #expect(derivative.pretty == Self.golden[position].pretty, "\(example.source)")
        if !Self.golden[position].latex.isEmpty {
            #expect(derivative.latex == Self.golden[position].latex, "\(example.source)")
        }
        #expect(derivative.verify().verdict == .passed, "\(example.source)")
    }

    @Test func demoVerifiesEveryExample() {
        let result = CommandLineTool.run(["demo"])
        #expect(result.status == 0)
        #expect(result.output.hasSuffix("17 of 17 examples derived, verified and as compact as by hand\n"))
        #expect(!result.output.contains("LONGER"))
        #expect(result.output.contains("2 (J + R)A (Aᵀ(J + R)ᵀ(J + R)A − D)Aᵀ + λ R"))
    }
}
