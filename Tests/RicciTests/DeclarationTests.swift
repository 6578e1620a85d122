// Declarations: `--var` and `--func` texts, and the consistency of a set of them.

import Testing
@testable import Ricci

@Suite struct DeclarationTests {
    static let (m, n, k) = (Dimension.named("m"), Dimension.named("n"), Dimension.named("k"))

    /// `--var` text ⇒ the declaration.
    static let variableCases: [(String, VariableDeclaration)] = [
        ("X:m,k", VariableDeclaration(name: "X", shape: Shape(m, k))),
        ("a:m", VariableDeclaration(name: "a", shape: .vector(m))),
        ("c:", VariableDeclaration(name: "c", shape: .scalar)),
        ("c:scalar", VariableDeclaration(name: "c", shape: .scalar)),
        ("S:n,n:spd", VariableDeclaration(name: "S", shape: Shape(n, n), property: .spd)),
        ("M:n,n:symmetric", VariableDeclaration(name: "M", shape: Shape(n, n), property: .symmetric)),
        ("D:k,k:diagonal", VariableDeclaration(name: "D", shape: Shape(k, k), property: .diagonal)),
        ("A:3,4", VariableDeclaration(name: "A", shape: Shape(.fixed(3), .fixed(4)))),
        ("r:1,n", VariableDeclaration(name: "r", shape: Shape(.one, n))),
        ("x:1", VariableDeclaration(name: "x", shape: .scalar)),
        (" X : m , k ", VariableDeclaration(name: "X", shape: Shape(m, k))),
        ("λ:", VariableDeclaration(name: "λ", shape: .scalar)),
        ("W1:d_in,h", VariableDeclaration(name: "W1", shape: Shape(.named("d_in"), .named("h")))),
        ("c::spd", VariableDeclaration(name: "c", shape: .scalar, property: .spd)),
    ]

    @Test(arguments: variableCases)
    func parsesVariableDeclarations(text: String, expected: VariableDeclaration) throws {
        #expect(try VariableDeclaration(parsing: text) == expected)
    }

    /// Malformed `--var` texts ⇒ a fragment of the message.
    static let variableErrors: [(String, String)] = [
        ("X", "bad variable declaration 'X': missing ':' after the name"),
        ("X:m:k:l", "too many ':'"),
        ("X:m,k,p", "a shape has at most two dimensions"),
        ("X:0", "a size must be positive"),
        ("X:m,", "an empty dimension is neither a dimension name nor a positive integer"),
        ("X:2.5", "'2.5' is neither a dimension name nor a positive integer"),
        ("X:-1", "'-1' is neither"),
        ("X:99999999999999999999", "'99999999999999999999' is neither"),
        ("1X:m", "'1X' cannot be declared: a name is a letter followed by letters, digits and _"),
        (":m", "'' cannot be declared"),
        ("Xᵀ:m", "'Xᵀ' cannot be declared"),
        ("tr:m", "'tr' cannot be declared: tr is a built-in function"),
        ("I:n,n", "I is a built-in function"),
        ("S:n,m:spd", "S is declared spd but its shape n×m is not square"),
        ("a:n:symmetric", "a is declared symmetric but its shape n is not square"),
        ("x:spd", "'spd' is a property; give the shape first, as in S:n,n:spd"),
        ("X:m,k:foo", "unknown property 'foo' (known: symmetric, spd, diagonal)"),
    ]

    @Test(arguments: variableErrors)
    func rejectsMalformedVariableDeclarations(text: String, fragment: String) {
        let error = #expect(throws: DeclarationError.self) { try VariableDeclaration(parsing: text) }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
        #expect(error?.category == .badInput)
        #expect(error?.range == nil)
    }

    /// `--func` text ⇒ the declaration.
    static let functionCases: [(String, FunctionDeclaration)] = [
        ("sigma:elementwise", FunctionDeclaration(name: "sigma", kind: .elementwise)),
        ("lambda:scalar", FunctionDeclaration(name: "lambda", kind: .scalar)),
        (" f : scalar ", FunctionDeclaration(name: "f", kind: .scalar)),
        ("φ:elementwise", FunctionDeclaration(name: "φ", kind: .elementwise)),
    ]

    @Test(arguments: functionCases)
    func parsesFunctionDeclarations(text: String, expected: FunctionDeclaration) throws {
        #expect(try FunctionDeclaration(parsing: text) == expected)
    }

