// The worked examples of the documents Ricci comes from, as data for `ricci demo`.

/// One worked example: a derivative someone took by hand, in SymPy or in Mathematica.
public struct GalleryExample: Sendable {
    /// Which document it comes from and what it is.
    public let source: String
    /// The function, in the language.
    public let expression: String
    /// The variable.
    public let variable: String
    /// `--var` and `--func` declarations.
    public let declarations: [String]
    /// The result derived by hand in the document (in the language), when it gives one.
    public let handDerivation: String?

    /// The declarations, parsed.
    public func parsedDeclarations() throws -> Declarations {
        let functions = declarations.filter { $0.hasSuffix(":elementwise") || $0.hasSuffix(":scalar") }
        return try Declarations(parsingVariables: declarations.filter { !functions.contains($0) }, functions: functions)
    }
}

/// Every worked example of the seed documents.
public enum SeedGallery {
    /// The examples, document by document.
    public static let examples: [GalleryExample] = [
        // A SymPy notebook on the Frobenius norm and derivatives by a matrix argument.
        GalleryExample(source: "SymPy notebook: squared Frobenius norm, by W",
                       expression: "tr((X*W - Y)*(X*W - Y)')", variable: "W",
                       declarations: ["X:m,k", "W:k,n", "Y:m,n"], handDerivation: "2*X'*(X*W - Y)"),
        GalleryExample(source: "SymPy notebook: squared Frobenius norm, by X",
                       expression: "tr((X*W - Y)*(X*W - Y)')", variable: "X",
                       declarations: ["X:m,k", "W:k,n", "Y:m,n"], handDerivation: "2*(X*W - Y)*W'"),
        GalleryExample(source: "SymPy notebook: the same at sizes 3×4, 4×2, 3×2",
                       expression: "tr((A*B - C)*(A*B - C)')", variable: "B",
                       declarations: ["A:3,4", "B:4,2", "C:3,2"], handDerivation: "2*A'*(A*B - C)"),
        GalleryExample(source: "SymPy notebook: d(X W)/dX, which SymPy leaves as nested matrices",
                       expression: "X*W", variable: "X", declarations: ["X:3,3", "W:3,2"], handDerivation: nil),
        GalleryExample(source: "SymPy notebook: d(Aᵀ)/dA, which SymPy leaves unevaluated",
                       expression: "A'", variable: "A", declarations: ["A:3,4"], handDerivation: nil),
        // A Mathematica derivation in 22 rewrite steps.
        GalleryExample(source: "Mathematica in 22 steps: ½‖Aᵀ(J+R)ᵀ(J+R)A − D‖²_F + λ/2 ‖R‖²_F, diagonal D",
                       expression: "0.5*norm2(A'*(J + R)'*(J + R)*A - D)^2 + 0.5*lambda*norm2(R)^2", variable: "R",
                       declarations: ["J:m,n", "R:m,n", "A:n,k", "D:k,k:diagonal"],
                       handDerivation: "2*(J + R)*(A*A'*(J + R)'*(J + R)*A*A' - A*D*A') + lambda*R"),
        // A gist on derivatives through the Frobenius inner product.
        GalleryExample(source: "Frobenius-product gist: E = ‖A x − b‖², by x",
                       expression: "norm2(A*x - b)^2", variable: "x", declarations: ["A:m,n", "x:n", "b:m"],
                       handDerivation: "2*A'*(A*x - b)"),
        GalleryExample(source: "Frobenius-product gist: E = ‖A x − b‖², by A",
                       expression: "norm2(A*x - b)^2", variable: "A", declarations: ["A:m,n", "x:n", "b:m"],
                       handDerivation: "2*(A*x - b)*x'"),
        // Lecture notes on matrix calculus with the trace trick.
        GalleryExample(source: "Matrix Calculus notes, ex. 1: f = aᵀX b",
                       expression: "a'*X*b", variable: "X", declarations: ["a:m", "X:m,n", "b:n"],
                       handDerivation: "a*b'"),
        GalleryExample(source: "Matrix Calculus notes, ex. 2: f = aᵀexp(X b)",
                       expression: "a'*exp(X*b)", variable: "X", declarations: ["a:m", "X:m,n", "b:n"],
                       handDerivation: "(a.*exp(X*b))*b'"),
        GalleryExample(source: "Matrix Calculus notes, ex. 3: f = tr(YᵀM Y), Y = σ(W X), symmetric M, σ = sigmoid",
                       expression: "tr(sigmoid(W*X)'*M*sigmoid(W*X))", variable: "X",
                       declarations: ["W:l,m", "X:m,n", "M:l,l:symmetric"],
                       handDerivation: "W'*((2*M*sigmoid(W*X)).*sigmoid(W*X).*(ones(l,n) - sigmoid(W*X)))"),
        GalleryExample(source: "Matrix Calculus notes, ex. 3 with σ declared element-wise",
                       expression: "tr(sigma(W*X)'*M*sigma(W*X))", variable: "X",
                       declarations: ["W:l,m", "X:m,n", "M:l,l:symmetric", "sigma:elementwise"],
                       handDerivation: "W'*((2*M*sigma(W*X)).*sigma'(W*X))"),
        GalleryExample(source: "Matrix Calculus notes, ex. 4: least squares E = ‖A X − b‖², X a vector",
                       expression: "norm2(A*X - b)^2", variable: "X", declarations: ["A:m,n", "X:n", "b:m"],
                       handDerivation: "2*A'*(A*X - b)"),
        // A notebook deriving L = λ(σ(ν(X, W))) for a neural network layer.
        GalleryExample(source: "Neural-network notebook: L = λ(σ(X W)), by X",
                       expression: "lambda(sigma(X*W))", variable: "X",
                       declarations: ["X:n,m", "W:m,p", "sigma:elementwise", "lambda:scalar"],
                       handDerivation: "(grad_lambda(sigma(X*W)).*sigma'(X*W))*W'"),
        GalleryExample(source: "Neural-network notebook: L = λ(σ(X W)), by W",
                       expression: "lambda(sigma(X*W))", variable: "W",
                       declarations: ["X:n,m", "W:m,p", "sigma:elementwise", "lambda:scalar"],
                       handDerivation: "X'*(grad_lambda(sigma(X*W)).*sigma'(X*W))"),
        GalleryExample(source: "Neural-network notebook: σ = sigmoid, λ = sum, by X",
                       expression: "sum(sigmoid(X*W))", variable: "X", declarations: ["X:n,m", "W:m,p"],
                       handDerivation: "(sigmoid(X*W).*(ones(n,p) - sigmoid(X*W)))*W'"),
        GalleryExample(source: "Neural-network notebook: σ = sigmoid, λ = sum, by W",
                       expression: "sum(sigmoid(X*W))", variable: "W", declarations: ["X:n,m", "W:m,p"],
                       handDerivation: "X'*(sigmoid(X*W).*(ones(n,p) - sigmoid(X*W)))"),
    ]
}