    /// Malformed `--func` texts ⇒ a fragment of the message.
    static let functionErrors: [(String, String)] = [
        ("sigma", "bad function declaration 'sigma': missing ':' after the name"),
        ("sigma:foo", "unknown kind 'foo'; expected NAME:elementwise or NAME:scalar"),
        ("sigma:", "unknown kind ''"),
        ("f:scalar:x", "too many ':'"),
        (":scalar", "'' cannot be declared"),
        ("exp:elementwise", "exp is a built-in function"),
        ("ones:scalar", "ones is a built-in function"),
        ("grad_f:scalar", "names starting with grad_ are the gradients of scalar functions"),
    ]

    @Test(arguments: functionErrors)
    func rejectsMalformedFunctionDeclarations(text: String, fragment: String) {
        let error = #expect(throws: DeclarationError.self) { try FunctionDeclaration(parsing: text) }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
        #expect(error?.category == .badInput)
    }

    @Test func parsesAndValidatesSetsOfDeclarations() throws {
        let declarations = try Declarations(parsingVariables: ["X:m,k", "y:m"], functions: ["sigma:elementwise"])
        #expect(declarations.variables.map(\.name) == ["X", "y"])
        #expect(declarations.functionKinds == ["sigma": .elementwise])
    }

    /// Sets of declarations that contradict themselves ⇒ the error.
    static let inconsistentCases: [(Declarations, DeclarationError.Kind)] = [
        (Declarations(variables: [VariableDeclaration(name: "X", shape: .scalar),
                                  VariableDeclaration(name: "X", shape: .vector(.named("n")))]),
         .duplicateVariable("X")),
        (Declarations(functions: [FunctionDeclaration(name: "f", kind: .scalar),
                                  FunctionDeclaration(name: "f", kind: .elementwise)]),
         .duplicateFunction("f")),
        (Declarations(variables: [VariableDeclaration(name: "f", shape: .scalar)],
                      functions: [FunctionDeclaration(name: "f", kind: .scalar)]),
         .variableAndFunction("f")),
        (Declarations(variables: [VariableDeclaration(name: "X", shape: Shape(.named("m"), .named("n")),
                                                      property: .symmetric)]),
         .propertyNeedsSquareShape(name: "X", property: .symmetric, shape: Shape(.named("m"), .named("n")))),
        (Declarations(variables: [VariableDeclaration(name: "X", shape: Shape(.fixed(0), .named("n")))]),
         .invalidDimension(variable: "X", .fixed(0))),
        (Declarations(variables: [VariableDeclaration(name: "X", shape: .vector(.named("2m")))]),
         .invalidDimension(variable: "X", .named("2m"))),
        (Declarations(variables: [VariableDeclaration(name: "sum", shape: .scalar)]),
         .invalidName("sum", reason: "sum is a built-in function")),
        (Declarations(functions: [FunctionDeclaration(name: "grad_f", kind: .scalar)]),
         .invalidName("grad_f", reason: "names starting with grad_ are the gradients of scalar functions")),
    ]

    @Test(arguments: inconsistentCases)
    func rejectsInconsistentDeclarations(declarations: Declarations, kind: DeclarationError.Kind) {
        #expect(throws: DeclarationError(kind)) { try declarations.validate() }
    }

    @Test func messagesOfInconsistentDeclarations() {
        #expect(DeclarationError(.duplicateVariable("X")).message == "variable X is declared twice")
        #expect(DeclarationError(.duplicateFunction("f")).message == "function f is declared twice")
        #expect(DeclarationError(.variableAndFunction("f")).message
                == "f is declared both as a variable and as a function")
    }

    @Test func parsedSetsAreValidated() {
        #expect(throws: DeclarationError(.variableAndFunction("sigma"))) {
            try Declarations(parsingVariables: ["sigma:n"], functions: ["sigma:elementwise"])
        }
    }

    @Test func declaredFunctionsAreKnownToTheParser() throws {
        let declarations = try Declarations(parsingVariables: [], functions: ["f:elementwise", "g:scalar"])
        let checked = try CheckedExpression(parsing: "g(f(X) + f'(X)) * grad_g(X)", declarations: declarations)
        #expect(checked.shape == Shape(.named("m"), .named("n")))
        #expect(throws: ParseError.self) { try CheckedExpression(parsing: "g(X)") }
    }
}
